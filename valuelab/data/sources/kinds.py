"""Kinds of table a source can be: an event log, or one of the tables valuelab ships.

A mapping's ``kind`` says which roles the source's columns can play:

- ``events`` (the default): an event log, roles
  :data:`ROLES`; ``user`` and ``time`` required;
- ``accounts``, ``account_inputs``, ``spotify_annual``: a table in the layout of
  the shipped dataset of that name (``datasets/README.md``); the roles are that
  dataset's columns, typed as it types them, and the canonical table has those
  names, so the scoring and royalty functions take it as they take the sample.

A role left out of the mapping is looked for under its own name; a required
role found nowhere is an error (with a did-you-mean among the real columns).

Money roles carry no currency (``arr``, ``new_revenue``, ``amount``): the
mapping declares it. The shipped tables keep their columns' names (``arr_eur``:
they are in EUR), so a money role left out of the mapping is looked for under
its own name, then under the shipped column's (:data:`MONEY_ROLES`), which
declares EUR. The old role names (``arr_eur: ARR``) are still read, as the new
role, with a :class:`DeprecationWarning`; they do not declare a currency.
Spotify's annual figures keep the currency Spotify reported each one in (EUR
financials, USD payouts): their roles name it, and a mapping of that kind
declares none.

Examples
--------
>>> k = table_kind("accounts")
>>> k.key, k.roles["arr"], "usage" in k.required, k.shipped["arr"]
('account_id', 'float64', False, 'arr_eur')
>>> table_kind("events").required
('user', 'time')
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field

from valuelab.core import InputError

__all__ = ["KINDS", "MONEY_ROLES", "ROLES", "SHIPPED_CURRENCY", "TableKind", "table_kind"]

#: An event log's roles -> the ibis type of each canonical column.
ROLES: dict[str, str] = {
    "user": "string",
    "time": "timestamp",
    "event": "string",
    "amount": "float64",
    "cost": "float64",
    "nps": "float64",
    "account": "string",
    "artist": "string",
    "streams": "int64",
    "segment": "string",
    "market": "string",
    "tier": "string",
    "country": "string",
    "product": "string",
    "order": "string",
    "quantity": "float64",
}

#: Kind -> (key role, roles the shipped layout may lack); ``events`` is the event log.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "events": ("user", ()),
    "accounts": ("account_id", ("usage", "nps_answer", "health_score", "impact_area")),
    "account_inputs": ("account_id", ()),
    "spotify_annual": (
        "year",
        (
            "premium_revenue_eur_m",
            "ad_revenue_eur_m",
            "operating_income_eur_m",
            "royalties_paid_usd_bn",
            "royalties_paid_eur_bn",
            "cumulative_royalties_usd_bn",
            "cumulative_royalties_eur_bn",
            "royalties_paid_reported",
            "source",
        ),
    ),
}

#: Kind -> {the shipped dataset's money column: the currency-free role it plays}.
MONEY_ROLES: dict[str, dict[str, str]] = {
    "accounts": {"arr_eur": "arr"},
    "account_inputs": {"new_revenue_eur": "new_revenue"},
}
#: The currency of the shipped tables' money columns (named ``*_eur``).
SHIPPED_CURRENCY = "EUR"

#: pandas dtypes of the shipped datasets -> ibis types of the canonical columns.
_IBIS_TYPES = {
    "string": "string",
    "category": "string",
    "float64": "float64",
    "Float64": "float64",
    "int64": "int64",
    "Int64": "int64",
    "boolean": "boolean",
    "bool": "boolean",
    "datetime": "timestamp",
}


@dataclass(frozen=True)
class TableKind:
    """The roles of one kind of table.

    Parameters
    ----------
    name : str
        ``events`` or a shipped dataset's name.
    roles : dict
        Role -> ibis type of its canonical column (``string``, ``float64``,
        ``int64``, ``boolean``, ``timestamp``), in canonical order.
    required : tuple of str
        Roles the source must have.
    key : str
        The role naming a row (a user, an account, a year): missing on no row.
    shipped : dict
        Money role -> the shipped dataset's column for it (named in EUR).
    """

    name: str
    roles: dict[str, str]
    required: tuple[str, ...]
    key: str
    shipped: dict[str, str] = field(default_factory=dict)

    @property
    def aliases(self) -> dict[str, str]:
        """Old role names (the shipped money columns) -> the role they now name."""
        return {column: role for role, column in self.shipped.items()}

    @property
    def events(self) -> bool:
        """Whether this is an event log (times on the reporting clock, refunds, duplicates)."""
        return self.name == "events"

    def text_roles(self) -> list[str]:
        """Roles read as text (identifiers and labels)."""
        return [r for r, t in self.roles.items() if t == "string"]


@functools.cache
def table_kind(name: str) -> TableKind:
    """The :class:`TableKind` called ``name``.

    Raises
    ------
    InputError
        An unknown kind (with a did-you-mean).
    """
    if name not in KINDS:
        near = difflib.get_close_matches(str(name), list(KINDS), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise InputError(f"unknown kind '{name}'{hint}", column="kind", expected=" or ".join(KINDS))
    key, optional = KINDS[name]
    if name == "events":
        return TableKind(name, dict(ROLES), ("user", "time"), key)
    from valuelab.data import datasets  # pandas: only for a shipped layout

    money = MONEY_ROLES.get(name, {})
    roles = {money.get(c, c): _IBIS_TYPES[t] for c, t in datasets.info(name).dtypes.items()}
    required = tuple(r for r in roles if r not in optional)
    return TableKind(name, roles, required, key, {r: c for c, r in money.items()})

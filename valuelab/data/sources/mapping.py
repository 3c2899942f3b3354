"""The mapping: the analyst's column names to valuelab's roles, and how to read them.

A mapping says which column plays which *role* (``user``, ``time``, ``event``,
``amount``, ``account``, ``artist``, ``streams``, ``segment``, …), in which
currency the amounts are, in which time zone the times were written and are
reported, how dates are written, and what to do with exact duplicate events
and with negative amounts (refunds, cancellations). It is read from a YAML
file or from keyword arguments::

    columns:            # role: the analyst's column
      user: customer_id
      time: order_date
      amount: price
    currency: USD
    timezone: America/New_York       # zone of naive times in the source
    reporting_timezone: Europe/Berlin
    date_format: yyyymmdd            # or a strftime pattern, excel-serial, epoch-s, epoch-ms
    duplicates: keep                 # or drop (exact duplicate events)
    refunds: net                     # or separate, refuse
    dst: refuse                      # or earlier, later: naive times a clock change
                                     # skipped or repeated in `timezone`
    table: orders                    # a database table (or sheet: for an Excel file)
    kind: events                     # or accounts, account_inputs, spotify_annual
    freshness: loaded_at             # a column whose latest value says how fresh the data is
    decimal: ","                     # a CSV file writing 12,50 for 12.50 (fields split by ;)

``cost`` is the cost of serving an event's ``amount`` (cost of goods, fees), in the
same currency; ``nps`` is a Net Promoter Score answer, a whole number 0-10.
A role left out is looked for under its own name (a column called ``user``).
The ``kind`` names the roles (:mod:`~valuelab.data.sources.kinds`): an event
log's (:data:`ROLES`), or the columns of a shipped table, so an accounts table
maps ``account_id: AccountNo``, ``arr: ARR`` and so on. Money roles carry no
currency: ``currency:`` declares it, and results and labels say it (without
one they say "currency not declared"). The old role names (``arr_eur: ARR``)
are read as the new ones with a :class:`DeprecationWarning`.

Examples
--------
>>> m = read_mapping(None, user="customer_id", currency="usd")
>>> m.columns["user"], m.currency, m.reporting_timezone
('customer_id', 'USD', 'UTC')
"""

from __future__ import annotations

import difflib
import warnings
import zoneinfo
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from valuelab.core import InputError
from valuelab.data.sources.dst import POLICIES as DST_POLICIES
from valuelab.data.sources.kinds import ROLES, table_kind

__all__ = ["DATE_FORMATS", "ROLES", "Mapping", "read_mapping", "read_mapping_problems"]

#: Named date formats besides strftime patterns.
DATE_FORMATS = ("yyyymmdd", "excel-serial", "epoch-s", "epoch-ms")

_POLICIES = {
    "duplicates": ("keep", "drop"),
    "refunds": ("net", "separate", "refuse"),
    "dst": DST_POLICIES,
}
_SETTINGS = (
    "currency",
    "timezone",
    "reporting_timezone",
    "date_format",
    "duplicates",
    "refunds",
    "dst",
    "table",
    "sheet",
    "kind",
    "freshness",
    "decimal",
)


@dataclass(frozen=True)
class Mapping:
    """How to read one source into valuelab's roles.

    Parameters
    ----------
    columns : dict
        Role -> the source's column name.
    currency : str, optional
        ISO 4217 code of ``amount`` (upper-cased); ``None`` when undeclared.
    timezone : str, optional
        IANA zone the source's naive times were written in (default: the
        reporting zone). Times that carry an offset are instants and need none.
    reporting_timezone : str
        IANA zone every period is counted in: a period starts at this zone's
        midnight (default ``"UTC"``).
    date_format : str, optional
        A strftime pattern, or one of :data:`DATE_FORMATS`; ``None`` detects it.
    duplicates : {"keep", "drop"}
        Keep exact duplicate events, or drop them.
    refunds : {"net", "separate", "refuse"}
        Negative amounts: netted (kept in ``amount``), kept apart in a
        ``refund`` column (negative as in the source, 0 on sales; ``amount``
        then holds sales only, 0 on refunds), or refused.
    dst : {"refuse", "earlier", "later"}
        Naive times a clock change skipped (02:30 on the day clocks go forward)
        or repeated (02:30 on the day they go back) in ``timezone``: refused
        with the rows (default), or read as PEP 495's ``fold=0`` (``earlier``:
        the first occurrence; a skipped time moved forward by the gap, as
        RFC 5545 reads it) or ``fold=1`` (``later``); see
        :mod:`~valuelab.data.sources.dst`.
    table, sheet : str, optional
        The database table or Excel sheet to read.
    kind : str
        The kind of table (:data:`~valuelab.data.sources.kinds.KINDS`): its roles.
    freshness : str, optional
        A source column whose latest value is the data's freshness (a load
        time, an ``updated_at``); default: the latest event time of an event log.
    decimal : {".", ","}, optional
        The decimal mark of a CSV file's numbers (``","``: ``12,50`` is 12.5, as
        DuckDB's CSV reader takes ``decimal_separator``); CSV sources only.
    """

    columns: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    timezone: str | None = None
    reporting_timezone: str = "UTC"
    date_format: str | None = None
    duplicates: str = "keep"
    refunds: str = "net"
    dst: str = "refuse"
    table: str | None = None
    sheet: str | int | None = None
    kind: str = "events"
    freshness: str | None = None
    decimal: str | None = None

    @property
    def roles(self) -> dict[str, str]:
        """Role -> ibis type of the canonical column, for this mapping's kind."""
        return table_kind(self.kind).roles

    @property
    def source_timezone(self) -> str:
        """The zone of naive source times: ``timezone``, else the reporting zone."""
        return self.timezone or self.reporting_timezone

    def column(self, role: str) -> str:
        """The source column playing ``role`` (its own name when unmapped)."""
        return self.columns.get(role, role)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for provenance and manifests); ``None`` settings left out."""
        return {k: v for k, v in asdict(self).items() if v not in (None, {})}


def _load_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read the mapping ({err.strerror})", source=str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        first = str(err).splitlines()[0]
        raise InputError(f"not a YAML mapping: {first}", source=str(path)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("not a mapping", source=str(path), expected="role: column lines")
    return data


def _renamed(key: str, aliases: dict[str, str], source: str) -> str:
    """The role an old role name (``arr_eur``) now is, with a deprecation warning."""
    if key not in aliases:
        return key
    warnings.warn(
        f"{source}: role '{key}' is now '{aliases[key]}' (declare the amounts' currency with "
        f"currency:); '{key}' will stop being read",
        DeprecationWarning,
        stacklevel=4,
    )
    return aliases[key]


def _split(
    data: dict[str, Any], source: str, roles: dict[str, str], aliases: dict[str, str]
) -> tuple[dict, dict, list[InputError]]:
    """Role columns and settings from one flat or ``columns:``-nested dict."""
    columns, settings, problems = {}, {}, []
    nested = data.get("columns") or {}
    if not isinstance(nested, dict):
        problems.append(InputError("not a mapping", source=source, column="columns"))
        nested = {}
    for key, value in [*nested.items(), *((k, v) for k, v in data.items() if k != "columns")]:
        key = _renamed(str(key), aliases, source)
        if key in roles:
            columns[key] = str(value)
        elif key in _SETTINGS:
            settings[key] = value
        else:
            near = difflib.get_close_matches(key, [*roles, *_SETTINGS], n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            problems.append(
                InputError(
                    f"unknown key '{key}'{hint}",
                    source=source,
                    expected=f"a role ({', '.join(roles)}) or a setting ({', '.join(_SETTINGS)})",
                )
            )
    return columns, settings, problems


def _zone_problem(value: object, key: str, source: str) -> InputError | None:
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        near = difflib.get_close_matches(str(value), sorted(zoneinfo.available_timezones()), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        return InputError(
            f"unknown time zone '{value}'{hint}",
            source=source,
            column=key,
            expected="an IANA zone such as Europe/Berlin",
        )
    return None


def _settings_problems(settings: dict[str, Any], source: str) -> list[InputError]:
    problems = []
    for key in ("timezone", "reporting_timezone"):
        if settings.get(key) is not None:
            problems.append(_zone_problem(settings[key], key, source))
    for key, allowed in _POLICIES.items():
        if key in settings and settings[key] not in allowed:
            problems.append(
                InputError(
                    f"unknown policy '{settings[key]}'",
                    source=source,
                    column=key,
                    expected=" or ".join(allowed),
                )
            )
    fmt = settings.get("date_format")
    if fmt is not None and fmt not in DATE_FORMATS and "%" not in str(fmt):
        problems.append(
            InputError(
                f"unknown date format '{fmt}'",
                source=source,
                column="date_format",
                expected="a strftime pattern such as %d/%m/%Y, or " + ", ".join(DATE_FORMATS),
            )
        )
    if settings.get("decimal") not in (None, ".", ","):
        problems.append(
            InputError(
                f"unknown decimal mark '{settings['decimal']}'",
                source=source,
                column="decimal",
                expected='decimal: "," or "."',
            )
        )
    currency = settings.get("currency")
    if currency is not None and not (len(str(currency)) == 3 and str(currency).isalpha()):
        problems.append(
            InputError(
                f"'{currency}' is not a currency code",
                source=source,
                column="currency",
                expected="an ISO 4217 code such as EUR or USD",
            )
        )
    return [p for p in problems if p is not None]


def read_mapping(mapping: Mapping | str | Path | dict | None = None, **kwargs: Any) -> Mapping:
    """A :class:`Mapping` from a YAML file, a dict, a Mapping or keyword arguments.

    Keyword arguments win over the file: ``read_mapping("m.yaml", currency="USD")``.

    Parameters
    ----------
    mapping : Mapping, str, Path or dict, optional
        A YAML file (``columns:`` nested or flat ``role: column`` lines and
        settings), a dict of the same, or a Mapping.
    **kwargs
        Roles (``user="customer_id"``) and settings (``currency="USD"``).

    Returns
    -------
    Mapping

    Raises
    ------
    InputError
        Every problem at once: an unknown key (with a did-you-mean), an unknown
        time zone, policy or date format, a malformed currency code.
    """
    found, problem = read_mapping_problems(mapping, **kwargs)
    if problem is not None:
        raise problem
    return found


def read_mapping_problems(
    mapping: Mapping | str | Path | dict | None = None, **kwargs: Any
) -> tuple[Mapping, InputError | None]:
    """:func:`read_mapping` that returns its problems instead of raising them.

    The mapping is made of the keys that are right (an unknown key or a setting
    with a wrong value left out), so the source can still be checked against it
    and every problem, the mapping's and the source's, reported at once.

    Returns
    -------
    (Mapping, InputError or None)
        The usable part of the mapping, and one error listing the mapping's problems.

    Raises
    ------
    InputError
        A file that cannot be read or is not YAML, or an unknown or conflicting ``kind``.
    """
    if isinstance(mapping, Mapping):
        base = {**mapping.to_dict(), "columns": dict(mapping.columns)}
        source = "mapping"
    elif isinstance(mapping, str | Path):
        base, source = _load_yaml(Path(mapping)), str(mapping)
    else:
        base, source = dict(mapping or {}), "mapping"
    kind = _kind(base, kwargs, source)
    roles, aliases = table_kind(kind).roles, table_kind(kind).aliases
    columns, settings, problems = _split(base, source, roles, aliases)
    more_columns, more_settings, more = _split(kwargs, "arguments", roles, aliases)
    columns.update(more_columns)
    settings.update(more_settings)
    problems += more + _settings_problems(settings, source)
    if kind == "spotify_annual" and settings.get("currency") is not None:
        problems.append(
            InputError(
                "Spotify's figures keep the currency each was reported in (named by its column)",
                source=source,
                column="currency",
                expected="no currency: for kind spotify_annual",
            )
        )
    for problem in problems:  # a wrong setting is left out: the rest is still checked
        settings.pop(str(problem.column), None)
    problem = InputError(source=source, problems=problems) if problems else None
    return Mapping(columns=columns, **_normalised(settings, kind)), problem


def _normalised(settings: dict[str, Any], kind: str) -> dict[str, Any]:
    """Settings as the Mapping holds them: codes upper-cased, names as text, defaults set."""
    if settings.get("currency") is not None:
        settings["currency"] = str(settings["currency"]).upper()
    for key in ("timezone", "reporting_timezone", "date_format", "table", "freshness", "decimal"):
        if settings.get(key) is not None:
            settings[key] = str(settings[key])
    settings.setdefault("reporting_timezone", "UTC")
    settings["reporting_timezone"] = settings["reporting_timezone"] or "UTC"
    settings["kind"] = kind
    return settings


def _kind(base: dict[str, Any], kwargs: dict[str, Any], source: str) -> str:
    """The mapping's kind: the file's, or the caller's; both and different is an error."""
    given, wanted = base.get("kind"), kwargs.get("kind")
    if given and wanted and str(given) != str(wanted):
        raise InputError(
            f"the mapping is for a table of kind '{given}', this needs kind '{wanted}'",
            source=source,
            column="kind",
            expected=f"a mapping of the {wanted} table's columns (kind: {wanted}, or no kind:)",
        )
    kind = str(wanted or given or "events")
    try:
        table_kind(kind)
    except InputError as err:
        raise InputError(err.problem, source=source, column="kind", expected=err.expected) from None
    return kind

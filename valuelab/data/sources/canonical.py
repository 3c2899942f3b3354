"""The canonical table: the source's columns renamed to roles, typed, and checked at once.

Each role of the mapping's kind (:mod:`~valuelab.data.sources.kinds`) gets one
column of one type (for an event log :data:`~valuelab.data.sources.mapping.ROLES`):
identifiers and labels as text (an integer id ``7`` becomes ``"7"``, a float
id ``7.0`` too), ``time`` as the reporting zone's wall clock (see
:mod:`~valuelab.data.sources.times`), ``amount`` as float64 in the declared
currency, a ``boolean`` role as booleans (or as the words the source
wrote, for the topic's own reading of ``yes``/``no``). Every problem — a
mapped column the source lacks (with a did-you-mean among its real columns),
keys missing on some rows, unreadable times, refused refunds, an empty table
— is gathered and raised as one
:class:`~valuelab.core.InputError`, with example values and what was expected.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from valuelab.core import InputError
from valuelab.data.sources.kinds import SHIPPED_CURRENCY, table_kind
from valuelab.data.sources.mapping import Mapping
from valuelab.data.sources.times import examples, time_column

__all__ = ["Canonical", "canonical_table"]

_EXAMPLES = 3


@dataclass(frozen=True)
class Canonical:
    """The canonical ibis table and what was learned making it."""

    table: Any
    roles: dict[str, str]
    time_format: str
    counts: dict[str, int] = field(default_factory=dict)
    currency: str | None = None


def missing_column(role: str, column: str, real: list[str], where: str, mapped: bool) -> InputError:
    """The error for a column the source lacks, with a did-you-mean among ``real``.

    Its ``role`` attribute names the role whose column is missing.
    """
    lower = {c.lower(): c for c in reversed(real)}  # case aside: CustId is near cust_id
    near = [lower[n] for n in difflib.get_close_matches(column.lower(), list(lower), 1, 0.5)]
    hint = f"; did you mean '{near[0]}'?" if near else ""
    problem = f"no column '{column}' for role '{role}'" if mapped else f"no column for '{role}'"
    err = InputError(
        problem + hint,
        source=where,
        expected=f"a mapping {role}: COLUMN, COLUMN one of " + ", ".join(real[:30]),
    )
    err.role = role  # which role lacks its column (a caller may drop the optional ones)
    return err


def resolve_roles(columns: list[str], mapping: Mapping, where: str) -> dict[str, str]:
    """Role -> source column; raises every missing column at once (with a did-you-mean)."""
    roles, problems = {}, []
    kind = table_kind(mapping.kind)
    for role in kind.roles:
        column = mapping.column(role)
        if column not in columns and role not in mapping.columns:
            column = kind.shipped.get(role, column)  # a shipped table's name (arr_eur)
        if column in columns:
            roles[role] = column
        elif role in mapping.columns or role in kind.required:
            problems.append(missing_column(role, column, columns, where, role in mapping.columns))
    if mapping.freshness and mapping.freshness not in columns:
        problems.append(missing_column("freshness", mapping.freshness, columns, where, True))
    if problems:
        raise InputError(source=where, problems=problems)
    return roles


def declared_currency(mapping: Mapping, roles: dict[str, str], where: str) -> str | None:
    """The amounts' currency: the mapping's, or EUR when found under a shipped ``*_eur`` name.

    Raises
    ------
    InputError
        A shipped EUR column (``arr_eur``) taken for a role while the mapping
        declares another currency.
    """
    shipped = table_kind(mapping.kind).shipped
    named = [r for r, c in roles.items() if r not in mapping.columns and shipped.get(r) == c]
    if not named:
        return mapping.currency
    if mapping.currency not in (None, SHIPPED_CURRENCY):
        role = named[0]
        raise InputError(
            f"column '{roles[role]}' is named in {SHIPPED_CURRENCY} but the mapping declares "
            f"{mapping.currency}",
            source=where,
            column=roles[role],
            expected=f"a mapping {role}: COLUMN naming the {mapping.currency} amounts, "
            f"or currency: {SHIPPED_CURRENCY}",
        )
    return SHIPPED_CURRENCY


def _typed(col: Any, kind: str, role: str, where: str) -> Any:
    dtype = col.type()
    if kind == "boolean":
        if dtype.is_boolean() or dtype.is_string():
            return col  # words such as yes/no are read by the topic's validation
        if dtype.is_integer():
            return col != 0
    if kind == "string":
        if dtype.is_floating():
            return col.cast("int64").cast("string")
        return col.cast("string")
    if dtype.is_string() or dtype.is_boolean() or not dtype.is_numeric():
        raise InputError(
            f"holds {dtype}, not numbers", source=where, column=role, expected=f"{kind} values"
        )
    return col.cast(kind)


#: A number written with a decimal comma: ``12,50``, ``-3,5``, ``1.234,50``.
_DECIMAL_COMMA = re.compile(r"^\s*-?\d{1,3}(\.?\d{3})*,\d+\s*$")


def _text_for_numbers(col: Any, kind: str) -> bool:
    """Whether a number role's column holds text (a CSV reader found no numbers in it)."""
    return kind in ("float64", "int64") and col.type().is_string()


def _numbers_in_text(table: Any, column: str, kind: str, where: str) -> Any:
    """A text column read as numbers when every value is one (or blank); else an InputError.

    The error counts the rows that are no number, shows example rows, and when they look
    like decimal commas (``12,50``) says how to declare them (``decimal: ","``).
    """
    col = table[column]
    number = col.strip().nullif("").try_cast(kind)
    wrong = col.notnull() & (col.strip() != "") & number.isnull()
    row = table.aggregate(n=table.count(), bad=wrong.sum()).to_pyarrow().to_pylist()[0]
    if not row["bad"]:
        return number  # blanks only, or numbers the reader kept as text
    shown = examples(table, wrong, [column], _EXAMPLES)
    values = table.filter(wrong).select(v=col).limit(20).to_pyarrow()["v"].to_pylist()
    comma = values and all(_DECIMAL_COMMA.match(v) for v in values)
    hint = '; they look like decimal commas: declare decimal: "," in the mapping' if comma else ""
    raise InputError(
        f"text, not numbers, on {row['bad']} of {row['n']} rows (e.g. " + "; ".join(shown) + ")",
        source=where,
        column=column,
        expected=("whole numbers" if kind == "int64" else "numbers") + hint,
    )


def _columns(table: Any, roles: dict[str, str], mapping: Mapping, where: str) -> tuple:
    """(role -> expression, time format, the TimeColumn (or None), problems)."""
    exprs, problems, how, bad = {}, [], "", None
    for role, column in roles.items():
        try:
            if role == "time":
                bad = time_column(table, column, mapping, table_backend(table), where)
                exprs[role], how = bad.expr, bad.how
            elif _text_for_numbers(table[column], mapping.roles[role]):
                exprs[role] = _numbers_in_text(table, column, mapping.roles[role], where)
            else:
                exprs[role] = _typed(table[column], mapping.roles[role], column, where)
        except InputError as err:
            problems.append(err)
    return exprs, how, bad, problems


def table_backend(table: Any) -> str:
    """The name of the ibis backend a table is bound to (``duckdb`` for a memtable)."""
    try:
        return table.get_backend().name
    except Exception:  # an unbound memtable: run by the default, DuckDB
        return "duckdb"


def _counts(table: Any, exprs: dict, time: Any, roles: dict, mapping: Mapping) -> dict:
    """One aggregate query: rows, missing keys, unreadable and missing times, times in a
    clock change, negatives."""
    key = table_kind(mapping.kind).key
    measures = {"rows": table.count(), f"missing_{key}": table[roles[key]].isnull().sum()}
    if "time" in roles:
        measures |= {
            "bad_time": time.bad.sum(),
            "missing_time": table[roles["time"]].isnull().sum(),
        }
        for flag in ("gap", "fold"):
            if getattr(time, flag) is not None:
                measures[f"dst_{flag}"] = getattr(time, flag).sum()
    if "amount" in exprs:
        measures["negative_amount"] = (exprs["amount"] < 0).sum()
    result = table.aggregate(**measures).to_pyarrow().to_pylist()[0]
    return {k: int(v or 0) for k, v in result.items()}


def _empty(table: Any) -> bool:
    """Whether ``table`` has no rows (one small query)."""
    return not table.limit(1).count().to_pyarrow().as_py()


def _examples(table: Any, condition: Any, columns: list[str]) -> list[str]:
    return examples(table, condition, columns, _EXAMPLES)


def _dst_checks(time: Any, column: str, mapping: Mapping) -> list[tuple]:
    """Checks for naive times a clock change skipped or repeated (``dst: refuse``)."""
    if mapping.dst != "refuse":
        return []
    zone = mapping.source_timezone
    how = _DST_HOW
    return [
        (f"dst_{flag}", getattr(time, flag), column, f"{what} in {zone}", how)
        for flag, what in (
            ("gap", "times that never happened (clocks went forward)"),
            ("fold", "times that happened twice (clocks went back)"),
        )
        if getattr(time, flag) is not None
    ]


#: How to read times in a clock change: the ``dst`` policies of a mapping.
_DST_HOW = (
    "dst: earlier (a repeated time's first occurrence; a skipped time moved forward by the gap) "
    "or dst: later (the second occurrence; moved back) in the mapping"
)


def _row_problems(table: Any, exprs: dict, time: Any, roles: dict, counts: dict, mapping, where):
    problems, key = [], table_kind(mapping.kind).key
    shown = [roles[r] for r in (key, "time", "amount") if r in roles]
    what = "ids missing" if key == "user" else f"{key} missing"
    checks = [(f"missing_{key}", table[roles[key]].isnull(), roles[key], what, "an id")]
    if "time" in roles:
        checks += _dst_checks(time, roles["time"], mapping)
        checks += [
            ("bad_time", time.bad, roles["time"], "unparseable times", "times in one format"),
            (
                "missing_time",
                table[roles["time"]].isnull(),
                roles["time"],
                "times missing",
                "a time",
            ),
        ]
    if mapping.refunds == "refuse" and "amount" in exprs:
        checks.append(
            ("negative_amount", exprs["amount"] < 0, roles["amount"], "negative amounts", ">= 0")
        )
    for key, condition, column, what, expected in checks:
        if counts.get(key):
            examples = "; ".join(_examples(table, condition, list(dict.fromkeys(shown))))
            problems.append(
                InputError(
                    f"{what} on {counts[key]} of {counts['rows']} rows (e.g. {examples})",
                    source=where,
                    column=column,
                    expected=_expected(key, expected, time),
                )
            )
    return problems


def _expected(key: str, expected: str, time: Any) -> str:
    """What a row problem expects: on every row, with a date format to declare for bad times."""
    if key.startswith("dst_"):
        return expected
    hint = getattr(time, "hint", "") if key == "bad_time" else ""
    return f"{expected} on every row" + (f"; {hint}" if hint else "")


def _finish(table: Any, exprs: dict, mapping: Mapping) -> Any:
    """The canonical table: role columns in order, refunds by policy."""
    out = table.select(**exprs)
    if "amount" in exprs and mapping.refunds == "separate":
        negative = out.amount < 0
        out = out.mutate(
            refund=negative.ifelse(out.amount, 0.0), amount=negative.ifelse(0.0, out.amount)
        )
    return out


def canonical_table(table: Any, mapping: Mapping, where: str) -> Canonical:
    """Rename, type and check a raw source table under ``mapping``.

    Parameters
    ----------
    table : ibis.Table
        The raw source, as the backend holds it.
    mapping : Mapping
        Roles, currency, zones, date format, duplicate and refund policies.
    where : str
        The source's display name, for messages.

    Returns
    -------
    Canonical
        The table (``user``, ``time``, then the other roles present; ``refund``
        under ``refunds="separate"``), the role -> column map, the time format
        used, the counts the checks found and the amounts' currency
        (:func:`declared_currency`).

    Raises
    ------
    InputError
        All the problems at once.
    """
    roles = resolve_roles(list(table.columns), mapping, where)
    if mapping.duplicates == "drop":  # whole source rows: events differing anywhere stay
        table = table.distinct()
    exprs, how, time, problems = _columns(table, roles, mapping, where)
    try:
        currency = declared_currency(mapping, roles, where)
    except InputError as err:
        problems.append(err)
    if problems and _empty(table):  # a header-only file types every column as text
        raise InputError("the table is empty", source=where, expected="at least one row")
    if problems:
        raise InputError(source=where, problems=problems)
    counts = _counts(table, exprs, time, roles, mapping)
    if counts["rows"] == 0:
        raise InputError("the table is empty", source=where, expected="at least one row")
    problems = _row_problems(table, exprs, time, roles, counts, mapping, where)
    if problems:
        raise InputError(source=where, problems=problems)
    return Canonical(_finish(table, exprs, mapping), roles, how, counts, currency)

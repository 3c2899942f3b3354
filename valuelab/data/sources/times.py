"""Event times: parsed with the declared or detected format, on the reporting zone's clock.

Whatever the source holds — timestamps with or without a zone, dates, text,
``yyyymmdd`` integers, spreadsheet serial days, epoch seconds or milliseconds
— the canonical ``time`` is a timestamp *without* zone: the wall clock in the
reporting time zone, so a day, week or month starts at that zone's midnight.
Integers are read by their declared format, or by a range that names one
format only (``19000101``–``21001231`` yyyymmdd, ``1``–``99999`` spreadsheet
serial days, ``1e8``–``1e10`` epoch seconds, ``1e11``–``1e13`` epoch
milliseconds); anything else is refused, never taken as epoch nanoseconds.

Spreadsheet serials count days from 1899-12-30, the convention of Excel's 1900
date system after its 1900-02-29 (Microsoft, "Date systems in Excel", 2024);
``yyyymmdd`` is ISO 8601's basic calendar date format (ISO 8601-1:2019).
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from typing import Any

from valuelab.core import InputError
from valuelab.data.sources.dst import localized

__all__ = [
    "TimeColumn",
    "date_format_hint",
    "detect_number_format",
    "detect_text_format",
    "examples",
    "nanosecond_times",
    "time_column",
]

#: Candidate text formats, tried in this order (ISO first).
TEXT_FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M%z",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%b %d, %Y",
)
#: Formats never guessed (a two-digit year reads three ways: 17/01/24), only suggested.
SUGGESTED_FORMATS = (
    "%d/%m/%y",
    "%m/%d/%y",
    "%y/%m/%d",
    "%d.%m.%y",
    "%d-%m-%y",
    "%y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%y %H:%M",
    "%m/%d/%y %H:%M",
)
_NUMBER_RANGES = (
    ("yyyymmdd", 19000101, 21001231),
    ("excel-serial", 1, 99999.999999),
    ("epoch-s", 1e8, 1e10),
    ("epoch-ms", 1e11, 1e13),
)
_SAMPLE = 500


@dataclass(frozen=True)
class TimeColumn:
    """The canonical time expression, the rows it could not read, and how it was read.

    ``gap`` and ``fold`` flag naive times a clock change skipped or repeated in the source
    zone (:mod:`~valuelab.data.sources.dst`); ``None`` when no change falls in the data.
    """

    expr: Any
    bad: Any
    how: str
    hint: str = ""
    gap: Any = None
    fold: Any = None


def _swap(fmt: str) -> str:
    """The format with day and month swapped."""
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _parses(value: str, fmt: str) -> bool:
    try:
        _dt.datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def _ambiguous(values: list[str], column: str, source: str) -> InputError:
    return InputError(
        "day and month are ambiguous (e.g. " + ", ".join(values[:3]) + ")",
        source=source,
        column=column,
        expected="date_format: %d/%m/%Y or %m/%d/%Y declared in the mapping",
    )


def detect_text_format(values: list[str], column: str, source: str, strict: bool = True) -> str:
    """The one format the sampled text times parse with.

    Parameters
    ----------
    values : list of str
        A sample of the column's values.
    column, source : str
        For messages.
    strict : bool
        When no format reads every value: raise (``True``), or return the format
        that reads the most of them (``False``; the caller counts the rest).

    Raises
    ------
    InputError
        None fits (with the values that fit no format), day and month are
        ambiguous (``03/04/2024``; also when some values fit neither), or some
        times carry an offset and some do not.

    Examples
    --------
    >>> detect_text_format(["2024-01-31", "2024-02-01"], "day", "log.csv")
    '%Y-%m-%d'
    >>> detect_text_format(["31/01/2024", "01/02/2024"], "day", "log.csv")
    '%d/%m/%Y'
    >>> detect_text_format(["2024-01-31", "yesterday"], "day", "log.csv", strict=False)
    '%Y-%m-%d'
    """
    values = [v.strip() for v in values if v is not None and v.strip()]
    score = {f: sum(_parses(v, f) for v in values) for f in TEXT_FORMATS}
    best = max(TEXT_FORMATS, key=lambda f: score[f])  # the first of the best, ISO first
    if score[best] and _swap(best) != best and score.get(_swap(best)) == score[best]:
        raise _ambiguous([v for v in values if _parses(v, best)], column, source)
    if score[best] == len(values) or (not strict and score[best]):
        return best
    zoned = [v for v in values if any(_parses(v, f) for f in TEXT_FORMATS if "%z" in f)]
    if zoned and len(zoned) < len(values):
        naive = [v for v in values if v not in zoned]
        raise InputError(
            f"mixed time zones: some times carry an offset ({zoned[0]}) and some do not "
            f"({naive[0]})",
            source=source,
            column=column,
            expected="every time with an offset, or none (and timezone: in the mapping)",
        )
    if not strict:
        return best  # nothing parses: every row is counted as unparseable
    bad = [v for v in values if not _parses(v, best)][:3]
    raise InputError(
        "unparseable dates: " + ", ".join(repr(v) for v in bad),
        source=source,
        column=column,
        expected="dates in one format (declare date_format: a strftime pattern)",
    )


def date_format_hint(values: list[str], used: str, declared: bool) -> str:
    """What to declare when the format ``used`` reads none of the sampled ``values``.

    "" when it reads them all, or (detected, not ``declared``) some of them.

    Examples
    --------
    >>> date_format_hint(["17/01/24", "17/02/30"], "%Y-%m-%d", False)
    'declare date_format: "%d/%m/%y" in the mapping'
    >>> date_format_hint(["2024-01-31"], "%Y-%m-%d", False)
    ''
    """
    present = [v.strip() for v in values if v and v.strip()]
    unread = [v for v in present if not _parses(v, used)]
    if not unread or (len(unread) < len(present) and not declared):
        return ""  # all read, or most: those rows are the odd ones, not the format
    if declared:
        return f"times written as the declared date_format: {used!r} reads"
    fits = [f for f in SUGGESTED_FORMATS + TEXT_FORMATS if all(_parses(v, f) for v in unread)]
    if not fits:
        return 'declare date_format: a strftime pattern such as "%d/%m/%Y" in the mapping'
    others = " (or " + ", ".join(f'"{f}"' for f in fits[1:3]) + ")" if fits[1:] else ""
    return f'declare date_format: "{fits[0]}"{others} in the mapping'


def detect_number_format(
    low: float, high: float, column: str, source: str, rows: list[str] | None = None
) -> str:
    """The numeric date format a column's range names, or an InputError (naming ``rows``,
    the rows that hold the lowest and highest numbers, when given).

    Examples
    --------
    >>> detect_number_format(20240101, 20241231, "day", "log.csv")
    'yyyymmdd'
    >>> detect_number_format(45292, 45657.5, "day", "log.xlsx")
    'excel-serial'
    """
    for name, start, stop in _NUMBER_RANGES:
        if start <= low and high <= stop:
            return name
    shown = f" ({'; '.join(rows)})" if rows else ""
    raise InputError(
        f"numbers from {_plain(low)} to {_plain(high)} are no date format valuelab can tell"
        + shown,
        source=source,
        column=column,
        expected="date_format: yyyymmdd, excel-serial, epoch-s or epoch-ms in the mapping "
        "(numbers are never read as nanoseconds since 1970)",
    )


def _plain(number: float) -> str:
    """``number`` in plain digits (``1704067200000000``, not ``1.7040672e+15``)."""
    if isinstance(number, int) or float(number).is_integer():
        return str(int(number))
    return f"{number:.15g}"


def nanosecond_times(values: Any, column: str, source: str) -> InputError | None:
    """The problem with a pandas time column that has parts below a microsecond, or None.

    DuckDB and Arrow keep microseconds, so such times cannot be read without
    losing data. They are nearly always integer dates that were read as
    nanoseconds since 1970: ``pandas.to_datetime(20240105)`` is
    ``1970-01-01 00:00:00.020240105`` (its ``unit`` defaults to ``"ns"``).

    Parameters
    ----------
    values : pandas.Series
        A column of a DataFrame (any dtype: only ``datetime64[ns]`` ones are looked at).
    column, source : str
        Names for the message.

    Returns
    -------
    InputError or None
        Naming the column, the first rows and the first value, with what to do instead.

    Examples
    --------
    >>> import pandas as pd
    >>> naive = pd.Series(pd.to_datetime([20240105, 20240131]))
    >>> print(nanosecond_times(naive, "Day", "DataFrame").problem)
    times below a microsecond (1970-01-01 00:00:00.020240105): integer dates read as \
nanoseconds since 1970?
    >>> nanosecond_times(pd.Series(pd.to_datetime(["2024-01-05"])), "Day", "x") is None
    True
    """
    import pandas as pd

    if not (pd.api.types.is_datetime64_any_dtype(values.dtype) and values.dt.unit == "ns"):
        return None
    fine = values.dt.nanosecond.ne(0) & values.notna()
    if not fine.any():
        return None
    first = values[fine].iloc[0]
    return InputError(
        f"times below a microsecond ({first}): integer dates read as nanoseconds since 1970?",
        source=source,
        column=column,
        rows=list(values.index[fine][:3]),
        expected="the column as written (integers yyyymmdd or text; `date_format:` in the "
        "mapping), or times rounded to microseconds",
    )


@functools.cache
def _udfs() -> dict[str, Any]:
    """Backend SQL functions: ``timezone(zone, ts)`` both ways, DuckDB's ``try_strptime``."""
    import ibis
    import ibis.expr.datatypes as dt

    naive, aware = dt.Timestamp(), dt.Timestamp(timezone="UTC")

    def blank() -> Any:
        def fn(a, b):  # the signature's types are set below
            """A SQL function of the backend, called by name."""

        return fn

    specs = {
        "wall_clock": ("timezone", str, aware, naive),  # the wall clock in a zone of an instant
        "localize": ("timezone", str, naive, aware),  # the instant a zone's wall clock names
        "try_strptime": ("try_strptime", str, str, naive),  # NULL when the text does not fit
        "try_strptime_zoned": ("try_strptime", str, str, aware),
        "sqlite_datetime": ("datetime", float, str, naive),  # SQLite: (number, modifier)
    }
    made = {}
    for key, (sql, a, b, out) in specs.items():
        fn = blank()
        fn.__annotations__ = {"a": a, "b": b, "return": out}
        made[key] = ibis.udf.scalar.builtin(fn, name=sql)
    return made


def _on_clock(expr: Any, *, aware: bool, source_zone: str, reporting: str, name: str) -> Any:
    """Wall clock in the reporting zone, from an instant or a wall clock in ``source_zone``."""
    if name == "sqlite":
        _sqlite_zones(aware=aware, source_zone=source_zone, reporting=reporting)
        return expr
    f = _udfs()
    if aware:
        return f["wall_clock"](reporting, expr.cast("timestamp('UTC')"))
    if source_zone == reporting:
        return expr
    return f["wall_clock"](reporting, f["localize"](source_zone, expr))


def _sqlite_zones(*, aware: bool, source_zone: str, reporting: str) -> None:
    """SQLite has no zone database: it can report instants in UTC and wall clocks as written."""
    if (aware and reporting != "UTC") or (not aware and source_zone != reporting):
        raise InputError(
            "SQLite cannot convert time zones",
            column="time",
            expected="reporting_timezone: UTC for times with offsets or epoch numbers, "
            "no other timezone for naive times (or the data in DuckDB or PostgreSQL)",
        )


def _from_number_sqlite(col: Any, fmt: str) -> tuple[Any, bool]:
    """SQLite's datetime(): epoch seconds, or a Julian day number for spreadsheet serials."""
    f = _udfs()["sqlite_datetime"]
    if fmt in ("epoch-s", "epoch-ms"):
        seconds = col.cast("float64") / (1000 if fmt == "epoch-ms" else 1)
        return f(seconds, "unixepoch"), True
    if fmt == "excel-serial":
        return f(col.cast("float64") + 2415018.5, "+0 days"), False  # JD of 1899-12-30
    return _iso_from_digits(col), False


def _iso_from_digits(col: Any) -> Any:
    """A yyyymmdd number as an ISO date text, cast to a timestamp (NULL when invalid on SQLite)."""
    text = col.cast("int64").cast("string")
    return (text[0:4] + "-" + text[4:6] + "-" + text[6:8]).cast("timestamp")


def _from_number(col: Any, fmt: str, name: str) -> tuple[Any, bool]:
    """(timestamp expression, aware) for a numeric column in ``fmt``."""
    import ibis

    if name == "sqlite":
        return _from_number_sqlite(col, fmt)
    if fmt == "epoch-s":
        return col.round().cast("int64").as_timestamp("s"), name != "sqlite"
    if fmt == "epoch-ms":
        return col.round().cast("int64").as_timestamp("ms"), name != "sqlite"
    if fmt == "excel-serial":
        seconds = (col * 86400).round().cast("int64")
        return ibis.timestamp("1899-12-30 00:00:00") + seconds.as_interval("s"), False
    n = col.cast("int64")
    ok = (n % 100).between(1, 31) & ((n // 100) % 100).between(1, 12)
    text = n.cast("string")
    return ibis.ifelse(ok, _parse_text(text, "%Y%m%d", name, aware=False), ibis.null()), False


def _parse_text(text: Any, fmt: str, name: str, *, aware: bool) -> Any:
    if aware and name != "sqlite":  # ISO 8601's "Z" (UTC): Python's %z reads it, DuckDB's not
        text = text.re_replace(r"\s*[Zz]\s*$", "+00:00")
    if name == "duckdb":
        return _udfs()["try_strptime_zoned" if aware else "try_strptime"](text, fmt)
    if name == "sqlite":  # strftime() reads ISO 8601 text (offsets to UTC), NULL otherwise
        if not fmt.startswith(("%Y-%m-%d", "%Y%m%d")):
            raise InputError(
                f"SQLite reads ISO 8601 text times only, not {fmt}",
                column="time",
                expected="times written YYYY-MM-DD HH:MM:SS (or the data in DuckDB or PostgreSQL)",
            )
        return _iso_from_digits(text) if fmt == "%Y%m%d" else text.cast("timestamp")
    parsed = text.as_timestamp(fmt)  # PostgreSQL's to_timestamp(): an instant, session zone UTC
    return parsed if aware else _udfs()["wall_clock"]("UTC", parsed.cast("timestamp('UTC')"))


def _number_format(table: Any, column: str, declared: str | None, where: str) -> str:
    if declared:
        return declared
    stats = table.aggregate(low=table[column].min(), high=table[column].max()).to_pyarrow()
    low, high = stats["low"][0].as_py(), stats["high"][0].as_py()
    if low is None:
        return "yyyymmdd"  # all missing: reported as missing times
    if any(a <= low and high <= b for _, a, b in _NUMBER_RANGES):
        return detect_number_format(low, high, column, where)
    col = table[column]  # a row of the lowest number and one of the highest
    rows = examples(table, col == low, [column], 1) + examples(table, col == high, [column], 1)
    return detect_number_format(low, high, column, where, rows)


#: A time of day followed by a UTC offset (``... 10:00+01:00``, ``...T10:00:00Z``).
_OFFSET = r"\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?)$"
#: A time of day with no offset after it, or an ISO date alone.
_NO_OFFSET = r"(\d:\d\d(:\d\d(\.\d+)?)?|^\s*\d{4}-\d\d-\d\d)\s*$"


def examples(table: Any, condition: Any, columns: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` rows where ``condition`` holds: ``row 7: col='value', ...`` (text quoted;
    numbers and times as written: ``row 3: time=2024-01-31 10:00:00``).

    Rows are numbered from 1 in the order the backend scans the source (a
    file's data rows in order; a database table's order is its own).
    """
    import ibis

    numbered = table.mutate(_valuelab_row=ibis.row_number() + 1)
    picked = numbered.filter(condition).order_by("_valuelab_row").limit(n)
    rows = picked.select("_valuelab_row", *columns).to_pyarrow().to_pylist()
    return [
        f"row {row.pop('_valuelab_row')}: "
        + ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in row.items())
        for row in rows
    ]


def _mixed_zones(table: Any, column: str, where: str) -> None:
    """Refuse a text column whose times carry an offset on some rows and not on others.

    A time without an offset ends in a time of day or is an ISO date; other values
    ("yesterday", "31/02/2024") are left to be reported as unparseable dates.
    """
    col = table[column]
    present = col.notnull() & (col.strip() != "")
    zoned = present & col.re_search(_OFFSET)
    naive = present & ~zoned & col.re_search(_NO_OFFSET)
    row = table.aggregate(naive=naive.sum(), zoned=zoned.sum()).to_pyarrow().to_pylist()[0]
    k, m = int(row["zoned"] or 0), int(row["naive"] or 0)
    n = k + m
    if k and m:
        with_, without = examples(table, zoned, [column], 2), examples(table, naive, [column], 2)
        raise InputError(
            f"mixed time zones: {k} of {n} times carry a UTC offset (e.g. "
            + "; ".join(with_)
            + f") and {n - k} do not (e.g. "
            + "; ".join(without)
            + ")",
            source=where,
            column=column,
            expected="every time with an offset, or none (their zone then declared as "
            "timezone: in the mapping)",
        )


def _text_format(table: Any, column: str, declared: str | None, where: str) -> tuple[str, str]:
    """(the format text times are read with, what to declare when it misses some)."""
    _mixed_zones(table, column, where)
    col = table[column]
    sample = table.filter(col.notnull()).select(v=col).distinct().limit(_SAMPLE)
    values = [v for v in sample.to_pyarrow()["v"].to_pylist() if v is not None]
    used = declared or detect_text_format(values, column, where, strict=False)
    return used, date_format_hint(values, used, bool(declared))


def time_column(table: Any, column: str, mapping: Any, backend: str, where: str) -> TimeColumn:
    """The canonical time of ``table[column]`` under ``mapping``.

    Parameters
    ----------
    table : ibis.Table
        The raw source table.
    column : str
        The column holding the event times.
    mapping : Mapping
        Its ``date_format``, ``source_timezone``, ``reporting_timezone`` and ``dst``
        (naive times a clock change skipped or repeated: flagged, or resolved).
    backend : str
        The ibis backend's name (``duckdb``, ``postgres``, ``sqlite``).
    where : str
        The source's display name, for messages.

    Returns
    -------
    TimeColumn
        ``expr`` (timestamp without zone, reporting wall clock), ``bad`` (a
        boolean: a value present but unreadable) and ``how`` (the format used).

    Raises
    ------
    InputError
        A type that holds no time, an undetectable or ambiguous format, mixed zones.
    """
    col, dtype = table[column], table[column].type()
    zones = {"source_zone": mapping.source_timezone, "reporting": mapping.reporting_timezone}
    hint = ""
    if dtype.is_timestamp() or dtype.is_date():
        aware = dtype.is_timestamp() and dtype.timezone is not None
        expr = col if dtype.is_timestamp() else col.cast("timestamp")
        how = "timestamp with zone" if aware else ("timestamp" if dtype.is_timestamp() else "date")
    elif dtype.is_numeric() and not dtype.is_boolean():
        how = _number_format(table, column, mapping.date_format, where)
        expr, aware = _from_number(col, how, backend)
    elif dtype.is_string():
        how, hint = _text_format(table, column, mapping.date_format, where)
        aware = "%z" in how
        expr = _parse_text(col, how, backend, aware=aware)
    else:
        raise InputError(
            f"holds {dtype}, not times", source=where, column=column, expected="dates or times"
        )
    if aware or backend == "sqlite" or zones["source_zone"] == zones["reporting"]:
        expr = _on_clock(expr, aware=aware, name=backend, **zones)
        return TimeColumn(expr=expr, bad=col.notnull() & expr.isnull(), how=how, hint=hint)
    f, zone = _udfs(), zones["source_zone"]
    found = localized(table, expr, zone, mapping.dst, lambda wall: f["localize"](zone, wall))
    expr = f["wall_clock"](zones["reporting"], found.instant)
    bad = col.notnull() & expr.isnull()
    return TimeColumn(expr=expr, bad=bad, how=how, hint=hint, gap=found.gap, fold=found.fold)

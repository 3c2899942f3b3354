"""What every event-log metric shares: the input as an Ibis table, periods, the span, the result.

Input: a ``Source`` (anything with ``.table``, an Ibis table, and ``.provenance()``), an Ibis table,
or a pandas DataFrame, each with the canonical role columns ``user`` (an id; text or number),
``time`` (a timestamp without time zone: the wall clock in the reporting time zone) and, where the
metric needs it, ``event`` (text). A DataFrame is handed to DuckDB in-process (Arrow, no copy of
the rows through Python); a database table is queried inside its database. Only the small result
comes back, with one convention: a pandas DataFrame indexed by period start dates
(``datetime64[ns]``, named ``period_start``; cohort tables: ``cohort_start``), plain columns, a
boolean ``complete`` column and ``.attrs["provenance"]``.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import InputError
from valuelab.data.sources.times import examples, nanosecond_times

#: The reporting zone of a DataFrame passed directly (open_source's default: one calendar).
REPORTING_ZONE = "UTC"
#: Period name -> Ibis truncation unit. Weeks run Monday to Sunday (ISO 8601).
PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}
_OFFSETS = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(days=7),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
}
_ROLE_HELP = {
    "user": "an id per user (text or integer)",
    "time": "a timestamp (the wall clock in the reporting time zone) or a date",
    "event": "the event's name (text)",
    "amount": "a number (money in the declared currency)",
}


@dataclass(frozen=True)
class Span:
    """The days the log covers: its first and last event's day (both included)."""

    first: pd.Timestamp
    last: pd.Timestamp


def check_period(period: str) -> str:
    """The Ibis truncation unit of ``period``; InputError for an unknown one."""
    if period not in PERIODS:
        raise InputError(f"unknown period {period!r}", source="period", expected=", ".join(PERIODS))
    return PERIODS[period]


def _numpy_time_dtype(dtype: pd.ArrowDtype) -> Any:
    """The numpy-backed pandas dtype of an Arrow timestamp or date: its zone kept."""
    arrow = dtype.pyarrow_dtype
    zone = getattr(arrow, "tz", None)
    return pd.DatetimeTZDtype(arrow.unit, zone) if zone is not None else dtype.numpy_dtype


def _frame_time(s: pd.Series, source: str) -> pd.Series:
    """A DataFrame's ``time`` as naive datetime64 on the reporting zone's clock.

    A DataFrame passed directly is read as :func:`valuelab.data.open_source` reads it
    without a mapping: the reporting zone is UTC, so times with a zone are shown on UTC's
    clock and naive times are taken as already on it. To report on another zone, open the
    DataFrame with ``open_source(df, reporting_timezone="Europe/Berlin")``.
    """
    if isinstance(s.dtype, pd.ArrowDtype) and s.dtype.kind == "M":
        s = s.astype(_numpy_time_dtype(s.dtype))
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is not None:
            return s.dt.tz_convert(REPORTING_ZONE).dt.tz_localize(None)
        return s
    if s.dtype == object and s.map(lambda v: isinstance(v, dt.date) or v is None).all():
        aware = s.map(lambda v: isinstance(v, dt.datetime) and v.tzinfo is not None)
        if aware.any() and not aware[s.notna()].all():
            from valuelab.data.sources.readers import mixed_zones_error

            present = s.notna()
            raise mixed_zones_error(s[present], aware[present], "time", source)
        if aware.any():
            return pd.to_datetime(s, utc=True).dt.tz_localize(None)
        return pd.to_datetime(s)
    if s.dtype == object:  # dates and text in one column (a sheet's date and text cells)
        from valuelab.data.sources.readers import mixed_types_error

        if (problem := mixed_types_error(s, "time", source)) is not None:
            raise problem
    raise InputError(
        f"dtype {s.dtype} is not a time",
        source=source,
        column="time",
        expected=_ROLE_HELP["time"] + "; parse text or integer dates first (valuelab.data)",
    )


def _arrow_ids(s: pd.Series) -> Any:
    """Ids or event names as an Arrow column: integers stay integers, the rest becomes text."""
    import pyarrow as pa

    if isinstance(s.dtype, pd.CategoricalDtype):  # decoded by Arrow, not value by value
        categories = pa.array(s.cat.categories.astype(str), pa.string())
        codes = pa.array(s.cat.codes.to_numpy(), mask=(s.cat.codes < 0).to_numpy())
        return pa.DictionaryArray.from_arrays(codes, categories).dictionary_decode()
    if pd.api.types.is_integer_dtype(s.dtype):
        return pa.array(s, pa.int64(), from_pandas=True)
    if isinstance(s.dtype, pd.ArrowDtype | pd.StringDtype):
        return pa.array(s.array, from_pandas=True).cast(pa.string())
    return pa.array(s.astype("string"), pa.string(), from_pandas=True)


def _check_ids(s: pd.Series, source: str) -> None:
    """InputError when some rows have no user id, as :func:`valuelab.data.open_source` says."""
    missing = s.isna()
    if missing.any():
        rows = missing.to_numpy().nonzero()[0]
        raise InputError(
            f"ids missing on {len(rows)} of {len(s)} rows",
            source=source,
            column="user",
            rows=[int(r) for r in rows[:5]],
            expected="an id on every row (drop or fill the rows without one first)",
        )


def _check_table_ids(table: Any, source: str) -> None:
    """InputError when rows of an Ibis table have no user id (else the engine would count the
    rows without one as one more user). One count of those rows, which DuckDB answers from a
    Parquet file's or its own table's statistics (under 10 ms on 10 M events)."""
    lacking = table.filter(table.user.isnull())
    missing = int(run(lacking.aggregate(n=lacking.count()))["n"].iloc[0])
    if missing:
        total = int(run(table.aggregate(n=table.count()))["n"].iloc[0])
        shown = [c for c in ("time", "event") if c in table.columns]
        rows = "; ".join(examples(table, table.user.isnull(), shown))
        raise InputError(
            f"ids missing on {missing} of {total} rows (e.g. {rows})",
            source=source,
            column="user",
            expected="an id on every row (drop or fill the rows without one first)",
        )


def _arrow(frame: pd.DataFrame, roles: Iterable[str], source: str, ids: bool) -> Any:
    """The ``roles`` of ``frame`` as an Arrow table; categorical user ids as their integer
    codes unless ``ids`` (the metric returns the ids): the engine groups integers, not text."""
    import pyarrow as pa

    columns = {}
    for role in roles:
        s = frame[role]
        if role == "time":
            if (problem := nanosecond_times(s, role, source)) is not None:
                raise problem  # Arrow keeps microseconds: never truncate them silently
            columns[role] = pa.array(_frame_time(s, source).astype("datetime64[us]"))
        elif role == "user":
            _check_ids(s, source)
            if not ids and isinstance(s.dtype, pd.CategoricalDtype):  # equal codes, equal ids
                columns[role] = pa.array(s.cat.codes.to_numpy())
            else:
                columns[role] = _arrow_ids(s)
        elif role == "event":
            columns[role] = _arrow_ids(s)
        else:
            columns[role] = pa.array(pd.to_numeric(s).astype("float64"), from_pandas=True)
    table = pa.table(columns)  # in batches of row groups, so that DuckDB scans them in parallel
    return pa.Table.from_batches(table.to_batches(max_chunksize=122_880), table.schema)


def _check_roles(columns: Iterable[str], roles: tuple[str, ...], source: str) -> None:
    import difflib

    have = list(columns)
    problems = []
    for role in roles:
        if role not in have:
            near = difflib.get_close_matches(role, have, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(
                InputError(f"missing role column{hint}", column=role, expected=_ROLE_HELP[role])
            )
    if problems:
        raise InputError(source=source, problems=problems)


def events_table(
    data: Any, roles: tuple[str, ...], source: str = "events", ids: bool = False
) -> tuple[Any, dict]:
    """(Ibis table of the ``roles`` columns, provenance) from a Source, table or DataFrame.

    ``ids``: the metric returns user ids (else a DataFrame's categorical ids may be codes).
    """
    import ibis

    if hasattr(data, "table") and hasattr(data, "provenance"):
        table, provenance = data.table, dict(data.provenance())
    elif isinstance(data, ibis.expr.types.Table):
        table, provenance = data, {"source": f"Ibis table ({source})"}
    elif isinstance(data, pd.DataFrame):
        _check_roles(data.columns, roles, source)
        table = ibis.memtable(_arrow(data, roles, source, ids))
        provenance = {"source": f"pandas DataFrame ({source})", "timezone": REPORTING_ZONE}
    else:
        raise InputError(
            f"cannot read events from a {type(data).__name__}",
            source=source,
            expected="a valuelab Source, an Ibis table or a pandas DataFrame",
        )
    _check_roles(table.columns, roles, source)
    if isinstance(data, ibis.expr.types.Table) and "user" in roles:
        _check_table_ids(table, source)
    if getattr(table.schema()["time"], "timezone", None) is not None:  # an Ibis table's own
        raise InputError(
            f"times in the time zone {table.schema()['time'].timezone}",
            source=source,
            column="time",
            expected="times on one reporting clock: open the table with "
            "valuelab.data.sources.open_source(table, reporting_timezone=...) first",
        )
    if table.schema()["time"].is_date():
        table = table.mutate(time=table.time.cast("timestamp"))
    elif not table.schema()["time"].is_timestamp():
        raise InputError(
            f"type {table.schema()['time']} is not a time", source=source, column="time"
        )
    return table.select(*roles), provenance


#: Modules whose exceptions are the engine's, not valuelab's: turned into an InputError.
_ENGINE_MODULES = ("ibis", "duckdb", "_duckdb", "sqlite3", "psycopg", "pyarrow", "sqlglot")


def guarded(metric: str) -> Any:
    """Decorate a metric so an engine's exception (Ibis, DuckDB, SQLite, PostgreSQL)
    reaches the caller as one :class:`~valuelab.core.InputError` naming the source and metric.
    """

    def wrap(fn: Any) -> Any:
        @functools.wraps(fn)
        def metric_fn(data: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(data, *args, **kwargs)
            except Exception as err:
                if not type(err).__module__.startswith(_ENGINE_MODULES):
                    raise
                raise _engine_error(err, data, metric) from err

        return metric_fn

    return wrap


def _engine_error(err: Exception, data: Any, metric: str) -> InputError:
    name = getattr(data, "name", None) or f"a {type(data).__name__}"
    try:
        backend = data.table.get_backend().name if hasattr(data, "table") else "duckdb"
    except Exception:  # an unbound table: the in-process DuckDB
        backend = "duckdb"
    first = (str(err).strip().splitlines() or [""])[0][:200]
    return InputError(
        f"{metric} could not be computed by {backend} ({type(err).__name__}: {first})",
        source=str(name),
        expected="a source DuckDB or PostgreSQL computes (copy the table into a DuckDB or "
        "Parquet file), or report the case to valuelab",
    )


def active(table: Any, active_events: Iterable[str] | None) -> Any:
    """The events that count as activity (all when ``active_events`` is None)."""
    if active_events is None:
        return table
    return table.filter(counts_as_active(table, active_events))


def counts_as_active(table: Any, active_events: Iterable[str]) -> Any:
    """Ibis boolean: the row's event is one of ``active_events`` (none of an empty list)."""
    names = sorted(set(active_events))
    if not names:  # an empty IN list is not valid SQL
        return table.event.isnull() & table.event.notnull()
    return table.event.isin(names)


@functools.cache
def _in_process() -> Any:
    """The in-process DuckDB that computes DataFrames' metrics (no progress bar in notebooks)."""
    import ibis

    con = ibis.duckdb.connect()
    con.raw_sql("SET enable_progress_bar = false")
    return con


def run(expr: Any, arrow: bool = False) -> Any:
    """Execute ``expr`` where its data lives; the (small) result as pandas (a pyarrow Table
    with ``arrow``: no DataFrame built for columns read as numpy arrays)."""
    from ibis.common.exceptions import IbisError

    with warnings.catch_warnings():  # Ibis 12 reads an option pandas 3 deprecated, per result
        warnings.filterwarnings("ignore", "The 'future.infer_string' option is deprecated")
        warnings.filterwarnings("ignore", r"fetch_arrow_table\(\) is deprecated")  # DuckDB 1.4
        try:
            expr._find_backend(use_default=False)  # a database's or a file's table: run there
        except IbisError:  # DataFrames only (in-memory tables): the in-process DuckDB
            con = _in_process()
            return con.to_pyarrow(expr) if arrow else con.to_pandas(expr)
        return expr.to_pyarrow() if arrow else expr.to_pandas()


def span(table: Any) -> Span:
    """The first and last day with an event; InputError on an empty log."""
    row = run(table.aggregate(first=table.time.min(), last=table.time.max()))
    first, last = row["first"].iloc[0], row["last"].iloc[0]
    if pd.isna(first):
        raise InputError("the log has no events", column="time", expected="one event or more")
    if not pd.Timestamp.min <= pd.Timestamp(first) <= pd.Timestamp(last) <= pd.Timestamp.max:
        raise InputError(
            f"times from {first} to {last}",
            column="time",
            expected="times pandas can hold (1677-09-22 to 2262-04-11); a year typed wrong?",
        )
    return Span(pd.Timestamp(first).floor("D"), pd.Timestamp(last).floor("D"))


def period_number(time: Any, period: str) -> Any:
    """An Ibis integer numbering ``time``'s periods so consecutive periods differ by one."""
    if period == "month":
        return time.year() * 12 + time.month()
    if period == "quarter":
        return time.year() * 4 + time.quarter()
    days = day_number(time)
    return (days + 3) // 7 if period == "week" else days  # weeks from Monday (1970-01-01: Thu)


def day_number(time: Any) -> Any:
    """Days from 1970-01-01 to ``time``'s date (an Ibis integer; ``time`` a timestamp or date).

    On DuckDB and PostgreSQL, Ibis's ``epoch_days`` of the date: DuckDB computes it as an
    integer date difference, where the epoch seconds (a double), divided and floored, cost
    it 0.3 CPU s more on DAU over 10 M events. Elsewhere (SQLite, whose date difference is a
    Python function per row, 3x slower; backends Ibis compiles no ``epoch_days`` for) the
    epoch seconds, floored.
    """
    import ibis.expr.types as ir

    if engine(time) not in ("duckdb", "postgres"):
        return time.epoch_seconds() // 86400
    return (time.date() if isinstance(time, ir.TimestampValue) else time).epoch_days()


def engine(expr: Any) -> str:
    """The name of ``expr``'s engine (an Ibis table or column); a DataFrame's in-memory table
    runs in the in-process DuckDB."""
    from ibis.common.exceptions import IbisError

    try:
        return expr._find_backend(use_default=False).name
    except IbisError:  # a DataFrame's in-memory table: the in-process DuckDB
        return "duckdb"


def starts(period: str, first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    """Start of every ``period`` from the one holding ``first`` to the one holding ``last``."""
    freq = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS"}[period]
    begin = first.to_period({"day": "D", "week": "W", "month": "M", "quarter": "Q"}[period])
    return pd.date_range(begin.start_time, last, freq=freq, name="period_start").as_unit("ns")


def complete(period_start: pd.DatetimeIndex, period: str, covered: Span) -> np.ndarray:
    """True where the log covers the whole period (from its first day to its last)."""
    ends = period_start + _OFFSETS[period] - pd.Timedelta(days=1)
    return np.asarray((period_start >= covered.first) & (ends <= covered.last), dtype=bool)


def shifted(period_start: pd.DatetimeIndex, period: str, k: int) -> pd.DatetimeIndex:
    """``period_start`` moved ``k`` periods on."""
    return period_start + _OFFSETS[period] * k if k else period_start


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def result(
    frame: pd.DataFrame, provenance: dict, covered: Span, metric: str, index: str = "period_start"
) -> pd.DataFrame:
    """``frame`` under the result convention, with its provenance in ``attrs``."""
    frame.index = pd.DatetimeIndex(frame.index).as_unit("ns").rename(index)
    frame.columns.name = None
    facts = {
        **provenance,
        "metric": metric,
        "log_first_day": covered.first.date().isoformat(),
        "log_last_day": covered.last.date().isoformat(),
        "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    frame.attrs["provenance"] = _json_safe(facts)
    return frame

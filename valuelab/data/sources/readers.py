"""Open a located source as an ibis table on the backend that will compute on it.

Files (CSV, Parquet, JSON) are views of DuckDB's own readers, queried without
loading them whole; an Excel sheet is read by pandas (openpyxl) and a
DataFrame is scanned in place by DuckDB; a DuckDB or SQLite file and a
PostgreSQL database are ibis backends of their own, so the work runs inside
them. DuckDB's downloadable extensions are never needed. Ibis and DuckDB are
imported here, inside the functions, so ``import valuelab.data`` stays light.
"""

from __future__ import annotations

import difflib
from typing import Any

from valuelab.core import InputError
from valuelab.data.sources.connections import Locator

__all__ = ["duckdb_backend", "open_frame", "open_located"]


def duckdb_backend(path: str = ":memory:", read_only: bool = False) -> Any:
    """A DuckDB ibis backend whose session zone is UTC (zones are converted explicitly)."""
    import ibis

    con = ibis.duckdb.connect(path, read_only=read_only) if path != ":memory:" else None
    con = con or ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def _pick_table(con: Any, table: str | None, name: str) -> Any:
    tables = con.list_tables()
    if table is None and len(tables) == 1:
        table = tables[0]
    if table in tables:
        return con.table(table)
    if not tables:
        raise InputError("the database has no tables", source=name)
    near = difflib.get_close_matches(str(table), tables, n=1) if table else []
    hint = f"; did you mean '{near[0]}'?" if near else ""
    problem = f"no table '{table}'{hint}" if table else "which table?"
    raise InputError(
        problem, source=name, expected="table: one of " + ", ".join(sorted(tables)[:20])
    )


def _read_file(con: Any, loc: Locator, text: list[str]) -> Any:
    import duckdb

    readers = {"csv": con.read_csv, "parquet": con.read_parquet, "json": con.read_json}
    try:
        table = readers[loc.kind](loc.target)
        if loc.kind == "csv" and text:
            types = {c: "string" for c in text if c in table.columns}
            table = con.read_csv(loc.target, types=types) if types else table
    except (duckdb.Error, OSError) as err:
        first = str(err).splitlines()[0][:300]
        raise InputError(f"cannot read it: {first}", source=loc.name) from None
    return table


def open_frame(frame: Any, name: str = "DataFrame") -> tuple[Any, Any]:
    """A pandas DataFrame as (DuckDB backend, ibis table), scanned in place via Arrow.

    Categorical columns become their categories' type; Arrow-backed columns
    pass through; object columns of datetimes with offsets in several zones
    become UTC instants (naive and zoned datetimes mixed are refused later).

    Raises
    ------
    InputError
        A time column with parts below a microsecond (integer dates read as
        nanoseconds since 1970, :func:`~valuelab.data.sources.times.nanosecond_times`).
    """
    import ibis
    import pandas as pd

    from valuelab.data.sources.times import nanosecond_times

    frame = frame.copy(deep=False)
    for column in frame.columns:
        values = frame[column]
        if (problem := nanosecond_times(values, str(column), name)) is not None:
            raise problem
        if isinstance(values.dtype, pd.CategoricalDtype):
            frame[column] = values.astype(values.cat.categories.dtype)
        elif values.dtype == object and _zoned_datetimes(values):
            frame[column] = pd.to_datetime(values, utc=True)
    frame.columns = [str(c) for c in frame.columns]
    con = duckdb_backend()
    return con, con.create_view(_view_name(name), ibis.memtable(frame), overwrite=True)


def _view_name(name: str) -> str:
    import re

    return "source_" + (re.sub(r"\W+", "_", name).strip("_") or "frame")


def _zoned_datetimes(values: Any) -> bool:
    """Whether an object column holds only datetimes with offsets, in several zones."""
    import datetime as dt

    sample = values.dropna().head(10_000)
    if sample.empty or not all(isinstance(v, dt.datetime) for v in sample):
        return False
    return all(v.tzinfo is not None for v in sample)


def _postgres(loc: Locator) -> Any:
    import ibis
    import psycopg

    params = dict(loc.params)
    if loc.password is not None:
        params["password"] = loc.password
    try:
        con = ibis.postgres.connect(**params)
    except psycopg.OperationalError as err:
        raise InputError(_postgres_problem(str(err)), source=loc.name) from None
    con.raw_sql("SET TIME ZONE 'UTC'")  # text parsed without an offset reads as written
    return con


def _postgres_problem(message: str) -> str:
    text = message.lower()
    if "password authentication failed" in text:
        return "wrong user name or password (the server refused it)"
    if "no password supplied" in text or "password is required" in text:
        return (
            "the server asks for a password: set PGPASSWORD, add a ~/.pgpass line, "
            "or name a connection with password: ${VARIABLE}"
        )
    if "does not exist" in text:
        return (message.strip().splitlines() or [""])[-1].split("FATAL:")[-1].strip()
    first = message.strip().splitlines()[0][:200] if message.strip() else "no answer"
    return f"database unreachable ({first})"


def _excel(loc: Locator, sheet: str | int | None) -> tuple[Any, Any]:
    import pandas as pd

    try:
        frame = pd.read_excel(loc.target, sheet_name=sheet if sheet is not None else 0)
    except ValueError as err:  # an unknown sheet name
        raise InputError(f"{err}", source=loc.name, column="sheet") from None
    except OSError as err:
        raise InputError(f"cannot read it ({err.strerror})", source=loc.name) from None
    return open_frame(frame, loc.name)


def open_located(loc: Locator, *, table: str | None, sheet: Any, text: list[str]) -> tuple:
    """(ibis backend, raw ibis table) for a located source.

    Parameters
    ----------
    loc : Locator
        From :func:`valuelab.data.sources.connections.locate`.
    table, sheet : optional
        The mapping's table (databases) and sheet (Excel); the locator's table wins.
    text : list of str
        Columns to read as text from a CSV file (identifiers).

    Raises
    ------
    InputError
        An unreadable file, an unreachable database, a wrong password, an
        unknown table (with a did-you-mean among the real ones).
    """
    import ibis

    if loc.kind in ("csv", "parquet", "json"):
        con = duckdb_backend()
        return con, _read_file(con, loc, text)
    if loc.kind == "excel":
        return _excel(loc, sheet if sheet is not None else loc.table)
    if loc.kind == "duckdb":
        con = duckdb_backend(loc.target, read_only=True)
    elif loc.kind == "sqlite":
        con = ibis.sqlite.connect(loc.target)
    else:
        con = _postgres(loc)
    return con, _pick_table(con, loc.table or table, loc.name)

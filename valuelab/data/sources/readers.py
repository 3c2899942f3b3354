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
from pathlib import Path
from typing import Any

from valuelab.core import InputError
from valuelab.data.sources.connections import Locator

__all__ = [
    "duckdb_backend",
    "mixed_files_error",
    "mixed_types_error",
    "mixed_zones_error",
    "open_frame",
    "open_located",
]


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


def _read_file(con: Any, loc: Locator, text: list[str], times: list[str], decimal: Any) -> Any:
    """A file as a DuckDB view; identifiers, and times DuckDB would sniff itself, as text.

    DuckDB's CSV and JSON readers guess date formats on their own (``03/02/2024``
    read day first, offsets applied to some rows and not others); valuelab reads
    those columns as text and parses them by its own rules (declared format,
    ambiguity refused, mixed zones refused) in :mod:`~valuelab.data.sources.times`.
    A ``decimal`` of ``","`` is DuckDB's ``decimal_separator`` for a CSV file.
    """
    import duckdb

    csv = {"decimal_separator": ","} if decimal == "," else {}
    readers = {
        "csv": lambda target, **kw: con.read_csv(target, **csv, **kw),
        "parquet": con.read_parquet,
        "json": con.read_json,
    }
    try:
        if loc.kind == "parquet":
            _parquet_zones(con, loc, times)
        table = readers[loc.kind](loc.target)
        if loc.kind in ("csv", "json"):
            table = _as_text(readers, loc, table, text, times)
    except (duckdb.Error, OSError) as err:
        first = str(err).splitlines()[0][:300]
        raise InputError(f"cannot read it: {first}", source=loc.name) from None
    return table


def _parquet_zones(con: Any, loc: Locator, times: list[str]) -> None:
    """Refuse Parquet files (of a glob) whose time column has a zone in some and none in others.

    DuckDB reads such a glob as one column, taking the naive times for UTC (a
    Berlin wall clock 01:18 becomes 02:18 Berlin): the same silent shift the
    CSV reader refuses as "mixed time zones". Only the files' footers are read.
    """
    for column in times:
        found = con.con.execute(
            "select file_name, duckdb_type from parquet_schema(?) where name = ?",
            [loc.target, column],
        ).fetchall()
        temporal = [(f, t) for f, t in found if t.startswith(("TIMESTAMP", "DATE"))]
        aware = [f for f, t in temporal if t.endswith("WITH TIME ZONE")]
        naive = [f for f, t in temporal if not t.endswith("WITH TIME ZONE")]
        if aware and naive:
            raise mixed_files_error(aware, naive, column, loc.name)


def mixed_files_error(aware: list[str], naive: list[str], column: str, name: str) -> InputError:
    """The "mixed time zones" error for files of one source: the files of each kind."""

    import os

    base = os.path.commonpath([str(Path(f).parent) for f in [*aware, *naive]])

    def shown(files: list[str]) -> str:
        more = f" and {len(files) - 3} more" if len(files) > 3 else ""
        return ", ".join(os.path.relpath(f, base) for f in files[:3]) + more

    return InputError(
        f"mixed time zones: {len(aware)} of {len(aware) + len(naive)} files hold times with a "
        f"zone ({shown(aware)}) and {len(naive)} without ({shown(naive)})",
        source=name,
        column=column,
        expected="every file's times with a zone, or none (their zone then declared as "
        "timezone: in the mapping)",
    )


def _as_text(readers: dict, loc: Locator, table: Any, text: list[str], times: list[str]) -> Any:
    """Re-read ``table`` with ``text`` columns and sniffed date/time ``times`` columns as text."""
    schema = table.schema()
    sniffed = [c for c in times if c in schema and (schema[c].is_temporal())]
    wanted = [c for c in dict.fromkeys([*text, *sniffed]) if c in schema]
    if not wanted:
        return table
    if loc.kind == "csv":
        return readers["csv"](loc.target, types=dict.fromkeys(wanted, "string"))
    from ibis.backends.sql.datatypes import DuckDBType

    columns = {c: "VARCHAR" if c in wanted else DuckDBType.to_string(t) for c, t in schema.items()}
    return readers["json"](loc.target, columns=columns)


def open_frame(
    frame: Any, name: str = "DataFrame", times: Any = (), first_row: int | None = None
) -> tuple[Any, Any]:
    """A pandas DataFrame as (DuckDB backend, ibis table), scanned in place via Arrow.

    Categorical columns become their categories' type; Arrow-backed columns
    pass through; object columns of datetimes with offsets in several zones
    become UTC instants; an object column of numbers and text (ids typed in a
    sheet: 1001 and "A12") becomes text ("1001", "A12").

    Parameters
    ----------
    frame : pandas.DataFrame
    name : str
        The source's display name, for messages.
    times : sequence of str
        The time columns (checked for mixed zones and for text among datetimes).
    first_row : int, optional
        The number messages give the first row (1: a sheet's first data row);
        default: rows are named by the frame's index labels.

    Raises
    ------
    InputError
        A time column with parts below a microsecond (integer dates read as
        nanoseconds since 1970, :func:`~valuelab.data.sources.times.nanosecond_times`);
        a ``times`` column whose datetimes carry a zone on some rows and none on
        others ("mixed time zones", with counts and example rows); a ``times``
        column holding datetimes and text (an Excel sheet's date and text cells),
        naming the text rows; any other column Arrow cannot read as one type.
    """
    import pandas as pd

    from valuelab.data.sources.times import nanosecond_times

    frame = frame.copy(deep=False)
    for column in frame.columns:
        values, where = frame[column], str(column)
        if (problem := nanosecond_times(values, where, name)) is not None:
            raise problem
        if isinstance(values.dtype, pd.CategoricalDtype):
            frame[column] = values.astype(values.cat.categories.dtype)
        elif values.dtype == object and where in times:
            if (problem := mixed_types_error(values, where, name, first_row)) is not None:
                raise problem
        if values.dtype == object and _zoned_datetimes(values, where in times, name):
            frame[column] = pd.to_datetime(values, utc=True)
        elif values.dtype == object and where not in times and _numbers_and_text(values):
            frame[column] = values.map(_written, na_action="ignore")
    frame.columns = [str(c) for c in frame.columns]
    return _frame_view(frame, name)


def _numbers_and_text(values: Any) -> bool:
    """Whether an object column holds numbers on some rows and text on others only (ids typed
    in a sheet: 1001 and "A12"), which Arrow cannot read as one type."""
    kinds = {type(v) for v in values.dropna().head(100_000)}
    numbers = {k for k in kinds if issubclass(k, int | float) and not issubclass(k, bool)}
    return bool(numbers) and str in kinds and kinds <= numbers | {str}


def _written(value: Any) -> str:
    """A value as its text: a whole float as a whole number (1001.0 -> "1001")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _frame_view(frame: Any, name: str) -> tuple[Any, Any]:
    """(DuckDB backend, view of ``frame``); a column Arrow cannot convert is an InputError."""
    import ibis
    import pyarrow as pa

    con = duckdb_backend()
    try:  # Arrow converts the frame when the view is made
        return con, con.create_view(_view_name(name), ibis.memtable(frame), overwrite=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid) as err:
        bad = next((c for c in frame.columns if not _arrow_reads(frame[c])), None)
        first = (str(err).splitlines() or [""])[0][:200]
        raise InputError(
            f"values of several types in one column ({first})",
            source=name,
            column=bad,
            expected="one type per column: text, numbers, or dates and times",
        ) from None


def _arrow_reads(values: Any) -> bool:
    import pyarrow as pa

    try:
        pa.array(values, from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return False
    return True


def mixed_types_error(
    values: Any, column: str, name: str, first_row: int | None = None
) -> InputError | None:
    """The problem with a time column of datetimes and text (or numbers), or None.

    An Excel column with some cells formatted as dates and some typed as text
    reads as such a column. Example rows are the ones that are not times.
    """
    import datetime as dt

    present = values.dropna()
    is_time = present.map(lambda v: isinstance(v, dt.date))
    if not is_time.any() or is_time.all():
        return None
    others = present[~is_time]
    labels = [i + first_row for i in range(len(values))] if first_row is not None else None
    where = dict(zip(values.index, labels, strict=True)) if labels else {}
    shown = "; ".join(f"row {where.get(i, i)}: {v!r}" for i, v in others.head(3).items())
    return InputError(
        f"{len(others)} of {len(present)} values are text or numbers, not dates (e.g. {shown}); "
        f"the other {int(is_time.sum())} are dates",
        source=name,
        column=column,
        expected="every value a date or time (cells formatted as dates in a sheet), or every "
        "value text in one format (declare date_format: in the mapping)",
    )


def _view_name(name: str) -> str:
    import re

    return "source_" + (re.sub(r"\W+", "_", name).strip("_") or "frame")


def _zoned_datetimes(values: Any, check: bool = False, name: str = "DataFrame") -> bool:
    """Whether an object column holds only datetimes, every one with a zone.

    With ``check``, datetimes with a zone on some rows and none on others are refused.
    """
    import datetime as dt

    present = values.dropna()
    if present.empty or not all(isinstance(v, dt.datetime) for v in present.head(10_000)):
        return False
    aware = present.map(lambda v: isinstance(v, dt.datetime) and v.tzinfo is not None)
    if check and aware.any() and not aware.all():
        raise mixed_zones_error(present, aware, str(values.name), name)
    return bool(aware.all())


def mixed_zones_error(values: Any, aware: Any, column: str, name: str) -> InputError:
    """The "mixed time zones" error for a pandas column: counts and example rows (labels)."""

    def shown(part: Any) -> str:
        return "; ".join(f"row {i}: {v}" for i, v in part.head(2).items())

    k, n = int(aware.sum()), len(values)
    return InputError(
        f"mixed time zones: {k} of {n} times carry a zone (e.g. {shown(values[aware])}) and "
        f"{n - k} do not (e.g. {shown(values[~aware])})",
        source=name,
        column=column,
        expected="every time with a zone, or none (their zone then declared as timezone: "
        "in the mapping)",
    )


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


def _excel(loc: Locator, sheet: str | int | None, times: Any = ()) -> tuple[Any, Any]:
    import pandas as pd

    try:
        with pd.ExcelFile(loc.target) as book:
            names = [str(n) for n in book.sheet_names]
            wanted = sheet if sheet is not None else 0
            if _sheet_missing(wanted, names):
                raise _no_sheet(wanted, names, loc.name)
            frame = pd.read_excel(book, sheet_name=wanted)
    except ValueError as err:  # not a workbook pandas can read
        raise InputError(f"cannot read it as a workbook ({err})", source=loc.name) from None
    except OSError as err:
        raise InputError(f"cannot read it ({err.strerror})", source=loc.name) from None
    return open_frame(frame, loc.name, times, first_row=1)


def _sheet_missing(sheet: str | int, names: list[str]) -> bool:
    """Whether the workbook lacks ``sheet`` (a name, or a 0-based position)."""
    if isinstance(sheet, int):
        return not 0 <= sheet < len(names)
    return str(sheet) not in names


def _no_sheet(sheet: str | int, names: list[str], name: str) -> InputError:
    """The error for a sheet the workbook lacks: its sheets, with a did-you-mean."""
    near = difflib.get_close_matches(str(sheet), names, n=1, cutoff=0.5)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    return InputError(
        f"the workbook has no sheet '{sheet}'{hint}",
        source=name,
        expected="sheet: one of " + ", ".join(f"'{n}'" for n in names) + " in the mapping",
    )


def open_located(
    loc: Locator,
    *,
    table: str | None,
    sheet: Any,
    text: list[str],
    times: list[str] = (),
    decimal: str | None = None,
) -> tuple:
    """(ibis backend, raw ibis table) for a located source.

    Parameters
    ----------
    loc : Locator
        From :func:`valuelab.data.sources.connections.locate`.
    table, sheet : optional
        The mapping's table (databases) and sheet (Excel); the locator's table wins.
    text : list of str
        Columns to read as text from a CSV file (identifiers).
    times : list of str
        Time columns: read as text from a CSV or JSON file when DuckDB would
        otherwise parse them by its own guess (valuelab parses them instead).
    decimal : {".", ","}, optional
        The decimal mark of a CSV file's numbers (the mapping's ``decimal``).

    Raises
    ------
    InputError
        An unreadable file, an unreachable database, a wrong password, an
        unknown table (with a did-you-mean among the real ones), a ``decimal``
        declared for a source that is not a CSV file.
    """
    import ibis

    if decimal not in (None, ".") and loc.kind != "csv":
        raise InputError(
            f"decimal: '{decimal}' is read for CSV files only, this is {loc.kind}",
            source=loc.name,
            expected="no decimal: in the mapping (other sources hold numbers as numbers)",
        )
    if loc.kind in ("csv", "parquet", "json"):
        con = duckdb_backend()
        return con, _read_file(con, loc, text, list(times), decimal)
    if loc.kind == "excel":
        return _excel(loc, sheet if sheet is not None else loc.table, times)
    if loc.kind == "duckdb":
        con = duckdb_backend(loc.target, read_only=True)
    elif loc.kind == "sqlite":
        con = ibis.sqlite.connect(loc.target)
    else:
        con = _postgres(loc)
    try:
        return con, _pick_table(con, loc.table or table, loc.name)
    except Exception:
        con.disconnect()  # an unknown table: the database file is not left open
        raise

"""One way in for the analyst's data: :func:`open_source` and the :class:`Source` it returns.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame(
...     {"cust": [7, 7, 9], "day": [20240105, 20240106, 20240131], "eur": [10.0, -2.5, 4.0]}
... )
>>> src = open_source(log, user="cust", time="day", amount="eur", currency="EUR")
>>> src.table.columns
('user', 'time', 'amount')
>>> src.table.execute()["user"].tolist()
['7', '7', '9']
>>> src.provenance()["freshness"]
'2024-01-31T00:00:00'
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuelab.core import InputError
from valuelab.data.sources.canonical import canonical_table
from valuelab.data.sources.connections import locate
from valuelab.data.sources.kinds import table_kind
from valuelab.data.sources.mapping import Mapping, read_mapping, read_mapping_problems
from valuelab.data.sources.readers import duckdb_backend, open_frame, open_located

__all__ = ["Source", "concat_frames", "freshness", "open_source"]

#: Kinds of source that live in a database (their freshness is asked, not hashed).
DATABASES = ("duckdb", "sqlite", "postgres", "ibis")


@dataclass(frozen=True)
class Source:
    """The analyst's data, canonical and where it lives.

    Attributes
    ----------
    table : ibis.Table
        Canonical role columns: ``user`` (string), ``time`` (timestamp without
        zone: the reporting zone's wall clock), ``event`` (string), ``amount``
        (float64, in :attr:`currency`) when mapped, and the other roles present
        (``account``, ``artist``, ``streams``, ``segment``, ``market``, ``tier``, …);
        ``refund`` under the ``separate`` refunds policy.
    backend : ibis backend
        Where the table computes: DuckDB in-process for files and DataFrames,
        the database itself for a DuckDB, SQLite or PostgreSQL source.
    mapping : Mapping
        How the source was read.
    name : str
        Display name, never with credentials.
    kind : str
        ``frame``, ``csv``, ``parquet``, ``json``, ``excel``, ``duckdb``, ``sqlite``, ``postgres``.
    roles : dict
        Role -> the source's column it came from.
    time_format : str
        How times were read (a strftime pattern, ``yyyymmdd``, ``timestamp``, …).
    opened_at : str
        When the source was opened (UTC, ISO 8601): the results' as-of time.
    raw : ibis.Table
        The source as it is, before mapping (for a declared ``freshness`` column).
    """

    table: Any
    backend: Any
    mapping: Mapping
    name: str
    kind: str
    roles: dict[str, str]
    time_format: str
    opened_at: str
    counts: dict[str, int] = field(default_factory=dict, repr=False)
    raw: Any = field(default=None, repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def currency(self) -> str | None:
        """ISO 4217 code of ``amount`` (``None`` when undeclared)."""
        return self.mapping.currency

    @property
    def timezone(self) -> str:
        """The reporting time zone: periods start at its midnight."""
        return self.mapping.reporting_timezone

    def time_range(self) -> tuple[_dt.datetime | None, _dt.datetime | None]:
        """(first, last) event time, on the reporting zone's clock (one query, cached)."""
        if "time" not in self.table.columns:
            return None, None
        if "range" not in self._cache:
            t = self.table
            row = t.aggregate(first=t.time.min(), last=t.time.max()).to_pyarrow().to_pylist()[0]
            self._cache["range"] = (row["first"], row["last"])
        return self._cache["range"]

    def provenance(self) -> dict[str, Any]:
        """Where results on this source come from: plain data for a manifest or a file.

        Returns
        -------
        dict
            ``source`` (display name), ``kind``, ``mapping`` (roles and settings,
            plus the time format used), ``timezone`` (reporting), ``currency``,
            ``as_of`` (when opened, UTC), ``rows`` and ``freshness``: the latest
            value of the mapping's ``freshness`` column, else the latest event
            time (reporting wall clock, ISO 8601), else ``None``.
        """
        mapping = self.mapping.to_dict() | {"columns": dict(self.roles)}
        return {
            "source": self.name,
            "kind": self.kind,
            "mapping": mapping | {"time_format": self.time_format},
            "timezone": self.timezone,
            "currency": self.currency,
            "as_of": self.opened_at,
            "rows": self.counts.get("rows"),
            "freshness": self.freshness(),
        }

    def freshness(self) -> str | None:
        """The declared freshness value (see :meth:`provenance`), one query, cached."""
        if "freshness" not in self._cache:
            if self.mapping.freshness and self.raw is not None:
                self._cache["freshness"] = _latest(self.raw, self.mapping.freshness, self.name)
            else:
                last = self.time_range()[1]
                self._cache["freshness"] = last.isoformat() if last is not None else None
        return self._cache["freshness"]

    def to_pandas(self, table: Any = None) -> Any:
        """``table`` (default: the whole canonical table) as pandas, carrying its currency.

        Parameters
        ----------
        table : ibis.Table, optional
            An expression on :attr:`table` (a segment's rows), computed where
            the data lives; only its result comes back.

        Returns
        -------
        pandas.DataFrame
            With ``attrs["currency"]`` (ISO 4217 of the money roles, ``None``
            when undeclared) and ``attrs["provenance"]`` (:meth:`provenance`).
        """
        frame = (self.table if table is None else table).to_pandas()
        frame.attrs["currency"] = self.currency
        frame.attrs["provenance"] = self.provenance()
        return frame

    def check(self) -> Any:
        """What :func:`~valuelab.data.sources.check.check_source` reports on this source."""
        from valuelab.data.sources.check import check_source

        return check_source(self)


def _latest(raw: Any, column: str, name: str) -> str | None:
    """The latest value of ``raw[column]`` as text (ISO 8601 for a time)."""
    if column not in raw.columns:
        from valuelab.data.sources.canonical import missing_column

        raise missing_column("freshness", column, list(raw.columns), name, True)
    value = raw.aggregate(v=raw[column].max()).to_pyarrow()["v"][0].as_py()
    return (
        value.isoformat()
        if hasattr(value, "isoformat")
        else (None if value is None else str(value))
    )


def _ibis_table(source: Any) -> Any | None:
    """``source`` if it is an ibis table (ibis imported only when it already is)."""
    import sys

    if "ibis" not in sys.modules:
        return None
    import ibis.expr.types as ir

    return source if isinstance(source, ir.Table) else None


def _raw(source: Any, mapping: Mapping, connections: Any) -> tuple:
    """(backend, raw table, display name, kind, sheet names of a workbook read at its first)."""
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        times = [mapping.column("time")] if "time" in table_kind(mapping.kind).roles else []
        backend, table = open_frame(source, times=times)
        return backend, table, "DataFrame", "frame", []
    if (table := _ibis_table(source)) is not None:
        try:
            backend = table.get_backend()
        except Exception:  # an unbound memtable: DuckDB computes it
            backend = duckdb_backend()
        return backend, table, f"ibis table ({backend.name})", "ibis", []
    if not isinstance(source, str | Path):
        raise InputError(
            f"cannot open a {type(source).__name__}",
            source="source",
            expected="a path, a glob, a database URL, a connection name, a pandas DataFrame "
            "or an ibis table",
        )
    loc = locate(source, table=mapping.table, connections=connections)
    kind = table_kind(mapping.kind)
    text = [mapping.column(r) for r in kind.text_roles()]
    times = [mapping.column("time")] if "time" in kind.roles else []
    backend, table = open_located(
        loc,
        table=mapping.table,
        sheet=mapping.sheet,
        text=text,
        times=times,
        decimal=mapping.decimal,
    )
    if loc.kind == "excel" and mapping.sheet is None and loc.table is None:
        return backend, table, loc.name, loc.kind, _sheet_names(loc.target)
    return backend, table, loc.name, loc.kind, []


def _sheet_names(path: str) -> list[str]:
    """The sheets of an Excel workbook, in order (openpyxl reads only the workbook part)."""
    import pandas as pd

    with pd.ExcelFile(path) as book:
        return [str(n) for n in book.sheet_names]


def _canonical(raw: Any, mapping: Mapping, name: str, sheets: list[str]) -> Any:
    """:func:`canonical_table`, its error naming a workbook's other sheets when it has some."""
    try:
        return canonical_table(raw, mapping, name)
    except InputError as err:
        if len(sheets) > 1:  # the events may be on another sheet than the first, read
            raise _other_sheets(err, sheets, name) from None
        raise


def _other_sheets(err: InputError, sheets: list[str], name: str) -> InputError:
    """``err`` with a note that the workbook's first sheet was read and which others it has."""
    note = InputError(
        f"read the first sheet '{sheets[0]}'; the workbook also has "
        + ", ".join(f"'{s}'" for s in sheets[1:]),
        source=name,
        expected="sheet: NAME in the mapping (or sheet=NAME) for the sheet holding the data",
    )
    return InputError(source=name, problems=[*(err.problems or [err]), note])


def _opened(source: Any, mapping: Mapping, connections: Any, wrong: InputError | None) -> tuple:
    """(backend, raw, name, kind, canonical); the mapping's problems raised with the source's."""
    try:
        backend, raw, name, kind, sheets = _raw(source, mapping, connections)
        canonical = _canonical(raw, mapping, name, sheets)
    except InputError as err:
        if wrong is None:
            raise
        both = [*wrong.problems, *(err.problems or [err])]  # the mapping's and the source's
        raise InputError(source=err.source or wrong.source, problems=both) from None
    if wrong is not None:
        raise wrong
    return backend, raw, name, kind, canonical


def open_source(
    source: Any,
    mapping: Mapping | str | Path | dict | None = None,
    *,
    connections: str | Path | dict | None = None,
    **mapping_kwargs: Any,
) -> Source:
    """Open the analyst's data with its column mapping, checked, where it lives.

    Parameters
    ----------
    source : str, Path, pandas.DataFrame or ibis.Table
        A CSV, Parquet or JSON file or a glob of them; an ``.xlsx`` file (the
        mapping's ``sheet``); a ``.duckdb`` or ``.sqlite`` file (the mapping's
        ``table``, or the only one); ``postgresql://user@host[:port]/db?table=T``;
        ``@name`` or ``name`` of a named connection; a DataFrame; or a table of
        any ibis backend (a warehouse), computed where it lives.
    mapping : Mapping, str, Path or dict, optional
        A YAML mapping file (see :mod:`valuelab.data.sources.mapping`).
    connections : str, Path or dict, optional
        Named connections (default ``$VALUELAB_CONNECTIONS`` or
        ``~/.config/valuelab/connections.yaml``).
    **mapping_kwargs
        Roles and settings, over the file's: ``user="customer_id"``, ``currency="USD"``;
        ``kind="accounts"`` reads a table in a shipped layout
        (:mod:`~valuelab.data.sources.kinds`; a mapping file of another kind is refused).

    Returns
    -------
    Source

    Raises
    ------
    InputError
        One error listing every problem: columns missing (with a did-you-mean),
        unreadable or ambiguous dates, mixed time zones, ids or times missing on
        some rows, refused refunds, an empty table, an unreachable database, a
        wrong password, a password inside a URL.
    """
    mapping, wrong = read_mapping_problems(mapping, **mapping_kwargs)
    backend, raw, name, kind, canonical = _opened(source, mapping, connections, wrong)
    mapping = dataclasses.replace(mapping, currency=canonical.currency)
    opened = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    return Source(
        table=canonical.table,
        backend=backend,
        mapping=mapping,
        name=name,
        kind=kind,
        roles=canonical.roles,
        time_format=canonical.time_format,
        opened_at=opened,
        counts=canonical.counts,
        raw=raw,
    )


def concat_frames(*frames: Any) -> Any:
    """Rows of several sources' frames (:meth:`Source.to_pandas`) as one, in one currency.

    Parameters
    ----------
    *frames : pandas.DataFrame
        Each with ``attrs["currency"]`` (ISO 4217, or ``None``: not declared).

    Returns
    -------
    pandas.DataFrame
        The rows in order (a new 0..n-1 index), ``attrs["currency"]`` the
        common currency and ``attrs["provenance"]`` the list of the frames'.

    Raises
    ------
    InputError
        Frames in two currencies, or one declared and one not: amounts are
        never added across currencies (convert first, at a rate you state).
    """
    import pandas as pd

    from valuelab.core.quantities import common_currency

    currency = common_currency(*frames)
    out = pd.concat(frames, ignore_index=True)
    out.attrs = {"currency": currency, "provenance": [f.attrs.get("provenance") for f in frames]}
    return out


def freshness(
    source: str | Path,
    mapping: Mapping | str | Path | dict | None = None,
    *,
    connections: str | Path | dict | None = None,
) -> dict[str, Any] | None:
    """What says whether a database source changed, without mapping it: for batches.

    Parameters
    ----------
    source : str or Path
        As :func:`open_source` takes it.
    mapping : optional
        Its ``freshness`` column, else its ``time`` column when the table has
        it, is the column whose latest value is asked (one query, with the row count).

    Returns
    -------
    dict or None
        ``{"source": display name, "kind", "freshness": latest value or None,
        "rows": int}`` for a DuckDB, SQLite or PostgreSQL source; ``None`` for a
        file (its bytes say whether it changed).

    Raises
    ------
    InputError
        An unreachable database, a wrong password, an unknown table or column.
    """
    try:
        mapping = read_mapping(mapping)
    except InputError:  # a file: its report names the mapping's and the columns' problems
        if locate(source, connections=connections).kind not in DATABASES:
            return None
        raise
    loc = locate(source, table=mapping.table, connections=connections)
    if loc.kind not in DATABASES:
        return None
    backend, raw = open_located(loc, table=mapping.table, sheet=mapping.sheet, text=[])
    try:
        column = mapping.freshness or (
            mapping.column("time") if mapping.column("time") in raw.columns else None
        )
        rows = int(raw.count().to_pyarrow().as_py())
        latest = _latest(raw, column, loc.name) if column else None
    finally:
        backend.disconnect()  # a DuckDB file stays free for its writer
    return {"source": loc.name, "kind": loc.kind, "freshness": latest, "rows": rows}

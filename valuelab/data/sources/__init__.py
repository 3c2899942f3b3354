"""The analyst's own data: one way in (files, databases, DataFrames), mapped to valuelab's roles.

>>> from valuelab.data.sources import open_source  # doctest: +SKIP
>>> src = open_source("orders.parquet", "mapping.yaml")  # doctest: +SKIP
>>> src.table, src.backend, src.provenance(), src.check()  # doctest: +SKIP

Ibis and DuckDB are imported only when a source is opened.

One calendar: the canonical ``time`` is the wall clock of the mapping's ``reporting_timezone``
(UTC when it names none) for every kind of source, so a period starts at that zone's midnight;
:mod:`valuelab.kpis.events` reads a DataFrame passed to it directly by the same rule. Text times
(CSV and JSON files included: DuckDB's own date sniffing is bypassed) are parsed by
:mod:`~valuelab.data.sources.times`.
"""

from valuelab.data.sources.check import CheckReport, check_source, incomplete_months
from valuelab.data.sources.connections import (
    Locator,
    connections_file,
    has_password,
    load_connections,
    locate,
)
from valuelab.data.sources.kinds import KINDS, MONEY_ROLES, TableKind, table_kind
from valuelab.data.sources.mapping import DATE_FORMATS, ROLES, Mapping, read_mapping
from valuelab.data.sources.source import Source, concat_frames, freshness, open_source

__all__ = [
    "DATE_FORMATS",
    "KINDS",
    "MONEY_ROLES",
    "ROLES",
    "CheckReport",
    "Locator",
    "Mapping",
    "Source",
    "TableKind",
    "check_source",
    "concat_frames",
    "connections_file",
    "freshness",
    "has_password",
    "incomplete_months",
    "load_connections",
    "locate",
    "open_source",
    "read_mapping",
    "table_kind",
]

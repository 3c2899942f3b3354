"""Reports: parameterized templates rendered to stakeholder HTML.

Parameters, the kernel engine, batches, and the figures a notebook records.
"""

from valuelab.reports.batch import BatchResult, Item, fingerprint, read_rows, run_batch
from valuelab.reports.engine import (
    MAX_MEMORY_MB,
    MAX_OUTPUT_MB,
    PLOTLY_MIME,
    TIMEOUT,
    KernelWorker,
    ReportError,
    error_page,
    run_pool,
    to_html,
    write_atomic,
    write_plotly_asset,
)
from valuelab.reports.params import coerce, fields, read_params_file, table
from valuelab.reports.records import MIME_TYPE, drop_records, read_records, record

__all__ = [
    "MAX_MEMORY_MB",
    "MAX_OUTPUT_MB",
    "MIME_TYPE",
    "PLOTLY_MIME",
    "TIMEOUT",
    "BatchResult",
    "Item",
    "KernelWorker",
    "ReportError",
    "coerce",
    "drop_records",
    "error_page",
    "fields",
    "fingerprint",
    "read_params_file",
    "read_records",
    "read_rows",
    "record",
    "run_batch",
    "run_pool",
    "table",
    "to_html",
    "write_atomic",
    "write_plotly_asset",
]

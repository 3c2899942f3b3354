"""Reports: parameterized templates rendered to stakeholder HTML.

Parameters, the kernel engine, the HTML export, batches, and the figures a notebook records.
"""

from valuelab.reports.batch import BatchResult, Item, fingerprint, read_rows, run_batch
from valuelab.reports.engine import KernelWorker, ReportError, run_pool, write_atomic
from valuelab.reports.html import (
    PLOTLY_MIME,
    MarkdownText,
    error_page,
    escape_markdown,
    markdown,
    to_html,
    write_plotly_asset,
)
from valuelab.reports.params import coerce, fields, read_params_file, table
from valuelab.reports.records import MIME_TYPE, drop_records, read_records, record

__all__ = [
    "MIME_TYPE",
    "PLOTLY_MIME",
    "BatchResult",
    "Item",
    "KernelWorker",
    "MarkdownText",
    "ReportError",
    "coerce",
    "drop_records",
    "error_page",
    "escape_markdown",
    "fields",
    "fingerprint",
    "markdown",
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

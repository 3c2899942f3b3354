"""Reports: parameterized templates rendered to stakeholder HTML.

Parameters, the kernel engine, the HTML export, batches, and the figures a notebook records.
"""

from valuelab.reports.batch import BatchResult, Item, fingerprint, read_rows, run_batch
from valuelab.reports.engine import KernelWorker, ReportError, run_pool, write_atomic
from valuelab.reports.html import (
    BASIC_TRACES,
    PLOTLY_MIME,
    MarkdownText,
    chart_bundle,
    error_page,
    escape_markdown,
    markdown,
    plotly_bundles,
    referenced_bundles,
    script_safe,
    to_html,
    write_plotly_asset,
)
from valuelab.reports.params import coerce, fields, read_params_file, table
from valuelab.reports.records import MIME_TYPE, drop_records, read_records, record

__all__ = [
    "BASIC_TRACES",
    "MIME_TYPE",
    "PLOTLY_MIME",
    "BatchResult",
    "Item",
    "KernelWorker",
    "MarkdownText",
    "ReportError",
    "chart_bundle",
    "coerce",
    "drop_records",
    "error_page",
    "escape_markdown",
    "fields",
    "fingerprint",
    "markdown",
    "plotly_bundles",
    "read_params_file",
    "read_records",
    "read_rows",
    "record",
    "referenced_bundles",
    "run_batch",
    "run_pool",
    "script_safe",
    "table",
    "to_html",
    "write_atomic",
    "write_plotly_asset",
]

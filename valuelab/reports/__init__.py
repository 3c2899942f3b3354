"""Reports: parameterized templates rendered to stakeholder HTML.

Parameters, the kernel engine, batches, and the figures a notebook records.
"""

from valuelab.reports.batch import BatchResult, Item, fingerprint, run_batch
from valuelab.reports.engine import (
    PLOTLY_MIME,
    KernelWorker,
    ReportError,
    error_page,
    run_pool,
    to_html,
    write_atomic,
    write_plotly_asset,
)
from valuelab.reports.inputs import read_params_file, read_rows
from valuelab.reports.output import Manifest, check_writable, lock_folder, output_names
from valuelab.reports.params import coerce, fields, table
from valuelab.reports.records import MIME_TYPE, drop_records, read_records, record

__all__ = [
    "MIME_TYPE",
    "PLOTLY_MIME",
    "BatchResult",
    "Item",
    "KernelWorker",
    "Manifest",
    "ReportError",
    "check_writable",
    "coerce",
    "drop_records",
    "error_page",
    "fields",
    "fingerprint",
    "lock_folder",
    "output_names",
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

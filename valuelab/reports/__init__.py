"""Reports: parameterized templates rendered to stakeholder HTML.

Parameters and their input files, the output folder, the kernel engine, HTML
export, batches, and the figures a notebook records.
"""

from valuelab.reports.batch import BatchResult, Item, fingerprint, run_batch
from valuelab.reports.engine import (
    MAX_MEMORY_MB,
    MAX_OUTPUT_MB,
    TIMEOUT,
    KernelWorker,
    ReportError,
    run_pool,
    write_atomic,
)
from valuelab.reports.html import (
    BASIC_TRACES,
    PLOTLY_MIME,
    WIDGET_STATE,
    MarkdownText,
    chart_bundle,
    error_page,
    escape_markdown,
    markdown,
    plotly_bundles,
    referenced_bundles,
    script_safe,
    to_html,
    widget_state,
    write_plotly_asset,
)
from valuelab.reports.inputs import (
    MAX_CSV_BYTES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    load_yaml,
    read_csv,
    read_params_file,
    read_rows,
)
from valuelab.reports.kernels import (
    PRELOAD,
    ForkedProcess,
    ForkProvisioner,
    ForkServer,
    KernelStartError,
    fork_kernel_manager,
    fork_server,
)
from valuelab.reports.output import RESERVED, Manifest, check_writable, lock_folder, output_names
from valuelab.reports.params import TYPES, coerce, fields, parse_parameters, table
from valuelab.reports.records import MIME_TYPE, drop_records, read_records, record

__all__ = [
    "BASIC_TRACES",
    "MAX_CSV_BYTES",
    "MAX_MEMORY_MB",
    "MAX_OUTPUT_MB",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MIME_TYPE",
    "PLOTLY_MIME",
    "PRELOAD",
    "RESERVED",
    "TIMEOUT",
    "TYPES",
    "WIDGET_STATE",
    "BatchResult",
    "ForkProvisioner",
    "ForkServer",
    "ForkedProcess",
    "Item",
    "KernelStartError",
    "KernelWorker",
    "Manifest",
    "MarkdownText",
    "ReportError",
    "chart_bundle",
    "check_writable",
    "coerce",
    "drop_records",
    "error_page",
    "escape_markdown",
    "fields",
    "fingerprint",
    "fork_kernel_manager",
    "fork_server",
    "load_yaml",
    "lock_folder",
    "markdown",
    "output_names",
    "parse_parameters",
    "plotly_bundles",
    "read_csv",
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
    "widget_state",
    "write_atomic",
    "write_plotly_asset",
]

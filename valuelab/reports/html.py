"""Stakeholder HTML of executed reports: no code, charts drawn, nothing from the network.

Charts: inside a kernel plotly's renderer is ``plotly_mimetype``, which
nbconvert cannot draw (the exported page has no chart); :func:`to_html` turns
each plotly output into a ``<div>`` drawn by plotly.js, which is either
inlined once per page (a single shareable file) or referenced from an assets
folder shared by a batch (:func:`write_plotly_asset`), so a report of a few
charts stays well under 1 MB. Nothing is loaded from the network (the
template drops the lab template's RequireJS, MathJax and Mermaid CDN tags).
:func:`error_page` is the page a failed report gets instead.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from valuelab.core import InputError
from valuelab.reports.engine import ReportError, write_atomic
from valuelab.reports.records import drop_records

__all__ = ["PLOTLY_MIME", "error_page", "to_html", "write_plotly_asset"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _plotly_outputs(nb: Any) -> Any:
    """Each plotly output becomes an HTML div drawn by plotly.js (no library inside)."""
    import plotly.io as pio

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PLOTLY_MIME in data:
                fig = data[PLOTLY_MIME]
                div = pio.to_html(
                    fig,
                    include_plotlyjs=False,
                    full_html=False,
                    config=fig.get("config") or {"displaylogo": False},
                )
                out["data"] = {"text/html": div}
    return nb


def to_html(
    nb: Any, plotly_js: str = "inline", title: str | None = None, show_code: bool = False
) -> str:
    """The stakeholder HTML of an executed notebook: no code, charts drawn, offline.

    Parameters
    ----------
    plotly_js : str
        ``"inline"`` writes plotly.js into the page once (a single file);
        otherwise the (relative) URL of plotly.js, e.g. ``"assets/plotly.min.js"``.
    title : str, optional
        The page title (default: the notebook's first heading).
    show_code : bool
        Keep the code cells (the course pages do; reports do not).
    """
    from nbconvert import HTMLExporter
    from plotly.offline import get_plotlyjs

    nb = _plotly_outputs(drop_records(copy.deepcopy(nb)))
    exporter = HTMLExporter(
        template_name="valuelab_report", extra_template_basedirs=[str(_TEMPLATES)]
    )
    if not show_code:
        exporter.exclude_input = exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    if plotly_js == "inline":
        script = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    else:
        script = f'<script src="{html.escape(plotly_js)}"></script>'
    if title is None:
        heads = [
            c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("#")
        ]
        title = heads[0].splitlines()[0].lstrip("# ").strip() if heads else "Report"
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"plotly_script": script})
    return body


def write_plotly_asset(folder: str | Path) -> Path:
    """Write plotly.js once into ``folder`` (skipped when already there); return its path."""
    from plotly.offline import get_plotlyjs

    path = Path(folder) / "plotly.min.js"
    text = get_plotlyjs()
    if not path.exists() or path.stat().st_size != len(text.encode("utf-8")):
        write_atomic(path, text)
    return path


def error_page(template: str, params: Mapping[str, Any], err: BaseException) -> str:
    """A small HTML page saying which report failed, in which cell, and why."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(str(k))}</td><td>{e(repr(v))}</td></tr>" for k, v in params.items())
    if isinstance(err, ReportError):
        what, cell = f"{err.ename}: {err.evalue}", err.cell
    elif isinstance(err, InputError):
        what, cell = str(err), ""
    else:
        what, cell = f"{type(err).__name__}: {err}", ""
    code = f"<h2>The cell that failed</h2><pre>{e(cell)}</pre>" if cell else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Failed: {e(template)}</title><style>body{{font-family:system-ui,sans-serif;"
        "margin:2em;max-width:900px}pre{background:#f6f6f6;padding:1em;overflow:auto}"
        "td{border:1px solid #ddd;padding:2px 8px}table{border-collapse:collapse}</style>"
        f"</head><body><h1>This report failed</h1><p><b>{e(template)}</b></p>"
        f"<table>{rows}</table><h2>Error</h2><pre>{e(_ANSI.sub('', what))}</pre>{code}"
        "</body></html>"
    )

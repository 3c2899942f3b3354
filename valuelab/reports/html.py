"""Stakeholder HTML of executed reports: no code, charts drawn, nothing from the network.

Charts: inside a kernel plotly's renderer is ``plotly_mimetype``, which
nbconvert cannot draw (the exported page has no chart); :func:`to_html` turns
each plotly output into a ``<div>`` drawn by plotly.js, which is either
inlined once per page (a single shareable file) or referenced from an assets
folder shared by a batch (:func:`write_plotly_asset`), so a report of a few
charts stays well under 1 MB. Nothing is loaded from the network (the
template drops the lab template's RequireJS, MathJax and Mermaid CDN tags).
:func:`error_page` is the page a failed report gets instead.

Text: a template writes text that holds data with :func:`markdown`, never
``Markdown(f"...")``: each value is escaped (markupsafe's model: the template
is trusted, the values are not), so an account id ``<img src=x onerror=...>``
shows as text instead of running in the stakeholder's browser.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import markupsafe

from valuelab.core import InputError
from valuelab.reports.engine import ReportError, write_atomic
from valuelab.reports.records import drop_records

__all__ = [
    "BASIC_TRACES",
    "PLOTLY_MIME",
    "WIDGET_STATE",
    "MarkdownText",
    "chart_bundle",
    "error_page",
    "escape_markdown",
    "markdown",
    "plotly_bundles",
    "referenced_bundles",
    "script_safe",
    "to_html",
    "widget_state",
    "write_plotly_asset",
]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


#: ASCII punctuation that is plain text wherever it stands in Markdown; every
#: other punctuation character may start markup (emphasis, links, code, lists,
#: headings, tables, raw HTML, math, autolinks) and is written as a numeric
#: character reference, which CommonMark and HTML both read as the literal
#: character. Line breaks are references too, so a value never starts a block.
_PLAIN = set(",;?%/ ")
_MD_ESCAPES = {
    c: f"&#{ord(c)};"
    for c in [chr(i) for i in range(33, 127)] + ["\n", "\r"]
    if not c.isalnum() and c not in _PLAIN
}
_MD_TABLE = str.maketrans(_MD_ESCAPES)


def escape_markdown(value: Any) -> MarkdownText:
    """``value`` as Markdown that renders to exactly its text (and is safe HTML).

    A value already marked safe (:class:`MarkdownText`, or anything with
    ``__html__``) is kept as it is.

    Examples
    --------
    >>> str(escape_markdown("<b>*A-1*</b>"))
    '&#60;b&#62;&#42;A&#45;1&#42;&#60;/b&#62;'
    """
    return MarkdownText.escape(value)


class MarkdownText(markupsafe.Markup):
    """Markdown whose inserted values are escaped: markupsafe's ``Markup`` for Markdown.

    ``format``, ``%``, ``+`` and ``join`` escape every operand that is not
    already a :class:`MarkdownText`; IPython shows it as Markdown (a cell that
    ends with one displays it). Build one with :func:`markdown`.
    """

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any, /) -> MarkdownText:
        """Escape ``s`` for Markdown (and HTML) unless it is already safe."""
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(str(s).translate(_MD_TABLE))

    def _repr_markdown_(self) -> str:
        return str(self)


def markdown(template: str, /, *args: Any, **values: Any) -> MarkdownText:
    """Report text: ``template`` (trusted Markdown) with ``values`` escaped and formatted.

    ``template`` uses :meth:`str.format` fields, format specs included
    (``{arr:,.0f}``, ``{row[account_id]}``); every value renders as its text,
    whatever characters it holds. Use it wherever text holds data, never
    ``Markdown(f"...")``. Join parts with ``markdown("\\n").join(parts)``.

    Parameters
    ----------
    template : str
        Markdown written by the template's author (not data).
    *args, **values
        The values for the fields.

    Returns
    -------
    MarkdownText
        Shown as Markdown when it ends a cell (or with ``display``).

    Examples
    --------
    >>> str(markdown("**{id}** · ARR {arr:,.0f} EUR", id="<img src=x>", arr=12500.4))
    '**&#60;img src&#61;x&#62;** · ARR 12,500 EUR'
    """
    return MarkdownText(template).format(*args, **values)


def script_safe(js: str) -> str:
    r"""``js`` (script text or JSON whose strings hold data) safe inside ``<script>``.

    ``</`` would end the element and ``<!--`` change how the browser parses it;
    inside a JavaScript or JSON string ``<\/`` and ``\u003c!--`` read the same.

    Examples
    --------
    >>> print(script_safe('{"x": "</script><!--"}'))
    {"x": "<\/script>\u003c!--"}
    """
    return js.replace("</", "<\\/").replace("<!--", "\\u003c!--")


_SCRIPT_OPEN = re.compile(r"<script\b[^>]*>")


def _chart_div(fig: dict[str, Any]) -> str:
    """A plotly output as a div and the script that draws it (plotly.js not included).

    plotly escapes the figure's JSON but not its ``config``: the script's text
    is made safe here (:func:`script_safe`).
    """
    import plotly.io as pio

    div = pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        config=fig.get("config") or {"displaylogo": False},
    )
    opening = _SCRIPT_OPEN.search(div)
    end = div.rfind("</script>")
    if opening is None or end < opening.end():
        raise ValueError("unexpected plotly.io.to_html output: no script")
    return div[: opening.end()] + script_safe(div[opening.end() : end]) + div[end:]


def _plotly_outputs(nb: Any) -> Any:
    """Each plotly output becomes an HTML div drawn by plotly.js (no library inside)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PLOTLY_MIME in data:
                out["data"] = {"text/html": _chart_div(data[PLOTLY_MIME])}
    return nb


#: Trace types the small plotly.js bundle (``plotly-basic``) draws.
BASIC_TRACES = frozenset({"bar", "pie", "scatter"})
_STATIC = Path(__file__).resolve().parent / "static"


def plotly_bundles() -> dict[str, Path]:
    """The plotly.js bundles, by file name (the version in the name): basic first, then full.

    ``plotly-basic-<version>.min.js`` (1.2 MB: bar, pie, scatter) is vendored
    in ``valuelab/reports/static/`` (npm ``plotly.js-basic-dist-min``, MIT,
    licence in ``PLOTLY-LICENSE`` beside it); ``plotly-<version>.min.js``
    (4.8 MB, every trace type) is the bundle inside the plotly Python package.

    Examples
    --------
    >>> [name.split("-")[1] for name in plotly_bundles()]
    ['basic', '4.1.1.min.js']
    """
    import plotly
    from plotly.offline import get_plotlyjs_version

    version = get_plotlyjs_version()
    return {
        f"plotly-basic-{version}.min.js": _STATIC / f"plotly-basic-{version}.min.js",
        f"plotly-{version}.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    }


def chart_bundle(nb: Any) -> str | None:
    """The file name of the smallest plotly.js bundle that draws every chart in ``nb``.

    None when ``nb`` has no chart; the basic bundle when every trace is
    of :data:`BASIC_TRACES`; else the full one.
    """
    types = {
        trace.get("type", "scatter")
        for cell in nb.cells
        for out in cell.get("outputs", [])
        for trace in out.get("data", {}).get(PLOTLY_MIME, {}).get("data", [])
    }
    charts = any(PLOTLY_MIME in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    if not charts:
        return None
    basic, full = plotly_bundles()
    return basic if types <= BASIC_TRACES else full


def referenced_bundles(page: str) -> list[str]:
    """The plotly.js bundles a page made with ``to_html(..., assets=...)`` loads, by file name."""
    names = plotly_bundles()
    found = re.findall(r'<script src="[^"]*?/?([\w.-]+\.js)"></script>', page)
    return [name for name in dict.fromkeys(found) if name in names]


def _head_scripts(nb: Any, assets: str | None) -> str:
    """The page's scripts: the plotly.js bundle its charts need (inline or from ``assets``)."""
    bundle = chart_bundle(nb)
    if bundle is None:
        return ""
    if assets is None:
        return _inline_js(plotly_bundles()[bundle].read_text(encoding="utf-8"), bundle)
    url = f"{assets.rstrip('/')}/{quote(bundle)}" if assets else quote(bundle)
    return f'<script src="{html.escape(url)}"></script>'


#: Where nbclient keeps the widgets' state in an executed notebook's metadata.
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _inline_js(js: str, name: str) -> str:
    if re.search(r"</script|<!--", js, flags=re.IGNORECASE):  # would end the element
        raise ValueError(f"{name} cannot be inlined: it holds </script or <!--")
    return f'<script type="text/javascript">{js}</script>'


def widget_state(nb: Any) -> dict[str, Any]:
    """The widget models saved in an executed notebook (empty when it has none)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    return state.get("state", {}) if isinstance(state, dict) else {}


def _widgets_script(nb: Any) -> str:
    """The bundled widget manager (``static/widgets.js``, ``make widgets``) and its styles.

    Only for a notebook holding widget state: it draws the saved widgets
    offline (@jupyter-widgets/html-manager's embed script, nothing from a CDN).
    """
    if not widget_state(nb):
        return ""
    css = (_STATIC / "widgets.css").read_text(encoding="utf-8")
    if "</style" in css.lower():
        raise ValueError("widgets.css cannot be inlined: it holds </style")
    js = (_STATIC / "widgets.js").read_text(encoding="utf-8")
    return f"<style>{css}</style>{_inline_js(js, 'widgets.js')}"


def to_html(
    nb: Any, assets: str | None = None, title: str | None = None, show_code: bool = False
) -> str:
    """The stakeholder HTML of an executed notebook: no code, charts drawn, offline.

    A page carries plotly.js only when it has charts, and then the smallest
    bundle that draws them (:func:`chart_bundle`); and the widget manager only
    when it holds widgets (ipywidgets, tqdm bars), drawn offline from their
    saved state. Headings carry no "¶" anchor link (nbconvert's
    ``exclude_anchor_links``): a stakeholder reads a page, not a notebook.

    Parameters
    ----------
    assets : str, optional
        None writes the bundle into the page (a single file); otherwise the
        (relative) URL of a folder holding it (:func:`write_plotly_asset`,
        :func:`referenced_bundles`), e.g. ``"assets"``.
    title : str, optional
        The page title (default: the notebook's first heading).
    show_code : bool
        Keep the code cells (the course pages do; reports do not).
    """
    from nbconvert import HTMLExporter

    nb = drop_records(copy.deepcopy(nb))
    script = _head_scripts(nb, assets)
    nb = _plotly_outputs(nb)
    exporter = HTMLExporter(
        template_name="valuelab_report",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_anchor_links=True,  # no "¶" after each heading (nbconvert's markdown2html)
    )
    exporter.register_filter("script_safe", script_safe)
    if not show_code:
        exporter.exclude_input = exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    if title is None:
        heads = [
            c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("#")
        ]
        title = heads[0].splitlines()[0].lstrip("# ").strip() if heads else "Report"
    nb.metadata["title"] = title
    resources = {"plotly_script": script, "widgets_script": _widgets_script(nb)}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def write_plotly_asset(folder: str | Path, name: str) -> Path:
    """Copy the bundle ``name`` (see :func:`plotly_bundles`) into ``folder`` once; its path.

    Skipped when a file of the same size is there; written atomically, so
    workers may call it at the same time.
    """
    source = plotly_bundles()[name]
    path = Path(folder) / name
    if not path.exists() or path.stat().st_size != source.stat().st_size:
        write_atomic(path, source.read_text(encoding="utf-8"))
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

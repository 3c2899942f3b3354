"""The report launcher app: pick a template, fill its form, get the report.

The form is generated from the template's ``parameters`` cell (the names,
inferred types, defaults and ``# help`` comments that
``papermill.inspect_notebook`` reads), so a new template needs no app code.
Values are checked and coerced before any kernel starts; the report is
executed headless by the report engine (a fresh kernel, with the server's
memory and time limits) and offered as a standalone HTML download (no code
cells, interactive charts that work offline).

Visitors never name a file or a URL: a parameter that names data (``source``,
``*_source``, ``*_file``: :func:`is_data_parameter`) is a dropdown of the data
sources the operator configured for ``valuelab serve`` (shown by name,
:func:`valuelab.apps.kit.served.operator_sources`) plus the template's default.
A report that fails shows a generic message with an error id; its error (which
may quote the data) goes to the server log. One report at a time per visitor.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.apps.kit import served
from valuelab.core import InputError, shipped
from valuelab.reports import coerce, fields

__all__ = [
    "DEFAULT_SOURCE",
    "REPORTS",
    "build_app",
    "coerce",
    "fields",
    "is_data_parameter",
    "is_mapping_parameter",
    "render",
    "templates",
]

#: The folder of report templates the launcher offers (the checkout's, else the installed copy).
REPORTS = shipped("reports")
#: The dropdown label of a data parameter's own default (the template's sample).
DEFAULT_SOURCE = "The template's own data"


def is_data_parameter(spec: dict[str, Any]) -> bool:
    """Whether a parameter names data (a file, a glob, a URL or a connection).

    Such a parameter is a text parameter called ``source``, ``*_source`` or
    ``*_file``; the launcher offers the operator's sources for it, never a text box.

    Examples
    --------
    >>> is_data_parameter({"name": "accounts_file", "type": "str"})
    True
    >>> is_data_parameter({"name": "customer_id", "type": "str"})
    False
    """
    name = spec["name"]
    named = name == "source" or name.endswith(("_source", "_file"))
    return named and spec["type"] == "str"


def is_mapping_parameter(spec: dict[str, Any]) -> bool:
    """Whether a parameter names a mapping file (``mapping``, ``*_mapping``).

    A visitor never sets one: it is a path on the server, so the launcher shows
    no field for it and runs the template with its default (the sources the
    operator offers are in the template's own layout).

    Examples
    --------
    >>> is_mapping_parameter({"name": "inputs_mapping", "type": "str"})
    True
    """
    return spec["name"] == "mapping" or spec["name"].endswith("_mapping")


def templates(folder: str | Path = REPORTS) -> dict[str, str]:
    """Report templates in ``folder``: file name -> title.

    Examples
    --------
    >>> templates()["spotify_year.ipynb"]
    'Spotify: one year in figures'
    """
    from valuelab.course import notebook_title

    return {p.name: notebook_title(p)[0] for p in sorted(Path(folder).glob("*.ipynb"))}


def render(
    template: str | Path, params: dict[str, Any], timeout: int = 300, max_memory_mb: int = 8192
) -> str:
    """Execute a template with ``params``; the stakeholder HTML (no code) as a string.

    The page is a single file: plotly.js is inlined once, so it opens offline.

    Raises
    ------
    InputError
        Unknown or mistyped parameters (before any kernel starts), or a cell
        of the template failed (the message names the error).
    """
    from valuelab.reports import KernelWorker, ReportError, to_html

    template = Path(template)
    params = coerce(fields(template), params, template.name)
    try:
        with KernelWorker(timeout=timeout, max_memory_mb=max_memory_mb) as worker:
            nb = worker.run(template, params)
    except ReportError as err:
        raise InputError(
            f"the report failed: {err.ename}: {err.evalue}", source=template.name
        ) from None
    return to_html(nb)


def _widget(spec: dict[str, Any], sources: list[str]) -> w.Widget:
    kind, default, label = spec["type"], spec["default"], spec["name"]
    style = {"description_width": "initial"}
    tip = spec["help"] or label
    if is_data_parameter(spec):  # a name from the operator's list, never a path
        options = [(DEFAULT_SOURCE, ""), *((name, name) for name in sources)]
        return w.Dropdown(options=options, value="", description=label, tooltip=tip, style=style)
    if kind == "bool":
        return w.Checkbox(value=bool(default), description=label, tooltip=tip, style=style)
    if kind == "int":
        return w.IntText(value=int(default), description=label, tooltip=tip, style=style)
    if kind == "float":
        return w.FloatText(value=float(default), description=label, tooltip=tip, style=style)
    text = "" if default is None else str(default)
    return w.Text(value=text, description=label, tooltip=tip, style=style)


def _help_html(specs: list[dict[str, Any]]) -> str:
    """The parameters of a template with their types and help, as a list."""
    items = "".join(
        f"<li><code>{html.escape(s['name'])}</code> ({s['type']}): "
        f"{html.escape(s['help'] or '–')}</li>"
        for s in specs
    )
    return f"<ul class='vl-help'>{items}</ul>"


def _download_html(template: str, params: dict[str, Any], body: str) -> str:
    """A download link for a rendered report, named after the template and its parameters."""
    slug = "_".join(str(v) for v in params.values() if str(v) != "")
    name = f"{Path(template).stem}_{slug}.html".replace(" ", "_")
    data = base64.b64encode(body.encode("utf-8")).decode("ascii")
    return (
        f'<a class="vl-download" download="{html.escape(name)}" '
        f'href="data:text/html;base64,{data}">⬇ Download {html.escape(name)}</a>'
    )


def _chosen(specs: list[dict[str, Any]], shown: dict[str, Any], sources: dict[str, str]) -> dict:
    """The parameters to run with: a data parameter's source name becomes its target."""
    params = {}
    for spec in specs:
        if is_mapping_parameter(spec):  # a server path: never the visitor's
            params[spec["name"]] = spec["default"]
            continue
        value = shown[spec["name"]]
        if is_data_parameter(spec):
            if value and value not in sources:
                raise InputError(
                    f"{spec['name']}: unknown source", expected="one of the sources listed"
                )
            value = sources[value] if value else spec["default"]
        params[spec["name"]] = value
    return params


def _make(template: Path, params: dict[str, Any]) -> str:
    """Render one report for a visitor: one at a time; a failure logged, shown only by id."""
    with served.one_at_a_time("report"):
        try:
            return render(template, params, **served.report_limits())
        except Exception as err:  # its text may quote the data: the log has it
            error_id = served.log_error(f"report {template.name} failed", err)
            raise InputError(
                f"the report could not be made (error id {error_id}; the server's log "
                "has the details)",
                source=template.name,
            ) from None


def build_app(report: str = "", folder: str | Path = REPORTS) -> w.Widget:
    """The launcher: template dropdown, a generated form, Run, download link.

    ``report`` is the template file name to start with (URL ``?report=...``).
    """
    choices = templates(folder)
    if not choices:
        raise InputError("no report templates", source=str(folder), expected="*.ipynb files")
    picker = w.Dropdown(
        options=[(title, name) for name, title in choices.items()],
        value=report if report in choices else next(iter(choices)),
        description="Report",
    )
    form = w.VBox()
    helps = w.HTML()
    run = w.Button(description="Run report", button_style="primary", icon="play")
    status = w.HTML()
    errors = kit.ErrorPanel()
    download = w.HTML()
    state: dict[str, Any] = {}
    sources = served.operator_sources()

    def show_form(*_: object) -> None:
        with errors.guard():
            specs = fields(Path(folder) / picker.value)
            state["specs"] = specs
            state["widgets"] = {
                s["name"]: _widget(s, list(sources)) for s in specs if not is_mapping_parameter(s)
            }
            form.children = list(state["widgets"].values())
            helps.value = _help_html([s for s in specs if not is_mapping_parameter(s)])
            download.value = ""

    def on_run(_: object) -> None:
        run.disabled = True
        download.value = ""
        status.value = "<p>⏳ Rendering the report…</p>"
        with errors.guard():
            shown = {k: wid.value for k, wid in state["widgets"].items()}
            template = Path(folder) / picker.value
            params = coerce(state["specs"], _chosen(state["specs"], shown, sources), template.name)
            body = _make(template, params)
            download.value = _download_html(picker.value, shown, body)
        status.value = "" if errors.message else "<p>✅ Report ready.</p>"
        run.disabled = False

    picker.observe(show_form, names="value")
    run.on_click(on_run)
    show_form()
    return kit.page(
        "Report launcher",
        "Pick a report, fill in its parameters, run it and download the HTML.",
        [picker, form, run],
        [errors, status, download, helps],
    )

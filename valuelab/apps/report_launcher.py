"""The report launcher app: pick a template, fill its form, get the report.

The form is generated from the template's ``parameters`` cell (the names,
inferred types, defaults and ``# help`` comments that
``papermill.inspect_notebook`` reads), so a new template needs no app code.
Values are checked and coerced before any kernel starts; the report is
executed headless and offered as a standalone HTML download (no code cells,
interactive charts that work offline).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.core import InputError, shipped
from valuelab.reports import coerce, fields

__all__ = ["REPORTS", "build_app", "coerce", "fields", "render", "templates"]

#: The folder of report templates the launcher offers (the checkout's, else the installed copy).
REPORTS = shipped("reports")


def templates(folder: str | Path = REPORTS) -> dict[str, str]:
    """Report templates in ``folder``: file name -> title.

    Examples
    --------
    >>> templates()["spotify_year.ipynb"]
    'Spotify: one year in figures'
    """
    from valuelab.course import notebook_title

    return {p.name: notebook_title(p)[0] for p in sorted(Path(folder).glob("*.ipynb"))}


def render(template: str | Path, params: dict[str, Any], timeout: int = 300) -> str:
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
        with KernelWorker(timeout=timeout) as worker:
            nb = worker.run(template, params)
    except ReportError as err:
        raise InputError(
            f"the report failed: {err.ename}: {err.evalue}", source=template.name
        ) from None
    return to_html(nb)


def _widget(spec: dict[str, Any]) -> w.Widget:
    kind, default, label = spec["type"], spec["default"], spec["name"]
    style = {"description_width": "initial"}
    tip = spec["help"] or label
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
    slug = "_".join(str(v) for v in params.values())
    name = f"{Path(template).stem}_{slug}.html".replace(" ", "_")
    data = base64.b64encode(body.encode("utf-8")).decode("ascii")
    return (
        f'<a class="vl-download" download="{html.escape(name)}" '
        f'href="data:text/html;base64,{data}">⬇ Download {html.escape(name)}</a>'
    )


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

    def show_form(*_: object) -> None:
        with errors.guard():
            specs = fields(Path(folder) / picker.value)
            state["specs"] = specs
            state["widgets"] = {s["name"]: _widget(s) for s in specs}
            form.children = list(state["widgets"].values())
            helps.value = _help_html(specs)
            download.value = ""

    def on_run(_: object) -> None:
        run.disabled = True
        download.value = ""
        status.value = "<p>⏳ Rendering the report…</p>"
        with errors.guard():
            params = {k: wid.value for k, wid in state["widgets"].items()}
            body = render(Path(folder) / picker.value, params)
            download.value = _download_html(picker.value, params, body)
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

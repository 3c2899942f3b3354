"""The report launcher app: pick a template, fill its form, get the report.

The form is generated from the template's ``parameters`` cell (the names,
inferred types, defaults and ``# help`` comments that
``papermill.inspect_notebook`` reads), so a new template needs no app code.
Values are checked and coerced before any kernel starts, by the rule the CLI
uses (:func:`valuelab.reports.coerce`: types, choices, declared bounds, an
emptied field is "required"); a number is typed in a text box, so the check
reads (and a refusal quotes) the visitor's own text, never the number a
browser made of it (``2016.5`` cut to 2016, 23 digits rounded). The report is
executed headless by the report engine (a fresh kernel, with the server's
memory and time limits) and offered as a standalone HTML download (no code
cells, interactive charts that work offline).

Visitors never name a file or a URL: a parameter that names data (``source``,
``*_source``, ``*_file``: :func:`is_data_parameter`) is a dropdown of the data
sources the operator configured for ``valuelab serve`` (shown by name,
:func:`valuelab.apps.kit.served.operator_sources`) plus the template's default.
A report that fails shows a generic message with an error id; its error (which
may quote the data) goes to the server log. One report at a time per visitor.

Each field is labelled in a person's words from the parameter's ``# help``
(:func:`valuelab.reports.params.describe`: "fiscal year to report (2016-2024)"
is the field "Fiscal year" with the help under it), and a parameter whose help
declares ``one of: a, b, c`` is a dropdown of those choices. What a visitor is
told is plain words: no file name, exception class or traceback (the error id
names the server log's entry for the operator). A value refused — by the form's
check (types, choices, bounds) or by the template's cell (an unknown account,
an event the data lacks: an :class:`~valuelab.core.InputError` naming its parameter)
— is told by the field's label and the visitor's own value, escaped and cut
when long, never by the error's text, which may quote the data
(:meth:`~valuelab.core.InputError.public_message`): "Account: no account
“ZZZ9”. Check the value and try again." A download is named by
:func:`valuelab.reports.report_file_name` (letters, digits, ``-``, ``_``).
"""

from __future__ import annotations

import base64
import html
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.apps.kit import served
from valuelab.core import InputError, parse_bool, shipped
from valuelab.reports import coerce, fields, report_file_name

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
#: Seconds after a report (one that took a second or more) during which Run clicks are dropped:
#: ipywidgets delivers clicks sent while the button was disabled once it is enabled again, so a
#: script clicking during a render would otherwise queue one report after another.
QUIET_AFTER = 2.0
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
        of the template failed (the message names the error; the
        :class:`~valuelab.reports.ReportError` is its ``__cause__``).
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
        ) from err
    return to_html(nb)


#: The help under a data field: a visitor picks a source by name, never a file.
_DATA_HELP = "Pick one of the data sources this server offers."
#: The help under each field: under its input beside the label, under both on a phone.
_CSS = f"""<style>
.vl-field {{margin: 0 0 6px 0;}}
.vl-field-help {{font-size: 12px; color: #555; line-height: 1.3; overflow-wrap: anywhere;
                 margin: 0 0 2px calc(var(--jp-widgets-inline-label-width) + 8px);}}
@media (max-width: {kit.NARROW_PX}px) {{.vl-field-help {{margin-left: 2px;}}}}
.vl-ready::before {{content: ""; display: inline-block; width: 5px; height: 11px;
                    margin: 0 9px 2px 3px; border: solid #1a7f37; border-width: 0 3px 3px 0;
                    transform: rotate(45deg);}}
</style>"""
#: The status lines: plain text and a mark drawn in CSS (an emoji is an empty box without an
#: emoji font, as in Debian's Chromium).
_MAKING = '<p class="vl-making">Making the report…</p>'
_READY = '<p class="vl-ready">Report ready.</p>'


def _control(spec: dict[str, Any], sources: list[str]) -> w.Widget:
    """The input of one parameter, described by its label."""
    kind, default = spec["type"], spec["default"]
    label, tip = spec["label"], spec["description"] or spec["label"]
    common = {"description": label, "tooltip": tip}
    if is_data_parameter(spec):  # a name from the operator's list, never a path
        options = [(DEFAULT_SOURCE, ""), *((name, name) for name in sources)]
        return w.Dropdown(options=options, value="", **common)
    if spec.get("choices"):
        options = [(_choice_words(c), c) for c in spec["choices"]]
        value = default if default in spec["choices"] else spec["choices"][0]
        return w.Dropdown(options=options, value=value, **common)
    if kind == "bool":
        return w.Checkbox(value=bool(default), **common)
    # numbers too are text boxes: what the visitor typed reaches the form's check as typed
    # ("2016.5", "-1e3", "", 23 digits), never as the browser's number (IntText truncates,
    # rounds to a double and keeps the last value of an emptied box), so the one rule of
    # valuelab.reports.coerce refuses what the CLI refuses and quotes the visitor's own text
    text = "" if default is None else str(default)
    return w.Text(value=text, **common)


def _choice_words(choice: object) -> str:
    """A choice as a person reads it: ``"penalize"`` -> ``"Penalize"``."""
    words = str(choice).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if isinstance(choice, str) else words


def _field(spec: dict[str, Any], sources: list[str]) -> tuple[w.Widget, w.Widget]:
    """A parameter's input (labelled) and the box that shows it with its help under it."""
    control = _control(spec, sources)
    words = _DATA_HELP if is_data_parameter(spec) else spec["description"]
    parts = [control]
    if words:
        parts.append(w.HTML(f'<div class="vl-field-help">{html.escape(words)}</div>'))
    box = w.VBox(parts)
    box.add_class("vl-field")
    return control, box


def _download_html(template: str, params: dict[str, Any], body: str) -> str:
    """A download link for a rendered report, named after the template and its parameters.

    The name is :func:`valuelab.reports.report_file_name`'s (letters, digits, ``-``, ``_``):
    markup or a path in a value never reaches it.
    """
    name = report_file_name(template, params)
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
                label = spec.get("label", spec["name"])
                raise InputError(f"{label}: pick one of the data sources listed")
            value = sources[value] if value else spec["default"]
        params[spec["name"]] = value
    return params


def _form(template: Path, sources: dict[str, str]) -> tuple[list, dict[str, w.Widget], list]:
    """A template's parameters, their inputs by name, and the boxes of the form.

    Raises
    ------
    InputError
        In plain words, when the template's parameters cannot be read (the
        operator's log has why, under the error id given).
    """
    try:
        specs = fields(template)
    except Exception as err:  # a template's own mistake: the operator's log has it
        error_id = served.log_error(f"the form of {template.name} failed", err)
        raise InputError(
            "This report's form could not be made. Pick another report, or give this "
            f"error id to the server's operator: {error_id}."
        ) from None
    made = {s["name"]: _field(s, list(sources)) for s in specs if not is_mapping_parameter(s)}
    return specs, {k: c for k, (c, _) in made.items()}, [box for _, box in made.values()]


def _labels(specs: list[dict[str, Any]]) -> dict[str, str]:
    """Each field's label by parameter name (a mapping parameter has no field)."""
    return {s["name"]: s.get("label", s["name"]) for s in specs if not is_mapping_parameter(s)}


def _told(err: InputError, specs: list[dict[str, Any]], shown: dict[str, Any]) -> str | None:
    """``err`` for the visitor: each refused field's label and *their* value, else ``None``.

    ``None`` when a problem names no parameter or one without a field: only a
    generic message is safe then (the error's own text may quote the data).
    """
    labels = _labels(specs)
    parts = err.problems or [err]
    if not parts or any(p.parameter not in labels for p in parts):
        return None
    return err.public_message(labels, shown)


def _checked(
    specs: list[dict[str, Any]], params: dict[str, Any], shown: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``params`` converted to their types; one plain message naming each field that is not.

    ``shown`` holds the values as the visitor gave them (a data source by its
    name, not its target); the message quotes those (default: ``params``).

    Raises
    ------
    InputError
        "Number of accounts: “ten” is not a whole number. Check the value and
        try again." (each refused field's label and the visitor's value).
    """
    given = [s for s in specs if s["name"] in params]
    try:
        return coerce(given, {s["name"]: params[s["name"]] for s in given}, "the form")
    except InputError as err:
        told = _told(err, specs, shown if shown is not None else params)
        raise InputError(told or "These values cannot be used. Check them and try again.") from None


#: What a visitor is told after a report failed, by the kind of failure.
_KINDS = {
    "limit": "The report ran past this server's time or memory limit.",
    "values": "The report could not be made with these values. Check them and run it again.",
    "busy": "The server could not make the report just now (it may be busy): try again soon.",
}


def _failed(
    error_id: str,
    err: BaseException,
    specs: list[dict[str, Any]] | None = None,
    shown: dict[str, Any] | None = None,
) -> str:
    """What a visitor is told of a report that failed (the log has the error).

    A report that refused a parameter (its cell raised an :class:`InputError`
    naming it) names the field and the visitor's own value, and only that (a
    mistyped value is the visitor's to fix); any other failure is told by its
    kind and the error id of the log's entry.
    """
    cause = err.__cause__
    ename = getattr(cause, "ename", "")
    refused = getattr(cause, "refused", [])
    told = _told(InputError(problems=refused), specs or [], shown or {}) if refused else None
    if told:  # the visitor's own value, refused: theirs to fix, nothing for the operator
        return told
    if ename in ("TimeoutError", "DeadKernelError", "OutputLimitError"):
        what = _KINDS["limit"]
    elif isinstance(err, InputError) and ename != "KernelStartError":
        what = _KINDS["values"]
    else:
        what = _KINDS["busy"]
    return f"{what} If it keeps failing, give this error id to the server's operator: {error_id}."


def _make(
    template: Path, params: dict[str, Any], specs: list[dict[str, Any]], shown: dict[str, Any]
) -> str:
    """Render one report for a visitor: one at a time; a failure logged, shown only by id."""
    started = False
    try:
        with served.one_at_a_time("report"):
            started = True
            try:
                return render(template, params, **served.report_limits())
            except Exception as err:  # its text may quote the data: the log has it
                error_id = served.log_error(f"report {template.name} failed", err)
                raise InputError(_failed(error_id, err, specs, shown)) from None
    except InputError:
        if started:
            raise
        raise InputError(
            "Your previous report is still being made: one report at a time. "
            "Run this one when it is ready."
        ) from None


def _fill(widgets: Mapping[str, w.Widget], values: Mapping[str, str]) -> None:
    """Set the form's fields from a link's text; a value a field cannot take is left out.

    A text box takes the text as it is (the form's check reads it at Run), a
    dropdown one of its own values, a checkbox a true or false word.
    """
    for name, text in values.items():
        field = widgets.get(name)
        if isinstance(field, w.Text):
            field.value = str(text)
        elif isinstance(field, w.Checkbox):
            try:
                field.value = parse_bool(text)
            except ValueError:
                continue
        elif isinstance(field, w.Dropdown):
            match = [v for v in _option_values(field) if str(v) == str(text)]
            if match:
                field.value = match[0]


def _option_values(dropdown: w.Dropdown) -> list[Any]:
    return [o[1] if isinstance(o, tuple) else o for o in dropdown.options]


def _link(picker: w.Dropdown, widgets: Mapping[str, w.Widget]) -> dict[str, Any]:
    """The address of the view: the report and each field's value (an empty one left out)."""
    shown = {k: wid.value for k, wid in widgets.items()}
    return {"report": picker.value, **{k: "" if v is None else v for k, v in shown.items()}}


def _picker(folder: str | Path, report: str) -> w.Dropdown:
    """The report dropdown, at ``report`` when the folder has it (else the first).

    Raises
    ------
    InputError
        When ``folder`` holds no template.
    """
    choices = templates(folder)
    if not choices:
        raise InputError("no report templates", source=str(folder), expected="*.ipynb files")
    return w.Dropdown(
        options=[(title, name) for name, title in choices.items()],
        value=report if report in choices else next(iter(choices)),
        description="Report",
    )


def build_app(
    report: str = "", folder: str | Path = REPORTS, values: Mapping[str, str] | None = None
) -> w.Widget:
    """The launcher: template dropdown, a generated form, Run, download link.

    ``report`` is the template file name to start with (URL ``?report=...``)
    and ``values`` its fields' values as a link gives them (the URL's other
    parameters, ``?report=customer_scorecard.ipynb&customer_id=A0002``). The
    page's address follows the report and the fields, so reloading it or
    sharing it opens the same form, filled in; a report is made only on Run.
    """
    picker = _picker(folder, report)
    form = w.VBox()
    run = w.Button(description="Run report", button_style="primary", icon="play")
    status = w.HTML()
    errors = kit.ErrorPanel()
    download = w.HTML()
    state: dict[str, Any] = {}
    sources = served.operator_sources()

    def show_form(*_: object) -> None:
        download.value = ""
        with errors.guard():
            state.update(specs=[], widgets={})
            form.children = []
            specs, state["widgets"], form.children = _form(Path(folder) / picker.value, sources)
            state["specs"] = specs
            if picker.value == report:  # the link's report: its values (once)
                _fill(state["widgets"], values or {})

    def on_run(_: object) -> None:
        if time.monotonic() < state.get("quiet_until", 0.0):
            return  # a click queued while the last report was made (the button was disabled)
        run.disabled, started = True, time.monotonic()
        download.value = ""
        status.value = _MAKING
        with errors.guard():
            shown = {k: wid.value for k, wid in state["widgets"].items()}
            template = Path(folder) / picker.value
            params = _checked(state["specs"], _chosen(state["specs"], shown, sources), shown)
            body = _make(template, params, state["specs"], shown)
            download.value = _download_html(picker.value, shown, body)
        if time.monotonic() - started >= 1.0:  # a real render, long enough for clicks to queue
            state["quiet_until"] = time.monotonic() + QUIET_AFTER
        status.value = "" if errors.message else _READY
        run.disabled = False

    picker.observe(show_form, names="value")
    run.on_click(on_run)
    show_form()
    report = ""  # a report picked later starts from its defaults
    address = kit.AddressBar(lambda: _link(picker, state["widgets"]), [picker, form])
    return kit.page(
        "Report launcher",
        "Pick a report, fill in its parameters, run it and download the HTML.",
        [w.HTML(_CSS, layout=w.Layout(display="none")), picker, form, run, address],
        [errors, status, download],
    )

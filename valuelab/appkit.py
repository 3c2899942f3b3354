"""The shared kit every stakeholder app is built from.

An app module (``valuelab/app_<topic>.py``) exposes ``build_app(**initial)``
and composes these pieces, so that every app looks and behaves the same:

- :func:`page` — title, one-line purpose, a column of controls and a body;
- :class:`KpiCards` — a row of KPI cards, each with its value, unit and the
  change against a baseline;
- :class:`ParamSliders` — sliders bound to a model's parameters, read and
  set as one dict;
- :class:`ErrorPanel` — a friendly message instead of a traceback
  (``with panel.guard(): ...``);
- :func:`debounced` — coalesces a burst of widget events (a dragged slider,
  a held arrow key) into one recomputation;
- :class:`FigureBox` — shows a plotly figure, replacing the previous one in a
  single update (no flicker, no growing output);
- :class:`SaveReport` — "Save as report": the current view (parameters,
  cards, interactive charts) as a standalone HTML file to download;
- :func:`url_params` — the app's starting state from the page URL
  (``?customer_id=C042``), so a view can be shared as a link; :func:`launch`
  builds the app before the request (preheated kernels) and applies them.

Examples
--------
>>> parse_query("customer_id=C042&weeks=6&bogus=1", {"customer_id": "C001", "weeks": 4})
({'customer_id': 'C042', 'weeks': 6}, [])
>>> format_value(1234.5, "EUR", ",.0f")
'1,234 EUR'
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as w

from valuelab.errors import ValueLabError

__all__ = [
    "BASIC_TRACES",
    "CHARTS_ENV",
    "CSS",
    "RESERVED_QUERY_NAMES",
    "ErrorPanel",
    "FigureBox",
    "KpiCards",
    "ParamSliders",
    "SaveReport",
    "chart_html",
    "debounced",
    "format_value",
    "launch",
    "page",
    "parse_query",
    "snapshot_html",
    "url_params",
]

#: URL parameters Voila itself reads (page template and theme).
RESERVED_QUERY_NAMES = frozenset({"template", "theme"})

#: Styles shared by all apps (cards, error panel, header).
CSS = """
<style>
.vl-header h2 {margin: 0 0 2px 0;}
.vl-header p {margin: 0 0 10px 0; color: #555;}
.vl-kpi {border: 1px solid #ddd; border-radius: 6px; padding: 6px 12px; min-width: 150px;
         background: #fafafa;}
.vl-kpi-label {font-size: 12px; color: #555;}
.vl-kpi-value {font-size: 22px; font-weight: 600;}
.vl-kpi-delta {font-size: 12px;}
.vl-up {color: #1b7f3b;} .vl-down {color: #b3261e;} .vl-flat {color: #555;}
.vl-error {border-left: 4px solid #b3261e; background: #fdecea; padding: 8px 12px;
           color: #5f2120;}
.vl-controls .widget-label {min-width: 11ex;}
.vl-cards {gap: 8px;} .vl-controls {gap: 4px; --jp-widgets-inline-width: 100%;}
.vl-body {gap: 8px; padding-left: 16px;}
</style>
"""


def format_value(value: float | None, unit: str = "", fmt: str = ",.2f") -> str:
    """A number with its unit for display; ``"–"`` when there is no value.

    Examples
    --------
    >>> format_value(0.1234, "%", ".1%")
    '12.3%'
    >>> format_value(None, "EUR")
    '–'
    """
    if value is None or value != value:  # None or NaN
        return "–"
    text = format(value, fmt)
    if not unit or (unit == "%" and text.endswith("%")):
        return text
    return f"{text} {unit}"


class KpiCards(w.HBox):
    """A row of KPI cards: label, value with unit, change vs a baseline.

    Parameters
    ----------
    specs : mapping
        ``key -> (label, unit, fmt)``; ``fmt`` is a format spec such as
        ``",.0f"`` or ``".1%"`` (a share 0-1 shown in percent).

    Notes
    -----
    Each card is an HTML widget whose root element has the class ``vl-kpi``
    and the attribute ``data-kpi="<key>"``; the value is in ``.vl-kpi-value``
    and the change in ``.vl-kpi-delta`` (class ``vl-up``, ``vl-down`` or
    ``vl-flat``). :attr:`values` holds the last numbers shown.

    Examples
    --------
    >>> cards = KpiCards({"revenue": ("Revenue", "EUR", ",.0f")})
    >>> cards.update({"revenue": 1100.0}, baseline={"revenue": 1000.0})
    >>> cards.values
    {'revenue': 1100.0}
    >>> "+10.0 %" in cards.cards["revenue"].value
    True
    """

    def __init__(self, specs: Mapping[str, tuple[str, str, str]]) -> None:
        self.specs = dict(specs)
        self.cards = {key: w.HTML() for key in self.specs}
        self.values: dict[str, float] = {}
        super().__init__(list(self.cards.values()), layout=w.Layout(flex_flow="row wrap"))
        self.add_class("vl-cards")

    def update(
        self,
        values: Mapping[str, float],
        baseline: Mapping[str, float] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Show ``values`` (and their change vs ``baseline``, when given).

        ``labels`` replaces card labels (e.g. "Revenue in 2021").
        """
        for key, card in self.cards.items():
            label, unit, fmt = self.specs[key]
            if labels and key in labels:
                label = labels[key]
                self.specs[key] = (label, unit, fmt)
            value = values.get(key)
            delta = ""
            base = None if baseline is None else baseline.get(key)
            if value is not None and base is not None:
                delta = _delta_html(float(value), float(base))
            card.value = (
                f'<div class="vl-kpi" data-kpi="{html.escape(key)}">'
                f'<div class="vl-kpi-label">{html.escape(label)}</div>'
                f'<div class="vl-kpi-value">{html.escape(format_value(value, unit, fmt))}</div>'
                f'<div class="vl-kpi-delta {delta[0] if delta else "vl-flat"}">'
                f"{html.escape(delta[1]) if delta else '&nbsp;'}</div></div>"
            )
            if value is not None:
                self.values[key] = float(value)


def _delta_html(value: float, base: float) -> tuple[str, str]:
    diff = value - base
    css = "vl-flat" if abs(diff) < 1e-12 else ("vl-up" if diff > 0 else "vl-down")
    if base == 0:
        return css, f"{diff:+,.2f} vs baseline"
    return css, f"{diff / abs(base) * 100:+.1f} % vs baseline"


class ErrorPanel(w.HTML):
    """A friendly message panel for invalid input; hidden while there is no error.

    Examples
    --------
    >>> from valuelab.errors import InputError
    >>> panel = ErrorPanel()
    >>> with panel.guard():
    ...     raise InputError("missing column 'arr'", source="accounts.csv")
    >>> "missing column" in panel.value and panel.layout.display != "none"
    True
    >>> panel.clear()
    >>> panel.layout.display
    'none'
    """

    def __init__(self) -> None:
        super().__init__(layout=w.Layout(display="none"))
        self.message = ""

    def show(self, exc: BaseException | str) -> None:
        """Show an error: the message of a valuelab error, a generic line otherwise."""
        if isinstance(exc, str):
            text = exc
        elif isinstance(exc, ValueLabError | ValueError):
            text = str(exc)
        else:
            text = f"Something went wrong ({type(exc).__name__}). Try other values."
        self.message = text
        self.value = f'<div class="vl-error" role="alert">⚠️ {html.escape(text)}</div>'
        self.layout.display = None

    def clear(self) -> None:
        """Hide the panel."""
        self.message = ""
        self.value = ""
        self.layout.display = "none"

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Run a block; show any exception it raises here instead of a traceback."""
        try:
            yield
        except Exception as exc:  # an app never shows a traceback
            self.show(exc)
        else:
            self.clear()


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop when inside a Jupyter kernel, else None.

    Outside a kernel a running loop may belong to someone who is not driving
    it (e.g. Playwright's sync API), so a thread timer is used instead.
    """
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or getattr(shell, "kernel", None) is None:
            return None
        return asyncio.get_running_loop()
    except (ImportError, RuntimeError):
        return None


class _Timer:
    """A delayed call on the running event loop (a kernel) or, failing that, a thread."""

    def __init__(self, wait: float, fn: Callable[[], None]) -> None:
        loop = _kernel_loop()
        if loop is not None:
            # In a kernel the observer runs on the kernel's event loop: the
            # trailing call runs there too, never beside it on another thread.
            self._handle = loop.call_later(wait, fn)
        else:
            self._handle = threading.Timer(wait, fn)
            self._handle.daemon = True
            self._handle.start()

    def cancel(self) -> None:
        self._handle.cancel()


def _call_later(wait: float, fn: Callable[[], None]) -> _Timer:
    return _Timer(wait, fn)


def debounced(wait: float = 0.15) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: run a widget observer at most once per burst of events.

    The first event after a quiet period runs at once (no added latency);
    events arriving within ``wait`` seconds of the last run are coalesced into
    one trailing call with the latest arguments. Calls never overlap.

    Parameters
    ----------
    wait : float
        Quiet period in seconds. ``0`` calls through immediately.

    Examples
    --------
    >>> calls = []
    >>> @debounced(wait=0.05)
    ... def refresh(value):
    ...     calls.append(value)
    >>> for v in range(20):
    ...     refresh(v)
    >>> refresh.flush()
    >>> calls
    [0, 19]
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        lock = threading.RLock()
        state: dict[str, Any] = {"last": -1e18, "timer": None, "pending": None}

        def run(args: tuple, kwargs: dict) -> None:
            with lock:
                state["last"] = time.monotonic()
                fn(*args, **kwargs)
                state["last"] = time.monotonic()

        def trailing() -> None:
            with lock:
                pending, state["pending"], state["timer"] = state["pending"], None, None
            if pending is not None:
                run(*pending)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            with lock:
                quiet = time.monotonic() - state["last"] >= wait
                if wait <= 0 or (quiet and state["timer"] is None):
                    run(args, kwargs)
                    return
                state["pending"] = (args, kwargs)
                if state["timer"] is None:
                    state["timer"] = _call_later(wait, trailing)

        def flush() -> None:
            """Run the pending trailing call now (tests, shutdown)."""
            with lock:
                timer = state["timer"]
                if timer is not None:
                    timer.cancel()
                    state["timer"] = None
            trailing()

        wrapper.flush = flush  # type: ignore[attr-defined]
        return wrapper

    return decorate


class ParamSliders(w.VBox):
    """Sliders bound to a model's parameters, read and set as one dict.

    Parameters
    ----------
    specs : mapping
        ``name -> (label, min, max, step)``; ints everywhere make an
        ``IntSlider``, otherwise a ``FloatSlider``. The label should carry the
        unit, e.g. ``"Discount (%)"``.
    values : mapping, optional
        Starting values (default: each slider's minimum).

    Examples
    --------
    >>> s = ParamSliders(
    ...     {"price": ("Price (EUR)", 1.0, 50.0, 0.5), "seats": ("Seats", 1, 9, 1)},
    ...     {"price": 9.99, "seats": 3},
    ... )
    >>> s.values
    {'price': 9.99, 'seats': 3}
    >>> s.set({"seats": 5})
    >>> s.values["seats"]
    5
    """

    def __init__(
        self,
        specs: Mapping[str, tuple[str, float, float, float]],
        values: Mapping[str, float] | None = None,
    ) -> None:
        self.sliders: dict[str, w.Widget] = {}
        values = dict(values or {})
        for name, (label, lo, hi, step) in specs.items():
            integral = all(isinstance(x, int) for x in (lo, hi, step))
            kind = w.IntSlider if integral else w.FloatSlider
            start = values.get(name, lo)
            self.sliders[name] = kind(
                value=start,
                min=lo,
                max=hi,
                step=step,
                description=label,
                continuous_update=False,
                style={"description_width": "initial"},
            )
        super().__init__(list(self.sliders.values()))

    @property
    def values(self) -> dict[str, float]:
        """The current value of every parameter."""
        return {name: s.value for name, s in self.sliders.items()}

    def set(self, values: Mapping[str, float]) -> None:
        """Move sliders to ``values`` (names not in the model are ignored)."""
        for name, value in values.items():
            if name in self.sliders:
                self.sliders[name].value = value

    def observe_all(self, fn: Callable[..., Any]) -> None:
        """Call ``fn(change)`` when any slider moves (wrap ``fn`` in :func:`debounced`)."""
        for s in self.sliders.values():
            s.observe(fn, names="value")


#: Environment variable ``valuelab serve`` sets for its kernels ("1"): charts
#: are drawn by its page's chart loader (see :func:`chart_html`).
CHARTS_ENV = "VALUELAB_SERVE_CHARTS"
#: Trace types the small plotly.js bundle (``plotly-basic``: bar, pie, scatter) draws.
BASIC_TRACES = frozenset({"bar", "pie", "scatter"})


def chart_html(fig: Any) -> str:
    """A plotly figure as an HTML fragment drawn by ``valuelab serve``'s chart loader.

    Used by :class:`FigureBox` under ``valuelab serve``: its page downloads
    the 1.2 MB ``plotly-basic`` bundle (bar, pie, scatter) with its own
    scripts and ``valuelab/static/charts.js`` draws the figure with it,
    instead of JupyterLab's plotly extension and the full 4.8 MB bundle; a
    figure with other trace types loads the full bundle.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> "'basic'" in chart_html(go.Figure(go.Bar(y=[1])))
    True
    >>> "'full'" in chart_html(go.Figure(go.Sankey()))
    True
    """
    types = {trace.type for trace in fig.data}
    bundle = "basic" if types <= BASIC_TRACES else "full"
    # to_json escapes "<", ">" and "&" (\u003c…): a label cannot end the script
    return (
        '<div class="vl-chart"></div><script>window.valuelabCharts.draw('
        f"document.currentScript.previousElementSibling, {fig.to_json()}, '{bundle}');</script>"
    )


class FigureBox(w.Output):
    """An output area that shows one plotly figure, replaced in a single update.

    :attr:`figure` is the last figure shown.
    Under ``valuelab serve`` the figure is drawn by :func:`chart_html` (a
    small plotly.js loaded with the page); elsewhere (JupyterLab, plain Voila) by
    plotly's own renderer.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.figure = None

    def show(self, fig: Any) -> None:
        """Replace the shown figure by ``fig``."""
        self.figure = fig
        # The output is set as widget state, never captured with ``with self:``.
        # A capture while Voila executes the notebook makes nbclient echo each
        # output back on the kernel's shell socket while it waits there for the
        # execute reply, and that reply is then sometimes never seen: the page
        # stops at "Executing 1 of 2" (nbclient issue #312).
        self.outputs = (
            {"output_type": "display_data", "data": _figure_bundle(fig), "metadata": {}},
        )


def _figure_bundle(fig: Any) -> dict[str, Any]:
    """The MIME bundle that shows ``fig`` in an app.

    Under ``valuelab serve`` an HTML fragment for its chart loader
    (:func:`chart_html`); elsewhere (JupyterLab, plain Voila) the plotly
    mimetype that their plotly extension draws (not the "notebook" renderer,
    whose init script hangs a headless run).

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> list(_figure_bundle(go.Figure(go.Bar(y=[1]))))
    ['application/vnd.plotly.v1+json']
    """
    if os.environ.get(CHARTS_ENV) == "1":
        return {"text/html": chart_html(fig)}
    import plotly.io as pio

    return pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())


def snapshot_html(
    title: str,
    params: Mapping[str, Any],
    cards: KpiCards | None = None,
    figures: list[Any] = (),
    link: str = "",
) -> str:
    """A standalone HTML report of an app's current view.

    The parameters that produce the view (and, with ``link``, the URL that
    reopens it), the KPI cards and the charts, interactive and offline
    (plotly.js inlined once).

    Examples
    --------
    >>> page_ = snapshot_html("Demo", {"year": 2024})
    >>> "<td>year</td><td>2024</td>" in page_ and page_.startswith("<!doctype html>")
    True
    """
    from datetime import UTC, datetime

    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    rows = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>"
        for k, v in params.items()
    )
    card_html = "".join(c.value for c in cards.cards.values()) if cards is not None else ""
    charts = "".join(
        pio.to_html(fig, full_html=False, include_plotlyjs=False) for fig in figures if fig
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    reopen = f'<p>Reopen this view: <a href="{html.escape(link)}">{html.escape(link)}</a></p>'
    script = f"<script>{get_plotlyjs()}</script>" if charts else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
{script}{CSS}<style>body{{font-family:system-ui,sans-serif;margin:2em}}
table{{border-collapse:collapse}} td{{border:1px solid #ddd;padding:2px 8px}}
.vl-cards-row{{display:flex;flex-wrap:wrap;gap:8px;margin:1em 0}}</style></head><body>
<h1>{html.escape(title)}</h1><p>Saved from the valuelab app on {when}.</p>
<table>{rows}</table>{reopen if link else ""}
<div class="vl-cards-row">{card_html}</div>{charts}</body></html>"""


class SaveReport(w.VBox):
    """A "Save as report" button: the current view as a standalone HTML download.

    Parameters
    ----------
    title : str
        Report title (the app's title).
    state : callable
        Returns ``(params, cards, figures)`` for the current view: the
        parameters (shown in the report and encoded in the reopen link),
        a :class:`KpiCards` or None, and a list of plotly figures.
    app : str
        The app notebook's file name, for the reopen link
        (``/voila/render/<app>?<params>``).
    """

    def __init__(self, title: str, state: Callable[[], tuple], app: str = "") -> None:
        self.title, self.state, self.app = title, state, app
        self.button = w.Button(description="Save as report", icon="download")
        self.link = w.HTML()
        self.html = ""
        self.button.on_click(lambda _: self.save())
        super().__init__([self.button, self.link])

    def save(self) -> str:
        """Render the report now; show a download link; return the HTML."""
        import base64
        from urllib.parse import urlencode

        params, cards, figures = self.state()
        query = urlencode({k: v for k, v in params.items()})
        env = os.environ
        server = f"http://{env.get('SERVER_NAME', '127.0.0.1')}:{env.get('SERVER_PORT', '8866')}"
        path = env.get("SCRIPT_NAME") or f"/voila/render/{self.app}"
        link = f"{server}{path}?{query}" if self.app else ""
        self.html = snapshot_html(self.title, params, cards, figures, link=link)
        data = base64.b64encode(self.html.encode("utf-8")).decode("ascii")
        name = "".join(c if c.isalnum() else "_" for c in self.title.lower()) + ".html"
        self.link.value = (
            f'<a class="vl-download" download="{name}" '
            f'href="data:text/html;base64,{data}">⬇ Download {html.escape(name)}</a>'
        )
        return self.html


def page(
    title: str,
    purpose: str,
    controls: list[w.Widget],
    body: list[w.Widget],
    *,
    header: bool = False,
) -> w.VBox:
    """The standard app layout: controls on the left, body on the right.

    In Voila the app notebook's first markdown cell (title and one-line
    purpose, also shown in the gallery) is the visible header, so the title
    and purpose are rendered here only with ``header=True`` (an app built
    outside a notebook); otherwise they only label the layout for screen readers.

    Examples
    --------
    >>> app = page("Demo", "Shows the layout.", [w.IntSlider(description="n")], [w.HTML("hi")])
    >>> type(app).__name__, len(app.children)
    ('VBox', 3)
    """
    top = w.HTML(
        f'<div class="vl-header"><h2>{html.escape(title)}</h2><p>{html.escape(purpose)}</p></div>'
        if header
        else f'<span aria-label="{html.escape(title)}: {html.escape(purpose)}"></span>'
    )
    side = w.VBox(controls, layout=w.Layout(min_width="400px", max_width="440px"))
    side.add_class("vl-controls")
    main = w.VBox(body, layout=w.Layout(flex="1 1 auto", min_width="0"))
    main.add_class("vl-body")
    return w.VBox([w.HTML(CSS), top, w.HBox([side, main])])


def _coerce(text: str, default: Any) -> Any:
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ValueError(text)
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        return float(text)
    return text


def parse_query(query: str, defaults: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Values for the keys of ``defaults`` found in a URL query string.

    Values are coerced to the type of the default. Unknown keys are ignored;
    values that do not coerce are left out and described in the second item.

    Examples
    --------
    >>> parse_query("weeks=six&flag=yes", {"weeks": 4, "flag": False})
    ({'flag': True}, ["weeks='six' is not a valid int"])
    """
    found, problems = {}, []
    for key, values in parse_qs(query or "", keep_blank_values=False).items():
        if key not in defaults:
            continue
        default = defaults[key]
        try:
            found[key] = _coerce(values[-1], default)
        except ValueError:
            problems.append(f"{key}={values[-1]!r} is not a valid {type(default).__name__}")
    return found, problems


def launch(build: Callable[..., w.Widget], defaults: Mapping[str, Any]) -> w.Widget:
    """Build an app for Voila: ready before the request, in the state the URL asks.

    With preheated kernels the app is built with ``defaults`` before any page
    is requested (data loaded, first figure drawn, so a default view costs
    nothing at request time); then the page URL is read
    (:func:`url_params`) and, only when it asks for another state, the app is
    rebuilt with those values (the first build's widgets are closed).

    Parameters
    ----------
    build : callable
        The app module's ``build_app(**params) -> Widget``.
    defaults : mapping
        Starting values of ``build``'s keyword arguments (the names a shared
        link may set).

    Examples
    --------
    >>> made = []
    >>> app = launch(lambda n=1: made.append(n) or w.IntSlider(value=n), {"n": 3})
    >>> made, app.value
    ([3], 3)
    """
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    app = build(**defaults)
    params = url_params(defaults)
    if params == dict(defaults):
        return app
    for key in set(_instances) - before:
        widget = _instances.get(key)
        if widget is not None:
            widget.close()
    return build(**params)


def url_params(defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The app's starting state: ``defaults`` updated from the page URL.

    ``template`` and ``theme`` are Voila's own URL parameters
    (:data:`RESERVED_QUERY_NAMES`): an app may not use them.

    Inside Voila the query string of the page (``?customer_id=C042``) reaches
    the kernel as ``QUERY_STRING``; with preheated kernels this waits for the
    request first (``voila.utils.wait_for_request``). Outside Voila the
    defaults are returned unchanged.

    Examples
    --------
    >>> url_params({"year": 2024})  # outside Voila: the defaults
    {'year': 2024}
    """
    reserved = RESERVED_QUERY_NAMES & set(defaults)
    if reserved:
        raise ValueError(f"URL parameter names reserved by Voila: {', '.join(sorted(reserved))}")
    if os.environ.get("VOILA_PREHEAT", "False") == "True":  # pragma: no cover - Voila only
        from voila.utils import wait_for_request

        wait_for_request()
    found, _ = parse_query(os.environ.get("QUERY_STRING", ""), defaults)
    return {**dict(defaults), **found}

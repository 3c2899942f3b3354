"""Save as report: the current view of an app as a standalone HTML file, in one click."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import ipywidgets as w

from valuelab.apps.kit.address import AddressBar, address_script
from valuelab.apps.kit.layout import CSS, KpiCards
from valuelab.core import QUANTITIES

__all__ = [
    "PUBLIC_URL_ENV",
    "SaveReport",
    "address_script",
    "describe_controls",
    "report_name",
    "snapshot_html",
]

#: Environment variable holding the address the apps are published at (e.g.
#: ``https://apps.example.org/``), set by ``valuelab serve --public-url`` for its
#: kernels. A saved report links back to its view only when it is set: a link
#: to ``127.0.0.1`` opens nowhere but on the server itself.
PUBLIC_URL_ENV = "VALUELAB_PUBLIC_URL"


def _slug(text: str) -> str:
    """Lower-case words joined by hyphens (``"User-centric (A)"`` -> ``user-centric-a``)."""
    return "-".join(re.findall(r"[a-z0-9]+", str(text).lower()))


def _human(value: Any) -> str:
    """A parameter value as a person reads it: a quantity key becomes its label."""
    if isinstance(value, str) and value in QUANTITIES:
        return QUANTITIES[value].label
    return str(value)


def report_name(app: str, view: Iterable[Any] = (), day: date | None = None) -> str:
    """The file name of a saved view: ``<app>_<view>_<date>.html``.

    Parameters
    ----------
    app : str
        The app's notebook or title (``royalty_calculator.ipynb``).
    view : iterable
        The values that name the view (a payout rule, a metric); a quantity
        key is named by its label.
    day : date, optional
        The date in the name (default: today, UTC).

    Examples
    --------
    >>> report_name("royalty_calculator.ipynb", ["user_centric"], date(2026, 11, 30))
    'royalty-calculator_user-centric_2026-11-30.html'
    >>> report_name("Spotify at a glance", ["total_revenue_eur_m", 2015, 2024], date(2026, 1, 2))
    'spotify-at-a-glance_total-revenue-2015-2024_2026-01-02.html'
    """
    day = day or datetime.now(UTC).date()
    parts = [_slug(app.removesuffix(".ipynb")) or "app"]
    named = _slug(" ".join(_human(v) for v in view))
    if named:
        parts.append(named[:60].strip("-"))
    return "_".join([*parts, day.isoformat()]) + ".html"


def _number(widget: w.Widget, value: float) -> str:
    """A number as the control's readout shows it (its ``readout_format``), else grouped."""
    spec = (getattr(widget, "readout_format", "") or "").lstrip("~")
    try:
        return format(value, spec) if spec else format(value, ",.10g")
    except ValueError:  # a d3 format Python does not know
        return format(value, ",.10g")


def _control_value(widget: w.Widget) -> str | None:
    """What a control shows, as text; None for widgets that show no setting."""
    if isinstance(widget, w.Button | w.FileUpload):
        return None
    value = getattr(widget, "value", None)
    if isinstance(widget, w.Dropdown | w.RadioButtons | w.ToggleButtons | w.Select):
        return str(widget.label)
    if isinstance(widget, w.Checkbox | w.ToggleButton):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return " – ".join(_number(widget, v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(widget, value)
    return None if value is None else str(value)


def describe_controls(controls: Iterable[w.Widget]) -> dict[str, str]:
    """Each labelled control's label and shown value, in page order.

    Boxes are searched depth first; buttons and uploads are left out.

    Examples
    --------
    >>> describe_controls(
    ...     [
    ...         w.Dropdown(
    ...             options=[("Total revenue", "total_revenue_eur_m")], description="Metric"
    ...         ),
    ...         w.VBox(
    ...             [w.IntRangeSlider(value=(2015, 2024), min=2010, max=2030, description="Years")]
    ...         ),
    ...         w.FloatSlider(value=0.25, readout_format=".2f", description="Discount (share 0-1)"),
    ...         w.Button(description="Save as report"),
    ...     ]
    ... )
    {'Metric': 'Total revenue', 'Years': '2015 – 2024', 'Discount (share 0-1)': '0.25'}
    """
    found: dict[str, str] = {}
    for widget in controls:
        children = getattr(widget, "children", None)
        if children is not None:
            found.update(describe_controls(children))
            continue
        label = getattr(widget, "description", "") or getattr(widget, "tooltip", "")
        shown = _control_value(widget) if label else None
        if shown is not None:
            found[str(label)] = shown
    return found


def _charts(figures: Iterable[Any]) -> tuple[str, str]:
    """The figures as HTML divs and the smallest plotly.js bundle that draws them (inline)."""
    import plotly.io as pio

    from valuelab.reports import BASIC_TRACES, plotly_bundles

    figures = [fig for fig in figures if fig]
    if not figures:
        return "", ""
    # plotly writes the figure's JSON with "<", ">" and "&" escaped: a label
    # cannot end the script element
    config = {"displaylogo": False, "responsive": True}
    divs = "".join(
        pio.to_html(fig, full_html=False, include_plotlyjs=False, config=config) for fig in figures
    )
    bundles = plotly_bundles()
    basic, full = bundles
    types = {trace.type for fig in figures for trace in fig.data}
    js = bundles[basic if types <= BASIC_TRACES else full].read_text(encoding="utf-8")
    if re.search(r"</script|<!--", js, flags=re.IGNORECASE):  # would end the element
        raise ValueError("the plotly.js bundle cannot be inlined: it holds </script or <!--")
    return divs, f"<script>{js}</script>"


_PAGE_CSS = """<style>
body {font-family: system-ui, sans-serif; margin: 1.5em auto; padding: 0 1em; max-width: 1100px;
      color: #1d1d1f;}
h1 {font-size: 1.6em; margin: 0 0 .2em 0;} .vl-saved {color: #555; margin: 0 0 1em 0;}
table {border-collapse: collapse; margin: .5em 0 1em 0;}
th, td {border: 1px solid #ddd; padding: 3px 10px; text-align: left; vertical-align: top;}
th {font-weight: 600; background: #f5f5f5;}
.vl-cards-row {display: flex; flex-wrap: wrap; gap: 8px; margin: 1em 0;}
.vl-cards-row .vl-kpi {flex: 1 1 150px;}
.plotly-graph-div {max-width: 100%;}
</style>"""


def snapshot_html(
    title: str,
    settings: Mapping[str, Any],
    cards: KpiCards | None = None,
    figures: Iterable[Any] = (),
    link: str = "",
) -> str:
    """A standalone HTML report of an app's current view.

    Parameters
    ----------
    title : str
        The app's title (the page heading).
    settings : mapping
        What produced the view, as a person reads it: label -> value (see
        :func:`describe_controls`); a value that is a key of
        :data:`~valuelab.core.quantities.QUANTITIES` is shown by its label.
    cards : KpiCards, optional
        The KPI cards, copied as shown.
    figures : iterable of plotly figures
        The charts (None is skipped), interactive and offline: the smallest
        plotly.js bundle that draws them is inlined once (``plotly-basic``,
        1.2 MB, for bar, pie and scatter; see
        :func:`valuelab.reports.plotly_bundles`).
    link : str
        The address that reopens this view; no link when empty.

    Returns
    -------
    str
        The page; every text from the app is escaped.

    Examples
    --------
    >>> page_ = snapshot_html("Demo", {"Metric": "total_revenue_eur_m", "Years": "2015 – 2024"})
    >>> "<th>Metric</th><td>Total revenue</td>" in page_ and page_.startswith("<!doctype html>")
    True
    """
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_human(v))}</td></tr>"
        for k, v in settings.items()
    )
    card_html = "".join(c.value for c in cards.cards.values()) if cards is not None else ""
    charts, script = _charts(figures)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    reopen = (
        f'<p>Reopen this view: <a href="{html.escape(link)}">{html.escape(link)}</a></p>'
        if link
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
{script}{CSS}{_PAGE_CSS}</head><body>
<h1>{html.escape(title)}</h1><p class="vl-saved">Saved from the valuelab app on {when}.</p>
<table>{rows}</table>{reopen}
<div class="vl-cards-row">{card_html}</div>{charts}</body></html>"""


def _download_script(name: str, page: str) -> str:
    """A script that hands ``page`` to the browser as a download called ``name``, once."""
    data = base64.b64encode(page.encode("utf-8")).decode("ascii")
    token = json.dumps(f"vl-saved-{uuid.uuid4().hex}")
    return f"""<script>(function () {{
  var token = {token};
  if (window[token]) return;  // a view drawn again does not download again
  window[token] = true;
  var text = atob("{data}"), bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  var url = URL.createObjectURL(new Blob([bytes], {{type: "text/html;charset=utf-8"}}));
  var a = document.createElement("a");
  a.href = url; a.download = {json.dumps(name)}; a.style.display = "none";
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(function () {{ URL.revokeObjectURL(url); }}, 60000);
}})();</script>"""


class SaveReport(w.VBox):
    """A "Save as report" button: one click downloads the current view as an HTML file.

    The file (:func:`snapshot_html`) is named after the app, the view and the
    date (:func:`report_name`); the page's browser saves it (a script in an
    output hands it over as a Blob, so nothing is stored on the server).

    Parameters
    ----------
    title : str
        Report title (the app's title).
    state : callable
        Returns ``(params, cards, figures)`` for the current view: the
        parameters (encoded in the reopen link), a :class:`KpiCards` or
        None, and a list of plotly figures.
    app : str
        The app notebook's file name: the file name's start and, with a
        public address (:data:`PUBLIC_URL_ENV`), the reopen link
        (``<public url>voila/render/<app>?<params>``).
    view : sequence of str
        The parameters whose values name the view in the file name.
    controls : iterable of widgets
        The app's controls: their labels and shown values are the report's
        settings (:func:`describe_controls`); without them, the parameters.
    """

    def __init__(
        self,
        title: str,
        state: Callable[[], tuple],
        app: str = "",
        view: Sequence[str] = (),
        controls: Iterable[w.Widget] = (),
    ) -> None:
        self.title, self.state, self.app = title, state, app
        self.view, self.controls = tuple(view), list(controls)
        self.button = w.Button(
            description="Save as report", icon="download", tooltip="Download this view as HTML"
        )
        self.status = w.HTML()
        self.download = w.Output()
        self.address = AddressBar(lambda: self.state()[0], self.controls)
        self.html, self.name = "", ""
        self.button.on_click(lambda _: self.save())
        super().__init__([self.button, self.status, self.download, self.address])
        self.add_class("vl-save")

    def link(self, params: Mapping[str, Any]) -> str:
        """The address that reopens the view; "" without a public address or app."""
        from urllib.parse import urlencode

        public = os.environ.get(PUBLIC_URL_ENV, "").strip()
        if not public or not self.app:
            return ""
        return f"{public.rstrip('/')}/voila/render/{self.app}?{urlencode(dict(params))}"

    def follow(self) -> str:
        """Make the page's address the link of the current view; return the script.

        Called on every change of a control (:class:`AddressBar`), so the
        address bar is always the shared link of what is on screen (reloading
        it restores the view).
        """
        return self.address.follow()

    def save(self) -> str:
        """Render the report now and start its download; return the HTML."""
        params, cards, figures = self.state()
        settings = describe_controls(self.controls) or dict(params)
        self.html = snapshot_html(self.title, settings, cards, figures, link=self.link(params))
        self.name = report_name(self.app or self.title, [params.get(k, "") for k in self.view])
        size = len(self.html.encode("utf-8")) / 1e6
        self.status.value = f"<small>Saved {html.escape(self.name)} ({size:.1f} MB)</small>"
        self.download.outputs = (
            {
                "output_type": "display_data",
                "data": {"text/html": _download_script(self.name, self.html)},
                "metadata": {},
            },
        )
        return self.html

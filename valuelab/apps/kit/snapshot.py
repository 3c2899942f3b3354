"""Save as report: the current view of an app as a standalone HTML file."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps.kit.layout import CSS, KpiCards

__all__ = ["SaveReport", "snapshot_html"]


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

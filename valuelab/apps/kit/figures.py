"""Figures in apps: a plotly figure shown in one update, drawn by the page's chart loader."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as w

__all__ = ["BASIC_TRACES", "CHARTS_ENV", "FigureBox", "chart_html"]

#: Environment variable ``valuelab serve`` sets for its kernels ("1"): charts
#: are drawn by its page's chart loader (see :func:`chart_html`).
CHARTS_ENV = "VALUELAB_SERVE_CHARTS"
#: Trace types the small plotly.js bundle (``plotly-basic``: bar, pie, scatter) draws: the
#: same set as :data:`valuelab.reports.BASIC_TRACES` (a test keeps them equal), held here so
#: an app's first chart does not import the reports wing.
BASIC_TRACES = frozenset({"bar", "pie", "scatter"})


def chart_html(fig: Any) -> str:
    """A plotly figure as an HTML fragment drawn by ``valuelab serve``'s chart loader.

    Used by :class:`FigureBox` under ``valuelab serve``: its page downloads
    the 1.2 MB ``plotly-basic`` bundle (bar, pie, scatter) with its own
    scripts and ``valuelab/apps/static/charts.js`` draws the figure with it,
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

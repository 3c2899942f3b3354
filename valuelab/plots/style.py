"""The look every valuelab figure shares."""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["PALETTE", "finish"]

#: Colour-blind-safe qualitative palette (Okabe-Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def finish(
    fig: go.Figure, *, title: str, x_title: str | None = None, y_title: str | None = None
) -> go.Figure:
    """Apply the valuelab layout: title, axis titles with units, readable fonts.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure to style (modified in place and returned).
    title : str
        Figure title.
    x_title, y_title : str, optional
        Axis titles; include the unit, e.g. ``"Revenue (EUR m)"``.

    Examples
    --------
    >>> fig = finish(go.Figure(), title="Demo", y_title="Revenue (EUR m)")
    >>> fig.layout.yaxis.title.text
    'Revenue (EUR m)'
    """
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        colorway=PALETTE,
        font={"size": 14},
        margin={"l": 70, "r": 30, "t": 70, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hovermode="x unified",
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig

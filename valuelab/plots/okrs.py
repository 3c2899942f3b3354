"""Figures for OKRs and initiatives: key-result grades and the priority list."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from valuelab.okrs import SWEET_SPOT
from valuelab.plots.style import PALETTE, finish

__all__ = ["kr_grades", "priorities"]


def kr_grades(krs: pd.DataFrame, title: str = "Key-result grades") -> go.Figure:
    """Horizontal bars of each key result's grade (0-1) with the 0.7 sweet spot marked.

    Examples
    --------
    >>> krs = pd.DataFrame({"name": ["a", "b"], "objective": ["O", "O"], "grade": [0.2, 0.9]})
    >>> kr_grades(krs).layout.xaxis.title.text
    'Grade (0-1)'
    """
    colors = [PALETTE[2] if g >= SWEET_SPOT else PALETTE[1] for g in krs["grade"]]
    fig = go.Figure(
        go.Bar(
            x=krs["grade"],
            y=krs["name"],
            orientation="h",
            marker_color=colors,
            text=[f"{g:.2f}" for g in krs["grade"]],
            textposition="outside",
            customdata=krs["objective"],
            hovertemplate="%{y}<br>%{customdata}<br>grade %{x:.2f}<extra></extra>",
        )
    )
    fig.add_vline(x=SWEET_SPOT, line_dash="dash", annotation_text="sweet spot 0.7")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 1.1])
    fig.update_layout(hovermode="closest", margin={"l": 320})
    return finish(fig, title=title, x_title="Grade (0-1)", y_title="Key result")


def priorities(ranked: pd.DataFrame, by: str = "rice", title: str | None = None) -> go.Figure:
    """Initiatives by score, feature-factory work in grey at the bottom.

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {"name": ["a", "b"], "rice": [10.0, 30.0], "feature_factory": [False, True]}
    ... )
    >>> len(priorities(df).data)
    2
    """
    unit = "RICE (reach per person-month)" if by == "rice" else "ICE score"
    fig = go.Figure()
    for flagged, name, color in ((False, "aligned", PALETTE[0]), (True, "feature factory", "#999")):
        part = ranked[ranked["feature_factory"] == flagged]
        fig.add_bar(x=part[by], y=part["name"], orientation="h", name=name, marker_color=color)
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=ranked["name"])
    fig.update_layout(hovermode="closest", margin={"l": 320})
    return finish(fig, title=title or f"Initiatives ranked by {by.upper()}", x_title=unit)

"""Figures for OKRs and initiatives: key-result grades and the priority list."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from valuelab.okrs import DEFAULT_KR_TYPE, EXPECTED_GRADE, verdict
from valuelab.plots.style import PALETTE, finish

__all__ = ["kr_grades", "priorities"]

#: Verdicts (valuelab.okrs.verdict) that meet their type's expectation.
_ON_TRACK = ("met", "sweet spot", "above")


def kr_grades(krs: pd.DataFrame, title: str = "Key-result grades") -> go.Figure:
    """Horizontal bars of each key result's grade (0-1) against its type's expectation.

    Aspirational key results are read against the 0.6-0.7 sweet spot (a shaded
    band), committed ones against 1.0 (a diamond on their row); a bar is green
    when it meets its type's expectation (:func:`valuelab.okrs.verdict`).
    ``krs`` is :func:`valuelab.okrs.key_results`' table; without ``type`` and
    ``verdict`` columns every key result counts as aspirational.

    Examples
    --------
    >>> krs = pd.DataFrame({"name": ["a", "b"], "objective": ["O", "O"], "grade": [0.2, 0.9]})
    >>> kr_grades(krs).layout.xaxis.title.text
    'Grade (0-1)'
    """
    kinds = krs["type"] if "type" in krs else pd.Series(DEFAULT_KR_TYPE, index=krs.index)
    verdicts = [verdict(t, g) for t, g in zip(kinds, krs["grade"], strict=True)]
    colors = [PALETTE[2] if v in _ON_TRACK else PALETTE[1] for v in verdicts]
    fig = go.Figure(
        go.Bar(
            x=krs["grade"],
            y=krs["name"],
            orientation="h",
            name="grade",
            marker_color=colors,
            text=[
                f"{g:.2f} {t} · {v}" for g, t, v in zip(krs["grade"], kinds, verdicts, strict=True)
            ],
            textposition="outside",
            customdata=krs["objective"],
            hovertemplate="%{y}<br>%{customdata}<br>grade %{x:.2f}<extra></extra>",
        )
    )
    committed = kinds == "committed"
    fig.add_scatter(
        x=[EXPECTED_GRADE["committed"][0]] * int(committed.sum()),
        y=krs.loc[committed.to_numpy(), "name"],
        mode="markers",
        marker={"symbol": "diamond-open", "size": 12, "color": "#333"},
        name="committed: expected 1.0",
    )
    low, high = EXPECTED_GRADE["aspirational"]
    fig.add_vrect(
        x0=low,
        x1=high,
        fillcolor="#999",
        opacity=0.2,
        line_width=0,
        annotation_text=f"aspirational sweet spot {low}-{high}",
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 1.5])
    fig.update_layout(hovermode="closest", margin={"l": 320})
    return finish(fig, title=title, x_title="Grade (0-1)", y_title="Key result")


def priorities(ranked: pd.DataFrame, by: str = "rice", title: str | None = None) -> go.Figure:
    """Initiatives by score, unaligned ones (:func:`valuelab.okrs.alignment`) in grey at the bottom.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["a", "b"], "rice": [10.0, 30.0], "unaligned": [False, True]})
    >>> len(priorities(df).data)
    2
    """
    unit = "RICE (reach per person-month)" if by == "rice" else "ICE score"
    fig = go.Figure()
    groups = ((False, "aligned", PALETTE[0]), (True, "unaligned (none of the four tests)", "#999"))
    for flagged, name, color in groups:
        part = ranked[ranked["unaligned"] == flagged]
        fig.add_bar(x=part[by], y=part["name"], orientation="h", name=name, marker_color=color)
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=ranked["name"])
    fig.update_layout(hovermode="closest", margin={"l": 320})
    return finish(fig, title=title or f"Initiatives ranked by {by.upper()}", x_title=unit)

"""Figures for customer-value scoring: quadrant, goal trajectory, scores, portfolio, indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from valuelab.core import QUANTITIES, quantity
from valuelab.core.quantities import named_quantity
from valuelab.plots.style import PALETTE, finish
from valuelab.scoring import BANDS, SCORES

__all__ = ["account_scores", "goal_trajectory", "indicator_auc", "portfolio_arr", "score_quadrant"]

_BAND_COLORS = {"green": PALETTE[2], "amber": PALETTE[1], "red": PALETTE[3], "unknown": "#999"}
_LABELS = {key: QUANTITIES[key].label for key in SCORES}


def score_quadrant(
    scored: pd.DataFrame, highlight: str | None = None, title: str | None = None
) -> go.Figure:
    """Value perceived (x) against the realized business outcome (y), one dot per account.

    Quadrants at 50: both high — advocates; outcome without perception —
    tell them (value not communicated); perception without outcome — at risk
    of disillusion; neither — churn risk. Dots are coloured by band and sized
    by ARR (shown in the table's ``attrs["currency"]``); ``highlight`` (an
    ``account_id``) is ringed.

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {
    ...         "account_id": ["A"],
    ...         "value_perceived": [80.0],
    ...         "rbo": [30.0],
    ...         "band": ["amber"],
    ...         "arr": [1e4],
    ...     }
    ... )
    >>> score_quadrant(df, highlight="A").layout.xaxis.title.text
    'Value Perceived (/100)'
    """
    fig = go.Figure()
    _add_band_dots(fig, scored)
    _add_quadrants(fig)
    if highlight is not None and (scored["account_id"] == highlight).any():
        row = scored[scored["account_id"] == highlight].iloc[0]
        _ring(fig, str(highlight), float(row["value_perceived"]), float(row["rbo"]))
    return finish(
        fig,
        title=title or "Perceived vs realized value",
        x_title=QUANTITIES["value_perceived"].title,
        y_title=QUANTITIES["rbo"].title,
    )


def _ring(fig: go.Figure, name: str, x: float, y: float) -> None:
    """A ring round one account and its name on a white label over the dots.

    The label points in from the account's corner of the chart, so it never
    lies on a quadrant's name at the edge; a missing score draws neither.
    """
    fig.add_scatter(
        x=[x],
        y=[y],
        mode="markers",
        name=name,
        marker={"size": 26, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "#000"}},
    )
    if x == x and y == y:
        fig.add_annotation(
            x=x,
            y=y,
            text=name,
            ax=-34 if x > 50 else 34,
            ay=30 if y > 50 else -30,
            bgcolor="rgba(255,255,255,0.9)",
            bordercolor="#000",
            font={"size": 12, "color": "#000"},
            arrowcolor="#000",
        )


def _add_band_dots(fig: go.Figure, scored: pd.DataFrame) -> None:
    """One trace of accounts per band, dots sized by ARR (in the table's currency)."""
    size = 8 + 22 * np.sqrt(scored["arr"] / max(float(scored["arr"].max()), 1.0))
    unit = quantity("arr", currency=scored.attrs.get("currency")).unit
    for name, color in _BAND_COLORS.items():
        part = scored["band"] == name
        if not part.any():
            continue
        fig.add_scatter(
            x=scored.loc[part, "value_perceived"],
            y=scored.loc[part, "rbo"],
            mode="markers",
            name=name,
            marker={"color": color, "size": size[part], "opacity": 0.7, "line": {"width": 0}},
            customdata=np.stack([scored.loc[part, "account_id"], scored.loc[part, "arr"]], axis=-1),
            hovertemplate="%{customdata[0]}<br>"
            f"{QUANTITIES['value_perceived'].label} {QUANTITIES['value_perceived'].hover('x')}<br>"
            f"{QUANTITIES['rbo'].label} {QUANTITIES['rbo'].hover('y')}"
            f"<br>ARR %{{customdata[1]:,.0f}} {unit}<extra></extra>",
        )


def _add_quadrants(fig: go.Figure) -> None:
    """The quadrant names, the lines at 50 and the score axes (0 to 100, :data:`QUANTITIES`)."""
    for x, y, text in [
        (75, 97, "advocates"),
        (25, 97, "tell them: value not perceived"),
        (75, 3, "at risk of disillusion"),
        (25, 3, "churn risk"),
    ]:
        fig.add_annotation(  # on a white ground: readable over the dots
            x=x,
            y=y,
            text=text,
            showarrow=False,
            font={"color": "#444", "size": 12},
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.add_hline(y=50, line_color="#bbb")
    fig.add_vline(x=50, line_color="#bbb")
    fig.update_xaxes(range=[-3, 103])
    fig.update_yaxes(range=[-3, 103])
    fig.update_layout(hovermode="closest")


def account_scores(row: pd.Series, title: str | None = None) -> go.Figure:
    """The five scores of one account as bars, with the band cut-offs.

    Examples
    --------
    >>> row = pd.Series(
    ...     {
    ...         "account_id": "A",
    ...         "rbo": 30.0,
    ...         "value_perceived": 40.0,
    ...         "value_expansion": 12.0,
    ...         "value_unknown": 0.0,
    ...         "value_realized": 26.0,
    ...     }
    ... )
    >>> len(account_scores(row).data[0].x)
    5
    """
    keys = list(_LABELS)
    values = [float(row[k]) for k in keys]
    fig = go.Figure(
        go.Bar(
            x=[_LABELS[k] for k in keys],
            y=values,
            marker_color=[_band_color(v) for v in values],
            # a score without answers (the "exclude" policy) reads as the card does: "–"
            text=["–" if v != v else f"{v:.0f}" for v in values],
            # at the bar's foot: a band's line (40, 70) never runs through a value
            textposition="auto",
            insidetextanchor="start",
            hovertemplate=f"%{{x}}: {QUANTITIES['score'].hover('y')}<extra></extra>",
        )
    )
    for band in ("green", "amber"):
        # the band's name right of the plot, never on a bar's value
        fig.add_hline(
            y=BANDS[band],
            line_dash="dot",
            annotation_text=f"{band} ≥ {BANDS[band]:.0f}",
            annotation_position="right",
            annotation_font_size=11,
        )
    fig.update_yaxes(range=[0, 110])
    fig.update_layout(showlegend=False, hovermode="closest")
    finish(
        fig,
        title=title or f"Value scores of {row.get('account_id', 'the account')}",
        y_title=QUANTITIES["score"].title,
    )
    fig.update_layout(margin_r=80)
    return fig


def _band_color(score: float) -> str:
    """The colour of a score's band; grey for a missing score (NaN)."""
    if score != score:
        return _BAND_COLORS["unknown"]
    if score >= BANDS["green"]:
        return _BAND_COLORS["green"]
    return _BAND_COLORS["amber"] if score >= BANDS["amber"] else _BAND_COLORS["red"]


def goal_trajectory(row: pd.Series, title: str | None = None) -> go.Figure:
    """The customer's goal: the straight path from baseline to target, where it is, where it heads.

    Examples
    --------
    >>> row = pd.Series(
    ...     {
    ...         "goal_metric": "revenue growth %",
    ...         "goal_baseline": 0.0,
    ...         "goal_target": 50.0,
    ...         "goal_current": 3.0,
    ...         "months_elapsed": 3,
    ...         "horizon_months": 12,
    ...     }
    ... )
    >>> [t.name for t in goal_trajectory(row).data]
    ['plan', 'so far', 'projected']
    """
    base, target, current = (
        float(row["goal_baseline"]),
        float(row["goal_target"]),
        float(row["goal_current"]),
    )
    elapsed, horizon = float(row["months_elapsed"]), float(row["horizon_months"])
    fig = go.Figure()
    fig.add_scatter(
        x=[0, horizon], y=[base, target], name="plan", line={"color": "#999", "dash": "dash"}
    )
    fig.add_scatter(
        x=[0, elapsed], y=[base, current], name="so far", line={"color": PALETTE[0], "width": 4}
    )
    if elapsed > 0:
        projected = base + (current - base) * horizon / elapsed
        fig.add_scatter(
            x=[elapsed, horizon],
            y=[current, projected],
            name="projected",
            line={"color": PALETTE[3], "dash": "dot"},
        )
    else:
        fig.add_scatter(x=[], y=[], name="projected")
    metric = str(row["goal_metric"])
    return finish(
        fig,
        title=title or f"Goal: {metric}",
        x_title="Time since the goal was set (months)",
        y_title=metric,
    )


def portfolio_arr(table: pd.DataFrame, title: str = "ARR by group") -> go.Figure:
    """ARR at stake per portfolio group, from :func:`valuelab.scoring.portfolio.segment_portfolio`.

    Amounts are labelled in the table's ``attrs["currency"]`` ("currency not
    declared" without one).

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"arr": [3.0, 1.0, 6.0], "accounts": [1, 1, 2]},
    ...     index=pd.Index(["churn risk", "expansion", "healthy"], name="group"),
    ... )
    >>> portfolio_arr(t).data[0].y.tolist()
    [3.0, 1.0, 6.0]
    """
    colors = {"churn risk": PALETTE[3], "expansion": PALETTE[2], "healthy": PALETTE[0]}
    groups = [str(g) for g in table.index.get_level_values(0)]
    arr = quantity("arr", currency=table.attrs.get("currency"))
    fig = go.Figure(
        go.Bar(
            x=groups,
            y=table["arr"].astype(float),
            marker_color=[colors.get(g, "#999") for g in groups],
            text=[
                f"{arr.format(a)} · {n} accounts"
                for a, n in zip(table["arr"], table["accounts"], strict=True)
            ],
            textposition="outside",
        )
    )
    fig.update_layout(showlegend=False, hovermode="closest")
    return finish(fig, title=title, x_title="Group", y_title=arr.title)


def indicator_auc(
    table: pd.DataFrame, outcome: str = "churned", title: str | None = None
) -> go.Figure:
    """ROC AUC per indicator from :func:`valuelab.scoring.indicators.evaluate_indicators`, by kind.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"kind": ["value score", "usual metric"], "auc": [0.8, 0.55]},
    ...     index=pd.Index(["value_realized", "usage"], name="indicator"),
    ... )
    >>> indicator_auc(t).layout.xaxis.title.text
    'ROC AUC (0.5 = chance)'
    """
    colors = {"value score": PALETTE[2], "goal progress": PALETTE[0], "usual metric": "#999"}
    fig = go.Figure()
    for kind, color in colors.items():
        part = table[table["kind"] == kind]
        if len(part):
            fig.add_bar(
                y=[named_quantity(str(k)).label for k in part.index],
                x=part["auc"],
                orientation="h",
                name=kind,
                marker_color=color,
                hovertemplate="%{y}: ROC AUC %{x:.2f}<extra></extra>",
            )
    fig.add_vline(x=0.5, line_dash="dash", annotation_text="chance")
    order = [named_quantity(str(k)).label for k in table.sort_values("auc").index]
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_xaxes(range=[0.3, 1.0])
    fig.update_layout(hovermode="closest")
    return finish(
        fig,
        title=title or f"Which indicator predicts {outcome}?",
        x_title="ROC AUC (0.5 = chance)",
        y_title="Indicator",
    )

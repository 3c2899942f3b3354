"""Figures for KPIs: trade-off sweeps, the Pareto frontier, the 80/20 chart, retention cohorts,
subscription survival, holdout purchases, per-period metrics (whole and per segment)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from valuelab.core import QUANTITIES, Quantity
from valuelab.core.quantities import named_quantity
from valuelab.kpis.survival import SurvivalCurve
from valuelab.plots.style import PALETTE, finish

__all__ = [
    "cohort_heatmap",
    "frontier_chart",
    "holdout_chart",
    "pareto_chart",
    "period_chart",
    "segment_chart",
    "survival_chart",
    "tradeoff_chart",
]


def _name(kpi: str) -> str:
    return QUANTITIES[kpi].label if kpi in QUANTITIES else kpi


def _label(kpi: str) -> str:
    return QUANTITIES[kpi].title if kpi in QUANTITIES else kpi


def _shown(key: str) -> Quantity:
    """The registered quantity ``key``, else ``key`` in words."""
    return named_quantity(key)


def _axis(fig: go.Figure, q: Quantity, axis: str, **kwargs: object) -> None:
    """An axis titled with the quantity's name and shown unit, its numbers formatted alike."""
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(title_text=q.display_title, tickformat=q.d3_format, **kwargs)


def _steady(values: pd.Series) -> pd.Series:
    """``values``, or their mean at every point when they differ by float noise only.

    A KPI the lever does not move (the gross margin along the basket size)
    comes out of the arithmetic as 51.111...11 and 51.111...12: drawn as is,
    plotly zooms onto the noise (a zig-zag line, one tick label repeated).
    """
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if v.empty or v.isna().any() or not np.isclose(v.min(), v.max(), rtol=1e-9, atol=1e-12):
        return values
    return pd.Series(float(v.mean()), index=v.index, name=v.name)


def _padded(values: pd.Series) -> list[float] | None:
    """An axis range around a constant ``values`` (5 % of it either side, else 1), else None.

    Plotly's own range for one value is a sliver around it, which repeats one
    tick label and cuts markers at the plot's edge.
    """
    v = _steady(values)
    if v is values or v.empty:
        return None
    c = float(v.iloc[0])
    pad = abs(c) * 0.05 or 1.0
    return [c - pad, c + pad]


def _steadied(sweep: pd.DataFrame, *keys: str) -> pd.DataFrame:
    """``sweep`` with each KPI in ``keys`` that stays constant over it made exactly constant."""
    return sweep.assign(**{k: _steady(sweep[k]) for k in dict.fromkeys(keys)})


def tradeoff_chart(
    sweep: pd.DataFrame, kpi_a: str, kpi_b: str, title: str | None = None
) -> go.Figure:
    """Two KPIs along a lever sweep from :func:`valuelab.kpis.tradeoffs.tradeoff`, one axis each.

    Examples
    --------
    >>> from valuelab.kpis import funnel, tradeoff
    >>> fig = tradeoff_chart(tradeoff(funnel()), "conversion", "contribution")
    >>> fig.layout.yaxis2.title.text
    'Contribution (EUR/month)'

    Two KPIs in the same unit share one axis (revenue above contribution,
    never one line hidden under the other); otherwise the second has its own
    axis on the right and a dashed line. Names, units and number formats come
    from :data:`~valuelab.core.quantities.QUANTITIES`.
    """
    lever = str(sweep["lever"].iloc[0])
    sweep = _steadied(sweep, kpi_a, kpi_b)
    x, a, b = _shown(lever), _shown(kpi_a), _shown(kpi_b)
    shared = a.unit == b.unit and a.kind == b.kind
    fig = make_subplots(specs=[[{"secondary_y": not shared}]])
    for q, key, color, dash in ((a, kpi_a, PALETTE[0], "solid"), (b, kpi_b, PALETTE[3], "dash")):
        fig.add_scatter(
            x=sweep[lever],
            y=sweep[key],
            name=q.title,
            line={"color": color, "dash": dash},
            hovertemplate=f"{q.label}: {q.hover('y')}<extra></extra>",
            secondary_y=None if shared else key == kpi_b and key != kpi_a,
        )
    finish(fig, title=title or f"Moving {x.label[:1].lower()}{x.label[1:]}: {a.label} vs {b.label}")
    _axis(fig, x, "x", hoverformat=x.d3_format)
    if shared:
        _axis(fig, a, "y", rangemode="tozero")
        fig.update_yaxes(title_text=f"{a.label} and {b.label} ({a.unit})")
    else:
        fig.update_yaxes(title_text=a.display_title, tickformat=a.d3_format, secondary_y=False)
        fig.update_yaxes(
            title_text=b.display_title, tickformat=b.d3_format, secondary_y=True, showgrid=False
        )
        for key, second in ((kpi_a, False), (kpi_b, True)):
            if (span := _padded(sweep[key])) is not None:
                fig.update_yaxes(range=span, secondary_y=second)
    return fig


def frontier_chart(
    sweep: pd.DataFrame,
    efficient: pd.DataFrame,
    kpi_a: str,
    kpi_b: str,
    current: pd.Series | None = None,
    title: str | None = None,
) -> go.Figure:
    """Every swept point, the Pareto frontier through the efficient ones, and the current point.

    Examples
    --------
    >>> from valuelab.kpis import frontier, funnel, tradeoff
    >>> s = tradeoff(funnel())
    >>> fig = frontier_chart(s, frontier(s, "revenue", "contribution"), "revenue", "contribution")
    >>> [t.name for t in fig.data]
    ['all points', 'Pareto frontier']
    """
    fig = go.Figure()
    sweep = _steadied(sweep, kpi_a, kpi_b)
    efficient = _steadied(efficient, kpi_a, kpi_b)
    a, b = _swept_points(fig, sweep, kpi_a, kpi_b)
    fig.add_scatter(
        x=efficient[kpi_a],
        y=efficient[kpi_b],
        mode="lines",
        name="Pareto frontier",
        line={"color": PALETTE[3], "width": 2},
    )
    if current is not None:
        fig.add_scatter(
            x=[current[kpi_a]],
            y=[current[kpi_b]],
            mode="markers",
            name="current",
            marker={
                "symbol": "star",
                "size": 18,
                "color": PALETTE[1],
                "line": {"width": 1, "color": "#333"},
            },
            cliponaxis=False,
        )
    finish(fig, title=title or "Trade-off frontier")
    _axis(fig, a, "x", range=_padded(sweep[kpi_a]))
    _axis(fig, b, "y", range=_padded(sweep[kpi_b]))
    return fig


def _swept_points(
    fig: go.Figure, sweep: pd.DataFrame, kpi_a: str, kpi_b: str
) -> tuple[Quantity, Quantity]:
    """Every swept point, coloured by the lever's value; the two KPIs' quantities."""
    lever = str(sweep["lever"].iloc[0])
    x, a, b = _shown(lever), _shown(kpi_a), _shown(kpi_b)
    fig.add_scatter(
        x=sweep[kpi_a],
        y=sweep[kpi_b],
        mode="markers",
        name="all points",
        cliponaxis=False,
        marker={
            "color": sweep[lever],
            "colorscale": "Viridis",
            "size": 9,
            "colorbar": {"title": x.display_title, "tickformat": x.d3_format},
        },
        customdata=sweep[lever],
        hovertemplate=f"{x.label}: {x.hover('customdata')}<br>{a.label}: {a.hover('x')}"
        f"<br>{b.label}: {b.hover('y')}<extra></extra>",
    )
    return a, b


def pareto_chart(
    table: pd.DataFrame,
    unit: str = "deals citing it",
    title: str = "What drives purchase decisions",
) -> go.Figure:
    """Bars per feature (vital few coloured) and the cumulative share, with the 80 % line.

    ``table`` comes from :func:`valuelab.kpis.eighty_twenty.pareto_features`.

    Examples
    --------
    >>> from valuelab.kpis import pareto_features
    >>> t = pareto_features(pd.DataFrame({"feature": list("aaaaaaaabc")}))
    >>> pareto_chart(t).layout.yaxis2.title.text
    'Cumulative share of decisions (%)'
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    colors = [PALETTE[0] if v else "#bbb" for v in table["vital"]]
    fig.add_bar(x=table["feature"], y=table["count"], name="decisions", marker_color=colors)
    fig.add_scatter(
        x=table["feature"],
        y=table["cumulative_pct"],
        name="cumulative %",
        line={"color": PALETTE[3]},
        secondary_y=True,
    )
    fig.add_hline(y=80, line_dash="dash", secondary_y=True, annotation_text="80 %")
    fig.update_yaxes(
        title_text="Cumulative share of decisions (%)", range=[0, 105], secondary_y=True
    )
    fig.update_xaxes(tickangle=-45)
    finish(fig, title=title, x_title="Feature (most decisive first)", y_title=f"Decisions ({unit})")
    fig.update_yaxes(
        title_text="Cumulative share of decisions (%)", range=[0, 105], secondary_y=True
    )
    return fig


def _cohort_label(start: object, unit: str) -> str:
    """A cohort's name: ``2024-03`` (month), ``2024Q1`` (quarter), the start date otherwise."""
    if not isinstance(start, pd.Timestamp):
        return str(start)
    if unit == "month":
        return start.strftime("%Y-%m")
    if unit == "quarter":
        return f"{start.year}Q{start.quarter}"
    return start.strftime("%Y-%m-%d")


def _partial_cells(table: pd.DataFrame, unit: str) -> list[list[bool]]:
    """True where cohort + k falls in a calendar period the log covers in part (``attrs``)."""
    partial = set(table.attrs.get("incomplete_periods", []))
    if not partial or not isinstance(table.index, pd.DatetimeIndex):
        return [[False] * table.shape[1] for _ in range(table.shape[0])]
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7)}.get(
        unit, pd.DateOffset(months=3 if unit == "quarter" else 1)
    )
    return [
        [(start + step * int(k)).date().isoformat() in partial for k in table.columns]
        for start in table.index
    ]


def cohort_heatmap(
    table: pd.DataFrame, unit: str = "month", title: str = "Retention by sign-up cohort"
) -> go.Figure:
    """Heatmap of a cohort retention table: cohorts by row, periods since sign-up by column (0-1).

    Periods the log covers in part are drawn apart: a cohort whose own period is partial is
    labelled "(partial)" (``attrs["incomplete_cohorts"]``), and a share kept for a partial
    calendar period (``include_incomplete=True``) is marked with an asterisk and said so on hover.

    Examples
    --------
    >>> t = pd.DataFrame([[1.0, 0.5], [1.0, None]], index=["2024-01", "2024-02"], columns=[0, 1])
    >>> cohort_heatmap(t).data[0].type
    'heatmap'
    """
    pct = table.astype(float) * 100
    partial_cohorts = set(table.attrs.get("incomplete_cohorts", []))
    rows = [
        _cohort_label(d, unit)
        + (
            " (partial)"
            if isinstance(d, pd.Timestamp) and d.date().isoformat() in partial_cohorts
            else ""
        )
        for d in pct.index
    ]
    cells = _partial_cells(table, unit)
    text = [
        ["" if pd.isna(v) else f"{v:.0f}" + ("*" if p else "") for v, p in zip(r, c, strict=True)]
        for r, c in zip(pct.to_numpy(), cells, strict=True)
    ]
    note = [
        ["; incomplete period (the log covers it in part)" if p else "" for p in c] for c in cells
    ]
    fig = go.Figure(
        go.Heatmap(
            z=pct.to_numpy(),
            x=[str(c) for c in pct.columns],
            y=rows,
            colorscale="Blues",
            zmin=0,
            zmax=100,
            text=text,
            texttemplate="%{text}",
            customdata=note,
            colorbar={"title": "% retained"},
            hovertemplate="cohort %{y}, " + unit + " %{x}: %{z:.1f} %%{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return finish(
        fig, title=title, x_title=f"{unit.capitalize()}s since sign-up", y_title="Sign-up cohort"
    )


def holdout_chart(
    table: pd.DataFrame,
    period: str = "week",
    holdout_periods: float = 39,
    title: str = "Holdout purchases: BG/NBD prediction vs actual",
) -> go.Figure:
    """Mean actual and predicted holdout purchases by calibration purchases (FHL 2005, Fig. 4).

    ``table`` comes from :func:`valuelab.kpis.holdout_by_frequency`; the hover
    gives each group's customers.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"customers": [3, 1], "actual": [0.2, 1.0], "predicted": [0.3, 0.9]},
    ...     index=pd.Index(["0", "1+"], name="calibration_purchases"),
    ... )
    >>> holdout_chart(t).layout.yaxis.title.text
    'Purchases per customer in the 39-week holdout'
    """
    x = [str(i) for i in table.index]
    hover = [f"{n:,} customers" for n in table["customers"]]
    fig = go.Figure()
    for col, name, dash, color in [
        ("actual", "Actual", "solid", PALETTE[0]),
        ("predicted", "BG/NBD (predicted)", "dash", PALETTE[3]),
    ]:
        fig.add_scatter(
            x=x,
            y=table[col],
            name=name,
            mode="lines+markers",
            line={"dash": dash, "color": color},
            customdata=hover,
            hovertemplate="%{y:.2f} purchases (%{customdata})<extra>" + name + "</extra>",
        )
    return finish(
        fig,
        title=title,
        x_title="Repeat purchases in the calibration period",
        y_title=f"Purchases per customer in the {holdout_periods:g}-{period} holdout",
    )


def _band_fill(color: str) -> str:
    r, g, b = (int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},0.18)"


def survival_chart(
    curves: SurvivalCurve | Mapping[str, SurvivalCurve],
    title: str = "Share of subscribers still subscribed, by tenure",
) -> go.Figure:
    """Kaplan–Meier curves (step lines, in %) with their confidence bands (shaded).

    Parameters
    ----------
    curves : SurvivalCurve or mapping of name to SurvivalCurve
        From :func:`valuelab.kpis.survival.kaplan_meier`; one line per curve.

    Examples
    --------
    >>> from valuelab.kpis import kaplan_meier
    >>> c = kaplan_meier(pd.DataFrame({"tenure": [1, 2, 3], "churned": [True, False, True]}))
    >>> fig = survival_chart(c)
    >>> [t.name for t in fig.data], fig.layout.xaxis.title.text
    ([None, '95 % band', 'all customers'], 'Tenure (months)')
    """
    named = {"all customers": curves} if isinstance(curves, SurvivalCurve) else dict(curves)
    fig = go.Figure()
    for i, (name, curve) in enumerate(named.items()):
        t, color = curve.table, PALETTE[i % len(PALETTE)]
        x = t.index.to_numpy()
        band = f"{curve.level:.0%}".replace("%", " % band")
        fig.add_scatter(
            x=x,
            y=t["upper"] * 100,
            line={"width": 0, "shape": "hv"},
            hoverinfo="skip",
            showlegend=False,
        )
        fig.add_scatter(
            x=x,
            y=t["lower"] * 100,
            line={"width": 0, "shape": "hv"},
            fill="tonexty",
            fillcolor=_band_fill(color),
            name=band if len(named) == 1 else f"{name}: {band}",
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=x,
            y=t["survival"] * 100,
            line={"color": color, "shape": "hv"},
            name=name,
            customdata=t[["at_risk", "churned", "censored"]].to_numpy(),
            hovertemplate=f"{name}: %{{y:.1f}} % after %{{x:,.1~f}} {curve.unit} "
            "(at risk %{customdata[0]}, churned %{customdata[1]}, censored %{customdata[2]})"
            "<extra></extra>",
        )
    fig.update_yaxes(range=[0, 102])
    unit = next(iter(named.values())).unit
    return finish(fig, title=title, x_title=f"Tenure ({unit})", y_title="Still subscribed (%)")


def period_chart(
    table: pd.DataFrame, column: str, y_title: str | Quantity, title: str | None = None
) -> go.Figure:
    """One per-period metric over time; periods the log covers in part drawn apart (dotted, hollow).

    Parameters
    ----------
    table : pandas.DataFrame
        A per-period result of ``valuelab.kpis.events`` (index ``period_start``, a ``complete``
        column).
    column : str
        The metric to draw.
    y_title : str or Quantity
        The metric's quantity (e.g. ``kpis.events.table.quantities(currency)[column]``): its
        label names the line, its unit the axis and hover; or just the y-axis title with its
        unit, e.g. ``"Monthly active users (users)"``, whose words before the unit name the line.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"actives": [5, 9, 2], "complete": [True, True, False]},
    ...     index=pd.date_range("2024-01-01", periods=3, freq="MS", name="period_start"),
    ... )
    >>> [trace.name for trace in period_chart(t, "actives", "Users (users)").data]
    ['Users', None, 'Users, incomplete period']
    """
    shown = _metric(y_title)
    whole = table["complete"].astype(bool).to_numpy()
    x, y = list(table.index), table[column].tolist()
    fig = go.Figure()
    fig.add_scatter(
        x=table.index[whole], y=table.loc[whole, column], name=shown.label, mode="lines+markers"
    )
    xs, ys = _links(x, y, whole)
    fig.add_scatter(
        x=xs, y=ys, mode="lines", line={"color": PALETTE[0], "dash": "dot"}, showlegend=False
    )
    fig.add_scatter(
        x=table.index[~whole],
        y=table.loc[~whole, column],
        name=f"{shown.label}, incomplete period",
        mode="markers",
        marker={"color": PALETTE[0], "symbol": "circle-open", "size": 10},
    )
    fig.update_traces(line={"color": PALETTE[0]}, selector={"name": shown.label})
    return _period_axes(fig, shown, title or f"{shown.label} per period")


def _metric(y_title: str | Quantity) -> Quantity:
    """The quantity a per-period chart draws: given, or named by an axis title's words."""
    if isinstance(y_title, Quantity):
        return y_title
    label, unit = re.fullmatch(r"(.*?)(?:\s*\(([^()]*)\))?", y_title).groups()
    return named_quantity(label, unit, label=label) if unit else Quantity(label)


def _period_axes(fig: go.Figure, shown: Quantity, title: str) -> go.Figure:
    """Hovers and the y axis in ``shown``'s unit and format (never ``e+``, a share in %)."""
    hover = f"{shown.hover()}<extra>%{{fullData.name}}</extra>"
    fig.update_traces(hovertemplate=hover, selector={"mode": "lines+markers"})
    fig.update_traces(hovertemplate=hover, selector={"mode": "markers"})
    finish(fig, title=title, x_title="Period start", y_title=shown.display_title)
    fig.update_yaxes(tickformat=shown.d3_format)
    return fig


def _links(x: list, y: list, whole) -> tuple[list, list]:
    """Dotted segments from each incomplete period to its neighbours (None between segments)."""
    xs, ys = [], []
    for i in range(len(x) - 1):
        if not (whole[i] and whole[i + 1]):
            xs += [x[i], x[i + 1], None]
            ys += [y[i], y[i + 1], None]
    return xs, ys


def segment_chart(
    table: pd.DataFrame, column: str, y_title: str | Quantity, title: str | None = None
) -> go.Figure:
    """One per-period metric, one line per segment; incomplete periods dotted and hollow.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows per period and segment (index ``period_start``, columns ``segment``, ``complete``
        and ``column``), e.g. ``kpi_table(source, by_segment=True)``.
    column : str
        The metric to draw.
    y_title : str or Quantity
        The metric's quantity (its unit on the axis and in the hovers), or the y-axis title
        with its unit, e.g. ``"Margin per customer (USD per customer)"``.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "segment": ["a", "a", "b", "b"],
    ...         "nps": [10, 20, -5, 0],
    ...         "complete": [True, False, True, False],
    ...     },
    ...     index=pd.DatetimeIndex(["2024-01-01", "2024-02-01"] * 2, name="period_start"),
    ... )
    >>> [tr.name for tr in segment_chart(t, "nps", "NPS (-100 to 100)").data]
    ['a', None, 'a, incomplete period', 'b', None, 'b, incomplete period']
    """
    fig = go.Figure()
    for i, (segment, rows) in enumerate(table.groupby("segment", sort=True)):
        color = PALETTE[i % len(PALETTE)]
        whole = rows["complete"].astype(bool).to_numpy()
        xs, ys = _links(list(rows.index), rows[column].tolist(), whole)
        fig.add_scatter(
            x=rows.index[whole],
            y=rows.loc[whole, column],
            name=str(segment),
            mode="lines+markers",
            line={"color": color},
            legendgroup=str(segment),
        )
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": color, "dash": "dot"},
            showlegend=False,
            legendgroup=str(segment),
        )
        fig.add_scatter(
            x=rows.index[~whole],
            y=rows.loc[~whole, column],
            mode="markers",
            name=f"{segment}, incomplete period",
            legendgroup=str(segment),
            marker={"color": color, "symbol": "circle-open", "size": 10},
        )
    shown = _metric(y_title)
    return _period_axes(fig, shown, title or f"{shown.label} per segment")

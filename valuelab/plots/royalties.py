"""Figures for streaming royalties (:mod:`valuelab.royalties.payouts`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from valuelab.core import InputError
from valuelab.plots.style import PALETTE, finish
from valuelab.royalties.rules import PAYOUT_RULES

__all__ = ["euro_flow", "pool_vs_reported", "tier_change", "yearly"]


def pool_vs_reported(table: pd.DataFrame, payout_share: float) -> go.Figure:
    """Bars: estimated royalty pool vs reported payouts per year (EUR bn).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`valuelab.royalties.moneyflow.pool_by_year` output.
    payout_share : float
        The share used for the estimate (0-1), shown in the legend.

    Examples
    --------
    >>> from valuelab.data import load_spotify_annual
    >>> from valuelab.royalties import pool_by_year
    >>> fig = pool_vs_reported(pool_by_year(load_spotify_annual()), 2 / 3)
    >>> len(fig.data)
    2
    """
    fig = go.Figure()
    fig.add_bar(
        x=table["year"], y=table["pool_eur_bn"], name=f"Estimate: {payout_share:.0%} of revenue"
    )
    fig.add_bar(x=table["year"], y=table["reported_eur_bn"], name="Reported by Spotify")
    return finish(fig, title="Royalty pool: estimate vs reported", x_title="Year", y_title="EUR bn")


def euro_flow(path: pd.DataFrame, title: str = "Where one euro goes") -> go.Figure:
    """Horizontal bars of :func:`valuelab.royalties.moneyflow.euro_path` (EUR per euro).

    Examples
    --------
    >>> from valuelab.royalties import euro_path
    >>> euro_flow(euro_path()).data[0].orientation
    'h'
    """
    fig = go.Figure(
        go.Bar(
            x=path["eur"],
            y=path["recipient"],
            orientation="h",
            marker_color=PALETTE[: len(path)],
            text=[f"{v:.3f}" for v in path["eur"]],
            textposition="auto",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title=title, x_title="EUR", y_title="Recipient")


def tier_change(tiers: pd.DataFrame, title: str = "Change vs pro-rata by tier") -> go.Figure:
    """Grouped bars: each rule's change in payout vs pro-rata (percent) per popularity tier.

    Each rule is named by its label in :data:`valuelab.royalties.PAYOUT_RULES`
    (another name as it is). The changes are relative (percent of the pro-rata
    payout), derived from a listening log by :func:`valuelab.royalties.compare`.

    Parameters
    ----------
    tiers : pandas.DataFrame
        :func:`valuelab.royalties.payouts.by_tier` output (the pro-rata rows are skipped).

    Examples
    --------
    >>> t = pd.DataFrame({"rule": ["user_centric"], "tier": ["top 10"], "change_pct": [-3.0]})
    >>> tier_change(t).data[0].name
    'User-centric'
    """
    fig = go.Figure()
    for rule, rows in tiers[tiers["rule"] != "pro_rata"].groupby("rule", sort=False):
        name = PAYOUT_RULES[rule].label if rule in PAYOUT_RULES else str(rule)
        fig.add_bar(
            x=rows["tier"],
            y=rows["change_pct"],
            name=name,
            hovertemplate=f"{name}, %{{x}}: %{{y:+.1f}} % vs pro-rata<extra></extra>",
        )
    fig.update_layout(hovermode="closest")
    return finish(
        fig,
        title=title,
        x_title="Artists by popularity",
        y_title="Change in payout vs pro-rata (%)",
    )


def yearly(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    unit: str,
    title: str,
    x: str = "year",
) -> go.Figure:
    """Line chart of one or more yearly columns sharing a unit.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per year.
    columns : mapping
        Column name to the label shown in the legend.
    unit : str
        Unit of the y axis, e.g. ``"EUR m"``.
    title : str
        Figure title.
    x : str
        The year column.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2023, 2024], "rev": [1.0, 2.0]})
    >>> yearly(df, {"rev": "Revenue"}, unit="EUR m", title="Revenue").layout.yaxis.title.text
    'EUR m'
    """
    missing = [c for c in [x, *columns] if c not in df.columns]
    if missing:
        raise InputError(
            "missing columns " + ", ".join(missing), source="plots.yearly", expected="year columns"
        )
    fig = go.Figure()
    for col, label in columns.items():
        values = pd.to_numeric(df[col], errors="coerce").astype(float)
        fig.add_trace(
            go.Scatter(
                x=df[x],
                y=values,
                name=label,
                mode="lines+markers",
                hovertemplate=f"{label}: %{{y:,.2f}} {unit}<extra></extra>",
            )
        )
    fig.update_xaxes(dtick=1)
    return finish(fig, title=title, x_title="Year", y_title=unit)

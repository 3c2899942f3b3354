"""Figures for streaming royalties (:mod:`valuelab.royalties.payouts`)."""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from valuelab.core import QUANTITIES, InputError
from valuelab.core.quantities import in_words
from valuelab.plots.style import PALETTE, finish
from valuelab.royalties.rules import PAYOUT_RULES

__all__ = ["KIND_SYMBOLS", "euro_flow", "pool_vs_reported", "tier_change", "yearly"]


def pool_vs_reported(table: pd.DataFrame, payout_share: float, music_ad_share: float) -> go.Figure:
    """The estimated royalty pool (EUR bn, dashed, with its range) beside reported payouts.

    The pool is an estimate (see :func:`valuelab.royalties.annual.pool_estimate`);
    the payouts are what Spotify reported, in the currency it reported them:
    USD bn (Loud & Clear) on the right axis, and the one EUR figure derived from
    two lifetime totals of the 20-F (2022) on the left. Nothing is converted:
    the two axes share a range so the bars can be read side by side, but they
    are in different currencies.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`valuelab.royalties.annual.pool_estimate` output.
    payout_share, music_ad_share : float
        The assumptions of the central estimate (0-1), shown in the legend.

    Examples
    --------
    >>> from valuelab.data import load_spotify_annual
    >>> from valuelab.royalties import pool_estimate
    >>> fig = pool_vs_reported(pool_estimate(load_spotify_annual()), 2 / 3, 0.8)
    >>> fig.data[2].name, fig.data[3].yaxis
    ('Estimated pool: 67% of music revenue (EUR bn)', 'y2')
    """
    fig = go.Figure()
    _add_pool(fig, table, payout_share, music_ad_share)
    _add_payouts(fig, table)
    cols = ("pool_high_eur_bn", "reported_usd_bn", "derived_eur_bn")
    top = 1.1 * float(pd.concat([table[c] for c in cols]).max())
    right = {"overlaying": "y", "side": "right", "range": [0, top], "showgrid": False}
    fig.update_layout(yaxis={"range": [0, top]}, yaxis2=right)
    fig.update_xaxes(dtick=1)
    finish(fig, title="Royalty pool: estimate (EUR) vs payouts reported (USD)", x_title="Year")
    fig.update_layout(yaxis_title_text="EUR bn (estimate)", yaxis2_title_text="USD bn (reported)")
    return fig


def _add_pool(
    fig: go.Figure, table: pd.DataFrame, payout_share: float, music_ad_share: float
) -> None:
    """The estimate: its low-high band and the dashed central line (EUR bn)."""
    years = table["year"]
    band = "Estimated range: 65-70 % paid out, 60-100 % of ads from music"
    edge = {"mode": "lines", "line": {"width": 0}, "name": band, "legendgroup": "band"}
    fig.add_scatter(
        x=years, y=table["pool_high_eur_bn"], showlegend=False, hoverinfo="skip", **edge
    )
    fig.add_scatter(
        x=years,
        y=table["pool_low_eur_bn"],
        fill="tonexty",
        fillcolor="rgba(0,114,178,0.15)",
        hovertemplate="range low (EUR bn): %{y:.1f}<extra></extra>",
        **edge,
    )
    fig.add_scatter(
        x=years,
        y=table["pool_eur_bn"],
        mode="lines",
        line={"dash": "dash", "color": PALETTE[0]},
        name=f"Estimated pool: {payout_share:.0%} of music revenue (EUR bn)",
        hovertemplate=f"estimated: {payout_share:.1%} x (Premium + {music_ad_share:.0%} of ads)"
        ": EUR %{y:.1f} bn<extra></extra>",
    )


def _add_payouts(fig: go.Figure, table: pd.DataFrame) -> None:
    """The payouts: reported (USD bn, right axis) and derived (EUR bn, left axis) markers."""
    fig.add_scatter(
        x=table["year"],
        y=table["reported_usd_bn"],
        mode="markers",
        yaxis="y2",
        marker={"size": 11, "color": PALETTE[3]},
        name="Reported payout (USD bn)",
        hovertemplate="reported by Spotify: USD %{y:.1f} bn<extra></extra>",
    )
    fig.add_scatter(
        x=table["year"],
        y=table["derived_eur_bn"],
        mode="markers",
        marker={"size": 11, "symbol": "diamond", "color": PALETTE[2]},
        name="Derived payout (EUR bn)",
        hovertemplate="derived: change in the 20-F lifetime total, EUR %{y:.1f} bn<extra></extra>",
    )


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
            text=[f"{v:.3f} EUR" for v in path["eur"]],
            # beside the bar, level and never clipped: on a phone a small bar's value
            # turned sideways inside it ("0.067" on its side)
            textposition="outside",
            textangle=0,
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.3f} EUR of each euro<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    # room right of the longest bar for its value
    fig.update_xaxes(tickformat=".2f", range=[0, max(float(path["eur"].max()), 0.01) * 1.35])
    return finish(fig, title=title, x_title="EUR of each euro of revenue", y_title="Recipient")


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


#: Marker symbol of each kind of figure in :func:`yearly`.
KIND_SYMBOLS = {"reported": "circle", "derived": "diamond", "estimated": "circle-open"}


def _hover(kinds: pd.DataFrame | None, years: pd.Series) -> list[str] | None:
    """Per-point hover text: the kind, its basis and the source documents (escaped)."""
    if kinds is None:
        return None
    by_year = kinds.set_index("year")
    texts = []
    for year in years:
        if year not in by_year.index:
            texts.append("")
            continue
        row = by_year.loc[year]
        docs = [d.rsplit(", http", 1)[0] for d in str(row["source"]).split("; ")]
        basis = f" ({html.escape(in_words(str(row['basis'])))})" if row.get("basis", "") else ""
        texts.append(
            f"<br>{html.escape(str(row['kind']))}{basis}<br>source: "
            + "<br>".join(html.escape(d) for d in docs)
        )
    return texts


def _yearly_trace(
    years: pd.Series, column: pd.Series, label: str, unit: str, kinds: pd.DataFrame | None
) -> go.Scatter:
    """One line; with ``kinds``, markers by kind and hover text with the source.

    A registered column (:data:`~valuelab.core.quantities.QUANTITIES`) shows its
    values with its own precision (675 million, not 675.00).
    """
    known = QUANTITIES.get(str(column.name))
    value = known.hover("y") if known is not None else f"%{{y:,.2f}} {unit}"
    trace = go.Scatter(
        x=years,
        y=pd.to_numeric(column, errors="coerce").astype(float),
        name=label,
        mode="lines+markers",
        text=_hover(kinds, years),
        hovertemplate=f"{label}: {value}"
        + ("%{text}" if kinds is not None else "")
        + "<extra></extra>",
    )
    if kinds is not None:
        kind_of = kinds.set_index("year")["kind"]
        trace.marker.symbol = [KIND_SYMBOLS.get(kind_of.get(y), "circle") for y in years]
        trace.marker.size = 9
    return trace


def yearly(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    unit: str,
    title: str,
    x: str = "year",
    provenance: pd.DataFrame | None = None,
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
    provenance : pandas.DataFrame, optional
        :func:`valuelab.royalties.annual.provenance` output (``year``,
        ``column``, ``kind``, ``source``, ``basis``): each point's marker then
        shows its kind (:data:`KIND_SYMBOLS`: reported ●, derived ◆, estimated ○)
        and its hover text the kind, basis and source documents.

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
        kinds = None if provenance is None else provenance[provenance["column"] == col]
        fig.add_trace(_yearly_trace(df[x], df[col], label, unit, kinds))
    if provenance is not None:
        fig.add_annotation(
            text="● reported  ◆ derived  ○ estimated (hover a point for its source)",
            xref="paper",
            yref="paper",
            x=0,
            y=-0.22,
            showarrow=False,
            font={"size": 11},
        )
    fig.update_xaxes(dtick=1)
    formats = {QUANTITIES[c].d3_format if c in QUANTITIES else ",.2f" for c in columns}
    fig.update_yaxes(tickformat=formats.pop() if len(formats) == 1 else ",")
    return finish(fig, title=title, x_title="Year", y_title=unit)

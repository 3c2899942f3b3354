"""Royalty figures: pool vs reported, where a euro goes, change by tier."""

import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.data import load_spotify_annual
from valuelab.plots.royalties import (
    KIND_SYMBOLS,
    euro_flow,
    pool_vs_reported,
    tier_change,
    yearly,
)
from valuelab.royalties import euro_path, pool_estimate, provenance


def test_pool_estimate_dashed_beside_reported_payout_markers():
    table = pool_estimate(load_spotify_annual(), 2 / 3, 0.8)
    fig = pool_vs_reported(table, 2 / 3, 0.8)
    names = [t.name for t in fig.data]
    assert names[2:] == [
        "Estimated pool: 67% of music revenue (EUR bn)",
        "Reported payout (USD bn)",
        "Derived payout (EUR bn)",
    ]
    _, band_low, pool, reported, derived = fig.data
    assert band_low.fill == "tonexty" and band_low.name.startswith("Estimated range")
    assert pool.line.dash == "dash" and pool.mode == "lines"
    assert pool.y[-1] == pytest.approx(2 / 3 * (13.819 + 0.8 * 1.854))  # 2024, EUR bn
    assert reported.mode == "markers" and reported.yaxis == "y2"
    assert reported.y[-1] == 10.0 and reported.y[-2] == 9.0  # USD bn, as reported
    assert derived.y[7] == 8.0 and derived.yaxis is None  # 2022, EUR bn, on the EUR axis
    assert fig.layout.yaxis.title.text == "EUR bn (estimate)"
    assert fig.layout.yaxis2.title.text == "USD bn (reported)"
    assert list(fig.layout.yaxis.range) == list(fig.layout.yaxis2.range)
    assert "estimated" in pool.hovertemplate and "reported" in reported.hovertemplate


def test_yearly_marks_each_point_with_its_kind_and_source():
    annual = load_spotify_annual()
    fig = yearly(
        annual,
        {"ad_mau_m": "Ad-supported MAU", "gross_margin_pct": "Gross margin"},
        unit="million / %",
        title="T",
        provenance=provenance(),
    )
    ad, margin = fig.data
    assert ad.marker.symbol[-1] == KIND_SYMBOLS["reported"] == "circle"
    # gross margin is derived, except where gross profit is estimated (2018, 2024: secondary)
    kinds = dict(zip(annual["year"], margin.marker.symbol, strict=True))
    assert {y for y, k in kinds.items() if k == KIND_SYMBOLS["estimated"]} == {2018, 2024}
    assert set(kinds.values()) == {KIND_SYMBOLS["derived"], KIND_SYMBOLS["estimated"]}
    assert pd.isna(ad.y[5]) and ad.text[5] == ""  # 2020: not retrieved
    assert "reported" in ad.text[-1] and "Q4 2024 Update" in ad.text[-1]
    assert "gross profit / revenue" in margin.text[-1]
    assert ad.hovertemplate.endswith("%{text}<extra></extra>")
    assert "estimated" in fig.layout.annotations[0].text


def test_euro_flow_one_bar_per_recipient():
    path = euro_path(payout_share=0.5, recording_share=1.0, artist_royalty_rate=0.2)
    fig = euro_flow(path, title="One euro")
    (bars,) = fig.data
    assert bars.orientation == "h" and list(bars.y) == list(path["recipient"])
    assert list(bars.x) == pytest.approx([0.5, 0.4, 0.1, 0.0, 0.0])
    assert list(bars.text) == ["0.500 EUR", "0.400 EUR", "0.100 EUR", "0.000 EUR", "0.000 EUR"]
    assert fig.layout.title.text == "One euro"
    assert fig.layout.xaxis.title.text == "EUR of each euro of revenue"
    assert fig.layout.yaxis.title.text == "Recipient"
    assert fig.layout.yaxis.autorange == "reversed"  # the service first, from the top
    # values stay level and beside their bars (a narrow phone turned them sideways)
    assert (bars.textangle, bars.textposition, bars.cliponaxis) == (0, "outside", False)
    assert fig.layout.xaxis.range == pytest.approx((0, 0.5 * 1.35))  # room for the longest's


def test_tier_change_groups_bars_by_rule_without_pro_rata():
    tiers = pd.DataFrame(
        {
            "rule": ["pro_rata", "pro_rata", "user_centric", "user_centric", "blend_50"],
            "tier": ["top 10", "long tail", "top 10", "long tail", "top 10"],
            "change_pct": [0.0, 0.0, 8.0, -12.0, 4.0],
        }
    )
    fig = tier_change(tiers)
    # the registry's labels, not the code names
    assert [t.name for t in fig.data] == ["User-centric", "Blend 50/50"]
    assert list(fig.data[0].x) == ["top 10", "long tail"] and list(fig.data[0].y) == [8.0, -12.0]
    assert fig.layout.title.text == "Change vs pro-rata by tier"
    assert fig.layout.xaxis.title.text == "Artists by popularity"
    assert fig.layout.yaxis.title.text == "Change in payout vs pro-rata (%)"
    assert tier_change(tiers.assign(rule="mine")).data[0].name == "mine"


def test_one_line_per_column_with_its_label_and_unit():
    annual = load_spotify_annual()
    fig = yearly(
        annual,
        {"total_revenue_eur_m": "Total revenue", "premium_revenue_eur_m": "Premium revenue"},
        unit="EUR m",
        title="Spotify revenue",
    )
    assert [t.name for t in fig.data] == ["Total revenue", "Premium revenue"]
    assert all(t.type == "scatter" and t.mode == "lines+markers" for t in fig.data)
    assert list(fig.data[0].x) == list(range(2015, 2025))
    assert fig.data[0].y[-1] == 15673.0 and fig.data[1].y[0] == 1744.0
    assert fig.layout.title.text == "Spotify revenue"
    assert fig.layout.xaxis.title.text == "Year" and fig.layout.yaxis.title.text == "EUR m"
    assert fig.layout.xaxis.dtick == 1
    # registered columns keep their precision: 15,673 EUR m, never 15,673.00
    assert fig.data[0].hovertemplate == "Total revenue: %{y:,.0f} EUR m<extra></extra>"
    assert fig.layout.yaxis.tickformat == ",.0f"


def test_text_that_is_not_a_number_becomes_a_gap():
    df = pd.DataFrame({"year": [2023, 2024], "x": ["1.5", "n/a"]})
    fig = yearly(df, {"x": "X"}, unit="%", title="T")
    assert fig.data[0].y[0] == 1.5 and pd.isna(fig.data[0].y[1])


def test_missing_columns_are_named():
    with pytest.raises(InputError, match="missing columns year, nope"):
        yearly(pd.DataFrame({"x": [1]}), {"nope": "N"}, unit="EUR", title="T")

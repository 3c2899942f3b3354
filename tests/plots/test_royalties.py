"""Royalty figures: pool vs reported, where a euro goes, change by tier."""

import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.data import load_spotify_annual
from valuelab.plots.royalties import euro_flow, pool_vs_reported, tier_change, yearly
from valuelab.royalties import euro_path, pool_by_year


def test_pool_vs_reported_bars_per_year_in_eur_bn():
    table = pool_by_year(load_spotify_annual(), 2 / 3)
    fig = pool_vs_reported(table, 2 / 3)
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert [t.name for t in fig.data] == ["Estimate: 67% of revenue", "Reported by Spotify"]
    assert list(fig.data[0].x) == list(range(2015, 2025))
    assert fig.data[0].y[-1] == pytest.approx(15.673 * 2 / 3)  # 2024 pool, EUR bn
    assert fig.layout.title.text == "Royalty pool: estimate vs reported"
    assert fig.layout.xaxis.title.text == "Year" and fig.layout.yaxis.title.text == "EUR bn"


def test_euro_flow_one_bar_per_recipient():
    path = euro_path(payout_share=0.5, recording_share=1.0, artist_royalty_rate=0.2)
    fig = euro_flow(path, title="One euro")
    (bars,) = fig.data
    assert bars.orientation == "h" and list(bars.y) == list(path["recipient"])
    assert list(bars.x) == pytest.approx([0.5, 0.4, 0.1, 0.0, 0.0])
    assert list(bars.text) == ["0.500", "0.400", "0.100", "0.000", "0.000"]
    assert fig.layout.title.text == "One euro"
    assert fig.layout.xaxis.title.text == "EUR" and fig.layout.yaxis.title.text == "Recipient"
    assert fig.layout.yaxis.autorange == "reversed"  # the service first, from the top


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
    assert fig.data[0].hovertemplate == "Total revenue: %{y:,.2f} EUR m<extra></extra>"


def test_text_that_is_not_a_number_becomes_a_gap():
    df = pd.DataFrame({"year": [2023, 2024], "x": ["1.5", "n/a"]})
    fig = yearly(df, {"x": "X"}, unit="%", title="T")
    assert fig.data[0].y[0] == 1.5 and pd.isna(fig.data[0].y[1])


def test_missing_columns_are_named():
    with pytest.raises(InputError, match="missing columns year, nope"):
        yearly(pd.DataFrame({"x": [1]}), {"nope": "N"}, unit="EUR", title="T")

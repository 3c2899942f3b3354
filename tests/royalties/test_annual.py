"""Spotify's annual figures over a span of years: the glance app, lesson 00 and the year report."""

import numpy as np
import pandas as pd
import pytest

from valuelab.core import FIGURE_KINDS, InputError, quantity
from valuelab.data import load_spotify_annual
from valuelab.royalties import (
    ANNUAL_METRICS,
    annual_sources,
    annual_summary,
    annual_value,
    pool_estimate,
)
from valuelab.royalties import annual as annual_mod


def test_a_summary_by_hand():
    # premium subscribers: 28 m (2015) to 263 m (2024)
    s = annual_summary(load_spotify_annual(), "premium_subs_m", 2015, 2024)
    assert (s["start_value"], s["end_value"]) == (28.0, 263.0)
    assert s["change_pct"] == pytest.approx((263 / 28 - 1) * 100)
    assert s["cagr_pct"] == pytest.approx(((263 / 28) ** (1 / 9) - 1) * 100)


def test_every_metric_has_a_label_and_a_unit():
    for metric in ANNUAL_METRICS:
        assert quantity(metric).unit, metric
        assert annual_summary(load_spotify_annual(), metric, 2023, 2024)["end_value"] > 0


@pytest.mark.parametrize(
    ("metric", "start", "end", "message"),
    [
        ("source", 2015, 2024, "unknown metric 'source'"),
        ("mau_m", 2024, 2024, "expected start < end"),
        ("mau_m", 2010, 2024, "no mau_m for 2010"),
        ("ad_mau_m", 2020, 2024, "no ad_mau_m for 2020"),
    ],
)
def test_bad_requests_are_named(metric, start, end, message):
    with pytest.raises(InputError, match=message):
        annual_summary(load_spotify_annual(), metric, start, end)


def test_revenue_summary_by_hand():
    # revenue 1,940 EUR m in 2015 and 15,673 in 2024: 8.08 times in 9 years
    s = annual_summary(load_spotify_annual(), "total_revenue_eur_m", 2015, 2024)
    assert s["start_value"] == 1940.0 and s["end_value"] == 15673.0
    assert s["change_pct"] == pytest.approx((15673 / 1940 - 1) * 100)  # +707.9 %
    assert s["cagr_pct"] == pytest.approx(((15673 / 1940) ** (1 / 9) - 1) * 100)  # +26.1 % a year
    one_year = annual_summary(load_spotify_annual(), "total_revenue_eur_m", 2023, 2024)
    assert one_year["cagr_pct"] == pytest.approx(one_year["change_pct"])  # (15,673 / 13,247 - 1)


# --- kinds and sources ------------------------------------------------------------


def _tables():
    annual = pd.DataFrame({"year": [2023, 2024], "a": [1.0, 2.0], "b": [3.0, np.nan]})
    sources = pd.DataFrame(
        {
            "year": [2023, 2024, 2023],
            "column": ["a", "a", "b"],
            "kind": ["reported", "derived", "estimated"],
            "sources": ["P", "P;S", "S"],
            "formula": [None, "a_2023 * 2", None],
            "basis": [None, "twice 2023", "a blog"],
        }
    )
    docs = pd.DataFrame(
        {
            "id": ["P", "S"],
            "document": ["Filing", "Blog"],
            "url": ["u1", "u2"],
            "primary": [True, False],
        }
    )
    return annual, sources, docs


def test_provenance_joins_figure_kind_and_documents():
    annual, sources, docs = _tables()
    t = annual_mod.provenance(annual, sources, docs)
    assert t[["year", "column", "value", "kind"]].values.tolist() == [
        [2023, "a", 1.0, "reported"],
        [2023, "b", 3.0, "estimated"],
        [2024, "a", 2.0, "derived"],
    ]
    assert t["source"].tolist() == ["Filing, u1", "Blog, u2", "Filing, u1; Blog, u2"]
    assert t["primary"].tolist() == [True, False, True]
    assert annual_mod.recompute("a_2023 * 2", 2024, annual) == 2.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.drop(index=2), "row 2023 b: figures without a sources row"),
        (lambda s: pd.concat([s, s.iloc[[2]].assign(year=2024)]), "row 2024 b: rows without a fig"),
        (lambda s: pd.concat([s, s.iloc[[0]]]), "rows 2023 a, 2023 a: duplicate rows"),
        (lambda s: s.assign(kind=["said", "derived", "estimated"]), "row 2023 a: unknown kind"),
        (lambda s: s.assign(sources=["P", "P;X", "S"]), "row 2024 a: unknown document id"),
        (lambda s: s.assign(sources=["S", "P", "S"]), "row 2023 a: reported without a primary"),
        (lambda s: s.assign(formula=[None, " ", None]), "row 2024 a: derived without a formula"),
        (lambda s: s.assign(basis=[None, "x", None]), "row 2023 b: estimated without a basis"),
    ],
)
def test_bad_sources_are_named(change, message):
    annual, sources, docs = _tables()
    with pytest.raises(InputError, match=message):
        annual_mod.check_provenance(annual, change(sources), docs)


def test_annual_sources_are_sourced_values():
    values = annual_sources(2024, pool=False)
    assert len(values) == 12  # every non-empty figure of 2024
    by_label = {v.figure: v for v in values}
    mau = by_label["Spotify ad-supported monthly active users, 2024"]
    assert (mau.value, mau.unit, mau.kind) == (425.0, "million", "reported")
    assert "Q4 2024 Update" in mau.source
    margin = by_label["Spotify gross margin, 2024"]
    # a formula on an estimated gross profit (secondary 20-F extract): estimated, formula kept
    assert margin.kind == "estimated"
    assert margin.basis.startswith("Gross profit / Total revenue * 100")  # keys as their labels
    assert "estimated input(s): Gross profit" in margin.basis
    payout = by_label["Spotify royalties paid in the year, 2024"]
    assert (payout.value, payout.unit, payout.kind) == (10.0, "USD bn", "reported")
    assert annual_value(2023, "ad_mau_m").value == 379
    with pytest.raises(InputError, match="no figure ad_mau_m for 2020"):
        annual_value(2020, "ad_mau_m")
    everything = annual_sources()
    assert len(everything) == 112 and {v.kind for v in everything} == set(FIGURE_KINDS)
    with_pool = annual_sources(2024)
    assert [v.kind for v in with_pool[12:]] == ["estimated", "estimated"]  # payout listed once


# --- the royalty pool: an estimate beside the reported payouts ----------------------


def test_pool_estimate_by_hand():
    annual = pd.DataFrame(
        {
            "year": [2024, 2023],
            "total_revenue_eur_m": [1200.0, 600.0],
            "premium_revenue_eur_m": [1000.0, 500.0],
            "ad_revenue_eur_m": [200.0, 100.0],
            "royalties_paid_usd_bn": [0.9, np.nan],
            "royalties_paid_eur_bn": [np.nan, 0.4],
        }
    )
    t = pool_estimate(annual, payout_share=0.5, music_ad_share=0.5)
    assert t["year"].tolist() == [2023, 2024]
    # music revenue 2024 = 1.0 + 0.5 x 0.2 = 1.1 EUR bn; pool = 0.5 x 1.1
    assert t["music_revenue_eur_bn"].tolist() == pytest.approx([0.55, 1.1])
    assert t["pool_eur_bn"].tolist() == pytest.approx([0.275, 0.55])
    # range: 0.65 x (1.0 + 0.6 x 0.2) to 0.70 x (1.0 + 1.0 x 0.2)
    assert t["pool_low_eur_bn"].tolist()[1] == pytest.approx(0.65 * 1.12)
    assert t["pool_high_eur_bn"].tolist()[1] == pytest.approx(0.70 * 1.2)
    assert t["pool_share_of_revenue"].tolist() == pytest.approx([0.275 / 0.6, 0.55 / 1.2])
    assert np.isnan(t["reported_usd_bn"][0]) and t["reported_usd_bn"][1] == 0.9
    assert t["derived_eur_bn"][0] == 0.4 and np.isnan(t["derived_eur_bn"][1])
    with pytest.raises(InputError, match="music_ad_share"):
        pool_estimate(annual, music_ad_share=1.5)


def test_pool_estimate_vs_reported_payouts():
    t = pool_estimate(load_spotify_annual()).set_index("year")
    # 2024: 2/3 x (13,819 + 0.8 x 1,854) EUR m = EUR 10.20 bn, not 2/3 of all 15,673 (10.45)
    assert t.loc[2024, "pool_eur_bn"] == pytest.approx(2 / 3 * (13.819 + 0.8 * 1.854))
    assert round(t.loc[2024, "pool_eur_bn"], 2) == 10.20
    assert (
        round(t.loc[2024, "pool_low_eur_bn"], 2),
        round(t.loc[2024, "pool_high_eur_bn"], 2),
    ) == (
        9.71,
        10.97,
    )
    assert t.loc[2024, "reported_usd_bn"] == 10.0  # USD, as Spotify reported it
    assert round(t.loc[2023, "pool_eur_bn"], 2) == 8.61 and t.loc[2023, "reported_usd_bn"] == 9.0
    # 2022, the one EUR comparison: pool EUR 7.62 bn vs EUR 8 bn derived from the 20-F totals
    assert round(t.loc[2022, "pool_eur_bn"], 2) == 7.62 and t.loc[2022, "derived_eur_bn"] == 8.0
    assert np.isnan(t.loc[2021, "derived_eur_bn"])  # no EUR figure for 2021 any more


def test_annual_sources_list_the_reported_payout_once():
    figures = [v.figure for v in annual_sources(2024)]
    assert figures.count("Spotify royalties paid in the year, 2024") == 1
    assert len(figures) == len(set(figures)) == 12 + 2  # the figures, music revenue, the pool


def test_check_year_names_the_parameter_the_value_and_the_valid_range():
    from valuelab.royalties import check_year

    annual = load_spotify_annual()  # 2015-2024: a year and the one before from 2016
    assert check_year(annual, 2016) == 2016 and check_year(annual, 2024) == 2024
    for bad in (2015, 2031):
        with pytest.raises(InputError) as err:
            check_year(annual, bad)
        text = str(err.value)
        assert f"year {bad}" in text and "from 2016 to 2024" in text
        assert "Error" not in text and "Index" not in text  # no exception names, no pandas
    with pytest.raises(InputError, match="period 2030"):
        check_year(pd.DataFrame({"year": [2030]}), 2030, parameter="period")

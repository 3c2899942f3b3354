"""Lesson 02's payout sources: kinds, sources and numbers computed by the package."""

import pytest

from valuelab import royalties as r
from valuelab.core import sources_table


@pytest.fixture(scope="module")
def rows():
    return {v.figure: v for v in r.payout_sources(log_rows=3_000)}


def test_every_row_has_a_kind_a_source_and_a_basis(rows):
    table = sources_table(rows.values())
    assert set(table["kind"]) == {"reported", "derived", "estimated"}
    assert (table["source"].str.len() > 10).all()
    assert (table.loc[table["kind"] != "reported", "basis"].str.len() > 10).all()


def test_the_farm_and_the_prices(rows):
    farm = rows["Stream farm under user-centric (payment-weighted)"]
    assert farm.value == 9.38 == round(3 * 4.69 * 2 / 3, 2)
    assert "3 Premium accounts x EUR 4.69" in farm.basis
    assert rows["Stream farm under pro-rata"].value > 10 * farm.value
    equal = rows["Stream farm under user-centric with equal shares (teaching contrast)"]
    assert equal.value < farm.value


def test_the_rate_says_its_side(rows):
    rate = next(v for k, v in rows.items() if k.startswith("Spotify rate per stream"))
    assert "recording side" in rate.figure and rate.value == r.DEFAULT_RATE_USD
    assert "publishing side is paid separately" in rate.basis


def test_lifetime_sources_of_lesson_02_section_3():
    from valuelab.data import datasets
    from valuelab.royalties import lifetime_sources

    cum, pool, mid2015 = lifetime_sources(2 / 3, 0.8)
    assert (cum.value, cum.unit, cum.kind) == (26.0, "EUR bn", "estimated")  # secondary report
    assert "Music Ally" in cum.source
    a = datasets.load("spotify_annual").set_index("year").loc[2015:2021]
    oracle = (2 / 3 * (a["premium_revenue_eur_m"] + 0.8 * a["ad_revenue_eur_m"]) / 1000).sum()
    assert pool.value == pytest.approx(oracle) and pool.kind == "estimated"
    assert (mid2015.value, mid2015.unit, mid2015.kind) == (3.0, "USD bn", "estimated")
    assert "https://musically.com/2015/06/05/" in mid2015.source

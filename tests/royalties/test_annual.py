"""Spotify's annual figures over a span of years: the glance app, lesson 00 and the year report."""

import pytest

from valuelab.core import InputError, quantity
from valuelab.data import load_spotify_annual
from valuelab.royalties import ANNUAL_METRICS, annual_summary


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
        ("mau_m", 2010, 2024, "no data for 2010"),
    ],
)
def test_bad_requests_are_named(metric, start, end, message):
    with pytest.raises(InputError, match=message):
        annual_summary(load_spotify_annual(), metric, start, end)

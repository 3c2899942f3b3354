"""Product KPIs against hand-computed values, and every error path."""

import numpy as np
import pandas as pd
import pytest

from valuelab import kpis
from valuelab.core.errors import InputError
from valuelab.kpis import event_log


def test_the_issue_hand_cases():
    assert kpis.nps([10, 10, 9, 3]) == 50.0
    assert kpis.ltv(arpa=100, gross_margin=0.8, churn_rate=0.02) == pytest.approx(4000)
    assert kpis.cac_payback_months(cac=1200, arpa=100, gross_margin=0.8) == pytest.approx(15)


def test_funnel_and_margin_kpis():
    assert kpis.conversion_rate(40, 2000) == 0.02
    assert kpis.average_order_value(12_000, 200) == 60.0
    assert kpis.revenue(10_000, 0.02, 60) == pytest.approx(12_000)
    assert kpis.gross_margin(1000, 550) == pytest.approx(0.45)
    assert kpis.contribution_margin(1000, 550, 100) == pytest.approx(0.35)
    assert kpis.margin_per_customer(50_000, 30_000, 400) == 50.0
    assert kpis.churn_rate(30, 1000) == 0.03 and kpis.retention_rate(30, 1000) == 0.97
    assert kpis.nps([7, 8]) == 0.0 and kpis.nps([0, 6, 9]) == pytest.approx(-100 / 3)
    assert kpis.ltv_cohort([1.0, 0.5, 0.25], arpa=100, gross_margin=0.8) == pytest.approx(140)
    assert kpis.ltv_cohort([1.0, 1.0], 100, 1.0, discount_rate=0.1) == pytest.approx(
        100 + 100 / 1.1
    )


def test_vectorized_equals_scalar_and_series_keep_their_index():
    visitors = pd.Series([1000, 2000, 4000], index=["a", "b", "c"])
    orders = pd.Series([10, 50, 40], index=["a", "b", "c"])
    rates = kpis.conversion_rate(orders, visitors)
    assert list(rates.index) == ["a", "b", "c"]
    for k in rates.index:
        assert rates[k] == kpis.conversion_rate(orders[k], visitors[k])
    arr = kpis.ltv(np.array([100, 50]), 0.8, np.array([0.02, 0.05]))
    assert arr.tolist() == pytest.approx([4000, 800])


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: kpis.conversion_rate(-1, 100), "orders: -1 out of range"),
        (lambda: kpis.conversion_rate(200, 100), "more orders than visitors"),
        (lambda: kpis.conversion_rate(1, 0), "visitors: 0 out of range"),
        (lambda: kpis.revenue(100, 1.5, 10), "conversion: 1.5 out of range (expected a share 0-1)"),
        (lambda: kpis.ltv(100, 0.8, 0), "churn_rate: 0 out of range"),
        (lambda: kpis.ltv(100, np.nan, 0.1), "gross_margin: missing value (NaN)"),
        (lambda: kpis.ltv([100, np.nan], 0.8, 0.1), "arpa: row 1: missing value"),
        (lambda: kpis.churn_rate(5, 4), "lost more customers than there were"),
        (lambda: kpis.nps([10, 11]), "responses: row 1: 11 is not an answer"),
        (lambda: kpis.nps([7.5]), "7.5 is not an answer"),
        (lambda: kpis.nps(["ten"]), "responses: row 0: not a number"),
        (lambda: kpis.nps([]), "no answers"),
        (lambda: kpis.average_order_value("x", 2), "revenue: 'x' is not a number"),
    ],
)
def test_bad_inputs_name_the_argument(call, named):
    with pytest.raises(InputError) as info:
        call()
    assert named in str(info.value)


def _log():
    rows = [
        ("a", "2024-01-03", "signup"),
        ("a", "2024-01-04", "visit"),
        ("b", "2024-01-20", "signup"),
        ("a", "2024-02-02", "visit"),
        ("c", "2024-02-05", "signup"),
        ("c", "2024-02-06", "purchase"),
        ("a", "2024-03-01", "purchase"),
        ("c", "2024-03-02", "visit"),
    ]
    df = pd.DataFrame(rows, columns=["user_id", "date", "event"])
    return df.assign(date=pd.to_datetime(df["date"]))


def test_cohort_retention_by_hand():
    table = kpis.cohort_retention(_log())
    # Jan cohort: a, b. Month 1 (Feb): a only; month 2 (Mar): a only.
    assert table.loc["2024-01"].tolist() == [1.0, 0.5, 0.5]
    # Feb cohort: c, active in Feb and Mar; month 2 is after the log ends
    assert table.loc["2024-02"].tolist()[:2] == [1.0, 1.0] and np.isnan(table.loc["2024-02", 2])
    only = kpis.cohort_retention(_log(), active_events=["purchase"])
    assert only.loc["2024-01"].tolist() == [0.0, 0.0, 0.5]


def test_dau_mau_and_stickiness_by_hand():
    log = _log()
    daily = kpis.dau(log)
    assert daily[pd.Timestamp("2024-01-03")] == 1 and daily.sum() == 8  # 8 user-days
    assert kpis.mau(log).tolist() == [2, 2, 2]
    sticky = kpis.stickiness(log)
    jan = 3 / 29 / 2  # 3 user-days over the 29 observed January days, 2 monthly users
    assert sticky.iloc[0] == pytest.approx(jan)


def test_time_to_value_by_hand():
    ttv = kpis.time_to_value(_log(), value_event="purchase")
    assert (
        ttv.loc["a", "days"] == 58 and ttv.loc["c", "days"] == 1 and np.isnan(ttv.loc["b", "days"])
    )
    summary = kpis.ttv_summary(ttv)
    assert summary["users"] == 3 and summary["reached_pct"] == pytest.approx(200 / 3)
    assert summary["median_days"] == 29.5


def test_event_log_errors():
    bad = _log().assign(user_id=["a", None, "b", "a", "c", "c", "a", "c"])
    with pytest.raises(InputError, match="column 'user_id', row 1: missing value"):
        kpis.dau(bad)
    with pytest.raises(InputError, match="missing column date"):
        kpis.mau(_log().drop(columns="date"))
    with pytest.raises(InputError, match="none of \\['value'\\] in the log"):
        kpis.time_to_value(_log())
    with pytest.raises(InputError, match="unknown period"):
        kpis.cohort_retention(_log(), period="year")


def test_dense_and_hashed_counting_agree(monkeypatch):
    from valuelab.data import datasets

    events = datasets.load("shop_events")
    dense = (kpis.cohort_retention(events), kpis.dau(events), kpis.mau(events))
    monkeypatch.setattr(event_log, "_DENSE_LIMIT", 0)
    hashed = (kpis.cohort_retention(events), kpis.dau(events), kpis.mau(events))
    pd.testing.assert_frame_equal(dense[0], hashed[0])
    pd.testing.assert_series_equal(dense[1], hashed[1])
    pd.testing.assert_series_equal(dense[2], hashed[2])


def test_monthly_churn_and_shop_summary_are_consistent():
    from valuelab.data import datasets

    log = _log()  # Jan: a, b; Feb: a, c; Mar: a, c -> churn Jan->Feb 1/2, Feb->Mar 0
    assert kpis.monthly_churn(log) == 0.25
    events = datasets.load("shop_events")
    s = kpis.shop_summary(events, cac=35)
    orders = events[events["event"] == "purchase"]
    assert s["orders"] == len(orders)
    assert s["revenue_eur"] == pytest.approx(orders["revenue_eur"].sum())
    assert s["aov_eur"] == pytest.approx(s["revenue_eur"] / s["orders"])
    ltv = s["arpa_eur_month"] * s["gross_margin"] / s["monthly_churn"]
    assert s["ltv_eur"] == pytest.approx(ltv)
    assert s["cac_payback_months"] == pytest.approx(35 / (s["arpa_eur_month"] * s["gross_margin"]))
    assert s["nps"] == pytest.approx(kpis.nps(events["nps_score"].dropna()))
    assert -100 <= s["nps"] <= 100 and 0 < s["dau_mau"] < 1

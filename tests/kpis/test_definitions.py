"""Product KPI definitions against hand-computed values, and every error path."""

import numpy as np
import pandas as pd
import pytest

from valuelab import kpis
from valuelab.core.errors import InputError


def test_the_issue_hand_cases():
    assert kpis.nps([10, 10, 9, 3]) == 50.0
    assert kpis.ltv(arpa=100, gross_margin=0.8, churn_rate=0.02) == pytest.approx(4000)
    assert kpis.cac_payback_months(cac=1200, arpa=100, gross_margin=0.8) == pytest.approx(15)


def test_the_simple_ltv_takes_contractual_churn_and_refuses_activity_churn():
    contractual = 0.03  # 3 % of subscribers cancel each month
    assert kpis.ltv(45.0, 0.7, contractual) == pytest.approx(45 * 0.7 / 0.03)
    activity = kpis.ActivityChurn(0.03, population="paying customers")
    with pytest.raises(InputError) as info:
        kpis.ltv(45.0, 0.7, activity)
    msg = str(info.value)
    assert msg.startswith("churn_rate: activity churn")
    assert "valuelab.kpis.survival" in msg and "BG/NBD" in msg
    assert repr(activity) == "ActivityChurn(0.03, period='month', population='paying customers')"
    import pickle

    assert pickle.loads(pickle.dumps(activity)).population == "paying customers"


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

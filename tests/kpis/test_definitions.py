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
    assert repr(activity) == (
        "ActivityChurn(value=0.03, period='month', population='paying customers')"
    )
    with pytest.raises(InputError):  # rounded explicitly, it is a plain number again: accepted
        kpis.ltv(45.0, 0.7, [activity, 0.03])
    assert kpis.ltv(45.0, 0.7, round(float(activity), 3)) == pytest.approx(1050)
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


# --- pandas Series are matched by label (issue 20, item 5) -----------------------------

SEGMENTS = ["smb", "mid", "enterprise"]


def _by_segment(values: list[float], order: list[str] = SEGMENTS) -> pd.Series:
    """``values`` labelled by segment, listed in ``order``."""
    return pd.Series(values, index=SEGMENTS).reindex(order)


def test_margin_per_customer_by_segment_matches_pandas_not_positions():
    # The issue's case: customers listed in another order than revenue and costs.
    revenue = _by_segment([300.0, 600.0, 900.0])
    costs = _by_segment([200.0, 400.0, 600.0])
    customers = _by_segment([1, 2, 3], order=["enterprise", "mid", "smb"])
    got = kpis.margin_per_customer(revenue, costs, customers)
    oracle = (revenue - costs) / customers  # pandas aligns by label: 100 everywhere
    assert oracle.to_dict() == {"enterprise": 100.0, "mid": 100.0, "smb": 100.0}
    assert got.to_dict() == oracle.to_dict()  # by position it was 33.3 / 100 / 300
    assert list(got.index) == SEGMENTS  # the first Series' order


#: Each element-wise KPI, its arguments by segment, and the plain pandas formula.
PANDAS_ORACLES = [
    (kpis.conversion_rate, ([40, 90, 30], [2000, 3000, 1000]), lambda o, v: o / v),
    (kpis.average_order_value, ([1200.0, 900.0, 600.0], [20, 30, 5]), lambda r, o: r / o),
    (
        kpis.revenue,
        ([1000, 2000, 500], [0.02, 0.05, 0.1], [60.0, 40.0, 80.0]),
        lambda v, c, a: v * c * a,
    ),
    (kpis.gross_margin, ([1000.0, 800.0, 500.0], [550.0, 200.0, 400.0]), lambda r, c: (r - c) / r),
    (
        kpis.contribution_margin,
        ([1000.0, 800.0, 500.0], [550.0, 200.0, 400.0], [100.0, 40.0, 0.0]),
        lambda r, c, v: (r - c - v) / r,
    ),
    (kpis.churn_rate, ([30, 5, 1], [1000, 50, 4]), lambda lost, start: lost / start),
    (kpis.retention_rate, ([30, 5, 1], [1000, 50, 4]), lambda lost, start: 1 - lost / start),
    (
        kpis.ltv,
        ([100.0, 40.0, 900.0], [0.8, 0.5, 0.7], [0.02, 0.05, 0.01]),
        lambda a, m, c: a * m / c,
    ),
    (
        kpis.cac_payback_months,
        ([1200.0, 300.0, 9000.0], [100.0, 30.0, 500.0], [0.8, 0.5, 0.6]),
        lambda cac, a, m: cac / (a * m),
    ),
]


@pytest.mark.parametrize(
    ("kpi", "args", "oracle"), PANDAS_ORACLES, ids=lambda x: getattr(x, "__name__", "")
)
def test_every_elementwise_kpi_agrees_with_pandas_on_shuffled_series(kpi, args, oracle):
    orders = [SEGMENTS, ["enterprise", "smb", "mid"], ["mid", "enterprise", "smb"]]
    series = [_by_segment(a, o) for a, o in zip(args, orders, strict=False)]
    got = kpi(*series)
    expected = oracle(*series)
    assert list(got.index) == SEGMENTS
    pd.testing.assert_series_equal(got, expected.reindex(SEGMENTS).astype(float), check_names=False)
    # a Series with scalars keeps working
    assert kpi(series[0], *args[1:] and [a[0] for a in args[1:]]).index.tolist() == SEGMENTS


def test_series_with_other_labels_are_refused_not_paired():
    revenue = _by_segment([300.0, 600.0, 900.0])
    costs = pd.Series([200.0, 400.0], index=["smb", "mid"])
    customers = pd.Series([1, 2, 3], index=["smb", "mid", "public"])
    with pytest.raises(InputError) as info:
        kpis.margin_per_customer(revenue, costs, customers)
    message = str(info.value)
    assert "costs: labels differ from those of 'revenue' (missing enterprise)" in message
    assert "customers: labels differ from those of 'revenue' (missing enterprise; " in message
    assert "not in 'revenue': public)" in message
    with pytest.raises(InputError, match="orders: row a: repeated labels"):
        kpis.conversion_rate(
            pd.Series([1, 2], index=["a", "a"]), pd.Series([10, 20], index=["a", "b"])
        )


def test_series_and_arrays_pair_by_position_as_pandas_does():
    orders = pd.Series([10, 50], index=["b", "a"])
    got = kpis.conversion_rate(orders, np.array([100, 1000]))
    assert got.to_dict() == (orders / np.array([100, 1000])).to_dict() == {"b": 0.1, "a": 0.05}


@pytest.mark.parametrize(
    "answers",
    [
        [True, False, True],
        pd.Series([True, False]),
        pd.Series([True, None], dtype="boolean"),
        np.array([True, False]),
        [10, True, 9],
        True,
    ],
    ids=["list", "series", "nullable", "array", "mixed", "scalar"],
)
def test_nps_refuses_true_and_false(answers):
    with pytest.raises(InputError, match="True/False is not an answer"):
        kpis.nps(answers)


def test_nps_names_the_rows_of_booleans_and_still_reads_numbers():
    with pytest.raises(InputError) as info:
        kpis.nps(pd.Series([10, True, 9, False], index=["u1", "u2", "u3", "u4"], dtype=object))
    assert "responses: rows u2, u4: True/False is not an answer" in str(info.value)
    answers = pd.Series([10, 9, 3, 7], dtype="Int64")
    oracle = ((answers >= 9).mean() - (answers <= 6).mean()) * 100
    assert kpis.nps(answers) == pytest.approx(oracle) == 25.0


def test_elementwise_kpis_refuse_booleans_too():
    with pytest.raises(InputError, match="orders: rows 0, 1: True/False is not a number"):
        kpis.conversion_rate([True, False], [10, 10])
    with pytest.raises(InputError, match="customers: row 1: True/False is not a number"):
        kpis.margin_per_customer(pd.Series([1.0, 2.0]), 0, pd.Series([3, True]))

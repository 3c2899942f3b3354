"""Kaplan–Meier survival, its life table and band, and lifetime value from it, by hand.

The oracle is a plain pandas product-limit estimator with Greenwood's variance
and the log(-log) ("exponential Greenwood") band (Kalbfleisch & Prentice 2002,
section 1.4); the numbers of the censored life table below are worked by hand.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from valuelab import kpis
from valuelab.core.errors import InputError

# ten subscribers: tenure in months, True = cancelled, False = still subscribed (censored)
TENURE = [2, 3, 3, 5, 6, 6, 8, 9, 10, 12]
CHURNED = [True, True, False, True, False, True, True, False, True, False]


def _customers() -> pd.DataFrame:
    return pd.DataFrame({"tenure": TENURE, "churned": CHURNED})


def _oracle(frame: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Product-limit estimate, Greenwood variance, log(-log) band: plain pandas."""
    times = sorted({0.0, *frame["tenure"].astype(float)})
    rows, s, greenwood = [], 1.0, 0.0
    z = norm.ppf(0.5 + level / 2)
    for t in times:
        at_risk = int((frame["tenure"] >= t).sum())
        here = frame["tenure"] == t
        d = int((here & frame["churned"]).sum())
        c = int((here & ~frame["churned"]).sum())
        if d:
            s *= 1 - d / at_risk
            greenwood += d / (at_risk * (at_risk - d))
        if s in (0.0, 1.0):
            lo = hi = s
        else:
            half = z * np.sqrt(greenwood) / abs(np.log(s))
            lo = np.exp(-np.exp(np.log(-np.log(s)) + half))
            hi = np.exp(-np.exp(np.log(-np.log(s)) - half))
        rows.append((t, at_risk, d, c, s, lo, hi))
    cols = ["tenure", "at_risk", "churned", "censored", "survival", "lower", "upper"]
    return pd.DataFrame(rows, columns=cols).set_index("tenure")


def test_censored_life_table_by_hand():
    table = kpis.kaplan_meier(_customers()).table
    assert table.index.tolist() == [0, 2, 3, 5, 6, 8, 9, 10, 12]
    assert table["at_risk"].tolist() == [10, 10, 9, 7, 6, 4, 3, 2, 1]
    assert table["churned"].tolist() == [0, 1, 1, 1, 1, 1, 0, 1, 0]
    assert table["censored"].tolist() == [0, 0, 1, 0, 1, 0, 1, 0, 1]
    # S = 9/10, x 8/9, x 6/7, x 5/6, x 3/4, (censored), x 1/2
    by_hand = [1, 0.9, 0.8, 0.8 * 6 / 7, 0.8 * 5 / 7, 0.8 * 15 / 28, 0.8 * 15 / 28, 0.8 * 15 / 56]
    assert table["survival"].tolist()[:-1] == pytest.approx(by_hand)
    # t = 2: Greenwood 1/(10 x 9); log(-log 0.9) -/+ 1.96 x sqrt(1/90) / -log 0.9
    assert table.loc[2, "lower"] == pytest.approx(0.47301, abs=1e-5)
    assert table.loc[2, "upper"] == pytest.approx(0.98528, abs=1e-5)
    pd.testing.assert_frame_equal(table, _oracle(_customers()), check_dtype=False)
    assert kpis.kaplan_meier(_customers()).median == 8.0


def test_band_level_and_step_lookup():
    curve = kpis.kaplan_meier(_customers(), level=0.8)
    pd.testing.assert_frame_equal(curve.table, _oracle(_customers(), 0.8), check_dtype=False)
    at = curve.at([0, 1.5, 2, 4, 12])
    assert at["survival"].tolist() == pytest.approx([1, 1, 0.9, 0.8, 0.8 * 15 / 56])
    assert (at["lower"] <= at["survival"]).all() and (at["survival"] <= at["upper"]).all()
    with pytest.raises(InputError, match="does not extrapolate"):
        curve.at(13)


def test_ltv_from_the_survival_curve_by_hand():
    curve = kpis.kaplan_meier(_customers())
    s = curve.at(np.arange(12))["survival"].to_numpy()  # S(0) .. S(11)
    assert kpis.survival_ltv(curve, 10.0) == pytest.approx(10 * s.sum())
    d = 1.1 ** (1 / 12) - 1  # 10 % a year, monthly
    expected = sum(10 * s[t] / (1 + d) ** t for t in range(12))
    assert kpis.survival_ltv(curve, 10.0, discount_rate=d) == pytest.approx(expected)
    # 3 months: S(0) + S(1) + S(2) = 1 + 1 + 0.9
    assert kpis.survival_ltv(curve, 10.0, horizon=3) == pytest.approx(29.0)
    with pytest.raises(InputError, match="horizon 13 is past the curve"):
        kpis.survival_ltv(curve, 10.0, horizon=13)
    with pytest.raises(InputError, match="discount_rate"):
        kpis.survival_ltv(curve, 10.0, discount_rate=1.5)


def test_constant_churn_survival_gives_the_simple_formula_back():
    # no censoring, 20 % cancel at each month end: S(t) = 0.8^t; over a long horizon the
    # discounted sum tends to margin / churn = the simple formula's ARPA x margin / churn
    counts = [round(1000 * 0.8**k * 0.2) for k in range(30)]
    tenure = np.repeat(np.arange(1, 31), counts)
    curve = kpis.kaplan_meier(pd.DataFrame({"tenure": tenure, "churned": True}))
    assert curve.at([1, 2, 3])["survival"].tolist() == pytest.approx([0.8, 0.64, 0.512], abs=2e-3)
    simple = kpis.ltv(arpa=25.0, gross_margin=0.4, churn_rate=0.2)
    assert kpis.survival_ltv(curve, 25.0 * 0.4) == pytest.approx(simple, rel=0.01)


def test_tenure_from_dates_censors_at_the_as_of_date():
    subs = pd.DataFrame(
        {
            "start_date": ["2024-01-01", "2024-01-15", "2024-03-01", "2024-06-01"],
            "end_date": ["2024-03-01", None, "2024-03-31", None],
        }
    )
    t = kpis.tenure_from_dates(subs, as_of="2024-07-01")
    assert t["churned"].tolist() == [True, False, True, False]
    days = np.array([60, 168, 30, 30])  # 2024 is a leap year
    assert t["tenure"].to_numpy() == pytest.approx(days / (365.2425 / 12))
    table = kpis.kaplan_meier(t).table
    # 30 days: 4 at risk, 1 cancels (and 1 censored) -> 3/4; 60 days: 2 at risk, 1 cancels
    assert table["survival"].tolist() == pytest.approx([1, 0.75, 0.375, 0.375])
    assert table["censored"].tolist() == [0, 1, 0, 1]


def test_errors_name_the_rows():
    with pytest.raises(InputError, match=r"customers: column 'tenure', row 1: value below 0"):
        kpis.kaplan_meier(pd.DataFrame({"tenure": [1, -1], "churned": [True, False]}))
    with pytest.raises(InputError, match="column 'churned'.*not true/false"):
        kpis.kaplan_meier(pd.DataFrame({"tenure": [1, 2], "churned": ["yes", "no"]}))
    with pytest.raises(InputError, match="missing column churned"):
        kpis.kaplan_meier(pd.DataFrame({"tenure": [1]}))
    subs = pd.DataFrame(
        {"start_date": ["2024-02-01", "2024-01-01"], "end_date": [None, "2023-12-01"]}
    )
    with pytest.raises(InputError, match=r"column 'end_date', row 1: end_date before start_date"):
        kpis.tenure_from_dates(subs, as_of="2024-06-30")
    with pytest.raises(InputError, match="start_date after as_of 2024-01-15"):
        kpis.tenure_from_dates(subs.iloc[:1], as_of="2024-01-15")


def test_tenure_from_a_panel_of_periods():
    panel = pd.DataFrame(
        {
            "account_id": ["a", "a", "a", "b", "c", "c"],
            "segment": ["SMB", "SMB", "SMB", "Enterprise", "SMB", "SMB"],
            "churned": [False, False, True, False, False, False],
        }
    )
    t = kpis.tenure_from_panel(panel, keep=("segment",))
    assert t.to_dict("index") == {
        "a": {"tenure": 3, "churned": True, "segment": "SMB"},
        "b": {"tenure": 1, "churned": False, "segment": "Enterprise"},
        "c": {"tenure": 2, "churned": False, "segment": "SMB"},
    }
    late = pd.concat(
        [panel, pd.DataFrame({"account_id": ["a"], "segment": ["SMB"], "churned": [False]})]
    )
    with pytest.raises(InputError, match="row 6: rows after the period the customer churned"):
        kpis.tenure_from_panel(late.reset_index(drop=True))


def test_the_synthetic_portfolio_life_table():
    from valuelab.data import datasets

    history = datasets.load("accounts_history")
    t = kpis.tenure_from_panel(history, keep=("segment", "arr_eur"))
    # oracle: quarters each account appears; churned if any row says so
    rows = history.groupby("account_id", observed=True)
    assert t["tenure"].tolist() == rows.size().tolist()
    assert int(t["churned"].sum()) == int(history["churned"].sum()) == 164
    table = kpis.kaplan_meier(t, unit="quarters").table
    assert table["at_risk"].tolist() == [600, 600, 565, 535, 511, 495, 484, 464, 450]
    assert table["churned"].tolist() == [0, 35, 30, 24, 16, 11, 20, 14, 14]
    assert table["censored"].iloc[-1] == 436
    assert table["survival"].iloc[-1] == pytest.approx(436 / 600)


def test_a_churn_at_tenure_0_lowers_s0_and_the_ltv():
    # 4 customers: one leaves at tenure 0 (cancelled before paying), one at 1, one censored at
    # 2, one leaves at 3 -> S(0) = 3/4, S(1) = 1/2, S(2) = 1/2 (the censored one leaves the count)
    curve = kpis.kaplan_meier(
        pd.DataFrame({"tenure": [0, 1, 2, 3], "churned": [True, True, False, True]})
    )
    assert curve.at(0)["survival"].iloc[0] == 0.75
    # LTV = 10 x (S(0) + S(1) + S(2)) = 10 x (0.75 + 0.5 + 0.5): the tenure-0 leaver pays nothing
    assert kpis.survival_ltv(curve, 10.0) == pytest.approx(17.5)
    nobody_at_0 = kpis.kaplan_meier(pd.DataFrame({"tenure": [1, 3], "churned": [True, True]}))
    assert nobody_at_0.at(0)["survival"].iloc[0] == 1.0
    assert kpis.survival_ltv(nobody_at_0, 10.0) == pytest.approx(10 * (1 + 0.5 + 0.5))

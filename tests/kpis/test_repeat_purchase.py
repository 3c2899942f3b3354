"""BG/NBD and Gamma-Gamma on a transaction log (valuelab.kpis.repeat_purchase).

The CDNOW checks reproduce Fader, Hardie & Lee (2005) with one model fitted per
session; plain pandas/numpy oracles recompute the summaries, the holdout and
the BG/NBD conditional expectation (FHL 2005, eq. 10).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from support import IN_CI, NOTEBOOKS

from valuelab.core import InputError, sources_table
from valuelab.data import datasets
from valuelab.kpis import (
    calibration_holdout,
    customer_lifetime_value,
    fit_repeat_purchases,
    holdout_by_frequency,
    holdout_totals,
    published_vs_fit,
    repeat_purchase_sources,
    simple_formula_holdout_spend,
)
from valuelab.kpis import repeat_purchase as rp

HAVE_CLV = importlib.util.find_spec("pymc_marketing") is not None
# In CI (make test installs the extra) these tests must run, never skip.
needs_clv = pytest.mark.skipif(
    not HAVE_CLV and not IN_CI, reason="optional extra valuelab[clv] not installed"
)
CAL, HOLD = "1997-09-30", "1998-06-30"
CDNOW = {"customer": "customer_id", "amount": "amount_usd"}


def _hand_log() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-01", 10.0),
        ("a", "2024-01-08", 20.0),
        ("a", "2024-01-08", 5.0),  # same day: one purchase of 25
        ("a", "2024-01-15", 30.0),
        ("a", "2024-02-05", 40.0),
        ("a", "2024-02-05", 2.0),
        ("a", "2024-02-12", 8.0),
        ("b", "2024-01-15", 12.0),
        ("c", "2024-01-22", 7.0),
        ("c", "2024-02-26", 9.0),
        ("d", "2024-02-01", 99.0),  # new in the holdout: left out
    ]
    log = pd.DataFrame(rows, columns=["user", "day", "paid"])
    return log.assign(day=pd.to_datetime(log["day"]))


def _oracle_summary(tx: pd.DataFrame, cal: str, hold: str, days: float = 7) -> pd.DataFrame:
    """Calibration/holdout summary in plain pandas (same-day purchases merged)."""
    daily = tx.groupby(["customer_id", "date"], as_index=False)["amount_usd"].sum()
    c = daily[daily["date"] <= cal]
    h = daily[(daily["date"] > cal) & (daily["date"] <= hold)]
    g = c.groupby("customer_id")
    first, last = g["date"].min(), g["date"].max()
    repeat = c[c["date"] > c["customer_id"].map(first)]
    out = pd.DataFrame(
        {
            "frequency": g.size() - 1.0,
            "recency": (last - first).dt.days / days,
            "T": (pd.Timestamp(cal) - first).dt.days / days,
            "monetary_value": repeat.groupby("customer_id")["amount_usd"].mean(),
            "holdout_purchases": h.groupby("customer_id").size(),
            "holdout_spend": h.groupby("customer_id")["amount_usd"].sum(),
        }
    )
    return out.fillna(0.0)


def _bgnbd_expectation(p: pd.Series, x, t_x, T, t) -> np.ndarray:
    """FHL (2005) eq. 10: expected purchases in (T, T + t] given x, t_x, T."""
    from scipy.special import hyp2f1

    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    num = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    den = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return head * num / den


def _gg_spend(p: pd.Series, x, zbar) -> np.ndarray:
    """Fader & Hardie (2013) eq. 5: expected spend per purchase given x purchases of mean zbar."""
    w = p["p"] * x / (p["p"] * x + p["q"] - 1)
    return (1 - w) * p["v"] * p["p"] / (p["q"] - 1) + w * zbar


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return datasets.load("cdnow_sample")


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    summary = calibration_holdout(cdnow, CAL, HOLD, **CDNOW)
    return fit_repeat_purchases(summary)


@needs_clv
def test_calibration_holdout_by_hand():
    s = calibration_holdout(
        _hand_log(), "2024-01-29", "2024-02-26", customer="user", date="day", amount="paid"
    )
    assert list(s.index) == ["a", "b", "c"]
    assert s["frequency"].tolist() == [2, 0, 0]
    assert s["recency"].tolist() == [2, 0, 0]  # weeks from first to last purchase
    assert s["T"].tolist() == [4, 2, 1]
    assert s["monetary_value"].tolist() == [27.5, 0, 0]  # mean of 25 and 30
    assert s["holdout_purchases"].tolist() == [2, 0, 1]
    assert s["holdout_spend"].tolist() == [50, 0, 9]
    assert s["holdout_T"].tolist() == [4, 4, 4]


@needs_clv
def test_calibration_holdout_without_amounts_counts_purchases_only():
    log = _hand_log().drop(columns="paid")
    s = calibration_holdout(log, "2024-01-29", customer="user", date="day", amount=None)
    assert list(s.columns) == ["frequency", "recency", "T", "holdout_purchases", "holdout_T"]
    assert s["holdout_purchases"].tolist() == [2, 0, 1]
    assert s["holdout_T"].tolist() == [4, 4, 4]  # holdout ends on the log's last day


@needs_clv
def test_calibration_holdout_matches_a_pandas_oracle_on_cdnow(cdnow, cdnow_fit):
    oracle = _oracle_summary(cdnow, CAL, HOLD)
    got = cdnow_fit.customers
    assert len(got) == 2357
    for col in oracle.columns:
        np.testing.assert_allclose(got[col], oracle.loc[got.index, col], rtol=1e-9, err_msg=col)
    assert got["frequency"].sum() == 2457  # repeat purchases in calibration
    assert got["holdout_T"].unique().tolist() == [39.0]


@needs_clv
def test_bgnbd_reproduces_fader_hardie_lee_2005_within_1_percent(cdnow_fit):
    for name, published in rp.PUBLISHED_BGNBD.items():
        assert cdnow_fit.bgnbd[name] == pytest.approx(published, rel=0.01), name
    assert cdnow_fit.bgnbd.round(3).to_dict() == {
        "r": 0.243,
        "alpha": 4.414,
        "a": 0.793,
        "b": 2.426,
    }


@needs_clv
def test_gamma_gamma_reproduces_fader_hardie_2013_within_1_percent(cdnow_fit):
    for name, published in rp.PUBLISHED_GAMMA_GAMMA.items():
        assert cdnow_fit.gamma_gamma[name] == pytest.approx(published, rel=0.01), name


@needs_clv
def test_holdout_predictions_follow_the_closed_forms(cdnow_fit):
    c = cdnow_fit.customers
    expected = _bgnbd_expectation(cdnow_fit.bgnbd, c["frequency"], c["recency"], c["T"], 39.0)
    np.testing.assert_allclose(c["predicted_purchases"], expected, rtol=1e-9)
    spend = _gg_spend(cdnow_fit.gamma_gamma, c["frequency"], c["monetary_value"])
    np.testing.assert_allclose(c["expected_spend"], spend, rtol=1e-9)
    assert ((c["p_alive"] > 0) & (c["p_alive"] <= 1)).all()
    assert (c.loc[c["frequency"] == 0, "p_alive"] == 1).all()  # BG/NBD: no repeat, no drop-out


@needs_clv
def test_holdout_totals_on_cdnow(cdnow, cdnow_fit):
    t = holdout_totals(cdnow_fit)
    hold = cdnow[(cdnow["date"] > CAL) & (cdnow["date"] <= HOLD)]
    assert t["actual_purchases"] == len(hold.drop_duplicates(["customer_id", "date"])) == 1882
    assert t["actual_spend_per_customer"] == pytest.approx(hold["amount_usd"].sum() / 2357)
    assert round(t["actual_spend_per_customer"], 2) == 30.11
    assert round(t["predicted_purchases"], 1) == 1653.4  # 12 % under the actual 1,882
    assert round(t["predicted_spend_per_customer"], 2) == 25.43


@needs_clv
def test_holdout_by_frequency_groups_like_fhl_figure_4(cdnow_fit):
    table = holdout_by_frequency(cdnow_fit)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].tolist() == [1411, 439, 214, 100, 62, 38, 29, 64]
    c = cdnow_fit.customers
    seven_plus = c[c["frequency"] >= 7]
    assert table.loc["7+", "actual"] == pytest.approx(seven_plus["holdout_purchases"].mean())
    assert table.loc["0", "predicted"] == pytest.approx(
        c.loc[c["frequency"] == 0, "predicted_purchases"].mean()
    )
    assert table["actual"].round(2).tolist() == [0.24, 0.70, 1.39, 1.56, 2.53, 2.95, 3.86, 6.36]
    assert table["predicted"].round(2).tolist() == [0.23, 0.52, 1.04, 1.52, 2.16, 2.65, 3.50, 6.16]


@needs_clv
def test_customer_lifetime_value_discounts_monthly_expected_spend(cdnow_fit):
    c = cdnow_fit.customers
    weeks = 4.345  # pymc-marketing's weeks per month

    def oracle(months: int, rate: float) -> np.ndarray:
        total, before = 0.0, 0.0
        for k in range(1, months + 1):
            now = _bgnbd_expectation(
                cdnow_fit.bgnbd, c["frequency"], c["recency"], c["T"], k * weeks
            )
            total = total + c["expected_spend"].to_numpy() * (now - before) / (1 + rate) ** k
            before = now
        return total

    got = customer_lifetime_value(cdnow_fit, months=12, monthly_discount_rate=0.01)
    np.testing.assert_allclose(got, oracle(12, 0.01), rtol=1e-9)
    assert round(float(got.mean()), 2) == 30.34  # USD per customer over 12 months at 1 %/month
    one = customer_lifetime_value(cdnow_fit, months=1, monthly_discount_rate=0.10)
    np.testing.assert_allclose(one, oracle(1, 0.10), rtol=1e-9)
    with pytest.raises(InputError, match="whole months"):
        customer_lifetime_value(cdnow_fit, months=0)


def test_simple_formula_holdout_spend_by_hand():
    log = pd.DataFrame(
        {
            "user": ["a", "b", "c", "a"],
            "day": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-01-20", "2024-02-02"]),
            "paid": [10.0, 20.0, 30.0, 40.0],
        }
    )
    s = simple_formula_holdout_spend(
        log, "2024-02-29", "2024-04-30", customer="user", date="day", amount="paid"
    )
    assert s["arpa"] == 25  # 100 over 4 active customer-months
    assert s["activity_churn"] == pytest.approx(2 / 3)  # b and c quiet in February
    assert s["holdout_months"] == 2
    # one active customer x 25 x (1/3 + 1/9), over 3 customers
    assert s["spend_per_customer"] == pytest.approx(25 * (1 / 3 + 1 / 9) / 3)


def test_simple_formula_on_cdnow_implies_a_dollar_where_customers_spent_thirty(cdnow):
    s = simple_formula_holdout_spend(cdnow, CAL, HOLD, **CDNOW)
    cal = cdnow[cdnow["date"] <= CAL]
    months = cal["date"].dt.to_period("M")
    assert s["arpa"] == pytest.approx(
        cal["amount_usd"].sum()
        / cal.assign(m=months).drop_duplicates(["customer_id", "m"]).shape[0]
    )
    assert round(s["arpa"], 2) == 43.47
    assert round(s["activity_churn"], 3) == 0.753
    assert s["active_last_month"] == 168
    assert round(s["spend_per_customer"], 2) == 1.02


def test_bad_input_is_named():
    log = _hand_log()
    with pytest.raises(InputError, match="paid"):
        calibration_holdout(
            log.drop(columns="paid"), "2024-01-29", customer="user", date="day", amount="paid"
        )
    with pytest.raises(InputError, match="row 0: value below 0"):
        calibration_holdout(
            log.assign(paid=[-1.0] + [1.0] * 10),
            "2024-01-29",
            customer="user",
            date="day",
            amount="paid",
        )
    with pytest.raises(InputError, match="calibration_end 2025-01-01 outside"):
        calibration_holdout(log, "2025-01-01", customer="user", date="day", amount="paid")
    with pytest.raises(InputError, match="not after calibration_end"):
        calibration_holdout(
            log, "2024-01-29", "2024-01-10", customer="user", date="day", amount="paid"
        )


def test_without_the_extra_the_error_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pymc_marketing", None)
    with pytest.raises(ImportError, match=r"valuelab\[clv\]"):
        calibration_holdout(_hand_log(), "2024-01-29", customer="user", date="day", amount="paid")


def test_import_valuelab_kpis_does_not_load_pymc():
    code = (
        "import sys, valuelab.kpis\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pymc', 'pytensor', 'arviz'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_published_sources_stand_without_a_fit():
    table = sources_table(repeat_purchase_sources())
    assert set(table["kind"]) == {"reported"}
    assert table["value"].tolist()[:4] == ["0.243", "4.414", "0.793", "2.426"]


@needs_clv
def test_sources_mark_published_estimated_and_derived(cdnow_fit):
    table = sources_table(repeat_purchase_sources(cdnow_fit))
    kinds = table.groupby("kind").size().to_dict()
    assert kinds == {"reported": 7, "estimated": 9, "derived": 2}
    ours = table[table["figure"].str.contains("our fit")]
    assert ours["value"].tolist()[:4] == ["0.243", "4.414", "0.793", "2.426"]
    assert table.loc[
        table["figure"].str.endswith("spend per customer, actual"), "value"
    ].item() == ("30.11 USD")


def test_published_vs_fit_sets_estimates_beside_the_papers(cdnow_fit):
    table = published_vs_fit(cdnow_fit)
    assert list(table.index) == ["r", "alpha", "a", "b", "p", "q", "v"]
    assert table["published (reported)"].tolist() == [0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44]
    assert (table["difference %"].abs() < 1).all()


# --- lesson 03, the repeat-purchase section ------------------------------------------------

LESSON = NOTEBOOKS / "03_kpi_tradeoffs.ipynb"


@needs_clv
@pytest.mark.slow
def test_lesson_repeat_purchase_numbers(run_notebook, cdnow, cdnow_fit):
    _, rec = run_notebook(LESSON)
    assert rec["bgnbd"] == pytest.approx(cdnow_fit.bgnbd.to_dict(), rel=1e-6)
    assert rec["gamma_gamma"] == pytest.approx(cdnow_fit.gamma_gamma.to_dict(), rel=1e-6)
    assert rec["holdout_totals"] == pytest.approx(holdout_totals(cdnow_fit).to_dict(), rel=1e-6)
    table = holdout_by_frequency(cdnow_fit)
    assert rec["holdout_by_frequency"]["customers"] == table["customers"].to_dict()
    simple = simple_formula_holdout_spend(cdnow, CAL, HOLD, **CDNOW)
    assert rec["simple_formula"] == pytest.approx(simple.to_dict())
    assert round(rec["simple_formula"]["spend_per_customer"], 2) == 1.02
    assert round(rec["clv_12_months_usd"], 2) == 30.34

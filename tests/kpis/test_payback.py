"""Cohort CAC payback: a hand-computed log, censoring at the log's end, and shop_events."""

import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.kpis.payback import cohort_margin_curve, cohort_payback_month, tenure_months


def _log() -> pd.DataFrame:
    # a: Jan 20 of margin, Mar 10; b: Feb 6 (then quiet); c: Mar 3; a signup never buys
    rows = [
        ("z", "2024-01-02", "signup", None, None),
        ("a", "2024-01-05", "purchase", 30.0, 10.0),
        ("b", "2024-02-01", "purchase", 10.0, 4.0),
        ("a", "2024-03-09", "purchase", 15.0, 5.0),
        ("c", "2024-03-20", "purchase", 5.0, 2.0),
    ]
    log = pd.DataFrame(rows, columns=["user_id", "date", "event", "revenue_eur", "cogs_eur"])
    return log.assign(date=pd.to_datetime(log["date"]))


def test_tenure_counts_quiet_months_until_the_end_of_the_log():
    assert tenure_months(_log()).to_dict() == {"a": 3, "b": 2, "c": 1}


def test_the_curve_averages_over_every_acquired_customer_the_log_covers():
    curve = cohort_margin_curve(_log())
    # month 0: a 20, b 6, c 3 -> 29 / 3; month 1: a 20, b 6 (c not covered) -> 13;
    # month 2: only a is covered, 20 + 10 = 30
    assert curve["customers"].tolist() == [3, 2, 1]
    assert curve["cumulative_margin"].tolist() == pytest.approx([29 / 3, 13.0, 30.0])
    assert cohort_payback_month(curve, 10.0) == 1
    assert cohort_payback_month(curve, 9.0) == 0
    assert cohort_payback_month(curve, 31.0) is None


def test_shop_events_pays_back_in_month_1():
    curve = cohort_margin_curve(datasets.load("shop_events"))
    # plain pandas: EUR 32.61 in month 0, 43.43 by month 1 (censored at December 2024)
    assert curve["cumulative_margin"].round(2).tolist()[:2] == [32.61, 43.43]
    assert curve["customers"].iloc[0] == 746
    assert cohort_payback_month(curve, 35.0) == 1


def test_bad_logs_are_named():
    with pytest.raises(InputError, match="missing columns cogs"):
        tenure_months(_log().drop(columns="cogs_eur"), source="shop.csv")
    with pytest.raises(InputError, match="no purchase events"):
        cohort_margin_curve(_log().assign(event="visit"))
    with pytest.raises(InputError):
        cohort_payback_month(cohort_margin_curve(_log()), -1.0)


def test_amounts_keep_the_logs_currency():
    shipped = cohort_margin_curve(_log())  # revenue_eur, cogs_eur: the shipped layout, EUR
    assert shipped.attrs["currency"] == "EUR"
    usd = _log().rename(columns={"revenue_eur": "revenue", "cogs_eur": "cogs"})
    usd.attrs["currency"] = "USD"
    curve = cohort_margin_curve(usd)
    assert curve.attrs["currency"] == "USD" and "cumulative_margin_eur" not in curve
    assert curve["cumulative_margin"].tolist() == pytest.approx([29 / 3, 13.0, 30.0])
    undeclared = cohort_margin_curve(usd.copy().assign(date=usd["date"]).pipe(_no_attrs))
    assert undeclared.attrs["currency"] is None


def _no_attrs(frame: pd.DataFrame) -> pd.DataFrame:
    frame.attrs = {}
    return frame

"""Portfolio groups, ARR at stake, trends and areas of impact."""

import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.scoring.portfolio import (
    by_impact_area,
    classify,
    next_actions,
    score_trends,
    segment_portfolio,
)


def _scored(currency="USD"):
    table = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D", "E"],
            "segment": ["SMB", "SMB", "Enterprise", "Enterprise", "SMB"],
            "band": ["red", "amber", "green", "amber", "green"],
            "goal_status": ["on track", "off track", "on track", "off track", "on track"],
            "value_perceived": [70, 30, 90, 60, 80],
            "value_expansion": [90, 10, 80, 70, 65],
            "open_to_buy": [True, False, True, False, False],
            "arr": [10_000.0, 20_000.0, 100_000.0, 50_000.0, 20_000.0],
            "value_realized": [30.0, 45.0, 85.0, 55.0, 72.0],
            "rbo": [20.0, 40.0, 90.0, 50.0, 70.0],
            "impact_area": ["product", "people", "product", "community", "people"],
        }
    )
    table.attrs["currency"] = currency
    return table


def test_groups_follow_the_documented_rules():
    assert classify(_scored()).tolist() == [
        "churn risk",  # red band, even with expansion intent
        "churn risk",  # off track and perceives little value
        "expansion",  # open to buy, expansion 80
        "healthy",  # off track but perceives value; not open to buy
        "healthy",
    ]


def test_arr_at_stake_per_group_and_segment():
    table = segment_portfolio(_scored())
    assert table["accounts"].tolist() == [2, 1, 2]
    assert table["arr"].tolist() == [30_000, 100_000, 70_000]
    assert table.attrs["currency"] == "USD"  # carried from the scored table
    assert table["arr_pct"].tolist() == pytest.approx([15, 50, 35])
    by_seg = segment_portfolio(_scored(), by="segment")
    assert by_seg.loc[("churn risk", "SMB"), "arr"] == 30_000
    with pytest.raises(InputError, match="missing columns band"):
        segment_portfolio(pd.DataFrame({"arr": [1.0], "value_realized": [1.0]}))


def test_areas_of_impact():
    table = by_impact_area(_scored())
    assert table.index[0] == "community"  # lowest mean value realized first
    assert table.loc["product", "accounts"] == 2 and table.loc["product", "arr"] == 110_000
    assert table.attrs["currency"] == "USD"
    assert table.loc["people", "at_risk_pct"] == 50
    assert table.loc["go-to-market", "accounts"] == 0  # every area shows, even empty


def test_trend_arrows():
    hist = pd.DataFrame(
        {
            "quarter": ["2024Q1", "2024Q2", "2024Q1", "2024Q2", "2024Q2", "2024Q1"],
            "account_id": ["A", "A", "B", "B", "C", "D"],
            "value_realized": [50.0, 60.0, 70.0, 68.0, 40.0, 55.0],
        }
    )
    t = score_trends(hist)
    assert t.loc["A", "trend"] == "↑" and t.loc["A", "change"] == 10
    assert t.loc["B", "trend"] == "→"
    assert t.loc["C", "trend"] == "" and np.isnan(t.loc["C", "previous"])
    assert t.loc["D", "quarter"] == "2024Q1"  # an account that left keeps its last quarter


def test_the_escalation_names_the_tables_currency():
    row = (
        _scored()
        .assign(goal_attainment=1.0, value_unknown=0.0, rbo_validated=True, goal_status="on track")
        .iloc[0]
    )  # band red, ARR 10,000
    assert next_actions(row)[0] == "Escalate: churn risk; ARR at stake: 10,000 USD/year."
    bare = _scored(currency=None).assign(
        goal_attainment=1.0, value_unknown=0.0, rbo_validated=True, goal_status="on track"
    )
    assert next_actions(bare.iloc[0])[0] == (
        "Escalate: churn risk; ARR at stake: 10,000 per year, currency not declared."
    )

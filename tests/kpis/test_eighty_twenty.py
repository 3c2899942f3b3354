"""The 80/20 of purchase reasons: which features drive most decisions."""

import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.kpis.eighty_twenty import pareto_features, pareto_summary


def test_pareto_of_purchase_reasons():
    reasons = datasets.load("purchase_reasons")
    table = pareto_features(reasons)
    assert table["count"].sum() == len(reasons)
    assert table["cumulative_pct"].iloc[-1] == pytest.approx(100)
    assert table["count"].is_monotonic_decreasing
    summary = pareto_summary(table)
    # the generator builds a steep power law: about 20 % of features, about 80 % of decisions
    assert summary["vital_features_pct"] == pytest.approx(20, abs=5)
    assert summary["vital_decisions_pct"] == pytest.approx(80, abs=3)
    hand = pareto_features(
        pd.DataFrame({"feature": list("abc"), "deals": [10, 70, 20]}), weight="deals"
    )
    assert hand["feature"].tolist() == ["b", "c", "a"]
    assert hand["vital"].tolist() == [True, True, False]  # 70 % < 80 %: b and c needed
    assert hand["cumulative_pct"].tolist() == pytest.approx([70, 90, 100])


def test_pareto_errors():
    with pytest.raises(InputError, match="missing column feature"):
        pareto_features(pd.DataFrame({"reason": ["a"]}))
    with pytest.raises(InputError, match="deals.*row 1"):
        pareto_features(pd.DataFrame({"feature": ["a", "b"], "deals": [1, -2]}), weight="deals")
    with pytest.raises(InputError, match="share"):
        pareto_features(pd.DataFrame({"feature": ["a"]}), share=1.5)


def test_ten_features_by_hand():
    # 100 deals over 10 features: 40, 25, 15, 8, then 2 each for six features
    counts = {"search": 40, "sso": 25, "api": 15, "export": 8}
    counts |= {f"minor{i}": 2 for i in range(6)}
    deals = pd.DataFrame({"feature": [f for f, n in counts.items() for _ in range(n)]})
    table = pareto_features(deals)
    assert table["rank"].tolist() == list(range(1, 11))
    assert table["feature"].tolist()[:4] == ["search", "sso", "api", "export"]
    assert table["share_pct"].tolist()[:4] == pytest.approx([40, 25, 15, 8])
    assert table["cumulative_pct"].tolist()[:4] == pytest.approx([40, 65, 80, 88])
    assert table["features_pct"].tolist()[:3] == pytest.approx([10, 20, 30])
    # 80 % is reached exactly with the third feature: 30 % of features, 80 % of deals
    assert table["vital"].tolist() == [True] * 3 + [False] * 7
    assert pareto_summary(table) == pytest.approx(
        {"vital_features": 3, "vital_features_pct": 30.0, "vital_decisions_pct": 80.0}
    )
    half = pareto_summary(pareto_features(deals, share=0.5))
    assert half["vital_features"] == 2 and half["vital_decisions_pct"] == pytest.approx(65)


def test_weights_in_euros_and_features_with_nothing():
    arr = pd.DataFrame(
        {"feature": ["a", "b", "c", "a"], "arr_eur": [1_000.0, 6_000.0, 0.0, 1_000.0]}
    )
    table = pareto_features(arr, weight="arr_eur")
    # b: 6,000 of 8,000 EUR = 75 %; a: 2,000 EUR; c brings no money and drops out
    assert table["feature"].tolist() == ["b", "a"]
    assert table["count"].tolist() == [6_000.0, 2_000.0]
    assert table["share_pct"].tolist() == pytest.approx([75, 25])
    with pytest.raises(InputError, match="every weight is 0"):
        pareto_features(arr.assign(arr_eur=0.0), weight="arr_eur")
    with pytest.raises(InputError, match="no rows"):
        pareto_features(pd.DataFrame({"feature": pd.Series([], dtype=str)}))

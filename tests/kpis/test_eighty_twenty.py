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

"""Leading vs lagging: the evaluation recovers what the synthetic portfolio built in."""

import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.data.synthetic.accounts import generate_history
from valuelab.scoring.indicators import evaluate_indicators, roc_auc, score_history


def test_roc_auc_by_hand():
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    score = pd.Series([0.1, 0.4, 0.35, 0.8], index=list("abcd"))
    label = pd.Series([True, True, False, False], index=list("dcba"))  # by label as above
    assert roc_auc(score, label) == 0.75
    assert roc_auc([1, 1, 1], [True, False, True]) == 0.5  # ties count half
    assert roc_auc([1, 2, np.nan], [False, True, True]) == 1.0  # NaN dropped
    assert np.isnan(roc_auc([1, 2], [True, True]))


@pytest.fixture(scope="module")
def history():
    return score_history(datasets.load("accounts_history"))


def test_the_shipped_history_has_the_stated_shape(history):
    rates = history.groupby("quarter", observed=True)[["churned", "expanded"]].mean()
    assert rates["churned"].between(0.02, 0.065).all()
    assert rates["expanded"].between(0.03, 0.07).all()
    churned = history[history["churned"]]
    later = history.merge(churned[["account_id", "quarter"]], on="account_id", suffixes=("", "_c"))
    assert (later["quarter"].astype(str) <= later["quarter_c"].astype(str)).all(), "no rows after"


def test_value_scores_lead_churn_and_the_usual_metrics_barely_do(history):
    table = evaluate_indicators(history, outcome="churned", horizon_quarters=2)
    value = table.loc[["rbo", "value_perceived", "value_realized", "goal_attainment"], "auc"]
    usual = table.loc[["usage", "health_score", "nps_answer"], "auc"]
    assert (value > 0.75).all() and (usual < 0.62).all()
    assert value.min() - usual.max() > 0.15
    assert table.loc["value_realized", "lead_quarters"] >= 2
    assert np.isnan(table.loc["usage", "lead_quarters"])
    top = table.loc["value_realized", "precision_at_k"]
    assert top > 2 * table.loc["value_realized", "base_rate"]  # flags beat the base rate


def test_expansion_is_led_by_the_expansion_score(history):
    table = evaluate_indicators(history, outcome="expanded", horizon_quarters=1)
    assert table.index[0] == "value_expansion" and table.iloc[0]["auc"] > 0.7


def test_the_method_recovers_a_story_it_was_not_tuned_on():
    """Another seed, another size: the relationships hold, not a hard-coded answer."""
    other = generate_history(n_accounts=400, quarters=6, seed=7)
    table = evaluate_indicators(other, outcome="churned", horizon_quarters=2)
    assert table.loc["value_realized", "auc"] > table.loc["health_score", "auc"] + 0.1
    shuffled = other.assign(
        churned=other["churned"].sample(frac=1, random_state=1).to_numpy()
    )  # no relation left: every indicator near chance
    null = evaluate_indicators(shuffled, outcome="churned", horizon_quarters=1)
    assert null["auc"].between(0.35, 0.65).all()


def test_errors():
    h = datasets.load("accounts_history")
    with pytest.raises(InputError, match="unknown outcome"):
        evaluate_indicators(h, outcome="renewed")
    with pytest.raises(InputError, match="horizon_quarters"):
        evaluate_indicators(h, horizon_quarters=0)
    with pytest.raises(InputError, match="no 'quarter' column"):
        score_history(pd.DataFrame({"x": [1]}))


def test_an_outcome_written_as_yes_and_no_reads_as_flags():
    history = datasets.load("accounts_history")
    as_words = history.assign(churned=history["churned"].map({True: "yes", False: "no"}))
    expected = evaluate_indicators(history, outcome="churned", horizon_quarters=2)
    got = evaluate_indicators(as_words, outcome="churned", horizon_quarters=2)
    pd.testing.assert_frame_equal(got, expected)
    with pytest.raises(InputError, match="history.churned: 'perhaps' is not true or false"):
        evaluate_indicators(
            history.assign(churned="perhaps"), outcome="churned", horizon_quarters=2
        )

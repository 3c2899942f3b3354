"""One account's scorecard (valuelab/scoring/scorecard.py): the report's and the app's state."""

import pytest

from valuelab.core import InputError
from valuelab.data import load
from valuelab.scoring import SCORECARD, SCORES, next_actions, score_accounts, scorecard_state


def test_the_chosen_account_with_the_portfolio_and_next_actions():
    accounts = load("accounts")
    state = scorecard_state(accounts, "A0011")
    assert sorted(state) == ["account_id", "actions", "row", "scored"]
    assert state["account_id"] == "A0011" and state["row"]["account_id"] == "A0011"
    assert len(state["scored"]) == len(accounts)
    assert state["actions"] == next_actions(state["row"])
    expected = score_accounts(accounts).set_index("account_id").loc["A0011"]
    assert state["row"]["value_realized"] == pytest.approx(expected["value_realized"])


def test_weights_and_policy_reach_the_scores():
    accounts = load("accounts")
    weights = {"rbo": 1.0, "value_perceived": 0, "value_expansion": 0, "value_unknown": 0}
    state = scorecard_state(accounts, "A0011", weights=weights, policy="penalize")
    expected = score_accounts(accounts, weights=weights, policy="penalize")
    row = expected.set_index("account_id").loc["A0011"]
    assert state["row"]["value_realized"] == pytest.approx(row["value_realized"])


def test_an_unknown_account_falls_back_or_is_named_in_reports():
    accounts = load("accounts")
    first = str(accounts["account_id"].iloc[0])
    assert scorecard_state(accounts)["account_id"] == first
    assert scorecard_state(accounts, "nope")["account_id"] == first
    with pytest.raises(InputError, match="no account 'A0001'; did you mean"):
        scorecard_state(accounts, "A0001", strict=True)


def test_the_scorecard_shows_the_five_scores_and_the_confidence():
    assert SCORECARD == (*SCORES, "confidence")

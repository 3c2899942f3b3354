"""The input metrics behind an outcome: the funnel tree and the stage that is behind."""

import pytest
from support import NOTEBOOKS

from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.scoring.input_metrics import (
    STAGES,
    for_account,
    funnel_actuals,
    inputs_behind,
    outcome_tree,
)

REPORTS = NOTEBOOKS / "reports"


def test_input_metrics_find_the_stage_that_is_behind():
    tree = outcome_tree()
    plan = tree.evaluate()
    assert plan["new_revenue"] == pytest.approx(120 * 0.5 * 0.6 * 0.5 * 0.3 * 25_000)  # 135,000
    actual = funnel_actuals(
        meetings_booked=100,
        pain_quantified=50,
        demos=30,
        proposals=8,
        deals_won=2,
        new_revenue=40_000,
    )
    assert actual["proposal_rate"] == pytest.approx(8 / 30)
    assert actual["deal_size"] == 20_000
    table = inputs_behind(tree, actual)
    # alone, the proposal rate (0.267 vs 0.5) costs the most: 135,000 x (1 - 0.267 / 0.5)
    assert table.index[0] == "proposal_rate"
    assert table.loc["proposal_rate", "shortfall"] == pytest.approx(135_000 * (1 - (8 / 30) / 0.5))
    assert table.loc["meetings_booked", "attainment"] == pytest.approx(100 / 120)
    assert table.attrs["outcome_actual"] == pytest.approx(40_000)
    with pytest.raises(InputError, match="demos \\(30\\) exceeds the stage before \\(20\\)"):
        funnel_actuals(100, 20, 30, 8, 2, 40_000)
    with pytest.raises(InputError, match="not inputs of the tree: demos"):
        inputs_behind(tree, {"demos": 3})


@pytest.mark.slow
def test_scorecard_shows_the_input_metric_behind(run_notebook):
    inputs = datasets.load("account_inputs")
    account = str(inputs["account_id"].iloc[0])
    _, rec = run_notebook(REPORTS / "customer_scorecard.ipynb", customer_id=account)
    assert rec["input_behind"] == for_account(account).index[0]
    assert for_account("A0011") is None or "A0011" in set(inputs["account_id"])


def test_funnel_actuals_turn_counts_into_rates_by_hand():
    actual = funnel_actuals(200, 100, 25, 10, 0, 0)
    assert actual == pytest.approx(
        {
            "meetings_booked": 200,
            "qualification_rate": 0.5,
            "demo_rate": 0.25,
            "proposal_rate": 0.4,
            "win_rate": 0.0,
            "deal_size": 0.0,  # no deal won: no deal size
        }
    )
    empty = funnel_actuals(0, 0, 0, 0, 0, 0)
    assert empty["qualification_rate"] == 0.0 and empty["win_rate"] == 0.0
    with pytest.raises(InputError, match="negative or missing: demos, new_revenue"):
        funnel_actuals(10, 5, -1, 0, 0, float("nan"))


def test_inputs_behind_against_a_plan_given_by_hand():
    tree = outcome_tree()
    # each counted stage is a node of the tree (the first an input), each rate an input
    stages = [stage for stage, _ in STAGES]
    assert stages[0] in tree.input_names and set(stages[1:]) <= set(tree.evaluate_names())
    assert {rate for _, rate in STAGES[1:]} <= set(tree.input_names)
    plan = {"meetings_booked": 100, "win_rate": 0.5}  # the rest at the tree's plan
    # plan: 100 x 0.5 x 0.6 x 0.5 x 0.5 x 25,000 = 187,500 EUR
    table = inputs_behind(tree, {"win_rate": 0.25, "deal_size": 30_000}, plan=plan)
    assert table.attrs["outcome_plan"] == pytest.approx(187_500)
    assert table.index.tolist() == ["win_rate", "deal_size"]  # largest shortfall first
    assert table.loc["win_rate", "outcome_if_only_this"] == pytest.approx(93_750)
    assert table.loc["win_rate", "shortfall"] == pytest.approx(93_750)
    assert table.loc["deal_size", "shortfall"] == pytest.approx(-37_500)  # ahead: negative
    assert table.loc["deal_size", "attainment"] == pytest.approx(1.2)
    assert table.attrs["outcome_actual"] == pytest.approx(187_500 / 2 * 1.2)


def test_for_account_reads_its_row_of_the_funnel_table():
    inputs = (
        datasets.load("account_inputs")
        .head(1)
        .assign(
            account_id="Z1",
            meetings_booked=120,
            pain_quantified=60,
            demos=36,
            proposals=9,
            deals_won=3,
            new_revenue_eur=75_000.0,
        )
    )
    table = for_account("Z1", inputs)
    # every stage at plan except proposals: 9 of 36 demos = 0.25 against 0.5
    assert table.index[0] == "proposal_rate"
    assert table.loc["proposal_rate", "shortfall"] == pytest.approx(135_000 / 2)
    assert table.attrs["outcome_actual"] == pytest.approx(75_000)
    assert for_account("nobody", inputs) is None
    # a mapped source's funnel names the revenue without a currency: the same reading
    mapped = inputs.rename(columns={"new_revenue_eur": "new_revenue"})
    assert for_account("Z1", mapped).equals(table)

"""The input metrics behind an outcome: the funnel tree and the stage that is behind."""

import pytest
from support import NOTEBOOKS

from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.scoring.input_metrics import for_account, funnel_actuals, inputs_behind, outcome_tree

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

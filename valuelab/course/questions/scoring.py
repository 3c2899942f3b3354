"""Questions of ``exercises/05_scoring``: goal progress, the value scores, portfolio, indicators."""

from __future__ import annotations

from valuelab import scoring
from valuelab.course.material import EQUAL, QUARTER
from valuelab.course.registry import expect, question
from valuelab.data import load

#: The exercise's title, as its notebook's first heading says it (feedback pages use it).
TITLE = "Exercise 5: customer value scoring"


@expect(
    "scoring.q1",
    variable="projected",
    hint="`goal_progress(target=50, achieved=3, elapsed=3, horizon=12)`: the projected growth (%).",
    tol=0.05,
)
def _q1() -> float:
    return float(scoring.goal_progress(50, 3, 3, 12)["projected"])


@question(
    "scoring.q2",
    variable="status",
    hint="A +20 % goal at +8 % after 6 of 12 months: project it, compare with the thresholds.",
    kind="text",
)
def _q2(answer) -> bool:
    return answer == scoring.goal_progress(20, 8, 6, 12)["status"]


@expect(
    "scoring.q3",
    variable="rbo_score",
    hint="RBO = 100 x (0.6 x attainment + 0.4 x evidence / 5), attainment 0.5 and evidence 3.",
    tol=0.05,
)
def _q3() -> float:
    return 100 * (0.6 * 0.5 + 0.4 * 3 / 5)


@expect(
    "scoring.q4",
    variable="a0006_equal",
    hint="`score_accounts(accounts, weights=EQUAL)`: the `value_realized` of A0006.",
    tol=0.05,
)
def _q4() -> float:
    scored = scoring.score_accounts(load("accounts"), weights=EQUAL).set_index("account_id")
    return float(scored.loc["A0006", "value_realized"])


@expect(
    "scoring.q5",
    variable="enterprise_arr_at_risk",
    hint="`segment_portfolio(scored, by='segment')`: the churn-risk row of Enterprise, `arr`.",
    tol=0.5,
)
def _q5() -> float:
    table = scoring.segment_portfolio(scoring.score_accounts(load("accounts")), by="segment")
    return float(table.loc[("churn risk", "Enterprise"), "arr"])


@question(
    "scoring.q6",
    variable="best_usual",
    hint="`evaluate_indicators` on `accounts_history` (churned, 2 quarters): among the kind "
    "'usual metric', the indicator with the highest AUC.",
    kind="text",
)
def _q6(answer) -> bool:
    table = scoring.evaluate_indicators(load("accounts_history"), "churned", 2)
    return answer == table[table["kind"] == "usual metric"]["auc"].idxmax()


@question(
    "scoring.q7",
    variable="behind",
    hint="`funnel_actuals(**QUARTER)`, then `inputs_behind(outcome_tree(), ...)`: the first input.",
    kind="text",
)
def _q7(answer) -> bool:
    table = scoring.inputs_behind(scoring.outcome_tree(), scoring.funnel_actuals(**QUARTER))
    return answer == table.index[0]

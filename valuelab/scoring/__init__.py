"""Customer-value scoring (lesson 05).

The five scores per account, goal progress, one account's scorecard, the
portfolio view, leading vs lagging indicators (and whether a difference between
two of them is more than noise) and the input metrics behind an outcome.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.scoring.indicators import INDICATORS, evaluate_indicators, roc_auc, score_history
from valuelab.scoring.input_metrics import (
    STAGES,
    for_account,
    funnel_actuals,
    inputs_behind,
    outcome_tree,
)
from valuelab.scoring.leads import (
    SCORE_NAMES,
    auc_interval,
    lead_sentence,
    lead_test,
    validation_test,
)
from valuelab.scoring.portfolio import (
    EXPANSION_CUTOFF,
    GROUPS,
    IMPACT_AREAS,
    TREND_STEP,
    by_impact_area,
    classify,
    next_actions,
    score_trends,
    segment_portfolio,
)
from valuelab.scoring.scorecard import SCORECARD, scorecard_state
from valuelab.scoring.scores import (
    ACCOUNT_COLUMNS,
    BANDS,
    DEFAULT_WEIGHTS,
    ON_TRACK,
    POLICIES,
    SCORES,
    SELF_REPORTED,
    STATUS_THRESHOLDS,
    accounts_frame,
    band,
    goal_progress,
    read_accounts,
    score_accounts,
    validate_accounts,
    with_currency,
)

__all__ = [
    "ACCOUNT_COLUMNS",
    "BANDS",
    "DEFAULT_WEIGHTS",
    "EXPANSION_CUTOFF",
    "GROUPS",
    "IMPACT_AREAS",
    "INDICATORS",
    "ON_TRACK",
    "POLICIES",
    "SCORECARD",
    "SCORES",
    "SCORE_NAMES",
    "SELF_REPORTED",
    "STAGES",
    "STATUS_THRESHOLDS",
    "TREND_STEP",
    "accounts_frame",
    "auc_interval",
    "band",
    "by_impact_area",
    "classify",
    "evaluate_indicators",
    "for_account",
    "funnel_actuals",
    "goal_progress",
    "inputs_behind",
    "lead_sentence",
    "lead_test",
    "next_actions",
    "outcome_tree",
    "read_accounts",
    "roc_auc",
    "score_accounts",
    "score_history",
    "score_trends",
    "scorecard_state",
    "segment_portfolio",
    "validate_accounts",
    "validation_test",
    "with_currency",
]

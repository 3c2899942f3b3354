"""Plotly figures for valuelab results, one module per topic.

Model functions return DataFrames; these functions turn them into labelled
:class:`plotly.graph_objects.Figure` objects (titles, axis units, hover text).
All figures share :func:`valuelab.plots.style.finish`.
"""

from valuelab.plots.drivers import (
    actor_flows,
    roi_cashflow,
    tornado,
    tree_graph,
    what_if_waterfall,
)
from valuelab.plots.kpis import (
    cohort_heatmap,
    frontier_chart,
    holdout_chart,
    pareto_chart,
    period_chart,
    segment_chart,
    survival_chart,
    tradeoff_chart,
)
from valuelab.plots.okrs import kr_grades, priorities
from valuelab.plots.royalties import euro_flow, pool_vs_reported, tier_change, yearly
from valuelab.plots.scoring import (
    account_scores,
    goal_trajectory,
    indicator_auc,
    portfolio_arr,
    score_quadrant,
)
from valuelab.plots.style import finish

__all__ = [
    "account_scores",
    "actor_flows",
    "cohort_heatmap",
    "euro_flow",
    "finish",
    "frontier_chart",
    "goal_trajectory",
    "holdout_chart",
    "indicator_auc",
    "kr_grades",
    "pareto_chart",
    "period_chart",
    "pool_vs_reported",
    "portfolio_arr",
    "priorities",
    "roi_cashflow",
    "score_quadrant",
    "segment_chart",
    "survival_chart",
    "tier_change",
    "tornado",
    "tradeoff_chart",
    "tree_graph",
    "what_if_waterfall",
    "yearly",
]

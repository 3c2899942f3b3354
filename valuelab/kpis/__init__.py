"""Product KPIs and their trade-offs (lesson 03).

KPI definitions, event-log metrics (cohort retention, DAU/MAU, stickiness,
time to value), subscription survival and the lifetime value it implies,
KPI trade-offs along a driver tree, and the 80/20 of the features customers
buy for.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.kpis.definitions import (
    average_order_value,
    cac_payback_months,
    churn_rate,
    contribution_margin,
    conversion_rate,
    gross_margin,
    ltv,
    ltv_cohort,
    margin_per_customer,
    nps,
    retention_rate,
    revenue,
)
from valuelab.kpis.eighty_twenty import pareto_features, pareto_summary
from valuelab.kpis.event_log import (
    cohort_retention,
    dau,
    mau,
    monthly_churn,
    shop_summary,
    stickiness,
    time_to_value,
    ttv_summary,
)
from valuelab.kpis.survival import SurvivalCurve, kaplan_meier, survival_ltv, tenure_from_dates
from valuelab.kpis.tradeoffs import (
    FUNNEL_DEFAULTS,
    KPI_DIRECTION,
    KPIS,
    conflicts,
    frontier,
    funnel,
    tradeoff,
)

__all__ = [
    "FUNNEL_DEFAULTS",
    "KPIS",
    "KPI_DIRECTION",
    "SurvivalCurve",
    "average_order_value",
    "cac_payback_months",
    "churn_rate",
    "cohort_retention",
    "conflicts",
    "contribution_margin",
    "conversion_rate",
    "dau",
    "frontier",
    "funnel",
    "gross_margin",
    "kaplan_meier",
    "ltv",
    "ltv_cohort",
    "margin_per_customer",
    "mau",
    "monthly_churn",
    "nps",
    "pareto_features",
    "pareto_summary",
    "retention_rate",
    "revenue",
    "shop_summary",
    "stickiness",
    "survival_ltv",
    "tenure_from_dates",
    "time_to_value",
    "tradeoff",
    "ttv_summary",
]

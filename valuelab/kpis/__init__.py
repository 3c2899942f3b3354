"""Product KPIs and their trade-offs (lesson 03).

KPI definitions, event-log metrics (cohort retention, DAU/MAU, stickiness,
time to value), KPI trade-offs along a driver tree, the 80/20 of the
features customers buy for, and repeat purchases (BG/NBD and Gamma-Gamma;
the optional extra ``valuelab[clv]``).

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
from valuelab.kpis.repeat_purchase import (
    RepeatPurchaseFit,
    calibration_holdout,
    customer_lifetime_value,
    fit_repeat_purchases,
    holdout_by_frequency,
    holdout_totals,
    published_vs_fit,
    repeat_purchase_sources,
    simple_formula_holdout_spend,
)
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
    "RepeatPurchaseFit",
    "average_order_value",
    "cac_payback_months",
    "calibration_holdout",
    "churn_rate",
    "cohort_retention",
    "conflicts",
    "contribution_margin",
    "conversion_rate",
    "customer_lifetime_value",
    "dau",
    "fit_repeat_purchases",
    "frontier",
    "funnel",
    "gross_margin",
    "holdout_by_frequency",
    "holdout_totals",
    "ltv",
    "ltv_cohort",
    "margin_per_customer",
    "mau",
    "monthly_churn",
    "nps",
    "pareto_features",
    "pareto_summary",
    "published_vs_fit",
    "repeat_purchase_sources",
    "retention_rate",
    "revenue",
    "shop_summary",
    "simple_formula_holdout_spend",
    "stickiness",
    "time_to_value",
    "tradeoff",
    "ttv_summary",
]

"""Product KPIs and their trade-offs (lesson 03).

KPI definitions, event-log metrics (cohort retention, DAU/MAU, stickiness,
time to value, activity churn), subscription survival and the lifetime value
it implies, repeat purchases (BG/NBD and Gamma-Gamma; the optional extra
``valuelab[clv]``), KPI trade-offs along a driver tree, and the 80/20 of the
features customers buy for.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.kpis.definitions import (
    ActivityChurn,
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
    activity_churn,
    cohort_retention,
    dau,
    mau,
    shop_summary,
    stickiness,
    time_to_value,
    ttv_summary,
)
from valuelab.kpis.payback import cohort_margin_curve, cohort_payback_month, tenure_months
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
from valuelab.kpis.survival import (
    SurvivalCurve,
    kaplan_meier,
    survival_ltv,
    tenure_from_dates,
    tenure_from_panel,
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
    "ActivityChurn",
    "RepeatPurchaseFit",
    "SurvivalCurve",
    "activity_churn",
    "average_order_value",
    "cac_payback_months",
    "calibration_holdout",
    "churn_rate",
    "cohort_margin_curve",
    "cohort_payback_month",
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
    "kaplan_meier",
    "ltv",
    "ltv_cohort",
    "margin_per_customer",
    "mau",
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
    "survival_ltv",
    "tenure_from_dates",
    "tenure_from_panel",
    "tenure_months",
    "time_to_value",
    "tradeoff",
    "ttv_summary",
]

"""Product KPIs and their trade-offs (lesson 03).

KPI definitions, event-log metrics (cohort retention, DAU/MAU, stickiness,
time to value), KPI trade-offs along a driver tree, and the 80/20 of the
features customers buy for.

References
----------
.. [1] Value Rebels, "What does it mean to deliver the right customer value?",
   Value Rebels blog: KPIs are connected, most changes trade two or more off.
   https://www.valuerebels.com/post/what-does-it-mean-to-deliver-the-right-customer-value
.. [2] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022:
   the product KPIs (daily active users, time to value, Net Promoter Score,
   retention rate, lifetime value, margin per customer) and the 20 % of
   features that drive 80 % of purchase decisions.
   https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/
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
    "time_to_value",
    "tradeoff",
    "ttv_summary",
]

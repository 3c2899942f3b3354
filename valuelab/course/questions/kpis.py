"""Questions of ``exercises/03_kpis``: product KPIs, trade-offs and the 80/20.

Q1-Q3 have per-learner variants: their numbers come from :func:`answers` and
:func:`ltv_inputs`, which depend on :func:`valuelab.course.registry.set_variant`
(variant 0 = the numbers in :mod:`valuelab.course.material`).
"""

from __future__ import annotations

from valuelab import kpis
from valuelab.course.material import answers, ltv_inputs
from valuelab.course.registry import close, question
from valuelab.data import load


@question(
    "kpis.q1",
    variable="nps_score",
    hint="Promoters answer 9-10, detractors 0-6; NPS = % promoters - % detractors.",
)
def _q1(answer) -> bool:
    return close(answer, kpis.nps(answers()))


@question(
    "kpis.q2",
    variable="ltv_eur",
    hint="Simple LTV = ARPA x gross margin / monthly (contractual) churn, from ltv_inputs().",
)
def _q2(answer) -> bool:
    x = ltv_inputs()
    return close(answer, kpis.ltv(x["arpa"], x["gross_margin"], x["churn_rate"]))


@question(
    "kpis.q3",
    variable="payback_months",
    hint="Months of margin per paying customer (ARPA x margin) to earn back the CAC.",
)
def _q3(answer) -> bool:
    x = ltv_inputs()
    return close(answer, kpis.cac_payback_months(x["cac"], x["arpa"], x["gross_margin"]))


@question(
    "kpis.q4",
    variable="conversion_change_pct",
    hint="In the default funnel, what_if a 15 % discount: the conversion row's delta_pct.",
)
def _q4(answer) -> bool:
    table = kpis.funnel().what_if(changes={"discount": 0.15})
    return close(answer, float(table.loc["conversion", "delta_pct"]))


@question(
    "kpis.q5",
    variable="worse_kpis",
    hint="conflicts(funnel(), change={'discount': 0.15}): the index, as a list or set.",
)
def _q5(answer) -> bool:
    expected = set(kpis.conflicts(kpis.funnel(), change={"discount": 0.15}).index)
    return isinstance(answer, list | tuple | set) and set(answer) == expected


@question(
    "kpis.q6",
    variable="march_month1",
    hint="cohort_retention(shop_events): the 2024-03 row, column 1 (a share 0-1).",
)
def _q6(answer) -> bool:
    table = kpis.cohort_retention(load("shop_events"))
    return close(answer, float(table.loc["2024-03", 1]))


@question(
    "kpis.q7",
    variable="vital_features",
    hint="pareto_features(purchase_reasons), then pareto_summary: how many features (a count).",
)
def _q7(answer) -> bool:
    summary = kpis.pareto_summary(kpis.pareto_features(load("purchase_reasons")))
    return answer == summary["vital_features"]

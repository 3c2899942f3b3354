"""Questions of ``exercises/03_kpis``: product KPIs, trade-offs and the 80/20."""

from __future__ import annotations

from valuelab import activity, kpis, pareto, tradeoffs
from valuelab.datasets import load
from valuelab.exercises import close, question

#: Q1: ten answers to "How likely are you to recommend us?" (0-10).
ANSWERS = [10, 9, 8, 7, 6, 3, 10, 9, 5, 10]


@question(
    "kpis.q1",
    variable="nps_score",
    hint="Promoters answer 9-10, detractors 0-6; NPS = % promoters - % detractors.",
)
def _q1(answer) -> bool:
    return close(answer, kpis.nps(ANSWERS))


@question(
    "kpis.q2",
    variable="ltv_eur",
    hint="Simple LTV = ARPA x gross margin / monthly churn (ARPA 45 EUR, margin 70 %, churn 3 %).",
)
def _q2(answer) -> bool:
    return close(answer, kpis.ltv(45, 0.7, 0.03))


@question(
    "kpis.q3",
    variable="payback_months",
    hint="Months of gross margin to earn back a CAC of 600 EUR at ARPA 45 EUR and margin 70 %.",
)
def _q3(answer) -> bool:
    return close(answer, kpis.cac_payback_months(600, 45, 0.7))


@question(
    "kpis.q4",
    variable="conversion_change_pct",
    hint="In the default funnel, what_if a 15 % discount: the conversion row's delta_pct.",
)
def _q4(answer) -> bool:
    table = tradeoffs.funnel().what_if(changes={"discount": 0.15})
    return close(answer, float(table.loc["conversion", "delta_pct"]))


@question(
    "kpis.q5",
    variable="worse_kpis",
    hint="conflicts(funnel(), change={'discount': 0.15}): the index, as a list or set.",
)
def _q5(answer) -> bool:
    expected = set(tradeoffs.conflicts(tradeoffs.funnel(), change={"discount": 0.15}).index)
    return isinstance(answer, list | tuple | set) and set(answer) == expected


@question(
    "kpis.q6",
    variable="march_month1",
    hint="cohort_retention(shop_events): the 2024-03 row, column 1 (a share 0-1).",
)
def _q6(answer) -> bool:
    table = activity.cohort_retention(load("shop_events"))
    return close(answer, float(table.loc["2024-03", 1]))


@question(
    "kpis.q7",
    variable="vital_features",
    hint="pareto_features(purchase_reasons), then pareto_summary: how many features (a count).",
)
def _q7(answer) -> bool:
    summary = pareto.pareto_summary(pareto.pareto_features(load("purchase_reasons")))
    return answer == summary["vital_features"]

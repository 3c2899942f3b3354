"""Questions of ``exercises/03_kpis``: product KPIs, trade-offs and the 80/20.

Q1-Q3 have per-learner variants: their numbers come from :func:`answers` and
:func:`ltv_inputs`, which depend on :func:`valuelab.course.registry.set_variant`
(variant 0 = the numbers below).
"""

from __future__ import annotations

from valuelab import kpis
from valuelab.course.registry import close, question, variant_rng
from valuelab.data import load

#: Q1 (variant 0): ten answers to "How likely are you to recommend us?" (0-10).
ANSWERS = [10, 9, 8, 7, 6, 3, 10, 9, 5, 10]
#: Q2-Q3 (variant 0): ARPA (EUR/month), gross margin and monthly churn (shares 0-1), CAC (EUR).
LTV_INPUTS = {"arpa": 45.0, "gross_margin": 0.7, "churn_rate": 0.03, "cac": 600.0}


def answers() -> list[int]:
    """Q1's NPS answers in the current variant."""
    rng = variant_rng("kpis.q1")
    return list(ANSWERS) if rng is None else rng.integers(0, 11, 12).tolist()


def ltv_inputs() -> dict[str, float]:
    """Q2-Q3's ARPA, margin, churn and CAC in the current variant."""
    rng = variant_rng("kpis.q2")
    if rng is None:
        return dict(LTV_INPUTS)
    return {
        "arpa": float(rng.integers(20, 121)),
        "gross_margin": round(float(rng.uniform(0.4, 0.85)), 2),
        "churn_rate": round(float(rng.uniform(0.01, 0.08)), 3),
        "cac": float(rng.integers(20, 151) * 10),
    }


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
    hint="Simple LTV = ARPA x gross margin / monthly churn, with the numbers of ltv_inputs().",
)
def _q2(answer) -> bool:
    x = ltv_inputs()
    return close(answer, kpis.ltv(x["arpa"], x["gross_margin"], x["churn_rate"]))


@question(
    "kpis.q3",
    variable="payback_months",
    hint="Months of gross margin (ARPA x margin) to earn back the CAC of ltv_inputs().",
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

"""Questions of ``exercises/03_kpis``: product KPIs, trade-offs and the 80/20.

Q1-Q3 have per-learner variants: their numbers come from :func:`answers` and
:func:`ltv_inputs`, which depend on :func:`valuelab.course.registry.set_variant`
(variant 0 = the numbers in :mod:`valuelab.course.material`). Q8-Q9 map an event log in
its own shape (``studio_log``) with :func:`valuelab.data.sources.open_source`.
"""

from __future__ import annotations

from typing import Any

from valuelab import kpis
from valuelab.core.quantities import QUANTITIES
from valuelab.course.material import answers, ltv_inputs
from valuelab.course.registry import expect, question
from valuelab.data import load

#: The exercise's title, as its notebook's first heading says it (feedback pages use it).
TITLE = "Exercise 3: KPIs and their trade-offs"


@expect(
    "kpis.q1",
    variable="nps_score",
    hint="Promoters answer 9-10, detractors 0-6; NPS = % promoters - % detractors.",
    tol=0.05,
)
def _q1() -> float:
    return kpis.nps(answers())


@expect(
    "kpis.q2",
    variable="ltv_eur",
    hint="Simple LTV = ARPA x gross margin / monthly (contractual) churn, from `ltv_inputs()`.",
    tol=0.5,
)
def _q2() -> float:
    x = ltv_inputs()
    return kpis.ltv(x["arpa"], x["gross_margin"], x["churn_rate"])


@expect(
    "kpis.q3",
    variable="payback_months",
    hint="Months of margin per paying customer (ARPA x margin) to earn back the CAC.",
    tol=0.05,
)
def _q3() -> float:
    x = ltv_inputs()
    return kpis.cac_payback_months(x["cac"], x["arpa"], x["gross_margin"])


@expect(
    "kpis.q4",
    variable="conversion_change_pct",
    hint="In the default funnel, `what_if` a 15 % discount: the conversion row's `delta_pct`.",
    tol=0.05,
)
def _q4() -> float:
    table = kpis.funnel().what_if(changes={"discount": 0.15})
    return float(table.loc["conversion", "delta_pct"])


@question(
    "kpis.q5",
    variable="worse_kpis",
    hint="`conflicts(funnel(), change={'discount': 0.15})`: its index, as a list. Careful with "
    "the margins: `gross_margin` is the Gross profit (EUR), `gross_margin_pct` the Gross "
    "margin (%).",
    kind="names",
    accepts="a list of the KPIs' keys (e.g. 'aov') or their names in words (e.g. 'Average "
    "order value'), in any order",
)
def _q5(answer) -> bool:
    funnel = kpis.funnel()
    expected = set(kpis.conflicts(funnel, change={"discount": 0.15}).index)
    shown = list(funnel.what_if(changes={"discount": 0.15}).index)  # every KPI of the funnel
    return {_kpi_key(name, shown) for name in answer} == expected


def _kpi_key(name: str, keys: list[str]) -> str:
    """Which of ``keys`` a learner's name for a KPI stands for: its key, label or title.

    Words are read as words: "gross margin" is the Gross margin (``gross_margin_pct``),
    not the key ``gross_margin`` (the Gross profit) written with a space.
    """
    said = " ".join(name.lower().split())
    if said in keys:
        return said
    for key in keys:
        q = QUANTITIES.get(key)
        if q is not None and said in (q.label.lower(), q.title.lower()):
            return key
    return name


@expect(
    "kpis.q6",
    variable="march_month1",
    hint="`cohort_retention(shop_events)`: the row of the cohort starting 2024-03-01, column 1 "
    "(a share 0-1; rows are cohort start dates).",
    tol=0.005,
)
def _q6() -> float:
    table = kpis.cohort_retention(load("shop_events"))
    return float(table.loc["2024-03-01", 1])


@expect(
    "kpis.q7",
    variable="vital_features",
    hint="`pareto_features(purchase_reasons)`, then `pareto_summary`: how many features (a count).",
    kind="integer",
)
def _q7() -> int:
    return int(
        kpis.pareto_summary(kpis.pareto_features(load("purchase_reasons")))["vital_features"]
    )


def _studio() -> Any:
    """The studio log mapped as Q8 asks: the expected answers come from the same source."""
    from valuelab.data.sources import open_source

    return open_source(
        load("studio_log"), user="Member", time="Date", event="Type", amount="Fee", currency="GBP"
    )


@expect(
    "kpis.q8",
    variable="incomplete_month",
    hint="Map Member, Date, Type and Fee to user, time, event and amount (currency GBP); "
    "`source.check()` lists the incomplete periods, and per-month results have a "
    "`complete` column.",
    kind="text",
)
def _q8() -> str:
    from valuelab.kpis import events

    monthly = events.actives(_studio(), "month")
    return ", ".join(monthly.index[~monthly["complete"]].strftime("%Y-%m"))


@expect(
    "kpis.q9",
    variable="october_month2",
    hint="`kpis.events.cohort_retention(source, signup_event='join')`: the 2024-10-01 row, "
    "column 2 (a share 0-1).",
    tol=0.005,
)
def _q9() -> float:
    from valuelab.kpis import events

    table = events.cohort_retention(_studio(), signup_event="join")
    return float(table.loc["2024-10-01", 2])

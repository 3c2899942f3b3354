"""The lessons' figures read in words with units: the same plots calls, on the shipped data.

Lessons 00-05 draw their charts with ``valuelab.plots``; each call below is the
lesson's own (its source is checked to hold it, so the two cannot drift apart),
with the lesson's default parameters and its shipped data. Every figure goes
through the app label checks of ``tests/apps/test_labels.py``: no raw key, no
``e+`` number or format that writes one, every numeric axis with its unit and a
tick format past the thousands. Lesson 03's BG/NBD holdout chart (a ~10 s
model fit) is left to the notebook execution tests.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from support import NOTEBOOKS, ROOT

from valuelab import kpis, okrs, plots, scoring
from valuelab import royalties as r
from valuelab.core import quantity
from valuelab.data import datasets
from valuelab.drivers import ValueDriverTemplate, roi


def _labels_module() -> Any:
    """tests/apps/test_labels.py (its checks), loaded by path: test files share no package."""
    spec = importlib.util.spec_from_file_location("_app_labels", ROOT / "tests/apps/test_labels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LABELS = _labels_module()


def _source(lesson: str) -> str:
    """A lesson's code, every cell joined."""
    nb = json.loads((NOTEBOOKS / lesson).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def lesson_00() -> Iterator[tuple[str, Any]]:
    spotify = datasets.load("spotify_annual")
    from valuelab.royalties import provenance

    yield (
        'plots.yearly(\n    spotify,\n    {"premium_revenue_eur_m": "Premium"',
        plots.yearly(
            spotify,
            {"premium_revenue_eur_m": "Premium", "ad_revenue_eur_m": "Ad-supported"},
            unit="Revenue (EUR m)",
            title="Spotify revenue by segment",
            provenance=provenance(spotify),
        ),
    )


def lesson_01() -> Iterator[tuple[str, Any]]:
    vdt = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    tree, change = vdt.tree, {"premium_share": 0.01}
    values, shown = tree.evaluate(), vdt.quantities()
    actors = {a.id: a.name for a in vdt.actors}
    yield "plots.actor_flows(vdt)", plots.actor_flows(vdt)
    yield (
        "plots.tree_graph(tree, quantities=shown, actors=",
        plots.tree_graph(tree, quantities=shown, actors=actors),
    )
    sens = tree.sensitivity(swing=0.1)
    yield "plots.tornado(sens, quantities=shown)", plots.tornado(sens, quantities=shown)
    parts = tree.contributions(changes=change)
    yield (
        "plots.what_if_waterfall(values[root], parts, quantities=shown)",
        plots.what_if_waterfall(values[tree.root], parts, quantities=shown),
    )
    result = roi(tree, change=change, cost=150.0, months=24, discount_rate=0.08)
    yield (
        "plots.roi_cashflow(result, unit=",
        plots.roi_cashflow(result, unit=tree.units.get(tree.root, "").replace("/month", "")),
    )


def lesson_02() -> Iterator[tuple[str, Any]]:
    annual = datasets.load_spotify_annual()
    kinds = r.provenance(annual)
    for columns, unit in (
        ({"premium_revenue_eur_m": "Premium", "total_revenue_eur_m": "Total"}, "EUR m"),
        ({"mau_m": "Monthly active users", "premium_subs_m": "Premium subscribers"}, "million"),
        ({"premium_arpu_eur_month": "Premium ARPU"}, "EUR per month"),
        ({"gross_margin_pct": "Gross margin"}, "%"),
    ):
        yield (
            f'unit="{unit}"',
            plots.yearly(annual, columns, unit=unit, title="Spotify", provenance=kinds),
        )
    pools = r.pool_estimate(annual, 0.6667, 0.8)
    yield "plots.pool_vs_reported(pools", plots.pool_vs_reported(pools, 0.6667, 0.8)
    yield "plots.euro_flow(path", plots.euro_flow(r.euro_path(0.6667), title="One euro")
    log = datasets.load("listening_log")
    pool = r.royalty_pool(r.log_revenue(log), 0.6667)
    tiers = r.by_tier(r.compare(log, pool, rules=["pro_rata", "user_centric"]))
    yield "plots.tier_change(tiers", plots.tier_change(tiers, title="User-centric vs pro-rata")


def lesson_03() -> Iterator[tuple[str, Any]]:
    model = kpis.funnel(price_elasticity=-2.0)
    yield "plots.tree_graph(model", plots.tree_graph(model, title="The shop funnel")
    sweep = kpis.tradeoff(model, "discount")
    yield "plots.tradeoff_chart(sweep", plots.tradeoff_chart(sweep, "conversion", "contribution")
    tried = kpis.tradeoff(model, "list_price")
    efficient = kpis.frontier(tried, "revenue", "contribution")
    yield (
        "plots.frontier_chart(prices_tried",
        plots.frontier_chart(tried, efficient, "revenue", "contribution", current=model.evaluate()),
    )
    events = datasets.load("shop_events")
    yield "plots.cohort_heatmap(", plots.cohort_heatmap(kpis.cohort_retention(events))
    accounts = kpis.tenure_from_panel(
        datasets.load("accounts_history"), keep=("segment", "arr_eur")
    )
    curves = {s: kpis.kaplan_meier(a, unit="quarters") for s, a in accounts.groupby("segment")}
    yield "plots.survival_chart(", plots.survival_chart(curves, title="Still subscribed")
    reasons = kpis.pareto_features(datasets.load("purchase_reasons"), share=0.8)
    yield "plots.pareto_chart(table)", plots.pareto_chart(reasons)
    sticky = pd.DataFrame(
        {"stickiness": [0.21, 0.2, 0.35], "complete": [True, True, False]},
        index=pd.date_range("2025-04-01", periods=3, freq="MS", name="period_start"),
    )
    yield (
        'plots.period_chart(sticky, "stickiness", quantity("stickiness")',
        plots.period_chart(
            sticky, "stickiness", quantity("stickiness"), title="Stickiness per month"
        ),
    )


def lesson_04() -> Iterator[tuple[str, Any]]:
    team = okrs.load(datasets.data_file("okrs_product_team.yaml"))
    yield "plots.kr_grades(krs)", plots.kr_grades(okrs.key_results(team))
    ranked = okrs.rank(pd.DataFrame(team["initiatives"]), by="rice", ice_method="mean")
    yield "plots.priorities(ranked, by=rank_by)", plots.priorities(ranked, by="rice")


def lesson_05() -> Iterator[tuple[str, Any]]:
    goal = {"goal_metric": "revenue growth (%)", "goal_baseline": 0.0, "goal_target": 50.0}
    goal |= {"goal_current": 3.0, "months_elapsed": 3, "horizon_months": 12}
    yield "plots.goal_trajectory(", plots.goal_trajectory(pd.Series(goal), title="+50 %")
    weights = {"rbo": 0.4, "value_perceived": 0.3, "value_expansion": 0.15, "value_unknown": 0.15}
    scored = scoring.score_accounts(datasets.load("accounts"), weights=weights, policy="neutral")
    yield "plots.score_quadrant(scored)", plots.score_quadrant(scored)
    yield "plots.portfolio_arr(groups)", plots.portfolio_arr(scoring.segment_portfolio(scored))
    history = scoring.score_history(datasets.load("accounts_history"), weights, "neutral")
    churn = scoring.evaluate_indicators(history, outcome="churned", horizon_quarters=2)
    yield 'plots.indicator_auc(churn, outcome="churn")', plots.indicator_auc(churn, outcome="churn")
    expand = scoring.evaluate_indicators(history, outcome="expanded", horizon_quarters=2)
    yield (
        'plots.indicator_auc(expand, outcome="expansion")',
        plots.indicator_auc(expand, outcome="expansion"),
    )


LESSONS: dict[str, Callable[[], Iterator[tuple[str, Any]]]] = {
    "00_start_here.ipynb": lesson_00,
    "01_value_drivers.ipynb": lesson_01,
    "02_spotify_royalties.ipynb": lesson_02,
    "03_kpi_tradeoffs.ipynb": lesson_03,
    "04_okrs_and_initiatives.ipynb": lesson_04,
    "05_customer_value_scoring.ipynb": lesson_05,
}


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_every_figure_of_the_lesson_reads_in_words_with_units(lesson):
    code = _source(lesson)
    problems, drawn = [], 0
    for call, fig in LESSONS[lesson]():
        assert call in code, f"{lesson} no longer calls {call!r}: update this test"
        drawn += 1
        for where, text in LABELS.figure_texts(fig):
            problems += [f"{call}: {p}" for p in LABELS.text_problems(where, text)]
        problems += [f"{call}: {p}" for p in LABELS.axis_problems(fig)]
    assert drawn == code.count("plots.") - ("03_kpi" in lesson)  # all but the holdout chart
    assert problems == []


def test_lesson_01_names_the_tornados_inputs_and_target_in_words():
    (_, _), (_, _), (_, fig), *_ = lesson_01()
    bars = fig.data[0]
    assert "Payout share" in bars.y and "payout_share" not in bars.y
    assert fig.layout.xaxis.title.text.startswith("Operating income")
    assert "EUR m/month" in fig.layout.xaxis.title.text

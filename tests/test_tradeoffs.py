"""The shop funnel, lever sweeps, Pareto frontiers, conflicts and the 80/20 of purchase reasons."""

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import find_widget

from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.kpis.eighty_twenty import pareto_features, pareto_summary
from valuelab.kpis.tradeoffs import FUNNEL_DEFAULTS, conflicts, frontier, funnel, tradeoff


def test_funnel_matches_a_hand_computed_month():
    v = funnel().evaluate()
    # 200,000 visitors x 2 % = 4,000 orders; AOV 40 x 1.5 = 60 EUR; revenue 240,000 EUR
    assert v["orders"] == 4000 and v["aov"] == 60 and v["revenue"] == 240_000
    # gross margin: 240,000 - 4,000 x 1.5 x 22 = 108,000; contribution: 108,000 - 4,000 x 6
    assert v["gross_margin"] == 108_000 and v["contribution"] == 84_000
    assert v["contribution_margin_pct"] == 35.0 and v["margin_per_order"] == 21.0


def test_constant_price_elasticity_of_conversion():
    model = funnel(price_elasticity=-2.0)
    conv = tradeoff(model, "discount", [0.0, 0.1, 0.5])["conversion"].to_numpy()
    assert conv == pytest.approx([0.02, 0.02 * 0.9**-2, 0.02 * 0.5**-2])
    capped = funnel(base_conversion=0.5).evaluate({"discount": 0.5})
    assert capped["conversion"] == 1.0  # conversion never exceeds 1


def test_discount_sweep_lifts_conversion_and_revenue_and_cuts_margin():
    sweep = tradeoff(funnel(), "discount", np.linspace(0, 0.4, 9))
    assert sweep["lever"].eq("discount").all() and len(sweep) == 9
    assert sweep["conversion"].is_monotonic_increasing
    assert sweep["revenue"].is_monotonic_increasing
    assert sweep["contribution_margin_pct"].is_monotonic_decreasing
    # break-even discount: price x basket x (1-d) = basket x unit_cost + cost_per_order
    # 60 (1 - d) = 33 + 6  ->  d = 0.35, where contribution is 0
    at = tradeoff(funnel(), "discount", [0.35])
    assert at["contribution"].iloc[0] == pytest.approx(0, abs=1e-6)


def test_default_sweeps():
    assert tradeoff(funnel())["discount"].tolist() == pytest.approx(np.linspace(0, 0.5, 21))
    prices = tradeoff(funnel(), "list_price")["list_price"]
    assert prices.min() == 20 and prices.max() == 60


def test_frontier_keeps_only_undominated_points():
    df = pd.DataFrame({"a": [1, 2, 3, 2, 1, 3], "b": [5, 4, 1, 3, 5, 2]})
    assert frontier(df, "a", "b").index.tolist() == [0, 1, 5]  # (1,5) twice: the first only
    low_b = frontier(df, "a", "b", maximize=(True, False))
    assert low_b.index.tolist() == [2]
    # Price sweep: revenue and contribution peak at different prices; beyond the
    # revenue peak both fall, so those points are dominated.
    sweep = tradeoff(funnel(), "list_price", np.linspace(25, 80, 56))
    eff = frontier(sweep, "revenue", "contribution")
    assert 0 < len(eff) < len(sweep)
    best_rev = sweep.loc[sweep["revenue"].idxmax(), "list_price"]
    best_con = sweep.loc[sweep["contribution"].idxmax(), "list_price"]
    assert eff["list_price"].between(min(best_rev, best_con), max(best_rev, best_con)).all()


def test_conflicts_list_the_kpis_that_move_the_wrong_way():
    bad = conflicts(funnel(), change={"discount": 0.1})
    assert set(bad.index) == {
        "aov",
        "gross_margin",
        "gross_margin_pct",
        "contribution",
        "contribution_margin_pct",
        "margin_per_order",
    }
    assert bad.attrs["improved"] == ["conversion", "orders", "revenue"]
    assert (bad["delta"] < 0).all()
    # lowering the cost per order moves nothing the wrong way
    assert conflicts(funnel(), change={"cost_per_order": -1}).empty


def test_bad_funnel_inputs_are_named():
    with pytest.raises(InputError, match="unknown inputs \\['trafic'\\]"):
        funnel(trafic=10)
    with pytest.raises(InputError) as info:
        funnel(base_conversion=1.5, discount=-0.1, price_elasticity=0.5)
    msg = str(info.value)
    assert "base_conversion: 1.5 out of range (expected 0 to 1)" in msg
    assert "discount: -0.1 out of range" in msg and "price_elasticity: 0.5 out of range" in msg
    with pytest.raises(InputError, match=r"discount: row 2: 1.2 out of range"):
        tradeoff(funnel(), "discount", [0.1, 0.2, 1.2])
    with pytest.raises(InputError, match="'price' is not an input"):
        tradeoff(funnel(), "price", [1, 2])
    with pytest.raises(InputError, match="no KPI 'nps'"):
        frontier(tradeoff(funnel()), "revenue", "nps")
    with pytest.raises(InputError, match="no change"):
        conflicts(funnel())
    assert set(FUNNEL_DEFAULTS) == set(funnel().input_names)


def test_pareto_of_purchase_reasons():
    reasons = datasets.load("purchase_reasons")
    table = pareto_features(reasons)
    assert table["count"].sum() == len(reasons)
    assert table["cumulative_pct"].iloc[-1] == pytest.approx(100)
    assert table["count"].is_monotonic_decreasing
    summary = pareto_summary(table)
    # the generator builds a steep power law: about 20 % of features, about 80 % of decisions
    assert summary["vital_features_pct"] == pytest.approx(20, abs=5)
    assert summary["vital_decisions_pct"] == pytest.approx(80, abs=3)
    hand = pareto_features(
        pd.DataFrame({"feature": list("abc"), "deals": [10, 70, 20]}), weight="deals"
    )
    assert hand["feature"].tolist() == ["b", "c", "a"]
    assert hand["vital"].tolist() == [True, True, False]  # 70 % < 80 %: b and c needed
    assert hand["cumulative_pct"].tolist() == pytest.approx([70, 90, 100])


def test_pareto_errors():
    with pytest.raises(InputError, match="missing column feature"):
        pareto_features(pd.DataFrame({"reason": ["a"]}))
    with pytest.raises(InputError, match="deals.*row 1"):
        pareto_features(pd.DataFrame({"feature": ["a", "b"], "deals": [1, -2]}), weight="deals")
    with pytest.raises(InputError, match="share"):
        pareto_features(pd.DataFrame({"feature": ["a"]}), share=1.5)


# --- the KPI trade-off explorer app ------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "notebooks" / "apps" / "kpi_tradeoff_explorer.ipynb"


def test_explorer_state_sweeps_the_lever_over_its_slider_range():
    from valuelab.apps.kpi_tradeoff_explorer import SLIDERS, explorer_state

    state = explorer_state({"discount": 0.2}, lever="list_price", kpi_a="conversion")
    sweep = state["sweep"]
    assert sweep["list_price"].min() == SLIDERS["list_price"][0]
    assert sweep["list_price"].max() == SLIDERS["list_price"][1]
    assert (sweep["discount"] == 0.2).all()
    assert state["current"]["revenue"] == pytest.approx(300_000)  # 6,250 orders x 48 EUR
    assert state["baseline"]["revenue"] == 240_000
    assert set(state["frontier"].index) <= set(sweep.index)
    with pytest.raises(InputError, match="unknown lever 'traffic'"):
        explorer_state(lever="traffic")
    with pytest.raises(InputError, match="unknown KPI 'nps'"):
        explorer_state(kpi_b="nps")


def test_explorer_builds_from_a_link_and_a_slider_moves_the_cards():
    from valuelab.apps import kit
    from valuelab.apps.kpi_tradeoff_explorer import build_app

    app = build_app(lever="nope", inputs="discount:0.1,traffic:9e9")
    cards = find_widget(app, kit.KpiCards)
    assert cards.values["revenue"] == pytest.approx(
        funnel(discount=0.1, traffic=500_000).evaluate()["revenue"]
    )
    sliders = find_widget(app, kit.ParamSliders)
    sliders.set({"discount": 0.0, "traffic": 200_000})
    deadline = time.monotonic() + 5
    while cards.values["revenue"] != pytest.approx(240_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cards.values["revenue"] == pytest.approx(240_000)


@pytest.mark.browser
def test_explorer_in_the_browser_follows_the_link_and_the_kpi_pickers(voila, page):
    from valuelab.core import format_value

    def shown(key, **inputs):
        return format_value(key, float(funnel(**inputs).evaluate()[key]))

    server = voila(APP)
    page.goto(server.url + "?inputs=discount:0.2", wait_until="commit")
    value = page.locator("[data-kpi=revenue] .vl-kpi-value")
    value.wait_for(timeout=90_000)
    assert value.inner_text() == shown("revenue", discount=0.2)
    assert page.locator("[data-kpi=contribution] .vl-kpi-value").inner_text() == shown(
        "contribution", discount=0.2
    )
    assert "-33.0 %" in page.locator("[data-kpi=contribution]").inner_text()  # 56,250 vs 84,000
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)
    page.locator("select").nth(2).select_option(label="Orders (orders/month)")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some("
        "gd => gd.layout && gd.layout.yaxis && gd.layout.yaxis.title "
        "&& gd.layout.yaxis.title.text === 'Orders (orders/month)')",
        timeout=30_000,
    )
    body = page.inner_text("body")
    assert "Traceback" not in body and "import" not in body and "build_app" not in body
    assert page.errors == []


# --- lesson 03 --------------------------------------------------------------------------

LESSON = ROOT / "notebooks" / "03_kpi_tradeoffs.ipynb"


@pytest.mark.slow
def test_lesson_numbers(run_notebook):
    from valuelab import kpis

    _, rec = run_notebook(LESSON)
    # by hand: orders x 0.9^-2 and AOV x 0.9 -> revenue x 1.1111; contribution per order
    # 60 x 0.9 - 1.5 x 22 - 6 = 15 (was 21) -> 4,938.3 x 15 = 74,074 vs 84,000
    assert rec["discount_revenue_change_pct"] == pytest.approx((0.9**-2 * 0.9 - 1) * 100)
    assert rec["discount_contribution_change_pct"] == pytest.approx((0.9**-2 * 15 / 21 - 1) * 100)
    assert rec["conflicts"][:4] == ["aov", "gross_margin", "gross_margin_pct", "contribution"]
    # contribution peaks at price = 2 x (unit cost + cost per order / basket) = 52 EUR
    assert rec["frontier_prices"] == [20, 52]
    shop = kpis.shop_summary(datasets.load("shop_events"), cac=35)
    assert rec["shop"] == pytest.approx(shop)
    assert rec["pareto"]["vital_features"] == 6 and rec["pareto"]["vital_features_pct"] == 20


@pytest.mark.slow
def test_lesson_parameters(run_notebook):
    _, rec = run_notebook(LESSON, discount=0.2, price_elasticity=-1.0, vital_share=0.5)
    assert rec["discount_revenue_change_pct"] == pytest.approx(0.0, abs=1e-9)  # unit elastic
    assert rec["pareto"]["vital_decisions_pct"] >= 50

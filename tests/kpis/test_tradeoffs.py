"""The shop funnel, lever sweeps, Pareto frontiers and conflicts; lesson 03."""

import numpy as np
import pandas as pd
import pytest
from support import NOTEBOOKS

from valuelab.core.errors import InputError
from valuelab.data import datasets
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


# --- lesson 03 --------------------------------------------------------------------------

LESSON = NOTEBOOKS / "03_kpi_tradeoffs.ipynb"


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

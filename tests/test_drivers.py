"""Driver trees, the safe formula language, ROI and the Value Drivers Template."""

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import find_widget

from valuelab.core.errors import InputError
from valuelab.drivers import DriverTree, ValueDriverTemplate, roi
from valuelab.drivers.formula import MAX_EXPONENT, Formula

SIMPLE = {"revenue": "subscribers * arpu * 12", "profit": "revenue - costs"}
ROOT = Path(__file__).resolve().parent.parent
POINT = {"subscribers": 1000, "arpu": 10.0, "costs": 40_000}


def test_from_dict_evaluates_every_node_and_finds_the_root():
    tree = DriverTree.from_dict(SIMPLE)
    assert tree.root == "profit"
    values = tree.evaluate(POINT)
    assert values["revenue"] == 120_000 and values["profit"] == 80_000
    assert list(values.index) == ["subscribers", "arpu", "costs", "revenue", "profit"]


def test_the_small_language_computes_what_it_says():
    values = {"a": 3.0, "b": -2.0, "c": 0.5}
    cases = {
        "a + b * 2": -1.0,
        "(a + b) * 2": 2.0,
        "-a ** 2": -9.0,
        "a ** 2 / 3": 3.0,
        "min(a, b, c)": -2.0,
        "max(a, b)": 3.0,
        "abs(b)": 2.0,
        "round(c * 7)": 4.0,  # numpy rounds half to even: 3.5 -> 4
        "round(a / 7, 2)": 0.43,
        "if(a > 2, 10, 20)": 10.0,
        "if(a <= b, 10, 20)": 20.0,
        "+a": 3.0,
        "1e3 * c": 500.0,
        "0 < c < 1": 1.0,
    }
    for text, expected in cases.items():
        assert float(Formula.parse(text).evaluate(values)) == pytest.approx(expected), text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x.__class__", "attributes are not allowed"),
        ("x[0]", "subscripts are not allowed"),
        ("(lambda: 1)()", "calls to"),
        ("lambda: 1", "lambdas are not allowed"),
        ("[i for i in x]", "comprehensions are not allowed"),
        ("{i: 1 for i in x}", "comprehensions are not allowed"),
        ("sum(i for i in x)", "calls to 'sum' are not allowed"),
        ("__import__('os').system('true')", "are not allowed"),
        ("import os", "malformed"),
        ("open('x')", "calls to 'open' are not allowed"),
        ("eval('1')", "calls to 'eval' are not allowed"),
        ("x.y(1)", "calls to 'x.y' are not allowed"),
        ("'text'", "constant 'text' is not allowed"),
        ("True", "constant True is not allowed"),
        ("a if b else c", "inline if-else"),
        ("a and b", "'and'/'or' are not allowed"),
        ("(y := 2)", "assignments are not allowed"),
        ("a +", "malformed"),
        ("", "empty formula"),
        ("min(a)", "'min' takes 2 or more arguments, got 1"),
        ("abs(a, b)", "'abs' takes 1 arguments, got 2"),
        ("if(a, b)", "'if' takes 3 arguments, got 2"),
        ("round(a, ndigits=2)", "takes no keyword arguments"),
        ("max", "'max' is a function, not a value"),
        ("a // b", "BinOp expressions are not allowed"),
    ],
)
def test_unsafe_or_malformed_formulas_name_the_node_and_formula(text, message):
    with pytest.raises(InputError) as info:
        DriverTree.from_dict({"bad": text, "ok": "bad + 1"})
    text_of = str(info.value)
    assert "node 'bad'" in text_of and message in text_of and "formula '" in text_of


def test_huge_exponents_fail_fast_instead_of_hanging():
    start = time.perf_counter()
    tree = DriverTree.from_dict({"x": "9 ** 9 ** 9"})
    with pytest.raises(InputError, match=f"exponent beyond ±{MAX_EXPONENT}"):
        tree.evaluate()
    tree = DriverTree.from_dict({"x": "a ** b"})
    with pytest.raises(InputError, match="node 'x'.*exponent beyond"):
        tree.evaluate({"a": 10, "b": 1e9})
    assert np.isinf(tree.evaluate({"a": 10, "b": 999})["x"])  # overflow is inf, not a hang
    assert time.perf_counter() - start < 1


def test_errors_in_structure_are_listed_all_at_once():
    with pytest.raises(InputError) as info:
        DriverTree.from_dict(
            {"a": "b + 1", "b": "a * 2", "c": "x.y", "d": "foo + a"},
            root="nope",
            nsm="also_nope",
            inputs={"e": 1},
        )
    msg = str(info.value)
    assert "cycle a -> b -> a" in msg
    assert "node 'c': attributes are not allowed" in msg
    assert "node 'd': unknown name 'foo' in formula 'foo + a'" in msg
    assert "root 'nope' is not a node" in msg and "nsm 'also_nope' is not a node" in msg


def test_division_by_zero_and_missing_inputs_name_the_node():
    tree = DriverTree.from_dict({"aov": "revenue / orders"})
    with pytest.raises(
        InputError, match=r"node 'aov': division by zero in formula 'revenue / orders'"
    ):
        tree.evaluate({"revenue": 10, "orders": 0})
    with pytest.raises(InputError, match=r"division by zero \(rows \[1\]\)"):
        tree.evaluate({"revenue": [10, 20], "orders": [2, 0]})
    with pytest.raises(InputError, match="no value for input 'orders' used in formula"):
        tree.evaluate({"revenue": 10})
    with pytest.raises(InputError, match=r"input 'orders': row 2: missing value \(NaN\)$"):
        tree.evaluate({"revenue": 10, "orders": [1, 2, np.nan]})
    with pytest.raises(InputError, match="equal-length"):
        tree.evaluate({"revenue": [1, 2], "orders": [1, 2, 3]})
    with pytest.raises(InputError, match="input 'aov': is a node"):
        tree.evaluate({"revenue": 1, "orders": 1, "aov": 3})


def test_vectorized_evaluation_equals_row_by_row():
    tree = DriverTree.from_dict(
        {
            "revenue": "visitors * conversion * aov",
            "margin": "revenue * gm - if(visitors > 5000, 100, 0)",
            "capped": "min(margin, 2000) + max(abs(margin - 1500), 0)",
        }
    )
    rng = np.random.default_rng(7)
    scenarios = pd.DataFrame(
        {
            "visitors": rng.integers(1000, 10_000, 200),
            "conversion": rng.uniform(0.01, 0.05, 200),
            "aov": rng.uniform(20, 80, 200),
            "gm": rng.uniform(0.2, 0.6, 200),
        },
        index=pd.RangeIndex(100, 300, name="scenario"),
    )
    table = tree.evaluate(scenarios)
    assert table.index.equals(scenarios.index)
    for label, row in scenarios.iloc[::17].iterrows():
        one = tree.evaluate(row.to_dict())
        assert table.loc[label, "capped"] == pytest.approx(one["capped"])
        assert table.loc[label, "revenue"] == pytest.approx(one["revenue"])


def test_elasticities_match_hand_computed_values():
    tree = DriverTree.from_dict(SIMPLE)
    el = tree.elasticities(POINT)
    # profit = 12*s*a - c = 120,000 - 40,000: d ln profit / d ln s = 120,000 / 80,000
    assert el["subscribers"] == pytest.approx(1.5, abs=1e-9)
    assert el["arpu"] == pytest.approx(1.5, abs=1e-9)
    assert el["costs"] == pytest.approx(-0.5, abs=1e-9)
    product = DriverTree.from_dict({"r": "a * b * c"}).elasticities({"a": 2, "b": 3, "c": 5})
    assert product.to_numpy() == pytest.approx([1.0, 1.0, 1.0], abs=1e-9)
    power = DriverTree.from_dict({"r": "a ** 3 / b"}).elasticities({"a": 2, "b": 4})
    assert power["a"] == pytest.approx(3.0, abs=1e-6) and power["b"] == pytest.approx(
        -1.0, abs=1e-6
    )
    assert tree.elasticities({**POINT, "costs": 0})["costs"] == 0.0
    rev = tree.elasticities(POINT, of="revenue")
    assert rev["costs"] == 0.0 and rev["arpu"] == pytest.approx(1.0)


def test_sensitivity_is_sorted_by_impact_and_centred_on_the_base():
    tree = DriverTree.from_dict(SIMPLE)
    sens = tree.sensitivity(POINT, swing=0.1)
    assert list(sens["input"]) == ["arpu", "subscribers", "costs"]
    top = sens.iloc[0]
    assert top["low"] == pytest.approx(68_000) and top["high"] == pytest.approx(92_000)
    assert top["range"] == pytest.approx(24_000) and top["base"] == 80_000
    assert sens.iloc[2]["range"] == pytest.approx(8_000)
    with pytest.raises(InputError, match="swing"):
        tree.sensitivity(POINT, swing=1.5)


def test_what_if_and_contributions():
    tree = DriverTree.from_dict(SIMPLE)
    table = tree.what_if(POINT, {"arpu": 1.0})
    assert table.loc["profit", "before"] == 80_000 and table.loc["profit", "after"] == 92_000
    assert table.loc["profit", "delta"] == 12_000 and table.loc["profit", "delta_pct"] == 15.0
    assert tree.what_if(POINT, {"arpu": 1.1}, how="multiply").loc[
        "revenue", "after"
    ] == pytest.approx(132_000)
    assert tree.what_if(POINT, {"costs": 0}, how="set").loc["profit", "after"] == 120_000
    parts = tree.contributions(POINT, {"arpu": 1.0, "subscribers": 100, "costs": 5000})
    assert parts.to_dict() == {"arpu": 12_000, "subscribers": 13_200, "costs": -5000}
    assert (
        parts.sum()
        == tree.what_if(POINT, {"arpu": 1, "subscribers": 100, "costs": 5000}).loc[
            "profit", "delta"
        ]
    )
    with pytest.raises(InputError, match="not inputs of the tree: revenue"):
        tree.what_if(POINT, {"revenue": 1})
    with pytest.raises(InputError, match="unknown how"):
        tree.what_if(POINT, {"arpu": 1}, how="divide")


def test_roi_cash_flows_npv_and_payback():
    tree = DriverTree.from_dict({"profit": "visitors * conversion * margin"})
    point = {"visitors": 10_000, "conversion": 0.02, "margin": 30}
    r = roi(tree, point, change={"conversion": 0.005}, cost=3000, months=6)
    assert r.monthly_gain == 1500.0 and r.payback_month == 2 and r.npv == 6000.0
    assert list(r.cashflows["net"]) == [-3000, 1500, 1500, 1500, 1500, 1500, 1500]
    discounted = roi(
        tree, point, change={"conversion": 0.005}, cost=3000, months=6, discount_rate=0.1
    )
    rm = 1.1 ** (1 / 12) - 1
    assert discounted.npv == pytest.approx(-3000 + sum(1500 / (1 + rm) ** t for t in range(1, 7)))
    never = roi(tree, point, change={"conversion": 0.001}, cost=10_000, months=12)
    assert never.payback_month is None and never.npv < 0
    running = roi(tree, point, change={"conversion": 0.005}, cost=0, monthly_cost=2000, months=3)
    assert running.payback_month is None and running.npv == -1500
    yearly = roi(tree, point, change={"conversion": 0.005}, cost=0, months=1, period="year")
    assert yearly.monthly_gain == 125.0
    with pytest.raises(InputError, match="months"):
        roi(tree, point, change={"conversion": 0.005}, months=0)


def test_yaml_round_trip_keeps_every_formula_input_and_unit(tmp_path):
    template = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    tree = template.tree
    path = tmp_path / "tree.yaml"
    tree.to_yaml(path)
    again = DriverTree.from_yaml(path)
    assert again.to_dict() == tree.to_dict()
    pd.testing.assert_series_equal(again.evaluate(), tree.evaluate())
    assert again.nsm == "listening_hours" and again.root == "operating_income"
    assert again.drivers()["premium_share"] == "listeners_premium"
    copy = tmp_path / "template.yaml"
    template.to_yaml(copy)
    back = ValueDriverTemplate.from_yaml(copy)
    assert back.to_dict() == template.to_dict()


def test_shipped_templates_validate_and_the_spotify_tree_matches_fy2024():
    spotify = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    assert {a.id for a in spotify.actors} == {
        "listeners_free",
        "listeners_premium",
        "advertisers",
        "artists",
        "labels_publishers",
        "platform",
    }
    assert spotify.gaps() == []
    values = spotify.tree.evaluate()
    from valuelab.data.datasets import load_spotify_annual

    fy = load_spotify_annual().set_index("year").loc[2024]
    assert values["revenue"] * 12 == pytest.approx(fy["total_revenue_eur_m"], rel=0.02)
    assert values["ad_revenue"] * 12 == pytest.approx(fy["ad_revenue_eur_m"], rel=0.01)
    gm = values["gross_profit"] / values["revenue"] * 100
    assert gm == pytest.approx(fy["gross_margin_pct"], abs=0.05)
    market = ValueDriverTemplate.load("marketplace_value_drivers.yaml")
    assert market.tree.evaluate()["projects_delivered"] == pytest.approx(11_160)
    flows = market.flow_table()
    assert flows.loc[0, "amount"] == pytest.approx(21.0924)


def test_template_validation_reports_every_problem_at_once():
    doc = yaml.safe_load(ValueDriverTemplate.load("marketplace_value_drivers.yaml").to_yaml())
    del doc["north_star"]["metric"]
    doc["actors"][0]["role"] = "customer"
    del doc["actors"][1]["gives"]
    doc["value_drivers"][0]["actor"] = "buyers"
    del doc["value_drivers"][1]["owner"]
    doc["value_drivers"][2]["input"] = "fill"
    doc["value_drivers"][3]["link"] = "profit"
    doc["flows"][0]["target"] = "bank"
    doc["flows"][1]["node"] = "nowhere"
    with pytest.raises(InputError) as info:
        ValueDriverTemplate.from_dict(doc, source="gigwise.yaml")
    msg = str(info.value)
    for part in [
        "gigwise.yaml: 9 problems",
        "north_star: missing 'metric'",
        "actors[0].role: unknown role 'customer'",
        "actors[1]: missing 'gives'",
        "value_drivers[0] (Active clients).actor: no actor 'buyers'",
        "value_drivers[1]: missing 'owner'",
        "value_drivers[2] (Fill rate).input: the tree has no input 'fill'",
        "value_drivers[3] (Project value).link: 'profit'",
        "flows[0].target: no actor 'bank'",
        "flows[1].node: the tree has no node 'nowhere'",
    ]:
        assert part in msg, part
    doc = yaml.safe_load(ValueDriverTemplate.load("marketplace_value_drivers.yaml").to_yaml())
    doc["tree"]["nodes"]["gmv"] = "projects_delivered * avg_project_value.real"
    doc["tree"]["nodes"]["fees"] = "gmv * rate"
    with pytest.raises(InputError) as info:
        ValueDriverTemplate.from_dict(doc, source="gigwise.yaml")
    assert str(info.value) == (
        "gigwise.yaml: 2 problems: node 'gmv': attributes are not allowed in formula "
        "'projects_delivered * avg_project_value.real' (expected numbers, names, + - * / **, "
        "parentheses, comparisons, min, max, abs, round, if); node 'fees': unknown name 'rate' "
        "in formula 'gmv * rate' (expected a node or a declared input)"
    )


def test_gaps_flag_an_actor_with_no_value_driver():
    doc = ValueDriverTemplate.load("spotify_value_drivers.yaml").to_dict()
    doc["value_drivers"] = [d for d in doc["value_drivers"] if d["actor"] != "advertisers"]
    template = ValueDriverTemplate.from_dict(doc)
    assert template.gaps() == ["Advertisers has no value driver"]
    assert "- Advertisers has no value driver" in template.to_markdown()


def test_markdown_and_html_pages_carry_every_actor_and_driver():
    template = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    md, page = template.to_markdown(), template.to_html()
    assert md.startswith("# Value Drivers: Spotify-like music streaming")
    assert "**North Star Metric:** Time spent listening" in md
    assert "| Premium listeners | The platform | subscriptions | money | 1,170 EUR m/month |" in md
    for item in [*template.actors, *template.drivers]:
        assert item.name in md and item.name in page
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "Labels and publishers" in page and "&amp;" not in template.platform


def test_tree_depth_and_tops():
    tree = ValueDriverTemplate.load("spotify_value_drivers.yaml").tree
    assert set(tree.tops()) == {"operating_income", "listening_hours", "artist_royalties"}
    depth = tree.depth()
    assert depth["operating_income"] == 0 and depth["mau"] > depth["revenue"]


# --- lesson 01 ------------------------------------------------------------------------

NOTEBOOK = ROOT / "notebooks" / "01_value_drivers.ipynb"


@pytest.mark.slow
def test_lesson_numbers_are_the_package_numbers(run_notebook):
    _, rec = run_notebook(NOTEBOOK)
    tree = ValueDriverTemplate.load("spotify_value_drivers.yaml").tree
    values = tree.evaluate()
    assert rec["nsm_value"] == pytest.approx(638.5 * 25)  # MAU x hours per user
    assert rec["root_value"] == pytest.approx(values["operating_income"])
    assert rec["revenue_check_diff_pct"]["revenue"] == pytest.approx(1.43, abs=0.01)
    assert rec["revenue_check_diff_pct"]["ad_revenue"] == pytest.approx(-0.05, abs=0.01)
    assert rec["elasticities"] == pytest.approx(tree.elasticities().to_dict())
    sens = tree.sensitivity(swing=0.1)
    assert rec["tornado_order"] == list(sens["input"])
    assert rec["tornado_order"][0] == "payout_share"
    what_if = tree.what_if(changes={"premium_share": 0.01})
    assert rec["what_if_root_delta"] == pytest.approx(what_if.loc["operating_income", "delta"])
    assert rec["what_if_nsm_delta"] == 0  # conversion moves money, not listening hours
    r = roi(tree, change={"premium_share": 0.01}, cost=150, months=24, discount_rate=0.08)
    assert rec["roi_npv"] == pytest.approx(r.npv) and rec["roi_payback_month"] == r.payback_month
    # by hand: 6.385 m more subscribers x (4.69 - 0.397) EUR x 30.1 % margin = 8.25 EUR m/month
    assert r.monthly_gain == pytest.approx(6.385 * (4.69 - 0.397) * (1 - 0.6667 - 0.0323))
    assert r.payback_month == 19  # ceil(150 / 8.25)


@pytest.mark.slow
def test_lesson_runs_on_the_other_template(run_notebook):
    _, rec = run_notebook(
        NOTEBOOK,
        template="marketplace_value_drivers.yaml",
        what_if_input="fill_rate",
        what_if_change=0.05,
        initiative_cost=0.5,
    )
    assert rec["nsm_value"] == pytest.approx(11_160)
    assert rec["revenue_check_diff_pct"] == {}
    tree = ValueDriverTemplate.load("marketplace_value_drivers.yaml").tree
    r = roi(tree, change={"fill_rate": 0.05}, cost=0.5, months=24, discount_rate=0.08)
    assert rec["roi_payback_month"] == r.payback_month and rec["roi_npv"] == pytest.approx(r.npv)


# --- the value driver canvas app -------------------------------------------------------

APP = ROOT / "notebooks" / "apps" / "value_driver_canvas.ipynb"


def test_canvas_state_and_driver_links():
    from valuelab.apps.kit import format_drivers, parse_drivers
    from valuelab.apps.value_driver_canvas import canvas_state, slider_specs

    template = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    state = canvas_state(template, {"mau": 700}, swing=0.2)
    assert state["nsm"] == "listening_hours" and state["root"] == "operating_income"
    assert state["values"]["listening_hours"] == 700 * 25
    assert state["baseline"]["listening_hours"] == 638.5 * 25
    assert state["sensitivity"].attrs["swing"] == 0.2
    specs = slider_specs(template)
    assert set(specs) == set(template.tree.inputs)
    assert specs["premium_arpu"][:3] == ("premium_arpu (EUR/month) · listeners_premium", 3.0, 7.0)
    text = format_drivers({"mau": 700.0, "premium_arpu": 4.69}, template.tree.defaults())
    assert text == "mau:700" and parse_drivers(text) == {"mau": 700.0}


def test_canvas_builds_and_a_slider_moves_the_cards():
    from valuelab.apps import kit
    from valuelab.apps.value_driver_canvas import build_app

    app = build_app(platform="marketplace", drivers="fill_rate:0.8,nope:1,bad")
    cards = find_widget(app, kit.KpiCards)
    assert cards.values["nsm"] == pytest.approx(18_000 * 0.8)
    sliders = find_widget(app, kit.ParamSliders)
    sliders.set({"fill_rate": 0.5})
    deadline = time.monotonic() + 5
    while cards.values["nsm"] != pytest.approx(9_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cards.values["nsm"] == pytest.approx(9_000)
    tree = ValueDriverTemplate.load("marketplace_value_drivers.yaml").tree
    expected = tree.evaluate({"fill_rate": 0.5})["operating_profit"]
    assert cards.values["root"] == pytest.approx(expected)


@pytest.mark.browser
def test_canvas_app_in_the_browser(apps_server, page):
    from valuelab.apps.value_driver_canvas import canvas_state

    template = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    state = canvas_state(template, {"premium_share": 0.45})
    # Through valuelab serve, as stakeholders open it (plain Voila with a shared
    # link: tests/test_browser.py).
    page.goto(apps_server.app_url(APP.name, "drivers=premium_share:0.45"), wait_until="commit")
    root = page.locator("[data-kpi=root] .vl-kpi-value")
    root.wait_for(timeout=90_000)
    expected = f"{state['values']['operating_income']:,.1f} EUR m/month"
    assert root.inner_text() == expected
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)

    page.locator("select").first.select_option(label="Marketplace")
    market = ValueDriverTemplate.load("marketplace_value_drivers.yaml").tree.evaluate()
    page.wait_for_function(
        "t => document.querySelector('[data-kpi=nsm] .vl-kpi-value').innerText === t",
        arg=f"{market['projects_delivered']:,.1f} projects/month",
        timeout=30_000,
    )
    body = page.inner_text("body")
    assert "Traceback" not in body and "import" not in body and "build_app" not in body
    assert page.errors == []

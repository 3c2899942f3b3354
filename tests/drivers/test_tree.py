"""Driver trees: evaluation, elasticities, sensitivity, what-if, YAML; and lesson 01."""

import numpy as np
import pandas as pd
import pytest
from support import NOTEBOOKS

from valuelab.core.errors import InputError
from valuelab.drivers import DriverTree, ValueDriverTemplate, roi

SIMPLE = {"revenue": "subscribers * arpu * 12", "profit": "revenue - costs"}
POINT = {"subscribers": 1000, "arpu": 10.0, "costs": 40_000}


def test_from_dict_evaluates_every_node_and_finds_the_root():
    tree = DriverTree.from_dict(SIMPLE)
    assert tree.root == "profit"
    values = tree.evaluate(POINT)
    assert values["revenue"] == 120_000 and values["profit"] == 80_000
    assert list(values.index) == ["subscribers", "arpu", "costs", "revenue", "profit"]


def test_series_inputs_are_matched_by_label():
    tree = DriverTree.from_dict(SIMPLE)
    subscribers = pd.Series([1000, 10], index=["north", "south"])
    arpu = pd.Series([5.0, 10.0], index=["south", "north"])
    costs = pd.Series([40_000.0, 0.0], index=["north", "south"])
    profit = tree.evaluate({"subscribers": subscribers, "arpu": arpu, "costs": costs})["profit"]
    oracle = subscribers * arpu * 12 - costs  # pandas, by label
    assert profit.to_dict() == oracle.to_dict() == {"north": 80_000.0, "south": 600.0}
    with pytest.raises(InputError, match="arpu: labels differ from those of 'subscribers'"):
        tree.evaluate({"subscribers": subscribers, "arpu": arpu.iloc[:1], "costs": costs})


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
    with pytest.raises(InputError, match=r"input 'orders': row 2: missing value \(NaN\)"):
        tree.evaluate({"revenue": 10, "orders": [1, 2, np.nan]})
    # text and infinities are not numbers either (the kit's one scalar-or-array check)
    with pytest.raises(InputError, match=r"input 'orders': '3' is not a number"):
        tree.evaluate({"revenue": 10, "orders": "3"})
    with pytest.raises(InputError, match=r"input 'orders': infinite value"):
        tree.evaluate({"revenue": 10, "orders": np.inf})
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


def test_a_scenario_result_shares_no_writable_memory_with_its_inputs():
    # evaluate() passes float columns on without copying; writes on either side stay apart
    tree = DriverTree.from_dict(
        {"same": "x", "again": "same", "double": "x * 2", "total": "double + y"},
        root="total",
        inputs={"x": 0.0, "y": 1.5},
    )
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0], "n": [1, 2, 3]})
    given = np.array([1.0, 2.0, 3.0])
    for result, source in ((tree.evaluate(table), None), (tree.evaluate({"x": given}), given)):
        assert result.dtypes.eq(np.float64).all()
        assert result["total"].tolist() == [3.5, 5.5, 7.5]
        result.loc[0, "x"] = 100.0
        result.loc[1, "same"] = -1.0
        result.loc[2, "double"] = 0.0
        result.loc[0, "y"] = 9.0
        assert result["again"].tolist() == [1.0, 2.0, 3.0]  # a node equal to an input is a copy
        assert result["y"].tolist() == [9.0, 1.5, 1.5]
        assert result["total"].tolist() == [3.5, 5.5, 7.5]
        if source is not None:
            assert source.tolist() == [1.0, 2.0, 3.0]
    assert table["x"].tolist() == [1.0, 2.0, 3.0]
    table.loc[1, "x"] = 50.0
    assert tree.evaluate(table)["double"].tolist() == [2.0, 100.0, 6.0]


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


def test_tree_depth_and_tops():
    tree = ValueDriverTemplate.load("spotify_value_drivers.yaml").tree
    assert set(tree.tops()) == {"operating_income", "listening_hours", "artist_royalties"}
    depth = tree.depth()
    assert depth["operating_income"] == 0 and depth["mau"] > depth["revenue"]


# --- lesson 01 ------------------------------------------------------------------------

NOTEBOOK = NOTEBOOKS / "01_value_drivers.ipynb"


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
    sources = {figure: (value, kind) for figure, value, kind in rec["sources"]}
    assert sources["Monthly active users"] == (
        "638.5 million users",
        "derived",
    )  # mean of 602 and 675
    assert sources["Premium ARPU"] == ("4.69 EUR/month", "reported")
    assert sources["Hours per listener"] == ("25 hours/month", "estimated")
    assert sources["Payout share"] == ("66.7 %", "estimated")  # of music, not total
    assert sources["North Star: Time spent listening"] == (
        "15,962.5 million hours/month",
        "estimated",
    )
    assert sources["Operating income"][1] == "estimated"
    assert sources["Operating income"][0] == f"{values['operating_income']:,.1f} EUR m/month"
    assert sources["Model vs reported: Revenue"] == ("1.43 %", "derived")
    assert sources["Model vs reported: Ad revenue"] == ("-0.05 %", "derived")
    assert sources["NPV of the initiative over 24 months"] == (f"{r.npv:,.1f} EUR m", "estimated")


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


def test_a_chain_of_1500_nodes_is_sorted_without_recursion():
    chain = {f"n{i}": f"n{i - 1} + 1" for i in range(1499, 0, -1)}  # the top first
    chain["n0"] = "1"
    tree = DriverTree.from_dict(chain)
    assert tree.order[0] == "n0" and tree.order[-1] == "n1499"
    assert tree.evaluate()["n1499"] == 1500.0
    assert max(tree.depth().values()) == 1499
    looped = {**chain, "n0": "n1499 - 1"}
    with pytest.raises(InputError, match=r"cycle n1499 -> n1498 -> .* -> n0 -> n1499"):
        DriverTree.from_dict(looped)


def test_inputs_beyond_float64_are_input_errors():
    tree = DriverTree.from_dict({"x": "a + 1"})
    with pytest.raises(InputError, match="input 'a': a number beyond float64"):
        tree.evaluate({"a": 10**5000})
    with pytest.raises(InputError, match=r"input 'a': 'aaaaa.*\.\.\. is not a number"):
        tree.evaluate({"a": "a" * 500})


def test_inputs_carry_their_kind_into_the_sources_table():
    tree = DriverTree.from_dict(
        {"revenue": "users * arpu"},
        inputs={
            "users": {"value": 10, "unit": "million", "kind": "reported", "description": "X"},
            "arpu": {"value": 4.5, "unit": "EUR/month"},
            "share": {
                "value": 0.3908,
                "unit": "share 0-1",
                "kind": "derived",
                "description": "a/b",
            },
        },
    )
    rows = {v.figure: v for v in tree.input_sources("Spotify 20-F 2024")}
    assert (rows["users"].kind, rows["users"].text, rows["users"].source) == (
        "reported",
        "10 million",
        "Spotify 20-F 2024",  # the description is the basis column's, not repeated here
    )
    assert rows["users"].basis == "X"
    assert (rows["arpu"].kind, rows["arpu"].text, rows["arpu"].basis) == (
        "estimated",
        "4.5 EUR/month",
        "an assumption of Spotify 20-F 2024",
    )
    assert (rows["share"].text, rows["share"].basis) == ("39.1 %", "a/b")  # as the apps show it
    assert tree.to_dict()["inputs"]["users"]["kind"] == "reported"
    assert "kind" not in tree.to_dict()["inputs"]["arpu"]  # the default is not written
    with pytest.raises(InputError, match="kind 'guessed'"):
        DriverTree.from_dict({"r": "a"}, inputs={"a": {"value": 1, "kind": "guessed"}})


def test_quantities_name_every_node_and_input_once_for_cards_and_charts():
    tree = DriverTree.from_dict(
        {
            "revenue": {"formula": "users * arpu", "unit": "EUR m/month"},
            "profit": {"formula": "revenue - costs", "unit": "EUR m/month"},
        },
        inputs={
            "users": {"value": 12_000, "unit": "users"},
            "arpu": {"value": 0.0001, "unit": "EUR m/month"},
            "costs": {"value": 0.56, "unit": "EUR m/month"},
            "churn_share": {"value": 0.02, "unit": "share 0-1"},
        },
    )
    shown = tree.quantities({"arpu": "Revenue per user"})
    assert set(shown) == {"users", "arpu", "costs", "churn_share", "revenue", "profit"}
    # 12,000 x 0.0001 = 1.2; profit 1.2 - 0.56 = 0.64: two decimals, as on the tree's box
    assert shown["profit"].format(0.64) == "0.64 EUR m/month"
    assert shown["revenue"].title == "Revenue (EUR m/month)"  # the registry's name
    assert shown["arpu"].label == "Revenue per user"  # the template's
    assert shown["users"].format(12_000) == "12,000 users"  # never 1.2e+04
    assert shown["churn_share"].format(0.02) == "2.0 %"

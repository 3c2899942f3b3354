"""Driver figures: the tree, the tornado, the what-if waterfall, actor flows, ROI cash."""

import pytest

from valuelab.drivers import DriverTree, ValueDriverTemplate, roi
from valuelab.plots.drivers import (
    actor_flows,
    roi_cashflow,
    tornado,
    tree_graph,
    what_if_waterfall,
)


@pytest.fixture
def tree():
    # revenue = 10 users x 2.5 EUR = 25 EUR/month (the North Star here); profit = 25 - 5 = 20
    return DriverTree.from_dict(
        {
            "revenue": {"formula": "users * arpu", "unit": "EUR/month"},
            "profit": {"formula": "revenue - costs", "unit": "EUR/month"},
        },
        nsm="revenue",
        inputs={
            "users": {"value": 10, "unit": "users", "actor": "listeners"},
            "arpu": {"value": 2.5, "unit": "EUR/user"},
            "costs": 5,
        },
    )


def test_tree_graph_draws_layers_edges_and_the_kinds_of_node(tree):
    fig = tree_graph(tree)
    edges, *groups = fig.data
    assert [t.name for t in groups] == ["North Star", "root", "value driver (input)", "other input"]
    assert list(edges.x).count(None) == 4  # profit-revenue, profit-costs, revenue-users, -arpu
    by_name = {t.name: t for t in groups}
    # names in words, three significant digits of the default value (tree.quantities())
    assert list(by_name["root"].text) == ["<b>Profit</b><br>20.0 EUR/month"]
    assert list(by_name["North Star"].text) == ["<b>Revenue</b><br>25 EUR/month"]  # registered
    assert by_name["North Star"].marker.symbol == "star"
    assert by_name["value driver (input)"].customdata[0].endswith("driver of listeners")
    assert sorted(by_name["other input"].y) == [-2.0, -1.0]  # costs one level up, arpu two
    assert by_name["root"].y == (0.0,)
    assert fig.layout.title.text == "Driver tree: Profit = 20.0 EUR/month"
    assert fig.layout.height == 420 and fig.layout.xaxis.visible is False
    moved = tree_graph(tree, {"users": 20}, title="Twice the users")
    assert moved.layout.title.text == "Twice the users"
    assert "45.0 EUR/month" in {t.name: t for t in moved.data}["root"].text[0]
    named = tree_graph(tree, actors={"listeners": "Listeners"})
    assert (
        {t.name: t for t in named.data}["value driver (input)"]
        .customdata[0]
        .endswith("driver of Listeners")
    )


def test_tornado_bars_start_at_the_base_and_biggest_come_first(tree):
    sens = tree.sensitivity(swing=0.1)
    fig = tornado(sens, unit="EUR/month")
    low, high, base = fig.data
    assert [low.name, high.name, base.name] == ["input -10%", "input +10%", "base 20.00 EUR/month"]
    assert base.mode == "lines" and list(base.x) == [20.0]  # the base line's legend entry
    assert list(low.y) == list(sens["input"]) == ["arpu", "users", "costs"]
    # arpu 2.25 or 2.75: profit 17.5 or 22.5 around the base of 20
    assert low.base == 20.0 and low.x[0] == pytest.approx(-2.5)
    assert high.x[0] == pytest.approx(2.5) and high.x[2] == pytest.approx(-0.5)  # costs up
    assert fig.layout.barmode == "overlay" and fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.title.text == "What moves profit most"
    assert fig.layout.xaxis.title.text == "profit (EUR/month)"
    assert fig.layout.yaxis.title.text == "Input"
    assert fig.layout.shapes[0].x0 == 20.0  # the base line
    shown = tornado(sens, quantities=tree.quantities({"arpu": "Revenue per user"}))
    assert list(shown.data[0].y) == ["Revenue per user", "Users", "Costs"]
    assert shown.data[0].customdata[0] == "2.25 EUR/user"  # arpu 2.5 - 10 %
    assert shown.layout.xaxis.title.text == "Profit (EUR/month)"
    assert shown.layout.xaxis.tickformat == ",.1f"
    assert "Profit: %{x:,.1f} EUR/month" in shown.data[0].hovertemplate
    assert shown.data[2].name == "base 20.0 EUR/month" and not shown.layout.annotations


def test_what_if_waterfall_from_before_through_each_change_to_after(tree):
    parts = tree.contributions(changes={"arpu": 1.0, "users": 2})
    fig = what_if_waterfall(20.0, parts, unit="EUR/month")
    (fall,) = fig.data
    assert list(fall.x) == ["Before", "arpu", "users", "After"]
    assert list(fall.measure) == ["absolute", "relative", "relative", "total"]
    # arpu +1 adds 10 users x 1 EUR = 10; then 2 more users at 3.5 EUR add 7: 20 -> 37
    assert list(fall.y) == [20.0, 10.0, 7.0, 0.0]
    assert list(fall.text) == ["20.00", "+10.00", "+7.00", "37.00"]
    assert fig.layout.title.text == "What if: profit"
    assert fig.layout.yaxis.title.text == "profit (EUR/month)"
    assert fig.layout.xaxis.title.text == "Change"


def test_what_if_waterfall_names_inputs_and_target_from_the_quantities(tree):
    """Lesson 01's call: the template's names, the target's unit and precision, never e+."""
    from valuelab.core import Quantity

    parts = tree.contributions(changes={"arpu": 1.0})
    shown = {
        "profit": Quantity("Monthly profit", "EUR/month", "money", 0, currency="EUR"),
        "arpu": Quantity("Revenue per user", "EUR/month", "money", 2, currency="EUR"),
    }
    fig = what_if_waterfall(20_000.0, parts, quantities=shown)
    (fall,) = fig.data
    assert list(fall.x) == ["Before", "Revenue per user", "After"]
    assert list(fall.text) == ["20,000", "+10", "20,010"]
    assert fig.layout.yaxis.title.text == "Monthly profit (EUR/month)"
    assert fig.layout.yaxis.tickformat == ",.0f" and fall.hovertemplate.endswith(
        "EUR/month<extra></extra>"
    )
    assert fig.layout.title.text == "What if: Monthly profit"


def test_actor_flows_is_a_sankey_of_the_money():
    template = ValueDriverTemplate.load("marketplace_value_drivers.yaml")
    fig = actor_flows(template)
    (sankey,) = fig.data
    names = [a.name for a in template.actors]
    assert sankey.type == "sankey" and list(sankey.node.label) == names
    money = template.flow_table().dropna(subset=["amount"])
    assert list(sankey.link.value) == pytest.approx(money["amount"].tolist())
    assert sankey.link.value[0] == pytest.approx(21.0924)  # client payments, EUR m/month
    assert fig.layout.title.text == "Money between the actors (EUR m/month)"
    both = actor_flows(template, value_flows=True)
    assert len(both.data[0].link.value) == len(money) + 1
    assert both.layout.title.text == "Money and value between the actors (EUR m/month)"
    assert both.data[0].link.customdata[-1] == "value (no amount)"


def test_roi_cashflow_bars_lines_and_the_payback_month():
    profit = DriverTree.from_dict({"profit": "users * margin"})
    result = roi(profit, {"users": 100, "margin": 2.0}, change={"users": 10}, cost=50, months=6)
    fig = roi_cashflow(result, unit="EUR")
    assert [t.name for t in fig.data] == [
        "net cash in the month",
        "cumulative",
        "cumulative, discounted",
    ]
    assert list(fig.data[0].y) == [-50, 20, 20, 20, 20, 20, 20]  # 10 users x 2 EUR a month
    assert list(fig.data[1].y) == [-50, -30, -10, 10, 30, 50, 70]
    assert fig.layout.shapes[-1].x0 == 3 and result.payback_month == 3
    assert fig.layout.title.text == "Initiative cash flow"
    assert fig.layout.xaxis.title.text == "Month (0 = upfront cost)"
    assert fig.layout.yaxis.title.text == "Cash (EUR)"
    never = roi(profit, {"users": 100, "margin": 2.0}, change={"users": 1}, cost=500, months=3)
    assert len(roi_cashflow(never).layout.shapes) == 1  # the zero line, no payback line
    assert roi_cashflow(never).layout.yaxis.title.text == "Cash"


def test_tree_graph_of_the_shipped_template_shows_every_node():
    tree = ValueDriverTemplate.load("spotify_value_drivers.yaml").tree
    fig = tree_graph(tree)
    groups = {t.name: t for t in fig.data[1:]}
    assert sum(len(t.x) for t in groups.values()) == len(tree.evaluate())
    assert len(groups["value driver (input)"].x) == len(tree.drivers())
    assert groups["North Star"].text[0].startswith("<b>Listening hours</b>")
    assert groups["root"].text[0].startswith("<b>Operating income</b>")

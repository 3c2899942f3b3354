"""Return on an initiative that moves a driver: cash flows, NPV and payback."""

import pytest

from valuelab.core.errors import InputError
from valuelab.drivers import DriverTree, roi


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


TREE = {"revenue": "visitors * conversion * price", "profit": "revenue * margin"}
POINT = {"visitors": 10_000, "conversion": 0.02, "price": 50, "margin": 0.3}


def test_cash_flow_table_by_hand():
    tree = DriverTree.from_dict(TREE)
    # profit 10,000 x 0.02 x 50 x 0.3 = 3,000 a month; +0.005 conversion -> 3,750: +750
    r = roi(tree, POINT, change={"conversion": 0.005}, cost=1000, monthly_cost=250, months=4)
    flows = r.cashflows
    assert flows.index.name == "month" and flows.index.tolist() == [0, 1, 2, 3, 4]
    assert flows["gain"].tolist() == [0, 750, 750, 750, 750]
    assert flows["cost"].tolist() == [1000, 250, 250, 250, 250]
    assert flows["net"].tolist() == [-1000, 500, 500, 500, 500]
    assert flows["cumulative"].tolist() == [-1000, -500, 0, 500, 1000]
    assert flows["discounted"].equals(flows["net"])  # no discount rate
    assert r.payback_month == 2 and r.npv == 1000 and r.monthly_gain == 750


def test_multiply_another_node_and_a_yearly_metric():
    tree = DriverTree.from_dict(TREE)
    # conversion x 1.5: revenue 10,000 -> 15,000 a month
    r = roi(tree, POINT, change={"conversion": 1.5}, how="multiply", of="revenue", months=2)
    assert r.monthly_gain == 5000 and r.npv == 10_000 and r.payback_month == 1
    yearly = roi(tree, POINT, change={"price": 10}, of="revenue", period="year", months=1)
    assert yearly.monthly_gain == pytest.approx(10_000 * 0.02 * 10 / 12)


def test_discounting_by_hand():
    tree = DriverTree.from_dict(TREE)
    r = roi(tree, POINT, change={"conversion": 0.005}, cost=1000, months=12, discount_rate=0.2)
    monthly = 1.2 ** (1 / 12) - 1  # about 1.53 % a month
    assert r.cashflows["discounted"].iloc[12] == pytest.approx(750 / (1 + monthly) ** 12)
    assert r.cashflows["discounted"].iloc[12] == pytest.approx(750 / 1.2)  # a year: / 1.2
    assert r.npv == pytest.approx(-1000 + sum(750 / (1 + monthly) ** t for t in range(1, 13)))
    assert r.payback_month == 2  # payback counts undiscounted cash


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"discount_rate": 1.0}, "discount_rate"),
        ({"discount_rate": -0.1}, "discount_rate"),
        ({"period": "week"}, "unknown period 'week'"),
        ({"months": -3}, "months = -3"),
    ],
)
def test_bad_arguments_are_named(kwargs, named):
    tree = DriverTree.from_dict(TREE)
    with pytest.raises(InputError, match=named):
        roi(tree, POINT, change={"conversion": 0.005}, **kwargs)

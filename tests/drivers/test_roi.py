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

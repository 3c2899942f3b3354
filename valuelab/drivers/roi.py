"""Return on an initiative that moves a value driver: cash flows, NPV, payback.

A value driver is linked to revenue "using a bit of ROI modeling" [1]_: :func:`roi`
moves one input of a :class:`~valuelab.drivers.tree.DriverTree` and prices the
change of the root month by month (net present value, payback month).

References
----------
.. [1] The Product Web, "Identify your 'Value Drivers' today", The Product Web
   newsletter (Substack): actors, value drivers and the Value Drivers Template.
   https://theproductweb.substack.com/p/identify-your-value-drivers-today
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import InputError
from valuelab.drivers.tree import DriverTree

__all__ = ["RoiResult", "roi"]


@dataclass(frozen=True)
class RoiResult:
    """Cash flows and return of an initiative (see :func:`roi`).

    Attributes
    ----------
    cashflows : pandas.DataFrame
        Per month (0 = the upfront cost): ``gain``, ``cost``, ``net``,
        ``cumulative``, ``discounted``, ``cumulative_discounted``.
    npv : float
        Net present value, in the metric's money unit.
    payback_month : int or None
        First month whose cumulative (undiscounted) net cash is >= 0; None
        when that never happens within the horizon.
    monthly_gain : float
        Change of the metric per month.
    """

    cashflows: pd.DataFrame
    npv: float
    payback_month: int | None
    monthly_gain: float


def roi(
    tree: DriverTree,
    inputs: Mapping[str, Any] | None = None,
    change: Mapping[str, float] | None = None,
    cost: float = 0.0,
    months: int = 12,
    discount_rate: float = 0.0,
    monthly_cost: float = 0.0,
    of: str | None = None,
    period: str = "month",
    how: str = "add",
) -> RoiResult:
    """Monthly cash flows, NPV and payback of an initiative that moves a driver.

    The gain per month is the change of ``of`` (default the root, a money
    node) when ``change`` is applied; divided by 12 when ``period="year"``.
    Month 0 carries the one-off ``cost``; months 1..``months`` carry the gain
    minus ``monthly_cost``. Cash in month ``t`` is discounted by
    ``(1 + r_m) ** t`` with ``r_m = (1 + discount_rate) ** (1/12) - 1``.

    Parameters
    ----------
    change : mapping
        Input -> change, as in :meth:`DriverTree.what_if` (``how``).
    cost : float
        Upfront cost, in the metric's money unit (e.g. EUR).
    months : int
        Horizon in months (>= 1).
    discount_rate : float
        Annual discount rate, share 0-1.
    monthly_cost : float
        Running cost per month, in the money unit.
    period : {"month", "year"}
        Whether ``of`` is a monthly or a yearly amount.

    Examples
    --------
    >>> tree = DriverTree.from_dict({"profit": "visitors * conversion * margin"})
    >>> r = roi(
    ...     tree,
    ...     {"visitors": 10000, "conversion": 0.02, "margin": 30},
    ...     change={"conversion": 0.005},
    ...     cost=3000,
    ...     months=6,
    ... )
    >>> r.monthly_gain, r.payback_month, r.npv
    (1500.0, 2, 6000.0)
    """
    months = int(months)
    _check_terms(months, discount_rate, period)
    gain = _monthly_gain(tree, inputs, change or {}, of, period, how)
    flows = _cashflows(gain, months, float(cost), float(monthly_cost), float(discount_rate))
    return RoiResult(
        cashflows=flows.set_index("month"),
        npv=round(float(flows["discounted"].sum()), 10),
        payback_month=_payback_month(flows),
        monthly_gain=round(gain, 10),
    )


def _check_terms(months: int, discount_rate: float, period: str) -> None:
    """Raise :class:`InputError` for a horizon under 1 month, a rate outside 0-1, a bad period."""
    if months < 1:
        raise InputError(f"months = {months}", source="months", expected="at least 1")
    if not 0 <= float(discount_rate) < 1:
        raise InputError(f"{discount_rate}", source="discount_rate", expected="a share 0-1")
    if period not in ("month", "year"):
        raise InputError(f"unknown period {period!r}", source="period", expected="month or year")


def _monthly_gain(
    tree: DriverTree,
    inputs: Mapping[str, Any] | None,
    change: Mapping[str, float],
    of: str | None,
    period: str,
    how: str,
) -> float:
    """How much ``of`` moves per month when ``change`` is applied (its unit a month)."""
    target = tree._target(of)
    point = tree._point(inputs)
    before = float(tree.evaluate(point)[target])
    after = float(tree.evaluate(tree._changed(point, change, how))[target])
    return (after - before) / (12 if period == "year" else 1)


def _cashflows(
    gain: float, months: int, cost: float, monthly_cost: float, discount_rate: float
) -> pd.DataFrame:
    """Months 0..``months``: gain, cost, net, cumulative and discounted cash (money unit)."""
    t = np.arange(months + 1)
    flows = pd.DataFrame({"month": t, "gain": np.where(t > 0, gain, 0.0)})
    flows["cost"] = np.where(t == 0, cost, monthly_cost)
    flows["net"] = flows["gain"] - flows["cost"]
    flows["cumulative"] = flows["net"].cumsum()
    rate = (1 + discount_rate) ** (1 / 12) - 1
    flows["discounted"] = flows["net"] / (1 + rate) ** t
    flows["cumulative_discounted"] = flows["discounted"].cumsum()
    return flows


def _payback_month(flows: pd.DataFrame) -> int | None:
    """First month after 0 whose cumulative net cash is >= 0, if it stays so at the horizon."""
    t = flows["month"].to_numpy()
    paid = np.flatnonzero((flows["cumulative"].to_numpy() >= 0) & (t > 0))
    return int(paid[0]) if paid.size and flows["cumulative"].iloc[-1] >= 0 else None

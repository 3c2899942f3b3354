"""KPI trade-offs: a shop funnel as a driver tree, lever sweeps, Pareto frontiers, conflicts.

KPIs are connected: you cannot improve one without affecting others, and most
changes trade two or more off [1]_ — a discount lifts conversion and cuts the margin.
:func:`funnel` builds the funnel traffic → conversion → basket → revenue →
margin as a :class:`~valuelab.drivers.tree.DriverTree` (every KPI a node), with a
constant price elasticity of conversion and a cost per order:

- ``price = list_price * (1 - discount)`` (EUR per item);
- ``conversion = min(base_conversion * (price / reference_price) ** price_elasticity, 1)``
  (share 0-1; ``base_conversion`` was measured at ``reference_price``;
  ``price_elasticity`` < 0: a 10 % lower price lifts conversion by about
  ``-price_elasticity`` × 10 %, whether it comes from a discount or a lower
  list price);
- ``orders = traffic * conversion``; ``aov = price * basket_size`` (EUR);
- ``revenue = orders * aov``; ``gross_margin = revenue - orders * basket_size * unit_cost``;
- ``contribution = gross_margin - orders * cost_per_order`` (EUR), and both
  margins as a share of revenue.

:func:`tradeoff` sweeps one lever and returns every KPI; :func:`frontier`
keeps the Pareto-efficient points for two KPIs; :func:`conflicts` lists the
KPIs that move the wrong way when a change improves another.

References
----------
.. [1] Value Rebels, "What does it mean to deliver the right customer value?",
   Value Rebels blog: KPIs are connected, most changes trade two or more off.
   https://www.valuerebels.com/post/what-does-it-mean-to-deliver-the-right-customer-value

Examples
--------
>>> model = funnel()
>>> sweep = tradeoff(model, "discount", [0.0, 0.1, 0.2])
>>> sweep["conversion"].round(4).tolist()
[0.02, 0.0247, 0.0312]
>>> bool((sweep["contribution_margin_pct"].diff().dropna() < 0).all())
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import InputError, check_numbers
from valuelab.drivers import DriverTree

__all__ = [
    "FUNNEL_DEFAULTS",
    "KPIS",
    "KPI_DIRECTION",
    "conflicts",
    "frontier",
    "funnel",
    "tradeoff",
]

#: Default funnel inputs: a month of a small online shop (illustrative).
FUNNEL_DEFAULTS: dict[str, float] = {
    "traffic": 200_000.0,  # visitors per month
    "base_conversion": 0.02,  # share 0-1 at the list price
    "price_elasticity": -2.0,  # % change of conversion per % change of price
    "list_price": 40.0,  # EUR per item
    "reference_price": 40.0,  # EUR per item: the price base_conversion was measured at
    "discount": 0.0,  # share 0-1 off the list price
    "basket_size": 1.5,  # items per order
    "unit_cost": 22.0,  # EUR per item (cost of goods)
    "cost_per_order": 6.0,  # EUR per order (picking, shipping, payment)
}

#: The funnel's KPIs, in funnel order (labels and units:
#: :data:`valuelab.core.quantities.QUANTITIES`).
KPIS = (
    "conversion",
    "orders",
    "aov",
    "revenue",
    "gross_margin",
    "gross_margin_pct",
    "contribution",
    "contribution_margin_pct",
    "margin_per_order",
)

#: +1 when more is better, -1 when less is better.
KPI_DIRECTION: dict[str, int] = dict.fromkeys(KPIS, 1)

_FORMULAS = {
    "price": "list_price * (1 - discount)",
    "conversion": "min(base_conversion * (price / reference_price) ** price_elasticity, 1)",
    "orders": "traffic * conversion",
    "aov": "price * basket_size",
    "revenue": "orders * aov",
    "gross_margin": "revenue - orders * basket_size * unit_cost",
    "gross_margin_pct": "gross_margin / revenue * 100",
    "contribution": "gross_margin - orders * cost_per_order",
    "contribution_margin_pct": "contribution / revenue * 100",
    "margin_per_order": "contribution / orders",
}


def funnel(**inputs: float) -> DriverTree:
    """The shop funnel as a driver tree; keyword arguments override :data:`FUNNEL_DEFAULTS`.

    Source: KPIs trade off along one connected model (Value Rebels, module References).

    Raises
    ------
    InputError
        For an unknown input name, or a value out of range (negative traffic
        or prices, rates outside 0-1, a positive price elasticity).

    Examples
    --------
    >>> funnel(traffic=1000).evaluate()["orders"]
    np.float64(20.0)
    """
    unknown = sorted(set(inputs) - set(FUNNEL_DEFAULTS))
    if unknown:
        raise InputError(
            f"unknown inputs {unknown}", source="funnel", expected=", ".join(FUNNEL_DEFAULTS)
        )
    values = {**FUNNEL_DEFAULTS, **{k: float(v) for k, v in inputs.items()}}
    _check(values)
    return DriverTree.from_dict(
        _FORMULAS,
        root="contribution",
        inputs=values,
        source="funnel",
    )


def _check(values: Mapping[str, Any]) -> None:
    problems = []
    for name, lo, hi in [
        ("traffic", 0, np.inf),
        ("base_conversion", 0, 1),
        ("list_price", 0, np.inf),
        ("reference_price", 1e-9, np.inf),
        ("discount", 0, 0.99),
        ("basket_size", 0, np.inf),
        ("unit_cost", 0, np.inf),
        ("cost_per_order", 0, np.inf),
        ("price_elasticity", -np.inf, 0),
    ]:
        if name not in values:
            continue
        try:
            check_numbers(values[name], name, min=lo, max=hi, expected=f"{lo:g} to {hi:g}")
        except InputError as err:
            problems.append(err)
    if problems:
        raise InputError("funnel inputs", problems=problems)


def tradeoff(
    model: DriverTree,
    lever: str = "discount",
    values: Sequence[float] | np.ndarray | None = None,
    base: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Every KPI along a sweep of one lever (vectorized: one tree evaluation).

    Parameters
    ----------
    model : DriverTree
        A funnel from :func:`funnel` (or any tree with these KPI nodes).
    lever : str
        The input to sweep, e.g. ``"discount"`` or ``"list_price"``.
    values : array-like, optional
        Lever values; default 21 points from 0 to 0.5 for ``discount`` and
        ±50 % around the current value otherwise.
    base : mapping, optional
        Other inputs over the model's defaults.

    Returns
    -------
    pandas.DataFrame
        One row per lever value: the lever column, then every input and node.
    """
    if lever not in model.input_names:
        raise InputError(
            f"'{lever}' is not an input", source="lever", expected=", ".join(model.input_names)
        )
    point = {**model.defaults(), **dict(base or {})}
    if values is None:
        current = point[lever]
        values = (
            np.linspace(0, 0.5, 21)
            if lever == "discount"
            else np.linspace(0.5 * current, 1.5 * current, 21)
        )
    sweep = np.asarray(values, dtype=float)
    if sweep.ndim != 1 or sweep.size == 0:
        raise InputError("no values to sweep", source="values", expected="a list of numbers")
    _check({lever: sweep})
    table = model.evaluate({**point, lever: sweep})
    table.insert(0, "lever", lever)
    return table


def frontier(
    results: pd.DataFrame, kpi_a: str, kpi_b: str, maximize: tuple[bool, bool] | None = None
) -> pd.DataFrame:
    """The Pareto-efficient rows of ``results`` for two KPIs.

    A row is efficient when no other row is at least as good on both KPIs and
    strictly better on one. Directions come from :data:`KPI_DIRECTION` unless
    ``maximize`` says otherwise.

    Returns
    -------
    pandas.DataFrame
        The efficient rows, sorted by ``kpi_a``.

    Examples
    --------
    >>> df = pd.DataFrame({"revenue": [1, 2, 3, 2], "contribution": [5, 4, 1, 3]})
    >>> frontier(df, "revenue", "contribution").index.tolist()
    [0, 1, 2]
    """
    for kpi in (kpi_a, kpi_b):
        if kpi not in results.columns:
            raise InputError(
                f"no KPI '{kpi}'", source="frontier", expected=", ".join(map(str, results.columns))
            )
    if maximize is None:
        maximize = (KPI_DIRECTION.get(kpi_a, 1) > 0, KPI_DIRECTION.get(kpi_b, 1) > 0)
    a = results[kpi_a].to_numpy(float) * (1 if maximize[0] else -1)
    b = results[kpi_b].to_numpy(float) * (1 if maximize[1] else -1)
    # Sort by a descending (ties: b descending); a row is efficient when its b
    # beats every b seen before it.
    order = np.lexsort((-b, -a))
    keep = np.zeros(len(a), dtype=bool)
    best_b = -np.inf
    for i in order:
        if b[i] > best_b:
            keep[i] = True
            best_b = b[i]
    return results[keep].sort_values(kpi_a, kind="stable")


def conflicts(
    model: DriverTree,
    base: Mapping[str, float] | None = None,
    change: Mapping[str, float] | None = None,
    how: str = "add",
) -> pd.DataFrame:
    """The KPIs that move the wrong way when ``change`` is applied.

    Parameters
    ----------
    base : mapping, optional
        Inputs over the model's defaults.
    change : mapping
        Input -> change (``how="add"``: ``{"discount": 0.1}``; see
        :meth:`DriverTree.what_if`).

    Returns
    -------
    pandas.DataFrame
        One row per KPI of :data:`KPIS` that got worse (by
        :data:`KPI_DIRECTION`): ``before``, ``after``, ``delta``,
        ``delta_pct``; ``attrs["improved"]`` lists the KPIs that got better.
        Empty when nothing got worse.

    Examples
    --------
    >>> bad = conflicts(funnel(), change={"discount": 0.1})
    >>> bad.index.tolist()[:4]
    ['aov', 'gross_margin', 'gross_margin_pct', 'contribution']
    >>> bad.attrs["improved"]
    ['conversion', 'orders', 'revenue']
    """
    if not change:
        raise InputError("no change given", source="change", expected="{input: change}")
    table = model.what_if(base, change, how=how)
    kpis = [k for k in KPIS if k in table.index]
    signed = pd.Series({k: table.loc[k, "delta"] * KPI_DIRECTION[k] for k in kpis})
    tol = 1e-12 * table.loc[kpis, "before"].abs().clip(lower=1)
    worse = [k for k in kpis if signed[k] < -tol[k]]
    out = table.loc[worse, ["before", "after", "delta", "delta_pct"]]
    out.attrs["improved"] = [k for k in kpis if signed[k] > tol[k]]
    return out

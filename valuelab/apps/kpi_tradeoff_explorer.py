"""The KPI trade-off explorer: pull a lever, watch every KPI of the shop funnel move.

The pure part, :func:`explorer_state`, computes what the app shows from
:mod:`valuelab.kpis.tradeoffs`; :func:`build_app` only wires widgets to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.core import InputError
from valuelab.kpis import FUNNEL_DEFAULTS, KPIS, frontier, funnel, tradeoff
from valuelab.plots import frontier_chart, tradeoff_chart

__all__ = ["CARDS", "LEVERS", "SLIDERS", "build_app", "explorer_state"]

#: Funnel input -> (slider label with unit, min, max, step).
SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "discount": ("Discount (share 0-1)", 0.0, 0.5, 0.01),
    "list_price": ("List price (EUR/item)", 10.0, 100.0, 1.0),
    "traffic": ("Traffic (visitors/month)", 50_000.0, 500_000.0, 5_000.0),
    "base_conversion": ("Base conversion (share 0-1)", 0.005, 0.1, 0.001),
    "price_elasticity": ("Price elasticity of conversion", -4.0, -0.5, 0.1),
    "basket_size": ("Basket size (items/order)", 1.0, 4.0, 0.1),
    "unit_cost": ("Unit cost (EUR/item)", 5.0, 60.0, 1.0),
    "cost_per_order": ("Cost per order (EUR)", 0.0, 20.0, 0.5),
}
#: Levers the explorer sweeps (inputs a team decides on).
LEVERS = ("discount", "list_price", "cost_per_order", "basket_size")
#: KPI cards: key -> (label, unit, format).
CARDS = {
    "conversion": ("Conversion", "%", ".2%"),
    "orders": ("Orders", "/month", ",.0f"),
    "aov": ("Average order value", "EUR", ",.2f"),
    "revenue": ("Revenue", "EUR/month", ",.0f"),
    "gross_margin_pct": ("Gross margin", "% of revenue", ",.1f"),
    "contribution": ("Contribution", "EUR/month", ",.0f"),
    "contribution_margin_pct": ("Contribution margin", "% of revenue", ",.1f"),
}


def explorer_state(
    inputs: Mapping[str, float] | None = None,
    lever: str = "discount",
    kpi_a: str = "revenue",
    kpi_b: str = "contribution",
    points: int = 41,
) -> dict[str, Any]:
    """What the explorer shows for ``inputs`` (over the funnel defaults).

    Returns
    -------
    dict
        ``current`` and ``baseline`` (every KPI, Series), ``sweep`` (the lever
        from its slider minimum to maximum, :func:`~valuelab.kpis.tradeoffs.tradeoff`)
        and ``frontier`` (its Pareto-efficient rows for ``kpi_a``/``kpi_b``).

    Examples
    --------
    >>> s = explorer_state({"discount": 0.1})
    >>> round(float(s["current"]["revenue"]))
    266667
    >>> round(float(s["baseline"]["revenue"]))
    240000
    """
    if lever not in LEVERS:
        raise InputError(f"unknown lever '{lever}'", source="lever", expected=", ".join(LEVERS))
    for kpi in (kpi_a, kpi_b):
        if kpi not in KPIS:
            raise InputError(f"unknown KPI '{kpi}'", source="kpi", expected=", ".join(KPIS))
    values = {**FUNNEL_DEFAULTS, **dict(inputs or {})}
    model = funnel(**values)
    _, lo, hi, _ = SLIDERS[lever]
    step = (hi - lo) / (points - 1)
    sweep = tradeoff(model, lever, [lo + i * step for i in range(points)])
    return {
        "current": model.evaluate(),
        "baseline": funnel().evaluate(),
        "sweep": sweep,
        "frontier": frontier(sweep, kpi_a, kpi_b),
    }


def build_app(
    lever: str = "discount",
    kpi_a: str = "revenue",
    kpi_b: str = "contribution",
    inputs: str = "",
) -> w.Widget:
    """The explorer: lever and KPI pickers, funnel sliders, KPI cards, frontier and sweep charts.

    ``lever``, ``kpi_a``, ``kpi_b`` and ``inputs`` (changed funnel inputs,
    ``"discount:0.1,traffic:300000"``) set the starting state, e.g. from the
    page URL; invalid values fall back to the defaults.
    """
    lever = lever if lever in LEVERS else "discount"
    kpi_a = kpi_a if kpi_a in KPIS else "revenue"
    kpi_b = kpi_b if kpi_b in KPIS and kpi_b != kpi_a else "contribution"
    kpi_options = [(f"{label} ({unit})", key) for key, (label, unit) in KPIS.items()]
    lever_box = w.Dropdown(
        options=[(SLIDERS[k][0], k) for k in LEVERS], value=lever, description="Lever"
    )
    a_box = w.Dropdown(options=kpi_options, value=kpi_a, description="KPI (x)")
    b_box = w.Dropdown(options=kpi_options, value=kpi_b, description="KPI (y)")
    start = {
        k: min(max(v, SLIDERS[k][1]), SLIDERS[k][2])
        for k, v in {**FUNNEL_DEFAULTS, **kit.parse_drivers(inputs)}.items()
        if k in SLIDERS
    }
    sliders = kit.ParamSliders(SLIDERS, start)
    for s in sliders.sliders.values():
        s.layout = w.Layout(width="98%")
        s.style.description_width = "200px"
    sliders.sliders["traffic"].readout_format = ",.0f"
    sliders.sliders["base_conversion"].readout_format = ".3f"
    reset = w.Button(description="Back to baseline", icon="undo")
    cards = kit.KpiCards(CARDS)
    errors = kit.ErrorPanel()
    frontier_box, sweep_box = kit.FigureBox(), kit.FigureBox()

    @kit.debounced()
    def refresh(*_: object) -> None:
        with errors.guard():
            state = explorer_state(sliders.values, lever_box.value, a_box.value, b_box.value)
            current, baseline = state["current"], state["baseline"]
            cards.update(
                {k: float(current[k]) for k in CARDS},
                baseline={k: float(baseline[k]) for k in CARDS},
            )
            frontier_box.show(
                frontier_chart(
                    state["sweep"],
                    state["frontier"],
                    a_box.value,
                    b_box.value,
                    current=current,
                    title=f"Sweeping {lever_box.value}: every point, the frontier, you (star)",
                )
            )
            sweep_box.show(tradeoff_chart(state["sweep"], a_box.value, b_box.value))

    def state() -> tuple:
        params = {
            "lever": lever_box.value,
            "kpi_a": a_box.value,
            "kpi_b": b_box.value,
            "inputs": kit.format_drivers(sliders.values, FUNNEL_DEFAULTS),
        }
        return params, cards, [frontier_box.figure, sweep_box.figure]

    save = kit.SaveReport("KPI trade-off explorer", state, app="kpi_tradeoff_explorer.ipynb")
    reset.on_click(lambda _: sliders.set(FUNNEL_DEFAULTS))
    for box in (lever_box, a_box, b_box):
        box.observe(refresh, names="value")
    sliders.observe_all(refresh)
    refresh()
    return kit.page(
        "KPI trade-off explorer",
        "Pick a lever and two KPIs, move the sliders: every KPI card, the frontier and your "
        "position on it follow.",
        [lever_box, a_box, b_box, sliders, reset, save],
        [w.VBox([errors, cards, frontier_box, sweep_box])],
    )

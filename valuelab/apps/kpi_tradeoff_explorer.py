"""The KPI trade-off explorer: pull a lever, watch every KPI of the shop funnel move.

The pure part, :func:`explorer_state`, computes what the app shows from
:mod:`valuelab.kpis.tradeoffs`; :func:`build_app` only wires widgets to it.
Labels, units and formats of the KPIs and the funnel inputs come from
:data:`valuelab.core.quantities.QUANTITIES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.core import InputError, quantity
from valuelab.kpis import FUNNEL_DEFAULTS, KPIS, frontier, funnel, tradeoff
from valuelab.plots import frontier_chart, tradeoff_chart

__all__ = ["CARDS", "LEVERS", "SLIDERS", "build_app", "explorer_state", "other_kpi"]

#: Funnel input -> (min, max, step) of its slider (label and unit: its quantity).
SLIDERS: dict[str, tuple[float, float, float]] = {
    "discount": (0.0, 0.5, 0.01),
    "list_price": (10.0, 100.0, 1.0),
    "traffic": (50_000.0, 500_000.0, 5_000.0),
    "base_conversion": (0.005, 0.1, 0.001),
    "price_elasticity": (-4.0, -0.5, 0.1),
    "basket_size": (1.0, 4.0, 0.1),
    "unit_cost": (5.0, 60.0, 1.0),
    "cost_per_order": (0.0, 20.0, 0.5),
}
#: Levers the explorer sweeps (inputs a team decides on).
LEVERS = ("discount", "list_price", "cost_per_order", "basket_size")
#: The KPIs shown as cards.
CARDS = (
    "conversion",
    "orders",
    "aov",
    "revenue",
    "gross_margin_pct",
    "contribution",
    "contribution_margin_pct",
)


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
    lo, hi, _ = SLIDERS[lever]
    step = (hi - lo) / (points - 1)
    sweep = tradeoff(model, lever, [lo + i * step for i in range(points)])
    return {
        "current": model.evaluate(),
        "baseline": funnel().evaluate(),
        "sweep": sweep,
        "frontier": frontier(sweep, kpi_a, kpi_b),
    }


def other_kpi(kpi_a: str, kpi_b: str) -> str:
    """The y KPI beside ``kpi_a`` on x: ``kpi_b``, or the KPI after ``kpi_a`` when they are one.

    The same KPI on both axes draws a line of points on a diagonal, with ticks
    that repeat and a title "Orders vs Orders": the y picker offers the other
    KPIs only, and a link naming one KPI twice shows the next one.

    Examples
    --------
    >>> other_kpi("revenue", "orders"), other_kpi("orders", "orders")
    ('orders', 'aov')
    """
    keys = list(KPIS)
    if kpi_b in keys and kpi_b != kpi_a:
        return kpi_b
    return keys[(keys.index(kpi_a) + 1) % len(keys)] if kpi_a in keys else keys[0]


def _kpi_options(exclude: str = "") -> list[tuple[str, str]]:
    return [(quantity(key).display_title, key) for key in KPIS if key != exclude]


def _pickers(lever: str, kpi_a: str, kpi_b: str) -> tuple[w.Widget, w.Widget, w.Widget]:
    """The lever and the two KPI dropdowns, at valid starting values (two different KPIs)."""
    lever_box = w.Dropdown(
        options=[(quantity(k).display_title, k) for k in LEVERS],
        value=lever if lever in LEVERS else "discount",
        description="Lever",
    )
    kpi_a = kpi_a if kpi_a in KPIS else "revenue"
    kpi_b = other_kpi(kpi_a, kpi_b if kpi_b in KPIS else "contribution")
    a_box = w.Dropdown(options=_kpi_options(), value=kpi_a, description="KPI (x)")
    b_box = w.Dropdown(options=_kpi_options(kpi_a), value=kpi_b, description="KPI (y)")

    def keep_apart(change: dict) -> None:
        keep = other_kpi(change["new"], b_box.value)
        b_box.options = _kpi_options(change["new"])
        b_box.value = keep

    a_box.observe(keep_apart, names="value")
    return lever_box, a_box, b_box


def _sliders(inputs: str) -> kit.ParamSliders:
    """One slider per funnel input, starting at the link's values (clipped) or the defaults."""
    start = {
        k: min(max(v, SLIDERS[k][0]), SLIDERS[k][1])
        for k, v in {**FUNNEL_DEFAULTS, **kit.parse_drivers(inputs)}.items()
        if k in SLIDERS
    }
    sliders = kit.ParamSliders(
        {k: (quantity(k).display_title, *bounds) for k, bounds in SLIDERS.items()}, start
    )
    for key, s in sliders.sliders.items():
        s.layout = w.Layout(width="98%")
        s.readout_format = quantity(key).d3_format  # a share in %, money to the cent
    return sliders


def _lower(label: str) -> str:
    """A label inside a sentence: ``"List price"`` -> ``"list price"``."""
    return label[:1].lower() + label[1:]


def _show(state: dict[str, Any], lever: str, kpi_a: str, kpi_b: str, view: dict) -> None:
    """Cards (vs the baseline funnel), the frontier with you on it, the sweep."""
    current, baseline = state["current"], state["baseline"]
    view["cards"].update(
        {k: float(current[k]) for k in CARDS}, baseline={k: float(baseline[k]) for k in CARDS}
    )
    view["frontier"].show(
        frontier_chart(
            state["sweep"],
            state["frontier"],
            kpi_a,
            kpi_b,
            current=current,
            title=f"Sweeping {_lower(quantity(lever).label)}: every point, the frontier, "
            "you (star)",
        )
    )
    view["sweep"].show(tradeoff_chart(state["sweep"], kpi_a, kpi_b))


def build_app(
    lever: str = "discount",
    kpi_a: str = "revenue",
    kpi_b: str = "contribution",
    inputs: str = "",
) -> w.Widget:
    """The explorer: lever and KPI pickers, funnel sliders, KPI cards, frontier and sweep charts.

    ``lever``, ``kpi_a``, ``kpi_b`` and ``inputs`` (changed funnel inputs,
    ``"discount:0.1,traffic:300000"``) set the starting state, e.g. from the
    page URL; invalid values fall back to the defaults, and ``kpi_b`` equal
    to ``kpi_a`` to the next KPI (:func:`other_kpi`).
    """
    lever_box, a_box, b_box = _pickers(lever, kpi_a, kpi_b)
    sliders = _sliders(inputs)
    reset = w.Button(description="Back to baseline", icon="undo")
    view = {"errors": kit.ErrorPanel(), "cards": kit.KpiCards({k: k for k in CARDS})}
    view.update(frontier=kit.FigureBox(), sweep=kit.FigureBox())

    @kit.debounced()
    def refresh(*_: object) -> None:
        with view["errors"].guard():
            picked = (lever_box.value, a_box.value, b_box.value)
            _show(explorer_state(sliders.values, *picked), *picked, view)

    def state() -> tuple:
        params = {
            "lever": lever_box.value,
            "kpi_a": a_box.value,
            "kpi_b": b_box.value,
            "inputs": kit.format_drivers(sliders.values, FUNNEL_DEFAULTS),
        }
        return params, view["cards"], [view["frontier"].figure, view["sweep"].figure]

    save = kit.SaveReport(
        "KPI trade-off explorer",
        state,
        app="kpi_tradeoff_explorer.ipynb",
        view=("lever", "kpi_a", "kpi_b"),
        controls=[lever_box, a_box, b_box, sliders],
    )
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
        [w.VBox(list(view.values()))],
    )

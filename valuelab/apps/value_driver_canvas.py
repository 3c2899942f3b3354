"""The value driver canvas: move a platform's value drivers, watch the NSM and money follow.

The pure part, :func:`canvas_state`, computes what the app shows from a
template's driver tree; :func:`build_app` only wires widgets to it. The
cards show the template's own nodes, with the units the template gives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.core import InputError, Quantity, quantity
from valuelab.drivers import ValueDriverTemplate
from valuelab.plots import tornado, tree_graph

__all__ = [
    "PLATFORMS",
    "build_app",
    "canvas_state",
    "slider_specs",
]

#: URL name -> shipped template file.
PLATFORMS = {
    "spotify": "spotify_value_drivers.yaml",
    "marketplace": "marketplace_value_drivers.yaml",
}


def _template(platform: str) -> ValueDriverTemplate:
    if platform not in PLATFORMS:
        raise InputError(
            f"unknown platform '{platform}'", source="platform", expected=", ".join(PLATFORMS)
        )
    return ValueDriverTemplate.load(PLATFORMS[platform])


def slider_specs(template: ValueDriverTemplate) -> dict[str, tuple[str, float, float, float]]:
    """One slider per tree input: its name and unit, the actor it serves, bounds, 1/200 steps.

    Names and units come from :meth:`ValueDriverTemplate.quantities` (a share reads in %).

    Examples
    --------
    >>> specs = slider_specs(ValueDriverTemplate.load("marketplace_value_drivers.yaml"))
    >>> specs["fill_rate"]
    ('Fill rate (%) · Freelancers', 0.2, 0.95, 0.00375)
    """
    specs = {}
    shown = template.quantities()
    actors = {a.id: a.name for a in template.actors}
    for name, spec in template.tree.inputs.items():
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else max(2 * spec.value, 1.0)
        label = shown[name].display_title
        if spec.actor:
            label += f" · {actors.get(spec.actor, spec.actor)}"
        specs[name] = (label, float(lo), float(hi), (float(hi) - float(lo)) / 200)
    return specs


def canvas_state(
    template: ValueDriverTemplate, inputs: Mapping[str, float] | None = None, swing: float = 0.1
) -> dict[str, Any]:
    """Everything the canvas shows for ``inputs`` (over the template's defaults).

    Returns
    -------
    dict
        ``values`` and ``baseline`` (every node, as Series), ``nsm`` and
        ``root`` (node names) and ``sensitivity`` (tornado table).

    Examples
    --------
    >>> t = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    >>> s = canvas_state(t, {"premium_share": 0.4})
    >>> round(s["values"]["premium_subscribers"], 1)
    np.float64(255.4)
    """
    tree = template.tree
    values = tree.evaluate(inputs)
    return {
        "values": values,
        "baseline": tree.evaluate(),
        "nsm": tree.nsm or tree.root,
        "root": tree.root,
        "sensitivity": tree.sensitivity(inputs, swing=swing),
    }


def _sliders(template: ValueDriverTemplate, start: Mapping[str, float]) -> kit.ParamSliders:
    """The template's driver sliders at ``start`` over its defaults (clipped to the bounds)."""
    specs = slider_specs(template)
    values = {**template.tree.defaults(), **start}
    values = {k: min(max(v, specs[k][1]), specs[k][2]) for k, v in values.items() if k in specs}
    sliders = kit.ParamSliders(specs, values)
    shown = template.quantities()
    for name, s in sliders.sliders.items():
        s.layout = w.Layout(width="98%")
        s.readout_format = shown[name].d3_format  # never 1.200e+4
    return sliders


def _show(
    template: ValueDriverTemplate, inputs: Mapping[str, float], swing: float, view: dict
) -> None:
    """North Star and root cards (vs the template's defaults), the tree and the tornado."""
    state = canvas_state(template, inputs, swing)
    tree, nsm, root = template.tree, state["nsm"], state["root"]
    shown = template.quantities()
    view["cards"].update(
        {"nsm": state["values"][nsm], "root": state["values"][root]},
        baseline={"nsm": state["baseline"][nsm], "root": state["baseline"][root]},
        specs={"nsm": shown[nsm].relabel(f"North Star: {shown[nsm].label}"), "root": shown[root]},
    )
    actors = {a.id: a.name for a in template.actors}
    view["tree"].show(tree_graph(tree, inputs, quantities=shown, actors=actors))
    view["tornado"].show(tornado(state["sensitivity"], quantities=shown))


def _swing_box(swing: float) -> w.Widget:
    shown = quantity("tornado_swing")
    return kit.SteppedSlider(
        value=swing if 0 < swing < 1 else 0.1,
        min=0.05,
        max=0.5,
        step=0.05,
        description=shown.display_title,
        readout_format=shown.d3_format,
        continuous_update=False,
        style={"description_width": "initial"},
    )


def _save_button(state: Any, controls: list[w.Widget]) -> kit.SaveReport:
    """Save as report: the view named by its platform, the settings read from ``controls``."""
    return kit.SaveReport(
        "Value driver canvas",
        state,
        app="value_driver_canvas.ipynb",
        view=("platform",),
        controls=controls,
    )


def build_app(platform: str = "spotify", swing: float = 0.1, drivers: str = "") -> w.Widget:
    """The canvas: a platform picker, one slider per driver, KPI cards, tree and tornado.

    ``platform`` (a key of :data:`PLATFORMS`), ``swing`` (share 0-1) and
    ``drivers`` (changed inputs, see
    :func:`~valuelab.apps.kit.urlstate.parse_drivers`) set the starting state,
    e.g. from the page URL; invalid values fall back to the defaults.
    """
    picker = w.Dropdown(
        options=[(p.capitalize(), p) for p in PLATFORMS],
        value=platform if platform in PLATFORMS else "spotify",
        description="Platform",
    )
    swing_box = _swing_box(swing)
    reset = w.Button(description="Reset drivers", icon="undo")
    slider_box = w.VBox()
    view = {
        "errors": kit.ErrorPanel(),
        "cards": kit.KpiCards({"nsm": Quantity("North Star"), "root": Quantity("Result")}),
        "tree": kit.FigureBox(),
        "tornado": kit.FigureBox(),
    }
    current: dict[str, Any] = {"start": kit.parse_drivers(drivers)}

    @kit.debounced()
    def refresh(*_: object) -> None:
        with view["errors"].guard():
            _show(current["template"], current["sliders"].values, swing_box.value, view)

    def load(*_: object) -> None:
        with view["errors"].guard():
            template = _template(picker.value)
            sliders = _sliders(template, current.pop("start", {}))
            sliders.observe_all(refresh)
            current.update(template=template, sliders=sliders)
            slider_box.children = [sliders]
            refresh()

    def state() -> tuple:
        values, defaults = current["sliders"].values, current["template"].tree.defaults()
        params = {
            "platform": picker.value,
            "swing": swing_box.value,
            "drivers": kit.format_drivers(values, defaults),
        }
        return params, view["cards"], [view["tree"].figure, view["tornado"].figure]

    save = _save_button(state, [picker, swing_box, slider_box])
    reset.on_click(lambda _: current["sliders"].set(current["template"].tree.defaults()))
    picker.observe(load, names="value")
    swing_box.observe(refresh, names="value")
    load()
    return kit.page(
        "Value driver canvas",
        "Choose a platform and move its value drivers: the North Star, the money, the tree "
        "and the tornado follow.",
        [picker, swing_box, reset, slider_box, save],
        [w.VBox(list(view.values()))],
    )

"""Figures for value drivers: the driver tree, a tornado chart, a what-if waterfall, actor flows."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from valuelab.core import Quantity
from valuelab.drivers import DriverTree, RoiResult, ValueDriverTemplate
from valuelab.plots.style import PALETTE, finish

__all__ = ["actor_flows", "roi_cashflow", "tornado", "tree_graph", "what_if_waterfall"]


def _layers(tree: DriverTree) -> dict[str, tuple[float, float]]:
    """x, y of every name: layers by depth, ordered by the mean x of their parents."""
    depth = tree.depth()
    parents: dict[str, list[str]] = {}
    for node in tree.order:
        for child in tree.children(node):
            parents.setdefault(child, []).append(node)
    pos: dict[str, tuple[float, float]] = {}
    for level in range(max(depth.values()) + 1):
        names = [n for n in depth if depth[n] == level]
        key = {
            n: np.mean([pos[p][0] for p in parents.get(n, []) if p in pos] or [0.0]) for n in names
        }
        names.sort(key=lambda n: (key[n], n))
        for i, name in enumerate(names):
            pos[name] = ((i + 0.5) / len(names), -float(level))
    return pos


def tree_graph(
    tree: DriverTree,
    inputs: Mapping[str, Any] | None = None,
    title: str | None = None,
    quantities: Mapping[str, Quantity] | None = None,
    actors: Mapping[str, str] | None = None,
) -> go.Figure:
    """The driver tree as a layered graph: top nodes above, value drivers at the bottom.

    Each box shows the name and its value with the unit; the North Star node
    is marked, inputs tagged as an actor's value driver are coloured.
    ``quantities`` names and formats each node (default:
    :meth:`DriverTree.quantities`; a template's: ``template.quantities()``);
    ``actors`` maps actor ids to the names the hover text shows.

    Examples
    --------
    >>> tree = DriverTree.from_dict({"revenue": "users * arpu"}, inputs={"users": 10, "arpu": 2})
    >>> [trace.name for trace in tree_graph(tree).data[1:]]
    ['root', 'other input']
    """
    values = tree.evaluate(inputs)
    shown = dict(quantities or tree.quantities())
    pos = _layers(tree)
    fig = go.Figure(_edges(tree, pos))
    drivers = {n: (actors or {}).get(a, a) for n, a in tree.drivers().items()}
    for label, names in _node_groups(tree, pos, drivers).items():
        if names:
            text = {
                n: f"<b>{_wrap(shown[n].label, 16)}</b><br>{shown[n].format(values[n])}"
                for n in names
            }
            _add_nodes(fig, text, pos, drivers, label, names)
    levels = max(-y for _, y in pos.values())
    fig.update_xaxes(visible=False, range=[-0.05, 1.05])
    fig.update_yaxes(visible=False, range=[-levels - 0.6, 0.4])
    fig.update_layout(hovermode="closest", height=max(420, 130 * (levels + 1)))
    root = shown[tree.root]
    return finish(
        fig, title=title or f"Driver tree: {root.label} = {root.format(values[tree.root])}"
    )


#: Node group -> marker colour in :func:`tree_graph`.
_GROUP_COLORS = {
    "North Star": PALETTE[3],
    "root": PALETTE[0],
    "node": PALETTE[5],
    "value driver (input)": PALETTE[2],
    "other input": "#999",
}


def _edges(tree: DriverTree, pos: Mapping[str, tuple[float, float]]) -> go.Scatter:
    """One line trace for every parent-child link (segments split by None)."""
    ex, ey = [], []
    for node in tree.order:
        for child in tree.children(node):
            ex += [pos[node][0], pos[child][0], None]
            ey += [pos[node][1], pos[child][1], None]
    return go.Scatter(
        x=ex,
        y=ey,
        mode="lines",
        line={"color": "#bbb", "width": 1.5},
        hoverinfo="skip",
        showlegend=False,
    )


def _node_groups(
    tree: DriverTree, pos: Mapping[str, tuple[float, float]], drivers: Mapping[str, str]
) -> dict[str, list[str]]:
    """The names in each legend group of :data:`_GROUP_COLORS`, in layout order."""
    return {
        "North Star": [n for n in pos if n == tree.nsm],
        "root": [n for n in pos if n == tree.root and n != tree.nsm],
        "node": [n for n in pos if n in tree.formulas and n not in (tree.nsm, tree.root)],
        "value driver (input)": [n for n in pos if n not in tree.formulas and n in drivers],
        "other input": [n for n in pos if n not in tree.formulas and n not in drivers],
    }


def _add_nodes(
    fig: go.Figure,
    texts: Mapping[str, str],
    pos: Mapping[str, tuple[float, float]],
    drivers: Mapping[str, str],
    label: str,
    names: list[str],
) -> None:
    """One marker trace for a group: each name with its value and unit, hover names the actor."""
    text = [texts[n] for n in names]
    actor = [f"<br>driver of {drivers[n]}" if n in drivers else "" for n in names]
    fig.add_scatter(
        x=[pos[n][0] for n in names],
        y=[pos[n][1] for n in names],
        mode="markers+text",
        name=label,
        text=text,
        textposition="bottom center",
        # a halo in the background's colour: an edge passing under a label does not cut it
        textfont={"size": 11, "shadow": "auto"},
        marker={
            "size": 16,
            "color": _GROUP_COLORS[label],
            "symbol": "star" if label == "North Star" else "circle",
        },
        customdata=[t + a for t, a in zip(text, actor, strict=True)],
        hovertemplate="%{customdata}<extra></extra>",
    )


def tornado(
    sens: pd.DataFrame,
    unit: str = "",
    title: str | None = None,
    quantities: Mapping[str, Quantity] | None = None,
) -> go.Figure:
    """Tornado chart from :meth:`DriverTree.sensitivity`: biggest impact on top.

    ``quantities`` (:meth:`DriverTree.quantities`) names the inputs and the
    target and formats their values; without it the names are shown as they
    are and ``unit`` is the target's.

    Examples
    --------
    >>> tree = DriverTree.from_dict({"revenue": "users * arpu"})
    >>> fig = tornado(tree.sensitivity({"users": 10, "arpu": 2}), unit="EUR")
    >>> fig.layout.xaxis.title.text
    'revenue (EUR)'
    """
    base = float(sens["base"].iloc[0])
    key = str(sens.attrs.get("of", "root"))
    shown = dict(quantities or {})
    names = [str(n) for n in sens["input"]]
    fallback = Quantity(key, unit, "number", 2)
    target = shown.get(key, fallback)
    swing = sens.attrs.get("swing")
    fig = go.Figure()
    for side, name, color in (
        ("low", "input -swing", PALETTE[1]),
        ("high", "input +swing", PALETTE[0]),
    ):
        moved = [
            shown[n].format(v) if n in shown else f"{v:,.4f}"
            for n, v in zip(names, sens[f"{side}_input"], strict=True)
        ]
        fig.add_bar(
            y=[_wrap(shown[n].label) if n in shown else n for n in names],
            x=sens[side] - base,
            base=base,
            orientation="h",
            name=name if swing is None else name.replace("swing", f"{swing:.0%}"),
            marker_color=color,
            customdata=moved,
            hovertemplate="%{y} = %{customdata}<br>"
            + f"{target.label}: {target.hover('x')}<extra></extra>",
        )
    _base_line(fig, base, f"base {target.format(base)}")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=target.d3_format)
    fig.update_layout(barmode="overlay", hovermode="closest")
    # names and the axis title on two lines when long: the chart keeps its width on a phone
    x_title = f"{target.label}<br>({target.unit})" if len(target.title) > 24 else target.title
    return finish(
        fig,
        title=title or f"What moves {_wrap(target.label, 28)} most",
        x_title=x_title,
        y_title="Input",
    )


def _base_line(fig: go.Figure, base: float, name: str) -> None:
    """The tornado's base line, named in the legend (on the plot, the name would lie on a bar)."""
    fig.add_vline(x=base, line_color="#333")
    first = fig.data[0].y[0] if len(fig.data[0].y) else None
    fig.add_scatter(
        x=[base], y=[first], mode="lines", line={"color": "#333"}, name=name, hoverinfo="skip"
    )


def _wrap(text: str, width: int = 18) -> str:
    """``text`` broken into lines of about ``width`` characters (plotly's ``<br>``)."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def what_if_waterfall(
    before: float,
    contributions: pd.Series,
    unit: str = "",
    title: str | None = None,
    quantities: Mapping[str, Quantity] | None = None,
) -> go.Figure:
    """Waterfall from the value before, through each change's part, to the value after.

    ``contributions`` comes from :meth:`DriverTree.contributions`; ``quantities``
    (:meth:`DriverTree.quantities`) names the changed inputs and the target and
    formats the values; without it the names are shown as they are and
    ``unit`` is the target's.

    Examples
    --------
    >>> fig = what_if_waterfall(100.0, pd.Series({"price": 5.0, "users": -2.0}), unit="EUR")
    >>> list(fig.data[0].measure), list(fig.data[0].text)
    (['absolute', 'relative', 'relative', 'total'], ['100.00', '+5.00', '-2.00', '103.00'])
    """
    key = str(contributions.name or "value").replace("change of ", "")
    shown = dict(quantities or {})
    target = shown.get(key, Quantity(key, unit, "number", 2))
    digits = f",.{target.precision}f"
    x = ["Before", *[shown[k].label if k in shown else str(k) for k in contributions.index]]
    fig = go.Figure(
        go.Waterfall(
            x=[*x, "After"],
            y=[before, *contributions.to_numpy(dtype=float), 0.0],
            measure=["absolute", *["relative"] * len(contributions), "total"],
            text=[
                format(before, digits),
                *[format(v, "+" + digits) for v in contributions],
                format(before + float(contributions.sum()), digits),
            ],
            textposition="outside",
            increasing={"marker": {"color": PALETTE[2]}},
            decreasing={"marker": {"color": PALETTE[3]}},
            totals={"marker": {"color": PALETTE[0]}},
            hovertemplate=f"%{{x}}: {target.hover('y')}<extra></extra>",
        )
    )
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_yaxes(tickformat=target.d3_format)
    return finish(
        fig, title=title or f"What if: {target.label}", x_title="Change", y_title=target.title
    )


def actor_flows(
    template: ValueDriverTemplate,
    inputs: Mapping[str, Any] | None = None,
    title: str | None = None,
    value_flows: bool = False,
) -> go.Figure:
    """Sankey of money between the template's actors (amounts from its tree when tied to a node).

    Value flows without an amount (attention, music) are left out unless
    ``value_flows=True``, which draws them thin and grey.

    Examples
    --------
    >>> t = ValueDriverTemplate.load("marketplace_value_drivers.yaml")
    >>> actor_flows(t).data[0].type
    'sankey'
    """
    flows = template.flow_table(inputs)
    if not value_flows:
        flows = flows[flows["amount"].notna()].reset_index(drop=True)
    names = [a.name for a in template.actors]
    index = {n: i for i, n in enumerate(names)}
    money = flows["amount"].notna()
    thin = float(flows.loc[money, "amount"].max() or 1) * 0.02 if money.any() else 1.0
    units = sorted(set(flows.loc[money, "unit"]))
    unit = units[0] if len(units) == 1 else ""
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": names,
                "color": [PALETTE[i % len(PALETTE)] for i in range(len(names))],
                "pad": 18,
            },
            link={
                "source": [index[s] for s in flows["source"]],
                "target": [index[t] for t in flows["target"]],
                "value": np.where(money, flows["amount"], thin),
                "label": flows["what"],
                "color": ["rgba(0,114,178,0.35)" if m else "rgba(150,150,150,0.25)" for m in money],
                "customdata": [
                    f"{a:,.1f} {u}" if m else "value (no amount)"
                    for a, u, m in zip(flows["amount"], flows["unit"], money, strict=True)
                ],
                "hovertemplate": "%{source.label} → %{target.label}<br>%{label}: "
                "%{customdata}<extra></extra>",
            },
        )
    )
    fig.update_layout(hovermode="closest")
    suffix = f" ({unit})" if unit else ""
    kind = "Money and value" if value_flows else "Money"
    return finish(fig, title=title or f"{kind} between the actors{suffix}")


def roi_cashflow(
    result: RoiResult, unit: str = "", title: str = "Initiative cash flow"
) -> go.Figure:
    """Monthly net cash (bars) and cumulative cash, plain and discounted (lines), from :func:`roi`.

    Examples
    --------
    >>> from valuelab.drivers import roi
    >>> tree = DriverTree.from_dict({"profit": "users * margin"})
    >>> r = roi(tree, {"users": 100, "margin": 2.0}, change={"users": 10}, cost=50, months=6)
    >>> roi_cashflow(r, unit="EUR").layout.yaxis.title.text
    'Cash (EUR)'
    """
    flows = result.cashflows
    fig = go.Figure()
    fig.add_bar(
        x=flows.index, y=flows["net"], name="net cash in the month", marker_color=PALETTE[5]
    )
    fig.add_scatter(
        x=flows.index, y=flows["cumulative"], name="cumulative", line={"color": PALETTE[0]}
    )
    fig.add_scatter(
        x=flows.index,
        y=flows["cumulative_discounted"],
        name="cumulative, discounted",
        line={"color": PALETTE[1], "dash": "dash"},
    )
    fig.add_hline(y=0, line_color="#333")
    if result.payback_month is not None:
        fig.add_vline(
            x=result.payback_month,
            line_dash="dot",
            annotation_text=f"payback: month {result.payback_month}",
        )
    y_title = f"Cash ({unit})" if unit else "Cash"
    return finish(fig, title=title, x_title="Month (0 = upfront cost)", y_title=y_title)

"""The Value Drivers Template: actors, the value they get and give, and their drivers.

The one-page document [1]_ a team fills out and shares with every team and new
joiner: who the actors of the platform are, what value each receives and
gives, which value driver captures it, how it is measured, how it links to
revenue or the North Star Metric, and which team owns it. Optionally it
carries the money/value flows between actors and a driver tree
(:class:`valuelab.drivers.tree.DriverTree`) whose inputs the drivers point at.

YAML layout (see ``datasets/spotify_value_drivers.yaml``)::

    platform: ...
    source: ...   # the published source of the figures, in words (optional)
    north_star: {name: ..., metric: ..., definition: ...}
    revenue_model: ...
    actors:        [{id, name, role, receives: [...], gives: [...]}, ...]
    value_drivers: [{name, actor, value, metric, unit, link, owner, input}, ...]
    flows:         [{source, target, what, kind, amount, unit}, ...]
    tree:          {root, nsm, nodes, inputs}

References
----------
.. [1] The Product Web, "Identify your 'Value Drivers' today", The Product Web
   newsletter (Substack): actors, value drivers and the Value Drivers Template.
   https://theproductweb.substack.com/p/identify-your-value-drivers-today

Examples
--------
>>> t = ValueDriverTemplate.load("spotify_value_drivers.yaml")
>>> [a.id for a in t.actors][:2]
['listeners_free', 'listeners_premium']
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from valuelab.core import InputError
from valuelab.drivers.tree import DriverTree

__all__ = ["LINKS", "ROLES", "Actor", "Flow", "ValueDriver", "ValueDriverTemplate"]

#: How a value driver links up: to revenue, to the North Star Metric, or both.
LINKS = ("revenue", "nsm", "both")
#: Roles an actor plays on the platform.
ROLES = ("consumer", "producer", "partner", "platform")


@dataclass(frozen=True)
class Actor:
    """One side of the platform and the value it receives and gives."""

    id: str
    name: str
    role: str
    receives: tuple[str, ...]
    gives: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class ValueDriver:
    """A quantifiable input that paves the way to value, adoption and revenue.

    Source: The Product Web's definition of a value driver (see the module's References).

    Attributes
    ----------
    name : str
        The driver (e.g. "Premium conversion").
    actor : str
        Id of the actor it serves.
    value : str
        The value the actor receives through it.
    metric : str
        How it is measured.
    unit : str
        Unit of the metric.
    link : {"revenue", "nsm", "both"}
        What it moves.
    owner : str
        The accountable team.
    how : str
        One line on the link to revenue / NSM.
    input : str, optional
        The driver-tree input that models it.
    """

    name: str
    actor: str
    value: str
    metric: str
    unit: str
    link: str
    owner: str
    how: str = ""
    input: str | None = None


@dataclass(frozen=True)
class Flow:
    """Money or value moving from one actor to another (a Sankey link)."""

    source: str
    target: str
    what: str
    kind: str = "money"
    amount: float | None = None
    unit: str = ""
    node: str | None = None


_ACTOR = ("id", "name", "role", "receives", "gives")
_DRIVER = ("name", "actor", "value", "metric", "unit", "link", "owner")
_FLOW = ("source", "target", "what")


def _required(
    item: Any, fields: tuple[str, ...], where: str, problems: list[InputError]
) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        problems.append(InputError(f"{where}: not a mapping", expected=", ".join(fields)))
        return {}
    for name in fields:
        value = item.get(name)
        if value is None or value == "" or value == []:
            problems.append(InputError(f"{where}: missing '{name}'"))
    return dict(item)


def _read_heading(doc: Mapping[str, Any], problems: list[InputError]) -> Any:
    """Check the top-level fields and the North Star's name and metric; return ``north_star``."""
    for key in ("platform", "north_star", "revenue_model", "actors", "value_drivers"):
        if not doc.get(key):
            problems.append(InputError(f"missing '{key}'"))
    nsm = doc.get("north_star") or {}
    if isinstance(nsm, Mapping):
        for key in ("name", "metric"):
            if not nsm.get(key):
                problems.append(InputError(f"north_star: missing '{key}'"))
    return nsm


def _read_actors(doc: Mapping[str, Any], problems: list[InputError]) -> list[Actor]:
    """The complete actors; missing fields, unknown roles and duplicate ids are problems."""
    actors: list[Actor] = []
    for i, raw in enumerate(doc.get("actors") or []):
        item = _required(raw, _ACTOR, f"actors[{i}]", problems)
        if item.get("role") and item["role"] not in ROLES:
            problems.append(
                InputError(
                    f"actors[{i}].role: unknown role '{item['role']}'",
                    expected=", ".join(ROLES),
                )
            )
        if all(item.get(k) for k in _ACTOR):
            actors.append(
                Actor(
                    str(item["id"]),
                    str(item["name"]),
                    str(item["role"]),
                    tuple(map(str, item["receives"])),
                    tuple(map(str, item["gives"])),
                    str(item.get("description", "")),
                )
            )
    ids = [a.id for a in actors]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(InputError(f"actor id '{dup}' is used twice"))
    return actors


def _read_tree(
    doc: Mapping[str, Any], source: str, problems: list[InputError]
) -> DriverTree | None:
    """The template's driver tree, if it has one and it is valid (its problems are appended)."""
    if doc.get("tree") is None:
        return None
    try:
        t = doc["tree"]
        return DriverTree.from_dict(
            (t or {}).get("nodes"),
            t.get("root"),
            t.get("nsm"),
            t.get("inputs"),
            source=f"{source}: tree",
        )
    except InputError as err:
        problems += err.problems or [err]
    except AttributeError:
        problems.append(InputError("tree: not a mapping", expected="root, nsm, nodes, inputs"))
    return None


def _read_drivers(
    doc: Mapping[str, Any], known: set[str], tree: DriverTree | None, problems: list[InputError]
) -> list[ValueDriver]:
    """The complete value drivers; unknown actors, links and tree inputs are problems."""
    drivers: list[ValueDriver] = []
    for i, raw in enumerate(doc.get("value_drivers") or []):
        item = _required(raw, _DRIVER, f"value_drivers[{i}]", problems)
        where = f"value_drivers[{i}] ({item.get('name', '?')})"
        if item.get("actor") and str(item["actor"]) not in known:
            problems.append(InputError(f"{where}.actor: no actor '{item['actor']}'"))
        if item.get("link") and item["link"] not in LINKS:
            problems.append(
                InputError(f"{where}.link: '{item['link']}'", expected=", ".join(LINKS))
            )
        if item.get("input") and tree is not None and item["input"] not in tree.input_names:
            problems.append(InputError(f"{where}.input: the tree has no input '{item['input']}'"))
        if all(item.get(k) for k in _DRIVER):
            extra = {k: item[k] for k in ("how", "input") if item.get(k)}
            drivers.append(ValueDriver(**{k: str(item[k]) for k in _DRIVER}, **extra))
    return drivers


def _flow_amount(i: int, amount: Any, problems: list[InputError]) -> Any:
    """A flow's amount, or None (and a problem) when it is not a number >= 0."""
    if amount is not None and (
        isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0
    ):
        problems.append(InputError(f"flows[{i}].amount: {amount!r}", expected="a number >= 0"))
        return None
    return amount


def _read_flows(
    doc: Mapping[str, Any], known: set[str], tree: DriverTree | None, problems: list[InputError]
) -> list[Flow]:
    """The complete flows; unknown actors, bad amounts and unknown tree nodes are problems."""
    flows: list[Flow] = []
    tree_ok = tree is not None or doc.get("tree") is None  # a broken tree is reported already
    for i, raw in enumerate(doc.get("flows") or []):
        item = _required(raw, _FLOW, f"flows[{i}]", problems)
        for end in ("source", "target"):
            if item.get(end) and str(item[end]) not in known:
                problems.append(InputError(f"flows[{i}].{end}: no actor '{item[end]}'"))
        amount = _flow_amount(i, item.get("amount"), problems)
        node = item.get("node")
        if node is not None and tree_ok and (tree is None or node not in tree.evaluate_names()):
            problems.append(InputError(f"flows[{i}].node: the tree has no node '{node}'"))
        if all(item.get(k) for k in _FLOW):
            flows.append(
                Flow(
                    str(item["source"]),
                    str(item["target"]),
                    str(item["what"]),
                    str(item.get("kind", "money")),
                    None if amount is None else float(amount),
                    str(item.get("unit", "")),
                    None if node is None else str(node),
                )
            )
    return flows


def _read_checks(
    doc: Mapping[str, Any], tree: DriverTree | None, problems: list[InputError]
) -> list[dict[str, Any]]:
    """The reported figures to check against the tree (node, reported, source, times)."""
    checks = []
    for i, raw in enumerate(doc.get("checks") or []):
        item = _required(raw, ("node", "reported", "source"), f"checks[{i}]", problems)
        if tree is not None and item.get("node") and item["node"] not in tree.evaluate_names():
            problems.append(InputError(f"checks[{i}].node: the tree has no node '{item['node']}'"))
        if item.get("times") is not None and not isinstance(item["times"], int | float):
            problems.append(
                InputError(f"checks[{i}].times: {item['times']!r}", expected="a number")
            )
        checks.append(item)
    return checks


@dataclass
class ValueDriverTemplate:
    """A filled-out Value Drivers Template; build with :meth:`from_dict` or :meth:`from_yaml`.

    Source: The Product Web's Value Drivers Template (see the module's References).
    """

    platform: str
    north_star: dict[str, str]
    revenue_model: str
    actors: list[Actor]
    drivers: list[ValueDriver]
    flows: list[Flow] = field(default_factory=list)
    tree: DriverTree | None = None
    description: str = ""
    checks: list[dict[str, Any]] = field(default_factory=list)
    #: The published source of its figures, in words, for a sources table
    #: (:meth:`~valuelab.drivers.tree.DriverTree.input_sources`): never a file name.
    source: str = ""

    @classmethod
    def from_dict(cls, doc: Any, source: str = "template") -> ValueDriverTemplate:
        """Build and validate; every missing or dangling field is reported at once.

        Raises
        ------
        InputError
            Listing missing fields, unknown roles and links, duplicate actor
            ids, drivers and flows naming an actor that does not exist,
            drivers pointing at an input the tree does not have, and any
            problem of the tree itself.
        """
        if not isinstance(doc, Mapping):
            raise InputError("not a mapping", source=source, expected="a template document")
        problems: list[InputError] = []
        nsm = _read_heading(doc, problems)
        actors = _read_actors(doc, problems)
        known = {
            str((r or {}).get("id")) for r in doc.get("actors") or [] if isinstance(r, Mapping)
        }
        tree = _read_tree(doc, source, problems)
        drivers = _read_drivers(doc, known, tree, problems)
        flows = _read_flows(doc, known, tree, problems)
        checks = _read_checks(doc, tree, problems)
        if problems:
            raise InputError(source=source, problems=problems)
        return cls(
            platform=str(doc["platform"]),
            north_star={k: str(v) for k, v in nsm.items()},
            revenue_model=str(doc["revenue_model"]),
            actors=actors,
            drivers=drivers,
            flows=flows,
            tree=tree,
            description=str(doc.get("description", "")),
            checks=checks,
            source=str(doc.get("source") or f"the {doc['platform']} template"),
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> ValueDriverTemplate:
        """Read and validate a template file."""
        path = Path(path)
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            raise InputError(
                f"cannot read: {err}", source=str(path), expected="a YAML file"
            ) from None
        return cls.from_dict(doc, source=path.name)

    @classmethod
    def load(cls, name: str) -> ValueDriverTemplate:
        """A template shipped in ``datasets/`` (e.g. ``"spotify_value_drivers.yaml"``)."""
        from valuelab.data import data_file

        return cls.from_yaml(data_file(name))

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as :meth:`from_dict` reads it."""
        doc: dict[str, Any] = {
            "platform": self.platform,
            "description": self.description,
            "north_star": dict(self.north_star),
            "revenue_model": self.revenue_model,
            "actors": [
                {**asdict(a), "receives": list(a.receives), "gives": list(a.gives)}
                for a in self.actors
            ],
            "value_drivers": [
                {k: v for k, v in asdict(d).items() if v not in (None, "")} for d in self.drivers
            ],
            "flows": [
                {k: v for k, v in asdict(f).items() if v not in (None, "")} for f in self.flows
            ],
        }
        if self.tree is not None:
            doc["tree"] = self.tree.to_dict()
        if self.checks:
            doc["checks"] = [dict(c) for c in self.checks]
        if self.source:
            doc["source"] = self.source
        return doc

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The template as YAML (written to ``path`` if given)."""
        text = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def quantities(self) -> dict[str, Any]:
        """How each node and input of the tree is shown, named by the template where it can.

        A value driver's input takes the driver's name, the North Star node the
        North Star's name (see :meth:`DriverTree.quantities`).

        Examples
        --------
        >>> t = ValueDriverTemplate.load("spotify_value_drivers.yaml")
        >>> q = t.quantities()
        >>> q["premium_share"].title, q["listening_hours"].label
        ('Premium conversion (share 0-1)', 'Time spent listening')
        """
        if self.tree is None:
            return {}
        labels = {d.input: d.name for d in self.drivers if d.input}
        if self.tree.nsm and self.north_star.get("name"):
            labels[self.tree.nsm] = self.north_star["name"]
        return self.tree.quantities(labels)

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise InputError(f"no actor '{actor_id}'", expected=", ".join(a.id for a in self.actors))

    def flow_table(self, inputs: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Flows between actors with amounts; a flow tied to a tree node takes its value.

        Parameters
        ----------
        inputs : mapping, optional
            Tree inputs over the defaults (scalars).

        Returns
        -------
        pandas.DataFrame
            ``source``, ``target`` (actor names), ``what``, ``kind``,
            ``amount`` (NaN for value flows without an amount) and ``unit``.
        """
        values = self.tree.evaluate(inputs) if self.tree is not None else {}
        names = {a.id: a.name for a in self.actors}
        rows = [
            {
                "source": names[f.source],
                "target": names[f.target],
                "what": f.what,
                "kind": f.kind,
                "amount": float(values[f.node])
                if f.node
                else (f.amount if f.amount is not None else np.nan),
                "unit": f.unit,
            }
            for f in self.flows
        ]
        return pd.DataFrame(rows, columns=["source", "target", "what", "kind", "amount", "unit"])

    def check_against_reported(self, inputs: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Compare tree nodes with reported figures listed under ``checks`` in the file.

        Each check names a ``node``, the ``reported`` figure, its ``source``, and
        ``times`` to convert the node to the reported period (12: month -> year).

        Returns
        -------
        pandas.DataFrame
            ``node``, ``model`` (node x times), ``reported``, ``diff_pct``
            (percent, model vs reported), ``unit``, ``source``; empty when the
            template lists no checks. Its ``attrs`` name the ``node`` column
            "Figure" and hold each node's name, so
            :func:`~valuelab.core.labelled` shows it in words.
        """
        cols = ["node", "model", "reported", "diff_pct", "unit", "source"]
        if not self.checks or self.tree is None:
            return pd.DataFrame(columns=cols)
        values = self.tree.evaluate(inputs)
        table = pd.DataFrame(
            {
                "node": [c["node"] for c in self.checks],
                "model": [float(values[c["node"]]) * float(c.get("times", 1)) for c in self.checks],
                "reported": [float(c["reported"]) for c in self.checks],
                "unit": [str(c.get("unit", "")) for c in self.checks],
                "source": [str(c["source"]) for c in self.checks],
            }
        )
        table["diff_pct"] = (table["model"] / table["reported"] - 1) * 100
        table = table[cols]
        table.attrs = {
            "quantities": {"node": "Figure"},
            "values": {"node": {k: q.label for k, q in self.quantities().items()}},
        }
        return table

    def driver_table(self) -> pd.DataFrame:
        """The value drivers as a person reads them: one row each, its actor by name.

        Returns
        -------
        pandas.DataFrame
            ``actor`` (the actor's name), ``name``, ``metric``, ``unit``, ``link``
            (what it moves: revenue, nsm or both) and ``owner``.

        Examples
        --------
        >>> t = ValueDriverTemplate.load("spotify_value_drivers.yaml")
        >>> t.driver_table().loc[0, ["actor", "name"]].tolist()
        ['Free listeners', 'Monthly active users']
        """
        names = {a.id: a.name for a in self.actors}
        cols = ["actor", "name", "metric", "unit", "link", "owner"]
        rows = [{**{c: getattr(d, c) for c in cols}, "actor": names[d.actor]} for d in self.drivers]
        return pd.DataFrame(rows, columns=cols)

    def gaps(self) -> list[str]:
        """What a reviewer would flag: actors with no value driver or with no flow in or out.

        Value must flow to every actor for the platform to be viable (The Product Web,
        see the module's References).
        """
        found = []
        with_driver = {d.actor for d in self.drivers}
        in_flows = {f.source for f in self.flows} | {f.target for f in self.flows}
        for a in self.actors:
            if a.role != "platform" and a.id not in with_driver:
                found.append(f"{a.name} has no value driver")
            if self.flows and a.id not in in_flows:
                found.append(f"{a.name} has no money or value flow")
        return found

    def _sections(self) -> list[tuple[str, list[str], list[list[str]]]]:
        names = {a.id: a.name for a in self.actors}
        actors = [[a.name, a.role, "; ".join(a.receives), "; ".join(a.gives)] for a in self.actors]
        drivers = [
            [names[d.actor], d.name, d.value, f"{d.metric} ({d.unit})", d.link, d.how, d.owner]
            for d in self.drivers
        ]
        flows = [
            [
                r.source,
                r.target,
                r.what,
                r.kind,
                "" if np.isnan(r.amount) else f"{r.amount:,.0f} {r.unit}",
            ]
            for r in self.flow_table().itertuples()
        ]
        return [
            ("Actors", ["Actor", "Role", "Receives", "Gives"], actors),
            (
                "Value drivers",
                [
                    "Actor",
                    "Value driver",
                    "Value received",
                    "Metric",
                    "Moves",
                    "How it links",
                    "Owner",
                ],
                drivers,
            ),
            ("Money and value flows", ["From", "To", "What", "Kind", "Amount"], flows),
        ]

    def to_markdown(self) -> str:
        """The one-page document for teams and new joiners, as Markdown."""
        ns = self.north_star
        lines = [f"# Value Drivers: {self.platform}", ""]
        if self.description:
            lines += [self.description, ""]
        lines += [
            f"**North Star Metric:** {ns['name']} — {ns['metric']}"
            + (f". {ns['definition']}" if ns.get("definition") else ""),
            "",
            f"**Revenue model:** {self.revenue_model}",
            "",
        ]
        for title, header, rows in self._sections():
            if not rows:
                continue
            lines += [f"## {title}", "", "| " + " | ".join(header) + " |"]
            lines += ["|" + "---|" * len(header)]
            lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
            lines.append("")
        gaps = self.gaps()
        lines += ["## Gaps", ""] + (
            [f"- {g}" for g in gaps] or ["- none: every actor has a value driver"]
        )
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        """The same page as a standalone HTML document (no scripts, prints on one page)."""
        e = html.escape
        ns = self.north_star
        parts = [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>Value Drivers: {e(self.platform)}</title>",
            "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
            "color:#222}table{border-collapse:collapse;width:100%;margin-bottom:1.5em;"
            "font-size:.9em}th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;"
            "vertical-align:top}th{background:#f1f4f8}h1{font-size:1.6em}</style></head><body>",
            f"<h1>Value Drivers: {e(self.platform)}</h1>",
        ]
        if self.description:
            parts.append(f"<p>{e(self.description)}</p>")
        definition = f". {e(ns['definition'])}" if ns.get("definition") else ""
        star = f"{e(ns['name'])} — {e(ns['metric'])}{definition}"
        parts.append(f"<p><strong>North Star Metric:</strong> {star}</p>")
        parts.append(f"<p><strong>Revenue model:</strong> {e(self.revenue_model)}</p>")
        for title, header, rows in self._sections():
            if not rows:
                continue
            parts.append(f"<h2>{e(title)}</h2><table><tr>")
            parts += [f"<th>{e(h)}</th>" for h in header]
            parts.append("</tr>")
            for row in rows:
                parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
            parts.append("</table>")
        gaps = self.gaps() or ["none: every actor has a value driver"]
        parts.append("<h2>Gaps</h2><ul>" + "".join(f"<li>{e(g)}</li>" for g in gaps) + "</ul>")
        parts.append("</body></html>")
        return "\n".join(parts)

"""Driver trees: the North Star Metric and revenue as formulas of value drivers.

A value driver is not the North Star Metric (NSM) but an input to it, or a
derivative of it [1]_; the NSM is the one metric that captures the value
customers get, moved by input metrics [2]_ [3]_. A driver tree [4]_ is a set of
named nodes, each a formula (see :mod:`valuelab.drivers.formula`) over other
nodes or *inputs*. Inputs are the leaves: the value drivers a team can move.
The tree answers "how much does the root (or the North Star) move when this
driver moves" by computation:
:meth:`DriverTree.evaluate`, :meth:`~DriverTree.elasticities`,
:meth:`~DriverTree.sensitivity`, :meth:`~DriverTree.what_if` and :func:`~valuelab.drivers.roi.roi`.

The template of actors and value drivers a team shares lives in
:mod:`valuelab.drivers.template`; the return of an initiative in
:mod:`valuelab.drivers.roi`.

References
----------
.. [1] The Product Web, "Identify your 'Value Drivers' today", The Product Web
   newsletter (Substack): actors, value drivers and the Value Drivers Template.
   https://theproductweb.substack.com/p/identify-your-value-drivers-today
.. [2] Amplitude, "The North Star Playbook": the North Star Metric and the input
   metrics that drive it. https://amplitude.com/north-star
.. [3] S. Ellis and M. Brown, *Hacking Growth*, Currency, 2017: the North Star
   Metric.
.. [4] A. Burrows, "How to Define Value Drivers – a Simple Technique for Business
   Strategy and Performance Measurement", Supercharged Finance, 2018: the value
   driver tree. https://www.superchargedfinance.com/blog/how-to-define-value-drivers

Examples
--------
>>> tree = DriverTree.from_dict(
...     {"revenue": "subscribers * arpu * 12", "profit": "revenue - costs"}, root="profit"
... )
>>> tree.evaluate({"subscribers": 100, "arpu": 10, "costs": 2000})["profit"]
np.float64(10000.0)
>>> tree.elasticities({"subscribers": 100, "arpu": 10, "costs": 2000}).round(3)["arpu"]
np.float64(1.2)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from valuelab.core import FIGURE_KINDS, InputError, SourcedValue, aligned, check_numbers
from valuelab.core.quantities import Quantity, named_quantity
from valuelab.drivers.formula import Formula

__all__ = ["DriverTree", "InputSpec"]

_HOW = ("add", "multiply", "set")


@dataclass(frozen=True)
class InputSpec:
    """An input (leaf) of a driver tree: its default value and how to show it.

    Attributes
    ----------
    value : float
        Default (current) value, in ``unit``.
    unit : str
        Unit shown next to the value (e.g. ``"EUR/month"``, ``"share 0-1"``).
    min, max : float, optional
        Slider bounds in apps (default: 0 and twice the value).
    actor : str, optional
        The actor whose value driver this input is (``None`` for a plain input).
    description : str
        One line on what it measures, and where the value comes from.
    kind : {"reported", "derived", "estimated"}
        What the default value is (:mod:`valuelab.core.provenance`): published
        as such, computed from published figures (the description gives the
        formula), or an assumption. Default ``"estimated"``: a value nobody
        sourced is an assumption.
    """

    value: float
    unit: str = ""
    min: float | None = None
    max: float | None = None
    actor: str | None = None
    description: str = ""
    kind: str = "estimated"


def _toposort(formulas: dict[str, Formula]) -> tuple[list[str], list[InputError]]:
    """Nodes in evaluation order, or the cycles found.

    A depth-first walk with an explicit stack, so a chain of thousands of
    nodes needs no recursion.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    problems: list[InputError] = []

    def deps(name: str) -> Iterator[str]:
        return iter(sorted(d for d in formulas[name].names if d in formulas))

    for root in formulas:
        if state.get(root) == 2:
            continue
        state[root], path, stack = 1, [root], [deps(root)]
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                stack.pop()
                done = path.pop()
                state[done] = 2
                order.append(done)
            elif state.get(dep) == 1:
                cycle = [*path[path.index(dep) :], dep]
                problems.append(
                    InputError(
                        f"cycle {' -> '.join(cycle)} in formula '{formulas[dep].text}'",
                        source=f"node '{dep}'",
                        expected="a tree: no node may depend on itself",
                    )
                )
            elif state.get(dep) != 2:
                state[dep] = 1
                path.append(dep)
                stack.append(deps(dep))
    return order, problems


def _number(value: Any, name: str) -> Any:
    """A finite float or a 1-d float array from a scalar, list, array or Series."""
    arr = check_numbers(value, f"input '{name}'", finite=True)
    if arr.ndim > 1:
        raise InputError("more than one dimension", source=f"input '{name}'")
    return arr if arr.ndim else np.float64(arr)


def _parse_nodes(
    formulas: Mapping[str, Any], problems: list[InputError]
) -> tuple[dict[str, Formula], dict[str, str], dict[str, str]]:
    """Each node's parsed formula, unit and description; problems are appended."""
    parsed: dict[str, Formula] = {}
    units: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for name, spec in formulas.items():
        text = spec
        if isinstance(spec, Mapping):
            text = spec.get("formula")
            units[name] = str(spec.get("unit", ""))
            descriptions[name] = str(spec.get("description", ""))
            if text is None:
                problems.append(InputError("missing 'formula'", source=f"node '{name}'"))
                continue
        try:
            parsed[str(name)] = Formula.parse(text, node=str(name))
        except InputError as err:
            problems.append(err)
    return parsed, units, descriptions


def _input_specs(
    inputs: Mapping[str, Any] | None,
    drivers: Mapping[str, str] | None,
    problems: list[InputError],
) -> dict[str, InputSpec]:
    """The declared inputs, tagged with the actor of each value driver; problems are appended."""
    specs: dict[str, InputSpec] = {}
    for name, spec in (inputs or {}).items():
        try:
            specs[str(name)] = _input_spec(name, spec)
        except InputError as err:
            problems.append(err)
    for name, actor in (drivers or {}).items():
        specs[name] = replace(specs.get(name, InputSpec(value=np.nan)), actor=actor)
    return specs


def _check_names(
    nodes: set[str],
    parsed: dict[str, Formula],
    specs: dict[str, InputSpec],
    problems: list[InputError],
) -> None:
    """Names a formula uses that are neither a node nor an input; names that are both."""
    for name, f in parsed.items():
        for unknown in sorted(f.names - nodes - specs.keys()):
            problems.append(
                InputError(
                    f"unknown name '{unknown}' in formula '{f.text}'",
                    source=f"node '{name}'",
                    expected="a node or a declared input",
                )
            )
    for name in sorted(specs.keys() & parsed.keys()):
        problems.append(InputError("is both a node and an input", source=f"'{name}'"))


def _find_root(
    parsed: dict[str, Formula], root: str | None, source: str, problems: list[InputError]
) -> str | None:
    """``root``, or else the only node no other node uses (a problem when that is unclear)."""
    if root is not None:
        return root
    used = set().union(*(f.names for f in parsed.values())) if parsed else set()
    tops = [n for n in parsed if n not in used]
    if len(tops) == 1:
        return tops[0]
    if parsed and not problems:
        problems.append(
            InputError(
                f"cannot tell the root: {', '.join(tops) or 'none'} are not used by others",
                source=source,
                expected="root=<node name>",
            )
        )
    return None


@dataclass
class DriverTree:
    """Formulas over inputs, with a root (e.g. profit) and a North Star node.

    Source: the value driver tree under a North Star Metric (see the module's References).
    Build with :meth:`from_dict` or :meth:`from_yaml`; never construct directly.

    Attributes
    ----------
    formulas : dict of str to Formula
        The nodes.
    root : str
        The node everything rolls up to (used by elasticities, sensitivity, ROI).
    nsm : str or None
        The North Star node.
    inputs : dict of str to InputSpec
        Declared inputs with default values (may be empty).
    units, descriptions : dict of str to str
        Per node.
    """

    formulas: dict[str, Formula]
    root: str
    nsm: str | None = None
    inputs: dict[str, InputSpec] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    # -- construction ------------------------------------------------------------------

    @classmethod
    def from_dict(
        cls,
        formulas: Mapping[str, Any],
        root: str | None = None,
        nsm: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        drivers: Mapping[str, str] | None = None,
        source: str = "driver tree",
    ) -> DriverTree:
        """Build and check a tree; every problem is reported at once.

        Parameters
        ----------
        formulas : mapping
            Node name -> formula text, or a mapping with ``formula`` and
            optional ``unit`` and ``description``.
        root : str, optional
            The top node; default: the only node no other node uses.
        nsm : str, optional
            The North Star node.
        inputs : mapping, optional
            Input name -> default value, or a mapping of :class:`InputSpec`
            fields. When given, every name a formula uses must be a node or a
            declared input.
        drivers : mapping, optional
            Input name -> actor: tags inputs as that actor's value driver.

        Raises
        ------
        InputError
            Listing malformed or unsafe formulas, unknown names (when inputs
            are declared), cycles, and a missing root or NSM.
        """
        if not isinstance(formulas, Mapping) or not formulas:
            raise InputError("no nodes", source=source, expected="a mapping of name: formula")
        problems: list[InputError] = []
        parsed, units, descriptions = _parse_nodes(formulas, problems)
        specs = _input_specs(inputs, drivers, problems)
        if inputs:
            _check_names(set(map(str, formulas)), parsed, specs, problems)
        order, cycles = _toposort(parsed)
        problems += cycles
        root = _find_root(parsed, root, source, problems)
        if root is not None and root not in parsed:
            problems.append(InputError(f"root '{root}' is not a node", source=source))
        if nsm is not None and nsm not in parsed:
            problems.append(InputError(f"nsm '{nsm}' is not a node", source=source))
        if problems:
            raise InputError(source=source, problems=problems)
        return cls(parsed, str(root), nsm, specs, units, descriptions, order)

    @classmethod
    def from_yaml(cls, path_or_text: str | Path, source: str | None = None) -> DriverTree:
        """Read a tree from a YAML file (or YAML text): ``root``, ``nsm``, ``nodes``, ``inputs``.

        Examples
        --------
        >>> tree = DriverTree.from_yaml(
        ...     "nodes: {revenue: users * arpu}\\ninputs: {users: 10, arpu: 2}"
        ... )
        >>> tree.evaluate()["revenue"]
        np.float64(20.0)
        """
        doc, source = _read_yaml(path_or_text, source)
        if not isinstance(doc, Mapping) or "nodes" not in doc:
            raise InputError(
                "no 'nodes' mapping", source=source, expected="root, nsm, nodes, inputs"
            )
        return cls.from_dict(
            doc["nodes"], doc.get("root"), doc.get("nsm"), doc.get("inputs"), source=source
        )

    def to_dict(self) -> dict[str, Any]:
        """The tree as plain data (what :meth:`from_yaml` reads)."""
        nodes: dict[str, Any] = {}
        for name, f in self.formulas.items():
            unit, text = self.units.get(name, ""), self.descriptions.get(name, "")
            nodes[name] = (
                {"formula": f.text, "unit": unit, "description": text} if unit or text else f.text
            )
        inputs = {
            n: {
                k: v
                for k, v in s.__dict__.items()
                if v not in (None, "") and (k, v) != ("kind", "estimated")
            }
            for n, s in self.inputs.items()
        }
        doc: dict[str, Any] = {"root": self.root}
        if self.nsm:
            doc["nsm"] = self.nsm
        doc["nodes"] = nodes
        if inputs:
            doc["inputs"] = inputs
        return doc

    def to_yaml(self, path: str | Path | None = None) -> str:
        """Write the tree as YAML (to ``path`` if given); return the text."""
        text = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    # -- structure -----------------------------------------------------------------------

    @property
    def input_names(self) -> list[str]:
        """Every name used by a formula that is not a node, sorted."""
        used = set().union(*(f.names for f in self.formulas.values()))
        return sorted((used | self.inputs.keys()) - self.formulas.keys())

    def evaluate_names(self) -> list[str]:
        """Every name :meth:`evaluate` returns: inputs, then nodes."""
        return self.input_names + self.order

    def defaults(self) -> dict[str, float]:
        """Declared inputs' default values."""
        return {n: s.value for n, s in self.inputs.items() if not np.isnan(s.value)}

    def input_sources(
        self, source: str, labels: Mapping[str, str] | None = None
    ) -> list[SourcedValue]:
        """Each input's default value with its kind, for a lesson's sources table.

        Parameters
        ----------
        source : str
            The published source of the inputs, in words (a template's
            :attr:`~valuelab.drivers.ValueDriverTemplate.source`), named in
            each row; each input's description is its basis, not repeated here.
        labels : mapping of str to str, optional
            Input -> the name a person reads (e.g. from :meth:`quantities`); an
            input left out is named by its key.

        Returns
        -------
        list of SourcedValue
            One per input with a value: the input's name, value, unit and
            kind; the description says where the value comes from and is the
            basis of derived and estimated values ("an assumption of
            ``source``" when the file gives none).

        Examples
        --------
        >>> tree = DriverTree.from_dict(
        ...     {"revenue": "users * arpu"},
        ...     inputs={"users": {"value": 10, "kind": "reported"}, "arpu": 5},
        ... )
        >>> [(v.figure, v.kind) for v in tree.input_sources("a textbook", {"arpu": "ARPU"})]
        [('users', 'reported'), ('ARPU', 'estimated')]
        """
        labels = dict(labels or {})
        rows = []
        for name, spec in self.inputs.items():
            if spec.value != spec.value:
                continue
            basis = spec.description or f"an assumption of {source}"
            digits = f"{spec.value:.10g}".partition(".")[2]
            precision = len(digits) if "e" not in digits else 4
            rows.append(
                SourcedValue(
                    labels.get(name, name),
                    spec.value,
                    spec.unit,
                    spec.kind,
                    source,
                    basis,
                    precision,
                )
            )
        return rows

    def quantities(self, labels: Mapping[str, str] | None = None) -> dict[str, Quantity]:
        """How each node and input is shown: its name, its unit and a precision.

        Names come from :data:`valuelab.core.quantities.QUANTITIES`, else from
        ``labels`` (a template's names of its drivers), else from the key in
        words (:func:`~valuelab.core.quantities.named_quantity`); the precision
        gives about three significant digits of the default value, so every
        card, box and axis showing a node reads it alike.

        Examples
        --------
        >>> tree = DriverTree.from_dict(
        ...     {"revenue": {"formula": "users * arpu", "unit": "EUR/month"}},
        ...     inputs={"users": 10, "arpu": {"value": 2.5, "unit": "EUR/month"}},
        ... )
        >>> q = tree.quantities({"arpu": "Revenue per user"})
        >>> q["arpu"].format(2.5), q["revenue"].title
        ('2.50 EUR/month', 'Revenue (EUR/month)')
        """
        labels = dict(labels or {})
        typical = self.evaluate()
        units = {**{n: s.unit for n, s in self.inputs.items()}, **self.units}
        return {
            name: named_quantity(name, units.get(name, ""), float(typical[name]), labels.get(name))
            for name in self.evaluate_names()
            if name in typical
        }

    def drivers(self) -> dict[str, str]:
        """Inputs tagged as an actor's value driver: input -> actor."""
        return {n: s.actor for n, s in self.inputs.items() if s.actor}

    def children(self, node: str) -> list[str]:
        """The names a node's formula uses (nodes and inputs), sorted."""
        return sorted(self.formulas[node].names)

    def tops(self) -> list[str]:
        """Nodes no other node uses (the root, and the NSM when it stands apart)."""
        used = set().union(*(f.names for f in self.formulas.values()))
        return [n for n in self.order if n not in used]

    def depth(self) -> dict[str, int]:
        """Layer of every node and input: the longest path from a top node (tops are 0)."""
        depth = dict.fromkeys(self.tops(), 0)
        for name in reversed(self.order):
            for child in self.children(name):
                depth[child] = max(depth.get(child, 0), depth.get(name, 0) + 1)
        return depth

    # -- computation -----------------------------------------------------------------------

    def _values(self, inputs: Mapping[str, Any] | pd.DataFrame | None) -> tuple[dict, Any]:
        given: dict[str, Any] = dict(self.defaults())
        index = None
        if isinstance(inputs, pd.DataFrame):
            index = inputs.index
            given.update({str(c): inputs[c].to_numpy() for c in inputs.columns})
        elif inputs is not None:
            # Series are matched by label (pandas' rule), never paired by position
            inputs = dict(
                zip(inputs, aligned(**{str(n): v for n, v in inputs.items()}), strict=True)
            )
            for name, value in inputs.items():
                if isinstance(value, pd.Series) and index is None:
                    index = value.index
                given[str(name)] = value.to_numpy() if isinstance(value, pd.Series) else value
        problems = []
        values: dict[str, Any] = {}
        for name, value in given.items():
            if name in self.formulas:
                problems.append(InputError("is a node, not an input", source=f"input '{name}'"))
                continue
            try:
                values[name] = _number(value, name)
            except InputError as err:
                problems.append(err)
        lengths = {np.size(v) for v in values.values() if np.ndim(v)}
        if len(lengths) > 1:
            problems.append(
                InputError(f"arrays of lengths {sorted(lengths)}", expected="equal-length inputs")
            )
        missing = [n for n in self.input_names if n not in given]
        for name in missing:
            users = [n for n in self.order if name in self.formulas[n].names]
            f = self.formulas[users[0]]
            problems.append(
                InputError(
                    f"no value for input '{name}' used in formula '{f.text}'",
                    source=f"node '{users[0]}'",
                )
            )
        if problems:
            raise InputError("cannot evaluate the tree", problems=problems)
        return values, index

    def evaluate(self, inputs: Mapping[str, Any] | pd.DataFrame | None = None) -> Any:
        """Every input's and node's value.

        Parameters
        ----------
        inputs : mapping or DataFrame, optional
            Input values over the declared defaults: scalars, or equal-length
            arrays/Series (one scenario per row), or a scenario DataFrame.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            A Series (name -> value) for scalar inputs; a DataFrame with one
            column per input and node and one row per scenario otherwise.
            Inputs come first, nodes in evaluation order (root last or near).
        """
        values, index = self._values(inputs)
        given = {id(v) for v in values.values()}
        for name in self.order:
            values[name] = self.formulas[name].evaluate(values)
        names = [n for n in values if n not in self.formulas] + self.order
        if all(np.ndim(v) == 0 for v in values.values()):
            return pd.Series({n: np.float64(values[n]) for n in names}, name="value")
        n = max(np.size(v) for v in values.values() if np.ndim(v))
        table = inputs if isinstance(inputs, pd.DataFrame) else None
        frame = _columns(values, names, n, table, set(self.order), given)
        index = index if index is not None else pd.RangeIndex(n)
        return pd.DataFrame(frame, index=index, copy=False)  # one block per column: no stacking

    def _point(self, inputs: Mapping[str, Any] | None) -> dict[str, float]:
        values, _ = self._values(inputs)
        if any(np.ndim(v) for v in values.values()):
            raise InputError("needs one scenario (scalars), got arrays", source="inputs")
        return {k: float(v) for k, v in values.items()}

    def _target(self, of: str | None) -> str:
        of = of or self.root
        if of not in self.formulas:
            raise InputError(f"'{of}' is not a node", source="of", expected=", ".join(self.order))
        return of

    def elasticities(
        self, inputs: Mapping[str, Any] | None = None, of: str | None = None, step: float = 1e-4
    ) -> pd.Series:
        """Percent change of ``of`` (default the root) per +1 % of each input, at a point.

        The point elasticity ``(x / y) * dy/dx`` by a central difference of
        ±``step`` (relative). A product of factors gives exactly 1.0 per factor;
        ``x ** 2`` gives 2.0. Zero when the input is 0; NaN when ``y`` is 0.

        Returns
        -------
        pandas.Series
            Input name -> elasticity (unitless), in input order.
        """
        point, target = self._point(inputs), self._target(of)
        names = self.input_names
        scenario = {k: np.full(2 * len(names), v) for k, v in point.items()}
        for i, name in enumerate(names):
            scenario[name][2 * i] *= 1 + step
            scenario[name][2 * i + 1] *= 1 - step
        out = self.evaluate(scenario)[target].to_numpy()
        base = float(self.evaluate(point)[target])
        with np.errstate(divide="ignore", invalid="ignore"):
            el = (
                (out[0::2] - out[1::2]) / (2 * step) / base if base else np.full(len(names), np.nan)
            )
        el = np.where([point[n] == 0 for n in names], 0.0, el) if base else el
        return pd.Series(el, index=pd.Index(names, name="input"), name=f"elasticity of {target}")

    def sensitivity(
        self, inputs: Mapping[str, Any] | None = None, swing: float = 0.1, of: str | None = None
    ) -> pd.DataFrame:
        """The table behind a tornado chart: ``of`` at each input -swing and +swing.

        Parameters
        ----------
        swing : float
            Relative change of each input, share 0-1 (0.1 = ±10 %).

        Returns
        -------
        pandas.DataFrame
            One row per input, sorted by ``range`` (largest impact first):
            ``input``, ``actor``, ``low_input``, ``high_input``, ``low``,
            ``high`` (``of`` at each), ``base`` and ``range`` = ``|high - low|``.
        """
        if not 0 < float(swing) < 1:
            raise InputError(
                f"swing {swing} out of range", source="swing", expected="0 < swing < 1"
            )
        point, target = self._point(inputs), self._target(of)
        names = self.input_names
        scenario = {k: np.full(2 * len(names), v) for k, v in point.items()}
        for i, name in enumerate(names):
            scenario[name][2 * i] *= 1 - swing
            scenario[name][2 * i + 1] *= 1 + swing
        out = self.evaluate(scenario)[target].to_numpy()
        base = float(self.evaluate(point)[target])
        actors = self.drivers()
        table = pd.DataFrame(
            {
                "input": names,
                "actor": [actors.get(n, "") for n in names],
                "low_input": [point[n] * (1 - swing) for n in names],
                "high_input": [point[n] * (1 + swing) for n in names],
                "low": out[0::2],
                "high": out[1::2],
                "base": base,
            }
        )
        table["range"] = (table["high"] - table["low"]).abs()
        table = table.sort_values("range", ascending=False, kind="stable").reset_index(drop=True)
        table.attrs.update(of=target, swing=float(swing))
        return table

    def _changed(self, point: dict[str, float], changes: Mapping[str, float], how: str) -> dict:
        if how not in _HOW:
            raise InputError(f"unknown how {how!r}", source="how", expected=" or ".join(_HOW))
        unknown = sorted(set(changes) - set(self.input_names))
        if unknown:
            raise InputError(
                f"not inputs of the tree: {', '.join(unknown)}",
                source="changes",
                expected=", ".join(self.input_names),
            )
        after = dict(point)
        for name, value in changes.items():
            v = float(_number(value, name))
            after[name] = {"add": point[name] + v, "multiply": point[name] * v, "set": v}[how]
        return after

    def what_if(
        self,
        inputs: Mapping[str, Any] | None = None,
        changes: Mapping[str, float] | None = None,
        how: str = "add",
    ) -> pd.DataFrame:
        """Before, after and the change of every input and node.

        Parameters
        ----------
        changes : mapping
            Input -> change. ``how="add"`` adds it (``{"conversion": 0.005}``),
            ``"multiply"`` scales (``{"price": 1.1}`` = +10 %), ``"set"`` replaces.

        Returns
        -------
        pandas.DataFrame
            Index: inputs then nodes; columns ``before``, ``after``, ``delta``,
            ``delta_pct`` (percent; NaN where ``before`` is 0).
        """
        point = self._point(inputs)
        before = self.evaluate(point)
        after = self.evaluate(self._changed(point, changes or {}, how))
        table = pd.DataFrame({"before": before, "after": after})
        table["delta"] = table["after"] - table["before"]
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = table["delta"] / table["before"].abs() * 100
        table["delta_pct"] = pct.where(table["before"] != 0)
        return table

    def contributions(
        self,
        inputs: Mapping[str, Any] | None = None,
        changes: Mapping[str, float] | None = None,
        how: str = "add",
        of: str | None = None,
    ) -> pd.Series:
        """Each change's part of the move of ``of``, applied one after another.

        The parts sum exactly to the total change (the order of ``changes``
        matters when drivers interact). This is the data of a what-if waterfall.
        """
        point, target = self._point(inputs), self._target(of)
        current = dict(point)
        parts = {}
        last = float(self.evaluate(current)[target])
        for name, value in (changes or {}).items():
            current = self._changed(current, {name: value}, how)
            now = float(self.evaluate(current)[target])
            parts[name] = now - last
            last = now
        return pd.Series(parts, name=f"change of {target}", dtype=float)


def _columns(
    values: dict[str, Any],
    names: list[str],
    n: int,
    table: pd.DataFrame | None,
    nodes: set[str],
    given: set[int],
) -> dict[str, Any]:
    """The result's columns, each a float64 column of ``n`` rows, copied only where needed.

    A float64 column of the scenario table is passed on as that column
    (pandas' copy-on-write keeps the table and the result apart); a node's
    freshly computed array is used as it is, once; anything else (a scalar,
    an array the caller gave, a node that is an input or another node) is
    copied, so the result never shares writable memory with the caller.
    """
    floats = {} if table is None else {str(c): c for c in table.columns}
    out: dict[str, Any] = {}
    used: set[int] = set()
    for name in names:
        value = values[name]
        column = table[floats[name]] if name in floats else None
        if isinstance(column, pd.Series) and column.dtype == np.float64:
            out[name] = column
        elif np.ndim(value) == 0:
            out[name] = np.full(n, value, dtype=float)
        elif name in nodes and id(value) not in given | used and value.flags.owndata:
            out[name] = np.asarray(value, dtype=float)
        else:
            out[name] = np.array(value, dtype=float)
        used.add(id(value))
    return out


def _input_spec(name: str, spec: Any) -> InputSpec:
    if isinstance(spec, Mapping):
        unknown = set(spec) - set(InputSpec.__dataclass_fields__)
        if unknown:
            raise InputError(
                f"unknown fields {sorted(unknown)}",
                source=f"input '{name}'",
                expected="value, unit, min, max, actor, description, kind",
            )
        if "value" not in spec:
            raise InputError("missing 'value'", source=f"input '{name}'")
        if spec.get("kind", "estimated") not in FIGURE_KINDS:
            raise InputError(
                f"kind {spec['kind']!r}", source=f"input '{name}'", expected=", ".join(FIGURE_KINDS)
            )
        spec = dict(spec)
        spec["value"] = float(_number(spec["value"], name))
        return InputSpec(**spec)
    return InputSpec(value=float(_number(spec, name)))


def _read_yaml(path_or_text: str | Path, source: str | None) -> tuple[Any, str]:
    text = str(path_or_text)
    is_path = isinstance(path_or_text, Path) or (
        "\n" not in text and text.endswith((".yaml", ".yml"))
    )
    try:
        if is_path:
            source = source or str(path_or_text)
            text = Path(path_or_text).read_text(encoding="utf-8")
        return yaml.safe_load(text), source or "YAML text"
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"cannot read: {err}", source=source or "YAML text") from None

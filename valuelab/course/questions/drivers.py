"""Questions of ``exercises/01_value_drivers``: drivers, trees, elasticity, ROI, actors."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from valuelab.core import InputError
from valuelab.course.material import INITIATIVES, STATEMENTS
from valuelab.course.registry import close, expect, question
from valuelab.drivers import DriverTree, ValueDriverTemplate, roi

#: The exercise's title, as its notebook's first heading says it (feedback pages use it).
TITLE = "Exercise 1: value drivers and driver trees"

#: Q2: points at which the learner's tree is compared with the answer.
SHOP_POINTS = [
    {"visitors": 50_000, "conversion": 0.02, "aov": 60, "gross_margin": 0.4, "fixed_costs": 15_000},
    {"visitors": 80_000, "conversion": 0.03, "aov": 45, "gross_margin": 0.3, "fixed_costs": 20_000},
]
_SHOP_TREE = DriverTree.from_dict(
    {
        "orders": "visitors * conversion",
        "revenue": "orders * aov",
        "gross_profit": "revenue * gross_margin",
        "profit": "gross_profit - fixed_costs",
    }
)

_COURIERS = {
    "courier",
    "couriers",
    "rider",
    "riders",
    "delivery riders",
    "drivers",
    "delivery drivers",
}


def _normal(text: Any) -> str:
    return " ".join(str(text).lower().replace("_", " ").split())


@question(
    "drivers.q1",
    variable="labels",
    hint="A driver is a measurable input per actor; the NSM is the one measure of value "
    "delivered; a feature request is something to build; a value proposition is a promise.",
    kind="dict",
    accepts="a dict {statement: label}, each label one of: driver, nsm, feature request, "
    "value proposition",
)
def _q1(answer) -> bool:
    if not isinstance(answer, dict):
        return False
    return all(_normal(answer.get(k, "")) == v for k, v in STATEMENTS.items())


@question(
    "drivers.q2",
    variable="shop_tree",
    hint="`DriverTree.from_dict` with one formula per sentence; profit is the root. Input names: "
    "`visitors`, `conversion`, `aov`, `gross_margin`, `fixed_costs`.",
    kind="tree",
    accepts="a DriverTree (from `DriverTree.from_dict`) whose root is the profit",
)
def _q2(answer) -> bool:
    if not isinstance(answer, DriverTree):
        return False
    try:
        for point in SHOP_POINTS:
            got = float(answer.evaluate(point)[answer.root])
            if not close(got, float(_SHOP_TREE.evaluate(point)["profit"])):
                return False
    except (InputError, KeyError):
        return False
    return True


@expect(
    "drivers.q3",
    variable="elasticity_project_value",
    hint="`tree.elasticities()` of the marketplace template's tree, at its default inputs.",
    tol=0.005,
)
def _q3() -> float:
    tree = ValueDriverTemplate.load("marketplace_value_drivers.yaml").tree
    return float(tree.elasticities()["avg_project_value"])


def best_initiative() -> str:
    """Q4's answer: the initiative with the highest 24-month NPV at 8 % a year."""
    tree = ValueDriverTemplate.load("marketplace_value_drivers.yaml").tree
    npv = {
        name: roi(tree, change=change, cost=cost, months=24, discount_rate=0.08).npv
        for name, (change, cost) in INITIATIVES.items()
    }
    return max(npv, key=npv.get)


@question(
    "drivers.q4",
    variable="best",
    hint="`roi(tree, change=..., cost=..., months=24, discount_rate=0.08)` for each initiative; "
    "compare the NPVs.",
    kind="text",
)
def _q4(answer) -> bool:
    return _normal(answer) == best_initiative()


@question(
    "drivers.q5",
    variable="missing_actor",
    hint="Read the value drivers' metrics: who carries the food? That side gets no value "
    "driver because it is not in the actor list.",
    kind="text",
)
def _q5(answer) -> bool:
    return _normal(answer) in _COURIERS


@expect(
    "drivers.q6",
    variable="arpu_uplift_eur_m_year",
    hint="`tree.what_if(changes={'premium_arpu': 0.5})` on the Spotify template; the root is "
    "per month, the answer per year.",
    tol=0.5,
)
def _q6() -> float:
    tree = ValueDriverTemplate.load("spotify_value_drivers.yaml").tree
    return float(tree.what_if(changes={"premium_arpu": 0.5}).loc[tree.root, "delta"]) * 12


# The hidden check (drivers.h1) lives in ``_hidden.py``: in the repository, for the grader,
# and not in the wheel a learner installs (tests/test_packaging.py checks).
if importlib.util.find_spec("valuelab.course.questions._hidden"):
    importlib.import_module("valuelab.course.questions._hidden")

"""Value drivers and driver trees under a North Star Metric (lesson 01).

The formula language, the driver tree, the value driver template of a
platform's actors and the return on an initiative.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.drivers.formula import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    Formula,
)
from valuelab.drivers.roi import RoiResult, roi
from valuelab.drivers.template import LINKS, ROLES, Actor, Flow, ValueDriver, ValueDriverTemplate
from valuelab.drivers.tree import DriverTree, InputSpec

__all__ = [
    "FUNCTIONS",
    "LINKS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "ROLES",
    "Actor",
    "DriverTree",
    "Flow",
    "Formula",
    "InputSpec",
    "RoiResult",
    "ValueDriver",
    "ValueDriverTemplate",
    "roi",
]

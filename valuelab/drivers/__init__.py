"""Value drivers and driver trees under a North Star Metric (lesson 01).

The formula language, the driver tree, the value driver template of a
platform's actors and the return on an initiative.

References
----------
.. [1] The Product Web, "Identify your 'Value Drivers' today", The Product Web
   newsletter (Substack): actors, value drivers and the Value Drivers Template.
   https://theproductweb.substack.com/p/identify-your-value-drivers-today
.. [2] Amplitude, "The North Star Playbook": the North Star Metric and the input
   metrics that drive it. https://amplitude.com/north-star
.. [3] A. Burrows, "How to Define Value Drivers – a Simple Technique for Business
   Strategy and Performance Measurement", Supercharged Finance, 2018: the value
   driver tree. https://www.superchargedfinance.com/blog/how-to-define-value-drivers
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

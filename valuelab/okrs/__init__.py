"""OKRs and initiative priorities (lesson 04): key-result grades, RICE and ICE.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.okrs.key_results import (
    ALIGNMENT_TESTS,
    IMPACT_SCALE,
    SWEET_SPOT,
    alignment,
    grade,
    ice,
    key_results,
    load,
    rank,
    rice,
    roll_up,
)

__all__ = [
    "ALIGNMENT_TESTS",
    "IMPACT_SCALE",
    "SWEET_SPOT",
    "alignment",
    "grade",
    "ice",
    "key_results",
    "load",
    "rank",
    "rice",
    "roll_up",
]

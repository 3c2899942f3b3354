"""OKRs and initiative priorities (lesson 04): key-result grades by type, RICE and ICE.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.okrs.key_results import (
    DEFAULT_KR_TYPE,
    EXPECTED_GRADE,
    KR_TYPES,
    SWEET_SPOT,
    grade,
    key_results,
    load,
    roll_up,
    verdict,
)
from valuelab.okrs.priorities import (
    ALIGNMENT_LABELS,
    ALIGNMENT_TESTS,
    ICE_IMPACT,
    IMPACT_SCALE,
    alignment,
    ice,
    ice_confidence,
    rank,
    rice,
)

__all__ = [
    "ALIGNMENT_LABELS",
    "ALIGNMENT_TESTS",
    "DEFAULT_KR_TYPE",
    "EXPECTED_GRADE",
    "ICE_IMPACT",
    "IMPACT_SCALE",
    "KR_TYPES",
    "SWEET_SPOT",
    "alignment",
    "grade",
    "ice",
    "ice_confidence",
    "key_results",
    "load",
    "rank",
    "rice",
    "roll_up",
    "verdict",
]

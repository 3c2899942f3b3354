"""OKRs and initiative priorities (lesson 04): key-result grades, RICE and ICE.

References
----------
.. [1] Value Rebels, "What does it mean to deliver the right customer value?",
   Value Rebels blog: a product team's vision, KPIs, OKRs and initiatives, and
   the four things an initiative must do.
   https://www.valuerebels.com/post/what-does-it-mean-to-deliver-the-right-customer-value
.. [2] Google re:Work, "Set goals with OKRs" (guide): grades from 0.0 to 1.0, a
   sweet spot around 0.6-0.7.
   https://rework.withgoogle.com/guides/set-goals-with-okrs/steps/introduction/
.. [3] S. McBride, "RICE: Simple prioritization for product managers", Intercom
   blog, 2016. https://www.intercom.com/blog/rice-simple-prioritization-for-product-managers/
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

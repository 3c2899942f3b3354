"""The hidden checks: only the grader runs them, and only from the repository.

Not in the wheel (``pyproject.toml``'s wheel ``exclude``), so a learner who
installs valuelab cannot read them; inside ``valuelab course grade``'s sandbox
the whole ``questions`` folder is out of reach. Each topic module imports this
one at its end when it is there.
"""

from __future__ import annotations

from valuelab.course.questions.drivers import _SHOP_TREE
from valuelab.course.registry import close, question

#: A point the learner never sees: a tree built to hit the two public points fails here.
_HIDDEN_POINT = {
    "visitors": 12_345,
    "conversion": 0.037,
    "aov": 71.5,
    "gross_margin": 0.52,
    "fixed_costs": 9_876,
}


@question(
    "drivers.h1",
    variable="shop_tree",
    hint="Your tree must follow the description for any inputs, not just the examples.",
    hidden=True,
    kind="tree",
)
def _h1(answer) -> bool:
    got = float(answer.evaluate(_HIDDEN_POINT)[answer.root])
    return close(got, float(_SHOP_TREE.evaluate(_HIDDEN_POINT)["profit"]), rel=1e-9)

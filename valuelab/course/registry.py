"""The question registry: what a question is, how topics register one, learner variants.

Question modules (``valuelab/course/questions/<topic>.py``) register their
checks here with :func:`question`; :mod:`valuelab.course.checks` loads a
topic's module on first use and runs its checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Question", "close", "question", "set_variant", "variant_rng"]

_REGISTRY: dict[str, Question] = {}
_VARIANT = {"seed": 0}


def set_variant(seed: int) -> None:
    """Use the numbers of learner variant ``seed`` (0 = the numbers in the lesson text).

    A student notebook built with ``valuelab course build --learner-id ID``
    carries its variant in its parameters cell and calls this first; the
    questions then draw their numbers from :func:`variant_rng`, and the checks
    compute the expected answers of the same variant.
    """
    _VARIANT["seed"] = int(seed)


def variant_rng(key: str) -> np.random.Generator | None:
    """A generator for question ``key`` in the current variant, or None for variant 0.

    Examples
    --------
    >>> set_variant(7)
    >>> float(variant_rng("kpis.q1").random()) == float(variant_rng("kpis.q1").random())
    True
    >>> set_variant(0)
    >>> variant_rng("kpis.q1") is None
    True
    """
    import zlib

    seed = _VARIANT["seed"]
    if seed == 0:
        return None
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


@dataclass(frozen=True)
class Question:
    """One exercise question.

    Parameters
    ----------
    key : str
        ``"<topic>.<id>"``, e.g. ``"royalties.q1"``.
    variable : str
        Name of the notebook variable holding the learner's answer.
    verify : callable
        ``verify(answer) -> bool``; an exception counts as a wrong answer.
    hint : str
        Shown when the answer is wrong. Never the answer itself.
    points : float
        Weight when grading.
    hidden : bool
        Hidden checks run only at grading, never in the student notebook.
    """

    key: str
    variable: str
    verify: Callable[[Any], bool]
    hint: str
    points: float = 1.0
    hidden: bool = False

    @property
    def topic(self) -> str:
        """The part of the key before the dot."""
        return self.key.split(".", 1)[0]


def question(
    key: str, *, variable: str, hint: str, points: float = 1.0, hidden: bool = False
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Register ``verify`` as the check of question ``key`` (a decorator)."""

    def register(verify: Callable[[Any], bool]) -> Callable[[Any], bool]:
        _REGISTRY[key] = Question(key, variable, verify, hint, points, hidden)
        return verify

    return register


def close(answer: Any, expected: float, rel: float = 1e-3, abs_tol: float = 1e-9) -> bool:
    """Whether ``answer`` is a number within ``rel`` (relative) of ``expected``.

    Examples
    --------
    >>> close(0.6667, 2 / 3)
    True
    >>> close("0.67", 2 / 3)
    False
    """
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.integer | np.floating):
        return False
    return math.isclose(float(answer), float(expected), rel_tol=rel, abs_tol=abs_tol)

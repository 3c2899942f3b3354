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

__all__ = [
    "KINDS",
    "Question",
    "close",
    "expect",
    "question",
    "set_variant",
    "variant_rng",
    "within",
]

#: What a question's answer is: a number (with a tolerance), a whole number, a text, a list
#: of names (order-free), a dict, a driver tree, or a pair (a tuple of two values).
KINDS = ("number", "integer", "text", "names", "dict", "tree", "pair")

#: What each kind accepts, in words (a question may say more with ``accepts``).
ACCEPTS = {
    "integer": "a whole number; 12 and 12.0 both count",
    "text": "a text (str)",
    "names": "a list of names, in any order",
    "dict": "a dict",
    "tree": "a DriverTree",
    "pair": "a pair (a, b): a tuple of two values",
}

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
    kind : str
        One of :data:`KINDS`: what the check explains when the answer has the wrong type.
    tol : float, optional
        For numbers: the largest accepted distance from the expected value, in the
        answer's unit (half a unit of the last digit the lesson prints).
    accepts : str
        What is accepted, in words, when the kind's own words (:data:`ACCEPTS`) say too
        little, e.g. "a dict {statement: label}".
    """

    key: str
    variable: str
    verify: Callable[[Any], bool]
    hint: str
    points: float = 1.0
    hidden: bool = False
    kind: str = "number"
    tol: float | None = None
    accepts: str = ""

    @property
    def topic(self) -> str:
        """The part of the key before the dot."""
        return self.key.split(".", 1)[0]

    @property
    def rule(self) -> str:
        """What is accepted, in words (shown with the hint), e.g. "answers within ±0.05 pass".

        Examples
        --------
        >>> Question("a.q1", "x", bool, "h", kind="number", tol=0.05).rule
        'a number; answers within ±0.05 pass, so 1 decimal is enough'
        >>> Question("a.q2", "x", bool, "h", kind="integer").rule
        'a whole number; 12 and 12.0 both count'
        >>> Question("a.q3", "x", bool, "h", kind="pair", tol=0.005).rule
        'a pair (a, b): a tuple of two values; each within ±0.005 passes, so 2 decimals are enough'
        """
        words = self.accepts or ACCEPTS.get(self.kind, "")
        if not self.tol:
            return words
        if self.kind == "number":
            return f"a number; answers within ±{self.tol:g} pass, so {_enough(self.tol)}"
        return f"{words}; each within ±{self.tol:g} passes, so {_enough(self.tol)}"


def _enough(tol: float) -> str:
    """How rounded an answer may be for a tolerance, as a clause.

    Examples
    --------
    >>> _enough(0.005), _enough(0.05)
    ('2 decimals are enough', '1 decimal is enough')
    >>> _enough(0.5), _enough(50)
    ('a whole number is enough', 'rounding to the nearest 100 is fine')
    """
    step = 2 * tol
    if step >= 10:
        return f"rounding to the nearest {step:,.0f} is fine"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if decimals == 0:
        return "a whole number is enough"
    return f"{decimals} decimal{'s are' if decimals > 1 else ' is'} enough"


def question(
    key: str,
    *,
    variable: str,
    hint: str,
    points: float = 1.0,
    hidden: bool = False,
    kind: str,
    tol: float | None = None,
    accepts: str = "",
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Register ``verify`` as the check of question ``key`` (a decorator).

    ``kind``, ``tol`` and ``accepts`` are described in :class:`Question`; a check whose
    answer is a pair of numbers reads its own ``tol`` (see :func:`within`).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")

    def register(verify: Callable[[Any], bool]) -> Callable[[Any], bool]:
        _REGISTRY[key] = Question(key, variable, verify, hint, points, hidden, kind, tol, accepts)
        return verify

    return register


def expect(
    key: str,
    *,
    variable: str,
    hint: str,
    tol: float | None = None,
    kind: str = "number",
    points: float = 1.0,
    hidden: bool = False,
    accepts: str = "",
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register a question whose decorated function returns the expected value.

    A number passes when it is within ``tol`` of it (:func:`within`); a whole number
    (``kind="integer"``) or a text (``kind="text"``) when it equals it.

    Examples
    --------
    >>> @expect("doc.q1", variable="x", hint="Two thirds.", tol=0.005)
    ... def _doc():
    ...     return 2 / 3
    >>> _REGISTRY["doc.q1"].verify(0.67), _REGISTRY["doc.q1"].verify(0.66)
    (True, False)
    >>> del _REGISTRY["doc.q1"]
    """
    if kind == "number" and tol is None:
        raise ValueError(f"{key}: a number question declares its tolerance (tol)")

    def register(expected: Callable[[], Any]) -> Callable[[], Any]:
        def verify(answer: Any) -> bool:
            if kind == "number":
                return within(answer, float(expected()), tol)
            return answer == expected()

        options = {"points": points, "hidden": hidden, "kind": kind, "tol": tol}
        question(key, variable=variable, hint=hint, accepts=accepts, **options)(verify)
        return expected

    return register


def within(answer: Any, expected: float, tol: float | None) -> bool:
    """Whether ``answer`` is a number at most ``tol`` from ``expected`` (rounding allowed).

    Examples
    --------
    >>> within(8.1, 8.0789, 0.05), within(0.88, 0.8817, 0.005), within(8.2, 8.0789, 0.05)
    (True, True, False)
    >>> within("8.08", 8.0789, 0.05)
    False
    """
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.integer | np.floating):
        return False
    return math.isfinite(float(answer)) and abs(float(answer) - float(expected)) <= (
        (tol or 0.0) * (1 + 1e-9) + 1e-12
    )


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

"""Self-checks for the exercises: ``check("royalties.q1", answer)``.

Each topic registers its questions in ``valuelab/questions/<topic>.py`` with
the :func:`question` decorator: a key, the notebook variable that holds the
learner's answer, a hint and a ``verify(answer) -> bool`` function. A check
prints a short pass/fail message with the hint and returns a bool; it never
shows the expected value.

Examples
--------
>>> from valuelab.exercises import check
>>> check("start.q1", 15673, quiet=True)
True
>>> check("start.q1", 1, quiet=True)
False
"""

from __future__ import annotations

import difflib
import importlib
import math
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valuelab import questions as _questions_pkg
from valuelab.errors import InputError

__all__ = [
    "Question",
    "check",
    "close",
    "grade_namespace",
    "question",
    "questions",
    "set_variant",
    "variant_rng",
]

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


def topics() -> list[str]:
    """Topics that have questions (modules of :mod:`valuelab.questions`)."""
    return sorted(m.name for m in pkgutil.iter_modules(_questions_pkg.__path__))


def _load_topic(topic: str) -> None:
    if topic not in topics():
        raise InputError(
            f"unknown exercise topic '{topic}'",
            source="check",
            expected="one of " + ", ".join(topics()),
        )
    importlib.import_module(f"valuelab.questions.{topic}")


def questions(topic: str) -> list[Question]:
    """The questions of a topic, in key order."""
    _load_topic(topic)
    return sorted((q for q in _REGISTRY.values() if q.topic == topic), key=lambda q: q.key)


def _get(key: str) -> Question:
    _load_topic(key.split(".", 1)[0])
    if key not in _REGISTRY:
        close_keys = difflib.get_close_matches(key, list(_REGISTRY), n=1)
        hint = f"; did you mean '{close_keys[0]}'?" if close_keys else ""
        raise InputError(f"unknown question '{key}'{hint}", source="check")
    return _REGISTRY[key]


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


def _run(q: Question, answer: Any) -> bool:
    if answer is Ellipsis or answer is None:
        return False
    try:
        return bool(q.verify(answer))
    except Exception:  # a learner's odd answer is a wrong answer, not a crash
        return False


class _Checker:
    """Callable checker; ``check.all(namespace)`` summarises a notebook."""

    def __call__(self, key: str, answer: Any, *, quiet: bool = False) -> bool:
        """Check one answer, print a short message, return whether it passed.

        Parameters
        ----------
        key : str
            The question, e.g. ``"royalties.q1"``.
        answer : object
            The learner's answer.
        quiet : bool
            Return the result without printing.
        """
        q = _get(key)
        if q.hidden:
            raise InputError(
                f"'{key}' is a hidden check", source="check", expected="it runs only at grading"
            )
        ok = _run(q, answer)
        if not quiet:
            if ok:
                print(f"✅ {key}: correct.")
            elif answer is Ellipsis or answer is None:
                print(f"⬜ {key}: no answer yet. Hint: {q.hint}")
            else:
                print(f"❌ {key}: not yet. Hint: {q.hint}")
        return ok

    def all(
        self, namespace: Mapping[str, Any], topic: str | None = None, *, quiet: bool = False
    ) -> pd.DataFrame:
        """Check every public question of a topic against a notebook's variables.

        Parameters
        ----------
        namespace : mapping
            Usually ``globals()`` of the notebook.
        topic : str, optional
            The topic; inferred from the variables present when omitted.
        quiet : bool
            Return the table without printing the summary.

        Returns
        -------
        pandas.DataFrame
            One row per question: ``question``, ``variable``, ``passed``,
            ``points`` (earned) and ``max_points``.
        """
        if topic is None:
            found = {
                t: sum(q.variable in namespace for q in questions(t) if not q.hidden)
                for t in topics()
            }
            topic = max(found, key=lambda t: found[t])
            if found[topic] == 0:
                raise InputError(
                    "no answer variables found", source="check.all", expected="a topic argument"
                )
        rows = []
        for q in questions(topic):
            if q.hidden:
                continue
            ok = _run(q, namespace.get(q.variable))
            rows.append(
                {
                    "question": q.key,
                    "variable": q.variable,
                    "passed": ok,
                    "points": q.points if ok else 0.0,
                    "max_points": q.points,
                    "hint": "" if ok else q.hint,
                }
            )
        table = pd.DataFrame(rows)
        if not quiet:
            n_ok = int(table["passed"].sum())
            print(f"{topic}: {n_ok}/{len(table)} passed")
            for r in table.itertuples():
                print(f"  {'✅' if r.passed else '❌'} {r.question} ({r.variable})")
        return table


check = _Checker()


def grade_namespace(namespace: Mapping[str, Any], topic: str) -> pd.DataFrame:
    """Every question of ``topic``, public and hidden, against a notebook's variables.

    Used by ``valuelab course grade`` inside the executed submission; the
    table carries messages (pass, no answer, hint) but never expected values.
    """
    rows = []
    for q in questions(topic):
        answer = namespace.get(q.variable, None)
        ok = _run(q, answer)
        if ok:
            message = "correct"
        elif answer is None or answer is Ellipsis:
            message = "no answer" if not q.hidden else "hidden check: no answer"
        else:
            message = ("hidden check failed" if q.hidden else "not yet") + f". Hint: {q.hint}"
        rows.append(
            {
                "question": q.key,
                "hidden": q.hidden,
                "passed": ok,
                "points": q.points if ok else 0.0,
                "max_points": q.points,
                "message": message,
            }
        )
    return pd.DataFrame(rows)

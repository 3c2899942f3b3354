"""Self-checks for the exercises: ``check("royalties.q1", answer)``.

Each topic registers its questions in ``valuelab/course/questions/<topic>.py``
with the :func:`~valuelab.course.registry.question` decorator: a key, the
notebook variable that holds the learner's answer, a hint and a
``verify(answer) -> bool`` function. A check prints a short pass/fail message
with the hint and returns a bool; it never shows the expected value.

Examples
--------
>>> from valuelab.course import check
>>> check("start.q1", 15673, quiet=True)
True
>>> check("start.q1", 1, quiet=True)
False
"""

from __future__ import annotations

import difflib
import importlib
import os
import pkgutil
from collections.abc import Mapping
from typing import Any

import pandas as pd

import valuelab.course.questions as _questions_pkg
from valuelab.core import InputError
from valuelab.course.registry import _REGISTRY, Question

__all__ = ["check", "grade_namespace", "questions", "topics"]


def topics() -> list[str]:
    """Topics that have questions (modules of :mod:`valuelab.course.questions`)."""
    found = pkgutil.iter_modules(_questions_pkg.__path__)
    return sorted(m.name for m in found if not m.name.startswith("_"))  # _hidden: no topic


def _load_topic(topic: str) -> None:
    if topic not in topics():
        raise InputError(
            f"unknown exercise topic '{topic}'",
            source="check",
            expected="one of " + ", ".join(topics()),
        )
    importlib.import_module(f"valuelab.course.questions.{topic}")


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


def _run(q: Question, answer: Any) -> bool:
    if answer is Ellipsis or answer is None:
        return False
    try:
        return bool(q.verify(answer))
    except Exception:  # a learner's odd answer is a wrong answer, not a crash
        return False


def _in_sandbox() -> bool:
    """Inside ``valuelab course grade``'s sandbox the questions are out of reach: checks wait."""
    return os.environ.get("VALUELAB_GRADING") == "sandbox"


class _Checker:
    """Callable checker; ``check.all(namespace)`` summarises a notebook."""

    def __call__(self, key: str, answer: Any, *, quiet: bool = False) -> bool:
        """Check one answer, print a short message, return whether it passed.

        Inside ``valuelab course grade``'s sandbox it does nothing and returns
        None: the grader checks the answers outside.

        Parameters
        ----------
        key : str
            The question, e.g. ``"royalties.q1"``.
        answer : object
            The learner's answer.
        quiet : bool
            Return the result without printing.
        """
        if _in_sandbox():
            return None
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
        if _in_sandbox():
            return pd.DataFrame(columns=["question", "variable", "passed", "points", "max_points"])
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

    Used by ``valuelab course grade`` on the answers a sandboxed submission returned; the
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

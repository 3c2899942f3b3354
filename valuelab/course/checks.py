"""Self-checks for the exercises: ``check("royalties.q1", answer)``.

Each topic registers its questions in ``valuelab/course/questions/<topic>.py``
with the :func:`~valuelab.course.registry.question` or
:func:`~valuelab.course.registry.expect` decorator: a key, the notebook
variable that holds the learner's answer, a hint, the kind of answer and, for
numbers, the tolerance. A check returns a :class:`Checked`, which a notebook
shows as one line (pass, no answer yet, a type problem, or not yet with the
hint and what is accepted); it never shows the expected value. A one-element
Series or array counts as the value it holds.

Examples
--------
>>> from valuelab.course import check
>>> check("start.q1", 15673)
✅ start.q1: correct.
>>> check("start.q3", "8.08")
❌ start.q3: expected a number, got the text '8.08' (write 8.08, without quotes).
>>> check("start.q1", 1, quiet=True)
False
"""

from __future__ import annotations

import difflib
import importlib
import math
import os
import pkgutil
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

import valuelab.course.questions as _questions_pkg
from valuelab.core import InputError
from valuelab.course.registry import _REGISTRY, ACCEPTS, Question

__all__ = [
    "CheckError",
    "Checked",
    "Summary",
    "check",
    "grade_namespace",
    "questions",
    "title",
    "topics",
]


class CheckError(InputError):
    """A check that cannot run (unknown question or topic): one line in a notebook.

    IPython shows an exception through its ``_render_traceback_`` when it has
    one, so a notebook prints this message alone, with no traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def topics() -> list[str]:
    """Topics that have questions (modules of :mod:`valuelab.course.questions`)."""
    found = pkgutil.iter_modules(_questions_pkg.__path__)
    return sorted(m.name for m in found if not m.name.startswith("_"))  # _hidden: no topic


def _load_topic(topic: str) -> None:
    if topic not in topics():
        close_topics = difflib.get_close_matches(topic, topics(), n=1)
        hint = f"; did you mean '{close_topics[0]}'?" if close_topics else ""
        raise CheckError(
            f"unknown exercise topic '{topic}'{hint}",
            source="check",
            expected="one of " + ", ".join(topics()),
        )
    importlib.import_module(f"valuelab.course.questions.{topic}")


def title(topic: str) -> str:
    """The exercise's title for a topic, e.g. ``"Exercise 3: KPIs and their trade-offs"``."""
    _load_topic(topic)
    return str(
        getattr(importlib.import_module(f"valuelab.course.questions.{topic}"), "TITLE", topic)
    )


def questions(topic: str) -> list[Question]:
    """The questions of a topic, in key order."""
    _load_topic(topic)
    return sorted((q for q in _REGISTRY.values() if q.topic == topic), key=lambda q: q.key)


def _get(key: str) -> Question:
    _load_topic(key.split(".", 1)[0])
    if key not in _REGISTRY:
        close_keys = difflib.get_close_matches(key, list(_REGISTRY), n=1)
        hint = f"; did you mean '{close_keys[0]}'?" if close_keys else ""
        raise CheckError(f"unknown question '{key}'{hint}", source="check")
    return _REGISTRY[key]


def _unanswered(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _describe(value: Any) -> str:
    """A learner's value in words: "the text '8.08'", "2021.9", "a list of 3 items"."""
    if isinstance(value, str):
        return f"the text {value[:40]!r}" + ("…" if len(value) > 40 else "")
    if isinstance(value, bool | np.bool_):
        return f"{bool(value)} (a yes/no value)"
    if isinstance(value, int | float | np.integer | np.floating):
        return f"{value!r}" if not isinstance(value, np.generic) else f"{value.item()!r}"
    if isinstance(value, pd.Series | pd.DataFrame | np.ndarray):
        return f"a {type(value).__name__} of {value.size} values"
    if isinstance(value, list | tuple | set | dict):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def _unwrap(answer: Any) -> Any:
    """A one-element Series, DataFrame or array stands for the value it holds."""
    if isinstance(answer, pd.Series | pd.DataFrame) and answer.size == 1:
        answer = answer.to_numpy().reshape(-1)[0]
    elif isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(-1)[0]
    return answer.item() if isinstance(answer, np.generic) else answer


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_number(text: str) -> str:
    """How to write a text that holds a number as Python: "15,673" -> "15673", else ""."""
    bare = "".join(text.split()).replace(",", "").replace("_", "")
    try:
        number = float(bare)
    except ValueError:
        return ""
    return f"{int(number)}" if number.is_integer() and "." not in bare else bare


def _typed_collection(q: Question, value: Any) -> str:
    """Why ``value`` is not the collection the question asks for ("" when it is)."""
    want = q.accepts or ACCEPTS[q.kind]
    if q.kind == "names":
        if isinstance(value, pd.Series | pd.Index | np.ndarray):
            value = list(value)
        if isinstance(value, str):
            return f"expected {want}, got {_describe(value)}: put it in a list, ['{value}', ...]"
        if not isinstance(value, list | tuple | set):
            return f"expected {want}, got {_describe(value)}"
        odd = [v for v in value if not isinstance(v, str)]
        return f"expected {want}, got a list holding {_describe(odd[0])}, not a text" if odd else ""
    if q.kind == "dict":
        return "" if isinstance(value, dict) else f"expected {want}, got {_describe(value)}"
    if q.kind == "tree":
        return (
            ""
            if type(value).__name__ == "DriverTree"
            else f"expected {want}, got {_describe(value)}"
        )
    if not isinstance(value, tuple | list) or len(value) != 2:  # a pair
        return f"expected {want}, got {_describe(value)}"
    return ""


def _typed(q: Question, answer: Any) -> tuple[Any, str]:
    """The answer as the question's kind, or a sentence saying why it is not one."""
    if q.kind not in ("number", "integer", "text"):
        if q.kind == "names" and isinstance(answer, pd.Series | pd.Index | np.ndarray):
            answer = list(answer)
        return answer, _typed_collection(q, answer)
    value = _unwrap(answer)
    if q.kind == "text":
        return (
            (value, "")
            if isinstance(value, str)
            else (value, f"expected a text (str), got {_describe(value)}")
        )
    want = "a number" if q.kind == "number" else "a whole number"
    if isinstance(value, str):
        written = _as_number(value)
        advice = f" (write {written}, without quotes)" if written else ""
        return value, f"expected {want}, got {_describe(value)}{advice}"
    if isinstance(value, pd.Series | pd.DataFrame | np.ndarray | list | tuple | set):
        return value, f"expected {want}, got {_describe(value)}: pick the one value you mean"
    if not _is_number(value):
        return value, f"expected {want}, got {_describe(value)}"
    if not math.isfinite(value):
        return value, f"expected {want}, got {value!r}"
    if q.kind == "integer":
        if float(value) != int(value):
            return value, f"expected {want}, got {value!r}"
        value = int(value)
    return value, ""


def _run(q: Question, answer: Any) -> tuple[bool, str]:
    """Whether ``answer`` passes, and the type problem that made it fail ("" if none)."""
    if _unanswered(answer):
        return False, ""
    value, problem = _typed(q, answer)
    if problem:
        return False, problem
    try:
        return bool(q.verify(value)), ""
    except Exception:  # a learner's odd answer is a wrong answer, not a crash
        return False, ""


def _advice(q: Question) -> str:
    """The hint and what is accepted."""
    return f"Hint: {q.hint}" + (f" Accepted: {q.rule}." if q.rule else "")


def _scale(q: Question, answer: Any) -> str:
    """A percentage given for a share (45 for 0.45), or a share for a percentage: in words."""
    value = _unwrap(answer)
    if q.kind != "number" or not _is_number(value) or not math.isfinite(value) or value == 0:
        return ""
    try:
        if 1 < abs(value) <= 100 and q.verify(value / 100):
            return "this looks like a percentage; the answer is a share 0-1 (45 % is 0.45). "
        if abs(value) <= 1 and q.verify(value * 100):
            return "this looks like a share; the answer is in percent (0.45 is 45). "
    except Exception:  # an odd answer is just a wrong one
        return ""
    return ""


def _message(q: Question, answer: Any, ok: bool, problem: str) -> str:
    """The one-line verdict, without the mark."""
    if ok:
        return "correct."
    if _unanswered(answer):
        return f"no answer yet. {_advice(q)}"
    if problem:
        return f"{problem}."
    scale = _scale(q, answer)
    return f"not yet: {scale}{_advice(q)}" if scale else f"not yet. {_advice(q)}"


def _mark(ok: bool, answer: Any) -> str:
    return "✅" if ok else ("⬜" if _unanswered(answer) else "❌")


def _in_sandbox() -> bool:
    """Inside ``valuelab course grade``'s sandbox the questions are out of reach: checks wait."""
    return os.environ.get("VALUELAB_GRADING") == "sandbox"


class Checked:
    """One check's verdict: true when passed; a notebook shows it as its message.

    Attributes
    ----------
    passed : bool
        Whether the answer passed.
    message : str
        The line a notebook shows, e.g. ``"✅ start.q1: correct."``.
    """

    def __init__(self, passed: bool, message: str) -> None:
        self.passed, self.message = passed, message

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Checked):
            return (self.passed, self.message) == (other.passed, other.message)
        return self.passed == other if isinstance(other, bool) else NotImplemented

    def __hash__(self) -> int:
        return hash((self.passed, self.message))

    def __repr__(self) -> str:
        return self.message


class Summary:
    """``check.all``'s result: one table, shown once (``.table`` holds it as a DataFrame)."""

    def __init__(self, topic: str, table: pd.DataFrame) -> None:
        self.topic, self.table = topic, table

    def __repr__(self) -> str:
        t = self.table
        lines = [f"{self.topic}: {int(t['passed'].sum())}/{len(t)} passed"]
        qw = max((len(q) for q in t["question"]), default=0)
        vw = max((len(v) + 2 for v in t["variable"]), default=0)
        for r in t.itertuples():
            name = f"`{r.variable}`"  # the notebook's variable: code, so a code span
            lines.append(f"  {r.mark} {r.question:<{qw}}  {name:<{vw}}  {r.status}")
        return "\n".join(lines)


class _Checker:
    """Callable checker; ``check.all(namespace)`` summarises a notebook."""

    def __call__(self, key: str, answer: Any, *, quiet: bool = False) -> Checked | bool | None:
        """Check one answer; the result shows as one line in a notebook.

        Inside ``valuelab course grade``'s sandbox it does nothing and returns
        None: the grader checks the answers outside.

        Parameters
        ----------
        key : str
            The question, e.g. ``"royalties.q1"``.
        answer : object
            The learner's answer; a one-element Series or array counts as its value.
        quiet : bool
            Return a plain bool instead of a :class:`Checked`.

        Raises
        ------
        CheckError
            An unknown or hidden question (one line, with the closest key).
        """
        if _in_sandbox():
            return None
        q = _get(key)
        if q.hidden:
            raise CheckError(
                f"'{key}' is a hidden check", source="check", expected="it runs only at grading"
            )
        ok, problem = _run(q, answer)
        if quiet:
            return ok
        return Checked(ok, f"{_mark(ok, answer)} {key}: {_message(q, answer, ok, problem)}")

    def all(self, namespace: Mapping[str, Any], topic: str | None = None) -> Summary:
        """Check every public question of a topic against a notebook's variables.

        Parameters
        ----------
        namespace : mapping
            Usually ``globals()`` of the notebook.
        topic : str, optional
            The topic; inferred from the variables present when omitted.

        Returns
        -------
        Summary
            Shown as one table (✅ passed, ❌ not yet, ⬜ no answer yet); its
            ``table`` has one row per question: ``question``, ``variable``,
            ``passed``, ``mark``, ``status``, ``points`` (earned) and ``max_points``.
        """
        if _in_sandbox():
            return Summary(topic or "", pd.DataFrame(columns=_SUMMARY_COLUMNS))
        topic = topic or _guess_topic(namespace)
        rows = []
        for q in questions(topic):
            if q.hidden:
                continue
            answer = namespace.get(q.variable)
            ok, problem = _run(q, answer)
            status = problem or _message(q, answer, ok, problem).split(".", 1)[0].split(":")[0]
            rows.append(
                {
                    "question": q.key,
                    "variable": q.variable,
                    "passed": ok,
                    "mark": _mark(ok, answer),
                    "status": status,
                    "points": q.points if ok else 0.0,
                    "max_points": q.points,
                }
            )
        return Summary(topic, pd.DataFrame(rows, columns=_SUMMARY_COLUMNS))


_SUMMARY_COLUMNS = ["question", "variable", "passed", "mark", "status", "points", "max_points"]


def _guess_topic(namespace: Mapping[str, Any]) -> str:
    found = {
        t: sum(q.variable in namespace for q in questions(t) if not q.hidden) for t in topics()
    }
    topic = max(found, key=lambda t: found[t])
    if found[topic] == 0:
        raise CheckError(
            "no answer variables found", source="check.all", expected="a topic argument"
        )
    return topic


check = _Checker()


def grade_namespace(namespace: Mapping[str, Any], topic: str) -> pd.DataFrame:
    """Every question of ``topic``, public and hidden, against a notebook's variables.

    Used by ``valuelab course grade`` on the answers a sandboxed submission returned; the
    table carries messages (pass, no answer, type problem, hint) but never expected values.
    """
    rows = []
    for q in questions(topic):
        answer = namespace.get(q.variable, None)
        ok, problem = _run(q, answer)
        message = _message(q, answer, ok, problem)
        if q.hidden and not ok:
            message = "hidden check: " + message
        rows.append(
            {
                "question": q.key,
                "variable": q.variable,
                "hidden": q.hidden,
                "passed": ok,
                "answered": not _unanswered(answer),
                "points": q.points if ok else 0.0,
                "max_points": q.points,
                "message": message,
            }
        )
    return pd.DataFrame(rows)

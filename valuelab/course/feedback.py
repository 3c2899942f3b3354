"""What a graded learner reads: one page for all their notebooks, in plain words.

:func:`page` renders ``feedback/<learner>.html`` from the rows
:mod:`valuelab.course.grading` produced: one section per notebook, titled with
the exercise's name, its points, what stopped (the cell, the limit and what to
do) and each question's message and hint; never an expected value. The
sentence helpers (:func:`timeout_note`, :func:`error_note`...) say what went
wrong with a cell or a file and what to do about it. Everything a learner
controls (ids, file names, cell text, error messages) is escaped.

Examples
--------
>>> timeout_note("cell 5 (`while True:`)", 60)[:68]
'cell 5 (`while True:`) ran longer than the 60 s limit per cell and w'
"""

from __future__ import annotations

import html
from typing import Any

__all__ = [
    "cell_label",
    "dead_kernel_note",
    "error_note",
    "page",
    "timeout_note",
    "unreadable_note",
]

#: What a learner does after fixing a cell.
_AGAIN = "run the whole notebook again (Kernel → Restart Kernel and Run All Cells) and resubmit it"


def cell_label(number: int, source: str) -> str:
    """A cell as a learner finds it: its number in the notebook and its first line.

    Examples
    --------
    >>> cell_label(5, "while True:\\n    pass")
    'cell 5 (`while True:`)'
    """
    lines = [line.strip() for line in str(source).splitlines() if line.strip()]
    first = lines[0] if lines else ""
    first = first if len(first) <= 40 else first[:39] + "…"
    return f"cell {number} (`{first}`)" if first else f"cell {number}"


def timeout_note(cell: str, timeout: int) -> str:
    """A cell stopped by the per-cell time limit."""
    return (
        f"{cell} ran longer than the {timeout} s limit per cell and was stopped, so the "
        f"answers it computes are missing. Make it faster (or end its loop), {_AGAIN}."
    )


def dead_kernel_note(cell: str) -> str:
    """A cell that stopped the kernel (a crash, or memory beyond the limit)."""
    return (
        f"{cell} stopped the Python kernel (a crash, or more memory than the limit allows), "
        f"so the answers it computes are missing. Make it use less memory, {_AGAIN}."
    )


def error_note(cell: str, error: str) -> str:
    """A cell that raised an error."""
    return f"{cell} raised {error}. Fix it in your notebook, {_AGAIN}."


def unreadable_note(name: str, why: str) -> str:
    """A file the grader could not use: ``why`` is one of ``big``, ``damaged``, ``not_exercise``.

    Examples
    --------
    >>> unreadable_note("ada.ipynb", "damaged")[:52]
    'ada.ipynb could not be opened as a Jupyter notebook:'
    """
    if why == "big":
        return (
            f"{name} is too big to grade (over 20 MB): clear its outputs (Edit → Clear Outputs "
            "of All Cells), save it and resubmit it."
        )
    if why == "not_exercise":
        return (
            f"{name} has no check(...) calls, so it is not one of the course's exercises: "
            "submit the exercise notebook you were handed."
        )
    return (
        f"{name} could not be opened as a Jupyter notebook: the file is damaged or is another "
        "kind of file. Download it again from Jupyter (File → Download) and resubmit that file."
    )


def _mark(result: dict[str, Any]) -> str:
    if result["passed"]:
        return "✅"
    return "❌" if result.get("answered", True) else "⬜"


def _section(row: dict[str, Any]) -> str:
    e = html.escape
    items = "".join(
        f"<li>{_mark(r)} {e(r['question'])}{' (hidden check)' if r['hidden'] else ''}: "
        f"{e(r['message'])} — {r['points']:g}/{r['max_points']:g}</li>"
        for r in row["results"]
    )
    points = sum(r["points"] for r in row["results"])
    best = sum(r["max_points"] for r in row["results"])
    notes = "".join(f"<li>{e(n)}</li>" for n in row.get("notes", []))
    notes = f"<div class='notes'><b>What stopped</b><ul>{notes}</ul></div>" if notes else ""
    score = f" — {points:g} / {best:g} points" if row["results"] else " — not graded"
    scope = row.get("note", "").replace("this copy", "your copy")
    scope = f"<p class='scope'>{e(scope[:1].upper() + scope[1:])}.</p>" if scope else ""
    return (
        f"<section><h2>{e(row.get('title') or row['notebook'])}</h2>"
        f"<p>Notebook: {e(row['notebook'])}{score}</p>{scope}{notes}<ul>{items}</ul></section>"
    )


def _summary(rows: list[dict[str, Any]]) -> str:
    """The page's score line: "4 of 8 points over 2 notebooks.", "Not graded." or both."""
    graded = [row for row in rows if row["results"]]
    points = sum(r["points"] for row in graded for r in row["results"])
    best = sum(r["max_points"] for row in graded for r in row["results"])
    plural = "s" * (len(graded) != 1)
    text = f"{points:g} of {best:g} points over {len(graded)} notebook{plural}." if graded else ""
    missing = len(rows) - len(graded)
    if missing and graded:
        text += f" {missing} notebook{'s' * (missing != 1)} not graded."
    return text or "Not graded."


def page(learner: str, rows: list[dict[str, Any]]) -> str:
    """One learner's page: a section per notebook (see the module docstring)."""
    e = html.escape
    names = ", ".join(dict.fromkeys(str(row.get("title") or row["notebook"]) for row in rows))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Feedback for {e(learner)}: {e(names)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:800px}li{margin:.4em 0}"
        ".notes{background:#fff4e5;border-left:4px solid #e08a00;padding:.2em 1em}"
        f"</style></head><body><h1>Feedback for {e(learner)}</h1>"
        f"<p>{_summary(rows)} ✅ correct, ❌ not yet, ⬜ no answer.</p>"
        f"{''.join(_section(r) for r in rows)}</body></html>"
    )

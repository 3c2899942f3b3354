"""Grading that learners cannot cheat: each submission sandboxed, its answers checked outside.

``valuelab course grade SUBMISSIONS --out GRADES`` (:func:`grade`):

1. **Layout.** ``SUBMISSIONS`` holds one notebook per learner named by the
   learner id (``ada.ipynb``), or one folder per learner holding their
   notebooks (``ada/03_kpis.ipynb``). The same id both ways (``ada.ipynb``
   beside ``ada/``) is an error naming both; other files are ignored.
2. **Run.** Each notebook runs in its own fresh process, inside bubblewrap
   (:mod:`valuelab.course.sandbox`), in an empty working folder holding only
   the notebook, with its ``variant`` parameter set from the learner id
   (:func:`~valuelab.course.copies.learner_variant`), never from the notebook.
   A cell that runs over ``timeout`` is interrupted and the notebook goes on
   in a fresh kernel without it (:mod:`valuelab.course.runner`).
3. **Check.** Only the values of the topic's answer variables come back, as
   JSON (:mod:`valuelab.course.values`); the grader runs every public and
   hidden check on them with the learner's variant.
4. **Write.** ``grades.csv`` (one row per notebook; text cells that a
   spreadsheet would read as a formula are neutralised) and
   ``feedback/<learner>.html`` (every notebook of the learner: messages and
   hints, never expected values). A looping, crashing or unreadable
   submission gets its row; the others are graded; the table is always written.
"""

from __future__ import annotations

import csv
import html
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from valuelab.core import InputError
from valuelab.course import sandbox, values
from valuelab.course.checks import grade_namespace, questions
from valuelab.course.copies import learner_variant
from valuelab.course.registry import set_variant
from valuelab.reports import write_atomic

__all__ = ["COLUMNS", "Submission", "find_submissions", "grade", "safe_cell"]

#: The columns of ``grades.csv``.
COLUMNS = ["learner", "notebook", "topic", "points", "max_points", "percent", "status", "error"]
#: A submitted notebook larger than this is not read.
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
_CHECK = re.compile(r"""check\(\s*["']([\w.]+)["']""")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Submission:
    """One notebook to grade: whose it is and where it lies."""

    learner: str
    path: Path


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: ``'`` before a leading ``= + - @`` tab or CR.

    Examples
    --------
    >>> safe_cell("=HYPERLINK(1)"), safe_cell("ada"), safe_cell(-1.5)
    ("'=HYPERLINK(1)", 'ada', -1.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.ipynb") if p.is_file())


def find_submissions(folder: str | Path) -> list[Submission]:
    """The notebooks of ``folder`` by learner (see the module docstring for the layout).

    Raises
    ------
    InputError
        When the folder holds no notebook, or one learner id is both a
        notebook and a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder", source=str(folder), expected="a folder of notebooks")
    found = [Submission(p.stem, p) for p in _notebooks(folder)]
    flat = {s.learner: s.path for s in found}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if sub.name in flat:
            raise InputError(
                f"learner '{sub.name}' submitted twice: {flat[sub.name].name} and {sub.name}/",
                source=str(folder),
                expected="one notebook named by the learner id, or one folder per learner",
            )
        found += [Submission(sub.name, p) for p in _notebooks(sub)]
    if not found:
        raise InputError("no notebooks to grade", source=str(folder), expected="*.ipynb files")
    return found


def _prepare(path: Path, variant: int) -> tuple[nbformat.NotebookNode, str]:
    """The notebook with the learner's variant, and its topic; InputError if it cannot be."""
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise InputError(f"over {MAX_NOTEBOOK_BYTES // 2**20} MB", source=path.name)
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
    except Exception as err:  # any malformed file is unreadable, whatever the parser says
        raise InputError(f"not a notebook ({type(err).__name__})", source=path.name) from None
    keys = [k for c in code for k in _CHECK.findall(str(c.source))]
    if not keys:
        raise InputError("no check(...) calls: not an exercise notebook", source=path.name)
    topic = keys[0].split(".", 1)[0]
    questions(topic)  # an unknown topic is an InputError here
    line = f"variant = {int(variant)}  # set by the grader from the learner id"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    if params and re.search(r"^variant\s*=", params[0].source, re.M):
        params[0].source = re.sub(r"^variant\s*=.*$", line, params[0].source, count=1, flags=re.M)
    else:
        nb.cells.insert(0, nbformat.v4.new_code_cell(line))
    return nb, topic


def _check(answers: dict[str, Any], topic: str, learner: str) -> list[dict[str, Any]]:
    """Every question of ``topic`` against the answers, with the learner's variant."""
    try:
        set_variant(learner_variant(learner))
        return grade_namespace(answers, topic).to_dict("records")
    finally:
        set_variant(0)


def _outcome(result: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None]:
    """Status, error text and decoded answers of a runner result."""
    notes = [reason for _, reason in result.get("stopped", [])]
    if "failed" in result or "unreadable" in result:
        status = "failed" if "failed" in result else "unreadable"
        return status, "; ".join([str(result.get(status)), *notes]), None
    error = "; ".join(n for n in [str(result.get("error") or ""), *notes] if n)
    if result.get("values_error"):
        return "failed", "; ".join(n for n in [error, str(result["values_error"])] if n), None
    try:
        return "graded", error, values.loads(str(result.get("values", "")))
    except (ValueError, RecursionError):
        return "failed", "; ".join(n for n in [error, "its answers were not JSON"] if n), None


def _grade_one(item: Submission, options: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """One submission's row, with ``results`` (one dict per question) for its feedback."""
    row: dict[str, Any] = {"learner": item.learner, "notebook": item.path.name, "topic": ""}
    try:
        nb, topic = _prepare(item.path, learner_variant(item.learner))
    except InputError as err:
        return {**row, "status": "unreadable", "error": str(err).splitlines()[0], "results": []}
    row["topic"] = topic
    names = sorted({q.variable for q in questions(topic)})
    prepared = tmp / "submission.ipynb"
    prepared.write_text(nbformat.writes(nb), encoding="utf-8")
    result = sandbox.run_submission(prepared, names, **options)
    status, error, answers = _outcome(result)
    results = _check(answers if answers is not None else {}, topic, item.learner)
    return {**row, "status": status, "error": error, "results": results}


def _score(row: dict[str, Any]) -> dict[str, Any]:
    results = row["results"]
    points = float(sum(r["points"] for r in results))
    best = float(sum(r["max_points"] for r in results))
    out = {k: row[k] for k in ("learner", "notebook", "topic")}
    out |= {"points": points, "max_points": best}
    out["percent"] = round(100 * points / best, 1) if best else 0.0
    return out | {"status": row["status"], "error": row["error"]}


def _section(row: dict[str, Any]) -> str:
    e = html.escape
    items = "".join(
        f"<li>{'✅' if r['passed'] else '❌'} {e(r['question'])}"
        f"{' (hidden)' if r['hidden'] else ''}: {e(r['message'])} "
        f"— {r['points']:g}/{r['max_points']:g}</li>"
        for r in row["results"]
    )
    s = _score(row)
    note = (
        f"<p><b>Your notebook stopped with an error:</b> {e(row['error'])}</p>"
        if row["error"]
        else ""
    )
    return (
        f"<section><h2>{e(s['topic'] or '?')}: {s['points']:g} / {s['max_points']:g} points</h2>"
        f"<p>Notebook: {e(row['notebook'])}</p>{note}<ul>{items}</ul></section>"
    )


def _feedback(learner: str, rows: list[dict[str, Any]]) -> str:
    """One learner's page: a section per notebook, messages and hints only."""
    e = html.escape
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Feedback: {e(learner)}</title><style>body{{font-family:system-ui,sans-serif;"
        "margin:2em;max-width:800px}li{margin:.4em 0}</style></head><body>"
        f"<h1>Feedback: {e(learner)}</h1>{''.join(_section(r) for r in rows)}</body></html>"
    )


def _write_grades(table: Path, rows: list[dict[str, Any]]) -> None:
    """``grades.csv``: one row per notebook, formula prefixes neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in _score(r).items()} for r in rows)
    write_atomic(table, buffer.getvalue())


def grade(
    submissions: str | Path,
    out: str | Path,
    timeout: int = 60,
    *,
    sandboxed: bool = True,
    memory_mb: int = 4096,
    wall: float | None = None,
) -> Path:
    """Grade every submission; write ``grades.csv`` and ``feedback/<learner>.html``.

    Parameters
    ----------
    submissions : str or Path
        The folder of submissions (layout in the module docstring).
    out : str or Path
        Where ``grades.csv`` and ``feedback/`` go.
    timeout : int
        Seconds per cell; a cell over it is interrupted and left out.
    sandboxed : bool
        Run each submission inside bubblewrap (required unless False).
    memory_mb : int
        Address-space limit of each submission's kernel, in MB.
    wall : float, optional
        Seconds for one whole submission; default ``5 * (timeout + 60)``.

    Returns
    -------
    Path
        ``out/grades.csv`` (learner, notebook, topic, points, max_points,
        percent, status, error).

    Raises
    ------
    InputError
        No sandbox available and ``sandboxed`` True; no notebooks; a learner
        id used twice.
    """
    if sandboxed and not sandbox.available():
        raise InputError(
            "no sandbox to grade in: bubblewrap (bwrap) is missing or cannot start here",
            source="valuelab course grade",
            expected="apt-get install bubblewrap, or --no-sandbox to run submissions unconfined",
        )
    items = find_submissions(submissions)
    out = Path(out)
    options = {"timeout": timeout, "memory_mb": memory_mb, "sandbox": sandboxed}
    options["wall"] = wall if wall is not None else 5.0 * (timeout + 60)
    rows = []
    with tempfile.TemporaryDirectory(prefix="valuelab-grading-") as tmp:
        for item in items:
            rows.append(_grade_one(item, options, Path(tmp)))
    for learner in dict.fromkeys(r["learner"] for r in rows):
        mine = [r for r in rows if r["learner"] == learner]
        write_atomic(out / "feedback" / f"{learner}.html", _feedback(learner, mine))
    table = out / "grades.csv"
    _write_grades(table, rows)
    return table

"""The course kit: student copies from one source, per-learner variants, grading.

One source per exercise: ``exercises/<NN_topic>/solution.ipynb``. In it,
``# BEGIN SOLUTION`` / ``# END SOLUTION`` mark the lines a learner writes, and
cells tagged ``hidden`` hold checks only the grader runs.

- :func:`build_students` writes ``exercises/<NN_topic>/student/exercise.ipynb``:
  each solution block becomes ``name = ...  # your answer`` for the variables
  the cell's ``check(...)`` calls read, hidden cells are dropped, outputs are
  cleared. Self-checks print a message and a hint, never the expected value
  (and their code lives in the package, not in the notebook).
- With ``learner_id``, the copy's ``variant`` parameter is set from the id (a
  stable hash): questions with variants (:mod:`valuelab.course.questions.kpis`) then
  show that learner's numbers, and the checks expect that learner's answers.
- :func:`grade` executes each submission headless (a timeout per cell; a
  broken or empty notebook does not stop the others), runs every public and
  hidden check of the topic with its points, and writes ``grades.csv`` and a
  feedback page per learner (messages only).

Examples
--------
>>> learner_variant("ada@example.org") == learner_variant("ada@example.org") > 0
True
"""

from __future__ import annotations

import copy
import csv
import html
import re
import zlib
from pathlib import Path
from typing import Any

import nbformat

from valuelab.core import InputError
from valuelab.reports import KernelWorker, ReportError, write_atomic

__all__ = [
    "PLACEHOLDER",
    "build_students",
    "first_error",
    "grade",
    "learner_variant",
    "student_notebook",
]

#: What replaces a solution: the learner's line to fill in.
PLACEHOLDER = "{name} = ...  # your answer"
_BLOCK = re.compile(r"# BEGIN SOLUTION\n.*?# END SOLUTION\n?", re.S)
_CHECK = re.compile(r"""check\(\s*["']([\w.]+)["']\s*,\s*([A-Za-z_]\w*)""")


def learner_variant(learner_id: str) -> int:
    """A stable variant number (1..999,999) for a learner id; 0 is the lesson's numbers."""
    return zlib.crc32(str(learner_id).encode()) % 999_999 + 1


def student_notebook(solution: nbformat.NotebookNode, variant: int = 0) -> nbformat.NotebookNode:
    """The student copy of a solution notebook (see the module docstring)."""
    nb = copy.deepcopy(solution)  # the solution stays as it is
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "hidden" in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if "parameters" in tags:
                cell.source = re.sub(
                    r"^variant = \d+", f"variant = {int(variant)}", cell.source, flags=re.M
                )
            if "# BEGIN SOLUTION" in cell.source:
                names = [n for _, n in _CHECK.findall(cell.source)]
                if not names:
                    raise InputError(
                        "a solution block with no check(...) after it",
                        source="solution.ipynb",
                        expected='check("topic.qN", variable) in the same cell',
                    )
                lines = "\n".join(PLACEHOLDER.format(name=n) for n in dict.fromkeys(names)) + "\n"
                start = cell.source.index("# BEGIN SOLUTION")
                cell.source = _BLOCK.sub("", cell.source[:start] + "\x00" + cell.source[start:])
                cell.source = cell.source.replace("\x00", lines, 1)
        cells.append(cell)
    nb.cells = cells
    nb.metadata["valuelab"] = {"student_copy": True, "variant": int(variant)}
    return nb


def _solutions(exercises: Path) -> list[Path]:
    found = sorted(exercises.glob("*/solution.ipynb"))
    if not found:
        raise InputError(
            "no solution notebooks", source=str(exercises), expected="*/solution.ipynb"
        )
    return found


def build_students(
    exercises: str | Path = "exercises",
    learner_id: str | None = None,
    out: str | Path | None = None,
) -> list[Path]:
    """Write the student copies; with ``learner_id`` into ``out/<learner>/`` with their variant.

    Returns
    -------
    list of Path
        The notebooks written.
    """
    exercises = Path(exercises)
    variant = learner_variant(learner_id) if learner_id else 0
    written = []
    for solution in _solutions(exercises):
        nb = student_notebook(nbformat.read(str(solution), as_version=4), variant)
        if learner_id:
            safe = re.sub(r"[^A-Za-z0-9_.@-]+", "_", learner_id)
            target = Path(out or "build/students") / safe / f"{solution.parent.name}.ipynb"
        else:
            target = solution.parent / "student" / "exercise.ipynb"
        write_atomic(target, nbformat.writes(nb) + "\n")
        written.append(target)
    return written


def _topic(nb: nbformat.NotebookNode) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "code":
            for key, _ in _CHECK.findall(cell.source):
                return key.split(".", 1)[0]
    return None


def _grading_cell(topic: str) -> nbformat.NotebookNode:
    source = (
        "from valuelab.course.checks import grade_namespace as _grade\n"
        "from valuelab.reports.records import record as _record\n"
        f"_record('grades', _grade(globals(), {topic!r}).to_dict('records'))"
    )
    return nbformat.v4.new_code_cell(source)


def _feedback(learner: str, topic: str, rows: list[dict[str, Any]], error: str) -> str:
    e = html.escape
    items = "".join(
        f"<li>{'✅' if r['passed'] else '❌'} {e(r['question'])}"
        f"{' (hidden)' if r['hidden'] else ''}: {e(r['message'])} "
        f"— {r['points']:g}/{r['max_points']:g}</li>"
        for r in rows
    )
    total = sum(r["points"] for r in rows)
    best = sum(r["max_points"] for r in rows)
    note = f"<p><b>Your notebook stopped with an error:</b> {e(error)}</p>" if error else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Feedback: {e(learner)}</title><style>body{{font-family:system-ui,sans-serif;"
        "margin:2em;max-width:800px}li{margin:.4em 0}</style></head><body>"
        f"<h1>{e(topic)}: {total:g} / {best:g} points</h1><p>Learner: {e(learner)}</p>{note}"
        f"<ul>{items}</ul></body></html>"
    )


def _open_submission(path: Path) -> tuple[Any, str | None, str | None]:
    """The notebook, its topic, and why it cannot be graded (None when it can)."""
    from valuelab.course.checks import questions

    nb, topic = None, None
    try:
        nb = nbformat.read(str(path), as_version=4)
        topic = _topic(nb)
        if topic is None:
            raise InputError("no check(...) calls: not an exercise notebook", source=path.name)
        questions(topic)  # an unknown topic is an error here
    except Exception as err:  # a broken file scores 0, the rest go on
        return nb, topic, str(err).splitlines()[0] if str(err) else repr(err)
    return nb, topic, None


def _grade_submission(worker: KernelWorker, path: Path, learner: str, out: Path) -> dict[str, Any]:
    """Run one submission with the grading cell; write its feedback page; return its grade row."""
    from valuelab.course.checks import questions
    from valuelab.reports import read_records

    nb, topic, problem = _open_submission(path)
    status, error, results = "graded", "", []
    if problem is not None:
        status, error = "unreadable", problem
    if topic and status == "graded":
        nb.cells.append(_grading_cell(topic))
        tmp = out / ".grading" / f"{learner}-{path.name}"
        write_atomic(tmp, nbformat.writes(nb))
        executed, error = _run_with_errors(worker, tmp)
        error = error or first_error(executed)
        results = read_records(executed).get("grades") or []
        if not results:
            status = "failed"
    points = float(sum(r["points"] for r in results))
    best = sum(r["max_points"] for r in results) or (
        sum(q.points for q in questions(topic)) if topic else 0.0
    )
    write_atomic(
        out / "feedback" / f"{learner}.html", _feedback(learner, topic or "?", results, error)
    )
    return {
        "learner": learner,
        "topic": topic or "",
        "points": points,
        "max_points": best,
        "percent": round(100 * points / best, 1) if best else 0.0,
        "status": status,
        "error": error,
    }


def _write_grades(table: Path, rows: list[dict[str, Any]]) -> None:
    """``grades.csv``: one row per submission."""
    table.parent.mkdir(parents=True, exist_ok=True)
    with table.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def grade(submissions: str | Path, out: str | Path, timeout: int = 60) -> Path:
    """Grade every ``*.ipynb`` under ``submissions``; write ``grades.csv`` and feedback pages.

    A learner is the submission's file stem (or its folder, for
    ``<learner>/<file>.ipynb``). Each notebook runs on a warm kernel with a
    clean namespace and ``timeout`` seconds per cell; cells that raise are
    recorded and the run goes on, so later answers still count. Unreadable or
    empty notebooks score 0 with a reason.

    Returns
    -------
    Path
        ``out/grades.csv`` (learner, topic, points, max_points, percent,
        status, error).
    """
    submissions, out = Path(submissions), Path(out)
    files = sorted(p for p in submissions.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not files:
        raise InputError("no notebooks to grade", source=str(submissions), expected="*.ipynb files")
    rows = []
    worker = KernelWorker(timeout=timeout)
    try:
        for path in files:
            learner = path.stem if path.parent == submissions else path.parent.name
            rows.append(_grade_submission(worker, path, learner, out))
    finally:
        worker.close()
    table = out / "grades.csv"
    _write_grades(table, rows)
    return table


def _run_with_errors(worker: KernelWorker, path: Path) -> tuple[Any, str]:
    """Run a submission cell by cell on the worker's kernel, going on past errors."""
    try:
        return worker.run(path, {}, allow_errors=True), ""
    except ReportError as err:  # only a timeout or a dead kernel stops a run with errors allowed
        return nbformat.read(str(path), as_version=4), f"{err.ename}: {err.evalue}"


def first_error(nb: nbformat.NotebookNode) -> str:
    """The first error a notebook's outputs show, as ``Name: message`` ("" if none)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output['ename']}: {output['evalue']}"
    return ""

"""Grading that learners cannot cheat: each submission sandboxed, its answers checked outside.

``valuelab course grade SUBMISSIONS --out GRADES`` (:func:`grade`):

1. **Layout.** ``SUBMISSIONS`` holds one notebook per learner named by the
   learner id (``ada.ipynb``), or one folder per learner holding their
   notebooks (``ada/03_kpis.ipynb``). The same id both ways (``ada.ipynb``
   beside ``ada/``) is an error naming both; other files are ignored. The
   learner id is the one the copy records (metadata ``valuelab.learner_id``)
   when it names that folder (``Bo Li`` in ``Bo_Li/``), else the roster's id
   for the folder (``roster``), else the folder name.
2. **Run.** Each notebook runs in its own fresh process, inside bubblewrap
   (:mod:`valuelab.course.sandbox`), in an empty working folder holding only
   the notebook, with its ``variant`` parameter set from the learner id
   (:func:`~valuelab.course.copies.learner_variant`), never from the notebook.
   A cell that runs over ``timeout`` is interrupted and the notebook goes on
   in a fresh kernel without it (:mod:`valuelab.course.runner`).
3. **Check.** Only the values of the topic's answer variables come back, as
   JSON (:mod:`valuelab.course.values`); the grader runs every public and
   hidden check on them with the learner's variant, on the questions the copy
   was handed out with (recorded in it, or named by its ``check`` calls): a
   copy of 7 questions is graded out of 7 after the course adds two, and its
   row (column ``note``) and feedback say so. Grading is per question:
   a question whose answer cell raised, ran over the limit or killed its
   kernel says so (the cell, the limit, what to do), the others count.
4. **Write.** ``grades.csv`` (one row per notebook, one notebook per learner and
   exercise: :func:`one_per_exercise`; text cells that a
   spreadsheet would read as a formula are neutralised),
   ``feedback/<learner folder>.html`` (one page for every notebook of the learner,
   titled with the exercises' names: messages and hints, never expected
   values; :mod:`valuelab.course.feedback`) and ``manifest.json`` (each
   submission's hash and result). A looping, crashing or unreadable
   submission gets its row and a plain sentence; the others are graded; the
   table is always written.
5. **Re-grade.** The next run with the same checks and limits grades only the
   submissions whose hash changed (or every one with ``force``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat.warnings import MissingIDFieldWarning

from valuelab.core import InputError, shipped
from valuelab.course import sandbox, values
from valuelab.course.checks import grade_namespace, questions, title, topics
from valuelab.course.copies import learner_folder, learner_variant
from valuelab.course.feedback import (
    cell_label,
    dead_kernel_note,
    error_note,
    timeout_note,
    unreadable_note,
)
from valuelab.course.feedback import page as feedback_page
from valuelab.course.registry import set_variant
from valuelab.course.roster import read_roster
from valuelab.reports import write_atomic

__all__ = [
    "COLUMNS",
    "MANIFEST",
    "Submission",
    "exercise_files",
    "find_submissions",
    "grade",
    "one_per_exercise",
    "safe_cell",
]

#: The columns of ``grades.csv``.
COLUMNS = [
    "learner",
    "notebook",
    "topic",
    "points",
    "max_points",
    "percent",
    "status",
    "error",
    "note",
]
#: The hash manifest of the last run, in the grades folder: a re-grade skips what is unchanged.
MANIFEST = "manifest.json"
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


def _read(path: Path) -> nbformat.NotebookNode:
    """A submitted notebook, cells given ids where they lack them (no nbformat warning)."""
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise InputError(unreadable_note(path.name, "big"), source=path.name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingIDFieldWarning)  # ids added just below
            nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        for cell in nb.cells:
            cell.setdefault("id", uuid.uuid4().hex[:8])
        nb.nbformat_minor = max(int(nb.get("nbformat_minor", 0)), 5)
        return nb
    except Exception:  # any malformed file is unreadable, whatever the parser says
        raise InputError(unreadable_note(path.name, "damaged"), source=path.name) from None


def _copy_keys(nb: nbformat.NotebookNode, keys: list[str], topic: str) -> list[str]:
    """The questions this copy was handed out with: recorded in it, or its check calls name.

    Hidden questions count when they check a variable of those questions; keys the
    course no longer has are left out.
    """
    recorded = nb.metadata.get("valuelab", {}).get("questions", [])
    named = set(keys) | {str(k) for k in recorded if isinstance(k, str)}
    current = questions(topic)
    public = {q.variable for q in current if q.key in named and not q.hidden}
    return [q.key for q in current if q.key in named or (q.hidden and q.variable in public)]


def _prepare(path: Path, variant: int) -> tuple[nbformat.NotebookNode, str, list[str]]:
    """The notebook with the learner's variant, its topic and the questions of its copy."""
    nb = _read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    keys = [k for c in code for k in _CHECK.findall(str(c.source))]
    if not keys:
        raise InputError(
            unreadable_note(path.name, "not_exercise") + " (not an exercise notebook)",
            source=path.name,
        )
    topic = keys[0].split(".", 1)[0]
    own = _copy_keys(nb, keys, topic)  # an unknown topic is an InputError here
    line = f"variant = {int(variant)}  # set by the grader from the learner id"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    if params and re.search(r"^variant\s*=", params[0].source, re.M):
        params[0].source = re.sub(r"^variant\s*=.*$", line, params[0].source, count=1, flags=re.M)
    else:
        cell = nbformat.v4.new_code_cell(line)
        cell.metadata["valuelab"] = {"inserted": True}
        nb.cells.insert(0, cell)
    return nb, topic, own


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


def _label(nb: nbformat.NotebookNode, index: int) -> str:
    """Cell ``index`` of the prepared notebook as the learner numbers it (no grader cell)."""
    first = nb.cells[0] if nb.cells else None
    inserted = bool(first is not None and first.metadata.get("valuelab", {}).get("inserted"))
    return cell_label(index + (0 if inserted else 1), nb.cells[index].source)


def _notes(
    nb: nbformat.NotebookNode, result: dict[str, Any], timeout: int
) -> dict[int, tuple[str, bool]]:
    """Cell index -> (what went wrong with it in plain words, whether it is a first cause).

    A cell stopped by the time limit or a dead kernel, or one that raised, is a first
    cause; a later ``NameError`` after one of those is its consequence and says so.
    """
    notes: dict[int, tuple[str, bool]] = {}
    for index, reason in result.get("stopped", []):
        label = _label(nb, index)
        ran_over = "ran over" in str(reason)
        notes[index] = (timeout_note(label, timeout) if ran_over else dead_kernel_note(label), True)
    for index, error in sorted(result.get("errors", [])):
        if index in notes:
            continue
        roots = [i for i, (_, root) in notes.items() if root and i < index]
        if str(error).startswith("NameError") and roots:
            cause = _label(nb, max(roots)).split(" (", 1)[0]
            text = f"{_label(nb, index)} could not run ({error}) because {cause} did not finish."
            notes[index] = (text, False)
        else:
            notes[index] = (error_note(_label(nb, index), str(error)), True)
    return notes


def _assigning_cell(nb: nbformat.NotebookNode, variable: str) -> int | None:
    """The index of the first code cell that assigns ``variable``."""
    pattern = re.compile(rf"^\s*{re.escape(variable)}\s*(?::[^=\n]*)?=(?!=)", re.M)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and pattern.search(str(cell.source)):
            return index
    return None


def _blame(
    nb: nbformat.NotebookNode, results: list[dict[str, Any]], notes: dict[int, tuple[str, bool]]
) -> list[dict[str, Any]]:
    """An unanswered question whose cell failed or was stopped says so, instead of "no answer"."""
    for r in results:
        if r["passed"] or r.get("answered"):
            continue
        index = _assigning_cell(nb, str(r.get("variable", "")))
        if index is not None and index in notes:
            r["message"] = f"no answer, because {notes[index][0]}"
    return results


def _grade_one(item: Submission, options: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """One submission's row, with ``results`` (one dict per question) and ``notes``."""
    learner = options.get("ids", {}).get(item.learner, item.learner)
    row: dict[str, Any] = {"learner": learner, "notebook": item.path.name, "topic": ""}
    row |= {"title": "", "notes": [], "results": [], "note": ""}
    try:
        nb, topic, own = _prepare(item.path, learner_variant(learner))
    except InputError as err:
        sentence = err.problem.removesuffix(" (not an exercise notebook)")
        named = exercise_files().get(item.path.name, "")  # titled as the exercise it names
        row |= {"topic": named, "title": title(named) if named else ""}
        return {**row, "status": "unreadable", "error": sentence, "notes": [sentence]}
    row |= {"topic": topic, "title": title(topic), "note": _scope(topic, own)}
    names = sorted({q.variable for q in questions(topic) if q.key in own})
    prepared = tmp / "submission.ipynb"
    prepared.write_text(nbformat.writes(nb), encoding="utf-8")
    result = sandbox.run_submission(prepared, names, **_run_options(options))
    if "unreadable" in result:
        sentence = unreadable_note(item.path.name, "damaged")
        return {**row, "status": "unreadable", "error": sentence, "notes": [sentence]}
    status, error, answers = _outcome(result)
    notes = _notes(nb, result, options["timeout"])
    checked = _check(answers if answers is not None else {}, topic, learner)
    results = _blame(nb, [r for r in checked if r["question"] in own], notes)
    roots = [i for i in sorted(notes) if notes[i][1]]
    row_notes = [notes[i][0] for i in roots]
    later = [_label(nb, i).split(" (", 1)[0] for i in sorted(notes) if not notes[i][1]]
    if later:
        row_notes.append(f"Cells that needed it could not run: {', '.join(later)}.")
    if status == "failed":
        row_notes.append(f"The grader could not read your answers ({error}). {_ASK}")
    error = "; ".join(_short(nb, i, notes[i][0]) for i in roots) or error
    return {**row, "status": status, "error": error, "notes": row_notes, "results": results}


_ASK = "Run the whole notebook yourself; if it runs, ask your instructor."


def _scope(topic: str, own: list[str]) -> str:
    """A sentence when the exercise's questions changed since this copy was handed out."""
    public = [q.key for q in questions(topic) if not q.hidden]
    mine = [k for k in own if k in public]
    if sorted(mine) == sorted(public):
        return ""
    return (
        f"graded on the {len(mine)} question{'s' * (len(mine) != 1)} of this copy; "
        f"the exercise now has {len(public)}"
    )


def exercise_files() -> dict[str, str]:
    """The file name each exercise is handed out as, to its topic: ``03_kpis.ipynb`` -> ``kpis``.

    The copies are named after their folders in ``exercises/``
    (:func:`~valuelab.course.copies.build_students`); a folder's number is the
    number in its exercise's title ("Exercise 3: ...").

    Examples
    --------
    >>> exercise_files()["03_kpis.ipynb"]
    'kpis'
    """
    by_number = {}
    for topic in topics():
        found = re.match(r"Exercise (\d+):", title(topic))
        if found:
            by_number[int(found.group(1))] = topic
    folder = shipped("exercises")
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    numbered = [(n, re.match(r"(\d+)_", n)) for n in names]
    return {
        f"{n}.ipynb": by_number[int(m.group(1))]
        for n, m in numbered
        if m and int(m.group(1)) in by_number
    }


def _rank(item: Submission, row: dict[str, Any], own_names: dict[str, str]) -> tuple:
    """Which copy of an exercise counts: readable, then named like the exercise, then latest."""
    modified = item.path.stat().st_mtime if item.path.is_file() else 0.0
    named = own_names.get(item.path.name) == row["topic"]
    return (row["status"] != "unreadable", named, modified, item.path.name)


def one_per_exercise(items: list[Submission], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per learner and exercise: the copy that counts, noting the copies left out.

    A learner who hands in two copies of one exercise (``00_start.ipynb`` and
    ``00_start_v2.ipynb``) is graded on one: a readable one before an unreadable
    one, then the one with the exercise's own file name (:func:`exercise_files`),
    then the most recently modified. Its ``note`` names the others. Rows without
    a known exercise (an unreadable ``ada.ipynb``) are all kept.
    """
    own_names = exercise_files()
    groups: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(rows):
        if row.get("topic"):
            groups.setdefault((row["learner"], row["topic"]), []).append(index)
    dropped: set[int] = set()
    kept = [dict(r) for r in rows]
    for indices in groups.values():
        if len(indices) < 2:
            continue
        ranked = sorted(indices, key=lambda i: _rank(items[i], rows[i], own_names))
        best, others = ranked[-1], sorted(ranked[:-1], key=lambda i: items[i].path.name)
        dropped |= set(others)
        names = ", ".join(items[i].path.name for i in others)
        left = (
            f"not counted: {names}, another copy of this exercise (one copy counts: "
            "the one with the exercise's own file name, else the latest)"
        )
        kept[best]["note"] = "; ".join(n for n in (kept[best].get("note", ""), left) if n)
    return [row for index, row in enumerate(kept) if index not in dropped]


def _recorded_ids(items: list[Submission], roster: dict[str, str]) -> dict[str, str]:
    """Folder name -> learner id: recorded in a copy (``valuelab.learner_id``), else the roster's.

    A recorded id counts only when it names the folder it was submitted in
    (:func:`~valuelab.course.copies.learner_folder`), so a copy cannot claim another learner.
    """
    ids = dict(roster)
    for item in items:
        try:
            meta = json.loads(item.path.read_bytes()[:MAX_NOTEBOOK_BYTES]).get("metadata", {})
            recorded = meta.get("valuelab", {}).get("learner_id")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(recorded, str) and learner_folder(recorded) == item.learner:
            ids[item.learner] = recorded
    return ids


def _short(nb: nbformat.NotebookNode, index: int, note: str) -> str:
    """The CSV's short form of a cell note: "cell 5 ran over the 60 s limit"."""
    number = _label(nb, index).split(" (", 1)[0]
    found = re.search(r"ran longer than the (\d+) s limit", note)
    if found:
        return f"{number} ran over the {found.group(1)} s limit"
    if "stopped the Python kernel" in note:
        return f"{number} stopped the kernel"
    return f"{number}: " + note.split(" raised ", 1)[-1].split(". Fix it", 1)[0]


def _run_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("timeout", "memory_mb", "sandbox", "wall")}


def _score(row: dict[str, Any]) -> dict[str, Any]:
    results = row["results"]
    points = float(sum(r["points"] for r in results))
    best = float(sum(r["max_points"] for r in results))
    out = {k: row[k] for k in ("learner", "notebook", "topic")}
    out |= {"points": points, "max_points": best}
    out["percent"] = round(100 * points / best, 1) if best else 0.0
    return out | {"status": row["status"], "error": row["error"], "note": row.get("note", "")}


def _feedback(learner: str, rows: list[dict[str, Any]]) -> str:
    """One learner's page: a section per notebook, messages and hints only."""
    return feedback_page(learner, rows)


def _write_grades(table: Path, rows: list[dict[str, Any]]) -> None:
    """``grades.csv``: one row per notebook, formula prefixes neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in _score(r).items()} for r in rows)
    write_atomic(table, buffer.getvalue())


def _fingerprint(options: dict[str, Any]) -> str:
    """What a stored grade depends on besides the file: the checks' code and the limits."""
    digest = hashlib.sha256(json.dumps(_run_options(options), sort_keys=True).encode())
    folder = Path(__file__).resolve().parent
    for path in sorted([*folder.glob("*.py"), *(folder / "questions").glob("*.py")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _digest(item: Submission, learner: str) -> str:
    data = item.path.read_bytes() if item.path.is_file() else b""
    return hashlib.sha256(learner.encode() + b"\0" + data).hexdigest()


def _load_manifest(path: Path, fingerprint: str) -> dict[str, Any]:
    """The stored rows of the last run, by submission; empty when the checks or limits changed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
        return {}
    found = data.get("submissions")
    return found if isinstance(found, dict) else {}


def _native(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else str(value)


def _track(items: list[Submission], progress: bool) -> Any:
    if not progress:
        return items
    from rich.console import Console
    from rich.progress import track

    return track(items, description="Grading", console=Console(stderr=True))


def _grade_all(
    items: list[Submission], root: Path, manifest: dict[str, Any], options: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows for every submission: unchanged ones from the manifest, the others graded now.

    The rows come back one per learner and exercise (:func:`one_per_exercise`); the
    manifest keeps every submission's row.
    """
    rows, stored = [], {}
    with tempfile.TemporaryDirectory(prefix="valuelab-grading-") as tmp:
        for item in _track(items, options["progress"]):
            learner = options["ids"].get(item.learner, item.learner)
            key, digest = item.path.relative_to(root).as_posix(), _digest(item, learner)
            old = manifest.get(key)
            if not options["force"] and isinstance(old, dict) and old.get("sha256") == digest:
                row = old["row"]
            else:
                row = json.loads(json.dumps(_grade_one(item, options, Path(tmp)), default=_native))
            rows.append(row)
            stored[key] = {"sha256": digest, "row": row}
    return one_per_exercise(items, rows), stored


def grade(
    submissions: str | Path,
    out: str | Path,
    timeout: int = 60,
    *,
    sandboxed: bool = True,
    memory_mb: int = 4096,
    wall: float | None = None,
    force: bool = False,
    progress: bool = False,
    roster: str | Path | None = None,
) -> Path:
    """Grade the submissions that changed; write ``grades.csv`` and ``feedback/<learner>.html``.

    Parameters
    ----------
    submissions : str or Path
        The folder of submissions (layout in the module docstring).
    out : str or Path
        Where ``grades.csv``, ``feedback/`` and ``manifest.json`` go.
    timeout : int
        Seconds per cell; a cell over it is interrupted and left out.
    sandboxed : bool
        Run each submission inside bubblewrap (required unless False).
    memory_mb : int
        Address-space limit of each submission's kernel, in MB.
    wall : float, optional
        Seconds for one whole submission; default ``5 * (timeout + 60)``.
    force : bool
        Grade every submission again, even those ``manifest.json`` says are unchanged.
    progress : bool
        Show a progress bar on stderr.
    roster : str or Path, optional
        The copies' roster: maps a folder back to its id (``Bo_Li`` -> ``Bo Li``) for a
        notebook without the id its copy records (metadata ``valuelab.learner_id``).

    Returns
    -------
    Path
        ``out/grades.csv`` (learner, notebook, topic, points, max_points,
        percent, status, error, note: when the exercise has more
        questions now than the copy was handed out with).

    Raises
    ------
    InputError
        No sandbox available and ``sandboxed`` True; no notebooks; a learner
        id used twice.
    """
    _require_sandbox(sandboxed)
    items = find_submissions(submissions)
    out = Path(out)
    options = {"timeout": timeout, "memory_mb": memory_mb, "sandbox": sandboxed}
    options["wall"] = wall if wall is not None else 5.0 * (timeout + 60)
    fingerprint = _fingerprint(options)
    manifest = _load_manifest(out / MANIFEST, fingerprint)
    ids = {learner_folder(i): i for i in read_roster(roster)} if roster else {}
    options |= {"force": force, "progress": progress, "ids": _recorded_ids(items, ids)}
    rows, stored = _grade_all(items, Path(submissions), manifest, options)
    return _write(out, rows, {"fingerprint": fingerprint, "submissions": stored})


def _require_sandbox(sandboxed: bool) -> None:
    if sandboxed and not sandbox.available():
        raise InputError(
            "no sandbox to grade in: bubblewrap (bwrap) is missing or cannot start here",
            source="valuelab course grade",
            expected="apt-get install bubblewrap, or --no-sandbox to run submissions unconfined",
        )


def _write(out: Path, rows: list[dict[str, Any]], manifest: dict[str, Any]) -> Path:
    """The feedback pages, ``grades.csv`` and the manifest; returns the table's path."""
    for learner in dict.fromkeys(r["learner"] for r in rows):
        mine = [r for r in rows if r["learner"] == learner]
        write_atomic(out / "feedback" / f"{learner_folder(learner)}.html", _feedback(learner, mine))
    table = out / "grades.csv"
    _write_grades(table, rows)
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    return table

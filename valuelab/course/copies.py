"""The course kit: student copies from one source, per-learner variants, grading.

One source per exercise: ``exercises/<NN_topic>/solution.ipynb``. In it,
``# BEGIN SOLUTION`` / ``# END SOLUTION`` mark the lines a learner writes, and
cells tagged ``hidden`` hold checks only the grader runs.

- :func:`build_students` writes one learner's copies, ``<out>/<NN_topic>.ipynb``
  (with ``in_place``: the repository's ``exercises/<NN_topic>/student/exercise.ipynb``,
  for maintainers); :mod:`valuelab.course.roster` a whole cohort's. In a copy
  each solution block becomes ``name = ...  # your answer`` for the variables
  the cell's ``check(...)`` calls read, hidden cells are dropped, outputs are
  cleared. Self-checks print a message and a hint, never the expected value
  (and their code lives in the package, not in the notebook).
- With ``learner_id``, the copy's ``variant`` parameter is set from the id (a
  stable hash): questions with variants (:mod:`valuelab.course.questions.kpis`) then
  show that learner's numbers, and the checks expect that learner's answers.
- Every copy records, in its notebook metadata ``valuelab``, the learner id
  (``learner_id``; the folder name may differ: ``Bo Li`` -> ``Bo_Li/``) and the
  questions it was handed out with (``questions``): the grader reads both, so
  an id round-trips whatever its folder, and a copy is graded on its own
  questions even after the course adds some.
- Grading lives in :mod:`valuelab.course.grading`: each submission runs in
  a sandbox and its answers are checked outside it.

Examples
--------
>>> learner_variant("ada@example.org") == learner_variant("ada@example.org") > 0
True
"""

from __future__ import annotations

import copy
import re
import zlib
from pathlib import Path

import nbformat

from valuelab.core import InputError
from valuelab.reports import write_atomic

__all__ = [
    "PLACEHOLDER",
    "build_students",
    "copy_questions",
    "first_error",
    "learner_folder",
    "learner_variant",
    "student_notebook",
    "valid_learner_id",
]

#: What replaces a solution: the learner's line to fill in.
PLACEHOLDER = "{name} = ...  # your answer"
_BLOCK = re.compile(r"# BEGIN SOLUTION\n.*?# END SOLUTION\n?", re.S)
_CHECK = re.compile(r"""check\(\s*["']([\w.]+)["']\s*,\s*([A-Za-z_]\w*)""")


def learner_variant(learner_id: str) -> int:
    """A stable variant number (1..999,999) for a learner id; 0 is the lesson's numbers."""
    return zlib.crc32(str(learner_id).encode()) % 999_999 + 1


def copy_questions(nb: nbformat.NotebookNode) -> list[str]:
    """The question keys a notebook's ``check("topic.qN", ...)`` calls name, in order."""
    keys = [k for c in nb.cells if c.cell_type == "code" for k, _ in _CHECK.findall(c.source)]
    return list(dict.fromkeys(keys))


def valid_learner_id(learner_id: str) -> str:
    """The id, stripped; InputError when it cannot round-trip through a copy and its folder.

    An id is recorded in each copy and names its folder (:func:`learner_folder`), so it
    must be one line of printable text that gives a folder name.

    Examples
    --------
    >>> valid_learner_id(" Bo Li ")
    'Bo Li'
    """
    text = str(learner_id).strip()
    if not text or not text.isprintable():
        raise InputError(
            f"learner id {learner_id!r} cannot be recorded and read back",
            expected="one line of printable text, e.g. ada@example.org or Bo Li",
        )
    learner_folder(text)
    return text


def student_notebook(
    solution: nbformat.NotebookNode, variant: int = 0, learner_id: str | None = None
) -> nbformat.NotebookNode:
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
    meta = {"student_copy": True, "variant": int(variant), "questions": copy_questions(nb)}
    if learner_id is not None:
        meta["learner_id"] = valid_learner_id(learner_id)
    nb.metadata["valuelab"] = meta
    return nb


def _solutions(exercises: Path) -> list[Path]:
    found = sorted(exercises.glob("*/solution.ipynb"))
    if not found:
        where = "no such folder" if not exercises.is_dir() else "no solution notebooks"
        raise InputError(
            f"{where}: run it in the course repository or pass --exercises PATH (the folder "
            "with the solution notebooks; they are not in the wheel)",
            source=str(exercises),
            expected="<NN_topic>/solution.ipynb below it",
        )
    return found


def learner_folder(learner_id: str) -> str:
    """The folder name of a learner's copies: the id, with characters unsafe in a path as ``_``.

    Letters, digits and ``_ . @ -`` are kept, so an e-mail address stays as it is.

    Examples
    --------
    >>> learner_folder("ada@example.org"), learner_folder("Bo Li/x")
    ('ada@example.org', 'Bo_Li_x')
    """
    name = re.sub(r"[^A-Za-z0-9_.@-]+", "_", str(learner_id).strip())
    if name.strip(".") == "":
        raise InputError(
            f"learner id {learner_id!r} gives no folder name",
            expected="letters, digits, _ . @ or -",
        )
    return name


def build_students(
    exercises: str | Path = "exercises",
    learner_id: str | None = None,
    out: str | Path | None = None,
    *,
    in_place: bool = False,
) -> list[Path]:
    """Write student copies into ``out`` (one notebook per exercise), or the repository's own.

    Parameters
    ----------
    exercises : str or Path
        The folder of ``<NN_topic>/solution.ipynb``.
    learner_id : str, optional
        Whose copies: their variant comes from the id; without it, variant 0
        (the lessons' numbers).
    out : str or Path, optional
        The folder to write ``<NN_topic>.ipynb`` into (created if needed).
    in_place : bool
        Instead of ``out``, rewrite ``exercises/<NN_topic>/student/exercise.ipynb``
        (variant 0), the copies committed to the repository: for maintainers
        after editing a solution.

    Returns
    -------
    list of Path
        The notebooks written.

    Raises
    ------
    InputError
        Neither ``out`` nor ``in_place``, or both, or ``in_place`` with a learner id;
        no solution notebooks.
    """
    exercises = Path(exercises)
    if in_place == (out is not None) or (in_place and learner_id):
        raise InputError(
            "say where the copies go",
            source="course build",
            expected="--out DIR, or --in-place (alone) to rewrite the repository's student copies",
        )
    learner_id = valid_learner_id(learner_id) if learner_id else None
    variant = learner_variant(learner_id) if learner_id else 0
    written = []
    for solution in _solutions(exercises):
        nb = student_notebook(nbformat.read(str(solution), as_version=4), variant, learner_id)
        if in_place:
            target = solution.parent / "student" / "exercise.ipynb"
        else:
            target = Path(out) / f"{solution.parent.name}.ipynb"
        write_atomic(target, nbformat.writes(nb) + "\n")
        written.append(target)
    return written


def first_error(nb: nbformat.NotebookNode) -> str:
    """The first error a notebook's outputs show, as ``Name: message`` ("" if none)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output['ename']}: {output['evalue']}"
    return ""

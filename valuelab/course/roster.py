"""A cohort's copies in one run: ``valuelab course build --roster learners.csv --out DIR``.

The roster is a CSV file with a header row and a ``learner_id`` column (other
columns are ignored), one learner per row, e.g. ``learner_id,name`` then
``ada@example.org,Ada``. :func:`build_cohort` reads every solution notebook
once and writes ``DIR/<learner folder>/<NN_topic>.ipynb`` for each learner,
with the learner's variant (:func:`~valuelab.course.copies.learner_variant`);
the folder is :func:`~valuelab.course.copies.learner_folder` of the id
(``ada@example.org/``, ``Bo Li`` -> ``Bo_Li/``); each copy records the id itself
(metadata ``valuelab.learner_id``), which the grader reads first.

Examples
--------
>>> import tempfile, pathlib
>>> roster = pathlib.Path(tempfile.mkdtemp()) / "learners.csv"
>>> _ = roster.write_text("learner_id,name\\nada@example.org,Ada\\nbob,Bob\\n")
>>> read_roster(roster)
['ada@example.org', 'bob']
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat

from valuelab.core import InputError
from valuelab.course.copies import _solutions, learner_folder, learner_variant, student_notebook
from valuelab.reports import write_atomic

__all__ = ["COLUMN", "build_cohort", "read_roster"]

#: The roster's column of learner ids.
COLUMN = "learner_id"


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = [h.strip() for h in reader.fieldnames or []]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(
            f"cannot read the roster ({err})", source=str(path), expected="a UTF-8 CSV file"
        ) from None
    if COLUMN not in header:
        raise InputError(
            f"no '{COLUMN}' column (found: {', '.join(header) or 'nothing'})",
            source=str(path),
            expected=f"a header row with a '{COLUMN}' column",
        )
    return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in rows]


def read_roster(path: str | Path) -> list[str]:
    """The learner ids of a roster, in file order.

    Raises
    ------
    InputError
        The file cannot be read; no ``learner_id`` column; empty ids; an id twice; or
        two ids that give the same folder name. Rows are numbered as in a spreadsheet
        (the header is row 1).
    """
    path = Path(path)
    ids = [row[COLUMN].strip() for row in _rows(path)]
    blank = [i + 2 for i, x in enumerate(ids) if not x]
    if blank:
        raise InputError("empty learner id", source=str(path), column=COLUMN, rows=blank)
    bad = [i + 2 for i, x in enumerate(ids) if not x.isprintable()]
    if bad:
        raise InputError(
            "a learner id that cannot be recorded and read back (a line break or control "
            "character)",
            source=str(path),
            column=COLUMN,
            rows=bad,
        )
    folders: dict[str, int] = {}
    for i, learner in enumerate(ids):
        folder = learner_folder(learner)
        if folder in folders:
            raise InputError(
                f"'{learner}' is on the roster twice (or shares the folder '{folder}')",
                source=str(path),
                column=COLUMN,
                rows=[folders[folder] + 2, i + 2],
                expected="one row per learner, ids that differ in more than punctuation",
            )
        folders[folder] = i
    if not ids:
        raise InputError("no learners", source=str(path), expected="one row per learner")
    return ids


def build_cohort(
    exercises: str | Path, roster: str | Path, out: str | Path, *, progress: bool = False
) -> dict[str, list[Path]]:
    """Write every learner's copies, ``out/<learner folder>/<NN_topic>.ipynb``, in one run.

    Parameters
    ----------
    exercises : str or Path
        The folder of ``<NN_topic>/solution.ipynb``.
    roster : str or Path
        The roster CSV (see the module docstring).
    out : str or Path
        The cohort's folder.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    dict
        Learner id -> the notebooks written for them.
    """
    ids = read_roster(roster)
    solutions = [
        (p.parent.name, nbformat.read(str(p), as_version=4)) for p in _solutions(Path(exercises))
    ]
    written: dict[str, list[Path]] = {}
    for learner in _track(ids, progress):
        folder = Path(out) / learner_folder(learner)
        written[learner] = []
        for name, solution in solutions:
            nb = student_notebook(solution, learner_variant(learner), learner)
            target = folder / f"{name}.ipynb"
            write_atomic(target, nbformat.writes(nb) + "\n")
            written[learner].append(target)
    return written


def _track(ids: list[str], progress: bool):
    if not progress:
        return ids
    from rich.console import Console
    from rich.progress import track

    return track(ids, description="Learners' copies", console=Console(stderr=True))

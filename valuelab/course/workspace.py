"""A learner's working folder: ``valuelab course init DIR``.

Copies the learner's working set from the course valuelab runs with
(:func:`valuelab.core.shipped`) into a folder of their own, in the
repository's layout: the lessons ``notebooks/NN_*.ipynb`` and the exercise
copies ``exercises/<NN_topic>/student/exercise.ipynb``. Nothing else: no
solutions, no apps or report templates, no checks (a learner's
``check(...)`` runs the question modules of the installed package), and no
data (notebooks load the datasets shipped inside the package by name).

Run again (after an upgrade of valuelab) it never overwrites a file the
learner changed: ``DIR/.valuelab-course.json`` keeps the SHA-256 of every
file as it was handed out, and a file is replaced only while it still has
that digest.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     first, again = init_workspace(d), init_workspace(d)
>>> len(first["added"]) > 6, again["added"], again["unchanged"] == first["added"]
(True, [], True)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from valuelab.core import InputError, course_root
from valuelab.reports import write_atomic

__all__ = ["MANIFEST", "init_workspace", "working_set"]

#: The manifest of handed-out digests, inside the learner's folder.
MANIFEST = ".valuelab-course.json"
_OUTCOMES = ("added", "updated", "unchanged", "kept")


def working_set(root: str | Path | None = None) -> dict[str, Path]:
    """The files a learner works in: path relative to the folder -> source file.

    Parameters
    ----------
    root : path, optional
        A course root (``notebooks/`` and ``exercises/`` below it); default
        :func:`valuelab.core.course_root`.

    Raises
    ------
    InputError
        If the root holds no lessons.
    """
    root = Path(root) if root else course_root()
    files = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not files:
        raise InputError("no lessons", source=str(root / "notebooks"), expected="NN_*.ipynb")
    files += sorted((root / "exercises").glob("*/student/*.ipynb"))
    return {f.relative_to(root).as_posix(): f for f in files}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise InputError(
            "not the JSON valuelab wrote", source=str(path), expected="delete it and run again"
        ) from None
    return {str(k): str(v) for k, v in manifest.get("files", {}).items()}


def _place(target: Path, data: str, handed_out: str | None) -> str:
    """Write ``data`` to ``target`` unless the learner changed it; return the outcome."""
    if not target.exists():
        write_atomic(target, data)
        return "added"
    current = _digest(target.read_bytes())
    if current == _digest(data.encode()):
        return "unchanged"
    if current == handed_out:  # as handed out, not touched since: take the new version
        write_atomic(target, data)
        return "updated"
    return "kept"


def init_workspace(folder: str | Path, root: str | Path | None = None) -> dict[str, list[str]]:
    """Copy the learner's working set into ``folder``, keeping every file they changed.

    Parameters
    ----------
    folder : path
        The learner's folder (created if missing).
    root : path, optional
        The course root to copy from; default :func:`valuelab.core.course_root`.

    Returns
    -------
    dict
        ``added``, ``updated``, ``unchanged`` and ``kept`` (changed by the
        learner, left as it is): lists of paths relative to ``folder``.

    Raises
    ------
    InputError
        If ``folder`` is a file, or its manifest is not valuelab's JSON.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("a file, not a folder", source=str(folder), expected="a folder")
    manifest_path = folder / MANIFEST
    handed_out = _read_manifest(manifest_path)
    report: dict[str, list[str]] = {k: [] for k in _OUTCOMES}
    for rel, source in working_set(root).items():
        data = source.read_text(encoding="utf-8")
        outcome = _place(folder / rel, data, handed_out.get(rel))
        report[outcome].append(rel)
        if outcome != "kept":  # the learner's own version keeps the old record
            handed_out[rel] = _digest(data.encode())
    body = {"note": "what valuelab course init handed out (SHA-256)", "files": handed_out}
    write_atomic(manifest_path, json.dumps(body, indent=1, sort_keys=True) + "\n")
    return report

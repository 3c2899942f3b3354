"""Where the course's files are: the repository checkout, else the installed package.

The lessons, the learners' exercise copies, the stakeholder apps and the
report templates ship inside the wheel under ``valuelab/_course/`` (the same
layout as the repository: ``notebooks/``, ``notebooks/apps/``,
``notebooks/reports/``, ``exercises/<NN_topic>/student/``). Run from a source
checkout (an editable install, or ``PYTHONPATH`` pointing at it), the
checkout's own folders are used, so an edited lesson or app is what runs.
Solutions and the instructor guide are never in the wheel.

Examples
--------
>>> shipped("apps").name
'apps'
>>> shipped("reports").parent.name
'notebooks'
"""

from __future__ import annotations

from pathlib import Path

from valuelab.core.errors import InputError

__all__ = ["KINDS", "course_root", "find_template", "shipped"]

#: Kind of course file -> its folder below the course root.
KINDS = {
    "lessons": "notebooks",
    "apps": "notebooks/apps",
    "reports": "notebooks/reports",
    "exercises": "exercises",
}
_PACKAGE = Path(__file__).resolve().parents[1]


def _checkout() -> Path | None:
    """The repository the package is imported from, if it is a checkout."""
    root = _PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def course_root() -> Path:
    """The folder holding ``notebooks/`` and ``exercises/``.

    Returns
    -------
    Path
        The repository checkout valuelab runs from, else the installed
        ``valuelab/_course`` (which may be missing in a broken install: the
        caller's "no such folder" error then names it).
    """
    return _checkout() or _PACKAGE / "_course"


def shipped(kind: str) -> Path:
    """The folder of one kind of course file: ``lessons``, ``apps``, ``reports``, ``exercises``.

    Raises
    ------
    InputError
        For an unknown kind.
    """
    if kind not in KINDS:
        raise InputError(f"unknown kind '{kind}'", source="shipped", expected=", ".join(KINDS))
    return course_root() / KINDS[kind]


def find_template(name: str | Path) -> Path:
    """A report template by path, or by name among the shipped ones.

    ``notebooks/reports/spotify_year.ipynb`` that exists from the current
    folder is used as it is; otherwise a bare name (``spotify_year`` or
    ``spotify_year.ipynb``), or that repository path run from another folder,
    is looked up in :func:`shipped` ``("reports")``. A name found nowhere is
    returned unchanged, so the caller's error names what was given.

    Examples
    --------
    >>> find_template("spotify_year").name
    'spotify_year.ipynb'
    """
    given = Path(name)
    if given.exists():
        return given
    parts = given.parts
    if len(parts) == 1 or parts[:-1] == ("notebooks", "reports"):
        stem = given.name if given.suffix == ".ipynb" else f"{given.name}.ipynb"
        found = shipped("reports") / stem
        if found.is_file():
            return found
    return given

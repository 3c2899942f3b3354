"""``valuelab course init``: the learner's working set, never overwriting their changes."""

import hashlib
import json

import nbformat
import pytest
from support import ROOT

from valuelab.core import InputError
from valuelab.course import init_workspace, working_set
from valuelab.course.workspace import MANIFEST


def _course(root, lesson="lesson v1", exercise="exercise v1"):
    """A tiny course root: one lesson, one exercise with its solution, an app."""
    for rel, text in {
        "notebooks/00_start_here.ipynb": lesson,
        "notebooks/apps/gallery_app.ipynb": "app",
        "exercises/00_start/solution.ipynb": "the answers",
        "exercises/00_start/student/exercise.ipynb": exercise,
        "exercises/README.md": "instructor guide",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


LESSON = "notebooks/00_start_here.ipynb"
EXERCISE = "exercises/00_start/student/exercise.ipynb"


def test_the_working_set_is_lessons_and_student_copies_only():
    files = working_set()
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(r.split("/")[-1] for r in files if r.startswith("notebooks/")) == lessons
    exercises = [r for r in files if r.startswith("exercises/")]
    assert len(exercises) == len(list((ROOT / "exercises").glob("*/solution.ipynb"))) == 6
    assert all(r.endswith("/student/exercise.ipynb") for r in exercises)
    assert not [r for r in files if "solution" in r or "/apps/" in r or "/reports/" in r]
    for rel in exercises:  # what the learner gets has no hidden cell
        nb = nbformat.read(str(files[rel]), as_version=4)
        assert not [c for c in nb.cells if "hidden" in c.metadata.get("tags", [])]


def test_first_init_copies_and_records_the_digests(tmp_path):
    root = _course(tmp_path / "course")
    report = init_workspace(tmp_path / "ada", root)
    assert report == {"added": [LESSON, EXERCISE], "updated": [], "unchanged": [], "kept": []}
    assert (tmp_path / "ada" / EXERCISE).read_text() == "exercise v1"
    assert not (tmp_path / "ada" / "exercises" / "00_start" / "solution.ipynb").exists()
    manifest = json.loads((tmp_path / "ada" / MANIFEST).read_text())["files"]
    assert manifest[LESSON] == hashlib.sha256(b"lesson v1").hexdigest()


def test_a_new_version_replaces_untouched_files_and_keeps_changed_ones(tmp_path):
    root = _course(tmp_path / "course")
    folder = tmp_path / "ada"
    init_workspace(folder, root)
    (folder / EXERCISE).write_text("my answers")  # the learner works
    _course(root, lesson="lesson v2", exercise="exercise v2")  # valuelab is upgraded
    report = init_workspace(folder, root)
    assert report == {"added": [], "updated": [LESSON], "unchanged": [], "kept": [EXERCISE]}
    assert (folder / LESSON).read_text() == "lesson v2"
    assert (folder / EXERCISE).read_text() == "my answers"
    # still the learner's after another run; a deleted file comes back
    (folder / LESSON).unlink()
    report = init_workspace(folder, root)
    assert report == {"added": [LESSON], "updated": [], "unchanged": [], "kept": [EXERCISE]}
    assert (folder / EXERCISE).read_text() == "my answers"


def test_a_file_the_manifest_does_not_know_is_kept(tmp_path):
    root = _course(tmp_path / "course")
    folder = tmp_path / "ada"
    (folder / "notebooks").mkdir(parents=True)
    (folder / LESSON).write_text("my own notes")
    report = init_workspace(folder, root)
    assert report["kept"] == [LESSON] and (folder / LESSON).read_text() == "my own notes"


def test_bad_targets_are_clear_errors(tmp_path):
    root = _course(tmp_path / "course")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="a file, not a folder"):
        init_workspace(tmp_path / "file", root)
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / MANIFEST).write_text("{not json")
    with pytest.raises(InputError, match=r"\.valuelab-course\.json.*delete it and run again"):
        init_workspace(tmp_path / "ada", root)
    with pytest.raises(InputError, match="no lessons"):
        init_workspace(tmp_path / "bob", tmp_path / "empty")

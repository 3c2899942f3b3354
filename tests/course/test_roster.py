"""A cohort's copies in one run: the roster, its errors, the folders the guide names."""

import re

import nbformat
import pytest
from support import EXERCISES, ROOT, run_valuelab

from valuelab.core import InputError
from valuelab.course import learner_variant
from valuelab.course.roster import build_cohort, read_roster

SOLUTIONS = sorted(p.parent.name for p in EXERCISES.glob("*/solution.ipynb"))


def _roster(tmp_path, text):
    path = tmp_path / "learners.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_roster_is_a_csv_with_a_learner_id_column(tmp_path):
    path = _roster(tmp_path, "\ufeffname,learner_id\nAda,ada@example.org\nBo, bo \n")
    assert read_roster(path) == ["ada@example.org", "bo"]  # Excel's BOM, spaces trimmed
    with pytest.raises(InputError, match=r"no 'learner_id' column \(found: name, email\)"):
        read_roster(_roster(tmp_path, "name,email\nAda,a@x\n"))
    with pytest.raises(InputError, match=r"column 'learner_id', row 3: empty learner id"):
        read_roster(_roster(tmp_path, "learner_id\nada\n\n,x\n"))
    with pytest.raises(InputError, match=r"rows 2, 3: 'ada x' is on the roster twice"):
        read_roster(_roster(tmp_path, "learner_id\nada/x\nada x\n"))  # the same folder ada_x
    with pytest.raises(InputError, match="no learners"):
        read_roster(_roster(tmp_path, "learner_id\n"))
    with pytest.raises(InputError, match="cannot read the roster"):
        read_roster(tmp_path / "missing.csv")


def test_every_learner_gets_their_copies_in_their_own_folder(tmp_path):
    roster = _roster(tmp_path, "learner_id\nada@example.org\nbob\n")
    built = build_cohort(EXERCISES, roster, tmp_path / "handout")
    assert sorted(p.name for p in (tmp_path / "handout").iterdir()) == ["ada@example.org", "bob"]
    for learner, paths in built.items():
        assert [p.stem for p in paths] == SOLUTIONS
        assert all(p.parent == tmp_path / "handout" / learner for p in paths)
        nb = nbformat.read(str(paths[3]), as_version=4)
        assert f"variant = {learner_variant(learner)}" in nb.cells[1].source


def test_the_cli_builds_a_cohort_in_one_run(tmp_path):
    roster = _roster(tmp_path, "learner_id\nada@example.org\nbob\ncy\n")
    out = tmp_path / "handout"
    done = run_valuelab("course", "build", "--roster", str(roster), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {3 * len(SOLUTIONS)} notebooks for 3 learners in {out}/"
    assert len(list(out.glob("*/*.ipynb"))) == 3 * len(SOLUTIONS)
    bad = run_valuelab("course", "build", "--roster", str(roster))
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and "--out" in bad.stderr


def test_the_guide_names_the_folders_the_build_writes():
    guide = (ROOT / "exercises" / "README.md").read_text()
    assert "handout/ada@example.org/<NN_topic>.ipynb" in guide
    assert "ada_example.org" not in guide
    for command in re.findall(r"`(valuelab course build[^`]*)`", guide):
        assert "--out" in command or "--in-place" in command, command

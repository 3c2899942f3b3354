"""Course kit: student copies from one source, per-learner variants, grading."""

import shutil

import nbformat
import pytest
from support import EXERCISES

from valuelab import kpis
from valuelab.core import InputError
from valuelab.course import build_students, check, learner_variant, set_variant
from valuelab.course.material import ANSWERS, answers, ltv_inputs


def test_committed_student_copies_are_up_to_date(tmp_path):
    copy = tmp_path / "exercises"
    shutil.copytree(EXERCISES, copy, ignore=shutil.ignore_patterns("student"))
    for path in build_students(copy, in_place=True):
        committed = EXERCISES / path.parent.parent.name / "student" / "exercise.ipynb"
        assert committed.exists(), f"run `valuelab course build --in-place`: {committed} is missing"
        assert committed.read_text() == path.read_text(), f"{committed} is out of date"


def test_out_is_always_honoured_and_the_repository_copies_need_in_place(tmp_path):
    before = {p: p.read_bytes() for p in EXERCISES.glob("*/student/exercise.ipynb")}
    plain = build_students(EXERCISES, out=tmp_path / "plain")
    assert [p.parent for p in plain] == [tmp_path / "plain"] * len(before)
    assert plain[0].name == "00_start.ipynb"
    alice = build_students(EXERCISES, "alice", tmp_path / "alice")
    assert {p.parent for p in alice} == {tmp_path / "alice"}, "not alice/alice/"
    assert "variant = 0" in plain[3].read_text() and "variant = 0" not in alice[3].read_text()
    with pytest.raises(InputError, match="say where the copies go"):
        build_students(EXERCISES)
    with pytest.raises(InputError, match="--in-place"):
        build_students(EXERCISES, "alice", in_place=True)
    assert {p: p.read_bytes() for p in before} == before, "the repository's copies unchanged"


def test_student_copies_hide_solutions_hidden_checks_and_expected_values():
    for solution in sorted(EXERCISES.glob("*/solution.ipynb")):
        student = (solution.parent / "student" / "exercise.ipynb").read_text()
        assert "BEGIN SOLUTION" not in student and "END SOLUTION" not in student
        assert "grade_namespace" not in student, "hidden checks stay with the instructor"
        nb = nbformat.reads(student, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    kpis_copy = (EXERCISES / "03_kpis" / "student" / "exercise.ipynb").read_text()
    assert "nps_score = ...  # your answer" in kpis_copy
    assert "kpis.nps(answers())" not in kpis_copy


def test_variants_change_the_numbers_and_the_checks_follow():
    try:
        set_variant(learner_variant("ada@example.org"))
        mine = answers()
        assert mine != ANSWERS and ltv_inputs() != {"arpa": 45.0}
        assert check("kpis.q1", kpis.nps(mine), quiet=True)
        x = ltv_inputs()
        assert check("kpis.q2", kpis.ltv(x["arpa"], x["gross_margin"], x["churn_rate"]), quiet=True)
        set_variant(learner_variant("bob@example.org"))
        assert answers() != mine, "two learners get different numbers"
        set_variant(0)
        assert answers() == ANSWERS
    finally:
        set_variant(0)
    with pytest.raises(Exception, match="hidden check"):
        check("drivers.h1", None)


@pytest.mark.slow
def test_a_learner_copy_carries_its_variant_and_its_solution_passes(tmp_path, run_notebook):
    (path,) = [
        p for p in build_students(EXERCISES, "ada@example.org", tmp_path) if "03_kpis" in p.name
    ]
    nb = nbformat.read(str(path), as_version=4)
    assert f"variant = {learner_variant('ada@example.org')}" in nb.cells[1].source
    solution = EXERCISES / "03_kpis" / "solution.ipynb"
    executed, _ = run_notebook(solution, variant=learner_variant("ada@example.org"))
    text = "\n".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for c in executed.cells
        for o in c.get("outputs", [])
    )
    assert "kpis: 9/9 passed" in text

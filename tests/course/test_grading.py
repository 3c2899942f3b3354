"""Grading a cohort, honest and hostile: each submission gets its honest row and nothing more.

The cohort holds the six kinds of submission of issue 24 (a right one; a partial one, with a
wrong answer and a cell that raises; an empty one; one whose cells run over the time limit and
kill the kernel; an unreadable file; a learner with two notebooks, one answered with the wrong
type) and the hostile ones (a cheater, a snoop, a notebook that sets its own variant); then a
re-grade after one learner resubmits grades only that notebook. Each graded notebook costs a
fresh sandboxed Python and kernel (seconds), so one notebook serves where a kind allows: the
two-notebook learner's second notebook is the empty one.
"""

import csv
import json
import os
import shutil
import warnings

import nbformat
import pytest
from support import EXERCISES, IN_CI, run_valuelab

from valuelab.core import InputError
from valuelab.course import build_students, grading, learner_variant, sandbox
from valuelab.course.feedback import unreadable_note
from valuelab.course.roster import build_cohort

STUDENT = EXERCISES / "03_kpis" / "student" / "exercise.ipynb"
#: The cohort's per-cell limit: the looping cell costs this much; raise it on a loaded machine,
#: where even the imports cell may take longer.
CELL_TIMEOUT = int(os.environ.get("VALUELAB_TEST_CELL_TIMEOUT", "15"))
SOLUTION = EXERCISES / "03_kpis" / "solution.ipynb"


def _fill(answers_by_name: dict, *extra: str) -> str:
    """The kpis student copy with some answers filled in and extra cells at the end."""
    nb = nbformat.read(str(STUDENT), as_version=4)
    for cell in nb.cells:
        for name, code in answers_by_name.items():
            cell.source = cell.source.replace(f"{name} = ...  # your answer", f"{name} = {code}")
    nb.cells += [nbformat.v4.new_code_cell(s) for s in extra]
    return nbformat.writes(nb)


def test_layout_one_notebook_or_one_folder_per_learner(tmp_path):
    (tmp_path / "ada.ipynb").write_text("{}")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "03_kpis.ipynb").write_text("{}")
    (tmp_path / "bob" / "04_okrs.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("ignored")
    found = [(s.learner, s.path.name) for s in grading.find_submissions(tmp_path)]
    assert found == [("ada", "ada.ipynb"), ("bob", "03_kpis.ipynb"), ("bob", "04_okrs.ipynb")]
    (tmp_path / "ada").mkdir()
    with pytest.raises(InputError, match=r"'ada' submitted twice: ada.ipynb and ada/"):
        grading.find_submissions(tmp_path)
    (tmp_path / "none").mkdir()
    with pytest.raises(InputError, match="no notebooks"):
        grading.find_submissions(tmp_path / "none")


def test_the_variant_comes_from_the_learner_id_not_the_notebook(tmp_path):
    path = tmp_path / "eve.ipynb"
    path.write_text(nbformat.writes(nbformat.reads(SOLUTION.read_text(), as_version=4)))
    nb, topic, _ = grading._prepare(path, learner_variant("eve"))
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert topic == "kpis" and params.source.startswith(f"variant = {learner_variant('eve')}  #")
    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('check("start.q1", x)')])
    path.write_text(nbformat.writes(plain))
    nb, topic, _ = grading._prepare(path, 7)
    assert topic == "start" and nb.cells[0].source.startswith("variant = 7")
    path.write_text(nbformat.writes(nbformat.v4.new_notebook()))
    with pytest.raises(InputError, match="not an exercise notebook"):
        grading._prepare(path, 7)


def test_csv_cells_never_start_a_formula(tmp_path):
    assert [grading.safe_cell(v) for v in ("=1+1", "+1", "-1", "@SUM", "\tx", "\rx")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM",
        "'\tx",
        "'\rx",
    ]
    assert grading.safe_cell("ada") == "ada" and grading.safe_cell(-2.0) == -2.0
    row = {"learner": "=cmd|' /C calc'!A0", "notebook": "@x.ipynb", "topic": "kpis"}
    row |= {"status": "graded", "error": "-oops", "results": []}
    grading._write_grades(tmp_path / "grades.csv", [row])
    (got,) = csv.DictReader((tmp_path / "grades.csv").open())
    assert got["learner"] == "'=cmd|' /C calc'!A0" and got["notebook"] == "'@x.ipynb"
    assert got["error"] == "'-oops" and got["points"] == "0.0"


def test_answers_that_are_not_json_fail_their_row_only():
    assert grading._outcome({"values": "{not json", "error": "", "stopped": []})[:2] == (
        "failed",
        "its answers were not JSON",
    )
    status, error, answers = grading._outcome(
        {"values": '{"nps_score": 1}', "error": "", "stopped": [[4, "cell 5 ran over 3 s"]]}
    )
    assert (status, error, answers) == ("graded", "cell 5 ran over 3 s", {"nps_score": 1})


def test_feedback_escapes_what_learners_control():
    row = {"learner": "<b>", "notebook": "<img src=x onerror=alert(1)>.ipynb", "topic": "kpis"}
    row |= {"status": "graded", "error": "", "notes": ["<script>x</script>"], "results": []}
    page = grading._feedback("<b>", [row])
    assert "<img" not in page and "<script>" not in page and "&lt;script&gt;" in page


def test_grading_refuses_without_a_sandbox_unless_told(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "available", lambda: False)
    (tmp_path / "ada.ipynb").write_text("{}")
    with pytest.raises(InputError, match="no sandbox to grade in"):
        grading.grade(tmp_path, tmp_path / "out")
    monkeypatch.setenv("PATH", "/nonexistent")
    cli = run_valuelab("course", "grade", str(tmp_path), "--out", str(tmp_path / "out"))
    assert cli.returncode == 2 and cli.stderr.count("\n") == 1
    assert cli.stderr.startswith("error:") and "--no-sandbox" in cli.stderr


def _old_copy() -> str:
    """A kpis copy handed out before Q8-Q9 existed: the solution without them, 7 recorded."""
    nb = nbformat.reads(SOLUTION.read_text(), as_version=4)
    nb.cells = [c for c in nb.cells if not any(f"kpis.q{n}" in c.source for n in (8, 9))]
    nb.cells = [c for c in nb.cells if "incomplete_month" not in c.source]
    nb.metadata["valuelab"] = {"questions": [f"kpis.q{n}" for n in range(1, 8)]}
    data = json.loads(nbformat.writes(nb))
    for cell in data["cells"]:
        del cell["id"]  # as some older front ends save it: nbformat warns, the grader does not
    return json.dumps(data)


def _bo_li_copy(folder) -> str:
    """Bo Li's own handout copy, answered with the numbers Bo Li's copy shows, typed in."""
    from valuelab import kpis
    from valuelab.course import set_variant
    from valuelab.course.material import answers

    roster = folder / "learners.csv"
    roster.write_text("learner_id\nBo Li\nada@example.org\n")
    build_cohort(EXERCISES, roster, folder / "handout")
    copy = folder / "handout" / "Bo_Li" / "03_kpis.ipynb"
    scores = {}
    for who in ("Bo Li", "Bo_Li"):
        set_variant(learner_variant(who))
        scores[who] = kpis.nps(answers())
    set_variant(0)
    assert abs(scores["Bo Li"] - scores["Bo_Li"]) > 1  # the folder's id would fail this answer
    text = copy.read_text().replace(
        "nps_score = ...  # your answer", f"nps_score = {scores['Bo Li']}"
    )
    return text.replace("vital_features = ...  # your answer", "vital_features = 6")


def test_copies_are_graded_on_their_own_questions_and_the_learner_id_they_record(tmp_path):
    old = tmp_path / "old.ipynb"
    old.write_text(_old_copy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no MissingIDFieldWarning: the grader adds the ids
        nb, topic, own = grading._prepare(old, 0)
    assert all(cell.get("id") for cell in nb.cells)
    assert own == [f"kpis.q{n}" for n in range(1, 8)]
    assert grading._scope(topic, own) == (
        "graded on the 7 questions of this copy; the exercise now has 9"
    )
    assert grading._scope(topic, [*own, "kpis.q8", "kpis.q9"]) == ""
    subs = tmp_path / "subs"
    (subs / "Bo_Li").mkdir(parents=True)
    (subs / "Bo_Li" / "03_kpis.ipynb").write_text(_bo_li_copy(tmp_path))
    (subs / "eve").mkdir()  # a copy of Bo Li's handed in by eve: eve's id, not Bo Li's
    shutil.copy(subs / "Bo_Li" / "03_kpis.ipynb", subs / "eve" / "03_kpis.ipynb")
    (subs / "Cy_Do.ipynb").write_text(STUDENT.read_text())  # no recorded id: the roster's
    items = grading.find_submissions(subs)
    ids = grading._recorded_ids(items, {"Cy_Do": "Cy Do"})
    assert ids == {"Bo_Li": "Bo Li", "Cy_Do": "Cy Do"}
    with pytest.raises(InputError, match="cannot be recorded and read back"):
        build_students(EXERCISES, "Bo\nLi", tmp_path / "x")


def _cohort(subs, tmp_path):
    """Honest and hostile submissions of the kpis exercise; returns the paths they attack."""
    shutil.copy(SOLUTION, subs / "perfect.ipynb")
    (subs / "partial.ipynb").write_text(  # Q1 right, Q2's cell raises, Q7 wrong
        _fill({"nps_score": "kpis.nps(answers())", "ltv_eur": "1 / 0", "vital_features": "99"})
    )
    (subs / "broken.ipynb").write_text('{"cells": [ not json')
    cheat = (
        "import valuelab.course.checks as c, valuelab.course.registry as r\n"
        "c.grade_namespace = lambda *a, **k: None\nc._run = lambda q, a: True\n"
        "r.close = lambda *a, **k: True\nr.set_variant(0)"
    )
    (subs / "cheater.ipynb").write_text(_fill({"nps_score": "'anything'"}, cheat))
    victim, outside = subs / "perfect.ipynb", tmp_path / "escaped.txt"
    snoop = (
        "import os, importlib.util\n"
        f"targets = {[str(SOLUTION), str(subs), str(tmp_path / 'out'), str(victim)]!r}\n"
        "found = [t for t in targets if os.path.exists(t)]\n"
        "found += [m for m in ('valuelab.course.questions.kpis',) if importlib.util.find_spec(m)]\n"
        "assert not found, found\n"
        f"for target in ({str(victim)!r}, {str(outside)!r}, '/opt/valuelab/valuelab/x.py'):\n"
        "    try:\n        open(target, 'w').write('{}')\n    except OSError:\n        pass"
    )
    (subs / "snoop.ipynb").write_text(_fill({"vital_features": "6.0"}, snoop))  # a whole float
    (subs / "twice").mkdir()  # one notebook answered with the wrong type, one empty (untouched)
    (subs / "twice" / "03_kpis.ipynb").write_text(_fill({"vital_features": "'6'"}))
    shutil.copy(
        EXERCISES / "00_start" / "student" / "exercise.ipynb", subs / "twice" / "00_start.ipynb"
    )
    own = SOLUTION.read_text().replace("set_variant(variant)", "set_variant(0)")
    (subs / "own_variant.ipynb").write_text(own)
    loop = "while True:\n    pass"
    nb = nbformat.reads(_fill({"nps_score": "kpis.nps(answers())"}), as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell(loop))
    nb.cells.insert(6, nbformat.v4.new_code_cell("import os\nos.kill(os.getpid(), 9)"))
    (subs / "looper.ipynb").write_text(
        nbformat.writes(nb).replace("vital_features = ...  # your answer", "vital_features = 6")
    )
    (subs / "old_copy.ipynb").write_text(_old_copy())
    (subs / "Bo_Li").mkdir()
    (subs / "Bo_Li" / "03_kpis.ipynb").write_text(_bo_li_copy(tmp_path))
    return victim, victim.read_bytes(), outside


@pytest.mark.slow
@pytest.mark.timed
def test_a_cohort_of_every_kind_gets_honest_rows(tmp_path, monkeypatch, capfd):
    if not sandbox.available() and not IN_CI:
        pytest.skip("bubblewrap cannot start here; `make test` installs it")
    subs = tmp_path / "submissions"
    subs.mkdir()
    victim, before, outside = _cohort(subs, tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = grading.grade(subs, tmp_path / "out", timeout=CELL_TIMEOUT)
    assert [w for w in caught if "nbformat" in w.filename] == []
    noise = ("MissingIDFieldWarning", "running over TCP", "Exception in message handler")
    out, err = capfd.readouterr()
    assert [line for line in (out + err).splitlines() if any(n in line for n in noise)] == []
    rows = {(r["learner"], r["notebook"]): r for r in csv.DictReader(table.open())}
    points = {k[0] if k[0] != "twice" else k: float(r["points"]) for k, r in rows.items()}
    assert points == {
        "perfect": 9.0,
        "partial": 1.0,  # Q1 right; Q2's cell raises, Q7 wrong: the others still count
        "broken": 0.0,
        ("twice", "03_kpis.ipynb"): 0.0,  # the text '6' is not a count
        ("twice", "00_start.ipynb"): 0.0,  # empty: graded on the warm-up's own 4 questions
        "cheater": 0.0,  # replacing the checks inside its kernel changes nothing outside
        "snoop": 1.0,  # saw nothing, wrote nothing; its one right answer (6.0) counts
        "own_variant": 6.0,  # Q1-Q3 follow the learner id's variant, not the notebook's
        "looper": 2.0,  # the loop and the kill are left out; Q1 and Q7 still count
        "old_copy": 7.0,  # handed out before Q8-Q9: graded on its 7 questions
        "Bo Li": 2.0,  # in Bo_Li/, graded with Bo Li's numbers: Q1 (typed in) and Q7
    }, {k: r["error"] for k, r in rows.items()}
    by = {k[0]: r for k, r in rows.items()}
    empty = rows[("twice", "00_start.ipynb")]
    assert (empty["topic"], empty["max_points"], empty["status"]) == ("start", "4.0", "graded")
    assert by["broken"]["status"] == "unreadable" and by["snoop"]["error"] == ""
    assert by["looper"]["error"] == (
        f"cell 5 ran over the {CELL_TIMEOUT} s limit; cell 7 stopped the kernel"
    )
    assert by["partial"]["error"] == "cell 8: ZeroDivisionError: division by zero"
    assert by["perfect"]["percent"] == "100.0" and by["perfect"]["status"] == "graded"
    assert by["old_copy"]["percent"] == "100.0" and by["old_copy"]["max_points"] == "7.0"
    assert (
        by["old_copy"]["note"] == "graded on the 7 questions of this copy; the exercise now has 9"
    )
    assert by["perfect"]["note"] == "" and by["Bo Li"]["notebook"] == "03_kpis.ipynb"
    assert victim.read_bytes() == before and not outside.exists()
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["feedback", "grades.csv", "manifest.json"]
    _assert_feedback(out / "feedback")
    _assert_regrade_grades_only_what_changed(subs, out, monkeypatch)


def _assert_feedback(folder):
    partial = (folder / "partial.html").read_text()
    assert "✅ kpis.q1" in partial and "❌ kpis.q7" in partial and "Hint:" in partial
    assert "<h2>Exercise 3: KPIs and their trade-offs</h2>" in partial
    assert "⬜ kpis.q3: no answer yet" in partial
    looper = (folder / "looper.html").read_text()
    assert f"cell 5 (`while True:`) ran longer than the {CELL_TIMEOUT} s limit per cell" in looper
    assert "CellTimeoutError" not in looper and "---" not in looper
    assert "stopped the Python kernel" in looper
    assert "kpis.q2: no answer, because cell 8 (`ltv_eur = 1 / 0`) raised ZeroDivisionError" in (
        partial
    )
    twice = (folder / "twice.html").read_text()
    assert twice.count("<section>") == 2 and "Exercise 0: warm-up with a sourced dataset" in twice
    assert "expected a whole number, got the text &#x27;6&#x27;" in twice
    old = (folder / "old_copy.html").read_text()
    assert "Graded on the 7 questions of your copy; the exercise now has 9." in old
    assert "Feedback for Bo Li" in (folder / "Bo_Li.html").read_text()
    broken = (folder / "broken.html").read_text()
    assert "broken.ipynb could not be opened as a Jupyter notebook" in broken
    assert "JSON" not in broken and "?:" not in broken


def _assert_regrade_grades_only_what_changed(subs, out, monkeypatch):
    graded = []
    real = grading._grade_one
    monkeypatch.setattr(
        grading, "_grade_one", lambda item, *a: graded.append(item) or real(item, *a)
    )
    # the broken notebook handed in again, readable now but not an exercise: its new row
    # needs no sandbox run (each costs a fresh Python and kernel), the others are kept
    (subs / "broken.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    table = grading.grade(subs, out, timeout=CELL_TIMEOUT)
    assert [s.learner for s in graded] == ["broken"]
    rows = {(r["learner"], r["notebook"]): r for r in csv.DictReader(table.open())}
    assert len(rows) == 11 and rows[("broken", "broken.ipynb")]["error"] == (
        unreadable_note("broken.ipynb", "not_exercise")
    )
    assert rows[("partial", "partial.ipynb")]["points"] == "1.0"
    assert rows[("looper", "looper.ipynb")]["points"] == "2.0"


@pytest.mark.slow
@pytest.mark.timed
def test_no_sandbox_still_runs_each_submission_in_a_fresh_process(tmp_path):
    source = 'from valuelab import check\nrevenue_2024 = 15673\ncheck("start.q1", revenue_2024)'
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    (tmp_path / "subs").mkdir()
    nbformat.write(nb, str(tmp_path / "subs" / "=ada.ipynb"))
    table = grading.grade(tmp_path / "subs", tmp_path / "out", timeout=60, sandboxed=False)
    (row,) = csv.DictReader(table.open())
    assert (row["learner"], row["topic"], row["points"], row["max_points"]) == (
        "'=ada",
        "start",
        "1.0",
        "1.0",
    )  # graded on the questions its copy names; the note tells the instructor the rest
    assert row["note"] == "graded on the 1 question of this copy; the exercise now has 4"
    assert (tmp_path / "out" / "feedback" / "_ada.html").exists()  # a file-safe name


def test_exercise_file_names_map_to_their_topics():
    files = grading.exercise_files()
    assert files["00_start.ipynb"] == "start" and files["01_value_drivers.ipynb"] == "drivers"
    assert files["03_kpis.ipynb"] == "kpis" and len(files) == 6


def test_an_unreadable_file_named_like_an_exercise_is_titled_with_it(tmp_path):
    (tmp_path / "cy").mkdir()
    (tmp_path / "cy" / "00_start.ipynb").write_text('{\n "cells": [')
    row = grading._grade_one(
        grading.Submission("cy", tmp_path / "cy" / "00_start.ipynb"), {}, tmp_path
    )
    assert (row["status"], row["topic"]) == ("unreadable", "start")
    assert row["title"] == "Exercise 0: warm-up with a sourced dataset"


def _graded_row(learner, notebook, points, note=""):
    result = {"question": "start.q1", "hidden": False, "passed": points > 0, "answered": True}
    result |= {"points": points, "max_points": 4.0, "message": "correct"}
    row = {"learner": learner, "notebook": notebook, "topic": "start", "note": note}
    row |= {"title": "Exercise 0: warm-up with a sourced dataset", "notes": []}
    return row | {"status": "graded", "error": "", "results": [result]}


def test_two_copies_of_one_exercise_count_once(tmp_path, monkeypatch):
    """dee hands in 00_start.ipynb and a newer 00_start_v2.ipynb: the exercise's own name counts."""
    subs = tmp_path / "subs"
    (subs / "dee").mkdir(parents=True)
    for name in ("00_start.ipynb", "00_start_v2.ipynb", "03_kpis.ipynb"):
        (subs / "dee" / name).write_text("{}")
    os.utime(subs / "dee" / "00_start.ipynb", (1e9, 1e9))  # the older one
    scores = {"00_start.ipynb": 2.0, "00_start_v2.ipynb": 3.0, "03_kpis.ipynb": 1.0}

    def fake(item, options, tmp):
        row = _graded_row(item.learner, item.path.name, scores[item.path.name])
        if item.path.name == "03_kpis.ipynb":
            row |= {"topic": "kpis", "title": "Exercise 3: KPIs and their trade-offs"}
        return row

    monkeypatch.setattr(grading, "_grade_one", fake)
    table = grading.grade(subs, tmp_path / "out", sandboxed=False)
    rows = list(csv.DictReader(table.open()))
    assert [(r["notebook"], r["points"]) for r in rows] == [
        ("00_start.ipynb", "2.0"),
        ("03_kpis.ipynb", "1.0"),
    ]
    assert rows[0]["note"].startswith("not counted: 00_start_v2.ipynb, another copy")
    page = (tmp_path / "out" / "feedback" / "dee.html").read_text()
    assert "3 of 8 points over 2 notebooks" in page and page.count("<section>") == 2
    assert "Not counted: 00_start_v2.ipynb, another copy" in page
    assert page.count("Exercise 0: warm-up") == 2  # once in the title, once as a heading
    # without a copy named like the exercise, the latest one counts
    (subs / "dee" / "00_start.ipynb").rename(subs / "dee" / "00_start_old.ipynb")
    scores["00_start_old.ipynb"] = 2.0
    table = grading.grade(subs, tmp_path / "out2", sandboxed=False)
    kept = [r["notebook"] for r in csv.DictReader(table.open())]
    assert kept == ["00_start_v2.ipynb", "03_kpis.ipynb"]

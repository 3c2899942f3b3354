import re

import pytest
from support import EXERCISES

from valuelab.core.errors import InputError
from valuelab.course import check, questions, topics

SOLUTIONS = sorted(EXERCISES.glob("*/solution.ipynb"))


def test_check_pass_and_fail_messages(capsys):
    assert check("start.q1", 15673) is True
    assert capsys.readouterr().out.strip() == "✅ start.q1: correct."
    assert check("start.q1", 15000) is False
    out = capsys.readouterr().out
    assert out.startswith("❌ start.q1: not yet. Hint: ")
    assert "15673" not in out and "15,673" not in out, "a hint must not give the answer away"
    assert check("start.q1", ...) is False
    assert "no answer yet" in capsys.readouterr().out


def test_odd_answers_are_wrong_answers_not_crashes():
    assert check("start.q4", "twenty twenty-one", quiet=True) is False
    assert check("start.q2", [0.88], quiet=True) is False
    assert check("start.q2", True, quiet=True) is False


def test_unknown_topic_or_question():
    with pytest.raises(InputError, match="unknown exercise topic 'nope'"):
        check("nope.q1", 1)
    with pytest.raises(InputError, match="did you mean 'start.q1'"):
        check("start.q11", 1)


def test_check_all_summarises_a_namespace(capsys):
    table = check.all({"revenue_2024": 15673, "revenue_multiple": 15673 / 1940})
    assert table["passed"].tolist() == [True, False, True, False]
    assert table["points"].sum() == 2
    assert capsys.readouterr().out.startswith("start: 2/4 passed")
    with pytest.raises(InputError, match="no answer variables"):
        check.all({"x": 1})


def test_every_topic_has_a_solution_notebook():
    folders = {p.parent.name.split("_", 1)[1] for p in SOLUTIONS}
    for topic in topics():
        assert topic in folders or any(topic in f for f in folders), topic


@pytest.mark.slow
@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.parent.name for p in SOLUTIONS])
def test_every_check_passes_on_the_solution(path, run_notebook):
    nb, _ = run_notebook(path)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert sources.count("# BEGIN SOLUTION") == sources.count("# END SOLUTION") > 0
    (topic,) = re.findall(r"check\.all\(globals\(\), \"(\w+)\"\)", sources)
    expected = [q for q in questions(topic) if not q.hidden]
    assert len(expected) >= 4
    texts = "".join(
        o.get("text", "")
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.output_type == "stream"
    )
    assert f"{topic}: {len(expected)}/{len(expected)} passed" in texts
    assert "❌" not in texts
    for q in expected:
        assert f'check("{q.key}"' in sources, f"{q.key} is not asked in {path.name}"


def test_inside_the_grading_sandbox_checks_wait_for_the_grader(monkeypatch, capsys):
    monkeypatch.setenv("VALUELAB_GRADING", "sandbox")
    assert check("start.q1", 15673) is None and check("no.such", 1) is None
    assert check.all({"revenue_2024": 15673}, "start").empty
    assert capsys.readouterr().out == ""

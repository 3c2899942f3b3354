import re

import numpy as np
import pandas as pd
import pytest
from support import EXERCISES

from valuelab.core.errors import InputError
from valuelab.course import check, questions, topics
from valuelab.course.checks import CheckError

SOLUTIONS = sorted(EXERCISES.glob("*/solution.ipynb"))


def test_check_pass_and_fail_messages():
    assert repr(check("start.q1", 15673)) == "✅ start.q1: correct."
    wrong = check("start.q1", 15000)
    assert not wrong and repr(wrong).startswith("❌ start.q1: not yet. Hint: ")
    assert "within ±0.5" in repr(wrong), "the hint states the tolerance"
    assert "15673" not in repr(wrong) and "15,673" not in repr(wrong), "no answer given away"
    assert repr(check("start.q1", ...)).startswith("⬜ start.q1: no answer yet. Hint: ")


def test_a_check_cell_shows_only_the_message_and_prints_nothing(capsys):
    result = check("start.q1", 15673)
    assert capsys.readouterr().out == "" and bool(result) is True and result.passed
    assert result == True and check("start.q1", 1) == False  # noqa: E712
    assert check("start.q1", 15673, quiet=True) is True


def test_type_problems_are_explained():
    assert repr(check("start.q3", "8.08")) == (
        "❌ start.q3: expected a number, got the text '8.08' (write it without quotes)."
    )
    assert repr(check("start.q4", "2021")).startswith(
        "❌ start.q4: expected a whole number (an int), got the text '2021'"
    )
    assert repr(check("start.q4", 2021.9)) == (
        "❌ start.q4: expected a whole number (an int), got 2021.9."
    )
    assert "got True (a yes/no value)" in repr(check("start.q2", True))
    assert "got a list of 1 items" in repr(check("start.q2", [0.88]))
    assert "got a Series of 2 values" in repr(check("start.q1", pd.Series([1, 2])))
    assert "expected a text (str), got 3" in repr(check("drivers.q4", 3))


def test_a_one_element_series_or_array_counts_as_its_value():
    revenue = pd.DataFrame({"year": [2024], "total_revenue_eur_m": [15673.0]})
    assert check("start.q1", revenue["total_revenue_eur_m"], quiet=True)
    assert check("start.q1", np.array([15673]), quiet=True)
    assert check("start.q4", pd.Series([2021], dtype="int64"), quiet=True)
    assert check("start.q4", np.int64(2021), quiet=True) and check("start.q4", 2021.0, quiet=True)


def test_an_answer_rounded_as_the_lesson_prints_it_passes():
    # 15,673 / 1,940 = 8.0789: the lesson prints "8.1-fold"; 13,819 / 15,673 = 0.8817
    assert check("start.q3", 8.1, quiet=True) and check("start.q3", 8.08, quiet=True)
    assert not check("start.q3", 8.2, quiet=True) and not check("start.q3", 8.0, quiet=True)
    assert check("start.q2", 0.88, quiet=True) and not check("start.q2", 0.87, quiet=True)
    assert check("start.q1", 15673.4, quiet=True) and not check("start.q1", 15674, quiet=True)


def test_every_number_question_declares_its_tolerance_in_its_hint():
    for topic in topics():
        for q in questions(topic):
            if q.kind == "number":
                assert q.tol and q.tol > 0, q.key
                assert f"±{q.tol:g}" in repr(check(q.key, -1e12)) or q.hidden, q.key


def test_unknown_topic_or_question_is_one_line():
    with pytest.raises(InputError, match="unknown exercise topic 'nope'"):
        check("nope.q1", 1)
    with pytest.raises(CheckError, match="did you mean 'start.q1'") as info:
        check("start.q11", 1)
    # IPython shows an exception's _render_traceback_ instead of its traceback
    assert info.value._render_traceback_() == [
        "CheckError: check: unknown question 'start.q11'; did you mean 'start.q1'?"
    ]
    with pytest.raises(CheckError, match="did you mean 'start'"):
        check("strat.q1", 1)


def test_check_all_shows_one_table_with_a_mark_for_unanswered(capsys):
    summary = check.all({"revenue_2024": 15673, "revenue_multiple": 2.0})
    assert capsys.readouterr().out == "", "shown once, as the cell's result"
    table = summary.table
    assert table["passed"].tolist() == [True, False, False, False]
    assert table["mark"].tolist() == ["✅", "⬜", "❌", "⬜"]
    assert table["points"].sum() == 1
    lines = repr(summary).splitlines()
    assert lines[0] == "start: 1/4 passed" and len(lines) == 5
    assert lines[2].split() == ["⬜", "start.q2", "`premium_share_2024`", "no", "answer", "yet"]
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
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for c in nb.cells
        for o in c.get("outputs", [])
    )
    assert f"{topic}: {len(expected)}/{len(expected)} passed" in texts
    assert "❌" not in texts
    for q in expected:
        assert f'check("{q.key}"' in sources, f"{q.key} is not asked in {path.name}"


def test_inside_the_grading_sandbox_checks_wait_for_the_grader(monkeypatch, capsys):
    monkeypatch.setenv("VALUELAB_GRADING", "sandbox")
    assert check("start.q1", 15673) is None and check("no.such", 1) is None
    assert check.all({"revenue_2024": 15673}, "start").table.empty
    assert capsys.readouterr().out == ""


def test_ipython_shows_an_unknown_key_as_one_line(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_cell('from valuelab import check\ncheck("start.q11", 1)')
    finally:
        InteractiveShell.clear_instance()
    captured = capsys.readouterr()
    shown = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    assert shown == ["CheckError: check: unknown question 'start.q11'; did you mean 'start.q1'?"]

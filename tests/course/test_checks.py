import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from support import EXERCISES

from valuelab.core.errors import InputError
from valuelab.course import check, questions, topics
from valuelab.course.checks import CheckError

SOLUTIONS = sorted(EXERCISES.glob("*/solution.ipynb"))
TOPIC_OF = {
    "00_start": "start",
    "01_value_drivers": "drivers",
    "02_royalties": "royalties",
    "03_kpis": "kpis",
    "04_okrs": "okrs",
    "05_scoring": "scoring",
}


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
        "❌ start.q3: expected a number, got the text '8.08' (write 8.08, without quotes)."
    )
    assert repr(check("start.q4", "2021")) == (
        "❌ start.q4: expected a whole number, got the text '2021' (write 2021, without quotes)."
    )
    assert repr(check("start.q4", 2021.9)) == "❌ start.q4: expected a whole number, got 2021.9."
    assert "got True (a yes/no value)" in repr(check("start.q2", True))
    assert "got a list of 1 items" in repr(check("start.q2", [0.88]))
    assert "got a Series of 2 values" in repr(check("start.q1", pd.Series([1, 2])))
    assert "expected a text (str), got 3" in repr(check("drivers.q4", 3))


def test_a_number_written_as_text_gets_advice_that_is_valid_python():
    # "write it without quotes" would give 15,673: a tuple in Python
    assert repr(check("start.q1", "15,673")) == (
        "❌ start.q1: expected a number, got the text '15,673' (write 15673, without quotes)."
    )
    assert "(write 8.08, without quotes)" in repr(check("start.q3", " 8.08 "))
    assert repr(check("start.q3", "8.1-fold")) == (
        "❌ start.q3: expected a number, got the text '8.1-fold'."
    )


def test_a_whole_year_written_with_a_decimal_point_is_accepted_as_the_rule_says():
    assert repr(check("start.q4", 2021.0)) == "✅ start.q4: correct."
    assert questions("start")[3].rule == "a year, e.g. 2021"
    said = repr(check("start.q4", 2019))
    assert said == (
        "❌ start.q4: not yet. Hint: The first year in which operating income is above zero. "
        "Accepted: a year, e.g. 2021."
    )
    kpis_q7 = next(q for q in questions("kpis") if q.key == "kpis.q7")
    assert kpis_q7.rule == "a whole number; 12 and 12.0 both count"


def test_a_percentage_for_a_share_and_a_share_for_a_percentage_are_named():
    # 13,819 / 15,673 = 0.8817: 88.17 is the same answer as a percentage
    said = repr(check("start.q2", 88.17))
    assert said.startswith(
        "❌ start.q2: not yet: this looks like a percentage; the answer is a share 0-1"
    )
    assert "percentage" not in repr(check("start.q2", 45)), "45 % is not 0.8817 either"
    # top 10 under user-centric: +20.58 %; 0.2058 is that change as a share
    assert "this looks like a share; the answer is in percent" in repr(
        check("royalties.q6", 0.2058)
    )
    assert check("royalties.q6", 20.6, quiet=True)


def test_every_question_states_what_it_accepts_in_its_question_and_its_hint():
    for solution in SOLUTIONS:
        cells = nbformat.read(solution, as_version=4).cells
        text = " ".join(" ".join(c.source.split()) for c in cells if c.cell_type == "markdown")
        topic = TOPIC_OF[solution.parent.name]
        for q in questions(topic):
            if q.hidden:
                continue
            assert q.rule, f"{q.key} says nothing of what it accepts"
            assert f"*Accepted: {q.rule}.*" in text, f"{q.key}: its question does not say it"
            said = repr(check(q.key, ...))
            assert f" Accepted: {q.rule}." in said and "(Accepted" not in said, q.key


def test_a_wrong_type_is_named_for_every_kind():
    for topic in topics():
        for q in questions(topic):
            if q.hidden or q.kind == "text":
                continue
            wrong = ["revenue"] if q.kind == "dict" else {"revenue": 1}
            said = repr(check(q.key, wrong))
            assert f"expected {q.rule.split(';')[0]}" in said or q.kind in ("number", "integer")
            assert f"got {'a list' if q.kind == 'dict' else 'a dict'} of 1 items" in said, said
    assert repr(check("kpis.q5", "revenue")).endswith(
        "got the text 'revenue': put it in a list, ['revenue', ...]."
    )
    assert "got 3" in repr(check("drivers.q2", 3)) and "a DriverTree" in repr(
        check("drivers.q2", 3)
    )
    assert "got a tuple of 3 items" in repr(check("okrs.q4", (6, 192, 1)))
    assert "got a list holding 1, not a text" in repr(check("okrs.q5", [1]))


#: The six KPIs a 15 % discount makes worse in the default funnel (conflicts' index).
WORSE = [
    "aov",
    "gross_margin",
    "gross_margin_pct",
    "contribution",
    "contribution_margin_pct",
    "margin_per_order",
]


def test_kpis_q5_takes_the_keys_or_the_names_in_words_in_any_order():
    words = [
        "Contribution per order",
        "average order value",
        "Gross profit",
        "Gross margin",
        "Contribution",
        "Contribution margin",
    ]
    assert check("kpis.q5", WORSE, quiet=True) and check("kpis.q5", set(WORSE[::-1]), quiet=True)
    assert check("kpis.q5", words, quiet=True)
    assert check("kpis.q5", ["Average order value (EUR)", *WORSE[1:]], quiet=True)  # a title
    # the trap: gross_margin is the Gross profit in EUR, so "Gross margin" twice misses it
    assert not check(
        "kpis.q5", [w.replace("Gross profit", "Gross margin") for w in words], quiet=True
    )
    assert not check("kpis.q5", WORSE[:-1], quiet=True)
    assert not check("kpis.q5", [*WORSE, "revenue"], quiet=True)
    assert "`gross_margin` is the Gross profit" in repr(check("kpis.q5", ["revenue"]))


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

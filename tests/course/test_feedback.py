"""Feedback pages: one per learner, every notebook, exercise titles, plain sentences, escaped."""

from valuelab.course import feedback


def _row(notebook, title, results, notes=()):
    return {"notebook": notebook, "title": title, "results": results, "notes": list(notes)}


def _result(key, passed, points=1.0, answered=True, message="correct"):
    return {
        "question": key,
        "hidden": False,
        "passed": passed,
        "answered": answered,
        "points": points if passed else 0.0,
        "max_points": points,
        "message": message,
    }


def test_one_page_covers_every_notebook_titled_with_the_exercise_names():
    rows = [
        _row("00_start.ipynb", "Exercise 0: warm-up", [_result("start.q1", True)]),
        _row(
            "03_kpis.ipynb",
            "Exercise 3: KPIs and their trade-offs",
            [_result("kpis.q1", False), _result("kpis.q2", False, answered=False)],
        ),
    ]
    page = feedback.page("ada@example.org", rows)
    assert "<title>Feedback for ada@example.org: Exercise 0: warm-up, Exercise 3: KPIs" in page
    assert page.count("<section>") == 2 and "<h2>Exercise 3: KPIs and their trade-offs</h2>" in page
    assert "1 of 3 points over 2 notebooks" in page
    assert "✅ start.q1" in page and "❌ kpis.q1" in page and "⬜ kpis.q2" in page
    assert "<h2>kpis</h2>" not in page


def test_cell_notes_name_the_cell_the_limit_and_what_to_do():
    label = feedback.cell_label(5, "\n   while True:\n        pass")
    assert label == "cell 5 (`while True:`)"
    assert feedback.cell_label(2, "x = " + "1" * 60) == "cell 2 (`x = " + "1" * 35 + "…`)"
    note = feedback.timeout_note(label, 60)
    assert note.startswith("cell 5 (`while True:`) ran longer than the 60 s limit per cell")
    assert "Restart Kernel and Run All Cells" in note and "resubmit" in note
    assert "CellTimeoutError" not in note and "---" not in note
    assert "stopped the Python kernel" in feedback.dead_kernel_note(label)
    assert feedback.error_note(label, "ZeroDivisionError: division by zero").startswith(
        "cell 5 (`while True:`) raised ZeroDivisionError: division by zero. Fix it"
    )


def test_an_unreadable_file_gets_a_plain_sentence():
    damaged = feedback.unreadable_note("ada.ipynb", "damaged")
    assert damaged.startswith("ada.ipynb could not be opened as a Jupyter notebook")
    assert "JSON" not in damaged and "Error" not in damaged
    assert "over 20 MB" in feedback.unreadable_note("x.ipynb", "big")
    assert "no check(...) calls" in feedback.unreadable_note("x.ipynb", "not_exercise")
    page = feedback.page("ada", [_row("ada.ipynb", "", [], [damaged])])
    assert "<h2>ada.ipynb</h2>" in page and "could not be opened" in page
    assert "0 / 0 points" not in page and "?:" not in page


def test_what_learners_control_is_escaped():
    rows = [_row("<img src=x onerror=alert(1)>.ipynb", "", [], ["<script>x</script>"])]
    page = feedback.page("<b>", rows)
    assert "<img" not in page and "<script>" not in page and "&lt;script&gt;" in page


def test_a_page_of_unreadable_files_says_not_graded_and_is_titled_with_the_exercise():
    damaged = feedback.unreadable_note("00_start.ipynb", "damaged")
    row = _row("00_start.ipynb", "Exercise 0: warm-up", [], [damaged])
    page = feedback.page("cy", [row])
    assert "<title>Feedback for cy: Exercise 0: warm-up</title>" in page
    assert "<p>Not graded. ✅" in page and "Notebook: 00_start.ipynb — not graded" in page
    assert "0 of 0" not in page and "0 / 0" not in page
    graded = _row("03_kpis.ipynb", "Exercise 3: KPIs", [_result("kpis.q1", True, points=2.0)])
    both = feedback.page("cy", [row, graded])
    assert "2 of 2 points over 1 notebook. 1 notebook not graded." in both

import shutil

import nbformat
import pytest
from support import NOTEBOOKS

from valuelab.course.site import BuildError, build, notebook_title
from valuelab.reports import plotly_bundles


@pytest.mark.slow
def test_build_writes_lessons_reports_and_an_index_and_survives_a_broken_notebook(tmp_path):
    src = tmp_path / "notebooks"
    (src / "reports").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "00_start_here.ipynb", src)
    shutil.copy(NOTEBOOKS / "reports" / "spotify_year.ipynb", src / "reports")
    (src / "reports" / "samples.yaml").write_text("spotify_year.ipynb:\n  - {year: 2021}\n")
    broken = nbformat.v4.new_notebook()
    broken.cells = [
        nbformat.v4.new_markdown_cell("# Broken\nA lesson that fails."),
        nbformat.v4.new_code_cell("1 / 0"),
    ]
    broken.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(broken, src / "99_broken.ipynb")

    out = tmp_path / "build"
    with pytest.raises(
        BuildError, match="1 of 3 notebooks failed: 99_broken.ipynb: .*ZeroDivisionError"
    ):
        build(out, notebooks_dir=src)

    index = (out / "index.html").read_text()
    assert "course/00_start_here.html" in index
    assert "reports/spotify_year_2021.html" in index
    assert "failed: " in index and "ZeroDivisionError" in index

    lesson = (out / "course" / "00_start_here.html").read_text()
    assert "EUR 15,673 m" in lesson  # computed figure in the executed lesson
    assert '<div class="highlight' in lesson  # lessons keep their code

    report = (out / "reports" / "spotify_year_2021.html").read_text()
    assert "9,668 EUR m" in report and "+22.7 %" in report  # 2021 revenue and change vs 2020
    assert '<div class="highlight' not in report, "reports for stakeholders show no code"
    basic = next(iter(plotly_bundles()))  # the report's charts are bars and lines
    assert "Plotly.newPlot" in report and f'<script src="../assets/{basic}">' in report
    assert len(report.encode()) < 1_000_000, "plotly.js is shared, not inlined per page"
    assert sorted(p.name for p in (out / "assets").iterdir()) == [basic]
    assert "vnd.valuelab.record" not in report


def test_notebook_title():
    title, question = notebook_title(NOTEBOOKS / "00_start_here.ipynb")
    assert title == "Start here: valuelab in 15 minutes"
    assert question.startswith("how do we go from a table")


def test_index_links_quote_and_escape_notebook_names(tmp_path):
    from valuelab.course.site import Page, _index

    name = "it's <b>#1 & more"
    page = Page(
        "lesson",
        tmp_path / f"{name}.ipynb",
        tmp_path / "course" / f"{name}.html",
        "A <title>",
        "Why?",
        {},
    )
    index = _index([page], [], tmp_path).read_text()
    assert "href='course/it%27s%20%3Cb%3E%231%20%26%20more.html'" in index
    assert "<b>" not in index and ">A &lt;title&gt;</a>" in index

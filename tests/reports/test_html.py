"""Reports HTML: no code, charts that need no network, error pages."""

from __future__ import annotations

import re

from valuelab.core.errors import InputError
from valuelab.reports import read_records
from valuelab.reports.engine import KernelWorker, ReportError
from valuelab.reports.html import error_page, to_html


def test_report_html_has_no_code_and_charts_that_need_no_network(toy):
    with KernelWorker() as worker:
        nb = worker.run(toy, {"n": 4})
    assert read_records(nb)["n_squared"] == 16
    page = to_html(nb, plotly_js="assets/plotly.min.js")
    assert "plotly-graph-div" in page and '<script src="assets/plotly.min.js">' in page
    assert "record(" not in page and "import plotly" not in page, "no code in a report"
    assert not re.search(r"<script[^>]+src=\"https?://", page), "nothing from the network"
    assert len(page.encode()) < 1_000_000
    inline = to_html(nb)
    assert "plotly-graph-div" in inline and len(inline.encode()) > 3_000_000  # plotly.js inlined


def test_error_page_names_the_report_the_values_the_error_and_the_cell():
    err = ReportError(
        "toy.ipynb", "raise ValueError(x)", "ValueError", "\x1b[31mno data for <beta>\x1b[0m"
    )
    page = error_page("toy.ipynb", {"label": "<beta>", "n": 2}, err)
    assert "<title>Failed: toy.ipynb</title>" in page
    assert (
        "<td>label</td><td>&#x27;&lt;beta&gt;&#x27;</td>" in page and "<td>n</td><td>2</td>" in page
    )
    assert "ValueError: no data for &lt;beta&gt;" in page and "\x1b" not in page  # no colours
    assert "<h2>The cell that failed</h2><pre>raise ValueError(x)</pre>" in page
    plain = error_page("toy.ipynb", {}, InputError("n='x' is not a valid int", source="toy"))
    assert "toy: n=&#x27;x&#x27; is not a valid int" in plain and "cell that failed" not in plain
    other = error_page("toy.ipynb", {}, TimeoutError("cell took too long"))
    assert "TimeoutError: cell took too long" in other

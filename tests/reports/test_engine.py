"""Reports engine: typed parameters, warm isolated kernels, atomic writes, batches, Dask."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from support import ROOT

from valuelab.core.errors import InputError
from valuelab.reports import read_records
from valuelab.reports.batch import read_rows, run_batch
from valuelab.reports.engine import KernelWorker, to_html
from valuelab.reports.params import coerce, fields

REPORT = ROOT / "notebooks" / "reports" / "spotify_year.ipynb"


def _template(path: Path, params: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {path.stem}"))
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells.append(p)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def toy(tmp_path):
    """A template that records its inputs, reads a data file, and fails when asked to."""
    data = tmp_path / "data.csv"
    data.write_text("x\n1\n")
    return _template(
        tmp_path / "toy.ipynb",
        'n = 1  # a number\nlabel = "a"  # a label\nfail = False  # raise midway\n'
        f'data = "{data}"  # a data file',
        "from valuelab.reports import record\nimport plotly.express as px\n"
        "record('n_squared', n * n)\nrecord('label', label)",
        "px.bar(x=['a', 'b'], y=[n, 2 * n])",
        "if fail:\n    raise ValueError(f'no data for {label}')",
        "record('data_rows', len(open(data).read().splitlines()) - 1)",
    )


def test_parameters_are_read_typed_and_checked_before_any_kernel(toy):
    specs = fields(toy)
    assert [(s["name"], s["type"], s["default"]) for s in specs] == [
        ("n", "int", 1),
        ("label", "str", "a"),
        ("fail", "bool", False),
        ("data", "str", specs[3]["default"]),
    ]
    assert specs[0]["help"] == "a number"
    assert coerce(specs, {"n": "3", "fail": "yes"}, "toy") == {"n": 3, "fail": True}
    with pytest.raises(InputError) as info:
        coerce(specs, {"nn": 1, "n": "2.5", "fail": "maybe"}, "toy.ipynb")
    msg = str(info.value)
    assert "unknown parameter 'nn'; did you mean 'n'? (valid: n, label, fail, data)" in msg
    assert "n='2.5' is not a valid int" in msg and "fail='maybe' is not a valid bool" in msg
    required = _template(toy.parent / "req.ipynb", "customer_id = None  # required")
    with pytest.raises(InputError, match="missing required parameter 'customer_id'"):
        coerce(fields(required), {}, "req.ipynb")


def test_a_report_never_sees_the_previous_reports_variables(tmp_path):
    first = _template(tmp_path / "a.ipynb", "x = 1", "secret = 42")
    second = _template(
        tmp_path / "b.ipynb",
        "x = 1",
        "from valuelab.reports import record\nrecord('leaked', 'secret' in globals())",
    )
    with KernelWorker() as worker:
        worker.run(first, {})
        nb = worker.run(second, {})
        pid_runs = worker.reports
    assert read_records(nb) == {"leaked": False}
    assert pid_runs == 2  # both ran on the same warm kernel


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


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "valuelab", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_cli_report_is_atomic_and_exits_by_the_rules(toy, tmp_path):
    out = tmp_path / "out" / "r.html"
    done = _cli("report", str(toy), "-p", "n", "3", "-o", str(out), "--keep-notebook")
    assert done.returncode == 0, done.stderr
    assert out.exists() and out.with_suffix(".ipynb").exists()
    bad = _cli("report", str(toy), "-p", "m", "3", "-o", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "unknown parameter 'm'" in bad.stderr and not (tmp_path / "x.html").exists()
    broken = tmp_path / "broken.html"
    failed = _cli("report", str(toy), "-p", "fail", "true", "-o", str(broken))
    assert failed.returncode == 1 and "ValueError: no data for a" in failed.stderr
    assert not broken.exists(), "a failed report leaves no file"
    assert not list(tmp_path.rglob("*.part")), "no half-written file either"


@pytest.mark.slow
def test_batch_isolates_failures_resumes_and_indexes(toy, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("label,n,fail\nalpha,1,false\nbeta,2,true\ngamma,3,false\ndelta,x,false\n")
    out = tmp_path / "batch"
    result = run_batch(toy, read_rows(rows), out, workers=2, name="label", quiet=True)
    status = {i.name: i.status for i in result.items}
    assert status == {
        "alpha.html": "ok",
        "beta.html": "failed",
        "gamma.html": "ok",
        "delta.html": "failed",
    }
    beta = (out / "beta.html").read_text()
    assert "ValueError: no data for beta" in beta and "raise ValueError" in beta  # cell shown
    assert "n=&#x27;x&#x27; is not a valid int" in (out / "delta.html").read_text()
    index = (out / "index.html").read_text()
    assert index.count("<tr class=") == 4 and "2 failed" in index
    assert "<a href='gamma.html'>" in index and "<td>9</td>" in index  # gamma's n_squared
    assert (out / "assets" / "plotly.min.js").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["alpha.html"]["status"] == "ok"

    again = run_batch(toy, read_rows(rows, ["fail=false"]), out, name="label", quiet=True)
    assert {i.name: i.status for i in again.items}["alpha.html"] == "skipped"
    data = Path(fields(toy)[3]["default"])
    data.write_text("x\n1\n2\n")  # the data changed: re-render
    third = run_batch(toy, read_rows(rows, ["label=alpha"]), out, name="label", quiet=True)
    assert third.items[0].status == "ok" and third.items[0].records["data_rows"] == 2
    forced = run_batch(
        toy, read_rows(rows, ["label=alpha"]), out, name="label", force=True, quiet=True
    )
    assert forced.items[0].status == "ok"


@pytest.mark.slow
def test_batch_cli_exit_codes_and_unknown_columns(toy, tmp_path):
    rows = tmp_path / "rows.yaml"
    rows.write_text("- {n: 1}\n- {n: 2, fail: true}\n")
    done = _cli("batch", str(toy), "--params-from", str(rows), "--out", str(tmp_path / "b"))
    assert done.returncode == 1 and "1 rendered, 0 up to date, 1 failed" in done.stdout
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("nn\n1\n")
    bad = _cli("batch", str(toy), "--params-from", str(wrong), "--out", str(tmp_path / "c"))
    assert bad.returncode == 2 and "did you mean 'n'" in bad.stderr
    assert not (tmp_path / "c").exists(), "no kernel, no output for a misspelled column"


@pytest.mark.slow
def test_batch_runs_on_a_dask_local_cluster(toy, tmp_path):
    rows = [{"n": 2}, {"n": 3, "fail": "true"}, {"n": 4}]
    result = run_batch(toy, rows, tmp_path / "dask", workers=2, dask="local", quiet=True)
    assert [i.status for i in result.items] == ["ok", "failed", "ok"]
    assert [i.records.get("n_squared") for i in result.items] == [4, None, 16]
    assert "plotly-graph-div" in (tmp_path / "dask" / result.items[2].name).read_text()
    again = run_batch(toy, rows, tmp_path / "dask", workers=2, dask="local", quiet=True)
    assert [i.status for i in again.items] == ["skipped", "failed", "skipped"]


@pytest.mark.browser
def test_a_batch_report_draws_its_chart_from_disk_with_the_network_off(toy, tmp_path, browser):
    result = run_batch(toy, [{"n": 5}], tmp_path / "b", workers=1, quiet=True)
    page_path = tmp_path / "b" / result.items[0].name
    context = browser.new_context(offline=True)
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(page_path.as_uri())
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot .bars").count() >= 1
    assert failed == []
    context.close()


def test_where_filters_are_parsed_not_evaluated(tmp_path):
    rows = tmp_path / "r.csv"
    rows.write_text("a,b\n1,x\n2,y\n")
    assert read_rows(rows, ["a=2"]) == [{"a": "2", "b": "y"}]
    with pytest.raises(InputError, match="cannot read --where"):
        read_rows(rows, ["__import__('os').system('true')"])
    with pytest.raises(InputError, match="no column 'c'"):
        read_rows(rows, ["c=1"])


def test_report_template_sample_runs_on_a_warm_kernel():
    with KernelWorker() as worker:
        nb = worker.run(REPORT, {"year": 2021})
    assert read_records(nb)["total_revenue_eur_m"] == 9668

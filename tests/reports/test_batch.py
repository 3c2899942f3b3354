"""Batches of reports: isolated failures, resuming, the index, Dask, --where filters."""

import json
from pathlib import Path

import pytest
from support import run_valuelab

from valuelab.core.errors import InputError
from valuelab.reports.batch import BatchResult, Item, fingerprint, read_rows, run_batch
from valuelab.reports.params import fields


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
    done = run_valuelab("batch", str(toy), "--params-from", str(rows), "--out", str(tmp_path / "b"))
    assert done.returncode == 1 and "1 rendered, 0 up to date, 1 failed" in done.stdout
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("nn\n1\n")
    bad = run_valuelab("batch", str(toy), "--params-from", str(wrong), "--out", str(tmp_path / "c"))
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


def test_rows_from_yaml_and_what_is_refused(tmp_path):
    rows = tmp_path / "rows.yml"
    rows.write_text("- {year: 2021, segment: SMB}\n- {year: 2022, segment: Enterprise}\n")
    assert read_rows(rows) == [
        {"year": 2021, "segment": "SMB"},
        {"year": 2022, "segment": "Enterprise"},
    ]
    assert read_rows(rows, ["year=2022"]) == [{"year": 2022, "segment": "Enterprise"}]
    assert read_rows(rows, ["segment != SMB", "year=2021"]) == []  # every filter must hold
    mapping = tmp_path / "one.yaml"
    mapping.write_text("year: 2021\n")
    with pytest.raises(InputError, match="one.yaml: not a list of mappings"):
        read_rows(mapping)
    with pytest.raises(InputError, match="cannot read"):
        read_rows(tmp_path / "missing.csv")


def test_fingerprint_follows_the_template_the_parameters_and_a_named_file(tmp_path):
    template = tmp_path / "t.ipynb"
    template.write_text("{}")
    data = tmp_path / "accounts.csv"
    data.write_text("a\n1\n")
    base = fingerprint(template, {"year": 2021, "file": str(data)})
    assert base == fingerprint(template, {"file": str(data), "year": 2021})  # order-free
    assert base != fingerprint(template, {"year": 2022, "file": str(data)})
    data.write_text("a\n2\n")
    assert base != fingerprint(template, {"year": 2021, "file": str(data)})
    changed = fingerprint(template, {"year": 2021, "file": str(data)})
    template.write_text('{"cells": []}')
    assert changed != fingerprint(template, {"year": 2021, "file": str(data)})
    assert len(base) == 64  # a sha256


def test_batch_result_counts_and_summary(tmp_path):
    items = [Item("a.html", {}, "ok"), Item("b.html", {}, "failed"), Item("c.html", {}, "ok")]
    items.append(Item("d.html", {}, "skipped"))
    result = BatchResult(items, tmp_path / "index.html")
    assert result.count("ok") == 2 and result.failed == 1
    assert result.summary() == f"2 rendered, 1 up to date, 1 failed - {tmp_path / 'index.html'}"


def test_an_unknown_column_fails_the_batch_before_any_kernel(toy, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(InputError, match="unknown parameter 'nn'; did you mean 'n'"):
        run_batch(toy, [{"nn": 1}], out, quiet=True)
    assert not out.exists()


def test_the_fingerprint_changes_with_valuelabs_version(toy, monkeypatch):
    import valuelab
    from valuelab.reports import fingerprint

    before = fingerprint(toy, {"n": 1})
    assert fingerprint(toy, {"n": 1}) == before
    monkeypatch.setattr(valuelab, "__version__", "99.0", raising=False)
    assert fingerprint(toy, {"n": 1}) != before, "an upgrade re-renders"

"""Batches of reports: isolated failures, resuming, the index, Dask, --where filters."""

import json
import re
from pathlib import Path

import pytest
from support import run_valuelab, write_template

from valuelab.core.errors import InputError
from valuelab.reports.batch import BatchResult, Item, fingerprint, run_batch
from valuelab.reports.html import plotly_bundles
from valuelab.reports.inputs import read_rows
from valuelab.reports.params import fields

BASIC = next(iter(plotly_bundles()))


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
    assert [p.name for p in (out / "assets").iterdir()] == [BASIC]  # bar charts: basic, once
    assert f'<script src="assets/{BASIC}">' in (out / "alpha.html").read_text()
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
@pytest.mark.timed
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


# --- batches that survive ---------------------------------------------------------------


def _statuses(out: Path) -> dict[str, str]:
    return {k: v["status"] for k, v in json.loads((out / "manifest.json").read_text()).items()}


def test_rows_named_alike_get_distinct_files_and_never_the_index(toy, tmp_path):
    rows = [{"label": v, "n": "x"} for v in ["A", "A", "A-2", "index"]]  # n fails: no kernel
    rows.append({"label": "é" * 300, "n": "x"})  # 600 bytes: once a crash in fingerprinting
    out = tmp_path / "out"
    result = run_batch(toy, rows, out, name="label", quiet=True)
    names = ["A.html", "A-3.html", "A-2.html", "index-2.html", "report.html"]
    assert [i.name for i in result.items] == names
    assert all("is not a valid int" in (out / n).read_text() for n in names)  # 4 error pages
    assert "<table>" in (out / "index.html").read_text()  # the index is the index
    assert _statuses(out) == dict.fromkeys(names, "failed")


def test_a_subset_merges_into_the_manifest_and_the_index(toy, tmp_path):
    rows = [{"label": v, "n": "x"} for v in ["a", "b", "c"]]
    out = tmp_path / "out"
    run_batch(toy, rows, out, name="label", quiet=True)
    again = run_batch(toy, rows, out, name="label", quiet=True, only=[rows[1]])
    assert [i.name for i in again.items] == ["b.html"]
    assert set(_statuses(out)) == {"a.html", "b.html", "c.html"}  # not shrunk to b
    index = (out / "index.html").read_text()
    assert index.count("<tr class=") == 3 and index.index("a.html") < index.index("c.html")
    with pytest.raises(InputError, match="only: a row to render is not among the rows"):
        run_batch(toy, rows, out, name="label", quiet=True, only=[{"label": "z", "n": "x"}])


@pytest.mark.parametrize("content", [b"[]", b"null", b"{bad json", b"\xff\xfe{}"])
def test_a_corrupt_manifest_is_reported_once_and_replaced(toy, tmp_path, capsys, content):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(content)
    result = run_batch(toy, [{"n": "x"}], out, name="n")
    assert len(result.warnings) == 1 and "manifest.json: " in result.warnings[0]
    assert result.warnings[0].endswith("ignored, every report is rendered again")
    lines = capsys.readouterr().err.strip().splitlines()
    assert f"warning: {result.warnings[0]}" in lines
    assert _statuses(out) == {"x.html": "failed"}  # a good manifest again


def test_a_page_that_cannot_be_written_fails_its_row(toy, tmp_path):
    out = tmp_path / "out"
    (out / "b.html").mkdir(parents=True)  # a folder where the page goes
    result = run_batch(toy, [{"label": "a", "n": "x"}, {"label": "b", "n": "y"}], out, name="label")
    b = result.items[1]
    assert b.status == "failed" and b.error == "cannot write b.html: Is a directory"
    assert _statuses(out)["b.html"] == "failed" and (out / "a.html").is_file()


def test_an_unwritable_output_folder_fails_before_any_kernel(toy, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match=r"file/out: cannot write there: Not a directory"):
        run_batch(toy, [{"n": 1}], blocker / "out", quiet=True)


def test_a_busy_output_folder_is_refused(toy, tmp_path):
    from valuelab.reports.output import lock_folder

    out = tmp_path / "out"
    out.mkdir()
    with lock_folder(out), pytest.raises(InputError, match=f"{out}: in use by another batch"):
        run_batch(toy, [{"n": "x"}], out, quiet=True)
    assert not (out / "manifest.json").exists()


def test_fingerprint_takes_long_values_and_odd_ones(tmp_path):
    template = tmp_path / "t.ipynb"
    template.write_text("{}")
    long_value = "x" * 300  # too long for a file name: stat() raises ENAMETOOLONG
    assert fingerprint(template, {"a": long_value}) != fingerprint(template, {"a": "x" * 299})
    assert len(fingerprint(template, {"a": "nul\x00byte", "b": str(tmp_path)})) == 64


LIGHT = ('label = "a"  # a label', "from valuelab.reports import record\nrecord('label', label)")


@pytest.mark.slow
def test_a_write_error_fails_its_row_the_exit_code_and_where_merges(tmp_path):
    template = write_template(tmp_path / "light.ipynb", *LIGHT)
    rows = tmp_path / "rows.csv"
    long_label = "x" * 300  # once a crash in fingerprinting (stat: file name too long)
    rows.write_text(f"label\nA\nA\nA-2\nindex\n{long_label}\n")
    out = tmp_path / "out"
    (out / "A-3.html").mkdir(parents=True)  # the second A's page cannot be written
    args = ("batch", str(template), "--params-from", str(rows), "--out", str(out))
    done = run_valuelab(*args, "--name", "label", "--workers", "1")
    assert done.returncode == 1 and "4 rendered, 0 up to date, 1 failed" in done.stdout
    statuses = _statuses(out)
    long_name = next(n for n in statuses if n.startswith("x" * 60))
    assert len(long_name) < 90 and (out / long_name).is_file()
    assert statuses == {
        "A.html": "ok",
        "A-2.html": "ok",
        "A-3.html": "failed",
        "index-2.html": "ok",
        long_name: "ok",
    }
    assert (out / "A-3.html").is_dir()  # never marked ok
    assert "<table>" in (out / "index.html").read_text()
    where = run_valuelab(*args, "--name", "label", "--where", "label=A-2")
    assert where.returncode == 0 and "0 rendered, 1 up to date, 0 failed" in where.stdout
    assert _statuses(out) == statuses  # merged, not shrunk
    assert (out / "index.html").read_text().count("<tr class=") == 5


HELD = (
    "import os, time\n"
    "while label != 'r1' and os.path.isdir({hold!r}):  # r1 renders, then the batch waits\n"
    "    time.sleep(0.05)"
)


@pytest.mark.slow
@pytest.mark.timed
def test_ctrl_c_mid_batch_then_a_rerun_renders_only_what_is_missing(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    hold = tmp_path / "hold"
    hold.mkdir()
    template = write_template(
        tmp_path / "held.ipynb", LIGHT[0], HELD.format(hold=str(hold)), LIGHT[1]
    )
    rows = tmp_path / "rows.csv"
    rows.write_text("label\nr1\nr2\nr3\nr4\n")
    out = tmp_path / "out"
    argv = ["batch", str(template), "--params-from", str(rows), "--out", str(out)]
    run = subprocess.Popen(
        [sys.executable, "-m", "valuelab", *argv, "--name", "label", "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (out / "manifest.json").exists() or "ok" not in _statuses(out).values():
        assert run.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    second = run_valuelab(*argv)  # while the first batch holds the folder
    assert second.returncode == 2 and second.stderr.count("\n") == 1
    assert f"error: {out}: in use by another batch: process {run.pid} on " in second.stderr
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and err.rstrip().endswith("\nerror: interrupted")
    assert "Traceback" not in err
    assert _statuses(out) == {"r1.html": "ok"} and (out / "r1.html").is_file()
    hold.rmdir()
    again = run_batch(template, read_rows(rows), out, name="label", workers=1, quiet=True)
    assert [i.status for i in again.items] == ["skipped", "ok", "ok", "ok"]


def test_index_links_are_quoted_and_escaped():
    from valuelab.reports.batch import _index

    items = [Item(name="a'b <c>.html", params={"x": "<i>"}, status="failed", error="<e>")]
    page = _index(Path("t.ipynb"), items)
    assert "<a href='a%27b%20%3Cc%3E.html'>a&#x27;b &lt;c&gt;.html</a>" in page
    assert "<i>" not in page and "&lt;e&gt;" in page


def test_the_fingerprint_changes_with_valuelabs_version(toy, monkeypatch):
    import valuelab
    from valuelab.reports import fingerprint

    before = fingerprint(toy, {"n": 1})
    assert fingerprint(toy, {"n": 1}) == before
    monkeypatch.setattr(valuelab, "__version__", "99.0", raising=False)
    assert fingerprint(toy, {"n": 1}) != before, "an upgrade re-renders"


# --- batches on the analyst's databases ---------------------------------------------------

#: A template reading accounts from a ``source`` the way the report templates do.
_ACCOUNTS_TEMPLATE = (
    'segment = "SMB"  # a segment\nsource = ""  # accounts\nmapping = ""  # a mapping',
    "from valuelab.data.sources import open_source\nfrom valuelab.reports import record\n"
    "src = open_source(source, mapping or None, kind='accounts')\n"
    "t = src.table.filter(src.table.segment == segment)\n"
    "record('arr', float(t.arr.sum().to_pyarrow().as_py()))",
)


def _accounts(n: int = 6):
    from valuelab.data.datasets import load

    return load("accounts").groupby("segment", observed=True).head(n // 3).reset_index(drop=True)


@pytest.mark.slow
def test_a_database_source_re_renders_only_the_reports_on_the_table_that_changed(tmp_path):
    import duckdb

    template = write_template(tmp_path / "t.ipynb", *_ACCOUNTS_TEMPLATE)
    db = tmp_path / "crm.duckdb"
    accounts = _accounts()
    with duckdb.connect(str(db)) as con:
        for table in ("east", "west"):
            con.register("frame", accounts)
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM frame")
    rows = [{"segment": "SMB", "source": f"duckdb://{db}?table={t}"} for t in ("east", "west")]
    rows.append({"segment": "SMB", "source": f"duckdb://{db}?table=north"})  # no such table
    out = tmp_path / "out"
    first = run_batch(template, rows, out, workers=1, name="source", quiet=True)
    assert [i.status for i in first.items] == ["ok", "ok", "failed"]  # one bad item, the rest go on
    assert "no table 'north'" in first.items[2].error
    smb = accounts.query("segment == 'SMB'")["arr_eur"]
    assert first.items[0].records["arr"] == pytest.approx(smb.sum())  # the oracle: pandas
    entry = json.loads((out / "manifest.json").read_text())[first.items[1].name]
    assert entry["source"] == {
        "source": f"duckdb:///{str(db).lstrip('/')}",
        "kind": "duckdb",
        "freshness": None,  # accounts declare no freshness column: the row count stands in
        "rows": len(accounts),
    }
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM west WHERE arr_eur = ?", [smb.max()])
    again = run_batch(template, rows[:2], out, workers=1, name="source", quiet=True)
    assert [i.status for i in again.items] == ["skipped", "ok"]  # east is up to date
    assert again.items[1].records["arr"] == pytest.approx(smb.sum() - smb.max())


def test_a_url_with_a_password_is_refused_and_never_echoed(toy, tmp_path):
    out = tmp_path / "out"
    secret = "postgresql://analyst:hunter2@db.example.com/shop"
    with pytest.raises(InputError) as err:
        run_batch(toy, [{"n": 1}, {"n": 2, "label": secret}], out, quiet=True)
    assert "parameter 'label' holds a URL with a password: refused" in str(err.value)
    assert "row 2" in str(err.value) and "hunter2" not in str(err.value)
    with pytest.raises(InputError, match="-p: .*'label' holds a URL") as err:
        run_batch(toy, [{"n": 1}], out, quiet=True, constants={"label": secret})
    assert "hunter2" not in str(err.value) and not out.exists()  # nothing written


_USD_LOG = """cust_id,day,what,usd,fees,score,tier
007,20240115,signup,,,,gold
007,20240116,buy,100.0,40.0,,gold
12,20240120,signup,,,,silver
12,20240210,buy,30.0,10.0,,silver
12,20240220,survey,,,9,silver
007,20240222,buy,10.0,4.0,,gold
007,20240225,buy,-5.0,,,gold
007,20240301,buy,50.0,20.0,,gold
"""


@pytest.mark.slow
def test_product_kpis_renders_one_report_per_segment_in_the_declared_currency(tmp_path):
    """`valuelab batch product_kpis --params-from segments.csv` on a mapped USD log."""
    from support import NOTEBOOKS

    log, mapping = tmp_path / "orders.csv", tmp_path / "orders.yaml"
    log.write_text(_USD_LOG)
    mapping.write_text(
        "user: cust_id\ntime: day\nevent: what\namount: usd\ncost: fees\nnps: score\n"
        "segment: tier\ncurrency: USD\nrefunds: separate\n"
    )
    template = NOTEBOOKS / "reports" / "product_kpis.ipynb"
    constants = {"source": str(log), "mapping": str(mapping), "value_event": "buy"}
    rows = [{"segment": "gold"}, {"segment": "silver"}]
    result = run_batch(template, rows, tmp_path / "out", constants=constants, quiet=True)
    assert not result.failed
    for segment, months in (("gold", "3 months (1 complete)"), ("silver", "2 months (0 complete)")):
        page = (tmp_path / "out" / f"{segment}.html").read_text()
        assert f"<strong>{segment}</strong> · {months}" in page
        assert "money in <strong>USD</strong>" in page and "EUR" not in page
        assert "Margin per customer, gross: refunds kept apart (USD per customer)" in page
        assert '"circle-open"' in page  # the partial first and last months, drawn hollow
    gold = (tmp_path / "out" / "gold.html").read_text()  # February, its one complete month
    assert "margin per customer <strong>6.00 USD per customer</strong>" in gold  # of sales
    assert "(of sales: refunds kept apart)" in gold
    # the refunds the mapping keeps apart are shown, not dropped: February's -5 of 10 sales
    assert "refunds over complete months <strong>-5.00 USD</strong>" in gold
    assert "net revenue <strong>5.00 USD</strong> of <strong>10.00 USD</strong> sales" in gold
    assert "NPS <strong>n/a</strong>" in gold  # no answer from gold in February
    index = (tmp_path / "out" / "index.html").read_text()
    assert "margin_per_customer" in index  # headline figures recorded per report


@pytest.mark.slow
def test_product_kpis_on_the_shipped_sample_records_its_figures_in_eur(run_notebook):
    from support import NOTEBOOKS

    from valuelab.kpis.events import kpi_source, kpi_summary, kpi_table
    from valuelab.reports import to_html

    nb, recorded = run_notebook(NOTEBOOKS / "reports" / "product_kpis.ipynb")  # its defaults
    want = kpi_summary(kpi_table(kpi_source()))
    assert {k: recorded[k] for k in want} == pytest.approx(want)
    assert 60 < want["ltv_to_date"] < 75 and -30 < want["nps"] < 0  # the sample shop, EUR
    page = to_html(nb)
    assert "<strong>All segments</strong> · 12 months (12 complete)" in page
    assert "money in <strong>EUR</strong>" in page and "currency not declared" not in page
    assert "Margin per customer, net of refunds (EUR per customer) by segment" in page
    assert (
        "(median over the users who started in them)" in page
    )  # not a mean of medians  # channels side by side


def test_an_update_is_seen_only_through_a_declared_freshness_column(tmp_path):
    """The documented rule: row count + latest value; `freshness: updated_at` catches an UPDATE."""
    import sqlite3

    from valuelab.reports.batch import _source_state

    db = tmp_path / "crm.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("create table ev (u text, t text, e text, amt real, updated_at text)")
        con.executemany(
            "insert into ev values (?, ?, ?, ?, ?)",
            [
                ("a", "2024-01-05", "buy", 10.0, "2024-02-01"),
                ("b", "2024-01-06", "buy", 5.0, "2024-02-01"),
            ],
        )
    by_time, by_update = tmp_path / "t.yaml", tmp_path / "u.yaml"
    columns = "columns: {user: u, time: t, event: e, amount: amt}\ntable: ev\n"
    by_time.write_text(columns)
    by_update.write_text(columns + "freshness: updated_at\n")

    def state(mapping):
        return _source_state({"source": str(db), "mapping": str(mapping)}, {})

    before = {m: state(m) for m in (by_time, by_update)}
    with sqlite3.connect(db) as con:  # one amount corrected: same rows, same latest event time
        con.execute("update ev set amt = 12.0, updated_at = '2024-03-01' where u = 'a'")
    assert state(by_time) == before[by_time]  # not seen: "up to date", as the help says
    assert state(by_update) != before[by_update]  # max(updated_at) moved: re-rendered
    assert state(by_update)["freshness"].startswith("2024-03-01")


@pytest.mark.slow
def test_portfolio_review_index_says_currency_not_declared_as_its_page_does(tmp_path):
    """No currency declared: the index's currency column says so (not blank), as the page."""
    from support import NOTEBOOKS

    from valuelab.data.datasets import load

    accounts = load("accounts").rename(columns={"arr_eur": "ARR"})
    accounts.to_csv(tmp_path / "crm.csv", index=False)
    (tmp_path / "crm.yaml").write_text("kind: accounts\ncolumns: {arr: ARR}\n")
    template = NOTEBOOKS / "reports" / "portfolio_review.ipynb"
    constants = {"source": str(tmp_path / "crm.csv"), "mapping": str(tmp_path / "crm.yaml")}
    result = run_batch(template, [{"segment": "all"}], tmp_path / "out", constants=constants)
    assert not result.failed
    page = (tmp_path / "out" / "all.html").read_text()
    assert "currency not declared" in page and "EUR" not in page
    index = (tmp_path / "out" / "index.html").read_text()
    heads = re.findall(r"<th>(.*?)</th>", index)
    cells = re.findall(r"<td>(.*?)</td>", index.split("</tr>")[1])
    assert cells[heads.index("currency")] == "currency not declared"

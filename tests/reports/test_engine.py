"""Reports engine: warm isolated kernels, atomic writes."""

from __future__ import annotations

import pytest
from support import NOTEBOOKS, run_valuelab, write_template

from valuelab.reports import read_records
from valuelab.reports.engine import KernelWorker, write_atomic

REPORT = NOTEBOOKS / "reports" / "spotify_year.ipynb"


def test_a_report_never_sees_the_previous_reports_variables(tmp_path):
    first = write_template(tmp_path / "a.ipynb", "x = 1", "secret = 42")
    second = write_template(
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


@pytest.mark.slow
def test_cli_report_is_atomic_and_exits_by_the_rules(toy, tmp_path):
    out = tmp_path / "out" / "r.html"
    done = run_valuelab("report", str(toy), "-p", "n", "3", "-o", str(out), "--keep-notebook")
    assert done.returncode == 0, done.stderr
    assert out.exists() and out.with_suffix(".ipynb").exists()
    bad = run_valuelab("report", str(toy), "-p", "m", "3", "-o", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "unknown parameter 'm'" in bad.stderr and not (tmp_path / "x.html").exists()
    broken = tmp_path / "broken.html"
    failed = run_valuelab("report", str(toy), "-p", "fail", "true", "-o", str(broken))
    assert failed.returncode == 1 and "ValueError: no data for a" in failed.stderr
    assert not broken.exists(), "a failed report leaves no file"
    assert not list(tmp_path.rglob("*.part")), "no half-written file either"


def test_report_template_sample_runs_on_a_warm_kernel():
    with KernelWorker() as worker:
        nb = worker.run(REPORT, {"year": 2021})
    assert read_records(nb)["total_revenue_eur_m"] == 9668


def test_write_atomic_replaces_the_file_and_leaves_no_part_file(tmp_path):
    path = write_atomic(tmp_path / "deep" / "r.html", "first")
    assert path.read_text() == "first"
    write_atomic(path, "second ✓")
    assert path.read_text(encoding="utf-8") == "second ✓"
    assert path.stat().st_mode & 0o444 == 0o444  # readable by others: a report is shared
    assert sorted(p.name for p in path.parent.iterdir()) == ["r.html"]

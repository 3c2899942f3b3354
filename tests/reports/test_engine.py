"""Reports engine: a fresh forked kernel per report, limits, HTML without code, atomic writes."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
from support import NOTEBOOKS, run_valuelab, write_template

from valuelab.core.errors import InputError
from valuelab.reports import read_records, run_batch
from valuelab.reports.engine import KernelWorker, ReportError, write_atomic

UMASK = os.umask(0o022)
os.umask(UMASK)

REPORT = NOTEBOOKS / "reports" / "spotify_year.ipynb"


POLLUTE = """
import decimal, os, sys, threading, time, warnings
import numpy as np, pandas as pd, plotly.io as pio
import valuelab.kpis
secret = 42
pd.set_option("display.max_rows", 3)
pio.templates.default = "plotly_dark"
os.environ["VL_LEAK"] = "1"
threading.Thread(target=time.sleep, args=(600,), name="vl-leak", daemon=True).start()
def vl_leak_hook(result):
    print("hooked")
get_ipython().events.register("post_run_cell", vl_leak_hook)
pd.DataFrame.sum = lambda self, *a, **k: 42
valuelab.kpis.churn_rate = lambda *a, **k: 42
sys.path.insert(0, "/vl-leak")
warnings.simplefilter("error")
np.random.seed(1)
decimal.getcontext().prec = 3
os.umask(0o077)
"""

CHECK = """
import decimal, os, sys, threading, warnings
import numpy as np, pandas as pd, plotly.io as pio
import valuelab.kpis
from valuelab.reports import record
record("variable", "secret" in globals())
record("pandas_option", pd.get_option("display.max_rows"))
record("plotly_template", pio.templates.default)
record("env_var", os.environ.get("VL_LEAK"))
record("thread", [t.name for t in threading.enumerate() if t.name == "vl-leak"])
hooks = get_ipython().events.callbacks["post_run_cell"]
record("post_run_cell_hook", [f.__name__ for f in hooks if f.__name__ == "vl_leak_hook"])
record("pandas_patch", int(pd.DataFrame({"a": [1, 2]}).sum()["a"]))
record("kpis_patch", valuelab.kpis.churn_rate.__module__)
record("sys_path", "/vl-leak" in sys.path)
try:
    warnings.warn("only a warning")
    record("warnings_filter", "warned")
except UserWarning:
    record("warnings_filter", "raised")
record("numpy_random", float(np.random.random()))
record("decimal_precision", decimal.getcontext().prec)
mask = os.umask(0o022)
os.umask(mask)
record("umask", mask)
"""

FRESH = {
    "variable": False,
    "pandas_option": 60,
    "plotly_template": "plotly",
    "env_var": None,
    "thread": [],
    "post_run_cell_hook": [],
    "pandas_patch": 3,
    "kpis_patch": "valuelab.kpis.definitions",
    "sys_path": False,
    "warnings_filter": "warned",
    "decimal_precision": 28,
    "umask": UMASK,
}


@pytest.fixture(scope="module")
def after_polluter(tmp_path_factory):
    """What a report sees on a worker whose previous report changed everything it could."""
    folder = tmp_path_factory.mktemp("leaks")
    polluter = write_template(folder / "polluter.ipynb", "x = 1", POLLUTE)
    checker = write_template(folder / "checker.ipynb", "x = 1", CHECK)
    with KernelWorker() as worker:
        worker.run(polluter, {})
        seen = read_records(worker.run(checker, {}))
    return seen, worker.pids


@pytest.mark.parametrize("kind", sorted(FRESH))
def test_nothing_of_the_previous_report_survives(after_polluter, kind):
    seen, _ = after_polluter
    assert seen[kind] == FRESH[kind], f"{kind} leaked into the next report"


def test_numpy_random_state_is_fresh_not_the_previous_seed(after_polluter):
    seen, _ = after_polluter
    assert seen["numpy_random"] != np.random.RandomState(1).random()


def test_each_report_had_its_own_kernel_and_none_is_left_running(after_polluter):
    _, pids = after_polluter
    assert len(set(pids)) == 2
    for pid in pids:  # the polluter's sleeping thread went with its process
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_cell_that_runs_over_fails_its_row_and_the_next_rows_render(tmp_path):
    slow = write_template(
        tmp_path / "slow.ipynb",
        "wait = 0  # seconds",
        "import time\nfrom valuelab.reports import record",
        "time.sleep(wait)\nrecord('waited', wait)",
    )
    rows = [{"wait": w} for w in ("0", "30", "0", "0", "0")]
    started = time.perf_counter()
    result = run_batch(slow, rows, tmp_path / "out", workers=1, timeout=2, quiet=True)
    took = time.perf_counter() - started
    assert [i.status for i in result.items] == ["ok", "failed", "ok", "ok", "ok"]
    assert "TimeoutError: cell 4 ran over 2 s" in result.items[1].error
    assert all(i.records == {"waited": 0} for i in result.items if i.status == "ok")
    assert took < 25, "the sleeping cell was interrupted, not waited for"
    page = (tmp_path / "out" / result.items[1].name).read_text()
    assert "cell 4 ran over 2 s" in page and "time.sleep(wait)" in page


def test_a_report_over_the_output_limit_fails_and_the_next_one_renders(tmp_path):
    loud = write_template(
        tmp_path / "loud.ipynb", "x = 1", "for _ in range(60):\n    print('x' * 100_000)"
    )
    quiet = write_template(
        tmp_path / "quiet.ipynb", "x = 1", "from valuelab.reports import record\nrecord('x', x)"
    )
    with KernelWorker(max_output_mb=1) as worker:
        with pytest.raises(ReportError) as failed:
            worker.run(loud, {})
        nb = worker.run(quiet, {})
    assert failed.value.ename == "OutputLimitError"
    assert "output passed the limit of 1 MB" in failed.value.evalue
    assert read_records(nb) == {"x": 1}


def test_a_kernel_cannot_map_more_than_its_memory_limit(tmp_path):
    greedy = write_template(
        tmp_path / "greedy.ipynb",
        "mb = 1  # to allocate",
        "import resource\nfrom valuelab.reports import record\n"
        "record('limit_mb', resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20)",
        "block = bytearray(mb * 2**20)",
    )
    with KernelWorker(max_memory_mb=3000) as worker:
        with pytest.raises(ReportError) as failed:
            worker.run(greedy, {"mb": 3000})
        nb = worker.run(greedy, {"mb": 10})
    assert failed.value.ename == "MemoryError"
    assert "memory limit is 3000 MB" in failed.value.evalue
    assert read_records(nb) == {"limit_mb": 3000}


@pytest.mark.parametrize("limits", [{"timeout": 0}, {"max_output_mb": -1}, {"max_memory_mb": -5}])
def test_a_limit_below_zero_is_refused(limits):
    with pytest.raises(InputError, match="limits: .*expected"):
        KernelWorker(**limits)


@pytest.mark.slow
def test_cli_report_over_the_output_limit_exits_1_and_writes_nothing(tmp_path):
    loud = write_template(tmp_path / "loud.ipynb", "n = 30", "print('x' * n * 100_000)")
    out = tmp_path / "r.html"
    done = run_valuelab("report", str(loud), "--max-output-mb", "1", "-o", str(out))
    assert done.returncode == 1 and "output passed the limit of 1 MB" in done.stderr
    assert not out.exists()
    bad = run_valuelab("report", str(loud), "--max-memory-mb", "-1", "-o", str(out))
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and not out.exists()


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


def test_report_template_sample_runs_on_a_forked_kernel():
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


@pytest.mark.slow
@pytest.mark.timed
def test_a_kernel_that_exits_is_not_blamed_on_memory_alone(tmp_path):
    template = write_template(
        tmp_path / "exits.ipynb", "n = 1  # a number", "import os\nos._exit(3)"
    )
    with KernelWorker(timeout=60) as worker, pytest.raises(ReportError) as info:
        worker.run(template, {})
    message = str(info.value)
    assert "the kernel died: the cell ended its kernel (an exit, a crash or a kill" in message


def test_a_kernel_whose_port_was_taken_is_started_again_on_new_ports(tmp_path, monkeypatch):
    import socket

    from valuelab.reports import engine, kernels

    template = write_template(
        tmp_path / "t.ipynb",
        "n = 1  # n",
        "from valuelab.reports import record\nrecord('twice', 2 * n)",
    )
    taken: list[socket.socket] = []
    launch = kernels.ForkProvisioner.launch_kernel

    async def busy_port(self, cmd, **kwargs):  # another process binds the kernel's shell port
        if len(taken) < tries:  # after jupyter_client chose it, before the kernel binds it
            taken.append(socket.create_server(("127.0.0.1", self.parent.shell_port)))
        return await launch(self, cmd, **kwargs)

    monkeypatch.setattr(kernels.ForkProvisioner, "launch_kernel", busy_port)
    monkeypatch.setattr(engine, "START_ATTEMPTS", 2)  # each failed start costs ~1 s
    tries = 1
    with KernelWorker() as worker:
        nb = worker.run(template, {"n": 21})
        assert read_records(nb)["twice"] == 42 and len(taken) == 1  # the second kernel ran it
        tries = engine.START_ATTEMPTS + 1  # every kernel of the next report finds its port taken
        with pytest.raises(ReportError) as info:
            worker.run(template, {"n": 1})
    assert info.value.ename == "KernelStartError"
    assert info.value.evalue.startswith(f"the kernel did not start ({engine.START_ATTEMPTS} tries")
    assert len(taken) == 1 + engine.START_ATTEMPTS
    for sock in taken:
        sock.close()


def test_a_refused_parameter_crosses_from_the_kernel_without_the_message(tmp_path):
    """A cell's InputError about a parameter: its parameter and plain words (no value, no
    message, which may quote the data) reach the caller; any other error: nothing."""
    refuses = write_template(
        tmp_path / "refuses.ipynb",
        'customer_id = "A0002"  # the account',
        "from valuelab.core import InputError\n"
        "raise InputError(f\"no account '{customer_id}' among A0002, A0003\", "
        "parameter='customer_id', value=customer_id, plain='no account {value}')",
    )
    breaks = write_template(tmp_path / "breaks.ipynb", "n = 1  # n", "raise ValueError('A0002')")
    with KernelWorker(timeout=60) as worker:
        with pytest.raises(ReportError) as refused:
            worker.run(refuses, {"customer_id": "ZZZ9"})
        with pytest.raises(ReportError) as broken:
            worker.run(breaks, {})
    assert [(e.parameter, e.plain, e.problem) for e in refused.value.refused] == [
        ("customer_id", "no account {value}", "no account {value}")
    ]  # the message (with the data's ids) stays in evalue, for the log
    assert "A0003" in refused.value.evalue and "Traceback" in refused.value.traceback
    assert "raise InputError" in refused.value.traceback  # the cell's own traceback
    assert broken.value.ename == "ValueError" and broken.value.refused == []

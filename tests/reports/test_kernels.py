"""Forked kernels: a fresh process per kernel, its own session, folder, environment and limits."""

from __future__ import annotations

import json
import os
import signal
import time
import tomllib
from pathlib import Path

import zmq
from jupyter_client.connect import write_connection_file
from jupyter_core.utils import run_sync
from support import ROOT

from valuelab.reports.kernels import (
    ForkProvisioner,
    ForkServer,
    _current_umask,
    fork_kernel_manager,
    fork_server,
)

PROBE = """
import json, os, resource, sys, threading
import numpy as np
mask = os.umask(0o022)
os.umask(mask)
print(json.dumps({
    "pid": os.getpid(),
    "own_session": os.getsid(0) == os.getpid() == os.getpgid(0),
    "cwd": os.getcwd(),
    "flag": os.environ.get("VL_FLAG"),
    "parent": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
    "umask": mask,
    "address_space_mb": resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20,
    "random": float(np.random.random()),
    "pandas_imported_before": "pandas" in sys.modules,
}))
"""


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended (a zombie left to an init that does not reap counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _probe(cwd: Path, env: dict[str, str]) -> tuple[dict, object]:
    """Start a forked kernel, run PROBE, return what it printed and the kernel manager."""
    km = fork_kernel_manager(max_memory_mb=5000)
    run_sync(km.start_kernel)(cwd=str(cwd), env=env)
    kc = km.client()
    kc.start_channels()
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    try:
        run_sync(kc.wait_for_ready)(timeout=60)
        reply = run_sync(kc.execute_interactive)(PROBE, timeout=60, output_hook=hook)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
    return json.loads("".join(out)), km


def test_each_kernel_is_a_new_process_in_its_own_session_with_what_it_was_given(tmp_path):
    env = {**os.environ, "VL_FLAG": "on"}
    first, km1 = _probe(tmp_path, env)
    second, km2 = _probe(tmp_path, dict(os.environ))
    try:
        assert first["pid"] != second["pid"]
        assert first["own_session"] and first["parent"]
        assert first["cwd"] == str(tmp_path)
        assert (first["flag"], second["flag"]) == ("on", None)
        mask = os.umask(0o022)
        os.umask(mask)
        assert first["umask"] == mask
        assert first["address_space_mb"] == 5000
        assert first["pandas_imported_before"], "forked from a process that imported pandas"
        assert first["random"] != second["random"], "numpy re-seeded as in a new interpreter"
        assert km1.curve_secretkey is not None or not zmq.has("curve"), "encrypted transport"
    finally:
        for km in (km1, km2):
            run_sync(km.shutdown_kernel)(now=True)
    assert _gone(first["pid"]) and _gone(second["pid"])
    assert km1.provisioner is None or not km1.provisioner.has_process


def test_the_provisioner_signals_polls_and_waits_by_pid(tmp_path):
    km = fork_kernel_manager()
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    process = km.provisioner.process
    assert run_sync(km.is_alive)() and process.poll() is None
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=30) is not None
    assert not run_sync(km.is_alive)()
    process.kill()  # an ended kernel's pid is never signalled again
    run_sync(km.shutdown_kernel)(now=True)


def test_closing_a_fork_server_kills_the_kernels_it_forked(tmp_path):
    server = ForkServer(preload=())
    try:
        assert server._ready.wait(60)
        conn, _ = write_connection_file(str(tmp_path / "kernel.json"))
        pid = server.spawn(["-f", conn], str(tmp_path), dict(os.environ), 0o022)
        assert server.exit_code(pid) is None and not _gone(pid)
    finally:
        server.close()
    deadline = time.monotonic() + 20
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)
    assert server.proc.returncode == 0


def test_one_fork_server_per_process_started_in_its_own_session():
    server = fork_server()
    assert fork_server() is server and server.alive
    assert os.getsid(server.proc.pid) == server.proc.pid, "Ctrl-C in a terminal does not reach it"


def test_the_provisioner_is_registered_for_kernel_specs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    entry = project["project"]["entry-points"]["jupyter_client.kernel_provisioners"]
    module, name = entry["valuelab-fork"].split(":")
    assert module == ForkProvisioner.__module__ and name == ForkProvisioner.__name__


def test_a_kernel_that_cannot_start_ends_with_an_error_code(tmp_path):
    server = fork_server()
    conn, _ = write_connection_file(str(tmp_path / "kernel.json"))
    pid = server.spawn(["-f", conn], str(tmp_path / "missing"), dict(os.environ), 0o022)
    assert server.wait(pid, timeout=60) == 1  # its traceback went to stderr


def test_what_a_kernel_started_ends_with_it(tmp_path):
    km = fork_kernel_manager()
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=60)
        code = "import subprocess\np = subprocess.Popen(['sleep', '600'])\n"
        code += "open('pid', 'w').write(str(p.pid))"
        assert run_sync(kc.execute_interactive)(code, timeout=60)["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
    child = int((tmp_path / "pid").read_text())
    os.kill(km.provisioner.pid, signal.SIGKILL)  # the kernel dies on its own, not by shutdown
    deadline = time.monotonic() + 20
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(child)
    run_sync(km.shutdown_kernel)(now=True)


def test_the_umask_given_to_a_kernel_is_read_without_changing_it():
    old = os.umask(0o027)
    try:
        assert _current_umask() == 0o027
        assert os.umask(0o027) == 0o027, "reading it did not set it"
    finally:
        os.umask(old)


def test_a_process_a_report_detaches_dies_with_its_kernel(tmp_path):
    """A double-forked, setsid'd child is still killed when its report's kernel ends."""
    import psutil
    from support import write_template

    from valuelab.reports.engine import KernelWorker

    pid_file = tmp_path / "daemon.pid"
    body = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "        time.sleep(300)\n"
        "    os._exit(0)\n"
        f"while not os.path.exists({str(pid_file)!r}):\n"
        "    time.sleep(0.05)\n"
    )
    template = write_template(tmp_path / "daemon.ipynb", "n = 1  # a number", body)
    with KernelWorker(timeout=60) as worker:
        worker.run(template, {})
    daemon = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while psutil.pid_exists(daemon) and time.monotonic() < deadline:
        try:
            if psutil.Process(daemon).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    alive = psutil.pid_exists(daemon) and psutil.Process(daemon).status() != "zombie"
    assert not alive, "the detached process outlived its report"

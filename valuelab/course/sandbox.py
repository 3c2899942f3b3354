"""One submission, one fresh process, one sandbox: Debian's bubblewrap around the runner.

:func:`run_submission` runs :mod:`valuelab.course.runner` on one notebook
inside ``bwrap`` (https://github.com/containers/bubblewrap):

- every namespace unshared (user, pid, net, ipc, uts, cgroup): no network,
  no other process in sight; the sandbox runs as ``nobody`` with no
  capabilities, in a new session, and dies with the grader;
- read-only: the system (``/usr``, ``/etc``...), the Python environment,
  valuelab's package *with an empty folder over* ``valuelab/course/questions``
  (the checks, hidden questions and expected answers), and the datasets;
- writable: only ``/tmp`` and the working folder ``/submission``, both fresh
  in-memory folders of bounded size; the working folder holds only the
  notebook (read-only). The solutions, the other submissions and the grades
  folder are not mounted at all, and nothing written inside outlives the run.

Without bubblewrap, ``sandbox=False`` runs the same runner as a plain fresh
process in an empty temporary folder (what ``--no-sandbox`` asks for): each
submission still gets its own process, but not the isolation.

Examples
--------
>>> available() in (True, False)
True
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import valuelab

__all__ = ["SandboxError", "available", "bwrap_command", "run_submission"]

#: Where things sit inside the sandbox.
WORKDIR = "/submission"
_PKG_ROOT = "/opt/valuelab"
#: Size of the in-memory working folder and /tmp.
TMPFS_BYTES = 256 * 1024 * 1024
#: The runner's answer is read up to this size.
MAX_RESULT_BYTES = 32 * 1024 * 1024
_SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64")


class SandboxError(RuntimeError):
    """bubblewrap is missing or refuses to run here."""


@functools.cache
def available() -> bool:
    """Whether ``bwrap`` is installed and can start a sandbox with every namespace here."""
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    probe = [exe, *_isolation(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _isolation() -> list[str]:
    return [
        "--unshare-all",
        "--unshare-user",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
    ]


def _data_dir() -> Path:
    from valuelab.data import datasets

    return datasets.data_dir().resolve()


def _mounts(notebook: Path, name: str) -> list[str]:
    size = str(TMPFS_BYTES)
    # /tmp first: a host path bound later (a venv or a checkout under /tmp) lands on top of it
    args = ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/tmp"]
    for path in _SYSTEM:
        if os.path.lexists(path):
            args += ["--ro-bind", path, path]
    for prefix in dict.fromkeys(map(os.path.realpath, (sys.prefix, sys.base_prefix))):
        args += ["--ro-bind", prefix, prefix]
    package = Path(valuelab.__file__).resolve().parent
    args += ["--ro-bind", str(package), f"{_PKG_ROOT}/valuelab"]
    args += ["--tmpfs", f"{_PKG_ROOT}/valuelab/course/questions"]  # the checks stay outside
    data = _data_dir()
    if not data.is_relative_to(package):
        args += ["--ro-bind", str(data), f"{_PKG_ROOT}/datasets"]
    args += ["--size", size, "--tmpfs", WORKDIR]
    args += ["--ro-bind", str(notebook), f"{WORKDIR}/{name}", "--chdir", WORKDIR]
    return args


def _env(home: str, pythonpath: str) -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": home,
        "PYTHONPATH": pythonpath,
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
        "VALUELAB_GRADING": "sandbox",
        "JUPYTER_PLATFORM_DIRS": "1",
        # one BLAS thread: a fair share of the machine, and no per-core buffers under RLIMIT_AS
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _runner(notebook: str, variables: list[str], timeout: int, memory_mb: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "valuelab.course.runner",
        notebook,
        "--variables",
        json.dumps(variables),
        "--timeout",
        str(int(timeout)),
        "--memory-mb",
        str(int(memory_mb)),
    ]


def bwrap_command(
    notebook: Path, variables: list[str], timeout: int, memory_mb: int = 4096
) -> list[str]:
    """The ``bwrap`` command line that runs ``notebook`` (a host path) in the sandbox."""
    exe = shutil.which("bwrap")
    if exe is None:
        raise SandboxError("bubblewrap (bwrap) is not installed")
    name = "submission.ipynb"
    env = []
    for key, value in _env("/tmp", _PKG_ROOT).items():
        env += ["--setenv", key, value]
    runner = _runner(f"{WORKDIR}/{name}", variables, timeout, memory_mb)
    return [exe, *_isolation(), *_mounts(notebook, name), "--clearenv", *env, *runner]


def _read_result(stdout: Path, stderr: Path) -> dict[str, Any]:
    with stdout.open("rb") as f:
        raw = f.read(MAX_RESULT_BYTES + 1)
    if len(raw) > MAX_RESULT_BYTES:
        return {"failed": f"its answers are over {MAX_RESULT_BYTES // 2**20} MB"}
    try:
        result = json.loads(raw.decode("utf-8").strip().splitlines()[-1])
        if not isinstance(result, dict):
            raise ValueError("not an object")
        return result
    except (ValueError, IndexError, UnicodeDecodeError):
        with stderr.open("rb") as f:
            tail = f.read()[-300:].decode("utf-8", "replace").strip().splitlines()
        return {
            "failed": "the grading run ended without answers" + (f": {tail[-1]}" if tail else "")
        }


def run_submission(
    notebook: Path,
    variables: list[str],
    *,
    timeout: int = 60,
    wall: float = 600.0,
    memory_mb: int = 4096,
    sandbox: bool = True,
) -> dict[str, Any]:
    """Run one prepared notebook; return the runner's result (see :mod:`valuelab.course.runner`).

    Parameters
    ----------
    notebook : Path
        The notebook to run (copied nowhere: bound read-only into the sandbox).
    variables : list of str
        The variables whose values come back.
    timeout : int
        Seconds per cell.
    wall : float
        Seconds for the whole run, fresh kernels included; past it the sandbox
        is killed and the result says so.
    memory_mb : int
        Address-space limit of the runner and its kernel (MB).
    sandbox : bool
        False: a plain fresh process in an empty temporary folder, no isolation.
    """
    with tempfile.TemporaryDirectory(prefix="valuelab-grade-") as tmp:
        out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
        if sandbox:
            cmd, cwd, env = bwrap_command(notebook, variables, timeout, memory_mb), None, None
        else:
            work = Path(tmp, "work")
            work.mkdir()
            shutil.copy(notebook, work / "submission.ipynb")
            pkg_root = str(Path(valuelab.__file__).resolve().parent.parent)
            cmd = _runner("submission.ipynb", variables, timeout, memory_mb)
            cwd, env = str(work), _env(str(work), pkg_root)
        with out.open("wb") as fo, err.open("wb") as fe:
            proc = subprocess.Popen(
                cmd, stdout=fo, stderr=fe, cwd=cwd, env=env, start_new_session=True
            )
            try:
                proc.wait(timeout=wall)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: the sandbox goes with it
                proc.wait()
                return {"failed": f"the whole notebook ran over {wall:g} s"}
        return _read_result(out, err)

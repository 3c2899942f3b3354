"""Helpers the tests import (``from support import ...``): paths and the server harness.

Fixtures live in ``tests/conftest.py``; this module holds the plain names, so
test files in any folder of ``tests/`` can import them (``pythonpath`` in
pyproject.toml puts ``tests/`` on the path).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def all_notebooks() -> list[Path]:
    """Every notebook a learner, analyst or stakeholder opens."""
    found = sorted(NOTEBOOKS.rglob("*.ipynb")) + sorted(EXERCISES.rglob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def find_widget(widget: Any, kind: type) -> Any:
    """The first widget of class ``kind`` in an app's widget tree (depth first), or None."""
    if isinstance(widget, kind):
        return widget
    for child in getattr(widget, "children", ()):
        found = find_widget(child, kind)
        if found is not None:
            return found
    return None


def write_template(path: Path, params: str, *cells: str) -> Path:
    """Write a report template: a title, a ``parameters`` cell, then one code cell each."""
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


def run_valuelab(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m valuelab ARGS`` in a subprocess, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "valuelab", *args], capture_output=True, text=True, timeout=timeout
    )


# --- servers ---------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with code {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"voila did not answer {url} within {timeout:.0f} s")


class _ServerProcess:
    """A server subprocess on a free 127.0.0.1 port, waited for until it answers."""

    def __init__(self, argv: list[str], cwd: Path, log: Path, probe: str = "") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [a.replace("{port}", str(self.port)) for a in argv],
            cwd=str(cwd),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_http(self.url + probe, self.proc)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


class VoilaServer(_ServerProcess):
    """Plain Voila for one notebook."""

    def __init__(self, notebook: Path, log: Path) -> None:
        argv = [sys.executable, "-m", "voila", str(notebook), "--no-browser", "--port={port}"]
        argv += ["--Voila.ip=127.0.0.1", "--show_tracebacks=False"]
        # Probe a static file: a GET of "/" would execute the notebook in a kernel
        # that the probe abandons, competing with the test's page for 2 cores.
        super().__init__(argv, notebook.parent, log, probe="voila/static/favicon.ico")


class AppServer(_ServerProcess):
    """``valuelab serve`` (gallery, preheated kernels)."""

    def __init__(self, log: Path, apps: Path | None = None) -> None:
        argv = [sys.executable, "-m", "valuelab", "serve", "--port", "{port}", "--no-browser"]
        super().__init__(argv + (["--apps", str(apps)] if apps else []), ROOT, log)

    def app_url(self, name: str, query: str = "") -> str:
        return f"{self.url}voila/render/{name}" + (f"?{query}" if query else "")

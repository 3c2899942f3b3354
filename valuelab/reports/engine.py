"""Execute report templates on warm kernels.

Floor measured on a 2-core machine: a fresh ``papermill`` process costs
~4 s and ``jupyter nbconvert`` ~2 s per report, mostly process start and
imports; the same notebook on a running kernel takes ~0.05 s. So a
:class:`KernelWorker` keeps one kernel warm and runs report after report on
it (one client per kernel: a kernel answers only its newest client), each in
a clean namespace: before a report, ``%reset -f`` empties the namespace, the
working directory is set to the template's folder and plotly's renderer is
reset — a report never sees a previous report's variables (tested). A dead
kernel is replaced. The HTML export is :mod:`valuelab.reports.html`.

Examples
--------
>>> from valuelab.apps.report_launcher import REPORTS
>>> from valuelab.reports.html import to_html
>>> with KernelWorker() as worker:
...     nb = worker.run(REPORTS / "spotify_year.ipynb", {"year": 2021})
>>> "Spotify: one year in figures" in to_html(nb)
True
"""

from __future__ import annotations

import os
import queue
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import nbformat

from valuelab.core import ValueLabError

__all__ = [
    "KernelWorker",
    "ReportError",
    "run_pool",
    "write_atomic",
]

_SETUP_TAG = "valuelab-setup"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class ReportError(ValueLabError):
    """A cell of a report failed; carries the cell's source and the error."""

    def __init__(self, template: str, cell: str, ename: str, evalue: str) -> None:
        self.template, self.cell, self.ename, self.evalue = template, cell, ename, evalue
        super().__init__(f"{template}: {ename}: {evalue}")


def _setup_cell(cwd: Path) -> nbformat.NotebookNode:
    source = (
        'get_ipython().run_line_magic("reset", "-f")\n'
        "import os as _os, plotly.io as _pio\n"
        f"_os.chdir({str(cwd)!r})\n"
        '_pio.renderers.default = "plotly_mimetype"\n'
        "del _os, _pio"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [_SETUP_TAG]
    return cell


class KernelWorker:
    """One warm ``python3`` kernel that runs report after report, each in a clean namespace.

    Use it from one thread (its client's sockets belong to that thread's event
    loop), as a context manager or with :meth:`close`.

    Parameters
    ----------
    timeout : int
        Seconds a cell may run before the report fails.
    """

    def __init__(self, timeout: int = 300) -> None:
        self.timeout = timeout
        self.km = None
        self.kc = None
        self.reports = 0

    def __enter__(self) -> KernelWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def run(
        self,
        template: str | Path,
        params: Mapping[str, Any] | None = None,
        allow_errors: bool = False,
    ) -> Any:
        """Execute ``template`` with ``params`` (already checked); return the executed notebook.

        With ``allow_errors`` a cell that raises keeps its error output and the
        next cells still run (grading); a timeout or a dead kernel still stops.

        Raises
        ------
        ReportError
            When a cell raises; the kernel stays usable for the next report.
        """
        import papermill as pm
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        template = Path(template).resolve()
        nb = pm.iorw.load_notebook_node(str(template))  # gives every cell a tags list
        nb = pm.parameterize.parameterize_notebook(nb, dict(params or {}))
        nb.cells.insert(0, _setup_cell(template.parent))
        if not self._alive():
            self.close()
            self.km, self.kc = AsyncKernelManager(kernel_name="python3"), None
        client = NotebookClient(
            nb, km=self.km, timeout=self.timeout, kernel_name="python3", allow_errors=allow_errors
        )
        client.kc = self.kc
        try:
            client.execute(cwd=str(template.parent))
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
            self.kc = client.kc
            raise self._failure(template, nb, err) from None
        finally:
            self.kc = client.kc
        self.reports += 1
        nb.cells = [c for c in nb.cells if _SETUP_TAG not in c.metadata.get("tags", [])]
        return nb

    @staticmethod
    def _failure(template: Path, nb: Any, err: Exception) -> ReportError:
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and _SETUP_TAG not in cell.metadata.get(
                    "tags", []
                ):
                    return ReportError(template.name, cell.source, out["ename"], out["evalue"])
        name = type(err).__name__
        first = _ANSI.sub("", str(err)).strip().splitlines()
        return ReportError(template.name, "", name, first[-1] if first else name)

    def close(self) -> None:
        """Stop the client and shut the kernel down."""
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            if run_sync(self.km.is_alive)():
                run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and a rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a report is for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def run_pool(
    items: Iterable[Any], work: Callable[[KernelWorker, Any], None], workers: int, timeout: int
) -> None:
    """``workers`` threads, each with its own warm kernel, call ``work(worker, item)`` per item.

    Items are taken from a shared queue; each thread shuts its kernel down when
    the queue is empty. ``work`` handles its own errors (one bad item must not
    stop the others).
    """
    jobs: queue.Queue[Any] = queue.Queue()
    for item in items:
        jobs.put(item)

    def loop() -> None:
        with KernelWorker(timeout=timeout) as worker:
            while True:
                try:
                    item = jobs.get_nowait()
                except queue.Empty:
                    return
                work(worker, item)

    threads = [
        threading.Thread(target=loop, daemon=True)
        for _ in range(max(1, min(workers, jobs.qsize())))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

"""Execute report templates, each on a fresh kernel.

Isolation: every report runs on a new kernel forked from a process that has
already imported pandas, plotly, ipykernel and valuelab
(:mod:`valuelab.reports.kernels`), so it starts from the state of a fresh
kernel — no variable, option, hook, monkeypatch, thread, environment
variable, ``sys.path`` entry, warnings filter, random state or umask of a
previous report survives (tested, one kind each) — at the cost of a fork
and a kernel handshake, not of a new interpreter and its imports. The kernel
runs in the template's folder and is killed, with its process group, when the
report ends. :class:`KernelWorker` drives one kernel at a time from one thread
(a kernel answers only its newest client).

Limits (defaults; the CLI has flags): a cell that runs over ``timeout``
seconds is interrupted and its kernel replaced — the report fails with "cell N
ran over T s" and the next report starts on a new kernel; a report whose
outputs pass ``max_output_mb`` fails (its kernel is killed) instead of
producing a report of that size; a kernel may map at most ``max_memory_mb``
of address space (``RLIMIT_AS``), so a runaway allocation fails its report with
a ``MemoryError`` instead of the machine.

A kernel that does not start is replaced: jupyter_client picks a kernel's
ports, closes them and writes them to its connection file, and the kernel binds
them when it starts; on a loaded machine another process can take one in
between, and the kernel dies with "Address already in use" before it answers
(jupyter/jupyter_client issue #154; nteract/nteract pull request #2278, 2026,
retries the same way). So a kernel that dies or stays silent before the first
cell runs is started again on new ports, up to :data:`START_ATTEMPTS` times,
before the report fails with "the kernel did not start".

The HTML export is :mod:`valuelab.reports.html`.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from valuelab.core import InputError, ValueLabError

__all__ = [
    "MAX_MEMORY_MB",
    "MAX_OUTPUT_MB",
    "START_ATTEMPTS",
    "TIMEOUT",
    "KernelWorker",
    "ReportError",
    "run_pool",
    "write_atomic",
]

#: Seconds a cell may run before its report fails.
TIMEOUT = 300
#: MB of output (text, images, chart data) a report may produce.
MAX_OUTPUT_MB = 100
#: MB of address space a report's kernel may map (0: no limit).
MAX_MEMORY_MB = 8192
#: Kernels a report tries before it fails because none started (each on new ports).
START_ATTEMPTS = 3
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_INJECTED = "injected-parameters"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class _NotStarted(Exception):
    """The kernel died or stayed silent before the first cell: start another."""


class ReportError(ValueLabError):
    """A cell of a report failed; carries the cell's source and the error.

    ``refused`` holds, when the cell raised an :class:`InputError` about
    parameters, one :class:`InputError` per parameter with only its
    ``parameter`` and ``plain`` words (:meth:`InputError.refusals`, asked of
    the kernel before it is stopped): what an app may tell the visitor who
    gave the value, never the message, which may quote the data.
    ``traceback`` is the failed cell's traceback as the kernel wrote it
    (plain text; empty when no cell raised), for logs.
    """

    def __init__(self, template: str, cell: str, ename: str, evalue: str) -> None:
        self.template, self.cell, self.ename, self.evalue = template, cell, ename, evalue
        self.refused: list[InputError] = []
        self.traceback = ""
        super().__init__(f"{template}: {ename}: {evalue}")


#: Asked of a report's kernel after a cell failed: the refusals of its InputError (else []).
_REFUSALS = "getattr(getattr(__import__('sys'), 'last_value', None), 'refusals', list)()"
#: Seconds the kernel has to answer :data:`_REFUSALS`.
_REFUSALS_TIMEOUT = 10.0


def _refused(client: Any) -> list[InputError]:
    """The parameters the failed cell's :class:`InputError` refused, asked of its kernel.

    An empty list when the error was another one or the kernel does not answer.
    """
    import time

    from jupyter_core.utils import ensure_async, run_sync

    async def ask() -> dict[str, Any]:
        kc = client.kc
        msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"r": _REFUSALS})
        deadline = time.monotonic() + _REFUSALS_TIMEOUT
        while time.monotonic() < deadline:
            try:
                msg = await ensure_async(kc.shell_channel.get_msg(timeout=1))
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        return {}

    try:
        answer = run_sync(ask)()["user_expressions"]["r"]["data"]["text/plain"]
    except Exception:  # no answer: only a generic message then
        return []
    return _refusals_from(answer)


def _refusals_from(text: str) -> list[InputError]:
    """The kernel's answer (``repr`` of :meth:`InputError.refusals`) as errors, or ``[]``.

    ``[]`` unless it is a literal list of ``(parameter, plain)`` text pairs
    (``plain`` may be ``None``): a problem without a parameter leaves nothing a
    visitor may be told.

    Examples
    --------
    >>> [(e.parameter, e.plain) for e in _refusals_from("[('year', 'no figures for {value}')]")]
    [('year', 'no figures for {value}')]
    >>> _refusals_from("[(None, 'x')]"), _refusals_from("__import__('os')")
    ([], [])
    """
    import ast

    try:
        found = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return []
    pairs = found if isinstance(found, list) else [None]
    if not all(isinstance(r, tuple) and len(r) == 2 for r in pairs):
        return []
    if not all(isinstance(n, str) and isinstance(p, str | None) for n, p in pairs):
        return []
    return [InputError(plain or "", parameter=name, plain=plain) for name, plain in pairs]


def _output_size(msg: Mapping[str, Any]) -> int:
    """Bytes (roughly: characters) an output message adds to a report."""
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    size = 0
    for value in content.get("data", {}).values():
        size += len(value) if isinstance(value, str) else len(json.dumps(value))
    return size + len(str(content.get("traceback", "")))


def _notebook_client() -> type:
    """nbclient's client, counting output bytes and remembering the running cell."""
    from nbclient import NotebookClient

    class Client(NotebookClient):
        max_output_bytes = 0
        output_bytes = 0
        overflow = False
        running: int | None = None

        def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
            if self.overflow:
                return None
            self.output_bytes += _output_size(msg)
            if self.max_output_bytes and self.output_bytes > self.max_output_bytes:
                self.overflow = True  # kill the kernel: nbclient then stops with DeadKernelError
                self.km.provisioner.process.kill()
                return None
            return super().output(outs, msg, display_id, cell_index)

    return Client


def _cell_number(nb: Any, index: int) -> int:
    """The cell's number as in the template (papermill's injected cell is not counted)."""
    cells = nb.cells[: index + 1]
    return sum(1 for c in cells if _INJECTED not in c.metadata.get("tags", [])) or 1


class KernelWorker:
    """Runs report after report, each on a new kernel forked with only the libraries imported.

    Use it from one thread (a kernel's client belongs to that thread's event
    loop), as a context manager or with :meth:`close`.

    Parameters
    ----------
    timeout : int
        Seconds a cell may run; then it is interrupted and its kernel replaced.
    max_output_mb : float
        MB of output a report may produce (0: no limit).
    max_memory_mb : int
        MB of address space a kernel may map (0: no limit).
    """

    def __init__(
        self,
        timeout: int = TIMEOUT,
        max_output_mb: float = MAX_OUTPUT_MB,
        max_memory_mb: int = MAX_MEMORY_MB,
    ) -> None:
        for name, value in [("max_output_mb", max_output_mb), ("max_memory_mb", max_memory_mb)]:
            if value < 0:
                raise InputError(f"{name}={value}", source="limits", expected="0 (none) or more")
        if timeout <= 0:
            raise InputError(f"timeout={timeout}", source="limits", expected="seconds > 0")
        self.timeout = timeout
        self.max_output_mb = max_output_mb
        self.max_memory_mb = max_memory_mb
        self.reports = 0
        self.pids: list[int] = []  # each report's kernel

    def __enter__(self) -> KernelWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        template: str | Path,
        params: Mapping[str, Any] | None = None,
        allow_errors: bool = False,
    ) -> Any:
        """Execute ``template`` with ``params`` (already checked) on a new kernel; return it.

        With ``allow_errors`` a cell that raises keeps its error output and the
        next cells still run (grading); a timeout, the output limit or a dead
        kernel still stop.

        Raises
        ------
        ReportError
            When a cell raises, runs over the timeout, or the output or memory
            limit is passed; the next report gets a new kernel anyway.
        """
        template = Path(template).resolve()
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                nb = self._attempt(template, dict(params or {}), allow_errors)
            except _NotStarted as err:
                if attempt == START_ATTEMPTS:
                    why = " ".join(str(err.__cause__ or err).split())[:200]
                    raise ReportError(
                        template.name,
                        "",
                        "KernelStartError",
                        f"the kernel did not start ({START_ATTEMPTS} tries; the last: {why})",
                    ) from None
            else:
                self.reports += 1
                return nb
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, template: Path, params: dict[str, Any], allow_errors: bool) -> Any:
        """One run of ``template`` on a new kernel; :class:`_NotStarted` if it did not start."""
        import papermill as pm

        from valuelab.reports.kernels import fork_kernel_manager

        nb = pm.iorw.load_notebook_node(str(template))  # gives every cell a tags list
        nb = pm.parameterize.parameterize_notebook(nb, params)
        km = fork_kernel_manager(max_memory_mb=self.max_memory_mb)
        client = _notebook_client()(
            nb, km=km, timeout=self.timeout, kernel_name="python3", allow_errors=allow_errors
        )
        client.max_output_bytes = int(self.max_output_mb * 1024 * 1024)
        client.on_cell_execute = lambda cell, cell_index: setattr(client, "running", cell_index)
        try:
            self._execute(client, template, nb)
        finally:
            self._stop(client, km)
        return nb

    def _execute(self, client: Any, template: Path, nb: Any) -> None:
        from nbclient.exceptions import DeadKernelError

        try:
            client.execute(cwd=str(template.parent))
            if client.overflow:  # the cell ended before the kernel's death was noticed
                raise DeadKernelError("output limit")
        except Exception as err:
            if client.running is None and not client.overflow:  # no cell ran: start another
                raise _NotStarted(str(err)) from err
            self._raise(client, template, nb, err)
        finally:
            km = client.km
            if km is not None and km.provisioner is not None and km.provisioner.pid:
                self.pids.append(km.provisioner.pid)

    def _raise(self, client: Any, template: Path, nb: Any, err: Exception) -> None:
        """The :class:`ReportError` of a report whose cell failed, ran over or killed its kernel."""
        from jupyter_core.utils import run_sync
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        if isinstance(err, CellTimeoutError):
            run_sync(client.km.interrupt_kernel)()  # then the kernel is replaced (killed)
            number = _cell_number(nb, client.running or 0)
            raise ReportError(
                template.name,
                nb.cells[client.running or 0].source,
                "TimeoutError",
                f"cell {number} ran over {self.timeout} s",
            ) from None
        if isinstance(err, DeadKernelError):
            raise self._dead(template, nb, client, err) from None
        if isinstance(err, CellExecutionError):
            failure = self._failure(template, nb, err)
            failure.refused = _refused(client)
            raise failure from None
        raise err

    def _dead(self, template: Path, nb: Any, client: Any, err: Exception) -> ReportError:
        cell = nb.cells[client.running].source if client.running is not None else ""
        if client.overflow:
            what = f"the report's output passed the limit of {self.max_output_mb:g} MB"
            return ReportError(template.name, cell, "OutputLimitError", what)
        why = "the cell ended its kernel (an exit, a crash or a kill"
        why += (
            f", or it ran past the {self.max_memory_mb} MB memory limit)"
            if self.max_memory_mb
            else ")"
        )
        return ReportError(template.name, cell, "DeadKernelError", f"the kernel died: {why}")

    def _failure(self, template: Path, nb: Any, err: Exception) -> ReportError:
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    ename, evalue = out["ename"], out["evalue"]
                    if "MemoryError" in ename and self.max_memory_mb:
                        evalue = f"{evalue} (the kernel's memory limit is {self.max_memory_mb} MB)"
                    failure = ReportError(template.name, cell.source, ename, evalue.strip())
                    failure.traceback = _ANSI.sub("", "\n".join(out.get("traceback", [])))
                    return failure
        name = type(err).__name__
        first = _ANSI.sub("", str(err)).strip().splitlines()
        return ReportError(template.name, "", name, first[-1] if first else name)

    @staticmethod
    def _stop(client: Any, km: Any) -> None:
        """Close the client and kill the kernel with its process group."""
        from jupyter_core.utils import run_sync

        atexit.unregister(client._cleanup_kernel)  # nbclient's, left when the start failed
        if client.kc is not None:
            client.kc.stop_channels()
            client.kc = None
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)

    def close(self) -> None:
        """Nothing stays running between reports; kept for the context-manager protocol."""


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
    items: Iterable[Any],
    work: Callable[[KernelWorker, Any], None],
    workers: int,
    timeout: int = TIMEOUT,
    max_output_mb: float = MAX_OUTPUT_MB,
    max_memory_mb: int = MAX_MEMORY_MB,
) -> None:
    """``workers`` threads, each with a :class:`KernelWorker`, call ``work(worker, item)`` per item.

    Items are taken from a shared queue; every item gets a new kernel. ``work``
    handles its own errors (one bad item must not stop the others).
    """
    jobs: queue.Queue[Any] = queue.Queue()
    for item in items:
        jobs.put(item)

    def loop() -> None:
        with KernelWorker(timeout, max_output_mb, max_memory_mb) as worker:
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

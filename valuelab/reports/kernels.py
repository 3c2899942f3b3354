"""Fresh kernels in milliseconds: forked from a process that has already imported the libraries.

A report must start from the state of a fresh kernel (no option, hook,
monkeypatch, thread, environment variable, umask or random state left by the
previous report), but a fresh ``python -m ipykernel`` costs ~1.2 s of CPU, half
of it imports. So, as in ipykernel's unfinished PR #410 and Python's
``multiprocessing`` forkserver, a :class:`ForkServer` process imports pandas,
plotly, ipykernel and valuelab once (and starts no thread and no ZMQ context),
then forks one child per kernel. The child makes itself a new session
(``setsid``: the kernel and whatever it starts form one process group),
takes the working folder, umask and environment it is given, applies resource
limits (an address-space limit, ``RLIMIT_AS``), re-seeds numpy's global random
state as a new interpreter would, and runs an ipykernel on the connection file
jupyter_client wrote. Nothing of a previous kernel can survive: it was another
process, killed with its whole group.

:class:`ForkProvisioner` is a jupyter_client kernel provisioner (a
``LocalProvisioner`` whose process is a forked pid), so a
``KernelManager``/``nbclient`` drive these kernels as usual; it is also
registered as the ``valuelab-fork`` provisioner entry point.

The server lives as long as the process that started it (it exits when its
stdin closes, killing the kernels it forked); it is started once per process
on first use (:func:`fork_server`), in a new session so that Ctrl-C in a
terminal reaches the CLI, not the server.

Examples
--------
>>> from jupyter_core.utils import run_sync
>>> km = fork_kernel_manager(max_memory_mb=4096)
>>> run_sync(km.start_kernel)(cwd=".")
>>> kc = km.client()
>>> kc.start_channels()
>>> run_sync(kc.wait_for_ready)(timeout=60)
>>> run_sync(kc.execute_interactive)("import pandas", timeout=60)["content"]["status"]
'ok'
>>> kc.stop_channels()
>>> run_sync(km.shutdown_kernel)(now=True)
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Integer

from valuelab.core import ValueLabError

__all__ = [
    "PRELOAD",
    "ForkProvisioner",
    "ForkServer",
    "ForkedProcess",
    "KernelStartError",
    "fork_kernel_manager",
    "fork_server",
]

#: What the fork server imports before it forks (what a report template usually imports).
PRELOAD = (
    "numpy",
    "pandas",
    "plotly.graph_objects",
    "plotly.express",
    "plotly.io",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "sqlite3",
    "tornado.platform.asyncio",
    "valuelab",
    "valuelab.data",
    "valuelab.data.sources.source",
    "duckdb",
    "ibis",
    "valuelab.drivers",
    "valuelab.royalties",
    "valuelab.kpis",
    "valuelab.okrs",
    "valuelab.scoring",
    "valuelab.plots",
    "valuelab.reports",
)


_UMASK = os.umask(0o022)  # at import, while no other thread can be creating files
os.umask(_UMASK)


class KernelStartError(ValueLabError):
    """The fork server could not start or fork a kernel."""


# --------------------------------------------------------------------------- the server process


def _send(message: dict[str, Any]) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def _reap(children: set[int]) -> None:
    """Collect every finished child and report its exit code to the client."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid not in children:  # an orphan a dead kernel left (see _kill_orphans)
            continue
        children.discard(pid)
        try:  # what the kernel started goes with it
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        _kill_orphans(children)
        _send({"exit": pid, "code": os.waitstatus_to_exitcode(status)})


def _subreaper() -> None:
    """Adopt the orphans of this process's descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    A kernel is one, so a process a report starts stays its descendant even
    when it leaves the kernel's session (``setsid``, a double fork); the fork
    server is one, so when a kernel ends, what it left behind becomes the
    server's child, and the server kills it.
    """
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: process groups only
        pass


def _kill_orphans(children: set[int]) -> None:
    """Kill every child of the server that is not a live kernel, with its descendants."""
    import psutil

    for proc in psutil.Process().children():
        if proc.pid in children:
            continue
        try:
            for process in [*proc.children(recursive=True), proc]:
                process.kill()
        except psutil.Error:
            pass


def _child(request: Mapping[str, Any], wakeup: tuple[int, int]) -> None:
    """In the forked child: become a fresh kernel process, then run the kernel (never returns)."""
    import resource

    os.setsid()  # its own process group: killing the kernel kills what it started
    _subreaper()  # and what leaves the group stays the kernel's descendant
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for fd in wakeup:
        os.close(fd)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # fd 1 is the server's reply pipe: the kernel must not write there
    os.close(null)
    os.chdir(request["cwd"])
    os.umask(int(request["umask"]))
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel exits when the server does
    memory = int(request.get("max_memory_mb") or 0)
    if memory > 0:
        limit = memory * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if "numpy" in sys.modules:  # a new interpreter seeds numpy's global state from the OS
        sys.modules["numpy"].random.seed()
    if "plotly.io" in sys.modules:  # what ipykernel's environment selects in a new kernel
        sys.modules["plotly.io"].renderers.default = "plotly_mimetype"
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(list(request["argv"]))
    app.start()


def _fork(request: Mapping[str, Any], wakeup: tuple[int, int], children: set[int]) -> None:
    if threading.active_count() != 1:  # forking a threaded process is unsafe
        _send({"id": request.get("id"), "error": "the fork server has started a thread"})
        return
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            _child(request, wakeup)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    children.add(pid)
    _send({"id": request.get("id"), "pid": pid})


def serve(preload: Iterable[str] = PRELOAD) -> None:
    """Run the fork server on stdin/stdout (JSON lines); return when stdin closes.

    A request ``{"id", "argv", "cwd", "env", "umask", "max_memory_mb"}`` is
    answered ``{"id", "pid"}`` (or ``{"id", "error"}``); every child's end is
    announced as ``{"exit": pid, "code": code}``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _subreaper()
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's import-time note
    for name in preload:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    wakeup = os.pipe()
    for fd in wakeup:
        os.set_blocking(fd, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wakeup[1])
    children: set[int] = set()
    buffer = b""
    _send({"ready": os.getpid()})
    while True:
        ready, _, _ = select.select([0, wakeup[0]], [], [])
        if wakeup[0] in ready:
            while _drain(wakeup[0]):
                pass
        _reap(children)
        if 0 not in ready:
            continue
        data = os.read(0, 65536)
        if not data:
            break
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            _fork(json.loads(line), wakeup, children)
    for pid in children:
        _kill_group(pid, signal.SIGKILL)
    _kill_orphans(set())


def _drain(fd: int) -> bool:
    try:
        return bool(os.read(fd, 4096))
    except BlockingIOError:
        return False


def _kill_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except OSError:
        try:
            os.kill(pid, signum)
        except OSError:
            pass


# --------------------------------------------------------------------------- the client side


class ForkServer:
    """A running fork server, driven from any thread of this process.

    Parameters
    ----------
    preload : iterable of str
        Modules the server imports before forking.
    """

    def __init__(self, preload: Iterable[str] = PRELOAD) -> None:
        code = f"from valuelab.reports.kernels import serve; serve({list(preload)!r})"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C goes to the CLI; the server ends when stdin closes
        )
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._replies: dict[int, dict[str, Any]] = {}
        self._exits: dict[int, int] = {}
        self._next = 0
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True, name="fork-server")
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self._changed:
                if "ready" in message:
                    self._ready.set()
                elif "exit" in message:
                    self._exits[message["exit"]] = message["code"]
                else:
                    self._replies[message["id"]] = message
                self._changed.notify_all()
        with self._changed:  # the server is gone: so are its kernels
            self._ready.set()
            self._changed.notify_all()

    @property
    def alive(self) -> bool:
        """Whether the server process is running."""
        return self.proc.poll() is None

    def spawn(
        self,
        argv: list[str],
        cwd: str,
        env: Mapping[str, str],
        umask: int,
        max_memory_mb: int = 0,
        timeout: float = 60.0,
    ) -> int:
        """Fork a kernel running ``IPKernelApp`` with ``argv``; return its pid.

        Raises
        ------
        KernelStartError
            When the server is gone or does not answer within ``timeout`` seconds.
        """
        request = {
            "argv": list(argv),
            "cwd": str(cwd),
            "env": dict(env),
            "umask": umask,
            "max_memory_mb": max_memory_mb,
        }
        with self._lock:
            self._next += 1
            request["id"] = ident = self._next
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write((json.dumps(request) + "\n").encode())
                self.proc.stdin.flush()
            except OSError as err:
                raise KernelStartError(f"the kernel fork server is gone: {err}") from None
        deadline = time.monotonic() + timeout
        with self._changed:
            while ident not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or not (self.alive or self._reader.is_alive()):
                    raise KernelStartError("the kernel fork server did not answer")
                self._changed.wait(min(left, 1.0))
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise KernelStartError(f"cannot fork a kernel: {reply['error']}")
        return int(reply["pid"])

    def exit_code(self, pid: int) -> int | None:
        """The exit code of kernel ``pid``, or None while it runs (-9 if the server is gone)."""
        with self._changed:
            if pid in self._exits:
                return self._exits[pid]
            return None if self._reader.is_alive() else -signal.SIGKILL

    def wait(self, pid: int, timeout: float | None = None) -> int | None:
        """Wait until kernel ``pid`` has ended; its exit code, or None on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                code = self.exit_code(pid)
                if code is not None:
                    return code
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._changed.wait(left if left is not None else 1.0)

    def close(self) -> None:
        """Stop the server; it kills the kernels it forked."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)


_SERVER: list[ForkServer] = []
_SERVER_LOCK = threading.Lock()


def fork_server() -> ForkServer:
    """This process's fork server, started on first use (and again if it died)."""
    with _SERVER_LOCK:
        if not _SERVER or not _SERVER[0].alive:
            server = ForkServer()
            if not server._ready.wait(120) or not server.alive:
                raise KernelStartError("the kernel fork server did not start")
            _SERVER[:] = [server]
        return _SERVER[0]


@atexit.register
def _close_server() -> None:
    for server in _SERVER:
        server.close()
    _SERVER.clear()


class ForkedProcess:
    """A ``subprocess.Popen``-like handle on a kernel forked by a :class:`ForkServer`."""

    stdin = stdout = stderr = None

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server, self.pid = server, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code, or None while the kernel runs."""
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the kernel to end; its exit code."""
        if self.returncode is None:
            self.returncode = self.server.wait(self.pid, timeout)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel (not once it has ended: its pid may belong to another process)."""
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:  # ended and reaped; the server's notice is on its way
                pass

    def kill(self) -> None:
        """SIGKILL the kernel."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM the kernel."""
        self.send_signal(signal.SIGTERM)


def _current_umask() -> int:
    """This process's umask, read without setting it (``os.umask`` would race other threads)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return _UMASK


class ForkProvisioner(LocalProvisioner):
    """A kernel provisioner whose kernels are forked from this process's :class:`ForkServer`.

    Everything else (ports, connection file, signals to the process group,
    clean-up) is jupyter_client's ``LocalProvisioner``.
    """

    max_memory_mb = Integer(0, config=True, help="Address-space limit of the kernel (0: none).")

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict[str, Any]:
        """Fork the kernel instead of starting ``cmd`` (only its ``-f`` arguments are used)."""
        argv = cmd[cmd.index("-f") :] if "-f" in cmd else ["-f", self.parent.connection_file]
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = kwargs.get("env") or dict(os.environ)
        server = fork_server()
        pid = server.spawn(argv, cwd, env, _current_umask(), self.max_memory_mb)
        self.process = ForkedProcess(server, pid)  # type: ignore[assignment]
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        """Wait for the kernel to end (told by the server: no 0.1 s polling as for a Popen)."""
        if self.process is None:
            return 0
        while (code := self.process.wait(timeout=0.02)) is None:
            await asyncio.sleep(0)  # let the event loop run between short waits
        self.process = None  # has_process is now False
        return code

    async def send_signal(self, signum: int) -> None:
        """Signal the kernel's process group, unless the kernel has ended (ids may be reused)."""
        if self.process is not None and self.process.poll() is None:
            await super().send_signal(signum)


@functools.cache
def _manager_classes() -> tuple[type, type]:
    """jupyter_client's async manager and client, with waits sized for kernels forked in ms."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    class ForkKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            """As jupyter_client's, but the final IOPub flush waits 20 ms of quiet, not 200."""
            deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:  # a message on IOPub: its subscription is live
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)
                except Empty:
                    return

    class ForkKernelManager(AsyncKernelManager):
        client_factory = ForkKernelClient

        async def _async_wait(self, pollinterval: float = 0.005) -> None:
            """Poll the (in-memory) exit notices every 5 ms, not every 100 ms."""
            await super()._async_wait(pollinterval)

    return ForkKernelManager, ForkKernelClient


def fork_kernel_manager(max_memory_mb: int = 0, **kwargs: Any) -> Any:
    """An ``AsyncKernelManager`` for a ``python3`` kernel forked by :class:`ForkProvisioner`.

    Parameters
    ----------
    max_memory_mb : int
        Address-space limit of the kernel process in MB (0: none).
    """
    import zmq

    manager, _ = _manager_classes()
    curve = zmq.has("curve") and manager.class_traits().get("transport_encryption")
    if curve:  # CurveZMQ (jupyter_client >= 8.10): no other local user can read or drive it
        kwargs.setdefault("transport_encryption", "auto")
    km = manager(kernel_name="python3", **kwargs)
    km.kernel_id = str(uuid.uuid4())
    km.provisioner = ForkProvisioner(
        kernel_id=km.kernel_id,
        kernel_spec=km.kernel_spec,
        parent=km,
        max_memory_mb=max_memory_mb,
    )
    return km

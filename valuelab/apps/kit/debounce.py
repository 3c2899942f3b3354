"""Debounce: coalesce a burst of widget events into one recomputation."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["debounced"]


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop when inside a Jupyter kernel, else None.

    Outside a kernel a running loop may belong to someone who is not driving
    it (e.g. Playwright's sync API), so a thread timer is used instead.
    """
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or getattr(shell, "kernel", None) is None:
            return None
        return asyncio.get_running_loop()
    except (ImportError, RuntimeError):
        return None


class _Timer:
    """A delayed call on the running event loop (a kernel) or, failing that, a thread."""

    def __init__(self, wait: float, fn: Callable[[], None]) -> None:
        loop = _kernel_loop()
        if loop is not None:
            # In a kernel the observer runs on the kernel's event loop: the
            # trailing call runs there too, never beside it on another thread.
            self._handle = loop.call_later(wait, fn)
        else:
            self._handle = threading.Timer(wait, fn)
            self._handle.daemon = True
            self._handle.start()

    def cancel(self) -> None:
        self._handle.cancel()


def _call_later(wait: float, fn: Callable[[], None]) -> _Timer:
    return _Timer(wait, fn)


class _Debouncer:
    """One debounced function: when it last ran, the pending call and its timer."""

    def __init__(self, fn: Callable[..., Any], wait: float) -> None:
        self.fn, self.wait = fn, wait
        self.lock = threading.RLock()
        self.last = -1e18
        self.timer: _Timer | None = None
        self.pending: tuple[tuple, dict] | None = None

    def run(self, args: tuple, kwargs: dict) -> None:
        with self.lock:
            self.last = time.monotonic()
            self.fn(*args, **kwargs)
            self.last = time.monotonic()

    def trailing(self) -> None:
        with self.lock:
            pending, self.pending, self.timer = self.pending, None, None
        if pending is not None:
            self.run(*pending)

    def call(self, args: tuple, kwargs: dict) -> None:
        """Run now after a quiet period, else keep the latest arguments for the trailing call."""
        with self.lock:
            quiet = time.monotonic() - self.last >= self.wait
            if self.wait <= 0 or (quiet and self.timer is None):
                self.run(args, kwargs)
                return
            self.pending = (args, kwargs)
            if self.timer is None:
                self.timer = _call_later(self.wait, self.trailing)

    def flush(self) -> None:
        """Run the pending trailing call now (tests, shutdown)."""
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
        self.trailing()


def debounced(wait: float = 0.15) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: run a widget observer at most once per burst of events.

    The first event after a quiet period runs at once (no added latency);
    events arriving within ``wait`` seconds of the last run are coalesced into
    one trailing call with the latest arguments. Calls never overlap.

    Parameters
    ----------
    wait : float
        Quiet period in seconds. ``0`` calls through immediately.

    Examples
    --------
    >>> calls = []
    >>> @debounced(wait=0.05)
    ... def refresh(value):
    ...     calls.append(value)
    >>> for v in range(20):
    ...     refresh(v)
    >>> refresh.flush()
    >>> calls
    [0, 19]
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        debouncer = _Debouncer(fn, wait)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            debouncer.call(args, kwargs)

        wrapper.flush = debouncer.flush  # type: ignore[attr-defined]
        return wrapper

    return decorate

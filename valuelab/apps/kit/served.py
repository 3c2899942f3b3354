"""What an app's kernel knows of ``valuelab serve``: the operator's sources, the visitor, the log.

``valuelab serve`` (:mod:`valuelab.apps.server`) starts every kernel with:

- :data:`SOURCES_ENV`: the data sources the operator configured, as JSON
  ``{name: target}`` (a path, a glob, a database URL or ``@connection``). A
  visitor picks one by name (:func:`operator_sources`); no app lets a visitor
  type a path or a URL.
- :data:`LIMITS_ENV`: the limits of the report kernels an app starts
  (``max_memory_mb``, ``timeout``), as JSON (:func:`report_limits`).
- :data:`RUNTIME_ENV`: a folder private to the server, where
  :func:`one_at_a_time` keeps one lock file per visitor.

and passes each page request's visitor as :data:`CLIENT_ENV` (a digest of the
visitor's signed cookie, never the cookie itself), so that a visitor's second
report waits for the first even from another tab.

Errors stay in the server log: :func:`log_error` writes one traceback to the
kernel's original standard error (the server's log) under a short error id,
which is all a visitor is shown.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from valuelab.core import InputError

__all__ = [
    "CLIENT_ENV",
    "CLIENT_HEADER",
    "LIMITS_ENV",
    "RUNTIME_ENV",
    "SOURCES_ENV",
    "log_error",
    "one_at_a_time",
    "operator_sources",
    "report_limits",
]

SOURCES_ENV = "VALUELAB_SERVE_SOURCES"
LIMITS_ENV = "VALUELAB_SERVE_LIMITS"
RUNTIME_ENV = "VALUELAB_SERVE_RUNTIME"
#: The request header the server sets (replacing any a visitor sent) to the
#: visitor's id; Voila hands it to the kernel as :data:`CLIENT_ENV` (RFC 3875).
CLIENT_HEADER = "X-Valuelab-Client"
CLIENT_ENV = "HTTP_X_VALUELAB_CLIENT"
_CLIENT_ID = re.compile(r"^[0-9a-f]{8,64}$")


def operator_sources() -> dict[str, str]:
    """The operator's data sources, ``name -> target``, in the order configured ({} if none).

    Examples
    --------
    >>> os.environ[SOURCES_ENV] = '{"EU accounts": "/srv/eu.csv"}'
    >>> operator_sources()
    {'EU accounts': '/srv/eu.csv'}
    >>> del os.environ[SOURCES_ENV]
    >>> operator_sources()
    {}
    """
    text = os.environ.get(SOURCES_ENV, "")
    found = json.loads(text) if text else {}
    return {str(k): str(v) for k, v in found.items()}


def report_limits() -> dict[str, int]:
    """Limits for the report kernels an app starts: ``max_memory_mb``, ``timeout`` ({} if unset)."""
    text = os.environ.get(LIMITS_ENV, "")
    return {str(k): int(v) for k, v in (json.loads(text) if text else {}).items()}


def log_error(what: str, exc: BaseException | None = None) -> str:
    """Write ``what`` (and one traceback of ``exc``) to the server's log; return its error id.

    The id (8 hex digits) is what a visitor sees; the operator finds the
    details in the log under ``valuelab error <id>``. One failure is one
    traceback: the first error of ``exc``'s chain (its ``__cause__``, whose
    own traceback is the failure's; the errors raised from it only carry it
    to the visitor), and for a report's failed cell the kernel's traceback of
    that cell (``traceback`` of a :class:`~valuelab.reports.ReportError`),
    not the frames that waited for it.
    """
    error_id = secrets.token_hex(4)
    lines = [f"valuelab error {error_id}: {what}"]
    if exc is not None:
        lines += _one_traceback(exc)
    _write_log("\n".join(line.rstrip("\n") for line in lines) + "\n")
    return error_id


def _write_log(text: str) -> None:
    """``text`` to the server's log, once.

    In a kernel, ipykernel reads whatever is written to the process's standard
    error (file descriptor 2) and sends it both to the original descriptor
    (the server's log) and to the page's connection, which ``valuelab serve``
    logs again ("wrote to stderr (not sent)"). ``sys.stderr.fileno()`` of
    ipykernel's stream is that original descriptor, written here directly;
    elsewhere it is the process's standard error.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        fd = None
    if fd is None:
        stream = sys.__stderr__ or sys.stderr
        stream.write(text)
        stream.flush()
        return
    data = text.encode("utf-8", "replace")
    while data:
        data = data[os.write(fd, data) :]


def _one_traceback(exc: BaseException) -> list[str]:
    """The lines of the one traceback a failure is logged with (see :func:`log_error`)."""
    first, seen = exc, {id(exc)}
    while first.__cause__ is not None and id(first.__cause__) not in seen:
        first = first.__cause__
        seen.add(id(first))
    cell = getattr(first, "traceback", "")
    if isinstance(cell, str) and cell.strip():  # a report's cell: the kernel's traceback
        return [f"{type(first).__name__}: {first}", "the cell's traceback:", cell]
    return traceback.format_exception(type(first), first, first.__traceback__, chain=False)


@contextlib.contextmanager
def one_at_a_time(job: str = "report") -> Iterator[None]:
    """Hold the visitor's lock for ``job``; a second holder gets an :class:`InputError` at once.

    The lock is a file lock (``flock``) in :data:`RUNTIME_ENV`'s folder named
    after the visitor (:data:`CLIENT_ENV`), so two tabs of one visitor (two
    kernels) share it, and it is released when its kernel dies. Outside
    ``valuelab serve`` the lock is the process's own.

    Raises
    ------
    InputError
        When the visitor's previous ``job`` is still running.
    """
    folder = os.environ.get(RUNTIME_ENV, "")
    client = os.environ.get(CLIENT_ENV, "")
    if not folder or not _CLIENT_ID.match(client):
        client = f"pid{os.getpid()}"
        folder = folder or os.path.join(os.environ.get("TMPDIR", "/tmp"), "valuelab-locks")
    Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(Path(folder) / f"{client}.{job}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"your previous {job} is still being made",
                source="this visitor",
                expected=f"one {job} at a time; try again when it is ready",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

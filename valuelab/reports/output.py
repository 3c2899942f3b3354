"""A batch's output folder: checked, locked, named without collisions, with a manifest.

- :func:`check_writable` proves a folder can be written (creating it) before
  any kernel starts;
- :func:`lock_folder` holds an exclusive lock on it for one batch: a second
  batch on the same folder is refused with a message naming the holder; the
  lock is the operating system's (``flock``), so a batch that died, even by
  ``kill -9``, leaves nothing stale behind — the next one takes the folder over;
- :func:`output_names` gives every row a distinct, short, portable file name
  that is never ``index``, ``manifest`` or ``assets`` (compared without case);
- :class:`Manifest` remembers what each report was made from and is rewritten
  atomically after every report, so an interrupted batch resumes where it
  stopped; a run on a subset of the rows adds to it, and a manifest that
  cannot be read is reported in one line and ignored.

Examples
--------
>>> output_names([{"id": "A"}, {"id": "A"}, {"id": "A-2"}, {"id": "index"}], "id")
['A.html', 'A-3.html', 'A-2.html', 'index-2.html']
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import string
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from valuelab.core import InputError
from valuelab.reports.engine import write_atomic

__all__ = [
    "RESERVED",
    "Manifest",
    "check_writable",
    "file_stem",
    "lock_folder",
    "output_names",
    "report_file_name",
]

#: Names a report file never takes: the batch's own files (compared without case).
RESERVED = frozenset({"index", "manifest", "assets"})
#: Longest file name stem; longer ones keep their start and a hash of the rest.
MAX_STEM = 80
LOCK_NAME = ".valuelab-batch.lock"
_PLAIN = re.compile(r"[^./\\\x00][^/\\\x00]{0,200}\.html")  # a file name in the folder


def check_writable(folder: str | Path) -> Path:
    """Create ``folder`` if needed and prove a file can be written in it; return it.

    Raises
    ------
    InputError
        When the folder cannot be created or written, naming it and why.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_writable(pathlib.Path(tempfile.mkdtemp()) / "new").is_dir()
    True
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".valuelab-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        raise InputError("not a folder", source=str(folder), expected="a writable folder") from None
    except (OSError, ValueError) as err:  # ValueError: a NUL byte in the name
        why = getattr(err, "strerror", None) or str(err)
        raise InputError(
            f"cannot write there: {why}", source=str(folder), expected="a writable folder"
        ) from None
    return folder


def _holder() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
        "command": " ".join(sys.argv)[:300],
    }


def _describe(path: Path) -> str:
    """Who holds the lock, from what it wrote into the lock file."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return (
            f"process {int(info['pid'])} on {info['host']} since {info['since']} "
            f"({info['command']})"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _try_lock(fd: int) -> bool:
    if os.name == "nt":  # pragma: no cover - the kit runs on POSIX; this keeps it importable
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def lock_folder(folder: str | Path) -> Iterator[Path]:
    """Hold ``folder`` for one batch; yield the lock file's path.

    The lock is an exclusive ``flock`` on ``FOLDER/.valuelab-batch.lock``,
    which also records the holder (process id, host, start time, command).
    The operating system releases it when the holder exits in any way, so
    the lock of a dead process is simply taken over.

    Raises
    ------
    InputError
        When another batch holds the folder, naming the folder and the holder.
    """
    path = Path(folder) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise InputError(f"cannot lock: {err.strerror}", source=str(folder)) from None
    try:
        if not _try_lock(fd):
            raise InputError(
                f"in use by another batch: {_describe(path)}",
                source=str(folder),
                expected="one batch per output folder; wait for it or choose another --out",
            )
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(_holder()).encode())
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def file_stem(text: object) -> str:
    """A safe file name stem from any text: ASCII letters, digits, ``-`` and ``_`` only.

    Every other run of characters (markup, paths, dots, spaces, accents)
    becomes one ``_`` (as does a run of ``_``); the stem never starts or ends
    with ``_`` or ``-``, is ``report`` when nothing is left, and is at most
    :data:`MAX_STEM` characters (a long text keeps its start and a hash of
    the whole, so two long texts stay apart). The one rule for every name valuelab writes or
    offers for download (:func:`output_names`, :func:`report_file_name`).

    Examples
    --------
    >>> file_stem("signup_<i>y</i>")
    'signup_i_y_i'
    >>> file_stem("../.env"), file_stem("ü €"), file_stem("acme.co 2024")
    ('env', 'report', 'acme_co_2024')
    """
    text = str(text)
    slug = re.sub(r"_{2,}", "_", re.sub(r"[^A-Za-z0-9_-]+", "_", text)).strip("_-") or "report"
    if len(slug) > MAX_STEM:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        slug = f"{slug[: MAX_STEM - 11].rstrip('_-')}-{digest}"
    return slug


def report_file_name(template: str | Path, values: Mapping[str, Any] | Sequence[Any] = ()) -> str:
    """The file name of one report: the template's name and the values it was made with.

    Empty values are left out; the whole is one :func:`file_stem` plus ``.html``.

    Examples
    --------
    >>> report_file_name("product_kpis.ipynb", {"period": "month", "segment": "", "e": "<i>y</i>"})
    'product_kpis_month_i_y_i.html'
    >>> report_file_name("spotify_year.ipynb", [2016])
    'spotify_year_2016.html'
    """
    given = values.values() if isinstance(values, Mapping) else values
    words = [Path(template).stem, *(str(v) for v in given if str(v).strip())]
    return file_stem("_".join(words)) + ".html"


def _pattern_fields(pattern: str, columns: Sequence[str]) -> list[tuple[str, str | None]]:
    """``pattern`` as (literal text, column) pairs; only plain ``{column}`` fields.

    The values are put in by :func:`_base`, never by ``str.format``, so a
    pattern cannot reach attributes or items of anything.
    """
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as err:
        raise InputError(f"pattern {pattern!r}: {err}", source="--name") from None
    expected = "plain {column} fields, columns: " + ", ".join(columns)
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + f":{spec}}}"
            shown = shown.replace(":}", "}")
            problem = f"{shown} is not a plain column field"
        elif field not in columns and re.search(r"[.\[]", field):
            problem = f"{{{field}}} is not a plain column field (no attributes or indexes)"
        elif field not in columns:
            problem = f"no column '{field}'" if field else "{} names no column"
        else:
            continue
        raise InputError(f"pattern {pattern!r}: {problem}", source="--name", expected=expected)
    return [(literal, field) for literal, field, _, _ in parts]


def _base(row: Mapping[str, Any], name: str | None, index: int) -> str:
    if name is None:
        return "-".join(str(v) for v in row.values()) or f"row{index + 1}"
    if "{" in name or "}" in name:
        parts = _pattern_fields(name, list(row))
        return "".join(lit + ("" if f is None else str(row[f])) for lit, f in parts)
    if name not in row:
        raise InputError(f"no column '{name}'", source="--name", expected=", ".join(row))
    return str(row[name])


def output_names(rows: Sequence[Mapping[str, Any]], name: str | None = None) -> list[str]:
    """One distinct ``.html`` file name per row.

    Parameters
    ----------
    name : str, optional
        A column whose value names each file, or a pattern of plain
        ``{column}`` fields such as ``"{customer_id}-{year}"`` (no attributes,
        indexes, conversions or format specs); default: the row's values joined.

    Names are :func:`file_stem` s (letters, digits, ``_`` and ``-``; other
    runs of characters become ``_``; at most :data:`MAX_STEM` characters
    before ``.html``, a long value keeping its start and a hash of the whole)
    and never equal one of :data:`RESERVED`. A name already taken, ignoring
    case, gets ``-2``, ``-3``, ... — names that rows spell out themselves are
    taken first, so rows ``A, A, A-2`` give ``A``, ``A-3``, ``A-2``.

    Raises
    ------
    InputError
        A ``name`` that is no column, or a pattern with anything but plain
        column fields.
    """
    bases = [file_stem(_base(row, name, i)) for i, row in enumerate(rows)]
    taken = set(RESERVED)
    first: dict[str, int] = {}
    for i, base in enumerate(bases):  # each distinct spelled-out name goes to its first row
        if base.casefold() not in taken:
            taken.add(base.casefold())
            first[base.casefold()] = i
    names = []
    for i, base in enumerate(bases):
        stem, k = base, 2
        if first.get(base.casefold()) != i:
            while f"{base}-{k}".casefold() in taken:
                k += 1
            stem = f"{base}-{k}"
            taken.add(stem.casefold())
        names.append(f"{stem}.html")
    return names


def _read(path: Path) -> tuple[dict[str, dict[str, Any]], str]:
    """The entries of a manifest file, and a one-line problem when it cannot be used."""
    if not path.exists():
        return {}, ""
    ignored = "ignored, every report is rendered again"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as err:
        return {}, f"{path}: cannot read ({err.strerror}); {ignored}"
    except UnicodeDecodeError:
        return {}, f"{path}: not UTF-8 text; {ignored}"
    except ValueError as err:
        return {}, f"{path}: not JSON ({str(err).splitlines()[0]}); {ignored}"
    if not isinstance(data, dict):
        return {}, f"{path}: a JSON {type(data).__name__}, not a mapping of reports; {ignored}"
    entries = {k: v for k, v in data.items() if isinstance(v, dict) and _PLAIN.fullmatch(k)}
    bad = len(data) - len(entries)
    problem = (
        f"{path}: {bad} of {len(data)} entries are not a report's file name and a mapping; "
        "they are ignored"
    )
    return entries, problem if bad else ""


class Manifest:
    """What each report of a folder was made from: ``name -> {key, status, records, params}``.

    Every :meth:`update` rewrites the file atomically (a temporary file and
    a rename), so the file is always whole and holds every finished report.
    Safe to update from several threads.

    Attributes
    ----------
    problem : str
        One line when the file on disk could not be used (it is then ignored
        and replaced), else ``""``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.entries, self.problem = _read(self.path)
        self._lock = threading.Lock()

    def get(self, name: str) -> dict[str, Any]:
        """The entry of report ``name`` (empty when there is none)."""
        return self.entries.get(name, {})

    def update(self, entries: Mapping[str, Mapping[str, Any]]) -> None:
        """Add or replace entries and write the file at once; the other entries stay."""
        with self._lock:
            self.entries.update({k: dict(v) for k, v in entries.items()})
            text = json.dumps(
                self.entries, default=str, ensure_ascii=False, indent=1, sort_keys=True
            )
            write_atomic(self.path, text)

"""One report per row: a fresh kernel each, a manifest to resume, failure pages and an index.

:func:`run_batch` renders a template once per row of a CSV or YAML file:

- parameters are checked against the template before any kernel starts
  (:mod:`valuelab.reports.params`): an unknown column is an error for the whole batch;
  a value that does not convert fails only its row;
- ``workers`` threads each drive a :class:`valuelab.reports.engine.KernelWorker` (a new
  forked kernel per report), or a Dask cluster does (``dask="local"`` or ``"tcp://host:port"``);
- the plotly.js bundle a report needs (none, basic or full) is written once to
  ``OUT/assets/`` and referenced from there;
- a failing row gets an error page (the cell and the message) in place of its
  report, the others go on, and the run ends with a summary (the CLI exits 1);
- ``OUT/manifest.json`` remembers what each report was made from (the
  template's bytes, the parameters, the shipped data and any data file a
  parameter names; for a ``source`` parameter naming a database — a DuckDB or
  SQLite file, a PostgreSQL URL, a named connection — its declared freshness
  and row count, asked of the database, in place of the file's bytes, so a
  change to one table re-renders the reports on that table only); it is
  rewritten atomically after every report, so a
  batch stopped by Ctrl-C resumes where it stopped; a re-run skips reports
  that are up to date unless ``force``; a run on a subset of the rows
  (``only``, the CLI's ``--where``) adds to it; one that cannot be read is
  reported in one line and ignored (:mod:`valuelab.reports.output`);
- a parameter holding a URL with a password is refused before anything is
  written (credentials belong in the environment, ``~/.pgpass`` or a named
  connection: parameters are kept in pages, manifests and logs);
- the output folder is checked writable and locked before any kernel starts:
  a second batch on it is refused, naming the holder;
- a report that cannot be written (a full disk, a folder in its place) fails
  its row; it is never marked "ok";
- file names are distinct, short and never ``index``, ``manifest`` or
  ``assets`` (:func:`valuelab.reports.output.output_names`);
- ``OUT/index.html`` lists every report of the folder with its status, link
  and the headline figures the template recorded with
  :func:`valuelab.reports.records.record`.
"""

from __future__ import annotations

import hashlib
import html
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from valuelab.core import InputError
from valuelab.reports.engine import (
    MAX_MEMORY_MB,
    MAX_OUTPUT_MB,
    TIMEOUT,
    KernelWorker,
    run_pool,
    write_atomic,
)
from valuelab.reports.html import error_page, referenced_bundles, to_html, write_plotly_asset
from valuelab.reports.output import Manifest, check_writable, lock_folder, output_names
from valuelab.reports.params import coerce, fields, refuse_passwords, resolve_paths
from valuelab.reports.records import read_records

__all__ = ["BatchResult", "Item", "fingerprint", "run_batch"]

#: The folder (in OUT) of the plotly.js bundles the reports load.
ASSETS = "assets"


@dataclass
class Item:
    """One row of a batch and what became of it."""

    name: str
    params: dict[str, Any]
    status: str = "pending"  # ok, failed, skipped
    error: str = ""
    records: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    key: str = ""
    source: dict[str, Any] | None = None


@dataclass
class BatchResult:
    """What a batch did: every item, and the index page."""

    items: list[Item]
    index: Path
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many items ended with ``status``."""
        return sum(1 for i in self.items if i.status == status)

    @property
    def failed(self) -> int:
        """Items that failed."""
        return self.count("failed")

    def summary(self) -> str:
        """One line: rendered, skipped, failed and where the index is."""
        return (
            f"{self.count('ok')} rendered, {self.count('skipped')} up to date, "
            f"{self.failed} failed - {self.index}"
        )


def fingerprint(
    template: Path, params: Mapping[str, Any], source: Mapping[str, Any] | None = None
) -> str:
    """What a report is made from: valuelab's version, the template, its parameters, its data.

    ``source`` is the state of a database the ``source`` parameter names
    (:func:`valuelab.data.sources.freshness`): it stands for that file's bytes.
    """
    from valuelab import __version__
    from valuelab.data import data_dir

    h = hashlib.sha256(f"valuelab {__version__}\n".encode())  # an upgrade re-renders
    h.update(Path(template).read_bytes())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    for f in sorted(Path(data_dir()).glob("*")):
        if f.is_file():
            h.update(f.name.encode() + f.read_bytes())
    if source is not None:
        h.update(json.dumps(dict(source), sort_keys=True, default=str).encode())
    for name, value in params.items():
        if _is_file(value) and not (source is not None and name == "source"):
            h.update(Path(value).read_bytes())
    return h.hexdigest()


def _source_state(params: Mapping[str, Any], cache: dict[tuple, Any]) -> dict[str, Any] | None:
    """The freshness of the database a ``source`` parameter names (``None``: no database).

    Asked once per (source, mapping) of a batch; a problem (an unreachable
    database, a wrong password) is raised as :class:`InputError` each time.
    """
    value = params.get("source")
    if not isinstance(value, str) or not value:
        return None
    mapping = params.get("mapping") or None
    key = (value, mapping)
    if key not in cache:
        from valuelab.data.sources import freshness

        try:
            cache[key] = freshness(value, mapping)
        except InputError as err:
            cache[key] = err
        except Exception as err:  # a database driver's own error: the item fails, not the batch
            cache[key] = InputError(f"cannot ask the database ({type(err).__name__})", source=value)
    if isinstance(cache[key], InputError):
        raise cache[key]
    return cache[key]


def _is_file(value: Any) -> bool:
    """Whether a parameter value names a readable file (a 300-character text does not)."""
    if not isinstance(value, str) or not value or len(value) > 4096:
        return False
    try:
        return Path(value).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False


def _render(worker: KernelWorker, template: Path, item: Item) -> str:
    start = time.perf_counter()
    try:
        nb = worker.run(template, item.params)
        item.records = read_records(nb)
        page = to_html(nb, assets=ASSETS)
        item.status = "ok"
    except Exception as err:  # one bad row must not stop the batch
        page = error_page(template.name, item.params, err)
        item.status, item.error = "failed", str(err).splitlines()[0] if str(err) else repr(err)
    item.seconds = time.perf_counter() - start
    return page


_DASK_WORKERS: dict[int, KernelWorker] = {}


def _dask_job(
    template: str, params: dict[str, Any], limits: dict[str, Any]
) -> tuple[str, str, str, dict, float]:
    """Runs on a Dask worker: one kernel worker per worker thread (a new kernel per job)."""
    worker = _DASK_WORKERS.setdefault(threading.get_ident(), KernelWorker(**limits))
    item = Item(name="", params=params)
    page = _render(worker, Path(template), item)
    return page, item.status, item.error, item.records, item.seconds


def _progress(total: int, quiet: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="report", disable=quiet or total == 0, dynamic_ncols=True)


def _label_column(
    template: Path,
    specs: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    name: str | None,
    source: str,
) -> str | None:
    """The column that only names the files, if any; raise if another column is no parameter."""
    valid = {s["name"] for s in specs}
    label_col = name if name and "{" not in name and name not in valid else None
    columns = set().union(*(r.keys() for r in rows)) if rows else set()
    unknown = sorted(columns - valid - {label_col})
    if unknown:
        coerce(specs, dict.fromkeys(unknown, ""), f"{source} ({template.name})")  # names them
    return label_col


def _entry(item: Item) -> dict[str, Any]:
    """What the manifest keeps of an item."""
    return {
        "key": item.key,
        "status": "ok" if item.status == "skipped" else item.status,
        "error": item.error,
        "records": item.records,
        "params": item.params,
        **({"source": item.source} if item.source else {}),
    }


def _write_page(out: Path, item: Item, page: str) -> None:
    """Write a report or error page and the plotly.js bundle it loads (once, before its first
    page); a write that fails fails its row (never "ok")."""
    try:
        for bundle in referenced_bundles(page):
            write_plotly_asset(out / ASSETS, bundle)
        write_atomic(out / item.name, page)
    except (OSError, UnicodeError) as err:
        why = getattr(err, "strerror", None) or str(err)
        item.status, item.error, item.records = "failed", f"cannot write {item.name}: {why}", {}


def _positions(rows: list[dict[str, Any]], only: Iterable[dict[str, Any]] | None) -> list[int]:
    """Where the rows of ``only`` are in ``rows`` (``only`` keeps their order)."""
    if only is None:
        return list(range(len(rows)))
    found, j = [], 0
    for row in only:
        while j < len(rows) and rows[j] != row:
            j += 1
        if j == len(rows):
            raise InputError(
                "a row to render is not among the rows (or out of order)", source="only"
            )
        found.append(j)
        j += 1
    return found


def _plan(
    template: Path,
    specs: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    names: list[str],
    chosen: list[int],
    label_col: str | None,
    out: Path,
    force: bool,
    source: str,
    manifest: Manifest,
    constants: Mapping[str, Any],
) -> tuple[list[Item], list[Item]]:
    """The chosen rows' items, and those to render.

    A row whose values do not convert fails here (its error page is written);
    one whose report is up to date in the manifest is skipped unless ``force``.
    """
    defaults = {s["name"]: s["default"] for s in specs}
    items: list[Item] = []
    todo: list[Item] = []
    states: dict[tuple, Any] = {}
    for i in chosen:
        values = {**constants, **{k: v for k, v in rows[i].items() if k != label_col}}
        item = Item(name=names[i], params=values)
        items.append(item)
        try:
            item.params = resolve_paths(coerce(specs, values, f"{source} row {i + 1}"))
            item.source = _source_state({**defaults, **item.params}, states)
        except InputError as err:
            item.status, item.error = "failed", str(err)
            _write_page(out, item, error_page(template.name, values, err))
            continue
        item.key = fingerprint(template, {**defaults, **item.params}, item.source)
        old = manifest.get(item.name)
        if (
            not force
            and old.get("key") == item.key
            and old.get("status") == "ok"
            and (out / item.name).is_file()
        ):
            item.status, item.records = "skipped", old.get("records") or {}
        else:
            todo.append(item)
    manifest.update({i.name: _entry(i) for i in items if i.status != "pending"})
    return items, todo


def _finisher(
    out: Path,
    manifest: Manifest,
    items: list[Item],
    bar: Any,
    on_done: Callable[[Item], None] | None,
) -> Callable[[Item, str], None]:
    """What to do when a report is rendered: write it, then its manifest entry, move the bar."""
    lock = threading.Lock()

    def finished(item: Item, page: str) -> None:
        _write_page(out, item, page)
        try:
            manifest.update({item.name: _entry(item)})
        except OSError as err:
            item.status, item.error = "failed", f"cannot update {manifest.path}: {err.strerror}"
        with lock:
            bar.update(1)
            failed = sum(1 for i in items if i.status == "failed")
            bar.set_postfix(done=bar.n, failed=failed)
            if on_done is not None:
                on_done(item)

    return finished


def _prepare(out: str | Path, quiet: bool) -> tuple[Manifest, list[str]]:
    """The folder's manifest (its problem reported) and no leftovers of an interrupted run."""
    out = Path(out)
    manifest = Manifest(out / "manifest.json")
    warnings = [manifest.problem] if manifest.problem else []
    for line in warnings:
        if not quiet:
            print(f"warning: {line}", file=sys.stderr, flush=True)
    for part in out.glob(".*.part"):  # an interrupted run's temporary files; we hold the lock
        part.unlink(missing_ok=True)
    return manifest, warnings


def _checked(
    template: Path, rows: list[dict[str, Any]], constants: Any, name: str | None, source: str
) -> tuple[list[dict[str, Any]], dict[str, Any], str | None, list[str]]:
    """(specs, constants, label column, file names): passwords and unknown columns refused."""
    specs = fields(template)
    constants = dict(constants or {})
    refuse_passwords(rows, source)
    refuse_passwords([constants], "-p")
    label_col = _label_column(template, specs, [constants, *rows], name, source)
    return specs, constants, label_col, output_names(rows, name)


def run_batch(
    template: str | Path,
    rows: list[dict[str, Any]],
    out: str | Path,
    workers: int = 2,
    force: bool = False,
    name: str | None = None,
    dask: str | None = None,
    timeout: int = TIMEOUT,
    quiet: bool = False,
    source: str = "rows",
    on_done: Callable[[Item], None] | None = None,
    only: Iterable[dict[str, Any]] | None = None,
    max_output_mb: float = MAX_OUTPUT_MB,
    max_memory_mb: int = MAX_MEMORY_MB,
    constants: Mapping[str, Any] | None = None,
) -> BatchResult:
    """Render ``template`` once per row into ``out`` (see the module docstring).

    Parameters
    ----------
    rows : list of dict
        Parameter values per report (text converted to the declared types).
    name : str, optional
        A column naming each file, or a pattern such as ``"{customer_id}-{year}"``
        (:func:`~valuelab.reports.output.output_names`; default: the row's values).
    dask : str, optional
        ``"local"`` (a LocalCluster of ``workers`` processes), or a scheduler's address.
    only : list of dict, optional
        A subset of ``rows`` to render (``read_rows(path, where)``); files are named over
        all rows, and the manifest and index keep the other rows' reports.
    timeout, max_output_mb, max_memory_mb
        Limits per report (:class:`~valuelab.reports.engine.KernelWorker`).
    constants : mapping, optional
        Parameters of every row (``-p NAME VALUE``); a row's own value wins.

    Raises
    ------
    InputError
        Before any kernel: unknown columns, a bad ``name``, a URL with a password, an output
        folder that cannot be written or that another batch holds (failed rows do not raise).
    """
    template = Path(template).resolve()
    specs, constants, label_col, names = _checked(template, rows, constants, name, source)
    chosen = _positions(rows, only)
    out = check_writable(out)
    with lock_folder(out):
        manifest, warnings = _prepare(out, quiet)
        items, todo = _plan(
            template, specs, rows, names, chosen, label_col, out, force, source, manifest, constants
        )
        bar = _progress(len(todo), quiet)
        finished = _finisher(out, manifest, items, bar, on_done)
        try:
            _run(template, todo, finished, workers, dask, (timeout, max_output_mb, max_memory_mb))
        finally:
            bar.close()
        listed = _listed(items, manifest, names, out)
        index = write_atomic(out / "index.html", _index(template, listed))
    return BatchResult(items=items, index=index, warnings=warnings)


def _run(
    template: Path, todo: list[Item], finished, workers: int, dask: str | None, values: tuple
) -> None:
    """Render ``todo`` on worker threads, or on a Dask cluster when ``dask`` names one."""
    limits = dict(zip(("timeout", "max_output_mb", "max_memory_mb"), values, strict=True))
    if dask:
        _run_dask(template, todo, finished, workers, dask, limits)
    else:
        _run_threads(template, todo, finished, workers, limits)


def _listed(items: list[Item], manifest: Manifest, names: list[str], out: Path) -> list[Item]:
    """What the index shows: this run's items and the folder's other reports, in row order."""
    ran = {i.name: i for i in items}
    listed = []
    for n in dict.fromkeys([*names, *manifest.entries]):
        entry = manifest.get(n)
        if n in ran:
            listed.append(ran[n])
        elif entry and ((out / n).is_file() or entry.get("status") == "failed"):
            params, records = entry.get("params"), entry.get("records")
            listed.append(
                Item(
                    name=n,
                    params=params if isinstance(params, dict) else {},
                    status=str(entry.get("status", "")),
                    error=str(entry.get("error") or ""),
                    records=records if isinstance(records, dict) else {},
                )
            )
    return listed


def _run_threads(
    template: Path, todo: list[Item], finished, workers: int, limits: dict[str, Any]
) -> None:
    def work(worker: KernelWorker, item: Item) -> None:
        finished(item, _render(worker, template, item))

    run_pool(todo, work, workers, **limits)


def _run_dask(
    template: Path, todo: list[Item], finished, workers: int, address: str, limits: dict[str, Any]
) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError(
            "Dask is not installed", source="--dask", expected="pip install 'valuelab[dask]'"
        ) from None
    cluster = None
    if address == "local":
        cluster = LocalCluster(
            n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout=30)
        except OSError as err:
            raise InputError(f"cannot reach the scheduler: {err}", source="--dask") from None
    try:
        futures = {
            client.submit(_dask_job, str(template), item.params, limits, pure=False): item
            for item in todo
        }
        for future in as_completed(futures):
            item = futures[future]
            try:
                page, item.status, item.error, item.records, item.seconds = future.result()
            except Exception as err:  # a lost worker fails its item, not the batch
                item.status, item.error = "failed", f"{type(err).__name__}: {err}"
                page = error_page(template.name, item.params, err)
            finished(item, page)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _index(template: Path, items: list[Item]) -> str:
    e = html.escape
    heads = sorted(
        {k for i in items for k, v in i.records.items() if not isinstance(v, dict | list)}
    )
    rows = []
    for i in items:
        status = {"ok": "✅ rendered", "skipped": "✅ up to date", "failed": "❌ failed"}.get(
            i.status, i.status
        )
        params = ", ".join(f"{k}={v}" for k, v in i.params.items())
        figures = "".join(f"<td>{e(_fmt(i.records.get(k)))}</td>" for k in heads)
        rows.append(
            f"<tr class='{e(i.status)}'><td><a href='{e(quote(i.name))}'>{e(i.name)}</a></td>"
            f"<td>{e(params)}</td><td>{status}</td><td>{e(i.error)}</td>{figures}</tr>"
        )
    n_failed = sum(1 for i in items if i.status == "failed")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(template.stem)}: {len(items)} reports</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}"
        "tr.failed{background:#fdecea}</style></head><body>"
        f"<h1>{e(template.stem)}</h1><p>{len(items)} reports, {n_failed} failed.</p>"
        "<table><tr><th>report</th><th>parameters</th><th>status</th><th>error</th>"
        + "".join(f"<th>{e(h)}</th>" for h in heads)
        + "</tr>"
        + "".join(rows)
        + "</table></body></html>"
    )


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)

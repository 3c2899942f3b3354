"""One report per row: a fresh kernel each, a manifest to resume, failure pages and an index.

:func:`run_batch` renders a template once per row of a CSV or YAML file:

- parameters are checked against the template before any kernel starts
  (:mod:`valuelab.reports.params`): an unknown column is an error for the whole batch;
  a value that does not convert fails only its row;
- ``workers`` threads each drive a :class:`valuelab.reports.engine.KernelWorker` (a new
  forked kernel per report), or a Dask cluster does (``dask="local"`` or ``"tcp://host:port"``);
- plotly.js is written once to ``OUT/assets/`` and referenced by every report;
- a failing row gets an error page (the cell and the message) in place of its
  report, the others go on, and the run ends with a summary (the CLI exits 1);
- ``OUT/manifest.json`` remembers what each report was made from (the
  template's bytes, the parameters, the shipped data and any data file a
  parameter names); a re-run skips reports that are up to date unless
  ``force``;
- ``OUT/index.html`` lists every row with its status, link and the headline
  figures the template recorded with :func:`valuelab.reports.records.record`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from valuelab.core import InputError
from valuelab.reports.engine import (
    MAX_MEMORY_MB,
    MAX_OUTPUT_MB,
    TIMEOUT,
    KernelWorker,
    error_page,
    run_pool,
    to_html,
    write_atomic,
    write_plotly_asset,
)
from valuelab.reports.params import coerce, fields
from valuelab.reports.records import read_records

__all__ = ["BatchResult", "Item", "fingerprint", "read_rows", "run_batch"]

ASSET = "assets/plotly.min.js"


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


@dataclass
class BatchResult:
    """What a batch did: every item, and the index page."""

    items: list[Item]
    index: Path

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


def read_rows(path: str | Path, where: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Parameter rows from a CSV (header = names) or a YAML list of mappings, filtered.

    ``where`` items are ``name=value`` or ``name!=value`` (compared as text);
    they are parsed, never evaluated.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rows.csv"
    >>> _ = p.write_text("year,segment\\n2021,SMB\\n2022,Enterprise\\n")
    >>> read_rows(p, ["segment!=SMB"])
    [{'year': '2022', 'segment': 'Enterprise'}]
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", source=str(path)) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            rows = yaml.safe_load(text) or []
        except yaml.YAMLError as err:
            raise InputError(f"not YAML: {err}", source=str(path)) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError("not a list of mappings", source=str(path), expected="- name: value")
    else:
        rows = [dict(r) for r in csv.DictReader(text.splitlines())]
    tests = []
    for item in where:
        m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)\s*(.*?)\s*", item)
        if not m:
            raise InputError(
                f"cannot read --where {item!r}", source="--where", expected="name=value"
            )
        tests.append(m.groups())
    for name, _, _ in tests:
        if rows and name not in rows[0]:
            raise InputError(f"no column '{name}'", source="--where", expected=", ".join(rows[0]))
    keep = [r for r in rows if all((str(r.get(n)) == v) == (op == "=") for n, op, v in tests)]
    return keep


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "report"


def _names(rows: list[dict[str, Any]], name: str | None) -> list[str]:
    names = []
    for i, row in enumerate(rows):
        if name is None:
            base = "-".join(str(v) for v in row.values()) or f"row{i + 1}"
        elif "{" in name:
            try:
                base = name.format(**row)
            except (KeyError, IndexError, ValueError) as err:
                raise InputError(f"pattern {name!r}: {err}", source="--name") from None
        else:
            if name not in row:
                raise InputError(f"no column '{name}'", source="--name", expected=", ".join(row))
            base = str(row[name])
        names.append(_slug(base))
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    return [f"{n}.html" for n in out]


def fingerprint(template: Path, params: Mapping[str, Any]) -> str:
    """What a report is made from: valuelab's version, the template, its parameters, its data."""
    from valuelab import __version__
    from valuelab.data import data_dir

    h = hashlib.sha256(f"valuelab {__version__}\n".encode())  # an upgrade re-renders
    h.update(Path(template).read_bytes())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    for f in sorted(Path(data_dir()).glob("*")):
        if f.is_file():
            h.update(f.name.encode() + f.read_bytes())
    for value in params.values():
        if isinstance(value, str) and value and Path(value).is_file():
            h.update(Path(value).read_bytes())
    return h.hexdigest()


def _render(worker: KernelWorker, template: Path, item: Item) -> str:
    start = time.perf_counter()
    try:
        nb = worker.run(template, item.params)
        item.records = read_records(nb)
        page = to_html(nb, plotly_js=ASSET)
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


def _read_manifest(path: Path) -> dict[str, Any]:
    """The previous run's manifest; empty when there is none or it cannot be read."""
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except (OSError, json.JSONDecodeError):
        return {}


def _plan(
    template: Path,
    specs: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    names: list[str],
    label_col: str | None,
    out: Path,
    force: bool,
    source: str,
) -> tuple[list[Item], list[Item]]:
    """Every row's item, and those to render.

    A row whose values do not convert fails here (its error page is written);
    one whose report is up to date in the manifest is skipped unless ``force``.
    """
    manifest = _read_manifest(out / "manifest.json")
    defaults = {s["name"]: s["default"] for s in specs}
    items: list[Item] = []
    todo: list[Item] = []
    for i, (row, file) in enumerate(zip(rows, names, strict=True)):
        values = {k: v for k, v in row.items() if k != label_col}
        item = Item(name=file, params=values)
        items.append(item)
        try:
            item.params = coerce(specs, values, f"{source} row {i + 1}")
        except InputError as err:
            item.status, item.error = "failed", str(err)
            write_atomic(out / file, error_page(template.name, values, err))
            continue
        item.key = fingerprint(template, {**defaults, **item.params})  # defaults name data too
        old = manifest.get(file, {})
        if (
            not force
            and old.get("key") == item.key
            and old.get("status") == "ok"
            and (out / file).exists()
        ):
            item.status, item.records = "skipped", old.get("records", {})
        else:
            todo.append(item)
    return items, todo


def _finisher(
    out: Path, items: list[Item], bar: Any, on_done: Callable[[Item], None] | None
) -> Callable[[Item, str], None]:
    """What to do when a report is rendered: write it, move the bar, call ``on_done``."""
    lock = threading.Lock()

    def finished(item: Item, page: str) -> None:
        write_atomic(out / item.name, page)
        with lock:
            bar.update(1)
            failed = sum(1 for i in items if i.status == "failed")
            bar.set_postfix(done=bar.n, failed=failed)
            if on_done is not None:
                on_done(item)

    return finished


def _write_manifest(path: Path, items: list[Item]) -> None:
    """Remember each report's key, status and records for the next run."""
    manifest = {
        i.name: {
            "key": i.key,
            "status": "ok" if i.status == "skipped" else i.status,
            "records": i.records,
        }
        for i in items
    }
    write_atomic(path, json.dumps(manifest, indent=1, default=str))


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
    max_output_mb: float = MAX_OUTPUT_MB,
    max_memory_mb: int = MAX_MEMORY_MB,
) -> BatchResult:
    """Render ``template`` once per row into ``out`` (see the module docstring).

    Parameters
    ----------
    rows : list of dict
        Parameter values per report (strings are converted to the declared types).
    name : str, optional
        A column whose value names each file, or a pattern such as
        ``"{customer_id}-{year}"``; default: the row's values joined.
    dask : str, optional
        ``"local"`` for a ``distributed.LocalCluster`` of ``workers`` processes,
        or the address of a running scheduler.
    timeout, max_output_mb, max_memory_mb
        Limits per report (see :class:`valuelab.reports.engine.KernelWorker`).

    Raises
    ------
    InputError
        Before any kernel starts: unknown parameter names (columns) or a bad
        ``name``. Failures of single rows do not raise.
    """
    template = Path(template).resolve()
    specs = fields(template)
    label_col = _label_column(template, specs, rows, name, source)
    names = _names(rows, name)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_plotly_asset(out / "assets")
    items, todo = _plan(template, specs, rows, names, label_col, out, force, source)
    bar = _progress(len(todo), quiet)
    finished = _finisher(out, items, bar, on_done)
    limits = {"timeout": timeout, "max_output_mb": max_output_mb, "max_memory_mb": max_memory_mb}
    if dask:
        _run_dask(template, todo, finished, workers, dask, limits)
    else:
        _run_threads(template, todo, finished, workers, limits)
    bar.close()
    _write_manifest(out / "manifest.json", items)
    index = write_atomic(out / "index.html", _index(template, items))
    return BatchResult(items=items, index=index)


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
            f"<tr class='{e(i.status)}'><td><a href='{e(i.name)}'>{e(i.name)}</a></td>"
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

"""Build the course site: execute lessons and sample reports to HTML.

``valuelab build`` (and ``make build``/``make demo``) runs every lesson in
``notebooks/`` with its default parameters into ``build/course/``, renders the
sample reports listed in ``notebooks/reports/samples.yaml`` into
``build/reports/`` (stakeholder HTML, no code), and writes ``build/index.html``
with a table of contents. A notebook that fails does not stop the others: its
entry shows the error and the build ends with :class:`BuildError`.
"""

from __future__ import annotations

import html
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat
import yaml

from valuelab.core import InputError, ValueLabError, shipped
from valuelab.reports import (
    KernelWorker,
    ReportError,
    chart_bundle,
    report_file_name,
    run_pool,
    to_html,
    write_atomic,
    write_plotly_asset,
)

__all__ = ["BuildError", "Page", "build", "notebook_title"]

#: The folder of the plotly.js bundles, written once for every page of the site.
ASSETS = "assets"


class BuildError(ValueLabError):
    """One or more notebooks failed; the site was still written."""


@dataclass
class Page:
    """One executed notebook in the site."""

    kind: str  # "lesson" or "report"
    source: Path
    html: Path
    title: str
    question: str
    parameters: dict[str, Any]
    seconds: float = 0.0
    error: str = ""


def notebook_title(path: Path) -> tuple[str, str]:
    """Title (first ``#`` heading) and the question line of a notebook's first cell.

    Examples
    --------
    >>> from pathlib import Path
    >>> root = Path(__file__).resolve().parents[2]
    >>> notebook_title(root / "notebooks" / "00_start_here.ipynb")[0]
    'Start here: valuelab in 15 minutes'
    """
    nb = nbformat.read(str(path), as_version=4)
    first = nb.cells[0].source if nb.cells else ""
    title = next((ln[2:].strip() for ln in first.splitlines() if ln.startswith("# ")), path.stem)
    question = next(
        (ln.split(":**", 1)[1].strip() for ln in first.splitlines() if "question:**" in ln), ""
    )
    if not question:
        lines = [ln.strip() for ln in first.splitlines() if ln.strip() and not ln.startswith("#")]
        question = lines[0] if lines else ""
    return title, question


def _samples(reports_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    listing = reports_dir / "samples.yaml"
    if not listing.exists():
        return [(p, {}) for p in sorted(reports_dir.glob("*.ipynb"))]
    spec = yaml.safe_load(listing.read_text()) or {}
    if not isinstance(spec, dict):
        raise InputError("not a mapping", source=str(listing), expected="template: [parameters]")
    runs = []
    for name, param_sets in spec.items():
        template = reports_dir / str(name)
        if not template.exists():
            raise InputError(f"no report template '{name}'", source=str(listing))
        for params in param_sets or [{}]:
            runs.append((template, dict(params or {})))
    return runs


def _slug(params: dict[str, Any]) -> str:
    text = "-".join(f"{v}" for v in params.values())
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _execute(worker: KernelWorker, page: Page, out: Path) -> Page:
    """Run one notebook on a fresh kernel and export it (lessons keep their code)."""
    start = time.perf_counter()
    try:
        nb = worker.run(page.source, page.parameters)
        assets = Path(os.path.relpath(out / ASSETS, page.html.parent)).as_posix()
        bundle = chart_bundle(nb)
        if bundle is not None:
            write_plotly_asset(out / ASSETS, bundle)
        body = to_html(nb, assets=assets, show_code=page.kind == "lesson")
        write_atomic(page.html, body)
    except ReportError as err:  # one broken notebook must not stop the build
        page.error = f"{err.ename}: {err.evalue}"
    except Exception as err:
        lines = [ln for ln in str(err).strip().splitlines() if ln.strip()]
        page.error = lines[-1] if lines else type(err).__name__
    page.seconds = time.perf_counter() - start
    return page


def _run_all(pages: list[Page], out: Path, workers: int, timeout: int) -> None:
    """``workers`` threads take the pages from a queue (a fresh forked kernel each)."""
    run_pool(pages, lambda worker, page: _execute(worker, page, out), workers, timeout)


def _index(pages: list[Page], apps: list[Path], out: Path) -> Path:
    def rows(kind: str) -> str:
        items = []
        for p in pages:
            if p.kind != kind:
                continue
            label = html.escape(p.title + (f" ({_slug(p.parameters)})" if p.parameters else ""))
            link = html.escape(quote(p.html.relative_to(out).as_posix()))  # a name may hold ' < #
            status = (
                f"<span class='fail'>failed: {html.escape(p.error)}</span>"
                if p.error
                else f"<a href='{link}'>{label}</a>"
            )
            items.append(
                f"<li>{status}<br><small>{html.escape(p.question)} · {p.seconds:.1f} s</small></li>"
            )
        return "\n".join(items) or "<li>none yet</li>"

    app_items = "\n".join(
        f"<li><b>{html.escape(notebook_title(a)[0])}</b> — {html.escape(notebook_title(a)[1])} "
        f"<code>notebooks/apps/{html.escape(a.name)}</code></li>"
        for a in apps
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>valuelab course</title>
<style>body{{font-family:system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;
line-height:1.5}}li{{margin:.6em 0}}.fail{{color:#b00020}}small{{color:#555}}</style></head>
<body><h1>valuelab</h1>
<p>Customer value and product metrics: the course notebooks executed with their default
parameters, sample reports, and the apps stakeholders use.</p>
<h2>Course</h2><ol>{rows("lesson")}</ol>
<h2>Sample reports</h2><ul>{rows("report")}</ul>
<h2>Apps</h2><p>Served by <code>make demo</code> at http://127.0.0.1:8866/</p>
<ul>{app_items or "<li>none yet</li>"}</ul>
</body></html>
"""
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _pages(src: Path, out: Path) -> list[Page]:
    """The pages to build: every lesson, then each report template with each of its samples."""
    pages = []
    for nb in sorted(src.glob("*.ipynb")):
        title, question = notebook_title(nb)
        pages.append(Page("lesson", nb, out / "course" / f"{nb.stem}.html", title, question, {}))
    reports = src / "reports"
    if reports.is_dir():
        for template, params in _samples(reports):
            title, question = notebook_title(template)
            name = report_file_name(template, params)  # the launcher's and the batch's rule
            pages.append(Page("report", template, out / "reports" / name, title, question, params))
    return pages


def build(
    out: str | Path = "build",
    *,
    notebooks_dir: str | Path | None = None,
    workers: int = 2,
    timeout: int = 600,
) -> Path:
    """Execute lessons and sample reports to HTML and write the index page.

    Parameters
    ----------
    out : path
        Output folder (created).
    notebooks_dir : path, optional
        Folder with the lessons; ``reports/`` and ``apps/`` below it. Default:
        the course's own (:func:`valuelab.core.shipped`: the checkout's
        ``notebooks/``, else the copy installed with valuelab).
    workers : int
        Notebooks executed at once (each on a fresh forked kernel).
    timeout : int
        Seconds a single cell may run.

    Returns
    -------
    Path
        The index page.

    Raises
    ------
    BuildError
        After writing everything, if any notebook failed (names them all).
    """
    src = Path(notebooks_dir) if notebooks_dir else shipped("lessons")
    out = Path(out)
    if not src.is_dir():
        raise InputError("no such folder", source=str(src), expected="the notebooks folder")
    pages = _pages(src, out)
    _run_all(pages, out, workers, timeout)
    for p in pages:
        state = f"FAILED: {p.error}" if p.error else f"{p.seconds:5.1f} s"
        print(f"  {p.kind:<7} {p.html.relative_to(out).as_posix():<45} {state}")
    apps = sorted((src / "apps").glob("*.ipynb")) if (src / "apps").is_dir() else []
    index = _index(pages, apps, out)
    failed = [p for p in pages if p.error]
    if failed:
        raise BuildError(
            f"{len(failed)} of {len(pages)} notebooks failed: "
            + "; ".join(f"{p.source.name}: {p.error}" for p in failed)
            + f" (site written to {index})"
        )
    return index

"""Shared fixtures: notebook execution, the Voila + Chromium harness, a PostgreSQL server.

Plain helpers (paths, servers, ``find_widget``) are in ``tests/support.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from postgres_server import PostgresDB, load_logs, require_server_bindir, running_server
from support import IN_CI, ROOT, AppServer, VoilaServer, write_template

from valuelab.reports import read_records

CHROMIUM = os.environ.get("VALUELAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


_WORKER: list[Any] = []


def execute_notebook(
    path: Path, out_dir: Path, parameters: dict[str, Any] | None = None, timeout: int = 120
) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
    """Execute a notebook headless on a fresh forked kernel; return it and its records.

    valuelab's report engine forks each notebook's kernel from a process that has
    already imported the libraries, which saves an interpreter start per notebook.
    A failing cell fails the test with the cell's error.
    """
    from valuelab.reports.engine import KernelWorker, ReportError

    if not _WORKER:
        _WORKER.append(KernelWorker(timeout=timeout))
    try:
        nb = _WORKER[0].run(path, parameters or {})
    except ReportError as err:
        pytest.fail(f"{path.name}: {err.ename}: {err.evalue}\n--- cell ---\n{err.cell}")
    nbformat.write(nb, str(out_dir / path.name))
    return nb, read_records(nb)


@pytest.fixture(scope="session", autouse=True)
def _close_notebook_kernel() -> Iterator[None]:
    yield
    for worker in _WORKER:
        worker.close()


_EXECUTED: dict[tuple[str, str], tuple[nbformat.NotebookNode, dict[str, Any]]] = {}


@pytest.fixture(scope="session")  # module fixtures may use it (tests/reports/test_html.py)
def run_notebook(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., tuple[nbformat.NotebookNode, dict[str, Any]]]:
    """``run_notebook(path, **params)`` -> (executed notebook, recorded figures).

    Results are cached for the session by (path, parameters), so the generic
    "every notebook runs" test and a lesson's number assertions share one run.
    Treat the returned notebook as read-only.
    """

    def run(path: Path, **params: Any) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        key = (str(Path(path).resolve()), repr(sorted(params.items())))
        if key not in _EXECUTED:
            out = tmp_path_factory.mktemp("executed")
            _EXECUTED[key] = execute_notebook(Path(path), out, params)
        return _EXECUTED[key]

    return run


# --- report templates ------------------------------------------------------


@pytest.fixture
def toy(tmp_path):
    """A template that records its inputs, reads a data file, and fails when asked to."""
    data = tmp_path / "data.csv"
    data.write_text("x\n1\n")
    return write_template(
        tmp_path / "toy.ipynb",
        'n = 1  # a number\nlabel = "a"  # a label\nfail = False  # raise midway\n'
        f'data = "{data}"  # a data file',
        "from valuelab.reports import record\nimport plotly.express as px\n"
        "record('n_squared', n * n)\nrecord('label', label)",
        "px.bar(x=['a', 'b'], y=[n, 2 * n])",
        "if fail:\n    raise ValueError(f'no data for {label}')",
        "record('data_rows', len(open(data).read().splitlines()) - 1)",
    )


# --- browser harness -------------------------------------------------------


@pytest.fixture
def voila(tmp_path: Path) -> Iterator[Callable[[Path], VoilaServer]]:
    """``voila(notebook)`` starts Voila for it and returns the server (stopped after)."""
    servers: list[VoilaServer] = []

    def start(notebook: Path) -> VoilaServer:
        server = VoilaServer(Path(notebook), tmp_path / f"voila-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def apps_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One ``valuelab serve`` for the session's app tests."""
    server = AppServer(tmp_path_factory.mktemp("serve") / "serve.log")
    yield server
    server.stop()


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never ``playwright install``).

    Missing Chromium skips locally but fails under ``CI=true``.
    """
    if not _chromium_available():
        message = f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report on the item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.failed and report.when == "call":
        _server_logs(item, report)
    return report


def _server_logs(item: pytest.Item, report: pytest.TestReport) -> None:
    """Add the log of the test's ``valuelab serve`` to its failure report.

    A session's server logs elsewhere than the test's ``tmp_path``; an app shows
    a visitor only an error id, so the entries of the ids on the page come first.
    """
    funcargs = getattr(item, "funcargs", {})
    servers = [v for v in funcargs.values() if isinstance(v, AppServer)]
    if not servers:
        return
    text = ""
    for name in ("page", "phone_page"):
        pg = funcargs.get(name)
        if pg is not None and not pg.is_closed():
            try:
                text += pg.inner_text("body", timeout=5_000)
            except Exception:  # the diagnosis must not hide the failure
                pass
    error_ids = tuple(dict.fromkeys(re.findall(r"error id ([0-9a-f]{8})", text)))
    for server in servers:
        report.sections.append(("valuelab serve log", "\n".join(server.log_tail(60, error_ids))))


def _diagnose(request: pytest.FixtureRequest, pg: Any) -> None:
    """On failure: screenshot, visible text and the servers' log tails, for CI logs."""
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed or pg.is_closed():
        return
    out = ROOT / "build" / "screenshots" / "failures"
    out.mkdir(parents=True, exist_ok=True)
    shot = out / f"{request.node.name}.png"
    try:
        pg.screenshot(path=str(shot), full_page=True, timeout=10_000)
        text = pg.inner_text("body", timeout=5_000)
    except Exception as err:  # the diagnosis must not hide the failure
        text = f"(page unreadable: {err})"
    lines = [f"--- {request.node.name}: page {pg.url}, screenshot {shot}", text[:2000]]
    for log in sorted(Path(request.node.funcargs.get("tmp_path", out)).glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-40:]
        lines += [f"--- {log.name} (last 40 lines)", *tail]
    sys.stderr.write("\n".join(lines) + "\n")


#: The desktop the browser tests use (CSS px).
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
#: A phone: 390 x 844 CSS px (iPhone 12-16), touch, and a mobile viewport that
#: honours the page's viewport meta tag (without one a phone lays out 980 px).
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _browser_page(browser: Any, request: pytest.FixtureRequest, **context: Any) -> Iterator[Any]:
    ctx = browser.new_context(**context)
    pg = ctx.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    _diagnose(request, pg)
    ctx.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser page at 1280 x 900; console errors are collected in ``page.errors``.

    When the test fails, a screenshot, the page's text and the Voila logs of the
    test are written to stderr (and ``build/screenshots/failures``).
    """
    yield from _browser_page(browser, request, **DESKTOP)


@pytest.fixture
def phone_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page on a phone (:data:`PHONE`), otherwise as :func:`page`."""
    yield from _browser_page(browser, request, **PHONE)


# --- PostgreSQL --------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_db() -> Iterator[PostgresDB]:
    """A PostgreSQL server of the session, its database loaded with the shipped logs.

    Tables ``product_events``, ``shop_events`` and ``listening_log`` (text ids,
    ``timestamp`` dates, ``numeric`` amounts; see ``tests/postgres_server.py``).
    A missing server skips locally but fails under ``CI=true``.
    """
    with running_server(require_server_bindir(IN_CI)) as db:
        yield load_logs(db)

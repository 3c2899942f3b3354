"""How fast the stakeholder apps open and respond, in headless Chromium.

For every app in ``notebooks/apps/`` this measures, in the same run:

- **plain Voila**: a page view on ``voila APP.ipynb`` (a kernel started per
  view, the baseline the issue quotes: ~4 s to a visible chart);
- **cold**: ``valuelab serve`` just started, its first page view;
- **warm**: page views on a running ``valuelab serve`` (preheated kernels);
- **round trip**: a widget change (the first dropdown, or the first slider
  nudged with the arrow key) until the chart or a KPI card has changed.

"Rendered" means the first plotly chart has drawn (``.js-plotly-plot
.main-svg``). Figures are medians over ``--tries`` views. Targets (issue 8):
first render under 1.5 s with a warm server, round trip under 250 ms.

Run: ``.venv/bin/python benchmarks/bench_apps.py [--tries 3] [--apps a.ipynb ...]``
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "notebooks" / "apps"
CHROMIUM = os.environ.get("VALUELAB_CHROMIUM", "/usr/bin/chromium")
RENDERED = ".js-plotly-plot .main-svg"
#: Apps without a chart to time (the report launcher: a form; tests/test_app_launcher.py).
NO_CHART = {"report_launcher.ipynb"}

CHANGED_JS = """
() => {
  window.__vlChanged = null;
  const obs = new MutationObserver(() => {
    if (window.__vlChanged === null) window.__vlChanged = performance.now();
  });
  document.querySelectorAll('.widget-output, .vl-kpi').forEach(
    n => obs.observe(n, {subtree: true, childList: true, characterData: true}));
  document.querySelectorAll('.vl-cards').forEach(
    n => obs.observe(n, {subtree: true, childList: true, characterData: true}));
  return performance.now();
}
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(argv: list[str], url: str, probe: str = "") -> subprocess.Popen:
    """Start a server and wait until ``url + probe`` answers.

    Plain Voila is probed on a static file: a GET of its page would execute the
    notebook in a kernel nobody uses, competing with the measured views.
    """
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + probe, timeout=5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not answer at {url}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _view(browser, url: str) -> float:
    """Seconds from navigation to the first chart drawn; the page is closed after."""
    page = browser.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    try:
        page.locator(RENDERED).first.wait_for(timeout=120_000)
    except Exception as err:
        raise RuntimeError(f"no chart within 120 s at {url}") from err
    took = time.perf_counter() - start
    page.close(run_before_unload=True)
    return took


def _round_trips(browser, url: str, tries: int) -> list[float]:
    """Seconds from a widget change to the first change of a chart or KPI card."""
    page = browser.new_page()
    page.goto(url, wait_until="commit")
    page.locator(RENDERED).first.wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    found = []
    selects = page.locator("select")
    for i in range(tries):
        t0 = page.evaluate(CHANGED_JS)
        if selects.count():
            options = selects.first.locator("option")
            selects.first.select_option(index=(i + 1) % max(2, options.count()))
        else:
            handle = page.locator(".noUi-handle").first
            handle.focus()
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function("() => window.__vlChanged !== null", timeout=30_000)
        found.append((page.evaluate("() => window.__vlChanged") - t0) / 1000)
        page.wait_for_timeout(700)  # let the update finish before the next change
    page.close(run_before_unload=True)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--apps", nargs="*", default=None, help="app notebook names")
    args = parser.parse_args(argv)
    names = args.apps or sorted(p.name for p in APPS.glob("*.ipynb") if p.name not in NO_CHART)
    bin_dir = Path(sys.executable).parent
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        # valuelab serve: cold first view, then warm views and round trips
        port = _port()
        started = time.perf_counter()
        serve = _start(
            [str(bin_dir / "valuelab"), "serve", "--port", str(port), "--no-browser"],
            f"http://127.0.0.1:{port}/",
        )
        base = f"http://127.0.0.1:{port}/voila/render/"
        try:
            time.sleep(5)  # the pool fills while the user reads the gallery
            cold = {n: _view(browser, base + n) for n in names}
            startup = time.perf_counter() - started
            time.sleep(3)
            warm, trips = {}, {}
            for n in names:
                views = []
                for _ in range(args.tries):
                    views.append(_view(browser, base + n))
                    time.sleep(2)  # the pool refills
                warm[n] = statistics.median(views)
                trips[n] = statistics.median(_round_trips(browser, base + n, args.tries + 2))
        finally:
            _stop(serve)
        # plain voila, one server per app (kernel started per view)
        plain = {}
        for n in names:
            port = _port()
            url = f"http://127.0.0.1:{port}/"
            proc = _start(
                [str(bin_dir / "voila"), str(APPS / n), "--no-browser", f"--port={port}"],
                url,
                probe="voila/static/favicon.ico",
            )
            try:
                plain[n] = statistics.median(_view(browser, url) for _ in range(args.tries))
            finally:
                _stop(proc)
        browser.close()
    print(f"valuelab serve start + first views of {len(names)} apps: {startup:.1f} s")
    header = (
        f"{'app':34} {'plain voila':>11} {'cold':>6} {'warm':>6} {'ratio':>6} {'round trip':>10}"
    )
    print(header)
    for n in names:
        ratio = plain[n] / warm[n]
        rows.append((n, plain[n], cold[n], warm[n], ratio, trips[n]))
        print(
            f"{n:34} {plain[n]:10.2f}s {cold[n]:5.2f}s {warm[n]:5.2f}s {ratio:5.1f}x "
            f"{trips[n] * 1000:8.0f}ms"
        )
    worst_warm = max(r[3] for r in rows)
    worst_trip = max(r[5] for r in rows)
    print(
        f"targets: warm first render < 1.5 s (worst {worst_warm:.2f} s), "
        f"round trip < 250 ms (worst {worst_trip * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers the tests import (``from support import ...``): paths and the server harness.

Fixtures live in ``tests/conftest.py``; this module holds the plain names, so
test files in any folder of ``tests/`` can import them (``pythonpath`` in
pyproject.toml puts ``tests/`` on the path).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def all_notebooks() -> list[Path]:
    """Every notebook a learner, analyst or stakeholder opens."""
    found = sorted(NOTEBOOKS.rglob("*.ipynb")) + sorted(EXERCISES.rglob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def find_widget(widget: Any, kind: type) -> Any:
    """The first widget of class ``kind`` in an app's widget tree (depth first), or None."""
    if isinstance(widget, kind):
        return widget
    for child in getattr(widget, "children", ()):
        found = find_widget(child, kind)
        if found is not None:
            return found
    return None


def write_template(path: Path, params: str, *cells: str) -> Path:
    """Write a report template: a title, a ``parameters`` cell, then one code cell each."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {path.stem}"))
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells.append(p)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))
    return path


def run_valuelab(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m valuelab ARGS`` in a subprocess, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "valuelab", *args], capture_output=True, text=True, timeout=timeout
    )


# --- servers ---------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with code {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except urllib.error.HTTPError as err:
            if err.code < 500:  # answering (a guarded server: 403 without the cookie)
                return
            time.sleep(0.25)
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"voila did not answer {url} within {timeout:.0f} s")


class _ServerProcess:
    """A server subprocess on a free 127.0.0.1 port, waited for until it answers."""

    def __init__(self, argv: list[str], cwd: Path, log: Path, probe: str = "") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [a.replace("{port}", str(self.port)) for a in argv],
            cwd=str(cwd),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_http(self.url + probe, self.proc)
        except Exception:
            self.stop()
            raise

    def log_tail(self, lines: int = 60, errors: tuple[str, ...] = ()) -> list[str]:
        """The log's last ``lines``, after the entries of the ``valuelab error <id>`` in ``errors``.

        An app shows a visitor only an error id; its traceback is in this log,
        maybe far above its tail on a session's server.
        """
        self._log.flush()
        text = self.log.read_text(errors="replace").splitlines()
        found = []
        for error_id in errors:
            start = next((i for i, t in enumerate(text) if f"valuelab error {error_id}" in t), None)
            if start is not None:
                found += [f"--- {self.log.name}: error {error_id}", *text[start : start + 80]]
        return [*found, f"--- {self.log.name} (last {lines} lines)", *text[-lines:]]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


class VoilaServer(_ServerProcess):
    """Plain Voila for one notebook."""

    def __init__(self, notebook: Path, log: Path) -> None:
        argv = [sys.executable, "-m", "voila", str(notebook), "--no-browser", "--port={port}"]
        argv += ["--Voila.ip=127.0.0.1", "--show_tracebacks=False"]
        # Probe a static file: a GET of "/" would execute the notebook in a kernel
        # that the probe abandons, competing with the test's page for 2 cores.
        super().__init__(argv, notebook.parent, log, probe="voila/static/favicon.ico")


class AppServer(_ServerProcess):
    """``valuelab serve`` (gallery, preheated kernels); ``extra``: more flags.

    With ``--token`` in ``extra`` the readiness probe presents it.
    """

    def __init__(self, log: Path, apps: Path | None = None, extra: tuple[str, ...] = ()) -> None:
        argv = [sys.executable, "-m", "valuelab", "serve", "--port", "{port}", "--no-browser"]
        argv += (["--apps", str(apps)] if apps else []) + list(extra)
        token = extra[extra.index("--token") + 1] if "--token" in extra else ""
        super().__init__(argv, ROOT, log, probe=f"?token={token}" if token else "")
        self.token = token

    def app_url(self, name: str, query: str = "") -> str:
        return f"{self.url}voila/render/{name}" + (f"?{query}" if query else "")


# --- visitors of a running server ---------------------------------------------


class Visitor:
    """A browser without JavaScript: its own cookie jar, page views, websockets, the beacon."""

    def __init__(self, base: str, token: str = "") -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        if token:
            status, _, _ = self.get(f"?token={token}")
            assert status == 200 and len(self.jar) == 1, "the token gives a cookie"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str, dict]:
        """GET ``path``: status, body, headers (of the last response after redirects)."""
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as r:
                return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace"), dict(err.headers)

    def view(self, app: str, query: str = "") -> tuple[int, str | None, str]:
        """Open an app's page: status, its kernel id (None when refused), the page."""
        status, page, _ = self.get(f"voila/render/{app}" + (f"?{query}" if query else ""))
        found = re.search(r'"kernelId": "([^"]+)"', page)
        return status, found.group(1) if found else None, page

    def shutdown(self, kernel_id: str, headers: dict | None = None) -> int:
        """The tab-close beacon (a same-origin POST with the cookie): its status."""
        origin = {"Origin": self.base.rstrip("/")}
        request = urllib.request.Request(
            self.base + f"voila/api/shutdown/{kernel_id}",
            method="POST",
            data=b"",
            headers={**origin, **(headers or {})},
        )
        try:
            with self.opener.open(request, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as err:
            return err.code

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    async def channels(
        self, kernel_id: str, headers: dict | None = None, session: str = "test"
    ) -> Any:
        """The page's kernel websocket (tornado's client), with this visitor's cookie.

        A second websocket of one ``session`` replaces the first (Jupyter Server).
        """
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = self.base.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels"
        sent = {"Cookie": self.cookie(), **(headers or {})}
        return await websocket_connect(HTTPRequest(url + f"?session_id={session}", headers=sent))


def kernel_message(msg_type: str, content: dict | None = None, channel: str = "shell") -> str:
    """A Jupyter message for the websocket (JSON protocol)."""
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "test"}
    header.update(username="", date="", version="5.3")
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content or {},
            "channel": channel,
            "buffers": [],
        }
    )


async def read_messages(
    conn: Any, seconds: float, until: Callable[[list[dict]], bool] | None = None
) -> list[dict]:
    """Every message the websocket delivers until it is quiet for ``seconds``.

    With ``until``, stop as soon as ``until(messages so far)`` is true (or after
    ``seconds`` of quiet, whichever comes first).
    """
    found: list[dict] = []
    while until is None or not until(found):
        try:
            text = await asyncio.wait_for(conn.read_message(), seconds)
        except TimeoutError:
            return found
        if text is None:
            return found
        found.append(json.loads(text))
    return found


def replies(kind: str, count: int = 1) -> Callable[[list[dict]], bool]:
    """A :func:`read_messages` stop: ``count`` messages of type ``kind`` have arrived."""
    return lambda got: sum(m["header"]["msg_type"] == kind for m in got) >= count


def kernel_pids(server_pid: int) -> list[int]:
    """The kernel processes under a server process."""
    out = subprocess.run(["pgrep", "-f", "ipykernel", "-P", str(server_pid)], capture_output=True)
    return [int(p) for p in out.stdout.split() if not _exited(int(p))]


def _exited(pid: int) -> bool:
    """A process that has exited and waits to be reaped (a zombie) runs no kernel."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


# --- app pages on a phone and a desktop -----------------------------------

#: What an app page measures of its own layout (see :func:`assert_fits_screen`).
#: Exempt from the "cut" and "outside" checks, by design: plotly's internals (SVG
#: layers, the mode bar; a chart is checked as one box) and noUiSlider's track
#: (its handles sit half over the track's ends; the track's margins keep them on
#: screen).
_FIT_JS = """
() => {
  const W = window.innerWidth, doc = document.documentElement;
  const exempt = (el) =>
    el instanceof SVGElement || el.closest('.js-plotly-plot, .slider-container');
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const name = (el) => el.tagName.toLowerCase() + '.' + [...el.classList].slice(0, 3).join('.')
    + ' "' + (el.innerText || el.value || '').trim().slice(0, 40) + '"';
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height,
            top: r.top + window.scrollY, bottom: r.bottom + window.scrollY};
  };
  const cut = [], outside = [], selects = [];
  const ctx = document.createElement('canvas').getContext('2d');
  for (const el of document.querySelectorAll('.vl-row, .vl-row *')) {
    if (exempt(el) || !shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1) cut.push(name(el));
    if (r.left < -0.5 || r.right > W + 0.5) outside.push(name(el));
    if (el.tagName === 'SELECT' && el.selectedIndex >= 0) {
      const s = getComputedStyle(el);
      ctx.font = s.font;
      const text = ctx.measureText(el.options[el.selectedIndex].text).width;
      const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      if (text > room + 1) selects.push(name(el));
    }
  }
  return {
    width: W, clientWidth: doc.clientWidth,
    scrollWidth: Math.max(doc.scrollWidth, document.body.scrollWidth),
    cut, outside, selects,
    controls: box(document.querySelector('.vl-controls')),
    body: box(document.querySelector('.vl-body')),
    chart: box(document.querySelector('.js-plotly-plot')),
  };
}
"""

#: Scrolls each of the first chart and the KPI cards into view; says which is
#: then not inside the viewport (a chart taller than the screen: filling it) or
#: is covered at the centre of its visible part. Each is found again after the
#: scroll: an app may redraw its cards meanwhile.
_IN_VIEW_JS = """
async () => {
  const hidden = [];
  const selectors = ['.js-plotly-plot', ...[...document.querySelectorAll('.vl-kpi')].map(
    (card) => `.vl-kpi[data-kpi="${card.dataset.kpi}"]`)];
  for (const selector of selectors) {
    document.querySelector(selector).scrollIntoView({block: 'center', inline: 'nearest'});
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const el = document.querySelector(selector);
    const r = el.getBoundingClientRect(), H = window.innerHeight;
    const across = r.left >= -0.5 && r.right <= window.innerWidth + 0.5 && r.width > 0;
    const down = r.height <= H ? r.top >= -0.5 && r.bottom <= H + 0.5 : r.top <= 0 && r.bottom >= H;
    const y = (Math.max(r.top, 0) + Math.min(r.bottom, H)) / 2;
    const hit = document.elementFromPoint(r.left + r.width / 2, y);
    if (!across || !down || !hit || !el.contains(hit)) hidden.push(selector);
  }
  window.scrollTo(0, 0);
  return {count: selectors.length, hidden};
}
"""


#: Every label-like element of an app (control labels, slider readouts, card
#: texts, notes, buttons, dropdown choices, the charts' titles and legends) whose
#: text is cut: wider than its box, or taller than a box that hides overflow, or
#: ending in an ellipsis. Plotly's SVG text has no overflow: its titles, axis
#: titles and legend entries are measured against the chart's own box instead.
_CUT_LABELS_JS = """
() => {
  const cut = [];
  const name = (el) => el.tagName.toLowerCase() + '.' + [...el.classList].slice(0, 2).join('.')
    + ' "' + (el.innerText || el.textContent || el.value || '').trim().slice(0, 50) + '"';
  const labels = document.querySelectorAll(
    '.vl-row :is(.widget-label, .widget-readout, .vl-kpi-label, .vl-kpi-value, .vl-kpi-delta,'
    + ' .widget-html-content, .widget-button, label, select)');
  for (const el of labels) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(el);
    const hides = s.overflow !== 'visible' || s.overflowY !== 'visible';
    if (el.scrollWidth > el.clientWidth + 1) cut.push('wide ' + name(el));
    else if (hides && el.tagName !== 'SELECT' && el.scrollHeight > el.clientHeight + 2)
      cut.push('tall ' + name(el));
  }
  for (const gd of document.querySelectorAll('.vl-row .js-plotly-plot')) {
    const box = gd.getBoundingClientRect();
    for (const t of gd.querySelectorAll('.gtitle, .xtitle, .ytitle, .y2title, .legendtext')) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1))
        cut.push('chart text ' + name(t));
    }
  }
  return cut;
}
"""


#: Texts inside each chart that overlap one another: the title, the legend (as
#: one box), annotations, points' text labels (a driver tree's boxes), bars' value
#: labels and the tick labels of the y axes (a tornado's wrapped input names). Two
#: boxes intersecting by more than 2 px each way overlap. Also caught: a straight
#: line drawn on the chart (a threshold, a base line: plotly shapes) running through
#: a text without an opaque ground, and a text without one on another trace's marker
#: (a label hidden among a quadrant's dots) or a note without one on a bar (a tornado's
#: base value).
_CHART_OVERLAP_JS = """
() => {
  const found = [];
  const text = (el) => (el.textContent || '').trim().slice(0, 40);
  const opaque = (el) => {  // an annotation's ground (bgcolor), as plotly draws it
    const bg = el.closest('.annotation') && el.closest('.annotation').querySelector('.bg');
    return Boolean(bg) && parseFloat(bg.style.fillOpacity || '0') >= 0.5;
  };
  for (const gd of document.querySelectorAll('.vl-row .js-plotly-plot')) {
    const boxes = [];
    const add = (kind, el) => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && text(el))
        boxes.push({kind, text: text(el), r, el, trace: el.closest('.trace')});
    };
    gd.querySelectorAll('.gtitle').forEach((el) => add('title', el));
    gd.querySelectorAll('.legend .bg').forEach((el) => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) boxes.push({kind: 'legend', text: '', r, el});
    });
    gd.querySelectorAll('.annotation-text-g').forEach((el) => add('annotation', el));
    gd.querySelectorAll('.scatterlayer .textpoint').forEach((el) => add('point text', el));
    gd.querySelectorAll('.barlayer .bartext').forEach((el) => add('bar text', el));
    gd.querySelectorAll('.yaxislayer-above text').forEach((el) => add('y tick', el));
    const meet = (a, b, gap) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > gap
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > gap;
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        if (boxes[i].el !== boxes[j].el && meet(boxes[i].r, boxes[j].r, 2))
          found.push(`${boxes[i].kind} "${boxes[i].text}" x ${boxes[j].kind} "${boxes[j].text}"`);
    const words = boxes.filter((b) => b.kind !== 'legend' && b.kind !== 'title' && !opaque(b.el));
    const along = (a0, a1, b0, b1) => Math.min(a1, b1) - Math.max(a0, b0) > 2;
    for (const line of gd.querySelectorAll('.shapelayer path')) {
      const l = line.getBoundingClientRect();
      if (l.width > 3 && l.height > 3) continue;  // an area, not a line
      for (const b of words) {
        const r = b.r, level = l.height <= 3;  // level: through its height, along its width
        const across = level
          ? l.top > r.top + 2 && l.top < r.bottom - 2 && along(l.left, l.right, r.left, r.right)
          : l.left > r.left + 2 && l.left < r.right - 2 && along(l.top, l.bottom, r.top, r.bottom);
        if (across) found.push(`line x ${b.kind} "${b.text}"`);
      }
    }
    const points = [...gd.querySelectorAll('.scatterlayer .trace .point')];
    for (const b of words.filter((w) => w.kind === 'annotation' || w.kind === 'point text'))
      for (const p of points)
        if (p.closest('.trace') !== b.trace && meet(p.getBoundingClientRect(), b.r, 2)) {
          found.push(`${b.kind} "${b.text}" on a marker`);
          break;
        }
    const bars = [...gd.querySelectorAll('.barlayer .trace .point path')];
    for (const b of words.filter((w) => w.kind === 'annotation'))
      if (bars.some((bar) => meet(bar.getBoundingClientRect(), b.r, 2)))
        found.push(`annotation "${b.text}" on a bar`);
  }
  return found;
}
"""


#: The first chart's plot area (plotly's drag layer over it, ``.nsewdrag``) and chart
#: widths, and the x-axis tick labels that run into their neighbour (``"200,000|300,000"``):
#: level labels whose boxes meet, or aslant ones (plotly turns long names) whose parallel
#: lines are closer than a line's height (their anchors' distance x sin of the angle).
_FIRST_CHART_JS = r"""
() => {
  const gd = document.querySelector('.vl-row .js-plotly-plot');
  const plot = gd.querySelector('.nsewdrag');
  const over = [];
  const number = (re, text) => { const m = re.exec(text || ''); return m ? +m[1] : 0; };
  for (const axis of gd.querySelectorAll('.xaxislayer-above')) {
    const ticks = [...axis.querySelectorAll('.xtick text')].map((t) => {
      const transform = t.getAttribute('transform');
      return {text: t.textContent, r: t.getBoundingClientRect(), h: t.getBBox().height,
              x: number(/translate\(\s*([-\d.e]+)/, transform),
              angle: number(/rotate\(\s*([-\d.e]+)/, transform)};
    }).filter((t) => t.r.width > 0).sort((a, b) => a.x - b.x || a.r.left - b.r.left);
    for (let i = 1; i < ticks.length; i++) {
      const a = ticks[i - 1], b = ticks[i], sin = Math.abs(Math.sin(b.angle * Math.PI / 180));
      const apart = Math.abs(b.angle) < 1 ? b.r.left >= a.r.right + 2 : (b.x - a.x) * sin >= b.h;
      if (!apart) over.push(`${a.text}|${b.text}`);
    }
  }
  return {chart: gd.getBoundingClientRect().width,
          plot: plot ? plot.getBoundingClientRect().width : null, over};
}
"""


def assert_first_chart_roomy(page: Any, width: int) -> None:
    """Assert the first chart's plot area is at least 60 % of its width (no colour bar or
    legend beside it squeezes it) and no two x tick labels run into each other."""
    room = page.evaluate(_FIRST_CHART_JS)
    if room["plot"] is not None:  # a chart with axes
        assert room["plot"] >= 0.6 * room["chart"], f"plot area {room} at {width} px"
    assert room["over"] == [], f"x tick labels run together at {width} px: {room['over']}"


def assert_labels_whole(page: Any, width: int) -> None:
    """Assert no label of an app page is cut, nor any chart text on another, at ``width`` px.

    Cut: see ``_CUT_LABELS_JS``; overlapping: see ``_CHART_OVERLAP_JS``.
    """
    cut = page.evaluate(_CUT_LABELS_JS)
    assert cut == [], f"labels cut at {width} px: {cut}"
    overlap = page.evaluate(_CHART_OVERLAP_JS)
    assert overlap == [], f"chart texts overlap at {width} px: {overlap}"


def assert_fits_screen(page: Any, width: int, charts: bool = True) -> dict[str, Any]:
    """Assert an app page fits a ``width`` px screen; return its measures.

    No sideways scrolling; no element of the app cut (``scrollWidth`` over
    ``clientWidth``) or beyond the screen's edges; each dropdown shows its
    whole choice. Under 760 px the controls stack above the body (cards and
    charts), above it they sit beside it. With ``charts``: the first chart
    and every KPI card, scrolled to, are wholly in the viewport and uncovered, and the
    first chart's plot area is roomy (:func:`assert_first_chart_roomy`).
    """
    fit = page.evaluate(_FIT_JS)
    assert fit["width"] == width, "the page is not laid out at the screen's width"
    assert fit["scrollWidth"] <= fit["clientWidth"], f"sideways scroll: {fit['scrollWidth']} px"
    assert fit["cut"] == [], f"cut at {width} px: {fit['cut']}"
    assert fit["outside"] == [], f"beyond the screen at {width} px: {fit['outside']}"
    assert fit["selects"] == [], f"dropdowns cut at {width} px: {fit['selects']}"
    side, body = fit["controls"], fit["body"]
    if width < 760:
        assert side["bottom"] <= body["top"] + 1 and side["width"] >= width - 60, "not stacked"
    else:
        assert side["right"] <= body["left"] and abs(side["top"] - body["top"]) < 2, "not beside"
    if charts:
        chart = fit["chart"]
        assert chart["left"] >= 0 and chart["right"] <= width
        assert chart["width"] >= min(width - 60, 600) and chart["height"] >= 300
        seen = page.evaluate(_IN_VIEW_JS)
        assert seen["count"] >= 2 and seen["hidden"] == [], f"not in view: {seen['hidden']}"
        assert_first_chart_roomy(page, width)
    return fit

"""`valuelab serve`: gallery, nothing but apps readable, kernels released on tab close."""

import hashlib
import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version
from support import NOTEBOOKS, ROOT, AppServer

from valuelab.apps.server import (
    CELL_ERROR_MESSAGE,
    CULL_IDLE_SECONDS,
    FILL_DELAY_SECONDS,
    POOL_SIZE,
    STATIC,
    apps,
    chart_bundles,
    charts_js,
    gallery_html,
    page_assets,
    page_resources,
    voila_argv,
)
from valuelab.core.errors import InputError

APPS = NOTEBOOKS / "apps"


def test_gallery_lists_every_app_with_title_and_purpose():
    entries = apps(APPS)
    assert {e["name"] for e in entries} == {p.name for p in APPS.glob("*.ipynb")}
    glance = next(e for e in entries if e["name"] == "spotify_at_a_glance.ipynb")
    assert glance["title"] == "Spotify at a glance"
    assert glance["purpose"].startswith("Pick a metric")
    page = gallery_html(entries)
    assert "href='/voila/render/spotify_at_a_glance.ipynb'" in page
    assert "Spotify at a glance" in page


def test_argv_binds_loopback_and_culls_idle_kernels():
    argv = voila_argv(APPS, port=9000)
    assert "--Voila.ip=127.0.0.1" in argv and "--port=9000" in argv and "--no-browser" in argv
    assert "--show_tracebacks=False" in argv and "--strip_sources=True" in argv
    assert "--VoilaExporter.markdown_renderer_class=valuelab.apps.server.PlainHeadings" in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)
    assert "--preheat_kernel=True" in argv and "--pool_size=1" in argv
    assert f"--VoilaKernelManager.fill_delay={FILL_DELAY_SECONDS}" in argv
    assert "--preheat_kernel=True" not in voila_argv(APPS, pool_size=0)
    assert "--Voila.ip=0.0.0.0" in voila_argv(APPS, host="0.0.0.0")
    deny = next(a for a in argv if a.startswith("--VoilaKernelManager.preheat_denylist="))
    pattern = re.compile(deny.split("=", 1)[1])
    assert pattern.match(str(APPS.resolve() / "sub" / "private.ipynb"))
    assert not pattern.match(str(APPS.resolve() / "spotify_at_a_glance.ipynb"))


def test_headings_have_no_anchor_link():
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    from valuelab.apps.server import PlainHeadings

    class Files:  # Voila's contents manager, asked only for images
        def file_exists(self, path):
            return False

    renderer = PlainHeadings(Files(), escape=False, anchor_link_text="¶")  # as Voila makes it
    assert MarkdownWithMath(renderer=renderer).render("# Report launcher\ntext").strip() == (
        "<h1>Report launcher</h1>\n<p>text</p>"
    )


def test_argv_uses_the_valuelab_page_with_its_assets_digests():
    argv = voila_argv(APPS)
    assert "--template=valuelab" in argv
    assert "--VoilaConfiguration.allow_template_override=NO" in argv
    resources = next(a for a in argv if a.startswith("--VoilaConfiguration.resources="))
    urls = json.loads(resources.split("=", 1)[1])["valuelab"]
    assert urls == page_resources()
    assert urls["plotly"] in chart_bundles()
    for kind in ("js", "css"):
        digest = hashlib.sha256((STATIC / f"page.{kind}").read_bytes()).hexdigest()[:16]
        assert urls[kind] == f"page.{kind}?v={digest}"


def test_the_built_page_is_built_from_the_sources_in_the_repository():
    """page.js and page.css carry the digest of the sources they were built from.

    A change to valuelab/apps/static/page/ without ``make page`` fails here.
    """
    folder = STATIC / "page"
    build = (folder / "build.mjs").read_text(encoding="utf-8")
    sources = json.loads(re.search(r"SOURCES = (\[.*?\]);", build).group(1).replace("'", '"'))
    digest = hashlib.sha256()
    for name in sources:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    assert set(page_assets()) >= {"page.js", "page.css"}
    assert any(name.endswith(".woff2") for name in page_assets())
    for name in ("page.js", "page.css"):
        head = (STATIC / name).read_text(encoding="utf-8")[:300]
        assert f"(sources sha256 {digest.hexdigest()})" in head, f"{name}: run make page"
    lock = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"][""]["dependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in pinned.values()), pinned
    licenses = (STATIC / "PAGE-LICENSES.txt").read_text(encoding="utf-8")
    for package in ("@jupyter-widgets/controls", "@jupyterlab/services", "jquery"):
        assert f"\n{package} " in licenses or licenses.startswith(package)


def test_the_vendored_plotly_bundle_matches_plotly_python():
    version = get_plotlyjs_version()
    bundles = chart_bundles()
    assert set(bundles) == {f"plotly-basic-{version}.min.js", f"plotly-{version}.min.js"}
    basic = bundles[f"plotly-basic-{version}.min.js"].read_text(encoding="utf-8")
    assert basic.startswith("/**\n* plotly.js (basic - minified) v" + version)
    assert 0.5e6 < len(basic) < 2e6  # the point of it: a quarter of the full bundle
    assert bundles[f"plotly-{version}.min.js"].stat().st_size > 3e6


def _tree(pid: int) -> list[int]:
    kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [p for k in kids for p in _tree(int(k))]


def _rss_mb(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def _settled_rss_mb(pid: int, timeout: float = 120.0) -> float:
    """The tree's memory once it stops changing (preheated kernels finish warming up)."""
    deadline = time.monotonic() + timeout
    last, steady = _rss_mb(pid), 0
    while time.monotonic() < deadline:
        time.sleep(2)
        now = _rss_mb(pid)
        steady = steady + 1 if abs(now - last) < 5 else 0
        if steady == 3:  # 6 s without change: a loaded machine pauses a warming kernel for 2 s
            return now
        last = now
    return last


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server for this module's checks."""
    app_server = AppServer(tmp_path_factory.mktemp("serve") / "serve.log")
    yield app_server.proc, app_server.url
    app_server.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A server no other test has touched: the leak test counts its kernels and memory.

    (A plain HTTP GET of an app, as in the tests above, runs no JavaScript and so
    never releases its kernel; only the idle culler would.)
    """
    # 50 fresh browser contexts in two minutes are 50 new visitors from one address: over the
    # default --new-visitors-per-minute, which tests/apps/serving/test_access.py covers.
    app_server = AppServer(tmp_path / "serve.log", extra=("--new-visitors-per-minute", "1000"))
    yield app_server.proc, app_server.url
    app_server.stop()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, ""


@pytest.mark.browser
def test_only_apps_are_served_and_without_code(server):
    _, url = server
    status, page = _get(url)
    assert status == 200 and "Spotify at a glance" in page
    secret = (ROOT / "pyproject.toml").read_text()[:40]
    for path in [
        "voila/files/spotify_at_a_glance.ipynb",
        "voila/files/../../pyproject.toml",
        "voila/files/%2e%2e/%2e%2e/pyproject.toml",
        "voila/api/contents/spotify_at_a_glance.ipynb",
        "voila/tree",
        "voila/render/../00_start_here.ipynb",
        "api/contents/spotify_at_a_glance.ipynb",
        "api/kernels",
        "pyproject.toml",
        "valuelab/static/PLOTLY-LICENSE",
        "valuelab/static/server.py",
        "valuelab/static/../server.py",
        "valuelab/static/%2e%2e/server.py",
        "valuelab/static/plotly-basic-0.0.0.min.js",
        "valuelab/static/page/index.js",
        "valuelab/static/page/package.json",
        "valuelab/static/PAGE-LICENSES.txt",
        "valuelab/static/../kit/layout.py",
        "valuelab/static/%2e%2e/kit/layout.py",
    ]:
        status, body = _get(url + path)
        assert status in (403, 404), path
        assert secret not in body and "build_app" not in body, path
    status, body = _get(url + "voila/render/spotify_at_a_glance.ipynb")
    assert status == 200 and "build_app" not in body, "app code must be stripped"


def _get_with_headers(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, dict(r.headers), r.read()


@pytest.mark.browser
def test_the_page_loads_its_charts_from_the_server_only(server):
    _, url = server
    version = get_plotlyjs_version()
    status, page = _get(url + "voila/render/spotify_at_a_glance.ipynb")
    assert status == 200 and '<script src="/valuelab/static/charts.js">' in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "no third-party resource"
    # the light front end, not Voila's
    assert f'<script defer src="/valuelab/static/{page_resources()["js"]}">' in page
    assert f'href="/valuelab/static/{page_resources()["css"]}"' in page
    assert "voila.js" not in page and "voila-style.js" not in page
    plotly = page_resources()["plotly"]
    assert f'<link rel="preload" as="script" href="/valuelab/static/{plotly}">' in page
    # the template cannot be switched from the URL
    status, other = _get(url + "voila/render/spotify_at_a_glance.ipynb?template=classic")
    assert status == 200 and "/valuelab/static/charts.js" in other

    status, headers, body = _get_with_headers(url + "valuelab/static/charts.js")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    loader = body.decode()
    assert f'"/valuelab/static/", version = "{version}"' in loader
    assert "__BASE__" not in loader and "__VERSION__" not in loader
    for name, path in chart_bundles().items():
        status, headers, body = _get_with_headers(url + "valuelab/static/" + name)
        assert status == 200 and body == path.read_bytes()
        assert "immutable" in headers["Cache-Control"]
        assert headers["Content-Type"].startswith("text/javascript")
    # page assets: cached for a year when asked for with their digest
    kinds = {".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2"}
    for name, path in page_assets().items():
        versioned = page_resources().get(path.suffix[1:], name)
        status, headers, body = _get_with_headers(url + "valuelab/static/" + versioned)
        assert status == 200 and body == path.read_bytes(), name
        assert "immutable" in headers["Cache-Control"], name
        assert headers["Content-Type"].startswith(kinds[path.suffix]), name
        if path.suffix != ".woff2":
            _, headers, _ = _get_with_headers(url + "valuelab/static/" + name + "?v=old")
            assert headers["Cache-Control"] == "no-cache", name


@pytest.mark.browser
def test_a_figure_beyond_the_basic_bundle_loads_the_full_one(server, page):
    _, url = server
    page.goto(url + "voila/render/spotify_at_a_glance.ipynb", wait_until="commit")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=90_000)
    sankey = go.Figure(
        go.Sankey(
            node={"label": ["fans", "artists"]}, link={"source": [0], "target": [1], "value": [3]}
        )
    )
    page.evaluate(
        "fig => { const d = document.createElement('div'); d.id = 'vl-sankey';"
        " document.body.appendChild(d); window.valuelabCharts.draw(d, fig, 'full'); }",
        json.loads(sankey.to_json()),
    )
    page.locator("#vl-sankey .sankey .sankey-node").first.wait_for(timeout=30_000)
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
    assert any(f"/valuelab/static/plotly-{get_plotlyjs_version()}" in n for n in loaded)
    # an output attached to the page only after its script ran is still drawn
    page.evaluate(
        "fig => { const d = document.createElement('div'); d.id = 'vl-late';"
        " window.valuelabCharts.draw(d, fig, 'basic');"
        " setTimeout(() => document.body.appendChild(d), 500); }",
        json.loads(go.Figure(go.Bar(y=[1, 2])).to_json()),
    )
    page.locator("#vl-late .main-svg").first.wait_for(timeout=30_000)
    widths = page.evaluate(
        "() => [document.querySelector('#vl-late').clientWidth,"
        " document.querySelector('#vl-late .main-svg').getAttribute('width') * 1]"
    )
    assert widths[0] > 900 and widths[1] == widths[0], "sized to the page, not plotly's 700 px"
    assert page.errors == []


@pytest.mark.browser
def test_cross_origin_shutdown_is_refused(server):
    _, url = server
    req = urllib.request.Request(
        url + "voila/api/shutdown/00000000-0000-0000-0000-000000000000",
        method="POST",
        headers={"Origin": "http://evil.example"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 403


@pytest.mark.slow
@pytest.mark.browser
def test_fifty_page_views_leave_no_kernel_behind(fresh_server, browser):
    proc, url = fresh_server
    app_url = url + "voila/render/spotify_at_a_glance.ipynb"
    pool = len(apps(APPS))  # one preheated kernel per app stays ready
    deadline = time.monotonic() + 120
    while len(_tree(proc.pid)) < 1 + pool and time.monotonic() < deadline:
        time.sleep(0.5)
    idle = None
    for views in range(26):  # a warm-up pair, then 50 page views, 2 tabs at a time (2 cores)
        if views == 1:  # the baseline: the pool's kernels warmed up and refilled once
            while len(_tree(proc.pid)) != 1 + pool and time.monotonic() < deadline + 60:
                time.sleep(0.5)
            idle = _settled_rss_mb(proc.pid)
        contexts = [browser.new_context() for _ in range(2)]
        pages = [c.new_page() for c in contexts]
        for page in pages:
            page.goto(app_url, wait_until="commit")
        for page in pages:
            page.locator(".vl-kpi").first.wait_for(timeout=90_000)
            page.close(run_before_unload=True)  # a tab closed by hand: unload handlers run
        for page in pages:  # close(run_before_unload=True) does not wait for the unload
            if not page.is_closed():
                page.wait_for_event("close", timeout=30_000)
        for context in contexts:
            context.close()
    assert idle is not None
    deadline = time.monotonic() + 60
    while len(_tree(proc.pid)) > 1 + pool and time.monotonic() < deadline:
        time.sleep(0.5)
    after = _settled_rss_mb(proc.pid)  # let the pool refill settle
    assert len(_tree(proc.pid)) == 1 + pool, "kernels left running after their tabs closed"
    assert after - idle < 300, f"server memory grew from {idle:.0f} MB to {after:.0f} MB"


@pytest.mark.browser
def test_every_app_has_a_thumbnail_and_the_server_sends_it(server):
    _, url = server
    for entry in apps(APPS):
        assert entry["thumbnail"], f"{entry['name']}: no thumbnail; run `make thumbnails`"
        status, _ = _get(url + "voila/files/" + entry["thumbnail"])
        assert status == 200, entry["thumbnail"]


_FRONT_END_APP = """
import ipywidgets as w
from IPython.display import display

out = w.Output()
button = w.Button(description="Say hello")
clicks = []


def on_click(_):
    clicks.append(1)
    with out:
        if len(clicks) == 2:
            out.clear_output(wait=True)
        print(f"hello {len(clicks)}")
        display(w.HTML(f"<b class='vl-captured'>widget {len(clicks)}</b>"))


button.on_click(on_click)
display(w.VBox([button, out]))
print("printed by the notebook")
"""


@pytest.fixture(scope="module")
def front_end_server(tmp_path_factory):
    """``valuelab serve`` over a folder with one test app (not a shipped one)."""
    folder = tmp_path_factory.mktemp("apps")
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Front end check\nOutput capture."),
            nbformat.v4.new_code_cell(_FRONT_END_APP),
            nbformat.v4.new_code_cell(
                "w.HTML('x', _model_module='nowhere-widgets', _view_module='nowhere-widgets')"
            ),
            nbformat.v4.new_code_cell("raise ValueError('secret detail')"),
        ]
    )
    nbformat.write(nb, folder / "front_end.ipynb")
    server = AppServer(tmp_path_factory.mktemp("serve") / "serve.log", apps=folder)
    yield server
    server.stop()


@pytest.mark.browser
def test_the_page_shows_outputs_captured_by_an_output_widget(front_end_server, page):
    """``with out:`` in a callback: printed text and displayed widgets land in the Output."""
    page.goto(front_end_server.url + "voila/render/front_end.ipynb", wait_until="commit")
    button = page.get_by_role("button", name="Say hello")
    button.wait_for(timeout=90_000)
    assert page.get_by_text("printed by the notebook").is_visible()
    button.click()
    output = page.locator(".widget-output")
    output.get_by_text("hello 1").wait_for(timeout=30_000)
    output.locator(".vl-captured", has_text="widget 1").wait_for(timeout=30_000)
    button.click()  # clear_output(wait=True): the first click's outputs go
    output.locator(".vl-captured", has_text="widget 2").wait_for(timeout=30_000)
    assert output.inner_text().split() == ["hello", "2", "widget", "2"]
    # a widget from a library this page does not carry: a message, not a broken page
    missing = page.get_by_text("needs a widget library this page does not have (nowhere-widgets)")
    missing.wait_for(timeout=30_000)
    # a cell that failed: a plain message, neither its traceback nor its error text
    page.get_by_text("This part of the app could not be shown").wait_for(timeout=30_000)
    text = page.inner_text("body")
    assert "javascript" not in text.lower() and "show_tracebacks" not in text
    assert "secret detail" not in text and "Traceback" not in text and "ValueError" not in text
    assert not page.locator(".jp-CodeCell .jp-InputArea").count(), "code is stripped"
    assert page.errors == []


def test_apps_of_a_folder_with_titles_purposes_and_thumbnails(tmp_path):
    for stem, title in [("b_chart", "B & chart"), ("a_table", "A table")]:
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(f"# {title}\nShows <things>.")]
        )
        nbformat.write(nb, tmp_path / f"{stem}.ipynb")
    (tmp_path / "thumbnails").mkdir()
    (tmp_path / "thumbnails" / "a_table.png").write_bytes(b"\x89PNG")
    entries = apps(tmp_path)
    assert entries == [
        {
            "name": "a_table.ipynb",
            "title": "A table",
            "purpose": "Shows <things>.",
            "thumbnail": "thumbnails/a_table.png",
        },
        {
            "name": "b_chart.ipynb",
            "title": "B & chart",
            "purpose": "Shows <things>.",
            "thumbnail": "",
        },
    ]
    page = gallery_html(entries, base_url="/base/")
    assert "<img src='/base/voila/files/thumbnails/a_table.png' alt=''>" in page
    assert "href='/base/voila/render/b_chart.ipynb'" in page and "<h2>B &amp; chart</h2>" in page
    assert "<p>Shows &lt;things&gt;.</p>" in page and page.count("class='noimg'") == 1
    assert "No apps yet." in gallery_html([])
    odd = gallery_html([{"name": "x'<y>#.ipynb", "title": "t", "purpose": "", "thumbnail": ""}])
    assert "href='/voila/render/x%27%3Cy%3E%23.ipynb'" in odd and "<y>" not in odd
    with pytest.raises(InputError, match="no such folder"):
        apps(tmp_path / "missing")
    with pytest.raises(InputError, match="no such folder"):
        voila_argv(tmp_path / "missing")


def test_the_chart_loader_knows_the_server_and_the_plotly_version():
    loader = charts_js("/prefix/")
    assert f'"/prefix/valuelab/static/", version = "{get_plotlyjs_version()}"' in loader
    assert "__BASE__" not in loader and "__VERSION__" not in loader


def test_argv_serves_the_folder_without_sources_or_tracebacks():
    argv = voila_argv(APPS, port=8123, open_browser=True, cull_idle_seconds=30, pool_size=2)
    assert argv[0] == str(APPS.resolve())
    assert f"--VoilaExecutor.cell_error_instruction={CELL_ERROR_MESSAGE}" in argv
    assert "--MappingKernelManager.cull_idle_timeout=30" in argv and "--pool_size=2" in argv
    assert "--Voila.port_retries=0" in argv and "--no-browser" not in argv
    allow = [a for a in argv if a.startswith("--VoilaConfiguration.file_allowlist=")]
    pattern = re.compile(allow[0].split("=", 1)[1])
    assert pattern.match("thumbnails/app.png") and not pattern.match("app.ipynb")
    assert not pattern.match("../secret.png")
    assert CULL_IDLE_SECONDS == 60 and POOL_SIZE == 1  # a tab gone without its beacon: 1 min


#: Lines a normal start, page view and stop must not log (issue 24, item 9).
_NOISE = (
    "create_subshell_request",
    "Exception in message handler",
    "ZMQError",
    "running over TCP without encryption",
    "DeprecationWarning",
    "Traceback",
)


@pytest.mark.browser
def test_a_start_a_page_view_and_a_stop_log_no_noise(tmp_path):
    import asyncio

    from support import Visitor, kernel_message

    app_server = AppServer(tmp_path / "serve.log")
    try:
        visitor = Visitor(app_server.url)
        status, kernel_id, _ = visitor.view("spotify_at_a_glance.ipynb")
        assert status == 200 and kernel_id

        async def front_end() -> None:  # what JupyterLab's kernel client sends on connecting
            conn = await visitor.channels(kernel_id)
            conn.write_message(kernel_message("kernel_info_request"))
            for _ in range(2):
                conn.write_message(kernel_message("create_subshell_request", channel="control"))
            await asyncio.sleep(2)
            conn.close()

        # In a thread: the suite's Playwright (sync API) may hold this thread's event loop.
        worker = threading.Thread(target=asyncio.run, args=(front_end(),))
        worker.start()
        worker.join(timeout=120)
    finally:
        app_server.stop()
    log = app_server.log.read_text(errors="replace")
    assert "Kernel shutdown:" in log  # it did stop its kernels
    assert [line for line in log.splitlines() if any(n in line for n in _NOISE)] == []

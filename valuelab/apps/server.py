"""``valuelab serve``: the stakeholder apps in Voila, with a gallery and no kernel leaks.

What it changes from a plain ``voila notebooks/apps``:

- **Gallery** at ``/``: title, one-line purpose and a thumbnail per app
  (``notebooks/apps/thumbnails/<app>.png`` when present), instead of a file list.
- **Nothing else readable**: the directory tree and Voila's contents API are not
  routed; files are served only from the apps folder and only when they are
  images (``.png``, ``.jpg``, ``.svg``, ``.gif``). Notebooks are rendered with
  their code stripped and tracebacks hidden (a failed cell shows
  :data:`CELL_ERROR_MESSAGE`, not Voila's advice to rerun it with tracebacks).
- **Kernels are shut down when a tab closes.** The browser's ``sendBeacon`` on
  tab close cannot carry the ``_xsrf`` form token, so plain Voila 0.5 refuses
  the shutdown (voila issue #1458) and every page view leaves a ~150 MB kernel
  behind. Here the shutdown endpoint accepts the beacon when it comes from a
  page of this server (``Origin``/``Sec-Fetch-Site`` checked instead of the
  token; any other origin is refused).
- **Kernels without a page are culled** as a safety net (a crashed browser, or a
  phone that discards a background tab, sends no beacon): a kernel with no open
  connection and idle for :data:`CULL_IDLE_SECONDS` (60) is shut down; the check
  runs every :data:`CULL_INTERVAL_SECONDS` (10). A page still connected keeps its
  kernel however long its viewer idles (``cull_connected=False``).
- **Preheated kernels**: each app keeps :data:`POOL_SIZE` kernel started with
  its imports done, so a page opens in about half the time of a cold Voila
  start (``benchmarks/bench_apps.py``). Parameters from the page URL still
  apply: :func:`valuelab.apps.kit.url_params` waits for the request.
- **A light page front end**: Voila renders the page on the server as usual
  (``valuelab/apps/templates/voila/templates/valuelab``, its lab template), but the
  page does not load Voila's JupyterLab front end (``voila.js`` and the ~90
  script files of it and its extensions, evaluated before the page even
  connects to its kernel: most of the time to a first chart). It loads
  ``valuelab/apps/static/page.js`` (0.96 MB, built from ``valuelab/apps/static/page/``
  with ``make page``: ``@jupyterlab/services`` for the kernel connection,
  ``@jupyter-widgets`` base, controls and output for the widgets), which
  connects at once, builds the widgets and shows the outputs; a warm page draws
  its first chart in under a second, about half the time of Voila's own page.
  Only the standard widgets are available (an app's notebook may not use a
  third-party widget library).
- **Charts drawn with a small plotly.js**: ``valuelab/apps/static/charts.js`` loads
  the 1.2 MB ``plotly-basic`` bundle (bar, pie, scatter; vendored from npm
  ``plotly.js-basic-dist-min``, MIT, in ``valuelab/reports/static/``) while the
  page starts; the apps' charts (:class:`valuelab.apps.kit.FigureBox`) are
  drawn with it, or with plotly's full bundle for other trace types. Bundles and
  page assets are cached by the browser for a year (versioned names or ``?v=``
  digests). Switching template from the URL is refused, and the page loads
  nothing from third-party hosts.
- Bound to 127.0.0.1 unless ``host`` says otherwise.
- **Safe to serve to others** (:mod:`valuelab.apps.serving`): host and origin
  allowlist, a token exchanged for a signed cookie beyond loopback, every
  handler guarded (403 without the token or the cookie, a visitor's kernels
  are theirs), only gallery apps render (any other path 404), a global and a
  per-visitor kernel cap with a "busy, try again" page, a memory cap per
  kernel, a widget-message rate limit per websocket, error text and stderr
  kept in the server log. The operator's data sources (``--source``) reach
  the kernels by name (:mod:`valuelab.apps.kit.served`).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from jupyter_core.utils import run_sync
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Int, Unicode, default
from voila.app import Voila
from voila.exporter import VoilaMarkdownRenderer
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from valuelab.apps.kit import CHARTS_ENV, served
from valuelab.apps.serving.access import (
    Guard,
    ServeIdentity,
    access_settings,
    client_key,
    cookie_options,
    guarded,
    is_loopback,
)
from valuelab.apps.serving.capacity import VIEW, Capacity, busy_page
from valuelab.apps.serving.config import CULL_IDLE_SECONDS, CULL_INTERVAL_SECONDS, ServeConfig
from valuelab.core import InputError, shipped
from valuelab.course import notebook_title
from valuelab.reports import plotly_bundles

__all__ = [
    "CELL_ERROR_MESSAGE",
    "CULL_IDLE_SECONDS",
    "CULL_INTERVAL_SECONDS",
    "FILL_DELAY_SECONDS",
    "POOL_SIZE",
    "TOKEN_ENV",
    "PlainHeadings",
    "ValueLabVoila",
    "app_weights",
    "apps",
    "chart_bundles",
    "charts_js",
    "gallery_html",
    "main",
    "page_assets",
    "page_resources",
    "voila_argv",
]

#: Preheated kernels kept ready per app (0 = start a kernel per page view).
POOL_SIZE = 1
#: Seconds before a used preheated kernel is replaced: starting one (imports,
#: the app built) takes about a second of CPU, which would otherwise compete
#: with the page that just took the kernel (drawn in under a second). Kept short:
#: a second visitor within this time waits for the replacement.
FILL_DELAY_SECONDS = 2
#: What a stakeholder reads after Voila's "There was an error when executing
#: cell [N]." (Voila's own text tells them to rerun Voila with --show_tracebacks).
CELL_ERROR_MESSAGE = "This part of the app could not be shown."
#: The environment variable ``valuelab serve`` hands its token to the server in
#: (not the command line, which other users of the machine can read); the
#: server removes it before any kernel starts.
TOKEN_ENV = "VALUELAB_SERVE_TOKEN"
#: Files (relative to the apps folder) the server may send: images only.
FILE_ALLOWLIST = [r"^[\w\-/]+\.(png|jpg|jpeg|gif|svg)$"]


class PlainHeadings(VoilaMarkdownRenderer):
    """Voila's markdown renderer without the "¶" anchor link after each heading.

    nbconvert's setting for this, ``HTMLExporter.exclude_anchor_links``
    (jupyter/nbconvert pull request #1106, 2019), is dropped by Voila 0.5's
    own ``markdown2html``, which passes the renderer only ``anchor_link_text``
    (and an empty text leaves an empty ``<a/>`` that swallows the page); the
    renderer class is Voila's setting (``VoilaExporter.markdown_renderer_class``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["exclude_anchor_links"] = True
        super().__init__(*args, **kwargs)


#: The course's apps: the checkout's ``notebooks/apps``, else the installed copy.
DEFAULT_APPS = shipped("apps")
STATIC = Path(__file__).resolve().parent / "static"
#: Where the ``valuelab`` Voila template lives (a Jupyter data folder).
TEMPLATES = Path(__file__).resolve().parent / "templates"


def chart_bundles() -> dict[str, Path]:
    """The plotly.js bundles the server sends, by URL name (version in the name).

    The reports' bundles (:func:`valuelab.reports.plotly_bundles`):
    ``plotly-basic-<version>.min.js`` vendored in ``valuelab/reports/static/``
    (npm ``plotly.js-basic-dist-min``, MIT) and ``plotly-<version>.min.js``, the
    full bundle shipped inside the plotly Python package.
    """
    return plotly_bundles()


def apps(apps_dir: str | Path = DEFAULT_APPS) -> list[dict[str, str]]:
    """The apps in a folder: ``name``, ``title``, ``purpose``, ``thumbnail`` (or "").

    Examples
    --------
    >>> [a["name"] for a in apps()][:1] != []
    True
    """
    folder = Path(apps_dir)
    if not folder.is_dir():
        raise InputError("no such folder", source=str(folder), expected="a folder of app notebooks")
    found = []
    for nb in sorted(folder.glob("*.ipynb")):
        title, purpose = notebook_title(nb)
        thumb = folder / "thumbnails" / f"{nb.stem}.png"
        found.append(
            {
                "name": nb.name,
                "title": title,
                "purpose": purpose,
                "thumbnail": f"thumbnails/{thumb.name}" if thumb.exists() else "",
            }
        )
    return found


def gallery_html(entries: list[dict[str, str]], base_url: str = "/") -> str:
    """The gallery page: a card per app linking to its rendered view."""
    cards = []
    for a in entries:
        img = (
            f"<img src='{_url(base_url, 'voila/files', a['thumbnail'])}' alt=''>"
            if a["thumbnail"]
            else "<div class='noimg'>📊</div>"
        )
        cards.append(
            f"<a class='card' href='{_url(base_url, 'voila/render', a['name'])}'>{img}"
            f"<h2>{html.escape(a['title'])}</h2><p>{html.escape(a['purpose'])}</p></a>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>valuelab apps</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d1d1f}}
header{{padding:1.5em 2em;background:#0072B2;color:#fff}} header h1{{margin:0}}
main{{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:1.2em;padding:2em}}
.card{{display:block;background:#fff;border-radius:10px;box-shadow:0 1px 4px #0002;
color:inherit;text-decoration:none;overflow:hidden}} .card:hover{{box-shadow:0 3px 12px #0003}}
.card img,.noimg{{width:100%;height:170px;object-fit:cover;object-position:top;background:#e8edf3;
display:flex;align-items:center;justify-content:center;font-size:3em}}
.card h2{{font-size:1.1em;margin:.8em 1em .3em}} .card p{{margin:0 1em 1em;color:#555}}
</style></head><body>
<header><h1>valuelab apps</h1><p>Pick an app: sliders and charts, no code.</p></header>
<main>{"".join(cards) or "<p>No apps yet.</p>"}</main>
</body></html>"""


def _url(base_url: str, route: str, name: str) -> str:
    """A link to ``name`` under ``route``, quoted and escaped for an HTML attribute."""
    return html.escape(f"{base_url}{route}/{quote(name)}")


class _GalleryHandler(Guard, JupyterHandler):
    def initialize(self, apps_dir: Path, base_url: str) -> None:
        self.apps_dir = apps_dir
        self.page_base = base_url

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.write(gallery_html(apps(self.apps_dir), self.page_base))


class _StaticHandler(Guard, JupyterHandler):
    """The page's scripts, styles and fonts (:func:`page_assets`).

    ``charts.js`` and an asset asked for without its current digest
    (``?v=``) are revalidated on every load; the plotly bundles (version in
    the name) and an asset asked for with its digest are cached for a year.
    """

    def initialize(self, base_url: str) -> None:
        self.page_base = base_url

    def get(self, name: str) -> None:
        if name == "charts.js":
            body, immutable = charts_js(self.page_base).encode(), False
        elif (bundle := _bundle_bytes(name)) is not None:
            body, immutable = bundle, True  # the version is in the name
        elif (path := page_assets().get(name)) is not None:
            body = path.read_bytes()
            # the font's name carries its hash; page.js and page.css come with ?v=
            immutable = path.suffix == ".woff2" or self.get_query_argument("v", "") == _digest(path)
        else:
            raise web.HTTPError(404)
        self.set_header("Content-Type", _CONTENT_TYPES[Path(name).suffix])
        self.set_header(
            "Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache"
        )
        self.write(body)


_CONTENT_TYPES = {
    ".js": "text/javascript; charset=UTF-8",
    ".css": "text/css; charset=UTF-8",
    ".woff2": "font/woff2",
}


def page_assets() -> dict[str, Path]:
    """The files of the page's front end, by URL name (``valuelab/apps/static``).

    ``page.js`` and ``page.css`` are built from ``valuelab/apps/static/page/`` (``make
    page``); the icon font's name carries its content hash.
    """
    found = {name: STATIC / name for name in ("page.js", "page.css")}
    found.update({p.name: p for p in STATIC.glob("*.woff2")})
    return found


@functools.lru_cache(maxsize=8)
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def page_resources() -> dict[str, str]:
    """The page template's ``resources.valuelab``: asset URLs (files in ``valuelab/apps/static/``).

    ``js`` and ``css`` with their digests; ``plotly``, the basic plotly.js
    bundle the page preloads.
    """
    from plotly.offline import get_plotlyjs_version

    urls = {kind: f"page.{kind}?v={_digest(STATIC / f'page.{kind}')}" for kind in ("js", "css")}
    return {**urls, "plotly": f"plotly-basic-{get_plotlyjs_version()}.min.js"}


def charts_js(base_url: str = "/") -> str:
    """The page's chart loader (``valuelab/apps/static/charts.js``) for a server at ``base_url``."""
    from plotly.offline import get_plotlyjs_version

    text = (STATIC / "charts.js").read_text(encoding="utf-8")
    return text.replace("__BASE__", base_url).replace("__VERSION__", get_plotlyjs_version())


@functools.lru_cache(maxsize=4)
def _bundle_bytes(name: str) -> bytes | None:
    path = chart_bundles().get(name)
    return path.read_bytes() if path is not None and path.is_file() else None


class _SameOriginShutdownHandler(Guard, VoilaShutdownKernelHandler):
    """Kernel shutdown on tab close that works (voila issue #1458).

    ``navigator.sendBeacon`` cannot add the ``_xsrf`` token, so the token
    check is replaced by a same-origin check: the request must come from a
    page served by this server (its ``Origin`` is the ``Host``, or the origin
    of ``--public-url`` behind a proxy that rewrites ``Host``). It is
    authorised by the visitor's signed cookie (which the beacon carries) and
    shuts down only that visitor's kernel.
    """

    def check_xsrf_cookie(self) -> None:
        headers = self.request.headers
        origin = headers.get("Origin")
        if origin:
            public = self.settings.get("allow_origin", "")
            if urlparse(origin).netloc == headers.get("Host") or origin.lower() == public:
                return
            raise web.HTTPError(403, "cross-origin kernel shutdown refused")
        if headers.get("Sec-Fetch-Site") == "same-origin":
            return
        super().check_xsrf_cookie()

    async def post(self, kernel_id: str) -> None:
        capacity = self.settings["valuelab_capacity"]
        if capacity.owner(kernel_id) != client_key(self):
            raise web.HTTPError(403, "not this visitor's kernel")
        await super().post(kernel_id)


class _RenderHandler(Guard, TornadoVoilaHandler):
    """A gallery app's page (any other path: 404), within the kernel caps.

    Over a cap the visitor gets :func:`~valuelab.apps.serving.capacity.busy_page`
    (503) and no kernel. The page's kernel is recorded as the visitor's, and
    the visitor's id reaches the kernel (``served.CLIENT_ENV``).
    """

    async def get(self, path: str | None = None) -> None:
        if path not in self.settings["valuelab_apps"]:
            raise web.HTTPError(404)
        capacity: Capacity = self.settings["valuelab_capacity"]
        client = client_key(self)
        reason = capacity.refusal(self.kernel_manager, client, path)
        if reason is not None:
            self.log.warning("busy page for %s: %s", path, reason)
            self.set_status(503)
            self.set_header("Retry-After", "30")
            self.set_header("Cache-Control", "no-store")
            self.finish(busy_page(reason))
            return
        self.request.headers[served.CLIENT_HEADER] = client  # replaces any sent
        weight = capacity.weights.get(path, 1)
        capacity.reserved += weight
        view = VIEW.set((capacity, client, path))
        try:
            await super().get(path)
        finally:
            VIEW.reset(view)
            capacity.reserved -= weight


class _LocalRequestInfo(RequestInfoSocketHandler):
    """Voila's request-info socket, for the server's own kernels only.

    A kernel connects over loopback with no ``Origin`` (not a browser) and not
    through a proxy (no forwarding header); anything else gets 403.
    """

    def prepare(self) -> None:
        headers = self.request.headers
        forwarded = {"Origin", "Forwarded", "X-Forwarded-For", "X-Real-IP"}
        forwarded.add(self.settings.get("valuelab_client_header") or "Origin")
        if not is_loopback(self.request.remote_ip or "") or any(h in headers for h in forwarded):
            raise web.HTTPError(403)


#: Voila routes the server does not offer (a page here needs none of them).
_DROPPED = ("/voila/api/contents", "/voila/tree", "/login", "/logout", "/voila/api/themes")


def _not_subshell_noise(record: logging.LogRecord) -> bool:
    """False for the warning each page view's front end causes by asking for a subshell.

    JupyterLab's kernel client asks an ipykernel 7 kernel for a subshell
    (``create_subshell_request``); Voila's message allowlist refuses it (a page needs
    none: it then uses the main shell) and logs a warning twice per page view.
    """
    return "create_subshell_request" not in str(record.msg)


class ValueLabVoila(Voila):
    """Voila with the gallery, the working shutdown, guarded handlers and bounded kernels."""

    name = "valuelab-serve"
    max_kernels = Int(24, config=True, help="kernels at once, preheated and report ones included")
    client_kernels = Int(4, config=True, help="kernels one visitor (signed cookie) may hold")
    max_memory_mb = Int(8192, config=True, help="MB of address space per kernel (0: no cap)")
    public_url = Unicode("", config=True, help="the URL visitors use (host and origin allowed)")
    client_header = Unicode("", config=True, help="header a trusted local proxy sets per visitor")
    certfile = Unicode("", config=True, help="TLS certificate (PEM)")
    keyfile = Unicode("", config=True, help="TLS private key (PEM)")
    sources_json = Unicode("{}", config=True, help="the operator's data sources, name -> target")
    new_visitors_per_minute = Int(30, config=True, help="new visitors an address may make a minute")

    @default("identity_provider_class")
    def _default_identity_provider_class(self) -> type:
        return ServeIdentity

    def initialize(self, argv: list[str] | None = None) -> None:
        # the ``valuelab`` page template is found through JUPYTER_PATH, and the
        # kernels (all started later, preheated ones included) inherit CHARTS_ENV
        paths = os.environ.get("JUPYTER_PATH", "")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), paths) if p)
        os.environ[CHARTS_ENV] = "1"
        token = os.environ.pop(TOKEN_ENV, "")  # kernels must not inherit it
        super().initialize(argv)
        if token:
            self.token = token
        self.log.addFilter(_not_subshell_noise)
        os.environ[served.SOURCES_ENV] = self.sources_json
        os.environ[served.LIMITS_ENV] = json.dumps({"max_memory_mb": self.max_memory_mb})
        os.environ[served.RUNTIME_ENV] = tempfile.mkdtemp(prefix="valuelab-serve-")

    def stop(self) -> None:
        """Kill the kernels rather than ask them to shut down: an app kernel has nothing to save.

        Voila's stop sends each kernel an interrupt and then a ``shutdown_request``; an
        ipykernel 7 kernel still answering the interrupted cell then writes its reply to
        sockets the shutdown closed and logs "Exception in message handler … ZMQError:
        Socket operation on non-socket".
        """
        shutil.rmtree(self.connection_dir, ignore_errors=True)
        run_sync(self.kernel_manager.shutdown_all)(now=True)

    def init_settings(self) -> dict:
        settings = super().init_settings()
        root = Path(self.root_dir)
        capacity = Capacity(self.max_kernels, self.client_kernels, app_weights(root))
        _track(self.kernel_manager, capacity)
        settings.update(
            access_settings(
                self.public_url, self.client_header, self.ip, self.new_visitors_per_minute
            )
        )
        settings.update(
            valuelab_capacity=capacity,
            valuelab_apps={p.name for p in root.glob("*.ipynb")},
        )
        self.identity_provider.cookie_options = cookie_options(self.public_url)
        return settings

    def init_handlers(self) -> list:
        replaced = {
            TornadoVoilaHandler: _RenderHandler,
            VoilaShutdownKernelHandler: _SameOriginShutdownHandler,
            RequestInfoSocketHandler: _LocalRequestInfo,
        }
        handlers = []
        for spec in super().init_handlers():
            pattern, handler = spec[0], spec[1]
            if handler is TornadoVoilaTreeHandler or any(d in pattern for d in _DROPPED):
                continue  # no directory listing, no contents API, no login form
            handler = replaced.get(handler) or guarded(handler)
            handlers.append((pattern, handler, *spec[2:]))
        handlers[:0] = [
            (
                self.server_url,
                _GalleryHandler,
                {"apps_dir": Path(self.root_dir), "base_url": self.server_url},
            ),
            (
                url_path_join(self.server_url, r"valuelab/static/([\w.\-]+)"),
                _StaticHandler,
                {"base_url": self.base_url},
            ),
        ]
        return handlers

    def listen(self) -> None:
        if self.certfile:
            import ssl

            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.certfile, self.keyfile)
            self.app.listen = functools.partial(self.app.listen, ssl_options=context)
        super().listen()


def _track(km: Any, capacity: Capacity) -> None:
    """Record the visitor of each preheated kernel a page takes."""
    original = getattr(km, "get_rendered_notebook", None)
    if original is None:
        return

    async def get_rendered_notebook(*args: Any, **kwargs: Any) -> Any:
        render_task, rendered, kernel_id = await original(*args, **kwargs)
        capacity.claim(kernel_id)
        # idle in the pool is not idle for its page: the culler would take it before
        # the page connects if it waited there longer than cull_idle_timeout
        km.get_kernel(kernel_id).last_activity = datetime.now(UTC)
        return render_task, rendered, kernel_id

    km.get_rendered_notebook = get_rendered_notebook


def app_weights(apps_dir: str | Path) -> dict[str, int]:
    """ServeKernels one view of each app may run: 1, plus ``metadata.valuelab.report_kernels``.

    The report launcher's notebook declares ``report_kernels: 1`` (a report
    renders on a kernel of its own), so the global cap counts it twice.
    """
    found = {}
    for nb in sorted(Path(apps_dir).glob("*.ipynb")):
        meta = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {})
        found[nb.name] = 1 + int(meta.get("valuelab", {}).get("report_kernels", 0))
    return found


def voila_argv(
    apps_dir: str | Path = DEFAULT_APPS,
    *,
    port: int = 8866,
    host: str = "127.0.0.1",
    open_browser: bool = False,
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
    cull_interval_seconds: int = CULL_INTERVAL_SECONDS,
    pool_size: int = POOL_SIZE,
    serve: ServeConfig | None = None,
) -> list[str]:
    """Command-line arguments for :class:`ValueLabVoila` (``serve``: limits, access, sources)."""
    folder = Path(apps_dir)
    if not folder.is_dir():
        raise InputError("no such folder", source=str(folder), expected="a folder of app notebooks")
    argv = [
        str(folder.resolve()),
        f"--port={int(port)}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
        f"--VoilaExecutor.cell_error_instruction={CELL_ERROR_MESSAGE}",
        "--strip_sources=True",
        "--VoilaExporter.markdown_renderer_class=valuelab.apps.server.PlainHeadings",  # no "¶"
        "--theme=light",
        "--template=valuelab",
        "--VoilaConfiguration.allow_template_override=NO",
        *(f"--VoilaConfiguration.file_allowlist={item}" for item in FILE_ALLOWLIST),
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_seconds)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval_seconds)}",
        "--MappingKernelManager.cull_connected=False",
        f"--VoilaConfiguration.resources={json.dumps({'valuelab': page_resources()})}",
        *_guard_argv(serve or ServeConfig()),
    ]
    if pool_size > 0 and not (serve and serve.certfile):
        argv += [
            "--preheat_kernel=True",
            f"--pool_size={int(pool_size)}",
            f"--VoilaKernelManager.fill_delay={FILL_DELAY_SECONDS}",
            # gallery apps only (Voila matches the pattern against absolute paths)
            f"--VoilaKernelManager.preheat_denylist={re.escape(str(folder.resolve()))}/.+/",
        ]
    if not open_browser:
        argv.append("--no-browser")
    return argv


def _guard_argv(serve: ServeConfig) -> list[str]:
    """The arguments of the kernel caps, access checks and sources of ``serve``."""
    return [
        "--VoilaConfiguration.multi_kernel_manager_class=valuelab.apps.serving.capacity.ServeKernels",
        "--Voila.kernel_websocket_connection_class=valuelab.apps.serving.capacity.ServeConnection",
        f"--VoilaConfiguration.http_header_envs={served.CLIENT_HEADER}",
        f"--ValueLabVoila.max_kernels={serve.max_kernels}",
        f"--ValueLabVoila.client_kernels={serve.client_kernels}",
        f"--ValueLabVoila.max_memory_mb={serve.max_memory_mb}",
        f"--ServeKernels.max_memory_mb={serve.max_memory_mb}",
        f"--ServeConnection.messages_per_second={serve.messages_per_second}",
        f"--ValueLabVoila.new_visitors_per_minute={serve.new_visitors_per_minute}",
        f"--ValueLabVoila.public_url={serve.public_url}",
        f"--ValueLabVoila.client_header={serve.client_header}",
        f"--ValueLabVoila.certfile={serve.certfile}",
        f"--ValueLabVoila.keyfile={serve.keyfile}",
        f"--ValueLabVoila.sources_json={json.dumps(serve.sources)}",
    ]


def main(argv: list[str] | None = None) -> None:
    """Run the server (blocking) with :func:`voila_argv`-style arguments."""
    ValueLabVoila.launch_instance(argv=argv if argv is not None else voila_argv())


if __name__ == "__main__":  # pragma: no cover
    main()

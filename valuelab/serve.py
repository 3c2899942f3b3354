"""``valuelab serve``: the stakeholder apps in Voila, with a gallery and no kernel leaks.

What it changes from a plain ``voila notebooks/apps``:

- **Gallery** at ``/``: title, one-line purpose and a thumbnail per app
  (``notebooks/apps/thumbnails/<app>.png`` when present), instead of a file list.
- **Nothing else readable**: the directory tree and Voila's contents API are not
  routed; files are served only from the apps folder and only when they are
  images (``.png``, ``.jpg``, ``.svg``, ``.gif``). Notebooks are rendered with
  their code stripped and tracebacks hidden.
- **Kernels are shut down when a tab closes.** The browser's ``sendBeacon`` on
  tab close cannot carry the ``_xsrf`` form token, so plain Voila 0.5 refuses
  the shutdown (voila issue #1458) and every page view leaves a ~150 MB kernel
  behind. Here the shutdown endpoint accepts the beacon when it comes from a
  page of this server (``Origin``/``Sec-Fetch-Site`` checked instead of the
  token; any other origin is refused).
- **Idle kernels are culled** as a safety net (a crashed browser sends no
  beacon): a kernel with no open connection and idle for
  :data:`CULL_IDLE_SECONDS` is shut down; the check runs every
  :data:`CULL_INTERVAL_SECONDS`.
- **Preheated kernels**: each app keeps :data:`POOL_SIZE` kernel started with
  its imports done, so a page opens in about half the time of a cold Voila
  start (``benchmarks/bench_apps.py``). Parameters from the page URL still
  apply: :func:`valuelab.appkit.url_params` waits for the request.
- Bound to 127.0.0.1 unless ``host`` says otherwise.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlparse

from tornado import web
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from valuelab.errors import InputError
from valuelab.site import notebook_title

__all__ = [
    "CULL_IDLE_SECONDS",
    "CULL_INTERVAL_SECONDS",
    "POOL_SIZE",
    "apps",
    "gallery_html",
    "main",
    "voila_argv",
]

#: Seconds a kernel with no open connection may stay idle before it is culled.
CULL_IDLE_SECONDS = 300
#: Seconds between two culling checks.
CULL_INTERVAL_SECONDS = 60
#: Preheated kernels kept ready per app (0 = start a kernel per page view).
POOL_SIZE = 1
#: Files (relative to the apps folder) the server may send: images only.
FILE_ALLOWLIST = [r"^[\w\-/]+\.(png|jpg|jpeg|gif|svg)$"]

DEFAULT_APPS = Path(__file__).resolve().parent.parent / "notebooks" / "apps"


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
            f"<img src='{base_url}voila/files/{html.escape(a['thumbnail'])}' alt=''>"
            if a["thumbnail"]
            else "<div class='noimg'>📊</div>"
        )
        cards.append(
            f"<a class='card' href='{base_url}voila/render/{html.escape(a['name'])}'>{img}"
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


class _GalleryHandler(web.RequestHandler):
    def initialize(self, apps_dir: Path, base_url: str) -> None:
        self.apps_dir = apps_dir
        self.base_url = base_url

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.write(gallery_html(apps(self.apps_dir), self.base_url))


class _SameOriginShutdownHandler(VoilaShutdownKernelHandler):
    """Kernel shutdown on tab close that works (voila issue #1458).

    ``navigator.sendBeacon`` cannot add the ``_xsrf`` token, so the token
    check is replaced by a same-origin check: the request must come from a
    page served by this server.
    """

    def check_xsrf_cookie(self) -> None:
        headers = self.request.headers
        origin = headers.get("Origin")
        if origin:
            if urlparse(origin).netloc == headers.get("Host"):
                return
            raise web.HTTPError(403, "cross-origin kernel shutdown refused")
        if headers.get("Sec-Fetch-Site") == "same-origin":
            return
        super().check_xsrf_cookie()


class ValueLabVoila(Voila):
    """Voila with the gallery, the working shutdown and nothing else routed."""

    name = "valuelab-serve"

    def init_handlers(self) -> list:
        handlers = []
        for spec in super().init_handlers():
            pattern, handler = spec[0], spec[1]
            if handler is TornadoVoilaTreeHandler or "/voila/api/contents" in pattern:
                continue  # no directory listing, no contents API
            if handler is VoilaShutdownKernelHandler:
                spec = (pattern, _SameOriginShutdownHandler, *spec[2:])
            handlers.append(spec)
        handlers.insert(
            0,
            (
                self.server_url,
                _GalleryHandler,
                {"apps_dir": Path(self.root_dir), "base_url": self.server_url},
            ),
        )
        return handlers


def voila_argv(
    apps_dir: str | Path = DEFAULT_APPS,
    *,
    port: int = 8866,
    host: str = "127.0.0.1",
    open_browser: bool = False,
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
    cull_interval_seconds: int = CULL_INTERVAL_SECONDS,
    pool_size: int = POOL_SIZE,
) -> list[str]:
    """Command-line arguments for :class:`ValueLabVoila` (also usable with ``voila``)."""
    folder = Path(apps_dir)
    if not folder.is_dir():
        raise InputError("no such folder", source=str(folder), expected="a folder of app notebooks")
    argv = [
        str(folder.resolve()),
        f"--port={int(port)}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
        "--strip_sources=True",
        "--theme=light",
        *(f"--VoilaConfiguration.file_allowlist={item}" for item in FILE_ALLOWLIST),
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_seconds)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval_seconds)}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if pool_size > 0:
        argv += ["--preheat_kernel=True", f"--pool_size={int(pool_size)}"]
    if not open_browser:
        argv.append("--no-browser")
    return argv


def main(argv: list[str] | None = None) -> None:
    """Run the server (blocking) with :func:`voila_argv`-style arguments."""
    ValueLabVoila.launch_instance(argv=argv if argv is not None else voila_argv())


if __name__ == "__main__":  # pragma: no cover
    main()

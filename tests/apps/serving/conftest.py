"""One guarded ``valuelab serve`` for the serving tests: a token, small caps, fast culling."""

from __future__ import annotations

import nbformat
import pytest
from support import AppServer

TOKEN = "s3cret-token"
#: The server's caps (the load test checks them).
MAX_KERNELS, CLIENT_KERNELS, MAX_MEMORY_MB, MESSAGES_PER_SECOND = 8, 2, 1500, 5
#: New visitors an address may make a minute (the tests' own 127.0.0.1 stays under it).
NEW_VISITORS = 100
#: The public URL: an IP address (Jupyter Server's own host check knows only names).
PUBLIC_URL = "http://192.0.2.7/"

_ERRORS_APP = """
import warnings

import ipywidgets as w
from IPython.display import display

fail = w.Button(description="Fail")
warn = w.Button(description="Warn")
hog = w.Button(description="Hog")
out = w.Output()
held = []


def on_fail(_):
    raise ValueError("secret detail 42")


def on_warn(_):
    with out:
        warnings.warn("secret warning 43")
        print("shown 44")


def on_hog(_):
    held.append(bytearray(2 * {max_memory_mb} * 1024 * 1024))  # over the kernel's cap


fail.on_click(on_fail)
warn.on_click(on_warn)
hog.on_click(on_hog)
display(fail)
display(warn)
display(out)
display(hog)
"""


def _notebook(path, title, code):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(f"# {title}\n{title}."),
            nbformat.v4.new_code_cell(code),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


@pytest.fixture(scope="session")
def guarded_server(tmp_path_factory):
    """``valuelab serve --config`` over two small apps (and one in a subfolder, not served)."""
    folder = tmp_path_factory.mktemp("guarded")
    apps = folder / "apps"
    errors = _ERRORS_APP.replace("{max_memory_mb}", str(MAX_MEMORY_MB))
    _notebook(apps / "errors.ipynb", "Errors", errors)
    _notebook(apps / "hello.ipynb", "Hello", "import ipywidgets as w\nw.IntSlider(value=3)")
    _notebook(apps / "sub" / "private.ipynb", "Private", "print('private 45')")
    (apps / "thumbnails").mkdir()
    (apps / "thumbnails" / "hello.svg").write_text(  # an image that would run a script
        "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", encoding="utf-8"
    )
    config = folder / "serve.yaml"
    config.write_text(
        f"apps: {apps}\ntoken: {TOKEN}\nmax_kernels: {MAX_KERNELS}\n"
        f"client_kernels: {CLIENT_KERNELS}\nmax_memory_mb: {MAX_MEMORY_MB}\n"
        f"messages_per_second: {MESSAGES_PER_SECOND}\ncull_idle_seconds: 3\n"
        f"cull_interval_seconds: 1\nnew_visitors_per_minute: {NEW_VISITORS}\n"
        f"public_url: {PUBLIC_URL}\nclient_header: X-Real-IP\n",
        encoding="utf-8",
    )
    server = AppServer(folder / "serve.log", extra=("--config", str(config), "--token", TOKEN))
    server.log_path = folder / "serve.log"
    server.caps = {
        "max_kernels": MAX_KERNELS,
        "client_kernels": CLIENT_KERNELS,
        "max_memory_mb": MAX_MEMORY_MB,
        "messages_per_second": MESSAGES_PER_SECOND,
        "new_visitors_per_minute": NEW_VISITORS,
    }
    server.public_url = PUBLIC_URL
    yield server
    server.stop()

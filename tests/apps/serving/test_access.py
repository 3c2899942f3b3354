"""Who may reach ``valuelab serve``: forged Host and Origin, token and cookie, visitors' kernels."""

import asyncio
import urllib.error
import urllib.request

import pytest
from support import Visitor, kernel_message, read_messages, replies
from tornado.httpclient import HTTPClientError

from valuelab.apps.serving import access_settings, is_loopback, visitor_token, without_token


def test_loopback_hosts_and_the_settings_from_the_public_url():
    assert [is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost")] == [
        True
    ] * 5
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.5", "evil.example", "::"))
    plain = access_settings()
    assert plain["allow_remote_access"] is False and plain["local_hostnames"] == ["localhost"]
    assert plain["allow_origin"] == "" and plain["allow_unauthenticated_access"] is True
    proxied = access_settings("https://apps.example.com:8443/valuelab/", "X-Real-IP")
    assert proxied["local_hostnames"] == ["localhost", "apps.example.com"]
    assert proxied["allow_origin"] == "https://apps.example.com:8443"
    assert proxied["valuelab_client_header"] == "X-Real-IP"


def test_a_visitor_is_their_cookie_or_a_trusted_local_proxys_header():
    from types import SimpleNamespace

    from valuelab.apps.serving import client_key

    def handler(remote_ip, header="", user="anon-1", value="203.0.113.9"):
        request = SimpleNamespace(remote_ip=remote_ip, headers={"X-Real-IP": value})
        settings = {"valuelab_client_header": header, "cookie_secret": b"k"}
        return SimpleNamespace(
            request=request, settings=settings, current_user=SimpleNamespace(username=user)
        )

    cookie = client_key(handler("127.0.0.1"))
    assert len(cookie) == 16 and int(cookie, 16) >= 0
    assert client_key(handler("127.0.0.1", user="anon-2")) != cookie
    proxied = client_key(handler("127.0.0.1", "X-Real-IP"))
    assert proxied != cookie and proxied == client_key(handler("::1", "X-Real-IP", "anon-2"))
    # the header counts only from a proxy on this machine: a visitor cannot set it
    assert client_key(handler("198.51.100.7", "X-Real-IP")) == cookie


def test_a_token_is_needed_beyond_loopback_and_never_stays_in_a_link():
    assert visitor_token("127.0.0.1") == "" and visitor_token("::1", "given") == "given"
    made = {visitor_token("0.0.0.0") for _ in range(3)}
    assert len(made) == 3 and all(len(t) == 32 for t in made)
    assert visitor_token("192.168.1.5", "given") == "given"
    assert without_token("/voila/render/a.ipynb?token=t&year=2020&x=") == (
        "/voila/render/a.ipynb?year=2020&x="
    )
    assert without_token("/?token=t") == "/"


def _status(url, headers=None, method="GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def test_only_gallery_apps_are_preheated(guarded_server):
    import time

    from support import kernel_pids

    deadline = time.monotonic() + 60
    while len(kernel_pids(guarded_server.proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1)
    # errors.ipynb and hello.ipynb, not sub/private.ipynb
    assert len(kernel_pids(guarded_server.proc.pid)) == 2


def test_without_the_token_or_its_cookie_everything_is_403(guarded_server):
    url = guarded_server.url
    for path in ["", "voila/render/hello.ipynb", "valuelab/static/charts.js", "voila/static/x"]:
        assert _status(url + path) == 403, path
    assert _status(url + "?token=wrong") == 403
    assert _status(url, {"Authorization": f"token {guarded_server.token}"}) == 200
    kernels = Visitor(url, guarded_server.token)
    assert _status(url + "api/kernels") == 404  # the REST API is not routed
    assert kernels.get("")[0] == 200


def test_the_token_is_exchanged_for_a_signed_cookie_and_dropped_from_the_url(guarded_server):
    visitor = Visitor(guarded_server.url)  # no token yet
    final = visitor.opener.open(
        guarded_server.url + f"voila/render/hello.ipynb?token={guarded_server.token}&value=4",
        timeout=60,
    )
    page = final.read().decode()
    (kernel_id,) = _kernel_ids(page)
    (cookie,) = list(visitor.jar)
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.value.strip('"').startswith("2|")
    assert cookie.get_nonstandard_attr("SameSite") == "Lax" and not cookie.secure  # plain HTTP
    # the redirect dropped the token: the page's URL (its Referer, a saved report's
    # link) and the page itself do not carry it
    assert final.url == guarded_server.url + "voila/render/hello.ipynb?value=4"
    assert guarded_server.token not in page
    # the beacon, authorised by the cookie (404: idle-culled already, 3 s here)
    assert visitor.shutdown(kernel_id) in (204, 404)
    # a forged cookie is no cookie
    forged = Visitor(guarded_server.url)
    status, _, _ = forged.get("", {"Cookie": cookie.name + '="2|1:0|10:1|x|y|z"'})
    assert status == 403


def _kernel_ids(page):
    import re

    return re.findall(r'"kernelId": "([^"]+)"', page)


def test_forged_hosts_and_origins_are_refused(guarded_server):
    url = guarded_server.url
    visitor = Visitor(url, guarded_server.token)
    evil = {"Host": "evil.example"}
    assert visitor.get("", evil)[0] == 403
    assert visitor.get("voila/render/hello.ipynb", evil)[0] == 403
    auth = {"Authorization": f"token {guarded_server.token}"}
    for host, expected in [
        (f"localhost:{guarded_server.port}", 200),
        ("192.0.2.7", 200),  # --public-url's address (Jupyter's check knows only names)
        ("192.0.2.7:8080", 200),
        ("192.0.2.8", 403),  # another address
        ("[::1]", 200),
    ]:
        assert visitor.get("", {"Host": host, **auth})[0] == expected, host
    status, kernel_id, _ = visitor.view("hello.ipynb")
    assert status == 200

    async def connect(headers):
        try:
            conn = await visitor.channels(kernel_id, headers)
        except HTTPClientError as err:
            return err.code
        conn.write_message(kernel_message("kernel_info_request"))
        got = await read_messages(conn, 3, until=replies("kernel_info_reply"))
        conn.close()
        return [m["header"]["msg_type"] for m in got if m["header"]["msg_type"] != "status"]

    async def request_info(headers):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        ws = url.replace("http", "ws", 1) + f"voila/query/{kernel_id}"
        try:
            (await websocket_connect(HTTPRequest(ws, headers=headers))).close()
        except HTTPClientError as err:
            return err.code
        return 101

    async def checks():
        return [
            await connect({"Origin": "http://evil.example"}),
            await connect({"Origin": "http://evil.example", "Host": "evil.example"}),
            await connect({"Origin": url.rstrip("/")}),
            # a page's request, for its preheated kernel: the kernel's only, not a browser's
            await request_info({"Origin": url.rstrip("/")}),
            await request_info({"X-Forwarded-For": "203.0.113.9"}),
        ]

    cross_origin, rebinding, same, browser, proxied = asyncio.run(checks())
    assert cross_origin == 403 and rebinding == 403
    assert same == ["kernel_info_reply"]
    assert browser == 403 and proxied == 403
    assert visitor.shutdown(kernel_id, {"Origin": "http://evil.example"}) == 403
    assert visitor.shutdown(kernel_id, {**evil, "Origin": "http://evil.example"}) == 403
    # behind a proxy that keeps Host 127.0.0.1:port, the page's origin is the public URL's
    assert visitor.shutdown(kernel_id, {"Origin": "http://192.0.2.7"}) == 204


def test_new_visitors_are_limited_per_address(guarded_server):
    """Each cookie-less request with the token makes a visitor: an address may make so many."""
    limit = guarded_server.caps["new_visitors_per_minute"]

    def new_visitor(address):  # through the trusted local proxy's header (--client-header)
        request = urllib.request.Request(
            guarded_server.url + f"?token={guarded_server.token}", headers={"X-Real-IP": address}
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as r:
                return r.status, r.headers
        except urllib.error.HTTPError as err:
            return err.code, err.headers

    import time

    started, admitted = time.monotonic(), 0
    while (got := new_visitor("203.0.113.5"))[0] == 302 and admitted <= 2 * limit:
        admitted += 1  # a cookie, and the page again without the token
    refilled = (time.monotonic() - started) * limit / 60  # the bucket refills meanwhile
    assert limit <= admitted <= limit + refilled + 1, (admitted, refilled)
    status, headers = got
    assert status == 429 and headers["Retry-After"] == "60" and "Set-Cookie" not in headers
    assert new_visitor("203.0.113.6")[0] == 302  # another address
    # a visitor with a cookie is not a new one
    assert (
        Visitor(guarded_server.url, guarded_server.token).get("", {"X-Real-IP": "203.0.113.5"})[0]
        == 200
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_responses_say_what_they_are_and_where_they_may_be_shown(guarded_server):
    visitor = Visitor(guarded_server.url, guarded_server.token)
    for path in ["", "valuelab/static/charts.js", "voila/static/voila.js"]:
        status, _, headers = visitor.get(path)
        assert status == 200 and headers["X-Content-Type-Options"] == "nosniff", path
    _, _, page = visitor.get("")
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]  # no framing elsewhere
    status, _, image = visitor.get("voila/files/thumbnails/hello.svg")
    assert status == 200 and image["Content-Type"] == "image/svg+xml"
    # opened on its own, an image runs no script and loads nothing
    assert image["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )


def test_a_visitor_reaches_only_their_own_kernels(guarded_server):
    alice, bob = (
        Visitor(guarded_server.url, guarded_server.token),
        Visitor(guarded_server.url, guarded_server.token),
    )
    status, kernel_id, _ = alice.view("hello.ipynb")
    assert status == 200

    async def bob_connects():
        try:
            await bob.channels(kernel_id)
        except HTTPClientError as err:
            return err.code
        return 101

    assert asyncio.run(bob_connects()) == 403
    assert bob.shutdown(kernel_id) == 403
    assert bob.get(f"api/kernels/{kernel_id}")[0] == 403
    assert alice.get(f"api/kernels/{kernel_id}")[0] == 200
    assert alice.shutdown(kernel_id) == 204
    assert alice.shutdown(kernel_id) == 404  # gone

    async def alice_reconnects():
        try:
            await alice.channels(kernel_id)
        except HTTPClientError as err:
            return err.code
        return 101

    assert asyncio.run(alice_reconnects()) == 404  # at once (it used to hang)


@pytest.mark.parametrize(
    "path",
    [
        "voila/render/sub/private.ipynb",
        "voila/render/sub%2Fprivate.ipynb",
        "voila/render/../hello.ipynb",
        "voila/render/missing.ipynb",
        "voila/render/",
        "voila/templates/x",
        "voila/templates/valuelab/static/../../../../etc/passwd",
        "voila/api/themes/x",
        "voila/tree",
        "voila/api/contents/hello.ipynb",
        "voila/files/hello.ipynb",
        "voila/files/sub/private.ipynb",
        "login",
        "logout",
        "nothing/here",
        "api/kernels",
        "api/sessions",
    ],
)
def test_only_gallery_apps_render_and_unknown_paths_are_404(guarded_server, path):
    visitor = _VISITORS.setdefault("v", Visitor(guarded_server.url, guarded_server.token))
    status, body, _ = visitor.get(path)
    assert status == 404, path
    assert "private 45" not in body and "Traceback" not in body


_VISITORS: dict = {}


@pytest.mark.parametrize(
    "path",
    ["voila/files/%ff.png", "voila/static/%ff", "voila/render/%ff", "valuelab/static/%ff"],
)
def test_a_path_that_is_not_utf8_is_answered_at_once(guarded_server, path):
    visitor = _VISITORS.setdefault("v", Visitor(guarded_server.url, guarded_server.token))
    request = urllib.request.Request(guarded_server.url + path)
    try:
        with visitor.opener.open(request, timeout=10) as r:  # (a file handler once hung here)
            status = r.status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status in (400, 404), path

"""Who may reach ``valuelab serve``, and who a visitor is.

Jupyter Server's own checks do the work, configured here
(:func:`access_settings`):

- **Host allowlist** (``allow_remote_access=False``): a request whose ``Host``
  is not a loopback address, ``localhost``, the host of ``--public-url``
  (``local_hostnames``) or the address given to ``--host`` gets 403 — a
  DNS-rebinding page cannot drive the apps. (Jupyter Server compares only
  names with ``local_hostnames``: :meth:`Guard.check_host` also lets through
  the IP address of ``--public-url`` or ``--host``, which no rebinding page
  can send as its ``Host``.)
- **Origin** (websockets): the ``Origin`` must be the ``Host`` or the origin of
  ``--public-url`` (``allow_origin``, for a reverse proxy that rewrites ``Host``).
- **Token** (Jupyter Server's ``IdentityProvider``): ``?token=`` on a first
  visit is exchanged for its signed login cookie (tornado secure cookies), and
  the page is reloaded without the token (:class:`Guard`), so shared links and
  saved reports never carry it. Without a token configured, every browser still
  gets a signed cookie with an anonymous id.
- **New visitors per address** (:class:`ServeIdentity`): each request without
  a cookie (with the token, or on loopback without one) makes a new visitor;
  an address may make ``--new-visitors-per-minute`` of them (bursts of as
  many), then gets 429 — dropping the cookie does not buy a fresh per-visitor
  cap at will.

:class:`Guard`, mixed into every handler the server routes, answers 403 (not
a login redirect) to a request with neither the token nor the cookie, and 403
to a request for a kernel that another visitor's page started.
A visitor (:func:`client_key`) is their signed cookie; an address counts only
through the header a trusted reverse proxy on this machine sets
(``--client-header``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse, urlsplit

from jupyter_server.auth.identity import PasswordIdentityProvider, User
from tornado import web

__all__ = [
    "Guard",
    "NewVisitors",
    "ServeIdentity",
    "access_settings",
    "client_key",
    "cookie_options",
    "guarded",
    "is_loopback",
    "visitor_token",
    "without_token",
]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is this machine only.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def visitor_token(host: str, token: str = "") -> str:
    """The token visitors need: the one given, a new one beyond loopback, else "" (none).

    Examples
    --------
    >>> visitor_token("127.0.0.1"), visitor_token("127.0.0.1", "abc"), len(visitor_token("0.0.0.0"))
    ('', 'abc', 32)
    """
    if token or is_loopback(host):
        return token
    import secrets

    return secrets.token_urlsafe(24)


def _address(host: str) -> str | None:
    """``host`` as a normalised IP address (None: a name)."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def access_settings(
    public_url: str = "", client_header: str = "", host: str = "", new_visitors: int = 0
) -> dict[str, Any]:
    """The tornado settings of the host, origin and visitor checks.

    ``host`` is the address the server listens on (allowed as a ``Host`` when
    it is one address, not a wildcard); ``new_visitors`` the visitors an
    address may make a minute (0: no limit).

    Examples
    --------
    >>> s = access_settings("https://apps.example.com/")
    >>> s["allow_remote_access"], s["local_hostnames"], s["allow_origin"]
    (False, ['localhost', 'apps.example.com'], 'https://apps.example.com')
    >>> access_settings("http://192.0.2.7:8866/", host="0.0.0.0")["valuelab_addresses"]
    ['192.0.2.7']
    """
    names, addresses = ["localhost"], []
    origin = ""
    if public_url:
        parsed = urlparse(public_url)
        name = (parsed.hostname or "").lower()
        if _address(name):
            addresses.append(_address(name))
        elif name and name not in names:
            names.append(name)
        origin = f"{parsed.scheme}://{parsed.netloc}".lower()
    bound = _address(host)
    if bound and not ipaddress.ip_address(bound).is_unspecified and bound not in addresses:
        addresses.append(bound)
    return {
        "allow_remote_access": False,
        "local_hostnames": names,
        "allow_origin": origin,
        # Guard answers 403 itself: no redirect to a login page
        "allow_unauthenticated_access": True,
        "valuelab_client_header": client_header,
        "valuelab_addresses": addresses,
        "valuelab_new_visitors": NewVisitors(new_visitors),
    }


def cookie_options(public_url: str = "") -> dict[str, Any]:
    """The visitor cookie's flags: ``HttpOnly``, ``SameSite=Lax``, ``Secure`` behind HTTPS.

    Sent with same-site requests (the close beacon) and with a shared link
    followed from elsewhere, never to scripts. Jupyter Server marks it
    ``Secure`` when the request itself is HTTPS (``--certfile``); behind a
    reverse proxy that ends TLS the request is plain HTTP, so an ``https``
    public URL marks it ``Secure`` here.

    Examples
    --------
    >>> cookie_options("https://apps.example.com/")
    {'samesite': 'Lax', 'httponly': True, 'secure': True}
    >>> cookie_options()
    {'samesite': 'Lax', 'httponly': True}
    """
    found: dict[str, Any] = {"samesite": "Lax", "httponly": True}
    if public_url.lower().startswith("https://"):
        found["secure"] = True
    return found


def _where(handler: web.RequestHandler) -> str:
    """The address a request comes from: a trusted local proxy's header, else the peer."""
    header = handler.settings.get("valuelab_client_header", "")
    value = handler.request.headers.get(header, "") if header else ""
    if value and is_loopback(handler.request.remote_ip or ""):
        return value.split(",")[0].strip()
    return handler.request.remote_ip or ""


def client_key(handler: web.RequestHandler) -> str:
    """Who is asking: the signed cookie's id, or a trusted local proxy's client header.

    The id is a digest (16 hex digits), safe to hand to a kernel.
    """
    header = handler.settings.get("valuelab_client_header", "")
    value = handler.request.headers.get(header, "") if header else ""
    if value and is_loopback(handler.request.remote_ip or ""):
        key = "address:" + _where(handler)
    else:
        user = handler.current_user
        key = "cookie:" + (getattr(user, "username", "") or "")
    secret = handler.settings.get("cookie_secret", b"") or b""
    return hashlib.sha256(bytes(secret) + key.encode()).hexdigest()[:16]


def without_token(uri: str) -> str:
    """``uri`` with its ``token`` query argument removed.

    Examples
    --------
    >>> without_token("/voila/render/a.ipynb?token=s3cret&year=2020")
    '/voila/render/a.ipynb?year=2020'
    """
    parsed = urlsplit(uri)  # (urlparse would drop a path's ";params")
    query = [(k, v) for k, v in parse_qsl(parsed.query, keep_blank_values=True) if k != "token"]
    return parsed.path + (f"?{urlencode(query)}" if query else "")


class NewVisitors:
    """How many new visitors each address may make: ``per_minute``, in bursts of as many.

    A token bucket per address (0: no limit).

    Examples
    --------
    >>> limit = NewVisitors(2)
    >>> [limit.admit("203.0.113.9", now=0.0) for _ in range(3)], limit.admit("198.51.100.7", 0.0)
    ([True, True, False], True)
    >>> limit.admit("203.0.113.9", now=30.0)  # one more after half a minute
    True
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = int(per_minute)
        self.buckets: dict[str, tuple[float, float]] = {}  # address -> (time, tokens)

    def admit(self, address: str, now: float | None = None) -> bool:
        """Whether ``address`` may make one more visitor now (and count it)."""
        if self.per_minute <= 0:
            return True
        now = time.monotonic() if now is None else now
        full = float(self.per_minute)
        last, tokens = self.buckets.get(address, (now, full))
        tokens = min(full, tokens + (now - last) * full / 60)
        if len(self.buckets) > 10_000:  # forget addresses whose buckets are full again
            self.buckets = {a: b for a, b in self.buckets.items() if now - b[0] < 60}
        if tokens < 1:
            self.buckets[address] = (now, tokens)
            return False
        self.buckets[address] = (now, tokens - 1)
        return True


class ServeIdentity(PasswordIdentityProvider):
    """Jupyter Server's token identity; new visitors limited per address (:class:`NewVisitors`).

    Over the limit a request gets 429 and no cookie.
    """

    def generate_anonymous_user(self, handler: web.RequestHandler) -> User:
        limit = handler.settings.get("valuelab_new_visitors")
        if limit is not None and not limit.admit(_where(handler)):
            raise web.HTTPError(429, "too many new visitors from %s", _where(handler))
        return super().generate_anonymous_user(handler)


class Guard:
    """Mixin for every handler: host check, visitor known, own kernels only, no token in URLs.

    Put it first in the bases of a :class:`jupyter_server.base.handlers.JupyterHandler`.
    """

    def check_host(self) -> bool:
        """Jupyter Server's check, and the IP address of ``--public-url`` or ``--host``."""
        handler: Any = self
        name = re.sub(r":\d+$", "", handler.request.host or "")
        if _address(name) in handler.settings.get("valuelab_addresses", ()):
            return True
        return bool(super().check_host())  # type: ignore[misc]

    async def prepare(self) -> None:
        handler: Any = self
        result = super().prepare()  # type: ignore[misc]  # host check, user from token/cookie
        if result is not None:
            await result
        if handler._finished:
            return
        if handler.current_user is None:
            raise web.HTTPError(403, "token or cookie required")
        kernel_id = handler.path_kwargs.get("kernel_id")
        capacity = handler.settings.get("valuelab_capacity")
        if kernel_id and capacity is not None:
            if capacity.owner(kernel_id) != client_key(handler):
                raise web.HTTPError(403, "not this visitor's kernel")
            if kernel_id not in handler.kernel_manager:  # closed or culled (a websocket hung)
                raise web.HTTPError(404, "no such kernel")
        if (
            handler.request.method == "GET"
            and handler.get_query_argument("token", None) is not None
            and "Upgrade" not in handler.request.headers
        ):
            handler.redirect(without_token(handler.request.uri))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A plain page with the status only (no traceback, no server template)."""
        handler: Any = self
        reason = _REASONS.get(status_code, "Something went wrong")
        handler.set_header("Content-Type", "text/html; charset=UTF-8")
        if status_code == 429:
            handler.set_header("Retry-After", "60")
        handler.finish(
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{status_code}"
            f"</title></head><body><h1>{status_code}: {reason}</h1></body></html>"
        )


_REASONS = {
    403: "Forbidden (open the link you were given, with its token, once)",
    404: "Not found",
    405: "Method not allowed",
    429: "Too many new visitors from your address: try again in a minute",
}


class _NotFound:
    """A file handler answers 404 to a path it refuses (403) or cannot parse (500).

    A file it sends cannot act as a page of this server: opened on its own (an
    SVG image with a script, say) it is sandboxed and may load nothing.
    """

    def set_extra_headers(self, path: str) -> None:
        super().set_extra_headers(path)  # type: ignore[misc]
        handler: Any = self
        handler.set_header(
            "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )

    def _handle_request_exception(self, e: BaseException) -> None:
        # the user as prepare() found it: a path that cannot be decoded fails before
        # prepare, and asking for the user then would raise inside this handler
        # (the request would never be answered)
        known = getattr(self, "_current_user", None) is not None  # else Guard's own 403
        if not isinstance(e, web.HTTPError) or (e.status_code == 403 and known):
            e = web.HTTPError(404)
        super()._handle_request_exception(e)  # type: ignore[misc]


def guarded(cls: type) -> type:
    """``cls`` with :class:`Guard` first (a JupyterHandler is mixed in when it is not one).

    A static file handler also answers 404 instead of 500 to a path it cannot parse.
    """
    from jupyter_server.base.handlers import JupyterHandler

    if issubclass(cls, Guard):
        return cls
    bases: tuple[type, ...] = (Guard, cls)
    if not issubclass(cls, JupyterHandler):
        bases = (Guard, JupyterHandler, cls)
    if issubclass(cls, web.StaticFileHandler):
        bases = (_NotFound, *bases)
    return type(f"Guarded{cls.__name__}", bases, {})

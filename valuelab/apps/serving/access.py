"""Who may reach ``valuelab serve``, and who a visitor is.

Jupyter Server's own checks do the work, configured here
(:func:`access_settings`):

- **Host allowlist** (``allow_remote_access=False``): a request whose ``Host``
  is not a loopback address, ``localhost`` or the host of ``--public-url``
  (``local_hostnames``) gets 403 — a DNS-rebinding page cannot drive the apps.
- **Origin** (websockets): the ``Origin`` must be the ``Host`` or the origin of
  ``--public-url`` (``allow_origin``, for a reverse proxy that rewrites ``Host``).
- **Token** (Jupyter Server's ``IdentityProvider``): ``?token=`` on a first
  visit is exchanged for its signed login cookie (tornado secure cookies), and
  the page is reloaded without the token (:class:`Guard`), so shared links and
  saved reports never carry it. Without a token configured, every browser still
  gets a signed cookie with an anonymous id.

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
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

from tornado import web

__all__ = [
    "Guard",
    "access_settings",
    "client_key",
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


def access_settings(public_url: str = "", client_header: str = "") -> dict[str, Any]:
    """The tornado settings of the host, origin and visitor checks.

    Examples
    --------
    >>> s = access_settings("https://apps.example.com/")
    >>> s["allow_remote_access"], s["local_hostnames"], s["allow_origin"]
    (False, ['localhost', 'apps.example.com'], 'https://apps.example.com')
    """
    names = ["localhost"]
    origin = ""
    if public_url:
        parsed = urlparse(public_url)
        if parsed.hostname and parsed.hostname not in names:
            names.append(parsed.hostname)
        origin = f"{parsed.scheme}://{parsed.netloc}"
    return {
        "allow_remote_access": False,
        "local_hostnames": names,
        "allow_origin": origin,
        # Guard answers 403 itself: no redirect to a login page
        "allow_unauthenticated_access": True,
        "valuelab_client_header": client_header,
    }


def client_key(handler: web.RequestHandler) -> str:
    """Who is asking: the signed cookie's id, or a trusted local proxy's client header.

    The id is a digest (16 hex digits), safe to hand to a kernel.
    """
    header = handler.settings.get("valuelab_client_header", "")
    value = handler.request.headers.get(header, "") if header else ""
    if value and is_loopback(handler.request.remote_ip or ""):
        key = "address:" + value.split(",")[0].strip()
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
    parsed = urlparse(uri)
    query = [(k, v) for k, v in parse_qsl(parsed.query, keep_blank_values=True) if k != "token"]
    return parsed.path + (f"?{urlencode(query)}" if query else "")


class Guard:
    """Mixin for every handler: host check, visitor known, own kernels only, no token in URLs.

    Put it first in the bases of a :class:`jupyter_server.base.handlers.JupyterHandler`.
    """

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
        handler.finish(
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{status_code}"
            f"</title></head><body><h1>{status_code}: {reason}</h1></body></html>"
        )


_REASONS = {
    403: "Forbidden (open the link you were given, with its token, once)",
    404: "Not found",
    405: "Method not allowed",
}


class _NotFound:
    """A file handler answers 404 to a path it refuses (403) or cannot parse (500)."""

    def _handle_request_exception(self, e: BaseException) -> None:
        known = getattr(self, "current_user", None) is not None  # else Guard's own 403
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

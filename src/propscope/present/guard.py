"""Who may talk to the web app: a Host check and, off loopback, an access token.

Why: the app serves the corpus, and ``/export.csv`` hands out all of it. A web
page the analyst visits can point a name it controls at 127.0.0.1 (DNS
rebinding) and then read the app as a same-origin page; the browser still sends
that name in ``Host``, so answering only to the names of the bound address stops
it. Bound to a network address, anyone on the network can connect, so a random
token is required (as a header, a cookie, or a first ``?token=`` visit that sets
the cookie) unless the analyst opts out with ``--no-auth``.

This is plain ASGI middleware (not Starlette's ``BaseHTTPMiddleware``) so the
streamed CSV export passes through untouched.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse, RedirectResponse, Response

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
TOKEN_HEADER = "x-propscope-token"
TOKEN_PARAM = "token"
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the app on this machine."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as written in a URL (IPv6 addresses in brackets)."""
    name = host.strip("[]")
    return f"[{name}]" if ":" in name else name


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The ``Host`` header values the app answers to when bound to ``host:port``.

    Loopback: 127.0.0.1, localhost and [::1], with or without the port. A specific
    network address: that address. A wildcard (0.0.0.0, ::): ``None`` (any name:
    the machine's addresses are not known here; the token protects it instead).
    """
    if host.strip("[]") in WILDCARD_HOSTS:
        return None
    names: Iterable[str] = LOOPBACK_NAMES if is_loopback(host) else (url_host(host).lower(),)
    return frozenset(v for name in names for v in (name, f"{name}:{port}"))


def new_token() -> str:
    """A fresh access token (256 bits from the OS's secure random source)."""
    return secrets.token_urlsafe(32)


def cookie_name(port: int) -> str:
    # Cookies ignore the port: one name per port keeps two servers' tokens apart.
    return f"propscope_token_{port}"


class AccessGuard:
    """ASGI middleware: refuse unknown ``Host`` names (421) and, with a token, unknown clients (401)."""

    def __init__(self, app: Any, *, hosts: frozenset[str] | None, token: str | None,
                 port: int) -> None:
        self.app = app
        self.hosts = hosts
        self.token = token
        self.cookie = cookie_name(port)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response = self.check(scope)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def check(self, scope: Any) -> Response | None:
        """``None`` to let the request through, else the response that refuses it."""
        headers = Headers(scope=scope)
        if self.hosts is not None and headers.get("host", "").strip().lower() not in self.hosts:
            return PlainTextResponse(
                "421 Misdirected Request: this propscope server answers only to "
                + ", ".join(sorted(h for h in self.hosts if ":" in h)) + "\n", status_code=421)
        if self.token is None:
            return None
        supplied = [headers.get(TOKEN_HEADER, "")]
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            supplied.append(auth[7:].strip())
        supplied.append(cookie_parser(headers.get("cookie", "")).get(self.cookie, ""))
        if any(self._matches(s) for s in supplied):
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                          keep_blank_values=True)
        given = [v for k, v in query if k == TOKEN_PARAM]
        if given and self._matches(given[0]):
            # First visit from the printed URL: keep the token in a cookie and drop it
            # from the address bar (and from history).
            rest = urlencode([(k, v) for k, v in query if k != TOKEN_PARAM])
            redirect = RedirectResponse(scope["path"] + ("?" + rest if rest else ""), 303)
            redirect.set_cookie(self.cookie, self.token, httponly=True, samesite="strict",
                                path="/")
            return redirect
        return PlainTextResponse(
            "401 Unauthorized: this propscope server needs its access token. Open the URL "
            "it printed when it started (…/?token=…), or send the token in the "
            "X-Propscope-Token header.\n", status_code=401)

    def _matches(self, value: str) -> bool:
        assert self.token is not None
        return bool(value) and secrets.compare_digest(value.encode(), self.token.encode())

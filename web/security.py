"""What stands between the network and the page: an ASGI wrapper around the Shiny app.

* **Token.** With `token`, every request needs it: the first visit as ``/?token=SECRET`` (the
  address `sporen serve` prints), which sets an HttpOnly, SameSite=Strict cookie and redirects
  to the address without the token; later requests (assets, the websocket, downloads) carry the
  cookie. A request without it gets 401 and a page that says how to get in. Tokens are compared
  in constant time.
* **Hosts.** Bound to localhost without a token, only requests addressed to localhost are
  served (a web page elsewhere cannot reach the app by pointing its own domain name at
  127.0.0.1, "DNS rebinding"). The Host header is parsed as a URL's authority and its name must
  be exactly ``localhost`` or a loopback IP address (``127.0.0.1.evil.example`` is a domain name,
  not an address in 127/8; ``127.1`` and ``0x7f000001`` are not addresses either).
* **Origin.** A websocket, and any request that says where it comes from (an upload's POST),
  must come from the page itself: the Origin's scheme is http(s) and its host and port are the
  request's own (and loopback, when the page is local only). So another site open in the same
  browser cannot drive a session or post to it.
* **Upload size.** An upload larger than `max_upload` bytes is refused with 413 before any of it
  is written; the uploaded file is then checked by `jobs.upload` like any input.
* **Headers.** No framing by other sites, no content sniffing, no referrer.
"""

from __future__ import annotations

import hmac
import html
import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode

from sporen.jobs.whatif.serve import is_loopback

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "sporen_token"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
SECURITY_HEADERS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer")]


_AUTHORITY = re.compile(r"(?:\[(?P<ip6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::(?P<port>[0-9]{1,5}))?")
"""host[:port] as RFC 3986 writes it (a registered name or IPv4 address, or an IPv6 address in brackets)."""


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def authority(value: str | None) -> tuple[str, int | None] | None:
    """A Host header's (or an origin's) host and port: '127.0.0.1:8050' -> ('127.0.0.1', 8050),
    '[::1]:8050' -> ('::1', 8050), 'localhost' -> ('localhost', None); None when it is not a bare
    host[:port] (user info, a path, a query, spaces, two ports, a port that is not a number)."""
    if not value:
        return None
    found = _AUTHORITY.fullmatch(value.strip().lower())
    if found is None:
        return None
    host = found.group("ip6") or found.group("name")
    port = int(found.group("port")) if found.group("port") else None
    if port is not None and not 0 < port < 65536:
        return None
    return host, port


def origin_authority(origin: str | None) -> tuple[str, int | None] | None:
    """An Origin header's host and port (http or https only); None for 'null' or anything else."""
    if not origin:
        return None
    scheme, sep, rest = origin.strip().partition("://")
    if not sep or scheme.lower() not in ("http", "https") or "/" in rest.rstrip("/"):
        return None
    found = authority(rest.rstrip("/"))
    if found is None:
        return None
    host, port = found
    return host, port if port is not None else (443 if scheme.lower() == "https" else 80)


class Guard:
    """The ASGI wrapper described in the module docstring."""

    def __init__(self, app: ASGIApp, *, token: str | None = None, max_upload: int = 5 * 1024 * 1024,
                 local_only: bool = True):
        self.app = app
        self.token = token or None
        self.max_upload = int(max_upload)
        self.local_only = local_only and self.token is None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = authority(_header(scope, b"host"))
        if self.local_only and (host is None or not is_loopback(host[0])):
            await self._refuse(scope, receive, send, 421, "This page only answers on localhost.")
            return
        if not self._same_origin(scope, host):
            await self._refuse(scope, receive, send, 403, "Requests from another site are refused.")
            return
        if self.token is not None:
            offered = self._query_token(scope)
            if offered is not None and kind == "http" and self._matches(offered):
                await self._enter(scope, send)
                return
            if not self._matches(self._cookie_token(scope)):
                await self._refuse(scope, receive, send, 401,
                                   "This page needs its access token: open the address that `sporen serve` printed "
                                   "(it ends in ?token=...).")
                return
        if kind == "http" and scope.get("method") == "POST" and "/upload/" in scope.get("path", ""):
            length = _header(scope, b"content-length")
            if length is None or not length.isdigit() or int(length) > self.max_upload:
                await self._refuse(scope, receive, send, 413,
                                   f"Upload refused: at most {self.max_upload / 1e6:.0f} MB.")
                return
            receive = self._limited(receive, int(length))
        await self.app(scope, receive, self._with_headers(send) if kind == "http" else send)

    # -- token ------------------------------------------------------------------------------------
    def _matches(self, offered: str | None) -> bool:
        return offered is not None and self.token is not None and hmac.compare_digest(
            offered.encode("utf-8"), self.token.encode("utf-8"))

    @staticmethod
    def _query_token(scope: Scope) -> str | None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        values = query.get("token")
        return values[0] if values else None

    @staticmethod
    def _cookie_token(scope: Scope) -> str | None:
        raw = _header(scope, b"cookie")
        if not raw:
            return None
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(raw)
        except Exception:
            return None
        morsel = cookie.get(COOKIE)
        return morsel.value if morsel is not None else None

    async def _enter(self, scope: Scope, send: Send) -> None:
        """Set the cookie and redirect to the same address without the token."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        query.pop("token", None)
        location = scope.get("root_path", "") + scope.get("path", "/")
        if query:
            location += "?" + urlencode(query, doseq=True)
        cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1")),
                                (b"cache-control", b"no-store"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": b""})

    # -- origin -----------------------------------------------------------------------------------
    def _same_origin(self, scope: Scope, host: tuple[str, int | None] | None) -> bool:
        """The request comes from the page itself: its Origin names the request's own host, and its
        port when the Host header gives one (behind a reverse proxy with HTTPS it gives none), and a
        loopback host when local only. No Origin: not a browser, or a browser's plain GET (a browser
        always sends one with a websocket and with a POST), with nothing to hijack."""
        raw = _header(scope, b"origin")
        if raw is None:
            return True
        origin = origin_authority(raw)
        if origin is None or host is None:
            return False
        if self.local_only and not is_loopback(origin[0]):
            return False
        if host[1] is None:
            return origin[0] == host[0]
        return origin == host

    # -- uploads ------------------------------------------------------------------------------------
    def _limited(self, receive: Receive, length: int) -> Receive:
        seen = [0]
        limit = min(length, self.max_upload)

        async def limited() -> Message:
            message = await receive()
            if message.get("type") == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > limit:
                    raise ValueError("upload larger than announced")
            return message

        return limited

    # -- responses ------------------------------------------------------------------------------------
    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message.get("type") == "http.response.start":
                names = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        return sending

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
        if scope.get("type") == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sporen</title></head>"
                f"<body><p>{html.escape(text)}</p></body></html>").encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store"),
                                *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})

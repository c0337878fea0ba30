"""Where the page listens and who gets in (`jobs.serve`, `web.security.Guard`), checked on the ASGI
messages themselves: localhost by default, a token for the network, no foreign hosts or
websocket origins, no oversized uploads."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from click.testing import CliRunner

from sporen.cli import main
from sporen.common.errors import InputError
from sporen.jobs.whatif.serve import ServeOptions, bundled_scenarios, load_bundled
from sporen.web.security import COOKIE, Guard

TOKEN = "correct-horse-battery"


async def _inner(scope: dict, receive: Any, send: Any) -> None:
    """The app behind the guard: reads the whole body and answers 200 with its length."""
    size = 0
    if scope["type"] == "http":
        while True:
            message = await receive()
            size += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})
    else:
        await send({"type": "websocket.accept"})


def call(guard: Guard, path: str = "/", *, kind: str = "http", method: str = "GET", host: str = "127.0.0.1:8050",
         query: str = "", headers: dict[str, str] | None = None, body: bytes = b"") -> list[dict]:
    sent: list[dict] = []
    all_headers = {"host": host, **(headers or {})}
    scope = {"type": kind, "method": method, "path": path, "query_string": query.encode(), "root_path": "",
             "headers": [(k.encode(), v.encode()) for k, v in all_headers.items()]}
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(guard(scope, receive, send))
    return sent


def status(sent: list[dict]) -> int | str:
    first = sent[0]
    return first["status"] if first["type"] == "http.response.start" else first["type"]


def header(sent: list[dict], name: bytes) -> str | None:
    for key, value in sent[0].get("headers", []):
        if key == name:
            return value.decode()
    return None


def test_localhost_only_by_default():
    guard = Guard(_inner)
    assert status(call(guard)) == 200
    assert status(call(guard, host="localhost:8050")) == 200
    assert status(call(guard, host="[::1]:8050")) == 200
    # a foreign name pointing at 127.0.0.1 (DNS rebinding) is refused
    assert status(call(guard, host="evil.example:8050")) == 421


HOSTILE_HOSTS = [
    "127.0.0.1.evil.example", "127.0.0.1.evil.example:8050", "localhost.evil.example:8050", "evil.example",
    "127.0.0.1@evil.example", "evil.example@127.0.0.1", "127.0.0.1:8050@evil.example", "evil.example#127.0.0.1",
    "127.0.0.1/evil", "127.0.0.1?x", "127.1", "127.1:8050", "0x7f000001", "2130706433", "0177.0.0.1",
    "[::1].evil.example", "::1.evil", "[::1]evil", "127.0.0.1:80:80", "127.0.0.1:abc", "127.0.0.1:99999", "",
    " ", "127.0.0.1 evil.example", "127.0.0.1\tevil", "[::ffff:7f00:1]", "localhost.", "xn--localhost",
    "127.0.0.1%2e.evil.example", "::1", "0.0.0.0", "10.0.0.5:8050",
]
LOCAL_HOSTS = ["127.0.0.1", "127.0.0.1:8050", "127.0.0.2:8050", "localhost:8050", "LOCALHOST:8050", "[::1]:8050",
               "[::1]"]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_hostile_hosts_are_refused_http_and_websocket(host):
    """DNS rebinding: a page elsewhere points its own name at 127.0.0.1; the Host header says that name."""
    guard = Guard(_inner)
    assert status(call(guard, host=host)) == 421
    socket = call(guard, "/websocket/", kind="websocket", host=host, headers={"origin": f"http://{host}"})
    assert socket[0] == {"type": "websocket.close", "code": 1008}


@pytest.mark.parametrize("host", LOCAL_HOSTS)
def test_local_hosts_are_served(host):
    guard = Guard(_inner)
    assert status(call(guard, host=host)) == 200
    socket = call(guard, "/websocket/", kind="websocket", host=host, headers={"origin": f"http://{host.lower()}"})
    assert socket[0]["type"] == "websocket.accept"


@pytest.mark.parametrize("origin", [
    "http://127.0.0.1.evil.example", "http://127.0.0.1.evil.example:8050", "http://evil.example:8050",
    "http://127.0.0.1:3000", "http://localhost:8050", "null", "file://", "chrome-extension://abc",
    "http://127.0.0.1:8050/path", "ftp://127.0.0.1:8050", "http://127.0.0.1:8050@evil.example", "",
    "http://user@127.0.0.1:8050",
])
def test_hostile_origins_are_refused(origin):
    """Another site (or another local port) in the same browser may not open the websocket or post."""
    guard = Guard(_inner)
    socket = call(guard, "/websocket/", kind="websocket", host="127.0.0.1:8050", headers={"origin": origin})
    assert socket[0] == {"type": "websocket.close", "code": 1008}
    posted = call(guard, "/session/abc/upload/def", method="POST", host="127.0.0.1:8050",
                  headers={"origin": origin, "content-length": "1"}, body=b"x")
    assert status(posted) == 403


def test_behind_a_proxy_the_origin_matches_the_host_name():
    """With a token on the network behind an HTTPS proxy the Host has no port and the Origin says https."""
    guard = Guard(_inner, token=TOKEN, local_only=False)
    cookie = {"cookie": f"{COOKIE}={TOKEN}"}
    socket = call(guard, "/websocket/", kind="websocket", host="sporen.gemeente.example",
                  headers={**cookie, "origin": "https://sporen.gemeente.example"})
    assert socket[0]["type"] == "websocket.accept"
    socket = call(guard, "/websocket/", kind="websocket", host="sporen.gemeente.example",
                  headers={**cookie, "origin": "https://sporen.gemeente.example.evil.example"})
    assert socket[0] == {"type": "websocket.close", "code": 1008}


def test_security_headers_on_every_page():
    sent = call(Guard(_inner))
    assert header(sent, b"x-frame-options") == "DENY"
    assert header(sent, b"x-content-type-options") == "nosniff"


def test_a_token_is_needed_and_becomes_a_cookie():
    guard = Guard(_inner, token=TOKEN, local_only=False)
    assert status(call(guard, host="10.0.0.5:8050")) == 401
    assert status(call(guard, host="10.0.0.5:8050", query="token=wrong-token-value")) == 401
    entered = call(guard, host="10.0.0.5:8050", query=f"token={TOKEN}&x=1")
    assert status(entered) == 303
    assert header(entered, b"location") == "/?x=1"
    cookie = header(entered, b"set-cookie")
    assert cookie is not None and cookie.startswith(f"{COOKIE}={TOKEN};") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert status(call(guard, host="10.0.0.5:8050", headers={"cookie": f"{COOKIE}={TOKEN}"})) == 200
    assert status(call(guard, host="10.0.0.5:8050", headers={"cookie": f"{COOKIE}=nope"})) == 401
    # the websocket needs the cookie too
    socket = call(guard, "/websocket/", kind="websocket", host="10.0.0.5:8050")
    assert socket[0] == {"type": "websocket.close", "code": 1008}
    socket = call(guard, "/websocket/", kind="websocket", host="10.0.0.5:8050",
                  headers={"cookie": f"{COOKIE}={TOKEN}", "origin": "http://10.0.0.5:8050"})
    assert socket[0]["type"] == "websocket.accept"


def test_websockets_from_another_site_are_refused():
    guard = Guard(_inner)
    same = call(guard, "/websocket/", kind="websocket", headers={"origin": "http://127.0.0.1:8050"})
    assert same[0]["type"] == "websocket.accept"
    other = call(guard, "/websocket/", kind="websocket", headers={"origin": "https://evil.example"})
    assert other[0] == {"type": "websocket.close", "code": 1008}


def test_uploads_above_the_limit_are_refused_before_they_are_read():
    guard = Guard(_inner, max_upload=100)
    path = "/session/abc/upload/def"
    ok = call(guard, path, method="POST", headers={"content-length": "50"}, body=b"x" * 50)
    assert status(ok) == 200 and ok[1]["body"] == b"50"
    assert status(call(guard, path, method="POST", headers={"content-length": "5000"}, body=b"x" * 5000)) == 413
    assert status(call(guard, path, method="POST", body=b"x")) == 413   # no length announced
    with pytest.raises(ValueError):
        call(guard, path, method="POST", headers={"content-length": "10"}, body=b"x" * 60)   # lied about its size


def test_the_network_needs_a_token():
    with pytest.raises(InputError) as caught:
        ServeOptions.read({"host": "0.0.0.0"}, edge="cli", lang="en")
    assert caught.value.problems[0].file == "--token"
    assert "--host 0.0.0.0 shares the page on the network" in str(caught.value)
    with pytest.raises(InputError):
        ServeOptions.parse(host="0.0.0.0", token="short")
    assert ServeOptions.parse(host="0.0.0.0", token=TOKEN).shared
    assert not ServeOptions.parse().shared
    assert not ServeOptions.parse(host="127.0.0.2").shared


def test_serve_refuses_the_network_without_a_token_on_the_command_line():
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"], env={"SPOREN_TOKEN": "", "SPOREN_LANG": "en"})
    assert result.exit_code == 2
    assert "needs an access token" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["serve", "--futures", "1"])
    assert result.exit_code == 2 and "--futures" in result.output


def test_bundled_scenarios_are_picked_by_name_never_by_path():
    names = bundled_scenarios()
    assert "bmwe" in names and "bmwe-social" in names
    with pytest.raises(InputError):
        load_bundled("../../etc/passwd")


def test_a_port_in_use_is_a_bad_input_said_at_once(tmp_path):
    import socket
    from pathlib import Path

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        tiny = Path(__file__).parent / "data" / "tiny.yaml"
        result = CliRunner().invoke(main, ["serve", str(tiny), "--port", str(port), "--futures", "2", "-j", "1"])
        assert result.exit_code == 2
        assert "--port: cannot listen on 127.0.0.1" in result.output and "Traceback" not in result.output
        assert "simulating" not in result.output
    finally:
        taken.close()

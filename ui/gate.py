"""The server's front door: what reaches Streamlit at all, before any page runs.

- Only the names the app is reached by. A page elsewhere that points its own name at this
  computer (DNS rebinding) gets a 403, not the app: its script could otherwise read every
  page the browser on this computer sees. Allowed: localhost, 127.0.0.1 and [::1]; this
  machine's own addresses (the one on the projector) and names; the host of the login's
  `redirect_uri`; `server.allowedHosts`; and `WIJK_HOSTNAMEN` for a proxy's other names.
- No server controls for visitors: a WebSocket message that empties the server's caches or
  steers the developer's tools (`clear_cache`, `set_run_on_save`, `load_git_info`, the debug
  messages) is dropped; the app never sends one. `/_stcore/metrics` is closed.
- A participant's identity is made here: a random id in an HttpOnly cookie, set with the
  first page, so the phone page never takes it from the address.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable, Iterable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from google.protobuf.message import DecodeError
from streamlit.proto.BackMsg_pb2 import BackMsg

from stories.access import (
    LOOPBACK_HOSTS,
    PARTICIPANT_COOKIE,
    host_name,
    is_ip_literal,
)

DEVELOPER_MESSAGES = frozenset(
    {
        "clear_cache",
        "set_run_on_save",
        "load_git_info",
        "debug_disconnect_websocket",
        "debug_shutdown_runtime",
    }
)
REFUSED_HOST = (
    b"Dit adres hoort niet bij Tellen & Vertellen. Open de app via het adres op het grote "
    b"scherm of via localhost. Beheerder: staat de app achter een andere naam, zet die dan in "
    b"WIJK_HOSTNAMEN.\n"
)
PARTICIPANT_ID_LENGTH = 32  # hex characters: 128 random bits


def is_participant_id(value: str | None) -> bool:
    return (
        value is not None
        and len(value) == PARTICIPANT_ID_LENGTH
        and all(c in "0123456789abcdef" for c in value)
    )


def cookies_of(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def machine_names() -> set[str]:
    """This machine's own names, as a browser in the room may type them."""
    names = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names.add(name.lower())
            names.add(f"{name.split('.')[0].lower()}.local")  # mDNS, as phones see it
    return names


def is_own_address(address: str) -> bool:
    """Whether an IP address is one of this machine's: only then can it be bound to. Asked
    each time, not listed at start: the laptop may join the room's Wi-Fi after starting."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


class HostNames:
    """The names a Host header may carry: fixed ones and patterns (`*.gemeente.nl`, or `*`
    for any), and any IP address of this machine."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = {n.strip().lower().rstrip(".") for n in names if n and n.strip()}
        self.names.update(LOOPBACK_HOSTS)
        self.own_addresses: dict[str, bool] = {}

    def allows(self, host: str | None) -> bool:
        name = host_name(host)
        if name is None:
            return False
        if name in self.names or "*" in self.names:
            return True
        if is_ip_literal(name):
            if name not in self.own_addresses:
                self.own_addresses[name] = is_own_address(name)
            return self.own_addresses[name]
        return any(p.startswith("*.") and name.endswith(p[1:]) for p in self.names)


def configured_names(
    setting: Callable[[str], str | None], auth: dict, allowed_hosts: Iterable[str]
) -> set[str]:
    """The names from the settings: WIJK_HOSTNAMEN, the login's redirect_uri, and
    Streamlit's server.allowedHosts."""
    names = {*machine_names(), *allowed_hosts}
    names.update(
        n.strip()
        for n in (setting("WIJK_HOSTNAMEN") or "").replace(";", ",").split(",")
    )
    redirect = urlsplit(str((auth or {}).get("redirect_uri") or "")).hostname
    if redirect:
        names.add(redirect)
    return {n for n in names if n}


class Gate:
    """ASGI middleware in front of everything else (see the module's docstring). The host
    names are read from the settings on the first request (`names`), once."""

    def __init__(
        self, app, names: Callable[[], Iterable[str]], base_path: str | None = ""
    ) -> None:
        self.app = app
        self.names = names
        self.hosts: HostNames | None = None
        base = (base_path or "").strip("/")
        self.metrics = f"{'/' + base if base else ''}/_stcore/metrics"
        self.cookie_path = f"/{base}/" if base else "/"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self.hosts is None:
            self.hosts = HostNames(self.names())
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if not self.hosts.allows(host):
            await refuse(scope, send, 403, REFUSED_HOST)
            return
        if scope["type"] == "websocket":
            await self.app(scope, without_developer_messages(receive), send)
            return
        if scope["path"] == self.metrics:
            await refuse(scope, send, 404, b"Niet gevonden.\n")
            return
        if is_participant_id(cookies_of(scope["headers"]).get(PARTICIPANT_COOKIE)):
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self.with_participant_cookie(send))

    def with_participant_cookie(self, send):
        """Give a page (HTML) the participant's id; nothing else needs it."""
        cookie = (
            f"{PARTICIPANT_COOKIE}={secrets.token_hex(PARTICIPANT_ID_LENGTH // 2)}; "
            f"Path={self.cookie_path}; HttpOnly; SameSite=Lax; Max-Age=86400"
        ).encode()

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                if kind.startswith(b"text/html"):
                    message = {
                        **message,
                        "headers": [*message["headers"], (b"set-cookie", cookie)],
                    }
            await send(message)

        return sending


def without_developer_messages(receive):
    """The WebSocket's incoming messages, less those that steer the server itself."""

    async def receiving():
        while True:
            message = await receive()
            data = (
                message.get("bytes") if message["type"] == "websocket.receive" else None
            )
            if data and developer_message(data):
                continue
            return message

    return receiving


def developer_message(data: bytes) -> bool:
    try:
        kind = BackMsg.FromString(data).WhichOneof("type")
    except DecodeError:  # not a BackMsg at all: Streamlit itself says what is wrong
        return False
    return kind in DEVELOPER_MESSAGES


async def refuse(scope, send, status: int, body: bytes) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

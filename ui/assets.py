"""What the browser loads before Streamlit can start, handed out from memory.

A first visit fetches some sixty of Streamlit's script, style and font files before the page can
start. Streamlit's server answers each through Starlette's StaticFiles: a lookup, a stat, an
open, a read and a close, most of them in a worker thread; about 2 ms a file on an idle server,
several times more while the same two cores also run the browser. Their names carry a hash of
their content, so a file does not change while the server runs (a new Streamlit version means a
new process and new names). `FrontEnd` reads each one once, on its first request, and answers
from memory after that; compressed when the browser accepts it, compressed once rather than on
every request (Streamlit sends them uncompressed: compressing on every request cost it more
than it saved).

It also answers the addresses of the app's own pages with Streamlit's page, in Dutch (`lang`)
and with the app's styles from the first byte on, and with where the server is: opened at
/kaart, Streamlit first asks /kaart/_stcore/health, gets "not found", waits 0.1 s and then asks
/_stcore/health; told the address, it asks once.

An address of one part that is none of the app's pages (a typo, an old link) is sent on to the
start page with `?niet_gevonden`, where the app says so in Dutch; Streamlit itself would show
the start page under an English "Page not found".

Every other request goes to Streamlit unchanged.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from pathlib import Path

import anyio
import streamlit as st

STREAMLIT_FILES = Path(st.__file__).parent / "static"
# Our own static files (Leaflet), served by Streamlit's static file serving.
VENDOR = "app/static/vendor"
# Formats that are compressed already.
PACKED_FORMATS = {".woff2", ".png", ".gif", ".jpg"}
YEAR = 365 * 24 * 3600
# The start page's note that the address asked for is not a page (app.py shows it).
NOT_FOUND = "niet_gevonden"
# Streamlit's own addresses of one part, and the first parts of its longer ones.
STREAMLIT_ROUTES = {
    "_stcore",
    "app",
    "auth",
    "component",
    "media",
    "oauth2callback",
    "static",
}


# Files the app makes while it runs (the map's outlines), by content hash: answered from memory
# under `<base>/kaartvormen/<name>`, kept by the browser for good (a new content, a new name).
PUBLISHED_PATH = "kaartvormen"
PUBLISHED: dict[str, Answer] = {}
MAX_PUBLISHED = 64  # gemeenten × levels; the oldest goes first


def publish(name: str, body: bytes, base_path: str | None) -> str:
    """Serve `body` (JSON) under `name`, which must change when it does; its address."""
    if name not in PUBLISHED:
        while len(PUBLISHED) >= MAX_PUBLISHED:
            PUBLISHED.pop(next(iter(PUBLISHED)))
        PUBLISHED[name] = Answer(
            body,
            "application/json",
            f"public, immutable, max-age={YEAR}",
            compress=True,
        )
    return f"{root_path(base_path)}/{PUBLISHED_PATH}/{name}"


def root_path(base_path: str | None) -> str:
    """Where the app starts on this server: "" or "/<base>" (server.baseUrlPath)."""
    base = (base_path or "").strip("/")
    return f"/{base}" if base else ""


def vendor_url(base_path: str | None) -> str:
    """The address of static/vendor/ on this server."""
    return f"{root_path(base_path)}/{VENDOR}"


class Answer:
    """One response body as it is sent: as it is, and compressed where that helps."""

    def __init__(self, body: bytes, kind: str, cache: str, compress: bool) -> None:
        tag = hashlib.md5(body).hexdigest()
        common = [
            (b"content-type", kind.encode()),
            (b"cache-control", cache.encode()),
            (b"vary", b"accept-encoding"),
        ]
        self.plain = (body, [*common, (b"etag", f'"{tag}"'.encode())])
        self.packed = (
            (
                gzip.compress(body, 6, mtime=0),
                [
                    *common,
                    (b"etag", f'"{tag}-gzip"'.encode()),
                    (b"content-encoding", b"gzip"),
                ],
            )
            if compress
            else None
        )

    @classmethod
    def of_file(cls, path: Path) -> Answer:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        cache = f"public, immutable, max-age={YEAR}"
        return cls(path.read_bytes(), kind, cache, path.suffix not in PACKED_FORMATS)

    async def send(self, scope, send) -> None:
        headers = dict(scope["headers"])
        if self.packed and accepts_gzip(headers.get(b"accept-encoding", b"")):
            body, response_headers = self.packed
        else:
            body, response_headers = self.plain
        etag = dict(response_headers)[b"etag"]
        asked = headers.get(b"if-none-match", b"")
        if etag in [tag.strip() for tag in asked.split(b",")] or asked.strip() == b"*":
            status, body = 304, b""
        else:
            status = 200
            response_headers = [
                *response_headers,
                (b"content-length", str(len(body)).encode()),
            ]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": response_headers,
            }
        )
        await send(
            {
                "type": "http.response.body",
                "body": b"" if scope["method"] == "HEAD" else body,
            }
        )


def accepts_gzip(value: bytes) -> bool:
    """Whether an Accept-Encoding header allows gzip (and does not refuse it with q=0)."""
    for part in value.decode("latin-1").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            weight = params.replace(" ", "").partition("q=")[2]
            try:
                return not weight or float(weight) > 0
            except ValueError:  # an unreadable weight: as before, not a refusal
                return True
    return False


def page_head(deep: bool, style: str) -> str:
    """What the app adds to the head of Streamlit's page: for a page other than the start page
    (`deep`), where the server is; and the app's own `style`."""
    # Streamlit reads window.__streamlit as it starts; the page's own address without its last
    # part is the server's (also behind a proxy that adds a path in front).
    base = (
        '<script>window.__streamlit = { BACKEND_BASE_URL: new URL(".", location.href).href };'
        "</script>\n"
        if deep
        else ""
    )
    return base + f"<style>\n{style}</style>\n"


class FrontEnd:
    """ASGI middleware: Streamlit's files under `<base>/static/`, and the app's pages (their
    addresses relative to the base: "" for the start page, "kaart", ...) with the app's
    `style` in their head, from memory; and what the app publishes while it runs
    (`publish`)."""

    def __init__(
        self,
        app,
        base_path: str | None = "",
        pages: tuple[str, ...] = (),
        style: str = "",
    ) -> None:
        self.app = app
        self.root = root = root_path(base_path)
        self.published = f"{root}/{PUBLISHED_PATH}/"
        # Only the files that are there, by their exact address: nothing else is answered here.
        files = STREAMLIT_FILES / "static"
        self.files = {
            f"{root}/static/{path.relative_to(files).as_posix()}": path
            for path in files.rglob("*")
            if path.is_file()
        }
        self.answers: dict[str, Answer] = {}
        page = (STREAMLIT_FILES / "index.html").read_text(encoding="utf-8")
        for name in pages:
            # Before Streamlit's own script, so that it is there when Streamlit starts.
            html = page.replace('<html lang="en">', '<html lang="nl">', 1).replace(
                '<script type="module"',
                page_head(bool(name), style) + '<script type="module"',
                1,
            )
            self.answers[f"{root}/{name}"] = Answer(
                html.encode(), "text/html; charset=utf-8", "no-cache", compress=True
            )

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        answer = self.answers.get(path)
        if path.startswith(self.published):
            answer = PUBLISHED.get(path[len(self.published) :])
            if answer is None:  # gone (the server restarted) or never published
                await send(
                    {"type": "http.response.start", "status": 404, "headers": []}
                )
                await send({"type": "http.response.body", "body": b""})
                return
        if answer is None and path in self.files:
            # Read (and compressed) once, away from the event loop.
            answer = await anyio.to_thread.run_sync(Answer.of_file, self.files[path])
            self.answers[path] = answer
        if answer is None and self.unknown_page(path, scope["headers"]):
            # Relative: also right behind a proxy that puts a path in front.
            await send(
                {
                    "type": "http.response.start",
                    "status": 302,
                    "headers": [(b"location", f"./?{NOT_FOUND}".encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if answer is None:
            await self.app(scope, receive, send)
            return
        await answer.send(scope, send)

    def unknown_page(self, path: str, headers: list) -> bool:
        """For an address not answered here (so none of the app's pages): whether it is a
        browser asking for a page at an address of one part that is none of Streamlit's own."""
        if not path.startswith(f"{self.root}/"):
            return False
        name = path[len(self.root) + 1 :]
        return (
            name not in STREAMLIT_ROUTES
            and "/" not in name
            and "." not in name
            and b"text/html" in dict(headers).get(b"accept", b"")
        )

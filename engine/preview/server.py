"""The web server of `jdlspec preview` and `jdlspec check --serve`: the standard library's, on 127.0.0.1 only.

A preview shows one person's draft, with their data behind it: it listens on the loopback address alone, so no
other machine can connect, and it answers only requests addressed to that address (the Host header), so a web
page elsewhere cannot reach it through a DNS name re-pointed at 127.0.0.1. Other people logged in to the same
computer can reach 127.0.0.1 too, so, as Jupyter does, the address printed holds a key made afresh at each start:
the first page opened with it gets the key as a cookie (and is sent on without it, so it stays out of the history),
and a request with neither is refused. The checker's form is accepted only from its own pages. Nothing is fetched
from elsewhere and nothing pasted leaves the machine.

Routes: / (the preview), /report (the report, as report.html), /events (the preview's state as server-sent
events), /state (the same, once, as JSON), /check (the checker; its form posts here), and the pages' style
and scripts.
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from engine.claims import Licence
from engine.commands.documents import DocumentError
from engine.errors import Problem, UserError, display_path
from engine.preview import page
from engine.preview.checker import check_paragraph
from engine.preview.live import LivePreview
from engine.render.html import CSP

HOST = "127.0.0.1"
FORM_LIMIT = 400_000  # bytes of a posted form: the checker reads at most 100,000 characters
KEEP_ALIVE = 15.0  # seconds between two comments on a quiet event stream (so a dropped page is noticed)
IDLE = 60.0  # seconds a connection may send nothing before it is closed (a client that never sends its form)


@dataclass(frozen=True)
class Licensed:
    """What the checker checks against: a report's licence, its own ✗ quotations, and what to call it."""

    about: str
    licence: Licence
    quotations: tuple[str, ...]


class Server(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never holds up the end
    # a port left in TIME_WAIT by the last preview may be taken again at once; Windows' SO_REUSEADDR would
    # also let two servers share one port (and split the requests), so not there
    allow_reuse_address = sys.platform != "win32"

    def __init__(self, port: int, live: LivePreview | None, licensed: Callable[[], Licensed | str]):
        self.live = live
        self.licensed = licensed  # the checker's licence, or why there is none yet
        super().__init__((HOST, port), Handler)
        self.origins = {f"{HOST}:{self.port}", f"localhost:{self.port}"}
        self.key = secrets.token_urlsafe(24)
        self.cookie = f"jdlspec-{self.port}"  # one per port: two previews on one computer keep their own keys

    def handle_error(self, request, client_address) -> None:
        """A page closed or reloaded while its answer was being sent is no error (the standard library printed a
        traceback in the terminal for each); anything else is reported as it reports it."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        """The address to open: it holds the key."""
        return f"http://{HOST}:{self.port}/?{urlencode({'token': self.key})}"


def make_server(port: int, live: LivePreview | None, licensed: Callable[[], Licensed | str]) -> Server:
    """The server on 127.0.0.1:port (0: any free port); a port in use is refused in one line."""
    try:
        return Server(port, live, licensed)
    except OSError as error:
        why = "is in use (another preview?)" if error.errno in (48, 98, 10048) else f"cannot be used ({error.strerror})"
        raise UserError(Problem("--port", None, None, "", f"port {port} on {HOST} {why}; choose another with --port "
                                "(0 picks a free one)")) from None


def serve(server: Server, open_browser: bool, echo: Callable[[str], None]) -> None:
    """Serve until Ctrl-C (which propagates: the command line ends with 130)."""
    echo(f"Serving {server.url} (only this address opens it: it holds a key made for this run); Ctrl-C stops it.")
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        if server.live:
            server.live.stop()
        server.server_close()


def preview_licence(live: LivePreview) -> Licensed | str:
    report = live.state.report
    if report is None:
        return "The checker needs a report: it is being made, or the spec has problems (see the preview)."
    return Licensed(report.title, report.licence, report.quotations)


def folder_licence(folder: Path) -> Licensed:
    """A published report folder's licence (`jdlspec check --serve`), read once, as `jdlspec check` reads it."""
    from engine.commands.check import quotations_of, report_licence
    from engine.results_check import read_report_results

    licence = report_licence(folder)
    report = folder / "report.md"
    quotations = quotations_of(report.read_text(encoding="utf-8")) if report.is_file() else ()
    title = read_report_results(folder).spec.programme.title or display_path(folder)
    return Licensed(f"{title} ({display_path(folder)})", licence, quotations)


ASSETS = {"/page.css": ("text/css", page.STYLE), "/preview.js": ("text/javascript", page.PREVIEW_SCRIPT),
          "/checker.js": ("text/javascript", page.CHECKER_SCRIPT)}


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "jdlspec"
    sys_version = ""
    timeout = IDLE

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
        pass  # a line per request would bury the command's own lines

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if not self._addressed() or not self._keyed():
            return
        path = urlsplit(self.path).path
        if self._key_in_address():  # the printed address: keep the key as a cookie, and leave it out of the history
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", path)
            self._send_cookie()
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        live = self.server.live
        if path in ASSETS:
            kind, text = ASSETS[path]
            self._send(text.encode("utf-8"), f"{kind}; charset=utf-8")
        elif path == "/" and live is None:
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", "/check")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/" and live:
            self._send(page.preview_page(display_path(live.spec), live.wait(-1, 0)))
        elif path == "/report" and live:
            report = live.state.report
            body = report.html if report else page.waiting_page("No report yet: it appears here once it is made.")
            self._send(body, policy=f"{CSP}; frame-ancestors 'self'")
        elif path == "/state" and live:
            self._send(json.dumps(live.wait(-1, 0)).encode("utf-8"), "application/json")
        elif path == "/events" and live:
            self._events(live)
        elif path == "/check":
            self._checker()
        else:
            self._send(b"Not found", "text/plain; charset=utf-8", status=HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:  # noqa: N802
        if not self._addressed() or not self._keyed():
            return
        origin = self.headers.get("Origin")
        if urlsplit(self.path).path != "/check" or (origin and urlsplit(origin).netloc not in self.server.origins):
            self._send(b"Forbidden", "text/plain; charset=utf-8", status=HTTPStatus.FORBIDDEN)
            return
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():  # "abc", "-5": no form to read (a traceback in the terminal once)
            self._send(b"Bad Content-Length", "text/plain; charset=utf-8", status=HTTPStatus.BAD_REQUEST)
            return
        length = int(length)
        if length > FORM_LIMIT:
            self._send(b"Too large", "text/plain; charset=utf-8", status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        form = parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"), keep_blank_values=True)
        self._checker(form.get("text", [""])[0])

    def _checker(self, text: str | None = None) -> None:
        licensed = self.server.licensed()
        back = self.server.live is not None
        if isinstance(licensed, str):
            self._send(page.checker_page("the report", text or "", None, licensed, back))
            return
        verdicts, notice = None, ""
        if text is not None:
            try:
                verdicts = check_paragraph(text.replace("\r\n", "\n"), licensed.licence, licensed.quotations)
            except DocumentError as error:
                notice = f"Cannot check it: {error}."
        self._send(page.checker_page(licensed.about, text or "", verdicts, notice, back))

    def _events(self, live: LivePreview) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not live.stopped.is_set():
                state = live.wait(seen, KEEP_ALIVE)
                if state["version"] == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = state["version"]
                    self.wfile.write(f"data: {json.dumps(state)}\n\n".encode("utf-8"))
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            return

    def _addressed(self) -> bool:
        """Only requests addressed to this server by its own address (not a name re-pointed at it)."""
        if self.headers.get("Host") in self.server.origins:
            return True
        self._send(f"Open http://{HOST}:{self.server.port}/ by the address jdlspec printed".encode("utf-8"),
                   "text/plain; charset=utf-8", status=HTTPStatus.MISDIRECTED_REQUEST)
        return False

    def _key_in_address(self) -> bool:
        given = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
        return secrets.compare_digest(given.encode("utf-8"), self.server.key.encode("utf-8"))

    def _keyed(self) -> bool:
        """Only requests that hold this run's key, in the address or as the cookie the address gave."""
        cookies = SimpleCookie()
        try:
            cookies.load(self.headers.get("Cookie") or "")
        except CookieError:
            pass  # a malformed cookie header holds no key
        held = cookies[self.server.cookie].value if self.server.cookie in cookies else ""
        if self._key_in_address() or secrets.compare_digest(held.encode("utf-8"), self.server.key.encode("utf-8")):
            return True
        self._send(b"Open the address that jdlspec printed in its terminal: it holds this run's key.",
                   "text/plain; charset=utf-8", status=HTTPStatus.FORBIDDEN)
        return False

    def _send_cookie(self) -> None:
        self.send_header("Set-Cookie", f"{self.server.cookie}={self.server.key}; Path=/; HttpOnly; SameSite=Strict")

    def _send(self, body: bytes, kind: str = "text/html; charset=utf-8", status: HTTPStatus = HTTPStatus.OK,
              policy: str = page.POLICY) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "same-origin")  # (no-referrer would send the form's Origin as "null")
        self.end_headers()
        self.wfile.write(body)

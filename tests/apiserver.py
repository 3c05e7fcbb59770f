"""A small real HTTP server on 127.0.0.1 that plays an upstream API in tests.

Routes map a path (without the query string) to a handler ``handler(request) -> Reply``, or to a
list of replies served in turn (the last one repeats), which is how tests script faults such as a
truncated body followed by a good one. Every request is logged with its path, query and headers,
so tests can assert what the client sent (e.g. Vipunen's ``Caller-Id``).

A reply may set ``truncate`` to advertise the full ``Content-Length`` but send only part of the
body and close the connection, the way a dropped download looks to a client.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Reply:
    """One HTTP answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json;charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    truncate: int | None = None  # send only this many bytes of the body


@dataclass
class Request:
    """What the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Handler = Callable[[Request], Reply]


class ApiServer:
    """Serve scripted replies on an ephemeral port of 127.0.0.1; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler | list[Reply]] = {}
        self.requests: list[Request] = []
        self._counters: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                request = Request(
                    "GET",
                    unquote(parts.path),  # %23 in a classification path means "#"
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                )
                reply = server._reply(request)
                body = reply.body
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.truncate is not None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(body if reply.truncate is None else body[: reply.truncate])
                self.wfile.flush()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path)
            if route is None:
                return Reply(404, b"<html><title>404 Not Found</title></html>", "text/html")
            if callable(route):
                return route(request)
            n = self._counters.get(request.path, 0)
            self._counters[request.path] = n + 1
            return route[min(n, len(route) - 1)]

    def paths(self) -> list[str]:
        """Paths requested so far, in order."""
        return [r.path for r in self.requests]

    def __enter__(self) -> ApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

"""The one HTTP layer: every network request of punos_lib goes through :class:`HttpSession`.

It enforces the project's network rules in one place:

- ``PUNOS_OFFLINE=1`` refuses every request with :class:`~punos_lib.errors.OfflineError`;
- HTTPS only, to the known API hosts on port 443; plain HTTP (and any port) only to the loopback
  addresses (tests, local mirrors);
- 429, 502, 503, 504 and broken connections are retried a bounded number of times, honouring
  ``Retry-After`` (seconds) when the server sends it, otherwise with exponential back-off;
- an optional :class:`Pacer` keeps calls inside a server's ``maxCalls`` per ``timeWindow``.

Client modules (statfin, geo, classifications, vipunen) decide what a status or body means;
:func:`get_bytes` gives the plain GET loaders (geo, classifications, vipunen) one reading of the
common statuses, and :func:`load_json` one way to decode a payload given as bytes, text or a file.
"""

from __future__ import annotations

import collections
import ipaddress
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from punos_lib import __version__
from punos_lib.sources import _json
from punos_lib.errors import (
    DataSourceError,
    InputError,
    OfflineError,
    ParseError,
    QueryError,
    RateLimitError,
    ResponseError,
    TableNotFoundError,
)

__all__ = [
    "KNOWN_HOSTS",
    "HttpSession",
    "Pacer",
    "offline",
    "check_url",
    "describe_error",
    "json_problem",
    "get_bytes",
    "load_json",
]

#: Hosts the library may call over HTTPS.
KNOWN_HOSTS: frozenset[str] = frozenset(
    {
        "pxdata.stat.fi",
        "statfin.stat.fi",
        "pxweb2.stat.fi",
        "geo.stat.fi",
        "data.stat.fi",
        "api.vipunen.fi",
    }
)
_RETRY_STATUS = frozenset({429, 502, 503, 504})


def offline() -> bool:
    """Return True when network use is disabled with ``PUNOS_OFFLINE`` (1/true/yes)."""
    return os.environ.get("PUNOS_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _is_loopback(host: str) -> bool:
    # An address literal, not a name that merely starts with "127." (127.evil.example).
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Refuse a URL that is not HTTPS on port 443 to a known host (or HTTP/HTTPS to loopback).

    The known hosts answer on the standard HTTPS port only, so an explicit other port
    (``https://pxdata.stat.fi:8443``) is a mistake or a redirection to something else; loopback
    addresses (tests, local mirrors) may use any port.

    Raises
    ------
    InputError
        With the host (and port) and what is allowed.
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port  # ValueError for a port that is not a number in 0..65535
    except ValueError as exc:
        raise InputError(f"refusing to call {url!r}: not a valid URL ({exc})") from exc
    if _is_loopback(host):
        if parts.scheme in {"http", "https"}:
            return
    elif parts.scheme == "https" and host in KNOWN_HOSTS:
        if port in (None, 443):
            return
        raise InputError(
            f"refusing to call {url!r}: port {port} on {host}; the known hosts are called only on the "
            "HTTPS port 443, so leave the port out of the URL"
        )
    raise InputError(
        f"refusing to call {url!r}: only HTTPS to {', '.join(sorted(KNOWN_HOSTS))} "
        "(or a loopback address for tests and local mirrors) is allowed"
    )


class Pacer:
    """Keep at most ``max_calls`` calls inside any sliding window of ``window`` seconds.

    Parameters
    ----------
    max_calls : int
        Calls allowed per window (StatFin ``?config`` ``maxCalls``).
    window : float
        Window length in seconds (``timeWindow``).
    clock, sleep : callables, optional
        Injected for tests.
    """

    def __init__(
        self,
        max_calls: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_calls < 1 or window <= 0:
            raise InputError(f"Pacer needs max_calls >= 1 and window > 0, got {max_calls}, {window}")
        self.max_calls = max_calls
        self.window = float(window)
        self._clock = clock
        self._sleep = sleep
        self._calls: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until one more call fits in the window, then record it."""
        with self._lock:
            while True:
                now = self._clock()
                while self._calls and now - self._calls[0] >= self.window:
                    self._calls.popleft()
                if len(self._calls) < self.max_calls:
                    self._calls.append(now)
                    return
                self._sleep(self.window - (now - self._calls[0]) + 0.01)


class HttpSession:
    """A small retrying HTTP client with the project's network rules.

    Parameters
    ----------
    retries : int
        How many times a retryable failure (429/502/503/504, broken connection, or a body the
        caller's ``validate`` rejects) is tried again before giving up.
    backoff : float
        First back-off in seconds; doubles each retry, capped at ``max_wait``.
    timeout : float
        Per-request timeout in seconds.
    headers : mapping, optional
        Extra headers for every request (e.g. Vipunen's ``Caller-Id``).
    pacer : Pacer, optional
        Rate limiter consulted before every request, retries included.
    transport : httpx.BaseTransport, optional
        For tests (e.g. ``httpx.MockTransport``).
    sleep : callable, optional
        Injected for tests.
    """

    def __init__(
        self,
        *,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        timeout: float = 60.0,
        headers: Mapping[str, str] | None = None,
        pacer: Pacer | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.pacer = pacer
        self.requests_sent = 0
        self._sleep = sleep
        base_headers = {"User-Agent": f"punos-lib/{__version__}"}
        base_headers.update(headers or {})
        self._client = httpx.Client(
            timeout=timeout, headers=base_headers, transport=transport, follow_redirects=False
        )

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        validate: Callable[[httpx.Response], str | None] | None = None,
        what: str = "",
    ) -> httpx.Response:
        """Send a request, retrying transient failures; return the final response.

        Non-retryable statuses (e.g. 400, 403, 404) are returned to the caller to interpret.
        ``validate(response)`` may return an error text for a 200 response whose body is unusable
        (truncated, not JSON); such a response is retried and never returned.

        Raises
        ------
        OfflineError
            ``PUNOS_OFFLINE`` is set, or the host cannot be reached at all.
        RateLimitError
            429 persisted after ``retries`` retries.
        ResponseError
            5xx, a broken connection or an invalid body persisted after ``retries`` retries.
        """
        label = what or url
        if offline():
            raise OfflineError(
                f"network use is disabled (PUNOS_OFFLINE is set): cannot fetch {label}; "
                "unset PUNOS_OFFLINE to fetch, or build from the snapshot",
                url=url,
            )
        check_url(url)
        last_problem = ""
        for attempt in range(self.retries + 1):
            if self.pacer is not None:
                self.pacer.wait()
            self.requests_sent += 1
            try:
                response = self._client.request(method, url, json=json, params=params, headers=headers)
            except httpx.ConnectError as exc:
                if attempt == 0 and self.retries == 0:
                    raise OfflineError(f"cannot reach {url} ({exc}); check the network", url=url) from exc
                last_problem = f"connection failed: {exc}"
                retry_after = None
            except (httpx.RequestError, httpx.StreamError) as exc:
                # Transport failures and undecodable bodies (bad gzip) alike: retried, then reported.
                last_problem = f"connection broken: {exc}"
                retry_after = None
            else:
                if response.status_code in _RETRY_STATUS:
                    last_problem = f"HTTP {response.status_code}"
                    retry_after = _retry_after(response)
                elif response.status_code == 200 and validate is not None:
                    problem = validate(response)
                    if problem is None:
                        return response
                    last_problem = f"invalid body: {problem}"
                    retry_after = None
                else:
                    return response
            if attempt < self.retries:
                wait = retry_after if retry_after is not None else self.backoff * (2**attempt)
                self._sleep(min(wait, self.max_wait))
        message = f"{label}: giving up after {self.retries + 1} attempts ({last_problem})"
        if last_problem.startswith("connection failed"):
            raise OfflineError(message + "; check the network or use PUNOS_OFFLINE=1 with a snapshot", url=url)
        if last_problem == "HTTP 429":
            raise RateLimitError(message + "; wait a minute and run again (fetch resumes)", url=url, status=429)
        raise ResponseError(message + "; try again later (fetch resumes where it stopped)", url=url)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        # An HTTP date is allowed too; a fixed short wait is good enough for these APIs.
        return None


def describe_error(response: httpx.Response, limit: int = 200) -> str:
    """A short readable summary of an error body (plain text, or the title of an HTML page)."""
    text = response.text.strip()
    lower = text.lower()
    if "<title>" in lower:
        start = lower.index("<title>") + len("<title>")
        end = lower.find("</title>", start)
        text = text[start:end if end > 0 else start + limit].strip()
    return " ".join(text.split())[:limit] or "(empty body)"


def json_problem(response: httpx.Response) -> str | None:
    """Why a 200 body is unusable as JSON (e.g. truncated), or None.

    Pass as ``validate=`` to :meth:`HttpSession.request` so that such a body is retried, never
    returned or stored.
    """
    try:
        _json.loads(response.content)
    except ValueError as exc:
        return f"not valid JSON ({exc})"
    return None


def get_bytes(
    session: HttpSession | None,
    url: str,
    what: str,
    *,
    validate: Callable[[httpx.Response], str | None] | None,
    headers: Mapping[str, str] | None = None,
    not_found_hint: str = "check the id and the year",
) -> bytes:
    """GET ``url`` through :class:`HttpSession` and return the body of a 200 answer.

    Parameters
    ----------
    session : HttpSession or None
        The session to use; ``None`` opens one for this request and closes it after.
    url : str
        The URL (checked against the host allow-list by the session).
    what : str
        What is fetched, for messages (e.g. ``"classification kunta_1_20250101 (fi)"``).
    validate : callable or None
        Passed to :meth:`HttpSession.request`: a 200 body it rejects is retried, never returned.
    headers : mapping, optional
        Extra headers (Vipunen's ``Caller-Id``).
    not_found_hint : str
        What the user should check when the server answers 404.

    Raises
    ------
    TableNotFoundError
        HTTP 404.
    QueryError
        HTTP 400.
    DataSourceError
        Any other non-200 status that the session does not retry.
    """
    own = session is None
    sess = HttpSession() if session is None else session
    try:
        response = sess.request("GET", url, headers=headers, validate=validate, what=what)
    finally:
        if own:
            sess.close()
    status = response.status_code
    if status == 200:
        return response.content
    detail = describe_error(response)
    if status == 404:
        raise TableNotFoundError(
            f"{what} not found (HTTP 404 from {url}): {detail}; {not_found_hint}", url=url, status=404
        )
    if status == 400:
        raise QueryError(f"{what}: the server refused the request (HTTP 400 from {url}): {detail}",
                         url=url, status=400)
    raise DataSourceError(f"{what}: unexpected HTTP {status} from {url}: {detail}", url=url, status=status)


def load_json(payload: bytes | bytearray | str | Path | Any, what: str) -> Any:
    """Decode a payload given as bytes, JSON text, a file path or already-decoded JSON.

    Parameters
    ----------
    payload : bytes, str, Path or decoded JSON
        A ``Path`` is read; bytes and text are decoded; anything else is returned as it is.
    what : str
        What the payload is, for messages.

    Raises
    ------
    InputError
        The file cannot be read.
    ParseError
        The bytes or text are not valid JSON.
    """
    if isinstance(payload, Path):
        try:
            payload = payload.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {what} file {payload}: {exc}") from exc
    if isinstance(payload, (bytes, bytearray, str)):
        try:
            return _json.loads(payload)
        except ValueError as exc:
            raise ParseError(f"{what} is not valid JSON ({exc}); fetch it again") from exc
    return payload

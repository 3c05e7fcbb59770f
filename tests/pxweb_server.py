"""A local PxWeb API v1 server that plays StatFin for tests and benchmarks.

A real HTTP server (``http.server.ThreadingHTTPServer`` on 127.0.0.1, a free port, in a thread)
that answers as Statistics Finland's PxWeb v1 is documented and observed
(``shared/data/reference/statfin_api/API_NOTES.md`` and ``ERRORS_OBSERVED.md``):

- ``GET /api/v1/{lang}/?config`` → the limits (``maxValues``, ``maxCells``, ``maxCalls``,
  ``timeWindow``); ``/api/v1/{lang}/config`` is a 400 as at StatFin;
- ``GET /api/v1/{lang}/`` → databases; ``GET .../{db}/`` → levels; ``GET .../{db}/{level}`` →
  tables; ``GET .../{db}[/{level}]/{id}.px`` → table metadata;
- ``POST`` a query on a table → json-stat2 with filters ``item``, ``all`` (``*`` wildcards) and
  ``top``; an omitted eliminable variable is eliminated (its ``eliminationValueCode`` when the
  table has one, else the sum) and its dimension disappears; an omitted non-eliminable variable
  gives all its values;
- errors as StatFin gives them: 400 plain text ``Bad Request`` (unknown table or old long id,
  unknown variable, value or filter, bad JSON, formats other than json-stat2), 403 an IIS-like
  HTML page when a query selects more than ``maxCells`` cells, 404 HTML for other paths, 429 when
  more than ``maxCalls`` requests arrive inside any ``timeWindow`` seconds;
- scripted faults for the next N requests (:meth:`PxWebServer.fail_next`): an HTTP status
  (503, 429 with ``Retry-After``, 400, 404, …), ``"truncate"`` (a 200 whose JSON is cut),
  ``"badsize"`` (a 200 json-stat2 with one value too few), ``"short"`` (fewer bytes than
  ``Content-Length``) and ``"drop"`` (the connection closes without an answer);
- a call log (:attr:`PxWebServer.log`) with arrival times, for checking pacing.

It holds a generated table ``testi/gen`` (:data:`GENERATED_TABLE`): area (SSS + 60
municipalities, eliminable, elimination value SSS) × age (20 one-year groups, eliminable, no
elimination value: the sum) × year (2000–2024, time) × contents (2), 61,000 cells in all, whose
values follow a formula of the indices (:func:`generated_value`), with some suppressed cells
(null value, status ``"..."``). Real recorded metadata can be served with :meth:`add_table`;
their data are the flat row-major position in the full table plus one.

Example
-------
>>> with PxWebServer(max_cells=1000, max_calls=5, time_window=1.0) as server:  # doctest: +SKIP
...     client = PxWebClient(server.base_url)
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np

__all__ = [
    "GENERATED_TABLE",
    "GEN_AREAS",
    "GEN_AGES",
    "GEN_YEARS",
    "GEN_CONTENTS",
    "Call",
    "PxWebServer",
    "generated_metadata",
    "generated_value",
]

GENERATED_TABLE = "testi/gen"
GEN_AREAS = ["SSS"] + [f"KU{i:03d}" for i in range(1, 61)]
GEN_AGES = [f"{i:03d}" for i in range(20)]
GEN_YEARS = [str(y) for y in range(2000, 2025)]
GEN_CONTENTS = ["vaesto", "tyolliset"]

_LANGS = ("fi", "sv", "en")
_FAULT_KINDS = ("truncate", "badsize", "short", "drop")
_IIS_403 = (
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">\r\n<html><head>"
    "<title>403 - Forbidden: Access is denied.</title></head><body><div id=\"header\">"
    "<h1>Server Error</h1></div><div id=\"content\"><fieldset><h2>403 - Forbidden: Access is "
    "denied.</h2><h3>You do not have permission to view this directory or page using the "
    "credentials that you supplied.</h3></fieldset></div></body></html>"
)
_HTML_404 = (
    "<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head>"
    "<body><h2>404 - File or directory not found.</h2></body></html>"
)


def _ku_value(a: np.ndarray, g: np.ndarray, y: np.ndarray, c: np.ndarray) -> np.ndarray:
    value = (c * 10_000_000 + a * 100_000 + g * 1_000 + y).astype(np.float64)
    return np.where((c == 1) & ((a * 7 + y) % 50 == 0), np.nan, value)


def generated_value(a: Any, g: Any, y: Any, c: Any) -> np.ndarray:
    """Value of the generated table at area/age/year/contents indices (arrays broadcast).

    Municipality ``a`` ≥ 1: ``c·10⁷ + a·10⁵ + g·10³ + y``, except missing (NaN, status ``...``)
    where ``c == 1`` and ``(7a + y) % 50 == 0``. ``a == 0`` (SSS) is the sum of the
    municipalities' non-missing values.
    """
    a, g, y, c = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in (a, g, y, c)))
    ku = np.arange(1, len(GEN_AREAS), dtype=np.int64)
    totals = np.nansum(
        _ku_value(ku[:, None, None, None], np.arange(len(GEN_AGES))[None, :, None, None],
                  np.arange(len(GEN_YEARS))[None, None, :, None], np.arange(len(GEN_CONTENTS))[None, None, None, :]),
        axis=0,
    )
    return np.where(a == 0, totals[g, y, c], _ku_value(a, g, y, c))


def generated_metadata() -> dict[str, Any]:
    """PxWeb v1 metadata of the generated table, in StatFin's new (2026) form."""
    return {
        "title": "Testitaulu muuttujina Alue, Ikä, Vuosi ja Tiedot",
        "variables": [
            {"code": "alue_23_20260101", "text": "Alue", "values": GEN_AREAS,
             "valueTexts": ["KOKO MAA"] + [f"Kunta {i}" for i in range(1, 61)],
             "elimination": True, "map": "Alue 2026"},
            {"code": "ikaryhma_10_20180101", "text": "Ikä", "values": GEN_AGES,
             "valueTexts": [str(int(a)) for a in GEN_AGES], "elimination": True},
            {"code": "timeperiod_y", "text": "Vuosi", "values": GEN_YEARS, "valueTexts": GEN_YEARS,
             "time": True},
            {"code": "contentscode", "text": "Tiedot", "values": GEN_CONTENTS,
             "valueTexts": ["Väestö 31.12.", "Työlliset"]},
        ],
    }


def _flat_position(sizes: list[int]) -> Callable[..., np.ndarray]:
    def value(*index: np.ndarray) -> np.ndarray:
        return (np.ravel_multi_index(np.broadcast_arrays(*index), sizes) + 1).astype(np.float64)

    return value


@dataclass(frozen=True)
class Call:
    """One request as the server saw it (``time`` is ``time.monotonic()`` at arrival)."""

    time: float
    method: str
    path: str
    status: int
    query: Any = None
    cells: int | None = None
    fault: str | None = None


class _Table:
    def __init__(
        self,
        table_id: str,
        metadata: Mapping[str, Any] | bytes,
        value_fn: Callable[..., np.ndarray] | None,
        elimination_codes: Mapping[str, str] | None,
        updated: str,
    ) -> None:
        if isinstance(metadata, (bytes, bytearray)):
            self.metadata_bytes = bytes(metadata)
            self.metadata = json.loads(self.metadata_bytes)
        else:
            self.metadata = json.loads(json.dumps(metadata))
            self.metadata_bytes = json.dumps(self.metadata, ensure_ascii=False).encode("utf-8")
        self.id = table_id
        self.variables = self.metadata["variables"]
        self.value_fn = value_fn or _flat_position([len(v["values"]) for v in self.variables])
        self.elimination_codes = dict(elimination_codes or {})
        self.updated = updated


class _BadRequest(Exception):
    pass


class _TooManyCells(Exception):
    pass


class PxWebServer:
    """A PxWeb v1 server on 127.0.0.1 (see the module docstring); use it as a context manager.

    Parameters
    ----------
    max_cells, max_calls, time_window : limits served by ``?config`` and enforced.
    max_values : ``maxValues`` in ``?config`` (default: ``max_cells``).
    enforced_max_cells : a stricter cell limit than the config admits (to provoke a 403).
    rate_limit : answer 429 beyond ``max_calls`` per ``time_window``.
    generated : hold the generated table :data:`GENERATED_TABLE`.
    database : the database id served.
    """

    def __init__(
        self,
        *,
        max_cells: int = 1000,
        max_calls: int = 5,
        time_window: float = 1.0,
        max_values: int | None = None,
        enforced_max_cells: int | None = None,
        rate_limit: bool = True,
        generated: bool = True,
        database: str = "StatFin",
    ) -> None:
        self.config: dict[str, Any] = {
            "maxValues": max_values if max_values is not None else max_cells,
            "maxCells": max_cells,
            "maxCalls": max_calls,
            "timeWindow": time_window,
            "CORS": True,
        }
        self.enforced_max_cells = enforced_max_cells
        self.rate_limit = rate_limit
        self.database = database
        self._tables: dict[tuple[str, str], _Table] = {}
        self._faults: list[list[Any]] = []
        self._log: list[Call] = []
        self._arrivals: list[float] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if generated:
            self.add_table(
                GENERATED_TABLE,
                generated_metadata(),
                value_fn=generated_value,
                elimination_codes={"alue_23_20260101": "SSS"},
            )

    # setup ----------------------------------------------------------------------------------

    def add_table(
        self,
        name: str,
        metadata: Mapping[str, Any] | bytes,
        *,
        value_fn: Callable[..., np.ndarray] | None = None,
        elimination_codes: Mapping[str, str] | None = None,
        updated: str = "2026-04-01T05:00:00Z",
    ) -> None:
        """Serve a table at ``{level}/{id}`` (metadata as a dict, or bytes served verbatim).

        ``value_fn(*indices)`` gets one index array per variable (full-table positions, broadcast
        with ``numpy.ix_``) and returns the values; default: flat row-major position + 1.
        """
        level, _, table_id = name.rpartition("/")
        self._tables[(level, table_id)] = _Table(table_id, metadata, value_fn, elimination_codes, updated)

    def fail_next(
        self,
        n: int,
        kind: int | str,
        *,
        method: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next ``n`` requests (of ``method``, if given) with a fault.

        ``kind`` is an HTTP status (e.g. 503, 429, 400, 403, 404) or one of ``"truncate"``,
        ``"badsize"``, ``"short"``, ``"drop"``.
        """
        if not (isinstance(kind, int) or kind in _FAULT_KINDS):
            raise ValueError(f"unknown fault {kind!r}")
        with self._lock:
            self._faults.append([kind, n, method, retry_after])

    @property
    def log(self) -> list[Call]:
        """A copy of the call log, in arrival order."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/api/v1"

    def start(self) -> PxWebServer:
        app = self

        class Handler(_Handler):
            server_app = app

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> PxWebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # request handling -----------------------------------------------------------------------

    def _arrive(self, method: str) -> tuple[float, bool, list[Any] | None]:
        """Record an arrival; say whether it breaks the rate limit and which fault applies."""
        now = time.monotonic()
        with self._lock:
            # Tests may remove keys from the served config; the limit then is not enforced.
            window = float(self.config.get("timeWindow") or 1.0)
            max_calls = self.config.get("maxCalls")
            self._arrivals = [t for t in self._arrivals if now - t < window]
            self._arrivals.append(now)
            limited = self.rate_limit and max_calls is not None and len(self._arrivals) > int(max_calls)
            fault = None
            for entry in self._faults:
                if entry[1] > 0 and (entry[2] is None or entry[2] == method):
                    entry[1] -= 1
                    fault = entry
                    break
            self._faults = [f for f in self._faults if f[1] > 0]
        return now, limited, fault

    def _record(self, call: Call) -> None:
        with self._lock:
            self._log.append(call)

    def _route(self, method: str, raw_path: str, body: bytes) -> tuple[int, str, bytes, int | None, Any]:
        """Return (status, content type, body, cells, parsed query) for a request."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        if path.startswith("/PxWeb/"):
            path = path[len("/PxWeb") :]
        if not path.startswith("/api/v1/"):
            return 404, "text/html", _HTML_404.encode(), None, None
        segments = [s for s in path[len("/api/v1/") :].split("/") if s]
        try:
            if not segments or segments[0] not in _LANGS:
                raise _BadRequest
            if len(segments) == 1:
                if method != "GET":
                    raise _BadRequest
                if parts.query == "config":
                    return 200, "application/json", _json(self.config), None, None
                return 200, "application/json", _json([{"dbid": self.database, "text": self.database}]), None, None
            if segments[1] != self.database:
                raise _BadRequest
            if segments[-1].endswith(".px"):
                table = self._find(segments[2:-1], segments[-1][:-3])
                if method == "GET":
                    return 200, "application/json", table.metadata_bytes, None, None
                if method != "POST":
                    raise _BadRequest
                try:
                    query = json.loads(body)
                except ValueError:
                    raise _BadRequest from None
                payload, cells = self._data(table, query)
                return 200, "application/json; charset=utf-8", payload, cells, query
            if method != "GET":
                raise _BadRequest
            return 200, "application/json", _json(self._listing("/".join(segments[2:]))), None, None
        except _BadRequest:
            return 400, "text/plain", b"Bad Request", None, _loads_or_none(body)
        except _TooManyCells as exc:
            return 403, "text/html", _IIS_403.encode(), int(str(exc)), _loads_or_none(body)

    def _find(self, levels: list[str], table_id: str) -> _Table:
        level = "/".join(levels)
        if (level, table_id) in self._tables:
            return self._tables[(level, table_id)]
        if not level:  # StatFin also answers a table id without its levels
            for (_, tid), table in self._tables.items():
                if tid == table_id:
                    return table
        raise _BadRequest

    def _listing(self, level: str) -> list[dict[str, Any]]:
        if not level:
            levels = sorted({lv for lv, _ in self._tables if lv})
            return [{"id": lv, "type": "l", "text": lv} for lv in levels]
        nodes = [
            {"id": f"{tid}.px", "type": "t", "text": f"{tid} -- {t.metadata.get('title', tid)}", "updated": "2026-06-06T21:04:30"}
            for (lv, tid), t in sorted(self._tables.items())
            if lv == level
        ]
        if not nodes:
            raise _BadRequest
        return nodes

    def _data(self, table: _Table, query: Any) -> tuple[bytes, int]:
        if not isinstance(query, dict) or not isinstance(query.get("query", []), list):
            raise _BadRequest
        fmt = (query.get("response") or {}).get("format", "json-stat2")
        if fmt != "json-stat2":
            raise _BadRequest  # this server speaks json-stat2 only
        by_code = {v["code"]: v for v in table.variables}
        chosen: dict[str, list[int]] = {}
        for item in query.get("query", []):
            code = item.get("code") if isinstance(item, dict) else None
            if code not in by_code or code in chosen:
                raise _BadRequest
            chosen[code] = _filter(by_code[code], item.get("selection"))
        plan: list[tuple[str, str, list[int]]] = []  # (code, keep|fix|sum, indices)
        for var in table.variables:
            code = var["code"]
            if code in chosen:
                plan.append((code, "keep", chosen[code]))
            elif var.get("elimination") is True:
                fixed = table.elimination_codes.get(code)
                if fixed is not None:
                    plan.append((code, "fix", [var["values"].index(fixed)]))
                else:
                    plan.append((code, "sum", list(range(len(var["values"])))))
            else:
                plan.append((code, "keep", list(range(len(var["values"])))))
        kept = [(code, idx) for code, how, idx in plan if how == "keep"]
        cells = math.prod(len(idx) for _, idx in kept)
        limit = self.enforced_max_cells or int(self.config["maxCells"])
        if cells > limit:
            raise _TooManyCells(str(cells))
        grid = np.ix_(*[np.array(idx, dtype=np.int64) for _, _, idx in plan])
        cube = np.broadcast_to(table.value_fn(*grid), tuple(len(idx) for _, _, idx in plan))
        sum_axes = tuple(i for i, (_, how, _) in enumerate(plan) if how == "sum")
        if sum_axes:
            cube = np.nansum(cube, axis=sum_axes, keepdims=True)
        values = cube.reshape(-1)
        return _jsonstat(table, kept, values), cells

    def _payload_fault(self, kind: str, body: bytes) -> bytes:
        if kind == "truncate":
            return body[: len(body) // 2]
        if kind == "badsize":
            obj = json.loads(body)
            obj["value"] = obj["value"][:-1]
            return _json(obj)
        return body


def _filter(var: Mapping[str, Any], selection: Any) -> list[int]:
    if not isinstance(selection, dict) or not isinstance(selection.get("values"), list):
        raise _BadRequest
    values = var["values"]
    wanted = selection["values"]
    kind = selection.get("filter")
    if not all(isinstance(w, str) for w in wanted) or not wanted:
        raise _BadRequest
    if kind == "item":
        if len(set(wanted)) != len(wanted) or any(w not in values for w in wanted):
            raise _BadRequest
        picked = {values.index(w) for w in wanted}
    elif kind == "all":
        patterns = [re.compile("^" + ".*".join(map(re.escape, w.split("*"))) + "$") for w in wanted]
        picked = {i for i, v in enumerate(values) if any(p.match(v) for p in patterns)}
        if not picked:
            raise _BadRequest
    elif kind == "top":
        if len(wanted) != 1 or not wanted[0].isdigit() or int(wanted[0]) < 1:
            raise _BadRequest
        n = min(int(wanted[0]), len(values))
        picked = set(range(len(values) - n, len(values))) if var.get("time") else set(range(n))
    else:
        raise _BadRequest  # agg:/vs: groupings are not played here
    return sorted(picked)  # answers come in the table's order, whatever the query's order


def _jsonstat(table: _Table, kept: list[tuple[str, list[int]]], values: np.ndarray) -> bytes:
    by_code = {v["code"]: v for v in table.variables}
    dimension: dict[str, Any] = {}
    role: dict[str, list[str]] = {}
    contents = next((v["code"] for v in table.variables if v["code"] == "contentscode"), table.variables[-1]["code"])
    for code, idx in kept:
        var = by_code[code]
        codes = [var["values"][i] for i in idx]
        texts = var.get("valueTexts") or var["values"]
        category: dict[str, Any] = {
            "index": {c: i for i, c in enumerate(codes)},
            "label": {c: texts[j] for c, j in zip(codes, idx, strict=True)},
        }
        if code == contents:
            category["unit"] = {c: {"base": "lukumäärä", "decimals": 0} for c in codes}
        ext: dict[str, Any] = {"elimination": bool(var.get("elimination")), "show": "value"}
        if code in table.elimination_codes:
            ext["eliminationValueCode"] = table.elimination_codes[code]
        dimension[code] = {"label": var.get("text", code), "category": category, "extension": ext}
        if var.get("time"):
            role.setdefault("time", []).append(code)
        elif var.get("map"):
            role.setdefault("geo", []).append(code)
        elif code == contents:
            role.setdefault("metric", []).append(code)
    value_list: list[Any] = []
    status: dict[str, str] = {}
    for i, v in enumerate(values.tolist()):
        if math.isnan(v):
            value_list.append(None)
            status[str(i)] = "..."
        else:
            value_list.append(int(v) if float(v).is_integer() else v)
    payload: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": table.metadata.get("title", table.id),
        "source": "Tilastokeskus, testitaulu",
        "updated": table.updated,
        "role": role,
        "id": [code for code, _ in kept],
        "size": [len(idx) for _, idx in kept],
        "dimension": dimension,
        "extension": {"px": {"tableid": table.id, "decimals": 0}},
        "value": value_list,
    }
    if status:
        payload["status"] = status
    return _json(payload)


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _loads_or_none(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    server_app: PxWebServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # keep test output clean; the app keeps its own log

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        app = self.server_app
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        arrived, limited, fault = app._arrive(method)
        kind = fault[0] if fault else None
        retry_after = fault[3] if fault else None
        if limited and kind is None:
            kind, retry_after = 429, None
        if kind == "drop":
            app._record(Call(arrived, method, self.path, 0, _loads_or_none(body), None, "drop"))
            self.close_connection = True
            return
        if isinstance(kind, int):
            bodies = {400: b"Bad Request", 403: _IIS_403.encode(), 404: _HTML_404.encode()}
            status, ctype, payload = kind, "text/html" if kind in (403, 404) else "text/plain", bodies.get(kind, b"Error")
            cells = None
            query = _loads_or_none(body)
        else:
            status, ctype, payload, cells, query = app._route(method, self.path, body)
            if kind in ("truncate", "badsize") and status == 200:
                payload = app._payload_fault(kind, payload)
        fault_name = None if fault is None else str(fault[0])
        if limited and fault is None:
            fault_name = "rate-limit"
        app._record(Call(arrived, method, self.path, status, query, cells, fault_name))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        if status == 429 and retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        if kind == "short":
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True
            return
        self.wfile.write(payload)

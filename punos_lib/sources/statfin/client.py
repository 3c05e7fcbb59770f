"""The StatFin PxWeb v1 client: limits from ``?config``, pacing, table ids, requests and errors.

:class:`PxWebClient` reads the server's own limits from ``?config`` (``maxCells``,
``maxValues``, ``maxCalls``, ``timeWindow``), resolves a friendly selection against the table's
metadata (:func:`~punos_lib.sources.statfin.selection.resolve_selection`), splits a selection
larger than the cell limit (:func:`~punos_lib.sources.statfin.split.split_selection`), sends the
requests one after another inside the call limit, and reassembles the parts
(:func:`~punos_lib.sources.statfin.assemble.assemble`). Every request goes through
:class:`punos_lib.sources._http.HttpSession` (offline switch, host allow-list, bounded retries
honouring ``Retry-After``).
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pandas as pd

from punos_lib.errors import (
    DataSourceError,
    InputError,
    OfflineError,
    QueryError,
    ResponseError,
    TableNotFoundError,
    TooManyCellsError,
)
from punos_lib.sources import _json
from punos_lib.sources._http import HttpSession, Pacer, check_url, describe_error, offline
from punos_lib.sources.statfin.assemble import assemble
from punos_lib.sources.statfin.selection import (
    SelectionSpec,
    build_query,
    describe_selection,
    resolve_selection,
    selection_cells,
)
from punos_lib.sources.statfin.split import split_selection

__all__ = ["DEFAULT_BASE_URL", "LICENCE", "ATTRIBUTION", "PxWebClient", "RawPart", "RawResult"]

#: The StatFin PxWeb API v1 root; ``PUNOS_STATFIN_URL`` overrides it.
DEFAULT_BASE_URL = "https://pxdata.stat.fi/PxWeb/api/v1"
#: Licence and attribution line of Statistics Finland's open data.
LICENCE = "CC BY 4.0"
ATTRIBUTION = "Lähde: Tilastokeskus"

_BROWSE_URL = "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/"
_LANGS = ("fi", "sv", "en")
_LONG_ID = re.compile(r"^statfin_([a-z0-9]+)_pxt_([a-z0-9]+)$", re.IGNORECASE)
_SEGMENT = re.compile(r"^[^\s/?#%\\]+$")

# Calls are counted per client address at the server, so every client talking to the same host
# shares one pacer; keyed by scheme://host:port.
_PACERS: dict[str, Pacer] = {}
_PACERS_LOCK = threading.Lock()


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawPart:
    """One data request and its response body exactly as received.

    Attributes
    ----------
    url : str
        The table URL the query was POSTed to.
    query : dict
        The JSON body sent.
    body : bytes
        The json-stat2 response, byte for byte.
    cells : int
        Cells the query selects (product of the value counts).
    """

    url: str
    query: dict[str, Any]
    body: bytes
    cells: int


@dataclass(frozen=True)
class RawResult:
    """A table's metadata and data payloads exactly as received (see :meth:`PxWebClient.fetch_raw`).

    Attributes
    ----------
    table : str
        The normalised table id, e.g. ``"vaerak/11re"``.
    metadata_url : str
        Where the metadata was read (GET); data parts are POSTed to the same URL.
    metadata_bytes : bytes
        The metadata response, byte for byte.
    parts : list of RawPart
        One per request, in row-major order of the chunks; :func:`~punos_lib.sources.statfin.assemble.assemble` joins them.
    selection : dict
        The resolved selection: variable code → explicit value codes (omitted = eliminated).
    cells : int
        Cells of the whole selection.
    fetched_at : str
        When the last part arrived (UTC, ISO 8601).
    updated : str or None
        The table's ``updated`` stamp from the first json-stat2 part.
    queries : list of dict
        The queries as sent, one per part (the same as ``[p.query for p in parts]``).
    """

    table: str
    metadata_url: str
    metadata_bytes: bytes
    parts: list[RawPart]
    selection: dict[str, list[str]]
    cells: int
    fetched_at: str
    updated: str | None = None
    queries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def metadata(self) -> dict[str, Any]:
        """The parsed metadata (a fresh copy each time)."""
        result: dict[str, Any] = json.loads(self.metadata_bytes)
        return result


# --- table ids -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _TableRef:
    levels: tuple[str, ...]
    id: str

    @property
    def name(self) -> str:
        return "/".join((*self.levels, self.id))

    @property
    def url_path(self) -> str:
        return "/".join(quote(s, safe="") for s in (*self.levels, f"{self.id}.px"))


def _parse_table(table: str, database: str) -> _TableRef:
    if not isinstance(table, str) or not table.strip().strip("/"):
        raise InputError(f"a table id is a text like 'tyonv/12ti', not {table!r}")
    segments = table.strip().strip("/").split("/")
    for seg in segments:
        if not _SEGMENT.match(seg) or seg in {".", ".."}:
            raise InputError(
                f"table id {table!r}: path segment {seg!r} is not valid; write the database path "
                "and short id, e.g. 'tyonv/12ti'"
            )
    last = segments[-1]
    if last.lower().endswith(".px"):
        last = last[:-3]
    levels = tuple(segments[:-1])
    long = _LONG_ID.match(last)
    # The archive database keeps its long names; everywhere else they are gone since 8 June 2026.
    if long and database.lower() != "statfin_passiivi":
        subject, short = long.group(1).lower(), long.group(2)
        example = "/".join((*(levels or (subject,)), short))
        raise InputError(
            f"table id {table!r} is an old long id; since 8 June 2026 StatFin uses short ids "
            f"(the server answers the long one with 400 Bad Request): use {short!r}, "
            f"e.g. {example!r}"
        )
    if not last:
        raise InputError(f"table id {table!r} has no table name; write e.g. 'tyonv/12ti'")
    return _TableRef(levels, last)



# --- response checks -----------------------------------------------------------------------


def _json_problem(response: httpx.Response) -> tuple[Any, str | None]:
    try:
        return _json.loads(response.content), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"not valid JSON ({exc}); the body may be truncated"


def _check_config(response: httpx.Response) -> str | None:
    obj, problem = _json_problem(response)
    if problem is None and not isinstance(obj, dict):
        problem = "the ?config body is not a JSON object"
    return problem


def _check_list(response: httpx.Response) -> str | None:
    obj, problem = _json_problem(response)
    if problem is None and not isinstance(obj, list):
        problem = "a level listing is a JSON array"
    return problem


def _check_metadata(response: httpx.Response) -> str | None:
    obj, problem = _json_problem(response)
    if problem is None and not (isinstance(obj, dict) and isinstance(obj.get("variables"), list)):
        problem = "table metadata is a JSON object with a 'variables' list"
    return problem


def _check_jsonstat(response: httpx.Response) -> str | None:
    obj, problem = _json_problem(response)
    if problem is not None:
        return problem
    if not isinstance(obj, dict):
        return "json-stat2 is a JSON object"
    size = obj.get("size")
    if not isinstance(size, list) or not all(isinstance(s, int) and s >= 0 for s in size):
        return "json-stat2 without a 'size' list"
    n_cells = math.prod(size)
    value = obj.get("value")
    if isinstance(value, list):
        if len(value) != n_cells:
            return f"'value' has {len(value)} entries but 'size' {size} makes {n_cells} cells (truncated?)"
    elif isinstance(value, dict):
        try:
            if any(not 0 <= int(k) < n_cells for k in value):
                return f"a 'value' position is outside 0..{n_cells - 1}"
        except ValueError:
            return "'value' keys must be cell positions"
    else:
        return "json-stat2 without 'value'"
    return None


# --- the client ----------------------------------------------------------------------------


class PxWebClient:
    """A client of one PxWeb v1 database (StatFin by default).

    Parameters
    ----------
    base_url : str, optional
        API root such as ``https://pxdata.stat.fi/PxWeb/api/v1``. Default: the environment
        variable ``PUNOS_STATFIN_URL`` if set, else :data:`DEFAULT_BASE_URL`.
    lang : {"fi", "sv", "en"}
        Language of texts.
    database : str
        Database id, ``"StatFin"`` (or e.g. ``"StatFin_Passiivi"``, the archive).
    session : HttpSession, optional
        The HTTP layer to use (tests pass one with a tiny back-off). If it has no pacer, the
        client gives it one built from the server's ``?config``.

    Notes
    -----
    Limits come from the server's ``?config`` on first use (cached per client), never from
    constants. A pacer keeps all clients of one host inside ``maxCalls`` per ``timeWindow``.

    Examples
    --------
    >>> client = PxWebClient()  # doctest: +SKIP
    >>> client.config()["maxCells"]  # doctest: +SKIP
    120000
    >>> client.tables("vaerak").head(1)["table"].tolist()  # doctest: +SKIP
    ['vaerak/11ra']
    """

    def __init__(
        self,
        base_url: str | None = None,
        lang: str = "fi",
        database: str = "StatFin",
        *,
        session: HttpSession | None = None,
    ) -> None:
        url = base_url or os.environ.get("PUNOS_STATFIN_URL") or DEFAULT_BASE_URL
        self.base_url = url.strip().rstrip("/")
        check_url(self.base_url + "/")
        if lang not in _LANGS:
            raise InputError(f"lang must be one of {', '.join(_LANGS)}, not {lang!r}")
        if not isinstance(database, str) or not _SEGMENT.match(database):
            raise InputError(f"database must be a database id such as 'StatFin', not {database!r}")
        self.lang = lang
        self.database = database
        self._owns_session = session is None
        self.session = session if session is not None else HttpSession()
        parts = urlsplit(self.base_url)
        self._host_key = f"{parts.scheme}://{parts.netloc}".lower()
        self._shared_pacer = False
        if self.session.pacer is None:
            with _PACERS_LOCK:
                shared = _PACERS.get(self._host_key)
            if shared is not None:
                self.session.pacer = shared
                self._shared_pacer = True
        self._config: dict[str, Any] | None = None
        self._metadata_cache: dict[str, tuple[str, bytes]] = {}

    # context management -------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> PxWebClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # urls ---------------------------------------------------------------------------------

    def _db_url(self, path: str = "") -> str:
        segments = [s for s in path.strip().strip("/").split("/") if s]
        for seg in segments:
            if not _SEGMENT.match(seg) or seg in {".", ".."}:
                raise InputError(f"level path {path!r}: segment {seg!r} is not valid; write e.g. 'tyonv'")
        tail = "".join("/" + quote(s, safe="") for s in segments)
        return f"{self.base_url}/{self.lang}/{quote(self.database, safe='')}{tail}"

    # limits -------------------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """Return the server's limits (GET ``{base}/{lang}/?config``), fetched once per client.

        Returns
        -------
        dict
            E.g. ``{"maxValues": 120000, "maxCells": 120000, "maxCalls": 40, "timeWindow": 60,
            "CORS": true}`` at StatFin in 2026.

        Raises
        ------
        ResponseError
            The server gives no usable config (missing maxCalls, timeWindow or a cell limit).
        """
        if self._config is not None:
            return dict(self._config)
        url = f"{self.base_url}/{self.lang}/?config"
        response = self.session.request("GET", url, validate=_check_config, what="PxWeb ?config")
        if response.status_code != 200:
            raise ResponseError(
                f"GET {url} answered {response.status_code} ({describe_error(response)}); check the "
                "API address (base_url or PUNOS_STATFIN_URL) and the language",
                url=url,
                status=response.status_code,
            )
        config = response.json()
        problems = []
        for key in ("maxCalls", "timeWindow"):
            if not _positive(config.get(key)):
                problems.append(key)
        if not (_positive(config.get("maxCells")) or _positive(config.get("maxValues"))):
            problems.append("maxCells/maxValues")
        if problems:
            raise ResponseError(
                f"{url}: the config has no usable {', '.join(problems)} (got {config}); the client "
                "takes its limits only from the server, so it cannot go on; check the API address",
                url=url,
            )
        self._config = config
        self._install_pacer(int(config["maxCalls"]), float(config["timeWindow"]))
        return dict(config)

    def _install_pacer(self, max_calls: int, window: float) -> None:
        if self.session.pacer is not None and not self._shared_pacer:
            return  # the caller's own pacer
        # A small margin over the window: the server times calls on arrival, after a network
        # delay the client cannot see.
        padded = window + max(0.05, 0.02 * window)
        with _PACERS_LOCK:
            pacer = _PACERS.get(self._host_key)
            created = pacer is None or pacer.max_calls != max_calls or pacer.window != padded
            if pacer is None or created:
                pacer = Pacer(max_calls, padded)
                _PACERS[self._host_key] = pacer
        self.session.pacer = pacer
        self._shared_pacer = True
        if created:
            pacer.wait()  # count the ?config call that was just made

    def cell_limit(self) -> int:
        """Cells one request may select: the smaller of ``maxCells`` and ``maxValues`` in ``?config``.

        Old PxWeb versions name the cell limit ``maxValues`` only, so both are honoured.
        """
        config = self.config()
        limits = [int(config[k]) for k in ("maxCells", "maxValues") if _positive(config.get(k))]
        return min(limits)

    # listing and metadata ------------------------------------------------------------------

    def tables(self, path: str = "") -> pd.DataFrame:
        """List the nodes of a database level (GET ``{base}/{lang}/{database}/{path}``).

        Parameters
        ----------
        path : str
            Level path inside the database, e.g. ``"vaerak"``; ``""`` for the top level.

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``type`` (``l`` level, ``t`` table, ``h`` heading), ``text``,
            ``updated`` and ``table`` (for tables: the id to pass to :meth:`get`, e.g.
            ``"vaerak/11re"``; otherwise None).

        Raises
        ------
        TableNotFoundError
            The level does not exist (400/404).

        Examples
        --------
        >>> PxWebClient().tables("vaerak")[["table", "text"]].head(1)  # doctest: +SKIP
        """
        url = self._db_url(path)
        self._refuse_offline(f"the StatFin level listing {path!r}")
        self.config()
        response = self.session.request(
            "GET", url, validate=_check_list, what=f"PxWeb level {self.database}/{path}"
        )
        if response.status_code != 200:
            if response.status_code in (400, 404):
                raise TableNotFoundError(
                    f"level {path!r} not found in database {self.database} (HTTP "
                    f"{response.status_code}: {describe_error(response)}); list the top level with "
                    f"tables() or browse {_BROWSE_URL}",
                    url=url,
                    status=response.status_code,
                )
            raise self._other_error(response, url, f"listing level {path!r}")
        prefix = "/".join(s for s in path.strip().strip("/").split("/") if s)
        rows = []
        for node in response.json():
            node_id = str(node.get("id", ""))
            short = node_id[:-3] if node_id.lower().endswith(".px") else node_id
            rows.append(
                {
                    "id": node_id,
                    "type": node.get("type"),
                    "text": node.get("text"),
                    "updated": node.get("updated"),
                    "table": (f"{prefix}/{short}" if prefix else short) if node.get("type") == "t" else None,
                }
            )
        return pd.DataFrame(rows, columns=["id", "type", "text", "updated", "table"])

    def _refuse_offline(self, what: str) -> None:
        # Checked before the ?config call so the message names what the user asked for.
        if offline():
            raise OfflineError(
                f"network use is disabled (PUNOS_OFFLINE is set): cannot fetch {what} from "
                f"{self.base_url}; unset PUNOS_OFFLINE to fetch, or build from the snapshot"
            )

    def _metadata_raw(self, ref: _TableRef) -> tuple[str, bytes]:
        cached = self._metadata_cache.get(ref.name)
        if cached is not None:
            return cached
        self.config()
        url = f"{self._db_url()}/{ref.url_path}"
        response = self.session.request(
            "GET", url, validate=_check_metadata, what=f"StatFin table {ref.name} metadata"
        )
        if response.status_code in (400, 404):
            raise TableNotFoundError(
                f"table {ref.name} not found in {self.database}"
                f"{'/' + '/'.join(ref.levels) if ref.levels else ''} (HTTP {response.status_code}: "
                f"{describe_error(response)}); check the id at {_BROWSE_URL} or list the level with "
                f"tables({'/'.join(ref.levels)!r})",
                url=url,
                status=response.status_code,
            )
        if response.status_code != 200:
            raise self._other_error(response, url, f"reading metadata of table {ref.name}")
        self._metadata_cache[ref.name] = (url, response.content)
        return url, response.content

    def metadata(self, table: str) -> dict[str, Any]:
        """Return a table's metadata (GET the table): title and variables with codes and values.

        Parameters
        ----------
        table : str
            Short id with its database path, e.g. ``"vaerak/11re"`` (``.px`` optional).

        Raises
        ------
        InputError
            An old long id (the message names the short id).
        TableNotFoundError
            The server does not know the table.

        Examples
        --------
        >>> meta = PxWebClient().metadata("vaerak/11re")  # doctest: +SKIP
        >>> [v["code"] for v in meta["variables"]]  # doctest: +SKIP
        ['alue_23_20260101', 'ikaryhma_10_20180101', 'sukupuoli_9_20180101', 'timeperiod_y', 'contentscode']
        """
        ref = _parse_table(table, self.database)
        self._refuse_offline(f"the metadata of StatFin table {ref.name}")
        _, body = self._metadata_raw(ref)
        result: dict[str, Any] = json.loads(body)
        return result

    # data ---------------------------------------------------------------------------------

    def fetch_raw(self, table: str, selection: SelectionSpec | None = None) -> RawResult:
        """Fetch metadata and data of a selection, keeping every payload exactly as received.

        A selection over the server's cell limit is split into as few requests as the product
        structure allows; requests go one after another, paced inside ``maxCalls`` per
        ``timeWindow``. A body that is not JSON or whose value count does not match its sizes is
        retried and never returned.

        Parameters
        ----------
        table : str
            Short id with its database path, e.g. ``"tyonv/12ti"``.
        selection : mapping, optional
            See :func:`~punos_lib.sources.statfin.selection.resolve_selection`.

        Returns
        -------
        RawResult
            ``metadata_bytes``, ``metadata_url`` and ``parts`` (url, query, body, cells).

        Raises
        ------
        InputError, SelectionError
            A bad table id or selection, found before anything is sent.
        TableNotFoundError, QueryError, TooManyCellsError, RateLimitError, ResponseError, OfflineError
            What the server or the network said, with the table and query in the message.

        Examples
        --------
        >>> raw = PxWebClient().fetch_raw("vaerak/11re", {"@area": ["SSS"], "@time": "top:1",
        ...                                               "Ikä": ["SSS"], "Sukupuoli": ["SSS"]})  # doctest: +SKIP
        >>> len(raw.parts), raw.parts[0].cells  # doctest: +SKIP
        (1, 1)
        """
        ref = _parse_table(table, self.database)
        self._refuse_offline(f"StatFin table {ref.name}")
        metadata_url, metadata_bytes = self._metadata_raw(ref)
        metadata = json.loads(metadata_bytes)
        resolved = resolve_selection(metadata, selection, table=ref.name)
        limit = self.cell_limit()
        chunks = split_selection(resolved, limit)
        parts: list[RawPart] = []
        updated: str | None = None
        for i, chunk in enumerate(chunks, start=1):
            query = build_query(chunk)
            cells = selection_cells(chunk)
            what = f"StatFin table {ref.name} (part {i}/{len(chunks)}, {cells} cells)"
            response = self.session.request("POST", metadata_url, json=query, validate=_check_jsonstat, what=what)
            if response.status_code != 200:
                raise self._data_error(response, metadata_url, ref, chunk, cells, limit)
            if updated is None:
                stamp = json.loads(response.content).get("updated")
                updated = None if stamp is None else str(stamp)
            parts.append(RawPart(metadata_url, query, response.content, cells))
        return RawResult(
            table=ref.name,
            metadata_url=metadata_url,
            metadata_bytes=metadata_bytes,
            parts=parts,
            selection=resolved,
            cells=selection_cells(resolved),
            fetched_at=_now(),
            updated=updated,
            queries=[p.query for p in parts],
        )

    def get(self, table: str, selection: SelectionSpec | None = None) -> pd.DataFrame:
        """Fetch a selection of a table as a tidy frame with provenance.

        Parameters
        ----------
        table : str
            Short id with its database path, e.g. ``"vaerak/11re"`` (``.px`` optional).
        selection : mapping, optional
            See :func:`~punos_lib.sources.statfin.selection.resolve_selection`; ``None`` gives the basic table (eliminable variables
            eliminated, others in full).

        Returns
        -------
        pandas.DataFrame
            The tidy frame of :func:`punos_lib.sources.jsonstat.read`. ``attrs`` adds ``source``
            ("statfin"), ``source_name`` (the dataset's own source line), ``table``, ``url``,
            ``metadata_url``, ``query`` (the whole selection as one query), ``queries`` (the
            queries as sent, one per part), ``parts``, ``fetched_at``, ``updated``,
            ``licence`` and ``attribution``.

        Raises
        ------
        see :meth:`fetch_raw`

        Examples
        --------
        >>> client = PxWebClient()  # doctest: +SKIP
        >>> df = client.get("vaerak/11re", {"@area": ["SSS"], "@time": "top:3",
        ...                                 "Ikä": ["SSS"], "Sukupuoli": ["SSS"]})  # doctest: +SKIP
        >>> df["value"].tolist()  # doctest: +SKIP
        [5603851.0, 5635971.0, 5652881.0]
        """
        raw = self.fetch_raw(table, selection)
        frame = assemble([p.body for p in raw.parts], raw.metadata)
        attrs = frame.attrs
        attrs["source_name"] = attrs.get("source")
        attrs.update(
            {
                "source": "statfin",
                "table": raw.table,
                "url": raw.metadata_url,
                "metadata_url": raw.metadata_url,
                "query": build_query(raw.selection),
                "queries": [p.query for p in raw.parts],
                "parts": len(raw.parts),
                "fetched_at": raw.fetched_at,
                "updated": raw.updated if raw.updated is not None else attrs.get("updated"),
                "licence": LICENCE,
                "attribution": ATTRIBUTION,
            }
        )
        return frame

    # errors -------------------------------------------------------------------------------

    def _data_error(
        self,
        response: httpx.Response,
        url: str,
        ref: _TableRef,
        chunk: Mapping[str, Sequence[str]],
        cells: int,
        limit: int,
    ) -> DataSourceError:
        status = response.status_code
        detail = f"HTTP {status}: {describe_error(response)}"
        query = describe_selection(chunk)
        if status == 400:
            return QueryError(
                f"StatFin refused the query on table {ref.name} ({detail}); query: {query}. Check the "
                f"variable codes and values against metadata({ref.name!r}); table ids and variable "
                "codes changed on 8 June 2026",
                url=url,
                status=status,
            )
        if status == 403:
            return TooManyCellsError(
                f"StatFin refused the size of the query on table {ref.name} ({detail}): {cells} cells "
                f"against maxCells {limit} from ?config; query: {query}. Select fewer values, or report "
                "this if the server's real limit is below its ?config",
                url=url,
                status=status,
            )
        if status == 404:
            return TableNotFoundError(
                f"table {ref.name} not found in {self.database} ({detail}); check the id at {_BROWSE_URL}",
                url=url,
                status=status,
            )
        return self._other_error(response, url, f"querying table {ref.name} ({query})")

    def _other_error(self, response: httpx.Response, url: str, doing: str) -> ResponseError:
        return ResponseError(
            f"unexpected HTTP {response.status_code} from StatFin while {doing}: "
            f"{describe_error(response)}; try again later",
            url=url,
            status=response.status_code,
        )


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


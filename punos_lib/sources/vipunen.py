"""Client of the Vipunen API (education statistics of the Ministry of Education and Culture / EDUFI).

Endpoints (https://api.vipunen.fi/api, CC BY 4.0; see https://vipunen.fi/fi-fi/Sivut/Vipunen-API):

- ``GET /resources``                          the resource names (a JSON list of text);
- ``GET /resources/{resource}``               the fields, ``[{"name": ..., "type": ...}]``;
- ``GET /resources/{resource}/data/count``    the number of rows (a bare JSON number), ``?filter=``;
- ``GET /resources/{resource}/data``          rows as a JSON list of objects, ``?limit=&offset=&filter=``.

Every request carries a ``Caller-Id`` header identifying the caller, as the API asks. It defaults to
``punos-lib/<version>`` and can be set with ``PUNOS_VIPUNEN_CALLER_ID`` or ``caller_id=``.
The base URL can be moved with ``PUNOS_VIPUNEN_URL`` (mirrors, tests).

Two layers, as in every loader: :meth:`VipunenClient.fetch_raw_pages` returns the pages exactly as
received (for the snapshot) and :func:`read_pages` parses them offline; :meth:`VipunenClient.data`
does both.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

import pandas as pd

from punos_lib import __version__
from punos_lib.sources._http import HttpSession, get_bytes, json_problem, load_json
from punos_lib.errors import DataSourceError, InputError, ParseError, ResponseError, TableNotFoundError

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_PAGE_SIZE", "HIGHER_EDUCATION", "HIGHER_EDUCATION_FIELDS",
           "VipunenClient", "read_fields", "read_pages"]

DEFAULT_BASE_URL = "https://api.vipunen.fi/api"
#: Rows per request. The API documents no maximum; 1,000-row pages keep each response small.
DEFAULT_PAGE_SIZE = 1000

_RESOURCE = re.compile(r"^[A-Za-z0-9_\-]+$")

Progress = Callable[[int, int], None]


class Paging(TypedDict, total=False):
    """The keyword arguments of :meth:`VipunenClient.fetch_raw_pages`, taken by ``data`` too."""

    filter: str | None
    limit: int | None
    page_size: int | None
    progress: Progress | None

#: The resource of higher-education students and degrees (universities and universities of
#: applied sciences, from VIRTA): one row per statistical year, sector, institution, education,
#: sex and the region where the education is given.
HIGHER_EDUCATION = "opiskelijat_ja_tutkinnot"

#: Fields of :data:`HIGHER_EDUCATION` and their types, as in the API table that serves it
#: (``[api].[opiskelijat_ja_tutkinnot]`` of CSC's Antero repository, table definition of
#: 6.11.2025). No recorded Vipunen response lists this resource (the recorded resource list is of
#: 2019), so the fetch checks these names against the resource's live field list and says which
#: are missing. Counts are ``Tutkinnot`` (degrees), ``Uudet opiskelijat`` (new students) and
#: ``Opiskelijat``; the fields of education (``Koulutusala taso 1..3``) and the region
#: (``koulutuksen_maakunta``) are Finnish names, not codes.
HIGHER_EDUCATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("defaultorder", "number"), ("Tilastovuosi", "string"), ("Aineistotyyppi", "string"),
    ("Sektori", "string"), ("Korkeakoulu", "string"), ("Koulutus", "string"), ("Sukupuoli", "string"),
    ("Tutkinnot", "number"), ("Opiskelijat", "number"), ("opiskelijatFte", "number"),
    ("Uudet opiskelijat", "number"), ("Koulutusaste taso 1", "string"), ("Koulutusaste taso 2", "string"),
    ("Koulutusala taso 1", "string"), ("Koulutusala taso 2", "string"), ("Koulutusala taso 3", "string"),
    ("OKM ohjauksen ala", "string"), ("Rahoitusmalliala amk 2017-2020", "string"),
    ("Rahoitusmalliala amk 2021-2024", "string"), ("Rahoitusmalliala yo 2017-2020", "string"),
    ("Rahoitusmalliala yo 2021-2024", "string"), ("rahoituslahde", "string"),
    ("kirjoillaolo_tammi", "string"), ("kirjoillaolo_syys", "string"), ("koulutuksen_maakunta", "string"),
    ("Koodi Sektori", "string"), ("Koodi Korkeakoulu", "string"), ("Koodi Koulutus", "string"),
    ("tietojoukko_paivitetty_pvm", "string"),
)


class VipunenClient:
    """Vipunen API client.

    Parameters
    ----------
    base_url : str, optional
        Default ``PUNOS_VIPUNEN_URL`` or ``https://api.vipunen.fi/api``.
    caller_id : str, optional
        ``Caller-Id`` header; default ``PUNOS_VIPUNEN_CALLER_ID`` or ``punos-lib/<version>``.
    session : HttpSession, optional
        Shared HTTP session (retries, offline switch, host allow-list). The ``Caller-Id`` header is
        added to every request whichever session is used.
    page_size : int
        Rows per data request (default 1,000).

    Examples
    --------
    >>> client = VipunenClient(base_url="https://api.vipunen.fi/api", caller_id="example")
    >>> client.data_url("avoin_yliopisto", limit=100, offset=200)
    'https://api.vipunen.fi/api/resources/avoin_yliopisto/data?limit=100&offset=200'
    """

    def __init__(
        self,
        base_url: str | None = None,
        caller_id: str | None = None,
        *,
        session: HttpSession | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        self.base_url = (base_url or os.environ.get("PUNOS_VIPUNEN_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.caller_id = caller_id or os.environ.get("PUNOS_VIPUNEN_CALLER_ID") or f"punos-lib/{__version__}"
        self.session = session
        self.page_size = _check_page_size(page_size)
        self._resources: list[str] | None = None

    # -- URLs ---------------------------------------------------------------------------------
    def resources_url(self) -> str:
        """URL of the resource list."""
        return f"{self.base_url}/resources"

    def fields_url(self, resource: str) -> str:
        """URL of a resource's field list."""
        return f"{self.base_url}/resources/{_check_resource(resource)}"

    def count_url(self, resource: str, filter: str | None = None) -> str:
        """URL of a resource's row count (optionally filtered)."""
        url = f"{self.base_url}/resources/{_check_resource(resource)}/data/count"
        return url + (f"?{urlencode({'filter': filter})}" if filter else "")

    def data_url(self, resource: str, *, limit: int, offset: int, filter: str | None = None) -> str:
        """URL of one page of rows."""
        query: dict[str, Any] = {"limit": limit, "offset": offset}
        if filter:
            query["filter"] = filter
        return f"{self.base_url}/resources/{_check_resource(resource)}/data?{urlencode(query)}"

    # -- requests ------------------------------------------------------------------------------
    def _get(self, url: str, what: str, resource: str | None = None) -> bytes:
        try:
            return get_bytes(
                self.session,
                url,
                what,
                validate=json_problem,
                headers={"Caller-Id": self.caller_id},
                not_found_hint="check the resource name",
            )
        except TableNotFoundError as exc:
            if resource is None:
                raise
            known = self._known_resources()
            hint = f"; available resources: {', '.join(known)}" if known else ""
            raise TableNotFoundError(
                f"Vipunen resource {resource!r} not found (HTTP 404 from {url}){hint}",
                url=url,
                status=404,
            ) from exc

    def _known_resources(self) -> list[str] | None:
        if self._resources is None:
            try:
                self.resources()
            except DataSourceError:
                return None  # only used to improve an error message already being raised
        return self._resources

    def resources(self) -> list[str]:
        """Names of the available resources.

        Raises
        ------
        ParseError
            The answer is not a JSON list of names.
        """
        payload = load_json(self._get(self.resources_url(), "Vipunen resource list"), "Vipunen resource list")
        if not isinstance(payload, list) or not all(isinstance(x, str) for x in payload):
            raise ParseError(f"Vipunen resource list from {self.resources_url()} is not a JSON list of names")
        self._resources = list(payload)
        return list(payload)

    def fields_raw(self, resource: str) -> bytes:
        """The field list of a resource exactly as received (for the snapshot).

        Raises
        ------
        TableNotFoundError
            Unknown resource (404), naming the available ones when the list can be fetched.
        """
        return self._get(self.fields_url(resource), f"Vipunen resource {resource!r}", resource)

    def fields(self, resource: str) -> pd.DataFrame:
        """The fields of a resource: DataFrame with columns ``name`` and ``type``.

        Raises
        ------
        TableNotFoundError
            Unknown resource (404), naming the available ones when the list can be fetched.
        """
        return read_fields(self.fields_raw(resource), f"Vipunen resource {resource!r} ({self.fields_url(resource)})")

    def count(self, resource: str, filter: str | None = None) -> int:
        """Number of rows of a resource (with ``filter`` applied when given)."""
        url = self.count_url(resource, filter)
        payload = load_json(self._get(url, f"row count of Vipunen resource {resource!r}", resource), "count")
        if isinstance(payload, bool) or not isinstance(payload, (int, float)) or payload != int(payload) or payload < 0:
            raise ParseError(f"row count of Vipunen resource {resource!r} ({url}) is not a count: {payload!r}")
        return int(payload)

    def fetch_raw_pages(
        self,
        resource: str,
        *,
        filter: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        progress: Progress | None = None,
    ) -> list[bytes]:
        """Fetch all rows (or the first ``limit``) page by page; return each page's bytes as received.

        The row count is asked first; pages of ``page_size`` rows follow with increasing
        ``offset`` until that many rows have arrived. Each page must hold exactly the rows asked
        for, so a resource that changes while it is being read is noticed instead of giving a
        silently incomplete frame.

        Parameters
        ----------
        progress : callable, optional
            Called after each page as ``progress(rows_so_far, rows_total)``.

        Raises
        ------
        ResponseError
            A page with a different number of rows than asked for.
        """
        size = _check_page_size(page_size) if page_size is not None else self.page_size
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise InputError(f"limit must be a non-negative integer or None, got {limit!r}")
        total = self.count(resource, filter)
        if limit is not None:
            total = min(total, limit)
        pages: list[bytes] = []
        offset = 0
        while offset < total:
            want = min(size, total - offset)
            url = self.data_url(resource, limit=want, offset=offset, filter=filter)
            body = self._get(url, f"Vipunen resource {resource!r} rows {offset}-{offset + want - 1}", resource)
            rows = load_json(body, f"page of {resource}")
            if not isinstance(rows, list) or len(rows) != want:
                got = len(rows) if isinstance(rows, list) else type(rows).__name__
                raise ResponseError(
                    f"Vipunen resource {resource!r}: the page at offset {offset} ({url}) holds {got} rows, "
                    f"expected {want}; the resource may have changed while reading, fetch again",
                    url=url,
                )
            pages.append(body)
            offset += want
            if progress is not None:
                progress(offset, total)
        return pages

    def data(self, resource: str, **paging: Unpack[Paging]) -> pd.DataFrame:
        """Rows of a resource as a DataFrame (pages fetched with :meth:`fetch_raw_pages`, which
        takes the same keyword arguments: ``filter``, ``limit``, ``page_size``, ``progress``)."""
        frame = read_pages(self.fetch_raw_pages(resource, **paging))
        frame.attrs.update({"source": "vipunen", "resource": resource, "filter": paging.get("filter"),
                            "url": self.base_url})
        return frame


def read_fields(payload: bytes | str | list[dict[str, Any]], what: str = "Vipunen field list") -> pd.DataFrame:
    """A resource's field list (``[{"name": ..., "type": ...}]``) as a frame of ``name, type``.

    Examples
    --------
    >>> read_fields(b'[{"name": "tilastovuosi", "type": "number"}]')["name"].tolist()
    ['tilastovuosi']
    """
    data = load_json(payload, what)
    if not isinstance(data, list) or not all(isinstance(x, dict) and "name" in x for x in data):
        raise ParseError(f"{what}: expected a list of {{name, type}}")
    return pd.DataFrame({"name": [x["name"] for x in data], "type": [x.get("type") for x in data]})


def read_pages(pages: Sequence[bytes | str | list[dict[str, Any]]]) -> pd.DataFrame:
    """Concatenate Vipunen data pages (JSON lists of row objects) into one DataFrame.

    Columns in the order of first appearance; rows in page order. A field absent from a row is
    missing (NaN) in that row.

    Examples
    --------
    >>> read_pages([b'[{"a": 1, "b": "x"}]', b'[{"a": 2, "b": "y"}]'])["a"].tolist()
    [1, 2]
    """
    rows: list[dict[str, Any]] = []
    for i, page in enumerate(pages):
        data = load_json(page, f"Vipunen page {i + 1}")
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ParseError(f"Vipunen page {i + 1} is not a JSON list of row objects")
        rows.extend(data)
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame()


def _check_resource(resource: str) -> str:
    if not isinstance(resource, str) or not _RESOURCE.match(resource):
        raise InputError(f"invalid Vipunen resource name {resource!r}: letters, digits, '_' and '-' only")
    return resource


def _check_page_size(page_size: int) -> int:
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise InputError(f"page_size must be a positive integer, got {page_size!r}")
    return page_size

"""Statistics Finland's PxWeb API v1 (StatFin): tables, metadata and data as tidy frames.

:class:`PxWebClient` reads the server's own limits from ``?config`` (``maxCells``,
``maxValues``, ``maxCalls``, ``timeWindow``), resolves a friendly selection against the table's
metadata (:func:`resolve_selection`), splits a selection larger than the cell limit into as few
requests as the cube's product structure allows, sends them one after another inside the call
limit, and reassembles the parts into exactly the frame one unsplit request would give
(:func:`assemble`). Every request goes through :class:`punos_lib.sources._http.HttpSession` (offline
switch, host allow-list, bounded retries honouring ``Retry-After``).

Two paths give the data:

- :meth:`PxWebClient.get` returns the tidy frame (the shape of :func:`punos_lib.sources.jsonstat.read`)
  with provenance in ``attrs``;
- :meth:`PxWebClient.fetch_raw` returns the payloads exactly as received (:class:`RawResult`),
  for ``punos fetch`` to store in the snapshot; :func:`assemble` turns the stored parts back into
  the same frame offline.

Table ids are the short ids StatFin has used since 8 June 2026, with their database path:
``"tyonv/12ti"`` (``.px`` optional). Old long ids (``statfin_tyonv_pxt_12ti``) are refused
locally with the short id to use, because the server answers them only with ``400 Bad Request``.

Examples
--------
>>> from punos_lib.sources.statfin import PxWebClient
>>> client = PxWebClient()  # doctest: +SKIP
>>> df = client.get("vaerak/11re", {"@area": ["KU091"], "@time": "top:5",
...                                 "ikaryhma": ["SSS"], "sukupuoli": ["SSS"]})  # doctest: +SKIP
>>> df["value"].tolist()  # doctest: +SKIP
[658457.0, 664028.0, 674500.0, 684018.0, 694392.0]
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import product
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import httpx
import numpy as np
import pandas as pd

from punos_lib.sources import jsonstat
from punos_lib.sources._http import HttpSession, Pacer, check_url, describe_error, offline
from punos_lib.sources._tidy import Dimension, build_frame
from punos_lib.errors import (
    DataSourceError,
    InputError,
    OfflineError,
    ParseError,
    QueryError,
    ResponseError,
    SelectionError,
    TableNotFoundError,
    TooManyCellsError,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "LICENCE",
    "ATTRIBUTION",
    "PxWebClient",
    "RawPart",
    "RawResult",
    "variable_roles",
    "resolve_selection",
    "split_selection",
    "build_query",
    "assemble",
]

#: The StatFin PxWeb API v1 root; ``PUNOS_STATFIN_URL`` overrides it.
DEFAULT_BASE_URL = "https://pxdata.stat.fi/PxWeb/api/v1"
#: Licence and attribution line of Statistics Finland's open data.
LICENCE = "CC BY 4.0"
ATTRIBUTION = "Lähde: Tilastokeskus"

_BROWSE_URL = "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/"
_LANGS = ("fi", "sv", "en")
_LONG_ID = re.compile(r"^statfin_([a-z0-9]+)_pxt_([a-z0-9]+)$", re.IGNORECASE)
_SEGMENT = re.compile(r"^[^\s/?#%\\]+$")
_TOP = re.compile(r"^top:(\d+)$", re.IGNORECASE)
_AREA_TEXTS = {"alue", "area", "region", "område"}
_CONTENTS_TEXTS = {"tiedot", "information", "data", "uppgifter"}
_ALIASES = {"@area": "area", "@time": "time", "@contents": "contents"}

Role = Literal["area", "time", "contents"]
SelectionSpec = Mapping[str, "str | Sequence[str]"]

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
        One per request, in row-major order of the chunks; :func:`assemble` joins them.
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


# --- metadata and selections --------------------------------------------------------------


def _variables(metadata: Mapping[str, Any], where: str) -> list[Mapping[str, Any]]:
    variables = metadata.get("variables") if isinstance(metadata, Mapping) else None
    if not isinstance(variables, list) or not variables:
        raise ParseError(f"{where}: the metadata has no 'variables' list; is it PxWeb table metadata?")
    for i, var in enumerate(variables):
        if (
            not isinstance(var, Mapping)
            or not isinstance(var.get("code"), str)
            or not isinstance(var.get("values"), list)
        ):
            raise ParseError(f"{where}: metadata variable #{i} has no 'code' and 'values' list")
    return variables


def _where(metadata: Mapping[str, Any], table: str | None) -> str:
    if table:
        return f"table {table}"
    title = metadata.get("title") if isinstance(metadata, Mapping) else None
    return f"table {title!r}" if title else "table"


def variable_roles(metadata: Mapping[str, Any]) -> dict[Role, str | None]:
    """Find the area, time and contents variables of a table from its metadata.

    Time is the variable with ``"time": true``. Area is the variable with ``map`` set, else the
    one whose code starts with ``alue``, else the one whose text is Alue/Area/Region. Contents is
    the variable coded ``contentscode``, else the one whose text is Tiedot/Information/Data, else
    the last variable (when it is neither time nor area). Codes are never assumed.

    Parameters
    ----------
    metadata : dict
        PxWeb v1 table metadata (``{"title", "variables": [...]}``).

    Returns
    -------
    dict
        ``{"area": code or None, "time": code or None, "contents": code or None}``.

    Examples
    --------
    >>> meta = {"variables": [
    ...     {"code": "alue_23_20260101", "text": "Alue", "values": ["SSS"], "map": "Alue 2026"},
    ...     {"code": "timeperiod_y", "text": "Vuosi", "values": ["2025"], "time": True},
    ...     {"code": "contentscode", "text": "Tiedot", "values": ["vaerak-vaesto"]}]}
    >>> variable_roles(meta)
    {'area': 'alue_23_20260101', 'time': 'timeperiod_y', 'contents': 'contentscode'}
    """
    variables = _variables(metadata, _where(metadata, None))

    def first(test: Any) -> str | None:
        return next((str(v["code"]) for v in variables if test(v)), None)

    def text(v: Mapping[str, Any]) -> str:
        return str(v.get("text", "")).strip().lower()

    time = first(lambda v: v.get("time") is True)
    area = (
        first(lambda v: bool(v.get("map")))
        or first(lambda v: v["code"].lower().startswith("alue"))
        or first(lambda v: text(v) in _AREA_TEXTS)
    )
    contents = first(lambda v: v["code"].lower() == "contentscode") or first(
        lambda v: text(v) in _CONTENTS_TEXTS
    )
    if contents is None:
        last = str(variables[-1]["code"])
        contents = last if last not in {time, area} else None
    return {"area": area, "time": time, "contents": contents}


def _describe_variables(variables: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(f"{v['code']} ({v.get('text', '')})" for v in variables)


def _few(values: Sequence[str], n: int = 8) -> str:
    shown = ", ".join(values[:n])
    return f"{shown}, … ({len(values)} values in all)" if len(values) > n else shown


def _fold(text: str) -> str:
    # Keys are often typed without diacritics (``ammattiryhma`` for the tyonv code ``Ammattiryhmä``).
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _find_variable(
    variables: Sequence[Mapping[str, Any]],
    key: str,
    roles: Mapping[str, str | None],
    where: str,
) -> Mapping[str, Any]:
    by_code = {str(v["code"]): v for v in variables}
    if key in by_code:
        return by_code[key]
    hint = (
        f"variables are: {_describe_variables(variables)}; name one by its code, a code prefix, "
        "its text, or @area/@time/@contents"
    )
    if key.lower() in _ALIASES:
        code = roles[_ALIASES[key.lower()]]
        if code is None:
            raise SelectionError(f"{where} has no {_ALIASES[key.lower()]} variable for {key!r}; {hint}")
        return by_code[code]
    wanted = _fold(key)
    matches = [
        v for v in variables if _fold(str(v["code"])).startswith(wanted) or _fold(str(v.get("text", ""))) == wanted
    ]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise SelectionError(
            f"{where}: {key!r} matches several variables ({_describe_variables(matches)}); "
            "use the full code"
        )
    raise SelectionError(f"{where} has no variable {key!r}; {hint}")


def _expand(var: Mapping[str, Any], spec: object, where: str) -> list[str]:
    code = str(var["code"])
    values = [str(x) for x in var["values"]]
    here = f"{where}, variable {code} ({var.get('text', code)})"
    if isinstance(spec, str):
        if spec == "*":
            return values
        top = _TOP.match(spec.strip())
        if top:
            n = int(top.group(1))
            if n < 1:
                raise SelectionError(f"{here}: {spec!r} asks for no values; use top:1 or more")
            # PxWeb's top: the latest N periods of the time variable, the first N of others.
            return values[-n:] if var.get("time") is True else values[:n]
        spec = [spec]
    if not isinstance(spec, Sequence) or isinstance(spec, (bytes, bytearray)):
        raise SelectionError(
            f"{here}: a selection is a list of value codes, '*' or 'top:N', not {type(spec).__name__}"
        )
    wanted = [str(x) for x in spec]
    if not wanted:
        raise SelectionError(f"{here}: the list of values is empty; leave the variable out or use '*'")
    position = {v: i for i, v in enumerate(values)}
    unknown = [w for w in wanted if w not in position]
    if unknown:
        texts = dict(zip((str(t) for t in var.get("valueTexts") or []), values, strict=False))
        tips = [f"{u!r} is the text of code {texts[u]!r}" for u in unknown if u in texts]
        tip = f" ({'; '.join(tips)})" if tips else ""
        raise SelectionError(
            f"{here} has no value {', '.join(repr(u) for u in unknown)}{tip}; valid values are "
            f"{_few(values)}"
        )
    # PxWeb answers in the table's value order whatever the query's order, so keep that order.
    return sorted(set(wanted), key=position.__getitem__)


def resolve_selection(
    metadata: Mapping[str, Any],
    selection: SelectionSpec | None,
    *,
    table: str | None = None,
) -> dict[str, list[str]]:
    """Turn a friendly selection into explicit value codes per variable code.

    Parameters
    ----------
    metadata : dict
        PxWeb v1 table metadata.
    selection : mapping or None
        Variable → values. A key is an exact variable code, a role alias (``"@area"``,
        ``"@time"``, ``"@contents"``), a code prefix (``"ikaryhma"`` for
        ``ikaryhma_10_20180101``) or the variable text, case-insensitively (``"Ikä"``). A value is
        a list of codes (or one code), ``"*"`` for all, or ``"top:N"``: the latest N periods of
        the time variable, the first N values of any other (as PxWeb does).
    table : str, optional
        Table name for error messages.

    Returns
    -------
    dict
        Variable code → value codes in the table's order, in the table's variable order.
        Omitted eliminable variables stay omitted (the server eliminates them); omitted
        non-eliminable variables get all their values, as PxWeb does.

    Raises
    ------
    SelectionError
        An unknown or ambiguous variable, an unknown value, an empty list, or two keys naming
        the same variable; the message names the table and the valid choices.
    ParseError
        The metadata is not PxWeb table metadata.

    Examples
    --------
    >>> meta = {"variables": [
    ...     {"code": "alue_23_20260101", "text": "Alue", "values": ["SSS", "KU091", "KU491"],
    ...      "elimination": True, "map": "Alue 2026"},
    ...     {"code": "ikaryhma_10_20180101", "text": "Ikä", "values": ["SSS", "000"], "elimination": True},
    ...     {"code": "timeperiod_y", "text": "Vuosi", "values": ["2023", "2024", "2025"], "time": True},
    ...     {"code": "contentscode", "text": "Tiedot", "values": ["vaerak-vaesto"]}]}
    >>> resolve_selection(meta, {"@area": ["KU491", "KU091"], "@time": "top:2"})
    {'alue_23_20260101': ['KU091', 'KU491'], 'timeperiod_y': ['2024', '2025'], 'contentscode': ['vaerak-vaesto']}
    """
    where = _where(metadata, table)
    variables = _variables(metadata, where)
    if selection is None:
        selection = {}
    if not isinstance(selection, Mapping):
        raise SelectionError(
            f"{where}: a selection is a mapping of variable → values, not {type(selection).__name__}"
        )
    roles = variable_roles(metadata)
    chosen: dict[str, list[str]] = {}
    named_by: dict[str, str] = {}
    for key, spec in selection.items():
        if not isinstance(key, str):
            raise SelectionError(f"{where}: selection keys are variable names, not {key!r}")
        var = _find_variable(variables, key, roles, where)
        code = str(var["code"])
        if code in chosen:
            raise SelectionError(f"{where}: {named_by[code]!r} and {key!r} both select variable {code}")
        chosen[code] = _expand(var, spec, where)
        named_by[code] = key
    resolved: dict[str, list[str]] = {}
    for var in variables:
        code = str(var["code"])
        if code in chosen:
            resolved[code] = chosen[code]
        elif var.get("elimination") is not True:
            resolved[code] = [str(v) for v in var["values"]]
    return resolved


# --- splitting -----------------------------------------------------------------------------


def _cells(selection: Mapping[str, Sequence[str]]) -> int:
    return math.prod(len(v) for v in selection.values())


def _chunk_sizes(sizes: Sequence[int], limit: int) -> list[int]:
    """Largest chunk per dimension so that chunk cells ≤ limit and the number of requests is least.

    The requests form a grid: dimension i is cut into ceil(n_i / c_i) pieces, and the number of
    requests is the product of the piece counts. A dynamic programme over the dimensions keeps,
    for each reachable product of chunk sizes, the fewest requests (a Pareto front), so the
    result is optimal for a grid of chunks, whichever and however many dimensions need cutting.
    """
    if limit < 1:
        raise InputError(f"the cell limit must be at least 1, got {limit}")
    # state: cells per request → (requests, chunk sizes so far)
    front: list[tuple[int, int, tuple[int, ...]]] = [(1, 1, ())]
    for n in sizes:
        # For k pieces the smallest possible largest piece is ceil(n / k): only those sizes matter.
        candidates = sorted({-(-n // k) for k in range(1, n + 1)}) if n > 0 else [0]
        best: dict[int, tuple[int, tuple[int, ...]]] = {}
        for cells, requests, chunks in front:
            for c in candidates:
                total = cells * max(c, 1)
                if total > limit:
                    break
                count = requests * (-(-n // c) if c else 1)
                if total not in best or best[total][0] > count:
                    best[total] = (count, (*chunks, c))
        front = []
        fewest = math.inf
        for total in sorted(best):
            count, chunks = best[total]
            if count < fewest:  # more cells per request is only worth it with fewer requests
                front.append((total, count, chunks))
                fewest = count
    # Fewest requests; among equals, cut as few dimensions as possible.
    _, _, chunks = min(front, key=lambda s: (s[1], sum(c < n for c, n in zip(s[2], sizes, strict=True))))
    return list(chunks)


def _pieces(values: Sequence[str], chunk: int) -> list[list[str]]:
    n = len(values)
    if chunk >= n or chunk <= 0:
        return [list(values)]
    k = -(-n // chunk)
    # Balanced pieces (sizes differ by at most one) so no request is needlessly small.
    bounds = [round(i * n / k) for i in range(k + 1)]
    return [list(values[bounds[i] : bounds[i + 1]]) for i in range(k)]


def split_selection(selection: Mapping[str, Sequence[str]], cell_limit: int) -> list[dict[str, list[str]]]:
    """Split a resolved selection into the fewest boxes of at most ``cell_limit`` cells.

    The boxes form a grid over the selection (each dimension cut into consecutive, balanced
    pieces), in row-major order of the pieces; together they hold every cell exactly once.

    Parameters
    ----------
    selection : mapping
        Variable code → value codes, as :func:`resolve_selection` returns.
    cell_limit : int
        Cells one request may select (:meth:`PxWebClient.cell_limit`).

    Returns
    -------
    list of dict
        One selection per request; a single item when the whole selection fits.

    Examples
    --------
    >>> split_selection({"alue": ["KU091", "KU491"], "vuosi": ["2024", "2025"]}, 2)
    [{'alue': ['KU091'], 'vuosi': ['2024', '2025']}, {'alue': ['KU491'], 'vuosi': ['2024', '2025']}]
    """
    codes = list(selection)
    if _cells(selection) <= cell_limit:
        return [{c: list(v) for c, v in selection.items()}]
    chunks = _chunk_sizes([len(selection[c]) for c in codes], cell_limit)
    per_dim = [_pieces(selection[c], chunk) for c, chunk in zip(codes, chunks, strict=True)]
    return [dict(zip(codes, combo, strict=True)) for combo in product(*per_dim)]


def build_query(selection: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The PxWeb v1 POST body for a resolved selection: ``item`` filters, json-stat2.

    Examples
    --------
    >>> build_query({"vuosi": ["2025"]})
    {'query': [{'code': 'vuosi', 'selection': {'filter': 'item', 'values': ['2025']}}], 'response': {'format': 'json-stat2'}}
    """
    # Always explicit item lists: a stored query then says exactly which cells it holds.
    return {
        "query": [
            {"code": code, "selection": {"filter": "item", "values": list(values)}}
            for code, values in selection.items()
        ],
        "response": {"format": "json-stat2"},
    }


def _summary(selection: Mapping[str, Sequence[str]]) -> str:
    bits = [f"{code}=[{_few(list(values), 3)}]" for code, values in selection.items()]
    return "; ".join(bits) if bits else "(no variables: the basic table)"


# --- reassembly ----------------------------------------------------------------------------


def _as_dataset(part: bytes | bytearray | str | Mapping[str, Any], i: int) -> Mapping[str, Any]:
    if isinstance(part, Mapping):
        return part
    if isinstance(part, (bytes, bytearray, str)):
        try:
            obj = json.loads(part)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(
                f"part {i + 1}: not valid JSON ({exc}); the stored payload is truncated or "
                "corrupt; fetch it again"
            ) from exc
        if not isinstance(obj, Mapping):
            raise ParseError(f"part {i + 1}: a json-stat2 payload is a JSON object, not {type(obj).__name__}")
        return obj
    raise InputError(f"assemble() takes parts as bytes or dicts; part {i + 1} is {type(part).__name__}")


def assemble(
    parts_bodies: Sequence[bytes | Mapping[str, Any]],
    metadata: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Join json-stat2 parts of one split selection into the frame one request would give.

    Parameters
    ----------
    parts_bodies : list of bytes or dict
        The json-stat2 responses (as received, or parsed), each a box of the whole selection.
    metadata : dict, optional
        The table's metadata; when given, categories are ordered as in the table (otherwise in
        order of first appearance across the parts, which is the same for parts made by
        :class:`PxWebClient`).

    Returns
    -------
    pandas.DataFrame
        The tidy frame (see :func:`punos_lib.sources.jsonstat.read`) in full row-major order of the
        requested categories; ``attrs`` from the first part, units of all parts.

    Raises
    ------
    ParseError
        A part is not json-stat2, the parts have different dimensions, or they do not cover
        the selection exactly once (a part is missing or repeated).
    InputError
        No parts, or a part that is neither bytes nor a dict.

    Examples
    --------
    >>> def part(years, values):
    ...     return {"version": "2.0", "class": "dataset", "id": ["alue", "vuosi"], "size": [1, len(years)],
    ...             "dimension": {"alue": {"category": {"index": {"KU491": 0}}},
    ...                           "vuosi": {"category": {"index": {y: i for i, y in enumerate(years)}}}},
    ...             "value": values}
    >>> df = assemble([part(["2023"], [1]), part(["2024", "2025"], [2, 3])])
    >>> df["vuosi"].tolist(), df["value"].tolist()
    (['2023', '2024', '2025'], [1.0, 2.0, 3.0])
    """
    if isinstance(parts_bodies, (bytes, bytearray, str, Mapping)) or not parts_bodies:
        raise InputError("assemble() needs a non-empty list of json-stat2 parts")
    datasets = [_as_dataset(p, i) for i, p in enumerate(parts_bodies)]
    if len(datasets) == 1 and metadata is None:
        return jsonstat.read(datasets[0])
    frames = []
    for i, ds in enumerate(datasets):
        try:
            frames.append(jsonstat.read(ds))
        except ParseError as exc:
            raise ParseError(f"part {i + 1} of {len(datasets)}: {exc}") from exc
    dims = [f.attrs["dimensions"] for f in frames]
    ids = [d["code"] for d in dims[0]]
    for i, part_dims in enumerate(dims[1:], start=2):
        if [d["code"] for d in part_dims] != ids:
            raise ParseError(
                f"part {i} has dimensions {[d['code'] for d in part_dims]} but part 1 has {ids}; "
                "the parts are not from one selection"
            )

    order: dict[str, dict[str, int]] = {}
    if metadata is not None:
        for var in _variables(metadata, "metadata given to assemble()"):
            order[str(var["code"])] = {str(v): i for i, v in enumerate(var["values"])}
    full: list[Dimension] = []
    for k, code in enumerate(ids):
        labels: dict[str, str] = {}
        for part_dims in dims:
            for cat, label in zip(part_dims[k]["categories"], part_dims[k]["labels"], strict=True):
                labels.setdefault(cat, label)
        cats = list(labels)  # first appearance
        rank = order.get(code)
        if rank is not None:
            cats.sort(key=lambda c: rank.get(c, len(rank)))
        first = dims[0][k]
        full.append(Dimension(code, first["label"], first["role"], cats, [labels[c] for c in cats]))

    sizes = [len(d.categories) for d in full]
    n_cells = math.prod(sizes)
    as_object = any(f["value"].dtype == object for f in frames)
    values = np.full(n_cells, None if as_object else np.nan, dtype=object if as_object else np.float64)
    has_status = any("status" in f.columns for f in frames)
    status = np.full(n_cells, None, dtype=object) if has_status else None
    filled = np.zeros(n_cells, dtype=np.int32)
    position = [{c: i for i, c in enumerate(d.categories)} for d in full]
    for frame, part_dims in zip(frames, dims, strict=True):
        index = [
            np.array([position[k][c] for c in d["categories"]], dtype=np.int64)
            for k, d in enumerate(part_dims)
        ]
        if index:
            cells = np.ravel_multi_index(np.ix_(*index), sizes).ravel()
        else:
            cells = np.zeros(1, dtype=np.int64)
        values[cells] = frame["value"].to_numpy()
        if status is not None and "status" in frame.columns:
            status[cells] = frame["status"].to_numpy(dtype=object)
        filled[cells] += 1
    missing = int((filled == 0).sum())
    repeated = int((filled > 1).sum())
    if missing or repeated:
        raise ParseError(
            f"the {len(frames)} parts do not cover the selection exactly once: {missing} of "
            f"{n_cells} cells missing, {repeated} given more than once; fetch the table again"
        )

    attrs = {k: v for k, v in frames[0].attrs.items() if k != "dimensions"}
    units: dict[str, Any] = {}
    for f in frames:
        units.update(f.attrs.get("units") or {})
    if units:
        attrs["units"] = units
    return build_frame(full, values, status, attrs, where=f"{len(frames)} json-stat2 parts")


# --- response checks -----------------------------------------------------------------------


def _json_problem(response: httpx.Response) -> tuple[Any, str | None]:
    try:
        return json.loads(response.content), None
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
            See :func:`resolve_selection`.

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
            cells = _cells(chunk)
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
            cells=_cells(resolved),
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
            See :func:`resolve_selection`; ``None`` gives the basic table (eliminable variables
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
        query = _summary(chunk)
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

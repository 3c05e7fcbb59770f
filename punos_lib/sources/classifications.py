"""Statistics Finland's classification API (v2).

Two layers, so that ``punos fetch`` can store the raw responses and the study can parse them
offline later:

- :class:`ClassificationClient` builds the URLs and fetches raw bytes
  (``classificationItems`` of one classification, the ``maps`` of one correspondence table);
- :func:`read_items` and :func:`read_correspondence` are pure parsers of those payloads.

The curated, committed name tables in ``data/classifications/`` are read by
:func:`punos_lib.reference.labels.labels` (no network, no HTTP client).

The API (https://data.stat.fi/api/classifications/v2, CC BY 4.0, "Lähde: Tilastokeskus"):

- ``/classifications/{id}/classificationItems?content=data&meta=max&lang={fi|sv|en}``: a JSON list
  of items, each with ``code``, ``parentCode``, ``level``, ``order`` and
  ``classificationItemNames`` (``[{"lang": "fi", "name": ...}]``);
- ``/correspondenceTables/{source}%23{target}/maps?content=data&meta=max&lang=fi``: a JSON list of
  maps, each with ``sourceItem`` and ``targetItem`` (``code``, ``classificationItemNames``) and the
  ``correspondenceTable`` it belongs to. Without ``content=data`` the API answers a list of
  ``{"value": ".../maps/<source code>/<target code>"}`` links; :func:`read_correspondence`
  reads that form too (names are then missing).

The base URL can be moved with ``PUNOS_CLASSIFICATION_URL`` (mirrors, tests).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from punos_lib.errors import InputError, ParseError
from punos_lib.reference.labels import LANGS, Lang, check_lang
from punos_lib.sources._http import HttpSession, get_bytes, json_problem, load_json

__all__ = [
    "DEFAULT_BASE_URL",
    "ClassificationClient",
    "read_items",
    "read_correspondence",
]

DEFAULT_BASE_URL = "https://data.stat.fi/api/classifications/v2"


def _base_url(explicit: str | None, env: str, default: str) -> str:
    return (explicit or os.environ.get(env) or default).rstrip("/")


class ClassificationClient:
    """Client of the Statistics Finland classification API v2.

    Parameters
    ----------
    base_url : str, optional
        Default ``PUNOS_CLASSIFICATION_URL`` or ``https://data.stat.fi/api/classifications/v2``.
    session : HttpSession, optional
        Shared HTTP session (retries, offline switch, host allow-list); one is created per
        request when not given.

    Examples
    --------
    >>> client = ClassificationClient(base_url="https://data.stat.fi/api/classifications/v2")
    >>> client.correspondence_url("kunta_1_20250101", "maakunta_1_20250101")  # doctest: +ELLIPSIS
    'https://data.stat.fi/.../correspondenceTables/kunta_1_20250101%23maakunta_1_20250101/maps?...'
    """

    def __init__(self, base_url: str | None = None, *, session: HttpSession | None = None) -> None:
        self.base_url = _base_url(base_url, "PUNOS_CLASSIFICATION_URL", DEFAULT_BASE_URL)
        self.session = session

    def items_url(self, classification_id: str, lang: Lang = "fi") -> str:
        """URL of all items of a classification (e.g. ``toimiala_1_20080101``) in one language."""
        check_lang(lang)
        _check_id(classification_id)
        return (
            f"{self.base_url}/classifications/{classification_id}/classificationItems"
            f"?content=data&meta=max&lang={lang}"
        )

    def correspondence_url(self, source_id: str, target_id: str, lang: Lang = "fi") -> str:
        """URL of the maps of the correspondence table ``source_id#target_id`` (``#`` sent as %23)."""
        check_lang(lang)
        _check_id(source_id)
        _check_id(target_id)
        return (
            f"{self.base_url}/correspondenceTables/{source_id}%23{target_id}/maps"
            f"?content=data&meta=max&lang={lang}"
        )

    def fetch_items(self, classification_id: str, lang: Lang = "fi") -> bytes:
        """Fetch the raw ``classificationItems`` response (bytes exactly as received).

        Raises
        ------
        TableNotFoundError
            The classification does not exist (404).
        DataSourceError
            Any other refusal; OfflineError/ResponseError from the HTTP layer.
        """
        url = self.items_url(classification_id, lang)
        return self._get(url, f"classification {classification_id} ({lang})")

    def fetch_correspondence(self, source_id: str, target_id: str, lang: Lang = "fi") -> bytes:
        """Fetch the raw ``maps`` response of a correspondence table (bytes exactly as received)."""
        url = self.correspondence_url(source_id, target_id, lang)
        return self._get(url, f"correspondence table {source_id}#{target_id}")

    def _get(self, url: str, what: str) -> bytes:
        return get_bytes(self.session, url, what, validate=json_problem)


def _check_id(identifier: str) -> None:
    # Ids go into a URL path: refuse anything that could change the path or the query.
    if not identifier or any(ch in identifier for ch in "/?#&% "):
        raise InputError(
            f"invalid classification id {identifier!r}: expected a local id such as 'kunta_1_20250101'"
        )


def _item_name(names: Any, lang: str | None) -> str | None:
    """The name in ``lang`` from a ``classificationItemNames`` list (first one when lang is absent)."""
    if not isinstance(names, list) or not names:
        return None
    if lang is not None:
        for entry in names:
            if isinstance(entry, dict) and entry.get("lang") == lang:
                return entry.get("name")
    first = names[0]
    return first.get("name") if isinstance(first, dict) else None


def _code(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip()


def _items_frame(items: Any, lang: str | None, what: str) -> pd.DataFrame:
    if not isinstance(items, list):
        raise ParseError(f"{what}: expected a JSON list of classification items, got {type(items).__name__}")
    rows = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "code" not in item:
            raise ParseError(f"{what}: item {i} has no 'code' field; is this a classificationItems response?")
        level = item.get("level")
        rows.append(
            {
                "code": _code(item["code"]),
                "parent_code": _code(item.get("parentCode")),
                "level": int(level) if level is not None else None,
                "order": item.get("order", i),
                "name": _item_name(item.get("classificationItemNames"), lang),
            }
        )
    frame = pd.DataFrame(rows, columns=["code", "parent_code", "level", "order", "name"])
    frame["level"] = frame["level"].astype("Int64")
    # The API's 'order' is the classification's own sort order; keep arrival order on ties.
    frame = frame.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)
    return frame


def read_items(payload: Any, lang: Lang | None = None) -> pd.DataFrame:
    """Parse a ``classificationItems`` response into a frame.

    Parameters
    ----------
    payload : bytes, str, Path, list or dict
        One response (bytes, JSON text, a file or the decoded list), or a dict ``lang -> payload``
        for several languages of the same classification.
    lang : {"fi", "sv", "en"}, optional
        Which name to take from a single payload (default: the first name of each item, which is
        the requested language of that response).

    Returns
    -------
    DataFrame
        ``code``, ``parent_code`` (missing, NaN, at the top level), ``level`` (Int64) and ``name`` for one
        payload; ``name_fi``/``name_sv``/``name_en`` (the languages given) for a dict. Items in
        the classification's order.

    Raises
    ------
    ParseError
        Not JSON, or not a list of items; languages whose codes disagree.

    Examples
    --------
    >>> items = [{"code": "A", "parentCode": None, "level": 1, "order": 1,
    ...           "classificationItemNames": [{"lang": "fi", "name": "Maatalous"}]},
    ...          {"code": "01", "parentCode": "A", "level": 2, "order": 2,
    ...           "classificationItemNames": [{"lang": "fi", "name": "Kasvinviljely"}]}]
    >>> read_items(items)[["code", "parent_code", "name"]].values.tolist()
    [['A', nan, 'Maatalous'], ['01', 'A', 'Kasvinviljely']]
    """
    if isinstance(payload, Mapping):
        unknown = [k for k in payload if k not in LANGS]
        if unknown:
            raise InputError(f"read_items: unknown language keys {unknown}; use {', '.join(LANGS)}")
        if not payload:
            raise InputError("read_items: the dict of payloads is empty; give at least one language")
        frames = [
            _items_frame(load_json(payload[key], f"items ({key})"), key, f"items ({key})").rename(
                columns={"name": f"name_{key}"}
            )
            for key in LANGS
            if key in payload
        ]
        result = frames[0]
        for frame in frames[1:]:
            if set(frame["code"]) != set(result["code"]):
                diff = sorted(set(frame["code"]) ^ set(result["code"]))[:10]
                name_col = frame.columns[-1]
                raise ParseError(
                    f"read_items: the {name_col[-2:]} payload has different codes than the others "
                    f"(e.g. {diff}); fetch all languages of the same classification again"
                )
            result = result.merge(frame[["code", frame.columns[-1]]], on="code", how="left")
        return result
    if lang is not None:
        check_lang(lang)
    return _items_frame(load_json(payload, "classification items"), lang, "classification items")


def read_correspondence(payload: Any) -> pd.DataFrame:
    """Parse a correspondence-table ``maps`` response.

    Parameters
    ----------
    payload : bytes, str, Path or list
        The response of ``/correspondenceTables/{source}%23{target}/maps``: either the data form
        (``content=data``: ``sourceItem``/``targetItem`` objects) or the link form
        (``{"value": ".../maps/<source>/<target>"}``).

    Returns
    -------
    DataFrame
        ``source_code``, ``target_code``, ``source_name``, ``target_name`` (names in the
        response's language; missing in the link form), one row per map, in the response's order.

    Raises
    ------
    ParseError
        When the payload is not a list of maps.

    Examples
    --------
    >>> maps = [{"sourceItem": {"code": "491", "classificationItemNames": [{"lang": "fi", "name": "Mikkeli"}]},
    ...          "targetItem": {"code": "10", "classificationItemNames": [{"lang": "fi", "name": "Etelä-Savo"}]}}]
    >>> read_correspondence(maps).iloc[0].tolist()
    ['491', '10', 'Mikkeli', 'Etelä-Savo']
    """
    maps = load_json(payload, "correspondence table")
    if not isinstance(maps, list):
        raise ParseError(f"correspondence table: expected a JSON list of maps, got {type(maps).__name__}")
    rows = []
    for i, entry in enumerate(maps):
        if isinstance(entry, dict) and "sourceItem" in entry and "targetItem" in entry:
            src, tgt = entry["sourceItem"] or {}, entry["targetItem"] or {}
            rows.append(
                (
                    _code(src.get("code")),
                    _code(tgt.get("code")),
                    _item_name(src.get("classificationItemNames"), None),
                    _item_name(tgt.get("classificationItemNames"), None),
                )
            )
        elif isinstance(entry, dict) and isinstance(entry.get("value"), str) and "/maps/" in entry["value"]:
            tail = entry["value"].split("/maps/", 1)[1].split("?", 1)[0].strip("/")
            parts = tail.split("/")
            if len(parts) != 2:
                raise ParseError(f"correspondence table: map {i} link {entry['value']!r} is not .../maps/<source>/<target>")
            rows.append((parts[0], parts[1], None, None))
        else:
            raise ParseError(
                f"correspondence table: map {i} has neither sourceItem/targetItem nor a maps link; "
                "is this a /correspondenceTables/.../maps response?"
            )
    if not rows:
        raise ParseError("correspondence table: the response holds no maps; check the table ids and year")
    return pd.DataFrame(rows, columns=["source_code", "target_code", "source_name", "target_name"], dtype=object)

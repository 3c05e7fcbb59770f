"""PX-JSON (the PxWeb API's ``"json"`` response format) into the project's tidy shape.

The format, as described in the PxWeb API description (Statistics Sweden, "JSON formats",
table retrieval result) and as StatFin's web interface saves it::

    {"columns":  [{"code": "Alue", "text": "Alue", "type": "d"},
                  {"code": "Vuosi", "text": "Vuosi", "type": "t"},
                  {"code": "vaesto", "text": "Väestö 31.12.", "type": "c"}],
     "comments": [{"variable": "Alue", "value": "KU491", "comment": "…"}],
     "data":     [{"key": ["KU491", "2024"], "values": ["52000"]}, …],
     "metadata": [{"infofile": "…", "updated": "2025-03-28T05:00:00Z", "label": "…", "source": "…"}]}

Columns of type ``d`` (dimension) and ``t`` (time) form each row's ``key`` (value codes; the
format has no value texts, so labels repeat the codes); every ``c`` (contents) column gives one of
the row's ``values``, as text. The contents columns become one more dimension, ``ContentsCode``
(role metric), after the others, as in json-stat2. Values that are not numbers (``"."``, ``".."``,
``"-"`` …) become NaN with the symbol in ``status``. The rows may come in any order and need not
cover every combination: missing cells are NaN.

Examples
--------
>>> text = '''{"columns": [{"code": "Alue", "text": "Alue", "type": "d"},
...                        {"code": "Vuosi", "text": "Vuosi", "type": "t"},
...                        {"code": "vaesto", "text": "Väestö", "type": "c"}],
...            "comments": [],
...            "data": [{"key": ["KU491", "2023"], "values": ["52000"]},
...                     {"key": ["KU491", "2024"], "values": [".."]}]}'''
>>> df = read(text)
>>> df[["Alue", "Vuosi", "ContentsCode", "value", "status"]].values.tolist()
[['KU491', '2023', 'vaesto', 52000.0, nan], ['KU491', '2024', 'vaesto', nan, '..']]
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.errors import InputError, ParseError
from punos_lib.sources._tidy import Dimension, build_frame

__all__ = ["read", "looks_like"]

CONTENTS = "ContentsCode"
_ROLES = {"t": "time", "d": None}


def looks_like(obj: Any) -> bool:
    """True when a parsed JSON object has PX-JSON's top-level ``columns`` and ``data`` lists."""
    return isinstance(obj, Mapping) and isinstance(obj.get("columns"), list) and isinstance(obj.get("data"), list)


def read(payload: str | bytes | os.PathLike[str] | Mapping[str, Any], *, where: str | None = None) -> pd.DataFrame:
    """Read a PX-JSON response into the tidy frame.

    Parameters
    ----------
    payload : str, bytes, path or dict
        JSON text, UTF-8 bytes, a path of a ``.json`` file, or the parsed object.
    where : str, optional
        Name of the source for messages (default: the path, or "PX-JSON").

    Returns
    -------
    pandas.DataFrame
        One row per cell of the dense cube (key columns in their order, then ``ContentsCode``,
        last fastest): per dimension a categorical code column and ``<code>_label``, ``value``
        (float64) and ``status`` when a value is a symbol. ``attrs``: format "px-json", label,
        source, updated, table (from ``metadata`` when present), notes (the comments),
        dimensions.

    Raises
    ------
    ParseError
        Not PX-JSON, a column without code or type, a row whose key or values do not match the
        columns (names the row), or a combination given twice.
    InputError
        A path that cannot be read.
    """
    obj, where = _load(payload, where)
    if not looks_like(obj):
        raise ParseError(f"{where}: not PX-JSON (an object with 'columns' and 'data' lists expected)")
    keys, contents = _columns(obj["columns"], where)
    rows = obj["data"]
    codes: list[dict[str, int]] = [{} for _ in keys]
    positions = np.empty((len(rows), len(keys)), dtype=np.int64)
    texts: list[list[Any]] = []
    for i, row in enumerate(rows):
        here = f"{where}, data row {i + 1}"
        if not isinstance(row, Mapping) or not isinstance(row.get("key"), list) or not isinstance(row.get("values"), list):
            raise ParseError(f"{here}: a row is an object with 'key' and 'values' lists, not {row!r:.80}")
        key, values = row["key"], row["values"]
        if len(key) != len(keys) or len(values) != len(contents):
            raise ParseError(
                f"{here}: {len(key)} key codes and {len(values)} values, but the columns give "
                f"{len(keys)} dimensions ({', '.join(c['code'] for c in keys)}) and {len(contents)} contents"
            )
        for j, code in enumerate(key):
            positions[i, j] = codes[j].setdefault(str(code), len(codes[j]))
        texts.append(values)
    dims = [Dimension(str(c["code"]), str(c.get("text") or c["code"]), _ROLES[c["type"]], list(found), list(found))
            for c, found in zip(keys, codes, strict=True)]
    if contents:
        dims.append(Dimension(CONTENTS, "Tiedot", "metric", [str(c["code"]) for c in contents],
                              [str(c.get("text") or c["code"]) for c in contents]))
    sizes = [len(d.categories) for d in dims]
    n_cells = int(np.prod(sizes, dtype=np.int64)) if sizes else 0
    cells = np.full(n_cells, np.nan)
    status = np.full(n_cells, None, dtype=object)
    filled = np.zeros(n_cells, dtype=bool)
    strides = np.cumprod([1, *sizes[::-1]])[:-1][::-1]  # row-major: the last dimension fastest
    base = positions @ strides[: len(keys)] if len(keys) else np.zeros(len(rows), dtype=np.int64)
    for i, values in enumerate(texts):
        for k, text in enumerate(values):
            cell = int(base[i]) + k
            if filled[cell]:
                raise ParseError(f"{where}, data row {i + 1}: the key {rows[i]['key']} appears twice")
            filled[cell] = True
            number, symbol = _value(text, f"{where}, data row {i + 1}")
            cells[cell] = number
            status[cell] = symbol
    has_status = any(s is not None for s in status)
    return build_frame(dims, cells, status if has_status else None, _attrs(obj), where=where)


def _load(payload: Any, where: str | None) -> tuple[Any, str]:
    if isinstance(payload, Mapping):
        return payload, where or "PX-JSON"
    if isinstance(payload, os.PathLike) or (isinstance(payload, str) and not payload.lstrip().startswith("{")):
        path = Path(payload)
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise InputError(f"PX-JSON file {path} cannot be read: {exc}") from exc
        where = where or f"file {path}"
    where = where or "PX-JSON"
    try:
        return json.loads(payload), where
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"{where}: not valid JSON ({exc})") from exc


def _columns(columns: list[Any], where: str) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    keys, contents = [], []
    for i, col in enumerate(columns):
        if not isinstance(col, Mapping) or not col.get("code") or col.get("type") not in ("d", "t", "c"):
            raise ParseError(
                f"{where}, column {i + 1}: a column is an object with 'code', 'text' and 'type' d, t or c, "
                f"not {col!r:.80}"
            )
        (contents if col["type"] == "c" else keys).append(col)
    if not contents:
        raise ParseError(f"{where}: no contents column (type 'c'); the response holds no values")
    return keys, contents


def _value(text: Any, where: str) -> tuple[float, str | None]:
    if text is None:
        return np.nan, None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text), None
    if not isinstance(text, str):
        raise ParseError(f"{where}: a value is {text!r}; values are numbers as text or symbols")
    stripped = text.strip()
    try:
        return float(stripped), None
    except ValueError:
        if stripped == "" or len(stripped) <= 3 and set(stripped) <= set(".-…"):
            return np.nan, stripped or None
        raise ParseError(f"{where}: the value {text!r} is neither a number nor a missing-value symbol "
                         "('.', '..', '...', '-')") from None


def _attrs(obj: Mapping[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata")
    first = meta[0] if isinstance(meta, list) and meta and isinstance(meta[0], Mapping) else {}
    notes = [str(c.get("comment")) for c in obj.get("comments") or [] if isinstance(c, Mapping) and c.get("comment")]
    return {
        "format": "px-json",
        "label": None if first.get("label") is None else str(first["label"]),
        "source": None if first.get("source") is None else str(first["source"]),
        "updated": None if first.get("updated") is None else str(first["updated"]),
        "table": None,  # PX-JSON does not name its table
        "notes": notes,
    }

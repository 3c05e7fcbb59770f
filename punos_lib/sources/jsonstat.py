"""JSON-stat 2.0 reader: a dataset payload → the project's tidy frame.

Reads what Statistics Finland's PxWeb API returns with ``"format": "json-stat2"`` and any
JSON-stat 2.0 dataset (https://json-stat.org/format/): dense or sparse ``value``, ``status``
as a string, array or object, ``category.index`` as an object or an array (or absent for a
single category), ``role``, units, and datasets inside a ``collection`` or a ``bundle``.
JSON-stat 1.x datasets (``id``/``size``/``role`` inside ``dimension``, and the
``{"dataset": {...}}`` wrapper of older PxWeb responses) are read too.

The frame layout (code and ``_label`` columns per dimension, ``value``, optional ``status``,
``attrs``) is described in :mod:`punos_lib.sources._tidy` and ``docs/architecture.md``.

Examples
--------
>>> from punos_lib import jsonstat
>>> payload = {
...     "version": "2.0", "class": "dataset", "id": ["alue", "vuosi"], "size": [1, 2],
...     "role": {"time": ["vuosi"]},
...     "dimension": {
...         "alue": {"label": "Alue", "category": {"label": {"MK10": "Etelä-Savo"}}},
...         "vuosi": {"label": "Vuosi", "category": {"index": ["2023", "2024"]}},
...     },
...     "value": [130000, 129376],
... }
>>> df = jsonstat.read(payload)
>>> df[["alue", "vuosi", "value"]].values.tolist()
[['MK10', '2023', 130000.0], ['MK10', '2024', 129376.0]]
>>> df.attrs["dimensions"][1]["role"]
'time'
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.sources import _json
from punos_lib.sources._tidy import Dimension, build_frame, dimension_dicts, status_categorical, to_values
from punos_lib.errors import InputError, ParseError

__all__ = ["read", "dimensions"]

Payload = Mapping[str, Any] | str | bytes | os.PathLike[str]

_ROLES = ("time", "geo", "metric")


def read(payload: Payload, *, dataset: str | int | None = None) -> pd.DataFrame:
    """Read a JSON-stat dataset into the tidy frame.

    Parameters
    ----------
    payload : dict, str, bytes or path
        A parsed JSON object; JSON text (a str whose first non-blank character is ``{``);
        UTF-8 bytes; or a :class:`pathlib.Path` / path string of a ``.json`` file.
    dataset : str or int, optional
        Which dataset to take from a ``collection`` (by ``label``, ``href`` or position) or a
        ``bundle`` (by name or position). Required for those; ignored for a single dataset.

    Returns
    -------
    pandas.DataFrame
        One row per cell in row-major order: per dimension a categorical code column and
        ``<code>_label``, then ``value`` (float64, NaN when missing; object if any value is a
        string) and ``status`` (only when the payload has status symbols: a categorical,
        missing where a cell has no symbol). ``attrs`` holds
        format, label, source, updated, table, notes, dimensions and units.

    Raises
    ------
    ParseError
        Bad or truncated JSON; a missing ``id``/``size``/``dimension``; sizes that do not
        match the categories or the number of values; a collection or bundle without
        ``dataset``.
    InputError
        The path does not exist or cannot be read.

    Examples
    --------
    >>> df = read('{"version": "2.0", "class": "dataset", "id": ["k"], "size": [2],'
    ...           ' "dimension": {"k": {"category": {"index": {"a": 0, "b": 1}}}},'
    ...           ' "value": {"1": 7}, "status": {"1": "p"}}')
    >>> df["value"].tolist(), df["status"].tolist()
    ([nan, 7.0], [nan, 'p'])
    """
    obj, where = _load(payload)
    ds, where = _select(obj, dataset, where)
    dims, n_cells = _dimensions(ds, where)
    values = _values(ds, n_cells, where)
    status = _status(ds, n_cells, where)
    return build_frame(dims, values, status, _attrs(ds, dims), where=where)


def dimensions(payload: Payload, *, dataset: str | int | None = None) -> list[dict[str, Any]]:
    """Return the dimension metadata of a dataset without building the frame.

    Same as ``read(payload).attrs["dimensions"]``: a list of dicts with ``code``, ``label``,
    ``role``, ``categories`` and ``labels``, in the dataset's order.

    Examples
    --------
    >>> dimensions({"version": "2.0", "class": "dataset", "id": ["k"], "size": [1],
    ...             "dimension": {"k": {"label": "Kunta",
    ...                                 "category": {"label": {"KU491": "Mikkeli"}}}},
    ...             "value": [1]})
    [{'code': 'k', 'label': 'Kunta', 'role': None, 'categories': ['KU491'], 'labels': ['Mikkeli']}]
    """
    obj, where = _load(payload)
    ds, where = _select(obj, dataset, where)
    dims, _ = _dimensions(ds, where)
    return dimension_dicts(dims)


# --- loading -----------------------------------------------------------------------------


def _parse_json(text: str | bytes, where: str) -> Any:
    try:
        return _json.loads(text)
    except json.JSONDecodeError as exc:
        doc = exc.doc.rstrip()
        # A cut-off response fails at its end, or mid-string, and lacks its closing bracket.
        truncated = exc.pos >= len(doc) - 1 or not doc.endswith(("}", "]"))
        hint = "the payload looks truncated" if truncated else "the payload is not valid JSON"
        raise ParseError(
            f"{where}: {hint}: {exc.msg} at line {exc.lineno}, column {exc.colno} (char {exc.pos}); "
            "fetch the response again or check the file"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ParseError(f"{where}: the payload is not UTF-8 text ({exc}); save it as UTF-8") from exc


def _load(payload: Payload) -> tuple[Any, str]:
    if isinstance(payload, Mapping):
        return payload, "JSON-stat payload"
    if isinstance(payload, (bytes, bytearray)):
        return _parse_json(bytes(payload), "JSON-stat payload (bytes)"), "JSON-stat payload"
    if isinstance(payload, str) and payload.lstrip()[:1] in ("{", "["):
        return _parse_json(payload, "JSON-stat payload (text)"), "JSON-stat payload"
    if isinstance(payload, (str, os.PathLike)):
        path = Path(payload)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise InputError(f"JSON-stat file {path} does not exist; check the path") from exc
        except OSError as exc:
            raise InputError(f"JSON-stat file {path} cannot be read: {exc}") from exc
        return _parse_json(data, f"file {path}"), f"file {path}"
    raise InputError(
        f"jsonstat.read() takes a dict, JSON text, bytes or a path, not {type(payload).__name__}"
    )


def _select(obj: Any, dataset: str | int | None, where: str) -> tuple[Mapping[str, Any], str]:
    """Find the dataset inside a dataset / collection / bundle / 1.x wrapper."""
    if not isinstance(obj, Mapping):
        raise ParseError(f"{where}: a JSON-stat payload is a JSON object, not {type(obj).__name__}")
    if "error" in obj and "value" not in obj:
        raise ParseError(f"{where}: the payload is an error response: {obj['error']!r}")
    klass = obj.get("class")
    if klass == "dataset" or (klass is None and "value" in obj and "dimension" in obj):
        return obj, where
    if klass == "collection":
        items = (obj.get("link") or {}).get("item")
        if not isinstance(items, list) or not items:
            raise ParseError(f"{where}: collection has no link.item list of datasets")
        names = [str(it.get("label") or it.get("href") or f"#{i}") for i, it in enumerate(items)]
        pos = _pick(dataset, names, items, "collection", where)
        item = items[pos]
        if item.get("class", "dataset") != "dataset":
            raise ParseError(f"{where}: collection item {names[pos]!r} is a {item.get('class')!r}, not a dataset")
        if "value" not in item:
            raise ParseError(
                f"{where}: collection item {names[pos]!r} only links to {item.get('href')!r} and does "
                "not embed the data; fetch that URL and read it as a dataset"
            )
        return item, f"{where}, dataset {names[pos]!r}"
    if klass == "dimension":
        raise ParseError(f"{where}: this is a JSON-stat dimension, not a dataset; there are no values to read")
    if klass not in (None, "bundle"):
        raise ParseError(f"{where}: unknown JSON-stat class {klass!r}; expected dataset, collection or bundle")
    # A bundle (JSON-stat 1.x): an object of named datasets.
    names = [k for k, v in obj.items() if isinstance(v, Mapping) and "dimension" in v]
    if not names:
        raise ParseError(
            f"{where}: not a JSON-stat dataset: no 'class', 'dimension' or 'value' at the top level "
            f"(keys: {sorted(obj)[:10]})"
        )
    if names == ["dataset"] and dataset is None:
        # The 1.x wrapper of old PxWeb responses holds exactly one dataset called "dataset".
        return obj["dataset"], where
    pos = _pick(dataset, names, names, "bundle", where)
    return obj[names[pos]], f"{where}, dataset {names[pos]!r}"


def _pick(dataset: str | int | None, names: list[str], items: list[Any], kind: str, where: str) -> int:
    listing = ", ".join(repr(n) for n in names)
    if dataset is None:
        raise ParseError(
            f"{where}: the payload is a JSON-stat {kind} of {len(names)} datasets ({listing}); "
            "pass dataset=<name or position> to choose one"
        )
    if isinstance(dataset, int) and not isinstance(dataset, bool):
        if 0 <= dataset < len(names):
            return dataset
    else:
        for i, item in enumerate(items):
            keys = {names[i]}
            if isinstance(item, Mapping):
                keys |= {str(item.get("label")), str(item.get("href"))}
            if dataset in keys:
                return i
    raise ParseError(f"{where}: dataset {dataset!r} is not in the {kind}; it holds {listing}")


# --- structure ---------------------------------------------------------------------------


def _roles(ds: Mapping[str, Any], dim_objs: Mapping[str, Any], where: str) -> dict[str, str]:
    roles: dict[str, str] = {}
    role = ds.get("role")
    if role is None:
        role = dim_objs.get("role")  # JSON-stat 1.x keeps it inside "dimension"
    if role is not None:
        if not isinstance(role, Mapping):
            raise ParseError(f"{where}: 'role' must be an object like {{\"time\": [ids]}}")
        for name in _ROLES:
            for dim_id in role.get(name) or []:
                roles.setdefault(str(dim_id), name)
    return roles


def _dimensions(ds: Mapping[str, Any], where: str) -> tuple[list[Dimension], int]:
    dim_objs = ds.get("dimension")
    if not isinstance(dim_objs, Mapping):
        raise ParseError(f"{where}: the dataset has no 'dimension' object")
    ids = ds.get("id", dim_objs.get("id"))
    sizes = ds.get("size", dim_objs.get("size"))
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ParseError(f"{where}: the dataset has no 'id' list of dimension names")
    if not isinstance(sizes, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
        raise ParseError(f"{where}: the dataset has no 'size' list of non-negative integers")
    if len(ids) != len(sizes):
        raise ParseError(f"{where}: 'id' names {len(ids)} dimensions but 'size' has {len(sizes)} entries")
    if len(set(ids)) != len(ids):
        raise ParseError(f"{where}: 'id' repeats a dimension name: {ids}")
    roles = _roles(ds, dim_objs, where)
    dims = []
    for dim_id, size in zip(ids, sizes, strict=True):
        obj = dim_objs.get(dim_id)
        if not isinstance(obj, Mapping):
            raise ParseError(f"{where}: dimension {dim_id!r} is listed in 'id' but missing from 'dimension'")
        codes, labels = _categories(obj, dim_id, size, where)
        role = roles.get(dim_id) or (obj.get("role") if obj.get("role") in _ROLES else None)
        dims.append(Dimension(dim_id, str(obj.get("label") or dim_id), role, codes, labels))  # type: ignore[arg-type]
    n_cells = int(np.prod(sizes, dtype=np.int64)) if sizes else 1
    return dims, n_cells


def _categories(obj: Mapping[str, Any], dim_id: str, size: int, where: str) -> tuple[list[str], list[str]]:
    here = f"{where}, dimension {dim_id!r}"
    cat = obj.get("category")
    if not isinstance(cat, Mapping):
        raise ParseError(f"{here}: no 'category' object")
    index = cat.get("index")
    label = cat.get("label")
    if label is not None and not isinstance(label, Mapping):
        raise ParseError(f"{here}: category.label must be an object of code: text")
    if index is None:
        if not label or len(label) != 1:
            raise ParseError(
                f"{here}: category.index is missing; it may be left out only for a single category "
                f"given in category.label (found {len(label or {})} labels)"
            )
        codes = [str(next(iter(label)))]
    elif isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, Mapping):
        codes = [str(c) for c in index]
        try:
            pos = np.array([int(p) for p in index.values()], dtype=np.int64)
        except (TypeError, ValueError) as exc:
            raise ParseError(f"{here}: category.index positions must be integers ({exc})") from exc
        if not np.array_equal(np.sort(pos), np.arange(len(codes))):
            raise ParseError(f"{here}: category.index positions are not 0..{len(codes) - 1} each once")
        ordered = [""] * len(codes)
        for code, p in zip(codes, pos.tolist(), strict=True):
            ordered[p] = code
        codes = ordered
    else:
        raise ParseError(f"{here}: category.index must be an object or an array")
    if len(codes) != size:
        raise ParseError(f"{here}: 'size' says {size} categories but category.index has {len(codes)}")
    if len(set(codes)) != len(codes):
        raise ParseError(f"{here}: category.index repeats a code")
    labels = [str(label.get(c, c)) if label else c for c in codes]
    return codes, labels


# --- cells -------------------------------------------------------------------------------


def _sparse_positions(keys: list[Any], n_cells: int, what: str, where: str) -> np.ndarray:
    try:
        pos = np.fromiter(map(int, keys), dtype=np.int64, count=len(keys))
    except (TypeError, ValueError) as exc:
        raise ParseError(f"{where}: {what} keys must be cell positions (integers): {exc}") from exc
    if pos.size and (pos.min() < 0 or pos.max() >= n_cells):
        bad = pos[(pos < 0) | (pos >= n_cells)][0]
        raise ParseError(f"{where}: {what} has position {bad}, outside 0..{n_cells - 1}")
    return pos


def _values(ds: Mapping[str, Any], n_cells: int, where: str) -> np.ndarray:
    if "value" not in ds:
        raise ParseError(f"{where}: the dataset has no 'value'")
    raw = ds["value"]
    if isinstance(raw, list):
        if len(raw) != n_cells:
            raise ParseError(
                f"{where}: 'value' has {len(raw)} entries but 'size' makes {n_cells} cells; "
                "the payload is inconsistent or truncated"
            )
        return to_values(raw, where=f"{where}, 'value'")
    if isinstance(raw, Mapping):
        pos = _sparse_positions(list(raw.keys()), n_cells, "'value'", where)
        given = to_values(list(raw.values()), where=f"{where}, 'value'")
        if given.dtype == object:
            out = np.full(n_cells, None, dtype=object)
        else:
            out = np.full(n_cells, np.nan, dtype=np.float64)
        out[pos] = given
        return out
    raise ParseError(f"{where}: 'value' must be an array or an object of position: value")


def _status(ds: Mapping[str, Any], n_cells: int, where: str) -> pd.Categorical | None:
    raw = ds.get("status")
    if raw is None:
        return None
    if isinstance(raw, str):
        # One symbol for every cell: its code is broadcast to all positions.
        return status_categorical([raw], n_cells, np.arange(n_cells))
    if isinstance(raw, list):
        if len(raw) == 1 and n_cells != 1:
            # JSON-stat: a one-element status array applies to every cell.
            return status_categorical(raw, n_cells, np.arange(n_cells))
        if len(raw) != n_cells:
            raise ParseError(f"{where}: 'status' has {len(raw)} entries but there are {n_cells} cells")
        return status_categorical(raw, n_cells)
    if isinstance(raw, Mapping):
        pos = _sparse_positions(list(raw.keys()), n_cells, "'status'", where)
        return status_categorical(list(raw.values()), n_cells, pos)
    raise ParseError(f"{where}: 'status' must be a string, an array or an object of position: symbol")


# --- metadata ----------------------------------------------------------------------------


def _notes(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(n) for n in raw]
    return [str(raw)]


def _units(ds: Mapping[str, Any], ids: list[str]) -> dict[str, dict[str, Any]]:
    units: dict[str, dict[str, Any]] = {}
    for dim_id in ids:
        cat = ds["dimension"][dim_id].get("category") or {}
        for code, unit in (cat.get("unit") or {}).items():
            if isinstance(unit, Mapping):
                decimals = unit.get("decimals")
                units[str(code)] = {
                    "base": None if unit.get("base") is None else str(unit["base"]),
                    "decimals": int(decimals) if isinstance(decimals, (int, float)) else None,
                }
    return units


def _attrs(ds: Mapping[str, Any], dims: list[Dimension]) -> dict[str, Any]:
    ext = ds.get("extension") if isinstance(ds.get("extension"), Mapping) else {}
    px = ext.get("px") if isinstance(ext.get("px"), Mapping) else {}
    table = px.get("tableid") or px.get("matrix")
    attrs: dict[str, Any] = {
        "format": "json-stat2",
        "label": None if ds.get("label") is None else str(ds["label"]),
        "source": None if ds.get("source") is None else str(ds["source"]),
        "updated": None if ds.get("updated") is None else str(ds["updated"]),
        "table": None if table is None else str(table),
        "notes": _notes(ds.get("note")),
    }
    units = _units(ds, [d.code for d in dims])
    if units:
        attrs["units"] = units
    return attrs

"""Assembling json-stat2 parts of one split selection into the frame one request would give.

Pure: the parts are bytes as received (from the network or the snapshot) or decoded dicts, so
``punos fetch`` and the offline study give the same frame from the same payloads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.errors import InputError, ParseError
from punos_lib.sources import _json, jsonstat
from punos_lib.sources._tidy import Dimension, build_frame
from punos_lib.sources.statfin.selection import table_variables

__all__ = ["assemble"]


def _as_dataset(part: bytes | bytearray | str | Mapping[str, Any], i: int) -> Mapping[str, Any]:
    if isinstance(part, Mapping):
        return part
    if isinstance(part, (bytes, bytearray, str)):
        try:
            obj = _json.loads(part)
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
        :class:`~punos_lib.sources.statfin.client.PxWebClient`).

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
        for var in table_variables(metadata, "metadata given to assemble()"):
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

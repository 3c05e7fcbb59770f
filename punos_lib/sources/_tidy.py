"""The project's one tidy shape, built from a dense cube (shared by the JSON-stat and PC-Axis readers).

Both formats describe a dense cube: an ordered list of dimensions, each with ordered
categories, and a flat vector of cells in row-major order (the last dimension varies
fastest). :func:`build_frame` turns that into the tidy frame described in
``docs/architecture.md``:

- per dimension a code column named by the dimension code, followed by ``<code>_label``;
  both are :class:`pandas.Categorical` with categories in the source's order;
- ``value`` (float64, NaN when missing; object when the source holds non-numeric values);
- ``status`` (categorical of the symbols, categories sorted, missing where a cell has none) only
  when the source has status symbols;
- ``DataFrame.attrs`` with plain JSON-able provenance and dimension metadata.

The code columns are made with index arithmetic (``np.repeat``/``np.tile`` of small integer
codes) and :meth:`pandas.Categorical.from_codes`, never with a Python loop per cell. Categoricals
keep the frame small: a million cells take about 19 MB (codes of one or two bytes per dimension
and for the status, eight for the value) instead of 43 MB with an object status column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from punos_lib.errors import ParseError

__all__ = ["Dimension", "build_frame", "dimension_dicts", "to_values", "status_categorical"]

Role = Literal["time", "geo", "metric"]
# What pandas.api.types.infer_dtype (skipping nulls) says of cells that are JSON numbers and nulls
# only; booleans ("boolean", "mixed") are left out on purpose: a cube of them is not a cube of numbers.
_NUMBER_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})


@dataclass(frozen=True)
class Dimension:
    """One dimension of a cube, categories in the source's order.

    Parameters
    ----------
    code : str
        Column name (JSON-stat dimension id; PC-Axis VARIABLE-CODE or variable name).
    label : str
        Human-readable name of the dimension.
    role : {"time", "geo", "metric"} or None
        The dimension's role, when the source says so.
    categories : list of str
        Category codes, unique, in order.
    labels : list of str
        Category texts, same length and order as ``categories`` (may repeat).
    """

    code: str
    label: str
    role: Role | None
    categories: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def dimension_dicts(dimensions: Sequence[Dimension]) -> list[dict[str, Any]]:
    """Return ``attrs["dimensions"]``: plain dicts with code, label, role, categories, labels."""
    return [
        {
            "code": d.code,
            "label": d.label,
            "role": d.role,
            "categories": list(d.categories),
            "labels": list(d.labels),
        }
        for d in dimensions
    ]


def _code_dtype(n_categories: int) -> type[np.signedinteger[Any]]:
    # The same widths pandas picks for Categorical codes, so from_codes does not copy.
    if n_categories < np.iinfo(np.int8).max:
        return np.int8
    if n_categories < np.iinfo(np.int16).max:
        return np.int16
    if n_categories < np.iinfo(np.int32).max:
        return np.int32
    return np.int64


def to_values(raw: Sequence[Any] | np.ndarray, *, where: str) -> np.ndarray:
    """Convert a sequence of cell values to float64 (None → NaN), or object if any is a string.

    Parameters
    ----------
    raw : sequence
        Numbers, None, or (in unusual datasets) strings.
    where : str
        Where the values come from, for error messages.

    Returns
    -------
    numpy.ndarray
        float64 when every non-null value is a number; otherwise object with the values as given.

    Examples
    --------
    >>> to_values([1, None, 2.5], where="demo").tolist()
    [1.0, nan, 2.5]
    >>> to_values(["A1", None], where="demo").tolist()
    ['A1', None]
    """
    if isinstance(raw, list):
        # The common case (parsed JSON numbers and nulls), decided by pandas' C type inference
        # on an object array: quicker than a Python-level look at each value's type, and
        # numeric strings stay strings (a float conversion of the list would turn "1.5" into 1.5).
        try:
            obj = np.array(raw, dtype=object)
        except ValueError:
            obj = None  # ragged nested lists: the general path below says so
        if obj is not None and obj.ndim == 1 and pd.api.types.infer_dtype(obj, skipna=True) in _NUMBER_KINDS:
            try:
                return obj.astype(np.float64)
            except OverflowError:
                pass  # an integer beyond float64: the general path below says so
    try:
        arr = np.asarray(raw) if not isinstance(raw, np.ndarray) else raw
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ParseError(f"{where}: cell values must be a flat list of numbers, null or strings ({exc})") from exc
    if arr.ndim != 1:
        raise ParseError(f"{where}: cell values must be a flat list of numbers, null or strings")
    if arr.dtype.kind in "fiu":
        return arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "U":
        # numpy turned mixed numbers and strings into strings: keep the originals instead.
        return np.array(list(raw), dtype=object)
    obj = arr if arr.dtype == object else np.array(list(raw), dtype=object)
    kind = pd.api.types.infer_dtype(obj, skipna=True)
    if kind in ("floating", "integer", "mixed-integer-float", "empty", "decimal"):
        # None becomes NaN in a float conversion; strings are excluded by the check above.
        try:
            return obj.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ParseError(f"{where}: cell values could not be read as numbers ({exc})") from exc
    bad = [v for v in obj[:1000] if isinstance(v, (list, dict))]
    if bad:
        raise ParseError(
            f"{where}: a cell value is a {type(bad[0]).__name__} ({bad[0]!r}); "
            "cells must be numbers, null or strings"
        )
    return obj


def status_categorical(
    symbols: Sequence[Any] | np.ndarray, n_cells: int, positions: np.ndarray | None = None
) -> pd.Categorical:
    """Status symbols as a categorical column: categories sorted, a cell without a symbol missing.

    Parameters
    ----------
    symbols : sequence
        The symbols (text; None or NaN for no symbol), one per cell, or one per position.
    n_cells : int
        Cells of the cube.
    positions : numpy.ndarray, optional
        Cell positions of ``symbols`` (a sparse status); every other cell has no symbol.

    Examples
    --------
    >>> status_categorical([".", None, ".."], 3).tolist()
    ['.', nan, '..']
    >>> status_categorical(["..."], 3, np.array([2])).tolist()
    [nan, nan, '...']
    """
    arr = np.empty(len(symbols), dtype=object)
    arr[:] = list(symbols) if not isinstance(symbols, np.ndarray) else symbols
    part, uniques = pd.factorize(arr)  # None and NaN → -1
    # Sorted categories, so that a cube read whole and one assembled from parts are equal.
    order = sorted(range(len(uniques)), key=lambda i: str(uniques[i]))
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    dtype = _code_dtype(len(uniques))
    mapped = np.where(part >= 0, rank[part] if len(uniques) else part, -1).astype(dtype)
    if positions is None:
        codes = mapped
    else:
        codes = np.full(n_cells, -1, dtype=dtype)
        codes[positions] = mapped
    categories = pd.Index(np.array([uniques[i] for i in order], dtype=object), dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories, validate=False)


def _categorical(codes: np.ndarray, categories: Sequence[str], where: str) -> pd.Categorical:
    index = pd.Index(list(categories))
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise ParseError(f"{where}: category code {dup!r} appears more than once; codes must be unique")
    return pd.Categorical.from_codes(codes, categories=index, validate=False)


def build_frame(
    dimensions: Sequence[Dimension],
    values: np.ndarray,
    status: np.ndarray | pd.Categorical | None,
    attrs: dict[str, Any],
    *,
    where: str,
) -> pd.DataFrame:
    """Build the tidy frame from a dense row-major cube.

    Parameters
    ----------
    dimensions : sequence of Dimension
        In the source's order; the last varies fastest in ``values``.
    values : numpy.ndarray
        Flat cells, length = product of the category counts (float64 or object).
    status : numpy.ndarray, pandas.Categorical or None
        Flat status symbols (None where no symbol; see :func:`status_categorical`), or None
        when the source has no status at all.
    attrs : dict
        Plain JSON-able metadata; stored as ``DataFrame.attrs`` (``dimensions`` is added).
    where : str
        Name of the source (file or payload), for error messages.

    Returns
    -------
    pandas.DataFrame
        The tidy frame.

    Examples
    --------
    >>> dims = [Dimension("a", "A", None, ["x", "y"], ["X", "Y"]),
    ...         Dimension("b", "B", "time", ["2024"], ["2024"])]
    >>> df = build_frame(dims, np.array([1.0, 2.0]), None, {"format": "px"}, where="demo")
    >>> df["a"].tolist(), df["value"].tolist()
    (['x', 'y'], [1.0, 2.0])
    """
    sizes = [len(d.categories) for d in dimensions]
    n_cells = int(np.prod(sizes, dtype=np.int64)) if sizes else 1
    if len(values) != n_cells:
        shape = " × ".join(f"{d.code}={len(d.categories)}" for d in dimensions) or "no dimensions"
        raise ParseError(
            f"{where}: {len(values)} values but the dimensions ({shape}) make {n_cells} cells; "
            "the payload is inconsistent or truncated"
        )
    if status is not None and len(status) != n_cells:
        raise ParseError(f"{where}: {len(status)} status entries for {n_cells} cells")

    taken: set[str] = {"value", "status"}
    columns: dict[str, Any] = {}
    inner = n_cells
    outer = 1
    for dim, size in zip(dimensions, sizes, strict=True):
        if len(dim.labels) != size:
            raise ParseError(
                f"{where}: dimension {dim.code!r} has {size} categories but {len(dim.labels)} labels"
            )
        label_col = f"{dim.code}_label"
        for name in (dim.code, label_col):
            if name in taken:
                raise ParseError(
                    f"{where}: column name {name!r} (from dimension {dim.code!r}) collides with "
                    "another column of the tidy frame; rename the dimension in the source"
                )
            taken.add(name)
        inner = inner // size if size else 0
        dtype = _code_dtype(size)
        # Row-major: each code repeats `inner` times, and that block repeats `outer` times.
        codes = np.tile(np.repeat(np.arange(size, dtype=dtype), inner), outer)
        outer *= size
        columns[dim.code] = _categorical(codes, dim.categories, f"{where}, dimension {dim.code!r}")
        label_index = pd.Index(list(dim.labels))
        if label_index.is_unique:
            columns[label_col] = pd.Categorical.from_codes(codes, categories=label_index, validate=False)
        else:
            # Texts may repeat (e.g. "Yhteensä" at two levels); categories must be unique.
            remap, uniques = pd.factorize(label_index)
            label_codes = remap.astype(_code_dtype(len(uniques)))[codes]
            columns[label_col] = pd.Categorical.from_codes(
                label_codes, categories=pd.Index(uniques), validate=False
            )
    # An explicit object Series: pandas 3 would otherwise infer its string dtype for text.
    columns["value"] = pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
    if status is not None:
        columns["status"] = status if isinstance(status, pd.Categorical) else status_categorical(status, n_cells)
    frame = pd.DataFrame(columns, copy=False)
    out_attrs = dict(attrs)
    out_attrs["dimensions"] = dimension_dicts(dimensions)
    frame.attrs = out_attrs
    return frame

"""Area codes of a frame: the regions it has, the municipalities of a region, regions ranked.

Area codes are in StatFin form: ``SSS`` (whole country), ``MK10`` (region), ``KU491``
(municipality), in the column ``area`` of every frame (``punos_lib.datasets``).
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from punos_lib.analysis._common import (
    REGION_CODE, area_rows, as_float, carry, require_columns,
)
from punos_lib.errors import InputError

__all__ = [
    "region_codes",
    "region_municipalities",
    "mark_region",
    "with_regions",
]


def region_codes(frame: pd.DataFrame) -> list[str]:
    """The region (maakunta) codes ``MKxx`` present in ``frame['area']``, sorted.

    Examples
    --------
    >>> region_codes(pd.DataFrame({"area": ["SSS", "MK10", "KU491", "MK01"]}))
    ['MK01', 'MK10']
    """
    require_columns(frame, ["area"], "region_codes")
    return sorted({a for a in frame["area"].astype(str) if REGION_CODE.match(a)})


def region_municipalities(municipalities: pd.DataFrame, region: str) -> list[str]:
    """Codes (``KUxxx``) of the region's municipalities in the current division, by code.

    Parameters
    ----------
    municipalities : DataFrame
        :func:`punos_lib.datasets.municipalities` (columns ``area``, ``region``).
    region : str
        ``"MK10"`` etc.

    Raises
    ------
    InputError
        No municipality belongs to ``region``; the message lists the valid region codes.
    """
    require_columns(municipalities, ["area", "region"], "region_municipalities")
    rows = municipalities[municipalities["region"].astype(str) == region]
    if rows.empty:
        valid = ", ".join(sorted(municipalities["region"].astype(str).unique()))
        raise InputError(
            f"region {region!r} has no municipalities in the municipality key; valid region codes "
            f"are {valid}"
        )
    return sorted(rows["area"].astype(str).tolist())


def mark_region(frame: pd.DataFrame, region: str, *, value: str, ascending: bool = False) -> pd.DataFrame:
    """Rank the rows of ``frame`` by ``value`` and flag the study region (``is_region``).

    Used to place the region among all 19 regions. Rows are sorted by ``value``
    (largest first unless ``ascending``), ``rank`` is 1 for the first row.

    Raises
    ------
    InputError
        ``region`` is not among the rows.

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["MK01", "MK10", "MK02"], "v": [1.0, -2.0, 3.0]})
    >>> mark_region(f, "MK10", value="v")[["area", "rank", "is_region"]].values.tolist()
    [['MK02', 1, False], ['MK01', 2, False], ['MK10', 3, True]]
    """
    require_columns(frame, ["area", value], "mark_region")
    area_rows(frame, region, "mark_region")
    out = frame.sort_values(value, ascending=ascending, kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out["is_region"] = out["area"].astype(str) == region
    return carry(out, frame)


def with_regions(frame: pd.DataFrame, municipalities: pd.DataFrame, value: str) -> pd.DataFrame:
    """Add region rows (``MKxx``) summed from the municipality rows (``KUxxx``) of ``frame``.

    Some StatFin tables (e.g. population 11re) give the country and municipalities but not
    regions. Regions already in ``frame`` are kept as they are; the others are the sums of
    their municipalities in the current division (:func:`punos_lib.datasets.municipalities`),
    within every combination of the other key columns (age, year …). A region with a missing
    municipality cell is NaN for that combination.

    Parameters
    ----------
    frame : DataFrame
        Columns ``area``, optional ``area_name``, ``value`` and key columns.
    municipalities : DataFrame
        ``area``, ``region``, ``region_name_fi``.
    value : str
        The column to sum.

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["SSS", "KU1", "KU2"], "year": [1, 1, 1], "n": [9.0, 2.0, 3.0]})
    >>> m = pd.DataFrame({"area": ["KU1", "KU2"], "region": ["MK10"] * 2, "region_name_fi": ["R"] * 2})
    >>> with_regions(f, m, "n").query("area == 'MK10'")["n"].tolist()
    [5.0]
    """
    require_columns(frame, ["area", value], "with_regions")
    require_columns(municipalities, ["area", "region", "region_name_fi"], "with_regions (municipalities)")
    region_of = dict(zip(municipalities["area"].astype(str), municipalities["region"].astype(str)))
    names = dict(zip(municipalities["region"].astype(str), municipalities["region_name_fi"].astype(str)))
    areas = frame["area"].astype(str)
    present = {a for a in areas.unique() if REGION_CODE.match(a)}
    rows = frame[areas.isin(list(region_of))].copy()
    rows["area"] = rows["area"].astype(str).map(region_of)
    rows = rows[~rows["area"].isin(list(present))]
    keys = [c for c in frame.columns if c not in ("area", "area_name", value)]
    rows[value] = as_float(rows[value])
    summed = (
        rows.groupby(["area", *keys], sort=True, dropna=False)[value]
        .sum(min_count=1, skipna=False)
        .reset_index()
    )
    if "area_name" in frame.columns:
        summed.insert(1, "area_name", summed["area"].map(names))
    out = pd.concat([frame.assign(area=areas), summed[list(frame.columns)]], ignore_index=True)
    return carry(out, frame, municipalities)

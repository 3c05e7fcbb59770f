"""Tile-grid positions: one equal square per area on a small grid, placed roughly geographically.

Tile maps (:mod:`punos_lib.present.maps`) draw these when no boundaries are at hand.
:func:`tile_grid` places any areas with a projected centre (``x_km``, ``y_km``);
:func:`region_tile_grid` places regions from their municipalities' centres; :data:`REGION_TILES` is
the hand-made layout of the 19 regions that the region maps use. Rows count from 0 in the north,
columns from 0 in the west. Pure: positions are computed from the frames given, nothing is read.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from punos_lib.errors import InputError

__all__ = ["REGION_TILES", "tile_grid", "region_tile_grid"]

#: A hand-made tile layout of the 19 regions, (row, col) with row 0 in the north: each region
#: sits next to its real neighbours as far as a 5 × 6 grid allows.
REGION_TILES: dict[str, tuple[int, int]] = {
    "MK19": (0, 3),
    "MK16": (1, 2), "MK17": (1, 3), "MK18": (1, 4),
    "MK15": (2, 1), "MK14": (2, 2), "MK13": (2, 3), "MK11": (2, 4), "MK12": (2, 5),
    "MK04": (3, 1), "MK06": (3, 2), "MK07": (3, 3), "MK10": (3, 4), "MK09": (3, 5),
    "MK21": (4, 0), "MK02": (4, 1), "MK05": (4, 2), "MK01": (4, 3), "MK08": (4, 4),
}


def tile_grid(areas: pd.DataFrame, *, slack: float = 1.2) -> pd.DataFrame:
    """One equal tile per area on a grid, placed roughly where the area lies.

    Each area gets a target cell from its rank east-west (column) and north-south (row) among
    the areas, on a grid about as wide/tall as the areas' extent with ``slack`` spare cells.
    Areas are then placed one by one (north to south, west to east, then by code) in their target
    cell or, when it is taken, the free cell nearest to their ranked position (ties: upper row,
    then left column). Deterministic; no two areas share a cell.

    Parameters
    ----------
    areas : DataFrame
        ``area`` (the area code), ``x_km``, ``y_km`` (EPSG:3067 km; any projected x/y works),
        e.g. :func:`punos_lib.datasets.municipalities`.
    slack : float
        Cells per area (>= 1); spare cells let areas stay closer to their target.

    Returns
    -------
    DataFrame
        ``area``, ``row`` (0 = north), ``col`` (0 = west), in the input's order.
    """
    for col in ("area", "x_km", "y_km"):
        if col not in areas.columns:
            raise InputError(f"tile_grid: column {col!r} is missing (need area, x_km, y_km)")
    n = len(areas)
    if n == 0:
        raise InputError("tile_grid: no areas given")
    if areas["area"].duplicated().any():
        dup = areas.loc[areas["area"].duplicated(), "area"].tolist()[:5]
        raise InputError(f"tile_grid: duplicate codes {dup}")
    xs = pd.to_numeric(areas["x_km"], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(areas["y_km"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(xs).any() or np.isnan(ys).any():
        bad = areas.loc[np.isnan(xs) | np.isnan(ys), "area"].tolist()[:5]
        raise InputError(f"tile_grid: areas {bad} have no x_km/y_km")
    if slack < 1:
        raise InputError(f"tile_grid: slack must be >= 1, got {slack}")
    width = max(xs.max() - xs.min(), 1e-9)
    height = max(ys.max() - ys.min(), 1e-9)
    cells = n * slack
    ncols = max(1, min(n, round(math.sqrt(cells * width / height))))
    nrows = max(1, math.ceil(cells / ncols), math.ceil(n / ncols))
    order_x = np.lexsort((areas["area"].astype(str).to_numpy(), xs))
    order_y = np.lexsort((areas["area"].astype(str).to_numpy(), -ys))
    rank_x = np.empty(n)
    rank_y = np.empty(n)
    rank_x[order_x] = np.arange(n)
    rank_y[order_y] = np.arange(n)
    # continuous positions in cell units (centre of the rank's share of the grid)
    fx = (rank_x + 0.5) * ncols / n - 0.5
    fy = (rank_y + 0.5) * nrows / n - 0.5
    want_col = np.clip(np.rint(fx), 0, ncols - 1).astype(int)
    want_row = np.clip(np.rint(fy), 0, nrows - 1).astype(int)
    grid_r, grid_c = np.divmod(np.arange(nrows * ncols), ncols)
    free = np.ones(nrows * ncols, dtype=bool)
    rows = np.empty(n, dtype=int)
    cols = np.empty(n, dtype=int)
    codes = areas["area"].astype(str).to_numpy()
    for i in np.lexsort((codes, want_col, want_row)):
        cell = want_row[i] * ncols + want_col[i]
        if not free[cell]:
            dist = (grid_r - fy[i]) ** 2 + (grid_c - fx[i]) ** 2
            dist = np.where(free, dist, np.inf)
            cell = int(np.argmin(dist))  # argmin takes the first minimum: upper row, then left
        free[cell] = False
        rows[i], cols[i] = grid_r[cell], grid_c[cell]
    return pd.DataFrame({"area": codes, "row": rows, "col": cols})


def region_tile_grid(key: pd.DataFrame) -> pd.DataFrame:
    """Tile-grid positions of the regions (``MKxx``), from the mean centre of their areas.

    Parameters
    ----------
    key : DataFrame
        ``region``, ``x_km``, ``y_km`` per municipality, e.g.
        :func:`punos_lib.reference.areas.load_curated_key` or
        :func:`punos_lib.datasets.municipalities` (presentation code is given its data).

    Returns
    -------
    DataFrame
        ``area`` (the region code), ``row``, ``col``, regions sorted by code.
    """
    for col in ("region", "x_km", "y_km"):
        if col not in key.columns:
            raise InputError(f"region_tile_grid: column {col!r} is missing (need region, x_km, y_km)")
    centres = key.groupby("region", sort=True)[["x_km", "y_km"]].mean().reset_index()
    return tile_grid(centres.rename(columns={"region": "area"}))

"""Tile-grid positions (punos_lib.present.tiles) of the committed municipalities and the regions."""

from __future__ import annotations

import pandas as pd
import pytest

from punos_lib.errors import InputError
from punos_lib.present.tiles import REGION_TILES, region_tile_grid, tile_grid
from punos_lib.reference.municipalities import load_curated_key


def _key():
    # The committed key in the presentation's vocabulary (area codes in ``area``).
    return load_curated_key().rename(columns={"code": "area"})


def test_tile_grid_all_municipalities() -> None:
    key = _key()
    tiles = tile_grid(key)
    assert len(tiles) == 308 and tiles["area"].tolist() == key["area"].tolist()
    assert not tiles.duplicated(["row", "col"]).any()
    pos = tiles.set_index("area")
    assert pos.loc["KU491", "row"] > pos.loc["KU593", "row"]  # Mikkeli south of Pieksämäki
    assert pos.loc["KU740", "col"] > pos.loc["KU491", "col"]  # Savonlinna east of Mikkeli
    assert pos.loc["KU091", "row"] > pos.loc["KU698", "row"]  # Helsinki south of Rovaniemi
    # order kept overall: rank correlation of row with -y and of col with x
    rho_row = pd.Series(tiles["row"].to_numpy()).corr(pd.Series(-key["y_km"].to_numpy()), method="spearman")
    rho_col = pd.Series(tiles["col"].to_numpy()).corr(pd.Series(key["x_km"].to_numpy()), method="spearman")
    assert rho_row > 0.95 and rho_col > 0.9
    assert tile_grid(key).equals(tiles)  # deterministic


def test_tile_grid_region_and_errors() -> None:
    key = _key()
    mk10 = tile_grid(key[key["region"] == "MK10"])
    assert len(mk10) == 11 and not mk10.duplicated(["row", "col"]).any()
    regions = region_tile_grid(key)
    assert len(regions) == 19 and not regions.duplicated(["row", "col"]).any()
    pos = regions.set_index("area")
    assert pos.loc["MK19", "row"] < pos.loc["MK10", "row"] < pos.loc["MK01", "row"]  # Lappi, Etelä-Savo, Uusimaa
    with pytest.raises(InputError, match="duplicate"):
        tile_grid(pd.DataFrame({"area": ["a", "a"], "x_km": [1, 2], "y_km": [1, 2]}))
    with pytest.raises(InputError, match="x_km"):
        tile_grid(pd.DataFrame({"area": ["a"]}))
    with pytest.raises(InputError, match="region_tile_grid: column 'x_km'"):
        region_tile_grid(key[["area", "region"]])


def test_region_tiles_are_the_19_regions_on_distinct_cells() -> None:
    from punos_lib.reference.regions import REGIONS

    assert set(REGION_TILES) == set(REGIONS)
    assert len(set(REGION_TILES.values())) == 19

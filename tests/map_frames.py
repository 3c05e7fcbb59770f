"""Shared test data for the map tests: the recorded real municipality boundaries with their regions."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd


def real_municipalities(reference: Path) -> gpd.GeoDataFrame:
    """kunta1000k_2025 (EPSG:3067) with ``area`` (KUxxx), ``name_fi`` and ``region`` (MKxx)."""
    gdf = gpd.read_file(reference / "geo" / "kunta1000k_2025_with_neighbors_and_province.geojson")
    gdf = gdf.to_crs(3067)
    key = pd.read_csv(reference / "keys" / "municipality_key_2025.csv", dtype=str)
    key = pd.DataFrame({"area": "KU" + key["kunta"].str.zfill(3),
                        "region": "MK" + key["maakunta_code"].str.zfill(2)})
    gdf["area"] = "KU" + gdf["kunta"].astype(str).str.zfill(3)
    gdf["name_fi"] = gdf["nimi"]
    return gdf.merge(key, on="area")

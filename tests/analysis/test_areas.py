"""Tests of punos_lib.analysis.areas against hand-computed values and recorded real statistics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from punos_lib.analysis import areas
from punos_lib.errors import InputError

from analysis_frames import PROV_A, with_provenance


def test_region_municipalities_from_the_real_2025_key(reference):
    key = pd.read_csv(reference / "keys/municipality_key_2025.csv", dtype=str)
    frame = pd.DataFrame({"area": "KU" + key["kunta"],
                          "region": "MK" + key["maakunta_code"].str.zfill(2)})
    codes = areas.region_municipalities(frame, "MK10")
    # DOMAIN.md: the 11 municipalities of Etelä-Savo from 1.1.2025.
    assert codes == ["KU046", "KU097", "KU178", "KU213", "KU491", "KU507", "KU593", "KU623",
                     "KU681", "KU740", "KU768"]
    with pytest.raises(InputError, match="MK10"):
        areas.region_municipalities(frame, "MK03")


def test_mark_region_and_region_codes():
    frame = pd.DataFrame({"area": ["SSS", "MK01", "MK10", "MK02", "KU491"],
                          "v": [0.0, 2.0, -1.0, 5.0, 9.0]})
    assert areas.region_codes(frame) == ["MK01", "MK02", "MK10"]
    ranked = areas.mark_region(frame[frame["area"].isin(["MK01", "MK02", "MK10"])], "MK10", value="v")
    assert ranked["area"].tolist() == ["MK02", "MK01", "MK10"]
    assert ranked.loc[ranked["is_region"], "rank"].tolist() == [3]
    with pytest.raises(InputError):
        areas.mark_region(frame, "MK99", value="v")


def test_with_regions_sums_municipalities_and_keeps_given_regions():
    frame = pd.DataFrame({"area": ["SSS", "KU491", "KU046", "KU091", "MK01", "KU593"],
                          "area_name": ["KOKO MAA", "Mikkeli", "Enonkoski", "Helsinki", "Uusimaa", "P"],
                          "year": [2024] * 6, "population": [100.0, 50.0, 1.0, 60.0, 70.0, np.nan]})
    munis = pd.DataFrame({"area": ["KU491", "KU046", "KU091", "KU593"],
                          "region": ["MK10", "MK10", "MK01", "MK11"],
                          "region_name_fi": ["Etelä-Savo", "Etelä-Savo", "Uusimaa", "X"]})
    out = with_provenance(frame, PROV_A)
    out = areas.with_regions(out, munis, "population").set_index("area")
    assert out.loc["MK10", "population"] == 51.0
    assert out.loc["MK10", "area_name"] == "Etelä-Savo"
    assert out.loc["MK01", "population"] == 70.0  # given in the table: not recomputed
    assert math.isnan(out.loc["MK11", "population"])  # a missing municipality cell propagates
    assert out.attrs["provenance"]["synthetic"] is True

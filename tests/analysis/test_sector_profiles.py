"""Tests of punos_lib.analysis.sector_profiles against hand-computed values and recorded real statistics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from punos_lib.analysis import sector_profiles

from analysis_frames import PROV_A, PROV_B, forest_sector, with_provenance


def test_sector_occupations_with_national_and_regional_age_data():
    occ = with_provenance(pd.DataFrame({"area": ["MK10", "MK10", "SSS"], "occupation": ["6210", "9999", "6210"],
                              "year": [2022] * 3, "employed": [400.0, 1.0, 9000.0]}), PROV_A)
    national = with_provenance(pd.DataFrame({
        "occupation": ["6210", "6210", "6210", "8172", "8172"],
        "age_group": ["15-54", "55-64", "65-", "15-54", "55-64"],
        "year": [2022] * 5, "employed": [60.0, 30.0, 10.0, 75.0, 25.0]}), PROV_B)
    out = sector_profiles.sector_occupations(occ, forest_sector(), "MK10", by_age=national).set_index("occupation")
    assert out.loc["6210", "employed"] == 400.0
    assert math.isnan(out.loc["8172", "employed"])  # absent: shown, not dropped
    assert out.loc["6210", "share_aged_55_plus"] == pytest.approx(40.0)
    assert out.loc["8172", "share_aged_55_plus"] == pytest.approx(25.0)
    assert out["age_basis"].tolist() == ["koko maa (6210)", "koko maa (8172)"]
    assert out.loc["6210", "occupation_name"] == "Metsurit ja metsätyöntekijät"
    prov = out.attrs["provenance"]
    assert prov["synthetic"] is True and prov["datasets"] == ["population", "occupations_by_age"]

    regional = national.assign(area="MK10")
    out = sector_profiles.sector_occupations(occ, forest_sector(), "MK10", by_age=regional)
    assert out["age_basis"].tolist() == ["maakunta (6210)", "maakunta (8172)"]


def test_sector_occupations_at_a_coarser_level_count_each_group_once():
    # Data with 3-digit groups only (as table 115s): 7521 and 7523 both fall in 752.
    occ = pd.DataFrame({"area": ["MK10"] * 3, "occupation": ["621", "752", "75"],
                        "year": [2023] * 3, "employed": [300.0, 120.0, 999.0]})
    by_age = pd.DataFrame({"area": ["MK10"] * 4, "occupation": ["62", "62", "75", "75"],
                           "age_group": ["15-54", "55-64", "15-54", "65-74"],
                           "year": [2023] * 4, "employed": [80.0, 20.0, 50.0, 50.0]})
    sector = forest_sector(aml=("6210", "7521", "7523"))
    out = sector_profiles.sector_occupations(occ, sector, "MK10", by_age=by_age)
    assert out["occupation"].tolist() == ["621", "752"]
    assert out["covers"].tolist() == ["6210", "7521, 7523"]
    assert out["employed"].tolist() == [300.0, 120.0]
    assert out["share_aged_55_plus"].tolist() == pytest.approx([20.0, 50.0])
    assert out["age_basis"].tolist() == ["maakunta (62)", "maakunta (75)"]


def test_sector_tightness_averages_last_months():
    months = [f"2023M{m:02d}" for m in range(1, 13)] + ["2024M01"]  # 13 months
    rows = []
    for i, month in enumerate(months):
        rows.append({"area": "MK10", "occupation": "6210", "month": month,
                     "unemployed": 10.0 if i else 1000.0, "vacancies": 5.0})
        rows.append({"area": "MK10", "occupation": "8172", "month": month,
                     "unemployed": 4.0, "vacancies": np.nan if i % 2 else 8.0})
    out = sector_profiles.sector_tightness(pd.DataFrame(rows), forest_sector(), "MK10").set_index("occupation")
    # the first month (1000 unemployed) is outside the last 12
    assert out.loc["6210", "unemployed"] == 10.0
    assert out.loc["6210", "tightness"] == pytest.approx(0.5)
    assert out.loc["8172", "vacancies"] == 8.0  # suppressed months left out of the mean
    assert out.loc["Yhteensä", "tightness"] == pytest.approx(13.0 / 14.0)
    assert out.attrs["months"] == ("2023M02", "2024M01")


def test_sector_education_prefix_match_and_visible_gap():
    edu = pd.DataFrame({"area": ["MK10"] * 4, "year": [2023] * 4,
                        "level": ["amk", "amk", "amm", "amk"],
                        "field": ["0821", "08219", "0821", "08"],
                        "measure": ["tutkinnot"] * 4, "value": [10.0, 5.0, 7.0, 99.0]})
    sector = forest_sector(koulutusala=("0821", "0722"))
    out = sector_profiles.sector_education(edu, sector, "MK10")
    forest = out[out["field"] == "0821"].set_index("level")["value"]
    assert forest.to_dict() == {"amk": 15.0, "amm": 7.0}  # '08' is coarser: not attributed
    gap = out[out["field"] == "0722"]
    assert len(gap) == 1 and math.isnan(gap["value"].iloc[0])
    assert out.loc[out["field"] == "0821", "field_name"].iloc[0] == "Metsätalous"


def test_sector_education_falls_back_to_the_broad_field_once():
    edu = pd.DataFrame({"area": ["MK10"] * 2, "year": [2024] * 2, "level": ["amk", "amk"],
                        "field": ["08", "07"], "measure": ["tutkinnot"] * 2, "value": [40.0, 9.0]})
    sector = forest_sector(koulutusala=("0811", "0821"))
    out = sector_profiles.sector_education(edu, sector, "MK10")
    assert out[["field", "covers", "value"]].values.tolist() == [["08", "0811, 0821", 40.0]]
    assert out["field_name"].iloc[0] == "Maa- ja metsätalousalat"

"""Tests of punos_lib.analysis.population against hand-computed values and recorded real statistics."""

from __future__ import annotations

import pandas as pd
import pytest

from punos_lib.analysis import population
from punos_lib.errors import InputError

from analysis_frames import PROV_A, with_provenance


def _ones(area: str = "MK10", year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame({"area": area, "area_name": "R", "age": range(101), "year": year,
                         "population": 1.0})


def test_five_year_and_broad_groups_count_ages():
    five = population.five_year_groups(_ones())
    counts = five.set_index("age_group")["population"]
    assert len(counts) == 18
    assert counts["0–4"] == 5.0 and counts["80–84"] == 5.0
    assert counts["85+"] == 16.0  # ages 85..100
    broad = population.broad_age_groups(_ones()).set_index("age_group")["population"]
    assert broad.to_dict() == {"0–14": 15.0, "15–64": 50.0, "65+": 36.0}


def test_age_bands_refuses_bad_input():
    with pytest.raises(InputError):
        population.age_bands(_ones(), [5, 10])
    bad = _ones().astype({"age": object})
    bad.loc[0, "age"] = "SSS"
    with pytest.raises(InputError, match="whole ages"):
        population.broad_age_groups(bad)


def test_age_structure_shares_region_and_country():
    region = _ones("MK10")
    region.loc[region["age"] >= 85, "population"] = 4.0  # 16 ages × 4 = 64 of 149
    frame = with_provenance(pd.concat([region, _ones("SSS")], ignore_index=True), PROV_A)
    out = population.age_structure(frame, "MK10").set_index("age_group")
    assert out.loc["85+", "region_share"] == pytest.approx(64 / 149 * 100)
    assert out.loc["85+", "country_share"] == pytest.approx(16 / 101 * 100)
    assert out["region_share"].sum() == pytest.approx(100.0)
    assert out.attrs["year"] == 2024


def test_dependency_by_area_hand_computed():
    a = _ones("KU491")  # 15 + 36 dependants per 50 working age = 102
    b = _ones("MK10")
    b.loc[b["age"] < 15, "population"] = 3.0  # (45 + 36) / 50 * 100 = 162
    out = population.dependency_by_area(pd.concat([a, b]), ["KU491", "MK10"])
    assert out["dependency"].tolist() == pytest.approx([102.0, 162.0])


def test_projection_by_age_shares_and_index():
    p1, p2 = _ones(year=2024), _ones(year=2045)
    p2.loc[p2["age"] >= 65, "population"] = 2.0
    out = population.projection_by_age(pd.concat([p1, p2]), "MK10")
    old = out[out["age_group"] == "65+"].set_index("year")
    assert old.loc[2045, "index"] == pytest.approx(200.0)
    assert old.loc[2045, "share_pct"] == pytest.approx(72 / 137 * 100)


def test_population_change_on_real_municipal_populations(reference):
    raw = pd.read_csv(reference / "population/etela_savo_population_2000_2022_sotkanet.csv",
                      dtype={"municipality_code": str})
    frame = pd.DataFrame({"area": "KU" + raw["municipality_code"], "area_name": raw["municipality_code"],
                          "age": 0, "year": raw["year"], "population": raw["population"]})
    out = population.population_change(frame, ["KU491", "KU046"], start=2012, end=2022)
    mikkeli = out.set_index("area").loc["KU491"]
    # PROVENANCE.md: Mikkeli 51,980 in 2022; 54,519 in 2012 read from the same file.
    assert mikkeli["population_end"] == 51980.0
    assert mikkeli["change"] == 51980.0 - 54519.0
    assert mikkeli["change_pct"] == pytest.approx(-2539 / 54519 * 100)
    with pytest.raises(InputError, match="KU999"):
        population.population_change(frame, ["KU999"])
    with pytest.raises(InputError, match="available years"):
        population.population_change(frame, ["KU491"], start=1990)


def test_region_municipality_table():
    munis = pd.DataFrame({"area": ["KU491", "KU046", "KU091"], "name_fi": ["Mikkeli", "Enonkoski", "Helsinki"],
                          "region": ["MK10", "MK10", "MK01"], "subregion": ["SK101", "SK105", "SK011"],
                          "employment_area": ["1", "2", "3"]})
    pop = pd.DataFrame({"area": ["KU491", "KU491", "KU046", "KU491"], "age": [0, 1, 0, 0],
                        "year": [2024, 2024, 2024, 2023], "population": [10.0, 5.0, 2.0, 99.0]})
    out = population.region_municipality_table(munis, pop, "MK10")
    # Without names in the key the codes are shown rather than nothing.
    assert out[["area", "area_name", "subregion_name", "population"]].values.tolist() == [
        ["KU046", "Enonkoski", "SK105", 2.0], ["KU491", "Mikkeli", "SK101", 15.0]]


def test_region_municipality_table_names_subregions_and_employment_areas():
    # Readers see the names of the sub-region and employment area, not codes (issue 10, Table 1).
    munis = pd.DataFrame({"area": ["KU491", "KU046"], "name_fi": ["Mikkeli", "Enonkoski"],
                          "region": ["MK10", "MK10"], "subregion": ["SK101", "SK103"],
                          "subregion_name_fi": ["Mikkeli", "Savonlinna"], "employment_area": ["23", "36"],
                          "employment_area_name_fi": ["Mikkeli", pd.NA]})
    pop = pd.DataFrame({"area": ["KU491", "KU046"], "year": [2024, 2024], "population": [15.0, 2.0]})
    out = population.region_municipality_table(munis, pop, "MK10")
    assert list(out.columns) == ["area", "area_name", "subregion_name", "employment_area_name", "population"]
    assert out[["subregion_name", "employment_area_name"]].values.tolist() == [
        ["Savonlinna", "36"], ["Mikkeli", "Mikkeli"]]

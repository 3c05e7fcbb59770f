"""Tests of punos_lib.analysis against hand-computed values and recorded real classifications."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from punos_lib import analysis
from punos_lib.errors import InputError
from punos_lib.reference.sectors import Sector

PROV_A = {"datasets": ["population"], "entries": ["population/data"], "synthetic": True,
          "attribution": ["Lähde: Tilastokeskus"], "updated": {"population": "2025-04-01"}}
PROV_B = {"datasets": ["occupations_by_age"], "entries": ["occupations_by_age/data"],
          "synthetic": False, "attribution": ["Lähde: Tilastokeskus"], "updated": {}}


def _with(frame: pd.DataFrame, prov: dict) -> pd.DataFrame:
    frame.attrs["provenance"] = prov
    return frame


# --------------------------------------------------------------------------- TOL sections


def test_tol_section_matches_the_classification_api_parents(reference):
    # Independent source: the real classification API response gives each division's parent.
    items = json.loads((reference / "classifications/api_json/toimiala_fi.json").read_text("utf-8"))
    divisions = {i["code"]: i["parentCode"] for i in items if i["level"] == 2.0}
    assert len(divisions) == 89  # 88 divisions and 00 (unknown) under X
    assert {d: analysis.tol_section(d) for d in divisions} == divisions


@pytest.mark.parametrize("bad", ["04", "1", "C", "161", "89", 16])
def test_tol_section_refuses_non_divisions(bad):
    with pytest.raises(InputError):
        analysis.tol_section(bad)


def _jobs_frame() -> pd.DataFrame:
    rows = []
    for area, name, values in (
        ("MK10", "Etelä-Savo", {"SSS": 200.0, "A": 999.0, "01": 10.0, "02": 30.0, "16": 20.0,
                                "17": 5.0, "86": 50.0, "62": 20.0, "X": 1.0}),
        ("SSS", "KOKO MAA", {"SSS": 2000.0, "01": 100.0, "02": 100.0, "16": 150.0, "17": 50.0,
                             "86": 400.0, "62": 500.0, "X": 10.0}),
    ):
        for code, value in values.items():
            rows.append({"area": area, "area_name": name, "industry": code,
                         "industry_name": f"ala {code}", "year": 2023, "jobs": value})
    return _with(pd.DataFrame(rows), PROV_A)


def test_industries_to_sections_sums_divisions_and_ignores_totals():
    out = analysis.industries_to_sections(_jobs_frame())
    region = out[out["area"] == "MK10"].set_index("section")["jobs"]
    # A = 01 + 02, C = 16 + 17, J = 62, Q = 86, X kept; the SSS and 'A' rows are not added.
    assert region.to_dict() == {"A": 40.0, "C": 25.0, "J": 20.0, "Q": 50.0, "X": 1.0}
    names = out.drop_duplicates("section").set_index("section")["section_name"]
    assert names["C"] == "Teollisuus"
    assert names["Q"] == "Terveys- ja sosiaalipalvelut"
    assert out.attrs["provenance"]["synthetic"] is True


def test_industries_to_sections_propagates_missing_cells():
    frame = _jobs_frame()
    frame.loc[(frame["area"] == "MK10") & (frame["industry"] == "17"), "jobs"] = np.nan
    out = analysis.industries_to_sections(frame)
    region = out[out["area"] == "MK10"].set_index("section")["jobs"]
    assert math.isnan(region["C"])
    assert region["A"] == 40.0


def test_industries_to_sections_uses_section_rows_when_no_divisions():
    frame = pd.DataFrame({"area": ["SSS"] * 3, "industry": ["SSS", "A", "C"], "jobs": [9.0, 4.0, 5.0]})
    out = analysis.industries_to_sections(frame)
    assert out.set_index("section")["jobs"].to_dict() == {"A": 4.0, "C": 5.0}


# --------------------------------------------------------------------------- ages


def _ones(area: str = "MK10", year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame({"area": area, "area_name": "R", "age": range(101), "year": year,
                         "population": 1.0})


def test_five_year_and_broad_groups_count_ages():
    five = analysis.five_year_groups(_ones())
    counts = five.set_index("age_group")["population"]
    assert len(counts) == 18
    assert counts["0–4"] == 5.0 and counts["80–84"] == 5.0
    assert counts["85+"] == 16.0  # ages 85..100
    broad = analysis.broad_age_groups(_ones()).set_index("age_group")["population"]
    assert broad.to_dict() == {"0–14": 15.0, "15–64": 50.0, "65+": 36.0}


def test_age_bands_refuses_bad_input():
    with pytest.raises(InputError):
        analysis.age_bands(_ones(), [5, 10])
    bad = _ones().astype({"age": object})
    bad.loc[0, "age"] = "SSS"
    with pytest.raises(InputError, match="whole ages"):
        analysis.broad_age_groups(bad)


def test_age_structure_shares_region_and_country():
    region = _ones("MK10")
    region.loc[region["age"] >= 85, "population"] = 4.0  # 16 ages × 4 = 64 of 149
    frame = _with(pd.concat([region, _ones("SSS")], ignore_index=True), PROV_A)
    out = analysis.age_structure(frame, "MK10").set_index("age_group")
    assert out.loc["85+", "region_share"] == pytest.approx(64 / 149 * 100)
    assert out.loc["85+", "country_share"] == pytest.approx(16 / 101 * 100)
    assert out["region_share"].sum() == pytest.approx(100.0)
    assert out.attrs["year"] == 2024


def test_dependency_by_area_hand_computed():
    a = _ones("KU491")  # 15 + 36 dependants per 50 working age = 102
    b = _ones("MK10")
    b.loc[b["age"] < 15, "population"] = 3.0  # (45 + 36) / 50 * 100 = 162
    out = analysis.dependency_by_area(pd.concat([a, b]), ["KU491", "MK10"])
    assert out["dependency"].tolist() == pytest.approx([102.0, 162.0])


def test_projection_by_age_shares_and_index():
    p1, p2 = _ones(year=2024), _ones(year=2045)
    p2.loc[p2["age"] >= 65, "population"] = 2.0
    out = analysis.projection_by_age(pd.concat([p1, p2]), "MK10")
    old = out[out["age_group"] == "65+"].set_index("year")
    assert old.loc[2045, "index"] == pytest.approx(200.0)
    assert old.loc[2045, "share_pct"] == pytest.approx(72 / 137 * 100)


# --------------------------------------------------------------------------- population, areas


def test_population_change_on_real_municipal_populations(reference):
    raw = pd.read_csv(reference / "population/etela_savo_population_2000_2022_sotkanet.csv",
                      dtype={"municipality_code": str})
    frame = pd.DataFrame({"area": "KU" + raw["municipality_code"], "area_name": raw["municipality_code"],
                          "age": 0, "year": raw["year"], "population": raw["population"]})
    out = analysis.population_change(frame, ["KU491", "KU046"], start=2012, end=2022)
    mikkeli = out.set_index("area").loc["KU491"]
    # PROVENANCE.md: Mikkeli 51,980 in 2022; 54,519 in 2012 read from the same file.
    assert mikkeli["population_end"] == 51980.0
    assert mikkeli["change"] == 51980.0 - 54519.0
    assert mikkeli["change_pct"] == pytest.approx(-2539 / 54519 * 100)
    with pytest.raises(InputError, match="KU999"):
        analysis.population_change(frame, ["KU999"])
    with pytest.raises(InputError, match="available years"):
        analysis.population_change(frame, ["KU491"], start=1990)


def test_region_municipalities_from_the_real_2025_key(reference):
    key = pd.read_csv(reference / "keys/municipality_key_2025.csv", dtype=str)
    frame = pd.DataFrame({"area": "KU" + key["kunta"],
                          "region": "MK" + key["maakunta_code"].str.zfill(2)})
    codes = analysis.region_municipalities(frame, "MK10")
    # DOMAIN.md: the 11 municipalities of Etelä-Savo from 1.1.2025.
    assert codes == ["KU046", "KU097", "KU178", "KU213", "KU491", "KU507", "KU593", "KU623",
                     "KU681", "KU740", "KU768"]
    with pytest.raises(InputError, match="MK10"):
        analysis.region_municipalities(frame, "MK03")


def test_region_municipality_table():
    munis = pd.DataFrame({"area": ["KU491", "KU046", "KU091"], "name_fi": ["Mikkeli", "Enonkoski", "Helsinki"],
                          "region": ["MK10", "MK10", "MK01"], "subregion": ["SK101", "SK105", "SK011"],
                          "employment_area": ["1", "2", "3"]})
    pop = pd.DataFrame({"area": ["KU491", "KU491", "KU046", "KU491"], "age": [0, 1, 0, 0],
                        "year": [2024, 2024, 2024, 2023], "population": [10.0, 5.0, 2.0, 99.0]})
    out = analysis.region_municipality_table(munis, pop, "MK10")
    assert out[["area", "area_name", "subregion", "population"]].values.tolist() == [
        ["KU046", "Enonkoski", "SK105", 2.0], ["KU491", "Mikkeli", "SK101", 15.0]]


def test_mark_region_and_region_codes():
    frame = pd.DataFrame({"area": ["SSS", "MK01", "MK10", "MK02", "KU491"],
                          "v": [0.0, 2.0, -1.0, 5.0, 9.0]})
    assert analysis.region_codes(frame) == ["MK01", "MK02", "MK10"]
    ranked = analysis.mark_region(frame[frame["area"].isin(["MK01", "MK02", "MK10"])], "MK10", value="v")
    assert ranked["area"].tolist() == ["MK02", "MK01", "MK10"]
    assert ranked.loc[ranked["is_region"], "rank"].tolist() == [3]
    with pytest.raises(InputError):
        analysis.mark_region(frame, "MK99", value="v")


def test_resolve_year():
    frame = pd.DataFrame({"year": [2020, 2022]})
    assert analysis.resolve_year(frame) == 2022
    assert analysis.resolve_year(frame, 2020) == 2020
    with pytest.raises(InputError, match="2020, 2022"):
        analysis.resolve_year(frame, 2021)


# --------------------------------------------------------------------------- economy


def test_industry_structure_shares_of_all_sections():
    out = analysis.industry_structure(_jobs_frame(), "MK10").set_index("section")
    # region sections sum to 136; country 100+100 | 150+50 | 500 | 400 | 10 = 1310
    assert out.loc["C", "jobs"] == 25.0
    assert out.loc["C", "region_share"] == pytest.approx(25 / 136 * 100)
    assert out.loc["Q", "country_share"] == pytest.approx(400 / 1310 * 100)


def test_location_quotients_use_the_table_total():
    out = analysis.location_quotients(_jobs_frame(), "MK10").set_index("industry")
    # LQ_02 = (30 / 200) / (100 / 2000) = 3.0 ; LQ_62 = (20/200)/(500/2000) = 0.4
    assert out.loc["02", "location_quotient"] == pytest.approx(3.0)
    assert out.loc["62", "location_quotient"] == pytest.approx(0.4)
    assert out.loc["86", "location_quotient"] == pytest.approx((50 / 200) / (400 / 2000))
    assert out.index[0] == "02"  # sorted largest first
    assert out.loc["02", "label"] == "02 ala 02"
    small = analysis.location_quotients(_jobs_frame(), "MK10", min_jobs=15)
    assert "17" not in set(small["industry"]) and "01" not in set(small["industry"])
    assert "2 toimialaa" in small.attrs["note"]
    only = analysis.location_quotients(_jobs_frame(), "MK10", industries=["16", "17"])
    assert sorted(only["industry"]) == ["16", "17"]
    with pytest.raises(InputError, match="99"):
        analysis.location_quotients(_jobs_frame(), "MK10", industries=["99"])


def test_top_bottom():
    frame = pd.DataFrame({"x": [1.0, np.nan, 7.0, 3.0]})
    out = analysis.top_bottom(frame, "x", 1)
    assert out[["x", "group"]].values.tolist() == [[7.0, "Suurimmat"], [1.0, "Pienimmät"]]
    assert len(analysis.top_bottom(frame, "x", 5)) == 3


def _two_years() -> pd.DataFrame:
    rows = []
    data = {
        ("MK10", 2015): {"01": 100.0, "16": 0.0},
        ("MK10", 2023): {"01": 130.0, "16": 5.0},
        ("SSS", 2015): {"01": 1000.0, "16": 1000.0},
        ("SSS", 2023): {"01": 1100.0, "16": 1300.0},
    }
    for (area, year), values in data.items():
        for code, value in values.items():
            rows.append({"area": area, "area_name": area, "industry": code, "year": year, "jobs": value})
    return pd.DataFrame(rows)


def test_shift_share_by_section_hand_computed():
    out = analysis.shift_share_by_section(_two_years(), "MK10").set_index("section")
    # g = 2400/2000 - 1 = 0.2; section A: g_A = 0.1, g_Ar = 0.3 -> 20, -10, 20
    assert out.loc["A", ["national", "industry_mix", "regional", "total"]].tolist() == pytest.approx(
        [20.0, -10.0, 20.0, 30.0])
    # section C is new to the region: its whole change is regional
    assert out.loc["C", ["national", "industry_mix", "regional"]].tolist() == pytest.approx([0.0, 0.0, 5.0])
    assert out.loc["Yhteensä", "total"] == pytest.approx(35.0)
    assert out.attrs["start"] == 2015 and out.attrs["end"] == 2023
    assert out.attrs["national_growth"] == pytest.approx(0.2)


def test_jobs_trend_index_region_first():
    out = analysis.jobs_trend(_two_years(), "MK10")
    assert out["area"].tolist() == ["MK10", "MK10", "SSS", "SSS"]
    assert out["index"].tolist() == pytest.approx([100.0, 135.0, 100.0, 120.0])
    sector = analysis.jobs_trend(_two_years(), "MK10", industries=["01"])
    assert sector["jobs"].tolist() == [100.0, 130.0, 1000.0, 1100.0]
    with pytest.raises(InputError, match="sectors.yaml"):
        analysis.jobs_trend(_two_years(), "MK10", industries=["02"])


def _sector(**kw) -> Sector:
    base = dict(id="metsa", name_fi="Metsäala", name_en="Forest", tol=("02", "16", "17"),
                aml=("6210", "8172"), koulutusala=("0821",), description_fi="Metsä.")
    base.update(kw)
    return Sector(**base)


def test_sector_jobs_hand_computed():
    out = analysis.sector_jobs(_jobs_frame(), {"metsa": _sector()}, "MK10").iloc[0]
    assert out["jobs"] == 55.0  # 30 + 20 + 5
    assert out["region_share"] == pytest.approx(55 / 200 * 100)
    assert out["location_quotient"] == pytest.approx((55 / 200) / (300 / 2000))
    assert math.isnan(out["change_pct"]) or out["change_pct"] == 0.0  # one year only: 0 change


def test_self_sufficiency_table():
    frame = pd.DataFrame({"area": ["KU491", "KU046"], "area_name": ["Mikkeli", "Enonkoski"],
                          "year": [2022, 2022], "jobs": [23000.0, 300.0],
                          "employed_residents": [20000.0, 400.0], "self_sufficiency": [0.0, 0.0],
                          "in_commuters": [5000.0, 50.0], "out_commuters": [2000.0, 150.0]})
    out = analysis.self_sufficiency_table(frame, ["KU046", "KU491"])
    assert out["area"].tolist() == ["KU046", "KU491"]
    assert out["self_sufficiency"].tolist() == pytest.approx([75.0, 115.0])
    assert out["net_commuting"].tolist() == [-100.0, 3000.0]


# --------------------------------------------------------------------------- sector profiles


def test_sector_occupations_with_national_and_regional_age_data():
    occ = _with(pd.DataFrame({"area": ["MK10", "MK10", "SSS"], "occupation": ["6210", "9999", "6210"],
                              "year": [2022] * 3, "employed": [400.0, 1.0, 9000.0]}), PROV_A)
    national = _with(pd.DataFrame({
        "occupation": ["6210", "6210", "6210", "8172", "8172"],
        "age_group": ["15-54", "55-64", "65-", "15-54", "55-64"],
        "year": [2022] * 5, "employed": [60.0, 30.0, 10.0, 75.0, 25.0]}), PROV_B)
    out = analysis.sector_occupations(occ, _sector(), "MK10", by_age=national).set_index("occupation")
    assert out.loc["6210", "employed"] == 400.0
    assert math.isnan(out.loc["8172", "employed"])  # absent: shown, not dropped
    assert out.loc["6210", "share_aged_55_plus"] == pytest.approx(40.0)
    assert out.loc["8172", "share_aged_55_plus"] == pytest.approx(25.0)
    assert out["age_basis"].tolist() == ["koko maa (6210)", "koko maa (8172)"]
    assert out.loc["6210", "occupation_name"] == "Metsurit ja metsätyöntekijät"
    prov = out.attrs["provenance"]
    assert prov["synthetic"] is True and prov["datasets"] == ["population", "occupations_by_age"]

    regional = national.assign(area="MK10")
    out = analysis.sector_occupations(occ, _sector(), "MK10", by_age=regional)
    assert out["age_basis"].tolist() == ["maakunta (6210)", "maakunta (8172)"]


def test_sector_occupations_at_a_coarser_level_count_each_group_once():
    # Data with 3-digit groups only (as table 115s): 7521 and 7523 both fall in 752.
    occ = pd.DataFrame({"area": ["MK10"] * 3, "occupation": ["621", "752", "75"],
                        "year": [2023] * 3, "employed": [300.0, 120.0, 999.0]})
    by_age = pd.DataFrame({"area": ["MK10"] * 4, "occupation": ["62", "62", "75", "75"],
                           "age_group": ["15-54", "55-64", "15-54", "65-74"],
                           "year": [2023] * 4, "employed": [80.0, 20.0, 50.0, 50.0]})
    sector = _sector(aml=("6210", "7521", "7523"))
    out = analysis.sector_occupations(occ, sector, "MK10", by_age=by_age)
    assert out["occupation"].tolist() == ["621", "752"]
    assert out["covers"].tolist() == ["6210", "7521, 7523"]
    assert out["employed"].tolist() == [300.0, 120.0]
    assert out["share_aged_55_plus"].tolist() == pytest.approx([20.0, 50.0])
    assert out["age_basis"].tolist() == ["maakunta (62)", "maakunta (75)"]


def test_with_regions_sums_municipalities_and_keeps_given_regions():
    frame = pd.DataFrame({"area": ["SSS", "KU491", "KU046", "KU091", "MK01", "KU593"],
                          "area_name": ["KOKO MAA", "Mikkeli", "Enonkoski", "Helsinki", "Uusimaa", "P"],
                          "year": [2024] * 6, "population": [100.0, 50.0, 1.0, 60.0, 70.0, np.nan]})
    munis = pd.DataFrame({"area": ["KU491", "KU046", "KU091", "KU593"],
                          "region": ["MK10", "MK10", "MK01", "MK11"],
                          "region_name_fi": ["Etelä-Savo", "Etelä-Savo", "Uusimaa", "X"]})
    out = _with(frame, PROV_A)
    out = analysis.with_regions(out, munis, "population").set_index("area")
    assert out.loc["MK10", "population"] == 51.0
    assert out.loc["MK10", "area_name"] == "Etelä-Savo"
    assert out.loc["MK01", "population"] == 70.0  # given in the table: not recomputed
    assert math.isnan(out.loc["MK11", "population"])  # a missing municipality cell propagates
    assert out.attrs["provenance"]["synthetic"] is True


def test_sector_tightness_averages_last_months():
    months = [f"2023M{m:02d}" for m in range(1, 13)] + ["2024M01"]  # 13 months
    rows = []
    for i, month in enumerate(months):
        rows.append({"area": "MK10", "occupation": "6210", "month": month,
                     "unemployed": 10.0 if i else 1000.0, "vacancies": 5.0})
        rows.append({"area": "MK10", "occupation": "8172", "month": month,
                     "unemployed": 4.0, "vacancies": np.nan if i % 2 else 8.0})
    out = analysis.sector_tightness(pd.DataFrame(rows), _sector(), "MK10").set_index("occupation")
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
    sector = _sector(koulutusala=("0821", "0722"))
    out = analysis.sector_education(edu, sector, "MK10")
    forest = out[out["field"] == "0821"].set_index("level")["value"]
    assert forest.to_dict() == {"amk": 15.0, "amm": 7.0}  # '08' is coarser: not attributed
    gap = out[out["field"] == "0722"]
    assert len(gap) == 1 and math.isnan(gap["value"].iloc[0])
    assert out.loc[out["field"] == "0821", "field_name"].iloc[0] == "Metsätalous"


def test_sector_education_falls_back_to_the_broad_field_once():
    edu = pd.DataFrame({"area": ["MK10"] * 2, "year": [2024] * 2, "level": ["amk", "amk"],
                        "field": ["08", "07"], "measure": ["tutkinnot"] * 2, "value": [40.0, 9.0]})
    sector = _sector(koulutusala=("0811", "0821"))
    out = analysis.sector_education(edu, sector, "MK10")
    assert out[["field", "covers", "value"]].values.tolist() == [["08", "0811, 0821", 40.0]]
    assert out["field_name"].iloc[0] == "Maa- ja metsätalousalat"


def test_for_display_headings_and_rounding():
    frame = _with(pd.DataFrame({"area_name": ["A"], "jobs": [12.0], "change_pct": [1.26]}), PROV_A)
    out = analysis.for_display(frame)
    assert list(out.columns) == ["Alue", "Työpaikat", "Muutos, %"]
    assert out["Muutos, %"].iloc[0] == pytest.approx(1.3)
    assert out.attrs["provenance"]["synthetic"] is True
    assert list(analysis.for_display(frame, rename={"jobs": "Työpaikkoja"}).columns)[1] == "Työpaikkoja"


def test_for_display_words_for_flags_and_codes():
    frame = pd.DataFrame({"measure": ["uudet_opiskelijat", "muu"], "is_region": [True, False]})
    out = analysis.for_display(frame)
    assert out["Mittari"].tolist() == ["Uudet opiskelijat", "muu"]
    assert out["Tarkasteltava alue"].tolist() == ["kyllä", ""]

"""Tests of punos_lib.analysis.economy against hand-computed values and recorded real statistics."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from punos_lib.analysis import economy
from punos_lib.errors import InputError

from analysis_frames import PROV_A, forest_sector, with_provenance


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
    return with_provenance(pd.DataFrame(rows), PROV_A)


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


def test_tol_section_matches_the_classification_api_parents(reference):
    # Independent source: the real classification API response gives each division's parent.
    items = json.loads((reference / "classifications/api_json/toimiala_fi.json").read_text("utf-8"))
    divisions = {i["code"]: i["parentCode"] for i in items if i["level"] == 2.0}
    assert len(divisions) == 89  # 88 divisions and 00 (unknown) under X
    assert {d: economy.tol_section(d) for d in divisions} == divisions


@pytest.mark.parametrize("bad", ["04", "1", "C", "161", "89", 16])
def test_tol_section_refuses_non_divisions(bad):
    with pytest.raises(InputError):
        economy.tol_section(bad)


def test_industries_to_sections_sums_divisions_and_ignores_totals():
    out = economy.industries_to_sections(_jobs_frame())
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
    out = economy.industries_to_sections(frame)
    region = out[out["area"] == "MK10"].set_index("section")["jobs"]
    assert math.isnan(region["C"])
    assert region["A"] == 40.0


def test_industries_to_sections_uses_section_rows_when_no_divisions():
    frame = pd.DataFrame({"area": ["SSS"] * 3, "industry": ["SSS", "A", "C"], "jobs": [9.0, 4.0, 5.0]})
    out = economy.industries_to_sections(frame)
    assert out.set_index("section")["jobs"].to_dict() == {"A": 4.0, "C": 5.0}


def test_industry_structure_shares_of_all_sections():
    out = economy.industry_structure(_jobs_frame(), "MK10").set_index("section")
    # region sections sum to 136; country 100+100 | 150+50 | 500 | 400 | 10 = 1310
    assert out.loc["C", "jobs"] == 25.0
    assert out.loc["C", "region_share"] == pytest.approx(25 / 136 * 100)
    assert out.loc["Q", "country_share"] == pytest.approx(400 / 1310 * 100)


def test_location_quotients_use_the_table_total():
    out = economy.location_quotients(_jobs_frame(), "MK10").set_index("industry")
    # LQ_02 = (30 / 200) / (100 / 2000) = 3.0 ; LQ_62 = (20/200)/(500/2000) = 0.4
    assert out.loc["02", "location_quotient"] == pytest.approx(3.0)
    assert out.loc["62", "location_quotient"] == pytest.approx(0.4)
    assert out.loc["86", "location_quotient"] == pytest.approx((50 / 200) / (400 / 2000))
    assert out.index[0] == "02"  # sorted largest first
    assert out.loc["02", "label"] == "02 ala 02"
    small = economy.location_quotients(_jobs_frame(), "MK10", min_jobs=15)
    assert "17" not in set(small["industry"]) and "01" not in set(small["industry"])
    assert "2 toimialaa" in small.attrs["note"]
    only = economy.location_quotients(_jobs_frame(), "MK10", industries=["16", "17"])
    assert sorted(only["industry"]) == ["16", "17"]
    with pytest.raises(InputError, match="99"):
        economy.location_quotients(_jobs_frame(), "MK10", industries=["99"])


def test_top_bottom():
    frame = pd.DataFrame({"x": [1.0, np.nan, 7.0, 3.0]})
    out = economy.top_bottom(frame, "x", 1)
    assert out[["x", "group"]].values.tolist() == [[7.0, "Suurimmat"], [1.0, "Pienimmät"]]
    assert len(economy.top_bottom(frame, "x", 5)) == 3


def test_shift_share_by_section_hand_computed():
    out = economy.shift_share_by_section(_two_years(), "MK10").set_index("section")
    # g = 2400/2000 - 1 = 0.2; section A: g_A = 0.1, g_Ar = 0.3 -> 20, -10, 20
    assert out.loc["A", ["national", "industry_mix", "regional", "total"]].tolist() == pytest.approx(
        [20.0, -10.0, 20.0, 30.0])
    # section C is new to the region: its whole change is regional
    assert out.loc["C", ["national", "industry_mix", "regional"]].tolist() == pytest.approx([0.0, 0.0, 5.0])
    assert out.loc["Yhteensä", "total"] == pytest.approx(35.0)
    assert out.attrs["start"] == 2015 and out.attrs["end"] == 2023
    assert out.attrs["national_growth"] == pytest.approx(0.2)


def test_jobs_trend_index_region_first():
    out = economy.jobs_trend(_two_years(), "MK10")
    assert out["area"].tolist() == ["MK10", "MK10", "SSS", "SSS"]
    assert out["index"].tolist() == pytest.approx([100.0, 135.0, 100.0, 120.0])
    sector = economy.jobs_trend(_two_years(), "MK10", industries=["01"])
    assert sector["jobs"].tolist() == [100.0, 130.0, 1000.0, 1100.0]
    with pytest.raises(InputError, match="sectors.yaml"):
        economy.jobs_trend(_two_years(), "MK10", industries=["02"])


def test_sector_jobs_hand_computed():
    out = economy.sector_jobs(_jobs_frame(), {"metsa": forest_sector()}, "MK10").iloc[0]
    assert out["jobs"] == 55.0  # 30 + 20 + 5
    assert out["region_share"] == pytest.approx(55 / 200 * 100)
    assert out["location_quotient"] == pytest.approx((55 / 200) / (300 / 2000))
    assert math.isnan(out["change_pct"]) or out["change_pct"] == 0.0  # one year only: 0 change


def test_self_sufficiency_table():
    frame = pd.DataFrame({"area": ["KU491", "KU046"], "area_name": ["Mikkeli", "Enonkoski"],
                          "year": [2022, 2022], "jobs": [23000.0, 300.0],
                          "employed_residents": [20000.0, 400.0], "self_sufficiency": [0.0, 0.0],
                          "in_commuters": [5000.0, 50.0], "out_commuters": [2000.0, 150.0]})
    out = economy.self_sufficiency_table(frame, ["KU046", "KU491"])
    assert out["area"].tolist() == ["KU046", "KU491"]
    assert out["self_sufficiency"].tolist() == pytest.approx([75.0, 115.0])
    assert out["net_commuting"].tolist() == [-100.0, 3000.0]

"""Tests of punos_lib.labour: hand-computed cases and the real 12ti/12r5 statistics."""

from __future__ import annotations

import csv
import gzip
import math

import numpy as np
import pandas as pd
import pytest

from punos_lib import labour
from punos_lib.errors import InputError
from punos_lib.reference.sectors import Sector

PROV = {"datasets": ["x"], "entries": ["x/data-1"], "synthetic": True,
        "attribution": ["Esimerkki"], "updated": {"x": "2025-01-01"}}


def _with_prov(frame: pd.DataFrame) -> pd.DataFrame:
    frame.attrs = {"provenance": dict(PROV)}
    return frame


def _occupations(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area", "occupation", "year", "employed"])
    frame["area_name"] = frame["area"]
    frame["occupation_name"] = "nimi " + frame["occupation"]
    return _with_prov(frame)


# --------------------------------------------------------------------------- occupations


def test_occupation_structure_shares_of_all_employed_including_unknown() -> None:
    occ = _occupations([
        ("MK10", "1", 2023, 30.0), ("MK10", "2", 2023, 60.0), ("MK10", "X", 2023, 10.0),
        ("SSS", "1", 2023, 400.0), ("SSS", "2", 2023, 500.0), ("SSS", "X", 2023, 100.0),
        ("MK10", "1", 2022, 999.0), ("SSS", "1", 2022, 1.0),
    ])
    out = labour.occupation_structure(occ, "MK10")
    assert out["occupation"].tolist() == ["2", "1"]          # largest first, X is no group
    assert out["region_share"].tolist() == [60.0, 30.0]      # of 100 incl. unknown
    assert out["country_share"].tolist() == [50.0, 40.0]
    assert out["difference"].tolist() == [10.0, -10.0]
    assert out.attrs["year"] == 2023
    assert out.attrs["provenance"]["synthetic"] is True


def test_occupation_structure_sums_finer_codes_when_level_absent() -> None:
    occ = _occupations([
        ("MK10", "111", 2023, 5.0), ("MK10", "112", 2023, 15.0), ("MK10", "121", 2023, 20.0),
        ("SSS", "111", 2023, 10.0), ("SSS", "112", 2023, 10.0), ("SSS", "121", 2023, 80.0),
    ])
    out = labour.occupation_structure(occ, "MK10", level=2).set_index("occupation")
    assert out.loc["11", "employed"] == 20.0
    assert out.loc["11", "region_share"] == 50.0
    assert out.loc["12", "country_share"] == 80.0


def test_occupation_structure_unknown_region_and_year_name_the_fix() -> None:
    occ = _occupations([("MK10", "1", 2023, 1.0), ("SSS", "1", 2023, 1.0)])
    with pytest.raises(InputError, match="no rows for area 'MK99'"):
        labour.occupation_structure(occ, "MK99")
    with pytest.raises(InputError, match="available years are 2023"):
        labour.occupation_structure(occ, "MK10", year=2020)


def _by_age() -> pd.DataFrame:
    frame = pd.DataFrame({
        "occupation": ["11", "11", "12", "12"],
        "occupation_name": ["A", "A", "B", "B"],
        "age_group": ["15-54", "55-64", "15-54", "55-64"],
        "year": 2023,
        "employed": [300.0, 100.0, 50.0, 50.0],
    })
    return _with_prov(frame)


def test_employed_by_occupation_age_uses_national_structure_without_import() -> None:
    occ = _occupations([("MK10", "11", 2023, 200.0), ("MK10", "12", 2023, 10.0)])
    out = labour.employed_by_occupation_age("MK10", occ, _by_age(), None, level=2)
    got = out.set_index(["occupation", "age_group"])["employed"]
    assert got[("11", "15-54")] == 150.0     # 200 × 300/400
    assert got[("11", "55-64")] == 50.0
    assert got[("12", "55-64")] == 5.0
    assert set(out["basis"]) == {"koko maan ikärakenne"}
    assert out.attrs["basis"] == "koko maan ikärakenne"


def test_employed_by_occupation_age_prefers_regional_import() -> None:
    occ = _occupations([("MK10", "11", 2023, 200.0)])
    workforce = _with_prov(pd.DataFrame({
        "area": ["MK10", "MK10", "MK01"], "year": 2023, "occupation": ["11", "11", "11"],
        "occupation_name": "A", "age_group": ["15-54", "55-64", "15-54"],
        "employed": [70.0, 30.0, 5.0],
    }))
    out = labour.employed_by_occupation_age("MK10", occ, _by_age(), workforce, level=2)
    assert out["employed"].tolist() == [70.0, 30.0]
    assert out.attrs["basis"] == "maakunta"
    # A region the import lacks falls back to the national structure.
    other = labour.employed_by_occupation_age(
        "MK02", _occupations([("MK02", "11", 2023, 40.0)]), _by_age(), workforce, level=2)
    assert other["employed"].tolist() == [30.0, 10.0]


def test_aged_55_plus_share_in_percent() -> None:
    frame = pd.DataFrame({"occupation": ["2", "2", "2", "3", "3"], "occupation_name": "n",
                          "basis": "maakunta",
                          "age_group": ["15-54", "55-64", "65-74", "15-54", "55-64"],
                          "employed": [60.0, 30.0, 10.0, 90.0, 10.0]})
    out = labour.aged_55_plus(frame)
    assert out["occupation"].tolist() == ["2", "3"]
    assert out["share_aged_55_plus"].tolist() == [40.0, 10.0]
    assert out["aged_55_plus"].tolist() == [40.0, 10.0]


# --------------------------------------------------------------------------- exits and openings


def test_default_exit_rates_cover_working_ages_and_match_their_description() -> None:
    rates = labour.default_exit_rates()
    assert rates.index.min() == 15 and rates.index.max() == 69
    assert rates.between(0, 1).all()
    assert rates.attrs["source"] == labour.EXIT_RATES_SOURCE
    # The note says about 80 % of those employed at 55 have left by 66.
    left = 1.0 - math.prod(1.0 - rates[a] for a in range(56, 67))
    assert 0.75 < left < 0.9
    assert labour.default_exit_rates(exit_age=65).index.max() == 64


def test_replacement_demand_hand_computed_one_year() -> None:
    # 100 aged 65-69 = 20 per age; after a year at ages 66..70: 4 × 20 × 0.3 + 20 (age 70).
    frame = pd.DataFrame({"occupation": ["11", "11"], "occupation_name": "A",
                          "age_group": ["20-24", "65-69"], "employed": [50.0, 100.0]})
    frame.attrs = {"year": 2023}
    out = labour.replacement_demand(frame, horizon=1)
    expected = 4 * 20 * 0.3 + 20 + 50 * 0.003
    assert out["replacement"].iloc[0] == pytest.approx(expected)
    assert out["employed"].iloc[0] == 150.0
    assert out["replacement_share"].iloc[0] == pytest.approx(expected / 150 * 100)
    assert out.attrs["end_year"] == 2024


def test_replacement_demand_names_the_occupation_of_a_suppressed_cell() -> None:
    frame = pd.DataFrame({"occupation": ["11", "12"], "occupation_name": "A",
                          "age_group": ["20-24", "20-24"], "employed": [5.0, np.nan]})
    with pytest.raises(InputError, match="occupation '12'.*missing value"):
        labour.replacement_demand(frame, horizon=2, start_year=2023)


def test_expansion_and_openings_add_up() -> None:
    occ = _occupations([("MK10", "11", 2020, 100.0), ("MK10", "11", 2022, 120.0),
                        ("MK10", "12", 2020, 50.0), ("MK10", "12", 2022, 30.0)])
    exp = labour.expansion_demand(occ, "MK10", level=2, horizon=10)
    assert exp.set_index("occupation")["expansion"].to_dict() == {"11": 100.0, "12": -30.0}
    assert exp.attrs["base"] == (2020, 2022)
    rep = pd.DataFrame({"occupation": ["11", "12"], "occupation_name": ["A", "B"],
                        "employed": [120.0, 30.0], "replacement": [44.0, 10.0]})
    rep.attrs = {"horizon": 10}
    out = labour.openings_by_occupation(exp, rep).set_index("occupation")
    assert out.loc["11", "openings"] == 144.0
    assert out.loc["11", "openings_per_year"] == pytest.approx(14.4)
    assert out.loc["12", "openings"] == -20.0         # not clipped (Cedefop sum stays additive)
    rep.attrs = {"horizon": 5}
    with pytest.raises(InputError, match="same horizon"):
        labour.openings_by_occupation(exp, rep)


def test_match_codes_every_kind_of_match() -> None:
    out = labour.match_codes(["62", "0715", "6210", "99"], ["62", "07", "6210", "6211", "X999"])
    assert out["wanted"].tolist() == ["62", "0715", "6210", "99"]
    assert out["used"].tolist()[:3] == ["62", "07", "6210"]
    assert out["match"].tolist() == ["sama", "laajempi", "sama", "puuttuu"]
    finer = labour.match_codes(["621"], ["6210", "6211", "62"])
    assert finer["used"].tolist() == ["6210", "6211"]
    assert set(finer["match"]) == {"tarkempi"}
    assert pd.isna(out.iloc[3]["used"])


def _sector(sid: str, aml: tuple[str, ...], fields: tuple[str, ...] = ("0715",)) -> Sector:
    return Sector(sid, f"Ala {sid}", sid, ("16",), aml, fields, "kuvaus")


def test_openings_by_sector_rates_of_groups_applied_to_finest_employed() -> None:
    occ = _occupations([("MK10", "62", 2023, 200.0), ("MK10", "621", 2023, 30.0),
                        ("MK10", "622", 2023, 170.0), ("MK10", "71", 2023, 10.0),
                        ("MK10", "7111", 2023, 10.0)])
    openings = pd.DataFrame({"occupation": ["62", "71"], "employed": [200.0, 10.0],
                             "expansion": [-20.0, 0.0], "replacement": [70.0, 5.0],
                             "openings": [50.0, 5.0]})
    openings.attrs = {"horizon": 10}
    sectors = {"metsa": _sector("metsa", ("6210", "6215")),     # both only via group 621
               "rak": _sector("rak", ("7111",)), "none": _sector("none", ("9999",))}
    out = labour.openings_by_sector(openings, occ, "MK10", sectors).set_index("sector")
    assert out.loc["metsa", "employed"] == 30.0                 # 621 counted once
    assert out.loc["metsa", "openings"] == pytest.approx(30 * 50 / 200)
    assert out.loc["metsa", "replacement"] == pytest.approx(30 * 70 / 200)
    assert out.loc["metsa", "precision"] == "osin laajempi ryhmä (yläraja)"
    assert out.loc["rak", "openings_per_year"] == pytest.approx(10 * 0.5 / 10)
    assert out.loc["rak", "precision"] == "alan omat koodit"
    assert math.isnan(out.loc["none", "openings"]) and out.loc["none", "precision"] == "ei tietoa"


# --------------------------------------------------------------------------- matching


def _areas() -> pd.DataFrame:
    return _with_prov(pd.DataFrame({
        "area": ["KU1", "KU1", "KU2", "KU2"], "area_name": ["A", "A", "B", "B"],
        "month": ["2023M01", "2023M02"] * 2,
        "unemployed": [10.0, 30.0, 5.0, 5.0], "labour_force": [100.0, 100.0, 50.0, 50.0],
        "vacancies": [2.0, 6.0, 0.0, 0.0],
    }))


def test_area_labour_market_ratios_of_sums() -> None:
    out = labour.area_labour_market(_areas(), ["KU1", "KU2"], months=2).set_index("area")
    assert out.loc["KU1", "unemployed"] == 20.0
    assert out.loc["KU1", "unemployment_rate"] == 20.0
    assert out.loc["KU1", "tightness"] == pytest.approx(8 / 40)
    assert out.loc["KU2", "tightness"] == 0.0
    assert out.attrs["months"] == ("2023M01", "2023M02")
    one = labour.area_labour_market(_areas(), ["KU1"], months=1)
    assert one["unemployment_rate"].tolist() == [30.0]


def test_tightness_over_time_rolling_window() -> None:
    out = labour.tightness_over_time(_areas(), ["KU1"], window=2)
    assert out["month"].tolist() == ["2023M02"]
    assert out["tightness"].tolist() == [pytest.approx(0.2)]


def _jobseekers(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area", "occupation", "month", "unemployed", "vacancies"])
    frame["area_name"] = frame["area"]
    frame["occupation_name"] = "nimi " + frame["occupation"]
    return _with_prov(frame)


def test_occupation_tightness_leaves_out_suppressed_months_and_unknown_classes() -> None:
    js = _jobseekers([
        ("MK10", "1111", "2023M01", 10.0, 2.0), ("MK10", "1111", "2023M02", 30.0, np.nan),
        ("MK10", "1111", "2023M03", 20.0, 8.0), ("MK10", "X999", "2023M03", 500.0, 1.0),
        ("MK10", "2222", "2022M12", 99.0, 99.0),   # older than the window
        ("MK10", "2222", "2023M03", 4.0, 12.0),
    ])
    out = labour.occupation_tightness(js, "MK10", months=3).set_index("occupation")
    assert "X999" not in out.index
    assert out.loc["1111", "unemployed"] == 15.0      # months 1 and 3 only
    assert out.loc["1111", "tightness"] == pytest.approx(10 / 30)
    assert out.loc["1111", "suppressed_months"] == 1
    assert out.loc["2222", "tightness"] == 3.0
    assert out.attrs["months"] == ("2023M01", "2023M03")


def test_shortage_surplus_minimum_size_and_suppression_rules() -> None:
    t = pd.DataFrame({
        "occupation": ["a", "b", "c", "d", "e"], "occupation_name": list("ABCDE"),
        "unemployed": [10.0, 40.0, 2.0, 50.0, 30.0], "vacancies": [30.0, 4.0, 9.0, 50.0, 30.0],
        "tightness": [3.0, 0.1, 4.5, 1.0, 1.0], "months_known": 12,
        "suppressed_months": [0, 0, 0, 2, 0],
    })
    out = labour.shortage_surplus(t, n=2, min_size=20)
    assert out[["side", "occupation"]].values.tolist() == [
        ["pula", "a"], ["pula", "e"], ["ylitarjonta", "b"]]
    assert (out.attrs["eligible"], out.attrs["too_small"], out.attrs["suppressed"]) == (3, 1, 1)
    assert "vähintään 20" in out.attrs["rule"]
    loose = labour.shortage_surplus(t, n=1, min_size=0, allow_suppressed=True)
    assert loose["occupation"].tolist() == ["c", "b"]
    with pytest.raises(InputError, match="min_size"):
        labour.shortage_surplus(t, min_size=-1)


def test_mismatch_comparison_region_and_country() -> None:
    js = _jobseekers([
        ("MK10", "1111", "2023M01", 0.0, 1.0), ("MK10", "2222", "2023M01", 1.0, 0.0),
        ("SSS", "1111", "2023M01", 2.0, 1.0), ("SSS", "2222", "2023M01", 2.0, 1.0),
        ("SSS", "X999", "2023M01", 100.0, 0.0),
    ])
    out = labour.mismatch_comparison(js, "MK10", window=1).set_index("area")
    assert out.loc["MK10", "mismatch_index"] == 1.0
    assert out.loc["SSS", "mismatch_index"] == pytest.approx(0.0, abs=1e-12)   # X left out
    assert out.loc["SSS", "mismatch_smoothed"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["SSS", "area_name"] == "Koko maa"


def test_beveridge_rates() -> None:
    out = labour.beveridge_frame(_areas(), "KU1", window=1)
    assert out["unemployment_rate"].tolist() == [10.0, 30.0]
    assert out["vacancy_rate"].tolist() == [pytest.approx(2 / 92 * 100), pytest.approx(6 / 76 * 100)]
    smooth = labour.beveridge_frame(_areas(), "KU1", window=2)
    assert smooth["unemployment_rate"].tolist() == [20.0]


# --------------------------------------------------------------------------- education


def _education() -> pd.DataFrame:
    return _with_prov(pd.DataFrame({
        "area": "MK10", "year": [2022, 2023, 2023, 2023, 2021],
        "level": ["amk", "amk", "ammatillinen", "amk", "amk"],
        "field": ["07", "07", "07", "09", "07"], "field_name": "n",
        "measure": "tutkinnot", "value": [100.0, 150.0, 50.0, 10.0, 1000.0],
    }))


def test_education_by_field_and_unknown_measure() -> None:
    out = labour.education_by_field(_education(), "MK10", measure="tutkinnot")
    assert out[["field", "level", "value"]].values.tolist() == [
        ["07", "amk", 150.0], ["07", "ammatillinen", 50.0], ["09", "amk", 10.0]]
    with pytest.raises(InputError, match="measure 'uudet' is not in the data"):
        labour.education_by_field(_education(), "MK10", measure="uudet")


def test_supply_vs_openings_broad_field_is_flagged() -> None:
    openings = pd.DataFrame({"sector": ["tek", "sote"], "openings_per_year": [50.0, 0.0]})
    sectors = {"tek": _sector("tek", ("7111",), ("0715",)),
               "sote": _sector("sote", ("3221",), ("0913",))}
    out = labour.supply_vs_openings(_education(), openings, sectors, "MK10", years=2)
    tek = out.set_index("sector").loc["tek"]
    assert tek["supply_per_year"] == 150.0            # (100 + 200) / 2 years, field 07
    assert tek["supply_ratio"] == 3.0
    assert tek["field_precision"] == "osin laajempi ryhmä (yläraja)"
    assert tek["precision"] == "–"                     # openings frame had no precision column
    sote = out.set_index("sector").loc["sote"]
    assert sote["fields_used"] == "09" and math.isnan(sote["supply_ratio"])
    assert out.attrs["years"] == (2022, 2023)


# --------------------------------------------------------------------------- real statistics


@pytest.fixture(scope="module")
def real_12ti(reference):  # type: ignore[no-untyped-def]
    """MK10 and SSS rows of the real 12ti, 2022M11-2023M10, read with the csv module."""
    path = reference / "tyonv" / "12ti_regions_occupations_2006M01-2023M10.csv.gz"
    cells: dict[tuple[str, str, str], dict[str, float]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            # Cheap prefix test first: the file has 3.7 million lines.
            if not line.startswith(("MK10,", "SSS,")):
                continue
            area, occ, content, month, value = line.rstrip("\n").split(",")
            if month >= "2022M11" and occ != "SSS":
                cells.setdefault((area, occ, month), {})[content] = (
                    float(value) if value else math.nan)
    return cells


def _frame_12ti(cells: dict) -> pd.DataFrame:
    rows = [(a, o, m, v.get("TYOTTOMATLOPUSSA", math.nan), v.get("AVPAIKATLOPUSSA", math.nan))
            for (a, o, m), v in cells.items()]
    return _jobseekers(rows)


def test_real_12ti_nurses_tightness_over_12_months(real_12ti) -> None:  # type: ignore[no-untyped-def]
    # Independent: sum of vacancies / sum of unemployed over the months where both are known.
    u = v = 0.0
    for (area, occ, month), val in real_12ti.items():
        if area == "MK10" and occ == "3221":
            if not math.isnan(val["TYOTTOMATLOPUSSA"]) and not math.isnan(val["AVPAIKATLOPUSSA"]):
                u += val["TYOTTOMATLOPUSSA"]
                v += val["AVPAIKATLOPUSSA"]
    out = labour.occupation_tightness(_frame_12ti(real_12ti), "MK10").set_index("occupation")
    assert out.attrs["months"] == ("2022M11", "2023M10")
    assert out.loc["3221", "tightness"] == pytest.approx(v / u)
    assert out.loc["3221", "vacancies"] > 0


def test_real_12ti_mismatch_october_2023(real_12ti) -> None:  # type: ignore[no-untyped-def]
    pairs = [(val["AVPAIKATLOPUSSA"], val["TYOTTOMATLOPUSSA"])
             for (area, occ, month), val in real_12ti.items()
             if area == "MK10" and month == "2023M10" and not occ.startswith("X")
             and not math.isnan(val["AVPAIKATLOPUSSA"]) and not math.isnan(val["TYOTTOMATLOPUSSA"])]
    total_v = sum(p[0] for p in pairs)
    total_u = sum(p[1] for p in pairs)
    expected = 1 - sum(math.sqrt(vv / total_v * uu / total_u) for vv, uu in pairs)
    out = labour.mismatch_comparison(_frame_12ti(real_12ti), "MK10")
    got = out[(out["area"] == "MK10") & (out["month"] == "2023M10")]
    assert got["mismatch_index"].iloc[0] == pytest.approx(expected)
    assert 0 < expected < 1


def test_real_12r5_etela_savo_october_2023(reference) -> None:  # type: ignore[no-untyped-def]
    path = reference / "tyonv" / "12r5_areas_2006M01-2023M10.csv.gz"
    wanted = {"TYOTTOMATLOPUSSA": "unemployed", "TYOVOIMATK": "labour_force",
              "AVPAIKATLOPUSSA": "vacancies"}
    record: dict[str, object] = {"area": "MK10", "area_name": "Etelä-Savo", "month": "2023M10"}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["alue"] == "MK10" and row["kuukausi"] == "2023M10":
                record[wanted[row["tiedot"]]] = float(row["value"])
    out = labour.area_labour_market(pd.DataFrame([record]), ["MK10"], months=1)
    # Published: 5,621 unemployed jobseekers and 718 vacancies (PROVENANCE.md).
    assert out["unemployed"].iloc[0] == 5621.0
    assert out["tightness"].iloc[0] == pytest.approx(718 / 5621)


def test_exit_rate_table_matches_the_rates_it_describes() -> None:
    table = labour.exit_rate_table()
    rates = labour.default_exit_rates()
    row = table.set_index("age_group").loc["55–59", "exit_rate"]
    assert row == pytest.approx(rates[57] * 100)
    assert table.set_index("age_group").loc["63", "exit_rate"] == 25.0
    assert table["exit_rate"].iloc[-1] == 100.0 and table["age_group"].iloc[-1] == "70–"


def test_education_table_columns_per_measure_and_level() -> None:
    edu = _education()
    edu.loc[len(edu)] = ["MK10", 2023, "amk", "07", "n", "uudet", 300.0]
    out = labour.education_table(edu, "MK10").set_index("field")
    assert out.loc["07", "tutkinnot: amk"] == 150.0
    assert out.loc["07", "tutkinnot: ammatillinen"] == 50.0
    assert out.loc["07", "yhteensä: tutkinnot"] == 200.0
    assert out.loc["07", "uudet: amk"] == 300.0
    assert math.isnan(out.loc["09", "uudet: amk"])


def test_occupation_labels_are_code_and_short_name() -> None:
    occ = _occupations([("MK10", "1", 2023, 1.0), ("SSS", "1", 2023, 1.0)])
    occ["occupation_name"] = "Johtajat ja ylimmät virkamiehet, joiden nimi on hyvin pitkä"
    label = labour.occupation_structure(occ, "MK10")["label"].iloc[0]
    assert label.startswith("1 Johtajat") and label.endswith("…") and len(label) == 45

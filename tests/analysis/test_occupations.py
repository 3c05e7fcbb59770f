"""Tests of punos_lib.analysis.occupations against hand-computed values and recorded real statistics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from punos_lib.analysis import occupations
from punos_lib.errors import InputError

from analysis_frames import sector, with_provenance


def _occupations(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area", "occupation", "year", "employed"])
    frame["area_name"] = frame["area"]
    frame["occupation_name"] = "nimi " + frame["occupation"]
    return with_provenance(frame)


def _by_age() -> pd.DataFrame:
    frame = pd.DataFrame({
        "occupation": ["11", "11", "12", "12"],
        "occupation_name": ["A", "A", "B", "B"],
        "age_group": ["15-54", "55-64", "15-54", "55-64"],
        "year": 2023,
        "employed": [300.0, 100.0, 50.0, 50.0],
    })
    return with_provenance(frame)


def test_occupation_structure_shares_of_all_employed_including_unknown() -> None:
    occ = _occupations([
        ("MK10", "1", 2023, 30.0), ("MK10", "2", 2023, 60.0), ("MK10", "X", 2023, 10.0),
        ("SSS", "1", 2023, 400.0), ("SSS", "2", 2023, 500.0), ("SSS", "X", 2023, 100.0),
        ("MK10", "1", 2022, 999.0), ("SSS", "1", 2022, 1.0),
    ])
    out = occupations.occupation_structure(occ, "MK10")
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
    out = occupations.occupation_structure(occ, "MK10", level=2).set_index("occupation")
    assert out.loc["11", "employed"] == 20.0
    assert out.loc["11", "region_share"] == 50.0
    assert out.loc["12", "country_share"] == 80.0


def test_occupation_structure_unknown_region_and_year_name_the_fix() -> None:
    occ = _occupations([("MK10", "1", 2023, 1.0), ("SSS", "1", 2023, 1.0)])
    with pytest.raises(InputError, match="no rows for area 'MK99'"):
        occupations.occupation_structure(occ, "MK99")
    with pytest.raises(InputError, match="available years are 2023"):
        occupations.occupation_structure(occ, "MK10", year=2020)


def test_employed_by_occupation_age_uses_national_structure_without_import() -> None:
    occ = _occupations([("MK10", "11", 2023, 200.0), ("MK10", "12", 2023, 10.0)])
    out = occupations.employed_by_occupation_age("MK10", occ, _by_age(), None, level=2)
    got = out.set_index(["occupation", "age_group"])["employed"]
    assert got[("11", "15-54")] == 150.0     # 200 × 300/400
    assert got[("11", "55-64")] == 50.0
    assert got[("12", "55-64")] == 5.0
    assert set(out["basis"]) == {"koko maan ikärakenne"}
    assert out.attrs["basis"] == "koko maan ikärakenne"


def test_employed_by_occupation_age_prefers_regional_import() -> None:
    occ = _occupations([("MK10", "11", 2023, 200.0)])
    workforce = with_provenance(pd.DataFrame({
        "area": ["MK10", "MK10", "MK01"], "year": 2023, "occupation": ["11", "11", "11"],
        "occupation_name": "A", "age_group": ["15-54", "55-64", "15-54"],
        "employed": [70.0, 30.0, 5.0],
    }))
    out = occupations.employed_by_occupation_age("MK10", occ, _by_age(), workforce, level=2)
    assert out["employed"].tolist() == [70.0, 30.0]
    assert out.attrs["basis"] == "maakunta"
    # A region the import lacks falls back to the national structure.
    other = occupations.employed_by_occupation_age(
        "MK02", _occupations([("MK02", "11", 2023, 40.0)]), _by_age(), workforce, level=2)
    assert other["employed"].tolist() == [30.0, 10.0]


def test_aged_55_plus_share_in_percent() -> None:
    frame = pd.DataFrame({"occupation": ["2", "2", "2", "3", "3"], "occupation_name": "n",
                          "basis": "maakunta",
                          "age_group": ["15-54", "55-64", "65-74", "15-54", "55-64"],
                          "employed": [60.0, 30.0, 10.0, 90.0, 10.0]})
    out = occupations.aged_55_plus(frame)
    assert out["occupation"].tolist() == ["2", "3"]
    assert out["share_aged_55_plus"].tolist() == [40.0, 10.0]
    assert out["aged_55_plus"].tolist() == [40.0, 10.0]


def test_default_exit_rates_cover_working_ages_and_match_their_description() -> None:
    rates = occupations.default_exit_rates()
    assert rates.index.min() == 15 and rates.index.max() == 69
    assert rates.between(0, 1).all()
    assert rates.attrs["source"] == occupations.EXIT_RATES_SOURCE
    # The note says about 80 % of those employed at 55 have left by 66.
    left = 1.0 - math.prod(1.0 - rates[a] for a in range(56, 67))
    assert 0.75 < left < 0.9
    assert occupations.default_exit_rates(exit_age=65).index.max() == 64


def test_replacement_demand_hand_computed_one_year() -> None:
    # 100 aged 65-69 = 20 per age; after a year at ages 66..70: 4 × 20 × 0.3 + 20 (age 70).
    frame = pd.DataFrame({"occupation": ["11", "11"], "occupation_name": "A",
                          "age_group": ["20-24", "65-69"], "employed": [50.0, 100.0]})
    frame.attrs = {"year": 2023}
    out = occupations.replacement_demand(frame, horizon=1)
    expected = 4 * 20 * 0.3 + 20 + 50 * 0.003
    assert out["replacement"].iloc[0] == pytest.approx(expected)
    assert out["employed"].iloc[0] == 150.0
    assert out["replacement_share"].iloc[0] == pytest.approx(expected / 150 * 100)
    assert out.attrs["end_year"] == 2024


def test_replacement_demand_names_the_occupation_of_a_suppressed_cell() -> None:
    frame = pd.DataFrame({"occupation": ["11", "12"], "occupation_name": "A",
                          "age_group": ["20-24", "20-24"], "employed": [5.0, np.nan]})
    with pytest.raises(InputError, match="occupation '12'.*missing value"):
        occupations.replacement_demand(frame, horizon=2, start_year=2023)


def test_expansion_and_openings_add_up() -> None:
    occ = _occupations([("MK10", "11", 2020, 100.0), ("MK10", "11", 2022, 120.0),
                        ("MK10", "12", 2020, 50.0), ("MK10", "12", 2022, 30.0)])
    exp = occupations.expansion_demand(occ, "MK10", level=2, horizon=10)
    assert exp.set_index("occupation")["expansion"].to_dict() == {"11": 100.0, "12": -30.0}
    assert exp.attrs["base"] == (2020, 2022)
    rep = pd.DataFrame({"occupation": ["11", "12"], "occupation_name": ["A", "B"],
                        "employed": [120.0, 30.0], "replacement": [44.0, 10.0]})
    rep.attrs = {"horizon": 10}
    out = occupations.openings_by_occupation(exp, rep).set_index("occupation")
    assert out.loc["11", "openings"] == 144.0
    assert out.loc["11", "openings_per_year"] == pytest.approx(14.4)
    assert out.loc["12", "openings"] == -20.0         # not clipped (Cedefop sum stays additive)
    rep.attrs = {"horizon": 5}
    with pytest.raises(InputError, match="same horizon"):
        occupations.openings_by_occupation(exp, rep)


def test_openings_by_sector_rates_of_groups_applied_to_finest_employed() -> None:
    occ = _occupations([("MK10", "62", 2023, 200.0), ("MK10", "621", 2023, 30.0),
                        ("MK10", "622", 2023, 170.0), ("MK10", "71", 2023, 10.0),
                        ("MK10", "7111", 2023, 10.0)])
    openings = pd.DataFrame({"occupation": ["62", "71"], "employed": [200.0, 10.0],
                             "expansion": [-20.0, 0.0], "replacement": [70.0, 5.0],
                             "openings": [50.0, 5.0]})
    openings.attrs = {"horizon": 10}
    sectors = {"metsa": sector("metsa", ("6210", "6215")),     # both only via group 621
               "rak": sector("rak", ("7111",)), "none": sector("none", ("9999",))}
    out = occupations.openings_by_sector(openings, occ, "MK10", sectors).set_index("sector")
    assert out.loc["metsa", "employed"] == 30.0                 # 621 counted once
    assert out.loc["metsa", "openings"] == pytest.approx(30 * 50 / 200)
    assert out.loc["metsa", "replacement"] == pytest.approx(30 * 70 / 200)
    assert out.loc["metsa", "precision"] == "osin laajempi ryhmä (yläraja)"
    assert out.loc["rak", "openings_per_year"] == pytest.approx(10 * 0.5 / 10)
    assert out.loc["rak", "precision"] == "alan omat koodit"
    assert math.isnan(out.loc["none", "openings"]) and out.loc["none", "precision"] == "ei tietoa"


def test_exit_rate_table_matches_the_rates_it_describes() -> None:
    table = occupations.exit_rate_table()
    rates = occupations.default_exit_rates()
    row = table.set_index("age_group").loc["55–59", "exit_rate"]
    assert row == pytest.approx(rates[57] * 100)
    assert table.set_index("age_group").loc["63", "exit_rate"] == 25.0
    assert table["exit_rate"].iloc[-1] == 100.0 and table["age_group"].iloc[-1] == "70–"


def test_occupation_labels_are_code_and_short_name() -> None:
    occ = _occupations([("MK10", "1", 2023, 1.0), ("SSS", "1", 2023, 1.0)])
    occ["occupation_name"] = "Johtajat ja ylimmät virkamiehet, joiden nimi on hyvin pitkä"
    label = occupations.occupation_structure(occ, "MK10")["label"].iloc[0]
    assert label.startswith("1 Johtajat") and label.endswith("…") and len(label) == 45

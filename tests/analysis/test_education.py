"""Tests of punos_lib.analysis.education against hand-computed values and recorded real statistics."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from punos_lib.analysis import education
from punos_lib.errors import InputError

from analysis_frames import sector, with_provenance


def _education() -> pd.DataFrame:
    return with_provenance(pd.DataFrame({
        "area": "MK10", "year": [2022, 2023, 2023, 2023, 2021],
        "level": ["amk", "amk", "ammatillinen", "amk", "amk"],
        "field": ["07", "07", "07", "09", "07"], "field_name": "n",
        "measure": "tutkinnot", "value": [100.0, 150.0, 50.0, 10.0, 1000.0],
    }))


def test_education_by_field_and_unknown_measure() -> None:
    out = education.education_by_field(_education(), "MK10", measure="tutkinnot")
    assert out[["field", "level", "value"]].values.tolist() == [
        ["07", "amk", 150.0], ["07", "ammatillinen", 50.0], ["09", "amk", 10.0]]
    with pytest.raises(InputError, match="measure 'uudet' is not in the data"):
        education.education_by_field(_education(), "MK10", measure="uudet")


def test_supply_vs_openings_broad_field_is_flagged() -> None:
    openings = pd.DataFrame({"sector": ["tek", "sote"], "openings_per_year": [50.0, 0.0]})
    sectors = {"tek": sector("tek", ("7111",), ("0715",)),
               "sote": sector("sote", ("3221",), ("0913",))}
    out = education.supply_vs_openings(_education(), openings, sectors, "MK10", years=2)
    tek = out.set_index("sector").loc["tek"]
    assert tek["supply_per_year"] == 150.0            # (100 + 200) / 2 years, field 07
    assert tek["supply_ratio"] == 3.0
    assert tek["field_precision"] == "osin laajempi ryhmä (yläraja)"
    assert tek["precision"] == "–"                     # openings frame had no precision column
    sote = out.set_index("sector").loc["sote"]
    assert sote["fields_used"] == "09" and math.isnan(sote["supply_ratio"])
    assert out.attrs["years"] == (2022, 2023)


def test_education_table_columns_per_measure_and_level() -> None:
    edu = _education()
    edu.loc[len(edu)] = ["MK10", 2023, "amk", "07", "n", "uudet", 300.0]
    out = education.education_table(edu, "MK10").set_index("field")
    assert out.loc["07", "tutkinnot: amk"] == 150.0
    assert out.loc["07", "tutkinnot: ammatillinen"] == 50.0
    assert out.loc["07", "yhteensä: tutkinnot"] == 200.0
    assert out.loc["07", "uudet: amk"] == 300.0
    assert math.isnan(out.loc["09", "uudet: amk"])

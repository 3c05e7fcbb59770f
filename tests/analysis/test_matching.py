"""Tests of punos_lib.analysis.matching against hand-computed values and recorded real statistics."""

from __future__ import annotations

import csv
import gzip
import math

import numpy as np
import pandas as pd
import pytest

from punos_lib.analysis import matching
from punos_lib.errors import InputError

from analysis_frames import with_provenance


def _areas() -> pd.DataFrame:
    return with_provenance(pd.DataFrame({
        "area": ["KU1", "KU1", "KU2", "KU2"], "area_name": ["A", "A", "B", "B"],
        "month": ["2023M01", "2023M02"] * 2,
        "unemployed": [10.0, 30.0, 5.0, 5.0], "labour_force": [100.0, 100.0, 50.0, 50.0],
        "vacancies": [2.0, 6.0, 0.0, 0.0],
    }))


def _jobseekers(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area", "occupation", "month", "unemployed", "vacancies"])
    frame["area_name"] = frame["area"]
    frame["occupation_name"] = "nimi " + frame["occupation"]
    return with_provenance(frame)


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


def test_area_labour_market_ratios_of_sums() -> None:
    out = matching.area_labour_market(_areas(), ["KU1", "KU2"], months=2).set_index("area")
    assert out.loc["KU1", "unemployed"] == 20.0
    assert out.loc["KU1", "unemployment_rate"] == 20.0
    assert out.loc["KU1", "tightness"] == pytest.approx(8 / 40)
    assert out.loc["KU2", "tightness"] == 0.0
    assert out.attrs["months"] == ("2023M01", "2023M02")
    one = matching.area_labour_market(_areas(), ["KU1"], months=1)
    assert one["unemployment_rate"].tolist() == [30.0]


def test_tightness_over_time_rolling_window() -> None:
    out = matching.tightness_over_time(_areas(), ["KU1"], window=2)
    assert out["month"].tolist() == ["2023M02"]
    assert out["tightness"].tolist() == [pytest.approx(0.2)]


def test_occupation_tightness_leaves_out_suppressed_months_and_unknown_classes() -> None:
    js = _jobseekers([
        ("MK10", "1111", "2023M01", 10.0, 2.0), ("MK10", "1111", "2023M02", 30.0, np.nan),
        ("MK10", "1111", "2023M03", 20.0, 8.0), ("MK10", "X999", "2023M03", 500.0, 1.0),
        ("MK10", "2222", "2022M12", 99.0, 99.0),   # older than the window
        ("MK10", "2222", "2023M03", 4.0, 12.0),
    ])
    out = matching.occupation_tightness(js, "MK10", months=3).set_index("occupation")
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
    out = matching.shortage_surplus(t, n=2, min_size=20)
    assert out[["side", "occupation"]].values.tolist() == [
        ["pula", "a"], ["pula", "e"], ["ylitarjonta", "b"]]
    assert (out.attrs["eligible"], out.attrs["too_small"], out.attrs["suppressed"]) == (3, 1, 1)
    assert "vähintään 20" in out.attrs["rule"]
    loose = matching.shortage_surplus(t, n=1, min_size=0, allow_suppressed=True)
    assert loose["occupation"].tolist() == ["c", "b"]
    with pytest.raises(InputError, match="min_size"):
        matching.shortage_surplus(t, min_size=-1)


def test_mismatch_comparison_region_and_country() -> None:
    js = _jobseekers([
        ("MK10", "1111", "2023M01", 0.0, 1.0), ("MK10", "2222", "2023M01", 1.0, 0.0),
        ("SSS", "1111", "2023M01", 2.0, 1.0), ("SSS", "2222", "2023M01", 2.0, 1.0),
        ("SSS", "X999", "2023M01", 100.0, 0.0),
    ])
    out = matching.mismatch_comparison(js, "MK10", window=1).set_index("area")
    assert out.loc["MK10", "mismatch_index"] == 1.0
    assert out.loc["SSS", "mismatch_index"] == pytest.approx(0.0, abs=1e-12)   # X left out
    assert out.loc["SSS", "mismatch_smoothed"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["SSS", "area_name"] == "Koko maa"


def test_beveridge_rates() -> None:
    out = matching.beveridge_frame(_areas(), "KU1", window=1)
    assert out["unemployment_rate"].tolist() == [10.0, 30.0]
    assert out["vacancy_rate"].tolist() == [pytest.approx(2 / 92 * 100), pytest.approx(6 / 76 * 100)]
    smooth = matching.beveridge_frame(_areas(), "KU1", window=2)
    assert smooth["unemployment_rate"].tolist() == [20.0]


def test_real_12ti_nurses_tightness_over_12_months(real_12ti) -> None:  # type: ignore[no-untyped-def]
    # Independent: sum of vacancies / sum of unemployed over the months where both are known.
    u = v = 0.0
    for (area, occ, month), val in real_12ti.items():
        if area == "MK10" and occ == "3221":
            if not math.isnan(val["TYOTTOMATLOPUSSA"]) and not math.isnan(val["AVPAIKATLOPUSSA"]):
                u += val["TYOTTOMATLOPUSSA"]
                v += val["AVPAIKATLOPUSSA"]
    out = matching.occupation_tightness(_frame_12ti(real_12ti), "MK10").set_index("occupation")
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
    out = matching.mismatch_comparison(_frame_12ti(real_12ti), "MK10")
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
    out = matching.area_labour_market(pd.DataFrame([record]), ["MK10"], months=1)
    # Published: 5,621 unemployed jobseekers and 718 vacancies (PROVENANCE.md).
    assert out["unemployed"].iloc[0] == 5621.0
    assert out["tightness"].iloc[0] == pytest.approx(718 / 5621)

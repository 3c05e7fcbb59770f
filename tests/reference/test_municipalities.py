"""The committed mergers and harmonisation (punos_lib.reference.municipalities) on recorded real population."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from punos_lib.errors import InputError
from punos_lib.reference import municipalities

MK10_2025 = ["046", "097", "178", "213", "491", "507", "593", "623", "681", "740", "768"]  # DOMAIN.md


@pytest.fixture(scope="module")
def population(reference: Path) -> pd.DataFrame:
    return pd.read_csv(reference / "population" / "etela_savo_population_2000_2022_sotkanet.csv",
                       dtype={"municipality_code": str})


def test_harmonize_real_population(population: pd.DataFrame) -> None:
    frame = population.assign(area="KU" + population["municipality_code"]).drop(columns="municipality_code")
    out = municipalities.harmonize(frame, value_cols=["population"])
    years = sorted(population["year"].unique())
    assert len(years) == 23 and len(out) == 11 * 23
    assert "KU588" not in set(out["area"])
    assert sorted(out["area"].unique()) == ["KU" + c for c in MK10_2025]
    raw = population.set_index(["municipality_code", "year"])["population"]
    got = out.set_index(["area", "year"])["population"]
    for year in years:
        assert got[("KU507", year)] == raw[("507", year)] + raw[("588", year)]
        assert got[("KU491", year)] == raw[("491", year)]  # unmerged: unchanged
    assert out["population"].sum() == population["population"].sum()
    assert out.attrs["unplaced_codes"] == [] and out.attrs["harmonized_to"] == 2025
    # bare three-digit codes stay bare
    bare = municipalities.harmonize(population, code_col="municipality_code", value_cols=["population"])
    assert set(bare["municipality_code"]) == set(MK10_2025)
    # before the merger Pertunmaa is its own municipality
    y2024 = municipalities.harmonize(frame, to_year=2024, value_cols=["population"])
    assert len(y2024) == 12 * 23


def test_harmonize_labels_other_rows_and_missing() -> None:
    frame = pd.DataFrame({
        "area": pd.Categorical(["SSS", "MK10", "KU588", "KU507", "KU588", "KU507"]),
        "area_label": ["KOKO MAA", "Etelä-Savo", "Pertunmaa", "Mäntyharju", "Pertunmaa", "Mäntyharju"],
        "year": [2020, 2020, 2020, 2020, 2021, 2021],
        "value": [5.5e6, 1.3e5, 1700.0, 5800.0, np.nan, 5700.0],
        "share": [1.0, 0.02, 0.3, 0.7, 0.3, 0.7],
    })
    with pytest.raises(InputError, match="'area_label' is not numeric"):
        municipalities.harmonize(frame, value_cols=["value", "area_label"])
    out = municipalities.harmonize(frame.drop(columns="share"))
    assert out["area"].astype(str).tolist() == ["SSS", "MK10", "KU507", "KU507"]
    assert out["area_label"].tolist() == ["KOKO MAA", "Etelä-Savo", "Mäntyharju", "Mäntyharju"]
    assert out["value"].iloc[2] == 7500.0
    assert np.isnan(out["value"].iloc[3])  # a missing part makes the sum missing
    assert isinstance(out["area"].dtype, pd.CategoricalDtype)
    with pytest.raises(InputError, match="value_cols"):
        municipalities.harmonize(frame.rename(columns={"value": "jobs"}))


def test_harmonize_unknown_codes() -> None:
    frame = pd.DataFrame({"area": ["KU491", "KU999", "KU588"], "value": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match=r"\['KU999'\].*on_unknown='keep'"):
        municipalities.harmonize(frame)
    out = municipalities.harmonize(frame, on_unknown="keep")
    assert out["area"].tolist() == ["KU491", "KU999", "KU507"]
    assert out.attrs["unplaced_codes"] == ["KU999"]


def test_mergers_from_file_and_chains() -> None:
    mergers = municipalities.load_mergers()
    pert = mergers[mergers["old_code"] == "KU588"].iloc[0]
    assert (pert["year"], pert["new_code"]) == (2025, "KU507")
    # a chain A -> B (2021), B -> C (2023) puts A's rows into C
    chain = pd.DataFrame({"year": [2021, 2023], "old_code": ["KU001", "KU002"], "new_code": ["KU002", "KU003"]})
    frame = pd.DataFrame({"area": ["KU001", "KU002", "KU003"], "value": [1.0, 2.0, 4.0]})
    out = municipalities.harmonize(frame, 2023, mergers=chain, division=["003"])
    assert out.values.tolist() == [["KU003", 7.0]]


def test_harmonize_label_from_key_when_successor_absent() -> None:
    frame = pd.DataFrame(
        {"area": ["KU588", "KU588"], "area_name": ["Pertunmaa", "Pertunmaa"], "year": [2019, 2020],
         "value": [1800, 1750]},
        index=[7, 7],  # a non-unique index must not matter
    )
    out = municipalities.harmonize(frame)
    assert out.values.tolist() == [["KU507", "Mäntyharju", 2019, 1800], ["KU507", "Mäntyharju", 2020, 1750]]
    assert out["value"].dtype == frame["value"].dtype

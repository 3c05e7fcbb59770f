"""The study's commuting and matching numbers from the bundled real data (data/real/).

Cross-check values are independent of this code: they are from ../shared/data/reference/PROVENANCE.md
(computed there from the recorded files). The path is the study's own: bundled snapshot entries →
punos_lib.datasets → the analysis functions the chapters call. Nothing outside the repository is
needed.
"""

from __future__ import annotations

import pandas as pd
import pytest

from punos_lib import datasets
from punos_lib.analysis import economy, matching
from punos_lib.snapshot import bundled
from punos_lib.snapshot.store import Snapshot

ETELA_SAVO = ["KU046", "KU097", "KU178", "KU213", "KU491", "KU507", "KU593", "KU623", "KU681", "KU740", "KU768"]


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    root = tmp_path_factory.mktemp("bundled-labour") / "snapshot"
    bundled.load_bundle(root)
    return Snapshot(root)


def test_commuting_datasets_are_real_and_end_in_2021(snap: Snapshot) -> None:
    suff = datasets.self_sufficiency(snap)
    prov = suff.attrs["provenance"]
    assert prov["synthetic"] is False and prov["datasets"] == ["commuting", "employment_status"]
    assert prov["attribution"] == ["Lähde: Tilastokeskus"]
    assert suff["year"].max() == 2021
    for dataset in ("commuting", "employment_status"):
        assert {e.source for e in snap.entries(dataset=dataset)} == {"bundled"}


def test_self_sufficiency_table_carries_mikkeli_and_etela_savo_2021(snap: Snapshot) -> None:
    """Chapter 3's table: Mikkeli 18,600 + 3,155 = 21,755 jobs, 20,994 employed, ≈ 103.6 %."""
    suff = datasets.self_sufficiency(snap)
    table = economy.self_sufficiency_table(suff, [*ETELA_SAVO, "MK10"], year=2021).set_index("area")
    mikkeli = table.loc["KU491"]
    assert mikkeli["jobs"] == 21_755
    assert mikkeli["in_commuters"] == 3_155
    assert mikkeli["jobs"] - mikkeli["in_commuters"] == 18_600  # working in the home municipality
    assert mikkeli["employed_residents"] == 20_994
    assert mikkeli["self_sufficiency"] == pytest.approx(103.6, abs=0.05)
    region = table.loc["MK10"]
    assert region["jobs"] == 49_317 and region["employed_residents"] == 49_623
    assert pd.isna(region["in_commuters"])  # in-commuting into a region is not the sum of its municipalities'
    # the 2016 figure equals the municipal key figures' published 104.3 (kt162r, PROVENANCE.md)
    older = economy.self_sufficiency_table(suff, ["KU491"], year=2016).iloc[0]
    assert older["jobs"] == 22_543 and older["employed_residents"] == 21_606
    assert older["self_sufficiency"] == pytest.approx(104.3, abs=0.05)


def test_mantyharju_includes_pertunmaa_and_has_no_summed_commuters(snap: Snapshot) -> None:
    suff = datasets.self_sufficiency(snap)
    assert "KU588" not in set(suff["area"])  # merged into Mäntyharju in 2025
    row = suff[(suff["area"] == "KU507") & (suff["year"] == 2021)].iloc[0]
    assert pd.isna(row["in_commuters"]) and pd.isna(row["out_commuters"])
    assert row["jobs"] > 0 and row["employed_residents"] > 0


def test_matching_datasets_are_real_and_end_in_2023m10(snap: Snapshot) -> None:
    areas = datasets.jobseekers_by_area(snap)
    occupations = datasets.jobseekers_by_occupation(snap)
    for frame in (areas, occupations):
        assert frame.attrs["provenance"]["synthetic"] is False
        assert frame["month"].max() == "2023M10"
    assert areas["month"].nunique() == 60 and occupations["month"].nunique() == 36
    assert set(occupations["area"]) == {"SSS"} | {f"MK{n:02d}" for n in (1, 2, *range(4, 20), 21)}


def test_area_labour_market_carries_the_real_october_2023(snap: Snapshot) -> None:
    """Chapter 5's municipal table for one month: MK10 5,621 / 718, Mikkeli 2,426 / 360."""
    areas = datasets.jobseekers_by_area(snap)
    table = matching.area_labour_market(areas, ["KU491", "MK10"], months=1).set_index("area")
    assert table.attrs["months"] == ("2023M10", "2023M10")
    assert table.loc["MK10", "unemployed"] == 5_621 and table.loc["MK10", "vacancies"] == 718
    assert table.loc["KU491", "unemployed"] == 2_426 and table.loc["KU491", "vacancies"] == 360
    assert table.loc["MK10", "tightness"] == pytest.approx(718 / 5_621)
    # the 12-month table the chapter shows averages the same month-end counts
    year = matching.area_labour_market(areas, ["MK10"]).iloc[0]
    months = areas[(areas["area"] == "MK10") & (areas["month"] >= "2022M11")]
    assert len(months) == 12
    assert year["unemployed"] == pytest.approx(months["unemployed"].mean())


def test_beveridge_and_tightness_end_with_the_real_last_month(snap: Snapshot) -> None:
    areas = datasets.jobseekers_by_area(snap)
    beveridge = matching.beveridge_frame(areas, "MK10")
    assert beveridge["month"].iloc[-1] == "2023M10"
    last12 = areas[(areas["area"] == "MK10") & (areas["month"] >= "2022M11")]
    assert beveridge["unemployment_rate"].iloc[-1] == pytest.approx(
        last12["unemployed"].sum() / last12["labour_force"].sum() * 100)
    tightness = matching.tightness_over_time(areas, ["MK10"])
    assert tightness["tightness"].iloc[-1] == pytest.approx(last12["vacancies"].sum() / last12["unemployed"].sum())


def test_mismatch_runs_on_the_real_occupations(snap: Snapshot) -> None:
    occupations = datasets.jobseekers_by_occupation(snap)
    mismatch = matching.mismatch_comparison(occupations, "MK10").dropna(subset=["mismatch_smoothed"])
    assert set(mismatch["area"]) == {"MK10", "SSS"}
    assert mismatch["month"].max() == "2023M10"
    assert ((mismatch["mismatch_smoothed"] > 0) & (mismatch["mismatch_smoothed"] < 1)).all()
    shortage = matching.shortage_surplus(matching.occupation_tightness(occupations, "MK10"), n=10, min_size=20)
    assert shortage.attrs["months"] == ("2022M11", "2023M10")
    assert (shortage["side"] == "pula").sum() == 10

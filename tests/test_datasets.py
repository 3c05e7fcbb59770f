"""Tests of punos_lib.datasets on the demo snapshot and on real recorded StatFin payloads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from punos_lib import datasets
from punos_lib.snapshot import demo
from punos_lib.sources import jsonstat
from punos_lib.errors import InputError, SnapshotError
from punos_lib.snapshot.store import Snapshot

ETELA_SAVO_2025 = {"KU046", "KU097", "KU178", "KU213", "KU491", "KU507", "KU593", "KU623", "KU681",
                   "KU740", "KU768"}


@pytest.fixture(scope="session")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return demo.build_demo(tmp_path_factory.mktemp("demo-datasets"), progress=False)


def _es_codes(snap: Snapshot) -> set[str]:
    munis = datasets.municipalities(snap)
    return set(munis.loc[munis["region"] == "MK10", "area"])


def test_population_columns_and_types(snap: Snapshot) -> None:
    pop = datasets.population(snap)
    assert list(pop.columns) == ["area", "area_name", "age", "year", "population"]
    assert pop["age"].dtype == np.int64 and pop["year"].dtype == np.int64
    assert pop["population"].dtype == np.float64
    assert pop["age"].min() == 0 and pop["age"].max() == 100
    assert sorted(pop["year"].unique())[-1] == 2024 and pop["year"].nunique() == 11
    prov = pop.attrs["provenance"]
    assert prov["synthetic"] is True
    assert prov["datasets"] == ["population"]
    assert "population/data-1" in prov["entries"] and "population/metadata" in prov["entries"]
    assert prov["attribution"] == ["Esimerkkiaineisto – ei todellisia tilastoja"]
    assert prov["updated"] == {"population": "2025-12-31T00:00:00Z"}


def test_population_totals_match_the_payload(snap: Snapshot) -> None:
    """by_age=False takes the payload's SSS rows; they equal the sum over single ages."""
    by_age = datasets.population(snap)
    totals = datasets.population(snap, by_age=False)
    assert "age" not in totals.columns
    mikkeli = totals[(totals["area"] == "KU491") & (totals["year"] == 2024)]["population"].item()
    summed = by_age[(by_age["area"] == "KU491") & (by_age["year"] == 2024)]["population"].sum()
    assert mikkeli == summed
    # the same number straight from the stored json-stat parts
    raw = pd.concat([jsonstat.read(snap.read_bytes(e.id)) for e in snap.entries(dataset="population", kind="data")])
    want = raw[(raw["alue_23_20260101"] == "KU491") & (raw["ikaryhma_10_20180101"] == "SSS")
               & (raw["timeperiod_y"] == "2024")]["value"].item()
    assert mikkeli == want


def test_etela_savo_has_eleven_municipalities(snap: Snapshot) -> None:
    assert _es_codes(snap) == ETELA_SAVO_2025
    proj = datasets.population_projection(snap)
    assert list(proj.columns) == ["area", "area_name", "age", "year", "population"]
    munis_in_proj = set(proj["area"]) & (ETELA_SAVO_2025 | {"KU588"})
    assert munis_in_proj == ETELA_SAVO_2025  # Pertunmaa merged away
    assert proj["area"].nunique() == 309 + 19  # SSS + 308 municipalities of 2025 + 19 regions summed
    pop = datasets.population(snap, by_age=False)
    es = pop[(pop["year"] == 2024) & pop["area"].isin(ETELA_SAVO_2025)]["population"].sum()
    assert pop[(pop["area"] == "MK10") & (pop["year"] == 2024)]["population"].item() == es
    assert pop[pop["area"] == "MK10"]["area_name"].iloc[0] == "Etelä-Savo"


def test_projection_harmonises_pertunmaa_into_mantyharju(snap: Snapshot) -> None:
    proj = datasets.population_projection(snap)
    got = proj[(proj["area"] == "KU507") & (proj["year"] == 2030) & (proj["age"] == 70)]["population"].item()
    raw = pd.concat([jsonstat.read(snap.read_bytes(e.id))
                     for e in snap.entries(dataset="population_projection", kind="data")])
    sel = raw[(raw["ikaryhma_10_20180101"] == "070") & (raw["timeperiod_y"] == "2030")]
    ku507 = sel[sel["alue_23_20240101"] == "KU507"]["value"].item()
    ku588 = sel[sel["alue_23_20240101"] == "KU588"]["value"].item()
    assert ku588 > 0
    assert got == ku507 + ku588
    assert proj[proj["area"] == "KU507"]["area_name"].iloc[0] == "Mäntyharju"


def test_industry_frames(snap: Snapshot) -> None:
    jobs = datasets.jobs_by_industry(snap)
    assert list(jobs.columns) == ["area", "area_name", "industry", "industry_name", "year", "jobs"]
    assert "SSS" not in set(jobs["industry"])
    es = jobs[(jobs["area"] == "MK10") & (jobs["year"] == 2022)]
    sections = es[es["industry"].str.fullmatch("[A-Z]")]
    share_q = sections.loc[sections["industry"] == "Q", "jobs"].item() / sections["jobs"].sum()
    assert 0.2 < share_q < 0.3
    assert jobs.loc[jobs["industry"] == "16", "industry_name"].iloc[0].startswith("Sahatavaran")
    emp = datasets.employed_by_industry_residence(snap)
    assert list(emp.columns) == ["area", "area_name", "industry", "industry_name", "year", "employed"]


def test_self_sufficiency(snap: Snapshot) -> None:
    ss = datasets.self_sufficiency(snap)
    assert list(ss.columns) == ["area", "area_name", "year", "jobs", "employed_residents", "self_sufficiency",
                                "in_commuters", "out_commuters"]
    row = ss[(ss["area"] == "KU491") & (ss["year"] == 2023)].iloc[0]
    assert row["self_sufficiency"] == pytest.approx(row["jobs"] / row["employed_residents"] * 100)
    assert len(ss) == ss[["area", "year"]].drop_duplicates().shape[0]


def test_occupation_and_jobseeker_frames(snap: Snapshot) -> None:
    occ = datasets.occupations_by_region(snap)
    assert list(occ.columns) == ["area", "area_name", "occupation", "occupation_name", "year", "employed"]
    assert occ["year"].nunique() == 5
    age = datasets.occupations_by_age(snap)
    assert list(age.columns) == ["occupation", "occupation_name", "age_group", "year", "employed"]
    assert set(age["age_group"]) == {"18-24", "25-34", "35-44", "45-54", "55-64", "65-74"}
    assert not age["occupation"].isin(["SSS", "SSSSS"]).any()
    assert not age["occupation"].str.endswith(".").any()  # 115r's level-5 copies are dropped
    assert not age["occupation_name"].str.contains("Taso").any()
    area = datasets.jobseekers_by_area(snap)
    assert list(area.columns) == ["area", "area_name", "month", "unemployed", "labour_force", "vacancies"]
    assert area["month"].nunique() == 60 and area["month"].max() == "2025M11"
    assert not area["area"].isin(["KU199", "KUJOU", "SK902", "SKJOU", "MK91", "MKJO", "ELY80", "ELYJO"]).any()
    assert area["area"].str.startswith("SK").any()  # sub-regions stay
    es = area[(area["area"] == "MK10") & (area["month"] == "2025M10")].iloc[0]
    assert 0.06 < es["unemployed"] / es["labour_force"] < 0.16
    by_occ = datasets.jobseekers_by_occupation(snap)
    assert list(by_occ.columns) == ["area", "area_name", "occupation", "occupation_name", "month", "unemployed",
                                    "vacancies"]
    assert by_occ["unemployed"].isna().any()  # suppressed cells stay missing, never 0
    assert set(by_occ["area"]) == {"SSS"} | {f"MK{n:02d}" for n in (1, 2, *range(4, 20), 21)}


def test_imports(snap: Snapshot) -> None:
    edu = datasets.education_supply(snap)
    assert list(edu.columns) == ["area", "year", "level", "field", "field_name", "measure", "value"]
    assert edu.loc[edu["field"] == "09", "field_name"].iloc[0] == "Terveys- ja hyvinvointialat"
    wf = datasets.workforce_by_occupation_age(snap)
    assert list(wf.columns) == ["area", "year", "occupation", "occupation_name", "age_group", "employed"]


def test_areas_and_boundaries(snap: Snapshot) -> None:
    munis = datasets.municipalities(snap)
    assert list(munis.columns) == ["area", "name_fi", "name_sv", "name_en", "region", "region_name_fi",
                                   "subregion", "subregion_name_fi", "employment_area", "employment_area_name_fi",
                                   "x_km", "y_km"]
    assert len(munis) == 308
    mikkeli = munis[munis["area"] == "KU491"].iloc[0]
    assert (mikkeli["name_sv"], mikkeli["region"], mikkeli["region_name_fi"]) == ("S:t Michel", "MK10", "Etelä-Savo")
    assert mikkeli["subregion_name_fi"] == "Mikkeli"
    regs = datasets.regions(snap)
    assert len(regs) == 19 and regs.loc[regs["region"] == "MK10", "region_name_en"].item() == "South Savo"
    assert datasets.boundaries(snap) is None


def test_generic_load_and_cache(snap: Snapshot) -> None:
    first = datasets.load("population", snap)
    assert "alue_23_20260101" in first.columns and len(first) == 309 * 102 * 11
    first.loc[:, "value"] = -1.0  # a caller's change must not reach the cache
    again = datasets.load("population", snap)
    assert (again["value"] >= 0).all()
    with pytest.raises(InputError, match="declared datasets are"):
        datasets.load("nope", snap)


def test_missing_dataset_says_what_to_run(tmp_path: Path) -> None:
    empty = Snapshot(tmp_path / "empty")
    with pytest.raises(SnapshotError, match=r"'population'.*punos fetch.*punos demo"):
        datasets.population(empty)
    with pytest.raises(SnapshotError, match=r"punos snapshot import FILE --dataset education_supply"):
        datasets.education_supply(empty)


# --- real recorded payloads ---------------------------------------------------------------------


def _real_snapshot(root: Path, reference: Path, form: str) -> Snapshot:
    folder = reference / "statfin_api" / form
    snap = Snapshot(root)
    common = dict(dataset="population", source="statfin", licence="CC BY 4.0",
                  attribution="Lähde: Tilastokeskus", synthetic=False)
    snap.write("population/metadata", (folder / "api-metadata-population.json").read_bytes(), kind="metadata",
               media_type="application/json", **common)
    body = (folder / "api-query-helsinki-population.json").read_bytes()
    snap.write("population/data-1", body, kind="data", media_type="application/json-stat2", part=1, parts=1,
               updated=json.loads(body)["updated"], **common)
    return snap


def test_population_from_real_new_and_old_form(tmp_path: Path, reference: Path) -> None:
    new = datasets.population(_real_snapshot(tmp_path / "new", reference, "new_2026"), by_age=False)
    helsinki = new[(new["area"] == "KU091")].set_index("year")["population"]
    # PROVENANCE.md: new form 2021-2025 = 658457, 664028, 674500, 684018, 694392
    assert helsinki[2025] == 694392
    assert helsinki.to_dict() == {2021: 658457, 2022: 664028, 2023: 674500, 2024: 684018, 2025: 694392}
    assert new["area_name"].iloc[0] == "Helsinki"
    assert new.attrs["provenance"]["synthetic"] is False
    assert new.attrs["provenance"]["updated"] == {"population": "2026-04-01T05:00:00Z"}
    old = datasets.population(_real_snapshot(tmp_path / "old", reference, "old_pre2026"), by_age=False)
    old_h = old[old["area"] == "KU091"].set_index("year")["population"]
    # the old-form recording ends in 2024 (updated 2025-04-04): 2020-2024
    assert old_h.to_dict() == {2020: 656920, 2021: 658457, 2022: 664028, 2023: 674500, 2024: 684018}
    with pytest.raises(SnapshotError, match="no single ages"):
        # the recorded query asked only for the age total
        datasets.population(_real_snapshot(tmp_path / "again", reference, "new_2026"))


def test_imported_rows_need_a_year(tmp_path):
    from punos_lib.errors import SnapshotError, ValidationError
    from punos_lib.snapshot.importing import import_file
    from punos_lib.snapshot.store import Snapshot

    csv = tmp_path / "edu.csv"
    csv.write_text("region,year,level,field,measure,value\nMK10,2024,amk,0913,tutkinnot,5\n"
                   "MK10,,amk,0913,tutkinnot,7\n", encoding="utf-8")
    snap = Snapshot(tmp_path / "snap")
    with pytest.raises(ValidationError, match=r"row 3, column 'year', value ''"):
        import_file(snap, csv, dataset="education_supply", source="Vipunen", licence="CC BY 4.0",
                    attribution="Lähde: Vipunen")  # the import refuses it ...
    # ... and the loader too, should such a file reach the snapshot another way
    snap.write("education_supply/import", csv.read_bytes(), dataset="education_supply", kind="import",
               source="import", media_type="text/csv", licence="CC BY 4.0", attribution="x", synthetic=False)
    with pytest.raises(SnapshotError, match=r"'year' is blank in data row 2"):
        datasets.education_supply(snap)


def _jsonstat_file(path, dims, values, roles):
    import json as _json

    payload = {"version": "2.0", "class": "dataset", "id": [d[0] for d in dims], "size": [len(d[2]) for d in dims],
               "role": roles,
               "dimension": {code: {"label": text, "category": {"index": list(cats), "label": dict(cats)}}
                             for code, text, cats in dims},
               "value": values}
    path.write_text(_json.dumps(payload), encoding="utf-8")
    return path


def _import_commuting(tmp_path, areas, home, inward, employed):
    """115p (home municipality / in-commuters, two age groups) and 115b (employed, two ages) imports."""
    from punos_lib.snapshot.importing import import_file
    from punos_lib.snapshot.store import Snapshot

    snap = Snapshot(tmp_path / "snap")
    ages = {"18-24": "18 - 24", "25-34": "25 - 34"}
    kinds = {"1": "Asuinkunnassaan työssäkäyvät", "2": "Alueelle pendelöivät"}
    values = []
    for code in areas:  # area × year × kind × age, half of each count in each age group
        for count in (home[code], inward[code]):
            values += [count / 2, count / 2]
    p115 = _jsonstat_file(tmp_path / "115p.json",
                          [("Työpaikan alue", "Työpaikan alue", areas), ("Vuosi", "Vuosi", {"2021": "2021"}),
                           ("Pendelöinti", "Pendelöinti", kinds), ("Ikä", "Ikä", ages)],
                          values, {"geo": ["Työpaikan alue"], "time": ["Vuosi"]})
    import_file(snap, p115, dataset="commuting", source="StatFin", licence="CC BY 4.0",
                attribution="Lähde: Tilastokeskus")
    activity = {"SSS": "Yhteensä", "11": "Työlliset"}
    values = []
    for code in areas:  # area × year × age × activity; 'Yhteensä' is population, not employed
        for _ in ("0-17", "18-64"):
            values += [employed[code] * 3, employed[code] / 2]
    p115b = _jsonstat_file(tmp_path / "115b.json",
                           [("Alue", "Alue", areas), ("Vuosi", "Vuosi", {"2021": "2021"}),
                            ("Ikä", "Ikä", {"0-17": "0 - 17", "18-64": "18 - 64"}),
                            ("Pääasiallinen toiminta", "Pääasiallinen toiminta", activity)],
                           values, {"geo": ["Alue"], "time": ["Vuosi"]})
    import_file(snap, p115b, dataset="employment_status", source="StatFin", licence="CC BY 4.0",
                attribution="Lähde: Tilastokeskus")
    return snap


def test_self_sufficiency_from_commuting_and_employed(tmp_path):
    """Jobs = home municipality + in-commuters (115p), employed residents from 115b, ratio recomputed."""
    areas = {"KU491": "Mikkeli", "KU046": "Enonkoski"}
    snap = _import_commuting(tmp_path, areas, home={"KU491": 18600, "KU046": 300},
                             inward={"KU491": 3155, "KU046": 40}, employed={"KU491": 20994, "KU046": 500})
    frame = datasets.self_sufficiency(snap).set_index("area")
    mikkeli = frame.loc["KU491"]
    assert mikkeli["jobs"] == 21755 and mikkeli["employed_residents"] == 20994
    assert mikkeli["in_commuters"] == 3155 and mikkeli["out_commuters"] == 20994 - 18600
    assert mikkeli["self_sufficiency"] == pytest.approx(103.6, abs=0.05)
    # the region row is summed for jobs and employed only: commuting inside it is no in-commuting
    region = frame.loc["MK10"]
    assert region["jobs"] == 21755 + 340 and region["employed_residents"] == 21494
    assert np.isnan(region["in_commuters"]) and np.isnan(region["out_commuters"])
    assert frame.attrs["provenance"]["datasets"] == ["commuting", "employment_status"]


def test_commuters_of_a_merged_municipality_are_unknown_not_summed(tmp_path):
    areas = {"KU507": "Mäntyharju", "KU588": "Pertunmaa", "KU491": "Mikkeli"}
    snap = _import_commuting(tmp_path, areas, home={"KU507": 90, "KU588": 40, "KU491": 900},
                             inward={"KU507": 10, "KU588": 10, "KU491": 100},
                             employed={"KU507": 100, "KU588": 50, "KU491": 1000})
    frame = datasets.self_sufficiency(snap).set_index("area")
    assert frame.loc["KU507", "jobs"] == 150 and frame.loc["KU507", "employed_residents"] == 150
    assert np.isnan(frame.loc["KU507", "in_commuters"]) and np.isnan(frame.loc["KU507", "out_commuters"])
    assert frame.loc["KU491", "in_commuters"] == 100  # untouched municipalities keep their counts
    assert "KU588" not in frame.index


def test_published_self_sufficiency_is_the_single_content(snap: Snapshot) -> None:
    pub = datasets.published_self_sufficiency(snap)
    assert list(pub.columns) == ["area", "area_name", "year", "self_sufficiency"]
    meta = snap.read_json("self_sufficiency/metadata")
    assert [len(v["values"]) for v in meta["variables"] if v["code"] == "contentscode"] == [1]
    computed = datasets.self_sufficiency(snap).set_index(["area", "year"])["self_sufficiency"]
    row = pub[(pub["area"] == "MK10")].iloc[-1]
    # the demo's published ratio and the one computed from its 115p/115b counts tell the same story
    assert row["self_sufficiency"] == pytest.approx(computed[("MK10", row["year"])], rel=0.05)


def _import_population(tmp_path, dims, values):
    import json as _json

    from punos_lib.snapshot.importing import import_file
    from punos_lib.snapshot.store import Snapshot

    payload = {"version": "2.0", "class": "dataset", "id": [d[0] for d in dims], "size": [len(d[2]) for d in dims],
               "role": {"geo": ["alue"], "time": ["vuosi"]},
               "dimension": {code: {"label": text, "category": {"index": list(cats), "label": dict(cats)}}
                             for code, text, cats in dims},
               "value": values}
    path = tmp_path / "pop.json"
    path.write_text(_json.dumps(payload), encoding="utf-8")
    snap = Snapshot(tmp_path / "snap")
    import_file(snap, path, dataset="population", source="StatFin", licence="CC BY 4.0",
                attribution="Lähde: Tilastokeskus")
    return snap


def test_population_refuses_sexes_without_a_total(tmp_path):
    from punos_lib.errors import SnapshotError

    snap = _import_population(tmp_path, [("alue", "Alue", {"KU491": "Mikkeli"}),
                                         ("sukupuoli", "Sukupuoli", {"1": "Miehet", "2": "Naiset"}),
                                         ("vuosi", "Vuosi", {"2024": "2024"})], [25000, 26000])
    with pytest.raises(SnapshotError, match="no total 'SSS'"):
        datasets.population(snap, by_age=False)


def test_population_picks_the_population_count_among_several_contents(tmp_path):
    snap = _import_population(tmp_path, [("alue", "Alue", {"KU491": "Mikkeli"}),
                                         ("vuosi", "Vuosi", {"2024": "2024"}),
                                         ("tiedot", "Tiedot", {"muutos": "Väestönmuutos", "vaesto": "Väestö 31.12."})],
                              [-300, 51000])
    frame = datasets.population(snap, by_age=False)
    assert frame.loc[frame["area"] == "KU491", "population"].tolist() == [51000.0]


def test_ten_year_age_groups_through_the_replacement_indicators(snap: Snapshot) -> None:
    """115r's ten-year groups: share aged 55+ = (55-64 + 65-74) / the sum of the six groups.

    The denominator is the sum of the groups, not the SSS row, so numerator and denominator count
    the same people (the total may hold cells the groups lack, and suppressed groups would
    otherwise bias the share).
    """
    from punos_lib.analysis import occupations as occupation_analysis

    occupations = datasets.occupations_by_region(snap)
    by_age = datasets.occupations_by_age(snap)
    ages = occupation_analysis.employed_by_occupation_age("MK10", occupations, by_age, None, level=2)
    assert set(ages["age_group"]) == {"18-24", "25-34", "35-44", "45-54", "55-64", "65-74"}
    shares = occupation_analysis.aged_55_plus(ages).set_index("occupation")["share_aged_55_plus"]
    one = ages[ages["occupation"] == shares.index[0]].set_index("age_group")["employed"]
    assert shares.iloc[0] == pytest.approx((one["55-64"] + one["65-74"]) / one.sum() * 100)
    exits = occupation_analysis.replacement_demand(ages, horizon=10)
    assert (exits["replacement"] > 0).all() and (exits["replacement"] < exits["employed"]).all()

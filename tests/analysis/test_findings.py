"""Headline indicators, peer regions and the key findings written from them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from punos_lib import datasets
from punos_lib.analysis import findings
from punos_lib.analysis import areas, population
from punos_lib.errors import InputError
from punos_lib.reference.regions import REGIONS
from punos_lib.snapshot import demo
from punos_lib.snapshot.store import Snapshot


def _pop(values: dict[tuple[str, int, int], float]) -> pd.DataFrame:
    rows = [{"area": a, "area_name": {"SSS": "Koko maa"}.get(a, REGIONS.get(a, a)), "age": age,
             "year": y, "population": v} for (a, y, age), v in values.items()]
    return pd.DataFrame(rows)


def test_indicators_hand_computed() -> None:
    pop = _pop({("MK10", 2014, 30): 60, ("MK10", 2014, 70): 40, ("MK10", 2024, 0): 20,
                ("MK10", 2024, 30): 50, ("MK10", 2024, 70): 30,
                ("SSS", 2014, 30): 800, ("SSS", 2014, 70): 200, ("SSS", 2024, 0): 0,
                ("SSS", 2024, 30): 880, ("SSS", 2024, 70): 220})
    t = findings.regional_indicators(pop).set_index("area")
    # 100 → 100 persons; 65+ = 30 of 100; dependency = (20 + 30) / 50 × 100.
    assert t.loc["MK10", "population"] == 100
    assert t.loc["MK10", "population_change_pct"] == pytest.approx(0.0)
    assert t.loc["MK10", "share_65_plus"] == pytest.approx(30.0)
    assert t.loc["MK10", "dependency"] == pytest.approx(100.0)
    assert t.loc["SSS", "population_change_pct"] == pytest.approx(10.0)
    assert t.loc["SSS", "dependency"] == pytest.approx(220 / 880 * 100)


def test_labour_indicators_are_ratios_of_sums() -> None:
    pop = _pop({("MK10", 2023, 0): 1, ("MK10", 2024, 0): 1, ("SSS", 2023, 0): 1, ("SSS", 2024, 0): 1})
    js = pd.DataFrame({"area": ["MK10", "MK10", "SSS", "SSS"], "month": ["2024M01", "2024M02"] * 2,
                       "unemployed": [100.0, 300.0, 1000.0, 1000.0],
                       "labour_force": [1000.0, 1000.0, 10000.0, 10000.0],
                       "vacancies": [10.0, 30.0, 500.0, 300.0]})
    t = findings.regional_indicators(pop, jobseekers=js, months=2).set_index("area")
    assert t.loc["MK10", "unemployment_rate"] == pytest.approx(400 / 2000 * 100)
    assert t.loc["MK10", "tightness"] == pytest.approx(40 / 400)
    assert t.attrs["periods"]["tightness"] == "tammikuu–helmikuu 2024"


def test_rank_counts_regions_only_and_shares_ties() -> None:
    t = pd.DataFrame({"area": ["MK01", "MK02", "MK04", "SSS"], "v": [2.0, 5.0, 5.0, 9.0]})
    assert findings.rank_regions(t, "v").tolist()[:3] == [3.0, 1.0, 1.0]
    assert np.isnan(findings.rank_regions(t, "v").iloc[3])


def test_peers_configured_or_closest_in_size() -> None:
    t = pd.DataFrame({"area": ["MK01", "MK02", "MK04", "MK05", "MK06", "MK10"],
                      "population": [1000.0, 500.0, 210.0, 190.0, 400.0, 200.0]})
    assert findings.default_peers(t, "MK10", n=2) == ["MK04", "MK05"]
    assert findings.default_peers(t, "MK10", configured={"MK10": ["MK11", "MK09"]}) == ["MK11", "MK09"]
    with pytest.raises(InputError, match="MK99"):
        findings.default_peers(t, "MK10", configured={"MK10": ["MK99"]})
    with pytest.raises(InputError, match="not a region code"):
        findings.default_peers(t, "mk10")


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return demo.build_demo(tmp_path_factory.mktemp("demo-findings"), progress=False)


def _table(snap: Snapshot) -> pd.DataFrame:
    munis = datasets.municipalities(snap)
    pop = areas.with_regions(datasets.population(snap), munis, "population")
    proj = areas.with_regions(datasets.population_projection(snap), munis, "population")
    return findings.regional_indicators(pop, projection=proj, jobseekers=datasets.jobseekers_by_area(snap))


_NUMBER = re.compile(r"\u2212?\d+(?:\u202f\d{3})*(?:,\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(m.replace("\u202f", "").replace(",", ".").replace("\u2212", "-"))
            for m in _NUMBER.findall(text)]


@pytest.mark.parametrize("region", ["MK10", "MK07"])
def test_every_number_in_a_finding_is_in_the_table_it_cites(snap: Snapshot, region: str) -> None:
    table = _table(snap)
    found = findings.key_findings(table, region)
    assert len(found) >= 6
    assert found["text"].str.contains(REGIONS[region].split("-")[0]).any()
    rows = table.set_index("area").loc[[region, "SSS"]]
    for _, f in found.iterrows():
        ind = next(i for i in findings.INDICATORS if i.column == f["indicator"])
        ranks = findings.rank_regions(table, ind.column)
        allowed = set()
        for col in [c.column for c in findings.INDICATORS if c.column in rows.columns]:
            dec = next(i.decimals for i in findings.INDICATORS if i.column == col)
            allowed |= {round(float(v), dec) for v in rows[col] if not pd.isna(v)}
            allowed |= {abs(round(float(v), dec)) for v in rows[col] if not pd.isna(v)}
        allowed |= {float(ranks[table["area"] == region].iloc[0]), float(len(REGIONS)), 1.0}
        allowed |= {float(y) for y in re.findall(r"\d+", f["period"])}
        allowed |= {15.0, 64.0, 100.0}  # the age limits and "sataa" of the dependency ratio
        for number in _numbers(f["text"]):
            assert number in allowed, (f["text"], number)
        # The sentence states the region's own value of the indicator.
        assert abs(f["value"]) in {abs(n) for n in _numbers(f["text"])}


def test_findings_say_when_they_rest_on_example_data(snap: Snapshot) -> None:
    found = findings.key_findings(_table(snap), "MK10")
    assert found["synthetic"].all()  # the demo snapshot
    md = findings.findings_markdown(found, topic="vaesto")
    assert md.count("Esimerkkiaineisto") == (found["topic"] == "vaesto").sum() == md.count("\n- ") + 1
    assert "@tbl-tunnusluvut" in md


def test_peer_comparison_rows_and_rank(snap: Snapshot) -> None:
    table = _table(snap)
    peers = findings.default_peers(table, "MK10", configured={"MK10": ["MK11", "MK09", "MK12", "MK08"]})
    comp = findings.peer_comparison(table, "MK10", peers)
    assert comp["Alue"].tolist()[:5] == ["Etelä-Savo", "Pohjois-Savo", "Etelä-Karjala", "Pohjois-Karjala",
                                         "Kymenlaakso"]
    assert comp["Alue"].iloc[5].lower() == "koko maa"
    t = table.set_index("area")
    pop_col = next(c for c in comp.columns if c.startswith("Väkiluku"))
    assert comp[pop_col].iloc[0] == round(t.loc["MK10", "population"])
    ranks = findings.region_ranks(table, "MK10").set_index("Tunnusluku")["Sija"]
    expected_rank = 1 + int((t.loc[list(REGIONS), "population"] > t.loc["MK10", "population"]).sum())
    assert ranks["Väkiluku"] == expected_rank


def test_dependency_equals_the_population_chapter(snap: Snapshot) -> None:
    table = _table(snap).set_index("area")
    munis = datasets.municipalities(snap)
    pop = areas.with_regions(datasets.population(snap), munis, "population")
    chapter = population.dependency_by_area(pop, ["MK10", "MK07", "SSS"]).set_index("area")["dependency"]
    assert table.loc[["MK10", "MK07", "SSS"], "dependency"].to_numpy() == pytest.approx(chapter.to_numpy())


def test_published_table_never_mixes_real_and_example_columns() -> None:
    pop = _pop({("MK10", 2023, 0): 10, ("MK10", 2024, 0): 10, ("SSS", 2023, 0): 100, ("SSS", 2024, 0): 100})
    pop.attrs["provenance"] = {"synthetic": False}
    js = pd.DataFrame({"area": ["MK10", "SSS"], "month": ["2024M01"] * 2, "unemployed": [1.0, 10.0],
                       "labour_force": [10.0, 100.0], "vacancies": [1.0, 1.0]})
    js.attrs["provenance"] = {"synthetic": True}
    t = findings.regional_indicators(pop, jobseekers=js)
    assert "unemployment_rate" not in findings.published_columns(t)
    assert not any(c.startswith("Työttömyysaste") for c in findings.indicator_table(t).columns)
    assert "unemployment_rate" not in set(findings.key_findings(t, "MK10")["indicator"])
    js.attrs["provenance"] = {"synthetic": False}
    t = findings.regional_indicators(pop, jobseekers=js)
    assert "unemployment_rate" in set(findings.key_findings(t, "MK10")["indicator"])


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    from punos_lib.snapshot import bundled

    root = tmp_path_factory.mktemp("bundle-findings")
    bundled.load_bundle(root)
    return demo.build_demo(root, progress=False)  # example data only where the bundle has none


def test_findings_on_the_bundled_real_data_equal_the_published_cross_checks(real: Snapshot) -> None:
    # PROVENANCE.md of the recorded data: Etelä-Savo 2025 = 128 144, Finland 2025 = 5 652 881;
    # 14wx: the 12 municipalities of Etelä-Savo 2024 = 128 922 and 2040 = 115 364.
    table = _table(real).set_index("area")
    assert table.loc["MK10", "population"] == 128_144
    assert table.loc["SSS", "population"] == 5_652_881
    assert table.loc["MK10", "projection_change_pct"] == pytest.approx((115_364 / 128_922 - 1) * 100)
    assert table.attrs["synthetic"]["population"] is False
    found = findings.key_findings(_table(real), "MK10").set_index("indicator")
    assert "128\u202f144" in found.loc["population_change_pct", "text"]
    assert "vuonna 2025" in found.loc["population_change_pct", "text"]
    assert not found["synthetic"].any()


# -- chapters 3 and 4 ---------------------------------------------------------------------------
def _chapter_tables(snap: Snapshot, region: str) -> tuple[dict, dict]:
    from punos_lib import sectors
    from punos_lib.analysis import economy, occupations, resolve_year

    jobs = datasets.jobs_by_industry(snap)
    year = resolve_year(jobs)
    suff = datasets.self_sufficiency(snap)
    munis = areas.region_municipalities(datasets.municipalities(snap), region)
    econ = {"jobs_by_region": economy.jobs_by_region(jobs, end=year),
            "structure": economy.industry_structure(jobs, region, year=year),
            "location_quotients": economy.location_quotients(jobs, region, year=year, min_jobs=50),
            "shift_share": economy.shift_share_by_section(jobs, region, end=year),
            "self_sufficiency": economy.self_sufficiency_table(suff, [*munis, region, "SSS"],
                                                               year=resolve_year(suff))}
    occ = datasets.occupations_by_region(snap)
    ages = occupations.employed_by_occupation_age(region, occ, datasets.occupations_by_age(snap),
                                                  datasets.workforce_if_imported(snap), level=2)
    openings = occupations.openings_by_occupation(
        occupations.expansion_demand(occ, region, level=2, horizon=10),
        occupations.replacement_demand(ages, horizon=10))
    occs = {"structure": occupations.occupation_structure(occ, region, level=1),
            "groups": occupations.occupation_structure(occ, region, level=2).head(15),
            "aged": occupations.aged_55_plus(ages).head(15), "openings": openings,
            "sector_openings": occupations.openings_by_sector(openings, occ, region, sectors.load_sectors())}
    return econ, occs


def _stated_values(frame: pd.DataFrame) -> set[float]:
    """Every number of a cited table as a sentence may state it: rounded to 0–2 decimals, or its size."""
    values: set[float] = set()
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]):
            for v in frame[column].dropna():
                for d in (0, 1, 2):
                    values |= {round(float(v), d), abs(round(float(v), d))}
    for key in ("year", "start", "end", "start_year", "end_year"):
        if isinstance(frame.attrs.get(key), (int, np.integer)):
            values.add(float(frame.attrs[key]))
    return values


@pytest.mark.parametrize("region", ["MK10", "MK07"])
def test_every_number_in_the_chapter_findings_is_in_the_table_it_cites(snap: Snapshot, region: str) -> None:
    econ, occs = _chapter_tables(snap, region)
    labels = {"tbl-tyopaikat-maakunnat": econ["jobs_by_region"], "tbl-toimialarakenne": econ["structure"],
              "tbl-sijaintiosamaarat": econ["location_quotients"], "tbl-muutososituslaskelma": econ["shift_share"],
              "tbl-omavaraisuus": econ["self_sufficiency"], "fig-ammattirakenne": occs["structure"],
              "tbl-ammattiryhmat": occs["groups"], "fig-ikaantyneet": occs["aged"],
              "tbl-tyovoimatarve": occs["openings"], "tbl-tyovoimatarve-aloittain": occs["sector_openings"]}
    economy_found = findings.economy_findings(region, **econ)
    occupation_found = findings.occupation_findings(region, **occs)
    assert 3 <= len(economy_found) <= 5 and 3 <= len(occupation_found) <= 5
    assert set(economy_found["topic"]) == {"elinkeino"} and set(occupation_found["topic"]) == {"ammatit"}
    name = REGIONS[region].split("-")[0]
    assert economy_found["text"].str.contains(name).any() and occupation_found["text"].str.contains(name).any()
    for _, f in pd.concat([economy_found, occupation_found]).iterrows():
        table = labels[f["cites"]]
        allowed = _stated_values(table) | {float(len(REGIONS)), 1.0, 100.0, 55.0}
        allowed |= {float(y) for y in re.findall(r"\d{4}", f["period"])}
        for number in _numbers(f["text"]):
            assert number in allowed, (f["cites"], f["text"], number)
        assert abs(f["value"]) in {abs(n) for n in _numbers(f["text"])}, f["text"]


def test_jobs_finding_states_the_rank_counted_by_hand(snap: Snapshot) -> None:
    econ, _ = _chapter_tables(snap, "MK07")
    table = econ["jobs_by_region"].set_index("area")
    regions = table.loc[list(REGIONS), "change_pct"]
    expected = 1 + int((regions > regions["MK07"]).sum())
    found = findings.economy_findings("MK07", **econ).set_index("indicator")
    assert found.loc["jobs_change_pct", "rank"] == expected
    assert f"sija {expected}/19" in found.loc["jobs_change_pct", "text"]
    assert found.loc["jobs_change_pct", "text"].startswith("Päijät-Hämeen alueella oli")


def test_chapter_findings_say_which_rest_on_example_data(snap: Snapshot) -> None:
    econ, _ = _chapter_tables(snap, "MK10")
    econ["self_sufficiency"].attrs["provenance"] = {"synthetic": False}
    found = findings.economy_findings("MK10", **econ).set_index("indicator")
    assert not found.loc["self_sufficiency", "synthetic"]
    assert found.drop(index="self_sufficiency")["synthetic"].all()  # the demo's jobs
    md = findings.findings_markdown(found.reset_index())
    assert md.count("Esimerkkiaineisto") == len(found) - 1
    assert "(@tbl-omavaraisuus)" in md and "(@tbl-tyopaikat-maakunnat)" in md


def test_jobs_by_region_hand_computed() -> None:
    from punos_lib.analysis import economy

    jobs = pd.DataFrame({"area": ["MK01", "MK01", "MK10", "MK10", "MK07", "MK07", "SSS", "SSS"],
                         "area_name": ["Uusimaa"] * 2 + ["Etelä-Savo"] * 2 + ["Päijät-Häme"] * 2 + ["KOKO MAA"] * 2,
                         "industry": ["SSS"] * 8, "year": [2015, 2020] * 4,
                         "jobs": [200.0, 220.0, 100.0, 95.0, 50.0, 55.0, 400.0, 420.0]})
    out = economy.jobs_by_region(jobs).set_index("area")
    assert out.loc["MK10", "change"] == -5 and out.loc["MK10", "change_pct"] == pytest.approx(-5.0)
    assert out.loc[["MK01", "MK07", "MK10"], "rank"].tolist() == [1.0, 1.0, 3.0]  # ties share the best rank
    assert np.isnan(out.loc["SSS", "rank"]) and out.loc["SSS", "area_name"] == "Koko maa"
    assert (out.attrs["start"], out.attrs["end"]) == (2015, 2020)

_IN_PARENTHESES = re.compile(r"\((\d+(?:\u202f\d{3})*)\)")


@pytest.mark.parametrize("region", ["MK10", "MK07"])
def test_every_number_in_an_education_finding_is_the_cited_table_cell(snap: Snapshot, region: str) -> None:
    from punos_lib.analysis import education

    edu = datasets.education_supply(snap)
    table = education.education_table(edu, region)
    found = findings.education_findings(table, region, levels=edu.attrs["levels"])
    assert 3 <= len(found) <= 5
    assert genitive_name(region) in found["text"].iloc[0]
    assert (found["cites"] == "tbl-koulutus-aloittain").all() and found["synthetic"].all()
    cells = table.set_index("field")
    year = table.attrs["year"]
    for _, f in found.iterrows():
        stated = [float(m.replace("\u202f", "")) for m in _IN_PARENTHESES.findall(f["text"])]
        expected = [round(float(cells.loc[field, column])) for field, column in f["cells"]]
        assert stated == expected, f["text"]
        for field, column in f["cells"]:
            # the named field is the row the number comes from, and it is the column's largest
            assert f"alalla {cells.loc[field, 'field_name']} (" in f["text"]
            ranked = cells[column].dropna().sort_values(ascending=False)
            assert float(cells.loc[field, column]) in set(ranked.iloc[:2])
        others = [float(n) for n in re.findall(r"\d+", _IN_PARENTHESES.sub("", f["text"]))]
        assert set(others) <= {float(year)}, f["text"]  # the only other number is the year
    md = findings.findings_markdown(found)
    assert md.count("Esimerkkiaineisto") == len(found)


def test_education_findings_hand_made_table() -> None:
    table = pd.DataFrame({
        "field": ["07", "09", "10"], "field_name": ["Tekniikan alat", "Terveys- ja hyvinvointialat", "Palvelualat"],
        "tutkinnot: amk": [40.0, 55.0, np.nan], "tutkinnot: yliopisto": [np.nan, np.nan, np.nan],
        "yhteensä: tutkinnot": [40.0, 55.0, 0.0], "yhteensä: uudet_opiskelijat": [1200.0, 80.0, 300.0],
    })
    table.attrs = {"year": 2024, "provenance": {"synthetic": False}}
    found = findings.education_findings(table, "MK10", levels=["amk", "yliopisto"])
    texts = found["text"].tolist()
    assert texts[0] == ("Etelä-Savon alueella annetussa koulutuksessa aloitti vuonna 2024 eniten uusia "
                        "opiskelijoita koulutusalalla Tekniikan alat (1\u202f200) ja toiseksi eniten alalla "
                        "Palvelualat (300).")
    assert texts[1] == "Tutkintoja suoritettiin vuonna 2024 eniten alalla Terveys- ja hyvinvointialat (55)."
    assert texts[2] == "Ammattikorkeakoulututkintoja suoritettiin eniten alalla Terveys- ja hyvinvointialat (55)."
    assert texts[3] == "Yliopistotutkintoja ei alueella suoritettu vuonna 2024."
    assert texts[4].startswith("Ammatillisen koulutuksen tiedot puuttuvat")
    assert not found["synthetic"].any()
    assert "Esimerkkiaineisto" not in findings.findings_markdown(found)


def genitive_name(region: str) -> str:
    from punos_lib.reference.regions import genitive

    return genitive(region)

"""The bundled real data (data/real/) as snapshot entries, and the study's numbers computed from it.

The cross-check values are from ../shared/data/reference/PROVENANCE.md (computed there from the
recorded files, several of them equal to real StatFin API answers); these tests need nothing
outside the repository. Only the converter test reads ../shared (and skips without it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from punos_lib import datasets
from punos_lib.analysis import population
from punos_lib.errors import SnapshotError
from punos_lib.reference import declarations
from punos_lib.snapshot import bundled, demo, fetch
from punos_lib.snapshot.store import Snapshot

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "data" / "real"


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    root = tmp_path_factory.mktemp("bundled") / "snapshot"
    bundled.load_bundle(root)
    return Snapshot(root)


# ------------------------------------------------------------------------------------------------
# the files and their provenance


def test_every_bundled_file_is_listed_with_its_checksum_and_provenance() -> None:
    index = yaml.safe_load((REAL / "bundle.yaml").read_text(encoding="utf-8"))
    listed = set(index["files"])
    present = {p.name for p in REAL.iterdir()} - {"bundle.yaml", "PROVENANCE.md"}
    assert present == listed
    provenance = (REAL / "PROVENANCE.md").read_text(encoding="utf-8")
    for name, rec in index["files"].items():
        assert hashlib.sha256((REAL / name).read_bytes()).hexdigest() == rec["sha256"], name
        assert rec["licence"] == "CC BY 4.0"
        assert rec["attribution"].startswith("Lähde: ")
        assert len(rec["recorded_from"]["commit"]) == 40
        assert name in provenance and rec["sha256"] in provenance
        declarations.get(rec["dataset"])  # every file belongs to a declared dataset
    total = sum((REAL / n).stat().st_size for n in listed)
    assert total < 30_000_000


def test_the_converter_reproduces_the_bundled_files(reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "real"
    subprocess.run([sys.executable, str(REPO / "tools" / "bundle_real_data.py"), str(reference), str(out)],
                   check=True, capture_output=True)
    for path in sorted(REAL.iterdir()):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_projection_payload_is_the_recorded_response_unchanged(reference: Path) -> None:
    packed = (REAL / "vaenn_14wx_municipalities_age_2024_2035_2040.json.gz").read_bytes()
    assert gzip.decompress(packed) == (reference / "vaenn_14wx" / "population_raw.json").read_bytes()


# ------------------------------------------------------------------------------------------------
# the snapshot entries


def test_entries_are_real_with_provenance(snap: Snapshot) -> None:
    entries = snap.entries()
    assert {e.dataset for e in entries} >= {"population", "municipality_population", "population_projection",
                                            "municipality_key", "municipality_boundaries", "region_boundaries"}
    for e in entries:
        assert e.source == bundled.SOURCE and e.synthetic is False
        assert e.licence == "CC BY 4.0" and e.attribution.startswith("Lähde: ")
        assert "bundled real data recorded from" in (e.note or "")
        assert e.query["bundled_file"].startswith("data/real/") and e.query["period"]
    report = snap.verify()
    assert report.problems == [] and not report.untracked


def test_a_second_load_writes_nothing(snap: Snapshot) -> None:
    before = snap.manifest_bytes()
    report = bundled.load_bundle(snap.root)
    assert report.written == [] and "population" in report.unchanged
    assert Snapshot(snap.root).manifest_bytes() == before


def test_demo_fills_only_what_the_bundle_lacks(tmp_path: Path) -> None:
    root = tmp_path / "snap"
    demo.build_demo(root, progress=False)          # the order does not matter: demo first …
    bundled.load_bundle(root)                      # … the bundle replaces its synthetic entries
    demo.build_demo(root, progress=False)          # and a later demo leaves them alone
    snap = Snapshot(root)
    assert not snap.synthetic("population") and not snap.synthetic("population_projection")
    assert not snap.synthetic("municipality_boundaries")
    assert snap.synthetic("jobs_by_industry")      # no real file: example data
    assert all(e.source == bundled.SOURCE for e in snap.entries(dataset="population"))
    assert snap.verify().problems == []


def test_fetched_data_is_never_replaced(tmp_path: Path) -> None:
    snap = Snapshot(tmp_path / "snap")
    snap.write("population/data-1", b'{"real": true}', dataset="population", kind="data", source="statfin",
               media_type="application/json", licence="CC BY 4.0", attribution="Lähde: Tilastokeskus",
               synthetic=False)
    report = bundled.load_bundle(snap.root)
    assert "population" in report.kept_real
    assert [e.source for e in Snapshot(snap.root).entries(dataset="population")] == ["statfin"]


def test_fetch_replaces_bundled_entries(snap: Snapshot) -> None:
    # bundled data is real but not what the API would send today: fetch downloads it again
    for dataset in ("population", "municipality_key", "municipality_boundaries"):
        assert not fetch._complete(snap, declarations.get(dataset))


def test_a_changed_bundled_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "real"
    shutil.copytree(REAL, folder)
    target = folder / "vaerak_11re_regions_age_1972-2025.json.gz"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match="vaerak_11re_regions_age_1972-2025.json.gz.*checksum"):
        bundled.load_bundle(tmp_path / "snap", folder=folder)
    assert not Snapshot(tmp_path / "snap").entries(dataset="population")


def test_an_index_record_without_provenance_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "real"
    shutil.copytree(REAL, folder)
    index = yaml.safe_load((folder / "bundle.yaml").read_text(encoding="utf-8"))
    first = next(iter(index["files"]))
    del index["files"][first]["recorded_from"]
    (folder / "bundle.yaml").write_text(yaml.safe_dump(index, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SnapshotError, match=f"{first}.*recorded_from"):
        bundled.read_index(folder)


def test_cli_bundle_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from punos_lib import cli

    root = tmp_path / "snap"
    assert cli.main(["bundle", "--snapshot", str(root)]) == 0
    assert cli.main(["demo", "--snapshot", str(root), "--no-progress"]) == 0
    capsys.readouterr()
    assert cli.main(["snapshot", "list", "--snapshot", str(root)]) == 0
    lines = dict(line.split("\t")[:2] for line in capsys.readouterr().out.splitlines())
    assert lines["population/data-1"] == "real (bundled)"
    assert lines["jobs_by_industry/metadata"] == "SYNTHETIC example"


# ------------------------------------------------------------------------------------------------
# real numbers, through datasets and the analysis helpers the study uses


def test_population_by_region_equals_the_cross_checks(snap: Snapshot) -> None:
    pop = datasets.population(snap)
    assert pop.attrs["provenance"]["synthetic"] is False
    change = population.population_change(pop, ["MK10", "SSS"], start=2016, end=2024)
    values = change.set_index("area")
    assert values.loc["MK10", "population_start"] == 140_422
    assert values.loc["MK10", "population_end"] == 129_376
    assert values.loc["SSS", "population_end"] == 5_635_971
    latest = population.population_change(pop, ["MK10", "SSS"], start=2022, end=2025).set_index("area")
    assert latest.loc["MK10", "population_start"] == 130_451
    assert latest.loc["MK10", "population_end"] == 128_144
    assert latest.loc["SSS", "population_end"] == 5_652_881


def test_age_structure_is_real(snap: Snapshot) -> None:
    ages = population.age_structure(datasets.population(snap), "MK10", year=2024)
    assert ages.attrs["provenance"]["synthetic"] is False
    assert ages["region_share"].sum() == pytest.approx(100.0, abs=0.01)
    # Etelä-Savo is older than the country: its share of 65+ is larger
    old = ages[ages["age_group"].astype(str).str.match(r"^(6[5-9]|[7-9]\d|100)")]
    assert old["region_share"].sum() > old["country_share"].sum() + 5


def test_projection_equals_the_cross_checks(snap: Snapshot) -> None:
    proj = datasets.population_projection(snap)
    totals = proj.groupby(["area", "year"])["population"].sum()
    # 12 municipalities of the 2024 division = 11 of 2025 (Pertunmaa is in Mäntyharju)
    assert totals.loc[("MK10", 2024)] == 128_922
    assert totals.loc[("MK10", 2035)] == 118_804
    assert totals.loc[("MK10", 2040)] == 115_364
    assert totals.loc[("KU491", 2024)] == 51_759
    assert totals.loc[("KU740", 2024)] == 31_504
    assert totals.loc[("KU593", 2024)] == 16_909
    assert "KU588" not in set(proj["area"])
    by_age = population.projection_by_age(proj, "MK10")
    assert by_age.attrs["provenance"]["synthetic"] is False
    assert by_age.loc[by_age["year"] == 2024, "population"].sum() == 128_922


def test_municipality_population_agrees_with_the_other_real_sources(snap: Snapshot) -> None:
    munis = datasets.municipalities(snap)
    pop = datasets.municipality_population(snap)
    table = population.region_municipality_table(munis, pop, "MK10", year=2022)
    values = dict(zip(table["area"], table["population"], strict=True))
    assert len(values) == 11
    assert values["KU491"] == 51_980        # Mikkeli 2022, equal to Sotkanet's independent figure
    assert values["KU740"] == 32_085
    assert values["KU593"] == 17_077
    rows = pop.set_index(["area", "year"])["population"]
    # 11ra's municipalities summed give 11re's regional and national totals for 2022
    by_region = datasets.population(snap, by_age=False).set_index(["area", "year"])["population"]
    assert rows.loc[("MK10", 2022)] == by_region.loc[("MK10", 2022)] == 130_451
    assert rows.loc[("SSS", 2022)] == by_region.loc[("SSS", 2022)]


def test_the_key_and_boundaries_are_the_2025_division(snap: Snapshot) -> None:
    munis = datasets.municipalities(snap)
    assert len(munis) == 308
    assert sorted(munis.loc[munis["region"] == "MK10", "name_fi"]) == sorted(
        ["Enonkoski", "Hirvensalmi", "Juva", "Kangasniemi", "Mikkeli", "Mäntyharju", "Pieksämäki",
         "Puumala", "Rantasalmi", "Savonlinna", "Sulkava"])
    shapes = datasets.boundaries(snap)
    assert shapes.crs.to_epsg() == 3067 and len(shapes) == 308
    assert set(shapes["area"]) == set(munis["area"])
    regions = datasets.boundaries(snap, level="region")
    assert regions.crs.to_epsg() == 3067 and sorted(regions["area"]) == sorted(
        munis["region"].unique())
    # EPSG:3067 metres: Finland spans roughly 50–740 km east, 6,600–7,800 km north
    minx, miny, maxx, maxy = shapes.total_bounds
    assert 50_000 < minx < maxx < 800_000 and 6_600_000 < miny < maxy < 7_800_000


def test_entries_carry_the_recorded_update_stamps(snap: Snapshot) -> None:
    entry = snap.entry("population_projection/data-1")
    assert entry.updated == "2024-10-24T05:00:00Z"
    body = json.loads(snap.read_bytes(entry.id))
    assert body["dimension"]["Tiedot"]["category"]["index"] == {"vaesto_e24": 0}


def test_an_older_snapshot_without_11ra_gives_the_totals_of_11re(tmp_path: Path) -> None:
    root = tmp_path / "snap"
    demo.build_demo(root, progress=False)
    snap = Snapshot(root)
    snap.remove([e.id for e in snap.entries(dataset="municipality_population")])
    totals = datasets.municipality_population(snap)
    assert totals.attrs["provenance"]["datasets"] == ["population"]
    expected = datasets.population(snap, by_age=False)
    assert totals.equals(expected)


# ------------------------------------------------------------------------------------------------
# classifications


def test_classifications_are_real_entries_the_demo_leaves_alone(tmp_path: Path) -> None:
    from punos_lib.sources import classifications

    root = tmp_path / "snap"
    bundled.load_bundle(root)
    demo.build_demo(root, progress=False)
    snap = Snapshot(root)
    for dataset, classification in (("tol2008", "toimiala_1_20080101"), ("aml2010", "ammatti_1_20100101"),
                                    ("koulutusala2016", "koulutusala_1_20160101")):
        entries = snap.entries(dataset=dataset)
        assert [(e.kind, e.source, e.synthetic) for e in entries] == [("classification", bundled.SOURCE, False)]
        assert entries[0].query["table"] == classification and entries[0].url.endswith("lang=fi")
    tol = datasets.load("tol2008", snap).set_index("code")
    # the recorded API response: sections above divisions (a hierarchy no code prefix shows)
    assert tol.loc["16", "parent_code"] == "C" and tol.loc["C", "name"] == "Teollisuus"
    assert tol.loc["16", "name"].startswith("Sahatavaran sekä puu- ja korkkituotteiden valmistus")
    aml = datasets.load("aml2010", snap).set_index("code")
    assert len(aml) == 727  # PROVENANCE.md of the shared reference: 727 codes, levels 1-5
    assert aml.loc["3221", "name"] == "Sairaanhoitajat ym." and aml.loc["3221", "parent_code"] == "322"
    assert int(aml.loc["3221", "level"]) == 4 and int(aml.loc["0", "level"]) == 1
    edu = datasets.load("koulutusala2016", snap).set_index("code")
    assert len(edu) == 145 and edu.loc["0715", "name"] == "Mekaniikka ja metalliala"
    assert edu.loc["0715", "parent_code"] == "071" and int(edu.loc["0715", "level"]) == 3
    assert classifications.read_items(snap.read_bytes("koulutusala2016/classification")).shape[0] == 145


def test_the_tol_payload_is_the_recorded_response_unchanged(reference: Path) -> None:
    packed = (REAL / "classification_toimiala_1_20080101_fi.json.gz").read_bytes()
    assert gzip.decompress(packed) == (reference / "classifications" / "api_json" / "toimiala_fi.json").read_bytes()


def test_jhs_codes_and_names_are_unchanged(reference: Path) -> None:
    import csv

    for name, source in (("classification_ammatti_1_20100101_fi.json.gz", "jhs_ammatti_1_20100101.csv"),
                         ("classification_koulutusala_1_20160101_fi.json.gz", "jhs_koulutus_1_20160101.csv")):
        items = json.loads(gzip.decompress((REAL / name).read_bytes()))
        with (reference / "classifications" / source).open(encoding="utf-8", newline="") as fh:
            rows = [(r["CODEVALUE"], r["PREFLABEL_FI"]) for r in csv.DictReader(fh)]
        assert [(i["code"], i["classificationItemNames"][0]["name"]) for i in items] == rows

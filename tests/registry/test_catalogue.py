"""Tests of punos_lib.registry.catalogue (aim 1: knowledge producers and data sources)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from registry_frames import catalogue_frame

from punos_lib.errors import InputError, SnapshotError, ValidationError
from punos_lib.reference.declarations import Declaration
from punos_lib.registry import catalogue
from punos_lib.registry.catalogue import load_catalogue
from punos_lib.snapshot.store import Snapshot

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "data" / "catalogue.yaml"

# ids that data/datasets.yaml and the study chapters link to
LINKED_IDS = {
    "statfin-vaerak-11re", "statfin-vaenn-14wx", "statfin-tyokay-115h", "statfin-tyokay-115i",
    "statfin-tyokay-125s", "statfin-tyokay-115s", "statfin-tyokay-115r", "statfin-tyonv-12r5",
    "statfin-tyonv-12ti", "statfin-opiskt", "vipunen-api", "geo-stat-fi-wfs", "classification-api",
}


def _entry(**overrides: object) -> dict:
    entry = {
        "id": "src-a", "name_fi": "Lähde A", "name_en": "Source A", "producer": "Tilastokeskus",
        "kind": "statistics", "topics": ["demand"], "granularity": ["region"], "frequency": "annual",
        "latest_period": "2024", "access": "api", "url": "https://stat.fi", "licence": "CC BY 4.0",
        "loader": None, "gaps": None,
    }
    entry.update(overrides)
    return entry


def _write(tmp_path: Path, entries: list) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "sources": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_catalogue_is_valid_and_large_enough() -> None:
    cat = catalogue.load_catalogue(CATALOGUE)
    assert len(cat) >= 25
    assert cat["id"].is_unique
    assert LINKED_IDS <= set(cat["id"])
    assert cat["url"].str.startswith("https://").all()


def test_datasets_yaml_links_only_to_catalogued_ids() -> None:
    datasets = REPO / "data" / "datasets.yaml"
    if not datasets.is_file():
        pytest.skip("data/datasets.yaml not present")
    doc = yaml.safe_load(datasets.read_text(encoding="utf-8"))
    linked = {d["catalogue"] for d in doc["datasets"] if d.get("catalogue")}
    ids = set(catalogue.load_catalogue(CATALOGUE)["id"])
    assert linked - ids == set()


def test_missing_required_field_names_file_row_and_field(tmp_path: Path) -> None:
    bad = _entry(id="src-b")
    del bad["producer"]
    path = _write(tmp_path, [_entry(), bad])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    err = info.value
    assert err.row == 2 and err.field == "producer"
    assert str(path) in str(err) and "entry 2 (src-b)" in str(err) and "'producer'" in str(err)


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "blog"), ("access", "email"), ("topics", ["demand", "weather"]),
     ("granularity", ["village"]), ("frequency", "daily")],
)
def test_unknown_values_are_rejected(tmp_path: Path, field: str, value: object) -> None:
    path = _write(tmp_path, [_entry(), _entry(id="src-b"), _entry(id="src-c", **{field: value})])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert info.value.row == 3 and info.value.field == field
    assert str(path) in str(info.value)


def test_plain_http_url_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry(url="http://stat.fi")])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert (info.value.row, info.value.field, info.value.value) == (1, "url", "http://stat.fi")


def test_duplicate_ids_and_all_problems_reported_together(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry(), _entry(kind="blog"), _entry(access="fax")])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    text = "\n".join(info.value.problems)
    # entry 2: bad kind and duplicate id; entry 3: bad access and duplicate id (YAML list items are entries)
    assert len(info.value.problems) == 4
    assert "entry 2 (src-a), field 'kind'" in text and "entry 3 (src-a), field 'access'" in text
    assert text.count("duplicate id") == 2


def test_unknown_field_and_wrong_top_level(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry(licnece="x")])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert info.value.field == "licnece"
    other = tmp_path / "list.yaml"
    other.write_text("- id: a\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="sources"):
        catalogue.load_catalogue(other)


def test_broken_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("sources:\n  - id: a\n    name_fi: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert str(path) in str(info.value) and info.value.row is not None


def test_coverage_summary_and_gaps_on_hand_made_catalogue(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        _entry(id="a", topics=["demand", "supply"], granularity=["region", "municipality"], access="api"),
        _entry(id="b", topics=["education"], granularity=["region"], access="download", gaps="Vain maataso."),
        _entry(id="c", topics=["demand"], granularity=["country"], access="api", gaps="  "),
    ])
    cat = catalogue.load_catalogue(path)
    matrix = catalogue.coverage_matrix(cat)
    assert list(matrix.index) == ["a", "b", "c"]
    assert matrix.loc["a"].to_dict() == {
        "demand": True, "supply": True, "matching": False, "demography": False,
        "education": False, "foresight": False,
    }
    assert matrix["demand"].sum() == 2 and matrix["education"].sum() == 1

    access = catalogue.summary_by(cat, "access").set_index("value")["sources"]
    assert access.to_dict() == {"api": 2, "download": 1, "web_only": 0, "restricted": 0}
    gran = catalogue.summary_by(cat, "granularity").set_index("value")
    assert gran.loc["region", "sources"] == 2
    assert gran.loc["municipality", "sources"] == 1
    assert gran.loc["grid", "sources"] == 0
    assert gran.loc["region", "label_fi"] == "maakunta"

    gap_table = catalogue.gaps(cat)
    assert gap_table["id"].tolist() == ["b"]
    assert gap_table.loc[0, "gaps"] == "Vain maataso."

    with pytest.raises(Exception, match="cannot summarise"):
        catalogue.summary_by(cat, "url")  # type: ignore[arg-type]


# ------------------------------------------------------------------ tables of chapter 8




def test_catalogue_table_uses_finnish_labels_and_keeps_order():
    table = catalogue.catalogue_table(catalogue_frame())
    assert list(table.columns) == ["Tietolähde", "Tuottaja", "Tyyppi", "Aluetaso", "Saatavuus", "Lisenssi",
                                   "Linkki"]
    assert table["Tietolähde"].tolist() == ["Lähde A", "Lähde B", "Lähde C"]
    assert table["Tyyppi"].tolist() == ["tilasto", "kysely", "ennuste"]
    assert table["Aluetaso"].tolist() == ["maakunta, kunta", "ELY-/elinvoimakeskusalue", "koko maa"]
    assert table["Saatavuus"].tolist() == ["rajapinta", "vain verkkosivu", "rajapinta"]
    assert table.attrs["provenance"]["synthetic"] is False
    assert table.attrs["provenance"]["attribution"] == ["Punos-tietolähdeluettelo"]  # no file path for readers


def test_catalogue_table_of_the_project_catalogue_has_every_source():
    from punos_lib.registry.catalogue import load_catalogue

    with open(REPO / "data" / "catalogue.yaml", encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)["sources"]
    table = catalogue.catalogue_table(load_catalogue(REPO / "data" / "catalogue.yaml"))
    assert len(table) == len(raw)
    # Every link is a page for people: a StatFin API address becomes its table page, other
    # machine addresses (Vipunen API, WFS, classification API) have their own page.
    for link, source in zip(table["Linkki"], raw):
        assert link.startswith("https://") and not catalogue.is_machine_address(link), (source["id"], link)
        if "/PxWeb/api/" not in source["url"] and not catalogue.is_machine_address(source["url"]):
            assert link == source.get("page", source["url"]), source["id"]
    by_id = dict(zip([s["id"] for s in raw], table["Linkki"]))
    assert by_id["statfin-vaerak-11re"] == \
        "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__vaerak/statfin_vaerak_pxt_11re.px/"


def test_human_page_turns_statfin_api_addresses_into_table_pages_and_prefers_the_given_page():
    assert catalogue.human_page("https://pxdata.stat.fi/PxWeb/api/v1/en/StatFin/tyokay/115h.px") == \
        "https://pxdata.stat.fi/PxWeb/pxweb/en/StatFin/StatFin__tyokay/statfin_tyokay_pxt_115h.px/"
    assert catalogue.human_page("https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/opiskt") == \
        "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__opiskt/"
    assert catalogue.human_page("https://geo.stat.fi/geoserver/x/wfs", "https://stat.fi/x") == "https://stat.fi/x"
    assert catalogue.human_page("https://stat.fi/tilasto/tyti") == "https://stat.fi/tilasto/tyti"
    assert catalogue.is_machine_address("https://geo.stat.fi/geoserver/x/wfs")
    assert catalogue.is_machine_address("https://api.vipunen.fi/api/resources")
    assert not catalogue.is_machine_address("https://vipunen.fi")


def test_a_page_that_is_an_api_address_is_refused(tmp_path):
    from punos_lib.registry.catalogue import load_catalogue

    raw = yaml.safe_load((REPO / "data" / "catalogue.yaml").read_text(encoding="utf-8"))
    raw["sources"][0]["page"] = "https://api.vipunen.fi/api/resources"
    raw["sources"][1]["page"] = "http://stat.fi"
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_catalogue(path)
    text = str(info.value)
    assert "not an API or WFS address" in text and "https://" in text and "page" in text


def test_summary_table_counts_every_level_once_per_source_and_keeps_zeros():
    table = catalogue.summary_table(catalogue_frame(), "granularity")
    counts = dict(zip(table["Aluetaso"], table["Lähteitä"]))
    assert counts["maakunta"] == 1 and counts["kunta"] == 1 and counts["koko maa"] == 1
    assert counts["ELY-/elinvoimakeskusalue"] == 1
    assert counts["seutukunta"] == 0 and counts["ruutu"] == 0
    access = catalogue.summary_table(catalogue_frame(), "access")
    assert dict(zip(access["Saatavuus"], access["Lähteitä"])) == {
        "rajapinta": 2, "ladattava tiedosto": 0, "vain verkkosivu": 1, "rajattu käyttö": 0}
    with pytest.raises(InputError, match="cannot summarise by 'licence'"):
        catalogue.summary_table(catalogue_frame(), "licence")


def test_gaps_table_lists_only_filled_gaps():
    table = catalogue.gaps_table(catalogue_frame())
    assert table.values.tolist() == [["Lähde A", "Tilastokeskus", "viive kaksi vuotta"]]


def _decl(ident: str, catalogue: str | None, table: str | None = "vaerak/11re") -> Declaration:
    return Declaration(id=ident, title_fi=f"Otsikko {ident}", source="statfin", used_in=("x",),
                       catalogue=catalogue, table=table, selection={})


def _write_entry(snap: Snapshot, entry_id: str, *, updated: str | None, synthetic: bool, fetched: str) -> None:
    dataset = entry_id.split("/")[0]
    snap.write(entry_id, b"{}", dataset=dataset, kind=entry_id.split("/")[1], source="statfin",
               media_type="application/json", licence="CC BY 4.0", attribution="Lähde: Tilastokeskus",
               synthetic=synthetic, updated=updated, fetched_at=fetched)


def test_dataset_sources_joins_declaration_catalogue_and_snapshot(tmp_path):
    snap = Snapshot(tmp_path / "snap")
    _write_entry(snap, "pop/metadata", updated="2024-03-01T08:00:00Z", synthetic=False, fetched="2025-01-02T10:00:00Z")
    _write_entry(snap, "pop/data-1", updated="2025-04-30T08:00:00Z", synthetic=False, fetched="2025-01-03T10:00:00Z")
    _write_entry(snap, "jobs/data", updated=None, synthetic=True, fetched="2025-01-01T00:00:00Z")
    decls = [_decl("pop", "a"), _decl("jobs", "b"), _decl("missing", None, table=None)]
    frame = catalogue.dataset_sources(decls, catalogue_frame(), snap)
    assert frame["dataset"].tolist() == ["pop", "jobs", "missing"]
    pop, jobs, missing = frame.to_dict("records")
    assert pop["catalogue_name_fi"] == "Lähde A" and pop["producer"] == "Tilastokeskus"
    assert pop["entries"] == 2
    assert pop["updated"] == "2025-04-30"          # the newest of the two upstream dates
    assert pop["fetched_at"] == "2025-01-03"
    assert pop["synthetic"] is False and pop["status"] == "Tilastotieto"
    assert pd.isna(jobs["updated"]) and jobs["synthetic"] is True and jobs["status"] == "Esimerkkiaineisto"
    assert missing["entries"] == 0 and pd.isna(missing["synthetic"])
    assert missing["status"] == "Ei vielä haettu" and missing["catalogue"] == ""
    assert frame.attrs["provenance"]["synthetic"] is True
    # The download (the whole frame) gets Finnish headings, as the table does.
    from punos_lib.present.tables import download_frame
    table = catalogue.dataset_sources_table(frame)
    assert list(download_frame(frame, table).columns) == [
        "Tunnus", "Aineisto", "Taulukko tai taso", "Luettelon tunnus", "Luettelon tietolähde", "Tuottaja", "Osoite",
        "Tiedostoja", "Päivitetty lähteessä", "Haettu", "Esimerkkiaineisto", "Tila"]


def test_dataset_sources_refuses_unknown_catalogue_ids_and_a_missing_snapshot(tmp_path):
    snap = Snapshot(tmp_path / "snap")
    _write_entry(snap, "pop/data", updated=None, synthetic=False, fetched="2025-01-01T00:00:00Z")
    with pytest.raises(InputError, match=r"pop -> 'nope'"):
        catalogue.dataset_sources([_decl("pop", "nope")], catalogue_frame(), snap)
    with pytest.raises(SnapshotError, match="punos demo"):
        catalogue.dataset_sources([_decl("pop", "a")], catalogue_frame(), Snapshot(tmp_path / "empty"))


def test_dataset_sources_links_every_project_declaration_to_the_catalogue(tmp_path):
    # The real declaration and catalogue must agree: every catalogue id used exists.
    from punos_lib.reference import declarations
    from punos_lib.registry.catalogue import load_catalogue

    decls = declarations.load(REPO / "data" / "datasets.yaml")
    snap = Snapshot(tmp_path / "snap")
    _write_entry(snap, "population/data", updated="2025-03-20", synthetic=True, fetched="2025-03-21")
    frame = catalogue.dataset_sources(decls, load_catalogue(REPO / "data" / "catalogue.yaml"), snap)
    assert len(frame) == len(decls)
    row = frame.set_index("dataset").loc["population"]
    assert row["catalogue"] == "statfin-vaerak-11re" and row["table"] == "vaerak/11re"
    assert row["status"] == "Esimerkkiaineisto"


def test_collection_files_counts_records(tmp_path):
    data = tmp_path / "data"
    (data / "actors").mkdir(parents=True)
    (data / "forums" / "assessments").mkdir(parents=True)
    (data / "catalogue.yaml").write_text("sources:\n  - {id: a}\n  - {id: b}\n", encoding="utf-8")
    (data / "actors" / "organisations.csv").write_text("id,name\nx,X\ny,Y\nz,Z\n", encoding="utf-8")
    (data / "actors" / "relations.csv").write_text("from,to\nx,y\n", encoding="utf-8")
    (data / "forums" / "p1.yaml").write_text("id: p1\n", encoding="utf-8")
    (data / "forums" / "assessments" / "s_1.csv").write_text("a\n1\n2\n", encoding="utf-8")
    (data / "forums" / "assessments" / "s_2.csv").write_text("a\n3\n", encoding="utf-8")
    table = catalogue.collection_files(data)
    assert table["Tietueita"].tolist() == [2, 3, 1, 1, 0, 3]
    assert "Excel-lomake" in table["Muokkaus"].iloc[5]
    # a table for regional readers: no function names or command lines
    text = " ".join(table[["Muokkaus", "Tarkistus"]].to_numpy().ravel())
    assert "load_" not in text and "punos " not in text and "import_workbook" not in text
    # the information by the names readers know, not by file path (the paths are in the technical appendix)
    assert table["Tieto"].tolist() == ["Tietolähdeluettelo", "Toimijarekisteri: toimijat", "Toimijarekisteri: suhteet",
                                       "Foorumien kirjaukset", "Pilottien arviointikriteerit", "Foorumien arviolomakkeet"]
    everything = " ".join(map(str, table.to_numpy().ravel())) + " ".join(table.attrs["provenance"]["attribution"])
    assert "data/" not in everything and ".csv" not in everything and ".yaml" not in everything
    with pytest.raises(InputError, match="no data folder"):
        catalogue.collection_files(tmp_path / "nowhere")


def test_every_catalogue_link_names_a_registered_actor() -> None:
    from punos_lib.registry import actors

    cat = load_catalogue(CATALOGUE)
    orgs, _ = actors.load_registry(REPO / "data" / "actors")
    links = catalogue.actor_links(cat, orgs)
    produced = links[links["link"] == "producer_actors"]
    assert "tilastokeskus" in set(produced["actor"]) and "oph" in set(produced["actor"])
    table = catalogue.actor_sources_table(links)
    assert table.iloc[0]["Toimija"] == "Tilastokeskus"
    assert "Väestörakenne" in table.iloc[0]["Tuottaa"]


def test_unknown_actor_ids_in_the_catalogue_are_all_reported() -> None:
    cat = pd.DataFrame({"id": ["a", "b"], "name_fi": ["A", "B"], "producer_actors": [("x",), ("p",)],
                        "user_actors": [(), ("y", "p")]})
    cat.attrs["source_file"] = "catalogue.yaml"
    orgs = pd.DataFrame({"id": ["p"], "name_fi": ["P"]})
    with pytest.raises(ValidationError) as info:
        catalogue.actor_links(cat, orgs)
    assert info.value.problems[0].startswith("catalogue.yaml, entry 1 (a), field 'producer_actors', value 'x'")
    assert info.value.problems[1].startswith("catalogue.yaml, entry 2 (b), field 'user_actors', value 'y'")
    assert len(info.value.problems) == 2


def test_actor_links_must_be_lists(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="producer_actors"):
        catalogue.load_catalogue(_write(tmp_path, [_entry(producer_actors="tilastokeskus")]))


# ----------------------------------------------------------------- region of an entry


def test_region_view_keeps_national_sources_and_the_region_s_own(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        _entry(id="national", topics=["demand"], granularity=["country", "region"]),
        _entry(id="esavo-own", region="MK10", topics=["foresight"], granularity=["region"], access="web_only"),
        _entry(id="phh-own", region="MK07", topics=["education"], granularity=["municipality"],
               access="download", gaps="Vain Päijät-Häme."),
        _entry(id="also-national", region=None, topics=["supply"], granularity=["region"]),
    ])
    cat = catalogue.load_catalogue(path)
    assert cat["region"].tolist() == [None, "MK10", "MK07", None]
    seven = catalogue.region_view(cat, "MK07")
    assert seven["id"].tolist() == ["national", "phh-own", "also-national"]
    assert seven.attrs["region"] == "MK07" and seven.attrs["source_file"] == str(path)
    assert catalogue.load_catalogue(path, region="MK10")["id"].tolist() == ["national", "esavo-own", "also-national"]
    assert catalogue.load_catalogue(path, region="MK01")["id"].tolist() == ["national", "also-national"]
    # the chapter's tables and figure are built from the view: the other region's entries are not counted
    assert catalogue.catalogue_table(seven)["Tietolähde"].tolist() == ["Lähde A"] * 3
    access = catalogue.summary_table(seven, "access").set_index("Saatavuus")["Lähteitä"]
    assert access["vain verkkosivu"] == 0 and access["ladattava tiedosto"] == 1 and access["rajapinta"] == 2
    levels = catalogue.summary_table(catalogue.region_view(cat, "MK10"), "granularity").set_index("Aluetaso")
    assert levels.loc["kunta", "Lähteitä"] == 0 and levels.loc["maakunta", "Lähteitä"] == 3
    assert catalogue.coverage_data(seven).columns.tolist()[0] == "Tietolähde"
    assert catalogue.coverage_data(seven)["koulutus"].tolist() == [0, 1, 0]
    assert catalogue.gaps_table(seven)["Tunnetut puutteet"].tolist() == ["Vain Päijät-Häme."]
    assert catalogue.gaps_table(catalogue.region_view(cat, "MK10")).empty
    with pytest.raises(InputError, match="'MK99' is not a region code"):
        catalogue.region_view(cat, "MK99")
    with pytest.raises(InputError, match="not a region code"):
        catalogue.region_view(cat, "SSS")  # the whole country is not a study region


@pytest.mark.parametrize("value", ["MK99", "Etelä-Savo", "SSS", 10, ["MK10"]])
def test_an_unknown_region_code_names_file_entry_field_and_value(tmp_path: Path, value: object) -> None:
    path = _write(tmp_path, [_entry(), _entry(id="src-b", region=value)])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    (problem,) = info.value.problems
    assert str(path) in problem and "entry 2 (src-b), field 'region'" in problem and repr(value) in problem
    assert "MK10" in problem and "leave the field out for a national or general source" in problem


def test_the_shipped_catalogue_s_regional_entries_are_etela_savo_s_and_mk07_sees_none_of_them() -> None:
    cat = catalogue.load_catalogue(CATALOGUE)
    regional = cat.loc[cat["region"].notna(), ["id", "region"]]
    assert set(regional["region"]) == {"MK10"}
    assert set(regional["id"]) == {"esavoennakoi", "esavo-maakuntakatsaus", "ennakointikamari", "forum-assessments"}
    seven = catalogue.region_view(cat, "MK07")
    assert set(seven["id"]) == set(cat["id"]) - set(regional["id"])
    assert LINKED_IDS <= set(seven["id"])  # the study's own datasets still find their sources
    # nothing the Päijät-Häme study shows from the catalogue names Etelä-Savo
    tables = [catalogue.catalogue_table(seven), catalogue.gaps_table(seven), catalogue.coverage_data(seven)]
    assert not any("Etelä-Savo" in str(v) for t in tables for v in t.to_numpy().ravel())
    assert len(catalogue.region_view(cat, "MK10")) == len(cat)

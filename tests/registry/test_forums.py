"""Tests of punos_lib.registry.forums (aim 3: forum pilots and assessments)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from punos_lib.registry import forums
from punos_lib.errors import InputError, ValidationError

REPO = Path(__file__).resolve().parents[2]
SECTOR_IDS = ["metsa", "ruoka", "vesi", "matkailu", "sote", "teknologia", "rakentaminen"]
SECTORS = {
    "sote": SimpleNamespace(id="sote", name_fi="Sosiaali- ja terveysala", aml=("3221", "5321", "2211")),
    "vesi": SimpleNamespace(id="vesi", name_fi="Vesiala", aml=("3132",)),
}
NAMES = {"3221": "Sairaanhoitajat ym.", "5321": "Lähihoitajat", "2211": "Yleislääkärit"}


def _pilot(**overrides: object) -> dict:
    doc = {
        "id": "p1", "region": "MK10", "example": True, "date": "2023-03-15", "format": "sector", "sector": "sote",
        "title": "Esimerkki", "participants": {"education": 2, "business": 3},
        "topics": ["saatavuus"],
        "actions": [{"action": "Tehdään", "owner": "joku", "deadline": "2023-06-30"}],
    }
    doc.update(overrides)
    return doc


def _write_pilot(folder: Path, name: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _template(tmp_path: Path, region: str = "MK10") -> Path:
    return forums.write_template("sote", tmp_path / f"sote-{region}.xlsx", region=region, sectors=SECTORS,
                                 occupations=NAMES)


def _fill(path: Path, rows: dict[int, tuple]) -> Path:
    """Fill columns C..H of the given worksheet rows, like a participant would."""
    wb = load_workbook(path)
    ws = wb["Arviot"]
    for row, values in rows.items():
        for offset, value in enumerate(values):
            ws.cell(row, 3 + offset).value = value
    out = path.with_name(path.stem + "_filled.xlsx")
    wb.save(out)
    return out


# ----------------------------------------------------------------- shipped records


def test_shipped_pilots_are_valid_examples() -> None:
    pilots = forums.load_pilots(REPO / "data" / "forums", sectors=SECTOR_IDS)
    assert len(pilots) >= 1
    assert pilots["example"].all()
    assert set(pilots["format"]) <= set(forums.FORMATS)


def test_shipped_assessments_are_valid_examples() -> None:
    table = forums.load_assessments(REPO / "data" / "forums" / "assessments", sectors=SECTOR_IDS)
    assert len(table) > 0 and table["example"].all()
    assert table["severity"].between(1, 4).all()


def test_shipped_records_are_etela_savo_s() -> None:
    """The example records are Etelä-Savo's: a study of another region has none of them."""
    folder = REPO / "data" / "forums"
    assert set(forums.load_pilots(folder, sectors=SECTOR_IDS)["region"]) == {"MK10"}
    assert set(forums.load_assessments(folder / "assessments", sectors=SECTOR_IDS)["region"]) == {"MK10"}
    assert forums.load_pilots(folder, sectors=SECTOR_IDS, region="MK07").empty
    assert forums.load_assessments(folder / "assessments", sectors=SECTOR_IDS, region="MK07").empty


# ----------------------------------------------------------------- pilots


def test_pilot_fields_and_counts(tmp_path: Path) -> None:
    _write_pilot(tmp_path, "b.yaml", _pilot(id="p2", date="2023-05-01", format="theme", sector=None, actions=[]))
    _write_pilot(tmp_path, "a.yaml", _pilot())
    pilots = forums.load_pilots(tmp_path, sectors=SECTOR_IDS)
    assert pilots["id"].tolist() == ["p1", "p2"]  # ordered by date
    first = pilots.iloc[0]
    assert first["participants_total"] == 5
    assert (first["participants_education"], first["participants_business"], first["participants_public"]) == (2, 3, 0)
    assert first["format_fi"] == "toimiala" and first["n_actions"] == 1
    actions = forums.pilot_actions(pilots)
    assert actions.loc[0, ["pilot_id", "action", "owner"]].tolist() == ["p1", "Tehdään", "joku"]
    assert str(actions.loc[0, "deadline"]) == "2023-06-30"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"format": "workshop"}, "format"),
        ({"sector": "kaivos"}, "sector"),
        ({"date": "15.3.2023"}, "date"),
        ({"participants": {"education": -1}}, "participants.education"),
        ({"participants": {"students": 2}}, "participants"),
        ({"example": "yes"}, "example"),
        ({"format": "sector", "sector": None}, "sector"),
    ],
)
def test_pilot_validation_names_file_and_field(tmp_path: Path, overrides: dict, field: str) -> None:
    path = _write_pilot(tmp_path, "bad.yaml", _pilot(**overrides))
    with pytest.raises(ValidationError) as info:
        forums.load_pilots(tmp_path, sectors=SECTOR_IDS)
    assert info.value.field == field and str(path) in str(info.value)


def test_pilot_missing_example_flag_and_bad_action_row(tmp_path: Path) -> None:
    doc = _pilot(actions=[{"action": "a", "owner": "b"}, {"action": "c", "deadline": "x"}])
    del doc["example"]
    path = _write_pilot(tmp_path, "bad.yaml", doc)
    with pytest.raises(ValidationError) as info:
        forums.load_pilots(tmp_path, sectors=SECTOR_IDS)
    text = "\n".join(info.value.problems)
    assert info.value.field == "example"
    assert f"{path}, row 2, field 'owner'" in text
    assert f"{path}, row 2, field 'actions.deadline'" in text


def test_pilots_of_the_study_region_only(tmp_path: Path) -> None:
    _write_pilot(tmp_path, "a.yaml", _pilot(id="es"))
    _write_pilot(tmp_path, "b.yaml", _pilot(id="ph", region="MK07", date="2024-01-10"))
    everything = forums.load_pilots(tmp_path, sectors=SECTOR_IDS)
    assert everything[["id", "region"]].values.tolist() == [["es", "MK10"], ["ph", "MK07"]]
    assert forums.load_pilots(tmp_path, sectors=SECTOR_IDS, region="MK07")["id"].tolist() == ["ph"]
    assert forums.load_pilots(tmp_path, sectors=SECTOR_IDS, region="MK10")["id"].tolist() == ["es"]
    none = forums.load_pilots(tmp_path, sectors=SECTOR_IDS, region="MK12")
    assert none.empty and list(none.columns) == list(everything.columns)
    assert forums.pilot_actions(none).empty
    with pytest.raises(InputError, match="'MK7' is not a region code"):
        forums.load_pilots(tmp_path, sectors=SECTOR_IDS, region="MK7")


@pytest.mark.parametrize(("region", "message"), [
    (None, "required field is missing or empty; give the code of the region"),
    ("", "required field is missing or empty"),
    ("Etelä-Savo", "not a region code; use one of MK01"),
    ("mk10", "not a region code"),
    ("MK03", "not a region code"),
])
def test_pilot_region_is_required_and_checked(tmp_path: Path, region: object, message: str) -> None:
    doc = _pilot()
    if region is None:
        del doc["region"]
    else:
        doc["region"] = region
    path = _write_pilot(tmp_path, "bad.yaml", doc)
    with pytest.raises(ValidationError) as info:
        forums.load_pilots(tmp_path, sectors=SECTOR_IDS)
    assert info.value.field == "region" and message in str(info.value)
    assert f"{path}, field 'region'" in info.value.problems[0]
    if region:
        assert f"value {region!r}" in info.value.problems[0]


def test_a_bad_region_is_a_cli_error_with_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    from punos_lib.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["forum", "template", "--sector", "sote", "--region", "MK99", "--output", "x.xlsx"]) == 2
    assert "MK99" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_duplicate_pilot_ids_across_files(tmp_path: Path) -> None:
    _write_pilot(tmp_path, "a.yaml", _pilot())
    _write_pilot(tmp_path, "b.yaml", _pilot())
    with pytest.raises(ValidationError, match="a.yaml, b.yaml"):
        forums.load_pilots(tmp_path, sectors=SECTOR_IDS)


def test_an_empty_record_folder_means_no_pilots_yet_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    # A council that removed the example records before its first pilot can still build the study.
    pilots = forums.load_pilots(tmp_path, sectors=SECTOR_IDS)
    assert pilots.empty and list(pilots.columns) == list(forums._PILOT_COLUMNS)
    assessments = forums.load_assessments(tmp_path, sectors=SECTOR_IDS)
    assert assessments.empty and {"region", "state", "state_fi", "severity", "file"} <= set(assessments.columns)
    assert forums.pilots_table(pilots).empty
    with pytest.raises(InputError, match="does not exist; create it"):
        forums.load_pilots(tmp_path / "puuttuu", sectors=SECTOR_IDS)
    with pytest.raises(InputError, match="does not exist; create it"):
        forums.load_assessments(tmp_path / "puuttuu", sectors=SECTOR_IDS)


# ----------------------------------------------------------------- template


def test_template_layout(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ohjeet", "Arviot", "_meta"]
    assert wb["_meta"].sheet_state == "hidden"
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}
    assert meta["sector"] == "sote" and meta["version"] == forums.TEMPLATE_VERSION
    assert meta["region"] == "MK10"
    assert wb["Ohjeet"]["A2"].value == "Maakunta: Etelä-Savo (MK10)"
    ws = wb["Arviot"]
    assert [ws.cell(r, 1).value for r in range(2, 5)] == ["3221", "5321", "2211"]
    assert [ws.cell(r, 2).value for r in range(2, 5)] == ["Sairaanhoitajat ym.", "Lähihoitajat", "Yleislääkärit"]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C2:C4"] == '"tasapaino,ylitarjonta,kohtaanto-ongelma,pula"'
    assert lists["D2:D4"] == '"1,2,3,4"'
    assert "koulutus" in lists["H2:H4"]
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write leaves no temp file


def test_template_unknown_sector_and_bad_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown sector"):
        forums.write_template("kaivos", tmp_path / "x.xlsx", region="MK10", sectors=SECTORS)
    with pytest.raises(InputError, match=".xlsx"):
        forums.write_template("sote", tmp_path / "x.csv", region="MK10", sectors=SECTORS)
    with pytest.raises(InputError, match="region 'MK99': not a region code"):
        forums.write_template("sote", tmp_path / "x.xlsx", region="MK99", sectors=SECTORS)
    assert not (tmp_path / "x.xlsx").exists()


# ----------------------------------------------------------------- import


def test_round_trip_template_fill_import(tmp_path: Path) -> None:
    filled = _fill(_template(tmp_path), {
        2: ("pula", 4, "0–1 v", "kielitaito", "ei kommenttia", "koulutus"),
        4: ("kohtaanto-ongelma", "2", None, None, None, "elinkeinoelämä"),
    })  # row 3 (5321) left empty: not assessed
    dest = tmp_path / "store"
    stored = forums.import_workbook(filled, dest, sectors=SECTOR_IDS)
    assert stored.parent == dest and stored.name.startswith("sote_") and stored.suffix == ".csv"
    table = forums.load_assessments(dest, sectors=SECTOR_IDS)
    assert table["aml"].tolist() == ["3221", "2211"]
    assert table["state"].tolist() == ["shortage", "matching_problem"]
    assert table["state_fi"].tolist() == ["pula", "kohtaanto-ongelma"]
    assert table["severity"].tolist() == [4, 2]
    assert table["horizon"].tolist() == ["0-1", ""]
    assert table["skills_short"].tolist() == ["kielitaito", ""]
    assert table["respondent_type"].tolist() == ["education", "business"]
    assert table["occupation_fi"].tolist() == ["Sairaanhoitajat ym.", "Yleislääkärit"]
    assert not table["example"].any()
    assert table["region"].tolist() == ["MK10", "MK10"]
    # the same file again gives the same stored file
    assert forums.import_workbook(filled, dest, sectors=SECTOR_IDS) == stored
    assert len(list(dest.glob("*.csv"))) == 1


def test_round_trip_keeps_the_region_and_regions_stay_apart(tmp_path: Path) -> None:
    """A Päijät-Häme workbook's assessments are Päijät-Häme's, beside Etelä-Savo's in the same folder."""
    dest = tmp_path / "store"
    forums.import_workbook(_fill(_template(tmp_path, "MK10"), {2: ("pula", 4, None, None, None, "koulutus")}),
                           dest, sectors=SECTOR_IDS)
    forums.import_workbook(_fill(_template(tmp_path, "MK07"), {3: ("ylitarjonta", 2, None, None, None,
                                                                   "koulutus")}), dest, sectors=SECTOR_IDS)
    both = forums.load_assessments(dest, sectors=SECTOR_IDS)
    assert sorted(zip(both["region"], both["aml"], strict=True)) == [("MK07", "5321"), ("MK10", "3221")]
    mk07 = forums.load_assessments(dest, sectors=SECTOR_IDS, region="MK07")
    assert mk07[["region", "aml", "state"]].values.tolist() == [["MK07", "5321", "oversupply"]]
    empty = forums.load_assessments(dest, sectors=SECTOR_IDS, region="MK12")
    assert empty.empty and list(empty.columns) == list(both.columns)


def test_import_rejects_a_template_without_its_region(tmp_path: Path) -> None:
    path = _fill(_template(tmp_path), {2: ("pula", 4, None, None, None, "koulutus")})
    wb = load_workbook(path)
    for row in wb["_meta"].iter_rows():
        if row[0].value == "region":
            row[1].value = "Savo"
    wb.save(path)
    with pytest.raises(ValidationError, match="not a region code") as info:
        forums.import_workbook(path, tmp_path / "store", sectors=SECTOR_IDS)
    assert (info.value.field, info.value.value, info.value.sheet) == ("region", "Savo", "_meta")
    for row in wb["_meta"].iter_rows():
        if row[0].value == "version":
            row[1].value = "1"
    wb.save(path)
    with pytest.raises(ValidationError, match="does not say which region"):
        forums.import_workbook(path, tmp_path / "store", sectors=SECTOR_IDS)
    assert not (tmp_path / "store").exists()


def test_import_reports_every_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    filled = _fill(_template(tmp_path), {
        2: ("pula", 7, "0–1 v", None, None, "koulutus"),          # severity out of range
        3: ("hyvä", 2, "kymmenen vuotta", None, None, "koulutus"),  # bad state and horizon
        4: ("tasapaino", 1, None, None, None, None),              # respondent missing
    })
    dest = tmp_path / "store"
    with pytest.raises(ValidationError) as info:
        forums.import_workbook(filled, dest, sectors=SECTOR_IDS)
    problems = info.value.problems
    assert len(problems) == 4
    text = "\n".join(problems)
    assert "sheet 'Arviot', row 2, field 'Vakavuus (1–4)', value 7" in text
    assert "row 3, field 'Tilanne', value 'hyvä'" in text
    assert "row 3, field 'Aikajänne', value 'kymmenen vuotta'" in text
    assert "row 4, field 'Vastaajan toimijatyyppi'" in text
    assert "tasapaino, ylitarjonta, kohtaanto-ongelma, pula" in text
    assert not dest.exists() or not any(dest.iterdir())


def test_import_changed_code_is_rejected(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    wb["Arviot"]["A2"] = "9999"
    wb["Arviot"]["C2"], wb["Arviot"]["D2"], wb["Arviot"]["H2"] = "pula", 3, "koulutus"
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        forums.import_workbook(path, tmp_path / "store", sectors=SECTOR_IDS)
    assert info.value.row == 2 and info.value.value == "9999"


def test_import_rejects_wrong_files(tmp_path: Path) -> None:
    not_xlsx = tmp_path / "notes.xlsx"
    not_xlsx.write_text("just text", encoding="utf-8")
    with pytest.raises(ValidationError, match="not a readable Excel"):
        forums.import_workbook(not_xlsx, tmp_path / "store", sectors=SECTOR_IDS)

    path = _template(tmp_path)
    wb = load_workbook(path)
    del wb["_meta"]
    wb.save(tmp_path / "nometa.xlsx")
    with pytest.raises(ValidationError, match="lacks sheet"):
        forums.import_workbook(tmp_path / "nometa.xlsx", tmp_path / "store", sectors=SECTOR_IDS)

    wb = load_workbook(path)
    wb["Arviot"]["C1"] = "Tila"
    wb.save(tmp_path / "header.xlsx")
    with pytest.raises(ValidationError, match="wrong column headers") as info:
        forums.import_workbook(tmp_path / "header.xlsx", tmp_path / "store", sectors=SECTOR_IDS)
    assert info.value.row == 1

    with pytest.raises(ValidationError, match="no assessments filled in"):
        forums.import_workbook(path, tmp_path / "store", sectors=SECTOR_IDS)
    assert not (tmp_path / "store").exists()


def test_load_assessments_validates_stored_rows(tmp_path: Path) -> None:
    header = ",".join(forums.ASSESSMENT_COLUMNS)
    (tmp_path / "x.csv").write_text(
        header + "\n" + "sote,MK10,3221,,shortage,4,0-1,,,education,1,abc,false\n"
        + "sote,MK10,3221,,famine,5,0-1,,,education,1,abc,false\n"
        + "sote,,3221,,shortage,4,0-1,,,education,1,abc,false\n"
        + "sote,MK99,3221,,shortage,4,0-1,,,education,1,abc,false\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        forums.load_assessments(tmp_path, sectors=SECTOR_IDS)
    assert info.value.row == 2 and info.value.field == "state"
    assert any("row 2, field 'severity'" in p for p in info.value.problems)
    assert any("row 3, field 'region': required field is missing or empty" in p for p in info.value.problems)
    assert any("row 4, field 'region', value 'MK99': not a region code" in p for p in info.value.problems)


def test_stored_assessments_without_a_region_column_say_what_to_add(tmp_path: Path) -> None:
    old = [c for c in forums.ASSESSMENT_COLUMNS if c != "region"]
    (tmp_path / "old.csv").write_text(",".join(old) + "\n" + "sote,3221,,shortage,4,0-1,,,education,1,abc,false\n",
                                      encoding="utf-8")
    with pytest.raises(ValidationError, match="add a column region after sector") as info:
        forums.load_assessments(tmp_path, sectors=SECTOR_IDS)
    assert info.value.field == "region" and "old.csv" in str(info.value)


def test_none_recorded_text_names_the_region_in_the_genitive() -> None:
    assert forums.none_recorded_text("MK07", "pilots") == "Päijät-Hämeen foorumipilotteja ei ole vielä kirjattu selvitykseen."
    assert forums.none_recorded_text("MK19", "assessments").startswith("Lapin foorumien arvioita ammateista")
    assert forums.none_recorded_text("MK01", "actions") == ("Sovittuja toimia ei ole, koska Uudenmaan "
                                                            "foorumipilotteja ei ole vielä kirjattu.")
    with pytest.raises(InputError, match="unknown 'kuvio'"):
        forums.none_recorded_text("MK07", "kuvio")


# ----------------------------------------------------------------- comparison


# ------------------------------------------------------------------ tables of chapter 10


def test_pilot_tables_mark_every_shipped_record_as_an_example():
    pilots = forums.load_pilots(REPO / "data" / "forums", sectors=SECTOR_IDS)
    table = forums.pilots_table(pilots)
    assert len(table) == len(list((REPO / "data" / "forums").glob("*.yaml")))
    assert set(table["Merkintä"]) == {forums.EXAMPLE_MARK}
    assert table["Päivämäärä"].tolist() == sorted(table["Päivämäärä"])
    actions = forums.actions_table(pilots)
    assert len(actions) == int(pilots["n_actions"].sum())
    assert set(actions["Merkintä"]) == {forums.EXAMPLE_MARK}
    assert "ei sovittu" in actions["Määräaika"].tolist()   # the theme pilot's action has no deadline
    assert forums.EXAMPLE_MARK in table.attrs["provenance"]["attribution"][0]


def test_pilot_tables_leave_real_records_unmarked(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "id: p\nregion: MK10\nexample: false\ndate: 2024-02-01\nformat: sector\nsector: vesi\ntitle: Vesifoorumi\n"
        "participants: {education: 2, business: 3}\ntopics: [vesihuolto]\n"
        "actions:\n  - {action: Selvitys, owner: maakuntaliitto, deadline: 2024-06-30}\n", encoding="utf-8")
    pilots = forums.load_pilots(tmp_path, sectors=SECTOR_IDS)
    table = forums.pilots_table(pilots)
    assert table.values.tolist() == [["2024-02-01", "Vesifoorumi", "toimiala", "vesi", "vesihuolto", 5, 1, ""]]
    assert forums.actions_table(pilots).values.tolist() == [["Vesifoorumi", "Selvitys", "maakuntaliitto",
                                                           "2024-06-30", ""]]
    assert forums.EXAMPLE_MARK not in table.attrs["provenance"]["attribution"][0]


def test_shipped_criteria_cover_every_pilot_format() -> None:
    criteria = forums.load_criteria(REPO / "data" / "forums" / "criteria.csv")
    assert len(criteria) >= 6
    for fmt in forums.FORMATS:
        assert sum(fmt in f for f in criteria["formats"]) >= 4
    table = forums.criteria_table(criteria)
    assert list(table.columns) == ["Kriteeri", "Arviointikysymys", "Mittari tai näyttö", "Toimiala",
                                   "Klusteri", "Teema"]
    assert set(table["Teema"]) == {"x", ""}


def test_criteria_problems_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "criteria.csv"
    path.write_text("id,criterion_fi,question_fi,evidence_fi,formats\n"
                    "a,A,Kysymys?,Mittari,sector;region\n"
                    "a,,Kysymys?,Mittari,theme\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        forums.load_criteria(path)
    problems = info.value.problems
    assert any("row 1, field 'formats', value 'region'" in p for p in problems)
    assert any("row 2, field 'criterion_fi'" in p for p in problems)
    assert any("row 2, field 'id', value 'a'" in p for p in problems)


def test_the_chapter_lead_names_the_region_or_says_it_has_no_pilots_yet() -> None:
    assert forums.chapter_lead_text("MK10", True) == "Luvun taulukot ja kuviot perustuvat Etelä-Savon foorumipilottien kirjauksiin."
    empty = forums.chapter_lead_text("MK07", False)
    assert empty.startswith("Päijät-Hämeen foorumipilotteja ei ole vielä kirjattu selvitykseen, joten")
    assert "Etelä-Savo" not in empty

"""Spreadsheet safety (OWASP CSV injection): no text the project writes becomes a formula.

Covers the helper (punos_lib._spreadsheet) and every writer that uses it: the study's table
writer (Study.show → write_table), the forum template, and the forum import, which keeps what
the participant typed.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook, load_workbook

from punos_lib import study
from punos_lib._spreadsheet import csv_safe, csv_safe_frame, text_cells_only
from punos_lib.registry import forums

HYPERLINK = '=HYPERLINK("http://example.invalid/x","Avaa")'
CALC = "=cmd|' /C calc'!A0"
SECTOR_IDS = ["metsa", "ruoka", "vesi", "matkailu", "sote", "teknologia", "rakentaminen"]


@pytest.mark.parametrize("text", ["=1+1", "+41 123", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx", CALC])
def test_formula_text_gets_an_apostrophe_in_csv(text: str) -> None:
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["-12", "+3,5", "-0.25", "-7%", "Mikkeli", "", "a=b", -12, -0.5, None])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert csv_safe(value) == value


def test_csv_safe_frame_leaves_numeric_columns_as_numbers() -> None:
    frame = pd.DataFrame({"toimi": [HYPERLINK, "Selvitys"], "muutos": [-3.5, 2.0], "n": [-1, 4]})
    safe = csv_safe_frame(frame)
    assert safe["toimi"].tolist() == ["'" + HYPERLINK, "Selvitys"]
    assert safe["muutos"].tolist() == [-3.5, 2.0] and safe["muutos"].dtype == float
    assert safe["n"].dtype == frame["n"].dtype
    assert frame["toimi"].iloc[0] == HYPERLINK  # the caller's frame is not changed


def test_text_cells_only_turns_formula_cells_into_text() -> None:
    ws = Workbook().active
    ws.append([HYPERLINK, "-5", -5, "x"])
    assert ws["A1"].data_type == "f"  # what openpyxl does with such text by itself
    text_cells_only(ws)
    assert [c.data_type for c in ws[1]] == ["s", "s", "n", "s"]
    assert ws["A1"].value == HYPERLINK


def _pilot_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "forums"
    folder.mkdir()
    doc = {"id": "p1", "region": "MK10", "example": False, "date": "2024-03-15", "format": "sector", "sector": "sote",
           "title": "Sote-foorumi", "participants": {"education": 2}, "topics": ["saatavuus"],
           "actions": [{"action": HYPERLINK, "owner": "@maakuntaliitto", "deadline": None}]}
    (folder / "p1.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return folder


def test_forum_action_through_the_table_writer_is_text_in_xlsx_and_neutral_in_csv(tmp_path: Path) -> None:
    pilots = forums.load_pilots(_pilot_folder(tmp_path), sectors=SECTOR_IDS)
    assert pilots["actions"].iloc[0][0]["action"] == HYPERLINK  # the curated record keeps it
    table = forums.actions_table(pilots)
    table["Muutos"] = [-2.5]  # a negative number must stay a number
    ctx = study.Study("MK10", run_id="forums", snapshot_dir=tmp_path / "no-snapshot",
                      outputs_dir=tmp_path / "out")
    ctx.show(table, "tbl-toimet", caption="Foorumeissa sovitut toimet")

    sheet = load_workbook(tmp_path / "out" / "tables" / "forums" / "tbl-toimet.xlsx")["data"]
    header = [c.value for c in sheet[1]]
    action = sheet.cell(2, header.index("Toimi") + 1)
    assert action.data_type == "s" and action.value == HYPERLINK
    owner = sheet.cell(2, header.index("Vastuu") + 1)
    assert owner.data_type == "s" and owner.value == "@maakuntaliitto"
    change = sheet.cell(2, header.index("Muutos") + 1)
    assert change.data_type == "n" and change.value == -2.5
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)

    with (tmp_path / "out" / "tables" / "forums" / "tbl-toimet.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Toimi"] == "'" + HYPERLINK
    assert rows[0]["Vastuu"] == "'@maakuntaliitto"
    assert rows[0]["Muutos"] == "-2.5"


def test_forum_import_keeps_what_was_typed_and_no_output_makes_it_a_formula(tmp_path: Path) -> None:
    sectors = {"sote": SimpleNamespace(name_fi="Sosiaali- ja terveysala", aml=("3221", "5321"))}
    template = forums.write_template("sote", tmp_path / "sote.xlsx", region="MK10", sectors=sectors,
                                     occupations={"3221": "=Sairaanhoitajat", "5321": "Lähihoitajat"})
    names = load_workbook(template)["Arviot"]["B2"]
    assert names.data_type == "s" and names.value == "=Sairaanhoitajat"  # curated text, not a formula

    wb = load_workbook(template)
    ws = wb["Arviot"]
    for column, value in zip("CDEFGH", ("pula", 3, "0–1 v", "kielitaito", CALC, "koulutus"), strict=True):
        ws[f"{column}2"] = value  # typed as a participant would: Excel keeps "=..." as a formula
    assert ws["G2"].data_type == "f"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    stored = forums.import_workbook(filled, tmp_path / "store", sectors=SECTOR_IDS)
    with stored.open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["comment"] == CALC  # the curated store keeps exactly what was typed
    assessments = forums.load_assessments(tmp_path / "store", sectors=SECTOR_IDS)
    assert assessments["comment"].tolist() == [CALC]

    written = study.write_table(assessments[["aml", "comment"]], tmp_path / "out" / "tbl-arviot")
    with written[0].open(encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["comment"] == "'" + CALC
    cell = load_workbook(written[1])["data"]["B2"]
    assert cell.data_type == "s" and cell.value == CALC

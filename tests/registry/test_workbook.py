"""Tests of punos_lib.registry.workbook: registry and catalogue round-trip through one xlsx workbook."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from punos_lib import cli
from punos_lib.errors import ValidationError
from punos_lib.registry import actors, catalogue, workbook

REPO = Path(__file__).resolve().parents[2]
SECTORS = ["metsa", "ruoka", "vesi", "matkailu", "sote", "teknologia", "rakentaminen"]


@pytest.fixture()
def project(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "actors"
    shutil.copytree(REPO / "data" / "actors", folder)
    cat = tmp_path / "catalogue.yaml"
    shutil.copy(REPO / "data" / "catalogue.yaml", cat)
    return folder, cat


def _template(tmp_path: Path, project: tuple[Path, Path]) -> Path:
    folder, cat = project
    return workbook.write_template(tmp_path / "rekisteri.xlsx", actors_dir=folder, catalogue_path=cat,
                                   sectors=SECTORS)


def _import(path: Path, project: tuple[Path, Path]) -> list[Path]:
    folder, cat = project
    return workbook.import_workbook(path, actors_dir=folder, catalogue_path=cat, sectors=SECTORS)


def _snapshot(project: tuple[Path, Path]) -> dict[str, bytes]:
    folder, cat = project
    return {p.name: p.read_bytes() for p in (*sorted(folder.glob("*.csv")), cat)}


def test_template_holds_every_record(tmp_path, project):
    path = _template(tmp_path, project)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ohjeet", "Toimijat", "Suhteet", "Tietolähteet", "_meta"]
    assert wb["_meta"].sheet_state == "hidden"
    orgs, rels = actors.load_registry(project[0], sectors=SECTORS)
    assert wb["Toimijat"].max_row == len(orgs) + 1 and wb["Suhteet"].max_row == len(rels) + 1
    assert [c.value for c in wb["Toimijat"][1]] == list(actors.ORG_COLUMNS)
    # the region column: every actor's code, a Finnish heading on its header, the codes as a list
    column = actors.ORG_COLUMNS.index("region") + 1
    assert [wb["Toimijat"].cell(r, column).value for r in range(2, len(orgs) + 2)] == orgs["region"].tolist()
    assert wb["Toimijat"].cell(1, column).comment.text.startswith("Alue: maakunnan koodi")
    (rule,) = wb["Toimijat"].data_validations.dataValidation
    assert rule.type == "list" and "MK07" in rule.formula1 and "SSS" in rule.formula1
    guide = " ".join(str(r[0].value) for r in wb["Ohjeet"].iter_rows())
    assert "valtakunnallinen toimija" in guide.lower() and "MK07 Päijät-Häme" in guide
    sources = wb["Tietolähteet"]
    header = [c.value for c in sources[1]]
    assert sources.cell(2, header.index("granularity") + 1).value == "country; region; sub_region; municipality"
    # the sources' region column: a code for a regional source, empty for a national one
    assert header == list(catalogue.COLUMNS)
    cat = catalogue.load_catalogue(project[1])
    column = header.index("region") + 1
    cells = [sources.cell(r, column).value for r in range(2, len(cat) + 2)]
    assert cells == [code or None for code in cat["region"]] and cells.count("MK10") == 4
    assert sources.cell(1, column).comment.text.startswith("Alue: maakunnan koodi")
    (rule,) = sources.data_validations.dataValidation
    assert rule.type == "list" and "MK07" in rule.formula1 and "SSS" not in rule.formula1 and rule.allow_blank
    assert "valtakunnallinen tai yleinen" in guide
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_unchanged_workbook_writes_nothing(tmp_path, project):
    before = _snapshot(project)
    assert _import(_template(tmp_path, project), project) == []
    assert _snapshot(project) == before


def test_filled_workbook_round_trips_into_valid_files(tmp_path, project):
    path = _template(tmp_path, project)
    wb = load_workbook(path)
    orgs = wb["Toimijat"]
    orgs.append(["uusi-yritys", "Uusi Yritys Oy", "New Company", "business", "Yritys: metsäalan työnantaja",
                 "046", "MK10", "metsa", "https://uusi.example.fi", "oletus, vahvistettava"])
    orgs.append(["lahti-yritys", "Lahden Yritys Oy", "Lahti Company", "business", "Yritys: Päijät-Hämeen työnantaja",
                 "398", "MK07", "", "https://lahti.example.fi", ""])
    region = actors.ORG_COLUMNS.index("region") + 1
    oph = next(r for r in range(2, orgs.max_row + 1) if orgs.cell(r, 1).value == "oph")
    orgs.cell(oph, region).value = "MK01"  # moved from national to Uusimaa
    wb["Suhteet"].append(["uusi-yritys", "esavo", "partner", "", "=HYPERLINK(\"http://x\",\"x\")"])
    sources = wb["Tietolähteet"]
    header = [c.value for c in sources[1]]
    sources.cell(2, header.index("user_actors") + 1).value = "esavo; uusi-yritys"
    ids = [sources.cell(r, 1).value for r in range(1, sources.max_row + 1)]
    sources.cell(ids.index("statfin-tyti") + 1, header.index("region") + 1).value = "MK07"  # national -> MK07
    sources.cell(ids.index("esavoennakoi") + 1, header.index("region") + 1).value = None  # MK10 -> national
    wb.save(path)
    written = _import(path, project)
    assert {p.name for p in written} == {"organisations.csv", "relations.csv", "catalogue.yaml"}
    o, r = actors.load_registry(project[0], sectors=SECTORS)
    assert o.set_index("id").loc["uusi-yritys", "municipality"] == "046"  # leading zero kept
    assert o.set_index("id")["region"][["uusi-yritys", "lahti-yritys", "oph", "tem"]].tolist() == [
        "MK10", "MK07", "MK01", "SSS"]
    assert "region" in (project[0] / "organisations.csv").read_text(encoding="utf-8").splitlines()[0]
    assert actors.region_view(o, r, "MK07")[0]["id"].tolist() == ["lahti-yritys"]
    assert r["source"].iloc[-1] == '=HYPERLINK("http://x","x")'  # curated input keeps what was typed
    cat = catalogue.load_catalogue(project[1])
    assert cat["user_actors"].iloc[0] == ("esavo", "uusi-yritys")
    regions = cat.set_index("id")["region"]
    assert regions[["statfin-tyti", "esavoennakoi", "forum-assessments", "sotkanet"]].tolist() == [
        "MK07", None, "MK10", None]
    saved = catalogue.load_catalogue(project[1])  # the YAML: no region key where the cell was empty
    text = project[1].read_text(encoding="utf-8")
    assert text.count("region: MK10") == 3 and text.count("region: MK07") == 1 and "region: null" not in text
    assert "statfin-tyti" in catalogue.region_view(saved, "MK07")["id"].tolist()
    assert "statfin-tyti" not in catalogue.region_view(saved, "MK10")["id"].tolist()
    assert project[1].read_text(encoding="utf-8").startswith("# Catalogue of knowledge producers")
    links = catalogue.actor_links(cat, o)
    assert ((links["actor"] == "uusi-yritys") & (links["link"] == "user_actors")).sum() == 1
    # and back: the new workbook has the added actor
    again = load_workbook(workbook.write_template(tmp_path / "again.xlsx", actors_dir=project[0],
                                                  catalogue_path=project[1], sectors=SECTORS))
    sheet = again["Toimijat"]
    assert [sheet.cell(sheet.max_row - 1, 1).value, sheet.cell(sheet.max_row, 1).value] == [
        "uusi-yritys", "lahti-yritys"]
    assert sheet.cell(sheet.max_row, actors.ORG_COLUMNS.index("region") + 1).value == "MK07"  # the column comes back


def test_every_bad_row_of_every_sheet_is_reported_and_nothing_written(tmp_path, project):
    path = _template(tmp_path, project)
    wb = load_workbook(path)
    orgs = wb["Toimijat"]
    orgs.cell(2, 4).value = "church"            # type
    orgs.cell(3, 6).value = "46"                # municipality
    orgs.cell(5, 5).value = None                # role
    region = actors.ORG_COLUMNS.index("region") + 1
    orgs.cell(6, region).value = "Etelä-Savo"   # a name, not a code
    orgs.cell(7, region).value = None           # missing region
    wb["Suhteet"].cell(2, 2).value = "nobody"   # unknown actor
    sources = wb["Tietolähteet"]
    header = [c.value for c in sources[1]]
    sources.cell(4, header.index("access") + 1).value = "fax"
    sources.cell(5, header.index("producer_actors") + 1).value = "tilastokeskus; ghost"
    sources.cell(6, header.index("region") + 1).value = "Päijät-Häme"  # a name, not a code
    sources.cell(7, header.index("region") + 1).value = "SSS"          # national is an empty cell
    wb.save(path)
    before = _snapshot(project)
    with pytest.raises(ValidationError) as info:
        _import(path, project)
    problems = info.value.problems
    expected = [
        "sheet 'Toimijat', row 2, field 'type', value 'church'",
        "sheet 'Toimijat', row 3, field 'municipality', value '46'",
        "sheet 'Toimijat', row 5, field 'role'",
        "sheet 'Toimijat', row 6, field 'region', value 'Etelä-Savo'",
        "sheet 'Toimijat', row 7, field 'region'",
        "sheet 'Suhteet', row 2, field 'to', value 'nobody'",
        "sheet 'Tietolähteet', row 4, field 'access', value 'fax'",
        "sheet 'Tietolähteet', row 5, field 'producer_actors', value 'ghost'",
        "sheet 'Tietolähteet', row 6, field 'region', value 'Päijät-Häme'",
        "sheet 'Tietolähteet', row 7, field 'region', value 'SSS'",
    ]
    for where in expected:
        assert any(where in p for p in problems), (where, problems)
    assert len(problems) == len(expected)
    assert any("use one of" in p for p in problems if "'church'" in p)  # what is allowed
    assert any("SSS for a national actor" in p for p in problems if "row 7, field 'region'" in p)
    assert any("leave the field out for a national or general source" in p for p in problems
               if "'Tietolähteet', row 7, field 'region'" in p)
    assert _snapshot(project) == before


def test_cli_template_and_import_exit_codes(tmp_path, project, monkeypatch, capsys):
    folder, cat = project
    project_dir = tmp_path / "project"
    (project_dir / "data").mkdir(parents=True)
    shutil.copytree(folder, project_dir / "data" / "actors")
    shutil.copy(cat, project_dir / "data" / "catalogue.yaml")
    shutil.copy(REPO / "data" / "sectors.yaml", project_dir / "data" / "sectors.yaml")
    (project_dir / "_quarto.yml").write_text("project: {type: book}\n", encoding="utf-8")
    monkeypatch.setenv("PUNOS_PROJECT_DIR", str(project_dir))
    out = tmp_path / "r.xlsx"
    assert cli.main(["registry", "template", "--output", str(out)]) == 0
    assert cli.main(["registry", "import", str(out)]) == 0
    assert "nothing written" in capsys.readouterr().out
    wb = load_workbook(out)
    wb["Toimijat"].cell(2, 4).value = "church"
    wb.save(out)
    assert cli.main(["registry", "import", str(out)]) == 2
    err = capsys.readouterr().err
    assert "sheet 'Toimijat'" in err and "'church'" in err
    assert cli.main(["registry", "import", str(tmp_path / "missing.xlsx")]) == 2
    assert cli.main(["registry", "template", "--output", str(tmp_path)]) == 2


@pytest.mark.parametrize("version", ["1", "2"])
def test_an_older_workbook_without_a_region_column_is_refused(tmp_path, project, version):
    path = _template(tmp_path, project)
    wb = load_workbook(path)
    wb["_meta"]["B2"].value = version
    wb["Tietolähteet"].delete_cols(catalogue.COLUMNS.index("region") + 1)  # version 2 had no sources' region
    if version == "1":
        wb["Toimijat"].delete_cols(actors.ORG_COLUMNS.index("region") + 1)
    wb.save(path)
    before = _snapshot(project)
    with pytest.raises(ValidationError, match="version 3; write a new one"):
        _import(path, project)
    assert _snapshot(project) == before

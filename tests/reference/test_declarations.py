"""Tests of punos_lib.reference.declarations: the real declaration loads; bad files are refused precisely."""

from __future__ import annotations

import re

from pathlib import Path

import pytest

from punos_lib.reference import declarations
from punos_lib.errors import InputError, ValidationError

REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "datasets.yaml"
    path.write_text("version: 1\ndatasets:\n" + body, encoding="utf-8")
    return path


GOOD = """\
  - id: pop
    title_fi: Väestö
    source: statfin
    table: vaerak/11re
    selection: {"@area": "*", "@time": "top:3"}
    used_in: [vaesto]
  - id: key
    title_fi: Avain
    source: classifications
    kind: key
    year: 2025
    used_in: [vaesto]
"""


def test_real_declaration_loads() -> None:
    decls = declarations.load(REPO / "data" / "datasets.yaml")
    ids = [d.id for d in decls]
    assert "population" in ids and "education_supply" in ids
    pop = declarations.get("population", REPO / "data" / "datasets.yaml")
    assert pop.source == "statfin"
    assert pop.table == "vaerak/11re"
    assert (pop.subject, pop.table_id) == ("vaerak", "11re")
    assert pop.selection["@time"] == "top:11"
    assert pop.used_in == ("vaesto", "johdanto")
    edu = declarations.get("education_supply", REPO / "data" / "datasets.yaml")
    assert edu.columns == ("region", "year", "level", "field", "measure", "value")
    assert edu.instructions_en and "punos snapshot import" in edu.instructions_en


def test_good_small_file(tmp_path: Path) -> None:
    decls = declarations.load(_write(tmp_path, GOOD))
    assert [d.id for d in decls] == ["pop", "key"]
    assert decls[1].year == 2025
    with pytest.raises(AttributeError):
        decls[0].id = "x"  # type: ignore[misc]  # frozen


def test_unknown_id_names_valid_ids(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown dataset 'nope'.*pop, key"):
        declarations.get("nope", _write(tmp_path, GOOD))


@pytest.mark.parametrize(
    ("body", "row", "field"),
    [
        # statfin without selection
        ("  - {id: a, title_fi: A, source: statfin, table: vaerak/11re, used_in: [x]}\n", 1, "selection"),
        # geo without scale
        ("  - {id: a, title_fi: A, source: geo, layer: kunta, year: 2025, used_in: [x]}\n", 1, "scale"),
        # classification kind without the classification id
        ("  - {id: a, title_fi: A, source: classifications, kind: classification, used_in: [x]}\n", 1,
         "classification"),
        # key without year
        ("  - {id: a, title_fi: A, source: classifications, kind: key, used_in: [x]}\n", 1, "year"),
        # import without columns
        ("  - {id: a, title_fi: A, source: import, format: csv, used_in: [x]}\n", 1, "columns"),
        # unknown source
        ("  - {id: a, title_fi: A, source: ftp, used_in: [x]}\n", 1, "source"),
        # used_in not a list
        ("  - {id: a, title_fi: A, source: geo, layer: k, scale: 1000k, year: 2025, used_in: vaesto}\n", 1,
         "used_in"),
        # missing used_in, in the second entry
        ("  - {id: a, title_fi: A, source: geo, layer: k, scale: 1000k, year: 2025, used_in: [x]}\n"
         "  - {id: b, title_fi: B, source: geo, layer: k, scale: 1000k, year: 2025}\n", 2, "used_in"),
        # duplicate id
        ("  - {id: a, title_fi: A, source: geo, layer: k, scale: 1000k, year: 2025, used_in: [x]}\n"
         "  - {id: a, title_fi: B, source: geo, layer: k, scale: 1000k, year: 2025, used_in: [x]}\n", 2, "id"),
        # table with the old long id form
        ("  - {id: a, title_fi: A, source: statfin, table: statfin_vaerak_pxt_11re.px, selection: {x: '*'},"
         " used_in: [x]}\n", 1, "table"),
    ],
)
def test_bad_entries(tmp_path: Path, body: str, row: int, field: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ValidationError) as info:
        declarations.load(path)
    err = info.value
    assert err.row == row
    assert err.field == field
    assert str(path) in str(err)
    # a YAML list has entries, not rows; the entry is named by its dataset id
    assert re.search(rf"entry {row} \([ab]\), field {field!r}", str(err)), str(err)
    assert "row " not in str(err)


def test_all_problems_listed(tmp_path: Path) -> None:
    body = (
        "  - {id: a, title_fi: A, source: geo, used_in: [x]}\n"
        "  - {id: b, source: import, format: xls, columns: [a], used_in: [x]}\n"
    )
    with pytest.raises(ValidationError) as info:
        declarations.load(_write(tmp_path, body))
    fields = sorted(p.split("field ")[1].split(",")[0].split(":")[0] for p in info.value.problems)
    assert fields == ["'format'", "'layer'", "'scale'", "'title_fi'", "'year'"]


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("datasets:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid YAML"):
        declarations.load(path)
    with pytest.raises(ValidationError, match="file not found"):
        declarations.load(tmp_path / "absent.yaml")
    top = tmp_path / "list.yaml"
    top.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="'datasets' list"):
        declarations.load(top)


def test_tenth_entry_is_called_entry_with_its_id(tmp_path: Path) -> None:
    good = "".join(
        f"  - {{id: d{i}, title_fi: D, source: geo, layer: k, scale: 1000k, year: 2025, used_in: [x]}}\n"
        for i in range(1, 10)
    )
    bad = "  - {id: population, title_fi: V, source: statfin, table: vaerak/11re, used_in: [x]}\n"
    with pytest.raises(ValidationError) as info:
        declarations.load(_write(tmp_path, good + bad))
    text = str(info.value)
    assert "entry 10 (population), field 'selection'" in text
    assert "row 10" not in text
    assert info.value.row == 10


def test_every_problem_of_every_entry_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        "  - {id: a, title_fi: A, source: geo, layer: k, scale: 1000k, year: x, used_in: [x]}\n"
        "  - {id: b, title_fi: B, source: nowhere, used_in: [x], colour: red}\n"
        "  - {id: a, title_fi: C, source: import, format: csv, columns: [], used_in: [x]}\n"
    )
    with pytest.raises(ValidationError) as info:
        declarations.load(_write(tmp_path, body))
    problems = info.value.problems
    assert any("entry 1 (a), field 'year'" in p for p in problems)
    assert any("entry 2 (b), field 'source'" in p for p in problems)
    assert any("entry 2 (b), field 'colour'" in p for p in problems)
    assert any("entry 3 (a), field 'columns'" in p for p in problems)
    assert any("entry 3 (a), field 'id'" in p and "first used in entry 1" in p for p in problems)

"""Tests of punos_lib.reference.sectors and data/sectors.yaml."""

from __future__ import annotations

import csv
import re
import dataclasses
from pathlib import Path

import pytest

from punos_lib.errors import InputError, ValidationError
from punos_lib.reference.sectors import Sector, get_sector, load_sectors, sector_of_industry

REPO = Path(__file__).resolve().parents[2]
SECTORS_FILE = REPO / "data" / "sectors.yaml"

GOOD = """\
note_fi: Oletus, jota maakuntaliitto voi muuttaa.
note_en: An assumption the regional council can edit.
order: [b, a]
sectors:
  - id: a
    name_fi: Aala
    name_en: A sector
    description_fi: Kuvaus A.
    tol: ["02", "16"]
    aml: ["6210", "3"]
    koulutusala: ["0821"]
  - id: b
    name_fi: Beeala
    name_en: B sector
    description_fi: Kuvaus B.
    tol: ["86"]
    aml: ["3221"]
    koulutusala: ["09", "0913"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sectors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped file ------------------------------------------------------------------


def test_shipped_file_has_the_seven_sectors_in_order() -> None:
    sectors = load_sectors(SECTORS_FILE)
    assert list(sectors) == [
        "metsa", "ruoka", "vesi", "matkailu", "sote", "teknologia", "rakentaminen"
    ]


def test_shipped_file_uses_the_domain_proposal_for_tol() -> None:
    # DOMAIN.md: forest 02, 16, 17; food 01, 03, 10, 11; water 36, 37; tourism 55, 56, 79, 93;
    # social and health 86, 87, 88; technology 24-30, 33; construction 41-43.
    sectors = load_sectors(SECTORS_FILE)
    assert {sid: s.tol for sid, s in sectors.items()} == {
        "metsa": ("02", "16", "17"),
        "ruoka": ("01", "03", "10", "11"),
        "vesi": ("36", "37"),
        "matkailu": ("55", "56", "79", "93"),
        "sote": ("86", "87", "88"),
        "teknologia": ("24", "25", "26", "27", "28", "29", "30", "33"),
        "rakentaminen": ("41", "42", "43"),
    }


def test_shipped_sote_has_nurses_and_practical_nurses() -> None:
    sote = get_sector("sote", SECTORS_FILE)
    assert sote.name_fi == "Sosiaali- ja terveysala"
    assert "3221" in sote.aml  # Sairaanhoitajat ym. (2221 is head nurses)
    assert "5321" in sote.aml  # Lähihoitajat
    assert "0913" in sote.koulutusala  # Hoitotyö


def test_default_path_is_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNOS_PROJECT_DIR", str(REPO))
    assert load_sectors() == load_sectors(SECTORS_FILE)
    assert get_sector("vesi").tol == ("36", "37")


def test_sector_is_frozen() -> None:
    sector = get_sector("metsa", SECTORS_FILE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sector.tol = ("99",)  # type: ignore[misc]


def test_every_aml_code_exists_in_the_real_classification(reference: Path) -> None:
    path = reference / "classifications" / "jhs_ammatti_1_20100101.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        valid = {row["CODEVALUE"] for row in csv.DictReader(handle)}
    assert "3221" in valid and "5321" in valid  # the file is the AML 2010 one
    unknown = {
        sid: [c for c in s.aml if c not in valid] for sid, s in load_sectors(SECTORS_FILE).items()
    }
    assert {sid: codes for sid, codes in unknown.items() if codes} == {}


def test_every_koulutusala_code_exists_in_the_real_classification(reference: Path) -> None:
    path = reference / "classifications" / "jhs_koulutus_1_20160101.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        valid = {row["CODEVALUE"] for row in csv.DictReader(handle)}
    assert "0913" in valid
    unknown = {
        sid: [c for c in s.koulutusala if c not in valid]
        for sid, s in load_sectors(SECTORS_FILE).items()
    }
    assert {sid: codes for sid, codes in unknown.items() if codes} == {}


def test_every_tol_division_exists_in_the_real_classification(reference: Path) -> None:
    path = reference / "classifications" / "jhs_toimiala_1_20080101.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        valid = {row["CODEVALUE"] for row in csv.DictReader(handle)}
    divisions = [c for s in load_sectors(SECTORS_FILE).values() for c in s.tol]
    assert [c for c in divisions if c not in valid] == []


# --- loading a small file ----------------------------------------------------------------


def test_load_follows_order_and_reads_fields(tmp_path: Path) -> None:
    sectors = load_sectors(write(tmp_path, GOOD))
    assert list(sectors) == ["b", "a"]
    assert sectors["a"] == Sector(
        id="a",
        name_fi="Aala",
        name_en="A sector",
        tol=("02", "16"),
        aml=("6210", "3"),
        koulutusala=("0821",),
        description_fi="Kuvaus A.",
    )


def test_get_sector_unknown_id_names_valid_ids(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(InputError, match=r"unknown sector id 'c'.*b, a"):
        get_sector("c", path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_sectors(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        # unknown key in a sector
        ("    tol: [\"86\"]", "    tol: [\"86\"]\n    colour: red",
         r"sector 2 \('b'\), field 'colour': unknown field"),
        # unknown top-level key
        ("order: [b, a]", "order: [b, a]\nversion: 2", r"sectors.yaml, field 'version': unknown field"),
        # missing field
        ("    name_en: B sector\n", "", r"sector 2 \('b'\), field 'name_en': required field is missing"),
        # missing top-level note
        ("note_en: An assumption the regional council can edit.\n", "",
         r"sectors.yaml, field 'note_en': required field is missing"),
        # TOL with three digits
        ('tol: ["02", "16"]', 'tol: ["02", "161"]',
         r"sector 1 \('a'\), field 'tol', value '161': malformed tol code"),
        # unquoted 02 is read by YAML as the integer 2
        ('tol: ["02", "16"]', "tol: [02, 16]", r"sector 1 \('a'\), field 'tol', value 2: .*quoted"),
        # AML with six digits
        ('aml: ["3221"]', 'aml: ["322111"]', r"sector 2 \('b'\), field 'aml', value '322111': malformed aml"),
        # AML with a letter
        ('aml: ["6210", "3"]', 'aml: ["62A0"]', r"sector 1 \('a'\), field 'aml', value '62A0': malformed aml"),
        # Koulutusala with a letter
        ('koulutusala: ["0821"]', 'koulutusala: ["08x"]',
         r"sector 1 \('a'\), field 'koulutusala', value '08x'"),
        # empty code list
        ('koulutusala: ["0821"]', "koulutusala: []", r"sector 1 \('a'\), field 'koulutusala': required field is empty"),
        # duplicate id
        ("  - id: b", "  - id: a", r"sector 2 \('a'\), field 'id', value 'a': duplicate sector id"),
        # a TOL division in two sectors
        ('tol: ["86"]', 'tol: ["16"]',
         r"sector 2 \('b'\), field 'tol', value '16': TOL division 16 is already in sector 'a'"),
        # order names an undefined sector
        ("order: [b, a]", "order: [b, a, c]", r"field 'order', value 'c': order names a sector that is not defined"),
        # order omits a sector
        ("order: [b, a]", "order: [b]", r"field 'order', value 'a': the sector is defined but not listed"),
        # order repeats a sector
        ("order: [b, a]", "order: [b, a, b]", r"field 'order', value 'b': .*more than once"),
        # a bad id
        ("  - id: b", "  - id: B-2", r"sector 2 \('B-2'\), field 'id', value 'B-2'"),
        # empty name
        ("name_fi: Aala", "name_fi: ''", r"sector 1 \('a'\), field 'name_fi': required field is empty"),
    ],
)
def test_bad_files_raise_and_name_the_problem(
    tmp_path: Path, old: str, new: str, pattern: str
) -> None:
    assert old in GOOD, "the test's replacement must apply"
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ValidationError) as info:
        load_sectors(path)
    assert str(path) in str(info.value)
    assert any(re.search(pattern, p) for p in info.value.problems), info.value.problems


def test_every_problem_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    text = (GOOD.replace('tol: ["02", "16"]', 'tol: ["02", "161"]')
            .replace('aml: ["3221"]', 'aml: ["62A0"]')
            .replace("order: [b, a]", "order: [b, a, c]"))
    with pytest.raises(ValidationError) as info:
        load_sectors(write(tmp_path, text))
    fields = sorted(p.split("field ")[1].split(",")[0].split(":")[0] for p in info.value.problems)
    assert fields == ["'aml'", "'order'", "'tol'"]


def test_invalid_yaml_is_a_validation_error(tmp_path: Path) -> None:
    path = write(tmp_path, "order: [a\nsectors: {")
    with pytest.raises(ValidationError, match="not valid YAML"):
        load_sectors(path)


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("note_fi: Oletus", "note_fi: !!python/object:os.system x"))
    with pytest.raises(ValidationError, match="not valid YAML"):
        load_sectors(path)


# --- sector_of_industry ------------------------------------------------------------------


def test_sector_of_industry_matches_division_and_longer_codes(tmp_path: Path) -> None:
    sectors = load_sectors(write(tmp_path, GOOD))
    assert sector_of_industry("16", sectors) == "a"
    assert sector_of_industry("161", sectors) == "a"
    assert sector_of_industry("16101", sectors) == "a"
    assert sector_of_industry("02", sectors) == "a"
    assert sector_of_industry("862", sectors) == "b"
    # not in any sector: another division, a section letter, the total, unknown industry
    assert sector_of_industry("17", sectors) is None
    assert sector_of_industry("C", sectors) is None
    assert sector_of_industry("SSS", sectors) is None
    assert sector_of_industry("X", sectors) is None


def test_sector_of_industry_on_the_shipped_file() -> None:
    sectors = load_sectors(SECTORS_FILE)
    assert sector_of_industry("30", sectors) == "teknologia"
    assert sector_of_industry("31", sectors) is None  # furniture is outside the sectors
    assert sector_of_industry("93110", sectors) == "matkailu"


@pytest.mark.parametrize("bad", ["", "  ", "1", 16, None])
def test_sector_of_industry_rejects_bad_codes(tmp_path: Path, bad: object) -> None:
    sectors = load_sectors(write(tmp_path, GOOD))
    with pytest.raises(InputError):
        sector_of_industry(bad, sectors)  # type: ignore[arg-type]

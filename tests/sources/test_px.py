"""Tests of punos_lib.sources.px: small hand-written PX files for every feature, then the two real StatFin files."""

from __future__ import annotations

import codecs
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from punos_lib.sources import px
from punos_lib.errors import InputError, ParseError

# Two municipalities × three months; content variable with one value; Swedish texts to ignore.
# DATA by hand: rows = Alue (stub), columns = Kuukausi (heading).
SAMPLE = """CHARSET="ANSI";
AXIS-VERSION="2013";
CODEPAGE="iso-8859-15";
LANGUAGE="fi";
LANGUAGES="fi","sv";
CREATION-DATE="20190226 09:00";
DECIMALS=0;
MATRIX="001_12r5_2024";
TABLEID="12r5";
TITLE="Työttömät työnhakijat "
"kuukauden lopussa";
TITLE[sv]="Arbetslösa";
CONTENTS="Työttömät";
STUB="Alue","Tiedot";
STUB[sv]="Område","Uppgifter";
HEADING="Kuukausi";
HEADING[sv]="Månad";
CONTVARIABLE="Tiedot";
VALUES("Alue")="Mikkeli",
"Pieksämäki";
VALUES[sv]("Område")="S:t Michel","Pieksämäki";
VALUES("Tiedot")="Työttömät (lkm.)";
VALUES("Kuukausi")="2024M01","2024M02","2024M03";
VARIABLECODE("Alue")="alue_23_20260101";
CODES("Alue")="KU491","KU593";
CODES("Tiedot")="TYOTTOMAT";
TIMEVAL("Kuukausi")=TLIST(M1, "202401"-"202403");
MAP("Alue")="Kunnat 2024";
LAST-UPDATED("Työttömät (lkm.)")="20241223 08:00";
UNITS("Työttömät (lkm.)")="lukumäärä";
SOURCE="Työ- ja elinkeinoministeriö";
SOURCE[sv]="Arbets- och näringsministeriet";
NOTE="... = salassa";
DATA=
2426 2500.5 ".."
"-" . 1 ;
"""

SAMPLE_VALUES = [2426.0, 2500.5, None, None, None, 1.0]
SAMPLE_STATUS = [None, None, "..", "-", ".", None]


def symbols(column: pd.Series) -> list:
    """The status column as symbols, None where a cell has none (the column is categorical)."""
    assert isinstance(column.dtype, pd.CategoricalDtype)
    return [None if pd.isna(x) else x for x in column]


def write(tmp_path: Path, text: str, encoding: str = "cp1252", name: str = "t.px", bom: bool = False) -> Path:
    path = tmp_path / name
    data = text.replace("\n", "\r\n").encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def test_sample_shape_and_values(tmp_path: Path) -> None:
    df = px.read(write(tmp_path, SAMPLE))
    assert list(df.columns) == [
        "alue_23_20260101", "alue_23_20260101_label", "Tiedot", "Tiedot_label",
        "Kuukausi", "Kuukausi_label", "value", "status",
    ]
    assert df["alue_23_20260101"].tolist() == ["KU491"] * 3 + ["KU593"] * 3
    assert df["alue_23_20260101_label"].tolist() == ["Mikkeli"] * 3 + ["Pieksämäki"] * 3
    assert df["Kuukausi"].tolist() == ["2024M01", "2024M02", "2024M03"] * 2
    values = df["value"].tolist()
    assert df["value"].dtype == np.float64
    for got, want in zip(values, SAMPLE_VALUES, strict=True):
        assert math.isnan(got) if want is None else got == want
    assert symbols(df["status"]) == SAMPLE_STATUS
    assert isinstance(df["Kuukausi"].dtype, pd.CategoricalDtype)
    assert list(df["alue_23_20260101"].cat.categories) == ["KU491", "KU593"]


def test_sample_attrs(tmp_path: Path) -> None:
    attrs = px.read(write(tmp_path, SAMPLE)).attrs
    assert attrs["format"] == "px"
    assert attrs["label"] == "Työttömät työnhakijat kuukauden lopussa"  # joined across lines
    assert attrs["source"] == "Työ- ja elinkeinoministeriö"  # not the [sv] one
    assert attrs["updated"] == "2024-12-23T08:00"
    assert attrs["table"] == "12r5"
    assert attrs["notes"] == ["... = salassa"]
    assert attrs["units"] == {"TYOTTOMAT": {"base": "lukumäärä", "decimals": 0}}
    assert [(d["code"], d["label"], d["role"]) for d in attrs["dimensions"]] == [
        ("alue_23_20260101", "Alue", "geo"),
        ("Tiedot", "Tiedot", "metric"),
        ("Kuukausi", "Kuukausi", "time"),
    ]
    json.dumps(attrs)


def test_utf8_with_bom_and_without(tmp_path: Path) -> None:
    utf8 = SAMPLE.replace('CODEPAGE="iso-8859-15"', 'CODEPAGE="utf-8"')
    for path in (write(tmp_path, utf8, "utf-8", "bom.px", bom=True), write(tmp_path, utf8, "utf-8", "plain.px")):
        df = px.read(path)
        assert df["alue_23_20260101_label"].tolist()[-1] == "Pieksämäki"


def test_utf8_bytes_despite_ansi_declaration(tmp_path: Path) -> None:
    df = px.read(write(tmp_path, SAMPLE, "utf-8"))
    assert df.attrs["source"] == "Työ- ja elinkeinoministeriö"


def test_declared_utf8_but_latin_bytes(tmp_path: Path) -> None:
    bad = SAMPLE.replace('CODEPAGE="iso-8859-15"', 'CODEPAGE="utf-8"')
    with pytest.raises(ParseError, match="CODEPAGE says utf-8"):
        px.read(write(tmp_path, bad, "cp1252"))
    assert px.read(write(tmp_path, bad, "cp1252"), encoding="cp1252").attrs["source"].endswith("ministeriö")


def test_without_codes_texts_are_codes_and_variable_name_is_column(tmp_path: Path) -> None:
    text = SAMPLE.replace('CODES("Alue")="KU491","KU593";\n', "").replace(
        'VARIABLECODE("Alue")="alue_23_20260101";\n', 'VARIABLE-CODE("Tiedot")="contentscode";\n'
    )
    df = px.read(write(tmp_path, text))
    assert df.columns[0] == "Alue"
    assert df["Alue"].tolist()[:1] == ["Mikkeli"]
    assert df.columns[2] == "contentscode"


def test_creation_date_when_no_last_updated_and_matrix_when_no_tableid(tmp_path: Path) -> None:
    text = SAMPLE.replace('LAST-UPDATED("Työttömät (lkm.)")="20241223 08:00";\n', "").replace('TABLEID="12r5";\n', "")
    attrs = px.read(write(tmp_path, text)).attrs
    assert attrs["updated"] == "2019-02-26T09:00"
    assert attrs["table"] == "001_12r5_2024"


def test_quoted_numbers_are_numbers(tmp_path: Path) -> None:
    text = SAMPLE.replace('2426 2500.5 ".."\n"-" . 1 ;', '"7" 2 3\n4 5 "...";')
    df = px.read(write(tmp_path, text))
    assert df["value"].tolist()[:5] == [7.0, 2.0, 3.0, 4.0, 5.0]
    assert symbols(df["status"]) == [None, None, None, None, None, "..."]


def test_no_status_column_without_symbols(tmp_path: Path) -> None:
    text = SAMPLE.replace('2426 2500.5 ".."\n"-" . 1 ;', "1,2,3\n4\t5 6;")
    df = px.read(write(tmp_path, text))
    assert "status" not in df.columns
    assert df["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('2426 2500.5 ".."\n"-" . 1 ;', "1 2 3 4 5;", r"DATA: 5 cells but the VALUES make 6"),
        ('2426 2500.5 ".."\n"-" . 1 ;', "1 2 3 4 5 6", r"DATA: no closing ';'"),
        ('2426 2500.5 ".."\n"-" . 1 ;', "1 2 3 4 x 6;", r"cell 4: 'x' is neither a number"),
        ('CODES("Alue")="KU491","KU593";', 'CODES("Alue")="KU491";', r'line 25, keyword CODES\("Alue"\): 1 codes for 2'),
        ('VALUES("Tiedot")="Työttömät (lkm.)";', "", r"variable 'Tiedot' .* has no VALUES"),
        ('SOURCE="Työ- ja elinkeinoministeriö";', 'SOURCE="Työ- ja elinkeinoministeriö', r"line 31, keyword SOURCE: the value has no closing ';'"),
        ('HEADING="Kuukausi";', "HEADING=oops oops;", r"line 16, keyword HEADING: .oops. follows another item"),
        ('CODES("Alue")="KU491","KU593";', 'CODES("Alue")="KU491","KU491";', r"code 'KU491' twice"),
    ],
)
def test_bad_files(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in SAMPLE
    with pytest.raises(ParseError, match=message):
        px.read(write(tmp_path, SAMPLE.replace(old, new)))


def test_truncated_header(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="no DATA= section"):
        px.read(write(tmp_path, SAMPLE.split("DATA=")[0]))


def test_not_a_px_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="line 1: expected KEYWORD=value"):
        px.read(write(tmp_path, "<html><body>Not found</body></html>"))


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        px.read(tmp_path / "puuttuu.px")
    with pytest.raises(InputError, match="not a known Python codec"):
        px.read(write(tmp_path, SAMPLE), encoding="no-such-codec")


# --- the real StatFin files ----------------------------------------------------------------


def test_real_eckero_12r5(reference: Path) -> None:
    df = px.read(reference / "statfin_px" / "statfin_tyonv_eckero.px")
    # STUB Kuukausi (11 months) then HEADING Tiedot (23 contents), Alue (1).
    assert len(df) == 11 * 23 * 1
    assert [d["code"] for d in df.attrs["dimensions"]] == ["Kuukausi", "Tiedot", "Alue"]
    assert [d["role"] for d in df.attrs["dimensions"]] == ["time", "metric", "geo"]
    assert df["Alue"].tolist()[0] == "KU043" and df["Alue_label"].tolist()[0] == "Eckerö"
    # First DATA row (2024M01), read by eye: 49.0 26.0 448.0 5.8 16.0 10.0 "..." "..." 11.0
    first = df[df["Kuukausi"] == "2024M01"]
    assert first["value"].tolist()[:6] == [49.0, 26.0, 448.0, 5.8, 16.0, 10.0]
    assert first["Tiedot"].tolist()[:4] == ["HAKIJALOPUSSA", "TYOTTOMATLOPUSSA", "TYOVOIMATK", "TYOTOSUUS"]
    assert first["Tiedot_label"].tolist()[0] == "Työnhakijoita laskentapäivänä (lkm.)"
    assert first["status"].tolist()[6:8] == ["...", "..."]
    # Last DATA row (2024M11): 45.0 21.0 448.0 4.7 12.0 9.0 0.0 "..." ... "..." "..."
    last = df[df["Kuukausi"] == "2024M11"]
    assert last["value"].tolist()[:7] == [45.0, 21.0, 448.0, 4.7, 12.0, 9.0, 0.0]
    assert math.isnan(df["value"].iloc[-1]) and df["status"].iloc[-1] == "..."
    # `grep -o '"\.\.\."' statfin_tyonv_eckero.px | wc -l` gives 61.
    assert int((df["status"] == "...").sum()) == 61
    assert int(df["value"].isna().sum()) == 61
    assert df.attrs["table"] == "statfin_tyonv_pxt_12r5"
    assert df.attrs["updated"] == "2024-12-23T08:00"
    assert df.attrs["source"] == "Työ- ja elinkeinoministeriö, Työnvälitystilasto"
    assert df.attrs["units"]["TYOTOSUUS"] == {"base": "prosentti", "decimals": 1}


def test_real_vaerak_11rc(reference: Path) -> None:
    df = px.read(reference / "statfin_px" / "statfin_vaerak_pxt_11rc.px")
    dims = df.attrs["dimensions"]
    assert [d["code"] for d in dims] == ["Vuosi", "Sukupuoli", "Ikä", "Tiedot"]
    assert [len(d["categories"]) for d in dims] == [159, 3, 19, 1]  # 1865–2023, SSS/1/2, 19 ages
    assert len(df) == 159 * 3 * 19
    assert "status" not in df.columns
    assert df["value"].iloc[0] == 1843245  # first DATA number (1865, total, all ages)
    assert df["value"].iloc[-1] == 108625  # last DATA number (2023, women, 85-)
    assert (df["Vuosi"].iloc[-1], df["Sukupuoli"].iloc[-1], df["Ikä"].iloc[-1]) == ("2023", "2", "85-")
    # 1865 men all ages is the 20th number of the first DATA row (3 sexes × 19 ages per row).
    men_1865 = df[(df["Vuosi"] == "1865") & (df["Sukupuoli"] == "1") & (df["Ikä"] == "SSS")]
    assert men_1865["value"].tolist() == [898974]
    # Whole country 2023 equals StatFin 11re's 5603851 (statfin_api/new_2026 query).
    total_2023 = df[(df["Vuosi"] == "2023") & (df["Sukupuoli"] == "SSS") & (df["Ikä"] == "SSS")]
    assert total_2023["value"].tolist() == [5603851]
    assert df["Sukupuoli_label"].cat.categories.tolist() == ["Yhteensä", "Miehet", "Naiset"]
    assert df.attrs["table"] == "statfin_vaerak_pxt_11rc"
    assert df.attrs["updated"] == "2024-04-26T08:00"
    assert dims[0]["role"] == "time" and dims[3]["role"] == "metric"


def test_bom_with_invalid_utf8_is_a_parse_error(tmp_path):
    from punos_lib.errors import ParseError

    path = tmp_path / "bad.px"
    path.write_bytes(b"\xef\xbb\xbfCHARSET=\"ANSI\";\nTITLE=\"\xe4\";\n")
    with pytest.raises(ParseError, match="byte-order mark"):
        px.read(path)

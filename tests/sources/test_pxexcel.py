"""PxWeb Excel reader, on the real StatFin exports recorded in ../shared/data/reference/commuting."""

from __future__ import annotations

import pytest

from punos_lib.errors import ParseError
from punos_lib.sources import pxexcel


@pytest.fixture(scope="module")
def commuting(reference):
    return reference / "commuting"


@pytest.fixture(scope="module")
def inward(commuting):
    return pxexcel.read(commuting / "Alueelle_pendeloivat.xlsx")


def _total(df, area, year, area_col):
    rows = df[(df[area_col] == area) & (df["Vuosi"] == year)]
    return rows["value"].sum()


def test_115p_export_reads_into_the_tidy_shape(inward):
    dims = [(d["code"], d["role"], len(d["categories"])) for d in inward.attrs["dimensions"]]
    assert dims == [("Työpaikan alue", "geo", 309), ("Vuosi", "time", 36), ("Tiedot", "metric", 1),
                    ("Pendelöinti", None, 1), ("Koulutusaste", None, 4), ("Ikä", None, 6)]
    assert len(inward) == 309 * 36 * 4 * 6
    assert inward.attrs["table"] == "001_115p_2022" and inward.attrs["sheet"] == "001_115p_2022"
    assert inward.attrs["updated"] is None or inward.attrs["updated"].startswith("20")
    assert any("viiteajankohta" in n for n in inward.attrs["notes"])
    first = inward.iloc[0]
    assert (first["Työpaikan alue"], first["Vuosi"], first["Ikä"], first["value"]) == ("Akaa", "1987", "18 - 24", 52.0)
    assert "status" not in inward.columns


def test_115p_numbers_match_the_recorded_cross_checks(inward, commuting):
    # PROVENANCE.md: Mikkeli 2021, ages 18–74: 3,155 commuting in + 18,600 working in the home municipality
    assert _total(inward, "Mikkeli", "2021", "Työpaikan alue") == 3155
    home = pxexcel.read(commuting / "Asuinkunnassa_tyoskentelevat.xlsx")
    assert [d["code"] for d in home.attrs["dimensions"]] == [
        "Työpaikan alue", "Vuosi", "Pendelöinti", "Koulutusaste", "Tiedot", "Ikä"]
    assert _total(home, "Mikkeli", "2021", "Työpaikan alue") == 18600


def test_115b_export_keeps_code_and_text_as_exported(commuting):
    df = pxexcel.read(commuting / "vaestorakenne.xlsx")
    assert df.attrs["table"] == "001_115b_2021"
    assert [d["code"] for d in df.attrs["dimensions"]] == ["Alue", "Vuosi", "Ikä", "Tiedot", "Pääasiallinen toiminta"]
    assert df["Alue"].iloc[0] == "005 Alajärvi"
    assert df.attrs["updated"] == "2022-12-13T08:00"


def test_an_edited_workbook_is_refused_with_the_cell(commuting):
    # The recorded 11ra workbook has a hand-added AVERAGE formula column (PROVENANCE.md).
    with pytest.raises(ParseError, match=r"sheet '001_11ra_2022', cell AI4: a formula '=AVERAGE\(B4:AH4\)'"):
        pxexcel.read(commuting / "Vakilukuja.xlsx")


def test_a_hidden_single_contents_variable_gets_its_category(commuting, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(commuting / "Vakilukuja.xlsx")
    book.worksheets[0].delete_cols(35)  # remove the hand-added AVERAGE column
    clean = tmp_path / "11ra.xlsx"
    book.save(clean)
    df = pxexcel.read(clean)
    assert [(d["code"], len(d["categories"])) for d in df.attrs["dimensions"]] == [
        ("Alue", 309), ("Tiedot", 1), ("Vuosi", 33)]
    assert df["Tiedot"].iloc[0] == "Väestö 31.12."
    mikkeli = df[(df["Alue"] == "Mikkeli") & (df["Vuosi"] == "2022")]["value"]
    assert mikkeli.tolist() == [51980.0]  # PROVENANCE.md: Mikkeli 2022 = 51,980


def test_not_a_pxweb_export_is_refused(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["nimi", "arvo"])
    book.active.append(["a", 1])
    path = tmp_path / "x.xlsx"
    book.save(path)
    with pytest.raises(ParseError, match="cell A1: not a PxWeb Excel export"):
        pxexcel.read(path)
    path.write_bytes(b"not a workbook")
    with pytest.raises(ParseError, match="not a readable .xlsx"):
        pxexcel.read(path)

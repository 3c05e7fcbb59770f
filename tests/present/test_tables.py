"""Tests of punos_lib.present.tables against hand-computed values and recorded real statistics."""

from __future__ import annotations

import pandas as pd
import pytest

from punos_lib.errors import InputError
from punos_lib.present import tables

from analysis_frames import PROV_A, with_provenance


def test_for_display_headings_and_rounding():
    frame = with_provenance(pd.DataFrame({"area_name": ["A"], "jobs": [12.0], "change_pct": [1.26]}), PROV_A)
    out = tables.for_display(frame)
    assert list(out.columns) == ["Alue", "Työpaikat", "Muutos, %"]
    assert out["Muutos, %"].iloc[0] == pytest.approx(1.3)
    assert out.attrs["provenance"]["synthetic"] is True
    assert list(tables.for_display(frame, rename={"jobs": "Työpaikkoja"}).columns)[1] == "Työpaikkoja"


def test_for_display_words_for_flags_and_codes():
    frame = pd.DataFrame({"measure": ["uudet_opiskelijat", "muu"], "is_region": [True, False]})
    out = tables.for_display(frame)
    assert out["Mittari"].tolist() == ["Uudet opiskelijat", "muu"]
    assert out["Tarkasteltava alue"].tolist() == ["kyllä", ""]


def test_pivot_columns_get_flattened_finnish_headings():
    # Issue 10, Table 15: "uudet_opiskelijat:tutkinnot: ammatillinen" headers reached the reader.
    frame = pd.DataFrame({"field_name": ["Kasvatusalat"], "uudet_opiskelijat: ammatillinen": [230.0],
                          "tutkinnot: amk": [18.0], "yhteensä: tutkinnot": [207.0]})
    out = tables.for_display(frame, rename=tables.LABOUR_HEADINGS)
    assert list(out.columns) == ["Koulutusala", "Uudet opiskelijat, ammatillinen",
                                 "Tutkinnot, AMK", "Tutkinnot yhteensä"]
    assert not any("_" in c or ": " in c for c in out.columns)
    assert tables.heading("muu: sarake") == "muu: sarake"


def test_for_display_records_headings_and_digits():
    frame = pd.DataFrame({"area_name": ["A"], "jobs": [12.0], "location_quotient": [1.23456], "rank": [3]})
    out = tables.for_display(frame, decimals=2)
    assert out.attrs["headings"] == {"area_name": "Alue", "jobs": "Työpaikat",
                                     "location_quotient": "Sijaintiosamäärä", "rank": "Sija"}
    assert out.attrs["decimals"] == {"Työpaikat": 0, "Sijaintiosamäärä": 2, "Sija": 0}


def test_for_display_refuses_two_columns_with_one_heading():
    frame = pd.DataFrame({"section_name": ["A"], "industry_name": ["B"]})
    with pytest.raises(InputError, match="Toimiala"):
        tables.for_display(frame)
    assert list(tables.for_display(frame, rename={"industry_name": "Toimiala (TOL 2)"}).columns) == [
        "Toimiala", "Toimiala (TOL 2)"]


def test_download_frame_uses_the_shown_headings_and_digits():
    data = pd.DataFrame({"industry": ["02"], "industry_name": ["Metsätalous"], "jobs": [1285.0],
                         "location_quotient": [1.9495206502], "region_share": [2.6116824519],
                         "label": ["02 Metsätalous"]})
    shown = tables.for_display(data.drop(columns="label"), decimals=2)
    out = tables.download_frame(data, shown)
    assert list(out.columns) == ["Toimialakoodi", "Toimiala", "Työpaikat", "Sijaintiosamäärä",
                                 "Osuus alueella, %"]
    assert out.iloc[0].tolist() == ["02", "Metsätalous", 1285.0, 1.95, 2.61]
    flags = tables.download_frame(pd.DataFrame({"area_name": ["A", "B"], "is_region": [True, False]}))
    assert flags["Tarkasteltava alue"].tolist() == ["kyllä", ""]
    assert data["location_quotient"].iloc[0] == 1.9495206502  # the analysis frame is untouched


def test_download_frame_of_figure_data_keeps_four_significant_digits():
    data = pd.DataFrame({"year": [2024, 2025], "tightness": [0.0123456, 0.5], "jobs": [10.0, 20.0],
                         "value": [123.456789, 1.0]})
    out = tables.download_frame(data)
    assert list(out.columns) == ["Vuosi", "Kireys (avoimet / työttömät)", "Työpaikat", "Arvo"]
    assert out["Kireys (avoimet / työttömät)"].tolist() == [0.0123, 0.5]
    assert out["Arvo"].tolist() == [123.5, 1.0]
    assert out["Työpaikat"].tolist() == [10.0, 20.0] and out["Vuosi"].tolist() == [2024, 2025]


def test_column_widths_keep_words_whole_and_fit():
    header = ["Toimija", "Peruste", "Yhteyksiä"]
    rows = [["Etelä-Savon maakuntaliitto", "oletus: TE-toimiston tehtävät siirtyivät työllisyysalueille "
             "vuonna 2025; vahvistettava", "24"]]
    widths = tables.column_widths(header, rows, [False, False, True], available=62)
    assert sum(widths) <= 62.5
    # No column is narrower than its longest word ("työllisyysalueille", "Etelä-Savon" …).
    assert widths[0] >= len("maakuntaliitto") and widths[1] >= len("työllisyysalueille")
    # The long description wraps first; the name keeps its line when there is room.
    assert widths[0] == len("Etelä-Savon maakuntaliitto")
    assert widths[2] == 10  # "Yhteyksiä" in bold: 9 × 1.1 characters
    # Too narrow for the words: the minima, for the caller to shrink the font.
    tight = tables.column_widths(header, rows, [False, False, True], available=10)
    assert tight == [float(len("maakuntaliitto")), float(len("työllisyysalueille")), 10.0]
    with pytest.raises(InputError):
        tables.column_widths(["a"], [["1", "2"]], [True], available=10)


def test_web_addresses_break_at_slashes_and_do_not_widen_their_column():
    url = "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/vaerak/11re.px"
    widths = tables.column_widths(["Linkki"], [[url]], [False], available=20)
    assert widths == [float(tables.LONG_WORD)]
    broken = tables.breakable(url)
    assert broken.replace("\u200b", "") == url
    assert max(len(part) for part in broken.split("\u200b")) < tables.LONG_WORD
    assert tables.breakable("Etelä-Savon maakuntaliitto") == "Etelä-Savon maakuntaliitto"

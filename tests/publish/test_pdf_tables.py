"""The PDF's tables (punos_lib.publish.pdf): column widths, alignment, font size, page breaks."""

from __future__ import annotations

import re

import pandas as pd

from punos_lib.publish import pdf
from punos_lib.study import table_html


def _typst(frame: pd.DataFrame) -> str:
    parser = pdf._TableParser()
    parser.feed(table_html(frame, caption="T"))
    return pdf._typst_table(parser, ", numbering: none", ', caption: "T"', "<tbl-t>")


def _widths(source: str) -> list[float]:
    columns = re.search(r"columns: \(([^)]*)\)", source).group(1)
    return [float(w) for w in re.findall(r"([\d.]+)pt", columns)]


def test_text_columns_get_room_numbers_align_right_and_nothing_exceeds_the_page():
    # Issue 10: region names were hyphenated in narrow columns ("Pohjois-Kar-jala") and numbers centred.
    frame = pd.DataFrame({"Alue": ["Pohjois-Karjala", "Etelä-Savo"], "Väkiluku 2025": [161418, 128144],
                          "Väestönmuutos, % 2015–2025": [-4.1, -9.5]})
    source = _typst(frame)
    assert "align: (left, right, right,)" in source
    widths = _widths(source)
    size = float(re.search(r"text\(size: ([\d.]+)pt", source).group(1))
    assert size == 8.5
    # The name column holds "Pohjois-Karjala" on one line: 15 characters at 0.47 em plus the inset.
    assert widths[0] >= 15 * 0.47 * size + 10
    assert sum(widths) <= pdf._TEXT_WIDTH_PT
    assert source.startswith("#block(breakable: false, width: 100%)[#figure(")
    assert source.endswith("<tbl-t>]")


def test_codes_stay_left_aligned_in_study_tables():
    frame = pd.DataFrame({"Toimialakoodi": ["02", "01"], "Toimiala": ["Metsätalous", "Kasvinviljely"],
                          "Työpaikat": [1285, 1541]})
    assert "align: (left, left, right,)" in _typst(frame)


def test_wide_table_gets_a_smaller_font_and_still_fits():
    headings = [f"Hyvin pitkä sarakeotsikko numero {i}, vuonna 2025" for i in range(8)]
    frame = pd.DataFrame({h: [1234567.5] for h in headings})
    source = _typst(frame)
    size = float(re.search(r"text\(size: ([\d.]+)pt", source).group(1))
    assert size < 8.5
    assert sum(_widths(source)) <= pdf._TEXT_WIDTH_PT


def test_long_table_breaks_across_pages_with_its_header():
    frame = pd.DataFrame({"Toimiala": [f"Toimiala {i}" for i in range(40)], "Työpaikat": range(40)})
    source = _typst(frame)
    assert not source.startswith("#block(breakable: false")
    assert "table.header(" in source
    template = (pdf.Path(pdf.__file__).parent / "templates" / "book.typ").read_text(encoding="utf-8")
    # The caption of a long table sticks to it (never alone at the foot of a page).
    assert "#show figure.caption.where(kind: table): set block(sticky: true)" in template

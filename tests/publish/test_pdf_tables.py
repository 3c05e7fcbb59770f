"""The PDFs' tables (punos_lib.publish.typst_tables): column widths, alignment, font size, page breaks,
the example-data mark and the source line, for the built-in PDF and Quarto's."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from punos_lib.present import tables
from punos_lib.publish import pdf, quarto, typst_tables
from punos_lib.publish.typst_tables import (BUILTIN_TEXT_WIDTH_PT, QUARTO_TEXT_WIDTH_PT, TableParser,
                                            typst_table)
from punos_lib.study import output_metadata, table_html, table_markdown

WIDTHS = [BUILTIN_TEXT_WIDTH_PT, QUARTO_TEXT_WIDTH_PT]


def _parsed(frame: pd.DataFrame, **kw) -> TableParser:
    parser = TableParser()
    parser.feed(table_html(frame, caption="T", **kw))
    return parser


def _typst(frame: pd.DataFrame) -> str:
    return pdf._typst_table(_parsed(frame), ", numbering: none", ', caption: "T"', "<tbl-t>")


def _widths(source: str) -> list[float]:
    columns = re.search(r"columns: \(([^)]*)\)", source).group(1)
    return [float(w) for w in re.findall(r"([\d.]+)pt", columns)]


def _size(source: str) -> float:
    return float(re.search(r"text\(size: ([\d.]+)pt, table", source).group(1))


def test_text_columns_get_room_numbers_align_right_and_nothing_exceeds_the_page():
    # Issue 10: region names were hyphenated in narrow columns ("Pohjois-Kar-jala") and numbers centred.
    frame = pd.DataFrame({"Alue": ["Pohjois-Karjala", "Etelä-Savo"], "Väkiluku 2025": [161418, 128144],
                          "Väestönmuutos, % 2015–2025": [-4.1, -9.5]})
    source = _typst(frame)
    assert "align: (left, right, right,)" in source
    widths = _widths(source)
    size = _size(source)
    assert size == 8.5
    # The name column holds "Pohjois-Karjala" on one line: 15 characters at 0.47 em plus the inset.
    assert widths[0] >= 15 * 0.47 * size + 10
    assert sum(widths) <= BUILTIN_TEXT_WIDTH_PT
    # A short table is kept on one page with its caption, inside the figure.
    assert source.startswith("#figure([\n#block(breakable: false)[\n")
    assert source.endswith("<tbl-t>")


def test_codes_stay_left_aligned_in_study_tables():
    frame = pd.DataFrame({"Toimialakoodi": ["02", "01"], "Toimiala": ["Metsätalous", "Kasvinviljely"],
                          "Työpaikat": [1285, 1541]})
    assert "align: (left, left, right,)" in _typst(frame)


@pytest.mark.parametrize("text_width", WIDTHS)
def test_wide_table_gets_a_smaller_font_and_still_fits(text_width: float):
    headings = [f"Hyvin pitkä sarakeotsikko numero {i}, vuonna 2025" for i in range(8)]
    frame = pd.DataFrame({h: [1234567.5] for h in headings})
    source = typst_table(_parsed(frame), text_width_pt=text_width).content
    assert _size(source) < 8.5
    assert sum(_widths(source)) <= text_width


@pytest.mark.parametrize("text_width", WIDTHS)
def test_no_word_of_a_cell_is_broken(text_width: float):
    # Issue 10: Quarto's PDF broke short words in narrow columns ("Saa-ta-vuus", "raja-pin-ta").
    # Every column is at least as wide as its longest word at the table's font size.
    frame = pd.DataFrame({
        "Tietolähde": ["Työnhakijat, työttömät ja avoimet työpaikat kuukauden lopussa alueittain (12r5)"] * 3,
        "Tuottaja": ["Tilastokeskus / KEHA-keskus (työnvälitystilasto)"] * 3,
        "Tyyppi": ["rekisteri", "laadullinen ennakointi", "verkkopalvelu"],
        "Aluetaso": ["koko maa, maakunta, ELY-/elinvoimakeskusalue, seutukunta, kunta"] * 3,
        "Saatavuus": ["rajapinta", "ladattava tiedosto", "vain verkkosivu"],
        "Lisenssi": ["ei avointa lisenssiä – tarkista käyttöehdot"] * 3,
        "Linkki": ["https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__tyonv/statfin_tyonv_pxt_12r5.px/"] * 3,
    })
    source = typst_table(_parsed(frame), text_width_pt=text_width).content
    size, widths = _size(source), _widths(source)
    assert sum(widths) <= text_width + 0.5
    # As the last resort (this table at Quarto's width), words longer than 12 letters get soft
    # hyphens at Finnish syllable breaks; shorter ones never.
    cap = typst_tables.TABLE_SIZES_PT[-1][2] if "\u00ad" in source else None
    assert (cap is not None) == (text_width == QUARTO_TEXT_WIDTH_PT)
    for column, width in zip(frame.columns, widths):
        longest = max(min(tables.word_width(w), cap or 99) for v in frame[column] for w in str(v).split())
        assert width - typst_tables.INSET_PT >= longest * tables.CHAR_EM * size, column
    for word in re.findall(r"[^\W\d_\u00ad]+(?:\u00ad[^\W\d_]+)+", source):
        assert len(word.replace("\u00ad", "")) > 12 and min(map(len, word.split("\u00ad"))) >= 2, word
    # Table text is never hyphenated or justified (the rules of both PDFs).
    assert "#show table: set text(hyphenate: false)" in typst_tables.QUARTO_TABLE_RULES
    book = (Path(pdf.__file__).parent / "templates" / "book.typ").read_text(encoding="utf-8")
    assert "#show table: set text(hyphenate: false)" in book


def test_long_table_breaks_across_pages_with_its_header():
    frame = pd.DataFrame({"Toimiala": [f"Toimiala {i}" for i in range(40)], "Työpaikat": range(40)})
    source = _typst(frame)
    assert "block(breakable: false)" not in source
    assert "table.header(" in source
    # A row is never split between pages.
    assert "#set table.cell(breakable: false)" in source
    template = (pdf.Path(pdf.__file__).parent / "templates" / "book.typ").read_text(encoding="utf-8")
    # The caption of a long table sticks to it (never alone at the foot of a page).
    assert "#show figure.caption.where(kind: table): set block(sticky: true)" in template
    assert 'figure.caption.where(kind: "quarto-float-tbl"): set block(sticky: true)' in typst_tables.QUARTO_TABLE_RULES


def test_a_table_of_few_but_tall_rows_breaks_across_pages():
    # The built-in PDF kept 21 rows of wrapped descriptions on one page: taller than the page,
    # they ran over its foot.
    text = "Tilastokeskuksen luokitusrajapinta (luokitukset ja vastaavuudet), kunnat ja alueet " * 3
    frame = pd.DataFrame({"Aineisto": [text] * 21, "Tunnus": [f"tunnus_{i}" for i in range(21)],
                          "Lähde": [text] * 21})
    table = typst_table(_parsed(frame), text_width_pt=BUILTIN_TEXT_WIDTH_PT)
    assert table.rows == 21 and table.height_pt > typst_tables.SHORT_TABLE_HEIGHT_PT
    assert not table.short and "block(breakable: false)" not in table.content
    few = typst_table(_parsed(frame.head(3)), text_width_pt=BUILTIN_TEXT_WIDTH_PT)
    assert few.short and few.content.startswith("#block(breakable: false)[")


def test_soft_hyphens_follow_the_finnish_syllable_rule():
    hyphenate = typst_tables._soft_hyphens
    assert hyphenate("Väestöruututietokannan", 12).split("\u00ad") == ["Väes", "tö", "ruu", "tu", "tie", "to", "kan", "nan"]
    assert hyphenate("(työnvälitystilasto)", 12) == "(työn\u00advä\u00adli\u00adtys\u00adti\u00adlas\u00adto)"
    assert hyphenate("Tilastokeskus rajapinta", 13) == "Tilastokeskus rajapinta"   # no word longer than 13


def test_wrapped_lines_counts_a_greedy_word_wrap():
    assert typst_tables._wrapped_lines("koko maa, maakunta, kunta", 10) == 3  # "koko maa," "maakunta," "kunta"
    assert typst_tables._wrapped_lines("koko maa", 8) == 1
    assert typst_tables._wrapped_lines("", 5) == 1


def test_example_mark_and_source_line_go_with_the_table():
    frame = pd.DataFrame({"Ikä": ["15–49", "70–"], "Poistuma-aste, %": [0.3, 100.0]})
    parser = _parsed(frame, synthetic=True, source="Lähde: Punos-hankkeen oletus")
    assert parser.demo.startswith("ESIMERKKIAINEISTO") and parser.source == "Lähde: Punos-hankkeen oletus"
    source = typst_table(parser, text_width_pt=QUARTO_TEXT_WIDTH_PT).content
    mark = source.index(f'"{parser.demo}"')
    assert mark < source.index("table(columns") < source.index('"Lähde: Punos-hankkeen oletus"')
    # The mark sticks to the table (never alone at a page foot) and neither wraps word by word
    # under a narrow table: both are at least half the page wide.
    assert "sticky: true" in source[:mark]
    for width in re.findall(r"#block\(width: ([\d.]+)pt", source):
        assert float(width) >= QUARTO_TEXT_WIDTH_PT / 2
    plain = typst_table(_parsed(frame), text_width_pt=QUARTO_TEXT_WIDTH_PT).content
    assert "ESIMERKKI" not in plain and "Lähde" not in plain


def _notebook(tmp_path: Path, outputs: list[dict]) -> Path:
    nb = {"cells": [{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {},
                     "source": "#| label: tbl-x\n#| tbl-cap: \"X\"\nctx.show(frame, 'tbl-x')", "outputs": outputs}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "outputs" / "notebooks" / "x.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_quarto_pdf_gets_each_study_table_as_raw_typst(tmp_path: Path):
    # Quarto's PDF reads a table output's Markdown, its website the HTML: the staged notebook's
    # Markdown becomes the same Typst table as the built-in PDF's, set for Quarto's text width.
    frame = pd.DataFrame({"Saatavuus": ["rajapinta", "ladattava tiedosto"] * 20, "Lähteitä": range(40)})
    html_text = table_html(frame, caption="X", synthetic=True, source="Lähde: luettelo")
    other = "<table><tr><td>pandas</td></tr></table>"
    outputs = [
        {"output_type": "display_data", "metadata": output_metadata(True),
         "data": {"text/html": html_text, "text/markdown": table_markdown(frame, caption="X"), "text/plain": "x"}},
        {"output_type": "display_data", "metadata": {}, "data": {"text/html": other, "text/markdown": "| a |"}},
    ]
    notebook = _notebook(tmp_path, outputs)
    project = tmp_path / "project"
    staged = quarto._staged_notebook(notebook, project, tmp_path / "outputs")
    data = [o["data"] for o in json.loads(staged.read_text(encoding="utf-8"))["cells"][0]["outputs"]]
    assert data[0]["text/html"] == html_text                # the website is unchanged
    markdown = data[0]["text/markdown"]
    assert markdown.startswith("```{=typst}\n") and markdown.rstrip().endswith("```")
    parser = TableParser()
    parser.feed(html_text)
    assert typst_table(parser, text_width_pt=QUARTO_TEXT_WIDTH_PT).content in markdown
    assert sum(_widths(markdown)) <= QUARTO_TEXT_WIDTH_PT
    assert "ESIMERKKIAINEISTO" in markdown and "Lähde: luettelo" in markdown
    assert data[1] == {"text/html": other, "text/markdown": "| a |"}   # not a study table: left alone
    assert math.isclose(QUARTO_TEXT_WIDTH_PT, (21.0 - 2 * 3.0) / 2.54 * 72, abs_tol=0.1)


def test_a_printed_link_shows_its_whole_address():
    # The website names a link by its site; a printed page cannot be clicked, so the PDF prints
    # the whole address (breakable after "/").
    address = "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__vaerak/statfin_vaerak_pxt_11re.px/"
    parser = _parsed(pd.DataFrame({"Tietolähde": ["Väestörakenne (11re)"], "Linkki": [address]}))
    assert parser.rows[1][1] == "pxdata.stat.fi" and parser.links[1][1] == address
    source = typst_table(parser, text_width_pt=QUARTO_TEXT_WIDTH_PT).content
    assert f'link("{address}", text("{tables.breakable(address)}"))' in source


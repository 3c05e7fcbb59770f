"""Study tables as Typst, the same in both PDFs (the built-in renderer's and Quarto's).

A table output of ``ctx.show`` holds an HTML table (``study.table_html``). Both PDFs set it from
that HTML with :func:`typst_table`: column widths from the content for the page's text width (no
word is broken; long descriptions wrap), numbers right-aligned, a smaller font for a table too
wide for the page, the header rows repeated on every page, links kept, the example-data mark
above the table and its source line under it.

A short table (at most :data:`SHORT_TABLE_ROWS` rows) is kept on one page with its caption; a
long one may break across pages. The figure that holds the table must be breakable and its caption
sticky for that: the built-in template and :data:`QUARTO_TABLE_RULES` say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from punos_lib.present import tables
from punos_lib.publish._common import typst_string

__all__ = ["QUARTO_TABLE_RULES", "QUARTO_TEXT_WIDTH_PT", "SHORT_TABLE_ROWS", "BUILTIN_TEXT_WIDTH_PT",
           "TableParser", "TypstTable", "typst_table"]

#: The built-in PDF's text width: A4 less 2 × 2.5 cm margins, in points.
BUILTIN_TEXT_WIDTH_PT = 453.5
#: Quarto's PDF text width: its book template (orange-book) sets A4 with 3 cm side margins.
QUARTO_TEXT_WIDTH_PT = 425.2
#: A table cell's horizontal inset (both sides together), in points; the table sets it.
INSET_PT = 10.0
#: Font sizes tried for a table, largest first, each with the headings' words and the cells'
#: words whole (``None``) or hyphenated (Finnish rules) into pieces of at most so many
#: characters: the first at which the table fits. Cells are hyphenated only as the last resort,
#: and only their words longer than that (seven columns of long Finnish words do not fit the
#: page otherwise).
TABLE_SIZES_PT: tuple[tuple[float, int | None, int | None], ...] = (
    (8.5, None, None), (7.5, None, None), (7.5, 9, None), (6.5, 9, None), (6.5, 6, None), (6.5, 6, 12))
#: A table of at most this many rows, and at most :data:`SHORT_TABLE_HEIGHT_PT` tall, is kept on
#: one page with its caption; a longer one breaks across pages (an unbreakable table taller than
#: the room left on a page ran over its foot).
SHORT_TABLE_ROWS = 25
SHORT_TABLE_HEIGHT_PT = 480.0
#: A table row's line pitch, in font sizes (Typst's default leading of 0.65 em, and the glyphs).
_LINE_PITCH = 1.35
#: A cell holding one number ("1 234", "−4,5", "12 %"), in the Finnish or the plain format.
_NUMBER = re.compile(r"^[−+-]?\d[\d\u202f\u00a0 ]*([,.]\d+)?\s?%?$")
_DEMO_COLOUR = 'rgb("#C00000")'

#: Rules for Quarto's PDF (its table floats are figures of kind ``quarto-float-tbl``), as the
#: built-in template has them for its own: a long table continues on the next page with its
#: header, its caption never stays alone at the foot of a page, and table text is neither
#: justified nor hyphenated.
QUARTO_TABLE_RULES = """\
#set table(stroke: (x, y) => if y == 0 { (bottom: 0.8pt) } else { (bottom: 0.3pt + luma(180)) })
#show figure.where(kind: "quarto-float-tbl"): set block(breakable: true)
#show figure.caption.where(kind: "quarto-float-tbl"): set block(sticky: true)
#show table: set text(hyphenate: false)
#show table: set par(justify: false)
"""


class TableParser(HTMLParser):
    """Rows of the first HTML table of an output as text, with the marks around it.

    Besides the cells it records whether the table is the study's own (``table_html``, which
    right-aligns its number columns), the example-data mark above it and the source line under it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        #: Per row, per cell: whether the cell is right-aligned (a number column of ``table_html``).
        self.right: list[list[bool]] = []
        #: Per row, per cell: the address the cell links to ("" for none; catalogue pages).
        self.links: list[list[str]] = []
        self.header_rows = 0
        #: Whether the table is the study's own (``table_html``), which right-aligns its number columns.
        self.study_table = False
        #: The example-data mark shown above the table ("" when the table shows real data).
        self.demo = ""
        #: The source line shown under the table ("" when there is none).
        self.source = ""
        self._cell: list[str] | None = None
        self._para: tuple[str, list[str]] | None = None
        self._in_head = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "style":
            self._skip += 1
        elif tag == "div" and "punos-table" in classes:
            self.study_table = True
        elif tag == "p" and ("punos-demo" in classes or "punos-source" in classes):
            self._para = ("demo" if "punos-demo" in classes else "source", [])
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self.rows.append([])
            self.right.append([])
            self.links.append([])
            if self._in_head:
                self.header_rows += 1
        elif tag in ("td", "th"):
            self._cell = []
            style = (dict(attrs).get("style") or "").replace(" ", "")
            if self.right:
                self.right[-1].append("text-align:right" in style)
                self.links[-1].append("")
        elif tag == "a" and self._cell is not None and self.links and self.links[-1]:
            href = dict(attrs).get("href") or ""
            if href.startswith("https://"):
                self.links[-1][-1] = href

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._skip -= 1
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "p" and self._para is not None:
            kind, parts = self._para
            setattr(self, kind, " ".join("".join(parts).split()))
            self._para = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._para is not None:
            self._para[1].append(data)


@dataclass(frozen=True)
class TypstTable:
    """A study table set in Typst: the content to put in a table figure, and its size."""

    #: Typst content (markup mode): the mark, the table and the source line.
    content: str
    #: Body rows (without the header rows).
    rows: int
    #: The table's estimated height in points (header and body rows).
    height_pt: float

    @property
    def short(self) -> bool:
        """Whether the table is kept on one page with its caption."""
        return self.rows <= SHORT_TABLE_ROWS and self.height_pt <= SHORT_TABLE_HEIGHT_PT


_VOWELS = set("aeiouyäöåAEIOUYÄÖÅ")
_FINNISH_WORD = re.compile(r"[^\W\d_]+")


def _soft_hyphens(text: str, longer_than: int) -> str:
    """``text`` with soft hyphens at the syllable breaks of its words longer than ``longer_than`` letters.

    The Finnish rule: a syllable starts at a consonant followed by a vowel ("Väes-tö-ruu-tu-tie-
    to-kan-nan"); both pieces keep at least two letters. Shorter words get no break point, so a
    column as wide as ``longer_than`` never breaks them.

    Examples
    --------
    >>> _soft_hyphens("Väestöruututietokannan ruudut", 12).replace("\u00ad", "-")
    'Väes-tö-ruu-tu-tie-to-kan-nan ruudut'
    """
    def word(match: re.Match[str]) -> str:
        w = match.group(0)
        if len(w) <= longer_than:
            return w
        cuts = [i for i in range(2, len(w) - 1)
                if w[i] not in _VOWELS and w[i + 1] in _VOWELS and any(ch in _VOWELS for ch in w[:i])]
        pieces = [w[a:b] for a, b in zip([0, *cuts], [*cuts, len(w)])]
        return "\u00ad".join(pieces)
    return _FINNISH_WORD.sub(word, text)


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide (greedy word wrap)."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def typst_table(parser: TableParser, *, text_width_pt: float) -> TypstTable:
    """The table ``parser`` read, set for a page ``text_width_pt`` points wide.

    Examples
    --------
    >>> from punos_lib.study import table_html
    >>> import pandas as pd
    >>> parser = TableParser()
    >>> parser.feed(table_html(pd.DataFrame({"Alue": ["Etelä-Savo"], "Väkiluku": [128144]}),
    ...                        source="Lähde: Tilastokeskus"))
    >>> table = typst_table(parser, text_width_pt=BUILTIN_TEXT_WIDTH_PT)
    >>> "align: (left, right,)" in table.content and "Lähde: Tilastokeskus" in table.content
    True
    """
    pairs = [(r, a) for r, a in zip(parser.rows, parser.right, strict=True) if r]
    hrefs = [h + [""] * (max(map(len, parser.rows)) - len(h)) for r, h in zip(parser.rows, parser.links) if r]
    rows = [r for r, _ in pairs]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # A printed page cannot be clicked: a link cell shows its whole address (the website shows
    # the site's name).
    rows = [[h or c for c, h in zip(r, hr)] for r, hr in zip(rows, hrefs)]
    n_head = min(max(parser.header_rows, 1), len(rows))
    body = rows[n_head:]
    flags = [a + [False] * (width - len(a)) for _, a in pairs][n_head:]
    # A number column: right-aligned by table_html (codes such as "02" are text there), or in
    # other HTML tables a column whose every cell is a number.
    if parser.study_table:
        numeric = [bool(body) and all(f[j] for f in flags) for j in range(width)]
    else:
        numeric = [bool(body) and all(_NUMBER.match(r[j]) for r in body if r[j] not in ("", "–"))
                   for j in range(width)]
    header = [" ".join(r[j] for r in rows[:n_head] if r[j]) for j in range(width)]
    size, pieces, cell_pieces, widths = TABLE_SIZES_PT[-1][0], None, None, [0.0] * width
    for size, pieces, cell_pieces in TABLE_SIZES_PT:
        char = size * tables.CHAR_EM
        available = (text_width_pt - (INSET_PT + 0.5 * char) * width) / char
        widths = tables.column_widths(header, body, numeric, available=available, header_word=pieces,
                                      cell_word=cell_pieces)
        if sum(widths) <= available:
            break
    # Half a character of slack per column for the estimate's error.
    points = [(w + 0.5) * size * tables.CHAR_EM + INSET_PT for w in widths]
    columns = ", ".join(f"{p:.1f}pt" for p in points)
    align = ", ".join("right" if n else "left" for n in numeric)
    lines = []
    for r_i, row in enumerate(rows):
        if r_i < n_head:
            # Headings hyphenate (Finnish rules) only when whole words would not fit.
            hyphenate = ', hyphenate: true' if pieces else ""
            lines.append(", ".join(f"text(weight: \"bold\"{hyphenate}, {typst_string(c)})" for c in row))
        else:
            shown = [tables.breakable(_soft_hyphens(c, cell_pieces) if cell_pieces else c) for c in row]
            lines.append(", ".join(
                f"link({typst_string(h)}, text({typst_string(c)}))" if h
                else f"text({typst_string(c)})" for c, h in zip(shown, hrefs[r_i])))
    # table.header repeats the heading rows when a long table continues on the next page.
    head = "table.header(" + ",\n  ".join(lines[:n_head]) + ")"
    table = (f"#text(size: {size}pt, table(columns: ({columns},), inset: {INSET_PT / 2:g}pt, align: ({align},), "
             f"{head},\n  " + ",\n  ".join(lines[n_head:]) + "))")
    # The table is centred; the mark above it and the source line under it start at its left
    # edge and may reach the page's right edge (a narrow table's would wrap word by word).
    table_w = sum(points)
    note_w = f"{max(table_w, (text_width_pt + table_w) / 2):.1f}pt"
    parts = []
    if parser.demo:
        parts.append(f"#block(width: {note_w}, below: 4pt, sticky: true, text(size: 8pt, weight: \"bold\", "
                     f"fill: {_DEMO_COLOUR}, {typst_string(parser.demo)}))")
    parts.append(table)
    if parser.source:
        parts.append(f"#block(width: {note_w}, above: 4pt, par(justify: false, "
                     f"text(size: 7.5pt, {typst_string(parser.source)})))")
    # A row is never split between two pages (a link cell continued alone on the next page).
    content = ("#set table.cell(breakable: false)\n"
               f"#align(center, block(width: {table_w:.1f}pt)[\n#set align(left)\n" + "\n".join(parts) + "\n])")
    height = 0.0
    for r_i, row in enumerate(rows):
        # A heading's bold characters are wider: fewer of them fit on a line.
        scale = tables.BOLD if r_i < n_head else 1.0
        lines = max(_wrapped_lines(c, w / scale) for c, w in zip(row, widths))
        height += lines * _LINE_PITCH * size + INSET_PT
    result = TypstTable(content=content, rows=len(body), height_pt=round(height, 1))
    if result.short:
        return replace(result, content=f"#block(breakable: false)[\n{content}\n]")
    return result

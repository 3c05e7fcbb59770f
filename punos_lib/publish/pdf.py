"""The built-in renderer's PDF: the whole book as one Typst document compiled with the ``typst`` package.

The demo banner opens each chapter that shows example data, and the title page names those
chapters (with the banner) when there are any.

The PDF is compiled with a fixed timestamp and no document date, so identical inputs give identical bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from string import Template

from punos_lib._atomic import atomic_write_bytes
from punos_lib.errors import PublishError
from punos_lib.publish._common import pandoc, template, typst_string
from punos_lib.publish.book import DEMO_BANNER, Book
from punos_lib.publish.chapters import Chapter, Embed
from punos_lib.publish.cover import Cover
from punos_lib.publish.embeds import Notebooks, Output, shows_example
from punos_lib.publish.markdown import Target, chapter_markdown
from punos_lib.publish.numbering import KINDS, Numbered, Numbers
from punos_lib.present import tables

__all__ = ["render_pdf"]

_FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


class _TableParser(HTMLParser):
    """Rows of the first HTML table (pandas' ``to_html``) as text, for the Typst version."""

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
        self._cell: list[str] | None = None
        self._in_head = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self._skip += 1
        elif tag == "div" and "punos-table" in (dict(attrs).get("class") or "").split():
            self.study_table = True
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

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)


_typst_str = typst_string



#: The PDF's text width (A4 less 2 × 2.5 cm margins) and a table cell's horizontal inset, in points.
_TEXT_WIDTH_PT = 453.5
_INSET_PT = 10.0
#: Font sizes tried for a table, largest first, each with the headings' words whole (``None``) or
#: hyphenated into pieces of at most so many characters: the first at which the table fits.
_TABLE_SIZES_PT: tuple[tuple[float, int | None], ...] = ((8.5, None), (7.5, None), (7.5, 9), (6.5, 9), (6.5, 6))
#: A cell holding one number ("1 234", "−4,5", "12 %"), in the Finnish or the plain format.
_NUMBER = re.compile(r"^[−+-]?\d[\d\u202f\u00a0 ]*([,.]\d+)?\s?%?$")
#: A table of at most this many rows is kept on one page with its caption.
_UNBREAKABLE_ROWS = 25


def _typst_table(parser: _TableParser, numbering: str, caption: str, label: str) -> str:
    """A study table as a Typst figure: column widths from the content, numbers right-aligned.

    Text columns get the room (no word is broken; long descriptions wrap), the font is made
    smaller for a table too wide for the page, the header rows repeat on every page, and a short
    table is kept on one page with its caption (a long one has a caption that sticks to it).
    """
    pairs = [(r, a) for r, a in zip(parser.rows, parser.right, strict=True) if r]
    hrefs = [h + [""] * (max(map(len, parser.rows)) - len(h)) for r, h in zip(parser.rows, parser.links) if r]
    rows = [r for r, _ in pairs]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
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
    size, pieces, widths = 8.5, None, [0.0] * width
    for size, pieces in _TABLE_SIZES_PT:
        char = size * tables.CHAR_EM
        available = (_TEXT_WIDTH_PT - (_INSET_PT + 0.5 * char) * width) / char
        widths = tables.column_widths(header, body, numeric, available=available, header_word=pieces)
        if sum(widths) <= available:
            break
    # Half a character of slack per column for the estimate's error.
    columns = ", ".join(f"{(w + 0.5) * size * tables.CHAR_EM + _INSET_PT:.1f}pt" for w in widths)
    align = ", ".join("right" if n else "left" for n in numeric)
    lines = []
    for r_i, row in enumerate(rows):
        if r_i < n_head:
            # Headings hyphenate (Finnish rules) only when whole words would not fit.
            hyphenate = ', hyphenate: true' if pieces else ""
            lines.append(", ".join(f"text(weight: \"bold\"{hyphenate}, {_typst_str(c)})" for c in row))
        else:
            lines.append(", ".join(
                f"link({_typst_str(h)}, text({_typst_str(tables.breakable(c))}))" if h
                else f"text({_typst_str(tables.breakable(c))})" for c, h in zip(row, hrefs[r_i])))
    # table.header repeats the heading rows when a long table continues on the next page.
    head = "table.header(" + ",\n  ".join(lines[:n_head]) + ")"
    table = (f"text(size: {size}pt, table(columns: ({columns},), align: ({align},), {head},\n  "
             + ",\n  ".join(lines[n_head:]) + "))")
    figure = f"#figure({table}, kind: table{numbering}{caption}) {label}"
    if len(body) <= _UNBREAKABLE_ROWS:
        return f"#block(breakable: false, width: 100%)[{figure}]"
    return figure


def _typst_embed(emb: Embed, out: Output, num: Numbered, build: Path) -> str:
    label = f"<{num.anchor}>"
    if out.kind == "missing":
        return f"#missing-part({_typst_str(out.data)}) {label}"
    numbering = f', supplement: [{KINDS[num.kind]}], numbering: (..n) => "{num.number}"' if num.kind else ", numbering: none"
    caption = f", caption: {_typst_str(out.caption)}" if out.caption else ""
    if out.kind in ("png", "svg"):
        # Vector figures in the PDF: the SVG when the notebook displayed one (sharp at any zoom,
        # text as outlines), the PNG only for outputs that have nothing else.
        kind = "svg" if out.svg or out.kind == "svg" else "png"
        name = f"{out.run_id}-{emb.label}.{kind}"
        if kind == "svg":
            data = (out.svg or out.data).encode("utf-8")
        else:
            data = base64.b64decode(out.data)
        target = build / "figures" / name
        atomic_write_bytes(target, data)
        alt = f", alt: {_typst_str(out.alt or out.caption)}" if (out.alt or out.caption) else ""
        return (f'#figure(image("figures/{name}", width: 100%{alt}), kind: image{numbering}{caption}) {label}')
    if out.kind == "html":
        parser = _TableParser()
        parser.feed(out.data)
        if any(parser.rows):
            return _typst_table(parser, numbering, caption, label)
        content = _typst_str(re.sub(r"<[^>]+>", " ", out.data))
    elif out.kind == "markdown":
        content = "[\n" + pandoc(out.data, "typst").strip() + "\n]"
    else:
        content = f"raw({_typst_str(out.data)}, block: true)"
    return f"#figure({content}, kind: table{numbering}{caption}) {label}"


def render_pdf(book: Book, chapters: Sequence[Chapter], numbers: Numbers, nbs: Notebooks,
               outputs: Path, synthetic: bool, cover: Cover | None = None) -> Path:
    """Compile the book into ``outputs/<output-file>.pdf`` (the Typst source stays in ``outputs/.publish/pdf``).

    The title page shows ``cover``'s publisher, date, version and data vintage under the title.
    """
    import typst

    build = outputs / ".publish" / "pdf"
    if build.exists():
        shutil.rmtree(build)
    target = Target(
        "typst",
        embed=lambda emb, out: _typst_embed(emb, out, numbers[emb], build),
        note=lambda note: f"#emph(text({_typst_str(note)}))",
        open_callout=lambda kind, title: f"#callout(kind: {_typst_str(kind)}, title: {_typst_str(title)})[",
        close_callout="]",
    )
    md: list[str] = []
    examples: list[str] = []
    in_appendix = False
    for ch in chapters:
        if ch.appendix and not in_appendix:
            in_appendix = True
            md += ["", "```{=typst}", "#counter(heading).update(0)",
                   '#set heading(numbering: "A.1", supplement: [Liite])', "```", ""]
        lines = chapter_markdown(ch, nbs, numbers, target)
        if synthetic and shows_example(ch, nbs):
            # the banner at the start of each chapter that shows example data, under its heading
            examples.append(ch.title)
            at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
            lines[at:at] = ["", "```{=typst}", "#demo-banner()", "```", ""]
        md += lines
        md.append("")
    body = pandoc("\n".join(md) + "\n", "typst")
    source = Template(template("book.typ")).safe_substitute(
        title=_typst_str(book.title)[1:-1], subtitle=_typst_str(book.subtitle)[1:-1],
        author=_typst_str(book.author)[1:-1], lang=book.lang[:2],
        banner=DEMO_BANNER if examples else "", example_parts=_typst_str(", ".join(examples))[1:-1], body=body,
        cover_details=", ".join(_typst_str(line) for line in (cover.details() if cover else [""])),
    )
    typ = build / f"{book.output_file}.typ"
    atomic_write_bytes(typ, source.encode("utf-8"))
    try:
        pdf = typst.compile(str(typ), root=str(build), timestamp=int(_FIXED_TIME.timestamp()),
                            ignore_system_fonts=True)
    except Exception as exc:  # typst raises its own error type with the source location
        raise PublishError(f"Typst could not compile {typ}: {exc}") from exc
    target = outputs / f"{book.output_file}.pdf"
    atomic_write_bytes(target, pdf)
    return target

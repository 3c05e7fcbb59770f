"""Reading a rendered website back as what a reader sees, to compare the two renderers.

:func:`read_site` parses every chapter page of a site (the built-in renderer's flat pages or
Quarto's ``study/…`` pages) into a :class:`Page`: the chapter title, the numbered figures and tables
with their captions, the cross-references, the download links (resolved against the site root) and
whether the demo banner (an element of class ``demo-banner``) is shown. Styling and other markup
are ignored. :func:`shows_example_data` says, from the executed notebooks alone, whether a chapter
embeds an output that shows example data, so a test can check that the banner is on exactly those
pages.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BANNER = "Esimerkkiaineisto – ei todellisia tilastoja"
_FLOAT = re.compile(r"^(Kuvio|Taulukko) ([0-9A-Z]+(?:\.[0-9]+)*)[.:]?\s*(.*)$", re.S)


@dataclass
class Page:
    """One chapter page as a reader sees it."""

    title: str = ""
    floats: list[tuple[str, str, str]] = field(default_factory=list)   # (Kuvio|Taulukko, "2.1", caption)
    references: list[str] = field(default_factory=list)               # "Kuvio 2.1", in text order
    downloads: list[str] = field(default_factory=list)                # site-relative paths
    notes: list[str] = field(default_factory=list)                    # "an earlier run is shown"
    missing: list[str] = field(default_factory=list)                  # "Osa puuttuu" placeholders
    banner: bool = False
    text: str = ""


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._stack: list[tuple[str, str]] = []    # (what is being collected, text so far)
        self._href: str | None = None
        self._downloads_depth = 0
        self._depth = 0
        self._skip = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        self._depth += 1
        if "demo-banner" in classes:
            self.page.banner = True  # the banner element itself, not the words (figure notes use them too)
        if tag in ("script", "style"):
            self._skip += 1
        if "chapter-number" in classes:
            self._stack.append(("skip", ""))        # "2" before Quarto's chapter title
        elif tag == "h1" and not self.page.title and not any(k == "title" for k, _ in self._stack):
            self._stack.append(("title", ""))
        elif tag == "figcaption" or (tag == "p" and "table-caption" in classes):
            self._stack.append(("caption", ""))
        elif tag == "a" and re.search(r"#(fig|tbl)-", a.get("href", "")):
            self._stack.append(("ref", ""))
        elif "stale-note" in classes:
            self._stack.append(("note", ""))
        elif "missing" in classes:
            self._stack.append(("missing", ""))
        else:
            self._stack.append(("", ""))
        if "downloads" in classes and not self._downloads_depth:
            self._downloads_depth = self._depth
        if tag == "a" and self._downloads_depth:
            self.page.downloads.append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        if self._depth == self._downloads_depth:
            self._downloads_depth = 0
        self._depth -= 1
        if not self._stack:
            return
        kind, text = self._stack.pop()
        if kind == "title":
            self.page.title = _clean(text)
        elif kind == "caption":
            m = _FLOAT.match(_clean(text))
            if m:
                self.page.floats.append((m.group(1), m.group(2), m.group(3)))
        elif kind == "ref":
            self.page.references.append(_clean(text))
        elif kind == "note":
            self.page.notes.append(_clean(text))
        elif kind == "missing":
            self.page.missing.append(_clean(text))
        if kind != "skip" and self._stack:
            # The text of an inner element belongs to the element around it too.
            outer, outer_text = self._stack[-1]
            self._stack[-1] = (outer, outer_text + text)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <img/>, <br/>: no text, nothing to close.
        pass

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._text.append(data)
        if self._stack:
            kind, text = self._stack[-1]
            self._stack[-1] = (kind, text + data)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VoidAware(_Reader):
    """HTML void elements never get an end tag; treat them as self-closed."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        super().handle_endtag(tag)


def read_page(path: Path, site: Path) -> Page:
    """Parse one page; download links become paths relative to ``site``."""
    reader = _VoidAware()
    reader.feed(path.read_text(encoding="utf-8"))
    page = reader.page
    base = posixpath.dirname(path.relative_to(site).as_posix())
    page.downloads = [posixpath.normpath(posixpath.join(base, h)) for h in page.downloads]
    page.text = _clean(" ".join(reader._text))
    return page


def read_site(site: Path, pages: list[str]) -> list[Page]:
    """The chapter ``pages`` (site-relative, in book order) of the site in ``site``."""
    return [read_page(site / p, site) for p in pages]


_EMBED = re.compile(r"\{\{<\s*embed\s+\"?([^\s\"#]+\.ipynb)#([\w-]+)\"?\s*>\}\}")
_INCLUDE = re.compile(r"\{\{<\s*include\s+\"?([^\s\"]+)\"?\s*>\}\}")


def embedded_cells(chapter: Path, outputs: Path, *, missing_ok: bool = False) -> Iterator[tuple[str, str, dict]]:
    """``(notebook, label, cell)`` for every cell ``chapter`` (a .qmd, its includes followed) embeds.

    The cells are read from the executed notebooks in ``outputs/notebooks``; a notebook that is
    not there is an error, or, with ``missing_ok``, yields nothing.
    """
    text = chapter.read_text(encoding="utf-8")
    for inc in _INCLUDE.findall(text):
        yield from embedded_cells(chapter.parent / inc, outputs, missing_ok=missing_ok)
    for notebook, label in _EMBED.findall(text):
        path = outputs / "notebooks" / Path(notebook).name
        if missing_ok and not path.is_file():
            continue
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if re.search(rf"^#\|\s*label:\s*{re.escape(label)}\s*$", source, re.M):
                yield path.name, label, cell


def shows_example_data(chapter: Path, outputs: Path) -> bool:
    """Whether ``chapter`` (a .qmd, its includes followed) embeds an output that shows example data.

    Read from the executed notebooks in ``outputs/notebooks``: an embedded cell's displayed outputs
    carry ``metadata.punos.synthetic``; an output that does not say counts as example data.
    """
    for _, _, cell in embedded_cells(chapter, outputs):
        shown = [o for o in cell.get("outputs", []) if o.get("output_type") in ("display_data", "execute_result")]
        flags = [(o.get("metadata") or {}).get("punos", {}).get("synthetic") for o in shown]
        known = [bool(f) for f in flags if f is not None]
        if shown and (any(known) if known else True):
            return True
    return False


def pdf_chapter_banners(pdf: Path, titles: list[str]) -> dict[str, bool]:
    """For each chapter title: whether the demo banner is the first thing under its heading in ``pdf``.

    The heading is the last line of the text (``pdftotext``) that is the chapter's number ("3",
    "3.", "A.", "Liite A —") and title (the outline prints numbers and titles apart), else the last
    line that is the title alone; the banner is the line right below it.
    """
    import subprocess

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    out = {}
    for title in titles:
        numbered = re.compile(rf"^(?:\d+\.?|[A-Z]\.?|Liite [A-Z] —) {re.escape(title)}$")
        found = ([i for i, line in enumerate(lines) if numbered.match(line)]
                 or [i for i, line in enumerate(lines) if line == title])  # a chapter without a number
        assert found, f"chapter heading {title!r} not found in {pdf.name}"
        out[title] = BANNER in " ".join(lines[found[-1] + 1:found[-1] + 2])
    return out


#: Developer words that readers must not meet outside the technical appendix ("Menetelmät ja
#: toistettavuus"): tool and module names, command lines, checksums, file formats of the build,
#: and the project's file paths (``data/catalogue.yaml``, ``data/actors/…``, any ``….yaml``):
#: reader pages name the information (tietolähdeluettelo, toimijarekisteri, foorumien kirjaukset).
DEVELOPER_WORDS = re.compile(
    r"papermill|punos_lib|\bpunos (?:fetch|bundle|demo|run|render|check|lab|forum|registry|snapshot)\b"
    r"|\bmake (?:study|test|install|quarto)\b|\bsha-?256\b|\bmanifest\b|\bsnapshot\b|\bCLI\b"
    r"|\.ipynb\b|\b\w+\.py\b|\brun\.json\b|\b[a-z]+(?:_[a-z0-9]+)+\("
    r"|(?<![\w/.-])data/[\w*.-]|\.ya?ml\b",
    re.IGNORECASE,
)


def developer_words(text: str) -> list[str]:
    """Each developer word in ``text`` with 40 characters around it (empty: none)."""
    return [text[max(0, m.start() - 40):m.end() + 40] for m in DEVELOPER_WORDS.finditer(text)]


#: A word of a table cell that must never be broken in a PDF: letters only, short enough that a
#: column always has room for it (a table too wide for the page hyphenates longer words as a
#: last resort, punos_lib.publish.typst_tables.TABLE_SIZES_PT).
_TABLE_WORD = re.compile(r"(?<![\w-])[^\W\d_]{5,12}(?![\w-])")


def embedded_table_words(chapters: list[Path], outputs: Path) -> dict[str, int]:
    """How often each short word occurs in the body cells of the study tables ``chapters`` embed.

    Read from the executed notebooks' HTML tables (``ctx.show``). A PDF whose text has a word fewer
    times than this has broken it in a table cell ("Saa-ta-vuus"): see :func:`broken_table_words`.
    """
    from collections import Counter

    from punos_lib.publish.embeds import notebook_text
    from punos_lib.publish.typst_tables import TableParser

    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for chapter in chapters:
        for notebook, label, cell in embedded_cells(chapter, outputs, missing_ok=True):
            if not label.startswith("tbl-") or (notebook, label) in seen:
                continue
            seen.add((notebook, label))
            for out in cell.get("outputs", []):
                html_text = notebook_text((out.get("data") or {}).get("text/html"))
                if "punos-table" not in html_text:
                    continue
                parser = TableParser()
                parser.feed(html_text)
                for row in [r for r in parser.rows if r][max(parser.header_rows, 1):]:
                    for value in row:
                        counts.update(_TABLE_WORD.findall(value))
    return dict(counts)


def pdf_text(pdf: Path) -> str:
    """The text of ``pdf`` (``pdftotext``)."""
    import subprocess

    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def broken_table_words(chapters: list[Path], outputs: Path, pdf: Path) -> list[str]:
    """Words of the embedded tables that ``pdf`` holds fewer times than the tables do: broken in a cell.

    A word is counted wherever it occurs in the PDF's text (the text extraction may join two cells
    without a space), so the body text can only hide a break, never invent one.
    """
    text = pdf_text(pdf)
    return sorted(w for w, n in embedded_table_words(chapters, outputs).items() if text.count(w) < n)

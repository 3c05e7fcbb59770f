"""Figure and table numbers, chapter by chapter as Quarto numbers a book, and cross-references.

Quarto numbers floats per chapter: "Kuvio 2.3" is the third figure of chapter 2, "Taulukko A.1" the
first table of appendix A. The book's front page (``index.qmd``, chapter 1 in the table of contents)
has no chapter prefix: "Taulukko 1". The built-in renderer gives the same numbers, so the study reads
the same with either engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from punos_lib.publish._common import located_error
from punos_lib.publish.chapters import Chapter, Embed, page_name

__all__ = ["KINDS", "Numbered", "Numbers", "cross_references"]

#: The Finnish names of numbered things, by label prefix.
KINDS = {"fig": "Kuvio", "tbl": "Taulukko"}
_REF = re.compile(r"(?<![\w@.])@((?:fig|tbl|sec|eq|lst|thm)-[\w-]*\w)")
_QMD_LINK = re.compile(r"\]\((?!\w+://)([^()\s#]+?)\.qmd(#[\w-]+)?\)")
_QMD_LINK_TEXT = re.compile(r"\[([^\]]*)\]\((?!\w+://)[^()\s#]+?\.qmd(?:#[\w-]+)?\)")


@dataclass
class Numbered:
    """The number ("" when unnumbered, else e.g. "2.3"), page and anchor of one embed."""

    label: str
    kind: str | None     # "fig" | "tbl" | None
    number: str
    page: str
    anchor: str          # HTML id / Typst label: the label, or label-<run id> when several notebooks share it


class Numbers:
    """Numbers and anchors of every embed, in book order; sector notebooks may share labels."""

    def __init__(self, chapters: Sequence[Chapter]) -> None:
        prefixes = _chapter_prefixes(chapters)
        counters: dict[tuple[int, str], int] = {}
        embeds = [(i, ch, it) for i, ch in enumerate(chapters) for it in ch.items if isinstance(it, Embed)]
        shared: dict[str, int] = {}
        for _, _, it in embeds:
            shared[it.label] = shared.get(it.label, 0) + 1
        self.by_embed: dict[tuple[Path, str], Numbered] = {}
        self.by_label: dict[str, list[Numbered]] = {}
        for i, ch, it in embeds:
            key = (it.notebook, it.label)
            if key in self.by_embed:
                raise located_error(it.file, it.line, f"'{it.label}' of {it.notebook.name} is embedded twice; embed each "
                           "output once")
            prefix = it.label.split("-", 1)[0]
            kind = prefix if prefix in KINDS else None
            number = ""
            if kind:
                counters[(i, kind)] = counters.get((i, kind), 0) + 1
                number = f"{prefixes[i]}{counters[(i, kind)]}"
            anchor = it.label if shared[it.label] == 1 else f"{it.label}-{it.notebook.stem}"
            n = Numbered(it.label, kind, number, ch.page, anchor)
            self.by_embed[key] = n
            self.by_label.setdefault(it.label, []).append(n)

    def __getitem__(self, embed: Embed) -> Numbered:
        return self.by_embed[(embed.notebook, embed.label)]


def _chapter_prefixes(chapters: Sequence[Chapter]) -> list[str]:
    """"2." for the second chapter, "A." for the first appendix, "" for the book's front page."""
    out = []
    main = appendix = 0
    for ch in chapters:
        if ch.appendix:
            appendix += 1
            out.append(f"{chr(ord('A') + appendix - 1)}.")
        else:
            main += 1
            out.append("" if ch.page == "index.html" else f"{main}.")
    return out


def cross_references(line: str, file: Path, no: int, numbers: Numbers, fmt: str) -> str:
    """``line`` with its ``@fig-``/``@tbl-`` references numbered and linked, for ``fmt`` "html" or "typst"."""
    def repl(m: re.Match[str]) -> str:
        label = m.group(1)
        found = numbers.by_label.get(label, [])
        if len(found) > 1:
            raise located_error(file, no, f"cross-reference @{label} is ambiguous: {len(found)} notebooks embed this label")
        n = found[0] if found else None
        if n is None or n.kind is None:
            what = "no figure or table with this label is embedded in the book" if label[:4] in ("fig-", "tbl-") \
                else "only @fig- and @tbl- references are supported without Quarto"
            raise located_error(file, no, f"cross-reference @{label}: {what}")
        text = f"{KINDS[n.kind]} {n.number}"
        if fmt == "html":
            return f"[{text}]({n.page}#{n.anchor})"
        return f"`#link(<{n.anchor}>)[{text}]`{{=typst}}"

    line = _REF.sub(repl, line)
    # Links between chapters name the .qmd source, as in Quarto: point them at the rendered page
    # (one flat folder), or keep only the text in the single-document PDF.
    if fmt == "html":
        return _QMD_LINK.sub(lambda m: f"]({page_name(m.group(1) + '.qmd')}{m.group(2) or ''})", line)
    return _QMD_LINK_TEXT.sub(r"\1", line)

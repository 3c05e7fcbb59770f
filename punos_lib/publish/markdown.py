"""A parsed chapter as the Pandoc Markdown that the built-in renderer converts to HTML or Typst.

The chapter's own text keeps its Markdown with cross-references resolved; embeds, callouts and notes
become raw blocks of the target format, which :class:`Target` describes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from punos_lib.publish.chapters import Chapter, Embed
from punos_lib.publish.embeds import Notebooks, Output
from punos_lib.publish.numbering import Numbers, cross_references

__all__ = ["Target", "chapter_markdown"]


@dataclass(frozen=True)
class Target:
    """What the website and the PDF write differently."""

    fmt: str                                        # "html" | "typst": raw blocks and cross-references
    embed: Callable[[Embed, Output], str]           # one embedded output
    note: Callable[[str], str]                      # "an earlier run is shown"
    open_callout: Callable[[str, str], str]         # (kind, title)
    close_callout: str


def _raw(fmt: str, block: str) -> list[str]:
    return ["", f"```{{={fmt}}}", block, "```", ""]


def chapter_markdown(chapter: Chapter, nbs: Notebooks, numbers: Numbers, target: Target) -> list[str]:
    """The lines of ``chapter`` for ``target``, embeds resolved from the executed notebooks."""
    md: list[str] = []
    noted: set[str] = set()
    for it in chapter.items:
        if isinstance(it, Embed):
            out = nbs.resolve(it)
            if out.note and out.run_id not in noted:
                # Once per chapter: the reader learns which run the notebook's parts come from.
                noted.add(out.run_id)
                md += _raw(target.fmt, target.note(out.note))
            if out.kind == "markdown" and not numbers[it].kind:
                # Text the notebook wrote in Markdown joins the chapter's own text, references too.
                md += ["", *(cross_references(line, it.file, it.line, numbers, target.fmt)
                             for line in out.data.splitlines()), ""]
                continue
            md += _raw(target.fmt, target.embed(it, out))
        elif it[0] == "open":
            md += _raw(target.fmt, target.open_callout(it[1], it[2]))
        elif it[0] == "close":
            md += _raw(target.fmt, target.close_callout)
        elif it[0] == "code":
            md.append(it[1])
        else:
            md.append(cross_references(it[1], it[2], it[3], numbers, target.fmt))
    return md

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
from punos_lib.publish.typst_tables import BUILTIN_TEXT_WIDTH_PT, TableParser, typst_table

__all__ = ["render_pdf"]

_FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


_typst_str = typst_string


def _typst_table(parser: TableParser, numbering: str, caption: str, label: str) -> str:
    """A study table as a Typst figure (:func:`~punos_lib.publish.typst_tables.typst_table`)."""
    table = typst_table(parser, text_width_pt=BUILTIN_TEXT_WIDTH_PT)
    return f"#figure([\n{table.content}\n], kind: table{numbering}{caption}) {label}"


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
        parser = TableParser()
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

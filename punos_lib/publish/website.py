"""The built-in renderer's website: one page per chapter, sidebar, previous/next links, local CSS,
figures and tables with CSV/XLSX download links, the demo banner on every page that shows example data
(an embedded output whose notebook recorded it as synthetic, or did not say)."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path
from string import Template

from punos_lib._atomic import atomic_write_bytes
from punos_lib.publish._common import pandoc, template
from punos_lib.publish.book import DEMO_BANNER, Book
from punos_lib.publish.chapters import Chapter, Embed
from punos_lib.publish.embeds import (DATA_KINDS, DOWNLOAD_TEXT, FIGURE_SVG_TEXT, Notebooks, Output, data_files,
                                      shows_example)
from punos_lib.publish.markdown import Target, chapter_markdown
from punos_lib.publish.numbering import KINDS, Numbered, Numbers

__all__ = ["render_html"]


def _html_embed(emb: Embed, out: Output, num: Numbered, site: Path, outputs: Path,
                warnings: list[str]) -> str:
    label = html.escape(num.anchor)
    prefix = f"{KINDS[num.kind]} {num.number}. " if num.kind else ""
    caption = html.escape(out.caption)
    cap_html = f'<span class="fig-number">{prefix}</span>{caption}' if (prefix or caption) else ""
    if out.kind == "missing":
        return f'<div class="missing" id="{label}">{html.escape(out.data)}</div>'
    if out.kind in ("png", "svg"):
        name = f"{out.run_id}-{emb.label}.{out.kind}"
        data = base64.b64decode(out.data) if out.kind == "png" else out.data.encode("utf-8")
        atomic_write_bytes(site / "figures" / name, data)
        # The alt text says what the figure shows (written from its data by ctx.show); the caption
        # is only the fallback for an output that has none.
        alt = html.escape(out.alt or out.caption)
        body = (f'<figure id="{label}"><img src="figures/{html.escape(name)}" alt="{alt}">'
                + (f"<figcaption>{cap_html}</figcaption>" if cap_html else "") + "</figure>")
        if out.svg and out.kind == "png":
            svg_name = f"{out.run_id}-{emb.label}.svg"
            atomic_write_bytes(site / "figures" / svg_name, out.svg.encode("utf-8"))
            figure_link = f'<a href="figures/{html.escape(svg_name)}">{FIGURE_SVG_TEXT}</a>'
        elif out.kind == "svg":
            figure_link = f'<a href="figures/{html.escape(name)}">{FIGURE_SVG_TEXT}</a>'
        else:
            figure_link = ""
    else:
        if out.kind == "html":
            inner = re.sub(r"<style[^>]*>.*?</style>", "", out.data, flags=re.S).strip()
            if cap_html:
                # The page gives the numbered caption; the notebook's own <caption> would repeat it.
                inner = re.sub(r"<caption[^>]*>.*?</caption>", "", inner, count=1, flags=re.S)
        elif out.kind == "markdown":
            inner = pandoc(out.data, "html5")
        else:
            inner = f"<pre>{html.escape(out.data)}</pre>"
        cap = f'<p class="table-caption">{cap_html}</p>' if cap_html else ""
        body = f'<div class="table-wrap" id="{label}">{cap}{inner}</div>'
        figure_link = ""
    links = []
    for src in data_files(outputs, out.run_id, emb.label):
        atomic_write_bytes(site / "tables" / out.run_id / src.name, src.read_bytes())
        links.append(f'<a href="tables/{html.escape(out.run_id)}/{html.escape(src.name)}">'
                     f'{src.suffix[1:].upper()}</a>')
    if links or figure_link:
        text = f'{DOWNLOAD_TEXT} {" · ".join(links)}' if links else ""
        text = " · ".join(t for t in (text, figure_link) if t)
        body += f'\n<p class="downloads">{text}</p>'
    # A figure or table without its data file is a gap; a sentence shown in its place (a region
    # with no records of its own) has no data to download.
    if not links and num.kind and out.kind in DATA_KINDS:
        warnings.append(f"{emb.file}:{emb.line}: no data file outputs/tables/{out.run_id}/{emb.label}.csv|.xlsx "
                        "to link for download")
    return body


def render_html(book: Book, chapters: Sequence[Chapter], numbers: Numbers,
                nbs: Notebooks, site: Path, outputs: Path, synthetic: bool, warnings: list[str],
                pdf_name: str | None = None) -> list[Path]:
    """Write the pages of ``chapters`` into ``site`` and return them in book order.

    With ``pdf_name`` every page's sidebar links the study PDF (copied into the site after it is built).

    Data files behind figures and tables are copied from ``outputs/tables/``; a numbered output
    without one adds a warning.
    """
    page_t = Template(template("page.html"))
    atomic_write_bytes(site / "style.css", (template("style.css") + "\n" + template("tables.css")).encode("utf-8"))
    pages = []
    for i, ch in enumerate(chapters):
        target = Target(
            "html",
            embed=lambda emb, out: _html_embed(emb, out, numbers[emb], site, outputs, warnings),
            note=lambda note: f'<p class="stale-note">{html.escape(note)}</p>',
            open_callout=lambda kind, title: (f'<div class="callout callout-{kind}"><p class="callout-title">'
                                              f"{html.escape(title)}</p>"),
            close_callout="</div>",
        )
        md = chapter_markdown(ch, nbs, numbers, target)
        # The banner only where an embedded output shows example data (or does not say).
        example = synthetic and shows_example(ch, nbs)
        body = pandoc("\n".join(md) + "\n", "html5")
        nav = _nav(chapters, ch)
        prev_link = (f'<a class="prev" href="{chapters[i - 1].page}">← {html.escape(chapters[i - 1].title)}</a>'
                     if i > 0 else "<span></span>")
        next_link = (f'<a class="next" href="{chapters[i + 1].page}">{html.escape(chapters[i + 1].title)} →</a>'
                     if i + 1 < len(chapters) else "<span></span>")
        text = page_t.substitute(
            lang=html.escape(book.lang),
            page_title=html.escape(ch.title if ch.page != "index.html" else book.title)
            + ("" if ch.page == "index.html" else f" – {html.escape(book.title)}"),
            banner=f'<div class="demo-banner" role="alert">{DEMO_BANNER}</div>\n' if example
            else "",
            book_title=html.escape(book.title), book_subtitle=html.escape(book.subtitle),
            nav=nav, body=body.strip(),
            pdf_link=(f'<p class="pdf-link"><a href="{html.escape(pdf_name)}">Lataa selvitys PDF-tiedostona</a></p>'
                      if pdf_name else ""), pager=f"{prev_link}\n{next_link}", author=html.escape(book.author),
        )
        path = site / ch.page
        atomic_write_bytes(path, text.encode("utf-8"))
        pages.append(path)
    return pages


def _nav(chapters: Sequence[Chapter], current: Chapter) -> str:
    def item(ch: Chapter) -> str:
        cls = ' class="current"' if ch is current else ""
        aria = ' aria-current="page"' if ch is current else ""
        return f'<li{cls}><a href="{ch.page}"{aria}>{html.escape(ch.title)}</a></li>'

    main = [item(c) for c in chapters if not c.appendix]
    apps = [item(c) for c in chapters if c.appendix]
    out = "<ol>\n" + "\n".join(main) + "\n</ol>"
    if apps:
        out += '\n<p class="nav-section">Liitteet</p>\n<ol type="A">\n' + "\n".join(apps) + "\n</ol>"
    return out

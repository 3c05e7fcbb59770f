"""The built-in renderer: the book rendered with pandoc (pypandoc-binary) and Typst, without Quarto.

It reads the chapters (:mod:`~punos_lib.publish.chapters`), numbers figures and tables through the
book (:mod:`~punos_lib.publish.numbering`), takes the embedded outputs from the executed notebooks
(:mod:`~punos_lib.publish.embeds`) and writes the website (:mod:`~punos_lib.publish.website`) and
the PDF (:mod:`~punos_lib.publish.pdf`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from punos_lib._atomic import atomic_write_bytes
from punos_lib.errors import PublishError
from punos_lib.publish._common import replace_dir
from punos_lib.publish.book import Book
from punos_lib.publish.chapters import parse_chapter
from punos_lib.publish.cover import Cover
from punos_lib.publish.generated import GENERATED_DIR
from punos_lib.publish.embeds import Notebooks
from punos_lib.publish.numbering import Numbers
from punos_lib.publish.pdf import render_pdf
from punos_lib.publish.provenance import RECORDS_FILE
from punos_lib.publish.report import RenderReport
from punos_lib.publish.website import render_html

__all__ = ["ENGINE", "copy_generated_files", "publish_pdf_copy", "render_builtin"]

ENGINE = "pandoc+typst"


def render_builtin(book: Book, formats: Sequence[str], outputs: Path, synthetic: bool,
                   warnings: list[str], cover: Cover | None = None) -> RenderReport:
    """Render ``book`` from the executed notebooks in ``outputs`` to ``outputs/site/`` and the PDF.

    The website links the PDF from every page and carries a copy of it (:func:`publish_pdf_copy`);
    ``cover`` is the PDF's title page (:mod:`~punos_lib.publish.cover`).

    Raises
    ------
    PublishError
        Two chapter files would become the same page, or a chapter, embed or reference is wrong
        (file and line named).
    """
    chapters = [parse_chapter(book, rel, outputs, False) for rel in book.chapters]
    chapters += [parse_chapter(book, rel, outputs, True) for rel in book.appendices]
    pages_seen: dict[str, Path] = {}
    for ch in chapters:
        if ch.page in pages_seen:
            raise PublishError(f"{ch.source} and {pages_seen[ch.page]} would both become {ch.page}; rename one")
        pages_seen[ch.page] = ch.source
    numbers = Numbers(chapters)
    nbs = Notebooks(outputs)
    report = RenderReport(engine=ENGINE, warnings=warnings)
    site = outputs / "site"
    pdf_name = f"{book.output_file}.pdf"
    links_pdf = "pdf" in formats or (outputs / pdf_name).is_file()
    if "html" in formats:
        # Build beside the old site and swap, so the site never mixes two builds or keeps stale files.
        outputs.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=outputs, prefix=".site-"))
        os.chmod(staging, 0o755)
        try:
            pages = render_html(book, chapters, numbers, nbs, staging, outputs, synthetic, report.warnings,
                                pdf_name if links_pdf else None)
            copy_generated_files(book, staging)
            replace_dir(staging, site)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        report.pages = [site / p.name for p in pages]
        report.site_index = site / "index.html"
    if "pdf" in formats:
        report.pdf = render_pdf(book, chapters, numbers, nbs, outputs, synthetic, cover)
    if "html" in formats:
        publish_pdf_copy(outputs / pdf_name, site)
    return report


def copy_generated_files(book: Book, site: Path) -> None:
    """Copy the generated appendix's download (the full provenance records) beside its page."""
    source = book.project / GENERATED_DIR / RECORDS_FILE
    if source.is_file():
        atomic_write_bytes(site / RECORDS_FILE, source.read_bytes())


def publish_pdf_copy(pdf: Path, site: Path) -> None:
    """Put the study PDF into the website (its pages link it), when there is one."""
    if pdf.is_file() and site.is_dir():
        atomic_write_bytes(site / pdf.name, pdf.read_bytes())

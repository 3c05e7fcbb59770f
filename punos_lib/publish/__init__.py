"""Publishing the study defined by ``_quarto.yml`` as a website and a PDF (``punos render``).

With a ``quarto`` executable (in ``QUARTO_PATH`` or on PATH) the project is rendered by
``quarto render`` (``engine="builtin"`` chooses the built-in renderer anyway). Without it the same book is rendered with pandoc (pypandoc-binary) and Typst
(the ``typst`` package), supporting the subset of Quarto the study uses:

- front matter ``title``; ``{{< include file >}}``; ``{{< embed nb.ipynb#label >}}`` (outputs of
  the cell whose source has ``#| label: <label>``, with ``#| fig-cap:`` / ``#| tbl-cap:``);
- cross-references ``@fig-x`` / ``@tbl-x`` → "Kuvio 3" / "Taulukko 2" (numbered through the book);
- callouts ``::: {.callout-note}`` (also tip, warning, caution, important; optional ``title="…"``);
- links to other chapters' ``.qmd`` files; executable ``{python}`` blocks are shown as code.

Before rendering (with either engine) the generated parts are written to ``study/_generated/``:
the provenance appendix ``liite-aineistot.qmd`` (and ``aineistot.md`` for including) from the
snapshot manifest, and chapter 7's per-sector text ``sectors.qmd``.

Anything else Quarto-specific is a :class:`~punos_lib.errors.PublishError` naming the chapter file
and line. A notebook whose run failed (``outputs/run.json``) shows as a marked placeholder instead.

Output: ``outputs/site/`` (one page per chapter, sidebar, previous/next links, local CSS, figures
with CSV/XLSX download links) and ``outputs/<output-file>.pdf``. Site files are byte-identical for
identical inputs; the PDF is compiled with a fixed timestamp and no document date.

Modules, in the order a render uses them:

- :mod:`~punos_lib.publish.book`        ``_quarto.yml`` as a :class:`Book`, titled for the region
- :mod:`~punos_lib.publish.provenance`  the provenance appendix from the snapshot's entries
- :mod:`~punos_lib.publish.generated`   the chapters written at render time (appendix, sectors)
- :mod:`~punos_lib.publish.engines`     :func:`render`: chooses Quarto or the built-in renderer
- :mod:`~punos_lib.publish.quarto`      ``quarto render``
- :mod:`~punos_lib.publish.builtin`     the built-in renderer, from
  :mod:`~punos_lib.publish.chapters` (chapter files parsed), :mod:`~punos_lib.publish.embeds`
  (notebook outputs), :mod:`~punos_lib.publish.numbering` (figure/table numbers, cross-references),
  :mod:`~punos_lib.publish.markdown` (a chapter as Pandoc Markdown), :mod:`~punos_lib.publish.website`
  (HTML) and :mod:`~punos_lib.publish.pdf` (Typst)
"""

from punos_lib.publish.book import DEMO_BANNER, Book, load_book
from punos_lib.publish.engines import render
from punos_lib.publish.generated import SECTOR_PROFILE_LABELS, sector_chapter_markdown
from punos_lib.publish.report import RenderReport

__all__ = ["Book", "DEMO_BANNER", "RenderReport", "SECTOR_PROFILE_LABELS", "load_book", "render",
           "sector_chapter_markdown"]

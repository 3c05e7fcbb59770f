"""The parts of the study written at render time into ``study/_generated/`` (git-ignored).

- ``aineistot.md``: the provenance list, for a chapter that includes it;
- ``aineistotilanne.md``: which datasets are real statistics (with periods) and which example
  data, included by the introduction (``index.qmd``);
- ``liite-aineistot.qmd``: the same as a whole appendix chapter (``_quarto.yml`` lists it);
- ``aineistot-tiedot.csv``: the full record of every snapshot entry, linked from the appendix;
- ``kansi.md``: the front page's publication details (:mod:`~punos_lib.publish.cover`);
- ``tarkistussummat.md`` and ``ajot.md``: the technical appendix's tables of the snapshot's files
  with their checksums and of the notebook executions (``study/liite-menetelmat.qmd`` includes them);
- ``sectors.qmd``: chapter 7's in-page menu of sectors (:func:`sector_menu_markdown`) and its
  sections, one per sector of ``data/sectors.yaml`` (:func:`sector_chapter_markdown`), which
  ``study/07-toimialaprofiilit.qmd`` includes.

Both engines render these files, so Quarto and the built-in renderer show the same text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from punos_lib._atomic import atomic_write_bytes
from punos_lib.errors import InputError
from punos_lib.publish.book import Book
from punos_lib.publish.cover import Cover, cover_html
from punos_lib.publish.provenance import (
    RECORDS_FILE,
    DatasetInfo,
    checksums_markdown,
    data_status_markdown,
    provenance_markdown,
    provenance_records_csv,
    run_records_markdown,
)
from punos_lib.snapshot import Entry
from punos_lib.snapshot.origins import DatasetOrigin

__all__ = ["APPENDIX_FILE", "GENERATED_DIR", "SECTOR_PROFILE_LABELS", "sector_chapter_markdown",
           "sector_menu_markdown", "write_generated"]

GENERATED_DIR = "study/_generated"
PROVENANCE_FILE = "aineistot.md"
STATUS_FILE = "aineistotilanne.md"
SECTORS_FILE = "sectors.qmd"
COVER_FILE = "kansi.md"
CHECKSUMS_FILE = "tarkistussummat.md"
RUNS_FILE = "ajot.md"
APPENDIX_FILE = "liite-aineistot.qmd"
APPENDIX_TITLE = "Aineistot ja niiden alkuperä"

#: Labels of the sector profile notebook that chapter 7 embeds, in order: the sector card (its
#: findings written from the data, its key figures and one figure), one PDF page per sector.
SECTOR_PROFILE_LABELS: tuple[str, ...] = (
    "txt-sektori-havainnot",
    "tbl-sektori-kortti",
    "fig-sektori-tyopaikat",
)

#: Starts each sector card on a new PDF page (a raw Typst block; the website ignores it).
_PDF_PAGE_BREAK = "```{=typst}\n#pagebreak(weak: true)\n```\n"


def sector_chapter_markdown(sectors: Mapping[str, Any], notebook_dir_rel: str) -> str:
    """The Quarto text of chapter 7's sector sections, one per sector, in the given order.

    Each section has the sector's name as a level-2 heading (with a ``#sec-<id>`` anchor), its
    description and TOL divisions, and embeds the labelled outputs
    (:data:`SECTOR_PROFILE_LABELS`: the sector card) of
    ``<notebook_dir_rel>/sector_profile-<id>.ipynb``; in the PDF each sector starts a page (the
    chapter explains how to read a card once, above the sections). The publisher writes the result to
    ``study/_generated/sectors.qmd``, which ``study/07-toimialaprofiilit.qmd`` includes.

    Parameters
    ----------
    sectors : mapping of id to Sector
        :func:`punos_lib.reference.sectors.load_sectors` (order kept).
    notebook_dir_rel : str
        The executed notebooks' folder relative to the chapter that includes the text, e.g.
        ``"../outputs/notebooks"``.

    Raises
    ------
    InputError
        ``sectors`` is empty or ``notebook_dir_rel`` is empty.

    Examples
    --------
    >>> from punos_lib.reference.sectors import Sector
    >>> s = Sector("vesi", "Vesiala", "Water", ("36", "37"), ("3132",), ("0712",), "Vesihuolto.")
    >>> text = sector_chapter_markdown({"vesi": s}, "../outputs/notebooks")
    >>> "{{< embed ../outputs/notebooks/sector_profile-vesi.ipynb#tbl-sektori-kortti >}}" in text
    True
    """
    if not sectors:
        raise InputError("sector_chapter_markdown: no sectors given; data/sectors.yaml lists none")
    if not isinstance(notebook_dir_rel, str) or not notebook_dir_rel.strip():
        raise InputError("notebook_dir_rel must be a folder such as '../outputs/notebooks'")
    folder = notebook_dir_rel.strip().rstrip("/")
    parts: list[str] = []
    for sid, sector in sectors.items():
        notebook = f"{folder}/sector_profile-{sid}.ipynb"
        divisions = ", ".join(sector.tol)
        parts.append(_PDF_PAGE_BREAK)
        parts.append(f"## {sector.name_fi} {{#sec-{sid}}}\n")
        parts.append(f"{sector.description_fi} Toimialat (TOL 2008): {divisions}.\n")
        for label in SECTOR_PROFILE_LABELS:
            parts.append(f"{{{{< embed {notebook}#{label} >}}}}\n")
    return "\n".join(parts)


def sector_menu_markdown(sectors: Mapping[str, Any]) -> str:
    """Chapter 7's in-page menu: one link per sector to its section (``#sec-<id>``), in order.

    Examples
    --------
    >>> from punos_lib.reference.sectors import Sector
    >>> s = Sector("vesi", "Vesiala", "Water", ("36",), ("3132",), ("0712",), "Vesihuolto.")
    >>> sector_menu_markdown({"vesi": s})
    '**Toimialat:** [Vesiala](#sec-vesi)\\n'
    """
    if not sectors:
        raise InputError("sector_menu_markdown: no sectors given; data/sectors.yaml lists none")
    return "**Toimialat:** " + " · ".join(f"[{s.name_fi}](#sec-{sid})" for sid, s in sectors.items()) + "\n"


def write_generated(book: Book, entries: Sequence[Entry], synthetic: bool,
                    status: Sequence[DatasetOrigin] | None = None, *,
                    info: Mapping[str, DatasetInfo] | None = None, cover: Cover | None = None,
                    executions: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    """Write the generated parts of ``book`` into its ``study/_generated/`` (see the module text).

    ``status`` (:func:`punos_lib.snapshot.origins.dataset_origins`) gives the introduction's list
    of real and example data; ``info`` (:func:`punos_lib.publish.provenance.dataset_info`) the
    appendix's titles, producers, tables and periods; ``cover`` the front page's details;
    ``executions`` the notebook runs of ``outputs/run.json``.
    """
    folder = book.project / GENERATED_DIR
    provenance = provenance_markdown(entries, synthetic, info)
    atomic_write_bytes(folder / PROVENANCE_FILE, provenance.encode("utf-8"))
    appendix = f'---\ntitle: "{APPENDIX_TITLE}"\n---\n\n{provenance}'
    atomic_write_bytes(folder / APPENDIX_FILE, appendix.encode("utf-8"))
    atomic_write_bytes(folder / RECORDS_FILE, provenance_records_csv(entries, info))
    atomic_write_bytes(folder / CHECKSUMS_FILE, checksums_markdown(entries).encode("utf-8"))
    atomic_write_bytes(folder / RUNS_FILE, run_records_markdown(executions or {}).encode("utf-8"))
    if cover is not None:
        atomic_write_bytes(folder / COVER_FILE, cover_html(cover).encode("utf-8"))
    if status is not None:
        atomic_write_bytes(folder / STATUS_FILE, data_status_markdown(status).encode("utf-8"))
    sectors_file = book.project / "data" / "sectors.yaml"
    if sectors_file.is_file():
        from punos_lib.reference.sectors import load_sectors

        sectors = load_sectors(sectors_file)
        text = sector_menu_markdown(sectors) + "\n" + sector_chapter_markdown(sectors, "../outputs/notebooks")
        atomic_write_bytes(folder / SECTORS_FILE, text.encode("utf-8"))

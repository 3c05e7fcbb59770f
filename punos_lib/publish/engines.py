"""``punos render``: the engine chosen, the generated parts written, the study rendered."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from punos_lib import paths
from punos_lib.errors import PublishError
from punos_lib.publish.book import Book, for_region, load_book
from punos_lib.publish.cover import cover_info
from punos_lib.publish.builtin import render_builtin
from punos_lib.publish.embeds import Notebooks
from punos_lib.publish.generated import write_generated
from punos_lib.publish.provenance import dataset_info, snapshot_entries
from punos_lib.snapshot.origins import dataset_origins
from punos_lib.publish.quarto import find_quarto, render_quarto
from punos_lib.publish.report import RenderReport

__all__ = ["render"]


def render(
    *,
    formats: Iterable[str] = ("html", "pdf"),
    project_dir: str | os.PathLike[str] | None = None,
    outputs_dir: str | os.PathLike[str] | None = None,
    quarto: str | os.PathLike[str] | bool | None = None,
    engine: str | None = None,
) -> RenderReport:
    """Render the study to ``outputs/site/`` (website) and ``outputs/<name>.pdf``.

    Parameters
    ----------
    formats : iterable of {"html", "pdf"}
        What to produce.
    project_dir, outputs_dir : path-like, optional
        Defaults: :func:`punos_lib.paths.project_dir`, :func:`punos_lib.paths.outputs_dir`. The
        snapshot (for the demo marks and the provenance appendix) is ``PUNOS_SNAPSHOT`` or the
        project's ``data/snapshot``.
    quarto : path-like or bool, optional
        The quarto executable; None finds it in ``QUARTO_PATH`` or on PATH; False forces the
        built-in pandoc + Typst renderer.
    engine : {"quarto", "builtin"}, optional
        The renderer; by default Quarto when found, the built-in renderer otherwise. "quarto" fails
        when no Quarto is found. :attr:`RenderReport.engine` says which one was used.

    Returns
    -------
    RenderReport
        Paths of the site index, pages and PDF, and warnings.

    Raises
    ------
    PublishError
        Executed notebooks are missing or every execution failed, Quarto was asked for but not
        found, a chapter uses unsupported Quarto syntax (file and line
        named), or pandoc/Typst/Quarto failed.

    Examples
    --------
    >>> report = render(formats=["html"])  # doctest: +SKIP
    >>> report.site_index.name  # doctest: +SKIP
    'index.html'
    """
    if engine not in (None, "quarto", "builtin"):
        raise PublishError(f"unknown engine {engine!r}; choose 'quarto' or 'builtin'")
    wanted = tuple(dict.fromkeys(formats))
    bad = [f for f in wanted if f not in ("html", "pdf")]
    if bad or not wanted:
        raise PublishError(f"unknown output format(s) {bad or list(wanted)}; choose from 'html' and 'pdf'")
    book = load_book(project_dir)
    # An explicit project keeps its own outputs and snapshot unless the environment moves them.
    if outputs_dir is not None:
        outputs = Path(outputs_dir).resolve()
    else:
        outputs = paths.outputs_dir() if project_dir is None or os.environ.get("PUNOS_OUTPUTS") \
            else book.project / "outputs"
    snapshot = paths.snapshot_dir() if project_dir is None or os.environ.get("PUNOS_SNAPSHOT") \
        else book.project / "data" / "snapshot"
    nb_dir = outputs / "notebooks"
    if not nb_dir.is_dir() or not any(nb_dir.glob("*.ipynb")):
        raise PublishError(f"no executed notebooks in {nb_dir}; run `punos run` first")
    exe = None if engine == "builtin" else find_quarto(quarto)
    if engine == "quarto" and not exe:
        raise PublishError("--engine quarto: no Quarto found (set QUARTO_PATH or put quarto on PATH; see the "
                           "README's 'Installing Quarto'), or use --engine builtin")
    Notebooks(outputs).require_content()
    synthetic, entries = snapshot_entries(snapshot)
    declared = book.project / "data" / "datasets.yaml"
    status = dataset_origins(snapshot, declared) if declared.is_file() else None
    region_warnings: list[str] = []
    book = for_region(book, outputs, region_warnings)
    cover = cover_info(book, status)
    write_generated(book, entries, synthetic, status, info=dataset_info(status, _producers(book)),
                    cover=cover, executions=Notebooks(outputs).executions)
    if exe:
        return render_quarto(exe, book, wanted, outputs, synthetic, region_warnings, cover)
    return render_builtin(book, wanted, outputs, synthetic, region_warnings, cover)


def _producers(book: Book) -> dict[str, str]:
    """Dataset id → the producer its catalogue entry names (``data/datasets.yaml`` → ``data/catalogue.yaml``)."""
    declared = book.project / "data" / "datasets.yaml"
    listed = book.project / "data" / "catalogue.yaml"
    if not declared.is_file() or not listed.is_file():
        return {}
    from punos_lib.reference import declarations
    from punos_lib.registry.catalogue import load_catalogue

    producer = dict(zip(*(load_catalogue(listed)[c] for c in ("id", "producer"))))
    return {d.id: str(producer[d.catalogue]) for d in declarations.load(declared)
            if d.catalogue and d.catalogue in producer}

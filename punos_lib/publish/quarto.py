"""Rendering with Quarto (``quarto render``), when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from punos_lib._atomic import atomic_write_bytes
from punos_lib.errors import PublishError
from punos_lib.publish.book import Book
from punos_lib.publish.generated import GENERATED_DIR
from punos_lib.publish.report import RenderReport

__all__ = ["QUARTO_PROFILE", "find_quarto", "render_quarto"]


def find_quarto(quarto: str | os.PathLike[str] | bool | None) -> str | None:
    """The quarto executable: ``quarto`` itself, or from QUARTO_PATH or PATH; None when absent or False."""
    if quarto is False:
        return None
    if quarto not in (None, True):
        return str(quarto)
    return os.environ.get("QUARTO_PATH") or shutil.which("quarto")



QUARTO_PROFILE = "punos"
_BANNER_HTML = ('<div class="demo-banner" role="alert" style="background:#b00020;color:#fff;padding:.6em;'
                'text-align:center;font-weight:bold">Esimerkkiaineisto – ei todellisia tilastoja</div>\n')
_BANNER_TYPST = ('#block(fill: rgb("#b00020"), inset: 8pt, width: 100%)[#text(fill: white, weight: "bold")'
                 '[Esimerkkiaineisto – ei todellisia tilastoja]]\n')


def _write_quarto_profile(book: Book, synthetic: bool) -> None:
    """Write ``_quarto-punos.yml``: what the built-in renderer adds, told to Quarto.

    Quarto merges the profile into ``_quarto.yml`` (``--profile punos``): the region the notebooks
    ran for (subtitle, output file) and, for synthetic data, the demo banner on every page.
    """
    profile: dict[str, Any] = {"book": {"subtitle": book.subtitle, "output-file": book.output_file}}
    if synthetic:
        folder = book.project / GENERATED_DIR
        atomic_write_bytes(folder / "demo-banner.html", _BANNER_HTML.encode("utf-8"))
        atomic_write_bytes(folder / "demo-banner.typ", _BANNER_TYPST.encode("utf-8"))
        profile["format"] = {
            "html": {"include-before-body": f"{GENERATED_DIR}/demo-banner.html"},
            "typst": {"include-before-body": f"{GENERATED_DIR}/demo-banner.typ"},
        }
    text = "# Written by `punos render` for Quarto; do not edit (git-ignored).\n" + yaml.safe_dump(
        profile, allow_unicode=True, sort_keys=True)
    atomic_write_bytes(book.project / f"_quarto-{QUARTO_PROFILE}.yml", text.encode("utf-8"))


def render_quarto(exe: str, book: Book, formats: Sequence[str], outputs: Path,
                   synthetic: bool) -> RenderReport:
    report = RenderReport(engine=f"quarto ({exe})")
    site = outputs / "site"
    _write_quarto_profile(book, synthetic)
    for fmt in formats:
        to = "html" if fmt == "html" else "typst"
        cmd = [exe, "render", str(book.project), "--to", to, "--output-dir", str(site),
               "--profile", QUARTO_PROFILE]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).splitlines()[-15:])
            raise PublishError(f"`{' '.join(cmd)}` failed with exit code {proc.returncode}:\n{tail}")
    if "html" in formats:
        report.site_index = site / "index.html"
        report.pages = sorted(site.glob("*.html"))
    if "pdf" in formats:
        produced = site / f"{book.output_file}.pdf"
        if produced.is_file():
            target = outputs / produced.name
            os.replace(produced, target)
            report.pdf = target
        else:
            raise PublishError(f"quarto finished but {produced} was not written; check the typst format in _quarto.yml")
    return report

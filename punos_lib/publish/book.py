"""The study's book: ``_quarto.yml`` read into a :class:`Book`, titled for the region it was run for."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from punos_lib import paths
from punos_lib.errors import PublishError
from punos_lib.reference.regions import REGIONS

__all__ = ["Book", "DEMO_BANNER", "for_region", "load_book", "slug"]

#: The mark on every page and in the PDF when any snapshot entry is synthetic.
DEMO_BANNER = "Esimerkkiaineisto – ei todellisia tilastoja"


@dataclass(frozen=True)
class Book:
    """The study as described by ``_quarto.yml``."""

    project: Path
    title: str
    subtitle: str
    author: str
    lang: str
    chapters: tuple[str, ...]
    appendices: tuple[str, ...]
    output_file: str
    output_dir: str

    @property
    def files(self) -> tuple[str, ...]:
        return self.chapters + self.appendices


def load_book(project: str | os.PathLike[str] | None = None) -> Book:
    """Read ``_quarto.yml`` (title, subtitle, author, lang, chapters, appendices, output file).

    Raises
    ------
    PublishError
        The file is missing, not YAML, not a book, or lists no chapters.
    """
    root = Path(project) if project is not None else paths.project_dir()
    path = root / "_quarto.yml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PublishError(f"{path} not found: the study needs a _quarto.yml describing the book") from exc
    except yaml.YAMLError as exc:
        raise PublishError(f"{path} is not valid YAML: {exc}") from exc
    book = (raw or {}).get("book") if isinstance(raw, dict) else None
    if not isinstance(book, dict) or not book.get("chapters"):
        raise PublishError(f"{path}: expected 'book:' with a 'chapters:' list (a Quarto book project)")
    title = str(book.get("title", "")).strip()
    if not title:
        raise PublishError(f"{path}: 'book: title:' is missing; give the study a title")

    def _files(key: str) -> tuple[str, ...]:
        items = book.get(key) or []
        out = []
        for item in items:
            # Quarto allows parts: {part: "...", chapters: [...]}; flatten them in order.
            if isinstance(item, dict) and isinstance(item.get("chapters"), list):
                out.extend(str(c) for c in item["chapters"])
            elif isinstance(item, str):
                out.append(item)
            else:
                raise PublishError(f"{path}: book {key} entry {item!r} is not a file name or a part")
        return tuple(out)

    author = book.get("author", "")
    if isinstance(author, list):
        author = ", ".join(str(a.get("name", a)) if isinstance(a, dict) else str(a) for a in author)
    output_file = str(book.get("output-file") or slug(title))
    return Book(
        project=root.resolve(),
        title=title,
        subtitle=str(book.get("subtitle", "") or ""),
        author=str(author or ""),
        lang=str(raw.get("lang", "fi")),
        chapters=_files("chapters"),
        appendices=_files("appendices"),
        output_file=output_file.removesuffix(".pdf"),
        output_dir=str((raw.get("project") or {}).get("output-dir", "_book")),
    )


def for_region(book: Book, outputs: Path, warnings: list[str]) -> Book:
    """The book titled for the region the notebooks were run for (``punos run --region``).

    ``_quarto.yml`` names the default region in its subtitle and output file; a study run for
    another region gets that region's name in both, so a Päijät-Häme study never says Etelä-Savo.
    """
    try:
        run = json.loads((outputs / "run.json").read_text(encoding="utf-8"))
        regions = sorted({str(e["parameters"]["region"]) for e in run["executions"].values()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return book
    if len(regions) != 1:
        warnings.append(f"the executed notebooks were run for several regions ({', '.join(regions)}); "
                        "run `punos run --region R --force` for one region before rendering")
        return book
    name = REGIONS.get(regions[0])
    if name is None or name == book.subtitle:
        return book
    stem = book.output_file
    old = slug(book.subtitle) if book.subtitle else ""
    stem = stem[: -len(old)] + slug(name) if old and stem.endswith(old) else f"{stem}-{slug(name)}"
    return replace(book, subtitle=name, output_file=stem)


def slug(text: str) -> str:
    """``text`` as an ASCII file-name stem (``"Etelä-Savo"`` → ``"etela-savo"``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "study"


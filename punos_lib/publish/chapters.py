"""The chapter files read into items: text, code, callouts and embeds of notebook outputs.

The built-in renderer supports the subset of Quarto the study uses: front matter ``title``;
``{{< include file >}}``; ``{{< embed nb.ipynb#label >}}``; callouts ``::: {.callout-note}`` (also
tip, warning, caution, important; optional ``title="…"``); executable ``{python}`` blocks shown as
code. Anything else Quarto-specific is a :class:`~punos_lib.errors.PublishError` naming the file and line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from punos_lib.errors import PublishError
from punos_lib.publish._common import located_error
from punos_lib.publish.book import Book

__all__ = ["Chapter", "Embed", "page_name", "parse_chapter", "reroot"]

_CALLOUT_TITLES = {
    "note": "Huomautus", "tip": "Vinkki", "warning": "Varoitus", "caution": "Huomio", "important": "Tärkeää",
}
_SHORTCODE = re.compile(r"\{\{<\s*([A-Za-z_-]+)\s*(.*?)\s*>\}\}")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(.*)$")
_DIV_OPEN = re.compile(r"^(:{3,})\s*(\{[^}]*\}|[\w-]+)\s*$")
_DIV_CLOSE = re.compile(r"^:{3,}\s*$")
_CALLOUT = re.compile(r"^\{?\s*\.?callout-([\w-]+)(.*?)\}?$")
_TITLE_ATTR = re.compile(r"""title\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass
class Embed:
    """One ``{{< embed notebook.ipynb#label >}}`` and where the chapter says it."""

    label: str
    notebook: Path       # the executed notebook (re-rooted into the outputs folder)
    file: Path           # chapter file and line, for messages
    line: int


@dataclass
class Chapter:
    """One chapter file (includes spliced in) as a page of the site and a part of the PDF."""

    source: Path
    page: str            # e.g. "02-vaesto.html"
    title: str
    items: list[Any]     # ("text"|"code", line, file, lineno) | Embed | ("open", kind, title) | ("close",)
    appendix: bool


def page_name(rel: str) -> str:
    """The site page of chapter file ``rel`` (the book's index.qmd is index.html; the site is flat)."""
    stem = Path(rel).stem
    return "index.html" if stem == "index" and "/" not in rel else f"{stem}.html"


def parse_chapter(book: Book, rel: str, outputs: Path, appendix: bool) -> Chapter:
    """Read chapter file ``rel`` of ``book``; embeds point into ``outputs``.

    Raises
    ------
    PublishError
        The file is missing, has no title, or uses syntax outside the supported subset (file and line).
    """
    path = book.project / rel
    if not path.is_file():
        raise PublishError(f"{path} is listed in {book.project / '_quarto.yml'} but does not exist; "
                           "write the chapter or remove it from the list")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    title = ""
    start = 0
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        except StopIteration:
            raise located_error(path, 1, "front matter opened with --- is never closed") from None
        try:
            meta = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            raise located_error(path, 2, f"front matter is not valid YAML: {exc}") from exc
        title = str(meta.get("title", "")) if isinstance(meta, dict) else ""
        start = end + 1
    items: list[Any] = []
    if title:
        items.append(("text", f"# {title}", path, 1))
    _parse_lines(lines[start:], start + 1, path, path.parent, book, outputs, items, depth=0)
    if not title:
        title = next((it[1][2:].split("{")[0].strip() for it in items
                      if it[0] == "text" and it[1].startswith("# ")), "")
    if not title:
        raise located_error(path, 1, "the chapter has no title: add front matter 'title:' or a '# Heading'")
    return Chapter(source=path, page=page_name(rel), title=title, items=items, appendix=appendix)


def _parse_lines(lines: Sequence[str], first: int, path: Path, base: Path, book: Book, outputs: Path,
                 items: list[Any], depth: int) -> None:
    """Parse ``lines`` of ``path`` into items; embeds resolve against ``base``, the chapter's folder.

    Like Quarto, an included file is spliced into the chapter, so its embed paths are relative to the
    including chapter (study/_generated/sectors.qmd embeds ``../outputs/…`` as chapter 7 would).
    """
    fence: str | None = None
    divs: list[str] = []
    for offset, line in enumerate(lines):
        no = first + offset
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(2)
            info = m.group(3).strip()
            if info.startswith("{") and not info.startswith(("{.", "{=", "{#")):
                # Quarto executable cell ```{python}: shown as code (execution is disabled).
                line = f"{m.group(1)}{fence}{info.strip('{}').split(',')[0].strip()}"
            items.append(("code", line, path, no))
            continue
        if fence is not None:
            if m and m.group(2).startswith(fence) and not m.group(3).strip():
                fence = None
            items.append(("code", line, path, no))
            continue
        if _DIV_CLOSE.match(line) and divs:
            if divs.pop() == "callout":
                items.append(("close",))
            else:
                items.append(("text", line, path, no))
            continue
        d = _DIV_OPEN.match(line)
        if d:
            attrs = d.group(2)
            c = _CALLOUT.match(attrs.strip())
            if c:
                kind = c.group(1)
                if kind not in _CALLOUT_TITLES:
                    raise located_error(path, no, f"unknown callout type 'callout-{kind}'; use one of "
                               + ", ".join(f"callout-{k}" for k in _CALLOUT_TITLES))
                t = _TITLE_ATTR.search(c.group(2) or "")
                title = (t.group(1) or t.group(2)) if t else _CALLOUT_TITLES[kind]
                divs.append("callout")
                items.append(("open", kind, title))
            else:
                divs.append("div")
                items.append(("text", line, path, no))
            continue
        codes = list(_SHORTCODE.finditer(line))
        if not codes:
            items.append(("text", line, path, no))
            continue
        sc = codes[0]
        name, arg = sc.group(1), sc.group(2)
        if name not in ("embed", "include"):
            raise located_error(path, no, f"unsupported shortcode '{{{{< {name} >}}}}'; without Quarto only "
                       "'embed' and 'include' are available (install Quarto or rewrite this line)")
        if len(codes) > 1 or line.strip() != sc.group(0):
            raise located_error(path, no, f"'{{{{< {name} … >}}}}' must stand alone on its own line")
        if name == "include":
            target = (path.parent / arg.strip().strip('"')).resolve()
            if not target.is_file():
                raise located_error(path, no, f"included file {target} does not exist")
            if depth > 10:
                raise located_error(path, no, "includes nested more than 10 deep (an include cycle?)")
            _parse_lines(target.read_text(encoding="utf-8").splitlines(), 1, target, base, book, outputs,
                         items, depth + 1)
            continue
        ref = arg.strip().strip('"')
        if " " in ref or "#" not in ref:
            raise located_error(path, no, f"embed {ref!r} must be 'path/to/notebook.ipynb#label' without options")
        nb_rel, label = ref.split("#", 1)
        if not nb_rel.endswith(".ipynb"):
            raise located_error(path, no, f"embed {ref!r}: only notebooks (.ipynb) can be embedded")
        items.append(Embed(label=label, notebook=reroot(base / nb_rel, book, outputs), file=path, line=no))
    if fence is not None:
        raise located_error(path, first + len(lines) - 1, f"code block opened with {fence} is never closed")
    if divs:
        raise located_error(path, first + len(lines) - 1, "a ':::' block is never closed")


def reroot(path: Path, book: Book, outputs: Path) -> Path:
    """Chapters embed ``../outputs/…``; follow the outputs folder when it was moved (PUNOS_OUTPUTS)."""
    resolved = Path(os.path.normpath(path.resolve()))
    default = book.project / "outputs"
    if resolved.is_relative_to(default):
        return outputs / resolved.relative_to(default)
    return resolved

"""Helpers the built-in renderer's modules share: pandoc conversion, templates, located errors."""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

from punos_lib.errors import PublishError

__all__ = ["located_error", "pandoc", "replace_dir", "template", "typst_string"]


def located_error(file: Path, line: int, message: str) -> PublishError:
    """A :class:`PublishError` that names the chapter ``file`` and ``line``."""
    return PublishError(f"{file}, line {line}: {message}")


def pandoc(text: str, to: str) -> str:
    """``text`` (Pandoc Markdown without implicit figures) converted by pandoc to format ``to``."""
    import pypandoc

    try:
        return pypandoc.convert_text(text, to, format="markdown-citations-implicit_figures",
                                     extra_args=["--wrap=none"])
    except RuntimeError as exc:
        raise PublishError(f"pandoc could not convert the study text to {to}: {exc}") from exc


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal (quotes and backslashes escaped, on one line)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def template(name: str) -> str:
    """The text of ``punos_lib/publish/templates/<name>``."""
    return resources.files("punos_lib.publish").joinpath("templates", name).read_text(encoding="utf-8")


def replace_dir(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` in the place of ``target`` (same file system), removing the old one.

    The swap is two renames, so a reader never sees a site that mixes two builds or keeps stale files.
    """
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)

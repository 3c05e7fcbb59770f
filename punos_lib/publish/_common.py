"""Helpers the built-in renderer's modules share: pandoc conversion, templates, located errors."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from punos_lib.errors import PublishError

__all__ = ["located_error", "pandoc", "template"]


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


def template(name: str) -> str:
    """The text of ``punos_lib/publish/templates/<name>``."""
    return resources.files("punos_lib.publish").joinpath("templates", name).read_text(encoding="utf-8")


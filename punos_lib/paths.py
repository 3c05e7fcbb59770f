"""Where the project's folders are.

The study is a folder with ``_quarto.yml`` and ``data/`` (the repository). Code
finds it from ``PUNOS_PROJECT_DIR``, else by walking up from the current working
directory, else next to the installed package (an editable install). The
snapshot and outputs folders can be moved with ``PUNOS_SNAPSHOT`` and
``PUNOS_OUTPUTS``.
"""

from __future__ import annotations

import os
from pathlib import Path

from punos_lib.errors import InputError

__all__ = ["project_dir", "data_dir", "snapshot_dir", "outputs_dir", "reference_dir"]


def _is_project(path: Path) -> bool:
    return (path / "_quarto.yml").is_file() and (path / "data").is_dir()


def project_dir() -> Path:
    """Return the study project folder (the one holding ``_quarto.yml`` and ``data/``)."""
    env = os.environ.get("PUNOS_PROJECT_DIR")
    if env:
        path = Path(env).resolve()
        if not _is_project(path):
            raise InputError(
                f"PUNOS_PROJECT_DIR={env} is not a Punos project (no _quarto.yml and data/ there); "
                "point it at the repository folder or unset it"
            )
        return path
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _is_project(candidate):
            return candidate
    package_parent = Path(__file__).resolve().parent.parent
    if _is_project(package_parent):
        return package_parent
    raise InputError(
        "cannot find the Punos project folder (with _quarto.yml and data/); "
        "run from inside the repository or set PUNOS_PROJECT_DIR"
    )


def data_dir() -> Path:
    """Curated, committed inputs: ``<project>/data``."""
    return project_dir() / "data"


def snapshot_dir() -> Path:
    """The data snapshot: ``PUNOS_SNAPSHOT`` or ``<project>/data/snapshot``."""
    env = os.environ.get("PUNOS_SNAPSHOT")
    return Path(env).resolve() if env else data_dir() / "snapshot"


def outputs_dir() -> Path:
    """Build products: ``PUNOS_OUTPUTS`` or ``<project>/outputs``."""
    env = os.environ.get("PUNOS_OUTPUTS")
    return Path(env).resolve() if env else project_dir() / "outputs"


def reference_dir() -> Path | None:
    """The recorded real payloads in ``../shared/data/reference`` (developers and CI only).

    Returns ``None`` when the folder is absent (a user's clone); tests skip then.
    ``PUNOS_REFERENCE_DIR`` overrides the location.
    """
    env = os.environ.get("PUNOS_REFERENCE_DIR")
    if env:
        path = Path(env)
    else:
        path = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "reference"
    return path if path.is_dir() else None

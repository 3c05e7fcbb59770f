"""Fixtures of the pipeline tests: the fixture notebooks in a temporary study or project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from punos_lib.pipeline import hashing, specs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"
REPO = Path(__file__).resolve().parents[2]
EMPTY_MANIFEST = '{"format": "punos-snapshot", "version": 1, "entries": {}}'


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A copy of the fixture notebooks, an empty snapshot and outputs folder, two sectors."""
    nb = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, nb)
    snap = tmp_path / "snapshot"
    snap.mkdir()
    (snap / "manifest.json").write_text(EMPTY_MANIFEST)
    monkeypatch.setattr(specs, "sector_ids", lambda project: ["metsa", "ruoka"])
    # Other developers edit punos_lib while tests run; stand in one library file we control.
    library = tmp_path / "library.py"
    library.write_text("VERSION = 1\n")
    monkeypatch.setattr(hashing, "library_files", lambda project: [("punos_lib/x.py", library)])
    monkeypatch.setenv("PUNOS_TEST_COUNTER", str(tmp_path / "counter.txt"))
    return {"notebooks": nb, "outputs": tmp_path / "outputs", "snapshot": snap, "library": library,
            "counter": tmp_path / "counter.txt", "root": tmp_path}


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """A whole project in a temporary folder (for `punos` subprocesses): the repository's curated
    data, the fixture notebooks, an empty snapshot; ``env`` points the command at it."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "_quarto.yml").write_text((REPO / "_quarto.yml").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("snapshot"))
    shutil.copytree(FIXTURES, root / "notebooks")
    snap = tmp_path / "snapshot"
    snap.mkdir()
    (snap / "manifest.json").write_text(EMPTY_MANIFEST)
    outputs = tmp_path / "outputs"
    counter = tmp_path / "counter.txt"
    return {"root": root, "notebooks": root / "notebooks", "snapshot": snap, "outputs": outputs,
            "counter": counter, "env": {"PUNOS_PROJECT_DIR": str(root), "PUNOS_SNAPSHOT": str(snap),
                                         "PUNOS_OUTPUTS": str(outputs), "PUNOS_TEST_COUNTER": str(counter)}}


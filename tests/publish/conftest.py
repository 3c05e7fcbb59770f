"""The fixture book of the publishing tests, copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "publish"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/fixtures/publish in a temporary folder, its executed outputs as outputs/ and its snapshot in use."""
    root = tmp_path / "book"
    # The executed outputs are stored as executed/ (outputs/ is git-ignored everywhere).
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("executed"))
    shutil.copytree(FIXTURE / "executed", root / "outputs")
    monkeypatch.setenv("PUNOS_SNAPSHOT", str(root / "snapshot"))
    return root

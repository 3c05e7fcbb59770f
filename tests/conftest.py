"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from punos_lib.paths import reference_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def reference() -> Path:
    """The recorded real payloads (../shared/data/reference); skip when absent."""
    path = reference_dir()
    if path is None:
        pytest.skip(
            "recorded real payloads not available: ../shared/data/reference is absent "
            "(it exists for developers and CI, not in a user's clone)"
        )
    return path

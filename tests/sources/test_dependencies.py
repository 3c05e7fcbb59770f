"""The layering rule of the lower packages, read from the source (imports at any depth count).

sources/ may import only errors, paths, _atomic, records, reference and itself; reference/ only
errors, paths, records and itself. ``from punos_lib import __version__`` (the package root) is
allowed for both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

ALLOWED = {
    "sources": {"errors", "paths", "_atomic", "records", "reference", "sources"},
    "reference": {"errors", "paths", "records", "reference"},
}


def _imported(path: Path) -> list[tuple[int, str]]:
    """(line, first part below punos_lib) of every punos_lib import in a file; "" for the root."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "punos_lib":
                # ``from punos_lib import x`` imports the module punos_lib.x unless x is __version__.
                names = [f"punos_lib.{a.name}" for a in node.names if a.name != "__version__"] or ["punos_lib"]
        for name in names:
            if name == "punos_lib" or name.startswith("punos_lib."):
                parts = name.split(".")
                found.append((node.lineno, parts[1] if len(parts) > 1 else ""))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_lower_packages_import_only_what_lies_below(package: str) -> None:
    files = sorted((REPO / "punos_lib" / package).rglob("*.py"))
    assert files, f"no files under punos_lib/{package}"
    bad = [
        f"{path.relative_to(REPO)}:{line} imports punos_lib.{target}"
        for path in files
        for line, target in _imported(path)
        if target and target not in ALLOWED[package]
    ]
    assert bad == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    # The rule above must be able to fail: a lazy import inside a function is found too.
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from punos_lib import datasets\n    import punos_lib.snapshot.store\n")
    assert _imported(probe) == [(2, "datasets"), (3, "snapshot")]

"""Content hashes that decide whether an execution is skipped as unchanged.

An execution's hash covers the notebook source (without outputs or execution counts), its
parameters, the snapshot (the manifest bytes and the sha256 of every payload as read at the start
of the run, so a corrupted payload behind an unchanged manifest is never mistaken for "unchanged"),
the library code (``punos_lib/**/*.py``) and every curated input under ``data/`` (the snapshot
excepted). Names are relative, so the same inputs in another checkout give the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from punos_lib.errors import PipelineError

__all__ = ["notebook_source_digest", "environment_digest", "library_files", "execution_hash"]

_HASH_VERSION = "2"


def notebook_source_digest(path: Path) -> bytes:
    """Digest of a notebook's cells without outputs or execution counts."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PipelineError(f"cannot read notebook {path}: {exc}; fix or restore the file") from exc
    cells = []
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        tags = sorted(cell.get("metadata", {}).get("tags", []))
        cells.append([cell.get("cell_type"), source, tags])
    return json.dumps(cells, ensure_ascii=False, sort_keys=True).encode("utf-8")


def environment_digest(project: Path, snapshot: Path, payload_checksums: Mapping[str, str]) -> str:
    """Digest of everything outside the notebook that an execution depends on.

    Parameters
    ----------
    project : Path
        The project (its ``data/`` folder is hashed).
    snapshot : Path
        The snapshot folder (its manifest bytes are hashed).
    payload_checksums : mapping of str to str
        Entry id → sha256 of the payload as read now (from :func:`punos_lib.pipeline.checks.check_snapshot`).
    """
    h = hashlib.sha256()
    manifest = snapshot / "manifest.json"
    h.update(b"manifest\0")
    h.update(manifest.read_bytes() if manifest.is_file() else b"<no snapshot>")
    h.update(b"payloads\0")
    h.update(json.dumps(dict(sorted(payload_checksums.items()))).encode())
    for name, f in library_files(project):
        h.update(name.encode() + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def library_files(project: Path) -> list[tuple[str, Path]]:
    """The library code and curated data files an execution depends on, sorted, with stable names."""
    package = Path(__file__).resolve().parent.parent
    code = [(f"punos_lib/{f.relative_to(package).as_posix()}", f) for f in package.rglob("*.py")]
    # Every curated input counts (actor registry, forum records and assessments, classification
    # names), not only the YAML files; the snapshot is hashed separately.
    data_root = project / "data"
    data = [
        (f"data/{f.relative_to(data_root).as_posix()}", f)
        for f in data_root.rglob("*")
        if f.is_file() and "snapshot" not in f.relative_to(data_root).parts[:1]
    ]
    return sorted(code) + sorted(data)


def execution_hash(source: bytes, parameters: Mapping[str, Any], environment: str) -> str:
    """The hash of one execution: notebook source digest, parameters and environment digest."""
    h = hashlib.sha256(_HASH_VERSION.encode())
    h.update(source)
    h.update(json.dumps(dict(parameters), sort_keys=True).encode())
    h.update(environment.encode())
    return h.hexdigest()

"""Atomic file writes: every module that writes a file uses this one writer.

A reader never sees a half-written file: the bytes go to a temporary file in the same folder, are
flushed to disk, and the temporary file is renamed over the target.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from punos_lib.errors import InputError

__all__ = ["atomic_write_bytes"]


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically (temp file in the same folder, then rename).

    Raises
    ------
    InputError
        ``path`` is an existing folder, or its parent is a file (nothing is written).
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file; give a file name to write to")
    if path.parent.exists() and not path.parent.is_dir():
        raise InputError(f"cannot write {path}: {path.parent} is a file, not a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # readable like any written file, unlike mkstemp's private default
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

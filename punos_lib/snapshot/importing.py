"""``punos snapshot import``: add a table a researcher downloaded by hand to the snapshot.

The file is read and checked against its dataset's declaration before anything is written; a
file that does not parse, or does not fit, is refused and the snapshot is left as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from punos_lib.errors import InputError, ParseError
from punos_lib.snapshot.store import Entry, Snapshot

__all__ = ["import_file"]

_IMPORT_TYPES = {".px": "text/x-pcaxis", ".json": "application/json-stat2", ".csv": "text/csv"}


def import_file(
    snap: Snapshot,
    path: str | os.PathLike[str],
    *,
    dataset: str,
    source: str,
    licence: str,
    attribution: str,
    url: str | None = None,
    updated: str | None = None,
    note: str | None = None,
    columns: list[str] | None = None,
) -> Entry:
    """Add a table the user downloaded by hand (.px, json-stat2 .json, or CSV) to the snapshot.

    The file is parsed first (PC-Axis with :func:`punos_lib.sources.px.read`, JSON-stat with
    :func:`punos_lib.sources.jsonstat.read`, CSV with pandas); a file that does not parse is refused and
    nothing is written. The entry is ``<dataset>/import``, ``synthetic: false``, and replaces a
    synthetic entry of the same dataset (any other entries of that dataset are removed).

    ``columns``, when given (the declaration's expected columns for a CSV import), must all be
    present in the file.

    Raises
    ------
    InputError
        Unknown extension, missing file, or missing declared columns.
    ParseError
        The file does not parse in its format.
    """
    src = Path(path)
    if not src.is_file():
        raise InputError(f"{src}: no such file to import")
    media_type = _IMPORT_TYPES.get(src.suffix.lower())
    if media_type is None:
        raise InputError(
            f"{src}: cannot import a {src.suffix or 'extensionless'} file; give a .px, a json-stat2 .json or a .csv"
        )
    payload = src.read_bytes()
    frame = _parse_import(src, media_type)
    if frame.empty:
        raise ParseError(f"{src}: the file parses but holds no rows; check that you exported the data")
    if columns and media_type == "text/csv":
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(
                f"{src}: dataset {dataset!r} needs the columns {', '.join(columns)}; missing: "
                f"{', '.join(missing)} (the file has: {', '.join(map(str, frame.columns))})"
            )
    stale = [e.id for e in snap.entries(dataset=dataset)]
    entry = snap.write(
        f"{dataset}/import",
        payload,
        dataset=dataset,
        kind="import",
        source="import",
        media_type=media_type,
        licence=licence,
        attribution=attribution,
        synthetic=False,
        url=url,
        query=None,
        updated=updated or frame.attrs.get("updated"),
        note=note or f"imported by hand from {src.name} ({source})",
    )
    stale = [i for i in stale if i != entry.id]
    if stale:
        snap.remove(stale)
    return entry


def _parse_import(src: Path, media_type: str) -> Any:
    import pandas as pd

    if media_type == "text/x-pcaxis":
        from punos_lib.sources import px

        return px.read(src)
    if media_type == "application/json-stat2":
        from punos_lib.sources import jsonstat

        return jsonstat.read(src)
    try:
        return pd.read_csv(src, dtype=str, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ParseError(f"{src}: not a readable UTF-8 CSV file ({exc})") from exc

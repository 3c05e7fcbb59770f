"""The pinned data snapshot: raw payloads exactly as received, with provenance.

Layout (see docs/architecture.md)::

    <root>/manifest.json
    <root>/<source>/<dataset>/<kind>[-<part>].<ext>

Every payload and the manifest are written atomically (temporary file in the same folder, then
``os.replace``), so an interrupted fetch never leaves a half-written file behind, and a re-run
resumes by skipping entries whose bytes still match their checksum.

Examples
--------
>>> import tempfile
>>> from punos_lib.snapshot.store import Snapshot
>>> snap = Snapshot(tempfile.mkdtemp())
>>> entry = snap.write("example/data", b'{"a": 1}', dataset="example", kind="data", source="demo",
...                    media_type="application/json", licence="CC BY 4.0",
...                    attribution="Esimerkki", synthetic=True)
>>> snap.read_json("example/data")
{'a': 1}
>>> snap.verify().ok
['example/data']
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from punos_lib._atomic import atomic_write_bytes
from punos_lib.errors import InputError, ParseError, SnapshotError

__all__ = ["Entry", "Snapshot", "VerifyReport", "import_file", "sha256_bytes"]

MANIFEST = "manifest.json"
FORMAT = "punos-snapshot"
VERSION = 1

_EXTENSIONS = {
    "application/json": "json",
    "application/json-stat2": "json",
    "application/geo+json": "geojson",
    "text/csv": "csv",
    "text/x-pcaxis": "px",
}


def sha256_bytes(payload: bytes) -> str:
    """Hex SHA-256 of ``payload``."""
    return hashlib.sha256(payload).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One stored payload and its provenance (one row of the manifest)."""

    id: str
    dataset: str
    kind: str
    source: str
    path: str
    media_type: str
    sha256: str
    bytes: int
    licence: str
    attribution: str
    synthetic: bool
    url: str | None = None
    query: Any = None
    fetched_at: str | None = None
    updated: str | None = None
    part: int | None = None
    parts: int | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The manifest form of the entry."""
        return dataclasses.asdict(self)


@dataclass
class VerifyReport:
    """Result of :meth:`Snapshot.verify`; ``problems`` is empty when everything matches."""

    ok: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """One line per problem entry (untracked files are warnings, not problems)."""
        lines = [f"missing: {i}" for i in self.missing]
        lines += [f"changed (checksum differs): {i}" for i in self.changed]
        lines += [f"unreadable: {i}" for i in self.unreadable]
        return lines


class Snapshot:
    """A snapshot folder.

    Parameters
    ----------
    root : path, optional
        The folder; default :func:`punos_lib.paths.snapshot_dir`.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        if root is None:
            from punos_lib.paths import snapshot_dir

            root = snapshot_dir()
        self.root = Path(root)
        self._manifest: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"Snapshot({str(self.root)!r})"

    # -- manifest -----------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.root / MANIFEST

    @property
    def exists(self) -> bool:
        """True when the folder has a manifest."""
        return self.manifest_path.is_file()

    def _load(self) -> dict[str, Any]:
        if self._manifest is None:
            if not self.exists:
                self._manifest = {"format": FORMAT, "version": VERSION, "entries": {}}
            else:
                try:
                    data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise SnapshotError(
                        f"{self.manifest_path}: cannot read the snapshot manifest ({exc}); "
                        "restore it, or rebuild the snapshot with `punos fetch` or `punos demo`"
                    ) from exc
                if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(
                    data.get("entries"), dict
                ):
                    raise SnapshotError(
                        f"{self.manifest_path}: not a Punos snapshot manifest (format {FORMAT!r} with "
                        "'entries' expected); rebuild it with `punos fetch` or `punos demo`"
                    )
                if data.get("version") != VERSION:
                    raise SnapshotError(
                        f"{self.manifest_path}: manifest version {data.get('version')!r} is not supported "
                        f"(expected {VERSION}); rebuild the snapshot"
                    )
                self._manifest = data
        return self._manifest

    def _save(self) -> None:
        manifest = self._load()
        manifest["entries"] = dict(sorted(manifest["entries"].items()))
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        atomic_write_bytes(self.manifest_path, text.encode("utf-8"))

    def manifest_bytes(self) -> bytes:
        """The manifest file's bytes (``b""`` when there is none); used for content hashes."""
        return self.manifest_path.read_bytes() if self.exists else b""

    # -- reading ------------------------------------------------------------------------------
    def _entry_from(self, raw: dict[str, Any]) -> Entry:
        try:
            return Entry(**raw)
        except TypeError as exc:
            raise SnapshotError(
                f"{self.manifest_path}: entry {raw.get('id', '?')!r} is malformed ({exc}); rebuild the snapshot"
            ) from exc

    def entries(self, *, dataset: str | None = None, kind: str | None = None) -> list[Entry]:
        """All entries, sorted by id, optionally only those of one dataset and/or kind."""
        result = []
        for _, raw in sorted(self._load()["entries"].items()):
            entry = self._entry_from(raw)
            if dataset is not None and entry.dataset != dataset:
                continue
            if kind is not None and entry.kind != kind and not entry.kind.startswith(kind + "-"):
                continue
            result.append(entry)
        return result

    def datasets(self) -> list[str]:
        """Sorted ids of the datasets that have at least one entry."""
        return sorted({e.dataset for e in self.entries()})

    def entry(self, entry_id: str) -> Entry:
        """The entry ``entry_id``.

        Raises
        ------
        SnapshotError
            When the snapshot has no such entry (names the dataset and what to run).
        """
        raw = self._load()["entries"].get(entry_id)
        if raw is None:
            dataset = entry_id.split("/", 1)[0]
            where = f"the snapshot at {self.root}" if self.exists else f"{self.root} (no snapshot there yet)"
            raise SnapshotError(
                f"dataset {dataset!r}: entry {entry_id!r} is not in {where}; "
                "run `punos fetch` (real data) or `punos demo` (synthetic example data), "
                "or add a file with `punos snapshot import`"
            )
        return self._entry_from(raw)

    def path_of(self, entry_id: str) -> Path:
        """Absolute path of an entry's payload file."""
        return self.root / self.entry(entry_id).path

    def read_bytes(self, entry_id: str) -> bytes:
        """The payload bytes, checked against the manifest's SHA-256.

        Raises
        ------
        SnapshotError
            Missing file, or bytes that do not match the recorded checksum.
        """
        entry = self.entry(entry_id)
        path = self.root / entry.path
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise SnapshotError(
                f"{path}: payload of {entry_id!r} cannot be read ({exc}); run `punos snapshot verify`, "
                "then `punos fetch` to restore it"
            ) from exc
        if sha256_bytes(payload) != entry.sha256:
            raise SnapshotError(
                f"{path}: payload of {entry_id!r} does not match its checksum in the manifest (changed or "
                "corrupt); run `punos snapshot verify` and re-create it with `punos fetch` or `punos demo`"
            )
        return payload

    def read_json(self, entry_id: str) -> Any:
        """The payload parsed as JSON (checksum checked)."""
        payload = self.read_bytes(entry_id)
        try:
            return json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SnapshotError(f"{self.root / self.entry(entry_id).path}: not valid JSON ({exc})") from exc

    def is_valid(self, entry_id: str) -> bool:
        """True when the entry exists and its file matches its checksum."""
        raw = self._load()["entries"].get(entry_id)
        if raw is None:
            return False
        path = self.root / raw["path"]
        return path.is_file() and sha256_bytes(path.read_bytes()) == raw["sha256"]

    def synthetic(self, dataset: str | None = None) -> bool:
        """True when any entry (of ``dataset``, if given) is synthetic."""
        return any(e.synthetic for e in self.entries(dataset=dataset))

    # -- writing ------------------------------------------------------------------------------
    def write(
        self,
        entry_id: str,
        payload: bytes,
        *,
        dataset: str,
        kind: str,
        source: str,
        media_type: str,
        licence: str,
        attribution: str,
        synthetic: bool,
        url: str | None = None,
        query: Any = None,
        updated: str | None = None,
        part: int | None = None,
        parts: int | None = None,
        note: str | None = None,
        fetched_at: str | None = None,
    ) -> Entry:
        """Store ``payload`` and record it in the manifest (both atomically).

        The file goes to ``<source>/<entry_id>.<ext>``; an existing entry with the same id is replaced.
        """
        if not isinstance(payload, bytes | bytearray):
            raise InputError(f"snapshot entry {entry_id!r}: payload must be bytes, got {type(payload).__name__}")
        if "/" not in entry_id or entry_id.startswith("/") or ".." in entry_id.split("/"):
            raise InputError(f"snapshot entry id {entry_id!r} must look like '<dataset>/<kind>[-<part>]'")
        ext = _EXTENSIONS.get(media_type, "bin")
        rel = f"{source}/{entry_id}.{ext}"
        entry = Entry(
            id=entry_id,
            dataset=dataset,
            kind=kind,
            source=source,
            path=rel,
            media_type=media_type,
            sha256=sha256_bytes(bytes(payload)),
            bytes=len(payload),
            licence=licence,
            attribution=attribution,
            synthetic=bool(synthetic),
            url=url,
            query=query,
            fetched_at=fetched_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            updated=updated,
            part=part,
            parts=parts,
            note=note,
        )
        manifest = self._load()
        old = manifest["entries"].get(entry_id)
        atomic_write_bytes(self.root / rel, bytes(payload))
        if old is not None and old.get("path") != rel:
            (self.root / old["path"]).unlink(missing_ok=True)
        manifest["entries"][entry_id] = entry.to_dict()
        self._save()
        return entry

    def remove(self, entry_ids: Iterable[str]) -> None:
        """Remove entries and their files (e.g. stale parts of a re-fetched dataset)."""
        manifest = self._load()
        for entry_id in entry_ids:
            raw = manifest["entries"].pop(entry_id, None)
            if raw is not None:
                (self.root / raw["path"]).unlink(missing_ok=True)
        self._save()

    # -- verification -------------------------------------------------------------------------
    def verify(self) -> VerifyReport:
        """Recompute every checksum and check every payload parses in its format.

        Files in the folder that the manifest does not list are reported as ``untracked``.
        """
        report = VerifyReport()
        tracked = {MANIFEST}
        for entry in self.entries():
            tracked.add(entry.path)
            path = self.root / entry.path
            if not path.is_file():
                report.missing.append(entry.id)
                continue
            payload = path.read_bytes()
            if sha256_bytes(payload) != entry.sha256:
                report.changed.append(entry.id)
                continue
            if _parse_problem(entry, path, payload) is not None:
                report.unreadable.append(entry.id)
                continue
            report.ok.append(entry.id)
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*")):
                rel = path.relative_to(self.root).as_posix()
                if path.is_file() and rel not in tracked:
                    report.untracked.append(rel)
        return report


def _parse_problem(entry: Entry, path: Path, payload: bytes) -> str | None:
    """Return why a payload does not parse in the entry's format, or None."""
    try:
        if entry.media_type == "application/json-stat2":
            from punos_lib.sources import jsonstat

            jsonstat.read(payload)
        elif entry.media_type.endswith("json"):
            json.loads(payload)
        elif entry.media_type == "text/csv":
            payload.decode("utf-8-sig")
        elif entry.media_type == "text/x-pcaxis":
            from punos_lib.sources import px

            px.read(path)
    except (ValueError, UnicodeDecodeError, ParseError) as exc:
        return str(exc)
    return None


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

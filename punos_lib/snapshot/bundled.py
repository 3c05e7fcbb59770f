"""Real statistics shipped with the project (``data/real/``) as snapshot entries (``punos bundle``).

``data/real/bundle.yaml`` lists every bundled file (written by ``tools/bundle_real_data.py`` from
recorded public responses; see ``data/real/PROVENANCE.md``): its dataset, entry kind, media type,
producer, table, period, where it was recorded from, how it was converted, SHA-256, licence and
attribution. :func:`load_bundle` decompresses each file into the snapshot in the shape
``punos fetch`` stores (PxWeb metadata JSON, json-stat2 data, classification-API key payloads,
GeoJSON in EPSG:3067), so :mod:`punos_lib.datasets` reads bundled and fetched data the same way.

Entries are ``synthetic: false`` with source :data:`SOURCE` (``"bundled"``); the note and the
query say which file, table and period they hold and where they were recorded from.

Rules (so that real data always wins and nothing real is lost):

- a dataset with entries fetched from the API or imported by hand is left as it is;
- synthetic (demo) entries of a bundled dataset are replaced;
- bundled entries already in the snapshot with the same checksums are left untouched, so a second
  run writes nothing (the manifest and the incremental run keys stay the same);
- ``punos fetch`` treats bundled entries as not complete and replaces them with fresh API data.

Examples
--------
>>> from punos_lib.snapshot import bundled
>>> report = bundled.load_bundle("/tmp/punos-snap")           # doctest: +SKIP
>>> report.written                                            # doctest: +SKIP
['municipality_boundaries', 'municipality_key', 'population', ...]
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from punos_lib.errors import SnapshotError
from punos_lib.reference import declarations
from punos_lib.snapshot.store import Snapshot, sha256_bytes

__all__ = ["SOURCE", "BundledFile", "BundleReport", "bundle_dir", "read_index", "load_bundle", "payload"]

#: ``source`` of every bundled entry (the snapshot folder ``<snapshot>/bundled/``).
SOURCE = "bundled"
INDEX = "bundle.yaml"
_FIELDS = ("dataset", "kind", "media_type", "producer", "table", "title", "period", "licence",
           "attribution", "recorded_from", "conversion", "sha256")


@dataclass(frozen=True)
class BundledFile:
    """One file of ``data/real/`` and its provenance (one record of ``bundle.yaml``)."""

    name: str
    dataset: str
    kind: str
    media_type: str
    producer: str
    table: str
    title: str
    period: str
    licence: str
    attribution: str
    recorded_from: dict[str, str]
    conversion: str
    sha256: str
    url: str | None = None
    updated: str | None = None
    year: int | None = None
    converted: str | None = None

    @property
    def recorded_line(self) -> str:
        """``owner/repo @ commit, path``: where the file was recorded from."""
        src = self.recorded_from
        return f"{src.get('repository')} @ {src.get('commit')}, {src.get('path')}"


@dataclass
class BundleReport:
    """What :func:`load_bundle` did, per dataset id."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_real: list[str] = field(default_factory=list)
    not_declared: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [f"bundled real data: written {len(self.written)}, already in the snapshot "
                 f"{len(self.unchanged)}, kept (fetched or imported) {len(self.kept_real)}"]
        if self.written:
            lines.append(f"  written: {', '.join(self.written)}")
        if self.kept_real:
            lines.append(f"  kept as fetched or imported: {', '.join(self.kept_real)}")
        if self.not_declared:
            lines.append(f"  not declared in data/datasets.yaml, skipped: {', '.join(self.not_declared)}")
        return "\n".join(lines)


def bundle_dir() -> Path:
    """``<project>/data/real``."""
    from punos_lib.paths import data_dir

    return data_dir() / "real"


def read_index(folder: str | os.PathLike[str] | None = None) -> list[BundledFile]:
    """The records of ``bundle.yaml`` (in file order).

    Raises
    ------
    SnapshotError
        The index is missing, not YAML, or a record lacks a field (names the file and field).
    """
    root = Path(folder) if folder is not None else bundle_dir()
    path = root / INDEX
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read the index of the bundled real data ({exc}); "
                            "restore data/real/ from the repository") from exc
    except yaml.YAMLError as exc:
        raise SnapshotError(f"{path}: not valid YAML ({exc}); regenerate it with "
                            "tools/bundle_real_data.py") from exc
    if not isinstance(data, dict) or data.get("format") != "punos-bundle" or not isinstance(data.get("files"), dict):
        raise SnapshotError(f"{path}: not a bundle index (format 'punos-bundle' with 'files' expected)")
    out = []
    for name, rec in data["files"].items():
        if not isinstance(rec, dict):
            raise SnapshotError(f"{path}: record {name!r} is not a mapping")
        lacking = [f for f in _FIELDS if not rec.get(f)]
        if lacking:
            raise SnapshotError(f"{path}: record {name!r} lacks {', '.join(lacking)}")
        known = {k: rec[k] for k in BundledFile.__dataclass_fields__ if k in rec and k != "name"}
        out.append(BundledFile(name=str(name), **known))
    return out


def payload(item: BundledFile, folder: str | os.PathLike[str] | None = None) -> bytes:
    """The decompressed payload of a bundled file, after checking its SHA-256.

    Raises
    ------
    SnapshotError
        The file is missing, changed (checksum differs from ``bundle.yaml``) or not gzip.
    """
    root = Path(folder) if folder is not None else bundle_dir()
    path = root / item.name
    try:
        packed = path.read_bytes()
    except OSError as exc:
        raise SnapshotError(f"{path}: bundled file cannot be read ({exc}); restore data/real/ from "
                            "the repository") from exc
    if sha256_bytes(packed) != item.sha256:
        raise SnapshotError(f"{path}: does not match its checksum in {root / INDEX} (changed or corrupt); "
                            "restore it from the repository or rerun tools/bundle_real_data.py")
    try:
        return gzip.decompress(packed)
    except (OSError, EOFError) as exc:
        raise SnapshotError(f"{path}: not a gzip file ({exc}); restore it from the repository") from exc


def _entries_of(items: list[BundledFile], folder: Path | None) -> list[tuple[str, bytes, BundledFile, dict[str, Any]]]:
    """(entry id, payload, file, extra write arguments) of one dataset's files."""
    data = [i for i in items if i.kind == "data"]
    out = []
    for item in items:
        body = payload(item, folder)
        query: dict[str, Any] = {"bundled_file": f"data/real/{item.name}", "table": item.table,
                                 "period": item.period}
        if item.kind == "data":
            number = data.index(item) + 1
            out.append((f"{item.dataset}/data-{number}", body, item,
                        {"part": number, "parts": len(data), "query": query}))
        elif item.kind == "key":
            named = json.loads(body)
            names = sorted(named)
            for number, name in enumerate(names, start=1):
                part = json.dumps(named[name], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                # datasets reads the key payloads by their request name, as fetch stores them
                out.append((f"{item.dataset}/key-{number}", part, item,
                            {"part": number, "parts": len(names),
                             "query": {**query, "name": name, "year": item.year}}))
        else:
            out.append((f"{item.dataset}/{item.kind}", body, item, {"query": query}))
    return out


def load_bundle(
    snapshot_dir: str | os.PathLike[str] | None = None,
    *,
    folder: str | os.PathLike[str] | None = None,
    declaration_path: str | os.PathLike[str] | None = None,
) -> BundleReport:
    """Write the bundled real data into the snapshot (see the module docstring for the rules).

    Parameters
    ----------
    snapshot_dir : path, optional
        Default :func:`punos_lib.paths.snapshot_dir`.
    folder : path, optional
        The bundled files and ``bundle.yaml``; default ``data/real``.
    declaration_path : path, optional
        The declaration; only declared datasets are written.

    Raises
    ------
    SnapshotError
        A bundled file is missing or changed; nothing of its dataset is written.
    """
    snap = Snapshot(snapshot_dir)
    root = Path(folder) if folder is not None else None
    declared = {d.id for d in declarations.load(declaration_path)}
    by_dataset: dict[str, list[BundledFile]] = {}
    for item in read_index(folder):
        by_dataset.setdefault(item.dataset, []).append(item)
    report = BundleReport()
    todo: list[tuple[str, list[Any], list[Any]]] = []
    for dataset in sorted(by_dataset):
        if dataset not in declared:
            report.not_declared.append(dataset)
            continue
        existing = snap.entries(dataset=dataset) if snap.exists else []
        if any(not e.synthetic and e.source != SOURCE for e in existing):
            report.kept_real.append(dataset)  # fetched from the API or imported: never overwritten
            continue
        # every bundled file is read and checked before anything is written
        wanted = _entries_of(by_dataset[dataset], root)
        current = {e.id: e.sha256 for e in existing}
        if current == {entry_id: sha256_bytes(body) for entry_id, body, _, _ in wanted} and all(
                e.source == SOURCE for e in existing):
            report.unchanged.append(dataset)
            continue
        todo.append((dataset, existing, wanted))
    if not todo:
        return report
    # A bundle killed half-way leaves the in-progress marker, so verify reports it.
    with snap.writing("punos bundle"):
        for dataset, existing, wanted in todo:
            _write_dataset(snap, dataset, existing, wanted)
            report.written.append(dataset)
    return report


def _write_dataset(snap: Snapshot, dataset: str, existing: list[Any], wanted: list[Any]) -> None:
    """Replace the dataset's entries (synthetic or older bundled ones) by the bundled files."""
    for entry_id, body, item, extra in wanted:
        note = (f"bundled real data recorded from {item.recorded_line}; converted: {item.conversion}. "
                f"{item.title}, {item.period}.")
        snap.write(entry_id, body, dataset=dataset, kind=item.kind, source=SOURCE,
                   media_type=item.media_type, url=item.url, updated=item.updated,
                   licence=item.licence, attribution=item.attribution, synthetic=False, note=note,
                   fetched_at=item.converted, **extra)
    stale = [e.id for e in existing if e.id not in {w[0] for w in wanted}]
    if stale:
        snap.remove(stale)

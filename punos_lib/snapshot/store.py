"""The pinned data snapshot: raw payloads exactly as received, with provenance.

Layout (see docs/architecture.md)::

    <root>/manifest.json
    <root>/<source>/<dataset>/<kind>[-<part>].<ext>
    <root>/.cache/                      parsed frames (punos_lib.snapshot.cache; not part of the snapshot)
    <root>/.write-in-progress.json      only while a write runs, or after one was interrupted

Every payload and the manifest are written atomically (temporary file in the same folder, then
``os.replace``), so an interrupted fetch never leaves a half-written file behind, and a re-run
resumes by skipping entries whose bytes still match their checksum. A write of several entries
(``punos demo``, ``punos fetch``) is bracketed by an in-progress marker: a run killed half-way
leaves the marker, and :meth:`Snapshot.verify` reports the snapshot as interrupted instead of ok.

The manifest is not trusted: every entry is checked before it is used (an object with the
required fields of the right types, a payload path inside the snapshot folder, also after
following symlinks); a bad entry is a :class:`~punos_lib.errors.SnapshotError` naming it.

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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from punos_lib._atomic import atomic_write_bytes
from punos_lib.errors import InputError, ParseError, SnapshotError

__all__ = ["Entry", "Snapshot", "VerifyReport", "sha256_bytes", "CACHE_DIR", "MANIFEST", "WRITE_MARKER"]

MANIFEST = "manifest.json"
FORMAT = "punos-snapshot"
VERSION = 1
# Parsed frames derived from the payloads (punos_lib.snapshot.cache): not snapshot content, so
# verify neither checks nor lists them, and deleting the folder only costs a re-parse.
CACHE_DIR = ".cache"
# Present from the start of a write until its manifest is saved; left behind when a write dies.
WRITE_MARKER = ".write-in-progress.json"

_EXTENSIONS = {
    "application/json": "json",
    "application/json-stat2": "json",
    "application/geo+json": "geojson",
    "text/csv": "csv",
    "text/x-pcaxis": "px",
    "application/x-pxweb-json": "json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}

# Field → accepted types of a manifest entry (the dataclass below is the schema).
_REQUIRED_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "dataset": (str,), "kind": (str,), "source": (str,), "path": (str,),
    "media_type": (str,), "sha256": (str,), "bytes": (int,), "licence": (str,),
    "attribution": (str,), "synthetic": (bool,),
}
_OPTIONAL_FIELDS: dict[str, tuple[type, ...]] = {
    "url": (str,), "fetched_at": (str,), "updated": (str,), "part": (int,), "parts": (int,),
    "note": (str,), "query": (dict, list, str, int, float, bool),
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
    """Result of :meth:`Snapshot.verify`; ``problems`` is empty when everything matches.

    Attributes
    ----------
    ok, missing, changed, unreadable : list of str
        Entry ids by outcome.
    malformed : list of str
        ``"<entry id>: <why>"`` for entries that are not usable at all (not an object, fields
        missing or of the wrong type, a path leaving the snapshot folder).
    interrupted : str or None
        Why the snapshot counts as half-written (the in-progress marker is present).
    temporary : list of str
        Temporary files of atomic writes that never finished (removed by the next write).
    untracked : list of str
        Other files the manifest does not list (a warning, not a problem).
    """

    ok: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    interrupted: str | None = None
    temporary: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """One line per problem (untracked files are warnings, not problems)."""
        lines = [f"interrupted write: {self.interrupted}"] if self.interrupted else []
        lines += [f"malformed entry {m}" for m in self.malformed]
        lines += [f"missing: {i}" for i in self.missing]
        lines += [f"changed (checksum differs): {i}" for i in self.changed]
        lines += [f"unreadable: {i}" for i in self.unreadable]
        lines += [f"temporary file of an unfinished write: {t} (the next write removes it)" for t in self.temporary]
        return lines


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except (OSError, ValueError, OverflowError):
        return False
    return True


class Snapshot:
    """A snapshot folder.

    Parameters
    ----------
    root : path, optional
        The folder; default :func:`punos_lib.paths.snapshot_dir`.

    Raises
    ------
    SnapshotError
        ``root`` exists but is not a folder.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        if root is None:
            from punos_lib.paths import snapshot_dir

            root = snapshot_dir()
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise SnapshotError(
                f"{self.root}: the snapshot must be a folder, but this is a file; give a folder "
                "(or leave --snapshot / PUNOS_SNAPSHOT out for data/snapshot)"
            )
        self._manifest: dict[str, Any] | None = None
        self._checked: dict[str, tuple[Any, Entry]] = {}  # entry id → (manifest record, its checked Entry)
        self._writing = 0  # nesting depth of writes of this object
        self._repairs = False  # the current outermost write rewrites everything (clears an old marker)
        self._inherited: dict[str, Any] | None = None  # a marker left by an earlier, interrupted write

    def __repr__(self) -> str:
        return f"Snapshot({str(self.root)!r})"

    # -- manifest -----------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.root / MANIFEST

    @property
    def cache_dir(self) -> Path:
        """Folder of the parsed-frame cache (``<root>/.cache``; see :mod:`punos_lib.snapshot.cache`)."""
        return self.root / CACHE_DIR

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

    # -- checking entries ---------------------------------------------------------------------
    def _bad(self, entry_id: object, why: str) -> SnapshotError:
        return SnapshotError(
            f"{self.manifest_path}: entry {entry_id!r} {why}; fix the entry or rebuild the snapshot "
            "with `punos fetch` or `punos demo` (`punos snapshot verify` lists every bad entry)"
        )

    def _entry_from(self, key: str, raw: Any) -> Entry:
        """The checked :class:`Entry` of manifest item ``key`` (never trusts the manifest)."""
        known = self._checked.get(key)
        if known is not None and known[0] is raw:
            return known[1]  # the same manifest record, already checked
        why = _entry_problem(key, raw)
        if why is not None:
            raise self._bad(key, why)
        entry = Entry(**raw)
        self._checked[key] = (raw, entry)
        return entry

    def _check_path(self, entry_id: str, rel: str) -> None:
        why = _path_problem(rel)
        if why is not None:
            raise self._bad(entry_id, why)

    def _escape(self, entry: Entry) -> str | None:
        """Why the entry's payload path leads out of the folder through a symlink, or None."""
        target = (self.root / entry.path).resolve()
        if target.is_relative_to(self.root.resolve()):
            return None
        return f"has the path {entry.path!r}, which leads out of the snapshot folder (to {target}) through a symlink"

    def _payload_path(self, entry: Entry) -> Path:
        """The payload file of a checked entry, refused when a symlink leads out of the folder."""
        why = self._escape(entry)
        if why is not None:
            raise self._bad(entry.id, why)
        return self.root / entry.path

    # -- reading ------------------------------------------------------------------------------
    def entries(self, *, dataset: str | None = None, kind: str | None = None) -> list[Entry]:
        """All entries, sorted by id, optionally only those of one dataset and/or kind.

        Raises
        ------
        SnapshotError
            An entry of the manifest is malformed (names the entry).
        """
        result = []
        for key, raw in sorted(self._load()["entries"].items()):
            entry = self._entry_from(key, raw)
            if dataset is not None and entry.dataset != dataset:
                continue
            if kind is not None and entry.kind != kind and not entry.kind.startswith(kind + "-"):
                continue
            result.append(entry)
        return result

    def provenance(self) -> list[dict[str, Any]]:
        """Every entry's manifest record (checked), sorted by id: what a provenance listing shows.

        Returns
        -------
        list of dict
            :meth:`Entry.to_dict` of each entry (``id, dataset, kind, source, url, fetched_at,
            updated, sha256, licence, attribution, synthetic, …``).
        """
        return [e.to_dict() for e in self.entries()]

    def datasets(self) -> list[str]:
        """Sorted ids of the datasets that have at least one entry."""
        return sorted({e.dataset for e in self.entries()})

    def entry(self, entry_id: str) -> Entry:
        """The entry ``entry_id``.

        Raises
        ------
        SnapshotError
            When the snapshot has no such entry (names the dataset and what to run), or the entry
            is malformed.
        """
        entries = self._load()["entries"]
        if entry_id not in entries:
            dataset = entry_id.split("/", 1)[0]
            where = f"the snapshot at {self.root}" if self.exists else f"{self.root} (no snapshot there yet)"
            raise SnapshotError(
                f"dataset {dataset!r}: entry {entry_id!r} is not in {where}; "
                "run `punos fetch` (real data) or `punos demo` (synthetic example data), "
                "or add a file with `punos snapshot import`"
            )
        return self._entry_from(entry_id, entries[entry_id])

    def path_of(self, entry_id: str) -> Path:
        """Path of an entry's payload file (checked to lie inside the snapshot folder)."""
        return self._payload_path(self.entry(entry_id))

    def read_bytes(self, entry_id: str) -> bytes:
        """The payload bytes, checked against the manifest's SHA-256.

        Raises
        ------
        SnapshotError
            Missing file, bytes that do not match the recorded checksum, or a malformed entry.
        """
        entry = self.entry(entry_id)
        path = self._payload_path(entry)
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
        """True when the entry exists and its file matches its checksum.

        Raises
        ------
        SnapshotError
            The entry is malformed.
        """
        if entry_id not in self._load()["entries"]:
            return False
        entry = self.entry(entry_id)
        path = self._payload_path(entry)
        return path.is_file() and sha256_bytes(path.read_bytes()) == entry.sha256

    def synthetic(self, dataset: str | None = None) -> bool:
        """True when any entry (of ``dataset``, if given) is synthetic."""
        return any(e.synthetic for e in self.entries(dataset=dataset))

    # -- writing ------------------------------------------------------------------------------
    @property
    def marker_path(self) -> Path:
        """The in-progress marker (present only during, or after an interrupted, write)."""
        return self.root / WRITE_MARKER

    def _read_marker(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.marker_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return {"what": "an unknown write", "pid": None, "started": None}
        return data if isinstance(data, dict) else {"what": "an unknown write", "pid": None, "started": None}

    def _temporary_files(self) -> list[Path]:
        """Temporary files of atomic writes (``.<name>.<random>.tmp``) outside the cache folder."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.rglob(".*.tmp")
                      if p.is_file() and p.relative_to(self.root).parts[0] != CACHE_DIR)

    def begin_write(self, what: str, *, repairs: bool = False) -> None:
        """Mark the snapshot as being written (before the first payload is replaced).

        Calls nest; the outermost :meth:`end_write` removes the marker. A marker left by an
        earlier write that died is kept (the snapshot may still be half-written) unless this
        write ``repairs`` it, i.e. rewrites every dataset (``punos demo``, a complete ``punos
        fetch``). Temporary files of unfinished atomic writes are removed here.

        Parameters
        ----------
        what : str
            What writes, for the marker (``"punos demo"``).
        repairs : bool
            This write replaces every dataset, so an earlier interruption no longer matters.

        Raises
        ------
        SnapshotError
            Another live process is writing this snapshot.
        """
        self._writing += 1
        if self._writing > 1:
            return
        try:
            old = self._read_marker()
            pid = old.get("pid") if old else None
            if isinstance(pid, int) and not isinstance(pid, bool) and pid != os.getpid() and _pid_alive(pid):
                raise SnapshotError(
                    f"{self.root}: {old.get('what')} (pid {pid}, started {old.get('started')}) is writing this "
                    f"snapshot; wait for it to finish (if no such process runs, delete {self.marker_path})"
                )
            self._inherited = old
            self._repairs = repairs
            self.root.mkdir(parents=True, exist_ok=True)
            for tmp in self._temporary_files():
                tmp.unlink(missing_ok=True)
            marker = {"what": what, "pid": os.getpid(), "started": _now()}
            if old is not None:
                marker["interrupted_before"] = old
            atomic_write_bytes(self.marker_path, (json.dumps(marker, ensure_ascii=False) + "\n").encode("utf-8"))
        except BaseException:
            self._writing -= 1
            raise

    def end_write(self, *, repaired: bool = True) -> None:
        """Close :meth:`begin_write`; the outermost call removes (or restores) the marker.

        Parameters
        ----------
        repaired : bool
            False when a write begun with ``repairs=True`` did not redo everything after all
            (some datasets failed), so a marker left by an earlier interrupted write is kept.
        """
        if self._writing == 0:
            return
        self._writing -= 1
        if self._writing:
            return
        if self._inherited is not None and not (self._repairs and repaired):
            # An earlier write died; this one did not redo everything, so the warning stays.
            text = json.dumps(self._inherited, ensure_ascii=False) + "\n"
            atomic_write_bytes(self.marker_path, text.encode("utf-8"))
        else:
            self.marker_path.unlink(missing_ok=True)
        self._inherited = None
        self._repairs = False

    @contextmanager
    def writing(self, what: str, *, repairs: bool = False) -> Iterator[Snapshot]:
        """``with snap.writing("punos fetch"):`` — :meth:`begin_write` … :meth:`end_write`.

        When the block raises, the marker stays: the snapshot may be half-written, and verify
        says so until a write that ``repairs`` it completes.
        """
        self.begin_write(what, repairs=repairs)
        yield self
        self.end_write()

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
        self._check_path(entry_id, rel)
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
            fetched_at=fetched_at or _now(),
            updated=updated,
            part=part,
            parts=parts,
            note=note,
        )
        manifest = self._load()
        old = self.entry(entry_id) if entry_id in manifest["entries"] else None
        old_path = self._payload_path(old) if old is not None else None
        self.begin_write(f"writing {entry_id}")
        try:
            atomic_write_bytes(self._payload_path(entry), bytes(payload))
            if old_path is not None and old is not None and old.path != rel:
                old_path.unlink(missing_ok=True)
            manifest["entries"][entry_id] = entry.to_dict()
            self._save()
        finally:
            # One entry's write is consistent either way (checksums tell a replaced payload).
            self.end_write()
        return entry

    def remove(self, entry_ids: Iterable[str]) -> None:
        """Remove entries and their files (e.g. stale parts of a re-fetched dataset)."""
        manifest = self._load()
        doomed = [(i, self._payload_path(self.entry(i))) for i in entry_ids if i in manifest["entries"]]
        if not doomed:
            return
        self.begin_write("removing " + ", ".join(i for i, _ in doomed))
        try:
            for entry_id, path in doomed:
                manifest["entries"].pop(entry_id)
                path.unlink(missing_ok=True)
            self._save()
        finally:
            self.end_write()

    # -- verification -------------------------------------------------------------------------
    def verify(self) -> VerifyReport:
        """Recompute every checksum and check every payload parses in its format.

        Also reports malformed entries (one line each, naming the entry), an interrupted write
        (the in-progress marker) and temporary files of unfinished writes. Files in the folder
        that the manifest does not list are reported as ``untracked``; the parsed-frame cache
        folder (``.cache``) is not snapshot content and is ignored.
        """
        report = VerifyReport()
        marker = self._read_marker()
        if marker is not None:
            pid = marker.get("pid")
            running = isinstance(pid, int) and pid != os.getpid() and _pid_alive(pid)
            state = "is still running" if running else "did not finish"
            report.interrupted = (
                f"{marker.get('what')} (pid {pid}, started {marker.get('started')}) {state}; the snapshot may "
                "be half-written: run `punos demo` or `punos fetch` again"
            )
        tracked = {MANIFEST, WRITE_MARKER}
        for key, raw in sorted(self._load()["entries"].items()):
            why = _entry_problem(key, raw)
            entry = Entry(**raw) if why is None else None
            if entry is not None:
                why = self._escape(entry)
            if entry is None or why is not None:
                report.malformed.append(f"{key!r} {why}")
                continue
            path = self.root / entry.path
            tracked.add(entry.path)
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
        temporary = set(self._temporary_files())
        report.temporary = [p.relative_to(self.root).as_posix() for p in sorted(temporary)]
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*")):
                rel = path.relative_to(self.root)
                if rel.parts[0] == CACHE_DIR or path in temporary:
                    continue
                if path.is_file() and rel.as_posix() not in tracked:
                    report.untracked.append(rel.as_posix())
        return report


def _path_problem(rel: str) -> str | None:
    """Why a payload path is not a plain relative path inside the folder, or None."""
    pure = PurePosixPath(rel)
    if rel.strip() == "" or pure.is_absolute() or "\\" in rel or (len(rel) > 1 and rel[1] == ":"):
        return f"has the path {rel!r}; payload paths are relative to the snapshot folder"
    if ".." in pure.parts:
        return f"has the path {rel!r}, which leaves the snapshot folder"
    if pure.parts[0] in (CACHE_DIR, MANIFEST, WRITE_MARKER):
        return f"has the path {rel!r}, which is reserved for the snapshot itself"
    return None


def _entry_problem(key: str, raw: Any) -> str | None:
    """Why manifest item ``key`` is not a usable entry (as ``"is …"``/``"has …"``), or None."""
    if not isinstance(raw, dict):
        return f"is not an object but {type(raw).__name__} {raw!r:.60}"
    missing = [name for name in _REQUIRED_FIELDS if raw.get(name) is None]
    if missing:
        return f"lacks the field(s) {', '.join(missing)}"
    unknown = sorted(set(raw) - set(_REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS))
    if unknown:
        return f"has unknown field(s) {', '.join(map(str, unknown))}"
    for name, types in {**_REQUIRED_FIELDS, **_OPTIONAL_FIELDS}.items():
        value = raw.get(name)
        # bool is an int in Python: `"bytes": true` is as wrong as a string
        wrong_bool = isinstance(value, bool) and bool not in types
        if value is not None and (not isinstance(value, types) or wrong_bool):
            wanted = " or ".join(t.__name__ for t in types)
            return f"has the field {name!r} = {value!r:.60} ({type(value).__name__}, not {wanted})"
    if raw["id"] != key:
        return f"says its id is {raw['id']!r}"
    return _path_problem(raw["path"])


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

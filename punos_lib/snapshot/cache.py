"""Parsed frames of snapshot payloads, stored once and shared by every notebook and worker.

Every notebook of a run reads the same payloads; parsing them is most of a notebook's data
time. :func:`frame` parses a dataset's payloads once per snapshot and keeps the tidy frame as an
Arrow IPC file (Feather v2, LZ4-compressed; fast to read, never pickle)::

    <snapshot>/.cache/frames/<key>.arrow

The cache sits in the snapshot folder because it belongs to the payloads (a copied or moved
snapshot takes its cache along, every worker that reads the snapshot finds it) and outputs may
be cleaned separately. The snapshot does not count it as content: :meth:`Snapshot.verify
<punos_lib.snapshot.store.Snapshot.verify>` neither checks nor lists it, and deleting the folder
only costs a re-parse. ``PUNOS_CACHE=0`` turns the cache off (parse every time).

The key is a SHA-256 over the cache format, the versions of pandas and pyarrow, the source
code of the readers (``punos_lib/sources``, :mod:`punos_lib.snapshot.importing`, this module),
what is built (``recipe``) and the ``sha256`` of every payload it reads, so a changed payload
or reader gives another key and a stale frame is never read. Files are written atomically
(temporary file, then rename): two processes building the same key at once write the same
frame and the last rename wins; a reader never sees half a file.

A frame is stored only when it comes back exactly as built: the same columns, index, dtypes
(categoricals with their categories and order), values (``None`` and ``NaN`` kept apart in
object columns) and ``attrs`` (kept as JSON in the file's schema metadata). Anything else —
a GeoDataFrame, attrs that are not plain JSON, an object column mixing ``None`` and ``NaN`` — is
returned as built and not cached, so the cache never changes what a study shows.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from punos_lib._atomic import atomic_write_bytes
from punos_lib.snapshot.store import Entry, Snapshot

__all__ = ["frame", "key", "enabled", "clear"]

FORMAT = "punos-frame-cache/1"
FOLDER = "frames"
_ATTRS = b"punos.attrs"
_OBJECTS = b"punos.object_columns"  # object text columns → missing values are None (else NaN)


def enabled() -> bool:
    """False when ``PUNOS_CACHE`` is ``0``/``false``/``no``/``off``, or pyarrow is not installed."""
    if os.environ.get("PUNOS_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return _have_pyarrow()


@functools.lru_cache(maxsize=1)
def _have_pyarrow() -> bool:
    # An environment made before pyarrow became a dependency still builds, only without the cache.
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """SHA-256 of the code that turns payloads into frames, and of the libraries' versions."""
    import pyarrow

    package = Path(__file__).resolve().parent.parent
    files = sorted((package / "sources").rglob("*.py"))
    files += [package / "snapshot" / "importing.py", Path(__file__).resolve()]
    digest = hashlib.sha256(f"{FORMAT}|pandas {pd.__version__}|pyarrow {pyarrow.__version__}".encode())
    for file in files:
        digest.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def key(entries: Sequence[Entry], recipe: str) -> str:
    """The cache key of the frame ``recipe`` builds from ``entries`` (their sha256, in order).

    Examples
    --------
    >>> from punos_lib.snapshot.store import Entry
    >>> e = Entry(id="a/data", dataset="a", kind="data", source="demo", path="demo/a/data.json",
    ...           media_type="application/json", sha256="0" * 64, bytes=2, licence="x",
    ...           attribution="x", synthetic=True)
    >>> key([e], "load:a") == key([e], "load:a") != key([e], "load:b")
    True
    """
    digest = hashlib.sha256(f"{_code_fingerprint()}|{recipe}".encode())
    for entry in entries:
        digest.update(f"|{entry.id}|{entry.media_type}|{entry.sha256}".encode())
    return digest.hexdigest()


def clear(snap: Snapshot) -> None:
    """Delete the cached frames of ``snap`` (they are rebuilt when next needed)."""
    folder = snap.cache_dir / FOLDER
    if folder.is_dir():
        for file in folder.iterdir():
            if file.is_file():
                file.unlink(missing_ok=True)


def frame(snap: Snapshot, entries: Sequence[Entry], build: Callable[[], Any], *, recipe: str) -> Any:
    """The frame ``build()`` makes from ``entries``, read from the cache when it is there.

    Parameters
    ----------
    snap : Snapshot
        The snapshot the entries belong to (its ``.cache`` folder holds the files).
    entries : sequence of Entry
        Every entry ``build`` reads; their checksums are part of the key, and on a hit each
        payload is still checked against its checksum (a corrupted payload is refused, never
        hidden behind its cached frame).
    build : callable
        Parses the payloads; called on a miss (or always, when the cache is off).
    recipe : str
        What is built (e.g. ``"load:population"``), part of the key.

    Returns
    -------
    object
        The frame (a fresh object the caller may modify), or whatever ``build`` returned when it
        cannot be cached.
    """
    if not enabled() or not snap.exists:
        return build()
    path = snap.cache_dir / FOLDER / f"{key(entries, recipe)}.arrow"
    if path.is_file():
        for entry in entries:
            _check_payload(snap, entry)  # raises on a changed payload, as a parse would
        cached = _read(path)
        if cached is not None:
            return cached
    built = build()
    if type(built) is pd.DataFrame:
        payload = _encode(built)
        if payload is not None:
            try:
                atomic_write_bytes(path, payload)
            except OSError:
                pass  # a read-only snapshot still works, only slower
    return built


# (path, sha256, size, mtime) of payloads whose checksum this process has already verified
_VERIFIED: set[tuple[str, str, int, int]] = set()


def _check_payload(snap: Snapshot, entry: Entry) -> None:
    """The payload matches its checksum (hashed once per process while the file is unchanged)."""
    path = snap.path_of(entry.id)
    try:
        stat = path.stat()
    except OSError:
        snap.read_bytes(entry.id)  # raises the snapshot's own error for a missing file
        return
    seen = (str(path.resolve()), entry.sha256, stat.st_size, stat.st_mtime_ns)
    if seen not in _VERIFIED:
        snap.read_bytes(entry.id)
        _VERIFIED.add(seen)


# -- encoding ---------------------------------------------------------------------------------


def _object_columns(df: pd.DataFrame) -> dict[str, bool] | None:
    """Object columns → True when their missing values are None (False: NaN or none missing).

    None when a column mixes None and NaN, or holds something other than text (neither would
    come back as it was).
    """
    found = {}
    for col in df.columns:
        series = df[col]
        if series.dtype != object:
            continue
        values = series.to_numpy()
        missing = series.isna().to_numpy()
        kinds = {v is None for v in values[missing]}
        if len(kinds) > 1:
            return None
        if pd.api.types.infer_dtype(values[~missing], skipna=False) not in ("string", "empty"):
            return None
        found[str(col)] = kinds == {True}
    return found


def _encode(df: pd.DataFrame) -> bytes | None:
    """Arrow IPC bytes of ``df`` when it round-trips exactly, else None."""
    import pyarrow as pa

    if not all(isinstance(c, str) for c in df.columns) or not df.columns.is_unique:
        return None
    try:
        attrs = json.dumps(df.attrs, ensure_ascii=False, sort_keys=True, allow_nan=False)
        if json.loads(attrs) != df.attrs:
            return None  # e.g. tuples, which JSON would turn into lists
    except (TypeError, ValueError):
        return None
    objects = _object_columns(df)
    if objects is None:
        return None
    # Object text columns (e.g. the status symbols, mostly missing) are stored dictionary-encoded:
    # small on disk and rebuilt as object arrays with one lookup instead of one object per cell.
    stored = df.copy(deep=False)
    for col in objects:
        stored[col] = pd.Categorical(df[col])
    try:
        table = pa.Table.from_pandas(stored, preserve_index=None)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    meta = dict(table.schema.metadata or {})
    meta[_ATTRS] = attrs.encode("utf-8")
    meta[_OBJECTS] = json.dumps(objects).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    payload = sink.getvalue().to_pybytes()
    back = _decode(payload)
    return payload if back is not None and _identical(df, back) else None


def _read(path: Path) -> pd.DataFrame | None:
    try:
        payload = path.read_bytes()
    except OSError:
        return None
    return _decode(payload)


def _decode(payload: bytes) -> pd.DataFrame | None:
    import numpy as np
    import pyarrow as pa

    try:
        table = pa.ipc.open_file(pa.py_buffer(payload)).read_all()
        meta = table.schema.metadata or {}
        attrs = json.loads(meta[_ATTRS])
        objects = json.loads(meta[_OBJECTS])
        df = table.to_pandas()
    except (pa.ArrowException, KeyError, ValueError, TypeError):
        return None  # a damaged or foreign file is a miss, rebuilt and replaced
    for col, none in objects.items():
        cat = df[col].array
        lookup = np.append(cat.categories.to_numpy(dtype=object), None if none else np.nan)
        df[col] = pd.Series(lookup[cat.codes], index=df.index, dtype=object, copy=False)  # code -1 → missing
    df.attrs = attrs
    return df


def _identical(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same columns, index, dtypes (categories and their dtype too), values and attrs."""
    if list(a.columns) != list(b.columns) or type(a.index) is not type(b.index) or not a.index.equals(b.index):
        return False
    if a.index.dtype != b.index.dtype or a.attrs != b.attrs:
        return False
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype != y.dtype or str(x.dtype) != str(y.dtype):
            return False
        if isinstance(x.dtype, pd.CategoricalDtype):
            if x.cat.categories.dtype != y.cat.categories.dtype or x.cat.ordered != y.cat.ordered:
                return False
            if not x.cat.categories.equals(y.cat.categories):
                return False
        if not x.equals(y):
            return False
        if x.dtype == object:
            mx, my = x.isna().to_numpy(), y.isna().to_numpy()
            if not (mx == my).all():
                return False
            if [v is None for v in x.to_numpy()[mx]] != [v is None for v in y.to_numpy()[my]]:
                return False
            if [type(v) for v in x.to_numpy()[~mx]] != [type(v) for v in y.to_numpy()[~my]]:
                return False
    return True

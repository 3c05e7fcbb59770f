"""``punos snapshot import``: add a table a researcher downloaded by hand to the snapshot.

Accepted files, by the dataset's declaration (``data/datasets.yaml``):

- a StatFin table (``source: statfin``): PC-Axis ``.px``, json-stat2 or PX-JSON (PxWeb "json")
  ``.json``, or a PxWeb Excel workbook ``.xlsx`` — the formats StatFin's web interface saves;
- a hand import (``source: import``): the declared ``format`` (a CSV with the declared columns).

Everything is checked before anything is written, and a file that does not fit is refused with
the file, the row/sheet/cell and what was expected:

- the file parses in its format (:mod:`punos_lib.sources.px`, :mod:`~punos_lib.sources.jsonstat`,
  :mod:`~punos_lib.sources.pxjson`, :mod:`~punos_lib.sources.pxexcel`);
- a StatFin file is the declared table (when the file names its table) and fits the declared
  selection: it has the area and time variables, the contents codes the declaration lists, and no
  variable with several values that the declaration does not select (a declared variable may be
  missing: an export that eliminates it holds its total);
- a CSV has the declared columns; ``value`` holds numbers (blank = suppressed), ``year`` a year,
  ``region``/``area`` a known area code (``SSS``, a region ``MKxx``, a municipality ``KUxxx`` of the
  2025 key or merged into it).

The entry is ``<dataset>/import``, ``synthetic: false``, and replaces the dataset's other entries.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from punos_lib.errors import InputError, ParseError, SelectionError, ValidationError
from punos_lib.reference import declarations
from punos_lib.reference.declarations import Declaration
from punos_lib.snapshot.store import Entry, Snapshot

__all__ = ["import_file", "read", "MEDIA_TYPES", "XLSX", "PX_JSON"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PX_JSON = "application/x-pxweb-json"
JSON_STAT = "application/json-stat2"
#: media type of each importable format
MEDIA_TYPES = {"px": "text/x-pcaxis", "json-stat2": JSON_STAT, "px-json": PX_JSON, "xlsx": XLSX, "csv": "text/csv"}
_STATFIN_FORMATS = (".px", ".json", ".xlsx")
_MAX_PROBLEMS = 10
_YEAR = re.compile(r"\d{4}")
_AREA_COLUMNS = ("region", "area")


def read(path: str | os.PathLike[str], media_type: str) -> pd.DataFrame:
    """The tidy frame (StatFin formats) or text frame (CSV) of an imported file.

    The one reader of imported payloads: :func:`import_file` checks with it, and
    :mod:`punos_lib.datasets` loads the stored entry with it.

    Raises
    ------
    ParseError
        The file does not parse in its format.
    InputError
        An unknown media type.
    """
    src = Path(path)
    if media_type == "text/x-pcaxis":
        from punos_lib.sources import px

        return px.read(src)
    if media_type == JSON_STAT:
        from punos_lib.sources import jsonstat

        return jsonstat.read(src)
    if media_type == PX_JSON:
        from punos_lib.sources import pxjson

        return pxjson.read(src)
    if media_type == XLSX:
        from punos_lib.sources import pxexcel

        return pxexcel.read(src)
    if media_type == "text/csv":
        try:
            return pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise ParseError(f"{src}: not a readable UTF-8 CSV file ({exc})") from exc
    raise InputError(f"{src}: no reader for the media type {media_type!r}")


def _json_kind(src: Path) -> str:
    """``json-stat2`` or ``px-json``, told apart by the file's top-level keys."""
    from punos_lib.sources import pxjson

    try:
        obj = json.loads(src.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"{src}: not valid JSON ({exc}); save the table again as json-stat2 or PX-JSON") from exc
    if pxjson.looks_like(obj):
        return "px-json"
    if isinstance(obj, Mapping) and ("dimension" in obj or obj.get("class") in ("dataset", "collection", "bundle")):
        return "json-stat2"
    raise ParseError(f"{src}: neither json-stat2 (with 'dimension') nor PX-JSON (with 'columns' and 'data')")


def _format(src: Path, decl: Declaration) -> str:
    """The file's format, refused when the declaration does not take it."""
    suffix = src.suffix.lower()
    if decl.source == "statfin":
        if suffix not in _STATFIN_FORMATS:
            raise InputError(
                f"{src}: dataset {decl.id!r} is StatFin table {decl.table}; import it as .px, .json or .xlsx "
                f"(PC-Axis, json-stat2 or PX-JSON, PxWeb Excel), not {suffix or 'a file without extension'}"
            )
        return _json_kind(src) if suffix == ".json" else suffix[1:]
    if decl.source == "import":
        wanted = {"csv": ".csv", "px": ".px", "json-stat2": ".json"}.get(decl.format or "", f".{decl.format}")
        if suffix != wanted:
            raise InputError(f"{src}: dataset {decl.id!r} takes {wanted} files, not {suffix or 'no extension'}")
        return decl.format or "csv"
    raise InputError(
        f"dataset {decl.id!r} comes from {decl.source} and is not imported by hand; use `punos fetch` for it"
    )


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
    declaration_path: str | os.PathLike[str] | None = None,
) -> Entry:
    """Add a table the user downloaded by hand to the snapshot, after checking it fits.

    Parameters
    ----------
    snap : Snapshot
        Where to add it.
    path : path
        The downloaded file.
    dataset : str
        The declared dataset it is the data of.
    source, licence, attribution, url, updated, note : str
        Provenance recorded in the entry (``updated`` defaults to the file's own stamp).
    declaration_path : path, optional
        The declaration (default ``data/datasets.yaml``).

    Returns
    -------
    Entry
        The new ``<dataset>/import`` entry.

    Raises
    ------
    InputError
        An undeclared dataset, a missing file, a format the declaration does not take.
    ValidationError
        The file does not fit the declaration (every problem listed, with row/column or variable).
    ParseError
        The file does not parse in its format.
    """
    decl = declarations.get(dataset, declaration_path)
    src = Path(path)
    if not src.is_file():
        raise InputError(f"{src}: no such file to import")
    fmt = _format(src, decl)
    media_type = MEDIA_TYPES[fmt]
    frame = read(src, media_type)
    if frame.empty:
        raise ParseError(f"{src}: the file parses but holds no rows; check that you exported the data")
    if media_type == "text/csv":
        _check_csv(src, frame, decl)
    else:
        _check_cube(src, frame, decl)
    payload = src.read_bytes()
    stale = [e.id for e in snap.entries(dataset=decl.id)]
    snap.begin_write(f"punos snapshot import {src.name}")
    try:
        entry = snap.write(
            f"{decl.id}/import", payload, dataset=decl.id, kind="import", source="import",
            media_type=media_type, licence=licence, attribution=attribution, synthetic=False, url=url,
            query=None, updated=updated or frame.attrs.get("updated"),
            note=note or f"imported by hand from {src.name} ({source})",
        )
        stale = [i for i in stale if i != entry.id]
        if stale:
            snap.remove(stale)
    finally:
        snap.end_write()
    return entry


# -- CSV ----------------------------------------------------------------------------------------


def _known_areas() -> set[str]:
    from punos_lib.reference.regions import COUNTRY, REGIONS
    from punos_lib.reference.municipalities import load_curated_key, load_mergers

    key = load_curated_key()
    mergers = load_mergers()
    merged = {"KU" + str(c).removeprefix("KU").zfill(3) for c in mergers["old_code"]}
    return {COUNTRY, *REGIONS, *key["code"], *key["region"], *merged}


def _check_csv(src: Path, frame: pd.DataFrame, decl: Declaration) -> None:
    columns = list(decl.columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"dataset {decl.id!r} needs the columns {', '.join(columns)}; missing: {', '.join(missing)} "
            f"(the file has: {', '.join(map(str, frame.columns))})", file=src,
        )
    problems: list[str] = []
    areas = _known_areas() if any(c in frame.columns for c in _AREA_COLUMNS) else set()

    def bad(line: int, column: str, value: str, what: str) -> None:
        problems.append(f"row {line}, column {column!r}, value {value!r}: {what}")

    # line 1 is the header, so data row i (0-based) is on line i + 2
    if "value" in frame.columns:
        text = frame["value"].str.strip()
        numbers = pd.to_numeric(text.str.replace(",", ".", regex=False).where(text != ""), errors="coerce")
        for i in frame.index[numbers.isna() & (text != "")][:_MAX_PROBLEMS]:
            bad(i + 2, "value", frame.at[i, "value"], "not a number (leave a suppressed value blank)")
    if "year" in frame.columns:
        years = frame["year"].str.strip()
        ok = years.str.fullmatch(_YEAR.pattern) & pd.to_numeric(years, errors="coerce").between(1900, 2100)
        for i in frame.index[~ok.fillna(False).astype(bool)][:_MAX_PROBLEMS]:
            bad(i + 2, "year", frame.at[i, "year"], "not a year (four digits, e.g. 2024)")
    for column in _AREA_COLUMNS:
        if column in frame.columns:
            for i in frame.index[~frame[column].str.strip().isin(areas)][:_MAX_PROBLEMS]:
                bad(i + 2, column, frame.at[i, column],
                    "not a known area code (SSS, a region MK01–MK21, a municipality KUxxx)")
    if problems:
        raise ValidationError(
            f"does not fit dataset {decl.id!r}; nothing was imported — fix the file and import it again",
            file=src, problems=problems[:_MAX_PROBLEMS],
        )


# -- StatFin tables -------------------------------------------------------------------------------


def _table_tokens(table: str) -> set[str]:
    return {t for t in re.split(r"[^0-9a-z]+", table.lower()) if t}


def _as_metadata(frame: pd.DataFrame) -> dict[str, Any]:
    """The file's dimensions as PxWeb metadata, so the declared selection resolves as in a fetch."""
    return {"title": frame.attrs.get("label"), "variables": [
        {"code": d["code"], "text": d.get("label") or d["code"], "values": list(d["categories"]),
         "valueTexts": list(d.get("labels") or d["categories"]), "elimination": True,
         **({"time": True} if d.get("role") == "time" else {}),
         **({"map": d["code"]} if d.get("role") == "geo" else {})}
        for d in frame.attrs.get("dimensions") or []]}


def _short_name(variables: list[dict[str, Any]], key: str) -> str | None:
    """A variable the web interface names by a shorter word than the API code (``Ikä`` for ``ikaryhma``)."""
    from punos_lib.sources.statfin.selection import _fold

    wanted = _fold(key)
    found = [v["code"] for v in variables
             if any(len(n) >= 3 and wanted.startswith(n) for n in (_fold(v["code"]), _fold(v["text"])))]
    return found[0] if len(found) == 1 else None


def _check_cube(src: Path, frame: pd.DataFrame, decl: Declaration) -> None:
    from punos_lib.sources.statfin import resolve_selection

    want = f"dataset {decl.id!r} is StatFin table {decl.table}"
    table = frame.attrs.get("table")
    if table and decl.table_id and decl.table_id.lower() not in _table_tokens(str(table)):
        raise ValidationError(
            f"the file holds table {table!r}, but {want}; download that table (or import this file for the "
            "dataset it belongs to)", file=src,
        )
    meta = _as_metadata(frame)
    variables = meta["variables"]
    listing = ", ".join(f"{v['code']} ({v['text']}, {len(v['values'])} values)" for v in variables)
    problems = []
    matched: set[str] = set()
    texts_only = frame.attrs.get("format") == "pxweb-excel"  # Excel exports carry texts, not codes
    for key, spec in (decl.selection or {}).items():
        try:
            code = next(iter(resolve_selection(meta, {key: "*"}, table=decl.table)))
        except SelectionError:
            code = _short_name(variables, key)
            if code is not None:
                matched.add(code)
                continue
            # An export may eliminate a variable (its total remains), but not the area or the time,
            # nor contents the declaration lists by code.
            listed = key == "@contents" and isinstance(spec, list | tuple)
            if key in ("@area", "@time") or listed:
                problems.append(f"no {key[1:]} variable (declared {key!r}: {spec!r})")
            continue
        matched.add(code)
        if key == "@contents" and isinstance(spec, list | tuple) and not texts_only:
            try:
                resolve_selection(meta, {key: list(spec)}, table=decl.table)
            except SelectionError as exc:
                problems.append(f"{key!r}: {exc}")
    for v in variables:
        if v["code"] not in matched and len(v["values"]) > 1:
            problems.append(f"variable {v['code']!r} ({v['text']}) with {len(v['values'])} values is not in the "
                            "declaration; select one value of it (or its total) when you download")
    if problems:
        raise ValidationError(
            f"the file does not fit: {want} with the variables {', '.join(map(repr, (decl.selection or {})))}; "
            f"the file has {listing}; nothing was imported", file=src, problems=problems,
        )

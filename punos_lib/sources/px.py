"""PC-Axis (.px) reader: a file from the StatFin web interface → the project's tidy frame.

A PX file is a list of statements ``KEYWORD[lang]("arg", ...)=value;`` ending with
``DATA=`` and the cells. This reader handles what StatFin files contain:

- the character set: a UTF-8 BOM, otherwise strict UTF-8 when the bytes are valid UTF-8
  (newer files often declare nothing or ``CODEPAGE="utf-8"``), otherwise the declared
  ``CODEPAGE`` (``iso-8859-15`` in StatFin files), otherwise cp1252 (what ``CHARSET="ANSI"``
  means in practice); ``encoding=`` overrides all of this;
- values spread over many lines, and quoted strings split over lines (``"abc"`` then
  ``"def"`` on the next line is one string ``abcdef``; a comma separates list items);
- language suffixes (``VALUES[sv]("Kön")=...``): only the default language is read;
- ``STUB`` then ``HEADING`` give the dimension order (the last varies fastest in DATA);
  ``VALUES`` give the texts, ``CODES`` the codes (texts are used as codes when absent), and
  ``VARIABLECODE`` / ``VARIABLE-CODE`` the column name (else the variable's name);
- roles: ``CONTVARIABLE`` → "metric"; ``TIMEVAL`` or ``VARIABLE-TYPE="Time"`` → "time";
  ``MAP`` or ``VARIABLE-TYPE="Geographical"`` → "geo";
- DATA missing-value symbols ``.`` to ``......`` and ``-`` (quoted or not) → NaN in ``value``
  and the symbol in ``status``.

Examples
--------
>>> import tempfile, pathlib
>>> text = ('CHARSET="ANSI";\\nMATRIX="demo";\\nSTUB="Alue";\\nHEADING="Vuosi";\\n'
...         'VALUES("Alue")="Mikkeli","Juva";\\nCODES("Alue")="491","178";\\n'
...         'VALUES("Vuosi")="2023","2024";\\nTIMEVAL("Vuosi")=TLIST(A1),"2023","2024";\\n'
...         'DATA=\\n1 2\\n3 ".." ;\\n')
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.px"
>>> _ = path.write_bytes(text.encode("cp1252"))
>>> df = read(path)
>>> df[["Alue", "Vuosi", "value", "status"]].values.tolist()
[['491', '2023', 1.0, nan], ['491', '2024', 2.0, nan], ['178', '2023', 3.0, nan], ['178', '2024', nan, '..']]
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.sources._tidy import Dimension, build_frame
from punos_lib.errors import InputError, ParseError

__all__ = ["read", "MISSING_SYMBOLS"]

#: Data symbols a PX file uses for missing, confidential or nil cells (PX format spec:
#: DATASYMBOL1..6 are "." to "......", DATASYMBOLNIL is "-").
MISSING_SYMBOLS: frozenset[str] = frozenset({".", "..", "...", "....", ".....", "......", "-"})

# KEYWORD, optional [lang], optional ("arg", "arg"), then "=".
_HEAD = re.compile(
    r'\s*(?P<key>[A-Za-z][A-Za-z0-9_-]*)'
    r'(?:\[(?P<lang>[^\]]*)\])?'
    r'(?:\((?P<args>(?:\s*"[^"]*"\s*,?)*)\))?'
    r'\s*=',
)
# A value runs to the first ";" outside double quotes.
_VALUE = re.compile(r'(?:"[^"]*"|[^";])*;')
_TOKEN = re.compile(r'"(?P<s>[^"]*)"|(?P<comma>,)|(?P<bare>[^\s",]+(?:\([^)]*\))?)')
_QUOTED_ARG = re.compile(r'"([^"]*)"')
# Keywords whose values define the cube: a malformed value there is an error.
_STRUCTURAL = frozenset(
    {"STUB", "HEADING", "VALUES", "CODES", "VARIABLECODE", "VARIABLE-CODE", "CONTVARIABLE", "LANGUAGE"}
)


@dataclass(frozen=True)
class _Entry:
    items: list[str]
    line: int


def read(path: str | os.PathLike[str], *, encoding: str | None = None) -> pd.DataFrame:
    """Read a PC-Axis file into the tidy frame.

    Parameters
    ----------
    path : str or path-like
        The ``.px`` file.
    encoding : str, optional
        Force a Python codec (e.g. ``"utf-8"``, ``"cp1252"``) instead of detecting it.

    Returns
    -------
    pandas.DataFrame
        One row per cell, dimensions in STUB then HEADING order, last varying fastest:
        per variable a categorical code column and ``<code>_label``, then ``value``
        (float64, NaN for missing) and ``status`` (only when the data has missing-value
        symbols). ``attrs``: format "px", label (TITLE), source (SOURCE), updated
        (LAST-UPDATED, else CREATION-DATE, as ISO ``YYYY-MM-DDTHH:MM``), table (TABLEID or
        MATRIX), notes (NOTE, NOTEX), dimensions, units (per content code when there is a
        CONTVARIABLE).

    Raises
    ------
    ParseError
        A statement without ``;``, a variable without VALUES, CODES of the wrong length, an
        unknown DATA token, or a wrong number of DATA cells; the message names the keyword
        and line.
    InputError
        The file does not exist or cannot be read, or ``encoding`` is not a known codec.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"PX file {file} does not exist; check the path") from exc
    except OSError as exc:
        raise InputError(f"PX file {file} cannot be read: {exc}") from exc
    where = f"file {file}"
    text = _decode(raw, encoding, where)
    entries, data_start, data_line = _statements(text, where)
    return _build(entries, text, data_start, data_line, where)


# --- decoding ----------------------------------------------------------------------------


def _declared(raw: bytes, keyword: bytes) -> str | None:
    match = re.search(rb'(?m)^\s*' + keyword + rb'\s*=\s*"([^"]*)"', raw[:20000])
    return match.group(1).decode("ascii", "replace").strip() if match else None


def _decode(raw: bytes, encoding: str | None, where: str) -> str:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(f"encoding {encoding!r} is not a known Python codec") from exc
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"{where}: cannot decode as {encoding}: {exc}; try another encoding=") from exc
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{where}: starts with a UTF-8 byte-order mark but is not valid UTF-8 ({exc}); "
                             "save it again as UTF-8 or pass encoding=") from exc
    try:
        # Valid UTF-8 with non-ASCII bytes is almost never a single-byte text by accident,
        # and some files are UTF-8 while still saying CHARSET="ANSI".
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    codepage = _declared(raw, rb"CODEPAGE")
    if codepage and codepage.lower().replace("_", "-") in ("utf-8", "utf8"):
        raise ParseError(
            f"{where}: CODEPAGE says utf-8 but the bytes are not UTF-8 ({utf8_error}); "
            "pass encoding='cp1252' (or the right codec) to read it"
        )
    candidates = []
    if codepage:
        try:
            candidates.append(codecs.lookup(codepage).name)
        except LookupError:
            pass  # an unknown CODEPAGE name: fall back to what ANSI means in practice
    candidates += ["cp1252", "latin-1"]
    for name in candidates:
        try:
            return raw.decode(name)
        except UnicodeDecodeError:
            continue
    raise ParseError(f"{where}: cannot decode the file")  # latin-1 never fails; kept for clarity


# --- statements --------------------------------------------------------------------------


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _items(value: str, key: str, line: int, where: str) -> list[str]:
    """Split a statement value into list items; adjacent quoted strings are joined."""
    items: list[str] = []
    current: list[str] | None = None
    for match in _TOKEN.finditer(value):
        if match.group("comma") is not None:
            if current is None:
                raise ParseError(f"{where}, line {line}, keyword {key}: empty item before ','")
            items.append("".join(current))
            current = None
        elif match.group("s") is not None:
            current = (current or []) + [match.group("s")]
        else:
            if current is not None:
                raise ParseError(
                    f"{where}, line {line}, keyword {key}: {match.group('bare')!r} follows another "
                    "item without a comma"
                )
            current = [match.group("bare")]
    if current is not None:
        items.append("".join(current))
    return items


def _statements(text: str, where: str) -> tuple[dict[tuple[str, tuple[str, ...]], _Entry], int, int]:
    """Parse the header; return default-language entries and where DATA starts."""
    entries: dict[tuple[str, tuple[str, ...]], _Entry] = {}
    language: str | None = None
    pos = 0
    while True:
        head = _HEAD.match(text, pos)
        if head is None:
            rest = text[pos:].strip()
            line = _line_of(text, pos + (len(text[pos:]) - len(text[pos:].lstrip())))
            if not rest:
                raise ParseError(f"{where}: no DATA= section; the file is truncated or not a PX file")
            raise ParseError(
                f"{where}, line {line}: expected KEYWORD=value; but found {rest[:40]!r}; "
                "the file is not a valid PX file"
            )
        key = head.group("key").upper()
        line = _line_of(text, head.start("key"))
        if key == "DATA":
            return entries, head.end(), line
        body = _VALUE.match(text, head.end())
        if body is None:
            raise ParseError(
                f"{where}, line {line}, keyword {key}: the value has no closing ';' "
                "(an unclosed quote or a truncated file)"
            )
        pos = body.end()
        lang = head.group("lang")
        if key == "LANGUAGE" and lang is None:
            values = _items(body.group(0)[:-1], key, line, where)
            language = values[0] if values else None
        if lang is not None and lang != language:
            continue  # other languages: the default language is enough
        args = tuple(_QUOTED_ARG.findall(head.group("args") or ""))
        raw = body.group(0)[:-1]
        try:
            items = _items(raw, key, line, where)
        except ParseError:
            if key in _STRUCTURAL:
                raise
            items = [raw.strip()]  # free-form values (e.g. TIMEVAL ranges) are kept as text
        entries[(key, args)] = _Entry(items, line)


# --- building ----------------------------------------------------------------------------


def _one(entries: dict[tuple[str, tuple[str, ...]], _Entry], key: str, *args: str) -> str | None:
    entry = entries.get((key, args))
    if entry is None or not entry.items:
        return None
    return "".join(entry.items) if len(entry.items) > 1 else entry.items[0]


def _iso(stamp: str | None) -> str | None:
    """'20241223 08:00' → '2024-12-23T08:00'; other forms are returned unchanged."""
    if stamp is None:
        return None
    match = re.fullmatch(r"\s*(\d{4})(\d{2})(\d{2})(?:\s+(\d{2}):(\d{2}))?\s*", stamp)
    if not match:
        return stamp.strip() or None
    y, m, d, hh, mm = match.groups()
    return f"{y}-{m}-{d}" + (f"T{hh}:{mm}" if hh else "")


def _variables(entries: dict[tuple[str, tuple[str, ...]], _Entry], where: str) -> list[Dimension]:
    stub = entries.get(("STUB", ()))
    heading = entries.get(("HEADING", ()))
    names = (stub.items if stub else []) + (heading.items if heading else [])
    if not names:
        raise ParseError(f"{where}: no STUB or HEADING keyword; cannot tell the variables")
    contvar = _one(entries, "CONTVARIABLE")
    dims = []
    for name in names:
        values = entries.get(("VALUES", (name,)))
        if values is None:
            raise ParseError(f'{where}: variable {name!r} (STUB/HEADING) has no VALUES("{name}") keyword')
        texts = values.items
        codes_entry = entries.get(("CODES", (name,)))
        codes = codes_entry.items if codes_entry else texts
        if len(codes) != len(texts):
            raise ParseError(
                f'{where}, line {codes_entry.line if codes_entry else values.line}, keyword CODES("{name}"): '
                f"{len(codes)} codes for {len(texts)} VALUES"
            )
        code = _one(entries, "VARIABLECODE", name) or _one(entries, "VARIABLE-CODE", name) or name
        vtype = (_one(entries, "VARIABLE-TYPE", name) or "").strip().lower()
        role: Any = None
        if name == contvar:
            role = "metric"
        elif ("TIMEVAL", (name,)) in entries or vtype == "time":
            role = "time"
        elif ("MAP", (name,)) in entries or vtype in ("geographical", "geo"):
            role = "geo"
        if len(set(codes)) != len(codes):
            dup = pd.Index(codes)[pd.Index(codes).duplicated()][0]
            raise ParseError(
                f'{where}, line {(codes_entry or values).line}: variable {name!r} has the code {dup!r} twice'
            )
        dims.append(Dimension(code, name, role, list(codes), list(texts)))
    return dims


def _data(text: str, start: int, line: int, n_cells: int, where: str) -> tuple[np.ndarray, np.ndarray | None]:
    end = text.find(";", start)
    if end < 0:
        raise ParseError(f"{where}, line {line}, keyword DATA: no closing ';' (the file is truncated)")
    # Cells are separated by blanks, tabs, newlines or commas.
    tokens = text[start:end].replace(",", " ").split()
    if len(tokens) != n_cells:
        raise ParseError(
            f"{where}, line {line}, keyword DATA: {len(tokens)} cells but the VALUES make {n_cells} "
            "(product of the value counts); the file is truncated or inconsistent"
        )
    numbers = pd.to_numeric(pd.Series(tokens, dtype=object), errors="coerce").to_numpy(
        dtype=np.float64, copy=True  # writable: quoted numbers are filled in below
    )
    missing = np.flatnonzero(np.isnan(numbers))
    if missing.size == 0:
        return numbers, None
    status = np.full(n_cells, None, dtype=object)
    for i in missing.tolist():  # only the non-numeric cells, usually few
        symbol = tokens[i].strip('"')
        if symbol not in MISSING_SYMBOLS:
            try:
                number = float(symbol)  # a quoted number ("12") is still a number
            except ValueError:
                number = None
            if number is not None:
                numbers[i] = number
                continue
            raise ParseError(
                f"{where}, keyword DATA (from line {line}), cell {i}: {tokens[i]!r} is neither a number "
                f"nor a missing-value symbol ({', '.join(sorted(MISSING_SYMBOLS))})"
            )
        status[i] = symbol
    return numbers, status


def _build(
    entries: dict[tuple[str, tuple[str, ...]], _Entry], text: str, data_start: int, data_line: int, where: str
) -> pd.DataFrame:
    dims = _variables(entries, where)
    n_cells = int(np.prod([len(d.categories) for d in dims], dtype=np.int64))
    values, status = _data(text, data_start, data_line, n_cells, where)

    updated = _one(entries, "LAST-UPDATED")
    if updated is None:
        # StatFin gives LAST-UPDATED per content value; the latest one dates the table.
        stamps = [e.items[0] for (k, a), e in entries.items() if k == "LAST-UPDATED" and a and e.items]
        updated = max(stamps, key=lambda s: _iso(s) or "") if stamps else _one(entries, "CREATION-DATE")
    notes = [
        "".join(e.items)
        for (k, a), e in entries.items()
        if k in ("NOTEX", "NOTE") and not a and e.items
    ]
    attrs: dict[str, Any] = {
        "format": "px",
        "label": _one(entries, "TITLE") or _one(entries, "DESCRIPTION"),
        "source": _one(entries, "SOURCE"),
        "updated": _iso(updated),
        "table": _one(entries, "TABLEID") or _one(entries, "MATRIX"),
        "notes": notes,
    }
    units = _units(entries, dims)
    if units:
        attrs["units"] = units
    return build_frame(dims, values, status, attrs, where=where)


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _units(entries: dict[tuple[str, tuple[str, ...]], _Entry], dims: list[Dimension]) -> dict[str, dict[str, Any]]:
    contvar = _one(entries, "CONTVARIABLE")
    metric = next((d for d in dims if d.label == contvar), None)
    if metric is None:
        return {}
    table_units = _one(entries, "UNITS")
    # Shown decimals: PRECISION per content value, else SHOWDECIMALS, else DECIMALS.
    table_decimals = _int_or_none(_one(entries, "SHOWDECIMALS"))
    if table_decimals is None:
        table_decimals = _int_or_none(_one(entries, "DECIMALS"))
    units = {}
    for code, text in zip(metric.categories, metric.labels, strict=True):
        base = _one(entries, "UNITS", text) or table_units
        decimals = _int_or_none(_one(entries, "PRECISION", contvar or "", text))
        units[code] = {"base": base or None, "decimals": decimals if decimals is not None else table_decimals}
    return units

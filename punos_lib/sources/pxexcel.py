"""PxWeb Excel workbooks (StatFin's "save as Excel") into the project's tidy shape.

The layout, as in the exports recorded in ``../shared/data/reference/commuting/``::

    row 1     title: "<contents> muuttujina <A>, <B>, <C> ja <D>" (sv "efter … och …", en "by … and …")
    row 2     blank
    rows 3…   one header row per heading variable, outermost first; a value's text stands in the
              first column of its block, the cells to its right are empty until the next value
    data      stub variables in the first columns (a value's text only on the first row of its
              block), then the cells; the first data row is the first row with text in column A
    blank row, then footnotes: documentation links, notes, "<variable>:" descriptions, the
              unit, "Virallinen tilasto", "Sisäinen viitekoodi:" and the table's matrix code

The variables are named by the title, in stub-then-heading order. A single-valued contents
variable (Tiedot) that the export does not show gets one category, the contents named in the
footnotes. Excel exports hold value texts, not codes, so code columns repeat the texts (a text
such as ``"005 Alajärvi"`` stays as exported). Cells: numbers; ``"."``, ``".."``, ``"..."``, ``"-"``
are missing (NaN, symbol in ``status``); anything else — text, a formula added by hand — is refused
with the sheet and cell, as is a header that does not nest as PxWeb writes it.

Examples
--------
>>> from punos_lib.sources import pxexcel
>>> df = pxexcel.read("Alueelle_pendeloivat.xlsx")       # doctest: +SKIP
>>> df.attrs["table"], [d["code"] for d in df.attrs["dimensions"]]   # doctest: +SKIP
('001_115p_2022', ['Työpaikan alue', 'Vuosi', 'Tiedot', 'Pendelöinti', 'Koulutusaste', 'Ikä'])
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.errors import InputError, ParseError
from punos_lib.sources import px
from punos_lib.sources._tidy import Dimension, build_frame

__all__ = ["read"]

# "<contents> muuttujina A, B ja C" and its Swedish and English forms
_TITLE = re.compile(r"^(?P<contents>.*?)\s+(?:muuttujina|efter|by)\s+(?P<vars>.+?)\s*$", re.S)
_LAST = re.compile(r"\s+(?:ja|och|and)\s+")
_SYMBOLS = {".", "..", "...", "-", "…"}
_TIME = {"vuosi", "year", "år", "kuukausi", "month", "månad", "neljännes", "quarter", "kvartal", "vuosineljännes"}
_CONTENTS = {"tiedot", "information", "uppgifter"}


def _cell(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col + 1)}{row + 1}"


def _role(name: str) -> Any:
    folded = name.strip().lower()
    if folded in _CONTENTS:
        return "metric"
    if folded in _TIME:
        return "time"
    if "alue" in folded or folded in ("area", "region", "kunta", "maakunta", "område"):
        return "geo"
    return None


def _names(title: Any, where: str) -> tuple[str, list[str]]:
    match = _TITLE.match(title) if isinstance(title, str) else None
    if match is None:
        raise ParseError(
            f"{where}, cell A1: not a PxWeb Excel export — the first row should be the title "
            f"'<contents> muuttujina <variables>', found {title!r:.80}"
        )
    parts = _LAST.split(match.group("vars"))
    names = [n.strip() for part in parts for n in part.split(", ") if n.strip()]
    return match.group("contents").strip(), names


def _blank(row: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _nested(labels: list[Any], where: str, what: str, cell: Any) -> tuple[list[str], list[int]]:
    """Categories of a carried-forward label sequence, and each position's category index."""
    cats: dict[str, int] = {}
    index = []
    current = None
    for i, label in enumerate(labels):
        if label is not None:
            current = str(label).strip()
        if current is None:
            raise ParseError(f"{where}, cell {cell(i)}: {what} has no value text before this cell")
        index.append(cats.setdefault(current, len(cats)))
    return list(cats), index


def _check_product(index: list[list[int]], sizes: list[int], where: str, what: str, cell: Any) -> None:
    """Positions must run through the categories row-major (the last variable fastest)."""
    inner = 1
    for level in range(len(sizes) - 1, -1, -1):
        n = sizes[level]
        for pos, got in enumerate(index[level]):
            if got != (pos // inner) % n:
                raise ParseError(
                    f"{where}, cell {cell(pos, level)}: the {what} do not nest as PxWeb writes them "
                    f"(a value repeats out of order); export the table again without editing it"
                )
        inner *= n
    total = int(np.prod(sizes)) if sizes else 1
    length = len(index[0]) if index else 1
    if length != total:
        raise ParseError(
            f"{where}: {length} {what} but the variables' values make {total} combinations; the export "
            "is incomplete or was edited"
        )


def read(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a PxWeb Excel export (.xlsx) into the tidy frame.

    Parameters
    ----------
    path : str or path-like
        The workbook. Its first sheet holds the table.

    Returns
    -------
    pandas.DataFrame
        One row per cell, variables in stub-then-heading order (title order), the last fastest:
        per variable a categorical code column and ``<code>_label`` (both the exported texts),
        ``value`` (float64) and ``status`` when a cell holds a missing-value symbol. ``attrs``:
        format "pxweb-excel", label (the title), table (the matrix code from the footnotes, else
        the sheet name), notes (footnotes), sheet, dimensions.

    Raises
    ------
    ParseError
        Not a PxWeb export, headers that do not nest, or a cell that is neither a number nor a
        missing-value symbol (names the sheet and cell).
    InputError
        The file cannot be read as a workbook.
    """
    from openpyxl import load_workbook

    file = Path(path)
    try:
        book = load_workbook(file, read_only=True, data_only=False)
    except FileNotFoundError as exc:
        raise InputError(f"Excel file {file} does not exist; check the path") from exc
    except Exception as exc:  # openpyxl raises several unrelated types for a file that is not xlsx
        raise ParseError(f"file {file}: not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
        name = sheet.title
    finally:
        book.close()
    where = f"file {file}, sheet {name!r}"
    if not rows:
        raise ParseError(f"{where}: the sheet is empty")
    width = max(len(r) for r in rows)
    rows = [r + (None,) * (width - len(r)) for r in rows]
    contents_text, names = _names(rows[0][0], where)

    # header rows: after the title and blank rows, up to the first row with text in column A
    first = 1
    while first < len(rows) and _blank(rows[first]):
        first += 1
    data_start = first
    while data_start < len(rows) and rows[data_start][0] is None:
        data_start += 1
    if data_start >= len(rows):
        raise ParseError(f"{where}: no data rows (no row with a value text in column A below the headers)")
    headers = rows[first:data_start]
    data_end = data_start
    while data_end < len(rows) and not _blank(rows[data_end]):
        data_end += 1
    data = rows[data_start:data_end]
    footnotes = [str(r[0]).strip() for r in rows[data_end:] if r[0] is not None and str(r[0]).strip()]

    if not headers:
        raise ParseError(f"{where}: no header rows between the title and the data; not in PxWeb's layout")
    stub = 0
    while stub < width and all(h[stub] is None for h in headers):
        stub += 1
    last = width
    while last > stub and all(r[last - 1] is None for r in headers + data):
        last -= 1
    if stub == 0 or last <= stub:
        raise ParseError(f"{where}: cannot tell the variable columns from the value columns")

    # variables: stub columns then heading rows, named by the title
    shown = stub + len(headers)
    hidden: list[str] = []
    if len(names) != shown:
        hidden = [n for n in names if n.strip().lower() in _CONTENTS]
        if len(names) - len(hidden) != shown:
            raise ParseError(
                f"{where}: the title names {len(names)} variables ({', '.join(names)}) but the sheet shows "
                f"{stub} stub column(s) and {len(headers)} header row(s); the export is not in PxWeb's layout"
            )
    visible = [n for n in names if n not in hidden]
    stub_names, head_names = visible[:stub], visible[stub:]

    head_index, head_cats = [], []
    for k, header in enumerate(headers):
        cats, index = _nested(list(header[stub:last]), where, f"header row {first + k + 1}",
                              lambda i, k=k: _cell(first + k, stub + i))
        head_cats.append(cats)
        head_index.append(index)
    _check_product(head_index, [len(c) for c in head_cats], where, "header columns",
                   lambda pos, level: _cell(first + level, stub + pos))
    stub_index, stub_cats = [], []
    for c in range(stub):
        cats, index = _nested([r[c] for r in data], where, f"column {_cell(0, c)[:-1]}",
                              lambda i, c=c: _cell(data_start + i, c))
        stub_cats.append(cats)
        stub_index.append(index)
    _check_product(stub_index, [len(c) for c in stub_cats], where, "data rows",
                   lambda pos, level: _cell(data_start + pos, level))

    n_rows, n_cols = len(data), last - stub
    values = np.full(n_rows * n_cols, np.nan)
    status = np.full(n_rows * n_cols, None, dtype=object)
    for i, row in enumerate(data):
        for j in range(n_cols):
            cell = row[stub + j]
            if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                values[i * n_cols + j] = float(cell)
            elif cell is None:
                continue
            elif isinstance(cell, str) and cell.strip() in _SYMBOLS:
                status[i * n_cols + j] = cell.strip()
            elif isinstance(cell, str) and cell.startswith("="):
                raise ParseError(
                    f"{where}, cell {_cell(data_start + i, stub + j)}: a formula {cell!r:.40}, not an exported "
                    "value; the workbook was edited after the export — export the table again from StatFin"
                )
            else:
                raise ParseError(
                    f"{where}, cell {_cell(data_start + i, stub + j)}: {cell!r:.40} is neither a number nor a "
                    "missing-value symbol ('.', '..', '...', '-')"
                )

    dims = [Dimension(n, n, _role(n), cats, cats) for n, cats in zip(stub_names, stub_cats, strict=True)]
    dims += [Dimension(n, n, _role(n), cats, cats) for n, cats in zip(head_names, head_cats, strict=True)]
    for n in hidden:  # a single-valued contents variable the export leaves out
        label = next((f[:-1] for f in footnotes if f.endswith(":") and f[:-1] not in names), contents_text)
        dims.insert(names.index(n), Dimension(n, n, "metric", [label], [label]))
    # cells are stub-major then heading, which is the dims' order with hidden ones of size 1
    matrix = next((footnotes[i + 1] for i, f in enumerate(footnotes[:-1]) if f.startswith("Sisäinen viitekoodi")),
                  name)
    # "Päivitetty viimeksi:" is followed by "<contents>:" and the stamp of each content
    after = next((i for i, f in enumerate(footnotes) if f.startswith("Päivitetty viimeksi")), len(footnotes))
    stamp = next((f for f in footnotes[after:] if re.fullmatch(r"\d{8}(\s+\d{2}:\d{2})?", f)), None)
    attrs = {"format": "pxweb-excel", "label": str(rows[0][0]).strip(), "source": None, "updated": px._iso(stamp),  # the PC-Axis stamp form
             "table": matrix, "notes": [f for f in footnotes if not f.startswith("<A HREF")], "sheet": name}
    return build_frame(dims, values, status if any(s is not None for s in status) else None, attrs, where=where)

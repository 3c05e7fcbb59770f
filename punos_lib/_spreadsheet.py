"""Spreadsheet safety: text in the CSV and XLSX files the project writes never becomes a formula.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by spreadsheet programs (OWASP "CSV injection"): ``=HYPERLINK("http://…","Avaa")`` in a
forum action would open a link, ``=cmd|' /C calc'!A0`` could run a program. Every writer of a
CSV or XLSX output goes through this module:

- :func:`csv_safe_frame` neutralises such text cells for CSV by prefixing an apostrophe (the
  OWASP advice; spreadsheet programs show the text as typed). Numbers are never altered: a
  numeric column, and a text cell that is only a number such as ``"-12"`` or ``"+3,5"``, cannot
  be a formula.
- :func:`read_workbook` opens a filled workbook with every cell as the user typed it (a cell
  typed as ``=…`` is that text, not a formula's lost cached value).
- :func:`text_cells_only` makes every cell of an openpyxl worksheet that openpyxl would write as
  a formula a plain text cell (``data_type`` ``"s"``), keeping the text exactly as it was.

Curated inputs keep what the user typed; only outputs are neutralised.

Examples
--------
>>> csv_safe("=1+1"), csv_safe("-12"), csv_safe(-12.0), csv_safe("Mikkeli")
("'=1+1", '-12', -12.0, 'Mikkeli')
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from punos_lib.errors import ValidationError

__all__ = ["FORMULA_PREFIXES", "csv_safe", "csv_safe_frame", "text_cells_only", "read_workbook"]

#: First characters that make a spreadsheet program read a cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# A signed number written as text ("-12", "+3,5", "-0.25%"): harmless, left as it is.
_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)?%?")


def csv_safe(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are :func:`csv_safe`; numeric columns untouched.

    Column names are text cells of the header row, so they are neutralised too.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(csv_safe)
    out.columns = [csv_safe(c) for c in out.columns]
    return out


def text_cells_only(worksheet: Any) -> None:
    """Turn every formula cell of an openpyxl ``worksheet`` into a text cell with the same text.

    openpyxl stores any string beginning with ``=`` as a formula; the project never writes
    formulas on purpose, so each such cell becomes ``data_type "s"`` (a string).
    """
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" and isinstance(cell.value, str):
                cell.data_type = "s"


def read_workbook(path: Path) -> Any:
    """Open a filled ``.xlsx`` workbook (openpyxl) with every cell as typed.

    Raises
    ------
    ValidationError
        The file is missing or not a readable workbook.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise ValidationError(f"file not found: {path}; check the path", file=path)
    try:
        # data_only=False: a cell typed as "=..." is read as the text typed (a formula's cached
        # value would be empty, and the answer lost); validation then judges that text.
        return load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(f"not a readable Excel .xlsx workbook ({type(exc).__name__}); save the filled "
                              "template as .xlsx (Excel workbook) and import that file", file=path) from exc

"""The line every figure and table of the study carries: real statistics or example data, and the period.

Sources end at different times (population 2025, the projection 2024–2045, commuting 2021, the
employment service statistics 2023M10), so a reader must see on each figure and table which years
it shows and whether the numbers are statistics at all.

Examples
--------
>>> import pandas as pd
>>> period(pd.DataFrame({"year": [2022, 2012, 2017]}))
'2012–2022'
>>> data_note({"synthetic": False}, "2012–2022")
'Tilastotieto, 2012–2022'
>>> data_note({"synthetic": True}, "2024")
'Esimerkkiaineisto – ei todellisia tilastoja, 2024'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from punos_lib.errors import InputError

__all__ = ["REAL_TEXT", "EXAMPLE_TEXT", "period", "data_note"]

#: Said of real statistics (fetched, imported or bundled).
REAL_TEXT = "Tilastotieto"
#: Said of synthetic example data (the same words as the demo mark).
EXAMPLE_TEXT = "Esimerkkiaineisto – ei todellisia tilastoja"


def period(frame: pd.DataFrame, column: str = "year") -> str:
    """``first–last`` of a frame's years or months (one value: just it).

    Raises
    ------
    InputError
        The frame has no such column or no values in it.
    """
    if not isinstance(frame, pd.DataFrame) or column not in frame.columns:
        raise InputError(f"period: the frame has no column {column!r}")
    values = sorted({str(v) for v in frame[column].dropna()})
    if not values:
        raise InputError(f"period: column {column!r} has no values")
    return values[0] if len(values) == 1 else f"{values[0]}–{values[-1]}"


def data_note(provenance: Mapping[str, Any] | None, period_text: str) -> str:
    """``Tilastotieto, <period>`` or ``Esimerkkiaineisto – ei todellisia tilastoja, <period>``.

    ``provenance`` is a frame's ``attrs["provenance"]``; without one the data counts as example
    data (nothing says it is real).
    """
    synthetic = True if provenance is None else bool(provenance.get("synthetic", True))
    return f"{EXAMPLE_TEXT if synthetic else REAL_TEXT}, {period_text}"

"""Small checks and provenance plumbing shared by the analysis modules (analysis, labour, aims).

Every analysis result carries ``attrs["provenance"]`` = ``{"datasets", "entries", "synthetic",
"attribution", "updated"}`` merged from the frames it was computed from, so a figure or table
can always name its sources and say whether it was built from synthetic data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from punos_lib.errors import InputError

__all__ = ["require_columns", "area_rows", "merge_provenance", "carry"]


def require_columns(frame: Any, columns: Iterable[str], what: str) -> None:
    """Raise InputError unless ``frame`` is a DataFrame with all ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what}: column(s) {', '.join(map(repr, missing))} missing; the frame has "
            f"{', '.join(map(str, frame.columns))}. Pass the frame from punos_lib.datasets"
        )


def area_rows(frame: pd.DataFrame, area: str, what: str) -> pd.DataFrame:
    """The rows of one area code, or an InputError listing the areas the data has."""
    rows = frame[frame["area"].astype(str) == area]
    if rows.empty:
        known = sorted(frame["area"].astype(str).unique().tolist())
        shown = ", ".join(known[:12]) + (f" and {len(known) - 12} more" if len(known) > 12 else "")
        raise InputError(
            f"{what}: no rows for area {area!r}; the data has areas {shown}. Check the region "
            "parameter (e.g. 'MK10') or that the snapshot covers this area"
        )
    return rows


def merge_provenance(*frames: Any) -> dict[str, Any]:
    """One provenance dict from several frames: lists united in order, synthetic if any is."""
    merged: dict[str, Any] = {
        "datasets": [], "entries": [], "synthetic": False, "attribution": [], "updated": {}
    }
    for frame in frames:
        prov = getattr(frame, "attrs", {}).get("provenance") if frame is not None else None
        if not isinstance(prov, Mapping):
            continue
        for key in ("datasets", "entries", "attribution"):
            for item in prov.get(key) or []:
                if item not in merged[key]:
                    merged[key].append(item)
        merged["synthetic"] = bool(merged["synthetic"] or prov.get("synthetic"))
        if isinstance(prov.get("updated"), Mapping):
            merged["updated"].update(prov["updated"])
    return merged


def carry(result: pd.DataFrame, *sources: Any, **extra: Any) -> pd.DataFrame:
    """Give ``result`` the merged provenance of ``sources`` plus any non-None ``extra`` attrs."""
    result.attrs = {"provenance": merge_provenance(*sources)}
    result.attrs.update({k: v for k, v in extra.items() if v is not None})
    return result

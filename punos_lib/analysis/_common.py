"""Helpers every analysis module shares: columns, areas, years, labels, codes and provenance.

One copy of each, so the chapters cannot drift apart (they did: two area-name helpers disagreed
on the whole country's name, two year resolvers on their messages, two code matchers on
their rules).

Every analysis result carries ``attrs["provenance"]`` = ``{"datasets", "entries", "synthetic",
"attribution", "updated"}`` merged from the frames it was computed from (:func:`carry`), so a
figure or table can always name its sources and say whether it was built from synthetic data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.errors import InputError
from punos_lib.records import require_columns as _require_columns
from punos_lib.reference.regions import COUNTRY, COUNTRY_NAME

__all__ = [
    "REGION_CODE",
    "require_columns",
    "area_rows",
    "area_name",
    "resolve_year",
    "positive_int",
    "as_float",
    "pct",
    "code_label",
    "code_labels",
    "month_time",
    "last_months",
    "is_classified",
    "match_codes",
    "counted_in",
    "match_precision",
    "classification_names",
    "code_names",
    "merge_provenance",
    "carry",
]

#: A region (maakunta) code in StatFin form.
REGION_CODE = re.compile(r"^MK\d{2}$")

_HINT = "pass the frame from punos_lib.datasets (or the analysis function named in the docstring)"


# --------------------------------------------------------------------------- frames and areas


def require_columns(frame: Any, columns: Iterable[str], what: str) -> None:
    """Raise InputError unless ``frame`` is a DataFrame with all ``columns``."""
    _require_columns(frame, columns, what, hint=_HINT)


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


def area_name(frame: pd.DataFrame, area: str) -> str:
    """The name of ``area`` in ``frame["area_name"]``; ``"Koko maa"`` for the whole country.

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["SSS", "MK10"], "area_name": ["KOKO MAA", "Etelä-Savo"]})
    >>> area_name(f, "SSS"), area_name(f, "MK10"), area_name(f, "MK01")
    ('Koko maa', 'Etelä-Savo', 'MK01')
    """
    if area == COUNTRY:
        return COUNTRY_NAME
    if "area_name" in frame.columns:
        names = frame.loc[frame["area"].astype(str) == area, "area_name"]
        if len(names):
            return str(names.iloc[0])
    return area


# --------------------------------------------------------------------------- numbers and years


def resolve_year(frame: pd.DataFrame, year: int | None = None, *, column: str = "year",
                 what: str = "resolve_year") -> int:
    """The year to show: ``year`` if the data has it, the latest year when ``year`` is None.

    Raises
    ------
    InputError
        The frame has no ``column`` or no such year; the message lists the years available.

    Examples
    --------
    >>> resolve_year(pd.DataFrame({"year": [2021, 2023, 2022]}))
    2023
    """
    require_columns(frame, [column], what)
    years = sorted(int(y) for y in pd.unique(frame[column].dropna()))
    if not years:
        raise InputError(f"{what}: the frame has no values in {column!r}")
    if year is None:
        return years[-1]
    if isinstance(year, bool) or int(year) not in years:
        raise InputError(
            f"{what}: year {year!r} is not in the data; available years are {years[0]}–{years[-1]} "
            f"({', '.join(map(str, years))}). Pass one of them or leave year=None for the latest"
        )
    return int(year)


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int, or an InputError naming the parameter unless it is a whole number ≥ 1."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def as_float(series: pd.Series) -> pd.Series:
    """Numbers as float64 (text that is not a number raises: it would be a loader bug)."""
    return pd.to_numeric(series, errors="raise").astype("float64")


def pct(part: pd.Series | float, whole: pd.Series | float) -> Any:
    """``part / whole × 100``; a zero ``whole`` gives NaN."""
    if isinstance(whole, pd.Series):
        return part / whole.where(whole != 0) * 100.0
    return part / whole * 100.0 if whole else float("nan")


def month_time(months: pd.Series) -> np.ndarray:
    """StatFin month codes as decimal years (2023M07 -> 2023.5) for a continuous time axis."""
    text = months.astype(str)
    return (text.str[:4].astype(int) + (text.str[5:].astype(int) - 1) / 12.0).to_numpy()


def last_months(months: Iterable[str], n: int) -> list[str]:
    """The last ``n`` distinct month codes, in order."""
    return sorted({str(m) for m in months})[-n:]


# --------------------------------------------------------------------------- labels and codes


def code_label(code: Any, name: Any, width: int = 45) -> str:
    """``"22 Terveydenhuollon erityisasiantuntijat"`` cut to ``width`` characters, for figures.

    Examples
    --------
    >>> code_label("02", "Metsätalous ja puunkorjuu"), code_label("X", None)
    ('02 Metsätalous ja puunkorjuu', 'X')
    """
    text = f"{code} {name}" if isinstance(name, str) and name else str(code)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def code_labels(frame: pd.DataFrame, code: str, name: str) -> list[str]:
    """:func:`code_label` of every row of ``frame``."""
    return [code_label(c, n) for c, n in zip(frame[code], frame[name], strict=True)]


def is_classified(code: str) -> bool:
    """False for totals (``SSS``) and unknown or unclassified codes (``X…``)."""
    return code != COUNTRY and not code.upper().startswith("X")


def match_codes(wanted: Sequence[str], available: Iterable[str], *, finer: bool = True) -> pd.DataFrame:
    """Which codes of the data stand for each wanted code of a hierarchical classification.

    For AML 2010 or Koulutusala 2016, where a code's parent is its prefix: a wanted code is
    represented by itself when the data has it (``"sama"``), else (with ``finer``) by the
    data's finer codes under it (``"tarkempi"``), else by the longest data code that is its
    prefix (``"laajempi"``: the broader group also holds other occupations or fields, so a
    figure from it is an upper bound), else nothing (``"puuttuu"``). Totals and unknown codes
    of the data (:func:`is_classified`) never stand for anything.

    Returns
    -------
    DataFrame
        ``wanted, used, match`` — one row per (wanted, used) pair; ``used`` is NaN for
        ``"puuttuu"``.

    Examples
    --------
    >>> match_codes(["0821", "07", "99"], ["08", "0711", "0712"]).values.tolist()
    [['0821', '08', 'laajempi'], ['07', '0711', 'tarkempi'], ['07', '0712', 'tarkempi'], ['99', nan, 'puuttuu']]
    """
    pool = sorted({str(c) for c in available if is_classified(str(c))})
    rows: list[dict[str, Any]] = []
    for code in wanted:
        code = str(code)
        if code in pool:
            rows.append({"wanted": code, "used": code, "match": "sama"})
            continue
        below = [c for c in pool if c.startswith(code)] if finer else []
        if below:
            shortest = min(len(c) for c in below)
            rows += [{"wanted": code, "used": c, "match": "tarkempi"}
                     for c in below if len(c) == shortest]
            continue
        parents = [c for c in pool if code.startswith(c)]
        if parents:
            rows.append({"wanted": code, "used": max(parents, key=len), "match": "laajempi"})
        else:
            rows.append({"wanted": code, "used": np.nan, "match": "puuttuu"})
    return pd.DataFrame(rows, columns=["wanted", "used", "match"])


def counted_in(wanted: Sequence[str], available: Iterable[str]) -> dict[str, list[str]]:
    """Each data code a wanted code is counted in (itself or its parent) → the wanted codes.

    :func:`match_codes` without finer codes: the wanted code itself when the data has it, else
    its longest parent in the data; a wanted code without either maps to itself (shown as a
    visible gap). Keys keep the order of ``wanted``, so a parent standing for several wanted
    codes is listed once.

    Examples
    --------
    >>> counted_in(["6210", "6220", "2221"], ["62", "621", "2221"])
    {'621': ['6210'], '62': ['6220'], '2221': ['2221']}
    """
    matches = match_codes(wanted, available, finer=False)
    groups: dict[str, list[str]] = {}
    for code, used in zip(matches["wanted"], matches["used"], strict=True):
        groups.setdefault(code if pd.isna(used) else str(used), []).append(code)
    return groups


def match_precision(matches: pd.DataFrame) -> str:
    """How exactly :func:`match_codes` found a group's codes, in the study's Finnish words.

    ``"alan omat koodit"`` (the group's own or finer codes), ``"ei tietoa"`` (none found) or
    ``"osin laajempi ryhmä (yläraja)"`` (a broader group stands for some: an upper bound).
    """
    kinds = set(matches["match"])
    if kinds <= {"sama", "tarkempi"}:
        return "alan omat koodit"
    if "puuttuu" in kinds and len(kinds) == 1:
        return "ei tietoa"
    return "osin laajempi ryhmä (yläraja)"


def classification_names(kind: str, lang: str = "fi") -> Mapping[str, str]:
    """Code → name of a curated classification (``tol2008``, ``aml2010``, ``koulutusala2016``)."""
    from punos_lib.reference.labels import labels

    return labels(kind, lang)  # type: ignore[arg-type]


def code_names(kind: str, codes: Sequence[str]) -> list[str]:
    """Finnish names of ``codes`` in classification ``kind``; a code without a name is itself."""
    names = classification_names(kind)
    return [str(names.get(c, c)) for c in codes]


# --------------------------------------------------------------------------- provenance


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

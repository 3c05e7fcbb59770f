"""Finland's municipalities as the study uses them: the committed key, mergers and harmonisation.

The committed key
    :func:`load_curated_key` reads ``data/classifications/municipalities_2025.csv``: municipality
    → region, sub-region and employment area (the columns of :data:`KEY_COLUMNS`) with the
    approximate centre ``x_km``, ``y_km`` in EPSG:3067 used for tile grids. The same key built
    from the classification API is :func:`punos_lib.sources.geo.municipality_key`.

Mergers and harmonisation
    :func:`harmonize` puts a municipality-level series on one division by summing merged
    municipalities into their successor (Pertunmaa KU588 into Mäntyharju KU507 from 2025).
    Mergers come from ``data/classifications/municipality_mergers.csv`` (:func:`load_mergers`)
    or from the classification API's year-to-year correspondence
    (:func:`punos_lib.sources.geo.read_mergers`).

Area codes are in StatFin form (``KU491``, ``MK10``, ``SK101``); three bare digits are accepted
where noted. Nothing here touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from punos_lib import paths
from punos_lib.errors import InputError, ValidationError

__all__ = [
    "KEY_COLUMNS",
    "MERGER_COLUMNS",
    "load_curated_key",
    "municipality_code3",
    "load_mergers",
    "harmonize",
]


#: Columns of the municipality key (:func:`load_curated_key`, and
#: :func:`punos_lib.sources.geo.read_municipality_key` from the classification API).
KEY_COLUMNS: tuple[str, ...] = (
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "region",
    "region_name_fi",
    "region_name_sv",
    "region_name_en",
    "subregion",
    "subregion_name_fi",
    "employment_area",
    "employment_area_name_fi",
)


# ---------------------------------------------------------------------------------------------
# the committed key
# ---------------------------------------------------------------------------------------------
def load_curated_key(path: Path | None = None) -> pd.DataFrame:
    """The committed 2025 key (``data/classifications/municipalities_2025.csv``), offline.

    Returns
    -------
    DataFrame
        :data:`KEY_COLUMNS` plus ``x_km``, ``y_km`` (approximate centre, EPSG:3067 km); codes in
        StatFin form (``KU491``).
    """
    file = path or paths.data_dir() / "classifications" / "municipalities_2025.csv"
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read the municipality key {file}: {exc}") from exc
    need = [*KEY_COLUMNS, "x_km", "y_km"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError(f"{file}: columns {missing} are missing; expected {need}")
    bad = frame.index[~frame["code"].str.fullmatch(r"(?:KU)?\d{3}")].tolist()
    if bad:
        raise ValidationError(
            "not a municipality code (three digits)", file=file, row=bad[0] + 1, field="code",
            value=frame.loc[bad[0], "code"],
        )
    frame["code"] = "KU" + frame["code"].str.removeprefix("KU")
    for col in ("x_km", "y_km"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype(float)
    frame.attrs["source"] = str(file)
    return frame[need].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# mergers and harmonisation
# ---------------------------------------------------------------------------------------------
#: Columns of a mergers table (:func:`load_mergers`, :func:`punos_lib.sources.geo.read_mergers`).
MERGER_COLUMNS = ["year", "old_code", "new_code", "old_name_fi", "new_name_fi"]


def municipality_code3(code: Any) -> str:
    """The three digits of a municipality code given as ``KUxxx``, ``xxx`` or fewer digits.

    Raises
    ------
    InputError
        Not a municipality code.

    Examples
    --------
    >>> municipality_code3("KU91"), municipality_code3(491)
    ('091', '491')
    """
    text = str(code).strip().upper().removeprefix("KU")
    if not re.fullmatch(r"\d{1,3}", text):
        raise InputError(f"{code!r} is not a municipality code (KUxxx or three digits)")
    return text.zfill(3)


def load_mergers(path: Path | None = None) -> pd.DataFrame:
    """Municipal mergers from ``data/classifications/municipality_mergers.csv``.

    Returns
    -------
    DataFrame
        ``year`` (int: first year of the new division), ``old_code``, ``new_code`` (``KUxxx``),
        ``old_name_fi``, ``new_name_fi``; sorted by year.
    """
    file = path or paths.data_dir() / "classifications" / "municipality_mergers.csv"
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read the merger table {file}: {exc}") from exc
    missing = [c for c in ("year", "old_code", "new_code") if c not in frame.columns]
    if missing:
        raise InputError(f"{file}: columns {missing} are missing")
    rows = []
    for i, rec in frame.iterrows():
        try:
            rows.append(
                {
                    "year": int(rec["year"]),
                    "old_code": "KU" + municipality_code3(rec["old_code"]),
                    "new_code": "KU" + municipality_code3(rec["new_code"]),
                    "old_name_fi": rec.get("old_name_fi", ""),
                    "new_name_fi": rec.get("new_name_fi", ""),
                }
            )
        except (ValueError, InputError) as exc:
            raise InputError(f"{file}: row {int(i) + 1}: {exc}") from exc
    return pd.DataFrame(rows, columns=MERGER_COLUMNS).sort_values("year", kind="stable").reset_index(drop=True)


def _division(to_year: int, mergers: pd.DataFrame) -> set[str]:
    """Three-digit codes of the municipalities of ``to_year``, from the 2025 key and the mergers."""
    codes = {c.removeprefix("KU") for c in load_curated_key()["code"]}
    for rec in mergers.itertuples(index=False):
        old, new = municipality_code3(rec.old_code), municipality_code3(rec.new_code)
        if 2025 < rec.year <= to_year:
            codes.discard(old)
            codes.add(new)
        elif to_year < rec.year <= 2025:
            codes.add(old)
    return codes


def harmonize(
    frame: pd.DataFrame,
    to_year: int = 2025,
    *,
    code_col: str = "area",
    value_cols: Sequence[str] | None = None,
    mergers: pd.DataFrame | None = None,
    division: Iterable[str] | None = None,
    on_unknown: Literal["raise", "keep"] = "raise",
) -> pd.DataFrame:
    """Put a municipality-level series on the municipal division of ``to_year``.

    Rows of municipalities merged by ``to_year`` (mergers with ``year <= to_year``, followed
    through chains) are given their successor's code and label and summed into it, per
    combination of the other columns. Pertunmaa (KU588) and Mäntyharju (KU507) before 2025 become
    one Mäntyharju row holding their sum. Rows that are not municipalities (``SSS``, ``MK10``,
    ``SK101``, …) pass unchanged, and so do municipalities that were not merged.

    Parameters
    ----------
    frame : DataFrame
        Codes in ``code_col``: ``KUxxx`` (StatFin) or three digits; the output keeps the form.
    to_year : int
        The target division (default 2025).
    code_col : str
        The area code column.
    value_cols : list of str, optional
        The additive columns to sum (counts such as population or jobs). Default ``["value"]``
        when the frame has one; otherwise required, since ratios, rates and shares must never be
        summed: compute them after harmonising the counts. A sum is missing (NaN) when any
        merged part is missing.
    mergers : DataFrame, optional
        ``year, old_code, new_code``; default :func:`load_mergers` (the committed table).
    division : iterable of str, optional
        The municipality codes of the target division; default the 2025 key adjusted by the
        mergers after (or before) 2025. Give it explicitly when a merger created a new code.
    on_unknown : {"raise", "keep"}
        A municipality code that is neither in the target division nor in the mergers cannot be
        placed. ``"raise"`` (default) raises InputError listing them; ``"keep"`` keeps those rows
        unchanged and lists the codes in ``result.attrs["unplaced_codes"]``.

    Other columns must identify a row (dimensions and their labels): a column that differs
    between merged municipalities other than the label (e.g. a status flag) keeps their rows
    apart, so drop such columns first. Labels in ``<code_col>_label`` and ``<code_col>_name``
    take the successor's label from the frame (or its Finnish name from the key).

    Returns
    -------
    DataFrame
        Same columns, rows in the order of first appearance; ``attrs`` kept plus
        ``harmonized_to`` and ``unplaced_codes`` (a list, empty when all were placed).

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["KU507", "KU588", "MK10"], "year": [2020] * 3,
    ...                    "value": [5800.0, 1700.0, 132000.0]})
    >>> harmonize(df).values.tolist()
    [['KU507', 2020, 7500.0], ['MK10', 2020, 132000.0]]
    """
    if code_col not in frame.columns:
        raise InputError(f"harmonize: no column {code_col!r}; pass code_col= (columns: {list(frame.columns)})")
    if on_unknown not in ("raise", "keep"):
        raise InputError(f"harmonize: on_unknown must be 'raise' or 'keep', got {on_unknown!r}")
    if value_cols is None:
        if "value" not in frame.columns:
            raise InputError(
                "harmonize: name the additive columns to sum with value_cols=[...]; the frame has no 'value' "
                "column and other numeric columns may be ratios that must not be summed"
            )
        value_cols = ["value"]
    value_cols = list(value_cols)
    for col in value_cols:
        if col not in frame.columns:
            raise InputError(
                f"harmonize: value column {col!r} is not in the frame (columns: {list(frame.columns)})"
            )
        if not pd.api.types.is_numeric_dtype(frame[col]):
            raise InputError(
                f"harmonize: value column {col!r} is not numeric ({frame[col].dtype}); only counts can be summed"
            )
    if code_col in value_cols:
        raise InputError(f"harmonize: the code column {code_col!r} cannot be a value column")
    mergers = load_mergers() if mergers is None else mergers
    for col in ("year", "old_code", "new_code"):
        if col not in mergers.columns:
            raise InputError(f"harmonize: the mergers table needs columns year, old_code, new_code; {col!r} is missing")
    target = {municipality_code3(c) for c in division} if division is not None else _division(to_year, mergers)

    successor: dict[str, str] = {}
    for rec in mergers.sort_values("year", kind="stable").itertuples(index=False):
        if int(rec.year) <= to_year:
            successor[municipality_code3(rec.old_code)] = municipality_code3(rec.new_code)

    def resolve(code3: str) -> str:
        seen = {code3}
        while code3 in successor:
            code3 = successor[code3]
            if code3 in seen:
                raise InputError(f"harmonize: the mergers table has a cycle through {code3}")
            seen.add(code3)
        return code3

    frame = frame.reset_index(drop=True)  # positions, not labels, from here on
    was_categorical = isinstance(frame[code_col].dtype, pd.CategoricalDtype)
    codes = frame[code_col].astype(str)
    ku_form = codes.str.fullmatch(r"KU\d{3}")
    bare_form = codes.str.fullmatch(r"\d{3}")
    is_muni = ku_form | bare_form
    code3 = codes.where(~ku_form, codes.str[2:])
    new3 = code3.copy()
    new3[is_muni] = code3[is_muni].map(resolve)
    unplaced_mask = is_muni & ~new3.isin(target)
    unplaced = sorted(set(codes[unplaced_mask]))
    if unplaced and on_unknown == "raise":
        raise InputError(
            f"harmonize: municipality codes {unplaced} are neither in the {to_year} division nor in the mergers "
            f"table; add their mergers (data/classifications/municipality_mergers.csv or mergers=), or pass "
            f"on_unknown='keep' to keep them unchanged"
        )
    new_codes = codes.where(~is_muni, np.where(ku_form, "KU" + new3, new3))
    changed = is_muni & (new_codes != codes)

    result = frame.copy()
    result[code_col] = new_codes.astype(object)
    label_cols = [c for c in (f"{code_col}_label", f"{code_col}_name") if c in frame.columns]
    if changed.any():
        key_names = None
        for col in label_cols:
            # the successor's own label in this frame; its Finnish name from the key otherwise
            own = pd.Series(frame.loc[~changed, col].to_numpy(), index=codes[~changed].to_numpy())
            own = own[~own.index.duplicated()]
            new_labels = new_codes[changed].map(own).astype(object)
            if new_labels.isna().any():
                if key_names is None:
                    key_names = load_curated_key().set_index("code")["name_fi"]
                from_key = ("KU" + new3[changed]).map(key_names).astype(object)
                new_labels = new_labels.fillna(from_key)
            new_labels = new_labels.fillna(frame.loc[changed, col].astype(object))
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                result[col] = result[col].astype(object)
            result.loc[changed, col] = new_labels.to_numpy()
        targets = set(new_codes[changed])
        affected = result[code_col].isin(targets)
        keys = [c for c in result.columns if c not in value_cols]
        part = result.loc[affected].copy()
        part["_pos"] = np.flatnonzero(affected.to_numpy())
        grouped = part.groupby(keys, sort=False, dropna=False, observed=True)
        sums = grouped[value_cols].sum()
        complete = grouped[value_cols].count().eq(grouped.size(), axis=0)
        sums = sums.where(complete)
        firsts = grouped["_pos"].min()
        merged = sums.reset_index()
        merged["_pos"] = firsts.to_numpy()
        rest = result.loc[~affected].copy()
        rest["_pos"] = np.flatnonzero((~affected).to_numpy())
        result = (
            pd.concat([rest, merged[rest.columns]], ignore_index=True)
            .sort_values("_pos", kind="stable")
            .drop(columns="_pos")
            .reset_index(drop=True)
        )
        for col in value_cols:
            # keep integer counts integer unless a sum became missing
            if frame[col].dtype.kind in "iu" and not result[col].isna().any():
                result[col] = result[col].astype(frame[col].dtype)
    if was_categorical:
        result[code_col] = pd.Categorical(result[code_col], categories=list(dict.fromkeys(result[code_col])))
    result.attrs = dict(frame.attrs)
    result.attrs["harmonized_to"] = int(to_year)
    result.attrs["unplaced_codes"] = unplaced
    return result

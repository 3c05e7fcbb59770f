"""Chapter 2 (Väestö): age groups, population change, age structure, dependency, projection.

Functions take frames of :mod:`punos_lib.datasets` (``population``, ``population_projection``,
``municipalities``), the study region as an argument, and keep the provenance of their inputs.
``year=None`` means the latest year in the data; shares are percent (0–100). The whole country
is always the ``SSS`` rows, never a sum of regions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib.analysis.areas import region_municipalities
from punos_lib.analysis._common import (
    area_name, area_rows, as_float, carry, pct, require_columns, resolve_year,
)
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY

__all__ = [
    "age_bands",
    "five_year_groups",
    "broad_age_groups",
    "region_municipality_table",
    "population_change",
    "age_structure",
    "dependency_by_area",
    "projection_by_age",
]


def _band_label(start: int, end: int | None) -> str:
    return f"{start}+" if end is None else f"{start}–{end}"


def age_bands(
    frame: pd.DataFrame,
    starts: Sequence[int],
    *,
    age: str = "age",
    value: str = "population",
) -> pd.DataFrame:
    """Sum single-year ages into bands starting at ``starts`` (the last band is open).

    Parameters
    ----------
    frame : DataFrame
        Long table with integer ages (e.g. :func:`punos_lib.datasets.population`).
    starts : sequence of int
        Increasing first ages of the bands; must start at 0. ``[0, 15, 65]`` gives
        ``0–14``, ``15–64``, ``65+``.
    age, value : str
        Column names.

    Returns
    -------
    DataFrame
        Key columns (all but ``age`` and ``value``), ``age_group`` (ordered Categorical with
        labels like ``"15–64"`` and ``"65+"``) and ``value``.

    Raises
    ------
    InputError
        Bands not increasing from 0, ages that are not whole numbers, missing columns.

    Examples
    --------
    >>> f = pd.DataFrame({"age": [0, 14, 15, 64, 65, 90], "population": [1, 2, 3, 4, 5, 6]})
    >>> age_bands(f, [0, 15, 65])["population"].tolist()
    [3.0, 7.0, 11.0]
    """
    require_columns(frame, [age, value], "age_bands")
    starts = [int(s) for s in starts]
    if not starts or starts[0] != 0 or any(b <= a for a, b in zip(starts, starts[1:])):
        raise InputError(f"age band starts must increase from 0, got {starts}")
    ages = pd.to_numeric(frame[age], errors="coerce")
    bad = frame.loc[ages.isna() | (ages % 1 != 0) | (ages < 0), age]
    if len(bad):
        raise InputError(
            f"age_bands: column {age!r} must hold whole ages ≥ 0; found {bad.iloc[0]!r}. Drop "
            "total rows before banding"
        )
    labels = [_band_label(s, e - 1) for s, e in zip(starts, starts[1:])] + [_band_label(starts[-1], None)]
    index = np.searchsorted(np.array(starts), ages.to_numpy(dtype=int), side="right") - 1
    rows = frame.drop(columns=[age]).copy()
    rows[value] = as_float(rows[value])
    rows["age_group"] = pd.Categorical.from_codes(index, categories=labels, ordered=True)
    keys = [c for c in rows.columns if c not in (value, "age_group")]
    out = (
        rows.groupby([*keys, "age_group"], observed=False, sort=True, dropna=False)[value]
        .sum(min_count=1, skipna=False)
        .reset_index()
    )
    if keys:
        # observed=False adds empty combinations of the key columns; keep the real ones.
        real = rows[keys].drop_duplicates()
        out = out.merge(real, on=keys, how="inner")
    out[value] = out[value].fillna(0.0) if not rows[value].isna().any() else out[value]
    return carry(out, frame)


def five_year_groups(frame: pd.DataFrame, *, age: str = "age", value: str = "population",
                     top: int = 85) -> pd.DataFrame:
    """Five-year age groups ``0–4`` … ``80–84`` and an open ``85+`` (see :func:`age_bands`)."""
    if top % 5 or top <= 0:
        raise InputError(f"top must be a positive multiple of 5, got {top}")
    return age_bands(frame, list(range(0, top + 1, 5)), age=age, value=value)


def broad_age_groups(frame: pd.DataFrame, *, age: str = "age", value: str = "population") -> pd.DataFrame:
    """The dependency-ratio bands ``0–14``, ``15–64``, ``65+`` (see :func:`age_bands`)."""
    return age_bands(frame, [0, 15, 65], age=age, value=value)


def _totals_by_area_year(population: pd.DataFrame, value: str) -> pd.DataFrame:
    frame = population[["area", "area_name", "year", value]].copy()
    frame[value] = as_float(frame[value])
    frame["area"] = frame["area"].astype(str)
    frame["area_name"] = frame["area_name"].astype(str)
    return (
        frame.groupby(["area", "area_name", "year"], sort=True)[value]
        .sum(min_count=1, skipna=False)
        .reset_index()
    )


def _names(rows: pd.DataFrame, column: str) -> list[str]:
    """The names of ``column``'s codes (``<column>_name_fi``), the code where a name is missing."""
    codes = rows[column] if column in rows.columns else pd.Series(pd.NA, index=rows.index)
    names = rows[f"{column}_name_fi"] if f"{column}_name_fi" in rows.columns else pd.Series(pd.NA, index=rows.index)
    out = []
    for code, name in zip(codes, names, strict=True):
        if pd.notna(name) and str(name).strip():
            out.append(str(name))
        elif pd.notna(code) and str(code).strip():
            out.append(str(code))
        else:
            out.append("–")
    return out


def region_municipality_table(
    municipalities: pd.DataFrame, population: pd.DataFrame, region: str, *, year: int | None = None
) -> pd.DataFrame:
    """The region's municipalities (current division) with sub-region, employment area and population.

    Returns
    -------
    DataFrame
        ``area`` (KUxxx), ``area_name``, ``subregion_name``, ``employment_area_name`` (the
        names from the municipality key's ``subregion_name_fi`` / ``employment_area_name_fi``;
        the code where the key has no name, "–" where it has neither), ``population`` in
        ``year`` (latest by default), by code; ``attrs["year"]``.
    """
    require_columns(municipalities, ["area", "name_fi", "region", "subregion"], "region_municipality_table")
    require_columns(population, ["area", "year", "population"], "region_municipality_table")
    chosen = resolve_year(population, year)
    codes = region_municipalities(municipalities, region)
    now = population[population["year"] == chosen]
    totals = now.assign(area=now["area"].astype(str)).groupby("area")["population"].sum(min_count=1)
    rows = municipalities.set_index(municipalities["area"].astype(str)).loc[codes]
    out = pd.DataFrame({
        "area": codes,
        "area_name": rows["name_fi"].astype(str).to_numpy(),
        "subregion_name": _names(rows, "subregion"),
        "employment_area_name": _names(rows, "employment_area"),
        "population": [float(totals.get(c, np.nan)) for c in codes],
    })
    carry(out, municipalities, population)
    out.attrs["year"] = chosen
    return out


def population_change(
    population: pd.DataFrame,
    areas: Sequence[str],
    *,
    start: int | None = None,
    end: int | None = None,
    value: str = "population",
) -> pd.DataFrame:
    """Population of ``areas`` at the start and end year and the change between them.

    Parameters
    ----------
    population : DataFrame
        :func:`punos_lib.datasets.population` (harmonised to the current municipal division,
        so that a merged municipality's history is included in its successor).
    areas : sequence of str
        Area codes, e.g. a region's municipalities or all ``MKxx`` codes.
    start, end : int, optional
        Default: the first and the last year in the data.

    Returns
    -------
    DataFrame
        ``area``, ``area_name``, ``population_start``, ``population_end``, ``change``,
        ``change_pct``, in the order of ``areas``; ``attrs["start"]``, ``attrs["end"]``.

    Raises
    ------
    InputError
        An area or year is not in the data, or ``start`` is not before ``end``.

    Examples
    --------
    >>> pop = pd.DataFrame({"area": ["KU1"] * 4, "area_name": ["A"] * 4, "age": [0, 1, 0, 1],
    ...                     "year": [2020, 2020, 2024, 2024], "population": [50, 50, 40, 50]})
    >>> population_change(pop, ["KU1"])[["change", "change_pct"]].values.tolist()
    [[-10.0, -10.0]]
    """
    require_columns(population, ["area", "area_name", "year", value], "population_change")
    first = int(population["year"].min()) if start is None else resolve_year(population, start)
    last = resolve_year(population, end)
    if first >= last:
        raise InputError(f"start year {first} must be before end year {last}")
    totals = _totals_by_area_year(population, value)
    rows = []
    for area in areas:
        mine = area_rows(totals, str(area), "population_change")
        by_year = mine.set_index("year")[value]
        if first not in by_year.index or last not in by_year.index:
            raise InputError(f"population_change: area {area} lacks year {first} or {last}")
        a, b = float(by_year[first]), float(by_year[last])
        rows.append({
            "area": str(area),
            "area_name": str(mine["area_name"].iloc[0]),
            "population_start": a,
            "population_end": b,
            "change": b - a,
            "change_pct": (b - a) / a * 100.0 if a else float("nan"),
        })
    out = pd.DataFrame(rows)
    carry(out, population)
    out.attrs.update({"start": first, "end": last})
    return out


def age_structure(
    population: pd.DataFrame, region: str, *, year: int | None = None, top: int = 85
) -> pd.DataFrame:
    """The region's and the whole country's population by five-year age group, as shares.

    Returns
    -------
    DataFrame
        ``age_group``, ``region_population``, ``country_population``, ``region_share``,
        ``country_share`` (percent of each total); ``attrs["year"]``.

    Examples
    --------
    >>> pop = pd.DataFrame({"area": ["MK10", "MK10", "SSS", "SSS"], "area_name": ["R"] * 4,
    ...                     "age": [2, 90, 2, 90], "year": [2024] * 4,
    ...                     "population": [25, 75, 50, 50]})
    >>> age_structure(pop, "MK10").set_index("age_group").loc[["0–4", "85+"], "region_share"].tolist()
    [25.0, 75.0]
    """
    require_columns(population, ["area", "age", "year", "population"], "age_structure")
    chosen = resolve_year(population, year)
    now = population[population["year"] == chosen]
    parts = {}
    for key, area in (("region", region), ("country", COUNTRY)):
        rows = area_rows(now, area, "age_structure")[["age", "population"]]
        parts[key] = five_year_groups(rows, top=top).set_index("age_group")["population"]
    out = pd.DataFrame({
        "region_population": parts["region"],
        "country_population": parts["country"],
    })
    out["region_share"] = pct(out["region_population"], out["region_population"].sum())
    out["country_share"] = pct(out["country_population"], out["country_population"].sum())
    out = out.reset_index()
    carry(out, population)
    out.attrs["year"] = chosen
    return out


def dependency_by_area(
    population: pd.DataFrame, areas: Sequence[str], *, year: int | None = None
) -> pd.DataFrame:
    """Demographic dependency ratio, ``(0–14 + 65+) / 15–64 × 100``, for each of ``areas``.

    Uses :func:`punos_lib.indicators.demographic_dependency_from_ages` (Statistics Finland's
    *väestöllinen huoltosuhde*). Pass the region's municipalities followed by the region and
    ``"SSS"`` to compare them.

    Returns
    -------
    DataFrame
        ``area``, ``area_name``, ``dependency``, in the order of ``areas``; ``attrs["year"]``.
    """
    require_columns(population, ["area", "area_name", "age", "year", "population"], "dependency_by_area")
    chosen = resolve_year(population, year)
    now = population[population["year"] == chosen]
    rows = []
    for area in areas:
        mine = area_rows(now, str(area), "dependency_by_area")
        ratio = indicators.demographic_dependency_from_ages(mine, "age", "population")
        rows.append({"area": str(area), "area_name": area_name(mine, str(area)), "dependency": ratio})
    out = pd.DataFrame(rows)
    carry(out, population)
    out.attrs["year"] = chosen
    return out


def projection_by_age(projection: pd.DataFrame, area: str) -> pd.DataFrame:
    """The projected population of ``area`` by broad age group, with shares and an index.

    Parameters
    ----------
    projection : DataFrame
        :func:`punos_lib.datasets.population_projection`.
    area : str
        A region or municipality code.

    Returns
    -------
    DataFrame
        ``year``, ``age_group`` (``0–14``, ``15–64``, ``65+``), ``population``, ``share_pct``
        (of the year's total) and ``index`` (first projection year = 100), by year then group.
    """
    require_columns(projection, ["area", "age", "year", "population"], "projection_by_age")
    rows = area_rows(projection, area, "projection_by_age")[["year", "age", "population"]]
    bands = broad_age_groups(rows)
    totals = bands.groupby("year")["population"].transform("sum")
    bands["share_pct"] = pct(bands["population"], totals)
    first_year = int(bands["year"].min())
    base = bands[bands["year"] == first_year].set_index("age_group")["population"]
    bands["index"] = bands["population"] / bands["age_group"].map(base).astype(float) * 100.0
    bands = bands.sort_values(["year", "age_group"], kind="stable").reset_index(drop=True)
    return carry(bands, projection)

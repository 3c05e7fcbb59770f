"""Chapter 7 (Toimialaprofiilit): the numbers of one focus sector's profile.

The sector's key occupations with the share aged 55+, its occupations' jobseekers and
vacancies, and the education supply in its fields, each from the frames of
:mod:`punos_lib.datasets` and a :class:`punos_lib.reference.sectors.Sector`. Codes of the sector
that the data has only at a coarser level are counted in their parent group
(:func:`punos_lib.analysis._common.counted_in`), listed once with the codes it covers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib.analysis._common import (
    area_rows, carry, code_names, counted_in, require_columns, resolve_year,
)
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY

__all__ = [
    "sector_occupations",
    "sector_tightness",
    "sector_education",
]


def sector_occupations(
    occupations: pd.DataFrame,
    sector: Any,
    region: str,
    *,
    year: int | None = None,
    by_age: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Employed in the sector's key occupations in the region, with the share aged 55+.

    The sector's occupations (4-digit AML 2010 codes in ``sectors.yaml``) are looked up at
    the most detailed level the table has: a table with 3-digit groups counts ``6210`` in
    ``621``. Codes that fall in the same group give one row, and ``covers`` lists them, so no
    group is counted twice.

    Parameters
    ----------
    occupations : DataFrame
        :func:`punos_lib.datasets.occupations_by_region` (``area``, ``occupation``, ``year``,
        ``employed``).
    sector : Sector
        From :func:`punos_lib.reference.sectors.get_sector`.
    region : str
    by_age : DataFrame, optional
        Employed by occupation and age: :func:`punos_lib.datasets.workforce_by_occupation_age`
        (regional, ``area`` column) or :func:`punos_lib.datasets.occupations_by_age` (whole
        country). The region's rows are used when present, else the whole country's; the
        column ``age_basis`` says which, and at which occupation code, because no open table
        crosses occupation, age and region.

    Returns
    -------
    DataFrame
        ``occupation``, ``occupation_name``, ``covers``, ``employed``,
        ``share_aged_55_plus`` (percent), ``age_basis``; one row per matched group in the order
        of ``sectors.yaml``. A group the data lacks is shown with NaN, not dropped.
    """
    require_columns(occupations, ["area", "occupation", "year", "employed"], "sector_occupations")
    chosen = resolve_year(occupations, year)
    now = area_rows(occupations[occupations["year"] == chosen], region, "sector_occupations")
    employed = now.assign(occupation=now["occupation"].astype(str)).groupby("occupation")[
        "employed"].sum(min_count=1)
    groups = counted_in(list(sector.aml), employed.index)
    codes = list(groups)
    out = pd.DataFrame({
        "occupation": codes,
        "occupation_name": code_names("aml2010", codes),
        "covers": [", ".join(groups[c]) for c in codes],
        "employed": [float(employed.get(c, np.nan)) for c in codes],
    })
    out["share_aged_55_plus"] = np.nan
    out["age_basis"] = "–"
    sources: list[Any] = [occupations]
    if by_age is not None:
        require_columns(by_age, ["occupation", "age_group", "employed"], "sector_occupations (by_age)")
        table, basis = by_age, "koko maa"
        if "area" in by_age.columns:
            areas = by_age["area"].astype(str)
            if (areas == region).any():
                table, basis = by_age[areas == region], "maakunta"
            else:
                table = by_age[areas == COUNTRY]
        if "year" in table.columns and len(table):
            table = table[table["year"] == resolve_year(table)]
        table = table.assign(occupation=table["occupation"].astype(str))
        if len(table):
            shares = indicators.share_aged_55_plus(
                table, age_col="age_group", value_col="employed", by="occupation") * 100.0
            for i, code in enumerate(codes):
                best = counted_in([code], shares.index)
                hit = next(iter(best))
                if hit in shares.index and pd.notna(shares[hit]):
                    out.loc[i, "share_aged_55_plus"] = float(shares[hit])
                    out.loc[i, "age_basis"] = f"{basis} ({hit})"
        sources.append(by_age)
    carry(out, *sources)
    out.attrs["year"] = chosen
    return out


def sector_tightness(
    jobseekers: pd.DataFrame, sector: Any, region: str, *, months: int = 12
) -> pd.DataFrame:
    """Unemployed jobseekers, open vacancies and tightness in the sector's occupations.

    Averages over the last ``months`` month-end counts (default 12, smoothing the seasons);
    tightness = average vacancies / average unemployed
    (:func:`punos_lib.indicators.tightness`). A last row ``occupation = "Yhteensä"`` sums
    the occupations with data.

    Parameters
    ----------
    jobseekers : DataFrame
        :func:`punos_lib.datasets.jobseekers_by_occupation` (``area``, ``occupation``,
        ``month``, ``unemployed``, ``vacancies``).

    Returns
    -------
    DataFrame
        ``occupation``, ``occupation_name``, ``unemployed``, ``vacancies``, ``tightness``;
        ``attrs["months"]`` = (first, last) month used. Suppressed (missing) months are left
        out of an occupation's averages; an occupation with no data at all is NaN.
    """
    require_columns(jobseekers, ["area", "occupation", "month", "unemployed", "vacancies"], "sector_tightness")
    if months < 1:
        raise InputError(f"months must be at least 1, got {months}")
    rows = area_rows(jobseekers, region, "sector_tightness")
    month_list = sorted(rows["month"].astype(str).unique())[-months:]
    recent = rows[rows["month"].astype(str).isin(month_list)].copy()
    recent["occupation"] = recent["occupation"].astype(str)
    codes = list(sector.aml)
    recent = recent[recent["occupation"].isin(codes)]
    means = recent.groupby("occupation")[["unemployed", "vacancies"]].mean()
    out = pd.DataFrame({"occupation": codes, "occupation_name": code_names("aml2010", codes)})
    out["unemployed"] = out["occupation"].map(means["unemployed"]).astype(float)
    out["vacancies"] = out["occupation"].map(means["vacancies"]).astype(float)
    known = out[out["unemployed"].notna() & out["vacancies"].notna()]
    total = {
        "occupation": "Yhteensä",
        "occupation_name": "Alan ammatit yhteensä",
        "unemployed": float(known["unemployed"].sum()) if len(known) else float("nan"),
        "vacancies": float(known["vacancies"].sum()) if len(known) else float("nan"),
    }
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["tightness"] = indicators.tightness(out["vacancies"], out["unemployed"]).to_numpy()
    carry(out, jobseekers)
    out.attrs["months"] = (month_list[0], month_list[-1]) if month_list else None
    return out


def sector_education(
    education: pd.DataFrame, sector: Any, region: str, *, year: int | None = None
) -> pd.DataFrame:
    """Education supply in the sector's fields (Koulutusala 2016) in the region.

    A sector field (e.g. ``"0821"``) takes the data rows with the same or a finer code
    (``"0821"``, ``"08211"``). When the data is only at a coarser level (``"08"``), the
    sector field is shown with that broader field, whose numbers include other fields too;
    ``covers`` lists the sector fields a row stands for, so a broad field is listed once.

    Parameters
    ----------
    education : DataFrame
        :func:`punos_lib.datasets.education_supply` (``area``, ``year``, ``level``,
        ``field``, ``measure``, ``value``).

    Returns
    -------
    DataFrame
        ``field``, ``field_name``, ``covers``, ``level``, ``measure``, ``value`` for ``year``
        (latest by default); a sector field without any data appears once with NaN.
    """
    require_columns(education, ["area", "year", "level", "field", "measure", "value"], "sector_education")
    rows = area_rows(education, region, "sector_education")
    chosen = resolve_year(rows, year)
    now = rows[rows["year"] == chosen].copy()
    now["field"] = now["field"].astype(str)
    available = set(now["field"])
    groups: dict[str, list[str]] = {}
    for code in sector.koulutusala:
        if any(f.startswith(code) for f in available):
            groups.setdefault(code, []).append(code)
        else:
            hit = next(iter(counted_in([code], available)))
            groups.setdefault(hit, []).append(code)
    parts = []
    for code, covered in groups.items():
        mine = now[now["field"].str.startswith(code)]
        if mine.empty:
            part = pd.DataFrame([{"level": "–", "measure": "–", "value": np.nan}])
        else:
            part = mine.groupby(["level", "measure"], sort=False)["value"].sum(min_count=1).reset_index()
        parts.append(part.assign(field=code, covers=", ".join(covered)))
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["value"].astype(float)
    out["field_name"] = code_names("koulutusala2016", out["field"].tolist())
    out = out[["field", "field_name", "covers", "level", "measure", "value"]]
    carry(out, education)
    out.attrs["year"] = chosen
    return out

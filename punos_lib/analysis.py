"""Analysis helpers of the statistical chapters: the steps between a dataset and a figure.

The study notebooks stay thin: each figure or table is one call here on the frames of
:mod:`punos_lib.datasets` (columns as documented in ``docs/architecture.md``), followed by a
figure helper. Functions here are pure (no I/O except the curated classification names), take
the study region as an argument (``"MK10"`` is only the notebooks' default), and keep the
frames' provenance: every result carries ``attrs["provenance"]`` merged from its inputs, so the
source line and the demo mark follow the numbers into figures and tables.

Conventions

- Area codes are in StatFin form: ``SSS`` (whole country), ``MK10`` (region), ``KU491``
  (municipality). The whole country is always the ``SSS`` rows, never a sum of regions (the
  regions of StatFin's employment tables do not add up to the country).
- ``year=None`` means the latest year in the data; a year not in the data raises
  :class:`~punos_lib.errors.InputError` listing the years that are.
- Missing (suppressed) cells propagate as NaN through sums, like in :mod:`punos_lib.indicators`.
- Shares are in percent (0–100), indices are 100 in the base year.

Groups of functions

- classification: :data:`TOL_SECTIONS`, :func:`tol_section`, :func:`industries_to_sections`
- ages: :func:`age_bands`, :func:`five_year_groups`, :func:`broad_age_groups`
- population: :func:`region_municipality_table`, :func:`population_change`,
  :func:`age_structure`, :func:`dependency_by_area`, :func:`projection_by_age`
- economy: :func:`industry_structure`, :func:`jobs_trend`, :func:`location_quotients`,
  :func:`top_bottom`, :func:`shift_share_by_section`, :func:`sector_jobs`,
  :func:`self_sufficiency_table`
- sector profiles: :func:`sector_occupations`, :func:`sector_tightness`,
  :func:`sector_education` (chapter 7's text is written by :mod:`punos_lib.publish.generated`)
- areas and presentation: :func:`resolve_year`, :func:`region_municipalities`,
  :func:`region_codes`, :func:`with_regions`, :func:`mark_region`, :func:`for_display`
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib._frames import area_rows as _area_rows
from punos_lib._frames import carry as _carry
from punos_lib._frames import merge_provenance as _merge_provenance
from punos_lib._frames import require_columns as _columns
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY

__all__ = [
    "TOL_SECTIONS",
    "COUNTRY",
    "tol_section",
    "industries_to_sections",
    "age_bands",
    "five_year_groups",
    "broad_age_groups",
    "resolve_year",
    "region_codes",
    "region_municipalities",
    "mark_region",
    "with_regions",
    "region_municipality_table",
    "population_change",
    "age_structure",
    "dependency_by_area",
    "projection_by_age",
    "industry_structure",
    "jobs_trend",
    "location_quotients",
    "top_bottom",
    "shift_share_by_section",
    "sector_jobs",
    "self_sufficiency_table",
    "sector_occupations",
    "sector_tightness",
    "sector_education",
    "for_display",
]

#: TOL 2008 sections and their divisions (first, last), Statistics Finland, Toimialaluokitus
#: TOL 2008 (= NACE Rev. 2). Divisions 04, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89 do not exist.
TOL_SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}
# Numbers inside the section ranges that are not TOL 2008 divisions.
_NOT_DIVISIONS = frozenset({4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89})
_UNKNOWN_INDUSTRY = "X"
_DIVISION = re.compile(r"^\d{2}$")
_SECTION = re.compile(r"^[A-UX]$")
_REGION = re.compile(r"^MK\d{2}$")

# Finnish column headings for tables shown in the study (see for_display).
_FI_COLUMNS: dict[str, str] = {
    "area": "Aluekoodi",
    "area_name": "Alue",
    "year": "Vuosi",
    "age_group": "Ikäryhmä",
    "population": "Väestö",
    "subregion": "Seutukunta",
    "employment_area": "Työssäkäyntialue",
    "label": "Nimike",
    "covers": "Alan luokat",
    "population_start": "Väestö alussa",
    "population_end": "Väestö lopussa",
    "change": "Muutos",
    "change_pct": "Muutos, %",
    "region_share": "Osuus alueella, %",
    "country_share": "Osuus koko maassa, %",
    "share_pct": "Osuus, %",
    "dependency": "Väestöllinen huoltosuhde",
    "index": "Indeksi",
    "section": "Toimialaluokka",
    "section_name": "Toimiala",
    "industry": "Toimialakoodi",
    "industry_name": "Toimiala",
    "jobs": "Työpaikat",
    "jobs_start": "Työpaikat alussa",
    "jobs_end": "Työpaikat lopussa",
    "location_quotient": "Sijaintiosamäärä",
    "group": "Ryhmä",
    "national": "Valtakunnallinen osuus",
    "industry_mix": "Toimialarakenneosuus",
    "regional": "Alueellinen osuus",
    "total": "Muutos yhteensä",
    "sector": "Tunnus",
    "sector_name": "Ala",
    "employed_residents": "Työlliset asukkaat",
    "self_sufficiency": "Työpaikkaomavaraisuus, %",
    "in_commuters": "Sisäänpendelöijät",
    "out_commuters": "Ulospendelöijät",
    "net_commuting": "Nettopendelöinti",
    "occupation": "Ammattikoodi",
    "occupation_name": "Ammatti",
    "employed": "Työlliset",
    "share_aged_55_plus": "55 vuotta täyttäneiden osuus, %",
    "age_basis": "Ikätiedon alue",
    "unemployed": "Työttömät työnhakijat",
    "vacancies": "Avoimet työpaikat",
    "tightness": "Kireys (avoimet / työttömät)",
    "field": "Koulutusalakoodi",
    "field_name": "Koulutusala",
    "level": "Koulutusaste",
    "measure": "Mittari",
    "value": "Arvo",
    "is_region": "Tarkasteltava alue",
    "rank": "Sija",
}


# Finnish display of code values that the data holds in plain ASCII (see for_display).
_FI_VALUES: dict[str, str] = {
    "uudet_opiskelijat": "Uudet opiskelijat",
    "tutkinnot": "Tutkinnot",
    "ammatillinen": "Ammatillinen koulutus",
    "amk": "Ammattikorkeakoulu",
    "yliopisto": "Yliopisto",
}


# --------------------------------------------------------------------------- small helpers


def _area_name(frame: pd.DataFrame, area: str) -> str:
    if "area_name" in frame.columns:
        names = frame.loc[frame["area"].astype(str) == area, "area_name"]
        if len(names):
            return str(names.iloc[0])
    return area


def _as_float(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="raise").astype("float64")


def _sum(series: pd.Series) -> float:
    """Sum that is NaN when any cell is missing (suppressed cells must not vanish)."""
    return float(series.sum(skipna=False)) if len(series) else float("nan")


def _label(code: str, name: str, width: int = 45) -> str:
    """``"02 Metsätalous ja puunkorjuu"``, cut to ``width`` characters with an ellipsis."""
    text = f"{code} {name}"
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _pct(part: pd.Series | float, whole: pd.Series | float) -> Any:
    if isinstance(whole, pd.Series):
        return part / whole.where(whole != 0) * 100.0
    return part / whole * 100.0 if whole else float("nan")


# --------------------------------------------------------------------------- years and areas


def resolve_year(frame: pd.DataFrame, year: int | None = None, *, column: str = "year") -> int:
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
    _columns(frame, [column], "resolve_year")
    years = sorted(int(y) for y in pd.unique(frame[column].dropna()))
    if not years:
        raise InputError(f"resolve_year: the frame has no values in {column!r}")
    if year is None:
        return years[-1]
    if isinstance(year, bool) or int(year) not in years:
        raise InputError(
            f"year {year!r} is not in the data; available years are {years[0]}–{years[-1]} "
            f"({', '.join(map(str, years))}). Pass one of them or leave year=None for the latest"
        )
    return int(year)


def region_codes(frame: pd.DataFrame) -> list[str]:
    """The region (maakunta) codes ``MKxx`` present in ``frame['area']``, sorted.

    Examples
    --------
    >>> region_codes(pd.DataFrame({"area": ["SSS", "MK10", "KU491", "MK01"]}))
    ['MK01', 'MK10']
    """
    _columns(frame, ["area"], "region_codes")
    return sorted({a for a in frame["area"].astype(str) if _REGION.match(a)})


def region_municipalities(municipalities: pd.DataFrame, region: str) -> list[str]:
    """Codes (``KUxxx``) of the region's municipalities in the current division, by code.

    Parameters
    ----------
    municipalities : DataFrame
        :func:`punos_lib.datasets.municipalities` (columns ``area``, ``region``).
    region : str
        ``"MK10"`` etc.

    Raises
    ------
    InputError
        No municipality belongs to ``region``; the message lists the valid region codes.
    """
    _columns(municipalities, ["area", "region"], "region_municipalities")
    rows = municipalities[municipalities["region"].astype(str) == region]
    if rows.empty:
        valid = ", ".join(sorted(municipalities["region"].astype(str).unique()))
        raise InputError(
            f"region {region!r} has no municipalities in the municipality key; valid region codes "
            f"are {valid}"
        )
    return sorted(rows["area"].astype(str).tolist())


def mark_region(frame: pd.DataFrame, region: str, *, value: str, ascending: bool = False) -> pd.DataFrame:
    """Rank the rows of ``frame`` by ``value`` and flag the study region (``is_region``).

    Used to place the region among all 19 regions. Rows are sorted by ``value``
    (largest first unless ``ascending``), ``rank`` is 1 for the first row.

    Raises
    ------
    InputError
        ``region`` is not among the rows.

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["MK01", "MK10", "MK02"], "v": [1.0, -2.0, 3.0]})
    >>> mark_region(f, "MK10", value="v")[["area", "rank", "is_region"]].values.tolist()
    [['MK02', 1, False], ['MK01', 2, False], ['MK10', 3, True]]
    """
    _columns(frame, ["area", value], "mark_region")
    _area_rows(frame, region, "mark_region")
    out = frame.sort_values(value, ascending=ascending, kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out["is_region"] = out["area"].astype(str) == region
    return _carry(out, frame)


def with_regions(frame: pd.DataFrame, municipalities: pd.DataFrame, value: str) -> pd.DataFrame:
    """Add region rows (``MKxx``) summed from the municipality rows (``KUxxx``) of ``frame``.

    Some StatFin tables (e.g. population 11re) give the country and municipalities but not
    regions. Regions already in ``frame`` are kept as they are; the others are the sums of
    their municipalities in the current division (:func:`punos_lib.datasets.municipalities`),
    within every combination of the other key columns (age, year …). A region with a missing
    municipality cell is NaN for that combination.

    Parameters
    ----------
    frame : DataFrame
        Columns ``area``, optional ``area_name``, ``value`` and key columns.
    municipalities : DataFrame
        ``area``, ``region``, ``region_name_fi``.
    value : str
        The column to sum.

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["SSS", "KU1", "KU2"], "year": [1, 1, 1], "n": [9.0, 2.0, 3.0]})
    >>> m = pd.DataFrame({"area": ["KU1", "KU2"], "region": ["MK10"] * 2, "region_name_fi": ["R"] * 2})
    >>> with_regions(f, m, "n").query("area == 'MK10'")["n"].tolist()
    [5.0]
    """
    _columns(frame, ["area", value], "with_regions")
    _columns(municipalities, ["area", "region", "region_name_fi"], "with_regions (municipalities)")
    region_of = dict(zip(municipalities["area"].astype(str), municipalities["region"].astype(str)))
    names = dict(zip(municipalities["region"].astype(str), municipalities["region_name_fi"].astype(str)))
    areas = frame["area"].astype(str)
    present = {a for a in areas.unique() if _REGION.match(a)}
    rows = frame[areas.isin(list(region_of))].copy()
    rows["area"] = rows["area"].astype(str).map(region_of)
    rows = rows[~rows["area"].isin(list(present))]
    keys = [c for c in frame.columns if c not in ("area", "area_name", value)]
    rows[value] = _as_float(rows[value])
    summed = (
        rows.groupby(["area", *keys], sort=True, dropna=False)[value]
        .sum(min_count=1, skipna=False)
        .reset_index()
    )
    if "area_name" in frame.columns:
        summed.insert(1, "area_name", summed["area"].map(names))
    out = pd.concat([frame.assign(area=areas), summed[list(frame.columns)]], ignore_index=True)
    return _carry(out, frame, municipalities)


def _best_codes(wanted: Sequence[str], available: Iterable[str]) -> dict[str, list[str]]:
    """Map each wanted code to the data code it is counted in, most detailed first.

    A wanted code is matched exactly, else by the longest available code that is a prefix of
    it (its parent at a coarser level of the classification). Returns matched code → the wanted
    codes it covers, in the order of ``wanted``; a wanted code without any match maps to
    itself (shown as a visible gap).
    """
    codes = set(map(str, available))
    matched: dict[str, list[str]] = {}
    for code in wanted:
        hit = code
        for length in range(len(code), 0, -1):
            if code[:length] in codes:
                hit = code[:length]
                break
        matched.setdefault(hit, []).append(code)
    return matched


# --------------------------------------------------------------------------- classification


def tol_section(division: str) -> str:
    """The TOL 2008 section letter of a two-digit division (unknown ``"X"``/``"00"`` give ``"X"``).

    Source: Statistics Finland, Toimialaluokitus TOL 2008 (sections A–U and their divisions).

    Raises
    ------
    InputError
        Not a two-digit TOL 2008 division (e.g. ``"04"``, ``"1"`` or ``"C"``).

    Examples
    --------
    >>> [tol_section(d) for d in ("02", "16", "35", "86", "99", "X", "00")]
    ['A', 'C', 'D', 'Q', 'U', 'X', 'X']
    """
    # The classification API files the unknown industry as division 00 under section X.
    if division in (_UNKNOWN_INDUSTRY, "00"):
        return _UNKNOWN_INDUSTRY
    if not isinstance(division, str) or not _DIVISION.match(division):
        raise InputError(
            f"{division!r} is not a two-digit TOL 2008 division such as '02' or '16'; read the "
            "codes as text so that leading zeros are kept"
        )
    number = int(division)
    if number not in _NOT_DIVISIONS:
        for section, (first, last) in TOL_SECTIONS.items():
            if first <= number <= last:
                return section
    raise InputError(f"{division!r} is not a TOL 2008 division (there is no division {division})")


def _section_names(lang: str = "fi") -> dict[str, str]:
    from punos_lib.sources.classifications import labels

    names = labels("tol2008", lang)  # type: ignore[arg-type]
    return {code: str(name) for code, name in names.items() if _SECTION.match(str(code))}


def industries_to_sections(
    frame: pd.DataFrame, value: str = "jobs", *, industry: str = "industry", lang: str = "fi"
) -> pd.DataFrame:
    """Aggregate TOL 2008 divisions to sections (A–U, X unknown).

    Rows whose ``industry`` is a two-digit division are summed by section within every
    combination of the other key columns (e.g. area and year). Totals (``SSS``), section rows
    and finer codes are ignored so that nothing is counted twice. When the frame holds no
    divisions but does hold section letters, those rows are used as they are.

    Parameters
    ----------
    frame : DataFrame
        E.g. :func:`punos_lib.datasets.jobs_by_industry`.
    value : str
        The column to sum (``"jobs"``, ``"employed"``).
    industry : str
        The column of TOL codes.
    lang : {"fi", "sv", "en"}
        Language of ``section_name``.

    Returns
    -------
    DataFrame
        The key columns (all but ``industry``, ``industry_name`` and ``value``), then
        ``section``, ``section_name``, ``value``; sections in A–U, X order. A section with a
        missing division is NaN.

    Raises
    ------
    InputError
        Missing columns, a code that is no TOL 2008 division, or neither divisions nor sections.
    """
    _columns(frame, [industry, value], "industries_to_sections")
    codes = frame[industry].astype(str)
    is_division = codes.str.fullmatch(r"\d{2}") | (codes == _UNKNOWN_INDUSTRY)
    if is_division.any() and (codes[is_division] != _UNKNOWN_INDUSTRY).any():
        rows = frame[is_division].copy()
        rows["section"] = [tol_section(c) for c in rows[industry].astype(str)]
    else:
        is_section = codes.str.fullmatch(r"[A-UX]")
        if not is_section.any():
            raise InputError(
                f"industries_to_sections: column {industry!r} holds neither TOL 2008 divisions "
                "('01'…'99') nor sections ('A'…'U'); check that the frame is by industry"
            )
        rows = frame[is_section].copy()
        rows["section"] = rows[industry].astype(str)
    keys = [c for c in frame.columns if c not in (industry, f"{industry}_name", value)]
    rows[value] = _as_float(rows[value])
    order = list(TOL_SECTIONS) + [_UNKNOWN_INDUSTRY]
    rows["section"] = pd.Categorical(rows["section"], categories=order, ordered=True)
    grouped = (
        rows.groupby([*keys, "section"], observed=True, sort=True, dropna=False)[value]
        .sum(min_count=1, skipna=False)
        .reset_index()
    )
    grouped["section"] = grouped["section"].astype(str)
    names = _section_names(lang)
    grouped.insert(len(keys) + 1, "section_name", grouped["section"].map(names).astype(object))
    return _carry(grouped, frame)


# --------------------------------------------------------------------------- ages


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
    _columns(frame, [age, value], "age_bands")
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
    rows[value] = _as_float(rows[value])
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
    return _carry(out, frame)


def five_year_groups(frame: pd.DataFrame, *, age: str = "age", value: str = "population",
                     top: int = 85) -> pd.DataFrame:
    """Five-year age groups ``0–4`` … ``80–84`` and an open ``85+`` (see :func:`age_bands`)."""
    if top % 5 or top <= 0:
        raise InputError(f"top must be a positive multiple of 5, got {top}")
    return age_bands(frame, list(range(0, top + 1, 5)), age=age, value=value)


def broad_age_groups(frame: pd.DataFrame, *, age: str = "age", value: str = "population") -> pd.DataFrame:
    """The dependency-ratio bands ``0–14``, ``15–64``, ``65+`` (see :func:`age_bands`)."""
    return age_bands(frame, [0, 15, 65], age=age, value=value)


# --------------------------------------------------------------------------- population


def _totals_by_area_year(population: pd.DataFrame, value: str) -> pd.DataFrame:
    frame = population[["area", "area_name", "year", value]].copy()
    frame[value] = _as_float(frame[value])
    frame["area"] = frame["area"].astype(str)
    frame["area_name"] = frame["area_name"].astype(str)
    return (
        frame.groupby(["area", "area_name", "year"], sort=True)[value]
        .sum(min_count=1, skipna=False)
        .reset_index()
    )


def region_municipality_table(
    municipalities: pd.DataFrame, population: pd.DataFrame, region: str, *, year: int | None = None
) -> pd.DataFrame:
    """The region's municipalities (current division) with sub-region and population.

    Returns
    -------
    DataFrame
        ``area`` (KUxxx), ``area_name``, ``subregion``, ``employment_area``, ``population``
        in ``year`` (latest by default), by code; ``attrs["year"]``.
    """
    _columns(municipalities, ["area", "name_fi", "region", "subregion"], "region_municipality_table")
    _columns(population, ["area", "year", "population"], "region_municipality_table")
    chosen = resolve_year(population, year)
    codes = region_municipalities(municipalities, region)
    now = population[population["year"] == chosen]
    totals = now.assign(area=now["area"].astype(str)).groupby("area")["population"].sum(min_count=1)
    rows = municipalities.set_index(municipalities["area"].astype(str)).loc[codes]
    out = pd.DataFrame({
        "area": codes,
        "area_name": rows["name_fi"].astype(str).to_numpy(),
        "subregion": rows["subregion"].astype(str).to_numpy(),
        "employment_area": rows["employment_area"].astype(str).to_numpy()
        if "employment_area" in rows.columns else "–",
        "population": [float(totals.get(c, np.nan)) for c in codes],
    })
    _carry(out, municipalities, population)
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
    _columns(population, ["area", "area_name", "year", value], "population_change")
    first = int(population["year"].min()) if start is None else resolve_year(population, start)
    last = resolve_year(population, end)
    if first >= last:
        raise InputError(f"start year {first} must be before end year {last}")
    totals = _totals_by_area_year(population, value)
    rows = []
    for area in areas:
        mine = _area_rows(totals, str(area), "population_change")
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
    _carry(out, population)
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
    _columns(population, ["area", "age", "year", "population"], "age_structure")
    chosen = resolve_year(population, year)
    now = population[population["year"] == chosen]
    parts = {}
    for key, area in (("region", region), ("country", COUNTRY)):
        rows = _area_rows(now, area, "age_structure")[["age", "population"]]
        parts[key] = five_year_groups(rows, top=top).set_index("age_group")["population"]
    out = pd.DataFrame({
        "region_population": parts["region"],
        "country_population": parts["country"],
    })
    out["region_share"] = _pct(out["region_population"], out["region_population"].sum())
    out["country_share"] = _pct(out["country_population"], out["country_population"].sum())
    out = out.reset_index()
    _carry(out, population)
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
    _columns(population, ["area", "area_name", "age", "year", "population"], "dependency_by_area")
    chosen = resolve_year(population, year)
    now = population[population["year"] == chosen]
    rows = []
    for area in areas:
        mine = _area_rows(now, str(area), "dependency_by_area")
        ratio = indicators.demographic_dependency_from_ages(mine, "age", "population")
        rows.append({"area": str(area), "area_name": _area_name(mine, str(area)), "dependency": ratio})
    out = pd.DataFrame(rows)
    _carry(out, population)
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
    _columns(projection, ["area", "age", "year", "population"], "projection_by_age")
    rows = _area_rows(projection, area, "projection_by_age")[["year", "age", "population"]]
    bands = broad_age_groups(rows)
    totals = bands.groupby("year")["population"].transform("sum")
    bands["share_pct"] = _pct(bands["population"], totals)
    first_year = int(bands["year"].min())
    base = bands[bands["year"] == first_year].set_index("age_group")["population"]
    bands["index"] = bands["population"] / bands["age_group"].map(base).astype(float) * 100.0
    bands = bands.sort_values(["year", "age_group"], kind="stable").reset_index(drop=True)
    return _carry(bands, projection)


# --------------------------------------------------------------------------- economy


def _divisions(frame: pd.DataFrame, industry: str = "industry") -> pd.DataFrame:
    codes = frame[industry].astype(str)
    rows = frame[codes.str.fullmatch(r"\d{2}")]
    if rows.empty:
        raise InputError(
            f"no two-digit TOL 2008 divisions in column {industry!r}; location quotients and "
            "sector totals need the division level"
        )
    return rows


def _all_industries(frame: pd.DataFrame, value: str, industry: str = "industry") -> pd.Series:
    """Total per (area, year): the table's own total row ``SSS`` when present, else the
    sum of divisions (and the unknown industry X)."""
    codes = frame[industry].astype(str)
    total_rows = frame[codes == "SSS"]
    if not total_rows.empty:
        return total_rows.groupby(["area", "year"])[value].sum(min_count=1)
    parts = frame[codes.str.fullmatch(r"\d{2}") | (codes == _UNKNOWN_INDUSTRY)]
    return parts.groupby(["area", "year"])[value].sum(min_count=1, skipna=False)


def industry_structure(jobs: pd.DataFrame, region: str, *, year: int | None = None) -> pd.DataFrame:
    """Jobs in the region by TOL 2008 section, with the region's and the country's shares.

    Returns
    -------
    DataFrame
        ``section``, ``section_name``, ``label`` (code and name, short, for figures),
        ``jobs`` (region), ``region_share``, ``country_share`` (percent of the area's jobs in
        all sections); ``attrs["year"]``.
    """
    _columns(jobs, ["area", "industry", "year", "jobs"], "industry_structure")
    chosen = resolve_year(jobs, year)
    now = jobs[jobs["year"] == chosen]
    _area_rows(now, region, "industry_structure")
    _area_rows(now, COUNTRY, "industry_structure")
    sections = industries_to_sections(now[now["area"].astype(str).isin([region, COUNTRY])])
    wide = sections.pivot_table(index=["section", "section_name"], columns="area", values="jobs",
                                aggfunc="sum", sort=False).reset_index()
    wide.columns.name = None
    out = pd.DataFrame({
        "section": wide["section"],
        "section_name": wide["section_name"],
        "label": [_label(c, n) for c, n in zip(wide["section"], wide["section_name"])],
        "jobs": wide[region],
        "region_share": _pct(wide[region], wide[region].sum()),
        "country_share": _pct(wide[COUNTRY], wide[COUNTRY].sum()),
    })
    _carry(out, jobs)
    out.attrs["year"] = chosen
    return out


def jobs_trend(
    jobs: pd.DataFrame,
    region: str,
    *,
    industries: Sequence[str] | None = None,
    base_year: int | None = None,
) -> pd.DataFrame:
    """Jobs by year in the region and in the whole country, with an index (base year = 100).

    Parameters
    ----------
    jobs : DataFrame
        :func:`punos_lib.datasets.jobs_by_industry`.
    region : str
    industries : sequence of str, optional
        TOL 2008 divisions to add up (a sector); default all industries.
    base_year : int, optional
        Default the first year.

    Returns
    -------
    DataFrame
        ``area``, ``area_name``, ``year``, ``jobs``, ``index``; the region's rows first.
    """
    _columns(jobs, ["area", "area_name", "industry", "year", "jobs"], "jobs_trend")
    frame = jobs[jobs["area"].astype(str).isin([region, COUNTRY])].copy()
    _area_rows(frame, region, "jobs_trend")
    _area_rows(frame, COUNTRY, "jobs_trend")
    frame["jobs"] = _as_float(frame["jobs"])
    if industries is None:
        totals = _all_industries(frame, "jobs").rename("jobs").reset_index()
    else:
        wanted = [str(i) for i in industries]
        divisions = _divisions(frame)
        absent = sorted(set(wanted) - set(divisions["industry"].astype(str)))
        if absent:
            raise InputError(
                f"jobs_trend: division(s) {', '.join(absent)} not in the data; check the sector's "
                "TOL codes in data/sectors.yaml"
            )
        chosen = divisions[divisions["industry"].astype(str).isin(wanted)]
        totals = chosen.groupby(["area", "year"])["jobs"].sum(min_count=1, skipna=False).reset_index()
    base = int(totals["year"].min()) if base_year is None else resolve_year(totals, base_year)
    base_values = totals[totals["year"] == base].set_index("area")["jobs"]
    totals["index"] = totals["jobs"] / totals["area"].map(base_values).where(lambda s: s != 0) * 100.0
    totals["area"] = totals["area"].astype(str)
    totals.insert(1, "area_name", totals["area"].map(lambda a: _area_name(frame, a)))
    totals["_order"] = (totals["area"] != region).astype(int)
    out = totals.sort_values(["_order", "year"], kind="stable").drop(columns="_order").reset_index(drop=True)
    _carry(out, jobs)
    out.attrs["base_year"] = base
    return out


def location_quotients(
    jobs: pd.DataFrame,
    region: str,
    *,
    year: int | None = None,
    industries: Sequence[str] | None = None,
    min_jobs: float = 0.0,
) -> pd.DataFrame:
    """Location quotients of TOL 2008 divisions in the region against the whole country.

    ``LQ = (e_ir / e_r) / (E_i / E)`` with the shares of all the area's jobs (the table's
    ``SSS`` total where present), via :func:`punos_lib.indicators.location_quotient`
    (Isard 1960).

    Parameters
    ----------
    industries : sequence of str, optional
        Keep only these divisions (a sector); shares are still of all jobs.
    min_jobs : float
        Drop divisions with fewer jobs in the region: quotients of tiny industries swing
        wildly. Noted in ``attrs["note"]`` when rows are dropped.

    Returns
    -------
    DataFrame
        ``industry``, ``industry_name``, ``label`` (short, for figures), ``jobs``,
        ``region_share``, ``country_share``, ``location_quotient``, sorted by the quotient (largest first); ``attrs["year"]``.
    """
    _columns(jobs, ["area", "industry", "year", "jobs"], "location_quotients")
    chosen = resolve_year(jobs, year)
    now = jobs[jobs["year"] == chosen].copy()
    now["jobs"] = _as_float(now["jobs"])
    totals = _all_industries(now, "jobs")
    divisions = _divisions(now)
    reg = _area_rows(divisions, region, "location_quotients").set_index(
        divisions.loc[divisions["area"].astype(str) == region, "industry"].astype(str))
    nat = _area_rows(divisions, COUNTRY, "location_quotients").set_index(
        divisions.loc[divisions["area"].astype(str) == COUNTRY, "industry"].astype(str))
    e_r = float(totals.loc[(region, chosen)])
    e = float(totals.loc[(COUNTRY, chosen)])
    lq = indicators.location_quotient(reg["jobs"], nat["jobs"], region_total=e_r, nation_total=e)
    names = reg["industry_name"].astype(str) if "industry_name" in reg.columns else reg.index.to_series()
    out = pd.DataFrame({
        "industry": reg.index.astype(str),
        "industry_name": names.to_numpy(),
        "label": [_label(c, n) for c, n in zip(reg.index.astype(str), names.to_numpy())],
        "jobs": reg["jobs"].to_numpy(),
        "region_share": (reg["jobs"] / e_r * 100.0).to_numpy(),
        "country_share": (nat["jobs"].reindex(reg.index) / e * 100.0).to_numpy(),
        "location_quotient": lq.to_numpy(),
    })
    note = None
    if industries is not None:
        wanted = [str(i) for i in industries]
        absent = sorted(set(wanted) - set(out["industry"]))
        if absent:
            raise InputError(
                f"location_quotients: division(s) {', '.join(absent)} not in the data; check the "
                "sector's TOL codes in data/sectors.yaml"
            )
        out = out[out["industry"].isin(wanted)]
    if min_jobs > 0:
        small = out["jobs"] < min_jobs
        if small.any():
            note = (f"{int(small.sum())} toimialaa, joilla alle {min_jobs:g} työpaikkaa alueella, "
                    "jätetty pois")
        out = out[~small]
    out = out.sort_values("location_quotient", ascending=False, kind="stable").reset_index(drop=True)
    _carry(out, jobs, note=note)
    out.attrs["year"] = chosen
    return out


def top_bottom(frame: pd.DataFrame, column: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` largest and ``n`` smallest rows by ``column`` with a ``group`` column.

    ``group`` is ``"Suurimmat"`` or ``"Pienimmät"``; when the frame has at most ``2n`` rows
    every row appears once. Missing values are left out.

    Examples
    --------
    >>> f = pd.DataFrame({"x": [5.0, 1.0, 3.0, 4.0, 2.0]})
    >>> top_bottom(f, "x", 2)[["x", "group"]].values.tolist()
    [[5.0, 'Suurimmat'], [4.0, 'Suurimmat'], [2.0, 'Pienimmät'], [1.0, 'Pienimmät']]
    """
    _columns(frame, [column], "top_bottom")
    if n < 1:
        raise InputError(f"n must be at least 1, got {n}")
    known = frame[frame[column].notna()].sort_values(column, ascending=False, kind="stable")
    top = known.head(n).assign(group="Suurimmat")
    rest = known.iloc[len(top):]
    bottom = rest.tail(n).assign(group="Pienimmät")
    out = pd.concat([top, bottom]).reset_index(drop=True)
    return _carry(out, frame, note=frame.attrs.get("note"))


def shift_share_by_section(
    jobs: pd.DataFrame, region: str, *, start: int | None = None, end: int | None = None
) -> pd.DataFrame:
    """Dunn's (1960) shift-share decomposition of the region's job change, by TOL section.

    Computed on sections with :func:`punos_lib.indicators.shift_share`; the national growth
    rate ``g`` is that of the country's all-industry total.

    Returns
    -------
    DataFrame
        ``section``, ``section_name``, ``label``, ``jobs_start``, ``jobs_end``, ``national``,
        ``industry_mix``, ``regional``, ``total``, and a last row ``section = "Yhteensä"`` with
        the sums; ``attrs["start"]``, ``attrs["end"]``, ``attrs["national_growth"]``.
    """
    _columns(jobs, ["area", "industry", "year", "jobs"], "shift_share_by_section")
    first = int(jobs["year"].min()) if start is None else resolve_year(jobs, start)
    last = resolve_year(jobs, end)
    if first >= last:
        raise InputError(f"start year {first} must be before end year {last}")
    frame = jobs[jobs["year"].isin([first, last]) & jobs["area"].astype(str).isin([region, COUNTRY])].copy()
    _area_rows(frame, region, "shift_share_by_section")
    _area_rows(frame, COUNTRY, "shift_share_by_section")
    frame["jobs"] = _as_float(frame["jobs"])
    totals = _all_industries(frame, "jobs")
    sections = industries_to_sections(frame)
    series = {
        (area, year): part.set_index("section")["jobs"]
        for (area, year), part in sections.groupby(["area", "year"])
    }
    result = indicators.shift_share(
        series[(region, first)], series[(region, last)],
        series[(COUNTRY, first)], series[(COUNTRY, last)],
        nation_start_total=float(totals.loc[(COUNTRY, first)]),
        nation_end_total=float(totals.loc[(COUNTRY, last)]),
    )
    names = sections.drop_duplicates("section").set_index("section")["section_name"]
    out = result.reset_index(names="section")
    out.insert(1, "section_name", out["section"].map(names))
    out.insert(2, "label", [_label(c, n) for c, n in zip(out["section"], out["section_name"])])
    out.insert(3, "jobs_start", series[(region, first)].reindex(out["section"]).to_numpy())
    out.insert(4, "jobs_end", series[(region, last)].reindex(out["section"]).to_numpy())
    sums = out.drop(columns=["section", "section_name", "label"]).sum(min_count=1)
    total_row = {"section": "Yhteensä", "section_name": "Kaikki toimialat",
                 "label": "Kaikki toimialat", **sums.to_dict()}
    out = pd.concat([out, pd.DataFrame([total_row])], ignore_index=True)
    _carry(out, jobs)
    out.attrs.update({"start": first, "end": last, "national_growth": result.attrs["national_growth"]})
    return out


def sector_jobs(
    jobs: pd.DataFrame, sectors: Mapping[str, Any], region: str, *, year: int | None = None
) -> pd.DataFrame:
    """Jobs in each focus sector of ``sectors.yaml``: count, share, quotient and change.

    Parameters
    ----------
    jobs : DataFrame
        :func:`punos_lib.datasets.jobs_by_industry`.
    sectors : mapping of id to Sector
        :func:`punos_lib.reference.sectors.load_sectors`; a sector's jobs are the sum of its divisions.
    region : str
    year : int, optional

    Returns
    -------
    DataFrame
        ``sector``, ``sector_name``, ``jobs`` (region, ``year``), ``region_share`` (percent of
        all the region's jobs), ``country_share``, ``location_quotient`` and ``change_pct``
        (region, first year to ``year``), in the order of ``sectors``.
    """
    _columns(jobs, ["area", "industry", "year", "jobs"], "sector_jobs")
    chosen = resolve_year(jobs, year)
    first = int(jobs["year"].min())
    frame = jobs[jobs["area"].astype(str).isin([region, COUNTRY])].copy()
    _area_rows(frame, region, "sector_jobs")
    _area_rows(frame, COUNTRY, "sector_jobs")
    frame["jobs"] = _as_float(frame["jobs"])
    totals = _all_industries(frame, "jobs")
    divisions = _divisions(frame)
    rows = []
    for sid, sector in sectors.items():
        mine = divisions[divisions["industry"].astype(str).isin(sector.tol)]
        found = set(mine["industry"].astype(str))
        absent = [d for d in sector.tol if d not in found]
        if absent:
            raise InputError(
                f"sector_jobs: sector {sid!r} lists division(s) {', '.join(absent)} that are not in "
                "the jobs data; check data/sectors.yaml"
            )
        by = mine.groupby(["area", "year"])["jobs"].sum(min_count=1, skipna=False)
        e_ir, e_i = float(by.loc[(region, chosen)]), float(by.loc[(COUNTRY, chosen)])
        e_r, e = float(totals.loc[(region, chosen)]), float(totals.loc[(COUNTRY, chosen)])
        start = float(by.loc[(region, first)]) if (region, first) in by.index else float("nan")
        rows.append({
            "sector": sid,
            "sector_name": sector.name_fi,
            "jobs": e_ir,
            "region_share": e_ir / e_r * 100.0,
            "country_share": e_i / e * 100.0,
            "location_quotient": (e_ir / e_r) / (e_i / e) if e_i else float("nan"),
            "change_pct": (e_ir - start) / start * 100.0 if start else float("nan"),
        })
    out = pd.DataFrame(rows)
    _carry(out, jobs)
    out.attrs.update({"year": chosen, "start": first})
    return out


def self_sufficiency_table(
    self_sufficiency: pd.DataFrame, areas: Sequence[str], *, year: int | None = None
) -> pd.DataFrame:
    """Workplace self-sufficiency and commuting for ``areas`` in one year.

    ``self_sufficiency`` is recomputed as jobs / employed residents × 100 with
    :func:`punos_lib.indicators.workplace_self_sufficiency` (Statistics Finland,
    *työpaikkaomavaraisuus*) so the table is consistent with its own columns;
    ``net_commuting`` = in-commuters − out-commuters (= jobs − employed residents).

    Returns
    -------
    DataFrame
        ``area``, ``area_name``, ``jobs``, ``employed_residents``, ``self_sufficiency``,
        ``in_commuters``, ``out_commuters``, ``net_commuting``, in the order of ``areas``.
    """
    cols = ["area", "area_name", "year", "jobs", "employed_residents", "in_commuters", "out_commuters"]
    _columns(self_sufficiency, cols, "self_sufficiency_table")
    chosen = resolve_year(self_sufficiency, year)
    now = self_sufficiency[self_sufficiency["year"] == chosen]
    parts = [_area_rows(now, str(a), "self_sufficiency_table").head(1) for a in areas]
    out = pd.concat(parts, ignore_index=True)[[c for c in cols if c != "year"]].copy()
    for c in ("jobs", "employed_residents", "in_commuters", "out_commuters"):
        out[c] = _as_float(out[c])
    out["self_sufficiency"] = indicators.workplace_self_sufficiency(
        out["jobs"], out["employed_residents"]).to_numpy()
    out["net_commuting"] = out["in_commuters"] - out["out_commuters"]
    out = out[["area", "area_name", "jobs", "employed_residents", "self_sufficiency",
               "in_commuters", "out_commuters", "net_commuting"]]
    _carry(out, self_sufficiency)
    out.attrs["year"] = chosen
    return out


# --------------------------------------------------------------------------- sector profiles


def _code_names(kind: str, codes: Sequence[str]) -> list[str]:
    from punos_lib.sources.classifications import labels

    names = labels(kind)  # type: ignore[arg-type]
    return [str(names.get(c, c)) for c in codes]


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
    _columns(occupations, ["area", "occupation", "year", "employed"], "sector_occupations")
    chosen = resolve_year(occupations, year)
    now = _area_rows(occupations[occupations["year"] == chosen], region, "sector_occupations")
    employed = now.assign(occupation=now["occupation"].astype(str)).groupby("occupation")[
        "employed"].sum(min_count=1)
    groups = _best_codes(list(sector.aml), employed.index)
    codes = list(groups)
    out = pd.DataFrame({
        "occupation": codes,
        "occupation_name": _code_names("aml2010", codes),
        "covers": [", ".join(groups[c]) for c in codes],
        "employed": [float(employed.get(c, np.nan)) for c in codes],
    })
    out["share_aged_55_plus"] = np.nan
    out["age_basis"] = "–"
    sources: list[Any] = [occupations]
    if by_age is not None:
        _columns(by_age, ["occupation", "age_group", "employed"], "sector_occupations (by_age)")
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
                best = _best_codes([code], shares.index)
                hit = next(iter(best))
                if hit in shares.index and pd.notna(shares[hit]):
                    out.loc[i, "share_aged_55_plus"] = float(shares[hit])
                    out.loc[i, "age_basis"] = f"{basis} ({hit})"
        sources.append(by_age)
    _carry(out, *sources)
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
    _columns(jobseekers, ["area", "occupation", "month", "unemployed", "vacancies"], "sector_tightness")
    if months < 1:
        raise InputError(f"months must be at least 1, got {months}")
    rows = _area_rows(jobseekers, region, "sector_tightness")
    month_list = sorted(rows["month"].astype(str).unique())[-months:]
    recent = rows[rows["month"].astype(str).isin(month_list)].copy()
    recent["occupation"] = recent["occupation"].astype(str)
    codes = list(sector.aml)
    recent = recent[recent["occupation"].isin(codes)]
    means = recent.groupby("occupation")[["unemployed", "vacancies"]].mean()
    out = pd.DataFrame({"occupation": codes, "occupation_name": _code_names("aml2010", codes)})
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
    _carry(out, jobseekers)
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
    _columns(education, ["area", "year", "level", "field", "measure", "value"], "sector_education")
    rows = _area_rows(education, region, "sector_education")
    chosen = resolve_year(rows, year)
    now = rows[rows["year"] == chosen].copy()
    now["field"] = now["field"].astype(str)
    available = set(now["field"])
    groups: dict[str, list[str]] = {}
    for code in sector.koulutusala:
        if any(f.startswith(code) for f in available):
            groups.setdefault(code, []).append(code)
        else:
            hit = next(iter(_best_codes([code], available)))
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
    out["field_name"] = _code_names("koulutusala2016", out["field"].tolist())
    out = out[["field", "field_name", "covers", "level", "measure", "value"]]
    _carry(out, education)
    out.attrs["year"] = chosen
    return out


# --------------------------------------------------------------------------- presentation


def for_display(frame: pd.DataFrame, *, decimals: int = 1,
                rename: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` for a study table: Finnish headings, floats rounded.

    Known column names (``jobs``, ``change_pct`` …) become Finnish headings; ``rename`` adds
    or overrides headings. Whole-number columns (counts) are rounded to 0 decimals, others to
    ``decimals``. Provenance and notes are kept.

    Examples
    --------
    >>> list(for_display(pd.DataFrame({"area_name": ["A"], "change_pct": [1.234]})).columns)
    ['Alue', 'Muutos, %']
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"for_display: expected a DataFrame, got {type(frame).__name__}")
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "kyllä", False: ""})
        elif not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(lambda v: _FI_VALUES.get(v, v) if isinstance(v, str) else v)
        elif pd.api.types.is_float_dtype(out[column]):
            values = out[column]
            whole = values.dropna()
            digits = 0 if len(whole) and bool(((whole % 1) == 0).all()) else decimals
            out[column] = values.round(digits)
    headings = {**_FI_COLUMNS, **(dict(rename) if rename else {})}
    out = out.rename(columns={c: headings[c] for c in out.columns if c in headings})
    out.attrs = dict(frame.attrs)
    return out

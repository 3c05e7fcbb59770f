"""Chapter 4 (Ammattirakenne ja poistuma): occupation structure, ages, exits and job openings.

Occupations are AML 2010 codes; the level of a code is its number of characters (``"2"`` a main
group, ``"22"`` level 2, ``"2221"`` level 4). Codes starting with ``"X"`` (unknown or not
classified) are not occupations and are left out. Job openings are expansion plus replacement
demand (Cedefop); the exit rates by age are a stated assumption (:data:`EXIT_RATES_SOURCE`).
Suppressed small cells (NaN) are never treated as zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib.analysis._common import (
    area_rows, carry, classification_names, code_labels, is_classified, match_codes, match_precision, positive_int,
    require_columns, resolve_year,
)
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY

__all__ = [
    "EXIT_RATES_SOURCE",
    "basis_note",
    "occupation_structure",
    "employed_by_occupation_age",
    "aged_55_plus",
    "default_exit_rates",
    "exit_rate_table",
    "replacement_demand",
    "expansion_demand",
    "openings_by_occupation",
    "openings_by_sector",
    "sector_openings",
]


#: Where the default exit rates come from and what they assume (shown under the figures).
EXIT_RATES_SOURCE = (
    "Poistumaoletus: vuotuinen poistuma-aste iän mukaan on Punos-hankkeen oletus, joka jäljittelee "
    "Eläketurvakeskuksen eläkkeellesiirtymistilastojen ikäprofiilia (vanhuuseläkkeen alaikäraja "
    "63–65 vuotta vuosina 1955–1964 syntyneillä, keskimääräinen eläkkeellesiirtymisikä noin "
    "62–63 vuotta) sekä kuolleisuutta ja työkyvyttömyyttä alle 55-vuotiailla; 70-vuotiaat poistuvat "
    "kaikki. Korvaa oletus Vipusen Eläkkeelle siirtyneet ja kuolleet -aineiston ammattikohtaisilla "
    "poistuma-asteilla, kun ne on tuotu."
)


# Yearly exit rate by age (share of the still employed who leave employment for good in the
# year they reach the age). An assumption, not a statistic: low rates for death and disability
# below 55, rising through early and partial retirement in the late 50s, peaking at the lowest
# old-age pension ages 63-65 (earnings-related pension reform 2017), a remainder working on to
# 69. Cumulatively about 80 % of those employed at 55 have left by 66, in line with ETK's
# expected effective retirement age of about 62-63 years for 25-year-olds.
_EXIT_RATE_BANDS: tuple[tuple[int, int, float], ...] = (
    (15, 49, 0.003),
    (50, 54, 0.008),
    (55, 59, 0.02),
    (60, 61, 0.05),
    (62, 62, 0.08),
    (63, 63, 0.25),
    (64, 64, 0.30),
    (65, 65, 0.40),
    (66, 69, 0.30),
)


def basis_note(frame: pd.DataFrame) -> str:
    """A Finnish sentence saying whose age structure a frame's ages come from.

    Examples
    --------
    >>> f = pd.DataFrame(); f.attrs["basis"] = "maakunta"
    >>> basis_note(f)
    'Ikätieto: alueen työlliset ammattiryhmän ja iän mukaan (Vipunen, Alueella työssäkäyvät).'
    """
    basis = frame.attrs.get("basis")
    if basis == "maakunta":
        return "Ikätieto: alueen työlliset ammattiryhmän ja iän mukaan (Vipunen, Alueella työssäkäyvät)."
    if basis == "koko maan ikärakenne":
        return ("Ikätieto: koko maan ammattiryhmien ikärakenne sovitettuna alueen työllisiin "
                "(alueellista ikätietoa ei ole tuotu).")
    raise InputError("basis_note: the frame has no attrs['basis']; pass employed_by_occupation_age output")


def _at_level(frame: pd.DataFrame, level: int, value: str, what: str,
              keys: Sequence[str] = ()) -> pd.DataFrame:
    """Rows of occupation codes with ``level`` characters; finer codes summed up when absent.

    Names of aggregated codes come from the curated AML 2010 table.
    """
    codes = frame["occupation"].astype(str)
    real = codes.map(is_classified)
    exact = frame[real & (codes.str.len() == level)]
    if len(exact):
        return exact.assign(occupation=exact["occupation"].astype(str))
    finer = frame[real & (codes.str.len() > level)]
    if finer.empty:
        levels = sorted({len(c) for c in codes[real]})
        raise InputError(
            f"{what}: no occupation codes at level {level} or finer; the data has levels "
            f"{', '.join(map(str, levels)) or 'none'}. Choose one of them"
        )
    # Sum only the finest codes, so that a code and its parent are not both counted.
    finest = finer["occupation"].astype(str).str.len().max()
    finer = finer[finer["occupation"].astype(str).str.len() == finest]
    grouped = (
        finer.assign(occupation=finer["occupation"].astype(str).str[:level])
        .groupby([*keys, "occupation"], sort=True, observed=True)[value]
        .sum(min_count=1)
        .reset_index()
    )
    grouped["occupation_name"] = grouped["occupation"].map(classification_names("aml2010"))
    return grouped


def occupation_structure(occupations: pd.DataFrame, region: str, *, year: int | None = None,
                         level: int = 1) -> pd.DataFrame:
    """Employed by occupation group in the region, as shares compared with the whole country.

    Parameters
    ----------
    occupations : DataFrame
        :func:`punos_lib.datasets.occupations_by_region`.
    region : str
    year : int, optional
        Default the latest year.
    level : int, default 1
        AML 2010 level (1 = main groups, 2 = sub-major groups …).

    Returns
    -------
    DataFrame
        ``occupation, occupation_name, employed, region_share, country_share, difference``
        (shares in percent of all employed incl. unknown occupations; difference in percentage
        points), largest first. ``attrs["year"]``.

    Examples
    --------
    >>> occ = pd.DataFrame({"area": ["MK10", "MK10", "SSS", "SSS"], "area_name": "x",
    ...     "occupation": ["1", "2"] * 2, "occupation_name": ["A", "B"] * 2, "year": 2023,
    ...     "employed": [30.0, 70.0, 500.0, 500.0]})
    >>> occupation_structure(occ, "MK10")["difference"].tolist()
    [20.0, -20.0]
    """
    require_columns(occupations, ["area", "occupation", "occupation_name", "year", "employed"],
                    "occupation_structure")
    level = positive_int("level", level)
    chosen = resolve_year(occupations, year, what="occupation_structure")
    now = occupations[occupations["year"] == chosen]
    parts = {}
    for area in (region, COUNTRY):
        rows = area_rows(now, area, "occupation_structure")
        codes = rows["occupation"].astype(str)
        # All employed = the main groups incl. unknown ("X"), so shares are of everybody.
        top = rows[(codes.str.len() == 1) | (codes == "X")]
        total = float(top["employed"].sum()) if len(top) else float("nan")
        groups = _at_level(rows, level, "employed", "occupation_structure")
        if np.isnan(total):
            total = float(groups["employed"].sum())
        parts[area] = (groups.set_index("occupation"), total)
    mine, total_r = parts[region]
    nation, total_n = parts[COUNTRY]
    out = pd.DataFrame({
        "occupation": mine.index.astype(str),
        "occupation_name": mine["occupation_name"].astype(str).to_numpy(),
        "employed": mine["employed"].astype(float).to_numpy(),
    })
    out["region_share"] = out["employed"] / total_r * 100.0
    out["country_share"] = (
        out["occupation"].map(nation["employed"]).astype(float) / total_n * 100.0
    )
    out["difference"] = out["region_share"] - out["country_share"]
    out = out.sort_values("employed", ascending=False, kind="stable").reset_index(drop=True)
    out["label"] = code_labels(out, "occupation", "occupation_name")
    return carry(out, occupations, year=chosen)


def employed_by_occupation_age(
    region: str,
    occupations: pd.DataFrame,
    by_age: pd.DataFrame,
    workforce: pd.DataFrame | None = None,
    *,
    level: int = 2,
    year: int | None = None,
) -> pd.DataFrame:
    """The region's employed by occupation group and age group, with the basis of the ages.

    When ``workforce`` (Vipunen *Alueella työssäkäyvät*, regional) has the region, its counts
    are used (``basis = "maakunta"``). Otherwise the region's employed by occupation
    (``occupations``, StatFin 115s) are spread over age groups with the whole country's age
    structure of each occupation (``by_age``, StatFin 115r; ``basis = "koko maan ikärakenne"``):
    an assumption that the region's occupations are as old as the country's, which understates
    ageing in an old region.

    Parameters
    ----------
    region : str
    occupations : DataFrame
        :func:`punos_lib.datasets.occupations_by_region`.
    by_age : DataFrame
        :func:`punos_lib.datasets.occupations_by_age`.
    workforce : DataFrame, optional
        :func:`punos_lib.datasets.workforce_by_occupation_age` or ``None``.
    level : int, default 2
        AML 2010 level of the groups.
    year : int, optional
        Year of the regional counts (default the latest); the national age structure is of
        its latest year.

    Returns
    -------
    DataFrame
        ``occupation, occupation_name, age_group, employed, basis``; ``attrs["year"]`` and
        ``attrs["basis"]``.
    """
    level = positive_int("level", level)
    if workforce is not None:
        require_columns(workforce, ["area", "year", "occupation", "age_group", "employed"],
                        "employed_by_occupation_age (workforce)")
        rows = workforce[workforce["area"].astype(str) == region]
        if len(rows):
            chosen = resolve_year(rows, year, what="employed_by_occupation_age (workforce)")
            rows = rows[rows["year"] == chosen]
            if "occupation_name" not in rows.columns:
                rows = rows.assign(occupation_name=np.nan)
            out = _at_level(rows, level, "employed", "employed_by_occupation_age",
                            keys=["age_group"])
            out = out[["occupation", "occupation_name", "age_group", "employed"]].assign(
                basis="maakunta")
            out = out.sort_values(["occupation"], kind="stable").reset_index(drop=True)
            return carry(out, workforce, year=chosen, basis="maakunta")
    require_columns(occupations, ["area", "occupation", "year", "employed"], "employed_by_occupation_age")
    require_columns(by_age, ["occupation", "age_group", "year", "employed"],
                    "employed_by_occupation_age (by_age)")
    chosen = resolve_year(occupations, year, what="employed_by_occupation_age")
    regional = area_rows(occupations[occupations["year"] == chosen], region,
                         "employed_by_occupation_age")
    regional = _at_level(regional, level, "employed", "employed_by_occupation_age")
    national = by_age[by_age["year"] == resolve_year(by_age, None, what="employed_by_occupation_age")]
    national = _at_level(national, level, "employed", "employed_by_occupation_age",
                         keys=["age_group"])
    totals = national.groupby("occupation")["employed"].transform("sum")
    national = national.assign(share=national["employed"] / totals.where(totals > 0))
    size = regional.set_index("occupation")["employed"].astype(float)
    names = regional.set_index("occupation")["occupation_name"]
    out = national[national["occupation"].isin(size.index)].copy()
    out["employed"] = out["share"] * out["occupation"].map(size)
    out["occupation_name"] = out["occupation"].map(names)
    out = out[["occupation", "occupation_name", "age_group", "employed"]].assign(
        basis="koko maan ikärakenne")
    lacking = sorted(set(size.index) - set(out["occupation"]))
    if lacking:
        raise InputError(
            f"employed_by_occupation_age: the national age table has no occupations "
            f"{', '.join(lacking[:5])} at level {level}; choose a level both tables have"
        )
    out = out.sort_values(["occupation"], kind="stable").reset_index(drop=True)
    return carry(out, occupations, by_age, year=chosen, basis="koko maan ikärakenne")


def aged_55_plus(age_frame: pd.DataFrame) -> pd.DataFrame:
    """Share of the employed aged 55 or over by occupation group.

    The simple replacement-demand indicator (:func:`punos_lib.indicators.share_aged_55_plus`).

    Parameters
    ----------
    age_frame : DataFrame
        :func:`employed_by_occupation_age`.

    Returns
    -------
    DataFrame
        ``occupation, occupation_name, employed, aged_55_plus, share_aged_55_plus`` (percent),
        ``basis``; highest share first.

    Examples
    --------
    >>> f = pd.DataFrame({"occupation": ["2"] * 3, "occupation_name": "B", "basis": "maakunta",
    ...     "age_group": ["15-54", "55-64", "65-74"], "employed": [60.0, 30.0, 10.0]})
    >>> aged_55_plus(f)["share_aged_55_plus"].tolist()
    [40.0]
    """
    require_columns(age_frame, ["occupation", "occupation_name", "age_group", "employed", "basis"],
                    "aged_55_plus")
    share = indicators.share_aged_55_plus(age_frame, age_col="age_group", value_col="employed",
                                          by="occupation")
    groups = age_frame.groupby("occupation", sort=False)
    out = pd.DataFrame({
        "occupation": list(groups.groups),
    })
    out["occupation_name"] = out["occupation"].map(groups["occupation_name"].first())
    out["employed"] = out["occupation"].map(groups["employed"].sum(min_count=1)).astype(float)
    out["share_aged_55_plus"] = out["occupation"].map(share * 100.0).astype(float)
    out["aged_55_plus"] = out["employed"] * out["share_aged_55_plus"] / 100.0
    out["basis"] = out["occupation"].map(groups["basis"].first())
    out = out[["occupation", "occupation_name", "employed", "aged_55_plus",
               "share_aged_55_plus", "basis"]]
    out = out.sort_values("share_aged_55_plus", ascending=False, kind="stable")
    out["label"] = code_labels(out, "occupation", "occupation_name")
    return carry(out.reset_index(drop=True), age_frame, **{
        k: v for k, v in age_frame.attrs.items() if k != "provenance"})


def default_exit_rates(exit_age: int = 70) -> pd.Series:
    """Yearly exit rates by single age 15 … ``exit_age − 1``: the study's documented assumption.

    See :data:`EXIT_RATES_SOURCE`. The rate at an age is the share of the still employed who
    leave employment for good (old-age or disability pension, death, other permanent exit) in
    the year they reach that age; everybody still employed at ``exit_age`` leaves
    (:func:`punos_lib.indicators.project_exits`).

    Returns
    -------
    pandas.Series
        Indexed by age, named ``exit_rate``; ``attrs["source"]`` = :data:`EXIT_RATES_SOURCE`.

    Examples
    --------
    >>> rates = default_exit_rates()
    >>> float(rates[63]), float(rates[40]), int(rates.index.max())
    (0.25, 0.003, 69)
    """
    exit_age = positive_int("exit_age", exit_age)
    rates: dict[int, float] = {}
    for low, high, rate in _EXIT_RATE_BANDS:
        for age in range(low, high + 1):
            if age < exit_age:
                rates[age] = rate
    series = pd.Series(rates, name="exit_rate", dtype="float64")
    series.index.name = "age"
    series.attrs = {"source": EXIT_RATES_SOURCE}
    return series


def exit_rate_table(exit_age: int = 70) -> pd.DataFrame:
    """The default exit rates as age bands, for the study's assumption table.

    Returns
    -------
    DataFrame
        ``age_group`` (``"55–59"``), ``exit_rate`` (percent per year), and a last row for
        ``exit_age`` (100 %). ``attrs["source"]`` = :data:`EXIT_RATES_SOURCE`.

    Examples
    --------
    >>> exit_rate_table()["age_group"].tolist()[-2:]
    ['66–69', '70–']
    """
    exit_age = positive_int("exit_age", exit_age)
    rows = [{"age_group": f"{low}–{min(high, exit_age - 1)}" if low != min(high, exit_age - 1)
             else str(low), "exit_rate": rate * 100.0}
            for low, high, rate in _EXIT_RATE_BANDS if low < exit_age]
    rows.append({"age_group": f"{exit_age}–", "exit_rate": 100.0})
    out = pd.DataFrame(rows)
    out.attrs = {"source": EXIT_RATES_SOURCE}
    return out


def replacement_demand(age_frame: pd.DataFrame, *, horizon: int = 10, start_year: int | None = None,
                       exit_rates: Mapping[int, float] | pd.Series | None = None) -> pd.DataFrame:
    """Projected exits by occupation group over ``horizon`` years (the cohort method).

    Each group's employed by age are aged year by year with
    :func:`punos_lib.indicators.project_exits`; the exits are the replacement demand
    (Cedefop): the jobs that become free as people leave and that need new workers if the
    work continues.

    Parameters
    ----------
    age_frame : DataFrame
        :func:`employed_by_occupation_age`.
    horizon : int, default 10
    start_year : int, optional
        Default ``age_frame.attrs["year"]``.
    exit_rates : mapping or Series, optional
        Default :func:`default_exit_rates`.

    Returns
    -------
    DataFrame
        ``occupation, occupation_name, employed, replacement, replacement_share`` (percent of
        today's employed); ``attrs``: ``horizon``, ``start_year``, ``end_year``, ``basis``,
        ``exit_rates_source``.

    Raises
    ------
    InputError
        A group has a missing (suppressed) age cell, or rates lack an age the cohorts reach.
    """
    require_columns(age_frame, ["occupation", "occupation_name", "age_group", "employed"],
                    "replacement_demand")
    horizon = positive_int("horizon", horizon)
    if start_year is None:
        start_year = age_frame.attrs.get("year")
        if start_year is None:
            raise InputError("replacement_demand: give start_year (the year of the employed counts)")
    rates = default_exit_rates() if exit_rates is None else exit_rates
    source = getattr(rates, "attrs", {}).get("source", "käyttäjän antamat poistuma-asteet")
    rows = []
    for code, group in age_frame.groupby("occupation", sort=True):
        stock = group.set_index(group["age_group"].astype(str))["employed"].astype(float)
        try:
            exits = indicators.project_exits(stock, rates, horizon=horizon,
                                             start_year=int(start_year))
        except InputError as exc:
            raise InputError(f"replacement_demand: occupation {code!r}: {exc}") from exc
        employed = float(exits.attrs["initial_stock"])
        replacement = float(exits["cumulative_exits"].iloc[-1])
        rows.append({
            "occupation": str(code),
            "occupation_name": group["occupation_name"].iloc[0],
            "employed": employed,
            "replacement": replacement,
            "replacement_share": replacement / employed * 100.0 if employed > 0 else float("nan"),
        })
    out = pd.DataFrame(rows).sort_values("replacement", ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    out["label"] = code_labels(out, "occupation", "occupation_name")
    return carry(out, age_frame, horizon=horizon, start_year=int(start_year),
                 end_year=int(start_year) + horizon, basis=age_frame.attrs.get("basis"),
                 exit_rates_source=source)


def expansion_demand(occupations: pd.DataFrame, region: str, *, level: int = 2, horizon: int = 10,
                     base_years: int = 5, year: int | None = None) -> pd.DataFrame:
    """Expansion demand by occupation group: the recent employment trend continued.

    The average yearly change of the region's employed over the last ``base_years`` years
    (or the years the data has, at least two), times ``horizon``. This is a trend
    assumption, not a forecast: it does not know about plans, investments or the business
    cycle. A decline is capped at today's employment (employment cannot fall below zero).

    Returns
    -------
    DataFrame
        ``occupation, occupation_name, employed, yearly_change, expansion``; ``attrs``:
        ``base`` = (first, last) year, ``horizon``.

    Examples
    --------
    >>> occ = pd.DataFrame({"area": "MK10", "area_name": "x", "occupation": ["11", "11"],
    ...     "occupation_name": "A", "year": [2020, 2022], "employed": [100.0, 80.0]})
    >>> expansion_demand(occ, "MK10", horizon=10)["expansion"].tolist()  # -10/yr, capped at -80
    [-80.0]
    """
    require_columns(occupations, ["area", "occupation", "occupation_name", "year", "employed"],
                    "expansion_demand")
    horizon = positive_int("horizon", horizon)
    base_years = positive_int("base_years", base_years)
    rows = area_rows(occupations, region, "expansion_demand")
    end = resolve_year(rows, year, what="expansion_demand")
    years = sorted(int(y) for y in rows["year"].unique() if end - base_years <= int(y) <= end)
    if len(years) < 2:
        raise InputError(
            f"expansion_demand: the trend needs at least two years up to {end}; the data has "
            f"{', '.join(map(str, sorted(rows['year'].unique())))}"
        )
    start = years[0]
    first = _at_level(rows[rows["year"] == start], level, "employed", "expansion_demand")
    last = _at_level(rows[rows["year"] == end], level, "employed", "expansion_demand")
    before = first.set_index("occupation")["employed"].astype(float)
    out = last[["occupation", "occupation_name", "employed"]].reset_index(drop=True)
    out["employed"] = out["employed"].astype(float)
    out["yearly_change"] = (out["employed"] - out["occupation"].map(before)) / (end - start)
    out["expansion"] = np.maximum(out["yearly_change"] * horizon, -out["employed"])
    return carry(out, occupations, base=(start, end), horizon=horizon)


def openings_by_occupation(expansion: pd.DataFrame, replacement: pd.DataFrame) -> pd.DataFrame:
    """Job openings = expansion + replacement demand by occupation group (Cedefop).

    Parameters
    ----------
    expansion : DataFrame
        :func:`expansion_demand`.
    replacement : DataFrame
        :func:`replacement_demand` for the same groups and horizon.

    Returns
    -------
    DataFrame
        ``occupation, occupation_name, employed, expansion, replacement, openings,
        openings_per_year, openings_share`` (percent of today's employed), most openings first.
        ``attrs`` of the replacement frame (horizon, years, basis, exit-rate source).

    Raises
    ------
    InputError
        The two frames have different groups or horizons.
    """
    require_columns(expansion, ["occupation", "expansion"], "openings_by_occupation (expansion)")
    require_columns(replacement, ["occupation", "occupation_name", "employed", "replacement"],
                    "openings_by_occupation (replacement)")
    h_e, h_r = expansion.attrs.get("horizon"), replacement.attrs.get("horizon")
    if h_e is not None and h_r is not None and h_e != h_r:
        raise InputError(
            f"openings_by_occupation: expansion is over {h_e} years but replacement over {h_r}; "
            "compute both with the same horizon"
        )
    horizon = h_r or h_e
    exp = expansion.set_index(expansion["occupation"].astype(str))["expansion"]
    rep = replacement.set_index(replacement["occupation"].astype(str))["replacement"]
    total = indicators.job_openings(exp, rep)
    out = replacement[["occupation", "occupation_name", "employed"]].copy()
    out["occupation"] = out["occupation"].astype(str)
    out["expansion"] = out["occupation"].map(exp).astype(float)
    out["replacement"] = out["occupation"].map(rep).astype(float)
    out["openings"] = out["occupation"].map(total).astype(float)
    out["openings_per_year"] = out["openings"] / horizon if horizon else np.nan
    out["openings_share"] = out["openings"] / out["employed"].where(out["employed"] > 0) * 100.0
    out = out.sort_values("openings", ascending=False, kind="stable").reset_index(drop=True)
    out["label"] = code_labels(out, "occupation", "occupation_name")
    extra = {k: v for k, v in replacement.attrs.items() if k != "provenance"}
    extra["expansion_base"] = expansion.attrs.get("base")
    return carry(out, expansion, replacement, **extra)


def openings_by_sector(openings: pd.DataFrame, occupations: pd.DataFrame, region: str,
                       sectors: Mapping[str, Any], *, year: int | None = None) -> pd.DataFrame:
    """Job openings in each sector's occupations (``aml`` codes of ``data/sectors.yaml``).

    The sector's employed are taken at the finest level the regional occupation table has
    (:func:`match_codes`); each used code gets the openings rate (openings per employed) of
    its group in ``openings``. Codes used by several of the sector's occupations count once.
    When the data has only a broader group than the sector's occupation, the broader group's
    employed are used and the row says ``"osin laajempi ryhmä (yläraja)"``.

    Returns
    -------
    DataFrame
        ``sector, sector_name, employed, replacement, expansion, openings,
        openings_per_year, precision``, in the order of ``sectors``.
    """
    require_columns(openings, ["occupation", "employed", "expansion", "replacement", "openings"],
                    "openings_by_sector (openings)")
    require_columns(occupations, ["area", "occupation", "year", "employed"], "openings_by_sector")
    horizon = openings.attrs.get("horizon")
    chosen = resolve_year(occupations, year, what="openings_by_sector")
    rows = area_rows(occupations[occupations["year"] == chosen], region, "openings_by_sector")
    employed = rows.assign(occupation=rows["occupation"].astype(str)).groupby(
        "occupation")["employed"].sum(min_count=1)
    groups = openings.set_index(openings["occupation"].astype(str))
    rates = {col: groups[col] / groups["employed"].where(groups["employed"] > 0)
             for col in ("replacement", "expansion", "openings")}
    out_rows = []
    for sid, sector in sectors.items():
        matches = match_codes(list(sector.aml), employed.index)
        used = matches["used"].dropna().unique().tolist()
        record: dict[str, Any] = {"sector": sid, "sector_name": sector.name_fi,
                                  "employed": 0.0, "replacement": 0.0, "expansion": 0.0,
                                  "openings": 0.0}
        for code in used:
            # The rate of the narrowest openings group that contains the code.
            parent = [g for g in groups.index if code.startswith(g)]
            if not parent:
                raise InputError(
                    f"openings_by_sector: occupation {code!r} of sector {sid!r} has no group in "
                    f"the openings table (groups {', '.join(groups.index[:8])} …); compute the "
                    "openings at a level that covers it"
                )
            group = max(parent, key=len)
            size = float(employed[code])
            record["employed"] += size
            for col in ("replacement", "expansion", "openings"):
                record[col] += size * float(rates[col][group])
        if not used:
            for col in ("employed", "replacement", "expansion", "openings"):
                record[col] = float("nan")
        record["openings_per_year"] = record["openings"] / horizon if horizon else float("nan")
        record["precision"] = match_precision(matches)
        out_rows.append(record)
    out = pd.DataFrame(out_rows)
    extra = {k: v for k, v in openings.attrs.items() if k != "provenance"}
    return carry(out, openings, occupations, **extra)


def sector_openings(
    occupations: pd.DataFrame,
    national_ages: pd.DataFrame,
    workforce: pd.DataFrame | None,
    region: str,
    sectors: Mapping[str, Any],
    *,
    horizon: int = 10,
    year: int | None = None,
) -> pd.DataFrame:
    """Job openings of the focus sectors, computed as chapter 4 computes them.

    The chain of chapter 4 in one call (for the sector cards): ages by 2-digit occupation group
    (:func:`employed_by_occupation_age`), replacement demand (:func:`replacement_demand`),
    expansion demand (:func:`expansion_demand`), openings (:func:`openings_by_occupation`) and
    their share in each sector (:func:`openings_by_sector`).

    Returns
    -------
    DataFrame
        :func:`openings_by_sector`.
    """
    ages = employed_by_occupation_age(region, occupations, national_ages, workforce, level=2)
    replacement = replacement_demand(ages, horizon=horizon)
    expansion = expansion_demand(occupations, region, level=2, horizon=horizon)
    return openings_by_sector(openings_by_occupation(expansion, replacement), occupations, region, sectors,
                              year=year)

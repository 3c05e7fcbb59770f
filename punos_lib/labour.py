"""Labour-market analysis of the baseline study: occupations, exits, matching, education supply.

The helpers behind chapters 4 (Ammattirakenne ja poistuma), 5 (Kohtaanto) and 6
(Koulutustarjonta). Each turns frames of :mod:`punos_lib.datasets` (columns as in
``docs/architecture.md``) into the frame one figure or table shows, using the definitions of
:mod:`punos_lib.indicators`. Functions are pure (no I/O except :func:`workforce_if_imported`),
take the study region as an argument, and carry ``attrs["provenance"]`` of their inputs so the
source line and the demo mark follow the numbers.

Conventions

- Area codes in StatFin form: ``SSS`` (whole country), ``MK10``, ``KU491``.
- Occupations are AML 2010 codes; the level of a code is its number of characters (``"2"`` is
  a main group, ``"22"`` level 2, ``"2221"`` level 4). Codes starting with ``"X"`` (unknown or
  not classified: students, missing occupation) are not occupations and are left out of
  rankings and the mismatch index.
- Monthly data (tables 12r5, 12ti) are smoothed over 12 months as ratios of sums
  (:func:`punos_lib.indicators.rolling_tightness`), which removes the seasonal cycle.
- Suppressed small cells (NaN) are never treated as zero: a result that needs one is NaN, or
  the unit is left out and the number left out is reported in ``attrs``.

Groups of functions

- occupations: :func:`occupation_structure`, :func:`employed_by_occupation_age`,
  :func:`aged_55_plus`, :func:`workforce_if_imported`
- exits and openings: :data:`EXIT_RATES_SOURCE`, :func:`default_exit_rates`, :func:`exit_rate_table`,
  :func:`replacement_demand`, :func:`expansion_demand`, :func:`openings_by_occupation`,
  :func:`match_codes`, :func:`openings_by_sector`
- matching: :func:`area_labour_market`, :func:`tightness_over_time`,
  :func:`occupation_tightness`, :func:`shortage_surplus`, :func:`mismatch_comparison`,
  :func:`beveridge_frame`
- education: :func:`education_by_field`, :func:`education_table`, :func:`supply_vs_openings`
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib._frames import area_rows as _area_rows
from punos_lib._frames import carry as _carry
from punos_lib._frames import require_columns as _columns
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY

__all__ = [
    "COUNTRY",
    "ENTRANTS",
    "DEGREES",
    "FI_COLUMNS",
    "basis_note",
    "EXIT_RATES_SOURCE",
    "default_exit_rates",
    "workforce_if_imported",
    "occupation_structure",
    "employed_by_occupation_age",
    "aged_55_plus",
    "exit_rate_table",
    "replacement_demand",
    "expansion_demand",
    "openings_by_occupation",
    "match_codes",
    "openings_by_sector",
    "area_labour_market",
    "tightness_over_time",
    "occupation_tightness",
    "shortage_surplus",
    "mismatch_comparison",
    "beveridge_frame",
    "education_by_field",
    "education_table",
    "supply_vs_openings",
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

_MONTHS_DEFAULT = 12

#: Measure codes of the education_supply import (Vipunen export, see data/datasets.yaml).
ENTRANTS = "uudet_opiskelijat"
DEGREES = "tutkinnot"

#: Finnish headings of this module's columns, for ``analysis.for_display(frame, rename=...)``.
FI_COLUMNS: dict[str, str] = {
    "area": "Aluekoodi",
    "area_name": "Alue",
    "occupation": "Ammattikoodi",
    "occupation_name": "Ammattiryhmä",
    "employed": "Työlliset",
    "region_share": "Osuus alueella, %",
    "country_share": "Osuus koko maassa, %",
    "difference": "Ero, %-yks.",
    "aged_55_plus": "55 vuotta täyttäneet",
    "share_aged_55_plus": "55 vuotta täyttäneiden osuus, %",
    "basis": "Ikätiedon alue",
    "age_group": "Ikä",
    "exit_rate": "Poistuma-aste, % vuodessa",
    "replacement": "Poistuma (korvaustarve)",
    "replacement_share": "Poistuma, % työllisistä",
    "expansion": "Laajenemistarve",
    "yearly_change": "Muutos vuodessa",
    "openings": "Työvoimatarve yhteensä",
    "openings_per_year": "Työvoimatarve vuodessa",
    "openings_share": "Työvoimatarve, % työllisistä",
    "sector": "Ala-tunnus",
    "sector_name": "Ala",
    "precision": "Ammattien tarkkuus",
    "unemployed": "Työttömät työnhakijat",
    "labour_force": "Työvoima",
    "vacancies": "Avoimet työpaikat",
    "unemployment_rate": "Työttömyysaste, %",
    "tightness": "Kireys (avoimet / työttömät)",
    "months_known": "Kuukausia tiedossa",
    "suppressed_months": "Salattuja kuukausia",
    "side": "Tilanne",
    "rank": "Sija",
    "field": "Koulutusalakoodi",
    "field_name": "Koulutusala",
    "level": "Koulutusaste",
    "value": "Määrä",
    "supply_per_year": "Tutkinnot vuodessa",
    "supply_ratio": "Tutkinnot / työvoimatarve",
    "fields_used": "Koulutusalat",
    "field_precision": "Koulutusalojen tarkkuus",
}


# --------------------------------------------------------------------------- small helpers


def _area_name(frame: pd.DataFrame, area: str) -> str:
    if area == COUNTRY:
        return "Koko maa"
    if "area_name" in frame.columns:
        names = frame.loc[frame["area"].astype(str) == area, "area_name"]
        if len(names):
            return str(names.iloc[0])
    return area


def _year(frame: pd.DataFrame, year: int | None, what: str) -> int:
    years = sorted(int(y) for y in pd.unique(frame["year"].dropna()))
    if not years:
        raise InputError(f"{what}: the frame has no years")
    if year is None:
        return years[-1]
    if isinstance(year, bool) or int(year) not in years:
        raise InputError(
            f"{what}: year {year!r} is not in the data; available years are "
            f"{', '.join(map(str, years))}. Pass one of them or year=None for the latest"
        )
    return int(year)


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def _label(code: Any, name: Any, width: int = 45) -> str:
    """``"22 Terveydenhuollon erityisasiantuntijat"`` cut to ``width`` characters, for figures."""
    text = f"{code} {name}" if isinstance(name, str) and name else str(code)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _labels(frame: pd.DataFrame, code: str, name: str) -> list[str]:
    return [_label(c, n) for c, n in zip(frame[code], frame[name], strict=True)]


def _time(months: pd.Series) -> np.ndarray:
    """StatFin month codes as decimal years (2023M07 -> 2023.5) for a continuous time axis."""
    text = months.astype(str)
    return (text.str[:4].astype(int) + (text.str[5:].astype(int) - 1) / 12.0).to_numpy()


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


def _is_occupation(code: str) -> bool:
    return code != COUNTRY and not code.upper().startswith("X")


def _at_level(frame: pd.DataFrame, level: int, value: str, what: str,
              keys: Sequence[str] = ()) -> pd.DataFrame:
    """Rows of occupation codes with ``level`` characters; finer codes summed up when absent.

    Names of aggregated codes come from the curated AML 2010 table.
    """
    codes = frame["occupation"].astype(str)
    real = codes.map(_is_occupation)
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
    from punos_lib.sources.classifications import labels

    names = labels("aml2010")
    grouped["occupation_name"] = grouped["occupation"].map(names)
    return grouped


# --------------------------------------------------------------------------- occupations


def workforce_if_imported(snap: Any = None) -> pd.DataFrame | None:
    """The regional employed by occupation and age (Vipunen import), or ``None`` if not imported.

    ``workforce_by_occupation_age`` is a hand import (no open StatFin table crosses occupation,
    age and region), so a snapshot may lack it; the study then uses the whole country's age
    structure (``occupations_by_age``) and says so. A snapshot that has the import but cannot
    read it raises the loader's error: only a missing import gives ``None``.
    """
    from punos_lib import datasets
    from punos_lib.snapshot.store import Snapshot

    snapshot = snap if isinstance(snap, Snapshot) else Snapshot(snap)
    if not snapshot.entries(dataset="workforce_by_occupation_age"):
        return None
    return datasets.workforce_by_occupation_age(snapshot)


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
    _columns(occupations, ["area", "occupation", "occupation_name", "year", "employed"],
             "occupation_structure")
    level = _positive_int("level", level)
    chosen = _year(occupations, year, "occupation_structure")
    now = occupations[occupations["year"] == chosen]
    parts = {}
    for area in (region, COUNTRY):
        rows = _area_rows(now, area, "occupation_structure")
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
    out["label"] = _labels(out, "occupation", "occupation_name")
    return _carry(out, occupations, year=chosen)


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
    level = _positive_int("level", level)
    if workforce is not None:
        _columns(workforce, ["area", "year", "occupation", "age_group", "employed"],
                 "employed_by_occupation_age (workforce)")
        rows = workforce[workforce["area"].astype(str) == region]
        if len(rows):
            chosen = _year(rows, year, "employed_by_occupation_age (workforce)")
            rows = rows[rows["year"] == chosen]
            if "occupation_name" not in rows.columns:
                rows = rows.assign(occupation_name=np.nan)
            out = _at_level(rows, level, "employed", "employed_by_occupation_age",
                            keys=["age_group"])
            out = out[["occupation", "occupation_name", "age_group", "employed"]].assign(
                basis="maakunta")
            out = out.sort_values(["occupation"], kind="stable").reset_index(drop=True)
            return _carry(out, workforce, year=chosen, basis="maakunta")
    _columns(occupations, ["area", "occupation", "year", "employed"], "employed_by_occupation_age")
    _columns(by_age, ["occupation", "age_group", "year", "employed"],
             "employed_by_occupation_age (by_age)")
    chosen = _year(occupations, year, "employed_by_occupation_age")
    regional = _area_rows(occupations[occupations["year"] == chosen], region,
                          "employed_by_occupation_age")
    regional = _at_level(regional, level, "employed", "employed_by_occupation_age")
    national = by_age[by_age["year"] == _year(by_age, None, "employed_by_occupation_age")]
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
    return _carry(out, occupations, by_age, year=chosen, basis="koko maan ikärakenne")


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
    _columns(age_frame, ["occupation", "occupation_name", "age_group", "employed", "basis"],
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
    out["label"] = _labels(out, "occupation", "occupation_name")
    return _carry(out.reset_index(drop=True), age_frame, **{
        k: v for k, v in age_frame.attrs.items() if k != "provenance"})


# --------------------------------------------------------------------------- exits and openings


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
    exit_age = _positive_int("exit_age", exit_age)
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
    exit_age = _positive_int("exit_age", exit_age)
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
    _columns(age_frame, ["occupation", "occupation_name", "age_group", "employed"],
             "replacement_demand")
    horizon = _positive_int("horizon", horizon)
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
    out["label"] = _labels(out, "occupation", "occupation_name")
    return _carry(out, age_frame, horizon=horizon, start_year=int(start_year),
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
    _columns(occupations, ["area", "occupation", "occupation_name", "year", "employed"],
             "expansion_demand")
    horizon = _positive_int("horizon", horizon)
    base_years = _positive_int("base_years", base_years)
    rows = _area_rows(occupations, region, "expansion_demand")
    end = _year(rows, year, "expansion_demand")
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
    return _carry(out, occupations, base=(start, end), horizon=horizon)


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
    _columns(expansion, ["occupation", "expansion"], "openings_by_occupation (expansion)")
    _columns(replacement, ["occupation", "occupation_name", "employed", "replacement"],
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
    out["label"] = _labels(out, "occupation", "occupation_name")
    extra = {k: v for k, v in replacement.attrs.items() if k != "provenance"}
    extra["expansion_base"] = expansion.attrs.get("base")
    return _carry(out, expansion, replacement, **extra)


def match_codes(wanted: Sequence[str], available: Iterable[str]) -> pd.DataFrame:
    """Which codes of the data stand for each wanted code of a hierarchical classification.

    For AML 2010 or Koulutusala 2016, where a code's parent is its prefix: a wanted code is
    represented by itself when the data has it (``"sama"``), else by the data's finer codes
    under it (``"tarkempi"``), else by the longest data code that is its prefix
    (``"laajempi"``: the broader group also holds other occupations or fields, so a figure
    from it is an upper bound), else nothing (``"puuttuu"``).

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
    pool = sorted({str(c) for c in available if _is_occupation(str(c))})
    rows: list[dict[str, Any]] = []
    for code in wanted:
        code = str(code)
        if code in pool:
            rows.append({"wanted": code, "used": code, "match": "sama"})
            continue
        finer = [c for c in pool if c.startswith(code)]
        if finer:
            shortest = min(len(c) for c in finer)
            rows += [{"wanted": code, "used": c, "match": "tarkempi"}
                     for c in finer if len(c) == shortest]
            continue
        parents = [c for c in pool if code.startswith(c)]
        if parents:
            rows.append({"wanted": code, "used": max(parents, key=len), "match": "laajempi"})
        else:
            rows.append({"wanted": code, "used": np.nan, "match": "puuttuu"})
    return pd.DataFrame(rows, columns=["wanted", "used", "match"])


def _precision(matches: pd.DataFrame) -> str:
    kinds = set(matches["match"])
    if kinds <= {"sama", "tarkempi"}:
        return "alan omat koodit"
    if "puuttuu" in kinds and len(kinds) == 1:
        return "ei tietoa"
    return "osin laajempi ryhmä (yläraja)"


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
    _columns(openings, ["occupation", "employed", "expansion", "replacement", "openings"],
             "openings_by_sector (openings)")
    _columns(occupations, ["area", "occupation", "year", "employed"], "openings_by_sector")
    horizon = openings.attrs.get("horizon")
    chosen = _year(occupations, year, "openings_by_sector")
    rows = _area_rows(occupations[occupations["year"] == chosen], region, "openings_by_sector")
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
        record["precision"] = _precision(matches)
        out_rows.append(record)
    out = pd.DataFrame(out_rows)
    extra = {k: v for k, v in openings.attrs.items() if k != "provenance"}
    return _carry(out, openings, occupations, **extra)


# --------------------------------------------------------------------------- matching


def _last_months(months: Iterable[str], n: int) -> list[str]:
    return sorted({str(m) for m in months})[-n:]


def area_labour_market(jobseekers: pd.DataFrame, areas: Sequence[str], *,
                       months: int = _MONTHS_DEFAULT) -> pd.DataFrame:
    """Unemployed jobseekers, vacancies, unemployment rate and tightness by area, last months.

    Averages over the last ``months`` month-end counts (default 12). Rates are ratios of
    sums: unemployment rate = ΣU / Σ labour force × 100, tightness = ΣV / ΣU
    (:func:`punos_lib.indicators.tightness`).

    Parameters
    ----------
    jobseekers : DataFrame
        :func:`punos_lib.datasets.jobseekers_by_area`.
    areas : list of str
        E.g. the region's municipalities (``KUxxx``), or regions.

    Returns
    -------
    DataFrame
        ``area, area_name, unemployed, labour_force, vacancies, unemployment_rate,
        tightness``; ``attrs["months"]`` = (first, last).
    """
    _columns(jobseekers, ["area", "month", "unemployed", "labour_force", "vacancies"],
             "area_labour_market")
    months = _positive_int("months", months)
    if not areas:
        raise InputError("area_labour_market: no areas given")
    chosen = _last_months(jobseekers["month"], months)
    recent = jobseekers[jobseekers["month"].astype(str).isin(chosen)]
    rows = []
    for area in areas:
        part = _area_rows(recent, str(area), "area_labour_market")
        sums = {c: float(part[c].sum(skipna=False)) for c in ("unemployed", "labour_force",
                                                              "vacancies")}
        n = len(part)
        rows.append({
            "area": str(area), "area_name": _area_name(part, str(area)),
            **{c: sums[c] / n for c in sums},
            "unemployment_rate": sums["unemployed"] / sums["labour_force"] * 100.0
            if sums["labour_force"] else float("nan"),
            "tightness": indicators.tightness(sums["vacancies"], sums["unemployed"]),
        })
    return _carry(pd.DataFrame(rows), jobseekers, months=(chosen[0], chosen[-1]))


def tightness_over_time(jobseekers: pd.DataFrame, areas: Sequence[str], *,
                        window: int = _MONTHS_DEFAULT) -> pd.DataFrame:
    """Tightness smoothed over ``window`` months for each area, month by month.

    :func:`punos_lib.indicators.rolling_tightness` on the area's month-end counts.

    Returns
    -------
    DataFrame
        Long: ``month, area, area_name, tightness``; the first ``window − 1`` months of
        each area are left out (undefined).
    """
    _columns(jobseekers, ["area", "month", "unemployed", "vacancies"], "tightness_over_time")
    window = _positive_int("window", window)
    parts = []
    for area in areas:
        rows = _area_rows(jobseekers, str(area), "tightness_over_time")
        rows = rows.assign(month=rows["month"].astype(str)).sort_values("month")
        v = rows.set_index("month")["vacancies"].astype(float)
        u = rows.set_index("month")["unemployed"].astype(float)
        series = indicators.rolling_tightness(v, u, window=window).dropna()
        parts.append(pd.DataFrame({"month": series.index, "time": _time(pd.Series(series.index)),
                                   "area": str(area),
                                   "area_name": _area_name(rows, str(area)),
                                   "tightness": series.to_numpy()}))
    return _carry(pd.concat(parts, ignore_index=True), jobseekers, window=window)


def occupation_tightness(jobseekers: pd.DataFrame, region: str, *,
                         months: int = _MONTHS_DEFAULT) -> pd.DataFrame:
    """Unemployed jobseekers, vacancies and tightness by occupation in an area, last months.

    For each occupation (4-digit AML 2010 codes of table 12ti; unknown ``X`` classes left out):
    the average month-end unemployed and vacancies over the last ``months`` months and the
    tightness ΣV / ΣU over the months where both counts are known. Months with a suppressed
    (missing) count are left out of that occupation's averages and counted in
    ``suppressed_months``: those occupations are small and their figures uncertain.

    Returns
    -------
    DataFrame
        ``occupation, occupation_name, unemployed, vacancies, tightness, months_known,
        suppressed_months``, by occupation code; ``attrs["months"]`` = (first, last).

    Examples
    --------
    >>> js = pd.DataFrame({"area": "MK10", "area_name": "x", "occupation": ["1111"] * 2,
    ...     "occupation_name": "A", "month": ["2023M01", "2023M02"],
    ...     "unemployed": [10.0, 30.0], "vacancies": [5.0, 15.0]})
    >>> occupation_tightness(js, "MK10")[["unemployed", "vacancies", "tightness"]].values.tolist()
    [[20.0, 10.0, 0.5]]
    """
    _columns(jobseekers, ["area", "occupation", "occupation_name", "month", "unemployed",
                          "vacancies"], "occupation_tightness")
    months = _positive_int("months", months)
    rows = _area_rows(jobseekers, region, "occupation_tightness")
    chosen = _last_months(rows["month"], months)
    recent = rows[rows["month"].astype(str).isin(chosen)].copy()
    recent["occupation"] = recent["occupation"].astype(str)
    recent = recent[recent["occupation"].map(_is_occupation)]
    known = recent["unemployed"].notna() & recent["vacancies"].notna()
    recent["_u"] = recent["unemployed"].where(known)
    recent["_v"] = recent["vacancies"].where(known)
    grouped = recent.groupby("occupation", sort=True)
    out = pd.DataFrame({
        "occupation_name": grouped["occupation_name"].first(),
        "unemployed": grouped["_u"].mean(),
        "vacancies": grouped["_v"].mean(),
        "months_known": grouped["_u"].count(),
        "suppressed_months": grouped["_u"].size() - grouped["_u"].count(),
    })
    out["tightness"] = indicators.tightness(grouped["_v"].sum(min_count=1),
                                            grouped["_u"].sum(min_count=1))
    out = out.reset_index()[["occupation", "occupation_name", "unemployed", "vacancies",
                             "tightness", "months_known", "suppressed_months"]]
    out["label"] = _labels(out, "occupation", "occupation_name")
    out["months_known"] = out["months_known"].astype("int64")
    out["suppressed_months"] = out["suppressed_months"].astype("int64")
    return _carry(out, jobseekers, months=(chosen[0], chosen[-1]), area=region)


def shortage_surplus(tightness: pd.DataFrame, *, n: int = 10, min_size: float = 20.0,
                     allow_suppressed: bool = False) -> pd.DataFrame:
    """Occupations with the clearest shortage (highest tightness) and surplus (lowest).

    Minimum-size rule: an occupation is ranked only when its average unemployed plus
    vacancies is at least ``min_size`` (default 20) and, unless ``allow_suppressed``, none of
    its months was suppressed — a ratio of a handful of people swings from month to month and
    says little. Ties keep the occupation-code order.

    Parameters
    ----------
    tightness : DataFrame
        :func:`occupation_tightness`.
    n : int, default 10
        Occupations on each side; the two sides never share an occupation.

    Returns
    -------
    DataFrame
        ``side`` (``"pula"`` / ``"ylitarjonta"``), ``rank``, then the columns of ``tightness``.
        ``attrs``: ``eligible``, ``too_small``, ``suppressed`` (numbers of occupations),
        ``rule`` (the rule in Finnish), ``months``.

    Examples
    --------
    >>> t = pd.DataFrame({"occupation": ["1", "2", "3"], "occupation_name": ["A", "B", "C"],
    ...     "unemployed": [10.0, 40.0, 2.0], "vacancies": [30.0, 4.0, 9.0],
    ...     "tightness": [3.0, 0.1, 4.5], "months_known": 12, "suppressed_months": 0})
    >>> shortage_surplus(t, n=1)[["side", "occupation"]].values.tolist()
    [['pula', '1'], ['ylitarjonta', '2']]
    """
    _columns(tightness, ["occupation", "unemployed", "vacancies", "tightness",
                         "suppressed_months"], "shortage_surplus")
    n = _positive_int("n", n)
    if isinstance(min_size, bool) or not isinstance(min_size, int | float) or min_size < 0:
        raise InputError(f"min_size must be a non-negative number, got {min_size!r}")
    size = tightness["unemployed"] + tightness["vacancies"]
    suppressed = tightness["suppressed_months"] > 0
    big = size >= min_size
    eligible = tightness[big & tightness["tightness"].notna() & (allow_suppressed | ~suppressed)]
    ordered = eligible.sort_values("tightness", ascending=False, kind="stable")
    top = ordered.head(n)
    rest = ordered[~ordered.index.isin(top.index)]
    bottom = rest.sort_values("tightness", ascending=True, kind="stable").head(n)
    parts = [top.assign(side="pula", rank=np.arange(1, len(top) + 1)),
             bottom.assign(side="ylitarjonta", rank=np.arange(1, len(bottom) + 1))]
    out = pd.concat(parts, ignore_index=True)
    out = out[["side", "rank", *[c for c in tightness.columns]]]
    rule = (f"Mukana ammatit, joissa työttömiä ja avoimia työpaikkoja on keskimäärin yhteensä "
            f"vähintään {format(min_size, 'g')}" +
            ("" if allow_suppressed else " eikä yhtään tietosuojasyistä puuttuvaa kuukautta") + ".")
    return _carry(out, tightness, eligible=int(len(eligible)), too_small=int((~big).sum()),
                  suppressed=int((big & suppressed).sum()), rule=rule,
                  months=tightness.attrs.get("months"))


def mismatch_comparison(jobseekers: pd.DataFrame, region: str, *,
                        window: int = _MONTHS_DEFAULT) -> pd.DataFrame:
    """Mismatch index across occupations by month, for the region and the whole country.

    :func:`punos_lib.indicators.mismatch_over_time` with vacancies and unemployed
    jobseekers in 4-digit occupations (Şahin ym. 2014; PTT:n kohtaantoindeksit), plus its
    ``window``-month moving average that removes the seasonal cycle. Occupations with a
    suppressed count in a month are left out of that month (``units_dropped``).

    Returns
    -------
    DataFrame
        Long: ``month, area, area_name, mismatch_index, mismatch_smoothed, units_used,
        units_dropped``.
    """
    _columns(jobseekers, ["area", "occupation", "month", "unemployed", "vacancies"],
             "mismatch_comparison")
    window = _positive_int("window", window)
    parts = []
    for area in (region, COUNTRY):
        rows = _area_rows(jobseekers, area, "mismatch_comparison")
        rows = rows.assign(occupation=rows["occupation"].astype(str),
                           month=rows["month"].astype(str))
        rows = rows[rows["occupation"].map(_is_occupation)]
        series = indicators.mismatch_over_time(rows, "occupation", "month", "vacancies",
                                               "unemployed")
        frame = pd.DataFrame({
            "month": series.index.astype(str), "time": _time(pd.Series(series.index)), "area": area,
            "area_name": _area_name(rows, area),
            "mismatch_index": series.to_numpy(),
        })
        frame["mismatch_smoothed"] = frame["mismatch_index"].rolling(window, min_periods=window).mean()
        frame["units_used"] = frame["month"].map(series.attrs["units_used"]).astype("int64")
        frame["units_dropped"] = frame["month"].map(series.attrs["units_dropped"]).astype("int64")
        parts.append(frame)
    return _carry(pd.concat(parts, ignore_index=True), jobseekers, window=window)


def beveridge_frame(jobseekers: pd.DataFrame, area: str, *, window: int = _MONTHS_DEFAULT,
                    last: int | None = 60) -> pd.DataFrame:
    """Unemployment rate and vacancy rate of an area by month, for a Beveridge curve.

    - unemployment rate = unemployed jobseekers / labour force × 100 (the registered
      unemployment rate of the Employment Service Statistics);
    - vacancy rate = vacancies / (vacancies + employed) × 100, with employed = labour force −
      unemployed (the job vacancy rate's definition, Eurostat: vacancies / (occupied + vacant
      posts)); only vacancies notified to the public employment services are counted, so the
      level understates all vacancies.

    Both are ratios of sums over the last ``window`` months (12 removes the seasonal cycle;
    1 gives the raw months). A curve moving up and left means a tighter market, down and
    right a slacker one; a shift outwards (both up) suggests worse matching.

    Returns
    -------
    DataFrame
        ``month, unemployment_rate, vacancy_rate`` for the last ``last`` defined months
        (``None`` = all).
    """
    _columns(jobseekers, ["area", "month", "unemployed", "labour_force", "vacancies"],
             "beveridge_frame")
    window = _positive_int("window", window)
    rows = _area_rows(jobseekers, area, "beveridge_frame")
    rows = rows.assign(month=rows["month"].astype(str)).sort_values("month").set_index("month")
    sums = rows[["unemployed", "labour_force", "vacancies"]].astype(float).rolling(
        window, min_periods=window).sum()
    employed = sums["labour_force"] - sums["unemployed"]
    out = pd.DataFrame({
        "month": sums.index,
        "unemployment_rate": (sums["unemployed"] / sums["labour_force"].where(
            sums["labour_force"] > 0) * 100.0).to_numpy(),
        "vacancy_rate": (sums["vacancies"] / (sums["vacancies"] + employed).where(
            (sums["vacancies"] + employed) > 0) * 100.0).to_numpy(),
    }).dropna().reset_index(drop=True)
    if last is not None:
        out = out.tail(_positive_int("last", last)).reset_index(drop=True)
    return _carry(out, jobseekers, area=area, window=window)


# --------------------------------------------------------------------------- education


def education_by_field(education: pd.DataFrame, region: str, *, measure: str,
                       year: int | None = None) -> pd.DataFrame:
    """New students or degrees in the region by field of education and level, one year.

    Parameters
    ----------
    education : DataFrame
        :func:`punos_lib.datasets.education_supply`.
    measure : str
        A value of the ``measure`` column (e.g. ``"uudet_opiskelijat"``, ``"tutkinnot"``).

    Returns
    -------
    DataFrame
        ``field, field_name, level, value``; fields in code order, levels in order of first
        appearance. ``attrs``: ``year``, ``measure``.
    """
    _columns(education, ["area", "year", "level", "field", "field_name", "measure", "value"],
             "education_by_field")
    rows = _area_rows(education, region, "education_by_field")
    measures = sorted(rows["measure"].astype(str).unique())
    if measure not in measures:
        raise InputError(
            f"education_by_field: measure {measure!r} is not in the data; it has "
            f"{', '.join(measures)}"
        )
    rows = rows[rows["measure"].astype(str) == measure]
    chosen = _year(rows, year, "education_by_field")
    now = rows[rows["year"] == chosen]
    out = (now.assign(field=now["field"].astype(str))
           .groupby(["field", "level"], sort=False, observed=True)
           .agg(field_name=("field_name", "first"), value=("value", lambda s: s.sum(min_count=1)))
           .reset_index())
    out = out.sort_values("field", kind="stable").reset_index(drop=True)
    out = out[["field", "field_name", "level", "value"]]
    out["label"] = _labels(out, "field", "field_name")
    return _carry(out, education, year=chosen, measure=measure)


def education_table(education: pd.DataFrame, region: str, *,
                    year: int | None = None) -> pd.DataFrame:
    """New students and degrees in the region by field, one column per level and measure.

    Returns
    -------
    DataFrame
        ``field, field_name`` and a column ``"<measure>: <level>"`` for every measure and level
        (e.g. ``"uudet_opiskelijat: amk"``), then ``total: <measure>`` columns; fields in code
        order. ``attrs["year"]``.
    """
    _columns(education, ["area", "year", "level", "field", "field_name", "measure", "value"],
             "education_table")
    rows = _area_rows(education, region, "education_table")
    chosen = _year(rows, year, "education_table")
    now = rows[rows["year"] == chosen].assign(field=lambda f: f["field"].astype(str))
    names = now.groupby("field")["field_name"].first()
    cells = now.groupby(["field", "measure", "level"], sort=False)["value"].sum(min_count=1)
    wide = cells.unstack(["measure", "level"])
    wide.columns = [f"{m}: {lvl}" for m, lvl in wide.columns]
    totals = now.groupby(["field", "measure"])["value"].sum(min_count=1).unstack("measure")
    totals.columns = [f"yhteensä: {m}" for m in totals.columns]
    out = pd.concat([wide, totals], axis=1).sort_index()
    out.insert(0, "field_name", names.reindex(out.index))
    out = out.reset_index().rename(columns={"index": "field"})
    out["label"] = _labels(out, "field", "field_name")
    return _carry(out, education, year=chosen)


def supply_vs_openings(education: pd.DataFrame, openings: pd.DataFrame,
                       sectors: Mapping[str, Any], region: str, *, measure: str = "tutkinnot",
                       years: int = 3) -> pd.DataFrame:
    """Yearly education supply in each sector's fields against the sector's yearly job openings.

    Supply = the average over the last ``years`` years of ``measure`` (degrees by default)
    in the region, summed over the fields that stand for the sector's ``koulutusala`` codes
    (:func:`match_codes`, all levels of education together). Where the data has only the
    broad field (e.g. ``"07"`` for a sector's ``"0715"``), the whole broad field is counted
    and shared with other sectors: ``field_precision`` says so, and such rows are upper bounds.

    Read with care: graduates move away and others move in, one field leads to many
    occupations and one occupation is reached from many fields, and openings are also filled
    by the unemployed and by people changing occupations. The ratio is a rough signal, not a
    balance.

    Parameters
    ----------
    openings : DataFrame
        :func:`openings_by_sector` (``sector``, ``openings_per_year``).

    Returns
    -------
    DataFrame
        ``sector, sector_name, supply_per_year, openings_per_year, supply_ratio,
        fields_used, field_precision`` (of the fields) and ``precision`` (of the occupations,
        from ``openings``); ``attrs``: ``years`` (first, last), ``measure``.
    """
    _columns(education, ["area", "year", "field", "measure", "value"], "supply_vs_openings")
    _columns(openings, ["sector", "openings_per_year"], "supply_vs_openings (openings)")
    years = _positive_int("years", years)
    rows = _area_rows(education, region, "supply_vs_openings")
    rows = rows[rows["measure"].astype(str) == measure]
    if rows.empty:
        raise InputError(
            f"supply_vs_openings: measure {measure!r} is not in the data; it has "
            f"{', '.join(sorted(education['measure'].astype(str).unique()))}"
        )
    last_years = sorted(int(y) for y in rows["year"].unique())[-years:]
    recent = rows[rows["year"].isin(last_years)]
    per_field = (recent.assign(field=recent["field"].astype(str))
                 .groupby(["field", "year"])["value"].sum(min_count=1)
                 .groupby("field").mean())
    yearly = openings.set_index("sector")["openings_per_year"]
    precision = (openings.set_index("sector")["precision"].to_dict()
                 if "precision" in openings.columns else {})
    out_rows = []
    for sid, sector in sectors.items():
        matches = match_codes(list(sector.koulutusala), per_field.index)
        used = matches["used"].dropna().unique().tolist()
        supply = float(per_field[used].sum(min_count=1)) if used else float("nan")
        demand = float(yearly.get(sid, np.nan))
        out_rows.append({
            "sector": sid, "sector_name": sector.name_fi,
            "supply_per_year": supply, "openings_per_year": demand,
            "supply_ratio": supply / demand if demand and demand > 0 else float("nan"),
            "fields_used": ", ".join(used) if used else "–",
            "field_precision": _precision(matches),
            "precision": precision.get(sid, "–"),
        })
    return _carry(pd.DataFrame(out_rows), education, openings,
                  years=(last_years[0], last_years[-1]), measure=measure)

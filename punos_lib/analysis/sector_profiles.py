"""Chapter 7 (Toimialaprofiilit): the numbers of one focus sector's profile.

The sector's key occupations with the share aged 55+, its occupations' jobseekers and
vacancies, and the education supply in its fields, each from the frames of
:mod:`punos_lib.datasets` and a :class:`punos_lib.reference.sectors.Sector`; and the one-page
sector card (:func:`key_figures`, :func:`card_table`, :func:`card_text`) with the cross-sector
summary and its traffic-light rating (:func:`summary_table`, thresholds :class:`RatingThresholds`). Codes of the sector
that the data has only at a coarser level are counted in their parent group
(:func:`punos_lib.analysis._common.counted_in`), listed once with the codes it covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib._formatting import format_number
from punos_lib.analysis._common import (
    area_rows, carry, code_names, counted_in, merge_provenance, require_columns, resolve_year,
)
from punos_lib.errors import InputError
from punos_lib.analysis.findings import month_span
from punos_lib.reference.regions import COUNTRY, genitive

__all__ = [
    "sector_occupations",
    "sector_tightness",
    "sector_education",
    "RatingThresholds",
    "RATINGS",
    "rate",
    "key_figures",
    "sector_key_figures",
    "card_table",
    "card_text",
    "summary_table",
    "summary_display",
    "thresholds_text",
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


# ---------------------------------------------------------------------------------------------
# the sector card and the cross-sector summary
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RatingThresholds:
    """Where the traffic-light rating of the cross-sector summary turns yellow and red.

    A value at or above ``*_yellow`` is yellow, at or above ``*_red`` red, below ``*_yellow``
    green; a missing value is not rated. The defaults are the study's assumptions, not
    published standards: tightness 1 (as many vacancies as unemployed jobseekers) is also the
    forum comparison's shortage threshold; a quarter of the workforce aged 55+ is about the
    national level of the 2020s; one job opening a year per new graduate means the fields'
    graduates would have to fill every opening.

    Parameters
    ----------
    tightness_yellow, tightness_red : float
        Vacancies per unemployed jobseeker in the sector's occupations (12-month average).
    aged_yellow, aged_red : float
        Share aged 55+ of the employed in the sector's occupations, percent.
    openings_per_graduate_yellow, openings_per_graduate_red : float
        Job openings a year in the sector's occupations per graduate a year of its fields.
    """

    tightness_yellow: float = 0.5
    tightness_red: float = 1.0
    aged_yellow: float = 25.0
    aged_red: float = 30.0
    openings_per_graduate_yellow: float = 1.0
    openings_per_graduate_red: float = 1.5

    def __post_init__(self) -> None:
        for name in ("tightness", "aged", "openings_per_graduate"):
            yellow, red = getattr(self, f"{name}_yellow"), getattr(self, f"{name}_red")
            if not (np.isfinite(yellow) and np.isfinite(red)) or yellow > red:
                raise InputError(f"rating thresholds: {name}_yellow ({yellow}) must be a number no larger "
                                 f"than {name}_red ({red})")


#: The ratings as shown: a symbol of its own shape for each, so the table reads in greyscale.
RATINGS: dict[str, str] = {"green": "● vihreä", "yellow": "▲ keltainen", "red": "■ punainen",
                           "none": "– ei arviota"}
_ORDER = {"none": -1, "green": 0, "yellow": 1, "red": 2}


def rate(value: float | None, yellow: float, red: float) -> str:
    """The rating of one value: ``"green"``, ``"yellow"``, ``"red"`` or ``"none"`` (missing).

    Examples
    --------
    >>> [rate(v, 0.5, 1.0) for v in (0.49, 0.5, 0.99, 1.0, float("nan"))]
    ['green', 'yellow', 'yellow', 'red', 'none']
    """
    if value is None or pd.isna(value):
        return "none"
    return "red" if value >= red else "yellow" if value >= yellow else "green"


def _synthetic(frame: Any) -> bool:
    prov = getattr(frame, "attrs", {}).get("provenance") or {}
    return bool(prov.get("synthetic"))


def _one(frame: pd.DataFrame, sector_id: str, what: str) -> pd.Series:
    hit = frame[frame["sector"].astype(str) == sector_id]
    if hit.empty:
        raise InputError(f"key_figures: the {what} table has no row for sector {sector_id!r}; "
                         "compute it with the same data/sectors.yaml")
    return hit.iloc[0]


def key_figures(
    sector: Any,
    region: str,
    *,
    trend: pd.DataFrame,
    sector_jobs: pd.DataFrame,
    occupations: pd.DataFrame,
    tightness: pd.DataFrame,
    education: pd.DataFrame,
    openings: pd.DataFrame,
    organisations: pd.DataFrame | None = None,
    pilots: pd.DataFrame | None = None,
    assessments: pd.DataFrame | None = None,
    municipalities: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The numbers of one sector's card, each from the analysis table it is computed in.

    Parameters
    ----------
    sector : Sector
        From :func:`punos_lib.reference.sectors.load_sectors`.
    region : str
        The study's region.
    trend : DataFrame
        :func:`punos_lib.analysis.economy.jobs_trend` with the sector's divisions: the change
        of jobs from the first year to the latest, in the region and the country.
    sector_jobs : DataFrame
        :func:`punos_lib.analysis.economy.sector_jobs`: jobs and location quotient (latest year).
    occupations : DataFrame
        :func:`sector_occupations` with ages: the share aged 55+ of the sector's occupations,
        weighted by their employed.
    tightness : DataFrame
        :func:`sector_tightness`: its ``Yhteensä`` row.
    education : DataFrame
        :func:`sector_education`: degrees (``tutkinnot``) of all levels, a year.
    openings : DataFrame
        :func:`punos_lib.analysis.occupations.openings_by_sector`: openings a year.
    organisations : DataFrame, optional
        The actor registry (:func:`punos_lib.registry.actors.load_registry`, ``sectors`` tuples):
        only the actors whose ``region`` is ``region`` count. National actors (``SSS``, e.g.
        Opetushallitus or a national industry federation, wherever located) and another region's
        actors are not this region's.
    pilots, assessments : DataFrame, optional
        :func:`punos_lib.registry.forums.load_pilots` and ``load_assessments``; only the records
        whose ``region`` is ``region`` count (another region's forums are not this region's).
        A region with none reads "Ei kirjattu".
    municipalities : sequence of str, optional
        Only for an actor frame without a ``region`` column: the region's municipalities
        (``KU491`` or ``491``); the actors located in them are counted. Default: every actor.

    Returns
    -------
    dict
        ``sector, sector_name, region, start, year, jobs, region_share, change_pct,
        country_change_pct, location_quotient, share_aged_55_plus, age_basis, oldest_occupation,
        oldest_share, tightness, months, openings_per_year,
        openings_upper_bound, graduates_per_year, graduates_upper_bound, education_year,
        openings_per_graduate, actors, actor_names, forum, forum_example, synthetic`` (name →
        bool: which numbers rest on example data), ``provenance``.
    """
    require_columns(trend, ["area", "year", "jobs", "index"], "key_figures (trend)")
    require_columns(sector_jobs, ["sector", "jobs", "location_quotient"], "key_figures (sector_jobs)")
    require_columns(occupations, ["occupation_name", "employed", "share_aged_55_plus", "age_basis"],
                    "key_figures (occupations)")
    require_columns(tightness, ["occupation", "tightness"], "key_figures (tightness)")
    require_columns(education, ["field", "covers", "measure", "value"], "key_figures (education)")
    require_columns(openings, ["sector", "openings_per_year", "precision"], "key_figures (openings)")
    out: dict[str, Any] = {"sector": sector.id, "sector_name": sector.name_fi, "region": region}

    areas = trend["area"].astype(str)
    first, last = int(trend["year"].min()), int(trend["year"].max())

    def change(area: str) -> float:
        rows = trend[areas == area].set_index("year")["jobs"]
        start, end = rows.get(first, np.nan), rows.get(last, np.nan)
        return float((end / start - 1.0) * 100.0) if start and not pd.isna(start) else float("nan")

    out.update(start=first, year=last, change_pct=change(region), country_change_pct=change(COUNTRY))
    row = _one(sector_jobs, sector.id, "sector jobs")
    out.update(jobs=float(row["jobs"]), location_quotient=float(row["location_quotient"]),
               region_share=float(row["region_share"]) if "region_share" in row.index else float("nan"))

    known = occupations.dropna(subset=["employed", "share_aged_55_plus"])
    weight = float(known["employed"].sum())
    out["share_aged_55_plus"] = (float((known["employed"] * known["share_aged_55_plus"]).sum()) / weight
                                 if weight > 0 else float("nan"))
    oldest = known.sort_values("share_aged_55_plus", ascending=False, kind="mergesort").head(1)
    out["oldest_occupation"] = str(oldest["occupation_name"].iloc[0]) if len(oldest) else ""
    out["oldest_share"] = float(oldest["share_aged_55_plus"].iloc[0]) if len(oldest) else float("nan")
    bases = {str(b).split(" (")[0] for b in known["age_basis"]}
    out["age_basis"] = "maakunta" if bases == {"maakunta"} else "koko maa" if bases else "–"

    total = tightness[tightness["occupation"].astype(str) == "Yhteensä"]
    out["tightness"] = float(total["tightness"].iloc[0]) if len(total) else float("nan")
    months = tightness.attrs.get("months")
    out["months"] = month_span(*months) if months else ""

    row = _one(openings, sector.id, "openings")
    out["openings_per_year"] = float(row["openings_per_year"])
    out["openings_upper_bound"] = "yläraja" in str(row["precision"])
    degrees = education[education["measure"].astype(str) == "tutkinnot"]
    out["graduates_per_year"] = float(degrees["value"].sum(min_count=1))
    out["graduates_upper_bound"] = bool((degrees["field"].astype(str) != degrees["covers"].astype(str)).any())
    out["education_year"] = education.attrs.get("year")
    out["openings_per_graduate"] = (out["openings_per_year"] / out["graduates_per_year"]
                                    if out["graduates_per_year"] and not pd.isna(out["graduates_per_year"])
                                    else float("nan"))

    out["actors"], out["actor_names"] = None, []
    if organisations is not None:
        require_columns(organisations, ["name_fi", "sectors"], "key_figures (organisations)")
        mine = organisations[[sector.id in tuple(s) for s in organisations["sectors"]]]
        if "region" in mine.columns:
            mine = mine[mine["region"].astype(str) == region]
        elif municipalities is not None and "municipality" in mine.columns:
            local = {str(m).removeprefix("KU") for m in municipalities}
            mine = mine[mine["municipality"].astype(str).str.removeprefix("KU").isin(local)]
        out["actors"], out["actor_names"] = len(mine), [str(n) for n in mine["name_fi"]]
    out["forum"], out["forum_example"] = _forum_status(sector.id, region, pilots, assessments)
    out["synthetic"] = {"jobs": _synthetic(trend) or _synthetic(sector_jobs),
                        "share_aged_55_plus": _synthetic(occupations), "tightness": _synthetic(tightness),
                        "openings": _synthetic(openings) or _synthetic(education)}
    out["provenance"] = merge_provenance(trend, sector_jobs, occupations, tightness, education, openings)
    return out


def sector_key_figures(
    sectors: Mapping[str, Any],
    region: str,
    *,
    jobs: pd.DataFrame,
    occupations: pd.DataFrame,
    workforce_by_age: pd.DataFrame,
    national_ages: pd.DataFrame,
    workforce: pd.DataFrame | None,
    jobseekers: pd.DataFrame,
    education: pd.DataFrame,
    organisations: pd.DataFrame | None = None,
    pilots: pd.DataFrame | None = None,
    assessments: pd.DataFrame | None = None,
    municipalities: Sequence[str] | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """:func:`key_figures` of every sector in ``sectors``, each from the same frames.

    The sector cards (chapter 7, one sector each) and the cross-sector summary call this with
    the same data, so a card and its summary row always agree.

    Parameters
    ----------
    sectors : mapping of id to Sector
        :func:`punos_lib.reference.sectors.load_sectors` (all sectors: openings and sector jobs
        are computed over all of them).
    jobs, occupations, jobseekers, education : DataFrame
        :func:`punos_lib.datasets.jobs_by_industry`, ``occupations_by_region``,
        ``jobseekers_by_occupation``, ``education_supply``.
    workforce_by_age : DataFrame
        ``datasets.workforce_by_occupation_age``: ages of the sector's occupations.
    national_ages, workforce : DataFrame
        ``datasets.occupations_by_age`` and ``datasets.workforce_if_imported``: the ages of
        chapter 4's openings (:func:`punos_lib.analysis.occupations.sector_openings`).
    organisations, pilots, assessments, municipalities : optional
        The actor registry, the forum records and the region's municipalities (:func:`key_figures`).
    year : int, optional
        The reference year of jobs and occupations (default the latest).
    """
    from punos_lib.analysis import economy
    from punos_lib.analysis import occupations as occ

    chosen = resolve_year(jobs, year)
    per_sector = economy.sector_jobs(jobs, sectors, region, year=chosen)
    openings = occ.sector_openings(occupations, national_ages, workforce, region, sectors,
                                   year=resolve_year(occupations, year if year in set(occupations["year"]) else None))
    return [key_figures(sector, region, trend=economy.jobs_trend(jobs, region, industries=sector.tol),
                        sector_jobs=per_sector,
                        occupations=sector_occupations(occupations, sector, region, by_age=workforce_by_age),
                        tightness=sector_tightness(jobseekers, sector, region),
                        education=sector_education(education, sector, region), openings=openings,
                        organisations=organisations, pilots=pilots, assessments=assessments,
                        municipalities=municipalities)
            for sector in sectors.values()]


#: The sector card's forum status when the region has no forum records of the sector.
NO_FORUM = "Ei kirjattu"


def _forum_status(sector_id: str, region: str, pilots: pd.DataFrame | None,
                  assessments: pd.DataFrame | None) -> tuple[str, bool]:
    parts, example = [], False
    if pilots is not None and len(pilots):
        require_columns(pilots, ["region", "sector", "date", "format_fi", "participants_total", "n_actions",
                                 "example"], "key_figures (pilots)")
        mine = pilots[(pilots["sector"].astype(str) == sector_id) & (pilots["region"].astype(str) == region)]
        for _, p in mine.sort_values("date").iterrows():
            people, actions = int(p["participants_total"]), int(p["n_actions"])
            parts.append(f"{p['format_fi']}foorumi {pd.Timestamp(p['date']).strftime('%-d.%-m.%Y')} "
                         f"({people} {'osallistuja' if people == 1 else 'osallistujaa'}, {actions} "
                         f"{'sovittu toimenpide' if actions == 1 else 'sovittua toimenpidettä'})")
            example = example or bool(p["example"])
    if assessments is not None and len(assessments):
        require_columns(assessments, ["region", "sector", "aml", "example"], "key_figures (assessments)")
        mine = assessments[(assessments["sector"].astype(str) == sector_id)
                           & (assessments["region"].astype(str) == region)]
        if len(mine):
            parts.append(f"foorumin arvio {mine['aml'].astype(str).nunique()} ammatista")
            example = example or bool(mine["example"].any())
    if not parts:
        return NO_FORUM, False
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + (" (esimerkki)" if example else ""), example


def _pct(value: float, decimals: int = 1) -> str:
    return f"{format_number(value, decimals)} %"


def card_table(figures: Mapping[str, Any]) -> pd.DataFrame:
    """The sector card's small table: one row per key figure, its value, period or comparison.

    Returns
    -------
    DataFrame
        ``Tunnusluku``, ``Arvo``, ``Tarkenne`` (period, comparison or basis), ``Aineisto``
        (``tilasto``, ``esimerkki`` or ``rekisteri``), the values formatted as the text states them.
    """
    f = figures
    kind = {True: "esimerkki", False: "tilasto"}
    syn = f["synthetic"]
    upper = " (yläraja)"
    rows = [
        ("Työpaikat", format_number(f["jobs"]), f"{f['year']}; {_pct(f['region_share'])} alueen työpaikoista",
         kind[syn["jobs"]]),
        ("Työpaikkojen muutos", _pct(f["change_pct"]),
         f"{f['start']}–{f['year']}; koko maa {_pct(f['country_change_pct'])}", kind[syn["jobs"]]),
        ("Sijaintiosamäärä", format_number(f["location_quotient"], 2), f"{f['year']}; koko maa = 1",
         kind[syn["jobs"]]),
        ("55 vuotta täyttäneet", _pct(f["share_aged_55_plus"]), f"alan ammatit; ikätieto: {f['age_basis']}",
         kind[syn["share_aged_55_plus"]]),
        ("Suurin 55+ osuus", _pct(f["oldest_share"]), f["oldest_occupation"] or "–",
         kind[syn["share_aged_55_plus"]]),
        ("Kireys", format_number(f["tightness"], 2), f["months"], kind[syn["tightness"]]),
        ("Avautuvat työpaikat / v", format_number(f["openings_per_year"])
         + (upper if f["openings_upper_bound"] else ""), "laajenemis- ja korvaustarve, 10 vuotta",
         kind[syn["openings"]]),
        ("Tutkinnot / v", format_number(f["graduates_per_year"]) + (upper if f["graduates_upper_bound"] else ""),
         f"{f['education_year'] or ''}; kaikki koulutusasteet".lstrip("; "), kind[syn["openings"]]),
        ("Avautuvia / tutkinto", format_number(f["openings_per_graduate"], 2), "yli 1: tarve ylittää tutkinnot",
         kind[syn["openings"]]),
        ("Toimijat", "–" if f["actors"] is None else str(f["actors"]), "alueen toimijarekisteri", "rekisteri"),
        ("Kohtaantofoorumi", f["forum"], "", "esimerkki" if f["forum_example"] else "rekisteri"),
    ]
    out = pd.DataFrame(rows, columns=["Tunnusluku", "Arvo", "Tarkenne", "Aineisto"])
    out.attrs["provenance"] = f.get("provenance")
    return out


def card_text(figures: Mapping[str, Any]) -> str:
    """The sector card's findings: up to five short Finnish bullets with the card table's numbers.

    Each bullet that rests on example data says so.
    """
    f = figures
    example = " *Esimerkkiaineisto.*"
    syn = f["synthetic"]
    bullets = []
    if not pd.isna(f["jobs"]) and not pd.isna(f["change_pct"]):
        rounded = round(f["change_pct"], 1)
        verb = "kasvoi" if rounded > 0 else "väheni" if rounded < 0 else "pysyi ennallaan"
        amount = f" {_pct(abs(f['change_pct']))}" if rounded != 0 else ""
        lq = round(f["location_quotient"], 2)
        special = ("alue on erikoistunut alaan" if lq > 1 else "ala on alueella suhteellisesti pienempi kuin "
                   "koko maassa" if lq < 1 else "ala on alueella yhtä suuri kuin koko maassa")
        text = (f"{genitive(f['region'])} alueella oli alalla {format_number(f['jobs'])} työpaikkaa vuonna "
                f"{f['year']}; vuosina {f['start']}–{f['year']} määrä {verb}{amount} "
                f"(koko maa {_pct(f['country_change_pct'])}). Sijaintiosamäärä "
                f"{format_number(f['location_quotient'], 2)}: {special}.")
        bullets.append(text + (example if syn["jobs"] else ""))
    if not pd.isna(f["share_aged_55_plus"]):
        basis = "alueen" if f["age_basis"] == "maakunta" else "koko maan"
        text = (f"Keskeisten ammattien työllisistä {_pct(f['share_aged_55_plus'])} on täyttänyt 55 vuotta "
                f"({basis} ikätiedot), eniten ryhmässä {f['oldest_occupation'].lower()} "
                f"({_pct(f['oldest_share'])}).")
        bullets.append(text + (example if syn["share_aged_55_plus"] else ""))
    if not pd.isna(f["tightness"]):
        t = round(f["tightness"], 2)
        reading = ("avoimia työpaikkoja oli enemmän kuin työttömiä työnhakijoita" if t > 1
                   else "avoimia työpaikkoja oli yhtä paljon kuin työttömiä työnhakijoita" if t == 1
                   else "työttömiä työnhakijoita oli enemmän kuin avoimia työpaikkoja")
        text = f"Kireys {format_number(f['tightness'], 2)} ({f['months']}): {reading}."
        bullets.append(text + (example if syn["tightness"] else ""))
    if not pd.isna(f["openings_per_graduate"]):
        bound = ", ylärajoja" if (f["openings_upper_bound"] or f["graduates_upper_bound"]) else ""
        ratio = round(f["openings_per_graduate"], 2)
        compare = "enemmän kuin" if ratio > 1 else "vähemmän kuin" if ratio < 1 else "yhtä paljon kuin"
        text = (f"Työpaikkoja avautuu arviolta {format_number(f['openings_per_year'])} vuodessa, {compare} alan "
                f"koulutusaloilla suoritetaan tutkintoja ({format_number(f['graduates_per_year'])} vuonna "
                f"{f['education_year']}{bound}).")
        bullets.append(text + (example if syn["openings"] else ""))
    forum = f"Kohtaantofoorumi: {f['forum'][0].lower() + f['forum'][1:]}." if f["forum"] else ""
    if f["actors"] == 0:
        bullets.append(f"Toimijarekisteriin ei ole kirjattu alan toimijoita alueelta. {forum}".strip())
    elif f["actors"]:
        names = f["actor_names"][:3]
        listed = ", ".join(names[:-1]) + (" ja " if len(names) > 1 else "") + names[-1]
        bullets.append(f"Toimijarekisterissä {f['actors']} alan toimijaa, muun muassa {listed}. {forum}".strip())
    elif forum:
        bullets.append(forum)
    if not bullets:
        return "Alasta ei ole aineistoa tunnuslukujen laskemiseen."
    return "\n".join(f"- {b}" for b in bullets)


def summary_table(figures: Sequence[Mapping[str, Any]],
                  thresholds: RatingThresholds | None = None) -> pd.DataFrame:
    """The cross-sector summary: each sector's key figures and its traffic-light rating.

    Three figures are rated (:func:`rate` with ``thresholds``): tightness, the share aged 55+
    and job openings per graduate; ``rating`` is the worst of the three (``none`` when none
    can be rated). Higher means more pressure to recruit or educate.

    Returns
    -------
    DataFrame
        ``sector, sector_name, jobs, change_pct, location_quotient, share_aged_55_plus,
        tightness, openings_per_graduate, rating_tightness, rating_aged, rating_openings,
        rating`` (rating keys; :data:`RATINGS` gives the shown text); ``attrs``:
        ``thresholds`` (dict), ``synthetic``, ``provenance``.
    """
    th = thresholds or RatingThresholds()
    rows = []
    for f in figures:
        r_t = rate(f["tightness"], th.tightness_yellow, th.tightness_red)
        r_a = rate(f["share_aged_55_plus"], th.aged_yellow, th.aged_red)
        r_o = rate(f["openings_per_graduate"], th.openings_per_graduate_yellow, th.openings_per_graduate_red)
        worst = max((r_t, r_a, r_o), key=_ORDER.__getitem__)
        rows.append({"sector": f["sector"], "sector_name": f["sector_name"], "jobs": f["jobs"],
                     "change_pct": f["change_pct"], "location_quotient": f["location_quotient"],
                     "share_aged_55_plus": f["share_aged_55_plus"], "tightness": f["tightness"],
                     "openings_per_graduate": f["openings_per_graduate"], "rating_tightness": r_t,
                     "rating_aged": r_a, "rating_openings": r_o, "rating": worst})
    out = pd.DataFrame(rows, columns=["sector", "sector_name", "jobs", "change_pct", "location_quotient",
                                      "share_aged_55_plus", "tightness", "openings_per_graduate",
                                      "rating_tightness", "rating_aged", "rating_openings", "rating"])
    out.attrs["thresholds"] = asdict(th)
    out.attrs["synthetic"] = any(any(f["synthetic"].values()) for f in figures)
    out.attrs["provenance"] = merge_provenance(*[SimpleNamespace(attrs={"provenance": f.get("provenance")}) for f in figures])
    return out


def summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as published: Finnish headings, rounded values, each rating beside its value."""
    require_columns(summary, ["sector_name", "rating"], "summary_display")

    def with_rating(value: float, key: str, decimals: int, unit: str = "") -> str:
        return f"{format_number(value, decimals)}{unit} {RATINGS[key]}" if not pd.isna(value) else RATINGS["none"]

    out = pd.DataFrame({
        "Ala": summary["sector_name"].astype(str),
        "Työpaikat": [format_number(v) for v in summary["jobs"]],
        "Muutos, %": [format_number(v, 1) for v in summary["change_pct"]],
        "Sijainti­osamäärä": [format_number(v, 2) for v in summary["location_quotient"]],
        "55 v. täyttäneet, %": [with_rating(v, k, 1) for v, k in zip(summary["share_aged_55_plus"],
                                                                      summary["rating_aged"])],
        "Kireys": [with_rating(v, k, 2) for v, k in zip(summary["tightness"], summary["rating_tightness"])],
        "Avautuvia työpaikkoja / tutkinto": [with_rating(v, k, 2) for v, k in
                                             zip(summary["openings_per_graduate"], summary["rating_openings"])],
        "Arvio": [RATINGS[k] for k in summary["rating"]],
    })
    out.attrs = dict(summary.attrs)
    return out


def thresholds_text(thresholds: RatingThresholds | None = None) -> str:
    """The rating rule in Finnish, with the thresholds in use, for the line under the table."""
    th = thresholds or RatingThresholds()

    def rule(name: str, yellow: float, red: float, decimals: int, unit: str = "") -> str:
        return (f"{name}: {RATINGS['green']} alle {format_number(yellow, decimals)}{unit}, "
                f"{RATINGS['yellow']} {format_number(yellow, decimals)}{unit} tai enemmän, "
                f"{RATINGS['red']} {format_number(red, decimals)}{unit} tai enemmän")

    return ("Arvion kynnysarvot (selvityksen oletukset, muutettavissa): "
            + "; ".join([rule("kireys", th.tightness_yellow, th.tightness_red, 2),
                         rule("55 vuotta täyttäneiden osuus", th.aged_yellow, th.aged_red, 0, " %"),
                         rule("avautuvia työpaikkoja tutkintoa kohden", th.openings_per_graduate_yellow,
                              th.openings_per_graduate_red, 2)])
            + ". Kokonaisarvio on kolmesta arviosta heikoin; puuttuva tieto jää arvioimatta.")

"""Headline indicators of every region, peer regions and key findings written from them.

The study opens with findings generated from the data, for whichever region it is built for:
each finding is one Finnish sentence whose numbers are taken from one row of the headline
indicator table (:func:`regional_indicators`), rounded as that table is published. A reader can
check every number against the table the finding cites, and so can the tests.

Pure functions: they take the frames of :mod:`punos_lib.datasets` (or analysis results), never
load or draw. Every result carries ``attrs["provenance"]`` and, per indicator, whether it rests
on real statistics or on example data (``attrs["synthetic"]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib._formatting import format_number
from punos_lib.analysis._common import merge_provenance
from punos_lib.analysis._common import require_columns as _columns
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY, REGIONS, genitive

__all__ = [
    "INDICATORS",
    "Indicator",
    "regional_indicators",
    "month_span",
    "rank_regions",
    "default_peers",
    "peer_comparison",
    "region_ranks",
    "key_findings",
    "education_findings",
    "findings_markdown",
    "indicator_table",
    "published_columns",
    "economy_findings",
    "occupation_findings",
]


@dataclass(frozen=True)
class Indicator:
    """One headline indicator: its column, Finnish name, unit, decimals and what rank 1 means."""

    column: str
    name: str
    unit: str
    decimals: int
    rank_one: str


#: The headline indicators, in the order of the published table. ``rank_one`` says what the
#: first place among the 19 regions means (ranks count from the largest value).
INDICATORS: tuple[Indicator, ...] = (
    Indicator("population", "Väkiluku", "henkeä", 0, "suurin väkiluku"),
    Indicator("population_change_pct", "Väestönmuutos, %", "%", 1, "suurin kasvu"),
    Indicator("share_65_plus", "Yli 64-vuotiaiden osuus, %", "%", 1, "vanhin väestö"),
    Indicator("dependency", "Väestöllinen huoltosuhde", "", 1, "korkein huoltosuhde"),
    Indicator("projection_change_pct", "Ennustettu väestönmuutos, %", "%", 1, "suurin ennustettu kasvu"),
    Indicator("unemployment_rate", "Työttömyysaste, %", "%", 1, "korkein työttömyysaste"),
    Indicator("tightness", "Avoimia työpaikkoja työtöntä kohden", "", 2, "kirein työmarkkina"),
)
_BY_COLUMN = {i.column: i for i in INDICATORS}


def _regions_and_country(frame: pd.DataFrame) -> pd.DataFrame:
    areas = frame["area"].astype(str)
    return frame[areas.isin([*REGIONS, COUNTRY])]


def _totals(population: pd.DataFrame, year: int) -> pd.Series:
    now = population[population["year"] == year]
    return now.groupby(now["area"].astype(str))["population"].sum(min_count=1)


def _synthetic(frame: pd.DataFrame | None) -> bool | None:
    if frame is None:
        return None
    prov = frame.attrs.get("provenance") or {}
    return bool(prov.get("synthetic"))


def regional_indicators(
    population: pd.DataFrame,
    *,
    projection: pd.DataFrame | None = None,
    jobseekers: pd.DataFrame | None = None,
    years: int = 10,
    horizon: int = 2040,
    months: int = 12,
) -> pd.DataFrame:
    """The headline indicators of the 19 regions and the whole country, one row per area.

    Parameters
    ----------
    population : DataFrame
        Population by area, single year of age and year (``area, area_name, age, year,
        population``) with the regions (``MKxx``) and the country (``SSS``), e.g.
        :func:`punos_lib.datasets.population` with regions summed from municipalities.
    projection : DataFrame, optional
        The population projection in the same shape (regions and country).
    jobseekers : DataFrame, optional
        Month-end jobseekers by area (``area, month, unemployed, labour_force, vacancies``).
    years : int
        Length of the period of population change, ending in the latest year.
    horizon : int
        Last year of the projected change (or the projection's last year, if earlier).
    months : int
        Months averaged for the unemployment rate and tightness (ratios of sums).

    Returns
    -------
    DataFrame
        ``area, area_name`` and the columns of :data:`INDICATORS` (NaN where the data lack
        them), the regions in code order, then ``SSS``. ``attrs``: ``periods`` (column →
        period text, e.g. ``"2015–2025"``), ``synthetic`` (column → bool: example data),
        ``provenance``.

    Examples
    --------
    >>> pop = pd.DataFrame({"area": ["MK10", "MK10", "SSS", "SSS"] * 2,
    ...                     "area_name": ["Etelä-Savo"] * 4 + ["Koko maa"] * 4,
    ...                     "age": [30, 70] * 4, "year": [2014] * 4 + [2024] * 4,
    ...                     "population": [60, 40, 600, 400, 50, 50, 600, 500]})
    >>> t = regional_indicators(pop)
    >>> t.set_index("area").loc["MK10", ["population", "population_change_pct", "share_65_plus"]].tolist()
    [100.0, 0.0, 50.0]
    """
    _columns(population, ["area", "area_name", "age", "year", "population"], "regional_indicators")
    if years < 1:
        raise InputError(f"regional_indicators: years must be at least 1, got {years}")
    pop = _regions_and_country(population)
    if pop.empty:
        raise InputError("regional_indicators: the population frame has no regions (MKxx) or SSS; "
                         "sum the municipalities to regions first")
    last = int(pop["year"].max())
    first = max(int(pop["year"].min()), last - years)
    names = pop.drop_duplicates("area").set_index(pop.drop_duplicates("area")["area"].astype(str))["area_name"]
    areas = [a for a in [*REGIONS, COUNTRY] if a in names.index]
    out = pd.DataFrame({"area": areas, "area_name": [str(names[a]) for a in areas]})
    now, then = _totals(pop, last), _totals(pop, first)
    out["population"] = [float(now.get(a, np.nan)) for a in areas]
    out["population_change_pct"] = [
        (float(now.get(a, np.nan)) / float(then.get(a, np.nan)) - 1.0) * 100.0 for a in areas]
    latest = pop[pop["year"] == last]
    old = latest[latest["age"] >= 65].groupby(latest["area"].astype(str))["population"].sum()
    out["share_65_plus"] = [float(old.get(a, np.nan)) / float(now.get(a, np.nan)) * 100.0 for a in areas]
    by_band = latest.groupby([latest["area"].astype(str),
                              pd.cut(latest["age"], [-1, 14, 64, np.inf], labels=["young", "working", "old"])],
                             observed=False)["population"].sum(min_count=1).unstack()
    by_band = by_band.reindex(areas)
    out["dependency"] = indicators.demographic_dependency(
        by_band["young"].fillna(0.0), by_band["working"], by_band["old"].fillna(0.0)).to_numpy()
    periods = {"population": str(last), "population_change_pct": f"{first}–{last}",
               "share_65_plus": str(last), "dependency": str(last)}
    synthetic = {c: bool(_synthetic(population)) for c in periods}

    out["projection_change_pct"] = np.nan
    if projection is not None:
        _columns(projection, ["area", "year", "population"], "regional_indicators (projection)")
        proj = _regions_and_country(projection)
        if not proj.empty:
            p0 = int(proj["year"].min())
            p1 = max(y for y in proj["year"].unique() if y <= max(horizon, p0 + 1))
            start, end = _totals(proj, p0), _totals(proj, int(p1))
            out["projection_change_pct"] = [
                (float(end.get(a, np.nan)) / float(start.get(a, np.nan)) - 1.0) * 100.0 for a in areas]
            periods["projection_change_pct"] = f"{p0}–{int(p1)}"
            synthetic["projection_change_pct"] = bool(_synthetic(projection))

    out["unemployment_rate"] = np.nan
    out["tightness"] = np.nan
    if jobseekers is not None:
        _columns(jobseekers, ["area", "month", "unemployed", "labour_force", "vacancies"],
                 "regional_indicators (jobseekers)")
        js = _regions_and_country(jobseekers)
        if not js.empty:
            chosen = sorted({str(m) for m in js["month"]})[-months:]
            recent = js[js["month"].astype(str).isin(chosen)]
            sums = recent.groupby(recent["area"].astype(str))[["unemployed", "labour_force", "vacancies"]].sum(
                min_count=1)
            u = np.array([float(sums["unemployed"].get(a, np.nan)) for a in areas])
            lf = np.array([float(sums["labour_force"].get(a, np.nan)) for a in areas])
            v = np.array([float(sums["vacancies"].get(a, np.nan)) for a in areas])
            with np.errstate(divide="ignore", invalid="ignore"):
                out["unemployment_rate"] = np.where(lf > 0, u / lf * 100.0, np.nan)
            out["tightness"] = indicators.tightness(pd.Series(v), pd.Series(u)).to_numpy()
            periods["unemployment_rate"] = periods["tightness"] = month_span(chosen[0], chosen[-1])
            synthetic["unemployment_rate"] = synthetic["tightness"] = bool(_synthetic(jobseekers))

    out.attrs["periods"] = periods
    out.attrs["synthetic"] = synthetic
    out.attrs["provenance"] = merge_provenance(population, projection, jobseekers)
    return out


_MONTHS_FI = ("tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu",
              "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu")


def month_span(first: str, last: str) -> str:
    """A period of StatFin months in Finnish words: ``"joulukuu 2024 – marraskuu 2025"``.

    Examples
    --------
    >>> month_span("2024M12", "2025M11")
    'joulukuu 2024 – marraskuu 2025'
    >>> month_span("2023M01", "2023M10")
    'tammikuu–lokakuu 2023'
    """
    def parts(code: str) -> tuple[int, str]:
        match = re.fullmatch(r"(\d{4})M(\d{2})", str(code))
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise InputError(f"month_span: {code!r} is not a StatFin month code such as '2023M10'")
        return int(match.group(1)), _MONTHS_FI[int(match.group(2)) - 1]

    (y0, m0), (y1, m1) = parts(first), parts(last)
    if (y0, m0) == (y1, m1):
        return f"{m0} {y0}"
    return f"{m0}–{m1} {y0}" if y0 == y1 else f"{m0} {y0} – {m1} {y1}"


def rank_regions(table: pd.DataFrame, column: str) -> pd.Series:
    """Rank of each region by ``column``, 1 = the largest value; the country and NaN get none.

    Ties share the best rank (``method="min"``), as published league tables do.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["MK01", "MK02", "SSS"], "v": [1.0, 3.0, 2.0]})
    >>> rank_regions(t, "v").tolist()
    [2.0, 1.0, nan]
    """
    _columns(table, ["area", column], "rank_regions")
    is_region = table["area"].astype(str).isin(list(REGIONS))
    values = table[column].where(is_region)
    return values.rank(ascending=False, method="min")


def default_peers(table: pd.DataFrame, region: str, n: int = 4,
                  configured: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The regions to compare ``region`` with: the configured list, else the ``n`` closest in size.

    Parameters
    ----------
    table : DataFrame
        :func:`regional_indicators` (uses ``population``).
    region : str
        The study's region.
    n : int
        How many peers when none are configured.
    configured : mapping, optional
        Region → peer regions (``data/peers.yaml``); a configured list wins.
    """
    if region not in REGIONS:
        raise InputError(f"default_peers: {region!r} is not a region code; use one of {', '.join(REGIONS)}")
    if configured and region in configured:
        peers = [str(p) for p in configured[region]]
        unknown = [p for p in peers if p not in REGIONS or p == region]
        if unknown:
            raise InputError(f"peer regions of {region}: {', '.join(unknown)} are not other region codes; "
                             f"use codes from {', '.join(REGIONS)}")
        return peers
    sizes = table.set_index(table["area"].astype(str))["population"]
    if region not in sizes.index:
        raise InputError(f"default_peers: the indicator table has no row for {region}")
    others = sizes[[a for a in sizes.index if a in REGIONS and a != region]].dropna()
    order = (others - sizes[region]).abs().sort_values(kind="mergesort")
    return list(order.index[:n])


def peer_comparison(table: pd.DataFrame, region: str, peers: Sequence[str]) -> pd.DataFrame:
    """The headline indicators of ``region``, its ``peers`` and the whole country side by side.

    Returns
    -------
    DataFrame
        The rows of ``region``, the ``peers`` and the country of :func:`indicator_table` (same
        columns and rounding), in that order.
    """
    _columns(table, ["area", "area_name"], "peer_comparison")
    areas = [region, *peers, COUNTRY]
    codes = table["area"].astype(str).tolist()
    missing = [a for a in areas if a not in codes]
    if missing:
        raise InputError(f"peer_comparison: no indicator row for {', '.join(missing)}")
    published = indicator_table(table)
    out = published.iloc[[codes.index(a) for a in areas]].reset_index(drop=True)
    out.attrs = dict(published.attrs)
    return out


def region_ranks(table: pd.DataFrame, region: str) -> pd.DataFrame:
    """The place of ``region`` among the 19 regions for each published indicator.

    Returns
    -------
    DataFrame
        ``Tunnusluku``, ``Ajanjakso``, ``Sija`` (1–19, integers) and ``Sija 1 tarkoittaa``.
    """
    _columns(table, ["area"], "region_ranks")
    if region not in table["area"].astype(str).tolist():
        raise InputError(f"region_ranks: no indicator row for {region!r}")
    periods = table.attrs.get("periods", {})
    rows = []
    for column in published_columns(table):
        ranks = rank_regions(table, column)
        ranks.index = table["area"].astype(str)
        ind = _BY_COLUMN[column]
        rows.append({"Tunnusluku": ind.name, "Ajanjakso": periods.get(column, ""),
                     "Sija": int(ranks[region]), "Sija 1 tarkoittaa": ind.rank_one})
    out = pd.DataFrame(rows)
    out.attrs["provenance"] = table.attrs.get("provenance")
    return out


def published_columns(table: pd.DataFrame) -> list[str]:
    """The indicator columns published together: those with data, of the same kind as population.

    A published table never mixes real statistics with example data: an indicator whose data is
    of the other kind than the population figures (real or example) is left out of the table and
    of the findings until its data is of the same kind.
    """
    synthetic = table.attrs.get("synthetic", {})
    base = synthetic.get("population", False)
    return [i.column for i in INDICATORS
            if i.column in table.columns and not table[i.column].isna().all()
            and synthetic.get(i.column, base) == base]


def indicator_table(table: pd.DataFrame) -> pd.DataFrame:
    """The headline indicator table as published: Finnish headers with periods, rounded values.

    The regions in code order, then the whole country; each indicator rounded to its decimals
    (the findings state these rounded values). Only :func:`published_columns`.

    Returns
    -------
    DataFrame
        ``Alue`` and one column per indicator named ``"<name> <period>"``.
    """
    _columns(table, ["area", "area_name"], "indicator_table")
    periods = table.attrs.get("periods", {})
    out = pd.DataFrame({"Alue": table["area_name"].astype(str).to_numpy()})
    decimals = {}
    for column in published_columns(table):
        ind = _BY_COLUMN[column]
        header = f"{ind.name} {periods.get(column, '')}".strip()
        out[header] = table[column].round(ind.decimals).to_numpy()
        decimals[header] = ind.decimals
    out.attrs["provenance"] = table.attrs.get("provenance")
    out.attrs["decimals"] = decimals
    return out


# ---------------------------------------------------------------------------------------------
# findings in Finnish
# ---------------------------------------------------------------------------------------------
def _rank_text(rank: float, ind: Indicator) -> str:
    return f"sija {int(rank)}/{len(REGIONS)} maakuntien vertailussa (1 = {ind.rank_one})"


def key_findings(table: pd.DataFrame, region: str, *, cites: str = "tbl-tunnusluvut") -> pd.DataFrame:
    """Key findings about ``region`` as Finnish sentences, each with the numbers it states.

    Every number in a sentence is a value of the region's or the country's row of ``table``
    (rounded to the indicator's decimals), a rank from :func:`rank_regions`, the number of
    regions, or a year of the indicator's period. Indicators missing from the data give no
    finding.

    Parameters
    ----------
    table : DataFrame
        :func:`regional_indicators`.
    region : str
        The study's region (``MKxx``).
    cites : str
        Label of the published table the sentences cite.

    Returns
    -------
    DataFrame
        ``topic`` (the chapter the finding belongs to: ``vaesto`` or ``kohtaanto``),
        ``indicator`` (column), ``text``, ``value``, ``country``, ``rank``, ``period``,
        ``synthetic``, ``cites``; in the order of :data:`INDICATORS`.
    """
    _columns(table, ["area", "area_name"], "key_findings")
    indexed = table.set_index(table["area"].astype(str))
    if region not in indexed.index:
        raise InputError(f"key_findings: the indicator table has no row for {region!r}")
    name = genitive(region)
    periods, synthetic = table.attrs.get("periods", {}), table.attrs.get("synthetic", {})
    rows = []

    published = published_columns(table)
    # Each indicator's rank is computed once: the sentence states it and the row records it.
    place = {column: rank_regions(table, column).set_axis(table["area"].astype(str)).get(region)
             for column in published}

    def add(topic: str, column: str, text: str) -> None:
        ind = _BY_COLUMN[column]
        rows.append({"topic": topic, "indicator": column, "text": text,
                     "value": round(float(indexed.loc[region, column]), ind.decimals),
                     "country": round(float(indexed.loc[COUNTRY, column]), ind.decimals)
                     if COUNTRY in indexed.index else np.nan,
                     "rank": place[column], "period": periods.get(column, ""),
                     "synthetic": bool(synthetic.get(column, False)), "cites": cites})

    def have(column: str) -> bool:
        return column in published and not pd.isna(indexed.loc[region, column])

    def val(column: str, area: str = region) -> str:
        return format_number(float(indexed.loc[area, column]), _BY_COLUMN[column].decimals)

    def rank(column: str) -> str:
        return _rank_text(place[column], _BY_COLUMN[column])

    country = COUNTRY in indexed.index
    if have("population") and have("population_change_pct"):
        change = float(indexed.loc[region, "population_change_pct"])
        verb = "kasvoi" if round(change, 1) > 0 else "väheni" if round(change, 1) < 0 else "pysyi ennallaan"
        amount = f" {format_number(abs(change), 1)} %" if verb != "pysyi ennallaan" else ""
        text = (f"{name} väkiluku oli {val('population')} vuonna {periods['population']}. "
                f"Vuosina {periods['population_change_pct']} väkiluku {verb}{amount}"
                + (f" (koko maa {val('population_change_pct', COUNTRY)} %)" if country else "")
                + f"; {rank('population_change_pct')}.")
        add("vaesto", "population_change_pct", text)
    if have("share_65_plus"):
        text = (f"Yli 64-vuotiaita oli {val('share_65_plus')} % väestöstä vuonna {periods['share_65_plus']}"
                + (f" (koko maa {val('share_65_plus', COUNTRY)} %)" if country else "")
                + f"; {rank('share_65_plus')}.")
        add("vaesto", "share_65_plus", text)
    if have("dependency"):
        text = (f"Väestöllinen huoltosuhde oli {val('dependency')} vuonna {periods['dependency']}, eli sataa "
                f"15–64-vuotiasta kohden oli {val('dependency')} alle 15-vuotiasta tai yli 64-vuotiasta"
                + (f" (koko maa {val('dependency', COUNTRY)})" if country else "")
                + f"; {rank('dependency')}.")
        add("vaesto", "dependency", text)
    if have("projection_change_pct"):
        change = float(indexed.loc[region, "projection_change_pct"])
        verb = "kasvaa" if round(change, 1) > 0 else "vähenee" if round(change, 1) < 0 else "pysyy ennallaan"
        amount = f" {format_number(abs(change), 1)} %" if verb != "pysyy ennallaan" else ""
        text = (f"Väestöennusteen mukaan {name} väkiluku {verb}{amount} vuosina "
                f"{periods['projection_change_pct']}"
                + (f" (koko maa {val('projection_change_pct', COUNTRY)} %)" if country else "")
                + f"; {rank('projection_change_pct')}.")
        add("vaesto", "projection_change_pct", text)
    if have("unemployment_rate"):
        text = (f"Työttömien työnhakijoiden osuus työvoimasta oli keskimäärin {val('unemployment_rate')} % "
                f"({periods['unemployment_rate']}"
                + (f"; koko maa {val('unemployment_rate', COUNTRY)} %" if country else "") + ")"
                + f"; {rank('unemployment_rate')}.")
        add("kohtaanto", "unemployment_rate", text)
    if have("tightness"):
        text = (f"Avoimia työpaikkoja oli keskimäärin {val('tightness')} yhtä työtöntä työnhakijaa kohden "
                f"({periods['tightness']}"
                + (f"; koko maa {val('tightness', COUNTRY)}" if country else "") + ")"
                + f"; {rank('tightness')}.")
        add("kohtaanto", "tightness", text)
    out = pd.DataFrame(rows, columns=["topic", "indicator", "text", "value", "country", "rank", "period",
                                      "synthetic", "cites"])
    out.attrs["provenance"] = table.attrs.get("provenance")
    return out


#: How the education findings name the levels of education (``level`` of the education frame).
_LEVEL_DEGREES = {"ammatillinen": "Ammatillisia tutkintoja", "amk": "Ammattikorkeakoulututkintoja",
                  "yliopisto": "Yliopistotutkintoja"}


def education_findings(table: pd.DataFrame, region: str, *, levels: Sequence[str] = (),
                       cites: str = "tbl-koulutus-aloittain") -> pd.DataFrame:
    """Key findings of the education chapter as Finnish sentences, numbers from ``table``.

    Every number in a sentence is one cell of ``table`` (counts, published without decimals)
    or its year; ``cells`` lists the ``(field, column)`` of each number in the order the
    sentence states them, so a reader (and the tests) can find them in the cited table.

    Parameters
    ----------
    table : DataFrame
        :func:`punos_lib.analysis.education.education_table` of the region (``field``,
        ``field_name``, ``<measure>: <level>`` and ``yhteensä: <measure>`` columns;
        ``attrs["year"]``, ``attrs["provenance"]``).
    region : str
        The study's region (``MKxx``), named in the first sentence.
    levels : sequence of str
        The levels of education the data covers (``attrs["levels"]`` of the education frame);
        a level without degrees in the region gets a sentence saying so.
    cites : str
        Label of the published table.

    Returns
    -------
    DataFrame
        ``topic`` (``koulutus``), ``indicator``, ``text``, ``value``, ``cells``, ``period``,
        ``synthetic``, ``cites``.
    """
    _columns(table, ["field", "field_name", "yhteensä: uudet_opiskelijat", "yhteensä: tutkinnot"],
             "education_findings")
    year = table.attrs.get("year")
    synthetic = bool((table.attrs.get("provenance") or {}).get("synthetic", False))
    rows: list[dict[str, Any]] = []

    def add(indicator: str, text: str, cells: list[tuple[str, str]]) -> None:
        rows.append({"topic": "koulutus", "indicator": indicator, "text": text,
                     "value": float(indexed.loc[cells[0][0], cells[0][1]]) if cells else np.nan,
                     "cells": cells, "period": str(year), "synthetic": synthetic, "cites": cites})

    indexed = table.set_index(table["field"].astype(str))

    def top(column: str, n: int = 1) -> list[str]:
        values = pd.to_numeric(indexed[column], errors="coerce").round(0)
        values = values[values > 0]
        return values.sort_values(ascending=False, kind="stable").index[:n].tolist()

    def num(field: str, column: str) -> str:
        return format_number(float(indexed.loc[field, column]), 0)

    def name(field: str) -> str:
        return str(indexed.loc[field, "field_name"])

    entrants = top("yhteensä: uudet_opiskelijat", 2)
    if entrants:
        column = "yhteensä: uudet_opiskelijat"
        text = (f"{genitive(region)} alueella annetussa koulutuksessa aloitti vuonna {year} eniten uusia "
                f"opiskelijoita koulutusalalla {name(entrants[0])} ({num(entrants[0], column)})")
        if len(entrants) > 1:
            text += f" ja toiseksi eniten alalla {name(entrants[1])} ({num(entrants[1], column)})"
        add("entrants", text + ".", [(f, column) for f in entrants])
    degrees = top("yhteensä: tutkinnot")
    if degrees:
        column = "yhteensä: tutkinnot"
        add("degrees", f"Tutkintoja suoritettiin vuonna {year} eniten alalla {name(degrees[0])} "
                       f"({num(degrees[0], column)}).", [(degrees[0], column)])
    for level in ("amk", "yliopisto", "ammatillinen"):
        if level not in levels and f"tutkinnot: {level}" not in indexed.columns:
            continue
        words = _LEVEL_DEGREES[level]
        column = f"tutkinnot: {level}"
        best = top(column) if column in indexed.columns else []
        if best:
            add(f"degrees_{level}", f"{words} suoritettiin eniten alalla {name(best[0])} "
                                    f"({num(best[0], column)}).", [(best[0], column)])
        else:
            add(f"degrees_{level}", f"{words} ei alueella suoritettu vuonna {year}.", [])
    if levels and "ammatillinen" not in levels:
        add("coverage", "Ammatillisen koulutuksen tiedot puuttuvat, joten luvut kattavat vain korkeakoulut.", [])
    out = pd.DataFrame(rows, columns=["topic", "indicator", "text", "value", "cells", "period", "synthetic",
                                      "cites"])
    out.attrs["provenance"] = table.attrs.get("provenance")
    return out


def findings_markdown(findings: pd.DataFrame, *, topic: str | None = None) -> str:
    """The findings as a Markdown list: one bullet per finding, example data marked.

    Each bullet ends with a cross-reference to the table it cites, which both renderers turn
    into a numbered link. The chapter gives the frame (e.g. a "Keskeiset havainnot" callout).
    """
    _columns(findings, ["topic", "text", "synthetic", "cites"], "findings_markdown")
    rows = findings if topic is None else findings[findings["topic"] == topic]
    if rows.empty:
        return "Aineistosta ei voitu laskea havaintoja tähän lukuun."
    lines = []
    for _, row in rows.iterrows():
        mark = " *Esimerkkiaineisto, ei tilasto.*" if row["synthetic"] else ""
        lines.append(f"- {row['text']} (@{row['cites']}){mark}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# chapter boxes: economy (ch. 3) and occupations (ch. 4)
# ---------------------------------------------------------------------------------------------
_FINDING_COLUMNS = ["topic", "indicator", "text", "value", "country", "rank", "period", "synthetic", "cites"]


def _finding(topic: str, indicator: str, text: str, value: float, period: str, source: pd.DataFrame,
             cites: str, *, country: float = np.nan, rank: float = np.nan) -> dict[str, Any]:
    return {"topic": topic, "indicator": indicator, "text": text, "value": value, "country": country,
            "rank": rank, "period": period, "synthetic": bool(_synthetic(source)), "cites": cites}


def _findings_frame(rows: list[dict[str, Any]], *sources: Any) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=_FINDING_COLUMNS)
    out.attrs["provenance"] = merge_provenance(*sources)
    return out


def _change_verb(change: float, decimals: int) -> str:
    rounded = round(change, decimals)
    return "kasvoi" if rounded > 0 else "väheni" if rounded < 0 else "pysyi ennallaan"


def _row(frame: pd.DataFrame, column: str, code: str) -> pd.Series:
    hit = frame[frame[column].astype(str) == code]
    if hit.empty:
        raise InputError(f"findings: no row {code!r} in column {column!r} of the table the finding cites")
    return hit.iloc[0]


def _top(frame: pd.DataFrame, column: str, *, largest: bool = True) -> pd.Series | None:
    """The row with the largest (or smallest) ``column``, first in table order on ties; None if all NaN."""
    known = frame.dropna(subset=[column])
    if known.empty:
        return None
    return known.sort_values(column, ascending=not largest, kind="mergesort").iloc[0]


def economy_findings(
    region: str,
    *,
    jobs_by_region: pd.DataFrame,
    structure: pd.DataFrame,
    location_quotients: pd.DataFrame,
    shift_share: pd.DataFrame,
    self_sufficiency: pd.DataFrame | None = None,
    cites: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The key findings of chapter 3 (Elinkeinorakenne) about ``region``, in Finnish.

    Each sentence states values of one row of the table it cites, rounded as stated: jobs and
    their change with the rank among the 19 regions (:func:`punos_lib.analysis.economy.jobs_by_region`),
    the largest industry section (``industry_structure``), the highest location quotient
    (``location_quotients``), the regional component of the shift-share (``shift_share_by_section``)
    and job self-sufficiency (``self_sufficiency_table``, when given).

    Parameters
    ----------
    region : str
        The study's region (``MKxx``).
    jobs_by_region, structure, location_quotients, shift_share, self_sufficiency : DataFrame
        The chapter's tables, as the notebook shows them.
    cites : mapping, optional
        Table → label it is published under; keys ``jobs_by_region``, ``structure``,
        ``location_quotients``, ``shift_share``, ``self_sufficiency``. The defaults are the
        labels of ``notebooks/economy.ipynb``.

    Returns
    -------
    DataFrame
        The columns of :func:`key_findings` (``topic`` is ``elinkeino``); ``synthetic`` per
        finding from the cited table's provenance.
    """
    labels = {"jobs_by_region": "tbl-tyopaikat-maakunnat", "structure": "tbl-toimialarakenne",
              "location_quotients": "tbl-sijaintiosamaarat", "shift_share": "tbl-muutososituslaskelma",
              "self_sufficiency": "tbl-omavaraisuus", **(cites or {})}
    name = genitive(region)
    rows: list[dict[str, Any]] = []

    _columns(jobs_by_region, ["area", "jobs_end", "change_pct", "rank"], "economy_findings (jobs_by_region)")
    own = _row(jobs_by_region, "area", region)
    start, end = jobs_by_region.attrs.get("start"), jobs_by_region.attrs.get("end")
    if not pd.isna(own["jobs_end"]) and not pd.isna(own["change_pct"]):
        verb = _change_verb(float(own["change_pct"]), 1)
        amount = f" {format_number(abs(float(own['change_pct'])), 1)} %" if verb != "pysyi ennallaan" else ""
        country = jobs_by_region[jobs_by_region["area"].astype(str) == COUNTRY]
        text = (f"{name} alueella oli {format_number(float(own['jobs_end']))} työpaikkaa vuonna {end}. "
                f"Vuosina {start}–{end} työpaikkojen määrä {verb}{amount}"
                + (f" (koko maa {format_number(float(country['change_pct'].iloc[0]), 1)} %)" if len(country) else "")
                + f"; sija {int(own['rank'])}/{len(REGIONS)} maakuntien vertailussa (1 = suurin kasvu).")
        rows.append(_finding("elinkeino", "jobs_change_pct", text, round(float(own["change_pct"]), 1),
                             f"{start}–{end}", jobs_by_region, labels["jobs_by_region"],
                             country=round(float(country["change_pct"].iloc[0]), 1) if len(country) else np.nan,
                             rank=float(own["rank"])))

    _columns(structure, ["section", "section_name", "jobs", "region_share", "country_share"],
             "economy_findings (structure)")
    top = _top(structure[structure["section"].astype(str) != "X"], "jobs")
    if top is not None:
        year = structure.attrs.get("year", "")
        text = (f"Eniten työpaikkoja oli toimialalla {top['section_name'].lower()}: "
                f"{format_number(float(top['jobs']))} työpaikkaa eli {format_number(float(top['region_share']), 1)} % "
                f"alueen työpaikoista vuonna {year} (koko maa {format_number(float(top['country_share']), 1)} %).")
        rows.append(_finding("elinkeino", "largest_section", text, round(float(top["region_share"]), 1),
                             str(year), structure, labels["structure"],
                             country=round(float(top["country_share"]), 1)))

    _columns(location_quotients, ["industry_name", "jobs", "region_share", "country_share", "location_quotient"],
             "economy_findings (location_quotients)")
    top = _top(location_quotients, "location_quotient")
    if top is not None:
        year = location_quotients.attrs.get("year", "")
        text = (f"Suhteellisesti eniten alue on erikoistunut toimialaan {top['industry_name'].lower()}: "
                f"sen osuus työpaikoista oli {format_number(float(top['region_share']), 1)} % alueella ja "
                f"{format_number(float(top['country_share']), 1)} % koko maassa vuonna {year}, eli "
                f"sijaintiosamäärä oli {format_number(float(top['location_quotient']), 2)} "
                f"({format_number(float(top['jobs']))} työpaikkaa).")
        rows.append(_finding("elinkeino", "top_location_quotient", text,
                             round(float(top["location_quotient"]), 2), str(year), location_quotients,
                             labels["location_quotients"]))

    _columns(shift_share, ["section", "section_name", "regional", "total"], "economy_findings (shift_share)")
    total = shift_share[shift_share["section"].astype(str) == "Yhteensä"]
    parts = shift_share[shift_share["section"].astype(str) != "Yhteensä"]
    high, low = _top(parts, "regional"), _top(parts, "regional", largest=False)
    if len(total) and high is not None and low is not None:
        regional = float(total["regional"].iloc[0])
        s0, s1 = shift_share.attrs.get("start", ""), shift_share.attrs.get("end", "")
        if round(regional) == 0:
            text = (f"Vuosina {s0}–{s1} alueen työpaikat kehittyivät kokonaisuutena koko maan toimialojen "
                    f"tahtia (alueellinen osuus 0).")
        else:
            side = "enemmän" if regional > 0 else "vähemmän"
            text = (f"Vuosina {s0}–{s1} alueelle syntyi {format_number(abs(regional))} työpaikkaa {side} kuin "
                    f"jos jokainen toimiala olisi kehittynyt koko maan tahtia (alueellinen osuus).")
        best = (f"suurin toimialalla {high['section_name'].lower()} ({format_number(float(high['regional']))})"
                if round(float(high["regional"])) > 0 else "")
        worst = (f"pienin toimialalla {low['section_name'].lower()} ({format_number(float(low['regional']))})"
                 if round(float(low["regional"])) < 0 else "")
        if best or worst:
            text += f" Alueellinen osuus oli {' ja '.join(t for t in (best, worst) if t)}."
        rows.append(_finding("elinkeino", "regional_shift", text, round(regional), f"{s0}–{s1}", shift_share,
                             labels["shift_share"]))

    if self_sufficiency is not None:
        _columns(self_sufficiency, ["area", "area_name", "self_sufficiency"], "economy_findings (self_sufficiency)")
        areas = self_sufficiency["area"].astype(str)
        mine = self_sufficiency[areas == region]
        top = _top(self_sufficiency[areas.str.startswith("KU")], "self_sufficiency")
        if len(mine) and not pd.isna(mine["self_sufficiency"].iloc[0]):
            value = float(mine["self_sufficiency"].iloc[0])
            year = self_sufficiency.attrs.get("year", "")
            text = (f"Alueella oli {format_number(value)} työpaikkaa sataa alueella asuvaa työllistä kohden "
                    f"vuonna {year} (työpaikkaomavaraisuus, koko maa 100)")
            if top is not None:
                text += (f"; kunnista omavaraisin oli {top['area_name']} "
                         f"({format_number(float(top['self_sufficiency']))})")
            rows.append(_finding("elinkeino", "self_sufficiency", text + ".", round(value), str(year),
                                 self_sufficiency, labels["self_sufficiency"], country=100.0))
    return _findings_frame(rows, jobs_by_region, structure, location_quotients, shift_share, self_sufficiency)


def occupation_findings(
    region: str,
    *,
    structure: pd.DataFrame,
    groups: pd.DataFrame,
    aged: pd.DataFrame,
    openings: pd.DataFrame,
    sector_openings: pd.DataFrame | None = None,
    cites: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The key findings of chapter 4 (Ammattirakenne ja poistuma) about ``region``, in Finnish.

    Each sentence states values of one row of the table (or figure data) it cites: the major
    group most over-represented against the country (``occupation_structure`` level 1), the
    largest occupation group (level 2), the group with the highest share aged 55+
    (``aged_55_plus``, with whether the ages are the region's or the country's), the largest
    job openings (``openings_by_occupation``) and, when given, the focus sector with the most
    openings (``openings_by_sector``).

    Parameters
    ----------
    region : str
        The study's region (``MKxx``).
    structure, groups, aged, openings, sector_openings : DataFrame
        The chapter's tables, as the notebook shows them.
    cites : mapping, optional
        Table → label; keys ``structure``, ``groups``, ``aged``, ``openings``, ``sector_openings``.
        Defaults: the labels of ``notebooks/occupations.ipynb``.

    Returns
    -------
    DataFrame
        The columns of :func:`key_findings` (``topic`` is ``ammatit``).
    """
    labels = {"structure": "fig-ammattirakenne", "groups": "tbl-ammattiryhmat", "aged": "fig-ikaantyneet",
              "openings": "tbl-tyovoimatarve", "sector_openings": "tbl-tyovoimatarve-aloittain", **(cites or {})}
    name = genitive(region)
    rows: list[dict[str, Any]] = []
    need = ["occupation", "occupation_name", "employed", "region_share", "country_share", "difference"]

    _columns(structure, need, "occupation_findings (structure)")
    top = _top(structure, "difference")
    if top is not None:
        year = structure.attrs.get("year", "")
        text = (f"Koko maahan verrattuna {name} työllisissä oli eniten ammattien pääryhmää "
                f"{top['occupation_name'].lower()}: {format_number(float(top['region_share']), 1)} % työllisistä "
                f"vuonna {year} (koko maa {format_number(float(top['country_share']), 1)} %).")
        rows.append(_finding("ammatit", "overrepresented_group", text, round(float(top["region_share"]), 1),
                             str(year), structure, labels["structure"], country=round(float(top["country_share"]), 1)))

    _columns(groups, need, "occupation_findings (groups)")
    top = _top(groups, "employed")
    if top is not None:
        year = groups.attrs.get("year", "")
        text = (f"Suurin ammattiryhmä oli {top['occupation_name'].lower()}: {format_number(float(top['employed']))} "
                f"työllistä eli {format_number(float(top['region_share']), 1)} % alueen työllisistä vuonna {year} "
                f"(koko maa {format_number(float(top['country_share']), 1)} %).")
        rows.append(_finding("ammatit", "largest_group", text, round(float(top["employed"])), str(year), groups,
                             labels["groups"], country=round(float(top["country_share"]), 1)))

    _columns(aged, ["occupation_name", "employed", "aged_55_plus", "share_aged_55_plus", "basis"],
             "occupation_findings (aged)")
    top = _top(aged, "share_aged_55_plus")
    if top is not None:
        basis = ("alueen omasta ikärakenteesta" if str(top["basis"]) == "maakunta"
                 else "koko maan ikärakenteesta, koska alueen ikätietoa ei ole tuotu")
        text = (f"55 vuotta täyttäneiden osuus oli suurin ryhmässä {top['occupation_name'].lower()}: "
                f"{format_number(float(top['share_aged_55_plus']), 1)} % eli "
                f"{format_number(float(top['aged_55_plus']))} työllistä, jotka siirtyvät pääosin eläkkeelle "
                f"seuraavan kymmenen vuoden aikana (osuus on laskettu {basis}).")
        rows.append(_finding("ammatit", "highest_55_plus", text, round(float(top["share_aged_55_plus"]), 1), "",
                             aged, labels["aged"]))

    _columns(openings, ["occupation_name", "expansion", "replacement", "openings_per_year"],
             "occupation_findings (openings)")
    top = _top(openings, "openings_per_year")
    if top is not None:
        s0, s1 = openings.attrs.get("start_year"), openings.attrs.get("end_year")
        period = f"{int(s0) + 1}–{s1}" if s0 is not None else ""
        expansion = float(top["expansion"])
        text = (f"Työvoimatarve on arvion mukaan suurin ryhmässä {top['occupation_name'].lower()}: "
                f"{format_number(float(top['openings_per_year']))} avautuvaa työpaikkaa vuodessa vuosina {period}. "
                f"Kymmenessä vuodessa poistuvien tilalle tarvitaan {format_number(float(top['replacement']))} "
                f"tekijää, ja työllisten määrän trendi {'lisää' if round(expansion) > 0 else 'vähentää'} "
                f"tarvetta {format_number(abs(expansion))} tekijällä.")
        if round(expansion) == 0:
            text = (f"Työvoimatarve on arvion mukaan suurin ryhmässä {top['occupation_name'].lower()}: "
                    f"{format_number(float(top['openings_per_year']))} avautuvaa työpaikkaa vuodessa vuosina "
                    f"{period}, lähes kokonaan poistuvien tilalle ({format_number(float(top['replacement']))} "
                    f"kymmenessä vuodessa).")
        rows.append(_finding("ammatit", "largest_openings", text, round(float(top["openings_per_year"])), period,
                             openings, labels["openings"]))

    if sector_openings is not None:
        _columns(sector_openings, ["sector_name", "openings_per_year"], "occupation_findings (sector_openings)")
        top = _top(sector_openings, "openings_per_year")
        if top is not None:
            upper = "yläraja" in str(top.get("precision", ""))
            text = (f"Painopistealoista työvoimatarve on suurin alalla {top['sector_name'].lower()}: "
                    f"{format_number(float(top['openings_per_year']))} avautuvaa työpaikkaa vuodessa alan "
                    f"keskeisissä ammateissa"
                    + (" (yläraja, koska osa ammateista on tilastossa vain laajempana ryhmänä)." if upper else "."))
            rows.append(_finding("ammatit", "largest_sector_openings", text,
                                 round(float(top["openings_per_year"])), "", sector_openings,
                                 labels["sector_openings"]))
    return _findings_frame(rows, structure, groups, aged, openings, sector_openings)

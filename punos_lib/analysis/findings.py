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
    "findings_markdown",
    "indicator_table",
    "published_columns",
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

"""Chapter 3 (Elinkeinorakenne): industry structure, location quotients, shift-share, jobs.

TOL 2008 sections and divisions (:data:`TOL_SECTIONS`, :func:`tol_section`,
:func:`industries_to_sections`), the industry structure and its trend, location quotients,
shift-share by section, the focus sectors' jobs and job self-sufficiency with commuting. The
whole country is always the ``SSS`` rows (the regions of StatFin's employment tables do not add
up to the country); missing (suppressed) cells propagate as NaN through sums.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from punos_lib import indicators
from punos_lib.analysis._common import (
    area_name, area_rows, as_float, carry, classification_names, code_label, pct, require_columns,
    resolve_year,
)
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY, REGIONS

__all__ = [
    "TOL_SECTIONS",
    "tol_section",
    "industries_to_sections",
    "industry_structure",
    "jobs_trend",
    "jobs_by_region",
    "location_quotients",
    "top_bottom",
    "shift_share_by_section",
    "sector_jobs",
    "self_sufficiency_table",
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
    names = classification_names("tol2008", lang)
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
    require_columns(frame, [industry, value], "industries_to_sections")
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
    rows[value] = as_float(rows[value])
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
    return carry(grouped, frame)


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
    require_columns(jobs, ["area", "industry", "year", "jobs"], "industry_structure")
    chosen = resolve_year(jobs, year)
    now = jobs[jobs["year"] == chosen]
    area_rows(now, region, "industry_structure")
    area_rows(now, COUNTRY, "industry_structure")
    sections = industries_to_sections(now[now["area"].astype(str).isin([region, COUNTRY])])
    wide = sections.pivot_table(index=["section", "section_name"], columns="area", values="jobs",
                                aggfunc="sum", sort=False).reset_index()
    wide.columns.name = None
    out = pd.DataFrame({
        "section": wide["section"],
        "section_name": wide["section_name"],
        "label": [code_label(c, n) for c, n in zip(wide["section"], wide["section_name"])],
        "jobs": wide[region],
        "region_share": pct(wide[region], wide[region].sum()),
        "country_share": pct(wide[COUNTRY], wide[COUNTRY].sum()),
    })
    carry(out, jobs)
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
    require_columns(jobs, ["area", "area_name", "industry", "year", "jobs"], "jobs_trend")
    frame = jobs[jobs["area"].astype(str).isin([region, COUNTRY])].copy()
    area_rows(frame, region, "jobs_trend")
    area_rows(frame, COUNTRY, "jobs_trend")
    frame["jobs"] = as_float(frame["jobs"])
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
    totals.insert(1, "area_name", totals["area"].map(lambda a: area_name(frame, a)))
    totals["_order"] = (totals["area"] != region).astype(int)
    out = totals.sort_values(["_order", "year"], kind="stable").drop(columns="_order").reset_index(drop=True)
    carry(out, jobs)
    out.attrs["base_year"] = base
    return out


def jobs_by_region(jobs: pd.DataFrame, *, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Jobs of the 19 regions and the whole country at the start and end of a period, ranked.

    Parameters
    ----------
    jobs : DataFrame
        :func:`punos_lib.datasets.jobs_by_industry` with the regions (``MKxx``) and ``SSS``.
    start, end : int, optional
        Default the first and the latest year of the data.

    Returns
    -------
    DataFrame
        ``area``, ``area_name``, ``jobs_start``, ``jobs_end``, ``change``, ``change_pct``,
        ``rank`` (1 = the largest percentage change among the regions; ties share the best
        rank; none for the country); the regions in code order, then ``SSS``. ``attrs``:
        ``start``, ``end``, ``provenance``.

    Examples
    --------
    >>> j = pd.DataFrame({"area": ["MK01", "MK01", "MK02", "MK02", "SSS", "SSS"],
    ...                   "area_name": ["A", "A", "B", "B", "Koko maa", "Koko maa"],
    ...                   "industry": ["SSS"] * 6, "year": [2020, 2022] * 3,
    ...                   "jobs": [100, 110, 200, 190, 300, 300]})
    >>> jobs_by_region(j)[["area", "change_pct", "rank"]].values.tolist()
    [['MK01', 10.0, 1.0], ['MK02', -5.0, 2.0], ['SSS', 0.0, nan]]
    """
    require_columns(jobs, ["area", "area_name", "industry", "year", "jobs"], "jobs_by_region")
    frame = jobs[jobs["area"].astype(str).isin([*REGIONS, COUNTRY])].copy()
    if frame.empty:
        raise InputError("jobs_by_region: the jobs frame has no regions (MKxx) or SSS")
    frame["jobs"] = as_float(frame["jobs"])
    totals = _all_industries(frame, "jobs")
    totals.index = totals.index.set_levels(totals.index.levels[0].astype(str), level=0)
    first = int(frame["year"].min()) if start is None else resolve_year(frame, start)
    last = resolve_year(frame, end)
    present = set(frame["area"].astype(str))
    areas = [a for a in [*REGIONS, COUNTRY] if a in present]
    out = pd.DataFrame({"area": areas, "area_name": [area_name(frame, a) for a in areas]})
    out["jobs_start"] = [float(totals.get((a, first), float("nan"))) for a in areas]
    out["jobs_end"] = [float(totals.get((a, last), float("nan"))) for a in areas]
    out["change"] = out["jobs_end"] - out["jobs_start"]
    out["change_pct"] = pct(out["change"], out["jobs_start"])
    out["rank"] = out["change_pct"].where(out["area"] != COUNTRY).rank(ascending=False, method="min")
    return carry(out, jobs, start=first, end=last)


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
    require_columns(jobs, ["area", "industry", "year", "jobs"], "location_quotients")
    chosen = resolve_year(jobs, year)
    now = jobs[jobs["year"] == chosen].copy()
    now["jobs"] = as_float(now["jobs"])
    totals = _all_industries(now, "jobs")
    divisions = _divisions(now)
    reg = area_rows(divisions, region, "location_quotients").set_index(
        divisions.loc[divisions["area"].astype(str) == region, "industry"].astype(str))
    nat = area_rows(divisions, COUNTRY, "location_quotients").set_index(
        divisions.loc[divisions["area"].astype(str) == COUNTRY, "industry"].astype(str))
    e_r = float(totals.loc[(region, chosen)])
    e = float(totals.loc[(COUNTRY, chosen)])
    lq = indicators.location_quotient(reg["jobs"], nat["jobs"], region_total=e_r, nation_total=e)
    names = reg["industry_name"].astype(str) if "industry_name" in reg.columns else reg.index.to_series()
    out = pd.DataFrame({
        "industry": reg.index.astype(str),
        "industry_name": names.to_numpy(),
        "label": [code_label(c, n) for c, n in zip(reg.index.astype(str), names.to_numpy())],
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
    carry(out, jobs, note=note)
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
    require_columns(frame, [column], "top_bottom")
    if n < 1:
        raise InputError(f"n must be at least 1, got {n}")
    known = frame[frame[column].notna()].sort_values(column, ascending=False, kind="stable")
    top = known.head(n).assign(group="Suurimmat")
    rest = known.iloc[len(top):]
    bottom = rest.tail(n).assign(group="Pienimmät")
    out = pd.concat([top, bottom]).reset_index(drop=True)
    return carry(out, frame, note=frame.attrs.get("note"))


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
    require_columns(jobs, ["area", "industry", "year", "jobs"], "shift_share_by_section")
    first = int(jobs["year"].min()) if start is None else resolve_year(jobs, start)
    last = resolve_year(jobs, end)
    if first >= last:
        raise InputError(f"start year {first} must be before end year {last}")
    frame = jobs[jobs["year"].isin([first, last]) & jobs["area"].astype(str).isin([region, COUNTRY])].copy()
    area_rows(frame, region, "shift_share_by_section")
    area_rows(frame, COUNTRY, "shift_share_by_section")
    frame["jobs"] = as_float(frame["jobs"])
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
    out.insert(2, "label", [code_label(c, n) for c, n in zip(out["section"], out["section_name"])])
    out.insert(3, "jobs_start", series[(region, first)].reindex(out["section"]).to_numpy())
    out.insert(4, "jobs_end", series[(region, last)].reindex(out["section"]).to_numpy())
    sums = out.drop(columns=["section", "section_name", "label"]).sum(min_count=1)
    total_row = {"section": "Yhteensä", "section_name": "Kaikki toimialat",
                 "label": "Kaikki toimialat", **sums.to_dict()}
    out = pd.concat([out, pd.DataFrame([total_row])], ignore_index=True)
    carry(out, jobs)
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
    require_columns(jobs, ["area", "industry", "year", "jobs"], "sector_jobs")
    chosen = resolve_year(jobs, year)
    first = int(jobs["year"].min())
    frame = jobs[jobs["area"].astype(str).isin([region, COUNTRY])].copy()
    area_rows(frame, region, "sector_jobs")
    area_rows(frame, COUNTRY, "sector_jobs")
    frame["jobs"] = as_float(frame["jobs"])
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
    carry(out, jobs)
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
    require_columns(self_sufficiency, cols, "self_sufficiency_table")
    chosen = resolve_year(self_sufficiency, year)
    now = self_sufficiency[self_sufficiency["year"] == chosen]
    parts = [area_rows(now, str(a), "self_sufficiency_table").head(1) for a in areas]
    out = pd.concat(parts, ignore_index=True)[[c for c in cols if c != "year"]].copy()
    for c in ("jobs", "employed_residents", "in_commuters", "out_commuters"):
        out[c] = as_float(out[c])
    out["self_sufficiency"] = indicators.workplace_self_sufficiency(
        out["jobs"], out["employed_residents"]).to_numpy()
    out["net_commuting"] = out["in_commuters"] - out["out_commuters"]
    out = out[["area", "area_name", "jobs", "employed_residents", "self_sufficiency",
               "in_commuters", "out_commuters", "net_commuting"]]
    carry(out, self_sufficiency)
    out.attrs["year"] = chosen
    return out

"""Chapter 6 (Koulutustarjonta): education supply by field and level, and against job openings.

The supply is :func:`punos_lib.datasets.education_supply` (Vipunen: new students and degrees by
Koulutusala 2016 field and level — higher education fetched from Vipunen's API, vocational
education imported by hand); it is compared with the sectors' job openings of
:func:`punos_lib.analysis.occupations.openings_by_sector`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.analysis._common import (
    area_rows, carry, code_labels, code_names, match_codes, match_precision, positive_int, require_columns,
    resolve_year,
)
from punos_lib.errors import InputError

__all__ = [
    "ENTRANTS",
    "DEGREES",
    "broad_fields",
    "coverage_text",
    "education_by_field",
    "education_table",
    "supply_vs_openings",
]


#: Measure codes of the education_supply import (Vipunen export, see data/datasets.yaml).
ENTRANTS = "uudet_opiskelijat"


DEGREES = "tutkinnot"


def coverage_text(education: pd.DataFrame) -> str:
    """One Finnish paragraph saying what the education figures rest on: statistics or example data.

    Read from the frame of :func:`punos_lib.datasets.education_supply`: its provenance (synthetic
    or not, the datasets used), ``attrs["levels"]``, ``attrs["left_out"]`` and its years.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": [2023, 2024], "level": ["amk", "amk"]})
    >>> frame.attrs = {"provenance": {"synthetic": True, "datasets": ["higher_education"]},
    ...                "levels": ["amk"], "left_out": []}
    >>> coverage_text(frame).startswith("Luvun kuviot ja taulukot perustuvat esimerkkiaineistoon")
    True
    """
    provenance = education.attrs.get("provenance") or {}
    used = list(provenance.get("datasets") or [])
    years = sorted(int(y) for y in pd.unique(education["year"])) if len(education) else []
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    if provenance.get("synthetic"):
        text = ("Luvun kuviot ja taulukot perustuvat esimerkkiaineistoon (Esimerkkiaineisto – ei todellisia "
                f"tilastoja), eivät todellisiin tilastoihin; vuodet {span}.")
    else:
        parts = []
        if "higher_education" in used:
            parts.append("korkeakoulujen luvut Vipusen avoimesta rajapinnasta")
        if "education_supply" in used:
            parts.append("ammatillisen koulutuksen luvut Vipusesta käsin tuodusta aineistosta")
        text = f"Luvun kuviot ja taulukot ovat tilastotietoa: {' ja '.join(parts)}; vuodet {span}."
    if "ammatillinen" not in (education.attrs.get("levels") or []):
        text += (" Ammatillisen koulutuksen alueellisia tietoja ei ole mukana"
                 + (" (käytettävissä on vain esimerkkiaineistoa, jota ei yhdistetä tilastotietoon)."
                    if "education_supply" in (education.attrs.get("left_out") or []) else "."))
    return text


def broad_fields(rows: pd.DataFrame, digits: int | None) -> pd.DataFrame:
    """``rows`` with ``field`` cut to its first ``digits`` characters (2 = the broad field of
    Koulutusala 2016) and ``field_name`` the name of that code; ``None`` keeps the codes.

    Higher education comes by detailed field and vocational education by broad field, so the
    chapter's tables put both on the broad field to compare like with like.
    """
    fields = rows["field"].astype(str)
    if digits is None:
        return rows.assign(field=fields)
    cut = fields.str[:digits]
    return rows.assign(field=cut, field_name=code_names("koulutusala2016", cut.tolist()))


def education_by_field(education: pd.DataFrame, region: str, *, measure: str,
                       year: int | None = None, digits: int | None = 2) -> pd.DataFrame:
    """New students or degrees in the region by field of education and level, one year.

    Parameters
    ----------
    education : DataFrame
        :func:`punos_lib.datasets.education_supply`.
    measure : str
        A value of the ``measure`` column (e.g. ``"uudet_opiskelijat"``, ``"tutkinnot"``).
    digits : int or None
        Fields summed to codes of this many digits (default 2, the broad field; see
        :func:`broad_fields`).

    Returns
    -------
    DataFrame
        ``field, field_name, level, value``; fields in code order, levels in order of first
        appearance. ``attrs``: ``year``, ``measure``.
    """
    require_columns(education, ["area", "year", "level", "field", "field_name", "measure", "value"],
                    "education_by_field")
    rows = area_rows(education, region, "education_by_field")
    measures = sorted(rows["measure"].astype(str).unique())
    if measure not in measures:
        raise InputError(
            f"education_by_field: measure {measure!r} is not in the data; it has "
            f"{', '.join(measures)}"
        )
    rows = rows[rows["measure"].astype(str) == measure]
    chosen = resolve_year(rows, year, what="education_by_field")
    now = broad_fields(rows[rows["year"] == chosen], digits)
    out = (now
           .groupby(["field", "level"], sort=False, observed=True)
           .agg(field_name=("field_name", "first"), value=("value", lambda s: s.sum(min_count=1)))
           .reset_index())
    out = out.sort_values("field", kind="stable").reset_index(drop=True)
    out = out[["field", "field_name", "level", "value"]]
    out["label"] = code_labels(out, "field", "field_name")
    return carry(out, education, year=chosen, measure=measure)


def education_table(education: pd.DataFrame, region: str, *,
                    year: int | None = None, digits: int | None = 2) -> pd.DataFrame:
    """New students and degrees in the region by field, one column per level and measure.

    Fields are summed to codes of ``digits`` digits (default 2, the broad field; see
    :func:`broad_fields`).

    Returns
    -------
    DataFrame
        ``field, field_name`` and a column ``"<measure>: <level>"`` for every measure and level
        (e.g. ``"uudet_opiskelijat: amk"``), then ``total: <measure>`` columns; fields in code
        order. ``attrs["year"]``.
    """
    require_columns(education, ["area", "year", "level", "field", "field_name", "measure", "value"],
                    "education_table")
    rows = area_rows(education, region, "education_table")
    chosen = resolve_year(rows, year, what="education_table")
    now = broad_fields(rows[rows["year"] == chosen], digits)
    names = now.groupby("field")["field_name"].first()
    cells = now.groupby(["field", "measure", "level"], sort=False)["value"].sum(min_count=1)
    wide = cells.unstack(["measure", "level"])
    wide.columns = [f"{m}: {lvl}" for m, lvl in wide.columns]
    totals = now.groupby(["field", "measure"])["value"].sum(min_count=1).unstack("measure")
    totals.columns = [f"yhteensä: {m}" for m in totals.columns]
    out = pd.concat([wide, totals], axis=1).sort_index()
    out.insert(0, "field_name", names.reindex(out.index))
    out = out.reset_index().rename(columns={"index": "field"})
    out["label"] = code_labels(out, "field", "field_name")
    return carry(out, education, year=chosen)


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
    require_columns(education, ["area", "year", "field", "measure", "value"], "supply_vs_openings")
    require_columns(openings, ["sector", "openings_per_year"], "supply_vs_openings (openings)")
    years = positive_int("years", years)
    rows = area_rows(education, region, "supply_vs_openings")
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
            "field_precision": match_precision(matches),
            "precision": precision.get(sid, "–"),
        })
    return carry(pd.DataFrame(out_rows), education, openings,
                 years=(last_years[0], last_years[-1]), measure=measure)

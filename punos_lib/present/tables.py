"""Tables for display in the study: Finnish headings and rounding of the analysis frames.

:func:`for_display` turns a frame of :mod:`punos_lib.analysis` into the table a reader sees:
known column names (``jobs``, ``change_pct`` …) become Finnish headings (:data:`HEADINGS`, or
:data:`LABOUR_HEADINGS` for chapters 4–6), plain code values get their Finnish words, and floats
are rounded. The frame written next to the study as CSV/XLSX is the analysis frame itself
(``data=`` of :meth:`punos_lib.study.Study.show`), so the published data keeps full precision.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from punos_lib.errors import InputError

__all__ = ["HEADINGS", "LABOUR_HEADINGS", "VALUE_WORDS", "for_display"]


#: Finnish headings of the analysis frames' columns, used by :func:`for_display`.
HEADINGS: dict[str, str] = {
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

#: The headings chapters 4–6 use where their wording differs from :data:`HEADINGS` (e.g.
#: "Ammattiryhmä", "Ikä"): ``for_display(frame, rename=LABOUR_HEADINGS)``.
LABOUR_HEADINGS: dict[str, str] = {
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

#: Finnish words for code values the data holds in plain ASCII (tables and figure legends).
VALUE_WORDS: dict[str, str] = {
    "uudet_opiskelijat": "Uudet opiskelijat",
    "tutkinnot": "Tutkinnot",
    "ammatillinen": "Ammatillinen koulutus",
    "amk": "Ammattikorkeakoulu",
    "yliopisto": "Yliopisto",
}


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
            out[column] = out[column].map(lambda v: VALUE_WORDS.get(v, v) if isinstance(v, str) else v)
        elif pd.api.types.is_float_dtype(out[column]):
            values = out[column]
            whole = values.dropna()
            digits = 0 if len(whole) and bool(((whole % 1) == 0).all()) else decimals
            out[column] = values.round(digits)
    headings = {**HEADINGS, **(dict(rename) if rename else {})}
    out = out.rename(columns={c: headings[c] for c in out.columns if c in headings})
    out.attrs = dict(frame.attrs)
    return out

"""The forum's view beside the statistics (chapter 10): assessments against tightness and ages.

Participants of a forum pilot assess the sector's occupations on the Työvoimabarometri scale
(:mod:`punos_lib.registry.forums` stores the assessments). This module computes the data side for
the same occupations (:func:`occupation_indicators`: labour-market tightness over the latest
months and the share aged 55+), compares the two with a documented rule
(:func:`compare_with_indicators`) per sector (:func:`forum_comparison`) and makes the Finnish
table (:func:`comparison_table`). Its figure is
:func:`punos_lib.present.curated.comparison_figure`.

Nothing here loads data: the notebook passes the frames from :mod:`punos_lib.datasets`
(:func:`workforce_ages` only chooses between the regional and the national age data it is given).

Examples
--------
>>> import pandas as pd
>>> a = pd.DataFrame({"aml": ["3221"], "state": ["shortage"], "severity": [3]})
>>> compare_with_indicators(a, pd.DataFrame({"aml": ["3221"], "tightness": [1.4]}))["agreement"].tolist()
['agree']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.errors import InputError
from punos_lib.records import curated_provenance, require_columns
from punos_lib.registry.forums import FORUM_SOURCE, STATES, example_marks

__all__ = [
    "SIGNALS_FI",
    "AGREEMENT_FI",
    "occupation_indicators",
    "workforce_ages",
    "compare_with_indicators",
    "forum_comparison",
    "comparison_table",
]

#: Data signal of :func:`compare_with_indicators` -> Finnish label.
SIGNALS_FI: dict[str, str] = {
    "tight": "tiukka (paljon avoimia paikkoja)",
    "balanced": "tasapainoinen",
    "slack": "väljä (paljon työnhakijoita)",
    "no data": "ei tietoa",
}
#: Agreement of the forum with the data -> Finnish label.
AGREEMENT_FI: dict[str, str] = {"agree": "yhtenevä", "disagree": "eriävä", "no data": "ei tietoa"}


def occupation_indicators(jobseekers: pd.DataFrame, region: str, occupations: Iterable[str], *,
                          months: int = 12, ages: pd.DataFrame | None = None) -> pd.DataFrame:
    """Labour-market tightness (and share aged 55+) of occupations in one region.

    Tightness is the ratio of summed vacancies to summed unemployed jobseekers over the latest
    ``months`` months (``ΣV / ΣU``, :func:`punos_lib.indicators.rolling_tightness` at the last
    month), which removes the seasonal cycle. An occupation with a suppressed (missing) month in
    the window, or without jobseekers, has no tightness (NaN).

    Parameters
    ----------
    jobseekers : pandas.DataFrame
        From :func:`punos_lib.datasets.jobseekers_by_occupation` (``area, occupation,
        occupation_name, month, unemployed, vacancies``).
    region : str
        Area code, e.g. ``"MK10"``.
    occupations : iterable of str
        AML 2010 codes (as in the data, e.g. 4-digit ``"3221"``).
    months : int
        Window length; when the data has fewer months, all of them are used (``attrs``).
    ages : pandas.DataFrame, optional
        From :func:`workforce_ages`: ``occupation, age_group, employed`` (one area, one year).

    Returns
    -------
    pandas.DataFrame
        One row per requested occupation (in the given order, duplicates removed): ``aml,
        occupation_name, unemployed`` (monthly mean over the window), ``vacancies`` (monthly
        mean), ``tightness``, ``share_55plus`` (0–1; NaN without ``ages`` or data) and
        ``share_55plus_group`` (the occupation code of the age data used: the code itself or
        the finest coarser group, e.g. ``"322"`` for ``"3221"``).
        Occupations absent from the data keep NaN values. ``attrs``: ``period`` (first and last
        month of the window), ``months`` (its length), ``region``, ``share_55plus_scope``.

    Raises
    ------
    InputError
        No rows for the region (names the areas present), missing columns, or an empty list
        of occupations.

    Examples
    --------
    >>> js = pd.DataFrame({"area": ["MK10"] * 4, "occupation": ["3221", "3221", "5321", "5321"],
    ...     "occupation_name": ["Sairaanhoitajat", "Sairaanhoitajat", "Lähihoitajat", "Lähihoitajat"],
    ...     "month": ["2023M01", "2023M02"] * 2, "unemployed": [10.0, 10.0, 40.0, 60.0],
    ...     "vacancies": [15.0, 25.0, 5.0, 5.0]})
    >>> occupation_indicators(js, "MK10", ["3221", "5321"], months=2)["tightness"].tolist()
    [2.0, 0.1]
    """
    from punos_lib.indicators import rolling_tightness, share_aged_55_plus

    require_columns(jobseekers, ("area", "occupation", "month", "unemployed", "vacancies"), "occupation_indicators")
    codes = list(dict.fromkeys(str(c) for c in occupations))
    if not codes:
        raise InputError("occupation_indicators: no occupation codes given; pass the sector's AML 2010 codes")
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InputError(f"months must be a positive whole number, got {months!r}")
    area = jobseekers[jobseekers["area"].astype(str) == region]
    if area.empty:
        present = sorted(set(jobseekers["area"].astype(str)))
        raise InputError(f"jobseekers_by_occupation has no rows for area {region!r} "
                         f"(areas present: {', '.join(present[:25])}); check the region code")
    all_months = sorted(set(area["month"].astype(str)))
    window = min(months, len(all_months))
    chosen = all_months[-window:]
    data = area[area["occupation"].astype(str).isin(codes) & area["month"].astype(str).isin(chosen)]
    names = dict(zip(area["occupation"].astype(str), area.get("occupation_name", area["occupation"]).astype(str),
                     strict=False))

    data = pd.DataFrame({"month": data["month"].astype(str).to_numpy(),
                         "occupation": data["occupation"].astype(str).to_numpy(),
                         "vacancies": pd.to_numeric(data["vacancies"]).to_numpy(dtype=float),
                         "unemployed": pd.to_numeric(data["unemployed"]).to_numpy(dtype=float)})
    repeated = data.duplicated(["month", "occupation"])
    if repeated.any():
        first = data.loc[repeated].iloc[0]
        raise InputError(f"jobseekers_by_occupation has several rows for area {region}, occupation "
                         f"{first['occupation']}, month {first['month']}; expected one row each")

    def wide(column: str) -> pd.DataFrame:
        # pivot (not pivot_table) keeps a suppressed cell missing instead of summing it to 0
        table = data.pivot(index="month", columns="occupation", values=column)
        return table.reindex(index=chosen, columns=codes)

    vacancies = wide("vacancies").astype(float)
    unemployed = wide("unemployed").astype(float)
    tight = rolling_tightness(vacancies, unemployed, window=window).iloc[-1]
    result = pd.DataFrame({
        "aml": codes,
        "occupation_name": [names.get(c, "") for c in codes],
        "unemployed": unemployed.mean(skipna=False).reindex(codes).to_numpy(),
        "vacancies": vacancies.mean(skipna=False).reindex(codes).to_numpy(),
        "tightness": tight.reindex(codes).to_numpy(dtype=float),
    })
    scope = "ei saatavilla"
    result["share_55plus"] = np.nan
    result["share_55plus_group"] = ""
    if ages is not None:
        require_columns(ages, ("occupation", "age_group", "employed"), "occupation_indicators (ages)")
        # Age data is often coarser than the 4-digit codes (StatFin 115r: 1-3 digits, Vipunen:
        # 2 digits): each occupation takes the finest group whose code is a prefix of its own.
        age_codes = ages["occupation"].astype(str)
        wanted = sorted({a for a in set(age_codes) if any(c.startswith(a) for c in codes)})
        subset = ages[age_codes.isin(wanted)]
        shares = share_aged_55_plus(subset, by="occupation") if len(subset) else pd.Series(dtype=float)
        shares.index = shares.index.astype(str)
        for row, code in enumerate(codes):
            groups = [g for g in shares.index if code.startswith(g)]
            if groups:
                best = max(groups, key=len)
                result.loc[row, "share_55plus"] = float(shares[best])
                result.loc[row, "share_55plus_group"] = best
        scope = str(ages.attrs.get("scope", "alue"))
    result.attrs["period"] = (chosen[0], chosen[-1])
    result.attrs["months"] = window
    result.attrs["region"] = region
    result.attrs["share_55plus_scope"] = scope
    if "provenance" in jobseekers.attrs:
        result.attrs["provenance"] = jobseekers.attrs["provenance"]
    return result


def workforce_ages(region: str, regional: pd.DataFrame | None,
                   national: pd.DataFrame | None) -> pd.DataFrame | None:
    """Employed by occupation and age for ``region`` (latest year), else for the whole country.

    Parameters
    ----------
    region : str
        Area code, e.g. ``"MK10"``.
    regional : pandas.DataFrame or None
        :func:`punos_lib.datasets.workforce_by_occupation_age` (a Vipunen import with areas), or
        None when the snapshot does not have it.
    national : pandas.DataFrame or None
        :func:`punos_lib.datasets.occupations_by_age` (StatFin 115r, whole country), or None.

    Returns
    -------
    pandas.DataFrame or None
        ``occupation, age_group, employed`` (plus the source's other columns) of the latest
        year: the region's rows of ``regional`` when it has any, else ``national``.
        ``attrs["scope"]`` says which: ``"alue"`` or ``"koko maa"``; ``attrs["year"]``.
        ``None`` when neither is given (the share aged 55+ is then shown as "ei tietoa"; the
        chapter explains how to import the Vipunen data).

    Examples
    --------
    >>> national = pd.DataFrame({"occupation": ["3221"] * 2, "age_group": ["55-"] * 2,
    ...                          "year": [2021, 2022], "employed": [1.0, 2.0]})
    >>> ages = workforce_ages("MK10", None, national)
    >>> ages.attrs["scope"], ages["employed"].tolist()
    ('koko maa', [2.0])
    """
    frame, scope = None, ""
    if regional is not None:
        require_columns(regional, ("area", "occupation", "age_group", "year", "employed"),
                        "workforce_ages (regional)")
        rows = regional[regional["area"].astype(str) == region]
        if not rows.empty:
            frame, scope = rows, "alue"
            frame.attrs = dict(regional.attrs)
    if frame is None and national is not None:
        require_columns(national, ("occupation", "age_group", "year", "employed"), "workforce_ages (national)")
        frame, scope = national, "koko maa"
    if frame is None:
        return None
    latest = frame["year"].max()
    chosen = frame[frame["year"] == latest].reset_index(drop=True)
    chosen.attrs = dict(frame.attrs)
    chosen.attrs["scope"] = scope
    chosen.attrs["year"] = latest
    return chosen


def forum_comparison(assessments: pd.DataFrame, jobseekers: pd.DataFrame, region: str, sectors: Mapping[str, Any],
                     *, ages: pd.DataFrame | None = None, months: int = 12,
                     shortage_threshold: float = 1.0, oversupply_threshold: float = 0.25) -> pd.DataFrame:
    """Per sector, the forum's assessments beside the data (tightness, share aged 55+).

    For every sector that has stored assessments, the indicators are computed for the sector's
    occupations and the assessed ones (:func:`occupation_indicators`) and compared with
    :func:`compare_with_indicators` (its documented agreement rule and thresholds).

    Parameters
    ----------
    assessments : pandas.DataFrame
        From :func:`punos_lib.registry.forums.load_assessments`.
    jobseekers : pandas.DataFrame
        From :func:`punos_lib.datasets.jobseekers_by_occupation`.
    region : str
        Area code.
    sectors : mapping id -> Sector
        From :func:`punos_lib.reference.sectors.load_sectors` (display order = mapping order).
    ages : pandas.DataFrame, optional
        From :func:`workforce_ages`.
    months, shortage_threshold, oversupply_threshold
        Passed on.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`compare_with_indicators` with ``sector,
        sector_name_fi`` in front and ``example`` (any example record among the occupation's
        assessments) at the end; sectors in mapping order, occupations by code.
        ``attrs``: ``period``, ``months``, ``rule``, ``share_55plus_scope``, ``example``.

    Raises
    ------
    InputError
        Assessments of a sector that is not in ``sectors``.
    """
    require_columns(assessments, ("sector", "aml", "state", "severity", "example"), "forum_comparison (assessments)")
    unknown = sorted(set(assessments["sector"].astype(str)) - set(sectors))
    if unknown:
        raise InputError(f"assessments name sectors {unknown} that are not in sectors.yaml; "
                         "fix the stored assessment files or the sector list")
    parts = []
    attrs: dict[str, Any] = {}
    for sector_id, info in sectors.items():
        rows = assessments[assessments["sector"].astype(str) == sector_id]
        if rows.empty:
            continue
        codes = [*getattr(info, "aml", ()), *rows["aml"].astype(str)]
        indicators = occupation_indicators(jobseekers, region, codes, months=months, ages=ages)
        compared = compare_with_indicators(rows, indicators.drop(columns=["occupation_name"]),
                                           shortage_threshold=shortage_threshold,
                                           oversupply_threshold=oversupply_threshold)
        examples = rows.groupby(rows["aml"].astype(str))["example"].any()
        compared["example"] = compared["aml"].map(examples).fillna(False).astype(bool)
        compared.insert(0, "sector_name_fi", str(getattr(info, "name_fi", sector_id)))
        compared.insert(0, "sector", sector_id)
        parts.append(compared)
        attrs = {"period": indicators.attrs["period"], "months": indicators.attrs["months"],
                 "rule": compared.attrs.get("rule", ""),
                 "share_55plus_scope": indicators.attrs["share_55plus_scope"]}
    if not parts:
        raise InputError("no stored assessments to compare; import filled workbooks with `punos forum import`")
    result = pd.concat(parts, ignore_index=True)
    result.attrs.update(attrs)
    result.attrs["example"] = bool(result["example"].any())
    # A short forum source: the figure's note line and the table's Merkintä column carry the full
    # example mark, and a long source line would run off the figure.
    forum_source = "Punos-foorumiaineisto" + (" (esimerkkiarviot)" if result.attrs["example"] else "")
    provenance = dict(jobseekers.attrs.get("provenance") or {})
    if provenance:
        provenance["attribution"] = [*provenance.get("attribution", []), forum_source]
    else:
        provenance = curated_provenance(forum_source)
    result.attrs["provenance"] = provenance
    return result


def comparison_table(comparison: pd.DataFrame, *, detail: bool = False) -> pd.DataFrame:
    """Finnish table of :func:`forum_comparison`.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`forum_comparison`.
    detail : bool, default False
        Keep every column, for the download beside the table. The reader's table (default)
        leaves out ``Arvioita`` (number of assessments), ``55+ ammattiryhmä`` (the occupation
        group the 55+ share was computed for), ``Tilastojen viesti`` (the tightness class the
        chapter's text defines from ``Tiukkuus (V/U)``) and, when every row is of one sector,
        ``Toimiala`` (the chapter's figure names the sector), so that it fits Quarto's and the
        built-in website's text column at 1400 px without scrolling sideways.

    Returns
    -------
    pandas.DataFrame
        Columns ``Toimiala, Ammatti, Arvioita, Foorumin arvio, Vakavuus (ka.), Tiukkuus (V/U),
        55+ osuus (%), 55+ ammattiryhmä, Tilastojen viesti, Yhteneväisyys, Merkintä`` (with
        ``detail``; the reader's table without the four above).
    """
    require_columns(comparison, ("sector_name_fi", "aml", "occupation_fi", "n_assessments", "state", "severity_mean",
                       "tightness", "share_55plus", "share_55plus_group", "data_signal", "agreement", "example"), "comparison_table")
    table = pd.DataFrame({
        "Toimiala": comparison["sector_name_fi"].to_numpy(),
        "Ammatti": [f"{c} {n}".strip() for c, n in zip(comparison["aml"], comparison["occupation_fi"].fillna(""),
                                                        strict=True)],
        "Arvioita": comparison["n_assessments"].astype(int).to_numpy(),
        "Foorumin arvio": [STATES.get(s, s) for s in comparison["state"]],
        "Vakavuus (ka.)": comparison["severity_mean"].astype(float).round(1).to_numpy(),
        "Tiukkuus (V/U)": comparison["tightness"].astype(float).round(2).to_numpy(),
        "55+ osuus (%)": (100 * comparison["share_55plus"].astype(float)).round(1).to_numpy(),
        "55+ ammattiryhmä": comparison["share_55plus_group"].fillna("").astype(str).to_numpy(),
        "Tilastojen viesti": [SIGNALS_FI.get(s, s) for s in comparison["data_signal"]],
        "Yhteneväisyys": [AGREEMENT_FI.get(a, a) for a in comparison["agreement"]],
        "Merkintä": example_marks(comparison["example"]),
    })
    if not detail:
        table = table.drop(columns=["Arvioita", "55+ ammattiryhmä", "Tilastojen viesti"])
        if table["Toimiala"].nunique() <= 1:
            table = table.drop(columns=["Toimiala"])
    table.attrs["provenance"] = comparison.attrs.get("provenance") or curated_provenance(FORUM_SOURCE)
    return table


_STATE_PRIORITY = ("shortage", "matching_problem", "oversupply", "balance")


def _modal_state(states: pd.Series) -> str:
    counts = states.value_counts()
    best = counts.max()
    return next(s for s in _STATE_PRIORITY if counts.get(s, 0) == best)


def compare_with_indicators(
    assessments: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    shortage_threshold: float = 1.0,
    oversupply_threshold: float = 0.25,
    tightness_column: str = "tightness",
) -> pd.DataFrame:
    """Set the forum's view of each occupation beside data indicators.

    Rule (documented; the thresholds are assumptions to tune): the data
    signal from labour-market tightness *T* = vacancies / unemployed
    jobseekers is ``tight`` when *T* ≥ ``shortage_threshold``, ``slack`` when
    *T* < ``oversupply_threshold`` and ``balanced`` in between. The forum
    agrees with the data when its state is

    - ``shortage`` and the signal is ``tight``;
    - ``oversupply`` and the signal is ``slack``;
    - ``balance`` and the signal is ``balanced``;
    - ``matching_problem`` and the signal is ``balanced`` or ``tight``
      (vacancies stay open although jobseekers exist).

    Otherwise it disagrees; an occupation without a tightness value is
    ``no data``.

    Parameters
    ----------
    assessments : pandas.DataFrame
        From :func:`punos_lib.registry.forums.load_assessments` (needs ``aml, state, severity``).
    indicators : pandas.DataFrame
        One row per occupation with ``aml`` and ``tightness_column``; other
        columns (e.g. ``share_55plus``) are carried into the result.

    Returns
    -------
    pandas.DataFrame
        One row per assessed occupation (sorted by code): ``aml,
        occupation_fi, n_assessments, state`` (most common; ties go to the
        more severe state), ``state_fi, severity_mean``, the indicator
        columns, ``data_signal`` and ``agreement`` (agree / disagree /
        no data).
    """
    for frame, columns, what in ((assessments, ("aml", "state", "severity"), "assessments"),
                                 (indicators, ("aml", tightness_column), "indicators")):
        missing = [c for c in columns if c not in getattr(frame, "columns", ())]
        if missing:
            raise InputError(f"{what} lacks columns {missing}")
    if not 0 <= oversupply_threshold <= shortage_threshold:
        raise InputError("thresholds must satisfy 0 <= oversupply_threshold <= shortage_threshold, got "
                         f"{oversupply_threshold} and {shortage_threshold}")
    if indicators["aml"].duplicated().any():
        dupes = sorted(indicators.loc[indicators["aml"].duplicated(), "aml"].astype(str).unique())
        raise InputError(f"indicators have several rows for occupations {dupes}; give one row per occupation")
    data = assessments.copy()
    data["aml"] = data["aml"].astype(str)
    if "occupation_fi" not in data.columns:
        data["occupation_fi"] = ""
    grouped = data.groupby("aml", sort=True)
    forum = pd.DataFrame({
        "occupation_fi": grouped["occupation_fi"].first(),
        "n_assessments": grouped.size(),
        "state": grouped["state"].agg(_modal_state),
        "severity_mean": grouped["severity"].mean(),
    }).reset_index()
    forum.insert(forum.columns.get_loc("state") + 1, "state_fi", forum["state"].map(STATES))
    ind = indicators.copy()
    ind["aml"] = ind["aml"].astype(str)
    result = forum.merge(ind, on="aml", how="left")
    tight = pd.to_numeric(result[tightness_column], errors="coerce")

    def signal(value: float) -> str | None:
        if pd.isna(value):
            return None
        if value >= shortage_threshold:
            return "tight"
        if value < oversupply_threshold:
            return "slack"
        return "balanced"

    agrees = {"shortage": {"tight"}, "oversupply": {"slack"}, "balance": {"balanced"},
              "matching_problem": {"balanced", "tight"}}
    signals = [signal(v) for v in tight]
    result["data_signal"] = [s if s is not None else "no data" for s in signals]
    result["agreement"] = [
        "no data" if s is None else ("agree" if s in agrees[state] else "disagree")
        for s, state in zip(signals, result["state"], strict=True)
    ]
    result.attrs["rule"] = (f"tight: T >= {shortage_threshold}; slack: T < {oversupply_threshold}; "
                            "balanced otherwise")
    return result

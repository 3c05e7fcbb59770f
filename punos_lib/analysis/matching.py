"""Chapter 5 (Kohtaanto): unemployment, vacancies, tightness, mismatch and the Beveridge curve.

Monthly data (tables 12r5, 12ti) are smoothed over 12 months as ratios of sums
(:func:`punos_lib.indicators.rolling_tightness`), which removes the seasonal cycle. Suppressed
cells are never zero: a unit with one is left out and the number left out is reported in
``attrs``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from punos_lib import indicators
from punos_lib.analysis._common import (
    area_name, area_rows, carry, code_labels, is_classified, last_months, month_time,
    positive_int, require_columns,
)
from punos_lib.errors import InputError
from punos_lib.reference.regions import COUNTRY

__all__ = [
    "area_labour_market",
    "tightness_over_time",
    "occupation_tightness",
    "shortage_surplus",
    "mismatch_comparison",
    "beveridge_frame",
]


_MONTHS_DEFAULT = 12


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
    require_columns(jobseekers, ["area", "month", "unemployed", "labour_force", "vacancies"],
                    "area_labour_market")
    months = positive_int("months", months)
    if not areas:
        raise InputError("area_labour_market: no areas given")
    chosen = last_months(jobseekers["month"], months)
    recent = jobseekers[jobseekers["month"].astype(str).isin(chosen)]
    rows = []
    for area in areas:
        part = area_rows(recent, str(area), "area_labour_market")
        sums = {c: float(part[c].sum(skipna=False)) for c in ("unemployed", "labour_force",
                                                              "vacancies")}
        n = len(part)
        rows.append({
            "area": str(area), "area_name": area_name(part, str(area)),
            **{c: sums[c] / n for c in sums},
            "unemployment_rate": sums["unemployed"] / sums["labour_force"] * 100.0
            if sums["labour_force"] else float("nan"),
            "tightness": indicators.tightness(sums["vacancies"], sums["unemployed"]),
        })
    return carry(pd.DataFrame(rows), jobseekers, months=(chosen[0], chosen[-1]))


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
    require_columns(jobseekers, ["area", "month", "unemployed", "vacancies"], "tightness_over_time")
    window = positive_int("window", window)
    parts = []
    for area in areas:
        rows = area_rows(jobseekers, str(area), "tightness_over_time")
        rows = rows.assign(month=rows["month"].astype(str)).sort_values("month")
        v = rows.set_index("month")["vacancies"].astype(float)
        u = rows.set_index("month")["unemployed"].astype(float)
        series = indicators.rolling_tightness(v, u, window=window).dropna()
        parts.append(pd.DataFrame({"month": series.index, "time": month_time(pd.Series(series.index)),
                                   "area": str(area),
                                   "area_name": area_name(rows, str(area)),
                                   "tightness": series.to_numpy()}))
    return carry(pd.concat(parts, ignore_index=True), jobseekers, window=window)


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
    require_columns(jobseekers, ["area", "occupation", "occupation_name", "month", "unemployed",
                          "vacancies"], "occupation_tightness")
    months = positive_int("months", months)
    rows = area_rows(jobseekers, region, "occupation_tightness")
    chosen = last_months(rows["month"], months)
    recent = rows[rows["month"].astype(str).isin(chosen)].copy()
    recent["occupation"] = recent["occupation"].astype(str)
    recent = recent[recent["occupation"].map(is_classified)]
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
    out["label"] = code_labels(out, "occupation", "occupation_name")
    out["months_known"] = out["months_known"].astype("int64")
    out["suppressed_months"] = out["suppressed_months"].astype("int64")
    return carry(out, jobseekers, months=(chosen[0], chosen[-1]), area=region)


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
    require_columns(tightness, ["occupation", "unemployed", "vacancies", "tightness",
                         "suppressed_months"], "shortage_surplus")
    n = positive_int("n", n)
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
    return carry(out, tightness, eligible=int(len(eligible)), too_small=int((~big).sum()),
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
    require_columns(jobseekers, ["area", "occupation", "month", "unemployed", "vacancies"],
                    "mismatch_comparison")
    window = positive_int("window", window)
    parts = []
    for area in (region, COUNTRY):
        rows = area_rows(jobseekers, area, "mismatch_comparison")
        rows = rows.assign(occupation=rows["occupation"].astype(str),
                           month=rows["month"].astype(str))
        rows = rows[rows["occupation"].map(is_classified)]
        series = indicators.mismatch_over_time(rows, "occupation", "month", "vacancies",
                                               "unemployed")
        frame = pd.DataFrame({
            "month": series.index.astype(str), "time": month_time(pd.Series(series.index)), "area": area,
            "area_name": area_name(rows, area),
            "mismatch_index": series.to_numpy(),
        })
        frame["mismatch_smoothed"] = frame["mismatch_index"].rolling(window, min_periods=window).mean()
        frame["units_used"] = frame["month"].map(series.attrs["units_used"]).astype("int64")
        frame["units_dropped"] = frame["month"].map(series.attrs["units_dropped"]).astype("int64")
        parts.append(frame)
    return carry(pd.concat(parts, ignore_index=True), jobseekers, window=window)


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
    require_columns(jobseekers, ["area", "month", "unemployed", "labour_force", "vacancies"],
                    "beveridge_frame")
    window = positive_int("window", window)
    rows = area_rows(jobseekers, area, "beveridge_frame")
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
        out = out.tail(positive_int("last", last)).reset_index(drop=True)
    return carry(out, jobseekers, area=area, window=window)

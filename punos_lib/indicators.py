"""Indicators of the baseline study: pure functions on pandas objects, no I/O.

Every function states its definition and source, and how it treats zeros, missing
(suppressed) cells and mismatched labels. Shared conventions:

- Counts (employment, jobseekers, vacancies, population) must not be negative: a negative
  count raises :class:`~punos_lib.errors.InputError` naming the argument and the label.
  Only expansion demand in :func:`job_openings` may be negative.
- Missing cells (NaN, e.g. cells StatFin suppresses as too small) propagate: a result that
  depends on a missing cell is NaN. Where a function must drop cells instead
  (:func:`mismatch_index`), it says so and reports how many it dropped.
- A ratio whose denominator is 0 is undefined and is NaN (tightness with no jobseekers, a
  dependency ratio with no working-age population).
- Two labelled inputs must describe the same things: their index labels must be the same set
  (the order may differ; results follow the first input's order). A label present on one side
  only raises :class:`~punos_lib.errors.InputError` listing the labels, because silently
  producing NaN (or dropping rows) would hide a join mistake such as ``"16"`` vs ``"C16"``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from punos_lib.errors import InputError

__all__ = [
    "location_quotient",
    "shift_share",
    "tightness",
    "rolling_tightness",
    "mismatch_index",
    "mismatch_over_time",
    "share_aged_55_plus",
    "project_exits",
    "job_openings",
    "demographic_dependency",
    "demographic_dependency_from_ages",
    "economic_dependency",
    "workplace_self_sufficiency",
]

Values = TypeVar("Values", float, pd.Series, pd.DataFrame)
Number = float | int

# StatFin codes the total of a variable "SSS"; age tables also label it in words.
_TOTAL_AGE_LABELS = frozenset({"sss", "yhteensä", "total"})
_MONTH = re.compile(r"^(\d{4})M(\d{2})$")


# --- checks shared by the indicators ---------------------------------------------------------


def _preview(labels: Sequence[object], limit: int = 5) -> str:
    shown = ", ".join(repr(x) for x in list(labels)[:limit])
    more = len(labels) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _numeric(name: str, data: object, *, allow_negative: bool = False) -> object:
    """Return ``data`` as float (scalar, Series or DataFrame), checking type and sign."""
    if isinstance(data, pd.Series | pd.DataFrame):
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        for column in frame.columns:
            dtype = frame[column].dtype
            if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
                where = f"column {column!r}" if isinstance(data, pd.DataFrame) else "the Series"
                raise InputError(
                    f"{name}: values must be numeric, but {where} has dtype {dtype}; "
                    "convert it, e.g. pd.to_numeric(...)"
                )
        if not data.index.is_unique:
            dup = data.index[data.index.duplicated()].unique().tolist()
            raise InputError(f"{name}: index labels must be unique; repeated: {_preview(dup)}")
        values = data.astype("float64")
        if not allow_negative:
            negative = values < 0
            if isinstance(values, pd.DataFrame):
                where = negative.stack()
                bad = where[where].index.tolist()
            else:
                bad = values.index[negative].tolist()
            if bad:
                raise InputError(
                    f"{name}: counts cannot be negative; negative at {_preview(bad)}; "
                    "check the input (suppressed cells should be NaN, not -1)"
                )
        return values
    if isinstance(data, bool) or not isinstance(data, int | float | np.integer | np.floating):
        raise InputError(
            f"{name}: expected a number, pandas Series or DataFrame, got {type(data).__name__}"
        )
    number = float(data)
    if not allow_negative and number < 0:
        raise InputError(f"{name}: counts cannot be negative, got {number}")
    return number


def _align(**named: object) -> list[object]:
    """Reindex labelled inputs to the first one's labels after checking they match as sets."""
    labelled = [(n, d) for n, d in named.items() if isinstance(d, pd.Series | pd.DataFrame)]
    if not labelled:
        return list(named.values())
    first_name, first = labelled[0]
    kinds = {type(d) for _, d in labelled}
    if len(kinds) > 1:
        raise InputError(
            f"{', '.join(n for n, _ in labelled)}: mix of Series and DataFrame; pass the same kind"
        )
    aligned: dict[str, object] = {}
    for name, data in named.items():
        if isinstance(data, pd.Series | pd.DataFrame) and data is not first:
            for axis, attr in (("index", "index"), ("columns", "columns")):
                if axis == "columns" and not isinstance(data, pd.DataFrame):
                    continue
                mine, theirs = getattr(first, attr), getattr(data, attr)
                only_first = mine.difference(theirs, sort=False).tolist()
                only_this = theirs.difference(mine, sort=False).tolist()
                if only_first or only_this:
                    parts = []
                    if only_first:
                        parts.append(f"only in {first_name}: {_preview(only_first)}")
                    if only_this:
                        parts.append(f"only in {name}: {_preview(only_this)}")
                    raise InputError(
                        f"{first_name} and {name} must have the same {axis} labels; "
                        f"{'; '.join(parts)}. Select or reindex them to the same labels "
                        "(fill a known zero with 0, an unknown cell with NaN)"
                    )
            data = data.reindex(index=first.index)
            if isinstance(data, pd.DataFrame):
                data = data.reindex(columns=first.columns)
        aligned[name] = data
    return list(aligned.values())


def _divide(numerator: Values, denominator: Values) -> Values:
    """Numerator / denominator, NaN where the denominator is 0."""
    if isinstance(denominator, pd.Series | pd.DataFrame):
        return numerator / denominator.where(denominator != 0)
    if denominator == 0:
        return numerator * np.nan
    return numerator / denominator


def _named(result: Values, name: str) -> Values:
    if isinstance(result, pd.Series):
        result = result.rename(name)
    return result


# --- location quotient and shift-share ---------------------------------------------------------


def _total(name: str, series: pd.Series, given: Number | None) -> float:
    if given is None:
        total = float(series.sum())
    else:
        total = float(_numeric(name, given))  # type: ignore[arg-type]
    if not total > 0:
        raise InputError(
            f"{name} is {total}; the indicator is undefined without any employment; "
            "check that the right area and year were selected"
        )
    return total


def location_quotient(
    region: pd.Series,
    nation: pd.Series,
    *,
    region_total: Number | None = None,
    nation_total: Number | None = None,
) -> pd.Series:
    """Location quotient of each industry in a region.

    ``LQ_i = (e_ir / e_r) / (E_i / E)``: the industry's share of the region's employment
    divided by its share of the nation's (Isard 1960, *Methods of Regional Analysis*; the
    standard definition, e.g. in Statistics Finland's and Eurostat's regional analyses).
    LQ > 1 means the region is specialised in the industry.

    Parameters
    ----------
    region, nation : pandas.Series
        Employment (jobs or employed persons) indexed by industry, for the region and the
        nation. Both must hold the same industries (order may differ).
    region_total, nation_total : number, optional
        ``e_r`` and ``E``. Default: the sums of ``region`` and ``nation`` over the known
        (non-missing) cells. Pass the table's all-industries total when the Series holds only
        some industries or has suppressed cells, so that shares are of the whole economy.

    Returns
    -------
    pandas.Series
        Named ``location_quotient``, in ``region``'s order. ``attrs`` hold the totals used.

    Notes
    -----
    - ``E_i = 0`` (no national employment in the industry): NaN.
    - A missing cell on either side gives NaN for that industry.
    - Industries present on one side only raise :class:`InputError` (see the module notes).
    - A total of 0 raises :class:`InputError`; negative counts raise :class:`InputError`.

    Examples
    --------
    >>> region = pd.Series({"02": 30.0, "86": 50.0, "62": 20.0})
    >>> nation = pd.Series({"02": 100.0, "86": 400.0, "62": 500.0})
    >>> location_quotient(region, nation).round(2).tolist()   # (30/100)/(100/1000) = 3.0
    [3.0, 1.25, 0.4]
    """
    region, nation = (
        _numeric("region", region),
        _numeric("nation", nation),
    )
    if not isinstance(region, pd.Series) or not isinstance(nation, pd.Series):
        raise InputError("region and nation must be pandas Series indexed by industry")
    region, nation = _align(region=region, nation=nation)
    e_r = _total("region_total", region, region_total)
    e = _total("nation_total", nation, nation_total)
    result = _divide(region / e_r, nation / e)
    result = _named(result, "location_quotient")
    result.attrs = {"region_total": e_r, "nation_total": e}
    return result


def shift_share(
    region_start: pd.Series,
    region_end: pd.Series,
    nation_start: pd.Series,
    nation_end: pd.Series,
    *,
    nation_start_total: Number | None = None,
    nation_end_total: Number | None = None,
) -> pd.DataFrame:
    """Shift-share decomposition of the change in regional employment by industry.

    Dunn (1960), "A statistical and analytical technique for regional analysis", *Papers and
    Proceedings of the Regional Science Association* 6: with ``e_ir`` the region's start
    employment in industry *i*, ``g`` the national growth rate of all employment, ``g_i`` the
    national growth rate of industry *i* and ``g_ir`` the regional growth rate of industry *i*:

    - national share ``e_ir · g``
    - industry mix ``e_ir · (g_i − g)``
    - regional (competitive) share ``e_ir · (g_ir − g_i)``

    and ``national + industry_mix + regional = e_ir · g_ir`` = the actual change ``total``.

    Parameters
    ----------
    region_start, region_end, nation_start, nation_end : pandas.Series
        Employment indexed by industry, same industries in all four.
    nation_start_total, nation_end_total : number, optional
        National all-industries totals for ``g``; default the sums of the known cells.

    Returns
    -------
    pandas.DataFrame
        Indexed by industry (``region_start``'s order), columns ``national``,
        ``industry_mix``, ``regional``, ``total``. ``attrs["national_growth"]`` = ``g``.

    Notes
    -----
    The regional share is computed as ``e_ir,end − e_ir · (1 + g_i)``, which equals
    ``e_ir · (g_ir − g_i)`` whenever ``e_ir > 0`` and keeps the three components adding up to
    the change when ``e_ir = 0``: an industry new to the region has national and
    industry-mix shares 0 and its whole growth is regional (``g_ir`` is undefined there).

    - An industry with regional start employment but no national start employment is
      inconsistent (the region is part of the nation) and raises :class:`InputError`.
    - A missing cell gives NaN in that industry's components.
    - A national start total of 0 raises :class:`InputError`.

    Examples
    --------
    >>> rs = pd.Series({"A": 100.0, "B": 0.0})
    >>> re_ = pd.Series({"A": 130.0, "B": 5.0})
    >>> ns = pd.Series({"A": 1000.0, "B": 1000.0})
    >>> ne = pd.Series({"A": 1100.0, "B": 1300.0})
    >>> shift_share(rs, re_, ns, ne).loc["A"].round(9).tolist()  # g=0.2, g_A=0.1, g_Ar=0.3
    [20.0, -10.0, 20.0, 30.0]
    """
    inputs = {
        "region_start": region_start,
        "region_end": region_end,
        "nation_start": nation_start,
        "nation_end": nation_end,
    }
    checked = {name: _numeric(name, data) for name, data in inputs.items()}
    if not all(isinstance(d, pd.Series) for d in checked.values()):
        raise InputError(
            "region_start, region_end, nation_start and nation_end must be pandas Series "
            "indexed by industry"
        )
    e0, e1, n0, n1 = _align(**checked)
    total0 = _total("nation_start_total", n0, nation_start_total)
    total1 = _total("nation_end_total", n1, nation_end_total)
    g = total1 / total0 - 1.0

    inconsistent = e0.index[(e0 > 0) & (n0 == 0)].tolist()
    if inconsistent:
        raise InputError(
            f"region_start has employment where nation_start has none, in industries "
            f"{_preview(inconsistent)}; the region is part of the nation, so check that the "
            "two Series are for the same year and classification"
        )
    g_i = _divide(n1, n0) - 1.0
    new_here = e0 == 0
    national = e0 * g
    # e_ir = 0 makes both shares 0 even where g_i is undefined (no national start employment).
    industry_mix = (e0 * (g_i - g)).mask(new_here, 0.0)
    regional = (e1 - e0 * (1.0 + g_i)).mask(new_here, e1)
    result = pd.DataFrame(
        {
            "national": national,
            "industry_mix": industry_mix,
            "regional": regional,
            "total": e1 - e0,
        }
    )
    result.attrs = {"national_growth": g}
    return result


# --- labour-market tightness and mismatch ------------------------------------------------------


def tightness(vacancies: Values, unemployed: Values) -> Values:
    """Labour-market tightness: open vacancies per unemployed jobseeker, ``V / U``.

    The ratio used by the Employment Service Statistics (KEHA-keskus / Statistics Finland
    tables 12r5, 12ti) and in the Beveridge-curve literature.

    Parameters
    ----------
    vacancies, unemployed : number, pandas.Series or pandas.DataFrame
        Counts at the same points (e.g. month end), same labels on both.

    Returns
    -------
    Same kind as the inputs
        Elementwise ``V / U``; NaN where ``U = 0`` (also when ``V = 0``: the ratio is
        undefined, not zero) and where either count is missing. A Series is named
        ``tightness``.

    Examples
    --------
    >>> round(tightness(718, 5621), 4)   # Etelä-Savo, October 2023 (table 12r5)
    0.1277
    >>> tightness(pd.Series([3.0, 1.0]), pd.Series([6.0, 0.0])).tolist()
    [0.5, nan]
    """
    v = _numeric("vacancies", vacancies)
    u = _numeric("unemployed", unemployed)
    v, u = _align(vacancies=v, unemployed=u)
    return _named(_divide(v, u), "tightness")  # type: ignore[arg-type]


def _check_months(index: pd.Index, name: str) -> None:
    if not index.is_unique or not index.is_monotonic_increasing:
        raise InputError(
            f"{name}: the index must be unique months in increasing order; sort it "
            "(e.g. .sort_index()) and remove repeated months"
        )
    if isinstance(index, pd.PeriodIndex):
        expected = pd.period_range(index[0], index[-1], freq=index.freq)
        missing = expected.difference(index)
    elif len(index) and all(isinstance(x, str) and _MONTH.match(x) for x in index):
        periods = pd.PeriodIndex([f"{x[:4]}-{x[5:]}" for x in index], freq="M")
        expected = pd.period_range(periods[0], periods[-1], freq="M")
        missing = pd.Index([f"{p.year}M{p.month:02d}" for p in expected.difference(periods)])
    else:
        return
    if len(missing):
        raise InputError(
            f"{name}: months are missing from the series: {_preview(missing.tolist())}; "
            "a rolling window must cover consecutive months, so add them (NaN if unknown)"
        )


def rolling_tightness(vacancies: Values, unemployed: Values, window: int = 12) -> Values:
    """Tightness smoothed over a rolling window of months: ``ΣV / ΣU`` over the window.

    Parameters
    ----------
    vacancies, unemployed : pandas.Series or pandas.DataFrame
        Monthly counts indexed by month in increasing order (StatFin month codes such as
        ``"2023M10"``, a monthly ``PeriodIndex`` or any sortable labels); a DataFrame holds one
        column per unit (occupation, area). StatFin month codes and PeriodIndex are checked for
        gaps.
    window : int, default 12
        Number of consecutive months; 12 removes the seasonal cycle.

    Returns
    -------
    Same kind as the inputs
        Value at month *t* = sum of vacancies over months *t − window + 1 … t* divided by the
        sum of unemployed jobseekers over the same months. NaN for the first ``window − 1``
        months, for windows with any missing month value and where the summed ``U`` is 0.

    Notes
    -----
    Sums, not the mean of monthly ratios: the ratio of sums equals average vacancies over
    average jobseekers, so every month weighs by its size. A mean of ratios lets small
    months dominate (one month with 2 jobseekers and 6 vacancies adds a ratio of 3) and
    is undefined as soon as one month has no jobseekers.

    Examples
    --------
    >>> v = pd.Series([1.0, 3.0, 5.0], index=["2023M01", "2023M02", "2023M03"])
    >>> u = pd.Series([2.0, 2.0, 6.0], index=v.index)
    >>> rolling_tightness(v, u, window=2).tolist()   # (1+3)/(2+2), (3+5)/(2+6)
    [nan, 1.0, 1.0]
    """
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise InputError(f"window must be a positive whole number of months, got {window!r}")
    v = _numeric("vacancies", vacancies)
    u = _numeric("unemployed", unemployed)
    if not isinstance(v, pd.Series | pd.DataFrame) or not isinstance(u, pd.Series | pd.DataFrame):
        raise InputError("vacancies and unemployed must be pandas Series or DataFrames by month")
    v, u = _align(vacancies=v, unemployed=u)
    _check_months(v.index, "vacancies")
    # min_periods=window: a window with a missing month is NaN, not a sum of fewer months.
    v_sum = v.rolling(window, min_periods=window).sum()
    u_sum = u.rolling(window, min_periods=window).sum()
    return _named(_divide(v_sum, u_sum), "rolling_tightness")


def _check_alpha(a: float) -> float:
    if isinstance(a, bool) or not isinstance(a, int | float | np.floating) or not 0 < a < 1:
        raise InputError(
            f"a (the vacancy weight) must be a number strictly between 0 and 1, got {a!r}"
        )
    return float(a)


def mismatch_index(
    vacancies: pd.Series,
    unemployed: pd.Series,
    a: float = 0.5,
    *,
    missing: Literal["drop", "raise"] = "drop",
) -> float:
    """Mismatch index of vacancies and unemployed jobseekers across units.

    Şahin, Song, Topa & Violante (2014), "Mismatch Unemployment", *American Economic
    Review* 104(11), with equal matching efficiency in every unit, as used by PTT's
    *kohtaantoindeksit* for Finnish regions and occupations:

    ``M = 1 − Σ_i (v_i / V)^a (u_i / U)^(1 − a)``, with ``V = Σ v_i`` and ``U = Σ u_i`` over
    the units used.

    ``M`` is the share of hires lost because jobseekers and vacancies are in different units
    (occupations, areas). ``0 ≤ M ≤ 1``; ``M = 0`` when every unit has the same share of
    vacancies as of jobseekers; ``M = 1`` when no unit has both. Scaling all vacancies (or
    all jobseekers) by a constant leaves ``M`` unchanged. Floating-point noise (about
    1e-16) that would put ``M`` just outside [0, 1] is clipped.

    Parameters
    ----------
    vacancies, unemployed : pandas.Series
        Counts indexed by unit (e.g. 4-digit AML 2010 occupation), same units on both.
        Do not include totals (``SSS``) or units that overlap.
    a : float, default 0.5
        Weight of vacancies in the Cobb-Douglas matching function, ``0 < a < 1``
        (0.5 gives ``1 − Σ √((v_i/V)(u_i/U))``).
    missing : {"drop", "raise"}, default "drop"
        Policy for units where either count is missing (suppressed): ``"drop"`` leaves the
        unit out of the sums and the index; ``"raise"`` raises :class:`InputError`. The
        shares then describe the known units only. :func:`mismatch_over_time` reports how
        many units it dropped.

    Returns
    -------
    float

    Raises
    ------
    InputError
        Negative counts, different units on the two sides, ``a`` outside (0, 1), no unit
        left after dropping, or ``V = 0`` or ``U = 0`` (the shares are undefined).

    Examples
    --------
    >>> v = pd.Series({"A": 10.0, "B": 30.0})
    >>> u = pd.Series({"A": 20.0, "B": 60.0})
    >>> round(mismatch_index(v, u), 12)                   # same shares: no mismatch
    0.0
    >>> mismatch_index(pd.Series({"A": 1.0, "B": 0.0}), pd.Series({"A": 0.0, "B": 1.0}))
    1.0
    """
    alpha = _check_alpha(a)
    if missing not in ("drop", "raise"):
        raise InputError(f"missing must be 'drop' or 'raise', got {missing!r}")
    v = _numeric("vacancies", vacancies)
    u = _numeric("unemployed", unemployed)
    if not isinstance(v, pd.Series) or not isinstance(u, pd.Series):
        raise InputError("vacancies and unemployed must be pandas Series indexed by unit")
    v, u = _align(vacancies=v, unemployed=u)
    known = v.notna() & u.notna()
    if not known.all() and missing == "raise":
        raise InputError(
            f"missing counts for units {_preview(v.index[~known].tolist())}; fill them or "
            "use missing='drop'"
        )
    v, u = v[known], u[known]
    if v.empty:
        raise InputError("no unit has both a vacancy and an unemployed count; nothing to compare")
    total_v, total_u = float(v.sum()), float(u.sum())
    if total_v == 0 or total_u == 0:
        raise InputError(
            f"the index is undefined: total vacancies V = {total_v:g}, total unemployed "
            f"U = {total_u:g} over {len(v)} units; it needs both to be positive"
        )
    value = 1.0 - float(((v / total_v) ** alpha * (u / total_u) ** (1.0 - alpha)).sum())
    # M lies in [0, 1] (Hölder's inequality); clip rounding noise of order 1e-16 only.
    return min(max(value, 0.0), 1.0)


def mismatch_over_time(
    frame: pd.DataFrame,
    unit: str,
    time: str,
    vacancies_col: str,
    unemployed_col: str,
    a: float = 0.5,
) -> pd.Series:
    """Mismatch index (:func:`mismatch_index`) for each period of a long table.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit and period, e.g. occupations × months of table 12ti for one area.
    unit, time : str
        Column names of the unit (occupation, area) and the period.
    vacancies_col, unemployed_col : str
        Column names of the counts.
    a : float, default 0.5
        Vacancy weight, ``0 < a < 1``.

    Returns
    -------
    pandas.Series
        Named ``mismatch_index``, indexed by period (sorted). ``attrs``:
        ``units_used`` and ``units_dropped`` (dicts period → number of units), ``a`` and
        ``missing_policy``.

    Notes
    -----
    Missing cells: a unit whose vacancy or unemployed count is missing in a period is left
    out of that period (the policy ``missing="drop"`` of :func:`mismatch_index`), and counted
    in ``attrs["units_dropped"]``. Suppression removes small cells, so the index then
    describes the units with known counts. A period where no unit remains or where the
    remaining ``V`` or ``U`` is 0 is NaN (the index is undefined); every other period is a
    number.

    Raises
    ------
    InputError
        A named column is absent, counts are not numeric or negative, a unit appears twice
        in a period, or ``a`` is outside (0, 1).

    Examples
    --------
    >>> long = pd.DataFrame({
    ...     "month": ["2023M01"] * 2 + ["2023M02"] * 2,
    ...     "occupation": ["A", "B"] * 2,
    ...     "v": [1.0, 0.0, 1.0, 1.0],
    ...     "u": [0.0, 1.0, 2.0, 2.0],
    ... })
    >>> mismatch_over_time(long, "occupation", "month", "v", "u").tolist()
    [1.0, 0.0]
    """
    alpha = _check_alpha(a)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    columns = {"unit": unit, "time": time, "vacancies_col": vacancies_col,
               "unemployed_col": unemployed_col}
    for argument, column in columns.items():
        if column not in frame.columns:
            raise InputError(
                f"{argument}={column!r} is not a column of the frame; columns are "
                f"{', '.join(map(str, frame.columns))}"
            )
    data = frame[[time, unit, vacancies_col, unemployed_col]]
    v = _numeric(vacancies_col, data[vacancies_col].reset_index(drop=True))
    u = _numeric(unemployed_col, data[unemployed_col].reset_index(drop=True))
    keys = data[[time, unit]].reset_index(drop=True)
    repeated = keys.duplicated()
    if repeated.any():
        row = keys[repeated].index[0]
        first_time, first_unit = str(keys.at[row, time]), str(keys.at[row, unit])
        raise InputError(
            f"{unit} {first_unit!r} appears more than once in {time} {first_time!r}; each unit "
            "must have one row per period (filter out other dimensions, e.g. area or sex, first)"
        )
    period = keys[time]
    known = (v.notna() & u.notna()).to_numpy()
    # observed=True: only periods present in the data, also for Categorical period columns.
    counts = pd.DataFrame({"period": period, "used": known, "dropped": ~known})
    per_period = counts.groupby("period", observed=True, sort=True)[["used", "dropped"]].sum()

    kept = pd.DataFrame({"period": period[known], "v": v[known], "u": u[known]})
    totals = kept.groupby("period", observed=True)[["v", "u"]].transform("sum")
    terms = (kept["v"] / totals["v"]) ** alpha * (kept["u"] / totals["u"]) ** (1.0 - alpha)
    sums = terms.groupby(kept["period"], observed=True).sum()
    totals_by_period = kept.groupby("period", observed=True)[["v", "u"]].sum()
    defined = (totals_by_period["v"] > 0) & (totals_by_period["u"] > 0)
    # Clip rounding noise (order 1e-16) to the index's mathematical bounds [0, 1].
    result = (1.0 - sums).clip(0.0, 1.0).where(defined).reindex(per_period.index)
    result.name = "mismatch_index"
    result.index.name = time
    result.attrs = {
        "a": alpha,
        "missing_policy": "units with a missing vacancy or unemployed count are dropped per period",
        "units_used": dict(zip(per_period.index.tolist(), per_period["used"].astype(int).tolist())),
        "units_dropped": dict(
            zip(per_period.index.tolist(), per_period["dropped"].astype(int).tolist())
        ),
    }
    return result


# --- replacement demand and job openings -----------------------------------------------------


def _age_bounds(label: object) -> tuple[int, int | None] | None:
    """Inclusive age bounds of an age label; ``None`` upper = open; ``None`` = a total."""
    if isinstance(label, int | np.integer) and not isinstance(label, bool):
        return int(label), int(label)
    if isinstance(label, str):
        text = label.strip()
        if text.lower() in _TOTAL_AGE_LABELS:
            return None
        if text.isdigit():  # "055" (StatFin single years) or "55"
            return int(text), int(text)
        closed = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", text)
        if closed and int(closed[1]) <= int(closed[2]):
            return int(closed[1]), int(closed[2])
        opened = re.fullmatch(r"(\d+)\s*(?:[-–+]|\s*-\s*)", text)
        if opened:
            return int(opened[1]), None
        below = re.fullmatch(r"[-–]\s*(\d+)", text)
        if below:
            return 0, int(below[1])
    raise InputError(
        f"cannot read age label {label!r}; use single ages (55 or '055'), ranges ('55-59'), "
        "open groups ('65-' or '65+') or the total 'SSS'"
    )


def _band(bounds: tuple[int, int | None], cuts: Sequence[int], label: object) -> int:
    """Index of the band (between consecutive cut ages) holding the whole age group."""
    low, high = bounds
    band = sum(low >= c for c in cuts)
    top = float("inf") if high is None else high
    if band < len(cuts) and top >= cuts[band]:
        raise InputError(
            f"age group {label!r} straddles age {cuts[band]}, so it cannot be split between "
            f"the bands the indicator needs (cut at ages {', '.join(map(str, cuts))}); "
            "use single-year ages or groups that do not cross those ages"
        )
    return band


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _age_table(
    data: pd.Series | pd.DataFrame, age_col: str, value_col: str, by: list[str]
) -> pd.DataFrame:
    """A frame with columns by..., ``_age`` (label), ``_value`` (float), totals removed."""
    if isinstance(data, pd.Series):
        if by:
            raise InputError("by needs a DataFrame; a Series is indexed by age only")
        table = pd.DataFrame({"_age": data.index, "_value": data.to_numpy()})
    elif isinstance(data, pd.DataFrame):
        for column in [age_col, value_col, *by]:
            if column not in data.columns:
                raise InputError(
                    f"column {column!r} not in the frame; columns are "
                    f"{', '.join(map(str, data.columns))}"
                )
        table = data[[*by]].reset_index(drop=True)
        table["_age"] = data[age_col].to_numpy(dtype=object)
        table["_value"] = data[value_col].to_numpy()
    else:
        raise InputError(f"expected a pandas Series or DataFrame, got {type(data).__name__}")
    table["_value"] = _numeric(value_col, table["_value"])
    bounds = [_age_bounds(x) for x in table["_age"]]
    keep = [b is not None for b in bounds]
    table = table[keep].reset_index(drop=True)
    table["_low"] = [b[0] for b in bounds if b is not None]
    # object dtype keeps None (open group) apart from numbers; float would turn it into NaN.
    table["_high"] = pd.Series([b[1] for b in bounds if b is not None], dtype=object)
    if table.empty:
        raise InputError("no age groups other than totals; nothing to compute")
    return table


def _band_shares(table: pd.DataFrame, by: list[str], band: pd.Series) -> pd.DataFrame:
    """Sum ``_value`` per group and band; NaN where any cell of the group is missing."""
    keys = [table[c] for c in by] if by else [pd.Series(0, index=table.index)]
    grouped = table["_value"].groupby([*keys, band], observed=True, sort=True).sum()
    wide = grouped.unstack(fill_value=0.0)
    has_missing = table["_value"].isna().groupby(keys, observed=True, sort=True).any()
    wide.loc[has_missing.reindex(wide.index).to_numpy()] = np.nan
    return wide


def share_aged_55_plus(
    data: pd.Series | pd.DataFrame,
    *,
    age_col: str = "age_group",
    value_col: str = "employed",
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Share of the employed aged 55 or over: the simple measure of replacement demand.

    ``employed aged 55+ / all employed`` (a fraction between 0 and 1). The employed aged 55+
    will mostly retire within about ten years, so their share approximates the replacement
    need (the simple indicator of Vipunen/OPH workforce anticipation, cf. DOMAIN.md).

    Parameters
    ----------
    data : pandas.Series or pandas.DataFrame
        A Series of employed indexed by age group, or a long frame with ``age_col`` and
        ``value_col`` (and the ``by`` columns). Age labels: single ages (``55``, ``"055"``),
        ranges (``"55-59"``), open groups (``"65-"``, ``"65+"``), lower-open (``"-24"``).
        A total row (``"SSS"``, ``"Yhteensä"``, ``"Total"``) is ignored: the share is
        computed from the age groups.
    age_col, value_col : str
        Column names in a frame.
    by : str or list of str, optional
        Columns to compute the share for separately (e.g. ``"occupation"``).

    Returns
    -------
    float or pandas.Series
        A float without ``by``; otherwise a Series named ``share_aged_55_plus`` indexed by
        the ``by`` columns. NaN where a group has a missing cell or no employed at all.

    Raises
    ------
    InputError
        An age group straddles 55 (e.g. ``"50-59"``), unreadable labels, missing columns,
        negative counts.

    Examples
    --------
    >>> share_aged_55_plus(pd.Series({"15-54": 60.0, "55-64": 30.0, "65-": 10.0, "SSS": 100.0}))
    0.4
    """
    by_cols = _by_list(by)
    table = _age_table(data, age_col, value_col, by_cols)
    bands = pd.Series(
        [_band((lo, hi), [55], label) for lo, hi, label in
         zip(table["_low"], table["_high"], table["_age"])],
        index=table.index,
        name="_band",
    )
    wide = _band_shares(table, by_cols, bands).reindex(columns=[0, 1], fill_value=0.0)
    share = _divide(wide[1], wide[0] + wide[1])
    if not by_cols:
        return float(share.iloc[0])
    share.index = share.index.set_names(by_cols if len(by_cols) > 1 else by_cols[0])
    return share.rename("share_aged_55_plus")


def _single_years(employed_by_age: pd.Series, exit_age: int) -> dict[int, float]:
    """Expand age groups to single years, spreading a closed group evenly over its ages."""
    stock: dict[int, float] = {}
    for label, value in employed_by_age.items():
        bounds = _age_bounds(label)
        if bounds is None:
            continue
        low, high = bounds
        if pd.isna(value):
            raise InputError(
                f"employed_by_age: missing value at age {label!r}; the projection needs every "
                "age group (fill suppressed cells with an estimate, or 0 if known to be 0)"
            )
        if high is None:
            if low < exit_age - 1:
                raise InputError(
                    f"open age group {label!r} starts below {exit_age - 1}, so its ages and exit "
                    "years are unknown; give single ages or closed groups up to "
                    f"{exit_age - 1}"
                )
            high = low
        width = high - low + 1
        for age in range(low, high + 1):
            stock[age] = stock.get(age, 0.0) + float(value) / width
    if not stock:
        raise InputError("employed_by_age has no age groups (only totals?)")
    return stock


def project_exits(
    employed_by_age: pd.Series,
    exit_rates: Mapping[int, float] | pd.Series,
    horizon: int,
    start_year: int,
    *,
    exit_age: int = 70,
) -> pd.DataFrame:
    """Project exits (retirement, death, other exits) from today's employed, year by year.

    The cohort method of the OPH/Vipunen workforce exit estimate ("poistuma"): the employed
    of the start year are aged one year at a time; in each year the exits of a cohort are its
    stock times the exit rate of the age it reaches that year, and everybody reaching
    ``exit_age`` (70) exits.

    Parameters
    ----------
    employed_by_age : pandas.Series
        Employed at the end of ``start_year``, indexed by single-year age (``int`` or
        ``"055"``) or closed age groups (``"55-59"``), whose members are spread evenly over
        the group's ages (an assumption). Open groups are allowed only from ``exit_age − 1``
        up (``"69-"``, ``"70+"``): they exit in the first year. Totals (``"SSS"``) are
        ignored.
    exit_rates : mapping or pandas.Series
        Age → yearly exit rate in [0, 1]: the share of a cohort's remaining employed who exit
        in the year they reach that age. Needed for every age a cohort reaches below
        ``exit_age`` within the horizon; rates for other ages are not used.
    horizon : int
        Number of projected years (``start_year + 1`` … ``start_year + horizon``).
    start_year : int
        The year of ``employed_by_age``.
    exit_age : int, default 70
        Age at which all remaining employed exit.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``exits`` (exits in the year), ``cumulative_exits`` and
        ``remaining`` (the start-year employed still employed at the end of the year).
        ``attrs["initial_stock"]`` = the start total.

    Notes
    -----
    Assumptions: a closed cohort (nobody enters: no young people, migrants or
    occupation changers come in, so ``remaining`` only falls); exit rates stay at their
    given values over the horizon; ages within a closed group are evenly spread.

    Examples
    --------
    >>> stock = pd.Series({67: 100.0, 68: 200.0, 69: 50.0})
    >>> out = project_exits(stock, {68: 0.1, 69: 0.2}, horizon=2, start_year=2023)
    >>> out["exits"].tolist()      # 100*0.1 + 200*0.2 + 50;  90*0.2 + 160
    [100.0, 178.0]
    """
    for name, value in (("horizon", horizon), ("start_year", start_year), ("exit_age", exit_age)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise InputError(f"{name} must be a whole number, got {value!r}")
    if horizon < 1:
        raise InputError(f"horizon must be at least 1 year, got {horizon}")
    if not isinstance(employed_by_age, pd.Series):
        raise InputError("employed_by_age must be a pandas Series indexed by age")
    _numeric("employed_by_age", employed_by_age)
    stock = _single_years(employed_by_age, exit_age)

    rates: dict[int, float] = {}
    items = exit_rates.items() if isinstance(exit_rates, Mapping | pd.Series) else None
    if items is None:
        raise InputError("exit_rates must be a mapping or Series of age → rate")
    for age, rate in items:
        bounds = _age_bounds(age)
        if bounds is None or bounds[0] != bounds[1]:
            raise InputError(f"exit_rates: keys must be single ages, got {age!r}")
        if pd.isna(rate) or not 0 <= float(rate) <= 1:
            raise InputError(f"exit_rates: rate at age {age!r} must be in [0, 1], got {rate!r}")
        rates[bounds[0]] = float(rate)

    needed = {
        age + step
        for age, count in stock.items()
        if count > 0
        for step in range(1, horizon + 1)
        if age + step < exit_age
    }
    lacking = sorted(needed - set(rates))
    if lacking:
        raise InputError(
            f"exit_rates lack ages {_preview(lacking, 10)}, which cohorts reach below "
            f"{exit_age} within {horizon} years; give a rate for each"
        )

    top = max(max(stock), exit_age) + horizon + 1
    current = np.zeros(top + 1)
    for age, count in stock.items():
        current[age] = count
    rate_by_age = np.array([rates.get(age, 0.0) for age in range(top + 1)])
    rate_by_age[exit_age:] = 1.0
    initial = float(current.sum())
    exits, remaining = [], []
    for _ in range(horizon):
        aged = np.concatenate(([0.0], current[:-1]))
        leaving = aged * rate_by_age
        current = aged - leaving
        exits.append(float(leaving.sum()))
        remaining.append(float(current.sum()))
    years = pd.RangeIndex(start_year + 1, start_year + horizon + 1, name="year")
    result = pd.DataFrame(
        {"exits": exits, "cumulative_exits": np.cumsum(exits), "remaining": remaining},
        index=years,
    )
    result.attrs = {
        "initial_stock": initial,
        "exit_age": int(exit_age),
        "start_year": int(start_year),
    }
    return result


def job_openings(expansion: Values, replacement: Values) -> Values:
    """Job openings = expansion demand + replacement demand (Cedefop).

    Cedefop's skills forecasts (e.g. *Skills supply and demand in Europe: medium-term
    forecast up to 2020*, 2010) define total job openings as the sum of expansion demand
    (the net change in employment, negative when employment falls) and replacement demand
    (people leaving who need to be replaced).

    Parameters
    ----------
    expansion : number, pandas.Series or pandas.DataFrame
        Net employment change; may be negative.
    replacement : same kind
        Replacement demand; must not be negative.

    Returns
    -------
    Same kind as the inputs
        Elementwise sum; a Series is named ``job_openings``. Missing cells propagate.

    Notes
    -----
    The plain sum, without clipping at zero: where decline exceeds replacement the total is
    negative, meaning the decline absorbs all replacement needs and more. Not clipping keeps
    the indicator additive, so the openings of a sector equal the sum over its occupations.
    Clip (``.clip(lower=0)``) only for presentation, and say so.

    Examples
    --------
    >>> job_openings(pd.Series([10.0, -30.0]), pd.Series([20.0, 20.0])).tolist()
    [30.0, -10.0]
    """
    e = _numeric("expansion", expansion, allow_negative=True)
    r = _numeric("replacement", replacement)
    e, r = _align(expansion=e, replacement=r)
    return _named(e + r, "job_openings")  # type: ignore[operator]


# --- dependency ratios and self-sufficiency ---------------------------------------------------


def demographic_dependency(pop_0_14: Values, pop_15_64: Values, pop_65_plus: Values) -> Values:
    """Demographic dependency ratio: ``(0–14 + 65+) / (15–64) × 100``.

    Statistics Finland, *väestöllinen huoltosuhde*: the number of children and pensioners
    per 100 persons of working age.

    Parameters
    ----------
    pop_0_14, pop_15_64, pop_65_plus : number, pandas.Series or pandas.DataFrame
        Population by age band, same labels on all.

    Returns
    -------
    Same kind as the inputs
        NaN where the working-age population is 0 or a cell is missing. A Series is named
        ``demographic_dependency``.

    Examples
    --------
    >>> demographic_dependency(15, 60, 25)   # (15 + 25) / 60 * 100
    66.66666666666667
    """
    young = _numeric("pop_0_14", pop_0_14)
    working = _numeric("pop_15_64", pop_15_64)
    old = _numeric("pop_65_plus", pop_65_plus)
    young, working, old = _align(pop_0_14=young, pop_15_64=working, pop_65_plus=old)
    ratio = _divide((young + old) * 100.0, working)  # type: ignore[operator]
    return _named(ratio, "demographic_dependency")


def demographic_dependency_from_ages(
    frame: pd.DataFrame,
    age_col: str = "age",
    value_col: str = "population",
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Demographic dependency ratio from population by age.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table of population by age: ``age_col`` holds single ages as ints or StatFin
        11re codes (``"000"`` … ``"099"``, ``"100-"``), or age groups that do not cross 15 or
        65 (``"15-19"``). Rows with the total ``"SSS"`` are ignored. All other rows of a group
        are summed, so filter out total rows of other variables (e.g. sex ``"SSS"``) first.
    age_col, value_col : str
        Column names.
    by : str or list of str, optional
        Columns to compute the ratio for separately (e.g. ``["area", "year"]``).

    Returns
    -------
    float or pandas.Series
        As :func:`demographic_dependency`; a Series named ``demographic_dependency`` indexed
        by ``by``. NaN where a group has a missing cell.

    Raises
    ------
    InputError
        Ages do not cover 0 up to at least 65 without gaps, a group lacks ages that others
        have, an age group straddles 15 or 65, unreadable labels, missing columns.

    Examples
    --------
    >>> ages = pd.DataFrame({"age": ["000-014", "015-064", "065-"], "population": [15, 60, 25]})
    >>> demographic_dependency_from_ages(ages)
    66.66666666666667
    """
    by_cols = _by_list(by)
    table = _age_table(frame, age_col, value_col, by_cols)
    labels = table[["_age", "_low", "_high"]].drop_duplicates("_age").sort_values("_low")
    reach = -1
    for label, low, high in labels.itertuples(index=False):
        if low > reach + 1:
            raise InputError(
                f"ages {reach + 1}–{low - 1} are missing before age group {label!r}; the ratio "
                "needs the whole population (all ages from 0)"
            )
        if low <= reach:
            # e.g. single ages next to a "015-064" subtotal: those people would be counted twice
            raise InputError(
                f"age group {label!r} overlaps ages already covered (up to {reach:g}); give either "
                "single ages or non-overlapping groups, not both (drop subtotal rows)"
            )
        reach = max(reach, float("inf") if high is None else high)
    if reach < 65:
        raise InputError(
            f"ages stop at {reach}; the ratio needs the population aged 65 and over"
        )
    if by_cols:
        per_group = table.groupby(by_cols, observed=True, sort=True)["_age"].nunique()
        short = per_group[per_group < len(labels)]
        if len(short):
            raise InputError(
                f"group {short.index[0]!r} has {short.iloc[0]} of the {len(labels)} age groups "
                "present in the frame; every group needs every age"
            )
    bands = pd.Series(
        [_band((lo, hi), [15, 65], label) for lo, hi, label in
         zip(table["_low"], table["_high"], table["_age"])],
        index=table.index,
        name="_band",
    )
    wide = _band_shares(table, by_cols, bands).reindex(columns=[0, 1, 2], fill_value=0.0)
    ratio = _divide((wide[0] + wide[2]) * 100.0, wide[1])
    if not by_cols:
        return float(ratio.iloc[0])
    ratio.index = ratio.index.set_names(by_cols if len(by_cols) > 1 else by_cols[0])
    return ratio.rename("demographic_dependency")


def economic_dependency(
    unemployed: Values, outside_labour_force: Values, employed: Values
) -> Values:
    """Economic dependency ratio: ``(unemployed + outside the labour force) / employed × 100``.

    Statistics Finland, *taloudellinen huoltosuhde*: the number of unemployed and persons
    outside the labour force per 100 employed.

    Returns
    -------
    Same kind as the inputs
        NaN where ``employed`` is 0 or a cell is missing. A Series is named
        ``economic_dependency``.

    Examples
    --------
    >>> economic_dependency(10, 110, 80)   # (10 + 110) / 80 * 100
    150.0
    """
    u = _numeric("unemployed", unemployed)
    o = _numeric("outside_labour_force", outside_labour_force)
    e = _numeric("employed", employed)
    u, o, e = _align(unemployed=u, outside_labour_force=o, employed=e)
    return _named(_divide((u + o) * 100.0, e), "economic_dependency")  # type: ignore[operator]


def workplace_self_sufficiency(jobs: Values, employed_residents: Values) -> Values:
    """Workplace self-sufficiency: ``jobs in the area / employed residents × 100``.

    Statistics Finland, *työpaikkaomavaraisuus* (table tyokay 125s): over 100 means the area
    has more jobs than employed residents (net in-commuting).

    Returns
    -------
    Same kind as the inputs
        NaN where ``employed_residents`` is 0 or a cell is missing. A Series is named
        ``workplace_self_sufficiency``.

    Examples
    --------
    >>> workplace_self_sufficiency(23_000, 20_000)
    115.0
    """
    j = _numeric("jobs", jobs)
    r = _numeric("employed_residents", employed_residents)
    j, r = _align(jobs=j, employed_residents=r)
    return _named(_divide(j * 100.0, r), "workplace_self_sufficiency")  # type: ignore[operator]

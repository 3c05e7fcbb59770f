"""Tests of punos_lib.indicators: hand-computed cases (arithmetic written out) and real data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from punos_lib.errors import InputError
from punos_lib.indicators import (
    demographic_dependency,
    demographic_dependency_from_ages,
    economic_dependency,
    job_openings,
    location_quotient,
    mismatch_index,
    mismatch_over_time,
    project_exits,
    rolling_tightness,
    shift_share,
    share_aged_55_plus,
    tightness,
    workplace_self_sufficiency,
)

# --- location quotient -------------------------------------------------------------------------


def test_location_quotient_hand_computed() -> None:
    # region total 10 + 30 + 60 = 100, nation total 200 + 300 + 500 = 1000
    region = pd.Series({"02": 10.0, "16": 30.0, "86": 60.0})
    nation = pd.Series({"86": 500.0, "02": 200.0, "16": 300.0})  # other order: aligned by label
    lq = location_quotient(region, nation)
    assert lq.name == "location_quotient"
    assert list(lq.index) == ["02", "16", "86"]
    assert lq["02"] == pytest.approx((10 / 100) / (200 / 1000))  # 0.5
    assert lq["16"] == pytest.approx((30 / 100) / (300 / 1000))  # 1.0
    assert lq["86"] == pytest.approx((60 / 100) / (500 / 1000))  # 1.2
    assert lq.attrs == {"region_total": 100.0, "nation_total": 1000.0}


def test_location_quotient_explicit_totals() -> None:
    region = pd.Series({"16": 30.0})
    nation = pd.Series({"16": 300.0})
    lq = location_quotient(region, nation, region_total=100, nation_total=6000)
    assert lq["16"] == pytest.approx((30 / 100) / (300 / 6000))  # 6.0


def test_location_quotient_zero_national_industry_is_nan() -> None:
    region = pd.Series({"A": 0.0, "B": 10.0})
    nation = pd.Series({"A": 0.0, "B": 100.0})
    lq = location_quotient(region, nation)
    assert math.isnan(lq["A"])
    assert lq["B"] == pytest.approx((10 / 10) / (100 / 100))  # 1.0


def test_location_quotient_missing_cell_propagates_and_totals_skip_it() -> None:
    region = pd.Series({"A": np.nan, "B": 20.0, "C": 20.0})
    nation = pd.Series({"A": 50.0, "B": 100.0, "C": 300.0})
    lq = location_quotient(region, nation)
    assert math.isnan(lq["A"])
    # region total over known cells = 40; nation total = 450
    assert lq["B"] == pytest.approx((20 / 40) / (100 / 450))
    assert lq.attrs["region_total"] == 40.0


def test_location_quotient_index_mismatch_is_an_error() -> None:
    region = pd.Series({"16": 1.0, "17": 2.0})
    nation = pd.Series({"16": 1.0, "C16": 2.0})
    with pytest.raises(InputError, match=r"only in region: '17'; only in nation: 'C16'"):
        location_quotient(region, nation)


@pytest.mark.parametrize(
    ("region", "nation", "pattern"),
    [
        (pd.Series({"A": -1.0, "B": 1.0}), pd.Series({"A": 1.0, "B": 1.0}), "negative at 'A'"),
        (pd.Series({"A": 0.0}), pd.Series({"A": 1.0}), "region_total is 0.0"),
        (pd.Series({"A": 1.0}), pd.Series({"A": "x"}), "must be numeric"),
        (pd.Series([1.0, 2.0], index=["A", "A"]), pd.Series({"A": 1.0}), "repeated: 'A'"),
    ],
)
def test_location_quotient_bad_input(region: pd.Series, nation: pd.Series, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        location_quotient(region, nation)


# --- shift-share -------------------------------------------------------------------------------


def test_shift_share_hand_computed_and_additive() -> None:
    region_start = pd.Series({"A": 100.0, "B": 50.0, "C": 0.0})
    region_end = pd.Series({"A": 120.0, "B": 40.0, "C": 7.0})
    nation_start = pd.Series({"A": 1000.0, "B": 1000.0, "C": 500.0})  # total 2500
    nation_end = pd.Series({"A": 1300.0, "B": 900.0, "C": 550.0})  # total 2750
    out = shift_share(region_start, region_end, nation_start, nation_end)
    g = 2750 / 2500 - 1  # 0.1
    assert out.attrs["national_growth"] == pytest.approx(g)
    assert list(out.columns) == ["national", "industry_mix", "regional", "total"]
    # A: g_A = 1300/1000 - 1 = 0.3; g_Ar = 120/100 - 1 = 0.2
    assert out.loc["A", "national"] == pytest.approx(100 * 0.1)  # 10
    assert out.loc["A", "industry_mix"] == pytest.approx(100 * (0.3 - 0.1))  # 20
    assert out.loc["A", "regional"] == pytest.approx(100 * (0.2 - 0.3))  # -10
    assert out.loc["A", "total"] == 20.0
    # B: g_B = -0.1; g_Br = -0.2
    assert out.loc["B", "national"] == pytest.approx(50 * 0.1)  # 5
    assert out.loc["B", "industry_mix"] == pytest.approx(50 * (-0.1 - 0.1))  # -10
    assert out.loc["B", "regional"] == pytest.approx(50 * (-0.2 - -0.1))  # -5
    # C starts at zero in the region: no national or mix share, all 7 new jobs are regional
    assert out.loc["C", "national"] == 0.0
    assert out.loc["C", "industry_mix"] == 0.0
    assert out.loc["C", "regional"] == 7.0
    # the three shares add up to the actual change in every industry
    parts = out["national"] + out["industry_mix"] + out["regional"]
    np.testing.assert_allclose(parts, region_end - region_start, rtol=0, atol=1e-9)
    np.testing.assert_allclose(out["total"], [20.0, -10.0, 7.0])


def test_shift_share_zero_national_start_with_zero_region_start() -> None:
    # A new industry nationally: g_i undefined, the region's growth is all regional.
    out = shift_share(
        pd.Series({"A": 10.0, "N": 0.0}),
        pd.Series({"A": 10.0, "N": 3.0}),
        pd.Series({"A": 100.0, "N": 0.0}),
        pd.Series({"A": 100.0, "N": 20.0}),
    )
    assert out.loc["N"].tolist() == [0.0, 0.0, 3.0, 3.0]
    # A: g = 120/100 - 1 = 0.2, g_A = 0, g_Ar = 0 -> 2, -2, 0
    assert out.loc["A"].tolist() == pytest.approx([10 * 0.2, 10 * (0 - 0.2), 0.0, 0.0])


def test_shift_share_region_without_nation_is_an_error() -> None:
    with pytest.raises(InputError, match="region_start has employment where nation_start has none"):
        shift_share(
            pd.Series({"A": 1.0, "B": 1.0}),
            pd.Series({"A": 1.0, "B": 1.0}),
            pd.Series({"A": 5.0, "B": 0.0}),
            pd.Series({"A": 5.0, "B": 1.0}),
        )


def test_shift_share_missing_cell_gives_nan_row_only() -> None:
    out = shift_share(
        pd.Series({"A": 10.0, "B": np.nan}),
        pd.Series({"A": 12.0, "B": 4.0}),
        pd.Series({"A": 100.0, "B": 50.0}),
        pd.Series({"A": 110.0, "B": 60.0}),
    )
    assert out.loc["B"].isna().all()
    # g = 170/150 - 1; national share of A = 10 * g
    assert out.loc["A", "national"] == pytest.approx(10 * (170 / 150 - 1))


def test_shift_share_index_mismatch() -> None:
    s = pd.Series({"A": 1.0})
    with pytest.raises(InputError, match="only in nation_end: 'B'"):
        shift_share(s, s, s, pd.Series({"A": 1.0, "B": 1.0}))


# --- tightness -----------------------------------------------------------------------------------


def test_tightness_elementwise_with_zero_and_missing() -> None:
    v = pd.Series({"a": 3.0, "b": 0.0, "c": 5.0, "d": np.nan})
    u = pd.Series({"b": 0.0, "a": 6.0, "c": 0.0, "d": 4.0})
    t = tightness(v, u)
    assert t.name == "tightness"
    assert t["a"] == 3 / 6
    assert math.isnan(t["b"]) and math.isnan(t["c"]) and math.isnan(t["d"])
    assert tightness(1, 4) == 0.25
    assert math.isnan(tightness(1, 0))


def test_tightness_dataframe_and_mismatch() -> None:
    v = pd.DataFrame({"x": [1.0, 2.0]}, index=["m1", "m2"])
    u = pd.DataFrame({"x": [4.0, 8.0]}, index=["m1", "m2"])
    assert tightness(v, u)["x"].tolist() == [0.25, 0.25]
    with pytest.raises(InputError, match="same index labels"):
        tightness(pd.Series({"a": 1.0}), pd.Series({"b": 1.0}))
    with pytest.raises(InputError, match="negative"):
        tightness(pd.Series({"a": -1.0}), pd.Series({"a": 1.0}))


def test_rolling_tightness_is_ratio_of_sums() -> None:
    months = [f"2023M{m:02d}" for m in range(1, 6)]
    v = pd.Series([2.0, 4.0, 6.0, 0.0, 9.0], index=months)
    u = pd.Series([2.0, 8.0, 2.0, 0.0, 0.0], index=months)
    out = rolling_tightness(v, u, window=3)
    assert out.iloc[:2].isna().all()
    assert out.iloc[2] == pytest.approx((2 + 4 + 6) / (2 + 8 + 2))  # 1.0
    assert out.iloc[3] == pytest.approx((4 + 6 + 0) / (8 + 2 + 0))  # 1.0
    assert out.iloc[4] == pytest.approx((6 + 0 + 9) / (2 + 0 + 0))  # 7.5
    # the mean of monthly ratios would be undefined here (months with U = 0); sums are not
    window1 = rolling_tightness(v, u, window=1)
    assert math.isnan(window1.iloc[3])


def test_rolling_tightness_missing_month_value_and_gaps() -> None:
    months = ["2023M11", "2023M12", "2024M01", "2024M02"]
    v = pd.Series([1.0, np.nan, 1.0, 1.0], index=months)
    u = pd.Series([1.0, 1.0, 1.0, 1.0], index=months)
    out = rolling_tightness(v, u, window=2)
    assert out.isna().tolist() == [True, True, True, False]  # NaN inside a window -> NaN
    assert out.iloc[3] == pytest.approx(2 / 2)
    gap = ["2023M11", "2024M01"]
    with pytest.raises(InputError, match="missing from the series: '2023M12'"):
        rolling_tightness(pd.Series([1.0, 1.0], index=gap), pd.Series([1.0, 1.0], index=gap), 1)
    with pytest.raises(InputError, match="increasing order"):
        rolling_tightness(v[::-1], u[::-1], 2)
    with pytest.raises(InputError, match="window"):
        rolling_tightness(v, u, 0)


def test_rolling_tightness_dataframe_by_unit() -> None:
    index = pd.period_range("2023-01", periods=3, freq="M")
    v = pd.DataFrame({"A": [1.0, 1.0, 1.0], "B": [0.0, 3.0, 3.0]}, index=index)
    u = pd.DataFrame({"A": [2.0, 2.0, 2.0], "B": [1.0, 1.0, 1.0]}, index=index)
    out = rolling_tightness(v, u, window=2)
    assert out["A"].tolist()[1:] == [0.5, 0.5]  # (1+1)/(2+2)
    assert out["B"].tolist()[1:] == [1.5, 3.0]  # (0+3)/(1+1), (3+3)/(1+1)


# --- mismatch index (hand-computed) -------------------------------------------------------------


def test_mismatch_index_hand_computed() -> None:
    v = pd.Series({"A": 1.0, "B": 3.0})  # shares 1/4, 3/4
    u = pd.Series({"A": 3.0, "B": 1.0})  # shares 3/4, 1/4
    expected = 1 - (math.sqrt(1 / 4 * 3 / 4) + math.sqrt(3 / 4 * 1 / 4))  # 1 - sqrt(3)/2
    assert mismatch_index(v, u) == pytest.approx(expected)
    assert mismatch_index(v, u) == pytest.approx(1 - math.sqrt(3) / 2)
    # a = 0.7: 1 - ((1/4)^0.7 (3/4)^0.3 + (3/4)^0.7 (1/4)^0.3)
    expected_07 = 1 - ((1 / 4) ** 0.7 * (3 / 4) ** 0.3 + (3 / 4) ** 0.7 * (1 / 4) ** 0.3)
    assert mismatch_index(v, u, a=0.7) == pytest.approx(expected_07)


def test_mismatch_index_bounds() -> None:
    same = pd.Series({"A": 2.0, "B": 6.0, "C": 2.0})
    assert mismatch_index(same, same * 7) == pytest.approx(0.0, abs=1e-12)
    apart_v = pd.Series({"A": 5.0, "B": 0.0})
    apart_u = pd.Series({"A": 0.0, "B": 9.0})
    assert mismatch_index(apart_v, apart_u) == 1.0


def test_mismatch_index_missing_policy() -> None:
    v = pd.Series({"A": 1.0, "B": 3.0, "C": np.nan})
    u = pd.Series({"A": 3.0, "B": 1.0, "C": 100.0})
    # C is dropped, so the result equals the two-unit case above
    assert mismatch_index(v, u) == pytest.approx(1 - math.sqrt(3) / 2)
    with pytest.raises(InputError, match="missing counts for units 'C'"):
        mismatch_index(v, u, missing="raise")


@pytest.mark.parametrize(
    ("v", "u", "kwargs", "pattern"),
    [
        ({"A": 0.0, "B": 0.0}, {"A": 1.0, "B": 1.0}, {}, "V = 0"),
        ({"A": np.nan}, {"A": 1.0}, {}, "no unit has both"),
        ({"A": 1.0}, {"A": 1.0}, {"a": 1.0}, "strictly between 0 and 1"),
        ({"A": 1.0}, {"A": 1.0}, {"a": 0}, "strictly between 0 and 1"),
        ({"A": 1.0}, {"A": 1.0}, {"missing": "zero"}, "'drop' or 'raise'"),
        ({"A": 1.0}, {"B": 1.0}, {}, "same index labels"),
    ],
)
def test_mismatch_index_errors(v: dict, u: dict, kwargs: dict, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        mismatch_index(pd.Series(v, dtype=float), pd.Series(u, dtype=float), **kwargs)


def test_mismatch_over_time_hand_computed_with_dropped_units() -> None:
    frame = pd.DataFrame(
        {
            "month": ["m1", "m1", "m1", "m2", "m2", "m3"],
            "occ": ["A", "B", "C", "A", "B", "A"],
            "v": [1.0, 3.0, np.nan, 2.0, 2.0, 0.0],
            "u": [3.0, 1.0, 5.0, 1.0, 1.0, 4.0],
        }
    )
    out = mismatch_over_time(frame, "occ", "month", "v", "u")
    assert out.name == "mismatch_index"
    assert out.index.name == "month"
    assert list(out.index) == ["m1", "m2", "m3"]
    assert out["m1"] == pytest.approx(1 - math.sqrt(3) / 2)  # C dropped
    assert out["m2"] == pytest.approx(0.0, abs=1e-12)  # equal shares 1/2, 1/2
    assert math.isnan(out["m3"])  # V = 0: undefined
    assert out.attrs["units_dropped"] == {"m1": 1, "m2": 0, "m3": 0}
    assert out.attrs["units_used"] == {"m1": 2, "m2": 2, "m3": 1}


def test_mismatch_over_time_errors() -> None:
    frame = pd.DataFrame({"t": [1, 1], "k": ["A", "A"], "v": [1.0, 1.0], "u": [1.0, 1.0]})
    with pytest.raises(InputError, match="'A' appears more than once in t '1'"):
        mismatch_over_time(frame, "k", "t", "v", "u")
    with pytest.raises(InputError, match="vacancies_col='vac' is not a column"):
        mismatch_over_time(frame, "k", "t", "vac", "u")


# --- mismatch index and tightness on the real Employment Service Statistics ----------------------

MONTHS = ["2008M06", "2015M03", "2020M04", "2023M10"]


@pytest.fixture(scope="module")
def tyonv_12ti(reference: Path) -> pd.DataFrame:
    """Table 12ti for Etelä-Savo and the whole country, 4-digit occupations, four months."""
    path = reference / "tyonv" / "12ti_regions_occupations_2006M01-2023M10.csv.gz"
    raw = pd.read_csv(
        path,
        dtype={"alue": "category", "ammattiryhma": "category", "tiedot": "category",
               "kuukausi": "category", "value": "float64"},
    )
    raw = raw[raw["alue"].isin(["MK10", "SSS"]) & raw["kuukausi"].isin(MONTHS)]
    codes = raw["ammattiryhma"].astype(str)
    # 4-digit AML 2010 occupations only: not the total SSS, not the X-classes (unknown)
    raw = raw[codes.str.fullmatch(r"\d{4}")]
    wide = raw.pivot_table(
        index=["alue", "kuukausi", "ammattiryhma"], columns="tiedot", values="value",
        observed=True, dropna=False, aggfunc="first",
    ).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    return wide.rename(columns={"AVPAIKATLOPUSSA": "v", "TYOTTOMATLOPUSSA": "u"})


def straightforward_mismatch(rows: pd.DataFrame) -> float:
    """The definition written out with a loop, independent of the library."""
    pairs = [(v, u) for v, u in zip(rows["v"], rows["u"]) if not (math.isnan(v) or math.isnan(u))]
    big_v = sum(v for v, _ in pairs)
    big_u = sum(u for _, u in pairs)
    return 1 - sum(math.sqrt((v / big_v) * (u / big_u)) for v, u in pairs)


@pytest.mark.parametrize("area", ["MK10", "SSS"])
def test_mismatch_on_real_12ti(tyonv_12ti: pd.DataFrame, area: str) -> None:
    data = tyonv_12ti[tyonv_12ti["alue"] == area]
    assert data["ammattiryhma"].astype(str).str.fullmatch(r"\d{4}").all()
    out = mismatch_over_time(data, "ammattiryhma", "kuukausi", "v", "u")
    assert list(map(str, out.index)) == MONTHS
    for month in MONTHS:
        rows = data[data["kuukausi"] == month]
        series_v = pd.Series(rows["v"].to_numpy(), index=rows["ammattiryhma"].astype(str))
        series_u = pd.Series(rows["u"].to_numpy(), index=rows["ammattiryhma"].astype(str))
        m = mismatch_index(series_v, series_u)
        assert 0 <= m <= 1
        assert m == pytest.approx(straightforward_mismatch(rows), abs=1e-12)
        assert out[month] == pytest.approx(m, abs=1e-12)
        # invariant to scaling vacancies or jobseekers
        assert mismatch_index(series_v * 3.5, series_u) == pytest.approx(m, abs=1e-12)
        assert mismatch_index(series_v, series_u / 10) == pytest.approx(m, abs=1e-12)
        # dropped = occupations with a suppressed (empty) vacancy or jobseeker cell
        n_missing = int((rows["v"].isna() | rows["u"].isna()).sum())
        assert out.attrs["units_dropped"][month] == n_missing
        assert out.attrs["units_used"][month] == len(rows) - n_missing
        # property: M = 0 when jobseekers are distributed like vacancies
        known = series_v.notna() & series_u.notna()
        assert mismatch_index(series_v[known], 2 * series_v[known]) == pytest.approx(0, abs=1e-12)
    # the real data have suppressed cells, so the drop policy is exercised
    assert sum(out.attrs["units_dropped"].values()) > 0


def test_mismatch_real_region_differs_from_country(tyonv_12ti: pd.DataFrame) -> None:
    # Not a value check but a sanity check that the two areas are computed separately.
    region = tyonv_12ti[tyonv_12ti["alue"] == "MK10"]
    country = tyonv_12ti[tyonv_12ti["alue"] == "SSS"]
    a = mismatch_over_time(region, "ammattiryhma", "kuukausi", "v", "u")
    b = mismatch_over_time(country, "ammattiryhma", "kuukausi", "v", "u")
    assert not np.allclose(a.to_numpy(), b.to_numpy())


def test_tightness_on_real_12r5(reference: Path) -> None:
    path = reference / "tyonv" / "12r5_areas_2006M01-2023M10.csv.gz"
    raw = pd.read_csv(path, dtype={"alue": str, "tiedot": str, "kuukausi": str})
    cells = raw[raw["alue"].isin(["MK10", "KU491"]) & (raw["kuukausi"] == "2023M10")]
    wide = cells.pivot(index="alue", columns="tiedot", values="value")
    # PROVENANCE.md: MK10 2023M10 = 5,621 unemployed jobseekers and 718 vacancies;
    # Mikkeli KU491 = 2,426 / 360.
    assert wide.loc["MK10", "TYOTTOMATLOPUSSA"] == 5621
    assert wide.loc["MK10", "AVPAIKATLOPUSSA"] == 718
    assert wide.loc["KU491", "TYOTTOMATLOPUSSA"] == 2426
    assert wide.loc["KU491", "AVPAIKATLOPUSSA"] == 360
    t = tightness(wide["AVPAIKATLOPUSSA"], wide["TYOTTOMATLOPUSSA"])
    assert t["MK10"] == pytest.approx(718 / 5621)
    assert t["KU491"] == pytest.approx(360 / 2426)


# --- replacement demand and job openings --------------------------------------------------------


def test_share_aged_55_plus_series_and_total_ignored() -> None:
    employed = pd.Series({"15-24": 10.0, "25-54": 60.0, "55-59": 20.0, "60-64": 8.0, "65-": 2.0,
                          "SSS": 100.0})
    assert share_aged_55_plus(employed) == pytest.approx((20 + 8 + 2) / (10 + 60 + 20 + 8 + 2))


def test_share_aged_55_plus_by_group_with_missing_and_zero() -> None:
    frame = pd.DataFrame(
        {
            "occupation": ["3221"] * 3 + ["5321"] * 3 + ["6210"] * 3,
            "age_group": ["15-54", "55-64", "65-"] * 3,
            "employed": [70.0, 25.0, 5.0, 40.0, np.nan, 1.0, 0.0, 0.0, 0.0],
        }
    )
    share = share_aged_55_plus(frame, by="occupation")
    assert share.name == "share_aged_55_plus"
    assert share["3221"] == pytest.approx((25 + 5) / (70 + 25 + 5))  # 0.3
    assert math.isnan(share["5321"])  # a suppressed cell
    assert math.isnan(share["6210"])  # nobody employed


def test_share_aged_55_plus_single_years_and_errors() -> None:
    ages = pd.Series({54: 3.0, 55: 1.0, 56: 1.0})
    assert share_aged_55_plus(ages) == pytest.approx(2 / 5)
    with pytest.raises(InputError, match="'50-59' straddles age 55"):
        share_aged_55_plus(pd.Series({"15-49": 1.0, "50-59": 1.0}))
    with pytest.raises(InputError, match="cannot read age label 'old'"):
        share_aged_55_plus(pd.Series({"old": 1.0}))


def test_project_exits_hand_computed() -> None:
    stock = pd.Series({67: 100.0, 68: 200.0, 69: 50.0})
    rates = {68: 0.1, 69: 0.2}
    out = project_exits(stock, rates, horizon=3, start_year=2023)
    assert list(out.index) == [2024, 2025, 2026]
    # 2024: 67->68: 100*0.1 = 10 exit, 90 remain; 68->69: 200*0.2 = 40 exit, 160 remain;
    #       69->70: all 50 exit.  exits 100, remaining 250
    # 2025: 68->69: 90*0.2 = 18 exit, 72 remain; 69->70: 160 exit. exits 178, remaining 72
    # 2026: 69->70: 72 exit. remaining 0
    assert out["exits"].tolist() == pytest.approx([100.0, 178.0, 72.0])
    assert out["remaining"].tolist() == pytest.approx([250.0, 72.0, 0.0])
    assert out["cumulative_exits"].tolist() == pytest.approx([100.0, 278.0, 350.0])
    assert out.attrs["initial_stock"] == 350.0


def test_project_exits_groups_split_evenly_and_open_top() -> None:
    # "65-69": 50 -> 10 at each of 65..69; "70-": 7 exit in the first year.
    stock = pd.Series({"65-69": 50.0, "70-": 7.0, "SSS": 57.0})
    rates = {66: 0.5, 67: 0.5, 68: 0.5, 69: 0.5}
    out = project_exits(stock, rates, horizon=1, start_year=2020)
    # 65->66: 10*0.5; 66->67: 10*0.5; 67->68: 10*0.5; 68->69: 10*0.5; 69->70: 10; 70+: 7
    assert out.loc[2021, "exits"] == pytest.approx(4 * 5 + 10 + 7)
    assert out.loc[2021, "remaining"] == pytest.approx(4 * 5)


def test_project_exits_closed_cohort_everyone_leaves_by_70() -> None:
    stock = pd.Series({20: 10.0, 40: 10.0})
    rates = {age: 0.0 for age in range(21, 70)}
    out = project_exits(stock, rates, horizon=50, start_year=2000)
    # with zero rates the 40-year-olds all leave in the year they turn 70 (2030), the
    # 20-year-olds in 2050; nobody enters
    assert out.loc[2030, "exits"] == 10.0
    assert out.loc[2050, "exits"] == 10.0
    assert out["exits"].sum() == 20.0
    assert out["remaining"].is_monotonic_decreasing


def test_project_exits_errors() -> None:
    with pytest.raises(InputError, match="lack ages 69"):
        project_exits(pd.Series({67: 1.0}), {68: 0.1}, horizon=2, start_year=2023)
    with pytest.raises(InputError, match="open age group '65-'"):
        project_exits(pd.Series({"65-": 1.0}), {}, horizon=1, start_year=2023)
    with pytest.raises(InputError, match="missing value at age 67"):
        project_exits(pd.Series({67: np.nan}), {68: 0.1}, horizon=1, start_year=2023)
    with pytest.raises(InputError, match=r"must be in \[0, 1\]"):
        project_exits(pd.Series({67: 1.0}), {68: 1.5}, horizon=1, start_year=2023)
    with pytest.raises(InputError, match="horizon"):
        project_exits(pd.Series({67: 1.0}), {68: 0.1}, horizon=0, start_year=2023)


def test_job_openings_allows_negative_expansion() -> None:
    expansion = pd.Series({"3221": 50.0, "8172": -40.0, "6210": -5.0, "x": np.nan})
    replacement = pd.Series({"3221": 100.0, "8172": 30.0, "6210": 20.0, "x": 1.0})
    out = job_openings(expansion, replacement)
    assert out.name == "job_openings"
    assert out["3221"] == 150.0  # 50 + 100
    assert out["8172"] == -10.0  # -40 + 30: not clipped at zero
    assert out["6210"] == 15.0  # -5 + 20
    assert math.isnan(out["x"])
    # additive: the total of the sums equals the sum of the totals
    assert out.sum() == expansion.sum() + replacement.iloc[:3].sum()
    with pytest.raises(InputError, match="replacement: counts cannot be negative"):
        job_openings(1.0, -1.0)


# --- dependency ratios and self-sufficiency ----------------------------------------------------


def test_demographic_dependency_hand_computed() -> None:
    young = pd.Series({"KU491": 6000.0, "KU046": 0.0})
    working = pd.Series({"KU491": 30000.0, "KU046": 0.0})
    old = pd.Series({"KU491": 15000.0, "KU046": 10.0})
    out = demographic_dependency(young, working, old)
    assert out.name == "demographic_dependency"
    assert out["KU491"] == pytest.approx((6000 + 15000) / 30000 * 100)  # 70.0
    assert math.isnan(out["KU046"])  # no working-age population
    assert demographic_dependency(10, 50, 15) == pytest.approx((10 + 15) / 50 * 100)  # 50.0


def statfin_ages(values: dict[int, float]) -> list[str]:
    return [f"{a:03d}" if a < 100 else "100-" for a in values]


def test_demographic_dependency_from_statfin_ages() -> None:
    # one person at each age 0..99 and 3 aged 100+, area A; area B has twice as many
    pops = {age: 1.0 for age in range(100)} | {100: 3.0}
    labels = statfin_ages(pops)
    frame = pd.DataFrame(
        {
            "area": ["A"] * len(labels) + ["B"] * len(labels) + ["A"],
            "age": labels + labels + ["SSS"],
            "population": list(pops.values()) + [2 * x for x in pops.values()] + [103.0],
        }
    )
    # 0-14: 15 people; 15-64: 50; 65+: 35 (65..99) + 3 = 38 -> (15 + 38) / 50 * 100 = 106
    out = demographic_dependency_from_ages(frame, by="area")
    assert out["A"] == pytest.approx((15 + 38) / 50 * 100)
    assert out["B"] == pytest.approx((30 + 76) / 100 * 100)
    whole = demographic_dependency_from_ages(frame[frame["area"] == "A"])
    assert whole == pytest.approx(106.0)


def test_demographic_dependency_from_int_ages_and_groups() -> None:
    ints = pd.DataFrame({"age": list(range(0, 80)), "population": [2.0] * 80})
    # 0-14: 30; 15-64: 100; 65-79: 30 -> 60
    assert demographic_dependency_from_ages(ints) == pytest.approx((30 + 30) / 100 * 100)
    groups = pd.DataFrame({"ika": ["0-14", "15-64", "65-"], "vaesto": [1.0, 4.0, 3.0]})
    assert demographic_dependency_from_ages(groups, "ika", "vaesto") == pytest.approx(100.0)


def test_demographic_dependency_from_ages_errors() -> None:
    gap = pd.DataFrame({"age": [0, 1, 3] + list(range(4, 70)), "population": 1.0})
    with pytest.raises(InputError, match="ages 2–2 are missing"):
        demographic_dependency_from_ages(gap)
    short = pd.DataFrame({"age": list(range(60)), "population": 1.0})
    with pytest.raises(InputError, match="stop at 59"):
        demographic_dependency_from_ages(short)
    straddle = pd.DataFrame({"age": ["0-19", "20-64", "65-"], "population": 1.0})
    with pytest.raises(InputError, match="'0-19' straddles age 15"):
        demographic_dependency_from_ages(straddle)
    uneven = pd.DataFrame(
        {"area": ["A"] * 70 + ["B"] * 69, "age": list(range(70)) + list(range(69)),
         "population": 1.0}
    )
    with pytest.raises(InputError, match="group 'B' has 69 of the 70 age groups"):
        demographic_dependency_from_ages(uneven, by="area")
    with pytest.raises(InputError, match="column 'ika' not in the frame"):
        demographic_dependency_from_ages(uneven, age_col="ika")


def test_demographic_dependency_from_ages_missing_cell_is_nan() -> None:
    frame = pd.DataFrame({"age": list(range(70)), "population": [1.0] * 69 + [np.nan]})
    assert math.isnan(demographic_dependency_from_ages(frame))


def test_economic_dependency_and_self_sufficiency() -> None:
    # (5 000 + 45 000) / 40 000 * 100 = 125
    assert economic_dependency(5000, 45000, 40000) == pytest.approx(125.0)
    out = economic_dependency(
        pd.Series({"A": 1.0, "B": 1.0}), pd.Series({"A": 3.0, "B": 1.0}),
        pd.Series({"A": 2.0, "B": 0.0}),
    )
    assert out.name == "economic_dependency"
    assert out["A"] == pytest.approx((1 + 3) / 2 * 100)  # 200
    assert math.isnan(out["B"])
    # 21 000 jobs / 20 000 employed residents * 100 = 105
    jobs = pd.Series({"KU491": 21000.0, "KU046": 300.0, "KU000": 5.0})
    residents = pd.Series({"KU491": 20000.0, "KU046": 500.0, "KU000": 0.0})
    ws = workplace_self_sufficiency(jobs, residents)
    assert ws.name == "workplace_self_sufficiency"
    assert ws["KU491"] == pytest.approx(105.0)
    assert ws["KU046"] == pytest.approx(300 / 500 * 100)  # 60
    assert math.isnan(ws["KU000"])
    with pytest.raises(InputError, match="expected a number"):
        workplace_self_sufficiency("21000", 20000)


def test_inputs_nullable_integers_and_dataframe_checks() -> None:
    # StatFin-style nullable integers: pd.NA is a missing cell
    v = pd.Series([1, 2], dtype="Int64")
    u = pd.Series([2, pd.NA], dtype="Int64")
    assert tightness(v, u).tolist()[0] == 0.5
    assert math.isnan(tightness(v, u).tolist()[1])
    with pytest.raises(InputError, match=r"negative at \(1, 'a'\)"):
        tightness(pd.DataFrame({"a": [1.0, -2.0]}), pd.DataFrame({"a": [1.0, 1.0]}))
    with pytest.raises(InputError, match="mix of Series and DataFrame"):
        tightness(pd.DataFrame({"a": [1.0]}), pd.Series([1.0]))
    with pytest.raises(InputError, match="same columns labels"):
        tightness(pd.DataFrame({"a": [1.0]}), pd.DataFrame({"b": [1.0]}))


def test_share_aged_55_plus_by_two_columns() -> None:
    frame = pd.DataFrame(
        {
            "area": ["MK10"] * 3 + ["SSS"] * 3,
            "year": [2022] * 6,
            "age_group": ["15-54", "55-64", "65-"] * 2,
            "employed": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    share = share_aged_55_plus(frame, by=["area", "year"])
    assert share.loc[("MK10", 2022)] == pytest.approx((2 + 3) / (1 + 2 + 3))
    assert share.loc[("SSS", 2022)] == pytest.approx((5 + 6) / (4 + 5 + 6))


def test_dependency_refuses_overlapping_age_groups():
    # Single ages 0-99 plus a StatFin-style "015-064" subtotal row: 15-64 would be counted twice.
    ages = [f"{a:03d}" for a in range(100)] + ["015-064"]
    frame = pd.DataFrame({"age": ages, "population": [1.0] * 100 + [50.0]})
    with pytest.raises(InputError, match="overlaps"):
        demographic_dependency_from_ages(frame)


def test_shift_share_refuses_an_empty_or_missing_national_end_total():
    s = pd.Series({"16": 10.0, "86": 20.0})
    with pytest.raises(InputError, match="nation_end_total"):
        shift_share(s, s, s, s, nation_end_total=float("nan"))
    with pytest.raises(InputError, match="nation_end_total"):
        shift_share(s, s, s, s * 0)

"""Tests of punos_lib.registry.comparison: the forum's view beside the statistics (chapter 10)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from punos_lib.errors import InputError
from punos_lib.present import curated, figures
from punos_lib.registry import comparison
from punos_lib.registry.forums import EXAMPLE_MARK


def _months(n: int, start: str = "2022-01") -> list[str]:
    return [f"{p.year}M{p.month:02d}" for p in pd.period_range(start, periods=n, freq="M")]


def _jobseekers() -> pd.DataFrame:
    months = _months(14)
    rows = []
    for i, month in enumerate(months):
        # 3221: U = 10 every month, V = i (0..13); 5321: U = 20, V = 2, one suppressed month;
        # 2211 in another region only.
        rows.append(("MK10", "3221", "Sairaanhoitajat ym.", month, 10.0, float(i)))
        rows.append(("MK10", "5321", "Lähihoitajat", month, 20.0, np.nan if month == "2022M12" else 2.0))
        rows.append(("MK07", "2211", "Yleislääkärit", month, 5.0, 9.0))
    frame = pd.DataFrame(rows, columns=["area", "occupation", "occupation_name", "month", "unemployed",
                                        "vacancies"])
    frame.attrs["provenance"] = {"datasets": ["jobseekers_by_occupation"], "entries": [], "synthetic": True,
                                 "attribution": ["Lähde: Tilastokeskus"], "updated": {}}
    return frame


def test_occupation_indicators_sums_the_latest_twelve_months():
    result = comparison.occupation_indicators(_jobseekers(), "MK10", ["3221", "5321", "2211"])
    assert result.attrs["period"] == ("2022M03", "2023M02") and result.attrs["months"] == 12
    by = result.set_index("aml")
    # 3221: vacancies 2..13 sum to 90, jobseekers 12 * 10 = 120
    assert by.loc["3221", "tightness"] == pytest.approx(90 / 120)
    assert by.loc["3221", "vacancies"] == pytest.approx(90 / 12)
    assert by.loc["3221", "unemployed"] == pytest.approx(10.0)
    # 5321 has a suppressed month (2022M12) inside the window: no tightness, no mean
    assert np.isnan(by.loc["5321", "tightness"]) and np.isnan(by.loc["5321", "vacancies"])
    # 2211 exists only in another region
    assert np.isnan(by.loc["2211", "tightness"]) and by.loc["2211", "occupation_name"] == ""
    assert np.isnan(by["share_55plus"]).all() and result.attrs["share_55plus_scope"] == "ei saatavilla"
    assert result.attrs["provenance"]["synthetic"] is True


def test_occupation_indicators_uses_all_months_when_fewer_and_a_window_outside_suppression():
    short = comparison.occupation_indicators(_jobseekers(), "MK10", ["3221"], months=40)
    assert short.attrs["months"] == 14
    assert short["tightness"].iloc[0] == pytest.approx(sum(range(14)) / 140)
    late = comparison.occupation_indicators(_jobseekers(), "MK10", ["5321"], months=2)
    assert late["tightness"].iloc[0] == pytest.approx(4 / 40)


def test_occupation_indicators_share_aged_55_plus_and_errors():
    ages = pd.DataFrame({"occupation": ["3221"] * 3 + ["5321"] * 3,
                         "age_group": ["15-54", "55-64", "65-"] * 2,
                         "employed": [70.0, 20.0, 10.0, 50.0, 50.0, 0.0]})
    ages.attrs["scope"] = "koko maa"
    result = comparison.occupation_indicators(_jobseekers(), "MK10", ["3221", "5321"], ages=ages)
    assert result["share_55plus"].tolist() == pytest.approx([0.3, 0.5])
    assert result["share_55plus_group"].tolist() == ["3221", "5321"]
    assert result.attrs["share_55plus_scope"] == "koko maa"
    # coarser age data: the finest group whose code is a prefix of the occupation is used
    coarse = pd.DataFrame({"occupation": ["3", "3", "32", "32", "5", "5"],
                           "age_group": ["15-54", "55-"] * 3, "employed": [90.0, 10.0, 60.0, 40.0, 3.0, 1.0]})
    result = comparison.occupation_indicators(_jobseekers(), "MK10", ["3221", "5321", "2211"], ages=coarse)
    assert result["share_55plus_group"].tolist() == ["32", "5", ""]
    assert result["share_55plus"].tolist()[:2] == pytest.approx([0.4, 0.25])
    assert np.isnan(result["share_55plus"].iloc[2])
    with pytest.raises(InputError, match="no rows for area 'MK99'.*MK07, MK10"):
        comparison.occupation_indicators(_jobseekers(), "MK99", ["3221"])
    with pytest.raises(InputError, match="no occupation codes"):
        comparison.occupation_indicators(_jobseekers(), "MK10", [])
    js = _jobseekers()
    doubled = pd.concat([js, js[js["occupation"] == "3221"].tail(1)])
    with pytest.raises(InputError, match="several rows for area MK10, occupation 3221, month 2023M02"):
        comparison.occupation_indicators(doubled, "MK10", ["3221"])


class _Sector:
    def __init__(self, name_fi: str, aml: tuple[str, ...]) -> None:
        self.name_fi = name_fi
        self.aml = aml


def _assessments() -> pd.DataFrame:
    return pd.DataFrame({
        "sector": ["sote", "sote", "sote", "metsa"],
        "aml": ["3221", "3221", "5321", "6210"],
        "occupation_fi": ["Sairaanhoitajat ym.", "Sairaanhoitajat ym.", "Lähihoitajat", "Metsurit"],
        "state": ["balance", "balance", "shortage", "oversupply"],
        "severity": [1, 2, 4, 2],
        "example": [True, True, False, True],
    })


def test_forum_comparison_per_sector_with_the_agreement_rule():
    sectors = {"metsa": _Sector("Metsäala", ("6210",)), "sote": _Sector("Sote", ("3221", "5321"))}
    result = comparison.forum_comparison(_assessments(), _jobseekers(), "MK10", sectors)
    assert result[["sector", "aml"]].values.tolist() == [["metsa", "6210"], ["sote", "3221"], ["sote", "5321"]]
    by = result.set_index("aml")
    # 3221: T = 0.75 -> balanced (0.25 <= T < 1); forum says balance -> agree
    assert by.loc["3221", "data_signal"] == "balanced" and by.loc["3221", "agreement"] == "agree"
    assert by.loc["3221", "n_assessments"] == 2 and by.loc["3221", "severity_mean"] == 1.5
    # 5321: suppressed month -> no data; 6210: not in the data -> no data
    assert by.loc["5321", "agreement"] == "no data" and by.loc["6210", "agreement"] == "no data"
    assert by["example"].tolist() == [True, True, False]
    assert result.attrs["example"] is True and result.attrs["months"] == 12
    attribution = result.attrs["provenance"]["attribution"]
    assert attribution == ["Lähde: Tilastokeskus", "Punos-foorumiaineisto (esimerkkiarviot)"]
    # a lower shortage threshold makes 3221 tight, and the forum's "balance" disagrees
    strict = comparison.forum_comparison(_assessments(), _jobseekers(), "MK10", sectors, shortage_threshold=0.5)
    assert strict.set_index("aml").loc["3221", "agreement"] == "disagree"


def test_forum_comparison_refuses_unknown_sectors_and_no_assessments():
    with pytest.raises(InputError, match=r"\['sote'\]"):
        comparison.forum_comparison(_assessments(), _jobseekers(), "MK10", {"metsa": _Sector("M", ())})
    with pytest.raises(InputError, match="no stored assessments"):
        comparison.forum_comparison(_assessments().iloc[0:0], _jobseekers(), "MK10", {"sote": _Sector("S", ())})


def test_comparison_table_and_figure_carry_the_example_mark():
    sectors = {"metsa": _Sector("Metsäala", ("6210",)), "sote": _Sector("Sote", ("3221", "5321"))}
    result = comparison.forum_comparison(_assessments(), _jobseekers(), "MK10", sectors)
    table = comparison.comparison_table(result)
    row = table[table["Ammatti"].str.startswith("3221")].iloc[0]
    assert row["Foorumin arvio"] == "tasapaino" and row["Tiukkuus (V/U)"] == 0.75
    assert row["Yhteneväisyys"] == "yhtenevä" and row["Merkintä"] == EXAMPLE_MARK
    assert table["Merkintä"].tolist() == [EXAMPLE_MARK, EXAMPLE_MARK, ""]
    # Issue 10: the reader's table fits a 1400 px page (7 columns for one sector); the count of
    # assessments, the age group and the tightness class go to the download only, and the sector
    # column shows only when there are several sectors.
    assert list(table.columns) == ["Toimiala", "Ammatti", "Foorumin arvio", "Vakavuus (ka.)", "Tiukkuus (V/U)",
                                   "55+ osuus (%)", "Yhteneväisyys", "Merkintä"]
    full = comparison.comparison_table(result, detail=True)
    assert list(full.columns) == ["Toimiala", "Ammatti", "Arvioita", "Foorumin arvio", "Vakavuus (ka.)",
                                  "Tiukkuus (V/U)", "55+ osuus (%)", "55+ ammattiryhmä", "Tilastojen viesti",
                                  "Yhteneväisyys", "Merkintä"]
    one_sector = comparison.comparison_table(result[result["sector"] == "sote"])
    assert list(one_sector.columns) == list(table.columns)[1:]
    fig = curated.comparison_figure(result)
    notes = [t.get_text() for t in fig.texts if t.get_gid() == figures.NOTE_GID]
    assert EXAMPLE_MARK in notes
    assert figures.is_marked_synthetic(fig)         # the jobseeker data is synthetic here
    # one marker (3221 with a value); the two without tightness are not drawn at 0 but say so
    offsets = [c.get_offsets() for c in fig.axes[0].collections]
    assert sum(len(o) for o in offsets) == 1
    assert [float(x) for o in offsets for x, _ in o] == [pytest.approx(0.75)]
    no_data = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "punos-no-data"]
    assert len(no_data) == 2 and all(t.startswith("ei tiukkuustietoa") for t in no_data)
    assert any("puuttuu 2 ammatilta (kaikkiaan 3" in t.replace("\n", " ") for t in notes)


def test_occupation_indicators_on_real_12ti_data(reference):
    # Real jobseekers and vacancies by occupation (StatFin 12ti, recorded by PTT, old-form codes).
    path = reference / "tyonv" / "12ti_regions_occupations_2006M01-2023M10.csv.gz"
    raw = pd.read_csv(path, dtype={"alue": str, "ammattiryhma": str, "tiedot": str, "kuukausi": str})
    raw = raw[(raw["alue"] == "MK10") & (raw["ammattiryhma"].isin(["3221", "5321"]))
              & (raw["kuukausi"] >= "2022M11")]
    wide = raw.pivot_table(index=["ammattiryhma", "kuukausi"], columns="tiedot", values="value").reset_index()
    frame = pd.DataFrame({"area": "MK10", "occupation": wide["ammattiryhma"], "occupation_name": "",
                          "month": wide["kuukausi"], "unemployed": wide["TYOTTOMATLOPUSSA"],
                          "vacancies": wide["AVPAIKATLOPUSSA"]})
    result = comparison.occupation_indicators(frame, "MK10", ["3221", "5321"]).set_index("aml")
    assert result.attrs["period"] == ("2022M11", "2023M10")
    for code in ("3221", "5321"):
        part = raw[raw["ammattiryhma"] == code]
        v = part.loc[part["tiedot"] == "AVPAIKATLOPUSSA", "value"]
        u = part.loc[part["tiedot"] == "TYOTTOMATLOPUSSA", "value"]
        assert len(v) == 12 and len(u) == 12 and v.notna().all() and u.notna().all()
        assert result.loc[code, "tightness"] == pytest.approx(v.sum() / u.sum())


def test_compare_with_indicators_rule() -> None:
    assessments = pd.DataFrame({
        "aml": ["1000", "1000", "1000", "2000", "3000", "4000", "5000", "6000"],
        "occupation_fi": ["A", "A", "A", "B", "C", "D", "E", "F"],
        "state": ["shortage", "shortage", "balance", "oversupply", "balance",
                  "matching_problem", "shortage", "shortage"],
        "severity": [4, 2, 1, 3, 1, 2, 3, 2],
    })
    indicators = pd.DataFrame({
        "aml": ["1000", "2000", "3000", "4000", "5000"],
        "tightness": [1.2, 0.1, 0.5, 1.0, 0.99],
        "share_55plus": [0.3, 0.2, 0.1, 0.4, 0.25],
    })
    out = comparison.compare_with_indicators(assessments, indicators, shortage_threshold=1.0,
                                         oversupply_threshold=0.25).set_index("aml")
    assert out.loc["1000", ["n_assessments", "state", "state_fi"]].tolist() == [3, "shortage", "pula"]
    assert out.loc["1000", "severity_mean"] == pytest.approx(7 / 3)
    assert out["agreement"].to_dict() == {
        "1000": "agree",      # shortage, T 1.2 >= 1.0
        "2000": "agree",      # oversupply, T 0.1 < 0.25
        "3000": "agree",      # balance, 0.25 <= 0.5 < 1.0
        "4000": "agree",      # matching problem, T 1.0 is tight
        "5000": "disagree",   # shortage but T 0.99 < 1.0
        "6000": "no data",    # not in the indicators
    }
    assert out.loc["2000", "share_55plus"] == pytest.approx(0.2)
    stricter = comparison.compare_with_indicators(assessments, indicators, shortage_threshold=1.5)
    assert stricter.set_index("aml").loc["1000", "agreement"] == "disagree"


def test_compare_ties_go_to_the_more_severe_state() -> None:
    assessments = pd.DataFrame({"aml": ["1", "1"], "state": ["balance", "shortage"], "severity": [1, 3]})
    indicators = pd.DataFrame({"aml": ["1"], "tightness": [0.5]})
    out = comparison.compare_with_indicators(assessments, indicators)
    assert out.loc[0, "state"] == "shortage" and out.loc[0, "agreement"] == "disagree"
    with pytest.raises(InputError, match="thresholds"):
        comparison.compare_with_indicators(assessments, indicators, shortage_threshold=0.1,
                                       oversupply_threshold=0.5)


def test_workforce_ages_prefers_the_regions_rows_and_falls_back_to_the_whole_country():
    national = pd.DataFrame({"occupation": ["3221", "3221", "3221"], "age_group": ["15-54", "55-", "15-54"],
                             "year": [2021, 2021, 2022], "employed": [1.0, 2.0, 3.0]})
    frame = comparison.workforce_ages("MK10", None, national)
    assert frame.attrs["scope"] == "koko maa" and frame.attrs["year"] == 2022
    assert frame["employed"].tolist() == [3.0]

    regional = pd.DataFrame({"area": ["MK10", "MK07"], "occupation": ["3221", "3221"],
                             "age_group": ["55-", "55-"], "year": [2022, 2022], "employed": [5.0, 6.0]})
    frame = comparison.workforce_ages("MK10", regional, national)
    assert frame.attrs["scope"] == "alue" and frame["employed"].tolist() == [5.0]
    # a region absent from the import falls back to the whole country
    assert comparison.workforce_ages("MK01", regional, national).attrs["scope"] == "koko maa"
    assert comparison.workforce_ages("MK01", regional, None) is None
    assert comparison.workforce_ages("MK10", None, None) is None
    with pytest.raises(InputError, match="lacks columns"):
        comparison.workforce_ages("MK10", national, None)

"""Tests of punos_lib.analysis.sector_profiles against hand-computed values and recorded real statistics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from punos_lib.analysis import sector_profiles

from analysis_frames import PROV_A, PROV_B, forest_sector, with_provenance


def test_sector_occupations_with_national_and_regional_age_data():
    occ = with_provenance(pd.DataFrame({"area": ["MK10", "MK10", "SSS"], "occupation": ["6210", "9999", "6210"],
                              "year": [2022] * 3, "employed": [400.0, 1.0, 9000.0]}), PROV_A)
    national = with_provenance(pd.DataFrame({
        "occupation": ["6210", "6210", "6210", "8172", "8172"],
        "age_group": ["15-54", "55-64", "65-", "15-54", "55-64"],
        "year": [2022] * 5, "employed": [60.0, 30.0, 10.0, 75.0, 25.0]}), PROV_B)
    out = sector_profiles.sector_occupations(occ, forest_sector(), "MK10", by_age=national).set_index("occupation")
    assert out.loc["6210", "employed"] == 400.0
    assert math.isnan(out.loc["8172", "employed"])  # absent: shown, not dropped
    assert out.loc["6210", "share_aged_55_plus"] == pytest.approx(40.0)
    assert out.loc["8172", "share_aged_55_plus"] == pytest.approx(25.0)
    assert out["age_basis"].tolist() == ["koko maa (6210)", "koko maa (8172)"]
    assert out.loc["6210", "occupation_name"] == "Metsurit ja metsätyöntekijät"
    prov = out.attrs["provenance"]
    assert prov["synthetic"] is True and prov["datasets"] == ["population", "occupations_by_age"]

    regional = national.assign(area="MK10")
    out = sector_profiles.sector_occupations(occ, forest_sector(), "MK10", by_age=regional)
    assert out["age_basis"].tolist() == ["maakunta (6210)", "maakunta (8172)"]


def test_sector_occupations_at_a_coarser_level_count_each_group_once():
    # Data with 3-digit groups only (as table 115s): 7521 and 7523 both fall in 752.
    occ = pd.DataFrame({"area": ["MK10"] * 3, "occupation": ["621", "752", "75"],
                        "year": [2023] * 3, "employed": [300.0, 120.0, 999.0]})
    by_age = pd.DataFrame({"area": ["MK10"] * 4, "occupation": ["62", "62", "75", "75"],
                           "age_group": ["15-54", "55-64", "15-54", "65-74"],
                           "year": [2023] * 4, "employed": [80.0, 20.0, 50.0, 50.0]})
    sector = forest_sector(aml=("6210", "7521", "7523"))
    out = sector_profiles.sector_occupations(occ, sector, "MK10", by_age=by_age)
    assert out["occupation"].tolist() == ["621", "752"]
    assert out["covers"].tolist() == ["6210", "7521, 7523"]
    assert out["employed"].tolist() == [300.0, 120.0]
    assert out["share_aged_55_plus"].tolist() == pytest.approx([20.0, 50.0])
    assert out["age_basis"].tolist() == ["maakunta (62)", "maakunta (75)"]


def test_sector_tightness_averages_last_months():
    months = [f"2023M{m:02d}" for m in range(1, 13)] + ["2024M01"]  # 13 months
    rows = []
    for i, month in enumerate(months):
        rows.append({"area": "MK10", "occupation": "6210", "month": month,
                     "unemployed": 10.0 if i else 1000.0, "vacancies": 5.0})
        rows.append({"area": "MK10", "occupation": "8172", "month": month,
                     "unemployed": 4.0, "vacancies": np.nan if i % 2 else 8.0})
    out = sector_profiles.sector_tightness(pd.DataFrame(rows), forest_sector(), "MK10").set_index("occupation")
    # the first month (1000 unemployed) is outside the last 12
    assert out.loc["6210", "unemployed"] == 10.0
    assert out.loc["6210", "tightness"] == pytest.approx(0.5)
    assert out.loc["8172", "vacancies"] == 8.0  # suppressed months left out of the mean
    assert out.loc["Yhteensä", "tightness"] == pytest.approx(13.0 / 14.0)
    assert out.attrs["months"] == ("2023M02", "2024M01")


def test_sector_education_prefix_match_and_visible_gap():
    edu = pd.DataFrame({"area": ["MK10"] * 4, "year": [2023] * 4,
                        "level": ["amk", "amk", "amm", "amk"],
                        "field": ["0821", "08219", "0821", "08"],
                        "measure": ["tutkinnot"] * 4, "value": [10.0, 5.0, 7.0, 99.0]})
    sector = forest_sector(koulutusala=("0821", "0722"))
    out = sector_profiles.sector_education(edu, sector, "MK10")
    forest = out[out["field"] == "0821"].set_index("level")["value"]
    assert forest.to_dict() == {"amk": 15.0, "amm": 7.0}  # '08' is coarser: not attributed
    gap = out[out["field"] == "0722"]
    assert len(gap) == 1 and math.isnan(gap["value"].iloc[0])
    assert out.loc[out["field"] == "0821", "field_name"].iloc[0] == "Metsätalous"


def test_sector_education_falls_back_to_the_broad_field_once():
    edu = pd.DataFrame({"area": ["MK10"] * 2, "year": [2024] * 2, "level": ["amk", "amk"],
                        "field": ["08", "07"], "measure": ["tutkinnot"] * 2, "value": [40.0, 9.0]})
    sector = forest_sector(koulutusala=("0811", "0821"))
    out = sector_profiles.sector_education(edu, sector, "MK10")
    assert out[["field", "covers", "value"]].values.tolist() == [["08", "0811, 0821", 40.0]]
    assert out["field_name"].iloc[0] == "Maa- ja metsätalousalat"


# -- the sector card and the cross-sector summary ---------------------------------------------
import re  # noqa: E402

from punos_lib.errors import InputError  # noqa: E402

_NUMBER = re.compile(r"\u2212?\d+(?:\u202f\d{3})*(?:,\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(m.replace("\u202f", "").replace(",", ".").replace("\u2212", "-")) for m in _NUMBER.findall(text)]


@pytest.mark.parametrize("value, expected", [
    (0.49, "green"), (0.5, "yellow"), (0.51, "yellow"), (0.99, "yellow"), (1.0, "red"), (1.01, "red"),
    (float("nan"), "none"), (None, "none"),
])
def test_rating_at_and_around_the_tightness_thresholds(value, expected):
    th = sector_profiles.RatingThresholds()
    assert sector_profiles.rate(value, th.tightness_yellow, th.tightness_red) == expected


def _card(sid: str, tightness: float, aged: float, ratio: float) -> dict:
    return {"sector": sid, "sector_name": f"Ala {sid}", "jobs": 100.0, "change_pct": 1.0,
            "location_quotient": 1.0, "share_aged_55_plus": aged, "tightness": tightness,
            "openings_per_graduate": ratio, "synthetic": {"jobs": False}, "provenance": {"synthetic": False}}


def test_summary_ratings_hand_computed_at_the_default_and_custom_thresholds():
    cards = [_card("a", 0.2, 24.9, 0.99),   # all just below yellow
             _card("b", 0.5, 25.0, 1.0),    # all exactly at yellow
             _card("c", 0.3, 30.0, 0.2),    # only the age at red
             _card("d", float("nan"), 20.0, 1.49),  # tightness missing, ratio yellow
             _card("e", float("nan"), float("nan"), float("nan"))]
    out = sector_profiles.summary_table(cards).set_index("sector")
    assert out["rating"].tolist() == ["green", "yellow", "red", "yellow", "none"]
    assert out.loc["b", ["rating_tightness", "rating_aged", "rating_openings"]].tolist() == ["yellow"] * 3
    assert out.loc["c", ["rating_tightness", "rating_aged", "rating_openings"]].tolist() == ["green", "red", "green"]
    assert out.loc["d", "rating_tightness"] == "none" and out.loc["d", "rating_openings"] == "yellow"
    assert out.attrs["thresholds"]["aged_red"] == 30.0
    strict = sector_profiles.RatingThresholds(tightness_yellow=0.1, tightness_red=0.2, aged_yellow=20.0,
                                              aged_red=24.0, openings_per_graduate_yellow=0.5,
                                              openings_per_graduate_red=0.9)
    assert sector_profiles.summary_table(cards, strict)["rating"].tolist() == ["red", "red", "red", "red", "none"]
    shown = sector_profiles.summary_display(out.reset_index())
    assert shown.loc[2, "55 v. täyttäneet, %"] == "30,0 ■ punainen"
    assert shown.loc[0, "Arvio"] == "● vihreä" and shown.loc[1, "Arvio"] == "▲ keltainen"
    assert shown.loc[4, "Kireys"] == "– ei arviota"
    with pytest.raises(InputError, match="tightness_yellow"):
        sector_profiles.RatingThresholds(tightness_yellow=2.0, tightness_red=1.0)


def test_thresholds_text_states_the_thresholds_in_use():
    text = sector_profiles.thresholds_text(sector_profiles.RatingThresholds(aged_yellow=27.0, aged_red=33.0))
    assert "alle 27 %" in text and "33 % tai enemmän" in text and "1,00 tai enemmän" in text
    for symbol in ("●", "▲", "■"):
        assert symbol in text


def _card_inputs():
    s = forest_sector(aml=("6210", "8172"), koulutusala=("0821",))
    trend = with_provenance(pd.DataFrame({"area": ["MK10", "MK10", "SSS", "SSS"], "area_name": ["E", "E", "K", "K"],
                                          "year": [2015, 2020, 2015, 2020], "jobs": [200.0, 180.0, 1000.0, 1100.0],
                                          "index": [100.0, 90.0, 100.0, 110.0]}), PROV_A)
    sector_jobs = with_provenance(pd.DataFrame({"sector": ["metsa"], "jobs": [180.0], "region_share": [3.0],
                                                "location_quotient": [1.8]}), PROV_A)
    occ = with_provenance(pd.DataFrame({"occupation": ["621", "817"], "occupation_name": ["Metsurit", "Sahat"],
                                        "employed": [300.0, 100.0], "share_aged_55_plus": [40.0, 20.0],
                                        "age_basis": ["maakunta (62)", "maakunta (81)"]}), PROV_B)
    tight = with_provenance(pd.DataFrame({"occupation": ["6210", "8172", "Yhteensä"], "tightness": [0.1, 0.5, 0.25]}),
                            PROV_B)
    tight.attrs["months"] = ("2023M01", "2023M12")
    edu = with_provenance(pd.DataFrame({"field": ["08", "08"], "covers": ["0821", "0821"],
                                        "measure": ["tutkinnot", "uudet_opiskelijat"], "value": [40.0, 60.0]}), PROV_A)
    edu.attrs["year"] = 2024
    openings = with_provenance(pd.DataFrame({"sector": ["metsa"], "openings_per_year": [50.0],
                                             "precision": ["osin laajempi ryhmä (yläraja)"]}), PROV_A)
    orgs = pd.DataFrame({"name_fi": ["Saha Oy", "Metsäopisto", "Muualla Oy", "Ei alaa"],
                         "sectors": [("metsa",), ("metsa", "ruoka"), ("metsa",), ("sote",)],
                         "municipality": ["491", "KU491", "091", "491"]})
    pilots = pd.DataFrame({"region": ["MK10", "MK10", "MK07"], "sector": ["metsa", "sote", "metsa"],
                           "date": ["2023-05-10", "2023-03-15", "2024-01-20"],
                           "format_fi": ["toimiala", "toimiala", "klusteri"], "participants_total": [14, 12, 9],
                           "n_actions": [2, 3, 1], "example": [True, False, False]})
    return s, dict(trend=trend, sector_jobs=sector_jobs, occupations=occ, tightness=tight, education=edu,
                   openings=openings, organisations=orgs, pilots=pilots, municipalities=["KU491", "KU740"])


def test_key_figures_hand_computed():
    s, kw = _card_inputs()
    f = sector_profiles.key_figures(s, "MK10", **kw)
    assert f["change_pct"] == pytest.approx(-10.0) and f["country_change_pct"] == pytest.approx(10.0)
    assert f["share_aged_55_plus"] == pytest.approx((300 * 40 + 100 * 20) / 400)  # 35.0, weighted by employed
    assert f["oldest_occupation"] == "Metsurit" and f["age_basis"] == "maakunta"
    assert f["tightness"] == 0.25 and f["months"] == "tammikuu–joulukuu 2023"
    assert f["graduates_per_year"] == 40.0 and f["graduates_upper_bound"]  # field 08 stands for 0821
    assert f["openings_per_graduate"] == pytest.approx(1.25) and f["openings_upper_bound"]
    assert f["actors"] == 2 and f["actor_names"] == ["Saha Oy", "Metsäopisto"]  # only the region's
    assert f["forum"] == "Toimialafoorumi 10.5.2023 (14 osallistujaa, 2 sovittua toimenpidettä) (esimerkki)"
    assert f["synthetic"] == {"jobs": True, "share_aged_55_plus": False, "tightness": False, "openings": True}
    rated = sector_profiles.summary_table([f]).iloc[0]
    assert (rated["rating_aged"], rated["rating_tightness"], rated["rating_openings"], rated["rating"]) == (
        "red", "green", "yellow", "red")


def test_actors_count_by_the_registry_s_region_not_by_location():
    """Etelä-Savo's, Päijät-Häme's and national actors side by side: a national federation is no
    region's, even when it sits in the region (or in Helsinki, for an Uusimaa card)."""
    s, kw = _card_inputs()
    kw["organisations"] = pd.DataFrame({
        "name_fi": ["Saha Oy", "Metsäopisto", "Metsäteollisuus ry", "Metsäkeskus", "Lahden Saha", "Ei alaa"],
        "sectors": [("metsa",), ("metsa", "ruoka"), ("metsa",), ("metsa",), ("metsa",), ("sote",)],
        "municipality": ["491", "491", "091", "491", "398", "491"],
        "region": ["MK10", "MK10", "SSS", "SSS", "MK07", "MK10"]})
    es = sector_profiles.key_figures(s, "MK10", **kw)
    assert (es["actors"], es["actor_names"]) == (2, ["Saha Oy", "Metsäopisto"])
    ph = sector_profiles.key_figures(s, "MK07", **kw)
    assert (ph["actors"], ph["actor_names"]) == (1, ["Lahden Saha"])
    uusimaa = sector_profiles.key_figures(s, "MK01", **{**kw, "municipalities": ["KU091"]})
    assert (uusimaa["actors"], uusimaa["actor_names"]) == (0, [])  # Helsinki's national bodies are not Uusimaa's
    assert "Toimijarekisteriin ei ole kirjattu alan toimijoita alueelta." in sector_profiles.card_text(uusimaa)


def test_forum_status_counts_only_the_study_region_s_records():
    """Etelä-Savo's and Päijät-Häme's records side by side: each region's card shows its own only."""
    s, kw = _card_inputs()
    kw["assessments"] = pd.DataFrame({"region": ["MK10", "MK10", "MK07"], "sector": ["metsa"] * 3,
                                      "aml": ["6210", "8172", "6210"], "example": [True, True, False]})
    es = sector_profiles.key_figures(s, "MK10", **kw)
    assert es["forum"] == ("Toimialafoorumi 10.5.2023 (14 osallistujaa, 2 sovittua toimenpidettä); "
                           "foorumin arvio 2 ammatista (esimerkki)")
    ph = sector_profiles.key_figures(s, "MK07", **kw)
    assert ph["forum"] == ("Klusterifoorumi 20.1.2024 (9 osallistujaa, 1 sovittu toimenpide); "
                           "foorumin arvio 1 ammatista") and not ph["forum_example"]
    other = sector_profiles.key_figures(s, "MK12", **kw)
    assert (other["forum"], other["forum_example"]) == ("Ei kirjattu", False)
    table = sector_profiles.card_table(other).set_index("Tunnusluku")
    assert table.loc["Kohtaantofoorumi", ["Arvo", "Aineisto"]].tolist() == ["Ei kirjattu", "rekisteri"]
    assert "Kohtaantofoorumi: ei kirjattu." in sector_profiles.card_text(other)
    # Päijät-Häme's municipalities have none of the registry's (Etelä-Savo's) actors.
    lahti = sector_profiles.key_figures(s, "MK07", **{**kw, "municipalities": ["KU398"]})
    assert (lahti["actors"], lahti["actor_names"]) == (0, [])
    assert "- Toimijarekisteriin ei ole kirjattu alan toimijoita alueelta. Kohtaantofoorumi: klusterifoorumi" \
        in sector_profiles.card_text(lahti)
    # Records without a region cannot be placed: a clear error instead of counting them everywhere.
    kw["pilots"] = kw["pilots"].drop(columns="region")
    with pytest.raises(InputError, match="region"):
        sector_profiles.key_figures(s, "MK10", **kw)


def test_card_text_states_only_numbers_of_its_card_table():
    s, kw = _card_inputs()
    f = sector_profiles.key_figures(s, "MK10", **kw)
    table = sector_profiles.card_table(f)
    text = sector_profiles.card_text(f)
    in_table = {n for cell in table[["Arvo", "Tarkenne"]].astype(str).to_numpy().ravel()
                for n in _numbers(cell)}
    in_table |= {abs(n) for n in in_table} | {55.0}  # "55 vuotta täyttänyt"
    for number in _numbers(text):
        assert number in in_table, (number, text)
    assert text.startswith("- Etelä-Savon alueella oli alalla 180 työpaikkaa vuonna 2020;")
    assert text.count("\n- ") == 4  # jobs, ages, tightness, openings, actors and forum
    assert "väheni 10,0 %" in text and "35,0 %" in text and "0,25" in text
    # Example data is said sentence by sentence: jobs and openings here, not ages or tightness.
    assert text.count("*Esimerkkiaineisto.*") == 2
    assert table.set_index("Tunnusluku").loc["Työpaikat", "Aineisto"] == "esimerkki"
    assert table.set_index("Tunnusluku").loc["Kireys", "Aineisto"] == "tilasto"


def test_cards_on_the_demo_snapshot_match_the_summary(tmp_path_factory):
    from punos_lib import datasets
    from punos_lib.reference.sectors import load_sectors
    from punos_lib.registry import actors, forums
    from punos_lib.snapshot import demo

    snap = demo.build_demo(tmp_path_factory.mktemp("demo-cards"), progress=False)
    sectors = load_sectors()
    frames = dict(jobs=datasets.jobs_by_industry(snap), occupations=datasets.occupations_by_region(snap),
                  workforce_by_age=datasets.workforce_by_occupation_age(snap),
                  national_ages=datasets.occupations_by_age(snap), workforce=datasets.workforce_if_imported(snap),
                  jobseekers=datasets.jobseekers_by_occupation(snap), education=datasets.education_supply(snap),
                  organisations=actors.load_registry()[0], pilots=forums.load_pilots(),
                  assessments=forums.load_assessments())
    for region in ("MK10", "MK07"):
        cards = sector_profiles.sector_key_figures(sectors, region, **frames)
        forum = {c["sector"]: c["forum"] for c in cards}
        # The shipped forum records are Etelä-Savo's: Päijät-Häme's cards have none of them.
        assert (forum["sote"] != "Ei kirjattu") == (region == "MK10"), forum
        summary = sector_profiles.summary_table(cards).set_index("sector")
        assert list(summary.index) == list(sectors)
        for sid in ("metsa", "sote"):
            one = sector_profiles.sector_key_figures({sid: sectors[sid]}, region, **frames)[0]
            assert one["jobs"] == summary.loc[sid, "jobs"]
            assert one["tightness"] == pytest.approx(summary.loc[sid, "tightness"], nan_ok=True)
            assert one["openings_per_graduate"] == pytest.approx(summary.loc[sid, "openings_per_graduate"])
            table = sector_profiles.card_table(one)
            numbers = {n for c in table[["Arvo", "Tarkenne"]].astype(str).to_numpy().ravel()
                       for n in _numbers(c)}
            for number in _numbers(sector_profiles.card_text(one)):
                assert number in numbers | {abs(n) for n in numbers} | {55.0}, (region, sid, number)

"""Tests of punos_lib.aims: the helpers of the data-source, actor and forum chapters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from punos_lib import aims
from punos_lib.present import figures
from punos_lib.reference.declarations import Declaration
from punos_lib.errors import InputError, SnapshotError
from punos_lib.registry.forums import load_pilots
from punos_lib.snapshot.store import Snapshot

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------ chapter 8


def _cat() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["a", "b", "c"],
        "name_fi": ["Lähde A", "Lähde B", "Lähde C"],
        "producer": ["Tilastokeskus", "KEHA-keskus", "OPH"],
        "kind": ["statistics", "survey", "forecast"],
        "topics": [("demand",), ("demand", "matching"), ("education", "foresight")],
        "granularity": [("region", "municipality"), ("ely_area",), ("country",)],
        "frequency": ["annual", "biannual", "irregular"],
        "access": ["api", "web_only", "api"],
        "licence": ["CC BY 4.0", "ei avointa lisenssiä", "CC BY 4.0"],
        "url": ["https://a.fi", "https://b.fi", "https://c.fi"],
        "gaps": ["viive kaksi vuotta", None, "  "],
    })


def test_catalogue_table_uses_finnish_labels_and_keeps_order():
    table = aims.catalogue_table(_cat())
    assert list(table.columns) == ["Tietolähde", "Tuottaja", "Tyyppi", "Aluetaso", "Saatavuus", "Lisenssi",
                                   "Linkki"]
    assert table["Tietolähde"].tolist() == ["Lähde A", "Lähde B", "Lähde C"]
    assert table["Tyyppi"].tolist() == ["tilasto", "kysely", "ennuste"]
    assert table["Aluetaso"].tolist() == ["maakunta, kunta", "ELY-/elinvoimakeskusalue", "koko maa"]
    assert table["Saatavuus"].tolist() == ["rajapinta", "vain verkkosivu", "rajapinta"]
    assert table.attrs["provenance"]["synthetic"] is False
    assert "catalogue.yaml" in table.attrs["provenance"]["attribution"][0]


def test_catalogue_table_of_the_project_catalogue_has_every_source():
    from punos_lib.registry.catalogue import load_catalogue

    with open(REPO / "data" / "catalogue.yaml", encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)["sources"]
    table = aims.catalogue_table(load_catalogue(REPO / "data" / "catalogue.yaml"))
    assert len(table) == len(raw)
    assert table["Linkki"].tolist() == [s["url"] for s in raw]


def test_summary_table_counts_every_level_once_per_source_and_keeps_zeros():
    table = aims.summary_table(_cat(), "granularity")
    counts = dict(zip(table["Aluetaso"], table["Lähteitä"]))
    assert counts["maakunta"] == 1 and counts["kunta"] == 1 and counts["koko maa"] == 1
    assert counts["ELY-/elinvoimakeskusalue"] == 1
    assert counts["seutukunta"] == 0 and counts["ruutu"] == 0
    access = aims.summary_table(_cat(), "access")
    assert dict(zip(access["Saatavuus"], access["Lähteitä"])) == {
        "rajapinta": 2, "ladattava tiedosto": 0, "vain verkkosivu": 1, "rajattu käyttö": 0}
    with pytest.raises(InputError, match="cannot summarise by 'licence'"):
        aims.summary_table(_cat(), "licence")


def test_gaps_table_lists_only_filled_gaps():
    table = aims.gaps_table(_cat())
    assert table.values.tolist() == [["Lähde A", "Tilastokeskus", "viive kaksi vuotta"]]


def test_coverage_figure_draws_the_matrix_with_sources_as_rows():
    fig = aims.coverage_figure(_cat())
    ax = fig.axes[0]
    image = ax.get_images()[0].get_array()
    # rows = sources, columns = topics in the order demand, supply, matching, demography, education, foresight
    expected = np.array([[1, 0, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 1]], dtype=float)
    np.testing.assert_array_equal(np.asarray(image), expected)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Lähde A", "Lähde B", "Lähde C"]
    assert [t.get_text() for t in ax.get_xticklabels()][2] == "kohtaanto"
    sources = [t.get_text() for t in fig.texts if t.get_gid() == figures.SOURCE_GID]
    assert sources == ["Lähde: Punos-tietolähdeluettelo (data/catalogue.yaml)"]
    assert not figures.is_marked_synthetic(fig)


def _decl(ident: str, catalogue: str | None, table: str | None = "vaerak/11re") -> Declaration:
    return Declaration(id=ident, title_fi=f"Otsikko {ident}", source="statfin", used_in=("x",),
                       catalogue=catalogue, table=table, selection={})


def _write(snap: Snapshot, entry_id: str, *, updated: str | None, synthetic: bool, fetched: str) -> None:
    dataset = entry_id.split("/")[0]
    snap.write(entry_id, b"{}", dataset=dataset, kind=entry_id.split("/")[1], source="statfin",
               media_type="application/json", licence="CC BY 4.0", attribution="Lähde: Tilastokeskus",
               synthetic=synthetic, updated=updated, fetched_at=fetched)


def test_dataset_sources_joins_declaration_catalogue_and_snapshot(tmp_path):
    snap = Snapshot(tmp_path / "snap")
    _write(snap, "pop/metadata", updated="2024-03-01T08:00:00Z", synthetic=False, fetched="2025-01-02T10:00:00Z")
    _write(snap, "pop/data-1", updated="2025-04-30T08:00:00Z", synthetic=False, fetched="2025-01-03T10:00:00Z")
    _write(snap, "jobs/data", updated=None, synthetic=True, fetched="2025-01-01T00:00:00Z")
    decls = [_decl("pop", "a"), _decl("jobs", "b"), _decl("missing", None, table=None)]
    frame = aims.dataset_sources(decls, _cat(), snap)
    assert frame["dataset"].tolist() == ["pop", "jobs", "missing"]
    pop, jobs, missing = frame.to_dict("records")
    assert pop["catalogue_name_fi"] == "Lähde A" and pop["producer"] == "Tilastokeskus"
    assert pop["entries"] == 2
    assert pop["updated"] == "2025-04-30"          # the newest of the two upstream dates
    assert pop["fetched_at"] == "2025-01-03"
    assert pop["synthetic"] is False and pop["status"] == "ladattu"
    assert pd.isna(jobs["updated"]) and jobs["synthetic"] is True and jobs["status"] == "esimerkkiaineisto"
    assert missing["entries"] == 0 and pd.isna(missing["synthetic"])
    assert missing["status"] == "puuttuu tilannekuvasta" and missing["catalogue"] == ""
    assert frame.attrs["provenance"]["synthetic"] is True


def test_dataset_sources_refuses_unknown_catalogue_ids_and_a_missing_snapshot(tmp_path):
    snap = Snapshot(tmp_path / "snap")
    _write(snap, "pop/data", updated=None, synthetic=False, fetched="2025-01-01T00:00:00Z")
    with pytest.raises(InputError, match=r"pop -> 'nope'"):
        aims.dataset_sources([_decl("pop", "nope")], _cat(), snap)
    with pytest.raises(SnapshotError, match="punos demo"):
        aims.dataset_sources([_decl("pop", "a")], _cat(), Snapshot(tmp_path / "empty"))


def test_dataset_sources_links_every_project_declaration_to_the_catalogue(tmp_path):
    # The real declaration and catalogue must agree: every catalogue id used exists.
    from punos_lib.reference import declarations
    from punos_lib.registry.catalogue import load_catalogue

    decls = declarations.load(REPO / "data" / "datasets.yaml")
    snap = Snapshot(tmp_path / "snap")
    _write(snap, "population/data", updated="2025-03-20", synthetic=True, fetched="2025-03-21")
    frame = aims.dataset_sources(decls, load_catalogue(REPO / "data" / "catalogue.yaml"), snap)
    assert len(frame) == len(decls)
    row = frame.set_index("dataset").loc["population"]
    assert row["catalogue"] == "statfin-vaerak-11re" and row["table"] == "vaerak/11re"
    assert row["status"] == "esimerkkiaineisto"


def test_collection_files_counts_records(tmp_path):
    data = tmp_path / "data"
    (data / "actors").mkdir(parents=True)
    (data / "forums" / "assessments").mkdir(parents=True)
    (data / "catalogue.yaml").write_text("sources:\n  - {id: a}\n  - {id: b}\n", encoding="utf-8")
    (data / "actors" / "organisations.csv").write_text("id,name\nx,X\ny,Y\nz,Z\n", encoding="utf-8")
    (data / "actors" / "relations.csv").write_text("from,to\nx,y\n", encoding="utf-8")
    (data / "forums" / "p1.yaml").write_text("id: p1\n", encoding="utf-8")
    (data / "forums" / "assessments" / "s_1.csv").write_text("a\n1\n2\n", encoding="utf-8")
    (data / "forums" / "assessments" / "s_2.csv").write_text("a\n3\n", encoding="utf-8")
    table = aims.collection_files(data)
    assert table["Tietueita"].tolist() == [2, 3, 1, 1, 3]
    assert "punos forum import" in table["Muokkaus"].iloc[4]
    with pytest.raises(InputError, match="no data folder"):
        aims.collection_files(tmp_path / "nowhere")


# ------------------------------------------------------------------------------ chapter 9


def _munis() -> pd.DataFrame:
    return pd.DataFrame({
        "area": ["KU740", "KU491", "KU046", "KU091", "KU398"],
        "name_fi": ["Savonlinna", "Mikkeli", "Enonkoski", "Helsinki", "Lahti"],
        "region": ["MK10", "MK10", "MK10", "MK01", "MK07"],
    })


def test_actors_by_municipality_counts_region_members_and_reports_the_rest():
    orgs = pd.DataFrame({"id": list("abcde"), "name_fi": ["A", "B", "C", "D", "E"],
                         "municipality": ["491", "491", "740", "091", "091"]})
    counts = aims.actors_by_municipality(orgs, _munis(), "MK10")
    assert counts[["area", "actors"]].values.tolist() == [["KU046", 0], ["KU491", 2], ["KU740", 1]]
    assert counts.attrs["outside_region"] == 2
    assert counts.attrs["outside_names"] == ["D", "E"]
    other = aims.actors_by_municipality(orgs, _munis(), "MK07")
    assert other["actors"].tolist() == [0] and other.attrs["outside_region"] == 5


def test_actors_by_municipality_refuses_codes_not_on_the_current_division():
    orgs = pd.DataFrame({"id": ["p"], "name_fi": ["P"], "municipality": ["588"]})
    with pytest.raises(InputError, match=r"p \(588\)"):
        aims.actors_by_municipality(orgs, _munis(), "MK10")
    with pytest.raises(InputError, match="no municipalities of region 'MK99'"):
        aims.actors_by_municipality(orgs.assign(municipality="491"), _munis(), "MK99")


def _coverage() -> pd.DataFrame:
    return pd.DataFrame({
        "sector": ["metsa", "vesi", "sote"], "name_fi": ["Metsäala", "Vesiala", "Sote"],
        "education": [2, 1, 0], "business": [3, 0, 0], "public": [1, 1, 1], "development": [0, 0, 0],
        "intermediary": [0, 0, 0], "research": [1, 0, 0], "total": [7, 2, 1],
        "lacks_education": [False, False, True], "lacks_business": [False, True, True],
    })


def test_coverage_tables_name_the_missing_actor_types():
    gaps = aims.coverage_gaps(_coverage())
    assert gaps.values.tolist() == [["Vesiala", "yritys tai toimialajärjestö"],
                                    ["Sote", "koulutustoimija ja yritys tai toimialajärjestö"]]
    table = aims.coverage_table(_coverage())
    assert table.columns.tolist()[:3] == ["Toimiala", "koulutus", "elinkeinoelämä"]
    assert table["Yhteensä"].tolist() == [7, 2, 1]
    assert table["Puuttuu"].tolist()[0] == ""


def test_assumed_relations_lists_only_assumptions_with_names():
    orgs = pd.DataFrame({"id": ["x", "y", "z"], "name_fi": ["Xamk", "Yritys Oy", "Maakuntaliitto"]})
    rels = pd.DataFrame({"from": ["x", "y", "z"], "to": ["y", "z", "x"],
                         "kind": ["educates_for", "member_of", "funds"],
                         "network": ["", "Verkosto", ""],
                         "source": ["Oletus: harjoittelu", "jäsenluettelo 2023", "assumption (to confirm)"]})
    table = aims.assumed_relations(orgs, rels)
    assert table[["Toimija", "Toinen toimija", "Suhde"]].values.tolist() == [
        ["Xamk", "Yritys Oy", "koulutus työelämän tarpeisiin"], ["Maakuntaliitto", "Xamk", "rahoitus"]]


def test_assumed_relations_of_the_project_registry_match_the_source_column():
    from punos_lib.registry.actors import load_registry

    orgs, rels = load_registry(REPO / "data" / "actors", sectors=["metsa", "ruoka", "vesi", "matkailu", "sote",
                                                                 "teknologia", "rakentaminen"])
    expected = sum(("oletus" in s.lower() or "assumption" in s.lower()) for s in rels["source"])
    assert expected > 0
    assert len(aims.assumed_relations(orgs, rels)) == expected


def test_centrality_and_brokers_tables_translate_types():
    cent = pd.DataFrame({"id": ["a", "b"], "name_fi": ["A", "B"], "type": ["education", "business"],
                         "degree": [3, 1], "betweenness": [0.66666, 0.0], "community": [1, 2]})
    table = aims.centrality_table(cent, top=1)
    assert table.values.tolist() == [["A", "koulutus", 3, 0.667, 1]]
    brok = pd.DataFrame({"name_fi": ["C"], "type": ["public"], "share_of_pairs": [0.5], "pairs": [2]})
    assert aims.brokers_table(brok).values.tolist() == [["C", "julkinen toimija", 0.5, 2]]


# ------------------------------------------------------------------------------ chapter 10

SECTOR_IDS = ["metsa", "ruoka", "vesi", "matkailu", "sote", "teknologia", "rakentaminen"]


def test_pilot_tables_mark_every_shipped_record_as_an_example():
    pilots = load_pilots(REPO / "data" / "forums", sectors=SECTOR_IDS)
    table = aims.pilots_table(pilots)
    assert len(table) == len(list((REPO / "data" / "forums").glob("*.yaml")))
    assert set(table["Merkintä"]) == {aims.EXAMPLE_MARK}
    assert table["Päivämäärä"].tolist() == sorted(table["Päivämäärä"])
    actions = aims.actions_table(pilots)
    assert len(actions) == int(pilots["n_actions"].sum())
    assert set(actions["Merkintä"]) == {aims.EXAMPLE_MARK}
    assert "ei sovittu" in actions["Määräaika"].tolist()   # the theme pilot's action has no deadline
    assert aims.EXAMPLE_MARK in table.attrs["provenance"]["attribution"][0]


def test_pilot_tables_leave_real_records_unmarked(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "id: p\nexample: false\ndate: 2024-02-01\nformat: sector\nsector: vesi\ntitle: Vesifoorumi\n"
        "participants: {education: 2, business: 3}\ntopics: [vesihuolto]\n"
        "actions:\n  - {action: Selvitys, owner: maakuntaliitto, deadline: 2024-06-30}\n", encoding="utf-8")
    pilots = load_pilots(tmp_path, sectors=SECTOR_IDS)
    table = aims.pilots_table(pilots)
    assert table.values.tolist() == [["2024-02-01", "Vesifoorumi", "toimiala", "vesi", "vesihuolto", 5, 1, ""]]
    assert aims.actions_table(pilots).values.tolist() == [["Vesifoorumi", "Selvitys", "maakuntaliitto",
                                                           "2024-06-30", ""]]
    assert aims.EXAMPLE_MARK not in table.attrs["provenance"]["attribution"][0]


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
    result = aims.occupation_indicators(_jobseekers(), "MK10", ["3221", "5321", "2211"])
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
    short = aims.occupation_indicators(_jobseekers(), "MK10", ["3221"], months=40)
    assert short.attrs["months"] == 14
    assert short["tightness"].iloc[0] == pytest.approx(sum(range(14)) / 140)
    late = aims.occupation_indicators(_jobseekers(), "MK10", ["5321"], months=2)
    assert late["tightness"].iloc[0] == pytest.approx(4 / 40)


def test_occupation_indicators_share_aged_55_plus_and_errors():
    ages = pd.DataFrame({"occupation": ["3221"] * 3 + ["5321"] * 3,
                         "age_group": ["15-54", "55-64", "65-"] * 2,
                         "employed": [70.0, 20.0, 10.0, 50.0, 50.0, 0.0]})
    ages.attrs["scope"] = "koko maa"
    result = aims.occupation_indicators(_jobseekers(), "MK10", ["3221", "5321"], ages=ages)
    assert result["share_55plus"].tolist() == pytest.approx([0.3, 0.5])
    assert result["share_55plus_group"].tolist() == ["3221", "5321"]
    assert result.attrs["share_55plus_scope"] == "koko maa"
    # coarser age data: the finest group whose code is a prefix of the occupation is used
    coarse = pd.DataFrame({"occupation": ["3", "3", "32", "32", "5", "5"],
                           "age_group": ["15-54", "55-"] * 3, "employed": [90.0, 10.0, 60.0, 40.0, 3.0, 1.0]})
    result = aims.occupation_indicators(_jobseekers(), "MK10", ["3221", "5321", "2211"], ages=coarse)
    assert result["share_55plus_group"].tolist() == ["32", "5", ""]
    assert result["share_55plus"].tolist()[:2] == pytest.approx([0.4, 0.25])
    assert np.isnan(result["share_55plus"].iloc[2])
    with pytest.raises(InputError, match="no rows for area 'MK99'.*MK07, MK10"):
        aims.occupation_indicators(_jobseekers(), "MK99", ["3221"])
    with pytest.raises(InputError, match="no occupation codes"):
        aims.occupation_indicators(_jobseekers(), "MK10", [])
    js = _jobseekers()
    doubled = pd.concat([js, js[js["occupation"] == "3221"].tail(1)])
    with pytest.raises(InputError, match="several rows for area MK10, occupation 3221, month 2023M02"):
        aims.occupation_indicators(doubled, "MK10", ["3221"])


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
    result = aims.forum_comparison(_assessments(), _jobseekers(), "MK10", sectors)
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
    strict = aims.forum_comparison(_assessments(), _jobseekers(), "MK10", sectors, shortage_threshold=0.5)
    assert strict.set_index("aml").loc["3221", "agreement"] == "disagree"


def test_forum_comparison_refuses_unknown_sectors_and_no_assessments():
    with pytest.raises(InputError, match=r"\['sote'\]"):
        aims.forum_comparison(_assessments(), _jobseekers(), "MK10", {"metsa": _Sector("M", ())})
    with pytest.raises(InputError, match="no stored assessments"):
        aims.forum_comparison(_assessments().iloc[0:0], _jobseekers(), "MK10", {"sote": _Sector("S", ())})


def test_comparison_table_and_figure_carry_the_example_mark():
    sectors = {"metsa": _Sector("Metsäala", ("6210",)), "sote": _Sector("Sote", ("3221", "5321"))}
    result = aims.forum_comparison(_assessments(), _jobseekers(), "MK10", sectors)
    table = aims.comparison_table(result)
    row = table[table["Ammatti"].str.startswith("3221")].iloc[0]
    assert row["Foorumin arvio"] == "tasapaino" and row["Tiukkuus (V/U)"] == 0.75
    assert row["Yhteneväisyys"] == "yhtenevä" and row["Merkintä"] == aims.EXAMPLE_MARK
    assert table["Merkintä"].tolist() == [aims.EXAMPLE_MARK, aims.EXAMPLE_MARK, ""]
    fig = aims.comparison_figure(result)
    notes = [t.get_text() for t in fig.texts if t.get_gid() == figures.NOTE_GID]
    assert aims.EXAMPLE_MARK in notes
    assert figures.is_marked_synthetic(fig)         # the jobseeker data is synthetic here
    # one filled marker (3221 with a value) and two open ones (no tightness)
    offsets = [c.get_offsets() for c in fig.axes[0].collections]
    filled = [o for c, o in zip(fig.axes[0].collections, offsets) if len(o) and c.get_facecolors().size
              and c.get_facecolors()[0][3] > 0]
    assert sum(len(o) for o in offsets) == 3
    assert [float(x) for o in filled for x, _ in o] == [pytest.approx(0.75)]


def test_workforce_ages_falls_back_to_the_whole_country(monkeypatch):
    from punos_lib import datasets

    def missing(snap=None):
        raise SnapshotError("dataset 'workforce_by_occupation_age' is not in the snapshot")

    national = pd.DataFrame({"occupation": ["3221", "3221", "3221"], "age_group": ["15-54", "55-", "15-54"],
                             "year": [2021, 2021, 2022], "employed": [1.0, 2.0, 3.0]})
    monkeypatch.setattr(datasets, "workforce_by_occupation_age", missing)
    monkeypatch.setattr(datasets, "occupations_by_age", lambda snap=None: national)
    frame = aims.workforce_ages("MK10")
    assert frame.attrs["scope"] == "koko maa" and frame.attrs["year"] == 2022
    assert frame["employed"].tolist() == [3.0]

    regional = pd.DataFrame({"area": ["MK10", "MK07"], "occupation": ["3221", "3221"],
                             "age_group": ["55-", "55-"], "year": [2022, 2022], "employed": [5.0, 6.0]})
    monkeypatch.setattr(datasets, "workforce_by_occupation_age", lambda snap=None: regional)
    frame = aims.workforce_ages("MK10")
    assert frame.attrs["scope"] == "alue" and frame["employed"].tolist() == [5.0]
    # a region absent from the import falls back to the whole country
    assert aims.workforce_ages("MK01").attrs["scope"] == "koko maa"
    monkeypatch.setattr(datasets, "occupations_by_age", missing)
    monkeypatch.setattr(datasets, "workforce_by_occupation_age", missing)
    assert aims.workforce_ages("MK10") is None


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
    result = aims.occupation_indicators(frame, "MK10", ["3221", "5321"]).set_index("aml")
    assert result.attrs["period"] == ("2022M11", "2023M10")
    for code in ("3221", "5321"):
        part = raw[raw["ammattiryhma"] == code]
        v = part.loc[part["tiedot"] == "AVPAIKATLOPUSSA", "value"]
        u = part.loc[part["tiedot"] == "TYOTTOMATLOPUSSA", "value"]
        assert len(v) == 12 and len(u) == 12 and v.notna().all() and u.notna().all()
        assert result.loc[code, "tightness"] == pytest.approx(v.sum() / u.sum())

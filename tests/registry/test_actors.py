"""Tests of punos_lib.registry.actors (aim 2: the anticipation network)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from punos_lib.registry import actors
from punos_lib.errors import InputError, ValidationError

REPO = Path(__file__).resolve().parents[2]
SECTORS = ["metsa", "ruoka", "vesi", "matkailu", "sote", "teknologia", "rakentaminen"]

ORG_HEADER = ["id", "name_fi", "name_en", "type", "role", "municipality", "region", "sectors", "url", "source"]
REL_HEADER = ["from", "to", "kind", "network", "source"]


def _write(folder: Path, orgs: list[list[str]], rels: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (("organisations.csv", ORG_HEADER, orgs), ("relations.csv", REL_HEADER, rels)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (folder / name).write_text(buffer.getvalue(), encoding="utf-8")
    return folder


def _org(id_: str, type_: str, sectors: str = "", municipality: str = "491", region: str = "MK10") -> list[str]:
    return [id_, f"Nimi {id_}", f"Name {id_}", type_, f"Rooli {id_}", municipality, region, sectors,
            "https://example.fi", "test"]


# e1 - p - d - b1 with r hanging on p
TINY_ORGS = [_org("e1", "education", "metsa"), _org("p", "public"), _org("d", "development"),
             _org("b1", "business", "metsa"), _org("r", "research", "ruoka")]
TINY_RELS = [["e1", "p", "partner", "", "test"], ["p", "d", "funds", "", "test"],
             ["d", "b1", "partner", "", "test"], ["r", "p", "member_of", "", "test"]]


def test_shipped_registry_is_valid_and_large_enough() -> None:
    orgs, rels = actors.load_registry(REPO / "data" / "actors", sectors=SECTORS)
    assert len(orgs) >= 40
    has_reference = (orgs["url"] != "") | (orgs["source"] != "")
    assert has_reference.all()
    assert (rels["source"] != "").all()
    # the eleven municipalities of Etelä-Savo in 2025 (DOMAIN.md) are all in the registry
    codes = {"046", "097", "178", "213", "491", "507", "593", "623", "681", "740", "768"}
    assert codes <= set(orgs.loc[orgs["type"] == "public", "municipality"])


def test_shipped_registry_against_project_sectors() -> None:
    sectors = pytest.importorskip("punos_lib.reference.sectors")
    if not (REPO / "data" / "sectors.yaml").is_file():
        pytest.skip("data/sectors.yaml not written yet")
    known = sectors.load_sectors()
    orgs, _ = actors.load_registry(REPO / "data" / "actors", sectors=known)
    assert len(orgs) >= 40


@pytest.mark.parametrize(
    ("orgs", "rels", "file", "row", "field"),
    [
        ([*TINY_ORGS[:2], _org("x", "church")], [], "organisations.csv", 3, "type"),
        ([_org("x", "public", municipality="46")], [], "organisations.csv", 1, "municipality"),
        ([TINY_ORGS[0], _org("x", "public", sectors="metsa;kaivos")], [], "organisations.csv", 2, "sectors"),
        ([TINY_ORGS[0], TINY_ORGS[1], _org("p", "public")], [], "organisations.csv", 3, "id"),
        ([["x", "Nimi", "Name", "public", "Rooli", "491", "MK10", "", "", ""]], [], "organisations.csv", 1, "source"),
        ([["x", "Nimi", "Name", "public", "", "491", "MK10", "", "https://x.fi", "l"]], [], "organisations.csv", 1,
         "role"),
        ([TINY_ORGS[0], _org("x", "public", region="")], [], "organisations.csv", 2, "region"),
        ([_org("x", "public", region="MK99")], [], "organisations.csv", 1, "region"),
        ([_org("x", "public", region="Etelä-Savo")], [], "organisations.csv", 1, "region"),
        (TINY_ORGS, [TINY_RELS[0], ["e1", "zz", "partner", "", "test"]], "relations.csv", 2, "to"),
        (TINY_ORGS, [["e1", "p", "likes", "", "test"]], "relations.csv", 1, "kind"),
        (TINY_ORGS, [["e1", "p", "partner", "", ""]], "relations.csv", 1, "source"),
    ],
)
def test_validation_errors_name_file_row_and_field(tmp_path: Path, orgs, rels, file, row, field) -> None:
    folder = _write(tmp_path / "actors", orgs, rels)
    with pytest.raises(ValidationError) as info:
        actors.load_registry(folder, sectors=SECTORS)
    err = info.value
    assert str(err.file).endswith(file) and err.row == row and err.field == field
    assert file in str(err) and f"row {row}" in str(err) and repr(field) in str(err)


def test_wrong_header_is_reported(tmp_path: Path) -> None:
    folder = _write(tmp_path / "actors", TINY_ORGS, TINY_RELS)
    (folder / "relations.csv").write_text("from,to,type\ne1,p,partner\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="wrong header"):
        actors.load_registry(folder, sectors=SECTORS)


def test_municipality_code_keeps_leading_zero(tmp_path: Path) -> None:
    folder = _write(tmp_path / "actors", [_org("x", "public", municipality="046")], [])
    orgs, _ = actors.load_registry(folder, sectors=SECTORS)
    assert orgs.loc[0, "municipality"] == "046"


def test_degree_and_betweenness_by_hand(tmp_path: Path) -> None:
    orgs, rels = actors.load_registry(_write(tmp_path / "a", TINY_ORGS, TINY_RELS), sectors=SECTORS)
    graph = actors.build_graph(orgs, rels)
    cent = actors.centrality(graph).set_index("id")
    assert cent["degree"].to_dict() == {"p": 3, "d": 2, "e1": 1, "b1": 1, "r": 1}
    # 10 pairs among 5 nodes; p lies on e1-d, e1-b1, e1-r, r-d, r-b1 (5); d on e1-b1, p-b1, r-b1 (3).
    # networkx normalises undirected betweenness by (n-1)(n-2)/2 = 6.
    assert cent.loc["p", "betweenness"] == pytest.approx(5 / 6)
    assert cent.loc["d", "betweenness"] == pytest.approx(3 / 6)
    assert cent.loc[["e1", "b1", "r"], "betweenness"].tolist() == [0.0, 0.0, 0.0]
    assert list(actors.centrality(graph)["id"][:2]) == ["p", "d"]


def test_repeated_relations_make_one_weighted_edge(tmp_path: Path) -> None:
    rels = [*TINY_RELS, ["p", "e1", "funds", "", "test"]]
    orgs, rels_df = actors.load_registry(_write(tmp_path / "a", TINY_ORGS, rels), sectors=SECTORS)
    graph = actors.build_graph(orgs, rels_df)
    assert graph.number_of_edges() == 4
    assert graph.edges["e1", "p"]["weight"] == 2
    assert graph.edges["e1", "p"]["kinds"] == ("funds", "partner")


def test_communities_of_two_triangles(tmp_path: Path) -> None:
    orgs = [_org(i, "public") for i in ("a", "b", "c", "d", "e", "f", "g")]
    rels = [[x, y, "partner", "", "test"] for x, y in
            (("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f"), ("c", "d"))]
    o, r = actors.load_registry(_write(tmp_path / "a", orgs, rels), sectors=SECTORS)
    cent = actors.centrality(actors.build_graph(o, r)).set_index("id")["community"]
    assert cent[["a", "b", "c"]].tolist() == [1, 1, 1]
    assert cent[["d", "e", "f"]].tolist() == [2, 2, 2]
    assert cent["g"] == 3  # isolated actor: its own group, numbered last


def test_brokers_split_between_equal_paths(tmp_path: Path) -> None:
    orgs = [*TINY_ORGS, _org("x", "intermediary")]
    rels = [*TINY_RELS, ["e1", "x", "partner", "", "test"], ["x", "d", "partner", "", "test"]]
    o, r = actors.load_registry(_write(tmp_path / "a", orgs, rels), sectors=SECTORS)
    table = actors.brokers(actors.build_graph(o, r), o).set_index("id")
    # e1 to b1: two shortest paths e1-p-d-b1 and e1-x-d-b1; d is on both, p and x on one each
    assert table["broker_score"].to_dict() == pytest.approx({"d": 1.0, "p": 0.5, "x": 0.5})
    assert table.loc["d", "pairs"] == 1 and table.loc["d", "share_of_pairs"] == pytest.approx(1.0)
    assert list(table.index) == ["d", "p", "x"]
    assert "r" not in table.index


def test_sector_coverage_counts_and_flags(tmp_path: Path) -> None:
    o, _ = actors.load_registry(_write(tmp_path / "a", TINY_ORGS, TINY_RELS), sectors=SECTORS)
    cov = actors.sector_coverage(o, {"metsa": "x", "ruoka": "y", "vesi": "z"}).set_index("sector")
    assert cov.loc["metsa", ["education", "business", "total"]].tolist() == [1, 1, 2]
    assert cov.loc["metsa", ["lacks_education", "lacks_business"]].tolist() == [False, False]
    assert cov.loc["ruoka", ["research", "total"]].tolist() == [1, 1]
    assert cov.loc["ruoka", ["lacks_education", "lacks_business"]].tolist() == [True, True]
    assert cov.loc["vesi", "total"] == 0


def test_description_is_generated_from_the_registry(tmp_path: Path) -> None:
    o, r = actors.load_registry(_write(tmp_path / "a", TINY_ORGS, TINY_RELS), sectors=SECTORS)
    cent = actors.centrality(actors.build_graph(o, r))
    text = actors.describe_network_fi(o, r, cent, top=2)
    assert "5 organisaatiota ja 4 niiden välistä suhdetta" in text
    assert "- Nimi p: 3 suoraa yhteyttä, välittäjäasema 0,83" in text
    assert "- Nimi d: 2 suoraa yhteyttä, välittäjäasema 0,50" in text
    assert "Nimi e1" not in text
    o.loc[o["id"] == "p", "name_fi"] = "Toinen nimi"
    cent2 = actors.centrality(actors.build_graph(o, r))
    assert "- Toinen nimi: 3 suoraa" in actors.describe_network_fi(o, r, cent2)


# ------------------------------------------------------------------ tables of chapter 9


def _munis() -> pd.DataFrame:
    return pd.DataFrame({
        "area": ["KU740", "KU491", "KU046", "KU091", "KU398"],
        "name_fi": ["Savonlinna", "Mikkeli", "Enonkoski", "Helsinki", "Lahti"],
        "region": ["MK10", "MK10", "MK10", "MK01", "MK07"],
    })


def test_actors_by_municipality_counts_only_the_region_s_own_actors():
    """A national agency in Mikkeli is not Etelä-Savo's; a Lahti actor is Päijät-Häme's, not Etelä-Savo's."""
    orgs = pd.DataFrame({"id": list("abcdef"), "name_fi": list("ABCDEF"),
                         "municipality": ["491", "491", "740", "091", "491", "398"],
                         "region": ["MK10", "MK10", "MK10", "SSS", "SSS", "MK07"]})
    munis = _munis()
    counts = actors.actors_by_municipality(orgs, munis, "MK10")
    assert counts[["area", "actors"]].values.tolist() == [["KU046", 0], ["KU491", 2], ["KU740", 1]]
    assert counts.attrs["outside_region"] == 0 and counts.attrs["national"] == 2
    other = actors.actors_by_municipality(orgs, munis, "MK07")
    assert other[["area", "actors"]].values.tolist() == [["KU398", 1]]
    assert other.attrs["outside_region"] == 0 and other.attrs["national"] == 2


def test_actors_by_municipality_without_a_region_column_counts_by_location():
    orgs = pd.DataFrame({"id": list("abcde"), "name_fi": ["A", "B", "C", "D", "E"],
                         "municipality": ["491", "491", "740", "091", "091"]})
    counts = actors.actors_by_municipality(orgs, _munis(), "MK10")
    assert counts[["area", "actors"]].values.tolist() == [["KU046", 0], ["KU491", 2], ["KU740", 1]]
    assert counts.attrs["outside_region"] == 2
    assert counts.attrs["outside_names"] == ["D", "E"]
    other = actors.actors_by_municipality(orgs, _munis(), "MK07")
    assert other["actors"].tolist() == [0] and other.attrs["outside_region"] == 5


def test_actors_by_municipality_refuses_codes_not_on_the_current_division():
    orgs = pd.DataFrame({"id": ["p"], "name_fi": ["P"], "municipality": ["588"]})
    with pytest.raises(InputError, match=r"p \(588\)"):
        actors.actors_by_municipality(orgs, _munis(), "MK10")
    with pytest.raises(InputError, match="no municipalities of region 'MK99'"):
        actors.actors_by_municipality(orgs.assign(municipality="491"), _munis(), "MK99")


def _coverage() -> pd.DataFrame:
    return pd.DataFrame({
        "sector": ["metsa", "vesi", "sote"], "name_fi": ["Metsäala", "Vesiala", "Sote"],
        "education": [2, 1, 0], "business": [3, 0, 0], "public": [1, 1, 1], "development": [0, 0, 0],
        "intermediary": [0, 0, 0], "research": [1, 0, 0], "total": [7, 2, 1],
        "lacks_education": [False, False, True], "lacks_business": [False, True, True],
    })


def test_coverage_tables_name_the_missing_actor_types():
    gaps = actors.coverage_gaps(_coverage())
    assert gaps.values.tolist() == [["Vesiala", "yritys tai toimialajärjestö"],
                                    ["Sote", "koulutustoimija ja yritys tai toimialajärjestö"]]
    table = actors.coverage_table(_coverage())
    assert table.columns.tolist()[:3] == ["Toimiala", "koulutus", "elinkeinoelämä"]
    assert table["Yhteensä"].tolist() == [7, 2, 1]
    assert table["Puuttuu"].tolist()[0] == ""


def test_assumed_relations_lists_only_assumptions_with_names():
    orgs = pd.DataFrame({"id": ["x", "y", "z"], "name_fi": ["Xamk", "Yritys Oy", "Maakuntaliitto"]})
    rels = pd.DataFrame({"from": ["x", "y", "z"], "to": ["y", "z", "x"],
                         "kind": ["educates_for", "member_of", "funds"],
                         "network": ["", "Verkosto", ""],
                         "source": ["Oletus: harjoittelu", "jäsenluettelo 2023", "assumption (to confirm)"]})
    table = actors.assumed_relations(orgs, rels)
    assert table[["Toimija", "Toinen toimija", "Suhde"]].values.tolist() == [
        ["Xamk", "Yritys Oy", "koulutus työelämän tarpeisiin"], ["Maakuntaliitto", "Xamk", "rahoitus"]]


def test_assumed_relations_of_the_project_registry_match_the_source_column():
    from punos_lib.registry.actors import load_registry

    orgs, rels = load_registry(REPO / "data" / "actors", sectors=["metsa", "ruoka", "vesi", "matkailu", "sote",
                                                                 "teknologia", "rakentaminen"])
    expected = sum(("oletus" in s.lower() or "assumption" in s.lower()) for s in rels["source"])
    assert expected > 0
    assert len(actors.assumed_relations(orgs, rels)) == expected


def test_centrality_and_brokers_tables_translate_types():
    cent = pd.DataFrame({"id": ["a", "b"], "name_fi": ["A", "B"], "type": ["education", "business"],
                         "degree": [3, 1], "betweenness": [0.66666, 0.0], "community": [1, 2]})
    table = actors.centrality_table(cent, top=1)
    assert table.values.tolist() == [["A", "koulutus", 3, 0.667, 1]]
    brok = pd.DataFrame({"name_fi": ["C"], "type": ["public"], "share_of_pairs": [0.5], "pairs": [2]})
    assert actors.brokers_table(brok).values.tolist() == [["C", "julkinen toimija", 0.5, 2]]


def test_actor_table_lists_every_actor_with_its_role() -> None:
    orgs, _ = actors.load_registry(REPO / "data" / "actors")
    table = actors.actor_table(orgs)
    assert list(table.columns) == ["Toimija", "Tyyppi", "Taso", "Rooli", "Painopistealat"]
    assert len(table) == len(orgs) and table["Rooli"].str.len().min() > 5
    assert table["Tyyppi"].iloc[0] == "koulutus"  # ordered by actor type
    # the region's own actors first, then the national ones
    levels = table["Taso"].tolist()
    assert levels == sorted(levels) and levels[0] == "alueellinen" and levels[-1] == "valtakunnallinen"
    assert table.set_index("Toimija").loc["Opetushallitus", "Taso"] == "valtakunnallinen"
    row = table[table["Toimija"] == "Etelä-Savon maakuntaliitto"].iloc[0]
    assert row["Rooli"].startswith("Maakunnan liitto") and "Metsäala" in row["Painopistealat"]


def test_shipped_registry_has_no_english_in_the_sources() -> None:
    orgs, rels = actors.load_registry(REPO / "data" / "actors")
    for text in [*orgs["source"], *rels["source"]]:
        assert "assumption" not in text and "confirm" not in text and "DOMAIN.md" not in text, text


# ----------------------------------------------------------------- the study region's actors

#: Etelä-Savo's (a, b), Päijät-Häme's (l), national actors: n1 tied to a, n2 tied to n1 only,
#: n3 tied only to Päijät-Häme's l, n4 tied to nobody.
MIXED_ORGS = [
    _org("a", "education", "metsa"), _org("b", "business", "metsa;matkailu"),
    _org("l", "business", "metsa", municipality="398", region="MK07"),
    _org("n1", "public", "metsa", municipality="091", region="SSS"),
    _org("n2", "public", municipality="091", region="SSS"),
    _org("n3", "business", "metsa", municipality="091", region="SSS"),
    _org("n4", "research", "metsa", municipality="491", region="SSS"),
]
MIXED_RELS = [["a", "b", "partner", "", "test"], ["a", "n1", "funds", "", "test"],
              ["n1", "n2", "coordinates", "", "test"], ["l", "n3", "member_of", "", "test"],
              ["n3", "n1", "partner", "", "test"], ["b", "l", "partner", "", "test"]]


def _mixed(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return actors.load_registry(_write(tmp_path / "mixed", MIXED_ORGS, MIXED_RELS), sectors=SECTORS)


def test_region_view_keeps_the_region_s_actors_and_the_national_ones_tied_to_them(tmp_path: Path) -> None:
    orgs, rels = _mixed(tmp_path)
    view, ties = actors.region_view(orgs, rels, "MK10")
    # n2 is reached through n1; n3 through n1 as well (a national chain), n4 has no tie, l is MK07's
    assert view["id"].tolist() == ["a", "b", "n1", "n2", "n3"]
    assert sorted(map(tuple, ties[["from", "to"]].to_numpy().tolist())) == [
        ("a", "b"), ("a", "n1"), ("n1", "n2"), ("n3", "n1")]  # b-l and l-n3 leave with l
    assert view.attrs["region"] == "MK10" and view.attrs["source_file"].endswith("organisations.csv")
    seven, seven_ties = actors.region_view(orgs, rels, "MK07")
    assert seven["id"].tolist() == ["l", "n1", "n2", "n3"] and "a" not in set(seven_ties["from"])
    assert actors.load_registry(tmp_path / "mixed", sectors=SECTORS, region="MK07")[0]["id"].tolist() == [
        "l", "n1", "n2", "n3"]


def test_a_region_without_actors_of_its_own_gets_none_and_a_sentence(tmp_path: Path) -> None:
    orgs, rels = _mixed(tmp_path)
    view, ties = actors.region_view(orgs, rels, "MK01")
    assert view.empty and ties.empty and list(view.columns) == list(orgs.columns)
    assert actors.regional_only(view).empty
    assert actors.none_recorded_text("MK01") == "Uudenmaan toimijoita ei ole vielä kirjattu toimijarekisteriin."
    with pytest.raises(InputError, match="'MK99' is not a region code"):
        actors.region_view(orgs, rels, "MK99")
    with pytest.raises(InputError, match="is not a region code"):
        actors.region_view(orgs, rels, "SSS")  # the national marker is not a study region


def test_sector_coverage_of_the_view_counts_only_the_region_s_own(tmp_path: Path) -> None:
    orgs, rels = _mixed(tmp_path)
    view, _ = actors.region_view(orgs, rels, "MK10")
    cov = actors.sector_coverage(actors.regional_only(view), {"metsa": "Metsäala", "matkailu": "Matkailu"})
    cov = cov.set_index("sector")
    # metsa: a (education) and b (business); national n1, n3 and MK07's l are not counted
    assert cov.loc["metsa", "total"] == 2 and cov.loc["metsa", "public"] == 0
    assert cov.loc["matkailu", "total"] == 1 and cov.loc["matkailu", "lacks_education"]


def test_network_text_names_the_region_and_its_national_actors(tmp_path: Path) -> None:
    orgs, rels = _mixed(tmp_path)
    view, ties = actors.region_view(orgs, rels, "MK10")
    text = actors.describe_network_fi(view, ties, actors.centrality(actors.build_graph(view, ties)))
    assert text.startswith("Etelä-Savon toimijaverkostoon on kirjattu 5 organisaatiota ja 4 niiden välistä "
                           "suhdetta. Organisaatioista 2 on alueen omia ja 3 valtakunnallisia toimijoita")
    assert "Nimi l" not in text


def test_region_codes_of_the_shipped_registry() -> None:
    orgs, rels = actors.load_registry(REPO / "data" / "actors")
    region = orgs.set_index("id")["region"]
    assert set(region) == {"MK10", "SSS"}
    # national bodies wherever they sit (Helsinki or Mikkeli) are national, the council and colleges regional
    for national in ("oph", "tem", "jotpa", "tilastokeskus", "metsateollisuus", "keha", "luke"):
        assert region[national] == "SSS", national
    for regional in ("esavo", "xamk", "esedu", "mikkeli", "eloisa", "kauppakamari"):
        assert region[regional] == "MK10", regional
    # no regional actor sits in Helsinki: every 091 row is national
    assert set(orgs.loc[orgs["municipality"] == "091", "region"]) == {"SSS"}
    assert actors.region_view(orgs, rels, "MK07")[0].empty


def test_catalogue_links_within_the_region_s_view(tmp_path: Path) -> None:
    from punos_lib.registry import catalogue

    orgs, rels = _mixed(tmp_path)
    view, _ = actors.region_view(orgs, rels, "MK10")
    cat = pd.DataFrame({"id": ["s1"], "name_fi": ["Lähde"], "producer_actors": [("n1", "l")],
                        "user_actors": [("a", "n4")]})
    every = catalogue.actor_links(cat, orgs)
    assert every["actor"].tolist() == ["n1", "l", "a", "n4"]
    assert catalogue.actor_links(cat, orgs, within=view)["actor"].tolist() == ["n1", "a"]
    with pytest.raises(ValidationError, match="no actor with this id"):
        catalogue.actor_links(cat, view)  # links are checked against the whole registry


def test_the_chapter_lead_names_the_region_or_says_it_has_no_actors_yet() -> None:
    from punos_lib.registry.actors import chapter_lead_text

    assert chapter_lead_text("MK10", True) == ("Luvun taulukot ja kuviot kuvaavat Etelä-Savon toimijoita ja niihin "
                                               "kytkeytyviä valtakunnallisia toimijoita.")
    empty = chapter_lead_text("MK07", False)
    assert empty.startswith("Päijät-Hämeen toimijoita ei ole vielä kirjattu toimijarekisteriin, joten")
    assert "Etelä-Savo" not in empty

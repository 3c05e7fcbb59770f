"""Tests of punos_lib.registry.catalogue (aim 1: knowledge producers and data sources)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from punos_lib.registry import catalogue
from punos_lib.errors import ValidationError

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "data" / "catalogue.yaml"

# ids that data/datasets.yaml and the study chapters link to
LINKED_IDS = {
    "statfin-vaerak-11re", "statfin-vaenn-14wx", "statfin-tyokay-115h", "statfin-tyokay-115i",
    "statfin-tyokay-125s", "statfin-tyokay-115s", "statfin-tyokay-115r", "statfin-tyonv-12r5",
    "statfin-tyonv-12ti", "statfin-opiskt", "vipunen-api", "geo-stat-fi-wfs", "classification-api",
}


def _entry(**overrides: object) -> dict:
    entry = {
        "id": "src-a", "name_fi": "Lähde A", "name_en": "Source A", "producer": "Tilastokeskus",
        "kind": "statistics", "topics": ["demand"], "granularity": ["region"], "frequency": "annual",
        "latest_period": "2024", "access": "api", "url": "https://stat.fi", "licence": "CC BY 4.0",
        "loader": None, "gaps": None,
    }
    entry.update(overrides)
    return entry


def _write(tmp_path: Path, entries: list) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "sources": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_catalogue_is_valid_and_large_enough() -> None:
    cat = catalogue.load_catalogue(CATALOGUE)
    assert len(cat) >= 25
    assert cat["id"].is_unique
    assert LINKED_IDS <= set(cat["id"])
    assert cat["url"].str.startswith("https://").all()


def test_datasets_yaml_links_only_to_catalogued_ids() -> None:
    datasets = REPO / "data" / "datasets.yaml"
    if not datasets.is_file():
        pytest.skip("data/datasets.yaml not present")
    doc = yaml.safe_load(datasets.read_text(encoding="utf-8"))
    linked = {d["catalogue"] for d in doc["datasets"] if d.get("catalogue")}
    ids = set(catalogue.load_catalogue(CATALOGUE)["id"])
    assert linked - ids == set()


def test_missing_required_field_names_file_row_and_field(tmp_path: Path) -> None:
    bad = _entry(id="src-b")
    del bad["producer"]
    path = _write(tmp_path, [_entry(), bad])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    err = info.value
    assert err.row == 2 and err.field == "producer"
    assert str(path) in str(err) and "row 2" in str(err) and "'producer'" in str(err)


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "blog"), ("access", "email"), ("topics", ["demand", "weather"]),
     ("granularity", ["village"]), ("frequency", "daily")],
)
def test_unknown_values_are_rejected(tmp_path: Path, field: str, value: object) -> None:
    path = _write(tmp_path, [_entry(), _entry(id="src-b"), _entry(id="src-c", **{field: value})])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert info.value.row == 3 and info.value.field == field
    assert str(path) in str(info.value)


def test_plain_http_url_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry(url="http://stat.fi")])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert (info.value.row, info.value.field, info.value.value) == (1, "url", "http://stat.fi")


def test_duplicate_ids_and_all_problems_reported_together(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry(), _entry(kind="blog"), _entry(access="fax")])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    text = "\n".join(info.value.problems)
    # row 2: bad kind and duplicate id; row 3: bad access and duplicate id
    assert len(info.value.problems) == 4
    assert "row 2, field 'kind'" in text and "row 3, field 'access'" in text
    assert text.count("duplicate id") == 2


def test_unknown_field_and_wrong_top_level(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry(licnece="x")])
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert info.value.field == "licnece"
    other = tmp_path / "list.yaml"
    other.write_text("- id: a\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="sources"):
        catalogue.load_catalogue(other)


def test_broken_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("sources:\n  - id: a\n    name_fi: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        catalogue.load_catalogue(path)
    assert str(path) in str(info.value) and info.value.row is not None


def test_coverage_summary_and_gaps_on_hand_made_catalogue(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        _entry(id="a", topics=["demand", "supply"], granularity=["region", "municipality"], access="api"),
        _entry(id="b", topics=["education"], granularity=["region"], access="download", gaps="Vain maataso."),
        _entry(id="c", topics=["demand"], granularity=["country"], access="api", gaps="  "),
    ])
    cat = catalogue.load_catalogue(path)
    matrix = catalogue.coverage_matrix(cat)
    assert list(matrix.index) == ["a", "b", "c"]
    assert matrix.loc["a"].to_dict() == {
        "demand": True, "supply": True, "matching": False, "demography": False,
        "education": False, "foresight": False,
    }
    assert matrix["demand"].sum() == 2 and matrix["education"].sum() == 1

    access = catalogue.summary_by(cat, "access").set_index("value")["sources"]
    assert access.to_dict() == {"api": 2, "download": 1, "web_only": 0, "restricted": 0}
    gran = catalogue.summary_by(cat, "granularity").set_index("value")
    assert gran.loc["region", "sources"] == 2
    assert gran.loc["municipality", "sources"] == 1
    assert gran.loc["grid", "sources"] == 0
    assert gran.loc["region", "label_fi"] == "maakunta"

    gap_table = catalogue.gaps(cat)
    assert gap_table["id"].tolist() == ["b"]
    assert gap_table.loc[0, "gaps"] == "Vain maataso."

    with pytest.raises(Exception, match="cannot summarise"):
        catalogue.summary_by(cat, "url")  # type: ignore[arg-type]

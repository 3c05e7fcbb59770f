"""Where each dataset came from, and the introduction's list of real and example data."""

from __future__ import annotations

from pathlib import Path

import pytest

from punos_lib.publish.provenance import data_status_markdown
from punos_lib.snapshot import bundled, demo
from punos_lib.snapshot.origins import dataset_origins, origin
from punos_lib.snapshot.store import Snapshot


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    root = tmp_path_factory.mktemp("origins") / "snapshot"
    bundled.load_bundle(root)
    demo.build_demo(root, progress=False)
    snap = Snapshot(root)
    snap.write("education_supply/import", b"region,year,level,field,measure,value\nMK10,2024,x,01,tutkinnot,1\n",
               dataset="education_supply", kind="import", source="import", media_type="text/csv",
               licence="CC BY 4.0", attribution="Lähde: Vipunen", synthetic=False)
    return Snapshot(root)


def test_each_dataset_has_its_origin(snap: Snapshot) -> None:
    rows = {r.dataset: r for r in dataset_origins(snap)}
    assert rows["population"].origin == "bundled"
    assert rows["population"].period == "1972–2025 (2025 ennakkotieto)"
    assert rows["municipality_population"].period == "1990–2022"
    assert rows["population_projection"].updated == "2024-10-24T05:00:00Z"
    assert rows["jobs_by_industry"].origin == "example" and rows["jobs_by_industry"].period is None
    assert rows["education_supply"].origin == "imported"
    assert origin(snap.entry("population/data-1")) == "bundled"
    assert origin(snap.entry("jobs_by_industry/metadata")) == "example"


def test_a_dataset_without_entries_is_missing(tmp_path: Path) -> None:
    rows = dataset_origins(Snapshot(tmp_path / "empty"))
    assert {r.origin for r in rows} == {"missing"}


def test_the_introduction_lists_real_and_example_parts(snap: Snapshot) -> None:
    text = data_status_markdown(dataset_origins(snap))
    real, example = text.split("**Esimerkkiaineistoon perustuvat aineistot.**")
    assert "Väestö iän mukaan alueittain 31.12. (vaerak/11re): selvityksen mukana tuleva tilastoaineisto, " \
           "1972–2025 (2025 ennakkotieto)" in real
    assert "(vaenn/14wx)" in real and "(vaerak/11ra)" in real and "käsin tuotu tiedosto" in real
    assert "(tyokay/115h): esimerkkiaineisto" in example and "vaerak/11re" not in example
    assert "callout-warning" in real.split("**Tilastotietoon")[0]


def test_no_warning_when_everything_is_real(snap: Snapshot) -> None:
    rows = [r for r in dataset_origins(snap) if r.origin != "example"]
    text = data_status_markdown(rows)
    assert "callout-warning" not in text and "Esimerkkiaineistoon" not in text

"""Tests of punos_lib.snapshot.demo: a complete, synthetic, deterministic snapshot in the real shapes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from punos_lib.reference import declarations
from punos_lib.snapshot import demo
from punos_lib.snapshot.store import Snapshot

REPO = Path(__file__).resolve().parents[2]
MAX_CELLS = 120_000  # StatFin ?config maxCells (reference statfin_api/config_fi_2026-08-29.json)


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return demo.build_demo(tmp_path_factory.mktemp("demo"), progress=False)


def test_every_declared_dataset_but_boundaries(snap: Snapshot) -> None:
    decls = declarations.load(REPO / "data" / "datasets.yaml")
    written = set(snap.datasets())
    for decl in decls:
        if decl.source == "geo":
            assert decl.id not in written, "the demo must never invent polygons"
        else:
            assert decl.id in written, decl.id
    assert not snap.entries(kind="boundaries")


def test_entries_flagged_synthetic(snap: Snapshot) -> None:
    entries = snap.entries()
    assert entries
    for e in entries:
        assert e.synthetic is True
        assert e.source == "demo"
        assert e.licence == "CC BY 4.0 (synthetic)"
        assert e.attribution == "Esimerkkiaineisto – ei todellisia tilastoja"
        assert "SYNTHETIC" in (e.note or "")
        assert e.fetched_at == "2025-12-31T00:00:00Z"
    assert snap.verify().problems == []


def test_two_builds_are_byte_identical(snap: Snapshot, tmp_path: Path) -> None:
    other = demo.build_demo(tmp_path / "again", progress=False)
    first = json.loads(snap.manifest_path.read_text(encoding="utf-8"))["entries"]
    second = json.loads(other.manifest_path.read_text(encoding="utf-8"))["entries"]
    assert {k: v["sha256"] for k, v in first.items()} == {k: v["sha256"] for k, v in second.items()}
    assert snap.manifest_path.read_bytes() == other.manifest_path.read_bytes()
    third = demo.build_demo(tmp_path / "seed", seed=1, progress=False)
    assert third.entry("population/data-1").sha256 != snap.entry("population/data-1").sha256


def test_population_metadata_new_form(snap: Snapshot) -> None:
    meta = snap.read_json("population/metadata")
    assert set(meta) == {"title", "variables"}
    codes = [v["code"] for v in meta["variables"]]
    assert codes == ["alue_23_20260101", "ikaryhma_10_20180101", "sukupuoli_9_20180101", "timeperiod_y",
                     "contentscode"]
    area = meta["variables"][0]
    assert area["map"] == "Alue 2026" and area["elimination"] is True
    assert len(area["values"]) == 309 and area["values"][0] == "SSS"  # SSS + 308 municipalities of 2025
    assert meta["variables"][3]["time"] is True
    assert meta["variables"][4]["values"] == ["vaerak-vaesto"]
    ages = meta["variables"][1]["values"]
    assert ages[:3] == ["SSS", "000", "001"] and ages[-1] == "100-" and len(ages) == 102


def test_projection_uses_2024_division(snap: Snapshot) -> None:
    meta = snap.read_json("population_projection/metadata")
    area = meta["variables"][0]
    assert area["code"] == "alue_23_20240101"
    assert len(area["values"]) == 310  # SSS + 309 municipalities
    assert "KU588" in area["values"] and "KU507" in area["values"]


def test_tyonv_keeps_bare_names(snap: Snapshot) -> None:
    meta = snap.read_json("jobseekers_by_occupation/metadata")
    assert [v["code"] for v in meta["variables"]] == ["Alue", "Ammattiryhmä", "timeperiod_m", "contentscode"]
    meta = snap.read_json("jobseekers_by_area/metadata")
    assert {"TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA", "TYOVOIMATK"} <= set(meta["variables"][2]["values"])


def test_parts_split_like_the_client(snap: Snapshot) -> None:
    """Each part stays under maxCells, parts cover the query exactly, part numbers are consistent."""
    decls = declarations.load(REPO / "data" / "datasets.yaml")
    for decl in (d for d in decls if d.source == "statfin"):
        parts = snap.entries(dataset=decl.id, kind="data")
        assert parts, decl.id
        n = len(parts)
        assert [p.part for p in parts] == list(range(1, n + 1))
        total = 0
        for p in parts:
            body = snap.read_json(p.id)
            assert p.parts == n
            assert body["version"] == "2.0" and body["class"] == "dataset"
            cells = math.prod(body["size"])
            assert cells <= MAX_CELLS
            assert len(body["value"]) == cells
            # the stored query asks for exactly what the body holds
            sent = {q["code"]: q["selection"]["values"] for q in p.query["query"]}
            for code, size in zip(body["id"], body["size"], strict=True):
                assert len(sent[code]) == size
                assert list(body["dimension"][code]["category"]["index"]) == sent[code]
            assert body["extension"]["px"]["tableid"] == decl.table_id
            total += cells
        # as few parts as the cut allows: one part fewer would exceed maxCells somewhere
        assert n == 1 or total > MAX_CELLS * (n - 1) / 2


def test_population_split_in_three(snap: Snapshot) -> None:
    # 309 areas × 102 ages × 1 sex × 11 years × 1 content = 346,698 cells → 3 parts of ≤ 120,000
    parts = snap.entries(dataset="population", kind="data")
    assert len(parts) == 3
    sizes = [snap.read_json(p.id)["size"] for p in parts]
    assert sum(s[0] for s in sizes) == 309
    assert all(s[1:] == [102, 1, 11, 1] for s in sizes)


def test_suppressed_cells_have_status(snap: Snapshot) -> None:
    body = snap.read_json("jobseekers_by_occupation/data-1")
    status = body["status"]
    assert status and set(status.values()) == {"..."}
    for key in list(status)[:50]:
        assert body["value"][int(key)] is None
    nulls = sum(v is None for v in body["value"])
    assert nulls == len(status)


def test_magnitudes(snap: Snapshot) -> None:
    """Plausible sizes: Etelä-Savo ≈ 129,000 in 2024 and falling; SSS is the sum of municipalities."""
    meta = snap.read_json("population/metadata")
    es = {"046", "097", "178", "213", "491", "507", "593", "623", "681", "740", "768"}
    totals: dict[str, float] = {}
    sss_2024 = 0.0
    muni_2024 = 0.0
    for p in snap.entries(dataset="population", kind="data"):
        body = snap.read_json(p.id)
        areas = list(body["dimension"][body["id"][0]]["category"]["index"])
        ages = list(body["dimension"][body["id"][1]]["category"]["index"])
        years = list(body["dimension"]["timeperiod_y"]["category"]["index"])
        n_age, n_year = len(ages), len(years)
        for i, area in enumerate(areas):
            for y, year in enumerate(years):
                value = body["value"][(i * n_age + ages.index("SSS")) * n_year + y]
                if area[2:] in es:
                    totals[year] = totals.get(year, 0.0) + value
                if year == "2024":
                    if area == "SSS":
                        sss_2024 = value
                    else:
                        muni_2024 += value
    assert 125_000 < totals["2024"] < 133_000
    assert totals["2014"] > totals["2024"] * 1.05  # falling ~0.8 %/yr
    assert 5_450_000 < sss_2024 < 5_750_000
    assert sss_2024 == muni_2024
    assert meta["variables"][3]["values"][-1] == "2024"


def test_imports_and_classifications(snap: Snapshot) -> None:
    text = snap.read_bytes("education_supply/import").decode("utf-8")
    assert text.splitlines()[0] == "region,year,level,field,measure,value"
    text = snap.read_bytes("workforce_by_occupation_age/import").decode("utf-8")
    assert text.splitlines()[0] == "region,year,occupation,age_group,value"
    items = snap.read_json("tol2008/classification")
    by_code = {i["code"]: i for i in items}
    assert by_code["16"]["parentCode"] == "C"
    assert by_code["Q"]["classificationItemNames"][0]["name"] == "Terveys- ja sosiaalipalvelut"
    by_name = {e.query["name"]: e.id for e in snap.entries(dataset="municipality_key")}
    maps = snap.read_json(by_name["kunta#maakunta"])
    mikkeli = next(m for m in maps if m["sourceItem"]["code"] == "491")
    assert mikkeli["targetItem"]["code"] == "10"
    assert len(maps) == 308


def test_real_entries_are_left_alone(tmp_path: Path) -> None:
    snap = Snapshot(tmp_path / "mixed")
    real = snap.write("population/data-1", b'{"real": true}', dataset="population", kind="data", source="statfin",
                      media_type="application/json", licence="CC BY 4.0", attribution="Lähde: Tilastokeskus",
                      synthetic=False)
    demo.build_demo(snap.root, progress=False)
    again = Snapshot(snap.root)
    assert [e.id for e in again.entries(dataset="population")] == ["population/data-1"]
    assert again.entry("population/data-1").sha256 == real.sha256
    assert again.synthetic("population_projection")

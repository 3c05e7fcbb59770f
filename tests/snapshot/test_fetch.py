"""Tests of punos_lib.snapshot.fetch against the local PxWeb server (tests/pxweb_server.py) and fake clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pxweb_server import PxWebServer

from punos_lib import datasets
from punos_lib.snapshot import demo, fetch
from punos_lib.sources import statfin
from punos_lib.sources._http import HttpSession
from punos_lib.errors import InputError, OfflineError
from punos_lib.snapshot.store import Snapshot
from punos_lib.sources.statfin import PxWebClient

DECLARATION = """\
version: 1
datasets:
  - id: gen
    title_fi: Testi
    source: statfin
    table: testi/gen
    selection: {"@area": "*", "@time": "top:3", "@contents": "*"}
    used_in: [x]
  - id: broken
    title_fi: Puuttuva taulu
    source: statfin
    table: testi/nope
    selection: {"@time": "top:1"}
    used_in: [x]
  - id: imp
    title_fi: Tuonti
    source: import
    format: csv
    columns: [a, b]
    instructions_en: Export the cube from vipunen.fi and run `punos snapshot import`.
    used_in: [x]
"""

CLASSIFICATIONS = """\
version: 1
datasets:
  - id: municipality_key
    title_fi: Avain
    source: classifications
    kind: key
    year: 2025
    used_in: [x]
  - id: tol2008
    title_fi: TOL
    source: classifications
    kind: classification
    classification: toimiala_1_20080101
    used_in: [x]
"""


@pytest.fixture
def server() -> Iterator[PxWebServer]:
    # 61 areas × 3 years × 2 contents = 366 cells over maxCells 100: several parts
    with PxWebServer(max_cells=100, max_calls=200, time_window=1.0) as srv:
        yield srv


@pytest.fixture
def decl_path(tmp_path: Path) -> Path:
    path = tmp_path / "datasets.yaml"
    path.write_text(DECLARATION, encoding="utf-8")
    return path


def _factories(server: PxWebServer) -> dict[str, Any]:
    def make() -> PxWebClient:
        return PxWebClient(server.base_url, session=HttpSession(retries=1, backoff=0.001, max_wait=0.1, timeout=5))

    return {"statfin": make}


def test_fetch_stores_parts_and_reports(server: PxWebServer, decl_path: Path, tmp_path: Path) -> None:
    snap_dir = tmp_path / "snap"
    report = fetch.fetch_all(snap_dir, progress=False, client_factories=_factories(server),
                             declaration_path=decl_path)
    assert report.done == ["gen"]
    assert list(report.failed) == ["broken"] and "nope" in report.failed["broken"]
    assert report.manual == {"imp": "import by hand: Export the cube from vipunen.fi and run `punos snapshot import`."}
    assert not report.ok
    assert "failed 1" in report.summary() and "import by hand" in report.summary()

    snap = Snapshot(snap_dir)
    parts = snap.entries(dataset="gen", kind="data")
    assert len(parts) >= 4  # 366 cells at ≤ 100 per request
    for p in parts:
        assert p.synthetic is False and p.source == "statfin"
        assert p.licence == "CC BY 4.0" and p.attribution == "Lähde: Tilastokeskus"
        assert p.updated == "2026-04-01T05:00:00Z"  # the server's json-stat2 'updated'
        assert p.query["response"] == {"format": "json-stat2"}
        assert p.url.endswith("/testi/gen.px")
        assert p.parts == len(parts)
    meta = snap.entry("gen/metadata")
    assert meta.url.endswith("/testi/gen.px")
    # the stored parts assemble to the whole selection; a value checked by hand:
    # age is eliminated without an elimination value, so the server sums the 20 ages;
    # KU001, contents 0 (vaesto), year 2024 (index 24): Σ_g (1·100000 + g·1000 + 24) = 2,190,480
    frame = statfin.assemble([snap.read_bytes(p.id) for p in parts], snap.read_json("gen/metadata"))
    assert len(frame) == 61 * 3 * 2
    area = next(c for c in frame.columns if c.startswith("alue"))
    time = next(c for c in frame.columns if c.startswith("timeperiod"))
    row = frame[(frame[area] == "KU001") & (frame[time] == "2024")]
    contents = [c for c in frame.columns if c not in (area, time) and not c.endswith("_label")
                and c not in ("value", "status")][0]
    value = row[row[contents] == "vaesto"]["value"].item()
    assert value == 2_190_480


def test_resume_sends_no_requests(server: PxWebServer, decl_path: Path, tmp_path: Path) -> None:
    snap_dir = tmp_path / "snap"
    fetch.fetch_all(snap_dir, datasets=["gen"], progress=False, client_factories=_factories(server),
                    declaration_path=decl_path)
    before = Snapshot(snap_dir).manifest_path.read_bytes()
    server.clear_log()
    again = fetch.fetch_all(snap_dir, datasets=["gen"], progress=False, client_factories=_factories(server),
                            declaration_path=decl_path)
    assert again.skipped == ["gen"] and again.done == [] and again.ok
    assert server.log == []
    assert Snapshot(snap_dir).manifest_path.read_bytes() == before
    # a corrupted part makes the dataset incomplete: it is fetched again
    part = Snapshot(snap_dir).path_of("gen/data-1")
    part.write_bytes(part.read_bytes()[:-5])
    third = fetch.fetch_all(snap_dir, datasets=["gen"], progress=False, client_factories=_factories(server),
                            declaration_path=decl_path)
    assert third.done == ["gen"]
    assert Snapshot(snap_dir).verify().problems == []


def test_a_changed_declaration_is_fetched_again(server: PxWebServer, decl_path: Path, tmp_path: Path) -> None:
    snap_dir = tmp_path / "snap"
    fetch.fetch_all(snap_dir, datasets=["gen"], progress=False, client_factories=_factories(server),
                    declaration_path=decl_path)
    decl_path.write_text(DECLARATION.replace('"@time": "top:3"', '"@time": "top:2"'), encoding="utf-8")
    again = fetch.fetch_all(snap_dir, datasets=["gen"], progress=False, client_factories=_factories(server),
                            declaration_path=decl_path)
    assert again.done == ["gen"] and again.skipped == []
    meta = Snapshot(snap_dir).entry("gen/metadata")
    assert meta.query == {"table": "testi/gen",
                          "declared_selection": {"@area": "*", "@time": "top:2", "@contents": "*"}}


def test_real_data_replaces_demo_entries(server: PxWebServer, decl_path: Path, tmp_path: Path) -> None:
    snap = Snapshot(tmp_path / "snap")
    for n in range(1, 10):  # more parts than the real fetch makes
        snap.write(f"gen/data-{n}", b"{}", dataset="gen", kind="data", source="demo", media_type="application/json",
                   licence="CC BY 4.0 (synthetic)", attribution="demo", synthetic=True, part=n, parts=9)
    fetch.fetch_all(snap.root, datasets=["gen"], progress=False, client_factories=_factories(server),
                    declaration_path=decl_path)
    fresh = Snapshot(snap.root)
    assert not fresh.synthetic("gen")
    assert all(e.source == "statfin" for e in fresh.entries(dataset="gen"))
    assert fresh.verify().untracked == []


def test_unknown_dataset_id(decl_path: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="declared datasets are: gen, broken, imp"):
        fetch.fetch_all(tmp_path, datasets=["gne"], progress=False, declaration_path=decl_path)


def test_offline_switch_names_the_datasets(decl_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNOS_OFFLINE", "1")
    with pytest.raises(OfflineError) as info:
        fetch.fetch_all(tmp_path / "snap", progress=False, declaration_path=decl_path)
    message = str(info.value)
    assert "PUNOS_OFFLINE" in message and "gen, broken" in message
    assert "imp" not in message.split("fetched:")[1].split(".")[0]


class _Unreachable:
    def fetch_raw(self, table: str, selection: Any = None) -> Any:
        raise OfflineError(f"cannot reach pxdata.stat.fi for {table}")


def test_offline_error_stops_early(decl_path: Path, tmp_path: Path) -> None:
    with pytest.raises(OfflineError, match=r"could not be fetched: gen, broken\. Connect"):
        fetch.fetch_all(tmp_path / "snap", progress=False, client_factories={"statfin": _Unreachable},
                        declaration_path=decl_path)


class _FakeClassifications:
    """Plays the classification API from the demo's payloads (no network)."""

    def __init__(self) -> None:
        self.payloads = demo.key_payloads(demo._facts(), 2025)
        self.calls: list[str] = []

    def fetch_items(self, classification: str, lang: str = "fi") -> bytes:
        self.calls.append(f"{classification}:{lang}")
        if classification == "toimiala_1_20080101":
            return json.dumps(demo._classification_items(classification)).encode()
        stem = classification.split("_")[0]
        return json.dumps(self.payloads[f"{stem}:{lang}"]).encode()

    def fetch_correspondence(self, source: str, target: str, lang: str = "fi") -> bytes:
        self.calls.append(f"{source}#{target}")
        return json.dumps(self.payloads[f"kunta#{target.split('_')[0]}"]).encode()

    def items_url(self, classification: str, lang: str = "fi") -> str:
        return f"https://data.stat.fi/api/classifications/v2/classifications/{classification}/classificationItems"


def test_classifications_and_key(tmp_path: Path) -> None:
    path = tmp_path / "datasets.yaml"
    path.write_text(CLASSIFICATIONS, encoding="utf-8")
    fake = _FakeClassifications()
    snap_dir = tmp_path / "snap"
    report = fetch.fetch_all(snap_dir, progress=False, client_factories={"classifications": lambda: fake},
                             declaration_path=path)
    assert report.done == ["municipality_key", "tol2008"] and report.ok
    assert "kunta_1_20250101#maakunta_1_20250101" in fake.calls
    snap = Snapshot(snap_dir)
    names = sorted(e.query["name"] for e in snap.entries(dataset="municipality_key"))
    assert "kunta#tyollisyysalue" in names and "kunta:sv" in names
    assert snap.entry("tol2008/classification").attribution == "Lähde: Tilastokeskus"
    # the fetched key is what datasets.municipalities reads (the same id is declared in the project)
    munis = datasets.municipalities(snap)
    assert munis.attrs["provenance"]["synthetic"] is False
    assert munis.loc[munis["area"] == "KU491", "region"].item() == "MK10"
    # Unchanged: skipped. A new key year or another classification id: fetched again.
    again = fetch.fetch_all(snap_dir, progress=False, client_factories={"classifications": lambda: fake},
                            declaration_path=path)
    assert again.skipped == ["municipality_key", "tol2008"]
    path.write_text(CLASSIFICATIONS.replace("year: 2025", "year: 2026"), encoding="utf-8")
    fake.calls.clear()
    changed = fetch.fetch_all(snap_dir, progress=False, client_factories={"classifications": lambda: fake},
                              declaration_path=path)
    assert changed.skipped == ["tol2008"] and "municipality_key" in changed.done + list(changed.failed)
    assert any("20260101" in call for call in fake.calls)


def test_table_not_found_is_a_failure_not_a_crash(server: PxWebServer, decl_path: Path, tmp_path: Path) -> None:
    report = fetch.fetch_all(tmp_path / "snap", datasets=["broken"], progress=False,
                             client_factories=_factories(server), declaration_path=decl_path)
    assert list(report.failed) == ["broken"]
    assert report.done == [] and report.skipped == []
    assert not Snapshot(tmp_path / "snap").entries(dataset="broken")


def test_ascii_key_reaches_a_tyonv_code_with_finnish_letters(tmp_path: Path) -> None:
    """The declaration writes `ammattiryhma`; real 12ti calls the variable `Ammattiryhmä`."""
    metadata = {
        "title": "12ti",
        "variables": [
            {"code": "Alue", "text": "Alue", "values": ["SSS", "MK10"], "valueTexts": ["KOKO MAA", "Etelä-Savo"],
             "elimination": True, "map": "Alue 2026"},
            {"code": "Ammattiryhmä", "text": "Ammattiryhmä", "values": ["SSS", "2221", "5321"],
             "valueTexts": ["Yhteensä", "Ylihoitajat", "Lähihoitajat"], "elimination": True},
            {"code": "timeperiod_m", "text": "Kuukausi", "values": ["2025M10", "2025M11"],
             "valueTexts": ["2025M10", "2025M11"], "time": True},
            {"code": "contentscode", "text": "Tiedot", "values": ["TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA"],
             "valueTexts": ["Työttömät", "Avoimet työpaikat"]},
        ],
    }
    path = tmp_path / "datasets.yaml"
    path.write_text(
        "version: 1\ndatasets:\n  - id: occ\n    title_fi: T\n    source: statfin\n    table: tyonv/12ti\n"
        "    selection: {\"@area\": [MK10], ammattiryhma: \"*\", \"@time\": \"top:1\", \"@contents\": \"*\"}\n"
        "    used_in: [x]\n",
        encoding="utf-8",
    )
    with PxWebServer(max_cells=1000, max_calls=100, time_window=1.0, generated=False) as server:
        server.add_table("tyonv/12ti", metadata)
        report = fetch.fetch_all(tmp_path / "snap", progress=False, client_factories=_factories(server),
                                 declaration_path=path)
    assert report.done == ["occ"], report.failed
    entry = Snapshot(tmp_path / "snap").entry("occ/data-1")
    sent = {q["code"]: q["selection"]["values"] for q in entry.query["query"]}
    assert sent["Ammattiryhmä"] == ["SSS", "2221", "5321"]
    assert sent["timeperiod_m"] == ["2025M11"]


def test_an_interrupted_fetch_fails_verify_until_a_complete_one(server: PxWebServer, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    decl = tmp_path / "only_gen.yaml"
    decl.write_text(DECLARATION.split("  - id: broken")[0], encoding="utf-8")
    snap_dir = tmp_path / "snap"
    original = Snapshot.write
    calls = {"n": 0}

    def killed_on_the_third_write(self: Snapshot, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C half-way through the parts
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Snapshot, "write", killed_on_the_third_write)
    with pytest.raises(KeyboardInterrupt):
        fetch.fetch_all(snap_dir, progress=False, client_factories=_factories(server), declaration_path=decl)
    monkeypatch.undo()
    report = Snapshot(snap_dir).verify()
    assert report.ok == ["gen/data-1", "gen/data-2"]  # what was written is consistent ...
    assert report.interrupted and report.interrupted.startswith("punos fetch")  # ... but the fetch did not finish
    again = fetch.fetch_all(snap_dir, progress=False, client_factories=_factories(server), declaration_path=decl)
    assert again.done == ["gen"] and again.ok
    assert Snapshot(snap_dir).verify().problems == []

"""`punos fetch` of the higher-education dataset from a local server playing Vipunen's API, and the
education frame read from what it stored (values computed by hand from the served rows)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from apiserver import ApiServer, Reply, Request

from punos_lib import datasets
from punos_lib.analysis import education
from punos_lib.errors import SnapshotError
from punos_lib.snapshot import demo, fetch
from punos_lib.snapshot.store import Snapshot
from punos_lib.sources._http import HttpSession
from punos_lib.sources.vipunen import HIGHER_EDUCATION_FIELDS, VipunenClient

RESOURCE = "/api/resources/opiskelijat_ja_tutkinnot"


def _row(year: str, sector: str, levels: tuple[str, str, str], region: str | None, sex: str,
         entrants: int | None, degrees: int | None) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name, _ in HIGHER_EDUCATION_FIELDS}
    row.update({"Tilastovuosi": year, "Sektori": sector, "Sukupuoli": sex, "Uudet opiskelijat": entrants,
                "Tutkinnot": degrees, "Koulutusala taso 1": levels[0], "Koulutusala taso 2": levels[1],
                "Koulutusala taso 3": levels[2], "koulutuksen_maakunta": region})
    return row


ELECTRICITY = ("Tekniikan alat", "Kone-, prosessi-, energia- ja sähkötekniikka", "Sähkö ja energia")  # 0713
TEACHERS = ("Kasvatusalat", "Kasvatusalat", "Luokanopettajien koulutus")  # 0113
ROWS = [
    _row("2023", "Ammattikorkeakoulukoulutus", ELECTRICITY, "Etelä-Savo", "Mies", 30, 20),
    _row("2023", "Ammattikorkeakoulukoulutus", ELECTRICITY, "Etelä-Savo", "Nainen", 10, 5),
    _row("2023", "Ammattikorkeakoulukoulutus", ELECTRICITY, "Uusimaa", "Mies", 100, 70),
    _row("2023", "Yliopistokoulutus", TEACHERS, "Etelä-Savo", "Nainen", 12, None),
    # a field known only at level 2 and a region that is no region: the whole country only
    _row("2023", "Yliopistokoulutus", ("Kasvatusalat", "Kasvatusalat", None), "Ulkomaat", "Mies", 3, 2),
    _row("2024", "Ammattikorkeakoulukoulutus", ELECTRICITY, " etelä-savo ", "Mies", 33, 21),
]


def _serve(srv: ApiServer, rows: list[dict[str, Any]]) -> None:
    def needs_caller(handler):
        def wrapped(request: Request) -> Reply:
            if request.headers.get("caller-id") != "punos-test":
                return Reply(403, b"Caller-Id missing", "text/plain")
            return handler(request)
        return wrapped

    def data(request: Request) -> Reply:
        limit, offset = int(request.query["limit"][0]), int(request.query["offset"][0])
        return Reply(200, json.dumps(rows[offset:offset + limit], ensure_ascii=False).encode())

    fields = [{"name": n, "type": t} for n, t in HIGHER_EDUCATION_FIELDS]
    srv.routes[RESOURCE] = needs_caller(lambda r: Reply(200, json.dumps(fields).encode()))
    srv.routes[RESOURCE + "/data/count"] = needs_caller(lambda r: Reply(200, str(len(rows)).encode()))
    srv.routes[RESOURCE + "/data"] = needs_caller(data)


def _factories(srv: ApiServer) -> dict[str, Any]:
    session = HttpSession(retries=1, backoff=0.0, sleep=lambda s: None)
    return {"vipunen": lambda: VipunenClient(base_url=srv.url + "/api", caller_id="punos-test",
                                             session=session, page_size=4)}


def _value(frame, area: str, year: int, level: str, field: str, measure: str) -> float:
    rows = frame[(frame["area"] == area) & (frame["year"] == year) & (frame["level"] == level)
                 & (frame["field"] == field) & (frame["measure"] == measure)]
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


def test_fetch_stores_pages_with_provenance_and_the_frame_has_hand_computed_values(tmp_path: Path) -> None:
    with ApiServer() as srv:
        _serve(srv, ROWS)
        report = fetch.fetch_all(tmp_path / "snap", datasets=["higher_education"], progress=False,
                                 client_factories=_factories(srv))
        assert report.done == ["higher_education"], report.summary()
        data_requests = [r for r in srv.requests if r.path == RESOURCE + "/data"]
        assert [int(r.query["offset"][0]) for r in data_requests] == [0, 4]
        assert all(r.headers.get("caller-id") == "punos-test" for r in srv.requests)
        # complete now: a second fetch sends nothing
        before = len(srv.requests)
        again = fetch.fetch_all(tmp_path / "snap", datasets=["higher_education"], progress=False,
                                client_factories=_factories(srv))
        assert again.skipped == ["higher_education"] and len(srv.requests) == before

    snap = Snapshot(tmp_path / "snap")
    entries = {e.id: e for e in snap.entries(dataset="higher_education")}
    assert sorted(entries) == ["higher_education/metadata", "higher_education/resource-1",
                               "higher_education/resource-2"]
    page = entries["higher_education/resource-2"]
    assert (page.kind, page.source, page.synthetic, page.licence) == ("resource", "vipunen", False, "CC BY 4.0")
    assert page.url.endswith("/api/resources/opiskelijat_ja_tutkinnot/data?limit=2&offset=4")
    assert page.part == 2 and page.parts == 2 and "Vipunen" in page.attribution
    assert snap.verify().ok

    edu = datasets.education_supply(snap)
    assert edu.attrs["provenance"]["synthetic"] is False
    assert edu.attrs["provenance"]["datasets"] == ["higher_education"]
    assert edu.attrs["levels"] == ["amk", "yliopisto"] and edu.attrs["unplaced_regions"] == ["Ulkomaat"]
    assert _value(edu, "MK10", 2023, "amk", "0713", "uudet_opiskelijat") == 30 + 10
    assert _value(edu, "MK10", 2023, "amk", "0713", "tutkinnot") == 20 + 5
    assert _value(edu, "MK10", 2024, "amk", "0713", "uudet_opiskelijat") == 33
    assert _value(edu, "MK01", 2023, "amk", "0713", "tutkinnot") == 70
    assert _value(edu, "MK10", 2023, "yliopisto", "0113", "uudet_opiskelijat") == 12
    assert edu[(edu["area"] == "MK10") & (edu["field"] == "0113") & (edu["measure"] == "tutkinnot")]["value"].isna().all()
    # the whole country counts every row, the one abroad too
    assert _value(edu, "SSS", 2023, "amk", "0713", "uudet_opiskelijat") == 30 + 10 + 100
    assert _value(edu, "SSS", 2023, "yliopisto", "011", "uudet_opiskelijat") == 3
    assert set(edu.loc[edu["field"] == "0713", "field_name"]) == {"Sähkö ja energia"}

    # the demo fills the vocational import with example data: never mixed into the real frame
    demo.build_demo(tmp_path / "snap", progress=False)
    assert not Snapshot(tmp_path / "snap").synthetic("higher_education")
    mixed = datasets.education_supply(Snapshot(tmp_path / "snap"))
    assert mixed.attrs["left_out"] == ["education_supply"] and "ammatillinen" not in set(mixed["level"])
    assert mixed.attrs["provenance"]["synthetic"] is False
    text = education.coverage_text(mixed)
    assert text.startswith("Luvun kuviot ja taulukot ovat tilastotietoa: korkeakoulujen luvut Vipusen")
    assert "vuodet 2023–2024" in text and "Esimerkkiaineisto" not in text
    assert "Ammatillisen koulutuksen alueellisia tietoja ei ole mukana (käytettävissä on vain esimerkki" in text


def test_unknown_field_names_are_a_clear_error(tmp_path: Path) -> None:
    rows = [_row("2023", "Yliopistokoulutus", ("Avaruusalat", "x", "y"), "Etelä-Savo", "Mies", 1, 1)]
    with ApiServer() as srv:
        _serve(srv, rows)
        report = fetch.fetch_all(tmp_path / "snap", datasets=["higher_education"], progress=False,
                                 client_factories=_factories(srv))
    assert report.ok
    with pytest.raises(SnapshotError, match=r"fields of education \['Avaruusalat'\].*koulutusala2016.csv"):
        datasets.education_supply(tmp_path / "snap")


def test_changed_resource_fields_are_named(tmp_path: Path) -> None:
    rows = [{k: v for k, v in ROWS[0].items() if k != "koulutuksen_maakunta"}]
    with ApiServer() as srv:
        _serve(srv, rows)
        fetch.fetch_all(tmp_path / "snap", datasets=["higher_education"], progress=False,
                        client_factories=_factories(srv))
    with pytest.raises(SnapshotError, match=r"lack the fields \['koulutuksen_maakunta'\]"):
        datasets.education_supply(tmp_path / "snap")


def test_recorded_resource_list_names_what_exists_when_the_resource_is_missing(reference: Path,
                                                                               tmp_path: Path) -> None:
    # The recorded resource list (2019) has no opiskelijat_ja_tutkinnot: a server answering as that
    # one did makes the fetch fail for this dataset with the available names, nothing written.
    recorded = (reference / "vipunen" / "resources.json").read_bytes()
    with ApiServer() as srv:
        srv.routes["/api/resources"] = [Reply(200, recorded)]
        srv.routes[RESOURCE] = [Reply(404, b"not found", "text/plain")]
        report = fetch.fetch_all(tmp_path / "snap", datasets=["higher_education"], progress=False,
                                 client_factories=_factories(srv))
    assert "higher_education" in report.failed
    message = report.failed["higher_education"]
    assert "'opiskelijat_ja_tutkinnot' not found" in message and "avoin_yliopisto" in message
    assert "julkaisut" in message
    snap = Snapshot(tmp_path / "snap")
    assert not (snap.exists and snap.entries(dataset="higher_education"))


def test_demo_writes_the_fetch_shape(tmp_path: Path) -> None:
    snap = demo.build_demo(tmp_path / "snap", progress=False)
    entries = snap.entries(dataset="higher_education")
    kinds = sorted({e.kind for e in entries})
    assert kinds == ["metadata", "resource"] and all(e.synthetic for e in entries)
    fields = json.loads(snap.read_bytes("higher_education/metadata"))
    assert [f["name"] for f in fields] == [n for n, _ in HIGHER_EDUCATION_FIELDS]
    first = json.loads(snap.read_bytes("higher_education/resource-1"))
    assert len(first) == 1000 and list(first[0]) == [n for n, _ in HIGHER_EDUCATION_FIELDS]
    pages = sorted((e for e in entries if e.kind == "resource"), key=lambda e: e.part)
    assert [e.part for e in pages] == list(range(1, pages[0].parts + 1))
    edu = datasets.education_supply(snap)
    assert set(edu["level"]) == {"amk", "yliopisto", "ammatillinen"}
    assert edu.attrs["provenance"]["synthetic"] is True and edu.attrs["left_out"] == []

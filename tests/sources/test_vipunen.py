"""Tests of punos_lib.sources.vipunen against a local server playing the Vipunen API."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from apiserver import ApiServer, Reply, Request

from punos_lib import __version__
from punos_lib.sources._http import HttpSession
from punos_lib.errors import InputError, OfflineError, ResponseError, TableNotFoundError
from punos_lib.sources.vipunen import VipunenClient, read_pages

N_ROWS = 1050
GENERATED = [{"id": i, "vuosi": 2000 + i % 20, "nimi": f"rivi {i}"} for i in range(N_ROWS)]


def _generated_data(request: Request) -> Reply:
    # Plays /data?limit=&offset= on a generated resource, only for callers that say who they are.
    if request.headers.get("caller-id") != "punos-test":
        return Reply(403, b"Caller-Id missing", "text/plain")
    limit = int(request.query["limit"][0])
    offset = int(request.query["offset"][0])
    return Reply(200, json.dumps(GENERATED[offset : offset + limit]).encode())


def _count(request: Request) -> Reply:
    if request.headers.get("caller-id") != "punos-test":
        return Reply(403, b"Caller-Id missing", "text/plain")
    return Reply(200, str(N_ROWS).encode())


@pytest.fixture()
def server(reference: Path):
    ref = reference / "vipunen"
    with ApiServer() as srv:
        srv.routes["/api/resources"] = [Reply(200, (ref / "resources.json").read_bytes())]
        srv.routes["/api/resources/julkaisut"] = [Reply(200, (ref / "resources_julkaisut_fields.json").read_bytes())]
        srv.routes["/api/resources/avoin_yliopisto/data/count"] = [
            Reply(200, (ref / "avoin_yliopisto_data_count.json").read_bytes())
        ]
        srv.routes["/api/resources/generated/data/count"] = _count
        srv.routes["/api/resources/generated/data"] = _generated_data
        yield srv


def _client(srv: ApiServer, **kwargs) -> VipunenClient:
    session = HttpSession(retries=2, backoff=0.0, sleep=lambda s: None)
    return VipunenClient(base_url=srv.url + "/api", caller_id="punos-test", session=session, **kwargs)


def test_recorded_responses(server: ApiServer) -> None:
    client = _client(server)
    names = client.resources()
    assert len(names) == 19
    assert names[0] == "avoin_yliopisto" and names[-1] == "julkaisut"
    fields = client.fields("julkaisut")
    assert list(fields.columns) == ["name", "type"]
    assert fields.iloc[0].tolist() == ["tilastovuosi", "number"]
    assert fields.iloc[1].tolist() == ["julkaisuntunnus", "string"]
    assert client.count("avoin_yliopisto") == 342
    assert all(r.headers.get("caller-id") == "punos-test" for r in server.requests)


def test_paging_is_complete_and_ordered(server: ApiServer) -> None:
    client = _client(server, page_size=100)
    seen: list[tuple[int, int]] = []
    frame = client.data("generated", progress=lambda done, total: seen.append((done, total)))
    data_requests = [r for r in server.requests if r.path == "/api/resources/generated/data"]
    assert len(data_requests) == 11  # ceil(1050 / 100)
    assert [int(r.query["offset"][0]) for r in data_requests] == list(range(0, 1100, 100))
    assert int(data_requests[-1].query["limit"][0]) == 50
    assert frame.to_dict("records") == GENERATED
    assert seen[-1] == (1050, 1050) and len(seen) == 11
    # every request, count included, carried the Caller-Id (the server refuses others with 403)
    assert all(r.headers["caller-id"] == "punos-test" for r in server.requests)


def test_limit_and_raw_pages(server: ApiServer) -> None:
    client = _client(server)
    pages = client.fetch_raw_pages("generated", limit=250, page_size=100)
    assert len(pages) == 3
    assert json.loads(pages[2])[0]["id"] == 200
    frame = read_pages(pages)
    assert frame["id"].tolist() == list(range(250))
    assert frame.loc[249, "nimi"] == "rivi 249"


def test_default_caller_id_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUNOS_VIPUNEN_CALLER_ID", raising=False)
    monkeypatch.delenv("PUNOS_VIPUNEN_URL", raising=False)
    client = VipunenClient()
    assert client.caller_id == f"punos-lib/{__version__}"
    assert client.resources_url() == "https://api.vipunen.fi/api/resources"
    monkeypatch.setenv("PUNOS_VIPUNEN_CALLER_ID", "etela-savo-liitto")
    monkeypatch.setenv("PUNOS_VIPUNEN_URL", "http://127.0.0.1:1/api/")
    client = VipunenClient()
    assert client.caller_id == "etela-savo-liitto"
    assert client.count_url("x", "tilastovuosi==2019") == (
        "http://127.0.0.1:1/api/resources/x/data/count?filter=tilastovuosi%3D%3D2019"
    )
    with pytest.raises(InputError, match="page_size"):
        VipunenClient(page_size=0)
    with pytest.raises(InputError, match="resource name"):
        client.fields_url("../etc")


def test_unknown_resource_names_the_available_ones(server: ApiServer) -> None:
    client = _client(server)
    with pytest.raises(TableNotFoundError, match="'nosuch'.*available resources: avoin_yliopisto, "):
        client.fields("nosuch")


def test_truncated_page_is_retried_then_fails(server: ApiServer) -> None:
    good = json.dumps(GENERATED[:10]).encode()
    server.routes["/api/resources/cut/data/count"] = [Reply(200, b"10")]
    # first a connection dropped mid-body, then a complete but cut JSON, then the good page
    server.routes["/api/resources/cut/data"] = [Reply(200, good, truncate=20), Reply(200, good[:-3]), Reply(200, good)]
    client = _client(server)
    frame = client.data("cut")
    assert frame["id"].tolist() == list(range(10))
    assert server.paths().count("/api/resources/cut/data") == 3
    server.routes["/api/resources/broken/data/count"] = [Reply(200, b"10")]
    server.routes["/api/resources/broken/data"] = [Reply(200, b"[{")]
    with pytest.raises(ResponseError, match="giving up after 3 attempts"):
        client.data("broken")


def test_short_page_is_an_error(server: ApiServer) -> None:
    server.routes["/api/resources/short/data/count"] = [Reply(200, b"10")]
    server.routes["/api/resources/short/data"] = [Reply(200, json.dumps(GENERATED[:7]).encode())]
    with pytest.raises(ResponseError, match="holds 7 rows, expected 10"):
        _client(server).data("short")


def test_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNOS_OFFLINE", "1")
    with pytest.raises(OfflineError, match="PUNOS_OFFLINE"):
        VipunenClient(base_url="https://api.vipunen.fi/api").resources()


def test_read_pages_fills_missing_fields() -> None:
    frame = read_pages([[{"a": 1}], [{"a": 2, "b": "x"}]])
    assert list(frame.columns) == ["a", "b"]
    assert pd.isna(frame.loc[0, "b"]) and frame.loc[1, "b"] == "x"

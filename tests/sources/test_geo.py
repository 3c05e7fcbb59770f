"""Tests of punos_lib.sources.geo on the recorded real boundaries, keys and population, and a local WFS."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from apiserver import ApiServer, Reply, Request
from shapely.geometry import Point

from punos_lib.reference.municipalities import KEY_COLUMNS, load_curated_key
from punos_lib.sources import geo
from punos_lib.sources._http import HttpSession
from punos_lib.errors import DataSourceError, InputError, OfflineError, ParseError, ResponseError

MK10_2025 = ["046", "097", "178", "213", "491", "507", "593", "623", "681", "740", "768"]  # DOMAIN.md


@pytest.fixture(scope="module")
def kunta_2025(reference: Path) -> bytes:
    return (reference / "geo" / "kunta1000k_2025_with_neighbors_and_province.geojson").read_bytes()


@pytest.fixture(scope="module")
def key_2025(reference: Path) -> pd.DataFrame:
    return pd.read_csv(reference / "keys" / "municipality_key_2025.csv", dtype=str)


# --- boundaries ------------------------------------------------------------------------------
def test_wfs_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUNOS_GEO_URL", raising=False)
    url = geo.wfs_url("maakunta", 2024, "4500k")
    assert url.startswith("https://geo.stat.fi/geoserver/tilastointialueet/wfs?")
    assert "typeNames=tilastointialueet%3Amaakunta4500k_2024" in url
    assert "outputFormat=application%2Fjson" in url and "srsName=EPSG%3A3067" in url
    assert "request=GetFeature" in url
    monkeypatch.setenv("PUNOS_GEO_URL", "http://127.0.0.1:1/wfs")
    assert geo.wfs_url("kunta", 2025).startswith("http://127.0.0.1:1/wfs?")
    with pytest.raises(InputError, match="unknown boundary layer"):
        geo.wfs_url("kunnat", 2025)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown scale"):
        geo.wfs_url("kunta", 2025, "250k")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="out of range"):
        geo.wfs_url("kunta", 1990)


def test_read_real_wfs_geojson(kunta_2025: bytes, reference: Path) -> None:
    frame = geo.read_boundaries(kunta_2025)
    assert isinstance(frame, gpd.GeoDataFrame)
    assert len(frame) == 308
    assert frame.crs.to_epsg() == 3067
    assert list(frame.columns) == ["code", "name_fi", "name_sv", "name_en", "year", "geometry"]
    assert frame["code"].str.fullmatch(r"KU\d{3}").all() and frame["code"].is_unique
    assert (frame["year"] == 2025).all()
    mikkeli = frame.set_index("code").loc["KU491"]
    assert mikkeli["name_fi"] == "Mikkeli" and mikkeli["name_sv"] == "S:t Michel"
    # Independent check: the National Land Survey's region polygon of Etelä-Savo (10).
    regions = geo.read_boundaries(reference / "geo" / "nls_maakuntarajat_4500k_2023.json")
    etela_savo = regions.set_index("code").loc["MK10", "geometry"]
    centroid = mikkeli["geometry"].centroid
    minx, miny, maxx, maxy = etela_savo.bounds
    assert minx < centroid.x < maxx and miny < centroid.y < maxy
    assert etela_savo.contains(centroid)
    # EPSG:3067 metres: Mikkeli lies about 514 km east, 6,843 km north (the curated centre)
    assert abs(centroid.x - 514_000) < 20_000 and abs(centroid.y - 6_843_000) < 20_000


def test_mk10_municipalities_via_key(kunta_2025: bytes, key_2025: pd.DataFrame) -> None:
    frame = geo.read_boundaries(kunta_2025)
    members = "KU" + key_2025.loc[key_2025["maakunta_code"] == "10", "kunta"]
    mk10 = frame[frame["code"].isin(set(members))]
    assert sorted(mk10["code"]) == ["KU" + c for c in MK10_2025]
    curated = load_curated_key()
    assert sorted(curated.loc[curated["region"] == "MK10", "code"]) == ["KU" + c for c in MK10_2025]


def test_read_nls_municipalities_and_lat_lon_order(reference: Path, kunta_2025: bytes) -> None:
    nls = geo.read_boundaries(reference / "geo" / "nls_kuntarajat_4500k_2023.json", year=2023)
    assert len(nls) == 309 and "KU588" in set(nls["code"])  # Pertunmaa still exists in 2023
    assert (nls["year"] == 2023).all() and nls["name_en"].isna().all()
    # WFS 2.0 may answer EPSG:4326 latitude first: the same features with swapped axes read the same
    data = json.loads(kunta_2025)
    data["features"] = data["features"][:3]
    swapped = json.loads(json.dumps(data))
    for feature in swapped["features"]:
        feature["geometry"]["coordinates"] = [
            [[[y, x] for x, y in ring] for ring in poly] if feature["geometry"]["type"] == "MultiPolygon"
            else [[y, x] for x, y in poly]
            for poly in feature["geometry"]["coordinates"]
        ]
    a, b = geo.read_boundaries(data), geo.read_boundaries(swapped)
    assert np.allclose(a.geometry.centroid.x, b.geometry.centroid.x)
    assert np.allclose(a.geometry.centroid.y, b.geometry.centroid.y)


def test_read_epsg3067_payload_is_not_reprojected() -> None:
    payload = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3067"}},
        "features": [{"type": "Feature", "properties": {"maakunta": "10", "vuosi": 2025, "nimi": "Etelä-Savo",
                                                         "namn": "Södra Savolax", "name": "South Savo"},
                      "geometry": {"type": "Point", "coordinates": [514000.0, 6843000.0]}}],
    }
    frame = geo.read_boundaries(payload)
    assert frame.loc[0, "code"] == "MK10" and frame.loc[0, "name_en"] == "South Savo"
    assert frame.loc[0, "geometry"].equals(Point(514000.0, 6843000.0))


def test_read_errors() -> None:
    report = (b'<?xml version="1.0"?><ows:ExceptionReport><ows:Exception exceptionCode="InvalidParameterValue">'
              b"<ows:ExceptionText>Feature type tilastointialueet:kunta1000k_2031 unknown</ows:ExceptionText>"
              b"</ows:Exception></ows:ExceptionReport>")
    with pytest.raises(DataSourceError, match="kunta1000k_2031 unknown"):
        geo.read_boundaries(report)
    with pytest.raises(ParseError, match="no features"):
        geo.read_boundaries({"type": "FeatureCollection", "features": []})
    with pytest.raises(ParseError, match="area code"):
        geo.read_boundaries({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"x": 1}, "geometry": {"type": "Point", "coordinates": [25, 61]}}]})


WFS_PATH = "/geoserver/tilastointialueet/wfs"


def _wfs(server: ApiServer, routes: dict[str, list[Reply]]):
    def handler(request: Request) -> Reply:
        assert request.query["srsName"] == ["EPSG:3067"]
        assert request.query["outputFormat"] == ["application/json"]
        replies = routes[request.query["typeNames"][0]]
        return replies.pop(0) if len(replies) > 1 else replies[0]

    server.routes[WFS_PATH] = handler


def test_fetch_read_round_trip_and_region(kunta_2025: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    with ApiServer() as server:
        monkeypatch.setenv("PUNOS_GEO_URL", server.url + WFS_PATH)
        # a dropped connection and a cut body first: both are retried
        _wfs(server, {"tilastointialueet:kunta1000k_2025": [
            Reply(200, kunta_2025, truncate=1000), Reply(200, kunta_2025[:5000]), Reply(200, kunta_2025)]})
        session = HttpSession(retries=3, backoff=0.0, sleep=lambda s: None)
        raw = geo.fetch_boundaries("kunta", 2025, session=session)
        assert raw == kunta_2025
        assert len(server.requests) == 3
        mk10 = geo.boundaries("kunta", 2025, region="MK10", session=session)
        assert sorted(mk10["code"]) == ["KU" + c for c in MK10_2025]
        assert mk10.crs.to_epsg() == 3067


def test_fetch_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    report = (b"<ows:ExceptionReport><ows:Exception><ows:ExceptionText>Unknown type"
              b"</ows:ExceptionText></ows:Exception></ows:ExceptionReport>")
    with ApiServer() as server:
        monkeypatch.setenv("PUNOS_GEO_URL", server.url + WFS_PATH)
        _wfs(server, {"tilastointialueet:kunta1000k_2014": [Reply(200, report, "application/xml")],
                      "tilastointialueet:kunta1000k_2015": [Reply(200, b'{"type": "Feat')]})
        session = HttpSession(retries=1, backoff=0.0, sleep=lambda s: None)
        with pytest.raises(DataSourceError, match="Unknown type"):
            geo.fetch_boundaries("kunta", 2014, session=session)
        with pytest.raises(ResponseError, match="giving up after 2 attempts"):
            geo.fetch_boundaries("kunta", 2015, session=session)
        monkeypatch.setenv("PUNOS_GEO_URL", server.url + "/nowhere")
        with pytest.raises(DataSourceError, match="HTTP 404"):
            geo.fetch_boundaries("kunta", 2025, session=session)
    monkeypatch.setenv("PUNOS_OFFLINE", "1")
    with pytest.raises(OfflineError):
        geo.fetch_boundaries("kunta", 2025)


# --- municipality key --------------------------------------------------------------------------
def _items(codes_names: list[tuple[str, str]], lang: str) -> bytes:
    return json.dumps([
        {"code": code, "parentCode": None, "level": 1, "order": 10 * i,
         "classificationItemNames": [{"lang": lang, "name": name}]}
        for i, (code, name) in enumerate(codes_names)
    ]).encode()


def _maps(pairs: list[tuple[str, str]]) -> bytes:
    return json.dumps([
        {"sourceItem": {"code": s, "classificationItemNames": []},
         "targetItem": {"code": t, "classificationItemNames": []}} for s, t in pairs
    ]).encode()


def _key_payloads(key: pd.DataFrame) -> dict[str, bytes]:
    # Payloads in the documented API shapes, built from the real 2025 key (no real responses recorded).
    out: dict[str, bytes] = {}
    for lang in ("fi", "sv", "en"):
        out[f"kunta:{lang}"] = _items(list(zip(key["kunta"], key[f"municipality_name_{lang}"])), lang)
        regions = key.drop_duplicates("maakunta_code")
        out[f"maakunta:{lang}"] = _items(
            list(zip(regions["maakunta_code"].str.zfill(2), regions[f"maakunta_name_{lang}"])), lang)
    subs = key.drop_duplicates("seutukunta_code")
    out["seutukunta:fi"] = _items(list(zip(subs["seutukunta_code"], subs["seutukunta_name_fi"])), "fi")
    areas = key.drop_duplicates("tyollisyysalue_code")
    out["tyollisyysalue:fi"] = _items(list(zip(areas["tyollisyysalue_code"], areas["tyollisyysalue_name_fi"])), "fi")
    out["kunta#maakunta"] = _maps(list(zip(key["kunta"], key["maakunta_code"].str.zfill(2))))
    out["kunta#seutukunta"] = _maps(list(zip(key["kunta"], key["seutukunta_code"])))
    out["kunta#tyollisyysalue"] = _maps(list(zip(key["kunta"], key["tyollisyysalue_code"])))
    return out


def test_read_municipality_key_matches_curated(key_2025: pd.DataFrame) -> None:
    built = geo.read_municipality_key(_key_payloads(key_2025))
    assert list(built.columns) == list(KEY_COLUMNS)
    assert len(built) == 308
    row = built.set_index("code").loc["KU491"]
    assert (row["region"], row["region_name_sv"], row["subregion"], row["employment_area"]) == (
        "MK10", "Södra Savolax", "SK101", "23")
    curated = load_curated_key()
    cols = ["code", "name_fi", "name_sv", "region", "region_name_fi", "region_name_en", "subregion",
            "subregion_name_fi", "employment_area", "employment_area_name_fi"]
    pd.testing.assert_frame_equal(
        built[cols].astype(str).reset_index(drop=True), curated[cols].astype(str).reset_index(drop=True)
    )
    payloads = _key_payloads(key_2025)
    del payloads["kunta#seutukunta"]
    with pytest.raises(InputError, match="kunta#seutukunta"):
        geo.read_municipality_key(payloads)


def test_municipality_key_requests() -> None:
    req = geo.municipality_key_requests(2025, base_url="https://data.stat.fi/api/classifications/v2")
    assert "correspondenceTables/kunta_1_20250101%23maakunta_1_20250101/maps" in req["kunta#maakunta"]
    assert "classifications/kunta_1_20250101/classificationItems" in req["kunta:sv"] and "lang=sv" in req["kunta:sv"]
    assert "kunta#tyollisyysalue" in req
    assert "kunta#tyollisyysalue" not in geo.municipality_key_requests(2024)


def test_municipality_key_from_server(key_2025: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    payloads = _key_payloads(key_2025)
    with ApiServer() as server:
        monkeypatch.setenv("PUNOS_CLASSIFICATION_URL", server.url + "/v2")
        for name, url in geo.municipality_key_requests(2025).items():
            path = url.split(server.url, 1)[1].split("?", 1)[0].replace("%23", "#")
            server.routes[path] = [Reply(200, payloads[name])]
        key = geo.municipality_key(2025, session=HttpSession(retries=0))
    assert sorted(key.loc[key["region"] == "MK10", "code"]) == ["KU" + c for c in MK10_2025]


# --- mergers from the classification API ------------------------------------------------------
def test_mergers_from_correspondence() -> None:
    maps = json.dumps([
        {"sourceItem": {"code": c, "classificationItemNames": [{"lang": "fi", "name": n}]},
         "targetItem": {"code": t, "classificationItemNames": [{"lang": "fi", "name": m}]}}
        for c, n, t, m in [("491", "Mikkeli", "491", "Mikkeli"), ("588", "Pertunmaa", "507", "Mäntyharju"),
                           ("507", "Mäntyharju", "507", "Mäntyharju")]
    ])
    built = geo.read_mergers({2025: maps})
    assert built[["year", "old_code", "new_code", "old_name_fi"]].values.tolist() == [
        [2025, "KU588", "KU507", "Pertunmaa"]]

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
    curated = geo.load_curated_key()
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
    assert list(built.columns) == list(geo.KEY_COLUMNS)
    assert len(built) == 308
    row = built.set_index("code").loc["KU491"]
    assert (row["region"], row["region_name_sv"], row["subregion"], row["employment_area"]) == (
        "MK10", "Södra Savolax", "SK101", "23")
    curated = geo.load_curated_key()
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


# --- mergers and harmonisation ----------------------------------------------------------------
@pytest.fixture(scope="module")
def population(reference: Path) -> pd.DataFrame:
    return pd.read_csv(reference / "population" / "etela_savo_population_2000_2022_sotkanet.csv",
                       dtype={"municipality_code": str})


def test_harmonize_real_population(population: pd.DataFrame) -> None:
    frame = population.assign(area="KU" + population["municipality_code"]).drop(columns="municipality_code")
    out = geo.harmonize(frame, value_cols=["population"])
    years = sorted(population["year"].unique())
    assert len(years) == 23 and len(out) == 11 * 23
    assert "KU588" not in set(out["area"])
    assert sorted(out["area"].unique()) == ["KU" + c for c in MK10_2025]
    raw = population.set_index(["municipality_code", "year"])["population"]
    got = out.set_index(["area", "year"])["population"]
    for year in years:
        assert got[("KU507", year)] == raw[("507", year)] + raw[("588", year)]
        assert got[("KU491", year)] == raw[("491", year)]  # unmerged: unchanged
    assert out["population"].sum() == population["population"].sum()
    assert out.attrs["unplaced_codes"] == [] and out.attrs["harmonized_to"] == 2025
    # bare three-digit codes stay bare
    bare = geo.harmonize(population, code_col="municipality_code", value_cols=["population"])
    assert set(bare["municipality_code"]) == set(MK10_2025)
    # before the merger Pertunmaa is its own municipality
    y2024 = geo.harmonize(frame, to_year=2024, value_cols=["population"])
    assert len(y2024) == 12 * 23


def test_harmonize_labels_other_rows_and_missing() -> None:
    frame = pd.DataFrame({
        "area": pd.Categorical(["SSS", "MK10", "KU588", "KU507", "KU588", "KU507"]),
        "area_label": ["KOKO MAA", "Etelä-Savo", "Pertunmaa", "Mäntyharju", "Pertunmaa", "Mäntyharju"],
        "year": [2020, 2020, 2020, 2020, 2021, 2021],
        "value": [5.5e6, 1.3e5, 1700.0, 5800.0, np.nan, 5700.0],
        "share": [1.0, 0.02, 0.3, 0.7, 0.3, 0.7],
    })
    with pytest.raises(InputError, match="'area_label' is not numeric"):
        geo.harmonize(frame, value_cols=["value", "area_label"])
    out = geo.harmonize(frame.drop(columns="share"))
    assert out["area"].astype(str).tolist() == ["SSS", "MK10", "KU507", "KU507"]
    assert out["area_label"].tolist() == ["KOKO MAA", "Etelä-Savo", "Mäntyharju", "Mäntyharju"]
    assert out["value"].iloc[2] == 7500.0
    assert np.isnan(out["value"].iloc[3])  # a missing part makes the sum missing
    assert isinstance(out["area"].dtype, pd.CategoricalDtype)
    with pytest.raises(InputError, match="value_cols"):
        geo.harmonize(frame.rename(columns={"value": "jobs"}))


def test_harmonize_unknown_codes() -> None:
    frame = pd.DataFrame({"area": ["KU491", "KU999", "KU588"], "value": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match=r"\['KU999'\].*on_unknown='keep'"):
        geo.harmonize(frame)
    out = geo.harmonize(frame, on_unknown="keep")
    assert out["area"].tolist() == ["KU491", "KU999", "KU507"]
    assert out.attrs["unplaced_codes"] == ["KU999"]


def test_mergers_from_file_and_correspondence() -> None:
    mergers = geo.load_mergers()
    pert = mergers[mergers["old_code"] == "KU588"].iloc[0]
    assert (pert["year"], pert["new_code"]) == (2025, "KU507")
    maps = json.dumps([
        {"sourceItem": {"code": c, "classificationItemNames": [{"lang": "fi", "name": n}]},
         "targetItem": {"code": t, "classificationItemNames": [{"lang": "fi", "name": m}]}}
        for c, n, t, m in [("491", "Mikkeli", "491", "Mikkeli"), ("588", "Pertunmaa", "507", "Mäntyharju"),
                           ("507", "Mäntyharju", "507", "Mäntyharju")]
    ])
    built = geo.read_mergers({2025: maps})
    assert built[["year", "old_code", "new_code", "old_name_fi"]].values.tolist() == [
        [2025, "KU588", "KU507", "Pertunmaa"]]
    # a chain A -> B (2021), B -> C (2023) puts A's rows into C
    chain = pd.DataFrame({"year": [2021, 2023], "old_code": ["KU001", "KU002"], "new_code": ["KU002", "KU003"]})
    frame = pd.DataFrame({"area": ["KU001", "KU002", "KU003"], "value": [1.0, 2.0, 4.0]})
    out = geo.harmonize(frame, 2023, mergers=chain, division=["003"])
    assert out.values.tolist() == [["KU003", 7.0]]


# --- tile grids --------------------------------------------------------------------------------
def test_tile_grid_all_municipalities() -> None:
    key = geo.load_curated_key()
    tiles = geo.tile_grid(key)
    assert len(tiles) == 308 and tiles["code"].tolist() == key["code"].tolist()
    assert not tiles.duplicated(["row", "col"]).any()
    pos = tiles.set_index("code")
    assert pos.loc["KU491", "row"] > pos.loc["KU593", "row"]  # Mikkeli south of Pieksämäki
    assert pos.loc["KU740", "col"] > pos.loc["KU491", "col"]  # Savonlinna east of Mikkeli
    assert pos.loc["KU091", "row"] > pos.loc["KU698", "row"]  # Helsinki south of Rovaniemi
    # order kept overall: rank correlation of row with -y and of col with x
    rho_row = pd.Series(tiles["row"].to_numpy()).corr(pd.Series(-key["y_km"].to_numpy()), method="spearman")
    rho_col = pd.Series(tiles["col"].to_numpy()).corr(pd.Series(key["x_km"].to_numpy()), method="spearman")
    assert rho_row > 0.95 and rho_col > 0.9
    assert geo.tile_grid(key).equals(tiles)  # deterministic


def test_tile_grid_region_and_errors() -> None:
    key = geo.load_curated_key()
    mk10 = geo.tile_grid(key[key["region"] == "MK10"])
    assert len(mk10) == 11 and not mk10.duplicated(["row", "col"]).any()
    regions = geo.region_tile_grid()
    assert len(regions) == 19 and not regions.duplicated(["row", "col"]).any()
    pos = regions.set_index("code")
    assert pos.loc["MK19", "row"] < pos.loc["MK10", "row"] < pos.loc["MK01", "row"]  # Lappi, Etelä-Savo, Uusimaa
    with pytest.raises(InputError, match="duplicate"):
        geo.tile_grid(pd.DataFrame({"code": ["a", "a"], "x_km": [1, 2], "y_km": [1, 2]}))
    with pytest.raises(InputError, match="x_km"):
        geo.tile_grid(pd.DataFrame({"code": ["a"]}))


def test_harmonize_label_from_key_when_successor_absent() -> None:
    frame = pd.DataFrame(
        {"area": ["KU588", "KU588"], "area_name": ["Pertunmaa", "Pertunmaa"], "year": [2019, 2020],
         "value": [1800, 1750]},
        index=[7, 7],  # a non-unique index must not matter
    )
    out = geo.harmonize(frame)
    assert out.values.tolist() == [["KU507", "Mäntyharju", 2019, 1800], ["KU507", "Mäntyharju", 2020, 1750]]
    assert out["value"].dtype == frame["value"].dtype

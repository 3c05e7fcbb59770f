"""Tests of punos_lib.sources.classifications on the recorded real API responses and a local server."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from punos_lib.sources._http import HttpSession
from punos_lib.sources.classifications import (
    ClassificationClient,
    read_correspondence,
    read_items,
)
from punos_lib.errors import InputError, OfflineError, ParseError, TableNotFoundError

from apiserver import ApiServer, Reply


def _api(reference: Path, name: str, lang: str) -> bytes:
    return (reference / "classifications" / "api_json" / f"{name}_{lang}.json").read_bytes()


def _jhs(reference: Path, file: str) -> pd.DataFrame:
    # The koodistot.suomi.fi import (2018) is an independent copy of the same classifications.
    return pd.read_csv(reference / "classifications" / file, dtype=str, keep_default_na=False).set_index(
        "CODEVALUE"
    )


def test_read_items_toimiala_single_language(reference: Path) -> None:
    items = read_items(_api(reference, "toimiala", "fi"))
    assert list(items.columns) == ["code", "parent_code", "level", "name"]
    assert len(items) == 112  # total + 21 sections + 88 divisions + 'unknown' (levels 0-2 kept)
    row = items.set_index("code").loc["16"]
    assert row["parent_code"] == "C"
    assert row["level"] == 2
    assert row["name"].startswith("Sahatavaran sekä puu- ja korkkituotteiden valmistus")
    # The hierarchy: section C (manufacturing) holds divisions 10..33 and hangs under the total.
    section_c = items.loc[items["parent_code"] == "C", "code"].tolist()
    assert section_c == [f"{d:02d}" for d in range(10, 34)]
    top = items.set_index("code").loc["C"]
    assert top["parent_code"] == "SSSSS" and top["level"] == 1
    assert pd.isna(items.set_index("code").loc["SSSSS", "parent_code"])


def test_read_items_all_languages_match_the_classification_files(reference: Path) -> None:
    for name, file in [("toimiala", "jhs_toimiala_1_20080101.csv"), ("koulutusala", "jhs_koulutus_1_20160101.csv")]:
        items = read_items({lang: _api(reference, name, lang) for lang in ("fi", "sv", "en")})
        assert list(items.columns) == ["code", "parent_code", "level", "name_fi", "name_sv", "name_en"]
        jhs = _jhs(reference, file)
        common = items[items["code"].isin(jhs.index)]
        assert len(common) >= 40
        for lang in ("fi", "sv", "en"):
            expected = jhs.loc[common["code"], f"PREFLABEL_{lang.upper()}"].str.strip().tolist()
            assert common[f"name_{lang}"].str.strip().tolist() == expected


def test_read_items_koulutusala_known_codes(reference: Path) -> None:
    items = read_items({"fi": _api(reference, "koulutusala", "fi"), "en": _api(reference, "koulutusala", "en")})
    by_code = items.set_index("code")
    assert by_code.loc["01", "name_fi"] == "Kasvatusalat"
    assert by_code.loc["01", "name_en"] == "Education"
    assert by_code.loc["001", "parent_code"] == "00"
    assert by_code.loc["001", "level"] == 2


def test_read_items_rejects_other_json() -> None:
    with pytest.raises(ParseError, match="code"):
        read_items([{"name": "x"}])
    with pytest.raises(ParseError, match="not valid JSON"):
        read_items(b'[{"code": "01"')
    with pytest.raises(InputError, match="unknown language"):
        read_items({"de": b"[]"})


# A map in the documented shape of /correspondenceTables/{src}%23{tgt}/maps?content=data
# (sourceItem/targetItem with code and classificationItemNames). No real response was recorded.
def _map(src: str, src_name: str, tgt: str, tgt_name: str) -> dict:
    table = {"localId": "kunta_1_20250101#maakunta_1_20250101"}
    return {
        "correspondenceTable": table,
        "sourceItem": {"localId": f"kunta_1_20250101/{src}", "code": src,
                       "classificationItemNames": [{"lang": "fi", "name": src_name}]},
        "targetItem": {"localId": f"maakunta_1_20250101/{tgt}", "code": tgt,
                       "classificationItemNames": [{"lang": "fi", "name": tgt_name}]},
    }


def test_read_correspondence_data_and_link_forms() -> None:
    payload = json.dumps([_map("491", "Mikkeli", "10", "Etelä-Savo"), _map("091", "Helsinki", "01", "Uusimaa")])
    frame = read_correspondence(payload.encode())
    assert frame.values.tolist() == [["491", "10", "Mikkeli", "Etelä-Savo"], ["091", "01", "Helsinki", "Uusimaa"]]
    links = [{"value": "https://data.stat.fi/api/classifications/v2/correspondenceTables/"
                       "kunta_1_20250101%23maakunta_1_20250101/maps/491/10"}]
    frame = read_correspondence(links)
    assert frame.loc[0, "source_code"] == "491" and frame.loc[0, "target_code"] == "10"
    assert pd.isna(frame.loc[0, "target_name"])
    with pytest.raises(ParseError, match="no maps"):
        read_correspondence(b"[]")
    with pytest.raises(ParseError, match="sourceItem"):
        read_correspondence([{"foo": 1}])


def test_urls_and_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUNOS_CLASSIFICATION_URL", raising=False)
    client = ClassificationClient()
    assert client.items_url("toimiala_1_20080101", "sv") == (
        "https://data.stat.fi/api/classifications/v2/classifications/toimiala_1_20080101/"
        "classificationItems?content=data&meta=max&lang=sv"
    )
    assert client.correspondence_url("kunta_1_20250101", "maakunta_1_20250101").startswith(
        "https://data.stat.fi/api/classifications/v2/correspondenceTables/"
        "kunta_1_20250101%23maakunta_1_20250101/maps?"
    )
    monkeypatch.setenv("PUNOS_CLASSIFICATION_URL", "http://127.0.0.1:9/v2/")
    assert ClassificationClient().items_url("x_1_2025").startswith("http://127.0.0.1:9/v2/classifications/x_1_2025/")
    with pytest.raises(InputError, match="invalid classification id"):
        client.items_url("../secret")
    with pytest.raises(InputError, match="unknown language"):
        client.items_url("toimiala_1_20080101", "de")  # type: ignore[arg-type]


def test_fetch_round_trip_retry_and_errors(reference: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = _api(reference, "toimiala", "en")
    items_path = "/v2/classifications/toimiala_1_20080101/classificationItems"
    maps_path = "/v2/correspondenceTables/kunta_1_20250101#maakunta_1_20250101/maps"
    with ApiServer() as server:
        # first answer cut short (invalid JSON), the second good: fetched bytes equal the file
        server.routes[items_path] = [Reply(200, body[:500]), Reply(200, body)]
        server.routes[maps_path] = [Reply(200, json.dumps([_map("491", "Mikkeli", "10", "Etelä-Savo")]).encode())]
        session = HttpSession(retries=2, backoff=0.0, sleep=lambda s: None)
        client = ClassificationClient(base_url=server.url + "/v2", session=session)
        raw = client.fetch_items("toimiala_1_20080101", "en")
        assert raw == body
        assert server.paths().count(items_path) == 2
        assert server.requests[-1].query == {"content": ["data"], "meta": ["max"], "lang": ["en"]}
        assert read_items(raw).set_index("code").loc["16", "name"].startswith("Manufacture of wood")
        maps = read_correspondence(client.fetch_correspondence("kunta_1_20250101", "maakunta_1_20250101"))
        assert maps.loc[0, "target_code"] == "10"
        with pytest.raises(TableNotFoundError, match="nosuch_1_20250101"):
            client.fetch_items("nosuch_1_20250101")
    monkeypatch.setenv("PUNOS_OFFLINE", "1")
    with pytest.raises(OfflineError):
        ClassificationClient(base_url="https://data.stat.fi/api/classifications/v2").fetch_items("toimiala_1_20080101")

"""PxWebClient against a real local PxWeb v1 server (tests/pxweb_server.py).

Expected values come from the generated table's formula written out again here (not from the
server's code): municipality a ≥ 1, age g, year y, contents c (indices) →
c·10⁷ + a·10⁵ + g·10³ + y, missing (status "...") where c = 1 and (7a + y) % 50 = 0;
SSS (a = 0) = the sum of the municipalities' non-missing values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import httpx
import numpy as np
import pandas as pd
import pytest
from pxweb_server import GEN_AGES, GEN_AREAS, GEN_CONTENTS, GEN_YEARS, PxWebServer

from punos_lib.sources import statfin
from punos_lib.sources._http import HttpSession
from punos_lib.errors import (
    InputError,
    OfflineError,
    ParseError,
    QueryError,
    RateLimitError,
    ResponseError,
    SelectionError,
    TableNotFoundError,
    TooManyCellsError,
)
from punos_lib.sources.statfin import PxWebClient, assemble

TABLE = "testi/gen"
WINDOW = 0.3  # seconds; short so that pacing shows within a fast test
AREA, AGE, YEAR, CONTENTS = "alue_23_20260101", "ikaryhma_10_20180101", "timeperiod_y", "contentscode"


def expected(area: str, age: str, year: str, contents: str) -> float:
    """The formula, by hand (see the module docstring)."""
    g, y, c = GEN_AGES.index(age), GEN_YEARS.index(year), GEN_CONTENTS.index(contents)

    def ku(a: int) -> float:
        if c == 1 and (7 * a + y) % 50 == 0:
            return math.nan
        return c * 10_000_000 + a * 100_000 + g * 1_000 + y

    if area == "SSS":
        return float(sum(v for a in range(1, 61) if not math.isnan(v := ku(a))))
    return ku(int(area[2:]))


def fast_session(retries: int = 3) -> HttpSession:
    return HttpSession(retries=retries, backoff=0.001, max_wait=0.2, timeout=5)


@pytest.fixture
def server() -> Iterator[PxWebServer]:
    with PxWebServer(max_cells=1000, max_calls=5, time_window=WINDOW) as srv:
        yield srv


@pytest.fixture
def client(server: PxWebServer) -> Iterator[PxWebClient]:
    with PxWebClient(server.base_url, session=fast_session()) as c:
        yield c


# A selection of 24 × 20 × 10 × 2 = 9,600 cells: 9.6 × maxCells.
BIG = {
    "@area": ["SSS"] + [f"KU{i:03d}" for i in range(1, 24)],
    "Ikä": "*",
    "@time": "top:10",
    "@contents": "*",
}


def max_calls_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


def test_split_selection_is_complete_exact_paced_and_in_as_few_requests(server: PxWebServer, client: PxWebClient) -> None:
    df = client.get(TABLE, BIG)
    cells = 24 * 20 * 10 * 2
    assert len(df) == cells
    assert df[AREA].iloc[0] == "SSS" and df[YEAR].iloc[0] == "2015"  # top:10 = the latest 10 years

    want = np.array([expected(*row) for row in df[[AREA, AGE, YEAR, CONTENTS]].itertuples(index=False)])
    np.testing.assert_array_equal(df["value"].to_numpy(), want)
    missing = np.isnan(want)
    assert missing.sum() > 0
    assert (df["status"][missing] == "...").all() and df["status"][~missing].isna().all()

    posts = [c for c in server.log if c.method == "POST"]
    bound = 1.25 * math.ceil(cells / 1000) + 1
    assert 1 < len(posts) <= bound
    assert df.attrs["parts"] == len(posts)
    assert all(c.cells is not None and c.cells <= 1000 for c in posts)
    assert all(c.status == 200 for c in server.log), [c.fault for c in server.log]
    assert max_calls_in_window([c.time for c in server.log], WINDOW) <= 5

    # The same selection in one request (limit raised) gives the same rows in the same order.
    server.config["maxCells"] = server.config["maxValues"] = 100_000
    with PxWebClient(server.base_url, session=fast_session()) as one:
        whole = one.get(TABLE, BIG)
    assert whole.attrs["parts"] == 1
    pd.testing.assert_frame_equal(df, whole)


def test_provenance_in_attrs(client: PxWebClient, server: PxWebServer) -> None:
    df = client.get(TABLE, {"@area": ["KU001"], "@time": "top:2", "Ikä": ["000"], "@contents": ["vaesto"]})
    attrs = df.attrs
    assert attrs["source"] == "statfin"
    assert attrs["table"] == TABLE
    assert attrs["licence"] == "CC BY 4.0"
    assert attrs["attribution"] == "Lähde: Tilastokeskus"
    assert attrs["updated"] == "2026-04-01T05:00:00Z"
    assert attrs["url"] == f"{server.base_url}/fi/StatFin/testi/gen.px"
    assert attrs["fetched_at"].endswith("Z")
    sent = [c.query for c in server.log if c.method == "POST"]
    assert attrs["queries"] == sent
    assert attrs["query"]["query"][2] == {"code": YEAR, "selection": {"filter": "item", "values": ["2023", "2024"]}}
    assert df["value"].tolist() == [100_023.0, 100_024.0]


def test_fetch_raw_keeps_bodies_and_assemble_rebuilds_the_frame(client: PxWebClient, server: PxWebServer) -> None:
    raw = client.fetch_raw(TABLE, BIG)
    assert raw.metadata_url == f"{server.base_url}/fi/StatFin/testi/gen.px"
    assert json.loads(raw.metadata_bytes)["variables"][0]["code"] == AREA
    assert raw.cells == 9600 and sum(p.cells for p in raw.parts) == 9600
    assert [p.query for p in raw.parts] == [c.query for c in server.log if c.method == "POST"]
    df = assemble([p.body for p in raw.parts], raw.metadata)
    also = assemble([json.loads(p.body) for p in raw.parts])  # parsed parts, no metadata
    pd.testing.assert_frame_equal(df, also)
    assert df["value"].iloc[-1] == expected("KU023", "019", "2024", "tyolliset")
    # A part left out or given twice is an error, not a smaller frame.
    bodies = [p.body for p in raw.parts]
    with pytest.raises(ParseError, match="960 of 9600 cells missing, 0 given more than once"):
        assemble(bodies[1:])
    with pytest.raises(ParseError, match="0 of 9600 cells missing, 960 given more than once"):
        assemble(bodies + bodies[:1])




def test_transient_faults_are_retried(server: PxWebServer) -> None:
    client = PxWebClient(server.base_url, session=fast_session(retries=6))
    sel = {"@area": ["KU001", "KU002"], "@time": "top:1", "Ikä": ["000"], "@contents": "*"}
    for kind in (503, "truncate", "badsize", "short", "drop"):
        server.fail_next(1, kind, method="POST")
    server.fail_next(1, 429, method="POST", retry_after=0.01)
    raw = client.fetch_raw(TABLE, sel)
    faults = [c.fault for c in server.log if c.method == "POST"]
    assert faults == ["503", "truncate", "badsize", "short", "drop", "429", None]
    body = json.loads(raw.parts[0].body)  # the one stored body is the complete one
    assert len(body["value"]) == math.prod(body["size"]) == 4
    df = assemble([p.body for p in raw.parts])
    assert df["value"].tolist()[:2] == [expected("KU001", "000", "2024", "vaesto"), expected("KU001", "000", "2024", "tyolliset")]


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        (503, ResponseError, ["testi/gen", "giving up after 3 attempts", "HTTP 503"]),
        (429, RateLimitError, ["testi/gen", "429"]),
        ("truncate", ResponseError, ["invalid body", "not valid JSON"]),
        ("badsize", ResponseError, ["invalid body", "'value' has 1 entries but 'size' [1, 2, 1, 1] makes 2 cells"]),
    ],
)
def test_persistent_faults_raise_typed_errors(server: PxWebServer, kind: object, error: type, words: list[str]) -> None:
    server.fail_next(10, kind, method="POST")  # type: ignore[arg-type]
    with PxWebClient(server.base_url, session=fast_session(retries=2)) as c:
        with pytest.raises(error) as info:
            c.get(TABLE, {"@area": ["KU001"], "@time": ["2024"], "Ikä": ["000", "001"], "@contents": ["vaesto"]})
    for word in words:
        assert word in str(info.value)
    assert sum(1 for c in server.log if c.method == "POST") == 3


def test_unknown_table_is_table_not_found(client: PxWebClient) -> None:
    with pytest.raises(TableNotFoundError) as info:
        client.metadata("testi/eiole")
    text = str(info.value)
    assert "testi/eiole" in text and "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/" in text
    assert info.value.status == 400 and "Bad Request" in text


def test_400_on_post_is_query_error(client: PxWebClient, server: PxWebServer) -> None:
    server.fail_next(1, 400, method="POST")
    with pytest.raises(QueryError) as info:
        client.get(TABLE, {"@area": ["KU001"], "@time": ["2024"], "@contents": ["vaesto"]})
    text = str(info.value)
    assert "testi/gen" in text and "timeperiod_y=[2024]" in text and "metadata('testi/gen')" in text


def test_403_is_too_many_cells_with_the_counts() -> None:
    # The server admits 1,000 cells in ?config but enforces 100: the client cannot know.
    with PxWebServer(max_cells=1000, max_calls=50, time_window=0.5, enforced_max_cells=100) as srv:
        with PxWebClient(srv.base_url, session=fast_session()) as c:
            with pytest.raises(TooManyCellsError) as info:
                c.get(TABLE, {"@area": GEN_AREAS[:20], "@time": ["2024"], "Ikä": GEN_AGES[:10], "@contents": ["vaesto"]})
    text = str(info.value)
    assert "200 cells" in text and "maxCells 1000" in text and "403 - Forbidden" in text


def test_404_and_other_statuses(client: PxWebClient, server: PxWebServer) -> None:
    server.fail_next(1, 404, method="POST")
    with pytest.raises(TableNotFoundError, match="testi/gen"):
        client.get(TABLE, {"@time": ["2024"]})
    server.fail_next(1, 500, method="POST")
    with pytest.raises(ResponseError, match="HTTP 500"):
        client.get(TABLE, {"@time": ["2024"]})


def test_old_long_ids_are_refused_before_any_request(client: PxWebClient, server: PxWebServer) -> None:
    with pytest.raises(InputError, match=r"use '12ti', e\.g\. 'tyonv/12ti'"):
        client.get("tyonv/statfin_tyonv_pxt_12ti.px")
    with pytest.raises(InputError, match=r"'tyonv/12ti'"):
        client.metadata("statfin_tyonv_pxt_12ti")
    assert server.log == []
    # The server, like StatFin, answers a long id with a plain 400.
    response = httpx.get(f"{server.base_url}/fi/StatFin/testi/statfin_testi_pxt_gen.px")
    assert (response.status_code, response.text) == (400, "Bad Request")


def test_archive_database_keeps_long_ids(server: PxWebServer) -> None:
    with PxWebClient(server.base_url, database="StatFin_Passiivi", session=fast_session()) as c:
        with pytest.raises(TableNotFoundError):  # not refused locally: sent, and unknown there
            c.metadata("vaerak/statfinpas_vaerak_pxt_11re")


def test_unknown_variable_and_values_name_the_valid_ones(client: PxWebClient, server: PxWebServer) -> None:
    with pytest.raises(SelectionError) as info:
        client.get(TABLE, {"Sukupuoli": ["1"]})
    text = str(info.value)
    assert "testi/gen" in text and "'Sukupuoli'" in text
    assert "alue_23_20260101 (Alue)" in text and "contentscode (Tiedot)" in text
    with pytest.raises(SelectionError) as info:
        client.get(TABLE, {"@area": ["KU001", "KU999", "Kunta 2"]})
    text = str(info.value)
    assert "'KU999'" in text and "'Kunta 2' is the text of code 'KU002'" in text
    assert "SSS, KU001" in text and "(61 values in all)" in text
    assert not [c for c in server.log if c.method == "POST"]  # refused before sending


def test_elimination_drops_dimensions(client: PxWebClient) -> None:
    df = client.get(TABLE, {"@time": ["2020", "2024"], "@contents": ["vaesto"]})
    assert [d["code"] for d in df.attrs["dimensions"]] == [YEAR, CONTENTS]
    # Area eliminated to its elimination value SSS; age (no such value) summed.
    want = [sum(expected("SSS", g, y, "vaesto") for g in GEN_AGES) for y in ("2020", "2024")]
    assert df["value"].tolist() == want
    # Leaving out a non-eliminable variable gives all its values.
    df = client.get(TABLE, {"@area": ["KU005"], "Ikä": ["003"], "@time": ["2001"]})
    assert df[CONTENTS].tolist() == GEN_CONTENTS


def test_top_n(client: PxWebClient, server: PxWebServer) -> None:
    df = client.get(TABLE, {"@area": ["KU001"], "Ikä": "top:2", "@time": "top:3", "@contents": ["vaesto"]})
    assert df[AGE].unique().tolist() == ["000", "001"]  # first N of an ordinary variable
    assert df[YEAR].unique().tolist() == ["2022", "2023", "2024"]  # latest N periods
    # The server's own top filter agrees.
    query = {"query": [{"code": YEAR, "selection": {"filter": "top", "values": ["2"]}},
                       {"code": AREA, "selection": {"filter": "item", "values": ["KU001"]}},
                       {"code": AGE, "selection": {"filter": "all", "values": ["00*"]}}],
             "response": {"format": "json-stat2"}}
    body = httpx.post(f"{server.base_url}/fi/StatFin/{TABLE}.px", json=query).json()
    assert list(body["dimension"][YEAR]["category"]["index"]) == ["2023", "2024"]
    assert body["size"] == [1, 10, 2, 2]


def test_server_plays_statfin_errors() -> None:
    with PxWebServer(max_cells=1000, max_calls=100, time_window=0.5) as server:
        _check_statfin_errors(server)


def _check_statfin_errors(server: PxWebServer) -> None:
    url = f"{server.base_url}/fi/StatFin/{TABLE}.px"
    basic = {"query": [], "response": {"format": "json-stat2"}}  # area and age eliminated
    assert httpx.post(url, json=basic).json()["size"] == [25, 2]
    every = {"query": [{"code": c, "selection": {"filter": "all", "values": ["*"]}} for c in (AREA, AGE)]}
    response = httpx.post(url, json=every)
    assert response.status_code == 403 and "403 - Forbidden: Access is denied." in response.text
    bad = {"query": [{"code": "Alue", "selection": {"filter": "item", "values": ["SSS"]}}]}
    assert (httpx.post(url, json=bad).status_code, httpx.post(url, json=bad).text) == (400, "Bad Request")
    assert httpx.get(server.base_url.replace("/api/v1", "/api/v2/") + "fi").status_code == 404
    assert httpx.get(f"{server.base_url}/fi/config").status_code == 400


def test_server_rate_limit_counts_per_window() -> None:
    with PxWebServer(max_calls=5, time_window=10.0) as server, httpx.Client() as http:
        url = f"{server.base_url}/fi/?config"
        statuses = [http.get(url).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]


def test_config_is_cached_and_limits_come_from_it(server: PxWebServer, client: PxWebClient) -> None:
    server.config["maxValues"] = 700  # the smaller of maxCells and maxValues limits a request
    assert client.config()["maxCalls"] == 5
    client.config()
    assert sum(1 for c in server.log if "config" in c.path) == 1
    assert client.cell_limit() == 700


def test_config_without_limits_is_an_error(server: PxWebServer) -> None:
    del server.config["maxCalls"]
    with PxWebClient(server.base_url, session=fast_session()) as c:
        with pytest.raises(ResponseError, match="maxCalls"):
            c.config()


def test_tables_lists_a_level(client: PxWebClient) -> None:
    listing = client.tables("testi")
    assert listing[["id", "type", "table"]].values.tolist() == [["gen.px", "t", "testi/gen"]]
    assert client.tables()["id"].tolist() == ["testi"]
    with pytest.raises(TableNotFoundError, match="level 'eiole' not found"):
        client.tables("eiole")


def test_env_url_is_respected(server: PxWebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNOS_STATFIN_URL", server.base_url + "/")
    with PxWebClient(session=fast_session()) as c:
        assert c.base_url == server.base_url
        assert c.config()["maxCells"] == 1000
    assert server.log[0].path == "/api/v1/fi/?config"
    monkeypatch.delenv("PUNOS_STATFIN_URL")
    assert PxWebClient().base_url == statfin.DEFAULT_BASE_URL


def test_offline_names_the_table(server: PxWebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNOS_OFFLINE", "1")
    with PxWebClient(server.base_url, session=fast_session()) as c:
        with pytest.raises(OfflineError, match="StatFin table testi/gen"):
            c.get(TABLE, {"@time": ["2024"]})
    assert server.log == []


def test_only_https_to_known_hosts() -> None:
    with pytest.raises(InputError, match="refusing"):
        PxWebClient("http://pxdata.stat.fi/PxWeb/api/v1")
    with pytest.raises(InputError, match="lang"):
        PxWebClient(lang="de")








def test_clients_of_one_host_share_the_pacer_and_keep_a_callers_own(server: PxWebServer) -> None:
    from punos_lib.sources._http import Pacer

    with PxWebClient(server.base_url, session=fast_session()) as a, PxWebClient(server.base_url, session=fast_session()) as b:
        a.config()
        b.config()
        assert a.session.pacer is b.session.pacer
        assert a.session.pacer is not None and a.session.pacer.max_calls == 5
    own = Pacer(2, 1.0)
    session = fast_session()
    session.pacer = own
    with PxWebClient(server.base_url, session=session) as c:
        c.config()
        assert c.session.pacer is own

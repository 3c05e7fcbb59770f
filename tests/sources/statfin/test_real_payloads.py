"""The StatFin client on real recorded PxWeb v1 payloads (../shared/data/reference/statfin_api).

Known values (API_NOTES.md §9, from the real responses): Helsinki (KU091) 2021–2025 = 658457,
664028, 674500, 684018, 694392; whole country 2023–2025 = 5603851, 5635971, 5652881.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pxweb_server import PxWebServer

from punos_lib.sources import jsonstat
from punos_lib.sources._http import HttpSession
from punos_lib.errors import SelectionError
from punos_lib.sources.statfin import PxWebClient, assemble, resolve_selection, variable_roles

pytestmark = pytest.mark.reference


def _load(reference: Path, name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((reference / "statfin_api" / name).read_bytes())
    return result


@pytest.fixture(scope="module")
def new_meta(reference: Path) -> dict[str, Any]:
    return _load(reference, "new_2026/api-metadata-population.json")


@pytest.fixture(scope="module")
def old_meta(reference: Path) -> dict[str, Any]:
    return _load(reference, "old_pre2026/api-metadata-population.json")


def test_roles_on_real_metadata(reference: Path, new_meta: dict[str, Any], old_meta: dict[str, Any]) -> None:
    assert variable_roles(new_meta) == {"area": "alue_23_20260101", "time": "timeperiod_y", "contents": "contentscode"}
    assert variable_roles(old_meta) == {"area": "Alue", "time": "Vuosi", "contents": "Tiedot"}
    assert variable_roles(_load(reference, "new_2026/api-metadata-employment.json")) == {
        "area": None, "time": "timeperiod_m", "contents": "contentscode"}
    assert variable_roles(_load(reference, "old_pre2026/api-metadata-employment.json")) == {
        "area": None, "time": "Kuukausi", "contents": "Tiedot"}


FRIENDLY = {"@area": ["KU091"], "ikä": ["SSS"], "Sukupuoli": ["SSS"], "@time": "top:5"}


def test_one_friendly_selection_resolves_on_both_forms(new_meta: dict[str, Any], old_meta: dict[str, Any]) -> None:
    assert resolve_selection(new_meta, FRIENDLY) == {
        "alue_23_20260101": ["KU091"],
        "ikaryhma_10_20180101": ["SSS"],
        "sukupuoli_9_20180101": ["SSS"],
        "timeperiod_y": ["2021", "2022", "2023", "2024", "2025"],
        "contentscode": ["vaerak-vaesto"],  # not eliminable: all its values
    }
    # The old form ends in 2024 (53 years from 1972).
    assert resolve_selection(old_meta, FRIENDLY) == {
        "Alue": ["KU091"], "Ikä": ["SSS"], "Sukupuoli": ["SSS"],
        "Vuosi": ["2020", "2021", "2022", "2023", "2024"], "Tiedot": ["vaesto"],
    }
    # Code prefixes name the new codes.
    assert list(resolve_selection(new_meta, {"ikaryhma": "top:2", "alue": ["SSS"]})) == [
        "alue_23_20260101", "ikaryhma_10_20180101", "timeperiod_y", "contentscode"]


def test_omitted_eliminable_variables_stay_omitted(new_meta: dict[str, Any]) -> None:
    got = resolve_selection(new_meta, {})
    assert list(got) == ["timeperiod_y", "contentscode"]
    assert len(got["timeperiod_y"]) == 54 and got["timeperiod_y"][0] == "1972"


def test_unknown_values_on_real_metadata(new_meta: dict[str, Any]) -> None:
    with pytest.raises(SelectionError) as info:
        resolve_selection(new_meta, {"alue": ["KU999", "Helsinki"]}, table="vaerak/11re")
    text = str(info.value)
    assert "vaerak/11re" in text and "'KU999'" in text
    assert "'Helsinki' is the text of code 'KU091'" in text
    assert "SSS, KU020, KU005" in text and "(309 values in all)" in text
    with pytest.raises(SelectionError, match="timeperiod_y .*Vuosi"):
        resolve_selection(new_meta, {"Kuukausi": ["2025M01"]}, table="vaerak/11re")


def test_known_values_through_assemble(reference: Path) -> None:
    helsinki = (reference / "statfin_api/new_2026/api-query-helsinki-population.json").read_bytes()
    df = assemble([helsinki])
    assert df["timeperiod_y"].tolist() == ["2021", "2022", "2023", "2024", "2025"]
    assert df["value"].tolist() == [658457, 664028, 674500, 684018, 694392]
    finland = (reference / "statfin_api/new_2026/api-query-population-finland.json").read_bytes()
    df = assemble([finland], _load(reference, "new_2026/api-metadata-population.json"))
    assert df["alue_23_20260101"].tolist() == ["SSS"] * 3
    assert df["value"].tolist() == [5603851, 5635971, 5652881]


def _slice_years(payload: dict[str, Any], years: list[str]) -> dict[str, Any]:
    """A real response cut to some years, as the server would answer that part (time is 4th of 5)."""
    part = copy.deepcopy(payload)
    index = payload["dimension"]["timeperiod_y"]["category"]["index"]
    part["dimension"]["timeperiod_y"]["category"]["index"] = {y: i for i, y in enumerate(years)}
    part["dimension"]["timeperiod_y"]["category"]["label"] = {y: y for y in years}
    part["size"][3] = len(years)
    part["value"] = [payload["value"][index[y]] for y in years]
    return part


def test_split_real_response_reassembles_to_the_unsplit_frame(reference: Path) -> None:
    whole = json.loads((reference / "statfin_api/new_2026/api-query-helsinki-population.json").read_bytes())
    parts = [_slice_years(whole, ["2021", "2022"]), _slice_years(whole, ["2023", "2024", "2025"])]
    got = assemble(parts, _load(reference, "new_2026/api-metadata-population.json"))
    want = jsonstat.read(whole)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs == want.attrs


@pytest.fixture
def real_server(reference: Path) -> Iterator[PxWebServer]:
    with PxWebServer(max_cells=200, max_calls=30, time_window=0.5, generated=False) as server:
        server.add_table(
            "vaerak/11re",
            (reference / "statfin_api/new_2026/api-metadata-population.json").read_bytes(),
            elimination_codes={"alue_23_20260101": "SSS", "ikaryhma_10_20180101": "SSS",
                               "sukupuoli_9_20180101": "SSS"},
        )
        yield server


def test_server_serves_real_new_metadata(reference: Path, real_server: PxWebServer) -> None:
    file_bytes = (reference / "statfin_api/new_2026/api-metadata-population.json").read_bytes()
    meta = json.loads(file_bytes)
    sizes = [len(v["values"]) for v in meta["variables"]]  # 309, 102, 3, 54, 1
    with PxWebClient(real_server.base_url, session=HttpSession(retries=2, backoff=0.001)) as client:
        assert client.metadata("vaerak/11re.px") == meta
        selection = {"@area": "*", "Ikä": ["SSS"], "sukupuoli": "*", "@time": "top:2"}
        raw = client.fetch_raw("vaerak/11re", selection)
        assert raw.metadata_bytes == file_bytes  # stored exactly as received
        df = assemble([p.body for p in raw.parts], raw.metadata)
    cells = 309 * 1 * 3 * 2 * 1
    assert len(df) == cells and len(raw.parts) <= 1.25 * math.ceil(cells / 200) + 1
    # The server's values for real tables: flat row-major position in the whole table + 1.
    area = np.repeat(np.arange(309), 6)
    sex = np.tile(np.repeat(np.arange(3), 2), 309)
    year = np.tile(np.array([52, 53]), 309 * 3)
    want = (((area * sizes[1] + 0) * sizes[2] + sex) * sizes[3] + year) * sizes[4] + 0 + 1
    np.testing.assert_array_equal(df["value"].to_numpy(), want.astype(float))
    assert df.loc[df["alue_23_20260101"] == "KU491", "alue_23_20260101_label"].iloc[0] == "Mikkeli"

"""PX-JSON (PxWeb "json") reader, on a response written by hand after the PxWeb API description."""

from __future__ import annotations

import json

import numpy as np
import pytest

from punos_lib.errors import ParseError
from punos_lib.sources import pxjson

# Two areas × two years, two contents; rows out of order, one combination absent, one symbol.
RESPONSE = {
    "columns": [
        {"code": "Alue", "text": "Alue", "type": "d"},
        {"code": "Vuosi", "text": "Vuosi", "type": "t"},
        {"code": "vaesto", "text": "Väestö 31.12.", "type": "c"},
        {"code": "muutos", "text": "Väestönmuutos", "type": "c"},
    ],
    "comments": [{"variable": "Alue", "value": "KU491", "comment": "Alueet vuoden 2025 aluejaolla."}],
    "data": [
        {"key": ["KU491", "2024"], "values": ["52314", "-120"]},
        {"key": ["KU491", "2023"], "values": ["52434", ".."]},
        {"key": ["KU740", "2023"], "values": ["31800", "-300"]},
    ],
    "metadata": [{"infofile": "https://stat.fi/tilasto/vaerak", "updated": "2025-03-28T05:00:00Z",
                  "label": "Väestö alueittain", "source": "Tilastokeskus"}],
}


def test_reads_the_tidy_shape_in_row_major_order():
    df = pxjson.read(json.dumps(RESPONSE))
    assert list(df.columns) == ["Alue", "Alue_label", "Vuosi", "Vuosi_label", "ContentsCode",
                                "ContentsCode_label", "value", "status"]
    assert df["Alue"].tolist() == ["KU491"] * 4 + ["KU740"] * 4
    assert df["Vuosi"].tolist() == ["2024", "2024", "2023", "2023"] * 2  # in order of appearance
    assert df["ContentsCode"].tolist() == ["vaesto", "muutos"] * 4
    assert df["ContentsCode_label"].tolist()[:2] == ["Väestö 31.12.", "Väestönmuutos"]
    values = df["value"].tolist()
    assert values[:4] == [52314.0, -120.0, 52434.0, values[3]] and np.isnan(values[3])
    assert df["status"].tolist()[3] == ".."
    assert df.loc[(df["Alue"] == "KU740") & (df["Vuosi"] == "2024"), "value"].isna().all()  # absent row
    dims = {d["code"]: d for d in df.attrs["dimensions"]}
    assert dims["Vuosi"]["role"] == "time" and dims["ContentsCode"]["role"] == "metric"
    assert df.attrs["format"] == "px-json" and df.attrs["updated"] == "2025-03-28T05:00:00Z"
    assert df.attrs["notes"] == ["Alueet vuoden 2025 aluejaolla."]
    assert str(df["Alue"].dtype) == "category"


def test_reads_bytes_paths_and_objects_alike(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(RESPONSE), encoding="utf-8")
    a, b, c = pxjson.read(path), pxjson.read(path.read_bytes()), pxjson.read(RESPONSE)
    assert a["value"].equals(b["value"]) and b["value"].equals(c["value"])


@pytest.mark.parametrize("change, message", [
    (lambda r: r["data"].append({"key": ["KU491", "2024"], "values": ["1", "2"]}), r"data row 4: the key .* twice"),
    (lambda r: r["data"].append({"key": ["KU491"], "values": ["1", "2"]}), r"data row 4: 1 key codes"),
    (lambda r: r["data"].append({"key": ["KU091", "2024"], "values": ["abc", "2"]}), r"data row 4: the value 'abc'"),
    (lambda r: r["columns"].append({"code": "x", "type": "q"}), r"column 5"),
    (lambda r: r.pop("data"), "not PX-JSON"),
])
def test_broken_responses_name_the_row_or_column(change, message):
    broken = json.loads(json.dumps(RESPONSE))
    change(broken)
    with pytest.raises(ParseError, match=message):
        pxjson.read(broken)

"""Tests of punos_lib.sources.jsonstat: hand-written payloads for every variant, then real recorded payloads."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from punos_lib.sources import jsonstat
from punos_lib.errors import InputError, ParseError


def symbols(column: pd.Series) -> list:
    """The status column as symbols, None where a cell has none (the column is categorical)."""
    assert isinstance(column.dtype, pd.CategoricalDtype)
    return [None if pd.isna(x) else x for x in column]


def cube(**overrides: Any) -> dict[str, Any]:
    """A 2 × 3 dataset: area (KU491, KU740) × year (2022..2024); values 1..6 by hand."""
    payload: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": "Väestö",
        "source": "Tilastokeskus",
        "updated": "2025-04-04T05:00:00Z",
        "note": ["huom"],
        "id": ["alue", "vuosi"],
        "size": [2, 3],
        "role": {"geo": ["alue"], "time": ["vuosi"]},
        "dimension": {
            "alue": {
                "label": "Alue",
                "category": {
                    "index": {"KU740": 1, "KU491": 0},
                    "label": {"KU491": "Mikkeli", "KU740": "Savonlinna"},
                },
            },
            "vuosi": {"label": "Vuosi", "category": {"index": ["2022", "2023", "2024"]}},
        },
        "value": [1, 2, 3, 4, 5, 6],
        "extension": {"px": {"tableid": "11re"}},
    }
    payload.update(overrides)
    return payload


# --- the shape -----------------------------------------------------------------------------


def test_columns_order_and_row_major_codes() -> None:
    df = jsonstat.read(cube())
    assert list(df.columns) == ["alue", "alue_label", "vuosi", "vuosi_label", "value"]
    # Last dimension fastest: (KU491, 2022), (KU491, 2023), ... (KU740, 2024).
    assert df["alue"].tolist() == ["KU491"] * 3 + ["KU740"] * 3
    assert df["vuosi"].tolist() == ["2022", "2023", "2024"] * 2
    assert df["alue_label"].tolist() == ["Mikkeli"] * 3 + ["Savonlinna"] * 3
    assert df["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert df["value"].dtype == np.float64


def test_categoricals_keep_source_order() -> None:
    # The object index lists KU740 first but gives it position 1: order comes from positions.
    df = jsonstat.read(cube())
    assert isinstance(df["alue"].dtype, pd.CategoricalDtype)
    assert isinstance(df["vuosi_label"].dtype, pd.CategoricalDtype)
    assert list(df["alue"].cat.categories) == ["KU491", "KU740"]
    assert list(df["alue_label"].cat.categories) == ["Mikkeli", "Savonlinna"]


def test_attrs() -> None:
    df = jsonstat.read(cube())
    attrs = df.attrs
    assert attrs["format"] == "json-stat2"
    assert attrs["label"] == "Väestö"
    assert attrs["source"] == "Tilastokeskus"
    assert attrs["updated"] == "2025-04-04T05:00:00Z"
    assert attrs["table"] == "11re"
    assert attrs["notes"] == ["huom"]
    assert "units" not in attrs
    assert attrs["dimensions"] == [
        {"code": "alue", "label": "Alue", "role": "geo", "categories": ["KU491", "KU740"],
         "labels": ["Mikkeli", "Savonlinna"]},
        {"code": "vuosi", "label": "Vuosi", "role": "time", "categories": ["2022", "2023", "2024"],
         "labels": ["2022", "2023", "2024"]},
    ]
    json.dumps(attrs)  # plain JSON-able values only


def test_no_status_column_without_status() -> None:
    assert "status" not in jsonstat.read(cube()).columns


def test_dimensions_without_frame() -> None:
    dims = jsonstat.dimensions(cube())
    assert [d["code"] for d in dims] == ["alue", "vuosi"]
    assert dims[0]["labels"] == ["Mikkeli", "Savonlinna"]


# --- variants ------------------------------------------------------------------------------


def test_sparse_value_object() -> None:
    df = jsonstat.read(cube(value={"0": 10, "5": 60, "3": None}))
    values = df["value"].tolist()
    assert values[0] == 10.0 and values[5] == 60.0
    assert [math.isnan(v) for v in values] == [False, True, True, True, True, False]


def test_null_values_become_nan() -> None:
    df = jsonstat.read(cube(value=[1, None, 3, None, 5.5, 6]))
    assert df["value"].dtype == np.float64
    assert df["value"].isna().tolist() == [False, True, False, True, False, False]
    assert df["value"].iloc[4] == 5.5


def test_status_string_applies_to_all() -> None:
    df = jsonstat.read(cube(status="p"))
    assert symbols(df["status"]) == ["p"] * 6


def test_status_array_of_one_applies_to_all() -> None:
    assert symbols(jsonstat.read(cube(status=["a"]))["status"]) == ["a"] * 6


def test_status_array() -> None:
    df = jsonstat.read(cube(status=[None, "e", None, None, "..", None]))
    assert symbols(df["status"]) == [None, "e", None, None, "..", None]
    assert list(df["status"].cat.categories) == ["..", "e"]  # sorted


def test_status_object() -> None:
    df = jsonstat.read(cube(value=[1, 2, None, 4, 5, 6], status={"2": "..", "4": "e"}))
    assert symbols(df["status"]) == [None, None, "..", None, "e", None]
    assert math.isnan(df["value"].iloc[2])


def test_index_absent_for_single_category() -> None:
    payload = cube(id=["maa", "vuosi"], size=[1, 3], value=[7, 8, 9])
    payload["dimension"] = {
        "maa": {"label": "Maa", "category": {"label": {"SSS": "KOKO MAA"}}},
        "vuosi": {"category": {"index": ["2022", "2023", "2024"]}},
    }
    df = jsonstat.read(payload)
    assert df["maa"].tolist() == ["SSS"] * 3
    assert df["maa_label"].tolist() == ["KOKO MAA"] * 3
    # No dimension label: the id is the label; no category labels: codes are the labels.
    assert df.attrs["dimensions"][1]["label"] == "vuosi"
    assert df["vuosi_label"].tolist() == ["2022", "2023", "2024"]


def test_non_numeric_values_are_kept_as_object() -> None:
    df = jsonstat.read(cube(value=["a", 2, None, "4.5", 5, 6]))
    assert df["value"].dtype == object
    assert df["value"].tolist() == ["a", 2, None, "4.5", 5, 6]


def test_repeated_labels_share_one_category() -> None:
    payload = cube()
    payload["dimension"]["alue"]["category"]["label"] = {"KU491": "Sama", "KU740": "Sama"}
    df = jsonstat.read(payload)
    assert df["alue_label"].tolist() == ["Sama"] * 6
    assert df["alue"].tolist() == ["KU491"] * 3 + ["KU740"] * 3


def test_units_from_metric_dimension() -> None:
    payload = cube()
    payload["dimension"]["vuosi"]["category"]["unit"] = {"2022": {"base": "lukumäärä", "decimals": 0}}
    assert jsonstat.read(payload).attrs["units"] == {"2022": {"base": "lukumäärä", "decimals": 0}}


def test_text_bytes_and_path_inputs(tmp_path: Path) -> None:
    text = json.dumps(cube())
    path = tmp_path / "d.json"
    path.write_text(text, encoding="utf-8")
    for payload in ("  \n" + text, text.encode("utf-8"), path, str(path)):
        assert jsonstat.read(payload)["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_collection_requires_dataset_name() -> None:
    first = cube(label="eka")
    second = cube(label="toka", value=[6, 5, 4, 3, 2, 1])
    collection = {"version": "2.0", "class": "collection", "link": {"item": [first, second]}}
    with pytest.raises(ParseError, match="'eka', 'toka'"):
        jsonstat.read(collection)
    assert jsonstat.read(collection, dataset="toka")["value"].tolist() == [6, 5, 4, 3, 2, 1]
    assert jsonstat.read(collection, dataset=0)["value"].tolist() == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ParseError, match="'kolmas' is not in the collection"):
        jsonstat.read(collection, dataset="kolmas")


def test_bundle_requires_dataset_name() -> None:
    bundle = {"a": cube(), "b": cube(value=[0, 0, 0, 0, 0, 9])}
    for payload in (bundle, {"class": "bundle", **bundle}):
        with pytest.raises(ParseError, match="bundle of 2 datasets"):
            jsonstat.read(payload)
        assert jsonstat.read(payload, dataset="b")["value"].iloc[5] == 9


def test_version_1_wrapped_dataset() -> None:
    """JSON-stat 1.x as older PxWeb sent it: {"dataset": {...}}, id/size/role in "dimension"."""
    v2 = cube()
    dim = dict(v2["dimension"], id=v2["id"], size=v2["size"], role=v2["role"])
    v1 = {"dataset": {"label": "vanha", "dimension": dim, "value": v2["value"]}}
    df = jsonstat.read(v1)
    assert df["alue"].tolist() == ["KU491"] * 3 + ["KU740"] * 3
    assert df["value"].tolist() == [1, 2, 3, 4, 5, 6]
    assert df.attrs["dimensions"][1]["role"] == "time"


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": [1, 2, 3]}, "'value' has 3 entries but 'size' makes 6 cells"),
        ({"size": [2, 2]}, "'size' says 2 categories but category.index has 3"),
        ({"id": None}, "no 'id' list"),
        ({"size": None}, "no 'size' list"),
        ({"dimension": None}, "no 'dimension' object"),
        ({"value": None}, "the dataset has no 'value'"),
        ({"value": "x"}, "'value' must be an array or an object"),
        ({"status": 5}, "'status' must be a string, an array or an object"),
        ({"id": ["alue", "kuukausi"]}, "dimension 'kuukausi' is listed in 'id' but missing"),
        ({"status": [None, "e"]}, "'status' has 2 entries but there are 6 cells"),
        ({"value": {"6": 1}}, "position 6, outside 0..5"),
        ({"value": {"x": 1}}, "keys must be cell positions"),
        ({"class": "dimension"}, "a JSON-stat dimension, not a dataset"),
        ({"value": [1, 2, 3, 4, 5, [6, 7]]}, "flat list of numbers"),
        ({"value": [[1], [2], [3], [4], [5], [6]]}, "flat list of numbers"),
    ],
)
def test_invalid_payloads(change: dict[str, Any], message: str) -> None:
    payload = cube()
    for key, val in change.items():
        if val is None:
            payload.pop(key)
        else:
            payload[key] = val
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        jsonstat.read(payload)


def test_index_positions_must_be_a_permutation() -> None:
    payload = cube()
    payload["dimension"]["alue"]["category"]["index"] = {"KU491": 0, "KU740": 0}
    with pytest.raises(ParseError, match="dimension 'alue'.*positions are not 0..1"):
        jsonstat.read(payload)


def test_missing_index_with_several_labels() -> None:
    payload = cube()
    del payload["dimension"]["alue"]["category"]["index"]
    with pytest.raises(ParseError, match="only for a single category"):
        jsonstat.read(payload)


def test_bad_and_truncated_json() -> None:
    text = json.dumps(cube())
    with pytest.raises(ParseError, match="truncated"):
        jsonstat.read(text[: len(text) // 2])
    with pytest.raises(ParseError, match="not valid JSON.*line 1"):
        jsonstat.read('{"version": "2.0", oops}')
    with pytest.raises(ParseError, match="JSON object, not list"):
        jsonstat.read("[1, 2]")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        jsonstat.read(tmp_path / "puuttuu.json")


def test_input_dict_is_not_modified() -> None:
    payload = cube(value={"1": 2}, status={"1": "e"})
    before = copy.deepcopy(payload)
    jsonstat.read(payload)
    assert payload == before


def test_large_cube_codes_are_consistent() -> None:
    """Codes come from index arithmetic: check them against the flat index formula."""
    sizes = [7, 130, 4]
    ids = ["a", "b", "c"]
    dims = {
        k: {"category": {"index": [f"{k}{i}" for i in range(n)]}} for k, n in zip(ids, sizes)
    }
    n = 7 * 130 * 4
    df = jsonstat.read({"version": "2.0", "class": "dataset", "id": ids, "size": sizes,
                        "dimension": dims, "value": list(range(n))})
    for flat in (0, 1, 519, 520, 1234, n - 1):
        a, rest = divmod(flat, 130 * 4)
        b, c = divmod(rest, 4)
        row = df.iloc[flat]
        assert (row["a"], row["b"], row["c"], row["value"]) == (f"a{a}", f"b{b}", f"c{c}", float(flat))


# --- real recorded payloads ----------------------------------------------------------------


def test_oecd_sample(reference: Path) -> None:
    df = jsonstat.read(reference / "jsonstat_samples" / "oecd.json")
    assert len(df) == 432
    assert df["value"].iloc[0] == pytest.approx(5.943826289)
    us_2010 = df[(df["area"] == "US") & (df["year"] == "2010")]
    assert us_2010.index.tolist() == [403]
    assert us_2010["value"].iloc[0] == pytest.approx(9.627692959)
    gr_2014 = df[(df["area"] == "GR") & (df["year"] == "2014")].iloc[0]
    assert gr_2014["value"] == pytest.approx(27.2364419)
    assert gr_2014["status"] == "e"
    assert pd.isna(df["status"].iloc[0])
    assert [d["role"] for d in df.attrs["dimensions"]] == ["metric", "geo", "time"]


def test_canada_sample(reference: Path) -> None:
    df = jsonstat.read(reference / "jsonstat_samples" / "canada.json")
    row = df[(df["concept"] == "POP") & (df["age"] == "T") & (df["sex"] == "F")]
    assert row["value"].tolist() == [17571.3]
    assert set(df["status"]) == {"a"}  # status ["a"] applies to all cells
    assert df.attrs["units"]["POP"] == {"base": "people", "decimals": 1}
    assert df.attrs["dimensions"][0]["categories"] == ["CA"]  # index absent, key from label


def test_galicia_sample(reference: Path) -> None:
    df = jsonstat.read(reference / "jsonstat_samples" / "galicia.json")
    assert len(df) == 3960
    assert int(df["value"].isna().sum()) == 4
    assert df["value"].iloc[0] == 2695880
    assert [d["code"] for d in df.attrs["dimensions"]] == ["birth", "age", "gender", "time", "residence", "concept"]


def test_order_sample(reference: Path) -> None:
    df = jsonstat.read(reference / "jsonstat_samples" / "order.json")
    row = df[(df["A"] == "2") & (df["B"] == "1") & (df["C"] == "3")]
    assert row.index.tolist() == [10]
    assert row["value"].tolist() == ["A2B1C3"]
    assert df["value"].iloc[11] == "A1B1C4"  # the sample's own typo, kept as is
    assert df["value"].dtype == object


def test_statfin_new_helsinki(reference: Path) -> None:
    df = jsonstat.read(reference / "statfin_api" / "new_2026" / "api-query-helsinki-population.json")
    assert df["timeperiod_y"].tolist() == ["2021", "2022", "2023", "2024", "2025"]
    assert df["value"].tolist() == [658457, 664028, 674500, 684018, 694392]
    assert set(df["alue_23_20260101"]) == {"KU091"}
    assert df.attrs["table"] == "11re"
    assert df.attrs["updated"] == "2026-04-01T05:00:00Z"
    roles = {d["code"]: d["role"] for d in df.attrs["dimensions"]}
    assert roles == {"alue_23_20260101": "geo", "ikaryhma_10_20180101": None,
                     "sukupuoli_9_20180101": None, "timeperiod_y": "time", "contentscode": "metric"}
    assert df.attrs["units"] == {"vaerak-vaesto": {"base": "lukumäärä", "decimals": 0}}


def test_statfin_new_finland(reference: Path) -> None:
    df = jsonstat.read(reference / "statfin_api" / "new_2026" / "api-query-population-finland.json")
    assert df["timeperiod_y"].tolist() == ["2023", "2024", "2025"]
    assert df["value"].tolist() == [5603851, 5635971, 5652881]


def test_statfin_old_form(reference: Path) -> None:
    df = jsonstat.read(reference / "statfin_api" / "old_pre2026" / "api-query-helsinki-population.json")
    assert list(df.columns[:2]) == ["Alue", "Alue_label"]
    assert df["Vuosi"].tolist() == ["2020", "2021", "2022", "2023", "2024"]
    assert df.attrs["table"] == "statfin_vaerak_pxt_11re"
    assert df.attrs["updated"] == "2025-04-04T05:00:00Z"
    assert {d["code"]: d["role"] for d in df.attrs["dimensions"]}["Vuosi"] == "time"
    # The same four years in both forms hold the same population (only 2021–2024 overlap).
    new = jsonstat.read(reference / "statfin_api" / "new_2026" / "api-query-helsinki-population.json")
    assert df["value"].tolist()[1:] == new["value"].tolist()[:4]


def test_statfin_three_cities(reference: Path) -> None:
    for form, area in (("old_pre2026", "Alue"), ("new_2026", "alue_23_20260101")):
        df = jsonstat.read(reference / "statfin_api" / form / "api-query-three-cities.json")
        assert len(df) == 3
        assert sorted(df[area]) == ["KU049", "KU091", "KU092"]
        helsinki = df.loc[df[area] == "KU091", f"{area}_label"].tolist()
        assert helsinki == ["Helsinki"]

"""Resolving friendly selections against table metadata (pure, no server)."""

from __future__ import annotations

import pytest

from punos_lib.errors import SelectionError
from punos_lib.sources.statfin import resolve_selection


def test_resolve_selection_keys_and_values() -> None:
    meta = {"title": "t", "variables": [
        {"code": "alue_23_20260101", "text": "Alue", "values": ["SSS", "KU091", "KU491"], "elimination": True},
        {"code": "ikaryhma_10_20180101", "text": "Ikä", "values": ["SSS", "000", "001"], "elimination": True},
        {"code": "timeperiod_y", "text": "Vuosi", "values": ["2023", "2024", "2025"], "time": True},
        {"code": "contentscode", "text": "Tiedot", "values": ["a", "b"]},
    ]}
    got = resolve_selection(meta, {"alue": ["KU491", "KU091", "KU491"], "ikä": "000", "Vuosi": "top:5"})
    assert got == {"alue_23_20260101": ["KU091", "KU491"], "ikaryhma_10_20180101": ["000"],
                   "timeperiod_y": ["2023", "2024", "2025"], "contentscode": ["a", "b"]}
    assert resolve_selection(meta, None) == {"timeperiod_y": ["2023", "2024", "2025"], "contentscode": ["a", "b"]}
    with pytest.raises(SelectionError, match="both select"):
        resolve_selection(meta, {"@area": ["SSS"], "Alue": ["SSS"]})
    with pytest.raises(SelectionError, match="empty"):
        resolve_selection(meta, {"@time": []})
    with pytest.raises(SelectionError, match="no area variable"):
        resolve_selection({"variables": [meta["variables"][2]]}, {"@area": ["SSS"]})
    with pytest.raises(SelectionError, match="several variables"):
        resolve_selection({"variables": [dict(meta["variables"][0]), dict(meta["variables"][0], code="alue_x")]}, {"alu": "*"})


def test_keys_without_diacritics_match() -> None:
    meta = {"variables": [
        {"code": "Alue", "text": "Alue", "values": ["SSS"], "map": "Alue 2026"},
        {"code": "Ammattiryhmä", "text": "Ammattiryhmä", "values": ["SSS", "2512"]},
        {"code": "timeperiod_m", "text": "Kuukausi", "values": ["2026M06", "2026M07"], "time": True},
    ]}
    assert resolve_selection(meta, {"ammattiryhma": ["2512"], "kuukausi": "top:1"}) == {
        "Alue": ["SSS"], "Ammattiryhmä": ["2512"], "timeperiod_m": ["2026M07"]}

"""Tests of punos_lib.analysis._common against hand-computed values and recorded real statistics."""

from __future__ import annotations

import pandas as pd
import pytest

from punos_lib.analysis import _common
from punos_lib.errors import InputError


def test_resolve_year():
    frame = pd.DataFrame({"year": [2020, 2022]})
    assert _common.resolve_year(frame) == 2022
    assert _common.resolve_year(frame, 2020) == 2020
    with pytest.raises(InputError, match="2020, 2022"):
        _common.resolve_year(frame, 2021)


def test_match_codes_every_kind_of_match() -> None:
    out = _common.match_codes(["62", "0715", "6210", "99"], ["62", "07", "6210", "6211", "X999"])
    assert out["wanted"].tolist() == ["62", "0715", "6210", "99"]
    assert out["used"].tolist()[:3] == ["62", "07", "6210"]
    assert out["match"].tolist() == ["sama", "laajempi", "sama", "puuttuu"]
    finer = _common.match_codes(["621"], ["6210", "6211", "62"])
    assert finer["used"].tolist() == ["6210", "6211"]
    assert set(finer["match"]) == {"tarkempi"}
    assert pd.isna(out.iloc[3]["used"])


def test_the_whole_country_has_one_name_in_every_chapter():
    frame = pd.DataFrame({"area": ["SSS", "MK10"], "area_name": ["KOKO MAA", "Etelä-Savo"]})
    assert _common.area_name(frame, "SSS") == "Koko maa"
    assert _common.area_name(frame, "MK10") == "Etelä-Savo"
    assert _common.area_name(frame.drop(columns="area_name"), "MK10") == "MK10"


def test_counted_in_uses_the_code_or_its_longest_parent_never_finer_codes():
    groups = _common.counted_in(["6210", "6220", "7111", "9999"], ["6", "62", "621", "71111", "SSS"])
    # 6220's longest parent is 62; 7111 has only a finer code in the data, so it stays a gap.
    assert groups == {"621": ["6210"], "62": ["6220"], "7111": ["7111"], "9999": ["9999"]}
    assert list(_common.match_codes(["7111"], ["71111"])["match"]) == ["tarkempi"]
    assert list(_common.match_codes(["7111"], ["71111"], finer=False)["match"]) == ["puuttuu"]


def test_resolve_year_names_the_caller():
    with pytest.raises(InputError, match=r"^occupation_structure: year 2020 is not in the data"):
        _common.resolve_year(pd.DataFrame({"year": [2023]}), 2020, what="occupation_structure")

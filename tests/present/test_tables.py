"""Tests of punos_lib.present.tables against hand-computed values and recorded real statistics."""

from __future__ import annotations

import pandas as pd
import pytest

from punos_lib.present import tables

from analysis_frames import PROV_A, with_provenance


def test_for_display_headings_and_rounding():
    frame = with_provenance(pd.DataFrame({"area_name": ["A"], "jobs": [12.0], "change_pct": [1.26]}), PROV_A)
    out = tables.for_display(frame)
    assert list(out.columns) == ["Alue", "Työpaikat", "Muutos, %"]
    assert out["Muutos, %"].iloc[0] == pytest.approx(1.3)
    assert out.attrs["provenance"]["synthetic"] is True
    assert list(tables.for_display(frame, rename={"jobs": "Työpaikkoja"}).columns)[1] == "Työpaikkoja"


def test_for_display_words_for_flags_and_codes():
    frame = pd.DataFrame({"measure": ["uudet_opiskelijat", "muu"], "is_region": [True, False]})
    out = tables.for_display(frame)
    assert out["Mittari"].tolist() == ["Uudet opiskelijat", "muu"]
    assert out["Tarkasteltava alue"].tolist() == ["kyllä", ""]

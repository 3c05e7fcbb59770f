"""The chapters written at render time: chapter 7's sector sections."""

from __future__ import annotations

import pytest

from punos_lib.errors import InputError
from punos_lib.publish.generated import SECTOR_PROFILE_LABELS, sector_chapter_markdown
from punos_lib.reference.sectors import load_sectors


def test_sector_chapter_markdown_covers_every_sector_in_order():
    sectors = load_sectors()
    text = sector_chapter_markdown(sectors, "../outputs/notebooks/")
    positions = [text.index(f"{{#sec-{sid}}}") for sid in sectors]
    assert positions == sorted(positions)
    for sid, sector in sectors.items():
        assert f"## {sector.name_fi} {{#sec-{sid}}}" in text
        for label in SECTOR_PROFILE_LABELS:
            assert f"{{{{< embed ../outputs/notebooks/sector_profile-{sid}.ipynb#{label} >}}}}" in text
    assert text.count("{{< embed") == len(sectors) * len(SECTOR_PROFILE_LABELS)
    # Each card starts a PDF page, and the repeated reading guides are gone (the chapter has one).
    assert text.count("#pagebreak(weak: true)") == len(sectors)
    assert "Mitä tämä tarkoittaa" not in text
    with pytest.raises(InputError):
        sector_chapter_markdown({}, "../outputs/notebooks")

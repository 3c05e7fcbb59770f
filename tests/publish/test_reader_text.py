"""The check that keeps developer words out of the reader-facing pages (used by tests/test_e2e.py)."""

from __future__ import annotations

import pytest

from publish.sites import developer_words


@pytest.mark.parametrize("text", [
    "Aja `punos fetch` ja rakenna uudelleen", "ajetaan papermillillä", "kirjaston punos_lib.indicators",
    "sha256: 0123456789ab", "luettelo manifest.json", "tilannekuvaan (snapshot)", "komento make study",
    "muistio economy.ipynb", "funktio dataset_origins(snap)", "tiedosto run.json", "SHA-256-summa",
    "Lähde: Punos-tietolähdeluettelo (data/catalogue.yaml)", "taulukoissa data/actors/organisations.csv",
    "tietue (data/forums/*.yaml)", "Punos-toimijarekisteri (data/actors)", "tiedostossa datasets.yaml",
])
def test_developer_words_are_found(text: str) -> None:
    assert developer_words(text), text


@pytest.mark.parametrize("text", [
    "Väestö iän mukaan alueittain (vaerak/11re), tunnus population/data-1",
    "Punos-hanke julkaisi selvityksen; tarkistussumma ja lisenssi ovat CSV-tiedostossa",
    "Lähde: Punos-tietolähdeluettelo", "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/",
    "https://example.fi/data/avoin", "tunnus population/data-1", "CSV-tiedostona: aineistot-tiedot.csv",
    "tekstieditori (YAML) tai Excel-työkirja",
])
def test_reader_text_passes(text: str) -> None:
    assert developer_words(text) == []

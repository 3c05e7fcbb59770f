"""Static checks of the statistical notebooks and the chapters that embed them (no execution)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from punos_lib.publish.generated import SECTOR_PROFILE_LABELS

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("summary", "overview", "economy", "sector_profile")
CHAPTERS = ("index.qmd", "study/01-tiivistelma.qmd", "study/02-vaesto.qmd", "study/03-elinkeinorakenne.qmd",
            "study/07-toimialaprofiilit.qmd", "study/11-tietoaukot.qmd")
_EMBED = re.compile(r"\{\{<\s*embed\s+(\S+?)\.ipynb#(\S+?)\s*>\}\}")
_LABEL = re.compile(r"^#\|\s*label:\s*(\S+)\s*$", re.M)


def _read(stem: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)


def _labels(stem: str) -> list[str]:
    return [m for c in _read(stem).cells if c.cell_type == "code" for m in _LABEL.findall(c.source)]


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_is_clean_and_parameterised(stem):
    nb = _read(stem)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert cell.outputs == [], f"{stem}: stored outputs"
        assert cell.execution_count is None, f"{stem}: execution count"
        for line in cell.source.splitlines():
            assert not re.match(r"\s*(def|class)\s", line), f"{stem}: logic belongs in punos_lib: {line}"
            assert "open(" not in line and "http" not in line, f"{stem}: no file or network access: {line}"
    first = code[0]
    assert "parameters" in first.metadata.get("tags", [])
    names = dict(re.findall(r"^(\w+)\s*=\s*(.+)$", first.source, re.M))
    sector = '"metsa"' if stem == "sector_profile" else "None"
    assert names == {"region": '"MK10"', "sector": sector, "year": "None", "lang": '"fi"',
                     "run_id": f'"{stem}-metsa"' if stem == "sector_profile" else f'"{stem}"'}


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_output_cell_has_label_caption_and_show(stem):
    for cell in _read(stem).cells:
        if cell.cell_type != "code" or "ctx.show(" not in cell.source:
            continue
        lines = cell.source.splitlines()
        label = _LABEL.match(lines[0])
        assert label, f"{stem}: a shown output without '#| label:' first: {lines[0]}"
        kind = label.group(1).split("-")[0]
        assert kind in ("fig", "tbl")
        assert re.match(rf'^#\|\s*{kind}-cap:\s*".+"$', lines[1]), f"{stem}: {label.group(1)} lacks {kind}-cap"
        assert f'"{label.group(1)}"' in cell.source, f"{stem}: show() label differs from the cell label"
    labels = _labels(stem)
    assert len(labels) == len(set(labels)), f"{stem}: duplicate labels"


def test_sector_profile_has_the_labels_chapter_7_embeds():
    # The card (findings, key figures, one figure) is embedded; the detailed tables stay in the
    # notebook's downloadable outputs.
    labels = _labels("sector_profile")
    assert [lab for lab in labels if lab in SECTOR_PROFILE_LABELS] == list(SECTOR_PROFILE_LABELS)
    assert sum(lab.startswith("fig-") for lab in SECTOR_PROFILE_LABELS) <= 1


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_embeds_exist_in_the_notebooks(chapter):
    text = (REPO / chapter).read_text(encoding="utf-8")
    assert text.startswith("---\ntitle:"), f"{chapter}: front matter with a title"
    for path, label in _EMBED.findall(text):
        stem = Path(path).name
        assert stem in NOTEBOOKS, f"{chapter}: embeds unknown notebook {path}"
        expected = "outputs/notebooks" if chapter == "index.qmd" else "../outputs/notebooks"
        assert str(Path(path).parent) == expected, f"{chapter}: embed path {path}"
        assert label in _labels(stem), f"{chapter}: {stem}.ipynb has no cell labelled {label}"


def test_every_embedded_figure_or_table_has_a_reading_guide():
    # Figures and tables of the statistical chapters get a short reading guide; the findings
    # text (txt- cells) and the summary chapter's own tables are read as they are.
    for chapter in CHAPTERS:
        if chapter == "study/01-tiivistelma.qmd":
            continue
        text = (REPO / chapter).read_text(encoding="utf-8")
        embeds = list(_EMBED.finditer(text))
        for i, m in enumerate(embeds):
            if m.group(2).startswith("txt-"):
                continue
            # The guide may follow a text output that belongs to the table (e.g. its thresholds).
            nxt = next((e for e in embeds[i + 1:] if not e.group(2).startswith("txt-")), None)
            after = text[m.end():nxt.start() if nxt else len(text)]
            assert "Mitä tämä tarkoittaa" in after, f"{chapter}: embed {m.group(2)} without a reading guide"


def test_findings_cells_show_markdown_from_the_library():
    for cell in _read("summary").cells:
        label = _LABEL.match(cell.source.splitlines()[0]) if cell.cell_type == "code" and cell.source else None
        if label and label.group(1).startswith("txt-"):
            assert "findings.findings_markdown(" in cell.source and "display(Markdown(" in cell.source


def test_chapter_7_includes_the_generated_sector_sections():
    text = (REPO / "study/07-toimialaprofiilit.qmd").read_text(encoding="utf-8")
    assert "{{< include _generated/sectors.qmd >}}" in text
    # The sectors come from data/sectors.yaml through the generated file, never a fixed list.
    from punos_lib.reference.sectors import load_sectors

    for sector in load_sectors().values():
        assert f"## {sector.name_fi}" not in text


@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_leave_finishing_maps_and_area_codes_to_the_library(path):
    # ctx.show finishes figures from their data, ctx.map loads what a map needs, and every frame
    # names its area codes "area": a notebook that does any of this itself has drifted.
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "figures.finish(" not in source
    assert "maps.auto_map(" not in source
    assert '"code"' not in source
    assert "region_municipalities(" not in source  # ctx.municipalities is the one way

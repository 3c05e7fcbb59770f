"""Static checks of the labour-market notebooks and the chapters that embed them (no execution)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("occupations", "matching", "education")
CHAPTERS = {
    "study/04-ammattirakenne.qmd": "occupations",
    "study/05-kohtaanto.qmd": "matching",
    "study/06-koulutustarjonta.qmd": "education",
}
EMBED = re.compile(r"\{\{<\s*embed\s+(\S+?)\.ipynb#([A-Za-z0-9_-]+)\s*>\}\}")
LABEL = re.compile(r"^#\|\s*label:\s*(\S+)\s*$", re.MULTILINE)


def _notebook(stem: str) -> dict:
    return json.loads((REPO / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _labels(stem: str) -> list[str]:
    return [m for cell in _notebook(stem)["cells"] if cell["cell_type"] == "code"
            for m in LABEL.findall(_source(cell))]


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_has_no_outputs_and_the_five_parameters(stem: str) -> None:
    nb = _notebook(stem)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code:
        assert cell.get("outputs") == [] and cell.get("execution_count") is None
    first = code[0]
    assert "parameters" in first["metadata"].get("tags", [])
    assigned = {}
    for node in ast.parse(_source(first)).body:
        assert isinstance(node, ast.Assign), "the parameters cell holds assignments only"
        assigned[node.targets[0].id] = ast.literal_eval(node.value)
    assert assigned == {"region": "MK10", "sector": None, "year": None, "lang": "fi",
                        "run_id": stem}


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_is_thin(stem: str) -> None:
    for cell in _notebook(stem)["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = _source(cell)
        assert not re.search(r"^\s*(def|class) ", text, re.MULTILINE), text
        assert "open(" not in text and "http" not in text, text


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_labelled_cell_has_a_caption_and_shows_its_label(stem: str) -> None:
    labels = _labels(stem)
    assert labels and len(labels) == len(set(labels))
    for cell in _notebook(stem)["cells"]:
        text = _source(cell)
        found = LABEL.findall(text)
        if not found:
            continue
        label = found[0]
        assert text.startswith(f"#| label: {label}")
        if label.startswith("txt-"):
            # text written from the data: displayed with the metadata saying whether it is example data
            # (the key findings box, or the note on what the chapter rests on)
            assert "display(Markdown(" in text and "metadata=study.output_metadata(" in text, label
            continue
        kind = "fig" if label.startswith("fig-") else "tbl"
        assert re.search(rf'^#\|\s*{kind}-cap:\s*".+"', text, re.MULTILINE), label
        assert f'"{label}"' in text.split("\n", 2)[-1], f"{label} is not passed to ctx.show"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_chapter_embeds_exist_in_its_notebook(chapter: str) -> None:
    text = (REPO / chapter).read_text(encoding="utf-8")
    # The key findings box at the top comes from the summary notebook (checked with it).
    embeds = [e for e in EMBED.findall(text) if e[0] != "../outputs/notebooks/summary"]
    assert embeds, f"{chapter} embeds nothing"
    stem = CHAPTERS[chapter]
    labels = set(_labels(stem))
    for path, label in embeds:
        assert path == f"../outputs/notebooks/{stem}", path
        assert label in labels, f"{chapter} embeds {label}, which {stem}.ipynb does not have"
    # Every figure and table of the notebook is used by its chapter.
    assert {label for _, label in embeds} == labels
    assert text.startswith("---\ntitle: ")

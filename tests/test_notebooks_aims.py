"""Static checks of the aims notebooks (sources, actors, forums) and the chapters that embed them.

Nothing is executed: the notebooks must be stored clean (no outputs), start with the papermill
parameters cell, stay thin (no function or class definitions), label every figure and table,
and every label a chapter embeds must exist in the notebook, so that renaming a label fails here
rather than at render time.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("sources", "actors", "forums")
CHAPTERS = {
    "study/08-tietolahteet.qmd": "sources",
    "study/09-toimijaverkosto.qmd": "actors",
    "study/10-foorumit.qmd": "forums",
}
EMBED = re.compile(r"\{\{<\s*embed\s+(\S+?)\.ipynb#(\S+?)\s*>\}\}")
OPTION = re.compile(r"^#\|\s*([\w-]+):\s*(.*?)\s*$")


def _notebook(stem: str) -> dict:
    return json.loads((REPO / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _options(source: str) -> dict[str, str]:
    options = {}
    for line in source.splitlines():
        match = OPTION.match(line)
        if not match:
            break
        options[match[1]] = match[2].strip('"')
    return options


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_is_stored_without_outputs(stem):
    nb = _notebook(stem)
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{stem}: a cell has stored outputs"
            assert cell.get("execution_count") is None, f"{stem}: a cell has an execution count"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_first_code_cell_holds_exactly_the_five_parameters(stem):
    code = [c for c in _notebook(stem)["cells"] if c["cell_type"] == "code"]
    first = code[0]
    assert "parameters" in first.get("metadata", {}).get("tags", [])
    assigned = {}
    for node in ast.parse(_source(first)).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, f"{stem}: only assignments allowed"
        assigned[node.targets[0].id] = ast.literal_eval(node.value)
    assert assigned == {"region": "MK10", "sector": None, "year": None, "lang": "fi", "run_id": stem}
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in code) == 1


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_is_thin(stem):
    for cell in _notebook(stem)["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = _source(cell)
        for line in source.splitlines():
            assert not re.match(r"\s*(async\s+)?def\s|\s*class\s", line), f"{stem}: definition {line!r}"
            assert "open(" not in line and "http" not in line, f"{stem}: file or network use {line!r}"
        tree = ast.parse(source)
        loops = [n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While))]
        for loop in loops:
            assert loop.end_lineno - loop.lineno <= 1, f"{stem}: a loop longer than two lines"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_figure_and_table_cell_is_labelled_captioned_and_shown_under_its_label(stem):
    labels = []
    for cell in _notebook(stem)["cells"]:
        source = _source(cell)
        options = _options(source)
        label = options.get("label", "")
        if label.startswith(("fig-", "tbl-")):
            kind = label.split("-", 1)[0]
            assert options.get(f"{kind}-cap"), f"{stem}: {label} has no #| {kind}-cap"
            assert f'ctx.show(' in source and f'"{label}"' in source, f"{stem}: {label} not shown under its label"
            labels.append(label)
        elif "ctx.show(" in source:
            pytest.fail(f"{stem}: a cell calls ctx.show without a fig-/tbl- label:\n{source}")
    assert len(labels) == len(set(labels)), f"{stem}: duplicate labels"
    assert labels, f"{stem}: no labelled figures or tables"


def _labels(stem: str) -> set[str]:
    return {_options(_source(c)).get("label") for c in _notebook(stem)["cells"]} - {None}


@pytest.mark.parametrize("chapter,stem", CHAPTERS.items())
def test_chapter_embeds_exist_in_its_notebook(chapter, stem):
    text = (REPO / chapter).read_text(encoding="utf-8")
    embeds = EMBED.findall(text)
    assert embeds, f"{chapter} embeds nothing"
    labels = _labels(stem)
    for path, label in embeds:
        assert path == f"../outputs/notebooks/{stem}", f"{chapter}: embed path {path!r}"
        assert label in labels, f"{chapter}: embeds {label!r}, which {stem}.ipynb does not have"


@pytest.mark.parametrize("chapter,stem", CHAPTERS.items())
def test_chapter_embeds_every_figure_and_table_and_references_resolve(chapter, stem):
    text = (REPO / chapter).read_text(encoding="utf-8")
    embedded = {label for _, label in EMBED.findall(text)}
    shown = {label for label in _labels(stem) if label.startswith(("fig-", "tbl-"))}
    assert shown <= embedded, f"{chapter} does not embed {sorted(shown - embedded)}"
    for ref in re.findall(r"@((?:fig|tbl)-[\w-]+)", text):
        assert ref in embedded, f"{chapter}: cross-reference @{ref} to a label that is not embedded"
    assert text.startswith("---\ntitle:"), f"{chapter}: front matter with a title expected"


def test_forum_chapter_marks_example_records():
    text = (REPO / "study/10-foorumit.qmd").read_text(encoding="utf-8")
    assert "Esimerkki – ei todellisia foorumituloksia" in text
    # The commands behind the forum workbook live in the technical appendix, which the chapter names.
    assert "punos forum" not in text and "Menetelmät ja toistettavuus" in text
    appendix = (REPO / "study/liite-menetelmat.qmd").read_text(encoding="utf-8")
    assert "punos forum template --sector" in appendix and "punos forum import" in appendix



@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_text_outputs_say_whether_they_show_example_data(stem):
    # The publishers put the example-data banner on a page unless every output on it says it is
    # real; a text output without the mark made the actor network chapter look like example data.
    for cell in _notebook(stem)["cells"]:
        source = _source(cell)
        if _options(source).get("label", "").startswith("txt-"):
            assert "metadata=study.output_metadata(" in source, f"{stem}: {_options(source)['label']} has no data mark"

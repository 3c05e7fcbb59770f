"""Figures as published (issue 10): alt text that says what a figure shows, the SVG linked on the
website, vector (SVG) figures in the PDF of the built-in renderer, fig-alt and SVG-only figures in
the notebooks Quarto is given."""

from __future__ import annotations

import json
from pathlib import Path

from punos_lib import publish
from punos_lib.publish.quarto import _staged_notebook

ALT = "Pylväskuvio, 2 pylvästä: Asukkaat. Suurin Mikkeli (51\u202f980), pienin Savonlinna (32\u202f085)."
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def _with_alt_and_svg(project: Path) -> Path:
    """Give the fixture's figure output what ctx.show writes: an SVG beside the PNG and the alt text."""
    path = project / "outputs" / "notebooks" / "demo.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out["data"]["image/svg+xml"] = SVG
                out["metadata"] = {"punos": {"synthetic": True, "alt": ALT}}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_website_alt_text_describes_the_figure_and_links_its_svg(project: Path) -> None:
    _with_alt_and_svg(project)
    publish.render(project_dir=project, outputs_dir=project / "outputs", quarto=False, formats=["html"])
    site = project / "outputs" / "site"
    chapter = (site / "02-luku.html").read_text(encoding="utf-8")
    assert f'<img src="figures/demo-fig-asukkaat.png" alt="{ALT}">' in chapter
    assert 'alt="Asukkaat kunnittain 2022"' not in chapter  # not the caption again
    assert '<a href="figures/demo-fig-asukkaat.svg">Kuva (SVG)</a>' in chapter
    assert (site / "figures" / "demo-fig-asukkaat.svg").read_text(encoding="utf-8") == SVG


def test_builtin_pdf_embeds_the_svg_with_its_alt_text(project: Path) -> None:
    _with_alt_and_svg(project)
    report = publish.render(project_dir=project, outputs_dir=project / "outputs", quarto=False, formats=["pdf"])
    build = project / "outputs" / ".publish" / "pdf"
    source = (build / "testiselvitys.typ").read_text(encoding="utf-8")
    assert f'image("figures/demo-fig-asukkaat.svg", width: 100%, alt: "{ALT}")' in source
    assert not (build / "figures" / "demo-fig-asukkaat.png").exists()
    assert report.pdf.read_bytes().startswith(b"%PDF-")


def test_an_output_without_svg_or_alt_keeps_png_and_caption(project: Path) -> None:
    publish.render(project_dir=project, outputs_dir=project / "outputs", quarto=False, formats=["pdf"])
    source = (project / "outputs" / ".publish" / "pdf" / "testiselvitys.typ").read_text(encoding="utf-8")
    assert 'image("figures/demo-fig-asukkaat.png", width: 100%, alt: "Asukkaat kunnittain 2022")' in source


def test_quarto_is_given_fig_alt_and_svg_only_figures(project: Path, tmp_path: Path) -> None:
    notebook = _with_alt_and_svg(project)
    staged = _staged_notebook(notebook, tmp_path / "p", project / "outputs")
    assert staged == tmp_path / "p" / "_punos" / "notebooks" / "demo.ipynb"
    nb = json.loads(staged.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "fig-asukkaat" in "".join(c["source"]))
    source = "".join(cell["source"])
    assert source.splitlines()[0] == "#| label: fig-asukkaat"
    assert source.splitlines()[1] == f"#| fig-alt: {json.dumps(ALT, ensure_ascii=False)}"
    data = cell["outputs"][0]["data"]
    assert "image/svg+xml" in data and "image/png" not in data
    # the executed notebook itself is left as it was
    assert "image/png" in json.loads(notebook.read_text(encoding="utf-8"))["cells"][3]["outputs"][0]["data"]

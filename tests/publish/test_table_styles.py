"""The study tables' stylesheet on both engines' websites (templates/tables.css)."""

from __future__ import annotations

from pathlib import Path

import yaml

from punos_lib.publish import quarto
from punos_lib.publish._common import template
from punos_lib.publish.book import Book


def test_tables_css_makes_wide_tables_smaller_and_scroll_visibly():
    css = template("tables.css")
    assert ".punos-wide table { font-size: .78em; }" in css
    assert ".punos-table { overflow-x: auto;" in css
    assert "radial-gradient" in css  # the shadow that shows hidden columns


def test_quarto_pages_get_the_tables_css(tmp_path: Path):
    (tmp_path / "_quarto.yml").write_text(yaml.safe_dump({
        "project": {"type": "book", "output-dir": "outputs/site"},
        "book": {"title": "T", "chapters": ["index.qmd"]},
        "format": {"html": {"toc": True, "css": "own.css"}, "typst": {"toc": True}},
    }), encoding="utf-8")
    book = Book(project=tmp_path, title="T", subtitle="S", author="A", lang="fi", chapters=("index.qmd",),
                appendices=(), output_file="t", output_dir="outputs/site")
    project = tmp_path / "staged"
    project.mkdir()
    config = quarto._config(book, project, examples=[])  # no chapter shows example data
    assert config["format"]["html"]["css"] == ["own.css", "_punos/tables.css"]
    assert config["format"]["html"]["toc"] is True
    assert (project / "_punos" / "tables.css").read_text(encoding="utf-8") == template("tables.css")

"""Embedded outputs carry whether they show example data (for the page-level demo banner)."""

from __future__ import annotations

import json
from pathlib import Path

from punos_lib.publish.chapters import Embed
from punos_lib.publish.embeds import Notebooks


def _notebook(path: Path, outputs: dict[str, dict | None]) -> None:
    cells = []
    for label, metadata in outputs.items():
        out = {"output_type": "display_data", "data": {"text/html": "<table></table>", "text/plain": "t"},
               "metadata": {} if metadata is None else metadata}
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": 1,
                      "source": f"#| label: {label}\nctx.show(t, '{label}')", "outputs": [out]})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")


def test_the_synthetic_flag_of_an_output_is_read(tmp_path: Path) -> None:
    nb = tmp_path / "notebooks" / "x.ipynb"
    nb.parent.mkdir()
    _notebook(nb, {"tbl-real": {"punos": {"synthetic": False}}, "tbl-demo": {"punos": {"synthetic": True}},
                   "tbl-old": None})
    notebooks = Notebooks(tmp_path)

    def flag(label: str) -> bool | None:
        return notebooks.resolve(Embed(label, nb, tmp_path / "c.qmd", 1)).synthetic

    assert flag("tbl-real") is False
    assert flag("tbl-demo") is True
    assert flag("tbl-old") is None      # an older notebook that did not say

"""The README's examples run.

Blocks marked ``<!-- readme-test: offline -->`` run as they are; ``statfin`` blocks run against the
local PxWeb server with the real 11re metadata (so they need the recorded payloads). Unmarked
blocks need the real network and are not run here.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO

BLOCK = re.compile(r"<!-- readme-test: (\w+) -->\s*```python\n(.*?)```", re.S)


def _blocks(kind: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [code for k, code in BLOCK.findall(text) if k == kind]


def test_readme_has_runnable_examples():
    assert len(_blocks("offline")) >= 6
    assert len(_blocks("statfin")) == 1


@pytest.mark.parametrize("index", range(6))
def test_offline_examples_run(index, capsys):
    code = _blocks("offline")[index]
    exec(compile(code, f"README offline example {index + 1}", "exec"), {})
    assert capsys.readouterr().out.strip()


def test_statfin_example_runs_against_local_server(reference, monkeypatch, capsys):
    from pxweb_server import PxWebServer

    meta = json.loads((reference / "statfin_api" / "new_2026" / "api-metadata-population.json").read_text("utf-8"))
    with PxWebServer(max_cells=1000, max_calls=30, time_window=1.0, generated=False) as server:
        server.add_table("vaerak/11re", meta)
        monkeypatch.setenv("PUNOS_STATFIN_URL", server.base_url)
        exec(compile(_blocks("statfin")[0], "README statfin example", "exec"), {})
    out = capsys.readouterr().out
    assert "vaerak/11re" in out and "Mikkeli" in out


def test_study_text_refers_to_chapters_by_name_not_number():
    # Chapter numbers shift when a chapter is added (the summary moved every one by one and left
    # "luku 3" pointing at the wrong chapter); names stay right.
    import re

    pattern = re.compile(r"\b(luku|luvussa|luvusta|luvun|luvut|luvuissa)\s+\d", re.IGNORECASE)
    texts = [REPO / "index.qmd", *sorted((REPO / "study").glob("*.qmd"))]
    found = [f"{p.name}: {m.group(0)}" for p in texts for m in pattern.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found

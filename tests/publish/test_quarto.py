"""Rendering with Quarto, checked with a stand-in ``quarto`` that records what it was given.

The stand-in copies the staged project it is asked to render (so the test can read the
``_quarto.yml`` and chapters Quarto would see) and writes a page per chapter or the PDF, or fails,
warns or leaves out an output when told so by environment variables. The real Quarto renders the
demo study in tests/test_e2e.py.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from punos_lib import publish
from punos_lib.errors import PublishError
from punos_lib.publish.typst_tables import QUARTO_TABLE_RULES

FAKE = r'''
import os, shutil, sys
from pathlib import Path
args = sys.argv[1:]
project, to, out = Path(args[1]), args[args.index("--to") + 1], Path(args[args.index("--output-dir") + 1])
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(" ".join(a if a != str(project) else "<staged>" for a in args) + "\n")
shutil.rmtree(Path(os.environ["FAKE_COPY"]) / to, ignore_errors=True)
shutil.copytree(project, Path(os.environ["FAKE_COPY"]) / to, symlinks=True)
print("WARN: a warning from quarto " + to, file=sys.stderr)
if os.environ.get("FAKE_FAIL") == to:
    print("ERROR: the chapter is broken", file=sys.stderr)
    sys.exit(1)
out.mkdir(parents=True, exist_ok=True)
if to == "html":
    skip = os.environ.get("FAKE_SKIP_PAGE")
    for qmd in project.rglob("*.qmd"):
        rel = qmd.relative_to(project)
        if rel.parts[0] != "outputs" and str(rel.with_suffix(".html")) != skip:
            (out / rel).with_suffix(".html").parent.mkdir(parents=True, exist_ok=True)
            (out / rel).with_suffix(".html").write_text("<html>" + str(rel) + "</html>", encoding="utf-8")
    for f in project.rglob("*.csv"):
        if f.relative_to(project).parts[0] == "tables":
            (out / f.relative_to(project)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, out / f.relative_to(project))
elif not os.environ.get("FAKE_NO_PDF"):
    (out / "testiselvitys.pdf").write_bytes(b"%PDF-1.7\n")
'''


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The stand-in quarto; it logs its calls and copies what it renders beside the project."""
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "quarto-args.txt"))
    monkeypatch.setenv("FAKE_COPY", str(tmp_path / "staged"))
    path = tmp_path / "quarto"
    path.write_text(f"#!{sys.executable}\n{FAKE}", encoding="utf-8")
    path.chmod(0o755)
    return path


def _files(root: Path) -> set[str]:
    """The project's files outside outputs/ and the generated folder (what a render must not add)."""
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.relative_to(root).parts[0] != "outputs" and "_generated" not in p.parts}


def _render(project: Path, fake: Path, **kw) -> publish.RenderReport:
    return publish.render(project_dir=project, outputs_dir=project / "outputs", quarto=fake, **kw)


def test_quarto_renders_a_staged_copy_into_both_outputs(project: Path, fake: Path, tmp_path: Path) -> None:
    before = _files(project)
    report = _render(project, fake)
    outputs = project / "outputs"
    site = outputs / "site"
    assert report.engine == f"quarto ({fake})"
    # Each format into its own folder (a second `quarto render` cleans the folder it is given).
    calls = (tmp_path / "quarto-args.txt").read_text(encoding="utf-8").splitlines()
    assert [c.split(" --output-dir ")[0] for c in calls] == ["render <staged> --to html", "render <staged> --to typst"]
    assert len({c.split(" --output-dir ")[1] for c in calls}) == 2
    # Truthful pages: every chapter where Quarto writes it (chapters under study/).
    assert [p.relative_to(site).as_posix() for p in report.pages] == [
        "index.html", "study/02-luku.html", "study/03-rikki.html", "study/liite-aineistot.html"]
    assert all(p.is_file() for p in report.pages) and report.site_index == site / "index.html"
    assert report.pdf == outputs / "testiselvitys.pdf" and report.pdf.read_bytes() == b"%PDF-1.7\n"
    # Quarto's warnings reach the report (and so the command's output).
    assert "quarto (html): a warning from quarto html" in report.warnings
    assert "quarto (typst): a warning from quarto typst" in report.warnings
    assert any(line == "warning: quarto (typst): a warning from quarto typst" for line in report.lines())
    # Nothing generated is left beside _quarto.yml, and the staging folder is gone.
    assert _files(project) == before
    assert not (outputs / ".publish" / "quarto").exists()

    staged = tmp_path / "staged" / "html"
    config = yaml.safe_load((staged / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["book"]["output-file"] == "testiselvitys"
    # The cover: region, then date and version (Quarto's book cover shows only title, subtitle, author).
    assert re.fullmatch(r"Etelä-Savo\\\nPäivätty \d{1,2}\.\d{1,2}\.\d{4} · Versio \S+", config["book"]["subtitle"])
    assert config["book"]["downloads"] == ["pdf"] and "publication" not in config
    assert config["format"]["typst"]["include-in-header"] == ["_punos/title-header.typ"]
    # The PDF's body opens with the study tables' rules (long tables break, captions stick).
    assert QUARTO_TABLE_RULES in (staged / "_punos" / "body-start.typ").read_text(encoding="utf-8")
    assert "output-dir" not in config["project"]
    # The demo banner (the fixture snapshot is synthetic) only on the chapter that shows example
    # data (02-luku), right after its front matter, for the web page and the PDF; the PDF's opening
    # names that chapter; no banner on every page.
    assert "include-before-body" not in (config["format"].get("html") or {})
    assert config["format"]["typst"]["include-before-body"] == ["_punos/example-parts.typ", "_punos/body-start.typ"]
    note = (staged / "_punos" / "example-parts.typ").read_text(encoding="utf-8")
    assert "Esimerkkiaineisto – ei todellisia tilastoja" in note and "on luvuissa: Väestö ja kunnat." in note
    for rel in ("index.qmd", "study/02-luku.qmd", "study/03-rikki.qmd"):
        text = (staged / rel).read_text(encoding="utf-8")
        shown = rel == "study/02-luku.qmd"
        assert ('<div class="demo-banner"' in text) == shown, rel
        assert ("```{=typst}\n#block(fill: rgb(\"#b00020\")" in text) == shown, rel
        if shown:
            body = text.split("---", 2)[2] if text.startswith("---") else text  # after the front matter
            assert body.lstrip("\n").startswith("```{=html}\n<div class=\"demo-banner\""), body[:200]
    # The outputs folder in use is what ../outputs means to the staged chapters.
    assert (staged / "outputs").resolve() == outputs.resolve()
    chapter = (staged / "study" / "02-luku.qmd").read_text(encoding="utf-8")
    # Embeds point at the staged copy of the notebook (fig-alt, SVG-only figures for the PDF).
    embed = "{{< embed ../_punos/notebooks/demo.ipynb#fig-asukkaat >}}"
    assert (staged / "_punos" / "notebooks" / "demo.ipynb").is_file()
    after = chapter.split(embed, 1)[1].lstrip("\n").splitlines()[:5]
    assert after == ['::: {.content-visible when-format="html"}', "::: {.downloads}",
                     "Lataa aineisto: [CSV](../tables/demo/fig-asukkaat.csv) · "
                     "[XLSX](../tables/demo/fig-asukkaat.xlsx)", ":::", ":::"]
    assert (site / "tables" / "demo" / "fig-asukkaat.csv").read_bytes() == (
        outputs / "tables" / "demo" / "fig-asukkaat.csv").read_bytes()
    # The embed of the failed run becomes the same placeholder as in the built-in renderer.
    failed = (staged / "study" / "03-rikki.qmd").read_text(encoding="utf-8")
    assert "{{< embed" not in failed
    assert "::: {.missing}\nOsa puuttuu: muistion broken.ipynb ajo epäonnistui\n:::" in failed
    # The provenance appendix (included by the fixture's appendix) is generated for Quarto too.
    appendix = (staged / "study" / "_generated" / "aineistot.md").read_text(encoding="utf-8")
    assert "| population/\u200bdata-1 | population (vaerak/11re) | Tilastokeskus | – | 1.4.2025 | Esimerkkiaineisto |" \
        in appendix
    assert (staged / "study" / "_generated" / "aineistot-tiedot.csv").read_text(encoding="utf-8").startswith("Tunnus,")


def test_quarto_failure_keeps_the_old_site_and_leaves_nothing(project: Path, fake: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _render(project, fake)
    site = project / "outputs" / "site"
    old = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    before = _files(project)
    monkeypatch.setenv("FAKE_FAIL", "html")
    with pytest.raises(PublishError, match=r"(?s)`quarto render --to html` failed with exit code 1:.*the chapter is broken"):
        _render(project, fake)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == old
    assert _files(project) == before and not (project / "outputs" / ".publish" / "quarto").exists()


def test_missing_quarto_outputs_are_errors(project: Path, fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SKIP_PAGE", "study/03-rikki.html")
    with pytest.raises(PublishError, match=r"quarto finished but did not write study/03-rikki.html"):
        _render(project, fake, formats=["html"])
    assert not (project / "outputs" / "site").exists()
    monkeypatch.delenv("FAKE_SKIP_PAGE")
    monkeypatch.setenv("FAKE_NO_PDF", "1")
    with pytest.raises(PublishError, match=r"did not write testiselvitys.pdf \(found: no PDF\)"):
        _render(project, fake, formats=["pdf"])


def test_engine_choice(project: Path, fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUARTO_PATH", str(fake))
    assert _render(project, None).engine == f"quarto ({fake})"                       # found: Quarto
    assert _render(project, None, engine="builtin").engine == "pandoc+typst"
    monkeypatch.delenv("QUARTO_PATH")
    monkeypatch.setenv("PATH", str(project / "no-quarto-here"))
    assert _render(project, None, formats=["html"]).engine == "pandoc+typst"        # not found: built-in
    with pytest.raises(PublishError, match="--engine quarto: no Quarto found"):
        _render(project, None, engine="quarto")
    with pytest.raises(PublishError, match="unknown engine 'latex'"):
        _render(project, None, engine="latex")


def test_a_study_where_everything_failed_is_refused(project: Path, fake: Path) -> None:
    run_file = project / "outputs" / "run.json"
    record = json.loads(run_file.read_text(encoding="utf-8"))
    record["executions"]["demo"]["status"] = "failed"
    run_file.write_text(json.dumps(record), encoding="utf-8")
    for engine in ("builtin", "quarto"):
        with pytest.raises(PublishError, match=r"every notebook execution failed \(broken, demo\)"):
            _render(project, fake, engine=engine)
    assert not (project / "outputs" / "site").exists()
    # "none" shown is no content either (punos run's record of a failure without an earlier good run).
    record["executions"]["demo"]["shown"] = "none"
    run_file.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(PublishError, match="every notebook execution failed"):
        _render(project, fake, engine="builtin")


def test_a_failed_run_whose_previous_run_is_shown_says_so(project: Path, fake: Path, tmp_path: Path) -> None:
    # punos run kept the last good notebook, tables and figures of "demo" and recorded which run they are.
    run_file = project / "outputs" / "run.json"
    record = json.loads(run_file.read_text(encoding="utf-8"))
    record["executions"]["demo"].update(status="failed", shown="previous run of 2026-11-30T08:00:00+00:00",
                                        shown_run={"finished": "2026-11-30T08:00:00+00:00"})
    run_file.write_text(json.dumps(record), encoding="utf-8")
    note = ("Huom.: muistion demo.ipynb viimeisin ajo epäonnistui; tässä näkyy sen edellinen onnistunut ajo "
            "(2026-11-30T08:00:00+00:00).")
    report = _render(project, fake, engine="builtin")
    page = (project / "outputs" / "site" / "02-luku.html").read_text(encoding="utf-8")
    # Shown once in the chapter, before the first of the notebook's parts, which are there (not "Osa puuttuu").
    assert page.count(note) == 1 and page.index(note) < page.index('<figure id="fig-asukkaat">')
    assert "Osa puuttuu: muistion demo.ipynb" not in page
    source = (project / "outputs" / ".publish" / "pdf" / "testiselvitys.typ").read_text(encoding="utf-8")
    assert source.count(note) == 1 and report.pdf is not None
    _render(project, fake, engine="quarto")
    staged = (tmp_path / "staged" / "html" / "study" / "02-luku.qmd").read_text(encoding="utf-8")
    assert staged.count(note) == 1
    assert staged.index("::: {.stale-note}\n" + note) < staged.index("{{< embed ../_punos/notebooks/demo.ipynb")


def test_pages_do_not_name_the_build_folder(tmp_path: Path) -> None:
    from punos_lib.publish import quarto

    page = tmp_path / "study" / "luku.html"
    page.parent.mkdir()
    page.write_text('<div class="cell" data-notebook="/home/x/outputs/.publish/quarto/project/_punos/notebooks/a.ipynb" '
                    'data-notebook-cellid="cell-tbl-x" data-execution_count="4"><p>data-notebook="teksti"</p></div>',
                    encoding="utf-8")
    other = tmp_path / "index.html"
    other.write_text("<p>ei muutettavaa</p>", encoding="utf-8")
    quarto._strip_build_paths(tmp_path)
    assert page.read_text(encoding="utf-8") == ('<div class="cell" data-execution_count="4">'
                                                '<p>data-notebook="teksti"</p></div>')
    assert other.read_text(encoding="utf-8") == "<p>ei muutettavaa</p>"

"""End-to-end: the whole demo study built through the command line into build/test-study/.

`punos demo` → `punos run --workers 2` → `punos render`, twice (the second run with --force), with
PUNOS_SNAPSHOT and PUNOS_OUTPUTS pointing into build/test-study/. Checks the website pages and the
PDF, and that the two builds give byte-identical tables, figures and site files. The executed
notebooks are left in build/test-study/outputs/notebooks for `make test`'s nbval step.

Skips (with the reason) while notebooks/notebooks.yaml lists notebooks that do not exist yet.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from punos_lib import publish
from punos_lib.pipeline import load_notebooks

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "test-study"


def _missing() -> list[str]:
    specs = load_notebooks(REPO / "notebooks" / "notebooks.yaml")
    missing = [s.path.name for s in specs if not s.path.is_file()]
    book = publish.load_book(REPO)
    # Files under study/_generated/ are written by the render itself.
    missing += [f for f in book.files if not f.startswith("study/_generated/") and not (REPO / f).is_file()]
    return missing


def _punos(*args: str, outputs: str = "outputs") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PUNOS_SNAPSHOT=str(BUILD / "snapshot"), PUNOS_OUTPUTS=str(BUILD / outputs),
               PUNOS_PROJECT_DIR=str(REPO), PUNOS_OFFLINE="1")
    proc = subprocess.run([sys.executable, "-m", "punos_lib", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"punos {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _outline(pdf: bytes) -> list[str]:
    titles = []
    for m in re.finditer(rb"/Title\s*(<[0-9A-Fa-f]+>|\((?:[^()\\]|\\.)*\))", pdf):
        raw = m.group(1)
        titles.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16") if raw.startswith(b"<")
                      else raw[1:-1].decode("latin-1"))
    return titles


def test_demo_study_builds_reproducibly() -> None:
    missing = _missing()
    if missing:
        pytest.skip(f"the study is not complete yet; missing: {', '.join(missing)}")
    if BUILD.exists():
        shutil.rmtree(BUILD)
    BUILD.mkdir(parents=True)
    _punos("demo")
    _punos("run", "--workers", "2", "--no-progress")
    report = _punos("render", "--engine", "builtin")
    assert report.stdout.startswith("rendered with pandoc+typst"), report.stdout
    outputs = BUILD / "outputs"
    site = outputs / "site"
    book = publish.load_book(REPO)

    # Website: one page per chapter with the sidebar listing them all and the demo banner.
    pages = sorted(site.glob("*.html"))
    assert len(pages) == len(book.files), report.stdout
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Johdanto ja menetelmät" in index and book.title in index
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Esimerkkiaineisto – ei todellisia tilastoja" in text
        assert text.count('<li') >= len(book.files)
        assert "<h1" in text
    # Figures are embedded, numbered and followed by their data.
    figures = sorted((site / "figures").glob("*"))
    assert figures, "no figure was embedded in the website"
    all_html = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    # Numbered chapter by chapter, as Quarto numbers a book.
    assert re.search(r"Kuvio \d+\.1\. ", all_html) and re.search(r"Taulukko \d+\.1\. ", all_html)
    assert re.search(r'<a href="tables/[^"]+\.csv">CSV</a>', all_html)
    assert "Osa puuttuu" not in all_html  # every notebook ran

    # Tables carry the page's numbered caption only (the notebook's own <caption> is dropped).
    assert "<caption" not in all_html

    # PDF with all chapters in its outline.
    pdf = (outputs / f"{book.output_file}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    outline = " | ".join(_outline(pdf))
    assert "Johdanto ja menetelmät" in outline
    # Every chapter's title (its first level-1 heading or front-matter title) is in the site and the PDF.
    for name in book.files:
        if name.startswith("study/_generated/"):
            continue
        text = (REPO / name).read_text(encoding="utf-8")
        match = re.search(r"^title:\s*\"?([^\"\n]+)", text, flags=re.M) or re.search(r"^# (.+?)(\s*\{.*\})?$", text, flags=re.M)
        assert match, f"{name} has no title"
        title = match.group(1).strip()
        assert title in all_html, f"chapter title {title!r} missing from the website"
        assert title in outline, f"chapter title {title!r} missing from the PDF outline"
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > len(book.files)

    # Second build from the same snapshot: byte-identical tables, figures and site.
    first = {name: _digests(outputs / name) for name in ("tables", "figures", "site")}
    assert first["tables"], "the notebooks saved no tables under outputs/tables"
    _punos("run", "--workers", "2", "--no-progress", "--force")
    _punos("render", "--engine", "builtin")
    second = {name: _digests(outputs / name) for name in ("tables", "figures", "site")}
    for name in first:
        changed = sorted(k for k in set(first[name]) | set(second[name])
                         if first[name].get(k) != second[name].get(k))
        assert not changed, f"outputs/{name} differ between two builds: {changed[:10]}"
    # The executed notebooks stay for `pytest --nbval-lax build/test-study/outputs/notebooks`.
    assert sorted((outputs / "notebooks").glob("*.ipynb"))


def test_the_same_study_for_another_region() -> None:
    """`punos run --region MK07` builds the study for Päijät-Häme from the same snapshot."""
    missing = _missing()
    if missing:
        pytest.skip(f"the study is not complete yet; missing: {', '.join(missing)}")
    if not (BUILD / "snapshot" / "manifest.json").is_file():
        BUILD.mkdir(parents=True, exist_ok=True)
        _punos("demo")
    _punos("run", "--region", "MK07", "--workers", "2", "--no-progress", outputs="outputs-mk07")
    report = _punos("render", "--engine", "builtin", outputs="outputs-mk07")
    site = BUILD / "outputs-mk07" / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Päijät-Häme" in index
    population = (site / "02-vaesto.html").read_text(encoding="utf-8")
    assert "Päijät-Häme" in population and "Lahti" in population
    pdfs = sorted((BUILD / "outputs-mk07").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["osaamistarpeiden-ennakointi-paijat-hame.pdf"], report.stdout

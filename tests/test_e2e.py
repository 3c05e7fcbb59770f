"""End-to-end: the whole study built through the command line into build/test-study/, as `make study` does.

`punos bundle` (the real data shipped in data/real/) → `punos demo` (example data for the rest) →
`punos run --workers 2` → `punos render`, twice (the second run with --force, without the
parsed-frame cache and with a new kernel per notebook), with
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
import time
from pathlib import Path

import pytest

from punos_lib import publish
from punos_lib.pipeline import load_notebooks
from punos_lib.publish.chapters import page_name, parse_chapter
from punos_lib.publish.quarto import expected_pages
from punos_lib.snapshot import Snapshot
from publish.sites import (broken_table_words, developer_words, pdf_chapter_banners, read_page, read_site,
                           shows_example_data)

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "test-study"
QUARTO_KIT = REPO.parent / "shared" / "tools" / "quarto"
TECHNICAL_APPENDIX = "study/liite-menetelmat.qmd"


def _check_readers_first(site: Path, pages: list[str], book: publish.Book) -> None:
    """What both websites must give readers: no developer words outside the technical appendix, the
    provenance appendix with a table row and a CSV record per snapshot entry, a dated and versioned
    front page, catalogue links to pages (not APIs), the PDF linked from every page, and chapter 7's
    menu of sectors."""
    import csv

    from punos_lib.reference.sectors import load_sectors

    read = {rel: read_page(site / page, site) for rel, page in zip(book.files, pages)}
    for rel, page in read.items():
        found = developer_words(page.text)
        if rel == TECHNICAL_APPENDIX:
            assert found, "the technical appendix should hold the command lines and checksums"
        else:
            assert not found, f"{rel}: developer words outside the technical appendix: {found[:5]}"
    entries = Snapshot(BUILD / "snapshot").entries()
    appendix_rel = "study/_generated/liite-aineistot.qmd"
    appendix = read[appendix_rel]
    appendix_page = site / pages[book.files.index(appendix_rel)]
    records_link = re.search(r'href="([^"]+\.csv)" download', appendix_page.read_text(encoding="utf-8"))
    assert records_link, "the provenance appendix does not link its CSV of full records"
    records_file = appendix_page.parent / records_link.group(1)
    rows = list(csv.DictReader(records_file.read_text(encoding="utf-8").splitlines()))
    assert [r["Tunnus"] for r in rows] == [e.id for e in entries]
    for entry, row in zip(entries, rows):
        # Long ids carry zero-width break points (they wrap in the PDF's narrow column).
        assert entry.id in appendix.text.replace("\u200b", ""), f"{entry.id} missing from the provenance appendix"
        assert row["Tarkistussumma (SHA-256)"] == entry.sha256 and row["Osoite"] == (entry.url or "")
        assert row["Tieto"] == ("Esimerkkiaineisto" if entry.synthetic else "Tilastotieto")
    assert "Tilastotieto" in appendix.text and "Esimerkkiaineisto" in appendix.text
    front = read["index.qmd"].text
    assert re.search(r"Päivätty: \d{1,2}\.\d{1,2}\.20\d\d", front) and re.search(r"Versio: \S+", front), front[:400]
    assert "Tilastojen viimeisin ajankohta: " in front and "Julkaisija: " in front
    sources_html = (site / pages[book.files.index("study/08-tietolahteet.qmd")]).read_text(encoding="utf-8")
    links = re.findall(r'<a href="(https?://[^"]+)"', sources_html)
    assert len(links) >= 30, "the source catalogue's addresses are not links"
    for link in links:
        assert link.startswith("https://") and "/api/" not in link and "/wfs" not in link, link
    for rel, page in zip(book.files, pages):
        html_text = (site / page).read_text(encoding="utf-8")
        assert re.search(rf'href="[^"]*{re.escape(book.output_file)}\.pdf"', html_text), f"{rel}: no link to the PDF"
    assert (site / f"{book.output_file}.pdf").read_bytes().startswith(b"%PDF-")
    chapter7 = (site / pages[book.files.index("study/07-toimialaprofiilit.qmd")]).read_text(encoding="utf-8")
    for sid in load_sectors(REPO / "data" / "sectors.yaml"):
        assert f'href="#sec-{sid}"' in chapter7, f"chapter 7's menu has no link to {sid}"


def _check_no_notebook_previews(site: Path) -> None:
    """No page of the website links to a notebook or its HTML preview (code, injected parameters,
    English: developer material), and no such preview is published (_quarto.yml turns Quarto's
    ``notebook-links`` and ``notebook-view`` off)."""
    previews = sorted(str(p.relative_to(site)) for p in site.rglob("*.ipynb*"))
    assert not previews, f"notebook previews published on the website: {previews[:5]}"
    for page in sorted(site.rglob("*.html")):
        links = re.findall(r'href="([^"]*\.ipynb[^"]*)"', page.read_text(encoding="utf-8"))
        assert not links, f"{page.relative_to(site)} links to notebooks: {links[:3]}"


def _missing() -> list[str]:
    specs = load_notebooks(REPO / "notebooks" / "notebooks.yaml")
    missing = [s.path.name for s in specs if not s.path.is_file()]
    book = publish.load_book(REPO)
    # Files under study/_generated/ are written by the render itself.
    missing += [f for f in book.files if not f.startswith("study/_generated/") and not (REPO / f).is_file()]
    return missing


def _punos(*args: str, outputs: str = "outputs", **extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PUNOS_SNAPSHOT=str(BUILD / "snapshot"), PUNOS_OUTPUTS=str(BUILD / outputs),
               PUNOS_PROJECT_DIR=str(REPO), PUNOS_OFFLINE="1", **extra)
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
    _punos("bundle")
    _punos("demo")
    _punos("run", "--workers", "2", "--no-progress")
    report = _punos("render", "--engine", "builtin")
    assert report.stdout.startswith("rendered with pandoc+typst"), report.stdout
    outputs = BUILD / "outputs"
    site = outputs / "site"
    book = publish.load_book(REPO)

    # Website: one page per chapter with the sidebar listing them all; the demo banner only on the
    # pages that show example data (chapter 2 and the introduction's table rest on real data).
    pages = sorted(site.glob("*.html"))
    assert len(pages) == len(book.files), report.stdout
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Johdanto ja menetelmät" in index and book.title in index
    banner = '<div class="demo-banner"'
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.count('<li') >= len(book.files)
        assert "<h1" in text
    population = (site / "02-vaesto.html").read_text(encoding="utf-8")
    assert banner not in population and banner not in index
    assert banner in (site / "03-elinkeinorakenne.html").read_text(encoding="utf-8")  # 115h/115i: example
    # The introduction lists what is real (with periods) and what is example data.
    assert "Tilastotietoon perustuvat aineistot" in index and "1972–2025 (2025 ennakkotieto)" in index
    assert "Esimerkkiaineistoon perustuvat aineistot" in index
    # Chapter 2's tables carry the real values (cross-checks of data/real/PROVENANCE.md's sources).
    tables = outputs / "tables" / "overview"
    assert "KU491,Mikkeli,54519,51980," in (tables / "tbl-vaesto-muutos.csv").read_text(encoding="utf-8")
    assert "MK10,Etelä-Savo,144393,130451," in (tables / "tbl-vaesto-muutos.csv").read_text(encoding="utf-8")
    assert "2024,15–64,70377," in (tables / "fig-vaestoennuste.csv").read_text(encoding="utf-8")
    # Real boundaries: a choropleth with grey neighbours, not the tile grid.
    kartta = (outputs / "figures" / "overview" / "fig-vaesto-muutos-kartta.svg").read_text(encoding="utf-8")
    assert "Naapurikunnat" in kartta and "Ruutukartta" not in kartta and "Tilastotieto, 2012–2022" in kartta
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
    _check_readers_first(site, [page_name(f) for f in book.files], book)
    _check_no_notebook_previews(site)

    # PDF with all chapters in its outline.
    pdf = (outputs / f"{book.output_file}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    outline = " | ".join(_outline(pdf))
    assert "Johdanto ja menetelmät" in outline and "Menetelmät ja toistettavuus" in outline
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
    _check_banners(book, site, outputs / f"{book.output_file}.pdf", outputs, [page_name(f) for f in book.files])

    # Second build from the same snapshot, the slow way (no parsed-frame cache, a new kernel for
    # every notebook): byte-identical tables, figures and site, so neither speed-up changes a result.
    first = {name: _digests(outputs / name) for name in ("tables", "figures", "site")}
    assert first["tables"], "the notebooks saved no tables under outputs/tables"
    _punos("run", "--workers", "2", "--no-progress", "--force", PUNOS_CACHE="0", PUNOS_FRESH_KERNELS="1")
    _punos("render", "--engine", "builtin")
    second = {name: _digests(outputs / name) for name in ("tables", "figures", "site")}
    for name in first:
        changed = sorted(k for k in set(first[name]) | set(second[name])
                         if first[name].get(k) != second[name].get(k))
        assert not changed, f"outputs/{name} differ between two builds: {changed[:10]}"
    # The executed notebooks stay for `pytest --nbval-lax build/test-study/outputs/notebooks`.
    assert sorted((outputs / "notebooks").glob("*.ipynb"))


def _check_banners(book: publish.Book, site: Path, pdf: Path, outputs: Path, pages: list[str]) -> None:
    """The demo banner on exactly the pages, and under the headings of exactly the PDF chapters,
    that embed an output showing example data (read from the executed notebooks alone)."""
    expected = {rel: shows_example_data(REPO / rel, outputs) for rel in book.files}
    assert any(expected.values()) and not all(expected.values()), expected  # both kinds are tested
    assert expected["study/02-vaesto.qmd"] is False and expected["study/06-koulutustarjonta.qmd"] is True
    # The source catalogue lists the example datasets (its table of the study's own datasets is
    # shown with about_sources=True) but shows no example statistics: no banner; the rows say it.
    assert expected["study/08-tietolahteet.qmd"] is False
    import csv

    datasets = csv.DictReader((outputs / "tables" / "sources" / "tbl-omat-aineistot.csv")
                              .read_text(encoding="utf-8").splitlines())
    assert {"Esimerkkiaineisto", "Tilastotieto"} <= {row["Tila"] for row in datasets}
    for rel, page in zip(book.files, pages):
        shown = read_page(site / page, site).banner
        assert shown == expected[rel], (f"{page}: the demo banner is " + ("on a page showing no example data"
                                         if shown else "missing from a page showing example data"))
    titles = {rel: parse_chapter(book, rel, outputs, rel in book.appendices).title for rel in book.files}
    in_pdf = pdf_chapter_banners(pdf, list(titles.values()))
    for rel, title in titles.items():
        assert in_pdf[title] == expected[rel], (f"{pdf.name}: chapter {title!r} " + (
            "starts with the demo banner but shows no example data" if in_pdf[title]
            else "shows example data but does not start with the demo banner"))


def test_the_same_study_for_another_region() -> None:
    """`punos run --region MK07` builds the study for Päijät-Häme from the same snapshot."""
    missing = _missing()
    if missing:
        pytest.skip(f"the study is not complete yet; missing: {', '.join(missing)}")
    if not (BUILD / "snapshot" / "manifest.json").is_file():
        BUILD.mkdir(parents=True, exist_ok=True)
        _punos("bundle")
        _punos("demo")
    _punos("run", "--region", "MK07", "--workers", "2", "--no-progress", outputs="outputs-mk07")
    report = _punos("render", "--engine", "builtin", outputs="outputs-mk07")
    site = BUILD / "outputs-mk07" / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Päijät-Häme" in index
    population = (site / "02-vaesto.html").read_text(encoding="utf-8")
    assert "Päijät-Häme" in population and "Lahti" in population
    # The shipped forum records are Etelä-Savo's: Päijät-Häme's forum chapter and sector cards say it has none.
    forum_page = (site / "10-foorumit.html").read_text(encoding="utf-8")
    assert "Päijät-Hämeen foorumipilotteja ei ole vielä kirjattu selvitykseen." in forum_page
    assert "Esimerkki: sosiaali- ja terveysalan kohtaantofoorumi" not in forum_page
    cards = (site / "07-toimialaprofiilit.html").read_text(encoding="utf-8")
    assert "Kohtaantofoorumi: ei kirjattu." in cards and "Toimialafoorumi 15.3.2023" not in cards
    # The shipped actor registry is Etelä-Savo's and national: Päijät-Häme's actor chapter shows none
    # of it (no network, map or tables) and says so; its sector cards count no actors.
    from punos_lib.registry import actors

    registry, _ = actors.load_registry()
    actor_page = (site / "09-toimijaverkosto.html").read_text(encoding="utf-8")
    assert "Päijät-Hämeen toimijoita ei ole vielä kirjattu toimijarekisteriin." in actor_page
    # Each chapter says once, at its top, that its tables are empty and its explanations tell what
    # they will show.
    for page in (actor_page, forum_page):
        assert page.count("joten luvun taulukot ja kuviot ovat vielä tyhjiä") == 1
    shown = [name for name in registry["name_fi"] if name in actor_page]
    assert not shown, f"Päijät-Häme's actor chapter shows Etelä-Savo's or unlinked national actors: {shown}"
    assert "<img" not in actor_page and "<table" not in actor_page
    assert "Toimijarekisterissä" not in cards and "Toimijarekisteriin ei ole kirjattu alan toimijoita" in cards
    # The catalogue's regional entries are Etelä-Savo's: Päijät-Häme's source chapter (its table, figure,
    # counts, gaps and their downloads) lists the national and general sources only.
    from punos_lib.registry import catalogue

    listed = catalogue.load_catalogue()
    regional = listed.loc[listed["region"].notna(), "name_fi"].tolist()
    assert regional, "the shipped catalogue has no regional entries to leave out"
    source_page = read_page(site / "08-tietolahteet.html", site)
    csvs = [d for d in source_page.downloads if d.endswith(".csv")]
    assert csvs, "the source chapter offers no CSV downloads"
    texts = {"page": source_page.text, **{d: (site / d).read_text(encoding="utf-8") for d in csvs}}
    named = sorted({(where, n) for where, text in texts.items() for n in regional if n in text})
    assert not named, f"Päijät-Häme's source chapter names Etelä-Savo's regional sources: {named}"
    assert "Etelä-Sav" not in source_page.text
    national = listed.loc[listed["region"].isna(), "name_fi"].tolist()
    assert all(n in source_page.text for n in national), "a national source is missing from Päijät-Häme's"
    pdfs = sorted((BUILD / "outputs-mk07").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["osaamistarpeiden-ennakointi-paijat-hame.pdf"], report.stdout


def _quarto() -> str:
    """Real Quarto: QUARTO_PATH, else the offline one from ../shared/tools/quarto set up in build/quarto."""
    if os.environ.get("QUARTO_PATH"):
        return os.environ["QUARTO_PATH"]
    if not (QUARTO_KIT / "setup.sh").is_file():
        pytest.skip(f"no Quarto to test with: {QUARTO_KIT} is absent (developers and CI have ../shared "
                    "beside the project) and QUARTO_PATH is not set")
    # `make test` has done this already; setup.sh skips finished steps (about a second).
    proc = subprocess.run(["bash", str(QUARTO_KIT / "setup.sh"), str(REPO / "build" / "quarto")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"setting up Quarto failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return str(REPO / "build" / "quarto" / "bin" / "quarto")


def _same_notebooks(source: Path, target: Path) -> None:
    """``target`` gets the executed notebooks and their data from ``source`` (not its site or PDF)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("notebooks", "tables", "figures"):
        shutil.copytree(source / name, target / name)
    shutil.copy(source / "run.json", target / "run.json")


def test_quarto_renders_the_same_study() -> None:
    """Real Quarto renders the executed notebooks of the first test: the same study as the built-in renderer."""
    missing = _missing()
    if missing:
        pytest.skip(f"the study is not complete yet; missing: {', '.join(missing)}")
    exe = _quarto()
    book = publish.load_book(REPO)
    builtin_out = BUILD / "outputs"
    if not (builtin_out / "site" / "index.html").is_file():
        BUILD.mkdir(parents=True, exist_ok=True)
        if not (BUILD / "snapshot" / "manifest.json").is_file():
            _punos("demo")
        _punos("run", "--workers", "2", "--no-progress")
        _punos("render", "--engine", "builtin")
    quarto_out = BUILD / "outputs-quarto"
    _same_notebooks(builtin_out, quarto_out)
    root_before = sorted(p.name for p in REPO.iterdir())
    start = time.monotonic()
    report = _punos("render", "--engine", "quarto", outputs="outputs-quarto", QUARTO_PATH=exe)
    seconds = time.monotonic() - start
    print(f"quarto render (website and PDF): {seconds:.0f} s")
    (BUILD / "quarto-render-seconds.txt").write_text(f"{seconds:.1f}\n", encoding="utf-8")

    # Truthful report: the engine, every page where Quarto wrote it, the PDF.
    site = quarto_out / "site"
    lines = report.stdout.splitlines()
    assert lines[0] == f"rendered with quarto ({exe})", report.stdout
    assert f"website: {site / 'index.html'} ({len(book.files)} pages)" in lines, report.stdout
    pages = expected_pages(book)
    for page in pages:
        assert (site / page).is_file(), f"{page} missing from the Quarto website"
        # No page says where it was built (Quarto names the staged notebooks by absolute path).
        assert str(quarto_out) not in (site / page).read_text(encoding="utf-8"), f"{page} names the build folder"
    pdf_path = quarto_out / f"{book.output_file}.pdf"
    assert book.output_file == "osaamistarpeiden-ennakointi-etela-savo"
    assert f"PDF: {pdf_path}" in lines, report.stdout
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) > len(book.files)
    outline = " | ".join(_outline(pdf))
    # No generated file is left beside _quarto.yml, and the staging folder is gone.
    assert sorted(p.name for p in REPO.iterdir()) == root_before
    assert not (quarto_out / ".publish" / "quarto").exists()

    # The same study: chapters, numbered figures and tables with their captions, cross-references,
    # downloads (the same bytes), the banner on the same pages; read from the HTML of both websites.
    ours = read_site(builtin_out / "site", [page_name(f) for f in book.files])
    theirs = read_site(site, pages)
    assert len(ours) == len(theirs) == len(book.files)
    total = {"Kuvio": 0, "Taulukko": 0, "references": 0, "downloads": 0}
    for rel, a, b in zip(book.files, ours, theirs):
        if rel == "index.qmd":
            # Quarto heads the front page with the book's title; the chapter's title is in its text.
            assert book.title == b.title and "Johdanto ja menetelmät" in b.text
        else:
            # Quarto writes appendix titles as "Liite A — …".
            assert re.sub(r"^Liite [A-Z] — ", "", b.title) == a.title, rel
            assert a.title in outline, f"{a.title!r} missing from the Quarto PDF's outline"
        assert a.floats == b.floats, f"{rel}: figures and tables differ"
        assert a.references == b.references, f"{rel}: cross-references differ"
        assert a.downloads == b.downloads, f"{rel}: downloads differ"
        for path in b.downloads:
            assert (site / path).read_bytes() == (builtin_out / "site" / path).read_bytes(), path
        # Both engines put the banner on the same pages: those showing example data.
        assert a.banner == b.banner, f"{rel}: the demo banner differs between the engines"
        for kind, _, _ in b.floats:
            total[kind] += 1
        total["references"] += len(b.references)
        total["downloads"] += len(b.downloads)
    assert all(total.values()), total
    _check_banners(book, site, pdf_path, quarto_out, pages)
    _check_no_notebook_previews(site)
    # No table cell of either PDF breaks a word ("Saa-ta-vuus"): each PDF's text holds every short
    # word of the embedded tables as often as the tables do.
    chapters = [REPO / rel for rel in book.files]
    for pdf_file in (builtin_out / f"{book.output_file}.pdf", pdf_path):
        broken = broken_table_words(chapters, quarto_out, pdf_file)
        assert not broken, f"{pdf_file.name}: words broken in table cells: {broken[:20]}"
    # The provenance appendix lists every snapshot entry (in its table and its CSV), and the rest.
    _check_readers_first(site, pages, book)
    assert "Etelä-Savo" in theirs[0].text


def test_quarto_titles_the_study_for_its_region() -> None:
    """The Päijät-Häme build of the second test, rendered by Quarto, is named for Päijät-Häme."""
    missing = _missing()
    if missing:
        pytest.skip(f"the study is not complete yet; missing: {', '.join(missing)}")
    exe = _quarto()
    source = BUILD / "outputs-mk07"
    if not (source / "run.json").is_file():
        pytest.skip("the Päijät-Häme build of test_the_same_study_for_another_region is not there")
    _same_notebooks(source, BUILD / "outputs-mk07-quarto")
    report = _punos("render", "--engine", "quarto", "--format", "pdf", outputs="outputs-mk07-quarto",
                    QUARTO_PATH=exe)
    pdfs = sorted((BUILD / "outputs-mk07-quarto").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["osaamistarpeiden-ennakointi-paijat-hame.pdf"], report.stdout

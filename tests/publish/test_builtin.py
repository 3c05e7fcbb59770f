"""Rendering the study with the built-in renderer (pandoc + Typst) from fixture chapters and executed notebooks.

The fixture book (tests/fixtures/publish) has three chapters and an appendix; its executed notebook
``demo.ipynb`` shows a bar chart (fig-asukkaat, with CSV/XLSX data), a pandas table (tbl-asukkaat)
and printed text; ``broken.ipynb`` failed in its run (run.json). The PDF is checked through its
bytes (page objects, the outline titles in UTF-16) and the Typst source written beside it; pypdf is
not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from punos_lib import publish
from punos_lib.errors import PublishError
from punos_lib.publish.book import slug

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "publish"


def _render(project: Path, **kw) -> publish.RenderReport:
    return publish.render(project_dir=project, outputs_dir=project / "outputs", quarto=False, **kw)


def _pdf_outline(pdf: bytes) -> list[str]:
    """Bookmark titles of a PDF (hex UTF-16BE or literal strings)."""
    titles = []
    for m in re.finditer(rb"/Title\s*(<[0-9A-Fa-f]+>|\((?:[^()\\]|\\.)*\))", pdf):
        raw = m.group(1)
        if raw.startswith(b"<"):
            titles.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16"))
        else:
            titles.append(raw[1:-1].decode("latin-1"))
    return titles


def test_site_pages_navigation_figures_downloads_banner(project: Path) -> None:
    report = _render(project, formats=["html"])
    site = project / "outputs" / "site"
    assert report.site_index == site / "index.html"
    assert [p.name for p in report.pages] == ["index.html", "02-luku.html", "03-rikki.html", "liite-aineistot.html"]
    pages = {p.name: p.read_text(encoding="utf-8") for p in report.pages}
    for name, text in pages.items():
        # The banner only where example data is shown (the snapshot is synthetic and 02-luku embeds
        # outputs that do not say otherwise; the others show no figure or table); every page has
        # the sidebar with all four chapters and local CSS only.
        banner = '<div class="demo-banner" role="alert">Esimerkkiaineisto – ei todellisia tilastoja</div>'
        assert (banner in text) == (name == "02-luku.html"), name
        for target, title in [("index.html", "Johdanto ja menetelmät"), ("02-luku.html", "Väestö ja kunnat"),
                              ("03-rikki.html", "Epäonnistunut osa"), ("liite-aineistot.html", "Aineistot")]:
            assert f'<a href="{target}"' in text and title in text
        assert '<link rel="stylesheet" href="style.css">' in text
        assert "http://" not in text.replace("http://www.w3.org", "") and "<script" not in text
    assert (site / "style.css").is_file()
    chapter = pages["02-luku.html"]
    # Previous/next links.
    assert '<a class="prev" href="index.html">← Johdanto ja menetelmät</a>' in chapter
    assert '<a class="next" href="03-rikki.html">Epäonnistunut osa →</a>' in chapter
    assert '<a class="prev"' not in pages["index.html"] and '<a class="next"' not in pages["liite-aineistot.html"]
    # The figure: an image file, numbered caption, download links to copied data files.
    assert ('<figure id="fig-asukkaat"><img src="figures/demo-fig-asukkaat.png" alt="Asukkaat kunnittain 2022">'
            '<figcaption><span class="fig-number">Kuvio 2.1. </span>Asukkaat kunnittain 2022</figcaption>') in chapter
    png = (site / "figures" / "demo-fig-asukkaat.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert '<a href="tables/demo/fig-asukkaat.csv">CSV</a> · <a href="tables/demo/fig-asukkaat.xlsx">XLSX</a>' in chapter
    assert (site / "tables" / "demo" / "fig-asukkaat.csv").read_text(encoding="utf-8").splitlines() == [
        "kunta,asukkaat", "Mikkeli,51980", "Savonlinna,32085"]
    assert (site / "tables" / "demo" / "fig-asukkaat.xlsx").read_bytes()[:2] == b"PK"
    # The table and the callout with its own title; the reference became a numbered link.
    assert '<span class="fig-number">Taulukko 2.1. </span>Asukkaat taulukkona' in chapter
    assert "<td>Savonlinna</td>" in chapter and "<style" not in chapter
    assert '<div class="callout callout-warning"><p class="callout-title">Tulkinnan rajat</p>' in chapter
    assert 'kuviossa <a href="02-luku.html#fig-asukkaat">Kuvio 2.1</a> ja taulukossa ' \
           '<a href="02-luku.html#tbl-asukkaat">Taulukko 2.1</a>' in pages["index.html"]
    assert '<p class="callout-title">Huomautus</p>' in pages["index.html"]
    # The failed notebook is a visible placeholder, not an error.
    assert ('<div class="missing" id="fig-rikki">Osa puuttuu: muistion broken.ipynb ajo epäonnistui</div>'
            in pages["03-rikki.html"])
    # The provenance appendix lists the snapshot entry.
    appendix = pages["liite-aineistot.html"]
    # The id may break after "/" (a zero-width space) to fit its column.
    row = re.search(r"<tr[^>]*>\s*<td[^>]*>population/\u200bdata-1</td>(.*?)</tr>", appendix, re.S)
    assert row, "the appendix table has no row for the entry"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells == ["population (vaerak/11re)", "Tilastokeskus", "–", "1.4.2025", "Esimerkkiaineisto"]
    assert "0123456789ab" not in appendix  # the checksum is for the technical appendix and the CSV
    assert '<a href="aineistot-tiedot.csv" download>' in appendix
    records = (site / "aineistot-tiedot.csv").read_text(encoding="utf-8").splitlines()
    assert len(records) == 2 and records[0].startswith("Tunnus,Aineisto,Tuottaja,Taulukko,Ajanjakso,Tieto,Osoite")
    assert records[1].startswith("population/data-1,population,Tilastokeskus,vaerak/11re,,Esimerkkiaineisto,"
                                 "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/vaerak/11re.px,")
    assert "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" in records[1]
    # No PDF was made or exists, so no page links one.
    assert not any("testiselvitys.pdf" in text for text in pages.values())
    assert stat.S_IMODE(os.stat(site / "index.html").st_mode) == 0o644
    assert any("tbl-asukkaat" in w for w in report.warnings)  # the table has no data file to link


def test_pdf_has_title_page_outline_and_numbered_figures(project: Path) -> None:
    report = _render(project, formats=["pdf"])
    assert report.pdf == project / "outputs" / "testiselvitys.pdf"
    pdf = report.pdf.read_bytes()
    assert pdf.startswith(b"%PDF-")
    # Title page + outline + chapters (each starting on a new page) + appendix.
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 5
    outline = _pdf_outline(pdf)
    for title in ["1 Johdanto ja menetelmät", "2 Väestö ja kunnat", "3 Epäonnistunut osa", "A Aineistot"]:
        assert title in outline
    assert b"/CreationDate" not in pdf
    source = (project / "outputs" / ".publish" / "pdf" / "testiselvitys.typ").read_text(encoding="utf-8")
    # The cover: the title never hyphenated, then publisher, date, version and the data's vintage.
    assert 'text(size: 24pt, weight: "bold", hyphenate: false, "Testiselvitys")' in source
    cover = re.search(r'\(\("Julkaisija: ([^"]+)", "Päivätty: (\d{1,2}\.\d{1,2}\.\d{4})", "Versio: ([^"]+)", '
                      r'"Tilastojen viimeisin ajankohta: [^"]+"', source)
    assert cover, "the cover has no publisher, date, version and vintage"
    assert '#let banner-text = "Esimerkkiaineisto – ei todellisia tilastoja"' in source
    # The banner opens only the chapter showing example data; the title page names that chapter.
    assert '#let example-parts = "Väestö ja kunnat"' in source
    assert source.count("\n#demo-banner()\n") == 1
    assert re.search(r"\n= Väestö ja kunnat\n(<[^>\n]*>\n)?#demo-banner\(\)\n", source), source[:3000]
    assert "header: align(right" in source  # no banner in the running header of every page
    assert "#link(<fig-asukkaat>)[Kuvio 2.1]" in source
    assert 'supplement: [Kuvio], numbering: (..n) => "2.1", caption: "Asukkaat kunnittain 2022") <fig-asukkaat>' in source
    assert ('table.header(text(weight: "bold", ""), text(weight: "bold", "kunta"), '
            'text(weight: "bold", "asukkaat")),') in source
    # Number columns right-aligned, names left; a short table kept on one page with its caption.
    assert "align: (right, left, right,)" in source
    assert re.search(r"#figure\(\[\n#block\(breakable: false\)\[\n#set table.cell\(breakable: false\)\n"
                     r"#align\(center, block\(width: [\d.]+pt\)\[\n#set align\(left\)\n"
                     r"#text\(size: 8.5pt, table\(columns: \(", source)
    assert 'text("1"), text("Savonlinna"), text("32085"))' in source
    assert '#missing-part("Osa puuttuu: muistion broken.ipynb ajo epäonnistui")' in source
    assert "population/\u200bdata-1" in source
    # Rendered again with the website: every page links the PDF, which the site carries.
    report = _render(project)
    site = project / "outputs" / "site"
    for page in report.pages:
        assert '<a href="testiselvitys.pdf">' in page.read_text(encoding="utf-8"), page.name
    assert (site / "testiselvitys.pdf").read_bytes() == report.pdf.read_bytes()


def test_two_renders_are_byte_identical(project: Path, tmp_path: Path) -> None:
    def snapshot_of(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    _render(project)
    first = snapshot_of(project / "outputs" / "site")
    first_pdf = (project / "outputs" / "testiselvitys.pdf").read_bytes()
    _render(project)
    assert snapshot_of(project / "outputs" / "site") == first
    assert sorted(first) == ["02-luku.html", "03-rikki.html", "aineistot-tiedot.csv", "figures/demo-fig-asukkaat.png",
                             "index.html", "liite-aineistot.html", "style.css", "tables/demo/fig-asukkaat.csv",
                             "tables/demo/fig-asukkaat.xlsx", "testiselvitys.pdf"]
    assert (project / "outputs" / "testiselvitys.pdf").read_bytes() == first_pdf


@pytest.mark.parametrize(
    ("chapter_text", "line", "message"),
    [
        ("# Otsikko\n\nTeksti.\n\n{{< video https://example.org/v.mp4 >}}\n", 5, "unsupported shortcode"),
        ("# Otsikko\n\n::: {.callout-danger}\nx\n:::\n", 3, "unknown callout type 'callout-danger'"),
        ("# Otsikko\n\nKatso @fig-puuttuu.\n", 3, "cross-reference @fig-puuttuu"),
        ("# Otsikko\n\nKatso @sec-luku.\n", 3, "only @fig- and @tbl- references"),
        ("# Otsikko\n\n{{< embed ../outputs/notebooks/demo.ipynb#fig-eiole >}}\n", 3,
         "no cell with '#| label: fig-eiole'"),
        ("# Otsikko\n\n{{< embed ../outputs/notebooks/eiole.ipynb#fig-x >}}\n", 3, "run `punos run` first"),
        ("# Otsikko\n\nTeksti {{< embed ../outputs/notebooks/demo.ipynb#teksti >}}\n", 3, "on its own line"),
    ],
)
def test_unsupported_quarto_names_file_and_line(project: Path, chapter_text: str, line: int, message: str) -> None:
    path = project / "study" / "03-rikki.qmd"
    path.write_text(chapter_text, encoding="utf-8")
    with pytest.raises(PublishError) as info:
        _render(project, formats=["html"])
    text = str(info.value)
    assert text.startswith(f"{path}, line {line}: ")
    assert message in text


def test_missing_inputs_give_clear_errors(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PublishError, match="unknown output format"):
        _render(project, formats=["docx"])
    shutil.rmtree(project / "outputs" / "notebooks")
    with pytest.raises(PublishError, match=r"no executed notebooks in .*; run `punos run` first"):
        _render(project)
    (project / "outputs" / "notebooks").mkdir()
    shutil.copy(FIXTURE / "executed" / "notebooks" / "demo.ipynb", project / "outputs" / "notebooks")
    monkeypatch.setenv("PUNOS_SNAPSHOT", str(project / "nowhere"))
    with pytest.raises(PublishError, match="no snapshot manifest"):
        _render(project)


def test_the_study_book_description() -> None:
    book = publish.load_book(REPO)
    assert book.title == "Osaamistarpeiden ennakoinnin lähtötilaselvitys"
    assert (book.subtitle, book.author, book.lang) == ("Etelä-Savo", "Punos-hanke", "fi")
    assert book.chapters[0] == "index.qmd" and book.chapters[-1] == "study/11-tietoaukot.qmd"
    assert [c.split("/")[-1][:2] for c in book.chapters[1:]] == [f"{n:02d}" for n in range(1, 12)]
    assert book.appendices == ("study/_generated/liite-aineistot.qmd", "study/liite-menetelmat.qmd")
    assert book.output_file == "osaamistarpeiden-ennakointi-etela-savo"
    assert slug("Väestö ja työ – Etelä-Savo") == "vaesto-ja-tyo-etela-savo"


def test_sector_notebooks_may_share_labels(project: Path) -> None:
    # A sector chapter embeds the same label from each sector's executed notebook.
    nbs = project / "outputs" / "notebooks"
    shutil.copy(nbs / "demo.ipynb", nbs / "demo-metsa.ipynb")
    (project / "index.qmd").write_text("# Johdanto\n\nEi viittauksia.\n", encoding="utf-8")
    luku = project / "study" / "02-luku.qmd"
    luku.write_text(luku.read_text(encoding="utf-8").replace("kuviossa @fig-asukkaat", "kuviossa"), encoding="utf-8")
    (project / "study" / "03-rikki.qmd").write_text(
        "# Toimialat\n\n{{< embed ../outputs/notebooks/demo-metsa.ipynb#fig-asukkaat >}}\n", encoding="utf-8")
    report = _render(project, formats=["html", "pdf"])
    pages = {p.name: p.read_text(encoding="utf-8") for p in report.pages}
    assert '<figure id="fig-asukkaat-demo"><img src="figures/demo-fig-asukkaat.png"' in pages["02-luku.html"]
    assert ('<figure id="fig-asukkaat-demo-metsa"><img src="figures/demo-metsa-fig-asukkaat.png"'
            in pages["03-rikki.html"])
    assert "Kuvio 3.1. </span>Asukkaat kunnittain 2022" in pages["03-rikki.html"]
    # Now a plain @fig-asukkaat cannot say which one is meant.
    (project / "index.qmd").write_text("# Johdanto\n\nKatso @fig-asukkaat.\n", encoding="utf-8")
    with pytest.raises(PublishError, match=r"index.qmd, line 3: cross-reference @fig-asukkaat is ambiguous"):
        _render(project, formats=["html"])


def test_included_embeds_resolve_from_the_chapter_and_sector_text_is_generated(project: Path) -> None:
    luku = project / "study" / "02-luku.qmd"
    luku.write_text(luku.read_text(encoding="utf-8").replace(
        "{{< embed ../outputs/notebooks/demo.ipynb#teksti >}}", ""), encoding="utf-8")
    # Generated parts live one folder deeper but are spliced into the chapter, as in Quarto.
    (project / "study" / "_generated").mkdir()
    (project / "study" / "_generated" / "osa.qmd").write_text(
        "Lisäosa.\n\n{{< embed ../outputs/notebooks/demo.ipynb#teksti >}}\n", encoding="utf-8")
    (project / "study" / "03-rikki.qmd").write_text(
        "# Osat\n\n{{< include _generated/osa.qmd >}}\n", encoding="utf-8")
    (project / "data").mkdir()
    shutil.copy(REPO / "data" / "sectors.yaml", project / "data" / "sectors.yaml")
    report = _render(project, formats=["html"])
    page = (project / "outputs" / "site" / "03-rikki.html").read_text(encoding="utf-8")
    assert "<p>Lisäosa.</p>" in page and "<pre>Vapaa tulos 7\n</pre>" in page
    assert report.site_index is not None
    sectors = (project / "study" / "_generated" / "sectors.qmd").read_text(encoding="utf-8")
    from punos_lib.reference.sectors import load_sectors

    for sid in load_sectors(project / "data" / "sectors.yaml"):
        assert f"{{{{< embed ../outputs/notebooks/sector_profile-{sid}.ipynb#tbl-sektori-kortti >}}}}" in sectors


def test_code_blocks_are_left_alone(project: Path) -> None:
    (project / "study" / "03-rikki.qmd").write_text(
        "```markdown\n# Ei otsikko\n{{< video x >}} ja @fig-eiole\n```\n\n# Oikea otsikko\n", encoding="utf-8")
    report = _render(project, formats=["html"])
    page = (project / "outputs" / "site" / "03-rikki.html").read_text(encoding="utf-8")
    assert "{{&lt; video x &gt;}} ja @fig-eiole" in page
    assert "<title>Oikea otsikko – Testiselvitys</title>" in page
    assert report.pages[2].name == "03-rikki.html"


def test_markdown_outputs(project: Path) -> None:
    import json

    nb_path = project / "outputs" / "notebooks" / "demo.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for label, text in [("txt-kuvaus", "Verkosto on **tiivis**."),
                        ("tbl-md", "| kunta | n |\n|---|---|\n| Juva | 6042 |\n")]:
        nb["cells"].append({"cell_type": "code", "execution_count": 9, "id": label, "metadata": {},
                            "source": f"#| label: {label}\n#| tbl-cap: Pieni\nshow()",
                            "outputs": [{"output_type": "display_data", "metadata": {},
                                         "data": {"text/markdown": text, "text/plain": "<md>"}}]})
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    (project / "study" / "03-rikki.qmd").write_text(
        "# Teksti\n\n{{< embed ../outputs/notebooks/demo.ipynb#txt-kuvaus >}}\n\n"
        "{{< embed ../outputs/notebooks/demo.ipynb#tbl-md >}}\n", encoding="utf-8")
    report = _render(project)
    page = (project / "outputs" / "site" / "03-rikki.html").read_text(encoding="utf-8")
    assert "<p>Verkosto on <strong>tiivis</strong>.</p>" in page
    assert "Taulukko 3.1. </span>Pieni" in page and "<td>Juva</td>" in page
    source = (project / "outputs" / ".publish" / "pdf" / "testiselvitys.typ").read_text(encoding="utf-8")
    assert "Verkosto on #strong[tiivis]." in source
    assert re.search(r'#figure\(\[\n.*\[Juva\], \[6042\].*\n\], kind: table, supplement: \[Taulukko\], '
                     r'numbering: \(\.\.n\) => "3.1", caption: "Pieni"\) <tbl-md>', source, re.S)
    assert report.pdf is not None and report.pdf.read_bytes().startswith(b"%PDF-")


def test_real_data_has_no_demo_marks_and_project_defaults(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUNOS_SNAPSHOT")
    monkeypatch.delenv("PUNOS_OUTPUTS", raising=False)
    manifest = (project / "snapshot" / "manifest.json").read_text(encoding="utf-8")
    (project / "data" / "snapshot").mkdir(parents=True)
    (project / "data" / "snapshot" / "manifest.json").write_text(
        manifest.replace('"synthetic": true', '"synthetic": false'), encoding="utf-8")
    report = publish.render(project_dir=project, quarto=False)  # outputs and snapshot of that project
    assert report.site_index == project / "outputs" / "site" / "index.html"
    for page in report.pages:
        text = page.read_text(encoding="utf-8")
        assert "demo-banner" not in text and "Esimerkkiaineisto" not in text
    appendix = (project / "outputs" / "site" / "liite-aineistot.html").read_text(encoding="utf-8")
    assert re.search(r"<td[^>]*>Tilastotieto</td>", appendix) and "Esimerkkiaineisto" not in appendix
    source = (project / "outputs" / ".publish" / "pdf" / "testiselvitys.typ").read_text(encoding="utf-8")
    assert '#let banner-text = ""' in source


def test_links_between_chapters(project: Path) -> None:
    (project / "study" / "03-rikki.qmd").write_text(
        "# Linkit\n\nKatso [luku 2](02-luku.qmd#väestö-ja-kunnat), [johdanto](../index.qmd) ja "
        "[ulkoinen](https://stat.fi/a.qmd).\n", encoding="utf-8")
    _render(project)
    page = (project / "outputs" / "site" / "03-rikki.html").read_text(encoding="utf-8")
    assert '<a href="02-luku.html#väestö-ja-kunnat">luku 2</a>' in page
    assert '<a href="index.html">johdanto</a>' in page
    assert '<a href="https://stat.fi/a.qmd">ulkoinen</a>' in page
    source = (project / "outputs" / ".publish" / "pdf" / "testiselvitys.typ").read_text(encoding="utf-8")
    assert "Katso luku 2, johdanto ja #link(\"https://stat.fi/a.qmd\")[ulkoinen]." in source


@pytest.mark.parametrize("engine", ["builtin", "quarto"])
def test_a_sentence_in_place_of_a_table_needs_no_data_file(project: Path, engine: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A region with no forum records shows a sentence where the table would be: nothing to
    # download, so no warning (a table without its data file still gets one, above).
    import json

    path = project / "outputs" / "notebooks" / "demo.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "tbl-asukkaat" in "".join(cell["source"]):
            cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                                "data": {"text/markdown": "Alueen kirjauksia ei ole.", "text/plain": "x"}}]
    path.write_text(json.dumps(nb), encoding="utf-8")
    if engine == "quarto":
        from punos_lib.publish import quarto

        warnings: list[str] = []
        book = publish.load_book(project)
        source = project / "study" / "02-luku.qmd"
        quarto._stage_file(book, source, source.parent, project / "staged", project / "outputs",
                           quarto.Notebooks(project / "outputs"), warnings, set(), depth=0)
    else:
        warnings = _render(project, formats=["html"]).warnings
    assert not any("tbl-asukkaat" in w for w in warnings), warnings

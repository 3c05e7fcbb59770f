"""Rendering with Quarto (``quarto render``), when it is installed.

Quarto renders a staged copy of the book in ``outputs/.publish/quarto/project``, never the project
itself, so a render leaves no generated files beside ``_quarto.yml`` (also when it fails), follows
``PUNOS_OUTPUTS`` like the built-in renderer, and renders each format into its own folder (a second
``quarto render`` cleans the output folder it is given, which would wipe the first format). The copy
differs from the chapters only in what the built-in renderer also adds:

- ``_quarto.yml``: the subtitle and output file of the region the notebooks ran for, the study
  tables' stylesheet (``templates/tables.css``), and, in the PDF, a statement after the title
  naming the chapters that show example data;
- the demo banner at the top of each chapter that shows example data (the same chapters as the
  built-in renderer's, :func:`~punos_lib.publish.embeds.shows_example`): a raw HTML block for its
  web page and a raw Typst block for its start in the PDF, right after the front matter;
- after each embed, on the website only, the links to download the data behind it
  (``outputs/tables/<run id>/<label>.csv|.xlsx``, published as ``site/tables/<run id>/…``) and
  the figure's SVG;
- embeds point at staged copies of the executed notebooks (``_punos/notebooks/``) whose figure
  cells carry ``fig-alt`` (the alt text ``ctx.show`` wrote from the data) and whose figures are
  SVG only (vector figures in the PDF), and whose study tables' Markdown (what Quarto's PDF
  reads; its website reads the HTML) is the built-in PDF's Typst table set for Quarto's text
  width (:mod:`punos_lib.publish.typst_tables`), see ``_staged_notebook``;
- the PDF's body opens with the same table rules as the built-in PDF's (long tables break
  across pages with their header, captions stick to their tables);
- an embed of a notebook whose run failed becomes the same "Osa puuttuu" placeholder, or, when
  ``punos run`` kept its previous good run, the same note saying which run is shown.

The website's pages lose the attributes in which Quarto names the staged notebooks by their
absolute paths, and they and the PDF are checked to exist before they replace the previous ones;
Quarto's warnings are passed on to the report.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from punos_lib._atomic import atomic_write_bytes
from punos_lib.errors import PublishError
from punos_lib.publish._common import replace_dir, template, typst_string
from punos_lib.publish.book import DEMO_BANNER, Book
from punos_lib.publish.chapters import Embed, parse_chapter, reroot
from punos_lib.publish.embeds import (DATA_KINDS, DOWNLOAD_TEXT, FIGURE_SVG_TEXT, Notebooks, data_files, notebook_text,
                                      shows_example)
from punos_lib.publish.builtin import publish_pdf_copy
from punos_lib.publish.cover import Cover
from punos_lib.publish.generated import GENERATED_DIR
from punos_lib.publish.provenance import RECORDS_FILE
from punos_lib.publish.report import RenderReport
from punos_lib.publish.typst_tables import QUARTO_TABLE_RULES, QUARTO_TEXT_WIDTH_PT, TableParser, typst_table

__all__ = ["ENGINE", "find_quarto", "render_quarto"]

ENGINE = "quarto"
_BANNER_HTML = (f'<div class="demo-banner" role="alert" style="background:#b00020;color:#fff;padding:.6em;'
                f'text-align:center;font-weight:bold">{DEMO_BANNER}</div>\n')
_BANNER_TYPST = ('#block(fill: rgb("#b00020"), inset: 8pt, width: 100%)[#text(fill: white, weight: "bold")'
                 f'[{DEMO_BANNER}]]\n')
_EXAMPLE_PARTS_TYPST = ('#align(center, text(size: 10pt, fill: rgb("#b00020"), "Esimerkkiaineistoa (ei todellisia '
                        'tilastoja) on luvuissa: {parts}. Näiden lukujen alussa on sama merkintä; muiden lukujen '
                        'kuviot ja taulukot kertovat, mihin aineistoon ne perustuvat."))\n')
#: The provenance appendix's entry ids (no spaces) wrap, as in the built-in stylesheet.
_RECORDS_CSS = ("<style>.records-table td:first-child { overflow-wrap: anywhere; word-break: break-word; "
                "min-width: 8em; }</style>\n")
_EMBED = re.compile(r"^\s*\{\{<\s*embed\s+\"?([^\s\"#]+\.ipynb)#([\w-]+)\"?\s*>\}\}\s*$")
_INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+\"?([^\s\"]+)\"?\s*>\}\}\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def find_quarto(quarto: str | os.PathLike[str] | bool | None) -> str | None:
    """The quarto executable: ``quarto`` itself, else QUARTO_PATH or PATH; None when absent or False."""
    if quarto is False:
        return None
    if quarto not in (None, True):
        return str(quarto)
    return os.environ.get("QUARTO_PATH") or shutil.which("quarto")


def expected_pages(book: Book) -> list[str]:
    """The website pages Quarto writes for ``book``, relative to the site folder, in book order."""
    return [str(Path(rel).with_suffix(".html")) for rel in book.files]


def render_quarto(exe: str, book: Book, formats: Sequence[str], outputs: Path, synthetic: bool,
                  warnings: list[str], cover: Cover | None = None) -> RenderReport:
    """Render ``book`` with Quarto into ``outputs/site/`` and ``outputs/<output-file>.pdf``.

    Raises
    ------
    PublishError
        Quarto failed (its last lines are in the message), or finished without writing a page
        or the PDF it should have.
    """
    report = RenderReport(engine=f"{ENGINE} ({exe})", warnings=warnings)
    work = outputs / ".publish" / "quarto"
    if work.exists():
        shutil.rmtree(work)
    try:
        project = work / "project"
        _stage(book, project, outputs, synthetic, report.warnings, cover)
        if "html" in formats:
            built = work / "html"
            _quarto(exe, project, "html", built, report.warnings)
            pages = expected_pages(book)
            missing = [p for p in pages if not (built / p).is_file()]
            if missing:
                raise PublishError(f"quarto finished but did not write {', '.join(missing)}; the website in "
                                   f"{outputs / 'site'} was left as it was")
            site = outputs / "site"
            _strip_build_paths(built)
            replace_dir(built, site)
            report.pages = [site / p for p in pages]
            report.site_index = site / "index.html"
        if "pdf" in formats:
            built = work / "pdf"
            _quarto(exe, project, "typst", built, report.warnings)
            produced = built / f"{book.output_file}.pdf"
            if not produced.is_file():
                found = ", ".join(p.name for p in built.glob("*.pdf")) or "no PDF"
                raise PublishError(f"quarto finished but did not write {produced.name} (found: {found}); "
                                   "check the typst format and book output-file in _quarto.yml")
            target = outputs / produced.name
            os.replace(produced, target)
            report.pdf = target
        if "html" in formats:
            # The website's download link (book: downloads) points at its own copy of the PDF.
            publish_pdf_copy(outputs / f"{book.output_file}.pdf", outputs / "site")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


#: Attributes Quarto puts on each embedded cell that name the staged notebook by its absolute
#: path (Quarto removes them only when it makes notebook previews, which a book does not).
_NOTEBOOK_ATTRS = re.compile(r' data-notebook(?:-[a-z]+)?="[^"]*"')


def _strip_build_paths(built: Path) -> None:
    """Remove the attributes that name the build folder from the website's pages.

    A published page should not show where it was built (``/home/…/outputs/.publish/…``), and two
    builds of the same study in two folders should give the same pages.
    """
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        cleaned = _NOTEBOOK_ATTRS.sub("", text)
        if cleaned != text:
            atomic_write_bytes(page, cleaned.encode("utf-8"))


def _quarto(exe: str, project: Path, to: str, output_dir: Path, warnings: list[str]) -> None:
    cmd = [exe, "render", str(project), "--to", to, "--output-dir", str(output_dir)]
    try:
        proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise PublishError(f"cannot run quarto {exe!r} ({exc}); check QUARTO_PATH or use --engine builtin") from exc
    text = _ANSI.sub("", (proc.stdout or "") + "\n" + (proc.stderr or ""))
    if proc.returncode != 0:
        tail = "\n".join(line for line in text.splitlines() if line.strip())
        tail = "\n".join(tail.splitlines()[-15:])
        raise PublishError(f"`quarto render --to {to}` failed with exit code {proc.returncode}:\n{tail}")
    for line in text.splitlines():
        if line.startswith(("WARN", "WARNING")):
            message = f"quarto ({to}): {line.split(':', 1)[-1].strip()}"
            if message not in warnings:
                warnings.append(message)


def _stage(book: Book, project: Path, outputs: Path, synthetic: bool, warnings: list[str],
           cover: Cover | None = None) -> None:
    """Write the staged copy of ``book`` that Quarto renders (see the module text)."""
    project.mkdir(parents=True)
    records = book.project / GENERATED_DIR / RECORDS_FILE
    if records.is_file():
        atomic_write_bytes(project / GENERATED_DIR / RECORDS_FILE, records.read_bytes())
    nbs = Notebooks(outputs)
    examples: list[str] = []
    for rel in book.files:
        source = book.project / rel
        if not source.is_file():
            raise PublishError(f"{source} is listed in {book.project / '_quarto.yml'} but does not exist; "
                               "write the chapter or remove it from the list")
        _stage_file(book, source, source.parent, project, outputs, nbs, warnings, set(), depth=0)
        chapter = parse_chapter(book, rel, outputs, rel in book.appendices)
        if synthetic and shows_example(chapter, nbs):
            examples.append(chapter.title)
            _add_banner(project / rel)
    config = _config(book, project, examples, cover)
    atomic_write_bytes(project / "_quarto.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
                       .encode("utf-8"))
    # Chapters embed ../outputs/notebooks/…: the link makes that the outputs folder in use.
    (project / "outputs").symlink_to(outputs, target_is_directory=True)


def _add_banner(staged: Path) -> None:
    """Put the demo banner at the top of a staged chapter, right after its front matter."""
    lines = staged.read_text(encoding="utf-8").splitlines()
    at = 0
    if lines and lines[0].strip() == "---":
        at = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    block = ["", "```{=html}", _BANNER_HTML.strip(), "```", "", "```{=typst}", _BANNER_TYPST.strip(), "```", ""]
    lines[at:at] = block
    atomic_write_bytes(staged, ("\n".join(lines) + "\n").encode("utf-8"))


def _config(book: Book, project: Path, examples: Sequence[str], cover: Cover | None = None) -> dict[str, Any]:
    raw = yaml.safe_load((book.project / "_quarto.yml").read_text(encoding="utf-8")) or {}
    raw.pop("publication", None)   # read by punos_lib.publish.cover, not a Quarto option
    raw.setdefault("book", {}).update({"subtitle": book.subtitle, "output-file": book.output_file,
                                       "downloads": ["pdf"]})
    (raw.get("project") or {}).pop("output-dir", None)
    # The study tables' rules (wide tables in smaller type, the sideways scroll box), as on the
    # built-in website.
    atomic_write_bytes(project / "_punos" / "tables.css", template("tables.css").encode("utf-8"))
    formats = raw.setdefault("format", {})
    html_options = formats.get("html") if isinstance(formats.get("html"), dict) else {}
    css = html_options.get("css") or []
    html_options["css"] = [*([css] if isinstance(css, str) else css), "_punos/tables.css"]
    formats["html"] = html_options
    resources = raw.setdefault("project", {}).setdefault("resources", [])
    resources.append(f"{GENERATED_DIR}/{RECORDS_FILE}")
    formats = raw.setdefault("format", {})
    typst = formats.get("typst") if isinstance(formats.get("typst"), dict) else {}
    # The title is not hyphenated (the cover is set before the body, which hyphenates again).
    atomic_write_bytes(project / "_punos" / "title-header.typ", b"#set text(hyphenate: false)\n")
    # The study tables' rules, as in the built-in PDF (see punos_lib.publish.typst_tables).
    body_start = "#set text(hyphenate: auto)\n" + QUARTO_TABLE_RULES
    if cover is not None:
        raw["book"]["date"] = cover.date.isoformat()
        raw["date-format"] = "D.M.YYYY"
        raw["book"]["author"] = cover.publisher
        # Quarto's book cover shows only title, subtitle and author (a format's own subtitle does not
        # replace the book's): the date and version join the subtitle, and the whole publication
        # details open the body.
        raw["book"]["subtitle"] = f"{book.subtitle}\\\nPäivätty {cover.date_fi} · Versio {cover.version}"
        lines = ", ".join(typst_string(line) for line in ["Julkaisutiedot", *cover.details()])
        body_start += (f"#block(width: 100%, inset: (bottom: 8pt), stroke: (bottom: 0.5pt + luma(150)), "
                       f"par(justify: false, text(size: 9pt, ({lines},).join(linebreak()))))\n")
    atomic_write_bytes(project / "_punos" / "body-start.typ", body_start.encode("utf-8"))
    typst["include-in-header"] = ["_punos/title-header.typ"]
    typst["include-before-body"] = ["_punos/body-start.typ"]
    formats["typst"] = typst
    html_options = formats.get("html") if isinstance(formats.get("html"), dict) else {}
    atomic_write_bytes(project / "_punos" / "records-table.html", _RECORDS_CSS.encode("utf-8"))
    header = html_options.get("include-in-header") or []
    html_options["include-in-header"] = [*([header] if isinstance(header, str) else header),
                                         "_punos/records-table.html"]
    formats["html"] = html_options
    # Quarto's sidebar tool that downloads the PDF (book: downloads), in Finnish.
    raw.setdefault("language", {}).setdefault("tools-download", "Lataa")
    if examples:
        # The PDF's opening names the chapters that show example data (each also starts with the banner).
        parts = ", ".join(examples).replace("\\", "\\\\").replace('"', '\\"')  # inside a Typst string
        note = _BANNER_TYPST + _EXAMPLE_PARTS_TYPST.format(parts=parts)
        atomic_write_bytes(project / "_punos" / "example-parts.typ", note.encode("utf-8"))
        options = formats.get("typst")
        options = options if isinstance(options, dict) else {}
        before = options.get("include-before-body") or []
        options["include-before-body"] = ["_punos/example-parts.typ", *([before] if isinstance(before, str) else before)]
        formats["typst"] = options
    return raw


def _staged_notebook(notebook: Path, project: Path, outputs: Path) -> Path:
    """The copy of an executed notebook that the staged chapters embed (written once per render).

    It differs from the notebook in what Quarto reads from the cell, not the output: every figure
    cell gets ``#| fig-alt:`` with the alt text ``ctx.show`` recorded from the data (so the
    website's ``<img alt>`` and the PDF describe the figure instead of repeating the caption), and
    a figure output shown both as PNG and SVG keeps only the SVG, so the PDF has vector figures.
    A study table's Markdown becomes raw Typst (:func:`_typst_markdown`); its HTML is kept for
    the website.
    """
    rel = notebook.relative_to(outputs) if notebook.is_relative_to(outputs) else Path(notebook.name)
    staged = project / "_punos" / rel
    if staged.is_file():
        return staged
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        alt = ""
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            alt = alt or str(((output.get("metadata") or {}).get("punos") or {}).get("alt") or "")
            if "image/svg+xml" in data and "image/png" in data:
                del data["image/png"]
                (output.get("metadata") or {}).pop("image/png", None)
            table_html = notebook_text(data.get("text/html"))
            if "text/markdown" in data and "punos-table" in table_html:
                data["text/markdown"] = _typst_markdown(table_html)
        source = notebook_text(cell.get("source"))
        if alt and source.startswith("#|") and "#| fig-alt:" not in source:
            head, _, rest = source.partition("\n")
            cell["source"] = f"{head}\n#| fig-alt: {json.dumps(alt, ensure_ascii=False)}\n{rest}"
    atomic_write_bytes(staged, json.dumps(nb, ensure_ascii=False).encode("utf-8"))
    return staged


def _typst_markdown(table_html: str) -> str:
    """A study table's Markdown for Quarto's PDF: the table as raw Typst, set like the built-in PDF's.

    Quarto's PDF takes a table output's Markdown (its website takes the HTML). Pandoc sized a
    pipe table's columns from its dashes and Quarto's figure did not break across pages: short
    words broke ("Saa-ta-vuus") and a long table ran over the page foot. The raw Typst has the
    built-in PDF's column widths for Quarto's text width, font size, repeated header, mark and
    source line.
    """
    parser = TableParser()
    parser.feed(table_html)
    table = typst_table(parser, text_width_pt=QUARTO_TEXT_WIDTH_PT)
    return f"```{{=typst}}\n{table.content}\n```\n"


def _stage_file(book: Book, source: Path, base: Path, project: Path, outputs: Path, nbs: Notebooks,
                warnings: list[str], noted: set[str], depth: int) -> None:
    """Copy ``source`` into ``project``, adding download links and placeholders after its embeds.

    ``base`` is the folder of the chapter the text ends up in: Quarto splices an included file into
    the chapter, so its embed and link paths are relative to the including chapter. ``noted`` holds
    the run ids whose "an earlier run is shown" note the chapter already has.
    """
    target = project / source.relative_to(book.project)
    chapter_dir = project / base.relative_to(book.project)
    lines = []
    for no, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        inc = _INCLUDE.match(line)
        if inc and depth < 10:
            included = (source.parent / inc.group(1)).resolve()
            if included.is_file() and included.is_relative_to(book.project):
                _stage_file(book, included, base, project, outputs, nbs, warnings, noted, depth + 1)
        emb = _EMBED.match(line)
        if not emb:
            lines.append(line)
            continue
        notebook = reroot(base / emb.group(1), book, outputs)
        out = nbs.resolve(Embed(label=emb.group(2), notebook=notebook, file=source, line=no))
        if out.kind == "missing":
            lines += ["", "::: {.missing}", out.data, ":::", ""]
            continue
        if out.note and out.run_id not in noted:
            noted.add(out.run_id)
            lines += ["", "::: {.stale-note}", out.note, ":::", ""]
        staged_nb = _staged_notebook(notebook, project, outputs)
        lines.append(line.replace(f"{emb.group(1)}#", f"{os.path.relpath(staged_nb, chapter_dir)}#", 1))
        links = []
        for src in data_files(outputs, out.run_id, emb.group(2)):
            staged = project / "tables" / out.run_id / src.name
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, staged)
            links.append(f"[{src.suffix[1:].upper()}]({os.path.relpath(staged, chapter_dir)})")
        text = f"{DOWNLOAD_TEXT} {' · '.join(links)}" if links else ""
        svg = outputs / "figures" / out.run_id / f"{emb.group(2)}.svg"
        if emb.group(2).startswith("fig-") and svg.is_file():
            staged = project / "figures" / f"{out.run_id}-{svg.name}"  # the built-in site's name
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(svg, staged)
            text = " · ".join(t for t in (text, f"[{FIGURE_SVG_TEXT}]({os.path.relpath(staged, chapter_dir)})") if t)
        if text:
            lines += ["", '::: {.content-visible when-format="html"}', "::: {.downloads}",
                      text, ":::", ":::", ""]
        elif emb.group(2).split("-", 1)[0] in ("fig", "tbl") and out.kind in DATA_KINDS:
            warnings.append(f"{source}:{no}: no data file outputs/tables/{out.run_id}/{emb.group(2)}.csv|.xlsx "
                            "to link for download")
    atomic_write_bytes(target, ("\n".join(lines) + "\n").encode("utf-8"))

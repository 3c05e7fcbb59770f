"""Publishing the study defined by ``_quarto.yml`` as a website and a PDF.

With a ``quarto`` executable (on PATH or in ``QUARTO_PATH``) the project is rendered by
``quarto render``. Without it the same book is rendered here with pandoc (pypandoc-binary) and Typst
(the ``typst`` package), supporting the subset of Quarto the study uses:

- front matter ``title``; ``{{< include file >}}``; ``{{< embed nb.ipynb#label >}}`` (outputs of
  the cell whose source has ``#| label: <label>``, with ``#| fig-cap:`` / ``#| tbl-cap:``);
- cross-references ``@fig-x`` / ``@tbl-x`` → "Kuvio 3" / "Taulukko 2" (numbered through the book);
- callouts ``::: {.callout-note}`` (also tip, warning, caution, important; optional ``title="…"``);
- links to other chapters' ``.qmd`` files; executable ``{python}`` blocks are shown as code.

Before rendering (with either engine) the generated parts are written to ``study/_generated/``:
the provenance appendix ``liite-aineistot.qmd`` (and ``aineistot.md`` for including) from the
snapshot manifest, and chapter 7's per-sector text ``sectors.qmd``.

Anything else Quarto-specific is a :class:`~punos_lib.errors.PublishError` naming the chapter file
and line. A notebook whose run failed (``outputs/run.json``) shows as a marked placeholder instead.

Output: ``outputs/site/`` (one page per chapter, sidebar, previous/next links, local CSS, figures
with CSV/XLSX download links) and ``outputs/<output-file>.pdf``. Site files are byte-identical for
identical inputs; the PDF is compiled with a fixed timestamp and no document date.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import yaml

from punos_lib import paths
from punos_lib.errors import PublishError
from punos_lib._atomic import atomic_write_bytes

__all__ = ["Book", "RenderReport", "load_book", "render", "DEMO_BANNER"]

DEMO_BANNER = "Esimerkkiaineisto – ei todellisia tilastoja"
GENERATED_DIR = "study/_generated"
PROVENANCE_FILE = "aineistot.md"
SECTORS_FILE = "sectors.qmd"
APPENDIX_FILE = "liite-aineistot.qmd"
APPENDIX_TITLE = "Aineistot ja niiden alkuperä"
_FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
_CALLOUT_TITLES = {
    "note": "Huomautus", "tip": "Vinkki", "warning": "Varoitus", "caution": "Huomio", "important": "Tärkeää",
}
_KINDS = {"fig": "Kuvio", "tbl": "Taulukko"}
_SHORTCODE = re.compile(r"\{\{<\s*([A-Za-z_-]+)\s*(.*?)\s*>\}\}")
_REF = re.compile(r"(?<![\w@.])@((?:fig|tbl|sec|eq|lst|thm)-[\w-]*\w)")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(.*)$")
_DIV_OPEN = re.compile(r"^(:{3,})\s*(\{[^}]*\}|[\w-]+)\s*$")
_DIV_CLOSE = re.compile(r"^:{3,}\s*$")
_CALLOUT = re.compile(r"^\{?\s*\.?callout-([\w-]+)(.*?)\}?$")
_QMD_LINK = re.compile(r"\]\((?!\w+://)([^()\s#]+?)\.qmd(#[\w-]+)?\)")
_QMD_LINK_TEXT = re.compile(r"\[([^\]]*)\]\((?!\w+://)[^()\s#]+?\.qmd(?:#[\w-]+)?\)")
_TITLE_ATTR = re.compile(r"""title\s*=\s*(?:"([^"]*)"|'([^']*)')""")


# --------------------------------------------------------------------------- the book


@dataclass(frozen=True)
class Book:
    """The study as described by ``_quarto.yml``."""

    project: Path
    title: str
    subtitle: str
    author: str
    lang: str
    chapters: tuple[str, ...]
    appendices: tuple[str, ...]
    output_file: str
    output_dir: str

    @property
    def files(self) -> tuple[str, ...]:
        return self.chapters + self.appendices


def load_book(project: str | os.PathLike[str] | None = None) -> Book:
    """Read ``_quarto.yml`` (title, subtitle, author, lang, chapters, appendices, output file).

    Raises
    ------
    PublishError
        The file is missing, not YAML, not a book, or lists no chapters.
    """
    root = Path(project) if project is not None else paths.project_dir()
    path = root / "_quarto.yml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PublishError(f"{path} not found: the study needs a _quarto.yml describing the book") from exc
    except yaml.YAMLError as exc:
        raise PublishError(f"{path} is not valid YAML: {exc}") from exc
    book = (raw or {}).get("book") if isinstance(raw, dict) else None
    if not isinstance(book, dict) or not book.get("chapters"):
        raise PublishError(f"{path}: expected 'book:' with a 'chapters:' list (a Quarto book project)")
    title = str(book.get("title", "")).strip()
    if not title:
        raise PublishError(f"{path}: 'book: title:' is missing; give the study a title")

    def _files(key: str) -> tuple[str, ...]:
        items = book.get(key) or []
        out = []
        for item in items:
            # Quarto allows parts: {part: "...", chapters: [...]}; flatten them in order.
            if isinstance(item, dict) and isinstance(item.get("chapters"), list):
                out.extend(str(c) for c in item["chapters"])
            elif isinstance(item, str):
                out.append(item)
            else:
                raise PublishError(f"{path}: book {key} entry {item!r} is not a file name or a part")
        return tuple(out)

    author = book.get("author", "")
    if isinstance(author, list):
        author = ", ".join(str(a.get("name", a)) if isinstance(a, dict) else str(a) for a in author)
    output_file = str(book.get("output-file") or _slug(title))
    return Book(
        project=root.resolve(),
        title=title,
        subtitle=str(book.get("subtitle", "") or ""),
        author=str(author or ""),
        lang=str(raw.get("lang", "fi")),
        chapters=_files("chapters"),
        appendices=_files("appendices"),
        output_file=output_file.removesuffix(".pdf"),
        output_dir=str((raw.get("project") or {}).get("output-dir", "_book")),
    )


def _for_region(book: Book, outputs: Path, warnings: list[str]) -> Book:
    """The book titled for the region the notebooks were run for (``punos run --region``).

    ``_quarto.yml`` names the default region in its subtitle and output file; a study run for
    another region gets that region's name in both, so a Päijät-Häme study never says Etelä-Savo.
    """
    from punos_lib.reference.regions import REGIONS

    try:
        run = json.loads((outputs / "run.json").read_text(encoding="utf-8"))
        regions = sorted({str(e["parameters"]["region"]) for e in run["executions"].values()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return book
    if len(regions) != 1:
        warnings.append(f"the executed notebooks were run for several regions ({', '.join(regions)}); "
                        "run `punos run --region R --force` for one region before rendering")
        return book
    name = REGIONS.get(regions[0])
    if name is None or name == book.subtitle:
        return book
    stem = book.output_file
    old = _slug(book.subtitle) if book.subtitle else ""
    stem = stem[: -len(old)] + _slug(name) if old and stem.endswith(old) else f"{stem}-{_slug(name)}"
    return replace(book, subtitle=name, output_file=stem)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "study"


# --------------------------------------------------------------------------- report


@dataclass
class RenderReport:
    """What :func:`render` produced."""

    engine: str
    site_index: Path | None = None
    pdf: Path | None = None
    pages: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable summary lines for the command line."""
        out = [f"rendered with {self.engine}"]
        if self.site_index:
            out.append(f"website: {self.site_index} ({len(self.pages)} pages)")
        if self.pdf:
            out.append(f"PDF: {self.pdf}")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


# --------------------------------------------------------------------------- parsing chapters


@dataclass
class _Embed:
    label: str
    notebook: Path       # the executed notebook (re-rooted into the outputs folder)
    file: Path           # chapter file and line, for messages
    line: int


@dataclass
class _Chapter:
    source: Path
    page: str            # e.g. "02-vaesto.html"
    title: str
    items: list[Any]     # ("text"|"code", line, file, lineno) | _Embed | ("open", kind, title) | ("close",)
    appendix: bool


def _err(file: Path, line: int, message: str) -> PublishError:
    return PublishError(f"{file}, line {line}: {message}")


def _page_name(rel: str) -> str:
    stem = Path(rel).stem
    return "index.html" if stem == "index" and "/" not in rel else f"{stem}.html"


def _parse_chapter(book: Book, rel: str, outputs: Path, appendix: bool) -> _Chapter:
    path = book.project / rel
    if not path.is_file():
        raise PublishError(f"{path} is listed in {book.project / '_quarto.yml'} but does not exist; "
                           "write the chapter or remove it from the list")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    title = ""
    start = 0
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        except StopIteration:
            raise _err(path, 1, "front matter opened with --- is never closed") from None
        try:
            meta = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            raise _err(path, 2, f"front matter is not valid YAML: {exc}") from exc
        title = str(meta.get("title", "")) if isinstance(meta, dict) else ""
        start = end + 1
    items: list[Any] = []
    if title:
        items.append(("text", f"# {title}", path, 1))
    _parse_lines(lines[start:], start + 1, path, path.parent, book, outputs, items, depth=0)
    if not title:
        title = next((it[1][2:].split("{")[0].strip() for it in items
                      if it[0] == "text" and it[1].startswith("# ")), "")
    if not title:
        raise _err(path, 1, "the chapter has no title: add front matter 'title:' or a '# Heading'")
    return _Chapter(source=path, page=_page_name(rel), title=title, items=items, appendix=appendix)


def _parse_lines(lines: Sequence[str], first: int, path: Path, base: Path, book: Book, outputs: Path,
                 items: list[Any], depth: int) -> None:
    """Parse ``lines`` of ``path`` into items; embeds resolve against ``base``, the chapter's folder.

    Like Quarto, an included file is spliced into the chapter, so its embed paths are relative to the
    including chapter (study/_generated/sectors.qmd embeds ``../outputs/…`` as chapter 7 would).
    """
    fence: str | None = None
    divs: list[str] = []
    for offset, line in enumerate(lines):
        no = first + offset
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(2)
            info = m.group(3).strip()
            if info.startswith("{") and not info.startswith(("{.", "{=", "{#")):
                # Quarto executable cell ```{python}: shown as code (execution is disabled).
                line = f"{m.group(1)}{fence}{info.strip('{}').split(',')[0].strip()}"
            items.append(("code", line, path, no))
            continue
        if fence is not None:
            if m and m.group(2).startswith(fence) and not m.group(3).strip():
                fence = None
            items.append(("code", line, path, no))
            continue
        if _DIV_CLOSE.match(line) and divs:
            if divs.pop() == "callout":
                items.append(("close",))
            else:
                items.append(("text", line, path, no))
            continue
        d = _DIV_OPEN.match(line)
        if d:
            attrs = d.group(2)
            c = _CALLOUT.match(attrs.strip())
            if c:
                kind = c.group(1)
                if kind not in _CALLOUT_TITLES:
                    raise _err(path, no, f"unknown callout type 'callout-{kind}'; use one of "
                               + ", ".join(f"callout-{k}" for k in _CALLOUT_TITLES))
                t = _TITLE_ATTR.search(c.group(2) or "")
                title = (t.group(1) or t.group(2)) if t else _CALLOUT_TITLES[kind]
                divs.append("callout")
                items.append(("open", kind, title))
            else:
                divs.append("div")
                items.append(("text", line, path, no))
            continue
        codes = list(_SHORTCODE.finditer(line))
        if not codes:
            items.append(("text", line, path, no))
            continue
        sc = codes[0]
        name, arg = sc.group(1), sc.group(2)
        if name not in ("embed", "include"):
            raise _err(path, no, f"unsupported shortcode '{{{{< {name} >}}}}'; without Quarto only "
                       "'embed' and 'include' are available (install Quarto or rewrite this line)")
        if len(codes) > 1 or line.strip() != sc.group(0):
            raise _err(path, no, f"'{{{{< {name} … >}}}}' must stand alone on its own line")
        if name == "include":
            target = (path.parent / arg.strip().strip('"')).resolve()
            if not target.is_file():
                raise _err(path, no, f"included file {target} does not exist")
            if depth > 10:
                raise _err(path, no, "includes nested more than 10 deep (an include cycle?)")
            _parse_lines(target.read_text(encoding="utf-8").splitlines(), 1, target, base, book, outputs,
                         items, depth + 1)
            continue
        ref = arg.strip().strip('"')
        if " " in ref or "#" not in ref:
            raise _err(path, no, f"embed {ref!r} must be 'path/to/notebook.ipynb#label' without options")
        nb_rel, label = ref.split("#", 1)
        if not nb_rel.endswith(".ipynb"):
            raise _err(path, no, f"embed {ref!r}: only notebooks (.ipynb) can be embedded")
        items.append(_Embed(label=label, notebook=_reroot(base / nb_rel, book, outputs), file=path, line=no))
    if fence is not None:
        raise _err(path, first + len(lines) - 1, f"code block opened with {fence} is never closed")
    if divs:
        raise _err(path, first + len(lines) - 1, "a ':::' block is never closed")


def _reroot(path: Path, book: Book, outputs: Path) -> Path:
    """Chapters embed ``../outputs/…``; follow the outputs folder when it was moved (PUNOS_OUTPUTS)."""
    resolved = Path(os.path.normpath(path.resolve()))
    default = book.project / "outputs"
    if resolved.is_relative_to(default):
        return outputs / resolved.relative_to(default)
    return resolved


# --------------------------------------------------------------------------- notebook outputs


@dataclass
class _Output:
    kind: str            # "png" | "svg" | "html" | "markdown" | "text" | "missing"
    data: Any
    caption: str
    run_id: str


def _cell_options(source: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for line in source.splitlines():
        if not line.startswith("#|"):
            if line.strip():
                break
            continue
        key, _, value = line[2:].partition(":")
        value = value.strip()
        try:
            parsed = yaml.safe_load(value) if value else ""
        except yaml.YAMLError:
            parsed = value
        options[key.strip()] = str(parsed) if parsed is not None else ""
    return options


class _Notebooks:
    """Executed notebooks and the statuses of their runs, read once each."""

    def __init__(self, outputs: Path) -> None:
        self.outputs = outputs
        self.cache: dict[Path, dict[str, Any]] = {}
        run_file = outputs / "run.json"
        self.status: dict[str, str] = {}
        if run_file.is_file():
            try:
                record = json.loads(run_file.read_text(encoding="utf-8"))
                for run_id, e in (record.get("executions") or {}).items():
                    self.status[run_id] = str(e.get("status"))
            except (json.JSONDecodeError, AttributeError) as exc:
                raise PublishError(f"{run_file} is not a valid run record ({exc}); run `punos run` again") from exc

    def resolve(self, embed: _Embed) -> _Output:
        run_id = embed.notebook.stem
        failed = self.status.get(run_id) == "failed"
        missing = _Output("missing", f"Osa puuttuu: muistion {embed.notebook.name} ajo epäonnistui", "", run_id)
        if not embed.notebook.is_file():
            if failed:
                return missing
            raise _err(embed.file, embed.line, f"embedded notebook {embed.notebook} does not exist; "
                       "run `punos run` first (or fix the path)")
        nb = self.cache.get(embed.notebook)
        if nb is None:
            try:
                nb = json.loads(embed.notebook.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise _err(embed.file, embed.line, f"cannot read notebook {embed.notebook}: {exc}") from exc
            self.cache[embed.notebook] = nb
        for cell in nb.get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            options = _cell_options(source)
            if options.get("label") != embed.label:
                continue
            caption = options.get("fig-cap") or options.get("tbl-cap") or ""
            if failed or any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                return _Output("missing", missing.data, caption, run_id)
            out = self._pick(cell.get("outputs", []), caption, run_id, embed)
            if out is None:
                raise _err(embed.file, embed.line, f"cell '{embed.label}' in {embed.notebook} has no output to "
                           "embed; make the cell display its figure or table")
            return out
        if failed:
            return missing
        raise _err(embed.file, embed.line, f"no cell with '#| label: {embed.label}' in {embed.notebook}; "
                   "check the label in the chapter and the notebook")

    def _pick(self, outputs: list[dict[str, Any]], caption: str, run_id: str, embed: _Embed) -> _Output | None:
        rich = [o.get("data", {}) for o in outputs if o.get("output_type") in ("display_data", "execute_result")]
        for mime, kind in (("image/png", "png"), ("image/svg+xml", "svg"), ("text/html", "html"),
                           ("text/markdown", "markdown")):
            for data in rich:
                if mime in data:
                    value = data[mime]
                    value = "".join(value) if isinstance(value, list) else value
                    return _Output(kind, value, caption, run_id)
        if embed.label.startswith("fig-"):
            # The contract also saves every figure file; use it when the cell did not display one.
            for ext in ("png", "svg"):
                f = self.outputs / "figures" / run_id / f"{embed.label}.{ext}"
                if f.is_file():
                    data = f.read_bytes()
                    return _Output(ext, base64.b64encode(data).decode() if ext == "png" else data.decode(),
                                   caption, run_id)
        texts = [("".join(d["text/plain"]) if isinstance(d["text/plain"], list) else d["text/plain"])
                 for d in rich if "text/plain" in d]
        texts += ["".join(o["text"]) if isinstance(o.get("text"), list) else o.get("text", "")
                  for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout"]
        if texts:
            return _Output("text", "".join(t if t.endswith("\n") else t + "\n" for t in texts), caption, run_id)
        return None


class _TableParser(HTMLParser):
    """Rows of the first HTML table (pandas' ``to_html``) as text, for the Typst version."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.header_rows = 0
        self._cell: list[str] | None = None
        self._in_head = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self._skip += 1
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self.rows.append([])
            if self._in_head:
                self.header_rows += 1
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._skip -= 1
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)


# --------------------------------------------------------------------------- rendering helpers


@dataclass
class _Numbered:
    label: str
    kind: str | None     # "fig" | "tbl" | None
    number: int
    page: str
    anchor: str          # HTML id / Typst label: the label, or label-<run id> when several notebooks share it


class _Numbers:
    """Numbers and anchors of every embed, in book order; sector notebooks may share labels."""

    def __init__(self, chapters: Sequence[_Chapter]) -> None:
        counters = {"fig": 0, "tbl": 0}
        embeds = [(ch, it) for ch in chapters for it in ch.items if isinstance(it, _Embed)]
        shared: dict[str, int] = {}
        for _, it in embeds:
            shared[it.label] = shared.get(it.label, 0) + 1
        self.by_embed: dict[tuple[Path, str], _Numbered] = {}
        self.by_label: dict[str, list[_Numbered]] = {}
        for ch, it in embeds:
            key = (it.notebook, it.label)
            if key in self.by_embed:
                raise _err(it.file, it.line, f"'{it.label}' of {it.notebook.name} is embedded twice; embed each "
                           "output once")
            prefix = it.label.split("-", 1)[0]
            kind = prefix if prefix in counters else None
            if kind:
                counters[kind] += 1
            anchor = it.label if shared[it.label] == 1 else f"{it.label}-{it.notebook.stem}"
            n = _Numbered(it.label, kind, counters[kind] if kind else 0, ch.page, anchor)
            self.by_embed[key] = n
            self.by_label.setdefault(it.label, []).append(n)

    def __getitem__(self, embed: _Embed) -> _Numbered:
        return self.by_embed[(embed.notebook, embed.label)]


def _refs(line: str, file: Path, no: int, numbers: _Numbers, fmt: str) -> str:
    def repl(m: re.Match[str]) -> str:
        label = m.group(1)
        found = numbers.by_label.get(label, [])
        if len(found) > 1:
            raise _err(file, no, f"cross-reference @{label} is ambiguous: {len(found)} notebooks embed this label")
        n = found[0] if found else None
        if n is None or n.kind is None:
            what = "no figure or table with this label is embedded in the book" if label[:4] in ("fig-", "tbl-") \
                else "only @fig- and @tbl- references are supported without Quarto"
            raise _err(file, no, f"cross-reference @{label}: {what}")
        text = f"{_KINDS[n.kind]} {n.number}"
        if fmt == "html":
            return f"[{text}]({n.page}#{n.anchor})"
        return f"`#link(<{n.anchor}>)[{text}]`{{=typst}}"

    line = _REF.sub(repl, line)
    # Links between chapters name the .qmd source, as in Quarto: point them at the rendered page
    # (one flat folder), or keep only the text in the single-document PDF.
    if fmt == "html":
        return _QMD_LINK.sub(lambda m: f"]({_page_name(m.group(1) + '.qmd')}{m.group(2) or ''})", line)
    return _QMD_LINK_TEXT.sub(r"\1", line)


def _typst_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _pandoc(text: str, to: str) -> str:
    import pypandoc

    try:
        return pypandoc.convert_text(text, to, format="markdown-citations-implicit_figures",
                                     extra_args=["--wrap=none"])
    except RuntimeError as exc:
        raise PublishError(f"pandoc could not convert the study text to {to}: {exc}") from exc


def _template(name: str) -> str:
    return resources.files("punos_lib").joinpath("templates", name).read_text(encoding="utf-8")


def _synthetic(snapshot: Path) -> tuple[bool, list[dict[str, Any]]]:
    manifest = snapshot / "manifest.json"
    if not manifest.is_file():
        raise PublishError(f"no snapshot manifest at {manifest}; run `punos demo` or `punos fetch`, then "
                           "`punos run`, before rendering")
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8")).get("entries", {})
    except (json.JSONDecodeError, AttributeError) as exc:
        raise PublishError(f"{manifest} is not a valid snapshot manifest ({exc})") from exc
    items = [dict(entries[k], id=entries[k].get("id", k)) for k in sorted(entries)]
    return any(bool(e.get("synthetic")) for e in items), items


def _provenance_markdown(entries: Sequence[dict[str, Any]], synthetic: bool) -> str:
    lines = [
        "<!-- Generated by punos_lib.publish from the snapshot manifest; do not edit. -->",
        "",
        f"Selvitys on tuotettu aineistotilannekuvasta, jossa on {len(entries)} tallennetta. "
        "Jokaisesta on tallennettu lähde, haun osoite, hakuaika, lähteen päivityspäivä, tarkistussumma "
        "(SHA-256, lyhennetty) ja lisenssi.",
        "",
    ]
    if synthetic:
        lines += [f"**{DEMO_BANNER}.** Synteettiseksi merkityt tallenteet on tuotettu ohjelmallisesti "
                  "esimerkkiä varten.", ""]
    for e in entries:
        url = str(e.get("url") or "")
        table = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] if url else str(e.get("path", ""))
        fields = [
            ("lähde", e.get("source")), ("taulukko/taso", table), ("osoite", f"<{url}>" if url else "–"),
            ("haettu", e.get("fetched_at")), ("päivitetty", e.get("updated")),
            ("sha256", str(e.get("sha256") or "")[:12]), ("lisenssi", e.get("licence")),
            ("synteettinen", "kyllä" if e.get("synthetic") else "ei"),
        ]
        body = "; ".join(f"{k}: {v if v not in (None, '') else '–'}" for k, v in fields)
        lines.append(f"- **{e['id']}** — {body}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML


def _html_embed(emb: _Embed, out: _Output, num: _Numbered, site: Path, outputs: Path,
                warnings: list[str]) -> str:
    label = html.escape(num.anchor)
    prefix = f"{_KINDS[num.kind]} {num.number}. " if num.kind else ""
    caption = html.escape(out.caption)
    cap_html = f'<span class="fig-number">{prefix}</span>{caption}' if (prefix or caption) else ""
    if out.kind == "missing":
        return f'<div class="missing" id="{label}">{html.escape(out.data)}</div>'
    if out.kind in ("png", "svg"):
        name = f"{out.run_id}-{emb.label}.{out.kind}"
        data = base64.b64decode(out.data) if out.kind == "png" else out.data.encode("utf-8")
        atomic_write_bytes(site / "figures" / name, data)
        body = (f'<figure id="{label}"><img src="figures/{html.escape(name)}" alt="{caption}">'
                + (f"<figcaption>{cap_html}</figcaption>" if cap_html else "") + "</figure>")
    else:
        if out.kind == "html":
            inner = re.sub(r"<style[^>]*>.*?</style>", "", out.data, flags=re.S).strip()
            if cap_html:
                # The page gives the numbered caption; the notebook's own <caption> would repeat it.
                inner = re.sub(r"<caption[^>]*>.*?</caption>", "", inner, count=1, flags=re.S)
        elif out.kind == "markdown":
            inner = _pandoc(out.data, "html5")
        else:
            inner = f"<pre>{html.escape(out.data)}</pre>"
        cap = f'<p class="table-caption">{cap_html}</p>' if cap_html else ""
        body = f'<div class="table-wrap" id="{label}">{cap}{inner}</div>'
    links = []
    for ext in ("csv", "xlsx"):
        src = outputs / "tables" / out.run_id / f"{emb.label}.{ext}"
        if src.is_file():
            atomic_write_bytes(site / "tables" / out.run_id / src.name, src.read_bytes())
            links.append(f'<a href="tables/{html.escape(out.run_id)}/{html.escape(src.name)}">{ext.upper()}</a>')
    if links:
        body += f'\n<p class="downloads">Lataa aineisto: {" · ".join(links)}</p>'
    elif num.kind:
        warnings.append(f"{emb.file}:{emb.line}: no data file outputs/tables/{out.run_id}/{emb.label}.csv|.xlsx "
                        "to link for download")
    return body


def _render_html(book: Book, chapters: Sequence[_Chapter], numbers: _Numbers,
                 nbs: _Notebooks, site: Path, outputs: Path, synthetic: bool, warnings: list[str]) -> list[Path]:
    page_t = Template(_template("page.html"))
    atomic_write_bytes(site / "style.css", _template("style.css").encode("utf-8"))
    pages = []
    for i, ch in enumerate(chapters):
        md: list[str] = []
        for it in ch.items:
            if isinstance(it, _Embed):
                block = _html_embed(it, nbs.resolve(it), numbers[it], site, outputs, warnings)
                md += ["", "```{=html}", block, "```", ""]
            elif it[0] == "open":
                md += ["", "```{=html}", f'<div class="callout callout-{it[1]}"><p class="callout-title">'
                       f"{html.escape(it[2])}</p>", "```", ""]
            elif it[0] == "close":
                md += ["", "```{=html}", "</div>", "```", ""]
            elif it[0] == "code":
                md.append(it[1])
            else:
                md.append(_refs(it[1], it[2], it[3], numbers, "html"))
        body = _pandoc("\n".join(md) + "\n", "html5")
        nav = _nav(chapters, ch)
        prev_link = (f'<a class="prev" href="{chapters[i - 1].page}">← {html.escape(chapters[i - 1].title)}</a>'
                     if i > 0 else "<span></span>")
        next_link = (f'<a class="next" href="{chapters[i + 1].page}">{html.escape(chapters[i + 1].title)} →</a>'
                     if i + 1 < len(chapters) else "<span></span>")
        text = page_t.substitute(
            lang=html.escape(book.lang),
            page_title=html.escape(ch.title if ch.page != "index.html" else book.title)
            + ("" if ch.page == "index.html" else f" – {html.escape(book.title)}"),
            banner=f'<div class="demo-banner" role="alert">{DEMO_BANNER}</div>\n' if synthetic else "",
            book_title=html.escape(book.title), book_subtitle=html.escape(book.subtitle),
            nav=nav, body=body.strip(), pager=f"{prev_link}\n{next_link}", author=html.escape(book.author),
        )
        path = site / ch.page
        atomic_write_bytes(path, text.encode("utf-8"))
        pages.append(path)
    return pages


def _nav(chapters: Sequence[_Chapter], current: _Chapter) -> str:
    def item(ch: _Chapter) -> str:
        cls = ' class="current"' if ch is current else ""
        aria = ' aria-current="page"' if ch is current else ""
        return f'<li{cls}><a href="{ch.page}"{aria}>{html.escape(ch.title)}</a></li>'

    main = [item(c) for c in chapters if not c.appendix]
    apps = [item(c) for c in chapters if c.appendix]
    out = "<ol>\n" + "\n".join(main) + "\n</ol>"
    if apps:
        out += '\n<p class="nav-section">Liitteet</p>\n<ol type="A">\n' + "\n".join(apps) + "\n</ol>"
    return out


# --------------------------------------------------------------------------- PDF


def _typst_embed(emb: _Embed, out: _Output, num: _Numbered, site: Path, build: Path) -> str:
    label = f"<{num.anchor}>"
    if out.kind == "missing":
        return f"#missing-part({_typst_str(out.data)}) {label}"
    numbering = f', supplement: [{_KINDS[num.kind]}], numbering: (..n) => "{num.number}"' if num.kind else ", numbering: none"
    caption = f", caption: {_typst_str(out.caption)}" if out.caption else ""
    if out.kind in ("png", "svg"):
        name = f"{out.run_id}-{emb.label}.{out.kind}"
        data = base64.b64decode(out.data) if out.kind == "png" else out.data.encode("utf-8")
        target = build / "figures" / name
        atomic_write_bytes(target, data)
        return (f'#figure(image("figures/{name}", width: 100%), kind: image{numbering}{caption}) {label}')
    if out.kind == "html":
        parser = _TableParser()
        parser.feed(out.data)
        rows = [r for r in parser.rows if r]
        if rows:
            width = max(len(r) for r in rows)
            n_head = min(max(parser.header_rows, 1), len(rows))
            lines = []
            for r_i, row in enumerate(rows):
                padded = row + [""] * (width - len(row))
                wrap = "strong" if r_i < n_head else "text"
                lines.append(", ".join(f"{wrap}({_typst_str(c)})" for c in padded))
            # table.header repeats the heading rows when a long table continues on the next page.
            header = "table.header(" + ",\n  ".join(lines[:n_head]) + ")"
            table = f"table(columns: {width}, {header},\n  " + ",\n  ".join(lines[n_head:]) + ")"
            return f"#figure({table}, kind: table{numbering}{caption}) {label}"
        content = _typst_str(re.sub(r"<[^>]+>", " ", out.data))
    elif out.kind == "markdown":
        content = "[\n" + _pandoc(out.data, "typst").strip() + "\n]"
    else:
        content = f"raw({_typst_str(out.data)}, block: true)"
    return f"#figure({content}, kind: table{numbering}{caption}) {label}"


def _render_pdf(book: Book, chapters: Sequence[_Chapter], numbers: _Numbers, nbs: _Notebooks,
                site: Path, outputs: Path, synthetic: bool) -> Path:
    import typst

    build = outputs / ".publish" / "pdf"
    if build.exists():
        shutil.rmtree(build)
    md: list[str] = []
    in_appendix = False
    for ch in chapters:
        if ch.appendix and not in_appendix:
            in_appendix = True
            md += ["", "```{=typst}", "#counter(heading).update(0)",
                   '#set heading(numbering: "A.1", supplement: [Liite])', "```", ""]
        for it in ch.items:
            if isinstance(it, _Embed):
                out = nbs.resolve(it)
                if out.kind == "markdown" and not numbers[it].kind:
                    # Text the notebook wrote in Markdown joins the chapter's own text.
                    md += ["", out.data, ""]
                    continue
                md += ["", "```{=typst}", _typst_embed(it, out, numbers[it], site, build), "```", ""]
            elif it[0] == "open":
                md += ["", "```{=typst}", f"#callout(kind: {_typst_str(it[1])}, title: {_typst_str(it[2])})[", "```", ""]
            elif it[0] == "close":
                md += ["", "```{=typst}", "]", "```", ""]
            elif it[0] == "code":
                md.append(it[1])
            else:
                md.append(_refs(it[1], it[2], it[3], numbers, "typst"))
        md.append("")
    body = _pandoc("\n".join(md) + "\n", "typst")
    source = Template(_template("book.typ")).safe_substitute(
        title=_typst_str(book.title)[1:-1], subtitle=_typst_str(book.subtitle)[1:-1],
        author=_typst_str(book.author)[1:-1], lang=book.lang[:2],
        banner=DEMO_BANNER if synthetic else "", body=body,
    )
    typ = build / f"{book.output_file}.typ"
    atomic_write_bytes(typ, source.encode("utf-8"))
    try:
        pdf = typst.compile(str(typ), root=str(build), timestamp=int(_FIXED_TIME.timestamp()),
                            ignore_system_fonts=True)
    except Exception as exc:  # typst raises its own error type with the source location
        raise PublishError(f"Typst could not compile {typ}: {exc}") from exc
    target = outputs / f"{book.output_file}.pdf"
    atomic_write_bytes(target, pdf)
    return target


# --------------------------------------------------------------------------- render


def _write_generated(book: Book, entries: Sequence[dict[str, Any]], synthetic: bool) -> None:
    """Write the parts of the study that are generated at render time into study/_generated/.

    - ``aineistot.md``: the list of snapshot entries, for a chapter that includes it;
    - ``liite-aineistot.qmd``: the same as a whole appendix chapter (``_quarto.yml`` lists it);
    - ``sectors.qmd``: chapter 7's sections, one per sector of ``data/sectors.yaml`` (when the
      project has that file), from :func:`punos_lib.analysis.sector_chapter_markdown`.
    """
    folder = book.project / GENERATED_DIR
    provenance = _provenance_markdown(entries, synthetic)
    atomic_write_bytes(folder / PROVENANCE_FILE, provenance.encode("utf-8"))
    appendix = f'---\ntitle: "{APPENDIX_TITLE}"\n---\n\n{provenance}'
    atomic_write_bytes(folder / APPENDIX_FILE, appendix.encode("utf-8"))
    sectors_file = book.project / "data" / "sectors.yaml"
    if sectors_file.is_file():
        from punos_lib.analysis import sector_chapter_markdown
        from punos_lib.reference.sectors import load_sectors

        text = sector_chapter_markdown(load_sectors(sectors_file), "../outputs/notebooks")
        atomic_write_bytes(folder / SECTORS_FILE, text.encode("utf-8"))


def _find_quarto(quarto: str | os.PathLike[str] | bool | None) -> str | None:
    if quarto is False:
        return None
    if quarto not in (None, True):
        return str(quarto)
    return os.environ.get("QUARTO_PATH") or shutil.which("quarto")


def render(
    *,
    formats: Iterable[str] = ("html", "pdf"),
    project_dir: str | os.PathLike[str] | None = None,
    outputs_dir: str | os.PathLike[str] | None = None,
    quarto: str | os.PathLike[str] | bool | None = None,
) -> RenderReport:
    """Render the study to ``outputs/site/`` (website) and ``outputs/<name>.pdf``.

    Parameters
    ----------
    formats : iterable of {"html", "pdf"}
        What to produce.
    project_dir, outputs_dir : path-like, optional
        Defaults: :func:`punos_lib.paths.project_dir`, :func:`punos_lib.paths.outputs_dir`. The
        snapshot (for the demo marks and the provenance appendix) is ``PUNOS_SNAPSHOT`` or the
        project's ``data/snapshot``.
    quarto : path-like or bool, optional
        The quarto executable; None finds it on PATH or in ``QUARTO_PATH``; False forces the
        built-in pandoc + Typst renderer.

    Returns
    -------
    RenderReport
        Paths of the site index, pages and PDF, and warnings.

    Raises
    ------
    PublishError
        Executed notebooks are missing, a chapter uses unsupported Quarto syntax (file and line
        named), or pandoc/Typst/Quarto failed.

    Examples
    --------
    >>> report = render(formats=["html"])  # doctest: +SKIP
    >>> report.site_index.name  # doctest: +SKIP
    'index.html'
    """
    wanted = tuple(dict.fromkeys(formats))
    bad = [f for f in wanted if f not in ("html", "pdf")]
    if bad or not wanted:
        raise PublishError(f"unknown output format(s) {bad or list(wanted)}; choose from 'html' and 'pdf'")
    book = load_book(project_dir)
    # An explicit project keeps its own outputs and snapshot unless the environment moves them.
    if outputs_dir is not None:
        outputs = Path(outputs_dir).resolve()
    else:
        outputs = paths.outputs_dir() if project_dir is None or os.environ.get("PUNOS_OUTPUTS") \
            else book.project / "outputs"
    snapshot = paths.snapshot_dir() if project_dir is None or os.environ.get("PUNOS_SNAPSHOT") \
        else book.project / "data" / "snapshot"
    nb_dir = outputs / "notebooks"
    if not nb_dir.is_dir() or not any(nb_dir.glob("*.ipynb")):
        raise PublishError(f"no executed notebooks in {nb_dir}; run `punos run` first")
    synthetic, entries = _synthetic(snapshot)
    _write_generated(book, entries, synthetic)

    region_warnings: list[str] = []
    book = _for_region(book, outputs, region_warnings)
    exe = _find_quarto(quarto)
    if exe:
        report = _render_quarto(exe, book, wanted, outputs, synthetic)
        report.warnings[:0] = region_warnings
        return report

    chapters = [_parse_chapter(book, rel, outputs, False) for rel in book.chapters]
    chapters += [_parse_chapter(book, rel, outputs, True) for rel in book.appendices]
    pages_seen: dict[str, Path] = {}
    for ch in chapters:
        if ch.page in pages_seen:
            raise PublishError(f"{ch.source} and {pages_seen[ch.page]} would both become {ch.page}; rename one")
        pages_seen[ch.page] = ch.source
    numbers = _Numbers(chapters)
    nbs = _Notebooks(outputs)
    report = RenderReport(engine="pandoc+typst", warnings=region_warnings)
    site = outputs / "site"
    if "html" in wanted:
        # Build beside the old site and swap, so the site never mixes two builds or keeps stale files.
        outputs.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=outputs, prefix=".site-"))
        os.chmod(staging, 0o755)
        try:
            pages = _render_html(book, chapters, numbers, nbs, staging, outputs, synthetic, report.warnings)
            old = outputs / f".site-old-{os.getpid()}"
            if site.exists():
                os.replace(site, old)
            os.replace(staging, site)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        report.pages = [site / p.name for p in pages]
        report.site_index = site / "index.html"
    if "pdf" in wanted:
        report.pdf = _render_pdf(book, chapters, numbers, nbs, site, outputs, synthetic)
    return report


QUARTO_PROFILE = "punos"
_BANNER_HTML = ('<div class="demo-banner" role="alert" style="background:#b00020;color:#fff;padding:.6em;'
                'text-align:center;font-weight:bold">Esimerkkiaineisto – ei todellisia tilastoja</div>\n')
_BANNER_TYPST = ('#block(fill: rgb("#b00020"), inset: 8pt, width: 100%)[#text(fill: white, weight: "bold")'
                 '[Esimerkkiaineisto – ei todellisia tilastoja]]\n')


def _write_quarto_profile(book: Book, synthetic: bool) -> None:
    """Write ``_quarto-punos.yml``: what the built-in renderer adds, told to Quarto.

    Quarto merges the profile into ``_quarto.yml`` (``--profile punos``): the region the notebooks
    ran for (subtitle, output file) and, for synthetic data, the demo banner on every page.
    """
    profile: dict[str, Any] = {"book": {"subtitle": book.subtitle, "output-file": book.output_file}}
    if synthetic:
        folder = book.project / GENERATED_DIR
        atomic_write_bytes(folder / "demo-banner.html", _BANNER_HTML.encode("utf-8"))
        atomic_write_bytes(folder / "demo-banner.typ", _BANNER_TYPST.encode("utf-8"))
        profile["format"] = {
            "html": {"include-before-body": f"{GENERATED_DIR}/demo-banner.html"},
            "typst": {"include-before-body": f"{GENERATED_DIR}/demo-banner.typ"},
        }
    text = "# Written by `punos render` for Quarto; do not edit (git-ignored).\n" + yaml.safe_dump(
        profile, allow_unicode=True, sort_keys=True)
    atomic_write_bytes(book.project / f"_quarto-{QUARTO_PROFILE}.yml", text.encode("utf-8"))


def _render_quarto(exe: str, book: Book, formats: Sequence[str], outputs: Path,
                   synthetic: bool) -> RenderReport:
    report = RenderReport(engine=f"quarto ({exe})")
    site = outputs / "site"
    _write_quarto_profile(book, synthetic)
    for fmt in formats:
        to = "html" if fmt == "html" else "typst"
        cmd = [exe, "render", str(book.project), "--to", to, "--output-dir", str(site),
               "--profile", QUARTO_PROFILE]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).splitlines()[-15:])
            raise PublishError(f"`{' '.join(cmd)}` failed with exit code {proc.returncode}:\n{tail}")
    if "html" in formats:
        report.site_index = site / "index.html"
        report.pages = sorted(site.glob("*.html"))
    if "pdf" in formats:
        produced = site / f"{book.output_file}.pdf"
        if produced.is_file():
            target = outputs / produced.name
            os.replace(produced, target)
            report.pdf = target
        else:
            raise PublishError(f"quarto finished but {produced} was not written; check the typst format in _quarto.yml")
    return report

"""Executed notebooks read for embedding: the output of the cell a chapter embeds, or a placeholder."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from punos_lib.errors import PublishError
from punos_lib.publish._common import located_error
from punos_lib.publish.chapters import Chapter, Embed

__all__ = ["DATA_KINDS", "DOWNLOAD_TEXT", "FIGURE_SVG_TEXT", "Notebooks", "Output", "data_files", "notebook_text",
           "shows_example"]

#: The words before the download links of a figure's or table's data.
DOWNLOAD_TEXT = "Lataa aineisto:"
#: The link to a figure's vector file (SVG), after the data downloads.
FIGURE_SVG_TEXT = "Kuva (SVG)"
#: Output kinds that are a figure or a table, so have data files to download (a Markdown or text
#: output is a sentence, e.g. where a region has no records to show).
DATA_KINDS = ("png", "svg", "html")


def notebook_text(value: Any) -> str:
    """A notebook field's text (a cell's source, an output's data): nbformat stores it as one
    string or as a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value or "")


@dataclass
class Output:
    """One embeddable output of a notebook cell, with its caption (``#| fig-cap:`` / ``#| tbl-cap:``)."""

    kind: str            # "png" | "svg" | "html" | "markdown" | "text" | "missing"
    data: Any
    caption: str
    run_id: str
    note: str = ""       # for the reader: an earlier run is shown because the last one failed
    #: Whether the output shows example data (``None``: the notebook did not say, e.g. older runs).
    synthetic: bool | None = None
    #: What a figure shows, for readers who cannot see it (``ctx.show`` writes it from the data);
    #: empty when the notebook gave none (the caption is used then).
    alt: str = ""
    #: The figure's SVG (vector) when the notebook displayed one beside the PNG.
    svg: str = ""


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


class Notebooks:
    """Executed notebooks and the statuses of their runs, read once each."""

    def __init__(self, outputs: Path) -> None:
        self.outputs = outputs
        self.cache: dict[Path, dict[str, Any]] = {}
        self.run_file = outputs / "run.json"
        self.status: dict[str, str] = {}
        self.executions: dict[str, dict[str, Any]] = {}
        if self.run_file.is_file():
            try:
                record = json.loads(self.run_file.read_text(encoding="utf-8"))
                for run_id, e in (record.get("executions") or {}).items():
                    self.status[run_id] = str(e.get("status"))
                    self.executions[run_id] = dict(e)
            except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
                raise PublishError(f"{self.run_file} is not a valid run record ({exc}); "
                                   "run `punos run` again") from exc

    def require_content(self) -> None:
        """Refuse a study in which every part would be missing: no execution succeeded.

        Raises
        ------
        PublishError
            ``run.json`` lists executions, none of them ``ok`` and none showing an earlier
            successful run (``shown``).
        """
        if not self.executions:
            return
        good = [r for r, e in self.executions.items() if e.get("status") == "ok" or self.shown_earlier(r)]
        if not good:
            failed = ", ".join(sorted(self.executions))
            raise PublishError(f"{self.run_file}: every notebook execution failed ({failed}); the study would "
                               "have no content. Fix the errors `punos run` reported and run it again")

    def shown_earlier(self, run_id: str) -> str | None:
        """When the last execution of ``run_id`` failed but its previous good run is still shown, when that ran.

        ``punos run`` keeps the last good notebook, tables and figures of a failed execution and says
        so in ``run.json``: ``shown: "previous run of <finished>"`` (``shown_run.finished``).
        """
        e = self.executions.get(run_id, {})
        shown = str(e.get("shown") or "")
        if e.get("status") != "failed" or not shown.startswith("previous run"):
            return None
        run = e.get("shown_run")
        finished = run.get("finished") if isinstance(run, dict) else None
        return str(finished or shown.removeprefix("previous run of").strip() or "?")

    def resolve(self, embed: Embed) -> Output:
        """The output ``embed`` names: a figure, table, Markdown or text, or ``missing`` when its run failed.

        The output of a failed execution whose previous good run is shown carries a ``note`` saying so.
        """
        run_id = embed.notebook.stem
        earlier = self.shown_earlier(run_id)
        failed = self.status.get(run_id) == "failed" and earlier is None
        missing = Output("missing", f"Osa puuttuu: muistion {embed.notebook.name} ajo epäonnistui", "", run_id)
        if not embed.notebook.is_file():
            if failed:
                return missing
            raise located_error(embed.file, embed.line, f"embedded notebook {embed.notebook} does not exist; "
                       "run `punos run` first (or fix the path)")
        nb = self.cache.get(embed.notebook)
        if nb is None:
            try:
                nb = json.loads(embed.notebook.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise located_error(embed.file, embed.line, f"cannot read notebook {embed.notebook}: {exc}") from exc
            self.cache[embed.notebook] = nb
        for cell in nb.get("cells", []):
            source = notebook_text(cell.get("source"))
            options = _cell_options(source)
            if options.get("label") != embed.label:
                continue
            caption = options.get("fig-cap") or options.get("tbl-cap") or ""
            if failed or any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                return Output("missing", missing.data, caption, run_id)
            out = self._pick(cell.get("outputs", []), caption, run_id, embed)
            if out is None:
                raise located_error(embed.file, embed.line, f"cell '{embed.label}' in {embed.notebook} has no output to "
                           "embed; make the cell display its figure or table")
            if earlier is not None:
                out.note = (f"Huom.: muistion {embed.notebook.name} viimeisin ajo epäonnistui; tässä näkyy sen "
                            f"edellinen onnistunut ajo ({earlier}).")
            return out
        if failed:
            return missing
        raise located_error(embed.file, embed.line, f"no cell with '#| label: {embed.label}' in {embed.notebook}; "
                   "check the label in the chapter and the notebook")

    def _pick(self, outputs: list[dict[str, Any]], caption: str, run_id: str, embed: Embed) -> Output | None:
        shown = [o for o in outputs if o.get("output_type") in ("display_data", "execute_result")]
        rich = [o.get("data", {}) for o in shown]
        # ctx.show records in the output's metadata whether it shows example data
        flags = [(o.get("metadata") or {}).get("punos", {}).get("synthetic") for o in shown]
        known = [bool(f) for f in flags if f is not None]
        synthetic = any(known) if known else None
        alts = [str((o.get("metadata") or {}).get("punos", {}).get("alt") or "") for o in shown]
        alt = next((a for a in alts if a), "")
        svgs = [notebook_text(d["image/svg+xml"]) for d in rich if "image/svg+xml" in d]
        for mime, kind in (("image/png", "png"), ("image/svg+xml", "svg"), ("text/html", "html"),
                           ("text/markdown", "markdown")):
            for data in rich:
                if mime in data:
                    return Output(kind, notebook_text(data[mime]), caption, run_id, synthetic=synthetic, alt=alt,
                                  svg=svgs[0] if svgs else "")
        if embed.label.startswith("fig-"):
            # The contract also saves every figure file; use it when the cell did not display one.
            for ext in ("png", "svg"):
                f = self.outputs / "figures" / run_id / f"{embed.label}.{ext}"
                if f.is_file():
                    data = f.read_bytes()
                    return Output(ext, base64.b64encode(data).decode() if ext == "png" else data.decode(),
                                   caption, run_id)
        texts = [notebook_text(d["text/plain"]) for d in rich if "text/plain" in d]
        texts += [notebook_text(o.get("text")) for o in outputs
                  if o.get("output_type") == "stream" and o.get("name") == "stdout"]
        if texts:
            return Output("text", "".join(t if t.endswith("\n") else t + "\n" for t in texts), caption, run_id)
        return None


def data_files(outputs: Path, run_id: str, label: str) -> list[Path]:
    """The data behind an embedded output that the site offers for download: CSV, then XLSX.

    ``ctx.show`` saves them as ``outputs/tables/<run id>/<label>.csv|.xlsx``; the list is empty
    when the notebook saved none.
    """
    folder = outputs / "tables" / run_id
    return [folder / f"{label}.{ext}" for ext in ("csv", "xlsx") if (folder / f"{label}.{ext}").is_file()]


def shows_example(chapter: Chapter, nbs: Notebooks) -> bool:
    """Whether ``chapter`` embeds an output that shows example data.

    The executed notebook records it per output (:func:`punos_lib.study.output_metadata`); an
    output that does not say (older notebooks) counts as example data. Both engines put the demo
    banner on exactly these chapters (pages of the website, chapter starts of the PDF).
    """
    return any(out.synthetic is not False and out.kind != "missing"
               for out in (nbs.resolve(it) for it in chapter.items if isinstance(it, Embed)))

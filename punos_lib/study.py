"""The notebook-facing context: parameters, snapshot, and saving every figure's and table's data.

A study notebook starts with a parameters cell (``region``, ``sector``, ``year``, ``lang``,
``run_id``; papermill overrides them) and then::

    study = Study(region, sector, year, lang, run_id)
    ...
    #| label: fig-vaesto
    #| fig-cap: "Väestö kunnittain"
    study.show(fig, "fig-vaesto", caption="Väestö kunnittain", data=frame)

:meth:`Study.show` writes the data to ``outputs/tables/<run_id>/<label>.csv`` and ``.xlsx`` and a
figure to ``outputs/figures/<run_id>/<label>.png`` and ``.svg`` (docs/architecture.md), then
displays it. All files are deterministic: the same inputs give byte-identical files.

Examples
--------
>>> import pandas as pd
>>> Study("MK10").region_name
'Etelä-Savo'
>>> Study("MK10", run_id=None).run_id
'mk10'
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from punos_lib.present import figures, tables
from punos_lib.errors import InputError, SnapshotError
from punos_lib.reference.regions import REGIONS

__all__ = ["Study", "output_metadata", "write_table", "table_html", "table_markdown"]

_LANGS = ("fi", "sv", "en")
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_LABEL = re.compile(r"^(fig|tbl)-[A-Za-z0-9][A-Za-z0-9_-]*$")
# Fixed file dates so two writes of the same table are byte-identical (the ZIP format cannot
# store dates before 1980).
_FIXED_DATE = _dt.datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------------------------
# deterministic tables
# ---------------------------------------------------------------------------------------------
def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A plain frame: a meaningful index becomes columns, column labels become strings."""
    out = frame
    if not (isinstance(out.index, pd.RangeIndex) and out.index.name is None
            and out.index.start == 0 and out.index.step == 1):
        out = out.reset_index()
    if isinstance(out.columns, pd.MultiIndex):
        out = out.copy()
        out.columns = [" / ".join(str(p) for p in col if str(p) != "") for col in out.columns]
    else:
        out = out.rename(columns=str)
    if out.columns.duplicated().any():
        dup = sorted(set(out.columns[out.columns.duplicated()]))
        raise InputError(f"table has duplicate column names {dup}; rename them before saving")
    return out


def _fixed_float(value: float) -> str:
    # Fixed-point with at most 10 decimals: no scientific notation, no 0.30000000000000004.
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    from punos_lib._spreadsheet import csv_safe_frame

    # Text that a spreadsheet would run as a formula ("=HYPERLINK(...)") gets an apostrophe.
    text = csv_safe_frame(frame).to_csv(index=False, lineterminator="\n", na_rep="", float_format=_fixed_float)
    return text.encode("utf-8")


def _cell(value: Any) -> Any:
    """A value openpyxl can store, with missing values as empty cells."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (_dt.date, _dt.datetime, str)):
        return value
    return str(value)


def _xlsx_bytes(frame: pd.DataFrame, info: Sequence[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    from punos_lib._spreadsheet import text_cells_only

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    # Fixed number formats per column: whole numbers (years, counts) without grouping so years
    # stay "2024"; decimals with grouping and up to three decimals.
    for j, column in enumerate(frame.columns, start=1):
        dtype = frame[column].dtype
        fmt = "0" if pd.api.types.is_integer_dtype(dtype) else (
            "#,##0.0##" if pd.api.types.is_float_dtype(dtype) else None)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    meta = wb.create_sheet("tiedot")
    for key, value in info:
        meta.append([key, value])
    for (cell,) in meta.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    # Curated text beginning with "=" is stored as text, never as a live formula.
    text_cells_only(ws)
    text_cells_only(meta)
    wb.properties.creator = "punos"
    wb.properties.lastModifiedBy = None
    wb.properties.created = _FIXED_DATE
    wb.properties.modified = _FIXED_DATE
    raw = io.BytesIO()
    # openpyxl.save_workbook would stamp "modified" with the current time; its writer does not.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    # Re-pack with fixed member dates: zip entries otherwise carry the time of writing.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in src.infolist():
            info_out = zipfile.ZipInfo(member.filename, date_time=_ZIP_DATE)
            info_out.compress_type = zipfile.ZIP_DEFLATED
            info_out.external_attr = 0o644 << 16
            dst.writestr(info_out, src.read(member.filename))
    return out.getvalue()


def _provenance_of(frame: Any) -> dict[str, Any] | None:
    attrs = getattr(frame, "attrs", None) or {}
    prov = attrs.get("provenance")
    return dict(prov) if isinstance(prov, Mapping) else None


def _info_rows(caption: str | None, provenance: Mapping[str, Any] | None,
               synthetic: bool) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if synthetic:
        rows.append(("HUOM", figures.DEMO_TEXT))
    if caption:
        rows.append(("Otsikko", caption))
    if provenance:
        if provenance.get("attribution"):
            rows.append(("Lähde", figures.source_line(None, provenance)))
        if provenance.get("datasets"):
            rows.append(("Aineistot", ", ".join(map(str, provenance["datasets"]))))
        updated = provenance.get("updated")
        if isinstance(updated, Mapping) and updated:
            rows.append(("Päivitetty", ", ".join(f"{k}: {v}" for k, v in sorted(updated.items()))))
    return rows


def write_table(frame: pd.DataFrame, path_stem: str | os.PathLike[str], *,
                caption: str | None = None, provenance: Mapping[str, Any] | None = None,
                synthetic: bool | None = None) -> list[Path]:
    """Write ``<stem>.csv`` (comma, UTF-8) and ``<stem>.xlsx`` atomically and deterministically.

    Rows keep the frame's order (the order the reader sees in the study); a meaningful index is
    written as columns. Floats are written fixed-point with at most 10 decimals; missing values
    as empty cells. The XLSX has the table on sheet ``data`` and the caption, source, datasets
    and (for synthetic data) the demo mark on sheet ``tiedot``; its file dates are fixed.

    Parameters
    ----------
    frame : DataFrame
    path_stem : path without suffix
    caption : str, optional
    provenance : dict, optional
        Default ``frame.attrs["provenance"]``.
    synthetic : bool, optional
        Default ``provenance["synthetic"]``.

    Returns
    -------
    list of Path
        ``[csv, xlsx]``.
    """
    from punos_lib._atomic import atomic_write_bytes

    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"write_table: expected a pandas DataFrame, got {type(frame).__name__}")
    provenance = provenance if provenance is not None else _provenance_of(frame)
    if synthetic is None:
        synthetic = bool((provenance or {}).get("synthetic"))
    flat = _flat(frame)
    stem = Path(path_stem)
    csv_path = stem.parent / f"{stem.name}.csv"
    xlsx_path = stem.parent / f"{stem.name}.xlsx"
    atomic_write_bytes(csv_path, _csv_bytes(flat))
    atomic_write_bytes(xlsx_path, _xlsx_bytes(flat, _info_rows(caption, provenance, synthetic)))
    return [csv_path, xlsx_path]


# ---------------------------------------------------------------------------------------------
# notebook display of tables
# ---------------------------------------------------------------------------------------------
def _display_cells(frame: pd.DataFrame, lang: str) -> list[list[str]]:
    # A table that knows its precision says so in attrs["decimals"] (column → digits); the
    # guess from the values is only the fallback.
    given = frame.attrs.get("decimals") or {}
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            dec = int(given[name]) if name in given else tables.shown_decimals(series)
            # Years and codes stored as numbers must not get thousands separators.
            year_like = str(name).lower() in ("year", "vuosi")
            columns.append([str(int(v)) if year_like and pd.notna(v)
                            else figures.format_number(None if pd.isna(v) else float(v), dec, lang=lang)
                            for v in series])
        else:
            columns.append(["–" if pd.isna(v) else str(v) for v in series])
    return [list(row) for row in zip(*columns)] if columns else []


#: A table whose columns' longest words (in characters, with the cells' padding) add up to more
#: than this is shown in smaller type on the website (about a 48 rem text column).
WIDE_TABLE_CHARS = 95


#: A table cell that is one web address (made a link by :func:`table_html` and :func:`table_markdown`).
_WEB_ADDRESS = re.compile(r"https://[^\s<>\"']+")


def table_html(frame: pd.DataFrame, *, caption: str | None = None, synthetic: bool = False,
               source: str | None = None, lang: str = "fi") -> str:
    """An HTML table with Finnish number format, source line and the demo mark.

    The caption labels the table (``aria-label``) but is not shown: the published chapter shows
    the cell's numbered caption, so a ``<caption>`` would repeat it (issue 10). Wide tables get
    the class ``punos-wide`` and smaller type; the box scrolls sideways when a table still does
    not fit (``templates/tables.css``).

    Examples
    --------
    >>> html_text = table_html(pd.DataFrame({"a": [1234.5]}), caption="T", synthetic=True)
    >>> "ESIMERKKIAINEISTO" in html_text and "1\u202f234,5" in html_text
    True
    """
    flat = _flat(frame)
    esc = html.escape
    numeric = [pd.api.types.is_numeric_dtype(flat[c].dtype) and not pd.api.types.is_bool_dtype(flat[c].dtype)
               for c in flat.columns]
    rows = _display_cells(flat, lang)
    header = [str(c) for c in flat.columns]
    # A table whose longest words alone fill a page column is "wide": smaller type, tighter cells.
    # The box scrolls sideways (with a shadow at the edge that hides columns) if it still does not
    # fit; the inline styles make this work in Quarto's pages too.
    minima = tables.column_widths(header, rows, numeric, available=0) if header else []
    wide = sum(minima) + 2.5 * len(minima) > WIDE_TABLE_CHARS
    classes = "punos-table punos-wide" if wide else "punos-table"
    label = f' aria-label="{esc(caption)}"' if caption else ""
    parts = [f'<div class="{classes}" style="overflow-x:auto;max-width:100%">']
    if synthetic:
        parts.append('<p class="punos-demo" style="color:#C00000;font-weight:bold">'
                     f"{esc(figures.DEMO_TEXT)}</p>")
    # The caption is the chapter's (numbered, from the cell's tbl-cap); a <caption> here would be
    # shown a second time under it. It stays for screen readers as the table's label.
    parts.append(f'<table style="font-size:0.78em"{label}>' if wide else f"<table{label}>")

    def text(value: str) -> str:
        # A cell that is one web address (the catalogue's pages) is a link named by its site
        # ("pxdata.stat.fi"): the whole address broke into a column of twenty short lines. Other
        # long words (paths) may break after "/" or ".".
        if _WEB_ADDRESS.fullmatch(value):
            return f'<a href="{esc(value)}">{esc(urlsplit(value).netloc)}</a>'
        return esc(tables.breakable(value)).replace("\u200b", "<wbr>")

    parts.append("<thead><tr>" + "".join(f'<th style="text-align:right">{esc(c)}</th>' if num else f"<th>{esc(c)}</th>"
                                        for c, num in zip(header, numeric)) + "</tr></thead><tbody>")
    for row in rows:
        cells = "".join(f'<td style="text-align:right">{esc(v)}</td>' if num else f"<td>{text(v)}</td>"
                        for v, num in zip(row, numeric))
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    if source:
        parts.append(f'<p class="punos-source">{esc(source)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


#: Characters of a full-width line that the dashes of a Markdown table are shared out over.
_MARKDOWN_WIDTH = 100


def table_markdown(frame: pd.DataFrame, *, caption: str | None = None, synthetic: bool = False,
                   source: str | None = None, lang: str = "fi") -> str:
    """The same table as a Markdown pipe table (for renderers that take Markdown outputs)."""
    flat = _flat(frame)

    def cell(text: str) -> str:
        if _WEB_ADDRESS.fullmatch(text):
            return f"<{text}>"
        return text.replace("|", "\\|").replace("\n", " ")

    lines = []
    if synthetic:
        lines += [f"**{figures.DEMO_TEXT}**", ""]
    numeric = [pd.api.types.is_numeric_dtype(flat[c].dtype) for c in flat.columns]
    header = [str(c) for c in flat.columns]
    rows = [list(r) for r in _display_cells(flat, lang)]
    # Pandoc sizes the columns of a wide pipe table by the dashes under each heading (Quarto's
    # PDF of equal dashes broke every word): as many dashes as the column's content width.
    widths = tables.column_widths(header, rows, numeric, available=_MARKDOWN_WIDTH)
    dashes = [max(3, round(w)) for w in widths]
    lines.append("| " + " | ".join(cell(h) for h in header) + " |")
    lines.append("|" + "|".join(("-" * d + ":") if n else (":" + "-" * d) for n, d in zip(numeric, dashes)) + "|")
    for row in rows:
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    if caption:
        lines += ["", f": {cell(caption)}"]
    if source:
        lines += ["", source]
    return "\n".join(lines)


#: The words with which a row of a table about data sources says it is example data.
EXAMPLE_ROW_WORD = "esimerkkiaineisto"


def _check_rows_say_example(shown: pd.DataFrame, data: pd.DataFrame, label: str, synthetic: bool) -> None:
    """Refuse a table about data sources that would hide example data (``show(about_sources=True)``).

    Every row that ``data["synthetic"]`` marks (when ``data`` has that column, row for row with
    ``shown``) must have a cell reading "Esimerkkiaineisto"; without the column, a table whose
    provenance is synthetic must have at least one such cell.
    """
    cells = shown.astype(str).apply(lambda col: col.str.lower().str.contains(EXAMPLE_ROW_WORD, regex=False))
    says = cells.any(axis=1).to_numpy()
    if "synthetic" in data.columns and len(data) == len(shown):
        marked = data["synthetic"].eq(True).to_numpy()
        hidden = [str(i + 1) for i in range(len(shown)) if marked[i] and not says[i]]
        if hidden:
            raise InputError(f"show({label!r}, about_sources=True): rows {', '.join(hidden)} are example "
                             "data but no cell of them says 'Esimerkkiaineisto'; a table about data sources "
                             "is shown without the demo mark, so each example row must say it itself")
    elif synthetic and not says.any():
        raise InputError(f"show({label!r}, about_sources=True): the data includes example data but no "
                         "cell of the table says 'Esimerkkiaineisto'; a table about data sources is shown "
                         "without the demo mark, so its rows must say which sources are example data")


def output_metadata(synthetic: bool) -> dict[str, Any]:
    """The display metadata saying whether an output shows example data.

    Kept with the output in the executed notebook, so the publisher puts the example-data banner
    only on the pages that show example data. :meth:`Study.show` adds it to every figure and
    table; a notebook that displays text itself passes it:
    ``display(Markdown(text), metadata=study.output_metadata(synthetic))``.
    """
    return {"punos": {"synthetic": bool(synthetic)}}


def _notebook_display() -> Any:
    """IPython's ``display`` inside an IPython kernel or shell; ``None`` in plain Python.

    Outside IPython there is nowhere to show rich output (and printing the raw bundle would only
    be noise); the files written by :meth:`Study.show` are the result then.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    return display if get_ipython() is not None else None


# ---------------------------------------------------------------------------------------------
# the study context
# ---------------------------------------------------------------------------------------------
class Study:
    """Parameters and outputs of one run of a study notebook.

    Parameters
    ----------
    region : str
        Region code, ``"MK01"`` … ``"MK21"`` (the 19 regions of 2025).
    sector : str, optional
        Sector id of ``data/sectors.yaml`` (sector notebooks).
    year : int, optional
        Statistics year; ``None`` = the latest in the snapshot.
    lang : {"fi", "sv", "en"}
        Language of labels (the study is written in Finnish).
    run_id : str, optional
        Output stem (set by the pipeline); default ``"<region>"`` or ``"<region>-<sector>"`` in
        lower case, e.g. ``"mk10-metsa"``.
    snapshot_dir, outputs_dir : path, optional
        Default :func:`punos_lib.paths.snapshot_dir` and :func:`punos_lib.paths.outputs_dir`.

    Raises
    ------
    InputError
        Unknown region (the message lists the valid codes), sector, language, year or run id.
    """

    def __init__(self, region: str = "MK10", sector: str | None = None, year: int | None = None,
                 lang: str = "fi", run_id: str | None = None, *,
                 snapshot_dir: str | os.PathLike[str] | None = None,
                 outputs_dir: str | os.PathLike[str] | None = None) -> None:
        if not isinstance(region, str) or region not in REGIONS:
            raise InputError(f"unknown region {region!r}; valid region codes are "
                             f"{', '.join(REGIONS)} (e.g. 'MK10' = Etelä-Savo)")
        if lang not in _LANGS:
            raise InputError(f"unknown language {lang!r}; use one of {', '.join(_LANGS)}")
        if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
            raise InputError(f"year must be a whole number such as 2024 or None (latest), got {year!r}")
        if sector is not None and not isinstance(sector, str):
            raise InputError(f"sector must be a sector id string or None, got {sector!r}")
        self.region: str = region
        self.year: int | None = None if year is None else int(year)
        self.lang: str = lang
        self._sector_id = sector
        self._sector: Any = None
        if sector is not None:
            from punos_lib.reference.sectors import get_sector

            self._sector = get_sector(sector)  # fails here, in the parameters cell, if unknown
        if run_id is None:
            run_id = region.lower() + (f"-{sector}" if sector else "")
        if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
            raise InputError(f"run_id {run_id!r} is not a usable folder name; use letters, digits, "
                             "'.', '_' and '-' (e.g. 'mk10-metsa')")
        self.run_id: str = run_id
        self._snapshot_dir = None if snapshot_dir is None else Path(snapshot_dir)
        self._outputs_dir = None if outputs_dir is None else Path(outputs_dir)

    def __repr__(self) -> str:
        return (f"Study(region={self.region!r}, sector={self._sector_id!r}, year={self.year!r}, "
                f"lang={self.lang!r}, run_id={self.run_id!r})")

    # -- parameters ---------------------------------------------------------------------------
    @property
    def region_name(self) -> str:
        """Finnish name of the region, e.g. ``"Etelä-Savo"``."""
        return REGIONS[self.region]

    @property
    def sector(self) -> Any:
        """The :class:`punos_lib.reference.sectors.Sector`, or ``None`` for the region-wide notebooks."""
        return self._sector

    # -- data ---------------------------------------------------------------------------------
    @cached_property
    def snapshot(self) -> Any:
        """The :class:`punos_lib.snapshot.store.Snapshot` the notebook reads."""
        from punos_lib.snapshot.store import Snapshot

        return Snapshot(self._snapshot_dir)

    @property
    def synthetic(self) -> bool:
        """True when any entry of the snapshot is synthetic (built by ``punos demo``).

        Raises
        ------
        SnapshotError
            There is no snapshot (run ``punos demo`` or ``punos fetch``).
        """
        snap = self.snapshot
        if not snap.exists:
            raise SnapshotError(f"no data snapshot at {snap.root} (manifest.json missing); "
                                "run `punos fetch` for real data or `punos demo` for example data")
        return bool(snap.synthetic())

    @cached_property
    def municipalities(self) -> list[str]:
        """Codes (``KUxxx``) of the region's municipalities in the current division, sorted.

        The one way a notebook gets them (from the snapshot's municipality key).
        """
        from punos_lib import datasets
        from punos_lib.analysis.areas import region_municipalities

        return region_municipalities(datasets.municipalities(self.snapshot), self.region)

    def map(self, values: pd.DataFrame, *, column: str, legend_title: str,
            level: str = "municipality", **kwargs: Any) -> Figure:
        """A map of ``values`` for this region: a choropleth when the snapshot has boundaries,
        else the tile map (:func:`punos_lib.present.maps.auto_map`).

        The study context loads the municipality key and the boundaries from its snapshot, so
        drawing never reads data itself.

        Parameters
        ----------
        values : DataFrame
            ``area`` (KUxxx for municipalities, MKxx for regions) and ``column``.
        column, legend_title : str
        level : {"municipality", "region"}
        **kwargs
            Passed on to :func:`~punos_lib.present.maps.auto_map` (title, decimals, scheme, k,
            bins, note, sources).
        """
        from punos_lib import datasets
        from punos_lib.present import maps

        return maps.auto_map(values, level=level, region=self.region, column=column,
                             legend_title=legend_title,
                             boundaries=datasets.boundaries(self.snapshot, level=level),
                             municipalities=datasets.municipalities(self.snapshot), **kwargs)

    # -- outputs ------------------------------------------------------------------------------
    @property
    def outputs_dir(self) -> Path:
        """The outputs folder (``outputs/``)."""
        if self._outputs_dir is None:
            from punos_lib.paths import outputs_dir

            return outputs_dir()
        return self._outputs_dir

    @property
    def tables_dir(self) -> Path:
        """``outputs/tables/<run_id>``."""
        return self.outputs_dir / "tables" / self.run_id

    @property
    def figures_dir(self) -> Path:
        """``outputs/figures/<run_id>``."""
        return self.outputs_dir / "figures" / self.run_id

    def _is_synthetic(self, provenance: Mapping[str, Any] | None) -> bool:
        # The frame's own provenance decides; without it, the snapshot does (when there is one).
        if provenance is not None and "synthetic" in provenance:
            return bool(provenance["synthetic"])
        snap = self.snapshot
        return bool(snap.exists and snap.synthetic())

    def show(self, obj: Figure | pd.DataFrame, label: str, *, caption: str | None = None,
             data: pd.DataFrame | None = None, sources: str | Sequence[str] | None = None,
             note: str | Sequence[str] | None = None, about_sources: bool = False) -> None:
        """Save a figure or table under ``label`` and display it in the notebook.

        Parameters
        ----------
        obj : Figure or DataFrame
            A figure or a table. A figure without a source line is finished here
            (:func:`punos_lib.present.figures.finish`: source line, update date, notes and, for
            synthetic data, the demo mark) from ``data.attrs["provenance"]``; maps and other
            figures that finish themselves are saved as they are.
        label : str
            The cell's label: ``fig-…`` for figures, ``tbl-…`` for tables.
        caption : str, optional
            Caption (tables: the HTML table's label for screen readers, not shown: the chapter
            shows the cell's numbered ``tbl-cap``; both: written to the XLSX info sheet).
        data : DataFrame
            The data behind a figure (required for figures: every figure's data is published);
            for tables, default the table itself.
        sources : str or list of str, optional
            Source names added to the provenance's attribution (figures), or the source line of
            a table whose provenance has no attribution.
        note : str or list of str, optional
            Extra lines under a figure (definitions, caveats).
        about_sources : bool, default False
            The table describes the study's data sources (which datasets there are, where from,
            whether each is real or example data); it shows no statistics. It is then never
            marked as example data, so its chapter gets no demo banner for it, even when some
            of the sources it lists are example data: each such row says so instead (a cell of
            the row reads "Esimerkkiaineisto"; checked when ``data`` has a ``synthetic`` column
            row by row, else at least one cell). Tables only.

        Writes ``outputs/tables/<run_id>/<label>.csv|.xlsx`` (the data with the shown table's
        Finnish headings and digits, :func:`punos_lib.present.tables.download_frame`) and, for figures,
        ``outputs/figures/<run_id>/<label>.png|.svg``. When the data is synthetic a figure without
        the demo mark gets one, and a table is shown with the mark above it.
        """
        if not isinstance(label, str) or not _LABEL.match(label):
            raise InputError(f"label {label!r} is not a figure/table label; use 'fig-name' or "
                             "'tbl-name' (letters, digits, '-' and '_'), the same as the cell's "
                             "'#| label:'")
        is_fig = isinstance(obj, Figure)
        if not is_fig and not isinstance(obj, pd.DataFrame):
            raise InputError(f"show({label!r}): expected a matplotlib Figure or a pandas DataFrame, "
                             f"got {type(obj).__name__}")
        if is_fig and not label.startswith("fig-"):
            raise InputError(f"show: a figure needs a label starting with 'fig-', got {label!r}")
        if not is_fig and not label.startswith("tbl-"):
            raise InputError(f"show: a table needs a label starting with 'tbl-', got {label!r}")
        if is_fig and data is None:
            raise InputError(f"show({label!r}): pass data=<the frame plotted>; every figure's data "
                             "is saved as CSV/XLSX next to the study")
        table = obj if data is None else data
        if not isinstance(table, pd.DataFrame):
            raise InputError(f"show({label!r}): data must be a pandas DataFrame, got {type(table).__name__}")
        provenance = _provenance_of(table) or (_provenance_of(obj) if not is_fig else None)
        synthetic = self._is_synthetic(provenance)
        if about_sources:
            if is_fig:
                raise InputError(f"show({label!r}): about_sources= is for tables that list data "
                                 "sources; a figure shows data and is marked by its own data")
            _check_rows_say_example(obj, table, label, synthetic)
            synthetic = False
        if is_fig:
            # Finished before anything is written, so a figure without a source fails cleanly.
            if not figures.is_finished(obj):
                figures.finish(obj, sources=sources, provenance=provenance, note=note)
            elif note is not None:
                raise InputError(f"show({label!r}): the figure is already finished (a map or a "
                                 "registry figure); pass the note to the function that drew it")
            if synthetic and not figures.is_marked_synthetic(obj):
                figures.mark_synthetic(obj, list((provenance or {}).get("datasets") or []))
        elif note is not None:
            raise InputError(f"show({label!r}): note= is for figures; put a table's remark in "
                             "its caption")
        # The download carries the headings and digits the reader sees, not the analysis names.
        download = tables.download_frame(table, None if is_fig else obj)
        write_table(download, self.tables_dir / label, caption=caption, provenance=provenance,
                    synthetic=synthetic)
        if is_fig:
            png_path, svg_path = figures.save(obj, self.figures_dir / label)
            # The notebook shows the very files just written: rendering the figure again took as
            # long as saving it (a third of a figure-heavy notebook's time) for the same bytes.
            self._display_figure(obj, label, caption, synthetic, png_path.read_bytes(), svg_path.read_bytes())
        else:
            source = None
            if sources or (provenance or {}).get("attribution"):
                source = figures.source_line(sources, provenance)
            self._display_table(obj, caption, synthetic, source)

    # -- display ------------------------------------------------------------------------------
    def _display_figure(self, fig: Figure, label: str, caption: str | None, synthetic: bool,
                        png: bytes, svg_bytes: bytes) -> None:
        display = _notebook_display()
        if display is None:
            return

        svg = svg_bytes.decode("utf-8")
        width = int(round(fig.get_figwidth() * 96))  # CSS pixels; the PNG has PNG_DPI for print
        bundle = {
            "image/png": base64.b64encode(png).decode("ascii"),
            "image/svg+xml": svg,
            "text/plain": f"<{caption or label}>",
        }
        meta = output_metadata(synthetic)
        # What the figure shows, from its data (the publisher puts it in <img alt> and Quarto's fig-alt).
        alt = figures.alt_text(fig)
        meta["punos"]["alt"] = f"{figures.DEMO_ALT_PREFIX}{alt}" if synthetic else alt
        display(bundle, raw=True, metadata={"image/png": {"width": width}, **meta})

    def _display_table(self, frame: pd.DataFrame, caption: str | None, synthetic: bool,
                       source: str | None) -> None:
        display = _notebook_display()
        if display is None:
            return

        plain = frame.to_string(max_rows=30)
        if synthetic:
            plain = figures.DEMO_TEXT + "\n" + plain
        bundle = {
            "text/html": table_html(frame, caption=caption, synthetic=synthetic, source=source,
                                    lang=self.lang),
            "text/markdown": table_markdown(frame, caption=caption, synthetic=synthetic,
                                            source=source, lang=self.lang),
            "text/plain": plain,
        }
        display(bundle, raw=True, metadata=output_metadata(synthetic))

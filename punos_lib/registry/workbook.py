"""The actor registry and the source catalogue as one Excel workbook: template → filled → validated import.

The shared information of the anticipation network lives in ``data/actors/organisations.csv``,
``data/actors/relations.csv`` and ``data/catalogue.yaml``. People who do not use a text editor
edit it in a workbook, as the forum assessments are collected:

- :func:`write_template` writes the current registry and catalogue into a workbook (sheets
  ``Toimijat``, ``Suhteet``, ``Tietolähteet``, instructions on ``Ohjeet``, a hidden ``_meta``
  sheet identifying the template), one row per record, the files' own column names as headers
  and lists written as ``a; b``; the actors' ``region`` column (the region code, or ``SSS`` for a
  national actor) carries a Finnish heading as a cell note, a list of the allowed codes and an
  explanation on ``Ohjeet``, and so does the sources' ``region`` column (the code of a source about
  one region only, empty for a national or general source);
- :func:`import_workbook` checks every row of every sheet with the same rules as the loaders
  (:func:`punos_lib.registry.actors.load_registry`, :func:`punos_lib.registry.catalogue.load_catalogue`
  and the catalogue's links to the actors) and reports every bad cell at once (sheet, row,
  column, value, what is allowed). Only when nothing is wrong are the three files written, and
  only the ones whose content changed.

Cells are read as the user typed them (a cell typed as ``=…`` stays that text), and no text in the
written workbook is a formula (:mod:`punos_lib._spreadsheet`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from punos_lib._atomic import atomic_write_bytes
from punos_lib._spreadsheet import read_workbook
from punos_lib.errors import InputError, ValidationError
from punos_lib.paths import data_dir
from punos_lib.records import Problems, read_yaml, split_list
from punos_lib.reference.regions import REGIONS
from punos_lib.reference.sectors import known_sector_ids
from punos_lib.registry import actors, catalogue

__all__ = ["TEMPLATE_ID", "TEMPLATE_VERSION", "SHEETS", "write_template", "import_workbook"]

TEMPLATE_ID = "punos-registry"
#: Version 2 added the actors' ``region`` column, version 3 the sources' ``region`` column.
TEMPLATE_VERSION = "3"
_ORGS, _RELS, _SOURCES, _GUIDE, _META = "Toimijat", "Suhteet", "Tietolähteet", "Ohjeet", "_meta"
#: Sheet -> its columns (the field names of the files).
SHEETS: dict[str, tuple[str, ...]] = {
    _ORGS: actors.ORG_COLUMNS,
    _RELS: actors.REL_COLUMNS,
    _SOURCES: catalogue.COLUMNS,
}
_CATALOGUE_LISTS = ("topics", "granularity", *catalogue.ACTOR_LINKS)
#: Finnish heading of the actors' region column (a note on its header cell).
REGION_HEADING = (f"Alue: maakunnan koodi (esim. MK10 = Etelä-Savo) tai {actors.NATIONAL} = valtakunnallinen "
                  "toimija (koko maa)")
#: Finnish heading of the sources' region column (a note on its header cell).
SOURCE_REGION_HEADING = ("Alue: maakunnan koodi (esim. MK10 = Etelä-Savo), jos lähde koskee vain yhtä maakuntaa; "
                         "tyhjä = valtakunnallinen tai yleinen lähde")


def _paths(actors_dir: str | Path | None, catalogue_path: str | Path | None) -> tuple[Path, Path, Path]:
    folder = Path(actors_dir) if actors_dir is not None else data_dir() / "actors"
    cat = Path(catalogue_path) if catalogue_path is not None else data_dir() / "catalogue.yaml"
    return folder / "organisations.csv", folder / "relations.csv", cat


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _template_cell(value: Any) -> str:
    """A record value as the workbook shows it: lists as ``a; b``, missing values empty."""
    if isinstance(value, tuple):
        return "; ".join(value)
    if value is None or (isinstance(value, float) and value != value):  # NaN: a missing optional text
        return ""
    return str(value)


def _instructions() -> list[str]:
    return [
        "Toimijarekisteri ja tietolähdeluettelo",
        "",
        f"Välilehti '{_ORGS}': yksi rivi kutakin toimijaa kohden (tunniste, nimet, tyyppi, rooli, kuntanumero,",
        "alue, painopistealat puolipisteellä eroteltuina, verkko-osoite, lähde).",
        f"Toimijatyypit: {', '.join(actors.ACTOR_TYPES)}.",
        "Sarake region (alue): maakunta, johon toimija kuuluu. Selvitys näyttää maakunnan toimijaverkostossa",
        f"vain sen omat toimijat sekä niihin kytkeytyneet valtakunnalliset toimijat ({actors.NATIONAL}).",
        f"Valtakunnallinen toimija (esim. virasto, ministeriö, valtakunnallinen järjestö): {actors.NATIONAL}.",
        "Maakuntien koodit: " + ", ".join(f"{code} {name}" for code, name in REGIONS.items()) + ".",
        f"Välilehti '{_RELS}': toimijoiden väliset suhteet (from, to = toimijoiden tunnisteet).",
        f"Suhteiden lajit: {', '.join(actors.RELATION_KINDS)}. Varmistamaton tieto: lähteeksi 'oletus'.",
        f"Välilehti '{_SOURCES}': tietolähteet; luettelot (topics, granularity, producer_actors, user_actors)",
        "puolipisteellä eroteltuina, esim. 'region; municipality'.",
        "Sarake region (alue): maakunnan koodi, jos lähde koskee vain yhtä maakuntaa (esim. maakuntaliiton omat",
        "katsaukset); tyhjä, jos lähde on valtakunnallinen tai yleinen. Maakunnan selvitys näyttää",
        "valtakunnalliset lähteet ja maakunnan omat, ei muiden maakuntien lähteitä.",
        "",
        "Älä muuta sarakeotsikoita tai välilehtien nimiä. Tyhjä rivi ohitetaan.",
        "Palauta täytetty tiedosto; se tarkistetaan kokonaan ennen tallennusta, ja jokainen virheellinen",
        "solu nimetään (välilehti, rivi, sarake, arvo, sallitut arvot).",
        "",
        f"Lomakkeen versio {TEMPLATE_VERSION}.",
    ]


def write_template(output: str | Path, *, actors_dir: str | Path | None = None,
                   catalogue_path: str | Path | None = None, sectors: object = None) -> Path:
    """Write the current actor registry and source catalogue into an ``.xlsx`` workbook.

    Parameters
    ----------
    output : str or Path
        The ``.xlsx`` file (written atomically).
    actors_dir, catalogue_path : path, optional
        Default ``data/actors`` and ``data/catalogue.yaml``.
    sectors : optional
        Known sector ids for validating the registry first (default the project's).

    Returns
    -------
    Path
        The workbook.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from punos_lib._spreadsheet import text_cells_only

    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError(f"the template must be an .xlsx file, got {output}; give a name ending in .xlsx")
    if output.is_dir():
        raise InputError(f"{output} is a folder; give a file name ending in .xlsx")
    org_path, _, cat_path = _paths(actors_dir, catalogue_path)
    orgs, rels = actors.load_registry(org_path.parent, sectors=sectors)
    cat = catalogue.load_catalogue(cat_path)

    wb = Workbook()
    guide = wb.active
    guide.title = _GUIDE
    for line in _instructions():
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110
    frames = {_ORGS: orgs, _RELS: rels, _SOURCES: cat}
    for name, columns in SHEETS.items():
        sheet = wb.create_sheet(name)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for rec in frames[name].to_dict("records"):
            sheet.append([_template_cell(rec[c]) for c in columns])
        sheet.freeze_panes = "B2"
        if name in (_ORGS, _SOURCES):
            national = name == _ORGS  # actors name SSS for national; a national source leaves it empty
            heading = REGION_HEADING if national else SOURCE_REGION_HEADING
            header = sheet.cell(row=1, column=columns.index("region") + 1)
            header.comment = Comment(heading, "Punos")
            allowed = [*REGIONS, actors.NATIONAL] if national else list(REGIONS)
            codes = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=not national,
                                   showErrorMessage=True, errorTitle="Alue", error=heading)
            codes.add(f"{header.column_letter}2:{header.column_letter}1048576")
            sheet.add_data_validation(codes)
    meta = wb.create_sheet(_META)
    meta.append(["template", TEMPLATE_ID])
    meta.append(["version", TEMPLATE_VERSION])
    meta.sheet_state = "hidden"
    for worksheet in wb.worksheets:  # curated text must never become a formula
        text_cells_only(worksheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(output, buffer.getvalue())
    return output


def _rows(wb: Any, name: str, path: Path) -> list[tuple[int, dict[str, str]]]:
    """(worksheet row number, record) of every non-empty row of sheet ``name``."""
    columns = SHEETS[name]
    sheet = wb[name]
    header = tuple(_cell_text(c) for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ()))
    if header[: len(columns)] != columns or any(header[len(columns):]):
        raise ValidationError(f"wrong column headers {list(header)}; they must be {list(columns)}. Do not rename "
                              "or move columns; write a new template with `punos registry template`",
                              file=path, sheet=name, row=1)
    out = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(columns), values_only=True), start=2):
        record = {c: _cell_text(v) for c, v in zip(columns, tuple(cells) + (None,) * len(columns), strict=False)}
        if any(record.values()):
            out.append((number, record))
    return out


def _catalogue_entry(record: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for column, text in record.items():
        if column in _CATALOGUE_LISTS:
            if text or column in ("topics", "granularity"):
                entry[column] = list(split_list(text))
        elif text:
            entry[column] = text
        elif column in catalogue.OPTIONAL:
            entry[column] = None
    return entry


def _csv_bytes(columns: tuple[str, ...], records: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def import_workbook(path: str | Path, *, actors_dir: str | Path | None = None,
                    catalogue_path: str | Path | None = None, sectors: object = None) -> list[Path]:
    """Validate a filled registry workbook and write the registry and catalogue files from it.

    Parameters
    ----------
    path : str or Path
        The workbook written by :func:`write_template`, filled in.
    actors_dir, catalogue_path : path, optional
        Where to write; default ``data/actors`` and ``data/catalogue.yaml``.
    sectors : optional
        Known sector ids (default the project's ``sectors.yaml``).

    Returns
    -------
    list of Path
        The files written (those whose content changed; an unchanged workbook writes nothing).

    Raises
    ------
    ValidationError
        Not a registry workbook, wrong headers, or bad rows: every bad cell of every sheet is
        listed (sheet, row, column, value, what is allowed) in one error, and nothing is written.
    """
    path = Path(path)
    org_path, rel_path, cat_path = _paths(actors_dir, catalogue_path)
    for target in (org_path.parent, cat_path.parent):
        if target.exists() and not target.is_dir():
            raise InputError(f"{target} is a file, not a folder; give the folder to write into")
    wb = read_workbook(path)
    missing = [s for s in (*SHEETS, _META) if s not in wb.sheetnames]
    if missing:
        raise ValidationError(f"the workbook lacks sheet(s) {missing}; it is not a Punos registry workbook. "
                              "Write one with `punos registry template --output FILE`", file=path)
    meta = {str(r[0]): _cell_text(r[1]) for r in wb[_META].iter_rows(values_only=True) if r and r[0]}
    if meta.get("template") != TEMPLATE_ID or meta.get("version") != TEMPLATE_VERSION:
        raise ValidationError(f"not a Punos registry workbook of version {TEMPLATE_VERSION}; write a new one "
                              "with `punos registry template --output FILE`", file=path, sheet=_META)
    sheets = {name: _rows(wb, name, path) for name in SHEETS}

    for _, record in sheets[_ORGS]:  # the file's own list form, "metsa;ruoka"
        record["sectors"] = ";".join(split_list(record["sectors"]))
    # Rows are the worksheet's own numbers, so a message points at the row the user sees.
    orgs = [r for _, r in sheets[_ORGS]]
    collected = Problems(path)
    org_problems = Problems(path, sheet=_ORGS)
    actors.check_organisations(sheets[_ORGS], org_problems, known_sector_ids(sectors))
    rel_problems = Problems(path, sheet=_RELS)
    actors.check_relations(sheets[_RELS], rel_problems, {o["id"] for o in orgs}, f"sheet {_ORGS!r}")
    src_problems = Problems(path, sheet=_SOURCES)
    entries = []
    known_actors = {o["id"] for o in orgs}
    for number, record in sheets[_SOURCES]:
        entry = _catalogue_entry(record)
        catalogue.check_entry(entry, number, src_problems)
        for field in catalogue.ACTOR_LINKS:
            for actor in entry.get(field) or []:
                if actor not in known_actors:
                    src_problems.add(f"no actor with this id on sheet {_ORGS!r}; use one of its ids",
                                     row=number, field=field, value=actor)
        entries.append(entry)
    src_problems.unique([e.get("id") for e in entries], field="id", rows=[n for n, _ in sheets[_SOURCES]])
    if not entries:
        src_problems.add("the catalogue would be empty; keep at least one source")
    for problems in (org_problems, rel_problems, src_problems):
        collected.extend(problems)  # one error listing the problems of every sheet
    collected.raise_if_any("registry workbook")

    outputs = {
        org_path: _csv_bytes(actors.ORG_COLUMNS, orgs),
        rel_path: _csv_bytes(actors.REL_COLUMNS, [r for _, r in sheets[_RELS]]),
    }
    document = read_yaml(cat_path) if cat_path.is_file() else {}
    if not (isinstance(document, dict) and _same_sources(document.get("sources"), entries)):
        header = "".join(line for line in cat_path.read_text(encoding="utf-8").splitlines(keepends=True)
                         if line.startswith("#")) if cat_path.is_file() else ""
        body = yaml.safe_dump({"version": 1, "sources": entries}, allow_unicode=True, sort_keys=False, width=100)
        outputs[cat_path] = (header + body).encode("utf-8")
    written = []
    for target, payload in outputs.items():
        if target.is_file() and target.read_bytes() == payload:
            continue
        atomic_write_bytes(target, payload)
        written.append(target)
    return written


def _same_sources(current: Any, entries: list[dict[str, Any]]) -> bool:
    """Whether the catalogue's entries already say what the workbook says (no rewrite needed)."""
    if not isinstance(current, list) or len(current) != len(entries):
        return False
    for old, new in zip(current, entries, strict=True):
        if not isinstance(old, dict):
            return False
        keys = set(old) | set(new)
        for key in keys:
            a, b = old.get(key), new.get(key)
            if isinstance(a, list) or isinstance(b, list):
                if list(a or []) != list(b or []):
                    return False
            elif (None if a in (None, "") else str(a)) != (None if b in (None, "") else str(b)):
                return False
    return True

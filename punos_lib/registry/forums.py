"""Forum pilots and participants' assessments (Punos aim 3).

The regional skills anticipation forum is developed into a matching forum
(kohtaantofoorumi) of working life, education providers and regional
developers, piloted by sector, cluster or theme. This module keeps the forum's
results as data:

- ``data/forums/*.yaml``: one record per pilot (the region it belongs to, who took part,
  what was discussed, which actions were agreed). Records with ``example: true`` are
  illustrations, not real forum results; the study marks them so.
- an Excel template (:func:`write_template`) for one region and sector in which
  participants assess the sector's occupations on the Työvoimabarometri scale, and an
  import (:func:`import_workbook`) that validates a filled workbook and stores it, with
  its region, as CSV under ``data/forums/assessments/``;
- ``data/forums/criteria.csv``: the criteria by which the sector, cluster and
  theme pilots are evaluated (:func:`load_criteria`, :func:`criteria_table`);
- the Finnish tables of chapter 10 of the pilots (:func:`pilots_table`) and
  their agreed actions (:func:`actions_table`), and the sentence shown instead of a table
  or figure when the study's region has no records (:func:`none_recorded_text`).

Every pilot and assessment names its region (``region: MK10``); the study built for a
region shows only that region's records (``load_pilots(region=...)``,
``load_assessments(region=...)``), so another region's study never shows Etelä-Savo's forums.

The forum's view beside the statistics is :mod:`punos_lib.registry.comparison`. openpyxl is
imported only by the functions that write or read workbooks.

Examples
--------
>>> from punos_lib import forums
>>> forums.write_template("sote", Path("sote.xlsx"), region="MK10")  # doctest: +SKIP
>>> forums.import_workbook(Path("sote_filled.xlsx"))           # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from punos_lib._atomic import atomic_write_bytes
from punos_lib._spreadsheet import read_workbook
from punos_lib.errors import InputError, ValidationError
from punos_lib.paths import data_dir
from punos_lib.records import (
    Problems,
    read_csv_table,
    read_yaml,
    require_columns,
    split_list,
    with_curated_provenance,
)
from punos_lib.registry.actors import ACTOR_TYPES
from punos_lib.reference.regions import REGIONS, genitive, require_region
from punos_lib.reference.sectors import known_sector_ids, load_sectors

__all__ = [
    "STATES",
    "HORIZONS",
    "FORMATS",
    "TEMPLATE_VERSION",
    "ASSESSMENT_COLUMNS",
    "load_pilots",
    "pilot_actions",
    "load_assessments",
    "write_template",
    "import_workbook",
    "EXAMPLE_MARK",
    "FORUM_SOURCE",
    "example_marks",
    "pilots_table",
    "actions_table",
    "CRITERIA_COLUMNS",
    "load_criteria",
    "criteria_table",
    "chapter_lead_text",
    "none_recorded_text",
]

#: Työvoimabarometri states: machine value -> Finnish label (as in the workbook).
STATES: dict[str, str] = {
    "balance": "tasapaino",
    "oversupply": "ylitarjonta",
    "matching_problem": "kohtaanto-ongelma",
    "shortage": "pula",
}
#: Time horizon of an assessment: machine value -> Finnish label.
HORIZONS: dict[str, str] = {"0-1": "0–1 v", "1-3": "1–3 v", "3-5": "3–5 v", "5+": "yli 5 v"}
#: Pilot formats: machine value -> Finnish label.
FORMATS: dict[str, str] = {"sector": "toimiala", "cluster": "klusteri", "theme": "teema"}
#: The mark on every table and figure built from example forum records.
EXAMPLE_MARK = "Esimerkki – ei todellisia foorumituloksia"
#: The source line of tables built from the forum records.
FORUM_SOURCE = "Punos-foorumiaineisto"
#: Version 2 added the region to the hidden ``_meta`` sheet.
TEMPLATE_VERSION = "2"
TEMPLATE_ID = "punos-forum-assessment"
#: Columns of a stored assessment CSV, in order.
ASSESSMENT_COLUMNS = (
    "sector", "region", "aml", "occupation_fi", "state", "severity", "horizon", "skills_short",
    "comment", "respondent_type", "template_version", "source_sha256", "example",
)

#: Columns of ``data/forums/criteria.csv``, in order.
CRITERIA_COLUMNS = ("id", "criterion_fi", "question_fi", "evidence_fi", "formats")

_SHEET = "Arviot"
_INFO_SHEET = "Ohjeet"
_META_SHEET = "_meta"
_HEADERS = (
    "Ammattikoodi (AML 2010)", "Ammatti", "Tilanne", "Vakavuus (1–4)", "Aikajänne",
    "Puutteelliset osaamiset", "Kommentti", "Vastaajan toimijatyyppi",
)
_PILOT_FIELDS = ("id", "region", "date", "format", "sector", "title", "participants", "topics", "actions", "example")
_ACTION_FIELDS = ("action", "owner", "deadline")
#: Columns of :func:`load_pilots` (also of an empty result).
_PILOT_COLUMNS = (
    "id", "region", "date", "format", "format_fi", "sector", "title", "topics",
    *(f"participants_{t}" for t in ACTOR_TYPES), "participants_total", "n_actions", "actions", "example", "file",
)


# --------------------------------------------------------------------------- pilots


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _region_problem(value: object) -> str | None:
    """What is wrong with ``value`` as a record's region code, or None when it is one."""
    if value in REGIONS:
        return None
    if _blank(value):
        return ("required field is missing or empty; give the code of the region whose forum this is, "
                "e.g. region: MK10 for Etelä-Savo (codes MK01–MK21 of the regional classification)")
    return f"not a region code; use one of {', '.join(REGIONS)} (e.g. MK10 for Etelä-Savo, MK07 for Päijät-Häme)"


def _check_region(value: object, problems: Problems, *, row: int | None = None, field: str = "region") -> None:
    message = _region_problem(value)
    if message is not None:
        problems.add(message, row=row, field=field, value=None if _blank(value) else value)


def _region_code(region: str | None) -> str | None:
    """``region`` checked as a study's region code (None: every region)."""
    return None if region is None else require_region(region)


def _check_pilot(doc: object, problems: Problems, sector_ids: tuple[str, ...]) -> None:
    if not isinstance(doc, dict):
        problems.add("a pilot record must be a mapping of field: value")
        return
    problems.known_keys(doc, _PILOT_FIELDS, row=None)
    problems.require(doc, [f for f in _PILOT_FIELDS if f not in ("region", "sector", "actions")], row=None)
    _check_region(doc.get("region"), problems)
    if "sector" not in doc:
        problems.add("required field is missing; use null for a cluster or theme pilot", field="sector")
    if doc.get("date") is not None and _as_date(doc["date"]) is None:
        problems.add("must be a date YYYY-MM-DD", field="date", value=doc["date"])
    if doc.get("format") is not None:
        problems.allowed(doc["format"], FORMATS, row=None, field="format")
    sector = doc.get("sector")
    if sector is not None:
        problems.allowed(sector, sector_ids, row=None, field="sector")
    elif doc.get("format") == "sector":
        problems.add("a sector pilot must name its sector", field="sector")
    if "example" in doc:
        problems.type(doc["example"], bool, row=None, field="example", what="true or false")
    participants = doc.get("participants")
    if participants is not None:
        if not isinstance(participants, dict):
            problems.add("must map actor type to a count, e.g. {education: 3}", field="participants")
        else:
            for key, count in participants.items():
                problems.allowed(key, ACTOR_TYPES, row=None, field="participants")
                if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    problems.add("must be a whole number of participants (0 or more)",
                                 field=f"participants.{key}", value=count)
    topics = doc.get("topics")
    if topics is not None and not (isinstance(topics, list) and all(isinstance(t, str) for t in topics)):
        problems.add("must be a list of texts", field="topics", value=topics)
    actions = doc.get("actions", [])
    if actions is None:
        actions = []
    if not isinstance(actions, list):
        problems.add("must be a list of {action, owner, deadline}", field="actions")
        return
    for index, item in enumerate(actions, start=1):
        if not isinstance(item, dict):
            problems.add("must be a mapping {action, owner, deadline}", row=index, field="actions")
            continue
        problems.known_keys(item, _ACTION_FIELDS, row=index)
        problems.require(item, ("action", "owner"), row=index)
        deadline = item.get("deadline")
        if deadline is not None and _as_date(deadline) is None:
            problems.add("must be a date YYYY-MM-DD or null", row=index, field="actions.deadline",
                         value=deadline)


def _record_folder(folder: Path, what: str) -> Path:
    # An empty folder is a council that has held no pilot yet (the study says so); a missing one
    # is a wrong path.
    if not folder.is_dir():
        raise InputError(f"the {what} folder {folder} does not exist; create it (it may stay empty "
                         "until the first forum pilot)")
    return folder


def _pilot_files(folder: Path) -> list[Path]:
    folder = _record_folder(folder, "forum pilot records")
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_pilots(dir: str | Path | None = None, *, sectors: object = None,
                region: str | None = None) -> pd.DataFrame:
    """Read and validate the forum pilot records.

    Parameters
    ----------
    dir : str or Path, optional
        Folder of pilot YAML files (one per pilot); default ``data/forums``.
    sectors : mapping, list of ids, path or None
        Known sector ids; default the project's ``sectors.yaml``.
    region : str, optional
        Keep only the pilots of this region (e.g. ``"MK10"``); every file is validated all the
        same. Default: the pilots of every region.

    Returns
    -------
    pandas.DataFrame
        One row per pilot, ordered by date and id (no rows, the same columns, when ``region``
        has none): ``id, region, date`` (Timestamp),
        ``format, format_fi, sector, title, topics`` (tuple),
        ``participants_<type>`` per actor type, ``participants_total``,
        ``n_actions, actions`` (tuple of dicts), ``example`` (bool), ``file``.

    Raises
    ------
    ValidationError
        All problems of the first bad file (file, field and, for actions, the
        action's 1-based number as row); duplicate ids across files.
    InputError
        The folder does not exist, or ``region`` is not a region code.
    """
    region = _region_code(region)
    folder = Path(dir) if dir is not None else data_dir() / "forums"
    sector_ids = known_sector_ids(sectors)
    rows = []
    for path in _pilot_files(folder):
        doc = read_yaml(path)
        problems = Problems(path)
        _check_pilot(doc, problems, sector_ids)
        problems.raise_if_any("forum pilot record")
        participants = {t: int(doc["participants"].get(t, 0)) for t in ACTOR_TYPES}
        actions = tuple(
            {"action": a["action"], "owner": a["owner"], "deadline": _as_date(a.get("deadline"))}
            for a in (doc.get("actions") or [])
        )
        rows.append({
            "id": str(doc["id"]),
            "region": doc["region"],
            "date": pd.Timestamp(_as_date(doc["date"])),
            "format": doc["format"],
            "format_fi": FORMATS[doc["format"]],
            "sector": doc["sector"],
            "title": doc["title"],
            "topics": tuple(doc["topics"]),
            **{f"participants_{t}": n for t, n in participants.items()},
            "participants_total": sum(participants.values()),
            "n_actions": len(actions),
            "actions": actions,
            "example": doc["example"],
            "file": path.name,
        })
    ids = [r["id"] for r in rows]
    problems = Problems(folder)
    for pid in sorted({i for i in ids if ids.count(i) > 1}):
        files = [r["file"] for r in rows if r["id"] == pid]
        problems.add(f"the same pilot id is used in {', '.join(files)}; ids must be unique", field="id", value=pid)
    problems.raise_if_any("forum pilot records")
    if region is not None:
        rows = [r for r in rows if r["region"] == region]
    frame = pd.DataFrame(rows, columns=list(_PILOT_COLUMNS))
    return frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def pilot_actions(pilots: pd.DataFrame) -> pd.DataFrame:
    """The agreed actions of all pilots as one table.

    Returns
    -------
    pandas.DataFrame
        Columns ``pilot_id, title, action, owner, deadline, example``.
    """
    if "actions" not in getattr(pilots, "columns", ()):
        raise InputError("pass the DataFrame from load_pilots()")
    rows = [
        {"pilot_id": rec["id"], "title": rec["title"], **action, "example": rec["example"]}
        for rec in pilots.to_dict("records")
        for action in rec["actions"]
    ]
    return pd.DataFrame(rows, columns=["pilot_id", "title", "action", "owner", "deadline", "example"])


# --------------------------------------------------------------------------- template


def _default_occupation_names() -> dict[str, str]:
    """Occupation names from the project's ``data/classifications/aml2010.csv``, if present."""
    try:
        path = data_dir() / "classifications" / "aml2010.csv"
    except InputError:
        return {}
    if not path.is_file():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"code", "name_fi"} <= set(table.columns):
        return {}
    return dict(zip(table["code"], table["name_fi"], strict=True))


def _instructions(sector_id: str, sector_name: str, region: str) -> list[str]:
    states = ", ".join(STATES.values())
    return [
        f"Osaamistarpeiden arviointi – {sector_name}",
        f"Maakunta: {REGIONS[region]} ({region})",
        "",
        "Tällä lomakkeella kootaan kohtaantofoorumin osallistujien arviot toimialan ammateista.",
        f"Täytä välilehti '{_SHEET}': yksi rivi kutakin ammattia kohden. Jätä rivi tyhjäksi, "
        "jos et arvioi ammattia.",
        "",
        f"Tilanne: valitse {states} (Työvoimabarometrin asteikko).",
        "Vakavuus: 1 = lievä … 4 = erittäin vakava.",
        f"Aikajänne: {', '.join(HORIZONS.values())}.",
        "Puutteelliset osaamiset: vapaa teksti, esim. 'digitaaliset taidot, kielitaito'.",
        f"Vastaajan toimijatyyppi: {', '.join(ACTOR_TYPES.values())}.",
        "",
        "Älä muuta ammattikoodeja, sarakeotsikoita tai välilehtien nimiä.",
        f"Palauta täytetty tiedosto; se tuodaan komennolla: punos forum import <tiedosto>",
        "",
        f"Toimiala: {sector_id}; maakunta: {region}; lomakkeen versio {TEMPLATE_VERSION}.",
    ]


def write_template(
    sector: str,
    output: str | Path,
    *,
    region: str,
    sectors: object = None,
    occupations: Mapping[str, str] | None = None,
) -> Path:
    """Write an Excel workbook for a forum's assessments of one sector's occupations.

    Parameters
    ----------
    sector : str
        Sector id (e.g. ``"sote"``); its AML 2010 codes give the rows.
    output : str or Path
        The ``.xlsx`` file to write (atomically: temp file, then rename).
    region : str
        The region whose forum the workbook is for (e.g. ``"MK10"``, the study's region);
        stored in the workbook and carried into every imported assessment.
    sectors : mapping id -> Sector, path or None
        Where the sector comes from; default the project's ``sectors.yaml``.
        The values need ``aml`` (tuple of 4-digit codes) and ``name_fi``.
    occupations : mapping code -> Finnish name, optional
        Occupation names; default the project's
        ``data/classifications/aml2010.csv`` when present, else the name cells
        stay empty.

    Returns
    -------
    Path
        The written workbook.

    Notes
    -----
    Sheets: ``Ohjeet`` (instructions in Finnish), ``Arviot`` (one row per
    occupation, with drop-down lists for state, severity, horizon and
    respondent type) and a hidden ``_meta`` sheet (template id, version,
    region, sector and the occupation codes) that :func:`import_workbook` checks.
    """
    message = _region_problem(region)
    if message is not None:
        raise InputError(f"region {region!r}: {message}")
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError(f"the template must be an .xlsx file, got {output}; give a name ending in .xlsx")
    mapping = sectors if isinstance(sectors, Mapping) else load_sectors(sectors)
    if sector not in mapping:
        raise InputError(f"unknown sector {sector!r}; use one of: {', '.join(mapping)}")
    info = mapping[sector]
    codes = tuple(str(c) for c in getattr(info, "aml", ()))
    if not codes:
        raise InputError(f"sector {sector!r} has no AML 2010 occupation codes in sectors.yaml; add them first")
    sector_name = str(getattr(info, "name_fi", sector))
    names = dict(occupations) if occupations is not None else _default_occupation_names()

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from punos_lib._spreadsheet import text_cells_only

    wb = Workbook()
    guide = wb.active
    guide.title = _INFO_SHEET
    for line in _instructions(sector, sector_name, region):
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110

    sheet = wb.create_sheet(_SHEET)
    sheet.append(list(_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for code in codes:
        sheet.append([code, names.get(code, ""), None, None, None, None, None, None])
    last = len(codes) + 1
    for column, width in zip("ABCDEFGH", (14, 40, 18, 12, 11, 40, 40, 24), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C2"

    def add_list(column: str, values: list[str], title: str) -> None:
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=title,
                                    error=f"Valitse luettelosta: {', '.join(values)}")
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)

    add_list("C", list(STATES.values()), "Tilanne")
    add_list("D", ["1", "2", "3", "4"], "Vakavuus")
    add_list("E", list(HORIZONS.values()), "Aikajänne")
    add_list("H", list(ACTOR_TYPES.values()), "Toimijatyyppi")

    meta = wb.create_sheet(_META_SHEET)
    for key, value in (("template", TEMPLATE_ID), ("version", TEMPLATE_VERSION), ("region", region),
                       ("sector", sector),
                       ("sector_name", sector_name), ("occupations", ";".join(codes))):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    for worksheet in wb.worksheets:  # names from curated files must not become formulas
        text_cells_only(worksheet)

    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(output, buffer.getvalue())
    return output


# --------------------------------------------------------------------------- import


def _label_to_value(cell: object, labels: Mapping[str, str]) -> str | None:
    """Map a Finnish label (or the machine value itself) to the machine value."""
    if cell is None:
        return None
    text = str(cell).strip().lower()
    for value, label in labels.items():
        if text in (label.lower(), value.lower()):
            return value
    return None


def _severity(cell: object) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        number = cell
    elif isinstance(cell, float) and cell.is_integer():
        number = int(cell)
    elif isinstance(cell, str) and cell.strip().isdigit():
        number = int(cell.strip())
    else:
        return None
    return number if 1 <= number <= 4 else None


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _read_meta(wb: Any, path: Path) -> dict[str, str]:
    missing = [s for s in (_SHEET, _META_SHEET) if s not in wb.sheetnames]
    if missing:
        raise ValidationError(
            f"the workbook lacks sheet(s) {missing}; it is not a Punos forum template. Write a new one with "
            "`punos forum template --sector ID --output FILE` and copy the answers into it",
            file=path,
        )
    meta = {str(row[0]): "" if row[1] is None else str(row[1])
            for row in wb[_META_SHEET].iter_rows(values_only=True) if row and row[0] is not None}
    if meta.get("template") != TEMPLATE_ID:
        raise ValidationError("the hidden _meta sheet does not identify a Punos forum template; "
                              "write a new template with `punos forum template`", file=path, sheet=_META_SHEET)
    if meta.get("version") == "1":
        raise ValidationError("template version '1' does not say which region the assessments are for; "
                              "write a new template with `punos forum template --sector ID --region MKxx "
                              "--output FILE` and copy the answers into it", file=path, sheet=_META_SHEET,
                              field="version")
    if meta.get("version") != TEMPLATE_VERSION:
        raise ValidationError(f"template version {meta.get('version')!r} is not supported (expected "
                              f"{TEMPLATE_VERSION}); write a new template with `punos forum template`",
                              file=path, sheet=_META_SHEET, field="version")
    return meta


def import_workbook(
    path: str | Path,
    dest_dir: str | Path | None = None,
    *,
    sectors: object = None,
    example: bool = False,
) -> Path:
    """Validate a filled assessment workbook and store its rows as CSV.

    Rows with nothing filled in (state, severity, horizon, skills, comment and
    respondent all empty) are skipped: the participant did not assess that
    occupation. A filled row needs a state, a severity 1–4 and the
    respondent's actor type; the horizon is optional but must be one of the
    list's values when given.

    Parameters
    ----------
    path : str or Path
        The filled ``.xlsx`` workbook written by :func:`write_template`.
    dest_dir : str or Path, optional
        Where to store; default ``data/forums/assessments``.
    sectors : mapping, list of ids, path or None
        Known sector ids; default the project's ``sectors.yaml``.
    example : bool
        Mark the stored rows as example data (not real forum results).

    Returns
    -------
    Path
        The stored CSV, named ``<sector>_<first 12 hex of the workbook's
        SHA-256>.csv`` (importing the same file twice gives the same file); every row
        carries the template's region.

    Raises
    ------
    ValidationError
        A file that is not a template workbook, or bad rows: every bad cell is
        listed (sheet, row, column, value, what is allowed) in one error, and
        nothing is written.
    """
    path = Path(path)
    wb = read_workbook(path)
    meta = _read_meta(wb, path)
    sector = meta.get("sector", "")
    if sector not in known_sector_ids(sectors):
        raise ValidationError("unknown sector in the template; write a new template for a sector in sectors.yaml",
                              file=path, sheet=_META_SHEET, field="sector", value=sector)
    region = meta.get("region", "")
    message = _region_problem(region)
    if message is not None:
        raise ValidationError(f"{message}; write a new template with `punos forum template --region MKxx`",
                              file=path, sheet=_META_SHEET, field="region", value=region or None)
    codes = [c for c in meta.get("occupations", "").split(";") if c]
    sheet = wb[_SHEET]
    header = tuple("" if c is None else str(c).strip() for c in next(sheet.iter_rows(min_row=1, max_row=1,
                                                                                     values_only=True), ()))
    if header[: len(_HEADERS)] != _HEADERS or any(h for h in header[len(_HEADERS):]):
        raise ValidationError(f"wrong column headers {list(header)}; they must be {list(_HEADERS)}. "
                              "Do not rename or move columns; copy the answers into a new template",
                              file=path, sheet=_SHEET, row=1)

    problems = Problems(path, sheet=_SHEET)
    rows = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(_HEADERS), values_only=True), start=2):
        cells = tuple(cells) + (None,) * (len(_HEADERS) - len(cells))
        code_cell, name, state_cell, sev_cell, hor_cell, skills, comment, resp_cell = cells
        if all(_blank(c) for c in cells[2:]):
            continue
        code = "" if code_cell is None else str(code_cell).strip()
        if code not in codes:
            problems.add(f"not an occupation code of this template; allowed: {', '.join(codes)}",
                         row=number, field=_HEADERS[0], value=code_cell)
        elif code in seen:
            problems.add(f"the occupation is assessed twice (also on row {seen[code]})",
                         row=number, field=_HEADERS[0], value=code)
        else:
            seen[code] = number
        state = _label_to_value(state_cell, STATES)
        if state is None:
            problems.add(f"missing or unknown state; use one of: {', '.join(STATES.values())}",
                         row=number, field=_HEADERS[2], value=state_cell)
        severity = _severity(sev_cell)
        if severity is None:
            problems.add("missing or invalid severity; use a whole number 1, 2, 3 or 4",
                         row=number, field=_HEADERS[3], value=sev_cell)
        horizon = _label_to_value(hor_cell, HORIZONS)
        if horizon is None and not _blank(hor_cell):
            problems.add(f"unknown horizon; use one of: {', '.join(HORIZONS.values())} or leave empty",
                         row=number, field=_HEADERS[4], value=hor_cell)
        respondent = _label_to_value(resp_cell, ACTOR_TYPES)
        if respondent is None:
            problems.add(f"missing or unknown actor type; use one of: {', '.join(ACTOR_TYPES.values())}",
                         row=number, field=_HEADERS[7], value=resp_cell)
        rows.append({
            "sector": sector, "region": region, "aml": code, "occupation_fi": "" if name is None else str(name).strip(),
            "state": state, "severity": severity, "horizon": horizon or "",
            "skills_short": "" if skills is None else str(skills).strip(),
            "comment": "" if comment is None else str(comment).strip(),
            "respondent_type": respondent,
        })
    problems.raise_if_any("forum assessment workbook")
    if not rows:
        raise ValidationError("no assessments filled in; fill at least one row (state, severity, actor type)",
                              file=path, sheet=_SHEET)

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    frame = pd.DataFrame(rows)
    frame["template_version"] = meta["version"]
    frame["source_sha256"] = digest
    frame["example"] = "true" if example else "false"
    frame = frame[list(ASSESSMENT_COLUMNS)]
    target_dir = Path(dest_dir) if dest_dir is not None else data_dir() / "forums" / "assessments"
    target = target_dir / f"{sector}_{digest[:12]}.csv"
    atomic_write_bytes(target, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return target


def _read_assessment_file(path: Path) -> pd.DataFrame:
    """A stored assessment CSV; one stored before assessments had a region gets a message saying so."""
    try:
        return read_csv_table(path, ASSESSMENT_COLUMNS)
    except ValidationError:
        try:
            header = list(pd.read_csv(path, nrows=0, dtype=str).columns)
        except (OSError, ValueError):
            header = None
        if header is not None and header == [c for c in ASSESSMENT_COLUMNS if c != "region"]:
            raise ValidationError("the file has no region column (it was stored before assessments named "
                                  "their region); add a column region after sector with the region code of "
                                  "every row, e.g. MK10", file=path, row=0, field="region") from None
        raise


def load_assessments(dir: str | Path | None = None, *, sectors: object = None,
                     region: str | None = None) -> pd.DataFrame:
    """Read and validate every stored assessment CSV.

    Parameters
    ----------
    dir : str or Path, optional
        Folder of CSV files written by :func:`import_workbook`; default
        ``data/forums/assessments``.
    sectors : mapping, list of ids, path or None
        Known sector ids; default the project's ``sectors.yaml``.
    region : str, optional
        Keep only the assessments of this region; every file is validated all the same.
        Default: every region.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ASSESSMENT_COLUMNS` plus ``state_fi`` and ``file``;
        ``severity`` is int, ``example`` bool (no rows, the same columns, when ``region`` has
        none).
    """
    region = _region_code(region)
    folder = Path(dir) if dir is not None else data_dir() / "forums" / "assessments"
    files = sorted(_record_folder(folder, "stored forum assessments").glob("*.csv"))
    sector_ids = known_sector_ids(sectors)
    frames = []
    for path in files:
        table = _read_assessment_file(path)
        problems = Problems(path)
        for row, rec in enumerate(table.to_dict("records"), start=1):
            problems.require(rec, ("sector", "aml", "state", "severity", "respondent_type"), row=row)
            _check_region(rec["region"], problems, row=row)
            if rec["sector"]:
                problems.allowed(rec["sector"], sector_ids, row=row, field="sector")
            if rec["aml"]:
                problems.pattern(rec["aml"], r"\d{4}", row=row, field="aml", what="a 4-digit AML 2010 code")
            if rec["state"]:
                problems.allowed(rec["state"], STATES, row=row, field="state")
            if rec["severity"]:
                problems.allowed(rec["severity"], ["1", "2", "3", "4"], row=row, field="severity")
            if rec["horizon"]:
                problems.allowed(rec["horizon"], HORIZONS, row=row, field="horizon")
            if rec["respondent_type"]:
                problems.allowed(rec["respondent_type"], ACTOR_TYPES, row=row, field="respondent_type")
            problems.allowed(rec["example"], ["true", "false"], row=row, field="example")
        problems.raise_if_any("stored forum assessments")
        table["severity"] = table["severity"].astype(int)
        table["example"] = table["example"] == "true"
        table["file"] = path.name
        frames.append(table)
    if frames:
        frame = pd.concat(frames, ignore_index=True)
    else:
        # No workbook imported yet: no rows, the same columns and types.
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in (*ASSESSMENT_COLUMNS, "file")})
        frame = frame.astype({"severity": int, "example": bool})
    frame.insert(frame.columns.get_loc("state") + 1, "state_fi", frame["state"].map(STATES))
    if region is not None:
        frame = frame[frame["region"] == region].reset_index(drop=True)
    return frame


# --------------------------------------------------------------------------- comparison


# --------------------------------------------------------------------------- tables


def example_marks(flags: Iterable[bool]) -> list[str]:
    """:data:`EXAMPLE_MARK` for every example record, an empty text for the others."""
    return [EXAMPLE_MARK if bool(f) else "" for f in flags]


def pilots_table(pilots: pd.DataFrame) -> pd.DataFrame:
    """Finnish table of :func:`punos_lib.registry.forums.load_pilots`, example records marked.

    Columns ``Päivämäärä, Foorumi, Muoto, Toimiala, Aiheet, Osallistujia, Toimia, Merkintä``
    (``Merkintä`` = :data:`EXAMPLE_MARK` for example records).
    """
    require_columns(pilots, ("date", "title", "format_fi", "sector", "topics", "participants_total", "n_actions",
                   "example"), "pilots_table")
    table = pd.DataFrame({
        "Päivämäärä": [pd.Timestamp(d).strftime("%Y-%m-%d") for d in pilots["date"]],
        "Foorumi": pilots["title"].to_numpy(),
        "Muoto": pilots["format_fi"].to_numpy(),
        "Toimiala": ["" if s is None or (isinstance(s, float) and np.isnan(s)) else s for s in pilots["sector"]],
        "Aiheet": ["; ".join(t) for t in pilots["topics"]],
        "Osallistujia": pilots["participants_total"].astype(int).to_numpy(),
        "Toimia": pilots["n_actions"].astype(int).to_numpy(),
        "Merkintä": example_marks(pilots["example"]),
    })
    return with_curated_provenance(table, FORUM_SOURCE,
                                   mark=EXAMPLE_MARK if bool(pilots["example"].any()) else None)


def actions_table(pilots: pd.DataFrame) -> pd.DataFrame:
    """The agreed actions of all pilots: ``Foorumi, Toimi, Vastuu, Määräaika, Merkintä``.

    A missing deadline is shown as ``"ei sovittu"``.
    """
    actions = pilot_actions(pilots)
    table = pd.DataFrame({
        "Foorumi": actions["title"].to_numpy(),
        "Toimi": actions["action"].to_numpy(),
        "Vastuu": actions["owner"].to_numpy(),
        "Määräaika": [d.isoformat() if d is not None and not pd.isna(d) else "ei sovittu"
                      for d in actions["deadline"]],
        "Merkintä": example_marks(actions["example"]),
    })
    return with_curated_provenance(table, FORUM_SOURCE,
                                   mark=EXAMPLE_MARK if bool(actions["example"].any()) else None)


def load_criteria(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the evaluation criteria of the forum pilots.

    Parameters
    ----------
    path : str or Path, optional
        The CSV file (columns :data:`CRITERIA_COLUMNS`); default ``data/forums/criteria.csv``.
        ``formats`` lists the pilot formats a criterion applies to, ``;``-separated
        (``sector``, ``cluster``, ``theme``).

    Returns
    -------
    pandas.DataFrame
        The file's rows in order; ``formats`` as a tuple.

    Raises
    ------
    ValidationError
        Every problem of the file at once (row, field, value): empty fields, unknown formats,
        duplicate ids.
    """
    file = Path(path) if path is not None else data_dir() / "forums" / "criteria.csv"
    table = read_csv_table(file, CRITERIA_COLUMNS)
    problems = Problems(file)
    for row, rec in enumerate(table.to_dict("records"), start=1):
        problems.require(rec, CRITERIA_COLUMNS, row=row)
        for fmt in split_list(rec["formats"]):
            problems.allowed(fmt, FORMATS, row=row, field="formats")
    problems.unique(table["id"], field="id")
    problems.raise_if_any("forum evaluation criteria")
    table["formats"] = table["formats"].map(split_list)
    return table


def criteria_table(criteria: pd.DataFrame) -> pd.DataFrame:
    """Finnish table of :func:`load_criteria`: ``Kriteeri, Arviointikysymys, Mittari tai näyttö`` and
    one column per pilot format (``toimiala, klusteri, teema``) marked ``x`` where it applies."""
    require_columns(criteria, CRITERIA_COLUMNS, "criteria_table", hint="pass load_criteria()")
    table = pd.DataFrame({
        "Kriteeri": criteria["criterion_fi"].to_numpy(),
        "Arviointikysymys": criteria["question_fi"].to_numpy(),
        "Mittari tai näyttö": criteria["evidence_fi"].to_numpy(),
    })
    for fmt, label in FORMATS.items():
        table[label.capitalize()] = ["x" if fmt in tuple(f) else "" for f in criteria["formats"]]
    return with_curated_provenance(table, FORUM_SOURCE)


#: What :func:`none_recorded_text` can say is missing; ``{region}`` is the region's name in the genitive.
_NONE_RECORDED = {
    "pilots": "{region} foorumipilotteja ei ole vielä kirjattu selvitykseen.",
    "actions": "Sovittuja toimia ei ole, koska {region} foorumipilotteja ei ole vielä kirjattu.",
    "assessments": ("{region} foorumien arvioita ammateista ei ole vielä tuotu selvitykseen, joten niitä ei voi "
                    "verrata tilastoihin."),
    "comparison": "Taulukko täyttyy, kun {region} foorumien arviot ammateista tuodaan selvitykseen.",
}


def none_recorded_text(region: str, what: str) -> str:
    """The Finnish sentence shown instead of a forum table or figure the region has no records for.

    Parameters
    ----------
    region : str
        The study's region (``"MK07"``); named in the genitive, which needs no other case.
    what : str
        ``"pilots"``, ``"actions"`` (no pilots, so no actions), ``"assessments"`` (the
        comparison figure) or ``"comparison"`` (the comparison table).

    Examples
    --------
    >>> none_recorded_text("MK07", "pilots")
    'Päijät-Hämeen foorumipilotteja ei ole vielä kirjattu selvitykseen.'
    """
    if what not in _NONE_RECORDED:
        raise InputError(f"none_recorded_text: unknown {what!r}; use one of {', '.join(_NONE_RECORDED)}")
    return _NONE_RECORDED[what].format(region=genitive(region))


def chapter_lead_text(region: str, has_pilots: bool) -> str:
    """The Finnish sentence that opens the forum chapter: whose forum records it shows.

    Examples
    --------
    >>> chapter_lead_text("MK10", True)
    'Luvun taulukot ja kuviot perustuvat Etelä-Savon foorumipilottien kirjauksiin.'
    >>> chapter_lead_text("MK07", False).startswith("Päijät-Hämeen foorumipilotteja ei ole vielä kirjattu")
    True
    """
    if has_pilots:
        return f"Luvun taulukot ja kuviot perustuvat {genitive(region)} foorumipilottien kirjauksiin."
    return (f"{none_recorded_text(region, 'pilots')[:-1]}, joten luvun taulukot ja kuviot ovat vielä tyhjiä. "
            "Alla olevat selitykset kertovat, mitä ne näyttävät, kun pilotteja on pidetty ja kirjattu.")

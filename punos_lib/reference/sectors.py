"""The study's focus sectors, read from ``data/sectors.yaml``.

A sector (forest, food, water, tourism, social and health care, technology industry,
construction) is defined by statistical codes: TOL 2008 divisions (industries), key
Ammattiluokitus 2010 occupations and Koulutusala 2016 fields of education. The mapping is an
assumption the regional council can edit; the file says so in its ``note_fi``/``note_en``.

File layout::

    note_fi: ...            # why the mapping is an editable assumption (Finnish)
    note_en: ...            # the same in English
    order: [metsa, ruoka]   # every sector id once; tables and figures follow this order
    sectors:
      - id: metsa
        name_fi: Metsäala
        name_en: Forest sector
        description_fi: ...
        tol: ["02", "16", "17"]        # TOL 2008 divisions, 2 digits, each in one sector only
        aml: ["6210", "8172"]          # AML 2010 codes, 1-5 digits
        koulutusala: ["0821"]          # Koulutusala 2016 codes, 2-4 digits

Codes must be quoted: YAML reads an unquoted ``02`` as the number 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from punos_lib.errors import InputError, ValidationError
from punos_lib.paths import data_dir
from punos_lib.records import Problems, read_yaml

__all__ = ["Sector", "load_sectors", "get_sector", "known_sector_ids", "sector_of_industry"]

_TOP_KEYS = ("note_fi", "note_en", "order", "sectors")
_SECTOR_KEYS = ("id", "name_fi", "name_en", "description_fi", "tol", "aml", "koulutusala")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Code shapes: TOL 2008 division, AML 2010 level 1-5, Koulutusala 2016 broad/narrow/detailed.
_CODE_PATTERNS = {
    "tol": (re.compile(r"^\d{2}$"), "a 2-digit TOL 2008 division such as '16'"),
    "aml": (re.compile(r"^\d{1,5}$"), "an AML 2010 code of 1-5 digits such as '3221'"),
    "koulutusala": (
        re.compile(r"^\d{2,4}$"),
        "a Koulutusala 2016 code of 2-4 digits such as '0913'",
    ),
}


@dataclass(frozen=True)
class Sector:
    """One focus sector and the codes that define it.

    Parameters
    ----------
    id : str
        Short identifier used in file names and notebook parameters, e.g. ``"metsa"``.
    name_fi, name_en : str
        Display names.
    tol : tuple of str
        TOL 2008 divisions (2 digits).
    aml : tuple of str
        Key Ammattiluokitus 2010 occupations.
    koulutusala : tuple of str
        Koulutusala 2016 fields of education.
    description_fi : str
        One-sentence description in Finnish for the study text.
    """

    id: str
    name_fi: str
    name_en: str
    tol: tuple[str, ...]
    aml: tuple[str, ...]
    koulutusala: tuple[str, ...]
    description_fi: str


def _default_path() -> Path:
    return data_dir() / "sectors.yaml"


def _text(problems: Problems, row: int, record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if isinstance(value, str):
        return value.strip()
    if value is not None:  # a missing or empty value is reported by Problems.require
        problems.add("must be a text", row=row, field=key, value=value)
    return ""


def _codes(problems: Problems, row: int, record: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = record.get(key)
    if not isinstance(value, list) or not value:
        if value is not None and value != []:  # a missing or empty list is reported by Problems.require
            problems.add("must be a non-empty list of quoted codes", row=row, field=key, value=value)
        return ()
    pattern, shape = _CODE_PATTERNS[key]
    codes: list[str] = []
    for code in value:
        if not isinstance(code, str):
            problems.add(f"code must be a quoted text, {shape}; YAML reads unquoted codes as numbers "
                         "(02 becomes 2), so write it in quotes", row=row, field=key, value=code)
        elif not pattern.match(code):
            problems.add(f"malformed {key} code, expected {shape}", row=row, field=key, value=code)
        elif code in codes:
            problems.add(f"{key} code listed twice; remove the duplicate", row=row, field=key, value=code)
        else:
            codes.append(code)
    return tuple(codes)


def _sector(problems: Problems, row: int, record: Any) -> Sector | None:
    """The sector of entry ``row`` (counted from 1), or None after recording its problems."""
    if not isinstance(record, dict):
        problems.add(f"must be a mapping with keys {', '.join(_SECTOR_KEYS)}", row=row, field="sectors",
                     value=record)
        return None
    sid = record.get("id")
    if isinstance(sid, str):
        problems.label(row, repr(sid))
    before = len(problems)
    problems.known_keys(record, _SECTOR_KEYS, row=row)
    problems.require(record, _SECTOR_KEYS, row=row)
    if sid is not None and not (isinstance(sid, str) and _ID.match(sid)):
        problems.add("id must be lower-case letters, digits or '_' starting with a letter, e.g. 'metsa'",
                     row=row, field="id", value=sid)
    sector = Sector(
        id=sid if isinstance(sid, str) else "",
        name_fi=_text(problems, row, record, "name_fi"),
        name_en=_text(problems, row, record, "name_en"),
        tol=_codes(problems, row, record, "tol"),
        aml=_codes(problems, row, record, "aml"),
        koulutusala=_codes(problems, row, record, "koulutusala"),
        description_fi=_text(problems, row, record, "description_fi"),
    )
    return sector if len(problems) == before else None


def load_sectors(path: str | Path | None = None) -> dict[str, Sector]:
    """Read and validate the sector definitions.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; default ``paths.data_dir() / "sectors.yaml"``.

    Returns
    -------
    dict of str to Sector
        Keyed by sector id, in the file's ``order``.

    Raises
    ------
    ValidationError
        The file is missing or not YAML, or breaks the layout described in the module
        docstring: unknown or missing keys, malformed codes, duplicate ids, a TOL division in two
        sectors, an ``order`` that does not list every sector exactly once. Every problem of the
        file is listed at once; each names the file, the sector (entry number and id), field and
        value.

    Examples
    --------
    >>> sectors = load_sectors()                        # doctest: +SKIP
    >>> list(sectors)[:3]                               # doctest: +SKIP
    ['metsa', 'ruoka', 'vesi']
    """
    file = Path(path) if path is not None else _default_path()
    doc = read_yaml(file)
    if not isinstance(doc, dict):
        raise ValidationError(f"the file must be a mapping with keys {', '.join(_TOP_KEYS)}", file=file)
    problems = Problems(file, unit="sector")
    problems.known_keys(doc, _TOP_KEYS, row=None)
    problems.require(doc, _TOP_KEYS, row=None)
    for key in ("note_fi", "note_en"):
        if key in doc and not (isinstance(doc[key], str) and doc[key].strip()):
            problems.add("must be a non-empty text saying that the mapping is an editable assumption",
                         field=key, value=doc[key])
    records = doc.get("sectors")
    if records is not None and not isinstance(records, list):
        problems.add("must be a non-empty list of sector mappings", field="sectors")
        records = []
    records = records or []

    by_id: dict[str, Sector] = {}
    owner_of_division: dict[str, str] = {}
    for row, record in enumerate(records, start=1):
        sector = _sector(problems, row, record)
        if sector is None:
            continue
        if sector.id in by_id:
            problems.add("duplicate sector id; ids must be unique", row=row, field="id", value=sector.id)
            continue
        for division in sector.tol:
            if division in owner_of_division:
                problems.add(f"TOL division {division} is already in sector {owner_of_division[division]!r}; "
                             "a division may belong to one sector only", row=row, field="tol", value=division)
            else:
                owner_of_division[division] = sector.id
        by_id[sector.id] = sector

    order = doc.get("order")
    if order is not None and not (isinstance(order, list) and all(isinstance(i, str) for i in order)):
        problems.add("must be a list of sector ids", field="order", value=order)
        order = None
    named = [r.get("id") for r in records if isinstance(r, dict)]
    for sid in order or []:
        if sid not in named:
            problems.add(f"order names a sector that is not defined under sectors "
                         f"(defined: {', '.join(map(str, named))})", field="order", value=sid)
    for sid in sorted({sid for sid in order or [] if order.count(sid) > 1}):
        problems.add("order lists this sector more than once", field="order", value=sid)
    if order is not None:
        for sid in named:
            if isinstance(sid, str) and sid not in order:
                problems.add("the sector is defined but not listed in order; add it to order", field="order",
                             value=sid)
    problems.raise_if_any("sector definition file")
    return {sid: by_id[sid] for sid in order}


def known_sector_ids(sectors: object = None) -> tuple[str, ...]:
    """The sector ids a curated record is validated against.

    Parameters
    ----------
    sectors : mapping, iterable of str, str/Path or None
        A mapping ``id -> Sector`` (as from :func:`load_sectors`), an iterable of ids, a path to
        a ``sectors.yaml`` file, or ``None`` for the project's ``data/sectors.yaml``.
    """
    if isinstance(sectors, Mapping):
        return tuple(str(k) for k in sectors)
    if sectors is None or isinstance(sectors, (str, Path)):
        return tuple(load_sectors(sectors))
    if isinstance(sectors, Iterable):
        return tuple(str(s) for s in sectors)
    raise InputError(
        f"sectors must be a mapping of sector ids, a list of ids or a path to sectors.yaml, "
        f"not {type(sectors).__name__}"
    )


def get_sector(sector_id: str, path: str | Path | None = None) -> Sector:
    """Return one sector by id.

    Parameters
    ----------
    sector_id : str
        E.g. ``"sote"``.
    path : str or Path, optional
        The YAML file; default ``paths.data_dir() / "sectors.yaml"``.

    Raises
    ------
    InputError
        No sector has this id; the message lists the valid ids.

    Examples
    --------
    >>> get_sector("sote").tol                          # doctest: +SKIP
    ('86', '87', '88')
    """
    sectors = load_sectors(path)
    try:
        return sectors[sector_id]
    except (KeyError, TypeError):
        raise InputError(
            f"unknown sector id {sector_id!r}; valid ids are {', '.join(sectors)} "
            "(defined in data/sectors.yaml)"
        ) from None


def sector_of_industry(tol_code: str, sectors: Mapping[str, Sector]) -> str | None:
    """Return the id of the sector a TOL 2008 industry belongs to.

    A code belongs to a sector when its first two characters are one of the sector's
    divisions: ``"16"``, ``"161"``, ``"16101"`` and ``"16.10"`` all belong to the sector
    holding division 16.

    Parameters
    ----------
    tol_code : str
        A TOL 2008 code: division (2 digits) or a longer group/class code.
    sectors : mapping of str to Sector
        As returned by :func:`load_sectors`.

    Returns
    -------
    str or None
        The sector id; ``None`` when the industry is in no sector, which includes section
        letters (``"C"``), totals (``"SSS"``) and the unknown industry (``"X"``): they are not
        divisions, so they cannot be attributed to one sector.

    Raises
    ------
    InputError
        ``tol_code`` is not a non-empty text, or is a single digit (a division such as
        ``"01"`` that lost its leading zero).

    Examples
    --------
    >>> s = Sector("metsa", "Metsäala", "Forest sector", ("02", "16"), (), (), "")
    >>> sector_of_industry("16101", {"metsa": s})
    'metsa'
    >>> sector_of_industry("47", {"metsa": s}) is None
    True
    """
    if not isinstance(tol_code, str) or not tol_code.strip():
        raise InputError(
            f"TOL code must be a non-empty text such as '16' (got {tol_code!r}); codes read from "
            "CSV may need dtype=str to keep leading zeros"
        )
    code = tol_code.strip()
    if code.isdigit() and len(code) < 2:
        raise InputError(
            f"TOL code {tol_code!r} has one digit, but divisions have two; it probably lost its "
            "leading zero (01 read as a number): read the codes as text, e.g. dtype=str"
        )
    division = code[:2]
    if not (len(division) == 2 and division.isdigit()):
        return None
    for sid, sector in sectors.items():
        if division in sector.tol:
            return sid
    return None

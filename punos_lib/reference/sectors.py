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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from punos_lib.errors import InputError, ValidationError
from punos_lib.paths import data_dir

__all__ = ["Sector", "load_sectors", "get_sector", "sector_of_industry"]

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


def _read_yaml(path: Path) -> Any:
    from punos_lib.records import read_yaml

    return read_yaml(path)

def _text(path: Path, sid: str, record: Mapping[str, Any], key: str) -> str:
    value = record[key]
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"sector {sid!r}: {key} must be a non-empty text", file=path, field=key, value=value
        )
    return value.strip()


def _codes(path: Path, sid: str, record: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = record[key]
    if not isinstance(value, list) or not value:
        raise ValidationError(
            f"sector {sid!r}: {key} must be a non-empty list of quoted codes",
            file=path,
            field=key,
            value=value,
        )
    pattern, shape = _CODE_PATTERNS[key]
    codes: list[str] = []
    for code in value:
        if not isinstance(code, str):
            raise ValidationError(
                f"sector {sid!r}: {key} code must be a quoted text, {shape}; YAML reads "
                "unquoted codes as numbers (02 becomes 2), so write it in quotes",
                file=path,
                field=key,
                value=code,
            )
        if not pattern.match(code):
            raise ValidationError(
                f"sector {sid!r}: malformed {key} code, expected {shape}",
                file=path,
                field=key,
                value=code,
            )
        if code in codes:
            raise ValidationError(
                f"sector {sid!r}: {key} code listed twice; remove the duplicate",
                file=path,
                field=key,
                value=code,
            )
        codes.append(code)
    return tuple(codes)


def _sector(path: Path, index: int, record: Any) -> Sector:
    if not isinstance(record, dict):
        raise ValidationError(
            f"sectors[{index}] must be a mapping with keys {', '.join(_SECTOR_KEYS)}",
            file=path,
            field="sectors",
            value=record,
        )
    sid = record.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise ValidationError(
            f"sectors[{index}]: id must be lower-case letters, digits or '_' starting with a "
            "letter, e.g. 'metsa'",
            file=path,
            field="id",
            value=sid,
        )
    unknown = sorted(set(record) - set(_SECTOR_KEYS), key=str)
    if unknown:
        raise ValidationError(
            f"sector {sid!r}: unknown key(s) {', '.join(map(str, unknown))}; allowed keys are "
            f"{', '.join(_SECTOR_KEYS)}",
            file=path,
            field=str(unknown[0]),
        )
    missing = [key for key in _SECTOR_KEYS if key not in record]
    if missing:
        raise ValidationError(
            f"sector {sid!r}: missing field(s) {', '.join(missing)}; add them",
            file=path,
            field=missing[0],
        )
    return Sector(
        id=sid,
        name_fi=_text(path, sid, record, "name_fi"),
        name_en=_text(path, sid, record, "name_en"),
        tol=_codes(path, sid, record, "tol"),
        aml=_codes(path, sid, record, "aml"),
        koulutusala=_codes(path, sid, record, "koulutusala"),
        description_fi=_text(path, sid, record, "description_fi"),
    )


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
    InputError
        The file does not exist.
    ValidationError
        The file breaks the layout described in the module docstring: unknown or missing keys,
        malformed codes, duplicate ids, a TOL division in two sectors, an ``order`` that does
        not list every sector exactly once. The message names the file, field, value and sector.

    Examples
    --------
    >>> sectors = load_sectors()                        # doctest: +SKIP
    >>> list(sectors)[:3]                               # doctest: +SKIP
    ['metsa', 'ruoka', 'vesi']
    """
    file = Path(path) if path is not None else _default_path()
    doc = _read_yaml(file)
    if not isinstance(doc, dict):
        raise ValidationError(
            f"the file must be a mapping with keys {', '.join(_TOP_KEYS)}", file=file
        )
    unknown = sorted(set(doc) - set(_TOP_KEYS), key=str)
    if unknown:
        raise ValidationError(
            f"unknown top-level key(s) {', '.join(map(str, unknown))}; allowed keys are "
            f"{', '.join(_TOP_KEYS)}",
            file=file,
            field=str(unknown[0]),
        )
    missing = [key for key in _TOP_KEYS if key not in doc]
    if missing:
        raise ValidationError(
            f"missing top-level field(s) {', '.join(missing)}; add them",
            file=file,
            field=missing[0],
        )
    for key in ("note_fi", "note_en"):
        if not isinstance(doc[key], str) or not doc[key].strip():
            raise ValidationError(
                "must be a non-empty text saying that the mapping is an editable assumption",
                file=file,
                field=key,
                value=doc[key],
            )
    records = doc["sectors"]
    if not isinstance(records, list) or not records:
        raise ValidationError(
            "sectors must be a non-empty list of sector mappings", file=file, field="sectors"
        )

    by_id: dict[str, Sector] = {}
    owner_of_division: dict[str, str] = {}
    for index, record in enumerate(records):
        sector = _sector(file, index, record)
        if sector.id in by_id:
            raise ValidationError(
                f"duplicate sector id {sector.id!r} (sectors[{index}]); ids must be unique",
                file=file,
                field="id",
                value=sector.id,
            )
        for division in sector.tol:
            if division in owner_of_division:
                raise ValidationError(
                    f"sector {sector.id!r}: TOL division {division} is already in sector "
                    f"{owner_of_division[division]!r}; a division may belong to one sector only",
                    file=file,
                    field="tol",
                    value=division,
                )
            owner_of_division[division] = sector.id
        by_id[sector.id] = sector

    order = doc["order"]
    if not isinstance(order, list) or not all(isinstance(i, str) for i in order):
        raise ValidationError(
            "order must be a list of sector ids", file=file, field="order", value=order
        )
    for sid in order:
        if sid not in by_id:
            raise ValidationError(
                f"order names sector {sid!r}, which is not defined under sectors "
                f"(defined: {', '.join(by_id)})",
                file=file,
                field="order",
                value=sid,
            )
    repeated = sorted({sid for sid in order if order.count(sid) > 1})
    if repeated:
        raise ValidationError(
            f"order lists sector {repeated[0]!r} more than once", file=file, field="order",
            value=repeated[0],
        )
    absent = [sid for sid in by_id if sid not in order]
    if absent:
        raise ValidationError(
            f"sector {absent[0]!r} is defined but not listed in order; add it to order",
            file=file,
            field="order",
            value=absent[0],
        )
    return {sid: by_id[sid] for sid in order}


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

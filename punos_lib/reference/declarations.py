"""The declaration of the study's datasets (``data/datasets.yaml``), loaded and validated.

One file says what the study needs: ``punos fetch`` downloads it, ``punos demo`` synthesises it,
:mod:`punos_lib.datasets` loads it and the data-source chapter describes it. This module turns
that file into frozen :class:`Declaration` objects and refuses a file that breaks the schema,
listing every problem with the file, the entry index and the field.

Required fields for every entry: ``id``, ``title_fi``, ``source``, ``used_in`` (a list of
chapter ids). Per source:

========================  ==========================================================
source                    required fields
========================  ==========================================================
``statfin``               ``table`` (``<folder>/<table id>``), ``selection`` (mapping)
``geo``                   ``layer``, ``scale``, ``year``
``classifications``       ``kind`` (``classification`` or ``key``); ``classification``
                          for kind ``classification``; ``year`` for kind ``key``
``vipunen``               ``resource`` (a Vipunen API resource name); ``filter`` optional
``import``                ``format``, ``columns`` (list of column names)
========================  ==========================================================

Examples
--------
>>> from punos_lib import declarations
>>> decl = declarations.get("population")          # doctest: +SKIP
>>> decl.source, decl.table                         # doctest: +SKIP
('statfin', 'vaerak/11re')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from punos_lib.errors import InputError, ValidationError
from punos_lib.paths import data_dir
from punos_lib.records import Problems, read_yaml

__all__ = ["Declaration", "Source", "SOURCES", "load", "get"]

Source = Literal["statfin", "geo", "classifications", "vipunen", "import"]

SOURCES: tuple[str, ...] = ("statfin", "geo", "classifications", "vipunen", "import")

_REQUIRED_COMMON = ("id", "title_fi", "source", "used_in")
_REQUIRED_BY_SOURCE: dict[str, tuple[str, ...]] = {
    "statfin": ("table", "selection"),
    "geo": ("layer", "scale", "year"),
    "classifications": ("kind",),
    "vipunen": ("resource",),
    "import": ("format", "columns"),
}
_CLASSIFICATION_KINDS = ("classification", "key")
_IMPORT_FORMATS = ("csv", "px", "json-stat2")
_KNOWN_FIELDS = frozenset(
    {
        "id", "title_fi", "title_en", "source", "catalogue", "used_in", "note",
        "table", "selection", "layer", "scale", "year", "kind", "classification",
        "format", "columns", "instructions_en", "resource", "filter",
    }
)


@dataclass(frozen=True)
class Declaration:
    """One declared dataset.

    Attributes
    ----------
    id : str
        Dataset id; also the snapshot folder and the entry id prefix.
    title_fi, title_en : str
        Titles (Finnish for the study, English for docs).
    source : {"statfin", "geo", "classifications", "vipunen", "import"}
    catalogue : str or None
        Id of the entry in ``data/catalogue.yaml`` describing the source.
    used_in : tuple of str
        Chapters that use the dataset.
    table : str or None
        StatFin ``<folder>/<table id>``, e.g. ``"vaerak/11re"``.
    selection : mapping or None
        StatFin selection (keys ``@area``/``@time``/``@contents`` or variable codes).
    layer, scale : str or None
        geo.stat.fi WFS layer stem and scale (``kunta``, ``1000k``).
    year : int or None
        Boundary year (geo) or key year (classifications kind ``key``).
    kind : str or None
        ``classification`` or ``key`` for classification sources.
    classification : str or None
        Classification id, e.g. ``toimiala_1_20080101``.
    format : str or None
        File format of an import (``csv``, ``px``, ``json-stat2``).
    columns : tuple of str
        Columns an imported CSV must have.
    instructions_en : str or None
        How a user obtains and imports the file by hand.
    resource : str or None
        Vipunen API resource, e.g. ``opiskelijat_ja_tutkinnot``.
    filter : str or None
        Vipunen ``filter`` query parameter (optional; default all rows).
    """

    id: str
    title_fi: str
    source: Source
    used_in: tuple[str, ...]
    title_en: str = ""
    catalogue: str | None = None
    note: str | None = None
    table: str | None = None
    selection: Mapping[str, Any] | None = None
    layer: str | None = None
    scale: str | None = None
    year: int | None = None
    kind: str | None = None
    classification: str | None = None
    format: str | None = None
    columns: tuple[str, ...] = field(default_factory=tuple)
    instructions_en: str | None = None
    resource: str | None = None
    filter: str | None = None

    @property
    def subject(self) -> str | None:
        """StatFin folder (``vaerak``) of a StatFin table, else None."""
        return self.table.split("/", 1)[0] if self.table else None

    @property
    def table_id(self) -> str | None:
        """StatFin short table id (``11re``) of a StatFin table, else None."""
        return self.table.rsplit("/", 1)[-1] if self.table else None


def _default_path() -> Path:
    return data_dir() / "datasets.yaml"


def _check_entry(entry: Mapping[str, Any], index: int, problems: Problems) -> None:
    """Record every problem of one entry (``index`` counted from 1) in ``problems``."""
    problems.require(entry, _REQUIRED_COMMON, row=index)
    problems.known_keys(entry, _KNOWN_FIELDS, row=index)
    for name in ("id", "title_fi", "title_en", "catalogue"):
        if name in entry and entry[name] is not None:
            problems.type(entry[name], str, row=index, field=name, what="text")
    used_in = entry.get("used_in")
    if used_in is not None and not (
        isinstance(used_in, list) and all(isinstance(u, str) and u for u in used_in)
    ):
        problems.add("must be a list of chapter ids, e.g. [vaesto, johdanto]", row=index, field="used_in",
                     value=used_in)
    source = entry.get("source")
    if source is None:
        return
    if not problems.allowed(source, SOURCES, row=index, field="source"):
        return
    problems.require(entry, _REQUIRED_BY_SOURCE[source], row=index)
    if source == "statfin":
        table = entry.get("table")
        if table is not None and not (isinstance(table, str) and table.count("/") == 1 and "." not in table):
            problems.add("must be '<folder>/<short table id>', e.g. 'vaerak/11re' (no .px)", row=index,
                         field="table", value=table)
        selection = entry.get("selection")
        if selection is not None and not isinstance(selection, dict):
            problems.add("must be a mapping of variable key to a list of codes, '*' or 'top:N'", row=index,
                         field="selection", value=selection)
        elif isinstance(selection, dict):
            for key, value in selection.items():
                ok = (isinstance(value, list) and all(isinstance(v, str) for v in value)) or (
                    isinstance(value, str) and (value == "*" or value.startswith("top:"))
                )
                if not ok:
                    problems.add(f"selection for {key!r} must be a list of code strings, '*' or 'top:N'",
                                 row=index, field="selection", value=value)
    elif source == "geo":
        year = entry.get("year")
        if year is not None:
            problems.type(year, int, row=index, field="year", what="a year as a number, e.g. 2025")
    elif source == "classifications":
        kind = entry.get("kind")
        if kind is not None:
            problems.allowed(kind, _CLASSIFICATION_KINDS, row=index, field="kind")
        if kind == "classification" and entry.get("classification") in (None, ""):
            problems.add("required for kind 'classification' (e.g. toimiala_1_20080101)", row=index,
                         field="classification")
        if kind == "key":
            year = entry.get("year")
            if year is None or isinstance(year, bool) or not isinstance(year, int):
                problems.add("required for kind 'key': the division year as a number, e.g. 2025", row=index,
                             field="year", value=year)
    elif source == "vipunen":
        for name in ("resource", "filter"):
            if entry.get(name) is not None:
                problems.type(entry[name], str, row=index, field=name, what="text")
    elif source == "import":
        fmt = entry.get("format")
        if fmt is not None:
            problems.allowed(fmt, _IMPORT_FORMATS, row=index, field="format")
        columns = entry.get("columns")
        if columns is not None and not (
            isinstance(columns, list) and columns and all(isinstance(c, str) and c for c in columns)
        ):
            problems.add("must be a non-empty list of column names", row=index, field="columns", value=columns)


def _build(entry: Mapping[str, Any]) -> Declaration:
    values = {k: v for k, v in entry.items() if k in _KNOWN_FIELDS}
    values["used_in"] = tuple(values.get("used_in") or ())
    values["columns"] = tuple(values.get("columns") or ())
    values["title_en"] = values.get("title_en") or ""
    if isinstance(values.get("instructions_en"), str):
        values["instructions_en"] = values["instructions_en"].strip()
    return Declaration(**values)


def load(path: str | Path | None = None) -> list[Declaration]:
    """Load and validate the dataset declaration.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; default ``data/datasets.yaml`` of the project.

    Returns
    -------
    list of Declaration
        In file order.

    Raises
    ------
    ValidationError
        The file is missing or not YAML, or entries break the schema. The error names the file,
        the first problem's entry index (``row``, counted from 1) and field, and lists every
        problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.yaml"
    >>> _ = p.write_text("datasets:\\n  - {id: tol, title_fi: TOL, source: classifications,"
    ...                  " kind: classification, classification: toimiala_1_20080101, used_in: [x]}\\n")
    >>> [d.id for d in load(p)]
    ['tol']
    """
    file = Path(path) if path is not None else _default_path()
    raw = read_yaml(file)
    if not isinstance(raw, dict) or not isinstance(raw.get("datasets"), list):
        raise ValidationError(
            "the declaration must be a mapping with a 'datasets' list; see data/datasets.yaml",
            file=file,
            field="datasets",
        )
    problems = Problems(file, unit="entry")
    for index, entry in enumerate(raw["datasets"], start=1):
        if not isinstance(entry, dict):
            problems.add("each dataset must be a mapping of fields", row=index)
            continue
        if isinstance(entry.get("id"), str) and entry["id"]:
            problems.label(index, entry["id"])
        _check_entry(entry, index, problems)
    problems.unique([e.get("id") if isinstance(e, dict) else None for e in raw["datasets"]], field="id")
    problems.raise_if_any("dataset declaration")
    return [_build(entry) for entry in raw["datasets"]]


def get(dataset_id: str, path: str | Path | None = None) -> Declaration:
    """Return the declaration of one dataset.

    Raises
    ------
    InputError
        ``dataset_id`` is not declared; the message lists the valid ids.
    """
    decls = load(path)
    for decl in decls:
        if decl.id == dataset_id:
            return decl
    raise InputError(
        f"unknown dataset {dataset_id!r}; declared datasets are: {', '.join(d.id for d in decls)} "
        "(see data/datasets.yaml)"
    )

"""Catalogue of knowledge producers and data sources (Punos aim 1).

``data/catalogue.yaml`` lists the sources that matter for anticipating skills
needs in the region, whether the study loads them or not. This module reads and
validates it and summarises it for the baseline study (lähtötilaselvitys):
which topics each source covers, at which regional level, how it can be
accessed, and what is known to be missing.

Examples
--------
>>> from punos_lib import catalogue
>>> cat = catalogue.load_catalogue()                      # doctest: +SKIP
>>> catalogue.coverage_matrix(cat).sum()                   # doctest: +SKIP
>>> catalogue.summary_by(cat, "access")                   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from punos_lib.errors import InputError, ValidationError
from punos_lib.paths import data_dir
from punos_lib.records import Problems, read_yaml, require_columns

__all__ = [
    "KINDS",
    "TOPICS",
    "GRANULARITIES",
    "ACCESS",
    "FREQUENCIES",
    "load_catalogue",
    "coverage_matrix",
    "summary_by",
    "gaps",
]

# Machine value -> Finnish label (the study text shows the labels).
KINDS: dict[str, str] = {
    "statistics": "tilasto",
    "register": "rekisteri",
    "survey": "kysely",
    "forecast": "ennuste",
    "foresight": "laadullinen ennakointi",
    "web_service": "verkkopalvelu",
}
TOPICS: dict[str, str] = {
    "demand": "työvoiman kysyntä",
    "supply": "työvoiman tarjonta",
    "matching": "kohtaanto",
    "demography": "väestö",
    "education": "koulutus",
    "foresight": "tulevaisuus",
}
GRANULARITIES: dict[str, str] = {
    "country": "koko maa",
    "region": "maakunta",
    "ely_area": "ELY-/elinvoimakeskusalue",
    "employment_area": "työllisyysalue",
    "sub_region": "seutukunta",
    "municipality": "kunta",
    "grid": "ruutu",
    "education_provider": "koulutuksen järjestäjä",
}
ACCESS: dict[str, str] = {
    "api": "rajapinta",
    "download": "ladattava tiedosto",
    "web_only": "vain verkkosivu",
    "restricted": "rajattu käyttö",
}
FREQUENCIES: dict[str, str] = {
    "continuous": "jatkuva",
    "monthly": "kuukausittain",
    "quarterly": "neljännesvuosittain",
    "biannual": "puolivuosittain",
    "annual": "vuosittain",
    "irregular": "epäsäännöllisesti",
}

_REQUIRED = (
    "id", "name_fi", "name_en", "producer", "kind", "topics", "granularity",
    "frequency", "access", "url", "licence",
)
_OPTIONAL = ("latest_period", "loader", "gaps")
_COLUMNS = (
    "id", "name_fi", "name_en", "producer", "kind", "topics", "granularity", "frequency",
    "latest_period", "access", "url", "licence", "loader", "gaps",
)
_LIST_FIELDS = {"topics": TOPICS, "granularity": GRANULARITIES}
_SUMMARY_FIELDS = {"kind": KINDS, "access": ACCESS, "granularity": GRANULARITIES,
                   "topics": TOPICS, "frequency": FREQUENCIES}


def _default_path() -> Path:
    return data_dir() / "catalogue.yaml"


def _check_entry(entry: object, row: int, problems: Problems) -> None:
    if not isinstance(entry, dict):
        problems.add("each source must be a mapping of field: value", row=row)
        return
    problems.known_keys(entry, _REQUIRED + _OPTIONAL, row=row)
    problems.require(entry, _REQUIRED, row=row)
    for field in ("id", "name_fi", "name_en", "producer", "licence"):
        if entry.get(field) is not None:
            problems.type(entry[field], str, row=row, field=field, what="text")
    if entry.get("id") is not None:
        problems.pattern(str(entry["id"]), r"[a-z0-9]+(-[a-z0-9]+)*", row=row, field="id",
                         what="lower-case letters, digits and hyphens (e.g. statfin-vaerak-11re)")
    for field, allowed in (("kind", KINDS), ("access", ACCESS), ("frequency", FREQUENCIES)):
        if entry.get(field) is not None:
            problems.allowed(entry[field], allowed, row=row, field=field)
    for field, allowed in _LIST_FIELDS.items():
        value = entry.get(field)
        if value is None:
            continue
        if not isinstance(value, list):
            problems.add("must be a list, e.g. [demand, supply]", row=row, field=field, value=value)
            continue
        for item in value:
            problems.allowed(item, allowed, row=row, field=field)
    url = entry.get("url")
    if isinstance(url, str) and not url.startswith("https://"):
        problems.add("must start with https:// (no plain http)", row=row, field="url", value=url)
    for field in _OPTIONAL:
        value = entry.get(field)
        if value is not None and not isinstance(value, str):
            problems.add("must be text (quote it, e.g. \"2024\") or null", row=row, field=field, value=value)


def load_catalogue(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the data source catalogue.

    Parameters
    ----------
    path : str or Path, optional
        The catalogue YAML file; default ``data/catalogue.yaml`` of the project.

    Returns
    -------
    pandas.DataFrame
        One row per source in file order, columns ``id, name_fi, name_en,
        producer, kind, topics, granularity, frequency, latest_period, access,
        url, licence, loader, gaps``. ``topics`` and ``granularity`` hold
        tuples. ``attrs["source_file"]`` names the file.

    Raises
    ------
    ValidationError
        Every schema problem of the file at once; the message names the file,
        the entry (1-based row) and the field.

    Examples
    --------
    >>> cat = load_catalogue()                               # doctest: +SKIP
    >>> cat.set_index("id").loc["statfin-tyonv-12ti", "access"]  # doctest: +SKIP
    'api'
    """
    path = Path(path) if path is not None else _default_path()
    document = read_yaml(path)
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise ValidationError(
            "the catalogue must be a mapping with a list under 'sources:'; see data/catalogue.yaml",
            file=path,
            field="sources",
        )
    entries = document["sources"]
    if not entries:
        raise ValidationError("the catalogue lists no sources; add entries under 'sources:'",
                              file=path, field="sources")
    problems = Problems(path)
    for row, entry in enumerate(entries, start=1):
        _check_entry(entry, row, problems)
    problems.unique([e.get("id") if isinstance(e, dict) else None for e in entries], field="id")
    problems.raise_if_any("data source catalogue")
    records = []
    for entry in entries:
        record = {column: entry.get(column) for column in _COLUMNS}
        record["topics"] = tuple(entry["topics"])
        record["granularity"] = tuple(entry["granularity"])
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(_COLUMNS))
    frame.attrs["source_file"] = str(path)
    return frame


def _check_frame(cat: object, needed: tuple[str, ...]) -> None:
    require_columns(cat, needed, "catalogue", hint="pass the result of load_catalogue()")


def coverage_matrix(cat: pd.DataFrame) -> pd.DataFrame:
    """Which topics each source covers.

    Returns
    -------
    pandas.DataFrame
        Index: source ``id`` (catalogue order); columns: the topics in the
        order of :data:`TOPICS`; values: bool. The Finnish topic labels are in
        ``attrs["labels_fi"]``.

    Examples
    --------
    >>> cat = pd.DataFrame({"id": ["a", "b"], "topics": [("demand",), ("demand", "education")]})
    >>> coverage_matrix(cat)["demand"].tolist()
    [True, True]
    >>> coverage_matrix(cat)["education"].tolist()
    [False, True]
    """
    _check_frame(cat, ("id", "topics"))
    matrix = pd.DataFrame(
        {topic: [topic in topics for topics in cat["topics"]] for topic in TOPICS},
        index=pd.Index(cat["id"], name="id"),
    )
    matrix.attrs["labels_fi"] = dict(TOPICS)
    return matrix


def summary_by(
    cat: pd.DataFrame, field: Literal["kind", "access", "granularity", "topics", "frequency"]
) -> pd.DataFrame:
    """Count sources per value of ``field``.

    A source listed at several levels (``granularity``) or topics counts once
    under each, so the counts may add up to more than the number of sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``value`` (machine value), ``label_fi``, ``sources`` (count);
        one row per allowed value in its defined order, zeros included, so a
        table shows which levels are missing.

    Examples
    --------
    >>> cat = pd.DataFrame({"id": ["a", "b"], "access": ["api", "api"]})
    >>> summary_by(cat, "access").set_index("value")["sources"].to_dict()
    {'api': 2, 'download': 0, 'web_only': 0, 'restricted': 0}
    """
    if field not in _SUMMARY_FIELDS:
        raise InputError(f"cannot summarise by {field!r}; use one of {sorted(_SUMMARY_FIELDS)}")
    _check_frame(cat, ("id", field))
    labels = _SUMMARY_FIELDS[field]
    values = cat[field]
    if field in _LIST_FIELDS:
        values = values.explode()
    counts = values.value_counts()
    rows = [(value, label, int(counts.get(value, 0))) for value, label in labels.items()]
    return pd.DataFrame(rows, columns=["value", "label_fi", "sources"])


def gaps(cat: pd.DataFrame) -> pd.DataFrame:
    """The known gaps of the sources, for the baseline chapter.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, name_fi, producer, gaps`` for every source whose
        ``gaps`` text is filled in, in catalogue order.
    """
    _check_frame(cat, ("id", "name_fi", "producer", "gaps"))
    filled = cat["gaps"].map(lambda g: isinstance(g, str) and g.strip() != "")
    return cat.loc[filled, ["id", "name_fi", "producer", "gaps"]].reset_index(drop=True)

"""Catalogue of knowledge producers and data sources (Punos aim 1).

``data/catalogue.yaml`` lists the sources that matter for anticipating skills
needs in the region, whether the study loads them or not. This module reads and
validates it and summarises it for the baseline study (lähtötilaselvitys):
which topics each source covers, at which regional level, how it can be
accessed, and what is known to be missing. The Finnish tables of chapter 8 are built here
too: the catalogue itself, counts by level and access, known gaps, the study's own datasets
linked to their catalogue entries and snapshot entries (:func:`dataset_sources`), and where the
actors' shared information is kept (:func:`collection_files`).

An entry may name the region it is about (``region:``, a region code such as ``MK10``), e.g. a
regional council's own reviews or its forum's assessments; an entry without it is a national or
general source. A study shows the catalogue of its own region (:func:`region_view`): the national
sources and that region's own, never another region's.

Examples
--------
>>> from punos_lib import catalogue
>>> cat = catalogue.load_catalogue()                      # doctest: +SKIP
>>> view = catalogue.region_view(cat, "MK07")               # doctest: +SKIP
>>> catalogue.coverage_matrix(cat).sum()                   # doctest: +SKIP
>>> catalogue.summary_by(cat, "access")                   # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from punos_lib.errors import InputError, SnapshotError, ValidationError
from punos_lib.paths import data_dir
from punos_lib.reference.regions import REGIONS, require_region
from punos_lib.registry.actors import REGISTRY_SOURCE
from punos_lib.records import (
    Problems,
    curated_provenance,
    read_yaml,
    require_columns,
    with_curated_provenance,
)

__all__ = [
    "KINDS",
    "TOPICS",
    "GRANULARITIES",
    "ACCESS",
    "FREQUENCIES",
    "load_catalogue",
    "region_view",
    "coverage_matrix",
    "summary_by",
    "gaps",
    "catalogue_table",
    "human_page",
    "is_machine_address",
    "coverage_data",
    "summary_table",
    "gaps_table",
    "dataset_sources",
    "dataset_sources_table",
    "collection_files",
    "ACTOR_LINKS",
    "actor_links",
    "actor_sources_table",
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
#: Optional text fields of an entry. ``page`` is the human-readable page of a source whose ``url``
#: is a machine interface (an API or WFS address); the study links readers to it.
OPTIONAL = ("latest_period", "loader", "gaps", "page")
#: Optional lists of actor ids (``data/actors/organisations.csv``): who produces and who uses a source.
ACTOR_LINKS: dict[str, str] = {"producer_actors": "tuottaja", "user_actors": "käyttäjä"}
#: Optional field: the region code (e.g. ``MK10``) of a source about one region only; absent or
#: null for a national or general source, which every region's study shows.
REGION = "region"
#: Fields of an entry, in the order of the frame from :func:`load_catalogue`.
COLUMNS = (
    "id", "name_fi", "name_en", "producer", "kind", "topics", "granularity", "frequency",
    "latest_period", "access", "url", "licence", "loader", "gaps", "producer_actors", "user_actors", "page",
    REGION,
)
#: The source line of tables and figures built from the catalogue.
CATALOGUE_SOURCE = "Punos-tietolähdeluettelo"
_LIST_FIELDS = {"topics": TOPICS, "granularity": GRANULARITIES}
_SUMMARY_FIELDS = {"kind": KINDS, "access": ACCESS, "granularity": GRANULARITIES,
                   "topics": TOPICS, "frequency": FREQUENCIES}


def _default_path() -> Path:
    return data_dir() / "catalogue.yaml"


def check_entry(entry: object, row: int, problems: Problems) -> None:
    """Record every problem of one catalogue entry (number ``row``) in ``problems``."""
    if not isinstance(entry, dict):
        problems.add("each source must be a mapping of field: value", row=row)
        return
    problems.known_keys(entry, _REQUIRED + OPTIONAL + tuple(ACTOR_LINKS) + (REGION,), row=row)
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
    for field in ("url", "page"):
        url = entry.get(field)
        if isinstance(url, str) and not url.startswith("https://"):
            problems.add("must start with https:// (no plain http)", row=row, field=field, value=url)
    page = entry.get("page")
    if isinstance(page, str) and is_machine_address(page):
        problems.add("must be a page people can read, not an API or WFS address", row=row, field="page",
                     value=page)
    for field in OPTIONAL:
        value = entry.get(field)
        if value is not None and not isinstance(value, str):
            problems.add("must be text (quote it, e.g. \"2024\") or null", row=row, field=field, value=value)
    for field in ACTOR_LINKS:
        value = entry.get(field)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.add("must be a list of actor ids of data/actors/organisations.csv, e.g. [tilastokeskus]",
                         row=row, field=field, value=value)
    region = entry.get(REGION)
    if region is not None and (not isinstance(region, str) or region not in REGIONS):
        problems.add(f"not a region code; use one of {', '.join(REGIONS)} (e.g. MK10 for Etelä-Savo) for a "
                     "source about one region only, or leave the field out for a national or general "
                     "source", row=row, field=REGION, value=region)


def load_catalogue(path: str | Path | None = None, *, region: str | None = None) -> pd.DataFrame:
    """Read and validate the data source catalogue.

    Parameters
    ----------
    path : str or Path, optional
        The catalogue YAML file; default ``data/catalogue.yaml`` of the project.
    region : str, optional
        Return only this region's view (:func:`region_view`); the whole file is validated all
        the same. Default: every entry.

    Returns
    -------
    pandas.DataFrame
        One row per source in file order, the columns of :data:`COLUMNS` (``id, name_fi,
        name_en, producer, kind, topics, granularity, frequency, latest_period, access, url,
        licence, loader, gaps, producer_actors, user_actors, page, region``). ``topics``,
        ``granularity`` and the actor links hold tuples; ``region`` is None for a national or
        general source. ``attrs["source_file"]`` names the file.

    Raises
    ------
    ValidationError
        Every schema problem of the file at once (an unknown region code too); the message
        names the file, the entry (1-based row and id), the field and the value.

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
    problems = Problems(path, unit="entry")
    for row, entry in enumerate(entries, start=1):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            problems.label(row, entry["id"])
        check_entry(entry, row, problems)
    problems.unique([e.get("id") if isinstance(e, dict) else None for e in entries], field="id")
    problems.raise_if_any("data source catalogue")
    records = []
    for entry in entries:
        record = {column: entry.get(column) for column in COLUMNS}
        record["topics"] = tuple(entry["topics"])
        record["granularity"] = tuple(entry["granularity"])
        for field in ACTOR_LINKS:
            record[field] = tuple(entry.get(field) or ())
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    # None (not NaN) for a national source, so ``rec["region"] or ...`` reads as it should
    frame[REGION] = pd.Series([r[REGION] for r in records], index=frame.index, dtype=object)
    frame.attrs["source_file"] = str(path)
    if region is not None:
        return region_view(frame, region)
    return frame


def region_view(cat: pd.DataFrame, region: str) -> pd.DataFrame:
    """The catalogue a study of ``region`` shows: the national sources and the region's own.

    Parameters
    ----------
    cat : pandas.DataFrame
        From :func:`load_catalogue` (the whole catalogue).
    region : str
        The study's region code, e.g. ``"MK07"``.

    Returns
    -------
    pandas.DataFrame
        The entries without a region (national or general sources) and those whose ``region``
        is ``region``, in catalogue order; another region's entries are left out.
        ``attrs`` are those of ``cat`` plus ``region``.

    Raises
    ------
    InputError
        ``region`` is not a region code.

    Examples
    --------
    >>> cat = pd.DataFrame({"id": ["national", "esavo-own", "phh-own"], "region": [None, "MK10", "MK07"]})
    >>> region_view(cat, "MK07")["id"].tolist()
    ['national', 'phh-own']
    """
    _check_frame(cat, ("id", REGION))
    require_region(region)
    regions = cat[REGION]
    view = cat[regions.isna() | (regions == region)].reset_index(drop=True)
    view.attrs = {**cat.attrs, "region": region}
    return view


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


# ----------------------------------------------------------------- tables of chapter 8


_STATFIN_API = re.compile(r"https://pxdata\.stat\.fi/PxWeb/api/v1/(fi|sv|en)/StatFin/([\w-]+)(?:/([\w-]+)\.px)?/?$")
_MACHINE = re.compile(r"/api/|/api$|/wfs\b|/geoserver/|[?&](service|request)=", re.IGNORECASE)


def is_machine_address(url: str) -> bool:
    """Whether ``url`` is an interface for programs (API, WFS) rather than a page for people.

    Examples
    --------
    >>> is_machine_address("https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/vaerak/11re.px")
    True
    >>> is_machine_address("https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__vaerak/statfin_vaerak_pxt_11re.px/")
    False
    """
    return bool(_MACHINE.search(url))


def human_page(url: str, page: str | None = None) -> str:
    """The page a reader should open for a source: ``page`` when given, else ``url``; a StatFin
    API address becomes the table's (or database's) page in the StatFin web service.

    Examples
    --------
    >>> human_page("https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/tyonv/12ti.px")
    'https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__tyonv/statfin_tyonv_pxt_12ti.px/'
    >>> human_page("https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/opiskt")
    'https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__opiskt/'
    >>> human_page("https://api.example.fi/api/x", "https://example.fi/x")
    'https://example.fi/x'
    """
    if isinstance(page, str) and page.strip():
        return page.strip()
    m = _STATFIN_API.match(url.strip())
    if not m:
        return url.strip()
    lang, db, table = m.groups()
    base = f"https://pxdata.stat.fi/PxWeb/pxweb/{lang}/StatFin/StatFin__{db}/"
    return f"{base}statfin_{db}_pxt_{table}.px/" if table else base


def _labels(values: Iterable[str], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(v, v) for v in values)


def catalogue_table(cat: pd.DataFrame) -> pd.DataFrame:
    """The catalogue as a Finnish table for the study.

    Parameters
    ----------
    cat : pandas.DataFrame
        From :func:`punos_lib.registry.catalogue.load_catalogue`.

    Returns
    -------
    pandas.DataFrame
        Columns ``Tietolähde, Tuottaja, Tyyppi, Aluetaso, Saatavuus, Lisenssi, Linkki`` in
        catalogue order; codes replaced by their Finnish labels, several levels joined with
        commas; ``Linkki`` is the page for people (:func:`human_page`), never an API address.

    Examples
    --------
    >>> cat = pd.DataFrame({"id": ["x"], "name_fi": ["Väestö"], "producer": ["Tilastokeskus"],
    ...     "kind": ["statistics"], "granularity": [("region", "municipality")], "access": ["api"],
    ...     "licence": ["CC BY 4.0"], "url": ["https://stat.fi"]})
    >>> catalogue_table(cat).iloc[0].tolist()
    ['Väestö', 'Tilastokeskus', 'tilasto', 'maakunta, kunta', 'rajapinta', 'CC BY 4.0', 'https://stat.fi']
    """
    require_columns(cat, ("name_fi", "producer", "kind", "granularity", "access", "licence", "url"), "catalogue_table")
    table = pd.DataFrame({
        "Tietolähde": cat["name_fi"].astype(str).to_numpy(),
        "Tuottaja": cat["producer"].astype(str).to_numpy(),
        "Tyyppi": [KINDS.get(k, k) for k in cat["kind"]],
        "Aluetaso": [_labels(g, GRANULARITIES) for g in cat["granularity"]],
        "Saatavuus": [ACCESS.get(a, a) for a in cat["access"]],
        "Lisenssi": cat["licence"].astype(str).to_numpy(),
        "Linkki": [human_page(str(u), p if isinstance(p, str) else None)
                   for u, p in zip(cat["url"], cat["page"] if "page" in cat else [None] * len(cat))],
    })
    return with_curated_provenance(table, CATALOGUE_SOURCE)


def coverage_data(cat: pd.DataFrame) -> pd.DataFrame:
    """The data of :func:`punos_lib.present.curated.coverage_figure`: ``Tietolähde`` and one 0/1 column per topic (Finnish).

    Examples
    --------
    >>> cat = pd.DataFrame({"id": ["a"], "name_fi": ["A"], "topics": [("demand", "education")]})
    >>> coverage_data(cat).iloc[0, 1:].astype(int).tolist()
    [1, 0, 0, 0, 1, 0]
    """
    require_columns(cat, ("id", "name_fi", "topics"), "coverage_data")
    matrix = coverage_matrix(cat)
    table = pd.DataFrame({"Tietolähde": cat["name_fi"].astype(str).to_numpy()})
    for topic in matrix.columns:
        table[matrix.attrs["labels_fi"][topic]] = matrix[topic].astype(int).to_numpy()
    return with_curated_provenance(table, CATALOGUE_SOURCE)


_SUMMARY_HEADINGS = {
    "kind": "Tyyppi",
    "access": "Saatavuus",
    "granularity": "Aluetaso",
    "topics": "Aihealue",
    "frequency": "Päivitystiheys",
}


def summary_table(cat: pd.DataFrame, field: str) -> pd.DataFrame:
    """Number of sources per value of ``field`` with Finnish headings.

    Parameters
    ----------
    cat : pandas.DataFrame
        From :func:`punos_lib.registry.catalogue.load_catalogue`.
    field : {"kind", "access", "granularity", "topics", "frequency"}

    Returns
    -------
    pandas.DataFrame
        Two columns: the Finnish heading of ``field`` (values as Finnish labels, all allowed
        values in their defined order, zeros kept) and ``Lähteitä``.

    Examples
    --------
    >>> cat = pd.DataFrame({"id": ["a", "b"], "access": ["api", "web_only"]})
    >>> summary_table(cat, "access")["Lähteitä"].tolist()
    [1, 0, 1, 0]
    """
    if field not in _SUMMARY_HEADINGS:
        raise InputError(f"cannot summarise by {field!r}; use one of {sorted(_SUMMARY_HEADINGS)}")
    summary = summary_by(cat, field)  # type: ignore[arg-type]
    table = pd.DataFrame({_SUMMARY_HEADINGS[field]: summary["label_fi"].to_numpy(),
                          "Lähteitä": summary["sources"].astype(int).to_numpy()})
    return with_curated_provenance(table, CATALOGUE_SOURCE)


def gaps_table(cat: pd.DataFrame) -> pd.DataFrame:
    """The known gaps of the catalogued sources: ``Tietolähde, Tuottaja, Tunnetut puutteet``."""
    known = gaps(cat)
    table = pd.DataFrame({"Tietolähde": known["name_fi"].to_numpy(), "Tuottaja": known["producer"].to_numpy(),
                          "Tunnetut puutteet": known["gaps"].to_numpy()})
    return with_curated_provenance(table, CATALOGUE_SOURCE)


def _date_part(value: str | None) -> str | None:
    if not value:
        return None
    return str(value)[:10]


def dataset_sources(declarations: Sequence[Any], cat: pd.DataFrame, snapshot: Any) -> pd.DataFrame:
    """The study's own datasets, each linked to its catalogue entry and its snapshot entries.

    Parameters
    ----------
    declarations : sequence of Declaration
        From :func:`punos_lib.reference.declarations.load`.
    cat : pandas.DataFrame
        From :func:`punos_lib.registry.catalogue.load_catalogue`.
    snapshot : punos_lib.snapshot.store.Snapshot
        The snapshot the study is built from.

    Returns
    -------
    pandas.DataFrame
        One row per declared dataset in declaration order: ``dataset, title_fi, table``
        (StatFin table, geo layer or classification; empty otherwise), ``catalogue`` (id),
        ``catalogue_name_fi, producer, url, entries`` (number of snapshot entries),
        ``updated`` (the newest upstream update date among the entries, ``YYYY-MM-DD``; None
        when the source gave none), ``fetched_at`` (newest date), ``synthetic`` (True/False;
        None when the dataset is not in the snapshot), ``status`` (Finnish, for readers:
        ``"Tilastotieto"`` (real data), ``"Esimerkkiaineisto"`` or ``"Ei vielä haettu"``; the
        provenance appendix says real or example data in the same words).

    Raises
    ------
    SnapshotError
        The snapshot folder has no manifest (run ``punos fetch`` or ``punos demo``).
    InputError
        A declaration names a catalogue id that is not in the catalogue (the message names
        the dataset and the id; fix ``data/datasets.yaml`` or add the source to
        ``data/catalogue.yaml``).
    """
    require_columns(cat, ("id", "name_fi", "producer", "url"), "dataset_sources (catalogue)")
    if not getattr(snapshot, "exists", False):
        root = getattr(snapshot, "root", snapshot)
        raise SnapshotError(f"no snapshot at {root} (manifest.json missing); run `punos fetch` for real "
                            "data or `punos demo` for the synthetic example, then run the notebook again")
    by_id = cat.set_index("id")
    unknown = [(d.id, d.catalogue) for d in declarations if d.catalogue and d.catalogue not in by_id.index]
    if unknown:
        listed = ", ".join(f"{ds} -> {cid!r}" for ds, cid in unknown)
        raise InputError(f"data/datasets.yaml links datasets to catalogue ids that data/catalogue.yaml "
                         f"does not have: {listed}; fix the id or add the source to the catalogue")
    rows = []
    for decl in declarations:
        entries = snapshot.entries(dataset=decl.id)
        updated = sorted(e.updated for e in entries if e.updated)
        fetched = sorted(e.fetched_at for e in entries if e.fetched_at)
        synthetic = any(e.synthetic for e in entries) if entries else None
        status = ("Ei vielä haettu" if not entries
                  else "Esimerkkiaineisto" if synthetic else "Tilastotieto")
        what = decl.table or getattr(decl, "layer", None) or getattr(decl, "classification", None) or ""
        linked = by_id.loc[decl.catalogue] if decl.catalogue else None
        rows.append({
            "dataset": decl.id,
            "title_fi": decl.title_fi,
            "table": what,
            "catalogue": decl.catalogue or "",
            "catalogue_name_fi": "" if linked is None else str(linked["name_fi"]),
            "producer": "" if linked is None else str(linked["producer"]),
            "url": "" if linked is None else human_page(str(linked["url"]), linked.get("page")
                                                         if isinstance(linked.get("page"), str) else None),
            "entries": len(entries),
            "updated": _date_part(updated[-1]) if updated else None,
            "fetched_at": _date_part(fetched[-1]) if fetched else None,
            "synthetic": synthetic,
            "status": status,
        })
    frame = pd.DataFrame(rows)
    frame.attrs["provenance"] = {
        "datasets": [d.id for d in declarations],
        "entries": [],
        "synthetic": bool(frame["synthetic"].eq(True).any()),
        "attribution": ["Punos-aineistomäärittely", CATALOGUE_SOURCE,
                        "selvityksen aineistoluettelo"],
        "updated": {},
    }
    return frame


def dataset_sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """Finnish table of :func:`dataset_sources`.

    Columns ``Aineisto, Taulukko tai taso, Luettelon tietolähde, Tuottaja, Päivitetty lähteessä,
    Haettu, Tila``; a missing date is shown as ``"–"`` by the table display. ``attrs["headings"]``
    gives every column of ``sources`` its Finnish heading for the download.
    """
    require_columns(sources, ("title_fi", "table", "catalogue_name_fi", "producer", "updated", "fetched_at", "status"),
          "dataset_sources_table")
    table = pd.DataFrame({
        "Aineisto": sources["title_fi"].to_numpy(),
        "Taulukko tai taso": sources["table"].to_numpy(),
        "Luettelon tietolähde": sources["catalogue_name_fi"].to_numpy(),
        "Tuottaja": sources["producer"].to_numpy(),
        "Päivitetty lähteessä": sources["updated"].to_numpy(dtype=object),
        "Haettu": sources["fetched_at"].to_numpy(dtype=object),
        "Tila": sources["status"].to_numpy(),
    })
    table.attrs["provenance"] = dict(sources.attrs.get("provenance") or curated_provenance(CATALOGUE_SOURCE))
    # The download beside the table is the whole of ``sources``: Finnish headings for its columns.
    table.attrs["headings"] = dict(_DATASET_SOURCE_HEADINGS)
    return table


#: Finnish headings of :func:`dataset_sources`' columns (the CSV/XLSX beside the table).
_DATASET_SOURCE_HEADINGS = {
    "dataset": "Tunnus", "title_fi": "Aineisto", "table": "Taulukko tai taso", "catalogue": "Luettelon tunnus",
    "catalogue_name_fi": "Luettelon tietolähde", "producer": "Tuottaja", "url": "Osoite",
    "entries": "Tiedostoja", "updated": "Päivitetty lähteessä", "fetched_at": "Haettu",
    "synthetic": "Esimerkkiaineisto", "status": "Tila",
}


def collection_files(folder: str | Path | None = None) -> pd.DataFrame:
    """Where the actors' shared information is kept, who edits it and how it is checked.

    Counts the records in each file group, so the table shows the current state.

    Parameters
    ----------
    folder : str or Path, optional
        The project's ``data`` folder; default :func:`punos_lib.paths.data_dir`.

    Returns
    -------
    pandas.DataFrame
        Columns ``Tieto, Sisältö, Tietueita, Muokkaus, Tarkistus`` (Finnish). ``Tieto`` names
        the information as readers know it (tietolähdeluettelo, toimijarekisteri, foorumien
        kirjaukset), not by file: the files are, in row order, ``catalogue.yaml``,
        ``actors/organisations.csv``, ``actors/relations.csv``, ``forums/*.yaml``,
        ``forums/criteria.csv`` and ``forums/assessments/*.csv`` under ``folder`` (listed for
        developers in the technical appendix, study/liite-menetelmat.qmd).
    """
    root = Path(folder) if folder is not None else data_dir()
    if not root.is_dir():
        raise InputError(f"no data folder at {root}; run inside the project or set PUNOS_PROJECT_DIR")

    def csv_rows(path: Path) -> int:
        if not path.is_file():
            return 0
        with path.open(encoding="utf-8") as handle:
            return max(sum(1 for line in handle if line.strip()) - 1, 0)

    def yaml_sources(path: Path) -> int:
        if not path.is_file():
            return 0
        document = read_yaml(path) or {}
        return len(document.get("sources") or []) if isinstance(document, dict) else 0

    forums = root / "forums"
    assessments = sorted((forums / "assessments").glob("*.csv")) if forums.is_dir() else []
    pilots = sorted([*forums.glob("*.yaml"), *forums.glob("*.yml")]) if forums.is_dir() else []
    criteria = forums / "criteria.csv"
    rows = [
        ("Tietolähdeluettelo", "tietolähteet ja tiedontuottajat", yaml_sources(root / "catalogue.yaml"),
         "tekstieditori (YAML) tai Excel-työkirja", "pakolliset kentät, sallitut arvot, https-linkit, liitokset toimijoihin"),
        ("Toimijarekisteri: toimijat", "toimijat (organisaatiot) ja niiden roolit",
         csv_rows(root / "actors" / "organisations.csv"),
         "Excel-työkirja, taulukkolaskenta tai tekstieditori (CSV, UTF-8)",
         "tunnisteet, tyypit, roolit, kuntakoodit, painopistealat, lähde"),
        ("Toimijarekisteri: suhteet", "toimijoiden väliset suhteet", csv_rows(root / "actors" / "relations.csv"),
         "taulukkolaskenta tai tekstieditori (CSV, UTF-8)",
         "tunnetut toimijat, suhteen laji, lähde tai oletus"),
        ("Foorumien kirjaukset", "foorumipilotit: osallistujat, aiheet, sovitut toimet", len(pilots),
         "tekstieditori (YAML)", "päivämäärät, muoto, toimiala, toimet"),
        ("Pilottien arviointikriteerit", "pilottien arviointiin käytettävät kriteerit", csv_rows(criteria),
         "taulukkolaskenta tai tekstieditori (CSV, UTF-8)", "pakolliset kentät, pilottimuodot"),
        ("Foorumien arviolomakkeet", "foorumin arviot ammateista", sum(csv_rows(p) for p in assessments),
         "Excel-lomake: lomake tehdään, osallistujat täyttävät sen ja se tuodaan selvitykseen",
         "jokainen virheellinen solu nimetään, mitään ei tallenneta ennen korjausta"),
    ]
    table = pd.DataFrame(rows, columns=["Tieto", "Sisältö", "Tietueita", "Muokkaus", "Tarkistus"])
    return with_curated_provenance(table, "Punos-hankkeen yhteisen tiedon tiedostot")


def actor_links(cat: pd.DataFrame, orgs: pd.DataFrame, *, within: pd.DataFrame | None = None) -> pd.DataFrame:
    """The catalogue's links to the actor registry, checked against it.

    Parameters
    ----------
    cat : pandas.DataFrame
        From :func:`load_catalogue` (``producer_actors``, ``user_actors``: tuples of actor ids).
    orgs : pandas.DataFrame
        From :func:`punos_lib.registry.actors.load_registry` (the whole registry: every link is
        checked against it).
    within : pandas.DataFrame, optional
        Keep only the links to these organisations, e.g. the study region's network
        (:func:`punos_lib.registry.actors.region_view`), so another region's actors are not
        listed. Default: every link.

    Returns
    -------
    pandas.DataFrame
        One row per link in catalogue order: ``source`` (catalogue id), ``source_name_fi``,
        ``actor`` (actor id), ``actor_name_fi``, ``link`` (``producer_actors`` or
        ``user_actors``).

    Raises
    ------
    ValidationError
        Every link to an actor id the registry does not have, at once: the catalogue file, the
        entry (number and id), the field and the id, with the registry's file to add it to.
    """
    require_columns(cat, ("id", "name_fi", *ACTOR_LINKS), "actor_links (catalogue)",
                    hint="pass load_catalogue()")
    require_columns(orgs, ("id", "name_fi"), "actor_links (organisations)",
                    hint="pass punos_lib.registry.actors.load_registry()")
    names = dict(zip(orgs["id"].astype(str), orgs["name_fi"].astype(str), strict=True))
    registry = orgs.attrs.get("source_file", "data/actors/organisations.csv")
    problems = Problems(cat.attrs.get("source_file", "data/catalogue.yaml"), unit="entry")
    rows = []
    for number, rec in enumerate(cat.to_dict("records"), start=1):
        problems.label(number, str(rec["id"]))
        for field in ACTOR_LINKS:
            for actor in rec[field] or ():
                if actor not in names:
                    problems.add(f"no actor with this id in {registry}; use an id of that file or add the actor "
                                 "there", row=number, field=field, value=actor)
                    continue
                rows.append({"source": rec["id"], "source_name_fi": rec["name_fi"], "actor": actor,
                             "actor_name_fi": names[actor], "link": field})
    problems.raise_if_any("links from the source catalogue to the actor registry")
    if within is not None:
        require_columns(within, ("id",), "actor_links (within)", hint="pass punos_lib.registry.actors.region_view()")
        kept = set(within["id"].astype(str))
        rows = [r for r in rows if r["actor"] in kept]
    return pd.DataFrame(rows, columns=["source", "source_name_fi", "actor", "actor_name_fi", "link"])


def actor_sources_table(links: pd.DataFrame) -> pd.DataFrame:
    """Per actor, the catalogued sources it produces and uses (Finnish; chapters 8 and 9).

    Columns ``Toimija, Tuottaa, Käyttää`` (source names joined with semicolons), actors with
    the most produced sources first, then by name.
    """
    require_columns(links, ("actor_name_fi", "source_name_fi", "link"), "actor_sources_table",
                    hint="pass actor_links()")
    rows = []
    for actor, group in links.groupby("actor_name_fi", sort=True):
        produced = group.loc[group["link"] == "producer_actors", "source_name_fi"].tolist()
        used = group.loc[group["link"] == "user_actors", "source_name_fi"].tolist()
        rows.append({"Toimija": actor, "Tuottaa": "; ".join(produced), "Käyttää": "; ".join(used),
                     "_n": len(produced)})
    table = pd.DataFrame(rows, columns=["Toimija", "Tuottaa", "Käyttää", "_n"])
    table = table.sort_values(["_n", "Toimija"], ascending=[False, True], kind="stable").drop(columns="_n")
    return with_curated_provenance(table.reset_index(drop=True),
                                   f"{CATALOGUE_SOURCE}; {REGISTRY_SOURCE}")

"""Helpers of the three "aims" chapters: data sources (8), actor network (9) and forums (10).

The catalogue (:mod:`punos_lib.registry.catalogue`), the actor registry (:mod:`punos_lib.registry.actors`) and
the forum records (:mod:`punos_lib.registry.forums`) hold the data and the analyses. This module joins
them with the dataset declaration, the snapshot and the indicators, and turns the results into
the Finnish tables and figures the chapter notebooks show, so that the notebooks stay a list of
calls.

- Chapter 8: :func:`catalogue_table`, :func:`coverage_figure`, :func:`summary_table`,
  :func:`gaps_table`, :func:`dataset_sources` (declaration × catalogue × snapshot) and
  :func:`collection_files` (where the shared information lives and how it is edited).
- Chapter 9: :func:`actors_by_municipality`, :func:`network_figure`,
  :func:`centrality_table`, :func:`brokers_table`, :func:`coverage_table`,
  :func:`coverage_gaps`, :func:`assumed_relations`.
- Chapter 10: :func:`pilots_table`, :func:`actions_table`, :func:`occupation_indicators`,
  :func:`workforce_ages`, :func:`forum_comparison`, :func:`comparison_table`,
  :func:`comparison_figure`.

Tables that come from the project's own curated files (not from the snapshot) carry a
provenance made by :func:`curated_provenance`, so their source line names the file and they are
never marked as synthetic statistics. Every table or figure built from forum records that are
examples carries :data:`EXAMPLE_MARK`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"id": ["a"], "topics": [("demand",)]})
>>> curated_provenance("Punos-tietolähdeluettelo")["synthetic"]
False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from punos_lib.registry import catalogue as _catalogue
from punos_lib.present import figures
from punos_lib.registry.actors import ACTOR_TYPES, RELATION_KINDS
from punos_lib.errors import InputError, SnapshotError
from punos_lib.registry.forums import STATES
from punos_lib.records import require_columns

__all__ = [
    "EXAMPLE_MARK",
    "SIGNALS_FI",
    "AGREEMENT_FI",
    "curated_provenance",
    "catalogue_table",
    "coverage_figure",
    "coverage_data",
    "summary_table",
    "gaps_table",
    "dataset_sources",
    "dataset_sources_table",
    "collection_files",
    "actors_by_municipality",
    "actors_map",
    "network_figure",
    "centrality_table",
    "brokers_table",
    "coverage_table",
    "coverage_gaps",
    "assumed_relations",
    "pilots_table",
    "actions_table",
    "occupation_indicators",
    "workforce_ages",
    "forum_comparison",
    "comparison_table",
    "comparison_figure",
]

#: The mark on every table and figure built from example forum records.
EXAMPLE_MARK = "Esimerkki – ei todellisia foorumituloksia"
#: Data signal of :func:`punos_lib.registry.forums.compare_with_indicators` -> Finnish label.
SIGNALS_FI: dict[str, str] = {
    "tight": "tiukka (paljon avoimia paikkoja)",
    "balanced": "tasapainoinen",
    "slack": "väljä (paljon työnhakijoita)",
    "no data": "ei tietoa",
}
#: Agreement of the forum with the data -> Finnish label.
AGREEMENT_FI: dict[str, str] = {"agree": "yhtenevä", "disagree": "eriävä", "no data": "ei tietoa"}

_CATALOGUE_SOURCE = "Punos-tietolähdeluettelo (data/catalogue.yaml)"
_REGISTRY_SOURCE = "Punos-toimijarekisteri (data/actors)"
_FORUM_SOURCE = "Punos-foorumiaineisto (data/forums)"
_ASSUMPTION_MARKERS = ("oletus", "assumption")


# --------------------------------------------------------------------------------- shared


def curated_provenance(source: str, *, example: bool = False) -> dict[str, Any]:
    """Provenance for a table built from the project's curated files, not from the snapshot.

    Parameters
    ----------
    source : str
        The source line text, e.g. ``"Punos-toimijarekisteri (data/actors)"``.
    example : bool
        True when the records are examples; the attribution then ends with
        :data:`EXAMPLE_MARK` so the source line says so.

    Returns
    -------
    dict
        The keys of ``attrs["provenance"]`` (see docs/architecture.md): no datasets or
        snapshot entries, ``synthetic`` False (curated records are not synthetic statistics).

    Examples
    --------
    >>> curated_provenance("Punos-foorumiaineisto", example=True)["attribution"]
    ['Punos-foorumiaineisto – Esimerkki – ei todellisia foorumituloksia']
    """
    if not isinstance(source, str) or not source.strip():
        raise InputError("curated_provenance needs the source text, e.g. 'Punos-toimijarekisteri'")
    text = source.strip() + (f" – {EXAMPLE_MARK}" if example else "")
    return {"datasets": [], "entries": [], "synthetic": False, "attribution": [text], "updated": {}}


def _with_provenance(frame: pd.DataFrame, source: str, *, example: bool = False) -> pd.DataFrame:
    frame.attrs["provenance"] = curated_provenance(source, example=example)
    return frame


def _labels(values: Iterable[str], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(v, v) for v in values)


# --------------------------------------------------------------------------------- chapter 8


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
        commas.

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
        "Tyyppi": [_catalogue.KINDS.get(k, k) for k in cat["kind"]],
        "Aluetaso": [_labels(g, _catalogue.GRANULARITIES) for g in cat["granularity"]],
        "Saatavuus": [_catalogue.ACCESS.get(a, a) for a in cat["access"]],
        "Lisenssi": cat["licence"].astype(str).to_numpy(),
        "Linkki": cat["url"].astype(str).to_numpy(),
    })
    return _with_provenance(table, _CATALOGUE_SOURCE)


def coverage_figure(cat: pd.DataFrame, *, title: str | None = "Tietolähteiden kattamat aihealueet") -> Figure:
    """Topic × source coverage matrix as a two-colour grid (sources as rows).

    Parameters
    ----------
    cat : pandas.DataFrame
        From :func:`punos_lib.registry.catalogue.load_catalogue`.
    title : str, optional
        Figure title (Finnish).

    Returns
    -------
    matplotlib.figure.Figure
        Finished with the catalogue as source (no demo mark: the catalogue is curated text).
    """
    require_columns(cat, ("id", "name_fi", "topics"), "coverage_figure")
    matrix = _catalogue.coverage_matrix(cat)
    names = [_short(n, 48) for n in cat["name_fi"].astype(str)]
    values = matrix.to_numpy(dtype=float)
    figures.apply_style()
    height = max(3.5, 0.17 * len(names) + 1.6)
    fig = Figure(figsize=(6.3, height), layout="constrained")
    ax = fig.add_subplot()
    cmap = ListedColormap(["#F2F2F2", figures.OKABE_ITO[0]])
    ax.imshow(values, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_xticks(np.arange(values.shape[1]), [matrix.attrs["labels_fi"][t] for t in matrix.columns],
                  rotation=35, ha="right")
    ax.set_yticks(np.arange(values.shape[0]), names, fontsize=6.5)
    ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.0)
    ax.tick_params(which="minor", length=0)
    ax.spines[:].set_visible(False)
    ax.legend(handles=[Patch(color=figures.OKABE_ITO[0], label="kattaa aiheen"),
                       Patch(color="#F2F2F2", label="ei kata")],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    if title:
        ax.set_title(title)
    return figures.finish(fig, provenance=curated_provenance(_CATALOGUE_SOURCE))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def coverage_data(cat: pd.DataFrame) -> pd.DataFrame:
    """The data of :func:`coverage_figure`: ``Tietolähde`` and one 0/1 column per topic (Finnish).

    Examples
    --------
    >>> cat = pd.DataFrame({"id": ["a"], "name_fi": ["A"], "topics": [("demand", "education")]})
    >>> coverage_data(cat).iloc[0, 1:].astype(int).tolist()
    [1, 0, 0, 0, 1, 0]
    """
    require_columns(cat, ("id", "name_fi", "topics"), "coverage_data")
    matrix = _catalogue.coverage_matrix(cat)
    table = pd.DataFrame({"Tietolähde": cat["name_fi"].astype(str).to_numpy()})
    for topic in matrix.columns:
        table[matrix.attrs["labels_fi"][topic]] = matrix[topic].astype(int).to_numpy()
    return _with_provenance(table, _CATALOGUE_SOURCE)


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
    summary = _catalogue.summary_by(cat, field)  # type: ignore[arg-type]
    table = pd.DataFrame({_SUMMARY_HEADINGS[field]: summary["label_fi"].to_numpy(),
                          "Lähteitä": summary["sources"].astype(int).to_numpy()})
    return _with_provenance(table, _CATALOGUE_SOURCE)


def gaps_table(cat: pd.DataFrame) -> pd.DataFrame:
    """The known gaps of the catalogued sources: ``Tietolähde, Tuottaja, Tunnetut puutteet``."""
    gaps = _catalogue.gaps(cat)
    table = pd.DataFrame({"Tietolähde": gaps["name_fi"].to_numpy(), "Tuottaja": gaps["producer"].to_numpy(),
                          "Tunnetut puutteet": gaps["gaps"].to_numpy()})
    return _with_provenance(table, _CATALOGUE_SOURCE)


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
        None when the dataset is not in the snapshot), ``status`` (Finnish: ``"ladattu"``,
        ``"esimerkkiaineisto"`` or ``"puuttuu tilannekuvasta"``).

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
        status = ("puuttuu tilannekuvasta" if not entries
                  else "esimerkkiaineisto" if synthetic else "ladattu")
        what = decl.table or getattr(decl, "layer", None) or getattr(decl, "classification", None) or ""
        linked = by_id.loc[decl.catalogue] if decl.catalogue else None
        rows.append({
            "dataset": decl.id,
            "title_fi": decl.title_fi,
            "table": what,
            "catalogue": decl.catalogue or "",
            "catalogue_name_fi": "" if linked is None else str(linked["name_fi"]),
            "producer": "" if linked is None else str(linked["producer"]),
            "url": "" if linked is None else str(linked["url"]),
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
        "attribution": ["Punos-aineistomäärittely (data/datasets.yaml)", _CATALOGUE_SOURCE,
                        "tilannekuvan luettelo (manifest.json)"],
        "updated": {},
    }
    return frame


def dataset_sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """Finnish table of :func:`dataset_sources`.

    Columns ``Aineisto, Taulukko tai taso, Luettelon tietolähde, Tuottaja, Päivitetty lähteessä,
    Haettu, Tila``; a missing date is shown as ``"–"`` by the table display.
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
    table.attrs["provenance"] = dict(sources.attrs.get("provenance") or curated_provenance(_CATALOGUE_SOURCE))
    return table


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
        Columns ``Tiedosto, Sisältö, Tietueita, Muokkaus, Tarkistus`` (Finnish).
    """
    from punos_lib.paths import data_dir

    root = Path(folder) if folder is not None else data_dir()
    if not root.is_dir():
        raise InputError(f"no data folder at {root}; run inside the project or set PUNOS_PROJECT_DIR")

    def csv_rows(path: Path) -> int:
        if not path.is_file():
            return 0
        with path.open(encoding="utf-8") as handle:
            return max(sum(1 for line in handle if line.strip()) - 1, 0)

    import yaml

    def yaml_sources(path: Path) -> int:
        if not path.is_file():
            return 0
        with path.open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle) or {}
        return len(document.get("sources") or []) if isinstance(document, dict) else 0

    forums = root / "forums"
    assessments = sorted((forums / "assessments").glob("*.csv")) if forums.is_dir() else []
    pilots = sorted([*forums.glob("*.yaml"), *forums.glob("*.yml")]) if forums.is_dir() else []
    rows = [
        ("data/catalogue.yaml", "tietolähteet ja tiedontuottajat", yaml_sources(root / "catalogue.yaml"),
         "tekstieditori (YAML)", "catalogue.load_catalogue: pakolliset kentät, sallitut arvot, https-linkit"),
        ("data/actors/organisations.csv", "toimijat (organisaatiot)", csv_rows(root / "actors" / "organisations.csv"),
         "taulukkolaskenta tai tekstieditori (CSV, UTF-8)",
         "actors.load_registry: tunnisteet, tyypit, kuntakoodit, toimialat, lähde"),
        ("data/actors/relations.csv", "toimijoiden väliset suhteet", csv_rows(root / "actors" / "relations.csv"),
         "taulukkolaskenta tai tekstieditori (CSV, UTF-8)",
         "actors.load_registry: tunnetut toimijat, suhteen laji, lähde tai oletus"),
        ("data/forums/*.yaml", "foorumipilotit: osallistujat, aiheet, sovitut toimet", len(pilots),
         "tekstieditori (YAML)", "forums.load_pilots: päivämäärät, muoto, toimiala, toimet"),
        ("data/forums/assessments/*.csv", "foorumin arviot ammateista", sum(csv_rows(p) for p in assessments),
         "Excel-lomake: punos forum template → täyttö → punos forum import",
         "forums.import_workbook: jokainen virheellinen solu nimetään, mitään ei tallenneta ennen korjausta"),
    ]
    table = pd.DataFrame(rows, columns=["Tiedosto", "Sisältö", "Tietueita", "Muokkaus", "Tarkistus"])
    return _with_provenance(table, "Punos-projektin tiedostot (data/)")


# --------------------------------------------------------------------------------- chapter 9


def actors_by_municipality(orgs: pd.DataFrame, municipalities: pd.DataFrame, region: str) -> pd.DataFrame:
    """Number of registered actors per municipality of ``region`` (zeros included).

    Parameters
    ----------
    orgs : pandas.DataFrame
        From :func:`punos_lib.registry.actors.load_registry` (``municipality`` = 3-digit code).
    municipalities : pandas.DataFrame
        From :func:`punos_lib.datasets.municipalities` (``area`` = ``KUxxx``, ``name_fi``,
        ``region``).
    region : str
        Region code, e.g. ``"MK10"``.

    Returns
    -------
    pandas.DataFrame
        ``area, name_fi, actors`` for every municipality of the region, sorted by code.
        ``attrs["outside_region"]`` = number of actors located elsewhere (e.g. national
        agencies in Helsinki), ``attrs["outside_names"]`` their names.

    Raises
    ------
    InputError
        The region has no municipalities, or actors have municipality codes that are not on
        the current municipal division (e.g. a merged municipality); the message names them.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b", "c"], "name_fi": ["A", "B", "C"],
    ...                      "municipality": ["491", "491", "091"]})
    >>> munis = pd.DataFrame({"area": ["KU491", "KU740", "KU091"], "name_fi": ["Mikkeli", "Savonlinna",
    ...                       "Helsinki"], "region": ["MK10", "MK10", "MK01"]})
    >>> counts = actors_by_municipality(orgs, munis, "MK10")
    >>> counts["actors"].tolist(), counts.attrs["outside_region"]
    ([2, 0], 1)
    """
    require_columns(orgs, ("id", "name_fi", "municipality"), "actors_by_municipality (organisations)")
    require_columns(municipalities, ("area", "name_fi", "region"), "actors_by_municipality (municipalities)")
    codes = "KU" + orgs["municipality"].astype(str).str.zfill(3)
    known = set(municipalities["area"].astype(str))
    unknown = orgs.loc[~codes.isin(known), ["id", "municipality"]]
    if len(unknown):
        listed = ", ".join(f"{i} ({m})" for i, m in unknown.itertuples(index=False))
        raise InputError(f"actors with municipality codes not on the current municipal division: {listed}; "
                         "update data/actors/organisations.csv to the current codes (e.g. Pertunmaa 588 "
                         "-> Mäntyharju 507 from 2025)")
    members = municipalities[municipalities["region"].astype(str) == region]
    if members.empty:
        raise InputError(f"no municipalities of region {region!r} in the municipality list; "
                         "use a region code such as 'MK10'")
    counts = codes.value_counts()
    frame = pd.DataFrame({
        "area": members["area"].astype(str).to_numpy(),
        "name_fi": members["name_fi"].astype(str).to_numpy(),
    }).sort_values("area", kind="stable").reset_index(drop=True)
    frame["actors"] = [int(counts.get(c, 0)) for c in frame["area"]]
    inside = codes.isin(set(frame["area"]))
    frame.attrs["outside_region"] = int((~inside).sum())
    frame.attrs["outside_names"] = sorted(orgs.loc[~inside.to_numpy(), "name_fi"].astype(str))
    frame.attrs["provenance"] = curated_provenance(_REGISTRY_SOURCE)
    return frame


def actors_map(orgs: pd.DataFrame, region: str, *, snapshot: Any = None,
               title: str | None = None) -> tuple[Figure, pd.DataFrame]:
    """Map of registered actors per municipality of ``region`` and its data.

    Uses :func:`punos_lib.present.maps.auto_map` (a choropleth when the snapshot has boundaries, else
    the tile map) with fixed classes 0, 1–2, 3–9, 10 or more; the number of actors located
    outside the region is written in a note line.

    Returns
    -------
    (Figure, pandas.DataFrame)
        The map and :func:`actors_by_municipality`'s table.
    """
    from punos_lib import datasets
    from punos_lib.present import maps

    municipalities = datasets.municipalities(snapshot)
    counts = actors_by_municipality(orgs, municipalities, region)
    outside = counts.attrs["outside_region"]
    note = f"Alueen ulkopuolella sijaitsevia toimijoita {outside} (esim. valtakunnalliset toimijat)."
    fig = maps.auto_map(counts, region=region, column="actors", legend_title="Toimijoita",
                        provenance=counts.attrs["provenance"], municipalities=municipalities,
                        boundaries=datasets.boundaries(snapshot), scheme="user_defined",
                        bins=[0, 2, 9, max(10, int(counts["actors"].max()))], decimals=0,
                        title=title, note=note)
    return fig, counts


def network_figure(graph: Any, orgs: pd.DataFrame, *, top: int = 12,
                   title: str = "Osaamisen ennakoinnin toimijaverkosto") -> Figure:
    """The actor network for the study page (:func:`punos_lib.registry.actors.plot_network`), retitled.

    The registry describes one region's network; the title does not name a region so that a
    run for another region does not mislabel it.
    """
    from punos_lib.registry.actors import plot_network

    return plot_network(graph, orgs, top=top, title=title)


def centrality_table(centrality: pd.DataFrame, *, top: int | None = 15) -> pd.DataFrame:
    """Finnish table of :func:`punos_lib.registry.actors.centrality` (the ``top`` first rows, or all).

    Columns ``Toimija, Tyyppi, Yhteyksiä, Välittäjäasema, Ryhmä``; the betweenness is rounded
    to three decimals.
    """
    require_columns(centrality, ("name_fi", "type", "degree", "betweenness", "community"), "centrality_table")
    rows = centrality if top is None else centrality.head(top)
    table = pd.DataFrame({
        "Toimija": rows["name_fi"].to_numpy(),
        "Tyyppi": [ACTOR_TYPES.get(t, t) for t in rows["type"]],
        "Yhteyksiä": rows["degree"].astype(int).to_numpy(),
        "Välittäjäasema": rows["betweenness"].astype(float).round(3).to_numpy(),
        "Ryhmä": rows["community"].astype(int).to_numpy(),
    })
    return _with_provenance(table, _REGISTRY_SOURCE)


def brokers_table(brokers: pd.DataFrame, *, top: int | None = 10) -> pd.DataFrame:
    """Finnish table of :func:`punos_lib.registry.actors.brokers`.

    Columns ``Toimija, Tyyppi, Parien osuus`` (share of connected education–business pairs
    whose shortest paths run through the actor, weighted; 0–1) and ``Pareja``.
    """
    require_columns(brokers, ("name_fi", "type", "share_of_pairs", "pairs"), "brokers_table")
    rows = brokers if top is None else brokers.head(top)
    table = pd.DataFrame({
        "Toimija": rows["name_fi"].to_numpy(),
        "Tyyppi": [ACTOR_TYPES.get(t, t) for t in rows["type"]],
        "Parien osuus": rows["share_of_pairs"].astype(float).round(3).to_numpy(),
        "Pareja": rows["pairs"].astype(int).to_numpy(),
    })
    return _with_provenance(table, _REGISTRY_SOURCE)


def coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """Finnish table of :func:`punos_lib.registry.actors.sector_coverage`: actors per sector and type.

    Columns ``Toimiala``, one per actor type (Finnish labels), ``Yhteensä`` and ``Puuttuu``
    (which key actor types the sector lacks, empty when none).
    """
    require_columns(coverage, ("name_fi", *ACTOR_TYPES, "total", "lacks_education", "lacks_business"), "coverage_table")
    table = pd.DataFrame({"Toimiala": coverage["name_fi"].to_numpy()})
    for actor_type, label in ACTOR_TYPES.items():
        table[label] = coverage[actor_type].astype(int).to_numpy()
    table["Yhteensä"] = coverage["total"].astype(int).to_numpy()
    table["Puuttuu"] = [_missing_text(e, b) for e, b in zip(coverage["lacks_education"],
                                                             coverage["lacks_business"], strict=True)]
    return _with_provenance(table, _REGISTRY_SOURCE)


def _missing_text(lacks_education: bool, lacks_business: bool) -> str:
    parts = (["koulutustoimija"] if lacks_education else []) + (["yritys tai toimialajärjestö"]
                                                                 if lacks_business else [])
    return " ja ".join(parts)


def coverage_gaps(coverage: pd.DataFrame) -> pd.DataFrame:
    """The sectors without an education or a business actor: ``Toimiala, Puuttuu``.

    Empty (with these columns) when every sector has both; the chapter then says so.

    Examples
    --------
    >>> cov = pd.DataFrame({"name_fi": ["Vesiala", "Metsäala"], "lacks_education": [False, False],
    ...                     "lacks_business": [True, False]})
    >>> coverage_gaps(cov).values.tolist()
    [['Vesiala', 'yritys tai toimialajärjestö']]
    """
    require_columns(coverage, ("name_fi", "lacks_education", "lacks_business"), "coverage_gaps")
    lacking = coverage[coverage["lacks_education"] | coverage["lacks_business"]]
    table = pd.DataFrame({
        "Toimiala": lacking["name_fi"].to_numpy(),
        "Puuttuu": [_missing_text(e, b) for e, b in zip(lacking["lacks_education"],
                                                         lacking["lacks_business"], strict=True)],
    })
    return _with_provenance(table, _REGISTRY_SOURCE)


def assumed_relations(orgs: pd.DataFrame, rels: pd.DataFrame) -> pd.DataFrame:
    """The relations whose source is an assumption ("oletus" / "assumption"), to be confirmed.

    Returns
    -------
    pandas.DataFrame
        ``Toimija, Toinen toimija, Suhde, Verkosto, Peruste`` in registry order.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b"], "name_fi": ["A ry", "B oy"]})
    >>> rels = pd.DataFrame({"from": ["a", "b"], "to": ["b", "a"], "kind": ["partner", "funds"],
    ...     "network": ["", ""], "source": ["oletus: yhteinen hanke", "vuosikertomus 2023"]})
    >>> assumed_relations(orgs, rels)["Toinen toimija"].tolist()
    ['B oy']
    """
    require_columns(orgs, ("id", "name_fi"), "assumed_relations (organisations)")
    require_columns(rels, ("from", "to", "kind", "network", "source"), "assumed_relations (relations)")
    names = dict(zip(orgs["id"], orgs["name_fi"], strict=True))
    text = rels["source"].astype(str).str.lower()
    assumed = rels[text.map(lambda s: any(m in s for m in _ASSUMPTION_MARKERS))]
    table = pd.DataFrame({
        "Toimija": [names.get(i, i) for i in assumed["from"]],
        "Toinen toimija": [names.get(i, i) for i in assumed["to"]],
        "Suhde": [RELATION_KINDS.get(k, k) for k in assumed["kind"]],
        "Verkosto": assumed["network"].astype(str).to_numpy(),
        "Peruste": assumed["source"].astype(str).to_numpy(),
    })
    return _with_provenance(table, _REGISTRY_SOURCE)


# --------------------------------------------------------------------------------- chapter 10


def _example_column(flags: Iterable[bool]) -> list[str]:
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
        "Merkintä": _example_column(pilots["example"]),
    })
    return _with_provenance(table, _FORUM_SOURCE, example=bool(pilots["example"].any()))


def actions_table(pilots: pd.DataFrame) -> pd.DataFrame:
    """The agreed actions of all pilots: ``Foorumi, Toimi, Vastuu, Määräaika, Merkintä``.

    A missing deadline is shown as ``"ei sovittu"``.
    """
    from punos_lib.registry.forums import pilot_actions

    actions = pilot_actions(pilots)
    table = pd.DataFrame({
        "Foorumi": actions["title"].to_numpy(),
        "Toimi": actions["action"].to_numpy(),
        "Vastuu": actions["owner"].to_numpy(),
        "Määräaika": [d.isoformat() if d is not None and not pd.isna(d) else "ei sovittu"
                      for d in actions["deadline"]],
        "Merkintä": _example_column(actions["example"]),
    })
    return _with_provenance(table, _FORUM_SOURCE, example=bool(actions["example"].any()))


def occupation_indicators(jobseekers: pd.DataFrame, region: str, occupations: Iterable[str], *,
                          months: int = 12, ages: pd.DataFrame | None = None) -> pd.DataFrame:
    """Labour-market tightness (and share aged 55+) of occupations in one region.

    Tightness is the ratio of summed vacancies to summed unemployed jobseekers over the latest
    ``months`` months (``ΣV / ΣU``, :func:`punos_lib.indicators.rolling_tightness` at the last
    month), which removes the seasonal cycle. An occupation with a suppressed (missing) month in
    the window, or without jobseekers, has no tightness (NaN).

    Parameters
    ----------
    jobseekers : pandas.DataFrame
        From :func:`punos_lib.datasets.jobseekers_by_occupation` (``area, occupation,
        occupation_name, month, unemployed, vacancies``).
    region : str
        Area code, e.g. ``"MK10"``.
    occupations : iterable of str
        AML 2010 codes (as in the data, e.g. 4-digit ``"3221"``).
    months : int
        Window length; when the data has fewer months, all of them are used (``attrs``).
    ages : pandas.DataFrame, optional
        From :func:`workforce_ages`: ``occupation, age_group, employed`` (one area, one year).

    Returns
    -------
    pandas.DataFrame
        One row per requested occupation (in the given order, duplicates removed): ``aml,
        occupation_name, unemployed`` (monthly mean over the window), ``vacancies`` (monthly
        mean), ``tightness``, ``share_55plus`` (0–1; NaN without ``ages`` or data) and
        ``share_55plus_group`` (the occupation code of the age data used: the code itself or
        the finest coarser group, e.g. ``"322"`` for ``"3221"``).
        Occupations absent from the data keep NaN values. ``attrs``: ``period`` (first and last
        month of the window), ``months`` (its length), ``region``, ``share_55plus_scope``.

    Raises
    ------
    InputError
        No rows for the region (names the areas present), missing columns, or an empty list
        of occupations.

    Examples
    --------
    >>> js = pd.DataFrame({"area": ["MK10"] * 4, "occupation": ["3221", "3221", "5321", "5321"],
    ...     "occupation_name": ["Sairaanhoitajat", "Sairaanhoitajat", "Lähihoitajat", "Lähihoitajat"],
    ...     "month": ["2023M01", "2023M02"] * 2, "unemployed": [10.0, 10.0, 40.0, 60.0],
    ...     "vacancies": [15.0, 25.0, 5.0, 5.0]})
    >>> occupation_indicators(js, "MK10", ["3221", "5321"], months=2)["tightness"].tolist()
    [2.0, 0.1]
    """
    from punos_lib.indicators import rolling_tightness, share_aged_55_plus

    require_columns(jobseekers, ("area", "occupation", "month", "unemployed", "vacancies"), "occupation_indicators")
    codes = list(dict.fromkeys(str(c) for c in occupations))
    if not codes:
        raise InputError("occupation_indicators: no occupation codes given; pass the sector's AML 2010 codes")
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InputError(f"months must be a positive whole number, got {months!r}")
    area = jobseekers[jobseekers["area"].astype(str) == region]
    if area.empty:
        present = sorted(set(jobseekers["area"].astype(str)))
        raise InputError(f"jobseekers_by_occupation has no rows for area {region!r} "
                         f"(areas present: {', '.join(present[:25])}); check the region code")
    all_months = sorted(set(area["month"].astype(str)))
    window = min(months, len(all_months))
    chosen = all_months[-window:]
    data = area[area["occupation"].astype(str).isin(codes) & area["month"].astype(str).isin(chosen)]
    names = dict(zip(area["occupation"].astype(str), area.get("occupation_name", area["occupation"]).astype(str),
                     strict=False))

    data = pd.DataFrame({"month": data["month"].astype(str).to_numpy(),
                         "occupation": data["occupation"].astype(str).to_numpy(),
                         "vacancies": pd.to_numeric(data["vacancies"]).to_numpy(dtype=float),
                         "unemployed": pd.to_numeric(data["unemployed"]).to_numpy(dtype=float)})
    repeated = data.duplicated(["month", "occupation"])
    if repeated.any():
        first = data.loc[repeated].iloc[0]
        raise InputError(f"jobseekers_by_occupation has several rows for area {region}, occupation "
                         f"{first['occupation']}, month {first['month']}; expected one row each")

    def wide(column: str) -> pd.DataFrame:
        # pivot (not pivot_table) keeps a suppressed cell missing instead of summing it to 0
        table = data.pivot(index="month", columns="occupation", values=column)
        return table.reindex(index=chosen, columns=codes)

    vacancies = wide("vacancies").astype(float)
    unemployed = wide("unemployed").astype(float)
    tight = rolling_tightness(vacancies, unemployed, window=window).iloc[-1]
    result = pd.DataFrame({
        "aml": codes,
        "occupation_name": [names.get(c, "") for c in codes],
        "unemployed": unemployed.mean(skipna=False).reindex(codes).to_numpy(),
        "vacancies": vacancies.mean(skipna=False).reindex(codes).to_numpy(),
        "tightness": tight.reindex(codes).to_numpy(dtype=float),
    })
    scope = "ei saatavilla"
    result["share_55plus"] = np.nan
    result["share_55plus_group"] = ""
    if ages is not None:
        require_columns(ages, ("occupation", "age_group", "employed"), "occupation_indicators (ages)")
        # Age data is often coarser than the 4-digit codes (StatFin 115r: 1-3 digits, Vipunen:
        # 2 digits): each occupation takes the finest group whose code is a prefix of its own.
        age_codes = ages["occupation"].astype(str)
        wanted = sorted({a for a in set(age_codes) if any(c.startswith(a) for c in codes)})
        subset = ages[age_codes.isin(wanted)]
        shares = share_aged_55_plus(subset, by="occupation") if len(subset) else pd.Series(dtype=float)
        shares.index = shares.index.astype(str)
        for row, code in enumerate(codes):
            groups = [g for g in shares.index if code.startswith(g)]
            if groups:
                best = max(groups, key=len)
                result.loc[row, "share_55plus"] = float(shares[best])
                result.loc[row, "share_55plus_group"] = best
        scope = str(ages.attrs.get("scope", "alue"))
    result.attrs["period"] = (chosen[0], chosen[-1])
    result.attrs["months"] = window
    result.attrs["region"] = region
    result.attrs["share_55plus_scope"] = scope
    if "provenance" in jobseekers.attrs:
        result.attrs["provenance"] = jobseekers.attrs["provenance"]
    return result


def workforce_ages(region: str, snapshot: Any = None) -> pd.DataFrame | None:
    """Employed by occupation and age for ``region`` (latest year), else for the whole country.

    Tries :func:`punos_lib.datasets.workforce_by_occupation_age` (a Vipunen import with
    areas) first, then :func:`punos_lib.datasets.occupations_by_age` (StatFin 115r, whole
    country). ``attrs["scope"]`` says which was used: ``"alue"`` or ``"koko maa"``.

    Returns
    -------
    pandas.DataFrame or None
        ``occupation, age_group, employed`` (plus the source's other columns) of one year.
        ``None`` only when the snapshot holds neither dataset (the share aged 55+ is then
        shown as "ei tietoa"; the chapter explains how to import the Vipunen data).
    """
    from punos_lib import datasets

    try:
        frame = datasets.workforce_by_occupation_age(snapshot)
        frame = frame[frame["area"].astype(str) == region]
        scope = "alue"
        if frame.empty:
            raise SnapshotError(f"workforce_by_occupation_age has no rows for {region}")
    except SnapshotError:
        try:
            frame = datasets.occupations_by_age(snapshot)
            scope = "koko maa"
        except SnapshotError:
            return None
    latest = frame["year"].max()
    chosen = frame[frame["year"] == latest].reset_index(drop=True)
    chosen.attrs = dict(frame.attrs)
    chosen.attrs["scope"] = scope
    chosen.attrs["year"] = latest
    return chosen


def forum_comparison(assessments: pd.DataFrame, jobseekers: pd.DataFrame, region: str, sectors: Mapping[str, Any],
                     *, ages: pd.DataFrame | None = None, months: int = 12,
                     shortage_threshold: float = 1.0, oversupply_threshold: float = 0.25) -> pd.DataFrame:
    """Per sector, the forum's assessments beside the data (tightness, share aged 55+).

    For every sector that has stored assessments, the indicators are computed for the sector's
    occupations and the assessed ones (:func:`occupation_indicators`) and compared with
    :func:`punos_lib.registry.forums.compare_with_indicators` (its documented agreement rule and
    thresholds).

    Parameters
    ----------
    assessments : pandas.DataFrame
        From :func:`punos_lib.registry.forums.load_assessments`.
    jobseekers : pandas.DataFrame
        From :func:`punos_lib.datasets.jobseekers_by_occupation`.
    region : str
        Area code.
    sectors : mapping id -> Sector
        From :func:`punos_lib.reference.sectors.load_sectors` (display order = mapping order).
    ages : pandas.DataFrame, optional
        From :func:`workforce_ages`.
    months, shortage_threshold, oversupply_threshold
        Passed on.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~punos_lib.registry.forums.compare_with_indicators` with ``sector,
        sector_name_fi`` in front and ``example`` (any example record among the occupation's
        assessments) at the end; sectors in mapping order, occupations by code.
        ``attrs``: ``period``, ``months``, ``rule``, ``share_55plus_scope``, ``example``.

    Raises
    ------
    InputError
        Assessments of a sector that is not in ``sectors``.
    """
    from punos_lib.registry.forums import compare_with_indicators

    require_columns(assessments, ("sector", "aml", "state", "severity", "example"), "forum_comparison (assessments)")
    unknown = sorted(set(assessments["sector"].astype(str)) - set(sectors))
    if unknown:
        raise InputError(f"assessments name sectors {unknown} that are not in sectors.yaml; "
                         "fix the stored assessment files or the sector list")
    parts = []
    attrs: dict[str, Any] = {}
    for sector_id, info in sectors.items():
        rows = assessments[assessments["sector"].astype(str) == sector_id]
        if rows.empty:
            continue
        codes = [*getattr(info, "aml", ()), *rows["aml"].astype(str)]
        indicators = occupation_indicators(jobseekers, region, codes, months=months, ages=ages)
        compared = compare_with_indicators(rows, indicators.drop(columns=["occupation_name"]),
                                           shortage_threshold=shortage_threshold,
                                           oversupply_threshold=oversupply_threshold)
        examples = rows.groupby(rows["aml"].astype(str))["example"].any()
        compared["example"] = compared["aml"].map(examples).fillna(False).astype(bool)
        compared.insert(0, "sector_name_fi", str(getattr(info, "name_fi", sector_id)))
        compared.insert(0, "sector", sector_id)
        parts.append(compared)
        attrs = {"period": indicators.attrs["period"], "months": indicators.attrs["months"],
                 "rule": compared.attrs.get("rule", ""),
                 "share_55plus_scope": indicators.attrs["share_55plus_scope"]}
    if not parts:
        raise InputError("no stored assessments to compare; import filled workbooks with `punos forum import`")
    result = pd.concat(parts, ignore_index=True)
    result.attrs.update(attrs)
    result.attrs["example"] = bool(result["example"].any())
    # A short forum source: the figure's note line and the table's Merkintä column carry the full
    # example mark, and a long source line would run off the figure.
    forum_source = "Punos-foorumiaineisto" + (" (esimerkkiarviot)" if result.attrs["example"] else "")
    provenance = dict(jobseekers.attrs.get("provenance") or {})
    if provenance:
        provenance["attribution"] = [*provenance.get("attribution", []), forum_source]
    else:
        provenance = curated_provenance(forum_source)
    result.attrs["provenance"] = provenance
    return result


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Finnish table of :func:`forum_comparison`.

    Columns ``Toimiala, Ammatti, Arvioita, Foorumin arvio, Vakavuus (ka.), Tiukkuus (V/U),
    55+ osuus (%), 55+ ammattiryhmä, Tilastojen viesti, Yhteneväisyys, Merkintä``.
    """
    require_columns(comparison, ("sector_name_fi", "aml", "occupation_fi", "n_assessments", "state", "severity_mean",
                       "tightness", "share_55plus", "share_55plus_group", "data_signal", "agreement", "example"), "comparison_table")
    table = pd.DataFrame({
        "Toimiala": comparison["sector_name_fi"].to_numpy(),
        "Ammatti": [f"{c} {n}".strip() for c, n in zip(comparison["aml"], comparison["occupation_fi"].fillna(""),
                                                        strict=True)],
        "Arvioita": comparison["n_assessments"].astype(int).to_numpy(),
        "Foorumin arvio": [STATES.get(s, s) for s in comparison["state"]],
        "Vakavuus (ka.)": comparison["severity_mean"].astype(float).round(1).to_numpy(),
        "Tiukkuus (V/U)": comparison["tightness"].astype(float).round(2).to_numpy(),
        "55+ osuus (%)": (100 * comparison["share_55plus"].astype(float)).round(1).to_numpy(),
        "55+ ammattiryhmä": comparison["share_55plus_group"].fillna("").astype(str).to_numpy(),
        "Tilastojen viesti": [SIGNALS_FI.get(s, s) for s in comparison["data_signal"]],
        "Yhteneväisyys": [AGREEMENT_FI.get(a, a) for a in comparison["agreement"]],
        "Merkintä": _example_column(comparison["example"]),
    })
    table.attrs["provenance"] = comparison.attrs.get("provenance") or curated_provenance(_FORUM_SOURCE)
    return table


_STATE_COLOURS = {
    "shortage": figures.OKABE_ITO[5],
    "matching_problem": figures.OKABE_ITO[1],
    "balance": figures.OKABE_ITO[2],
    "oversupply": figures.OKABE_ITO[0],
}


def comparison_figure(comparison: pd.DataFrame, *, shortage_threshold: float = 1.0,
                      oversupply_threshold: float = 0.25,
                      title: str = "Foorumin arviot ja työmarkkinoiden tiukkuus") -> Figure:
    """Dot plot: tightness of each assessed occupation, coloured by the forum's state.

    Dashed lines mark the thresholds of the agreement rule; occupations without tightness are
    listed at the left edge with an open marker. Example records put :data:`EXAMPLE_MARK` in
    a note line; synthetic statistics get the demo mark from the provenance.
    """
    require_columns(comparison, ("sector_name_fi", "aml", "occupation_fi", "state", "tightness", "example"),
          "comparison_figure")
    if comparison.empty:
        raise InputError("comparison_figure: nothing to draw; the comparison has no rows")
    data = comparison.reset_index(drop=True)
    labels = [_short(f"{s}: {c} {n}".strip(), 46) for s, c, n in
              zip(data["sector_name_fi"], data["aml"], data["occupation_fi"].fillna(""), strict=True)]
    figures.apply_style()
    fig = Figure(figsize=(6.3, max(2.8, 0.28 * len(data) + 1.6)), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(data))[::-1]
    tight = data["tightness"].astype(float).to_numpy()
    finite = tight[np.isfinite(tight)]
    right = max(float(finite.max()) if finite.size else 0.0, shortage_threshold) * 1.15
    for state, colour in _STATE_COLOURS.items():
        chosen = (data["state"] == state).to_numpy()
        have = chosen & np.isfinite(tight)
        none = chosen & ~np.isfinite(tight)
        if have.any() or none.any():
            ax.scatter(tight[have], y[have], color=colour, s=36, zorder=3, label=STATES[state])
            ax.scatter(np.zeros(none.sum()), y[none], facecolors="none", edgecolors=colour, s=36, zorder=3)
    ax.axvline(shortage_threshold, color="#555555", linestyle="--", linewidth=0.8)
    ax.axvline(oversupply_threshold, color="#555555", linestyle=":", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlim(0, right)
    ax.xaxis.set_major_formatter(figures.number_formatter(1))
    ax.set_xlabel("Avoimet työpaikat työtöntä työnhakijaa kohden (V/U)")
    ax.grid(True, axis="x")
    ax.legend(title="Foorumin arvio", loc="lower right", fontsize=7, title_fontsize=7.5)
    ax.set_title(title)
    notes = ["Katkoviiva: pularaja, pisteviiva: ylitarjontaraja. Avoin merkki = ei tiukkuustietoa."]
    period = comparison.attrs.get("period")
    if period:
        notes.insert(0, f"Tiukkuus = avoimet työpaikat / työttömät työnhakijat kuukauden lopussa, "
                        f"summat {period[0]}–{period[1]}.")
    if bool(data["example"].any()):
        notes.insert(0, EXAMPLE_MARK)
    provenance = comparison.attrs.get("provenance") or curated_provenance(_FORUM_SOURCE)
    return figures.finish(fig, provenance=provenance, note=notes)

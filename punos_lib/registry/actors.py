"""The regional anticipation network: actor registry and its analysis (Punos aim 2).

``data/actors/organisations.csv`` lists the organisations (education, working
life, public authorities, development companies, intermediaries, research), each
with its role in anticipation in Finnish (``role``) and the region it belongs to
(``region``: a region code such as ``MK10``, or ``SSS`` for a national actor), and
``data/actors/relations.csv`` their ties (membership, partnership, funding,
coordination, education for an employer field). Every row names where the
information comes from; rows marked "oletus / assumption" are to be confirmed.

A study shows the network of its own region (:func:`region_view`): the region's actors and
the national actors with a recorded relation to one of them. Another region's actors never
appear, and a region with no actors of its own reads :func:`none_recorded_text` instead of
tables and figures.

The analysis treats the network as undirected (who is connected with whom);
the direction of each relation stays in the relations table. The Finnish tables of chapter 9
(central actors, brokers, sector coverage, actors per municipality, relations that are still
assumptions) are built here; the network figure and the map are drawn by
:mod:`punos_lib.present.curated`. networkx is imported only by the functions that build or
measure the graph, so reading the registry stays cheap.

Examples
--------
>>> from punos_lib import actors
>>> orgs, rels = actors.load_registry(sectors=["metsa", "ruoka"])   # doctest: +SKIP
>>> orgs, rels = actors.region_view(orgs, rels, "MK10")             # doctest: +SKIP
>>> graph = actors.build_graph(orgs, rels)                           # doctest: +SKIP
>>> actors.centrality(graph).head()                                  # doctest: +SKIP
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from punos_lib.errors import InputError
from punos_lib.paths import data_dir
from punos_lib.records import (
    Problems,
    curated_provenance,
    read_csv_table,
    require_columns,
    split_list,
    with_curated_provenance,
)
from punos_lib.reference.regions import COUNTRY, REGIONS, genitive, require_region
from punos_lib.reference.sectors import known_sector_ids, load_sectors

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ACTOR_TYPES",
    "RELATION_KINDS",
    "load_registry",
    "NATIONAL",
    "region_view",
    "regional_only",
    "chapter_lead_text",
    "none_recorded_text",
    "build_graph",
    "centrality",
    "brokers",
    "sector_coverage",
    "describe_network_fi",
    "REGISTRY_SOURCE",
    "actors_by_municipality",
    "centrality_table",
    "brokers_table",
    "coverage_table",
    "coverage_gaps",
    "assumed_relations",
    "actor_table",
]

#: Actor type -> Finnish label (legend and text).
ACTOR_TYPES: dict[str, str] = {
    "education": "koulutus",
    "business": "elinkeinoelämä",
    "public": "julkinen toimija",
    "development": "kehitysyhtiö",
    "intermediary": "välittäjäorganisaatio",
    "research": "tutkimus",
}
#: Relation kind -> Finnish label.
RELATION_KINDS: dict[str, str] = {
    "member_of": "jäsenyys",
    "partner": "kumppanuus",
    "funds": "rahoitus",
    "coordinates": "koordinointi",
    "educates_for": "koulutus työelämän tarpeisiin",
}
ORG_COLUMNS = ("id", "name_fi", "name_en", "type", "role", "municipality", "region", "sectors", "url", "source")
#: The ``region`` of a national actor (the whole country's code in StatFin, "koko maa").
NATIONAL = COUNTRY
REL_COLUMNS = ("from", "to", "kind", "network", "source")

#: The source line of tables and figures built from the registry.
REGISTRY_SOURCE = "Punos-toimijarekisteri"
_ASSUMPTION_MARKERS = ("oletus", "assumption")


def _need_registry(frame: object, columns: Iterable[str], what: str) -> None:
    require_columns(frame, columns, what, hint="pass the frames from load_registry()")


def load_registry(
    dir: str | Path | None = None, *, sectors: object = None, region: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and validate the actor registry.

    Parameters
    ----------
    dir : str or Path, optional
        Folder with ``organisations.csv`` and ``relations.csv``; default
        ``data/actors`` of the project.
    sectors : mapping, list of ids, path or None
        The known sector ids (see :func:`punos_lib.reference.sectors.known_sector_ids`);
        default: the project's ``sectors.yaml``.
    region : str, optional
        Return only this region's network (:func:`region_view`); the whole registry is
        validated all the same. Default: every actor.

    Returns
    -------
    (organisations, relations) : tuple of pandas.DataFrame
        ``organisations`` has the CSV columns with ``sectors`` as a tuple of
        ids; ``relations`` the CSV columns. All other values are text.

    Raises
    ------
    ValidationError
        Every problem of a file together, naming file, row (data row, 1-based)
        and field: missing values, unknown types, kinds, sectors or region codes, a
        municipality code that is not three digits, duplicate ids, a relation
        to an unknown id, or an organisation with neither url nor source.
    """
    folder = Path(dir) if dir is not None else data_dir() / "actors"
    sector_ids = known_sector_ids(sectors)
    org_path = folder / "organisations.csv"
    rel_path = folder / "relations.csv"
    orgs = read_csv_table(org_path, ORG_COLUMNS)
    rels = read_csv_table(rel_path, REL_COLUMNS)

    problems = Problems(org_path)
    check_organisations(list(enumerate(orgs.to_dict("records"), start=1)), problems, sector_ids)
    problems.raise_if_any("organisation registry")
    problems = Problems(rel_path)
    check_relations(list(enumerate(rels.to_dict("records"), start=1)), problems, set(orgs["id"]), org_path.name)
    problems.raise_if_any("relation registry")

    orgs["sectors"] = orgs["sectors"].map(split_list)
    orgs.attrs["source_file"] = str(org_path)
    rels.attrs["source_file"] = str(rel_path)
    if region is not None:
        return region_view(orgs, rels, region)
    return orgs, rels


def _region_problem(value: str) -> str | None:
    """What is wrong with ``value`` as an actor's ``region``, or None when it is a known code."""
    if value in REGIONS or value == NATIONAL:
        return None
    if not value:
        return ("required field is missing or empty; give the code of the region the actor belongs to, "
                f"e.g. MK10 for Etelä-Savo, or {NATIONAL} for a national actor (koko maa)")
    return (f"not a region code; use one of {', '.join(REGIONS)} (e.g. MK10 for Etelä-Savo, MK07 for "
            f"Päijät-Häme) or {NATIONAL} for a national actor (koko maa)")


def region_view(orgs: pd.DataFrame, rels: pd.DataFrame, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The network of one region: its own actors and the national actors tied to them.

    Parameters
    ----------
    orgs, rels : pandas.DataFrame
        From :func:`load_registry` (the whole registry).
    region : str
        The study's region code, e.g. ``"MK10"``.

    Returns
    -------
    (organisations, relations) : tuple of pandas.DataFrame
        The organisations whose ``region`` is ``region``, then the national ones
        (``region`` = :data:`NATIONAL`) tied to them by a relation, directly or through other
        national actors (e.g. a ministry that steers an agency the region's council works
        with), each in registry order; the relations whose two ends are both kept. Another region's actors
        are never included, and national actors are not there for their own sake: a region
        without actors of its own gets no rows (the same columns). ``attrs["region"]`` is the
        code.

    Raises
    ------
    InputError
        ``region`` is not a region code.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b", "n", "m"], "region": ["MK10", "MK07", "SSS", "SSS"]})
    >>> rels = pd.DataFrame({"from": ["a", "b"], "to": ["n", "m"]})
    >>> view, ties = region_view(orgs, rels, "MK10")
    >>> view["id"].tolist(), len(ties)
    (['a', 'n'], 1)
    >>> len(region_view(orgs, rels, "MK01")[0])
    0
    """
    _need_registry(orgs, ("id", "region"), "region_view (organisations)")
    _need_registry(rels, ("from", "to"), "region_view (relations)")
    require_region(region)
    regions = orgs["region"].astype(str)
    own = set(orgs.loc[regions == region, "id"])
    national = set(orgs.loc[regions == NATIONAL, "id"])
    neighbours: dict[str, set[str]] = {}
    for a, b in zip(rels["from"], rels["to"], strict=True):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    keep = set(own)
    queue = deque(sorted(own))
    while queue:  # national actors reached from the region's own, directly or through national ones
        for other in sorted(neighbours.get(queue.popleft(), ())):
            if other in national and other not in keep:
                keep.add(other)
                queue.append(other)
    view = orgs[orgs["id"].isin(keep)].copy()
    view = pd.concat([view[view["region"] != NATIONAL], view[view["region"] == NATIONAL]])
    ties = rels[rels["from"].isin(keep) & rels["to"].isin(keep)].copy()
    for frame, source in ((view, orgs), (ties, rels)):
        frame.attrs = {**source.attrs, "region": region}
    return view.reset_index(drop=True), ties.reset_index(drop=True)


def regional_only(orgs: pd.DataFrame) -> pd.DataFrame:
    """The organisations that belong to a region (not the national ones), e.g. of :func:`region_view`."""
    _need_registry(orgs, ("id", "region"), "regional_only")
    mine = orgs[orgs["region"].astype(str) != NATIONAL].copy()
    mine.attrs = dict(orgs.attrs)
    return mine


def none_recorded_text(region: str) -> str:
    """The Finnish sentence shown instead of the actor chapter's tables and figures.

    Used when ``region`` has no actors of its own in the registry; the region is named in the
    genitive, which needs no other case.

    Examples
    --------
    >>> none_recorded_text("MK07")
    'Päijät-Hämeen toimijoita ei ole vielä kirjattu toimijarekisteriin.'
    """
    return f"{genitive(region)} toimijoita ei ole vielä kirjattu toimijarekisteriin."


def chapter_lead_text(region: str, has_actors: bool) -> str:
    """The Finnish sentence that opens the actor chapter: whose network its tables and figures show.

    A region without actors of its own is told so once, before the chapter's explanations (which
    then say what the empty tables will show).

    Examples
    --------
    >>> chapter_lead_text("MK10", True)
    'Luvun taulukot ja kuviot kuvaavat Etelä-Savon toimijoita ja niihin kytkeytyviä valtakunnallisia toimijoita.'
    >>> chapter_lead_text("MK07", False).startswith("Päijät-Hämeen toimijoita ei ole vielä kirjattu")
    True
    """
    if has_actors:
        return (f"Luvun taulukot ja kuviot kuvaavat {genitive(region)} toimijoita ja niihin kytkeytyviä "
                "valtakunnallisia toimijoita.")
    return (f"{none_recorded_text(region)[:-1]}, joten luvun taulukot ja kuviot ovat vielä tyhjiä. Alla "
            "olevat selitykset kertovat, mitä ne näyttävät, kun alueen toimijat ja niiden suhteet on kirjattu.")


def check_organisations(records: list[tuple[int, dict[str, str]]], problems: Problems,
                        sector_ids: Iterable[str]) -> None:
    """Record every problem of the organisation rows (text values) in ``problems``.

    ``records`` pairs each row's number with its values: CSV data rows count from 1, a
    worksheet's rows are its own numbers. Shared by :func:`load_registry` and the registry
    workbook (:mod:`punos_lib.registry.workbook`).
    """
    sector_ids = tuple(sector_ids)
    for row, rec in records:
        problems.require(rec, ("id", "name_fi", "type", "role", "municipality"), row=row)
        message = _region_problem(rec.get("region", ""))
        if message is not None:
            problems.add(message, row=row, field="region", value=rec.get("region") or None)
        if rec["id"]:
            problems.pattern(rec["id"], r"[a-z0-9]+(-[a-z0-9]+)*", row=row, field="id",
                             what="lower-case letters, digits and hyphens")
        if rec["type"]:
            problems.allowed(rec["type"], ACTOR_TYPES, row=row, field="type")
        if rec["municipality"]:
            problems.pattern(rec["municipality"], r"\d{3}", row=row, field="municipality",
                             what="a 3-digit municipality code such as 491 (keep leading zeros: 046)")
        for sector in split_list(rec["sectors"]):
            problems.allowed(sector, sector_ids, row=row, field="sectors")
        if not rec["url"] and not rec["source"]:
            problems.add("give a url or a source for every organisation", row=row, field="source")
        if rec["url"] and not rec["url"].startswith("https://"):
            problems.add("must start with https://", row=row, field="url", value=rec["url"])
    problems.unique([rec["id"] for _, rec in records], field="id", rows=[row for row, _ in records])


def check_relations(records: list[tuple[int, dict[str, str]]], problems: Problems, known: set[str],
                    where: str) -> None:
    """Record every problem of the numbered relation rows in ``problems``; ``known`` = organisation ids.

    ``where`` names the organisations' file or sheet in the message about an unknown id.
    """
    for row, rec in records:
        problems.require(rec, REL_COLUMNS[:3] + ("source",), row=row)
        for field in ("from", "to"):
            if rec[field] and rec[field] not in known:
                problems.add(f"no organisation with this id in {where}; add it there or fix the id",
                             row=row, field=field, value=rec[field])
        if rec["from"] and rec["from"] == rec["to"]:
            problems.add("a relation must join two different organisations", row=row, field="to")
        if rec["kind"]:
            problems.allowed(rec["kind"], RELATION_KINDS, row=row, field="kind")


def build_graph(orgs: pd.DataFrame, rels: pd.DataFrame) -> nx.Graph:
    """Build the undirected actor network.

    Nodes are organisation ids (added in sorted order so that every algorithm
    run on the graph is deterministic) with attributes ``name_fi``, ``type``,
    ``municipality``, ``region`` (``""`` without that column) and ``sectors``. Several relations between the same two
    organisations make one edge; its ``kinds`` attribute lists them and
    ``weight`` counts them. Organisations without relations are kept as
    isolated nodes.
    """
    _need_registry(orgs, ("id", "name_fi", "type"), "organisations")
    _need_registry(rels, ("from", "to", "kind"), "relations")
    import networkx as nx

    graph = nx.Graph()
    for rec in orgs.sort_values("id").to_dict("records"):
        graph.add_node(rec["id"], name_fi=rec["name_fi"], type=rec["type"],
                       municipality=rec.get("municipality", ""), region=rec.get("region", ""),
                       sectors=tuple(rec.get("sectors", ()) or ()))
    edges: dict[tuple[str, str], list[str]] = {}
    for rec in rels.to_dict("records"):
        a, b = sorted((rec["from"], rec["to"]))
        if a not in graph or b not in graph:
            raise InputError(f"relation {rec['from']} -> {rec['to']} names an organisation not in the registry; "
                             "validate with load_registry() first")
        edges.setdefault((a, b), []).append(rec["kind"])
    for (a, b), kinds in sorted(edges.items()):
        graph.add_edge(a, b, kinds=tuple(sorted(kinds)), weight=len(kinds))
    return graph


def centrality(graph: nx.Graph) -> pd.DataFrame:
    """Degree, betweenness and community of every actor.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, name_fi, type, degree`` (number of partners),
        ``betweenness`` (share of shortest paths between other actors that run
        through the actor, normalised to 0–1 as in networkx),
        ``community`` (1 = the largest group found by greedy modularity
        maximisation, Clauset–Newman–Moore; ties by size broken by the
        smallest member id). Sorted by betweenness, then degree, then id.
    """
    if graph.number_of_nodes() == 0:
        raise InputError("the network has no actors; check the registry")
    import networkx as nx

    degree = dict(graph.degree())
    between = nx.betweenness_centrality(graph, normalized=True)
    community = _communities(graph)
    rows = [
        {
            "id": node,
            "name_fi": graph.nodes[node].get("name_fi", node),
            "type": graph.nodes[node].get("type", ""),
            "degree": int(degree[node]),
            "betweenness": float(between[node]),
            "community": community[node],
        }
        for node in sorted(graph.nodes)
    ]
    frame = pd.DataFrame(rows)
    return frame.sort_values(["betweenness", "degree", "id"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)


def _communities(graph: nx.Graph) -> dict[str, int]:
    groups: list[set[str]] = []
    connected = graph.subgraph([n for n in graph if graph.degree(n) > 0])
    if connected.number_of_edges() > 0:
        import networkx as nx

        groups = [set(c) for c in nx.community.greedy_modularity_communities(connected)]
    groups += [{n} for n in sorted(graph) if graph.degree(n) == 0]
    groups.sort(key=lambda g: (-len(g), min(g)))
    return {node: number for number, group in enumerate(groups, start=1) for node in group}


def _paths_from(graph: nx.Graph, source: str) -> tuple[dict[str, int], dict[str, int]]:
    """Breadth-first distances and numbers of shortest paths from ``source``."""
    dist = {source: 0}
    sigma = {source: 1}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for nb in sorted(graph.neighbors(node)):
            if nb not in dist:
                dist[nb] = dist[node] + 1
                sigma[nb] = 0
                queue.append(nb)
            if dist[nb] == dist[node] + 1:
                sigma[nb] += sigma[node]
    return dist, sigma


def brokers(
    graph: nx.Graph,
    orgs: pd.DataFrame,
    *,
    education_types: Iterable[str] = ("education",),
    working_life_types: Iterable[str] = ("business",),
) -> pd.DataFrame:
    """Actors that connect education with working life.

    For every pair (education actor *s*, working-life actor *t*) that is
    connected, an actor *v* other than *s* and *t* scores the share of the
    shortest *s*–*t* paths that pass through it (betweenness restricted to
    those pairs).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, name_fi, type, broker_score`` (sum over pairs),
        ``pairs`` (number of pairs with at least one shortest path through the
        actor), ``share_of_pairs`` (``broker_score`` divided by the number of
        connected pairs). Only actors with a score above zero, best first,
        ties by id. Empty (with these columns) when no pair is connected.
    """
    _need_registry(orgs, ("id", "type"), "organisations")
    types = dict(zip(orgs["id"], orgs["type"], strict=True))
    edu_set = set(education_types)
    work_set = set(working_life_types)
    sources = sorted(n for n in graph if types.get(n) in edu_set)
    targets = sorted(n for n in graph if types.get(n) in work_set)
    if not sources or not targets:
        raise InputError(f"the network has no actors of types {sorted(edu_set)} or {sorted(work_set)}; "
                         "check the registry or the type arguments")
    from_target = {t: _paths_from(graph, t) for t in targets}
    score: dict[str, float] = {}
    pairs: dict[str, int] = {}
    connected = 0
    for s in sources:
        dist_s, sigma_s = _paths_from(graph, s)
        for t in targets:
            if t == s or t not in dist_s:
                continue
            connected += 1
            dist_t, sigma_t = from_target[t]
            total = sigma_s[t]
            for v in dist_s:
                if v in (s, t) or v not in dist_t:
                    continue
                if dist_s[v] + dist_t[v] == dist_s[t]:
                    score[v] = score.get(v, 0.0) + sigma_s[v] * sigma_t[v] / total
                    pairs[v] = pairs.get(v, 0) + 1
    columns = ["id", "name_fi", "type", "broker_score", "pairs", "share_of_pairs"]
    rows = [
        {"id": v, "name_fi": graph.nodes[v].get("name_fi", v), "type": types.get(v, ""),
         "broker_score": value, "pairs": pairs[v], "share_of_pairs": value / connected}
        for v, value in score.items()
        if value > 0
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["connected_pairs"] = connected
    return frame.sort_values(["broker_score", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _sector_table(sectors: object) -> list[tuple[str, str]]:
    if isinstance(sectors, Mapping):
        return [(str(k), str(getattr(v, "name_fi", v if isinstance(v, str) else k))) for k, v in sectors.items()]
    if sectors is None or isinstance(sectors, (str, Path)):
        return _sector_table(load_sectors(sectors))
    return [(str(s), str(s)) for s in sectors]


def sector_coverage(orgs: pd.DataFrame, sectors: object = None) -> pd.DataFrame:
    """Count actors per sector and type and flag sectors without key actors.

    Parameters
    ----------
    orgs : pandas.DataFrame
        From :func:`load_registry` (``sectors`` holds tuples of ids).
    sectors : mapping id -> Sector, list of ids, path or None
        The sectors in display order; names are taken from ``name_fi`` when
        the values have it. Default: the project's ``sectors.yaml``.

    Returns
    -------
    pandas.DataFrame
        One row per sector: ``sector, name_fi``, one count column per actor
        type (order of :data:`ACTOR_TYPES`), ``total``, and the flags
        ``lacks_education`` and ``lacks_business``.
    """
    _need_registry(orgs, ("id", "type", "sectors"), "organisations")
    rows = []
    for sector, name in _sector_table(sectors):
        tagged = orgs[orgs["sectors"].map(lambda tags, s=sector: s in tuple(tags))]
        counts = {t: int((tagged["type"] == t).sum()) for t in ACTOR_TYPES}
        rows.append({"sector": sector, "name_fi": name, **counts, "total": int(len(tagged)),
                     "lacks_education": counts["education"] == 0,
                     "lacks_business": counts["business"] == 0})
    return pd.DataFrame(rows, columns=["sector", "name_fi", *ACTOR_TYPES, "total",
                                       "lacks_education", "lacks_business"])






def _join_fi(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " ja " + items[-1]


def describe_network_fi(orgs: pd.DataFrame, rels: pd.DataFrame, centrality: pd.DataFrame, *,
                        top: int = 5, region: str | None = None) -> str:
    """A Finnish markdown description of the network, generated from the registry.

    Every name and number in the text comes from the arguments.

    Parameters
    ----------
    orgs, rels : pandas.DataFrame
        From :func:`load_registry`.
    centrality : pandas.DataFrame
        From :func:`centrality`.
    top : int
        How many central actors to name.
    region : str, optional
        The study's region (default ``orgs.attrs["region"]``, set by :func:`region_view`): the
        text then names the region and says how many of the actors are national ones.
    """
    _need_registry(orgs, ("id", "type", "name_fi"), "organisations")
    _need_registry(rels, ("kind", "source"), "relations")
    _need_registry(centrality, ("id", "name_fi", "degree", "betweenness", "community"), "centrality")
    n_orgs, n_rels = len(orgs), len(rels)
    type_counts = orgs["type"].value_counts()
    by_type = [f"{ACTOR_TYPES[t]} {int(type_counts[t])}" for t in ACTOR_TYPES if t in type_counts]
    kind_counts = rels["kind"].value_counts()
    by_kind = [f"{RELATION_KINDS[k]} {int(kind_counts[k])}" for k in RELATION_KINDS if k in kind_counts]
    assumed = int(rels["source"].str.lower().map(lambda s: any(m in s for m in _ASSUMPTION_MARKERS)).sum())
    ranked = centrality.sort_values(["betweenness", "degree", "id"], ascending=[False, False, True])
    region = region if region is not None else orgs.attrs.get("region")
    first = f"Toimijarekisterissä on {n_orgs} organisaatiota ja {n_rels} niiden välistä suhdetta."
    if region is not None:
        first = (f"{genitive(region)} toimijaverkostoon on kirjattu {n_orgs} organisaatiota ja {n_rels} "
                 "niiden välistä suhdetta.")
    if "region" in orgs.columns and (orgs["region"] == NATIONAL).any():
        n_national = int((orgs["region"] == NATIONAL).sum())
        first += (f" Organisaatioista {n_orgs - n_national} on alueen omia ja {n_national} valtakunnallisia "
                  "toimijoita, joilla on kirjattu suhde alueen toimijoihin suoraan tai toisen "
                  "valtakunnallisen toimijan kautta. Painopistealojen toimijamäärissä ja "
                  "toimialaprofiileissa ovat mukana vain alueen omat toimijat.")
    lines = [
        first,
        f"Toimijatyypeittäin: {_join_fi(by_type)}. Suhteet lajeittain: {_join_fi(by_kind)}.",
        "",
        f"Verkoston keskeisimmät toimijat (välittäjäasema, eli kuinka usein toimija on muiden "
        f"toimijoiden välisillä lyhimmillä poluilla):",
        "",
    ]
    for rec in ranked.head(top).to_dict("records"):
        lines.append(f"- {rec['name_fi']}: {int(rec['degree'])} suoraa yhteyttä, "
                     f"välittäjäasema {rec['betweenness']:.2f}".replace(".", ","))
    n_groups = int(centrality["community"].nunique())
    sizes = centrality["community"].value_counts()
    largest = int(sizes.max()) if len(sizes) else 0
    isolated = int((centrality["degree"] == 0).sum())
    lines += [
        "",
        f"Verkosto jakautuu {n_groups} tiiviimmin kytkeytyneeseen ryhmään; suurimmassa on {largest} toimijaa."
        + (f" Ilman kirjattuja suhteita on {isolated} toimijaa." if isolated else ""),
        "",
        f"{assumed} suhdetta {n_rels}:stä perustuu oletukseen, joka on vielä vahvistettava "
        "toimijoiden kanssa.",
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- tables of chapter 9


def actors_by_municipality(orgs: pd.DataFrame, municipalities: pd.DataFrame, region: str) -> pd.DataFrame:
    """Number of the region's registered actors per municipality of ``region`` (zeros included).

    Only the actors whose ``region`` is ``region`` are counted (when ``orgs`` has that column):
    a national actor located in the region (e.g. an agency in Mikkeli) is not the region's,
    and another region's actors are not counted at all.

    Parameters
    ----------
    orgs : pandas.DataFrame
        From :func:`punos_lib.registry.actors.load_registry` or :func:`region_view`
        (``municipality`` = 3-digit code, ``region``).
    municipalities : pandas.DataFrame
        From :func:`punos_lib.datasets.municipalities` (``area`` = ``KUxxx``, ``name_fi``,
        ``region``).
    region : str
        Region code, e.g. ``"MK10"``.

    Returns
    -------
    pandas.DataFrame
        ``area, name_fi, actors`` for every municipality of the region, sorted by code.
        ``attrs["outside_region"]`` = number of the region's actors located elsewhere,
        ``attrs["outside_names"]`` their names; ``attrs["national"]`` = number of national
        actors in ``orgs`` (not counted on the map).

    Raises
    ------
    InputError
        The region has no municipalities, or actors have municipality codes that are not on
        the current municipal division (e.g. a merged municipality); the message names them.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b", "c", "d"], "name_fi": ["A", "B", "C", "D"],
    ...                      "municipality": ["491", "491", "091", "491"],
    ...                      "region": ["MK10", "MK10", "SSS", "SSS"]})
    >>> munis = pd.DataFrame({"area": ["KU491", "KU740", "KU091"], "name_fi": ["Mikkeli", "Savonlinna",
    ...                       "Helsinki"], "region": ["MK10", "MK10", "MK01"]})
    >>> counts = actors_by_municipality(orgs, munis, "MK10")
    >>> counts["actors"].tolist(), counts.attrs["outside_region"], counts.attrs["national"]
    ([2, 0], 0, 2)
    """
    _need_registry(orgs, ("id", "name_fi", "municipality"), "actors_by_municipality (organisations)")
    require_columns(municipalities, ("area", "name_fi", "region"), "actors_by_municipality (municipalities)",
                    hint="pass punos_lib.datasets.municipalities()")
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
    national = 0
    if "region" in orgs.columns:
        regions = orgs["region"].astype(str).to_numpy()
        national = int((regions == NATIONAL).sum())
        orgs, codes = orgs[regions == region], codes[regions == region]
    counts = codes.value_counts()
    frame = pd.DataFrame({
        "area": members["area"].astype(str).to_numpy(),
        "name_fi": members["name_fi"].astype(str).to_numpy(),
    }).sort_values("area", kind="stable").reset_index(drop=True)
    frame["actors"] = [int(counts.get(c, 0)) for c in frame["area"]]
    inside = codes.isin(set(frame["area"]))
    frame.attrs["outside_region"] = int((~inside).sum())
    frame.attrs["outside_names"] = sorted(orgs.loc[~inside.to_numpy(), "name_fi"].astype(str))
    frame.attrs["national"] = national
    frame.attrs["provenance"] = curated_provenance(REGISTRY_SOURCE)
    return frame


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
    return with_curated_provenance(table, REGISTRY_SOURCE)


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
    return with_curated_provenance(table, REGISTRY_SOURCE)


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
    return with_curated_provenance(table, REGISTRY_SOURCE)


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
    return with_curated_provenance(table, REGISTRY_SOURCE)


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
    _need_registry(orgs, ("id", "name_fi"), "assumed_relations (organisations)")
    _need_registry(rels, ("from", "to", "kind", "network", "source"), "assumed_relations (relations)")
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
    return with_curated_provenance(table, REGISTRY_SOURCE)


def actor_table(orgs: pd.DataFrame, sectors: object = None) -> pd.DataFrame:
    """The actor list of chapter 9: every actor with its type, role and focus sectors (Finnish).

    Parameters
    ----------
    orgs : pandas.DataFrame
        From :func:`load_registry`.
    sectors : mapping id -> Sector, list of ids, path or None
        For the sectors' Finnish names; default the project's ``sectors.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``Toimija, Tyyppi, Taso, Rooli, Painopistealat``: ``Taso`` is ``alueellinen`` or
        ``valtakunnallinen`` (``region`` = :data:`NATIONAL`; ``alueellinen`` when there is no
        ``region`` column). The region's own actors first, then the national ones, each in the
        order of actor types, then name.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a"], "name_fi": ["A ry"], "type": ["business"],
    ...                      "role": ["Toimialajärjestö"], "sectors": [("metsa",)]})
    >>> actor_table(orgs, ["metsa"]).values.tolist()
    [['A ry', 'elinkeinoelämä', 'alueellinen', 'Toimialajärjestö', 'metsa']]
    """
    _need_registry(orgs, ("id", "name_fi", "type", "role", "sectors"), "actor_table")
    names = dict(_sector_table(sectors))
    order = {t: i for i, t in enumerate(ACTOR_TYPES)}
    national = (orgs["region"] == NATIONAL) if "region" in orgs.columns else pd.Series(False, index=orgs.index)
    rows = orgs.assign(_national=national, _order=orgs["type"].map(order)).sort_values(
        ["_national", "_order", "name_fi"], kind="stable")
    table = pd.DataFrame({
        "Toimija": rows["name_fi"].astype(str).to_numpy(),
        "Tyyppi": [ACTOR_TYPES.get(t, t) for t in rows["type"]],
        "Taso": ["valtakunnallinen" if n else "alueellinen" for n in rows["_national"]],
        "Rooli": rows["role"].astype(str).to_numpy(),
        "Painopistealat": [", ".join(names.get(s, s) for s in tags) for tags in rows["sectors"]],
    })
    return with_curated_provenance(table, REGISTRY_SOURCE)

"""The regional anticipation network: actor registry and its analysis (Punos aim 2).

``data/actors/organisations.csv`` lists the organisations (education, working
life, public authorities, development companies, intermediaries, research) and
``data/actors/relations.csv`` their ties (membership, partnership, funding,
coordination, education for an employer field). Every row names where the
information comes from; rows marked "oletus / assumption" are to be confirmed.

The analysis treats the network as undirected (who is connected with whom);
the direction of each relation stays in the relations table.

Examples
--------
>>> from punos_lib import actors
>>> orgs, rels = actors.load_registry(sectors=["metsa", "ruoka"])   # doctest: +SKIP
>>> graph = actors.build_graph(orgs, rels)                           # doctest: +SKIP
>>> actors.centrality(graph).head()                                  # doctest: +SKIP
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from punos_lib.errors import InputError
from punos_lib.paths import data_dir
from punos_lib.records import Problems, read_csv_table, require_columns, split_list
from punos_lib.reference.sectors import known_sector_ids, load_sectors

__all__ = [
    "ACTOR_TYPES",
    "RELATION_KINDS",
    "load_registry",
    "build_graph",
    "centrality",
    "brokers",
    "sector_coverage",
    "plot_network",
    "describe_network_fi",
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
ORG_COLUMNS = ("id", "name_fi", "name_en", "type", "municipality", "sectors", "url", "source")
REL_COLUMNS = ("from", "to", "kind", "network", "source")

# Okabe & Ito (2008) colour-blind-safe palette, one colour per actor type.
_COLOURS = {
    "education": "#0072B2",
    "business": "#E69F00",
    "public": "#009E73",
    "development": "#CC79A7",
    "intermediary": "#56B4E9",
    "research": "#D55E00",
}
_ASSUMPTION_MARKERS = ("oletus", "assumption")


def _need_registry(frame: object, columns: Iterable[str], what: str) -> None:
    require_columns(frame, columns, what, hint="pass the frames from load_registry()")


def load_registry(
    dir: str | Path | None = None, *, sectors: object = None
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

    Returns
    -------
    (organisations, relations) : tuple of pandas.DataFrame
        ``organisations`` has the CSV columns with ``sectors`` as a tuple of
        ids; ``relations`` the CSV columns. All other values are text.

    Raises
    ------
    ValidationError
        Every problem of a file together, naming file, row (data row, 1-based)
        and field: missing values, unknown types, kinds or sectors, a
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
    for row, rec in enumerate(orgs.to_dict("records"), start=1):
        problems.require(rec, ("id", "name_fi", "type", "municipality"), row=row)
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
    problems.unique(orgs["id"], field="id")
    problems.raise_if_any("organisation registry")

    known = set(orgs["id"])
    problems = Problems(rel_path)
    for row, rec in enumerate(rels.to_dict("records"), start=1):
        problems.require(rec, REL_COLUMNS[:3] + ("source",), row=row)
        for field in ("from", "to"):
            if rec[field] and rec[field] not in known:
                problems.add(f"no organisation with this id in {org_path.name}; add it there or fix the id",
                             row=row, field=field, value=rec[field])
        if rec["from"] and rec["from"] == rec["to"]:
            problems.add("a relation must join two different organisations", row=row, field="to")
        if rec["kind"]:
            problems.allowed(rec["kind"], RELATION_KINDS, row=row, field="kind")
    problems.raise_if_any("relation registry")

    orgs["sectors"] = orgs["sectors"].map(split_list)
    orgs.attrs["source_file"] = str(org_path)
    rels.attrs["source_file"] = str(rel_path)
    return orgs, rels


def build_graph(orgs: pd.DataFrame, rels: pd.DataFrame) -> nx.Graph:
    """Build the undirected actor network.

    Nodes are organisation ids (added in sorted order so that every algorithm
    run on the graph is deterministic) with attributes ``name_fi``, ``type``,
    ``municipality`` and ``sectors``. Several relations between the same two
    organisations make one edge; its ``kinds`` attribute lists them and
    ``weight`` counts them. Organisations without relations are kept as
    isolated nodes.
    """
    _need_registry(orgs, ("id", "name_fi", "type"), "organisations")
    _need_registry(rels, ("from", "to", "kind"), "relations")
    graph = nx.Graph()
    for rec in orgs.sort_values("id").to_dict("records"):
        graph.add_node(rec["id"], name_fi=rec["name_fi"], type=rec["type"],
                       municipality=rec.get("municipality", ""), sectors=tuple(rec.get("sectors", ()) or ()))
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


def plot_network(
    graph: nx.Graph, orgs: pd.DataFrame, *, top: int = 12, seed: int = 7,
    source: str = "Lähde: Punos-toimijarekisteri (data/actors); osa suhteista on oletuksia.",
    title: str = "Osaamisen ennakoinnin toimijaverkosto",
) -> Figure:
    """Draw the actor network for an A4 page.

    Node colour shows the actor type (Okabe–Ito palette), node size the
    degree; the ``top`` actors by betweenness (then degree) are numbered on the
    plot and named in a list beside the legend.
    The spring layout uses a fixed ``seed`` so the picture is the same on
    every run. Legend and source line are in Finnish.
    """
    _need_registry(orgs, ("id", "type", "name_fi"), "organisations")
    if graph.number_of_nodes() == 0:
        raise InputError("the network has no actors to draw; check the registry")
    nodes = sorted(graph.nodes)
    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(nodes)
    layout_graph.add_edges_from(sorted(tuple(sorted(e)) for e in graph.edges))
    pos = nx.spring_layout(layout_graph, seed=seed, k=1.6 / max(len(nodes), 1) ** 0.5, iterations=200)
    cent = centrality(graph)
    labelled = set(cent["id"].head(top))
    degree = dict(graph.degree())

    fig = Figure(figsize=(6.9, 6.2), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    nx.draw_networkx_edges(layout_graph, pos, ax=ax, edge_color="#999999", width=0.6, alpha=0.7)
    for actor_type, colour in _COLOURS.items():
        members = [n for n in nodes if graph.nodes[n].get("type") == actor_type]
        if members:
            nx.draw_networkx_nodes(layout_graph, pos, nodelist=members, ax=ax, node_color=colour,
                                   node_size=[40 + 18 * degree[n] for n in members],
                                   edgecolors="white", linewidths=0.5)
    # Names of central actors overlap in the dense middle of the network, so the nodes carry rank
    # numbers and the names are listed beside the legend (the part before a parenthesis is enough).
    ranked = [n for n in cent["id"] if n in labelled]
    names = {n: _shorten(str(graph.nodes[n].get("name_fi", n)).split(" (")[0], 34) for n in ranked}
    for rank, n in enumerate(ranked, start=1):
        ax.text(pos[n][0], pos[n][1], str(rank), ha="center", va="center", fontsize=6,
                fontweight="bold", color="white", zorder=5)
    key = "\n".join(f"{rank}  {names[n]}" for rank, n in enumerate(ranked, start=1))
    fig.text(0.69, 0.62, "Keskeisimmät toimijat\n" + key, ha="left", va="top", fontsize=6.3,
             linespacing=1.5)
    present = [t for t in ACTOR_TYPES if any(graph.nodes[n].get("type") == t for n in nodes)]
    handles = [Line2D([0], [0], marker="o", linestyle="", markersize=6, markerfacecolor=_COLOURS[t],
                      markeredgecolor="white", label=ACTOR_TYPES[t]) for t in present]
    ax.legend(handles=handles, title="Toimijatyyppi", loc="upper left", bbox_to_anchor=(1.0, 1.0),
              fontsize=7, title_fontsize=7.5, frameon=False)
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()
    from punos_lib.present.figures import SOURCE_GID

    # The gid marks this as the figure's source line, so Study.show keeps it instead of adding one.
    fig.text(0.01, 0.01, source + f" Numeroitu {len(ranked)} keskeisintä toimijaa.", fontsize=6,
             gid=SOURCE_GID)
    fig.subplots_adjust(left=0.02, right=0.68, top=0.94, bottom=0.05)
    return fig


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _join_fi(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " ja " + items[-1]


def describe_network_fi(orgs: pd.DataFrame, rels: pd.DataFrame, centrality: pd.DataFrame, *,
                        top: int = 5) -> str:
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
    lines = [
        f"Toimijarekisterissä on {n_orgs} organisaatiota ja {n_rels} niiden välistä suhdetta.",
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

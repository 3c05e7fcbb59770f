"""Figures of the curated records: source coverage (ch. 8), the actor network and map (ch. 9), the forum beside the data (ch. 10).

The registry modules (:mod:`punos_lib.registry.catalogue`, :mod:`~punos_lib.registry.actors`,
:mod:`~punos_lib.registry.comparison`) compute the tables; this module only draws them, in the
style of :mod:`punos_lib.present.figures` (Finnish labels, source line, Okabe–Ito colours). It
loads no data: every function takes the frames (or the graph) a notebook made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from punos_lib.errors import InputError
from punos_lib.present import figures
from punos_lib.records import curated_provenance, require_columns
from punos_lib.registry.actors import ACTOR_TYPES, NATIONAL, centrality
from punos_lib.registry.catalogue import CATALOGUE_SOURCE, coverage_matrix
from punos_lib.registry.forums import EXAMPLE_MARK, FORUM_SOURCE, STATES

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["coverage_figure", "network_figure", "actors_map", "comparison_figure"]


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
    require_columns(cat, ("id", "name_fi", "topics"), "coverage_figure",
                    hint="pass punos_lib.registry.catalogue.load_catalogue()")
    matrix = coverage_matrix(cat)
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
    per_topic = values.sum(axis=0)
    topic_names = [matrix.attrs["labels_fi"][t] for t in matrix.columns]
    most, least = int(np.argmax(per_topic)), int(np.argmin(per_topic))
    figures.set_alt(fig, f"Ruudukko: {title or 'tietolähteiden aihealueet'}. {len(names)} tietolähdettä "
                         f"riveinä, {len(topic_names)} aihealuetta sarakkeina ({', '.join(topic_names)}). "
                         f"Eniten lähteitä aiheella {topic_names[most]} ({int(per_topic[most])}), "
                         f"vähiten aiheella {topic_names[least]} ({int(per_topic[least])}).")
    return figures.finish(fig, provenance=curated_provenance(CATALOGUE_SOURCE))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: The ring around a national actor's node in the network figure.
_NATIONAL_RING = "#222222"
# Okabe & Ito (2008) colour-blind-safe palette, one colour per actor type.
_COLOURS = {
    "education": "#0072B2",
    "business": "#E69F00",
    "public": "#009E73",
    "development": "#CC79A7",
    "intermediary": "#56B4E9",
    "research": "#D55E00",
}


def network_figure(
    graph: nx.Graph, orgs: pd.DataFrame, *, top: int = 12, seed: int = 7,
    source: str = "Lähde: Punos-toimijarekisteri; osa suhteista on oletuksia.",
    title: str = "Osaamisen ennakoinnin toimijaverkosto",
) -> Figure:
    """Draw the actor network for an A4 page.

    The registry describes one region's network; the default title does not name a region so
    that a run for another region does not mislabel it.

    Node colour shows the actor type (Okabe–Ito palette), node size the
    degree, a dark ring a national actor (node ``region`` = ``SSS``); the ``top`` actors by betweenness (then degree) are numbered on the
    plot and named in a list beside the legend.
    The spring layout uses a fixed ``seed`` so the picture is the same on
    every run. Legend and source line are in Finnish.
    """
    import networkx as nx

    require_columns(orgs, ("id", "type", "name_fi"), "network_figure (organisations)",
                    hint="pass the frames from punos_lib.registry.actors.load_registry()")
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
    national = {n for n in nodes if graph.nodes[n].get("region") == NATIONAL}
    for actor_type, colour in _COLOURS.items():
        members = [n for n in nodes if graph.nodes[n].get("type") == actor_type]
        if members:
            nx.draw_networkx_nodes(layout_graph, pos, nodelist=members, ax=ax, node_color=colour,
                                   node_size=[40 + 18 * degree[n] for n in members],
                                   edgecolors=[_NATIONAL_RING if n in national else "white" for n in members],
                                   linewidths=[1.4 if n in national else 0.5 for n in members])
    # Names of central actors overlap in the dense middle of the network, so the nodes carry rank
    # numbers and the names are listed beside the legend (the part before a parenthesis is enough).
    ranked = [n for n in cent["id"] if n in labelled]
    # Full names, wrapped to the column beside the plot (a cut name cannot be looked up).
    names = {n: figures.wrap_text(str(graph.nodes[n].get("name_fi", n)).split(" (")[0], 1.95,
                                  size=6.3).replace("\n", "\n      ") for n in ranked}
    for rank, n in enumerate(ranked, start=1):
        ax.text(pos[n][0], pos[n][1], str(rank), ha="center", va="center", fontsize=6,
                fontweight="bold", color="white", zorder=5)
    key = "\n".join(f"{rank}  {names[n]}" for rank, n in enumerate(ranked, start=1))
    fig.text(0.69, 0.62, "Keskeisimmät toimijat\n" + key, ha="left", va="top", fontsize=6.3,
             linespacing=1.5)
    present = [t for t in ACTOR_TYPES if any(graph.nodes[n].get("type") == t for n in nodes)]
    handles = [Line2D([0], [0], marker="o", linestyle="", markersize=6, markerfacecolor=_COLOURS[t],
                      markeredgecolor="white", label=ACTOR_TYPES[t]) for t in present]
    if national:
        handles.append(Line2D([0], [0], marker="o", linestyle="", markersize=6, markerfacecolor="white",
                              markeredgecolor=_NATIONAL_RING, markeredgewidth=1.4,
                              label="valtakunnallinen toimija"))
    ax.legend(handles=handles, title="Toimijatyyppi", loc="upper left", bbox_to_anchor=(1.0, 1.0),
              fontsize=7, title_fontsize=7.5, frameon=False)
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()
    # The gid marks this as the figure's source line, so Study.show keeps it instead of adding one.
    strategy = (f"Numeroitu {len(ranked)} keskeisintä toimijaa (kaikkiaan {len(nodes)}; suurin "
                "välillisyyskeskeisyys eli useimmin muiden välisillä lyhimmillä poluilla); muut "
                "toimijat näkyvät tyyppinsä värisinä pisteinä, pisteen koko kertoo yhteyksien määrän.")
    fig.text(0.01, 0.01, figures.wrap_text(f"{source} {strategy}", 0.97 * fig.get_figwidth(), size=6),
             fontsize=6, va="bottom", gid=figures.SOURCE_GID)
    fig.subplots_adjust(left=0.02, right=0.68, top=0.94, bottom=0.09)
    counts = ", ".join(f"{ACTOR_TYPES[t]} {sum(1 for n in nodes if graph.nodes[n].get('type') == t)}"
                       for t in present)
    first = ", ".join(str(graph.nodes[n].get("name_fi", n)).split(" (")[0] for n in ranked[:3])
    of_which = f", joista {len(national)} valtakunnallisia" if national else ""
    figures.set_alt(fig, f"Verkostokuvio: {title}. {len(nodes)} toimijaa{of_which} ja {graph.number_of_edges()} "
                         f"yhteyttä; toimijatyypit: {counts}. Keskeisimmät (välillisyyskeskeisyys): "
                         f"{first}.")
    return fig

def actors_map(counts: pd.DataFrame, region: str, *, municipalities: pd.DataFrame, boundaries: Any = None,
               title: str | None = None) -> Figure:
    """Map of registered actors per municipality of ``region``.

    Uses :func:`punos_lib.present.maps.auto_map` (a choropleth when there are boundaries, else
    the tile map) with fixed classes 0, 1–2, 3–9, 10 or more; a note line gives the number of
    national actors (not mapped) and of the region's actors located outside it, when there are any.

    Parameters
    ----------
    counts : pandas.DataFrame
        From :func:`punos_lib.registry.actors.actors_by_municipality` (``area, name_fi, actors``;
        ``attrs["outside_region"]``, ``attrs["national"]``).
    region : str
        Region code, e.g. ``"MK10"``.
    municipalities : pandas.DataFrame
        :func:`punos_lib.datasets.municipalities`.
    boundaries : GeoDataFrame, optional
        :func:`punos_lib.datasets.boundaries`; ``None`` draws the tile map.
    title : str, optional
    """
    from punos_lib.present import maps

    require_columns(counts, ("area", "name_fi", "actors"), "actors_map",
                    hint="pass punos_lib.registry.actors.actors_by_municipality()")
    outside = counts.attrs.get("outside_region", 0)
    national = counts.attrs.get("national", 0)
    parts = [f"Valtakunnallisia toimijoita {national}; ne eivät ole kartalla."] if national else []
    if outside:
        parts.append(f"Alueen ulkopuolella sijaitsevia alueen toimijoita {outside}.")
    note = " ".join(parts) or None
    return maps.auto_map(counts, region=region, column="actors", legend_title="Toimijoita",
                         provenance=counts.attrs["provenance"], municipalities=municipalities,
                         boundaries=boundaries, scheme="user_defined",
                         bins=[0, 2, 9, max(10, int(counts["actors"].max()))], decimals=0,
                         title=title, note=note)


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

    ``comparison`` is :func:`punos_lib.registry.comparison.forum_comparison`.

    Dashed lines mark the thresholds of the agreement rule; occupations without tightness get no
    point (a missing value is not 0): their row reads "ei tiukkuustietoa" and a note counts them. Example records put :data:`EXAMPLE_MARK` in
    a note line; synthetic statistics get the demo mark from the provenance.
    """
    require_columns(comparison, ("sector_name_fi", "aml", "occupation_fi", "state", "tightness", "example"),
          "comparison_figure")
    if comparison.empty:
        raise InputError("comparison_figure: nothing to draw; the comparison has no rows")
    data = comparison.reset_index(drop=True)
    # One sector: it goes in the title and the rows name only the occupation; names are wrapped,
    # not cut (a cut name cannot be looked up).
    sectors = list(dict.fromkeys(data["sector_name_fi"].astype(str)))
    if len(sectors) == 1:
        title = f"{title}: {sectors[0]}"
    labels = [figures.wrap_text((f"{s}: " if len(sectors) > 1 else "") + f"{c} {n}".strip(), 2.4, size=7)
              for s, c, n in zip(data["sector_name_fi"], data["aml"], data["occupation_fi"].fillna(""),
                                 strict=True)]
    figures.apply_style()
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = Figure(figsize=(6.3, max(2.8, 0.2 * lines + 0.1 * len(data) + 1.6)), layout="constrained")
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
            # No tightness is not a tightness of 0: nothing is drawn on the scale, the row says so.
            for row in y[none]:
                ax.text(0.01 * right, row, f"ei tiukkuustietoa (arvio: {STATES[state]})",
                        ha="left", va="center", fontsize=6.5, style="italic", color="#555555",
                        gid="punos-no-data")
    ax.axvline(shortage_threshold, color="#555555", linestyle="--", linewidth=0.8)
    ax.axvline(oversupply_threshold, color="#555555", linestyle=":", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlim(0, right)
    ax.xaxis.set_major_formatter(figures.number_formatter(1))
    ax.set_xlabel("Avoimet työpaikat työtöntä työnhakijaa kohden (V/U)")
    ax.grid(True, axis="x")
    ax.legend(title="Foorumin arvio", loc="lower right", fontsize=7, title_fontsize=7.5)
    ax.set_title(title)
    notes = ["Katkoviiva: pularaja, pisteviiva: ylitarjontaraja."]
    missing = int((~np.isfinite(tight)).sum())
    if missing:
        notes.append(f"Tiukkuustieto puuttuu {missing} ammatilta (kaikkiaan {len(data)}; ei työttömiä tai "
                     "avoimia työpaikkoja tilastossa, tai luku salattu); niitä ei ole piirretty "
                     "asteikolle.")
    period = comparison.attrs.get("period")
    if period:
        notes.insert(0, f"Tiukkuus = avoimet työpaikat / työttömät työnhakijat kuukauden lopussa, "
                        f"summat {period[0]}–{period[1]}.")
    if bool(data["example"].any()):
        notes.insert(0, EXAMPLE_MARK)
    provenance = comparison.attrs.get("provenance") or curated_provenance(FORUM_SOURCE)
    states = ", ".join(f"{STATES[st]} {int((data['state'] == st).sum())}" for st in _STATE_COLOURS
                       if (data["state"] == st).any())
    text = f"Pistekuvio: {title}. {len(data)} foorumin arvioimaa ammattia ({states})"
    if finite.size:
        top = int(np.nanargmax(np.where(np.isfinite(tight), tight, -np.inf)))
        text += (f"; tiukin {data['aml'].iloc[top]} {data['occupation_fi'].fillna('').iloc[top]} "
                 f"({figures.format_number(tight[top], 2)} avointa työpaikkaa työtöntä kohden)")
    if missing:
        text += f"; tiukkuustieto puuttuu {missing} ammatilta"
    figures.set_alt(fig, text + ".")
    return figures.finish(fig, provenance=provenance, note=notes)

"""Tests of punos_lib.present.curated: the figures of the catalogue, the actor network and the forums."""

from __future__ import annotations

import numpy as np
import pandas as pd

from registry_frames import catalogue_frame

from punos_lib.present import curated, figures
from punos_lib.registry import actors




def _tiny_registry() -> tuple[pd.DataFrame, pd.DataFrame]:
    # e1 - p - d - b1 with r hanging on p
    ids = ["e1", "p", "d", "b1", "r"]
    orgs = pd.DataFrame({"id": ids, "name_fi": [f"Nimi {i}" for i in ids],
                         "type": ["education", "public", "development", "business", "research"],
                         "municipality": "491", "sectors": [("metsa",), (), (), ("metsa",), ("ruoka",)]})
    rels = pd.DataFrame({"from": ["e1", "p", "d", "r"], "to": ["p", "d", "b1", "p"],
                         "kind": ["partner", "funds", "partner", "member_of"], "network": "", "source": "test"})
    return orgs, rels


def test_network_figure_rings_national_actors_and_says_so() -> None:
    o, r = _tiny_registry()
    o = o.assign(region=["MK10", "SSS", "MK10", "MK10", "SSS"])  # p and r are national
    fig = curated.network_figure(actors.build_graph(o, r), o, top=2)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[-1] == "valtakunnallinen toimija"
    from matplotlib.collections import PathCollection

    widths = sorted(round(float(w), 1) for c in fig.axes[0].collections if isinstance(c, PathCollection)
                    for w in c.get_linewidths())
    assert widths == [0.5, 0.5, 0.5, 1.4, 1.4]  # two national rings, three white edges
    assert "5 toimijaa, joista 2 valtakunnallisia" in figures.alt_text(fig)
    plain = curated.network_figure(actors.build_graph(*_tiny_registry()), _tiny_registry()[0], top=2)
    assert "valtakunnallinen toimija" not in [t.get_text() for t in plain.axes[0].get_legend().get_texts()]


def test_coverage_figure_draws_the_matrix_with_sources_as_rows():
    fig = curated.coverage_figure(catalogue_frame())
    ax = fig.axes[0]
    image = ax.get_images()[0].get_array()
    # rows = sources, columns = topics in the order demand, supply, matching, demography, education, foresight
    expected = np.array([[1, 0, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 1]], dtype=float)
    np.testing.assert_array_equal(np.asarray(image), expected)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Lähde A", "Lähde B", "Lähde C"]
    assert [t.get_text() for t in ax.get_xticklabels()][2] == "kohtaanto"
    sources = [t.get_text() for t in fig.texts if t.get_gid() == figures.SOURCE_GID]
    assert sources == ["Lähde: Punos-tietolähdeluettelo"]
    assert not figures.is_marked_synthetic(fig)


def test_network_figure_is_deterministic_with_finnish_legend() -> None:
    o, r = _tiny_registry()
    graph = actors.build_graph(o, r)
    fig1 = curated.network_figure(graph, o, top=2)
    fig2 = curated.network_figure(graph, o, top=2)
    legend = fig1.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "koulutus", "elinkeinoelämä", "julkinen toimija", "kehitysyhtiö", "tutkimus"]
    labels1 = sorted((t.get_text(), t.get_position()) for t in fig1.axes[0].texts)
    labels2 = sorted((t.get_text(), t.get_position()) for t in fig2.axes[0].texts)
    assert [t for t, _ in labels1] == ["1", "2"]
    assert labels1 == labels2
    # The numbers are explained beside the legend, most central first (the centrality order).
    cent = actors.centrality(graph)
    top_two = [str(n).split(" (")[0] for n in cent["name_fi"].head(2)]
    key = [t.get_text() for t in fig1.texts if t.get_text().startswith("Keskeisimmät toimijat")]
    assert key == ["Keskeisimmät toimijat\n" + "\n".join(f"{i}  {n}" for i, n in enumerate(top_two, 1))]
    assert sorted(top_two) == ["Nimi d", "Nimi p"]



"""Figures fit to print (issue 10): nothing clipped at the edges, distinct tick labels, month
axes read as months, sizes that follow the content, comparisons on the same side, diverging map
classes and one colour for "worse". Each test fails on the behaviour before the fix."""

from __future__ import annotations

import re

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd

from map_frames import real_municipalities
from punos_lib.present import curated, figures, maps
from punos_lib.registry import actors

PROV_DEMO = {"datasets": ["jobs_by_industry"], "entries": [], "synthetic": True,
             "attribution": ["Lähde: Esimerkkiaineisto – ei todellisia tilastoja"],
             "updated": {"jobs": "2025-12-31T00:00:00Z"}}
LONG_NOTE = ("Laajenemistarve: viime vuosien kehitys jatkuu; korvaustarve: poistumalaskelma, jossa "
             "poistuma-asteet ovat oletuksia ja ikärakenne on koko maan, kun alueen omaa ei ole.")


def overflow(fig) -> tuple[float, float, float, float]:
    """How far (inches) the drawn artists reach past the left, bottom, right and top edges, as
    the PNG draws them."""
    figures.render(fig, "png")  # lays out and fixes the layout as a saved figure has it
    fig.set_dpi(figures.PNG_DPI)
    renderer = figures._renderer(fig)
    fig.draw(renderer)
    tight = fig.get_tightbbox(renderer)
    w, h = fig.get_figwidth(), fig.get_figheight()
    return (max(0.0, -tight.x0), max(0.0, -tight.y0), max(0.0, tight.x1 - w), max(0.0, tight.y1 - h))


def assert_inside(fig) -> None:
    assert max(overflow(fig)) <= 0.01, overflow(fig)


def _industries(n: int) -> pd.DataFrame:
    return pd.DataFrame({"label": [f"{i:02d} Toimiala, jolla on pitkä nimi ja vielä pidempi loppu"
                                   for i in range(n)], "value": np.arange(n, dtype=float) * 10})


def test_long_title_and_footnotes_wrap_inside_the_figure():
    fig = figures.bar_h(_industries(22), "value", "label", kind="tall",
                        title="Alueellinen osuus työpaikkamuutoksesta 2016–2023 toimialoittain")
    figures.finish(fig, provenance=PROV_DEMO, note=LONG_NOTE)
    assert_inside(fig)
    assert "\n" in fig.axes[0].get_title(loc="left") + fig.axes[0].get_title()
    source = [t.get_text() for t in fig.texts if t.get_gid() == figures.SOURCE_GID][0]
    assert "31.12.2025" in source.replace("\n", " ")  # the date whole, not "31.12.202"


def test_footer_lines_do_not_overlap():
    fig = figures.finish(figures.bar_h(_industries(5), "value", "label"), provenance=PROV_DEMO,
                         note=[LONG_NOTE, "Toinen huomautus."])
    figures.render(fig, "png")
    renderer = figures._renderer(fig)
    boxes = sorted((t.get_window_extent(renderer) for t in fig.texts
                    if t.get_gid() in (figures.SOURCE_GID, figures.NOTE_GID, figures.DEMO_DATASETS_GID)),
                   key=lambda b: b.y0)
    for low, high in zip(boxes, boxes[1:]):
        assert low.y1 <= high.y0 + 0.5


def test_real_map_title_is_not_cut_at_the_top(reference):
    gdf = real_municipalities(reference)
    gdf["value"] = np.linspace(-6.5, 4.0, len(gdf))
    fig = maps.choropleth(gdf, "value", region="MK10", legend_title="Työpaikkoja / 100 työllistä",
                          title="Työpaikkaomavaraisuus 2021", sources="Tilastokeskus", worse="low")
    assert_inside(fig)


def _tick_texts(fig, axis: str = "y") -> list[str]:
    figures.render(fig, "png")
    ax = fig.axes[0]
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    locs = ax.get_yticks() if axis == "y" else ax.get_xticks()
    return [t.get_text() for t, v in zip(ticks, locs) if lo <= v <= hi]


def test_tick_labels_are_distinct_when_the_steps_are_finer_than_the_decimals():
    df = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "value": [0.118, 0.121, 0.119, 0.124]})
    labels = _tick_texts(figures.finish(figures.line(df, "year", "value", decimals=2), sources="X"))
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels


def test_year_axis_has_whole_years():
    df = pd.DataFrame({"year": [2016, 2017, 2018], "value": [1.0, 2.0, 3.0]})
    labels = _tick_texts(figures.finish(figures.line(df, "year", "value"), sources="X"), "x")
    assert labels and all(re.fullmatch(r"\d{4}", t) for t in labels), labels


def test_month_axis_reads_months_not_decimal_years():
    months = [f"{y}M{m:02d}" for y in (2022, 2023) for m in range(1, 13)][9:]
    df = pd.DataFrame({"month": months, "value": np.linspace(0.1, 0.3, len(months))})
    labels = _tick_texts(figures.finish(figures.line(df, "month", "value", decimals=2), sources="X"), "x")
    assert labels and all(re.fullmatch(r"\d{4}M\d{2}", t) for t in labels), labels
    assert "2023M01" in labels


def test_ranked_bars_take_the_height_they_need():
    few = figures.bar_h(_industries(7), "value", "label", kind="tall")
    many = figures.bar_h(_industries(22), "value", "label", kind="tall")
    assert few.get_figheight() < 4.5 and many.get_figheight() == 8.0


def test_shares_of_two_populations_are_compared_on_the_same_side():
    df = pd.DataFrame({"age": ["0–14", "15–64", "65+"], "region": [12.0, 55.0, 33.0],
                       "country": [15.0, 62.0, 23.0]})
    fig = figures.population_pyramid(df, "age", "region", "country", left_label="Etelä-Savo",
                                     right_label="Koko maa", percent=True, decimals=0)
    bars = [p for p in fig.axes[0].patches]
    assert len(bars) == 6 and all(p.get_width() > 0 for p in bars)  # none drawn to the left
    filled = [p for p in bars if p.get_fill()]
    assert len(filled) == 3  # the region filled, the country an outline
    assert fig.get_figheight() < 4.5
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Etelä-Savo", "Koko maa"]
    # men and women (counts) keep the mirrored pyramid
    mirror = figures.population_pyramid(df, "age", "region", "country")
    assert any(p.get_width() < 0 for p in mirror.axes[0].patches)


def test_map_classes_of_both_signs_are_split_at_zero():
    values = [-9.5, -8.0, -5.5, -3.1, -1.9, -0.5, 1.0, 2.0, 3.1, 5.0, 11.1]
    c = maps.classify(values, "quantiles", k=5)
    assert c.diverging and c.negative >= 1
    for low, high in zip(c.lowers, c.bins):
        assert not (low < 0 < high)
    labels = c.labels(1)
    assert all("–−" not in lab for lab in labels)  # "−6,5–−1,2" reads as one long dash
    assert any(" … " in lab for lab in labels)
    assert "erikseen alle ja yli 0" in c.title
    # every value keeps its own class
    assert c.assign(values).tolist() == sorted(c.assign(values).tolist())


def test_worse_is_the_same_colour_on_every_map():
    rising = maps.classify([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "quantiles", k=3)  # e.g. unemployment
    falling = maps.classify([-6.0, -5.0, -4.0, -3.0, -2.0, -1.0], "quantiles", k=3)  # decline
    both = maps.classify([-6.0, -5.0, -4.0, 1.0, 2.0, 3.0], "quantiles", k=4)
    worst_high = mcolors.to_hex(rising.colors(worse="high")[-1])
    worst_low = mcolors.to_hex(falling.colors(worse="low")[0])
    assert worst_high == worst_low
    r, g, b = mcolors.to_rgb(worst_high)
    assert r > b  # orange, not blue
    # diverging: the worse side orange, the other side purple (blue above red)
    div = both.colors(worse="low")
    assert div[0][0] > div[0][2] and div[-1][2] > div[-1][0]
    div_high = both.colors(worse="high")
    assert div_high[-1][0] > div_high[-1][2]


def test_map_legend_says_what_orange_means():
    frame = pd.DataFrame({"area": ["KU491", "KU740", "KU593", "KU178"], "value": [9.0, 10.5, 8.1, 7.2]})
    munis = pd.DataFrame({"area": ["KU491", "KU740", "KU593", "KU178"],
                          "name_fi": ["Mikkeli", "Savonlinna", "Pieksämäki", "Juva"], "region": "MK10",
                          "x_km": [514, 613, 506, 544], "y_km": [6840, 6860, 6900, 6870]})
    fig = maps.tile_map(frame, "value", municipalities=munis, region="MK10", k=3,
                        legend_title="Työttömät, % työvoimasta", sources="Tilastokeskus", worse="high")
    legend = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None][0]
    assert maps.WORSE_TEXT in legend.get_title().get_text().replace("\n", " ")
    assert_inside(fig)


def test_network_names_its_actors_whole_and_keeps_its_legend_inside():
    ids = [f"a{i:02d}" for i in range(30)]
    orgs = pd.DataFrame({"id": ids, "type": (["education", "public", "business", "research", "development"] * 6),
                         "name_fi": [f"Kaakkois-Suomen ammattikorkeakoulu, toimipiste {i}" for i in range(30)],
                         "municipality": "491", "sectors": [()] * 30})
    rels = pd.DataFrame({"from": ids[1:], "to": [ids[0]] * 15 + [ids[1]] * 14, "kind": "partner",
                         "network": "", "source": "test"})
    graph = actors.build_graph(orgs, rels)
    fig = curated.network_figure(graph, orgs)
    assert_inside(fig)
    legend = fig.axes[0].get_legend()
    figures.render(fig, "png")
    renderer = figures._renderer(fig)
    box = legend.get_window_extent(renderer)
    assert box.x1 <= fig.bbox.width and box.y0 >= 0
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "…" not in texts and "toimipiste" in texts
    source = [t.get_text() for t in fig.texts if t.get_gid() == figures.SOURCE_GID][0].replace("\n", " ")
    assert "Numeroitu 12 keskeisintä toimijaa (kaikkiaan 30" in source


# -- alt text ------------------------------------------------------------------------------------
def test_alt_text_names_the_largest_and_smallest_bar():
    fig = figures.bar_h(pd.DataFrame({"ala": ["Metsä", "Sote", "Vesi"], "n": [3079.0, 12607.0, 328.0]}),
                        "n", "ala", title="Työpaikat toimialoittain")
    alt = figures.alt_text(fig)
    assert alt.startswith("Pylväskuvio, 3 pylvästä: Työpaikat toimialoittain.")
    assert "Suurin Sote (12\u202f607)" in alt and "pienin Vesi (328)" in alt


def test_alt_text_of_lines_pyramid_and_maps_comes_from_the_data():
    df = pd.DataFrame({"year": [2016, 2023] * 2, "index": [100.0, 98.2, 100.0, 103.7],
                       "area_name": ["Etelä-Savo"] * 2 + ["Koko maa"] * 2})
    alt = figures.alt_text(figures.line(df, "year", "index", hue="area_name", decimals=1, title="Työpaikat"))
    assert "Etelä-Savo: 2016 100,0, 2023 98,2" in alt and "Koko maa: 2016 100,0, 2023 103,7" in alt
    ages = pd.DataFrame({"age": ["0–14", "15–64", "65+"], "r": [12.0, 55.0, 33.0], "c": [15.0, 62.0, 23.0]})
    alt = figures.alt_text(figures.population_pyramid(ages, "age", "r", "c", left_label="Etelä-Savo",
                                                      right_label="Koko maa", percent=True, title="Ikärakenne"))
    assert "Suurin ero: 65+, Etelä-Savo 33\u202f% ja Koko maa 23\u202f%" in alt
    frame = pd.DataFrame({"area": ["KU491", "KU740", "KU593", "KU178"], "value": [9.0, 10.5, 8.1, float("nan")]})
    munis = pd.DataFrame({"area": ["KU491", "KU740", "KU593", "KU178"],
                          "name_fi": ["Mikkeli", "Savonlinna", "Pieksämäki", "Juva"], "region": "MK10",
                          "x_km": [514, 613, 506, 544], "y_km": [6840, 6860, 6900, 6870]})
    fig = maps.tile_map(frame, "value", municipalities=munis, region="MK10", k=3, decimals=1,
                        legend_title="Työttömät, %", title="Työttömyysaste", sources="X", worse="high")
    alt = figures.alt_text(fig)
    assert alt.startswith("Ruutukartta: Työttömyysaste.")
    assert "suurin Savonlinna (10,5), pienin Pieksämäki (8,1)" in alt and "tieto puuttuu 1 alueelta" in alt


def test_forum_figure_names_occupations_whole_and_one_sector_once():
    comparison = pd.DataFrame({
        "sector_name_fi": ["Sosiaali- ja terveysala"] * 3, "aml": ["2635", "3221", "5321"],
        "occupation_fi": ["Sosiaalityön erityisasiantuntijat ja muut sosiaalialan asiantuntijat",
                          "Sairaanhoitajat ym.", "Lähihoitajat"],
        "state": ["shortage", "balance", "shortage"], "tightness": [float("nan"), 0.75, 1.8],
        "example": [True] * 3})
    fig = curated.comparison_figure(comparison)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all("…" not in lab and not lab.startswith("Sosiaali-") for lab in labels)
    assert "muut sosiaalialan asiantuntijat" in " ".join(labels).replace("\n", " ")
    assert ax.get_title(loc="left").endswith(": Sosiaali- ja terveysala")
    assert_inside(fig)

"""Tests of punos_lib.present.maps on small hand-made layers and on the recorded real boundaries."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from map_frames import real_municipalities

from punos_lib.present import figures, maps
from punos_lib.reference.regions import REGIONS
from punos_lib.errors import InputError

PROV_DEMO = {"datasets": ["jobs_by_industry"], "entries": [], "synthetic": True,
             "attribution": ["Lähde: Tilastokeskus"], "updated": {}}
GREY_RGBA = mcolors.to_rgba(figures.GREY)


def _grid() -> gpd.GeoDataFrame:
    """4 columns × 3 rows of 10 km squares; columns 0–1 are region MK10, columns 2–3 MK09.

    Column 2 touches the region, column 3 does not.
    """
    rows = []
    n = 0
    for col in range(4):
        for row in range(3):
            n += 1
            x0, y0 = 500_000 + col * 10_000, 6_800_000 + row * 10_000
            rows.append({"area": f"KU{n:03d}", "name_fi": f"Kunta {n}",
                         "region": "MK10" if col < 2 else "MK09", "value": float(n * 100),
                         "geometry": box(x0, y0, x0 + 10_000, y0 + 10_000)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:3067")


def _legend(fig):
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            return leg
    raise AssertionError("no legend on the map")


def _texts(fig):
    return [t.get_text() for t in fig.texts]


# -- classification ----------------------------------------------------------------------------
def test_quantiles_match_hand_computed_breaks():
    c = maps.classify(np.arange(1, 11, dtype=float), "quantiles", k=5)
    # numpy linear percentiles of 1..10: 20 % → 1 + 0.2 × 9 = 2.8, etc.
    assert c.bins == pytest.approx((2.8, 4.6, 6.4, 8.2, 10.0))
    assert c.lower == 1.0
    assert c.title == "Kvantiilit, 5 luokkaa"
    assert c.assign([1.0, 2.8, 2.9, 10.0, np.nan]).tolist() == [0, 0, 1, 4, -1]


def test_equal_interval_and_labels_in_finnish():
    c = maps.classify([0.0, 1000.0, 2000.0, 4000.0], "equal_interval", k=2)
    assert c.bins == pytest.approx((2000.0, 4000.0))
    # whole numbers (counts): the second class starts after the first one ends
    assert c.labels() == ["0–2\u202f000", "2\u202f001–4\u202f000"]
    assert c.title == "Tasavälit, 2 luokkaa"


def test_user_defined_classes_of_counts_do_not_overlap():
    c = maps.classify([0, 1, 2, 5, 14], "user_defined", bins=[0, 2, 9, 10])
    assert c.bins == (0.0, 2.0, 9.0, 10.0, 14.0)  # the maximum is added as the top bound
    assert c.labels() == ["0", "1–2", "3–9", "10", "11–14"]
    assert c.assign([0, 1, 2, 3, 9, 10, 14]).tolist() == [0, 1, 1, 2, 2, 3, 4]
    assert c.title == "Omat luokkarajat, 5 luokkaa"


def test_fewer_distinct_values_than_classes():
    c = maps.classify([5.0, 5.0, 7.0], "quantiles", k=5)
    assert c.bins == (5.0, 7.0) and c.k == 2


def test_fisher_jenks_hand_computed_groups():
    # Three obvious groups: the optimal 3 classes end at each group's largest value.
    c = maps.classify([1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0, 31.0], "fisher_jenks", k=3)
    assert c.bins == (3.0, 12.0, 31.0)
    assert c.title == "Luonnolliset luokat (Fisher–Jenks), 3 luokkaa"


def _within_ss(values, bins):
    cls = np.searchsorted(np.asarray(bins), values, side="left")
    return sum(float(((values[cls == i] - values[cls == i].mean()) ** 2).sum()) for i in np.unique(cls))


def test_fisher_jenks_is_optimal_against_every_split():
    # Exhaustive check on small samples: no choice of k - 1 breaks has a smaller within-class sum.
    import itertools

    rng = np.random.default_rng(7)
    for _ in range(40):
        # positive values: values of both signs get diverging classes split at zero instead
        x = np.sort(rng.normal(50, 10, int(rng.integers(5, 10))).round(1))
        k = int(rng.integers(2, 5))
        if np.unique(x).size <= k:
            continue
        got = _within_ss(x, maps.classify(x, "fisher_jenks", k).bins)
        best = min(_within_ss(x, [x[i - 1] for i in cut] + [x[-1]])
                   for cut in itertools.combinations(range(1, x.size), k - 1))
        assert got == pytest.approx(best, abs=1e-9)


def test_classes_agree_with_mapclassify():
    # mapclassify is the reference implementation (a test dependency only: the study does not
    # import it). Fisher–Jenks may pick another of equally good breaks, so compare its sum of squares.
    mapclassify = pytest.importorskip("mapclassify")
    rng = np.random.default_rng(11)
    for trial in range(60):
        n, k = int(rng.integers(8, 80)), int(rng.integers(2, 7))
        # one sign only: values of both signs get diverging classes split at zero (not mapclassify's)
        x = rng.normal(30, 5, n) if trial % 2 else rng.lognormal(3, 1, n).round(1)
        for scheme, name in (("quantiles", "Quantiles"), ("equal_interval", "EqualInterval")):
            ref = np.unique(np.asarray(getattr(mapclassify, name)(x, k=k).bins, dtype=float))
            assert maps.classify(x, scheme, k).bins == pytest.approx(tuple(ref))
        ref = np.asarray(mapclassify.FisherJenks(x, k=k).bins, dtype=float)
        assert _within_ss(x, maps.classify(x, "fisher_jenks", k).bins) == pytest.approx(_within_ss(x, ref), rel=1e-6)


def test_maps_do_not_import_mapclassify():
    # Its import (with scipy.stats) was 1.6 s of every notebook that draws a map.
    import subprocess
    import sys

    code = ("import sys; from punos_lib.present import maps; maps.classify([1.0, 2.0, 5.0, 9.0], 'fisher_jenks', 2); "
            "print('mapclassify' in sys.modules, 'scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_classify_errors():
    with pytest.raises(InputError, match="unknown classification scheme"):
        maps.classify([1.0, 2.0], "natural_breaks")
    with pytest.raises(InputError, match="no numeric values"):
        maps.classify([np.nan, np.nan])
    with pytest.raises(InputError, match="bins"):
        maps.classify([1.0], "user_defined")


# -- choropleth --------------------------------------------------------------------------------
def test_choropleth_legend_states_scheme_and_classes():
    fig = maps.choropleth(_grid(), "value", region="MK10", legend_title="Työpaikat, lkm",
                          sources="Tilastokeskus")
    title = _legend(fig).get_title().get_text()
    assert title == "Työpaikat, lkm\n(Kvantiilit, 5 luokkaa)"
    labels = [t.get_text() for t in _legend(fig).get_texts()]
    # region values are 100..600: the top class ends at 600, the bottom starts at 100
    assert labels[0].endswith("600") and labels[4].startswith("100")
    assert "Naapurikunnat" in labels
    assert "Lähde: Tilastokeskus" in _texts(fig)


def test_choropleth_greys_only_touching_neighbours_and_has_an_inset():
    fig = maps.choropleth(_grid(), "value", region="MK10", legend_title="Arvo", sources="Tilastokeskus")
    map_ax = fig.axes[0]
    grey = [c for c in map_ax.collections
            if len(c.get_facecolor()) and all(tuple(fc) == GREY_RGBA for fc in c.get_facecolor())]
    assert len(grey) == 1 and len(grey[0].get_paths()) == 3  # column 2 only
    assert len(fig.axes) == 3  # map, locator inset, legend
    inset = fig.axes[1]
    highlighted = [c for c in inset.collections
                   if any(tuple(fc) == mcolors.to_rgba(figures.HIGHLIGHT) for fc in c.get_facecolor())]
    assert len(highlighted) == 1
    assert not map_ax.axison  # no axes drawn


def test_choropleth_without_neighbours():
    fig = maps.choropleth(_grid(), "value", region="MK10", neighbours=False, legend_title="Arvo",
                          sources="Tilastokeskus")
    labels = [t.get_text() for t in _legend(fig).get_texts()]
    assert "Naapurikunnat" not in labels


def test_choropleth_marks_synthetic_data():
    fig = maps.choropleth(_grid(), "value", region="MK10", legend_title="Arvo", provenance=PROV_DEMO)
    assert figures.DEMO_TEXT in _texts(fig)
    assert any(t.startswith("Lähde: Tilastokeskus") for t in _texts(fig))


def test_choropleth_missing_value_is_shown_as_no_data():
    gdf = _grid()
    gdf.loc[0, "value"] = np.nan
    fig = maps.choropleth(gdf, "value", region="MK10", k=3, legend_title="Arvo", sources="Tilastokeskus")
    assert "Ei tietoa" in [t.get_text() for t in _legend(fig).get_texts()]


@pytest.mark.parametrize("crs", ["EPSG:4326", None])
def test_choropleth_refuses_other_crs(crs):
    gdf = _grid()
    gdf = gdf.to_crs(crs) if crs else gdf.set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="EPSG:3067"):
        maps.choropleth(gdf, "value", region="MK10", legend_title="Arvo", sources="Tilastokeskus")


def test_choropleth_unknown_region_names_present_ones():
    with pytest.raises(InputError, match="MK09, MK10"):
        maps.choropleth(_grid(), "value", region="MK05", legend_title="Arvo", sources="Tilastokeskus")


def test_choropleth_on_real_boundaries(reference):
    """The recorded Statistics Finland kunta1000k_2025 layer: Etelä-Savo has 11 municipalities."""
    gdf = real_municipalities(reference)
    gdf["value"] = np.arange(len(gdf), dtype=float)
    fig = maps.choropleth(gdf, "value", region="MK10", legend_title="Arvo", sources="Tilastokeskus")
    names = {t.get_text() for t in fig.axes[0].texts}
    assert {"Mikkeli", "Savonlinna", "Pieksämäki", "Enonkoski"} <= names
    assert len([n for n in names if n != "P"]) == 11 + 1  # 11 names + the scale bar label
    # the inset dissolves the 19 regions from the municipalities
    assert sum(len(c.get_paths()) for c in fig.axes[1].collections) >= 19


# -- tile map ----------------------------------------------------------------------------------
def _municipalities() -> pd.DataFrame:
    return pd.DataFrame({
        "area": ["KU491", "KU740", "KU593", "KU178", "KU046", "KU091"],
        "name_fi": ["Mikkeli", "Savonlinna", "Pieksämäki", "Juva", "Enonkoski", "Helsinki"],
        "region": ["MK10", "MK10", "MK10", "MK10", "MK10", "MK01"],
        "x_km": [514, 613, 506, 544, 596, 386],
        "y_km": [6843, 6875, 6900, 6851, 6892, 6673],
    })


TILES = pd.DataFrame({"area": ["KU593", "KU046", "KU491", "KU178", "KU740"],
                      "row": [0, 0, 1, 1, 1], "col": [0, 2, 0, 1, 2]})


def test_tile_map_places_every_municipality_and_says_it_is_a_tile_map():
    values = pd.DataFrame({"area": ["KU491", "KU740", "KU593", "KU178", "KU046", "KU091"],
                           "v": [51980.0, 32085.0, 17077.0, 5802.0, 1300.0, 674500.0]})
    fig = maps.tile_map(values, "v", municipalities=_municipalities(), region="MK10", tiles=TILES,
                        legend_title="Väestö", sources="Tilastokeskus")
    ax = fig.axes[0]
    tiles = {p.get_gid(): p.get_xy() for p in ax.patches if (p.get_gid() or "").startswith("tile-")}
    expected = {f"tile-{c}": (float(col), float(-row)) for c, row, col in TILES.itertuples(index=False)}
    assert tiles == expected  # every municipality of MK10, none from elsewhere (no Helsinki)
    texts = [t.get_text() for t in ax.texts]
    assert "Mikkeli" in texts and f"51\u202f980" in texts and "Helsinki" not in texts
    assert maps.TILE_CAPTION in _texts(fig)
    assert "Lähde: Tilastokeskus" in _texts(fig)
    assert _legend(fig).get_title().get_text().endswith("(Kvantiilit, 5 luokkaa)")


def test_tile_map_requires_a_position_for_every_municipality():
    values = pd.DataFrame({"area": ["KU491"], "v": [1.0]})
    with pytest.raises(InputError, match="KU046"):
        maps.tile_map(values, "v", municipalities=_municipalities(), region="MK10",
                      tiles=TILES[TILES["area"] != "KU046"], legend_title="V", sources="Tilastokeskus")


def test_tile_map_codes_must_match():
    values = pd.DataFrame({"area": ["491", "740"], "v": [1.0, 2.0]})
    with pytest.raises(InputError, match="KU491"):
        maps.tile_map(values, "v", municipalities=_municipalities(), region="MK10", tiles=TILES,
                      legend_title="V", sources="Tilastokeskus")


def test_tile_map_uses_the_tile_grid_by_default():
    values = pd.DataFrame({"area": _municipalities()["area"], "v": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    fig = maps.tile_map(values, "v", municipalities=_municipalities(), region="MK10",
                        legend_title="V", sources="Tilastokeskus")
    gids = {p.get_gid() for p in fig.axes[0].patches}
    assert {"tile-KU491", "tile-KU740", "tile-KU593", "tile-KU178", "tile-KU046"} <= gids


# -- regions and small multiples ---------------------------------------------------------------
def test_region_map_tiles_all_19_regions_and_highlights_the_chosen_one():
    values = pd.DataFrame({"area": list(REGIONS), "v": np.arange(19, dtype=float)})
    fig = maps.region_map(values, "v", region="MK10", legend_title="V", sources="Tilastokeskus")
    patches = {p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("tile-")}
    assert len(patches) == 19
    assert patches["tile-MK10"].get_linewidth() > patches["tile-MK01"].get_linewidth()
    assert any(t.startswith("Ruutukartta") for t in _texts(fig))


def test_region_map_rejects_unknown_region():
    values = pd.DataFrame({"area": ["MK10"], "v": [1.0]})
    with pytest.raises(InputError, match="MK21"):
        maps.region_map(values, "v", region="MK03", legend_title="V", sources="Tilastokeskus")


def test_region_map_on_real_region_boundaries(reference):
    regions = gpd.read_file(reference / "geo" / "derived" / "maakunnat_2025_dissolved_from_kunnat.geojson")
    regions = regions.to_crs(3067)
    regions["area"] = "MK" + regions["maakunta"].astype(str).str.zfill(2)
    assert set(regions["area"]) == set(REGIONS)
    values = pd.DataFrame({"area": list(REGIONS), "v": np.arange(19, dtype=float)})
    fig = maps.region_map(values, "v", region="MK10", boundaries=regions, legend_title="V",
                          sources="Tilastokeskus")
    assert _legend(fig).get_title().get_text() == "V\n(Kvantiilit, 5 luokkaa)"
    assert not any(t.startswith("Ruutukartta") for t in _texts(fig))


def test_small_multiples_share_one_classification():
    gdf = _grid()
    later = gdf.assign(value=gdf["value"] * 2)
    fig = maps.small_multiples({"2020": gdf, "2024": later}, "value", region="MK10",
                               legend_title="Arvo", sources="Tilastokeskus")
    labels = [t.get_text() for t in _legend(fig).get_texts()]
    # pooled values 100..600 and 200..1200: one scale from 100 to 1 200
    assert labels[0].endswith("1\u202f200") and labels[-1].startswith("100")
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    assert titles == ["2020", "2024"]
    # the same value gets the same colour in both panels: value 200 is KU002 (2020) and KU001 (2024)
    c2020 = fig.axes[0].collections[0].get_facecolor()[1]
    c2024 = fig.axes[1].collections[0].get_facecolor()[0]
    assert tuple(c2020) == tuple(c2024)


# -- auto_map ----------------------------------------------------------------------------------
def _munis() -> pd.DataFrame:
    return _grid().drop(columns=["geometry", "value"]).assign(
        x_km=[500 + 10 * (i // 3) for i in range(12)], y_km=[6800 + 10 * (i % 3) for i in range(12)])


def test_auto_map_uses_boundaries_when_there_are_some():
    values = pd.DataFrame(_grid()[["area", "value"]])
    values.attrs["provenance"] = PROV_DEMO
    fig = maps.auto_map(values, region="MK10", legend_title="Arvo", municipalities=_munis(),
                        boundaries=_grid()[["area", "name_fi", "geometry"]])
    assert len(fig.axes) == 3  # choropleth: map, inset, legend
    assert maps.TILE_CAPTION not in _texts(fig)
    assert figures.DEMO_TEXT in _texts(fig)  # provenance taken from the values frame


def test_auto_map_falls_back_to_tiles_without_boundaries():
    values = pd.DataFrame(_grid()[["area", "value"]])
    tiles = pd.DataFrame({"area": [f"KU{n:03d}" for n in range(1, 7)],
                          "row": [2, 1, 0, 2, 1, 0], "col": [0, 0, 0, 1, 1, 1]})
    fig = maps.auto_map(values, region="MK10", legend_title="Arvo", sources="Tilastokeskus",
                        municipalities=_munis(), boundaries=None, tiles=tiles)
    assert maps.TILE_CAPTION in _texts(fig)
    assert len([p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("tile-")]) == 6



def test_legend_ranges_of_negative_values_do_not_run_dash_into_minus():
    labels = maps.classify([-13.7, -11.3, -9.5, -6.9, -1.6, 2.0], "user_defined",
                           bins=[-9.5, -1.6, 2.0]).labels(1)
    assert labels == ["−13,7 … −9,5", "−9,5 … −1,6", "−1,6–2,0"]

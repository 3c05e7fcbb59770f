"""Maps of the study: municipality choropleths, tile maps, region comparisons, small multiples.

All maps share :func:`classify` (quantiles, equal intervals or Fisher–Jenks; the scheme and number of classes are written into
the legend title, e.g. "Kvantiilit, 5 luokkaa"), the cividis colours of
:mod:`punos_lib.present.figures`, a source line and the demo mark for synthetic data
(:func:`punos_lib.present.figures.finish`). Boundaries must be in EPSG:3067 (ETRS-TM35FIN), the
national projection; maps are drawn north-up without axes.

When the snapshot has no boundaries, :func:`tile_map` draws one equal square per municipality,
placed roughly geographically by :func:`punos_lib.present.tiles.tile_grid`, and says so in a caption line
(:data:`TILE_CAPTION`). :func:`auto_map` picks between the two.

Examples
--------
>>> import pandas as pd
>>> c = classify([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "quantiles", k=3)
>>> c.title
'Kvantiilit, 3 luokkaa'
>>> c.assign([1.0, 3.5, 6.0, float("nan")]).tolist()
[0, 1, 2, -1]
"""

from __future__ import annotations

import math

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from punos_lib.present import figures
from punos_lib.present.tiles import REGION_TILES, tile_grid
from punos_lib.errors import InputError
from punos_lib.reference.regions import REGIONS

__all__ = [
    "SCHEMES",
    "TILE_CAPTION",
    "Classification",
    "classify",
    "short_name",
    "choropleth",
    "tile_map",
    "region_map",
    "small_multiples",
    "auto_map",
    "WORSE_TEXT",
]

#: Classification schemes: name → (the scheme's usual name, Finnish name in the legend). Only
#: deterministic schemes are offered (no natural breaks from random seeds).
SCHEMES: dict[str, tuple[str, str]] = {
    "quantiles": ("Quantiles", "Kvantiilit"),
    "equal_interval": ("EqualInterval", "Tasavälit"),
    "fisher_jenks": ("FisherJenks", "Luonnolliset luokat (Fisher–Jenks)"),
    "user_defined": ("UserDefined", "Omat luokkarajat"),
}

#: The caption every tile map carries, so nobody reads the squares as real boundaries.
TILE_CAPTION = "Ruutukartta: kunnat esitetty yhtä suurina ruutuina, ei todellisia rajoja"

_MISSING_LABEL = "Ei tietoa"
_NEIGHBOUR_LABEL = "Naapurikunnat"
_MISSING_COLOR = "#F2F2F2"
_EDGE = "white"
_EPSG = 3067


# ---------------------------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Classification:
    """Class breaks shared by a map's areas and legend.

    Attributes
    ----------
    scheme : str
        Key of :data:`SCHEMES`.
    lower : float
        Smallest classified value (the lower end of the first class).
    bins : tuple of float
        Upper bounds of the classes; a value ``x`` is in the first class with ``x <= bin``.
    discrete : bool
        All values are whole numbers (counts): labels then read ``0``, ``1–2``, ``3–9``.
    """

    scheme: str
    lower: float
    bins: tuple[float, ...]
    discrete: bool = False
    #: Lower end of each class (the smallest value in it) when the classes are diverging.
    lowers: tuple[float, ...] | None = None
    #: Number of classes below zero (diverging classes: values of both signs).
    negative: int = 0

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.bins)

    @property
    def title(self) -> str:
        """E.g. ``"Kvantiilit, 5 luokkaa"`` (written under the legend title)."""
        noun = "luokka" if self.k == 1 else "luokkaa"
        if self.diverging:
            return f"{SCHEMES[self.scheme][1]}, {self.k} {noun}, erikseen alle ja yli 0"
        return f"{SCHEMES[self.scheme][1]}, {self.k} {noun}"

    @property
    def diverging(self) -> bool:
        """True when the classes are split at zero (the values change sign)."""
        return self.lowers is not None

    def assign(self, values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
        """Class index (0 … k−1) of each value; −1 for missing values."""
        arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
        idx = np.searchsorted(np.asarray(self.bins), arr, side="left")
        idx = np.minimum(idx, self.k - 1)  # values above the top bin (user bins) go in the top class
        return np.where(np.isnan(arr), -1, idx).astype(int)

    def colors(self, worse: str | None = None) -> list[tuple[float, float, float, float]]:
        """One colour per class.

        Without a direction (``worse=None``) light is low and dark is high (reversed cividis).
        ``worse="high"`` or ``"low"`` says which end is the unfavourable one: it is orange on
        every map of the study (darker = worse), the favourable end light or, for diverging
        classes, purple. Diverging classes are coloured away from a light centre at zero.
        """
        if worse not in (None, "high", "low"):
            raise InputError(f"unknown direction worse={worse!r}; use 'high', 'low' or None")
        if self.diverging:
            cmap = matplotlib.colormaps["PuOr" if worse in (None, "low") else "PuOr_r"]
            neg, pos = self.negative, self.k - self.negative
            lows = [cmap(x) for x in np.linspace(0.08, 0.4, neg)] if neg > 1 else [cmap(0.25)] * neg
            highs = [cmap(x) for x in np.linspace(0.6, 0.92, pos)] if pos > 1 else [cmap(0.75)] * pos
            return lows + highs
        if worse is None:
            cmap = matplotlib.colormaps[figures.SEQUENTIAL_CMAP + "_r"]
            if self.k == 1:
                return [cmap(0.5)]
            return [cmap(x) for x in np.linspace(0.05, 0.95, self.k)]
        cmap = matplotlib.colormaps["Oranges"]
        shades = [cmap(0.55)] if self.k == 1 else [cmap(x) for x in np.linspace(0.12, 0.9, self.k)]
        return shades if worse == "high" else shades[::-1]

    def labels(self, decimals: int | None = None) -> list[str]:
        """Legend labels in Finnish number format: ``"2 500–5 802"``."""
        if decimals is None:
            decimals = _auto_decimals([self.lower, *self.bins])
        edges = [self.lower, *self.bins]
        if self.discrete and decimals == 0 and all(float(e).is_integer() for e in edges):
            # Whole-number classes do not overlap: (2, 9] holds 3…9.
            labels = []
            for i in range(self.k):
                low = edges[0] if i == 0 else edges[i] + 1
                high = edges[i + 1]
                text = figures.format_number(high, 0)
                labels.append(text if low >= high else _range(figures.format_number(low, 0), text))
            return labels
        lows = list(self.lowers) if self.lowers is not None else edges[:-1]
        labels = []
        for low, high in zip(lows, self.bins):
            a, b = figures.format_number(low, decimals), figures.format_number(high, decimals)
            labels.append(a if a == b else _range(a, b))
        return labels


def _range(low: str, high: str) -> str:
    """``"2 500–5 802"``; ``"−6,9 … −6,2"`` when the upper end is negative (a dash then a minus
    sign, "−6,9–−6,2", reads as one long dash)."""
    return f"{low} … {high}" if high.startswith("−") else f"{low}–{high}"


def _auto_decimals(values: Sequence[float]) -> int:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0
    span = max(finite) - min(finite)
    if all(float(v).is_integer() for v in finite) or span >= 100:
        return 0
    return 1 if span >= 10 else 2


def classify(values: Sequence[float] | np.ndarray | pd.Series, scheme: str = "quantiles",
             k: int = 5, *, bins: Sequence[float] | None = None) -> Classification:
    """Classify values into the classes of a map legend.

    Parameters
    ----------
    values : array-like of numbers
        Missing values are ignored (they are drawn as "Ei tietoa").
    scheme : {"quantiles", "equal_interval", "fisher_jenks", "user_defined"}
    k : int
        Number of classes wanted; fewer result when there are fewer distinct values.
    bins : list of float, optional
        Upper class bounds for ``scheme="user_defined"`` (the last should cover the maximum).

    Raises
    ------
    InputError
        Unknown scheme, ``k`` below 1, no numeric values, or ``user_defined`` without bins.
    """
    if scheme not in SCHEMES:
        raise InputError(f"unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"number of classes k must be a positive integer, got {k!r}")
    arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    arr = arr[np.isfinite(arr)]
    discrete = bool(arr.size) and bool(np.all(arr == np.round(arr)))
    if arr.size == 0:
        raise InputError("nothing to classify: the map column has no numeric values "
                         "(check the column name and that codes matched the boundaries)")
    if scheme == "user_defined":
        if not bins:
            raise InputError("scheme 'user_defined' needs bins=[upper bound of each class]")
        upper = sorted(float(b) for b in bins)
        if upper[-1] < arr.max():
            upper.append(float(arr.max()))
        return Classification(scheme, float(min(arr.min(), upper[0])), tuple(upper), discrete)
    if arr.min() < 0 < arr.max() and k >= 2:
        return _diverging(arr, scheme, int(k), discrete)
    distinct = np.unique(arr)
    if distinct.size <= k:
        # Too few distinct values to split: one class per value (what mapclassify would warn about).
        return Classification(scheme, float(distinct[0]), tuple(float(v) for v in distinct), discrete)
    upper = tuple(float(b) for b in dict.fromkeys(_UPPER_BOUNDS[scheme](arr, int(k)).tolist()))
    return Classification(scheme, float(arr.min()), upper, discrete)


# The three data-driven schemes, written here rather than imported from mapclassify: importing it
# pulls in scipy.stats, which took 1.6 s of every map notebook's 4–9 s. Each returns the upper
# bound of every class, the last being the maximum, as mapclassify's ``bins`` do (the tests compare
# the two on the study's data).
def _quantile_bounds(values: np.ndarray, k: int) -> np.ndarray:
    # Percentiles 100/k, 200/k, …, 100 with linear interpolation between order statistics.
    return np.unique(np.percentile(values, np.linspace(100.0 / k, 100.0, k)))


def _equal_interval_bounds(values: np.ndarray, k: int) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    bounds = low + (high - low) / k * np.arange(1, k + 1)
    bounds[-1] = high
    return bounds


def _fisher_jenks_bounds(values: np.ndarray, k: int) -> np.ndarray:
    """Optimal classes of sorted values: the least total within-class sum of squares.

    Fisher's (1958) exact grouping, as Jenks (1977) brought it to choropleth maps, solved by
    dynamic programming over the sorted values: ``cost[j, i]`` is the least sum of squares of the
    first ``i`` values in ``j`` classes. Ties go to the earlier break, so the result does not
    depend on float noise between equal options.
    """
    x = np.sort(values.astype(float))
    n = x.size
    # Prefix sums give the sum of squares of any run x[a:b] in O(1).
    s1 = np.concatenate(([0.0], np.cumsum(x)))
    s2 = np.concatenate(([0.0], np.cumsum(x * x)))

    def ssd(a: np.ndarray, b: int) -> np.ndarray:
        count = b - a
        total = s1[b] - s1[a]
        return (s2[b] - s2[a]) - total * total / count

    cost = np.full((k + 1, n + 1), np.inf)
    start = np.zeros((k + 1, n + 1), dtype=int)
    cost[1, 1:] = s2[1:] - s1[1:] ** 2 / np.arange(1, n + 1)  # one class: the first i values
    for j in range(2, k + 1):
        for i in range(j, n + 1):
            a = np.arange(j - 1, i)  # the last class is x[a:i]
            options = cost[j - 1, a] + ssd(a, i)
            best = options.min()
            # The earlier of equally good breaks (with a tolerance for rounding in the sums),
            # as mapclassify chooses.
            pick = int(np.flatnonzero(options <= best + 1e-9 * max(1.0, abs(best)))[0])
            cost[j, i], start[j, i] = options[pick], a[pick]
    bounds = []
    end = n
    for j in range(k, 0, -1):
        bounds.append(x[end - 1])
        end = start[j, end]
    return np.array(bounds[::-1])


_UPPER_BOUNDS = {"quantiles": _quantile_bounds, "equal_interval": _equal_interval_bounds,
                 "fisher_jenks": _fisher_jenks_bounds}


def _diverging(arr: np.ndarray, scheme: str, k: int, discrete: bool) -> Classification:
    """Classes of values of both signs: classes below zero and classes from zero up, never one
    that spans zero; the number of classes on each side follows the number of values there."""
    negative, positive = arr[arr < 0], arr[arr >= 0]
    k_neg = int(min(max(1, round(k * negative.size / arr.size)), k - 1))
    parts = []
    for side, n in ((negative, k_neg), (positive, k - k_neg)):
        parts.append(classify(side, scheme, n))
    # Each class reads from its smallest to its largest value, so no label runs across zero.
    lowers: list[float] = []
    uppers: list[float] = []
    for part, side in zip(parts, (negative, positive)):
        idx = part.assign(side)
        for i in range(part.k):
            members = side[idx == i]
            if members.size:
                lowers.append(float(members.min()))
                uppers.append(float(members.max()))
    bins = tuple(uppers)
    k_neg = sum(1 for u in uppers if u < 0)
    return Classification(scheme, float(arr.min()), bins, discrete, tuple(lowers), k_neg)


# ---------------------------------------------------------------------------------------------
# shared drawing helpers
# ---------------------------------------------------------------------------------------------
def short_name(name: str, max_len: int = 12) -> str:
    """A name short enough for a tile.

    A long hyphenated name is split into two lines after the hyphen; another long name is cut
    with a full stop.

    Examples
    --------
    >>> short_name("Pohjois-Pohjanmaa")
    'Pohjois-\\nPohjanmaa'
    >>> short_name("Kangasniemi"), short_name("Juva"), short_name("Mäntyharjunkylä", 10)
    ('Kangasniemi', 'Juva', 'Mäntyharj.')
    """
    name = str(name)
    if len(name) <= max_len:
        return name
    if "-" in name:
        head, tail = name.split("-", 1)
        return f"{short_name(head + '-', max_len)}\n{short_name(tail, max_len)}"
    return name[: max_len - 1] + "."


def _check_geo(gdf: Any, where: str) -> None:
    if not hasattr(gdf, "geometry") or not hasattr(gdf, "crs"):
        raise InputError(f"{where}: expected a GeoDataFrame with geometry, got {type(gdf).__name__}")
    crs = gdf.crs
    epsg = crs.to_epsg() if crs is not None else None
    if epsg != _EPSG:
        raise InputError(
            f"{where}: boundaries are in {crs.to_string() if crs is not None else 'no CRS'}, "
            f"maps need EPSG:{_EPSG} (ETRS-TM35FIN); convert with gdf.to_crs({_EPSG}) "
            "(or set_crs if the coordinates already are ETRS-TM35FIN metres)"
        )


def _check_columns(df: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{where}: column(s) {', '.join(map(repr, missing))} missing "
                         f"(columns: {', '.join(map(str, df.columns))})")


def _map_figure(with_inset: bool, size: tuple[float, float] = (6.3, 4.6)) -> tuple[Figure, dict[str, Any]]:
    figures.apply_style()
    fig = Figure(figsize=size, layout="constrained")
    if with_inset:
        axd = fig.subplot_mosaic([["map", "inset"], ["map", "legend"]], width_ratios=[3.2, 1],
                                 height_ratios=[1, 1.3])
    else:
        axd = fig.subplot_mosaic([["map", "legend"]], width_ratios=[3.2, 1])
    for ax in axd.values():
        ax.set_axis_off()
    return fig, axd


#: The legend line that says what the orange end means (the same on every map).
WORSE_TEXT = "Oranssi = epäedullisempi suunta"


def _legend(ax: Any, classes: Classification, colors: Sequence[Any], legend_title: str,
            decimals: int | None, *, missing: bool, neighbours: bool, worse: str | None = None) -> None:
    handles = [Patch(facecolor=c, edgecolor="#999999", linewidth=0.4, label=lab)
               for c, lab in zip(colors, classes.labels(decimals))]
    handles.reverse()  # highest class on top, like the map's dark end
    if missing:
        handles.append(Patch(facecolor=_MISSING_COLOR, edgecolor="#999999", hatch="////",
                             linewidth=0.4, label=_MISSING_LABEL))
    if neighbours:
        handles.append(Patch(facecolor=figures.GREY, edgecolor="white", label=_NEIGHBOUR_LABEL))
    title = f"{legend_title}\n({classes.title})"
    if worse is not None:
        title += f"\n{WORSE_TEXT}"
    # The legend has its own column: the title is wrapped to it, never cut at the figure's edge.
    width = ax.get_position().width * ax.figure.get_figwidth()
    title = "\n".join(figures.wrap_text(line, max(width, 1.2), size=7.5) for line in title.split("\n"))
    leg = ax.legend(handles=handles, title=title, loc="upper left",
                    fontsize=7.5, title_fontsize=7.5, alignment="left")
    leg.get_title().set_multialignment("left")


def _north_arrow(ax: Any) -> None:
    # "P" = pohjoinen (north), as on Finnish maps; the map is north-up in EPSG:3067.
    ax.annotate("P", xy=(0.03, 0.97), xytext=(0.03, 0.87), xycoords="axes fraction",
                ha="center", va="center", fontsize=8, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "#333333", "linewidth": 1.0})


def _scale_bar(ax: Any, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    width_km = (xlim[1] - xlim[0]) / 1000.0
    nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500]
    length = max([n for n in nice if n <= width_km / 5] or [1])
    x0 = xlim[0] + 0.04 * (xlim[1] - xlim[0])
    y0 = ylim[0] + 0.04 * (ylim[1] - ylim[0])
    ax.plot([x0, x0 + length * 1000.0], [y0, y0], color="#333333", linewidth=2.0,
            solid_capstyle="butt")
    ax.text(x0 + length * 500.0, y0 + 0.015 * (ylim[1] - ylim[0]), f"{length} km",
            ha="center", va="bottom", fontsize=7)


def _halo() -> list[Any]:
    return [patheffects.withStroke(linewidth=2.0, foreground="white")]


def _draw_polygons(ax: Any, gdf: Any, column: str, classes: Classification,
                   colors: Sequence[Any]) -> bool:
    """Draw classified polygons; return whether any value was missing."""
    idx = classes.assign(gdf[column])
    face = np.array([to_rgba(colors[i]) if i >= 0 else to_rgba(_MISSING_COLOR) for i in idx])
    gdf.plot(ax=ax, color=face, edgecolor=_EDGE, linewidth=0.5)
    if (idx < 0).any():
        gdf[idx < 0].plot(ax=ax, facecolor="none", edgecolor="#999999", hatch="////",
                          linewidth=0.3)
    return bool((idx < 0).any())


def _inset(ax: Any, outlines: Any, region: str | None, code_column: str) -> None:
    outlines.plot(ax=ax, facecolor="#F0F0F0", edgecolor="#999999", linewidth=0.3)
    if region is not None:
        chosen = outlines[outlines[code_column].astype(str) == region]
        chosen.plot(ax=ax, facecolor=figures.HIGHLIGHT, edgecolor="#333333", linewidth=0.4)
    ax.set_aspect("equal")
    ax.set_axis_off()


# ---------------------------------------------------------------------------------------------
# choropleth
# ---------------------------------------------------------------------------------------------
def choropleth(gdf: Any, column: str, *, region: str | None = None, neighbours: bool = True,
               scheme: str = "quantiles", k: int = 5, bins: Sequence[float] | None = None,
               legend_title: str, sources: str | Sequence[str] | None = None,
               provenance: Mapping[str, Any] | None = None, title: str | None = None,
               note: str | Sequence[str] | None = None, regions: Any = None,
               region_column: str = "region", code_column: str = "area",
               name_column: str | None = "name_fi", labels: bool = True,
               decimals: int | None = None,
        worse: str | None = None) -> Figure:
    """Municipality choropleth of one region, neighbours greyed, with a locator inset.

    Parameters
    ----------
    gdf : GeoDataFrame (EPSG:3067)
        Municipalities with ``area`` (KUxxx), ``column`` and, when ``region`` is given, ``region``
        (e.g. ``"MK10"``). Include the whole country (or at least the neighbours) to get grey
        neighbours and a meaningful inset.
    column : str
        The value to classify; NaN is drawn hatched as "Ei tietoa".
    region : str, optional
        Region code; only its municipalities are classified. ``None`` classifies all.
    neighbours : bool
        Draw municipalities of other regions that touch the region in grey (no classes).
    scheme, k, bins
        Passed to :func:`classify`; the legend states the scheme and the number of classes.
        Values of both signs get diverging classes split at zero.
    worse : {"high", "low"}, optional
        Which end is unfavourable (unemployment: ``"high"``, population change: ``"low"``): it
        is drawn orange, on every map alike, and the legend says so (:data:`WORSE_TEXT`).
    legend_title : str
        What the values are, in Finnish, with the unit (e.g. "Työpaikat, lkm").
    sources, provenance, note
        Passed to :func:`punos_lib.present.figures.finish` (source line, demo mark).
    regions : GeoDataFrame, optional
        Region outlines for the inset (``area`` = region code); by default dissolved from
        ``gdf`` by ``region_column``.

    Raises
    ------
    InputError
        Not EPSG:3067, a column missing, or no municipality in ``region``.
    """
    _check_geo(gdf, "choropleth")
    _check_columns(gdf, [column, code_column], "choropleth")
    if region is not None:
        _check_columns(gdf, [region_column], "choropleth (region given)")
        inside = (gdf[region_column].astype(str) == region).to_numpy()
        if not inside.any():
            found = sorted(set(gdf[region_column].astype(str)))
            raise InputError(f"choropleth: no municipality of region {region!r} in the frame "
                             f"(regions present: {', '.join(found[:25])})")
    else:
        inside = np.ones(len(gdf), dtype=bool)
    shown = gdf[inside]
    others = gdf[~inside]
    classes = classify(shown[column], scheme, k, bins=bins)
    colors = classes.colors(worse)

    outlines = regions
    if outlines is None and region is not None and len(others):
        outlines = gdf[[region_column, "geometry"]].dissolve(by=region_column, as_index=False)
        outlines = outlines.rename(columns={region_column: "area"})
    elif outlines is not None:
        _check_geo(outlines, "choropleth (regions)")
    fig, axd = _map_figure(with_inset=outlines is not None)
    ax = axd["map"]

    minx, miny, maxx, maxy = shown.total_bounds
    pad = 0.06 * max(maxx - minx, maxy - miny)
    xlim, ylim = (minx - pad, maxx + pad), (miny - pad, maxy + pad)
    drew_neighbours = False
    if neighbours and len(others):
        area = shown.union_all().buffer(1000.0)  # 1 km: generalised boundaries do not quite touch
        near = others[others.intersects(area)]
        if len(near):
            near.plot(ax=ax, color=figures.GREY, edgecolor=_EDGE, linewidth=0.5)
            drew_neighbours = True
    missing = _draw_polygons(ax, shown, column, classes, colors)
    if region is not None:
        shown.dissolve().boundary.plot(ax=ax, color="#333333", linewidth=0.8)
    if labels and name_column and name_column in shown.columns:
        for name, point in zip(shown[name_column], shown.representative_point()):
            ax.text(point.x, point.y, short_name(name, 16), ha="center", va="center",
                    fontsize=6.5, path_effects=_halo())
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _north_arrow(ax)
    _scale_bar(ax, xlim, ylim)
    if title:
        ax.set_title(title)
    if outlines is not None:
        _inset(axd["inset"], outlines, region, "area")
    _legend(axd["legend"], classes, colors, legend_title, decimals, missing=missing,
            neighbours=drew_neighbours, worse=worse)
    names = (shown[name_column].astype(str) if name_column and name_column in shown.columns
             else shown[code_column].astype(str)).tolist()
    _set_map_alt(fig, "Kuntakartta", title, legend_title, names, shown[column].tolist(), classes,
                 decimals, worse)
    return figures.finish(fig, sources=sources, provenance=provenance, note=note)


# ---------------------------------------------------------------------------------------------
# tile map
# ---------------------------------------------------------------------------------------------
def _draw_tiles(ax: Any, cells: pd.DataFrame, column: str, classes: Classification,
                colors: Sequence[Any], decimals: int | None, *, highlight: str | None = None,
                names: bool = True, fontsize: float = 6.5) -> bool:
    """Draw one square per row of ``cells`` (area, row, col, name, column); row 0 on top.

    ``names=False`` writes only the values (small panels have no room for names).
    """
    idx = classes.assign(cells[column])
    dec = decimals if decimals is not None else _auto_decimals([classes.lower, *classes.bins])
    for (code, row, col, name, value), cls in zip(
            cells[["area", "row", "col", "name", column]].itertuples(index=False), idx):
        face = colors[cls] if cls >= 0 else _MISSING_COLOR
        chosen = highlight is not None and code == highlight
        ax.add_patch(Rectangle((col, -row), 0.94, 0.94, facecolor=face,
                               edgecolor="#333333" if chosen else "#BBBBBB",
                               linewidth=2.0 if chosen else 0.4,
                               hatch="////" if cls < 0 else None, gid=f"tile-{code}"))
        colour = "white" if cls >= 0 and _luminance(face) < 0.45 else "black"
        if names:
            ax.text(col + 0.47, -row + 0.62, short_name(name), ha="center", va="center",
                    fontsize=fontsize, color=colour, fontweight="bold" if chosen else "normal")
        ax.text(col + 0.47, -row + (0.32 if names else 0.47),
                figures.format_number(value, dec) if cls >= 0 else "–",
                ha="center", va="center", fontsize=fontsize, color=colour)
    ax.set_xlim(cells["col"].min() - 0.1, cells["col"].max() + 1.04)
    ax.set_ylim(-cells["row"].max() - 0.1, -cells["row"].min() + 1.04)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return bool((idx < 0).any())


def _set_map_alt(fig: Figure, kind: str, title: str | None, legend_title: str, names: Sequence[str],
                 values: Sequence[float], classes: Classification, decimals: int | None,
                 worse: str | None, chosen: str | None = None) -> None:
    """Alt text of a map from the values it shows: largest and smallest, the classes, missing."""
    dec = decimals if decimals is not None else _auto_decimals([classes.lower, *classes.bins])
    pairs = [(n, float(v)) for n, v in zip(names, values) if v is not None and math.isfinite(float(v))]
    subject = " ".join((title or legend_title).split())
    text = f"{kind}: {subject}. {legend_title}"
    if pairs:
        top, low = max(pairs, key=lambda p: p[1]), min(pairs, key=lambda p: p[1])
        fmt = lambda v: figures.format_number(v, dec)  # noqa: E731
        text += f": suurin {top[0]} ({fmt(top[1])}), pienin {low[0]} ({fmt(low[1])})"
        if chosen:
            mine = [v for n, v in pairs if n == chosen]
            if mine:
                rank = 1 + sum(1 for _, v in pairs if v > mine[0])
                text += f"; {chosen} {fmt(mine[0])} (sija {rank}/{len(pairs)} suurimmasta)"
    text += f". Luokat: {classes.title}"
    if worse is not None:
        text += ", oranssi = epäedullisempi suunta"
    missing = len(names) - len(pairs)
    if missing:
        text += f"; tieto puuttuu {missing} alueelta"
    figures.set_alt(fig, text + ".")


def _luminance(colour: Any) -> float:
    """Relative luminance (0 black … 1 white): white text goes on dark tiles."""
    r, g, b, _ = to_rgba(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _tile_cells(frame: pd.DataFrame, column: str, members: pd.DataFrame, tiles: pd.DataFrame,
                where: str) -> pd.DataFrame:
    _check_columns(tiles, ["area", "row", "col"], f"{where} (tile positions)")
    missing = sorted(set(members["area"]) - set(tiles["area"]))
    if missing:
        raise InputError(f"{where}: no tile position for municipality code(s) {', '.join(missing)}; "
                         "the tile grid must cover every municipality of the region")
    cells = members.merge(tiles[["area", "row", "col"]], on="area", how="left")
    values = frame[["area", column]].drop_duplicates("area")
    matched = set(values["area"]) & set(cells["area"])
    if not matched:
        raise InputError(
            f"{where}: no code of the values frame matches the municipalities "
            f"(values e.g. {', '.join(map(str, values['area'].head(3)))}; municipalities e.g. "
            f"{', '.join(map(str, cells['area'].head(3)))}); use the same code form (KU491)")
    cells = cells.merge(values, on="area", how="left")
    cells[column] = pd.to_numeric(cells[column], errors="coerce").astype(float)
    return cells


def tile_map(frame: pd.DataFrame, column: str, *, municipalities: pd.DataFrame, region: str,
             tiles: pd.DataFrame | None = None, scheme: str = "quantiles", k: int = 5,
             bins: Sequence[float] | None = None, legend_title: str,
             sources: str | Sequence[str] | None = None,
             provenance: Mapping[str, Any] | None = None, title: str | None = None,
             note: str | Sequence[str] | None = None, decimals: int | None = None,
        worse: str | None = None) -> Figure:
    """Tile map: one equal square per municipality of the region, the fallback without boundaries.

    Parameters
    ----------
    frame : DataFrame
        ``area`` (KUxxx) and ``column``.
    municipalities : DataFrame
        ``area``, ``name_fi``, ``region`` (as from ``datasets.municipalities()``; ``x_km``,
        ``y_km`` are needed when ``tiles`` is not given).
    region : str
        Region code; its municipalities get tiles (neighbours are omitted).
    tiles : DataFrame, optional
        ``area``, ``row`` (0 = northernmost), ``col`` (0 = westernmost); default
        :func:`punos_lib.present.tiles.tile_grid` of the members.
    scheme, k, bins, legend_title, sources, provenance, title, note, decimals
        As in :func:`choropleth`. The caption :data:`TILE_CAPTION` is always added.
    """
    _check_columns(frame, ["area", column], "tile_map (values)")
    _check_columns(municipalities, ["area", "name_fi", "region"], "tile_map (municipalities)")
    members = municipalities[municipalities["region"].astype(str) == region]
    if members.empty:
        found = sorted(set(municipalities["region"].astype(str)))
        raise InputError(f"tile_map: no municipality of region {region!r} "
                         f"(regions present: {', '.join(found[:25])})")
    if tiles is None:
        tiles = tile_grid(members)
    members = members[["area", "name_fi"]].rename(columns={"name_fi": "name"})
    cells = _tile_cells(frame, column, members, tiles, "tile_map")
    classes = classify(cells[column], scheme, k, bins=bins)
    colors = classes.colors(worse)
    fig, axd = _map_figure(with_inset=False, size=(6.3, 4.4))
    missing = _draw_tiles(axd["map"], cells, column, classes, colors, decimals)
    if title:
        axd["map"].set_title(title)
    _legend(axd["legend"], classes, colors, legend_title, decimals, missing=missing,
            neighbours=False, worse=worse)
    notes = [*figures._as_list(note), TILE_CAPTION]
    _set_map_alt(fig, "Ruutukartta", title, legend_title, cells["name"].astype(str).tolist(),
                 cells[column].tolist(), classes, decimals, worse)
    return figures.finish(fig, sources=sources, provenance=provenance, note=notes)


# ---------------------------------------------------------------------------------------------
# regions compared
# ---------------------------------------------------------------------------------------------
def _check_region(region: str) -> None:
    if region not in REGIONS:
        raise InputError(f"unknown region {region!r}; valid codes: {', '.join(REGIONS)}")


def region_map(values: pd.DataFrame, column: str, *, region: str, boundaries: Any = None,
               scheme: str = "quantiles", k: int = 5, bins: Sequence[float] | None = None,
               legend_title: str, sources: str | Sequence[str] | None = None,
               provenance: Mapping[str, Any] | None = None, title: str | None = None,
               note: str | Sequence[str] | None = None, decimals: int | None = None,
        worse: str | None = None) -> Figure:
    """The 19 regions compared, the chosen region outlined.

    Parameters
    ----------
    values : DataFrame
        ``area`` (MKxx) and ``column``.
    boundaries : GeoDataFrame (EPSG:3067), optional
        Region polygons with ``area``; without them the regions are drawn as tiles
        (:data:`punos_lib.present.tiles.REGION_TILES`) with the tile caption.
    """
    _check_region(region)
    _check_columns(values, ["area", column], "region_map (values)")
    vals = values[["area", column]].drop_duplicates("area")
    if boundaries is not None:
        _check_geo(boundaries, "region_map")
        _check_columns(boundaries, ["area"], "region_map (boundaries)")
        gdf = boundaries.merge(vals, on="area", how="left")
        if gdf[column].notna().sum() == 0:
            raise InputError("region_map: no code of the values matches the region boundaries "
                             f"(values e.g. {', '.join(map(str, vals['area'].head(3)))}); use MKxx")
        classes = classify(gdf[column], scheme, k, bins=bins)
        colors = classes.colors(worse)
        fig, axd = _map_figure(with_inset=False, size=(6.3, 6.3))
        ax = axd["map"]
        missing = _draw_polygons(ax, gdf, column, classes, colors)
        gdf[gdf["area"] == region].boundary.plot(ax=ax, color="black", linewidth=1.6)
        ax.set_aspect("equal")
        ax.set_axis_off()
        _north_arrow(ax)
        notes = figures._as_list(note)
    else:
        tiles = pd.DataFrame([(c, r, col) for c, (r, col) in REGION_TILES.items()],
                             columns=["area", "row", "col"])
        members = pd.DataFrame({"area": list(REGIONS), "name": list(REGIONS.values())})
        cells = _tile_cells(vals, column, members, tiles, "region_map")
        classes = classify(cells[column], scheme, k, bins=bins)
        colors = classes.colors(worse)
        fig, axd = _map_figure(with_inset=False, size=(6.3, 5.0))
        ax = axd["map"]
        missing = _draw_tiles(ax, cells, column, classes, colors, decimals, highlight=region)
        notes = [*figures._as_list(note),
                 "Ruutukartta: maakunnat esitetty yhtä suurina ruutuina, ei todellisia rajoja"]
    if title:
        ax.set_title(title)
    _legend(axd["legend"], classes, colors, legend_title, decimals, missing=missing,
            neighbours=False, worse=worse)
    names = [REGIONS.get(str(c), str(c)) for c in (gdf["area"] if boundaries is not None else cells["area"])]
    shown_values = (gdf if boundaries is not None else cells)[column].tolist()
    _set_map_alt(fig, "Maakuntakartta", title, legend_title, names, shown_values, classes, decimals, worse,
                 chosen=REGIONS.get(region))
    return figures.finish(fig, sources=sources, provenance=provenance, note=notes)


# ---------------------------------------------------------------------------------------------
# small multiples
# ---------------------------------------------------------------------------------------------
def small_multiples(frames_by_label: Mapping[str, Any], column: str, *, region: str | None = None,
                    municipalities: pd.DataFrame | None = None, tiles: pd.DataFrame | None = None,
                    scheme: str = "quantiles", k: int = 5, bins: Sequence[float] | None = None,
                    legend_title: str, sources: str | Sequence[str] | None = None,
                    provenance: Mapping[str, Any] | None = None, ncols: int | None = None,
                    note: str | Sequence[str] | None = None, region_column: str = "region",
                    decimals: int | None = None,
        worse: str | None = None) -> Figure:
    """Several maps (years, measures) side by side with one shared classification.

    Parameters
    ----------
    frames_by_label : mapping of panel title → frame
        GeoDataFrames (EPSG:3067, with ``region_column`` when ``region`` is given) for polygon
        panels, or plain DataFrames (``area``, ``column``) for tile panels, which then need
        ``municipalities`` and ``region`` (and optionally ``tiles``).
    column : str
        The value column in every frame.
    """
    if not frames_by_label:
        raise InputError("small_multiples: no frames given (pass {'2020': frame, '2024': frame})")
    labels = list(frames_by_label)
    geo_panels = all(hasattr(f, "geometry") for f in frames_by_label.values())
    panels: dict[str, Any] = {}
    for label in labels:
        frame = frames_by_label[label]
        if geo_panels:
            _check_geo(frame, f"small_multiples (panel {label!r})")
            _check_columns(frame, [column], f"small_multiples (panel {label!r})")
            if region is not None:
                _check_columns(frame, [region_column], f"small_multiples (panel {label!r})")
                frame = frame[frame[region_column].astype(str) == region]
                if frame.empty:
                    raise InputError(f"small_multiples: panel {label!r} has no municipality of {region!r}")
            panels[label] = frame
        else:
            if municipalities is None or region is None:
                raise InputError("small_multiples: plain frames are drawn as tiles and need "
                                 "municipalities=… and region=… (or pass GeoDataFrames)")
            _check_columns(frame, ["area", column], f"small_multiples (panel {label!r})")
            members = municipalities[municipalities["region"].astype(str) == region]
            if members.empty:
                raise InputError(f"small_multiples: no municipality of region {region!r}")
            if tiles is None:
                tiles = tile_grid(members)
            members = members[["area", "name_fi"]].rename(columns={"name_fi": "name"})
            panels[label] = _tile_cells(frame, column, members, tiles,
                                        f"small_multiples (panel {label!r})")
    pooled = pd.concat([pd.Series(p[column], dtype=float) for p in panels.values()])
    classes = classify(pooled, scheme, k, bins=bins)
    colors = classes.colors(worse)

    n = len(labels)
    ncols = ncols or min(n, 3)
    nrows = math.ceil(n / ncols)
    figures.apply_style()
    fig = Figure(figsize=(6.3, 0.4 + 2.6 * nrows), layout="constrained")
    mosaic = [[labels[r * ncols + c] if r * ncols + c < n else "." for c in range(ncols)]
              + ["legend"] for r in range(nrows)]
    axd = fig.subplot_mosaic(mosaic, width_ratios=[1] * ncols + [0.9], empty_sentinel=".")
    missing = False
    for label in labels:
        ax = axd[label]
        if geo_panels:
            missing |= _draw_polygons(ax, panels[label], column, classes, colors)
            ax.set_aspect("equal")
            ax.set_axis_off()
        else:
            missing |= _draw_tiles(ax, panels[label], column, classes, colors, decimals,
                                   names=False, fontsize=5.0)
        ax.set_title(str(label), fontsize=9)
    axd["legend"].set_axis_off()
    _legend(axd["legend"], classes, colors, legend_title, decimals, missing=missing,
            neighbours=False, worse=worse)
    notes = figures._as_list(note) + ([] if geo_panels else [TILE_CAPTION])
    pooled_names = []
    for label in labels:
        panel = panels[label]
        name_col = next((c for c in ("name", "name_fi", "area") if c in panel.columns), None)
        names = panel[name_col].astype(str) if name_col else pd.Series([""] * len(panel))
        pooled_names += [f"{n} ({label})" for n in names]
    _set_map_alt(fig, "Karttasarja", ", ".join(map(str, labels)), legend_title, pooled_names,
                 pd.concat([pd.Series(panels[label][column], dtype=float) for label in labels]).tolist(),
                 classes, decimals, worse)
    return figures.finish(fig, sources=sources, provenance=provenance, note=notes)


# ---------------------------------------------------------------------------------------------
# automatic choice
# ---------------------------------------------------------------------------------------------


def auto_map(values: pd.DataFrame, *, level: str = "municipality", region: str,
             column: str = "value", legend_title: str, municipalities: pd.DataFrame,
             boundaries: Any = None, provenance: Mapping[str, Any] | None = None,
             sources: str | Sequence[str] | None = None, **kwargs: Any) -> Figure:
    """Choropleth when there are boundaries, else a tile map.

    The caller loads the data (:meth:`punos_lib.study.Study.map` does it from the study's
    snapshot); drawing never reads files.

    Parameters
    ----------
    values : DataFrame
        ``area`` (KUxxx for municipalities, MKxx for regions) and ``column``.
    level : {"municipality", "region"}
        Municipalities of ``region`` (neighbours greyed), or the 19 regions compared.
    region : str
        The study region, e.g. ``"MK10"``.
    municipalities : DataFrame
        :func:`punos_lib.datasets.municipalities` (``area``, ``name_fi``, ``region``,
        ``x_km``, ``y_km``).
    boundaries : GeoDataFrame (EPSG:3067), optional
        :func:`punos_lib.datasets.boundaries` of ``level``; ``None`` draws tiles.
    provenance : dict, optional
        Default ``values.attrs["provenance"]``.
    **kwargs
        Passed on (scheme, k, bins, title, note, decimals, tiles, worse: ``"high"`` or
        ``"low"``, the unfavourable end, drawn orange on every map).
    """
    if level not in ("municipality", "region"):
        raise InputError(f"auto_map: unknown level {level!r}; use 'municipality' or 'region'")
    _check_region(region)
    _check_columns(values, ["area", column], "auto_map (values)")
    if provenance is None:
        provenance = values.attrs.get("provenance")
    if level == "region":
        return region_map(values, column, region=region, boundaries=boundaries,
                          legend_title=legend_title, sources=sources, provenance=provenance,
                          **kwargs)
    if boundaries is None:
        return tile_map(values, column, municipalities=municipalities, region=region,
                        legend_title=legend_title, sources=sources, provenance=provenance, **kwargs)
    gdf = boundaries
    if "region" not in gdf.columns:
        gdf = gdf.merge(municipalities[["area", "region"]], on="area", how="left")
    gdf = gdf.merge(values[["area", column]].drop_duplicates("area"), on="area", how="left")
    return choropleth(gdf, column, region=region, legend_title=legend_title, sources=sources,
                      provenance=provenance, **kwargs)

"""One figure style for the study: Finnish labels, source line, demo mark, deterministic files.

Every figure of the study is made with :func:`new_figure` (or a chart helper that calls it),
finished with :func:`finish` (source line, notes, and the demo mark when the data is synthetic)
and written with :func:`save` (PNG and SVG, byte-identical on every run).

Figures are created as :class:`matplotlib.figure.Figure` objects without ``pyplot``: rendering
uses the Agg (PNG) and SVG backends only, no global figure registry keeps them alive, and a
notebook shows a figure only when :meth:`punos_lib.study.Study.show` displays it (never twice).

Palettes are colour-blind safe: Okabe–Ito for categories (Okabe & Ito 2008, "Color Universal
Design") and cividis/viridis for ordered values.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"kunta": ["Mikkeli", "Juva"], "väestö": [51980.0, 5802.0]})
>>> fig = bar_h(df, "väestö", "kunta", xlabel="Asukkaita")
>>> fig = finish(fig, sources="Tilastokeskus")
>>> [t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID]
['Lähde: Tilastokeskus']
>>> format_number(1234567.891, 1)
'1\u202f234\u202f567,9'
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import Formatter, FuncFormatter

from punos_lib._formatting import format_number
from punos_lib.errors import InputError
from punos_lib._atomic import atomic_write_bytes

__all__ = [
    "OKABE_ITO",
    "SEQUENTIAL_CMAP",
    "GREY",
    "HIGHLIGHT",
    "DEMO_TEXT",
    "DEMO_ALT_PREFIX",
    "SOURCE_GID",
    "NOTE_GID",
    "DEMO_GID",
    "DEMO_DATASETS_GID",
    "DEMO_WATERMARK_GID",
    "PNG_DPI",
    "STYLE",
    "apply_style",
    "format_number",
    "number_formatter",
    "new_figure",
    "source_line",
    "mark_synthetic",
    "is_marked_synthetic",
    "is_finished",
    "finish",
    "set_alt",
    "alt_text",
    "wrap_text",
    "fit_texts",
    "render",
    "save",
    "bar_h",
    "line",
    "population_pyramid",
    "stacked_share",
    "beveridge",
    "heatmap",
]

#: Okabe–Ito categorical palette (black moved last so the first colours are the most distinct).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Sequential colour map for choropleths and heatmaps (perceptually uniform, colour-blind safe).
SEQUENTIAL_CMAP = "cividis"
#: Neutral colour for context (neighbours, other regions, missing data).
GREY = "#D9D9D9"
#: Colour that marks the study region among others.
HIGHLIGHT = OKABE_ITO[5]
#: The mark on everything built from a synthetic (demo) snapshot.
DEMO_TEXT = "ESIMERKKIAINEISTO – EI TODELLISIA TILASTOJA"
DEMO_COLOR = "#C00000"

# gids let tests, maps and Study.show find the artists finish() added (they also survive in SVG).
SOURCE_GID = "punos-source"
NOTE_GID = "punos-note"
DEMO_GID = "punos-demo"
DEMO_WATERMARK_GID = "punos-demo-watermark"
DEMO_DATASETS_GID = "punos-demo-datasets"

#: PNG resolution: sharp in an A4 PDF at the figure sizes below, small enough for the web.
PNG_DPI = 200
#: A fixed salt makes the ids matplotlib writes into SVG files the same on every run.
SVG_HASHSALT = "punos"

# Figure sizes in inches: the A4 text width with 2.5 cm margins is about 6.3 in.
_SIZES: dict[str, tuple[float, float]] = {
    "wide": (6.3, 3.9),
    "square": (5.2, 5.2),
    "tall": (6.3, 8.0),
}

#: Matplotlib settings of the study style (applied by :func:`apply_style`).
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: same glyphs on every machine
    "font.size": 9.0,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO)),
    "axes.formatter.use_locale": False,  # numbers are formatted explicitly, not by the OS locale
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "image.cmap": SEQUENTIAL_CMAP,
    "figure.dpi": 100,
    "savefig.dpi": PNG_DPI,
    "savefig.facecolor": "white",
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "path",  # text as paths: the SVG looks the same without the font installed
    "path.simplify": True,
}


def apply_style() -> None:
    """Apply :data:`STYLE` to matplotlib's global settings (idempotent)."""
    matplotlib.rcParams.update(STYLE)


# ---------------------------------------------------------------------------------------------
# numbers (format_number itself is punos_lib._formatting's, re-exported here)
# ---------------------------------------------------------------------------------------------
class _NumberFormatter(Formatter):
    """Tick labels in the study's number format with as many decimals as the ticks need.

    ``decimals`` is the least; more are used when fewer would make two tick labels read the same
    (ticks 0,115 and 0,12 with ``decimals=2`` become 0,115 and 0,120), up to ``decimals + 4``.
    """

    def __init__(self, decimals: int = 0, *, lang: str = "fi", percent: bool = False,
                 absolute: bool = False) -> None:
        self.decimals = decimals
        self.lang = lang
        self.percent = percent
        self.absolute = absolute
        self._used = decimals

    def _text(self, value: float, decimals: int) -> str:
        return format_number(abs(value) if self.absolute else value, decimals, lang=self.lang,
                             percent=self.percent)

    def format_ticks(self, values: Any) -> list[str]:
        values = [float(v) for v in values]
        for decimals in range(self.decimals, self.decimals + 5):
            labels = [self._text(v, decimals) for v in values]
            if len(set(labels)) == len(labels):
                break
        self._used = decimals
        return labels

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._text(float(x), self._used)


def number_formatter(decimals: int = 0, *, lang: str = "fi", percent: bool = False,
                     absolute: bool = False) -> Formatter:
    """Return a matplotlib tick formatter using :func:`format_number`.

    Ticks get at least ``decimals`` digits, more when fewer would make two tick labels equal;
    ``absolute`` drops the sign (the left side of a pyramid).

    Examples
    --------
    >>> number_formatter(0)(25000, 0)
    '25\u202f000'
    >>> number_formatter(1).format_ticks([0.115, 0.12, 0.125])
    ['0,115', '0,120', '0,125']
    """
    return _NumberFormatter(decimals, lang=lang, percent=percent, absolute=absolute)


#: A month as the data writes it: ``2023M10``.
_MONTH = r"^\d{4}M(0[1-9]|1[0-2])$"


def _month_positions(values: pd.Series) -> np.ndarray | None:
    """Months ``2023M10`` as consecutive integers (year × 12 + month − 1); None when not months."""
    text = values.astype(str)
    if len(text) == 0 or not text.str.match(_MONTH).all():
        return None
    return (text.str[:4].astype(int) * 12 + text.str[5:].astype(int) - 1).to_numpy()


def _month_axis(axis: Any, positions: np.ndarray) -> None:
    """Ticks on whole months (every 1, 2, 3, 6 or 12 months, at most 8 ticks), read ``2023M10``."""
    first, last = int(positions.min()), int(positions.max())
    step = next((s for s in (1, 2, 3, 6, 12, 24) if (last - first) // s < 8), 36)
    start = first + (-first) % step if step <= 12 else first
    ticks = list(range(start, last + 1, step)) or [first]
    axis.set_ticks(ticks, [f"{t // 12}M{t % 12 + 1:02d}" for t in ticks])


# ---------------------------------------------------------------------------------------------
# figure, source line, demo mark
# ---------------------------------------------------------------------------------------------
def new_figure(kind: Literal["wide", "square", "tall"] = "wide") -> tuple[Figure, Any]:
    """Create a figure in the study style with one axes.

    Parameters
    ----------
    kind : {"wide", "square", "tall"}
        ``wide`` fits the A4 text width (6.3 × 3.9 in), ``square`` maps and matrices,
        ``tall`` long ranked lists.

    Returns
    -------
    (Figure, Axes)
    """
    if kind not in _SIZES:
        raise InputError(f"unknown figure kind {kind!r}; use one of {', '.join(_SIZES)}")
    apply_style()
    fig = Figure(figsize=_SIZES[kind], layout="constrained")
    ax = fig.add_subplot()
    return fig, ax


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _strip_prefix(text: str) -> str:
    text = text.strip()
    for prefix in ("Lähde:", "Lähteet:", "Källa:", "Source:", "Sources:"):
        if text.startswith(prefix):
            return text[len(prefix):].strip()
    return text


def source_line(sources: str | Sequence[str] | None = None,
                provenance: Mapping[str, Any] | None = None) -> str:
    """Compose the source line: ``"Lähde: Tilastokeskus, Vipunen"``.

    Sources given as text come first, then the attribution lines of ``provenance``; a leading
    ``"Lähde:"`` in either is dropped and duplicates are removed (order kept).

    Raises
    ------
    InputError
        Neither gives a source: every figure of the study must name its source.

    Examples
    --------
    >>> source_line("Lähde: Tilastokeskus", {"attribution": ["Lähde: Tilastokeskus", "Vipunen"]})
    'Lähteet: Tilastokeskus, Vipunen'
    """
    names: list[str] = []
    for item in _as_list(sources) + _as_list((provenance or {}).get("attribution")):
        name = _strip_prefix(item)
        if name and name not in names:
            names.append(name)
    if not names:
        raise InputError(
            "no source for the figure: pass sources='Tilastokeskus' (or the real source) or a "
            "provenance dict with an 'attribution' list (frame.attrs['provenance'])"
        )
    label = "Lähde" if len(names) == 1 else "Lähteet"
    return f"{label}: {', '.join(names)}"


def _remove_gid(fig: Figure, gids: Sequence[str]) -> None:
    for text in list(fig.texts):
        if text.get_gid() in gids:
            text.remove()


def _example_line(datasets: Sequence[str]) -> str:
    """The footer line naming, in words a reader knows, the datasets that are example data.

    Declared datasets are named by their Finnish title (``data/datasets.yaml``), anything else as given.
    """
    from punos_lib.reference import declarations

    try:
        titles = {d.id: d.title_fi for d in declarations.load()}
    except Exception:  # noqa: BLE001 - a figure outside the project still gets its line
        titles = {}
    return "Esimerkkiaineistoa: " + "; ".join(titles.get(d, d) for d in datasets)


def mark_synthetic(fig: Figure, datasets: Sequence[str] = ()) -> Figure:
    """Put the demo mark on ``fig``: a diagonal watermark and a red line at the top.

    Used by :func:`finish` when ``provenance["synthetic"]`` is true; also by
    :meth:`punos_lib.study.Study.show` as a safety net. Calling it twice keeps one mark.
    """
    _remove_gid(fig, (DEMO_GID, DEMO_WATERMARK_GID) + ((DEMO_DATASETS_GID,) if datasets else ()))
    fig.text(0.5, 0.5, DEMO_TEXT, gid=DEMO_WATERMARK_GID, ha="center", va="center",
             rotation=28, fontsize=17, fontweight="bold", color=DEMO_COLOR, alpha=0.22,
             zorder=1000).set_in_layout(False)  # a diagonal mark over the plot, not a label
    # The header stays one short line (a list of datasets would wrap into the title on narrow
    # figures); the datasets are named in a line of their own at the bottom.
    fig.text(0.01, 0.995, DEMO_TEXT, gid=DEMO_GID, ha="left", va="top", fontsize=7.5,
             fontweight="bold", color=DEMO_COLOR)
    if datasets:
        fig.text(0.99, 0.008, _example_line(datasets), gid=DEMO_DATASETS_GID,
                 ha="right", va="bottom", fontsize=6.5, color=DEMO_COLOR)
    return fig


def is_marked_synthetic(fig: Figure) -> bool:
    """True when ``fig`` carries the demo mark added by :func:`mark_synthetic`."""
    return any(t.get_gid() == DEMO_GID for t in fig.texts)


def is_finished(fig: Figure) -> bool:
    """True when ``fig`` already has the source line added by :func:`finish`.

    Maps and the registry figures finish themselves (they add their own caption lines);
    :meth:`punos_lib.study.Study.show` finishes every other figure from its data's provenance.
    """
    return any(t.get_gid() == SOURCE_GID for t in fig.texts)


def _updated(provenance: Mapping[str, Any]) -> str | None:
    updated = provenance.get("updated") or {}
    dates = sorted(str(v) for v in (updated.values() if isinstance(updated, Mapping) else [])
                   if v)
    if not dates:
        return None
    # ISO dates read as Finnish dates (2025-12-31T00:00:00Z -> 31.12.2025).
    latest = dates[-1]
    parts = latest[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[2])}.{int(parts[1])}.{parts[0]}"
    return latest


_FOOTER_SIZE = 7.5


def _renderer(fig: Figure) -> Any:
    """An Agg renderer for measuring text (the figure gets an Agg canvas if it has none)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _text_width_in(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of text in inches as the PNG draws it (hinted glyphs at PNG_DPI)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=STYLE["font.family"], size=size, weight=weight)
    renderer = RendererAgg(1, 1, PNG_DPI)
    return renderer.get_text_width_height_descent(text, prop, ismath=False)[0] / PNG_DPI


def wrap_text(text: str, width_in: float, *, size: float, weight: str = "normal") -> str:
    """Break ``text`` at spaces so that no line is wider than ``width_in`` inches (measured).

    Existing line breaks are kept; a single word wider than the width stays on its own line.

    Examples
    --------
    >>> wrap_text("Lähde: Tilastokeskus (tiedot päivitetty 31.12.2025)", 1.5, size=7.5).split("\\n")
    ['Lähde: Tilastokeskus (tiedot', 'päivitetty 31.12.2025)']
    """
    out: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = word if not current else f"{current} {word}"
            if current and _text_width_in(candidate, size, weight) > width_in:
                out.append(current)
                current = word
            else:
                current = candidate
        out.append(current)
    return "\n".join(out)


def finish(fig: Figure, *, sources: str | Sequence[str] | None = None,
           provenance: Mapping[str, Any] | None = None,
           note: str | Sequence[str] | None = None) -> Figure:
    """Add the source line, notes and (for synthetic data) the demo mark to a figure.

    Parameters
    ----------
    fig : Figure
    sources : str or list of str, optional
        Source names, e.g. ``"Tilastokeskus"``; combined with ``provenance["attribution"]``.
        At least one of the two must give a source.
    provenance : dict, optional
        ``frame.attrs["provenance"]`` = ``{"datasets", "entries", "synthetic", "attribution",
        "updated"}``. When ``synthetic`` is true the figure gets :data:`DEMO_TEXT` as a diagonal
        watermark and a red line naming the synthetic datasets.
    note : str or list of str, optional
        Extra lines under the figure (definitions, caveats).

    Returns
    -------
    Figure
        The same figure (finishing twice replaces the earlier lines).
    """
    provenance = provenance or {}
    line_text = source_line(sources, provenance)
    updated = _updated(provenance)
    if updated:
        line_text += f" (tiedot päivitetty {updated})"
    _remove_gid(fig, (SOURCE_GID, NOTE_GID, DEMO_GID, DEMO_WATERMARK_GID, DEMO_DATASETS_GID))
    synthetic = bool(provenance.get("synthetic"))
    demo_datasets = [str(d) for d in provenance.get("datasets") or []] if synthetic else []
    lines = [(t, NOTE_GID, "#333333") for t in _as_list(note)]
    if demo_datasets:
        lines.append((_example_line(demo_datasets), DEMO_DATASETS_GID, DEMO_COLOR))
    lines.append((line_text, SOURCE_GID, "#333333"))
    # Lines stack upwards from the bottom edge, each wrapped to the figure's width (a long source
    # line is never cut at the edge); the layout keeps the axes above them.
    width_in = 0.97 * fig.get_figwidth()
    line_in = _FOOTER_SIZE * 1.25 / 72.0
    y_in = 0.008 * fig.get_figheight()
    for text, gid, color in reversed(lines):
        wrapped = wrap_text(text, width_in, size=_FOOTER_SIZE)
        fig.text(0.01, y_in / fig.get_figheight(), wrapped, ha="left", va="bottom",
                 fontsize=_FOOTER_SIZE, color=color, gid=gid, linespacing=1.15)
        y_in += line_in * (wrapped.count("\n") + 1)
    bottom = (y_in + 0.03) / fig.get_figheight()
    top = 1.0
    if synthetic:
        mark_synthetic(fig)
        top = 1.0 - 0.16 / fig.get_figheight()
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, bottom, 1.0, top - bottom))
    elif engine is None:
        fig.subplots_adjust(bottom=max(bottom + 0.08, fig.subplotpars.bottom),
                            top=min(top - 0.02, fig.subplotpars.top))
    return fig


# ---------------------------------------------------------------------------------------------
# alt text
# ---------------------------------------------------------------------------------------------
_ALT_ATTR = "_punos_alt"
#: Put before the alt text of a figure drawn from example data.
DEMO_ALT_PREFIX = "Esimerkkiaineisto, ei todellisia tilastoja. "


def set_alt(fig: Figure, text: str) -> Figure:
    """Attach the alt text (what the figure shows, for readers who cannot see it) to ``fig``.

    The chart helpers, maps and registry figures write it from the data they draw; a notebook
    that draws its own figure can set one. :meth:`punos_lib.study.Study.show` publishes it.
    """
    # Only ordinary spaces and line breaks are collapsed (numbers keep their narrow no-break spaces).
    setattr(fig, _ALT_ATTR, re.sub(r"[ \t\n]+", " ", str(text)).strip())
    return fig


def alt_text(fig: Figure) -> str:
    """The figure's alt text: the one set by :func:`set_alt`, else one read from its axes
    (title and axis labels), so that no figure is published with only its caption.

    Examples
    --------
    >>> df = pd.DataFrame({"kunta": ["Mikkeli", "Juva", "Puumala"], "väestö": [51980.0, 5802.0, 2200.0]})
    >>> alt_text(bar_h(df, "väestö", "kunta", title="Väestö kunnittain"))
    'Pylväskuvio, 3 pylvästä: Väestö kunnittain. Suurin Mikkeli (51\u202f980), pienin Puumala (2\u202f200).'
    """
    stored = getattr(fig, _ALT_ATTR, None)
    if stored:
        return stored
    parts = []
    for ax in fig.axes:
        title = re.sub(r"\s*\n\s*", " ", ax.get_title(loc="left") or ax.get_title()).strip()
        axes = [t for t in (ax.get_xlabel(), ax.get_ylabel()) if t]
        if title or axes:
            parts.append(f"{title or 'Kuvio'}" + (f" (akselit: {', '.join(axes)})" if axes else ""))
    return "Kuvio: " + "; ".join(parts) + "." if parts else "Kuvio."


def _subject(title: str | None, *fallbacks: str | None) -> str:
    for text in (title, *fallbacks):
        if text:
            return re.sub(r"[ \t\n]+", " ", str(text)).strip().rstrip(".")
    return "kuvio"


def _extremes(labels: Sequence[str], values: Sequence[float], decimals: int,
              percent: bool = False) -> str:
    """``"Suurin A (3), pienin B (1)"`` of the finite values."""
    pairs = [(str(lab), float(v)) for lab, v in zip(labels, values) if v is not None and math.isfinite(float(v))]
    if not pairs:
        return "Ei arvoja"
    top = max(pairs, key=lambda p: p[1])
    low = min(pairs, key=lambda p: p[1])
    fmt = lambda v: format_number(v, decimals, percent=percent)  # noqa: E731
    if len(pairs) == 1:
        return f"Ainoa arvo {top[0]} ({fmt(top[1])})"
    return f"Suurin {top[0]} ({fmt(top[1])}), pienin {low[0]} ({fmt(low[1])})"


# ---------------------------------------------------------------------------------------------
# deterministic files
# ---------------------------------------------------------------------------------------------
def _titles_of(fig: Figure) -> list[Any]:
    texts = []
    for ax in fig.axes:
        texts += [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]
    return texts


def fit_texts(fig: Figure) -> None:
    """Lay the figure out so that no title, label or footnote runs past its edges.

    Titles wider than the room to the figure's right edge are wrapped; when something still
    sticks out (a map whose aspect moves its title up), the layout area is shrunk by the overflow
    and the figure laid out again. Called by :func:`render` before the layout is fixed.
    """
    engine = fig.get_layout_engine()
    constrained = isinstance(engine, ConstrainedLayoutEngine)
    dpi = fig.get_dpi()
    fig.set_dpi(PNG_DPI)  # measure as the PNG draws (hinted text is widest there)
    try:
        renderer = _renderer(fig)
        for _ in range(4):
            fig.draw_without_rendering()
            w, h = fig.get_figwidth(), fig.get_figheight()
            changed = False
            for title in _titles_of(fig):
                box = title.get_window_extent(renderer)
                x0, x1 = box.x0 / PNG_DPI, box.x1 / PNG_DPI
                if x1 > w - 0.02 or x0 < 0:
                    room = w - max(x0, 0.0) - 0.03 * w
                    wrapped = wrap_text(title.get_text().replace("\n", " "), room,
                                        size=title.get_fontsize(), weight=title.get_fontweight())
                    if wrapped != title.get_text():
                        title.set_text(wrapped)
                        changed = True
            if changed:
                continue
            tight = fig.get_tightbbox(renderer)  # inches
            over = (max(0.0, -tight.x0), max(0.0, -tight.y0), max(0.0, tight.x1 - w),
                    max(0.0, tight.y1 - h))
            if max(over) <= 0.005 or not constrained:
                break
            left, bottom, rw, rh = engine.get()["rect"]
            pad = 0.03
            left += (over[0] + pad * bool(over[0])) / w
            rw -= (over[0] + over[2] + pad * (bool(over[0]) + bool(over[2]))) / w
            bottom += (over[1] + pad * bool(over[1])) / h
            rh -= (over[1] + over[3] + pad * (bool(over[1]) + bool(over[3]))) / h
            engine.set(rect=(left, bottom, rw, rh))
    finally:
        fig.set_dpi(dpi)


def _freeze_layout(fig: Figure) -> None:
    # Constrained layout refines positions a little on every draw, so two saves of one figure
    # would differ in the last digits. Lay out once (fitting every text inside), then fix the
    # positions.
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        fit_texts(fig)
        fig.set_layout_engine("none")


def render(fig: Figure, fmt: Literal["png", "svg"]) -> bytes:
    """Render ``fig`` to PNG or SVG bytes, without timestamps or version strings.

    The same figure gives the same bytes on every call (matplotlib's own ``Date``/``Creator``/
    ``Software`` metadata removed, SVG ids salted with a fixed string). The first call fixes the
    layout of the figure, so call :func:`finish` before rendering or saving.
    """
    if fmt not in ("png", "svg"):
        raise InputError(f"unknown figure format {fmt!r}; use 'png' or 'svg'")
    apply_style()
    _freeze_layout(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
        else:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def save(fig: Figure, path_stem: str | os.PathLike[str]) -> list[Path]:
    """Write ``<path_stem>.png`` and ``<path_stem>.svg`` atomically and deterministically.

    Parameters
    ----------
    fig : Figure
    path_stem : path without suffix
        E.g. ``outputs/figures/mk10/fig-vaesto``; folders are created.

    Returns
    -------
    list of Path
        ``[png, svg]``.
    """
    stem = Path(path_stem)
    if stem.suffix.lower() in (".png", ".svg"):
        stem = stem.with_suffix("")
    written = []
    for fmt in ("png", "svg"):
        path = stem.parent / f"{stem.name}.{fmt}"
        atomic_write_bytes(path, render(fig, fmt))  # type: ignore[arg-type]
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# chart helpers
# ---------------------------------------------------------------------------------------------
def _require(df: pd.DataFrame, columns: Sequence[str | None], where: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{where}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise InputError(
            f"{where}: column(s) {', '.join(map(repr, missing))} not in the frame "
            f"(columns: {', '.join(map(str, df.columns))})"
        )


def _axes(ax: Any, kind: Literal["wide", "square", "tall"], rows: int | None = None) -> tuple[Figure, Any]:
    if ax is None:
        fig, ax = new_figure(kind)
        if kind == "tall" and rows is not None:
            # A ranked list is as tall as its rows need (7 bars do not take a page).
            fig.set_figheight(tall_height(rows))
        return fig, ax
    return ax.figure, ax


def tall_height(rows: int) -> float:
    """Height in inches of a ``tall`` figure with ``rows`` bars: 0.3 in a row plus the title and
    footer, between 2.8 in and the full 8 in.

    Examples
    --------
    >>> tall_height(7), tall_height(22), tall_height(40)
    (3.7, 8.0, 8.0)
    """
    return float(min(_SIZES["tall"][1], max(2.8, round(1.6 + 0.3 * rows, 2))))


def _titles(ax: Any, title: str | None, xlabel: str | None, ylabel: str | None) -> None:
    if title:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)


def bar_h(df: pd.DataFrame, value: str, label: str, *, sort: bool = True,
          highlight: Sequence[str] = (), decimals: int = 0, annotate: bool = True,
          title: str | None = None, xlabel: str | None = None, kind: Literal["wide", "square", "tall"] = "wide",
          ax: Any = None) -> Figure:
    """Horizontal bars, largest on top; ``highlight`` labels drawn in :data:`HIGHLIGHT`.

    Examples
    --------
    >>> df = pd.DataFrame({"ala": ["A", "B"], "n": [3.0, 5.0]})
    >>> fig = bar_h(df, "n", "ala")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['A', 'B']
    """
    _require(df, [value, label], "bar_h")
    data = df[[label, value]].copy()
    if sort:
        # barh draws the first row at the bottom: ascending order puts the largest on top.
        data = data.sort_values(value, ascending=True, kind="stable")
    fig, ax = _axes(ax, kind, rows=len(data))
    labels = data[label].astype(str).tolist()
    values = data[value].astype(float).to_numpy()
    colors = [HIGHLIGHT if lab in set(highlight) else OKABE_ITO[0] for lab in labels]
    bars = ax.barh(labels, values, color=colors)
    ax.xaxis.set_major_formatter(number_formatter(decimals))
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    if annotate:
        ax.margins(x=0.1)  # room for the value labels at the bar ends
        ax.bar_label(bars, labels=[format_number(v, decimals) for v in values], padding=2,
                     fontsize=7.5)
    _titles(ax, title, xlabel, None)
    set_alt(fig, f"Pylväskuvio, {len(values)} pylvästä: {_subject(title, xlabel, value)}. "
                 f"{_extremes(labels, values, decimals)}.")
    return fig


def line(df: pd.DataFrame, x: str, y: str, hue: str | None = None, *, decimals: int = 0,
         title: str | None = None, xlabel: str | None = None, ylabel: str | None = None,
         highlight: str | None = None, ax: Any = None) -> Figure:
    """Lines of ``y`` over ``x``, one per ``hue`` value (in order of first appearance).

    ``x`` holding months as the data writes them (``2023M10``) gives a month axis labelled
    the same way; whole numbers (years) get whole-number ticks.
    """
    _require(df, [x, y, hue], "line")
    fig, ax = _axes(ax, "wide")
    months = _month_positions(df[x])
    frame = df.assign(_x=months) if months is not None else df.assign(_x=df[x])
    groups = [(None, frame)] if hue is None else list(frame.groupby(hue, sort=False, observed=True))
    for i, (name, part) in enumerate(groups):
        part = part.sort_values("_x", kind="stable")
        emphasis = highlight is not None and str(name) == str(highlight)
        ax.plot(part["_x"].to_numpy(), part[y].astype(float).to_numpy(),
                color=OKABE_ITO[i % len(OKABE_ITO)], linewidth=2.4 if emphasis else 1.6,
                label=None if name is None else str(name))
    ax.yaxis.set_major_formatter(number_formatter(decimals))
    if months is not None:
        _month_axis(ax.xaxis, months)  # 2023M10, not the decimal year 2023.75
    elif pd.api.types.is_integer_dtype(df[x]) or (
            pd.api.types.is_numeric_dtype(df[x]) and (df[x].dropna() % 1 == 0).all()):
        ax.xaxis.get_major_locator().set_params(integer=True)  # years, never 2022.5
    ax.grid(axis="y")
    if hue is not None:
        ax.legend(loc="best")
    _titles(ax, title, xlabel, ylabel)
    described = []
    for name, part in groups[:6]:
        part = part.sort_values("_x", kind="stable")
        ys = part[y].astype(float).to_numpy()
        xs = part[x].astype(str).tolist()
        ok = np.isfinite(ys)
        if not ok.any():
            continue
        first, last, top = int(np.argmax(ok)), int(len(ok) - 1 - np.argmax(ok[::-1])), int(np.nanargmax(ys))
        described.append(f"{'' if name is None else f'{name}: '}{xs[first]} "
                         f"{format_number(ys[first], decimals)}, {xs[last]} "
                         f"{format_number(ys[last], decimals)}, suurin {format_number(ys[top], decimals)} "
                         f"({xs[top]})")
    set_alt(fig, f"Viivakuvio: {_subject(title, ylabel, y)}. " + "; ".join(described) + ".")
    return fig


def population_pyramid(df: pd.DataFrame, age: str, left: str, right: str, *,
                       left_label: str = "Miehet", right_label: str = "Naiset",
                       decimals: int = 0, percent: bool = False, title: str | None = None,
                       xlabel: str | None = None, layout: Literal["mirror", "overlay"] | None = None,
                       ax: Any = None) -> Figure:
    """Bars by age group (or any category) for two series.

    ``layout="mirror"`` (the default for counts) is the classic pyramid: ``left`` to the left,
    ``right`` to the right, e.g. men and women. ``layout="overlay"`` (the default with
    ``percent=True``, two populations as shares, e.g. the region against the whole country)
    draws both on the same side so they can be compared: ``left`` as filled bars, ``right`` as a
    black outline over them. Rows are drawn bottom-up in the frame's order, so put the youngest
    age group first. The figure is as tall as its rows need.
    """
    _require(df, [age, left, right], "population_pyramid")
    layout = layout or ("overlay" if percent else "mirror")
    if layout not in ("mirror", "overlay"):
        raise InputError(f"population_pyramid: unknown layout {layout!r}; use 'mirror' or 'overlay'")
    fig, ax = _axes(ax, "tall", rows=len(df))
    ages = df[age].astype(str).tolist()
    ypos = np.arange(len(ages))
    lvals = df[left].astype(float).to_numpy()
    rvals = df[right].astype(float).to_numpy()
    if layout == "mirror":
        ax.barh(ypos, -lvals, color=OKABE_ITO[0], label=left_label)
        ax.barh(ypos, rvals, color=OKABE_ITO[1], label=right_label)
        ax.axvline(0, color="#333333", linewidth=0.6)
        ax.xaxis.set_major_formatter(number_formatter(decimals, percent=percent, absolute=True))
        ax.legend(loc="upper right")
    else:
        ax.barh(ypos, lvals, height=0.8, color=OKABE_ITO[0], label=left_label)
        ax.barh(ypos, rvals, height=0.8, fill=False, edgecolor="#000000", linewidth=1.2,
                label=right_label)
        ax.xaxis.set_major_formatter(number_formatter(decimals, percent=percent))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.legend(loc="best")
    ax.set_yticks(ypos, ages)
    _titles(ax, title, xlabel, None)
    subject = _subject(title, xlabel)
    if layout == "mirror":
        set_alt(fig, f"Väestöpyramidi: {subject}. {left_label}: "
                     f"{_extremes(ages, lvals, decimals, percent).lower()}; {right_label}: "
                     f"{_extremes(ages, rvals, decimals, percent).lower()}.")
    else:
        diff = np.where(np.isfinite(lvals - rvals), np.abs(lvals - rvals), -1.0)
        i = int(np.argmax(diff))
        fmt = lambda v: format_number(v, decimals, percent=percent)  # noqa: E731
        set_alt(fig, f"Pylväsvertailu: {subject}. {left_label} pylväinä, {right_label} "
                     f"ääriviivoina. {left_label}: {_extremes(ages, lvals, decimals, percent).lower()}. "
                     f"Suurin ero: {ages[i]}, {left_label} {fmt(lvals[i])} ja {right_label} "
                     f"{fmt(rvals[i])}.")
    return fig


def stacked_share(df: pd.DataFrame, category: str, part: str, value: str, *,
                  title: str | None = None, xlabel: str | None = "Osuus, %",
                  part_labels: Mapping[str, str] | None = None, ax: Any = None) -> Figure:
    """100 % stacked horizontal bars: the share of each ``part`` within each ``category``.

    Categories keep their order of first appearance (top to bottom); parts too (left to right).
    ``part_labels`` names parts in the legend (e.g. :data:`punos_lib.present.tables.VALUE_WORDS`
    for the data's plain codes such as ``amk``); parts without a name keep their value.
    """
    _require(df, [category, part, value], "stacked_share")
    table = df.pivot_table(index=category, columns=part, values=value, aggfunc="sum",
                           sort=False, observed=True).fillna(0.0)
    totals = table.sum(axis=1)
    if (totals <= 0).any():
        bad = ", ".join(map(str, totals.index[totals <= 0]))
        raise InputError(f"stacked_share: category {bad} has a total of 0; shares are undefined")
    shares = table.div(totals, axis=0) * 100.0
    shares = shares.iloc[::-1]  # first category on top
    fig, ax = _axes(ax, "wide")
    left = np.zeros(len(shares))
    for i, col in enumerate(shares.columns):
        vals = shares[col].to_numpy(dtype=float)
        ax.barh(shares.index.astype(str), vals, left=left, color=OKABE_ITO[i % len(OKABE_ITO)],
                label=str((part_labels or {}).get(str(col), col)))
        left += vals
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(number_formatter(0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=min(4, len(shares.columns)))
    _titles(ax, title, xlabel, None)
    names = [str((part_labels or {}).get(str(c), c)) for c in shares.columns]
    largest = [f"{n} suurin luokassa {shares[c].idxmax()} ({format_number(shares[c].max(), 0)} %)"
               for n, c in zip(names, shares.columns)]
    set_alt(fig, f"Pinottu pylväskuvio, {len(shares)} luokkaa: {_subject(title)}. Osuudet: "
                 f"{', '.join(names)}. " + "; ".join(largest) + ".")
    return fig


def beveridge(df: pd.DataFrame, u: str, v: str, time: str, *, label_every: int | None = None,
              title: str | None = None, xlabel: str | None = "Työttömät työnhakijat",
              ylabel: str | None = "Avoimet työpaikat", decimals: int = 0, ax: Any = None) -> Figure:
    """Beveridge curve: vacancies against unemployment, points joined in time order.

    The first and last points (and every ``label_every``-th) are labelled with ``time``.
    """
    _require(df, [u, v, time], "beveridge")
    data = df.sort_values(time, kind="stable")
    fig, ax = _axes(ax, "square")
    xs = data[u].astype(float).to_numpy()
    ys = data[v].astype(float).to_numpy()
    ax.plot(xs, ys, color=OKABE_ITO[0], linewidth=1.0, marker="o", markersize=3)
    times = data[time].astype(str).tolist()
    idx = {0, len(times) - 1}
    if label_every:
        idx |= set(range(0, len(times), label_every))
    for i in sorted(idx):
        if 0 <= i < len(times):
            ax.annotate(times[i], (xs[i], ys[i]), textcoords="offset points", xytext=(4, 4),
                        fontsize=7)
    ax.xaxis.set_major_formatter(number_formatter(decimals))
    ax.yaxis.set_major_formatter(number_formatter(decimals))
    ax.grid(True)
    _titles(ax, title, xlabel, ylabel)
    if len(times):
        fmt = lambda v: format_number(v, decimals)  # noqa: E731
        set_alt(fig, f"Beveridge-käyrä: {_subject(title)}. Vaaka-akselilla {xlabel}, pystyakselilla "
                     f"{ylabel}. {times[0]}: {fmt(xs[0])} ja {fmt(ys[0])}; {times[-1]}: "
                     f"{fmt(xs[-1])} ja {fmt(ys[-1])}; suurin {ylabel} {fmt(np.nanmax(ys))} "
                     f"({times[int(np.nanargmax(ys))]}).")
    return fig


def heatmap(matrix: pd.DataFrame, *, decimals: int = 1, annotate: bool = True,
            cmap: str = SEQUENTIAL_CMAP, title: str | None = None, colorbar_label: str | None = None,
            ax: Any = None) -> Figure:
    """A labelled matrix (rows × columns of a DataFrame) coloured with a sequential map."""
    if not isinstance(matrix, pd.DataFrame) or matrix.empty:
        raise InputError("heatmap: expected a non-empty DataFrame (rows × columns of numbers)")
    values = matrix.to_numpy(dtype=float)
    fig, ax = _axes(ax, "square")
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(np.arange(values.shape[1]), [str(c) for c in matrix.columns], rotation=45,
                  ha="right")
    ax.set_yticks(np.arange(values.shape[0]), [str(r) for r in matrix.index])
    ax.spines[:].set_visible(False)
    if annotate:
        finite = values[np.isfinite(values)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for (r, c), val in np.ndenumerate(values):
            # cividis is dark at the low end: light text there, dark text on the light end.
            colour = "white" if np.isfinite(val) and val < mid else "black"
            ax.text(c, r, format_number(val, decimals), ha="center", va="center", fontsize=7,
                    color=colour)
    bar = fig.colorbar(image, ax=ax, format=number_formatter(decimals))
    if colorbar_label:
        bar.set_label(colorbar_label)
    _titles(ax, title, None, None)
    if np.isfinite(values).any():
        hi = np.unravel_index(np.nanargmax(values), values.shape)
        lo = np.unravel_index(np.nanargmin(values), values.shape)
        cell = lambda rc: f"{matrix.index[rc[0]]} / {matrix.columns[rc[1]]}"  # noqa: E731
        set_alt(fig, f"Lämpökartta, {values.shape[0]} riviä × {values.shape[1]} saraketta: "
                     f"{_subject(title, colorbar_label)}. Suurin {cell(hi)} "
                     f"({format_number(values[hi], decimals)}), pienin {cell(lo)} "
                     f"({format_number(values[lo], decimals)}).")
    return fig

"""Tests of punos_lib.present.figures: number format, source line, demo mark, deterministic saves, charts."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from punos_lib.present import figures
from punos_lib.reference import declarations
from punos_lib.errors import InputError

NNBSP = "\u202f"
PROV_DEMO = {
    "datasets": ["population", "jobs_by_industry"],
    "entries": ["population/data-1"],
    "synthetic": True,
    "attribution": ["Lähde: Tilastokeskus"],
    "updated": {"population": "2025-04-25"},
}
PROV_REAL = dict(PROV_DEMO, synthetic=False)


def _texts(fig):
    return [t.get_text() for t in fig.texts]


def _by_gid(fig, gid):
    return [t.get_text() for t in fig.texts if t.get_gid() == gid]


def _bars():
    df = pd.DataFrame({"kunta": ["Juva", "Mikkeli", "Sulkava"], "väestö": [5802.0, 51980.0, 2500.0]})
    return df, figures.bar_h(df, "väestö", "kunta", title="Väestö", xlabel="Asukkaita")


# -- numbers (format_number itself: tests/test_formatting.py) ---------------------------------
def test_number_formatter_for_ticks():
    fmt = figures.number_formatter(1)
    assert fmt(25000.25, 0) == f"25{NNBSP}000,2"


# -- source line and marks ---------------------------------------------------------------------
def test_source_line_combines_given_text_and_provenance_without_duplicates():
    line = figures.source_line(["Tilastokeskus", "Vipunen"], {"attribution": ["Lähde: Tilastokeskus"]})
    assert line == "Lähteet: Tilastokeskus, Vipunen"
    assert figures.source_line(None, PROV_REAL) == "Lähde: Tilastokeskus"


def test_source_line_required():
    with pytest.raises(InputError, match="no source"):
        figures.source_line(None, {"attribution": []})


def test_finish_adds_source_line_and_no_demo_mark_for_real_data():
    _, fig = _bars()
    figures.finish(fig, sources="Tilastokeskus", provenance=PROV_REAL)
    assert _by_gid(fig, figures.SOURCE_GID) == ["Lähde: Tilastokeskus (tiedot päivitetty 25.4.2025)"]
    assert not any(figures.DEMO_TEXT in t for t in _texts(fig))
    assert not figures.is_marked_synthetic(fig)


def test_finish_marks_synthetic_data_visibly_and_names_datasets():
    _, fig = _bars()
    figures.finish(fig, sources="Tilastokeskus", provenance=PROV_DEMO, note="Huom: esimerkki")
    watermark = [t for t in fig.texts if t.get_gid() == figures.DEMO_WATERMARK_GID]
    line = [t for t in fig.texts if t.get_gid() == figures.DEMO_GID]
    assert len(watermark) == 1 and watermark[0].get_text() == figures.DEMO_TEXT
    assert watermark[0].get_rotation() != 0  # diagonal
    assert len(line) == 1
    assert line[0].get_text().startswith(figures.DEMO_TEXT)
    named = _by_gid(fig, figures.DEMO_DATASETS_GID)
    # Named by their Finnish titles in data/datasets.yaml, not by dataset ids.
    assert [n.replace("\n", " ") for n in named] == ["Esimerkkiaineistoa: Väestö iän mukaan alueittain 31.12.; "
                     + next(d.title_fi for d in declarations.load() if d.id == "jobs_by_industry")]
    assert mcolors.to_hex(line[0].get_color()).lower() == "#c00000"
    assert _by_gid(fig, figures.NOTE_GID) == ["Huom: esimerkki"]
    assert figures.is_marked_synthetic(fig)


def test_finish_twice_keeps_one_set_of_lines():
    _, fig = _bars()
    figures.finish(fig, sources="Tilastokeskus", provenance=PROV_DEMO)
    figures.finish(fig, sources="Tilastokeskus", provenance=PROV_DEMO)
    assert len(_by_gid(fig, figures.SOURCE_GID)) == 1
    assert len(_by_gid(fig, figures.DEMO_GID)) == 1
    assert len(_by_gid(fig, figures.DEMO_WATERMARK_GID)) == 1


def test_new_figure_rejects_unknown_kind():
    with pytest.raises(InputError, match="wide"):
        figures.new_figure("panorama")


# -- deterministic files -----------------------------------------------------------------------
def test_save_is_byte_identical_and_has_no_timestamps(tmp_path):
    _, fig1 = _bars()
    figures.finish(fig1, sources="Tilastokeskus", provenance=PROV_DEMO)
    first = [p.read_bytes() for p in figures.save(fig1, tmp_path / "a" / "fig-x")]
    again = [p.read_bytes() for p in figures.save(fig1, tmp_path / "a" / "fig-x")]
    _, fig2 = _bars()  # an independently built, identical figure
    figures.finish(fig2, sources="Tilastokeskus", provenance=PROV_DEMO)
    other = [p.read_bytes() for p in figures.save(fig2, tmp_path / "b" / "fig-x")]
    assert first == again == other
    png, svg = first
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
    assert b"Software" not in png
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["fig-x.png", "fig-x.svg"]
    # the demo mark survives into the file (gids are kept in SVG)
    assert b'id="punos-demo"' in svg and b'id="punos-demo-watermark"' in svg


# -- chart helpers -----------------------------------------------------------------------------
def test_bar_h_puts_largest_on_top_with_exact_lengths():
    df, fig = _bars()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Sulkava", "Juva", "Mikkeli"]  # bottom to top: largest last (on top)
    widths = [p.get_width() for p in ax.patches]
    assert widths == [2500.0, 5802.0, 51980.0]
    value_labels = [t.get_text() for t in ax.texts]
    assert f"51{NNBSP}980" in value_labels


def test_bar_h_missing_column():
    with pytest.raises(InputError, match="'arvo'"):
        figures.bar_h(pd.DataFrame({"a": [1]}), "arvo", "a")


def test_stacked_share_computes_percentages():
    df = pd.DataFrame({
        "alue": ["A", "A", "B", "B"],
        "ryhmä": ["x", "y", "x", "y"],
        "n": [1.0, 3.0, 2.0, 2.0],
    })
    fig = figures.stacked_share(df, "alue", "ryhmä", "n")
    widths = sorted(round(p.get_width(), 9) for p in fig.axes[0].patches)
    assert widths == [25.0, 50.0, 50.0, 75.0]


def test_stacked_share_zero_total_is_an_error():
    df = pd.DataFrame({"alue": ["A"], "ryhmä": ["x"], "n": [0.0]})
    with pytest.raises(InputError, match="total of 0"):
        figures.stacked_share(df, "alue", "ryhmä", "n")


def test_population_pyramid_draws_left_side_negative():
    df = pd.DataFrame({"ikä": ["0–14", "15–64", "65+"], "m": [10.0, 60.0, 30.0], "n": [9.0, 58.0, 33.0]})
    fig = figures.population_pyramid(df, "ikä", "m", "n")
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == [-10.0, -60.0, -30.0, 9.0, 58.0, 33.0]


def test_beveridge_joins_points_in_time_order_and_labels_ends():
    df = pd.DataFrame({"kk": ["2023M03", "2023M01", "2023M02"], "u": [300.0, 100.0, 200.0],
                       "v": [30.0, 10.0, 20.0]})
    fig = figures.beveridge(df, "u", "v", "kk")
    (curve,) = fig.axes[0].lines
    assert curve.get_xdata().tolist() == [100.0, 200.0, 300.0]
    assert curve.get_ydata().tolist() == [10.0, 20.0, 30.0]
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["2023M01", "2023M03"]


def test_line_draws_one_line_per_group():
    df = pd.DataFrame({"vuosi": [2020, 2021, 2020, 2021], "alue": ["A", "A", "B", "B"],
                       "arvo": [1.0, 2.0, 3.0, 4.0]})
    fig = figures.line(df, "vuosi", "arvo", "alue")
    lines = fig.axes[0].lines
    assert [ln.get_label() for ln in lines] == ["A", "B"]
    assert lines[1].get_ydata().tolist() == [3.0, 4.0]


def test_heatmap_annotates_in_finnish_format():
    m = pd.DataFrame([[1.25, 2.5], [1000.0, np.nan]], index=["r1", "r2"], columns=["c1", "c2"])
    fig = figures.heatmap(m, decimals=1)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1,2", "2,5", f"1{NNBSP}000,0", "–"]


def test_stacked_share_names_parts_in_the_legend():
    df = pd.DataFrame({"ala": ["A", "A", "B"], "aste": ["amk", "yliopisto", "amk"], "n": [1.0, 3.0, 2.0]})
    fig = figures.stacked_share(df, "ala", "aste", "n", part_labels={"amk": "Ammattikorkeakoulu"})
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Ammattikorkeakoulu", "yliopisto"]  # an unnamed part keeps its value

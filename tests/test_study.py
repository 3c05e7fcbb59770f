"""Tests of punos_lib.study: parameters, and show() writing the contract paths deterministically."""

from __future__ import annotations

import base64
import io
import types
import zipfile

import numpy as np
import openpyxl
import re

import pandas as pd
import pytest

from punos_lib.present import figures
from punos_lib import study
from punos_lib.errors import InputError, SnapshotError
from punos_lib.study import Study

PROV_DEMO = {"datasets": ["population"], "entries": ["population/data-1"], "synthetic": True,
             "attribution": ["Lähde: Tilastokeskus"], "updated": {"population": "2025-04-25"}}
PROV_REAL = dict(PROV_DEMO, synthetic=False)


def _frame(provenance=PROV_REAL) -> pd.DataFrame:
    df = pd.DataFrame({
        "kunta": ["Mikkeli", "Juva", "Sulkava"],
        "vuosi": [2024, 2024, 2024],
        "väestö": [51980, 5802, 2500],
        "osuus": [0.1 + 0.2, 1 / 3, np.nan],
    })
    df.attrs["provenance"] = dict(provenance)
    return df


@pytest.fixture
def shown(monkeypatch):
    """Collect what show() would display in a notebook."""
    bundles: list[dict] = []
    monkeypatch.setattr(study, "_notebook_display",
                        lambda: (lambda bundle, raw=False, metadata=None: bundles.append(bundle)))
    return bundles


# -- parameters --------------------------------------------------------------------------------
def test_defaults():
    s = Study()
    assert (s.region, s.region_name, s.sector, s.year, s.lang, s.run_id) == (
        "MK10", "Etelä-Savo", None, None, "fi", "mk10")


def test_unknown_region_names_valid_codes():
    with pytest.raises(InputError) as err:
        Study("MK03")  # there is no region 03 since 1998
    assert "MK01" in str(err.value) and "MK21" in str(err.value) and "'MK03'" in str(err.value)
    assert "MK03," not in str(err.value)


@pytest.mark.parametrize("kwargs, match", [
    ({"lang": "de"}, "language"),
    ({"year": "2024"}, "year"),
    ({"run_id": "../x"}, "run_id"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(InputError, match=match):
        Study("MK10", **kwargs)


def test_sector_and_default_run_id(monkeypatch):
    import punos_lib.reference.sectors as sectors

    sector = types.SimpleNamespace(id="metsa", name_fi="Metsäala")
    monkeypatch.setattr(sectors, "get_sector", lambda sid: sector if sid == "metsa" else None)
    s = Study("MK10", sector="metsa")
    assert s.sector is sector and s.run_id == "mk10-metsa"


def test_synthetic_needs_a_snapshot(tmp_path):
    with pytest.raises(SnapshotError, match="punos demo"):
        Study(snapshot_dir=tmp_path / "none").synthetic


def test_synthetic_reads_the_manifest(tmp_path):
    from punos_lib.snapshot.store import Snapshot

    snap = Snapshot(tmp_path / "snap")
    snap.write("population/data-1", b'{"a": 1}', dataset="population", kind="data", source="statfin",
               media_type="application/json", licence="CC BY 4.0",
               attribution="Lähde: Tilastokeskus", synthetic=False)
    assert Study(snapshot_dir=tmp_path / "snap").synthetic is False
    snap.write("jobs/data-1", b'{"a": 2}', dataset="jobs", kind="data", source="statfin",
               media_type="application/json", licence="CC BY 4.0",
               attribution="Lähde: Tilastokeskus", synthetic=True)
    assert Study(snapshot_dir=tmp_path / "snap").synthetic is True


# -- show: tables ------------------------------------------------------------------------------
def test_show_table_writes_csv_and_xlsx_with_the_frame_content(tmp_path, shown):
    s = Study("MK10", run_id="mk10", outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    df = _frame()
    assert s.show(df, "tbl-vaesto", caption="Väestö kunnittain") is None
    folder = tmp_path / "tables" / "mk10"
    assert sorted(p.name for p in folder.iterdir()) == ["tbl-vaesto.csv", "tbl-vaesto.xlsx"]

    text = (folder / "tbl-vaesto.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "kunta,vuosi,väestö,osuus",
        "Mikkeli,2024,51980,0.3",
        "Juva,2024,5802,0.33",
        "Sulkava,2024,2500,",
    ]
    # The shown digits (two below 10), counts exact.
    back = pd.read_csv(folder / "tbl-vaesto.csv")
    pd.testing.assert_frame_equal(back, df.assign(osuus=df["osuus"].round(2)), check_dtype=False)

    wb = openpyxl.load_workbook(folder / "tbl-vaesto.xlsx")
    rows = list(wb["data"].iter_rows(values_only=True))
    assert rows[0] == ("kunta", "vuosi", "väestö", "osuus")
    assert rows[1][:3] == ("Mikkeli", 2024, 51980) and rows[1][3] == pytest.approx(0.3)
    assert rows[3] == ("Sulkava", 2024, 2500, None)
    info = dict(wb["tiedot"].iter_rows(values_only=True))
    assert info["Otsikko"] == "Väestö kunnittain"
    assert info["Lähde"] == "Lähde: Tilastokeskus"
    assert "HUOM" not in info

    (bundle,) = shown
    # Once only on the page: the chapter's numbered caption, not the notebook's <caption> too.
    assert "<caption" not in bundle["text/html"]
    assert '<table aria-label="Väestö kunnittain">' in bundle["text/html"]
    assert "51\u202f980" in bundle["text/html"]
    assert figures.DEMO_TEXT not in bundle["text/html"]


def test_show_table_marks_synthetic_data(tmp_path, shown):
    s = Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    s.show(_frame(PROV_DEMO), "tbl-vaesto")
    (bundle,) = shown
    assert figures.DEMO_TEXT in bundle["text/html"]
    assert figures.DEMO_TEXT in bundle["text/markdown"]
    assert bundle["text/plain"].startswith(figures.DEMO_TEXT)
    wb = openpyxl.load_workbook(tmp_path / "tables" / "mk10" / "tbl-vaesto.xlsx")
    assert dict(wb["tiedot"].iter_rows(values_only=True))["HUOM"] == figures.DEMO_TEXT


def _sources_frames(status: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table about data sources (as sources.ipynb's tbl-omat-aineistot) and the data behind it."""
    data = pd.DataFrame({"dataset": ["population", "jobs"], "synthetic": [False, True]})
    data.attrs["provenance"] = dict(PROV_DEMO)   # some sources are example data
    shown = pd.DataFrame({"Aineisto": ["Väestö", "Työpaikat"], "Tila": status})
    return shown, data


def test_a_table_about_sources_is_not_marked_as_example_data(tmp_path, monkeypatch):
    # Issue 10: the catalogue chapter's table of the study's datasets lists example ones but shows
    # no example statistics: no demo mark, no synthetic flag (so no banner), each row says it instead.
    seen: list[tuple[dict, dict]] = []
    monkeypatch.setattr(study, "_notebook_display",
                        lambda: (lambda bundle, raw=False, metadata=None: seen.append((bundle, metadata))))
    s = Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    shown, data = _sources_frames(["Tilastotieto", "Esimerkkiaineisto"])
    s.show(shown, "tbl-aineistot", data=data, about_sources=True)
    s.show(shown, "tbl-aineistot-merkitty", data=data)   # the same table as statistics: marked
    (about, about_meta), (plain, plain_meta) = seen
    assert about_meta == {"punos": {"synthetic": False}} and plain_meta == {"punos": {"synthetic": True}}
    assert figures.DEMO_TEXT not in about["text/html"] + about["text/markdown"] + about["text/plain"]
    assert figures.DEMO_TEXT in plain["text/html"]
    wb = openpyxl.load_workbook(tmp_path / "tables" / "mk10" / "tbl-aineistot.xlsx")
    assert "HUOM" not in dict(wb["tiedot"].iter_rows(values_only=True))


def test_a_table_about_sources_must_say_which_rows_are_example_data(tmp_path, shown):
    s = Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    table, data = _sources_frames(["Tilastotieto", "ladattu"])   # row 2 is example data, says nothing
    with pytest.raises(InputError, match=r"rows 2 are example data.*Esimerkkiaineisto"):
        s.show(table, "tbl-aineistot", data=data, about_sources=True)
    with pytest.raises(InputError, match="no cell of the table says 'Esimerkkiaineisto'"):
        s.show(table, "tbl-aineistot", data=data.drop(columns="synthetic"), about_sources=True)
    fig = _figure(_frame(PROV_DEMO))
    with pytest.raises(InputError, match="about_sources= is for tables"):
        s.show(fig, "fig-aineistot", data=_frame(PROV_DEMO), about_sources=True)
    assert not shown and not (tmp_path / "tables" / "mk10" / "tbl-aineistot.csv").exists()


def test_tables_are_byte_identical_and_carry_fixed_dates(tmp_path):
    first = [p.read_bytes() for p in study.write_table(_frame(), tmp_path / "a" / "t", caption="C")]
    second = [p.read_bytes() for p in study.write_table(_frame(), tmp_path / "b" / "t", caption="C")]
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first[1])) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode("utf-8")
    assert "2000-01-01T00:00:00Z" in core
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified


def test_show_table_download_has_the_shown_headings_and_digits(tmp_path, shown):
    # Issue 10: the CSV/XLSX beside a table has its Finnish headings and shown digits, not the
    # analysis names with ten decimals; whole numbers stay exact (the figures' label column is left out).
    from punos_lib.present import tables

    data = pd.DataFrame({"area": ["KU491", "KU097"], "area_name": ["Mikkeli", "Hirvensalmi"],
                         "population": [51980.0, 2091.0], "change_pct": [-4.04612345, 1.25],
                         "tightness": [0.126530612, 0.5], "label": ["491 Mikkeli", "097 Hirvensalmi"]})
    data.attrs["provenance"] = PROV_REAL
    shown_table = tables.for_display(data.drop(columns="label"), decimals=1)
    s = Study("MK10", run_id="mk10", outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    s.show(shown_table, "tbl-kunnat", caption="Kunnat", data=data)
    folder = tmp_path / "tables" / "mk10"
    assert (folder / "tbl-kunnat.csv").read_text(encoding="utf-8").splitlines() == [
        "Aluekoodi,Alue,Väestö,\"Muutos, %\",Kireys (avoimet / työttömät)",
        "KU491,Mikkeli,51980,-4,0.1",
        "KU097,Hirvensalmi,2091,1.2,0.5",
    ]
    rows = list(openpyxl.load_workbook(folder / "tbl-kunnat.xlsx")["data"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Aluekoodi", "Alue", "Väestö", "Muutos, %")
    assert rows[1][2:5] == (51980, -4.0, 0.1)
    (bundle,) = shown
    assert "−4,0" in bundle["text/html"] and "0,1<" in bundle["text/html"]


def test_named_index_is_written_as_a_column(tmp_path):
    df = pd.DataFrame({"n": [1, 2]}, index=pd.Index(["KU491", "KU178"], name="code"))
    csv_path, _ = study.write_table(df, tmp_path / "t")
    assert csv_path.read_text().splitlines() == ["code,n", "KU491,1", "KU178,2"]


# -- show: figures -----------------------------------------------------------------------------
def _figure(df):
    fig = figures.bar_h(df, "väestö", "kunta")
    return figures.finish(fig, provenance=df.attrs["provenance"])


def test_show_figure_writes_png_svg_csv_xlsx_to_contract_paths(tmp_path, shown):
    s = Study("MK10", run_id="mk10-metsa", outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    df = _frame()
    fig = _figure(df)
    s.show(fig, "fig-vaesto", data=df, caption="Väestö")
    figs = tmp_path / "figures" / "mk10-metsa"
    tabs = tmp_path / "tables" / "mk10-metsa"
    assert sorted(p.name for p in figs.iterdir()) == ["fig-vaesto.png", "fig-vaesto.svg"]
    assert sorted(p.name for p in tabs.iterdir()) == ["fig-vaesto.csv", "fig-vaesto.xlsx"]
    png = (figs / "fig-vaesto.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    back = pd.read_csv(tabs / "fig-vaesto.csv")
    # A figure's data keeps four significant digits of its largest value, counts exact.
    pd.testing.assert_frame_equal(back, df.assign(osuus=df["osuus"].round(4)), check_dtype=False)
    (bundle,) = shown
    assert base64.b64decode(bundle["image/png"]) == png
    assert bundle["image/svg+xml"].encode("utf-8") == (figs / "fig-vaesto.svg").read_bytes()


def test_show_adds_the_demo_mark_to_a_figure_of_synthetic_data(tmp_path, shown):
    s = Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    df = _frame(PROV_DEMO)
    fig = figures.finish(figures.bar_h(df, "väestö", "kunta"), sources="Tilastokeskus")  # no mark
    assert not figures.is_marked_synthetic(fig)
    s.show(fig, "fig-vaesto", data=df)
    assert figures.is_marked_synthetic(fig)
    assert b'id="punos-demo"' in (tmp_path / "figures" / "mk10" / "fig-vaesto.svg").read_bytes()


@pytest.mark.parametrize("label", ["vaesto", "tbl-vaesto", "fig vaesto", "fig-"])
def test_figure_labels_are_checked(tmp_path, label):
    df = _frame()
    with pytest.raises(InputError, match="label"):
        Study(outputs_dir=tmp_path).show(_figure(df), label, data=df)


def test_figure_needs_its_data(tmp_path):
    df = _frame()
    with pytest.raises(InputError, match="data="):
        Study(outputs_dir=tmp_path).show(_figure(df), "fig-vaesto")
    assert not (tmp_path / "figures").exists()


def test_table_label_must_start_with_tbl(tmp_path):
    with pytest.raises(InputError, match="tbl-"):
        Study(outputs_dir=tmp_path).show(_frame(), "fig-vaesto")


# -- show finishes figures from their data ------------------------------------------------------
def _texts(fig, gid):
    return [t.get_text() for t in fig.texts if t.get_gid() == gid]


def test_show_finishes_a_bare_figure_from_the_data_provenance(tmp_path, shown):
    s = Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    df = _frame(PROV_DEMO)
    fig = figures.bar_h(df, "väestö", "kunta")
    assert not figures.is_finished(fig)
    s.show(fig, "fig-vaesto", data=df, note="Luvut ovat vuoden lopun tilanne.")
    assert _texts(fig, figures.SOURCE_GID) == ["Lähde: Tilastokeskus (tiedot päivitetty 25.4.2025)"]
    assert _texts(fig, figures.NOTE_GID) == ["Luvut ovat vuoden lopun tilanne."]
    assert figures.is_marked_synthetic(fig)
    # The same bytes as finishing by hand: show() does exactly what figures.finish does.
    by_hand = figures.finish(figures.bar_h(df, "väestö", "kunta"), provenance=PROV_DEMO,
                             note="Luvut ovat vuoden lopun tilanne.")
    assert figures.render(by_hand, "svg") == (tmp_path / "figures" / "mk10" / "fig-vaesto.svg").read_bytes()


def test_show_keeps_a_figure_that_finished_itself(tmp_path, shown):
    df = _frame()
    fig = figures.finish(figures.bar_h(df, "väestö", "kunta"), sources="Oma lähde", note="Kartan huomautus")
    Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap").show(fig, "fig-vaesto", data=df)
    assert _texts(fig, figures.SOURCE_GID) == ["Lähde: Oma lähde"]
    assert _texts(fig, figures.NOTE_GID) == ["Kartan huomautus"]


def test_show_refuses_a_note_for_a_finished_figure_before_writing(tmp_path):
    df = _frame()
    with pytest.raises(InputError, match="already finished"):
        Study(outputs_dir=tmp_path).show(_figure(df), "fig-vaesto", data=df, note="x")
    assert not (tmp_path / "tables").exists()


def test_show_refuses_a_note_for_a_table(tmp_path):
    with pytest.raises(InputError, match="caption"):
        Study(outputs_dir=tmp_path).show(_frame(), "tbl-vaesto", note="x")
    assert not (tmp_path / "tables").exists()


def test_show_of_a_figure_without_any_source_writes_nothing(tmp_path):
    df = _frame()
    df.attrs = {}
    with pytest.raises(InputError):
        Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap").show(
            figures.bar_h(df, "väestö", "kunta"), "fig-vaesto", data=df)
    assert not (tmp_path / "tables").exists() and not (tmp_path / "figures").exists()


# -- the region's municipalities and maps from the study's snapshot ----------------------------------
@pytest.fixture(scope="module")
def demo_snapshot(tmp_path_factory):
    from punos_lib.snapshot import demo

    return demo.build_demo(tmp_path_factory.mktemp("demo-study"), progress=False).root


def test_municipalities_and_map_come_from_the_study_snapshot(demo_snapshot, tmp_path):
    s = Study("MK10", snapshot_dir=demo_snapshot, outputs_dir=tmp_path)
    codes = s.municipalities
    assert "KU491" in codes and codes == sorted(codes) and all(c.startswith("KU") for c in codes)
    values = pd.DataFrame({"area": codes, "v": np.arange(len(codes), dtype=float)})
    values.attrs["provenance"] = PROV_DEMO
    fig = s.map(values, column="v", legend_title="Arvo")  # the demo has no boundaries: tiles
    tiles = {p.get_gid() for p in fig.axes[0].patches if (p.get_gid() or "").startswith("tile-")}
    assert tiles == {f"tile-{c}" for c in codes}
    assert figures.is_finished(fig) and figures.is_marked_synthetic(fig)
    other = Study("MK01", snapshot_dir=demo_snapshot, outputs_dir=tmp_path).municipalities
    assert not set(other) & set(codes)


def test_show_records_the_figure_alt_text_with_the_example_data_mark(tmp_path, monkeypatch):
    metadata_list: list[dict] = []
    monkeypatch.setattr(study, "_notebook_display",
                        lambda: (lambda bundle, raw=False, metadata=None: metadata_list.append(metadata)))
    s = Study(outputs_dir=tmp_path, snapshot_dir=tmp_path / "snap")
    df = _frame(PROV_DEMO)
    s.show(figures.bar_h(df, "väestö", "kunta", title="Väestö"), "fig-vaesto", data=df)
    (meta,) = metadata_list
    alt = meta["punos"]["alt"]
    assert alt.startswith(figures.DEMO_ALT_PREFIX + "Pylväskuvio, ")
    top = df.loc[df["väestö"].idxmax(), "kunta"]
    assert f"Suurin {top} (51\u202f980)" in alt  # the data's largest value, not the caption


def test_table_html_marks_wide_tables_and_lets_addresses_break():
    # Issue 10: wide tables overflowed the page at 1400 px; they get smaller type in a box that
    # scrolls sideways, numbers (and their headings) right-aligned, web addresses breakable.
    narrow = study.table_html(pd.DataFrame({"Alue": ["Mikkeli"], "Väestö": [51980]}))
    assert 'class="punos-table"' in narrow and "<table>" in narrow
    assert '<th style="text-align:right">Väestö</th>' in narrow
    headings = {f"Väestönmuutos, % vuosina 2015–2025 ({i})": [1.5] for i in range(8)}
    wide = study.table_html(pd.DataFrame({"Alue": ["Pohjois-Karjala"], **headings}))
    assert 'class="punos-table punos-wide" style="overflow-x:auto;max-width:100%"' in wide
    assert '<table style="font-size:0.78em">' in wide
    assert 'class="punos-wide"' not in narrow
    # A web address is a link named by its site (the whole address broke into twenty short
    # lines); other long words, such as paths, may break after "/".
    address = "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__vaerak/statfin_vaerak_pxt_11re.px/"
    url = study.table_html(pd.DataFrame({"Linkki": [address]}))
    assert f'<a href="{address}">pxdata.stat.fi</a>' in url
    path = study.table_html(pd.DataFrame({"Polku": ["aineistot/tilastokeskus/vaerak/statfin_vaerak_pxt_11re.px"]}))
    assert "aineistot/<wbr>tilastokeskus/<wbr>" in path


def test_markdown_table_gives_pandoc_column_widths_by_content():
    # Pandoc sizes a wide pipe table's columns by the dashes under each heading; equal dashes
    # made Quarto's PDF columns equal and narrow, breaking words in the long ones.
    import subprocess

    import pypandoc

    frame = pd.DataFrame({"Tietolähde": ["Väestörakenne – väestö iän ja sukupuolen mukaan alueittain (11re)"],
                          "Lisenssi": ["CC BY 4.0"], "Luku": [7]})
    md = study.table_markdown(frame)
    separator = md.splitlines()[1].strip("|").split("|")
    assert separator[1].startswith(":") and separator[2].endswith(":")  # text left, numbers right
    assert len(separator[0]) > 3 * len(separator[1]) > 3 * 3
    typst = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "typst"], input=md,
                           capture_output=True, text=True, check=True).stdout
    columns = next(line for line in typst.splitlines() if "columns:" in line)
    shares = [float(x) for x in re.findall(r"([\d.]+)%", columns)]
    assert len(shares) == 3 and shares[0] > 2 * shares[1] > shares[2], columns

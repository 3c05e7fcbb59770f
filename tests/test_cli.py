"""The punos command: help that answers, one-line errors with exit code 2, verify exit 1."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from punos_lib.cli import main
from punos_lib.snapshot.store import Snapshot


@pytest.mark.parametrize(
    "argv, words",
    [
        (["fetch", "--help"], ["Resumable", "PUNOS_OFFLINE", "--dataset"]),
        (["snapshot", "import", "--help"], ["--dataset", "--source", "nothing is written"]),
        (["run", "--help"], ["--sector", "--region", "--workers", "papermill"]),
        (["render", "--help"], ["Quarto", "Typst"]),
        (["forum", "template", "--help"], ["--sector", "--output"]),
    ],
)
def test_help_answers(argv, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for word in words:
        assert word in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "fetch" in capsys.readouterr().out


def test_console_script_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "punos_lib", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.startswith("punos ")


def _entry(snap: Snapshot, entry_id: str, payload: bytes) -> None:
    dataset, kind = entry_id.split("/")
    snap.write(entry_id, payload, dataset=dataset, kind=kind, source="demo", media_type="application/json",
               licence="CC BY 4.0", attribution="x", synthetic=True)


def test_snapshot_verify_exit_codes(tmp_path, capsys):
    snap = Snapshot(tmp_path)
    _entry(snap, "a/data", b"{}")
    assert main(["snapshot", "verify", "--snapshot", str(tmp_path)]) == 0
    (tmp_path / "demo" / "a" / "data.json").write_bytes(b'{"changed": 1}')
    assert main(["snapshot", "verify", "--snapshot", str(tmp_path)]) == 1
    assert "changed (checksum differs): a/data" in capsys.readouterr().out


def test_snapshot_verify_without_snapshot_is_a_one_line_error(tmp_path, capsys):
    assert main(["snapshot", "verify", "--snapshot", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("punos: error: no snapshot") and err.count("\n") == 1


def test_import_of_a_broken_file_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "edu.csv"
    bad.write_text("region,year\nMK10,2024\n", encoding="utf-8")
    snap_dir = tmp_path / "snap"
    code = main(["snapshot", "import", str(bad), "--dataset", "education_supply", "--source", "Vipunen",
                 "--snapshot", str(snap_dir)])
    assert code == 2
    assert "missing: level, field, measure, value" in capsys.readouterr().err
    assert not (snap_dir / "manifest.json").exists()


def test_import_names_unknown_dataset(tmp_path, capsys):
    good = tmp_path / "x.csv"
    good.write_text("a\n1\n", encoding="utf-8")
    assert main(["snapshot", "import", str(good), "--dataset", "nope", "--source", "x",
                 "--snapshot", str(tmp_path / "s")]) == 2
    assert "population" in capsys.readouterr().err  # lists the valid ids


def test_import_good_csv_then_list_shows_real_entry(tmp_path, capsys):
    good = tmp_path / "edu.csv"
    good.write_text("region,year,level,field,measure,value\nMK10,2024,amk,09,new_students,120\n",
                    encoding="utf-8")
    snap_dir = tmp_path / "snap"
    assert main(["snapshot", "import", str(good), "--dataset", "education_supply", "--source", "Vipunen",
                 "--snapshot", str(snap_dir)]) == 0
    manifest = json.loads((snap_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["entries"]["education_supply/import"]
    assert entry["synthetic"] is False and entry["attribution"] == "Lähde: Vipunen"
    capsys.readouterr()
    assert main(["snapshot", "list", "--snapshot", str(snap_dir)]) == 0
    assert "education_supply/import\treal" in capsys.readouterr().out


def test_bad_arguments_exit_2(capsys):
    assert main(["run", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert main(["forum", "template", "--sector", "nope", "--output", "x.xlsx"]) == 2
    assert "metsa" in capsys.readouterr().err


def test_snapshot_without_subcommand_is_a_one_line_error(capsys):
    assert main(["snapshot"]) == 2
    assert "verify, list or import" in capsys.readouterr().err


def test_import_checks_the_file_type_against_the_declaration(tmp_path, capsys):
    csv = tmp_path / "pop.csv"
    csv.write_text("a\n1\n", encoding="utf-8")
    snap_dir = str(tmp_path / "snap")
    assert main(["snapshot", "import", str(csv), "--dataset", "population", "--source", "x", "--snapshot", snap_dir]) == 2
    assert ".px, .json or .xlsx" in capsys.readouterr().err
    assert main(["snapshot", "import", str(csv), "--dataset", "municipality_boundaries", "--source", "x",
                 "--snapshot", snap_dir]) == 2
    assert "punos fetch" in capsys.readouterr().err


def test_a_statfin_table_imported_by_hand_is_what_the_study_reads(tmp_path):
    from punos_lib import datasets

    payload = {
        "version": "2.0", "class": "dataset", "id": ["alue", "vuosi"], "size": [2, 1],
        "role": {"geo": ["alue"], "time": ["vuosi"]},
        "dimension": {"alue": {"label": "Alue", "category": {"index": ["KU491", "KU740"],
                                                               "label": {"KU491": "Mikkeli", "KU740": "Savonlinna"}}},
                      "vuosi": {"label": "Vuosi", "category": {"index": ["2024"]}}},
        "value": [51000, 31500],
    }
    path = tmp_path / "11re.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    snap_dir = tmp_path / "snap"
    assert main(["snapshot", "import", str(path), "--dataset", "population", "--source", "StatFin",
                 "--snapshot", str(snap_dir)]) == 0
    frame = datasets.load("population", Snapshot(snap_dir))
    assert frame["value"].tolist() == [51000.0, 31500.0]
    assert frame["alue"].tolist() == ["KU491", "KU740"]

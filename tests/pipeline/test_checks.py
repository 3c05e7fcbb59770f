"""Checks before a run and `punos check`: every curated input and the snapshot, every problem listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from punos_lib.cli import main
from punos_lib.pipeline import checks

from pipeline_helpers import add_entry


@pytest.fixture
def in_project(project: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    for key, value in project["env"].items():
        monkeypatch.setenv(key, value)
    return project


def test_regions_parse_exact_codes_all_and_lists() -> None:
    assert checks.parse_regions("all")[:3] == ["MK01", "MK02", "MK04"] and len(checks.parse_regions("all")) == 19
    assert checks.parse_regions("MK07, MK10,MK07") == ["MK07", "MK10"]
    for bad in ("mk10", "MK99", "KU491", "MK03", "MK20", "MK10,all"):
        with pytest.raises(checks.InputError, match="valid region codes are MK01, MK02, MK04"):
            checks.parse_regions(bad)
    with pytest.raises(checks.InputError, match="no region given"):
        checks.parse_regions(" , ")


def test_punos_check_lists_what_it_checked(in_project: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    add_entry(in_project["snapshot"], "population/data", b"{}")
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    for what in ("notebook list", "data/datasets.yaml", "data/sectors.yaml", "actor registry", "catalogue",
                 "forum pilots", "forum assessments", "1 payload checksums verified"):
        assert what in out
    assert out.rstrip().endswith("0 problems")


def test_punos_check_reports_every_problem_and_run_refuses(in_project: dict[str, Path],
                                                          capsys: pytest.CaptureFixture) -> None:
    data = in_project["root"] / "data"
    orgs = data / "actors" / "organisations.csv"
    lines = orgs.read_text(encoding="utf-8").splitlines()
    orgs.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")  # a duplicate actor id
    decl = data / "datasets.yaml"
    decl.write_text(decl.read_text(encoding="utf-8").replace("source: statfin", "source: statfinn", 1),
                    encoding="utf-8")
    payload = add_entry(in_project["snapshot"], "population/data", b"{}")
    payload.write_bytes(b"[]")
    assert main(["check"]) == 2
    out = capsys.readouterr().out
    assert "PROBLEM data/actors/ (actor registry)" in out and "duplicate" in out.lower()
    assert "PROBLEM data/datasets.yaml" in out and "statfinn" in out
    assert "PROBLEM snapshot entry population/data: payload" in out and "has changed" in out
    # `punos run` refuses the same inputs before executing anything.
    assert main(["run", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("punos: error: 2 problems in the curated inputs, nothing was run")
    assert not in_project["counter"].exists() and not (in_project["outputs"] / "notebooks").exists()


def test_punos_check_names_an_unknown_region_of_a_catalogue_entry(in_project: dict[str, Path],
                                                                  capsys: pytest.CaptureFixture) -> None:
    add_entry(in_project["snapshot"], "population/data", b"{}")
    cat = in_project["root"] / "data" / "catalogue.yaml"
    text = cat.read_text(encoding="utf-8")
    assert text.count("region: MK10") >= 1
    cat.write_text(text.replace("region: MK10", "region: Etelä-Savo", 2), encoding="utf-8")
    assert main(["check"]) == 2
    out = capsys.readouterr().out
    assert "PROBLEM data/catalogue.yaml (source catalogue)" in out
    assert "(esavoennakoi), field 'region', value 'Etelä-Savo': not a region code" in out
    assert "leave the field out for a national or general source" in out
    # One line per bad entry, each naming its own entry; the summary is not repeated on each.
    lines = [line for line in out.splitlines() if line.startswith("PROBLEM data/catalogue.yaml")]
    assert len(lines) == 2 and "(esavoennakoi)" in lines[0] and "(esavo-maakuntakatsaus)" in lines[1]
    assert not any("problems); first" in line for line in lines)
    assert out.rstrip().endswith("2 problems")


@pytest.mark.parametrize("argv, words", [
    (["run", "--region", "mk10"], ["unknown region 'mk10'", "MK01, MK02, MK04", "MK21"]),
    (["run", "--region", "MK99"], ["unknown region 'MK99'"]),
    (["run", "--region", "KU491"], ["unknown region 'KU491'"]),
    (["run", "--region", "MK10,mk07"], ["unknown region 'mk07'"]),
    (["run", "--year", "1800"], ["year 1800 is outside"]),
    (["render", "--region", "MK99"], ["unknown region 'MK99'"]),
])
def test_bad_run_arguments_are_one_line_exit_2(in_project: dict[str, Path], argv, words,
                                               capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("punos: error: ")
    for word in words:
        assert word in err
    assert not in_project["counter"].exists()

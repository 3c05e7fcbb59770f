"""Batch runs with papermill: isolated failures, incremental skips, parallel workers, kernel choice.

The fixture notebooks (tests/fixtures/pipeline) append one line per execution to
``$PUNOS_OUTPUTS/counter.txt`` (run id, region, sector, interpreter, PYTHONHASHSEED), so the tests
count real executions instead of trusting the report.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from punos_lib import pipeline
from punos_lib.errors import InputError, PipelineError, ValidationError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipeline"


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A copy of the fixture notebooks, an empty snapshot and outputs folder, two sectors."""
    nb = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, nb)
    snap = tmp_path / "snapshot"
    snap.mkdir()
    (snap / "manifest.json").write_text('{"format": "punos-snapshot", "version": 1, "entries": {}}')
    monkeypatch.setattr(pipeline, "_sector_ids", lambda: ["metsa", "ruoka"])
    # Other developers edit punos_lib while tests run; stand in one library file we control.
    library = tmp_path / "library.py"
    library.write_text("VERSION = 1\n")
    monkeypatch.setattr(pipeline, "_library_files", lambda project: [("punos_lib/x.py", library)])
    return {"notebooks": nb, "outputs": tmp_path / "outputs", "snapshot": snap, "library": library}


def _run(study: dict[str, Path], **kw):
    return pipeline.run(notebooks_dir=study["notebooks"], outputs_dir=study["outputs"],
                        snapshot_dir=study["snapshot"], progress=False, **kw)


def _counter(study: dict[str, Path]) -> list[list[str]]:
    path = study["outputs"] / "counter.txt"
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_failure_is_isolated_and_incremental_rerun(study: dict[str, Path]) -> None:
    report = _run(study, workers=2)
    status = {e.run_id: e.status for e in report.executions}
    assert status == {"ok": "ok", "fail": "failed", "sector-metsa": "ok", "sector-ruoka": "ok"}
    assert report.ok is False
    failed = report.failed[0]
    assert "ValueError" in failed.error and "fixture failure on purpose" in failed.error
    # Four executions happened, each in the kernel of this interpreter with the fixed hash seed.
    rows = _counter(study)
    assert sorted(r[0] for r in rows) == ["fail", "ok", "sector-metsa", "sector-ruoka"]
    assert {r[3] for r in rows} == {sys.executable}
    assert {r[4] for r in rows} == {"0"}
    assert sorted((r[0], r[2]) for r in rows if r[0].startswith("sector"))[0] == ("sector-metsa", "metsa")
    # Outputs: executed notebooks under their run ids, the ok one with its printed value.
    ok_nb = nbformat.read(study["outputs"] / "notebooks" / "ok.ipynb", as_version=4)
    printed = [o.get("text", "") for c in ok_nb.cells for o in c.get("outputs", [])]
    assert "42\n" in printed
    assert (study["outputs"] / "notebooks" / "fail.ipynb").is_file()  # kept, showing the error
    record = json.loads((study["outputs"] / "run.json").read_text(encoding="utf-8"))
    assert record["executions"]["fail"]["status"] == "failed"
    assert record["executions"]["sector-ruoka"]["parameters"] == {
        "region": "MK10", "sector": "ruoka", "year": None, "lang": "fi", "run_id": "sector-ruoka"}
    assert "FAILED fail" in report.table()

    # Second run: nothing changed -> only the failed one re-executes.
    report2 = _run(study)
    assert {e.run_id: e.status for e in report2.executions} == {
        "ok": "skipped", "fail": "failed", "sector-metsa": "skipped", "sector-ruoka": "skipped"}
    assert [r[0] for r in _counter(study)[4:]] == ["fail"]

    # Changing one notebook re-executes only its executions.
    nb_path = study["notebooks"] / "sector.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[-1].source += "\nprint('changed')"
    nbformat.write(nb, nb_path)
    report3 = _run(study, sectors=["metsa"])
    assert [(e.run_id, e.status) for e in report3.executions] == [("sector-metsa", "ok")]
    assert [r[0] for r in _counter(study)[5:]] == ["sector-metsa"]


def test_parameter_change_and_outputs_only_change_skip(study: dict[str, Path]) -> None:
    (study["notebooks"] / "notebooks.yaml").write_text(
        "notebooks:\n  - file: ok.ipynb\n    per_sector: false\n", encoding="utf-8")
    assert _run(study).ok
    assert len(_counter(study)) == 1
    # Stored outputs in the source notebook do not count as a change.
    nb_path = study["notebooks"] / "ok.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="stale\n")]
    nb.cells[-1].execution_count = 7
    nbformat.write(nb, nb_path)
    assert [e.status for e in _run(study).executions] == ["skipped"]
    # A different region is a different parameter set -> re-executed with it.
    report = _run(study, region="MK09")
    assert [e.status for e in report.executions] == ["ok"]
    assert [r[1] for r in _counter(study)] == ["MK10", "MK09"]
    # A changed snapshot manifest or library file re-executes too; force re-executes regardless.
    (study["snapshot"] / "manifest.json").write_text('{"format": "punos-snapshot", "version": 1, "entries": {"x": {}}}')
    assert [e.status for e in _run(study, region="MK09").executions] == ["ok"]
    study["library"].write_text("VERSION = 2\n")
    assert [e.status for e in _run(study, region="MK09").executions] == ["ok"]
    assert [e.status for e in _run(study, region="MK09").executions] == ["skipped"]
    assert [e.status for e in _run(study, region="MK09", force=True).executions] == ["ok"]
    assert len(_counter(study)) == 5


def test_library_files_cover_code_and_all_curated_data() -> None:
    from punos_lib.paths import project_dir

    names = [name for name, _ in pipeline._library_files(project_dir())]
    assert "punos_lib/pipeline.py" in names and "punos_lib/errors.py" in names
    assert "data/datasets.yaml" in names
    # Editing the actor registry or importing forum assessments must re-run their notebooks.
    assert "data/actors/relations.csv" in names and "data/classifications/aml2010.csv" in names
    assert any(n.startswith("data/forums/") for n in names)
    assert not any(n.startswith("data/snapshot/") for n in names)
    assert names == sorted(names[: len([n for n in names if n.startswith("punos_lib/")])]) + sorted(
        n for n in names if n.startswith("data/"))


def test_user_kernelspec_cannot_swap_the_interpreter(study: dict[str, Path], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # A user-level python3 kernelspec pointing at a broken interpreter normally wins over the venv's.
    bad = tmp_path / "userdata" / "kernels" / "python3"
    bad.mkdir(parents=True)
    (bad / "kernel.json").write_text(json.dumps(
        {"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "broken", "language": "python"}))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "userdata"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # the venv's bin is not on PATH
    (study["notebooks"] / "notebooks.yaml").write_text(
        "notebooks:\n  - file: ok.ipynb\n    per_sector: false\n", encoding="utf-8")
    report = _run(study)
    assert report.ok, report.table()
    assert [r[3] for r in _counter(study)] == [sys.executable]


def test_sector_selection_and_bad_input(study: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"unknown sector\(s\) \['vesi'\].*metsa, ruoka"):
        _run(study, sectors=["vesi"])
    with pytest.raises(InputError, match="workers"):
        _run(study, workers=0)
    with pytest.raises(InputError, match="year must be a whole year"):
        _run(study, year="2023")
    (study["notebooks"] / "notebooks.yaml").write_text(
        "notebooks:\n  - file: ok.ipynb\n  - file: gone.ipynb\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="do not exist: gone.ipynb"):
        _run(study)
    (study["notebooks"] / "notebooks.yaml").write_text(
        "notebooks:\n  - file: ok.ipynb\n    per_sector: yes please\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"row 1, field 'per_sector'.*true or false"):
        _run(study)
    assert _counter(study) == []

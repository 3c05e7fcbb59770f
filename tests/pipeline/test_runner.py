"""Batch runs with papermill: isolated failures, incremental skips, parallel workers, kernel choice.

The fixture notebooks (tests/fixtures/pipeline) append one line per execution to
``$PUNOS_TEST_COUNTER`` (run id, region, sector, interpreter, PYTHONHASHSEED), so the tests
count real executions instead of trusting the report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from punos_lib import pipeline
from punos_lib.pipeline import hashing
from punos_lib.errors import InputError, PipelineError, ValidationError

from pipeline_helpers import add_entry, counter, run_study, write_list

def test_failure_is_isolated_and_incremental_rerun(study: dict[str, Path]) -> None:
    report = run_study(study, workers=2)
    status = {e.run_id: e.status for e in report.executions}
    assert status == {"ok": "ok", "fail": "failed", "sector-metsa": "ok", "sector-ruoka": "ok"}
    assert report.ok is False
    failed = report.failed[0]
    assert "ValueError" in failed.error and "fixture failure on purpose" in failed.error
    # Four executions happened, each in the kernel of this interpreter with the fixed hash seed.
    rows = counter(study)
    assert sorted(r[0] for r in rows) == ["fail", "ok", "sector-metsa", "sector-ruoka"]
    assert {r[3] for r in rows} == {sys.executable}
    assert {r[4] for r in rows} == {"0"}
    assert sorted((r[0], r[2]) for r in rows if r[0].startswith("sector"))[0] == ("sector-metsa", "metsa")
    # Outputs: executed notebooks under their run ids, the ok one with its printed value.
    ok_nb = nbformat.read(study["outputs"] / "notebooks" / "ok.ipynb", as_version=4)
    printed = [o.get("text", "") for c in ok_nb.cells for o in c.get("outputs", [])]
    assert "42\n" in printed
    # The failed notebook is kept for diagnosis beside the shown ones, never in their place.
    assert (study["outputs"] / "notebooks" / "failed" / "fail.ipynb").is_file()
    assert not (study["outputs"] / "notebooks" / "fail.ipynb").exists()
    record = json.loads((study["outputs"] / "run.json").read_text(encoding="utf-8"))
    assert record["executions"]["fail"]["status"] == "failed"
    assert record["executions"]["sector-ruoka"]["parameters"] == {
        "region": "MK10", "sector": "ruoka", "year": None, "lang": "fi", "run_id": "sector-ruoka"}
    assert "FAILED fail" in report.table()

    # Second run: nothing changed -> only the failed one re-executes.
    report2 = run_study(study)
    assert {e.run_id: e.status for e in report2.executions} == {
        "ok": "skipped", "fail": "failed", "sector-metsa": "skipped", "sector-ruoka": "skipped"}
    assert [r[0] for r in counter(study)[4:]] == ["fail"]

    # Changing one notebook re-executes only its executions.
    nb_path = study["notebooks"] / "sector.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[-1].source += "\nprint('changed')"
    nbformat.write(nb, nb_path)
    report3 = run_study(study, sectors=["metsa"])
    assert [(e.run_id, e.status) for e in report3.executions] == [("sector-metsa", "ok")]
    assert [r[0] for r in counter(study)[5:]] == ["sector-metsa"]


def test_parameter_change_and_outputs_only_change_skip(study: dict[str, Path]) -> None:
    (study["notebooks"] / "notebooks.yaml").write_text(
        "notebooks:\n  - file: ok.ipynb\n    per_sector: false\n", encoding="utf-8")
    assert run_study(study).ok
    assert len(counter(study)) == 1
    # Stored outputs in the source notebook do not count as a change.
    nb_path = study["notebooks"] / "ok.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="stale\n")]
    nb.cells[-1].execution_count = 7
    nbformat.write(nb, nb_path)
    assert [e.status for e in run_study(study).executions] == ["skipped"]
    # A different region is a different parameter set -> re-executed with it.
    report = run_study(study, region="MK09")
    assert [e.status for e in report.executions] == ["ok"]
    assert [r[1] for r in counter(study)] == ["MK10", "MK09"]
    # A changed snapshot manifest or library file re-executes too; force re-executes regardless.
    add_entry(study["snapshot"], "x/data", b"{}")
    assert [e.status for e in run_study(study, region="MK09").executions] == ["ok"]
    study["library"].write_text("VERSION = 2\n")
    assert [e.status for e in run_study(study, region="MK09").executions] == ["ok"]
    assert [e.status for e in run_study(study, region="MK09").executions] == ["skipped"]
    assert [e.status for e in run_study(study, region="MK09", force=True).executions] == ["ok"]
    assert len(counter(study)) == 5


def test_library_files_cover_code_and_all_curated_data() -> None:
    from punos_lib.paths import project_dir

    names = [name for name, _ in hashing.library_files(project_dir())]
    assert "punos_lib/pipeline/runner.py" in names and "punos_lib/errors.py" in names
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
    report = run_study(study)
    assert report.ok, report.table()
    assert [r[3] for r in counter(study)] == [sys.executable]


def test_sector_selection_and_bad_input(study: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"unknown sector\(s\) \['vesi'\].*metsa, ruoka"):
        run_study(study, sectors=["vesi"])
    with pytest.raises(InputError, match="workers"):
        run_study(study, workers=0)
    with pytest.raises(InputError, match="year must be a whole year"):
        run_study(study, year="2023")
    (study["notebooks"] / "notebooks.yaml").write_text(
        "notebooks:\n  - file: ok.ipynb\n  - file: gone.ipynb\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="do not exist: gone.ipynb"):
        run_study(study)
    (study["notebooks"] / "notebooks.yaml").write_text(
        "notebooks:\n  - file: ok.ipynb\n    per_sector: yes please\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"row 1, field 'per_sector'.*true or false"):
        run_study(study)
    assert counter(study) == []


def test_a_failed_execution_keeps_the_last_good_results(study: dict[str, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline_helpers import read_record, write_list

    write_list(study["notebooks"], "flaky.ipynb")
    assert run_study(study, region="MK10").ok
    table = study["outputs"] / "tables" / "flaky" / "t.csv"
    shown = study["outputs"] / "notebooks" / "flaky.ipynb"
    good_nb = shown.read_bytes()
    assert table.read_text(encoding="utf-8") == "region\nMK10\n"
    good = read_record(study["outputs"])["executions"]["flaky"]
    assert good["shown"] == "this run" and good["status"] == "ok"

    # The next run fails after writing its table: nothing of it replaces the good results.
    monkeypatch.setenv("PUNOS_TEST_FAIL", "1")
    report = run_study(study, region="MK07")
    [e] = report.executions
    assert e.status == "failed" and "asked to fail" in e.error
    assert table.read_text(encoding="utf-8") == "region\nMK10\n"
    assert shown.read_bytes() == good_nb
    failed_nb = study["outputs"] / "notebooks" / "failed" / "flaky.ipynb"
    assert "asked to fail" in failed_nb.read_text(encoding="utf-8")
    assert not (study["outputs"] / ".punos" / "staging" / "flaky").exists()
    record = read_record(study["outputs"])
    rec = record["executions"]["flaky"]
    assert rec["status"] == "failed" and rec["failed_output"] == "failed/flaky.ipynb"
    assert rec["shown"] == f"previous run of {good['finished']}"
    assert rec["shown_run"]["parameters"]["region"] == "MK10"  # the shown results are another region's
    assert record["last_run"][0]["shown"] == rec["shown"]
    assert f"shown: previous run of {good['finished']}" in report.table()

    # A second failure still shows the same good run; a success replaces it and clears the failure.
    run_study(study, region="MK07")
    assert read_record(study["outputs"])["executions"]["flaky"]["shown"] == rec["shown"]
    monkeypatch.setenv("PUNOS_TEST_FAIL", "0")
    assert run_study(study, region="MK07").ok
    assert table.read_text(encoding="utf-8") == "region\nMK07\n"
    assert not failed_nb.exists()
    assert read_record(study["outputs"])["executions"]["flaky"]["shown"] == "this run"


def test_a_failure_without_earlier_results_shows_none(study: dict[str, Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline_helpers import read_record, write_list

    write_list(study["notebooks"], "flaky.ipynb")
    monkeypatch.setenv("PUNOS_TEST_FAIL", "1")
    [e] = run_study(study).executions
    assert e.status == "failed" and e.shown == "none"
    assert not (study["outputs"] / "notebooks" / "flaky.ipynb").exists()
    assert not (study["outputs"] / "tables" / "flaky").exists()  # the half-written table was not kept
    assert read_record(study["outputs"])["executions"]["flaky"]["shown"] == "none"


@pytest.mark.parametrize("kw, match", [
    ({"region": "mk10"}, r"unknown region 'mk10'.*upper case.*MK01, MK02, MK04"),
    ({"region": "MK99"}, r"unknown region 'MK99'; valid region codes are MK01.*MK21"),
    ({"region": "KU491"}, r"unknown region 'KU491'"),
    ({"region": "MK03"}, r"unknown region 'MK03'"),
    ({"year": 1800}, r"year 1800 is outside.*1990"),
    ({"year": 2999}, r"year 2999 is outside"),
    ({"sectors": ["vesi"]}, r"unknown sector\(s\) \['vesi'\]"),
])
def test_bad_arguments_are_refused_before_anything_runs(study: dict[str, Path], kw, match) -> None:
    from pipeline_helpers import write_list

    write_list(study["notebooks"], "ok.ipynb")
    assert run_study(study).ok  # good results exist
    before = {p: p.read_bytes() for p in (study["outputs"] / "notebooks").glob("*.ipynb")}
    executed = len(counter(study))
    with pytest.raises(InputError, match=match):
        run_study(study, force=True, **kw)
    assert len(counter(study)) == executed
    assert {p: p.read_bytes() for p in (study["outputs"] / "notebooks").glob("*.ipynb")} == before


def test_a_corrupted_payload_is_refused_not_skipped_as_unchanged(study: dict[str, Path]) -> None:
    from pipeline_helpers import write_list
    from punos_lib.errors import SnapshotError

    write_list(study["notebooks"], "ok.ipynb")
    payload = add_entry(study["snapshot"], "population/data", b'{"value": [1, 2]}')
    assert run_study(study).ok
    manifest = (study["snapshot"] / "manifest.json").read_bytes()
    payload.write_bytes(b'{"value": [1, 3]}')  # the manifest is unchanged
    with pytest.raises(SnapshotError, match=r"population/data.*has changed.*nothing was run"):
        run_study(study)
    payload.unlink()
    with pytest.raises(SnapshotError, match=r"population/data.*is missing"):
        run_study(study)
    assert (study["snapshot"] / "manifest.json").read_bytes() == manifest
    assert len(counter(study)) == 1
    # The payloads' checksums are part of the content hash: restoring it is "unchanged" again.
    payload.write_bytes(b'{"value": [1, 2]}')
    assert [e.status for e in run_study(study).executions] == ["skipped"]


def test_no_snapshot_is_refused(study: dict[str, Path]) -> None:
    from punos_lib.errors import SnapshotError

    (study["snapshot"] / "manifest.json").unlink()
    with pytest.raises(SnapshotError, match="no snapshot at .*punos demo"):
        run_study(study)
    assert counter(study) == []


def test_kernels_are_not_interrupted_when_they_are_shut_down(study: dict[str, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # jupyter_client sends SIGINT to every kernel before shutting it down, which made every run print
    # "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel." whenever it hit a message handler.
    import os
    import signal
    import time

    from pipeline_helpers import write_list

    probe = study["root"] / "probe.txt"
    monkeypatch.setenv("PUNOS_TEST_PROBE", str(probe))
    write_list(study["notebooks"], "probe.ipynb")
    assert run_study(study).ok
    pid = int(Path(f"{probe}.pid").read_text())
    time.sleep(0.5)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    assert probe.read_text().splitlines() == ["ready"]


def test_several_regions_run_in_one_batch_each_into_its_own_tree(study: dict[str, Path]) -> None:
    from pipeline_helpers import read_record, write_list

    write_list(study["notebooks"], "ok.ipynb", "flaky.ipynb")
    reports = pipeline.run_regions("MK07,MK10", notebooks_dir=study["notebooks"], outputs_dir=study["outputs"],
                                   snapshot_dir=study["snapshot"], progress=False, workers=2)
    assert list(reports) == ["MK07", "MK10"] and all(r.ok for r in reports.values())
    for code in ("MK07", "MK10"):
        tree = study["outputs"] / "regions" / code
        assert (tree / "tables" / "flaky" / "t.csv").read_text(encoding="utf-8") == f"region\n{code}\n"
        assert (tree / "notebooks" / "ok.ipynb").is_file()
        record = read_record(tree)
        assert {e["parameters"]["region"] for e in record["executions"].values()} == {code}
    assert sorted((r[0], r[1]) for r in counter(study)) == [
        ("flaky", "MK07"), ("flaky", "MK10"), ("ok", "MK07"), ("ok", "MK10")]
    # The default layout is untouched; a rerun of the batch skips everything.
    assert not (study["outputs"] / "notebooks" / "ok.ipynb").exists()
    again = pipeline.run_regions(["MK07", "MK10"], notebooks_dir=study["notebooks"], outputs_dir=study["outputs"],
                                 snapshot_dir=study["snapshot"], progress=False)
    assert {e.status for r in again.values() for e in r.executions} == {"skipped"}
    with pytest.raises(InputError, match="unknown region 'MK3'"):
        pipeline.run_regions("MK07,MK3", notebooks_dir=study["notebooks"], outputs_dir=study["outputs"],
                             snapshot_dir=study["snapshot"], progress=False)


def test_render_region_publishes_each_regions_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    from punos_lib import publish
    from punos_lib.cli import main

    calls = []

    class Report:
        def lines(self) -> list[str]:
            return ["site written"]

    monkeypatch.setattr(publish, "render", lambda **kw: calls.append(kw) or Report())
    monkeypatch.setenv("PUNOS_OUTPUTS", str(tmp_path))
    (tmp_path / "regions" / "MK07" / "notebooks").mkdir(parents=True)
    assert main(["render", "--region", "MK07,MK10"]) == 2  # MK10 was not built
    assert "no study built for MK10" in capsys.readouterr().err and calls == []
    (tmp_path / "regions" / "MK10" / "notebooks").mkdir(parents=True)
    assert main(["render", "--region", "MK07,MK10", "--format", "html"]) == 0
    assert [c["outputs_dir"] for c in calls] == [tmp_path / "regions" / "MK07", tmp_path / "regions" / "MK10"]
    assert calls[0]["formats"] == ("html",)
    assert "MK10: site written" in capsys.readouterr().out


def _code_notebook(path: Path, *cells: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('region = "MK10"\nsector = None\nyear = None\nlang = "fi"\nrun_id = "x"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)


_LOOK = ("import json, os, matplotlib\n"
         "print(json.dumps({'pid': os.getpid(), 'leaked': 'leaked' in globals(), 'env': os.environ.get('PUNOS_LEAK'),\n"
         "                  'cwd': os.getcwd(), 'linewidth': matplotlib.rcParams['lines.linewidth'],\n"
         "                  'outputs': os.environ['PUNOS_OUTPUTS']}))")


def _looked(outputs: Path, run_id: str) -> dict:
    nb = nbformat.read(outputs / "notebooks" / f"{run_id}.ipynb", as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # numbered from 1 as in a fresh kernel
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.mark.parametrize("fresh", [False, True])
def test_each_notebook_starts_clean_in_a_reused_kernel(study: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                                       fresh: bool) -> None:
    # One worker: the three notebooks run one after another, in one kernel unless it must be replaced.
    if fresh:
        monkeypatch.setenv("PUNOS_FRESH_KERNELS", "1")
    nbs = study["notebooks"]
    leak = ("import os, matplotlib\nleaked = 1\nos.environ['PUNOS_LEAK'] = 'yes'\nos.chdir('/')\n"
            "matplotlib.rcParams['lines.linewidth'] = 9.0\n")
    _code_notebook(nbs / "a_leak.ipynb", leak + _LOOK)
    _code_notebook(nbs / "b_look.ipynb", _LOOK)
    _code_notebook(nbs / "c_fail.ipynb", "raise ValueError('on purpose')")
    _code_notebook(nbs / "d_after_failure.ipynb", _LOOK)
    write_list(nbs, "a_leak.ipynb", "b_look.ipynb", "c_fail.ipynb", "d_after_failure.ipynb")
    report = run_study(study, workers=1)
    assert [e.status for e in report.executions] == ["ok", "ok", "failed", "ok"]
    a, b, d = (_looked(study["outputs"], r) for r in ("a_leak", "b_look", "d_after_failure"))
    assert a["leaked"] and a["env"] == "yes" and a["cwd"] == "/" and a["linewidth"] == 9.0
    # The next notebook sees none of it: no names, environment, folder or matplotlib settings.
    assert b["leaked"] is False and b["env"] is None and b["linewidth"] != 9.0
    assert b["cwd"] == str(study["notebooks"]) and b["outputs"].endswith("b_look")
    # Reused means the same kernel process, unless fresh kernels were asked for.
    assert (a["pid"] == b["pid"]) is (not fresh)
    # After a failed notebook its kernel is never reused.
    assert d["pid"] not in (a["pid"], b["pid"])


def test_a_kernel_that_dies_at_start_is_started_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two kernels starting at once may be given the same port; the loser dies. Simulated here by a
    # first kernel that never becomes ready: the worker starts another instead of failing the notebook.
    from punos_lib.pipeline import executing

    real = executing._run_in_kernel
    calls: list[int] = []

    waits: list[int] = []

    def first_start_fails(km, code, ready_seconds=executing._READY_SECONDS):  # type: ignore[no-untyped-def]
        calls.append(id(km))
        waits.append(ready_seconds)
        if len(calls) == 1:
            raise RuntimeError("the notebook kernel died while starting")
        return real(km, code, ready_seconds)

    monkeypatch.setattr(executing, "_run_in_kernel", first_start_fails)
    km = executing._warm_kernel({"PUNOS_OUTPUTS": str(tmp_path)}, str(tmp_path))
    try:
        assert len(calls) == 2 and calls[0] != calls[1] and id(km) == calls[1]
        # A new kernel that stays silent is given less time than the test's own patience (60 s).
        assert 0 < waits[0] < executing._READY_SECONDS
        # ...and the next execution reuses that kernel without starting one.
        assert executing._warm_kernel({"PUNOS_OUTPUTS": str(tmp_path)}, str(tmp_path)) is km
        assert len(calls) == 3
    finally:
        executing._discard_kernel()

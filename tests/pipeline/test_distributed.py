"""Executions on a Dask distributed cluster: a LocalCluster of two worker processes on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from punos_lib.errors import InputError, PipelineError

from pipeline_helpers import counter, run_study

distributed = pytest.importorskip("distributed")


@pytest.fixture
def cluster(study: dict[str, Path]):  # type: ignore[no-untyped-def]
    # Started after the study fixture set the environment, so the worker processes inherit it.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local


def test_a_dask_run_isolates_failures_and_records_like_a_local_run(study: dict[str, Path], cluster) -> None:
    report = run_study(study, scheduler=cluster.scheduler_address)
    status = {e.run_id: e.status for e in report.executions}
    assert status == {"ok": "ok", "fail": "failed", "sector-metsa": "ok", "sector-ruoka": "ok"}
    assert "ValueError: fixture failure on purpose" in report.failed[0].error
    assert sorted(r[0] for r in counter(study)) == ["fail", "ok", "sector-metsa", "sector-ruoka"]
    outputs = study["outputs"]
    assert (outputs / "notebooks" / "ok.ipynb").is_file()
    assert (outputs / "notebooks" / "failed" / "fail.ipynb").is_file()
    record = json.loads((outputs / "run.json").read_text(encoding="utf-8"))
    assert record["executions"]["sector-ruoka"]["status"] == "ok"
    assert record["executions"]["fail"]["status"] == "failed"
    # Both workers took part.
    workers = {w["name"] for w in cluster.scheduler_info["workers"].values()}
    assert len(workers) == 2
    # The record is shared with local runs: nothing changed, so a local run skips what Dask ran.
    again = run_study(study)
    assert {e.run_id: e.status for e in again.executions}["sector-metsa"] == "skipped"


def test_bad_scheduler_addresses_are_one_line_errors(study: dict[str, Path]) -> None:
    with pytest.raises(InputError, match="not of the form tcp://HOST:PORT"):
        run_study(study, scheduler="localhost:8786")
    with pytest.raises(PipelineError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_study(study, scheduler="tcp://127.0.0.1:9")
    assert counter(study) == []

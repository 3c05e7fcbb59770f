"""Helpers shared by the pipeline tests (importable: tests/ is on the path)."""

from __future__ import annotations

import json
from pathlib import Path

from punos_lib import pipeline


def run_study(study: dict[str, Path], **kw):  # type: ignore[no-untyped-def]
    """``pipeline.run`` on the ``study`` fixture, without a progress bar."""
    return pipeline.run(notebooks_dir=study["notebooks"], outputs_dir=study["outputs"],
                        snapshot_dir=study["snapshot"], progress=False, **kw)


def counter(study: dict[str, Path]) -> list[list[str]]:
    """The executions the fixture notebooks recorded: run id, region, sector, interpreter, hash seed."""
    path = study["counter"]
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def add_entry(snapshot: Path, entry_id: str, payload: bytes) -> Path:
    """Write one snapshot entry; return its payload file."""
    from punos_lib.snapshot.store import Snapshot

    dataset, kind = entry_id.split("/")
    entry = Snapshot(snapshot).write(entry_id, payload, dataset=dataset, kind=kind, source="demo",
                                     media_type="application/json", licence="CC BY 4.0", attribution="x",
                                     synthetic=True)
    return snapshot / entry.path


def write_list(notebooks: Path, *names: str) -> None:
    """Make ``notebooks.yaml`` list these fixture notebooks (none per sector)."""
    lines = ["notebooks:"] + [f"  - file: {n}\n    per_sector: false" for n in names]
    (notebooks / "notebooks.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_record(outputs: Path) -> dict:
    return json.loads((outputs / "run.json").read_text(encoding="utf-8"))

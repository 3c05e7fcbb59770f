"""The outcome of a run: :class:`Execution`, :class:`RunReport` and ``outputs/run.json``.

``run.json``::

    {"format": "punos-run", "version": 2,
     "last_run": [{"run_id", "notebook", "parameters", "status", "seconds", "shown"}, ...],
     "executions": {<run_id>: {
         "notebook", "parameters", "output",      # output: the shown notebook, notebooks/<output>
         "status": "ok" | "failed",               # of the last execution of this run id
         "last_status": "ok" | "failed" | "skipped" | "interrupted",   # of the last `punos run`
         "seconds", "hash", "error", "finished",  # finished: ISO time (UTC) of that execution
         "shown": "this run" | "previous run of <finished>" | "none",
         "shown_run": {"parameters", "hash", "finished"} | null,   # the execution shown
         "failed_output": "failed/<run_id>.ipynb" | null}}}

A failed execution never replaces the last good one: ``shown`` then says that the notebook, tables
and figures under the run id are those of the previous good run (``shown_run`` gives its
parameters, which may name another region or year), or that nothing is shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from punos_lib._atomic import atomic_write_bytes

__all__ = ["Execution", "RunReport", "read_run_file", "write_run_file", "RUN_FILE", "now"]

RUN_FILE = "run.json"
Status = Literal["ok", "failed", "skipped", "interrupted"]
_STATUSES = ("ok", "failed", "skipped", "interrupted")


def now() -> str:
    """The current time in UTC, ISO 8601 to the second (``2026-12-01T20:33:40Z``)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Execution:
    """One (notebook, parameters) execution and its outcome.

    ``status`` is ``"ok"``, ``"failed"``, ``"skipped"`` (unchanged since its last successful run)
    or ``"interrupted"`` (the run was stopped before it finished). ``shown`` says which results
    the outputs hold for this run id: ``"this run"``, ``"previous run of <date>"`` or ``"none"``.
    """

    notebook: str
    source: Path
    run_id: str
    parameters: dict[str, Any]
    output: Path
    hash: str
    status: Status = "skipped"
    seconds: float = 0.0
    error: str | None = None
    finished: str | None = None
    shown: str = "none"
    shown_run: dict[str, Any] | None = None


@dataclass
class RunReport:
    """The outcome of :func:`punos_lib.pipeline.run` for one outputs folder.

    Attributes
    ----------
    executions : list of Execution
        In declaration order (notebooks, then sectors).
    run_file : Path
        The ``run.json`` written.
    region : str, optional
        The region run.
    """

    executions: list[Execution] = field(default_factory=list)
    run_file: Path | None = None
    region: str | None = None

    @property
    def ok(self) -> bool:
        """True when every execution succeeded or was unchanged."""
        return all(e.status in ("ok", "skipped") for e in self.executions)

    @property
    def failed(self) -> list[Execution]:
        return [e for e in self.executions if e.status == "failed"]

    def counts(self) -> dict[str, int]:
        """Number of executions per status."""
        out = dict.fromkeys(_STATUSES, 0)
        for e in self.executions:
            out[e.status] += 1
        return out

    def summary(self) -> str:
        """One line: how many executed, skipped, failed (and interrupted)."""
        c = self.counts()
        line = f"{c['ok']} executed, {c['skipped']} unchanged (skipped), {c['failed']} failed"
        return line + (f", {c['interrupted']} interrupted" if c["interrupted"] else "")

    def table(self) -> str:
        """A plain-text table: notebook, parameters, status, seconds, what is shown; then failures."""
        rows = [("notebook", "parameters", "status", "seconds", "shown")]
        for e in self.executions:
            params = ", ".join(f"{k}={v}" for k, v in e.parameters.items() if k != "run_id" and v is not None)
            rows.append((e.notebook, params, e.status, f"{e.seconds:.1f}", e.shown))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        for e in self.failed:
            kept = f"; shown: {e.shown}" if e.shown != "none" else ""
            lines.append(f"FAILED {e.run_id}: {e.error} (see {e.output.parent / 'failed' / e.output.name}{kept})")
        lines.append(self.summary())
        return "\n".join(lines)


def read_run_file(path: Path) -> dict[str, Any]:
    """The ``executions`` of a run record (empty when there is none or it is damaged)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        # A damaged record only costs a full re-run; say nothing is known.
        return {}
    executions = data.get("executions") if isinstance(data, dict) else None
    return {k: v for k, v in executions.items() if isinstance(v, dict)} if isinstance(executions, dict) else {}


def previous_shown(record: dict[str, Any], notebook: Path) -> tuple[str, dict[str, Any] | None]:
    """What the outputs show for a run id before this run: (``shown`` text, the shown execution)."""
    if not notebook.is_file():
        return "none", None
    shown_run = record.get("shown_run")
    if not isinstance(shown_run, dict):
        if record.get("status") != "ok":
            return "none", None
        # A record from before `shown` existed: its own execution is the one shown.
        shown_run = {k: record.get(k) for k in ("parameters", "hash", "finished")}
    when = shown_run.get("finished") or "an earlier date"
    return f"previous run of {when}", shown_run


def _record(e: Execution) -> dict[str, Any]:
    return {
        "notebook": e.notebook,
        "parameters": e.parameters,
        "output": e.output.name,
        "status": e.status,
        "last_status": e.status,
        "seconds": round(e.seconds, 3),
        "hash": e.hash,
        "error": e.error,
        "finished": e.finished,
        "shown": e.shown,
        "shown_run": e.shown_run,
        "failed_output": f"failed/{e.output.name}" if e.status == "failed" else None,
    }


def write_run_file(path: Path, known: dict[str, Any], current: Sequence[Execution]) -> None:
    """Write ``run.json``: the records of ``current`` over the ``known`` ones, atomically."""
    records = dict(known)
    for e in current:
        if e.status in ("skipped", "interrupted"):
            # Keep the record of the execution that produced the output; only note what happened.
            if e.run_id in records:
                records[e.run_id] = {**records[e.run_id], "last_status": e.status}
            continue
        records[e.run_id] = _record(e)
    body = {
        "format": "punos-run",
        "version": 2,
        "last_run": [
            {"run_id": e.run_id, "notebook": e.notebook, "parameters": e.parameters, "status": e.status,
             "seconds": round(e.seconds, 3), "shown": e.shown}
            for e in current
        ],
        "executions": {k: records[k] for k in sorted(records)},
    }
    atomic_write_bytes(path, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))

"""Batch runs of the study notebooks with papermill: parallel, isolated failures, incremental.

Which notebooks exist is declared in ``notebooks/notebooks.yaml``::

    notebooks:
      - file: 02-vaesto.ipynb          # a notebook in the same folder
        per_sector: false              # run once
      - file: 07-toimialaprofiili.ipynb
        per_sector: true               # run once per sector of data/sectors.yaml

Each execution gets the parameters ``region, sector, year, lang, run_id`` and is written to
``outputs/notebooks/<stem>.ipynb`` (``<stem>-<sector>.ipynb`` for sector notebooks); ``run_id`` is
that output stem. ``outputs/run.json`` records every execution (notebook, parameters, status,
seconds, hash). An execution is skipped when the hash over the notebook source (without outputs),
the parameters, the snapshot manifest bytes, the library code (``punos_lib/**/*.py``) and every
curated input under ``data/`` (the snapshot excepted) equals the hash of its last successful run.

Kernels run in worker processes with a fixed environment so that figures are byte-identical between
builds: ``PYTHONHASHSEED=0``, ``SOURCE_DATE_EPOCH``, ``TZ=UTC``, a matplotlibrc with a fixed SVG hash
salt, and a ``python3`` kernelspec that points at this interpreter (``sys.executable``), placed first
on ``JUPYTER_PATH`` so that a user's global kernelspec cannot swap in another environment.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from punos_lib import paths
from punos_lib.errors import InputError, PipelineError, ValidationError
from punos_lib._atomic import atomic_write_bytes

__all__ = ["Execution", "RunReport", "NotebookSpec", "load_notebooks", "run", "RUN_FILE"]

RUN_FILE = "run.json"
Status = Literal["ok", "failed", "skipped"]

# A fixed epoch (2024-01-01T00:00:00Z) for tools that stamp dates into files (matplotlib SVG/PDF).
_SOURCE_DATE_EPOCH = "1704067200"
_KERNEL_NAME = "python3"
_HASH_VERSION = "1"


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook declared in ``notebooks.yaml``."""

    path: Path
    per_sector: bool

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass
class Execution:
    """One (notebook, parameters) execution and its outcome.

    ``status`` is ``"ok"``, ``"failed"`` or ``"skipped"`` (unchanged since its last successful run).
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


@dataclass
class RunReport:
    """The outcome of :func:`run`.

    Attributes
    ----------
    executions : list of Execution
        In declaration order (notebooks, then sectors).
    run_file : Path
        The ``run.json`` written.
    """

    executions: list[Execution] = field(default_factory=list)
    run_file: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no execution failed."""
        return all(e.status != "failed" for e in self.executions)

    @property
    def failed(self) -> list[Execution]:
        return [e for e in self.executions if e.status == "failed"]

    def counts(self) -> dict[str, int]:
        """Number of executions per status."""
        out = {"ok": 0, "failed": 0, "skipped": 0}
        for e in self.executions:
            out[e.status] += 1
        return out

    def table(self) -> str:
        """A plain-text table: notebook, parameters, status, seconds (and the error of failures)."""
        rows = [("notebook", "parameters", "status", "seconds")]
        for e in self.executions:
            params = ", ".join(f"{k}={v}" for k, v in e.parameters.items() if k != "run_id" and v is not None)
            rows.append((e.notebook, params, e.status, f"{e.seconds:.1f}"))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        for e in self.failed:
            lines.append(f"FAILED {e.run_id}: {e.error} (see {e.output})")
        c = self.counts()
        lines.append(f"{c['ok']} executed, {c['skipped']} unchanged (skipped), {c['failed']} failed")
        return "\n".join(lines)


# --------------------------------------------------------------------------- declaration


def load_notebooks(path: str | os.PathLike[str]) -> list[NotebookSpec]:
    """Read ``notebooks.yaml``: the notebooks the pipeline runs and which run per sector.

    Parameters
    ----------
    path : path-like
        The YAML file; notebook files are relative to its folder.

    Returns
    -------
    list of NotebookSpec
        In file order.

    Raises
    ------
    ValidationError
        The file is missing, not YAML, or an entry is malformed or names a missing notebook.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            "notebook list not found; create it with a 'notebooks:' list of {file, per_sector}", file=path
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationError(f"not valid YAML: {exc}", file=path) from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("notebooks"), list):
        raise ValidationError("expected a mapping with a 'notebooks:' list", file=path)
    specs: list[NotebookSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(raw["notebooks"], start=1):
        where = {"file": path, "row": i}
        if not isinstance(item, Mapping):
            raise ValidationError("each entry must be a mapping {file, per_sector}", **where)
        unknown = sorted(set(item) - {"file", "per_sector"})
        if unknown:
            raise ValidationError(f"unknown keys {unknown}; allowed: file, per_sector", **where)
        name = item.get("file")
        if not isinstance(name, str) or not name.endswith(".ipynb") or "/" in name:
            raise ValidationError("'file' must be a notebook file name like 02-vaesto.ipynb", field="file",
                                  value=name, **where)
        per_sector = item.get("per_sector", False)
        if not isinstance(per_sector, bool):
            raise ValidationError("'per_sector' must be true or false", field="per_sector", value=per_sector,
                                  **where)
        if name in seen:
            raise ValidationError("notebook listed twice", field="file", value=name, **where)
        seen.add(name)
        specs.append(NotebookSpec(path=path.parent / name, per_sector=per_sector))
    return specs


def _sector_ids() -> list[str]:
    """Sector ids in the order of data/sectors.yaml."""
    from punos_lib.reference.sectors import load_sectors

    return list(load_sectors())


# --------------------------------------------------------------------------- hashing


def _notebook_source_digest(path: Path) -> bytes:
    """Digest of a notebook's cells without outputs or execution counts."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PipelineError(f"cannot read notebook {path}: {exc}; fix or restore the file") from exc
    cells = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        tags = sorted(cell.get("metadata", {}).get("tags", []))
        cells.append([cell.get("cell_type"), source, tags])
    return json.dumps(cells, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _environment_digest(project: Path, snapshot: Path) -> str:
    """Digest of everything outside the notebook that an execution depends on."""
    h = hashlib.sha256()
    manifest = snapshot / "manifest.json"
    h.update(b"manifest\0")
    h.update(manifest.read_bytes() if manifest.is_file() else b"<no snapshot>")
    for name, f in _library_files(project):
        h.update(name.encode() + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _library_files(project: Path) -> list[tuple[str, Path]]:
    """The library code and curated data files an execution depends on, sorted, with stable names."""
    package = Path(__file__).resolve().parent
    # Relative names so that the same code in another checkout gives the same hash.
    code = [(f"punos_lib/{f.relative_to(package).as_posix()}", f) for f in package.rglob("*.py")]
    # Every curated input counts (actor registry, forum records and assessments, classification
    # names), not only the YAML files; the snapshot is hashed separately through its manifest.
    data_root = project / "data"
    data = [
        (f"data/{f.relative_to(data_root).as_posix()}", f)
        for f in data_root.rglob("*")
        if f.is_file() and "snapshot" not in f.relative_to(data_root).parts[:1]
    ]
    return sorted(code) + sorted(data)


def _execution_hash(source: bytes, parameters: Mapping[str, Any], environment: str) -> str:
    h = hashlib.sha256(_HASH_VERSION.encode())
    h.update(source)
    h.update(json.dumps(dict(parameters), sort_keys=True).encode())
    h.update(environment.encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- run.json


def _read_run_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        # A damaged record only costs a full re-run; say nothing is known.
        return {}
    executions = data.get("executions") if isinstance(data, dict) else None
    return executions if isinstance(executions, dict) else {}


def _atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))

def _write_run_file(path: Path, known: dict[str, Any], current: Sequence[Execution]) -> None:
    records = dict(known)
    for e in current:
        previous = records.get(e.run_id, {})
        if e.status == "skipped":
            # Keep the record of the run that produced the output; only note that it was reused.
            records[e.run_id] = {**previous, "last_status": "skipped"}
            continue
        records[e.run_id] = {
            "notebook": e.notebook,
            "parameters": e.parameters,
            "output": e.output.name,
            "status": e.status,
            "last_status": e.status,
            "seconds": round(e.seconds, 3),
            "hash": e.hash,
            "error": e.error,
        }
    body = {
        "format": "punos-run",
        "version": 1,
        "last_run": [
            {"run_id": e.run_id, "notebook": e.notebook, "parameters": e.parameters, "status": e.status,
             "seconds": round(e.seconds, 3)}
            for e in current
        ],
        "executions": {k: records[k] for k in sorted(records)},
    }
    _atomic_write_text(path, json.dumps(body, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- kernel environment


def _prepare_kernel_environment(outputs: Path) -> dict[str, str]:
    """Write the kernelspec and matplotlibrc the kernels use; return the environment to set."""
    base = outputs / ".punos"
    kernel = {
        # Kernels talk to papermill over loopback only; ipykernel's warning about unencrypted TCP
        # would otherwise be printed once per notebook and bury the run's own progress and table.
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "Python 3 (punos)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    _atomic_write_text(base / "jupyter" / "kernels" / _KERNEL_NAME / "kernel.json",
                       json.dumps(kernel, indent=1) + "\n")
    # Why: SVG element ids are random unless a hash salt is fixed. The backend stays the inline one
    # (not Agg) because chapters embed the figures the notebooks display; its PNGs carry no dates.
    _atomic_write_text(base / "matplotlibrc", "svg.hashsalt: punos\npdf.compression: 6\n")
    jupyter_path = str(base / "jupyter")
    if os.environ.get("JUPYTER_PATH"):
        jupyter_path += os.pathsep + os.environ["JUPYTER_PATH"]
    return {
        "JUPYTER_PATH": jupyter_path,
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", _SOURCE_DATE_EPOCH),
        "TZ": "UTC",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "MATPLOTLIBRC": str(base / "matplotlibrc"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _execute(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one notebook with papermill (runs in a worker process)."""
    import logging

    import papermill

    os.environ.update(task["env"])
    logging.getLogger("papermill").setLevel(logging.WARNING)
    output = Path(task["output"])
    # Papermill saves as it goes; write beside the target and rename so a reader never sees half a file.
    tmp = output.with_name(f".{output.stem}.running.ipynb")
    start = time.perf_counter()
    error = None
    try:
        papermill.execute_notebook(
            task["input"],
            str(tmp),
            parameters=task["parameters"],
            kernel_name=_KERNEL_NAME,
            progress_bar=False,
            cwd=task["cwd"],
        )
    except Exception as exc:  # noqa: BLE001 - every failure of one notebook is reported, not raised
        error = _describe_error(exc)
    finally:
        if tmp.exists():
            os.replace(tmp, output)
    return {"run_id": task["run_id"], "seconds": time.perf_counter() - start, "error": error}


def _describe_error(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        return f"{ename}: {getattr(exc, 'evalue', '')} (cell {cell})".strip()
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


# --------------------------------------------------------------------------- run


def run(
    *,
    sectors: Iterable[str] | None = None,
    region: str = "MK10",
    year: int | None = None,
    workers: int = 1,
    notebooks_dir: str | os.PathLike[str] | None = None,
    outputs_dir: str | os.PathLike[str] | None = None,
    snapshot_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: bool = True,
    lang: str = "fi",
) -> RunReport:
    """Execute the study notebooks with papermill into ``outputs/notebooks/``.

    Parameters
    ----------
    sectors : iterable of str, optional
        Only these sectors' executions of the per-sector notebooks (and nothing else). Default: every
        notebook, the per-sector ones once per sector of ``data/sectors.yaml``.
    region : str
        Region code passed to every notebook, e.g. ``"MK10"``.
    year : int, optional
        Reference year passed to every notebook (None = latest in the data).
    workers : int
        Parallel worker processes (each runs one kernel at a time).
    notebooks_dir, outputs_dir, snapshot_dir : path-like, optional
        Defaults: ``<project>/notebooks``, :func:`punos_lib.paths.outputs_dir`,
        :func:`punos_lib.paths.snapshot_dir`.
    force : bool
        Re-execute even executions whose inputs have not changed.
    progress : bool
        Show a tqdm progress bar. The result table is printed in any case.
    lang : str
        Language of the study text passed to the notebooks.

    Returns
    -------
    RunReport
        ``.ok`` is False if any execution failed; the others still ran.

    Examples
    --------
    >>> report = run(sectors=["metsa"], workers=2)  # doctest: +SKIP
    >>> report.ok  # doctest: +SKIP
    True
    """
    if not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise InputError(f"year must be a whole year such as 2023 or None (latest), got {year!r}")
    if not isinstance(region, str) or not region:
        raise InputError(f"region must be a region code such as 'MK10', got {region!r}")
    if notebooks_dir is None:
        project = paths.project_dir()
        nb_dir = project / "notebooks"
    else:
        nb_dir = Path(notebooks_dir).resolve()
        project = _project_for(nb_dir)
    outputs = (Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()).resolve()
    snapshot = (Path(snapshot_dir) if snapshot_dir is not None else paths.snapshot_dir()).resolve()

    specs = load_notebooks(nb_dir / "notebooks.yaml")
    missing = [s.path.name for s in specs if not s.path.is_file()]
    if missing:
        raise PipelineError(
            f"{nb_dir / 'notebooks.yaml'} lists notebooks that do not exist: {', '.join(missing)}; "
            "add them or remove them from the list"
        )
    plan = _plan(specs, sectors, region, year, lang)
    if not plan:
        raise InputError(
            f"nothing to run: no notebook in {nb_dir / 'notebooks.yaml'} is marked per_sector: true, "
            f"so sectors {list(sectors or [])} select nothing"
        )

    out_nb = outputs / "notebooks"
    out_nb.mkdir(parents=True, exist_ok=True)
    for stale in out_nb.glob(".*.running.ipynb"):
        # Left by a run that was killed mid-notebook; nbval would otherwise collect it.
        stale.unlink()
    run_file = outputs / RUN_FILE
    known = _read_run_file(run_file)
    environment = _environment_digest(project, snapshot)
    sources: dict[Path, bytes] = {}
    executions: list[Execution] = []
    for spec, params in plan:
        if spec.path not in sources:
            sources[spec.path] = _notebook_source_digest(spec.path)
        executions.append(Execution(
            notebook=spec.path.name,
            source=spec.path,
            run_id=params["run_id"],
            parameters=params,
            output=out_nb / f"{params['run_id']}.ipynb",
            hash=_execution_hash(sources[spec.path], params, environment),
        ))

    todo = [
        e for e in executions
        if force or not (known.get(e.run_id, {}).get("status") == "ok"
                         and known[e.run_id].get("hash") == e.hash and e.output.is_file())
    ]
    for e in executions:
        if e not in todo:
            e.seconds = float(known[e.run_id].get("seconds", 0.0))
    env = _prepare_kernel_environment(outputs)
    env.update({
        "PUNOS_PROJECT_DIR": str(project),
        "PUNOS_OUTPUTS": str(outputs),
        "PUNOS_SNAPSHOT": str(snapshot),
    })
    tasks = [
        {"input": str(e.source), "output": str(e.output), "parameters": e.parameters, "run_id": e.run_id,
         "cwd": str(nb_dir), "env": env}
        for e in todo
    ]
    if tasks:
        _run_tasks(tasks, executions, workers, progress, run_file, known)
    report = RunReport(executions=executions, run_file=run_file)
    _write_run_file(run_file, known, executions)
    print(report.table())
    return report


def _project_for(nb_dir: Path) -> Path:
    """The project of a notebooks folder: its parent when that is a project, else the default one."""
    parent = nb_dir.parent
    if (parent / "_quarto.yml").is_file() and (parent / "data").is_dir():
        return parent
    return paths.project_dir()


def _plan(
    specs: Sequence[NotebookSpec], sectors: Iterable[str] | None, region: str, year: int | None, lang: str
) -> list[tuple[NotebookSpec, dict[str, Any]]]:
    """The (notebook, parameters) pairs to consider, in declaration order."""
    if isinstance(sectors, str):
        sectors = [sectors]
    wanted = list(sectors) if sectors is not None else None
    need_sectors = any(s.per_sector for s in specs)
    all_sectors = _sector_ids() if need_sectors or wanted else []
    if wanted is not None:
        unknown = [s for s in wanted if s not in all_sectors]
        if unknown:
            raise InputError(
                f"unknown sector(s) {unknown}; the sectors in data/sectors.yaml are: {', '.join(all_sectors)}"
            )
    plan = []
    for spec in specs:
        if spec.per_sector:
            for sector in (wanted if wanted is not None else all_sectors):
                plan.append((spec, _params(f"{spec.stem}-{sector}", region, sector, year, lang)))
        elif wanted is None:
            plan.append((spec, _params(spec.stem, region, None, year, lang)))
    return plan


def _params(run_id: str, region: str, sector: str | None, year: int | None, lang: str) -> dict[str, Any]:
    return {"region": region, "sector": sector, "year": year, "lang": lang, "run_id": run_id}


def _run_tasks(
    tasks: list[dict[str, Any]],
    executions: list[Execution],
    workers: int,
    progress: bool,
    run_file: Path,
    known: dict[str, Any],
) -> None:
    from tqdm.auto import tqdm

    by_id = {e.run_id: e for e in executions}
    pending = {t["run_id"] for t in tasks}
    # spawn: forking a process that may hold threads (a Jupyter kernel, tqdm) can deadlock.
    context = multiprocessing.get_context("spawn")
    bar = tqdm(total=len(tasks), desc="punos run", unit="nb", disable=not progress)
    with cf.ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        futures = {pool.submit(_execute, t): t["run_id"] for t in tasks}
        for future in cf.as_completed(futures):
            e = by_id[futures[future]]
            try:
                result = future.result()
                e.seconds = result["seconds"]
                e.error = result["error"]
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails only its notebook
                e.error = f"worker process failed: {type(exc).__name__}: {exc}"
            e.status = "failed" if e.error else "ok"
            pending.discard(e.run_id)
            bar.set_postfix_str(f"{e.run_id} {e.status}")
            bar.update(1)
            # Record progress as it happens so an interrupted run keeps what finished.
            _write_run_file(run_file, known, [x for x in executions if x.run_id not in pending])
    bar.close()

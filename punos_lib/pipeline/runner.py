"""Batch runs of the study notebooks: checked first, one at a time, parallel, incremental.

:func:`run` executes one region's study into an outputs folder (``outputs/notebooks/<run_id>.ipynb``,
``outputs/tables/<run_id>/``, ``outputs/figures/<run_id>/``, ``outputs/run.json``);
:func:`run_regions` executes several regions in one batch, each into
``outputs/regions/<MKxx>/`` with the same layout. Before anything executes, the arguments, the
curated inputs and the snapshot's payload checksums are checked (:mod:`punos_lib.pipeline.checks`)
and the outputs folder is locked (:mod:`punos_lib._lock`). Executions run in local worker
processes, or on a Dask distributed cluster (``scheduler="tcp://HOST:PORT"``).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from punos_lib import paths
from punos_lib._lock import OutputsLock
from punos_lib.errors import InputError, PipelineError, SnapshotError
from punos_lib.pipeline import checks, executing, hashing, specs
from punos_lib.pipeline.record import (
    RUN_FILE, Execution, RunReport, now, previous_shown, read_run_file, write_run_file,
)

__all__ = ["run", "run_regions", "RunInterrupted", "REGIONS_DIR"]

#: Where :func:`run_regions` puts each region's outputs, relative to the outputs folder.
REGIONS_DIR = "regions"


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run; what finished is recorded. The message says what was kept."""


@dataclass
class _Setup:
    """Everything checked before a run: folders, notebooks, sectors, payload checksums."""

    project: Path
    nb_dir: Path
    snapshot: Path
    specs: list[specs.NotebookSpec]
    all_sectors: list[str]
    environment: str


@dataclass
class _Target:
    """One region's outputs folder and its executions."""

    region: str
    outputs: Path
    executions: list[Execution]
    known: dict[str, Any]
    tasks: list[dict[str, Any]]

    @property
    def run_file(self) -> Path:
        return self.outputs / RUN_FILE


def _prepare(*, notebooks_dir: str | os.PathLike[str] | None, snapshot_dir: str | os.PathLike[str] | None,
             workers: int, year: int | None, lang: str, sectors: Iterable[str] | None,
             scheduler: str | None) -> _Setup:
    """Check the arguments, the notebook list, the curated inputs and the snapshot; raise on any problem."""
    if scheduler is not None:
        from punos_lib.pipeline.distributed import check_address

        check_address(scheduler)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    checks.check_year(year)
    if lang not in ("fi", "sv", "en"):
        raise InputError(f"unknown language {lang!r}; use one of fi, sv, en")
    if notebooks_dir is None:
        project = paths.project_dir()
        nb_dir = project / "notebooks"
    else:
        nb_dir = Path(notebooks_dir).resolve()
        project = _project_for(nb_dir)
    snapshot = (Path(snapshot_dir) if snapshot_dir is not None else paths.snapshot_dir()).resolve()
    nb_specs = specs.load_notebooks(nb_dir / "notebooks.yaml")
    missing = [s.path.name for s in nb_specs if not s.path.is_file()]
    if missing:
        raise PipelineError(
            f"{nb_dir / 'notebooks.yaml'} lists notebooks that do not exist: {', '.join(missing)}; "
            "add them or remove them from the list"
        )
    _, problems = checks.check_curated(project)
    checks.refuse(problems, "curated inputs", InputError)
    all_sectors = specs.sector_ids(project)
    # Sector names are checked here too, so that a typo stops the run before the snapshot is read.
    specs.plan(nb_specs, sectors, all_sectors, "MK10", None, lang)
    checksums, problems = checks.check_snapshot(snapshot)
    checks.refuse(problems, "snapshot", SnapshotError)
    environment = hashing.environment_digest(project, snapshot, checksums)
    return _Setup(project, nb_dir, snapshot, nb_specs, all_sectors, environment)


def _project_for(nb_dir: Path) -> Path:
    """The project of a notebooks folder: its parent when that is a project, else the default one."""
    parent = nb_dir.parent
    if (parent / "_quarto.yml").is_file() and (parent / "data").is_dir():
        return parent
    return paths.project_dir()


def _outputs(outputs_dir: str | os.PathLike[str] | None) -> Path:
    outputs = (Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()).resolve()
    if outputs.exists() and not outputs.is_dir():
        raise InputError(f"the outputs folder {outputs} is a file; point PUNOS_OUTPUTS at a folder")
    return outputs


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
    scheduler: str | None = None,
) -> RunReport:
    """Execute the study notebooks of one region with papermill into ``outputs/notebooks/``.

    Parameters
    ----------
    sectors : iterable of str, optional
        Only these sectors' executions of the per-sector notebooks (and nothing else). Default: every
        notebook, the per-sector ones once per sector of ``data/sectors.yaml``.
    region : str
        Region code passed to every notebook, exactly as in
        :data:`punos_lib.reference.regions.REGIONS` (``"MK10"``).
    year : int, optional
        Reference year passed to every notebook (None = latest in the data); within
        :data:`punos_lib.pipeline.checks.YEAR_RANGE`.
    workers : int
        Parallel local worker processes (each runs one kernel at a time); ignored with ``scheduler``.
    notebooks_dir, outputs_dir, snapshot_dir : path-like, optional
        Defaults: ``<project>/notebooks``, :func:`punos_lib.paths.outputs_dir`,
        :func:`punos_lib.paths.snapshot_dir`.
    force : bool
        Re-execute even executions whose inputs have not changed.
    progress : bool
        Show a tqdm progress bar. The result table is printed in any case.
    lang : str
        Language of the study text passed to the notebooks.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://HOST:PORT``) to run the executions on.

    Returns
    -------
    RunReport
        ``.ok`` is False if any execution failed; the others still ran.

    Raises
    ------
    InputError
        A bad argument or curated input, or another run holds the outputs folder
        (:class:`punos_lib._lock.LockedError`); nothing was executed.
    SnapshotError
        The snapshot is missing or a payload does not match its checksum; nothing was executed.
    RunInterrupted
        Ctrl-C: what finished is recorded in ``run.json``.

    Examples
    --------
    >>> report = run(sectors=["metsa"], workers=2)  # doctest: +SKIP
    >>> report.ok  # doctest: +SKIP
    True
    """
    checks.check_region(region)
    setup = _prepare(notebooks_dir=notebooks_dir, snapshot_dir=snapshot_dir, workers=workers, year=year,
                     lang=lang, sectors=sectors, scheduler=scheduler)
    outputs = _outputs(outputs_dir)
    with OutputsLock(outputs, f"punos run --region {region}"):
        target = _target(setup, region, outputs, sectors, year, lang, force)
        _execute([target], setup, workers, scheduler, progress, f"punos run {region}")
    report = RunReport(executions=target.executions, run_file=target.run_file, region=region)
    print(report.table())
    return report


def run_regions(
    regions: Sequence[str] | str,
    *,
    sectors: Iterable[str] | None = None,
    year: int | None = None,
    workers: int = 1,
    notebooks_dir: str | os.PathLike[str] | None = None,
    outputs_dir: str | os.PathLike[str] | None = None,
    snapshot_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: bool = True,
    lang: str = "fi",
    scheduler: str | None = None,
) -> dict[str, RunReport]:
    """Execute the study for several regions in one batch, each into ``outputs/regions/<code>/``.

    All executions of all regions share one pool of workers (or the Dask cluster) and the
    snapshot's parsed-frame cache, so the regions after the first cost less than the first.

    Parameters
    ----------
    regions : str or sequence of str
        ``"all"`` (the 19 regions), a comma-separated string or a list of region codes.
    Other parameters
        As in :func:`run`.

    Returns
    -------
    dict of str to RunReport
        Per region, in the order given.
    """
    codes = checks.parse_regions(regions)
    setup = _prepare(notebooks_dir=notebooks_dir, snapshot_dir=snapshot_dir, workers=workers, year=year,
                     lang=lang, sectors=sectors, scheduler=scheduler)
    outputs = _outputs(outputs_dir)
    label = "all" if len(codes) == len(checks.REGIONS) else ",".join(codes)
    with OutputsLock(outputs, f"punos run --region {label}"):
        targets = [_target(setup, code, outputs / REGIONS_DIR / code, sectors, year, lang, force) for code in codes]
        _execute(targets, setup, workers, scheduler, progress, f"punos run ({len(codes)} regions)")
    reports = {t.region: RunReport(executions=t.executions, run_file=t.run_file, region=t.region) for t in targets}
    for code, report in reports.items():
        print(f"{code} {checks.REGIONS[code]}: {report.summary()} -> {report.run_file.parent}")
        for e in report.failed:
            print(f"  FAILED {e.run_id}: {e.error} (shown: {e.shown})")
    return reports


def _target(setup: _Setup, region: str, outputs: Path, sectors: Iterable[str] | None, year: int | None,
            lang: str, force: bool) -> _Target:
    """Plan one region's executions, decide which are unchanged, and prepare its outputs folder."""
    out_nb = outputs / "notebooks"
    out_nb.mkdir(parents=True, exist_ok=True)
    # Left by a run that was killed mid-notebook (this layout's staging, and the former one's).
    shutil.rmtree(outputs / executing.STAGING, ignore_errors=True)
    for stale in out_nb.glob(".*.running.ipynb"):
        stale.unlink()
    known = read_run_file(outputs / RUN_FILE)
    digests: dict[Path, bytes] = {}
    executions: list[Execution] = []
    for spec, params in specs.plan(setup.specs, sectors, setup.all_sectors, region, year, lang):
        if spec.path not in digests:
            digests[spec.path] = hashing.notebook_source_digest(spec.path)
        output = out_nb / f"{params['run_id']}.ipynb"
        record = known.get(params["run_id"], {})
        shown, shown_run = previous_shown(record, output)
        e = Execution(notebook=spec.path.name, source=spec.path, run_id=params["run_id"], parameters=params,
                      output=output, hash=hashing.execution_hash(digests[spec.path], params, setup.environment),
                      shown=shown, shown_run=shown_run)
        unchanged = record.get("status") == "ok" and record.get("hash") == e.hash and output.is_file()
        if unchanged and not force:
            e.seconds = float(record.get("seconds") or 0.0)
            e.finished = record.get("finished")
        else:
            e.status = "interrupted"  # until it finishes
        executions.append(e)
    env = executing.kernel_environment(outputs)
    env.update({"PUNOS_PROJECT_DIR": str(setup.project), "PUNOS_SNAPSHOT": str(setup.snapshot)})
    tasks = [
        {"input": str(e.source), "outputs": str(outputs), "parameters": e.parameters, "run_id": e.run_id,
         "cwd": str(setup.nb_dir), "env": env}
        for e in executions if e.status == "interrupted"
    ]
    return _Target(region, outputs, executions, known, tasks)


def _finish(e: Execution, result: dict[str, Any] | None, error: str | None) -> None:
    """Record the outcome of one execution on ``e``."""
    if result is not None:
        e.seconds = result["seconds"]
        error = result["error"]
    e.error = error
    e.finished = now()
    if error is None:
        e.status, e.shown = "ok", "this run"
        e.shown_run = {"parameters": e.parameters, "hash": e.hash, "finished": e.finished}
    else:
        e.status = "failed"  # shown / shown_run stay: the previous good results are kept


def _execute(targets: list[_Target], setup: _Setup, workers: int, scheduler: str | None, progress: bool,
             label: str) -> None:
    """Run every target's tasks in one pool (or on the Dask cluster), recording as they finish."""
    from tqdm.auto import tqdm

    jobs = [(t, task) for t in targets for task in t.tasks]
    if not jobs:
        for t in targets:
            write_run_file(t.run_file, t.known, t.executions)
        return
    by_id = {(id(t), e.run_id): e for t in targets for e in t.executions}
    bar = tqdm(total=len(jobs), desc=label, unit="nb", disable=not progress)
    if scheduler:
        from punos_lib.pipeline.distributed import DaskRunner

        runner: _Runner = DaskRunner(scheduler)
    else:
        runner = _LocalRunner(min(workers, len(jobs)))
    try:
        futures = {runner.submit(task): (t, task["run_id"]) for t, task in jobs}
        for future in cf.as_completed(futures):
            t, run_id = futures[future]
            e = by_id[(id(t), run_id)]
            try:
                _finish(e, future.result(), None)
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails only its notebook
                _finish(e, None, f"worker process failed: {type(exc).__name__}: {exc}")
            bar.set_postfix_str(f"{t.region} {e.run_id} {e.status}")
            bar.update(1)
            # Record progress as it happens so an interrupted run keeps what finished.
            write_run_file(t.run_file, t.known, [x for x in t.executions if x.status != "interrupted"])
    except KeyboardInterrupt:
        runner.stop()
        bar.close()
        for t in targets:
            write_run_file(t.run_file, t.known, t.executions)
            shutil.rmtree(t.outputs / executing.STAGING, ignore_errors=True)
        left = sum(e.status == "interrupted" for t in targets for e in t.executions)
        done = len(jobs) - left
        where = targets[0].run_file if len(targets) == 1 else targets[0].outputs.parent
        raise RunInterrupted(f"{done} executions finished and recorded in {where}, {left} stopped or not "
                             "started (their previous results are kept)") from None
    finally:
        runner.close()
    bar.close()
    for t in targets:
        write_run_file(t.run_file, t.known, t.executions)


class _Runner:
    """Where executions run: ``submit`` gives a concurrent.futures Future; ``stop`` ends all work."""

    def submit(self, task: dict[str, Any]) -> cf.Future:  # pragma: no cover - interface
        raise NotImplementedError

    def stop(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class _LocalRunner(_Runner):
    """Spawned worker processes on this machine that end with this process."""

    def __init__(self, workers: int) -> None:
        # spawn: forking a process that may hold threads (a Jupyter kernel, tqdm) can deadlock.
        context = multiprocessing.get_context("spawn")
        self.pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                           initializer=executing.worker_init, initargs=(os.getpid(),))

    def submit(self, task: dict[str, Any]) -> cf.Future:
        return self.pool.submit(executing.execute, task)

    def stop(self) -> None:
        # ProcessPoolExecutor cannot stop running work before Python 3.14 (terminate_workers);
        # its worker processes are ended directly, and each kernel exits when its worker is gone.
        processes = list(getattr(self.pool, "_processes", {}).values())
        for p in processes:
            p.terminate()
        for p in processes:
            p.join(timeout=5)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


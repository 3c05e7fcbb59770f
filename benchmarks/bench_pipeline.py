"""Benchmark the study build: cold run against its floor, warm rebuild, more regions, Dask workers.

    python benchmarks/bench_pipeline.py [--workers 2] [--regions 2] [--no-dask] [--keep]

Works in a temporary folder (the repository's outputs/ is not touched) on a copy of the project's
snapshot (data/snapshot, or a demo snapshot generated there when there is none), so the snapshot's
parsed-frame cache starts empty (bundled real data + demo data, as ``make study``). Measures, in one run, and prints each ratio against its goal:

- floor: as many executions of an empty notebook through papermill as the study has, with the same
  number of worker processes;
- cold run: ``pipeline.run`` into empty outputs (goal: at most 2.5 × the floor);
- cold run + ``publish.render`` (goal: at most 60 s);
- warm rebuild: run + render again with nothing changed (goal: at most 5 % of the cold build);
- more regions: ``pipeline.run_regions`` of ``--regions`` further regions in one batch, each region's
  cost against the cold first region (goal: at most 0.5);
- Dask: a forced run on a LocalCluster of two worker processes against one (goal: at least 1.7 ×).

Exits 0 (also when the study's notebooks do not exist yet, saying so); 1 if a run failed.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OTHER_REGIONS = ["MK07", "MK09", "MK12", "MK13", "MK11", "MK08"]


def _timed(label: str, fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s", flush=True)
    return result, seconds


def _empty_execution(path: str) -> None:
    import papermill

    papermill.execute_notebook(path, None, kernel_name="python3", progress_bar=False)


def _floor(folder: Path, executions: int, workers: int) -> None:
    """``executions`` runs of an empty notebook through papermill on ``workers`` processes."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    with cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_empty_execution, [str(path)] * executions))


def _goal(label: str, value: float, goal: str, met: bool, unit: str = "") -> None:
    print(f"{label:<34} {value:8.2f}{unit:<3} goal {goal:<8} {'met' if met else 'NOT MET'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--regions", type=int, default=2, help="further regions for the marginal cost (default 2)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args()

    os.environ["PUNOS_PROJECT_DIR"] = str(REPO)
    os.environ.setdefault("PUNOS_OFFLINE", "1")
    from punos_lib import pipeline, publish
    from punos_lib.errors import PunosError

    specs = pipeline.load_notebooks(REPO / "notebooks" / "notebooks.yaml")
    missing = [s.path.name for s in specs if not s.path.is_file()]
    if missing:
        print(f"bench_pipeline: skipped, notebooks not written yet: {', '.join(missing)}")
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="punos-bench-"))
    ok = True
    try:
        snapshot = tmp / "snapshot"
        source = REPO / "data" / "snapshot"
        if (source / "manifest.json").is_file():
            shutil.copytree(source, snapshot, ignore=shutil.ignore_patterns(".cache"))
        else:
            # As `make study`: the bundled real data, then example data for the rest.
            from punos_lib.snapshot import bundled, demo

            _timed("bundled + demo snapshot (not counted)",
                   lambda: (bundled.load_bundle(snapshot), demo.build_demo(snapshot, progress=False)))
        os.environ["PUNOS_SNAPSHOT"] = str(snapshot)
        outputs = tmp / "outputs"
        os.environ["PUNOS_OUTPUTS"] = str(outputs)
        w = args.workers

        def run(out: Path, **kw: Any) -> pipeline.RunReport:
            return pipeline.run(workers=w, outputs_dir=out, snapshot_dir=snapshot, progress=False, **kw)

        def render() -> None:
            try:
                publish.render(outputs_dir=outputs)
            except PunosError as exc:
                print(f"render failed: {exc}")

        report, cold_run = _timed(f"cold run (workers={w})", lambda: run(outputs))
        ok &= report.ok
        n = len(report.executions)
        _, floor = _timed(f"floor: {n} empty papermill executions (workers={w})", lambda: _floor(tmp, n, w))
        _, cold_render = _timed("cold render", render)
        warm_report, warm_run = _timed("warm run (nothing changed)", lambda: run(outputs))
        _, warm_render = _timed("warm render", render)

        regions = OTHER_REGIONS[: args.regions]
        more = 0.0
        if regions:
            reports, more = _timed(f"{len(regions)} more regions in one batch ({','.join(regions)})",
                                   lambda: pipeline.run_regions(regions, workers=w, outputs_dir=tmp / "regions",
                                                                snapshot_dir=snapshot, progress=False))
            ok &= all(r.ok for r in reports.values())

        dask = None
        if not args.no_dask:
            from distributed import LocalCluster

            def on_cluster(workers: int) -> float:
                with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
                    report, seconds = _timed(f"forced run on Dask, {workers} worker(s)",
                                             lambda: run(tmp / f"dask{workers}", force=True,
                                                         scheduler=cluster.scheduler_address))
                nonlocal ok
                ok &= report.ok
                return seconds

            one = on_cluster(1)
            two = on_cluster(2)
            dask = one / two

        cold = cold_run + cold_render
        warm = warm_run + warm_render
        print(f"\nexecutions: {n}; skipped on warm run: {warm_report.counts()['skipped']}; CPUs: {os.cpu_count()}; "
              f"load average: {os.getloadavg()[0]:.1f}")
        _goal("cold run / floor", cold_run / floor, "<= 2.5", cold_run / floor <= 2.5, " x")
        _goal("cold run + render", cold, "<= 60", cold <= 60, " s")
        _goal("warm rebuild / cold build", 100 * warm / cold, "<= 5", warm / cold <= 0.05, " %")
        if regions:
            marginal = more / len(regions) / cold_run
            _goal("each further region / first", marginal, "<= 0.5", marginal <= 0.5, " x")
        if dask is not None:
            _goal("Dask 2 workers vs 1", dask, ">= 1.7", dask >= 1.7, " x")
        if args.keep:
            print(f"kept {tmp}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

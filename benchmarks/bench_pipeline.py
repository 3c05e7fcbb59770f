"""Benchmark the study build: cold build, warm rebuild, and two workers against one.

    python benchmarks/bench_pipeline.py [--keep]

Works in a temporary outputs folder (the repository's outputs/ is not touched) with the project's
snapshot (data/snapshot, or a demo snapshot generated into the temporary folder when there is none).
Measures, in one run:

- cold build: ``pipeline.run(workers=1)`` + ``publish.render()`` into empty outputs;
- warm rebuild with nothing changed (goal: at most 10 % of the cold build);
- ``pipeline.run(workers=2, force=True)`` against the cold ``workers=1`` run (goal: at least 1.6×
  faster; needs two free cores).

Prints the times and ratios; exits 0 (also when the study's notebooks do not exist yet, saying so).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<38} {seconds:8.2f} s")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    try:
        outputs = tmp / "outputs"
        snapshot = REPO / "data" / "snapshot"
        if not (snapshot / "manifest.json").is_file():
            from punos_lib.snapshot import demo

            snapshot = tmp / "snapshot"
            _timed("demo snapshot (not counted)", lambda: demo.build_demo(snapshot, progress=False))
        os.environ["PUNOS_SNAPSHOT"] = str(snapshot)
        os.environ["PUNOS_OUTPUTS"] = str(outputs)

        def run(workers: int, force: bool = False) -> pipeline.RunReport:
            return pipeline.run(workers=workers, force=force, outputs_dir=outputs, snapshot_dir=snapshot,
                                progress=False)

        def render() -> publish.RenderReport | None:
            try:
                return publish.render(outputs_dir=outputs)
            except PunosError as exc:
                # Still measure the runs; the ratio then covers the runs only.
                print(f"render failed (not counted): {exc}")
                return None

        report, cold_run = _timed("cold run (workers=1)", lambda: run(1))
        if not report.ok:
            print(report.table())
        _, cold_render = _timed("cold render (html+pdf)", render)
        report, warm_run = _timed("warm run (nothing changed)", lambda: run(1))
        _, warm_render = _timed("warm render", render)
        report2, par_run = _timed("forced run (workers=2)", lambda: run(2, force=True))

        cold = cold_run + cold_render
        warm = warm_run + warm_render
        executions = len(report.executions)
        print(f"\nexecutions: {executions}; skipped on warm run: {report.counts()['skipped']}; "
              f"CPUs: {os.cpu_count()}")
        print(f"cold build              {cold:8.2f} s")
        print(f"warm rebuild            {warm:8.2f} s  = {warm / cold:6.1%} of cold   (goal <= 10 %)")
        print(f"workers=2 speed-up      {cold_run / par_run:8.2f} x             (goal >= 1.6 x)")
        if args.keep:
            print(f"kept {tmp}")
        return 0 if report2.ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

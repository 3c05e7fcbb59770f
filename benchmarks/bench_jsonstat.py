"""Benchmark: punos_lib.sources.jsonstat.read against pyjstat on a 1,000,000-cell json-stat2 dataset.

Run with ``.venv/bin/python benchmarks/bench_jsonstat.py`` (``--pyjstat-runs 1`` to time pyjstat
once instead of best of 3; it is slow). Not a test: it prints what it measured and exits 0.

The dataset looks like a StatFin jobseeker table: 320 areas (KU/MK codes) × 25 occupations
(AML 2010 codes) × 25 months × 5 contents = 1,000,000 cells, about 3 % suppressed (null value
with status ``"..."`` in a sparse status object), values with one decimal.

Measured:

- speed: best of N wall-clock runs (``time.perf_counter``) of ``jsonstat.read(text)`` and of
  ``pyjstat.Dataset.read(text).write("dataframe")``, both from the same JSON text;
- memory: the tracemalloc peak of ``jsonstat.read`` (a) from an already parsed dict and
  (b) from JSON text (this one includes ``json.loads`` and the parsed objects), against the
  resulting frame's ``memory_usage(deep=True).sum()``.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from punos_lib.sources import jsonstat

TARGET_SPEEDUP = 10.0
TARGET_PEAK_RATIO = 3.0


def make_dataset(seed: int = 2024) -> dict[str, Any]:
    """A deterministic 320 × 25 × 25 × 5 json-stat2 dataset with sparse status."""
    rng = np.random.default_rng(seed)
    areas = [f"KU{i:03d}" for i in range(1, 301)] + [f"MK{i:02d}" for i in range(1, 20)] + ["SSS"]
    occupations = [f"{code}" for code in rng.choice(np.arange(1110, 9630), size=25, replace=False)]
    months = [f"{2022 + (m // 12)}M{m % 12 + 1:02d}" for m in range(25)]
    contents = ["TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA", "HAKIJATLOPUSSA", "UUDETAVP", "TYOVOIMATK"]
    sizes = [len(areas), len(occupations), len(months), len(contents)]
    n = int(np.prod(sizes))
    values = np.round(rng.gamma(2.0, 40.0, size=n), 1)
    suppressed = rng.random(n) < 0.03
    value_list: list[float | None] = values.tolist()
    for i in np.flatnonzero(suppressed).tolist():
        value_list[i] = None
    status = {str(i): "..." for i in np.flatnonzero(suppressed).tolist()}

    def dim(label: str, codes: list[str], texts: list[str]) -> dict[str, Any]:
        return {
            "label": label,
            "category": {"index": {c: i for i, c in enumerate(codes)}, "label": dict(zip(codes, texts))},
        }

    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Synthetic benchmark dataset (not statistics)",
        "source": "punos benchmark",
        "updated": "2026-01-01T00:00:00Z",
        "id": ["alue", "ammatti", "kuukausi", "tiedot"],
        "size": sizes,
        "role": {"geo": ["alue"], "time": ["kuukausi"], "metric": ["tiedot"]},
        "dimension": {
            "alue": dim("Alue", areas, [f"Alue {a}" for a in areas]),
            "ammatti": dim("Ammatti", occupations, [f"Ammattiryhmä {o}" for o in occupations]),
            "kuukausi": dim("Kuukausi", months, months),
            "tiedot": dim("Tiedot", contents, [c.capitalize() for c in contents]),
        },
        "value": value_list,
        "status": status,
    }


def best_of(runs: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def traced_peak(func: Callable[[], Any]) -> tuple[int, Any]:
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of jsonstat.read (best is kept)")
    parser.add_argument("--pyjstat-runs", type=int, default=3, help="runs of pyjstat (best is kept)")
    args = parser.parse_args()

    payload = make_dataset()
    text = json.dumps(payload)
    n_cells = int(np.prod(payload["size"]))
    print(f"dataset: {n_cells:,} cells, sizes {payload['size']}, JSON text {len(text) / 1e6:.1f} MB")

    t_ours, frame = best_of(args.runs, lambda: jsonstat.read(text))
    t_dict, _ = best_of(args.runs, lambda: jsonstat.read(payload))
    frame_bytes = int(frame.memory_usage(deep=True).sum())
    print(f"punos jsonstat.read(text): best of {args.runs} = {t_ours:.3f} s   (from dict: {t_dict:.3f} s)")
    print(f"frame: {frame.shape}, memory_usage(deep=True) = {frame_bytes / 1e6:.1f} MB")
    # The object status column (mostly None) dominates the deep size; show the rest too,
    # so the peak ratios below can be judged against a leaner frame as well.
    lean_bytes = int(frame.drop(columns="status").memory_usage(deep=True).sum())
    print(f"frame without the status column: {lean_bytes / 1e6:.1f} MB")

    try:
        import pyjstat.pyjstat as pyjstat_module
    except ImportError:
        print("pyjstat is not installed: speed comparison skipped (pip install pyjstat)")
        t_theirs = None
    else:
        t_theirs, theirs = best_of(
            args.pyjstat_runs, lambda: pyjstat_module.Dataset.read(text).write("dataframe")
        )
        print(f"pyjstat Dataset.read(text).write('dataframe'): best of {args.pyjstat_runs} = {t_theirs:.3f} s")
        # Same cells in the same order? (pyjstat names columns by label and keeps NaN.)
        same = np.allclose(
            theirs["value"].to_numpy(dtype=float), frame["value"].to_numpy(), equal_nan=True
        )
        print(f"values agree with pyjstat cell by cell: {same}")

    peak_dict, _ = traced_peak(lambda: jsonstat.read(payload))
    peak_text, _ = traced_peak(lambda: jsonstat.read(text))
    ratio_dict = peak_dict / frame_bytes
    ratio_text = peak_text / frame_bytes
    print(f"peak memory of jsonstat.read from a parsed dict: {peak_dict / 1e6:.1f} MB = {ratio_dict:.2f}× the frame")
    print(
        f"peak memory of jsonstat.read from JSON text (json.loads included): {peak_text / 1e6:.1f} MB "
        f"= {ratio_text:.2f}× the frame"
    )

    print(
        f"(against the frame without status: from dict {peak_dict / lean_bytes:.2f}×, "
        f"from text {peak_text / lean_bytes:.2f}×)"
    )
    print("--- against the targets ---")
    if t_theirs is not None:
        speedup = t_theirs / t_ours
        verdict = "met" if speedup >= TARGET_SPEEDUP else "NOT met"
        print(f"speed-up over pyjstat: {speedup:.1f}× (target ≥ {TARGET_SPEEDUP:.0f}×: {verdict})")
    verdict = "met" if ratio_dict <= TARGET_PEAK_RATIO else "NOT met"
    print(f"peak/frame from a parsed dict: {ratio_dict:.2f}× (target ≤ {TARGET_PEAK_RATIO:.0f}×: {verdict})")
    verdict = "met" if ratio_text <= TARGET_PEAK_RATIO else "NOT met"
    print(f"peak/frame from JSON text: {ratio_text:.2f}× (target ≤ {TARGET_PEAK_RATIO:.0f}×: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

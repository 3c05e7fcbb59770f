"""Benchmark: punos_lib.sources.jsonstat.read on a 1,000,000-cell json-stat2 text, against the parse floor and pyjstat.

Run with ``.venv/bin/python benchmarks/bench_jsonstat.py`` (``--pyjstat-runs 1`` to time pyjstat
once instead of best of 3; it is slow). Not a test: it prints what it measured and exits 0.

The dataset looks like a StatFin jobseeker table: 320 areas (KU/MK codes) × 25 occupations
(AML 2010 codes) × 25 months × 5 contents = 1,000,000 cells, about 3 % suppressed (null value
with status ``"..."`` in a sparse status object), values with one decimal.

Measured in one run, from the same JSON text:

- seconds (best of N, the candidates interleaved round by round so that a busy machine slows
  them alike) of ``jsonstat.read(text)``, ``json.loads(text)``, ``orjson.loads(text)`` (the parse
  floor: no reader can decode the text faster than it can be parsed) and
  ``pyjstat.Dataset.read(text).write("dataframe")``;
- the frame's ``memory_usage(deep=True).sum()`` and the tracemalloc peak of ``jsonstat.read(text)``.

Goals (issue 12): the frame at most half of the 43.1 MB this benchmark measured before the status
column became categorical (at commit 9452120, when reading from text took 0.328 s against pyjstat's
7.9 s on this machine); decoding from text at least 30× faster than pyjstat and at most 2×
``orjson.loads`` of the same text.
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

from punos_lib.sources import _json, jsonstat

#: memory_usage(deep=True) of this benchmark's frame before categoricals (object status column).
FRAME_MB_BEFORE = 43.1
GOAL_FRAME_SHARE = 0.5
GOAL_OVER_PYJSTAT = 30.0
GOAL_OVER_ORJSON = 2.0


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


def interleaved_best(runs: int, funcs: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Best wall-clock seconds of each function, timing them in turn in every round."""
    best = {name: float("inf") for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            gc.collect()
            start = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def traced_peak(func: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of the fast candidates (best is kept)")
    parser.add_argument("--pyjstat-runs", type=int, default=3, help="runs of pyjstat (best is kept)")
    args = parser.parse_args()

    payload = make_dataset()
    text = json.dumps(payload)
    n_cells = int(np.prod(payload["size"]))
    print(f"cells: {n_cells:,} (sizes {payload['size']}), JSON text {len(text) / 1e6:.1f} MB")
    print(f"JSON parser used by punos: {'orjson' if _json.FAST else 'json (orjson not installed)'}")

    frame = jsonstat.read(text)
    frame_mb = frame.memory_usage(deep=True).sum() / 1e6
    print(f"frame: {frame.shape}, memory_usage(deep=True) = {frame_mb:.1f} MB "
          f"(before categoricals: {FRAME_MB_BEFORE:.1f} MB)")
    dtypes = ", ".join(f"{c}: {t}" for c, t in frame.dtypes.astype(str).items())
    print(f"columns: {dtypes}")

    funcs: dict[str, Callable[[], Any]] = {
        "punos jsonstat.read(text)": lambda: jsonstat.read(text),
        "json.loads(text)": lambda: json.loads(text),
    }
    try:
        import orjson
    except ImportError:
        orjson = None
        print("orjson is not installed: the parse-floor comparison is skipped (pip install orjson)")
    else:
        funcs["orjson.loads(text)"] = lambda: orjson.loads(text)
    seconds = interleaved_best(args.runs, funcs)
    for name, sec in seconds.items():
        print(f"{name}: best of {args.runs} = {sec:.3f} s")

    t_pyjstat = None
    try:
        import pyjstat.pyjstat as pyjstat_module
    except ImportError:
        print("pyjstat is not installed: speed comparison skipped (pip install pyjstat)")
    else:
        t_pyjstat = interleaved_best(
            args.pyjstat_runs, {"pyjstat": lambda: pyjstat_module.Dataset.read(text).write("dataframe")}
        )["pyjstat"]
        print(f"pyjstat Dataset.read(text).write('dataframe'): best of {args.pyjstat_runs} = {t_pyjstat:.3f} s")
        theirs = pyjstat_module.Dataset.read(text).write("dataframe")
        same = np.allclose(theirs["value"].to_numpy(dtype=float), frame["value"].to_numpy(), equal_nan=True)
        print(f"values agree with pyjstat cell by cell: {same}")

    peak = traced_peak(lambda: jsonstat.read(text))
    print(f"peak memory of jsonstat.read(text) (parsing included): {peak / 1e6:.1f} MB "
          f"= {peak / 1e6 / frame_mb:.2f}× the frame")

    t_read = seconds["punos jsonstat.read(text)"]
    print("--- against the goals ---")
    share = frame_mb / FRAME_MB_BEFORE
    print(f"frame / before: {share:.2f} (goal ≤ {GOAL_FRAME_SHARE}: {verdict(share <= GOAL_FRAME_SHARE)})")
    if t_pyjstat is not None:
        speedup = t_pyjstat / t_read
        print(f"pyjstat / punos read: {speedup:.1f}× (goal ≥ {GOAL_OVER_PYJSTAT:.0f}×: "
              f"{verdict(speedup >= GOAL_OVER_PYJSTAT)})")
    if "orjson.loads(text)" in seconds:
        floor = t_read / seconds["orjson.loads(text)"]
        print(f"punos read / orjson.loads: {floor:.2f}× (goal ≤ {GOAL_OVER_ORJSON:.0f}×: "
              f"{verdict(floor <= GOAL_OVER_ORJSON)})")
    print(f"punos read / json.loads: {t_read / seconds['json.loads(text)']:.2f}× (for reference)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: how many requests PxWebClient needs for a selection far over the cell limit.

Run with ``.venv/bin/python benchmarks/bench_statfin_requests.py``. Not a test: it starts the
local PxWeb v1 server of the tests (``tests/pxweb_server.py``; maxCells 1000, maxCalls 5 per
1 s window unless told otherwise), asks the generated table for about 20–50 × maxCells, and
prints cells, maxCells (read from the server's ``?config``), the data requests used, the bound
1.25 × ceil(cells / maxCells) + 1, their ratio, the calls per window seen by the server and the
wall-clock time. It exits 0 (and 1 only if the data came back wrong).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import numpy as np  # noqa: E402
from pxweb_server import GEN_AGES, GEN_AREAS, GEN_CONTENTS, GEN_YEARS, PxWebServer, generated_value  # noqa: E402

from punos_lib.sources._http import HttpSession  # noqa: E402
from punos_lib.sources.statfin import PxWebClient  # noqa: E402

SELECTIONS = {
    # 40 × 20 × 25 × 2 = 40,000 cells (40 × maxCells): one dimension (area) is cut.
    "40 areas, all else": {"@area": GEN_AREAS[:40], "Ikä": "*", "@time": "*", "@contents": "*"},
    # 37 × 13 × 23 × 2 = 22,126 cells: awkward sizes, so no single cut is exact.
    "awkward sizes": {"@area": GEN_AREAS[:37], "Ikä": GEN_AGES[:13], "@time": "top:23", "@contents": "*"},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-cells", type=int, default=1000)
    parser.add_argument("--max-calls", type=int, default=5)
    parser.add_argument("--window", type=float, default=1.0)
    args = parser.parse_args()

    ok = True
    with PxWebServer(max_cells=args.max_cells, max_calls=args.max_calls, time_window=args.window) as server:
        for name, selection in SELECTIONS.items():
            server.clear_log()
            with PxWebClient(server.base_url, session=HttpSession(retries=4, backoff=0.05)) as client:
                max_cells = client.cell_limit()
                start = time.perf_counter()
                df = client.get("testi/gen", selection)
                seconds = time.perf_counter() - start
            cells = len(df)
            posts = [c for c in server.log if c.method == "POST"]
            bound = 1.25 * math.ceil(cells / max_cells) + 1
            times = [c.time for c in server.log]
            busiest = max(sum(1 for u in times if t <= u < t + float(server.config["timeWindow"])) for t in times)
            # Codes → positions in the whole table, then the table's formula, to check every cell.
            index = [
                np.array([full.index(c) for c in df[d["code"]]])
                for d, full in zip(df.attrs["dimensions"], (GEN_AREAS, GEN_AGES, GEN_YEARS, GEN_CONTENTS), strict=True)
            ]
            same = bool(np.array_equal(df["value"].to_numpy(), generated_value(*index), equal_nan=True))
            ok &= same
            print(f"{name}:")
            print(f"  cells                {cells:>10,}")
            print(f"  maxCells (?config)   {max_cells:>10,}   ({cells / max_cells:.1f} × maxCells)")
            print(f"  data requests        {len(posts):>10,}   (ideal ceil(cells/maxCells) = {math.ceil(cells / max_cells)})")
            print(f"  bound 1.25·ceil+1    {bound:>10.2f}")
            print(f"  requests / bound     {len(posts) / bound:>10.3f}")
            print(f"  busiest window       {busiest:>10}   calls (maxCalls {server.config['maxCalls']} per {server.config['timeWindow']} s)")
            print(f"  429 answers          {sum(c.status == 429 for c in server.log):>10}")
            print(f"  wall clock           {seconds:>10.2f} s")
            print(f"  every cell correct   {same!s:>10}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Splitting a selection into the fewest requests under a cell limit (pure, no server)."""

from __future__ import annotations

import math

from punos_lib.sources.statfin import build_query, split_selection
from punos_lib.sources.statfin.split import _chunk_sizes


def test_chunk_sizes_reach_the_least_grid_of_requests() -> None:
    # Hand-computed: 61 × 20 × 25 × 2 = 61,000 cells, 1,000 per request → 61 requests at best.
    chunks = _chunk_sizes([61, 20, 25, 2], 1000)
    assert chunks == [1, 20, 25, 2]
    # 300 × 400 = 120,000 → 120 at best: cut both (5 areas × 200, or any 1,000-cell box).
    chunks = _chunk_sizes([300, 400], 1000)
    assert math.prod(chunks) <= 1000
    assert math.ceil(300 / chunks[0]) * math.ceil(400 / chunks[1]) == 120
    # 50 × 50 × 4 at 100 per request: no single dimension can be cut alone; 100 requests exist.
    chunks = _chunk_sizes([50, 50, 4], 100)
    assert math.prod(chunks) <= 100
    assert math.prod(math.ceil(n / c) for n, c in zip([50, 50, 4], chunks, strict=True)) == 100
    assert _chunk_sizes([3, 4], 12) == [3, 4]


def test_split_selection_covers_every_cell_once() -> None:
    sel = {"a": [str(i) for i in range(7)], "b": ["x", "y", "z"], "c": ["p", "q"]}
    boxes = split_selection(sel, 5)
    assert all(math.prod(len(v) for v in box.values()) <= 5 for box in boxes)
    cells = [(a, b, c) for box in boxes for a in box["a"] for b in box["b"] for c in box["c"]]
    assert sorted(cells) == sorted((a, b, c) for a in sel["a"] for b in sel["b"] for c in sel["c"])
    # By hand: boxes of ≤ 5 cells over 7 × 3 × 2 — (2,1,2) → 4·3·1 = 12, (5,1,1) → 2·3·2 = 12,
    # (1,3,1) → 7·1·2 = 14, (1,1,2) → 21; no grid does better than 12.
    assert len(boxes) == 12
    assert build_query({"b": ["x"]})["query"] == [{"code": "b", "selection": {"filter": "item", "values": ["x"]}}]

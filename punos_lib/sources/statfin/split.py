"""Splitting a selection over a server's cell limit into the fewest requests a grid of chunks allows.

Pure functions, no network. The requests form a grid over the selection (each dimension cut into
consecutive, balanced pieces), so :func:`punos_lib.sources.statfin.assemble.assemble` can put the
parts back in the full row-major cube.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import product

from punos_lib.errors import InputError
from punos_lib.sources.statfin.selection import selection_cells

__all__ = ["split_selection"]


def _chunk_sizes(sizes: Sequence[int], limit: int) -> list[int]:
    """Largest chunk per dimension so that chunk cells ≤ limit and the number of requests is least.

    The requests form a grid: dimension i is cut into ceil(n_i / c_i) pieces, and the number of
    requests is the product of the piece counts. A dynamic programme over the dimensions keeps,
    for each reachable product of chunk sizes, the fewest requests (a Pareto front), so the
    result is optimal for a grid of chunks, whichever and however many dimensions need cutting.
    """
    if limit < 1:
        raise InputError(f"the cell limit must be at least 1, got {limit}")
    # state: cells per request → (requests, chunk sizes so far)
    front: list[tuple[int, int, tuple[int, ...]]] = [(1, 1, ())]
    for n in sizes:
        # For k pieces the smallest possible largest piece is ceil(n / k): only those sizes matter.
        candidates = sorted({-(-n // k) for k in range(1, n + 1)}) if n > 0 else [0]
        best: dict[int, tuple[int, tuple[int, ...]]] = {}
        for cells, requests, chunks in front:
            for c in candidates:
                total = cells * max(c, 1)
                if total > limit:
                    break
                count = requests * (-(-n // c) if c else 1)
                if total not in best or best[total][0] > count:
                    best[total] = (count, (*chunks, c))
        front = []
        fewest = math.inf
        for total in sorted(best):
            count, chunks = best[total]
            if count < fewest:  # more cells per request is only worth it with fewer requests
                front.append((total, count, chunks))
                fewest = count
    # Fewest requests; among equals, cut as few dimensions as possible.
    _, _, chunks = min(front, key=lambda s: (s[1], sum(c < n for c, n in zip(s[2], sizes, strict=True))))
    return list(chunks)


def _pieces(values: Sequence[str], chunk: int) -> list[list[str]]:
    n = len(values)
    if chunk >= n or chunk <= 0:
        return [list(values)]
    k = -(-n // chunk)
    # Balanced pieces (sizes differ by at most one) so no request is needlessly small.
    bounds = [round(i * n / k) for i in range(k + 1)]
    return [list(values[bounds[i] : bounds[i + 1]]) for i in range(k)]


def split_selection(selection: Mapping[str, Sequence[str]], cell_limit: int) -> list[dict[str, list[str]]]:
    """Split a resolved selection into the fewest boxes of at most ``cell_limit`` cells.

    The boxes form a grid over the selection (each dimension cut into consecutive, balanced
    pieces), in row-major order of the pieces; together they hold every cell exactly once.

    Parameters
    ----------
    selection : mapping
        Variable code → value codes, as :func:`resolve_selection` returns.
    cell_limit : int
        Cells one request may select (:meth:`punos_lib.sources.statfin.client.PxWebClient.cell_limit`).

    Returns
    -------
    list of dict
        One selection per request; a single item when the whole selection fits.

    Examples
    --------
    >>> split_selection({"alue": ["KU091", "KU491"], "vuosi": ["2024", "2025"]}, 2)
    [{'alue': ['KU091'], 'vuosi': ['2024', '2025']}, {'alue': ['KU491'], 'vuosi': ['2024', '2025']}]
    """
    codes = list(selection)
    if selection_cells(selection) <= cell_limit:
        return [{c: list(v) for c, v in selection.items()}]
    chunks = _chunk_sizes([len(selection[c]) for c in codes], cell_limit)
    per_dim = [_pieces(selection[c], chunk) for c, chunk in zip(codes, chunks, strict=True)]
    return [dict(zip(codes, combo, strict=True)) for combo in product(*per_dim)]


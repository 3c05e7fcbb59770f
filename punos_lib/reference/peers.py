"""``data/peers.yaml``: the regions each region is compared with in the summary chapter."""

from __future__ import annotations

import os
from pathlib import Path

from punos_lib.paths import data_dir
from punos_lib.records import Problems, read_yaml
from punos_lib.reference.regions import REGIONS

__all__ = ["load_peers"]


def load_peers(path: str | os.PathLike[str] | None = None) -> dict[str, list[str]]:
    """Region → its configured peer regions, validated.

    Raises
    ------
    ValidationError
        Every problem of the file at once: an unknown region code (as a key or a peer), a region
        listed as its own peer, a peer list that is not a list.

    Examples
    --------
    >>> load_peers()["MK10"]
    ['MK11', 'MK09', 'MK12', 'MK08']
    """
    file = Path(path) if path is not None else data_dir() / "peers.yaml"
    doc = read_yaml(file)
    problems = Problems(file)
    peers = doc.get("peers") if isinstance(doc, dict) else None
    if not isinstance(peers, dict):
        problems.add("the file must have a mapping 'peers:' of region code → list of region codes")
        problems.raise_if_any("peer regions")
        return {}
    out: dict[str, list[str]] = {}
    for region, listed in peers.items():
        if region not in REGIONS:
            problems.add(f"{region!r} is not a region code; use one of {', '.join(REGIONS)}")
            continue
        if not isinstance(listed, list) or not listed:
            problems.add(f"{region}: the peers must be a non-empty list of region codes")
            continue
        for peer in listed:
            if peer not in REGIONS or peer == region:
                problems.add(f"{region}: peer {peer!r} is not another region's code; "
                             f"use codes from {', '.join(REGIONS)}")
        out[str(region)] = [str(p) for p in listed]
    problems.raise_if_any("peer regions")
    return out

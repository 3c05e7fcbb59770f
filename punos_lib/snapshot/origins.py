"""Where each snapshot entry and each declared dataset came from: the API, the bundled real data,
a hand import, or synthetic example data.

Used by ``punos snapshot list`` and by the study's introduction, which lists the parts resting on
real statistics (with their periods) and those resting on example data.

Examples
--------
>>> from punos_lib.snapshot.store import Snapshot
>>> rows = dataset_origins(Snapshot("/tmp/punos-snap"))      # doctest: +SKIP
>>> rows[0].origin, rows[0].period                           # doctest: +SKIP
('bundled', '1972–2025 (2025 preliminary)')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from punos_lib.reference import declarations
from punos_lib.snapshot.bundled import SOURCE as BUNDLED
from punos_lib.snapshot.store import Entry, Snapshot

__all__ = ["Origin", "DatasetOrigin", "origin", "dataset_origins"]

Origin = Literal["api", "bundled", "imported", "example", "missing"]


def origin(entry: Entry) -> Origin:
    """``example`` (synthetic), ``bundled`` (data/real), ``imported`` (by hand) or ``api`` (fetched)."""
    if entry.synthetic:
        return "example"
    if entry.source == BUNDLED:
        return "bundled"
    if entry.kind == "import":
        return "imported"
    return "api"


@dataclass(frozen=True)
class DatasetOrigin:
    """One declared dataset: its Finnish title, table, where its entries came from, and the period.

    ``period`` is known for bundled data (from ``data/real/bundle.yaml``); for fetched data it is
    ``None`` (the figures state their years), ``updated`` is the upstream update stamp if any.
    """

    dataset: str
    title_fi: str
    table: str | None
    origin: Origin
    period: str | None
    updated: str | None


def dataset_origins(snap: Snapshot | str | os.PathLike[str] | None = None,
                    declaration_path: str | os.PathLike[str] | None = None) -> list[DatasetOrigin]:
    """Every declared dataset (in declaration order) with the origin of its entries.

    A dataset whose entries mix origins counts as ``example`` when any entry is synthetic (its
    figures are marked as example data), else by its data entries.
    """
    store = snap if isinstance(snap, Snapshot) else Snapshot(snap)
    rows = []
    for decl in declarations.load(declaration_path):
        entries = store.entries(dataset=decl.id) if store.exists else []
        if not entries:
            kind: Origin = "missing"
        elif any(e.synthetic for e in entries):
            kind = "example"
        else:
            kinds = {origin(e) for e in entries}
            kind = "bundled" if kinds == {"bundled"} else ("imported" if "imported" in kinds else "api")
        # the period of the data itself (a table's metadata covers the whole table)
        periods = sorted({str(e.query["period"]) for e in entries if kind == "bundled" and e.kind != "metadata"
                          and isinstance(e.query, dict) and e.query.get("period")})
        stamps = sorted(e.updated for e in entries if e.updated)
        rows.append(DatasetOrigin(decl.id, decl.title_fi, decl.table, kind,
                                  "; ".join(periods) or None, stamps[-1] if stamps else None))
    return rows

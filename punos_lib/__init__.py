"""punos_lib: skills-needs anticipation toolkit for a Finnish region.

The folders follow the data (see docs/architecture.md):

- :mod:`punos_lib.sources`    the public APIs and their formats (StatFin, JSON-stat, PC-Axis, WFS, Vipunen)
- :mod:`punos_lib.snapshot`   the pinned snapshot with provenance (store, fetch, demo)
- :mod:`punos_lib.reference`  curated reference inputs (regions, municipalities and mergers, labels, sectors, the dataset declaration)
- :mod:`punos_lib.datasets`   tidy frames of the study's datasets from a snapshot
- :mod:`punos_lib.indicators` pure indicator functions
- :mod:`punos_lib.registry`   the three aims' curated records and their tables (catalogue, actors, forums, comparison)
- :mod:`punos_lib.analysis`   the analysis steps by concept (population, economy, occupations, …)
- :mod:`punos_lib.present`    figures, maps, tile grids, tables for display (``curated``: the figures of the registry)
- :mod:`punos_lib.study`      the notebook-facing context
- :mod:`punos_lib.pipeline`   papermill batch runs; :mod:`punos_lib.publish` rendering; :mod:`punos_lib.cli`

The names below are what notebooks and users import (``from punos_lib import datasets, study``);
they load on first use, so importing the package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from punos_lib.errors import PunosError

__version__ = "0.1.0"

#: Public name → module that holds it (loaded lazily by ``__getattr__``).
_MODULES: dict[str, str] = {
    "statfin": "punos_lib.sources.statfin",
    "jsonstat": "punos_lib.sources.jsonstat",
    "px": "punos_lib.sources.px",
    "geo": "punos_lib.sources.geo",
    "classifications": "punos_lib.sources.classifications",
    "vipunen": "punos_lib.sources.vipunen",
    "snapshot": "punos_lib.snapshot",
    "declarations": "punos_lib.reference.declarations",
    "sectors": "punos_lib.reference.sectors",
    "regions": "punos_lib.reference.regions",
    "municipalities": "punos_lib.reference.municipalities",
    "labels": "punos_lib.reference.labels",
    "datasets": "punos_lib.datasets",
    "indicators": "punos_lib.indicators",
    "analysis": "punos_lib.analysis",
    "catalogue": "punos_lib.registry.catalogue",
    "actors": "punos_lib.registry.actors",
    "forums": "punos_lib.registry.forums",
    "comparison": "punos_lib.registry.comparison",
    "figures": "punos_lib.present.figures",
    "maps": "punos_lib.present.maps",
    "tiles": "punos_lib.present.tiles",
    "curated": "punos_lib.present.curated",
    "tables": "punos_lib.present.tables",
    "study": "punos_lib.study",
    "pipeline": "punos_lib.pipeline",
    "publish": "punos_lib.publish",
}

__all__ = ["PunosError", "__version__", *_MODULES]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        module = importlib.import_module(_MODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'punos_lib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

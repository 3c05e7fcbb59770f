"""punos_lib: skills-needs anticipation toolkit for a Finnish region.

Modules, one per concept (see docs/architecture.md):

- :mod:`punos_lib.statfin`   Statistics Finland PxWeb API v1 client
- :mod:`punos_lib.jsonstat`  JSON-stat 2.0 reader
- :mod:`punos_lib.px`        PC-Axis reader
- :mod:`punos_lib.geo`       boundaries, municipality key, merger harmonisation
- :mod:`punos_lib.classifications`  classification API and labels
- :mod:`punos_lib.vipunen`   Vipunen education statistics API
- :mod:`punos_lib.snapshot`  the pinned data snapshot with provenance
- :mod:`punos_lib.datasets`  tidy frames of the study's datasets from a snapshot
- :mod:`punos_lib.indicators` pure indicator functions
- :mod:`punos_lib.pipeline`  papermill batch runs; :mod:`punos_lib.publish` rendering
"""

from .errors import PunosError

__version__ = "0.1.0"
__all__ = ["PunosError", "__version__"]

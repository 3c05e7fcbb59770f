"""Where data comes in: the only code that talks to the public APIs, and the readers of their formats.

- :mod:`~punos_lib.sources.statfin`  Statistics Finland PxWeb API v1: selection, split, assemble, client
- :mod:`~punos_lib.sources.jsonstat` JSON-stat 2.0 reader; :mod:`~punos_lib.sources.px` PC-Axis reader
- :mod:`~punos_lib.sources.geo`      geo.stat.fi WFS boundaries; the municipality key and mergers from the API
- :mod:`~punos_lib.sources.classifications` classification API; :mod:`~punos_lib.sources.vipunen` Vipunen API

Every request goes through the one HTTP layer (``_http``): offline switch, host allow-list, retries.
Nothing here imports the snapshot, the datasets, the analysis, the presentation or the registry: only
``errors``, ``paths``, ``_atomic``, ``records`` and ``reference``.
"""

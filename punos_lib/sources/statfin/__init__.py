"""Statistics Finland's PxWeb API v1 (StatFin): tables, metadata and data as tidy frames.

The package keeps the pure steps apart from the network, so each can be read and tested alone:

- :mod:`~punos_lib.sources.statfin.selection` variable roles and :func:`resolve_selection`
  (a friendly selection → explicit value codes), :func:`build_query` (the POST body);
- :mod:`~punos_lib.sources.statfin.split` :func:`split_selection`, the fewest requests a grid of
  chunks allows under the server's cell limit;
- :mod:`~punos_lib.sources.statfin.assemble` :func:`assemble`, the parts back into the full cube;
- :mod:`~punos_lib.sources.statfin.client` :class:`PxWebClient`: ``?config`` limits, pacing,
  table ids, requests and the server's errors.

Two paths give the data:

- :meth:`PxWebClient.get` returns the tidy frame (the shape of :func:`punos_lib.sources.jsonstat.read`)
  with provenance in ``attrs``;
- :meth:`PxWebClient.fetch_raw` returns the payloads exactly as received (:class:`RawResult`),
  for ``punos fetch`` to store in the snapshot; :func:`assemble` turns the stored parts back into
  the same frame offline.

Table ids are the short ids StatFin has used since 8 June 2026, with their database path:
``"tyonv/12ti"`` (``.px`` optional). Old long ids (``statfin_tyonv_pxt_12ti``) are refused
locally with the short id to use, because the server answers them only with ``400 Bad Request``.

Examples
--------
>>> from punos_lib.sources.statfin import PxWebClient
>>> client = PxWebClient()  # doctest: +SKIP
>>> df = client.get("vaerak/11re", {"@area": ["KU091"], "@time": "top:5",
...                                 "ikaryhma": ["SSS"], "sukupuoli": ["SSS"]})  # doctest: +SKIP
>>> df["value"].tolist()  # doctest: +SKIP
[658457.0, 664028.0, 674500.0, 684018.0, 694392.0]
"""

from __future__ import annotations

from punos_lib.sources.statfin.client import (
    ATTRIBUTION,
    DEFAULT_BASE_URL,
    LICENCE,
    PxWebClient,
    RawPart,
    RawResult,
)
from punos_lib.sources.statfin.selection import build_query, resolve_selection, variable_roles
from punos_lib.sources.statfin.split import split_selection

# Imported last: the submodule ``assemble`` and the function share a name, and the package
# attribute must be the function (``from punos_lib.sources.statfin import assemble``).
from punos_lib.sources.statfin.assemble import assemble

__all__ = [
    "DEFAULT_BASE_URL",
    "LICENCE",
    "ATTRIBUTION",
    "PxWebClient",
    "RawPart",
    "RawResult",
    "variable_roles",
    "resolve_selection",
    "split_selection",
    "build_query",
    "assemble",
]

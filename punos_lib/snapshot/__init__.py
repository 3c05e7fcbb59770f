"""The pinned snapshot: raw payloads as received plus a manifest with their provenance.

- :mod:`~punos_lib.snapshot.store` the folder, manifest, checksums, verify, hand imports
- :mod:`~punos_lib.snapshot.fetch` ``punos fetch``: fill the snapshot from the declaration
- :mod:`~punos_lib.snapshot.demo`  ``punos demo``: a deterministic synthetic snapshot in the real shapes
"""

from punos_lib.snapshot.store import Entry, Snapshot, VerifyReport, import_file

__all__ = ["Entry", "Snapshot", "VerifyReport", "import_file"]

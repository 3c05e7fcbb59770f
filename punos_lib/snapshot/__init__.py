"""The pinned snapshot: raw payloads as received plus a manifest with their provenance.

- :mod:`~punos_lib.snapshot.store`     the folder, manifest, checksums, verify, the in-progress marker
- :mod:`~punos_lib.snapshot.importing` ``punos snapshot import``: hand-downloaded files, checked against the declaration
- :mod:`~punos_lib.snapshot.cache`     parsed frames of the payloads, shared by every notebook
- :mod:`~punos_lib.snapshot.fetch`     ``punos fetch``: fill the snapshot from the declaration
- :mod:`~punos_lib.snapshot.demo`      ``punos demo``: a deterministic synthetic snapshot in the real shapes
"""

from punos_lib.snapshot.importing import import_file
from punos_lib.snapshot.store import Entry, Snapshot, VerifyReport

__all__ = ["Entry", "Snapshot", "VerifyReport", "import_file"]

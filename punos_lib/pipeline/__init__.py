"""Batch runs of the study notebooks with papermill: checked first, locked, parallel, incremental.

- :mod:`~punos_lib.pipeline.specs`: ``notebooks/notebooks.yaml`` and the executions it gives;
- :mod:`~punos_lib.pipeline.checks`: region, year, curated inputs and snapshot, checked before
  anything executes (also ``punos check``);
- :mod:`~punos_lib.pipeline.hashing`: the content hashes of incremental runs;
- :mod:`~punos_lib.pipeline.executing`: one execution in a worker (kernel, staging, swap);
- :mod:`~punos_lib.pipeline.record`: :class:`RunReport` and ``outputs/run.json``;
- :mod:`~punos_lib.pipeline.runner`: :func:`run` and :func:`run_regions`;
- :mod:`~punos_lib.pipeline.distributed`: executions on a Dask cluster.

Worker processes are spawned: scripts calling :func:`run` need an ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

from punos_lib.pipeline.checks import CheckReport, check_project
from punos_lib.pipeline.record import RUN_FILE, Execution, RunReport
from punos_lib.pipeline.runner import REGIONS_DIR, RunInterrupted, run, run_regions
from punos_lib.pipeline.specs import NotebookSpec, load_notebooks

__all__ = ["Execution", "RunReport", "NotebookSpec", "load_notebooks", "run", "run_regions", "RUN_FILE",
           "REGIONS_DIR", "RunInterrupted", "CheckReport", "check_project"]

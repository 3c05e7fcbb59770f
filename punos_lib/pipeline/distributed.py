"""Executions on a Dask distributed cluster (``punos run --scheduler tcp://HOST:PORT``).

Each execution is one Dask task calling :func:`punos_lib.pipeline.executing.execute`, exactly as a
local worker would: failures are isolated per notebook and reported the same way, and the results
land in the same outputs folder and run record. What the workers need: the project installed in
their Python environment (same version as here), and the project folder, the snapshot and the
outputs folder reachable under the same paths (a shared disk), because the task names them by path.
"""

from __future__ import annotations

import concurrent.futures as cf
from typing import Any

from punos_lib.errors import InputError, PipelineError
from punos_lib.pipeline import executing

__all__ = ["DaskRunner", "check_address"]


def check_address(address: object) -> str:
    """Return ``address`` when it has the form ``tcp://HOST:PORT`` (or ``tls://``), else raise InputError."""
    if not isinstance(address, str) or not address.startswith(("tcp://", "tls://")) or \
            not address.split("://", 1)[1].rpartition(":")[2].isdigit():
        raise InputError(f"scheduler address {address!r} is not of the form tcp://HOST:PORT")
    return address


class DaskRunner:
    """Submit executions to the Dask scheduler at ``address``.

    Raises
    ------
    InputError
        The address is not ``tcp://HOST:PORT``, or ``distributed`` is not installed.
    PipelineError
        The scheduler cannot be reached.
    """

    def __init__(self, address: str, *, timeout: float = 10.0) -> None:
        check_address(address)
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise InputError("running on a Dask cluster needs the 'distributed' package; "
                             "install the project again (`make install`)") from exc
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise PipelineError(f"cannot reach the Dask scheduler at {address} ({exc}); start it "
                                "(`dask scheduler`) and its workers, or run without --scheduler") from exc
        self.executor = self.client.get_executor(pure=False)

    def submit(self, task: dict[str, Any]) -> cf.Future:
        """Submit one execution; the result is :func:`executing.execute`'s."""
        return self.executor.submit(executing.execute, task)

    def stop(self) -> None:
        """Cancel every submitted execution."""
        self.executor.shutdown(wait=False)

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        try:
            self.executor.shutdown(wait=False)
        finally:
            self.client.close()

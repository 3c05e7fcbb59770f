"""One notebook execution: the kernel, its fixed environment, staging and the swap on success.

:func:`execute` runs in a worker process (a local pool's or a Dask worker's). It executes the
notebook with papermill into a staging folder ``<outputs>/.punos/staging/<run_id>/`` (the kernel
sees that folder as ``PUNOS_OUTPUTS``, so the notebook's tables and figures land there too) and
only when every cell succeeded swaps the results in:

- ``notebooks/<run_id>.ipynb``, ``tables/<run_id>/`` and ``figures/<run_id>/`` are replaced by the
  new ones, and a failed notebook of an earlier run (``notebooks/failed/<run_id>.ipynb``) is removed;
- a failure leaves all three as they were (the last good results stay shown) and writes the failed
  notebook to ``notebooks/failed/<run_id>.ipynb`` for diagnosis.

Kernels run with a fixed environment so that figures are byte-identical between builds:
``PYTHONHASHSEED=0``, ``SOURCE_DATE_EPOCH``, ``TZ=UTC`` and a matplotlibrc with a fixed SVG hash
salt. The kernel is always this worker's own interpreter (``sys.executable``), whatever kernelspecs
the user has installed.

Processes end with their parent: a pool worker asks Linux to kill it when the parent dies
(``prctl(PR_SET_PDEATHSIG)``) and also watches its parent's pid, and ipykernel exits by itself when
its worker goes away (``JPY_PARENT_PID``, set by jupyter_client).
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from punos_lib._atomic import atomic_write_bytes

__all__ = ["execute", "kernel_environment", "prepare_kernel_environment", "worker_init", "STAGING", "FAILED"]

#: Staging folders of running executions, relative to the outputs folder.
STAGING = Path(".punos") / "staging"
#: Failed notebooks kept for diagnosis, relative to the outputs folder.
FAILED = Path("notebooks") / "failed"

# A fixed epoch (2024-01-01T00:00:00Z) for tools that stamp dates into files (matplotlib SVG/PDF).
_SOURCE_DATE_EPOCH = "1704067200"
_KERNEL_NAME = "python3"
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 1.0


def kernel_environment(outputs: Path) -> dict[str, str]:
    """Write the matplotlibrc the kernels use; return the environment variables they get."""
    rc = outputs / ".punos" / "matplotlibrc"
    # Why: SVG element ids are random unless a hash salt is fixed. The backend stays the inline one
    # (not Agg) because chapters embed the figures the notebooks display; its PNGs carry no dates.
    atomic_write_bytes(rc, b"svg.hashsalt: punos\npdf.compression: 6\n")
    return {
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", _SOURCE_DATE_EPOCH),
        "TZ": "UTC",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "MATPLOTLIBRC": str(rc),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _kernel_argv() -> list[str]:
    # Kernels talk to papermill over loopback only; ipykernel's warning about unencrypted TCP would
    # otherwise be printed once per notebook.
    return [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR"]


def prepare_kernel_environment(outputs: Path) -> dict[str, str]:
    """The kernel environment for a Jupyter server (``punos lab``), with a kernelspec file.

    A server finds kernels through kernelspec files, so this writes one for this interpreter under
    ``<outputs>/.punos/jupyter`` and puts that folder first on ``JUPYTER_PATH``, so that a user's
    global ``python3`` kernelspec cannot swap in another environment. ``punos run`` needs no file.
    """
    import json

    spec = {"argv": _kernel_argv(), "display_name": "Python 3 (punos)", "language": "python",
            "metadata": {"debugger": False}}
    folder = outputs / ".punos" / "jupyter"
    atomic_write_bytes(folder / "kernels" / _KERNEL_NAME / "kernel.json",
                       (json.dumps(spec, indent=1) + "\n").encode("utf-8"))
    jupyter_path = str(folder)
    if os.environ.get("JUPYTER_PATH"):
        jupyter_path += os.pathsep + os.environ["JUPYTER_PATH"]
    return {**kernel_environment(outputs), "JUPYTER_PATH": jupyter_path}


# --------------------------------------------------------------------------- worker processes


def worker_init(parent_pid: int) -> None:
    """Initialise a local pool worker: die with the parent, leave Ctrl-C to the parent.

    Parameters
    ----------
    parent_pid : int
        The pid of the ``punos run`` process.
    """
    # Ctrl-C reaches the whole process group; the parent stops the run and the workers with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still ends the worker
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        # Fallback where prctl is missing (macOS) or failed: a reparented worker exits.
        while True:
            time.sleep(_WATCH_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="punos-parent-watch", daemon=True).start()


# --------------------------------------------------------------------------- kernel manager


def _kernel_manager_class(env: dict[str, str]) -> type:
    """A kernel manager for one execution: this interpreter's kernel, ``env`` added, quiet shutdown."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class _Specs(KernelSpecManager):
        # The kernel is this interpreter: a user's global python3 kernelspec cannot swap in another
        # environment (and no kernelspec file has to exist where a Dask worker runs).
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                argv=_kernel_argv(), display_name="Python 3 (punos)", language="python", metadata={"debugger": False},
                resource_dir="", interrupt_mode="signal",
            )

    class _Manager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("kernel_spec_manager", _Specs())
            super().__init__(**kwargs)
            self._clients: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            # papermill leaves the channels of its client open when it did not start the kernel
            # (a reused one): they are closed after each execution (stop_clients).
            kc = super().client(**kwargs)
            self._clients.append(kc)
            return kc

        def stop_clients(self) -> None:
            for kc in self._clients:
                kc.stop_channels()
            self._clients.clear()

        async def start_kernel(self, **kw: Any) -> None:
            # Per execution, not through os.environ: a Dask worker may run several at once.
            kw["env"] = {**os.environ, **kw.get("env", {}), **env}
            await super().start_kernel(**kw)

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts (SIGINT) every kernel before asking it to shut down; the idle
            # kernel then logs "KeyboardInterrupt caught in kernel." on every run. A finished
            # notebook has nothing to interrupt.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return _Manager


# --------------------------------------------------------------------------- reused kernels

# One kernel per worker thread (a local pool worker has one; a Dask worker may have several),
# reused by its executions: a fresh kernel per notebook spent about 0.7 s starting and as much
# again importing pandas, matplotlib and punos_lib, and parsed every frame anew.
_WARM = threading.local()
_ALL_WARM: set[Any] = set()  # every thread's, for the shutdown when the worker exits
_START_ATTEMPTS = 3
_READY_SECONDS = 60
_NEW_READY_SECONDS = 20


def _reuse_kernels() -> bool:
    return os.environ.get("PUNOS_FRESH_KERNELS", "").strip().lower() not in ("1", "true", "yes", "on")


def _warm_kernel(env: dict[str, str], cwd: str) -> Any:
    """This thread's running kernel, reset for the next notebook (started when there is none)."""
    from jupyter_core.utils import run_sync

    # One expression, so that the reset leaves no name of its own in the notebook's namespace.
    reset = f"__import__('punos_lib._kernel', fromlist=['reset']).reset({env!r}, {cwd!r})"
    km = getattr(_WARM, "km", None)
    if km is not None:
        try:
            _run_in_kernel(km, reset)
            return km
        except Exception:  # noqa: BLE001 - a kernel that died or hangs is replaced below
            _discard_kernel()
    for attempt in range(1, _START_ATTEMPTS + 1):
        km = _kernel_manager_class(env)(kernel_name=_KERNEL_NAME)
        run_sync(km.start_kernel)(cwd=cwd)
        _WARM.km = km
        _ALL_WARM.add(km)
        try:
            # A healthy new kernel answers in a second or two; one that lost a port race may stay
            # silent, so it is given less time before another start (the last start gets the full).
            _run_in_kernel(km, reset, ready_seconds=_READY_SECONDS if attempt == _START_ATTEMPTS else _NEW_READY_SECONDS)
            return km
        except Exception:
            # Two kernels starting at once can be given the same free port (jupyter_client picks
            # ports before the kernel binds them); the loser dies at once. Another start fixes it.
            _discard_kernel()
            if attempt == _START_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _run_in_kernel(km: Any, code: str, ready_seconds: int = _READY_SECONDS) -> None:
    """Run ``code`` silently in the kernel of ``km``; raise RuntimeError if it fails or died.

    The kernel must answer within ``ready_seconds``.
    """
    from jupyter_core.utils import run_sync

    kc = km.blocking_client()
    kc.start_channels()
    try:
        for _ in range(ready_seconds):
            try:
                kc.wait_for_ready(timeout=1)
                break
            except RuntimeError:
                if not run_sync(km.is_alive)():
                    raise RuntimeError("the notebook kernel died while starting") from None
        else:
            raise RuntimeError(f"the notebook kernel did not answer in {ready_seconds} s")
        reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=_READY_SECONDS,
                                       output_hook=lambda msg: None)
    finally:
        kc.stop_channels()
    content = reply.get("content", {})
    if content.get("status") != "ok":
        raise RuntimeError(f"the kernel could not be prepared for the next notebook: "
                           f"{content.get('ename', '')}: {content.get('evalue', '')}")


def _discard_kernel() -> None:
    """Shut down this thread's reused kernel, if any (the next execution starts a new one)."""
    km = getattr(_WARM, "km", None)
    _WARM.km = None
    if km is not None:
        _ALL_WARM.discard(km)
        _shutdown(km)


def _shutdown(km: Any) -> None:
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - a kernel that is already gone needs no shutdown
        pass


def _shutdown_all() -> None:
    while _ALL_WARM:
        _shutdown(_ALL_WARM.pop())


# Once per process (a worker's kernels end with it; with none started there is nothing to do).
atexit.register(_shutdown_all)


# --------------------------------------------------------------------------- one execution


def execute(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one notebook with papermill and swap its results in when it succeeded.

    Parameters
    ----------
    task : dict
        ``input`` (notebook path), ``outputs`` (the outputs folder), ``run_id``, ``parameters``,
        ``cwd``, ``env`` (added to the kernel's environment).

    Returns
    -------
    dict
        ``run_id``, ``seconds``, ``error`` (None when every cell ran).
    """
    import logging

    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    outputs = Path(task["outputs"])
    run_id = task["run_id"]
    staging = outputs / STAGING / run_id
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    executed = staging / f"{run_id}.ipynb"
    env = {**task["env"], "PUNOS_OUTPUTS": str(staging)}
    start = time.perf_counter()
    error = None
    km = None
    try:
        if _reuse_kernels():
            km = _warm_kernel(env, task["cwd"])
        papermill.execute_notebook(
            task["input"],
            str(executed),
            parameters=task["parameters"],
            kernel_name=_KERNEL_NAME,
            language="python",
            progress_bar=False,
            cwd=task["cwd"],
            kernel_manager_class=_kernel_manager_class(env),
            **({"km": km} if km is not None else {}),
        )
    except Exception as exc:  # noqa: BLE001 - every failure of one notebook is reported, not raised
        error = describe_error(exc)
        if km is not None:
            _discard_kernel()  # the next notebook must not inherit what this one left half done
    finally:
        if km is not None:
            km.stop_clients()
    try:
        if error is None:
            _promote(outputs, staging, run_id, executed)
        elif executed.exists():
            failed = outputs / FAILED / f"{run_id}.ipynb"
            failed.parent.mkdir(parents=True, exist_ok=True)
            os.replace(executed, failed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"run_id": run_id, "seconds": time.perf_counter() - start, "error": error}


def _promote(outputs: Path, staging: Path, run_id: str, executed: Path) -> None:
    """Replace the shown results of ``run_id`` by the staged ones (tables, figures, then notebook)."""
    for kind in ("tables", "figures"):
        new = staging / kind / run_id
        shown = outputs / kind / run_id
        old = staging / f"old-{kind}"
        if shown.exists():
            os.replace(shown, old)
        if new.exists():
            shown.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, shown)
    # The notebook last: its presence with a matching record is what marks the execution done.
    target = outputs / "notebooks" / f"{run_id}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(executed, target)
    (outputs / FAILED / f"{run_id}.ipynb").unlink(missing_ok=True)


def describe_error(exc: BaseException) -> str:
    """One line naming the error of a failed execution (and its cell)."""
    ename = getattr(exc, "ename", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        return f"{ename}: {getattr(exc, 'evalue', '')} (cell {cell})".strip()
    return f"{type(exc).__name__}: {exc}".splitlines()[0]

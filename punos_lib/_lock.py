"""One ``punos run`` or ``punos render`` at a time per outputs folder.

Two runs writing one outputs folder at once mix their results (a notebook of one region beside the
tables of another), so both commands hold ``<outputs>/.punos/lock`` while they work. The lock is an
advisory ``flock`` on that file, which the operating system releases when the holder dies in any
way (``kill -9`` included): a lock left by a crashed run is therefore never stuck, and the next
run takes it over. The file itself records who holds it (pid, host, command, start time) so that a
second command can say which run is in the way.

Where ``fcntl`` is missing (Windows) the file is created exclusively instead and a lock of a
process that no longer runs on this host is taken over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from punos_lib.errors import InputError

__all__ = ["OutputsLock", "LockedError", "LOCK_FILE"]

#: The lock file, relative to the outputs folder.
LOCK_FILE = Path(".punos") / "lock"

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class LockedError(InputError):
    """Another punos command holds the outputs folder."""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _alive(pid: int) -> bool:
    """True when a process with this pid exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class OutputsLock:
    """Hold the lock of one outputs folder (a context manager).

    Parameters
    ----------
    outputs : path
        The outputs folder; the lock file is ``<outputs>/.punos/lock``.
    command : str
        What holds the lock, e.g. ``"punos run --region MK10"``; shown to a second command.

    Raises
    ------
    LockedError
        (on entering) Another live process holds the lock; the message names its pid, command and
        start time.

    Examples
    --------
    >>> with OutputsLock(outputs, "punos run"):  # doctest: +SKIP
    ...     ...
    """

    def __init__(self, outputs: str | os.PathLike[str], command: str) -> None:
        self.outputs = Path(outputs)
        self.path = self.outputs / LOCK_FILE
        self.command = command
        self._fd: int | None = None
        #: The holder record of a dead process this lock took over, if any.
        self.took_over: dict[str, Any] | None = None

    def holder(self) -> dict[str, Any]:
        """The record in the lock file (empty when unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _refuse(self, holder: dict[str, Any]) -> LockedError:
        what = str(holder.get("command") or "punos command").split(" ", 2)
        name = " ".join(what[:2]) if what[0] == "punos" else "punos command"
        pid = holder.get("pid", "?")
        host = holder.get("host")
        where = f" on {host}" if host and host != socket.gethostname() else ""
        since = holder.get("started", "an unknown time")
        return LockedError(
            f"another {name} (pid {pid}{where}) is using {self.outputs} since {since}; wait for it to "
            f"finish or stop it (lock file {self.path})"
        )

    def acquire(self) -> None:
        """Take the lock or raise :class:`LockedError` naming the holder."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {self.path.parent}: {exc.strerror}; check PUNOS_OUTPUTS") from exc
        if fcntl is None:  # pragma: no cover - Windows
            self._acquire_exclusive()
            return
        previous = self.holder()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise self._refuse(self.holder() or previous) from None
        except OSError:
            os.close(fd)
            raise
        # The previous holder died without releasing (the kernel released its flock for it).
        if previous.get("pid") and previous.get("pid") != os.getpid():
            self.took_over = previous
        self._fd = fd
        record = json.dumps(self._record()).encode("utf-8")
        os.ftruncate(fd, 0)
        os.pwrite(fd, record, 0)

    def _record(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command, "started": _now()}

    def _acquire_exclusive(self) -> None:  # pragma: no cover - Windows
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self.holder()
                pid = holder.get("pid")
                same_host = holder.get("host") == socket.gethostname()
                if isinstance(pid, int) and same_host and not _alive(pid):
                    self.took_over = holder
                    self.path.unlink(missing_ok=True)
                    continue
                raise self._refuse(holder) from None
            os.write(fd, json.dumps(self._record()).encode("utf-8"))
            self._fd = fd
            return
        raise self._refuse(self.holder())

    def release(self) -> None:
        """Release the lock (the file stays, emptied, for the next holder)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        if fcntl is None:  # pragma: no cover - Windows
            os.close(fd)
            self.path.unlink(missing_ok=True)
            return
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> OutputsLock:
        self.acquire()
        if self.took_over:
            print(f"punos: note: took over the lock of {self.outputs} left by pid "
                  f"{self.took_over.get('pid')} ({self.took_over.get('command')}), which no longer runs",
                  file=sys.stderr)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()

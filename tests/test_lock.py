"""The outputs lock: held while a command runs, refused to a second holder, taken over when stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from punos_lib._lock import LOCK_FILE, LockedError, OutputsLock


def test_second_holder_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    # The holder is another process: flock locks belong to the open file, so a second process is needed.
    code = ("import sys, time; from punos_lib._lock import OutputsLock\n"
            f"l = OutputsLock({str(tmp_path)!r}, 'punos run --region MK07'); l.acquire()\n"
            "print('held', flush=True); sys.stdin.readline(); l.release()")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError, match=rf"another punos run \(pid {holder.pid}\) is using {tmp_path} since "
                                              r"\d{4}-\d\d-\d\dT"):
            OutputsLock(tmp_path, "punos render").acquire()
    finally:
        holder.communicate("\n", timeout=30)
    # Released by the holder: the next command gets it, with no stale holder to report.
    with OutputsLock(tmp_path, "punos render") as lock:
        assert lock.took_over is None
        assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == os.getpid()


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK_FILE).parent.mkdir(parents=True)
    (tmp_path / LOCK_FILE).write_text(json.dumps({"pid": dead.pid, "host": os.uname().nodename,
                                                  "command": "punos run", "started": "2026-01-01T00:00:00Z"}))
    with OutputsLock(tmp_path, "punos run") as lock:
        assert lock.took_over["pid"] == dead.pid
    assert f"left by pid {dead.pid}" in capsys.readouterr().err
    assert (tmp_path / LOCK_FILE).read_text() == ""  # released


def test_a_lock_in_a_file_instead_of_a_folder_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "outputs").write_text("not a folder")
    with pytest.raises(Exception, match="cannot create") as info:
        OutputsLock(tmp_path / "outputs", "punos run").acquire()
    assert isinstance(info.value, LockedError.__mro__[1])  # an InputError: exit 2 in the CLI

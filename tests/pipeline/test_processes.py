"""Real `punos run` processes: one run at a time, no orphans after kill -9, a clean Ctrl-C, a quiet
kernel shutdown. Each test starts the command on the fixture notebooks of a temporary project."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pipeline_helpers import write_list

TIMEOUT = 60


def _start(project: dict[str, Path], *args: str, sleep: float = 60) -> subprocess.Popen:
    env = {**os.environ, **project["env"], "PUNOS_TEST_SLEEP": str(sleep)}
    # A session of its own, as a terminal gives a command: Ctrl-C goes to the whole group.
    return subprocess.Popen([sys.executable, "-m", "punos_lib", "run", "--no-progress", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for(condition, what: str, proc: subprocess.Popen | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"punos run ended (exit {proc.returncode}) before {what}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def _started(project: dict[str, Path]) -> list[str]:
    path = project["counter"]
    return [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _gone(pids: list[psutil.Process], seconds: float = 20) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(pids, timeout=seconds)
    return alive


def test_kill_9_leaves_no_worker_or_kernel_running(project: dict[str, Path]) -> None:
    (project["notebooks"] / "slow2.ipynb").write_bytes((project["notebooks"] / "slow.ipynb").read_bytes())
    write_list(project["notebooks"], "slow.ipynb", "slow2.ipynb")
    proc = _start(project, "--workers", "2")
    _wait_for(lambda: {"slow", "slow2"} <= set(_started(project)), "both notebooks started", proc)
    children = psutil.Process(proc.pid).children(recursive=True)
    kernels = [c for c in children if "ipykernel_launcher" in " ".join(c.cmdline())]
    assert len(kernels) == 2 and len(children) >= 4, [c.cmdline() for c in children]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    alive = _gone(children)
    for p in alive:
        p.kill()
    assert not alive, f"still running after the parent was killed: {[p.cmdline() for p in alive]}"
    # Nothing was written by orphans afterwards: no executed notebook appeared.
    assert not list((project["outputs"] / "notebooks").glob("*.ipynb"))


def test_ctrl_c_stops_cleanly_and_records_what_finished(project: dict[str, Path]) -> None:
    write_list(project["notebooks"], "ok.ipynb", "slow.ipynb", "fail.ipynb")
    proc = _start(project, "--workers", "2")
    record = project["outputs"] / "run.json"

    def ok_recorded() -> bool:
        try:
            return json.loads(record.read_text(encoding="utf-8"))["executions"]["ok"]["status"] == "ok"
        except (OSError, ValueError, KeyError):
            return False

    _wait_for(ok_recorded, "the quick notebook to finish", proc)
    _wait_for(lambda: "slow" in _started(project), "the slow notebook to start", proc)
    children = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("punos: interrupted: ") and "run.json" in lines[0], err
    data = json.loads(record.read_text(encoding="utf-8"))
    assert data["executions"]["ok"]["status"] == "ok"
    assert "slow" not in data["executions"]  # stopped: no record claims it ran
    statuses = {e["run_id"]: e["status"] for e in data["last_run"]}
    assert statuses["ok"] == "ok" and statuses["slow"] == "interrupted"
    alive = _gone(children)
    for p in alive:
        p.kill()
    assert not alive, [p.cmdline() for p in alive]
    assert not (project["outputs"] / ".punos" / "staging").exists() or \
        not any((project["outputs"] / ".punos" / "staging").iterdir())


def test_a_second_run_is_refused_while_one_runs(project: dict[str, Path]) -> None:
    write_list(project["notebooks"], "slow.ipynb")
    first = _start(project)
    try:
        _wait_for(lambda: "slow" in _started(project), "the first run to start", first)
        env = {**os.environ, **project["env"]}
        for command in (["run"], ["render"]):
            second = subprocess.run([sys.executable, "-m", "punos_lib", *command], env=env, capture_output=True,
                                    text=True, timeout=TIMEOUT)
            assert second.returncode == 2, second
            assert second.stderr.count("\n") == 1
            assert f"another punos run (pid {first.pid}) is using {project['outputs']} since " in second.stderr
        assert _started(project) == ["slow"]  # the second run executed nothing
    finally:
        os.killpg(first.pid, signal.SIGINT)
        first.communicate(timeout=TIMEOUT)


def test_a_run_prints_no_kernel_keyboard_interrupt(project: dict[str, Path]) -> None:
    write_list(project["notebooks"], "ok.ipynb")
    proc = _start(project)
    out, err = proc.communicate(timeout=TIMEOUT * 2)
    assert proc.returncode == 0, (out, err)
    assert "KeyboardInterrupt" not in err and "KeyboardInterrupt" not in out

"""`punos lab`: a real JupyterLab server on 127.0.0.1 runs a study notebook through its kernel API.

The test starts the server the way `punos lab` does (on a free port, against a demo snapshot in a
temporary folder), checks that /lab answers with the token and refuses without it, starts a kernel
through the REST API, executes the code cells of notebooks/overview.ipynb over the kernel's
websocket (the Jupyter message protocol), checks that every cell ran without error and that the
notebook wrote its tables into the outputs folder the CLI uses, and stops the server.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import nbformat
import pytest

from punos_lib import lab

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_server_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PUNOS_PROJECT_DIR", str(REPO))
    monkeypatch.setenv("PUNOS_OUTPUTS", str(tmp_path / "outputs"))
    monkeypatch.setenv("PUNOS_SNAPSHOT", str(tmp_path / "snapshot"))
    server = lab.lab_server(port=9999, token="abc")
    assert server.url == "http://127.0.0.1:9999/lab?token=abc"
    assert server.command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={REPO / 'notebooks'}" in server.command
    assert "--ServerApp.ip=127.0.0.1" in server.command and "--ServerApp.open_browser=False" in server.command
    assert ("--ServerApp.allow_root=True" in server.command) == (os.geteuid() == 0)
    assert server.env["PUNOS_OUTPUTS"] == str(tmp_path / "outputs")
    assert server.env["PUNOS_SNAPSHOT"] == str(tmp_path / "snapshot")
    # The kernel is this interpreter, as for `punos run`.
    spec = Path(server.env["JUPYTER_PATH"].split(os.pathsep)[0]) / "kernels" / "python3" / "kernel.json"
    assert json.loads(spec.read_text(encoding="utf-8"))["argv"][0] == sys.executable
    with pytest.raises(Exception, match="not a TCP port"):
        lab.lab_server(port=70000)


async def _execute_cells(base: str, token: str, kernel_id: str, cells: list[str]) -> list[dict]:
    from tornado.websocket import websocket_connect

    url = f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?token={token}"
    conn = await websocket_connect(url)
    session = uuid.uuid4().hex
    replies = []
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            conn.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": "test", "session": session,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            errors: list[str] = []
            while True:
                raw = await asyncio.wait_for(conn.read_message(), timeout=120)
                assert raw is not None, "the kernel websocket closed"
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "error":
                    errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
                if msg["channel"] == "shell" and msg["msg_type"] == "execute_reply":
                    replies.append({"status": msg["content"]["status"], "errors": errors, "code": code[:80]})
                    break
    finally:
        conn.close()
    return replies


@pytest.mark.e2e
def test_lab_runs_a_study_notebook_through_the_server(tmp_path: Path) -> None:
    env = dict(os.environ, PUNOS_PROJECT_DIR=str(REPO), PUNOS_SNAPSHOT=str(tmp_path / "snapshot"),
               PUNOS_OUTPUTS=str(tmp_path / "outputs"), PUNOS_OFFLINE="1")
    demo = subprocess.run([sys.executable, "-m", "punos_lib", "demo"], env=env, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    port = _free_port()
    old = dict(os.environ)
    os.environ.update(env)
    try:
        server = lab.lab_server(port=port, token="punostesti")
    finally:
        os.environ.clear()
        os.environ.update(old)
    # Jupyter's own settings and runtime files stay in the temporary folder.
    server.env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "jcfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "jrt"),
                      JUPYTER_DATA_DIR=str(tmp_path / "jdata"))
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(server.command, env=server.env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/status", params={"token": server.token}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not answer in 90 s:\n" + (tmp_path / "lab.log").read_text()
            time.sleep(0.5)
        page = httpx.get(server.url, timeout=10)
        assert page.status_code == 200 and "JupyterLab" in page.text
        assert httpx.get(f"{base}/api/kernels", timeout=10).status_code == 403   # no token, no access
        headers = {"Authorization": f"token {server.token}"}
        # The notebooks folder is what the server shows.
        listing = httpx.get(f"{base}/api/contents", headers=headers, timeout=10).json()
        assert "overview.ipynb" in {item["name"] for item in listing["content"]}
        kernel = httpx.post(f"{base}/api/kernels", headers=headers, json={"name": "python3"}, timeout=30)
        assert kernel.status_code == 201, kernel.text
        kernel_id = kernel.json()["id"]

        notebook = nbformat.read(REPO / "notebooks" / "overview.ipynb", as_version=4)
        cells = [c.source for c in notebook.cells if c.cell_type == "code" and c.source.strip()]
        assert len(cells) > 3
        replies = asyncio.run(_execute_cells(base, server.token, kernel_id, cells))
        failed = [r for r in replies if r["status"] != "ok"]
        assert not failed, failed[:1]
        assert len(replies) == len(cells)
        # The notebook used the same outputs folder as the command line.
        assert sorted((tmp_path / "outputs" / "tables").rglob("*.csv")), "the notebook saved no tables"
        assert httpx.delete(f"{base}/api/kernels/{kernel_id}", headers=headers, timeout=30).status_code == 204
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

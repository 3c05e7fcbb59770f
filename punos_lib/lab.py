"""JupyterLab on the study's notebooks (``punos lab``, ``make lab``).

The server opens ``notebooks/`` with the kernel ``punos run`` uses (this interpreter, the project's
``.venv``, through the same private kernelspec and matplotlib settings) and the same
``PUNOS_SNAPSHOT``, ``PUNOS_OUTPUTS`` and ``PUNOS_PROJECT_DIR``, so a notebook run in the browser
reads the same snapshot and writes the same outputs as the command line. It listens on 127.0.0.1
unless told otherwise, opens no browser, and runs as root with ``--allow-root`` (containers).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from punos_lib import paths
from punos_lib.errors import InputError

__all__ = ["LabServer", "lab_server", "run_lab"]


@dataclass(frozen=True)
class LabServer:
    """How to start the server: the command, its environment and the address to open."""

    command: list[str]
    env: dict[str, str]
    url: str
    token: str
    notebooks: Path


def lab_server(*, ip: str = "127.0.0.1", port: int = 8888, token: str | None = None) -> LabServer:
    """The JupyterLab server for the project's notebooks (not started).

    Parameters
    ----------
    ip : str
        Address to listen on; the default keeps the server to this machine.
    port : int
        Port; JupyterLab takes the next free one when it is busy (the printed URL then differs).
    token : str, optional
        The access token; a random one by default.

    Raises
    ------
    InputError
        The port is outside 1–65535 or the project has no ``notebooks/`` folder.
    """
    from punos_lib.pipeline.executing import prepare_kernel_environment

    if not 0 < port < 65536:
        raise InputError(f"port {port} is not a TCP port (1-65535)")
    notebooks = paths.project_dir() / "notebooks"
    if not notebooks.is_dir():
        raise InputError(f"{notebooks} does not exist; run `punos lab` in the project (or set PUNOS_PROJECT_DIR)")
    outputs = paths.outputs_dir()
    token = token or secrets.token_hex(24)
    env = dict(os.environ)
    env.update(prepare_kernel_environment(outputs))
    env.update(PUNOS_SNAPSHOT=str(paths.snapshot_dir()), PUNOS_OUTPUTS=str(outputs),
               PUNOS_PROJECT_DIR=str(paths.project_dir()))
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks}", f"--ServerApp.ip={ip}",
               f"--ServerApp.port={port}", "--ServerApp.open_browser=False",
               f"--IdentityProvider.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Jupyter refuses to run as root unless told; containers and CI run as root.
        command.append("--ServerApp.allow_root=True")
    host = f"[{ip}]" if ":" in ip else ip
    return LabServer(command=command, env=env, url=f"http://{host}:{port}/lab?token={token}", token=token,
                     notebooks=notebooks)


def run_lab(*, ip: str = "127.0.0.1", port: int = 8888) -> int:
    """Start JupyterLab in the foreground (Ctrl-C stops it); return its exit code."""
    server = lab_server(ip=ip, port=port)
    print(f"JupyterLab on {server.notebooks} (snapshot {server.env['PUNOS_SNAPSHOT']}, "
          f"outputs {server.env['PUNOS_OUTPUTS']})")
    print(f"open {server.url}", flush=True)
    return subprocess.run(server.command, env=server.env, check=False).returncode

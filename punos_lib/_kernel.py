"""Inside a reused notebook kernel: give the next notebook the state a fresh kernel would have.

``punos run`` keeps one Jupyter kernel per worker and executes notebook after notebook in it, so
that the imports (pandas, matplotlib, punos_lib: about 0.7 s) and the parsed frames in memory are
paid once per worker instead of once per notebook (see :mod:`punos_lib.pipeline.executing`).
Before each notebook the worker calls :func:`reset` in the kernel. It removes what a notebook can
leave behind that would change the next one's results:

- every name the previous notebook defined (IPython's ``reset``; imported modules stay loaded)
  and the cell counter;
- environment variables: back to the kernel's start environment plus this execution's (its own
  ``PUNOS_OUTPUTS`` staging folder, snapshot and project);
- the working directory;
- matplotlib: open figures closed and ``rcParams`` back to what they were after import.

What stays on purpose: loaded modules and :mod:`punos_lib.datasets`' in-memory frames, which are
keyed by the snapshot's manifest checksum and handed out as copies. A notebook that failed is
never followed in its kernel: the worker replaces the kernel (``PUNOS_FRESH_KERNELS=1`` starts a
new kernel for every notebook, the slower way that needs no reset at all).
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["reset"]

_START_ENV: dict[str, str] | None = None
_START_RC: Any = None


def reset(env: dict[str, str], cwd: str) -> None:
    """Prepare this kernel for the next notebook (called by the worker, never by a notebook).

    Parameters
    ----------
    env : dict
        The execution's environment variables, added to the kernel's start environment.
    cwd : str
        The execution's working directory.
    """
    global _START_ENV, _START_RC
    first = _START_ENV is None
    if first:
        _START_ENV = dict(os.environ)
        import matplotlib  # every study notebook imports it; its defaults are taken before any does

        _START_RC = matplotlib.rcParams.copy()
    else:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            shell.reset(new_session=True)  # a new history session: cell numbers may start again
            shell.execution_count = 1  # the executed notebook numbers its cells from 1, as in a fresh kernel
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
        import matplotlib

        # The backend stays: setting it again would make pyplot pick one anew.
        matplotlib.rcParams.update({k: v for k, v in _START_RC.items() if k != "backend"})
    assert _START_ENV is not None
    os.environ.clear()
    os.environ.update(_START_ENV)
    os.environ.update(env)
    os.chdir(cwd)

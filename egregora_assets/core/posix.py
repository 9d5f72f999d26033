"""What Egregora asks of the operating system that not every system has, in one place.

Linux is supported and tested. macOS has the same file locks but no parent-death signal, so a
killed run's mkdocs child finishes its build into a folder nobody swaps in. Windows has neither
lock: the command line says so and stops (WSL runs the Linux build)."""

from __future__ import annotations

import os
import sys
from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

UNSUPPORTED = None if fcntl is not None else "egregora needs Linux or macOS (on Windows, run it under WSL)"


def lock(handle: IO, *, shared: bool = False, wait: bool = True) -> bool:
    """Lock an open file until it is closed or its process dies; False if another holds it and `wait` is off."""
    assert fcntl is not None, UNSUPPORTED
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def unlock(handle: IO) -> None:
    assert fcntl is not None, UNSUPPORTED
    fcntl.flock(handle, fcntl.LOCK_UN)


def die_with_parent(parent_pid: int) -> None:
    """Have Linux kill this process when `parent_pid` dies; exit now if it already has. Elsewhere nothing."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        if os.getppid() != parent_pid:  # the parent died before the line above
            sys.exit(1)

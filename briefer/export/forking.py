"""Work done aside, in a forked child, while this process goes on with its own.

An export's slow parts are Briefer's own pure-Python work (citeproc-py
formatting a briefing's sources, seconds when they were never formatted
before). Threads would take turns on one core; a forked child runs on the
other core with a copy of everything already loaded, and gives back a
picklable result through a pipe. It never touches the parent's SQLite
connection: what it needs is read before the fork.

Forking is only safe in a process with one thread and no Qt (the command
line, the render worker); elsewhere :func:`run_aside` declines and the caller
does the work itself, with the same result.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    """Whether this process may fork: a POSIX system, one thread, and no Qt (which keeps threads of its own)."""
    return hasattr(os, "fork") and "PySide6.QtCore" not in sys.modules and threading.active_count() == 1


def run_aside(work: Callable[[], Any]) -> Callable[..., Any] | None:
    """Start ``work()`` in a forked child; returns a function that waits for its result.

    None when this process cannot fork. The result function returns None when
    the child failed in any way (an exception, a crash, a result that does not
    pickle): the caller then does the work itself. It must be called exactly
    once, on every path (it reaps the child); ``result(wanted=False)`` stops
    the child instead of waiting for it (the caller failed meanwhile).
    """
    if not can_fork():
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: compute, write, and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        except BaseException:  # nothing may escape into a copy of the parent's stack
            pass
        finally:
            os._exit(status)
    os.close(write_end)

    def result(wanted: bool = True) -> Any:
        if not wanted:
            os.close(read_end)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()  # until the child closes its end: it has finished, or died
        _pid, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a truncated result: as if the child had not helped
            return None

    return result

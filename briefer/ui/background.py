"""Work that reads the whole project, run off the GUI thread and called off when stale.

The preview and the export checks render the briefing, which takes seconds on
a big project. A ``BackgroundJob`` runs such a call in a daemon thread (the
call opens its own read-only ``Store``); the GUI thread polls ``done()`` from a
timer and takes ``result()``. Polling rather than a cross-thread signal: a
dock or dialog closed mid-job leaves nothing behind that a finishing worker
could call into.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Cancelled(BaseException):
    """Raised inside a worker whose job was called off (not an Exception: nothing swallows it)."""


class BackgroundJob(Generic[T]):
    """One call in a daemon thread: pollable, and cancellable at its next Python call.

    ``cancel()`` makes the worker raise ``Cancelled`` at its next Python
    function call (a trace function of that thread alone, called on calls
    only), so a job made stale by an edit stops at once instead of competing
    with the analyst's next edits for the interpreter. ``prepare`` runs first
    and cannot be interrupted: imports go there, so a cancel never leaves a
    module half imported.
    """

    def __init__(
        self, work: Callable[[], T], *, prepare: Callable[[], Any] | None = None, name: str = "briefer-worker"
    ) -> None:
        self._future: Future[T | None] = Future()
        self._cancel = threading.Event()
        threading.Thread(target=self._run, args=(work, prepare), name=name, daemon=True).start()

    def _run(self, work: Callable[[], T], prepare: Callable[[], Any] | None) -> None:
        cancel, raised = self._cancel, [False]

        def tracer(_frame: Any, _event: str, _arg: Any) -> None:
            if cancel.is_set() and not raised[0]:
                raised[0] = True  # once: clean-up on the way out runs normally
                raise Cancelled()
            return None  # no per-line tracing

        try:
            if prepare is not None:
                prepare()
            sys.settrace(tracer)
            self._future.set_result(work())
        except Cancelled:
            self._future.set_result(None)
        except BaseException as exc:  # a bug in the worker surfaces in the GUI thread
            self._future.set_exception(exc)
        finally:
            sys.settrace(None)

    def cancel(self) -> None:
        self._cancel.set()

    def done(self) -> bool:
        return self._future.done()

    def result(self) -> T | None:
        """What the call returned, or None if it was cancelled; re-raises its exception."""
        return self._future.result()

"""Work done aside in a forked child (briefer.export.forking): its result comes back, a failure reads as
no help (the caller then does the work itself), and a child no longer wanted is stopped, not awaited."""

from __future__ import annotations

import os
import time

import pytest

from briefer.export import forking


@pytest.fixture
def may_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test process has imported Qt (pytest-qt) but runs no Qt threads: as the command line forks.
    monkeypatch.setattr(forking, "can_fork", lambda: True)


def test_work_done_aside_comes_back_from_another_process(may_fork: None) -> None:
    result = forking.run_aside(lambda: {"pid": os.getpid(), "items": [1, "two", (3.0,)]})
    assert result is not None
    got = result()
    assert got["items"] == [1, "two", (3.0,)] and got["pid"] != os.getpid()


@pytest.mark.parametrize("work", [lambda: 1 / 0, lambda: lambda: 0, lambda: os._exit(3)])
def test_a_child_that_fails_gives_nothing(may_fork: None, work) -> None:
    """An exception, a result that does not pickle, a child that dies: None, and the child is reaped."""
    result = forking.run_aside(work)
    assert result is not None
    assert result() is None


def test_a_child_no_longer_wanted_is_stopped_not_awaited(may_fork: None) -> None:
    result = forking.run_aside(lambda: time.sleep(60))
    assert result is not None
    started = time.monotonic()
    assert result(False) is None
    assert time.monotonic() - started < 30


def test_a_process_with_qt_does_not_fork() -> None:
    import PySide6.QtCore  # noqa: F401 (Qt keeps threads of its own once it runs)

    assert not forking.can_fork()
    assert forking.run_aside(lambda: 1) is None

"""Rendering a template in a child process, with a memory limit and a hard deadline.

The sandbox (render.py) stops a template from reaching anything outside its
data, and its deadline stops loops; neither can stop one call that asks for
gigabytes (``'a'|center(10**10)``) or one slow C call (squaring a huge integer).
Only the operating system can: the template runs in a child process whose
address space is capped with ``RLIMIT_AS`` and which is killed outright when
it overruns its deadline. The child returns the Markdown, the warnings and the
metadata the Word build needs.

Two kinds of child:

* The command line is single-threaded and has no Qt: it builds the export
  context itself and forks a child per render, which inherits the context,
  costs a few milliseconds, and never touches the SQLite connection.
* A process with threads or Qt (the window, the test suite) must not fork.
  It keeps one *spawned* worker warm and reuses it, and the worker opens the
  project read-only itself (as the window's render threads did); a worker that is killed,
  runs out of memory, or whose caller gave up waiting is replaced at once, so
  the next render finds a fresh one already starting.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import pickle
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from briefer.core.errors import BrieferError
from briefer.core.store import Store
from briefer.export.citation_cache import cache_folder, use_cache_folder
from briefer.export.context import ExportContext
from briefer.export.errors import BriefingTooLargeError, ExportError, TemplateError, UnverifiedQuotesError
from briefer.export.forking import can_fork
from briefer.export.render import MAX_BRIEFING_BYTES, RENDER_SECONDS, too_large_message
from briefer.export.templates import TEMPLATE_FILE, TemplateInfo

# The worker (an interpreter with the renderer loaded, about 60 MB) may grow to
# this much address space; a forked child gets the same room for the template's
# work on top of what it inherits. A render of the largest bundled briefing (13 MB
# of Markdown on the 1,000-document benchmark project) peaks at about 240 MB.
MEMORY_LIMIT = 512 * 2**20
_WORKER_BASE = 64 * 2**20
TEMPLATE_MEMORY = MEMORY_LIMIT - _WORKER_BASE
# The child's own deadline (render.py) fires first; this is for one call that
# never returns to the template's code. Render and kill together stay within
# RENDER_SECONDS + 2.
KILL_GRACE_SECONDS = 1.0
_STARTUP_SECONDS = 60.0  # a spawned worker starting and importing, until it has the request
_POLL_SECONDS = 0.05  # waits are sliced so a cancelled caller (see ui/background.py) stops promptly


@dataclass
class Rendered:
    """What a render gives the caller: the Markdown, plus what the Word build and the window need."""

    text: str
    warnings: list[Any] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    unverified: list[str] = field(default_factory=list)  # quotes printed marked [unverified]
    # What the caller's ``meanwhile`` made while a forked child rendered (the Word
    # build's base document), kept when the template left the metadata it used alone.
    prepared: Any = None
    # A forked child's warnings are its parent's, unchanged by the template: they
    # are not sent back (a 1,000-passage memo has 2,600 of them, milliseconds to pickle twice).
    parents_warnings: bool = False


@dataclass(frozen=True)
class _Request:
    project: str
    template: TemplateInfo
    seconds: float
    allow_unverified: bool = True  # else a placed quote that cannot be verified stops the render
    citation_style: str | None = None  # a bundled style name or a .csl file; None: the template's
    # The caller's cache of formatted citations: the warm worker may have started under other settings.
    citation_cache: str | None = None


def render_isolated(
    project: str | os.PathLike[str],
    template: TemplateInfo,
    *,
    seconds: float = RENDER_SECONDS,
    store: Store | None = None,
    allow_unverified: bool = True,
    citation_style: str | None = None,
    meanwhile: Callable[[dict[str, str]], Any] | None = None,
) -> Rendered:
    """Render ``template`` for the project file at ``project`` in a child process.

    Given the caller's open ``store`` where forking is safe, the context is
    built here, from the store's warm caches, and the forked child inherits
    it and only renders; the child never touches the SQLite connection.
    Otherwise the warm worker opens ``project`` itself.

    Where the child is forked, ``meanwhile(meta)`` runs here while it renders, given
    the title, author and marking the briefing will have unless the template changes
    them; its result is ``Rendered.prepared`` if the template did not (else None, as
    when it failed: it is only a head start).

    Raises what an in-process render would (TemplateError naming the file and
    line, project errors, quote mismatches), and TemplateError naming the
    template when the child ran out of memory, out of time, or died.
    """
    request = _Request(str(project), template, seconds, allow_unverified, citation_style, str(cache_folder()))
    if store is not None and _can_fork():
        from briefer.export.prepare import context_for, format_citations_first

        context = context_for(store, template, citation_style)
        _refuse_unverified(context, request)  # the project's problem, reported as such, before any child
        format_citations_first(template, context)  # Briefer's work, before the template's clock starts
        meta = _briefing_meta(context)
        answer, prepared = _fork_once(request, context, None if meanwhile is None else lambda: meanwhile(meta))
        rendered = _decode(answer, request)
        if rendered.meta == meta:
            rendered.prepared = prepared
        if rendered.parents_warnings:
            rendered.warnings = list(context.warnings)
            rendered.parents_warnings = False
        return rendered
    return _decode(_WORKER.ask(request), request)


# ------------------------------------------------------------------ the child
def _limit_memory(limit: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < limit:
        limit = hard
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _answer(
    request: _Request, context: ExportContext | None = None, started: Callable[[], None] | None = None
) -> tuple[str, Any]:
    """One render, as a message that always pickles: ("ok", Rendered) or an error to re-raise.

    ``started`` is called when the template starts: its time limit counts from
    there, not from reading the project and formatting its citations.
    """
    from briefer.core.store import Store
    from briefer.export.prepare import context_for, format_citations_first
    from briefer.export.render import render_template

    inherited = None if context is None else tuple(context.warnings)  # a forked child's, as its parent has them
    try:
        # The project stays open while the template runs: what it names beyond the
        # outline is read from the project when it first does (context.py).
        with contextlib.ExitStack() as open_project:
            if context is None:
                use_cache_folder(request.citation_cache)
                store = open_project.enter_context(Store.open(request.project, readonly=True))
                context = context_for(store, request.template, request.citation_style)
                _refuse_unverified(context, request)
                format_citations_first(request.template, context)
            if started is not None:
                started()
            # A template's text is bounded too (MAX_BRIEFING_BYTES): stopped early by
            # its length in characters, then checked in bytes.
            text = render_template(
                request.template.path,
                TEMPLATE_FILE,
                context.as_template_vars(),
                seconds=request.seconds,
                max_chars=MAX_BRIEFING_BYTES,
            )
        if len(text) * 4 > MAX_BRIEFING_BYTES and len(text.encode("utf-8")) > MAX_BRIEFING_BYTES:
            return "error", BriefingTooLargeError(too_large_message(request.template.source))
        meta = _briefing_meta(context)
        if inherited is not None and len(inherited) == len(context.warnings):
            if all(a is b for a, b in zip(inherited, context.warnings, strict=True)):
                return "ok", Rendered(text, [], meta, list(context.unverified), parents_warnings=True)
        return "ok", Rendered(text, list(context.warnings), meta, list(context.unverified))
    except MemoryError:
        return "memory", None
    except (BrieferError, OSError) as exc:
        return "error", _picklable(exc)
    except Exception as exc:  # a bug in Briefer, not in the template: the caller reports it as one
        import traceback

        return "bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"


def _briefing_meta(context: ExportContext) -> dict[str, str]:
    """What the Word build takes from the project's metadata (a template may change it)."""
    return {name: context.meta.get(name, "") for name in ("title", "author", "marking")}


def _refuse_unverified(context: ExportContext, request: _Request) -> None:
    if context.unverified and not request.allow_unverified:
        raise UnverifiedQuotesError(context.unverified)


def _picklable(exc: BaseException) -> BaseException:
    """The exception itself if it survives the trip between processes, else its message as an ExportError."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
        if isinstance(copy, BaseException) and str(copy) == str(exc):
            return exc
    except Exception:
        pass
    return ExportError(str(exc))


def _serve(conn: Connection, limit: int) -> None:
    """The worker's loop: one request at a time until the pipe closes."""
    _limit_memory(limit)
    # Load the renderer before the first request, so the first preview does not wait for imports.
    import briefer.core.store
    import briefer.export.engine  # noqa: F401

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("received", None))  # loaded and listening: what follows is the request's own work
            # The caller's clock for this render starts when the template does.
            kind, value = _answer(request, started=lambda: conn.send(("started", None)))
            conn.send((kind, value))
        except (BrokenPipeError, OSError):
            return
        if kind == "memory":  # the heap may be fragmented near the limit: start afresh
            return


def _serve_fd(fd: int, limit: int) -> None:
    """The spawned worker's entry point: serve on the socket the parent passed down."""
    _serve(Connection(fd), limit)


def _serve_once(conn: Connection, request: _Request, context: ExportContext, limit: int) -> None:
    _limit_memory(limit)
    conn.send(_answer(request, context))


# ------------------------------------------------------------------ the parent
def _can_fork() -> bool:
    return can_fork()


def _own_size() -> int:
    """This process's address space in bytes (what a forked child starts with)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return _WORKER_BASE


def _wait(conn: Connection, process: BaseProcess | subprocess.Popen[bytes], deadline: float) -> tuple[str, Any]:
    """The child's answer, or ("timeout"|"died", None); the caller kills the child on anything but an answer."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout", None
        try:
            if conn.poll(min(_POLL_SECONDS, remaining)):
                answer: tuple[str, Any] = conn.recv()
                return answer
        except (EOFError, OSError):
            return "died", _exit_status(process)
        if _exit_status(process) is not None and not conn.poll(0):
            return "died", _exit_status(process)


def _exit_status(process: BaseProcess | subprocess.Popen[bytes]) -> int | None:
    if isinstance(process, subprocess.Popen):
        return process.poll()
    return process.exitcode if not process.is_alive() else None


def _fork_once(
    request: _Request, context: ExportContext, meanwhile: Callable[[], Any] | None = None
) -> tuple[tuple[str, Any], Any]:
    """The child's answer, and what ``meanwhile()`` made here while it rendered (None if it failed)."""
    forking = multiprocessing.get_context("fork")
    ours, theirs = forking.Pipe(duplex=False)
    # The child starts as big as this process; the template gets the same room on top as the worker has.
    limit = _own_size() + TEMPLATE_MEMORY
    process = forking.Process(target=_serve_once, args=(theirs, request, context, limit), daemon=True)
    process.start()
    theirs.close()
    deadline = time.monotonic() + request.seconds + KILL_GRACE_SECONDS
    try:
        prepared = None
        if meanwhile is not None:
            try:
                prepared = meanwhile()
            except Exception:  # a head start only: the caller does it again, and meets the error then
                prepared = None
        return _wait(ours, process, deadline), prepared
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        ours.close()


class _Worker:
    """One spawned render worker, kept warm; replaced whenever a render does not end cleanly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        # A fresh interpreter running only this module, not multiprocessing's
        # "spawn": that re-runs the caller's main script in the child, which a
        # script without a ``__main__`` guard (or a frozen app) cannot survive.
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        code = f"from briefer.export.isolation import _serve_fd; _serve_fd({theirs.fileno()}, {MEMORY_LIMIT})"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", code], pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL
            )
        finally:
            theirs.close()
        self._process, self._conn = process, Connection(ours.detach())

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()

    def warm_up(self) -> None:
        """Start the worker now (it loads in the background), so the first render does not wait for it."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._stop()
                self._start()

    def ask(self, request: _Request) -> tuple[str, Any]:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._stop()
                self._start()
            assert self._conn is not None and self._process is not None
            finished = False
            try:
                self._conn.send(request)
                # A fresh worker may still be importing: that is not the template's time.
                answer = _wait(self._conn, self._process, time.monotonic() + _STARTUP_SECONDS)
                if answer[0] == "received":
                    # Reading the project and formatting its citations is Briefer's own work, as
                    # long as the project makes it (minutes, for every passage of a large one):
                    # no deadline, and no template to blame; the caller may cancel the wait.
                    answer = _wait(self._conn, self._process, math.inf)
                if answer[0] == "started":
                    answer = _wait(self._conn, self._process, time.monotonic() + request.seconds + KILL_GRACE_SECONDS)
                finished = answer[0] in ("ok", "error", "bug")
                return answer
            finally:
                if not finished:  # killed, died, or the caller was cancelled mid-wait: never reuse it
                    self._stop()
                    self._start()

    def close(self) -> None:
        with self._lock:
            self._stop()


_WORKER = _Worker()


def warm_up() -> None:
    """Start the spawned worker ahead of the first render (the window calls this once it is shown)."""
    _WORKER.warm_up()


def _decode(answer: tuple[str, Any], request: _Request) -> Rendered:
    kind, value = answer
    source = request.template.source
    if kind == "ok":
        assert isinstance(value, Rendered)
        return value
    if kind == "error":
        assert isinstance(value, BaseException)
        raise value
    if kind == "memory":
        raise TemplateError(f"{source}: rendering needed more than {MEMORY_LIMIT // 2**20} MB of memory; stopped")
    if kind == "timeout":
        raise TemplateError(
            f"{source}: rendering took longer than {request.seconds:g} seconds; stopped "
            "(the template may loop without end, or compute something huge)"
        )
    if kind == "died":
        raise TemplateError(
            f"{source}: the renderer stopped without an answer (exit status {value}); "
            f"the template may need more than {MEMORY_LIMIT // 2**20} MB of memory"
        )
    raise RuntimeError(f"the template renderer failed: {value}")


__all__ = ["MEMORY_LIMIT", "Rendered", "render_isolated", "warm_up"]

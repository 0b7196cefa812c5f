"""Regular expressions from the user, run with a time limit and without deafening Ctrl-C.

A pattern such as ``(a|aa)+$`` backtracks exponentially: on 45 ``a``s and a ``b``
Python's ``re`` (and any backtracking engine) would run for hours, holding the
GIL, so neither a deadline nor Ctrl-C could stop it. The ``regex`` package (a
superset of ``re``'s syntax, in its ``re``-compatible V0 mode) takes a
``timeout`` and, with ``concurrent=True``, releases the GIL while it matches.
The matching therefore runs in a worker thread under one deadline for the whole
run, and the calling thread waits on it in short steps, so Python's signal
handler gets to run: Ctrl-C ends the wait at once, and the worker, a daemon
thread, stops at its deadline or with the process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import regex

from briefer.core.errors import BrieferError

# Seconds one run may spend matching, across all the texts it searches.
PATTERN_TIME_LIMIT = 3.0

TOO_SLOW = "pattern too slow: simplify it"


class PatternTooSlowError(BrieferError):
    """A user's pattern ran past its time limit (catastrophic backtracking, most likely)."""


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile ``pattern`` with ``re``'s syntax and behaviour (regex's V0), or raise BrieferError."""
    try:
        return regex.compile(pattern, regex.VERSION0)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise BrieferError(f"invalid pattern {pattern!r}: {exc}") from None


def find_spans(
    compiled: regex.Pattern[str], texts: Sequence[str], *, limit: float = PATTERN_TIME_LIMIT
) -> list[list[tuple[int, int]]]:
    """The (start, end) of every non-empty match in each text, in order.

    Raises PatternTooSlowError when the whole search takes longer than ``limit`` seconds.
    """
    results: list[list[tuple[int, int]]] = []
    failure: list[BaseException] = []
    stop = threading.Event()

    def work() -> None:
        deadline = time.monotonic() + limit
        try:
            for text in texts:
                spans: list[tuple[int, int]] = []
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                for match in compiled.finditer(text, concurrent=True, timeout=remaining):
                    start, end = match.span()
                    if end > start:
                        spans.append((start, end))
                    if stop.is_set():
                        return
                results.append(spans)
        except TimeoutError:
            failure.append(PatternTooSlowError(TOO_SLOW))
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=work, name="briefer-pattern", daemon=True)
    worker.start()
    try:
        # Short waits: the kernel may deliver SIGINT to the worker thread, which would
        # not wake a single long wait; each return checks for it (Ctrl-C within 0.1 s).
        while worker.is_alive():
            worker.join(0.1)
    except BaseException:
        stop.set()  # the worker stops at its next match, or at the deadline
        raise
    if failure:
        raise failure[0]
    return results


def words_pattern(words: str) -> str:
    """A pattern matching any of the comma- or line-separated ``words``, literally and in any case.

    Each entry matches as a whole word where it begins or ends with a Latin letter
    or digit ("chip" does not match in "chipset"); Chinese has no spaces between
    words, so an entry in it matches anywhere. Runs of whitespace inside an entry
    match any whitespace (a phrase broken across lines). Empty when no entry is given.
    """
    parts = []
    for entry in regex.split(r"[,\n;]+", words):
        entry = " ".join(entry.split())
        if not entry:
            continue
        body = r"\s+".join(regex.escape(piece) for piece in entry.split(" "))
        left = r"\b" if entry[0].isascii() and entry[0].isalnum() else ""
        right = r"\b" if entry[-1].isascii() and entry[-1].isalnum() else ""
        parts.append(f"{left}{body}{right}")
    return f"(?i)(?:{'|'.join(parts)})" if parts else ""

"""What happens to a bug: one plain sentence for the analyst, the traceback kept in a file.

Qt-free, shared by the command line and the window.
"""

from __future__ import annotations

import tempfile
import traceback
from types import TracebackType


def save_traceback(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """Write the traceback to a new file in the temporary folder; returns its path."""
    with tempfile.NamedTemporaryFile(
        "w", prefix="briefer-error-", suffix=".txt", delete=False, encoding="utf-8"
    ) as out:
        traceback.print_exception(exc_type, exc, tb, file=out)
    return out.name


def summary(exc: BaseException) -> str:
    """``Type: message`` on one line."""
    message = " ".join(str(exc).split())
    return f"{exc.__class__.__name__}: {message}" if message else exc.__class__.__name__


def problem_key(exc: BaseException, tb: TracebackType | None) -> tuple[str, str]:
    """Where a problem comes from: its type and the line that raised it.

    The same failure recurring (a paint handler on every repaint) has one key,
    even when PySide words the message differently on the way out.
    """
    frames = traceback.extract_tb(tb) if tb is not None else []
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else summary(exc)
    return exc.__class__.__name__, where

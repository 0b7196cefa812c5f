"""Pausing Python's cyclic garbage collector while a burst of long-lived objects is made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; reference counting frees as usual.

    Building many objects that all outlive the block (an export's trees, the
    window's modules, classes and widgets at start-up) triggers collections
    that walk every object the process holds and find next to nothing to
    free. The collector resumes, as it was, when the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

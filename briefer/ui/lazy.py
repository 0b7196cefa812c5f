"""Modules loaded on first use instead of at start-up."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """Module ``name``, executed when one of its attributes is first read.

    For code the window needs only once the analyst acts, such as the edit
    commands (two dozen dataclasses, ~15 ms to create): importing it up front
    would only delay the first frame. Uses ``importlib.util.LazyLoader``, which
    on Python 3.11 is not thread-safe: touch such a module from the GUI thread
    only (the edit commands are).
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as an import statement would: ``briefer.core.commands`` reachable from its package
        setattr(sys.modules[parent], child, module)
    return module

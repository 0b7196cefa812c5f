"""Export engine: project -> template context -> sandboxed Jinja2 -> Markdown -> .md / .docx.

Nothing in this package imports Qt; the CLI and the window both call
:func:`briefer.export.engine.export_project`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefer.export.engine import ExportResult, export_project, render_project

__all__ = ["ExportResult", "export_project", "render_project"]


def __getattr__(name: str) -> Any:
    # The engine brings in Jinja2 and Markdown (~90 ms). Loaded on first use, so
    # light modules such as ``briefer.export.templates`` can be imported alone.
    if name in __all__:
        from briefer.export import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

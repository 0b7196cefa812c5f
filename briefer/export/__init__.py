"""Export engine: project -> template context -> sandboxed Jinja2 -> Markdown -> .md / .docx.

Nothing in this package imports Qt; the CLI and the window both call
:func:`briefer.export.engine.export_project`.
"""

from briefer.export.engine import ExportResult, export_project, render_project

__all__ = ["ExportResult", "export_project", "render_project"]

"""The export pipeline: context -> template -> Markdown -> file.

Rendering and building happen fully in memory before anything touches the
output path, so a failure never leaves a partial or clobbered file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefer.core.store import Store
from briefer.export.context import ExportContext, build_context
from briefer.export.errors import ExportError
from briefer.export.render import RENDER_SECONDS, render_template
from briefer.export.templates import DEFAULT_TEMPLATE, TEMPLATE_FILE, TemplateInfo, find_template
from briefer.export.writer import write_atomically

FORMATS = {".md": "md", ".markdown": "md", ".docx": "docx"}


@dataclass
class ExportResult:
    path: Path
    format: str
    template: TemplateInfo
    warnings: list[str] = field(default_factory=list)


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"cannot tell the format of {path}: use a name ending in .md or .docx")
    return FORMATS[suffix]


def render_project(store: Store, template: TemplateInfo, *,
                   seconds: float = RENDER_SECONDS) -> tuple[str, ExportContext]:
    """The briefing as Markdown, plus the context it was made from (for warnings)."""
    context = build_context(store)
    text = render_template(template.path, TEMPLATE_FILE, context.as_template_vars(), seconds=seconds)
    return text, context


def export_project(store: Store, output: str | Path, *, template_name: str = DEFAULT_TEMPLATE,
                   project_path: str | Path | None = None,
                   roots: list[tuple[str, Path]] | None = None,
                   seconds: float = RENDER_SECONDS) -> ExportResult:
    """Export the project behind ``store`` to ``output`` (.md or .docx)."""
    out = Path(output)
    fmt = format_for(out)
    template = find_template(template_name, project_path if project_path is not None else store.path, roots)
    text, context = render_project(store, template, seconds=seconds)
    if fmt == "md":
        data = text.encode("utf-8")
    else:
        from briefer.export.docx_build import build_docx  # python-docx is only needed here

        data = build_docx(text, reference=template.reference_docx,
                          title=context.meta.get("title", ""), author=context.meta.get("author", ""))
    write_atomically(out, data)
    return ExportResult(out, fmt, template, list(context.warnings))

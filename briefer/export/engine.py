"""The export pipeline: context -> template -> Markdown -> file.

Rendering and building happen fully in memory before anything touches the
output path, so a failure never leaves a partial or clobbered file.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from briefer.core.store import Store
from briefer.export.citations import DEFAULT_STYLE, load_style
from briefer.export.context import ExportContext, build_context
from briefer.export.errors import ExportError, WarningsRefusedError
from briefer.export.export_warnings import ExportWarning
from briefer.export.render import RENDER_SECONDS, render_template
from briefer.export.templates import DEFAULT_TEMPLATE, TEMPLATE_FILE, TemplateInfo, find_template
from briefer.export.writer import write_atomically

FORMATS = {".md": "md", ".markdown": "md", ".docx": "docx"}


@dataclass
class ExportResult:
    path: Path
    format: str
    template: TemplateInfo
    warnings: list[ExportWarning] = field(default_factory=list)


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"cannot tell the format of {path}: use a name ending in .md or .docx")
    return FORMATS[suffix]


def render_project(
    store: Store, template: TemplateInfo, *, seconds: float = RENDER_SECONDS, citation_style: str | None = None
) -> tuple[str, ExportContext]:
    """The briefing as Markdown, plus the context it was made from (for warnings).

    ``citation_style`` (a bundled style name or a .csl file) overrides the template's.
    """
    style = load_style(citation_style or template.citation_style or DEFAULT_STYLE)
    context = build_context(store, style)
    _format_citations_first(template, context)
    text = render_template(template.path, TEMPLATE_FILE, context.as_template_vars(), seconds=seconds)
    return text, context


def _format_citations_first(template: TemplateInfo, context: ExportContext) -> None:
    """Format the citations the template will print before it runs.

    citeproc-py takes milliseconds per citation: seconds on a large project,
    which are Briefer's work, not the template's, so they must not count
    against the template's time limit. What a template names decides what is
    formatted: every passage (each one's footnote), the source list of the
    outline, or of any documents.
    """
    try:
        source = template.source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return  # rendering reports the missing file
    if re.search(r"(?<![.\w])passages\b", source):  # the top-level name, not a section's s.passages
        _ = context.passages
    if re.search(r"\bsources_of\b", source):
        context.citations.prepare([d.id for d in context.sources])
    elif re.search(r"\b(bibliography|reference)\b", source):
        context.citations.prepare(list(dict.fromkeys(p.document.id for p in context.cited)))


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while an export builds its trees.

    A large export creates some 100,000 objects (views, the Markdown tree,
    Word elements) that all live until it ends; each time enough of them
    survive, Python's collector walks every object the process holds (the
    store's passage cache, the window) and finds next to nothing to free: a
    fifth of a 1,000-passage export. Reference counting still frees everything as
    usual; the collector resumes, as it was, once the export's objects are gone.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def export_project(
    store: Store,
    output: str | Path,
    *,
    template_name: str = DEFAULT_TEMPLATE,
    project_path: str | Path | None = None,
    roots: list[tuple[str, Path]] | None = None,
    seconds: float = RENDER_SECONDS,
    citation_style: str | None = None,
    strict: bool = False,
) -> ExportResult:
    """Export the project behind ``store`` to ``output`` (.md or .docx).

    With ``strict``, any warning stops the export before anything is written
    (WarningsRefusedError, carrying the warnings).
    """
    out = Path(output)
    fmt = format_for(out)
    template = find_template(template_name, project_path if project_path is not None else store.path, roots)
    with _cycle_collection_paused():
        data, warnings = _export_bytes(store, template, fmt, seconds, citation_style)
    if strict and warnings:
        count = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
        raise WarningsRefusedError(f"{count} with --strict; nothing written to {out}", list(warnings))
    write_atomically(out, data)
    return ExportResult(out, fmt, template, warnings)


def _export_bytes(
    store: Store, template: TemplateInfo, fmt: str, seconds: float, citation_style: str | None
) -> tuple[bytes, list[ExportWarning]]:
    """The file's bytes and the warnings; the context and trees are freed on return."""
    text, context = render_project(store, template, seconds=seconds, citation_style=citation_style)
    if fmt == "md":
        return text.encode("utf-8"), list(context.warnings)
    from briefer.export.docx_build import build_docx  # python-docx is only needed here

    try:
        data = build_docx(
            text,
            reference=template.reference_docx,
            title=context.meta.get("title", ""),
            author=context.meta.get("author", ""),
        )
    except RecursionError:
        # Hundreds of footnotes each citing the next, or HTML nested as deep:
        # Python-Markdown reads it, but Word's nesting is built recursively.
        raise ExportError(
            "the briefing nests too deeply to build in Word (footnotes citing footnotes, or nested HTML, "
            "hundreds of levels deep); export it as Markdown, or flatten the nesting"
        ) from None
    return data, list(context.warnings)

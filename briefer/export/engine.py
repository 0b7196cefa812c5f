"""The export pipeline: context -> template -> Markdown -> file.

Rendering and building happen fully in memory before anything touches the
output path, so a failure never leaves a partial or clobbered file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefer.core.gc_pause import cycle_collection_paused
from briefer.core.store import Store
from briefer.export.context import ExportContext
from briefer.export.errors import ExportError, UnverifiedQuotesError, WarningsRefusedError
from briefer.export.export_warnings import ExportWarning
from briefer.export.prepare import context_for, format_citations_first
from briefer.export.render import MAX_BRIEFING_BYTES, RENDER_SECONDS, render_template
from briefer.export.templates import DEFAULT_TEMPLATE, TEMPLATE_FILE, TemplateInfo, find_template
from briefer.export.writer import write_atomically

FORMATS = {".md": "md", ".markdown": "md", ".docx": "docx"}


@dataclass
class ExportResult:
    path: Path
    format: str
    template: TemplateInfo
    warnings: list[ExportWarning] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)  # quotes printed marked [unverified] (when allowed)


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"cannot tell the format of {path}: use a name ending in .md or .docx")
    return FORMATS[suffix]


def render_project(
    store: Store,
    template: TemplateInfo,
    *,
    seconds: float = RENDER_SECONDS,
    allow_unverified: bool = True,
    citation_style: str | None = None,
) -> tuple[str, ExportContext]:
    """The briefing as Markdown, plus the context it was made from (for warnings).

    Unverified quotes print marked ``[unverified]`` (the preview shows them so);
    with ``allow_unverified=False`` a placed one raises ``UnverifiedQuotesError``
    before anything is rendered. ``citation_style`` (a bundled style name or a
    .csl file) overrides the template's.
    """
    context = context_for(store, template, citation_style)
    if context.unverified and not allow_unverified:
        raise UnverifiedQuotesError(context.unverified)
    format_citations_first(template, context)
    text = render_template(
        template.path, TEMPLATE_FILE, context.as_template_vars(), seconds=seconds, max_chars=MAX_BRIEFING_BYTES
    )
    return text, context


def export_project(
    store: Store,
    output: str | Path,
    *,
    template_name: str = DEFAULT_TEMPLATE,
    project_path: str | Path | None = None,
    roots: list[tuple[str, Path]] | None = None,
    seconds: float = RENDER_SECONDS,
    allow_unverified: bool = False,
    citation_style: str | None = None,
    strict: bool = False,
) -> ExportResult:
    """Export the project behind ``store`` to ``output`` (.md or .docx).

    A quote placed in the outline that cannot be verified against its document
    stops the export (``UnverifiedQuotesError``, nothing written) unless
    ``allow_unverified``, when the template prints it marked ``[unverified]``.
    With ``strict``, any warning stops the export before anything is written
    (WarningsRefusedError, carrying the warnings).
    """
    out = Path(output)
    fmt = format_for(out)
    template = find_template(template_name, project_path if project_path is not None else store.path, roots)
    # A large export makes some 100,000 objects (views, the Markdown tree, Word
    # elements) that live until it ends: collections would find nothing to free.
    with cycle_collection_paused():
        data, warnings, unverified = _export_bytes(store, template, fmt, seconds, allow_unverified, citation_style)
    refused: list[object] = [*warnings, *(f"printed marked [unverified]: {line}" for line in unverified)]
    if strict and refused:
        count = f"{len(refused)} warning{'s' if len(refused) != 1 else ''}"
        raise WarningsRefusedError(f"{count} with --strict; nothing written to {out}", refused)
    write_atomically(out, data)
    return ExportResult(out, fmt, template, warnings, unverified)


def _export_bytes(
    store: Store,
    template: TemplateInfo,
    fmt: str,
    seconds: float,
    allow_unverified: bool,
    citation_style: str | None,
) -> tuple[bytes, list[ExportWarning], list[str]]:
    """The file's bytes, the warnings and the quotes marked unverified; the trees are freed on return.

    The template runs in a child process (isolation.py): it cannot take this
    process's memory or time.
    """
    from briefer.export.isolation import render_isolated

    def open_word(meta: dict[str, str]) -> object:
        """The Word build's base document, opened while the template renders in its child."""
        from briefer.export.docx_build import open_base

        return open_base(template.reference_docx, page=template.page, marking=meta["marking"], title=meta["title"])

    rendered = render_isolated(
        store.path,
        template,
        seconds=seconds,
        store=store,
        allow_unverified=allow_unverified,
        citation_style=citation_style,
        meanwhile=open_word if fmt == "docx" else None,
    )
    text = rendered.text
    if fmt == "md":
        return text.encode("utf-8"), list(rendered.warnings), list(rendered.unverified)
    from briefer.export.docx_build import build_docx  # python-docx is only needed here

    try:
        data = build_docx(
            text,
            reference=template.reference_docx,
            title=rendered.meta.get("title", ""),
            author=rendered.meta.get("author", ""),
            marking=rendered.meta.get("marking", ""),
            page=template.page,
            base=rendered.prepared,
        )
    except RecursionError:
        # Hundreds of footnotes each citing the next, or HTML nested as deep:
        # Python-Markdown reads it, but Word's nesting is built recursively.
        raise ExportError(
            "the briefing nests too deeply to build in Word (footnotes citing footnotes, or nested HTML, "
            "hundreds of levels deep); export it as Markdown, or flatten the nesting"
        ) from None
    return data, list(rendered.warnings), list(rendered.unverified)

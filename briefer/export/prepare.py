"""The export context for a template: built in its citation style, its citations formatted before it runs.

citeproc-py takes milliseconds per citation: seconds on a large project,
which are Briefer's work, not the template's, so they are done before the
template's time limit starts (here, in whichever process builds the context).
"""

from __future__ import annotations

import re

from briefer.core.store import Store
from briefer.export.citations import DEFAULT_STYLE, load_style
from briefer.export.context import ExportContext, build_context
from briefer.export.templates import TemplateInfo


def context_for(store: Store, template: TemplateInfo, citation_style: str | None = None) -> ExportContext:
    """The context in ``citation_style`` (a bundled style name or a .csl file), else the template's, else Chicago."""
    return build_context(store, load_style(citation_style or template.citation_style or DEFAULT_STYLE))


def format_citations_first(template: TemplateInfo, context: ExportContext) -> None:
    """Format the citations the template will print, as far as its text tells.

    What a template names decides what is formatted: every passage (each one's
    footnote), the source list of the outline, or of any documents.
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

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


# The context's names that are read from the project only when a template names them.
_READ_ON_DEMAND = ("passages", "documents", "sources", "tags", "stances", "stance_counts")


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
    # What the template names beyond the outline is read here, in the process that holds the
    # project open, so a forked render child finds it built (the child may not use the parent's
    # SQLite connection; it would open the project again) and the template's clock does not pay.
    for name in _READ_ON_DEMAND:
        if re.search(rf"(?<![.\w]){name}\b", source):  # the top-level name, not a section's s.passages
            getattr(context, name)
    if re.search(r"\bsources_of\b", source):
        context.citations.prepare([d.id for d in context.sources])
    elif re.search(r"\b(bibliography|reference)\b", source):
        context.citations.prepare(list(dict.fromkeys(p.document.id for p in context.cited)))

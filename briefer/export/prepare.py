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
from briefer.export.render import names_used
from briefer.export.templates import TEMPLATE_FILE, TemplateInfo

# The context's names that are read from the project only when a template names them.
_READ_ON_DEMAND = ("passages", "tagged", "documents", "sources", "tags", "stances", "stance_counts")


def context_for(store: Store, template: TemplateInfo, citation_style: str | None = None) -> ExportContext:
    """The context in ``citation_style`` (a bundled style name or a .csl file), else the template's, else Chicago."""
    names = _names(template)
    context = build_context(
        store,
        load_style(citation_style or template.citation_style or DEFAULT_STYLE),
        # The outline's source list, which format_citations_first prepares, is formatted
        # while the notes are (a list of any passages' sources needs them all read first).
        source_list_aside=_outline_sources(names) and not _any_sources(names),
    )
    context.template_names = names
    return context


def format_citations_first(template: TemplateInfo, context: ExportContext) -> None:
    """Read what the template names beyond the outline and format the citations it will print.

    What a template names decides what is done: every passage (each one's
    footnote), the source list of the outline, or of any documents. It is done
    here, in the process that holds the project open, so a forked render child
    finds it built (the child may not use its parent's SQLite connection; it
    would open the project again) and the template's clock does not pay for it.
    """
    names = context.template_names if context.template_names is not None else _names(template)
    for name in _READ_ON_DEMAND:
        if name in names:
            getattr(context, name)
    if _any_sources(names):
        context.citations.prepare(list(dict.fromkeys(p.document.id for p in context.passages)))
    elif _outline_sources(names):
        context.citations.prepare(list(dict.fromkeys(p.document.id for p in context.cited)))
    context.citations.save()


def _any_sources(names: set[str]) -> bool:
    """Whether the template may print a source list of any passages."""
    return "sources_of" in names and "passages" in names


def _outline_sources(names: set[str]) -> bool:
    """Whether the template may print a source list (or an entry of one)."""
    return bool({"sources_of", "bibliography", "reference"} & names)


def _names(template: TemplateInfo) -> set[str]:
    """The top-level names the template reads; when Jinja cannot tell, any name its text mentions
    (``reference``, an attribute, is looked for in the text always)."""
    try:
        source = template.source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()  # rendering reports the missing file
    mentioned = set(re.findall(r"\w+", source))
    names = names_used(template.path, TEMPLATE_FILE)
    if names is None:
        return mentioned
    return names | ({"reference"} & mentioned)

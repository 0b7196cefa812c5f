"""The template context: a read-only, plain view of a project for templates.

Everything here is frozen dataclasses of strings, numbers and lists, so a
template cannot change the project and the sandbox has nothing dangerous to
reach. ``templates/README.md`` documents every field; keep the two in step.

Templates mostly print the placed passages, so only their views are built up
front; ``passages`` (a view of every passage, 20,000 on a large project) is
built the first time a template names it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from briefer.core.integrity import DocumentVerdict, Verdict, verify_document
from briefer.core.model import Document, Passage, Placement, Section, Tag, page_labels
from briefer.core.store import Store
from briefer.export.card_markup import author_year
from briefer.export.errors import ExportError

# The end of a sentence; searched for only within a paragraph (a line), so never across a line break.
_SENTENCE_END = re.compile(r"[.!?。！？]+[\"'”’」』)）]*\s*")
# A paragraph is a line whose first character after spaces and tabs is not
# whitespace. Searching from the newline (a literal the regex engine scans
# for quickly) is much faster than a multiline ``^``.
_NONBLANK_START = re.compile(r"[ \t]*\S")
_BLANK_AFTER_NEWLINE = re.compile(r"\n(?![ \t]*\S)")
_CJK_QUOTE = re.compile(r"[\u3400-\u9fff]")
# The names a template sees, in the order templates/README.md lists them.
CONTEXT_NAMES = (
    "meta",
    "today",
    "outline",
    "sections",
    "cited",
    "passages",
    "documents",
    "sources",
    "tags",
    "stances",
    "stance_counts",
    "warnings",
)


@dataclass(frozen=True)
class DocumentView:
    id: int
    number: int  # source number, in order of first citation; 0 when never cited
    title: str
    publisher: str
    author: str
    date: str
    url: str
    language: str
    source_file: str
    cite: str  # one-line citation: publisher, author, date, "title" (URL separate)
    type: str = ""  # the CSL item type to cite it as (DocumentInfo.item_type)
    doi: str = ""
    container: str = ""  # newspaper, journal or website, apart from the publisher
    author_year: str = ""  # a debate card's short cite: "Raman 2025", else "Outlet 2025"


@dataclass(frozen=True)
class TagView:
    id: int
    name: str
    color: str
    description: str
    is_stance: bool
    parent: str  # parent tag name, "" at top level
    count: int  # passages carrying this tag


@dataclass(frozen=True)
class PassageView:
    id: int
    citation: int  # footnote number, in order of first appearance in the outline
    quote: str
    note: str  # Markdown written by the analyst
    translation: str
    tags: list[str]
    language: str  # the document's language
    is_cjk: bool
    document: DocumentView
    start: int
    end: int
    sentence: str  # the sentence(s) containing the quote
    paragraph: str  # the paragraph(s) containing the quote
    paragraph_before: str  # paragraph text before the quote
    paragraph_after: str  # paragraph text after the quote
    paragraph_number: int  # which paragraph (non-empty line) of the document, from 1
    pages: tuple[str, ...] = ()  # labels of the pages it spans in a paged document (a PDF)
    # False when the quote cannot be trusted (see briefer.core.integrity): its
    # document's text fails its hash, or the quote no longer sits at its offsets.
    # Templates print a visible [unverified] mark beside such a quote.
    verified: bool = True


@dataclass(frozen=True)
class SectionView:
    id: int
    title: str
    notes: str  # Markdown written by the analyst
    stance: str  # stance tag name, "" when none
    level: int  # 1 for top-level sections
    number: str  # "1", "1.2", ...
    passages: list[PassageView] = field(default_factory=list)
    children: list[SectionView] = field(default_factory=list)


@dataclass(frozen=True)
class StanceCount:
    name: str
    tagged: int  # passages carrying the stance tag
    placed: int  # passages placed in sections with this stance


# The views' fields are strings, numbers, lists and other views: safe for a template to read.
VIEW_TYPES = frozenset({DocumentView, TagView, PassageView, SectionView, StanceCount})


@dataclass(frozen=True)
class ExportContext:
    """Everything a template can use; ``passages`` is built on first use."""

    meta: dict[str, str]
    today: str
    outline: list[SectionView]
    sections: list[SectionView]  # the outline flattened, depth first
    cited: list[PassageView]  # passages placed in the outline, by citation number
    documents: list[DocumentView]
    sources: list[DocumentView]  # cited documents, by source number
    tags: list[TagView]
    stances: list[StanceCount]
    stance_counts: dict[str, int]  # stance name -> passages tagged with it
    warnings: list[str]
    build_passages: Callable[[], list[PassageView]] = field(repr=False, compare=False)
    # One line per passage placed in the outline that is unverified: what stops an export
    # unless the analyst allows it (then each prints marked [unverified]).
    unverified: list[str] = field(default_factory=list)

    @cached_property
    def passages(self) -> list[PassageView]:
        """Every passage, by citation number (the placed ones are the objects in ``cited``)."""
        return self.build_passages()

    def as_template_vars(self) -> Mapping[str, object]:
        return TemplateVars(self)


class TemplateVars(Mapping[str, object]):
    """The context's names for Jinja, each read from the context only when a template asks for it.

    Jinja resolves exactly the names a template mentions, so a template that
    never names ``passages`` never pays for 20,000 passage views.
    """

    def __init__(self, context: ExportContext) -> None:
        self._context = context

    def __getitem__(self, name: str) -> object:
        if name not in CONTEXT_NAMES:
            raise KeyError(name)
        return getattr(self._context, name)

    def __contains__(self, name: object) -> bool:
        return name in CONTEXT_NAMES

    def __iter__(self) -> Iterator[str]:
        return iter(CONTEXT_NAMES)

    def __len__(self) -> int:
        return len(CONTEXT_NAMES)


def _refuse_broken_references(
    placements: list[Placement], passages: dict[int, Passage], sections: list[Section], docs: dict[int, Document]
) -> None:
    """Stop at a placement or passage naming a row that is not there (a file edited by another
    program): the briefing cannot be built around it, and ``briefer check`` lists them all."""
    section_ids = {s.id for s in sections}
    for pl in placements:
        if pl.passage not in passages:
            raise ExportError(
                f"the outline is damaged: placement {pl.id} points at passage {pl.passage}, "
                "which does not exist; run 'briefer check' on the project for the whole list"
            )
        if pl.section not in section_ids:
            raise ExportError(
                f"the outline is damaged: placement {pl.id} points at section {pl.section}, "
                "which does not exist; run 'briefer check' on the project for the whole list"
            )
    for p in passages.values():
        if p.document not in docs:
            raise ExportError(
                f"the project is damaged: passage {p.id} quotes document {p.document}, "
                "which does not exist; run 'briefer check' on the project for the whole list"
            )


def citation_warnings(documents: list[DocumentView]) -> list[str]:
    warnings = []
    for doc in documents:
        missing = [name for name in ("publisher", "date", "url") if not getattr(doc, name).strip()]
        if missing:
            warnings.append(
                f"source {doc.number} '{doc.title or doc.source_file}' has no "
                f"{', '.join(missing)}; its citation is incomplete"
            )
    return warnings


def build_context(store: Store) -> ExportContext:
    """Read the whole project into views, each passage's quote verified against its document.

    A passage that cannot be verified gets ``verified=False``; the placed ones
    are listed in ``unverified`` for the export to refuse or mark. A broken
    reference (a damaged file) raises ``ExportError``.
    """
    meta = store.get_meta()
    tags = store.list_tags()
    tag_names = {t.id: t.name for t in tags}
    sections = store.list_sections()
    placements = store.list_placements()
    passages = {p.id: p for p in store.list_passages()}
    docs = {d.id: d for d in store.list_documents_with_text()}
    _refuse_broken_references(placements, passages, sections, docs)
    of_document: dict[int, list[Passage]] = {}
    for p in passages.values():
        of_document.setdefault(p.document, []).append(p)
    checked: dict[int, DocumentVerdict] = {}  # hashed once, and only documents a view is built for

    def verdict(p: Passage) -> Verdict:
        if p.document not in checked:
            doc = docs[p.document]
            checked[p.document] = verify_document(doc.text, doc.sha256, of_document[p.document])
        return checked[p.document].passages[p.id]

    placed_in: dict[int, list[int]] = {}
    for pl in sorted(placements, key=lambda x: (x.section, x.position)):
        placed_in.setdefault(pl.section, []).append(pl.passage)
    # Citation numbers follow the first appearance in the outline (depth first),
    # then the unplaced passages in document order, so annexes can cite them too.
    order: dict[int, None] = {}  # an ordered set
    for sec in sections:
        order.update((pid, None) for pid in placed_in.get(sec.id, []))
    placed_ids = list(order)
    order.update((pid, None) for pid in passages)
    doc_number: dict[int, int] = {}
    for pid in order:
        doc_number.setdefault(passages[pid].document, len(doc_number) + 1)

    doc_views = {d.id: _document_view(d, doc_number.get(d.id, 0)) for d in docs.values()}
    paragraphs: dict[int, _Paragraphs] = {}  # per document, shared by its passages

    def view(pid: int, citation: int) -> PassageView:
        p = passages[pid]
        return _passage_view(
            p, docs[p.document], citation, doc_views[p.document], tag_names, paragraphs, verdict(p).verified
        )

    cited = [view(pid, n) for n, pid in enumerate(placed_ids, 1)]
    cited_by_id = {v.id: v for v in cited}

    def every_passage() -> list[PassageView]:
        return [cited_by_id.get(pid) or view(pid, n) for n, pid in enumerate(order, 1)]

    # The section a passage first appears in, in outline order (later ones are overwritten by earlier).
    section_of = {pid: sec for sec in reversed(sections) for pid in placed_in.get(sec.id, [])}
    unverified = [
        _unverified_line(passages[v.id], verdict(passages[v.id]), docs[v.document.id], section_of[v.id])
        for v in cited
        if not v.verified
    ]
    outline = _outline(sections, placed_in, cited_by_id, tag_names)
    flat: list[SectionView] = []

    def walk(nodes: list[SectionView]) -> None:
        for node in nodes:
            flat.append(node)
            walk(node.children)

    walk(outline)
    counts = store.tag_counts()  # passage_tags holds each (passage, tag) once
    tag_views = [
        TagView(
            t.id,
            t.name,
            t.color,
            t.description,
            t.is_stance,
            tag_names.get(t.parent, "") if t.parent else "",
            counts.get(t.id, 0),
        )
        for t in tags
    ]
    stances = _stance_counts(tags, sections, placed_in, counts)
    sources = sorted((d for d in doc_views.values() if d.number), key=lambda d: d.number)
    return ExportContext(
        meta={name: getattr(meta, name) for name in meta.FIELDS},
        today=date.today().isoformat(),
        outline=outline,
        sections=flat,
        cited=cited,
        documents=[doc_views[i] for i in sorted(doc_views)],
        sources=sources,
        tags=tag_views,
        stances=stances,
        stance_counts={s.name: s.tagged for s in stances},
        warnings=citation_warnings(sources),
        build_passages=every_passage,
        unverified=unverified,
    )


def _unverified_line(p: Passage, verdict: Verdict, doc: Document, section: Section) -> str:
    quote = " ".join(p.quote.split())
    quote = quote if len(quote) <= 50 else quote[:49] + "…"
    return (
        f"passage {p.id} {quote!r} in section '{section.title}', from document {doc.id} "
        f"'{doc.title or doc.source_file}': {verdict.value}"
    )


def _document_view(doc: Document, number: int) -> DocumentView:
    parts = [doc.publisher, doc.author, doc.date, f"“{doc.title}”" if doc.title else doc.source_file]
    cite = ", ".join(part.strip() for part in parts if part and part.strip())
    return DocumentView(
        doc.id,
        number,
        doc.title,
        doc.publisher,
        doc.author,
        doc.date,
        doc.url,
        doc.language,
        doc.source_file,
        cite,
        type=doc.item_type,
        doi=doc.doi,
        container=doc.container,
        author_year=author_year(doc.author, doc.date, doc.container or doc.publisher, doc.title or doc.source_file),
    )


def _passage_view(
    p: Passage,
    doc: Document,
    number: int,
    doc_view: DocumentView,
    tag_names: dict[int, str],
    paragraphs: dict[int, _Paragraphs],
    verified: bool = True,
) -> PassageView:
    text = doc.text
    if doc.id not in paragraphs:
        paragraphs[doc.id] = _Paragraphs(text)
    para_start = text.rfind("\n", 0, p.start) + 1
    para_end = text.find("\n", p.end)
    para_end = len(text) if para_end == -1 else para_end
    sent_start = para_start
    for m in _SENTENCE_END.finditer(text, para_start, p.start):
        sent_start = m.end()
    after = _SENTENCE_END.search(text, p.end, para_end)
    sent_end = para_end if after is None else after.end()
    return PassageView(
        id=p.id,
        citation=number,
        quote=p.quote,
        note=p.note,
        translation=p.translation,
        tags=[tag_names[t] for t in p.tags if t in tag_names],
        language=doc.language,
        is_cjk=doc.language.startswith("zh") or bool(_CJK_QUOTE.search(p.quote)),
        document=doc_view,
        start=p.start,
        end=p.end,
        sentence=text[sent_start:sent_end].strip(),
        paragraph=text[para_start:para_end].strip(),
        paragraph_before=text[para_start : p.start].lstrip(),
        paragraph_after=text[p.end : para_end].rstrip(),
        paragraph_number=paragraphs[doc.id].number(para_start),
        pages=tuple(page_labels(doc.pages, p.start, p.end)),
        verified=verified,
    )


class _Paragraphs:
    """Paragraph numbers in one document: its non-blank lines, counted from the start, from 1.

    A line is blank when its first character after spaces and tabs is
    whitespace (or there is none). Blank lines are found once (they are
    rare); lines are counted with ``str.count`` from the nearest offset
    already counted to, so a document is scanned about once however many of
    its passages are cited, instead of listing every line start of every
    cited document up front.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._blank_after_newline = [m.start() + 1 for m in _BLANK_AFTER_NEWLINE.finditer(text)]
        self._first_line_blank = _NONBLANK_START.match(text) is None
        self._counted = [0]  # offsets, sorted, with the number of newlines before each
        self._newlines = [0]

    def number(self, line_start: int) -> int:
        """The paragraph number of the line that starts at ``line_start``."""
        if line_start == 0:
            return 1
        # Lines starting before line_start: the first, and one after each newline before line_start - 1.
        end = line_start - 1
        i = bisect.bisect_right(self._counted, end) - 1
        newlines = self._newlines[i] + self._text.count("\n", self._counted[i], end)
        self._counted.insert(i + 1, end)
        self._newlines.insert(i + 1, newlines)
        lines_before = 1 + newlines
        blank_before = int(self._first_line_blank) + bisect.bisect_left(self._blank_after_newline, line_start)
        return lines_before - blank_before + 1


def _outline(
    sections: list[Section], placed_in: dict[int, list[int]], pviews: dict[int, PassageView], tag_names: dict[int, str]
) -> list[SectionView]:
    children: dict[int | None, list[Section]] = {}
    for sec in sections:  # already parents first, siblings in order
        children.setdefault(sec.parent, []).append(sec)

    def build(parent: int | None, level: int, prefix: str) -> list[SectionView]:
        nodes = []
        for i, sec in enumerate(children.get(parent, []), 1):
            number = f"{prefix}{i}"
            nodes.append(
                SectionView(
                    id=sec.id,
                    title=sec.title,
                    notes=sec.notes,
                    stance=tag_names.get(sec.stance, "") if sec.stance else "",
                    level=level,
                    number=number,
                    passages=[pviews[pid] for pid in placed_in.get(sec.id, [])],
                    children=build(sec.id, level + 1, number + "."),
                )
            )
        return nodes

    return build(None, 1, "")


def _stance_counts(
    tags: list[Tag], sections: list[Section], placed_in: dict[int, list[int]], tag_counts: dict[int, int]
) -> list[StanceCount]:
    """Per stance tag: passages tagged, and passages placed in sections arguing it, each counted
    once however many of them hold it. A subsection without a stance argues its parent's, as
    in the window's balance view."""
    argues: dict[int, int | None] = {}
    for sec in sections:  # parents come first
        argues[sec.id] = sec.stance if sec.stance is not None else argues.get(sec.parent) if sec.parent else None
    result = []
    for tag in (t for t in tags if t.is_stance):
        tagged = tag_counts.get(tag.id, 0)
        placed = {pid for sec in sections if argues[sec.id] == tag.id for pid in placed_in.get(sec.id, [])}
        result.append(StanceCount(tag.name, tagged, len(placed)))
    return result

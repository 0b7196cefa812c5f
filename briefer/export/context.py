"""The template context: a read-only, plain view of a project for templates.

Everything here is frozen dataclasses of strings, numbers and lists, so a
template cannot change the project and the sandbox has nothing dangerous to
reach. ``templates/README.md`` documents every field; keep the two in step.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from briefer.core.model import Document, Passage, Section, Tag
from briefer.core.store import Store
from briefer.export.errors import QuoteMismatchError

_SENTENCE_END = re.compile(r"[.!?。！？]+[\"'”’」』)）]*\s*|\n")
_NONBLANK_LINE = re.compile(r"^[ \t]*\S", re.M)


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


@dataclass(frozen=True)
class SectionView:
    id: int
    title: str
    notes: str  # Markdown written by the analyst
    stance: str  # stance tag name, "" when none
    level: int  # 1 for top-level sections
    number: str  # "1", "1.2", ...
    passages: list[PassageView] = field(default_factory=list)
    children: list["SectionView"] = field(default_factory=list)


@dataclass(frozen=True)
class StanceCount:
    name: str
    tagged: int  # passages carrying the stance tag
    placed: int  # passages placed in sections with this stance


@dataclass(frozen=True)
class ExportContext:
    meta: dict[str, str]
    today: str
    outline: list[SectionView]
    sections: list[SectionView]  # the outline flattened, depth first
    cited: list[PassageView]  # passages placed in the outline, by citation number
    passages: list[PassageView]  # every passage, by citation number
    documents: list[DocumentView]
    sources: list[DocumentView]  # cited documents, by source number
    tags: list[TagView]
    stances: list[StanceCount]
    stance_counts: dict[str, int]  # stance name -> passages tagged with it
    warnings: list[str]

    def as_template_vars(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def check_quote(passage: Passage, document: Document) -> None:
    """Refuse to cite a passage whose quote no longer sits at its offsets."""
    if document.text[passage.start:passage.end] != passage.quote:
        short = passage.quote if len(passage.quote) <= 60 else passage.quote[:57] + "..."
        raise QuoteMismatchError(
            f"passage {passage.id} ({short!r}) no longer matches document {document.id} "
            f"'{document.title}' at {passage.start}-{passage.end}; re-anchor or delete it before exporting")


def citation_warnings(documents: list[DocumentView]) -> list[str]:
    warnings = []
    for doc in documents:
        missing = [name for name in ("publisher", "date", "url") if not getattr(doc, name).strip()]
        if missing:
            warnings.append(f"source {doc.number} '{doc.title or doc.source_file}' has no "
                            f"{', '.join(missing)}; its citation is incomplete")
    return warnings


def build_context(store: Store) -> ExportContext:
    """Read the whole project and check every quote; raises QuoteMismatchError."""
    meta = store.get_meta()
    tags = store.list_tags()
    tag_names = {t.id: t.name for t in tags}
    sections = store.list_sections()
    placements = store.list_placements()
    passages = {p.id: p for p in store.list_passages()}
    docs = {d.id: store.get_document(d.id) for d in store.list_documents()}
    for p in passages.values():
        check_quote(p, docs[p.document])

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
    citation = {pid: n for n, pid in enumerate(order, 1)}
    doc_number: dict[int, int] = {}
    for pid in order:
        doc_number.setdefault(passages[pid].document, len(doc_number) + 1)

    doc_views = {d.id: _document_view(d, doc_number.get(d.id, 0)) for d in docs.values()}
    line_starts: dict[int, list[int]] = {}  # per document, built once: 20,000 passages share them
    pviews = {pid: _passage_view(passages[pid], docs[passages[pid].document], citation[pid],
                                 doc_views[passages[pid].document], tag_names, line_starts) for pid in order}
    outline = _outline(sections, placed_in, pviews, tag_names)
    flat: list[SectionView] = []

    def walk(nodes: list[SectionView]) -> None:
        for node in nodes:
            flat.append(node)
            walk(node.children)

    walk(outline)
    counts = store.tag_counts()
    tag_views = [TagView(t.id, t.name, t.color, t.description, t.is_stance,
                         tag_names.get(t.parent, "") if t.parent else "", counts.get(t.id, 0)) for t in tags]
    stances = _stance_counts(tags, sections, placed_in, passages)
    sources = sorted((d for d in doc_views.values() if d.number), key=lambda d: d.number)
    return ExportContext(
        meta={name: getattr(meta, name) for name in meta.FIELDS},
        today=date.today().isoformat(),
        outline=outline,
        sections=flat,
        cited=[pviews[pid] for pid in placed_ids],
        passages=[pviews[pid] for pid in order],
        documents=[doc_views[i] for i in sorted(doc_views)],
        sources=sources,
        tags=tag_views,
        stances=stances,
        stance_counts={s.name: s.tagged for s in stances},
        warnings=citation_warnings(sources),
    )


def _document_view(doc: Document, number: int) -> DocumentView:
    parts = [doc.publisher, doc.author, doc.date, f"“{doc.title}”" if doc.title else doc.source_file]
    cite = ", ".join(part.strip() for part in parts if part and part.strip())
    return DocumentView(doc.id, number, doc.title, doc.publisher, doc.author, doc.date, doc.url,
                        doc.language, doc.source_file, cite)


def _passage_view(p: Passage, doc: Document, number: int, doc_view: DocumentView,
                  tag_names: dict[int, str], line_starts: dict[int, list[int]]) -> PassageView:
    text = doc.text
    if doc.id not in line_starts:  # offsets where a non-blank line (a paragraph) begins
        line_starts[doc.id] = [m.start() for m in _NONBLANK_LINE.finditer(text)]
    para_start = text.rfind("\n", 0, p.start) + 1
    para_end = text.find("\n", p.end)
    para_end = len(text) if para_end == -1 else para_end
    sent_start = para_start
    for m in _SENTENCE_END.finditer(text, para_start, p.start):
        sent_start = m.end()
    m = _SENTENCE_END.search(text, p.end, para_end)
    sent_end = para_end if m is None else m.end()
    return PassageView(
        id=p.id, citation=number, quote=p.quote, note=p.note, translation=p.translation,
        tags=[tag_names[t] for t in p.tags if t in tag_names], language=doc.language,
        is_cjk=doc.language.startswith("zh") or bool(re.search(r"[\u3400-\u9fff]", p.quote)),
        document=doc_view, start=p.start, end=p.end,
        sentence=text[sent_start:sent_end].strip(), paragraph=text[para_start:para_end].strip(),
        paragraph_before=text[para_start:p.start].lstrip(), paragraph_after=text[p.end:para_end].rstrip(),
        paragraph_number=bisect.bisect_left(line_starts[doc.id], para_start) + 1,
    )


def _outline(sections: list[Section], placed_in: dict[int, list[int]], pviews: dict[int, PassageView],
             tag_names: dict[int, str]) -> list[SectionView]:
    children: dict[int | None, list[Section]] = {}
    for sec in sections:  # already parents first, siblings in order
        children.setdefault(sec.parent, []).append(sec)

    def build(parent: int | None, level: int, prefix: str) -> list[SectionView]:
        nodes = []
        for i, sec in enumerate(children.get(parent, []), 1):
            number = f"{prefix}{i}"
            nodes.append(SectionView(
                id=sec.id, title=sec.title, notes=sec.notes,
                stance=tag_names.get(sec.stance, "") if sec.stance else "", level=level, number=number,
                passages=[pviews[pid] for pid in placed_in.get(sec.id, [])],
                children=build(sec.id, level + 1, number + ".")))
        return nodes

    return build(None, 1, "")


def _stance_counts(tags: list[Tag], sections: list[Section], placed_in: dict[int, list[int]],
                   passages: dict[int, Passage]) -> list[StanceCount]:
    result = []
    for tag in (t for t in tags if t.is_stance):
        tagged = sum(1 for p in passages.values() if tag.id in p.tags)
        placed = {pid for sec in sections if sec.stance == tag.id for pid in placed_in.get(sec.id, [])}
        result.append(StanceCount(tag.name, tagged, len(placed)))
    return result

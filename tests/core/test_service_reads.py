"""The service's reads (what the window's docks show) and its typed change events."""

from __future__ import annotations

from briefer.core.commands import AddTag, EditTag
from briefer.core.service import Change, ChangeArea, ProjectService


def test_reads_answer_what_the_store_answers(service: ProjectService) -> None:
    store = service.store
    docs = store.list_documents()
    first = docs[0].id
    passage = service.create_passage(document=first, start=0, end=12, tags=[store.list_tags()[0].id])
    section = store.list_sections()[0].id
    service.place(passage=passage, section=section)

    assert service.path == store.path
    assert service.meta() == store.get_meta()
    assert service.counts() == store.counts()
    assert service.documents.all() == docs
    assert service.documents.info(first) == store.document_info(first)
    assert service.documents.get(first) == store.get_document(first)
    assert service.documents.titles() == store.document_titles()
    assert service.documents.sources([first]) == store.document_sources([first])
    assert service.documents.passage_counts() == {first: 1}
    assert service.documents.search("China", limit=3) == store.search("China", limit=3)
    tag = store.list_tags()[0]
    assert service.tags.all() == store.list_tags()
    assert service.tags.get(tag.id) == tag
    assert service.tags.counts() == {tag.id: 1}
    assert service.tags.usage(tag.id) == 1
    assert service.passages.get(passage) == store.get_passage(passage)
    assert service.passages.by_id([passage]) == {passage: store.get_passage(passage)}
    assert service.passages.order() == [passage]
    assert service.passages.order(tag=tag.id, document=first) == [passage]
    assert service.passages.order_keys([passage]) == {passage: (first, 0, 12, passage)}
    assert service.passages.ids_containing(store.get_passage(passage).quote[:5].upper()) == {passage}
    assert service.passages.overlapping(first, 5, 6) == [(passage, 0, 12)]
    assert service.passages.positions(first, [passage]) == [(passage, 0, 12)]
    assert service.passages.tags_of([passage]) == {passage: (tag.id,)}
    assert service.passages.tagged_per_document([tag.id]) == [(tag.id, first, 1)]
    assert service.outline.sections() == store.list_sections()
    assert service.outline.section(section) == store.get_section(section)
    placement = store.list_placements(section)[0]
    assert service.outline.placements(section) == [placement]
    assert service.outline.placements() == store.list_placements()
    assert service.outline.placement(placement.id) == placement
    assert service.outline.placement_documents() == [(section, passage, first)]


def test_changes_name_their_area_with_the_enum(service: ProjectService) -> None:
    seen: list[Change] = []
    service.subscribe(seen.append)
    service.set_meta(title="Typed")
    doc = service.documents.all()[0].id
    pid = service.create_passage(document=doc, start=0, end=5)
    command = AddTag("Fresh", "#123456")
    command.do(service)
    assert command.tag_id is not None
    EditTag(command.tag_id, {"name": "Fresher"}, "Rename").do(service)
    assert seen[0] == Change(ChangeArea.META)
    assert seen[1] == Change(ChangeArea.PASSAGES, (pid,), documents=(doc,), tags=())
    assert {c.area for c in seen[2:]} <= {ChangeArea.TAGS, ChangeArea.PASSAGES}
    assert ChangeArea.TAGS in {c.area for c in seen[2:]}
    assert all(isinstance(c.area, ChangeArea) for c in seen)

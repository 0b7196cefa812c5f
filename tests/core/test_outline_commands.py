"""Outline commands on the store alone: every do/undo/redo returns the exact same project."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.core.errors import BrieferError
from briefer.core.outline_commands import (
    AddSection,
    DeleteSection,
    MovePlacement,
    MovePlacements,
    MoveSection,
    MoveSections,
    PlacePassages,
    RemovePlacements,
    RenameSection,
    SectionFromTag,
    SetProjectMeta,
    SetSectionNotes,
    SetSectionStance,
)
from briefer.core.service import ProjectService
from briefer.core.store import Store

TEXT = "Alpha one. Beta two. Gamma three. Delta four. Epsilon five."


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ProjectService]:
    store = Store.create(tmp_path / "p.briefer")
    svc = ProjectService(store)
    second = "Zeta six. Eta seven."
    for text in (second, TEXT):  # the second document imported first: ids differ from document order
        store.add_document(text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), title=text[:4])
    store.add_tag(name="Backfire", color="#ff0000", is_stance=True)
    yield svc
    store.close()


def state(svc: ProjectService) -> tuple[object, ...]:
    s = svc.store
    return (tuple(s.list_sections()), tuple(s.list_placements()), s.get_meta())


def passages(svc: ProjectService, n: int = 5) -> list[int]:
    words = ["Alpha one.", "Beta two.", "Gamma three.", "Delta four.", "Epsilon five."]
    return [svc.tag_quote(document=2, quote=w, tags=["Backfire"]) for w in words[:n]]


def roundtrip(svc: ProjectService, command) -> tuple[object, ...]:
    before = state(svc)
    command.do(svc)
    after = state(svc)
    command.undo(svc)
    assert state(svc) == before
    command.do(svc)
    assert state(svc) == after
    return after


def test_add_rename_notes_stance_delete(service: ProjectService) -> None:
    add = AddSection("Findings")
    roundtrip(service, add)
    sid = add.section_id
    assert sid is not None
    roundtrip(service, RenameSection(sid, "Key findings"))
    roundtrip(service, SetSectionNotes(sid, "*why* it matters"))
    roundtrip(service, SetSectionStance(sid, 1))
    assert service.store.get_section(sid).stance == 1
    with pytest.raises(BrieferError):
        RenameSection(sid, "  ").do(service)


def test_typing_merges(service: ProjectService) -> None:
    sid = service.add_section(title="S")
    first = SetSectionNotes(sid, "a")
    first.do(service)
    second = SetSectionNotes(sid, "ab")
    second.do(service)
    assert first.merge(second) and first.new_value == "ab"
    first.undo(service)
    assert service.store.get_section(sid).notes == ""
    assert not first.merge(SetSectionNotes(sid + 1, "x"))
    meta = SetProjectMeta("title", "T")
    assert meta.merge(SetProjectMeta("title", "Tw")) and not meta.merge(SetProjectMeta("author", "x"))
    roundtrip(service, SetProjectMeta("bottom_line", "Mixed."))


def test_delete_section_restores_subsections_and_placements(service: ProjectService) -> None:
    ids = passages(service, 3)
    top = service.add_section(title="Top")
    sub = service.add_section(title="Sub", parent=top)
    service.add_section(title="After")
    PlacePassages(top, ids[:2]).do(service)
    PlacePassages(sub, ids[2:]).do(service)
    roundtrip(service, DeleteSection(top))


def test_place_several_at_a_position(service: ProjectService) -> None:
    ids = passages(service, 4)
    sid = service.add_section(title="S")
    PlacePassages(sid, ids[:2]).do(service)
    roundtrip(service, PlacePassages(sid, ids[2:], position=1))
    assert [p.passage for p in service.store.list_placements(sid)] == [ids[0], ids[2], ids[3], ids[1]]


def test_move_several_placements_keeps_their_order(service: ProjectService) -> None:
    ids = passages(service, 5)
    a = service.add_section(title="A")
    b = service.add_section(title="B")
    PlacePassages(a, ids).do(service)
    pl = [p.id for p in service.store.list_placements(a)]
    # b and d to the end of A: a, c, e, b, d
    roundtrip(service, MovePlacements([pl[1], pl[3]], a, 3))
    assert [p.passage for p in service.store.list_placements(a)] == [ids[0], ids[2], ids[4], ids[1], ids[3]]
    roundtrip(service, MovePlacements([pl[4], pl[0]], b, 0))
    assert [p.passage for p in service.store.list_placements(b)] == [ids[4], ids[0]]
    roundtrip(service, MovePlacement(pl[2], b, 1))
    assert [p.passage for p in service.store.list_placements(b)] == [ids[4], ids[2], ids[0]]
    roundtrip(service, RemovePlacements([pl[2], pl[4]]))
    assert [p.passage for p in service.store.list_placements(b)] == [ids[0]]


def test_move_and_nest_sections(service: ProjectService) -> None:
    a, b, c = (service.add_section(title=t) for t in "ABC")
    roundtrip(service, MoveSection(c, None, 0))
    assert [s.title for s in service.store.list_sections()] == ["C", "A", "B"]
    roundtrip(service, MoveSections([a, b], c, 0))
    assert [(s.title, s.parent) for s in service.store.list_sections()] == [("C", None), ("A", c), ("B", c)]
    with pytest.raises(BrieferError):
        MoveSection(c, a, 0).do(service)


def test_section_from_tag_in_document_order(service: ProjectService) -> None:
    late = service.tag_quote(document=1, quote="Eta seven.", tags=["Backfire"])  # document 1, end
    early = service.tag_quote(document=2, quote="Gamma three.", tags=["Backfire"])
    first = service.tag_quote(document=1, quote="Zeta six.", tags=["Backfire"])
    command = SectionFromTag(1)
    roundtrip(service, command)
    section = service.store.get_section(command.section_id)
    assert (section.title, section.stance) == ("Backfire", 1)
    assert [p.passage for p in service.store.list_placements(section.id)] == [first, late, early]

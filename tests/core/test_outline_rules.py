"""An outline that cannot double-count: a section holds a passage once, positions are checked,
sections are named by id or title, and a tag dropped on its own section fills it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.cli import main
from briefer.core.errors import BrieferError, DoublePlacementError, NotFoundError, OutOfRangeError
from briefer.core.outline_commands import (
    FillSectionFromTag,
    MovePlacements,
    PlacePassages,
    SectionFromTag,
    commands_for_tag_drop,
)
from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.export.context import build_context

TEXT = "Alpha one. Beta two. Gamma three. Delta four."
WORDS = ["Alpha one.", "Beta two.", "Gamma three.", "Delta four."]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "p.briefer"
    with Store.create(target) as store:
        service = ProjectService(store)
        store.add_document(text=TEXT, sha256=hashlib.sha256(TEXT.encode()).hexdigest(), title="Doc")
        store.add_tag(name="Backfire", color="#ff0000", is_stance=True)
        store.add_tag(name="Other", color="#00ff00")
        for word in WORDS:
            service.tag_quote(document=1, quote=word, tags=["Backfire"])
        service.add_section(title="Backfire")  # 1
        service.add_section(title="Work")  # 2
        service.add_section(title="2024")  # 3: a title made of digits
        service.add_section(title="Work")  # 4: a second "Work"
    return target


@pytest.fixture
def service(path: Path) -> Iterator[ProjectService]:
    store = Store.open(path)
    yield ProjectService(store)
    store.close()


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip()


def placed(path: Path, section: int) -> list[int]:
    with Store.open(path, readonly=True) as store:
        return [pl.passage for pl in store.list_placements(section)]


# ------------------------------------------------------------------ the CLI
def test_placing_a_passage_twice_in_a_section_is_refused(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "place", str(path), "1", "--section", "Backfire")[0] == 0
    code, out, err = cli(capsys, "place", str(path), "1", "--section", "Backfire")
    assert code == 1 and out == ""
    assert err == ("briefer: error: section 'Backfire' already holds passage 1; a passage is placed in a section once")
    assert placed(path, 1) == [1]
    # Another section may hold it too, on purpose.
    assert cli(capsys, "place", str(path), "1", "--section", "3")[0] == 0
    assert placed(path, 3) == [1]


def test_a_position_out_of_range_is_an_error(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "place", str(path), "1", "--section", "1")[0] == 0
    code, _out, err = cli(capsys, "place", str(path), "2", "--section", "1", "--position", "2")
    assert code == 1
    assert err == (
        "briefer: error: position 2 is out of range: section 'Backfire' holds 1 passage, so a position runs from 0 to 1"
    )
    assert placed(path, 1) == [1]
    assert cli(capsys, "place", str(path), "2", "--section", "1", "--position", "1")[0] == 0  # the end: fine
    assert cli(capsys, "place", str(path), "3", "--section", "1", "--position", "0")[0] == 0
    assert placed(path, 1) == [3, 1, 2]
    code, _out, err = cli(capsys, "place", str(path), "1", "--section", "Work", "--position", "1")
    assert code == 1 and "several outline sections are titled 'Work'; use an id: 2, 4" in err


def test_sections_are_named_by_id_or_title(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Digits are an id when a section has it...
    assert cli(capsys, "place", str(path), "1", "--section", "2")[0] == 0
    assert placed(path, 2) == [1]
    # ...and a title otherwise.
    assert cli(capsys, "place", str(path), "1", "--section", "2024")[0] == 0
    assert placed(path, 3) == [1]
    # An ambiguous title lists the ids to choose from; an unknown one says so.
    code, _out, err = cli(capsys, "place", str(path), "1", "--section", "Work")
    assert code == 1 and err == ("briefer: error: several outline sections are titled 'Work'; use an id: 2, 4")
    code, _out, err = cli(capsys, "place", str(path), "1", "--section", "99")
    assert code == 1 and err == "briefer: error: no outline section with id or title '99'"
    code, _out, err = cli(capsys, "place", str(path), "1", "--section", "9" * 40)
    assert code == 1 and "no outline section with id or title" in err
    # --parent takes the same.
    code, out, _err = cli(capsys, "section", str(path), "Under work", "--parent", "4")
    assert code == 0
    with Store.open(path, readonly=True) as store:
        assert store.get_section(int(out)).parent == 4
    code, _out, err = cli(capsys, "section", str(path), "Nowhere", "--parent", "Work")
    assert code == 1 and "use an id: 2, 4" in err


def test_service_lookups(service: ProjectService) -> None:
    assert service.resolve_section("4") == 4
    assert service.resolve_section(1) == 1
    assert service.resolve_section("2024") == 3
    with pytest.raises(NotFoundError):
        service.resolve_section("Nope")
    with pytest.raises(OutOfRangeError):
        service.place(passage=1, section=1, position=1)


# ------------------------------------------------------------- the commands
def test_a_drop_onto_a_section_holding_a_passage_is_refused_whole(service: ProjectService) -> None:
    PlacePassages(1, [2]).do(service)
    before = service.store.list_placements()
    with pytest.raises(DoublePlacementError, match="section 'Backfire' already holds passage 2"):
        PlacePassages(1, [1, 2, 3]).do(service)
    with pytest.raises(DoublePlacementError, match="already holds passage 4"):
        PlacePassages(1, [4, 4]).do(service)  # the same passage twice in one drop
    assert service.store.list_placements() == before


def test_moving_a_passage_into_a_section_that_holds_it_is_refused(service: ProjectService) -> None:
    PlacePassages(1, [1, 2]).do(service)
    PlacePassages(2, [1]).do(service)
    other = next(pl.id for pl in service.store.list_placements(2))
    with pytest.raises(DoublePlacementError, match="section 'Backfire' already holds passage 1"):
        MovePlacements([other], 1, 0).do(service)
    # A reorder within the section is still fine.
    first = service.store.list_placements(1)[0].id
    move = MovePlacements([first], 1, 1)
    move.do(service)
    assert [pl.passage for pl in service.store.list_placements(1)] == [2, 1]


def test_a_tag_dropped_on_its_own_section_fills_it(service: ProjectService) -> None:
    PlacePassages(1, [3]).do(service)
    made, refused = commands_for_tag_drop(service, [1], 1, None)  # the "Backfire" tag onto "Backfire"
    assert refused == [] and len(made) == 1 and isinstance(made[0], FillSectionFromTag)
    made[0].do(service)
    assert [pl.passage for pl in service.store.list_placements(1)] == [3, 1, 2, 4]  # the rest, in document order
    assert len(service.store.list_sections()) == 4  # no nested "Backfire"
    made[0].undo(service)
    assert [pl.passage for pl in service.store.list_placements(1)] == [3]
    made[0].do(service)  # redo
    assert [pl.passage for pl in service.store.list_placements(1)] == [3, 1, 2, 4]
    # Once it holds them all, there is nothing to do, and the drop says so.
    made, refused = commands_for_tag_drop(service, [1], 1, None)
    assert made == [] and refused == ["section 'Backfire' already holds every passage tagged 'Backfire'"]


def test_a_tag_fills_the_section_arguing_it_as_its_stance(service: ProjectService) -> None:
    service.store.update_section(2, stance=1)  # "Work" argues the Backfire stance
    made, _ = commands_for_tag_drop(service, [1], 2, None)
    made[0].do(service)
    assert [pl.passage for pl in service.store.list_placements(2)] == [1, 2, 3, 4]


def test_a_tag_dropped_on_empty_space_fills_the_top_level_section_of_its_name(service: ProjectService) -> None:
    made, _ = commands_for_tag_drop(service, [1], None, None)
    assert isinstance(made[0], FillSectionFromTag) and made[0].section_id == 1
    # A tag with no section of its name, or dropped on another section, makes one as before.
    service.tag_quote(document=1, quote="Alpha", tags=["Other"])
    made, _ = commands_for_tag_drop(service, [2], None, None)
    assert isinstance(made[0], SectionFromTag) and made[0].parent is None
    made, _ = commands_for_tag_drop(service, [1], 3, 0)
    assert isinstance(made[0], SectionFromTag) and made[0].parent == 3


def test_only_a_top_level_section_is_filled_from_empty_space(service: ProjectService) -> None:
    service.add_section(title="Other", parent=2)  # nested: not what a drop on empty space means
    service.tag_quote(document=1, quote="Alpha", tags=["Other"])
    made, _ = commands_for_tag_drop(service, [2], None, None)
    assert isinstance(made[0], SectionFromTag)


# ------------------------------------------------------------------- counts
def test_a_passage_in_two_sections_is_counted_once_in_the_briefing(service: ProjectService) -> None:
    service.store.update_section(1, stance=1)
    service.store.update_section(2, stance=1)
    PlacePassages(1, [1, 2]).do(service)
    PlacePassages(2, [2]).do(service)  # the same passage, in a second section of the same stance
    service.add_section(title="Sub", parent=1)
    PlacePassages(5, [3]).do(service)  # a subsection argues its parent's stance
    context = build_context(service.store)
    assert [p.id for p in context.cited] == [1, 2, 3]
    assert {s.name: s.placed for s in context.stances} == {"Backfire": 3}
    by_id = {s.id: s for s in context.sections}
    assert by_id[2].passages[0].citation == by_id[1].passages[1].citation == 2


def test_placing_checks_the_section_before_writing(service: ProjectService) -> None:
    with pytest.raises(BrieferError):
        service.place(passage=1, section=999)
    assert service.store.list_placements() == []

"""Undoable edits to the outline and the project metadata (no Qt).

Each command follows ``briefer.core.commands``: ``do``/``undo`` against the
service, repeatable after undo, re-creating rows with the ids they had so a
redo after an undo brings back exactly the same project. The service has no
outline edit methods beyond add/place yet, so these commands call the store
inside one transaction and then announce ``ChangeArea.OUTLINE`` themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefer.core.errors import BrieferError
from briefer.core.model import Placement, ProjectMeta, SectionSnapshot
from briefer.core.service import ChangeArea, ProjectService, double_placement_error, refuse_double_placement

if TYPE_CHECKING:
    from briefer.core.commands import Command

# One elementary move: (row id, parent before, position before, parent after, position after).
_Move = tuple[int, "int | None", int, "int | None", int]


def _plan_moves(
    ids: Sequence[int],
    target_parent: int | None,
    target_pos: int,
    locate: Callable[[int], tuple[int | None, int]],
    siblings: Callable[[int | None], list[int]],
    move: Callable[[int, int | None, int], None],
) -> list[_Move]:
    """Move ``ids`` (in this order) so they sit together at ``target_pos``.

    ``target_pos`` is an index into the target's children *without* the moved
    rows. Moving one row at a time to its final index would be thrown off by
    the moved rows not yet moved, so first send each to the end, then pull each
    into place: that is always exact and each step is undone by its inverse.
    """
    steps: list[_Move] = []

    def step(row: int, parent: int | None, pos: int) -> None:
        old_parent, old_pos = locate(row)
        move(row, parent, pos)
        new_parent, new_pos = locate(row)
        steps.append((row, old_parent, old_pos, new_parent, new_pos))

    for row in ids:
        step(row, target_parent, len(siblings(target_parent)))
    for i, row in enumerate(ids):
        step(row, target_parent, target_pos + i)
    return [s for s in steps if (s[1], s[2]) != (s[3], s[4])]


def _undo_moves(steps: list[_Move], move: Callable[[int, int | None, int], None]) -> None:
    for row, old_parent, old_pos, _new_parent, _new_pos in reversed(steps):
        move(row, old_parent, old_pos)


def _redo_moves(steps: list[_Move], move: Callable[[int, int | None, int], None]) -> None:
    for row, _old_parent, _old_pos, new_parent, new_pos in steps:
        move(row, new_parent, new_pos)


# ------------------------------------------------------------------ sections
@dataclass
class AddSection:
    title: str
    parent: int | None = None
    position: int | None = None
    notes: str = ""
    stance: int | None = None
    label: str = "Add section"
    section_id: int | None = None

    def do(self, service: ProjectService) -> None:
        self.section_id = service.add_section(
            title=self.title,
            parent=self.parent,
            position=self.position,
            notes=self.notes,
            stance=self.stance,
            section_id=self.section_id,
        )

    def undo(self, service: ProjectService) -> None:
        assert self.section_id is not None
        service.store.delete_section(self.section_id)
        service.notify(ChangeArea.OUTLINE, self.section_id)


@dataclass
class _SetSectionField:
    """Change one field of a section; consecutive edits of it merge (typing)."""

    section_id: int
    new_value: object
    field_name: str = ""
    label: str = "Edit section"
    old_value: object = None
    _has_old: bool = False

    @property
    def merge_key(self) -> tuple[object, ...] | None:  # None: every change is its own undo step
        return ("section-" + self.field_name, self.section_id)

    def do(self, service: ProjectService) -> None:
        if not self._has_old:
            self.old_value = getattr(service.store.get_section(self.section_id), self.field_name)
            self._has_old = True
        self._apply(service, self.new_value)

    def undo(self, service: ProjectService) -> None:
        self._apply(service, self.old_value)

    def _apply(self, service: ProjectService, value: object) -> None:
        if self.field_name == "title" and not str(value).strip():
            raise BrieferError("a section needs a title")
        service.store.update_section(self.section_id, **{self.field_name: value})
        service.notify(ChangeArea.OUTLINE, self.section_id)

    def merge(self, other: object) -> bool:
        if type(other) is type(self) and getattr(other, "merge_key", None) == self.merge_key:
            self.new_value = other.new_value
            return True
        return False


@dataclass
class RenameSection(_SetSectionField):
    field_name: str = "title"
    label: str = "Rename section"


@dataclass
class SetSectionNotes(_SetSectionField):
    field_name: str = "notes"
    label: str = "Edit section notes"


@dataclass
class SetSectionStance(_SetSectionField):
    field_name: str = "stance"
    label: str = "Set section stance"

    @property
    def merge_key(self) -> tuple[object, ...] | None:
        # A stance is chosen, not typed: every change is its own undo step.
        return None


@dataclass
class DeleteSection:
    """Delete a section with its subsections and placements; undo restores them all."""

    section_id: int
    label: str = "Delete section"
    _snapshot: SectionSnapshot | None = None

    def do(self, service: ProjectService) -> None:
        with service.store.transaction():
            self._snapshot = service.store.snapshot_section(self.section_id)
            service.store.delete_section(self.section_id)
        service.notify(ChangeArea.OUTLINE, self.section_id)

    def undo(self, service: ProjectService) -> None:
        assert self._snapshot is not None
        service.store.restore_section(self._snapshot)
        service.notify(ChangeArea.OUTLINE, self.section_id)


@dataclass
class MoveSections:
    """Reorder or nest sections: they land together under ``parent`` at ``position``.

    ``position`` counts the new parent's children without the moved sections.
    Subsections and placements travel along because they hang off the section.
    """

    section_ids: list[int]
    parent: int | None
    position: int
    label: str = "Move section"
    _steps: list[_Move] | None = None

    def do(self, service: ProjectService) -> None:
        store = service.store
        with store.transaction():
            if self._steps is not None:
                _redo_moves(self._steps, store.move_section)
            else:

                def locate(sid: int) -> tuple[int | None, int]:
                    s = store.get_section(sid)
                    return s.parent, s.position

                def siblings(parent: int | None) -> list[int]:
                    return [s.id for s in store.list_sections() if s.parent == parent]

                parents = {s.id: s.parent for s in store.list_sections()}
                ancestor = self.parent
                while ancestor is not None:  # the target and everything above it
                    if ancestor in self.section_ids:
                        raise BrieferError("a section cannot be moved into itself or its subsections")
                    ancestor = parents.get(ancestor)
                self._steps = _plan_moves(
                    self.section_ids, self.parent, self.position, locate, siblings, store.move_section
                )
        service.notify(ChangeArea.OUTLINE, *self.section_ids)

    def undo(self, service: ProjectService) -> None:
        assert self._steps is not None
        with service.store.transaction():
            _undo_moves(self._steps, service.store.move_section)
        service.notify(ChangeArea.OUTLINE, *self.section_ids)


def MoveSection(section_id: int, parent: int | None, position: int) -> MoveSections:  # noqa: N802
    """One section: a reorder among siblings or a nest under another section."""
    return MoveSections([section_id], parent, position)


# ---------------------------------------------------------------- placements
@dataclass
class PlacePassages:
    """Place several passages in a section at once (one undo step), in the given order."""

    section_id: int
    passage_ids: list[int]
    position: int | None = None  # None: at the end
    label: str = "Place passages"
    placement_ids: list[int] = field(default_factory=list)

    def do(self, service: ProjectService) -> None:
        store = service.store
        with store.transaction():
            section = store.get_section(self.section_id)
            refuse_double_placement(store, self.section_id, self.passage_ids, section.title)
            start = len(store.list_placements(self.section_id)) if self.position is None else self.position
            ids: Sequence[int | None] = self.placement_ids or [None] * len(self.passage_ids)
            created = []
            for i, (passage, pl_id) in enumerate(zip(self.passage_ids, ids, strict=True)):
                store.get_passage(passage)
                created.append(
                    store.add_placement(
                        section=self.section_id, passage=passage, position=start + i, placement_id=pl_id
                    )
                )
            self.placement_ids = created
        service.notify(ChangeArea.OUTLINE, self.section_id)

    def undo(self, service: ProjectService) -> None:
        with service.store.transaction():
            for pl_id in reversed(self.placement_ids):
                service.store.remove_placement(pl_id)
        service.notify(ChangeArea.OUTLINE, self.section_id)


@dataclass
class MovePlacements:
    """Reorder placements within a section or move them to another one.

    ``position`` counts the target section's placements without the moved ones.
    """

    placement_ids: list[int]
    section_id: int
    position: int
    label: str = "Move passages"
    _steps: list[_Move] | None = None

    def do(self, service: ProjectService) -> None:
        store = service.store
        move = _placement_mover(service)
        with store.transaction():
            if self._steps is not None:
                _redo_moves(self._steps, move)
            else:
                target = store.get_section(self.section_id)
                # Passages arriving from other sections must not be there already:
                # the section would hold them twice. A reorder within it is always fine.
                moved = [store.get_placement(pl_id) for pl_id in self.placement_ids]
                arriving = [pl.passage for pl in moved if pl.section != self.section_id]
                present = {pl.passage for pl in store.list_placements(self.section_id)}
                clash = (present & set(arriving)) | {p for p, n in Counter(arriving).items() if n > 1}
                if clash:
                    raise double_placement_error(target.title, clash)

                def locate(pl_id: int) -> tuple[int | None, int]:
                    pl = store.get_placement(pl_id)
                    return pl.section, pl.position

                def siblings(section: int | None) -> list[int]:
                    return [p.id for p in store.list_placements(section)] if section is not None else []

                self._steps = _plan_moves(self.placement_ids, self.section_id, self.position, locate, siblings, move)
        service.notify(ChangeArea.OUTLINE, self.section_id)

    def undo(self, service: ProjectService) -> None:
        assert self._steps is not None
        with service.store.transaction():
            _undo_moves(self._steps, _placement_mover(service))
        service.notify(ChangeArea.OUTLINE, self.section_id)


def _placement_mover(service: ProjectService) -> Callable[[int, int | None, int], None]:
    # Placements always have a section; the generic move plan types parents as optional.
    def move(pl_id: int, section: int | None, pos: int) -> None:
        assert section is not None
        service.store.move_placement(pl_id, section, pos)

    return move


def MovePlacement(placement_id: int, section_id: int, position: int) -> MovePlacements:  # noqa: N802
    return MovePlacements([placement_id], section_id, position, label="Move passage")


@dataclass
class RemovePlacements:
    """Take passages out of the outline (the passages themselves stay)."""

    placement_ids: list[int]
    label: str = "Remove from outline"
    _removed: list[Placement] = field(default_factory=list)

    def do(self, service: ProjectService) -> None:
        store = service.store
        with store.transaction():
            placements = sorted(
                (store.get_placement(i) for i in self.placement_ids), key=lambda p: (p.section, p.position)
            )
            # Highest position first, so the recorded positions stay exact for undo.
            for pl in reversed(placements):
                store.remove_placement(pl.id)
            self._removed = placements
        service.notify(ChangeArea.OUTLINE)

    def undo(self, service: ProjectService) -> None:
        with service.store.transaction():
            for pl in self._removed:
                service.store.add_placement(
                    section=pl.section, passage=pl.passage, position=pl.position, placement_id=pl.id
                )
        service.notify(ChangeArea.OUTLINE)


def RemovePlacement(placement_id: int) -> RemovePlacements:  # noqa: N802
    return RemovePlacements([placement_id])


@dataclass
class SectionFromTag:
    """A tag becomes a section titled after it, filled with its passages in document order.

    Passages of the tag's subtags count too, as in ``Store.tag_usage``. A stance
    tag also becomes the section's stance.
    """

    tag_id: int
    parent: int | None = None
    position: int | None = None
    label: str = "Section from tag"
    _add: AddSection | None = None
    _place: PlacePassages | None = None

    def do(self, service: ProjectService) -> None:
        store = service.store
        with store.transaction():
            if self._add is None:
                tag = store.get_tag(self.tag_id)
                passages = tag_passages(service, self.tag_id)
                self._add = AddSection(
                    tag.name, parent=self.parent, position=self.position, stance=tag.id if tag.is_stance else None
                )
                self._add.do(service)
                assert self._add.section_id is not None
                self._place = PlacePassages(self._add.section_id, passages)
            else:
                self._add.do(service)
            assert self._place is not None
            self._place.do(service)

    def undo(self, service: ProjectService) -> None:
        assert self._add is not None and self._place is not None
        with service.store.transaction():
            self._place.undo(service)
            self._add.undo(service)

    @property
    def section_id(self) -> int | None:
        return self._add.section_id if self._add else None


def tag_passages(service: ProjectService, tag_id: int) -> list[int]:
    """The passages carrying a tag or one of its subtags, in document order."""
    store = service.store
    family = {tag_id}
    for t in store.list_tags():  # parents come before children
        if t.parent in family:
            family.add(t.id)
    # list_passages is ordered by document, then start: document order.
    return [p.id for p in store.list_passages() if family.intersection(p.tags)]


@dataclass
class FillSectionFromTag:
    """Add to a section, at its end, the tag's passages (in document order) it does not hold yet."""

    tag_id: int
    section_id: int
    label: str = "Fill section from tag"
    _place: PlacePassages | None = None

    def do(self, service: ProjectService) -> None:
        store = service.store
        with store.transaction():
            if self._place is None:
                section = store.get_section(self.section_id)
                missing = missing_tag_passages(service, self.tag_id, self.section_id)
                if not missing:
                    raise BrieferError(_nothing_to_fill(section.title, store.get_tag(self.tag_id).name))
                self._place = PlacePassages(self.section_id, missing)
            self._place.do(service)

    def undo(self, service: ProjectService) -> None:
        assert self._place is not None
        self._place.undo(service)


def _nothing_to_fill(section: str, tag: str) -> str:
    return f"section '{section}' already holds every passage tagged '{tag}'"


def missing_tag_passages(service: ProjectService, tag_id: int, section_id: int) -> list[int]:
    held = {pl.passage for pl in service.store.list_placements(section_id)}
    return [pid for pid in tag_passages(service, tag_id) if pid not in held]


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def section_for_tag(service: ProjectService, tag_id: int, section: int | None) -> int | None:
    """The section a tag dropped on ``section`` (``None``: empty space) should fill, if any.

    Dropped on a section named after the tag, or arguing it as its stance, the
    tag fills that section; dropped on empty space, it fills the top-level
    section of its name. Otherwise (``None``) it becomes a section of its own.
    """
    store = service.store
    tag = store.get_tag(tag_id)
    if section is not None:
        target = store.get_section(section)
        return section if _same_name(target.title, tag.name) or target.stance == tag_id else None
    for s in store.list_sections():  # parents first, siblings in order: the first top-level match
        if s.parent is None and _same_name(s.title, tag.name):
            return s.id
    return None


def commands_for_tag_drop(
    service: ProjectService, tag_ids: Sequence[int], section: int | None, position: int | None
) -> tuple[list[Command], list[str]]:
    """What dropping codebook tags on ``section`` (or on empty space) does: a command per tag
    that changes something, and why the others change nothing."""
    made: list[Command] = []
    refused: list[str] = []
    for tag_id in tag_ids:
        target = section_for_tag(service, tag_id, section)
        if target is None:
            at = None if position is None else position + len(made)
            made.append(SectionFromTag(tag_id, parent=section, position=at))
        elif missing_tag_passages(service, tag_id, target):
            made.append(FillSectionFromTag(tag_id, target))
        else:
            store = service.store
            refused.append(_nothing_to_fill(store.get_section(target).title, store.get_tag(tag_id).name))
    return made, refused


# ---------------------------------------------------------------------- meta
@dataclass
class SetProjectMeta:
    """Change one metadata field; typing into the same field merges into one step."""

    field_name: str
    new_value: str
    label: str = "Edit project details"
    old_value: str | None = None

    def __post_init__(self) -> None:
        if self.field_name not in ProjectMeta.FIELDS:
            raise BrieferError(f"unknown project field '{self.field_name}'")

    @property
    def merge_key(self) -> tuple[object, ...]:
        return ("meta", 0, self.field_name)

    def do(self, service: ProjectService) -> None:
        if self.old_value is None:
            self.old_value = getattr(service.store.get_meta(), self.field_name)
        service.set_meta(**{self.field_name: self.new_value})

    def undo(self, service: ProjectService) -> None:
        service.set_meta(**{self.field_name: self.old_value or ""})

    def merge(self, other: object) -> bool:
        if isinstance(other, SetProjectMeta) and other.merge_key == self.merge_key:
            self.new_value = other.new_value
            return True
        return False

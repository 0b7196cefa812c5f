"""Undoable edits to the outline and the project metadata (no Qt).

Each command follows ``briefer.core.commands``: ``do``/``undo`` against the
service, repeatable after undo, re-creating rows with the ids they had so a
redo after an undo brings back exactly the same project. The service has no
outline edit methods beyond add/place yet, so these commands call the store
inside one transaction and then announce ``ChangeArea.OUTLINE`` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from briefer.core.errors import BrieferError
from briefer.core.model import Placement, ProjectMeta, SectionSnapshot
from briefer.core.service import ChangeArea, ProjectService

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
            store.get_section(self.section_id)
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
                store.get_section(self.section_id)

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
                family = {self.tag_id}
                for t in store.list_tags():  # parents come before children
                    if t.parent in family:
                        family.add(t.id)
                # list_passages is ordered by document, then start: document order.
                passages = [p.id for p in store.list_passages() if family.intersection(p.tags)]
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

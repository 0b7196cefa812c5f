"""Undoable edits as plain objects: ``do(service)`` / ``undo(service)``.

The Qt side wraps any of these in one generic ``QUndoCommand``
(``briefer.ui.undo``); nothing here knows about Qt, so every edit and its undo
is testable on the store alone. A command's ``do`` must be repeatable after
``undo`` (redo), so commands remember the ids they created and re-create rows
with the same ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from briefer.core.errors import BrieferError, ConstraintError
from briefer.core.model import PassageSnapshot, TagSnapshot
from briefer.core.service import AutotagPlan, AutotagResult, ChangeArea, ProjectService


class Command(Protocol):
    label: str

    def do(self, service: ProjectService) -> None: ...

    def undo(self, service: ProjectService) -> None: ...


class MergeableCommand(Command, Protocol):
    """A command that can absorb a following one (typing into a note)."""

    merge_key: tuple[object, ...] | None  # None: this one does not merge

    def merge(self, other: MergeableCommand) -> bool: ...


@dataclass
class CreatePassage:
    """Tag a span: creates a passage, or adds the tags to the passage already there."""

    document: int
    start: int
    end: int
    tags: tuple[int, ...]
    label: str = "Tag passage"
    passage_id: int | None = None
    _created: bool = False
    _added_tags: tuple[int, ...] = ()

    def do(self, service: ProjectService) -> None:
        existing = service.store.passage_at(self.document, self.start, self.end)
        if existing is not None and (self.passage_id is None or existing == self.passage_id) and not self._created:
            before = set(service.store.get_passage(existing).tags)
            self._added_tags = tuple(t for t in self.tags if t not in before)
            for tag in self._added_tags:
                service.add_passage_tag(existing, tag)
            self.passage_id = existing
            return
        self.passage_id = service.create_passage(
            document=self.document, start=self.start, end=self.end, tags=self.tags, passage_id=self.passage_id
        )
        self._created = True

    def undo(self, service: ProjectService) -> None:
        assert self.passage_id is not None
        if self._created:
            service.delete_passage(self.passage_id)
        else:
            for tag in self._added_tags:
                service.remove_passage_tag(self.passage_id, tag)


@dataclass
class DeletePassage:
    passage_id: int
    label: str = "Delete passage"
    _snapshot: PassageSnapshot | None = None

    def do(self, service: ProjectService) -> None:
        self._snapshot = service.delete_passage(self.passage_id)

    def undo(self, service: ProjectService) -> None:
        assert self._snapshot is not None
        service.restore_passage(self._snapshot)


@dataclass
class SetPassageField:
    """Change a passage's note or translation; consecutive edits merge into one step."""

    passage_id: int
    field_name: str  # "note" or "translation"
    new_value: str
    label: str = "Edit note"
    old_value: str | None = None

    @property
    def merge_key(self) -> tuple[object, ...]:
        return ("passage-field", self.passage_id, self.field_name)

    def do(self, service: ProjectService) -> None:
        if self.old_value is None:
            self.old_value = getattr(service.store.get_passage(self.passage_id), self.field_name)
        service.update_passage(self.passage_id, **{self.field_name: self.new_value})

    def undo(self, service: ProjectService) -> None:
        service.update_passage(self.passage_id, **{self.field_name: self.old_value or ""})

    def merge(self, other: object) -> bool:
        if isinstance(other, SetPassageField) and other.merge_key == self.merge_key:
            self.new_value = other.new_value
            return True
        return False


@dataclass
class TogglePassageTag:
    passage_id: int
    tag_id: int
    add: bool
    label: str = "Change passage tags"
    _changed: bool = field(default=False)

    def do(self, service: ProjectService) -> None:
        if self.add:
            self._changed = service.add_passage_tag(self.passage_id, self.tag_id)
        else:
            self._changed = service.remove_passage_tag(self.passage_id, self.tag_id)

    def undo(self, service: ProjectService) -> None:
        if not self._changed:
            return
        if self.add:
            service.remove_passage_tag(self.passage_id, self.tag_id)
        else:
            service.add_passage_tag(self.passage_id, self.tag_id)


@dataclass
class CompositeCommand:
    """Several commands as one undo step (a multi-passage drop, a tag-to-section drag)."""

    commands: list[Command]
    label: str

    def do(self, service: ProjectService) -> None:
        with service.store.transaction():
            for command in self.commands:
                command.do(service)

    def undo(self, service: ProjectService) -> None:
        with service.store.transaction():
            for command in reversed(self.commands):
                command.undo(service)


# ------------------------------------------------------------- document metadata
@dataclass
class EditDocumentMetadata:
    """Change a document's citation fields (title, publisher, author, date, URL, language)."""

    document: int
    fields: dict[str, str]
    label: str = "Edit document details"
    _old: dict[str, str] | None = None

    def do(self, service: ProjectService) -> None:
        if self._old is None:
            info = service.store.document_info(self.document)
            self._old = {name: getattr(info, name) for name in self.fields}
        service.update_document(self.document, **self.fields)

    def undo(self, service: ProjectService) -> None:
        assert self._old is not None
        service.update_document(self.document, **self._old)


# ---------------------------------------------------------------------- codebook
# The service has no tag operations yet; these commands call the store and then
# announce the change themselves. Tag edits also change how passages look
# (colours, chips), so they notify "passages" too.
def _tags_changed(service: ProjectService, *ids: int, passages: bool = False) -> None:
    service.notify(ChangeArea.TAGS, *ids)
    if passages:
        service.notify(ChangeArea.PASSAGES)


def _checked(action: Callable[[], object], what: str) -> None:
    try:
        action()
    except ConstraintError:
        raise BrieferError(f"{what}: a tag with that name already exists") from None


@dataclass
class AddTag:
    name: str
    color: str
    parent: int | None = None
    is_stance: bool = False
    label: str = "Add tag"
    tag_id: int | None = None
    position: int | None = None  # among its siblings; None: last

    def do(self, service: ProjectService) -> None:
        if not self.name.strip():
            raise BrieferError("a tag needs a name")

        def add() -> None:
            self.tag_id = service.store.add_tag(
                name=self.name.strip(),
                color=self.color,
                parent=self.parent,
                is_stance=self.is_stance,
                tag_id=self.tag_id,
                position=self.position,
            )

        _checked(add, f"cannot add '{self.name}'")
        _tags_changed(service, self.tag_id or 0)

    def undo(self, service: ProjectService) -> None:
        assert self.tag_id is not None
        service.store.delete_tag(self.tag_id)  # new, so no passages to lose
        _tags_changed(service, self.tag_id)


@dataclass
class EditTag:
    """Rename, recolour or (un)mark a tag as a stance."""

    tag_id: int
    fields: dict[str, object]
    label: str = "Edit tag"
    _old: dict[str, object] | None = None

    def do(self, service: ProjectService) -> None:
        if "name" in self.fields and not str(self.fields["name"]).strip():
            raise BrieferError("a tag needs a name")
        if self._old is None:
            tag = service.store.get_tag(self.tag_id)
            self._old = {name: getattr(tag, name) for name in self.fields}
        _checked(lambda: service.store.update_tag(self.tag_id, **self.fields), "cannot rename the tag")
        _tags_changed(service, self.tag_id, passages="color" in self.fields)

    def undo(self, service: ProjectService) -> None:
        assert self._old is not None
        service.store.update_tag(self.tag_id, **self._old)
        _tags_changed(service, self.tag_id, passages="color" in self.fields)


def tag_subtree(service: ProjectService, tag_id: int) -> set[int]:
    """The tag and all its descendants."""
    children: dict[int | None, list[int]] = {}
    for tag in service.store.list_tags():
        children.setdefault(tag.parent, []).append(tag.id)
    found, todo = set(), [tag_id]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(children.get(current, ()))
    return found


@dataclass
class MoveTag:
    """Reorder a tag among its siblings or nest it under another tag."""

    tag_id: int
    parent: int | None
    position: int
    label: str = "Move tag"
    _old: tuple[int | None, int] | None = None

    def do(self, service: ProjectService) -> None:
        if self.parent is not None and self.parent in tag_subtree(service, self.tag_id):
            raise BrieferError("a tag cannot be nested inside itself")
        tag = service.store.get_tag(self.tag_id)
        if self._old is None:
            self._old = (tag.parent, tag.position)
        service.store.move_tag(self.tag_id, self.parent, self.position)
        _tags_changed(service, self.tag_id)

    def undo(self, service: ProjectService) -> None:
        assert self._old is not None
        service.store.move_tag(self.tag_id, *self._old)
        _tags_changed(service, self.tag_id)


@dataclass
class DeleteTag:
    """Delete a tag with its sub-tags; passages lose the tag but stay."""

    tag_id: int
    label: str = "Delete tag"
    _snapshot: TagSnapshot | None = None

    def do(self, service: ProjectService) -> None:
        with service.store.transaction():
            self._snapshot = service.store.snapshot_tag(self.tag_id)
            service.store.delete_tag(self.tag_id)
        _tags_changed(service, self.tag_id, passages=True)
        if self._snapshot.stance_sections:
            service.notify(ChangeArea.OUTLINE)

    def undo(self, service: ProjectService) -> None:
        assert self._snapshot is not None
        service.store.restore_tag(self._snapshot)
        _tags_changed(service, self.tag_id, passages=True)
        if self._snapshot.stance_sections:
            service.notify(ChangeArea.OUTLINE)


@dataclass
class MergeTags:
    """Move every passage of ``source`` (and its sub-tags) to ``target``, then delete ``source``."""

    source: int
    target: int
    label: str = "Merge tags"
    _snapshot: TagSnapshot | None = None
    _added: tuple[int, ...] = ()

    def _tagged(self, service: ProjectService) -> set[int]:
        return {p for p, t in service.store.snapshot_tag(self.target).links if t == self.target}

    def do(self, service: ProjectService) -> None:
        subtree = tag_subtree(service, self.source)
        if self.target in subtree:
            raise BrieferError("cannot merge a tag into itself or one of its sub-tags")
        with service.store.transaction():
            before = self._tagged(service)
            self._snapshot = service.store.snapshot_tag(self.source)
            for tag in subtree:
                service.store.retag(tag, self.target)
            self._added = tuple(sorted(self._tagged(service) - before))
            service.store.delete_tag(self.source)
        _tags_changed(service, self.source, self.target, passages=True)

    def undo(self, service: ProjectService) -> None:
        assert self._snapshot is not None
        with service.store.transaction():
            for passage in self._added:
                service.store.remove_passage_tag(passage, self.target)
            service.store.restore_tag(self._snapshot)
        _tags_changed(service, self.source, self.target, passages=True)


# ------------------------------------------------------------------- auto-tagging
@dataclass
class AutoTag:
    """One auto-tag run (planned by ``ProjectService.plan_autotag``) as a single undo step."""

    plan: AutotagPlan
    label: str = "Auto-tag"
    result: AutotagResult | None = None
    _removed: list[PassageSnapshot] = field(default_factory=list)

    def do(self, service: ProjectService) -> None:
        if self.result is None:
            self.result = service.apply_autotag(self.plan)
            return
        with service.store.transaction():  # redo: the same passages, with the same ids, back
            for snapshot in self._removed:
                service.store.restore_passage(snapshot)
            for passage in self.result.tagged:
                service.store.add_passage_tag(passage, self.plan.tag_id)
        self._removed = []
        service.notify(ChangeArea.PASSAGES)

    def undo(self, service: ProjectService) -> None:
        assert self.result is not None
        with service.store.transaction():
            for passage in self.result.created:
                self._removed.append(service.store.snapshot_passage(passage))
                service.store.delete_passage(passage)
            for passage in self.result.tagged:
                service.store.remove_passage_tag(passage, self.plan.tag_id)
        service.notify(ChangeArea.PASSAGES)

"""The outline as a Qt item model: sections holding placed passages.

The model holds ids and display values only, read through the service. When the
service reports an outline change it re-reads the outline (sections and
placement ids, never the whole corpus) and walks the difference as
``beginRemoveRows``/``beginMoveRows``/``beginInsertRows`` and ``dataChanged``
calls, so views keep their selection and expansion; it never resets. What a
passage row shows (quote, source, tag chips) is read when the row is first
painted and re-read only when that passage, a document or the codebook
changes. Drops decode ids and push a command; rows change only when the
command's change event comes back.

Under a section the placed passages come first, then its subsections: the
order in which the briefing reads.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QUndoStack

from briefer.core.errors import BrieferError
from briefer.core.model import Tag
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.lazy import lazy_module
from briefer.ui.mime import (
    PASSAGES_MIME,
    PLACEMENTS_MIME,
    SECTIONS_MIME,
    TAGS_MIME,
    decode_passages,
    decode_placements,
    decode_sections,
    decode_tags,
    encode_placements,
    encode_sections,
)
from briefer.ui.undo import push

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import commands, outline_commands
    from briefer.core.commands import Command
else:
    commands = lazy_module("briefer.core.commands")  # loaded on the first edit, not at start-up
    outline_commands = lazy_module("briefer.core.outline_commands")

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "section" or "placement"
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # section id or placement id
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 3
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 4
COUNT_ROLE = Qt.ItemDataRole.UserRole + 5  # placements of the passage; passages in a section
TAGS_ROLE = Qt.ItemDataRole.UserRole + 6  # [(name, color), ...]
QUOTE_ROLE = Qt.ItemDataRole.UserRole + 7
STANCE_ROLE = Qt.ItemDataRole.UserRole + 8  # a section's stance name

SNIPPET_CHARS = 160
DETAIL_BATCH = 100  # placement rows whose passages are read together, around the one painted
_DETAIL_ROLES = {
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    SOURCE_ROLE,
    TAGS_ROLE,
    QUOTE_ROLE,
}
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
_SECTION_FLAGS = _ROW_FLAGS | Qt.ItemFlag.ItemIsDropEnabled | Qt.ItemFlag.ItemIsEditable
_PLACEMENT_FLAGS = _ROW_FLAGS | Qt.ItemFlag.ItemNeverHasChildren
_Key = tuple[str, int]  # ("s", section id) or ("p", placement id)
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class SectionRow:
    """What a section's row shows; compared on each sync, so a changed value repaints the row."""

    title: str
    notes: str
    stance: int | None
    stance_name: str  # "" without a stance
    placed: int  # passages placed directly in it: a drop repaints the section's row too


@dataclass(frozen=True, slots=True)
class PlacementRow:
    """A placed passage's row in the tree: which passage, and how often the outline places it."""

    passage: int
    count: int


@dataclass(frozen=True, slots=True)
class PassageDetail:
    """What a placement row paints, read when it is first painted."""

    quote: str
    source: str
    note: str
    tags: tuple[tuple[str, str], ...]  # (name, colour) chips, codebook order


_MISSING = PassageDetail("", "", "", ())  # deleted under our feet
RowPayload = SectionRow | PlacementRow


def subscribe_while_alive(service: ProjectService, owner: QObject, listener: Callable[[Change], None]) -> None:
    """Subscribe ``listener`` until ``owner`` (a dock, a model) is destroyed.

    A window rebuilds its docks when another project is opened; a listener
    left behind would call into a deleted C++ object.
    """

    def relay(change: Change) -> None:
        if shiboken6.isValid(owner):
            listener(change)
        else:
            service.unsubscribe(relay)

    service.subscribe(relay)
    owner.destroyed.connect(lambda *_: service.unsubscribe(relay))


class _Node:
    __slots__ = ("key", "uid", "parent", "children", "payload")

    def __init__(self, key: _Key | None, uid: int, parent: _Node | None, payload: RowPayload | None) -> None:
        self.key = key
        self.uid = uid
        self.parent = parent
        self.children: list[_Node] = []
        self.payload = payload


def _section(node: _Node) -> SectionRow:
    assert isinstance(node.payload, SectionRow), node.key
    return node.payload


def _placement(node: _Node) -> PlacementRow:
    assert isinstance(node.payload, PlacementRow), node.key
    return node.payload


class OutlineModel(QAbstractItemModel):
    """Sections and their placed passages for ``outlineView``; drops become commands."""

    refused = Signal(str)  # why a drop or an edit changed nothing

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.undo_stack = undo_stack
        self._uids = itertools.count(1)
        self._root = _Node(None, 0, None, None)
        self._nodes: dict[int, _Node] = {}
        self._by_key: dict[_Key, _Node] = {}
        self._placements_of: dict[int, list[int]] = {}  # placed passage -> its placements
        self._tags: dict[int, Tag] = {}
        self._details: dict[int, PassageDetail] = {}  # passages whose rows were painted
        self.last_error = ""
        self._closed = False
        self._build(*self._read())  # no view is attached yet: no begin/end calls needed
        subscribe_while_alive(service, self, self._on_change)

    def close(self) -> None:
        """Stop following the project (before its store closes)."""
        self._closed = True

    # ------------------------------------------------------------- reading
    # The tree (sections, placement ids, counts) is read whole: it is small.
    # A passage's quote, source and tags are read when its row is first
    # painted, a section's worth at a time, and kept until that passage,
    # its document or the codebook changes.
    def _on_change(self, change: Change) -> None:
        if self._closed:
            return
        if change.area is ChangeArea.PASSAGES and change.ids:
            # An edit to passages (a note, a tag): only their own rows can change,
            # and only if they are in the outline at all.
            placed = [pid for pid in change.ids if pid in self._placements_of]
            if placed:
                self._refresh_passages(placed)
        elif change.area in (
            ChangeArea.PASSAGES,
            ChangeArea.DOCUMENTS,
        ):  # many passages at once, or a document's source
            self._forget_details()
        elif change.area is ChangeArea.TAGS:  # chip names and colours, stance names
            self.sync()
            self._forget_details()
        elif change.area is ChangeArea.OUTLINE:
            self.sync()

    def _read(self) -> tuple[dict[_Key | None, list[_Key]], dict[_Key, RowPayload]]:
        sections = self.service.outline.sections()
        placements = self.service.outline.placements()
        self._tags = tags = {t.id: t for t in self.service.tags.all()}
        placements_of: dict[int, list[int]] = {}
        for pl in placements:
            placements_of.setdefault(pl.passage, []).append(pl.id)
        self._placements_of = placements_of
        children: dict[_Key | None, list[_Key]] = {None: []}
        payloads: dict[_Key, RowPayload] = {}
        per_section = Counter(pl.section for pl in placements)
        for s in sections:
            key = ("s", s.id)
            children.setdefault(key, [])
            payloads[key] = SectionRow(
                s.title, s.notes, s.stance, tags[s.stance].name if s.stance in tags else "", per_section[s.id]
            )
        for pl in placements:
            children.setdefault(("s", pl.section), []).append(("p", pl.id))
            payloads[("p", pl.id)] = PlacementRow(pl.passage, len(placements_of[pl.passage]))
        for s in sections:  # subsections after the section's passages
            children.setdefault(("s", s.parent) if s.parent is not None else None, []).append(("s", s.id))
        return children, payloads

    def sync(self) -> None:
        """Bring the rows in line with the store through begin/end calls only."""
        children, payloads = self._read()
        self._remove_absent(self._root, set(payloads))
        self._arrange(self._root, children, payloads)
        for pid in [p for p in self._details if p not in self._placements_of]:
            del self._details[pid]  # no longer placed: its row is gone

    def _build(self, children: dict[_Key | None, list[_Key]], payloads: dict[_Key, RowPayload]) -> None:
        """Fill an empty tree without signals (only before any view is attached)."""

        def add(node: _Node) -> None:
            for key in children.get(node.key, []):
                child = _Node(key, next(self._uids), node, payloads[key])
                self._nodes[child.uid] = child
                self._by_key[key] = child
                node.children.append(child)
                add(child)

        add(self._root)

    def _remove_absent(self, node: _Node, present: set[_Key]) -> None:
        for row in range(len(node.children) - 1, -1, -1):
            child = node.children[row]
            if child.key in present:
                self._remove_absent(child, present)
                continue
            self.beginRemoveRows(self._index_of(node), row, row)
            del node.children[row]
            self._forget(child)
            self.endRemoveRows()

    def _forget(self, node: _Node) -> None:
        self._nodes.pop(node.uid, None)
        if node.key is not None:
            self._by_key.pop(node.key, None)
        for child in node.children:
            self._forget(child)

    def _arrange(self, node: _Node, children: dict[_Key | None, list[_Key]], payloads: dict[_Key, RowPayload]) -> None:
        # Rows before ``row`` are settled, so a wanted row found under this same
        # parent is always further down: a plain move up to ``row`` is valid.
        for row, key in enumerate(children.get(node.key, [])):
            current = node.children[row] if row < len(node.children) else None
            if current is None or current.key != key:
                existing = self._by_key.get(key)
                if existing is not None and existing.parent is not None:
                    source = existing.parent
                    src_row = source.children.index(existing)
                    self.beginMoveRows(self._index_of(source), src_row, src_row, self._index_of(node), row)
                    del source.children[src_row]
                    node.children.insert(row, existing)
                    existing.parent = node
                    self.endMoveRows()
                else:
                    self.beginInsertRows(self._index_of(node), row, row)
                    new = _Node(key, next(self._uids), node, payloads[key])
                    self._nodes[new.uid] = new
                    self._by_key[key] = new
                    node.children.insert(row, new)
                    self.endInsertRows()
            child = node.children[row]
            if child.payload != payloads[key]:
                child.payload = payloads[key]
                index = self._index_of(child)
                self.dataChanged.emit(index, index)
            self._arrange(child, children, payloads)

    # ------------------------------------------------------ passage details
    def _detail(self, node: _Node) -> PassageDetail:
        """Quote, source, tag chips and note of a placement row, read on first use."""
        passage = _placement(node).passage
        detail = self._details.get(passage)
        if detail is None:
            # Its neighbours are about to be painted too: one query for them all.
            siblings = node.parent.children if node.parent is not None else [node]
            row = siblings.index(node)
            batch = [
                c.payload.passage
                for c in siblings[max(0, row - DETAIL_BATCH // 2) : row + DETAIL_BATCH]
                if isinstance(c.payload, PlacementRow) and c.payload.passage not in self._details
            ]
            self._details.update(self._read_details([passage, *batch]))
            detail = self._details.get(passage, _MISSING)
        return detail

    def _read_details(self, passage_ids: Sequence[int]) -> dict[int, PassageDetail]:
        passages = self.service.passages.by_id(passage_ids)
        docs = self.service.documents.sources({p.document for p in passages.values()})
        tags = self._tags
        details: dict[int, PassageDetail] = {}
        for pid, p in passages.items():
            source = ""
            if p.document in docs:
                title, publisher, date = docs[p.document]
                source = publisher or title or f"Document {p.document}"
                if date:
                    source += f", {date}"
            details[pid] = PassageDetail(
                p.quote, source, p.note, tuple((tags[t].name, tags[t].color) for t in p.tags if t in tags)
            )
        return details

    def _rows_of(self, passage_ids: Sequence[int]) -> list[_Node]:
        return [
            self._by_key[("p", pl)]
            for pid in passage_ids
            for pl in self._placements_of.get(pid, [])
            if ("p", pl) in self._by_key
        ]

    def _refresh_passages(self, passage_ids: Sequence[int]) -> None:
        """Repaint the rows of these placed passages if what they show changed."""
        loaded = [pid for pid in passage_ids if pid in self._details]
        if not loaded:
            return  # never painted: the first paint reads them fresh
        fresh = self._read_details(loaded)
        if len(fresh) < len(loaded):  # deleted: the outline change that follows removes its rows
            self.sync()
        changed = [pid for pid in loaded if pid in fresh and fresh[pid] != self._details[pid]]
        self._details.update(fresh)
        for node in self._rows_of(changed):
            index = self._index_of(node)
            self.dataChanged.emit(index, index)

    def _forget_details(self) -> None:
        """Drop every loaded detail; the rows that showed them repaint from the store."""
        loaded, self._details = list(self._details), {}
        for node in self._rows_of(loaded):
            index = self._index_of(node)
            self.dataChanged.emit(index, index)

    # ----------------------------------------------------------- structure
    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        return self._nodes.get(index.internalId(), self._root)

    def _index_of(self, node: _Node) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), 0, node.uid)

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row].uid)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = self._nodes.get(index.internalId())
        if node is None or node.parent is None:
            return QModelIndex()
        return self._index_of(node.parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 1

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802
        return parent.column() <= 0 and bool(self._node(parent).children)

    def section_indexes(self) -> list[QModelIndex]:
        """Every section's index, parents before their subsections."""
        found: list[QModelIndex] = []

        def walk(node: _Node) -> None:
            for row, child in enumerate(node.children):
                if child.key is not None and child.key[0] == "s":
                    found.append(self.createIndex(row, 0, child.uid))
                    walk(child)

        walk(self._root)
        return found

    # ---------------------------------------------------------------- data
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if node.key is None:
            return None
        row_id = node.key[1]
        p = node.payload
        if isinstance(p, SectionRow):
            return self._section_data(row_id, p, role)
        assert isinstance(p, PlacementRow)
        if role == KIND_ROLE:
            return "placement"
        if role in (ID_ROLE, PASSAGE_ROLE, COUNT_ROLE):
            return {ID_ROLE: row_id, PASSAGE_ROLE: p.passage, COUNT_ROLE: p.count}[role]
        if role not in _DETAIL_ROLES:  # fonts, colours, size hints: nothing to read for them
            return None
        d = self._detail(node)
        if role == Qt.ItemDataRole.DisplayRole:
            quote = " ".join(d.quote.split())
            return quote if len(quote) <= SNIPPET_CHARS else quote[: SNIPPET_CHARS - 1].rstrip() + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            more = f"\n\nPlaced in {p.count} places in the outline." if p.count > 1 else ""
            return f"“{d.quote}”\n— {d.source}{more}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            more = f", placed {p.count} times" if p.count > 1 else ""
            return f"Passage from {d.source}{more}: {d.quote[:200]}"
        if role == TAGS_ROLE:
            return list(d.tags)
        return {SOURCE_ROLE: d.source, QUOTE_ROLE: d.quote}.get(role)

    def _section_data(self, section_id: int, p: SectionRow, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return p.title
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        placed = p.placed
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            stance = f", stance “{p.stance_name}”" if p.stance_name else ""
            return f"Section “{p.title}”{stance}: {placed} passage{'s' if placed != 1 else ''}"
        return {
            KIND_ROLE: "section",
            ID_ROLE: section_id,
            TAGS_ROLE: [],
            COUNT_ROLE: placed,
            STANCE_ROLE: p.stance_name,
        }.get(role)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        node = self._node(index)
        if role != Qt.ItemDataRole.EditRole or node.key is None or node.key[0] != "s":
            return False
        title = str(value).strip()
        if not title or title == _section(node).title:
            return False
        return self._push(outline_commands.RenameSection(node.key[1], title))

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # Asked for every row at each layout of the view: constants, no enum arithmetic.
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        key = self._node(index).key  # a valid index is never the root: it has a key
        if key is not None and key[0] == "s":
            return _SECTION_FLAGS
        return _PLACEMENT_FLAGS  # drops land between passages, never onto one

    # ------------------------------------------------------------- helpers
    def section_index(self, section_id: int) -> QModelIndex:
        node = self._by_key.get(("s", section_id))
        return self._index_of(node) if node else QModelIndex()

    def placement_index(self, placement_id: int) -> QModelIndex:
        node = self._by_key.get(("p", placement_id))
        return self._index_of(node) if node else QModelIndex()

    def section_of(self, index: AnyIndex) -> int | None:
        """The section a row belongs to: itself for a section, its parent for a passage."""
        node: _Node | None = self._node(index)
        while node is not None and node.key is not None and node.key[0] != "s":
            node = node.parent
        return node.key[1] if node is not None and node.key else None

    def placement_count(self, section_index: AnyIndex) -> int:
        return sum(1 for c in self._node(section_index).children if c.key and c.key[0] == "p")

    def _push(self, command: Command) -> bool:
        try:
            push(self.undo_stack, self.service, command)
        except BrieferError as exc:
            self._refuse(str(exc))
            return False
        return True

    def _refuse(self, reason: str) -> None:
        """A drop or edit was refused: say why (the outline dock shows it in the status bar)."""
        self.last_error = reason
        self.refused.emit(reason)

    # --------------------------------------------------------- drag & drop
    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [PASSAGES_MIME, PLACEMENTS_MIME, SECTIONS_MIME, TAGS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        nodes = sorted({self._node(i).uid: self._node(i) for i in indexes if i.isValid()}.values(), key=self._order)
        keyed = [(n, n.key) for n in nodes if n.key]
        sections = [(n, key) for n, key in keyed if key[0] == "s"]
        if sections:  # a section drags its passages and subsections along
            return encode_sections([key[1] for _, key in sections], [_section(n).title for n, _ in sections])
        return encode_placements(
            [key[1] for _, key in keyed],
            [_placement(n).passage for n, _ in keyed],
            [self._detail(n).quote for n, _ in keyed],
        )

    def _order(self, node: _Node) -> list[int]:
        path: list[int] = []
        while node.parent is not None:
            path.insert(0, node.parent.children.index(node))
            node = node.parent
        return path

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex) -> bool:  # noqa: N802
        if data is None or action not in (Qt.DropAction.CopyAction, Qt.DropAction.MoveAction):
            return False
        section = self.section_of(parent)
        if decode_tags(data):
            return True
        moving = decode_sections(data)
        if moving:
            if section is None:
                return True
            node = self._by_key.get(("s", section))
            while node is not None and node.key is not None:  # not into itself or a descendant
                if node.key[1] in moving and node.key[0] == "s":
                    return False
                node = node.parent
            return True
        return section is not None and bool(decode_passages(data))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex) -> bool:  # noqa: N802
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        parent_node = self._node(parent)
        above = parent_node.parent
        if parent_node.key is not None and parent_node.key[0] == "p" and above is not None:  # onto a passage: before it
            row = above.children.index(parent_node)
            parent_node = above
        section = parent_node.key[1] if parent_node.key else None
        n_placed = sum(1 for c in parent_node.children if c.key and c.key[0] == "p")
        command = self._drop_command(data, action, row, parent_node, section, n_placed)
        return command is not None and self._push(command)

    def _drop_command(
        self, data: QMimeData, action: Qt.DropAction, row: int, parent_node: _Node, section: int | None, n_placed: int
    ) -> Command | None:
        tags = decode_tags(data)
        if tags:
            at = None if row < 0 else max(row - n_placed, 0)
            # A tag dropped on its own section (by name or stance) fills it instead of nesting a twin.
            made, refused = outline_commands.commands_for_tag_drop(self.service, tags, section, at)
            if not made:
                self._refuse("; ".join(refused))
                return None
            return made[0] if len(made) == 1 else commands.CompositeCommand(made, "Sections from tags")
        moving = decode_sections(data)
        if moving:
            subs = [c.key[1] for c in parent_node.children if c.key and c.key[0] == "s"]
            at = len(subs) if row < 0 else max(row - n_placed, 0)
            # Positions count siblings without the moved ones.
            before = sum(1 for sub in subs[:at] if sub in moving)
            label = "Move section" if len(moving) == 1 else "Move sections"
            return outline_commands.MoveSections(moving, section, at - before, label=label)
        if section is None:
            return None
        at = n_placed if row < 0 else min(row, n_placed)
        placements = decode_placements(data)
        if placements and action == Qt.DropAction.MoveAction and all(("p", p) in self._by_key for p in placements):
            before = sum(1 for c in parent_node.children[:at] if c.key and c.key[0] == "p" and c.key[1] in placements)
            return outline_commands.MovePlacements(
                placements, section, at - before, label="Move passage" if len(placements) == 1 else "Move passages"
            )
        passages = decode_passages(data)
        return outline_commands.PlacePassages(
            section, passages, at, label="Place passage" if len(passages) == 1 else f"Place {len(passages)} passages"
        )

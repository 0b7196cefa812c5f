"""The outline as a Qt item model: sections holding placed passages.

The model holds ids and display values only, read through the store. When the
service reports an outline change it re-reads the outline and walks the
difference as ``beginRemoveRows``/``beginMoveRows``/``beginInsertRows`` and
``dataChanged`` calls, so views keep their selection and expansion; it never
resets. Drops decode ids and push a command; rows change only when the
command's change event comes back.

Under a section the placed passages come first, then its subsections: the
order in which the briefing reads.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QUndoStack

from briefer.core.commands import Command, CompositeCommand
from briefer.core.errors import BrieferError
from briefer.core.outline_commands import MovePlacements, MoveSections, PlacePassages, RenameSection, SectionFromTag
from briefer.core.service import Change, ProjectService
from briefer.ui import mime as M
from briefer.ui.undo import push

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "section" or "placement"
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # section id or placement id
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 3
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 4
COUNT_ROLE = Qt.ItemDataRole.UserRole + 5  # placements of the passage; passages in a section
TAGS_ROLE = Qt.ItemDataRole.UserRole + 6  # [(name, color), ...]
QUOTE_ROLE = Qt.ItemDataRole.UserRole + 7
STANCE_ROLE = Qt.ItemDataRole.UserRole + 8  # a section's stance name

SNIPPET_CHARS = 160
_Key = tuple[str, int]  # ("s", section id) or ("p", placement id)
AnyIndex = QModelIndex | QPersistentModelIndex


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

    def __init__(self, key: _Key | None, uid: int, parent: _Node | None, payload: dict[str, Any]) -> None:
        self.key = key
        self.uid = uid
        self.parent = parent
        self.children: list[_Node] = []
        self.payload = payload


class OutlineModel(QAbstractItemModel):
    """Sections and their placed passages for ``outlineView``; drops become commands."""

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: Any = None) -> None:
        super().__init__(parent)
        self._placed_passages: set[int] = set()
        self.service = service
        self.undo_stack = undo_stack
        self._uids = itertools.count(1)
        self._root = _Node(None, 0, None, {})
        self._nodes: dict[int, _Node] = {}
        self._by_key: dict[_Key, _Node] = {}
        self.last_error = ""
        self._closed = False
        self.sync()
        subscribe_while_alive(service, self, self._on_change)

    def close(self) -> None:
        """Stop following the project (before its store closes)."""
        self._closed = True

    # ------------------------------------------------------------- reading
    def _on_change(self, change: Change) -> None:
        if self._closed or change.area not in ("outline", "passages", "documents", "tags"):
            return
        if change.area == "passages" and change.ids and not set(change.ids) & self._placed_passages:
            return  # an edit to a passage that is not in the outline changes no row here
        self.sync()

    def _read(self) -> tuple[dict[_Key | None, list[_Key]], dict[_Key, dict[str, Any]]]:
        store = self.service.store
        sections = store.list_sections()
        placements = store.list_placements()
        passages = {p.id: p for p in store.list_passages()}
        docs = {d.id: d for d in store.list_documents()}
        tags = {t.id: t for t in store.list_tags()}
        uses = Counter(pl.passage for pl in placements)
        self._placed_passages = set(uses)
        children: dict[_Key | None, list[_Key]] = {None: []}
        payloads: dict[_Key, dict[str, Any]] = {}
        for s in sections:
            key = ("s", s.id)
            children.setdefault(key, [])
            payloads[key] = {"title": s.title, "notes": s.notes, "stance": s.stance,
                             "stance_name": tags[s.stance].name if s.stance in tags else ""}
        for pl in placements:
            children.setdefault(("s", pl.section), []).append(("p", pl.id))
            p = passages[pl.passage]
            doc = docs.get(p.document)
            source = (doc.publisher or doc.title or f"Document {doc.id}") if doc else ""
            if doc and doc.date:
                source += f", {doc.date}"
            payloads[("p", pl.id)] = {
                "passage": p.id, "quote": p.quote, "source": source, "count": uses[p.id],
                "tags": [(tags[t].name, tags[t].color) for t in p.tags if t in tags], "note": p.note}
        per_section = Counter(pl.section for pl in placements)
        for s in sections:  # a count in the payload, so a drop repaints the section's row too
            payloads[("s", s.id)]["placed"] = per_section[s.id]
        for s in sections:  # subsections after the section's passages
            children.setdefault(("s", s.parent) if s.parent is not None else None, []).append(("s", s.id))
        return children, payloads

    def sync(self) -> None:
        """Bring the rows in line with the store through begin/end calls only."""
        children, payloads = self._read()
        self._remove_absent(self._root, set(payloads))
        self._arrange(self._root, children, payloads)

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

    def _arrange(self, node: _Node, children: dict[_Key | None, list[_Key]],
                 payloads: dict[_Key, dict[str, Any]]) -> None:
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

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 1

    # ---------------------------------------------------------------- data
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if node.key is None:
            return None
        kind, row_id = node.key
        p = node.payload
        if kind == "s":
            return self._section_data(node, row_id, p, role)
        if role == Qt.ItemDataRole.DisplayRole:
            quote = " ".join(p["quote"].split())
            return quote if len(quote) <= SNIPPET_CHARS else quote[:SNIPPET_CHARS - 1].rstrip() + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            more = f"\n\nPlaced in {p['count']} places in the outline." if p["count"] > 1 else ""
            return f"“{p['quote']}”\n— {p['source']}{more}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            more = f", placed {p['count']} times" if p["count"] > 1 else ""
            return f"Passage from {p['source']}{more}: {p['quote'][:200]}"
        return {KIND_ROLE: "placement", ID_ROLE: row_id, PASSAGE_ROLE: p["passage"], SOURCE_ROLE: p["source"],
                COUNT_ROLE: p["count"], TAGS_ROLE: p["tags"], QUOTE_ROLE: p["quote"]}.get(role)

    def _section_data(self, node: _Node, section_id: int, p: dict[str, Any], role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return p["title"]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        placed = p["placed"]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            stance = f", stance “{p['stance_name']}”" if p["stance_name"] else ""
            return f"Section “{p['title']}”{stance}: {placed} passage{'s' if placed != 1 else ''}"
        return {KIND_ROLE: "section", ID_ROLE: section_id, TAGS_ROLE: [], COUNT_ROLE: placed,
                STANCE_ROLE: p["stance_name"]}.get(role)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self._node(index)
        if role != Qt.ItemDataRole.EditRole or node.key is None or node.key[0] != "s":
            return False
        title = str(value).strip()
        if not title or title == node.payload["title"]:
            return False
        return self._push(RenameSection(node.key[1], title))

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        if self._node(index).key[0] == "s":  # type: ignore[index]
            return base | Qt.ItemFlag.ItemIsDropEnabled | Qt.ItemFlag.ItemIsEditable
        return base  # drops land between passages, never onto one

    # ------------------------------------------------------------- helpers
    def section_index(self, section_id: int) -> QModelIndex:
        node = self._by_key.get(("s", section_id))
        return self._index_of(node) if node else QModelIndex()

    def placement_index(self, placement_id: int) -> QModelIndex:
        node = self._by_key.get(("p", placement_id))
        return self._index_of(node) if node else QModelIndex()

    def section_of(self, index: AnyIndex) -> int | None:
        """The section a row belongs to: itself for a section, its parent for a passage."""
        node = self._node(index)
        while node.key is not None and node.key[0] != "s":
            node = node.parent  # type: ignore[assignment]
        return node.key[1] if node.key else None

    def placement_count(self, section_index: AnyIndex) -> int:
        return sum(1 for c in self._node(section_index).children if c.key and c.key[0] == "p")

    def _push(self, command: Command) -> bool:
        try:
            push(self.undo_stack, self.service, command)
        except BrieferError as exc:
            self.last_error = str(exc)
            return False
        return True

    # --------------------------------------------------------- drag & drop
    def mimeTypes(self) -> list[str]:
        return [M.PASSAGES_MIME, M.PLACEMENTS_MIME, M.SECTIONS_MIME, M.TAGS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        nodes = sorted({self._node(i).uid: self._node(i) for i in indexes if i.isValid()}.values(),
                       key=self._order)
        sections = [n for n in nodes if n.key and n.key[0] == "s"]
        if sections:  # a section drags its passages and subsections along
            return M.encode_sections([n.key[1] for n in sections], [n.payload["title"] for n in sections])
        placed = [n for n in nodes if n.key]
        return M.encode_placements([n.key[1] for n in placed], [n.payload["passage"] for n in placed],
                                   [n.payload["quote"] for n in placed])

    def _order(self, node: _Node) -> list[int]:
        path: list[int] = []
        while node.parent is not None:
            path.insert(0, node.parent.children.index(node))
            node = node.parent
        return path

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: AnyIndex) -> bool:
        if data is None or action not in (Qt.DropAction.CopyAction, Qt.DropAction.MoveAction):
            return False
        section = self.section_of(parent)
        if M.decode_tags(data):
            return True
        moving = M.decode_sections(data)
        if moving:
            if section is None:
                return True
            node = self._by_key.get(("s", section))
            while node is not None and node.key is not None:  # not into itself or a descendant
                if node.key[1] in moving and node.key[0] == "s":
                    return False
                node = node.parent
            return True
        return section is not None and bool(M.decode_passages(data))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: AnyIndex) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        parent_node = self._node(parent)
        if parent_node.key is not None and parent_node.key[0] == "p":  # onto a passage: before it
            row = parent_node.parent.children.index(parent_node)  # type: ignore[union-attr]
            parent_node = parent_node.parent  # type: ignore[assignment]
        section = parent_node.key[1] if parent_node.key else None
        n_placed = sum(1 for c in parent_node.children if c.key and c.key[0] == "p")
        command = self._drop_command(data, action, row, parent_node, section, n_placed)
        return command is not None and self._push(command)

    def _drop_command(self, data: QMimeData, action: Qt.DropAction, row: int, parent_node: _Node,
                      section: int | None, n_placed: int) -> Command | None:
        tags = M.decode_tags(data)
        if tags:
            at = None if row < 0 else max(row - n_placed, 0)
            made: list[Command] = [SectionFromTag(t, parent=section, position=None if at is None else at + i)
                                   for i, t in enumerate(tags)]
            return made[0] if len(made) == 1 else CompositeCommand(made, "Sections from tags")
        moving = M.decode_sections(data)
        if moving:
            subs = [c for c in parent_node.children if c.key and c.key[0] == "s"]
            at = len(subs) if row < 0 else max(row - n_placed, 0)
            # Positions count siblings without the moved ones.
            before = sum(1 for c in subs[:at] if c.key[1] in moving)  # type: ignore[index]
            label = "Move section" if len(moving) == 1 else "Move sections"
            return MoveSections(moving, section, at - before, label=label)
        if section is None:
            return None
        at = n_placed if row < 0 else min(row, n_placed)
        placements = M.decode_placements(data)
        if placements and action == Qt.DropAction.MoveAction and all(
                ("p", p) in self._by_key for p in placements):
            before = sum(1 for c in parent_node.children[:at] if c.key and c.key[0] == "p" and c.key[1] in placements)
            return MovePlacements(placements, section, at - before,
                                  label="Move passage" if len(placements) == 1 else "Move passages")
        passages = M.decode_passages(data)
        return PlacePassages(section, passages, at,
                             label="Place passage" if len(passages) == 1 else f"Place {len(passages)} passages")

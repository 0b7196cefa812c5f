"""The store's outline rows (sections and placements) and the sibling ordering
that tags, sections and placements share. Mixed into ``Store``; the SQL for
them lives here so ``store.py`` stays readable."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from briefer.core.errors import NotFoundError
from briefer.core.model import Placement, Section, SectionSnapshot


class TreeRows:
    """Row helpers the store shares: updating a row by id, and keeping siblings in dense order."""

    if TYPE_CHECKING:  # provided by Store

        def _q(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor: ...

        def _q_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

        def transaction(self) -> AbstractContextManager[None]: ...

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT`` and return the new row's id."""
        row_id = self._q(sql, params).lastrowid
        if row_id is None:  # sqlite3 sets it after every INSERT that stored a row
            raise RuntimeError("the INSERT stored no row")
        return row_id

    def _update_row(
        self,
        table: str,
        row_id: int,
        allowed: Iterable[str],
        fields: dict[str, Any],
        *,
        also: dict[str, Any] | None = None,
    ) -> None:
        """``UPDATE table SET fields (and also) WHERE id = row_id``; only ``allowed`` column names.

        Names are checked before they reach the SQL; an unknown id raises ``NotFoundError``.
        """
        unknown = set(fields) - set(allowed)
        if unknown:
            raise ValueError(f"unknown {table[:-1]} field(s): {', '.join(sorted(unknown))}")
        if not fields:
            return
        values = {**fields, **(also or {})}
        with self.transaction():
            assignments = ", ".join(f"{name} = ?" for name in values)
            cur = self._q(f"UPDATE {table} SET {assignments} WHERE id = ?", (*values.values(), row_id))
            if cur.rowcount == 0:
                raise NotFoundError(f"no {table[:-1]} with id {row_id}")

    # ------------------------------------------------------- ordering internals
    # Siblings keep dense positions 0..n-1 under their parent ("section" for
    # placements, "parent" for tags and sections).
    _PARENT_COLUMN = {"tags": "parent", "sections": "parent", "placements": "section"}

    def _sibling_count(self, table: str, parent: int | None) -> int:
        col = self._PARENT_COLUMN[table]
        return int(self._q(f"SELECT COUNT(*) FROM {table} WHERE {col} IS ?", (parent,)).fetchone()[0])

    def _make_room(self, table: str, parent: int | None, position: int | None) -> int:
        count = self._sibling_count(table, parent)
        pos = count if position is None or position > count or position < 0 else position
        col = self._PARENT_COLUMN[table]
        self._q(f"UPDATE {table} SET position = position + 1 WHERE {col} IS ? AND position >= ?", (parent, pos))
        return pos

    def _close_gap(self, table: str, parent: int | None, position: int) -> None:
        col = self._PARENT_COLUMN[table]
        self._q(f"UPDATE {table} SET position = position - 1 WHERE {col} IS ? AND position > ?", (parent, position))

    def _move_row(self, table: str, row_id: int, parent: int | None, position: int) -> None:
        col = self._PARENT_COLUMN[table]
        row = self._q(f"SELECT {col}, position FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no {table[:-1]} with id {row_id}")
        self._close_gap(table, row[0], row[1])
        self._q(f"UPDATE {table} SET position = -1 WHERE id = ?", (row_id,))
        # The moved row sits at position -1 while room is made, so it is not counted.
        count = self._q(f"SELECT COUNT(*) FROM {table} WHERE {col} IS ? AND id != ?", (parent, row_id)).fetchone()[0]
        pos = min(max(position, 0), count)
        self._q(
            f"UPDATE {table} SET position = position + 1 WHERE {col} IS ? AND position >= ? AND id != ?",
            (parent, pos, row_id),
        )
        self._q(f"UPDATE {table} SET {col} = ?, position = ? WHERE id = ?", (parent, pos, row_id))

    def _subtree(self, table: str, root: int) -> list[int]:
        rows = self._q(
            f"WITH RECURSIVE sub(id, depth) AS (SELECT id, 0 FROM {table} WHERE id = ? "
            f"UNION ALL SELECT t.id, sub.depth + 1 FROM {table} t JOIN sub ON t.parent = sub.id) "
            "SELECT id FROM sub ORDER BY depth, id",
            (root,),
        ).fetchall()
        if not rows:
            raise NotFoundError(f"no {table[:-1]} with id {root}")
        return [r[0] for r in rows]


class OutlineRows(TreeRows):
    """The outline: sections in a tree, passages placed in them."""

    # ----------------------------------------------------------------- sections
    def add_section(
        self,
        *,
        title: str,
        parent: int | None = None,
        position: int | None = None,
        notes: str = "",
        stance: int | None = None,
        section_id: int | None = None,
    ) -> int:
        with self.transaction():
            pos = self._make_room("sections", parent, position)
            return self._insert(
                "INSERT INTO sections(id, title, parent, position, notes, stance) VALUES (?,?,?,?,?,?)",
                (section_id, title, parent, pos, notes, stance),
            )

    def list_sections(self) -> list[Section]:
        """All sections, parents before children, siblings in their order."""
        rows = self._q("SELECT id, title, parent, position, notes, stance FROM sections ORDER BY position, id")
        return tree_order([Section(*r) for r in rows.fetchall()])

    def get_section(self, section_id: int) -> Section:
        row = self._q(
            "SELECT id, title, parent, position, notes, stance FROM sections WHERE id = ?", (section_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no section with id {section_id}")
        return Section(*row)

    def section_exists(self, section_id: int) -> bool:
        return self._q("SELECT 1 FROM sections WHERE id = ?", (section_id,)).fetchone() is not None

    def sections_titled(self, title: str) -> list[int]:
        return [r[0] for r in self._q("SELECT id FROM sections WHERE title = ? ORDER BY id", (title,))]

    def update_section(self, section_id: int, **fields: Any) -> None:
        self._update_row("sections", section_id, ("title", "notes", "stance"), fields)

    def move_section(self, section_id: int, parent: int | None, position: int) -> None:
        with self.transaction():
            if parent is not None and parent in self._subtree("sections", section_id):
                raise ValueError("a section cannot be moved into itself")
            self._move_row("sections", section_id, parent, position)

    def snapshot_section(self, section_id: int) -> SectionSnapshot:
        ids = self._subtree("sections", section_id)
        marks = ",".join("?" * len(ids))
        placements = self._q(
            f"SELECT id, section, passage, position FROM placements WHERE section IN ({marks})", ids
        ).fetchall()
        return SectionSnapshot(tuple(self.get_section(i) for i in ids), tuple(Placement(*r) for r in placements))

    def delete_section(self, section_id: int) -> None:
        with self.transaction():
            section = self.get_section(section_id)
            self._q("DELETE FROM sections WHERE id = ?", (section_id,))
            self._close_gap("sections", section.parent, section.position)

    def restore_section(self, snap: SectionSnapshot) -> None:
        with self.transaction():
            root = snap.sections[0]
            self._make_room("sections", root.parent, root.position)
            self._q_many(
                "INSERT INTO sections(id, title, parent, position, notes, stance) VALUES (?,?,?,?,?,?)",
                [(s.id, s.title, s.parent, s.position, s.notes, s.stance) for s in snap.sections],
            )
            self._q_many(
                "INSERT INTO placements(id, section, passage, position) VALUES (?,?,?,?)",
                [(p.id, p.section, p.passage, p.position) for p in snap.placements],
            )

    # --------------------------------------------------------------- placements
    def add_placement(
        self, *, section: int, passage: int, position: int | None = None, placement_id: int | None = None
    ) -> int:
        with self.transaction():
            pos = self._make_room("placements", section, position)
            return self._insert(
                "INSERT INTO placements(id, section, passage, position) VALUES (?,?,?,?)",
                (placement_id, section, passage, pos),
            )

    def list_placements(self, section: int | None = None) -> list[Placement]:
        if section is None:
            rows = self._q("SELECT id, section, passage, position FROM placements ORDER BY section, position")
        else:
            rows = self._q(
                "SELECT id, section, passage, position FROM placements WHERE section = ? ORDER BY position", (section,)
            )
        return [Placement(*r) for r in rows.fetchall()]

    def passages_in_section(self, section: int, passages: Iterable[int]) -> list[int]:
        """Which of ``passages`` the section holds already (each once, in id order)."""
        wanted = list(dict.fromkeys(passages))
        held: set[int] = set()
        for chunk in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            part = wanted[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            held.update(
                r[0]
                for r in self._q(
                    f"SELECT passage FROM placements WHERE section = ? AND passage IN ({marks})", (section, *part)
                )
            )
        return sorted(held)

    def get_placement(self, placement_id: int) -> Placement:
        row = self._q("SELECT id, section, passage, position FROM placements WHERE id = ?", (placement_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no placement with id {placement_id}")
        return Placement(*row)

    def remove_placement(self, placement_id: int) -> None:
        with self.transaction():
            pl = self.get_placement(placement_id)
            self._q("DELETE FROM placements WHERE id = ?", (placement_id,))
            self._close_gap("placements", pl.section, pl.position)

    def move_placement(self, placement_id: int, section: int, position: int) -> None:
        with self.transaction():
            self._move_row("placements", placement_id, section, position)


def tree_order(items: list[Any]) -> list[Any]:
    """Order items with ``id``/``parent``/``position`` depth-first, parents first."""
    children: dict[int | None, list[Any]] = {}
    for item in items:
        children.setdefault(item.parent, []).append(item)
    ordered: list[Any] = []

    def walk(parent: int | None) -> None:
        for child in sorted(children.get(parent, []), key=lambda x: (x.position, x.id)):
            ordered.append(child)
            walk(child.id)

    walk(None)
    return ordered

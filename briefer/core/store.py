"""The project store: the one place that speaks SQL (this module and ``store_outline.py``).

A project is one SQLite file. ``Store`` owns its connection; every public
method runs inside a transaction (``transaction()`` nests, so a service or a
command can group several calls into one), which is what guarantees that a
crash leaves the file at the last completed user action.
"""

from __future__ import annotations

import functools
import inspect
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from briefer.core.errors import (
    SQLITE_INT_MAX,
    SQLITE_INT_MIN,
    ConstraintError,
    NewerSchemaError,
    NotAProjectError,
    NotFoundError,
    OutOfRangeError,
    ProjectDamagedError,
    ProjectFileError,
    ProjectInUseError,
    ProjectIOError,
    ProjectLockedError,
)
from briefer.core.model import (
    Candidate,
    Passage,
    PassageSnapshot,
    Placement,
    ProjectMeta,
    Tag,
    TagSnapshot,
)
from briefer.core.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from briefer.core.store_documents import DocumentRows, now_iso
from briefer.core.store_identity import IdentityRows, ensure_project_uuid
from briefer.core.store_integrity import IntegrityRows
from briefer.core.store_outline import OutlineRows, tree_order
from briefer.core.store_versions import VersionRows

_SQLITE_HEADER = b"SQLite format 3\x00"
_PASSAGE_COLUMNS = "id, document, start, end, quote, prefix, suffix, note, translation, created, modified"
# What a read selects: those columns (Passage's fields before its tags), then its anchor and candidate.
_PASSAGE_SELECT = f"{_PASSAGE_COLUMNS}, anchor, candidate_start, candidate_end, candidate_quote, candidate_score"
_PassageRow = tuple[Any, ...]
# Only these passages lie at their offsets in the current text (see model.Passage):
# the reader paints them, and tagging the same span again finds them.
_ANCHORED = "anchor IN ('exact', 'moved')"


class _WriteLock:
    """An advisory lock that marks a project as open for writing by one process.

    ``flock`` on its own descriptor of the database file: it is independent of
    SQLite's POSIX record locks, and the kernel drops it if the process dies, so
    a crash never leaves a stale lock behind. The descriptor stays open until the
    SQLite connection is closed, because closing any descriptor of the file would
    drop SQLite's own POSIX locks.
    """

    def __init__(self, path: Path) -> None:
        self._fd: int | None = None
        try:
            import fcntl
        except ImportError:  # Windows: SQLite's own locking is all we have.
            return
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ProjectInUseError(
                f"{path} is in use: another Briefer window or command has it open for writing"
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Store(DocumentRows, OutlineRows, IdentityRows, IntegrityRows, VersionRows):
    """Owns one project file's SQLite connection and all SQL against it."""

    def __init__(self, conn: sqlite3.Connection, path: Path, lock: _WriteLock | None) -> None:
        self._conn = conn
        self.path = path
        self.readonly = lock is None
        self._lock = lock
        self._depth = 0
        # Bumped by every committed write; lets read-heavy listings be cached safely
        # (this process holds the write lock, so no one else changes the file).
        self._generation = 0
        self._all_passages: tuple[int, list[Passage]] | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: str | os.PathLike[str], *, unshared: bool = False) -> Store:
        """Create a new, empty project file. Refuses to overwrite anything.

        ``unshared``: a file being built under a temporary name that no one else
        opens and that is thrown away if the build fails (``project.build_project``).
        It then keeps its rollback journal in memory and skips syncing until
        ``seal()``: the write-ahead log would write every page twice (into the log,
        then into the file), which was a third of a 1,000-file import.
        """
        target = Path(path)
        if target.exists():
            raise FileExistsError(f"{target} already exists; not overwriting it")
        try:
            conn = sqlite3.connect(f"file:{_uri_path(target)}?mode=rwc", uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise OSError(f"cannot create {target}: {exc}") from None
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            _configure(conn)
            if unshared:
                conn.execute("PRAGMA journal_mode = MEMORY")
                conn.execute("PRAGMA synchronous = OFF")
            _migrate(conn, 0)
            ensure_project_uuid(conn, new=True)
        except BaseException as exc:
            conn.close()
            target.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error):
                raise project_error(target, exc) from exc
            raise
        return cls(conn, target, _WriteLock(target))

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False, _updated: bool = False) -> Store:
        """Open an existing project, checking it is one before changing anything."""
        target = Path(path)
        if not target.is_file():
            raise FileNotFoundError(f"{target}: no such project file")
        try:
            with open(target, "rb") as fh:
                header = fh.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise OSError(f"cannot read {target}: {exc.strerror}") from None
        if header != _SQLITE_HEADER:
            raise NotAProjectError(f"{target} is not a Briefer project (not an SQLite database)")
        mode = "ro" if readonly else "rw"
        try:
            conn = sqlite3.connect(f"file:{_uri_path(target)}?mode={mode}", uri=True, isolation_level=None)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            error = project_error(target, exc)
            if isinstance(error, ProjectDamagedError):
                raise NotAProjectError(f"{target} is not a readable Briefer project ({exc})") from None
            raise error from exc
        if app_id != APPLICATION_ID:
            conn.close()
            raise NotAProjectError(f"{target} is an SQLite database but not a Briefer project")
        if version > SCHEMA_VERSION:
            conn.close()
            raise NewerSchemaError(
                f"{target} was written by a newer version of Briefer (schema {version}, "
                f"this version reads up to {SCHEMA_VERSION}); update Briefer to open it"
            )
        if readonly and version < SCHEMA_VERSION:
            # The queries expect the current schema (schema 3 added columns), so
            # an older project is updated once, as opening it for writing does,
            # before it is read: `briefer export` on last month's project works.
            conn.close()
            if _updated:  # another process holds it for writing and has not updated it
                reason = "it is open in an older version of Briefer"
                raise ProjectFileError(
                    f"{target} was made by an older Briefer and {reason}; close that version, then try again",
                    path=str(target),
                    reason=reason,
                )
            cls._update_schema(target)
            return cls.open(target, readonly=True, _updated=True)
        lock = None
        try:
            if not readonly:
                lock = _WriteLock(target)
                _configure(conn)
                _migrate(conn, version)
                ensure_project_uuid(conn, new=False)
            else:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA busy_timeout = 5000")
        except BaseException as exc:
            conn.close()
            if lock:
                lock.release()
            if isinstance(exc, sqlite3.Error):
                raise project_error(target, exc) from exc
            raise
        return cls(conn, target, lock)

    @classmethod
    def _update_schema(cls, target: Path) -> None:
        """Bring an older project to the current schema so that it can be read."""
        try:
            cls.open(target, readonly=False).close()
        except ProjectInUseError:
            pass  # its writer opened it, and so updated it, first
        except (ProjectFileError, OSError) as exc:
            raise ProjectFileError(
                f"{target} was made by an older version of Briefer and needs a one-time update "
                f"before it can be read, which failed: {exc}",
                path=str(target),
                reason=str(exc),
            ) from None

    def seal(self) -> None:
        """End building an ``unshared`` file: it becomes a write-ahead-log project like any other.

        The caller syncs the file to disk after ``close()`` (syncing was off while it was built).
        """
        self._execute_translated("PRAGMA journal_mode = WAL")
        self._execute_translated("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None  # type: ignore[assignment]
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # ------------------------------------------------------------- transactions
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work; nested calls join the outermost transaction."""
        if self._depth == 0:
            self._execute_translated("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0 and self._conn.in_transaction:  # an I/O error may have rolled it back already
                self._execute_translated("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            try:
                self._execute_translated("COMMIT")
            except ProjectFileError:
                if self._conn.in_transaction:  # a failed COMMIT leaves the transaction open
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise
            self._generation += 1

    def _execute_translated(self, sql: str) -> None:
        try:
            self._conn.execute(sql)
        except sqlite3.Error as exc:
            raise project_error(self.path, exc) from exc

    def _q(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        _check_range(params)
        return self._conn.execute(sql, params)

    # --------------------------------------------------------------------- meta
    def get_meta(self) -> ProjectMeta:
        rows = dict(self._q("SELECT key, value FROM meta").fetchall())
        return ProjectMeta(**{f: rows.get(f, "") for f in ProjectMeta.FIELDS})

    def set_meta(self, **fields: str) -> None:
        unknown = set(fields) - set(ProjectMeta.FIELDS)
        if unknown:
            raise ValueError(f"unknown project field(s): {', '.join(sorted(unknown))}")
        with self.transaction():
            for key, value in fields.items():
                self._q(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    # --------------------------------------------------------------------- tags
    def add_tag(
        self,
        *,
        name: str,
        color: str,
        description: str = "",
        parent: int | None = None,
        is_stance: bool = False,
        position: int | None = None,
        tag_id: int | None = None,
    ) -> int:
        with self.transaction():
            pos = self._make_room("tags", parent, position)
            return self._insert(
                "INSERT INTO tags(id, name, color, description, parent, position, is_stance) VALUES (?,?,?,?,?,?,?)",
                (tag_id, name, color, description, parent, pos, int(is_stance)),
            )

    def list_tags(self) -> list[Tag]:
        """All tags, parents before children, siblings in their order."""
        rows = self._q(
            "SELECT id, name, color, description, parent, position, is_stance FROM tags ORDER BY position, id"
        ).fetchall()
        tags = [Tag(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]
        return tree_order(tags)

    def get_tag(self, tag_id: int) -> Tag:
        row = self._q(
            "SELECT id, name, color, description, parent, position, is_stance FROM tags WHERE id = ?", (tag_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no tag with id {tag_id}")
        return Tag(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))

    def tag_named(self, name: str) -> Tag | None:
        row = self._q("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        return self.get_tag(row[0]) if row else None

    def update_tag(self, tag_id: int, **fields: Any) -> None:
        self._update_row("tags", tag_id, ("name", "color", "description", "is_stance"), fields)

    def move_tag(self, tag_id: int, parent: int | None, position: int) -> None:
        with self.transaction():
            self._move_row("tags", tag_id, parent, position)

    def tag_usage(self, tag_id: int) -> int:
        """How many passages carry this tag or one of its descendants."""
        ids = self._subtree("tags", tag_id)
        marks = ",".join("?" * len(ids))
        sql = f"SELECT COUNT(DISTINCT passage) FROM passage_tags WHERE tag IN ({marks})"
        return int(self._q(sql, ids).fetchone()[0])

    def tag_counts(self, tags: Sequence[int] | None = None) -> dict[int, int]:
        """Passages per tag id, for every tag or only for ``tags``."""
        # Kept by triggers (schema 5).
        if tags is None:
            return dict(self._q("SELECT id, uses FROM tags WHERE uses > 0").fetchall())
        counts = dict.fromkeys(tags, 0)
        for tag_id in counts:
            row = self._q("SELECT uses FROM tags WHERE id = ?", (tag_id,)).fetchone()
            counts[tag_id] = row[0] if row else 0
        return counts

    def snapshot_tag(self, tag_id: int) -> TagSnapshot:
        ids = self._subtree("tags", tag_id)
        marks = ",".join("?" * len(ids))
        tags = [self.get_tag(i) for i in ids]
        links = self._q(f"SELECT passage, tag FROM passage_tags WHERE tag IN ({marks})", ids).fetchall()
        stances = self._q(f"SELECT id, stance FROM sections WHERE stance IN ({marks})", ids).fetchall()
        return TagSnapshot(tuple(tags), tuple(map(tuple, links)), tuple(map(tuple, stances)))

    def delete_tag(self, tag_id: int) -> None:
        with self.transaction():
            tag = self.get_tag(tag_id)
            self._q("DELETE FROM tags WHERE id = ?", (tag_id,))
            self._close_gap("tags", tag.parent, tag.position)

    def restore_tag(self, snap: TagSnapshot) -> None:
        with self.transaction():
            for tag in snap.tags:  # parents come first in a snapshot
                if tag.id == snap.tags[0].id:
                    self._make_room("tags", tag.parent, tag.position)
                self._q(
                    "INSERT INTO tags(id, name, color, description, parent, position, is_stance)"
                    " VALUES (?,?,?,?,?,?,?)",
                    (tag.id, tag.name, tag.color, tag.description, tag.parent, tag.position, int(tag.is_stance)),
                )
            self._q_many("INSERT OR IGNORE INTO passage_tags(passage, tag) VALUES (?, ?)", snap.links)
            self._q_many("UPDATE sections SET stance = ? WHERE id = ?", [(t, s) for s, t in snap.stance_sections])

    # ----------------------------------------------------------------- passages
    def add_passage(
        self,
        *,
        document: int,
        start: int,
        end: int,
        quote: str,
        prefix: str = "",
        suffix: str = "",
        note: str = "",
        translation: str = "",
        tags: Iterable[int] = (),
        passage_id: int | None = None,
        created: str | None = None,
    ) -> int:
        stamp = now_iso()
        with self.transaction():
            pid = self._insert(
                f"INSERT INTO passages({_PASSAGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (passage_id, document, start, end, quote, prefix, suffix, note, translation, created or stamp, stamp),
            )
            self._q_many("INSERT OR IGNORE INTO passage_tags(passage, tag) VALUES (?, ?)", [(pid, t) for t in tags])
            return pid

    def _passages_where(self, where: str = "", params: Sequence[Any] = ()) -> list[Passage]:
        rows: list[_PassageRow] = self._q(
            f"SELECT {_PASSAGE_SELECT} FROM passages {where} ORDER BY document, start, end, id", params
        ).fetchall()
        # Fetch only the tag links of the passages asked for (one document's, say).
        if where:
            tag_rows = self._q(
                "SELECT pt.passage, pt.tag FROM passage_tags pt JOIN passages ON passages.id = "
                f"pt.passage {where} ORDER BY pt.tag",
                params,
            ).fetchall()
        else:  # every passage: no join needed
            tag_rows = self._q("SELECT passage, tag FROM passage_tags ORDER BY tag").fetchall()
        tags: dict[int, list[int]] = {}
        for pid, tid in tag_rows:
            tags.setdefault(pid, []).append(tid)
        return [_passage(row, tuple(tags.get(row[0], ()))) for row in rows]

    def list_passages(self, document: int | None = None) -> list[Passage]:
        if document is None:
            # Several views read every passage after each change; read them once per change.
            if self._depth:  # uncommitted changes may yet roll back: never cache them
                return self._passages_where()
            if self._all_passages is None or self._all_passages[0] != self._generation:
                self._all_passages = (self._generation, self._passages_where())
            return list(self._all_passages[1])
        return self._passages_where("WHERE document = ?", (document,))

    def passage_order(
        self, *, tag: int | None = None, document: int | None = None, limit: int | None = None
    ) -> list[int]:
        """Passage ids in document order, from an index; optionally one tag's or one document's,
        and only the first ``limit``.

        Lists that show passages hold these and fetch the rows they paint with
        ``passages_by_id`` (ids alone: 20,000 order keys as tuples cost 4x more to read).
        """
        where, params = self._passage_filter(tag, document)
        sql = f"SELECT id FROM passages {where} ORDER BY document, start, end, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._q(sql, params).fetchall()]

    def passage_count(self, *, tag: int | None = None, document: int | None = None) -> int:
        """How many passages ``passage_order`` would list.

        The project's, a document's and a tag's counts are kept by the file's
        triggers (schemas 5 and 6): counting them here read 200,000 index entries
        each time the unfiltered Passages list refreshed on a 10,000-document
        project. Only a tag within one document is counted, over that document's rows.
        """
        if tag is None and document is None:
            row = self._q("SELECT passages FROM project_totals WHERE id = 1").fetchone()
        elif tag is None:
            row = self._q("SELECT passages FROM passage_counts WHERE document = ?", (document,)).fetchone()
        elif document is None:
            row = self._q("SELECT uses FROM tags WHERE id = ?", (tag,)).fetchone()
        else:
            where, params = self._passage_filter(tag, document)
            row = self._q(f"SELECT COUNT(*) FROM passages {where}", params).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _passage_filter(tag: int | None, document: int | None) -> tuple[str, list[int]]:
        clauses, params = [], []
        if document is not None:
            clauses.append("document = ?")
            params.append(document)
        if tag is not None:
            clauses.append("id IN (SELECT passage FROM passage_tags WHERE tag = ?)")
            params.append(tag)
        return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params

    def passage_keys(self, ids: Iterable[int]) -> dict[int, tuple[int, int, int, int]]:
        """``(document, start, end, id)``, the document-order key, of each of these passages."""
        wanted = list(dict.fromkeys(ids))
        keys: dict[int, tuple[int, int, int, int]] = {}
        for chunk in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            part = wanted[chunk : chunk + 500]
            keys.update(
                (r[3], tuple(r))
                for r in self._q(
                    f"SELECT document, start, end, id FROM passages WHERE id IN ({','.join('?' * len(part))})", part
                )
            )
        return keys

    def passages_by_id(self, ids: Iterable[int]) -> dict[int, Passage]:
        """The passages with these ids (missing ids are left out)."""
        wanted = list(dict.fromkeys(ids))
        found: dict[int, Passage] = {}
        for chunk in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            part = wanted[chunk : chunk + 500]
            found.update(
                (p.id, p) for p in self._passages_where(f"WHERE passages.id IN ({','.join('?' * len(part))})", part)
            )
        return found

    def passage_positions(self, document: int, ids: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
        """``(id, start, end)`` of a document's passages (or of just ``ids``), from an index alone."""
        where, params = f"WHERE document = ? AND {_ANCHORED}", [document]
        if ids is not None:
            id_list = list(ids)
            where += f" AND id IN ({','.join('?' * len(id_list))})"
            params += id_list
        return self._q(f"SELECT id, start, end FROM passages {where}", params).fetchall()

    def passages_overlapping(self, document: int, start: int, end: int) -> list[tuple[int, int, int]]:
        """``(id, start, end)`` of a document's passages that overlap ``[start, end)``, from the index."""
        return self._q(
            f"SELECT id, start, end FROM passages WHERE document = ? AND start < ? AND end > ? AND {_ANCHORED}",
            (document, max(end, start + 1), start),
        ).fetchall()

    def passage_tags_of(self, ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
        """The tag ids of each of these passages (every id is present; untagged ones map to ``()``)."""
        wanted = list(dict.fromkeys(ids))
        tags: dict[int, list[int]] = {pid: [] for pid in wanted}
        for chunk in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            part = wanted[chunk : chunk + 500]
            for pid, tid in self._q(
                f"SELECT passage, tag FROM passage_tags WHERE passage IN "
                f"({','.join('?' * len(part))}) ORDER BY passage, tag",
                part,
            ):
                tags[pid].append(tid)
        return {pid: tuple(t) for pid, t in tags.items()}

    def passage_ids_containing(self, needle: str) -> set[int]:
        """Ids of passages whose quote or note contains ``needle``, ignoring case (Unicode-aware)."""
        folded = needle.casefold()
        return {
            pid
            for pid, quote, note in self._q("SELECT id, quote, note FROM passages")
            if folded in quote.casefold() or (note and folded in note.casefold())
        }

    def document_sources(self, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """``(title, publisher, date)`` of these documents (missing ids are left out).

        Only columns the listing index holds, read from it: by id, SQLite would
        rather read each row from the table, a page per document (the balance
        view asked for thousands after each edit on a 10,000-document project).
        """
        wanted = list(dict.fromkeys(ids))
        found: dict[int, tuple[str, str, str]] = {}
        for chunk in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            part = wanted[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            rows = self._q(
                f"SELECT id, title, publisher, date FROM documents INDEXED BY documents_listing WHERE id IN ({marks})",
                part,
            ).fetchall()
            found.update((row[0], (row[1], row[2], row[3])) for row in rows)
        return found

    def tagged_per_document(self, tags: Iterable[int]) -> list[tuple[int, int, int]]:
        """``(tag, document, passages)``: how many of a document's passages carry each of ``tags``."""
        wanted = list(dict.fromkeys(tags))
        if not wanted:
            return []
        rows = self._q(
            "SELECT pt.tag, p.document, COUNT(*) FROM passage_tags pt JOIN passages p ON p.id = pt.passage"
            f" WHERE pt.tag IN ({','.join('?' * len(wanted))}) GROUP BY pt.tag, p.document",
            wanted,
        ).fetchall()
        return [tuple(r) for r in rows]

    def placement_documents(self) -> list[tuple[int, int, int]]:
        """``(section, passage, document)`` of every placement, without loading quotes."""
        rows = self._q(
            "SELECT pl.section, pl.passage, p.document FROM placements pl"
            " JOIN passages p ON p.id = pl.passage ORDER BY pl.section, pl.position"
        ).fetchall()
        return [tuple(r) for r in rows]

    def get_passage(self, passage_id: int) -> Passage:
        row: _PassageRow | None = self._q(
            f"SELECT {_PASSAGE_SELECT} FROM passages WHERE id = ?", (passage_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no passage with id {passage_id}")
        tags = tuple(
            r[0] for r in self._q("SELECT tag FROM passage_tags WHERE passage = ? ORDER BY tag", (passage_id,))
        )
        return _passage(row, tags)

    def passage_at(self, document: int, start: int, end: int) -> int | None:
        row = self._q(
            f"SELECT id FROM passages WHERE document = ? AND start = ? AND end = ? AND {_ANCHORED} ORDER BY id",
            (document, start, end),
        ).fetchone()
        return row[0] if row else None

    def update_passage(self, passage_id: int, **fields: str) -> None:
        self._update_row("passages", passage_id, ("note", "translation"), fields, also={"modified": now_iso()})

    def add_passage_tag(self, passage_id: int, tag_id: int) -> bool:
        """Link a tag; returns False when the passage already had it."""
        with self.transaction():
            cur = self._q("INSERT OR IGNORE INTO passage_tags(passage, tag) VALUES (?, ?)", (passage_id, tag_id))
            return cur.rowcount == 1

    def remove_passage_tag(self, passage_id: int, tag_id: int) -> bool:
        with self.transaction():
            cur = self._q("DELETE FROM passage_tags WHERE passage = ? AND tag = ?", (passage_id, tag_id))
            return cur.rowcount == 1

    def retag(self, source_tag: int, target_tag: int) -> None:
        """Give every passage tagged ``source_tag`` the tag ``target_tag`` (for merges)."""
        with self.transaction():
            self._q(
                "INSERT OR IGNORE INTO passage_tags(passage, tag) SELECT passage, ? FROM passage_tags WHERE tag = ?",
                (target_tag, source_tag),
            )

    def snapshot_passage(self, passage_id: int) -> PassageSnapshot:
        rows = self._q(
            "SELECT id, section, passage, position FROM placements WHERE passage = ?", (passage_id,)
        ).fetchall()
        return PassageSnapshot(self.get_passage(passage_id), tuple(Placement(*r) for r in rows))

    def delete_passage(self, passage_id: int) -> None:
        with self.transaction():
            for placement in self.snapshot_passage(passage_id).placements:
                self.remove_placement(placement.id)
            self._q("DELETE FROM passages WHERE id = ?", (passage_id,))

    def restore_passage(self, snap: PassageSnapshot) -> None:
        p = snap.passage
        with self.transaction():
            self._q(
                f"INSERT INTO passages({_PASSAGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    p.id,
                    p.document,
                    p.start,
                    p.end,
                    p.quote,
                    p.prefix,
                    p.suffix,
                    p.note,
                    p.translation,
                    p.created,
                    p.modified,
                ),
            )
            if p.anchor != "exact":
                self.set_passage_anchor(p.id, p.anchor, p.start, p.end, p.quote, p.prefix, p.suffix, p.candidate)
            self._q_many("INSERT INTO passage_tags(passage, tag) VALUES (?, ?)", [(p.id, t) for t in p.tags])
            for pl in sorted(snap.placements, key=lambda x: x.position):
                self.add_placement(section=pl.section, passage=pl.passage, position=pl.position, placement_id=pl.id)

    def _q_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        for row in rows:
            _check_range(row)
        self._conn.executemany(sql, rows)


def _passage(row: _PassageRow, tags: tuple[int, ...]) -> Passage:
    """A passage from a row of ``_PASSAGE_SELECT`` and its tag ids."""
    candidate = Candidate(row[12], row[13], row[14], row[15]) if row[12] is not None else None
    pid, document, start, end, quote, prefix, suffix, note, translation, created, modified = row[:11]
    return Passage(
        pid, document, start, end, quote, prefix, suffix, note, translation, created, modified, tags, row[11], candidate
    )


def _check_range(params: Sequence[Any]) -> None:
    """Refuse a number SQLite cannot take (it would raise OverflowError) as Briefer's error:
    no id or position in a project lies outside SQLite's 64-bit range, so nothing has it."""
    for value in params:
        if isinstance(value, int) and not SQLITE_INT_MIN <= value <= SQLITE_INT_MAX:
            raise OutOfRangeError(f"nothing in a project is numbered {value} (the limit is {SQLITE_INT_MAX})")


def project_error(path: Path, exc: sqlite3.Error) -> ProjectFileError:
    """Briefer's error for an ``sqlite3.Error`` on the project at ``path``: one sentence, naming both."""
    reason = str(exc) or exc.__class__.__name__
    code = getattr(exc, "sqlite_errorname", None) or ""
    kind: type[ProjectFileError]
    if isinstance(exc, sqlite3.IntegrityError) or code.startswith("SQLITE_CONSTRAINT"):
        kind = ConstraintError
        message = f"{path}: the change was refused because it would break the project's rules ({reason})"
    elif code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in reason:
        kind = ProjectLockedError
        message = f"{path} is locked by another program ({reason}); close it there and try again"
    elif code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in reason:
        kind, message = ProjectDamagedError, f"{path} is damaged or not a Briefer project ({reason})"
    elif code.startswith(("SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_READONLY")):
        kind, message = ProjectIOError, f"{path} could not be read or written ({reason})"
    else:
        kind, message = ProjectFileError, f"{path} could not be used ({reason})"
    return kind(message, path=str(path), reason=reason)


def _translated(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise project_error(self.path, exc) from exc

    return call


def _raise_project_errors(cls: type[Store]) -> None:
    """Wrap the store's public methods so an ``sqlite3.Error`` leaves it as a ``ProjectFileError``.

    ``create``/``open`` (no store yet) and ``transaction`` (a context manager)
    translate their own errors. Nested calls pass Briefer's error through untouched.
    """
    for name in dir(cls):
        if name.startswith("_") or name in ("create", "open", "transaction"):
            continue
        attr = inspect.getattr_static(cls, name)
        if inspect.isfunction(attr):
            setattr(cls, name, _translated(attr))
        elif isinstance(attr, property) and attr.fget is not None:
            setattr(cls, name, property(_translated(attr.fget)))


_raise_project_errors(Store)


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()))


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    for number in range(version, SCHEMA_VERSION):
        # executescript commits on its own, so each migration and its version
        # bump go into one explicit transaction inside the script.
        conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;")

"""Errors the core raises; each message is meant to be shown to the analyst as is."""


class BrieferError(Exception):
    """Base class: a problem with a clear, user-facing message."""


class NotAProjectError(BrieferError):
    """The file is not a Briefer project."""


class NewerSchemaError(BrieferError):
    """The project was written by a newer Briefer."""


class ProjectInUseError(BrieferError):
    """Another process has the project open for writing."""


class NotFoundError(BrieferError):
    """A document, tag, passage or section that does not exist was named."""


class OutOfRangeError(NotFoundError):
    """A number beyond what the project file can hold (SQLite's 64-bit integers): nothing has it."""


# The range of an SQLite INTEGER, which every id and position stored lies in.
SQLITE_INT_MIN = -(2**63)
SQLITE_INT_MAX = 2**63 - 1


class DoublePlacementError(BrieferError):
    """A passage was to be placed into an outline section that already holds it."""


class ImportRejected(BrieferError):  # noqa: N818 - named after the outcome it reports, like ImportSkipped
    """A file could not be imported; the message says why."""


class ImportSkipped(BrieferError):  # noqa: N818 - not an error: a deliberate skip
    """A file was deliberately not imported (for example a duplicate)."""


class ProjectFileError(BrieferError):
    """SQLite failed or refused an operation on the project file.

    The store raises this (or a subclass) for every ``sqlite3.Error``, so no layer
    above it sees ``sqlite3``. The message names the file and the reason in one sentence.
    """

    def __init__(self, message: str, *, path: str, reason: str) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


class ProjectLockedError(ProjectFileError):
    """Another program holds a lock on the project file (SQLite's "database is locked")."""


class ProjectDamagedError(ProjectFileError):
    """The project file is not an SQLite database, or its contents are corrupt."""


class ProjectIOError(ProjectFileError):
    """The project file could not be read or written (disk I/O error, disk full, read-only)."""


class ConstraintError(ProjectFileError):
    """A change was refused because it would break a rule of the schema (a duplicate name, say)."""


class ArchiveRejected(BrieferError):  # noqa: N818 - named after the outcome, like ImportRejected
    """A zip archive (a .docx, a reference.docx) is refused before it is read: it would unpack to too much.

    The message is the reason alone (``word/styles.xml unpacks to 1024 MB ...``); the
    caller says which file it was and what it was for.
    """


class ArchiveDamaged(ArchiveRejected):
    """The archive is not a zip, or a part's data does not match what its header declares."""

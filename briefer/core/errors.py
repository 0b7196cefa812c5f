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


class ImportRejected(BrieferError):
    """A file could not be imported; the message says why."""


class ImportSkipped(BrieferError):
    """A file was deliberately not imported (for example a duplicate)."""

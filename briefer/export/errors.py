"""Errors the export engine raises; messages are shown to the analyst as they are."""

from briefer.core.errors import BrieferError


class ExportError(BrieferError):
    """An export could not be produced or written."""


class TemplateError(ExportError):
    """A template is broken: syntax, an unknown name, a sandbox violation or a time-out.

    The message names the template file and, when known, the line.
    """


class QuoteMismatchError(ExportError):
    """A passage's quote no longer occurs at its offsets in its document."""


class WarningsRefusedError(ExportError):
    """A strict export met warnings and wrote nothing; ``warnings`` lists them."""

    def __init__(self, message: str, warnings: list[object]) -> None:
        super().__init__(message)
        self.warnings = warnings


class TemplateNotFoundError(ExportError):
    """No template of that name is installed."""

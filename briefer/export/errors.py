"""Errors the export engine raises; messages are shown to the analyst as they are."""

from __future__ import annotations

from briefer.core.errors import BrieferError


class ExportError(BrieferError):
    """An export could not be produced or written."""


class TemplateError(ExportError):
    """A template is broken: syntax, an unknown name, a sandbox violation or a time-out.

    The message names the template file and, when known, the line.
    """


class QuoteMismatchError(ExportError):
    """A passage's quote no longer occurs at its offsets in its document."""


class UnverifiedQuotesError(QuoteMismatchError):
    """Passages placed in the outline cannot be verified against their documents (see
    ``briefer.core.integrity``); the export stops unless they are allowed, marked [unverified]."""

    def __init__(self, lines: list[str]) -> None:
        count = len(lines)
        super().__init__(
            f"{count} quote{'s' if count != 1 else ''} in the outline cannot be verified against "
            f"{'their sources' if count != 1 else 'its source'}, so nothing was written: " + "; ".join(lines)
        )
        self.lines = list(lines)

    def __reduce__(self) -> tuple[type[UnverifiedQuotesError], tuple[list[str]]]:
        # Rebuilt from its lines, not its message, when it comes back from the render process.
        return type(self), (self.lines,)


class TemplateNotFoundError(ExportError):
    """No template of that name is installed."""

"""Errors the export engine raises; messages are shown to the analyst as they are."""

from __future__ import annotations

from briefer.core.errors import BrieferError


class ExportError(BrieferError):
    """An export could not be produced or written."""


class TemplateError(ExportError):
    """A template is broken: syntax, an unknown name, a sandbox violation or a time-out.

    The message names the template file and, when known, the line.
    """


class BriefingTooLargeError(TemplateError):
    """The briefing a template renders is larger than one briefing may hold (render.MAX_BRIEFING_BYTES).

    Its own class so a caller can tell a project too large for a template (an
    annex of every passage of a large project) from a broken template.
    """


class QuoteMismatchError(ExportError):
    """A passage's quote no longer occurs at its offsets in its document."""


class WarningsRefusedError(ExportError):
    """A strict export met warnings and wrote nothing; ``warnings`` lists them."""

    def __init__(self, message: str, warnings: list[object]) -> None:
        super().__init__(message)
        self.warnings = warnings


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

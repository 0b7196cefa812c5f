"""Export warnings: what the analyst can fix before sending the briefing.

Each warning has a kind, a one-line message and what it concerns (a document,
a section or a passage, by id, 0 for none), so the window can take the
analyst there. The CLI prints the messages; ``--strict`` refuses to write
while there are any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CITATION = "citation"
SECTION = "section"
TRANSLATION = "translation"
UNVERIFIED = "unverified"  # a quote printed marked [unverified], with the analyst's leave


@dataclass(frozen=True)
class ExportWarning:
    kind: str  # CITATION, SECTION or TRANSLATION
    message: str
    document: int = 0
    section: int = 0
    passage: int = 0

    def __str__(self) -> str:  # a template printing a warning prints its message
        return self.message


def missing_field_warning(number: int, title: str, document: int, field: str, style: str) -> ExportWarning:
    return ExportWarning(
        CITATION,
        f"source {number} '{title}' has no {field}; its {style} citation leaves it out",
        document=document,
    )


def untranslated_warning(passage: int, citation: int, quote: str, language: str) -> ExportWarning:
    short = quote if len(quote) <= 40 else quote[:39] + "…"
    short = " ".join(short.split())
    return ExportWarning(
        TRANSLATION,
        f"passage {passage} (note {citation}, '{short}') is not in English ({language}) and has no translation",
        passage=passage,
    )


def empty_section_warning(section: int, number: str, title: str) -> ExportWarning:
    return ExportWarning(
        SECTION,
        f"section {number} '{title}' has no notes and no passages; it would print a bare heading",
        section=section,
    )


def unverified_warning(line: str) -> ExportWarning:
    """A quote printed marked [unverified] (``line`` from the export context's ``unverified``)."""
    return ExportWarning(UNVERIFIED, line)


def count_text(warnings: Iterable[ExportWarning]) -> str:
    """ "3 warnings", "1 warning" or ""."""
    n = sum(1 for _ in warnings)
    return f"{n} warning{'s' if n != 1 else ''}" if n else ""

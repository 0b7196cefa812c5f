"""Undoable edits for new versions and re-anchoring: update from a file, accept, re-select.

Plain commands (``do``/``undo``), like ``briefer.core.commands``; the window
pushes them on its undo stack. Deleting a passage under review is the
ordinary ``DeletePassage``, which brings back its anchor and candidate on undo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefer.core.errors import BrieferError
from briefer.core.model import Passage
from briefer.core.service import ProjectService
from briefer.core.textnorm import escape_name
from briefer.core.versions import (
    NewText,
    UpdateReport,
    accept_candidate,
    reselect_passage,
    restore_anchor,
    revert_update,
    update_document,
)


def read_new_version(path: Path) -> NewText:
    """A file read and normalised as ``briefer import`` would; a clear error naming it if it cannot be."""
    from briefer.core.importing.importer import prepare_file  # the decoders load only when a file is read

    try:
        prepared = prepare_file(path)
    except BrieferError as exc:
        raise BrieferError(f"cannot read {escape_name(str(path))}: {exc}") from None
    except OSError as exc:
        raise BrieferError(f"cannot read {escape_name(str(path))}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BrieferError(f"cannot read {escape_name(str(path))}: {exc}") from None
    return NewText(prepared.text, prepared.sha256, escape_name(path.name), prepared.pages)


def update_from_file(service: ProjectService, doc_id: int, path: Path) -> UpdateReport:
    """``briefer update``: the document's text replaced by the file's, its passages re-anchored."""
    service.store.document_info(doc_id)  # NotFoundError before the file is read
    return update_document(service, doc_id, read_new_version(path))


@dataclass
class UpdateDocumentText:
    """Replace a document's text with a new version (kept: the old one) and re-anchor its passages."""

    document: int
    new: NewText
    label: str = "Update document from file"
    report: UpdateReport | None = None

    def do(self, service: ProjectService) -> None:
        self.report = update_document(service, self.document, self.new)

    def undo(self, service: ProjectService) -> None:
        assert self.report is not None
        if not self.report.unchanged:
            revert_update(service, self.document, tuple(p for p, _ in self.report.outcomes))


@dataclass
class AcceptCandidate:
    """A fuzzy passage becomes exact at its candidate span, the candidate's text its quote."""

    passage_id: int
    label: str = "Accept new text of passage"
    _before: Passage | None = None

    def do(self, service: ProjectService) -> None:
        self._before = accept_candidate(service, self.passage_id)

    def undo(self, service: ProjectService) -> None:
        assert self._before is not None
        restore_anchor(service, self._before)


@dataclass
class ReselectPassage:
    """Anchor a passage exactly at a span the analyst selected in the current text."""

    passage_id: int
    start: int
    end: int
    label: str = "Re-select passage"
    _before: Passage | None = None

    def do(self, service: ProjectService) -> None:
        self._before = reselect_passage(service, self.passage_id, self.start, self.end)

    def undo(self, service: ProjectService) -> None:
        assert self._before is not None
        restore_anchor(service, self._before)

"""Paragraph spacing for the reader without touching its text.

``QPlainTextEdit`` lays out blocks with no margins (it ignores
``QTextBlockFormat`` spacing) and that plain layout is what keeps a 2 MB
document quick to open. This subclass of it only reports every block but the
last as a few pixels taller; the view paints, scrolls and hit-tests by those
heights, so a gap shows after each paragraph while the text, and therefore every
offset, stays exactly the document's own.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout


class SpacedPlainTextLayout(QPlainTextDocumentLayout):
    """A plain-text layout with ``spacing`` pixels after each paragraph."""

    def __init__(self, document: QTextDocument, spacing: float) -> None:
        super().__init__(document)
        self.spacing = spacing

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802
        rect = super().blockBoundingRect(block)
        # Not after the last block: the document margin is already below it.
        if rect.height() > 0 and block.next().isValid():
            rect.setHeight(rect.height() + self.spacing)
        return rect


def add_paragraph_spacing(document: QTextDocument, spacing: float) -> None:
    """Give ``document`` (a plain-text view's) ``spacing`` pixels after each paragraph."""
    document.setDocumentLayout(SpacedPlainTextLayout(document, spacing))

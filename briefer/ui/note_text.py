"""A passage's note, its Markdown rendered (italic, bold, code, links), on one line of a list row.

It goes through the briefing's one Markdown engine
(:func:`briefer.export.markdown_dialect.markdown_to_html`), as the preview and the
export do, so a note reads in a list as it will in the briefing.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QTextDocument


@lru_cache(maxsize=1024)
def note_html(note: str) -> str:
    """One paragraph of inline HTML for ``note`` (its lines joined: the row has one line)."""
    from briefer.export.markdown_dialect import markdown_to_html  # Markdown: loaded when a note is first shown

    html = markdown_to_html(" ".join(note.split())).strip()
    # Block markup (a note that starts "# " or "- ") would take a line of its own: keep the inline part.
    for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote"):
        html = html.replace(f"<{tag}>", "").replace(f"</{tag}>", " ")
    return html.strip()


def note_document(note: str, font: QFont, color: QColor) -> QTextDocument:
    """The note as a one-line rich-text document in ``font`` and ``color``."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(f"body {{ color: {color.name()}; }} a {{ color: {color.name()}; }}")
    document.setHtml(f"<body style='white-space: pre'>{note_html(note)}</body>")
    return document


def paint_note(painter: QPainter, rect: QRect, note: str, font: QFont, color: QColor) -> None:
    """Draw the rendered note in ``rect``, on one line, clipped at its right edge."""
    document = note_document(note, font, color)
    painter.save()
    painter.setClipRect(rect)
    top = rect.top() + max(0, (rect.height() - document.size().height()) / 2)
    painter.translate(rect.left(), top)
    document.drawContents(painter, QRectF(0, 0, rect.width(), rect.height()))
    painter.restore()

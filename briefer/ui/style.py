"""Small shared bits of look: colour swatches, fonts for reading."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPixmap


@lru_cache(maxsize=256)
def swatch(color: str, size: int = 12) -> QIcon:
    """A rounded colour square used wherever a tag's colour is shown."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(QColor(color).darker(140))
    painter.drawRoundedRect(0, 0, size - 1, size - 1, 3, 3)
    painter.end()
    return QIcon(pixmap)


def cjk_family(language: str = "") -> str | None:
    """The best installed Noto CJK family for a language, or None."""
    families = [f for f in QFontDatabase.families() if "Noto Sans CJK" in f or "Noto Serif CJK" in f]
    if not families:
        return None
    # Traditional and Simplified glyphs differ; pick the matching regional cut.
    region = {"zh-Hant": "TC", "zh-Hans": "SC", "zh": "SC"}.get(language, "SC")
    for prefix in ("Noto Serif CJK", "Noto Sans CJK"):
        for family in families:
            if family.startswith(prefix) and family.endswith(region):
                return family
    return families[0]


def reading_font(language: str = "") -> QFont:
    """A comfortable serif for long reading, with a CJK fallback family."""
    font = QFont()
    latin: list[str] = [f for f in ("Noto Serif", "DejaVu Serif", "Liberation Serif") if f in QFontDatabase.families()]
    families = latin[:1]
    cjk = cjk_family(language)
    if cjk:
        families.insert(0 if language.startswith("zh") else len(families), cjk)
    if families:
        font.setFamilies(families)
    font.setPointSizeF(11.5)
    return font


def readable_text_color(background: QColor) -> QColor:
    return QColor("#111111") if background.lightnessF() > 0.55 else QColor("#ffffff")


def load_stylesheet() -> str:
    """The bundled QSS, or nothing if the resources folder is missing."""
    from briefer.resources import resources_dir

    try:
        return (resources_dir() / "briefer.qss").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return ""

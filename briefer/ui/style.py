"""Small shared bits of look: colour swatches, fonts for reading."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPalette, QPixmap


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


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours, from 1 to 21 (4.5 is enough for body text)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def composite(color: QColor, background: QColor) -> QColor:
    """``color`` (with its alpha) painted over an opaque ``background``: what the eye sees."""
    alpha = color.alphaF()
    return QColor.fromRgbF(
        color.redF() * alpha + background.redF() * (1 - alpha),
        color.greenF() * alpha + background.greenF() * (1 - alpha),
        color.blueF() * alpha + background.blueF() * (1 - alpha),
    )


def readable_text_color(background: QColor) -> QColor:
    """Near-black or white, whichever contrasts more with ``background`` (always at least 4.5:1)."""
    dark, light = QColor("#111111"), QColor("#ffffff")
    return dark if contrast_ratio(dark, background) >= contrast_ratio(light, background) else light


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def muted_text(palette: QPalette) -> QColor:
    """A quieter text colour for secondary lines that still reads at 4.5:1 on the palette's base."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    # Qt's default placeholder colour is the text colour at half opacity: what shows is it over the base.
    muted = composite(palette.color(QPalette.ColorRole.PlaceholderText), base)
    for step in range(11):  # move towards the text colour until it reads
        mixed = QColor.fromRgbF(*(m + (t - m) * step / 10 for m, t in zip(_rgb(muted), _rgb(text), strict=True)))
        if contrast_ratio(mixed, base) >= 4.5:
            return mixed
    return text


def warning_text(palette: QPalette) -> QColor:
    """Amber for "missing" notes, light enough on a dark base and dark enough on a light one."""
    return QColor("#f0b060") if is_dark(palette) else QColor("#8a4b00")


def error_text(palette: QPalette) -> QColor:
    return QColor("#ff8a80") if is_dark(palette) else QColor("#a93226")


def _rgb(color: QColor) -> tuple[float, float, float]:
    return color.redF(), color.greenF(), color.blueF()


def load_stylesheet() -> str:
    """The bundled QSS, or nothing if the resources folder is missing."""
    from briefer.resources import resources_dir

    try:
        return (resources_dir() / "briefer.qss").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return ""

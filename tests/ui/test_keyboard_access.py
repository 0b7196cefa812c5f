"""Keyboard and accessibility: F6 cycles the panes, controls have names, tag colours read on light and dark."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDockWidget,
    QLineEdit,
    QTabBar,
    QWidget,
)

from briefer.ui.focus_cycle import panes
from briefer.ui.style import composite, contrast_ratio

from reader_support import open_doc

FIRST_DOC = "Small courtyard, high wall: the US technology strategy against China"


def pane_of(window, widget: QWidget) -> QWidget:
    return next(p for p in panes(window) if p.isAncestorOf(widget))


def test_f6_visits_every_pane_and_shift_f6_goes_back(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.reader.setFocus()
    order = panes(window)
    docks = [d for d in window.findChildren(QDockWidget) if not d.isHidden()]
    assert order[0] is window.panel and set(order[1:]) == set(docks) and len(docks) >= 8  # the reader, every dock
    seen = [window.panel]
    for _ in range(len(order) - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        focused = QApplication.focusWidget()
        assert focused is not None
        pane = pane_of(window, focused)
        assert pane not in seen
        seen.append(pane)
        if isinstance(pane, QDockWidget):
            assert not pane.visibleRegion().isEmpty(), pane.objectName()  # raised if it was a hidden tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
    assert QApplication.focusWidget() is window.reader  # round again
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert pane_of(window, QApplication.focusWidget()) is seen[-1]


def test_controls_have_accessible_names(window) -> None:
    open_doc(window, FIRST_DOC)
    nameless = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget, QAbstractButton) and (widget.text() or widget.toolTip()):
            continue  # a button is read out by its text
        if isinstance(widget, QTabBar) and all(widget.tabText(i) for i in range(widget.count())):
            continue  # and tabs by theirs
        if widget.accessibleName():
            continue
        if isinstance(widget, QLineEdit | QComboBox) and _labelled(widget):
            continue
        nameless.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert nameless == [], "\n".join(nameless)


def _labelled(widget: QWidget) -> bool:
    from PySide6.QtWidgets import QLabel

    return any(label.buddy() is widget for label in widget.window().findChildren(QLabel))


def test_docks_describe_themselves_to_screen_readers(window) -> None:
    for dock in window.findChildren(QDockWidget):
        assert dock.accessibleName() and dock.accessibleDescription(), dock.objectName()
    assert window.reader.accessibleDescription()


def test_tag_highlights_read_at_4_5_to_1_on_light_and_dark(qtbot, window) -> None:
    did = open_doc(window, FIRST_DOC)
    text = window.reader.toPlainText()
    names = [t.name for t in window.service.tags.all()]
    spans = []
    for n, name in enumerate(names):
        quote = text[100 * n + 10 : 100 * n + 40].strip()
        window.service.tag_quote(document=did, quote=quote, tags=[name])
        spans.append(text.index(quote) + 2)
    for base, ink in (("#ffffff", "#111111"), ("#1e1e1e", "#eeeeee")):
        palette = window.reader.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(base))
        palette.setColor(QPalette.ColorRole.Text, QColor(ink))
        window.reader.setPalette(palette)
        window.reader.highlighter.repaint()
        for pos in spans:
            fmt = window.reader.highlighter.painted_at(pos)
            assert fmt is not None
            seen = composite(fmt.background().color(), QColor(base))
            assert contrast_ratio(fmt.foreground().color(), seen) >= 4.5, (base, fmt.background().color().name())


def test_secondary_text_reads_on_light_and_dark(qapp) -> None:
    from briefer.ui.style import muted_text

    for base, ink in (("#ffffff", "#111111"), ("#1e1e1e", "#eeeeee")):
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Base, QColor(base))
        palette.setColor(QPalette.ColorRole.Text, QColor(ink))
        half = QColor(ink)
        half.setAlpha(128)  # Qt's own default placeholder: the text at half opacity
        palette.setColor(QPalette.ColorRole.PlaceholderText, half)
        muted = muted_text(palette)
        assert 4.5 <= contrast_ratio(muted, QColor(base)) < contrast_ratio(QColor(ink), QColor(base))


def test_a_palette_change_rebuilds_highlights_only_when_the_page_colour_changes(qtbot, window, monkeypatch) -> None:
    did = open_doc(window, FIRST_DOC)
    reader = window.reader
    quote = reader.toPlainText()[10:40].strip()
    window.service.tag_quote(document=did, quote=quote, tags=[window.service.tags.all()[0].name])
    pos = reader.toPlainText().index(quote) + 2
    reader.highlighter.flush()  # the tagging's own rebuild, which waits for the event loop
    builds: list[int] = []
    real = type(reader.highlighter)._pieces
    monkeypatch.setattr(type(reader.highlighter), "_pieces", lambda self, a, b: builds.append(a) or real(self, a, b))
    light = reader.highlighter.painted_at(pos)
    assert light is not None

    palette = reader.palette()
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#123456"))  # a change that leaves the page alone
    reader.setPalette(palette)
    assert builds == []
    assert reader.highlighter.painted_at(pos) == light

    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))  # dark page: the tints' text colours follow
    palette.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    reader.setPalette(palette)
    assert len(builds) == 1
    dark = reader.highlighter.painted_at(pos)
    assert dark is not None
    seen = composite(dark.background().color(), QColor("#1e1e1e"))
    assert contrast_ratio(dark.foreground().color(), seen) >= 4.5


def test_every_export_dialog_label_with_a_shortcut_letter_has_its_field(project, qtbot) -> None:
    """A label written with "&" underlines its letter and moves focus to its field; one without a
    buddy prints the "&" itself (the Citations row did, its field being a row of two widgets)."""
    from PySide6.QtWidgets import QLabel

    from briefer.ui.export_dialog import ExportDialog

    dialog = ExportDialog(project.service)
    qtbot.addWidget(dialog)
    labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
    assert {label.text() for label in labels} >= {"&Template:", "&Format:", "&Citations:", "&Save as:"}
    for label in labels:
        assert label.buddy() is not None, label.text()
    citations = next(label for label in labels if label.text() == "&Citations:")
    assert citations.buddy() is dialog.citation_style
    dialog.close()

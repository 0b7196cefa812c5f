"""Export warnings in the window: the preview's count opens the list, and a warning leads to its cause."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.ui.export_dialog import ExportDialog
from briefer.ui.metadata_dialog import MetadataDialog
from briefer.ui.warnings_list import WarningsList

CHINESE = "這些政策適得其反"


def _build(path: Path) -> dict[str, int]:
    with Store.create(path) as store:
        service = ProjectService(store)
        store.add_tag(name="Evidence", color="#336699")
        text = "A page about walls.\nMore text."
        page = store.add_document(
            text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), title="Walls page", language="en"
        )
        zh_text = "引言。" + CHINESE + "。"
        zh = store.add_document(
            text=zh_text,
            sha256=hashlib.sha256(zh_text.encode()).hexdigest(),
            title="科技競賽",
            author="王小明",
            container="新聞網",
            date="2024",
            url="https://zh.example.com/a",
            language="zh-Hant",
            type="article-newspaper",
        )
        full = service.add_section(title="Findings", notes="Why.")
        empty = service.add_section(title="Still to write")
        walls = service.tag_quote(document=page, quote="A page about walls.", tags=["Evidence"])
        untranslated = service.tag_quote(document=zh, quote=CHINESE, tags=["Evidence"])
        service.place(passage=walls, section=full)
        service.place(passage=untranslated, section=full)
    return {"page": page, "empty": empty, "untranslated": untranslated}


@pytest.fixture
def warned(qtbot, tmp_path: Path) -> Iterator[tuple[object, dict[str, int]]]:
    from briefer.ui import create_main_window

    path = tmp_path / "warned.briefer"
    ids = _build(path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = create_main_window(path, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win, ids
    win.close()


def _open_list(win: object, qtbot) -> WarningsList:
    preview = win.preview  # type: ignore[attr-defined]
    preview.show()
    preview.raise_()
    preview.refresh()
    qtbot.waitUntil(lambda: preview.warnings_button.isVisible(), timeout=15000)
    assert preview.warnings_button.text() == f"⚠ {len(preview.warnings)} citation warnings"
    qtbot.mouseClick(preview.warnings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(preview, "warnings_dialog", None) is not None, timeout=2000)
    qtbot.waitUntil(preview.warnings_dialog.isVisible, timeout=2000)
    return preview.warnings_dialog.list


def _choose(listing: WarningsList, text: str) -> None:
    item = next(listing.item(r) for r in range(listing.count()) if text in listing.item(r).text())
    listing.setCurrentItem(item)
    listing.itemActivated.emit(item)


def test_preview_warnings_button_lists_every_kind(warned, qtbot) -> None:
    win, _ids = warned
    listing = _open_list(win, qtbot)
    texts = [listing.item(r).text() for r in range(listing.count())]
    assert any(t.startswith("⚠ Passage:") and "translation" in t for t in texts)
    assert any(t.startswith("⚠ Section:") and "Still to write" in t for t in texts)
    assert any(t.startswith("⚠ Source:") and "'Walls page' has no url" in t for t in texts)


def test_choosing_an_untranslated_quote_shows_the_passage(warned, qtbot) -> None:
    win, ids = warned
    listing = _open_list(win, qtbot)
    _choose(listing, "translation")
    qtbot.waitUntil(lambda: win.reader.current_passage == ids["untranslated"], timeout=3000)
    assert not win.preview.warnings_dialog.isVisible()


def test_choosing_an_empty_section_selects_it_in_the_outline(warned, qtbot) -> None:
    win, ids = warned
    listing = _open_list(win, qtbot)
    _choose(listing, "Still to write")
    assert win.outline.model.section_of(win.outline.view.currentIndex()) == ids["empty"]


def test_choosing_a_missing_field_opens_the_documents_details(warned, qtbot) -> None:
    win, ids = warned
    listing = _open_list(win, qtbot)
    seen: list[str] = []

    def close_details() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, MetadataDialog):
            seen.append(dialog.windowTitle())
            dialog.reject()
        else:
            QTimer.singleShot(50, close_details)

    QTimer.singleShot(0, close_details)
    _choose(listing, "has no url")
    assert seen and win.reader.document_id == ids["page"]


def test_export_dialog_shows_the_same_list_and_offers_the_style(warned, qtbot) -> None:
    win, _ids = warned
    dialog = ExportDialog(win.service)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
    chicago = dialog.warnings.warnings()
    assert any(w.kind == "translation" for w in chicago) and any(w.kind == "section" for w in chicago)
    assert "double-click" in dialog.checks.toPlainText()
    dialog.citation_style.setCurrentIndex(dialog.citation_style.findData("apa"))
    qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
    assert "apa citation" in "\n".join(w.message for w in dialog.warnings.warnings())


def test_export_dialog_takes_a_style_file(warned, qtbot, tmp_path: Path) -> None:
    import shutil

    from briefer.export.citations import style_path

    win, _ids = warned
    house = tmp_path / "house.csl"
    shutil.copy(style_path("apa"), house)
    dialog = ExportDialog(win.service)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
    dialog.use_style_file(house)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
    assert dialog.citation_style.currentText() == "house.csl"
    assert "its house citation leaves it out" in "\n".join(w.message for w in dialog.warnings.warnings())
    house.write_text("<style", encoding="utf-8")
    dialog.run_checks()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
    assert dialog.blocking_errors and "not valid XML" in dialog.blocking_errors[0]

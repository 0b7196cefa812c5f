"""REFI-QDA and spreadsheets in the window: File > Import takes .qdpx and .qdc, the Export dialog writes them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from briefer.ui.export_dialog import ExportDialog
from briefer.ui.window_menus import IMPORT_FILTER

NS = "urn:QDA-XML:project:1.0"
G = "00000001-0000-4000-8000-0000000000{:02d}"

FOREIGN = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="Fieldwork" origin="Another tool"><CodeBook><Codes>
<Code guid="{G.format(1)}" name="Theme" isCodable="false" color="#336699">
<Code guid="{G.format(2)}" name="Sub-theme" isCodable="true" color="#993366"/></Code></Codes></CodeBook>
<Sources><TextSource guid="{G.format(10)}" name="Interview">
<PlainTextContent>Exporters adapted quickly to the rules.</PlainTextContent>
<PlainTextSelection guid="{G.format(11)}" name="Exporters adapted" startPosition="0" endPosition="17">
<Coding guid="{G.format(12)}"><CodeRef targetGUID="{G.format(2)}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>"""


def _tag_names(window) -> list[str]:
    names = []
    model = window.codebook.model

    def walk(parent) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            names.append(index.data())
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return names


def test_file_import_takes_a_qdpx_and_the_views_follow(window, tmp_path: Path, monkeypatch) -> None:
    import briefer.ui.import_files as importing

    assert "*.qdpx" in IMPORT_FILTER and "*.qdc" in IMPORT_FILTER
    path = tmp_path / "fieldwork.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", FOREIGN)
    shown: list[object] = []
    monkeypatch.setattr(importing, "show_summary", lambda parent, outcomes: shown.append(outcomes))
    rows = window.corpus.view.model().rowCount()
    window.import_paths([path])
    (outcomes,) = shown
    assert "Imported 1 of 1 file." in importing.summary_html(outcomes)
    assert window.corpus.view.model().rowCount() == rows + 1
    assert window.reader.toPlainText().startswith("Exporters adapted")  # the new document is opened
    assert {"Theme", "Sub-theme"} <= set(_tag_names(window))


def test_export_dialog_writes_qdpx_and_xlsx_without_a_template(window, qtbot, tmp_path: Path) -> None:
    dialog = ExportDialog(window.service)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    for suffix in (".qdpx", ".xlsx"):
        dialog.format.setCurrentIndex(dialog.format.findData(suffix))
        assert not dialog.template.isEnabled()  # no template for data exports
        out = tmp_path / f"evidence{suffix}"
        dialog.path.setText(str(out))
        with qtbot.waitSignal(dialog.finished_export, timeout=20000) as blocker:
            dialog.start_export()
        assert blocker.args == [str(out)], dialog.status.text()
    with zipfile.ZipFile(tmp_path / "evidence.qdpx") as archive:
        assert "project.qde" in archive.namelist()
    book = openpyxl.load_workbook(tmp_path / "evidence.xlsx")
    assert book.sheetnames == ["Passages", "Outline"]

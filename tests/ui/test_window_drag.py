"""Dragging from the Passages and Codebook docks into the outline, in the real window."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from briefer.core.store import Store
from briefer.ui.id_model import IdRole


def _section_index(view: QTreeView, title: str) -> QModelIndex:
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(Qt.ItemDataRole.DisplayRole) == title:
            return index
    raise AssertionError(f"no section {title!r}")


def _passage_rows(view: QAbstractItemView, ids: set[int]) -> list[QModelIndex]:
    model = view.model()
    return [model.index(r, 0) for r in range(model.rowCount()) if model.index(r, 0).data(IdRole) in ids]


def test_passages_dragged_from_the_passages_dock_land_in_a_section(window, qtbot) -> None:
    service = window.service
    first = service.tag_quote(document=1, quote="small courtyard and high wall", tags=["Controls work"])
    second = service.tag_quote(document=5, quote="Huawei", tags=["Controls backfire"])
    service.add_section(title="Controls backfire")
    outline = window.findChild(QTreeView, "outlineView")
    passages = window.findChild(QAbstractItemView, "passageView")
    qtbot.waitUntil(lambda: len(_passage_rows(passages, {first, second})) == 2)

    mime = passages.model().mimeData(_passage_rows(passages, {second, first}))
    assert "Huawei" in mime.text() and "small courtyard and high wall" in mime.text()
    target = _section_index(outline, "Controls backfire")
    assert outline.model().dropMimeData(mime, Qt.DropAction.CopyAction, -1, 0, target)

    with Store.open(service.store.path, readonly=True) as store:
        section = store.sections_titled("Controls backfire")[0]
        assert sorted(p.passage for p in store.list_placements(section)) == sorted([first, second])
    window.undo_stack.undo()  # a multi-passage drop is one undo step
    with Store.open(service.store.path, readonly=True) as store:
        assert store.list_placements() == []


def test_a_codebook_tag_dragged_onto_the_outline_becomes_a_filled_section(window, qtbot) -> None:
    service = window.service
    ids = [service.tag_quote(document=5, quote=q, tags=["Controls backfire"]) for q in ("Huawei", "Ascend")]
    codebook = window.findChild(QTreeView, "codebookView")
    outline = window.findChild(QTreeView, "outlineView")
    model = codebook.model()
    row = next(r for r in range(model.rowCount()) if str(model.index(r, 0).data()).startswith("Controls backfire"))
    mime = model.mimeData([model.index(row, 0)])
    before = outline.model().rowCount()
    assert outline.model().dropMimeData(mime, Qt.DropAction.CopyAction, before, 0, QModelIndex())

    with Store.open(service.store.path, readonly=True) as store:
        sections = store.list_sections()
        made = [s for s in sections if s.parent is None][-1]
        assert made.title == "Controls backfire"
        placed = [p.passage for p in store.list_placements(made.id)]
        assert sorted(placed) == sorted(ids)
        starts = [store.get_passage(p).start for p in placed]
        assert starts == sorted(starts)  # document order


def test_the_current_passage_in_the_reader_drags_into_a_section(window, qtbot) -> None:
    service = window.service
    pid = service.tag_quote(document=5, quote="Huawei", tags=["Controls backfire"])
    service.add_section(title="Controls backfire")
    window.panel.open_document(5)
    assert window.reader.drag_mime() is None  # nothing grabbed until a passage is current
    window.reader.select_passage(pid)
    mime = window.reader.drag_mime()
    assert mime.text() == "“Huawei”"  # what another application would paste
    outline = window.findChild(QTreeView, "outlineView")
    qtbot.waitUntil(lambda: outline.model().rowCount() > 0)
    assert outline.model().dropMimeData(
        mime, Qt.DropAction.CopyAction, -1, 0, _section_index(outline, "Controls backfire")
    )
    with Store.open(service.store.path, readonly=True) as store:
        assert [p.passage for p in store.list_placements()] == [pid]

"""The Passages list follows single edits row by row, in document order."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView

from briefer.ui.id_model import IdRole
from briefer.ui.passage_delegate import PassageRowRole


def _ids(view: QAbstractItemView) -> list[int]:
    model = view.model()
    return [model.index(r, 0).data(IdRole) for r in range(model.rowCount())]


def test_tag_note_and_undo_update_the_list_in_place(window) -> None:
    service = window.service
    view = window.findChild(QAbstractItemView, "passageView")
    later = service.tag_quote(document=5, quote="Huawei", tags=["Controls backfire"], occurrence=3)
    assert _ids(view) == [later]

    window.panel.open_document(5)
    text = service.store.get_document(5).text
    start = text.find("Huawei")
    window.reader.select_range(start, start + len("Huawei"))
    earlier = window.reader.apply_tag(service.resolve_tag("Controls work").id)
    assert _ids(view) == [earlier, later]  # inserted before: it comes first in the document

    service.update_passage(earlier, note="an early sign")
    row = view.model().index(0, 0).data(PassageRowRole)
    assert row.note == "an early sign"

    window.undo_stack.undo()  # the tagging
    assert _ids(view) == [later]
    window.undo_stack.redo()
    assert _ids(view) == [earlier, later]


def test_new_passages_land_in_document_order_under_a_tag_filter(window) -> None:
    service = window.service
    dock = window.passages
    work = service.resolve_tag("Controls work")
    dock.filter_by_tag(work.id)
    text = service.store.get_document(5).text
    spots = [text.find("Huawei", 0), text.find("Huawei", 500), text.find("the", 100), text.find("and", 50)]
    made = [service.create_passage(document=5, start=s, end=s + 6, tags=[work.id]) for s in spots]
    service.create_passage(document=5, start=10, end=20, tags=[service.resolve_tag("Controls backfire").id])
    by_start = [pid for _, pid in sorted(zip(spots, made, strict=True))]
    assert _ids(dock.view) == by_start  # the other tag's passage is filtered out


def test_document_filter_lists_titles_when_opened_and_filters(window, qtbot) -> None:
    service = window.service
    dock = window.passages
    box = dock.doc_box
    first = service.tag_quote(document=5, quote="Huawei", tags=["Controls backfire"], occurrence=1)
    other = service.tag_quote(document=1, quote="export", tags=["Controls work"], occurrence=1)
    titles = service.store.document_titles()
    box.showPopup()
    assert [box.itemText(i) for i in range(box.count())] == ["All documents", *titles.values()]
    box.hidePopup()
    box.setCurrentIndex(box.findData(5))
    assert _ids(dock.view) == [first]
    # A document imported or retitled: the list is rebuilt and the choice kept.
    service.update_document(1, title="Renamed source")
    assert box.currentData() == 5 and _ids(dock.view) == [first]
    box.showPopup()
    assert box.itemText(box.findData(1)) == "Renamed source"
    box.hidePopup()
    box.setCurrentIndex(0)
    assert set(_ids(dock.view)) == {first, other}


def test_an_empty_list_says_how_to_fill_it(window) -> None:
    dock = window.passages
    assert dock.model.rowCount() == 0
    assert dock.view.empty_text.startswith("No passages yet. Select text in the reader")
    dock.text_box.setText("nothing like this")
    assert dock.view.empty_text == "No passages match these filters."
    dock.text_box.clear()
    assert dock.view.empty_text.startswith("No passages yet.")
    # It is painted in the list (the viewport is not blank where the words go).
    image = dock.view.viewport().grab().toImage()
    colors = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert len(colors) > 1


def test_a_long_list_reads_its_first_rows_and_counts_the_rest(window, monkeypatch) -> None:
    """Issue 17: the list reads the ids of its first rows only, until a view paints past
    them; edits past those rows change the row count without reading the rest."""
    from briefer.ui.passages_dock import PassageModel

    service = window.service
    text = service.store.get_document(5).text
    spots = [i for i in range(0, len(text) - 20, max(1, len(text) // 8))][:8]
    made = [service.create_passage(document=5, start=s, end=s + 10) for s in spots]
    monkeypatch.setattr(PassageModel, "PREFIX", 3)
    model = PassageModel(service)
    everything = service.passages.order()
    assert len(everything) > 3
    assert model.rowCount() == len(everything) and not model._complete and len(model._ids) == 3

    # A passage past the rows read: the count follows, nothing more is read.
    last = service.create_passage(document=5, start=len(text) - 8, end=len(text) - 2)
    assert model.rowCount() == len(everything) + 1 and not model._complete
    service.delete_passage(made[-1])
    assert model.rowCount() == len(everything) and not model._complete
    # A passage among the rows read lands in its place.
    first_doc = min(d.id for d in service.documents.all())
    early = service.create_passage(document=first_doc, start=0, end=3)
    order = service.passages.order()
    assert model.rowCount() == len(order) and model._ids == order[: len(model._ids)]
    assert early in model._ids

    # Painting every row reads the rest: the rows are the project's, in order.
    assert [model.index(r, 0).data(IdRole) for r in range(model.rowCount())] == order
    assert model._complete and last in order and made[-1] not in order


def test_each_row_shows_its_documents_title_and_follows_a_rename(window) -> None:
    service = window.service
    view = window.findChild(QAbstractItemView, "passageView")
    first = service.tag_quote(document=5, quote="Huawei", tags=["Controls backfire"])
    titles = {d.id: d.title for d in service.documents.all()}
    other_doc = next(d for d in titles if d != 5)
    text = service.store.get_document(other_doc).text
    second = service.create_passage(document=other_doc, start=0, end=12, tags=[service.tags.all()[0].id])
    model = view.model()
    rows = {model.index(r, 0).data(IdRole): model.index(r, 0).data(PassageRowRole) for r in range(model.rowCount())}
    assert rows[first].document == titles[5]
    assert rows[second].document == titles[other_doc] and text  # read for its own document, not the first one's

    service.update_document(5, title="Renamed source")
    rows = {model.index(r, 0).data(IdRole): model.index(r, 0).data(PassageRowRole) for r in range(model.rowCount())}
    assert rows[first].document == "Renamed source"
    assert rows[second].document == titles[other_doc]


def test_a_change_among_the_rows_read_is_counted_without_asking_the_store(window, monkeypatch) -> None:
    from briefer.ui.passages_dock import PassageModel

    service = window.service
    text = service.store.get_document(5).text
    for s in range(0, len(text) - 20, max(1, len(text) // 8)):
        service.create_passage(document=5, start=s, end=s + 10)
    monkeypatch.setattr(PassageModel, "PREFIX", 3)
    model = PassageModel(service)
    counted: list[int] = []
    real = type(service.passages).count
    monkeypatch.setattr(type(service.passages), "count", lambda self, **kw: counted.append(1) or real(self, **kw))
    assert not model._complete

    first_doc = min(d.id for d in service.documents.all())
    early = service.create_passage(document=first_doc, start=0, end=3)  # lands among the rows read
    assert counted == [] and early in model._ids
    assert model.rowCount() == len(service.passages.order())
    service.delete_passage(early)  # dropped from the rows read
    assert counted == [] and model.rowCount() == len(service.passages.order())

    late = service.create_passage(document=5, start=len(text) - 8, end=len(text) - 2)  # past them: counted
    assert counted == [1] and late not in model._ids
    assert model.rowCount() == len(service.passages.order())

"""The Corpus table reads the rows it shows: a large corpus's first frame does not read every
document's details, and sorting, filtering and counting still see every document."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from briefer.core.project import create_project
from briefer.core.store import Store
from briefer.ui.corpus_dock import CorpusModel

DOCUMENTS = 3 * CorpusModel.BLOCK + 10


@pytest.fixture
def many(tmp_path: Path) -> Path:
    path = create_project(tmp_path / "many.briefer", empty=True)
    with Store.open(path) as store, store.transaction():
        for n in range(DOCUMENTS):
            text = f"Document number {n} on export controls."
            store.add_document(
                text=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                title=f"Report {n:04d}",
                publisher=f"Outlet {n % 7}",
            )
    return path


@pytest.fixture
def window(qtbot, many: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from briefer.ui import create_main_window

    read: list[int] = []
    original = Store.document_listing

    def recording(self: Store, ids: Sequence[int] | None = None) -> list[tuple[int, str, str, str, str, str]]:
        read.extend(ids if ids is not None else [-1])  # -1: every row at once
        return original(self, ids)

    monkeypatch.setattr(Store, "document_listing", recording)
    win = create_main_window(many, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.read_rows = read  # type: ignore[attr-defined]
    yield win
    win.close()


def _titles(window: object) -> list[str]:
    proxy = window.corpus.proxy  # type: ignore[attr-defined]
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_the_first_frame_reads_only_the_rows_it_shows(window: object) -> None:
    read = window.read_rows  # type: ignore[attr-defined]
    assert -1 not in read
    assert 0 < len(set(read)) <= CorpusModel.BLOCK  # the first block: what is on screen
    assert window.corpus.proxy.rowCount() == DOCUMENTS  # type: ignore[attr-defined]
    # A row far down reads as it is scrolled to, with its block.
    view = window.corpus.view  # type: ignore[attr-defined]
    view.scrollToBottom()
    last = window.corpus.proxy.index(DOCUMENTS - 1, 0)  # type: ignore[attr-defined]
    assert last.data() == f"Report {DOCUMENTS - 1:04d}"
    assert last.data(Qt.ItemDataRole.ToolTipRole).startswith(f"Report {DOCUMENTS - 1:04d}\nOutlet ")


def test_sorting_and_filtering_see_every_document(window: object, qtbot) -> None:
    view = window.corpus.view  # type: ignore[attr-defined]
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _titles(window)[:2] == [f"Report {DOCUMENTS - 1:04d}", f"Report {DOCUMENTS - 2:04d}"]
    window.corpus.filter.setText("Report 0777")  # type: ignore[attr-defined]
    assert _titles(window) == ["Report 0777"]


def test_a_tagging_recounts_its_document_whether_or_not_its_row_was_read(window: object) -> None:
    service = window.service  # type: ignore[attr-defined]
    model = window.corpus.model  # type: ignore[attr-defined]
    tag = service.tags.all()[0].name
    far = model.id_at(DOCUMENTS - 1)
    near = model.id_at(0)
    for doc in (near, far):
        service.tag_quote(document=doc, quote="export controls", tags=[tag])
    proxy = window.corpus.proxy  # type: ignore[attr-defined]
    assert proxy.index(0, 3).data() == 1
    assert proxy.index(DOCUMENTS - 1, 3).data() == 1
    assert proxy.index(1, 3).data() == 0

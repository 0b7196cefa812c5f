"""The Balance dock: how much evidence each stance has, from which outlets, and in the outline.

A one-sided briefing usually shows as a stance with no evidence, or with all
of it from one outlet; the chart shows that at a glance and the sentences
below it say it in words (which a screen reader can read too).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QDockWidget, QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.core.wording import plural
from briefer.ui.outline_model import subscribe_while_alive

POLL_MS = 30  # how often the dock looks for a count finished in its worker thread

# Distinguishable on screen and in grey print (ColorBrewer "Dark2").
SOURCE_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


@dataclass
class StanceBalance:
    tag_id: int
    name: str
    color: str
    sections: int = 0  # sections arguing this stance
    tagged: Counter[str] = field(default_factory=Counter)  # source -> passages tagged
    placed: Counter[str] = field(default_factory=Counter)  # source -> passages in its sections

    def sentence(self) -> str:
        """What an analyst should notice about this stance, or "" when nothing stands out."""
        name = f"“{self.name}”"
        if not self.tagged:
            return f"No passage is tagged {name}: that side has no evidence at all."
        if self.sections == 0:
            waiting = sum(self.tagged.values())
            verb = "waits" if waiting == 1 else "wait"
            return f"No outline section argues {name} yet ({plural(waiting, 'tagged passage')} {verb})."
        if not self.placed:
            tagged = sum(self.tagged.values())
            if tagged == 1:
                return f"The {name} section is empty: its one tagged passage is not placed."
            return f"The {name} section is empty: none of its {tagged:,} tagged passages is placed."
        if len(self.placed) == 1:
            (outlet,) = self.placed
            return f"{name} rests on a single outlet in the outline: {outlet}."
        return ""


def stance_balance(service: ProjectService) -> list[StanceBalance]:
    """Passages per stance per source, tagged and placed (placed = in a section with that stance).

    Counted by SQL aggregates over ids: a refresh after each edit must not load
    twenty thousand passages into Python.
    """
    stances = {t.id: StanceBalance(t.id, t.name, t.color) for t in service.tags.all() if t.is_stance}
    sections = {s.id: s for s in service.outline.sections()}
    tagged = service.passages.tagged_per_document(stances)
    placed = service.outline.placement_documents()
    docs = service.documents.sources({doc for _tag, doc, _n in tagged} | {doc for _s, _p, doc in placed})

    def source(doc_id: int) -> str:
        if doc_id not in docs:
            return "?"
        title, publisher, _date = docs[doc_id]
        return publisher or title or f"Document {doc_id}"

    def stance_of(section_id: int | None) -> int | None:
        # A subsection without a stance of its own argues its parent's.
        while section_id is not None:
            s = sections[section_id]
            if s.stance is not None:
                return s.stance
            section_id = s.parent
        return None

    for s in sections.values():
        if s.stance in stances:
            stances[s.stance].sections += 1
    for tag, doc, count in tagged:
        stances[tag].tagged[source(doc)] += count
    seen: set[tuple[int, int]] = set()
    for section, passage, doc in placed:
        stance = stance_of(section)
        if stance in stances and (stance, passage) not in seen:
            seen.add((stance, passage))  # a passage placed twice is still one piece of evidence
            stances[stance].placed[source(doc)] += 1
    return list(stances.values())


def balance_of(project: Path) -> list[StanceBalance]:
    """``stance_balance`` on a read-only connection of its own (it runs in a worker thread)."""
    from briefer.core.project import open_for_reading

    with open_for_reading(project) as store:
        return stance_balance(ProjectService(store))


class BalanceChart(QWidget):
    """Two stacked bars per stance (tagged, in outline), one colour per source."""

    ROW = 18
    GAP = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("balanceChart")
        self.setAccessibleName("Evidence per stance and source")
        self.balances: list[StanceBalance] = []
        self.sources: list[str] = []  # legend order
        self._group: dict[str, str] = {}  # outlet -> its legend entry
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, balances: list[StanceBalance]) -> None:
        self.balances = balances
        totals: Counter[str] = Counter()
        for b in balances:
            totals.update(b.tagged)
            totals.update(b.placed)
        sources = sorted(totals)
        # One colour per outlet while the colours last; beyond that the
        # smaller outlets share one grey bar and legend entry, so a corpus of
        # hundreds of outlets neither repeats colours nor grows a legend
        # taller than the screen.
        if len(sources) > len(SOURCE_COLORS):
            named = set(sorted(sources, key=lambda s: (-totals[s], s))[: len(SOURCE_COLORS) - 1])
            rest = len(sources) - len(named)
            other = f"{rest} other outlets"
            self.sources = [s for s in sources if s in named] + [other]
            self._group = {s: s if s in named else other for s in sources}
        else:
            self.sources = sources
            self._group = {s: s for s in sources}
        self.updateGeometry()
        self.update()

    def _grouped(self, counts: Counter[str]) -> Counter[str]:
        grouped: Counter[str] = Counter()
        for source, n in counts.items():
            grouped[self._group.get(source, source)] += n
        return grouped

    def _height(self) -> int:
        fm = self.fontMetrics()
        legend_rows = (len(self.sources) + 1) // 2
        per_stance = fm.height() + 2 * self.ROW + 4 * self.GAP
        return 4 + len(self.balances) * per_stance + legend_rows * (fm.height() + 4) + 4

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, max(self._height(), 40))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, max(self._height(), 40))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        text = self.palette().color(QPalette.ColorRole.WindowText)
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        if not self.balances:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Mark a tag as a stance to see the balance")
            return
        label_w = fm.horizontalAdvance("In outline") + 12
        left, right = 8 + label_w, self.width() - 40
        # One scale for every bar, so lengths compare across stances and rows.
        biggest = max(max(sum(b.tagged.values()), sum(b.placed.values()), 1) for b in self.balances)
        scale = (right - left) / biggest
        colors = {s: QColor(SOURCE_COLORS[i % len(SOURCE_COLORS)]) for i, s in enumerate(self.sources)}
        y = 4
        for b in self.balances:
            painter.setPen(QColor(b.color).darker(130))
            bold = self.font()
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(8, y + fm.ascent(), b.name)
            painter.setFont(self.font())
            y += fm.height() + self.GAP
            for caption, counts in (("Tagged", self._grouped(b.tagged)), ("In outline", self._grouped(b.placed))):
                painter.setPen(muted)
                painter.drawText(QRectF(8, y, label_w, self.ROW), Qt.AlignmentFlag.AlignVCenter, caption)
                x = float(left)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(self.palette().color(QPalette.ColorRole.AlternateBase))
                painter.drawRect(QRectF(left, y, right - left, self.ROW))
                for source in self.sources:
                    if counts.get(source):
                        w = counts[source] * scale
                        painter.setBrush(colors[source])
                        painter.drawRect(QRectF(x, y, w, self.ROW))
                        x += w
                painter.setPen(text)
                painter.drawText(
                    QRectF(right + 6, y, 34, self.ROW), Qt.AlignmentFlag.AlignVCenter, str(sum(counts.values()))
                )
                y += self.ROW + self.GAP
            y += self.GAP
        col_w = (self.width() - 16) / 2
        for i, source in enumerate(self.sources):
            x = 8 + (i % 2) * col_w
            row_y = y + (i // 2) * (fm.height() + 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colors[source])
            painter.drawRect(QRectF(x, row_y + 3, 10, 10))
            painter.setPen(text)
            painter.drawText(
                QRectF(x + 14, row_y, col_w - 18, fm.height()),
                Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(source, Qt.TextElideMode.ElideRight, int(col_w - 18)),
            )


class BalanceDock(QDockWidget):
    """Chart plus plain-language warnings; recomputed shortly after any change."""

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__("Balance", parent)
        self.setObjectName("balanceDock")
        self.service = service
        self.chart = BalanceChart()
        self.summary = QLabel()
        self.summary.setObjectName("balanceSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.chart)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        # Many stance tags make a tall chart: it scrolls rather than stretching the window.
        scroll = QScrollArea()
        scroll.setAccessibleName("Stance balance")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.setWidget(scroll)
        # A burst of edits (a 20-passage drop) recomputes once.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self._pending: dict[str, list[StanceBalance] | BaseException] | None = None  # filled by the worker
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._stale = True
        # isVisible() stays true for a dock in a background tab; this follows the tab.
        self._shown = False
        self.visibilityChanged.connect(self._visibility_changed)
        subscribe_while_alive(service, self, self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.area in (ChangeArea.OUTLINE, ChangeArea.PASSAGES, ChangeArea.TAGS, ChangeArea.DOCUMENTS):
            self._timer.start()

    def _visibility_changed(self, visible: bool) -> None:
        self._shown = visible
        if visible and self._stale:
            self.refresh()

    def refresh(self) -> None:
        if not (self._shown and self.isVisible()):  # recomputed when shown; a hidden tab costs nothing
            self._stale = True
            return
        self._stale = False
        # Counted in a worker thread: every stance-tagged passage of the project is
        # read (68 ms on 10,000 documents, 13 ms on 1,000), which neither the first
        # frame nor the edit that made the count stale should wait for. A plain
        # thread, not a BackgroundJob: its concurrent.futures import would be paid
        # at start-up.
        path = Path(self.service.path)
        box: dict[str, list[StanceBalance] | BaseException] = {}
        self._pending = box  # a count started earlier fills a box no one reads any more

        def run() -> None:
            try:
                box["balances"] = balance_of(path)
            except BaseException as exc:  # a bug in the count surfaces in the GUI thread
                box["error"] = exc

        threading.Thread(target=run, name="briefer-balance", daemon=True).start()
        if not self.chart.balances and not self.summary.text():
            self.summary.setText("Counting the evidence…")
        self._poll.start()

    @property
    def counting(self) -> bool:
        """A count is running in the worker thread."""
        return self._pending is not None

    def _collect(self) -> None:
        box = self._pending
        if box is None or not box:
            return
        self._pending = None
        self._poll.stop()
        if "error" in box:
            self.summary.setText("The balance could not be counted.")
            error = box["error"]
            assert isinstance(error, BaseException)
            raise error
        balances = box["balances"]
        assert isinstance(balances, list)
        self._show(balances)

    def _show(self, balances: list[StanceBalance]) -> None:
        self.chart.set_data(balances)
        lines = [b.sentence() for b in balances]
        lines = [line for line in lines if line]
        if balances and not lines:
            lines = ["Every stance has evidence from more than one outlet in the outline."]
        self.summary.setText("\n".join(lines))

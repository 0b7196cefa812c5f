"""Benchmark Briefer on a large synthetic project and compare with floors.

    python benchmarks/run.py BENCH_DIR [--repeat 3]

BENCH_DIR is what ``make_corpus.py`` built (``files/`` and ``large.briefer``).
Each case runs several times; the table shows the median, the target, and the
ratio to a floor measured in the same run on the same machine, so the numbers
mean something on a noisy shared box. The last line counts targets met as
``N passed, M failed``. Nothing here asserts; the test suite never times.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefer.core.store import Store
    from briefer.export.templates import TemplateInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Case:
    name: str
    median: float
    target: float
    unit: str = "s"
    floor: float | None = None
    max_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.median / self.floor if self.floor else None

    @property
    def passed(self) -> bool:
        ok = self.median < self.target
        if self.max_ratio is not None and self.ratio is not None:
            ok = ok and self.ratio < self.max_ratio
        return ok


def timed(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def timed_pair(fn: Callable[[], object], floor: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of ``fn`` and of its floor, run alternately.

    Interleaved, both sides see the same machine: this shared VM changes speed
    by up to 1.6x within a minute, which split into two blocks moved a ratio
    by as much.
    """
    ours, floors = [], []
    for _ in range(repeat):
        ours.append(timed(fn, 1))
        floors.append(timed(floor, 1))
    return statistics.median(ours), statistics.median(floors)


# ------------------------------------------------------------------ import
def bench_import(files: Path, repeat: int) -> Case:
    from briefer.core.importing import import_into_new_project

    def briefer_import() -> None:
        # What `briefer import NEW.briefer FOLDER` runs: the project is made whole, then named.
        with tempfile.TemporaryDirectory() as tmp:
            import_into_new_project(Path(tmp) / "i.briefer", [files])

    def floor() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            conn = sqlite3.connect(Path(tmp) / "floor.db")
            conn.execute("CREATE TABLE d(id INTEGER PRIMARY KEY, text TEXT)")
            with conn:
                for path in sorted(files.iterdir()):
                    conn.execute("INSERT INTO d(text) VALUES (?)", (path.read_bytes().decode("utf-8"),))
            conn.close()

    ours, base = timed_pair(briefer_import, floor, repeat)
    return Case("import the files into a new project", ours, 20.0, floor=base, max_ratio=3)


def bench_import_pdfs(folder: Path, report: Path, repeat: int) -> list[Case]:
    """PDF reports into a new project, against pypdf extracting the same pages' text alone."""
    from pypdf import PdfReader

    from briefer.core.importing import import_paths
    from briefer.core.project import create_project, open_project

    def import_into_new(paths: list[Path]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            service = open_project(create_project(Path(tmp) / "i.briefer", empty=True))
            import_paths(service, paths)
            service.store.close()

    def floor() -> None:
        for path in sorted(folder.iterdir()):
            for page in PdfReader(path).pages:
                page.extract_text()

    ours, base = timed_pair(lambda: import_into_new([folder]), floor, repeat)
    count = len(list(folder.iterdir()))
    pages = len(PdfReader(report).pages)
    return [
        Case(f"import {count} 20-page PDF reports", ours, 60.0, floor=base, max_ratio=1.5),
        Case(f"import one {pages}-page PDF report", timed(lambda: import_into_new([report]), repeat), 5.0),
    ]


# ------------------------------------------------------------------ search
def bench_search(project: Path, repeat: int, compare: Path | None = None) -> list[Case]:
    from briefer.core.project import open_project

    service = open_project(project, readonly=True)
    cases = []
    if compare is None:
        cases += [
            Case(f"corpus search '{q}'", timed(lambda q=q: service.store.search(q), repeat), 0.1)
            for q in ("export", "晶片")
        ]
    else:
        other = open_project(compare, readonly=True)
        for q in ("export", "晶片"):
            big, small = timed_pair(lambda q=q: service.store.search(q), lambda q=q: other.store.search(q), repeat)
            cases += [Case(f"corpus search '{q}'", big, 0.1), _growth(f"search '{q}'", big, small)]
        other.store.close()
    service.store.close()
    return cases


# ------------------------------------------------------------------ export
def _memo_content(store: Store, memo: TemplateInfo) -> tuple[list[Any], list[str], list[str]]:
    """The memo's sections (level, title, framing, passages), its notes and its source list, as text."""
    from briefer.export.prepare import context_for, format_citations_first

    context = context_for(store, memo)
    format_citations_first(memo, context)
    sections: list[Any] = []

    def walk(section: Any) -> None:
        passages = [(p.note, p.quote, p.translation) for p in section.passages]
        sections.append((section.level, section.title, section.notes, passages))
        for child in section.children:
            walk(child)

    for section in context.outline:
        walk(section)
    notes = [str(p.footnote) for p in context.cited]
    sources = [str(d.reference) for d in context.bibliography]
    return sections, notes, sources


def bench_export(project: Path, repeat: int) -> list[Case]:
    import docx

    from briefer.core.store import Store
    from briefer.export import export_project
    from briefer.export.templates import find_template

    store = Store.open(project, readonly=True)
    sections = store.list_sections()
    placed = [(s, [store.get_passage(pl.passage) for pl in store.list_placements(s.id)]) for s in sections]
    out = Path(tempfile.mkdtemp())

    def paragraphs_only() -> None:
        """The outline's paragraphs alone: the floor until the export gained notes and sources (issue 13)."""
        document = docx.Document()
        for section, passages in placed:
            document.add_heading(section.title, level=1)
            document.add_paragraph(section.notes)
            for p in passages:
                document.add_paragraph(p.note)
                document.add_paragraph().add_run(p.quote)
        document.save(out / "paragraphs.docx")

    memo = find_template("memo")
    same, notes, sources = _memo_content(store, memo)

    def floor() -> None:
        """What the export writes, written the plainest way python-docx can.

        The memo's paragraphs in its reference.docx: each section's heading and
        framing, each passage's note, quote and translation, the Sources list,
        and every citation's note. python-docx has no API for footnotes, so the
        notes are paragraphs too. The texts are prepared outside the timing, as
        ``placed`` is: formatting them is the export's work, not the floor's.
        """
        document = docx.Document(str(memo.reference_docx))
        for level, title, framing, passages in same:
            document.add_heading(title, level=min(level, 3))
            document.add_paragraph(framing)
            for note, quote, translation in passages:
                document.add_paragraph(note)
                document.add_paragraph().add_run(quote)
                if translation:
                    document.add_paragraph(translation)
        document.add_heading("Sources", level=2)
        for reference in sources:
            document.add_paragraph(reference)
        for note in notes:
            document.add_paragraph(note)
        document.save(out / "floor.docx")

    from briefer.export.citation_cache import use_cache_folder
    from briefer.export.citations import forget_formatted

    # Formatted citations are kept in the user's cache folder between runs: here, a
    # folder of the benchmark's own, so a run neither reads nor fills the real one.
    cache = out / "citation-cache"
    use_cache_folder(str(cache))

    def nothing_cached() -> None:
        forget_formatted()  # nothing in this process...
        shutil.rmtree(cache, ignore_errors=True)  # ...nor on disk: these sources never exported before
        export_project(store, out / "first.docx")

    def new_process() -> None:
        forget_formatted()  # as the command line's export, or the window's first preview, finds it
        export_project(store, out / "first.docx")

    # Citations formatted by citeproc-py take milliseconds each: an export of sources
    # never exported before formats every one; a new process reads them from the
    # cache on disk; later exports in a process (the preview's re-renders) reuse them.
    cases = [
        Case("export to .docx, citations never formatted before", timed(nothing_cached, repeat), 5.0),
        Case("export to .docx, first in a new process (disk cache)", timed(new_process, repeat), 5.0),
    ]
    ours, base = timed_pair(lambda: export_project(store, out / "b.docx"), floor, repeat)
    plain = timed(paragraphs_only, repeat)
    NOTES.append(
        f"export reference: the outline's paragraphs alone (no notes, sources or house style), the floor "
        f"until 2026-12-01, take {plain:.3f}s in python-docx; the export is {ours / plain:.2f}x that"
    )
    cases += [
        Case("export the outline to .docx", ours, 5.0, floor=base, max_ratio=2),
        Case("export the outline to .md", timed(lambda: export_project(store, out / "b.md"), repeat), 0.5),
    ]
    cases += _bench_annex(store, out, repeat)
    store.close()
    use_cache_folder(None)
    shutil.rmtree(out, ignore_errors=True)
    return cases


def _bench_annex(store: Store, out: Path, repeat: int) -> list[Case]:
    """Every tagged passage in tables with a footnote each: the largest briefing a bundled
    template makes (13 MB of Markdown on the 1,000-document project).

    The annex grows with the project by definition, one row per passage: on
    200,000 passages it is about 130 MB, more than a briefing may hold, and the
    export refuses it, saying so. That is no speed to meet; the table reports the
    refusal and its time instead of a case.
    """
    from briefer.export import export_project, render_project
    from briefer.export.errors import BriefingTooLargeError, TemplateError
    from briefer.export.templates import find_template

    annex = find_template("evidence-annex")
    started = time.perf_counter()
    try:
        size = len(render_project(store, annex)[0].encode("utf-8")) / 1e6
    except BriefingTooLargeError as exc:
        NOTES.append(f"evidence annex refused after {time.perf_counter() - started:.0f}s, as it should be: {exc}")
        return []
    except TemplateError as exc:  # a missed case, not the end of the table
        NOTES.append(f"evidence annex not exported: {exc}")
        return [Case("export the evidence annex to .docx", float("inf"), 10.0)]

    def export() -> None:
        export_project(store, out / "annex.docx", template_name="evidence-annex")

    return [
        Case(f"export the evidence annex ({size:.1f} MB of Markdown) to .docx", timed(export, min(repeat, 3)), 10.0)
    ]


# ---------------------------------------------------------------------- UI
# Each launch prints time.monotonic() (one system-wide clock on Linux) once its
# window is shown and the events showing it queued are handled; the case is the
# time from just before the launch to that moment. Closing the window and
# tearing down the interpreter come after it, on both sides: the analyst waits
# for the window, not for a process exit.
_FLOOR_WINDOW = """
import time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.show(); app.processEvents()
print(time.monotonic())
"""

_BRIEFER_WINDOW = """
# Exactly what the installed `briefer PROJECT` command runs (its console script
# calls briefer.cli.main), in the same order, except that the event loop stops
# once the shown window has handled the events that showing it queued.
import sys, time
from briefer.cli import main
from PySide6.QtWidgets import QApplication

def first_frame_then_quit(app):
    app.processEvents()
    print(time.monotonic(), flush=True)
    for window in app.topLevelWidgets():
        window.close()
    return 0

QApplication.exec = first_frame_then_quit
sys.exit(main([sys.argv[1]]))
"""


# A reference, not a target: the same window as Qt widgets alone, empty. It
# touches the Qt classes Briefer's window modules use (PySide6 builds a class's
# Python type and enums on first use) and shows a main window of the same shape,
# with no Briefer code and no data. What it costs over the floor is PySide6's
# share of the window, which any implementation of this window pays.
_QT_CLASSES = """
import sys
import briefer.ui.main_window
names = set()
for name, module in list(sys.modules.items()):
    if name.startswith("briefer.ui"):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__.startswith("PySide6."):
                names.add(value.__module__ + "." + value.__name__)
print(",".join(sorted(names)))
"""

_SKELETON_WINDOW = """
import importlib, sys, time
from PySide6.QtWidgets import (QApplication, QDockWidget, QLabel, QLineEdit, QMainWindow, QPlainTextEdit,
                               QTableView, QTextBrowser, QTreeView, QTreeWidget)
from PySide6.QtGui import QAction
from PySide6.QtCore import Qt
app = QApplication([])
for qualified in sys.argv[1].split(","):
    module, _, name = qualified.rpartition(".")
    getattr(importlib.import_module(module), name)
w = QMainWindow()
w.resize(1400, 900)
w.setCentralWidget(QPlainTextEdit())
A = Qt.DockWidgetArea
DOCKS = (
    ("Corpus", A.LeftDockWidgetArea, QTableView()),
    ("Codebook", A.LeftDockWidgetArea, QTreeView()),
    ("Passages", A.BottomDockWidgetArea, QTableView()),
    ("Search", A.BottomDockWidgetArea, QTreeWidget()),
    ("Outline", A.RightDockWidgetArea, QTreeView()),
    ("Preview", A.RightDockWidgetArea, QTextBrowser()),
    ("Briefing", A.RightDockWidgetArea, QLineEdit()),
    ("Balance", A.RightDockWidgetArea, QLabel()),
)
for title, area, widget in DOCKS:
    dock = QDockWidget(title)
    dock.setObjectName(title)
    dock.setWidget(widget)
    w.addDockWidget(area, dock)
for title in ("File", "Edit", "View", "Help"):
    menu = w.menuBar().addMenu(title)
    for i in range(10):
        menu.addAction(QAction(f"{title} {i}", w))
w.statusBar().showMessage("ready")
w.show(); app.processEvents()
print(time.monotonic())
"""

# Lines printed under the table: measurements that explain a case but are not targets.
NOTES: list[str] = []


def _time_to_window(code: str, *args: str, env: dict[str, str] | None = None) -> float:
    """Seconds from launching ``code`` to the moment it reports its window shown."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **(env or {})}
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    ).stdout
    return float(out.split()[0]) - start


def _compile_bytecode() -> None:
    """Compile Briefer's modules once, as installing the wheel does.

    Otherwise, where PYTHONDONTWRITEBYTECODE is set (this development machine),
    every launch would compile the sources and the start-up case would time the
    compiler, which no installed copy runs.
    """
    import compileall

    compileall.compile_dir(ROOT / "briefer", quiet=1)


def bench_open_window(project: Path, repeat: int, compare: Path | None = None) -> list[Case]:
    if not sys.platform.startswith("linux"):
        NOTES.append(
            "window case skipped: it keeps the analyst's settings out of the way through "
            "XDG_CONFIG_HOME, which Qt follows only on Linux"
        )
        return []
    _compile_bytecode()
    work = Path(tempfile.mkdtemp())
    shutil.copy(project, work / "copy.briefer")  # the window opens for writing; keep the original pristine
    # Settings of its own (Qt reads them under XDG_CONFIG_HOME): the benchmark must
    # not touch the analyst's recent projects or window layout.
    config = {"XDG_CONFIG_HOME": str(work / "config")}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    classes = subprocess.run(
        [sys.executable, "-c", _QT_CLASSES], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    from briefer.core.project import create_project

    small = create_project(work / "bundled.briefer")  # the five bundled sources: what does not scale
    if compare is not None:
        shutil.copy(compare, work / "compare.briefer")
    samples: dict[str, list[float]] = {"ours": [], "floor": [], "skeleton": [], "small": [], "compare": []}
    for _ in range(repeat):  # alternately, as timed_pair does
        samples["ours"].append(_time_to_window(_BRIEFER_WINDOW, str(work / "copy.briefer"), env=config))
        samples["floor"].append(_time_to_window(_FLOOR_WINDOW))
        samples["skeleton"].append(_time_to_window(_SKELETON_WINDOW, classes))
        samples["small"].append(_time_to_window(_BRIEFER_WINDOW, str(small), env=config))
        if compare is not None:
            samples["compare"].append(_time_to_window(_BRIEFER_WINDOW, str(work / "compare.briefer"), env=config))
    ours, floor, skeleton, bundled = (statistics.median(samples[k]) for k in ("ours", "floor", "skeleton", "small"))
    shutil.rmtree(work, ignore_errors=True)
    NOTES.append(
        f"window reference: an empty QMainWindow (Python, PySide6, one window) shows in {floor:.3f}s; "
        f"Briefer's window is {ours / floor:.2f}x that"
    )
    NOTES.append(
        f"window reference: the bundled 5-document project opens in {bundled:.3f}s "
        f"({bundled / skeleton:.2f}x the window's Qt widgets alone); this project's size adds {ours - bundled:.3f}s"
    )
    # The floor is the same window as Qt widgets alone, empty (every Qt class
    # touched): PySide6's share of any window of this shape (decided when the
    # 1,000-document work closed; the empty QMainWindow stays as a reference line).
    cases = [Case("open the project until the window is shown", ours, 1.5, floor=skeleton, max_ratio=2)]
    if compare is not None:
        cases.append(_growth("window shown", ours, statistics.median(samples["compare"])))
    return cases


# Per-action cases must cost what they touch, not what the project holds: with
# --compare, each is timed on both projects alternately in one run (this
# machine's speed drifts between runs) and its growth is a target of its own.
MAX_GROWTH = 1.25


def _growth(what: str, big: float, small: float) -> Case:
    return Case(f"growth: {what}, this project / the compared one", big / small, MAX_GROWTH, unit="x")


def bench_reader_worker(project: str, repeat: int) -> None:
    """Runs in its own process so peak memory means this case alone."""
    import resource

    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from briefer.ui import create_main_window

    app = QApplication([])
    from PySide6.QtCore import QSettings

    window = create_main_window(project, QSettings(project + ".ini", QSettings.Format.IniFormat))
    window.show()
    app.processEvents()
    service = window.service
    docs = service.store.list_documents()
    big = max(docs, key=lambda d: d.length)
    text = service.store.get_document(big.id).text
    panel = window.panel

    def open_big() -> None:
        panel.open_document(None)
        app.processEvents()
        panel.open_document(big.id)
        app.processEvents()

    bare = QPlainTextEdit()
    # The reader's size and font: the floor then lays out and paints as much text as the reader does.
    bare.setFont(window.reader.font())
    bare.resize(window.reader.size())
    bare.show()

    def floor() -> None:
        bare.setPlainText("")
        app.processEvents()
        bare.setPlainText(text)
        app.processEvents()

    reader_time, floor_time = timed_pair(open_big, floor, repeat)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reader = window.reader
    tag = service.store.list_tags()[0].id
    spots = iter(range(1000, 1000 + 97 * 50, 97))

    def tag_selection() -> None:
        start = next(spots)
        reader.select_range(start, start + 30)
        reader.apply_tag(tag)
        app.processEvents()

    tag_time = timed(tag_selection, max(repeat, 5))
    for _ in range(max(repeat, 5)):  # leave the project as it was
        window.undo_stack.undo()
    print(json.dumps({"reader": reader_time, "reader_floor": floor_time, "rss_mb": rss_mb, "tag": tag_time}))
    window.close()


def _reader_worker(project: Path, repeat: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp()) / "copy.briefer"
    shutil.copy(project, work)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--reader-worker", str(work), "--repeat", str(repeat)],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    shutil.rmtree(work.parent, ignore_errors=True)
    data: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return data


def bench_reader(project: Path, repeat: int, compare: Path | None = None) -> list[Case]:
    if compare is None:
        data = _reader_worker(project, repeat)
        growth: list[Case] = []
    else:  # both projects, alternately, two rounds each
        rounds = [(_reader_worker(project, repeat), _reader_worker(compare, repeat)) for _ in range(2)]
        data = {key: statistics.median(big[key] for big, _ in rounds) for key in rounds[0][0]}
        tag_small = statistics.median(small["tag"] for _, small in rounds)
        growth = [_growth("apply a tag", data["tag"], tag_small)]
    floor_insert = _insert_floor(repeat)
    return growth + [
        Case(
            "open the largest document with its passages in the reader",
            data["reader"],
            0.5,
            floor=data["reader_floor"],
            max_ratio=2,
        ),
        Case("apply a tag to a selection (stored and repainted)", data["tag"], 0.05, floor=floor_insert),
        Case("peak memory, project open and largest document shown", data["rss_mb"], 400, unit="MB"),
    ]


def _insert_floor(repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "f.db")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE p(id INTEGER PRIMARY KEY, a INT, b INT, q TEXT)")

        def insert() -> None:
            with conn:
                conn.execute("INSERT INTO p(a, b, q) VALUES (1, 2, 'quote')")

        result = timed(insert, max(repeat, 5))
        conn.close()
        return result


def scale_note(project: Path) -> str:
    """What a run measured: the project's size, for the table's header."""
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        docs, megabytes = conn.execute("SELECT COUNT(*), COALESCE(SUM(length), 0) / 1e6 FROM documents").fetchone()
        passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        densest = conn.execute("SELECT COUNT(*) FROM passages GROUP BY document ORDER BY 1 DESC LIMIT 1").fetchone()
        placed = conn.execute("SELECT COUNT(*) FROM placements").fetchone()[0]
    finally:
        conn.close()
    return (
        f"{project} ({docs:,} documents, {megabytes:,.0f} M characters, {passages:,} passages, "
        f"{densest[0] if densest else 0:,} on the busiest document, {placed:,} placed)"
    )


# -------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark Briefer against floors.")
    parser.add_argument("bench_dir", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reader-worker", metavar="PROJECT")
    parser.add_argument(
        "--compare",
        metavar="SMALLER_DIR",
        type=Path,
        help="also time the per-action cases on SMALLER_DIR's project, alternately, and report their growth",
    )
    args = parser.parse_args()
    if args.reader_worker:
        bench_reader_worker(args.reader_worker, args.repeat)
        return 0
    project = args.bench_dir / "large.briefer"
    compare = args.compare / "large.briefer" if args.compare else None
    cases: list[Case] = [bench_import(args.bench_dir / "files", args.repeat)]
    if (args.bench_dir / "pdfs").is_dir():
        cases += bench_import_pdfs(args.bench_dir / "pdfs", args.bench_dir / "report200.pdf", args.repeat)
    cases += bench_open_window(project, args.repeat, compare)
    cases += bench_reader(project, args.repeat, compare)
    cases += bench_search(project, args.repeat, compare)
    cases += bench_export(project, args.repeat)
    print(f"scale: {scale_note(project)}" + (f"; compared with {scale_note(compare)}" if compare else ""))
    print(f"{'case':58} {'median':>10} {'target':>9} {'floor':>9} {'ratio':>7}  result")
    for c in cases:
        floor = f"{c.floor:.3f}" if c.floor else "-"
        ratio = f"{c.ratio:.2f}" if c.ratio else "-"
        limit = f" (<{c.max_ratio})" if c.max_ratio else ""
        print(
            f"{c.name:58} {c.median:>9.3f}{c.unit} {c.target:>8}{c.unit} {floor:>9} {ratio:>7}{limit:6} "
            f"{'met' if c.passed else 'MISSED'}"
        )
    for note in NOTES:
        print(note)
    passed = sum(c.passed for c in cases)
    print(f"{passed} passed, {len(cases) - passed} failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A bug in a slot reaches the analyst as one sentence, once, with the traceback kept in a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_FAILING_SLOT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from briefer.app import report_unexpected_errors

app = QApplication([])
boxes = []
report_unexpected_errors(lambda title, text: boxes.append([title, text]))

def paint_that_fails():
    raise ValueError("chart data missing")

for _ in range(3):  # as a broken paint handler would, on every repaint
    QTimer.singleShot(0, paint_that_fails)
QTimer.singleShot(0, lambda: 1 / 0)
QTimer.singleShot(100, app.quit)
app.exec()
print(json.dumps(boxes))
"""


def _run(script: str, tmp_path: Path) -> tuple[object, str]:
    """Run ``script`` in its own app, reports in ``tmp_path``; its last stdout line as JSON, and its stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_each_distinct_failure_is_shown_once_and_kept_with_its_traceback(tmp_path: Path) -> None:
    boxes, stderr = _run(_FAILING_SLOT, tmp_path)
    assert [title for title, _text in boxes] == ["Briefer ran into a problem"] * 2
    assert boxes[0][1].startswith("Something went wrong: ValueError: chart data missing")
    assert boxes[1][1].startswith("Something went wrong: ZeroDivisionError: division by zero")
    assert "Traceback" not in stderr
    # Recurring, it is still reported (and its traceback kept) once.
    lines = stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("briefer: internal error: ") for line in lines)
    reports = sorted(tmp_path.glob("briefer-error-*.txt"))
    assert len(reports) == 2
    assert all("Traceback" in r.read_text() for r in reports)
    assert any("paint_that_fails" in r.read_text() for r in reports)


_FAILING_THREAD = """
import json, sys, threading
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from briefer.app import error_box_later, report_unexpected_errors

app = QApplication([])
opened = []
QMessageBox.critical = staticmethod(lambda parent, title, text, *a: opened.append(threading.current_thread().name))
report_unexpected_errors(error_box_later(app))

def work():
    raise OSError("disk vanished")

worker = threading.Thread(target=work, name="worker")
worker.start()
worker.join()
QTimer.singleShot(100, app.quit)
app.exec()
print(json.dumps(opened))
"""


def test_a_failure_in_a_worker_thread_opens_its_box_in_the_gui_thread(tmp_path: Path) -> None:
    opened_in, stderr = _run(_FAILING_THREAD, tmp_path)
    assert opened_in == ["MainThread"]
    assert stderr.startswith("briefer: internal error: OSError: disk vanished")

"""Start-up loads what the first frame needs; the rest arrives when the analyst uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.ui.lazy import lazy_module

ROOT = Path(__file__).resolve().parents[2]

# Opens the window the way `briefer PROJECT` does, reports which modules ran,
# then makes one edit through the undo stack and undoes it.
_LAUNCH = """
import json, sys, types
from briefer.cli import main
from PySide6.QtWidgets import QApplication

def loaded(name):
    module = sys.modules.get(name)
    return module is not None and type(module) is types.ModuleType  # a lazy module is still a subclass

def first_frame(app):
    app.processEvents()
    window = next(w for w in app.topLevelWidgets() if w.objectName() == "mainWindow")
    report = {name: loaded(name) for name in ("jinja2", "markdown", "docx", "briefer.export.engine",
                                               "briefer.core.commands", "briefer.core.outline_commands",
                                               "briefer.ui.export_dialog", "briefer.ui.background",
                                               "uuid", "hashlib")}
    tags_before = len(window.service.store.list_tags())
    from briefer.ui.undo import push
    from briefer.ui.codebook_dock import commands
    push(window.undo_stack, window.service, commands.AddTag("Later", "#123456"))
    report["tags_added"] = len(window.service.store.list_tags()) - tags_before
    window.undo_stack.undo()
    report["tags_after_undo"] = len(window.service.store.list_tags()) - tags_before
    report["commands_loaded_after_edit"] = loaded("briefer.core.commands")
    print(json.dumps(report))
    window.close()
    return 0

QApplication.exec = first_frame
sys.exit(main([sys.argv[1]]))
"""


def test_window_opens_without_the_export_engine_dialogs_edit_commands_or_hashing(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    project = tmp_path / "p.briefer"
    made = subprocess.run(
        [sys.executable, "-m", "briefer", "new", str(project)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert made.returncode == 0, made.stderr
    result = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(project)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "jinja2": False,
        "markdown": False,
        "docx": False,
        "briefer.export.engine": False,
        "briefer.core.commands": False,
        "briefer.core.outline_commands": False,
        "briefer.ui.export_dialog": False,
        "briefer.ui.background": False,
        "uuid": False,  # the project's UUID is made or read only for an exchange file
        "hashlib": False,  # texts are hashed on import, export and check, never to show them
        "tags_added": 1,
        "tags_after_undo": 0,
        "commands_loaded_after_edit": True,
    }


def test_lazy_module_runs_on_first_attribute_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "briefer_lazy_probe.py").write_text("import sys\nsys.briefer_lazy_probe_ran = True\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delattr(sys, "briefer_lazy_probe_ran", raising=False)
    try:
        module = lazy_module("briefer_lazy_probe")
        assert not hasattr(sys, "briefer_lazy_probe_ran")
        assert module.VALUE == 42
        assert sys.briefer_lazy_probe_ran is True
        assert lazy_module("briefer_lazy_probe") is module
    finally:
        sys.modules.pop("briefer_lazy_probe", None)
        if hasattr(sys, "briefer_lazy_probe_ran"):
            del sys.briefer_lazy_probe_ran


def test_lazy_module_names_a_missing_module() -> None:
    with pytest.raises(ModuleNotFoundError, match="briefer_no_such_module"):
        lazy_module("briefer_no_such_module")

"""The layering rule: core and export import without Qt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_BLOCK_QT = """
import importlib, pkgutil, sys
class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is not allowed here: ' + name)
sys.meta_path.insert(0, BlockQt())
import briefer.core, briefer.export, briefer.cli
for pkg in (briefer.core, briefer.export):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):
        importlib.import_module(info.name)
print('ok')
"""


def test_core_export_and_cli_import_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", _BLOCK_QT], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


_SQL = re.compile(r"\.execute(many|script)?\(|\b(SELECT\s+.+\s+FROM|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM"
                  r"|UPDATE\s+\w+\s+SET|CREATE\s+TABLE|PRAGMA\s+\w+)\b")


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for path in (ROOT / "briefer").rglob("*.py"):
        if path.name in ("store.py", "schema.py") or path.name.startswith("store_"):
            continue
        if _SQL.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

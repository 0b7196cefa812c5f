"""The layering rule: core and export import without Qt."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import typing
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


_SQL = re.compile(
    r"\.execute(many|script)?\(|\b(SELECT\s+.+\s+FROM|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM"
    r"|UPDATE\s+\w+\s+SET|CREATE\s+TABLE|PRAGMA\s+\w+)\b"
)


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for path in (ROOT / "briefer").rglob("*.py"):
        if path.name in ("store.py", "schema.py") or path.name.startswith("store_"):
            continue
        if _SQL.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --------------------------------------------------------------------------- the window reads through the service
_STORE_MODULES = {"store.py", "store_outline.py", "store_documents.py", "store_identity.py", "schema.py"}


def _modules(folder: str) -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]


def _imported_modules(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_the_ui_never_names_the_store() -> None:
    offenders = []
    for name, tree in _modules("briefer/ui"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                offenders.append(f"{name}:{node.lineno}: .store")
        offenders += [
            f"{name}: imports {m}"
            for m in _imported_modules(tree)
            if m.startswith(("briefer.core.store", "briefer.core.schema"))
        ]
    assert offenders == []


def test_only_the_store_imports_sqlite3() -> None:
    offenders = [
        f"{name}: imports {m}"
        for name, tree in _modules("briefer")
        if Path(name).name not in _STORE_MODULES or not name.startswith("briefer/core/")
        for m in _imported_modules(tree)
        if m.split(".")[0] == "sqlite3"
    ]
    assert offenders == []


def _is_string(node: ast.expr) -> bool:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_string(e) for e in node.elts)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_change_areas_are_the_enum_not_strings() -> None:
    from briefer.core.service import Change, ChangeArea

    assert typing.get_type_hints(Change)["area"] is ChangeArea
    offenders = []
    for name, tree in _modules("briefer") + _modules("tests"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(isinstance(s, ast.Attribute) and s.attr == "area" for s in sides) and any(
                    _is_string(s) for s in sides
                ):
                    offenders.append(f"{name}:{node.lineno}: area compared with a string")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "notify"
                and node.args
                and _is_string(node.args[0])
            ):
                offenders.append(f"{name}:{node.lineno}: notify() with a string")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Change"
                and node.args
                and _is_string(node.args[0])
            ):
                offenders.append(f"{name}:{node.lineno}: Change() with a string")
    assert offenders == []


def test_the_layer_checks_catch_what_they_forbid() -> None:
    """The AST checks above would see each thing they forbid (a check that sees nothing proves nothing)."""
    sample = ast.parse("import sqlite3\nif change.area == 'tags': service.store.list_tags()\nsvc.notify('x')\n")
    assert "sqlite3" in _imported_modules(sample)
    assert any(isinstance(n, ast.Attribute) and n.attr == "store" for n in ast.walk(sample))
    compares = [n for n in ast.walk(sample) if isinstance(n, ast.Compare)]
    assert compares and _is_string(compares[0].comparators[0])

"""The error matrix: broken templates, the sandbox, time limit, quote mismatch, unwritable paths."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from briefer.core.errors import BrieferError
from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.errors import ExportError, QuoteMismatchError, TemplateError


def _template(tmp_path: Path, body: str, name: str = "broken") -> list[tuple[str, Path]]:
    root = tmp_path / "tpl"
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.md.j2").write_text(body, encoding="utf-8")
    return [("user", root)]


@pytest.mark.parametrize(
    "body,line,words",
    [
        ("# {{ meta.title }}\n\n{% for x in outline %}\n{{ x.title }\n{% endfor %}\n", 4, "syntax error"),
        ("# ok\n\n{{ meta.nope }}\n", 3, "unknown name or field"),
        ("line\n{{ no_such_name }}\n", 2, "unknown name or field"),
        ("a\nb\n{{ ''.__class__.__mro__ }}\n", 3, "not allowed"),
        ("{{ meta.__class__.__init__.__globals__ }}\n", 1, "not allowed"),
        ("\n{{ 'x' * 100000000 }}\n", 2, "too large"),
        ("{% if %}\n", 1, "syntax error"),
        ("{{ 1 / 0 }}\n", 1, "ZeroDivisionError"),
    ],
)
def test_template_errors_name_file_line_and_problem(
    store: Store, tmp_path: Path, body: str, line: int, words: str
) -> None:
    roots = _template(tmp_path, body)
    out = tmp_path / "out.md"
    with pytest.raises(TemplateError) as info:
        export_project(store, out, template_name="broken", roots=roots)
    message = str(info.value)
    assert str(tmp_path / "tpl" / "broken" / "template.md.j2") in message
    assert f"line {line}" in message
    assert words in message
    assert isinstance(info.value, BrieferError)
    assert not out.exists()


def test_runaway_template_is_stopped(store: Store, tmp_path: Path) -> None:
    roots = _template(tmp_path, "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateError, match="longer than 0.5 seconds"):
        export_project(store, tmp_path / "out.md", template_name="broken", roots=roots, seconds=0.5)


def test_failure_never_clobbers_an_existing_file(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "briefing.docx"
    out.write_bytes(b"the previous briefing")
    roots = _template(tmp_path, "{{ nope }}")
    with pytest.raises(TemplateError):
        export_project(store, out, template_name="broken", roots=roots)
    assert out.read_bytes() == b"the previous briefing"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp files left


def test_quote_mismatch_stops_the_export(project: Path, tmp_path: Path) -> None:
    # Simulate a document whose text changed under a passage (e.g. an edited file).
    conn = sqlite3.connect(project)
    pid, quote = conn.execute("SELECT id, quote FROM passages ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE passages SET quote = ? WHERE id = ?", (quote + " (edited)", pid))
    conn.commit()
    conn.close()
    out = tmp_path / "out.md"
    with Store.open(project, readonly=True) as store, pytest.raises(QuoteMismatchError) as info:
        export_project(store, out)
    assert f"passage {pid}" in str(info.value)
    assert not out.exists()


def test_unwritable_paths_give_a_clear_error(store: Store, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "out.md"
    with pytest.raises(BrieferError, match=r"cannot write .*out\.md: the folder .* does not exist"):
        export_project(store, missing)
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    with pytest.raises(BrieferError, match="cannot write"):
        export_project(store, a_file / "out.md")
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(BrieferError, match="it is a folder"):
        export_project(store, folder)
    with pytest.raises(BrieferError, match=r"\.md or \.docx"):
        export_project(store, tmp_path / "out.pdf")


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores permissions")
def test_read_only_folder(store: Store, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(BrieferError, match="Permission denied"):
            export_project(store, locked / "out.md")
    finally:
        locked.chmod(0o700)


def test_unknown_template(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BrieferError, match="no template named 'nope' .*memo"):
        export_project(store, tmp_path / "x.md", template_name="nope")


def test_existing_output_is_replaced_atomically(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "memo.md"
    out.write_text("old")
    out.chmod(0o640)
    export_project(store, out)
    assert out.read_text(encoding="utf-8").startswith("# Export")
    assert out.stat().st_mode & 0o777 == 0o640


def test_footnotes_nested_hundreds_deep_are_a_clear_error(store: Store, tmp_path: Path) -> None:
    """Each note citing the next, 600 deep: Word's nesting is built recursively, so a clear error, file untouched."""
    chain = "".join(f"[^n{i}]: Note {i} cites[^n{i + 1}].\n" for i in range(600)) + "[^n600]: The end.\n"
    roots = _template(tmp_path, "Start[^n0].\n\n" + chain.replace("{", "{{ '{' }}"))
    out = tmp_path / "deep.docx"
    out.write_bytes(b"the previous briefing")
    with pytest.raises(ExportError, match="nests too deeply to build in Word"):
        export_project(store, out, template_name="broken", roots=roots)
    assert out.read_bytes() == b"the previous briefing"
    md = tmp_path / "deep.md"
    export_project(store, md, template_name="broken", roots=roots)  # the Markdown is fine
    assert "[^n600]: The end." in md.read_text(encoding="utf-8")

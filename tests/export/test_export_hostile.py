"""Hostile templates folders: a bomb as reference.docx, a broken manifest, a template not in UTF-8,
built-in helpers printed, and the temporary files an interrupted export leaves behind."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.errors import ExportError, TemplateError
from briefer.export.templates import discover_templates, find_template
from briefer.export.writer import STALE_TEMPORARY_SECONDS, write_atomically

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def briefer(*argv: str) -> subprocess.CompletedProcess[str]:
    """The real entry point, in a subprocess."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "briefer", *argv], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def _project_template(project: Path, name: str, body: str = "# {{ meta.title }}\n") -> Path:
    folder = project.parent / "templates" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.md.j2").write_text(body, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ item 5: reference.docx bombs
def _reference_with_styles(styles: bytes, declared: int | None = None) -> bytes:
    """A real Word file whose word/styles.xml is ``styles``, its header optionally declaring ``declared`` bytes."""
    seed = io.BytesIO()
    docx.Document().save(seed)
    out = io.BytesIO()
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = styles if info.filename == "word/styles.xml" else source.read(info.filename)
            target.writestr(info.filename, body, compresslevel=1)
    data = bytearray(out.getvalue())
    if declared is not None:  # rewrite the size in the local header and the central directory
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            struct.pack_into("<I", data, archive.getinfo("word/styles.xml").header_offset + 22, declared)
        at = data.find(b"PK\x01\x02")
        while at != -1:
            length = struct.unpack_from("<H", data, at + 28)[0]
            if data[at + 46 : at + 46 + length] == b"word/styles.xml":
                struct.pack_into("<I", data, at + 24, declared)
            at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


@pytest.mark.parametrize(
    "styles,declared,words",
    [
        (b"<w:styles/>", 1024 * MB, "word/styles.xml unpacks to 1024 MB of XML, over the 32 MB a part may hold"),
        (bytes(8 * MB), None, "word/styles.xml is compressed"),  # 8 MB of zeros in a few KB
    ],
)
def test_a_reference_docx_bomb_is_refused_naming_the_file(
    project: Path, tmp_path: Path, styles: bytes, declared: int | None, words: str
) -> None:
    folder = _project_template(project, "memo")
    (folder / "reference.docx").write_bytes(_reference_with_styles(styles, declared))
    assert (folder / "reference.docx").stat().st_size < 256 * 1024

    tracemalloc.start()
    try:
        with Store.open(project, readonly=True) as store, pytest.raises(ExportError) as caught:
            export_project(store, tmp_path / "out.docx", project_path=project)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert message.startswith(f"cannot use {folder / 'reference.docx'} as a Word reference document: ")
    assert words in message
    assert peak < 64 * MB  # the export's own trees; nothing near the bomb's size
    assert not (tmp_path / "out.docx").exists()


def test_a_reference_docx_bomb_through_the_real_entry_point(project: Path, tmp_path: Path) -> None:
    folder = _project_template(project, "memo")
    (folder / "reference.docx").write_bytes(_reference_with_styles(b"<w:styles/>", 1024 * MB))
    result = briefer("export", str(project), "-o", str(tmp_path / "x.docx"))
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(folder / "reference.docx") in result.stderr and "1024 MB" in result.stderr


# ------------------------------------------------------------------ item 8: broken manifests
def _deeply_nested_manifest(project: Path) -> Path:
    folder = _project_template(project, "nested")
    (folder / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    return folder / "manifest.json"


def test_a_deeply_nested_manifest_disables_only_its_template(project: Path, tmp_path: Path) -> None:
    manifest = _deeply_nested_manifest(project)
    other = _project_template(project, "plain")
    (other / "manifest.json").write_text('{"name": "Plain", "description": "still fine"}')

    listing = briefer("templates", str(project))
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    [nested] = [line for line in lines if line.startswith("nested ")]
    assert nested.split()[1] == "project"
    assert f"unusable: {manifest}: larger than 64 KB" in nested  # 200 KB: refused before it is parsed
    assert any(line.startswith("plain ") and "still fine" in line for line in lines)
    assert any(line.startswith("memo ") for line in lines)

    for template in ("memo", "plain"):  # every other template still exports, in both formats
        for suffix in (".md", ".docx"):
            out = tmp_path / f"{template}{suffix}"
            result = briefer("export", str(project), "-o", str(out), "--template", template)
            assert result.returncode == 0, result.stderr
            assert out.is_file()

    chosen = briefer("export", str(project), "-o", str(tmp_path / "n.md"), "--template", "nested")
    assert chosen.returncode == 1
    assert chosen.stderr.count("\n") == 1 and "Traceback" not in chosen.stderr
    assert f"template 'nested' cannot be used: {manifest}: larger than 64 KB" in chosen.stderr
    assert not (tmp_path / "n.md").exists()


@pytest.mark.parametrize(
    "content,words",
    [
        (b'{"name": "x",', "not valid JSON"),
        (b'{"name": "caf\xe9"}', "not UTF-8 text (byte 13)"),
        (b"[" * 30_000 + b"]" * 30_000, "nested too deeply to be a manifest"),  # small enough to be parsed
        (b'["a list"]', "not a JSON object"),
        (b" " * (64 * 1024 + 1), "larger than 64 KB"),
    ],
)
def test_other_broken_manifests_say_why(project: Path, content: bytes, words: str) -> None:
    folder = _project_template(project, "odd")
    (folder / "manifest.json").write_bytes(content)
    assert "odd" not in discover_templates(project)  # not offered in the window's lists
    info = discover_templates(project, include_broken=True)["odd"]
    assert info.problem.startswith(f"{folder / 'manifest.json'}: ") and words in info.problem
    with pytest.raises(TemplateError, match="template 'odd' cannot be used"):
        find_template("odd", project)
    assert find_template("memo", project).name == "memo"


def test_a_missing_manifest_is_still_fine(project: Path) -> None:
    _project_template(project, "bare")
    info = find_template("bare", project)
    assert (info.display_name, info.description, info.problem) == ("bare", "", "")


def test_a_template_file_that_is_not_utf8_is_named(project: Path, tmp_path: Path) -> None:
    folder = _project_template(project, "latin1")
    (folder / "template.md.j2").write_bytes("# Café {{ meta.title }}\n".encode("latin-1"))
    result = briefer("export", str(project), "-o", str(tmp_path / "x.md"), "--template", "latin1")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{folder / 'template.md.j2'}: not UTF-8 text (byte 5 is b'\\xe9')" in result.stderr


def test_an_included_file_that_is_not_utf8_is_named(project: Path, tmp_path: Path) -> None:
    folder = _project_template(project, "incl", "# ok\n{% include 'part.md.j2' %}\n")
    (folder / "part.md.j2").write_bytes(b"caf\xe9\n")
    with Store.open(project, readonly=True) as store, pytest.raises(TemplateError) as caught:
        export_project(store, tmp_path / "x.md", template_name="incl", project_path=project)
    assert str(caught.value).startswith(f"{folder / 'part.md.j2'}: not UTF-8 text (byte 3")


# ------------------------------------------------------------------ item 9: built-in helpers never print
@pytest.mark.parametrize(
    "expression,words",
    [
        ("cycler|string", "'cycler' is a helper"),
        ("cycler", "'cycler' is a helper"),
        ("lipsum|string", "'lipsum' is a helper"),
        ("lipsum", "'lipsum' is a helper"),
        ("range", "'range' is a helper"),
        ("range|string", "'range' is a helper"),
        ("dict", "'dict' is a helper"),
        ("namespace", "'namespace' is a helper"),
        ("joiner|string", "'joiner' is a helper"),
        ("'' ~ cycler", "'cycler' is a helper"),
        ("'%s'|format(lipsum)", "'lipsum' is a helper"),
        ("cycler('a', 'b')", "a cycler"),
        ("joiner()", "a joiner"),
        ("namespace(a=1)|string", "a namespace"),
        ("cycler|tojson", "'cycler' is a helper"),
        ("'a'.upper", "a function, macro or template object"),
        ("meta.get", "a function, macro or template object"),
        ("self", "a function, macro or template object"),
    ],
)
def test_printing_a_helper_is_a_template_error_naming_file_and_line(
    project: Path, tmp_path: Path, expression: str, words: str
) -> None:
    folder = _project_template(project, "leak", "# ok\n\n{{ " + expression + " }}\n")
    with Store.open(project, readonly=True) as store, pytest.raises(TemplateError) as caught:
        export_project(store, tmp_path / "x.md", template_name="leak", project_path=project)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'template.md.j2'}, line 3: not allowed in a template: ")
    assert words in message and "is not a value to print" in message
    assert "0x" not in message and "<" not in message


def test_helpers_still_work_and_nothing_internal_shows(project: Path, tmp_path: Path) -> None:
    body = (
        "{% set c = cycler('odd', 'even') %}{% for i in range(3) %}{{ c.next() }} {% endfor %}\n"
        "{% set j = joiner('; ') %}{% for x in ['a', 'b'] %}{{ j() }}{{ x }}{% endfor %}\n"
        "{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}\n"
        "{{ dict(k='v').k }} {{ lipsum(1, False, 3, 5)|length > 0 }}\n"
        "{{ [cycler, lipsum]|pprint }}\n"
    )
    _project_template(project, "ok", body)
    with Store.open(project, readonly=True) as store:
        export_project(store, tmp_path / "x.md", template_name="ok", project_path=project)
    text = (tmp_path / "x.md").read_text(encoding="utf-8")
    # (a newline right after a block tag is dropped: trim_blocks; not after {{ }})
    assert text == "odd even odd a; b6\nv yes\n\\[cycler, lipsum\\]\n"
    assert "jinja2" not in text and "0x" not in text and "function" not in text


def test_a_printed_helper_through_the_real_entry_point(project: Path, tmp_path: Path) -> None:
    _project_template(project, "leak", "x\n{{ cycler|string }}\n")
    result = briefer("export", str(project), "-o", str(tmp_path / "x.md"), "--template", "leak")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "template.md.j2, line 2: not allowed in a template: 'cycler' is a helper" in result.stderr
    assert "jinja2.utils" not in result.stderr


# ------------------------------------------------------------------ item 11: stale temporary files
def test_stale_temporaries_of_the_same_target_are_removed(tmp_path: Path) -> None:
    old = time.time() - STALE_TEMPORARY_SECONDS - 60
    stale = tmp_path / ".x.docx.ab12_xyz.tmp"
    fresh = tmp_path / ".x.docx.cd34_xyz.tmp"  # perhaps another export writing now
    other_target = tmp_path / ".y.docx.ab12_xyz.tmp"
    not_ours = [
        tmp_path / ".x.docx.ab12_xyz.tmp.keep",
        tmp_path / ".x.docx.short.tmp",
        tmp_path / "x.docx.ab12_xyz.tmp",
    ]
    for path in (stale, fresh, other_target, *not_ours):
        path.write_bytes(b"partial")
    for path in (stale, other_target, *not_ours):
        os.utime(path, (old, old))
    stale_folder = tmp_path / ".x.docx.ef56_xyz.tmp"
    stale_folder.mkdir()
    os.utime(stale_folder, (old, old))
    link = tmp_path / ".x.docx.gh78_xyz.tmp"
    link.symlink_to(other_target)
    os.utime(link, (old, old), follow_symlinks=False)

    write_atomically(tmp_path / "x.docx", b"new")

    assert (tmp_path / "x.docx").read_bytes() == b"new"
    assert not stale.exists()
    assert fresh.exists() and other_target.exists() and all(p.exists() for p in not_ours)
    assert stale_folder.is_dir() and link.is_symlink()
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".x.docx.") and p.suffix == ".tmp")
    assert leftovers == sorted([fresh.name, stale_folder.name, link.name, ".x.docx.short.tmp"])


def test_an_interrupted_export_leaves_nothing_after_the_next(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    # What a killed export leaves: its temporary file, last written long ago.
    left = tmp_path / ".b.md.k9x_2abc.tmp"
    left.write_bytes(b"half a briefing")
    old = time.time() - 3600
    os.utime(left, (old, old))
    result = briefer("export", str(project), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.is_file() and not left.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

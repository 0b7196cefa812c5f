"""Hostile input on the command line: odd file names and numbers out of range (issue 15, items 2, 3, 6).

Real CLI runs in subprocesses, on real folders and files, as tests/core/test_cli.py does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.core.errors import NotFoundError
from briefer.core.textnorm import escape_name

ROOT = Path(__file__).resolve().parents[2]
HUGE = "1000000000000000000000000000000"


def run(*args: str | bytes | Path) -> subprocess.CompletedProcess[bytes]:
    """The CLI with byte-exact arguments and output (a file name need not be UTF-8)."""
    return subprocess.run(
        [sys.executable, "-m", "briefer", *(a if isinstance(a, bytes) else os.fsencode(a) for a in args)],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


def write(folder: Path, name: bytes, text: bytes) -> bytes:
    """Create ``folder/name`` through a bytes path; skip where the file system refuses the name."""
    path = os.fsencode(folder) + b"/" + name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except (OSError, ValueError) as exc:
        pytest.skip(f"this file system refuses the name {name!r}: {exc}")
    try:
        os.write(fd, text)
    finally:
        os.close(fd)
    return path


def new_project(tmp_path: Path) -> Path:
    project = tmp_path / "p.briefer"
    assert run("new", project, "--empty").returncode == 0
    return project


def source_files(project: Path) -> list[str]:
    result = run("show", project, "--json")
    assert result.returncode == 0, result.stderr
    return [d["source_file"] for d in json.loads(result.stdout)["documents"]]


def test_a_name_that_is_not_utf8_neither_stops_the_folder_nor_hides_the_report(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, b"a.txt", b"Alpha: export controls work.\n")
    write(folder, b"b_\xff.txt", b"Beta: export controls backfire.\n")
    write(folder, b"c.txt", b"Gamma: chips and tariffs.\n")

    result = run("import", project, folder)

    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout.decode("utf-8").splitlines() == [
        f"imported {folder}/a.txt as 1",
        f"imported {folder}/b_\\xff.txt as 2",
        f"imported {folder}/c.txt as 3",
    ]
    assert source_files(project) == ["a.txt", "b_\\xff.txt", "c.txt"]


def test_a_name_that_is_not_utf8_given_on_the_command_line_is_imported(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    odd = write(tmp_path, b"r\xe9sum\xe9.txt", b"Latin-1 named file.\n")

    result = run("import", project, odd)

    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == f"imported {tmp_path}/r\\xe9sum\\xe9.txt as 1\n"
    assert source_files(project) == ["r\\xe9sum\\xe9.txt"]


def test_newlines_tabs_and_control_characters_in_names_keep_one_line_per_file(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, b"n_\nimported x as 9.txt", b"A name with a newline in it.\n")
    write(folder, b"t_\tesc\x1b\x07.txt", b"A name with a tab and control characters.\n")
    write(folder, b"u_\xe2\x80\xa8sep.txt", b"A name with a Unicode line separator.\n")
    bad = write(folder, b"v_\nbad.docx", b"not a zip")

    result = run("import", project, folder)

    assert result.returncode == 1  # the .docx is rejected; the rest is imported
    lines = result.stdout.decode("utf-8").splitlines()
    assert lines == [
        f"imported {folder}/n_\\nimported x as 9.txt as 1",
        f"imported {folder}/t_\\tesc\\x1b\\x07.txt as 2",
        f"imported {folder}/u_\\u2028sep.txt as 3",
        lines[3],
    ]
    assert lines[3].startswith(f"rejected {folder}/v_\\nbad.docx: ")
    assert os.path.exists(bad)
    assert source_files(project) == ["n_\\nimported x as 9.txt", "t_\\tesc\\x1b\\x07.txt", "u_\\u2028sep.txt"]


def test_ordinary_names_are_reported_and_stored_unchanged(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "été \\x41 報告.txt".encode(), b"Accents, a backslash and CJK.\n")

    result = run("import", project, folder)

    assert result.stdout.decode("utf-8") == f"imported {folder}/été \\x41 報告.txt as 1\n"
    assert source_files(project) == ["été \\x41 報告.txt"]


def test_escape_name_is_the_identity_on_ordinary_names() -> None:
    name = "Brief – ‘quotes’ é 中文 \\ back.txt"
    assert escape_name(name) is name
    assert escape_name(os.fsdecode(b"\xff\x80")) == "\\xff\\x80"
    assert escape_name("a\r\n\x00\x7f\x85\u2029") == "a\\r\\n\\x00\\x7f\\x85\\u2029"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["tag", "--doc", HUGE, "--quote", "x", "--tag", "T"], "--doc"),
        (["tag", "--doc", "1", "--quote", "x", "--tag", "T", "--occurrence", HUGE], "--occurrence"),
        (["tag", "--doc", "1", "--quote", "x", "--tag", "T", "--occurrence", "-" + HUGE], "--occurrence"),
        (["tag", "--doc", "1", "--quote", "x", "--tag", "T", "--occurrence", "0"], "--occurrence"),
        (["autotag", "--pattern", "x", "--tag", "T", "--doc", HUGE], "--doc"),
        (["place", HUGE, "--section", "Intro"], "PASSAGE_ID"),
        (["place", "-" + HUGE, "--section", "Intro"], "PASSAGE_ID"),
        (["place", "1", "--section", "Intro", "--position", HUGE], "--position"),
        (["place", "1", "--section", "Intro", "--position", "-1"], "--position"),
        (["tag", "--doc", "9" * 5000, "--quote", "x", "--tag", "T"], "--doc"),
        (["place", "9" * 5000, "--section", "Intro"], "PASSAGE_ID"),
    ],
)
def test_a_number_out_of_range_is_a_one_line_usage_error_naming_the_argument(
    bundled_project: Path, args: list[str], option: str
) -> None:
    command, *rest = args
    result = run(command, bundled_project, *rest)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.decode("utf-8").splitlines()
    assert f"argument {option}:" in line and "out of range" in line
    assert result.stdout == b""


def test_the_largest_id_sqlite_holds_is_merely_not_found(bundled_project: Path) -> None:
    result = run("tag", bundled_project, "--doc", str(2**63 - 1), "--quote", "x", "--tag", "Controls work")
    assert result.returncode == 1
    assert result.stderr.decode("utf-8") == f"briefer: error: no document with id {2**63 - 1}\n"


@pytest.mark.parametrize("number", [2**63, 10**30, -(2**63) - 1])
def test_ids_beyond_sqlite_through_the_service_are_not_found(service: object, number: int) -> None:
    from briefer.core.service import ProjectService

    assert isinstance(service, ProjectService)
    store = service.store
    for look_up in (
        lambda: service.resolve_document(number),
        lambda: service.resolve_document(str(number)) if number > 0 else store.get_document(number),
        lambda: store.get_document(number),
        lambda: store.get_passage(number),
        lambda: store.get_tag(number),
        lambda: store.get_section(number),
        lambda: service.tag_quote(document=number, quote="x", tags=["Controls work"]),
        lambda: service.place(passage=number, section=1),
        lambda: service.autotag(pattern="x", tag="Controls work", document=number),
    ):
        with pytest.raises(NotFoundError):
            look_up()
    with pytest.raises(NotFoundError):
        service.resolve_document("9" * 5000)
    # Nothing was half-done: the project still has its five documents and no passages.
    assert len(store.list_documents()) == 5 and store.list_passages() == []

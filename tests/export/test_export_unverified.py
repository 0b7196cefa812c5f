"""Unverified quotes stop an export, or with --allow-unverified print marked [unverified] by the template."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import docx
import pytest

from briefer.cli_export import add_export_commands
from briefer.core.store import Store
from briefer.export.engine import export_project, render_project
from briefer.export.errors import ExportError, UnverifiedQuotesError
from briefer.export.templates import find_template

from export_helpers import CHINESE_QUOTE, TRICKY_QUOTES, rendered_text

EDITED = TRICKY_QUOTES[0] + " (edited)"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="briefer")
    add_export_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def sql(project: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    """Change the file as another program would (plain sqlite3, foreign keys off)."""
    conn = sqlite3.connect(project)
    conn.execute(statement, params)
    conn.commit()
    conn.close()


@pytest.fixture
def damaged(project: Path) -> tuple[Path, int, int]:
    """Two placed passages made unverified: the Chinese document's text changed under its hash,
    and an English quote edited away from its text. Returns the project and the two passage ids."""
    conn = sqlite3.connect(project)
    zh_passage = conn.execute("SELECT id FROM passages WHERE quote = ?", (CHINESE_QUOTE,)).fetchone()[0]
    en_passage = conn.execute("SELECT id FROM passages WHERE quote = ?", (TRICKY_QUOTES[0],)).fetchone()[0]
    conn.close()
    sql(project, "UPDATE documents SET text = replace(text, '第二段', '第三段') WHERE language = 'zh-Hant'")
    sql(project, "UPDATE passages SET quote = ? WHERE id = ?", (EDITED, en_passage))
    return project, zh_passage, en_passage


def test_unverified_quotes_stop_the_export_with_a_list(
    damaged: tuple[Path, int, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, zh_passage, en_passage = damaged
    for name in ("b.md", "b.docx"):
        out = tmp_path / name
        assert run(["export", str(project), "-o", str(out)]) == 1
        assert not out.exists()
        _out, err = capsys.readouterr()
        lines = err.splitlines()
        assert lines[0] == "briefer: error: 2 quotes in the outline cannot be verified; nothing was written"
        # In outline order: the "Controls backfire" section comes before "Controls work".
        assert lines[1].startswith(f"  passage {zh_passage} ") and "in section 'Controls backfire'" in lines[1]
        assert lines[1].endswith("its document's text no longer matches the SHA-256 stored at import")
        assert lines[2].startswith(f"  passage {en_passage} ") and "in section 'Controls work'" in lines[2]
        assert lines[2].endswith("its quote no longer matches its document's text at its offsets")
        assert "--allow-unverified" in lines[3]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp files


def test_allowed_they_print_marked_in_word(
    damaged: tuple[Path, int, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, zh_passage, en_passage = damaged
    out = tmp_path / "b.docx"
    assert run(["export", str(project), "-o", str(out), "--allow-unverified"]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "printed marked [unverified]" in line]
    assert [line.split()[6] for line in warned] == [str(zh_passage), str(en_passage)]
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    marked = [text for text in paragraphs if "[unverified]" in text]
    assert len(marked) == 2, marked
    assert any(text.endswith(f"{EDITED} [unverified]") for text in marked), marked
    assert any(text.endswith(f"{CHINESE_QUOTE} [unverified]") for text in marked), marked
    # Verified quotes carry no mark.
    other = next(text for text in paragraphs if TRICKY_QUOTES[1] in text)
    assert "[unverified]" not in other


def test_allowed_they_print_marked_in_markdown_with_every_bundled_template(
    damaged: tuple[Path, int, int], tmp_path: Path
) -> None:
    project, _zh, _en = damaged
    for template in ("memo", "debate-brief", "evidence-annex"):
        out = tmp_path / f"{template}.md"
        assert run(["export", str(project), "-o", str(out), "--template", template, "--allow-unverified"]) == 0
        visible = rendered_text(out.read_text(encoding="utf-8"))
        # The mark is printed by the template beside the quote (italic), never escaped into it.
        assert visible.count("[unverified]") == 2, (template, visible)
        assert f"{EDITED} [unverified]" in visible
        assert "\\[unverified\\]" not in out.read_text(encoding="utf-8")


def test_an_unplaced_unverified_passage_does_not_stop_the_export(project: Path, tmp_path: Path) -> None:
    with Store.open(project) as store:
        loose = store.add_passage(document=1, start=0, end=7, quote="Opening", tags=[3])
    sql(project, "UPDATE passages SET quote = 'Closing' WHERE id = ?", (loose,))
    with Store.open(project, readonly=True) as store:
        export_project(store, tmp_path / "memo.md")  # the memo prints placed passages only
        text, context = render_project(store, find_template("evidence-annex"))
    assert [p.verified for p in context.passages if p.id == loose] == [False]
    assert "Closing *[unverified]*" in text  # the annex prints every passage: marked


def test_the_refusal_is_an_error_the_window_can_list(damaged: tuple[Path, int, int], tmp_path: Path) -> None:
    project, zh_passage, en_passage = damaged
    with Store.open(project, readonly=True) as store, pytest.raises(UnverifiedQuotesError) as info:
        export_project(store, tmp_path / "b.md")
    assert [line.split()[1] for line in info.value.lines] == [str(zh_passage), str(en_passage)]
    assert "2 quotes in the outline cannot be verified against their sources" in str(info.value)


def test_a_dangling_placement_stops_the_export_clearly(project: Path, tmp_path: Path) -> None:
    sql(project, "UPDATE placements SET passage = 999 WHERE id = (SELECT MIN(id) FROM placements)")
    with Store.open(project, readonly=True) as store, pytest.raises(ExportError, match="points at passage 999"):
        export_project(store, tmp_path / "b.md", allow_unverified=True)
    assert not (tmp_path / "b.md").exists()

"""Tables split the short way read exactly as Python-Markdown's tables extension reads them."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown.extensions.tables import TableProcessor

from briefer.export.markdown_dialect import EXTENSIONS, briefing_markdown, markdown_to_html, parse_briefing
from briefer.export.markdown_tables import SimpleRowTables

# Pieces a cell is made of: escaped and unescaped pipes after runs of backslashes,
# code spans (with and without pipes inside), alignment-looking colons, CJK, spaces.
_PIECES = [
    "word",
    "two words",
    "發展",
    " ",
    "  ",
    "|",
    "\\|",
    "\\\\|",
    "\\\\\\|",
    "\\",
    "\\\\",
    "a\\b",
    ":",
    "-",
    "*em*",
    "<br>",
    "[^1]",
    "`code`",
    "`a|b`",
    "\\`",
    "``x`y``",
    "\t",
]


def _cell(rng: random.Random, code: bool) -> str:
    pieces = [p for p in _PIECES if code or "`" not in p]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))


def _row(rng: random.Random, columns: int, code: bool) -> str:
    cells = [_cell(rng, code) for _ in range(columns + rng.choice([-1, 0, 0, 0, 1]))]
    left = rng.choice(["| ", "|", "", "  | "])
    right = rng.choice([" |", "|", "", " | ", "\\|", "\\\\|"])
    return left + " | ".join(cells) + right


def _table(rng: random.Random, code: bool) -> str:
    columns = rng.randint(1, 4)
    separator = "|".join(rng.choice(["---", ":--", "--:", ":-:", " --- "]) for _ in range(columns))
    separator = rng.choice(["|", ""]) + separator + rng.choice(["|", ""])
    header = _row(rng, columns, code)
    rows = [_row(rng, columns, code) for _ in range(rng.randint(0, 4))]
    return "\n".join([header, separator, *rows])


def python_markdown_html(text: str) -> str:
    return markdown.markdown(text, extensions=list(EXTENSIONS), output_format="html")


@pytest.mark.parametrize("code", [False, True], ids=["no-code-spans", "code-spans"])
def test_generated_tables_read_as_the_tables_extension_reads_them(code: bool) -> None:
    rng = random.Random(20261201 + code)
    for _ in range(1500):
        text = _table(rng, code) + "\n\n[^1]: A note."
        assert markdown_to_html(text) == python_markdown_html(text), text


def test_rows_split_by_the_escape_rules_of_the_extension() -> None:
    """Pipes after an odd run of backslashes stay in the cell; after an even run they divide cells."""
    text = "| a \\| b | c \\\\| d | e \\\\\\| f |\n|---|---|---|---|\n| 1 \\| 2 | 3 | 4 \\\\| 5 |"
    html = markdown_to_html(text)
    assert html == python_markdown_html(text)
    assert "<th>a | b</th>" in html
    assert "<th>e \\| f</th>" in html
    assert "<td>1 | 2</td>" in html


def test_the_word_path_builds_the_same_table_without_the_extensions_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    """An annex's tables (no code spans) never reach the extension's processor; one with code does."""
    md = briefing_markdown(keep_tree=True)
    assert isinstance(md.parser.blockprocessors["table"], SimpleRowTables)
    calls: list[str] = []
    own_run = TableProcessor.run

    def counted(self: TableProcessor, parent: object, blocks: list[str]) -> None:
        calls.append(blocks[0])
        own_run(self, parent, blocks)  # type: ignore[arg-type]

    monkeypatch.setattr(TableProcessor, "run", counted)
    annex = "| Passage | Source |\n|---|---|\n| quote \\| piped<br>two[^1] | S |\n\n[^1]: n"
    tree = parse_briefing(annex)
    assert calls == []
    cells = [c.text for c in tree.root.iter("td")]
    assert cells[1] == "S" and cells[0] is not None and "piped" in cells[0]
    parse_briefing("| Code | x |\n|---|---|\n| `a|b` | y |")
    assert calls == ["| Code | x |\n|---|---|\n| `a|b` | y |"]

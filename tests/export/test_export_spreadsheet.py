"""The evidence as a spreadsheet: read back with openpyxl and csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from briefer.cli import main
from briefer.core.project import open_project

HEADERS = [
    "id",
    "document",
    "outlet",
    "author",
    "date",
    "url",
    "pages",
    "tags",
    "stance",
    "sections",
    "quote",
    "translation",
    "note",
    "start",
    "end",
    "anchor",
]


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return code, out


@pytest.fixture
def evidence_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    project = tmp_path / "p.briefer"
    cli(capsys, "new", project, "--empty")
    source = tmp_path / "zh.md"
    source.write_text(
        "---\ntitle: 美國與中國\npublisher: 聯合報\nauthor: 王小明\ndate: 2024-05-01\nurl: https://example.org/a\n---\n"
        "美國的出口管制讓中國加快晶片自主。\n=SUM(A1) is not a formula.\n",
        encoding="utf-8",
    )
    cli(capsys, "import", project, source)
    cli(
        capsys,
        "tag",
        project,
        "--doc",
        1,
        "--quote",
        "美國的出口管制讓中國加快晶片自主。",
        "--tag",
        "Controls backfire",
        "--tag",
        "Semiconductors",
        "--note",
        "key claim",
        "--translation",
        "US export controls make China speed up chip self-reliance.",
    )
    cli(capsys, "tag", project, "--doc", 1, "--quote", "=SUM(A1) is not a formula.", "--tag", "Supply chains")
    cli(capsys, "section", project, "Detail", "--parent", "Controls backfire")
    cli(capsys, "place", project, 1, "--section", "Controls backfire")
    cli(capsys, "place", project, 2, "--section", "Detail")
    cli(capsys, "place", project, 1, "--section", "Detail", "--position", 0)
    return project


def test_csv_is_utf8_with_bom_one_row_per_passage(
    evidence_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "evidence.csv"
    _code, printed = cli(capsys, "export", evidence_project, "-o", out)
    assert printed.strip() == f"wrote {out} (csv)"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADERS
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first["document"] == "美國與中國" and first["outlet"] == "聯合報" and first["author"] == "王小明"
    assert first["date"] == "2024-05-01" and first["url"] == "https://example.org/a"
    assert first["tags"] == "Controls backfire; Semiconductors" and first["stance"] == "Controls backfire"
    assert first["sections"] == "Controls backfire; Controls backfire › Detail"
    assert first["quote"] == "美國的出口管制讓中國加快晶片自主。" and first["note"] == "key claim"
    assert first["translation"].startswith("US export controls")
    assert (first["start"], first["end"]) == ("0", "17")
    second = dict(zip(HEADERS, rows[2], strict=True))
    assert second["quote"] == "=SUM(A1) is not a formula." and second["stance"] == ""
    assert len(rows) == 3


def test_xlsx_has_a_frozen_filtered_header_wrapped_quotes_and_the_outline(
    evidence_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "evidence.xlsx"
    cli(capsys, "export", evidence_project, "-o", out, "--template", "not-used")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Passages", "Outline"]
    sheet = book["Passages"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P3"
    quote_column = HEADERS.index("quote") + 1
    quote = sheet.cell(row=2, column=quote_column)
    assert quote.value == "美國的出口管制讓中國加快晶片自主。" and quote.alignment.wrap_text
    assert sheet.cell(row=2, column=HEADERS.index("note") + 1).alignment.wrap_text
    assert sheet.column_dimensions["K"].width > sheet.column_dimensions["A"].width
    formula_like = sheet.cell(row=3, column=quote_column)
    assert formula_like.value == "=SUM(A1) is not a formula." and formula_like.data_type == "s"
    assert sheet.cell(row=2, column=1).value == 1 and sheet.cell(row=2, column=HEADERS.index("end") + 1).value == 17

    outline = book["Outline"]
    assert [c.value for c in outline[1]] == ["section", "position", "passage id", "quote"]
    rows = [[c.value for c in row] for row in outline.iter_rows(min_row=2)]
    assert rows == [
        ["Controls backfire", 1, 1, "美國的出口管制讓中國加快晶片自主。"],
        ["Controls backfire › Detail", 1, 1, "美國的出口管制讓中國加快晶片自主。"],
        ["Controls backfire › Detail", 2, 2, "=SUM(A1) is not a formula."],
    ]
    assert outline.freeze_panes == "A2"


def test_pages_of_a_paged_document_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from briefer.core.model import Page

    project = tmp_path / "p.briefer"
    cli(capsys, "new", project, "--empty")
    service = open_project(project)
    try:
        doc = service.store.add_document(
            text="page one text\npage two text", sha256="x" * 64, title="Paged", pages=(Page(0, "iv"), Page(14, "1"))
        )
        service.create_passage(document=doc, start=5, end=20, tags=[service.resolve_tag("Controls work").id])
    finally:
        service.close()
    out = tmp_path / "e.csv"
    cli(capsys, "export", project, "-o", out)
    row = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))[1]
    assert row[HEADERS.index("pages")] == "iv–1"

"""Word files and Markdown front matter through the real import pipeline into a real project file.

Each .docx is written here with python-docx; the stored text and metadata are
read back from the project file after it is closed and opened again.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import docx
import pytest

from briefer.core.importing import import_paths
from briefer.core.importing.importer import import_file
from briefer.core.model import Document
from briefer.core.project import create_project, open_project
from briefer.core.service import ProjectService


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return create_project(tmp_path / "p.briefer", empty=True)


@pytest.fixture
def service(project: Path) -> Iterator[ProjectService]:
    svc = open_project(project)
    yield svc
    svc.store.close()


def _import_and_reopen(service: ProjectService, project: Path, path: Path) -> Document:
    """Import ``path``, then read the document back from the project file as saved."""
    [outcome] = import_paths(service, [path])
    assert outcome.status == "imported", outcome.reason
    assert outcome.document_id is not None
    service.store.close()
    reopened = open_project(project, readonly=True)
    try:
        return reopened.store.get_document(outcome.document_id)
    finally:
        reopened.store.close()


def test_docx_tables_stand_where_they_are_and_core_properties_are_metadata(
    service: ProjectService, project: Path, tmp_path: Path
) -> None:
    document = docx.Document()
    document.add_paragraph("Export controls tightened in 2023.")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [("Firm", "2022", "2023"), ("SMIC", "7 nm", "5 nm"), ("", "", "")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("The table shows the nodes each firm reached.")
    props = document.core_properties
    props.title = "Chips under controls"
    props.author = "R. Analyst"
    props.created = datetime(2024, 3, 5, 10, 30)
    path = tmp_path / "memo.docx"
    document.save(path)

    doc = _import_and_reopen(service, project, path)

    assert doc.text == (
        "Export controls tightened in 2023.\n"
        "Firm | 2022 | 2023\n"
        "SMIC | 7 nm | 5 nm\n"
        "\n"  # an empty row stays a line, so the table keeps its shape
        "The table shows the nodes each firm reached."
    )
    assert (doc.title, doc.author, doc.date) == ("Chips under controls", "R. Analyst", "2024-03-05")


def test_docx_merged_and_multi_paragraph_cells_are_one_line_per_row(
    service: ProjectService, project: Path, tmp_path: Path
) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Spans two columns"
    table.cell(0, 2).text = "Right"
    table.cell(1, 0).text = "First line"
    table.cell(1, 0).add_paragraph("second line")
    nested = table.cell(1, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "inner a"
    nested.cell(0, 1).text = "inner b"
    table.cell(1, 2).text = "Last"
    document.add_paragraph("After the table.")
    path = tmp_path / "merged.docx"
    document.save(path)

    doc = _import_and_reopen(service, project, path)

    # A merged cell once, not once per column it spans; a cell's paragraphs and
    # nested table on its row's line.
    assert doc.text == "Spans two columns | Right\nFirst line second line | inner a | inner b | Last\nAfter the table."


def test_docx_made_from_python_docx_template_does_not_claim_its_author_and_date(
    service: ProjectService, project: Path, tmp_path: Path
) -> None:
    document = docx.Document()  # core properties: author "python-docx", created 2013-12-23
    document.add_paragraph("A memo with no properties of its own.")
    path = tmp_path / "plain.docx"
    document.save(path)

    doc = _import_and_reopen(service, project, path)

    assert (doc.title, doc.author, doc.date) == ("A memo with no properties of its own.", "", "")


def test_markdown_front_matter_gives_citation_fields_and_an_iso_date(
    service: ProjectService, project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: Chips and walls\nauthor: A. Writer\ndate: March 5, 2024\ntype: article-journal\n"
        'container: "Journal of Strategic Studies"\ndoi: 10.1080/01402390.2024.123456\n---\nBody here.\n',
        encoding="utf-8",
    )

    doc = _import_and_reopen(service, project, path)

    assert (doc.title, doc.author, doc.date, doc.type, doc.container, doc.doi) == (
        "Chips and walls",
        "A. Writer",
        "2024-03-05",
        "article-journal",
        "Journal of Strategic Studies",
        "10.1080/01402390.2024.123456",
    )
    assert doc.text == "Body here."


@pytest.mark.parametrize(
    "written,stored",
    [("2024年3月5日", "2024-03-05"), ("2024-03", "2024-03"), ("last Tuesday", ""), ("0000-00-00", "")],
)
def test_a_front_matter_date_is_stored_as_iso_or_not_at_all(
    service: ProjectService, project: Path, tmp_path: Path, written: str, stored: str
) -> None:
    path = tmp_path / "dated.md"
    path.write_text(f"---\ndate: {written}\n---\nA dated note.\n", encoding="utf-8")
    assert _import_and_reopen(service, project, path).date == stored


def test_a_date_given_with_the_import_is_normalised_or_refused(service: ProjectService, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A document with a date given.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("A document with a date that is none.", encoding="utf-8")

    imported = import_file(service, good, date="5 March 2024")
    refused = import_file(service, bad, date="next week")

    assert imported.status == "imported"
    assert imported.document_id is not None
    assert service.store.get_document(imported.document_id).date == "2024-03-05"
    assert refused.status == "rejected"
    assert refused.line() == f"rejected {bad}: date 'next week' is not a date (give YYYY-MM-DD, YYYY-MM or YYYY)"
    assert len(service.store.list_documents()) == 1


def test_a_docx_that_unpacks_to_too_much_xml_is_rejected_before_it_is_parsed(
    service: ProjectService, tmp_path: Path
) -> None:
    seed = tmp_path / "seed.docx"
    document = docx.Document()
    document.add_paragraph("seed")
    document.save(seed)
    paragraph = b"<w:p><w:r><w:t>" + b"x" * 60 + b"</w:t></w:r></w:p>"
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":  # about 34 MB of XML in a few hundred KB
                data = data.replace(b"<w:body>", b"<w:body>" + paragraph * 400_000)
            target.writestr(info.filename, data)
    assert bomb.stat().st_size < 1024 * 1024

    [outcome] = import_paths(service, [bomb])

    assert outcome.status == "rejected"
    assert outcome.reason.startswith("word/document.xml unpacks to 3")
    assert outcome.reason.endswith(" MB of XML, over the 32 MB a part may hold (a decompression bomb?)")

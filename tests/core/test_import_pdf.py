"""Importing PDF reports: clean text, page starts and labels, metadata, and bad files, on real PDFs.

Each PDF is written here with reportlab (and labelled or encrypted with
pypdf), imported through the real import pipeline into a real project file,
and read back through the store or ``briefer show --json``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from briefer.core.importing.importer import import_paths
from briefer.core.model import page_labels
from briefer.core.service import ProjectService
from briefer.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Center for Strategic Futures | Chips and Controls"

# Each page: paragraphs, each a list of printed lines. Page 2's last paragraph
# runs on to page 3; page 1 has a word hyphenated across a line break.
PAGES = [
    [
        ["Export controls were meant to slow China's chip industry.", "They have done so only in part."],
        ["The second paragraph talks about tech-", "nology that China now makes at home."],
    ],
    [
        ["A new paragraph on the second page."],
        ["This sentence starts on the second page and", "continues over two lines without ending"],
    ],
    [
        ["on the third page, where it finally ends."],
        ["The last paragraph of the report."],
    ],
]


def write_pdf(
    path: Path,
    pages: list[list[list[str]]] = PAGES,
    *,
    title: str = "Chips and Controls",
    author: str = "Marcus Ellery",
    header: bool = True,
) -> Path:
    """A report: a running header, a page number at the bottom, 14-point lines, a blank line between paragraphs."""
    out = canvas.Canvas(str(path), pagesize=letter)
    out.setTitle(title)
    out.setAuthor(author)
    for number, paragraphs in enumerate(pages, 1):
        if header:
            out.setFont("Helvetica", 8)
            out.drawString(72, 750, HEADER)
            out.drawString(300, 40, str(number))
        out.setFont("Times-Roman", 11)
        y = 700.0
        for paragraph in paragraphs:
            for line in paragraph:
                out.drawString(72, y, line)
                y -= 14
            y -= 14
        out.showPage()
    out.save()
    return path


def import_one(tmp_path: Path, pdf: Path) -> tuple[Path, str]:
    project = tmp_path / "p.briefer"
    with Store.create(project) as store:
        (outcome,) = import_paths(ProjectService(store), [pdf])
    return project, outcome.line()


def stored(project: Path) -> tuple[str, list[tuple[int, str]], dict[str, str]]:
    with Store.open(project, readonly=True) as store:
        (info,) = store.list_documents()
        doc = store.get_document(info.id)
    meta = {"title": doc.title, "author": doc.author, "date": doc.date, "type": doc.item_type}
    return doc.text, [(p.start, p.label) for p in doc.pages], meta


def test_text_is_what_a_reader_reads(tmp_path: Path) -> None:
    project, line = import_one(tmp_path, write_pdf(tmp_path / "report.pdf"))
    assert line.startswith("imported ")
    text, pages, _meta = stored(project)
    assert text.split("\n") == [
        "Export controls were meant to slow China's chip industry. They have done so only in part.",
        "The second paragraph talks about technology that China now makes at home.",
        "A new paragraph on the second page.",
        "This sentence starts on the second page and continues over two lines without ending"
        " on the third page, where it finally ends.",
        "The last paragraph of the report.",
    ]
    assert HEADER not in text  # the running header, and the page numbers, are gone
    assert [label for _start, label in pages] == ["1", "2", "3"]
    assert text[pages[1][0] :].startswith("A new paragraph on the second page.")
    assert text[pages[2][0] :].startswith("on the third page")


def test_pdf_page_labels_are_kept(tmp_path: Path) -> None:
    """Roman-numbered front matter, then the body from 1: the PDF's own labels."""
    source = write_pdf(tmp_path / "plain.pdf", [*PAGES, [["Annex page."]]])
    writer = PdfWriter(clone_from=str(source))
    writer.set_page_label(0, 1, style="/r")
    writer.set_page_label(2, 3, style="/D", start=1)
    labelled = tmp_path / "labelled.pdf"
    with labelled.open("wb") as fh:
        writer.write(fh)
    project, _line = import_one(tmp_path, labelled)
    _text, pages, _meta = stored(project)
    assert [label for _start, label in pages] == ["i", "ii", "1", "2"]


def test_a_passage_over_a_page_break_knows_both_pages(tmp_path: Path) -> None:
    """End to end on the command line: import, tag across the break, read the labels in show --json."""
    project = tmp_path / "p.briefer"
    pdf = write_pdf(tmp_path / "report.pdf")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def briefer(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "briefer", *args], capture_output=True, text=True, env=env, timeout=120
        )

    assert briefer("new", str(project), "--empty").returncode == 0 or briefer("new", str(project)).returncode == 0
    result = briefer("import", str(project), str(pdf))
    assert result.returncode == 0, result.stderr
    data = json.loads(briefer("show", str(project), "--json").stdout)
    (doc,) = [d for d in data["documents"] if d["source_file"] == "report.pdf"]
    assert [p["label"] for p in doc["pages"]] == ["1", "2", "3"]
    quote = "continues over two lines without ending on the third page"
    tagged = briefer("tag", str(project), "--doc", str(doc["id"]), "--quote", quote, "--tag", "Controls backfire")
    assert tagged.returncode == 0, tagged.stderr
    data = json.loads(briefer("show", str(project), "--json").stdout)
    (passage,) = [p for p in data["passages"] if p["quote"] == quote]
    assert passage["pages"] == ["2", "3"]
    assert doc["title"] == "Chips and Controls" and doc["author"] == "Marcus Ellery"


def test_page_labels_of_a_span() -> None:
    from briefer.core.model import Page

    pages = (Page(0, "i"), Page(10, "1"), Page(20, "2"))
    assert page_labels(pages, 0, 5) == ["i"]
    assert page_labels(pages, 5, 15) == ["i", "1"]
    assert page_labels(pages, 10, 20) == ["1"]  # ends just before page 2 starts
    assert page_labels(pages, 12, 25) == ["1", "2"]
    assert page_labels((), 0, 5) == []


def test_metadata_that_names_a_file_is_not_a_title(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "draft.pdf", title="Microsoft Word - draft3.docx")
    created = PdfReader(str(pdf)).metadata.creation_date
    project, _line = import_one(tmp_path, pdf)
    _text, _pages, meta = stored(project)
    assert meta["title"] != "Microsoft Word - draft3.docx"
    assert meta["title"].startswith("Export controls")  # the first line stands in, as for other formats
    assert meta["author"] == "Marcus Ellery"
    assert meta["date"] == created.date().isoformat()  # reportlab stamps the creation date
    assert meta["type"] == "report"


def _rejection(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    project = tmp_path / f"{name}.briefer"
    with Store.create(project) as store:
        (outcome,) = import_paths(ProjectService(store), [path])
        assert store.counts() == (0, 0)  # nothing half-stored
    assert outcome.status == "rejected", outcome.line()
    return outcome.line()


def test_an_encrypted_pdf_is_rejected(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=str(write_pdf(tmp_path / "open.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert _rejection(tmp_path, "locked.pdf", out.getvalue()) == f"rejected {tmp_path / 'locked.pdf'}: encrypted PDF"


def test_a_pdf_locked_only_for_permissions_opens(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=str(write_pdf(tmp_path / "open.pdf")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "permissions.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    project, line = import_one(tmp_path, path)
    assert line.startswith("imported ")
    assert stored(project)[0].startswith("Export controls were meant")


def test_a_scan_without_text_is_rejected(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    out = canvas.Canvas(str(scan), pagesize=letter)
    for _ in range(3):
        out.rect(72, 72, 400, 600, fill=1)  # a page of picture, no text
        out.showPage()
    out.save()
    line = _rejection(tmp_path, "scan.pdf", scan.read_bytes())
    assert line.endswith(": no text layer; run OCR first")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_pdf_is_rejected(tmp_path: Path, cut: float) -> None:
    data = write_pdf(tmp_path / "whole.pdf").read_bytes()
    line = _rejection(tmp_path, "cut.pdf", data[: int(len(data) * cut)])
    assert ": corrupt or truncated PDF" in line or ": no text layer" in line


def test_bytes_that_are_no_pdf_are_rejected(tmp_path: Path) -> None:
    line = _rejection(tmp_path, "fake.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert ": corrupt or truncated PDF" in line


def test_a_pdf_reads_as_pypdf_reads_it_apart_from_layout(tmp_path: Path) -> None:
    """Verbatim: the words are pypdf's own, in its order, less the running lines and the hyphen."""
    pdf = write_pdf(tmp_path / "report.pdf")
    project, _line = import_one(tmp_path, pdf)
    text, _pages, _meta = stored(project)
    raw = " ".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    words = [w for w in raw.replace(HEADER, " ").split() if not w.isdigit()]
    assert " ".join(words).replace("tech- nology", "technology") == " ".join(text.split())


def test_a_decompression_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """A 250 KB PDF whose page inflates to 256 MB: refused, without holding anything like that in memory."""
    import tracemalloc

    from pypdf.generic import DecodedStreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 72 700 Td (x) Tj ET\n" + b" " * (256 * 1024 * 1024))
    page.replace_contents(content.flate_encode(level=9))
    del content
    out = io.BytesIO()
    writer.write(out)
    assert len(out.getvalue()) < 1024 * 1024
    tracemalloc.start()
    try:
        line = _rejection(tmp_path, "bomb.pdf", out.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert line == f"rejected {tmp_path / 'bomb.pdf'}: a page is too large when decompressed (more than pypdf's limit)"
    assert peak < 160 * 1024 * 1024

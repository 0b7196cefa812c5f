"""Importing every format and encoding, and every kind of bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from briefer.core.importing import import_paths
from briefer.core.project import create_project, open_project
from briefer.core.service import ProjectService

CHINESE_SIMPLIFIED = "美国对中国芯片的出口管制正在产生反效果，国内企业加快了自主研发。"
CHINESE_TRADITIONAL = "美國對中國晶片的出口管制正在產生反效果，國內企業加快了自主研發。"
ENGLISH_1252 = "Café owners’ “résumé” — naïve export controls cost €5 billion."


@pytest.fixture
def empty_service(tmp_path: Path) -> ProjectService:
    svc = open_project(create_project(tmp_path / "e.briefer", empty=True))
    yield svc
    svc.store.close()


def _import_one(service: ProjectService, path: Path):
    [outcome] = import_paths(service, [path])
    return outcome


@pytest.mark.parametrize("encoding,text,language", [
    ("utf-8", CHINESE_SIMPLIFIED, "zh-Hans"),
    ("utf-8-sig", CHINESE_TRADITIONAL, "zh-Hant"),
    ("utf-16", CHINESE_TRADITIONAL, "zh-Hant"),
    ("gb18030", CHINESE_SIMPLIFIED * 3, "zh-Hans"),
    ("gbk", CHINESE_SIMPLIFIED * 3, "zh-Hans"),
    ("big5", CHINESE_TRADITIONAL * 3, "zh-Hant"),
    ("cp1252", ENGLISH_1252 * 3, "en"),
])
def test_encodings_are_detected_without_mojibake(empty_service: ProjectService, tmp_path: Path,
                                                 encoding: str, text: str, language: str) -> None:
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    outcome = _import_one(empty_service, path)
    assert outcome.status == "imported", outcome.reason
    doc = empty_service.store.get_document(outcome.document_id)
    assert doc.text == text
    assert doc.language == language


def test_text_is_normalised(empty_service: ProjectService, tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    # CRLF, a lone CR, a decomposed é, a NUL-free control character and a tab.
    path.write_bytes("line one\r\nline two\rcafe\u0301\x07 end\tx".encode("utf-8"))
    doc = empty_service.store.get_document(_import_one(empty_service, path).document_id)
    assert doc.text == "line one\nline two\ncaf\u00e9 end\tx"


def test_markdown_front_matter_becomes_metadata(empty_service: ProjectService, tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Chips and walls\nauthor: A. Writer\npublisher: Example Times\n"
                    "date: 2024-08-01\nurl: https://example.com/a\n---\nBody **text** here.\n", encoding="utf-8")
    doc = empty_service.store.get_document(_import_one(empty_service, path).document_id)
    assert (doc.title, doc.author, doc.publisher, doc.date, doc.url) == (
        "Chips and walls", "A. Writer", "Example Times", "2024-08-01", "https://example.com/a")
    assert doc.text == "Body **text** here."


def test_html_keeps_the_article_and_drops_the_chrome(empty_service: ProjectService, tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text("""<!doctype html><html><head><title>Chip war &amp; peace</title>
      <meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example News">
      <meta property="article:published_time" content="2024-08-01T10:00:00Z">
      <style>p { color: red }</style><script>var tracking = 1;</script></head>
      <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
      <header class="site-header">Subscribe now</header>
      <article><h1>Chip war</h1><p>Export controls <b>slowed</b> Huawei.</p>
      <p>Then Huawei built its own chips &lt;really&gt;.</p></article>
      <footer>© Example News. All rights reserved.</footer></body></html>""", encoding="utf-8")
    doc = empty_service.store.get_document(_import_one(empty_service, path).document_id)
    assert doc.text == "Chip war\nExport controls slowed Huawei.\nThen Huawei built its own chips <really>."
    assert (doc.title, doc.author, doc.publisher, doc.date) == ("Chip war & peace", "Jane Doe",
                                                                "Example News", "2024-08-01")


def test_docx_paragraphs_and_core_properties(empty_service: ProjectService, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("First paragraph about chips.")
    document.add_paragraph(CHINESE_TRADITIONAL)
    document.core_properties.title = "A Word report"
    document.core_properties.author = "R. Analyst"
    path = tmp_path / "r.docx"
    document.save(path)
    doc = empty_service.store.get_document(_import_one(empty_service, path).document_id)
    assert doc.text == "First paragraph about chips.\n" + CHINESE_TRADITIONAL
    assert (doc.title, doc.author) == ("A Word report", "R. Analyst")


def test_duplicate_content_is_skipped(empty_service: ProjectService, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("same words", encoding="utf-8")
    (tmp_path / "b.txt").write_text("same words\n", encoding="utf-8")
    first, second = import_paths(empty_service, [tmp_path / "a.txt", tmp_path / "b.txt"])
    assert first.status == "imported"
    assert second.status == "skipped" and "same content" in second.reason
    assert len(empty_service.store.list_documents()) == 1


def _encrypted_docx() -> bytes:
    # Password-protected Office files are OLE compound files, not zip packages.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


def _truncated_docx(tmp_path: Path) -> bytes:
    document = docx.Document()
    document.add_paragraph("hello")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()[:400]


def _zip_without_document() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not word")
    return buf.getvalue()


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.md", b"   \n\n", "empty file"),
    ("image.txt", bytes(range(256)) * 4, "binary file"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "unsupported file type"),
    ("locked.docx", _encrypted_docx(), "encrypted"),
    ("broken.docx", None, "corrupt"),
    ("notword.docx", _zip_without_document(), "corrupt"),
])
def test_bad_input_is_rejected_with_a_reason_and_the_batch_goes_on(
        empty_service: ProjectService, tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(_truncated_docx(tmp_path) if content is None else content)
    good = tmp_path / "good.txt"
    good.write_text("A good document about chips.", encoding="utf-8")
    outcomes = import_paths(empty_service, [bad, good])
    assert outcomes[0].status == "rejected"
    assert reason in outcomes[0].reason
    assert outcomes[0].line().startswith(f"rejected {bad}: ")
    assert outcomes[1].status == "imported"
    assert [d.title for d in empty_service.store.list_documents()] == ["A good document about chips."]


def test_missing_and_unreadable_paths_are_rejected(empty_service: ProjectService, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    outcome = _import_one(empty_service, missing)
    assert outcome.status == "rejected" and "no such file" in outcome.reason


def test_folders_are_walked_recursively(empty_service: ProjectService, tmp_path: Path) -> None:
    (tmp_path / "src" / "deep").mkdir(parents=True)
    (tmp_path / "src" / "a.txt").write_text("alpha text", encoding="utf-8")
    (tmp_path / "src" / "deep" / "b.md").write_text("beta text", encoding="utf-8")
    (tmp_path / "src" / "deep" / "c.json").write_text("{}", encoding="utf-8")
    outcomes = import_paths(empty_service, [tmp_path / "src"])
    assert [(o.path.name, o.status) for o in outcomes] == [("a.txt", "imported"), ("b.md", "imported"),
                                                           ("c.json", "skipped")]

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


@pytest.mark.parametrize(
    "encoding,text,language",
    [
        ("utf-8", CHINESE_SIMPLIFIED, "zh-Hans"),
        ("utf-8-sig", CHINESE_TRADITIONAL, "zh-Hant"),
        ("utf-16", CHINESE_TRADITIONAL, "zh-Hant"),
        ("gb18030", CHINESE_SIMPLIFIED * 3, "zh-Hans"),
        ("gbk", CHINESE_SIMPLIFIED * 3, "zh-Hans"),
        ("big5", CHINESE_TRADITIONAL * 3, "zh-Hant"),
        ("cp1252", ENGLISH_1252 * 3, "en"),
    ],
)
def test_encodings_are_detected_without_mojibake(
    empty_service: ProjectService, tmp_path: Path, encoding: str, text: str, language: str
) -> None:
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
    path.write_text(
        "---\ntitle: Chips and walls\nauthor: A. Writer\npublisher: Example Times\n"
        "date: 2024-08-01\nurl: https://example.com/a\n---\nBody **text** here.\n",
        encoding="utf-8",
    )
    doc = empty_service.store.get_document(_import_one(empty_service, path).document_id)
    assert (doc.title, doc.author, doc.publisher, doc.date, doc.url) == (
        "Chips and walls",
        "A. Writer",
        "Example Times",
        "2024-08-01",
        "https://example.com/a",
    )
    assert doc.text == "Body **text** here."


def test_html_keeps_the_article_and_drops_the_chrome(empty_service: ProjectService, tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(
        """<!doctype html><html><head><title>Chip war &amp; peace</title>
      <meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example News">
      <meta property="article:published_time" content="2024-08-01T10:00:00Z">
      <style>p { color: red }</style><script>var tracking = 1;</script></head>
      <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
      <header class="site-header">Subscribe now</header>
      <article><h1>Chip war</h1><p>Export controls <b>slowed</b> Huawei.</p>
      <p>Then Huawei built its own chips &lt;really&gt;.</p></article>
      <footer>© Example News. All rights reserved.</footer></body></html>""",
        encoding="utf-8",
    )
    doc = empty_service.store.get_document(_import_one(empty_service, path).document_id)
    assert doc.text == "Chip war\nExport controls slowed Huawei.\nThen Huawei built its own chips <really>."
    # og:site_name names the website: the container, kept apart from the publisher (issue 12).
    assert (doc.title, doc.author, doc.publisher, doc.container, doc.date) == (
        "Chip war & peace",
        "Jane Doe",
        "",
        "Example News",
        "2024-08-01",
    )


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


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"   \n\n", "empty file"),
        ("image.txt", bytes(range(256)) * 4, "binary file"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "unsupported file type"),
        ("locked.docx", _encrypted_docx(), "encrypted"),
        ("broken.docx", None, "corrupt"),
        ("notword.docx", _zip_without_document(), "corrupt"),
    ],
)
def test_bad_input_is_rejected_with_a_reason_and_the_batch_goes_on(
    empty_service: ProjectService, tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
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
    assert [(o.path.name, o.status) for o in outcomes] == [
        ("a.txt", "imported"),
        ("b.md", "imported"),
        ("c.json", "skipped"),
    ]


# ------------------------------------------------ fast paths keep the behaviour
@pytest.mark.parametrize(
    "encoding,text",
    [
        ("cp1252", ENGLISH_1252 * 3),
        ("gbk", CHINESE_SIMPLIFIED * 3),
        ("big5", CHINESE_TRADITIONAL * 3),
    ],
)
def test_legacy_bytes_that_are_not_utf8_are_still_detected(
    empty_service: ProjectService, tmp_path: Path, encoding: str, text: str
) -> None:
    data = text.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # so the strict UTF-8 fast path must fall through to detection
    path = tmp_path / "legacy.txt"
    path.write_bytes(data)
    outcome = _import_one(empty_service, path)
    assert outcome.status == "imported", outcome.reason
    assert empty_service.store.get_document(outcome.document_id).text == text


def test_a_non_nfc_utf8_file_is_normalised_and_hashed_as_normalised(
    empty_service: ProjectService, tmp_path: Path
) -> None:
    (tmp_path / "decomposed.txt").write_bytes("Cafe\u0301 owners\n".encode("utf-8"))
    (tmp_path / "composed.txt").write_bytes("Caf\u00e9 owners".encode("utf-8"))
    first, second = import_paths(empty_service, [tmp_path / "decomposed.txt", tmp_path / "composed.txt"])
    assert empty_service.store.get_document(first.document_id).text == "Caf\u00e9 owners"
    # The same text once normalised: the duplicate check must see the normalised text.
    assert second.status == "skipped" and "same content" in second.reason


def test_the_same_text_in_any_encoding_is_a_duplicate(empty_service: ProjectService, tmp_path: Path) -> None:
    # The hash is of the normalised text, never of a file's own bytes.
    paths = []
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"):
        paths.append(tmp_path / f"{encoding}.txt")
        paths[-1].write_bytes((CHINESE_SIMPLIFIED * 3).encode(encoding))
    outcomes = import_paths(empty_service, paths)
    assert [o.status for o in outcomes] == ["imported"] + ["skipped"] * 4, [o.line() for o in outcomes]


@pytest.mark.parametrize(
    "raw,expected",
    [
        # C0 (BEL, ESC, form feed) and DEL go; tab and newline stay.
        ("a\x07b\x1bc\x0cd\x7fe\tf\ng", "abcde\tf\ng"),
        # C1 alone (NEL, U+009F) goes too; U+00A0, whose UTF-8 also starts with \xc2, stays.
        ("a\u0085b\u009fc\u00a0d", "abc\u00a0d"),
    ],
)
def test_controls_are_removed_from_clean_looking_utf8(
    empty_service: ProjectService, tmp_path: Path, raw: str, expected: str
) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = empty_service.store.get_document(_import_one(empty_service, path).document_id)
    assert doc.text == expected


def test_normalise_utf8_returns_the_encoding_of_what_normalise_returns() -> None:
    from briefer.core.textnorm import normalise, normalise_utf8

    for raw in [
        "plain",
        "cafe\u0301\r\nx",
        "\ufeffbom\u2028line",
        "ctl\x07",
        "c1\u0085",
        "lone \ud800 surrogate",
        "\u00a0\u00e9\u4e2d",
        "",
    ]:
        text, encoded = normalise_utf8(raw)
        assert text == normalise(raw)
        assert encoded == text.encode("utf-8")
        if "\ud800" not in raw:  # a caller's own UTF-8 bytes give the same answer
            assert normalise_utf8(raw, raw.encode("utf-8")) == (text, encoded)


def _reference_language(text: str) -> str:
    """detect_language written the slow, obvious way, one character at a time."""
    import re

    from briefer.core.language import _SIMPLIFIED, _TRADITIONAL

    sample = text[:4000]
    han = len(re.findall("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]", sample))
    latin = len(re.findall("[A-Za-z]", sample))
    if han == 0 and latin == 0:
        return "und"
    if han * 5 >= latin:
        simplified = sum(ch in _SIMPLIFIED for ch in sample)
        traditional = sum(ch in _TRADITIONAL for ch in sample)
        if simplified > traditional * 2:
            return "zh-Hans"
        if traditional > simplified * 2:
            return "zh-Hant"
        return "zh"
    return "en"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "123 456",
        "plain English words",
        ENGLISH_1252,
        CHINESE_SIMPLIFIED,
        CHINESE_TRADITIONAL,
        "中文" + "x" * 10,
        "中文" + "x" * 11,
        "\u3400" + "abcde",
        "\u3400" + "abcdef",  # the han * 5 >= latin edge
        "一二三",
        "\u3400",  # Han, but none with a lead byte that only Han has
        "\u4dc0\u4dc1 hexagrams are not Han",
        "\u4dc0" * 3,  # share Han's UTF-8 lead byte
        "カタカナ。「」、한국어",
        "\uf900\ufa6e compat",
        "\U00020000\U0002fa1d ext",
        "\U0002fa20" * 4 + "ab",
        "国國" * 3 + "abc" * 20,
        "这是" + "x" * 4000 + "中文",
        "\ud800 lone" + "国" * 5,
    ],
)
def test_language_detection_matches_counting_one_character_at_a_time(text: str) -> None:
    from briefer.core.language import detect_language

    assert detect_language(text) == _reference_language(text)


# ------------------------------------------------------ batches and failures
def _committed_titles(service: ProjectService) -> list[str]:
    """Titles as another connection sees them: only what is committed."""
    from briefer.core.store import Store

    with Store.open(service.store.path, readonly=True) as reader:
        return sorted(d.title for d in reader.list_documents())


def _write_docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"d{i:02d}.txt"
        path.write_text(f"Document number {i}\nabout chips.", encoding="utf-8")
        paths.append(path)
    return paths


def test_many_small_batches_give_the_same_results(
    empty_service: ProjectService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefer.core.importing.importer as importer

    monkeypatch.setattr(importer, "BATCH_BYTES", 1)  # a commit after every stored file
    _write_docs(tmp_path / "src", 4)
    (tmp_path / "src" / "d01.txt").write_bytes(bytes(range(256)) * 4)  # rejected
    (tmp_path / "src" / "d05.txt").write_text("Document number 0\nabout chips.\n", encoding="utf-8")  # duplicate
    outcomes = import_paths(empty_service, [tmp_path / "src"])
    assert [o.status for o in outcomes] == ["imported", "rejected", "imported", "imported", "skipped"]
    assert "document 1 " in outcomes[4].reason
    assert [o.document_id for o in outcomes] == [1, None, 2, 3, None]
    assert _committed_titles(empty_service) == ["Document number 0", "Document number 2", "Document number 3"]


def test_an_unexpected_error_keeps_the_files_before_it(
    empty_service: ProjectService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefer.core.importing.importer as importer

    paths = _write_docs(tmp_path / "src", 4)
    real_read_file = importer.read_file

    def failing_read_file(suffix: str, data: bytes) -> object:
        if b"number 2" in data:
            raise RuntimeError("a bug in a reader")
        return real_read_file(suffix, data)

    monkeypatch.setattr(importer, "read_file", failing_read_file)
    with pytest.raises(RuntimeError, match="a bug in a reader"):
        import_paths(empty_service, paths)
    # As with a transaction per file: the files before the error are stored and committed.
    assert _committed_titles(empty_service) == ["Document number 0", "Document number 1"]
    # And the store is usable afterwards: no transaction was left open.
    later = import_paths(empty_service, [paths[3]])
    assert later[0].status == "imported"
    assert _committed_titles(empty_service) == ["Document number 0", "Document number 1", "Document number 3"]


def test_cancelling_keeps_what_was_imported(empty_service: ProjectService, tmp_path: Path) -> None:
    paths = _write_docs(tmp_path / "src", 5)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, current: Path) -> bool:
        seen.append((done, total))
        return done < 3

    outcomes = import_paths(empty_service, paths, progress=progress)
    assert [o.status for o in outcomes] == ["imported"] * 3
    assert seen == [(0, 5), (1, 5), (2, 5), (3, 5), (5, 5)]
    assert _committed_titles(empty_service) == ["Document number 0", "Document number 1", "Document number 2"]

"""Exporting to Word, read back with python-docx and from the package parts."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.docx_build import build_docx

from export_helpers import CHINESE_QUOTE, MULTILINE_QUOTE, TRICKY_QUOTES, URL, docx_all_text, docx_part, docx_parts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def memo_docx(store: Store, tmp_path: Path) -> Path:
    out = tmp_path / "memo.docx"
    export_project(store, out)
    return out


@pytest.mark.parametrize("template", ["memo", "debate-brief", "evidence-annex"])
def test_every_quote_is_present_verbatim(store: Store, tmp_path: Path, template: str) -> None:
    out = tmp_path / f"{template}.docx"
    export_project(store, out, template_name=template)
    text = docx_all_text(out)
    for quote in TRICKY_QUOTES + [CHINESE_QUOTE]:
        assert quote in text, (quote, template)
    if template != "debate-brief":
        assert MULTILINE_QUOTE in text  # the line break is a real Word line break
    assert "49" not in text


def test_named_styles(memo_docx: Path) -> None:
    document = docx.Document(str(memo_docx))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[0] == ("Title", "Export *test* <briefing>")
    names = {name for name, _ in styles}
    assert {"Title", "Heading 1", "Heading 2", "Quote", "List Bullet", "List Number"} <= names
    quotes = [text for name, text in styles if name == "Quote"]
    assert any(TRICKY_QUOTES[0] in q for q in quotes)
    assert ("Heading 2", "Sub-point") in styles
    # Formatting comes from styles; bold only where the Markdown asked for it.
    bottom = next(p for p in document.paragraphs if p.text == "Controls mostly backfire.")
    assert [r.text for r in bottom.runs if r.bold] == ["mostly"]
    assert document.core_properties.title == "Export *test* <briefing>"
    assert document.core_properties.author == "A. Analyst"


def test_real_footnotes(memo_docx: Path) -> None:
    assert "word/footnotes.xml" in docx_parts(memo_docx)
    assert "footnotes+xml" in docx_part(memo_docx, "[Content_Types].xml")
    assert "relationships/footnotes" in docx_part(memo_docx, "word/_rels/document.xml.rels")
    notes = docx_part(memo_docx, "word/footnotes.xml")
    body = docx_part(memo_docx, "word/document.xml")
    refs = [int(i) for i in re.findall(r'<w:footnoteReference w:id="(-?\d+)"', body)]
    ids = [int(i) for i in re.findall(r'<w:footnote [^>]*w:id="(-?\d+)"', notes)]
    assert -1 in ids and 0 in ids  # separators
    assert refs == list(range(1, len(TRICKY_QUOTES) + 3))  # every placed passage, in order
    assert sorted(i for i in ids if i > 0) == refs
    assert notes.count("<w:footnoteRef/>") == len(refs)
    assert 'w:val="FootnoteText"' in notes and 'w:val="FootnoteReference"' in body
    assert "Example Press, Jane Doe, 2024-05-01" in re.sub(r"<[^>]+>", "", notes)


def test_hyperlinks_work(memo_docx: Path) -> None:
    body = docx_part(memo_docx, "word/document.xml")
    assert re.search(r'<w:hyperlink [^>]*r:id="rId\d+"', body)
    assert 'Target="https://example.com"' in docx_part(memo_docx, "word/_rels/document.xml.rels")
    notes_rels = docx_part(memo_docx, "word/_rels/footnotes.xml.rels")
    assert f'Target="{URL.replace("&", "&amp;")}"' in notes_rels
    assert 'TargetMode="External"' in notes_rels
    assert 'w:val="Hyperlink"' in docx_part(memo_docx, "word/footnotes.xml")


def test_east_asian_font(memo_docx: Path) -> None:
    styles = docx_part(memo_docx, "word/styles.xml")
    assert "eastAsiaTheme" not in styles
    assert re.search(
        r'<w:docDefaults>.*w:eastAsia="Noto Serif CJK SC".*w:eastAsia="zh-CN".*</w:docDefaults>', styles, re.S
    )
    fonts_table = docx_part(memo_docx, "word/fontTable.xml")
    assert re.search(r'w:name="Noto Serif CJK SC"><w:altName w:val="SimSun"/><w:charset w:val="86"/>', fonts_table)
    document = docx.Document(str(memo_docx))
    zh_runs = [r for p in document.paragraphs for r in p.runs if CHINESE_QUOTE[:6] in r.text]
    assert zh_runs
    for run in zh_runs:
        fonts = run._r.rPr.find(f"{W}rFonts")
        assert fonts.get(f"{W}hint") == "eastAsia"
        assert fonts.get(f"{W}eastAsia") is None  # the style decides, so restyling works
    quote_style = document.styles["Quote"].element
    assert (
        quote_style.find(f"{W}rPr/{W}rFonts") is None
        or quote_style.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsiaTheme") is None
    )


def test_evidence_annex_tables(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "annex.docx"
    export_project(store, out, template_name="evidence-annex")
    document = docx.Document(str(out))
    assert len(document.tables) == 3  # one per used tag
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header == ["Passage", "Note", "Source", "Location"]
    widths = [c.width for c in document.tables[0].columns]
    assert widths[0] > widths[3]  # the quotes get the room
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(TRICKY_QUOTES[9] in c for c in cells)  # the pipe did not split the cell


def test_control_characters_never_reach_python_docx(tmp_path: Path) -> None:
    data = build_docx("# T\x00itle\x07\n\nText \x0b with \x1f controls\ud800 and \ufffe.\n")
    out = tmp_path / "c.docx"
    out.write_bytes(data)
    assert docx_all_text(out).split("\n")[:2] == ["Title", "Text  with  controls and ."]


def test_reference_docx_is_used(tmp_path: Path) -> None:
    reference = tmp_path / "reference.docx"
    base = docx.Document()
    base.add_paragraph("sample text that must not leak into the briefing")
    base.styles["Normal"].font.name = "Marker Felt"
    base.save(str(reference))
    out = tmp_path / "r.docx"
    out.write_bytes(build_docx("# Title\n\nBody[^1]\n\n[^1]: Note.\n", reference=reference))
    document = docx.Document(str(out))
    assert "sample text" not in docx_all_text(out)
    assert document.styles["Normal"].font.name == "Marker Felt"
    assert "w:footnoteReference" in docx_part(out, "word/document.xml")


def test_tables_sit_between_their_headings(store: Store, tmp_path: Path) -> None:
    """Paragraphs are written in batches; each table still comes right after its heading, header row bold."""
    out = tmp_path / "annex.docx"
    export_project(store, out, template_name="evidence-annex")
    document = docx.Document(str(out))
    body = document.element.body
    order = [
        ("table" if child.tag == f"{W}tbl" else "".join(t.text or "" for t in child.iter(f"{W}t")))
        for child in body
        if child.tag in (f"{W}p", f"{W}tbl")
    ]
    for tag in ("Controls backfire", "Controls work", "Semiconductors"):
        assert order[order.index(tag) + 1] == "table", tag
    assert body[-1].tag == f"{W}sectPr"  # the section properties stay last
    header = document.tables[0].rows[0].cells[0].paragraphs[0]
    assert header.runs and all(run.bold for run in header.runs)


def test_one_relationship_per_link_target(tmp_path: Path) -> None:
    text = (
        "[a](https://example.org/x) [b](https://example.org/x) [c](https://example.org/y)[^1]\n\n"
        "[^1]: [d](https://example.org/x) and [e](https://example.org/x)\n"
    )
    out = tmp_path / "links.docx"
    out.write_bytes(build_docx(text))
    body = docx_part(out, "word/document.xml")
    rels = docx_part(out, "word/_rels/document.xml.rels")
    ids = re.findall(r'<w:hyperlink r:id="(rId\d+)"', body)
    assert len(ids) == 3 and ids[0] == ids[1] != ids[2]
    assert rels.count('Target="https://example.org/x"') == 1
    notes_rels = docx_part(out, "word/_rels/footnotes.xml.rels")
    assert notes_rels.count('Target="https://example.org/x"') == 1
    assert len(set(re.findall(r'<w:hyperlink r:id="(rId\d+)"', docx_part(out, "word/footnotes.xml")))) == 1


def test_a_footnote_that_refers_to_itself_is_written_once(tmp_path: Path) -> None:
    # Written inside itself, it recursed until Python gave up (RecursionError).
    text = "Claim.[^a] Other.[^b]\n\n[^a]: See also [^a].\n[^b]: Compare [^c].\n[^c]: Which cites [^b] back.\n"
    out = tmp_path / "self.docx"
    out.write_bytes(build_docx(text))
    notes = docx_part(out, "word/footnotes.xml")
    body = docx_part(out, "word/document.xml")
    assert len(re.findall(r"<w:footnoteReference ", body)) == 2
    texts = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", notes))
    assert "See also 1." in texts  # the self-reference stays its number
    assert "Compare" in texts and "Which cites 2 back." in texts


def _document(text: str) -> docx.document.Document:
    import io

    return docx.Document(io.BytesIO(build_docx(text)))


def test_formatting_reaches_word_runs() -> None:
    """Emphasis, raw <strong>, header cells: bold and italic where the Markdown asks, nowhere else."""
    document = _document(
        "Plain *em* **strong** <strong>raw bold</strong> after\n\n| Head | Other |\n|---|---|\n| cell | x |\n"
    )
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in document.paragraphs[0].runs]
    assert runs == [
        ("Plain ", False, False),
        ("em", False, True),
        (" ", False, False),
        ("strong", True, False),
        (" ", False, False),
        ("raw bold", True, False),
        (" after", False, False),
    ]
    table = document.tables[0]
    assert [all(r.bold for r in c.paragraphs[0].runs) for c in table.rows[0].cells] == [True, True]
    assert [any(r.bold for r in c.paragraphs[0].runs) for c in table.rows[1].cells] == [False, False]


def test_text_around_an_entity_is_one_run() -> None:
    """'a=1&amp;b=2' reads as one piece of text, so it is one run that Word edits as one."""
    (paragraph,) = _document("See a=1&amp;b=2 &#169; here.").paragraphs
    assert [r.text for r in paragraph.runs] == ["See a=1&b=2 © here."]


def test_escaped_characters_are_restored_in_text_and_links() -> None:
    document = _document("\\*not emphasis\\* and [a \\[b\\]](https://example.org/x\\_y)")
    assert document.paragraphs[0].text == "*not emphasis* and a [b]"
    rels = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert rels == ["https://example.org/x_y"]

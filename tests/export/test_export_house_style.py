"""House styles and debate cards: each template's Word file read back with python-docx, the cards' Markdown
through markdown-it-py."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Inches, Mm
from markdown_it import MarkdownIt

from briefer import resources
from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.card_markup import author_year, shorten
from briefer.export.docx_build import build_docx
from briefer.export.errors import ExportError, TemplateError

from export_helpers import docx_part

TEMPLATES = ["memo", "debate-brief", "evidence-annex"]
MARKING = "UNCLASSIFIED // TEST"
BEFORE = "Analysts disagree about the effect. "
QUOTE = "Huawei has countered by advancing its own research, culminating in the Ascend AI training chips"
AFTER = ", which large Chinese firms now buy instead of Nvidia's."
LONG_QUOTE = (
    "Despite the restrictions on advanced chip exports the industry keeps building an independent and "
    "controllable supply chain system"
)
ZH_BEFORE = "這一結果引發了激烈辯論。"
ZH_QUOTE = "這些政策適得其反,反而加速了發展。"
ZH_AFTER = "第二句。"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def card_project(tmp_path: Path) -> Path:
    """Two stance sections with cards: one with a note, one without (a long quote), one in Chinese."""
    path = tmp_path / "cards.briefer"
    with Store.create(path) as store:
        service = ProjectService(store)
        store.set_meta(title="Cards", author="A. Analyst", date="2026-11-30", marking=MARKING, bottom_line="")
        backfire = store.add_tag(name="Controls backfire", color="#e8743b", is_stance=True)
        work = store.add_tag(name="Controls work", color="#2a7ab9", is_stance=True)
        text = f"Title line.\n{BEFORE}{QUOTE}{AFTER}\nAnother paragraph: {LONG_QUOTE}.\n"
        en = store.add_document(
            text=text,
            sha256=_sha(text),
            title="Huawei adapts",
            publisher="Harbor Policy Institute",
            author="Priya Raman",
            date="2025-03-14",
            url="https://example.org/huawei",
            language="en",
        )
        zh_text = f"{ZH_BEFORE}{ZH_QUOTE}{ZH_AFTER}\n"
        zh = store.add_document(text=zh_text, sha256=_sha(zh_text), title="科技競賽", language="zh-Hant")
        s_back = service.add_section(title="Controls backfire", stance=backfire)
        s_work = service.add_section(title="Controls work", stance=work)
        first = service.tag_quote(
            document=en, quote=QUOTE, tags=["Controls backfire"], note="Huawei builds its own chips\nMore detail."
        )
        second = service.tag_quote(document=en, quote=LONG_QUOTE, tags=["Controls work"])
        third = service.tag_quote(document=zh, quote=ZH_QUOTE, tags=["Controls backfire"], note="中文 claim")
        service.place(passage=first, section=s_back)
        service.place(passage=third, section=s_back)
        service.place(passage=second, section=s_work)
    return path


def _export(project: Path, out: Path, template: str) -> Document:
    with Store.open(project, readonly=True) as store:
        export_project(store, out, template_name=template)
    return docx.Document(str(out))


# ----------------------------------------------------------------- page furniture
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_page_has_the_marking_and_page_n_of_m(card_project: Path, tmp_path: Path, template: str) -> None:
    out = tmp_path / f"{template}.docx"
    document = _export(card_project, out, template)
    section = document.sections[0]
    assert not section.different_first_page_header_footer  # the first page has the same header and footer
    assert not section.header.is_linked_to_previous and not section.footer.is_linked_to_previous
    assert [p.text for p in section.header.paragraphs] == [MARKING]
    footer = section.footer._element
    assert MARKING in [p.text for p in section.footer.paragraphs]
    instructions = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    footer_text = "".join(t.text or "" for t in footer.iter(qn("w:t")))
    assert "Page 1 of 1" in footer_text  # the fields' placeholder results, between "Page" and "of"
    # Letter paper, one-inch margins.
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    assert section.left_margin == section.right_margin == section.top_margin == section.bottom_margin == Inches(1)


def test_a_template_without_reference_docx_gets_the_house_header_and_footer(tmp_path: Path) -> None:
    data = build_docx("# Title\n\nText.\n", marking="SECRET // TEST")
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.sections[0].header.paragraphs] == ["SECRET // TEST"]
    assert document.paragraphs[1].style.name == "Body Text"


def test_a4_when_the_manifest_says_so(card_project: Path, tmp_path: Path) -> None:
    folder = card_project.parent / "templates" / "memo"
    shutil.copytree(resources.templates_dir() / "memo", folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (folder / "manifest.json").write_text(json.dumps({**manifest, "page": "a4"}), encoding="utf-8")
    document = _export(card_project, tmp_path / "a4.docx", "memo")
    section = document.sections[0]
    assert section.page_width == pytest.approx(Mm(210), abs=Mm(0.1))
    assert section.page_height == pytest.approx(Mm(297), abs=Mm(0.1))
    assert section.left_margin == Inches(1)
    (folder / "manifest.json").write_text(json.dumps({**manifest, "page": "legal"}), encoding="utf-8")
    with pytest.raises(TemplateError, match='"page" must be "letter" or "a4"'):
        _export(card_project, tmp_path / "legal.docx", "memo")


def test_placeholders_split_across_runs_by_word_are_filled(tmp_path: Path) -> None:
    """Word often splits "{marking}" into several runs after an edit; it is filled all the same."""
    reference = tmp_path / "reference.docx"
    shutil.copy(resources.templates_dir() / "memo" / "reference.docx", reference)
    base = docx.Document(str(reference))
    header = base.sections[0].header
    header.paragraphs[0].text = ""
    for piece in ("Draft — {mar", "king} — ", "{title}"):
        header.paragraphs[0].add_run(piece)
    base.save(str(reference))
    data = build_docx("# T\n\nText.\n", reference=reference, marking="CONFIDENTIAL", title="My brief")
    document = docx.Document(io.BytesIO(data))
    assert document.sections[0].header.paragraphs[0].text == "Draft — CONFIDENTIAL — My brief"


# ----------------------------------------------------------------- styles by name
def test_memo_uses_the_house_styles_by_name(card_project: Path, tmp_path: Path) -> None:
    document = _export(card_project, tmp_path / "memo.docx", "memo")
    used = {p.style.name for p in document.paragraphs}
    assert {"Title", "Marking", "Subtitle", "Heading 1", "Body Text", "Quote"} <= used
    marking = next(p for p in document.paragraphs if p.style.name == "Marking")
    assert marking.text == MARKING
    for level in (1, 2, 3):  # a heading never ends a page
        assert document.styles[f"Heading {level}"].paragraph_format.keep_with_next
    quote = document.styles["Quote"].element
    assert quote.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:left')}") is not None  # the rule on the left
    assert document.styles["Quote"].paragraph_format.left_indent > 0
    # Chinese sets in a CJK face: the East Asian font of the document defaults.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert "CJK" in fonts.get(qn("w:eastAsia"))
    assert 'w:val="FootnoteText"' in docx_part(tmp_path / "memo.docx", "word/footnotes.xml")


def test_a_passage_note_keeps_with_its_quote(card_project: Path, tmp_path: Path) -> None:
    """A note never ends a page with its quote on the next: its paragraph keeps with the next."""
    document = _export(card_project, tmp_path / "memo.docx", "memo")
    paragraphs = document.paragraphs
    (at,) = [i for i, p in enumerate(paragraphs) if p.text.startswith("Huawei builds its own chips")]
    note = paragraphs[at]
    assert note.style.name == "Passage Note"
    assert note.style.paragraph_format.keep_with_next
    assert paragraphs[at + 1].style.name == "Quote" and QUOTE in paragraphs[at + 1].text


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_reference_docx_defines_every_house_style(template: str) -> None:
    document = docx.Document(str(resources.templates_dir() / template / "reference.docx"))
    names = {s.name for s in document.styles}
    needed = {"Title", "Subtitle", "Marking", "Heading 1", "Heading 2", "Heading 3", "Body Text", "Quote", "Table"}
    assert needed | {"Card Tag", "Card Cite", "Card Body", "Read Text", "Shrunk Text"} <= names
    assert "footnote text" in {n.lower() for n in names}
    assert not document.paragraphs  # styles only, no sample text


def test_annex_tables_repeat_their_header_with_fixed_widths_and_notes(card_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "annex.docx"
    document = _export(card_project, out, "evidence-annex")
    table = document.tables[0]
    assert table.style.name == "Table"
    assert [c.text for c in table.rows[0].cells] == ["Passage", "Note", "Source", "Location"]
    first_row = table.rows[0]._tr
    assert first_row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert table.rows[1]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    assert table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
    widths = [column.width for column in table.columns]
    assert sum(widths) == pytest.approx(Inches(6.5), rel=0.01)  # the text width of Letter with 1" margins
    assert [round(w / sum(widths) * 100) for w in widths] == [42, 26, 22, 10]
    assert widths[3] >= Inches(0.62)  # "Location" in bold fits on one line
    rows = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
    assert rows[QUOTE].startswith("Huawei builds its own chips")  # the passage's note


def test_column_widths_never_break_a_word_when_the_template_gives_none(tmp_path: Path) -> None:
    table = "| Passage | Location |\n|---|---|\n| " + "a long quote " * 20 + " | para. 1 |\n"
    document = docx.Document(io.BytesIO(build_docx(table)))
    widths = [column.width for column in document.tables[0].columns]
    assert widths[1] >= Inches(0.9)  # 8 letters in bold plus the cell margins


# ----------------------------------------------------------------- debate cards
def _cards(document: Document) -> list[tuple[str, list[tuple[str, str]]]]:
    """(style, [(run style, text)]) per paragraph."""
    return [(p.style.name, [(r.style.name, r.text) for r in p.runs]) for p in document.paragraphs]


def test_debate_cards_are_verbatim_cards(card_project: Path, tmp_path: Path) -> None:
    document = _export(card_project, tmp_path / "cards.docx", "debate-brief")
    paragraphs = document.paragraphs
    styles = [p.style.name for p in paragraphs]
    tags = [p for p in paragraphs if p.style.name == "Card Tag"]
    assert [t.text for t in tags] == ["Huawei builds its own chips", "中文 claim", shorten(LONG_QUOTE, 90)]
    # Each tag is followed by its cite and its body; cards sit under their stance section.
    for i, name in enumerate(styles):
        if name == "Card Tag":
            assert styles[i + 1 : i + 3] == ["Card Cite", "Card Body"]
    headings = [(i, p.text) for i, p in enumerate(paragraphs) if p.style.name == "Heading 1"]
    assert [text for _, text in headings] == ["Controls backfire", "Controls work"]
    assert headings[0][0] < styles.index("Card Tag") < headings[1][0]
    cite = next(p for p in paragraphs if p.style.name == "Card Cite")
    assert cite.runs[0].bold and cite.runs[0].text == "Raman 2025"
    assert "Harbor Policy Institute" in cite.text and "https://example.org/huawei" in cite.text
    # The body: the passage in Read Text, verbatim; the rest of its paragraph in Shrunk Text.
    bodies = [p for p in paragraphs if p.style.name == "Card Body"]
    for body, (before, quote, after) in zip(
        bodies[:2], [(BEFORE, QUOTE, AFTER), (ZH_BEFORE, ZH_QUOTE, ZH_AFTER)], strict=True
    ):
        read = "".join(r.text for r in body.runs if r.style.name == "Read Text")
        shrunk = "".join(r.text for r in body.runs if r.style.name == "Shrunk Text")
        assert read == quote
        assert shrunk == before + after
        assert body.text == before + quote + after
        assert all(r.bold is None for r in body.runs)  # the look comes from the styles
    # The styles themselves: keep-with-next on tag and cite, Read Text bold, underlined, highlighted.
    assert document.styles["Card Tag"].paragraph_format.keep_with_next
    assert document.styles["Card Cite"].paragraph_format.keep_with_next
    assert document.styles["Card Body"].paragraph_format.keep_together
    read_style = document.styles["Read Text"]
    assert read_style.font.bold and read_style.font.underline
    assert read_style.font.highlight_color is not None
    assert document.styles["Shrunk Text"].font.size < read_style.font.size


def test_debate_cards_in_markdown_are_bold_and_plain(card_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "cards.md"
    with Store.open(card_project, readonly=True) as store:
        export_project(store, out, template_name="debate-brief")
    tokens = MarkdownIt("commonmark").parse(out.read_text(encoding="utf-8"))
    html = MarkdownIt("commonmark").render(out.read_text(encoding="utf-8"))
    assert f"<p>{BEFORE}<strong>{QUOTE}</strong>{AFTER}</p>".replace("'", "&#x27;") in html.replace("'", "&#x27;")
    assert f"<strong>{ZH_QUOTE}</strong>" in html
    assert "<h3>Huawei builds its own chips</h3>" in html
    assert "<strong>Raman 2025</strong>" in html
    # The Word style markers are HTML comments: blocks a reader never sees.
    comments = [t.content.strip() for t in tokens if t.type == "html_block"]
    assert '<!-- docx style="Card Body" -->' in comments
    assert all(c.startswith("<!--") and c.endswith("-->") for c in comments)


def test_a_style_the_reference_lacks_is_a_clear_error() -> None:
    with pytest.raises(ExportError, match="Word style 'Pull Quote'"):
        build_docx('<!-- docx style="Pull Quote" -->\nText.\n')


def test_a_template_cannot_inject_a_style_name_into_the_comment(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "bad"
    folder.mkdir(parents=True)
    (folder / "template.md.j2").write_text('{{ docx(style="x --> <script>") }}\n', encoding="utf-8")
    from briefer.export.render import render_template

    with pytest.raises(TemplateError, match="Word style name"):
        render_template(folder, "template.md.j2", {})


def test_reference_docx_files_are_the_generator_output() -> None:
    """The committed files hold the house styles the script writes (regenerate after changing house_style.py)."""
    from briefer.export.house_style import LOOKS, build_reference

    for name, look in LOOKS.items():
        committed = zipfile.ZipFile(resources.templates_dir() / name / "reference.docx").read("word/styles.xml")
        out = io.BytesIO()
        build_reference(look).save(out)
        assert zipfile.ZipFile(out).read("word/styles.xml") == committed, name


# ----------------------------------------------------------------- the helpers
@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("short enough", 90, "short enough"),
        ("The controls backfire badly on the industry", 20, "The controls…"),
        ("one, two, three four", 11, "one, two…"),
        ("Supercalifragilistic expialidocious", 10, "Supercalifragilistic…"),  # a word is never cut
        ("美國幾乎已嘗試了所有方法,想在與中國的科技競賽中勝出", 16, "美國幾乎已嘗試了所有方法…"),
    ],
)
def test_shorten_cuts_at_a_word_boundary(text: str, width: int, expected: str) -> None:
    assert shorten(text, width) == expected
    assert "..." not in shorten(text, width)


@pytest.mark.parametrize(
    ("author", "date", "outlet", "expected"),
    [
        ("Priya Raman", "2025-03-14", "Harbor", "Raman 2025"),
        ("Raman, Priya; Lee, Ann", "2025", "Harbor", "Raman and Lee 2025"),
        ("Priya Raman and Ann Lee and Bo Chen", "2025", "Harbor", "Raman et al. 2025"),
        ("", "2024-05", "TMTPost", "TMTPost 2024"),
        ("", "", "TMTPost", "TMTPost n.d."),
        ("Harbor Policy Institute Staff", "2025", "", "Harbor Policy Institute Staff 2025"),
    ],
)
def test_author_year(author: str, date: str, outlet: str, expected: str) -> None:
    assert author_year(author, date, outlet, "A title") == expected


def test_author_year_falls_back_to_the_head_of_the_title() -> None:
    title = "Small courtyard, high wall: the US technology strategy against China"
    assert author_year("", "2024", "", title) == "Small courtyard, high wall 2024"

"""Citations in a real citation style: footnotes, the source list, translations and warnings.

Every test exports a real project file through the engine or the CLI and reads
the result back: Word files with python-docx (and the footnotes part), Markdown
with markdown-it-py.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from briefer.cli import main as run
from briefer.core.model import Page
from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.citations import load_style, style_path
from briefer.export.errors import ExportError, WarningsRefusedError
from briefer.resources import templates_dir

from export_helpers import docx_part, markdown_parser

RAMAN_URL = "https://harbor.example.org/chokepoints"
ORACLE = f"Priya Raman, Chokepoints at the Frontier (Harbor Policy Institute, March 14, 2025), para. 1, {RAMAN_URL}."
CHINESE = "這些政策適得其反"
TEMPLATES = ["memo", "debate-brief", "evidence-annex"]


def _add(store: Store, text: str, **meta: object) -> int:
    return store.add_document(text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), **meta)  # type: ignore[arg-type]


def build(path: Path, *, translate: bool = True, empty_section: bool = False) -> Path:
    """Raman's report (cited three times), Lee's article, a paged PDF report and a Chinese source."""
    with Store.create(path) as store:
        service = ProjectService(store)
        store.set_meta(title="Chips", author="A. Analyst", date="2026-11-30", marking="UNCLASSIFIED")
        stance = store.add_tag(name="Controls backfire", color="#e8743b", is_stance=True)
        raman = _add(
            store,
            "Chokepoints hold.\nSecond paragraph.\nAllies hesitate.",
            title="Chokepoints at the Frontier",
            author="Priya Raman",
            publisher="Harbor Policy Institute",
            date="2025-03-14",
            url=RAMAN_URL,
            language="en",
            type="report",
        )
        lee = _add(
            store,
            "Walls rise around the courtyard.",
            title="Courtyard walls rise",
            author="Lee, Ann",
            container="The Daily Ledger",
            date="2024-06-02",
            url="https://ledger.example.com/walls",
            language="en",
            type="article-newspaper",
        )
        pdf_text = "Page eleven text.\nExports fell sharply across the region.\nPage thirteen."
        paged = _add(
            store,
            pdf_text,
            title="Paged Report",
            author="John Smith",
            publisher="Think Tank",
            date="2022",
            url="https://tank.example.org/paged.pdf",
            language="en",
            type="report",
            source_file="paged.pdf",
            pages=(Page(0, "11"), Page(pdf_text.index("Exports"), "12"), Page(pdf_text.index("region"), "13")),
        )
        zh_text = "引言。" + CHINESE + "。"
        zh = _add(
            store,
            zh_text,
            title="科技競賽",
            author="王小明",
            publisher="新聞社",
            date="2024",
            url="https://zh.example.com/a",
            language="zh-Hant",
            type="report",
        )
        section = service.add_section(title="Controls backfire", notes="Why.", stance=stance)
        if empty_section:
            service.add_section(title="Still to write")
        for doc, quote in [
            (raman, "Chokepoints hold."),
            (raman, "Allies hesitate."),
            (lee, "Walls rise"),
            (raman, "Allies"),
            (paged, "Exports fell sharply across the region."),
        ]:
            pid = service.tag_quote(document=doc, quote=quote, tags=["Controls backfire"])
            service.place(passage=pid, section=section)
        zh_pid = service.tag_quote(
            document=zh,
            quote=CHINESE,
            tags=["Controls backfire"],
            translation="These policies backfire." if translate else "",
        )
        service.place(passage=zh_pid, section=section)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return build(tmp_path / "chips.briefer")


def footnotes(path: Path) -> list[str]:
    """The text of each Word footnote, in order (separators left out)."""
    root = etree.fromstring(docx_part(path, "word/footnotes.xml").encode("utf-8"))
    notes = []
    for note in root.iter(qn("w:footnote")):
        if int(note.get(qn("w:id"))) > 0:
            notes.append("".join(t.text or "" for t in note.iter(qn("w:t"))).strip())
    return notes


def paragraphs(path: Path) -> list[str]:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


def sources_after_heading(path: Path) -> list[str]:
    """The paragraphs under the heading that reads exactly "Sources", up to the next heading."""
    document = docx.Document(str(path))
    out: list[str] = []
    found = False
    for p in document.paragraphs:
        if p.style is not None and p.style.name.startswith(("Heading", "Title")):
            if found:
                break
            found = p.text == "Sources"
            continue
        if found and p.text.strip():
            out.append(p.text)
    assert found, "no heading reading exactly 'Sources'"
    return out


def export(project: Path, out: Path, template: str = "memo", style: str | None = None) -> list[str]:
    with Store.open(project, readonly=True) as store:
        result = export_project(store, out, template_name=template, citation_style=style)
    return [w.message for w in result.warnings]


# ------------------------------------------------------------------ Chicago
def test_chicago_first_note_matches_the_oracle(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "memo.docx"
    export(project, out)
    assert footnotes(out)[0] == ORACLE


def test_chicago_later_notes_use_ibid_and_the_short_form_with_pin_cites(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "memo.docx"
    export(project, out)
    notes = footnotes(out)
    assert notes[1] == "Ibid., para. 3."  # the same source again, another paragraph
    # American punctuation, as the style's locale says: the comma inside the quotation marks.
    assert (
        notes[2]
        == "Ann Lee, “Courtyard Walls Rise,” The Daily Ledger, June 2, 2024, para. 1, https://ledger.example.com/walls."
    )
    assert notes[3] == "Raman, Chokepoints at the Frontier, para. 3."  # short form: no date, no URL
    assert notes[4].startswith("John Smith, Paged Report (Think Tank, 2022), 12–13, ")  # pages, not paragraphs
    assert "Unknown publisher" not in "\n".join(paragraphs(out))


def test_chicago_sources_are_the_bibliography_sorted_one_per_document(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "memo.docx"
    export(project, out)
    entries = sources_after_heading(out)
    assert len(entries) == 4
    assert (
        entries[0]
        == "Lee, Ann. “Courtyard Walls Rise.” The Daily Ledger, June 2, 2024. https://ledger.example.com/walls."
    )
    assert (
        entries[1]
        == f"Raman, Priya. Chokepoints at the Frontier. Harbor Policy Institute, March 14, 2025. {RAMAN_URL}."
    )
    assert entries[2].startswith("Smith, John. Paged Report. Think Tank, 2022.")
    assert entries[3].startswith("王小明")
    assert "para." not in entries[1]  # the pin cite stays out of the bibliography


# ---------------------------------------------------------------------- APA
def test_apa_cites_in_parentheses_with_pages_and_paragraphs(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "memo.docx"
    export(project, out, style="apa")
    body = "\n".join(paragraphs(out))
    assert "Chokepoints hold. (Raman, 2025, para. 1)" in body
    assert "(Smith, 2022, pp. 12–13)" in body
    notes = footnotes(out) if "word/footnotes.xml" in _parts(out) else []
    assert not any("Raman" in n for n in notes)  # no footnotes for citations in an author-date style
    entries = sources_after_heading(out)
    assert entries[1] == f"Raman, P. (2025). Chokepoints at the Frontier. Harbor Policy Institute. {RAMAN_URL}"
    assert [e.split(",")[0] for e in entries[:3]] == ["Lee", "Raman", "Smith"]


def _parts(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_every_bundled_template_cites_in_both_styles(project: Path, tmp_path: Path, template: str, style: str) -> None:
    out = tmp_path / f"{template}-{style}.docx"
    export(project, out, template, style)
    text = "\n".join(paragraphs(out))
    if style == "chicago":
        notes = footnotes(out)
        assert ORACLE in notes
        assert "(Raman, 2025" not in text
    else:
        assert "(Raman, 2025, para. 1)" in text
    if template != "debate-brief":  # the memo and the annex end with the source list
        entries = sources_after_heading(out)
        assert len(entries) == 4 and any(e.startswith("Raman, P") for e in entries)
        raman, lee = (next(i for i, e in enumerate(entries) if e.startswith(n)) for n in ("Raman", "Lee"))
        assert lee < raman
    else:  # each card's cite line is the full reference
        reference = "Raman, Priya. Chokepoints" if style == "chicago" else "Raman, P. (2025). Chokepoints"
        assert any(line.startswith("Raman 2025 ") and reference in line for line in text.splitlines())


def test_markdown_carries_the_same_footnotes_and_sources(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "memo.md"
    export(project, out)
    tokens = markdown_parser().parse(out.read_text(encoding="utf-8"))
    notes: list[str] = []
    inside_note = False
    headings: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "footnote_open":
            inside_note = True
        elif token.type == "footnote_close":
            inside_note = False
        elif token.type == "inline" and inside_note:
            notes.append("".join(c.content for c in token.children or [] if c.type in ("text", "text_special")))
        elif token.type == "heading_open":
            headings.append(tokens[i + 1].content)
    assert notes[0] == ORACLE
    assert notes[3] == "Raman, Chokepoints at the Frontier, para. 3."
    assert "Sources" in headings


# -------------------------------------------------------------- translation
def test_a_translation_is_labelled_after_the_original(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "memo.docx"
    export(project, out)
    texts = [t for t in paragraphs(out) if t.strip()]
    original = next(i for i, t in enumerate(texts) if CHINESE in t)
    assert texts[original + 1] == "Translation: These policies backfire."


def test_an_untranslated_foreign_quote_is_a_warning(tmp_path: Path) -> None:
    project = build(tmp_path / "p.briefer", translate=False)
    warnings = export(project, tmp_path / "memo.md")
    assert any("translation" in w and CHINESE[:4] in w for w in warnings)


# ----------------------------------------------------------------- warnings
def test_missing_fields_the_style_prints_are_warnings_naming_document_and_field(tmp_path: Path) -> None:
    path = tmp_path / "p.briefer"
    with Store.create(path) as store:
        service = ProjectService(store)
        store.add_tag(name="t", color="#000000")
        doc = _add(store, "Some text here.", title="Bare page", language="en", type="webpage")
        section = service.add_section(title="One", notes="x")
        service.place(passage=service.tag_quote(document=doc, quote="Some text", tags=["t"]), section=section)
    with Store.open(path, readonly=True) as store:
        result = export_project(store, tmp_path / "m.md")
    fields = sorted(re.search(r"has no (\w+);", w.message).group(1) for w in result.warnings)  # type: ignore[union-attr]
    assert fields == ["author", "container", "date", "url"]  # a web page names its website
    assert all("'Bare page'" in w.message and w.kind == "citation" and w.document == doc for w in result.warnings)
    assert "Unknown" not in (tmp_path / "m.md").read_text(encoding="utf-8")


def test_a_section_that_would_print_a_bare_heading_is_a_warning(tmp_path: Path) -> None:
    project = build(tmp_path / "p.briefer", empty_section=True)
    with Store.open(project, readonly=True) as store:
        result = export_project(store, tmp_path / "m.md")
    empty = [w for w in result.warnings if w.kind == "section"]
    assert len(empty) == 1 and "'Still to write'" in empty[0].message and empty[0].section


def test_cli_prints_warnings_and_strict_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = build(tmp_path / "p.briefer", translate=False)
    out = tmp_path / "memo.docx"
    assert run(["export", str(project), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert any(line.startswith("briefer: warning: ") and "translation" in line for line in err.splitlines())
    out.unlink()
    assert run(["export", str(project), "-o", str(out), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "briefer: warning: " in err and err.strip().splitlines()[-1].startswith("briefer: error: ")
    assert not out.exists()


def test_strict_export_without_warnings_writes(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "memo.docx"
    with Store.open(project, readonly=True) as store:
        result = export_project(store, out, strict=True)
    assert result.warnings == [] and out.exists()


def test_strict_refusal_carries_the_warnings(tmp_path: Path) -> None:
    project = build(tmp_path / "p.briefer", translate=False)
    with Store.open(project, readonly=True) as store, pytest.raises(WarningsRefusedError) as refused:
        export_project(store, tmp_path / "m.md", strict=True)
    assert refused.value.warnings and not (tmp_path / "m.md").exists()


# ------------------------------------------------------------- style files
def test_citation_style_file_on_the_command_line(project: Path, tmp_path: Path) -> None:
    csl = tmp_path / "house.csl"
    shutil.copy(style_path("apa"), csl)
    out = tmp_path / "memo.md"
    assert run(["export", str(project), "-o", str(out), "--citation-style", str(csl)]) == 0
    assert "(Raman, 2025, para. 1)" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "reason"),
    [("<style", "not valid XML"), ("<notcsl/>", "not a CSL style"), (None, "does not exist")],
)
def test_a_bad_style_file_is_one_clear_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, reason: str
) -> None:
    csl = tmp_path / "bad.csl"
    if content is not None:
        csl.write_text(content, encoding="utf-8")
    out = tmp_path / "memo.md"
    assert run(["export", str(project), "-o", str(out), "--citation-style", str(csl)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("briefer: error: ") and reason in err and "bad.csl" in err
    assert not out.exists()


def test_an_unknown_style_name_is_refused() -> None:
    with pytest.raises(ExportError, match="unknown citation style 'mla'"):
        load_style("mla")


def test_the_template_manifest_chooses_the_style(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "apa-memo"
    shutil.copytree(templates_dir() / "memo", folder)
    manifest = folder / "manifest.json"
    manifest.write_text('{"name": "APA memo", "citation_style": "apa"}', encoding="utf-8")
    out = tmp_path / "memo.md"
    with Store.open(project, readonly=True) as store:
        export_project(store, out, template_name="apa-memo", project_path=tmp_path / "chips.briefer")
    assert "(Raman, 2025, para. 1)" in out.read_text(encoding="utf-8")


def test_a_second_export_in_the_same_process_formats_the_same(project: Path, tmp_path: Path) -> None:
    """What one export formatted is reused by the next (the preview's re-renders): the result must not change."""
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    export(project, first, "evidence-annex")
    export(project, second, "evidence-annex")
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert "Ibid." in first.read_text(encoding="utf-8")


def test_authors_are_people_or_organisations_as_written(tmp_path: Path) -> None:
    path = tmp_path / "p.briefer"
    with Store.create(path) as store:
        service = ProjectService(store)
        store.add_tag(name="t", color="#000000")
        section = service.add_section(title="One", notes="x")
        for title, author in [
            ("Two authors", "Priya Raman; Ann Lee"),
            ("An institute", "Center for Strategic and International Studies"),
            ("A Chinese name", "王小明"),
            ("Inverted", "van der Berg, Jan"),
        ]:
            doc = _add(store, f"{title} text.", title=title, author=author, date="2024", language="en", type="report")
            service.place(passage=service.tag_quote(document=doc, quote=f"{title} text", tags=["t"]), section=section)
    out = tmp_path / "m.md"
    with Store.open(path, readonly=True) as store:
        export_project(store, out)
    text = out.read_text(encoding="utf-8")
    assert "Priya Raman and Ann Lee, *Two Authors*" in text  # first note: given names first
    assert "Raman, Priya, and Ann Lee. *Two Authors*" in text  # bibliography: the first inverted
    assert "Center for Strategic and International Studies, *An Institute*" in text  # never "Studies, Center"
    assert "王小明, *A Chinese Name*" in text
    assert "Jan van der Berg, *Inverted*" in text


def test_the_annex_location_is_the_pin_cite_alone_even_after_a_quoted_title(tmp_path: Path) -> None:
    """A later note for an untitled-author source reads `“Title,” para. 2`: the comma sits inside
    the quotation marks, and the annex's Location column must still print only `para. 2`."""
    path = tmp_path / "p.briefer"
    with Store.create(path) as store:
        service = ProjectService(store)
        store.add_tag(name="Evidence", color="#336699")
        doc = _add(
            store,
            "First paragraph here.\nSecond paragraph here.",
            title="Huawei Adapts Under US Export Controls",
            language="en",
            type="article-newspaper",
        )
        other = _add(store, "Another source.", title="Other", author="Ann Lee", language="en", type="report")
        first = service.tag_quote(document=doc, quote="First paragraph", tags=["Evidence"])
        between = service.tag_quote(document=other, quote="Another source", tags=["Evidence"])
        second = service.tag_quote(document=doc, quote="Second paragraph", tags=["Evidence"])
        section = service.add_section(title="Order")
        for pid in (first, between, second):  # cited in this order: the third is a later, short note
            service.place(passage=pid, section=section)
    out = tmp_path / "annex.docx"
    export(path, out, template="evidence-annex")
    assert footnotes(out)[2] == "“Huawei Adapts Under US Export Controls,” para. 2."
    table = docx.Document(str(out)).tables[0]
    assert [row.cells[-1].text for row in table.rows[1:]] == ["para. 1", "para. 1", "para. 2"]


def test_a_source_list_formatted_in_a_forked_child_reads_the_same(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sources never formatted before are formatted in a forked child while the notes are formatted in
    the export's process (Citations.prepare_aside): the briefing reads exactly as when one process
    formats everything, the export's process formats none of the source list itself, and what the
    child formatted is kept on disk for the next process."""
    from briefer.export import citations, forking
    from briefer.export.citation_cache import use_cache_folder
    from briefer.export.engine import render_project
    from briefer.export.templates import find_template

    monkeypatch.setattr(citations, "ASIDE_AT_LEAST", 1)  # four sources: formatted aside all the same
    formatted_here: list[int] = []
    own = citations.Citations._render_reference

    def counted(self: citations.Citations, document: int) -> str:
        formatted_here.append(os.getpid())  # a forked child appends to its own copy
        return own(self, document)

    monkeypatch.setattr(citations.Citations, "_render_reference", counted)
    texts: dict[bool, str] = {}
    try:
        for aside in (False, True):
            monkeypatch.setattr(forking, "can_fork", lambda aside=aside: aside)
            use_cache_folder(str(tmp_path / f"cache-{aside}"))
            citations.forget_formatted()  # as a new process, with nothing on disk
            formatted_here.clear()
            with Store.open(project, readonly=True) as store:
                texts[aside] = render_project(store, find_template("memo"))[0]
            assert len(formatted_here) == (0 if aside else 4)
        assert texts[True] == texts[False]
        assert "Raman, Priya. *Chokepoints at the Frontier*" in texts[True]
        citations.forget_formatted()  # the next process reads what the child formatted from disk
        with Store.open(project, readonly=True) as store:
            assert render_project(store, find_template("memo"))[0] == texts[False]
        assert formatted_here == []
    finally:
        use_cache_folder(None)


def test_nothing_is_formatted_aside_when_there_is_nothing_new(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No child for an empty source list, nor for sources every one of which was formatted before."""
    from briefer.export import citations
    from briefer.export.citation_cache import use_cache_folder
    from briefer.export.context import build_context

    def no_child(work: object) -> None:
        raise AssertionError("a child was started")

    monkeypatch.setattr(citations, "ASIDE_AT_LEAST", 1)
    use_cache_folder(str(tmp_path / "cache"))
    try:
        citations.forget_formatted()
        with Store.open(project, readonly=True) as store:
            context = build_context(store)
            sources = list(dict.fromkeys(p.document.id for p in context.cited))
            context.citations.prepare(sources)  # formatted here, once
            monkeypatch.setattr(citations, "run_aside", no_child)
            context.citations.prepare_aside([])(True)
            context.citations.prepare_aside(sources)(True)
            again = build_context(store, source_list_aside=True)
            assert [d.reference for d in again.bibliography] == [d.reference for d in context.bibliography]
    finally:
        use_cache_folder(None)

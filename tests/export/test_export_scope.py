"""What an export reads and remembers: the placed passages' documents only, citations cached on disk.

Real project files throughout; the cache lives in the test's own user cache
folder (tests/conftest.py points XDG_CACHE_HOME into the test's home).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest
from test_citations import build

from briefer.core.anchor_commands import update_from_file
from briefer.core.importing import import_paths
from briefer.core.model import Document
from briefer.core.project import create_project, open_project
from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.citation_cache import DiskCache, cache_folder, digest
from briefer.export.citations import forget_formatted, load_style, style_path
from briefer.export.context import build_context


def _add(store: Store, text: str, **meta: object) -> int:
    return store.add_document(text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), **meta)  # type: ignore[arg-type]


def export_text(project: Path, out: Path, template: str = "memo", style: str | None = None) -> str:
    with Store.open(project, readonly=True) as store:
        export_project(store, out, template_name=template, citation_style=style)
    return out.read_text(encoding="utf-8")


# ----------------------------------------------------------- what is read
def with_unplaced_document(path: Path, *, damaged: bool = False) -> tuple[Path, int]:
    """The citations project plus a document with a tagged passage that is not in the outline."""
    build(path)
    with Store.open(path) as store:
        service = ProjectService(store)
        text = "An unplaced paragraph about tariffs.\nAnother one."
        doc = _add(store, text, title="Unplaced", author="Ann Other", date="2020", language="en", type="report")
        service.tag_quote(document=doc, quote="Another one.", tags=["Controls backfire"])
        service.tag_quote(document=doc, quote="about tariffs", tags=["Controls backfire"])
    if damaged:  # its text no longer matches the hash stored at import (another program's edit)
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE documents SET sha256 = ? WHERE id = ?", ("0" * 64, doc))
        conn.close()
    return path, doc


def test_the_context_reads_only_the_placed_passages_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, unplaced = with_unplaced_document(tmp_path / "p.briefer")
    asked: list[int] = []
    original = Store.documents_with_text

    def recording(self: Store, ids: Iterable[int]) -> dict[int, Document]:
        wanted = list(ids)
        asked.extend(wanted)
        return original(self, wanted)

    monkeypatch.setattr(Store, "documents_with_text", recording)
    monkeypatch.setattr(Store, "list_documents_with_text", lambda self: pytest.fail("read every document's text"))
    with Store.open(path, readonly=True) as store:
        context = build_context(store)
        placed_documents = {p.document.id for p in context.cited}
        assert set(asked) == placed_documents and unplaced not in asked
        # What else a template may name is still there, read when named.
        assert [p.quote for p in context.passages][-2:] == ["about tariffs", "Another one."]  # document order
        assert [p.citation for p in context.passages] == list(range(1, len(context.passages) + 1))
        assert [p.paragraph_number for p in context.passages][-2:] == [1, 2]
        assert unplaced in asked
        assert unplaced in {d.id for d in context.documents}
        assert [d.number for d in context.sources] == list(range(1, len(placed_documents) + 2))
        assert context.sources[-1].id == unplaced
        assert {t.name: t.count for t in context.tags}["Controls backfire"] == 8
        assert context.stance_counts == {"Controls backfire": 8}


def test_tagged_groups_every_passage_under_each_of_its_tags_in_citation_order(tmp_path: Path) -> None:
    path, _unplaced = with_unplaced_document(tmp_path / "p.briefer")
    with Store.open(path, readonly=True) as store:
        context = build_context(store)
        assert set(context.tagged) == {t.name for t in context.tags}  # a tag with no passage has an empty list
        for tag in context.tags:
            assert context.tagged[tag.name] == [p for p in context.passages if tag.name in p.tags]
            assert len(context.tagged[tag.name]) == tag.count
        assert [p.quote for p in context.tagged["Controls backfire"]][-2:] == ["about tariffs", "Another one."]
    # The annex prints each tag's table from it: every tagged passage under each of its tags.
    text = export_text(path, tmp_path / "annex.md", "evidence-annex")
    backfire = text.split("## Controls backfire", 1)[1].split("\n## ", 1)[0]
    assert backfire.count("\n| ") - 1 == 8  # its header row, then a row per passage
    assert "about tariffs" in backfire and "Another one." in backfire


def test_a_damaged_document_outside_the_outline_does_not_stop_the_export(tmp_path: Path) -> None:
    path, _unplaced = with_unplaced_document(tmp_path / "p.briefer", damaged=True)
    with Store.open(path, readonly=True) as store:
        context = build_context(store)
        assert context.unverified == []
        assert [p.verified for p in context.passages][-1] is False  # and marked where an annex prints it
        export_project(store, tmp_path / "memo.docx")  # not refused: it prints none of that document


def test_a_template_naming_every_passage_gets_them_in_the_forked_render(tmp_path: Path) -> None:
    path, _ = with_unplaced_document(tmp_path / "p.briefer")
    text = export_text(path, tmp_path / "annex.md", "evidence-annex")
    assert "about tariffs" in text and "Ann Other" in text


# ------------------------------------------------------- unanchored quotes
V1 = (
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.2 billion in 2023, officials said.\n"
    "Chinese firms stockpiled chips before the rules took effect.\n"
)
V2 = "Analysts disagree about whether the controls work.\nThe budget was $3.4 billion in 2023, officials said.\n"


def test_a_passage_awaiting_review_prints_standing_alone(tmp_path: Path) -> None:
    path = create_project(tmp_path / "p.briefer", empty=True)
    source = tmp_path / "report.txt"
    source.write_text(V1, encoding="utf-8")
    service = open_project(path)
    (outcome,) = import_paths(service, [source])
    doc = outcome.document_id
    section = service.add_section(title="Budget")
    fuzzy = service.tag_quote(document=doc, quote="The budget was $3.2 billion in 2023", tags=["Policy history"])
    orphaned = service.tag_quote(document=doc, quote="Chinese firms stockpiled chips", tags=["Policy history"])
    for pid in (fuzzy, orphaned):
        service.place(passage=pid, section=section)
    update = tmp_path / "v2" / "report.txt"
    update.parent.mkdir()
    update.write_text(V2, encoding="utf-8")
    update_from_file(service, doc, update)
    context = build_context(service.store)
    for view in context.cited:
        # The old offsets fall on other words of the new text: none of them is its context.
        assert (view.sentence, view.paragraph) == (view.quote, view.quote)
        assert (view.paragraph_before, view.paragraph_after, view.pages) == ("", "", ())
        assert not view.verified and "para." not in view.footnote
    card = export_project(service.store, tmp_path / "cards.md", template_name="debate-brief", allow_unverified=True)
    text = card.path.read_text(encoding="utf-8")
    assert "Analysts disagree" not in text and "officials said" not in text
    service.store.close()


# ------------------------------------------------------ the citation cache
def test_a_cold_and_a_warm_cache_give_the_same_briefing(project_path: Path, tmp_path: Path) -> None:
    forget_formatted()
    shutil.rmtree(cache_folder(), ignore_errors=True)
    cold = {t: export_text(project_path, tmp_path / f"cold-{t}.md", t) for t in ("memo", "evidence-annex")}
    assert list(cache_folder().glob("*.json"))  # what was formatted is kept
    forget_formatted()  # as a new process: only the disk remembers
    warm = {t: export_text(project_path, tmp_path / f"warm-{t}.md", t) for t in ("memo", "evidence-annex")}
    assert warm == cold
    assert "Priya Raman, *Chokepoints at the Frontier*" in cold["memo"]


def test_a_changed_document_field_is_formatted_afresh(project_path: Path, tmp_path: Path) -> None:
    before = export_text(project_path, tmp_path / "a.md")
    with Store.open(project_path) as store:
        (raman,) = [d.id for d in store.list_documents() if d.author == "Priya Raman"]
        store.update_document(raman, author="Priya Raman-Iyer")
    forget_formatted()
    after = export_text(project_path, tmp_path / "b.md")
    assert "Priya Raman-Iyer" in after and "Priya Raman-Iyer" not in before


def test_a_changed_style_file_is_formatted_afresh(project_path: Path, tmp_path: Path) -> None:
    style = tmp_path / "house.csl"
    shutil.copy(style_path("chicago"), style)
    before = export_text(project_path, tmp_path / "a.md", style=str(style))
    text = style.read_text(encoding="utf-8")
    style.write_text(text.replace('<text variable="URL"/>', '<text variable="URL" prefix="online at "/>'), "utf-8")
    forget_formatted()
    after = export_text(project_path, tmp_path / "b.md", style=str(style))
    assert "online at" in after and "online at" not in before
    assert load_style(str(style)).fingerprint != load_style("chicago").fingerprint


def test_a_corrupt_cache_file_is_ignored_and_rewritten(project_path: Path, tmp_path: Path) -> None:
    expected = export_text(project_path, tmp_path / "a.md")
    files = list(cache_folder().glob("*.json"))
    assert files
    for file in files:
        file.write_bytes(b"\x00{not json")
    forget_formatted()
    assert export_text(project_path, tmp_path / "b.md") == expected
    # Read afresh, a damaged file is an empty cache, and the next save replaces it whole.
    cache = DiskCache(files[0].parent, files[0].stem)
    assert cache.get(digest("anything")) is None
    cache.keep(digest("anything"), ["Note.", "12"])
    cache.save()
    assert json.loads(files[0].read_text(encoding="utf-8"))["entries"] == {digest("anything"): ["Note.", "12"]}
    assert not [p for p in files[0].parent.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build(tmp_path / "chips.briefer")


def test_the_cache_is_bounded_dropping_the_oldest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefer.export.citation_cache as citation_cache

    monkeypatch.setattr(citation_cache, "LIMIT", 2)
    cache = DiskCache(tmp_path, "style")
    for n in range(3):
        cache.keep(digest(n), f"note {n}")
    cache.save()
    entries = json.loads((tmp_path / "style.json").read_text(encoding="utf-8"))["entries"]
    assert list(entries.values()) == ["note 1", "note 2"]


def test_a_process_other_than_the_builder_reads_through_its_own_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked render child must not use its parent's SQLite connection: a name read there
    (one the template parse could not see) opens the project afresh."""
    import briefer.export.context as context_module

    path, unplaced = with_unplaced_document(tmp_path / "p.briefer")
    with Store.open(path, readonly=True) as store:
        context = build_context(store)
    # The builder's connection is closed; this "process" has another id.
    monkeypatch.setattr(context_module.os, "getpid", lambda: -1)
    assert unplaced in {d.id for d in context.documents}
    assert {t.name: t.count for t in context.tags}["Controls backfire"] == 8
    assert context.passages[-1].quote == "Another one."


# ------------------------------------------- what is remembered between exports
def test_a_style_file_is_loaded_once_until_it_is_edited(project_path: Path, tmp_path: Path) -> None:
    """The preview exports after every pause: the style is parsed once, and an edit is seen at once."""
    style = tmp_path / "house.csl"
    shutil.copy(style_path("chicago"), style)
    assert load_style(str(style)) is load_style(str(style))
    before = export_text(project_path, tmp_path / "a.md", style=str(style))
    text = style.read_text(encoding="utf-8")
    style.write_text(text.replace('<text variable="URL"/>', '<text variable="URL" prefix="online at "/>'), "utf-8")
    after = export_text(project_path, tmp_path / "b.md", style=str(style))  # same process, nothing forgotten
    assert "online at" in after and "online at" not in before


def test_the_names_a_template_reads_follow_its_edits_and_its_includes(tmp_path: Path) -> None:
    """What a template reads is remembered by its text: an edit, or an edit of a template it includes, is read anew."""
    from briefer.export.render import names_used

    folder = tmp_path / "list"
    folder.mkdir()
    main, part = folder / "template.md.j2", folder / "part.md.j2"
    main.write_text('{% for p in cited %}{{ p.quote }}{% endfor %}{% include "part.md.j2" %}', encoding="utf-8")
    part.write_text("{{ today }}", encoding="utf-8")
    assert names_used(folder, "template.md.j2") == {"cited", "today"}
    assert names_used(folder, "template.md.j2") == {"cited", "today"}  # remembered, the same
    part.write_text("{{ stances }}", encoding="utf-8")
    assert names_used(folder, "template.md.j2") == {"cited", "stances"}
    main.write_text("{% for p in passages %}{{ p.quote }}{% endfor %}", encoding="utf-8")
    assert names_used(folder, "template.md.j2") == {"passages"}
    main.write_text("{% include name %}", encoding="utf-8")  # computed at render time: cannot be told
    assert names_used(folder, "template.md.j2") is None

"""Template discovery and override, and every shipped template on the bundled corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from briefer import resources
from briefer.core.project import create_project, open_project
from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.templates import discover_templates

from export_helpers import docx_all_text, docx_part, rendered_text

SHIPPED = ["debate-brief", "evidence-annex", "memo"]


def test_shipped_templates_have_manifests() -> None:
    for name in SHIPPED:
        folder = resources.templates_dir() / name
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["name"] and manifest["description"]
        assert (folder / "template.md.j2").is_file()
    assert (resources.templates_dir() / "README.md").is_file()


def test_discovery_and_override_order(project: Path, isolated_user_dir: Path, tmp_path: Path) -> None:
    found = discover_templates(project)
    assert sorted(found) == SHIPPED and {t.origin for t in found.values()} == {"built-in"}
    user_memo = isolated_user_dir / "memo"
    user_memo.mkdir(parents=True)
    (user_memo / "template.md.j2").write_text("USER {{ meta.title }}\n")
    (user_memo / "manifest.json").write_text('{"name": "Mine", "description": "my memo"}')
    (isolated_user_dir / "extra").mkdir()
    (isolated_user_dir / "extra" / "template.md.j2").write_text("x")  # no manifest: still listed
    (isolated_user_dir / "not-a-template").mkdir()
    found = discover_templates(project)
    assert found["memo"].origin == "user" and found["memo"].description == "my memo"
    assert found["extra"].origin == "user" and found["extra"].display_name == "extra"
    assert "not-a-template" not in found
    with Store.open(project, readonly=True) as store:
        export_project(store, tmp_path / "u.md")
        assert (tmp_path / "u.md").read_text(encoding="utf-8").startswith("USER Export \\*test\\*")
        beside = project.parent / "templates" / "memo"
        beside.mkdir(parents=True)
        (beside / "template.md.j2").write_text("PROJECT {{ meta.author }}\n")
        assert discover_templates(project)["memo"].origin == "project"
        export_project(store, tmp_path / "p.md")
        assert (tmp_path / "p.md").read_text(encoding="utf-8") == "PROJECT A. Analyst\n"
        # A user template may carry its own Word reference document.
        shutil.copy(Path(docx.__file__).parent / "templates" / "default.docx", beside / "reference.docx")
        export_project(store, tmp_path / "p.docx")
        assert docx_all_text(tmp_path / "p.docx").strip() == "PROJECT A. Analyst"


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled project with a few passages in each stance section, English and Chinese."""
    path = create_project(tmp_path_factory.mktemp("corpus") / "corpus.briefer")
    service = open_project(path)
    try:
        docs = {d.source_file.split("/")[-1][:3]: d.id for d in service.store.list_documents()}
        picks = [
            ("000", "The United States** must develop a national technology strategy", "Controls work"),
            (
                "004",
                "Chinese companies, especially tech behemoth Huawei, appear to be adapting and even flourishing",
                "Controls backfire",
            ),
            ("003", "但包括輝達(Nvidia)執行長在內的一些政府外部人士表示", "Controls backfire"),
            ("003", "這些政策適得其反,反而加速了中國技術生態系統的發展", "Controls backfire"),
            ("002", "China seems to be in a better position to tackle the adversity", "Controls backfire"),
            ("002", "updating export controls that are necessary to protect U.S. national security", "Controls work"),
        ]
        for prefix, quote, stance in picks:
            pid = service.tag_quote(
                document=docs[prefix], quote=quote, tags=[stance], note=f"Claim: *{stance.lower()}*"
            )
            service.place(passage=pid, section=service.resolve_section(stance))
        service.store.update_passage(
            service.store.list_passages(docs["003"])[0].id,
            translation="But some outside the government, including Nvidia's CEO, said",
        )
    finally:
        service.store.close()
    return path


@pytest.mark.parametrize("template", SHIPPED)
def test_each_shipped_template_exports_the_corpus(corpus_project: Path, tmp_path: Path, template: str) -> None:
    with Store.open(corpus_project, readonly=True) as store:
        quotes = [p.quote for p in store.list_passages()]
        md_result = export_project(store, tmp_path / "out.md", template_name=template)
        export_project(store, tmp_path / "out.docx", template_name=template)
    assert len(quotes) == 6
    text = rendered_text((tmp_path / "out.md").read_text(encoding="utf-8"))
    word = docx_all_text(tmp_path / "out.docx")
    for quote in quotes:
        assert quote in text and quote in word, (template, quote)
    assert md_result.warnings  # the bundled sources lack dates and URLs
    if template != "evidence-annex":
        assert text.index("Controls backfire") < text.index("Controls work")
    footnotes = docx_part(tmp_path / "out.docx", "word/footnotes.xml")
    assert footnotes.count("<w:footnoteRef/>") >= 6


@pytest.mark.parametrize("template", SHIPPED)
def test_empty_project_exports(tmp_path: Path, template: str) -> None:
    path = create_project(tmp_path / "empty.briefer", empty=True, title="Nothing yet")
    with Store.open(path, readonly=True) as store:
        result = export_project(store, tmp_path / "e.md", template_name=template)
        export_project(store, tmp_path / "e.docx", template_name=template)
    # A new project's sections are empty: each would print a bare heading, and says so.
    assert result.warnings and all(w.kind == "section" for w in result.warnings)
    assert "Nothing yet" in rendered_text((tmp_path / "e.md").read_text(encoding="utf-8"))
    assert "Nothing yet" in docx_all_text(tmp_path / "e.docx")

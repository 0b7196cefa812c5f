"""A template can cite a PDF passage's pages and a document's citation fields."""

from __future__ import annotations

from pathlib import Path

import docx
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from briefer.core.importing.importer import import_paths
from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.export import export_project


def write_pdf(path: Path) -> Path:
    """Three pages; the second page's last sentence runs on to the third."""
    pages = [
        ["Export controls were meant to slow China's chip industry."],
        ["This sentence starts on the second page and", "continues over two lines without ending"],
        ["on the third page, where it finally ends."],
    ]
    out = canvas.Canvas(str(path), pagesize=letter)
    for lines in pages:
        y = 700
        for line in lines:
            out.drawString(72, y, line)
            y -= 14
        out.showPage()
    out.save()
    return path


def test_a_template_cites_pages_type_and_container(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    with Store.create(project) as store:
        service = ProjectService(store)
        (outcome,) = import_paths(service, [write_pdf(tmp_path / "report.pdf")])
        doc = outcome.document_id
        store.update_document(doc, container="Strategic Futures Papers", doi="10.1234/sf.7")
        tag = store.add_tag(name="Controls backfire", color="#e8743b", is_stance=True)
        quote = "continues over two lines without ending on the third page"
        passage = service.tag_quote(document=doc, quote=quote, tags=["Controls backfire"])
        section = service.add_section(title="Evidence", stance=tag)
        service.place(passage=passage, section=section)
    root = tmp_path / "tpl"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "template.md.j2").write_text(
        "{% for p in cited %}{{ p.quote }} (pp. {{ p.pages|join('–') }}; {{ p.document.type }}, "
        "{{ p.document.container }}, doi:{{ p.document.doi }}){% endfor %}\n",
        encoding="utf-8",
    )
    out = tmp_path / "b.docx"
    with Store.open(project, readonly=True) as store:
        export_project(store, out, template_name="pages", roots=[("user", root)])
    (paragraph,) = docx.Document(str(out)).paragraphs
    assert paragraph.text == (
        "continues over two lines without ending on the third page "
        "(pp. 2–3; article-newspaper, Strategic Futures Papers, doi:10.1234/sf.7)"
    )

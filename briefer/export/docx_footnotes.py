"""Real Word footnotes, which python-docx (1.2) has no API for.

A footnote needs: the ``/word/footnotes.xml`` part (with the separator and
continuation-separator footnotes Word expects as ids -1 and 0), a relationship
from the document part, its content type (python-docx writes that from the
part), and in the text a run holding ``w:footnoteReference``.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

_EMPTY_PART = (
    f'<w:footnotes {nsdecls("w", "r")}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '</w:footnotes>'
)


class Footnotes:
    """The document's footnotes part, created on first use."""

    def __init__(self, document: Document, text_style: str, reference_style: str) -> None:
        self._document = document
        self._text_style = text_style
        self._reference_style = reference_style
        self._part: Part | None = None
        self._root: Any = None
        self._next_id = 1

    @property
    def part(self) -> Part:
        """The part that owns the footnotes' hyperlink relationships."""
        self._ensure()
        assert self._part is not None
        return self._part

    def _ensure(self) -> None:
        if self._part is not None:
            return
        doc_part = self._document.part
        for rel in doc_part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                self._part = rel.target_part
                self._root = (self._part.element if isinstance(self._part, XmlPart)
                              else etree.fromstring(self._part.blob))
                # Keep only the separators: the reference document's own notes
                # belong to its (removed) sample text.
                for note in self._root.findall(qn("w:footnote")):
                    if note.get(qn("w:type")) not in ("separator", "continuationSeparator"):
                        self._root.remove(note)
                ids = [int(n.get(qn("w:id"))) for n in self._root.findall(qn("w:footnote"))]
                self._next_id = max([0, *ids]) + 1
                return
        element = parse_xml(_EMPTY_PART)
        self._part = XmlPart(PackURI("/word/footnotes.xml"), CONTENT_TYPE, element, doc_part.package)
        self._root = element
        doc_part.relate_to(self._part, RT.FOOTNOTES)

    def add(self) -> tuple[int, list[Any]]:
        """A new footnote; returns its id and a list to which paragraphs are appended.

        The first paragraph the caller appends gets the footnote mark.
        """
        self._ensure()
        note_id = self._next_id
        self._next_id += 1
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(note_id))
        self._root.append(note)
        return note_id, _NoteBody(note, self)

    def new_paragraph(self, note: Any, first: bool) -> Any:
        p = OxmlElement("w:p")
        p.style = self._text_style
        note.append(p)
        if first:
            p.append(self._reference_styled_run(OxmlElement("w:footnoteRef")))
            space = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            text.text = " "
            space.append(text)
            p.append(space)
        return p

    def reference_run(self, note_id: int) -> Any:
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(note_id))
        return self._reference_styled_run(ref)

    def _reference_styled_run(self, child: Any) -> Any:
        """A run in the footnote-reference style holding ``child`` (the mark in text or in the note)."""
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), self._reference_style)
        rpr.append(style)
        run.append(rpr)
        run.append(child)
        return run

    def finish(self) -> None:
        """Write an existing, generically loaded part's XML back to its blob."""
        if self._part is not None and not isinstance(self._part, XmlPart):
            self._part._blob = etree.tostring(self._root, xml_declaration=True,  # noqa: SLF001
                                              encoding="UTF-8", standalone=True)


class _NoteBody(list):  # type: ignore[type-arg]
    """Where a footnote's paragraphs go; marks the first one."""

    def __init__(self, note: Any, owner: Footnotes) -> None:
        super().__init__()
        self._note = note
        self._owner = owner

    def new_paragraph(self) -> Any:
        p = self._owner.new_paragraph(self._note, first=not self)
        self.append(p)
        return p

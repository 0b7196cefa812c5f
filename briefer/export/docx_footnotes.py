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
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from briefer.export import docx_xml
from briefer.export.docx_xml import ParseQueue, styled_run

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_SPACE_RUN = '<w:r><w:t xml:space="preserve"> </w:t></w:r>'  # between the mark and the note

_EMPTY_PART = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


class Footnotes:
    """The document's footnotes part, created on first use."""

    def __init__(
        self, document: Document, text_style: str, reference_style: str, *, parsed: ParseQueue | None = None
    ) -> None:
        self._document = document
        self._text_style = text_style
        self._reference_style = reference_style
        self._part: Part | None = None
        self._root: Any = None
        self._next_id = 1
        self._first_id = 1  # the id of _notes[0]
        self._notes: list[str] = []  # each added note's XML, in order ("" until it is filled)
        self._parsed = parsed if parsed is not None else ParseQueue()
        self._filled = 0  # the notes before this index are all filled...
        self._queued = 0  # ...and those before this one sent to be parsed

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
                self._root = (
                    self._part.element if isinstance(self._part, XmlPart) else etree.fromstring(self._part.blob)
                )
                # Keep only the separators: the reference document's own notes
                # belong to its (removed) sample text.
                for note in self._root.findall(qn("w:footnote")):
                    if note.get(qn("w:type")) not in ("separator", "continuationSeparator"):
                        self._root.remove(note)
                ids = [int(n.get(qn("w:id"))) for n in self._root.findall(qn("w:footnote"))]
                self._next_id = self._first_id = max([0, *ids]) + 1
                return
        element = parse_xml(_EMPTY_PART)
        self._part = XmlPart(PackURI("/word/footnotes.xml"), CONTENT_TYPE, element, doc_part.package)
        self._root = element
        doc_part.relate_to(self._part, RT.FOOTNOTES)

    def add(self) -> int:
        """A new footnote's id; its place in the part is kept until ``fill`` gives its paragraphs.

        A note referred to inside another note is added while the outer one is
        being written, so the places keep the notes in the order they were added.
        """
        self._ensure()
        note_id = self._next_id
        self._next_id += 1
        self._notes.append("")
        return note_id

    def fill(self, note_id: int, paragraphs: list[str]) -> None:
        """The note's paragraphs (``docx_xml.paragraph``); the first one gets the footnote mark."""
        self._notes[note_id - self._first_id] = f'<w:footnote w:id="{note_id}">{"".join(paragraphs)}</w:footnote>'
        # Notes are filled in the order they were added, but for a note inside a note,
        # filled before the note it is in: the filled ones before the first that is not
        # are parsed while the rest are written, a few thousand at a time.
        while self._filled < len(self._notes) and self._notes[self._filled]:
            self._filled += 1
        if self._filled - self._queued >= 2000:
            self._parsed.put("".join(self._notes[self._queued : self._filled]))
            self._queued = self._filled

    def paragraph(self, style: str | None, num_id: int | None, runs: str, first: bool) -> str:
        """A paragraph of a note: FootnoteText unless the Markdown chose a style, the mark first."""
        if first:
            runs = styled_run(self._reference_style, "<w:footnoteRef/>") + _SPACE_RUN + runs
        return docx_xml.paragraph(style or self._text_style, num_id, runs)

    def reference(self, note_id: int) -> str:
        """The footnote mark in the text: a run in the reference style."""
        return styled_run(self._reference_style, f'<w:footnoteReference w:id="{note_id}"/>')

    def finish(self) -> None:
        """Put the notes into the part; write an existing, generically loaded part's XML back to its blob."""
        if self._notes:
            self._parsed.put("".join(self._notes[self._queued :]))
            self._root.extend(self._parsed.take())
            self._notes = []
            self._filled = self._queued = 0
        if self._part is not None and not isinstance(self._part, XmlPart):
            # python-docx has no footnotes part class: it loaded the part as plain bytes.
            xml = etree.tostring(self._root, xml_declaration=True, encoding="UTF-8", standalone=True)
            self._part._blob = xml  # noqa: SLF001

"""The house style: the named styles, page and running header and footer of a briefing.

The bundled templates' ``reference.docx`` files are made by
``templates/make_reference_docx.py`` from :func:`build_reference`; a template
without a ``reference.docx`` gets the memo's look built the same way, in
memory. After that, Word is the editor: a template author restyles a briefing
by editing its ``reference.docx`` (see ``templates/README.md``), and the export
only fills in the running header's and footer's placeholders and, when the
template's manifest names one, the paper size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import docx
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Emu, Inches, Mm

CJK_SERIF = "Noto Serif CJK SC"
CJK_SANS = "Noto Sans CJK SC"
# The paper sizes a manifest's "page" may name: (width, height).
PAGE_SIZES: dict[str, tuple[int, int]] = {
    "letter": (Inches(8.5), Inches(11)),
    "a4": (Mm(210), Mm(297)),
}
# Placeholders in a reference document's headers and footers, filled at export.
PLACEHOLDERS = ("{marking}", "{title}")
NAVY = "1F3864"
RULE_GREY = "8C8C8C"


@dataclass(frozen=True)
class Look:
    """What differs between the bundled templates' looks."""

    body_font: str = "Palatino Linotype"  # P052 (URW Palladio) where Word's fonts are missing
    heading_font: str = "Arial"
    body_size: int = 11  # points
    card_font: str = "Arial"
    cjk_body: str = CJK_SERIF  # the East Asian face beside body_font


LOOKS = {
    "memo": Look(),
    "evidence-annex": Look(body_size=10),
    "debate-brief": Look(body_font="Arial", body_size=11, cjk_body=CJK_SANS),
}


def _style(kind: str, style_id: str, name: str, body: str, *, based_on: str = "Normal", nxt: str = "") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    following = f'<w:next w:val="{nxt}"/>' if nxt else ""
    return (
        f'<w:style {nsdecls("w")} w:type="{kind}" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/>{based}{following}<w:qFormat/>{body}</w:style>'
    )


def _fonts(latin: str, east_asian: str) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}" w:eastAsia="{east_asian}"/>'


def _size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _styles(look: Look) -> dict[str, tuple[str, str]]:
    """styleId -> (name, XML) for every style the house style defines."""
    heading = _fonts(look.heading_font, CJK_SANS)
    card = _fonts(look.card_font, CJK_SANS)
    body = look.body_size
    keep = "<w:keepNext/><w:keepLines/>"

    def para(style_id: str, name: str, ppr: str, rpr: str, **kw: str) -> tuple[str, str]:
        return name, _style("paragraph", style_id, name, f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr>", **kw)

    def heading_style(level: int, size: float, before: int, after: int, extra: str = "") -> tuple[str, str]:
        return para(
            f"Heading{level}",
            f"heading {level}",
            f'{keep}{extra}<w:spacing w:before="{before}" w:after="{after}"/><w:outlineLvl w:val="{level - 1}"/>',
            f'{heading}<w:b/><w:bCs/><w:color w:val="{NAVY}"/>{_size(size)}',
            nxt="BodyText",
        )

    rule = f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="2" w:color="{RULE_GREY}"/></w:pBdr>'
    styles = {
        "Normal": para("Normal", "Normal", '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>', "", based_on=""),
        "Title": para(
            "Title",
            "Title",
            f'{keep}<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{NAVY}"/></w:pBdr>'
            '<w:spacing w:before="0" w:after="120"/>',
            f'{heading}<w:b/><w:color w:val="{NAVY}"/>{_size(24)}',
            nxt="Subtitle",
        ),
        "Subtitle": para(
            "Subtitle",
            "Subtitle",
            '<w:keepNext/><w:spacing w:before="0" w:after="120"/>',
            f'{heading}<w:color w:val="595959"/>{_size(13)}',
            nxt="BodyText",
        ),
        "Marking": para(
            "Marking",
            "Marking",
            '<w:spacing w:before="0" w:after="120"/><w:jc w:val="center"/>',
            f'{heading}<w:b/><w:caps/><w:color w:val="C00000"/><w:spacing w:val="10"/>{_size(9)}',
        ),
        "Heading1": heading_style(1, 15, 360, 120, rule),
        "Heading2": heading_style(2, 12.5, 240, 80),
        "Heading3": heading_style(3, 11, 200, 60),
        "BodyText": para(
            "BodyText",
            "Body Text",
            '<w:spacing w:before="0" w:after="160" w:line="264" w:lineRule="auto"/>',
            "",
        ),
        # An analyst's note on a passage: never the last line of a page with its quote on the next.
        "PassageNote": para(
            "PassageNote",
            "Passage Note",
            '<w:keepNext/><w:spacing w:before="0" w:after="80" w:line="264" w:lineRule="auto"/>',
            "",
            based_on="BodyText",
        ),
        "Quote": para(
            "Quote",
            "Quote",
            f'<w:keepLines/><w:pBdr><w:left w:val="single" w:sz="18" w:space="10" w:color="{NAVY}"/></w:pBdr>'
            '<w:spacing w:before="60" w:after="160" w:line="264" w:lineRule="auto"/>'
            '<w:ind w:left="567" w:right="567"/>',
            '<w:color w:val="262626"/>',
            based_on="Normal",
        ),
        "FootnoteText": para(
            "FootnoteText",
            "footnote text",
            '<w:spacing w:after="40" w:line="240" w:lineRule="auto"/>',
            _size(max(body - 2, 8)),
        ),
        "Header": para("Header", "header", '<w:jc w:val="center"/>', _size(8)),
        "Footer": para("Footer", "footer", '<w:jc w:val="center"/>', _size(8)),
        "CardTag": para(
            "CardTag",
            "Card Tag",
            f'{keep}<w:spacing w:before="240" w:after="40"/><w:outlineLvl w:val="3"/>',
            f"{card}<w:b/><w:bCs/>{_size(13)}",
            nxt="CardCite",
        ),
        "CardCite": para(
            "CardCite",
            "Card Cite",
            f'{keep}<w:spacing w:before="0" w:after="80"/>',
            f"{card}{_size(9)}",
            nxt="CardBody",
        ),
        "CardBody": para(
            "CardBody",
            "Card Body",
            '<w:keepLines/><w:spacing w:before="0" w:after="160" w:line="252" w:lineRule="auto"/>',
            f"{card}{_size(11)}",
        ),
    }
    styles["ReadText"] = (
        "Read Text",
        _style(
            "character",
            "ReadText",
            "Read Text",
            '<w:rPr><w:b/><w:bCs/><w:highlight w:val="cyan"/><w:u w:val="single"/>'
            f'<w:shd w:val="clear" w:color="auto" w:fill="00FFFF"/>{_size(11)}</w:rPr>',
            based_on="DefaultParagraphFont",
        ),
    )
    styles["ShrunkText"] = (
        "Shrunk Text",
        _style(
            "character", "ShrunkText", "Shrunk Text", f"<w:rPr>{_size(7.5)}</w:rPr>", based_on="DefaultParagraphFont"
        ),
    )
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{RULE_GREY}"/>'
        for side in ("top", "bottom", "insideH")
    )
    styles["Table"] = (
        "Table",
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="Table"><w:name w:val="Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:qFormat/>'
        f'<w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr><w:rPr>{_size(max(body - 2, 8))}</w:rPr>'
        f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblCellMar><w:top w:w="43" w:type="dxa"/><w:left w:w="86" w:type="dxa"/>'
        '<w:bottom w:w="43" w:type="dxa"/><w:right w:w="86" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr></w:tblStylePr></w:style>',
    )
    return styles


def house_styles() -> dict[str, str]:
    """Style name -> XML of the memo look's styles, for a reference document that lacks some."""
    return {name: xml for name, xml in _styles(LOOKS["memo"]).values()}


def build_reference(look: Look, page: str = "letter") -> Document:
    """A reference document with the house styles, the page and the running header and footer, no text."""
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    root = document.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is not None:
        root.remove(defaults)
    root.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>{_fonts(look.body_font, look.cjk_body)}"
            f'{_size(look.body_size)}<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "</w:pPrDefault></w:docDefaults>"
        ),
    )
    by_id = {style.get(qn("w:styleId")): style for style in root.findall(qn("w:style"))}
    for style_id, (_name, xml) in _styles(look).items():
        element = parse_xml(xml)
        old = by_id.get(style_id)
        if style_id == "Normal":
            element.set(qn("w:default"), "1")
            element.attrib.pop(qn("w:customStyle"), None)
        if old is not None:
            old.addprevious(element)
            root.remove(old)
        else:
            root.append(element)
    for section in document.sections:
        set_page(section, page)
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(1)
        section.header_distance = section.footer_distance = Inches(0.45)
        add_running_header_footer(section)
    return document


def set_page(section: Section, page: str) -> None:
    """Paper size by name ("letter" or "a4"), portrait, margins untouched."""
    width, height = PAGE_SIZES[page]
    section.page_width, section.page_height = Emu(width), Emu(height)


def add_running_header_footer(section: Section) -> None:
    """The marking at the top of every page; the marking and "Page N of M" at the bottom."""
    section.different_first_page_header_footer = False
    header = section.header
    header.is_linked_to_previous = False
    marking = "<w:r><w:rPr><w:b/></w:rPr><w:t>{marking}</w:t></w:r>"
    _replace_paragraphs(header.part.element, [_paragraph("Header", marking)])
    footer = section.footer
    footer.is_linked_to_previous = False
    page = (
        '<w:r><w:t xml:space="preserve">Page </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> of </w:t></w:r>'
        '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    )
    _replace_paragraphs(
        footer.part.element,
        [_paragraph("Footer", marking), _paragraph("Footer", page)],
    )


def _paragraph(style: str, runs: str) -> Any:
    return parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>')


def _replace_paragraphs(container: Any, paragraphs: list[Any]) -> None:
    for child in list(container):
        container.remove(child)
    for p in paragraphs:
        container.append(p)


def has_running_header(document: Document) -> bool:
    """Whether the reference document has a header of its own (otherwise the house one is added)."""
    section = document.sections[0]
    return not section.header.is_linked_to_previous or not section.footer.is_linked_to_previous


def fill_placeholders(document: Document, values: dict[str, str]) -> None:
    """Replace ``{marking}`` and ``{title}`` in every header and footer, even when Word split them across runs."""
    seen: set[int] = set()
    for section in document.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous or id(part.part) in seen:
                continue
            seen.add(id(part.part))
            for p in part.part.element.iter(qn("w:p")):
                _fill_paragraph(p, values)


def _fill_paragraph(p: Any, values: dict[str, str]) -> None:
    nodes = list(p.iter(qn("w:t")))
    text = "".join(node.text or "" for node in nodes)
    if "{" not in text:
        return
    for key, value in values.items():
        while True:
            text = "".join(node.text or "" for node in nodes)
            start = text.find(key)
            if start < 0:
                break
            end = start + len(key)
            offset = 0
            for node in nodes:
                content = node.text or ""
                lo, hi = offset, offset + len(content)
                offset = hi
                if hi <= start or lo >= end:
                    continue
                keep_before = content[: max(start - lo, 0)]
                keep_after = content[max(end - lo, 0) :] if hi > end else ""
                inserted = value if lo <= start < hi else ""
                node.text = keep_before + inserted + keep_after
                node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

"""The Word base document: the template's reference.docx or a styled built-in default.

Everything the briefing uses is a named style (so the analyst restyles the
whole briefing in Word's style pane); this module makes sure each one exists
and that Chinese text gets a CJK font through the styles, not direct formatting.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from briefer.core.archives import check_zip
from briefer.export import house_style
from briefer.export.errors import ExportError

LATIN_BODY = "Times New Roman"  # metric twin of Liberation Serif on Linux
LATIN_HEADING = "Arial"
CJK_SERIF = "Noto Serif CJK SC"
CJK_SANS = "Noto Sans CJK SC"
EAST_ASIAN_LANG = "zh-CN"

# Styles the builder refers to, by their built-in (English) names.
_FALLBACKS: dict[str, str] = {
    "Title": '<w:style {ns} w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/>'
    '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
    '<w:rPr><w:sz w:val="48"/></w:rPr></w:style>',
    "Heading 1": '<w:style {ns} w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>',
    "Heading 2": '<w:style {ns} w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
    '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>',
    "Heading 3": '<w:style {ns} w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/>'
    '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style>',
    "Quote": '<w:style {ns} w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/>'
    '<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:left="567" w:right="567"/></w:pPr>'
    "<w:rPr><w:i/></w:rPr></w:style>",
    "List Bullet": '<w:style {ns} w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:style>',
    "List Number": '<w:style {ns} w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:style>',
    "footnote text": '<w:style {ns} w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
    '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>',
    "footnote reference": '<w:style {ns} w:type="character" w:styleId="FootnoteReference">'
    '<w:name w:val="footnote reference"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>',
    "Hyperlink": '<w:style {ns} w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
    '<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>',
    "Table Grid": '<w:style {ns} w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
    '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders></w:tblPr></w:style>",
}
_HEADING_STYLES = {"Title", "Heading1", "Heading2", "Heading3", "Heading4"}


def load_base(
    reference: Path | None, *, page: str = "", marking: str = "", title: str = ""
) -> tuple[Document, dict[str, str]]:
    """The document to build into, and a map from style name to style id.

    ``page`` ("letter" or "a4", from the template's manifest) overrides the
    reference's paper size; ``marking`` and ``title`` fill the running header
    and footer (see house_style).
    """
    if reference is not None:
        try:
            # A bomb is refused before python-docx unpacks every part into memory.
            check_zip(reference)
            document = docx.Document(str(reference))
        except Exception as exc:  # ArchiveRejected, OSError; python-docx raises several types for a bad package
            raise ExportError(f"cannot use {reference} as a Word reference document: {exc}") from None
        # Start from the reference's styles, page setup, headers and footers, not its text.
        body = document.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    else:
        document = house_style.build_reference(house_style.LOOKS["memo"])
    styles = ensure_styles(document)
    set_east_asian_fonts(document, replace_latin=False)
    _declare_cjk_fonts(document)
    if not house_style.has_running_header(document):
        for section in document.sections:
            house_style.add_running_header_footer(section)
    if page:
        for section in document.sections:
            house_style.set_page(section, page)
    house_style.fill_placeholders(document, {"{marking}": marking, "{title}": title})
    return document, styles


def ensure_styles(document: Document) -> dict[str, str]:
    """Add any missing style from ``_FALLBACKS``; return name -> styleId."""
    root = document.styles.element
    by_name = {}
    for style in root.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            by_name[name.get(qn("w:val")).lower()] = style.get(qn("w:styleId"))
    ids = {}
    for name, xml in _FALLBACKS.items():
        key = name.lower()
        if key not in by_name:
            element = parse_xml(xml.format(ns=nsdecls("w")))
            root.append(element)
            by_name[key] = element.get(qn("w:styleId"))
        ids[name] = by_name[key]
    # The house styles a reference document lacks (an older or hand-made one): cards, Body Text, Marking.
    for name, xml in house_style.house_styles().items():
        key = name.lower()
        if key not in by_name:
            element = parse_xml(xml)
            root.append(element)
            by_name[key] = element.get(qn("w:styleId"))
        ids.setdefault(name, by_name[key])
    for extra in ("list bullet 2", "list number 2", "normal"):
        if extra in by_name:
            ids[extra.title()] = by_name[extra]
    return ids


def set_east_asian_fonts(document: Document, *, replace_latin: bool) -> None:
    """Give docDefaults and every style an explicit East Asian font and language.

    Theme attributes (``w:eastAsiaTheme`` and friends) win over explicit font
    names in Word, so they are removed where an explicit font is set.
    """
    root = document.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr/></w:rPrDefault></w:docDefaults>")
        root.insert(0, defaults)
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}/>")
            defaults.insert(0, rpr_default)
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    _set_fonts(rpr, CJK_SERIF, LATIN_BODY if replace_latin else None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US"/>')
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), EAST_ASIAN_LANG)
    for style in root.findall(qn("w:style")):
        style_rpr = style.find(qn("w:rPr"))
        fonts = style_rpr.find(qn("w:rFonts")) if style_rpr is not None else None
        heading = style.get(qn("w:styleId")) in _HEADING_STYLES
        if fonts is None and not (replace_latin and heading):
            continue  # inherits the defaults set above
        if style_rpr is None:
            style_rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
            style.append(style_rpr)
        _set_fonts(
            style_rpr,
            CJK_SANS if heading else CJK_SERIF,
            (LATIN_HEADING if heading else LATIN_BODY) if replace_latin else None,
        )
    # Table styles hide more theme fonts in their conditional parts (first row, ...).
    for fonts in root.iter(qn("w:rFonts")):
        if fonts.get(qn("w:eastAsiaTheme")) is not None:
            theme = fonts.get(qn("w:eastAsiaTheme"))
            _set_fonts(
                fonts.getparent(),
                CJK_SANS if theme.startswith("major") else CJK_SERIF,
                (LATIN_HEADING if theme.startswith("major") else LATIN_BODY) if replace_latin else None,
            )


def _set_fonts(rpr: object, east_asian: str, latin: str | None) -> None:
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    # An explicit East Asian font the reference document chose stays (the debate brief sets Chinese in sans).
    if latin is not None or fonts.get(qn("w:eastAsia")) is None or fonts.get(qn("w:eastAsiaTheme")) is not None:
        fonts.set(qn("w:eastAsia"), east_asian)
    fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    if latin is not None:
        for attr in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attr}"), latin)
        for attr in ("asciiTheme", "hAnsiTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)


def _declare_cjk_fonts(document: Document) -> None:
    """List the CJK fonts in the font table with a Chinese charset and a common alternative.

    Word on a machine without Noto CJK then substitutes a Chinese font (SimSun,
    Microsoft YaHei) instead of a Latin one that has no Chinese glyphs.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = next(
        (
            rel.target_part
            for rel in document.part.rels.values()
            if rel.reltype == RT.FONT_TABLE and not rel.is_external
        ),
        None,
    )
    if part is None or not hasattr(part, "_blob"):
        return
    root = etree.fromstring(part.blob)
    present = {font.get(qn("w:name")) for font in root.findall(qn("w:font"))}
    for name, alt, family in ((CJK_SERIF, "SimSun", "roman"), (CJK_SANS, "Microsoft YaHei", "swiss")):
        if name not in present:
            root.append(
                parse_xml(
                    f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                    f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
                )
            )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # noqa: SLF001

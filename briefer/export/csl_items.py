"""A document's metadata as a CSL-JSON item, the input every citation style formats.

Each cited document is mapped once per export (``briefer.export.citations``
caches the item and what is formatted from it). Nothing is invented: a field
the project does not have is left out, so the style decides how a citation
without it reads (Chicago prints "n.d." for a missing date, for instance)
instead of a made-up "Unknown publisher".
"""

from __future__ import annotations

import re
from typing import Any, Protocol

# The CSL 1.0.2 item types; anything else is cited as a generic "document".
CSL_TYPES = frozenset(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter classic
    collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic hearing
    interview legal_case legislation manuscript map motion_picture musical_score pamphlet paper-conference
    patent performance periodical personal_communication post post-weblog regulation report review
    review-book software song speech standard thesis treaty webpage""".split()
)
# The fields a missing-field warning can name: the project's name for each, and the CSL variable.
CHECKED_FIELDS = (
    ("author", "author"),
    ("title", "title"),
    ("date", "issued"),
    ("publisher", "publisher"),
    ("container", "container-title"),
    ("url", "URL"),
)
# A field is only missing where the type has one: a report has no outlet, an article no publisher of its own.
_CONTAINED = frozenset(
    """article article-journal article-magazine article-newspaper chapter entry entry-dictionary
    entry-encyclopedia paper-conference post post-weblog review review-book webpage""".split()
)
_PUBLISHED = frozenset("book report pamphlet thesis dataset software standard document manuscript".split())
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Words that make an author an organisation, printed as written rather than as "Family, Given".
_ORGANISATION = re.compile(
    r"\b(institute|institution|center|centre|council|ministry|department|dept|office|bureau|agency|"
    r"commission|committee|university|college|foundation|association|group|corporation|company|inc|ltd|"
    r"llc|press|news|times|post|journal|government|administration|service|forum|network|program|programme|"
    r"project|society|academy|board|authority|bank|fund|organization|organisation|nations|union|staff|"
    r"team|editors|editorial)\b",
    re.IGNORECASE,
)
_PARTICLES = frozenset({"van", "von", "de", "del", "della", "der", "den", "di", "da", "du", "la", "le", "ter", "bin"})


class Describable(Protocol):
    """What a document view offers to be cited (``context.DocumentView``)."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def publisher(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def source_file(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def doi(self) -> str: ...
    @property
    def container(self) -> str: ...


def item_key(document_id: int) -> str:
    return f"doc{document_id}"


def csl_item(doc: Describable) -> dict[str, Any]:
    """The CSL-JSON item for ``doc``: only the fields it has."""
    kind = doc.type.strip().lower()
    item: dict[str, Any] = {"id": item_key(doc.id), "type": kind if kind in CSL_TYPES else "document"}
    title = " ".join(doc.title.split())  # a line break in a title is no break in a citation
    if title:
        item["title"] = title
    authors = parse_authors(doc.author)
    if authors:
        item["author"] = authors
    issued = date_parts(doc.date)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    for name, variable in (("publisher", "publisher"), ("container", "container-title"), ("url", "URL")):
        value = " ".join(getattr(doc, name).split())
        if value:
            item[variable] = value
    doi = doc.doi.strip()
    if doi:
        item["DOI"] = doi
    language = doc.language.strip()
    if language and language != "und":
        # CSL title-cases English titles only; it needs to know which ones those are.
        item["language"] = language
    return item


def date_parts(iso: str) -> list[int]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as CSL date parts; [] for anything else."""
    match = _ISO_DATE.match(iso.strip())
    if not match:
        return []
    parts = [int(p) for p in match.groups() if p]
    if parts[0] < 1:
        return []
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return parts[:1]
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        return parts[:2]
    return parts


def parse_authors(text: str) -> list[dict[str, str]]:
    """Authors as Briefer stores them ("Given Family; Given Family") as CSL names.

    "Family, Given" is read as written; an organisation, a Chinese, Japanese
    or Korean name, or a single word is kept whole (a literal name), since
    splitting it into given and family names would misprint it.
    """
    names = []
    for part in text.split(";"):
        part = " ".join(part.split())
        # "Priya Raman and Ann Lee", but never "Center for Strategic and International Studies".
        people = [part] if _ORGANISATION.search(part) else re.split(r"\s+(?:&|and)\s+", part)
        names += [parse_name(name) for name in people if name]
    return names


def parse_name(name: str) -> dict[str, str]:
    if _CJK.search(name) or _ORGANISATION.search(name):
        return {"literal": name}
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
        words = family.split(" ")
        # "van der Berg, Jan": one family name, perhaps after particles.
        if family and given and all(w.lower() in _PARTICLES for w in words[:-1]):
            return {"family": family, "given": given}
        return {"literal": name}
    words = name.split(" ")
    if len(words) == 1 or len(words) > 4:
        return {"literal": name}
    # "Ludwig van Beethoven": the particle stays with the family name.
    split = len(words) - 1
    while split > 1 and words[split - 1].lower() in _PARTICLES:
        split -= 1
    return {"family": " ".join(words[split:]), "given": " ".join(words[:split])}


def expected_fields(item_type: str) -> list[tuple[str, str]]:
    """The checked fields an item of this type is expected to have (CHECKED_FIELDS, less what it cannot have)."""
    return [
        (name, variable)
        for name, variable in CHECKED_FIELDS
        if not (name == "container" and item_type not in _CONTAINED)
        and not (name == "publisher" and item_type not in _PUBLISHED)
    ]

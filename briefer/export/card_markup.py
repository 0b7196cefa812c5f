"""Template helpers for Word styles and debate cards, written as Markdown both outputs understand.

A template names a Word style for the next block with ``{{ docx(style="Card
Tag") }}``, which prints an HTML comment: invisible in any Markdown reader,
read by the Word builder (``docx_build``). ``p|card`` prints a card's body:
the marker for the Card Body style and the paragraph around the passage with
the passage in bold. In Word, bold in a Card Body paragraph is the Read Text
character style and the rest Shrunk Text; in Markdown it stays bold and plain.
"""

from __future__ import annotations

import re
from typing import Any

from briefer.export.mdescape import Trusted, strong_between

# <!-- docx style="Card Tag" widths="40 60" -->: what the Word builder reads back.
_DIRECTIVE_COMMENT = r'<!--\s*docx((?:\s+[a-z]+="[^"<>]*")+)\s*-->'
DIRECTIVE = re.compile(_DIRECTIVE_COMMENT + r"\s*")
# A line that is one directive and nothing else, as docx_directive() prints it;
# the Markdown dialect stashes such lines itself (markdown_dialect.DirectiveLines).
DIRECTIVE_LINE = re.compile(_DIRECTIVE_COMMENT)
_ATTRIBUTE = re.compile(r'([a-z]+)="([^"<>]*)"')
_STYLE_NAME = re.compile(r"[\w .()&'/+-]{1,100}")
_SPACE = re.compile(r"\s")
# Where a Chinese or Japanese text may be cut: after its punctuation, else between characters.
_CJK_BREAK = re.compile(r"[，。、；：！？）」』,;:]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_ELLIPSIS = "…"


def docx_directive(style: str | None = None, widths: Any = None) -> Trusted:
    """The comment that gives the next block a Word style, or the next table its column widths (percent)."""
    parts = []
    if style is not None:
        style = str(style)
        if not _STYLE_NAME.fullmatch(style):
            raise ValueError(f"docx(style={style!r}): a Word style name is letters, digits and spaces")
        parts.append(f'style="{style}"')
    if widths is not None:
        if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
            raise ValueError("docx(widths=...): give a list of percentages, such as [50, 35, 15]")
        numbers = list(widths)
        if not numbers or len(numbers) > 64 or not all(isinstance(n, (int, float)) and n > 0 for n in numbers):
            raise ValueError("docx(widths=...): give a list of positive percentages, such as [50, 35, 15]")
        parts.append('widths="' + " ".join(f"{float(n):g}" for n in numbers) + '"')
    if not parts:
        raise ValueError("docx() needs style= or widths=")
    return Trusted(f"<!-- docx {' '.join(parts)} -->")


def read_directive(raw: str) -> dict[str, str] | None:
    """The attributes of a ``docx`` directive comment, or None if ``raw`` is not one."""
    m = DIRECTIVE.fullmatch(raw.strip())
    return dict(_ATTRIBUTE.findall(m.group(1))) if m else None


def card(passage: Any) -> Trusted:
    """A card body: the passage's paragraph, the passage in bold (Read Text), the rest plain (Shrunk Text)."""
    quote = str(passage.quote)
    core = quote.strip()
    lead, trail = quote[: len(quote) - len(quote.lstrip())], quote[len(quote.rstrip()) :]
    body = strong_between(f"{passage.paragraph_before}{lead}", core, f"{trail}{passage.paragraph_after}")
    return Trusted(f"{docx_directive(style='Card Body')}\n{body}")


def shorten(text: Any, width: int = 90) -> str:
    """``text`` cut to at most ``width`` characters at a word boundary, with "…" when cut.

    Never inside a word: between words in spaced scripts, and in Chinese or
    Japanese after punctuation, or between characters if there is none near.
    """
    value = " ".join(str(text).split())
    if len(value) <= width:
        return value
    limit = max(width - 1, 1)
    head = value[: limit + 1]
    cut = -1
    for m in _SPACE.finditer(head):
        cut = m.start()
    if cut <= 0 and _CJK.search(head):
        breaks = [m.end() for m in _CJK_BREAK.finditer(head, 0, limit)]
        cut = breaks[-1] if breaks and breaks[-1] > limit // 2 else limit
    if cut <= 0:  # one long word: keep it whole rather than cut it
        end = _SPACE.search(value)
        return value if end is None else value[: end.start()] + _ELLIPSIS
    return value[:cut].rstrip(" ,;:-–—，、") + _ELLIPSIS


_SPLIT_AUTHORS = re.compile(r"\s*;\s*|\s+and\s+|\s*&\s*")


def author_year(author: str, date: str, outlet: str, title: str = "") -> str:
    """Verbatim's short cite: "Raman 2025", "Raman and Lee 2025", "Raman et al. 2025", else "Outlet 2025".

    With neither author nor outlet, the title's head stands in ("Small courtyard, high wall 2024").
    """
    year_match = re.match(r"\d{4}", date.strip())
    year = year_match.group(0) if year_match else "n.d."
    names = [n for n in _SPLIT_AUTHORS.split(author.strip()) if n] if author.strip() else []
    if not names:
        who = outlet.strip() or shorten(title.split(":")[0], 40)
    else:
        families = [_family(n) for n in names[:2]]
        who = (
            families[0] if len(names) == 1 else (" and ".join(families) if len(names) == 2 else f"{families[0]} et al.")
        )
    return f"{who} {year}".strip()


def _family(name: str) -> str:
    if "," in name:
        return name.split(",", 1)[0].strip()
    words = name.split()
    # An organisation ("Harbor Policy Institute") or a name in a script without spaces stays whole.
    if len(words) > 3 or len(words) == 1:
        return name.strip()
    return words[-1]

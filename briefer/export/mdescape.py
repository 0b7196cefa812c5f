"""Escaping text so that any CommonMark renderer (and Python-Markdown) prints it literally.

One Markdown text serves both the ``.md`` output and the ``.docx`` build, so
escapes must be understood by both CommonMark and Python-Markdown. Backslash
escapes are used only for the characters Python-Markdown also un-escapes;
everything else significant becomes a numeric character reference, which both
decode to the literal character and neither treats as syntax.

Characters that only matter at the start of a line (``#``, ``>``, list
markers, setext underlines) are escaped only there, which keeps the raw
``.md`` readable.
"""

from __future__ import annotations

import re
from urllib.parse import quote as _percent

from markupsafe import Markup

# Significant anywhere on a line.
_INLINE = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "~": "&#126;",  # GFM strikethrough and ~~~ fences; Python-Markdown has no \~
    "|": "\\|",  # table cells; both renderers accept \|
    "$": "&#36;",  # math extensions some renderers enable
}
_INLINE_RE = re.compile("[" + re.escape("".join(_INLINE)) + "]")
_INLINE_TABLE = str.maketrans(_INLINE)
# Block syntax at the start of a line (after the indentation we also protect).
_LINE_START_RE = re.compile(r"^([ \t]*)(?:([#+\-=])|(\d{1,9})([.)]))?", re.MULTILINE)
_LEADING_WS = {" ": "&#32;", "\t": "&#9;"}
_NEWLINES_RE = re.compile(r"\r\n|\r|\n")
# A line start _LINE_START_RE would change; most values have none.
_LINE_START_WORK_RE = re.compile(r"^(?:[ \t]|[#+\-=]|\d{1,9}[.)])", re.MULTILINE)


class Trusted(Markup):
    """Text that is already Markdown (escaped, or intentionally formatted).

    A ``Markup`` subclass, because Jinja's own machinery (macros, blocks,
    ``super()``, ``{% set %}`` blocks) already marks rendered template output
    as ``Markup`` when autoescaping is on; ``finalize`` passes any ``Markup``
    through and escapes everything else for Markdown.
    """


def _line_start(match: re.Match[str]) -> str:
    indent = "".join(_LEADING_WS[c] for c in match.group(1))
    if match.group(2):
        char = match.group(2)
        return indent + ("&#61;" if char == "=" else "\\" + char)
    if match.group(3):
        return indent + match.group(3) + "\\" + match.group(4)
    return indent


def escape_markdown(text: str, *, at_line_start: bool = True) -> str:
    """Escape ``text`` so a Markdown renderer shows exactly these characters.

    Line breaks inside the text become hard line breaks (two trailing spaces),
    so a multi-line quote stays one paragraph and stays inside a blockquote or
    list item through lazy continuation. ``at_line_start=False`` is for text
    known to continue a line, whose start needs no block-level escaping.
    """
    if not text:
        return ""
    escaped = str(text)
    if _INLINE_RE.search(escaped):  # most values have none; translate() looks up every character
        escaped = escaped.translate(_INLINE_TABLE)
    if "\r" in escaped:
        escaped = _NEWLINES_RE.sub("\n", escaped)
    if at_line_start:
        if _LINE_START_WORK_RE.search(escaped):
            escaped = _LINE_START_RE.sub(_line_start, escaped)
    else:
        head, sep, tail = escaped.partition("\n")
        if _LINE_START_WORK_RE.search(tail):
            escaped = head + sep + _LINE_START_RE.sub(_line_start, tail)
    if "\n" not in escaped:
        return escaped if escaped.strip() else ""
    lines = escaped.split("\n")
    # Blank lines would end the paragraph (and a blockquote): drop them, the
    # hard break keeps the line structure visible.
    kept = [line for line in lines if line.strip()] or [""]
    return "  \n".join(kept)


def escape_cell(text: str) -> str:
    """Escape for a pipe-table cell: no line breaks may survive inside a row."""
    escaped = escape_markdown(text)
    return escaped.replace("  \n", "<br>")


def markdown_link(url: str, text: str | None = None) -> str:
    """A Markdown link to ``url`` that survives any characters in it.

    The destination goes in angle brackets, where neither renderer looks for
    emphasis or escapes; only what the brackets cannot hold (spaces, ``<``,
    ``>``, controls) is percent-encoded. Only web and mail schemes become
    links; anything else prints as text so a template cannot make a
    ``javascript:`` link.
    """
    clean = url.strip()
    label = escape_markdown(text if text is not None else clean)
    if not re.match(r"(?i)^(https?|ftp|mailto):", clean):
        return label
    dest = re.sub(r"[\x00-\x20<>\x7f]", lambda m: _percent(m.group(0), safe=""), clean)
    return f"[{label}](<{dest}>)"


def _is_punct(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char)[0] in "PS"


def strong_between(before: str, text: str, after: str) -> str:
    """``before`` + ``text`` in bold + ``after``, all escaped, the bold guaranteed to bind.

    CommonMark only closes ``**`` when its neighbours allow it (a quote ending
    in 。 followed directly by more Chinese does not), and an unbound ``**``
    would print as two stray asterisks. Where ``**`` cannot bind, inline HTML
    ``<strong>`` is used, which both renderers pass through.
    """
    b = escape_markdown(before)
    t = escape_markdown(text, at_line_start=not before)
    a = escape_markdown(after, at_line_start=False)
    if not t.strip():
        return b + t + a
    prev_c, first, last, next_c = (b[-1:] or " "), t[0], t[-1], (a[:1] or " ")
    opens = not first.isspace() and (not _is_punct(first) or prev_c.isspace() or _is_punct(prev_c))
    closes = not last.isspace() and (not _is_punct(last) or next_c.isspace() or _is_punct(next_c))
    if opens and closes:
        return f"{b}**{t}**{a}"
    return f"{b}<strong>{t}</strong>{a}"

"""``briefer show PROJECT`` without ``--json``: a short summary a person reads.

It is built from the same dictionary ``--json`` prints, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefer.core.wording import plural


def project_summary(data: dict[str, Any], project: Path) -> str:
    """Title; ``N documents, N tags, N passages, N sections``; then the outline as an indented list."""
    title = " ".join(str(data["project"].get("title") or "").split()) or project.stem
    sections = list(_walk(data["outline"], 0))
    lines = [
        title,
        ", ".join(
            (
                plural(len(data["documents"]), "document"),
                plural(len(data["tags"]), "tag"),
                plural(len(data["passages"]), "passage"),
                plural(len(sections), "section"),
            )
        ),
    ]
    if sections:
        lines += ["", "Outline:"]
        for depth, section in sections:
            heading = " ".join(str(section["title"]).split()) or "(untitled)"
            stance = f", stance {section['stance']}" if section.get("stance") else ""
            lines.append(f"{'  ' * depth}- {heading} ({plural(len(section['passages']), 'passage')}{stance})")
    else:
        lines += ["", "The outline is empty."]
    return "\n".join(lines)


def _walk(sections: list[dict[str, Any]], depth: int) -> Iterator[tuple[int, dict[str, Any]]]:
    for section in sections:
        yield depth, section
        yield from _walk(section["children"], depth + 1)

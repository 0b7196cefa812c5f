"""Write each bundled template's reference.docx from the house style (briefer/export/house_style.py).

Run from the repository after changing the house style:

    .venv/bin/python templates/make_reference_docx.py

The files are committed; an analyst or template author restyles a briefing by
editing a reference.docx in Word instead (see templates/README.md).
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from briefer.export.house_style import LOOKS, build_reference

FOLDER = Path(__file__).resolve().parent
FIXED_DATE = datetime(2026, 12, 1, tzinfo=timezone.utc)


def main() -> int:
    for name, look in LOOKS.items():
        target = FOLDER / name / "reference.docx"
        document = build_reference(look)
        # Fixed metadata, so regenerating an unchanged style gives the same file contents.
        document.core_properties.author = "Briefer"
        document.core_properties.title = f"Briefer {name} reference document"
        document.core_properties.revision = 1
        document.core_properties.created = document.core_properties.modified = FIXED_DATE
        document.core_properties.last_modified_by = "Briefer"
        document.save(str(target))
        print(f"wrote {target.relative_to(FOLDER.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

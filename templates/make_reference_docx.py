"""Write each bundled template's reference.docx from the house style (briefer/export/house_style.py).

Run from the repository after changing the house style:

    .venv/bin/python templates/make_reference_docx.py

The files are committed; an analyst or template author restyles a briefing by
editing a reference.docx in Word instead (see templates/README.md).
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from briefer.export.house_style import LOOKS, build_reference

FOLDER = Path(__file__).resolve().parent
FIXED_DATE = datetime(2026, 12, 1, tzinfo=UTC)


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
        buffer = io.BytesIO()
        document.save(buffer)
        target.write_bytes(_with_fixed_times(buffer.getvalue()))
        print(f"wrote {target.relative_to(FOLDER.parent)}")
    return 0


def _with_fixed_times(data: bytes) -> bytes:
    """The package with every entry dated FIXED_DATE, so an unchanged style gives a byte-identical file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())

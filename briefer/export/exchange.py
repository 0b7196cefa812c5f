"""Exports that are data, not a briefing: REFI-QDA ``.qdpx`` and the evidence as ``.xlsx`` or ``.csv``.

No template is involved; the format follows the output's suffix. Each file is
built whole in memory and then written atomically, like a briefing.
"""

from __future__ import annotations

from pathlib import Path

from briefer.core.store import Store
from briefer.export.writer import write_atomically

EXCHANGE_FORMATS = {".qdpx": "qdpx", ".xlsx": "xlsx", ".csv": "csv"}


def is_exchange_format(path: str | Path) -> bool:
    return Path(path).suffix.lower() in EXCHANGE_FORMATS


def export_exchange(store: Store, output: str | Path) -> tuple[Path, str]:
    """Write the project to ``output`` (.qdpx, .xlsx or .csv); returns the path and the format."""
    out = Path(output)
    fmt = EXCHANGE_FORMATS[out.suffix.lower()]
    if fmt == "qdpx":
        from briefer.export.qdpx_write import qdpx_bytes

        data = qdpx_bytes(store)
    else:
        from briefer.export.spreadsheet import csv_bytes, xlsx_bytes

        data = xlsx_bytes(store) if fmt == "xlsx" else csv_bytes(store)
    write_atomically(out, data)
    return out, fmt

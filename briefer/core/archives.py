"""One guard for every zip archive read from outside (a .docx to import, a template's reference.docx).

Readers such as python-docx unpack every part into memory and parse each XML
part whole, so a small archive that unpacks to gigabytes (a decompression
bomb) would take that much memory before anything could refuse it. ``check_zip``
runs first and refuses, with the reason, an archive that:

- uses a compression method other than stored or deflated (zipfile decompresses
  a bzip2 or LZMA chunk whole, with no bound on its output; Word never writes them);
- has more parts than any real document;
- names a part outside the archive's own folder (``../``, an absolute path, a
  drive letter), which an unpacking tool would write there;
- declares a parsed part (XML) or all parts together larger than the limits;
- declares a large part compressed far beyond what real documents compress to;
- holds data that does not match its header: every part is decompressed once, in
  small chunks, and counted, so a header that understates the size cannot slip
  through. zipfile itself never returns more than the declared size (the rest
  fails the checksum), so memory stays bounded by the declared sizes either way.

It reads from bytes or a path and keeps at most one chunk in memory; no Qt.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from briefer.core.errors import ArchiveDamaged, ArchiveRejected

MB = 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    # python-docx on 85 MB of document.xml (a 300 KB .docx) took 27 s and 790 MB;
    # a long, heavily formatted report has a few MB of XML.
    part: int = 32 * MB  # a parsed part (see parsed_suffixes), unpacked
    total: int = 256 * MB  # all parts together, unpacked
    # Real XML parts deflate 5 to 30 times; a run of zeros deflates about 1000 times.
    # Only parts that unpack to more than ratio_from bytes are held to it.
    ratio: int = 200
    ratio_from: int = 1 * MB
    members: int = 10_000
    parsed_suffixes: tuple[str, ...] = (".xml", ".rels")


DOCX_LIMITS = ArchiveLimits()


def check_zip(source: bytes | Path, limits: ArchiveLimits = DOCX_LIMITS) -> None:
    """Refuse ``source`` (raise ArchiveRejected, or ArchiveDamaged) unless it is safe to unpack whole."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            parts = archive.infolist()
            _check_declared(parts, limits)
            for part in parts:
                _check_actual(archive, part)
    except (ArchiveRejected, OSError):  # OSError: the file itself could not be read; the caller says so
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise ArchiveDamaged(f"not a readable zip archive ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # zlib.error and other failures of a damaged archive
        raise ArchiveDamaged(f"not a readable zip archive ({exc.__class__.__name__})") from None


def _check_declared(parts: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(parts) > limits.members:
        raise ArchiveRejected(f"holds {len(parts)} parts, over the {limits.members} an archive may hold")
    for part in parts:
        if _escapes(part.filename):
            raise ArchiveRejected(f"part {part.filename!r} points outside the archive (../ or an absolute path)")
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveRejected(
                f"{part.filename} is compressed with method {part.compress_type}; only stored and deflated "
                "parts are read"
            )
        if part.filename.endswith(limits.parsed_suffixes) and part.file_size > limits.part:
            raise ArchiveRejected(
                f"{part.filename} unpacks to {part.file_size // MB} MB of XML, "
                f"over the {limits.part // MB} MB a part may hold (a decompression bomb?)"
            )
    total = sum(part.file_size for part in parts)
    if total > limits.total:
        raise ArchiveRejected(
            f"unpacks to {total // MB} MB, over the {limits.total // MB} MB an archive may hold (a decompression bomb?)"
        )
    for part in parts:
        if part.file_size > limits.ratio_from and part.file_size > limits.ratio * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise ArchiveRejected(
                f"{part.filename} is compressed {ratio} to 1, over the {limits.ratio} to 1 "
                "a real document reaches (a decompression bomb?)"
            )


def _escapes(name: str) -> bool:
    """Whether a part's name leads out of the folder it would be unpacked into."""
    name = name.replace("\\", "/")
    return name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in name.split("/")


def _check_actual(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Decompress ``part`` in chunks, counting; stop at its declared size."""
    count = 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                count += len(chunk)
                if count > part.file_size:  # zipfile stops at the declared size; never trust that alone
                    break
    except zipfile.BadZipFile as exc:
        raise ArchiveDamaged(
            f"{part.filename} does not match its header ({exc}): a damaged file, or one that hides its real size"
        ) from None
    if count != part.file_size:
        raise ArchiveDamaged(
            f"{part.filename} unpacks to {'more' if count > part.file_size else 'less'} than the "
            f"{part.file_size} bytes its header declares: a damaged file, or one that hides its real size"
        )

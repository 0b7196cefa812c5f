"""The one archive guard: declared sizes, compression ratio and actual sizes, checked before reading."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from briefer.core.archives import MB, ArchiveLimits, check_zip
from briefer.core.errors import ArchiveDamaged, ArchiveRejected


def real_docx() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("seed")
    document.save(out)
    return out.getvalue()


def replace_part(package: bytes, name: str, data: bytes, *, level: int = 1) -> bytes:
    """``package`` with part ``name`` replaced by, or added as, ``data`` (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [info.filename for info in source.infolist()]
        for part in names if name in names else [*names, name]:
            body = data if part == name else source.read(part)
            target.writestr(part, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return out.getvalue()


def declare_size(package: bytes, name: str, size: int) -> bytes:
    """``package`` with the uncompressed size of ``name`` rewritten in both of its headers (data unchanged)."""
    data = bytearray(package)
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        local = archive.getinfo(name).header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, size)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len] == encoded:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} not in the central directory")


def test_a_real_docx_passes_as_bytes_and_as_a_path(tmp_path: Path) -> None:
    package = real_docx()
    check_zip(package)
    (tmp_path / "r.docx").write_bytes(package)
    check_zip(tmp_path / "r.docx")


def test_a_part_declaring_a_gigabyte_is_refused_before_it_is_read() -> None:
    bomb = declare_size(real_docx(), "word/styles.xml", 1024 * MB)
    with pytest.raises(ArchiveRejected) as caught:
        check_zip(bomb)
    assert not isinstance(caught.value, ArchiveDamaged)
    assert str(caught.value) == (
        "word/styles.xml unpacks to 1024 MB of XML, over the 32 MB a part may hold (a decompression bomb?)"
    )


def test_all_parts_together_are_bounded() -> None:
    package = replace_part(real_docx(), "word/media/image.png", bytes(1))  # not XML: only the total applies
    with pytest.raises(ArchiveRejected, match=r"^unpacks to 300 MB, over the 256 MB an archive may hold"):
        check_zip(declare_size(package, "word/media/image.png", 300 * MB))


def test_a_part_compressed_like_a_bomb_is_refused() -> None:
    # 4 MB of zeros deflate to about 4 KB: under every size limit, but no real part compresses 1000 to 1.
    bomb = replace_part(real_docx(), "word/styles.xml", bytes(4 * MB))
    assert len(bomb) < 64 * 1024
    with pytest.raises(ArchiveRejected, match=r"^word/styles\.xml is compressed \d+ to 1, over the 200 to 1"):
        check_zip(bomb)


def test_a_header_that_understates_the_size_is_caught_in_bounded_memory() -> None:
    # 40 MB of XML that says it is 4 KB: nothing about it looks large until it is read.
    hidden = b"<w:styles>" + b" " * (40 * MB) + b"</w:styles>"
    bomb = declare_size(replace_part(real_docx(), "word/styles.xml", hidden, level=9), "word/styles.xml", 4096)
    del hidden
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveDamaged, match=r"^word/styles\.xml does not match its header"):
            check_zip(bomb, ArchiveLimits(ratio=10**9))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MB


def test_methods_other_than_stored_and_deflated_are_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("word/document.xml", b"<x/>")
    with pytest.raises(ArchiveRejected, match=r"^word/document\.xml is compressed with method 12; only stored"):
        check_zip(out.getvalue())


def test_too_many_parts_and_not_a_zip() -> None:
    with pytest.raises(ArchiveRejected, match=r"^holds \d+ parts, over the 3 an archive may hold"):
        check_zip(real_docx(), ArchiveLimits(members=3))
    with pytest.raises(ArchiveDamaged, match=r"^not a readable zip archive \(BadZipFile"):
        check_zip(b"plain text, not a zip")


@pytest.mark.parametrize("name", ["../evil.xml", "word/../../evil.xml", "/etc/evil.xml", "C:/evil.xml", "..\\evil.xml"])
def test_a_part_named_outside_the_archive_is_refused(name: str) -> None:
    with pytest.raises(ArchiveRejected, match="points outside the archive"):
        check_zip(replace_part(real_docx(), name, b"<x/>"))


def test_names_that_only_look_odd_are_read() -> None:
    check_zip(replace_part(real_docx(), "word/media/a..b.png", b"png"))

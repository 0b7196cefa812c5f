"""Random and near-valid files through every importer: each is imported, skipped or rejected with a reason.

Bounded by hypothesis's example counts, not by time; nothing here times anything.
Every example goes through the real pipeline into a real project file, and the
project must stay readable with nothing half-stored.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefer.core.importing import import_paths
from briefer.core.service import ProjectService
from briefer.core.store import Store

SUFFIXES = [".txt", ".md", ".html", ".docx", ".pdf", ".json", ".ris", ".bib"]
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _import_one(name: str, data: bytes) -> tuple[str, str, tuple[int, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        project = Path(tmp) / "p.briefer"
        with Store.create(project) as store:
            outcomes = import_paths(ProjectService(store), [path])
        with Store.open(project, readonly=True) as store:  # still a readable project
            counts = store.counts()
            for info in store.list_documents():
                assert store.get_document(info.id).length == info.length
    assert outcomes, name
    return outcomes[0].status, outcomes[0].line(), counts


def _valid_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Export controls and chips.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@FUZZ
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(min_size=1, max_size=2048))
def test_random_bytes_end_in_a_reason(suffix: str, data: bytes) -> None:
    status, line, counts = _import_one(f"random{suffix}", data)
    assert status in ("imported", "skipped", "rejected", "unmatched"), line
    if status == "rejected":
        assert line.startswith("rejected ") and ": " in line and "Traceback" not in line
        assert counts == (0, 0)  # nothing half-stored


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_docx_with_flipped_bytes_ends_in_a_reason(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_valid_docx())
    for position, value in flips:
        data[position % len(data)] = value
    status, line, counts = _import_one("flipped.docx", bytes(data))
    assert status in ("imported", "rejected"), line
    if status == "rejected":
        assert counts == (0, 0)


@FUZZ
@given(cut=st.integers(min_value=1, max_value=100))
def test_a_truncated_docx_ends_in_a_reason(cut: int) -> None:
    data = _valid_docx()
    status, line, counts = _import_one("cut.docx", data[: len(data) * cut // 101])
    assert status == "rejected", line
    assert counts == (0, 0)


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(["word/document.xml", "[Content_Types].xml", "x.bin"]), st.binary(max_size=512), min_size=1
    )
)
def test_a_zip_that_is_not_word_ends_in_a_reason(members: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    status, line, _counts = _import_one("odd.docx", out.getvalue())
    assert status in ("imported", "rejected"), line


@FUZZ
@given(text=st.text(min_size=1, max_size=400))
def test_any_text_in_a_markup_format_ends_in_a_reason(text: str) -> None:
    for suffix in (".md", ".html", ".json", ".ris", ".bib"):
        status, line, _counts = _import_one(f"t{suffix}", text.encode("utf-8", "surrogatepass"))
        assert status in ("imported", "skipped", "rejected", "unmatched"), line

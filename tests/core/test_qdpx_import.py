"""Importing REFI-QDA files written by other tools, and refusing bad ones whole."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefer.cli import main
from briefer.core.importing import import_paths
from briefer.core.service import ProjectService
from briefer.core.store import Store

NS = "urn:QDA-XML:project:1.0"


def guid(n: int) -> str:
    return f"{n:08d}-0000-4000-8000-000000000000"


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def show(capsys: pytest.CaptureFixture[str], project: Path) -> dict[str, Any]:
    code, out, err = cli(capsys, "show", project, "--json", "--with-text")
    assert code == 0, err
    return json.loads(out)


def qdpx(path: Path, qde: str, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


ANOTHER_TOOLS_PROJECT = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="Fieldwork 2024" origin="Another QDA tool 12">
  <CodeBook><Codes>
    <Code guid="{guid(1)}" name="Economy" isCodable="false" color="#3366cc">
      <Description>Category</Description>
      <Code guid="{guid(2)}" name="Jobs" isCodable="true" color="#FF0000"/>
      <Code guid="{guid(3)}" name="Prices" isCodable="true"/>
    </Code>
    <Code guid="{guid(4)}" name="Security" isCodable="true" color="#0a0"/>
  </Codes></CodeBook>
  <Variables><Variable guid="{guid(5)}" name="Author" typeOfVariable="Text"/></Variables>
  <Sources>
    <TextSource guid="{guid(10)}" name="Interview 1">
      <PlainTextContent>Factories closed. Prices rose fast.
Security was tight.</PlainTextContent>
      <PlainTextSelection guid="{guid(11)}" name="Factories closed." startPosition="0" endPosition="17">
        <Coding guid="{guid(12)}"><CodeRef targetGUID="{guid(2)}"/></Coding>
        <Coding guid="{guid(13)}"><CodeRef targetGUID="{guid(4)}"/></Coding>
        <NoteRef targetGUID="{guid(30)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(14)}" name="Prices rose fast." startPosition="18" endPosition="35">
        <Coding guid="{guid(15)}"><CodeRef targetGUID="{guid(3)}"/></Coding>
      </PlainTextSelection>
      <VariableValue><VariableRef targetGUID="{guid(5)}"/><TextValue>Li Wei</TextValue></VariableValue>
    </TextSource>
    <!-- a comment between sources, as some tools write -->
    <PDFSource guid="{guid(20)}" name="Report.pdf" path="internal://{guid(20)}.pdf">
      <PDFSelection guid="{guid(21)}" page="1" firstX="1" firstY="1" secondX="9" secondY="9"/>
    </PDFSource>
  </Sources>
  <Notes>
    <Note guid="{guid(30)}" name="memo" creationDateTime="2024-01-01T10:00:00Z">
      <PlainTextContent>Said twice.</PlainTextContent>
    </Note>
  </Notes>
</Project>
"""


def test_another_tools_project_imports_with_its_codes_notes_and_a_skipped_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = qdpx(tmp_path / "other.qdpx", ANOTHER_TOOLS_PROJECT, {f"sources/{guid(20)}.pdf": b"%PDF-1.4"})
    project = tmp_path / "p.briefer"
    assert cli(capsys, "new", project, "--empty")[0] == 0
    code, out, err = cli(capsys, "import", project, path)
    assert code == 0, err
    assert f"skipped {path}#Report.pdf: a PDF source" in out
    assert "cannot verify" not in out
    data = show(capsys, project)
    tags = {t["name"]: t for t in data["tags"]}
    names = {t["id"]: t["name"] for t in data["tags"]}
    assert names[tags["Jobs"]["parent"]] == "Economy" and names[tags["Prices"]["parent"]] == "Economy"
    assert tags["Jobs"]["color"] == "#ff0000" and tags["Security"]["color"] == "#00aa00"
    assert tags["Prices"]["color"].startswith("#") and len(tags["Prices"]["color"]) == 7
    assert tags["Economy"]["description"] == "Category"
    [doc] = data["documents"]
    assert doc["title"] == "Interview 1" and doc["author"] == "Li Wei"
    first, second = data["passages"]
    assert (first["quote"], sorted(first["tags"]), first["note"]) == (
        "Factories closed.",
        ["Jobs", "Security"],
        "Said twice.",
    )
    assert (second["quote"], second["tags"], second["note"], second["translation"]) == (
        "Prices rose fast.",
        ["Prices"],
        "",
        "",
    )
    assert data["project"]["title"].startswith("US export controls")  # an existing project keeps its own

    fresh = tmp_path / "fresh.briefer"
    assert cli(capsys, "import", fresh, path)[0] == 0
    data = show(capsys, fresh)
    assert data["project"]["title"] == "Fieldwork 2024"
    assert [t["name"] for t in data["tags"]] == ["Economy", "Jobs", "Prices", "Security"]  # nothing but the file's
    assert data["outline"] == []


def test_existing_tags_are_matched_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.briefer"
    assert cli(capsys, "new", project, "--empty")[0] == 0  # has "Controls work" etc.
    qde = ANOTHER_TOOLS_PROJECT.replace('name="Security"', 'name="Controls work"')
    assert cli(capsys, "import", project, qdpx(tmp_path / "o.qdpx", qde))[0] == 0
    data = show(capsys, project)
    assert [t["name"] for t in data["tags"]].count("Controls work") == 1
    control = next(t for t in data["tags"] if t["name"] == "Controls work")
    assert control["color"] == "#2a7ab9"  # the project's own tag, untouched
    assert "Controls work" in data["passages"][0]["tags"]


def _source_file_project(text: str, selections: list[tuple[str, int, int]]) -> str:
    rows = "\n".join(
        f'<PlainTextSelection guid="{guid(100 + i)}" name="{name}" startPosition="{s}" endPosition="{e}">'
        f'<Coding guid="{guid(200 + i)}"><CodeRef targetGUID="{guid(1)}"/></Coding></PlainTextSelection>'
        for i, (name, s, e) in enumerate(selections)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="p" origin="t"><CodeBook><Codes>
<Code guid="{guid(1)}" name="Code" isCodable="true" color="#112233"/></Codes></CodeBook>
<Sources><TextSource guid="{guid(10)}" name="Doc" plainTextPath="internal://{guid(10)}.txt">{rows}</TextSource></Sources>
</Project>"""


ASTRAL = "Emoji 😀 and 𠀀 then 中文 text and 𪚥 more words."


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _import_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qde: str, text: bytes
) -> tuple[str, dict[str, Any]]:
    path = qdpx(tmp_path / "in.qdpx", qde, {f"Sources/{guid(10).upper()}.TXT": text})  # found ignoring case
    project = tmp_path / "new.briefer"
    code, out, err = cli(capsys, "import", project, path)
    assert code == 0, err
    return out, show(capsys, project)


def test_utf16_counted_positions_are_detected_and_converted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quotes = ["中文 text", "more words"]
    selections = []
    for quote in quotes:
        start = ASTRAL.index(quote)
        selections.append((quote, _utf16(ASTRAL, start), _utf16(ASTRAL, start + len(quote))))
    out, data = _import_one(tmp_path, capsys, _source_file_project(ASTRAL, selections), ASTRAL.encode("utf-8"))
    assert "positions counted UTF-16 code units; converted to characters" in out
    assert [p["quote"] for p in data["passages"]] == quotes
    text = data["documents"][0]["text"]
    assert all(text[p["start"] : p["end"]] == p["quote"] for p in data["passages"])


def test_byte_counted_positions_are_detected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start = ASTRAL.index("中文 text")
    selections = [("中文 text", len(ASTRAL[:start].encode()), len(ASTRAL[: start + 7].encode()))]
    out, data = _import_one(tmp_path, capsys, _source_file_project(ASTRAL, selections), ASTRAL.encode("utf-8"))
    assert "positions counted bytes (UTF-8)" in out
    assert data["passages"][0]["quote"] == "中文 text"


def test_a_leading_bom_is_removed_and_positions_corrected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "\ufeffLine one.\r\nLine 😀 two."
    start = text.index("two")  # counted in the text as the file holds it: BOM and \r included
    out, data = _import_one(
        tmp_path, capsys, _source_file_project(text, [("two", start, start + 3)]), text.encode("utf-8")
    )
    assert "leading byte-order mark removed; the positions that counted it corrected" in out
    stored = data["documents"][0]["text"]
    assert stored == "Line one.\nLine 😀 two."
    assert data["passages"][0]["quote"] == "two" and stored[data["passages"][0]["start"]] == "t"


def test_decomposed_accents_are_composed_and_positions_follow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Cafe\u0301 society\r\nand re\u0301sume\u0301 writing."
    start = text.index("writing")
    out, data = _import_one(
        tmp_path, capsys, _source_file_project(text, [("writing", start, start + 7)]), text.encode("utf-8")
    )
    assert data["documents"][0]["text"] == "Café society\nand résumé writing."
    assert data["passages"][0]["quote"] == "writing"
    assert "cannot verify" not in out and "converted" not in out


def test_without_names_positions_cannot_be_verified(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, data = _import_one(tmp_path, capsys, _source_file_project(ASTRAL, [("", 0, 5)]), ASTRAL.encode("utf-8"))
    assert "cannot verify positions" in out
    assert data["passages"][0]["quote"] == "Emoji"


def test_a_selection_outside_its_text_is_reported_not_shifted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qde = _source_file_project(ASTRAL, [("Emoji", 0, 5), ("gone", 500, 504)])
    out, data = _import_one(tmp_path, capsys, qde, ASTRAL.encode("utf-8"))
    assert "selection gone: left out: its range 500-504 lies outside the text" in out
    assert [p["quote"] for p in data["passages"]] == ["Emoji"]


def test_a_codebook_imports_as_tags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    qdc = tmp_path / "codes.qdc"
    qdc.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="tool"><Codes>
<Code guid="{guid(1)}" name="Theme" isCodable="false" color="#abcdef">
<Code guid="{guid(2)}" name="Sub-theme" isCodable="true" color="#123456"><Description>d</Description></Code></Code>
<Code guid="{guid(3)}" name="Controls work" isCodable="true" color="#000000"/>
</Codes></CodeBook>""",
        encoding="utf-8",
    )
    project = tmp_path / "p.briefer"
    assert cli(capsys, "new", project, "--empty")[0] == 0
    before = len(show(capsys, project)["tags"])
    code, out, err = cli(capsys, "import", project, qdc)
    assert code == 0, err
    assert "2 new tags" in out
    tags = {t["name"]: t for t in show(capsys, project)["tags"]}
    assert len(tags) == before + 2
    assert tags["Sub-theme"]["parent"] == tags["Theme"]["id"] and tags["Sub-theme"]["description"] == "d"


# ------------------------------------------------------------------ bad input
def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", ANOTHER_TOOLS_PROJECT)
        archive.writestr("Sources/big.txt", b"\0" * (20 * 1024 * 1024))  # deflates about 1000 to 1
    return path


def _escaping(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", ANOTHER_TOOLS_PROJECT)
        archive.writestr("../../evil.txt", b"x")
    return path


BAD = {
    "not a zip": (lambda p: (p.write_bytes(b"just text"), p)[1], "not a readable zip archive"),
    "zip bomb": (_bomb, "decompression bomb"),
    "unparsable": (lambda p: qdpx(p, "<Project"), "not well-formed XML"),
    "invalid": (lambda p: qdpx(p, f'<Project xmlns="{NS}"><Bogus/></Project>'), "not a valid REFI-QDA project"),
    "escaping part": (_escaping, "points outside the archive"),
    "escaping path": (
        lambda p: qdpx(p, _source_file_project("x", []).replace(f"internal://{guid(10)}.txt", "internal://../x.txt")),
        "points outside the archive",
    ),
    "missing source": (lambda p: qdpx(p, _source_file_project("x", [])), "is missing"),
    "outside source": (
        lambda p: qdpx(p, _source_file_project("x", []).replace("internal://", "relative://")),
        "only internal:// sources",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_and_changes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, reason = BAD[case]
    path = make(tmp_path / "bad.qdpx")
    project = tmp_path / "p.briefer"
    assert cli(capsys, "new", project, "--empty")[0] == 0
    good = qdpx(tmp_path / "good.qdpx", ANOTHER_TOOLS_PROJECT)
    before = show(capsys, project)
    code, out, err = cli(capsys, "import", project, path)
    assert code == 1
    [line] = out.strip().splitlines()
    assert line.startswith(f"rejected {path}: ") and reason in line
    assert show(capsys, project) == before

    # Into a new project: no project is made at all.
    fresh = tmp_path / "fresh.briefer"
    code, out, err = cli(capsys, "import", fresh, good, path)
    assert code == 1 and reason in err and len(err.strip().splitlines()) == 1
    assert not fresh.exists()
    assert list(tmp_path.glob(".fresh.briefer*")) == []


# ------------------------------------------------------------------ fuzzing
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _import_quietly(path: Path) -> list[str]:
    project = path.parent / "fuzz.briefer"
    project.unlink(missing_ok=True)
    with Store.create(project) as store:
        outcomes = import_paths(ProjectService(store), [path])
    with Store.open(project, readonly=True) as store:  # still a readable project
        documents, _passages = store.counts()
        for passage in store.list_passages():
            assert store.get_document(passage.document).text[passage.start : passage.end] == passage.quote
    if outcomes[0].status == "rejected":
        assert documents == 0  # nothing half-stored
    return [o.line() for o in outcomes]


@FUZZ
@given(suffix=st.sampled_from([".qdpx", ".qdc"]), data=st.binary(min_size=1, max_size=1024))
def test_random_bytes_are_rejected_with_a_reason(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"random{suffix}"
    path.write_bytes(data)
    [line] = _import_quietly(path)
    assert line.startswith(f"rejected {path}: ")


@FUZZ
@given(at=st.integers(0, len(ANOTHER_TOOLS_PROJECT) - 1), cut=st.integers(0, 30), text=st.text(max_size=20))
def test_a_damaged_project_imports_whole_or_not_at_all(
    tmp_path_factory: pytest.TempPathFactory, at: int, cut: int, text: str
) -> None:
    damaged = ANOTHER_TOOLS_PROJECT[:at] + text + ANOTHER_TOOLS_PROJECT[at + cut :]
    path = qdpx(tmp_path_factory.mktemp("fuzz") / "damaged.qdpx", damaged)
    lines = _import_quietly(path)
    assert lines[0].startswith((f"rejected {path}: ", f"imported {path}")), lines

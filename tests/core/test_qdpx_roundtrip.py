"""Briefer -> .qdpx -> Briefer loses nothing, and the .qdpx is what REFI-QDA tools need."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from lxml import etree

from briefer.cli import main
from briefer.core.model import Page
from briefer.core.project import open_project

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "resources" / "refi-qda" / "Project.xsd"
SHARED_SCHEMA = ROOT.parent / "shared" / "refi-qda" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def show(capsys: pytest.CaptureFixture[str], project: Path) -> dict[str, Any]:
    code, out, err = cli(capsys, "show", project, "--json", "--with-text")
    assert code == 0, err
    return json.loads(out)


def without_ids(data: dict[str, Any]) -> dict[str, Any]:
    """The project as JSON with every id replaced by what it points at, so two projects compare by content."""
    docs = {d["id"]: d["sha256"] for d in data["documents"]}
    tags = {t["id"]: t["name"] for t in data["tags"]}
    passages = {p["id"]: (docs[p["document"]], p["start"], p["end"]) for p in data["passages"]}

    def outline(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**s, "id": None, "passages": [passages[p] for p in s["passages"]], "children": outline(s["children"])}
            for s in sections
        ]

    return {
        "project": data["project"],
        "documents": [{**d, "id": None} for d in data["documents"]],
        "tags": [{**t, "id": None, "parent": tags.get(t["parent"])} for t in data["tags"]],
        "passages": [{**p, "id": None, "document": docs[p["document"]]} for p in data["passages"]],
        "outline": outline(data["outline"]),
    }


def tag(capsys: pytest.CaptureFixture[str], project: Path, doc: object, quote: str, *extra: str) -> int:
    code, out, err = cli(capsys, "tag", project, "--doc", doc, "--quote", quote, *extra)
    assert code == 0, err
    return int(out)


@pytest.fixture
def analysed_bundled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The bundled project with passages, notes, translations, stances and a nested outline."""
    project = tmp_path / "bundled.briefer"
    assert cli(capsys, "new", project)[0] == 0
    first = tag(capsys, project, 1, "export", "--tag", "Controls work", "--tag", "Semiconductors", "--note", "n1")
    second = tag(capsys, project, 4, "晶片", "--tag", "Controls backfire", "--translation", "chips", "--note", "注")
    third = tag(capsys, project, 2, "China", "--tag", "Supply chains")
    untagged_note = tag(capsys, project, 5, "Huawei", "--tag", "Industry voices", "--note", "line one\nline two")
    assert (
        cli(capsys, "section", project, "Sub-point", "--parent", "Controls work", "--stance", "Controls work")[0] == 0
    )
    for passage, section, position in (
        (first, "Controls work", None),
        (third, "Controls work", 0),  # placed before the first: order is kept, not document order
        (second, "Controls backfire", None),
        (untagged_note, "Sub-point", None),
        (first, "Assessment", None),
    ):
        extra = () if position is None else ("--position", position)
        assert cli(capsys, "place", project, passage, "--section", section, *extra)[0] == 0
    service = open_project(project)
    try:
        service.set_meta(marking="SECRET // TEST", bottom_line="Controls **work**, mostly.", author="A. Analyst")
        # A child tag, so the codebook's hierarchy travels too.
        parent = service.resolve_tag("Semiconductors").id
        service.store.add_tag(name="HBM", color="#123abc", parent=parent, description="High-bandwidth memory")
        service.update_document(
            2,
            container="The Paper",
            doi="10.1234/x",
            type="article-newspaper",
            date="2024-05",
            url="https://example.org/2",
        )
        paged = service.store.add_document(
            text="Roman page text.\nPage one text.\nPage two.",
            sha256="0" * 64,  # not the text's hash (made otherwise): the copy keeps it all the same
            title="A paged report",
            source_file="report.pdf",
            pages=(Page(0, "iv"), Page(17, "1"), Page(32, "2")),
        )
        service.create_passage(document=paged, start=17, end=35, tags=[parent], note="spans two pages")
        regions = service.store.add_tag(name="Regions", color="#445566")  # a category: children, no passages
        service.store.add_tag(name="Taiwan", color="#778899", parent=regions)
    finally:
        service.close()
    tag(capsys, project, 1, "China", "--tag", "HBM")
    return project


@pytest.fixture
def astral_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Emoji, CJK Extension B and Windows line ends in the source, with passages after them."""
    project = tmp_path / "astral.briefer"
    assert cli(capsys, "new", project, "--empty")[0] == 0
    source = tmp_path / "astral.txt"
    text = "Chips 😀 and 𠀀𠀁 characters.\r\nSecond line 𪚥 with 中文 text.\r\n\r\nThird 🇨🇳 paragraph ends here.\r\n"
    source.write_bytes(text.encode("utf-8"))
    assert cli(capsys, "import", project, source)[0] == 0
    tag(capsys, project, 1, "中文 text", "--tag", "Semiconductors", "--note", "after 𪚥")
    tag(capsys, project, 1, "Third 🇨🇳 paragraph", "--tag", "Controls work", "--translation", "第三段")
    tag(capsys, project, 1, "𠀀𠀁", "--tag", "AI models", "--tag", "Controls backfire")
    assert cli(capsys, "place", project, 2, "--section", "Background")[0] == 0
    return project


@pytest.mark.parametrize("fixture", ["analysed_bundled", "astral_project"])
def test_round_trip_loses_nothing(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = request.getfixturevalue(fixture)
    before = show(capsys, project)
    assert before["passages"] and before["outline"]
    qdpx = tmp_path / "out.qdpx"
    code, out, err = cli(capsys, "export", project, "-o", qdpx, "--template", "no-such-template")
    assert code == 0, err  # --template is not used for .qdpx
    assert out.strip() == f"wrote {qdpx} (qdpx)"

    copy = tmp_path / "copy.briefer"
    code, out, err = cli(capsys, "import", copy, qdpx)
    assert code == 0, err
    assert out.strip().endswith(f"created {copy}")
    after = show(capsys, copy)
    assert without_ids(after) == without_ids(before)

    # Into the project it came from: everything is found there already, nothing changes.
    code, out, _err = cli(capsys, "import", project, qdpx)
    assert code == 0
    assert "0 new tags, 0 new documents, 0 new passages" in out
    assert show(capsys, project) == before


def test_astral_positions_count_code_points(
    astral_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qdpx = tmp_path / "astral.qdpx"
    assert cli(capsys, "export", astral_project, "-o", qdpx)[0] == 0
    with zipfile.ZipFile(qdpx) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        source = root.find(".//q:TextSource", NS)
        text = archive.read(f"Sources/{source.get('guid')}.txt").decode("utf-8")
    for selection in source.iterfind("q:PlainTextSelection", NS):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert text[start:end] == selection.get("name")  # Python indices: code points
    assert "\r" not in text and "𠀀𠀁" in text


def test_export_follows_the_schema_and_what_importers_need(
    analysed_bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qdpx = tmp_path / "out.qdpx"
    assert cli(capsys, "export", analysed_bundled, "-o", qdpx)[0] == 0
    with zipfile.ZipFile(qdpx) as archive:
        qde = archive.read("project.qde")
        names = archive.namelist()
        files = {name: archive.read(name) for name in names}
    for schema_path in {SCHEMA, SHARED_SCHEMA} if SHARED_SCHEMA.exists() else {SCHEMA}:
        xmlschema.XMLSchema(str(schema_path)).validate(io.BytesIO(qde))
    assert SCHEMA.read_bytes() == (SHARED_SCHEMA.read_bytes() if SHARED_SCHEMA.exists() else SCHEMA.read_bytes())
    root = etree.fromstring(qde)
    assert root.tag == "{urn:QDA-XML:project:1.0}Project" and root.get("origin", "").startswith("Briefer")

    sources = root.findall(".//q:TextSource", NS)
    assert len(sources) == 6
    for source in sources:
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        assert source.find("q:PlainTextContent", NS) is None
        data = files[f"Sources/{source.get('guid')}.txt"]
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    codes = root.findall(".//q:Code", NS)
    assert len({c.get("name") for c in codes}) == len(codes)
    assert all(c.get("color", "").startswith("#") and len(c.get("color")) == 7 for c in codes)
    hbm = next(c for c in codes if c.get("name") == "HBM")
    assert hbm.getparent().get("name") == "Semiconductors"
    assert [c.get("name") for c in codes if c.get("isCodable") == "false"] == ["Regions"]
    for coding in root.iter("{urn:QDA-XML:project:1.0}Coding"):
        assert etree.QName(coding[0]).localname == "CodeRef"
    notes = root.findall(".//q:Notes/q:Note", NS)
    assert {n.find("q:PlainTextContent", NS).text for n in notes} == {
        "n1",
        "注",
        "chips",
        "line one\nline two",
        "spans two pages",
    }
    assert all(n.get("creationDateTime") for n in notes)
    zh = next(s for s in sources if s.get("name") == "美國與中國的科技競賽")
    language = {v.find("q:TextValue", NS).text for v in zh.iterfind("q:VariableValue", NS)}
    assert "zh-Hant" in language
    assert root.find("q:Users/q:User", NS).get("name") == "A. Analyst"


def test_exporting_twice_gives_the_same_guids(
    analysed_bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "1.qdpx", tmp_path / "2.qdpx"
    assert cli(capsys, "export", analysed_bundled, "-o", first)[0] == 0
    service = open_project(analysed_bundled)  # opened for writing in between: the UUID stays
    service.close()
    assert cli(capsys, "export", analysed_bundled, "-o", second)[0] == 0
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("project.qde") == b.read("project.qde")
        assert sorted(a.namelist()) == sorted(b.namelist())
    other = tmp_path / "other.briefer"
    assert cli(capsys, "new", other)[0] == 0
    third = tmp_path / "3.qdpx"
    assert cli(capsys, "export", other, "-o", third)[0] == 0
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(third) as c:
        guids = set(etree.fromstring(a.read("project.qde")).xpath("//@guid"))
        assert not guids & set(etree.fromstring(c.read("project.qde")).xpath("//@guid"))

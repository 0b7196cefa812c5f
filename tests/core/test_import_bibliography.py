"""Each bibliography format's records, edge cases and bad files; how records reach the project."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.core.errors import ImportRejected, ImportSkipped
from briefer.core.importing import import_paths
from briefer.core.importing.bibformats import BibRecord, read_bibliography
from briefer.core.importing.bibliography import fill, import_bibliography
from briefer.core.importing.dates import iso_date
from briefer.core.project import create_project, open_project
from briefer.core.service import Change, ChangeArea, ProjectService


@pytest.fixture
def bundled(tmp_path: Path) -> Iterator[ProjectService]:
    svc = open_project(create_project(tmp_path / "b.briefer"))
    yield svc
    svc.store.close()


def records(tmp_path: Path, name: str, content: str | bytes) -> list[BibRecord]:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_bibliography(path, path.read_bytes())


# ------------------------------------------------------------------ CSL-JSON
def test_csl_json_with_missing_fields(tmp_path: Path) -> None:
    items = [
        {"type": "report"},
        {"id": 17, "type": "Article-Journal", "title": "  Chips\n and   tariffs ", "issued": {"date-parts": [[2019]]}},
        {
            "id": "vdb",
            "type": "chapter",
            "author": [
                {"family": "Berg", "given": "Anna", "non-dropping-particle": "van den"},
                {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
                {"literal": "Bureau of Industry and Security"},
                {"family": "Nakamura"},
                "not a name",
            ],
            "issued": {"date-parts": [[2020, 13, 1]]},
        },
        {"id": "lit", "type": "webpage", "issued": {"literal": "Spring 2018"}, "title": ["A", "B"]},
        {"id": "edtf", "type": "webpage", "issued": "2021-02-30"},
    ]
    got = records(tmp_path, "lib.json", json.dumps(items))
    assert got[0] == BibRecord("1", {"type": "report"})
    assert got[1] == BibRecord("17", {"title": "Chips and tariffs", "date": "2019", "type": "article-journal"})
    assert got[2].fields["author"] == (
        "Anna van den Berg; Martin Luther King Jr.; Bureau of Industry and Security; Nakamura"
    )
    # Not certainly a date (month 13, "Spring 2018", 30 February): no date, rather than a guess,
    # as for every format (briefer.core.importing.dates).
    assert "date" not in got[2].fields
    assert got[3].fields == {"type": "webpage", "title": "A"}
    assert "date" not in got[4].fields


@pytest.mark.parametrize(
    "content",
    ['{"theme": "dark"}', "[]", '["a", "b"]', '[{"title": "no type"}]', '[{"type": 3}]', '"text"', "null"],
)
def test_json_that_is_not_csl_is_skipped(tmp_path: Path, content: str) -> None:
    with pytest.raises(ImportSkipped, match="not a CSL-JSON bibliography"):
        records(tmp_path, "x.json", content)


def test_broken_json_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match=r"not valid JSON \(line 2, column"):
        records(tmp_path, "x.json", '[{"type": "book",\n "title": }]')
    with pytest.raises(ImportRejected, match="binary file"):
        records(tmp_path, "y.json", b"\x00\x01\x02[]")
    with pytest.raises(ImportRejected, match="nested too deeply"):
        records(tmp_path, "z.json", "[" * 100_000 + "]" * 100_000)


# ----------------------------------------------------------------------- RIS
def test_ris_keys_types_dates_and_attachments(tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    pdf = tmp_path / "abs" / "report v2.pdf"
    ris = (
        "\ufeffTY  - RPRT\nID  - CSIS-2024-7\nT1  - A report\nA1  - Smith, John, Jr.\nY1  - 2024///\n"
        f"L1  - file://{pdf.as_posix().replace(' ', '%20')}\nL1  - files/report.html\n"
        "L1  - internal-pdf://0123/report.pdf\nL4  - snapshot.html\nER  - \n\n"
        "TY  - XYZ\nTI  - Long title\n  continued on the next line\nDA  - 2023/07/04/\nPY  - 2022\n"
        "JO  - J. Abbrev.\nT2  - The Journal\nUR  - https://a.example/1; https://b.example/2\nER  - \n"
        "TY  - NEWS\nER  - \n"
    )
    first, second, third = records(tmp_path, "lib.ris", ris)
    assert first.key == "CSIS-2024-7"
    assert first.fields == {"title": "A report", "author": "John Smith Jr.", "date": "2024", "type": "report"}
    assert first.attachments == (pdf, tmp_path / "files/report.html", tmp_path / "snapshot.html")
    assert second.key == "2"
    assert second.fields == {
        "title": "Long title continued on the next line",
        "date": "2023-07-04",  # DA before PY
        "url": "https://a.example/1",
        "container": "The Journal",  # T2 before JO
    }  # an unknown TY leaves the type empty
    assert third == BibRecord("3", {"type": "article-newspaper"})


@pytest.mark.parametrize(
    "content,reason",
    [
        ("Title: not RIS\n", "no RIS records in it"),
        ("TY  - JOUR\nTI  - one\nER  - \nTY  - JOUR\nTI  - two\n", r"2 records start \('TY  -'\) but only 1 end"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (
            "TY  - JOUR\nDO  - 10.5555/x\nER  - \nTY  - JOUR\n  wrapped text\nER  - \n",
            "a line without a tag continues a tag its record does not have",
        ),
    ],
)
def test_broken_ris_is_rejected(tmp_path: Path, content: str | bytes, reason: str) -> None:
    with pytest.raises(ImportRejected, match=reason):
        records(tmp_path, "bad.ris", content)


# -------------------------------------------------------------------- BibTeX
BIBTEX = r"""
% Exported by Zotero and JabRef
@string{csis = "Center for Strategic and International Studies"}

@techreport{allen2022,
  title = {Choking off {China}'s {AI} Access to {U.S.} Chips},
  author = {Allen, Gregory C. and {Bureau of Industry and Security} and {Ministry of Commerce, PRC}},
  institution = csis,
  year = {2022},
  month = oct,
  day = {11},
  file = {Full Text PDF:files/7/Allen - 2022.pdf:application/pdf;Snapshot:files/7/snapshot.html:text/html},
}

@article{mueller2023,
  title = {M{\"u}ller's 50\% rule \& export controls},
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Anna and King, Jr., Martin},
  journaltitle = {Journal of Trade},
  journal = {J. Trade},
  date = {2023-05},
  doi = {10.5555/JT.2023.5},
  file = {files/9/mueller.pdf},
}

@article{ft2024, title = "Chip curbs", entrysubtype = {newspaper}, journal = {Financial Times}, year = 2024}
@misc{page, title = {A page}, url = {https://example.com/page}, urldate = {2024-01-02}}
@misc{note, title = {A note}}
@online{blog, title = {Post}, year = {2024}, month = {13}}
"""


def test_bibtex_fields_names_and_files(tmp_path: Path) -> None:
    got = {r.key: r for r in records(tmp_path, "lib.bib", BIBTEX)}
    allen = got["allen2022"]
    assert allen.fields == {
        "title": "Choking off China's AI Access to U.S. Chips",
        "author": "Gregory C. Allen; Bureau of Industry and Security; Ministry of Commerce, PRC",
        "publisher": "Center for Strategic and International Studies",
        "date": "2022-10-11",
        "type": "report",
    }
    assert allen.attachments == (tmp_path / "files/7/Allen - 2022.pdf", tmp_path / "files/7/snapshot.html")
    mueller = got["mueller2023"]
    assert mueller.fields == {
        "title": "Müller's 50% rule & export controls",
        "author": "Jörg Müller; Anna van der Berg; Martin King Jr.",
        "container": "Journal of Trade",  # journaltitle before journal
        "date": "2023-05",
        "doi": "10.5555/JT.2023.5",
        "type": "article-journal",
    }
    assert mueller.attachments == (tmp_path / "files/9/mueller.pdf",)
    assert got["ft2024"].fields["type"] == "article-newspaper"
    assert got["page"].fields["type"] == "webpage"
    assert "type" not in got["note"].fields  # misc without a URL: no source says
    assert got["blog"].fields == {"title": "Post", "type": "webpage"}  # month 13: not a date


@pytest.mark.parametrize(
    "content,reason",
    [
        ("@article{a, title = {ok}}\n@article{b,\n  title = {unclosed\n", "the entry on line 2 cannot be parsed"),
        ("@book{a, title={One}}\n@book{a, title={Two}}\n", "the entry on line 2 repeats the key 'a'"),
        ("just some words\n", "no BibTeX entries in it"),
    ],
)
def test_broken_bibtex_is_rejected(tmp_path: Path, content: str, reason: str) -> None:
    with pytest.raises(ImportRejected, match=reason):
        records(tmp_path, "bad.bib", content)


# --------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "text,iso",
    [
        ("2024-08-01", "2024-08-01"),
        ("2024/8/1/", "2024-08-01"),
        ("2024/08//", "2024-08"),
        ("2024///", "2024"),
        ("2024-08-01T10:30:00Z", "2024-08-01"),
        ("2024-02-30", ""),  # not a date: nothing is guessed
        ("Summer 2019", ""),
        ("n.d.", ""),
        ("", ""),
        ("12345", ""),
    ],
)
def test_dates_become_iso(text: str, iso: str) -> None:
    """The forms bibliographies write, through the one date normaliser every format uses."""
    assert iso_date(text) == iso


def test_date_parts_become_iso() -> None:
    assert iso_date([[2024, 8, 1]]) == "2024-08-01"
    assert iso_date({"date-parts": [[2024, 8]]}) == "2024-08"
    assert iso_date("2024", month="mar") == "2024-03"
    assert iso_date([[]]) == iso_date("year") == ""


# --------------------------------------------------------------- the project
def test_fill_keeps_filled_fields_unless_told(bundled: ProjectService) -> None:
    info = bundled.documents.info(3)  # publisher "TMTPost"
    fields = {"publisher": "TMTPost Media", "date": "2024-08-05", "language": "zh", "title": info.title}
    assert fill(info, fields) == {"date": "2024-08-05"}
    assert fill(info, fields, overwrite=True) == {"publisher": "TMTPost Media", "date": "2024-08-05"}


def test_a_file_is_one_transaction_and_listeners_hear_after_it(
    bundled: ProjectService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.ris"
    path.write_text(
        "TY  - NEWS\nTI  - China's tech crunch\nPY  - 2024\nER  - \n"
        "TY  - NEWS\nTI  - Huawei adapts under US export controls\nPY  - 2024\nER  - \n",
        encoding="utf-8",
    )
    heard: list[Change] = []
    bundled.subscribe(heard.append)
    real = bundled.store.update_document

    def fail_on_second(doc_id: int, **fields: str) -> None:
        if doc_id == 5:
            raise RuntimeError("disk gone")
        real(doc_id, **fields)

    monkeypatch.setattr(bundled.store, "update_document", fail_on_second)
    with pytest.raises(RuntimeError):
        import_paths(bundled, [path])
    assert bundled.documents.info(2).date == ""  # the first record's update rolled back with the file
    assert heard == []

    monkeypatch.setattr(bundled.store, "update_document", real)
    outcomes = import_paths(bundled, [path])
    assert [o.line() for o in outcomes] == [f"updated 2 from {path}#1", f"updated 5 from {path}#2"]
    assert (bundled.documents.info(2).date, bundled.documents.info(5).date) == ("2024", "2024")
    assert heard == [Change(ChangeArea.DOCUMENTS, (2,)), Change(ChangeArea.DOCUMENTS, (5,))]


def test_folders_import_their_bibliographies_too(bundled: ProjectService, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "brief.txt").write_text("Export controls bite.\n\nA short brief.", encoding="utf-8")
    (folder / "export.ris").write_text(
        "TY  - RPRT\nTI  - Export controls bite\nPB  - Think Tank\nL1  - files/brief.txt\nER  - \n", encoding="utf-8"
    )
    (folder / "package.json").write_text('{"name": "x"}', encoding="utf-8")
    lines = [o.line() for o in import_paths(bundled, [folder])]
    assert lines == [
        f"imported {folder / 'files' / 'brief.txt'} as 6",
        f"skipped {folder / 'package.json'}: not a CSL-JSON bibliography",
        f"skipped {folder / 'files' / 'brief.txt'}: same content as document 6 already in the project",
    ]
    assert bundled.documents.info(6).publisher == "Think Tank"


def test_an_attachment_already_imported_is_matched_by_file_name(bundled: ProjectService, tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "001_0d8308d96ad326ad.txt").write_text("another copy", encoding="utf-8")
    path.write_text(
        "@online{x, title={Some other title}, author={Qiao, Lin}, file={files/001_0d8308d96ad326ad.txt}}",
        encoding="utf-8",
    )
    [outcome] = import_bibliography(bundled, path)
    assert outcome.line() == f"updated 2 from {path}#x"
    assert bundled.documents.info(2).author == "Lin Qiao"

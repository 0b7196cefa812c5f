"""The document matcher: which document a DOI, URL, file name or title means."""

from __future__ import annotations

import pytest

from briefer.core.matching import (
    DocumentMatcher,
    Match,
    NoMatch,
    Reference,
    doi_key,
    file_key,
    title_key,
    url_key,
)
from briefer.core.model import DocumentInfo


def doc(doc_id: int, **fields: str) -> DocumentInfo:
    base = dict.fromkeys(("title", "publisher", "author", "date", "url", "source_file", "sha256"), "")
    base.update(language="en")
    base.update(fields)
    return DocumentInfo(id=doc_id, length=1, **base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw",
    [
        "10.5555/ABC.2024.1",
        "10.5555/abc.2024.1",
        "https://doi.org/10.5555/abc.2024.1",
        "http://dx.doi.org/10.5555/ABC.2024.1",
        "doi:10.5555/abc.2024.1",
        "DOI: 10.5555/abc.2024.1 ",
        "https://doi.org/10.5555%2Fabc.2024.1",
    ],
)
def test_doi_spellings_agree(raw: str) -> None:
    assert doi_key(raw) == "10.5555/abc.2024.1"


def test_a_doi_key_is_empty_for_what_is_not_a_doi() -> None:
    assert doi_key("") == doi_key("n/a") == doi_key("https://example.com/10.5555") == ""


@pytest.mark.parametrize(
    "raw",
    [
        "https://example.com/news/chips",
        "http://example.com/news/chips",
        "https://example.com/news/chips/",
        "HTTPS://Example.COM/news/chips",
        " http://example.com/news/chips// ",
    ],
)
def test_url_spellings_agree(raw: str) -> None:
    assert url_key(raw) == "example.com/news/chips"


def test_url_keys_keep_what_the_issue_does_not_fold() -> None:
    # Only the scheme, a trailing slash and the host's case are folded: paths are case-sensitive,
    # and www. may well be a different site.
    assert url_key("https://example.com/News") != url_key("https://example.com/news")
    assert url_key("https://www.example.com/a") != url_key("https://example.com/a")
    assert url_key("https://example.com/a?id=1") != url_key("https://example.com/a?id=2")


def test_file_keys_are_names_without_folders() -> None:
    assert file_key("/home/ana/Zotero/storage/ABCD1234/Report.PDF") == "report.pdf"
    assert file_key(r"C:\Users\ana\Zotero\report.pdf") == "report.pdf"
    assert file_key("files/12/report.pdf") == file_key("report.pdf")


@pytest.mark.parametrize(
    "a,b",
    [
        ("China's tech crunch", "China’s Tech Crunch"),
        ("Small courtyard, high wall: the US strategy", "Small Courtyard, High Wall — the U.S. Strategy"),
        ("High-wall", "high wall"),
        ("美國與中國的科技競賽", "美國與中國的「科技競賽」"),
        ("美國與中國的科技競賽", "美國與中國的科技競賽。"),
        ("ＡＩ　chips", "AI chips"),  # full-width letters and spaces
    ],
)
def test_titles_fold_case_punctuation_and_width(a: str, b: str) -> None:
    assert title_key(a) == title_key(b) != ""


def test_different_titles_stay_apart() -> None:
    assert title_key("美國與中國的科技競賽") != title_key("美国与中国的科技竞赛")  # traditional vs simplified
    assert title_key("C++ export rules") != title_key("C export rules")


def test_the_order_of_trust_is_doi_url_file_title() -> None:
    matcher = DocumentMatcher(
        [
            doc(1, title="Chips", doi="10.5555/one"),
            doc(2, title="Chips II", url="https://example.com/two"),
            doc(3, title="Chips III", source_file="three.pdf"),
            doc(4, title="Chips IV"),
        ]
    )
    assert matcher.find(Reference(doi="10.5555/ONE", url="https://example.com/two")) == Match(1, "DOI")
    assert matcher.find(Reference(url="http://example.com/two/", title="Chips IV")) == Match(2, "URL")
    assert matcher.find(Reference(source_file="files/9/three.pdf", title="Chips IV")) == Match(3, "file name")
    assert matcher.find(Reference(doi="10.5555/other", title="chips: IV")) == Match(4, "title")


def test_a_weaker_key_never_matches_a_document_with_another_doi() -> None:
    matcher = DocumentMatcher([doc(1, title="Review", doi="10.5555/a")])
    found = matcher.find(Reference(doi="10.5555/b", title="Review"))
    assert isinstance(found, NoMatch)
    assert found.reason == "no document has its DOI or title"


def test_ambiguous_and_missing_keys_say_why() -> None:
    matcher = DocumentMatcher([doc(1, title="Untitled"), doc(2, title="untitled.")])
    ambiguous = matcher.find(Reference(title="Untitled"))
    assert ambiguous == NoMatch("its title matches several documents (1, 2)")
    assert matcher.find(Reference()) == NoMatch("it has no DOI, URL, file or title to match")
    assert matcher.find(Reference(url="https://a.example", title="Other")) == NoMatch(
        "no document has its URL or title"
    )


def test_adding_again_reindexes_a_document() -> None:
    matcher = DocumentMatcher([doc(1, title="Old title")])
    matcher.add(doc(1, title="New title", url="https://example.com/x"))
    assert isinstance(matcher.find(Reference(title="Old title")), NoMatch)
    assert matcher.find(Reference(title="new title")) == Match(1, "title")
    assert matcher.find(Reference(url="http://example.com/x")) == Match(1, "URL")
    matcher.add(doc(2, title="Second"))
    assert matcher.find(Reference(title="second")) == Match(2, "title")

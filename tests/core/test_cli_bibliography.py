"""A Zotero library's exports fill the bundled corpus's missing metadata, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import run, show

# As Zotero's "Export Collection… > CSL JSON" writes it: ids are the items' URIs,
# dates are date-parts (strings or numbers), names are family/given or literal.
ZOTERO_CSL_JSON = [
    {
        "id": "http://zotero.org/users/local/Xy3kQp9A/items/7XQ2M4PL",
        "type": "webpage",
        "title": "Small Courtyard, High Wall — The US Technology Strategy Against China",
        "container-title": "Observer Tech",
        "URL": "https://www.observer-tech.example.cn/tech/small-courtyard/",
        "language": "en",
        "author": [{"family": "王", "given": "小明"}, {"family": "Ellery", "given": "Marcus"}],
        "issued": {"date-parts": [["2023", "11", "20"]]},
        "accessed": {"date-parts": [["2024", 9, 1]]},
    },
    {
        "id": "http://zotero.org/users/local/Xy3kQp9A/items/K8D4W2NV",
        "type": "post-weblog",
        "title": "China’s Tech Crunch",
        "container-title": "Inside China",
        "URL": "http://insidechina.example.com/p/chinas-tech-crunch",
        "DOI": "10.5555/ICN.2024.0815",
        "author": [{"family": "Qiao", "given": "Lin"}],
        "issued": {"date-parts": [[2024, 8]]},
    },
    {
        "id": "http://zotero.org/users/local/Xy3kQp9A/items/P3M7R6TB",
        "type": "article-newspaper",
        "title": "US AI and Chip Policy after Biden’s Dropout",
        "container-title": "TMTPost",
        "publisher": "TMTPost Media",
        "URL": "https://www.tmtpost.example.com/7212345.html",
        "author": [{"literal": "TMTPost Staff"}],
        "issued": {"raw": "2024-08-05"},
    },
    {
        "id": "http://zotero.org/users/local/Xy3kQp9A/items/ZQ9V5E2H",
        "type": "article-newspaper",
        "title": "美國與中國的「科技競賽」",
        "container-title": "紐約時報中文網",
        "URL": "https://cn.nytimes.example.com/technology/20240703/us-china-tech-race/zh-hant/",
        "author": [{"family": "Mozur", "given": "Paul"}, {"family": "李", "given": "源"}],
        "issued": {"date-parts": [[2024, 7, 3]]},
    },
    {
        "id": "http://zotero.org/users/local/Xy3kQp9A/items/M2C8L4QX",
        "type": "book",
        "title": "Chip War: The Fight for the World's Most Critical Technology",
        "publisher": "Scribner",
        "author": [{"family": "Miller", "given": "Chris"}],
        "issued": {"date-parts": [[2022]]},
    },
]

# As Zotero's RIS export writes it (CRLF lines, no ID, L1 for attached files)
# plus an EndNote-style record with an ID; written after the CSL-JSON, so these
# records find the documents by the URLs and DOIs it filled, not by title.
ZOTERO_RIS = """\
TY  - ELEC
TI  - 小院高牆：美國對華科技戰略
AU  - 王, 小明
PB  - Observer Media Group
DA  - 2023/11/20/
PY  - 2023
UR  - http://www.observer-tech.example.cn/tech/small-courtyard
ER  -

TY  - BLOG
TI  - Tech crunch (newsletter issue 112)
PB  - Substack
DO  - https://doi.org/10.5555/icn.2024.0815
ER  -

TY  - NEWS
TI  - Huawei adapts under U.S. export controls
AU  - Okafor, Adaeze
AU  - Lin, Mei
T2  - The Diplomat Review
PB  - Diplomat Media
DA  - 2024/06//
PY  - 2024
DO  - 10.5555/DR.2024.0611
UR  - https://diplomat-review.example.com/2024/06/huawei-adapts/
ER  -

TY  - RPRT
TI  - Export controls and the semiconductor supply chain
AU  - Bureau of Industry Analysis
PB  - Center for Strategic Technology
PY  - 2024
UR  - https://cst.example.org/reports/export-controls
L1  - files/31/export-controls.md
ER  -

TY  - NEWS
ID  - Reuters2024
TI  - 华为新款手机芯片引发关注
AU  - 张, 伟
T2  - 路透中文网
DA  - 2024/09/10/
L1  - {snapshot}
ER  -

TY  - JOUR
TI  - A record whose PDF was not exported
AU  - Doe, Jane
PY  - 2021
L1  - files/40/missing.pdf
ER  -
"""

ATTACHED_MD = """\
# Export controls and the semiconductor supply chain

Controls on lithography tools have slowed, but not stopped, advanced chip production.
"""
ATTACHED_HTML = """\
<html><head><title>华为新款手机</title></head><body><article>
<p>华为新款手机所用芯片由中芯国际制造，引发外界对出口管制效果的关注。</p>
</article></body></html>
"""


def _write_library(folder: Path) -> tuple[Path, Path, Path]:
    csl = folder / "My Library.json"
    csl.write_text(json.dumps(ZOTERO_CSL_JSON, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "files" / "31").mkdir(parents=True)
    (folder / "files" / "31" / "export-controls.md").write_text(ATTACHED_MD, encoding="utf-8")
    snapshot = folder / "elsewhere" / "华为 手机.html"
    snapshot.parent.mkdir()
    snapshot.write_text(ATTACHED_HTML, encoding="utf-8")
    ris = folder / "My Library.ris"
    text = ZOTERO_RIS.replace("{snapshot}", snapshot.as_uri()).replace("ER  -\n", "ER  - \n")  # Zotero's "ER  - "
    ris.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return csl, ris, snapshot


def test_zotero_exports_fill_the_bundled_corpus(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    assert run("new", project).returncode == 0
    before = {d["id"]: d for d in show(project)["documents"]}
    ids = {d["title"]: d["id"] for d in before.values()}
    courtyard = ids["Small courtyard, high wall: the US technology strategy against China"]
    crunch = ids["China's tech crunch"]
    tmt = ids["US AI and chip policy after Biden's dropout"]
    race = ids["美國與中國的科技競賽"]
    huawei = ids["Huawei adapts under US export controls"]
    csl, ris, snapshot = _write_library(tmp_path)
    key = "http://zotero.org/users/local/Xy3kQp9A/items/"

    result = run("import", project, csl)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"updated {courtyard} from {csl}#{key}7XQ2M4PL",
        f"updated {crunch} from {csl}#{key}K8D4W2NV",
        f"updated {tmt} from {csl}#{key}P3M7R6TB",
        f"updated {race} from {csl}#{key}ZQ9V5E2H",
        f"unmatched {csl}#{key}M2C8L4QX: no document has its title",
    ]
    docs = {d["id"]: d for d in show(project)["documents"]}
    assert docs[courtyard] == before[courtyard] | {
        "type": "webpage",
        "container": "Observer Tech",
        "url": "https://www.observer-tech.example.cn/tech/small-courtyard/",
        "author": "王小明; Marcus Ellery",
        "date": "2023-11-20",
    }
    # The analyst's (bundled) title is kept; the record only fills what is empty.
    assert docs[crunch]["title"] == "China's tech crunch"
    assert (docs[crunch]["date"], docs[crunch]["doi"], docs[crunch]["type"]) == (
        "2024-08",
        "10.5555/ICN.2024.0815",
        "post-weblog",
    )
    assert docs[tmt]["publisher"] == "TMTPost"  # filled already: kept
    assert (docs[tmt]["author"], docs[tmt]["date"], docs[tmt]["container"]) == (
        "TMTPost Staff",
        "2024-08-05",
        "TMTPost",
    )
    assert docs[race]["author"] == "Paul Mozur; 李源"
    assert docs[race]["container"] == "紐約時報中文網"
    assert docs[race]["language"] == "zh-Hant"  # a record never touches the detected language

    result = run("import", project, ris)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"updated {courtyard} from {ris}#1",  # by URL: http, no trailing slash
        f"updated {crunch} from {ris}#2",  # by DOI: a doi.org link, other case
        f"updated {huawei} from {ris}#3",  # by title: "U.S." and "US" fold alike
    ]
    assert lines[3].startswith(f"imported {tmp_path / 'files' / '31' / 'export-controls.md'} as ")
    assert lines[4].startswith(f"imported {snapshot} as ")
    assert lines[5] == (
        f"unmatched {ris}#6: no document has its title; its attachment {tmp_path / 'files/40/missing.pdf'} is missing"
    )
    assert len(lines) == 6
    report, reuters = int(lines[3].rsplit(" ", 1)[1]), int(lines[4].rsplit(" ", 1)[1])

    docs = {d["id"]: d for d in show(project)["documents"]}
    assert docs[courtyard]["publisher"] == "Observer Media Group"
    assert docs[courtyard]["title"].startswith("Small courtyard")  # not the RIS record's title
    assert docs[crunch]["publisher"] == "Substack"
    assert docs[huawei] == before[huawei] | {
        "author": "Adaeze Okafor; Mei Lin",
        "container": "The Diplomat Review",
        "publisher": "Diplomat Media",
        "date": "2024-06",
        "doi": "10.5555/DR.2024.0611",
        "url": "https://diplomat-review.example.com/2024/06/huawei-adapts/",
        "type": "article-newspaper",
    }
    assert docs[report]["title"] == "Export controls and the semiconductor supply chain"
    assert (docs[report]["type"], docs[report]["publisher"], docs[report]["date"]) == (
        "report",
        "Center for Strategic Technology",
        "2024",
    )
    assert docs[report]["author"] == "Bureau of Industry Analysis"
    assert docs[report]["source_file"] == "export-controls.md"
    assert docs[reuters]["title"] == "华为新款手机芯片引发关注"  # the record's, not the page's <title>
    assert (docs[reuters]["author"], docs[reuters]["container"], docs[reuters]["date"]) == (
        "张伟",
        "路透中文网",
        "2024-09-10",
    )
    assert docs[reuters]["language"] == "zh-Hans"

    # Importing the same library again changes nothing and says so.
    again = run("import", project, csl)
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == (
        f"unchanged {courtyard} from {csl}#{key}7XQ2M4PL: its fields are already filled"
    )
    assert show(project)["documents"] == list(docs.values())


def test_overwrite_metadata_replaces_what_is_filled(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    assert run("new", project).returncode == 0
    csl, _, _ = _write_library(tmp_path)
    tmt = next(d for d in show(project)["documents"] if d["publisher"] == "TMTPost")

    assert run("import", project, csl).returncode == 0
    assert next(d for d in show(project)["documents"] if d["id"] == tmt["id"])["publisher"] == "TMTPost"

    result = run("import", project, csl, "--overwrite-metadata")
    assert result.returncode == 0, result.stderr
    assert f"updated {tmt['id']} from {csl}#http://zotero.org/users/local/Xy3kQp9A/items/P3M7R6TB" in result.stdout
    after = next(d for d in show(project)["documents"] if d["id"] == tmt["id"])
    assert after["publisher"] == "TMTPost Media"
    assert after["title"] == "US AI and Chip Policy after Biden’s Dropout"


def test_bad_bibliographies_are_reported_per_file(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    assert run("new", project).returncode == 0
    settings = tmp_path / "settings.json"
    settings.write_text('{"theme": "dark"}', encoding="utf-8")
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{a,\n  title = {Unclosed\n", encoding="utf-8")
    good = tmp_path / "good.bib"
    good.write_text(
        "@online{crunch, title = {China's tech crunch}, url = {https://insidechina.example.com/p/x}}",
        encoding="utf-8",
    )
    result = run("import", project, settings, broken, good)
    assert result.returncode == 1  # the broken file was rejected; the others still count
    assert result.stderr == ""  # bibtexparser's own log of the broken entry stays quiet
    assert result.stdout.splitlines() == [
        f"skipped {settings}: not a CSL-JSON bibliography",
        f"rejected {broken}: the entry on line 1 cannot be parsed (unbalanced braces or quotes?)",
        f"updated 2 from {good}#crunch",
    ]
    assert show(project)["documents"][1]["url"] == "https://insidechina.example.com/p/x"

"""Build a deterministic large synthetic project for the benchmarks.

    python benchmarks/make_corpus.py OUT_DIR [--documents 1000] [--seed 7]

writes OUT_DIR/files/ (the source files, for the import case), OUT_DIR/pdfs/
(100 20-page PDF reports with running headers and footers, for the PDF import
case), OUT_DIR/report200.pdf (one 200-page report) and
OUT_DIR/large.briefer: 1,000 documents (~30 MB, a quarter Chinese, 2 KB to one
2 MB document), 40 tags, 20,000 passages (3,000 overlapping ones on the 2 MB
document) and an outline of 12 sections holding 1,000 placed passages with
notes. Text is stitched from the bundled corpus's own sentences, so it reads
like the real thing. ``--documents 20`` makes the tiny project CI uses, scaled down.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefer.core.importing import import_paths
from briefer.core.project import create_project, open_project
from briefer.resources import corpus_dir

BIG_DOC_CHARS = 2_000_000
TOTAL_CHARS = 30_000_000


def _sentences() -> tuple[list[str], list[str]]:
    english: list[str] = []
    chinese: list[str] = []
    for path in sorted(corpus_dir().glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"[\u4e00-\u9fff]{20}", text):
            chinese += [s for s in re.findall(r"[^。！？\n]+[。！？]", text) if len(s) > 8]
        else:
            english += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 30]
    return english, chinese


def _text(rng: random.Random, pool: list[str], chars: int, header: str, joiner: str) -> str:
    parts = [header]
    size = len(header)
    while size < chars:
        paragraph = joiner.join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
        parts.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(parts)


def _sizes(rng: random.Random, count: int, total: int) -> list[int]:
    raw = [rng.lognormvariate(0, 1) for _ in range(count - 1)]
    scale = (total - BIG_DOC_CHARS) / sum(raw)
    return [BIG_DOC_CHARS] + [max(2_000, min(400_000, int(r * scale))) for r in raw]


def build(out: Path, documents: int = 1000, seed: int = 7) -> Path:
    rng = random.Random(seed)
    english, chinese = _sentences()
    files = out / "files"
    if out.exists():
        shutil.rmtree(out)
    files.mkdir(parents=True)
    scale = documents / 1000
    sizes = (
        _sizes(rng, documents, int(TOTAL_CHARS * scale))
        if documents >= 100
        else [200_000] + [rng.randint(2_000, 20_000) for _ in range(documents - 1)]
    )
    for i, size in enumerate(sizes):
        is_chinese = i % 4 == 3
        pool, joiner = (chinese, "") if is_chinese else (english, " ")
        # Chinese takes three bytes a character in UTF-8: keep byte sizes comparable.
        chars = size // 3 if is_chinese else size
        header = f"文件 {i:04d}" if is_chinese else f"Synthetic source {i:04d}"
        (files / f"doc{i:04d}.txt").write_text(_text(rng, pool, chars, header, joiner), encoding="utf-8")

    write_pdfs(out, random.Random(seed + 1), english, 100 if documents >= 100 else 3)

    project = create_project(out / "large.briefer", empty=True, title="Synthetic benchmark briefing")
    service = open_project(project)
    store = service.store
    import_paths(service, [files])
    with store.transaction():
        tag_ids = [t.id for t in store.list_tags()]
        for n in range(40 - len(tag_ids)):
            tag_ids.append(store.add_tag(name=f"Topic {n + 1:02d}", color=f"#{rng.randrange(0x1000000):06x}"))
        docs = store.list_documents()
        big = docs[0]
        big_passages = int(3000 * scale) if documents >= 100 else 300
        total_passages = int(20_000 * scale) if documents >= 100 else 600
        passage_ids = _add_passages(store, rng, big.id, big.length, big_passages, tag_ids, overlap=True)
        others = docs[1:]
        for k in range(total_passages - big_passages):
            doc = others[k % len(others)]
            passage_ids += _add_passages(store, rng, doc.id, doc.length, 1, tag_ids, overlap=False)
        sections = [
            store.add_section(title=f"Section {n + 1}", notes=f"Framing text for **section {n + 1}**.")
            for n in range(12)
        ]
        placed = rng.sample(passage_ids, min(len(passage_ids), 1000 if documents >= 100 else 60))
        for k, pid in enumerate(placed):
            store.add_placement(section=sections[k % 12], passage=pid)
            store.update_passage(pid, note=f"Claim {k}: this evidence matters because it is specific.")
    store.close()
    return project


def write_pdfs(out: Path, rng: random.Random, english: list[str], count: int) -> None:
    """20-page reports in OUT/pdfs and a 200-page one, each page with a running header and a page number."""
    try:
        from reportlab.lib.pagesizes import letter
        from reportlab.pdfgen import canvas
    except ImportError:  # reportlab comes with the test extra
        print("make_corpus: reportlab is not installed; no PDFs written", file=sys.stderr)
        return
    import textwrap

    def report(path: Path, pages: int, title: str) -> None:
        # invariant=1: no creation time or random id, so the same seed writes the same bytes.
        pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
        pdf.setTitle(title)
        pdf.setAuthor("Synthetic Analyst")
        for number in range(1, pages + 1):
            pdf.setFont("Helvetica", 8)
            pdf.drawString(72, 750, f"Institute for Synthetic Studies | {title}")
            pdf.drawString(300, 40, str(number))
            pdf.setFont("Times-Roman", 11)
            y = 710
            while y > 100:
                paragraph = " ".join(rng.choice(english) for _ in range(rng.randint(2, 5)))
                for line in textwrap.wrap(paragraph, 90):
                    pdf.drawString(72, y, line)
                    y -= 14
                    if y <= 100:
                        break
                y -= 14
            pdf.showPage()
        pdf.save()

    folder = out / "pdfs"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        report(folder / f"report{i:03d}.pdf", 20, f"Report {i:03d}")
    report(out / "report200.pdf", 200 if count >= 100 else 20, "The long report")


def _add_passages(
    store, rng: random.Random, doc_id: int, length: int, count: int, tag_ids: list[int], *, overlap: bool
) -> list[int]:
    text = store.get_document(doc_id).text
    ids = []
    for _ in range(count):
        start = rng.randrange(0, max(1, length - 400))
        end = start + rng.randint(40, 600 if overlap else 300)
        end = min(end, length)
        ids.append(
            store.add_passage(
                document=doc_id,
                start=start,
                end=end,
                quote=text[start:end],
                tags=rng.sample(tag_ids, rng.randint(1, 3)),
            )
        )
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    path = build(args.out, args.documents, args.seed)
    print(f"built {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A small project for the outline tests: the bundled corpus, two stance tags, five passages.

The main window may not exist yet, so the outline tests build their own
store, service and undo stack instead of going through it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QUndoStack

from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.resources import corpus_dir

BACKFIRE = [  # (document index, quote)
    (4, "such actions are inadvertently accelerating China’s self-sufficiency and innovation"),
    (2, "China is accelerating the development of a self-sufficient technological supply chain."),
    (3, "這些政策適得其反,反而加速了中國技術生態系統的發展。"),
]
WORK = [
    (4, "Initially hampered by these restrictions"),
    (3, "儘管美國及其盟友在先進製程微晶片和AI領域保持著微弱的領先優勢"),
]


@dataclass
class Project:
    path: Path
    store: Store
    service: ProjectService
    stack: QUndoStack
    docs: list[int]
    backfire_tag: int
    work_tag: int
    backfire: list[int]  # passage ids, in BACKFIRE order
    work: list[int]
    backfire_section: int
    work_section: int

    def reopen(self) -> Store:
        """The project file as another process would read it."""
        return Store.open(self.path, readonly=True)

    def placed(self, section: int) -> list[int]:
        """Passage ids placed in ``section``, in order, read from the file itself."""
        with self.reopen() as store:
            return [p.passage for p in store.list_placements(section)]

    def close(self) -> None:
        self.stack.clear()
        self.store.close()


def build_project(tmp_path: Path) -> Project:
    path = tmp_path / "brief.briefer"
    store = Store.create(path)
    service = ProjectService(store)
    docs = []
    for file in sorted(corpus_dir().glob("*.txt")):
        text = file.read_text(encoding="utf-8")
        language = "zh-Hant" if "的" in text[:200] else "en"
        docs.append(
            store.add_document(
                text=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                title=text.splitlines()[0][:60],
                language=language,
                publisher=f"Outlet {len(docs) + 1}",
                source_file=file.name,
            )
        )
    backfire_tag = store.add_tag(name="Controls backfire", color="#c0392b", is_stance=True)
    work_tag = store.add_tag(name="Controls work", color="#2e86c1", is_stance=True)
    backfire = [service.tag_quote(document=docs[d], quote=q, tags=["Controls backfire"]) for d, q in BACKFIRE]
    work = [service.tag_quote(document=docs[d], quote=q, tags=["Controls work"]) for d, q in WORK]
    store.set_meta(
        title="Do US chip controls work?",
        author="Policy desk",
        date="2026-11-23",
        marking="UNCLASSIFIED",
        bottom_line="The evidence is mixed.",
    )
    s1 = service.add_section(title="Controls backfire", stance=backfire_tag)
    s2 = service.add_section(title="Controls work", stance=work_tag)
    return Project(path, store, service, QUndoStack(), docs, backfire_tag, work_tag, backfire, work, s1, s2)

"""Helpers for the reader/window tests: a project built with the store API, and navigation."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from briefer.core.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TAGS = (
    ("Controls backfire", "#e8743b", True),
    ("Controls work", "#2a7ab9", True),
    ("Semiconductors", "#9bc53d", False),
    ("AI models", "#b07cc6", False),
)
ASTRAL_TEXT = "Emoji 😀 first, then 𠀋 rare: the quoted words here, and 🎉 more after.\nSecond line 𠀋 ends."


def build_project(path: Path) -> Path:
    """The store API directly, so these tests do not depend on the importer."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]
    with Store.create(path) as store:
        store.set_meta(title="Test briefing")
        for name, color, stance in TAGS:
            store.add_tag(name=name, color=color, is_stance=stance)
        for entry in manifest:
            text = (CORPUS / entry["file"]).read_text(encoding="utf-8")
            store.add_document(
                text=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                title=entry["title"],
                publisher=entry["publisher"],
                language=entry["language"],
            )
        store.add_document(
            text=ASTRAL_TEXT, sha256=hashlib.sha256(ASTRAL_TEXT.encode()).hexdigest(), title="Astral", language="en"
        )
    return path


def doc_id(window: object, title: str) -> int:
    return next(d.id for d in window.service.store.list_documents() if d.title == title)


def open_doc(window: object, title: str) -> int:
    """Open a document the way a user or script does: make its corpus row current."""
    from briefer.ui.id_model import IdRole

    did = doc_id(window, title)
    view = window.corpus.view
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(IdRole) == did:
            view.setCurrentIndex(index)
            break
    assert window.reader.document_id == did
    return did


def stored_passages(path: Path) -> list[object]:
    with Store.open(path, readonly=True) as store:
        return store.list_passages()

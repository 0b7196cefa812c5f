"""Importing files and folders into a project, one atomic document at a time."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from briefer.core.errors import BrieferError, ImportRejected, ImportSkipped
from briefer.core.importing.formats import SUPPORTED_EXTENSIONS, read_file
from briefer.core.language import detect_language
from briefer.core.service import ProjectService
from briefer.core.textnorm import normalise

MAX_FILE_BYTES = 200 * 1024 * 1024

Progress = Callable[[int, int, Path], bool | None]
"""Called as (done, total, current file); returning False cancels the rest."""


@dataclass(frozen=True)
class ImportOutcome:
    path: Path
    status: str  # "imported", "skipped" or "rejected"
    reason: str = ""
    document_id: int | None = None

    def line(self) -> str:
        if self.status == "imported":
            return f"imported {self.path} as {self.document_id}"
        return f"{self.status} {self.path}: {self.reason}"


def import_paths(service: ProjectService, paths: Iterable[str | os.PathLike[str]],
                 progress: Progress | None = None) -> list[ImportOutcome]:
    """Import files and folders (recursively); bad files never stop the batch."""
    outcomes: list[ImportOutcome] = []
    candidates: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates.extend((p, False) for p in _walk(path))
        else:
            candidates.append((path, True))
    for done, (path, explicit) in enumerate(candidates):
        if progress is not None and progress(done, len(candidates), path) is False:
            break
        if not explicit and path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            outcomes.append(ImportOutcome(path, "skipped", f"not a supported file type ({path.suffix or 'no extension'})"))
            continue
        outcomes.append(import_file(service, path))
    if progress is not None:
        progress(len(candidates), len(candidates), Path())
    if any(o.status == "imported" for o in outcomes):
        service.notify("documents")
    return outcomes


def import_file(service: ProjectService, path: Path, **overrides: str) -> ImportOutcome:
    """Read, normalise and store one file; the outcome says what happened and why."""
    try:
        doc_id = _import_one(service, path, overrides)
    except ImportSkipped as exc:
        return ImportOutcome(path, "skipped", str(exc))
    except (ImportRejected, BrieferError) as exc:
        return ImportOutcome(path, "rejected", str(exc))
    except OSError as exc:
        return ImportOutcome(path, "rejected", f"cannot read it: {exc.strerror or exc}")
    return ImportOutcome(path, "imported", document_id=doc_id)


def _import_one(service: ProjectService, path: Path, overrides: dict[str, str]) -> int:
    if not path.exists():
        raise ImportRejected("no such file")
    if not path.is_file():
        raise ImportRejected("not a regular file")
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        raise ImportRejected(f"unsupported file type '{path.suffix or '(none)'}' "
                             f"(supported: {', '.join(SUPPORTED_EXTENSIONS)})")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportRejected(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    data = path.read_bytes()
    if not data.strip():
        raise ImportRejected("empty file")
    read = read_file(path.suffix, data)
    text = normalise(read.text).strip("\n")
    if not text.strip():
        raise ImportRejected("no text in it")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = service.store.document_with_sha(sha)
    if existing is not None:
        raise ImportSkipped(f"same content as document {existing} already in the project")
    meta = {**read.metadata, **{k: v for k, v in overrides.items() if v}}
    meta = {k: normalise(v).strip() for k, v in meta.items()}
    if not meta.get("language"):
        meta["language"] = detect_language(text)
    if not meta.get("title"):
        meta["title"] = _title_from(text) or path.stem
    return service.store.add_document(text=text, sha256=sha, source_file=path.name, **meta)


def _title_from(text: str) -> str:
    first = text.strip().split("\n", 1)[0].strip()
    return first if len(first) <= 120 else first[:117].rstrip() + "…"


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name

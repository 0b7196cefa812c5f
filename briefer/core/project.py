"""Creating and opening projects, and the embedded default project."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from briefer.core.defaults import DEFAULT_OUTLINE, DEFAULT_TAGS
from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.resources import corpus_dir

PROJECT_SUFFIX = ".briefer"
DEFAULT_TITLE = "US export controls on Chinese technology: do they backfire or work?"


def user_data_dir() -> Path:
    import platformdirs  # here: opening a named project, the usual launch, never needs it

    return Path(platformdirs.user_data_dir("briefer", appauthor=False))


def default_project_path() -> Path:
    return user_data_dir() / f"export-controls{PROJECT_SUFFIX}"


def ensure_default_project() -> Path:
    """The project ``briefer`` opens with no argument, made from the bundled corpus on first run."""
    path = default_project_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        create_project(path)
    return path


def open_project(path: str | os.PathLike[str], *, readonly: bool = False) -> ProjectService:
    return ProjectService(Store.open(path, readonly=readonly))


def open_for_reading(path: str | os.PathLike[str]) -> Store:
    """The project file on a read-only connection of its own, for a worker thread (an export, a preview).

    Use it as a context manager, so the connection closes when the work is done;
    hand it to ``briefer.export``, which reads the project through it.
    """
    return Store.open(path, readonly=True)


def create_project(
    path: str | os.PathLike[str],
    *,
    empty: bool = False,
    title: str | None = None,
    then: Callable[[ProjectService], object] | None = None,
) -> Path:
    """Create a project with the default codebook and outline (and the bundled corpus).

    ``then`` adds to it (an import into a new project), in the same transaction.
    The file is built under a temporary name and moved into place when complete,
    so an interrupted run never leaves a half-made project at ``path``.
    """

    def fill(service: ProjectService) -> None:
        _populate(service, title or DEFAULT_TITLE, with_corpus=not empty)
        if then is not None:
            then(service)

    return build_project(path, fill)


def build_project(path: str | os.PathLike[str], fill: Callable[[ProjectService], object]) -> Path:
    """Create a project at ``path`` holding what ``fill`` stores, in one transaction; nothing
    (no file at ``path``) if ``fill`` raises. ``create_project`` and an import into a new project use it."""
    target = Path(path)
    if target.exists():
        raise FileExistsError(f"{target} already exists; not overwriting it")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"folder {target.parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        with Store.create(tmp, unshared=True) as store:
            service = ProjectService(store)
            with store.transaction():
                fill(service)
            store.seal()
        # Built without syncing (Store.create(unshared=True)): on disk before it has its name.
        _sync(tmp)
        # link() refuses to replace a file that appeared meanwhile; rename would not.
        os.link(tmp, target)
        _sync(target.parent)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return target


def _sync(path: Path) -> None:
    """fsync a file, or a folder so that a name just given in it survives a power cut."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # a folder cannot be opened on Windows, where NTFS orders this itself
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def _populate(service: ProjectService, title: str, *, with_corpus: bool) -> None:
    store = service.store
    store.set_meta(
        title=title, author="", date=date.today().isoformat(), marking="UNCLASSIFIED // FOR DISCUSSION", bottom_line=""
    )
    tag_ids: dict[str, int] = {}
    for name, colour, description, is_stance in DEFAULT_TAGS:
        tag_ids[name] = store.add_tag(name=name, color=colour, description=description, is_stance=is_stance)
    for section_title, notes, stance in DEFAULT_OUTLINE:
        store.add_section(title=section_title, notes=notes, stance=tag_ids.get(stance) if stance else None)
    if with_corpus:
        # Imported here: opening a project (the window's start-up) needs no decoders.
        from briefer.core.importing.importer import import_file

        for entry in bundled_manifest():
            outcome = import_file(
                service, corpus_dir() / entry["file"], **{k: v for k, v in entry.items() if k != "file"}
            )
            if outcome.status != "imported":
                raise RuntimeError(f"bundled corpus file {entry['file']}: {outcome.reason}")


def bundled_manifest() -> list[dict[str, str]]:
    data = json.loads((corpus_dir() / "manifest.json").read_text(encoding="utf-8"))
    return list(data["documents"])

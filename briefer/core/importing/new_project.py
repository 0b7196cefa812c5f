"""Importing files into a project that does not exist yet: made whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from briefer.core.errors import ImportRejected
from briefer.core.importing.importer import ImportOutcome, Progress, import_paths
from briefer.core.project import create_project
from briefer.core.service import ProjectService


class NothingImportedError(ImportRejected):
    """No file could be imported, so no project was made; ``outcomes`` say why for each."""

    def __init__(self, project: Path, outcomes: list[ImportOutcome]) -> None:
        super().__init__(f"no file could be imported; {project} was not created")
        self.outcomes = outcomes


def import_into_new_project(
    project: str | os.PathLike[str],
    paths: Iterable[str | os.PathLike[str]],
    progress: Progress | None = None,
    *,
    title: str | None = None,
    overwrite_metadata: bool = False,
) -> list[ImportOutcome]:
    """Create ``project`` (the default codebook and outline, no bundled corpus) holding these files.

    The project is built under a temporary name and appears only when the import
    is complete (``project.build_project``): a failure or Ctrl-C leaves nothing,
    and the build pays no write-ahead log, which a project others may read needs.
    A file that cannot be imported is reported, as by ``import_paths``; if none
    can, no project is made (``NothingImportedError``).
    """
    target = Path(project)
    outcomes: list[ImportOutcome] = []

    def fill(service: ProjectService) -> None:
        outcomes.extend(import_paths(service, paths, progress, overwrite_metadata=overwrite_metadata))
        if not any(o.status == "imported" for o in outcomes):
            raise NothingImportedError(target, outcomes)

    create_project(target, empty=True, title=title, then=fill)
    return outcomes

"""Finding export templates: built in, in the user data folder, and beside the project.

Later sources override earlier ones by name, so an analyst can replace the
built-in memo for one project by putting ``templates/memo/`` beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from briefer import resources
from briefer.export.errors import TemplateNotFoundError

TEMPLATE_FILE = "template.md.j2"
MANIFEST_FILE = "manifest.json"
REFERENCE_FILE = "reference.docx"
DEFAULT_TEMPLATE = "memo"


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    origin: str  # "built-in", "user" or "project"
    path: Path  # the template folder
    display_name: str
    description: str

    @property
    def source(self) -> Path:
        return self.path / TEMPLATE_FILE

    @property
    def reference_docx(self) -> Path | None:
        ref = self.path / REFERENCE_FILE
        return ref if ref.is_file() else None


def user_templates_dir() -> Path:
    return Path(platformdirs.user_data_dir("briefer")) / "templates"


def template_roots(project_path: str | Path | None = None) -> list[tuple[str, Path]]:
    roots: list[tuple[str, Path]] = []
    try:
        roots.append(("built-in", resources.templates_dir()))
    except FileNotFoundError:
        pass
    roots.append(("user", user_templates_dir()))
    if project_path is not None:
        roots.append(("project", Path(project_path).resolve().parent / "templates"))
    return roots


def discover_templates(
    project_path: str | Path | None = None, roots: list[tuple[str, Path]] | None = None
) -> dict[str, TemplateInfo]:
    """Every usable template by name; a later root overrides an earlier one."""
    found: dict[str, TemplateInfo] = {}
    for origin, root in roots if roots is not None else template_roots(project_path):
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / TEMPLATE_FILE).is_file():
                found[folder.name] = _info(folder, origin)
    return dict(sorted(found.items()))


def find_template(
    name: str, project_path: str | Path | None = None, roots: list[tuple[str, Path]] | None = None
) -> TemplateInfo:
    templates = discover_templates(project_path, roots)
    if name not in templates:
        known = ", ".join(templates) or "none"
        raise TemplateNotFoundError(f"no template named '{name}' (available: {known})")
    return templates[name]


def _info(folder: Path, origin: str) -> TemplateInfo:
    # A broken manifest must not hide the template: fall back to the folder name.
    display, description = folder.name, ""
    try:
        data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            display = str(data.get("name") or display)
            description = str(data.get("description") or "")
    except (OSError, ValueError):
        pass
    return TemplateInfo(folder.name, origin, folder, display, description)

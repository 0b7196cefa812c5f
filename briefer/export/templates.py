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
from briefer.export.errors import TemplateError, TemplateNotFoundError

TEMPLATE_FILE = "template.md.j2"
MANIFEST_FILE = "manifest.json"
REFERENCE_FILE = "reference.docx"
DEFAULT_TEMPLATE = "memo"
PAGES = ("", "letter", "a4")  # a manifest's "page"


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    origin: str  # "built-in", "user" or "project"
    path: Path  # the template folder
    display_name: str
    description: str
    # Why the template cannot be used (a manifest that cannot be read), in one
    # line naming the file; empty for a usable template.
    problem: str = ""
    # The paper the manifest asks for ("letter" or "a4"); empty: the reference.docx decides.
    page: str = ""

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
    project_path: str | Path | None = None,
    roots: list[tuple[str, Path]] | None = None,
    *,
    include_broken: bool = False,
) -> dict[str, TemplateInfo]:
    """Every usable template by name; a later root overrides an earlier one.

    A template whose manifest cannot be read still overrides by name (the
    analyst meant to replace that template), but is left out unless
    ``include_broken``: its ``problem`` says why, and choosing it is an error.
    """
    found: dict[str, TemplateInfo] = {}
    for origin, root in roots if roots is not None else template_roots(project_path):
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / TEMPLATE_FILE).is_file():
                found[folder.name] = _info(folder, origin)
    return {name: info for name, info in sorted(found.items()) if include_broken or not info.problem}


def find_template(
    name: str, project_path: str | Path | None = None, roots: list[tuple[str, Path]] | None = None
) -> TemplateInfo:
    templates = discover_templates(project_path, roots, include_broken=True)
    if name not in templates:
        known = ", ".join(n for n, t in templates.items() if not t.problem) or "none"
        raise TemplateNotFoundError(f"no template named '{name}' (available: {known})")
    if templates[name].problem:
        raise TemplateError(f"template '{name}' cannot be used: {templates[name].problem}")
    return templates[name]


# A manifest holds a name and a description; anything longer is not one.
MAX_MANIFEST_BYTES = 64 * 1024


def _info(folder: Path, origin: str) -> TemplateInfo:
    manifest = folder / MANIFEST_FILE
    display, description = folder.name, ""
    try:
        with manifest.open("rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
    except FileNotFoundError:  # no manifest: the folder name, no description
        return TemplateInfo(folder.name, origin, folder, display, description)
    except OSError as exc:
        return _broken(folder, origin, f"{manifest}: cannot be read ({exc.strerror or exc})")
    if len(raw) > MAX_MANIFEST_BYTES:
        return _broken(folder, origin, f"{manifest}: larger than {MAX_MANIFEST_BYTES // 1024} KB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _broken(folder, origin, f"{manifest}: not UTF-8 text (byte {exc.start})")
    except RecursionError:  # '[' * 100000: the json module parses nesting recursively
        return _broken(folder, origin, f"{manifest}: nested too deeply to be a manifest")
    except ValueError as exc:
        return _broken(folder, origin, f"{manifest}: not valid JSON ({' '.join(str(exc).split())})")
    if not isinstance(data, dict):
        return _broken(folder, origin, f"{manifest}: not a JSON object with a name and a description")
    display = str(data.get("name") or display)
    description = str(data.get("description") or "")
    page = data.get("page", "")
    if page not in PAGES:
        return _broken(folder, origin, f'{manifest}: "page" must be "letter" or "a4", not {json.dumps(page)[:40]}')
    return TemplateInfo(folder.name, origin, folder, display, description, page=page)


def _broken(folder: Path, origin: str, problem: str) -> TemplateInfo:
    return TemplateInfo(folder.name, origin, folder, folder.name, "", problem=problem)

"""Reading source files (text, Markdown, HTML, Word) into normalised documents."""

from briefer.core.importing.importer import ImportOutcome, import_paths
from briefer.core.importing.new_project import NothingImportedError, import_into_new_project

__all__ = ["ImportOutcome", "NothingImportedError", "import_into_new_project", "import_paths"]

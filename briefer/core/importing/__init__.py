"""Reading source files (text, Markdown, HTML, Word) into normalised documents."""

from briefer.core.importing.importer import ImportOutcome, import_paths

__all__ = ["ImportOutcome", "import_paths"]

"""Command-line front end over the same core services the window uses."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from briefer import __version__
from briefer.core.errors import SQLITE_INT_MAX, SQLITE_INT_MIN, BrieferError
from briefer.core.model import page_labels
from briefer.core.project import create_project, ensure_default_project, open_project
from briefer.core.service import ProjectService

if TYPE_CHECKING:
    from briefer.core.importing import ImportOutcome

Handler = Callable[[argparse.Namespace], int]
# Every sub-command ``build_parser`` adds; anything else as the first argument is a project to open.
COMMANDS = frozenset(
    {"new", "import", "update", "accept", "show", "tag", "autotag", "section", "place", "check", "export", "templates"}
)


def _integer(low: int = SQLITE_INT_MIN, high: int = SQLITE_INT_MAX) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (at most what SQLite holds),
    so an out-of-range one is a usage error naming its argument, not a failure further in."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            digits = text.strip().lstrip("+-")
            if not (digits.isdecimal() and len(digits) > 4000):  # past int()'s digit limit
                raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
            value = high + 1 if not text.strip().startswith("-") else low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{_short(text)} is out of range ({low} to {high})")
        return value

    return parse


def _document_ref(text: str) -> str:
    """An argparse type for ``--doc``: an id (which must be in range) or a title, kept as given."""
    if text.isdecimal():
        try:
            value = int(text)
        except ValueError:  # more digits than int() takes
            value = SQLITE_INT_MAX + 1
        if value > SQLITE_INT_MAX:
            raise argparse.ArgumentTypeError(f"document id {_short(text)} is out of range (1 to {SQLITE_INT_MAX})")
    return text


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        self.exit(2, f"briefer: {message} (see 'briefer --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefer",
        description="Turn a corpus of sources into a cited briefing. "
        "With no command, opens PROJECT (or the bundled default project) in the window.",
    )
    parser.add_argument("--version", action="version", version=f"briefer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("new", help="create a project with the bundled corpus, codebook and outline")
    p.add_argument("project", type=Path)
    p.add_argument("--empty", action="store_true", help="leave the corpus out (codebook and outline stay)")
    p.add_argument("--title", help="the briefing's title")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "import",
        help="import files or folders (recursively), a bibliography (.json, .ris, .bib), "
        "or a REFI-QDA project (.qdpx) or codebook (.qdc); into a PROJECT that does not exist yet, "
        "they make a new one",
    )
    p.add_argument("project", type=Path)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument(
        "--overwrite-metadata",
        action="store_true",
        help="let a bibliography's records replace metadata already filled, not only fill empty fields",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="a file that is a new version of a document (same file name, URL or DOI) updates it",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("update", help="give a document a new version of its text and re-anchor its passages")
    p.add_argument("project", type=Path)
    p.add_argument("document", type=_document_ref, metavar="DOC", help="document id or exact title")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("accept", help="anchor a fuzzy passage at its candidate span")
    p.add_argument("project", type=Path)
    p.add_argument("passage", type=_integer(1), metavar="PASSAGE_ID")
    p.set_defaults(func=cmd_accept)

    p = sub.add_parser("show", help="print a summary of the project, or all of it as JSON")
    p.add_argument("project", type=Path)
    p.add_argument("--json", action="store_true", help="the whole project as JSON (default: a short summary)")
    p.add_argument("--with-text", action="store_true", help="include each document's text")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("tag", help="tag a quote in a document")
    p.add_argument("project", type=Path)
    p.add_argument("--doc", required=True, type=_document_ref, help="document id or exact title")
    p.add_argument("--quote", required=True)
    p.add_argument("--tag", action="append", required=True, help="tag name (repeatable)")
    p.add_argument("--note", default="")
    p.add_argument("--translation", default="")
    p.add_argument("--occurrence", type=_integer(1), default=1)
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("autotag", help="tag every match of a regular expression")
    p.add_argument("project", type=Path)
    p.add_argument("--pattern", required=True)
    p.add_argument("--tag", required=True)
    p.add_argument("--doc", type=_document_ref)
    p.add_argument("--scope", choices=("match", "sentence", "paragraph"), default="match")
    p.set_defaults(func=cmd_autotag)

    p = sub.add_parser("section", help="add an outline section")
    p.add_argument("project", type=Path)
    p.add_argument("title")
    p.add_argument("--parent", help="the parent section's id or exact title")
    p.add_argument("--notes", default="")
    p.add_argument("--stance", help="a tag name")
    p.set_defaults(func=cmd_section)

    p = sub.add_parser("place", help="put a passage into an outline section")
    p.add_argument("project", type=Path)
    p.add_argument("passage", type=_integer(1), metavar="PASSAGE_ID")
    p.add_argument("--section", required=True, help="the section's id or exact title")
    p.add_argument("--position", type=_integer(0), help="0 for first, up to the section's count (last)")
    p.set_defaults(func=cmd_place)

    p = sub.add_parser("check", help="verify the project file, every text against its hash and every quote")
    p.add_argument("project", type=Path)
    p.set_defaults(func=cmd_check)

    try:
        from briefer.cli_export import add_export_commands
    except ImportError:
        pass
    else:
        add_export_commands(sub)
    return parser


# ------------------------------------------------------------------ commands
@contextmanager
def _opened(path: Path, *, readonly: bool = False) -> Iterator[ProjectService]:
    """One command's use of a project: opened, then closed whatever happens."""
    service = open_project(path, readonly=readonly)
    try:
        yield service
    finally:
        service.store.close()


def cmd_new(args: argparse.Namespace) -> int:
    path = create_project(args.project, empty=args.empty, title=args.title)
    print(f"created {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if not args.project.exists() and args.paths and all(_is_exchange(p) for p in args.paths):
        # A REFI-QDA project into a new Briefer project: only what the files bring, made whole or not at all.
        from briefer.core.importing.qdpx_apply import create_from_exchange

        for outcome in create_from_exchange(args.project, args.paths):
            print(outcome.line())
        print(f"created {args.project}")
        return 0
    if not args.project.exists():
        return _import_into_new(args.project, args.paths, args.overwrite_metadata)
    with _opened(args.project) as service:
        from briefer.core.importing import import_paths  # the decoders: not needed to open the window

        outcomes = import_paths(service, args.paths, overwrite_metadata=args.overwrite_metadata, update=args.update)
    _print_outcomes(outcomes)
    return 1 if any(o.status == "rejected" for o in outcomes) else 0


def _import_into_new(project: Path, paths: list[Path], overwrite_metadata: bool) -> int:
    """A new project (as ``new --empty``) holding the files; made only once all of them are read."""
    from briefer.core.importing import NothingImportedError, import_into_new_project

    try:
        outcomes = import_into_new_project(project, paths, overwrite_metadata=overwrite_metadata)
    except NothingImportedError as exc:
        _print_outcomes(exc.outcomes)
        raise
    _print_outcomes(outcomes)
    print(f"created {project}")
    return 1 if any(o.status == "rejected" for o in outcomes) else 0


def _print_outcomes(outcomes: list[ImportOutcome]) -> None:
    for outcome in outcomes:
        print(outcome.line())
        for line in outcome.details:
            print(line)


def cmd_update(args: argparse.Namespace) -> int:
    with _opened(args.project) as service:
        from briefer.core.anchor_commands import update_from_file  # the decoders: not needed to open the window

        report = update_from_file(service, service.resolve_document(args.document), args.file)
    if report.unchanged:
        print(f"document {report.document} is unchanged: {args.file} has the text it has")
        return 0
    print(report.summary())
    for line in report.review_lines():
        print(line)
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    with _opened(args.project) as service:
        from briefer.core.versions import accept_candidate

        accept_candidate(service, args.passage)
        passage = service.passages.get(args.passage)
    print(f"accepted {passage.id}: exact at {passage.start}-{passage.end}")
    return 0


def _is_exchange(path: Path) -> bool:
    return path.suffix.lower() in (".qdpx", ".qdc")


def cmd_show(args: argparse.Namespace) -> int:
    with _opened(args.project, readonly=True) as service:
        data = project_as_json(service, with_text=args.with_text and args.json)
    if not args.json:
        from briefer.cli_show import project_summary

        print(project_summary(data, args.project))
        return 0
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    with _opened(args.project) as service:
        pid = service.tag_quote(
            document=service.resolve_document(args.doc),
            quote=args.quote,
            tags=args.tag,
            occurrence=args.occurrence,
            note=args.note,
            translation=args.translation,
        )
    print(pid)
    return 0


def cmd_autotag(args: argparse.Namespace) -> int:
    with _opened(args.project) as service:
        doc = service.resolve_document(args.doc) if args.doc else None
        created = service.autotag(pattern=args.pattern, tag=args.tag, document=doc, scope=args.scope)
    print(created)
    return 0


def cmd_section(args: argparse.Namespace) -> int:
    with _opened(args.project) as service:
        parent = service.resolve_section(args.parent) if args.parent else None
        stance = service.resolve_tag(args.stance).id if args.stance else None
        sid = service.add_section(title=args.title, parent=parent, notes=args.notes, stance=stance)
    print(sid)
    return 0


def cmd_place(args: argparse.Namespace) -> int:
    with _opened(args.project) as service:
        placement = service.place(
            passage=args.passage, section=service.resolve_section(args.section), position=args.position
        )
    print(placement)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from briefer.core.integrity import verify_project

    with _opened(args.project, readonly=True) as service:
        report = verify_project(service.store)
    if report.ok:
        print(report.summary())
        return 0
    for problem in report.problems:
        print(" ".join(problem.message.split()))  # one line each, whatever a title holds
    return 1


def project_as_json(service: ProjectService, *, with_text: bool = False) -> dict[str, Any]:
    """The documented JSON form of a whole project (see README)."""
    store = service.store
    tags = store.list_tags()
    tag_names = {t.id: t.name for t in tags}
    documents = []
    paged = store.document_pages()
    for info in store.list_documents():
        entry = {k: v for k, v in asdict(info).items()}
        entry["type"] = info.item_type  # what a source said, else the guess the README describes
        entry["pages"] = [{"start": page.start, "label": page.label} for page in paged.get(info.id, ())]
        if with_text:
            entry["text"] = store.get_document(info.id).text
        documents.append(entry)
    passages = [
        {
            "id": p.id,
            "document": p.document,
            "start": p.start,
            "end": p.end,
            "quote": p.quote,
            "tags": [tag_names[t] for t in p.tags],
            "note": p.note,
            "translation": p.translation,
            "pages": page_labels(paged.get(p.document, ()), p.start, p.end),
            "anchor": p.anchor,
            **({"candidate": asdict(p.candidate)} if p.candidate is not None else {}),
        }
        for p in store.list_passages()
    ]
    sections = store.list_sections()
    placements = store.list_placements()

    def outline(parent: int | None) -> list[dict[str, Any]]:
        return [
            {
                "id": s.id,
                "title": s.title,
                "notes": s.notes,
                "stance": tag_names.get(s.stance) if s.stance else None,
                "passages": [pl.passage for pl in placements if pl.section == s.id],
                "children": outline(s.id),
            }
            for s in sections
            if s.parent == parent
        ]

    return {
        "project": asdict(store.get_meta()),
        "documents": documents,
        "tags": [
            {
                "id": t.id,
                "name": t.name,
                "color": t.color,
                "parent": t.parent,
                "stance": t.is_stance,
                "description": t.description,
            }
            for t in tags
        ],
        "passages": passages,
        "outline": outline(None),
    }


# ---------------------------------------------------------------------- main
def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Decided before the parser is built: opening the window is the common case,
    # and building every sub-command's parser would only delay it.
    if not args_list or (args_list[0] not in COMMANDS and not args_list[0].startswith("-")):
        return launch(args_list[0] if args_list else None)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader of our output went away (`briefer show ... | head`): not an
        # error worth a message. Point stdout at nothing so the exit flush is
        # quiet, and exit as a process ended by SIGPIPE would (128 + 13).
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # stdout is not a file (captured, embedded)
            pass
        return 141
    except (BrieferError, OSError, ValueError) as exc:
        print(f"briefer: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("briefer: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line for the user, the traceback kept for the report
        from briefer.crash_report import save_traceback, summary

        report = save_traceback(type(exc), exc, exc.__traceback__)
        print(f"briefer: internal error: {summary(exc)} (details in {report}; please report it)", file=sys.stderr)
        return 70


def launch(project: str | None) -> int:
    """Open the desktop window on PROJECT, or on the embedded default project."""
    try:
        path = Path(project) if project else ensure_default_project()
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such project file (create one with 'briefer new {path}')")
    except (BrieferError, OSError) as exc:
        print(f"briefer: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    from briefer.app import run_app

    return run_app(path)


def _one_line(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return " ".join(text.split())


if __name__ == "__main__":
    raise SystemExit(main())

"""``briefer export`` and ``briefer templates``: the command-line front end of the export engine.

``briefer.cli`` wires these in with ``add_export_commands(subparsers)``; each
handler returns the exit code and reports problems as one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeVar

from briefer.core.errors import BrieferError
from briefer.core.store import Store
from briefer.export.templates import DEFAULT_TEMPLATE, discover_templates

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)


def add_export_commands(subparsers: argparse._SubParsersAction[_Parser]) -> None:
    export = subparsers.add_parser(
        "export",
        help="export the briefing as Markdown or Word",
        description="Export the project's outline through a template. "
        "The format follows the output name: .md or .docx; .qdpx (REFI-QDA), .xlsx and .csv "
        "(one row per passage) use no template.",
    )
    export.add_argument("project", help="the project file")
    export.add_argument("-o", "--output", required=True, help="the output file (.md, .docx, .qdpx, .xlsx or .csv)")
    export.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        help=f"template name (default: {DEFAULT_TEMPLATE}; see 'briefer templates')",
    )
    export.add_argument(
        "--allow-unverified",
        action="store_true",
        help="export quotes that cannot be verified against their sources, each marked [unverified]",
    )
    export.add_argument(
        "--citation-style",
        metavar="STYLE",
        help="citation style: chicago (notes and bibliography), apa, or a .csl file "
        "(default: the template's, else chicago)",
    )
    export.add_argument("--strict", action="store_true", help="write nothing and exit 1 if the export has any warnings")
    export.add_argument(
        "--force", action="store_true", help="replace the output file if it exists (without it, export refuses)"
    )
    export.set_defaults(func=run_export)

    templates = subparsers.add_parser("templates", help="list the export templates and where they come from")
    templates.add_argument("project", nargs="?", help="also list templates beside this project file")
    templates.set_defaults(func=run_templates)


def _fail(message: str) -> int:
    print(f"briefer: error: {' '.join(str(message).split())}", file=sys.stderr)
    return 1


def run_export(args: argparse.Namespace) -> int:
    # Here, not at the top: the parser is built on every command and the engine
    # brings in Jinja2 and Markdown, which only this command needs.
    from briefer.export.engine import export_project
    from briefer.export.errors import UnverifiedQuotesError, WarningsRefusedError
    from briefer.export.exchange import export_exchange, is_exchange_format

    # Refused here, not in the engine: benchmarks and tests export to one path again and again.
    if not args.force and Path(args.output).exists():
        return _fail(f"{args.output} exists; use --force to replace it")
    if is_exchange_format(args.output):  # data, not a briefing: --template does not apply
        try:
            with Store.open(args.project, readonly=True) as store:
                path, fmt = export_exchange(store, args.output)
        except (BrieferError, OSError) as exc:
            return _fail(str(exc))
        print(f"wrote {path} ({fmt})")
        return 0
    try:
        with Store.open(args.project, readonly=True) as store:
            result = export_project(
                store,
                args.output,
                template_name=args.template,
                project_path=args.project,
                allow_unverified=args.allow_unverified,
                citation_style=args.citation_style,
                strict=args.strict,
            )
    except WarningsRefusedError as exc:
        for warning in exc.warnings:
            print(f"briefer: warning: {warning}", file=sys.stderr)
        return _fail(str(exc))
    except UnverifiedQuotesError as exc:  # the list, one passage a line
        count = len(exc.lines)
        _fail(f"{count} quote{'s' if count != 1 else ''} in the outline cannot be verified; nothing was written")
        for line in exc.lines:
            print(f"  {' '.join(line.split())}", file=sys.stderr)
        print(
            "  (fix or remove them, or export with --allow-unverified to print them marked [unverified])",
            file=sys.stderr,
        )
        return 1
    except (BrieferError, OSError) as exc:
        return _fail(str(exc))
    for warning in result.warnings:
        print(f"briefer: warning: {warning}", file=sys.stderr)
    for line in result.unverified:
        print(f"briefer: warning: printed marked [unverified]: {' '.join(line.split())}", file=sys.stderr)
    print(f"wrote {result.path} ({result.format}, template {result.template.name})")
    return 0


def run_templates(args: argparse.Namespace) -> int:
    try:
        templates = discover_templates(getattr(args, "project", None), include_broken=True)
    except OSError as exc:
        return _fail(str(exc))
    if not templates:
        print("no templates found")
        return 0
    width = max(len(name) for name in templates)
    for name, info in templates.items():
        about = f"unusable: {info.problem}" if info.problem else info.description
        about = " ".join(about.split())  # one line per template, whatever the manifest holds
        print(f"{name:<{width}}  {info.origin:<8}  {about}")
    return 0

"""Rendering a template in Jinja2's sandbox, with escaping on by default and a time limit.

Every ``{{ value }}`` is escaped for Markdown by ``finalize``, so quotes print
verbatim whatever they contain and a template author cannot forget it; the
``md`` filter marks intentional Markdown (analyst notes) as trusted.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import Any

import jinja2
from markupsafe import Markup
from jinja2.sandbox import SandboxedEnvironment

from briefer.export.errors import TemplateError
from briefer.export.mdescape import Trusted, escape_cell, escape_markdown, markdown_link, strong_between

RENDER_SECONDS = 10.0
_MAX_REPEAT = 1_000_000  # longest string or list a template may build with *


class _Timeout(Exception):
    pass


class BrieferSandbox(SandboxedEnvironment):
    """The sandbox plus limits on ``*`` and ``**``, which could exhaust memory in one step."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 100:
            raise jinja2.sandbox.SecurityError("exponent too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) \
                        and len(seq) * count > _MAX_REPEAT:
                    raise jinja2.sandbox.SecurityError("the result of * would be too large")
        return super().call_binop(context, operator, left, right)


def _finalize(value: Any) -> Markup:
    """Escape every printed value for Markdown unless it is already Markdown (Markup)."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    return Trusted(escape_markdown(str(value)))


def _escape_filter(value: Any) -> Markup:
    """``|e`` and ``|escape`` mean "escape for this output", which here is Markdown."""
    return value if isinstance(value, Markup) else Trusted(escape_markdown(str(value)))


def _tojson(value: Any, indent: int | None = None) -> Trusted:
    import json

    return Trusted(escape_markdown(json.dumps(value, ensure_ascii=False, indent=indent, default=str)))


def _md(value: Any) -> Trusted:
    """Intentional Markdown (notes written by the analyst): printed unescaped."""
    return Trusted("" if value is None else str(value))


def _strong(value: Any, before: Any = "", after: Any = "") -> Trusted:
    """Escaped text in bold, between optional (escaped) neighbours; see strong_between."""
    text = str(value)
    core = text.strip()
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return Trusted(strong_between(f"{before}{lead}", core, f"{trail}{after}"))


def _emph(value: Any) -> Trusted:
    text = str(value).strip()
    return Trusted(f"*{escape_markdown(text)}*" if text else "")


def make_environment(template_dir: Path) -> BrieferSandbox:
    env = BrieferSandbox(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        # Autoescaping makes Jinja mark its own rendered output (macros, blocks,
        # super()) as Markup, so finalize does not escape it a second time; the
        # HTML escape that follows finalize never sees a plain str.
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for unsafe in ("urlize", "xmlattr"):  # they emit HTML; meaningless in a briefing
        env.filters.pop(unsafe, None)
    env.filters.update(
        e=_escape_filter,
        escape=_escape_filter,
        forceescape=lambda v: Trusted(escape_markdown(str(v))),
        tojson=_tojson,
        safe=_md,
        md=_md,
        escape_md=lambda v: Trusted(escape_markdown(str(v))),
        cell=lambda v: Trusted(escape_cell(str(v))),
        strong=_strong,
        emph=_emph,
        link=lambda url, text=None: Trusted(markdown_link(str(url), None if text is None else str(text))),
    )
    return env


def render_template(template_dir: Path, name: str, variables: Mapping[str, Any],
                    *, seconds: float = RENDER_SECONDS) -> str:
    """Render ``template_dir/name``; any failure raises TemplateError naming file and line."""
    path = template_dir / name
    env = make_environment(template_dir)
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"template file {path} is missing") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or path}, line {exc.lineno}: syntax error: {exc.message}") from None
    try:
        return _with_deadline(lambda: template.render(**variables), seconds)
    except _Timeout:
        raise TemplateError(f"{path}: rendering took longer than {seconds:g} seconds; "
                            "the template may loop without end") from None
    except jinja2.TemplateSyntaxError as exc:  # an included file
        raise TemplateError(f"{exc.filename or path}, line {exc.lineno}: syntax error: {exc.message}") from None
    except jinja2.sandbox.SecurityError as exc:
        raise TemplateError(f"{_where(exc, path)}: not allowed in a template: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{_where(exc, path)}: unknown name or field: {exc}") from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError,
            AttributeError, RecursionError) as exc:
        raise TemplateError(f"{_where(exc, path)}: {type(exc).__name__}: {exc}") from None


def _where(exc: BaseException, path: Path) -> str:
    """``file, line N`` of the innermost template frame in the traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2") or frame.filename == str(path):
            return f"{frame.filename}, line {frame.lineno}"
    return str(path)


def _with_deadline(func: Any, seconds: float) -> Any:
    """Run ``func`` in this thread, aborting it once ``seconds`` have passed.

    A trace function (per thread, so other threads are untouched) checks the
    clock on every line the compiled template runs and raises inside it. This
    stops a runaway loop without leaving a thread spinning in the background,
    which a thread-plus-join timeout would.
    """
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _Timeout()
        return tracer

    sys.settrace(tracer)
    try:
        return func()
    finally:
        sys.settrace(previous)

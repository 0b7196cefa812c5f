"""Rendering a template in Jinja2's sandbox, with escaping on by default and a time limit.

Every ``{{ value }}`` is escaped for Markdown by ``finalize``, so quotes print
verbatim whatever they contain and a template author cannot forget it; the
``md`` filter marks intentional Markdown (analyst notes) as trusted.
"""

from __future__ import annotations

import ast
import itertools
import time
import traceback
from collections import ChainMap
from collections.abc import Callable, Mapping
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.meta
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.filters import sync_do_slice
from jinja2.loaders import split_template_path
from jinja2.runtime import LoopContext, TemplateReference
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace, generate_lorem_ipsum
from markupsafe import Markup

from briefer.export.card_markup import card, docx_directive, shorten
from briefer.export.context import VIEW_TYPES
from briefer.export.errors import BriefingTooLargeError, TemplateError
from briefer.export.mdescape import Trusted, escape_cell, escape_markdown, markdown_link, strong_between

RENDER_SECONDS = 10.0
_MISSING = object()
_MAX_REPEAT = 1_000_000  # longest string or list a template may build with *


class _Timeout(Exception):  # noqa: N818 (internal signal, never shown)
    pass


class _TooLarge(Exception):  # noqa: N818 (internal signal, never shown)
    pass


# A rendered briefing is bounded: the Word build that reads it runs in the caller
# and takes roughly 80 times the text's size in memory.
MAX_BRIEFING_BYTES = 32 * 2**20
# Rendering stops once this many pieces of output pass the limit (checked per batch).
_PIECES_PER_CHECK = 4096


def too_large_message(source: object) -> str:
    """What the analyst is told when a template prints more than a briefing may hold."""
    return (
        f"{source}: the briefing it renders is larger than {MAX_BRIEFING_BYTES // 2**20} MB, more than one "
        "briefing can hold; print fewer passages (a table of every passage of a large project, say), "
        "or a template that loops without end"
    )


class BrieferSandbox(SandboxedEnvironment):
    """The sandbox plus limits on ``*`` and ``**``, which could exhaust memory in one step,
    and a deadline that compiled templates check on every loop pass and call."""

    intercepted_binops = frozenset({"*", "**"})
    deadline = float("inf")  # time.monotonic() value after which rendering stops

    def getattr(self, obj: Any, attribute: str) -> Any:
        """A field of a context view is plain data: skip the sandbox's per-access checks for it.

        Templates read view fields some 15,000 times in a large briefing;
        anything else (and any name starting with ``_``) takes the checked path.
        """
        if type(obj) in VIEW_TYPES and attribute[:1] != "_":
            value = obj.__dict__.get(attribute, _MISSING)
            if value is not _MISSING:
                return value
        return super().getattr(obj, attribute)

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Timeout()

    def _compile(self, source: str, filename: str) -> CodeType:
        """Jinja's hook for compiling the Python it generated: add the deadline checks first.

        Checking in the template's own loops and functions (macros, blocks)
        costs a method call per pass; tracing every line of every frame, as a
        ``sys.settrace`` deadline would, made rendering six times slower.
        """
        tree = _DeadlineChecks().visit(ast.parse(source, filename))
        return compile(ast.fix_missing_locations(tree), filename, "exec")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 100:
            raise jinja2.exceptions.SecurityError("exponent too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > _MAX_REPEAT:
                    raise jinja2.exceptions.SecurityError("the result of * would be too large")
        return super().call_binop(context, operator, left, right)


class _DeadlineChecks(ast.NodeTransformer):
    """Put ``environment.check_deadline()`` at the start of every loop and function
    body, and before every other statement that calls something.

    Loops and recursion are the usual runaways; a straight run of slow filters
    (``{% set a = a|wordwrap(1) %}`` twelve times) is the other, and each of its
    statements is a call. Every compiled template module and function can see
    ``environment``. A check takes the line of the statement it precedes, so
    tracebacks still point at the right template line.
    """

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        starts_pass = isinstance(node, (ast.For, ast.While, ast.FunctionDef))
        for name in ("body", "orelse", "finalbody"):
            stmts = getattr(node, name, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                setattr(node, name, self._checked(stmts, first=starts_pass and name == "body"))
        return node

    @staticmethod
    def _checked(stmts: list[ast.stmt], *, first: bool) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for i, stmt in enumerate(stmts):
            simple = not isinstance(
                stmt,
                (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef),
            )
            calls = simple and any(isinstance(n, ast.Call) for n in ast.walk(stmt))
            if (first and i == 0) or calls:
                call = ast.Call(
                    ast.Attribute(ast.Name("environment", ast.Load()), "check_deadline", ast.Load()), [], []
                )
                out.append(ast.copy_location(ast.Expr(call), stmt))
            out.append(stmt)
        return out


# ------------------------------------------------------------ nothing internal is printed
# Printed as text, Jinja's helpers and a template's own machinery would show
# Python's repr: ``<class 'jinja2.utils.Cycler'>``, ``<function _lipsum at
# 0x7f...>``, ``<LoopContext 1/3>``. None of that belongs in a briefing, so
# printing one is refused with a template error (file and line), the way a
# sandbox violation is: the author sees the mistake instead of an empty gap.
# The global helpers and the objects they make refuse in every way of turning
# them into text (``{{ }}``, ``|string``, ``~``, ``|format``, ``|join``, a list
# printed whole: there the repr is just the helper's name); other functions, macros, ``loop`` and ``self`` are refused
# where values are printed (``{{ }}`` and the text filters).


def _not_printable(what: str) -> jinja2.exceptions.SecurityError:
    return jinja2.exceptions.SecurityError(f"{what} is not a value to print")


class _Helper:
    """A global helper (``range``, ``dict``, ``lipsum``, ``cycler``, ``joiner``, ``namespace``):
    called as before, but never turned into text."""

    __slots__ = ("_call", "_name")

    def __init__(self, name: str, call: Any) -> None:
        self._name = name
        self._call = call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(*args, **kwargs)

    def _refuse(self, *_args: Any) -> str:
        raise _not_printable(f"'{self._name}' is a helper to call, like {self._name}(...), and")

    def __repr__(self) -> str:  # inside a printed list, and in tracebacks: the name alone
        return self._name

    __str__ = __format__ = __html__ = _refuse


class _Unprintable:
    """Refuses every way of turning itself into text, saying what it is; a short repr inside a printed list."""

    what = ""  # what it is, in the refusal
    shown = ""  # its repr

    # Through the class: a Jinja namespace answers attribute look-ups from its own fields.
    def _refuse(self, *_args: Any) -> str:
        raise _not_printable(type(self).what)

    def __repr__(self) -> str:
        return type(self).shown

    __str__ = __format__ = __html__ = _refuse


class _Cycler(_Unprintable, Cycler):
    what, shown = "a cycler (use its .next() or .current)", "cycler(...)"


class _Joiner(_Unprintable, Joiner):
    what, shown = "a joiner (call it to print its separator)", "joiner(...)"


class _Namespace(_Unprintable, Namespace):
    what, shown = "a namespace (print one of its fields)", "namespace(...)"


_MACHINERY = (LoopContext, TemplateReference)


def _text(value: Any) -> str:
    """``str(value)``, refusing functions, classes, macros and Jinja's loop and template objects."""
    if type(value) is str or type(value) is int:  # nearly every printed value: nothing to check
        return str(value)
    if isinstance(value, (_Helper, _Unprintable)):
        return str(value)  # refuses, saying what it is
    if isinstance(value, jinja2.Undefined):  # callable too: str() says which name is unknown
        return str(value)
    if callable(value) or isinstance(value, _MACHINERY):
        raise _not_printable("a function, macro or template object")
    return str(value)


@jinja2.pass_eval_context
def _finalize(_eval_ctx: Any, value: Any) -> Markup:
    """Escape every printed value for Markdown unless it is already Markdown (Markup).

    Taking the evaluation context keeps Jinja from folding a constant
    expression (``{{ 'a'.upper }}``) at compile time: it would escape the
    value's repr before finalize saw the value itself.
    """
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    return Trusted(escape_markdown(_text(value)))


def _escape_filter(value: Any) -> Markup:
    """``|e`` and ``|escape`` mean "escape for this output", which here is Markdown."""
    return value if isinstance(value, Markup) else Trusted(escape_markdown(_text(value)))


def _string_filter(value: Any) -> str:
    return value if isinstance(value, str) else _text(value)


def _tojson(value: Any, indent: int | None = None) -> Trusted:
    import json

    return Trusted(escape_markdown(json.dumps(value, ensure_ascii=False, indent=indent, default=_text)))


def _md(value: Any) -> Trusted:
    """Intentional Markdown (notes written by the analyst): printed unescaped."""
    return Trusted("" if value is None else _text(value))


def _strong(value: Any, before: Any = "", after: Any = "") -> Trusted:
    """Escaped text in bold, between optional (escaped) neighbours; see strong_between."""
    text = str(value)
    core = text.strip()
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return Trusted(strong_between(f"{before}{lead}", core, f"{trail}{after}"))


def _emph(value: Any) -> Trusted:
    text = str(value).strip()
    return Trusted(f"*{escape_markdown(text)}*" if text else "")


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by file and checked against the source.

    Every environment from make_environment compiles a template to the same
    code, so a re-render (the preview after each edit) skips Jinja's compiler.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # resets itself if the source changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class _Loader(jinja2.FileSystemLoader):
    """Jinja's file loader, with a file that is not UTF-8 named in the error."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            path = Path(self.searchpath[0], *split_template_path(template))
            raise TemplateError(
                f"{path}: not UTF-8 text (byte {exc.start} is {exc.object[exc.start : exc.start + 1]!r}); "
                "save the template as UTF-8"
            ) from None


def make_environment(template_dir: Path) -> BrieferSandbox:
    env = BrieferSandbox(
        loader=_Loader(str(template_dir)),
        bytecode_cache=_COMPILED,
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
    # Loops in Jinja's own Python whose length an argument sets: the deadline
    # cannot look inside them, so bound them the way ``*`` is bounded.
    env.filters["slice"] = _slice
    env.globals["lipsum"] = _lipsum
    env.globals.update(cycler=_Cycler, joiner=_Joiner, namespace=_Namespace)
    for name, value in list(env.globals.items()):
        if name in ("range", "dict", "lipsum", "cycler", "joiner", "namespace"):
            env.globals[name] = _Helper(name, value)
    env.filters.update(
        e=_escape_filter,
        escape=_escape_filter,
        forceescape=lambda v: Trusted(escape_markdown(_text(v))),
        string=_string_filter,
        tojson=_tojson,
        safe=_md,
        md=_md,
        escape_md=lambda v: Trusted(escape_markdown(_text(v))),
        cell=lambda v: Trusted(escape_cell(_text(v))),
        strong=_strong,
        emph=_emph,
        link=lambda url, text=None: Trusted(markdown_link(str(url), None if text is None else str(text))),
        card=card,
        shorten=shorten,
        md_cell=lambda v: Trusted(_text(v).strip().replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")),
    )
    env.globals["docx"] = docx_directive
    return env


def names_used(template_dir: Path, name: str) -> set[str] | None:
    """The top-level names a template (and the templates it includes, imports or extends) reads,
    from Jinja's parse; None when that cannot be told (a name computed at render time, a
    syntax error or a missing file, which rendering reports)."""
    env = make_environment(template_dir)
    names: set[str] = set()
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = env.loader.get_source(env, current)[0] if env.loader else ""
            read = _READS.get(source)
            if read is None:
                tree = env.parse(source)
                if len(_READS) >= _READS_LIMIT:
                    _READS.clear()
                read = _READS[source] = (
                    frozenset(jinja2.meta.find_undeclared_variables(tree)),
                    tuple(jinja2.meta.find_referenced_templates(tree)),
                )
        except (jinja2.TemplateError, OSError):
            return None
        names |= read[0]
        for referenced in read[1]:
            if referenced is None:
                return None
            pending.append(referenced)
    return names


# What each template text reads and includes, by the text itself: Jinja's parse of a
# bundled template takes about 10 ms, and every export (each preview) asks again.
# Bounded by the templates an analyst edits in one session; emptied whole past that.
_READS: dict[str, tuple[frozenset[str], tuple[str | None, ...]]] = {}
_READS_LIMIT = 256


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    if isinstance(slices, int) and slices > _MAX_REPEAT:
        raise jinja2.exceptions.SecurityError("too many slices")
    return sync_do_slice(value, slices, fill_with)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 (Jinja's names)
    if isinstance(n, int) and isinstance(max, int) and n * max > _MAX_REPEAT:
        raise jinja2.exceptions.SecurityError("the placeholder text would be too long")
    return generate_lorem_ipsum(n, html, min, max)


def render_template(
    template_dir: Path,
    name: str,
    variables: Mapping[str, Any],
    *,
    seconds: float = RENDER_SECONDS,
    max_chars: int | None = None,
) -> str:
    """Render ``template_dir/name``; any failure raises TemplateError naming file and line.

    ``variables`` may compute its values lazily: it is read only for the
    names the template uses (see context.TemplateVars).
    """
    path = template_dir / name
    env = make_environment(template_dir)
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"template file {path} is missing") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or path}, line {exc.lineno}: syntax error: {exc.message}") from None
    try:
        return _render(env, template, variables, seconds, max_chars)
    except _TooLarge:
        raise BriefingTooLargeError(too_large_message(path)) from None
    except _Timeout:
        raise TemplateError(
            f"{path}: rendering took longer than {seconds:g} seconds; the template may loop without end"
        ) from None
    except jinja2.TemplateSyntaxError as exc:  # an included file
        raise TemplateError(f"{exc.filename or path}, line {exc.lineno}: syntax error: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"{_where(exc, path)}: not allowed in a template: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{_where(exc, path)}: unknown name or field: {exc}") from None
    except (
        jinja2.TemplateError,
        ArithmeticError,
        TypeError,
        ValueError,
        LookupError,
        AttributeError,
        RecursionError,
    ) as exc:
        raise TemplateError(f"{_where(exc, path)}: {type(exc).__name__}: {exc}") from None


def _where(exc: BaseException, path: Path) -> str:
    """``file, line N`` of the innermost template frame in the traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2") or frame.filename == str(path):
            return f"{frame.filename}, line {frame.lineno}"
    return str(path)


def _render(
    env: BrieferSandbox,
    template: jinja2.Template,
    variables: Mapping[str, Any],
    seconds: float,
    max_chars: int | None = None,
) -> str:
    """``template.render(variables)`` without copying ``variables`` into a dict.

    ``Template.render`` builds ``dict(globals, **variables)``, which would read
    every lazy value; a shared context reads the mapping by name instead.
    Exceptions go through ``handle_exception`` as in ``render``, so tracebacks
    carry template lines. With ``max_chars``, rendering stops soon after the
    output passes it (``_TooLarge``), rather than running to its end or its deadline.
    """
    # The empty first map takes writes: Jinja copies the context for tracebacks.
    context = template.new_context(ChainMap({}, variables, template.globals), shared=True)  # type: ignore[arg-type]
    env.deadline = time.monotonic() + seconds
    try:
        pieces = template.root_render_func(context)
        if max_chars is None:
            return env.concat(pieces)
        parts: list[str] = []
        size = 0
        while batch := list(itertools.islice(pieces, _PIECES_PER_CHECK)):
            part = env.concat(batch)
            size += len(part)
            if size > max_chars:
                raise _TooLarge
            parts.append(part)
        return "".join(parts)
    except _TooLarge:
        raise
    except Exception:
        env.handle_exception()
    finally:
        env.deadline = float("inf")

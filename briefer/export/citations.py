"""Citations in a real citation style: CSL styles formatted by citeproc-py.

One :class:`Citations` serves one export. It maps each cited document to a
CSL item once (``csl_items``), formats notes in the order the briefing cites
them (a source's first note in full, later ones in the style's short form or
"Ibid."), formats the source list and sorts it by the style.

citeproc-py takes a few milliseconds per citation, too slow for a thousand
notes. A note differs from another note of the same document only in its
position (first, subsequent, ibid, near) and its pin cite, so each document
is formatted once per position and locator label, with a placeholder number as
the locator, and the real pin cite is put in its place. The positions are
worked out here exactly as citeproc-py works them out, and citeproc-py is
handed a short made-up history that yields the same position.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, Locator, formatter
from citeproc.source import BibliographySource
from citeproc.source.json import CiteProcJSON
from lxml import etree

from briefer import resources
from briefer.export.citation_cache import DiskCache, cache_folder, digest
from briefer.export.csl_items import Describable, csl_item, expected_fields, item_key
from briefer.export.errors import ExportError
from briefer.export.forking import run_aside
from briefer.export.mdescape import escape_markdown, markdown_link

CSL_NS = "http://purl.org/net/xbiblio/csl"
STYLE_FILES = {"chicago": "chicago-notes-bibliography-16th-edition.csl", "apa": "apa.csl"}
DEFAULT_STYLE = "chicago"
# Placeholder locators, singular and a range (a range makes "pp."): numbers behind a
# private-use character, which no source's metadata holds.
_ONE = "\ue0008051942"
_RANGE = "\ue0008051942-\ue0008051943"
_PLACEHOLDER = re.compile("\ue0008051942(?:\u2013\ue000?(?:805194)?3)?")
_PLURAL = re.compile(r"\d+[^\d.]+\d+")  # citeproc-py's own test for a plural locator
_TAG = re.compile(r"<(/?)([a-z]+)[^>]*>")
_OTHER = "briefer-other-source"  # a key standing for "some other source" in made-up histories
# Placeholders for fields a document lacks, to see whether the style would print them.
_PROBES: dict[str, Any] = {
    "author": [{"family": "Qzxfamily", "given": "Qzxgiven"}],
    "title": "Qzxtitle",
    "issued": {"date-parts": [[1066]]},
    "publisher": "Qzxpublisher",
    "container-title": "Qzxcontainer",
    "URL": "https://qzxurl.example",
}
_PROBE_TEXT = {"author": "qzxfamily", "issued": "1066"}
# Two sources of one type with nothing else in common, to see whether a kind of note mentions its source.
_PROBE_ITEMS = (
    {
        "title": "Alpha",
        "author": [{"family": "Ames", "given": "Ann"}],
        "issued": {"date-parts": [[2001]]},
        "publisher": "Apex",
        "URL": "https://a.example",
    },
    {
        "title": "Beta",
        "author": [{"family": "Bell", "given": "Bo"}],
        "issued": {"date-parts": [[2002]]},
        "publisher": "Brill",
        "URL": "https://b.example",
    },
)
_T = TypeVar("_T")
# What earlier exports in this process formatted, by style file and item: the
# preview re-renders after every pause in editing, and most sources have not
# changed since. Bounded; emptied whole when full. Behind it, what earlier runs
# formatted, on disk (citation_cache.py): a first export in a new process is
# not a slow one either.
_SHARED: dict[tuple[object, ...], Any] = {}
_SHARED_LIMIT = 100_000
_DISK: dict[tuple[Path, str], DiskCache] = {}  # by folder and the style file's SHA-256


def forget_formatted() -> None:
    """Forget what earlier exports in this process formatted, as a new process would not know it
    (what is on disk is read again; the benchmarks time a first export with this)."""
    _SHARED.clear()
    _DISK.clear()


def _disk(style_sha256: str) -> DiskCache:
    folder = cache_folder()
    if (folder, style_sha256) not in _DISK:
        _DISK[folder, style_sha256] = DiskCache(folder, style_sha256)
    return _DISK[folder, style_sha256]


# Fewer source-list entries to format than this are formatted in place: a fork and
# its pipe cost a few milliseconds, an entry two to four.
ASIDE_AT_LEAST = 16


def _known(key: tuple[object, ...]) -> bool:
    """Whether ``_shared(key, ...)`` would find its value (in this process, or on disk) without formatting."""
    fingerprint = key[0]
    assert isinstance(fingerprint, tuple)
    return key in _SHARED or _disk(str(fingerprint[0])).get(digest(*fingerprint, *key[1:])) is not None


def _shared(key: tuple[object, ...], compute: Callable[[], _T], decode: Callable[[Any], _T] | None = None) -> _T:
    """``compute()``, remembered under ``key`` (the style's fingerprint first) in this process and on
    disk; ``decode`` turns what JSON gave back into the value (a tuple from a list)."""
    fingerprint = key[0]
    assert isinstance(fingerprint, tuple)
    disk = _disk(str(fingerprint[0]))
    if key in _SHARED:
        name, value = _SHARED[key]
        disk.keep(name, value)  # a worker serving another cache folder than the one it first wrote
        result: _T = value
        return result
    name = digest(*fingerprint, *key[1:])
    stored = disk.get(name)
    found: _T
    if stored is not None:
        found = decode(stored) if decode is not None else stored
    else:
        found = compute()
        disk.keep(name, found)
    if len(_SHARED) >= _SHARED_LIMIT:
        _SHARED.clear()
    _SHARED[key] = (name, found)
    return found


@dataclass(frozen=True)
class CitationStyle:
    """A loaded CSL style; ``notes`` is true for a note style (footnotes), false for author-date."""

    name: str
    title: str
    notes: bool
    csl: CitationStylesStyle
    near_note_distance: int
    positions: frozenset[str]  # the position tests its citations make ("first", "ibid", ...)
    has_bibliography: bool
    punctuation_in_quote: bool  # the locale's rule (American English): “Title,” not “Title”,
    fingerprint: tuple[object, ...]  # the file's SHA-256, what what it formatted is filed under


def style_names() -> list[str]:
    return list(STYLE_FILES)


def style_path(spec: str) -> Path:
    """The file of a bundled style name, or ``spec`` itself as a path to a .csl file."""
    if spec in STYLE_FILES:
        return resources.resources_dir() / "csl" / STYLE_FILES[spec]
    return Path(spec).expanduser()


# Styles loaded by earlier exports in this process, by name and the file's SHA-256:
# parsing a style and trying it out costs each export some 10 ms, and the preview
# exports after every pause in editing. An edited file is another key. citeproc-py
# keeps nothing of a render in the style (each export has a bibliography of its
# own), which is why one export already formats its probes with the same style.
_STYLES: dict[tuple[str, str, tuple[object, ...]], CitationStyle] = {}


def load_style(spec: str) -> CitationStyle:
    """Load a bundled style by name (``chicago``, ``apa``) or a CSL file; ExportError in one line if it cannot be."""
    path = style_path(spec)
    if spec not in STYLE_FILES and path.suffix.lower() != ".csl":
        raise ExportError(
            f"unknown citation style '{spec}': use {' or '.join(STYLE_FILES)}, or the path of a .csl file"
        )
    if not path.is_file():
        raise ExportError(f"citation style file {path} does not exist")
    try:
        fingerprint = _fingerprint(path)
    except OSError as exc:
        raise ExportError(f"citation style {path} cannot be read ({' '.join(str(exc).split())})") from None
    key = (spec, str(path), fingerprint)
    if key not in _STYLES:
        _STYLES[key] = _load_style(spec, path, fingerprint)
    return _STYLES[key]


def _load_style(spec: str, path: Path, fingerprint: tuple[object, ...]) -> CitationStyle:
    try:
        # Looked at first with lxml alone: citeproc-py fails obscurely on XML that is not a style.
        plain = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
        citation = plain.find(f"{{{CSL_NS}}}citation")
        if plain.tag != f"{{{CSL_NS}}}style" or citation is None or citation.find(f"{{{CSL_NS}}}layout") is None:
            raise ExportError(f"citation style {path} is not a CSL style (no <style> with a <citation> layout)")
        csl = CitationStylesStyle(str(path), validate=False)
    except etree.XMLSyntaxError as exc:
        raise ExportError(f"citation style {path} is not valid XML ({exc.msg})") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"citation style {path} cannot be read ({' '.join(str(exc).split())})") from None
    root = csl.root
    citation = root.find(f"{{{CSL_NS}}}citation")
    _never_disambiguate(root)
    title = root.findtext(f"{{{CSL_NS}}}info/{{{CSL_NS}}}title") or path.stem
    try:
        near = int(citation.get("near-note-distance", "5"))
    except ValueError:
        near = 5
    style = CitationStyle(
        name=spec if spec in STYLE_FILES else path.stem,
        title=" ".join(title.split()),
        notes=root.get("class") == "note",
        csl=csl,
        near_note_distance=near,
        positions=frozenset(p for c in citation.iter(*_CONDITIONS) for p in (c.get("position") or "").split()),
        has_bibliography=root.find(f"{{{CSL_NS}}}bibliography") is not None,
        fingerprint=fingerprint,
        punctuation_in_quote=str(csl.root.get_locale_option("punctuation-in-quote")).lower() == "true",
    )
    _try_out(style, path)
    return style


_CONDITIONS = (f"{{{CSL_NS}}}if", f"{{{CSL_NS}}}else-if")


def _fingerprint(path: Path) -> tuple[object, ...]:
    """The style file's SHA-256: an edited file (or another with the same name) is another style."""
    return (hashlib.sha256(path.read_bytes()).hexdigest(),)


def _never_disambiguate(root: Any) -> None:
    """Make ``disambiguate="true"`` a condition that is never met.

    citeproc-py ignores the test and takes the branch always, so Chicago's
    short notes would print the date that the style reserves for telling two
    sources apart. Briefer does not disambiguate, so the test is false: an
    extra ``variable`` no item has says exactly that whatever the ``match``.
    """
    for condition in root.iter(*_CONDITIONS):
        if condition.get("disambiguate") == "true":
            condition.set("variable", f"{condition.get('variable', '')} briefer-never".strip())


def _try_out(style: CitationStyle, path: Path) -> None:
    """Format a sample source, so a style citeproc-py cannot use fails now, naming the file."""
    sample = {"id": "sample", "type": "report", "title": "Sample", "issued": {"date-parts": [[2025, 1, 2]]}}
    try:
        bib = CitationStylesBibliography(style.csl, CiteProcJSON([sample]), formatter.html)
        citation = Citation([CitationItem("sample", locator=Locator("paragraph", "1"))])
        bib.register(citation)
        bib.cite(citation, lambda _item: "")
        if style.has_bibliography:
            bib.bibliography()
    except Exception as exc:  # citeproc-py raises anything at all on a style it cannot render
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ExportError(f"citation style {path} cannot be used: {reason}") from None


@dataclass(frozen=True)
class Note:
    """One formatted citation of a passage (Markdown) and its pin cite as the style prints it."""

    text: str
    pin: str


@dataclass(frozen=True)
class _Cite:
    key: str
    label: str
    value: str


class Citations:
    """The citations of one export, formatted in citing order; see the module docstring."""

    def __init__(self, style: CitationStyle, documents: Mapping[int, Describable]) -> None:
        self.style = style
        self._documents = documents
        self._source = BibliographySource()
        self._bib = CitationStylesBibliography(style.csl, self._source, formatter.html)
        self._history: list[_Cite] = []
        self._cited: set[str] = set()
        self._notes: dict[tuple[object, ...], tuple[str, str]] = {}
        self._entries: dict[int, CitationItem] = {}
        self._references: dict[int, str] = {}
        self._printed_if_present: dict[tuple[object, ...], list[str]] = {}
        self._order: dict[int, int] = {}  # documents already sorted: their place in the source list
        self._item_text: dict[str, str] = {}  # per key: the item as JSON, what shared results are filed under
        self._items: dict[str, dict[str, Any]] = {}  # per key: the CSL item, until citeproc-py is handed it

    # ------------------------------------------------------------------ items
    def _key(self, document: int) -> str:
        key = item_key(document)
        if key not in self._item_text:
            item = csl_item(self._documents[document])
            self._items[key] = item
            self._item_text[key] = json.dumps(dict(item, id=""), sort_keys=True, ensure_ascii=False)
        return key

    def _formattable(self, key: str) -> str:
        """``key``, its item handed to citeproc-py first. Only what is formatted afresh needs it there:
        parsing every cited item for citeproc-py took a tenth of an export whose citations were all
        formatted before."""
        if key not in self._source:
            self._source.add(CiteProcJSON([_html_escaped(self._items[key])])[key])
        return key

    def _entry(self, document: int) -> CitationItem:
        """The document's citation item without a locator, for the source list."""
        if document not in self._entries:
            entry = CitationItem(self._formattable(self._key(document)))
            self._bib.register(Citation([entry]))
            self._entries[document] = entry
        return self._entries[document]

    # ------------------------------------------------------------------ notes
    def note(self, document: int, pages: Sequence[str], paragraph: int) -> Note:
        """The next citation of ``document``: pin cite the pages it spans, else its paragraph;
        none when neither is known (no pages and paragraph 0)."""
        if pages:
            label, value = "page", pages[0] if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"
        elif paragraph:
            label, value = "paragraph", str(paragraph)
        else:
            label, value = "", ""
        key = self._key(document)
        plural = bool(_PLURAL.search(value))
        position = self._position(key, label, value)
        text, pin = self._cached_note(key, label, plural, position)
        if not pin:  # "Ibid." prints no locator; the pin cite is the one a full note prints
            pin = self._cached_note(key, label, plural, (False,))[1]
        self._history.append(_Cite(key, label, value))
        self._cited.add(key)
        shown = escape_markdown(value.replace("-", "\u2013"), at_line_start=False)
        return Note(_PLACEHOLDER.sub(shown, text), _PLACEHOLDER.sub(shown, pin))

    def _cached_note(self, key: str, label: str, plural: bool, position: tuple[bool, ...]) -> tuple[str, str]:
        if len(position) > 1 and position[1]:
            item_type = str(self._items[key]["type"])
            if self._same_for_every_source(item_type, label, plural, position):
                key = self._add_probes(item_type)[0]  # "Ibid." reads the same whatever the source (of a type)
        cache_key = (key, label, plural, position)
        if cache_key not in self._notes:
            shared = (self.style.fingerprint, "note", self._item_text[key], label, plural, position)
            self._notes[cache_key] = _shared(
                shared, lambda: self._render_note(key, label, plural, position), lambda v: (str(v[0]), str(v[1]))
            )
        return self._notes[cache_key]

    def _same_for_every_source(self, item_type: str, label: str, plural: bool, position: tuple[bool, ...]) -> bool:
        """Whether this position's note names nothing of its source (Chicago's "Ibid., 12."): two unlike
        sources of the type formatted alike. Such notes are formatted once per type, not once per source."""

        def alike() -> bool:
            a, b = (self._render_note(key, label, plural, position) for key in self._add_probes(item_type))
            return a == b

        return bool(_shared((self.style.fingerprint, "alike", item_type, label, plural, position), alike))

    def _add_probes(self, item_type: str) -> tuple[str, str]:
        keys = (f"briefer-probe-a-{item_type}", f"briefer-probe-b-{item_type}")
        for key, item in zip(keys, _PROBE_ITEMS, strict=True):
            if key not in self._source:
                self._source.add(CiteProcJSON([dict(item, id=key, type=item_type)])[key])
                self._item_text[key] = json.dumps(dict(item, type=item_type), sort_keys=True)
        return keys

    def _position(self, key: str, label: str, value: str) -> tuple[bool, ...]:
        """What citeproc-py's position tests would see (``If._position``), for this style."""
        tests = self.style.positions
        if key not in self._cited or not tests - {"first", "subsequent"}:
            return (key in self._cited,)
        last = self._history[-1]
        ibid = last.key == key and bool(tests & {"ibid", "ibid-with-locator"})
        same = ibid and (last.label, last.value) == (label, value)
        near = "near-note" in tests and any(c.key == key for c in self._history[-self.style.near_note_distance :])
        return (True, ibid, same, near)

    def _render_note(self, key: str, label: str, plural: bool, position: tuple[bool, ...]) -> tuple[str, str]:
        if key in self._items:  # a probe's item is handed to citeproc-py when it is made
            self._formattable(key)
        # No label: a citation without a pin cite.
        locator = {"locator": Locator(label, _RANGE if plural else _ONE)} if label else {}
        history: list[CitationItem] = []
        if position[0]:
            cited_before = CitationItem(key, **({"locator": Locator(label, "1")} if label else {}))
            if len(position) > 1 and position[1] and position[2]:
                cited_before = CitationItem(key, **locator)  # the same locator object: "Ibid."
            Citation([cited_before])
            history.append(cited_before)
            if len(position) == 1 or not position[1]:  # someone else cited since: near or farther
                others = 1 if len(position) == 1 or position[3] else self.style.near_note_distance
                history += [self._other() for _ in range(others)]
        item = CitationItem(key, **locator)
        citation = Citation([item])
        self._bib.register(citation)
        rendered = str(self.style.csl.render_citation(citation, history, lambda _item: ""))
        text = self._markdown(rendered, key)
        if self.style.notes and text[:1].islower():  # a note starts a sentence: "Ibid.", not "ibid."
            text = text[0].upper() + text[1:]
        return text, _pin(text)

    @staticmethod
    def _other() -> CitationItem:
        other = CitationItem(_OTHER)
        Citation([other])
        return other

    # ------------------------------------------------------- the source list
    def reference(self, document: int) -> str:
        """The document's entry in the source list, as the style formats it (Markdown)."""
        if document not in self._references:
            key = self._key(document)
            shared = (self.style.fingerprint, "reference", self._item_text[key])
            self._references[document] = _shared(shared, lambda: self._render_reference(document))
        return self._references[document]

    def _render_reference(self, document: int) -> str:
        entry = self._entry(document)
        if self.style.has_bibliography:
            rendered = str(self.style.csl.render_bibliography([entry])[0])
        else:  # a style without a bibliography: its first, full note
            rendered = str(self.style.csl.render_citation(entry.citation, [], lambda _item: ""))
        return self._markdown(rendered, entry.key)

    def prepare(self, documents: Sequence[int]) -> None:
        """Format and sort the source-list entries of ``documents`` now (a template's lists of them come quickly)."""
        for document in documents:
            self.reference(document)
        self._order = {d: n for n, d in enumerate(self.sort(documents))}

    def prepare_aside(self, documents: Sequence[int]) -> Callable[[bool], None]:
        """Start :meth:`prepare` of ``documents`` in a forked child, on the other core, while this
        process formats the notes; returns what takes its results in (call it once, on every path:
        with False when this process failed meanwhile, which stops the child instead).

        A briefing's source list costs as much citeproc-py time as its notes when its
        sources were never formatted before (seconds), and the two depend on nothing
        of each other. The child's results go where this process's own would (the
        formatted results shared by later exports, and the disk cache), so the
        following :meth:`prepare` finds them formatted; with no child (a process
        that cannot fork, a child that failed) it formats them itself, alike.
        """
        if not documents:  # nothing to format (an empty outline), nor to sort
            return lambda wanted: None
        fresh = sum(
            1
            for d in dict.fromkeys(documents)
            if not _known((self.style.fingerprint, "reference", self._item_text[self._key(d)]))
        )
        items = tuple(self._item_text[self._key(d)] for d in documents)
        if self.style.has_bibliography and not _known((self.style.fingerprint, "order", items)):
            fresh += ASIDE_AT_LEAST  # sorting renders every entry's sort keys: worth a child alone
        wanted = list(documents)

        def work() -> list[tuple[tuple[object, ...], Any]]:
            before = set(_SHARED)
            self.prepare(wanted)
            return [(key, value) for key, value in _SHARED.items() if key not in before]

        result = run_aside(work) if fresh >= ASIDE_AT_LEAST else None
        if result is None:
            return lambda wanted: None

        def take_in(wanted: bool) -> None:
            disk = _disk(str(self.style.fingerprint[0]))
            for key, (name, value) in result(wanted) or ():
                if key not in _SHARED:
                    _SHARED[key] = (name, value)
                disk.keep(name, value)

        return take_in

    def sort(self, documents: Sequence[int]) -> list[int]:
        """``documents`` in the style's source-list order (citing order when it has none)."""
        if not self.style.has_bibliography:
            return list(documents)
        if all(d in self._order for d in documents):  # a style sorts any subset in the same order
            return sorted(documents, key=self._order.__getitem__)
        # Sorting renders every entry's sort keys: remembered, by the items sorted, like a formatted result.
        items = tuple(self._item_text[self._key(d)] for d in documents)
        shared = (self.style.fingerprint, "order", items)
        places = _shared(shared, lambda: self._sorted_places(documents), lambda v: [int(i) for i in v])
        return [documents[i] for i in places]

    def _sorted_places(self, documents: Sequence[int]) -> list[int]:
        """The places in ``documents`` of its documents, in the style's source-list order."""
        place = {self._entry(d).key: i for i, d in enumerate(documents)}
        return [place[item.key] for item in self.style.csl.sort_bibliography([self._entry(d) for d in documents])]

    def save(self) -> None:
        """Keep what this export formatted on disk for the next run (never fatal)."""
        _disk(str(self.style.fingerprint[0])).save()

    # --------------------------------------------------------------- checks
    def missing_fields(self, document: int) -> list[str]:
        """The fields ``document`` lacks that the style would print (the project's names for them)."""
        item = csl_item(self._documents[document])
        missing = [(name, variable) for name, variable in expected_fields(item["type"]) if variable not in item]
        if not missing:
            return []
        # Whether a style prints a field depends on the item's type and which fields it has, not their values.
        shape = (item["type"], frozenset(item), item.get("language", "en"))
        if shape not in self._printed_if_present:
            shared = (self.style.fingerprint, "probe", *shape)
            self._printed_if_present[shape] = _shared(shared, lambda: self._probe(item, missing))
        return self._printed_if_present[shape]

    def _probe(self, item: dict[str, Any], missing: list[tuple[str, str]]) -> list[str]:
        probe = dict(item, id="briefer-probe")
        for _name, variable in missing:
            probe[variable] = _PROBES[variable]
        bib = CitationStylesBibliography(self.style.csl, CiteProcJSON([_html_escaped(probe)]), formatter.html)
        citation = Citation([CitationItem("briefer-probe")])
        bib.register(citation)
        texts = [str(self.style.csl.render_citation(citation, [], lambda _item: ""))]
        if self.style.has_bibliography:
            texts += [str(t) for t in bib.bibliography()]
        printed = html.unescape(" ".join(texts)).casefold()
        return [
            name
            for name, variable in missing
            if _PROBE_TEXT.get(variable, str(_PROBES[variable]).casefold()) in printed
        ]

    # ------------------------------------------------------------- Markdown
    def _markdown(self, rendered: str, key: str) -> str:
        """citeproc-py's HTML as Markdown: text escaped, italics and bold kept, the URL a link."""
        url = self._documents[int(key.removeprefix("doc"))].url.strip() if key.startswith("doc") else ""
        out: list[str] = []
        pos = 0
        for match in _TAG.finditer(rendered):
            out.append(_text(rendered[pos : match.start()], url, at_line_start=not out))
            closing, tag = match.group(1), match.group(2)
            if tag == "i":
                out.append("</em>" if closing else "<em>")
            elif tag == "b":
                out.append("</strong>" if closing else "<strong>")
            pos = match.end()
        out.append(_text(rendered[pos:], url, at_line_start=not out))
        text = _tidy_emphasis("".join(out))
        if self.style.punctuation_in_quote:  # citeproc-py does not apply the locale's rule itself
            text = _COMMA_AFTER_QUOTE.sub(r"\2\1", text)
        return text


def _html_escaped(value: Any) -> Any:
    """The item's text as HTML: citeproc-py's HTML output passes values through as they are."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: v if k in ("id", "type", "language") else _html_escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_html_escaped(v) for v in value]
    return value


def _text(chunk: str, url: str, *, at_line_start: bool) -> str:
    text = html.unescape(chunk)
    if url and url in text:
        before, _, after = text.partition(url)
        return (
            escape_markdown(before, at_line_start=at_line_start)
            + markdown_link(url)
            + escape_markdown(after, at_line_start=False)
        )
    return escape_markdown(text, at_line_start=at_line_start)


_COMMA_AFTER_QUOTE = re.compile("(\u201d)([,.])")
_EMPHASIS = re.compile(r"<(em|strong)>([^<>*]+?)</\1>")


def _tidy_emphasis(text: str) -> str:
    """``*title*`` where Markdown's own emphasis binds (letters or digits at both ends), else the HTML tag."""

    def swap(match: re.Match[str]) -> str:
        inner = match.group(2)
        if inner[:1].isalnum() and inner[-1:].isalnum():
            mark = "*" if match.group(1) == "em" else "**"
            return f"{mark}{inner}{mark}"
        return match.group(0)

    return _EMPHASIS.sub(swap, text)


def _pin(note: str) -> str:
    """The pin cite inside a formatted note: from the locator's label (or the delimiter before it) to the number."""
    match = _PLACEHOLDER.search(note)
    if match is None:
        return ""
    # The locator follows a comma, which American punctuation may have moved inside a
    # closing quotation mark (`“Title,” para. 2`), or an opening parenthesis.
    starts = [0]
    for separator in (", ", ",\u201d ", ",\u2019 ", "("):
        at = note.rfind(separator, 0, match.start())
        if at >= 0:
            starts.append(at + len(separator))
    return note[max(starts) : match.end()].strip()

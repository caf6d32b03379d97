"""Compiled output shapes: a template's markup parsed once, filled with each report's words.

Parsing markup (cutting sentences, dropping omissions, tidying connectors) and walking the
tree for numbers is Python work per sentence, several times the cost of the Jinja2 render
itself. Yet most of a report's markup is the template's own text. What changes from one
report to the next sits in *slots*: the figures (the markers :func:`~._figures.figure` writes)
and the plain words a template prints with ``{{ }}`` (unit names, dates, counts), which the
environment's ``finalize`` marks as slots (:func:`~._markup.slot`).

The *shape* of a markup is its text with the slots' contents taken out. When every slot holds
neutral text (:func:`~._markup.is_neutral`: words and numbers, none of the characters the
parser or the walker reads), nothing the parser or the walker decides depends on those
contents, so two markups of one shape make the same tree and the same render events up to the
contents of the slots. A :class:`Plan` is the tree of a shape parsed once with a token in each
slot, compiled into a filler: subtrees without a slot are shared between the documents it
fills, strings with slots become format strings, facts are taken by index. The render events
(:func:`~epireport.document.numbered`) are compiled the same way and preset on the document,
so drawing it needs no walk either.

Safety: a plan is built the second time a shape is seen (a report rendered once pays nothing),
and kept only if filling it with that report's own contents gives exactly the document and
the events that the ordinary parse and walk give; it is checked once per shape. Anything else
(a shape the parser refuses, a slot where the parser reads it, such as ``@date {{ day }}``,
text that would need cleaning, a slot that is not neutral in this report) is parsed the
ordinary way. Tests compare both paths on random markup and on every reference institution.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Final

from epireport.document import (
    Block,
    Document,
    Enumeration,
    EnumerationItem,
    EnumerationStyle,
    Event,
    FactRef,
    Meta,
    Paragraph,
    RenderedHeading,
    RenderedParagraph,
    RenderedSignature,
    RenderedTable,
    RenderedTitle,
    Section,
    Sentence,
    Signature,
    Table,
    _unambiguous,
)
from epireport.exceptions import EpireportTemplateWarning
from epireport.narrative._markup import (
    FACT_CLOSE,
    FACT_MID,
    FACT_OPEN,
    all_neutral,
    is_neutral,
    parse_markup,
)

__all__ = ["MAX_SHAPES", "Plan", "ShapeCache"]

Texts = Sequence[str]
Refs = Sequence[FactRef]

# A slot's content in the markup: FACT_OPEN [index] FACT_MID <content> FACT_CLOSE. Content
# holding another marker is cut here too, and then is not neutral: the parser takes it.
_SLOT_RE: Final = re.compile(f"{FACT_MID}([^{FACT_CLOSE}]*){FACT_CLOSE}")
# Tokens standing in slot k while a shape is parsed (private-use, neutral, never in markup
# that reaches a plan: is_neutral refuses the whole private-use area).
_TOKEN_OPEN: Final = "\ue004"
_TOKEN_CLOSE: Final = "\ue005"
_TOKEN_RE: Final = re.compile(f"{_TOKEN_OPEN}(\\d+){_TOKEN_CLOSE}")
_MARK_BEFORE_SLOT: Final = re.compile(f"\\d\\.{_TOKEN_OPEN}")
_ONLY_REFS: Final = frozenset({FactRef})
#: Shapes remembered per environment (plans and shapes seen once); the oldest go first.
MAX_SHAPES: Final = 256


def _token(k: int) -> str:
    return f"{_TOKEN_OPEN}{k}{_TOKEN_CLOSE}"


class _NotCompilable(Exception):
    """The skeleton holds something a plan cannot reproduce; parse this shape every time."""


# What the generated fill functions build without a constructor call: ``new(Cls)``, then each
# field set through its slot (``Cls__field(v, x)``), as the trusted constructors of
# epireport.document do. These objects' skeletons passed every check the constructors make,
# and neutral slot contents keep them passing (see the module docstring).
_BUILT: Final[dict[type, tuple[str, ...]]] = {
    Sentence: ("text", "facts"),
    Paragraph: ("sentences",),
    EnumerationItem: ("lead", "blocks"),
    Enumeration: ("items", "style", "inline"),
    Section: ("heading", "blocks", "sections"),
    Document: ("title", "meta", "preamble", "sections", "closing", "signature", "_events"),
    RenderedTitle: ("text",),
    RenderedHeading: ("level", "number", "text"),
    RenderedParagraph: ("depth", "marker", "lead", "body", "facts"),
    RenderedTable: ("depth", "caption", "header", "rows"),
    RenderedSignature: ("unit", "date"),
}
# The names the generated fill functions use (constants of the plan come as c0, c1, ...).
_NAMESPACE: Final[dict[str, Any]] = {
    "new": object.__new__,
    "Enumeration": Enumeration,
    "Table": Table,
    "Signature": Signature,
    **{cls.__name__: cls for cls in _BUILT},
    **{
        f"{cls.__name__}__{name}": cls.__dict__[name].__set__
        for cls, names in _BUILT.items()
        for name in names
    },
    # Not a field (not compared): where the figures stand, see Sentence.spans.
    "Sentence__spans": Sentence.__dict__["spans"].__set__,
}
# Joins the strings a fill builds in one go: never in clean text, never in a neutral one.
_JOIN: Final = "\x00"


class _Generator:
    """Writes the fill function of a skeleton (tree and events parsed with tokens in slots).

    Generated code, as attrs and cattrs do it: one flat function per shape builds the whole
    tree, with the nodes that hold no slot as constants. Every string that holds a slot is
    built by one join of the template's pieces and the slots' contents, then split; every fact
    is taken from the refs by index.
    """

    def __init__(self, slot_refs: Sequence[int | None], probe_refs: Refs) -> None:
        # slot k → the index of its fact in the refs (None: plain words, or the extras).
        self.slot_refs = slot_refs
        self.probe_refs = probe_refs
        self.used: set[int] = set()  # the slots whose tokens reached the skeleton
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.formats: list[str] = []

    # --------------------------------------------------------------- code

    def constant(self, value: Any) -> str:
        name = f"c{len(self.constants)}"
        self.constants[name] = value
        return name

    def assign(self, expression: str) -> str:
        name = f"v{len(self.lines)}"
        self.lines.append(f"    {name} = {expression}")
        return name

    def build(self, cls: type, *values: str) -> str:
        """Build an instance of *cls* (one of _BUILT) with its fields set to *values*."""
        name = self.assign(f"new({cls.__name__})")
        for field, value in zip(_BUILT[cls], values, strict=False):
            self.lines.append(f"    {cls.__name__}__{field}({name}, {value})")
        return name

    @staticmethod
    def tuple_of(expressions: Sequence[str]) -> str:
        return f"({expressions[0]},)" if len(expressions) == 1 else f"({', '.join(expressions)})"

    # --------------------------------------------------------------- strings and facts

    def string(self, text: str) -> str | None:
        """The expression of *text* in the fill (``None``: it holds no slot, a constant)."""
        if _TOKEN_OPEN not in text:
            return None
        self.used.update(map(int, _TOKEN_RE.findall(text)))
        self.formats.append(text)
        return f"s[{len(self.formats) - 1}]"

    def text(self, text: str) -> str:
        """The expression of *text*: its fill, or a constant."""
        dynamic = self.string(text)
        return self.constant(text) if dynamic is None else dynamic

    def facts(self, text: str, expected: tuple[FactRef, ...]) -> str:
        """The facts of *text* from the refs: one per figure token, in order.

        Checked against the facts the ordinary parse attached (*expected*, of the probe).
        """
        count = len(self.slot_refs)
        indexes = [
            index
            for k in map(int, _TOKEN_RE.findall(text))
            if k < count and (index := self.slot_refs[k]) is not None
        ]
        if len(indexes) != len(expected) or any(
            self.probe_refs[i] is not fact for i, fact in zip(indexes, expected, strict=True)
        ):
            raise _NotCompilable(f"facts of {text!r}")
        return self.tuple_of([f"r[{i}]" for i in indexes]) if indexes else "()"

    def many(self, parts: Sequence[str | None], nodes: Sequence[Any]) -> str | None:
        """A tuple of nodes: ``None`` when none holds a slot, else its expression."""
        if all(p is None for p in parts):
            return None
        return self.tuple_of(
            [self.constant(n) if p is None else p for p, n in zip(parts, nodes, strict=True)]
        )

    def either(self, expression: str | None, node: Any) -> str:
        return self.constant(node) if expression is None else expression

    # --------------------------------------------------------------- the tree
    # Each method returns the expression building its node, or None when the node holds no
    # slot (it is then shared as it is).

    def sentence(self, sentence: Sentence) -> str | None:
        text = self.string(sentence.text)
        if text is None:
            if sentence.facts:
                raise _NotCompilable("a sentence with facts and no slot")
            return None
        built = self.build(Sentence, text, self.facts(sentence.text, sentence.facts))
        if sentence.facts:
            self.lines.append(f"    Sentence__spans({built}, {self.spans(sentence.text)})")
        return built

    def spans(self, text: str) -> str:
        """The spans of the figures of *text* once filled, as an expression.

        The skeleton's own lengths plus those of the slots' contents before each figure
        (the parser works them out the same way).
        """
        count = len(self.slot_refs)
        before = 0
        lengths: list[str] = []
        spans = []
        for i, piece in enumerate(_TOKEN_RE.split(text)):
            if not i % 2:
                before += len(piece)
                continue
            k = int(piece)
            if k < count and (index := self.slot_refs[k]) is not None:
                start = self.assign(" + ".join([str(before), *lengths]))
                spans.append(f"({start}, {start} + len(r[{index}].text))")
            lengths.append(f"len(t[{k}])")
        return self.tuple_of(spans)

    def blocks(self, blocks: Sequence[Block]) -> str | None:
        return self.many([self.block(b) for b in blocks], blocks)

    def block(self, block: Block) -> str | None:
        if isinstance(block, Paragraph):
            sentences = self.many([self.sentence(s) for s in block.sentences], block.sentences)
            return None if sentences is None else self.build(Paragraph, sentences)
        if isinstance(block, Enumeration):
            items = self.many([self.item(i) for i in block.items], block.items)
            if items is None:
                return None
            style = self.constant(block.style)
            if block.inline:
                return self.assign(f"Enumeration({items}, {style}, True)")
            return self.build(Enumeration, items, style, "False")
        parts = self.table(block.caption, block.header, block.rows)
        return None if parts is None else self.assign(f"Table({', '.join(parts)})")

    def table(
        self, caption: str, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]
    ) -> tuple[str, str, str] | None:
        """A table's caption, header and rows (block or event), or None if no cell has a slot."""
        text = self.string(caption)
        cells = self.many([self.string(c) for c in header], header)
        lines = self.many([self.many([self.string(c) for c in row], row) for row in rows], rows)
        if text is None and cells is None and lines is None:
            return None
        return self.either(text, caption), self.either(cells, header), self.either(lines, rows)

    def item(self, item: EnumerationItem) -> str | None:
        lead = None if item.lead is None else self.sentence(item.lead)
        blocks = self.blocks(item.blocks)
        if lead is None and blocks is None:
            return None
        return self.build(
            EnumerationItem, self.either(lead, item.lead), self.either(blocks, item.blocks)
        )

    def section(self, section: Section) -> str | None:
        heading = self.string(section.heading)
        blocks = self.blocks(section.blocks)
        subs = self.many([self.section(s) for s in section.sections], section.sections)
        if heading is None and blocks is None and subs is None:
            return None
        return self.build(
            Section,
            self.either(heading, section.heading),
            self.either(blocks, section.blocks),
            self.either(subs, section.sections),
        )

    def document(self, doc: Document) -> str:
        signature = "None"
        if doc.signature is not None:
            unit = self.string(doc.signature.unit)
            signature = (
                self.constant(doc.signature)
                if unit is None
                else self.assign(f"Signature({unit}, {self.constant(doc.signature.date)})")
            )
        sections = self.many([self.section(s) for s in doc.sections], doc.sections)
        if doc.title is None:  # pragma: no cover - the parser always gives a title
            raise _NotCompilable("a document without a title")
        return self.build(
            Document,
            self.text(doc.title),
            "meta",
            self.either(self.blocks(doc.preamble), doc.preamble),
            self.either(sections, doc.sections),
            self.either(self.blocks(doc.closing), doc.closing),
            signature,
        )

    # --------------------------------------------------------------- the events

    def event(self, event: Event) -> str | None:
        if isinstance(event, RenderedParagraph):
            if _MARK_BEFORE_SLOT.search(event.lead + event.body):
                # 3. before a slot inside the text (an inline list): the walker adds a thin
                # space when the slot's text starts with a digit (3. 1月28日).
                raise _NotCompilable("an item mark 1. before a slot")
            lead, body = self.string(event.lead), self.string(event.body)
            if lead is None and body is None:
                if event.facts:
                    raise _NotCompilable("an event with facts and no slot")
                return None
            facts = self.facts(event.lead + event.body, event.facts)
            marker = self.constant(event.marker)
            first, first_expr = (event.lead, lead) if event.lead else (event.body, body)
            if event.marker.endswith(".") and first.startswith(_TOKEN_OPEN):
                # The same choice as the walker's, on the filled text (3. 1月28日).
                marker = f"{self.constant(_unambiguous)}({marker}, {first_expr})"
            return self.build(
                RenderedParagraph,
                str(event.depth),
                marker,
                self.either(lead, event.lead),
                self.either(body, event.body),
                facts,
            )
        if isinstance(event, RenderedHeading):
            text = self.string(event.text)
            if text is None:
                return None
            return self.build(RenderedHeading, str(event.level), self.constant(event.number), text)
        if isinstance(event, RenderedTitle):
            text = self.string(event.text)
            return None if text is None else self.build(RenderedTitle, text)
        if isinstance(event, RenderedSignature):
            unit = self.string(event.unit)
            if unit is None:
                return None
            return self.build(RenderedSignature, unit, self.constant(event.date))
        parts = self.table(event.caption, event.header, event.rows)
        return None if parts is None else self.build(RenderedTable, str(event.depth), *parts)

    # --------------------------------------------------------------- the function

    def function(self, doc: Document, events: Sequence[Event]) -> tuple[str, dict[str, Any]]:
        """Return the source of ``fill(t, r, meta)`` and the namespace it runs in."""
        document = self.document(doc)
        all_events = self.either(self.many([self.event(e) for e in events], events), events)
        body = self.lines
        head = ["def fill(t, r, meta):"]
        if self.formats:
            # One join of the template's pieces and the slots' contents makes every string
            # (memory copies; str.format parses its template character by character).
            pieces = _TOKEN_RE.split(_JOIN.join(self.formats))
            parts = [
                f"t[{piece}]" if i % 2 else self.constant(piece)
                for i, piece in enumerate(pieces)
                if i % 2 or piece
            ]
            head.append(f"    s = ''.join({self.tuple_of(parts)}).split({_JOIN!r})")
        body.append(f"    Document___events({document}, {all_events})")
        source = "\n".join([*head, *body, f"    return {document}", ""])
        return source, {**_NAMESPACE, **self.constants}


class Plan:
    """The compiled skeleton of one markup shape: fills documents and their events.

    ``slots`` is the number of slots in the shape; the texts a fill takes are their contents,
    then the default title and the unit of the meta (the two things from outside the markup
    that can reach the tree). ``uses_extras`` tells whether the skeleton used those two.
    ``source`` is the generated fill function, for the curious.
    """

    __slots__ = ("_fill", "max_ref", "slots", "source", "uses_extras")

    def __init__(
        self,
        fill: Callable[[Texts, Refs, Meta], Document],
        source: str,
        slots: int,
        max_ref: int,
        uses_extras: tuple[bool, bool],
    ) -> None:
        self._fill = fill
        self.source = source
        self.slots = slots
        self.max_ref = max_ref
        self.uses_extras = uses_extras

    def fill(self, texts: list[str], refs: Refs, meta: Meta, default_title: str) -> Document | None:
        """Build the document of a markup of this shape, or ``None`` if it needs the parser.

        *texts* are the slots' contents (all neutral); the refs must be :class:`FactRef`
        objects and reach every fact index of the shape, and the default title and the unit,
        where the skeleton used them, must be neutral too.
        """
        if (
            self.max_ref >= len(refs)
            or type(meta) is not Meta
            or not set(map(type, refs)) <= _ONLY_REFS
        ):
            return None
        uses_title, uses_unit = self.uses_extras
        if (uses_title and not is_neutral(default_title)) or (
            uses_unit and not is_neutral(meta.unit)
        ):
            return None
        texts.append(default_title)
        texts.append(meta.unit)
        return self._fill(texts, refs, meta)


def _build_plan(
    name: str,
    shape: Sequence[str],
    markup_refs: Refs,
    meta: Meta,
    expected: Document,
    texts: list[str],
    default_title: str,
    arabic: EnumerationStyle = EnumerationStyle.ARABIC,
) -> Plan | None:
    """Parse *shape* with tokens in its slots and compile it; ``None`` when that fails.

    *expected* is the ordinary parse of this report's markup (slot contents *texts*): the
    plan is kept only if filling it with *texts* gives that document and its events.
    """
    slots = len(shape) - 1
    probe = []
    slot_refs: list[int | None] = []
    for k, piece in enumerate(shape[:-1]):
        probe.append(piece)
        probe.append(f"{FACT_MID}{_token(k)}{FACT_CLOSE}")
        # The index between the marker's FACT_OPEN and this slot's FACT_MID, if a figure.
        _, opened, index = piece.rpartition(FACT_OPEN)
        slot_refs.append(int(index) if opened and index.isdecimal() else None)
    probe.append(shape[-1])
    slot_refs += [None, None]  # the default title and the meta's unit
    try:
        probe_meta = Meta(
            meta.institution, _token(slots + 1), meta.period, meta.generated, meta.draft
        )
        skeleton = parse_markup(
            "".join(probe),
            markup_refs,
            probe_meta,
            template=name,
            default_title=_token(slots),
            arabic=arabic,
        )
        generator = _Generator(slot_refs, markup_refs)
        source, namespace = generator.function(skeleton, skeleton._events)
        exec(compile(source, f"<epireport plan of {name}>", "exec"), namespace)
        plan = Plan(
            namespace["fill"],
            source,
            slots,
            max((i for i in slot_refs if i is not None), default=-1),
            (slots in generator.used, slots + 1 in generator.used),
        )
        filled = plan.fill(list(texts), markup_refs, meta, default_title)
    except Exception:
        return None
    if filled is None or filled != expected or filled._events != expected._events:
        return None
    if [s.spans for s in _sentences_of(filled)] != [s.spans for s in _sentences_of(expected)]:
        return None
    return plan


def _sentences_of(document: Document) -> list[Sentence]:
    """Every sentence of *document* with figures, in reading order."""
    found: list[Sentence] = []

    def blocks(items: Sequence[Block]) -> None:
        for block in items:
            if isinstance(block, Paragraph):
                found.extend(s for s in block.sentences if s.facts)
            elif isinstance(block, Enumeration):
                for item in block.items:
                    if item.lead is not None and item.lead.facts:
                        found.append(item.lead)
                    blocks(item.blocks)

    def sections(items: Sequence[Section]) -> None:
        for section in items:
            blocks(section.blocks)
            sections(section.sections)

    blocks(document.preamble)
    sections(document.sections)
    blocks(document.closing)
    return found


class ShapeCache:
    """The shapes of one environment's markups: a plan each, or what is known of them."""

    __slots__ = ("_lock", "_shapes")

    _SEEN: Final = "seen"
    _REFUSED: Final = "refused"

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], Plan | str] = {}
        self._lock = threading.Lock()

    def _remember(self, key: tuple[str, ...], value: Plan | str) -> None:
        # Locked: reports may be composed in threads, and evicting iterates the dict.
        with self._lock:
            shapes = self._shapes
            if key not in shapes and len(shapes) >= MAX_SHAPES:
                del shapes[next(iter(shapes))]
            shapes[key] = value

    def __len__(self) -> int:
        return len(self._shapes)

    def plans(self) -> int:
        """How many plans are kept (for tests and benchmarks)."""
        return sum(isinstance(v, Plan) for v in self._shapes.values())

    def compose(
        self,
        name: str,
        markup: str,
        refs: Refs,
        meta: Meta,
        default_title: str,
        locate: Callable[[int, str], str] | None = None,
        arabic: EnumerationStyle = EnumerationStyle.ARABIC,
    ) -> Document:
        """Return the document of *markup*, through the plan of its shape where there is one.

        A shape with an empty section is never planned: its drafts are parsed each time, so
        each one warns (:func:`~epireport.narrative._markup.parse_markup`).
        """
        pieces = _SLOT_RE.split(markup)
        texts = pieces[1::2]
        if not texts or not all_neutral(texts):
            return parse_markup(
                markup,
                refs,
                meta,
                template=name,
                default_title=default_title,
                locate=locate,
                arabic=arabic,
            )
        shape = pieces[0::2]
        key = (name, *shape)
        known = self._shapes.get(key)
        if type(known) is Plan:
            document = known.fill(texts, refs, meta, default_title)
            if document is not None:
                return document
            return parse_markup(
                markup,
                refs,
                meta,
                template=name,
                default_title=default_title,
                locate=locate,
                arabic=arabic,
            )
        empties: list[str] = []
        document = parse_markup(
            markup,
            refs,
            meta,
            template=name,
            default_title=default_title,
            locate=locate,
            empties=empties,
            arabic=arabic,
        )
        if empties:
            self._remember(key, self._REFUSED)
            for problem in empties:
                warnings.warn(problem, EpireportTemplateWarning, stacklevel=3)
        elif known is None:
            self._remember(key, self._SEEN)
        elif known == self._SEEN:
            plan = _build_plan(name, shape, refs, meta, document, texts, default_title, arabic)
            self._remember(key, self._REFUSED if plan is None else plan)
        return document

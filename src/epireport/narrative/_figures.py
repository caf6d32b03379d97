"""Figures in templates: the functions that write a fact into prose and remember where it came from.

``figure("leaflets")`` writes 3.2万余张 (the indicator's number style, precision and classifier)
as a :class:`FigureText`: a ``str`` that is exactly the visible text and carries its
:class:`~epireport.document.FactRef` beside it (see :mod:`epireport.narrative._markers`);
``count_list([...])`` writes 户外广告牌120块、电子显示屏35块、标语横幅860条, leaving out what
the indicators' zero policy omits; ``items([...])`` joins any texts that way. The markup parser
(:mod:`epireport.narrative._markup`) turns the markers that printing them writes into
``Sentence.facts`` and removes what an omission leaves behind.

Missing figures
---------------
In draft mode every missing figure is written as a visible placeholder (``xx`` by default,
followed by the classifier: 户外广告牌xx块) so an office can produce the skeleton before the
data is in. In final mode a missing figure that the template requires raises
:class:`~epireport.exceptions.MissingFigureError` naming the indicator and the unit; one the
template marks ``required=False`` is omitted like a zero.

The functions read the report being written from a :class:`RenderState` held in a context
variable that :func:`epireport.narrative._compose.compose` sets for the time of one render, so
they work the same in macros imported without context. The facts are read through
:class:`FactSetLike`, a small protocol that :class:`epireport.facts.FactSet` fulfils.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import hashlib
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, NamedTuple, Protocol

import attrs

from epireport.aggregate._completeness import ReportStatus
from epireport.document import FactRef, _is_clean
from epireport.exceptions import MissingFigureError, TemplateError
from epireport.facts import Fact, FactSet
from epireport.model._indicators import (
    Indicator,
    IndicatorKind,
    NumberStyle,
    ValueType,
    ZeroPolicy,
)
from epireport.model._institution import Institution
from epireport.model._measures import Measure
from epireport.model._periods import Period
from epireport.narrative._markers import (
    DROP,
    DROPPED,
    FACT_CLOSE,
    FACT_MID,
    FACT_OPEN,
    MARKER_CHARS,
    MarkedText,
    fact_marker,
    marked,
    marked_figure,
    markup_of,
    strip_markers,
)
from epireport.narrative._numbers import (
    format_change,
    format_number,
    format_percent,
    significant_step,
)
from epireport.narrative._numerals import chinese_count
from epireport.narrative._static_facts import StaticFacts

__all__ = [
    "DEFAULT_PLACEHOLDER",
    "FIGURE_FUNCTIONS",
    "FIGURE_STYLES",
    "FactLike",
    "FactSetLike",
    "FigureText",
    "RenderMode",
    "RenderState",
    "breakdown",
    "count_list",
    "coverage_phrase",
    "fact",
    "figure",
    "has",
    "items",
    "measure",
    "prepared_tables",
    "render_mode",
    "rendering",
    "tally",
    "value",
    "variant",
]

#: What draft mode writes for a missing figure.
DEFAULT_PLACEHOLDER: Final = "xx"

#: The figure functions whose constant indicator codes are checked when a template loads:
#: name → how the codes are given (``"code"``: first argument or ``code=``; ``"codes"``: a
#: list as first argument or ``codes=``, plus the keys of ``prefix=``).
FIGURE_FUNCTIONS: Final[Mapping[str, str]] = {
    "figure": "code",
    "value": "code",
    "has": "code",
    "fact": "code",
    "change": "code",
    "coverage_phrase": "code",
    "count_list": "codes",
    "breakdown": "code",
}

_SEPARATORS: Final = "，,、；;：: \u3000"


class FactLike(Protocol):
    """What the figure functions read of one fact (``epireport.facts.Fact`` has it)."""

    @property
    def value(self) -> Any:
        """The exact value (int or Decimal), or ``None`` when the fact is absent."""


class FactSetLike(Protocol):
    """How the figure functions look a fact up (``epireport.facts.FactSet`` has it).

    A fact set without ``find`` may offer ``get`` instead, returning ``None`` or raising
    :class:`KeyError` when there is no fact.
    """

    def find(self, indicator: str, unit: str | None = None, period: Any = None) -> Any:
        """Return the fact of *indicator* for *unit* and *period*, or ``None``."""


@attrs.define
class RenderState:
    """Everything the figure functions need while one report is rendered.

    ``refs`` collects the :class:`FactRef` of every figure printed, in order; a figure's marker
    in the markup stream holds its index there. ``report_id`` seeds :func:`variant`.
    ``indicators`` (by code) defaults to the institution's; ``writers`` remembers how each
    indicator's figures are written in its own style and may be shared by renders of the same
    institution.
    ``found`` (the facts of the report's unit and period as the figure functions read them)
    and ``written`` (those figures as written: their :class:`FigureText`) are filled as figures are
    written; :func:`prepared_tables` gives tables kept with the fact set, so that the facts
    of one report are looked up and written once however often the report is rendered.
    """

    institution: Institution
    facts: Any
    unit: str
    period: Period
    draft: bool = False
    placeholder: str = DEFAULT_PLACEHOLDER
    report_id: str = ""
    measures: Mapping[str, Measure] = attrs.Factory(dict)
    indicators: Mapping[str, Indicator] = attrs.Factory(dict)
    writers: dict[str, Callable[[Any], str]] = attrs.Factory(dict)
    refs: list[FactRef] = attrs.Factory(list)
    found: dict[str, Any] = attrs.Factory(dict)
    # By the fields (and class) of the ref: equal keys for equal FactRefs, hashed in C.
    _ref_index: dict[Hashable, int] = attrs.Factory(dict)
    _texts: dict[int, tuple[object, str]] = attrs.Factory(dict)
    written: dict[str, Any] = attrs.Factory(dict)

    def __attrs_post_init__(self) -> None:
        if not self.indicators:
            self.indicators = {
                i.code: i for s in self.institution.indicator_sets for i in s.with_series
            }

    def text_of(self, period: object) -> str:
        """Return ``str(period)``, computed once per period object during this render."""
        # Keyed by identity: the periods are alive (held by the facts) for the whole render,
        # and hashing a Period costs about as much as writing it.
        cached = self._texts.get(id(period))
        if cached is not None and cached[0] is period:
            return cached[1]
        text = str(period)
        self._texts[id(period)] = (period, text)
        return text

    def ref(self, ref: FactRef) -> int:
        """Return the index of *ref*, adding it the first time it is seen."""
        key = _ref_key(type(ref), ref.fact_id, ref.indicator, ref.unit, ref.period, ref.text,
                       ref.value, ref.sources)  # fmt: skip
        index = self._ref_index.get(key)
        return self._add_ref(key, ref) if index is None else index

    def _add_ref(self, key: Hashable, ref: FactRef) -> int:
        index = self._ref_index[key] = len(self.refs)
        self.refs.append(ref)
        return index


def _ref_key(
    cls: type,
    fact_id: str,
    indicator: str,
    unit: str,
    period: str,
    text: str,
    value: str | None,
    sources: tuple[str, ...],
) -> Hashable:
    r"""The key under which equal refs share one index (RenderState.ref).

    For a FactRef a string: its strings are clean, so no \\x00 or \\x01 stands in them, and
    a string keeps its hash once computed (a tuple hashes all its items at every lookup; the
    figure functions look the same keys up in every render of prepared facts).
    """
    if cls is FactRef:
        return "\x00".join(
            (fact_id, indicator, unit, period, text, "\x01" if value is None else value, *sources)
        )
    return (cls, fact_id, indicator, unit, period, text, value, sources)


# A figure marker's start for the first indexes, written once (int formatting is slow).
_MANY_OPENERS: Final = 512
_OPENERS: Final = tuple(f"{FACT_OPEN}{i}" for i in range(_MANY_OPENERS))

_STATE: contextvars.ContextVar[RenderState] = contextvars.ContextVar("epireport_render_state")


@contextlib.contextmanager
def rendering(state: RenderState) -> Iterator[RenderState]:
    """Make *state* the one the figure functions read, for the duration of a ``with`` block."""
    token = _STATE.set(state)
    try:
        yield state
    finally:
        _STATE.reset(token)


# What the figure functions work out about a fact set's facts, kept as long as the fact set
# lives: per (unit, period), the facts as read (code → _Found) and as written by figure()
# with default arguments (code → [indicator, FigureText, FigureText without the classifier],
# each None until written). Nothing in them refers back to the fact set, so the weak key
# dies with it. Only for fact classes whose objects never change once built; a user's own
# fact set might change between renders.
_PREPARED: weakref.WeakKeyDictionary[Any, dict[tuple[str, object], tuple[dict[str, Any], ...]]] = (
    weakref.WeakKeyDictionary()
)
_IMMUTABLE_FACT_SETS: Final = (FactSet, StaticFacts)


def prepared_tables(facts: Any, unit: str, period: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the ``found`` and ``written`` tables of *facts* for *unit* and *period*.

    For a :class:`~epireport.facts.FactSet` or :class:`StaticFacts` they are kept with the
    fact set (built empty, filled by the figure functions as they write figures, shared by
    every render of the same facts: the facts are "prepared" once); for any other fact set
    they are new, empty tables, used for one render.
    """
    if type(facts) not in _IMMUTABLE_FACT_SETS:
        return {}, {}
    per_facts = _PREPARED.get(facts)
    if per_facts is None:
        per_facts = _PREPARED[facts] = {}
    key = (unit, period)
    tables = per_facts.get(key)
    if tables is None:
        tables = per_facts[key] = ({}, {})
    return tables[0], tables[1]


def _state() -> RenderState:
    try:
        return _STATE.get()
    except LookupError:
        raise TemplateError(
            "figure functions (figure, count_list, ...) work only while a report is composed"
        ) from None


@attrs.frozen
class RenderMode:
    """How the report being composed treats what is missing, as :func:`render_mode` reads it.

    ``draft`` is true for a draft, which writes ``placeholder`` (``xx`` unless the render
    chose another) where a figure, a date or a name is still missing; a final report has no
    placeholders.
    """

    draft: bool
    placeholder: str


def render_mode() -> RenderMode:
    """Return the draft switch and placeholder of the report being composed.

    For template helpers (a plugin's ``epireport_prepare_environment`` globals or filters)
    that write their own placeholder in a draft, the way the figure functions do::

        def since(measure):
            if measure.start is not None:
                return f"{measure.start.month}月{measure.start.day}日"
            mode = render_mode()
            return f"{mode.placeholder}月{mode.placeholder}日" if mode.draft else ""

    Raises :class:`~epireport.exceptions.TemplateError` when no report is being composed.
    """
    state = _state()
    return RenderMode(state.draft, state.placeholder)


class FigureText(MarkedText):
    """A figure as a template sees it: its visible text (3.2万余张), with its fact beside it.

    What :func:`figure` returns. The fact gets its index in the render's refs when the figure
    is printed (or joined into printed text), so one object serves every render of the same
    prepared facts (see :func:`prepared_tables`): ``ref`` is the :class:`FactRef`, ``key``
    its key in :meth:`RenderState.ref`, ``tail`` the markup after the index.
    """

    ref: FactRef
    key: Hashable
    tail: str

    @classmethod
    def _figure(cls, text: str, ref: FactRef, key: Hashable) -> FigureText:
        """The figure whose visible text is *text* and whose fact is *ref* (under *key*)."""
        self = str.__new__(cls, text)
        self.ref = ref
        self.key = key
        self.tail = f"{FACT_MID}{text}{FACT_CLOSE}"
        return self

    def _to_markup(self) -> str:
        """Return the figure's marker for the current render, adding its fact to the refs."""
        state = _STATE.get(None)
        if state is None:
            state = _state()  # raises
        # state.ref, inlined: printing a figure is the most frequent thing a template does.
        ref_index = state._ref_index
        index = ref_index.get(self.key)
        if index is None:
            refs = state.refs
            index = ref_index[self.key] = len(refs)
            refs.append(self.ref)
        return (_OPENERS[index] if index < _MANY_OPENERS else f"{FACT_OPEN}{index}") + self.tail


def _indicator(state: RenderState, code: object) -> Indicator:
    indicator = state.indicators.get(code) if isinstance(code, str) else None
    if indicator is None:
        close = difflib.get_close_matches(str(code), list(state.indicators), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise TemplateError(
            f"unknown indicator {code!r} for institution {state.institution.code!r}{hint}"
        )
    return indicator


# ------------------------------------------------------------------------- reading facts


class _Found(NamedTuple):
    """A fact as the figure functions see it, whatever the fact class looks like."""

    fact: Any
    fact_id: str
    unit: str
    period: str
    value: int | Decimal | None
    omit: bool  # not applicable: never written, never missing
    reason: str
    sources: tuple[str, ...]
    # The code, ids, unit, period and sources are strings clean_text keeps as they are, and
    # fact_id is not blank: a FactRef of them may skip validation (FactRef._trusted).
    trusted: bool = False


def _text_of(value: object) -> str:
    if value is None:
        return ""
    enum_value = getattr(value, "value", None)
    return str(enum_value) if isinstance(enum_value, str) else str(value)


def _lookup(state: RenderState, code: str, unit: str | None, period: object) -> _Found:
    if unit is None and period is None:
        # A figure is often read twice (has() then figure()): look it up once per render.
        found = state.found.get(code)
        if found is None:
            found = state.found[code] = _lookup_uncached(state, code, state.unit, state.period)
        return found
    when = period if period is not None else state.period
    if isinstance(when, str):
        when = Period.parse(when)
    return _lookup_uncached(state, code, unit if unit is not None else state.unit, when)


def _lookup_uncached(state: RenderState, code: str, unit_code: str, when: object) -> _Found:
    facts = state.facts
    if type(facts) is FactSet:
        fact_obj = facts.find(code, unit_code, when)  # type: ignore[arg-type]
    else:
        fact_obj = _find(facts, code, unit_code, when)
    period_text = state.text_of(when)
    if fact_obj is None:
        default_id = f"{code}@{unit_code}@{period_text}"
        return _Found(None, default_id, unit_code, period_text, None, False, "no data", ())
    if type(fact_obj) is Fact:
        # The common case, without str(Period) thrice per figure: the ids are built as
        # Fact.id and value_id build them (a test keeps the two in step). The fact and its
        # data values usually share the report's period object: its text is at hand then.
        text_of = state.text_of
        number = fact_obj.value
        if type(number) is not int and (
            isinstance(number, bool) or not isinstance(number, int | Decimal)
        ):
            number = None
        # _value_ is the member's value, read without Enum's Python-level property.
        status = fact_obj.status._value_
        fact_period = fact_obj.period
        ident = (
            f"{fact_obj.indicator}@{fact_obj.unit}@"
            f"{period_text if fact_period is when else text_of(fact_period)}"
        )
        sources = fact_obj.sources
        if len(sources) == 1:
            # The common case (a unit's own figure), without a generator.
            v = sources[0]
            source_ids: tuple[str, ...] = (
                f"{v.series}@{v.unit}@{period_text if v.period is when else text_of(v.period)}",
            )
        else:
            # A county's figure has hundreds of sources over a few periods: each period's
            # text is looked up once here (by id: the sources keep their periods alive).
            texts: dict[int, str] = {id(when): period_text}
            ids = []
            for v in sources:
                p = v.period
                text = texts.get(id(p))
                if text is None:
                    text = texts[id(p)] = text_of(p)
                ids.append(f"{v.series if v.options else v.indicator}@{v.unit}@{text}")
            source_ids = tuple(ids)
        # One check of everything a FactRef takes from here; "@" keeps fact_id non-blank.
        trusted = _is_clean(f"{ident}{code}{unit_code}{period_text}{''.join(source_ids)}")
        # Positional: a NamedTuple's keyword __new__ is a Python function; this is the tuple's.
        return tuple.__new__(
            _Found,
            (fact_obj, ident, unit_code, period_text, number,
             number is None and status == "not_applicable", fact_obj.reason or status,
             source_ids, trusted),
        )  # fmt: skip
    raw = getattr(fact_obj, "value", None)
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | float | type(None)):
        raw = None
    value: int | Decimal | None = Decimal(str(raw)) if isinstance(raw, float) else raw
    status = _text_of(getattr(fact_obj, "status", None) or getattr(fact_obj, "absence", None))
    reason = _text_of(getattr(fact_obj, "reason", None)) or status
    sources = getattr(fact_obj, "source_ids", None) or getattr(fact_obj, "sources", None) or ()
    fact_id = getattr(fact_obj, "id", None) or getattr(fact_obj, "fact_id", None)
    return _Found(
        fact=fact_obj,
        fact_id=str(fact_id or f"{code}@{unit_code}@{period_text}"),
        unit=unit_code,
        period=period_text,
        value=value,
        omit=value is None and "not_applicable" in (status + reason).replace(" ", "_").lower(),
        reason=reason or "no value",
        sources=(sources,) if isinstance(sources, str) else tuple(_source_id(s) for s in sources),
    )


def _find(facts: Any, code: str, unit: str, period: object) -> Any:
    # FactSet.find answers None when there is no fact; its get raises KeyError.
    if facts is None:
        return None
    find = getattr(facts, "find", None)
    if find is not None:
        return find(code, unit, period)
    try:
        return facts.get(code, unit, period)
    except KeyError:
        return None


def _source_id(source: object) -> str:
    """Name a data value behind a fact: its id, else indicator/unit/period."""
    if isinstance(source, str):
        return source
    ident = getattr(source, "id", None)
    if isinstance(ident, str) and ident:
        return ident
    parts = [getattr(source, name, None) for name in ("indicator", "unit", "period")]
    if all(p is not None for p in parts):
        return "@".join(str(p) for p in parts)
    return str(source)


#: The styles figure() adds to format_number's: Chinese numerals, and 约 with a compact figure.
FIGURE_STYLES: Final = ("numeral", "approx")


def _numeral(number: int | Decimal) -> str | None:
    """A count in Chinese numerals (两, 三十五), or None for a figure that is not a count."""
    if type(number) is not int or not 0 < number < 100_000_000:
        return None
    return chinese_count(number)


def _write(
    indicator: Indicator, number: int | Decimal, style: str | None, precision: int | None
) -> str:
    if style == "numeral" or (
        style is None and type(number) is int and 0 < number < indicator.numerals_below
    ):
        written = _numeral(number)
        if written is not None:
            return written
        style = None
    if style == "approx":
        # 约 and a compact figure, whatever the value: 约12万平方米, 约500人.
        digits = indicator.precision if precision is None else precision
        if indicator.is_computed:
            return "约" + format_percent(number, digits)
        return "约" + format_number(number, "compact", digits)
    if indicator.kind in (IndicatorKind.RATE, IndicatorKind.RATIO) and style != "exact":
        # Facts hold rates as ratios (0.955); the prose writes 95.5%.
        return format_percent(number, indicator.precision if precision is None else precision)
    if indicator.value_type is ValueType.PERCENTAGE:
        return format_number(number, "exact") + "%"
    sig = indicator.significant_figures
    return format_number(
        number,
        style or indicator.number_style,
        indicator.precision if precision is None else precision,
        hedge=indicator.hedge,
        small_step=None if sig is None else significant_step(number, sig),
    )


def _writer(indicator: Indicator) -> Callable[[Any], str]:
    """Return ``_write(indicator, number, None, None)`` as a function of the number alone.

    The style, precision and kind are looked at once per indicator instead of per figure.
    """
    if indicator.numerals_below:
        return lambda number: _write(indicator, number, None, None)
    if indicator.kind in (IndicatorKind.RATE, IndicatorKind.RATIO) or (
        indicator.value_type is ValueType.PERCENTAGE
    ):
        return lambda number: _write(indicator, number, None, None)
    style, precision = indicator.number_style, indicator.precision
    if style is NumberStyle.EXACT:

        def exact(number: int | Decimal) -> str:
            # format_number writes an exact int as str() does, after looking up its options.
            return str(number) if type(number) is int else format_number(number, style, precision)

        return exact
    hedge, sig = indicator.hedge, indicator.significant_figures
    if sig is not None:
        return lambda number: format_number(
            number, style, precision, hedge=hedge, small_step=significant_step(number, sig)
        )
    return lambda number: format_number(number, style, precision, hedge=hedge)


def _stated(number: int | Decimal, qualifier: str) -> str:
    """An approximate value as stated: 约500, 近500, 480余 (a FactRef's value, for lint)."""
    text = f"{number:f}" if isinstance(number, Decimal) else str(number)
    return qualifier + text if qualifier in ("约", "近") else text + qualifier


def _qualified(
    indicator: Indicator,
    number: int | Decimal,
    qualifier: str,
    style: str | None,
    precision: int | None,
) -> str:
    """Write an approximate figure no more precisely than it was stated (GB/T 15835).

    A lower bound (余, 多) floors (a compact or rounded style is written hedged) and ends with
    its hedge: 480余, 3.2万余. An upper bound ceils and starts with 近. An approximate figure
    is written exact or compact, after 约: 约500, 约12万. Rates and percentages take 约.
    """
    chosen = style or indicator.number_style.value
    if indicator.is_computed or indicator.value_type is ValueType.PERCENTAGE:
        text = _write(indicator, number, style, precision)
        return text if text.startswith(("约", "近")) else "约" + text
    if qualifier in ("余", "多"):
        if chosen not in ("exact", "hedged"):
            chosen = "hedged"
        text = _write(indicator, number, chosen, precision)
        return text if text.endswith(("余", "多")) else text + qualifier
    if qualifier == "近":
        text = _write(indicator, number, "exact" if chosen == "exact" else "near", precision)
        return text if text.startswith("近") else "近" + text
    text = _write(indicator, number, "exact" if chosen == "exact" else "compact", precision)
    return text if text.startswith(("约", "近")) else "约" + text


def _omitted_zero(indicator: Indicator, found: _Found) -> bool:
    return found.value == 0 and indicator.zero_policy is ZeroPolicy.OMIT


def _missing(state: RenderState, indicator: Indicator, found: _Found) -> MissingFigureError:
    return MissingFigureError(
        f"missing figure: indicator {indicator.code!r} ({indicator.name}) of unit "
        f"{found.unit!r} for {found.period}: {found.reason}; the template requires it "
        "(render a draft to see placeholders, or pass required=False to leave it out)"
    )


# ------------------------------------------------------------------------- template functions


def figure(
    code: str,
    unit: str | None = None,
    period: object = None,
    *,
    classifier: bool = True,
    style: str | None = None,
    precision: int | None = None,
    required: bool = True,
) -> str:
    """Write the figure of indicator *code*: 3.2万余张, with its fact attached.

    *unit* and *period* default to the report's. The number follows the indicator's number
    style and precision (or *style*/*precision*), followed by its classifier unless
    ``classifier=False``. A zero the indicator's zero policy omits, and a not-applicable fact,
    make the sentence disappear. A missing figure is the draft placeholder (xx块) in draft
    mode; in final mode it raises :class:`MissingFigureError`, or disappears with
    ``required=False``. *style* may also be ``numeral`` (a count in Chinese numerals: 两人,
    as the indicator's ``numerals_below`` does for small counts) or ``approx`` (约 and a
    compact figure: 约12万平方米); the figure keeps its fact either way, so lint checks it. An
    approximate fact (its ``qualifier``: a value behind it was stated
    约500 or 480余) is never written more precisely than that: 约500人, 480余人, 3.2万余张, and
    its fact's value is the figure as stated, for lint.

    The result is a :class:`FigureText`: ``| length``, slicing and filters see the visible
    text only; printing it, joining it with ``~``, ``+``, ``| join`` or :func:`items` keeps
    its fact, and a filter that makes new text of it (``| upper``, ``| replace``) gives plain
    text without the fact. An omission is an empty, falsy text.
    """
    # _state() and _indicator() inlined for the common case: figure() runs two dozen times
    # per report, and two calls were a fifth of its cost.
    state = _STATE.get(None)
    if state is None:
        state = _state()  # raises
    indicator = state.indicators.get(code) if type(code) is str else None
    if indicator is None:
        indicator = _indicator(state, code)  # the error, with a suggestion
    default = unit is None and period is None and style is None and precision is None
    if default:
        # Written before (by this render or an earlier one of the same facts, see
        # prepared_tables): the very object is at hand.
        written = state.written.get(code)
        if written is not None and written[0] is indicator:
            cached: FigureText | None = written[1] if classifier else written[2]
            if cached is not None:
                return cached
    found = _lookup(state, code, unit, period)
    suffix = indicator.classifier if classifier else ""
    if found.omit:
        return DROPPED
    if found.value is None:
        if state.draft:
            ref = FactRef(found.fact_id, code, found.unit, found.period, state.placeholder, None,
                          found.sources, found.fact)  # fmt: skip
            # A figure hedged at every size keeps its hedge in the skeleton: xx多户.
            hedge = (
                indicator.hedge
                if indicator.significant_figures is not None
                and (style or indicator.number_style.value) == "hedged"
                else ""
            )
            return marked_figure(state.ref(ref), state.placeholder + hedge + suffix)
        if not required:
            return DROPPED
        raise _missing(state, indicator, found)
    if _omitted_zero(indicator, found):
        return DROPPED
    qualifier = getattr(found.fact, "qualifier", "") if found.fact is not None else ""
    if qualifier:
        # An approximate fact (约500, 480余) is never written more precisely than stated.
        text = _qualified(indicator, found.value, qualifier, style, precision)
        exact = _stated(found.value, qualifier)
    elif style is None and precision is None:
        write = state.writers.get(code)
        if write is None:
            write = state.writers[code] = _writer(indicator)
        text = write(found.value)
        exact = str(found.value)
    else:
        text = _write(indicator, found.value, style, precision)
        exact = str(found.value)
    if found.trusted:
        # Every string is checked clean (see _Found.trusted) and text is a formatted number:
        # the validating constructor would change nothing, at several times the cost.
        ref = FactRef._trusted(found.fact_id, code, found.unit, found.period, text, exact,
                               found.sources, found.fact)  # fmt: skip
        # state.ref's key (equal refs share one index), of the ref's own fields.
        key = _ref_key(FactRef, found.fact_id, code, found.unit, found.period, text, exact,
                       found.sources)  # fmt: skip
    else:
        ref = FactRef(found.fact_id, code, found.unit, found.period, text, exact, found.sources,
                      found.fact)  # fmt: skip
        key = _ref_key(FactRef, ref.fact_id, ref.indicator, ref.unit, ref.period, ref.text,
                       ref.value, ref.sources)  # fmt: skip
    done = FigureText._figure(text + suffix, ref, key)
    if default:
        # Nothing here depends on the render (draft, placeholder, required): only on the
        # fact and the indicator, which the fast path above checks.
        written = state.written.get(code)
        if written is None or written[0] is not indicator:
            written = state.written[code] = [indicator, None, None]
        written[1 if classifier else 2] = done
    return done


def value(code: str, unit: str | None = None, period: object = None) -> int | Decimal | None:
    """Return the exact value of indicator *code* (``None`` when absent), for ``{% if %}`` tests."""
    state = _state()
    _indicator(state, code)
    return _lookup(state, code, unit, period).value


def has(code: str, unit: str | None = None, period: object = None) -> bool:
    """Whether :func:`figure` would write something for *code* (present, not an omitted zero).

    A missing figure counts as present: in draft mode its placeholder is written, and in final
    mode :func:`figure` refuses it with :class:`MissingFigureError`. Guarding a clause with
    ``has()`` must never turn missing data into silence, as if it were zero.
    """
    state = _state()
    indicator = _indicator(state, code)
    found = _lookup(state, code, unit, period)
    if found.omit:
        return False
    if found.value is None:
        return True
    return not _omitted_zero(indicator, found)


def fact(code: str, unit: str | None = None, period: object = None) -> Any:
    """Return the fact object of indicator *code* itself (``None`` when there is none)."""
    state = _state()
    _indicator(state, code)
    return _lookup(state, code, unit, period).fact


def items(
    texts: Iterable[object], sep: str = "、", last: str | None = None, *, empty: str | None = None
) -> str:
    """Join *texts* into one enumeration, leaving out empty and omitted ones.

    Items are joined with *sep* (、 by default); with *last* (和 or 及) the final two are joined
    with it instead. Connectors at the ends of an item are stripped, so nothing dangles. When
    nothing is left the result is an omission (the sentence disappears), or *empty* if given.
    """
    kept: list[str] = []
    for text in texts:
        # In markup form: an item's figures and omissions are what decide.
        item = "" if text is None else markup_of(text)
        if DROP in item:
            continue
        item = item.strip(_SEPARATORS)
        if strip_markers(item).strip(_SEPARATORS):
            kept.append(item)
    if not kept:
        return DROPPED if empty is None else empty
    if last and len(kept) > 1:
        return marked(markup_of(sep).join(kept[:-1]) + markup_of(last) + kept[-1])
    return marked(markup_of(sep).join(kept))


def count_list(
    codes: Sequence[str],
    prefix: Mapping[str, str] | None = None,
    sep: str = "、",
    last: str | None = None,
    *,
    unit: str | None = None,
    period: object = None,
    required: bool = True,
    empty: str | None = None,
) -> str:
    """Write counts as an enumeration: 户外广告牌120块、电子显示屏35块、标语横幅860条.

    Each item is the indicator's name (or ``prefix[code]``) followed by :func:`figure`; items
    the zero policy omits disappear and the rest close up. *sep*, *last* and *empty* are as
    in :func:`items`; *required* as in :func:`figure`.
    """
    labels = prefix or {}
    state = _state()
    parts = []
    for code in codes:
        indicator = _indicator(state, code)
        text = markup_of(figure(code, unit, period, required=required))
        parts.append(DROP if DROP in text else labels.get(code, indicator.name) + text)
    return items(parts, sep, last, empty=empty)


def breakdown(
    code: str,
    unit: str | None = None,
    period: object = None,
    *,
    category: str | None = None,
    lead: str = "",
    nested: bool = True,
    nested_lead: str = "其中",
    sep: str = "、",
    last: str | None = None,
    required: bool = True,
    empty: str | None = None,
) -> str:
    """Write an indicator's breakdown by category from data: 武汉52人、湖北其他地区30人、省外118人.

    Each item is a category option's name followed by its :func:`figure` (a fact of its own,
    ``returnees[wuhan]``), in the options' order; *category* picks one of the indicator's
    categories (default: its first). With *lead* (其中) the list starts with it. Options nested
    in an option follow it in parentheses, led by *nested_lead*: 湖北82人（其中武汉52人、湖北其他
    地区30人）; ``nested=False`` writes the top options only. Zeros the indicator's zero policy
    omits disappear with their item (and their nested ones); *sep*, *last*, *required* and
    *empty* are as in :func:`count_list`.
    """
    state = _state()
    indicator = _indicator(state, code)
    if not indicator.categories:
        raise TemplateError(
            f"breakdown({code!r}): indicator {code!r} ({indicator.name}) is not split by any "
            "category; declare its categories, or list parts with count_list([...])"
        )
    chosen = indicator.categories[0]
    if category is not None:
        found = [c for c in indicator.categories if c.code == category]
        if not found:
            known = ", ".join(c.code for c in indicator.categories)
            raise TemplateError(
                f"breakdown({code!r}, category={category!r}): indicator {code!r} has no such "
                f"category (its categories: {known})"
            )
        chosen = found[0]

    def level(parent: str | None) -> list[str]:
        parts = []
        for option in chosen.children(parent):
            text = markup_of(figure(_series(code, option.code), unit, period, required=required))
            if DROP in text:
                parts.append(DROP)
                continue
            item = markup_of(option.name) + text
            inner = level(option.code) if nested else []
            if any(DROP not in p for p in inner):
                listed = markup_of(items(inner, sep, last))
                item += f"（{markup_of(nested_lead)}{listed}）"
            parts.append(item)
        return parts

    listed = items(level(None), sep, last, empty=empty)
    if not lead or not strip_markers(markup_of(listed)) or DROP in markup_of(listed):
        return listed
    return marked(markup_of(lead) + markup_of(listed))


def _series(code: str, option: str) -> str:
    return f"{code}[{option}]"


def change(
    code: str,
    previous: object = None,
    *,
    against: str = "previous",
    unit: str | None = None,
    multiple_at: int | None = None,
) -> str:
    """Describe how *code* changed: 增长12.5%, 下降3.2%, 持平, 新增 (个百分点 for rates).

    By default the fact's own comparison *against* ``"previous"`` (环比) or ``"last_year"``
    (同比) is used, as aggregation computed it; with *previous* (a period) the two figures are
    looked up and compared here. When the change is unavailable (a figure is missing) the
    sentence disappears, in draft mode too: a change cannot be guessed.
    """
    state = _state()
    indicator = _indicator(state, code)
    now = _lookup(state, code, unit, None)
    rate = indicator.kind in (IndicatorKind.RATE, IndicatorKind.RATIO)
    computed = getattr(now.fact, against, None) if previous is None else None
    if computed is not None and hasattr(computed, "kind"):
        current = getattr(computed, "current", None)
        before_value = getattr(computed, "previous", None)
        sources = now.sources
    else:
        if against not in ("previous", "last_year"):
            raise TemplateError(
                f"change: against must be 'previous' or 'last_year', not {against!r}"
            )
        period = previous
        if period is None:
            period = (
                state.period.previous()
                if against == "previous"
                else state.period.same_period_last_year()
            )
        before = _lookup(state, code, unit, period)
        current, before_value, sources = now.value, before.value, now.sources + before.sources
    if current is None or before_value is None or now.value is None:
        return DROPPED
    if rate:
        text = format_change(current * 100, before_value * 100, kind="rate")
    else:
        text = format_change(current, before_value, multiple_at=multiple_at)
    ref = FactRef(now.fact_id, code, now.unit, now.period, text, str(now.value), sources, now.fact)
    return marked_figure(state.ref(ref), text)


def _count_marker(
    state: RenderState,
    count: int,
    indicator: str,
    fact_id: str,
    unit: str,
    period: str,
    sources: tuple[str, ...] = (),
) -> str:
    """Write *count* with a FactRef naming what it counts (a traceable, lintable figure).

    In markup form: the fact set's phrase writer formats it into its own text.
    """
    text = str(count)
    ref = FactRef(fact_id, indicator, unit, period, text, text, sources)
    return fact_marker(state.ref(ref), text)


# What each count of a completeness phrase counts: reporting units in these states (None: all).
# "reported" is on time or undated: what the phrase says 报送 of when some reports lack a time.
_COUNTED: Final[dict[str, frozenset[ReportStatus] | None]] = {
    "expected": None,
    "on_time": frozenset({ReportStatus.ON_TIME}),
    "reported": frozenset({ReportStatus.ON_TIME, ReportStatus.SUBMITTED}),
    "zero_reports": frozenset({ReportStatus.ZERO_REPORT}),
    "late": frozenset({ReportStatus.LATE}),
    "missing": frozenset({ReportStatus.MISSING}),
}


def coverage_phrase(
    code: str | None = None,
    unit: str | None = None,
    period: object = None,
    *,
    level: str = "单位",
) -> str:
    """Say how complete the figures are, every count with its fact.

    Without *code*: the fact set's own phrase for the reporting unit (or *unit*), e.g.
    12个学校中10个按时报送，2个零报告; each count is a figure whose fact is
    ``completeness.<what>@<unit>@<period>`` (what: expected, on_time, reported — on time or
    without a submission time —, zero_reports, late, missing) and whose sources are the codes
    of the reporting units it counts. With *code*:
    the coverage of that one figure, 12个单位全部报送 or 12个单位中11个已报送 (*level* names
    the units), the counts' facts being the figure's own with ``#expected`` and
    ``#submitted``. The sentence disappears when there is nothing to say.
    """
    state = _state()
    if code is None:
        phrase_of = getattr(state.facts, "coverage_phrase", None)
        if phrase_of is None:
            return DROPPED
        if isinstance(state.facts, FactSet):
            who = unit or state.unit
            when = state.text_of(state.period)
            found_completeness = state.facts.completeness(unit)
            by_unit = {} if found_completeness is None else found_completeness.units

            def number(count: int, what: str) -> str:
                # Its sources are the reporting units it counts (all of them for expected).
                states = _COUNTED.get(what)
                sources = tuple(
                    code for code, s in by_unit.items() if states is None or s in states
                )
                name = f"completeness.{what}"
                return _count_marker(state, count, name, f"{name}@{who}@{when}", who, when, sources)

            phrase = phrase_of(unit, number=number)
        else:
            phrase = phrase_of(unit)
        return marked(markup_of(phrase)) if isinstance(phrase, str) and phrase else DROPPED
    _indicator(state, code)
    found = _lookup(state, code, unit, period)
    coverage = getattr(found.fact, "coverage", None)
    expected = getattr(coverage, "expected", None)
    reported = getattr(coverage, "submitted", getattr(coverage, "reported", None))
    if not isinstance(expected, int) or not isinstance(reported, int) or expected <= 0:
        return DROPPED

    def counted(count: int, what: str) -> str:
        return _count_marker(state, count, code, f"{found.fact_id}#{what}", found.unit,
                             found.period, found.sources)  # fmt: skip

    if reported >= expected:
        return marked(f"{counted(expected, 'expected')}个{level}全部报送")
    return marked(
        f"{counted(expected, 'expected')}个{level}中{counted(reported, 'submitted')}个已报送"
    )


def tally(count: object, what: str, unit: str | None = None, period: object = None) -> str:
    """Write a count the template worked out itself, with a fact naming what it counts.

    ``{{ tally(rs.schools, "reporting.schools") }}所学校`` writes 6所学校 and attaches the
    fact ``reporting.schools@<unit>@<period>`` (the report's unit and period by default), so
    that a count of schools or reports is as traceable, and as checked by the linter, as an
    indicator's figure. *count* must be a non-negative integer.
    """
    state = _state()
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise TemplateError(f"tally({what!r}): expected a count (an integer >= 0), got {count!r}")
    if not isinstance(what, str) or not what.strip() or "@" in what:
        raise TemplateError(f"tally: expected a name for what is counted, got {what!r}")
    who = unit if unit is not None else state.unit
    when = state.text_of(period if period is not None else state.period)
    return marked(_count_marker(state, count, what, f"{what}@{who}@{when}", who, when))


def measure(code: str) -> Measure:
    """Return the measure *code* of the report (or the institution's catalogue)."""
    state = _state()
    found = state.measures.get(code)
    if found is None:
        close = difflib.get_close_matches(str(code), list(state.measures), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise TemplateError(f"unknown measure {code!r} in this report{hint}")
    return found


def variant(seed_key: str, options: Sequence[str]) -> str:
    """Choose one of *options* by a stable hash of *seed_key* and the report's id.

    The same report always gets the same wording (no randomness), while different reports
    and different places in one template vary.
    """
    choices = list(options)
    if not choices:
        raise TemplateError(f"variant({seed_key!r}, ...): expected at least one option")
    digest = hashlib.sha256(f"{_state().report_id}\0{seed_key}".encode()).digest()
    return choices[int.from_bytes(digest[:8], "big") % len(choices)]


def clean_input(value: object) -> Any:
    """Make an input value safe to print: no marker characters, no line breaks.

    Line structure is the template's: a narrative input with a line break could otherwise
    start a heading or an item of its own.
    """
    if type(value) is str or isinstance(value, str):
        if value.isprintable():
            # No marker (private use) and no line break is printable: nothing to remove, and
            # translate() is slow on Chinese text.
            return value.strip()
        return " ".join(value.translate(_UNMARK).splitlines()).strip()
    kind = type(value)
    if kind is dict or (kind is not list and kind is not tuple and isinstance(value, Mapping)):
        return {k: clean_input(v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind is list or kind is tuple or isinstance(value, list | tuple):
        return tuple([clean_input(v) for v in value])  # type: ignore[attr-defined]
    return value


_UNMARK: Final = {ord(ch): None for ch in MARKER_CHARS}

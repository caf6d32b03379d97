"""Reading figures as people type them, and the common shape of what every reader returns.

Daily reports arrive as typed cells: ``１２０``, ``1,234``, ``1，234``, ``1.2万``, ``120块``,
``零报告``. :func:`normalise_value` turns such a cell into a status and a value, and refuses
anything doubtful rather than guessing:

=====================  ===========================================================
accepted               meaning
=====================  ===========================================================
``１２３``              full-width digits (and ``，`` ``．`` ``％`` ``－``) read as ASCII
``1,234`` ``1，234``    thousands separators, only in groups of three
``1.2万`` ``3亿``       10⁴ and 10⁸, only when the result is a whole number
``120块`` ``120 块``    a trailing measure word equal to the indicator's classifier
``85%``                a percentage, for percentage indicators
``零报告`` ``不适用``    the status words of :data:`~epireport.io._convert.STATUS_WORDS`
``是`` ``否``           booleans (also true/false, yes/no)
=====================  ===========================================================

refused (each with a message saying why): ``1,23`` (a decimal comma or a typo?), ``1.23456万``
(12345.6 is a rounded figure), ``120张`` for an indicator counted in 块, ``12.5`` or ``-3`` for
a count, digits mixed with other text. :func:`normalise_value` refuses hedged figures
(``480余``, ``约120``) too; :func:`read_cells` then reads them as approximate values (the
number with its qualifier, see :func:`~epireport.io._convert.approximate_value`).

The readers (CSV, Excel forms, DHIS2) collect values and located problems in a
:class:`BatchBuilder` and hand back one :class:`Batch` per file; codes pass through an optional
:class:`CodeMapping` (DHIS2 ids to epireport codes) and are checked against an optional
:class:`~epireport.model._institution.Institution`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs

from epireport.exceptions import InputError, ModelError, Problem
from epireport.io._columns import RowLocations, State, ValueColumns
from epireport.io._convert import STATUS_WORDS, approximate_value
from epireport.model._indicators import Indicator, IndicatorKind, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgUnit, check_code
from epireport.model._values import DataValue, Value, ValueStatus

__all__ = [
    "Batch",
    "BatchBuilder",
    "CodeMapping",
    "load_mapping",
    "load_units",
    "normalise_number",
    "normalise_period",
    "normalise_timestamp",
    "normalise_value",
    "read_structured",
]

_BLANKS: Final = " \t\r\n\u3000\u00a0"
_GROUPED: Final = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN: Final = re.compile(r"\d+(?:\.\d+)?")
_HEDGES: Final = ("余", "多", "约", "近", "左右", "以上", "以下", "上下", "来", "几")
_MULTIPLIERS: Final = {"万": 10**4, "亿": 10**8}
_TRUE_WORDS: Final = frozenset({"是", "true", "yes", "y", "1"})
_FALSE_WORDS: Final = frozenset({"否", "false", "no", "n", "0"})


def _fold(text: str) -> str:
    # NFKC folds full-width digits and punctuation (１，２３４．５％－) to ASCII; U+2212 MINUS
    # SIGN is not folded by NFKC but is what some spreadsheets paste.
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip(_BLANKS)


def _is_count(indicator: Indicator | None) -> bool:
    # The same rule as report files: an integer flow or stock never goes below zero.
    return (
        indicator is not None
        and indicator.value_type is ValueType.INTEGER
        and indicator.kind in (IndicatorKind.FLOW, IndicatorKind.STOCK)
    )


def normalise_number(text: str, indicator: Indicator | None = None) -> int | Decimal:
    """Read a typed number (see the module table); raise :class:`ModelError` if doubtful.

    With *indicator*, a trailing measure word must be its classifier, an integer indicator
    needs a whole number, a count (an integer flow or stock) must not be negative and ``%``
    only fits a percentage. Whole results are ``int``, others :class:`~decimal.Decimal`.
    """
    original = text
    s = _fold(text)
    if not s:
        raise ModelError("expected a number, got an empty cell")
    for hedge in _HEDGES:
        if hedge in s:
            raise ModelError(
                f"{original!r} is a hedged figure ({hedge}); give the exact number, not an estimate"
            )
    classifier = indicator.classifier if indicator is not None else ""
    if classifier and s.endswith(classifier):
        s = s[: -len(classifier)].rstrip(_BLANKS)
    percent = s.endswith("%")
    if percent:
        if indicator is not None and indicator.value_type is not ValueType.PERCENTAGE:
            raise ModelError(
                f"{original!r} is a percentage, but {indicator.code!r} is not a percentage"
            )
        s = s[:-1].rstrip(_BLANKS)
    multiplier = 1
    if s[-1:] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[s[-1]]
        s = s[:-1].rstrip(_BLANKS)
    sign = 1
    if s[:1] in ("-", "+"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if not (_PLAIN.fullmatch(s) or _GROUPED.fullmatch(s)):
        raise ModelError(_why_not_a_number(original, s, indicator))
    try:
        number = Decimal(s.replace(",", "")) * multiplier * sign
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise ModelError(f"expected a number, got {original!r}") from None
    whole = number == number.to_integral_value()
    if multiplier != 1 and not whole:
        raise ModelError(
            f"{original!r} is {number.normalize():f}, not a whole number: a figure in 万 or 亿 "
            "is only exact when it comes out whole; give the exact number"
        )
    if indicator is not None and indicator.value_type is ValueType.INTEGER and not whole:
        raise ModelError(f"{original!r} is not a whole number, but {indicator.code!r} counts")
    if number < 0 and indicator is not None and _is_count(indicator):
        raise ModelError(f"{original!r} is negative, but {indicator.code!r} is a count")
    if whole and (multiplier != 1 or "." not in s):
        return int(number)
    if whole and indicator is not None and indicator.value_type is ValueType.INTEGER:
        return int(number)
    return number


def _why_not_a_number(original: str, core: str, indicator: Indicator | None) -> str:
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", core) and "," in core:
        return (
            f"{original!r}: thousands separators must group three digits (1,234); "
            "is the comma a decimal point or a typo?"
        )
    match = re.fullmatch(r"([\d.,]+)\s*(\D+)", core)
    if match:
        word = match.group(2)
        if indicator is None:
            return (
                f"{original!r}: a number followed by {word!r}; without the institution the "
                "measure word cannot be checked (give --institution)"
            )
        if indicator.classifier:
            return (
                f"{original!r}: {word!r} is not the measure word of {indicator.code!r} "
                f"({indicator.name}, counted in {indicator.classifier})"
            )
        return f"{original!r}: {indicator.code!r} ({indicator.name}) has no measure word {word!r}"
    return f"expected a number, got {original!r}"


def normalise_value(
    raw: object, indicator: Indicator | None = None
) -> tuple[ValueStatus, Value | None]:
    """Read one non-blank cell into ``(status, value)``; raise :class:`ModelError` if doubtful.

    Status words (零报告, 不适用, 缺报 ...) give their status and ``None``; a zero-report is
    refused for an indicator that is not numeric. Without *indicator* a number is read as a
    number, a text without digits stays text and anything else is refused. Floats (what Excel
    stores) go through their shortest ``repr``; ``bool`` is a flag.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip(_BLANKS)):
        raise ModelError("expected a value, got an empty cell")
    if isinstance(raw, str):
        status = STATUS_WORDS.get(_fold(raw).lower())
        if status is not None:
            if (
                status is ValueStatus.ZERO_REPORT
                and indicator is not None
                and not indicator.is_numeric
            ):
                raise ModelError(
                    f"a zero-report does not fit {indicator.value_type.value} indicator "
                    f"{indicator.code!r}"
                )
            return status, None
    value_type = indicator.value_type if indicator is not None else None
    if isinstance(raw, dt.date):
        raise ModelError(f"expected a value, got a date {raw.isoformat()}")
    if value_type is ValueType.BOOLEAN or isinstance(raw, bool):
        return ValueStatus.REPORTED, _boolean(raw, indicator)
    if value_type is ValueType.TEXT:
        if not isinstance(raw, str):
            raise ModelError(f"expected text, got {raw!r}")
        return ValueStatus.REPORTED, raw.strip(_BLANKS)
    if isinstance(raw, float | int | Decimal):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not number.is_finite():
            raise ModelError(f"expected a finite number, got {raw!r}")
        text = f"{number:f}"
        return ValueStatus.REPORTED, normalise_number(text, indicator)
    if not isinstance(raw, str):
        raise ModelError(f"expected a number or text, got {raw!r}")
    if indicator is None and raw in ("true", "false"):
        # What epireport's own CSV and DHIS2 exports write for flags.
        return ValueStatus.REPORTED, raw == "true"
    if indicator is None and not any(ch.isdigit() for ch in _fold(raw)):
        return ValueStatus.REPORTED, raw.strip(_BLANKS)
    return ValueStatus.REPORTED, normalise_number(raw, indicator)


def _boolean(raw: object, indicator: Indicator | None) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = _fold(raw).lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    about = f" for {indicator.code!r}" if indicator is not None else ""
    raise ModelError(f"expected 是 or 否 (true or false){about}, got {raw!r}")


# A day as people type it: 2020-02-01, 2020-2-1, 2020/2/1, 2020.2.1 or 2020年2月1日 (the
# separators must agree, so 2020-2/1 is refused rather than guessed at).
_DAY_TEXT: Final = (
    r"(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日?)"
)
_DAY: Final = re.compile(_DAY_TEXT)
_STAMP: Final = re.compile(
    _DAY_TEXT + r"(?:(?:\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


def _typed_day(match: re.Match[str], raw: object) -> dt.date:
    month = match.group("m") or match.group("cm")
    day = match.group("d") or match.group("cd")
    try:
        return dt.date(int(match.group("y")), int(month), int(day))
    except ValueError:
        raise ModelError(f"{raw!r} is not a date") from None


def normalise_period(raw: object) -> Period:
    """Read a period cell: a date (a day), a period id (``20200201``, ``202002``) or a typed day.

    A typed day is ``2020-02-01``, ``2020-2-1``, ``2020/2/1``, ``2020.2.1`` or ``2020年2月1日``
    (full-width digits too). A period id may name a longer period than a day; readers that
    need a day (forms) check the type.
    """
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time():
            raise ModelError(f"expected a day, got a date and time {raw.isoformat()}")
        return Period.day(raw.date())
    if isinstance(raw, dt.date):
        return Period.day(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not raw.strip(_BLANKS):
        raise ModelError(f"expected a period such as 20200201 or 2020-02-01, got {raw!r}")
    text = _fold(raw)
    match = _DAY.fullmatch(text)
    if match is not None:
        return Period.day(_typed_day(match, raw))
    return Period.parse(text)


def normalise_timestamp(raw: object) -> dt.datetime | None:
    """Read a submission time: ISO 8601 (DHIS2's ``+0000`` offsets too) or a typed date and time.

    A typed date and time is a day as :func:`normalise_period` reads it, then optionally a
    time: ``2020-02-02 08:30``, ``2020/2/2 8:30:15``, ``2020年2月2日 8:30``. A date alone
    means its midnight.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip(_BLANKS)):
        return None
    if isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time())
    if isinstance(raw, str):
        text = _fold(raw)
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        match = _STAMP.fullmatch(text)
        if match is not None:
            day = _typed_day(match, raw)
            hour, minute, second = (int(match.group(g) or 0) for g in ("H", "M", "S"))
            try:
                return dt.datetime.combine(day, dt.time(hour, minute, second))
            except ValueError:
                raise ModelError(f"{raw!r} is not a time of day") from None
    raise ModelError(f"expected a date and time such as 2020-02-01 18:30, got {raw!r}")


# ----------------------------------------------------------------------------------- mapping


def _code_map(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise ModelError(f"CodeMapping: expected a mapping of codes, got {value!r}")
    for key, code in value.items():
        check_code("CodeMapping key", key)
        check_code(f"CodeMapping[{key!r}]", code)
    return dict(value)


def _option_combos(value: object) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ModelError(
            f"CodeMapping.category_combos: expected a mapping of combo ids to lists of option "
            f"codes, got {value!r}"
        )
    combos: dict[str, tuple[str, ...]] = {}
    for key, options in value.items():
        check_code("CodeMapping.category_combos key", key)
        if isinstance(options, str) or not isinstance(options, Iterable):
            raise ModelError(
                f"CodeMapping.category_combos[{key!r}]: expected a list of option codes, "
                f"got {options!r}"
            )
        codes = tuple(options)
        if not codes:
            raise ModelError(f"CodeMapping.category_combos[{key!r}]: no option codes")
        for code in codes:
            check_code(f"CodeMapping.category_combos[{key!r}]", code)
        combos[key] = codes
    if len(set(combos.values())) != len(combos):
        raise ModelError(
            "CodeMapping.category_combos: two combos stand for the same options; export could "
            "not tell which to write"
        )
    return combos


def _combos(value: Iterable[str]) -> frozenset[str]:
    items = frozenset(value)
    for item in items:
        check_code("CodeMapping.default_combos", item)
    return items


@attrs.frozen
class CodeMapping:
    """Maps foreign codes (DHIS2 uids) to epireport codes, and back for export.

    ``data_elements`` maps a DHIS2 ``dataElement`` (or ``dataElement.categoryOptionCombo`` for
    one disaggregation) to an indicator code; ``org_units`` maps an ``orgUnit`` to a unit code.
    ``default_combos`` lists the category and attribute option combos that mean "no
    disaggregation" in the source system (DHIS2's ``default`` combo has a different uid in
    every instance). ``category_combos`` maps a ``categoryOptionCombo`` to the category
    option codes it stands for (one per category, in the indicator's category order): such a
    combo reads into a value's options and its options export back to it. Codes not listed
    pass through unchanged and are then checked against the institution, when one is given.
    """

    data_elements: Mapping[str, str] = attrs.field(factory=dict, converter=_code_map)
    org_units: Mapping[str, str] = attrs.field(factory=dict, converter=_code_map)
    default_combos: frozenset[str] = attrs.field(factory=frozenset, converter=_combos)
    category_combos: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_option_combos
    )

    def indicator(self, element: str, combo: str | None = None) -> str:
        """The indicator code of *element* (disaggregated by *combo*); raise if doubtful.

        A combo that is neither mapped with its element nor declared a default combo is a
        disaggregation epireport would have to sum or choose between: that is refused.
        """
        if combo is not None:
            specific = self.data_elements.get(f"{element}.{combo}")
            if specific is not None:
                return specific
            if combo not in self.default_combos:
                raise ModelError(
                    f"category option combo {combo!r} of data element {element!r} is not mapped "
                    f"(map '{element}.{combo}' to an indicator, or list {combo!r} under "
                    "default_combos if it means no disaggregation)"
                )
        return self.data_elements.get(element, element)

    def unit(self, code: str) -> str:
        """The unit code of a foreign org unit id (unchanged when not mapped)."""
        return self.org_units.get(code, code)

    def foreign_element(self, indicator: str) -> tuple[str, str | None]:
        """The ``(dataElement, categoryOptionCombo or None)`` an indicator exports as."""
        for key, code in self.data_elements.items():
            if code == indicator:
                element, _, combo = key.partition(".")
                return element, combo or None
        return indicator, None

    def foreign_unit(self, unit: str) -> str:
        """The foreign org unit id a unit exports as."""
        for key, code in self.org_units.items():
            if code == unit:
                return key
        return unit


_MAPPING_KEYS: Final = ("data_elements", "org_units", "default_combos", "category_combos")


def read_structured(path: str | os.PathLike[str]) -> Any:
    """Parse a YAML or JSON file (JSON by suffix) into Python data; InputError if unreadable."""
    from epireport.io._load import load_yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            [Problem(str(p), f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(str(p), f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"{p}: line {exc.lineno}, column {exc.colno}"
            raise InputError([Problem(where, f"invalid JSON: {exc.msg}")]) from None
    import yaml

    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise InputError([Problem(str(p), f"invalid YAML: {exc}")]) from None


def load_mapping(path: str | os.PathLike[str]) -> CodeMapping:
    """Read a mapping file (YAML or JSON) such as this one.

    ::

        data_elements: {f7n9E0hX8qk: leaflets, "eY5ehpbEsB7.bRowv6yZOF2": banners}
        org_units: {DiszpKrYNg8: D01}
        default_combos: [HllvX50cXC0]
        category_combos: {oPcWGgS2Liz: [teacher], rtfSaMjPyq6: [student]}

    Unknown keys and bad codes are reported together as one :class:`InputError`.
    """
    data = read_structured(path)
    where = str(path)
    if not isinstance(data, Mapping):
        raise InputError([Problem(f"{where}: $", "expected a mapping at the top")])
    problems = [
        Problem(f"{where}: $.{key}", f"unknown key (expected one of: {', '.join(_MAPPING_KEYS)})")
        for key in data
        if key not in _MAPPING_KEYS
    ]
    fields: dict[str, Any] = {}
    for key in ("data_elements", "org_units"):
        try:
            fields[key] = _code_map(data.get(key, {}))
        except ModelError as exc:
            problems.append(Problem(f"{where}: $.{key}", str(exc)))
    combos = data.get("default_combos", [])
    if not isinstance(combos, list) or not all(isinstance(c, str) for c in combos):
        problems.append(
            Problem(f"{where}: $.default_combos", f"expected a list of ids, got {combos!r}")
        )
    else:
        fields["default_combos"] = combos
    try:
        fields["category_combos"] = _option_combos(data.get("category_combos", {}))
    except ModelError as exc:
        problems.append(Problem(f"{where}: $.category_combos", str(exc)))
    if problems:
        raise InputError(problems, source=where)
    return CodeMapping(**fields)


def load_units(path: str | os.PathLike[str]) -> tuple[OrgUnit, ...]:
    """Read org units from YAML or JSON: a list, or a mapping with ``org_units`` (a report file).

    Each unit has the schema of ``org_units`` in report files (code, name, parent, level,
    opening, closing); the units must form a valid tree.
    """
    from epireport.io._convert import converter, problems_from
    from epireport.model._units import OrgTree

    data = read_structured(path)
    where = str(path)
    prefix: list[str | int] = []
    if isinstance(data, Mapping):
        data, prefix = data.get("org_units"), ["org_units"]
    if not isinstance(data, list):
        raise InputError([Problem(f"{where}: $", "expected a list of org units (or org_units:)")])
    try:
        units: tuple[OrgUnit, ...] = converter().structure(data, tuple[OrgUnit, ...])
    except Exception as exc:
        raise InputError(list(problems_from(exc, prefix, where)), source=where) from None
    try:
        OrgTree(units)
    except ModelError as exc:
        raise InputError([Problem(f"{where}: $", str(exc))]) from None
    return units


# ----------------------------------------------------------------------------------- batches


@attrs.frozen
class Batch:
    """What one input file holds: values with the row each came from, units, and problems.

    ``rows[i]`` locates ``values[i]`` within ``source`` (``sheet 社会宣传, row 12``).
    ``institution`` is the institution the file declares (a form does), if any. A batch with
    problems must not be stored: a file is ingested whole or not at all.

    ``scope`` lists the (indicator, unit, period) cells the file speaks for, filled or not: a
    re-sent form covers every cell of its rows, so a value stored from an earlier version of
    the form whose cell is now empty is withdrawn. Files that only list values (CSV, DHIS2)
    leave it empty and withdraw nothing. ``submitted_at`` is when the file was filled in (a
    form's latest 填报时间), which orders its withdrawals against other copies of it.
    """

    source: str
    values: Sequence[DataValue] = ()
    rows: Sequence[str] = ()
    units: tuple[OrgUnit, ...] = ()
    institution: str | None = None
    problems: tuple[Problem, ...] = ()
    scope: tuple[tuple[str, str, Period], ...] = ()
    submitted_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """Whether the file had no problem at all."""
        return not self.problems


_K = TypeVar("_K")
_V = TypeVar("_V")


def _remembered(cache: dict[_K, _V | str], key: _K, compute: Callable[[], _V]) -> _V:
    """``compute()`` once per *key*; a refusal is remembered as its message and raised anew.

    A file repeats its codes, days and small figures on every row: each is read once, and
    every row with a bad one still gets its own problem (a fresh error, so no traceback grows
    from row to row).
    """
    if key in cache:
        found = cache[key]
    else:
        try:
            found = compute()
        except ModelError as exc:
            found = str(exc)
        cache[key] = found
    if isinstance(found, str):
        raise ModelError(found)
    return found


#: How many distinct value texts a reader remembers (a bound on its memory, not on the file).
_VALUE_CACHE_SIZE: Final = 50_000
#: The period of a value built to check a figure alone (a check reads the figure, not when).
_ANY_DAY: Final = Period.parse("20200101")
#: The cells BatchBuilder.value remembers by (type, value): hashable, and equal only when alike.
_CACHED_CELLS: Final = frozenset({str, int, float, bool, Decimal, dt.datetime, dt.date})


def _first_two(item: tuple[int, int, Problem]) -> tuple[int, int]:
    return item[0], item[1]


class BatchBuilder:
    """Collects the values and problems of one file while a reader walks it.

    Resolves codes through the mapping, checks them against the institution, and refuses a
    second value for the same indicator, unit and period within one file.
    """

    def __init__(
        self,
        source: str,
        *,
        institution: Institution | None = None,
        mapping: CodeMapping | None = None,
    ) -> None:
        self.source = source
        self.institution = institution
        self.mapping = mapping or CodeMapping()
        self.declared_institution: str | None = None
        self.units: list[OrgUnit] = []
        #: The cells the file speaks for, filled or not (see Batch.scope); forms add theirs.
        self.scope: list[tuple[str, str, Period]] = []
        #: When the file was filled in, if it says (a form's latest 填报时间).
        self.submitted_at: dt.datetime | None = None
        self._values = ValueColumns()
        self._rows = RowLocations()
        # Each problem with the number of values read before it: the duplicates found at
        # build() take their place among them in reading order.
        self._problems: list[tuple[int, int, Problem]] = []
        self._indicators: dict[str, Indicator] = {}
        # What each distinct code, day and value text read as, or why not (see _remembered).
        self._indicator_cache: dict[tuple[str, str | None], tuple[str, Indicator | None] | str] = {}
        self._unit_cache: dict[str, tuple[str] | str] = {}
        self._period_cache: dict[str, Period | str] = {}
        self._value_cache: dict[
            tuple[type, object, str], tuple[ValueStatus, Value | None] | str
        ] = {}
        # Cells read well before, by their raw text, for quick_row: as the indexes of
        # self._values' tables (an indicator with its code and definition).
        self._quick_indicators: dict[str, tuple[int, str, Indicator | None]] = {}
        self._quick_units: dict[str, int] = {}
        self._quick_periods: dict[str, int] = {}
        self._quick_values: dict[tuple[str, str], int] = {}
        if institution is not None:
            for indicator_set in institution.indicator_sets:
                for indicator in indicator_set.indicators:
                    self._indicators[indicator.code] = indicator

    def quick_row(
        self, location: str | int, indicator: str, unit: str, period: str, value: str
    ) -> bool:
        """Add a plain row (four filled cells, no status or provenance) at once, if it is sound.

        *location* is where the row stands (a number *n* is ``row n``). The common row of a
        large file repeats codes, days and small figures read well before: it is added with
        a few lookups. Returns ``False`` without recording anything for any other row (a
        cell never read, a doubtful one): the caller then reads it in full with
        :func:`read_cells`, which records what is wrong where. A duplicate is reported when
        the batch is built, like any other.
        """
        values = self._values
        try:
            found = self._quick_indicators.get(indicator)
            if found is None:
                code = indicator.strip(_BLANKS)
                if not code or code[:1] == "'":
                    return False
                mapped, spec = self.indicator(code, None)
                found = self._quick_indicators[indicator] = (
                    values.indicator(mapped),
                    mapped,
                    spec,
                )
            unit_index = self._quick_units.get(unit)
            if unit_index is None:
                code = unit.strip(_BLANKS)
                if not code or code[:1] == "'":
                    return False
                unit_index = self._quick_units[unit] = values.unit(self.unit(code))
            period_index = self._quick_periods.get(period)
            if period_index is None:
                if period[:1] == "'":
                    return False
                period_index = self._quick_periods[period] = values.period(self.period(period))
            indicator_index, indicator_code, spec = found
            state = self._quick_values.get((value, indicator_code))
            if state is None:
                if not value.strip(_BLANKS) or value[:1] == "'":
                    return False
                if spec is None and self.institution is not None:
                    return False
                status, number = self.value(value, spec)
                if not (
                    number is None
                    or (
                        isinstance(number, int | Decimal)
                        and not (isinstance(number, Decimal) and not number.is_finite())
                    )
                ):
                    return False  # text and the like: read_cells builds it with every check
                state = values.state((status, number, "", None, "", ""))
                if len(self._quick_values) < _VALUE_CACHE_SIZE:
                    self._quick_values[(value, indicator_code)] = state
        except ModelError:
            return False
        values.append_plain(indicator_index, unit_index, period_index, state)
        if isinstance(location, int):
            self._rows.append_numbered("row ", location)
        else:
            self._rows.append(location)
        return True

    def quick_rows(
        self,
        rows: Iterator[list[str]],
        record: int,
        columns: tuple[int, int, int, int],
        width: int,
        options: int | None = None,
    ) -> tuple[int, list[str] | None]:
        """Add plain rows of *rows* (numbered from *record* + 1) while :meth:`quick_row` would.

        *columns* are the positions of the indicator, unit, period and value cells, *width*
        the number of cells of a plain row, *options* the position of an options cell that
        must be empty. Stops at the first row that is not plain or not sound, and returns its
        number and cells (``None`` at the end of *rows*) for the caller to read in full, as
        :meth:`quick_row` leaves it. A large file is mostly such rows: this loop keeps the
        caches and columns in locals, instead of a method call and attribute lookups a row.
        """
        first, second, third, fourth = columns
        indicators_get = self._quick_indicators.get
        units_get = self._quick_units.get
        periods_get = self._quick_periods.get
        values_get = self._quick_values.get
        indicators, units, periods, states = (array("I") for _ in range(4))
        numbers = array("q")
        add_indicator, add_unit, add_period, add_state, add_number = (
            indicators.append,
            units.append,
            periods.append,
            states.append,
            numbers.append,
        )
        stopped: list[str] | None = None
        for cells in rows:
            record += 1
            if len(cells) != width or (options is not None and cells[options]):
                stopped = cells
                break
            indicator, unit, period, value = (
                cells[first],
                cells[second],
                cells[third],
                cells[fourth],
            )
            found = indicators_get(indicator)
            unit_index = units_get(unit)
            period_index = periods_get(period)
            state = values_get((value, found[1])) if found is not None else None
            if found is None or unit_index is None or period_index is None or state is None:
                # A cell not read before: read by quick_row (which remembers it), in order.
                self._flush_quick(indicators, units, periods, states, numbers)
                if not self.quick_row(record, indicator, unit, period, value):
                    stopped = cells
                    break
                continue
            add_indicator(found[0])
            add_unit(unit_index)
            add_period(period_index)
            add_state(state)
            add_number(record)
        self._flush_quick(indicators, units, periods, states, numbers)
        return record, stopped

    def _flush_quick(
        self,
        indicators: array[int],
        units: array[int],
        periods: array[int],
        states: array[int],
        numbers: array[int],
    ) -> None:
        """Move the rows :meth:`quick_rows` gathered into the batch, and empty the arrays."""
        if not indicators:
            return
        self._values.extend_plain(indicators, units, periods, states)
        self._rows.extend_numbered("row ", numbers)
        for gathered in (indicators, units, periods, states, numbers):
            del gathered[:]

    def where(self, location: str) -> str:
        """``source: location`` (or the source alone)."""
        return f"{self.source}: {location}" if location else self.source

    def problem(self, location: str, message: str) -> None:
        """Record a problem at *location* within the source."""
        self._problems.append((len(self._values), 0, Problem(self.where(location), message)))

    @property
    def has_problems(self) -> bool:
        """Whether any problem was recorded."""
        return bool(self._problems)

    def indicator(self, code: str, combo: str | None = None) -> tuple[str, Indicator | None]:
        """Map *code* and find its indicator; raise :class:`ModelError` if unknown."""
        return _remembered(
            self._indicator_cache, (code, combo), lambda: self._indicator(code, combo)
        )

    def _indicator(self, code: str, combo: str | None) -> tuple[str, Indicator | None]:
        mapped = self.mapping.indicator(code, combo)
        check_code("indicator", mapped)
        if self.institution is None:
            return mapped, None
        found = self._indicators.get(mapped)
        if found is None:
            shown = f"{code!r}" if mapped == code else f"{code!r} (mapped to {mapped!r})"
            raise ModelError(
                f"unknown indicator {shown} for {self.institution.code} "
                f"(known: {', '.join(self._indicators) or 'none'})"
            )
        if found.is_computed:
            raise ModelError(
                f"{found.code!r} ({found.name}) is a {found.kind.value} computed from "
                f"{found.numerator!r} and {found.denominator!r}; report those instead"
            )
        return mapped, found

    def unit(self, code: str) -> str:
        """Map a unit code; raise :class:`ModelError` if it is not a usable code."""

        def mapped() -> tuple[str]:
            unit = self.mapping.unit(code)
            check_code("unit", unit)
            return (unit,)  # a tuple, since a remembered str is a refusal

        return _remembered(self._unit_cache, code, mapped)[0]

    def period(self, raw: object) -> Period:
        """Read a period cell (see :func:`normalise_period`), each distinct text once."""
        if not isinstance(raw, str):
            return normalise_period(raw)
        return _remembered(self._period_cache, raw, lambda: normalise_period(raw))

    def value(self, raw: object, indicator: Indicator | None) -> tuple[ValueStatus, Value | None]:
        """Read a value cell for *indicator* (see :func:`normalise_value`) and check it fits.

        Raises :class:`ModelError` for a cell that does not read, or does not fit the
        indicator (:meth:`DataValue.check_against`). Each distinct cell is read once: a text,
        a number or a date (told apart by type, since ``1 == 1.0 == True``).
        """

        def read() -> tuple[ValueStatus, Value | None]:
            found = normalise_value(raw, indicator)
            if indicator is not None:
                DataValue(indicator.code, "_", _ANY_DAY, found[0], found[1]).check_against(
                    indicator
                )
            return found

        if type(raw) not in _CACHED_CELLS or len(self._value_cache) > _VALUE_CACHE_SIZE:
            return read()
        key = (type(raw), raw, indicator.code if indicator is not None else "")
        return _remembered(self._value_cache, key, read)

    def add(
        self,
        value: DataValue,
        row: str,
        indicator: Indicator | None = None,
        *,
        checked: bool = False,
    ) -> bool:
        """Record *value* read at *row*, checking it fits *indicator* and is not a duplicate.

        *checked* says the value was read by :meth:`value` for *indicator*, which checked it.
        """
        if indicator is not None and not checked:
            try:
                value.check_against(indicator)
            except ModelError as exc:
                self.problem(row, str(exc))
                return False
        self._values.append(value)
        self._rows.append(row)
        return True

    def add_read(
        self,
        indicator: str,
        unit: str,
        period: Period,
        state: State,
        location: tuple[str, int, str],
    ) -> None:
        """Record a value whose parts this builder read and checked, without building it.

        *indicator* and *unit* come from :meth:`indicator` and :meth:`unit`, the status and
        figure of *state* (status, value, qualifier, submitted_at, submitted_by, comment) from
        :meth:`value` for that indicator; *location* is (``"sheet 表, row "``, 12,
        ``", column D"``). For readers of large files; :meth:`add` checks everything.
        """
        self.add_read_row(unit, period, [(indicator, state, location)])

    def add_read_row(
        self,
        unit: str,
        period: Period,
        figures: Sequence[tuple[str, State, tuple[str, int, str]]],
    ) -> None:
        """:meth:`add_read` for the figures of one row: (indicator, state, location) each.

        The unit and the period are looked up once for the row.
        """
        values = self._values
        unit_index = values.unit(unit)
        period_index = values.period(period)
        append_parts = self._rows.append_parts
        for indicator, state, location in figures:
            values.append_plain(
                values.indicator(indicator), unit_index, period_index, values.state(state)
            )
            append_parts(*location)

    def _refuse_duplicates(self) -> None:
        """Report (and drop) every value after the first for the same key.

        Found by one number per value (see :meth:`ValueColumns.keys`) once the file is read,
        instead of a dictionary of a million keys held while reading.
        """
        values = self._values
        if not values.may_repeat():
            return
        keys = values.keys()
        first: dict[int, int] = {}
        kept: list[int] = []
        for index, key in enumerate(keys):
            earlier = first.get(key)
            if earlier is None:
                first[key] = index
                kept.append(index)
                continue
            value = values[index]
            message = (
                f"a second value for {value.series!r}, unit {value.unit!r}, period "
                f"{value.period} (first at {self._rows[earlier]}); corrections belong in a "
                "later file"
            )
            self._problems.append((index, 1, Problem(self.where(self._rows[index]), message)))
        self._values, self._rows = values.keep(kept), self._rows.keep(kept)

    def build(self) -> Batch:
        """The batch read so far (a second value for a key is reported here)."""
        self._refuse_duplicates()
        return Batch(
            source=self.source,
            values=self._values,
            rows=self._rows,
            units=tuple(self.units),
            institution=self.declared_institution
            or (self.institution.code if self.institution is not None else None),
            problems=tuple(p for _, _, p in sorted(self._problems, key=_first_two)),
            scope=tuple(self.scope),
            submitted_at=self.submitted_at,
        )


def read_cells(
    builder: BatchBuilder,
    location: str,
    *,
    indicator: object,
    unit: object,
    period: object,
    value: object,
    status: object = None,
    submitted_at: object = None,
    submitted_by: object = None,
    comment: object = None,
    columns: Mapping[str, str] | Callable[[str], str] | None = None,
    combo: str | None = None,
    options: object = None,
) -> bool:
    """Read one long-form row into *builder*, recording each defect at its column.

    *location* is the row (``row 12``); *columns* names the column of each field for messages
    (``{"value": "D"}`` gives ``row 12, column D``), or is a function from a field name to a
    full location. An empty value needs a status (``missing`` for a declared gap). *options*
    are the category option codes of the figure (``wuhan,teacher``, or a sequence of codes;
    empty: the indicator's total), put in the indicator's category order when the institution
    is known. A hedged figure (``480余``, ``约500``) is read as an approximate value. Returns
    whether the row was accepted.
    """
    if callable(columns):
        at: Callable[[str], str] = columns
    else:
        cols = columns or {}

        def at(field: str) -> str:
            column = cols.get(field)
            return f"{location}, column {column}" if column else location

    ok = True
    found: Indicator | None = None
    indicator_code = unit_code = ""
    the_period: Period | None = None
    try:
        if not isinstance(indicator, str) or not indicator.strip(_BLANKS):
            raise ModelError(f"expected an indicator code, got {indicator!r}")
        indicator_code, found = builder.indicator(indicator.strip(_BLANKS), combo)
    except ModelError as exc:
        builder.problem(at("indicator"), str(exc))
        ok = False
    try:
        if not isinstance(unit, str) or not unit.strip(_BLANKS):
            raise ModelError(f"expected an org unit code, got {unit!r}")
        unit_code = builder.unit(unit.strip(_BLANKS))
    except ModelError as exc:
        builder.problem(at("unit"), str(exc))
        ok = False
    try:
        the_period = builder.period(period)
    except ModelError as exc:
        builder.problem(at("period"), str(exc))
        ok = False
    the_options: tuple[str, ...] = ()
    if options is not None and options != "" and options != ():
        try:
            the_options = _read_options(options, found)
        except ModelError as exc:
            builder.problem(at("options"), str(exc))
            ok = False
    declared: ValueStatus | None = None
    if status is not None and not (isinstance(status, str) and not status.strip(_BLANKS)):
        text = _fold(str(status)).lower()
        declared = STATUS_WORDS.get(text) or next((s for s in ValueStatus if s.value == text), None)
        if declared is None:
            allowed = ", ".join(s.value for s in ValueStatus)
            builder.problem(at("status"), f"expected one of {allowed}, got {status!r}")
            ok = False
    blank = value is None or (isinstance(value, str) and not value.strip(_BLANKS))
    the_status: ValueStatus | None = None
    the_value: Value | None = None
    qualifier = ""
    if blank:
        if declared is None:
            if ok:
                builder.problem(
                    at("value"),
                    "empty value: write a number, 零报告 or 不适用, or set status to missing",
                )
            ok = False
        elif declared is ValueStatus.REPORTED:
            builder.problem(at("value"), "status reported, but the value is empty")
            ok = False
        else:
            the_status = declared
    else:
        if found is not None or builder.institution is None:
            # With an institution but an unknown indicator, the value cannot be judged.
            try:
                the_status, the_value = builder.value(value, found)
            except ModelError as exc:
                approximate = approximate_value(_fold(value)) if isinstance(value, str) else None
                if approximate is not None and approximate[1]:
                    the_status = ValueStatus.REPORTED
                    the_value, qualifier = approximate
                else:
                    builder.problem(at("value"), str(exc))
                    ok = False
        if the_status is not None and declared is not None and declared is not the_status:
            builder.problem(
                at("status"), f"status {declared.value!r} contradicts the value {value!r}"
            )
            ok = False
    when: dt.datetime | None = None
    try:
        when = normalise_timestamp(submitted_at)
    except ModelError as exc:
        builder.problem(at("submitted_at"), str(exc))
        ok = False
    texts: dict[str, str] = {}
    for field, raw in (("submitted_by", submitted_by), ("comment", comment)):
        if raw is None:
            texts[field] = ""
        elif isinstance(raw, str):
            texts[field] = raw.strip(_BLANKS)
        else:
            builder.problem(at(field), f"expected text, got {raw!r}")
            ok = False
    if not ok or the_status is None or the_period is None:
        return False
    if (
        not the_options
        and not qualifier
        and (
            the_value is None
            or (
                isinstance(the_value, int | Decimal)
                and not (isinstance(the_value, Decimal) and not the_value.is_finite())
            )
        )
    ):
        # Every field was checked as it was read (codes, day, status, number): skip the
        # constructor's checks, which would repeat them for each of a file's values.
        data_value = DataValue._trusted(
            indicator_code,
            unit_code,
            the_period,
            the_status,
            the_value,
            when,
            texts["submitted_by"],
            texts["comment"],
        )
        return builder.add(data_value, location, found, checked=found is not None)
    try:
        data_value = DataValue(
            indicator_code,
            unit_code,
            the_period,
            the_status,
            the_value,
            submitted_at=when,
            submitted_by=texts["submitted_by"],
            comment=texts["comment"],
            options=the_options,
            qualifier=qualifier,
        )
    except ModelError as exc:
        builder.problem(at("value"), str(exc))
        return False
    # An approximate figure is checked against the indicator as built (value.check_against).
    return builder.add(data_value, location, found, checked=found is not None and not qualifier)


def _read_options(raw: object, indicator: Indicator | None) -> tuple[str, ...]:
    """Category option codes from a cell (``wuhan,teacher``) or a sequence of codes.

    With the indicator, each must be one of its categories' options (the message names
    them) and they come back in its category order; without it, each must be a code.
    """
    if isinstance(raw, str):
        codes = [c.strip(_BLANKS) for c in _fold(raw).split(",")]
    elif isinstance(raw, list | tuple) and all(isinstance(c, str) for c in raw):
        codes = [c.strip(_BLANKS) for c in raw]
    else:
        raise ModelError(f"expected category option codes such as wuhan,teacher, got {raw!r}")
    if not all(codes):
        raise ModelError(f"an empty option code in {raw!r}; separate option codes by commas")
    if len(set(codes)) != len(codes):
        raise ModelError(f"an option is listed twice in {raw!r}")
    for code in codes:
        check_code("option", code)
    if indicator is None:
        return tuple(codes)
    return indicator.canonical_options(codes)

"""The one cattrs converter of epireport, and the translation of its errors into problems.

Every file format goes through :func:`converter`: unknown keys are forbidden everywhere, and
every failure becomes a :class:`~epireport.exceptions.Problem` with a ``$.a.b[3].c`` path.
attrs validators raise :class:`~epireport.exceptions.ModelError`, whose message is kept as is
(cattrs would otherwise reduce it to "invalid value").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Final

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_unstructure_fn

from epireport.exceptions import ModelError, Problem
from epireport.model._measures import Frequency, Measure
from epireport.model._periods import Period
from epireport.model._units import OrgUnit
from epireport.model._values import DataValue, ValueStatus

__all__ = [
    "approximate_value",
    "converter",
    "describe_type",
    "problems_from",
    "structure_value",
]

#: Words accepted for the statuses that are not a number, in files and forms.
STATUS_WORDS: dict[str, ValueStatus] = {
    "零报告": ValueStatus.ZERO_REPORT,
    "zero_report": ValueStatus.ZERO_REPORT,
    "zero-report": ValueStatus.ZERO_REPORT,
    "不适用": ValueStatus.NOT_APPLICABLE,
    "not_applicable": ValueStatus.NOT_APPLICABLE,
    "n/a": ValueStatus.NOT_APPLICABLE,
    "缺报": ValueStatus.MISSING,
    "missing": ValueStatus.MISSING,
}

_VALUE_META_KEYS = ("value", "status", "submitted_at", "submitted_by", "comment")
_ROW_KEYS = ("indicator", "unit", "period", "options", *_VALUE_META_KEYS)


def _type_error(expected: str, got: object) -> ModelError:
    return ModelError(f"expected {expected}, got {got!r}")


#: The named stages a bare stage name (``第一阶段``) means while a file is read: the plugins'
#: ``epireport_register_stages``, set by :func:`known_stages` around one load. A context
#: variable because the converter is shared and its hooks take no extra arguments.
_STAGES: ContextVar[Mapping[str, Period]] = ContextVar(
    "epireport_stages", default=MappingProxyType({})
)


@contextlib.contextmanager
def known_stages(stages: Mapping[str, Period]) -> Iterator[None]:
    """Let periods written as a registered stage's bare name resolve to that stage."""
    token = _STAGES.set(stages)
    try:
        yield
    finally:
        _STAGES.reset(token)


def resolve_period(text: str, stages: Mapping[str, Period] | None = None) -> Period:
    """Parse a period id, or a bare stage name among *stages* (default: :func:`known_stages`)."""
    try:
        return Period.parse(text)
    except ModelError:
        stage = (_STAGES.get() if stages is None else stages).get(text.strip())
        if stage is None:
            raise
        return stage


def _structure_period(value: Any, _: type) -> Period:
    if isinstance(value, Period):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _type_error("a period id such as 20200201, 202002 or 2020-01-23/2020-02-29", value)
    return resolve_period(str(value))


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _type_error("a date such as 2020-01-23", value)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise _type_error("a date such as 2020-01-23", value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _type_error("a date such as 2020-01-23", value) from None


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date) or not isinstance(value, str):
        raise _type_error("a date and time such as 2020-02-01T18:30:00", value)
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise _type_error("a date and time such as 2020-02-01T18:30:00", value) from None


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool):
        raise _type_error("a number", value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
    raise _type_error("a number", value)


def _structure_str(value: Any, _: type) -> str:
    # cattrs would happily turn 12 into "12"; a code or a name given as a number is a mistake.
    if not isinstance(value, str):
        raise _type_error("text", value)
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error("an integer", value)
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise _type_error("true or false", value)
    return value


def _structure_frequency(value: Any, _: type) -> Frequency:
    if isinstance(value, Frequency):
        return value
    if not isinstance(value, str):
        raise _type_error("a frequency such as 2/day", value)
    return Frequency.parse(value)


def structure_value(raw: Any) -> tuple[ValueStatus, int | Decimal | bool | str | None]:
    """Read the ``value`` of an input: a number, a status word, ``null`` (missing) or text.

    Text stays text here; whether it fits the indicator is checked against the institution.
    """
    if raw is None:
        return ValueStatus.MISSING, None
    if isinstance(raw, bool | int | Decimal):
        return ValueStatus.REPORTED, raw
    if isinstance(raw, float):
        return ValueStatus.REPORTED, Decimal(repr(raw))
    if isinstance(raw, str):
        status = STATUS_WORDS.get(raw.strip().lower())
        if status is not None:
            return status, None
        return ValueStatus.REPORTED, raw
    raise _type_error("a number, 零报告, 不适用, null or text", raw)


def _structure_options(value: Any) -> tuple[str, ...]:
    """Read a value's category options: one option code, or a list of them (one per category)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _type_error("a category option code, or a list of them", value)


_APPROXIMATE: Final = re.compile(
    r"(?P<prefix>[约近])?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<pre>[余多])?\s*(?P<unit>[万亿])?"
    r"\s*(?P<hedge>[余多])?"
)
_UNIT_SCALE: Final = {None: 1, "万": 10_000, "亿": 100_000_000}


def approximate_value(text: str) -> tuple[int | Decimal, str] | None:
    """Read an approximate figure: ``480余``, ``约500``, ``300多``, ``3.2万余``, ``30余万``.

    Returns the number and its qualifier (约, 近, 余 or 多; see
    :data:`~epireport.model.QUALIFIERS`), or ``None`` when *text* is not such a figure. A
    bare number with 万 or 亿 (``3.2万``) is exact. One qualifier at most: ``约3万余`` is not a
    figure.
    """
    match = _APPROXIMATE.fullmatch(text.strip())
    if match is None:
        return None
    marks = [m for m in (match["prefix"], match["pre"], match["hedge"]) if m]
    if len(marks) > 1 or (not marks and not match["unit"]):
        return None
    if match["pre"] and match["unit"] and "." in match["num"]:
        return None  # 余 before the unit needs a whole number: 30余万, never 3.2余万
    number = Decimal(match["num"]) * _UNIT_SCALE[match["unit"]]
    value: int | Decimal = int(number) if number == number.to_integral_value() else number
    return value, marks[0] if marks else ""


def _structure_data_value(raw: Any, _: type) -> DataValue:
    if not isinstance(raw, dict):
        raise _type_error("a mapping with indicator, unit, period and value", raw)
    return _data_value_from_row(raw, defaults={})


def _data_value_from_row(raw: dict[str, Any], defaults: dict[str, Any]) -> DataValue:
    """Build a DataValue from a row; ``defaults`` supplies unit/period for the short form."""
    c = converter()
    allowed = _VALUE_META_KEYS if defaults else _ROW_KEYS
    extra = sorted(set(raw) - set(allowed))
    errors: list[Exception] = []
    if extra:
        errors.append(ForbiddenExtraKeysError("", DataValue, set(extra)))
    fields: dict[str, Any] = dict(defaults)
    readers: dict[str, Callable[[Any], Any]] = {
        "indicator": lambda v: _structure_str(v, str),
        "unit": lambda v: _structure_str(v, str),
        "period": lambda v: _structure_period(v, Period),
        "submitted_at": lambda v: _structure_datetime(v, dt.datetime),
        "submitted_by": lambda v: _structure_str(v, str),
        "comment": lambda v: _structure_str(v, str),
        "options": _structure_options,
    }
    for key, read in readers.items():
        required = key in ("indicator", "unit", "period") and key in allowed
        if key in raw and key in allowed:
            try:
                fields[key] = read(raw[key])
            except (ModelError, ValueError, TypeError) as exc:
                errors.append(_noted(exc, key))
        elif required:
            errors.append(_noted(KeyError(key), key))
    from_value: ValueStatus | None = None
    value: Any = None
    if "value" in raw:
        try:
            from_value, value = structure_value(raw["value"])
        except ModelError as exc:
            _note(exc, "value")
            errors.append(exc)
    declared: ValueStatus | None = None
    if "status" in raw:
        try:
            declared = c.structure(raw["status"], ValueStatus)
        except Exception as exc:
            _note(exc, "status")
            errors.append(exc)
    qualifier = ""
    if isinstance(value, str) and from_value is ValueStatus.REPORTED:
        approximate = approximate_value(value)
        if approximate is not None:
            value, qualifier = approximate
    status = declared or from_value
    if "value" not in raw and "status" not in raw:
        errors.append(
            _noted(
                ModelError("expected a value: a number, 零报告, 不适用, or null for missing"),
                "value",
            )
        )
    elif (
        declared is not None
        and from_value is not None
        and declared is not from_value
        # `value: null, status: zero_report` is how a dump writes a zero-report; any other
        # disagreement between the two is a contradiction we refuse to guess about.
        and not (from_value is ValueStatus.MISSING and value is None)
    ):
        errors.append(
            _noted(
                ModelError(f"status {declared.value!r} contradicts value {raw['value']!r}"),
                "status",
            )
        )
    if errors:
        raise ClassValidationError("while structuring DataValue", errors, DataValue)
    return DataValue(
        status=status or ValueStatus.MISSING, value=value, qualifier=qualifier, **fields
    )


class _Note(str):
    """A path segment attached to an exception (the same idea as cattrs' notes)."""

    segment: str | int

    def __new__(cls, segment: str | int) -> _Note:
        note = super().__new__(cls, f"Structuring {segment}")
        note.segment = segment
        return note


def _note(exc: BaseException, segment: str | int) -> None:
    exc.add_note(_Note(segment))


def _noted(exc: Exception, segment: str | int) -> Exception:
    _note(exc, segment)
    return exc


def _unstructure_decimal(value: Decimal) -> int | float | str:
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    # Files keep numbers as numbers; a decimal that a float cannot carry exactly stays text
    # only in the unusual case of more than 15 significant digits.
    return as_float if Decimal(repr(as_float)) == value else str(value)


def _unstructure_data_value(value: DataValue) -> dict[str, Any]:
    row: dict[str, Any] = {
        "indicator": value.indicator,
        "unit": value.unit,
        "period": str(value.period),
    }
    if value.status is ValueStatus.REPORTED and value.qualifier:
        row["value"] = value.stated  # 480余, 约500: read back as stated
    elif value.status is ValueStatus.REPORTED:
        v = value.value
        row["value"] = _unstructure_decimal(v) if isinstance(v, Decimal) else v
    elif value.status is ValueStatus.MISSING:
        row["value"] = None
    else:
        row["value"] = None
        row["status"] = value.status.value
    if value.submitted_at is not None:
        row["submitted_at"] = value.submitted_at.isoformat()
    if value.submitted_by:
        row["submitted_by"] = value.submitted_by
    if value.comment:
        row["comment"] = value.comment
    if value.options:
        row["options"] = list(value.options)
    return row


@functools.cache
def converter() -> cattrs.Converter:
    """The converter every loader uses: strict types, unknown keys forbidden.

    Built once on first use (cattrs generates code per class, which is worth caching) and never
    at import time, so ``import epireport`` stays light.
    """
    c = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    c.register_structure_hook(Period, _structure_period)
    c.register_structure_hook(dt.datetime, _structure_datetime)
    c.register_structure_hook(dt.date, _structure_date)
    c.register_structure_hook(Decimal, _structure_decimal)
    c.register_structure_hook(str, _structure_str)
    c.register_structure_hook(int, _structure_int)
    c.register_structure_hook(bool, _structure_bool)
    c.register_structure_hook(Frequency, _structure_frequency)
    c.register_structure_hook(DataValue, _structure_data_value)

    c.register_unstructure_hook(Period, str)
    c.register_unstructure_hook(dt.date, dt.date.isoformat)
    c.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    c.register_unstructure_hook(Decimal, _unstructure_decimal)
    c.register_unstructure_hook(Frequency, str)
    c.register_unstructure_hook(DataValue, _unstructure_data_value)
    for cls in (OrgUnit, Measure):
        c.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, c, _cattrs_omit_if_default=True)
        )
    return c


def _segments(exc: BaseException) -> list[str | int]:
    out: list[str | int] = []
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, _Note):
            out.append(note.segment)
        elif isinstance(note, AttributeValidationNote):
            out.append(note.name)
        elif isinstance(note, IterableValidationNote):
            out.append(note.index)
    return out


def format_path(segments: list[str | int]) -> str:
    """``["values", 3, "period"]`` -> ``$.values[3].period``."""
    path = "$"
    for seg in segments:
        path += f"[{seg}]" if isinstance(seg, int) else f".{seg}"
    return path


def describe_type(tp: Any) -> str:
    """A reader's name for a type in messages ("text", "an integer", "a list")."""
    names = {str: "text", int: "an integer", bool: "true or false", float: "a number"}
    if tp in names:
        return names[tp]
    origin = getattr(tp, "__origin__", None)
    if origin in (tuple, list):
        return "a list"
    if origin is dict:
        return "a mapping"
    return f"a {getattr(tp, '__name__', str(tp))}"


def problems_from(exc: BaseException, prefix: list[str | int], location: str) -> Iterator[Problem]:
    """Flatten a (possibly nested) cattrs/attrs failure into located problems."""
    if isinstance(exc, ClassValidationError | IterableValidationError | ExceptionGroup):
        for sub in exc.exceptions:
            yield from problems_from(sub, prefix + _segments(sub), location)
        return
    where = f"{location}: {format_path(prefix)}" if location else format_path(prefix)
    if isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            path = format_path([*prefix, key])
            yield Problem(
                f"{location}: {path}" if location else path,
                "unknown key (not part of the schema; check the spelling)",
            )
        return
    if isinstance(exc, KeyError):
        yield Problem(where, "required key is missing")
        return
    message = str(exc) if isinstance(exc, ModelError) else _describe_cattrs(exc)
    yield Problem(where, message)


def _describe_cattrs(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, TypeError | ValueError) and text:
        return text
    return f"invalid value ({type(exc).__name__}: {text})"

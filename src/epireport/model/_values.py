"""Data values: one figure of one indicator for one org unit and one period.

A value is a number (or a flag, or a text), an explicit zero-report (零报告), not applicable, or
missing: four states that are never confused. Only :attr:`DataValue.numeric` turns a zero-report
into 0, and nothing ever turns a missing value into one.
"""

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from epireport.exceptions import ModelError
from epireport.model._indicators import DEFAULT_MAXIMUM, Indicator, ValueType
from epireport.model._periods import Period
from epireport.model._units import check_code

__all__ = ["QUALIFIERS", "DataValue", "Value", "ValueStatus"]

#: How a reported figure may be stated when the office has no exact count (GB/T 15835):
#: ``约`` about (约500), ``近`` nearly, an upper bound (近500), ``余`` and ``多`` more than, a
#: lower bound (480余, 300多); ``""`` is exact, the default.
QUALIFIERS: Final = ("", "约", "近", "余", "多")

Value = int | Decimal | bool | str
"""What a reported value may be: an integer, a decimal, a flag or a text (never a float)."""


class ValueStatus(enum.Enum):
    """The state of a data value: reported, zero-report (零报告), not applicable, or missing."""

    REPORTED = "reported"
    ZERO_REPORT = "zero_report"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"

    @property
    def is_submitted(self) -> bool:
        """Whether the unit did submit something (a value or an explicit zero-report)."""
        return self in (ValueStatus.REPORTED, ValueStatus.ZERO_REPORT)


def _to_value(value: int | float | Decimal | bool | str | None) -> Value | None:
    # Binary floats never enter the model: 0.1 becomes Decimal("0.1"), through its shortest repr.
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def _validate_code(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_code(f"DataValue.{attribute.name}", value)


def _validate_status(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, ValueStatus):
        raise ModelError(
            "DataValue.status: expected reported, zero_report, not_applicable or missing, "
            f"got {value!r}"
        )


def _validate_period(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, Period):
        raise ModelError(f"DataValue.period: expected a Period, got {value!r}")


def _validate_submitted_at(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and not isinstance(value, datetime):
        raise ModelError(f"DataValue.submitted_at: expected a datetime or None, got {value!r}")


def _validate_text(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(f"DataValue.{attribute.name}: expected a string, got {value!r}")


def _to_options(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _validate_options(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    for code in value:
        check_code("DataValue.options", code)
    if len(set(value)) != len(value):
        raise ModelError(f"DataValue.options: an option is listed twice in {list(value)}")


@attrs.frozen
class DataValue:
    """One figure: *indicator* for org *unit* over *period*, in one of four states.

    ``value`` is set if and only if ``status`` is ``REPORTED``: a zero-report carries no value
    (it is not a reported 0, though :attr:`numeric` reads both as 0). Floats are stored as
    :class:`~decimal.Decimal` through their string form; ``bool`` is a flag, not a number.
    ``submitted_at``, ``submitted_by`` and ``comment`` record provenance. A reported number
    may be approximate: ``qualifier`` is 约, 近, 余 or 多 as the unit stated it (480余 is the
    value 480 with 余; see :data:`QUALIFIERS`), exact by default. ``options`` are the
    category options the figure is about (武汉 of 来源地; none: the indicator's total), in the
    indicator's category order (see :meth:`~epireport.model.Indicator.canonical_options`).
    """

    indicator: str = attrs.field(validator=_validate_code)
    unit: str = attrs.field(validator=_validate_code)
    period: Period = attrs.field(validator=_validate_period)
    status: ValueStatus = attrs.field(validator=_validate_status)
    value: Value | None = attrs.field(default=None, converter=_to_value)
    submitted_at: datetime | None = attrs.field(default=None, validator=_validate_submitted_at)
    submitted_by: str = attrs.field(default="", validator=_validate_text)
    comment: str = attrs.field(default="", validator=_validate_text)
    options: tuple[str, ...] = attrs.field(
        default=(), converter=_to_options, validator=_validate_options, kw_only=True
    )
    qualifier: str = attrs.field(default="", kw_only=True)

    @qualifier.validator
    def _check_qualifier(self, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value not in QUALIFIERS:
            raise ModelError(
                f"DataValue.qualifier: expected one of 约, 近, 余, 多 or '' (exact), got {value!r}"
            )
        if value and (
            self.status is not ValueStatus.REPORTED
            or isinstance(self.value, bool)
            or not isinstance(self.value, int | Decimal)
        ):
            raise ModelError(
                f"DataValue.qualifier: only a reported number can be approximate ({value}), "
                f"got a {self.status.value} value {self.value!r} "
                f"({self.indicator!r}, {self.unit!r}, {self.period})"
            )

    @value.validator
    def _check_value(self, attribute: "attrs.Attribute[Any]", value: object) -> None:
        where = f"({self.indicator!r}, {self.unit!r}, {self.period})"
        if self.status is not ValueStatus.REPORTED:
            if value is not None:
                raise ModelError(
                    f"DataValue.value: a {self.status.value} value has no value, got {value!r} "
                    f"{where}"
                )
            return
        if value is None:
            raise ModelError(
                f"DataValue.value: a reported value needs a value, got None {where}; "
                "use a zero-report, not applicable or missing instead"
            )
        if not isinstance(value, int | Decimal | str):  # bool is an int
            raise ModelError(
                f"DataValue.value: expected an int, Decimal, bool or str, got {value!r} {where}"
            )
        if isinstance(value, Decimal) and not value.is_finite():
            raise ModelError(f"DataValue.value: expected a finite number, got {value!r} {where}")
        if isinstance(value, str) and not value.strip():
            raise ModelError(
                f"DataValue.value: a reported text must not be blank, got {value!r} {where}"
            )

    @classmethod
    def _trusted(
        cls,
        indicator: str,
        unit: str,
        period: Period,
        status: ValueStatus,
        value: Value | None,
        submitted_at: datetime | None,
        submitted_by: str,
        comment: str,
        options: tuple[str, ...] = (),
        qualifier: str = "",
    ) -> "DataValue":
        """Build a value from fields a reader has already checked, without checking them again.

        For readers only (a million rows pay for each check once per distinct code, day and
        text, not once per value): every field must be what the validators would accept.
        """
        self = object.__new__(cls)
        set_field = object.__setattr__
        set_field(self, "indicator", indicator)
        set_field(self, "unit", unit)
        set_field(self, "period", period)
        set_field(self, "status", status)
        set_field(self, "value", value)
        set_field(self, "submitted_at", submitted_at)
        set_field(self, "submitted_by", submitted_by)
        set_field(self, "comment", comment)
        set_field(self, "options", options)
        set_field(self, "qualifier", qualifier)
        return self

    @classmethod
    def reported(
        cls,
        indicator: str,
        unit: str,
        period: Period,
        value: int | float | Decimal | bool | str,
        *,
        submitted_at: datetime | None = None,
        submitted_by: str = "",
        comment: str = "",
        options: Iterable[str] = (),
        qualifier: str = "",
    ) -> "DataValue":
        """Build a reported value (a float is stored as the Decimal of its string form).

        *qualifier* states an approximate figure: ``DataValue.reported(..., 480, qualifier="余")``
        is 480余 (see :data:`QUALIFIERS`).
        """
        return cls(
            indicator,
            unit,
            period,
            ValueStatus.REPORTED,
            value,
            submitted_at=submitted_at,
            submitted_by=submitted_by,
            comment=comment,
            options=tuple(options),
            qualifier=qualifier,
        )

    @classmethod
    def zero_report(
        cls,
        indicator: str,
        unit: str,
        period: Period,
        *,
        submitted_at: datetime | None = None,
        submitted_by: str = "",
        comment: str = "",
        options: Iterable[str] = (),
    ) -> "DataValue":
        """Build an explicit zero-report (零报告): the unit states there was nothing to count."""
        return cls(
            indicator,
            unit,
            period,
            ValueStatus.ZERO_REPORT,
            submitted_at=submitted_at,
            submitted_by=submitted_by,
            comment=comment,
            options=tuple(options),
        )

    @classmethod
    def not_applicable(
        cls,
        indicator: str,
        unit: str,
        period: Period,
        *,
        submitted_at: datetime | None = None,
        submitted_by: str = "",
        comment: str = "",
        options: Iterable[str] = (),
    ) -> "DataValue":
        """Build a value that does not apply to this unit and period (e.g. a school in holidays)."""
        return cls(
            indicator,
            unit,
            period,
            ValueStatus.NOT_APPLICABLE,
            submitted_at=submitted_at,
            submitted_by=submitted_by,
            comment=comment,
            options=tuple(options),
        )

    @classmethod
    def missing(
        cls,
        indicator: str,
        unit: str,
        period: Period,
        *,
        submitted_at: datetime | None = None,
        submitted_by: str = "",
        comment: str = "",
        options: Iterable[str] = (),
    ) -> "DataValue":
        """Build a value that was expected but not submitted; it never counts as zero."""
        return cls(
            indicator,
            unit,
            period,
            ValueStatus.MISSING,
            submitted_at=submitted_at,
            submitted_by=submitted_by,
            comment=comment,
            options=tuple(options),
        )

    @property
    def key(self) -> tuple[str, str, Period]:
        """``(series, unit, period)``: what the value is about (see :attr:`series`)."""
        return self.series, self.unit, self.period

    @property
    def series(self) -> str:
        """The indicator code, with the options if any: ``returnees[wuhan]``."""
        options = self.options
        return f"{self.indicator}[{','.join(options)}]" if options else self.indicator

    @property
    def stated(self) -> str:
        """The figure as the unit stated it: ``480余``, ``约500``, ``52`` (empty for no number)."""
        number = self.numeric
        if number is None:
            return ""
        text = f"{number:f}" if isinstance(number, Decimal) else str(number)
        if self.qualifier in ("约", "近"):
            return self.qualifier + text
        return text + self.qualifier

    @property
    def is_submitted(self) -> bool:
        """Whether the unit submitted something: a reported value or a zero-report."""
        return self.status.is_submitted

    @property
    def is_missing(self) -> bool:
        """Whether the value was expected but not submitted."""
        return self.status is ValueStatus.MISSING

    @property
    def numeric(self) -> int | Decimal | None:
        """The number: the value of a reported number, 0 for a zero-report, else ``None``.

        This is the one place where a zero-report becomes 0; a missing or not applicable value,
        a flag and a text give ``None``.
        """
        if self.status is ValueStatus.ZERO_REPORT:
            return 0
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return None
        return value

    def check_against(self, indicator: Indicator) -> None:
        """Raise :class:`ModelError` unless this value fits *indicator*'s code and value type.

        Its options must be options of the indicator's categories, one per category, in their
        order.

        Integers need an ``int``, decimals and percentages an ``int`` or ``Decimal``, booleans a
        ``bool`` and texts a ``str``; a zero-report only fits numeric indicators. Ranges (no
        negative counts, percentages up to 100) are validation rules, not checked here.
        """
        where = f"({self.indicator!r}, {self.unit!r}, {self.period})"
        if indicator.code != self.indicator:
            raise ModelError(
                f"DataValue.indicator: value {where} checked against indicator {indicator.code!r}"
            )
        if self.options and indicator.canonical_options(self.options) != self.options:
            raise ModelError(
                f"DataValue.options: {list(self.options)} of {where} are not in the "
                f"category order of indicator {indicator.code!r}; expected "
                f"{list(indicator.canonical_options(self.options))}"
            )
        if self.status is ValueStatus.ZERO_REPORT and not indicator.is_numeric:
            raise ModelError(
                f"DataValue.status: a zero-report does not fit {indicator.value_type.value} "
                f"indicator {indicator.code!r} {where}"
            )
        if self.status is not ValueStatus.REPORTED:
            return
        value = self.value
        value_type = indicator.value_type
        is_bool = isinstance(value, bool)
        fits = {
            ValueType.INTEGER: isinstance(value, int) and not is_bool,
            ValueType.DECIMAL: isinstance(value, int | Decimal) and not is_bool,
            ValueType.PERCENTAGE: isinstance(value, int | Decimal) and not is_bool,
            ValueType.BOOLEAN: is_bool,
            ValueType.TEXT: isinstance(value, str),
        }[value_type]
        if not fits:
            raise ModelError(
                f"DataValue.value: {value!r} does not fit {value_type.value} indicator "
                f"{indicator.code!r} {where}"
            )
        bound: int | Decimal = (
            indicator.maximum if indicator.maximum is not None else DEFAULT_MAXIMUM
        )
        if (
            isinstance(value, int | Decimal)
            and not is_bool
            and abs(Decimal(value)) > Decimal(bound)
        ):
            raise ModelError(
                f"DataValue.value: {value} is beyond what one report of {indicator.code!r} can "
                f"state (at most {bound}) {where}; check the figure, or declare the "
                "indicator's maximum"
            )

from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.model._indicators import Indicator, IndicatorKind, ValueType
from epireport.model._periods import Period
from epireport.model._values import DataValue, ValueStatus
from epireport.testing._st_model import ValueGrid, data_value_grids, data_values, indicators

DAY = Period.parse("20200201")
REPORTED, ZERO, NA, MISSING = ValueStatus


def indicator(value_type: ValueType) -> Indicator:
    """Build an indicator 'x' of *value_type* with aggregations that fit it."""
    return Indicator("x", "指标", value_type=value_type)


class TestConstruction:
    def test_named_constructors_set_the_status(self) -> None:
        """Each named constructor gives its status; only reported values carry a value."""
        assert DataValue.reported("x", "u", DAY, 5).status is REPORTED
        assert DataValue.zero_report("x", "u", DAY).status is ZERO
        assert DataValue.not_applicable("x", "u", DAY).status is NA
        assert DataValue.missing("x", "u", DAY).status is MISSING
        assert DataValue.zero_report("x", "u", DAY).value is None

    def test_provenance_is_kept(self) -> None:
        """Submission time, submitter and comment are stored as given."""
        at = datetime(2020, 2, 2, 9, 30)
        value = DataValue.reported(
            "x", "u", DAY, 3, submitted_at=at, submitted_by="张三", comment="含补报"
        )
        assert (value.submitted_at, value.submitted_by, value.comment) == (at, "张三", "含补报")
        assert value.key == ("x", "u", DAY)

    def test_floats_become_decimals_through_their_string(self) -> None:
        """A float is stored as the Decimal of its shortest repr, never as a binary float."""
        value = DataValue.reported("x", "u", DAY, 0.1)
        assert value.value == Decimal("0.1")
        assert type(value.value) is Decimal
        assert DataValue.reported("x", "u", DAY, 1e16).value == Decimal("1E+16")

    @pytest.mark.parametrize(
        ("status", "value", "fragment"),
        [
            (REPORTED, None, "DataValue.value: a reported value needs a value, got None"),
            (ZERO, 0, "DataValue.value: a zero_report value has no value, got 0"),
            (MISSING, 5, "a missing value has no value, got 5"),
            (NA, "x", "a not_applicable value has no value, got 'x'"),
            (REPORTED, float("nan"), "DataValue.value: expected a finite number"),
            (REPORTED, Decimal("Infinity"), "expected a finite number"),
            (REPORTED, " ", "a reported text must not be blank"),
            (REPORTED, [1], "expected an int, Decimal, bool or str, got [1]"),
        ],
    )
    def test_value_iff_reported(self, status: ValueStatus, value: object, fragment: str) -> None:
        """A value is present exactly when the status is reported, and must be finite."""
        with pytest.raises(ModelError) as info:
            DataValue("x", "u", DAY, status, value)  # type: ignore[arg-type]
        assert fragment in str(info.value)
        assert "'x', 'u', 20200201" in str(info.value)

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"indicator": ""}, "DataValue.indicator: a code must not be empty"),
            ({"unit": "a b"}, "DataValue.unit: a code must not contain whitespace"),
            ({"period": "20200201"}, "DataValue.period: expected a Period, got '20200201'"),
            ({"period": date(2020, 2, 1)}, "DataValue.period: expected a Period"),
            ({"status": "reported"}, "DataValue.status: expected reported, zero_report"),
            ({"submitted_at": "2020-02-01"}, "DataValue.submitted_at: expected a datetime"),
            ({"submitted_by": None}, "DataValue.submitted_by: expected a string, got None"),
            ({"comment": 3}, "DataValue.comment: expected a string, got 3"),
        ],
    )
    def test_fields_are_checked(self, kwargs: dict[str, object], fragment: str) -> None:
        """Fields of the wrong type or form raise ModelError naming DataValue.field."""
        fields: dict[str, object] = {
            "indicator": "x",
            "unit": "u",
            "period": DAY,
            "status": ValueStatus.MISSING,
        }
        fields.update(kwargs)
        with pytest.raises(ModelError) as info:
            DataValue(**fields)  # type: ignore[arg-type]
        assert fragment in str(info.value)


class TestNumeric:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (DataValue.reported("x", "u", DAY, 7), 7),
            (DataValue.reported("x", "u", DAY, 0), 0),
            (DataValue.reported("x", "u", DAY, Decimal("2.5")), Decimal("2.5")),
            (DataValue.zero_report("x", "u", DAY), 0),
            (DataValue.missing("x", "u", DAY), None),
            (DataValue.not_applicable("x", "u", DAY), None),
            (DataValue.reported("x", "u", DAY, True), None),
            (DataValue.reported("x", "u", DAY, "已完成"), None),
        ],
    )
    def test_numeric_only_makes_zero_of_a_zero_report(
        self, value: DataValue, expected: int | Decimal | None
    ) -> None:
        """Numeric is the number, 0 for a zero-report, and None for missing, n/a, flags, texts."""
        assert value.numeric == expected
        assert type(value.numeric) is type(expected)

    def test_submitted_means_reported_or_zero(self) -> None:
        """Reported values and zero-reports are submitted; missing and n/a are not."""
        assert DataValue.reported("x", "u", DAY, 1).is_submitted
        assert DataValue.zero_report("x", "u", DAY).is_submitted
        assert not DataValue.missing("x", "u", DAY).is_submitted
        assert not DataValue.not_applicable("x", "u", DAY).is_submitted
        assert DataValue.missing("x", "u", DAY).is_missing

    def test_zero_report_and_reported_zero_stay_distinct(self) -> None:
        """A zero-report and a reported 0 have the same number but are different values."""
        zero = DataValue.zero_report("x", "u", DAY)
        reported = DataValue.reported("x", "u", DAY, 0)
        assert zero.numeric == reported.numeric == 0
        assert zero != reported


class TestCheckAgainst:
    @pytest.mark.parametrize(
        ("value_type", "value"),
        [
            (ValueType.INTEGER, 3),
            (ValueType.DECIMAL, 3),
            (ValueType.DECIMAL, Decimal("3.5")),
            (ValueType.PERCENTAGE, Decimal("87.5")),
            (ValueType.PERCENTAGE, 100),
            (ValueType.BOOLEAN, False),
            (ValueType.TEXT, "已完成"),
        ],
    )
    def test_fitting_values_pass(self, value_type: ValueType, value: object) -> None:
        """Values of the indicator's type pass check_against."""
        DataValue.reported("x", "u", DAY, value).check_against(indicator(value_type))  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("value_type", "value"),
        [
            (ValueType.INTEGER, Decimal("3")),
            (ValueType.INTEGER, True),
            (ValueType.INTEGER, "3"),
            (ValueType.DECIMAL, False),
            (ValueType.PERCENTAGE, "87%"),
            (ValueType.BOOLEAN, 1),
            (ValueType.TEXT, 3),
        ],
    )
    def test_misfits_are_refused(self, value_type: ValueType, value: object) -> None:
        """Values of another type raise ModelError naming the value and the indicator."""
        with pytest.raises(ModelError) as info:
            DataValue.reported("x", "u", DAY, value).check_against(indicator(value_type))  # type: ignore[arg-type]
        message = str(info.value)
        assert message.startswith(f"DataValue.value: {value!r} does not fit {value_type.value}")
        assert "indicator 'x'" in message

    @pytest.mark.parametrize("value_type", [ValueType.TEXT, ValueType.BOOLEAN])
    def test_zero_reports_fit_numbers_only(self, value_type: ValueType) -> None:
        """A zero-report for a text or flag indicator is refused."""
        with pytest.raises(ModelError, match="a zero-report does not fit"):
            DataValue.zero_report("x", "u", DAY).check_against(indicator(value_type))

    def test_missing_and_na_fit_anything(self) -> None:
        """Missing and not applicable values fit every value type."""
        for value_type in ValueType:
            DataValue.missing("x", "u", DAY).check_against(indicator(value_type))
            DataValue.not_applicable("x", "u", DAY).check_against(indicator(value_type))

    def test_the_indicator_code_must_match(self) -> None:
        """Checking against another indicator is refused."""
        with pytest.raises(ModelError, match="checked against indicator 'y'"):
            DataValue.reported("x", "u", DAY, 1).check_against(Indicator("y", "别的"))

    def test_negative_counts_are_not_this_checks_business(self) -> None:
        """Ranges belong to validation rules: a negative integer fits an integer indicator."""
        DataValue.reported("x", "u", DAY, -3).check_against(indicator(ValueType.INTEGER))


class TestStrategies:
    @given(st.data())
    def test_drawn_values_fit_their_indicator(self, data: st.DataObject) -> None:
        """Values drawn for an indicator rebuild without error and pass check_against."""
        ind = data.draw(indicators())
        value = data.draw(data_values(ind))
        assert attrs.evolve(value) == value
        value.check_against(ind)
        assert (value.value is not None) == (value.status is REPORTED)

    @given(data_values())
    def test_missing_never_becomes_a_number(self, value: DataValue) -> None:
        """Only reported numbers and zero-reports have a numeric value."""
        if value.status in (MISSING, NA):
            assert value.numeric is None
        if value.status is ZERO:
            assert value.numeric == 0
        if value.numeric is not None:
            assert value.is_submitted

    @given(data_value_grids())
    def test_grids_are_consistent(self, grid: ValueGrid) -> None:
        """Grids hold at most one value per key, for leaves, known periods and stored indicators."""
        keys = [v.key for v in grid.values]
        assert len(keys) == len(set(keys))
        leaves = {u.code for u in grid.tree.leaves()}
        for value in grid.values:
            ind = grid.indicators.get(value.indicator)
            assert ind.kind not in (IndicatorKind.RATE, IndicatorKind.RATIO)
            assert value.unit in leaves
            assert value.period in grid.periods
            value.check_against(ind)

import enum
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.narrative._numbers import (
    NumberInterval,
    format_change,
    format_multiple,
    format_number,
    format_percent,
    parse_number,
)

STYLES = ["exact", "compact", "hedged", "near", "about"]


class NumberStyle(enum.Enum):
    """Stands in for the model's enum: only ``.value`` matters."""

    EXACT = "exact"
    HEDGED = "hedged"
    COMPACT = "compact"


class TestFormatNumber:
    @pytest.mark.parametrize(
        ("value", "style", "expected"),
        [
            (12345, "exact", "12345"),
            (Decimal("2.50"), "exact", "2.5"),
            (Decimal("1E+3"), "exact", "1000"),
            (-7, "exact", "-7"),
            (12345, "compact", "1.2万"),
            (12000, "compact", "1.2万"),
            (30000, "compact", "3万"),
            (9999, "compact", "9999"),
            (12_345_678, "compact", "1234.6万"),
            (99_999_999, "compact", "1亿"),
            (123_456_789, "compact", "1.2亿"),
            (32456, "hedged", "3.2万余"),
            (30000, "hedged", "3万"),
            (32000, "hedged", "3.2万"),
            (30456, "hedged", "3万余"),
            (99_999_999, "hedged", "9999.9万余"),
            (123_456_789, "hedged", "1.2亿余"),
            (100_000_000, "hedged", "1亿"),
            (128, "hedged", "128"),
            (32901, "near", "近3.3万"),
            (32001, "near", "近3.3万"),
            (33000, "near", "3.3万"),
            (99_999_001, "near", "近1亿"),
            (32049, "about", "约3.2万"),
            (32500, "about", "约3.3万"),
            (32000, "about", "3.2万"),
            (0, "hedged", "0"),
        ],
    )
    def test_gbt_examples(self, value: int | Decimal, style: str, expected: str) -> None:
        """Each style writes the GB/T 15835 form the issue lists."""
        assert format_number(value, style) == expected

    def test_hedge_duo(self) -> None:
        """多 takes the place of 余, after the unit."""
        assert format_number(32456, "hedged", hedge="多") == "3.2万多"

    @pytest.mark.parametrize(
        ("value", "style", "expected"),
        [
            (128, "hedged", "120余"),
            (120, "hedged", "120"),
            (5, "hedged", "5"),
            (128, "near", "近130"),
            (124, "about", "约120"),
            (128, "compact", "128"),
        ],
    )
    def test_small_step(self, value: int, style: str, expected: str) -> None:
        """Below the threshold, small_step hedges or rounds at the tens."""
        assert format_number(value, style, small_step=10) == expected

    @pytest.mark.parametrize(
        ("precision", "expected"), [(0, "3万余"), (2, "3.24万余"), (4, "3.2456万")]
    )
    def test_precision(self, precision: int, expected: str) -> None:
        """Precision sets the digits shown after the point."""
        assert format_number(32456, "hedged", precision) == expected

    def test_enum_style(self) -> None:
        """An enum member with a string value works as a style."""
        assert format_number(32456, NumberStyle.HEDGED) == "3.2万余"
        assert parse_number("3.2万", NumberStyle.HEDGED).is_exact

    def test_unit_threshold(self) -> None:
        """A higher threshold keeps figures below it exact."""
        assert format_number(32456, "compact", unit_threshold=100_000) == "32456"

    def test_float_value(self) -> None:
        """Floats are read through their repr."""
        assert format_number(32456.0, "hedged") == "3.2万余"

    @pytest.mark.parametrize("style", ["compact", "hedged", "near", "about"])
    def test_negative_rejected(self, style: str) -> None:
        """Only the exact style writes negative values."""
        with pytest.raises(ModelError, match="negative"):
            format_number(-32456, style)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"style": "rounded"},
            {"precision": 5},
            {"precision": True},
            {"hedge": "多余"},
            {"unit_threshold": 0},
            {"small_step": 50},
            {"small_step": 1},
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, object]) -> None:
        """Unknown styles, precisions, hedges, thresholds and steps raise ModelError."""
        args: dict[str, object] = {"style": "hedged", **kwargs}
        with pytest.raises(ModelError):
            format_number(32456, **args)  # type: ignore[arg-type]

    @pytest.mark.parametrize("value", [True, "1", float("nan"), Decimal("Infinity")])
    def test_bad_values(self, value: object) -> None:
        """Booleans, text and non-finite numbers are not figures."""
        with pytest.raises(ModelError):
            format_number(value, "hedged")  # type: ignore[arg-type]


class TestParseNumber:
    @pytest.mark.parametrize(
        ("text", "low", "high", "low_closed", "high_closed"),
        [
            ("3.2万余", 32000, 33000, False, False),
            ("3.2万多", 32000, 33000, False, False),
            ("3万余", 30000, 40000, False, False),
            ("30余万", 300000, 400000, False, False),
            ("120余", 120, 130, False, False),
            ("1.2亿余", 120_000_000, 130_000_000, False, False),
            ("3.2万", 31500, 32500, True, False),
            ("近3.3万", 32000, 33000, False, True),
            ("近130", 120, 130, False, True),
            ("约3.2万", 31500, 32500, True, False),
            ("约120", 115, 125, True, False),
            ("12345", 12345, 12345, True, True),
            ("2.5", Decimal("2.5"), Decimal("2.5"), True, True),
            ("-5", -5, -5, True, True),
            ("1,234", 1234, 1234, True, True),
            ("１２３４５", 12345, 12345, True, True),
            ("３．２万余", 32000, 33000, False, False),
            ("12.5%", Decimal("0.1245"), Decimal("0.1255"), True, False),
            ("12.5％", Decimal("0.1245"), Decimal("0.1255"), True, False),
            ("100%", Decimal("0.995"), Decimal("1.005"), True, False),
            ("-3.2%", Decimal("-0.0325"), Decimal("-0.0315"), False, True),
        ],
    )
    def test_intervals(
        self,
        text: str,
        low: int | Decimal,
        high: int | Decimal,
        low_closed: bool,
        high_closed: bool,
    ) -> None:
        """Each written form reads back as the interval of values that could produce it."""
        assert parse_number(text) == NumberInterval(low, high, low_closed, high_closed)

    @pytest.mark.parametrize("style", ["exact", "hedged", "near", "about"])
    def test_bare_unit_is_exact_for_marking_styles(self, style: str) -> None:
        """Styles that mark every inexact figure make a bare 3.2万 the point 32000."""
        assert parse_number("3.2万", style) == NumberInterval.point(32000)

    def test_percent_exact_style(self) -> None:
        """With the exact style a percentage is the point ratio."""
        assert parse_number("12.5%", "exact") == NumberInterval.point(Decimal("0.125"))

    @pytest.mark.parametrize(
        "text",
        [
            "万余万",
            "3万余万",
            "3亿4500万",
            "千万",
            "3千",
            "约3万余",
            "近3万余",
            "3.2余万",
            "3万余余",
            "12,34",
            "-3万",
            "3万%",
            "",
            "abc",
            "1万亿",
        ],
    )
    def test_malformed(self, text: str) -> None:
        """Text the formatter never writes and GB/T forbids raises ModelError."""
        with pytest.raises(ModelError):
            parse_number(text)

    def test_bad_style(self) -> None:
        """An unknown style is refused."""
        with pytest.raises(ModelError, match="style"):
            parse_number("3.2万", "rounded")


class TestNumberInterval:
    def test_contains(self) -> None:
        """Membership respects open and closed ends and accepts ints, Decimals and floats."""
        interval = NumberInterval(32000, 33000, False, False)
        assert 32456 in interval
        assert Decimal("32000.5") in interval
        assert 32999.9 in interval
        assert 32000 not in interval
        assert 33000 not in interval
        assert "32456" not in interval
        assert True not in NumberInterval(0, 2)

    def test_str(self) -> None:
        """The interval prints in mathematical notation."""
        assert str(NumberInterval(32000, 33000, False, False)) == "(32000, 33000)"
        assert str(NumberInterval.point(5)) == "[5]"

    @pytest.mark.parametrize(
        ("args", "match"),
        [
            ((5, 4), "below low"),
            ((5, 5, True, False), "closed"),
            (("x", 5), "number"),
            ((1, 5, 1, True), "low_closed"),
        ],
    )
    def test_invalid(self, args: tuple[object, ...], match: str) -> None:
        """Reversed, empty or ill-typed intervals raise ModelError naming the field."""
        with pytest.raises(ModelError, match=match):
            NumberInterval(*args)  # type: ignore[arg-type]


values = st.one_of(
    st.integers(min_value=0, max_value=10**13),
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False),
)


@given(
    value=values,
    style=st.sampled_from(STYLES),
    precision=st.integers(min_value=0, max_value=4),
    hedge=st.sampled_from(["余", "多"]),
    small_step=st.sampled_from([None, 10, 100, 1000]),
    threshold=st.sampled_from([10_000, 1000, 100_000]),
)
@example(value=99_999_001, style="near", precision=1, hedge="余", small_step=None, threshold=10_000)
@example(value=95, style="near", precision=1, hedge="余", small_step=10, threshold=10_000)
def test_format_parses_back_to_an_interval_holding_the_value(
    value: int | Decimal,
    style: str,
    precision: int,
    hedge: str,
    small_step: int | None,
    threshold: int,
) -> None:
    """Any formatted figure reads back, with or without its style, to an interval holding it."""
    text = format_number(value, style, precision, hedge, threshold, small_step=small_step)
    assert value in parse_number(text)
    assert value in parse_number(text, style)
    assert "万余万" not in text
    assert "万万" not in text
    assert "千" not in text


@given(
    value=values,
    precision=st.integers(min_value=0, max_value=4),
    hedge=st.sampled_from(["余", "多"]),
    small_step=st.sampled_from([None, 10, 100]),
)
def test_hedge_only_when_something_was_cut_off(
    value: int | Decimal, precision: int, hedge: str, small_step: int | None
) -> None:
    """A hedge appears exactly when the shown figure is below the value, never on an exact one."""
    text = format_number(value, "hedged", precision, hedge, small_step=small_step)
    shown = parse_number(text.removesuffix(hedge), "hedged")
    assert shown.is_exact
    assert text.endswith(hedge) == (shown.low != value)
    assert shown.low <= value


@given(value=values, precision=st.integers(min_value=0, max_value=4))
def test_near_and_about_mark_only_inexact_figures(value: int | Decimal, precision: int) -> None:
    """近 ceils and 约 rounds, and each appears only when the figure moved."""
    near = format_number(value, "near", precision)
    about = format_number(value, "about", precision)
    for text, marker in ((near, "近"), (about, "约")):
        shown = parse_number(text.removeprefix(marker), "exact").low
        assert text.startswith(marker) == (shown != value)
    assert parse_number(near.removeprefix("近"), "exact").low >= value


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_exact_round_trip(value: int) -> None:
    """The exact style reads back as the point it wrote."""
    assert parse_number(format_number(value)) == NumberInterval.point(value)


@given(
    ratio=st.decimals(min_value=-10, max_value=10, places=6, allow_nan=False),
    digits=st.integers(min_value=0, max_value=4),
)
def test_percent_round_trip(ratio: Decimal, digits: int) -> None:
    """A formatted percentage reads back to an interval holding the ratio."""
    assert ratio in parse_number(format_percent(ratio, digits))


class TestPercentAndChange:
    @pytest.mark.parametrize(
        ("value", "digits", "expected"),
        [
            (0.125, 1, "12.5%"),
            (Decimal("0.1245"), 1, "12.5%"),
            (1, 1, "100%"),
            (Decimal("0.5"), 0, "50%"),
            (Decimal("0.333333"), 2, "33.33%"),
            (0, 1, "0%"),
            (-0.032, 1, "-3.2%"),
        ],
    )
    def test_format_percent(self, value: float | Decimal, digits: int, expected: str) -> None:
        """Ratios become percentages rounded half up with trailing zeros trimmed."""
        assert format_percent(value, digits) == expected

    @pytest.mark.parametrize(
        ("current", "previous", "expected"),
        [
            (1125, 1000, "增长12.5%"),
            (968, 1000, "下降3.2%"),
            (1000, 1000, "持平"),
            (10000, 10001, "持平"),
            (5, 0, "新增"),
            (0, 0, "持平"),
            (0, 10, "下降100%"),
            (3000, 1000, "增长200%"),
            (Decimal("1.5"), Decimal("1.2"), "增长25%"),
        ],
    )
    def test_count_changes(
        self, current: int | Decimal, previous: int | Decimal, expected: str
    ) -> None:
        """Count changes are 增长/下降 percentages, 持平 or 新增 from a zero base."""
        assert format_change(current, previous) == expected

    @pytest.mark.parametrize(
        ("current", "previous", "expected"),
        [
            (95.0, 85.0, "提高10个百分点"),
            (82.5, 85, "降低2.5个百分点"),
            (85, 85, "持平"),
            (5, 0, "提高5个百分点"),
            (Decimal("85.04"), Decimal("85"), "持平"),
        ],
    )
    def test_rate_changes(
        self, current: float | Decimal, previous: float | Decimal, expected: str
    ) -> None:
        """Rates change by percentage points, never by percent."""
        assert format_change(current, previous, kind="rate") == expected

    def test_multiple_at(self) -> None:
        """From the given multiple on, a count change is written with 倍."""
        assert format_change(3000, 1000, multiple_at=2) == "增加到3倍"
        assert format_change(1500, 1000, multiple_at=2) == "增长50%"
        assert format_change(100, 1000, multiple_at=2) == "下降90%"

    @pytest.mark.parametrize(
        ("current", "previous", "form", "expected"),
        [
            (30, 10, "to", "增加到3倍"),
            (30, 10, "by", "增加了2倍"),
            (25, 10, "to", "增加到2.5倍"),
            (15, 10, "by", "增加了0.5倍"),
        ],
    )
    def test_format_multiple(self, current: int, previous: int, form: str, expected: str) -> None:
        """增加到 counts the whole, 增加了 counts the increase."""
        assert format_multiple(current, previous, form=form) == expected  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("current", "previous", "form"),
        [(5, 10, "to"), (10, 10, "by"), (10, 0, "to"), (1001, 1000, "by"), (1001, 1000, "to")],
    )
    def test_no_decreasing_multiples(self, current: int, previous: int, form: str) -> None:
        """Decreases, zero bases and invisible multiples raise: never 降低N倍 or 增加了0倍."""
        with pytest.raises(ModelError):
            format_multiple(current, previous, form=form)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "kwargs",
        [{"kind": "ratio"}, {"digits": 9}, {"multiple_at": 1}],
    )
    def test_bad_change_arguments(self, kwargs: dict[str, object]) -> None:
        """Unknown kinds, digits and multiples raise ModelError."""
        with pytest.raises(ModelError):
            format_change(3000, 1000, **kwargs)  # type: ignore[arg-type]

    def test_negative_counts(self) -> None:
        """Counts are never negative."""
        with pytest.raises(ModelError, match="negative"):
            format_change(-1, 10)

    @given(
        current=st.integers(min_value=0, max_value=10**9),
        previous=st.integers(min_value=0, max_value=10**9),
    )
    def test_change_never_multiplies_a_decrease(self, current: int, previous: int) -> None:
        """No change phrase ever says 降低N倍, and a shown percentage holds the true change."""
        text = format_change(current, previous, multiple_at=2)
        assert "倍" not in text or current > previous
        if text.endswith("%"):
            ratio = Decimal(current - previous) / Decimal(previous)
            shown = parse_number(text[2:])
            assert abs(ratio) in shown

from datetime import date, datetime
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._measures import Frequency, FrequencyUnit, Measure
from epireport.model._periods import Period
from epireport.narrative import parse_chinese_numeral
from epireport.testing._st_model import frequencies, measures

DAY, WEEK, MONTH = FrequencyUnit


class TestFrequency:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2/day", Frequency(2, DAY)),
            ("1/week", Frequency(1, WEEK)),
            (" 3 / month ", Frequency(3, MONTH)),
        ],
    )
    def test_parse(self, text: str, expected: Frequency) -> None:
        """Frequencies are read from 'times/unit' ids, surrounding spaces allowed."""
        assert Frequency.parse(text) == expected

    @pytest.mark.parametrize("text", ["", "2", "day", "2/days", "2/year", "-1/day", "two/day"])
    def test_parse_refuses_malformed_ids(self, text: str) -> None:
        """Anything but 'N/day', 'N/week' or 'N/month' is refused, quoting the text."""
        with pytest.raises(ModelError, match="Frequency") as info:
            Frequency.parse(text)
        assert repr(text) in str(info.value)

    def test_parse_refuses_non_strings(self) -> None:
        """A non-string is refused by parse."""
        with pytest.raises(ModelError, match="Frequency: expected a frequency"):
            Frequency.parse(2)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("frequency", "label"),
        [
            (Frequency(1, DAY), "每日一次"),
            (Frequency(2, DAY), "每日两次"),
            (Frequency(1, WEEK), "每周一次"),
            (Frequency(3, MONTH), "每月三次"),
            (Frequency(10, DAY), "每日十次"),
            (Frequency(12, DAY), "每日十二次"),
            (Frequency(20, WEEK), "每周二十次"),
            (Frequency(22, MONTH), "每月二十二次"),
            (Frequency(99, DAY), "每日九十九次"),
            (Frequency(100, DAY), "每日100次"),
        ],
    )
    def test_label_uses_chinese_numerals(self, frequency: Frequency, label: str) -> None:
        """Labels read 每日两次: Chinese numerals, 两 only for a bare 2, Arabic from 100."""
        assert frequency.label == label

    @pytest.mark.parametrize(
        ("times", "per", "fragment"),
        [
            (0, DAY, "Frequency.times: expected a whole number >= 1, got 0"),
            (True, DAY, "Frequency.times"),
            (1.5, DAY, "Frequency.times"),
            (1, "day", "Frequency.per: expected day, week or month, got 'day'"),
        ],
    )
    def test_invalid_frequencies_are_refused(
        self, times: object, per: object, fragment: str
    ) -> None:
        """Non-positive or non-integer times and unknown units are refused."""
        with pytest.raises(ModelError) as info:
            Frequency(times, per)  # type: ignore[arg-type]
        assert fragment in str(info.value)

    def test_per_day_compares_frequencies(self) -> None:
        """per_day puts frequencies of different units on one scale."""
        assert Frequency(2, DAY).per_day == 2
        assert Frequency(7, WEEK).per_day == 1
        assert Frequency(12, MONTH).per_day == Fraction(12 * 12, 365)
        assert Frequency(1, WEEK).per_day < Frequency(1, DAY).per_day

    @given(frequencies())
    def test_str_and_parse_round_trip(self, frequency: Frequency) -> None:
        """parse(str(f)) gives f back for every frequency."""
        assert Frequency.parse(str(frequency)) == frequency
        assert frequency.label.startswith("每")
        assert frequency.label.endswith("次")

    @given(st.integers(min_value=1, max_value=99), st.sampled_from(FrequencyUnit))
    def test_label_count_reads_back(self, times: int, per: FrequencyUnit) -> None:
        """The count in a label below 100 is a numeral that narrative's parser reads back."""
        label = Frequency(times, per).label
        assert (
            parse_chinese_numeral(label.removeprefix(f"每{per.label}").removesuffix("次")) == times
        )


def garbage(**kwargs: object) -> Measure:
    """Build the seed's measure 生活垃圾清运, overriding fields with *kwargs*."""
    fields: dict[str, object] = {
        "code": "garbage",
        "title": "生活垃圾清运",
        "category": "环境卫生",
        "responsible": "物业公司",
        "start": date(2020, 2, 1),
        "frequency": "2/day",
        "replaces": "1/day",
        "places": ("小区", "垃圾中转站"),
        "indicators": ("garbage_trips",),
    }
    fields.update(kwargs)
    return Measure(**fields)  # type: ignore[arg-type]


class TestMeasure:
    def test_seed_measure_and_its_frequency_change(self) -> None:
        """The seed's 由每日一次调整到每日两次 comes out of frequency and replaces."""
        measure = garbage()
        assert measure.frequency == Frequency(2, DAY)
        assert measure.replaces == Frequency(1, DAY)
        assert measure.frequency_change == "由每日一次调整到每日两次"
        assert measure.places == ("小区", "垃圾中转站")

    def test_minimal_measure(self) -> None:
        """Only code and title are required; no frequency means no frequency change."""
        measure = Measure("m1", "成立宣传工作组")
        assert measure.frequency is None
        assert measure.frequency_change == ""
        assert measure.places == ()

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"code": "a b"}, "Measure.code: a code must not contain whitespace"),
            ({"title": ""}, "Measure.title: expected a non-blank title, got ''"),
            ({"category": None}, "Measure.category: expected a string, got None"),
            (
                {"start": date(2020, 3, 1), "end": date(2020, 2, 1)},
                "Measure.end: measure 'garbage' ends on 2020-02-01, before it starts on 2020-03-01",
            ),
            ({"start": datetime(2020, 3, 1)}, "Measure.start: expected a date or None"),
            ({"frequency": None}, "Measure.replaces: measure 'garbage' replaces 1/day but gives"),
            ({"frequency": "1/day"}, "replaces 1/day with the same frequency"),
            ({"frequency": "2/days"}, "Frequency.per: expected day, week or month"),
            ({"replaces": 3}, "Measure.replaces: expected a Frequency"),
            ({"places": ("小区", "小区")}, "Measure.places: '小区' is listed twice"),
            ({"places": ("",)}, "Measure.places: expected non-blank place names"),
            ({"indicators": ("a", "a")}, "Measure.indicators: 'a' is listed twice"),
            ({"indicators": ("a b",)}, "Measure.indicators: a code must not contain whitespace"),
        ],
    )
    def test_invalid_measures_are_refused(self, kwargs: dict[str, object], fragment: str) -> None:
        """Each Measure validator raises ModelError naming the field and the value."""
        with pytest.raises(ModelError) as info:
            garbage(**kwargs)
        assert fragment in str(info.value)

    def test_activity_on_days_and_periods(self) -> None:
        """A measure is active from its start to its end, both days included."""
        measure = garbage(end=date(2020, 2, 29))
        assert not measure.is_active_on(date(2020, 1, 31))
        assert measure.is_active_on(date(2020, 2, 1))
        assert measure.is_active_on(date(2020, 2, 29))
        assert not measure.is_active_on(date(2020, 3, 1))
        assert measure.is_active_during(Period.parse("2020Q1"))
        assert not measure.is_active_during(Period.parse("202003"))
        assert not measure.is_active_during(Period.parse("202001"))
        assert Measure("m", "措施").is_active_on(date(1999, 1, 1))

    def test_check_against_an_indicator_set(self) -> None:
        """check_against refuses indicator codes missing from the set, naming them."""
        indicators = IndicatorSet("env", "环境", (Indicator("garbage_trips", "清运", "车次"),))
        garbage().check_against(indicators)
        with pytest.raises(ModelError, match="refers to 'ghost', not in indicator set 'env'"):
            garbage(indicators=("garbage_trips", "ghost")).check_against(indicators)

    @given(measures())
    def test_drawn_measures_are_valid(self, measure: Measure) -> None:
        """Measures drawn by the strategy rebuild without error and keep their invariants."""
        assert attrs.evolve(measure) == measure
        if measure.start is not None and measure.end is not None:
            assert measure.start <= measure.end
        if measure.replaces is not None:
            assert measure.frequency not in (None, measure.replaces)
            assert measure.frequency_change.startswith("由每")

    @given(measures(indicator_codes=("a", "b")))
    def test_drawn_measures_use_the_given_codes(self, measure: Measure) -> None:
        """Measures drawn for given indicator codes name only those codes."""
        assert set(measure.indicators) <= {"a", "b"}

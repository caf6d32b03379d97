import itertools

import attrs
import pytest
from hypothesis import given

from epireport.exceptions import ModelError
from epireport.model._indicators import (
    Aggregation,
    Indicator,
    IndicatorKind,
    IndicatorSection,
    IndicatorSet,
    NumberStyle,
    ValueType,
    ZeroPolicy,
    default_aggregations,
)
from epireport.testing._st_model import aggregations_for, indicator_sets, indicators

FLOW, STOCK, RATE, RATIO = IndicatorKind
A = Aggregation


def leaflets(**kwargs: object) -> Indicator:
    """Build the 宣传单 indicator, overriding fields with *kwargs*."""
    fields: dict[str, object] = {"code": "leaflets", "name": "宣传单", "classifier": "张"}
    fields.update(kwargs)
    return Indicator(**fields)  # type: ignore[arg-type]


def refusal(**kwargs: object) -> str | None:
    """Return the ModelError message building leaflets(**kwargs) raises, or None."""
    try:
        leaflets(**kwargs)
    except ModelError as error:
        return str(error)
    return None


class TestDefaults:
    @pytest.mark.parametrize(
        ("kind", "value_type", "expected"),
        [
            (FLOW, ValueType.INTEGER, (A.SUM, A.SUM)),
            (FLOW, ValueType.DECIMAL, (A.SUM, A.SUM)),
            (STOCK, ValueType.INTEGER, (A.SUM, A.LAST)),
            (RATE, ValueType.PERCENTAGE, (A.NONE, A.NONE)),
            (RATIO, ValueType.DECIMAL, (A.NONE, A.NONE)),
            (FLOW, ValueType.TEXT, (A.NONE, A.NONE)),
            (FLOW, ValueType.BOOLEAN, (A.NONE, A.NONE)),
            (STOCK, ValueType.PERCENTAGE, (A.NONE, A.LAST)),
        ],
    )
    def test_default_aggregations_per_kind(
        self, kind: IndicatorKind, value_type: ValueType, expected: tuple[A, A]
    ) -> None:
        """Flows sum/sum, stocks sum/last, rates none/none; no default sums what cannot add up."""
        refs = {"numerator": "n", "denominator": "d"} if kind.is_computed else {}
        indicator = leaflets(kind=kind, value_type=value_type, **refs)
        assert (indicator.unit_aggregation, indicator.time_aggregation) == expected
        assert default_aggregations(kind, value_type) == expected

    def test_defaults_of_a_plain_indicator(self) -> None:
        """A plain indicator is an exact, omitted-when-zero integer flow."""
        indicator = Indicator("billboards", "户外广告牌", "块")
        assert indicator.value_type is ValueType.INTEGER
        assert indicator.kind is FLOW
        assert indicator.number_style is NumberStyle.EXACT
        assert indicator.zero_policy is ZeroPolicy.OMIT
        assert indicator.precision == 1
        assert indicator.is_additive
        assert indicator.is_summable
        assert not indicator.is_computed
        assert not indicator.states_zero


class TestAggregationRules:
    def test_model_and_strategy_agree_on_every_combination(self) -> None:
        """Every kind × value type × aggregation pair is accepted iff the written rules allow it."""
        for kind, value_type, across, over_time in itertools.product(
            IndicatorKind, ValueType, Aggregation, Aggregation
        ):
            refs = {"numerator": "n", "denominator": "d"} if kind.is_computed else {}
            allowed = across in aggregations_for(
                kind, value_type, "unit"
            ) and over_time in aggregations_for(kind, value_type, "time")
            if kind.is_computed and not value_type.is_numeric:
                allowed = False
            error = refusal(
                kind=kind,
                value_type=value_type,
                unit_aggregation=across,
                time_aggregation=over_time,
                **refs,
            )
            assert (error is None) == allowed, (kind, value_type, across, over_time, error)
            assert error is None or "'leaflets'" in error

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"kind": STOCK, "time_aggregation": A.SUM}, "a stock is a level at a moment"),
            (
                {"kind": RATE, "numerator": "n", "denominator": "d", "unit_aggregation": A.SUM},
                "Indicator.unit_aggregation: a rate is computed",
            ),
            (
                {
                    "kind": RATIO,
                    "numerator": "n",
                    "denominator": "d",
                    "time_aggregation": A.AVERAGE,
                },
                "Indicator.time_aggregation: a ratio is computed",
            ),
            (
                {"value_type": ValueType.TEXT, "unit_aggregation": A.MAX},
                "text values cannot be combined with max",
            ),
            (
                {"value_type": ValueType.BOOLEAN, "time_aggregation": A.AVERAGE},
                "boolean values cannot be combined with average",
            ),
            (
                {"value_type": ValueType.PERCENTAGE, "unit_aggregation": A.SUM},
                "percentages cannot be summed",
            ),
            ({"kind": RATE}, "a rate needs both a numerator and a denominator"),
            ({"kind": RATE, "numerator": "n"}, "needs both a numerator and a denominator"),
            ({"numerator": "n", "denominator": "d"}, "only a rate or a ratio has a numerator"),
            (
                {"kind": RATE, "numerator": "n", "denominator": "n"},
                "numerator and denominator are both 'n'",
            ),
            (
                {"kind": RATE, "numerator": "leaflets", "denominator": "d"},
                "Indicator.numerator: an indicator cannot refer to itself",
            ),
            (
                {"kind": RATE, "numerator": "n", "denominator": "d", "value_type": ValueType.TEXT},
                "a rate is a number, not text",
            ),
            ({"part_of": "leaflets"}, "Indicator.part_of: an indicator cannot refer to itself"),
            ({"parts": ("leaflets",)}, "cannot be a part of itself"),
            ({"part_of": "a", "parts": ("a",)}, "cannot be both the whole and a part"),
            ({"parts": ("a", "a")}, "Indicator.parts: 'a' is listed twice"),
            (
                {"value_type": ValueType.TEXT, "unit_aggregation": A.NONE, "part_of": "all"},
                "only a numeric flow or stock summed across units",
            ),
            (
                {"value_type": ValueType.BOOLEAN, "number_style": NumberStyle.COMPACT},
                "boolean values are not numbers and cannot be written compact",
            ),
        ],
    )
    def test_nonsense_is_refused_naming_the_indicator(
        self, kwargs: dict[str, object], fragment: str
    ) -> None:
        """Each refused combination raises ModelError naming the field and the indicator."""
        with pytest.raises(ModelError) as info:
            leaflets(**kwargs)
        assert fragment in str(info.value)
        assert "'leaflets'" in str(info.value)

    @pytest.mark.parametrize("kind", list(IndicatorKind))
    @pytest.mark.parametrize("value_type", [ValueType.INTEGER, ValueType.PERCENTAGE])
    def test_count_is_allowed_for_anything_numeric(
        self, kind: IndicatorKind, value_type: ValueType
    ) -> None:
        """Counting values makes sense on both axes whatever the kind."""
        refs = {"numerator": "n", "denominator": "d"} if kind.is_computed else {}
        indicator = leaflets(
            kind=kind,
            value_type=value_type,
            unit_aggregation=A.COUNT,
            time_aggregation=A.COUNT,
            **refs,
        )
        assert indicator.unit_aggregation is A.COUNT

    @pytest.mark.parametrize("value_type", [ValueType.TEXT, ValueType.BOOLEAN])
    def test_count_is_allowed_for_text_and_flags(self, value_type: ValueType) -> None:
        """Texts and flags can be counted on both axes."""
        indicator = leaflets(
            value_type=value_type, unit_aggregation=A.COUNT, time_aggregation=A.COUNT
        )
        assert indicator.time_aggregation is A.COUNT

    def test_several_problems_are_listed_together(self) -> None:
        """An indicator with several problems lists them all in one error."""
        with pytest.raises(ModelError) as info:
            leaflets(kind=STOCK, value_type=ValueType.PERCENTAGE, time_aggregation=A.SUM)
        message = str(info.value)
        assert message.startswith("indicator 'leaflets' (宣传单): 2 problems:")
        assert "a stock is a level at a moment" in message
        assert "percentages cannot be summed" in message


class TestFields:
    @pytest.mark.parametrize("classifier", ["万余张", "3张", "张 ", "多个", "亿", "余", "１张"])
    def test_classifier_is_a_measure_word_only(self, classifier: str) -> None:
        """Digits, 万, 亿, 余, 多 and spaces belong to number formatting, not to a classifier."""
        with pytest.raises(ModelError) as info:
            leaflets(classifier=classifier)
        message = str(info.value)
        assert message.startswith(
            "Indicator.classifier: a classifier is a measure word such as 块 or 人次, not "
        )
        assert repr(classifier) in message
        assert "'leaflets'" in message

    @pytest.mark.parametrize(
        "classifier", ["", "块", "条", "张", "人次", "台次", "小时", "份", "千克", "百分点", "条次"]
    )
    def test_real_classifiers_are_accepted(self, classifier: str) -> None:
        """Ordinary measure words, including 千克 and 百分点, are accepted."""
        assert leaflets(classifier=classifier).classifier == classifier

    @pytest.mark.parametrize("precision", [-1, 5, True, 1.0])
    def test_precision_is_zero_to_four_digits(self, precision: object) -> None:
        """Precision outside 0-4, or not an int, is refused."""
        with pytest.raises(ModelError, match=r"Indicator\.precision: expected 0 to 4 digits"):
            leaflets(precision=precision)

    @pytest.mark.parametrize(
        ("field", "value", "fragment"),
        [
            ("hedge", "约", r"Indicator\.hedge: expected one of 余, 多, got '约'"),
            ("significant_figures", 0, r"Indicator\.significant_figures: expected 1 to 4"),
            ("significant_figures", True, r"Indicator\.significant_figures: expected 1 to 4"),
        ],
    )
    def test_hedge_and_significant_figures_are_checked(
        self, field: str, value: object, fragment: str
    ) -> None:
        """The hedge is 余 or 多; significant figures 1 to 4 or nothing."""
        with pytest.raises(ModelError, match=fragment):
            leaflets(**{field: value})
        assert leaflets(hedge="多", significant_figures=2).significant_figures == 2

    @pytest.mark.parametrize(
        ("field", "value", "fragment"),
        [
            ("code", "", "Indicator.code: a code must not be empty"),
            ("code", "a b", "Indicator.code: a code must not contain whitespace"),
            ("name", " ", "Indicator.name: expected a non-blank name"),
            ("value_type", "integral", "Indicator.value_type: expected one of integer, decimal"),
            ("unit_aggregation", "total", "Indicator.unit_aggregation: expected one of sum"),
            ("kind", None, "Indicator.kind"),
            ("description", None, "Indicator.description: expected a string"),
            ("numerator", "a b", "Indicator.numerator"),
        ],
    )
    def test_field_types_are_checked(self, field: str, value: object, fragment: str) -> None:
        """Fields of the wrong type or form raise ModelError naming Indicator.field."""
        with pytest.raises(ModelError) as info:
            leaflets(**{field: value})
        assert fragment in str(info.value)

    def test_enum_fields_accept_their_values_as_text(self) -> None:
        """Plugin authors may write value_type="decimal"; it becomes the enum member."""
        indicator = leaflets(value_type="decimal", kind="stock", number_style="hedged")
        assert indicator.value_type is ValueType.DECIMAL
        assert indicator.time_aggregation.value == "last"
        assert indicator.number_style.value == "hedged"

    def test_rate_properties(self) -> None:
        """A rate is computed and neither additive nor summable."""
        rate = leaflets(kind=RATE, value_type=ValueType.PERCENTAGE, numerator="n", denominator="d")
        assert rate.is_computed
        assert rate.is_numeric
        assert not rate.is_additive
        assert not rate.is_summable

    def test_stock_is_summable_not_additive(self) -> None:
        """A stock adds up across units but not over time."""
        stock = leaflets(kind=STOCK, zero_policy=ZeroPolicy.STATE)
        assert stock.is_summable
        assert not stock.is_additive
        assert stock.states_zero


def publicity() -> IndicatorSet:
    """Build a small 宣传 set: billboards and screens, leaflets with parts, a coverage rate."""
    return IndicatorSet(
        "publicity",
        "社会宣传",
        (
            Indicator("billboards", "户外广告牌", "块"),
            Indicator("screens", "电子显示屏", "块"),
            Indicator("leaflets", "宣传单", "张", parts=("leaflets_home", "leaflets_street")),
            Indicator("leaflets_home", "入户发放", "张", part_of="leaflets"),
            Indicator("leaflets_street", "街头发放", "张"),
            Indicator("households", "户数", "户", kind=STOCK),
            Indicator("visited", "走访户数", "户"),
            Indicator(
                "coverage",
                "走访覆盖率",
                value_type=ValueType.PERCENTAGE,
                kind=RATE,
                numerator="visited",
                denominator="households",
            ),
        ),
        sections=(
            IndicatorSection("outdoor", "户外宣传", ("billboards", "screens")),
            IndicatorSection("print", "印刷品", ("leaflets",)),
        ),
    )


class TestIndicatorSet:
    def test_collection_protocol(self) -> None:
        """A set looks indicators up by code, iterates in order and knows its length."""
        s = publicity()
        assert len(s) == 8
        assert s.codes[:3] == ("billboards", "screens", "leaflets")
        assert [i.code for i in s] == list(s.codes)
        assert s.get("coverage").numerator == "visited"
        assert "screens" in s
        assert "nope" not in s
        with pytest.raises(
            ModelError, match="unknown indicator 'nope' in indicator set 'publicity'"
        ):
            s.get("nope")

    def test_sections(self) -> None:
        """Sections are found by name and resolve to their indicators in order."""
        s = publicity()
        assert s.section("outdoor").title == "户外宣传"
        assert "screens" in s.section("outdoor")
        assert [i.name for i in s.section_indicators("outdoor")] == ["户外广告牌", "电子显示屏"]
        with pytest.raises(ModelError, match="unknown section 'x'"):
            s.section("x")

    def test_parts_of_a_total(self) -> None:
        """parts_of lists declared parts first, then other indicators naming the total."""
        s = publicity()
        assert [i.code for i in s.parts_of("leaflets")] == ["leaflets_home", "leaflets_street"]
        assert s.parts_of("billboards") == ()
        assert s.get("leaflets").is_total

    @pytest.mark.parametrize(
        ("extra", "fragment"),
        [
            ((Indicator("billboards", "重复", "块"),), "duplicate indicator code 'billboards'"),
            (
                (Indicator("r", "率", kind=RATE, numerator="visited", denominator="ghost"),),
                "indicator 'r': denominator 'ghost' is not an indicator of the set",
            ),
            (
                (Indicator("r", "率", kind=RATIO, numerator="coverage", denominator="visited"),),
                "indicator 'r': numerator 'coverage' must be an integer or decimal flow or stock",
            ),
            ((Indicator("p", "部分", part_of="ghost"),), "part_of 'ghost' is not an indicator"),
            (
                (Indicator("t", "总", parts=("visited", "leaflets_home")),),
                "indicator 't': part 'leaflets_home' is declared part_of 'leaflets'; a figure "
                "is a part of one total: remove 'leaflets_home' from the parts of 't', or set "
                "its part_of to 't'",
            ),
            (
                (Indicator("t", "总", parts=("visited", "leaflets_street")),),
                "indicator 't': part 'leaflets_street' is also listed in the parts of "
                "'leaflets'; a figure is a part of one total",
            ),
        ],
    )
    def test_broken_references_are_refused(
        self, extra: tuple[Indicator, ...], fragment: str
    ) -> None:
        """Duplicates and dangling or contradictory references raise ModelError naming the set."""
        base = publicity()
        with pytest.raises(ModelError) as info:
            IndicatorSet(base.code, base.title, base.indicators + extra, base.sections)
        assert str(info.value).startswith("IndicatorSet 'publicity': ")
        assert fragment in str(info.value)

    def test_subtotals_and_items_outside_the_breakdown(self) -> None:
        """A sub-total is a part with parts; a 其中 item its total's parts do not list is fine."""
        s = IndicatorSet(
            "returnees",
            "返乡人员",
            (
                Indicator("returnees", "返乡人员", "人", parts=("hubei", "outside")),
                Indicator("hubei", "湖北", "人", part_of="returnees", parts=("wuhan", "other")),
                Indicator("wuhan", "武汉", "人"),
                Indicator("other", "湖北其他地区", "人"),
                Indicator("outside", "省外", "人"),
                Indicator("released", "已解除隔离", "人", part_of="returnees"),
            ),
        )
        assert [i.code for i in s.parts_of("returnees")] == ["hubei", "outside", "released"]
        assert [i.code for i in s.parts_of("hubei")] == ["wuhan", "other"]

    def test_part_whole_cycles_are_refused(self) -> None:
        """Two indicators that are each a part of the other form a refused cycle."""
        with pytest.raises(ModelError, match="part/whole links form a cycle: 'a' → 'b' → 'a'"):
            IndicatorSet(
                "s", "集", (Indicator("a", "甲", part_of="b"), Indicator("b", "乙", part_of="a"))
            )

    def test_sections_reference_known_codes_and_have_unique_names(self) -> None:
        """Sections naming unknown indicators, or sharing a name, are all reported at once."""
        with pytest.raises(ModelError) as info:
            IndicatorSet(
                "s",
                "集",
                (Indicator("a", "甲"),),
                (IndicatorSection("x", "一", ("a", "ghost")), IndicatorSection("x", "二", ())),
            )
        message = str(info.value)
        assert "2 problems" in message
        assert "section 'x' lists unknown indicators 'ghost'" in message
        assert "duplicate section name 'x'" in message

    def test_items_are_type_checked(self) -> None:
        """Only Indicator items and IndicatorSection sections are accepted."""
        with pytest.raises(ModelError, match=r"IndicatorSet\.indicators: item 0"):
            IndicatorSet("s", "集", ("a",))  # type: ignore[arg-type]
        with pytest.raises(ModelError, match=r"IndicatorSet\.sections: item 0"):
            IndicatorSet("s", "集", (), ("a",))  # type: ignore[arg-type]
        with pytest.raises(ModelError, match=r"IndicatorSection\.indicators: 'a' is listed twice"):
            IndicatorSection("x", "一", ("a", "a"))

    def test_equality_ignores_the_index(self) -> None:
        """Equal sets compare and hash equal; the index stays out of the repr."""
        assert publicity() == publicity()
        assert hash(publicity()) == hash(publicity())
        assert "_by_code" not in repr(publicity())


class TestStrategies:
    @given(indicators())
    def test_drawn_indicators_are_valid(self, indicator: Indicator) -> None:
        """Drawn indicators rebuild without error and use accepted aggregations."""
        assert attrs.evolve(indicator) == indicator
        kind, value_type = indicator.kind, indicator.value_type
        assert indicator.unit_aggregation in aggregations_for(kind, value_type, "unit")
        assert indicator.time_aggregation in aggregations_for(kind, value_type, "time")

    @given(indicator_sets())
    def test_drawn_sets_are_valid_and_consistent(self, indicator_set: IndicatorSet) -> None:
        """Drawn sets rebuild without error and all their references resolve."""
        rebuilt = IndicatorSet(
            indicator_set.code,
            indicator_set.title,
            indicator_set.indicators,
            indicator_set.sections,
        )
        assert rebuilt == indicator_set
        for indicator in indicator_set:
            for code in (indicator.numerator, indicator.denominator, indicator.part_of):
                assert code is None or code in indicator_set
            assert all(code in indicator_set for code in indicator.parts)

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport._builtins import validation_rules as builtin_plugin
from epireport.aggregate._engine import aggregate
from epireport.aggregate._expr import parse_expression
from epireport.aggregate._plan import make_plan
from epireport.aggregate._rules import Importance, MissingStrategy, ValidationRule
from epireport.aggregate._validate import builtin_rules, check_rules, evaluate_rule, validate
from epireport.exceptions import ModelError
from epireport.model._indicators import Indicator, IndicatorSet, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgTree
from epireport.model._values import DataValue

DAY = Period.day(datetime.date(2020, 2, 3))

SCREENING = IndicatorSet(
    code="screening",
    title="排查",
    indicators=(
        Indicator(code="screened", name="排查师生", parts=("students", "teachers")),
        Indicator(code="students", name="学生"),
        Indicator(code="teachers", name="教师"),
        Indicator(code="fever", name="发热", part_of="students"),
        Indicator(code="pct", name="覆盖率", value_type=ValueType.PERCENTAGE),
    ),
)


class TestExpressions:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("a + b", 5),
            ("(a - b) * 2", 2),
            ("a / b", Decimal("1.5")),
            ("-a + 0.5", Decimal("-2.5")),
        ],
    )
    def test_arithmetic(self, text: str, value: Decimal) -> None:
        """Numbers, codes, + - * / and parentheses evaluate over Decimals."""
        figures = {"a": Decimal(3), "b": Decimal(2)}
        assert parse_expression(text).evaluate(figures.__getitem__) == value

    def test_braced_codes(self) -> None:
        """Codes that are not identifiers are written in braces."""
        expression = parse_expression("{jd-03} + {a.b}")
        assert expression.codes == {"jd-03", "a.b"}

    @pytest.mark.parametrize(
        "text",
        [
            "__import__('os')",
            "a.b",
            "a[0]",
            "a ** 2",
            "a if b else c",
            "'x'",
            "lambda: 1",
            "a < b",
            "a +",
        ],
    )
    def test_anything_else_is_refused(self, text: str) -> None:
        """Calls, attributes, powers, comparisons, strings and bad syntax are refused, never run."""
        with pytest.raises(ModelError, match="expression"):
            parse_expression(text)

    def test_rule_sides_are_parsed_when_built(self) -> None:
        """A rule with a malformed side is refused when it is written."""
        with pytest.raises(ModelError, match=r"ValidationRule\.right"):
            ValidationRule("r", "a", "<=", "open(b)")


class TestBuiltinRules:
    def test_rules_from_the_indicator_set(self) -> None:
        """Counts are non-negative, parts within and summing to their whole, percents bounded."""
        rules = {r.code: r for r in builtin_rules(SCREENING)}
        assert rules["non-negative.screened"].left == "screened"
        assert rules["parts-sum.screened"].right == "students + teachers"
        assert rules["part-within-whole.fever"].right == "students"
        assert rules["part-within-whole.students"].right == "screened"
        assert "percent-range.pct.max" in rules
        check_rules(rules.values(), SCREENING.codes)

    def test_subtotal_and_item_outside_the_breakdown(self) -> None:
        """A sub-total is held to its whole and its parts; a 其中 item outside them to <= only."""
        returnees = IndicatorSet(
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
        rules = {r.code: r for r in builtin_rules(returnees)}
        assert rules["parts-sum.returnees"].right == "hubei + outside"
        assert rules["parts-sum.hubei"].right == "wuhan + other"
        assert rules["part-within-whole.hubei"].right == "returnees"
        assert rules["part-within-whole.released"].right == "returnees"
        figures = {"returnees": 200, "hubei": 82, "outside": 118, "wuhan": 52, "other": 30}
        assert [
            r.code
            for r in rules.values()
            if evaluate_rule(r, "t", DAY, {**figures, "released": 201}) is not None
        ] == ["part-within-whole.released"]
        wrong = evaluate_rule(rules["parts-sum.hubei"], "t", DAY, {**figures, "other": 31})
        assert wrong is not None
        assert wrong.message.endswith(
            "hubei = 82 == wuhan + other = 83 does not hold; the parts differ from the total by "
            "1: correct the total or the part that is off [hubei=82, other=31, wuhan=52]"
        )
        above = evaluate_rule(
            rules["part-within-whole.released"], "t", DAY, {**figures, "released": 201}
        )
        assert above is not None
        assert "a 其中 item exceeds its whole by 1: correct one of the two figures" in above.message

    def test_unknown_codes_are_rejected(self) -> None:
        """A rule naming an indicator the set does not have is rejected when checked."""
        rule = ValidationRule("r", "fever", "<=", "coughs")
        with pytest.raises(ModelError, match=r"unknown indicator.*'coughs'"):
            check_rules([rule], SCREENING.codes)

    def test_builtin_plugin_registers_them(self) -> None:
        """The built-in plugin returns the rules implied by the institution's sets."""
        institution = Institution(code="school", title="学校", indicator_sets=(SCREENING,))
        rules = builtin_plugin.epireport_register_validation_rules(institution)
        assert [r.code for r in rules] == [r.code for r in builtin_rules(SCREENING)]


class TestEvaluation:
    rule = ValidationRule("fever-within", "fever", "<=", "screened")

    def test_holds_and_fails(self) -> None:
        """A rule that holds gives nothing; one that fails names the figures."""
        assert evaluate_rule(self.rule, "S1", DAY, {"fever": 1, "screened": 10}) is None
        violation = evaluate_rule(self.rule, "S1", DAY, {"fever": 11, "screened": 10})
        assert violation is not None
        assert (violation.left, violation.right) == (11, 10)
        assert "fever=11" in violation.message
        assert "S1" in violation.message

    @pytest.mark.parametrize(
        ("strategy", "fails"),
        [
            (MissingStrategy.SKIP, False),
            (MissingStrategy.AS_ZERO, False),
            (MissingStrategy.FAIL, True),
        ],
    )
    def test_missing_strategies(self, strategy: MissingStrategy, fails: bool) -> None:
        """Missing figures skip the rule, read as 0, or fail it, as the rule says."""
        rule = ValidationRule("r", "fever", "<=", "screened", missing=strategy)
        violation = evaluate_rule(rule, "S1", DAY, {"fever": 0, "screened": None})
        assert (violation is not None) == fails
        if violation is not None:
            assert violation.missing == ("screened",)

    def test_division_by_zero_is_not_evaluated(self) -> None:
        """A side dividing by zero leaves the rule unevaluated."""
        rule = ValidationRule("r", "fever / screened", "<", "1")
        assert evaluate_rule(rule, "S1", DAY, {"fever": 1, "screened": 0}) is None

    def test_validate_data_and_aggregates(self) -> None:
        """Rules run on every (unit, period) of the data and on the aggregates, without repeats."""
        tree = OrgTree.from_parent_map({"B": None, "S1": "B", "S2": "B"})
        values = [
            DataValue.reported("fever", "S1", DAY, 5),
            DataValue.reported("screened", "S1", DAY, 3),
            DataValue.reported("fever", "S2", DAY, 1),
            DataValue.reported("screened", "S2", DAY, 10),
            DataValue.reported("students", "S2", DAY, -1),
        ]
        plan = make_plan(tree, SCREENING, [(u, DAY) for u in tree.codes])
        rules = [self.rule, *builtin_rules(SCREENING)]
        found = validate(rules, values, aggregate(plan, values))
        where = [(v.rule.code, v.unit, v.aggregated) for v in found]
        assert ("fever-within", "S1", False) in where
        assert ("non-negative.students", "S2", False) in where
        # The district's aggregate: 6 fever out of 13 screened holds; S1's own repeat is dropped.
        assert ("fever-within", "S1", True) not in where
        assert all(v.importance is Importance.ERROR for v in found)


@given(st.integers(-50, 50), st.integers(-50, 50))
def test_operators_agree_with_python(a: int, b: int) -> None:
    """Every operator compares as Python does."""
    for op in ("==", "!=", "<", "<=", ">", ">="):
        rule = ValidationRule("r", "a", op, "b")
        holds = evaluate_rule(rule, "u", DAY, {"a": a, "b": b}) is None
        assert (
            holds
            == {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        )

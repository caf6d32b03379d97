"""A rule's integer fast path agrees with its full Decimal evaluation."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from epireport.aggregate import Operator, ValidationRule
from epireport.aggregate._validate import evaluate_rule
from epireport.model._periods import Period

DAY = Period.parse("20200201")
CODES = ("a", "b", "jd-03")


def _side() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from(["a", "b", "{jd-03}"]),
        st.integers(-5, 5).map(str),
        st.sampled_from(["0.5", "2.0"]),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from("+-*/"), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda x: f"-{x}"),
        ),
        max_leaves=5,
    )


_FIGURE = st.one_of(
    st.integers(-20, 20), st.none(), st.just(True), st.decimals(-5, 5, places=1), st.just("x")
)


@given(
    _side(),
    st.sampled_from(list(Operator)),
    _side(),
    st.dictionaries(st.sampled_from(CODES), _FIGURE),
)
def test_the_fast_path_says_holds_only_where_the_rule_holds(
    left: str, operator: Operator, right: str, figures: dict[str, object]
) -> None:
    """holds_for_integers is None, or True only where full evaluation finds no violation."""
    rule = ValidationRule(code="r", left=left, operator=operator, right=right)
    holds = rule.holds_for_integers
    if "/" in left + right or "0.5" in left + right:
        assert holds is None
        return
    assert holds is not None
    full = evaluate_rule(rule, "u", DAY, figures)  # (its fast path is this one)
    quick = holds(figures)
    if all(type(figures.get(c)) is int for c in rule.codes):
        # Both exact: they must agree either way.
        left_value = rule.left_expression.evaluate(lambda c: Decimal(figures[c]))  # type: ignore[arg-type]
        right_value = rule.right_expression.evaluate(lambda c: Decimal(figures[c]))  # type: ignore[arg-type]
        assert quick == rule.compare(left_value, right_value)
        assert (full is None) == quick
    else:
        assert quick is False  # not decided: the caller evaluates in full


def test_a_report_checked_twice_gets_the_same_violations() -> None:
    """The second check of the same values (a final render's facts) reuses the first's."""
    from epireport.aggregate._validate import validate
    from epireport.model._values import DataValue

    rules = (ValidationRule(code="nn", left="a", operator=">=", right="0"),)
    values = (DataValue.reported("a", "u", DAY, -1), DataValue.reported("a", "v", DAY, 2))
    first = validate(rules, values)
    assert [v.unit for v in first] == ["u"]
    assert validate(rules, values) == first
    fixed = (DataValue.reported("a", "u", DAY, 1), values[1])
    assert validate(rules, fixed) == ()
    other = (ValidationRule(code="le", left="a", operator="<=", right="1"),)
    assert [v.unit for v in validate(other, fixed)] == ["v"]
    assert validate(rules, list(values)) == first  # a list is never taken as seen before

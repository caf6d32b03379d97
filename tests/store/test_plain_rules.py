"""The one-indicator rules shortcut never passes data the full check refuses."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from epireport.aggregate import MissingStrategy, Operator, ValidationRule
from epireport.aggregate._validate import _plainly_hold, validate
from epireport.model._periods import Period
from epireport.model._values import DataValue, ValueStatus

_RULES = st.builds(
    ValidationRule,
    code=st.sampled_from(["r1", "r2", "r3"]),
    left=st.sampled_from(["a", "b", "a + b", "a * 2", "-a"]),
    operator=st.sampled_from(list(Operator)),
    right=st.sampled_from(["0", "5", "b", "0.5"]),
    missing=st.sampled_from(list(MissingStrategy)),
)


@st.composite
def _values(draw: st.DrawFn) -> list[DataValue]:
    out = []
    for unit in ("u1", "u2"):
        for day in ("20200201", "20200202"):
            for code in ("a", "b"):
                status = draw(st.sampled_from(list(ValueStatus)))
                figure = None
                if status is ValueStatus.REPORTED:
                    figure = draw(st.one_of(st.integers(-3, 9), st.just(Decimal("1.5"))))
                out.append(DataValue(code, unit, Period.parse(day), status, figure))
    return out


@given(st.lists(_RULES, max_size=3, unique_by=lambda r: r.code), _values())
def test_plain_rules_hold_only_where_validation_finds_nothing(
    rules: list[ValidationRule], values: list[DataValue]
) -> None:
    """_plainly_hold is True only if validate() reports no violation at all."""
    if _plainly_hold(rules, values):
        assert validate(rules, values) == ()


def test_the_common_case_takes_the_shortcut() -> None:
    """Non-negative rules over integer daily figures are decided without grouping."""
    rules = [ValidationRule(code=f"nn.{c}", left=c, operator=">=", right="0") for c in "ab"]
    day = Period.parse("20200201")
    values = [DataValue.reported(c, "u", day, 3) for c in "ab"]
    values.append(DataValue("a", "v", day, ValueStatus.MISSING))
    assert _plainly_hold(rules, values)
    assert not _plainly_hold(rules, [DataValue.reported("a", "u", day, -1)])

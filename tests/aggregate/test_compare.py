from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.aggregate._compare import Change, ChangeKind, Rank, compare, rank
from epireport.exceptions import ModelError


class TestCompare:
    def test_count_percentage(self) -> None:
        """A count from 80 to 100 rose by 25 percent."""
        assert compare(100, 80) == Change(ChangeKind.PERCENT, Decimal(25), 100, 80)

    def test_rate_points(self) -> None:
        """A rate from 0.85 to 0.95 rose by 10 percentage points; percentages subtract directly."""
        change = compare(Decimal("0.95"), Decimal("0.85"), is_rate=True)
        assert (change.kind, change.value) == (ChangeKind.POINTS, Decimal("10.00"))
        in_percent = compare(95, 85, is_rate=True, in_percent=True)
        assert in_percent.value == 10

    def test_zero_base_is_new(self) -> None:
        """From zero to something is NEW, not an infinite percentage; zero to zero is FLAT."""
        assert compare(5, 0).kind is ChangeKind.NEW
        assert compare(5, 0).value is None
        assert compare(0, 0).kind is ChangeKind.FLAT

    def test_missing_is_unavailable(self) -> None:
        """A missing figure on either side gives UNAVAILABLE, keeping the other figure."""
        assert compare(None, 3) == Change(ChangeKind.UNAVAILABLE, previous=Decimal(3))
        assert compare(3, None).kind is ChangeKind.UNAVAILABLE

    def test_change_value_matches_kind(self) -> None:
        """A percent change needs a value and a NEW one has none."""
        with pytest.raises(ModelError, match="needs value"):
            Change(ChangeKind.PERCENT)
        with pytest.raises(ModelError, match="has no value"):
            Change(ChangeKind.NEW, Decimal(1))

    @given(st.integers(0, 10**6), st.integers(1, 10**6))
    def test_percentage_recovers_current(self, current: int, previous: int) -> None:
        """Previous * (1 + pct/100) gives back current for every non-zero base."""
        change = compare(current, previous)
        if change.kind is ChangeKind.FLAT:
            assert current == previous
        else:
            assert change.value is not None
            assert previous * (1 + change.value / 100) == pytest.approx(current)


class TestRank:
    def test_ties_share_a_position(self) -> None:
        """Competition ranking: 1, 2, 2, 4; units without a figure are not ranked."""
        ranks = rank({"a": 10, "b": 7, "c": 7, "d": 1, "e": None})
        assert ranks == {
            "a": Rank(1, 4),
            "b": Rank(2, 4, tied=True),
            "c": Rank(2, 4, tied=True),
            "d": Rank(4, 4),
        }

    def test_position_in_range(self) -> None:
        """A rank outside 1..of is refused."""
        with pytest.raises(ModelError):
            Rank(3, 2)

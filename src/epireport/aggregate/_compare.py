"""Comparisons as data: changes against the previous period (环比) or last year (同比), and ranks.

A :class:`Change` says what kind of change it is and by how much, never how to write it: the
narrative toolkit (``epireport.narrative._numbers.format_change``) words it from ``current`` and
``previous``. Counts change by a percentage, rates by percentage points (个百分点), and a zero
base gives ``NEW`` rather than an infinite percentage.
"""

import enum
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from epireport.exceptions import ModelError
from epireport.model._values import Value

__all__ = ["Change", "ChangeKind", "Rank", "compare", "rank"]

_HUNDRED = Decimal(100)


class ChangeKind(enum.Enum):
    """What kind of change a :class:`Change` is."""

    #: a count changed by ``value`` percent (positive: up)
    PERCENT = "percent"
    #: a rate changed by ``value`` percentage points (个百分点)
    POINTS = "points"
    #: a count rose from zero: no percentage exists (新增)
    NEW = "new"
    #: no change at all (持平)
    FLAT = "flat"
    #: one of the two figures is missing, or they cannot be compared
    UNAVAILABLE = "unavailable"


def _number(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ModelError(f"Change: expected a number or None, got {value!r}")
    return Decimal(value)


@attrs.frozen
class Change:
    """A change from ``previous`` to ``current``.

    ``value`` is the percentage (``PERCENT``) or the number of percentage points (``POINTS``),
    unrounded; ``None`` for the other kinds. ``current`` and ``previous`` are the figures
    compared (rates as fractions, 0.85 for 85%), kept so the prose can quote and word them.
    """

    kind: ChangeKind
    value: Decimal | None = None
    current: Decimal | None = attrs.field(default=None, converter=_number)
    previous: Decimal | None = attrs.field(default=None, converter=_number)

    def __attrs_post_init__(self) -> None:
        needs_value = self.kind in (ChangeKind.PERCENT, ChangeKind.POINTS)
        if needs_value != (self.value is not None):
            raise ModelError(
                f"Change.value: a {self.kind.value} change "
                f"{'needs' if needs_value else 'has no'} value, got {self.value!r}"
            )

    @property
    def is_available(self) -> bool:
        """Whether the two figures could be compared."""
        return self.kind is not ChangeKind.UNAVAILABLE


UNAVAILABLE = Change(ChangeKind.UNAVAILABLE)


def compare(
    current: Value | None,
    previous: Value | None,
    *,
    is_rate: bool = False,
    in_percent: bool = False,
) -> Change:
    """Compare two figures: a percentage for counts, percentage points for rates.

    Rates are given as fractions (0.85) and change by ``(current - previous) * 100`` points;
    with ``in_percent`` they are already percentages (85) and change by ``current - previous``.
    A count from 0 to more is ``NEW``; equal figures are ``FLAT``; a missing figure (``None``)
    or a non-number gives ``UNAVAILABLE``.
    """
    if previous is None and type(current) is int:
        return _unavailable_since(current)
    if not isinstance(current, int | Decimal) or isinstance(current, bool):
        return Change(ChangeKind.UNAVAILABLE, previous=_safe(previous))
    if not isinstance(previous, int | Decimal) or isinstance(previous, bool):
        return Change(ChangeKind.UNAVAILABLE, current=current)
    cur, prev = Decimal(current), Decimal(previous)
    if cur == prev:
        return Change(ChangeKind.FLAT, current=cur, previous=prev)
    if is_rate:
        points = cur - prev if in_percent else (cur - prev) * _HUNDRED
        return Change(ChangeKind.POINTS, points, cur, prev)
    if prev == 0:
        return Change(ChangeKind.NEW, current=cur, previous=prev)
    return Change(ChangeKind.PERCENT, (cur - prev) * _HUNDRED / abs(prev), cur, prev)


@functools.lru_cache(maxsize=4096)
def _unavailable_since(current: int) -> Change:
    """``compare(current, None)`` for an int: no earlier figure to compare with.

    A report compares every figure with two earlier periods, which often have no data: the
    same (immutable) change for the same count, made once. Ints only: equal Decimals may be
    written differently (``5`` and ``5.0``), and a cache would mix them up.
    """
    return Change(ChangeKind.UNAVAILABLE, current=current)


def _safe(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


@attrs.frozen
class Rank:
    """A unit's place among its siblings: ``position`` 1 is the highest figure, ``of`` how many.

    Ties share a position and the next position is skipped (1, 2, 2, 4), so ``tied`` says
    whether another sibling has the same figure.
    """

    position: int
    of: int
    tied: bool = False

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.position <= self.of:
            raise ModelError(f"Rank.position: expected 1 to {self.of}, got {self.position}")


def rank(
    figures: Mapping[str, Value | None] | Iterable[tuple[str, Value | None]],
) -> dict[str, Rank]:
    """Rank units by figure, highest first; units without a numeric figure are not ranked."""
    items = figures.items() if isinstance(figures, Mapping) else figures
    numbers = {
        unit: Decimal(value)
        for unit, value in items
        if isinstance(value, int | Decimal) and not isinstance(value, bool)
    }
    ordered = sorted(numbers.values(), reverse=True)
    counts: dict[Decimal, int] = {}
    for value in ordered:
        counts[value] = counts.get(value, 0) + 1
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, 1):
        first.setdefault(value, position)
    total = len(ordered)
    return {
        unit: _ranked(first[value], total, counts[value] > 1) for unit, value in numbers.items()
    }


@functools.lru_cache(maxsize=4096)
def _ranked(position: int, of: int, tied: bool) -> Rank:
    # A report ranks the children of its unit for every indicator: the same (immutable)
    # places over and over.
    return Rank(position, of, tied)

"""A batch's values and row locations kept as columns of small numbers.

A file of a million daily figures repeats a few indicators, a few thousand units, a few days
and a few dozen small figures: kept as a million objects (a ``DataValue`` and a location
string each) it costs half a gigabyte; kept as arrays of indexes into tables of the distinct
codes, periods and states it costs a few dozen megabytes. A value is built when it is read;
the store reads the tables and the arrays directly (each distinct code mapped to its id once).

Both classes are read-only sequences that compare equal to the tuple of their items, so a
:class:`~epireport.io.Batch` reads as before (``batch.values == ()``, ``batch.values[0]``).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import repeat
from typing import Any, Final, TypeVar, overload

from epireport.model._periods import Period
from epireport.model._values import DataValue, Value, ValueStatus

__all__ = ["RowLocations", "State", "ValueColumns"]

#: What a value says besides its indicator, unit, period and options: (status, value,
#: qualifier, submitted_at, submitted_by, comment).
_T = TypeVar("_T")

#: The largest key space :meth:`ValueColumns.may_repeat` keeps a bit per key for (32 MB).
_BITMAP_BITS: Final = 1 << 28

State = tuple[ValueStatus, Value | None, str, datetime | None, str, str]


def _intern(index: dict[Any, int], table: list[_T], key: object, item: _T) -> int:
    """The position of *item* (known by *key*) in *table*, appended if new."""
    found = index.get(key)
    if found is None:
        found = index[key] = len(table)
        table.append(item)
    return found


def _state_key(state: State) -> tuple[Any, ...]:
    # Equal is not the same here: True == 1, Decimal("1.0") == Decimal("1") and two aware
    # times of the same instant are equal, yet each is stored as written. The key keeps them
    # apart.
    status, value, qualifier, submitted_at, submitted_by, comment = state
    shown: object = value
    if isinstance(value, Decimal):
        shown = str(value)
    when = submitted_at.isoformat() if submitted_at is not None else None
    # The status by its text: an enum member hashes in Python, a str in C.
    return (status.value, type(value), shown, qualifier, when, submitted_by, comment)


class _TupleLike(Sequence[_T]):
    """A read-only sequence that compares and hashes as the tuple of its items.

    A subclass gives ``_item(index)``; a slice is a tuple.
    """

    __slots__ = ()

    def _item(self, index: int) -> _T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        if isinstance(index, slice):
            return tuple(self._item(i) for i in range(*index.indices(len(self))))
        return self._item(index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _TupleLike | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


class ValueColumns(_TupleLike[DataValue]):
    """The values of a batch: per value, indexes into tables of distinct parts (see the module).

    The tables hold the distinct indicators, units, periods, options and states. Values are
    appended with :meth:`append` (any value) or :meth:`append_plain` (a value without options
    or provenance whose parts were read before); ``self[i]`` builds the value. Equal to the
    tuple of its values.
    """

    __slots__ = (
        "_distinct",
        "_indicator_index",
        "_option_index",
        "_period_index",
        "_state_index",
        "_unit_index",
        "indicator_column",
        "indicators",
        "option_column",
        "options",
        "period_column",
        "periods",
        "state_column",
        "states",
        "unit_column",
        "units",
    )

    def __init__(self, values: Iterable[DataValue] = ()) -> None:
        #: The distinct indicator codes, unit codes, periods, option tuples and states, in
        #: order of first appearance; ``options[0]`` is ``()`` (an indicator's total).
        self.indicators: list[str] = []
        self.units: list[str] = []
        self.periods: list[Period] = []
        self.options: list[tuple[str, ...]] = [()]
        self.states: list[State] = []
        #: Per value, the index of its indicator (unit, period, options, state) in the tables.
        self.indicator_column = array("I")
        self.unit_column = array("I")
        self.period_column = array("I")
        self.option_column = array("I")
        self.state_column = array("I")
        self._indicator_index: dict[str, int] = {}
        self._unit_index: dict[str, int] = {}
        self._period_index: dict[str, int] = {}
        self._option_index: dict[tuple[str, ...], int] = {(): 0}
        self._state_index: dict[tuple[Any, ...], int] = {}
        # How many values were found to have distinct keys (-1: not looked at): a batch's
        # columns are checked by the reader and again by the store, which need not look twice.
        self._distinct = -1
        for value in values:
            self.append(value)

    # ------------------------------------------------------------------------ building

    def indicator(self, code: str) -> int:
        """The index of indicator *code* in :attr:`indicators` (added if new)."""
        return _intern(self._indicator_index, self.indicators, code, code)

    def unit(self, code: str) -> int:
        """The index of unit *code* in :attr:`units` (added if new)."""
        return _intern(self._unit_index, self.units, code, code)

    def period(self, period: Period) -> int:
        """The index of *period* in :attr:`periods` (added if new; periods are told by id)."""
        return _intern(self._period_index, self.periods, str(period), period)

    def state(self, state: State) -> int:
        """The index of *state* in :attr:`states` (added if new)."""
        return _intern(self._state_index, self.states, _state_key(state), state)

    def option(self, options: tuple[str, ...]) -> int:
        """The index of the option codes *options* in :attr:`options` (added if new)."""
        return _intern(self._option_index, self.options, options, options)

    def append_plain(self, indicator: int, unit: int, period: int, state: int) -> None:
        """Add a value without options from indexes given by :meth:`indicator` and the like."""
        self.indicator_column.append(indicator)
        self.unit_column.append(unit)
        self.period_column.append(period)
        self.option_column.append(0)
        self.state_column.append(state)

    def extend_plain(
        self, indicators: array[int], units: array[int], periods: array[int], states: array[int]
    ) -> None:
        """Add values without options, column by column (see :meth:`append_plain`)."""
        self.indicator_column.extend(indicators)
        self.unit_column.extend(units)
        self.period_column.extend(periods)
        self.option_column.extend(repeat(0, len(indicators)))
        self.state_column.extend(states)

    def append(self, value: DataValue) -> None:
        """Add *value*."""
        self.indicator_column.append(self.indicator(value.indicator))
        self.unit_column.append(self.unit(value.unit))
        self.period_column.append(self.period(value.period))
        self.option_column.append(self.option(value.options) if value.options else 0)
        self.state_column.append(
            self.state(
                (
                    value.status,
                    value.value,
                    value.qualifier,
                    value.submitted_at,
                    value.submitted_by,
                    value.comment,
                )
            )
        )

    def keep(self, positions: Iterable[int]) -> ValueColumns:
        """A copy holding only the values at *positions* (the same tables)."""
        kept = ValueColumns()
        for name in ("indicators", "units", "periods", "options", "states"):
            setattr(kept, name, getattr(self, name))
        for name in ("_indicator_index", "_unit_index", "_period_index"):
            setattr(kept, name, getattr(self, name))
        kept._option_index, kept._state_index = self._option_index, self._state_index
        wanted = list(positions)
        for column in (
            "indicator_column",
            "unit_column",
            "period_column",
            "option_column",
            "state_column",
        ):
            source = getattr(self, column)
            setattr(kept, column, array("I", (source[i] for i in wanted)))
        return kept

    def value_keys(self) -> set[tuple[str, str, Period]]:
        """The :attr:`DataValue.key <epireport.model.DataValue.key>` of every value, as a set.

        The values are not built for it.
        """
        series = {
            (i, o): f"{code}[{','.join(self.options[o])}]" if o else code
            for i, code in enumerate(self.indicators)
            for o in range(len(self.options))
        }
        units, periods = self.units, self.periods
        return {
            (series[i, o], units[u], periods[p])
            for i, o, u, p in zip(
                self.indicator_column,
                self.option_column,
                self.unit_column,
                self.period_column,
                strict=True,
            )
        }

    def keys(self) -> list[int]:
        """Per value, a number two values share only if they share a key.

        The key is :attr:`DataValue.key <epireport.model.DataValue.key>` (indicator, options,
        unit and period).
        """
        n_options, n_units, n_periods = len(self.options), len(self.units), len(self.periods)
        return [
            ((i * n_options + o) * n_units + u) * n_periods + p
            for i, o, u, p in zip(
                self.indicator_column,
                self.option_column,
                self.unit_column,
                self.period_column,
                strict=True,
            )
        ]

    def may_repeat(self) -> bool:
        """Whether two values may share a key (``False``: surely not; see :meth:`keys`).

        One bit per possible key while the keys are few enough (a million daily figures of
        a few indicators take a few hundred kilobytes), else a set of the keys.
        """
        if self._distinct == len(self):
            return False  # known since the last value was added
        n_options, n_units, n_periods = len(self.options), len(self.units), len(self.periods)
        space = len(self.indicators) * n_options * n_units * n_periods
        if space > _BITMAP_BITS:
            keys = self.keys()
            if len(set(keys)) != len(keys):
                return True
            self._distinct = len(self)
            return False
        seen = bytearray((space >> 3) + 1)
        for i, o, u, p in zip(
            self.indicator_column,
            self.option_column,
            self.unit_column,
            self.period_column,
            strict=True,
        ):
            key = ((i * n_options + o) * n_units + u) * n_periods + p
            byte, bit = key >> 3, 1 << (key & 7)
            if seen[byte] & bit:
                return True
            seen[byte] |= bit
        self._distinct = len(self)
        return False

    # ------------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self.indicator_column)

    def _build(self, i: int, o: int, u: int, p: int, s: int) -> DataValue:
        status, value, qualifier, submitted_at, submitted_by, comment = self.states[s]
        return DataValue._trusted(
            self.indicators[i],
            self.units[u],
            self.periods[p],
            status,
            value,
            submitted_at,
            submitted_by,
            comment,
            self.options[o],
            qualifier,
        )

    def _item(self, index: int) -> DataValue:
        return self._build(
            self.indicator_column[index],
            self.option_column[index],
            self.unit_column[index],
            self.period_column[index],
            self.state_column[index],
        )

    def __iter__(self) -> Iterator[DataValue]:
        build = self._build
        for i, o, u, p, s in zip(
            self.indicator_column,
            self.option_column,
            self.unit_column,
            self.period_column,
            self.state_column,
            strict=True,
        ):
            yield build(i, o, u, p, s)


# "sheet 社会宣传, row 12" -> ("sheet 社会宣传, row ", 12, ""); "$.dataValues[3]" ->
# ("$.dataValues[", 3, "]"): the last number of a location, with what stands around it.
_NUMBERED: Final = re.compile(r"([0-9]{1,15})([^0-9]*)\Z")


class RowLocations(_TupleLike[str]):
    """Where each value of a batch was read (``row 12``), as a number and a shared pattern.

    Equal to the tuple of its locations.
    """

    __slots__ = ("_number", "_pattern", "_pattern_index", "_patterns")

    def __init__(self, locations: Iterable[str] = ()) -> None:
        self._patterns: list[tuple[str, str]] = []
        self._pattern_index: dict[tuple[str, str], int] = {}
        self._pattern = array("I")
        self._number = array("q")
        for location in locations:
            self.append(location)

    def _pattern_of(self, prefix: str, suffix: str) -> int:
        key = (prefix, suffix)
        return _intern(self._pattern_index, self._patterns, key, key)

    def append(self, location: str) -> None:
        """Add *location*."""
        match = _NUMBERED.search(location)
        if match is None or (match.group(1)[:1] == "0" and match.group(1) != "0"):
            # No number, or one written with a leading zero: kept whole.
            self._pattern.append(self._pattern_of(location, ""))
            self._number.append(-1)
            return
        self._pattern.append(self._pattern_of(location[: match.start()], match.group(2)))
        self._number.append(int(match.group(1)))

    def append_numbered(self, prefix: str, number: int) -> None:
        """Add the location *prefix* followed by *number* (``row `` and 12: ``row 12``)."""
        self._pattern.append(self._pattern_of(prefix, ""))
        self._number.append(number)

    def extend_numbered(self, prefix: str, numbers: array[int]) -> None:
        """Add the locations *prefix* followed by each of *numbers* (``row `` and 12, 13...)."""
        self._pattern.extend(repeat(self._pattern_of(prefix, ""), len(numbers)))
        self._number.extend(numbers)

    def append_parts(self, prefix: str, number: int, suffix: str) -> None:
        """Add the location *prefix*, *number*, *suffix* (``sheet 表, row 12, column D``)."""
        self._pattern.append(self._pattern_of(prefix, suffix))
        self._number.append(number)

    def keep(self, positions: Iterable[int]) -> RowLocations:
        """A copy holding only the locations at *positions*."""
        kept = RowLocations()
        kept._patterns, kept._pattern_index = self._patterns, self._pattern_index
        wanted = list(positions)
        kept._pattern = array("I", (self._pattern[i] for i in wanted))
        kept._number = array("q", (self._number[i] for i in wanted))
        return kept

    def __len__(self) -> int:
        return len(self._number)

    def _item(self, index: int) -> str:
        prefix, suffix = self._patterns[self._pattern[index]]
        number = self._number[index]
        return prefix if number < 0 else f"{prefix}{number}{suffix}"

    def __iter__(self) -> Iterator[str]:
        patterns = self._patterns
        for pattern, number in zip(self._pattern, self._number, strict=True):
            prefix, suffix = patterns[pattern]
            yield prefix if number < 0 else f"{prefix}{number}{suffix}"


def as_columns(values: Iterable[DataValue]) -> ValueColumns:
    """*values* as columns (the same object if it is one already)."""
    return values if isinstance(values, ValueColumns) else ValueColumns(values)


def as_locations(rows: Sequence[str]) -> RowLocations:
    """*rows* as locations (the same object if it is one already)."""
    return rows if isinstance(rows, RowLocations) else RowLocations(rows)

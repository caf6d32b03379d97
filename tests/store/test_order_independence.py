"""The stored figures depend on the submissions, never on the order they were ingested in.

A submission is what one copy of a form says: a value or an empty cell for each cell it covers,
and when it was filled in (填报时间). Clerks send corrections, re-send old copies, clear cells and
send the same file twice; whatever the order, the store must hold for each cell what the latest
submission covering it says (nothing, when that submission left it empty).
"""

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from epireport.model._periods import Period
from epireport.model._units import OrgUnit
from epireport.model._values import DataValue
from epireport.store import Store

UNITS = (OrgUnit("S01", "东街道"), OrgUnit("S02", "西街道"))
DAYS = (Period.parse("20200201"), Period.parse("20200202"))
CELLS = tuple(
    (indicator, unit.code, day) for indicator in ("a", "b") for unit in UNITS for day in DAYS
)

Cell = tuple[str, str, Period]
Submission = tuple[dt.datetime, dict[Cell, int | None]]


@st.composite
def submissions(draw: st.DrawFn) -> list[Submission]:
    """Up to five copies of a form, each filled at its own time, covering some of the cells."""
    count = draw(st.integers(1, 5))
    minutes = draw(st.lists(st.integers(0, 10_000), min_size=count, max_size=count, unique=True))
    made = []
    for minute in minutes:
        when = dt.datetime(2020, 2, 2, 8, 0) + dt.timedelta(minutes=minute)
        covered = draw(st.lists(st.sampled_from(CELLS), min_size=1, unique=True))
        cells = {cell: draw(st.none() | st.integers(0, 50)) for cell in covered}
        made.append((when, cells))
    return made


class OrderOfIngest(RuleBasedStateMachine):
    """Ingest, correct, withdraw and re-ingest copies of a form in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.store = Store.open(":memory:")
        self.sent: list[Submission] = []
        self.ingested: set[int] = set()

    @initialize(made=submissions())
    def make(self, made: list[Submission]) -> None:
        self.sent = made

    @rule(data=st.data())
    def ingest_one(self, data: st.DataObject) -> None:
        index = data.draw(st.integers(0, len(self.sent) - 1))
        when, cells = self.sent[index]
        values = [
            DataValue.reported(indicator, unit, day, number, submitted_at=when)
            for (indicator, unit, day), number in cells.items()
            if number is not None
        ]
        self.store.ingest(
            values,
            f"copy-{index}.xlsx",
            units=UNITS,
            institution="t",
            scope=tuple(cells),
            submitted_at=when,
        )
        self.ingested.add(index)

    @invariant()
    def holds_what_the_latest_submissions_say(self) -> None:
        expected: dict[Cell, int] = {}
        latest: dict[Cell, dt.datetime] = {}
        for index in self.ingested:
            when, cells = self.sent[index]
            for cell, number in cells.items():
                if cell not in latest or when > latest[cell]:
                    latest[cell] = when
                    if number is None:
                        expected.pop(cell, None)
                    else:
                        expected[cell] = number
        stored = {value.key: value.value for value in self.store.values()}
        assert stored == expected

    def teardown(self) -> None:
        self.store.close()


OrderOfIngest.TestCase.settings = settings(max_examples=60, stateful_step_count=12, deadline=None)
TestOrderOfIngest = OrderOfIngest.TestCase

"""The category axis: both engines against the specification, and worked examples by hand."""

import datetime
import importlib.util
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.aggregate._categories import category_sums
from epireport.aggregate._engine import PythonEngine, aggregate
from epireport.aggregate._plan import AggregationPlan, make_plan
from epireport.aggregate._results import AggregateSet, AggregateStatus
from epireport.aggregate._validate import children_sum_violations
from epireport.exceptions import ModelError
from epireport.model._indicators import (
    Category,
    CategoryOption,
    Indicator,
    IndicatorKind,
    IndicatorSet,
)
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.testing import SpecificationEngine
from epireport.testing.strategies import categories, org_trees

D = datetime.date
DAYS = [Period.day(D(2020, 2, d)) for d in range(1, 6)]
SHAPES = [*DAYS, Period.interval(D(2020, 2, 1), D(2020, 2, 3))]
TARGETS = [Period.interval(D(2020, 2, 1), D(2020, 2, 5)), DAYS[1], DAYS[4]]
SPEC = SpecificationEngine()
HAS_IBIS = all(importlib.util.find_spec(m) is not None for m in ("ibis", "duckdb", "pyarrow"))

ORIGIN = Category(
    "origin",
    "来源地",
    (
        CategoryOption("hubei", "湖北"),
        CategoryOption("wuhan", "武汉", parent="hubei"),
        CategoryOption("hubei_other", "湖北其他地区", parent="hubei"),
        CategoryOption("outside", "省外其他地区"),
    ),
)
RETURNEES = Indicator("returnees", "返乡人员", "人", categories=(ORIGIN,))


@st.composite
def plans_and_values(draw: st.DrawFn) -> tuple[AggregationPlan, list[DataValue]]:
    """A random tree, a flow or stock split by one or two random categories, values at any node."""
    tree = draw(org_trees(max_units=6, max_roots=1))
    cats = [draw(categories(prefix="a", max_options=5))]
    if draw(st.booleans()):
        cats.append(draw(categories(prefix="b", max_options=3)))
    kind = draw(st.sampled_from((IndicatorKind.FLOW, IndicatorKind.STOCK)))
    split = Indicator("i", "指标", kind=kind, categories=cats)
    plain = Indicator("j", "其他")
    targets = draw(
        st.lists(st.tuples(st.sampled_from(tree.codes), st.sampled_from(TARGETS)), min_size=1)
    )
    plan = make_plan(
        tree,
        (split, plain),
        targets,
        frequency=draw(st.sampled_from((PeriodType.DAY, None))),
    )
    leaves = [u.code for u in tree.leaves()]
    number = st.one_of(st.integers(0, 500), st.decimals(0, 50, places=1, allow_nan=False))
    values = []
    for _ in range(draw(st.integers(0, 30))):
        unit = draw(st.sampled_from(leaves if draw(st.integers(0, 3)) else tree.codes))
        options = [
            o.code for c in cats if (o := draw(st.none() | st.sampled_from(c.options))) is not None
        ]
        indicator = draw(st.sampled_from(("i", "i", "i", "j")))
        status = draw(st.sampled_from([*ValueStatus, *[ValueStatus.REPORTED] * 4]))
        values.append(
            DataValue(
                indicator,
                unit,
                draw(st.sampled_from(SHAPES)),
                status,
                draw(number) if status is ValueStatus.REPORTED else None,
                options=options if indicator == "i" else (),
            )
        )
    return plan, values


def everything(result: AggregateSet) -> dict[object, object]:
    """Every field of every aggregate, sources included."""
    return {key: (a.status, a.value, a.coverage, a.reason, a.sources) for key, a in result.items()}


def figures(result: AggregateSet) -> dict[object, object]:
    """Status, figure and coverage of every aggregate."""
    return {key: (a.status, a.value, a.coverage) for key, a in result.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_python_engine_matches_the_specification(
    data: tuple[AggregationPlan, list[DataValue]],
) -> None:
    """With categories, the Python engine gives the specification's aggregates and sources."""
    plan, values = data
    expected = SPEC.execute(plan, values)
    got = PythonEngine(collect_sources=True).execute(plan, values)
    assert list(got) == list(expected)
    assert everything(got) == everything(expected)
    fast = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(fast) == figures(expected)


_IBIS: list[object] = []


def _ibis_engine():
    """One Ibis engine (one in-memory DuckDB) for every example."""
    if not _IBIS:
        from epireport.aggregate._ibis import IbisEngine

        _IBIS.append(IbisEngine())
    return _IBIS[0]


@pytest.mark.skipif(not HAS_IBIS, reason="the Ibis engine needs epireport[scale]")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_ibis_engine_matches_the_specification(
    data: tuple[AggregationPlan, list[DataValue]],
) -> None:
    """With categories, the Ibis engine gives the specification's figures and coverages."""
    plan, values = data
    expected = SPEC.execute(plan, values)
    got = _ibis_engine().execute(plan, values)
    assert list(got) == list(expected)
    assert figures(got) == figures(expected)


def town() -> OrgTree:
    """A township T with villages V1 and V2."""
    return OrgTree(
        (OrgUnit("T", "镇"), OrgUnit("V1", "一村", "T"), OrgUnit("V2", "二村", "T")),
        ("镇", "村"),
    )


def returned(unit: str, figure: int, *options: str, day: int = 3) -> DataValue:
    """A reported number of returnees from *options* for *unit*."""
    return DataValue.reported("returnees", unit, DAYS[day - 1], figure, options=options)


class TestWorkedExamples:
    def test_options_add_up_to_the_total_and_nested_options_to_theirs(self) -> None:
        """The total is the sum over the top options; 湖北 the sum of 武汉 and 湖北其他地区."""
        values = [
            returned("V1", 30, "wuhan"),
            returned("V1", 10, "hubei_other"),
            returned("V1", 60, "outside"),
            returned("V2", 22, "wuhan"),
            returned("V2", 20, "hubei_other"),
            returned("V2", 58, "outside"),
        ]
        plan = make_plan(town(), (RETURNEES,), [("T", DAYS[2]), ("V1", DAYS[2])])
        found = aggregate(plan, values)
        assert found.value("returnees", "T", DAYS[2]) == 200
        assert found.value("returnees[wuhan]", "T", DAYS[2]) == 52
        assert found.value("returnees[hubei]", "T", DAYS[2]) == 82
        assert found.value("returnees[outside]", "V1", DAYS[2]) == 60
        total = found.get_aggregate("returnees", "T", DAYS[2])
        assert set(total.sources) == set(values)
        assert total.coverage.submitted == 2

    def test_a_stated_figure_is_authoritative_and_checked(self) -> None:
        """A stated 湖北 figure wins over its options, and the difference is reported."""
        values = [
            returned("V1", 41, "hubei"),
            returned("V1", 30, "wuhan"),
            returned("V1", 10, "hubei_other"),
        ]
        plan = make_plan(town(), (RETURNEES,), [("V1", DAYS[2])])
        found = aggregate(plan, values)
        assert found.value("returnees[hubei]", "V1", DAYS[2]) == 41
        assert found.value("returnees", "V1", DAYS[2]) == 41
        (clash,) = category_sums({"returnees": (ORIGIN,)}, values)
        assert (clash.series, clash.stated, clash.total) == ("returnees[hubei]", 41, 40)
        (violation,) = children_sum_violations((RETURNEES,), values, found, {}, DAYS[2])
        assert violation.rule.code == "category-sum.returnees"
        assert "V1 states returnees[hubei] = 41, its options add up to 40" in violation.message
        assert "returnees[wuhan] 30、returnees[hubei_other] 10" in violation.message

    def test_missing_options_and_zero_reports(self) -> None:
        """Options stated missing make a missing total; zero-reports add up to a zero-report."""
        values = [
            DataValue.missing("returnees", "V1", DAYS[2], options=("outside",)),
            DataValue.zero_report("returnees", "V2", DAYS[2], options=("wuhan",)),
            DataValue.zero_report("returnees", "V2", DAYS[2], options=("outside",)),
        ]
        plan = make_plan(town(), (RETURNEES,), [("V1", DAYS[2]), ("V2", DAYS[2])])
        found = aggregate(plan, values)
        assert found.get_aggregate("returnees", "V1", DAYS[2]).status is AggregateStatus.MISSING
        v2 = found.get_aggregate("returnees", "V2", DAYS[2])
        assert (v2.value, v2.coverage.zero_reports) == (0, 1)

    def test_decimal_options(self) -> None:
        """Decimal figures add up exactly."""
        tonnes = Indicator("waste", "医废", "吨", "decimal", categories=(ORIGIN,))
        values = [
            DataValue.reported("waste", "V1", DAYS[0], Decimal("1.25"), options=("wuhan",)),
            DataValue.reported("waste", "V1", DAYS[0], Decimal("0.5"), options=("outside",)),
        ]
        found = aggregate(make_plan(town(), (tonnes,), [("V1", DAYS[0])]), values)
        assert found.value("waste", "V1", DAYS[0]) == Decimal("1.75")


class TestModel:
    def test_series_of_a_nested_category(self) -> None:
        """The total comes first, then every option in preorder, each with its own code."""
        assert RETURNEES.series() == ((), ("hubei",), ("wuhan",), ("hubei_other",), ("outside",))
        codes = [i.code for i in RETURNEES.series_indicators()]
        assert codes[:3] == ["returnees", "returnees[hubei]", "returnees[wuhan]"]
        assert RETURNEES.series_indicators()[2].name == "返乡人员（武汉）"

    def test_only_summed_counts_are_split(self) -> None:
        """A rate or an averaged figure cannot be disaggregated."""
        with pytest.raises(ModelError, match="only a numeric flow or stock summed"):
            Indicator("x", "平均", unit_aggregation="average", categories=(ORIGIN,))

    def test_bad_categories_are_refused(self) -> None:
        """Unknown parents, duplicate options and cycles are refused, naming the category."""
        with pytest.raises(ModelError, match="parent 'ghost' is not an option"):
            Category("c", "类", (CategoryOption("a", "甲", parent="ghost"),))
        with pytest.raises(ModelError, match="'a' is listed twice"):
            Category("c", "类", (CategoryOption("a", "甲"), CategoryOption("a", "乙")))
        with pytest.raises(ModelError, match="form a cycle"):
            Category(
                "c", "类", (CategoryOption("a", "甲", parent="b"), CategoryOption("b", "乙", "a"))
            )

    def test_values_are_checked_against_the_categories(self) -> None:
        """A value names options of the indicator's categories, one per category."""
        returned("V1", 1, "wuhan").check_against(RETURNEES)
        with pytest.raises(ModelError, match="unknown category option 'paris'"):
            returned("V1", 1, "paris").check_against(RETURNEES)
        with pytest.raises(ModelError, match="both of category 'origin'"):
            returned("V1", 1, "wuhan", "outside").check_against(RETURNEES)

    def test_a_set_declares_each_category_once(self) -> None:
        """Two different categories of one code in a set are refused."""
        other = Category("origin", "来源", (CategoryOption("x", "某地"),))
        with pytest.raises(ModelError, match="category 'origin' differs"):
            IndicatorSet(
                "s",
                "集",
                (RETURNEES, Indicator("b", "乙", categories=(other,))),
                categories=(ORIGIN,),
            )


@pytest.mark.skipif(not HAS_IBIS, reason="the Ibis engine needs epireport[scale]")
@pytest.mark.parametrize("engine", ["python", "ibis"])
def test_run_plan_resolves_categories_on_either_engine(engine: str) -> None:
    """Whichever engine run_plan picks, options add up to their nested sums and the total."""
    from epireport.aggregate._choose import run_plan

    values = [returned("V1", 30, "wuhan"), returned("V2", 52, "hubei_other")]
    plan = make_plan(town(), (RETURNEES,), [("T", DAYS[2])])
    found = run_plan(plan, values, engine=engine)
    assert found.value("returnees[hubei]", "T", DAYS[2]) == 82
    assert found.value("returnees", "T", DAYS[2]) == 82


@pytest.mark.skipif(not HAS_IBIS, reason="the Ibis engine needs the 'scale' extra")
def test_the_ibis_engine_over_a_store_resolves_options_and_skips_withdrawn_values(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Read from the store, options are resolved as in memory and withdrawn values are gone.

    Read as totals, 武汉 and 湖北其他地区 would be added to the stated 湖北 figure; a withdrawn
    value (a cell emptied in a re-sent form) still sits in its row, marked withdrawn.
    """
    import sqlite3

    from epireport.aggregate._columns import from_file, from_store
    from epireport.aggregate._ibis import IbisEngine
    from epireport.store import Store

    tree = OrgTree((OrgUnit("T", "镇"), OrgUnit("V1", "一村", "T"), OrgUnit("V2", "二村", "T")))
    plain = Indicator("visits", "走访")
    day = DAYS[0]
    values = [
        DataValue.reported("returnees", "V1", day, 3, options=("wuhan",)),
        DataValue.reported("returnees", "V1", day, 2, options=("hubei_other",)),
        DataValue.reported("returnees", "V1", day, 4, options=("outside",)),
        DataValue.reported("returnees", "V2", day, 7, options=("hubei",)),
        DataValue.reported("returnees", "V2", day, 5, options=("wuhan",)),
        DataValue.reported("visits", "V1", day, 10),
        DataValue.reported("visits", "V2", day, 20),
    ]
    path = tmp_path / "store.sqlite"
    with Store.open(path) as store:
        store.ingest(values, "v.csv", units=tree.units, institution="t")
    db = sqlite3.connect(path)
    db.execute(
        "UPDATE data_values SET withdrawn = 1 WHERE unit_id = "
        "(SELECT id FROM units WHERE code = 'V2') AND indicator_id = "
        "(SELECT id FROM indicators WHERE code = 'visits')"
    )
    db.commit()
    db.close()
    plan = make_plan(
        tree, (RETURNEES, plain), [(u, day) for u in ("T", "V1", "V2")], frequency=None
    )
    current = values[:-1]
    expected = PythonEngine(collect_sources=False).execute(plan, current)
    got = IbisEngine().execute(plan, from_store(path, plan))
    shown = {k: (a.status, a.value) for k, a in got.items()}
    assert shown == {k: (a.status, a.value) for k, a in expected.items()}
    assert expected.value("returnees", "T", day) == 3 + 2 + 4 + 7 + 0  # V2's 湖北 wins
    assert expected.value("visits", "T", day) == 10
    with Store.open(path) as store:
        store.ingest([DataValue.reported("visits", "V1", DAYS[1], 480, qualifier="余")], "b.csv")
    with pytest.raises(ModelError, match="approximate figure"):
        from_store(path, plan)
    csv = tmp_path / "values.csv"
    csv.write_text(
        "indicator,unit,period,value,options\nreturnees,V1,20200201,3,wuhan\n", encoding="utf-8"
    )
    with pytest.raises(ModelError, match="category options"):
        from_file(csv, plan)

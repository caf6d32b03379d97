"""Facts of an indicator split by categories: one per option, with changes, coverage and notes."""

from epireport.aggregate._compare import ChangeKind
from epireport.facts import compute_facts
from epireport.model._indicators import Category, CategoryOption, Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue

ORIGIN = Category(
    "origin",
    "来源地",
    (CategoryOption("wuhan", "武汉"), CategoryOption("outside", "省外其他地区")),
)
INSTITUTION = Institution(
    code="town",
    title="乡镇",
    indicator_sets=(
        IndicatorSet(
            "s", "返乡", (Indicator("returnees", "返乡人员", "人", categories=(ORIGIN,)),)
        ),
    ),
    level_names=("镇", "村"),
)
TREE = OrgTree(
    (OrgUnit("T", "镇"), OrgUnit("V1", "一村", "T"), OrgUnit("V2", "二村", "T")), ("镇", "村")
)
DAY, BEFORE = Period.parse("20200210"), Period.parse("20200209")


def value(unit: str, period: Period, figure: int, option: str) -> DataValue:
    """A reported number of returnees from *option*."""
    return DataValue.reported("returnees", unit, period, figure, options=(option,))


def report(*values: DataValue) -> ReportInput:
    """The town's report for DAY."""
    return ReportInput(institution="town", unit="T", period=DAY, tree=TREE, values=values)


def test_each_option_is_a_fact_with_its_change_and_coverage() -> None:
    """An option's fact compares with the previous day and counts the units that reported it."""
    facts = compute_facts(
        report(
            value("V1", BEFORE, 10, "wuhan"),
            value("V1", DAY, 12, "wuhan"),
            value("V2", DAY, 3, "wuhan"),
            value("V1", DAY, 40, "outside"),
        ),
        INSTITUTION,
    )
    wuhan = facts.get("returnees[wuhan]")
    assert (wuhan.value, wuhan.name, wuhan.classifier) == (15, "返乡人员（武汉）", "人")
    assert wuhan.previous.kind is ChangeKind.PERCENT
    assert wuhan.previous.value == 50
    assert wuhan.coverage.submitted == 2
    assert facts.get("returnees").value == 55
    assert facts.get("returnees[outside]", "V2").value is None
    assert facts.get("returnees[wuhan]", "V1").rank is not None
    assert facts.completeness().by_unit.expected == 2


def test_a_stated_total_that_differs_from_its_options_is_a_note() -> None:
    """A village's stated total against its options is a category-sum note on the fact."""
    facts = compute_facts(
        report(
            DataValue.reported("returnees", "V1", DAY, 50),
            value("V1", DAY, 12, "wuhan"),
            value("V1", DAY, 40, "outside"),
        ),
        INSTITUTION,
    )
    (note,) = facts.get("returnees").notes
    assert note.rule.code == "category-sum.returnees"
    assert note.unit == "V1"
    assert facts.get("returnees").value == 50
    assert facts.get("returnees[wuhan]").value == 12

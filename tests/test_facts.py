import datetime
from decimal import Decimal

import pytest

from epireport.aggregate._compare import ChangeKind, Rank
from epireport.aggregate._results import AggregateStatus, Coverage
from epireport.aggregate._rules import ValidationRule
from epireport.exceptions import ModelError
from epireport.facts import FactSet, compute_facts, report_completeness, value_id
from epireport.model._indicators import Indicator, IndicatorKind, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue

D = datetime.date
PUBLICITY = IndicatorSet(
    code="publicity",
    title="社会宣传",
    indicators=(
        Indicator(code="leaflets", name="宣传单", classifier="张"),
        Indicator(code="banners", name="标语横幅", classifier="条"),
    ),
)
DISTRICT = Institution(
    code="district-publicity",
    title="区委宣传部",
    indicator_sets=(PUBLICITY,),
    level_names=("区", "街道", "社区"),
)
TREE = OrgTree(
    (
        OrgUnit("D", "某区"),
        OrgUnit("S1", "东街道", "D"),
        OrgUnit("S2", "西街道", "D"),
        OrgUnit("C11", "一社区", "S1"),
        OrgUnit("C12", "二社区", "S1"),
        OrgUnit("C21", "三社区", "S2"),
        OrgUnit("C22", "四社区", "S2"),
    ),
    ("区", "街道", "社区"),
)
PERIOD = Period.interval(D(2020, 2, 1), D(2020, 2, 3))
DAILY = {"C11": (100, 120, 80), "C12": (50, 0, 70), "C21": (200, 210, 190), "C22": (10, 20, 30)}


def district_report() -> ReportInput:
    values = []
    for unit, figures in DAILY.items():
        for offset, figure in enumerate(figures):
            day = Period.day(D(2020, 2, 1 + offset))
            if figure:
                values.append(DataValue.reported("leaflets", unit, day, figure))
            else:
                values.append(DataValue.zero_report("leaflets", unit, day))
            # History for 环比: the three days before, 100 leaflets per community per day.
            before = Period.day(D(2020, 1, 29 + offset))
            values.append(DataValue.reported("leaflets", unit, before, 100))
    return ReportInput(
        institution="district-publicity", unit="D", period=PERIOD, tree=TREE, values=tuple(values)
    )


class TestDistrict:
    def test_figures_for_the_unit_and_its_children(self) -> None:
        """The district gets 1080 leaflets, its streets 420 and 660, in indicator-set order."""
        facts = compute_facts(district_report(), DISTRICT)
        assert facts.get("leaflets").value == 1080
        assert facts.get("leaflets", "S1").value == 420
        assert facts.get("leaflets", "S2").value == 660
        assert [(f.indicator, f.unit) for f in facts] == [
            (code, unit) for code in ("leaflets", "banners") for unit in ("D", "S1", "S2")
        ]

    def test_comparison_with_previous_period(self) -> None:
        """环比: 1080 against 1200 in the three days before is a fall of 10 percent."""
        fact = compute_facts(district_report(), DISTRICT).get("leaflets")
        assert fact.previous.kind is ChangeKind.PERCENT
        assert fact.previous.value == Decimal(-10)
        assert fact.last_year.kind is ChangeKind.UNAVAILABLE

    def test_cumulative_and_rank(self) -> None:
        """累计 runs from the earliest history; the western street ranks first of two."""
        facts = compute_facts(district_report(), DISTRICT)
        fact = facts.get("leaflets")
        assert fact.cumulative == 1080 + 1200
        assert fact.cumulative_period == Period.interval(D(2020, 1, 29), D(2020, 2, 3))
        assert facts.get("leaflets", "S2").rank == Rank(1, 2)
        assert fact.rank is None

    def test_absent_indicator_says_why(self) -> None:
        """Banners nobody reported are missing with coverage 0 of 12, never 0."""
        fact = compute_facts(district_report(), DISTRICT).get("banners")
        assert fact.value is None
        assert fact.status is AggregateStatus.MISSING
        assert fact.coverage == Coverage(12, 0, 0)

    def test_provenance_and_metadata(self) -> None:
        """A fact names its classifier, coverage and the data values behind it."""
        fact = compute_facts(district_report(), DISTRICT).get("leaflets", "S1")
        assert (fact.classifier, fact.name, fact.unit_name) == ("张", "宣传单", "东街道")
        assert fact.coverage == Coverage(6, 6, 1)
        assert len(fact.sources) == 6
        assert "leaflets@C12@20200202" in fact.source_ids
        assert fact.id == "leaflets@S1@2020-02-01/2020-02-03"
        assert value_id(fact.sources[0]) == fact.source_ids[0]

    def test_validation_notes(self) -> None:
        """A rule failing on a community's data is a note on its street and district facts."""
        rule = ValidationRule("not-190", "leaflets", "!=", "190", importance="warning")
        facts = compute_facts(district_report(), DISTRICT, rules=[rule])
        assert facts.get("leaflets", "S1").notes == ()
        notes = facts.get("leaflets", "S2").notes
        assert [(v.unit, str(v.period), v.aggregated) for v in notes] == [
            ("C21", "20200203", False)
        ]
        assert facts.get("leaflets").notes == notes
        assert facts.get("banners", "S2").notes == ()

    def test_unknown_rule_codes_are_rejected(self) -> None:
        """Rules naming indicators the institution lacks are refused."""
        with pytest.raises(ModelError, match="unknown indicator"):
            compute_facts(district_report(), DISTRICT, rules=[ValidationRule("r", "x", "<", "1")])

    def test_factset_lookup(self) -> None:
        """A FactSet finds facts by key and lists them per indicator and per unit."""
        facts = compute_facts(district_report(), DISTRICT)
        assert isinstance(facts, FactSet)
        assert facts.find("nope") is None
        with pytest.raises(KeyError, match="nope"):
            facts.get("nope")
        assert [f.unit for f in facts.for_indicator("leaflets")] == ["D", "S1", "S2"]
        assert [f.indicator for f in facts.for_unit("S2")] == ["leaflets", "banners"]
        assert ("leaflets", "D", PERIOD) in facts
        assert len(facts) == 6
        # The district's example reports carry no submission time: 报送, never 按时.
        assert facts.coverage_phrase() == "4个社区全部报送"


class TestShortForm:
    def test_reporting_unit_states_its_own_figure(self) -> None:
        """A short-form input without a tree gives the stated figure with full coverage."""
        report = ReportInput(
            institution="district-publicity",
            unit="D",
            unit_name="某区",
            period=PERIOD,
            values=(DataValue.reported("leaflets", "D", PERIOD, 32456),),
        )
        fact = compute_facts(report, DISTRICT).get("leaflets")
        assert (fact.value, fact.coverage) == (32456, Coverage(1, 1, 0))
        assert fact.unit_name == "某区"


class TestEducationBureau:
    def test_screening_with_zero_report_and_missing(self) -> None:
        """Three schools of two classes screened daily: one zero-report, one missing report."""
        screening = IndicatorSet(
            code="school-screening",
            title="师生排查",
            indicators=(
                Indicator(
                    code="screened", name="排查师生", classifier="人", kind=IndicatorKind.STOCK
                ),
                Indicator(
                    code="isolated", name="隔离师生", classifier="人", kind=IndicatorKind.STOCK
                ),
            ),
        )
        bureau = Institution(code="education-bureau", title="县科教局", indicator_sets=(screening,))
        units = [OrgUnit("B", "县科教局")]
        for s in (1, 2, 3):
            units.append(OrgUnit(f"S{s}", f"第{s}小学", "B"))
            units.extend(OrgUnit(f"S{s}C{c}", f"{c}班", f"S{s}") for c in (1, 2))
        tree = OrgTree(units, ("局", "学校", "班级"))
        day = Period.day(D(2020, 2, 3))
        at = datetime.datetime(2020, 2, 3, 20)
        values = (
            DataValue.reported("screened", "S1", day, 800, submitted_at=at),
            DataValue.reported("isolated", "S1", day, 2, submitted_at=at),
            DataValue.reported("screened", "S2", day, 600, submitted_at=at),
            DataValue.zero_report("isolated", "S2", day, submitted_at=at),
            DataValue.zero_report("screened", "S3C1", day, submitted_at=at),
            DataValue.zero_report("isolated", "S3C1", day, submitted_at=at),
        )
        report = ReportInput(
            institution="education-bureau", unit="B", period=day, tree=tree, values=values
        )
        facts = compute_facts(report, bureau, reporting_level=2)
        assert facts.coverage_phrase() == "3个学校中2个按时报送，1个零报告"
        # The completeness alone, at either level, is the facts' own.
        assert report_completeness(report, bureau, reporting_level=2) == facts.completeness()
        assert report_completeness(report, bureau) == compute_facts(report, bureau).completeness()
        assert facts.get("screened").value == 1400
        assert facts.get("isolated").value == 2
        # Class 2 of school 3 never reported: school 3's figure is its class 1's zero, 1 of 2.
        school3 = facts.get("screened", "S3")
        assert (school3.value, school3.coverage) == (0, Coverage(2, 1, 1))
        assert facts.get("screened", "S1").rank == Rank(1, 3)

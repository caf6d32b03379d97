"""A final render runs the engine once: the check's violations read off the facts' run.

``render_report`` used to run the check (one report slot per period) and then the facts (the
institution's slots) over the same values. The facts' run now answers for the check when the
two give the same figures; otherwise the check runs as before. Either way a render carries
exactly what :func:`epireport.check_input` finds; these tests hold the two equal on data made
to part them (values counted in a slot twice, units opening mid-period, grandchildren, earlier
data, rules that read missing figures) and on random inputs. They also hold the facts made on
demand (a summary's children) equal to the facts made all at once, and in the same order.
"""

import datetime as dt
from decimal import Decimal

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import epireport
from epireport import Plugins, make_plugin_manager
from epireport._pipeline import check_input, render_report
from epireport.facts import _facts_and_check, compute_facts
from epireport.model._periods import Period, PeriodType
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.plugin import (
    Indicator,
    IndicatorSet,
    Institution,
    TemplateSource,
    ValidationRule,
    hookimpl,
)
from epireport.testing.strategies import institution_inputs

CASES = IndicatorSet(
    code="cases",
    title="病例",
    indicators=(
        Indicator(code="cases", name="病例", classifier="例"),
        Indicator(code="tested", name="检测", classifier="人"),
    ),
)
INSTITUTION = Institution(code="clinic", title="诊所", indicator_sets=(CASES,))
TEMPLATE = "# 情况\n\n病例{{ figure('cases') }}，检测{{ figure('tested') }}。\n"
WEEK = Period.parse("2020-02-01/2020-02-07")


def _rules(missing: str) -> list[ValidationRule]:
    return [
        ValidationRule(code="cap", left="cases", operator="<=", right="10", missing=missing),
        ValidationRule(code="tested-cases", left="cases", operator="<=", right="tested"),
    ]


class Clinic:
    def __init__(self, missing: str = "skip") -> None:
        self.missing = missing

    @hookimpl
    def epireport_register_institutions(self) -> list[Institution]:
        return [INSTITUTION]

    @hookimpl
    def epireport_register_templates(self) -> list[TemplateSource]:
        return [
            TemplateSource("clinic", loader=jinja2.DictLoader({"clinic/report.md.j2": TEMPLATE}))
        ]

    @hookimpl
    def epireport_register_validation_rules(self, institution: Institution) -> list:
        return _rules(self.missing)


def _plugins(missing: str = "skip") -> Plugins:
    return Plugins(make_plugin_manager(plugins=[Clinic(missing)], autoload=False))


def _value(indicator: str, unit: str, period: str, value: int) -> DataValue:
    return DataValue(indicator, unit, Period.parse(period), ValueStatus.REPORTED, value)


def _report(units: list[OrgUnit], values: list[DataValue]) -> ReportInput:
    return ReportInput(
        institution="clinic", unit="T", period=WEEK, tree=OrgTree(units), values=tuple(values)
    )


FLAT = [OrgUnit("T", "镇"), OrgUnit("a", "甲", "T"), OrgUnit("b", "乙", "T")]
DAILY = [
    _value(code, unit, f"2020020{day}", n)
    for day in range(1, 8)
    for unit, n in (("a", 1), ("b", 2))
    for code in ("cases", "tested")
]

REPORTS = {
    "daily": _report(FLAT, DAILY),
    # A week's value over a's days: the facts count a's slots twice (undefined), the check
    # has one slot and a figure the cap reads (11 > 10).
    "slot counted twice": _report(FLAT, [*DAILY, _value("cases", "a", "2020-02-01/2020-02-07", 4)]),
    # The week's value alone for a, and a day of b: the same figures either way.
    "whole-period value": _report(
        FLAT,
        [
            _value("cases", "a", "2020-02-01/2020-02-07", 12),
            _value("tested", "a", "2020-02-01/2020-02-07", 20),
            _value("cases", "b", "20200203", 1),
        ],
    ),
    # b opens mid-week: it expects fewer of the facts' slots than the check's one.
    "opening mid-period": _report(
        [
            OrgUnit("T", "镇"),
            OrgUnit("a", "甲", "T"),
            OrgUnit("b", "乙", "T", opening=dt.date(2020, 2, 4)),
        ],
        [v for v in DAILY if v.unit == "a" or v.period.start >= dt.date(2020, 2, 4)],
    ),
    # Grandchildren: the check reads units the facts do not plan.
    "grandchildren": _report(
        [*FLAT, OrgUnit("a1", "甲一", "a"), OrgUnit("a2", "甲二", "a")],
        [
            _value("cases", "a1", "20200201", 9),
            _value("cases", "a2", "20200202", 8),
            _value("tested", "a1", "20200201", 5),
            _value("cases", "b", "20200201", 1),
            _value("tested", "b", "20200201", 1),
        ],
    ),
    # Earlier data: the comparison periods are planned (and read).
    "earlier data": _report(
        FLAT,
        [*DAILY, _value("cases", "a", "20200125", 30), _value("tested", "a", "20200125", 3)],
    ),
    # The town states its own figures, which disagree with its children's.
    "stated total": _report(FLAT, [*DAILY, _value("cases", "T", "2020-02-01/2020-02-07", 5)]),
    "no values": _report(FLAT, []),
    # The town below the root of its tree, beside another town with values of its own.
    "unit below the root": _report(
        [
            OrgUnit("P", "县"),
            OrgUnit("T", "镇", "P"),
            OrgUnit("a", "甲", "T"),
            OrgUnit("b", "乙", "T"),
            OrgUnit("S", "乡", "P"),
            OrgUnit("s", "丙", "S"),
        ],
        [
            *DAILY,
            _value("cases", "s", "20200201", 50),
            _value("cases", "S", "2020-02-01/2020-02-07", 70),
        ],
    ),
}


@pytest.mark.parametrize("missing", ["skip", "fail", "as_zero"])
@pytest.mark.parametrize("name", list(REPORTS))
def test_a_render_carries_what_the_check_finds(name: str, missing: str) -> None:
    """Whichever run answers, a render's violations are check_input's within the period."""
    plugins = _plugins(missing)
    report = REPORTS[name]
    expected = check_input(report, plugins=plugins)
    inst = plugins.institution("clinic")
    facts, checked = _facts_and_check(report, inst, rules=plugins.validation_rules(inst))
    if checked is not None:
        assert checked == expected
    rendered = render_report(report, plugins=plugins, draft=True)
    assert rendered.violations == tuple(v for v in expected if v.period.overlaps(report.period))
    assert list(rendered.facts) == list(facts)


def test_data_the_two_runs_part_on_is_checked_by_the_check_itself() -> None:
    """A slot counted twice: the facts have no figure, the check's cap still reads one."""
    plugins = _plugins()
    report = REPORTS["slot counted twice"]
    inst = plugins.institution("clinic")
    _facts, checked = _facts_and_check(report, inst, rules=plugins.validation_rules(inst))
    assert checked is None
    found = {(v.rule.code, v.unit) for v in check_input(report, plugins=plugins)}
    assert ("cap", "a") in found
    with pytest.raises(epireport.exceptions.RuleViolationError):
        render_report(report, plugins=plugins)


def test_the_usual_report_is_checked_from_the_facts_run() -> None:
    plugins = _plugins()
    report = REPORTS["daily"]
    inst = plugins.institution("clinic")
    _facts, checked = _facts_and_check(report, inst, rules=plugins.validation_rules(inst))
    assert checked == check_input(report, plugins=plugins)


def test_a_rule_reading_missing_figures_still_sees_the_empty_comparison_periods() -> None:
    """Without earlier data the comparison periods are left out only when no rule reads them."""
    plugins = _plugins("fail")
    report = REPORTS["daily"]
    facts = compute_facts(report, INSTITUTION, rules=_rules("fail"))
    earlier = {str(v.period) for v in facts.violations if v.aggregated and v.period != WEEK}
    assert earlier  # the previous week and last year's, every figure missing
    skipping = compute_facts(report, INSTITUTION, rules=_rules("skip"))
    assert skipping.get("cases").previous == facts.get("cases").previous
    assert render_report(report, plugins=plugins, draft=True).violations == tuple(
        v for v in check_input(report, plugins=plugins) if v.period.overlaps(WEEK)
    )


def _by_lookup(facts: epireport.FactSet, keys: list[tuple[str, str, Period]]) -> None:
    for key in reversed(keys):
        assert facts.find(*key) is not None


@pytest.mark.parametrize("name", list(REPORTS))
def test_facts_made_on_demand_equal_those_made_at_once(name: str) -> None:
    """Children's facts looked up one by one (any order) are the same, in the same order."""
    report = REPORTS[name]
    whole = list(compute_facts(report, INSTITUTION, rules=_rules("skip")))
    asked = compute_facts(report, INSTITUTION, rules=_rules("skip"))
    _by_lookup(asked, [f.key for f in whole])
    assert list(asked) == whole
    assert [f.key for f in asked] == [f.key for f in whole]
    assert [f.unit for f in whole][:3] == ["T", "a", "b"]
    assert len(asked) == len(whole)
    assert whole[0].key in asked
    # A unit below the children, asked for after the children: after them in the set.
    if name == "grandchildren":
        deeper = compute_facts(report, INSTITUTION, rules=_rules("skip"))
        assert deeper.find("cases", "a1") is not None
        assert deeper.get("cases", "a").value == Decimal(17) or deeper.get("cases", "a").value == 17
        assert [f.unit for f in deeper][-2:] == ["a1", "a1"]


@pytest.fixture(scope="module")
def installed() -> epireport.Plugins:
    return epireport.Plugins.create(strict=True)


@pytest.mark.parametrize("institution", ["district-publicity", "education-bureau"])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_random_inputs_are_checked_alike(
    institution: str, installed: epireport.Plugins, data: st.DataObject
) -> None:
    report = data.draw(institution_inputs(institution, installed), label="report")
    inst = installed.institution(institution)
    expected = check_input(report, plugins=installed)
    facts, checked = _facts_and_check(report, inst, rules=installed.validation_rules(inst))
    if checked is not None:
        assert checked == expected
    eager = compute_facts(report, inst, rules=installed.validation_rules(inst))
    _by_lookup(eager, [f.key for f in facts])
    assert list(eager) == list(facts)


@pytest.mark.parametrize("name", ["daily", "opening mid-period", "grandchildren"])
def test_a_childs_completeness_worked_out_on_demand_is_the_same(name: str) -> None:
    """The completeness and coverage phrase of a child, asked for later, are what they were."""
    from epireport.aggregate._completeness import ReportingCalendar, completeness_of

    report = REPORTS[name]
    facts = compute_facts(report, INSTITUTION, rules=_rules("skip"))
    assert report.tree is not None
    calendar = ReportingCalendar(report.tree, facts_frequency(report))
    expected = completeness_of(calendar, report.values, ("T", "a", "b"), WEEK)
    for unit in ("b", "T", "a"):
        assert facts.completeness(unit) == expected[unit]
        assert facts.coverage_phrase(unit)
    assert [f.completeness for f in facts if f.unit == "b"] == [expected["b"].by_unit] * 2


def facts_frequency(report: ReportInput) -> PeriodType | None:
    """The slots the facts count: days, when the data has daily values in the period."""
    from epireport.facts import _slot_frequency

    return _slot_frequency(report, INSTITUTION)

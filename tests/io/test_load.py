"""Report input files: the schema, every problem located, the round trip."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from epireport.exceptions import InputError
from epireport.io._load import dump_report, dumps_report, load_report, loads_report
from epireport.model._periods import Period
from epireport.model._values import ValueStatus

GOOD = """\
institution: district-publicity
unit: D01
title: 疫情防控宣传工作总结
period: 2020-01-23/2020-02-29
level_names: [区, 街道]
org_units:
  - {code: D01, name: 某区}
  - {code: S01, name: 东街道, parent: D01}
  - {code: S02, name: 西街道, parent: D01}
values:
  - {indicator: leaflets, unit: S01, period: 20200201, value: 120}
  - {indicator: leaflets, unit: S02, period: 20200201, value: 零报告}
  - {indicator: leaflets, unit: S02, period: 20200202, value: null}
  - {indicator: ratio, unit: S01, period: 202002, value: 2.5}
measures:
  - {code: garbage, title: 生活垃圾清运, frequency: 2/day, replaces: 1/day, places: [小区]}
narrative:
  plans: [某区疫情防控宣传工作方案]
"""


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_long_form_loads_every_status() -> None:
    """A number, 零报告 and null load as reported, zero-report and missing, never confused."""
    report = loads_report(GOOD)
    statuses = [v.status for v in report.values]
    assert statuses == [
        ValueStatus.REPORTED,
        ValueStatus.ZERO_REPORT,
        ValueStatus.MISSING,
        ValueStatus.REPORTED,
    ]
    assert report.values[0].value == 120
    assert report.values[2].numeric is None
    assert report.values[1].numeric == 0
    assert report.values[3].value == Decimal("2.5")
    assert report.period == Period.parse("2020-01-23/2020-02-29")
    assert report.tree is not None
    assert report.tree.children("D01") == ("S01", "S02") or [
        u.code for u in report.tree.children("D01")
    ] == ["S01", "S02"]
    assert report.narrative["plans"] == ("某区疫情防控宣传工作方案",)


def test_short_form_is_about_the_reporting_unit_over_the_period() -> None:
    """The short form maps indicator -> value for the reporting unit and the whole period."""
    report = loads_report(
        "institution: x\nunit: P1\nunit_name: 某某物业服务中心\nperiod: 202002\n"
        "values: {masks: 300, gloves: 零报告, notices: {value: 12, comment: 含流程图}}\n"
    )
    by_code = {v.indicator: v for v in report.values}
    assert by_code["masks"].unit == "P1"
    assert by_code["masks"].period == Period.parse("202002")
    assert by_code["gloves"].status is ValueStatus.ZERO_REPORT
    assert by_code["notices"].comment == "含流程图"
    assert report.display_name == "某某物业服务中心"


def test_every_problem_is_reported_at_once_with_its_path(tmp_path: Path) -> None:
    """Unknown keys, bad periods, bad units and contradictions are all listed, each located."""
    bad = (
        GOOD.replace(
            "{code: S02, name: 西街道, parent: D01}",
            "{code: S02, name: 西街道, parent: D01, colour: red}",
        )
        .replace("period: 20200202, value: null", "period: 20200230, value: null")
        .replace("frequency: 2/day", "frequency: twice")
        + "extra: 1\n"
    )
    path = tmp_path / "report.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_report(path)
    found = problems(exc)
    assert len(found) == 4, found
    assert f"{path}: $.extra: unknown key" in found[0] or any(
        "$.extra: unknown key" in p for p in found
    )
    assert any("$.org_units[2].colour: unknown key" in p for p in found)
    assert any("$.values[2].period" in p and "20200230" in p for p in found)
    assert any("$.measures[0].frequency" in p and "twice" in p for p in found)
    assert all(p.startswith(str(path)) for p in found)


def test_references_are_checked() -> None:
    """Values about units outside the tree or periods straddling the report period are rejected."""
    bad = GOOD.replace("unit: S02, period: 20200202", "unit: S09, period: 20200202").replace(
        "period: 202002, value: 2.5", "period: 2020Q1, value: 2.5"
    )
    with pytest.raises(InputError) as exc:
        loads_report(bad, name="r.yaml")
    found = problems(exc)
    assert any("$.values[2].unit" in p and "S09" in p for p in found)
    assert any("$.values[3].period" in p and "straddles the edge" in p for p in found)


def test_duplicate_values_are_rejected() -> None:
    """Two values for the same indicator, unit and period in one file are an error, not a sum."""
    bad = GOOD.replace(
        "  - {indicator: ratio",
        "  - {indicator: leaflets, unit: S01, period: 20200201, value: 7}\n  - {indicator: ratio",
    )
    with pytest.raises(InputError, match="a second value"):
        loads_report(bad)


def test_missing_required_keys_and_wrong_types() -> None:
    """Required keys and scalar types are checked; a code given as a number is not guessed."""
    with pytest.raises(InputError) as exc:
        loads_report("unit: 12\nvalues: {a: [1]}\n", name="r.yaml")
    found = problems(exc)
    assert any("$.institution: required key is missing" in p for p in found)
    assert any("$.period: required key is missing" in p for p in found)
    assert any("$.unit: expected text, got 12" in p for p in found)


def test_attrs_validator_messages_survive() -> None:
    """A model validator's own message reaches the user, not cattrs' generic one."""
    with pytest.raises(InputError) as exc:
        loads_report(
            GOOD.replace(
                "{code: S01, name: 东街道, parent: D01}", "{code: S01, name: 东街道, parent: S01}"
            )
        )
    text = str(exc.value)
    assert "S01" in text
    assert "$.org_units" in text


def test_syntax_errors_name_line_and_column(tmp_path: Path) -> None:
    """Broken YAML and JSON are reported with their line and column."""
    path = tmp_path / "r.json"
    path.write_text('{"institution": "x",\n "unit": }', encoding="utf-8")
    with pytest.raises(InputError, match=r"r\.json: line 2, column"):
        load_report(path)
    with pytest.raises(InputError, match=r"line 2, column"):
        loads_report("a: [1\nb: 2\n")


def test_unreadable_file() -> None:
    """A missing file is an InputError naming it, not an OSError traceback."""
    with pytest.raises(InputError, match="cannot read"):
        load_report("/nonexistent/report.yaml")


def test_yaml_keeps_dates_and_answers_as_written() -> None:
    """YAML 1.1 surprises are off: dates stay period ids and 'no' stays text."""
    report = loads_report(
        "institution: x\nunit: P1\nperiod: 2020-02-01\nvalues: {answer: no}\n".replace(
            "period: 2020-02-01", "period: 2020-02-01/2020-02-03"
        )
    )
    assert report.values[0].value == "no"


def test_json_and_yaml_share_the_schema() -> None:
    """The same report loads equal from YAML and from JSON."""
    report = loads_report(GOOD)
    as_json = json.dumps(dump_report(report), ensure_ascii=False)
    assert loads_report(as_json, json_format=True) == report
    assert loads_report(dumps_report(report)) == report


def _institution():  # type: ignore[no-untyped-def]
    from epireport.model._indicators import Indicator, IndicatorSet, ValueType
    from epireport.model._institution import Institution, NarrativeInput, NarrativeKind

    return Institution(
        code="district-publicity",
        title="区委宣传部",
        indicator_sets=(
            IndicatorSet(
                code="publicity",
                title="宣传",
                indicators=(
                    Indicator(code="leaflets", name="宣传单", classifier="张"),
                    Indicator(
                        code="ratio", name="比例", value_type=ValueType.DECIMAL, classifier=""
                    ),
                ),
            ),
        ),
        narrative_inputs=(
            NarrativeInput(code="plans", title="工作方案", kind=NarrativeKind.LIST),
            NarrativeInput(code="leader", title="组长", kind=NarrativeKind.TEXT, required=True),
        ),
    )


def test_checked_against_the_institution() -> None:
    """Unknown indicators, values of the wrong type and undeclared narrative keys are errors."""
    text = (
        GOOD.replace("value: 120}", "value: 十二}")
        .replace("indicator: ratio", "indicator: ration")
        .replace("plans: [某区疫情防控宣传工作方案]", "plans: 某区方案\n  mood: good")
    )
    with pytest.raises(InputError) as exc:
        loads_report(text, institution=_institution(), name="report.yaml")
    found = problems(exc)
    assert "report.yaml: $.values[0].value: expected a non-negative integer, got '十二'" in found
    assert any("$.values[3].indicator: unknown indicator 'ration'" in p for p in found)
    assert any("$.narrative.plans: expected a list of text" in p for p in found)
    assert any("$.narrative.mood: unknown narrative input" in p for p in found)
    assert any("$.narrative.leader: required narrative input" in p for p in found)


def test_short_form_error_path_names_the_indicator() -> None:
    """In the short form a bad value is located as $.values.<indicator>."""
    text = (
        "institution: district-publicity\nunit: D\nperiod: 202002\n"
        "values: {leaflets: 十二}\nnarrative: {leader: 张三}\n"
    )
    with pytest.raises(InputError) as exc:
        loads_report(text, institution=_institution(), name="report.yaml")
    assert problems(exc) == [
        "report.yaml: $.values.leaflets: expected a non-negative integer, got '十二'"
    ]


def test_history_outside_the_period_is_kept() -> None:
    """A value wholly before the report period loads (it serves comparisons), it is not dropped."""
    report = loads_report(GOOD.replace("period: 202002, value: 2.5", "period: 201902, value: 2.5"))
    assert report.values[3].period == Period.parse("201902")


def test_lists_of_the_wrong_shape_are_one_problem_each() -> None:
    """A string where a list of units belongs is one located problem, not one per character."""
    with pytest.raises(InputError) as exc:
        loads_report(
            "institution: x\nunit: a\nperiod: 202002\norg_units: abc\nmeasures: [xy]\n", name=""
        )
    assert problems(exc) == [
        "$.org_units: expected a list, got 'abc'",
        "$.measures[0]: expected a mapping of fields, got 'xy'",
    ]

"""Report inputs with values per category option: short form ``by:``, long form ``options:``."""

import pytest

from epireport.exceptions import InputError
from epireport.io._load import dump_report, load_report, loads_report
from epireport.model._indicators import Category, CategoryOption, Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._values import ValueStatus

ORIGIN = Category(
    "origin",
    "来源地",
    (
        CategoryOption("wuhan", "武汉"),
        CategoryOption("hubei_other", "湖北其他地区"),
        CategoryOption("outside", "省外其他地区"),
    ),
)
KIND = Category(
    "kind", "人员类别", (CategoryOption("teacher", "教师"), CategoryOption("student", "学生"))
)


def institution() -> Institution:
    """A township office with returnees split by origin and screened people by origin and kind."""
    return Institution(
        code="town",
        title="乡镇",
        indicator_sets=(
            IndicatorSet(
                "s",
                "返乡",
                (
                    Indicator("returnees", "返乡人员", "人", categories=(ORIGIN,)),
                    Indicator("screened", "排查人员", "人", categories=(ORIGIN, KIND)),
                ),
            ),
        ),
    )


SHORT = """\
institution: town
unit: T
period: 20200210
values:
  returnees:
    by: {wuhan: 52, hubei_other: 30, outside: 零报告}
    comment: 镇卫生院汇总
  screened:
    value: 9
    by: {"wuhan,teacher": 4, "outside,student": 5}
"""


def test_short_form_states_values_per_option() -> None:
    """``by:`` gives one value per option (or per combination), with shared provenance."""
    report = loads_report(SHORT, institution=institution())
    got = [(v.indicator, v.options, v.status, v.value, v.comment) for v in report.values]
    assert got == [
        ("returnees", ("wuhan",), ValueStatus.REPORTED, 52, "镇卫生院汇总"),
        ("returnees", ("hubei_other",), ValueStatus.REPORTED, 30, "镇卫生院汇总"),
        ("returnees", ("outside",), ValueStatus.ZERO_REPORT, None, "镇卫生院汇总"),
        ("screened", (), ValueStatus.REPORTED, 9, ""),
        ("screened", ("wuhan", "teacher"), ValueStatus.REPORTED, 4, ""),
        ("screened", ("outside", "student"), ValueStatus.REPORTED, 5, ""),
    ]


def test_long_form_round_trip(tmp_path) -> None:
    """Dumped in the long form, each value keeps its options, and loads back equal."""
    report = loads_report(SHORT, institution=institution())
    dumped = dump_report(report)
    assert dumped["values"][0] == {
        "indicator": "returnees",
        "unit": "T",
        "period": "20200210",
        "value": 52,
        "comment": "镇卫生院汇总",
        "options": ["wuhan"],
    }
    path = tmp_path / "r.yaml"
    import yaml

    path.write_text(yaml.safe_dump(dumped, allow_unicode=True), encoding="utf-8")
    assert load_report(path, institution=institution()) == report


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            "returnees: {by: {paris: 3}}",
            "r.yaml: $.values.returnees.by.paris: unknown category option 'paris' of indicator "
            "'returnees' (返乡人员); its options: wuhan, hubei_other, outside",
        ),
        (
            "screened: {by: {'teacher,wuhan': 3}}",
            "r.yaml: $.values.screened.by.teacher,wuhan: options ['teacher', 'wuhan'] of "
            "'screened' are not in the order of its categories; write ['wuhan', 'teacher']",
        ),
        (
            "returnees: {by: [52, 30]}",
            "r.yaml: $.values.returnees.by: expected a mapping of category option codes to "
            "values, got [52, 30]",
        ),
        (
            "returnees: {by: {wuhan: 五十}}",
            "r.yaml: $.values.returnees.by.wuhan: expected a non-negative integer, got '五十'",
        ),
    ],
)
def test_bad_options_are_located(values: str, expected: str) -> None:
    """An unknown option, a wrong order or a bad value names its path and what was expected."""
    text = f"institution: town\nunit: T\nperiod: 20200210\nvalues:\n  {values}\n"
    with pytest.raises(InputError) as exc:
        loads_report(text, institution=institution(), name="r.yaml")
    assert [str(p) for p in exc.value.problems] == [expected]


def test_long_form_options_and_duplicates() -> None:
    """A row names its options; two rows for one option, unit and period are refused."""
    text = (
        "institution: town\nunit: T\nperiod: 20200210\nvalues:\n"
        "  - {indicator: returnees, unit: T, period: 20200210, options: wuhan, value: 5}\n"
        "  - {indicator: returnees, unit: T, period: 20200210, options: [outside], value: 6}\n"
        "  - {indicator: returnees, unit: T, period: 20200210, options: [wuhan], value: 7}\n"
        "  - {indicator: returnees, unit: T, period: 20200210, options: {a: 1}, value: 7}\n"
    )
    with pytest.raises(InputError) as exc:
        loads_report(text, institution=institution(), name="r.yaml")
    assert [str(p) for p in exc.value.problems] == [
        "r.yaml: $.values[3].options: expected a category option code, or a list of them, "
        "got {'a': 1}"
    ]
    fixed = text.rsplit("  - ", 1)[0]
    with pytest.raises(InputError) as exc:
        loads_report(fixed, institution=institution(), name="r.yaml")
    assert "a second value for 'returnees[wuhan]'" in str(exc.value.problems[0])

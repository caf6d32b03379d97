from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind, check_name
from epireport.model._measures import Measure
from epireport.model._periods import PeriodType

NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}(?:[-_][a-z0-9]{1,6}){0,3}", fullmatch=True)


def a_set(name: str = "publicity", *codes: str) -> IndicatorSet:
    return IndicatorSet(
        code=name,
        title="社会宣传",
        indicators=[
            Indicator(code=c, name="宣传单", classifier="张") for c in codes or ("leaflets",)
        ],
    )


class TestCheckName:
    @given(NAMES)
    def test_accepts_registry_names(self, name: str) -> None:
        """Lower-case ASCII names with single separators are registry names."""
        assert check_name("X.name", name) == name

    @pytest.mark.parametrize(
        "bad", ["", "District", "区委宣传部", "a b", "a--b", "-a", "a-", 3, None]
    )
    def test_refuses_other_names(self, bad: object) -> None:
        """Anything else is a ModelError naming the owner and the value."""
        with pytest.raises(ModelError, match=r"X\.name: .*" + repr(bad).replace("(", r"\(")):
            check_name("X.name", bad)


class TestInstitution:
    @given(NAMES)
    def test_template_defaults_to_name_report(self, name: str) -> None:
        """Without a template name, the main template is ``<name>/report.md.j2``."""
        assert (
            Institution(code=name, title="单位", indicator_sets=[a_set()]).template
            == f"{name}/report.md.j2"
        )

    def test_defaults_and_conversions(self) -> None:
        """Lists become tuples, the frequency may be given by its file spelling."""
        inst = Institution(
            code="property-company",
            title="物业服务中心",
            indicator_sets=[a_set()],
            measures=[Measure(code="garbage", title="生活垃圾清运")],
            reporting_frequency="week",
            level_names=["小区", "单元"],
            example=Path("example.yaml"),
        )
        assert inst.indicator_sets == (a_set(),)
        assert inst.reporting_frequency is PeriodType.WEEK
        assert inst.level_names == ("小区", "单元")
        assert inst.indicator("leaflets").classifier == "张"
        assert (
            Institution(code="x", title="单位", indicator_sets=()).reporting_frequency
            is PeriodType.DAY
        )

    def test_unknown_indicator_is_a_key_error_naming_the_institution(self) -> None:
        """Looking up a code no set holds names the institution."""
        with pytest.raises(KeyError, match="'x' has no indicator 'masks'"):
            Institution(code="x", title="单位", indicator_sets=[a_set()]).indicator("masks")

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"code": "区委宣传部"}, r"Institution\.code: .*'区委宣传部'"),
            ({"title": " "}, r"Institution\.title: expected a non-blank title"),
            ({"indicator_sets": "publicity"}, r"Institution\.indicator_sets: expected a sequence"),
            (
                {"indicator_sets": ["publicity"]},
                r"Institution\.indicator_sets: expected IndicatorSet",
            ),
            ({"indicator_sets": [a_set(), a_set()]}, r"set name 'publicity' appears twice"),
            (
                {"indicator_sets": [a_set("a", "leaflets"), a_set("b", "leaflets")]},
                r"indicator code 'leaflets' appears twice",
            ),
            (
                {"measures": [Measure(code="m", title="甲"), Measure(code="m", title="乙")]},
                "measure code 'm'",
            ),
            (
                {"narrative_inputs": ["plans"]},
                r"Institution\.narrative_inputs: expected NarrativeInput",
            ),
            (
                {"reporting_frequency": "fortnight"},
                r"Institution\.reporting_frequency: .*'fortnight'",
            ),
            ({"example": "example.yaml"}, r"Institution\.example: expected a packaged file"),
            ({"level_names": ["区", ""]}, r"Institution\.level_names: .*''"),
            ({"description": None}, r"Institution\.description: expected a string"),
        ],
    )
    def test_invalid_fields_are_refused(self, changes: dict[str, object], message: str) -> None:
        """Each bad field is a ModelError naming Institution.<field> and the value."""
        fields: dict[str, object] = {"code": "x", "title": "单位", "indicator_sets": [a_set()]}
        with pytest.raises(ModelError, match=message):
            Institution(**{**fields, **changes})  # type: ignore[arg-type]

    def test_duplicate_narrative_inputs_are_refused(self) -> None:
        """Two narrative inputs of one name are refused."""
        with pytest.raises(ModelError, match="input name 'plans' appears twice"):
            Institution(
                code="x",
                title="单位",
                indicator_sets=[],
                narrative_inputs=[NarrativeInput("plans", "方案"), NarrativeInput("plans", "预案")],
            )


class TestNarrativeInput:
    @pytest.mark.parametrize("kind", list(NarrativeKind))
    def test_kind_by_value_or_member(self, kind: NarrativeKind) -> None:
        """The kind may be given as the member or as its file spelling."""
        assert NarrativeInput("plans", "方案", kind=kind.value).kind is kind
        assert NarrativeInput("plans", "方案", kind=kind).kind is kind

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"code": "Plans"}, r"NarrativeInput\.code: .*'Plans'"),
            ({"title": ""}, r"NarrativeInput\.title"),
            (
                {"kind": "table"},
                r"NarrativeInput\.kind: expected one of 'text', 'list', 'flag', got 'table'",
            ),
            ({"required": "yes"}, "required"),
        ],
    )
    def test_invalid_fields_are_refused(self, changes: dict[str, object], message: str) -> None:
        """Each bad field is refused with a message naming it."""
        with pytest.raises((ModelError, TypeError), match=message):
            NarrativeInput(**{"code": "plans", "title": "方案", **changes})  # type: ignore[arg-type]


def test_the_deadline_sets_when_a_report_is_late() -> None:
    """An institution's deadline is the grace after a period's end; a negative one is refused."""
    import datetime as dt

    from epireport.exceptions import ModelError
    from epireport.facts import report_completeness
    from epireport.model._indicators import Indicator, IndicatorSet
    from epireport.model._institution import Institution
    from epireport.model._periods import Period
    from epireport.model._report import ReportInput
    from epireport.model._units import OrgTree, OrgUnit
    from epireport.model._values import DataValue

    sets = [IndicatorSet(code="s", title="集", indicators=[Indicator("n", "人数", "人")])]
    day = Period.parse("20200201")
    sent = dt.datetime(2020, 2, 2, 8, 0)  # the next morning
    report = ReportInput(
        institution="i",
        unit="D",
        period=day,
        tree=OrgTree([OrgUnit("D", "县"), OrgUnit("S", "校", "D")]),
        values=(DataValue.reported("n", "S", day, 3, submitted_at=sent),),
    )
    strict = Institution(code="i", title="局", indicator_sets=sets)
    lenient = Institution(
        code="i", title="局", indicator_sets=sets, deadline=dt.timedelta(hours=12)
    )
    assert report_completeness(report, strict).by_unit.late == 1
    assert report_completeness(report, lenient).by_unit.on_time == 1
    with pytest.raises(ModelError, match=r"Institution\.deadline"):
        Institution(code="i", title="局", indicator_sets=sets, deadline=dt.timedelta(hours=-1))

"""compose(): templates over facts into a document tree."""

# Template lines are whole prose paragraphs, one per line as the markup wants them.
# ruff: noqa: E501

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport._plugins import Plugins
from epireport.document import Document, Paragraph, RenderedHeading, RenderedParagraph, numbered
from epireport.exceptions import MissingFigureError, TemplateError
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.narrative._compose import compose, render_markup
from epireport.narrative._numerals import run_in_marker
from epireport.narrative._static_facts import StaticFacts

MakePlugins = Callable[..., Plugins]

SEEDLIKE = """\
# {{ unit }}疫情防控宣传工作总结
为做好全区疫情防控宣传工作，现将宣传工作情况总结如下。
## 高度重视，加强领导
成立以{{ narrative.leader }}为组长的宣传工作组。制定了{{ narrative.plans | book_titles }}，小组内召开了{{ figure("meetings") }}会议。
## 突出重点，压实责任
::: shi
- 强抓社会宣传，打通宣传“最后一公里”。共发布{{ count_list(["billboards", "screens", "banners"], prefix={"screens": "各类电子显示屏"}) }}，印制发布宣传单{{ figure("leaflets") }}。
- 实抓新闻宣传，全面权威报道。累计刊发信息{{ figure("banners") }}。
- 硬抓舆情管控，营造清朗的网络空间。
:::
## 下一步工作打算
持续加强全区疫情防控社会宣传。
@signature {{ unit }}
@date 2020-02-10
"""


def paragraphs(doc: Document) -> list[str]:
    return [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph)]


@pytest.fixture
def plugins(plugins_for: MakePlugins) -> Plugins:
    """Plugins with the seed-like template as the demo institution's report."""
    return plugins_for({"demo/report.md.j2": SEEDLIKE})


def test_full_report(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """Every figure is written in its style with its classifier and linked to its fact."""
    doc = compose(report, institution, StaticFacts(full_values), plugins)
    assert doc.title == "城关区疫情防控宣传工作总结"
    assert not doc.meta.draft
    texts = paragraphs(doc)
    assert texts[1] == (
        "成立以区委常委为组长的宣传工作组。制定了《宣传工作方案》《舆情导控预案》，"
        "小组内召开了3次会议。"
    )
    assert texts[2] == (
        "一是强抓社会宣传，打通宣传“最后一公里”。共发布户外广告牌120块、各类电子显示屏35块、"
        "标语横幅860条，印制发布宣传单3.2万余张。"
    )
    section = doc.sections[1]
    body = section.blocks[0].items[0].blocks[0]  # type: ignore[union-attr]
    assert isinstance(body, Paragraph)
    facts = body.sentences[0].facts
    assert [(f.indicator, f.text, f.value, f.unit, f.period) for f in facts] == [
        ("billboards", "120", "120", "d1", "202002"),
        ("screens", "35", "35", "d1", "202002"),
        ("banners", "860", "860", "d1", "202002"),
        ("leaflets", "3.2万余", "32456", "d1", "202002"),
    ]
    assert doc.signature is not None
    assert doc.signature.unit == "城关区"


def test_draft_shows_placeholders(
    plugins: Plugins, institution: Institution, report: ReportInput
) -> None:
    """In draft mode missing figures are xx, followed by their classifier."""
    doc = compose(report, institution, StaticFacts({}), plugins, draft=True)
    assert doc.meta.draft
    texts = paragraphs(doc)
    assert "小组内召开了xx次会议。" in texts[1]
    assert (
        "共发布户外广告牌xx块、各类电子显示屏xx块、标语横幅xx条，印制发布宣传单xx张。" in texts[2]
    )
    doc = compose(report, institution, StaticFacts({}), plugins, draft=True, placeholder="某某")
    assert "召开了某某次会议" in paragraphs(doc)[1]


def test_final_mode_refuses_missing_figure(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """A missing required figure raises MissingFigureError naming indicator and unit."""
    values: dict[str, Any] = {**full_values, "leaflets": None}
    with pytest.raises(MissingFigureError) as info:
        compose(report, institution, StaticFacts(values), plugins)
    assert "'leaflets'" in str(info.value)
    assert "宣传单" in str(info.value)
    assert "'d1'" in str(info.value)


def test_optional_missing_figure_is_omitted(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """required=False leaves out the sentence of a missing figure in final mode."""
    plugins = plugins_for(
        {"demo/report.md.j2": "# T\n开展宣传。发放宣传单{{ figure('leaflets', required=False) }}。"}
    )
    doc = compose(report, institution, StaticFacts({}), plugins)
    assert paragraphs(doc) == ["开展宣传。"]


def test_zero_policy(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """Zeros are omitted from lists by default and stated where the indicator says so."""
    values = {**full_values, "screens": 0, "meetings": 0}
    texts = paragraphs(compose(report, institution, StaticFacts(values), plugins))
    assert "小组内召开了0次会议" in texts[1]
    assert "共发布户外广告牌120块、标语横幅860条，" in texts[2]


def test_vanished_item_renumbers_the_rest(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """An item whose figures all vanished is dropped and the next takes its number."""
    values = {**full_values, "billboards": 0, "screens": 0, "banners": 0, "leaflets": 0}
    doc = compose(report, institution, StaticFacts(values), plugins)
    markers = [e.marker for e in numbered(doc) if isinstance(e, RenderedParagraph) and e.marker]
    assert markers == ["一是"]
    assert any(t.startswith("一是硬抓舆情管控") for t in paragraphs(doc))


def test_not_applicable_is_omitted_even_in_final_mode(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """A fact that does not apply is never written and never missing."""
    plugins = plugins_for({"demo/report.md.j2": "# T\n甲。发放{{ figure('leaflets') }}。"})
    doc = compose(report, institution, StaticFacts({"leaflets": "not_applicable"}), plugins)
    assert paragraphs(doc) == ["甲。"]


def test_measures_and_helpers(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """measure(), measures, dates, numbers and variant() are available to templates."""
    plugins = plugins_for(
        {
            "demo/report.md.j2": (
                "# T\n"
                '生活垃圾清运{{ measure("garbage").frequency_change }}。\n'
                "{{ measures.garbage.frequency.label }}。\n"
                "{{ period_label }}，{{ 32456 | number('hedged') }}，{{ 3 | cn }}。\n"
                "{{ variant('closing', ['甲', '乙', '丙', '丁']) }}。"
            )
        }
    )
    texts = paragraphs(compose(report, institution, StaticFacts({}), plugins))
    assert texts[0] == "生活垃圾清运由每日一次调整到每日两次。"
    assert texts[1] == "每日两次。"
    assert texts[2] == "2020年2月，3.2万余，三。"
    assert texts[3] in {"甲。", "乙。", "丙。", "丁。"}
    again = paragraphs(compose(report, institution, StaticFacts({}), plugins))
    assert again[3] == texts[3]


def test_variant_depends_on_report(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """Different reports may get different wording; each always the same one."""
    plugins = plugins_for(
        {"demo/report.md.j2": "# T\n{{ variant('k', range(50) | map('string') | list) }}。"}
    )
    seen = set()
    for month in range(1, 13):
        r = attrs.evolve(report, period=Period.month(2020, month))
        seen.add(render_markup(r, institution, StaticFacts({}), plugins)[0])
    assert len(seen) > 1


def test_unknown_measure_and_dynamic_indicator(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """Unknown codes reached at render time are TemplateErrors, not blanks."""
    plugins = plugins_for({"demo/report.md.j2": "# T\n{{ measure('garbag').title }}"})
    with pytest.raises(TemplateError, match="unknown measure 'garbag'"):
        compose(report, institution, StaticFacts({}), plugins)
    plugins = plugins_for({"demo/report.md.j2": "# T\n{% set c = 'leaflet' %}{{ figure(c) }}"})
    with pytest.raises(TemplateError, match="unknown indicator 'leaflet'"):
        compose(report, institution, StaticFacts({}), plugins, draft=True)


def test_narrative_cannot_inject_markup(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """A narrative input with a line break and markers cannot add a section or a figure."""
    hostile = attrs.evolve(
        report, narrative={"leader": "甲\n## 乙\ue000\ue001x\ue002", "plans": ["方案"]}
    )
    doc = compose(hostile, institution, StaticFacts(full_values), plugins)
    assert [s.heading for s in doc.sections] == [
        "高度重视，加强领导",
        "突出重点，压实责任",
        "下一步工作打算",
    ]
    assert "甲 ## 乙x" in paragraphs(doc)[1]


@attrs.frozen
class _Coverage:
    expected: int
    submitted: int


@attrs.frozen
class _Fact:
    value: int | None
    coverage: _Coverage


class _Facts:
    def get(self, indicator: str, unit: str | None = None, period: object = None) -> _Fact:
        return _Fact(10 if str(period) == "202002" else 8, _Coverage(12, 11))


def test_change_and_coverage(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """change() compares with the previous period; coverage_phrase() reads the fact's coverage."""
    plugins = plugins_for(
        {
            "demo/report.md.j2": (
                "# T\n会议{{ change('meetings') }}，"
                "{{ coverage_phrase('meetings', level='街道') }}。"
            )
        }
    )
    texts = paragraphs(compose(report, institution, _Facts(), plugins))
    assert texts == ["会议增长25%，12个街道中11个已报送。"]


VALUES = st.one_of(st.none(), st.just(0), st.integers(1, 10**9), st.just("not_applicable"))
CODES = ["billboards", "screens", "banners", "leaflets", "meetings"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries(dict.fromkeys(CODES, VALUES)), st.booleans())
def test_rendering_is_deterministic_and_gap_free(
    plugins: Plugins,
    institution: Institution,
    report: ReportInput,
    values: dict[str, Any],
    draft: bool,
) -> None:
    """Rendering twice gives byte-identical trees; omissions never leave numbering gaps."""
    facts = StaticFacts(values)
    try:
        first = compose(report, institution, facts, plugins, draft=draft)
    except MissingFigureError:
        assert not draft
        assert any(v is None for v in values.values())
        return
    second = compose(report, institution, facts, plugins, draft=draft)
    assert first == second
    assert json.dumps(first.to_dict(), ensure_ascii=False) == json.dumps(
        second.to_dict(), ensure_ascii=False
    )
    events = list(numbered(first))
    markers = [e.marker for e in events if isinstance(e, RenderedParagraph) and e.marker]
    assert markers == [run_in_marker(n) for n in range(1, len(markers) + 1)]
    headings = [e.number for e in events if isinstance(e, RenderedHeading)]
    assert headings == ["一、", "二、", "三、"][: len(headings)]
    for text in paragraphs(first):
        assert "、、" not in text
        assert "、，" not in text
        assert "，，" not in text
        assert not text.endswith(("、", "；", "，"))
        assert "\ue000" not in text
        assert "\ue003" not in text


def test_decimal_and_rate_values(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """Decimal values are written exactly in the exact style."""
    plugins = plugins_for({"demo/report.md.j2": "# T\n横幅{{ figure('banners') }}。"})
    doc = compose(report, institution, StaticFacts({"banners": Decimal("2.50")}), plugins)
    assert paragraphs(doc) == ["横幅2.5条。"]


def test_with_computed_facts(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """Facts computed by epireport.facts are read, with their ids and provenance."""
    from epireport.facts import compute_facts
    from epireport.model._values import DataValue

    values = [DataValue.reported(c, "d1", report.period, v) for c, v in full_values.items()]
    values.append(DataValue.reported("meetings", "d1", report.period.previous(), 2))
    full = attrs.evolve(report, values=tuple(values))
    facts = compute_facts(full, institution)
    doc = compose(full, institution, facts, plugins)
    assert "印发宣传单3.2万余张" in paragraphs(doc)[2] or "宣传单3.2万余张" in paragraphs(doc)[2]
    refs = [f for e in numbered(doc) if isinstance(e, RenderedParagraph) for f in e.facts]
    leaflets = next(f for f in refs if f.indicator == "leaflets")
    assert leaflets.fact_id == facts.find("leaflets").id  # type: ignore[union-attr]
    assert leaflets.sources == facts.find("leaflets").source_ids  # type: ignore[union-attr]
    assert leaflets.sources
    plugins_change = compose(full, institution, facts, plugins, draft=True)
    assert plugins_change == compose(full, institution, facts, plugins, draft=True)


def test_has_never_hides_a_missing_figure(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
) -> None:
    """A clause guarded by has() still refuses a missing figure in final mode: missing is not zero."""
    template = (
        "# 标题\n{% if has('leaflets') %}印制发布宣传单{{ figure('leaflets') }}。{% endif %}\n"
    )
    plugins = plugins_for({"demo/report.md.j2": template})
    values = {k: v for k, v in full_values.items() if k != "leaflets"}
    with pytest.raises(MissingFigureError, match="leaflets"):
        compose(report, institution, StaticFacts(values), plugins)
    draft = compose(report, institution, StaticFacts(values), plugins, draft=True)
    assert paragraphs(draft) == ["印制发布宣传单xx张。"]
    zero = compose(report, institution, StaticFacts({**values, "leaflets": 0}), plugins)
    assert paragraphs(zero) == []


def test_narrative_get_is_checked_by_its_argument(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
) -> None:
    """narrative.get('x', default) is allowed, and its key is checked like narrative.x."""
    known = sorted(n.code for n in institution.narrative_inputs)[0]
    ok = plugins_for(
        {"demo/report.md.j2": f"# 标题\n{{{{ narrative.get('{known}', '') }}}}继续。\n"}
    )
    compose(report, institution, StaticFacts(full_values), ok)
    bad = plugins_for({"demo/report.md.j2": "# 标题\n{{ narrative.get('no_such_input', '') }}。\n"})
    with pytest.raises(TemplateError, match="no_such_input"):
        compose(report, institution, StaticFacts(full_values), bad)


def test_indicator_hedge_and_significant_figures_reach_the_prose(
    plugins_for: MakePlugins,
) -> None:
    """多 and two significant figures from the indicator: 601 → 600多户, 98 stays 98户."""
    import attrs as _attrs

    from epireport.facts import compute_facts as _compute
    from epireport.model._indicators import Indicator as _Indicator
    from epireport.model._indicators import IndicatorSet as _Set
    from epireport.model._indicators import NumberStyle as _Style
    from epireport.model._institution import Institution as _Institution
    from epireport.model._periods import Period as _Period
    from epireport.model._report import ReportInput as _Report
    from epireport.model._values import DataValue as _Value
    from epireport.narrative._markup import strip_markers as _strip

    hedged = _Indicator(code="h", name="住户", classifier="户", number_style=_Style.HEDGED,
                        hedge="多", significant_figures=2)  # fmt: skip
    plain = _attrs.evolve(hedged, code="p", significant_figures=None, hedge="余")
    institution = _Institution(
        code="t",
        title="单位",
        indicator_sets=(_Set(code="s", title="s", indicators=(hedged, plain)),),
    )
    period = _Period.parse("202002")
    plugins = plugins_for({"t/report.md.j2": "# T\n共{{ figure('h') }}、{{ figure('p') }}。\n"})
    for h, p, want in [(601, 601, "共600多户、601户。"), (98, 32456, "共98户、3.2万余户。")]:
        report = _Report(institution="t", unit="u", period=period,
                         values=(_Value.reported("h", "u", period, h),
                                 _Value.reported("p", "u", period, p)))  # fmt: skip
        doc = compose(report, institution, _compute(report, institution), plugins,
                      template="t/report.md.j2")  # fmt: skip
        assert doc.preamble[0].text == want  # type: ignore[union-attr]
    skeleton = _Report(institution="t", unit="u", period=period)
    draft = compose(skeleton, institution, _compute(skeleton, institution), plugins, draft=True,
                    template="t/report.md.j2")  # fmt: skip
    assert _strip(draft.preamble[0].text) == "共xx多户、xx户。"  # type: ignore[union-attr]


def test_counts_in_prose_carry_their_facts(plugins_for: MakePlugins) -> None:
    """coverage_phrase() and tally() write counts as figures with facts, as figure() does."""
    import datetime as _dt

    from epireport.facts import compute_facts as _compute
    from epireport.model._indicators import Indicator as _Indicator
    from epireport.model._indicators import IndicatorSet as _Set
    from epireport.model._units import OrgTree, OrgUnit
    from epireport.model._values import DataValue as _Value

    institution = Institution(
        code="t",
        title="局",
        indicator_sets=(
            _Set(
                code="s",
                title="s",
                indicators=(_Indicator(code="n", name="排查", classifier="人"),),
            ),
        ),
        level_names=("局", "学校"),
        reporting_frequency="day",
    )
    tree = OrgTree(
        (OrgUnit("B", "县局"), OrgUnit("S1", "一小", "B"), OrgUnit("S2", "二小", "B"),
         OrgUnit("S3", "三小", "B")),
        ("局", "学校"),
    )  # fmt: skip
    day = Period.day(_dt.date(2020, 2, 3))
    at = _dt.datetime(2020, 2, 3, 20)
    values = (
        _Value.reported("n", "S1", day, 8, submitted_at=at),
        _Value.zero_report("n", "S2", day, submitted_at=at),
    )
    report = ReportInput(institution="t", unit="B", period=day, tree=tree, values=values)
    plugins = plugins_for(
        {
            "t/report.md.j2": "# T\n{{ coverage_phrase() }}。{{ coverage_phrase('n', level='所') }}。"
            "全县{{ tally(3, 'reporting.schools') }}所学校。\n"
        }
    )
    doc = compose(report, institution, _compute(report, institution), plugins,
                  template="t/report.md.j2")  # fmt: skip
    paragraph = doc.preamble[0]
    assert isinstance(paragraph, Paragraph)
    assert (
        paragraph.text
        == "3个学校中1个按时报送，1个零报告，1个未报送。3个所中2个已报送。全县3所学校。"
    )
    first, second, third = paragraph.sentences
    assert [(f.indicator, f.fact_id, f.text) for f in first.facts] == [
        ("completeness.expected", "completeness.expected@B@20200203", "3"),
        ("completeness.on_time", "completeness.on_time@B@20200203", "1"),
        ("completeness.zero_reports", "completeness.zero_reports@B@20200203", "1"),
        ("completeness.missing", "completeness.missing@B@20200203", "1"),
    ]
    assert [f.sources for f in first.facts] == [("S1", "S2", "S3"), ("S1",), ("S2",), ("S3",)]
    assert [(f.indicator, f.fact_id, f.value) for f in second.facts] == [
        ("n", "n@B@20200203#expected", "3"),
        ("n", "n@B@20200203#submitted", "2"),
    ]
    assert set(second.facts[1].sources) == {"n@S1@20200203", "n@S2@20200203"}
    assert [(f.indicator, f.fact_id, f.value) for f in third.facts] == [
        ("reporting.schools", "reporting.schools@B@20200203", "3")
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("tally(-1, 'x')", "expected a count"),
        ("tally('3', 'x')", "expected a count"),
        ("tally(3, 'a@b')", "expected a name"),
    ],
)
def test_tally_refuses_what_is_not_a_count(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput, call: str, message: str
) -> None:
    """A tally is a non-negative integer with a plain name."""
    plugins = plugins_for({"demo/report.md.j2": "# T\n共{{ " + call + " }}。\n"})
    with pytest.raises(TemplateError, match=message):
        compose(report, institution, StaticFacts({}), plugins)

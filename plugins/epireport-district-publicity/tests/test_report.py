"""The 区委宣传部 summary end to end: example data, facts, prose, formats, lint, draft skeleton."""

import importlib.util
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from epireport_district_publicity import plugin
from epireport_district_publicity._catalogue import RULES
from hypothesis import given, settings
from hypothesis import strategies as st

import epireport
from epireport.exceptions import MissingFigureError
from epireport.facts import FactSet, compute_facts
from epireport.lint import lint_file, lint_text
from epireport.model import DataValue, Period, ReportInput, ValueStatus
from epireport.narrative import StaticFacts, compose
from epireport.render import (
    RenderOptions,
    render_docx,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from epireport.testing import registered

PLUGIN_DIR = Path(__file__).resolve().parent.parent
EXAMPLE = PLUGIN_DIR / "src" / "epireport_district_publicity" / "example.yaml"

#: The district figures of the example, worked out by hand from the generator's rules (screens:
#: each unit's last count, 21 + 21 + 25 + 24 with 北山镇's last report missing; loudspeakers:
#: 40 + 40 + 60 + 60; meetings on 1/24, 1/27, 1/31 and 2/7) and checked against the raw rows.
EXPECTED = {
    "group_meetings": 4,
    "billboards": 112,
    "screens": 91,
    "banners": 870,
    "leaflets": 45998,
    "home_visits": 12512,
    "messages": 26006,
    "vehicle_trips": 353,
    "loudspeakers": 200,
    "broadcast_hours": 935,
    "guides_printed": 5800,
    "news_items": 484,
    "city_media_reports": 32,
    "netizen_participation": 33654,
    "opinion_items": 181,
    "admonished": 6,
    "reports_verified": 9,
    "educated": 3,
    "harmful_deleted": 45,
    "weibo_handled": 25,
    "price_leads": 5,
    "rumour_rebuttals": 13,
}

#: How the final report writes those figures (hedged ones floor to 万余).
EXPECTED_PHRASES = (
    "小组内召开了4次会议",
    "共发布户外广告牌112块，各类电子显示屏91块，标语横幅870条，印制发布宣传单4.5万余张，"
    "入户宣传走访1.2万余次，以微信群、QQ群发信息2.6万余条，出动宣传车353台次；",
    "统筹利用小喇叭、流动音响200个；",
    "利用村村通广播宣传累计935小时。",
    "印制《新型冠状病毒社区（村）防控行动指南》5800份。",
    "累计刊发转发相关信息484条次。",
    "市级主流媒体报道城关区疫情防控工作32条。",
    "参与接力的网民3.3万余人次。",
    "相关网络舆情181条，落地查人，训诫6人，网络上举报落地核查9人，批评教育3人，"
    "删除有害信息45条，处置敏感微博言论25条。",
    "监测提供不法商家恶意涨价线索5条，发布辟谣信息13条。",
    "属地网络舆情总体平稳，未发生热点舆情事件。",
)

#: Stocks: the district figure adds up each unit's latest count.
STOCKS = frozenset({"screens", "loudspeakers"})

#: Sentences of the seed (slips fixed) that the draft skeleton reproduces word for word.
SEED_SENTENCES = (
    "成立以区委常委、宣传部部长为组长的宣传工作组，xx常委召开专题会议，深入研究部署，"
    "落实宣传组各项责任。",
    "制定了《xx区新型冠状病毒感染的肺炎疫情防控宣传工作方案》"
    "《xx区新型冠状病毒感染网络舆情导控工作预案》，各成员单位紧密协作，情况互通，"
    "小组内召开了xx次会议，及时高效推进各项宣传任务落实。",
    "坚持以团结稳定鼓劲、正面宣传为主的方针，重点宣传党中央、国务院关于新型冠状病毒感染的"
    "肺炎疫情防控工作部署；",
    "一是强抓社会宣传，打通宣传“最后一公里”。共发布户外广告牌xx块，各类电子显示屏xx块，"
    "标语横幅xx条，印制发布宣传单xx张，入户宣传走访xx次，以微信群、QQ群发信息xx条，"
    "出动宣传车xx台次；统筹利用小喇叭、流动音响xx个；利用村村通广播宣传累计xx小时。",
    "二是实抓新闻宣传，全面权威报道我区疫情防控工作。做好区属媒体新闻宣传。",
    "在电视、网站、手机报及“两微一端”等新媒体平台累计刊发转发相关信息xx条次。"
    "规范有序做好对外宣传。严格宣传纪律，第一时间发布我区首例确诊信息，第一时间召开新闻"
    "发布会权威发声，并图文直播，积极回应社会关切，引导各界正确认识。",
    "对接联系xx日报、xx网、xx新闻等市级主流媒体报道",
    "三是硬抓舆情管控，营造清朗的网络空间。突出引导自媒体网络正面宣传。统筹社会自媒体xxapp，",
    "在爱xx论坛、微信群、QQ群、微信朋友圈、微博等平台开展了广泛的防控知识宣传，"
    "参与接力的网民xx人次。从严从实从快抓舆情管控。",
    "落地查人，训诫xx人，网络上举报落地核查xx人，批评教育xx人，删除有害信息xx条，"
    "处置敏感微博言论xx条。监测提供不法商家恶意涨价线索xx条，发布辟谣信息xx条。"
    "属地网络舆情总体平稳，未发生热点舆情事件。",
    "在区疫情防控指挥部的领导下，持续加强全区疫情防控社会宣传，",
)

SOCIAL = (
    "billboards",
    "screens",
    "banners",
    "leaflets",
    "home_visits",
    "messages",
    "vehicle_trips",
    "loudspeakers",
    "broadcast_hours",
    "guides_printed",
)


@pytest.fixture(scope="module")
def plugins() -> Iterator[epireport.Plugins]:
    """The built-ins and this plugin only (no other installed plugin leaks in)."""
    with registered(plugin) as found:
        yield found


@pytest.fixture(scope="module")
def institution(plugins: epireport.Plugins) -> epireport.Institution:
    """The registered 区委宣传部."""
    return plugins.institution("district-publicity")


@pytest.fixture(scope="module")
def report(institution: epireport.Institution) -> ReportInput:
    """The packaged example, loaded and checked against the institution."""
    assert institution.example is not None
    text = institution.example.read_text(encoding="utf-8")
    return epireport.loads_report(text, institution=institution, name="example.yaml")


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, Any]]:
    """The example's value rows as plain YAML, read without epireport."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = data["values"]
    return rows


def facts_of(plugins: epireport.Plugins, report: ReportInput) -> FactSet:
    """Compute the facts of *report* with the registered validation rules."""
    inst = plugins.institution(report.institution)
    return compute_facts(report, inst, rules=plugins.validation_rules(inst))


def text_of(plugins: epireport.Plugins, report: ReportInput, *, draft: bool = False) -> str:
    """Compose *report* and draw it as plain text."""
    inst = plugins.institution(report.institution)
    doc = compose(report, inst, facts_of(plugins, report), plugins, draft=draft)
    return render_text(doc, RenderOptions(draft=draft))


def lint_clean(plugins: epireport.Plugins, text: str) -> list[str]:
    """The findings of every registered lint rule on *text*, as strings."""
    return [str(f) for f in lint_text(text, rules=plugins.lint_rules().values())]


def independent_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Aggregate the raw rows by hand: flows sum, stocks add up each unit's latest number."""
    totals: dict[str, int] = {}
    latest: dict[tuple[str, str], tuple[str, int]] = {}
    for row in rows:
        value = row["value"]
        number = 0 if value == "零报告" else value
        if number is None:
            continue
        code = row["indicator"]
        if code in STOCKS:
            key = (code, row["unit"])
            if key not in latest or latest[key][0] < row["period"]:
                latest[key] = (row["period"], number)
        else:
            totals[code] = totals.get(code, 0) + number
    for (code, _unit), (_day, number) in latest.items():
        totals[code] = totals.get(code, 0) + number
    return totals


def with_values(report: ReportInput, change: Mapping[str, int | None]) -> ReportInput:
    """*report* with every row of the indicators in *change* set to that value (None: dropped)."""
    values: list[DataValue] = []
    for value in report.values:
        if value.indicator not in change:
            values.append(value)
        elif change[value.indicator] is not None:
            number = change[value.indicator]
            status = ValueStatus.REPORTED if number else ValueStatus.ZERO_REPORT
            values.append(attrs.evolve(value, value=number or None, status=status))
    return attrs.evolve(report, values=tuple(values))


def with_narrative(report: ReportInput, **change: Any) -> ReportInput:
    """*report* with narrative inputs replaced (a value of None removes the input)."""
    narrative = {k: v for k, v in report.narrative.items() if k not in change}
    narrative.update({k: v for k, v in change.items() if v is not None})
    return attrs.evolve(report, narrative=narrative)


# ------------------------------------------------------------------------------ example data


class TestExample:
    """The packaged example input."""

    def test_has_a_district_with_streets_towns_and_member_units(self, report: ReportInput) -> None:
        """The example is 城关区 with four streets and towns and two member units below it."""
        assert report.tree is not None
        children = [u.name for u in report.tree.children("cgq")]
        assert report.display_name == "城关区"
        assert children == [
            "东关街道",
            "西关街道",
            "南湖镇",
            "北山镇",
            "区融媒体中心",
            "区委网信办",
        ]
        assert report.tree.level_names == ("区", "街道")

    def test_covers_at_least_fourteen_days_of_daily_reports(self, report: ReportInput) -> None:
        """Values are daily and span the sixteen days of the report period."""
        days = {v.period for v in report.values}
        assert all(p.type.value == "day" for p in days)
        assert len(days) == 16
        assert report.period == Period.parse("2020-01-23/2020-02-07")

    def test_has_zero_reports_and_missing_reports(self, report: ReportInput) -> None:
        """Some figures are zero-reports, two are null, and two whole daily reports never came."""
        statuses = [v.status for v in report.values]
        assert statuses.count(ValueStatus.ZERO_REPORT) > 100
        assert statuses.count(ValueStatus.MISSING) == 2
        # 2 streets x 9 figures + 2 towns x 10 + 3 (media) + 8 (cyber) + 1 (district) = 50 a
        # day, 16 days, less 西关街道 on 1/29 (9 figures) and 北山镇 on 2/7 (10 figures).
        assert len(report.values) == 50 * 16 - 9 - 10
        reported = {(v.unit, str(v.period)) for v in report.values}
        assert ("xgjd", "20200129") not in reported
        assert ("bsz", "20200207") not in reported

    def test_generator_writes_the_packaged_file(self) -> None:
        """``scripts/make_example.py`` is deterministic and wrote the file that ships."""
        spec = importlib.util.spec_from_file_location(
            "dp_make_example", PLUGIN_DIR / "scripts" / "make_example.py"
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        try:
            spec.loader.exec_module(module)
            assert module.render() == EXAMPLE.read_text(encoding="utf-8")
        finally:
            del sys.modules[spec.name]

    def test_no_validation_rule_is_violated(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """The example data passes the built-in and the plugin's rules."""
        assert facts_of(plugins, report).violations == ()


# ---------------------------------------------------------------------------------- figures


class TestFigures:
    """The district figures are the aggregate of the sub-units' daily reports."""

    def test_independent_aggregation_gives_the_hand_checked_figures(
        self, raw_rows: list[dict[str, Any]]
    ) -> None:
        """Summing the raw rows without epireport gives the literal figures above."""
        assert independent_totals(raw_rows) == EXPECTED

    @pytest.mark.parametrize("code", sorted(EXPECTED))
    def test_facts_match_the_hand_checked_figures(
        self, plugins: epireport.Plugins, report: ReportInput, code: str
    ) -> None:
        """Each district fact has the hand-checked figure."""
        fact = facts_of(plugins, report).get(code)
        assert fact.value == EXPECTED[code]

    def test_stock_takes_each_units_latest_report(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """北山镇's screens come from 2/6, its last report, not from a sum over days."""
        facts = facts_of(plugins, report)
        assert facts.get("screens", "bsz").value == 24
        assert facts.get("screens", "nhz").value == 25
        assert facts.get("screens", "dgjd").value == 21

    def test_prose_states_the_figures(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """The final report writes every figure as worked out by hand."""
        text = text_of(plugins, report)
        for phrase in EXPECTED_PHRASES:
            assert phrase in text

    def test_every_figure_traces_back_to_a_fact(
        self, plugins: epireport.Plugins, report: ReportInput, institution: epireport.Institution
    ) -> None:
        """Each figure in the document names its fact, whose value is the hand-checked one."""
        doc = compose(report, institution, facts_of(plugins, report), plugins)
        refs = {ref.indicator: ref for ref in _fact_refs(doc)}
        assert set(refs) == set(EXPECTED)
        for code, ref in refs.items():
            assert Decimal(ref.value) == EXPECTED[code]
            assert ref.unit == "cgq"


def _fact_refs(doc: Any) -> Iterator[Any]:
    """Every FactRef in the document's sentences."""
    seen: set[int] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        facts = getattr(node, "facts", None)
        if isinstance(facts, tuple):
            yield from facts
        if attrs.has(type(node)):
            for field in attrs.fields(type(node)):
                child = getattr(node, field.name)
                if isinstance(child, tuple | list):
                    stack.extend(c for c in child if attrs.has(type(c)))
                elif attrs.has(type(child)):
                    stack.append(child)


# ----------------------------------------------------------------------- formats and lint


RENDERERS: dict[str, tuple[Callable[..., str | bytes], str]] = {
    "text": (render_text, "txt"),
    "markdown": (render_markdown, "md"),
    "html": (render_html, "html"),
    "docx": (render_docx, "docx"),
}


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_final_report_renders_and_lints_clean(
    plugins: epireport.Plugins,
    report: ReportInput,
    institution: epireport.Institution,
    tmp_path: Path,
    name: str,
) -> None:
    """The final report in text, Markdown, HTML and DOCX has no lint finding at all."""
    render, suffix = RENDERERS[name]
    doc = compose(report, institution, facts_of(plugins, report), plugins)
    output = render(doc, RenderOptions())
    path = tmp_path / f"report.{suffix}"
    if isinstance(output, bytes):
        path.write_bytes(output)
    else:
        path.write_text(output, encoding="utf-8")
        # HTML wraps each figure in a span telling its fact: compare the text without tags.
        assert "4.5万余张" in re.sub(r"<[^>]+>", "", output)
    assert [str(f) for f in lint_file(path, rules=plugins.lint_rules().values())] == []


def test_final_report_renders_as_json(
    plugins: epireport.Plugins, report: ReportInput, institution: epireport.Institution
) -> None:
    """The JSON rendering carries the prose and the facts behind it."""
    doc = compose(report, institution, facts_of(plugins, report), plugins)
    output = render_json(doc, RenderOptions())
    assert "4.5万余张" in output
    assert "leaflets@cgq@2020-01-23/2020-02-07" in output


def test_text_has_no_seed_slips(plugins: epireport.Plugins, report: ReportInput) -> None:
    """The seed's slips are fixed: no 报道报道, no 万余万, no half-width semicolon, no 狙击战."""
    text = text_of(plugins, report)
    for slip in ("报道报道", "万余万", ";", "(", "的印制", "发声音", "采防", "狙击战", "qq群"):
        assert slip not in text


# ---------------------------------------------------------------------------- draft skeleton


@pytest.fixture(scope="module")
def skeleton(plugins: epireport.Plugins, report: ReportInput) -> str:
    """The draft of the example with no values and no narrative inputs."""
    # A module-level function: pytest 9 deprecates class-scoped fixtures written as methods.
    bare = attrs.evolve(report, values=(), narrative={})
    return text_of(plugins, bare, draft=True)


class TestDraft:
    """Draft mode without data values: the seed's skeleton with xx placeholders."""

    def test_sections_in_the_seed_order(self, skeleton: str) -> None:
        """The headings are the seed's three, numbered 一、二、三、."""
        headings = [line.strip("　") for line in skeleton.splitlines() if "、" in line[:4]]
        assert headings == [
            "一、高度重视，加强领导",
            "二、突出重点，压实责任",
            "三、下一步工作打算",
        ]

    @pytest.mark.parametrize("sentence", SEED_SENTENCES)
    def test_reproduces_the_seed_sentences(self, skeleton: str, sentence: str) -> None:
        """Each seed sentence appears in the skeleton, with xx where the seed has a figure."""
        assert sentence in skeleton

    def test_items_in_the_seed_order(self, skeleton: str) -> None:
        """The 一是, 二是 and 三是 items come in the seed's order, after the section's lead."""
        positions = [
            skeleton.index(mark) for mark in ("坚持以团结", "一是强抓", "二是实抓", "三是硬抓")
        ]
        assert positions == sorted(positions)

    def test_every_figure_is_a_placeholder(self, skeleton: str) -> None:
        """No digit is left in the body but H5: every figure is xx (the date line aside)."""
        body = skeleton.rsplit("\n\n", 1)[0].replace("H5", "")
        assert not re.search(r"\d", body)
        assert body.count("xx") >= 22

    def test_draft_of_the_example_keeps_its_narrative(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """Without values the example's own names stay and only the figures become xx."""
        text = text_of(plugins, attrs.evolve(report, values=()), draft=True)
        assert "李明常委召开专题会议" in text
        assert "共发布户外广告牌xx块" in text
        assert text.startswith("【草稿】")


# ----------------------------------------------------------------- omissions and narrative


class TestOmissions:
    """Zeros and absent inputs leave clauses out instead of writing 0 or xx."""

    def test_zero_figure_closes_up_the_list(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """With no billboards the list starts at the screens and stays lint clean."""
        text = text_of(plugins, with_values(report, {"billboards": 0}))
        assert "共发布各类电子显示屏91块，标语横幅870条，" in text
        assert "户外广告牌" not in text
        assert lint_clean(plugins, text) == []

    def test_all_social_figures_zero_drops_the_item(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """When nothing was put up or handed out the 一是 item disappears and the rest renumber."""
        text = text_of(plugins, with_values(report, dict.fromkeys(SOCIAL, 0)))
        assert "强抓社会宣传" not in text
        assert "一是实抓新闻宣传" in text
        assert "二是硬抓舆情管控" in text
        assert lint_clean(plugins, text) == []

    def test_no_meetings_leaves_out_the_clause(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """Without meetings the sentence keeps its plans and drops only 小组内召开了…会议."""
        text = text_of(plugins, with_values(report, {"group_meetings": 0}))
        assert "情况互通，及时高效推进各项宣传任务落实。" in text
        assert "《城关区新型冠状病毒感染的肺炎疫情防控宣传工作方案》" in text

    def test_missing_required_figure_raises_in_final_mode(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """A figure nobody reported is an error in a final report, never a silent zero."""
        with pytest.raises(MissingFigureError, match="news_items"):
            text_of(plugins, with_values(report, {"news_items": None}))

    def test_final_without_narrative_uses_neutral_wording(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """With no narrative inputs a final report says nothing it does not know, and no xx."""
        text = text_of(plugins, attrs.evolve(report, narrative={}))
        assert "组长召开专题会议" in text
        assert "制定了" not in text
        assert "首例确诊" not in text
        assert "新闻发布会" not in text
        assert "热点舆情事件" not in text
        assert "在微信群、QQ群、微信朋友圈、微博等平台" in text
        assert lint_clean(plugins, text) == []

    @pytest.mark.parametrize(
        ("flags", "present", "absent"),
        [
            ({"press_conference": False}, "第一时间发布我区首例确诊信息，积极回应", "新闻发布会"),
            ({"first_case": False}, "严格宣传纪律，第一时间召开新闻发布会", "首例确诊"),
            (
                {"major_incident": True},
                "对热点舆情事件及时研判处置，属地网络舆情总体可控。",
                "未发生",
            ),
        ],
    )
    def test_flags_choose_the_wording(
        self,
        plugins: epireport.Plugins,
        report: ReportInput,
        flags: dict[str, bool],
        present: str,
        absent: str,
    ) -> None:
        """The press-conference, first-case and incident flags choose what the prose says."""
        text = text_of(plugins, with_narrative(report, **flags))
        assert present in text
        assert absent not in text
        assert lint_clean(plugins, text) == []

    def test_next_steps_replace_the_default(
        self, plugins: epireport.Plugins, report: ReportInput
    ) -> None:
        """Given next steps replace the seed's three sentences."""
        steps = ["继续做好复工复产宣传。", "加强正面引导。"]
        text = text_of(plugins, with_narrative(report, next_steps=steps))
        assert "　　继续做好复工复产宣传。加强正面引导。\n" in text
        assert "区疫情防控指挥部" not in text


# ------------------------------------------------------------------------ properties


_PERIOD = Period.parse("2020-01-23/2020-02-07")


@settings(max_examples=40, deadline=None)
@given(
    st.fixed_dictionaries(dict.fromkeys(EXPECTED, st.one_of(st.just(0), st.integers(1, 3_000_000))))
)
def test_any_figures_write_a_clean_report(values: dict[str, int]) -> None:
    """Whatever the figures (zeros included), the report lints clean and states each non-zero."""
    with registered(plugin) as plugins:
        inst = plugins.institution("district-publicity")
        base = ReportInput(
            institution=inst.code,
            unit="cgq",
            unit_name="城关区",
            period=_PERIOD,
            narrative={"major_incident": False, "plans": ["城关区疫情防控宣传工作方案"]},
        )
        doc = compose(base, inst, StaticFacts(values), plugins)
        text = render_text(doc, RenderOptions())
        assert lint_clean(plugins, text) == []
        written = {ref.indicator for ref in _fact_refs(doc)}
        assert written == {code for code, value in values.items() if value}


# ------------------------------------------------------------------------ validation rules


def test_rules_apply_to_this_institution_only(plugins: epireport.Plugins) -> None:
    """The plugin's rules are registered for the 区委宣传部 and for no other institution."""
    inst = plugins.institution("district-publicity")
    names = {rule.code for rule in plugins.validation_rules(inst)}
    assert {rule.code for rule in RULES} <= names
    assert plugin.epireport_register_validation_rules(attrs.evolve(inst, code="other")) == []


def test_rule_flags_inconsistent_opinion_figures(
    plugins: epireport.Plugins, report: ReportInput
) -> None:
    """More people educated than reports verified on one day is a warning for that unit."""
    day = Period.parse("20200201")
    verified = next(
        int(v.value or 0)
        for v in report.values
        if (v.indicator, v.unit, v.period) == ("reports_verified", "wxb", day)
    )
    values = tuple(
        attrs.evolve(v, value=verified + 2, status=ValueStatus.REPORTED)
        if (v.indicator, v.unit, v.period) == ("educated", "wxb", day)
        else v
        for v in report.values
    )
    violations = facts_of(plugins, attrs.evolve(report, values=values)).violations
    (violation,) = violations
    assert violation.rule.code == "educated-within-verified"
    assert (violation.unit, violation.period) == ("wxb", day)
    assert violation.importance.value == "warning"

"""The 物业服务中心 report end to end: example data, figures, formats, lint, draft skeleton."""

import datetime as dt
import importlib.util
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import jinja2
import pytest
import yaml
from epireport_property_company import _environment, plugin
from epireport_property_company._catalogue import HOUSEHOLD_TABLETS, MEASURES
from hypothesis import given
from hypothesis import strategies as st

from epireport import Plugins
from epireport.document import Document, RenderedHeading, RenderedParagraph, numbered
from epireport.exceptions import MissingFigureError
from epireport.facts import FactSet, compute_facts
from epireport.io import load_report
from epireport.lint import claims_from_json, lint_file, lint_text
from epireport.model import DataValue, Period, ReportInput, ValueStatus
from epireport.narrative import (
    TemplateSource,
    compose,
    disease_name,
    format_number,
    parse_number,
    significant_step,
)
from epireport.plugin import hookimpl
from epireport.render import (
    RenderOptions,
    render_docx,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from epireport.testing import registered

PLUGIN_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = PLUGIN_ROOT / "src" / "epireport_property_company" / "example.yaml"
SCRIPT = PLUGIN_ROOT / "scripts" / "make_example.py"

#: The figures of the example, worked out by hand from example.yaml (see the tests below,
#: which recompute them from the raw rows without epireport's aggregation).
HAND_CHECKED = {
    "elevators_with_tissues": 12,  # 8 in 阳光花园, 4 in 翠湖苑, on the last day
    "households_served": 601,
    "household_tablets": 5910,
    "notices_posted": 379,
    "flow_charts_posted": 998,
}

#: The draft skeleton: the seed's sections, order and sentences, with xx where it has 某某,
#: signed by the service centre on the period's last day (the seed stops unsigned).
SKELETON = """\
【草稿】
阳光花园物业服务中心新冠肺炎疫情防控工作总结
　　一、员工安全
　　1.每日调查询问员工家里是否有外来人员，并测量员工体温。
　　2.为员工发放防护用品，每日更换员工佩戴口罩（每人每天发放2只），员工消毒和清洁时佩戴胶皮手套，\
每位员工发放消毒泡腾片20片，用于家庭消毒。每位员工发放维生素C丸一瓶（100粒），\
缓解工作期间吸入氯气过多引起的身体不适，增强人体免疫力。
　　二、业主安全防护和消杀消毒
　　1.规范小区出入口管理，对进出小区人员、车辆核查登记，外来车辆不许进入本小区。
　　2.生活垃圾清运由每日一次调整到每日两次，保证垃圾不出现胀箱、外溢现象。
　　3.\u20091月28日开始，每日对小区楼内地面、电梯轿厢、垃圾箱、地库广场、消防通道、主通道、\
废弃口罩回收箱、办公区域等多个部位进行擦拭、拖洗、喷洒，消杀消毒交叉进行，每日三次，并附上消毒记录。
　　4.\u20091月30日在小区门岗处设立废弃口罩回收箱，并由专人每日消毒、焚烧。
　　5.\u20092月3日在小区xx部电梯放置一次性电梯按键纸抽，隔离病毒，每日保洁员更换补充纸抽。
　　6.\u20092月6日为业主发放免费消毒泡腾片，每户根据需求5～15片不等，共发放xx多户，xx多片，\
保洁员挨家挨户送上门并告知使用方法。
　　三、加强宣传引导
　　1.在小区各单元内和宣传栏粘贴疫情防控的各类温馨提示和相关通知，共计xx份；\
挨家挨户粘贴疫情防控流程图，共计xx份。
　　2.在门岗设立扩音器，开展疫情防控宣传。
　　3.通过业主微信群、朋友圈转发、宣传栏粘贴等方式开展形式灵活的新冠肺炎知识、防范措施、\
注意事项宣传教育，消除业主恐慌情绪，增强自我防病意识，提醒广大业主不信谣、不传谣。
　　下一步，阳光花园物业服务中心将继续根据业主需求，急业主所急，例如根据业主电话反映因没有口罩\
不敢出门买菜，协调市城管局调拨一部分口罩，正在发放中；目前有些业主因不出门不下楼，\
家里及楼道内堆积大量生活垃圾，出现异味，容易滋生细菌，为解决这一问题，我服务中心正在协调人员，\
准备安排专人清运业主门口的生活垃圾，保障业主足不出户也能正常生活。接下来，我服务中心将秉持\
认真负责的工作态度，进一步强化风险意识、主动担当作为，持续做好防控，坚决打赢这场无硝烟的战争，\
确保广大业主的健康安全！

阳光花园物业服务中心
2020年2月16日
"""


@pytest.fixture(scope="module")
def plugins() -> Iterator[Plugins]:
    """The built-ins and this plugin only (other installed plugins stay out)."""
    with registered(plugin) as found:
        yield found


@pytest.fixture(scope="module")
def report() -> ReportInput:
    """The packaged example input, loaded against the institution."""
    return load_report(EXAMPLE, institution=plugin.INSTITUTION)


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, Any]]:
    """The example's value rows as plain YAML, untouched by epireport."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = data["values"]
    return rows


def facts_of(plugins: Plugins, report: ReportInput) -> FactSet:
    """Compute the facts with the plugin's validation rules."""
    institution = plugins.institution("property-company")
    return compute_facts(report, institution, rules=plugins.validation_rules(institution))


def document(plugins: Plugins, report: ReportInput, *, draft: bool = False) -> Document:
    """Compose the report's document tree."""
    institution = plugins.institution("property-company")
    return compose(report, institution, facts_of(plugins, report), plugins, draft=draft)


def final_text(plugins: Plugins, report: ReportInput) -> str:
    """The final report as plain text."""
    text = render_text(document(plugins, report), RenderOptions())
    assert isinstance(text, str)
    return text


def paragraphs(doc: Document) -> list[str]:
    """The paragraphs of *doc* as drawn, markers included."""
    return [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph)]


# ------------------------------------------------------------------------------ example data


def test_example_covers_three_weeks_of_six_teams(report: ReportInput) -> None:
    """The example has a 3-level tree, 21 daily reports per team, zero-reports and gaps."""
    assert report.tree is not None
    teams = [u for u in report.tree.units if not report.tree.children(u.code)]
    assert len(teams) == 6
    days = {v.period for v in report.values}
    assert len(days) == 21 >= 14
    statuses = {v.status for v in report.values}
    assert {ValueStatus.REPORTED, ValueStatus.ZERO_REPORT, ValueStatus.MISSING} <= statuses
    missing = [v for v in report.values if v.status is ValueStatus.MISSING]
    assert 0 < len(missing) < len(report.values) // 20


def test_example_is_what_the_script_writes(tmp_path: Path) -> None:
    """The committed example.yaml is exactly the (seeded) generator's output."""
    spec = importlib.util.spec_from_file_location("make_example", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules["make_example"] = module
    try:
        spec.loader.exec_module(module)
        target = tmp_path / "example.yaml"
        module.main([str(target)])
    finally:
        del sys.modules["make_example"]
    assert target.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


def test_institution_example_points_at_the_packaged_file() -> None:
    """Institution.example is the packaged example.yaml."""
    example = plugin.INSTITUTION.example
    assert example is not None
    assert example.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ figures


def _sum(rows: list[dict[str, Any]], indicator: str) -> int:
    return sum(r["value"] for r in rows if r["indicator"] == indicator and type(r["value"]) is int)


def _last_per_unit(rows: list[dict[str, Any]], indicator: str) -> int:
    last: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row["indicator"] != indicator or row["value"] is None:
            continue
        value = row["value"] if type(row["value"]) is int else 0  # 零报告
        if row["unit"] not in last or row["period"] > last[row["unit"]][0]:
            last[row["unit"]] = (row["period"], value)
    return sum(value for _, value in last.values())


def test_hand_checked_figures_agree_with_the_raw_rows(raw_rows: list[dict[str, Any]]) -> None:
    """Summing the YAML rows by hand gives the literal figures the tests expect."""
    assert (
        _last_per_unit(raw_rows, "elevators_with_tissues") == HAND_CHECKED["elevators_with_tissues"]
    )
    for code in ("households_served", "household_tablets", "notices_posted", "flow_charts_posted"):
        assert _sum(raw_rows, code) == HAND_CHECKED[code], code


def test_facts_match_the_hand_checked_figures(plugins: Plugins, report: ReportInput) -> None:
    """Epireport's aggregation over the tree gives the hand-checked totals."""
    facts = facts_of(plugins, report)
    for code, expected in HAND_CHECKED.items():
        assert facts.get(code).value == expected, code


def test_compound_figures_add_up_to_the_centre(plugins: Plugins, report: ReportInput) -> None:
    """The two compounds' figures add up to the service centre's."""
    facts = facts_of(plugins, report)
    for code in HAND_CHECKED:
        parts = [facts.get(code, unit).value for unit in ("ygh", "chy")]
        assert sum(p for p in parts if isinstance(p, int)) == facts.get(code).value


def test_prose_states_the_figures_as_the_seed_does(plugins: Plugins, report: ReportInput) -> None:
    """601户 and 5910片 are hedged with 多 to two figures; counts of 份 and 部 are exact."""
    text = final_text(plugins, report)
    assert "共发放600多户，5900多片" in text
    assert "在小区12部电梯放置一次性电梯按键纸抽" in text
    assert "共计379份；挨家挨户粘贴疫情防控流程图，共计998份" in text


def test_measures_give_dates_and_frequencies(plugins: Plugins, report: ReportInput) -> None:
    """Start dates, the garbage frequency change and the disinfection rate come from measures."""
    text = final_text(plugins, report)
    assert "生活垃圾清运由每日一次调整到每日两次" in text
    assert "1月28日开始，每日对小区楼内地面、电梯轿厢" in text
    assert "每日三次，并附上消毒记录" in text
    assert "1月30日在小区门岗处设立废弃口罩回收箱" in text
    assert "2月6日为业主发放免费消毒泡腾片，每户根据需求5～15片不等" in text
    assert "（每人每天发放2只）" in text


def test_unit_name_replaces_the_seed_placeholder(plugins: Plugins, report: ReportInput) -> None:
    """某某物业服务中心 becomes the reporting unit's name, and 某 appears nowhere."""
    text = final_text(plugins, report)
    assert "下一步，阳光花园物业服务中心将继续根据业主需求" in text
    assert "某" not in text
    assert "xx" not in text


def test_figures_trace_back_to_their_facts(plugins: Plugins, report: ReportInput) -> None:
    """Each figure in the prose carries a fact reference with the text as written."""
    doc = document(plugins, report)
    refs = {
        ref.indicator: ref
        for section in doc.sections
        for block in section.blocks
        for item in getattr(block, "items", ())
        for para in item.blocks
        for sentence in getattr(para, "sentences", ())
        for ref in sentence.facts
    }
    assert refs["households_served"].text == "600多"
    assert refs["households_served"].value == "601"
    assert refs["household_tablets"].text == "5900多"
    assert refs["elevators_with_tissues"].text == "12"
    assert refs["notices_posted"].sources  # provenance: the daily rows behind the total


# ------------------------------------------------------------------------------ structure


def test_sections_follow_the_seed(plugins: Plugins, report: ReportInput) -> None:
    """Three numbered sections in the seed's order, with 2, 6 and 3 arabic items."""
    doc = document(plugins, report)
    headings = [e.full for e in numbered(doc) if isinstance(e, RenderedHeading)]
    assert headings == ["一、员工安全", "二、业主安全防护和消杀消毒", "三、加强宣传引导"]
    counts = [len(section.blocks[0].items) for section in doc.sections]  # type: ignore[union-attr]
    assert counts == [2, 6, 3]
    assert all(section.blocks[0].style.value == "arabic" for section in doc.sections)  # type: ignore[union-attr]
    assert paragraphs(doc)[-1].startswith("下一步，")


def test_draft_skeleton_matches_the_seed(plugins: Plugins, report: ReportInput) -> None:
    """Without data values the draft is the seed's text with xx where the seed has 某某."""
    skeleton = attrs.evolve(report, values=())
    text = render_text(document(plugins, skeleton, draft=True), RenderOptions(draft=True))
    assert text == SKELETON


def test_draft_without_measure_dates_has_date_placeholders(plugins: Plugins) -> None:
    """A bare report (catalogue measures, no dates, no tree) drafts 1月某日 as xx月xx日."""
    bare = ReportInput(
        institution="property-company",
        unit="wy",
        unit_name="某小区物业服务中心",
        period=Period.parse("2020-02-01/2020-02-14"),
    )
    doc = document(plugins, bare, draft=True)
    text = "\n".join(paragraphs(doc))
    assert "3.xx月xx日开始，每日对小区楼内地面" in text
    assert "5.xx月xx日在小区xx部电梯" in text
    assert "急业主所急。接下来" in text  # no owners' needs given: no 例如


def test_final_without_measure_dates_leaves_them_out(plugins: Plugins, report: ReportInput) -> None:
    """In a final report a measure without a start date is written without one."""
    undated = attrs.evolve(report, measures=())
    text = final_text(plugins, undated)
    assert "3.每日对小区楼内地面" in text
    assert "4.在小区门岗处设立废弃口罩回收箱" in text


def test_measure_not_yet_in_force_drops_its_item(plugins: Plugins, report: ReportInput) -> None:
    """A measure starting after the period leaves no item, and the rest renumber."""
    later = {m.code: m for m in report.measures}
    tissues = attrs.evolve(later["elevator_tissues"], start=dt.date(2020, 3, 1))
    changed = attrs.evolve(
        report, measures=tuple(tissues if m.code == tissues.code else m for m in report.measures)
    )
    text = final_text(plugins, changed)
    assert "电梯按键纸抽" not in text
    assert "5.\u20092月6日为业主发放免费消毒泡腾片" in text


def test_zero_households_drop_the_sentence(plugins: Plugins, report: ReportInput) -> None:
    """When no household got tablets (all 零报告) the 共发放 sentence disappears."""
    zeroed = tuple(
        attrs.evolve(v, status=ValueStatus.ZERO_REPORT, value=None)
        if v.indicator in ("households_served", "household_tablets")
        else v
        for v in report.values
    )
    text = final_text(plugins, attrs.evolve(report, values=zeroed))
    assert "共发放" not in text
    assert "多户" not in text


def test_final_report_refuses_a_missing_figure(plugins: Plugins, report: ReportInput) -> None:
    """With every notices row missing, the final report names the figure instead of guessing."""
    values = tuple(v for v in report.values if v.indicator != "notices_posted")
    with pytest.raises(MissingFigureError, match="notices_posted"):
        final_text(plugins, attrs.evolve(report, values=values))


# ------------------------------------------------------------------------------ formats, lint


def test_final_report_renders_and_lints_clean_in_every_format(
    plugins: Plugins, report: ReportInput, tmp_path: Path
) -> None:
    """Text, Markdown, HTML, DOCX and JSON render; the four prose formats have no findings."""
    doc = document(plugins, report)
    options = RenderOptions()
    rules = list(plugins.lint_rules().values())
    outputs = {
        "report.txt": render_text(doc, options),
        "report.md": render_markdown(doc, options),
        "report.html": render_html(doc, options),
        "report.docx": render_docx(doc, options),
    }
    for name, output in outputs.items():
        path = tmp_path / name
        if isinstance(output, bytes):
            path.write_bytes(output)
        else:
            assert isinstance(output, str)
            path.write_text(output, encoding="utf-8")
        assert lint_file(path, rules=rules) == [], name
    tree = json.loads(render_json(doc, options))
    assert tree["title"] == "阳光花园物业服务中心新冠肺炎疫情防控工作总结"
    assert [s["heading"] for s in tree["sections"]] == [
        "员工安全",
        "业主安全防护和消杀消毒",
        "加强宣传引导",
    ]


def test_figures_survive_the_data_check(plugins: Plugins, report: ReportInput) -> None:
    """Linting the text against its own JSON output (--data) finds nothing."""
    doc = document(plugins, report)
    claims = claims_from_json(json.loads(render_json(doc, RenderOptions())))
    assert len(claims) == 5
    rules = list(plugins.lint_rules().values())
    assert lint_text(final_text(plugins, report), rules=rules, data=claims) == []


def test_the_seed_slips_are_gone(plugins: Plugins, report: ReportInput) -> None:
    """One enumeration style (1.), no repeated paragraph, full-width punctuation."""
    text = final_text(plugins, report)
    assert "1、" not in text
    assert text.count("粘贴疫情防控的各类温馨提示") == 1
    assert not any(mark in text for mark in ";(),:!")


# ------------------------------------------------------------------------------ rules


def test_example_violates_no_rule(plugins: Plugins, report: ReportInput) -> None:
    """The example data keep the measures: no validation rule is violated."""
    assert facts_of(plugins, report).violations == ()


def test_too_many_tablets_per_household_is_flagged(plugins: Plugins, report: ReportInput) -> None:
    """200 tablets for 5 households breaks 每户至多15片 and is noted on the fact."""
    day = Period.parse("20200210")
    extra = (
        DataValue("households_served", "ygh-bj", day, ValueStatus.REPORTED, 5),
        DataValue("household_tablets", "ygh-bj", day, ValueStatus.REPORTED, 200),
    )
    kept = tuple(
        v
        for v in report.values
        if not (v.unit == "ygh-bj" and v.period == day and v.indicator.startswith("household"))
    )
    facts = facts_of(plugins, attrs.evolve(report, values=kept + extra))
    names = {v.rule.code for v in facts.violations}
    assert "household-tablets-at-most" in names


def test_rules_only_for_this_institution(plugins: Plugins) -> None:
    """The plugin's rules are registered for 物业服务中心 and for no other institution."""
    other = attrs.evolve(plugin.INSTITUTION, code="someone-else")
    assert plugin.epireport_register_validation_rules(other) == []
    names = {r.code for r in plugins.validation_rules(plugin.INSTITUTION)}
    assert {"household-tablets-at-least", "household-tablets-at-most", "staff-mask-ration"} <= names


def test_catalogue_quantities_match_the_rules() -> None:
    """The 5～15片 in the measure wording is the range the rules check."""
    household = next(m for m in MEASURES if m.code == "household_tablets")
    low, high = HOUSEHOLD_TABLETS
    assert f"{low}～{high}片" in household.description
    rules = {r.code: r for r in plugin.RULES}
    assert rules["household-tablets-at-least"].right.endswith(f"* {low}")
    assert rules["household-tablets-at-most"].right.endswith(f"* {high}")


# ------------------------------------------------------------------------------ helpers


@given(st.integers(min_value=1, max_value=10**9))
def test_hedged_figure_is_honest(value: int) -> None:
    """The 多 form keeps two significant figures and always admits the exact value."""
    text = format_number(value, "hedged", hedge="多", small_step=significant_step(value, 2))
    assert Decimal(value) in parse_number(text)
    if 100 <= value < 10_000:
        shown = text.removesuffix("多")
        assert len(shown.rstrip("0")) <= 2
        assert text.endswith("多") == (int(shown) != value)


@given(st.dates(min_value=dt.date(2019, 12, 1), max_value=dt.date(2024, 12, 31)))
def test_the_title_names_the_disease_as_on_the_last_day(day: dt.date) -> None:
    """The template's short name is the one official usage had on the period's last day."""
    term = disease_name(Period.interval(day, day), short=True)
    if day < dt.date(2020, 2, 8):
        assert term == "新型冠状病毒感染的肺炎"
    elif day < dt.date(2023, 1, 8):
        assert term == "新冠肺炎"
    else:
        assert term == "新冠病毒感染"


def test_per_person_ration_reads_the_frequency() -> None:
    """每人每天发放2只 comes from the staff_masks measure's 2/day frequency."""
    masks = next(m for m in MEASURES if m.code == "staff_masks")
    assert _environment.per_person(masks, "只") == "每人每天发放2只"
    assert _environment.per_person(attrs.evolve(masks, frequency="1/week"), "只") == (
        "每人每周发放1只"
    )
    assert _environment.per_person(attrs.evolve(masks, frequency=None), "只") == ""


def test_agency_overrides_one_block_even_sandboxed(report: ReportInput) -> None:
    """An uploaded (sandboxed) template can extend the reference and replace 下一步 only."""
    override = {
        "property-company/report.md.j2": (
            '{% extends "property-company::property-company/report.md.j2" %}'
            "{% block next_steps %}\n下一步，{{ unit }}将继续做好小区防控。\n{% endblock %}"
        )
    }
    source = TemplateSource(
        "agency", loader=jinja2.DictLoader(override), priority=10, sandboxed=True
    )

    class Agency:
        @staticmethod
        @hookimpl
        def epireport_register_templates() -> list[TemplateSource]:
            return [source]

    with registered(plugin, Agency) as plugins:
        doc = document(plugins, report)
    texts = paragraphs(doc)
    assert texts[-1] == "下一步，阳光花园物业服务中心将继续做好小区防控。"
    assert any("共发放600多户，5900多片" in t for t in texts)

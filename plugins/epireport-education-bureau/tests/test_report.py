"""The 县科教局 summary: every format, lint-clean, figures hand-checked, the skeleton."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from epireport import Plugins, build_document, render_report, skeleton_input
from epireport.document import Document, Paragraph, Sentence
from epireport.exceptions import MissingFigureError
from epireport.model import Institution, Period, ReportInput

Texts = Callable[[Document], list[str]]
Lint = Callable[[Document], dict[str, list[Any]]]
Compose = Callable[..., Document]

#: The second document of seed 000, paragraph by paragraph, as the seed wrote it.
SEED = (
    "近日来，县科教局严格按照县委、县政府和市教育局新型冠状病毒感染肺炎疫情防控工作要求，"
    "夯实工作举措，压实工作责任，建立了“四个三”工作机制，扎实做好教育系统新型冠状病毒感染的"
    "肺炎疫情防控工作，确保疫情早发现、早报告、早诊断、早隔离、早治疗，全力打赢疫情防控工作"
    "阻击战。",
    "一是完善三项制度，落实网格管理。一是建立主要负责人坐班及班子成员值带班制度。落实门禁制度，"
    "严格控制进入校园人员及车辆，对进出人员进行体温监测登记。二是建立教职工及学生日排查制度。"
    "通过班级微信群，实行学生及家长日报告，班主任日统计，学校日汇总师生排查情况，实现了横向到"
    "边，纵向到底的排查机制。三是建立日报告、零报告制度。各单位及时将日排查情况签字盖章上报汇总，"
    "确保了教育系统信息畅通准确。",
    "二是制定三类文件，明确工作责任。一是制定下发了教育系统新型冠状病毒感染的肺炎疫情防控工作"
    "方案和预案，指导各单位开展防控工作。二是督促各单位制定防控工作方案，成立组织机构，明确分工，"
    "夯实责任，落实党政同责。三是规范各单位有关疫情防控工作的文件、安排及档案资料。",
    "三是突出三项宣传，正确引导舆论。一是通过微信公众号、微信群、QQ群等形式及时宣传疫情防控"
    "信息，普及各项防控知识，积极引导广大师生理性应对，消除恐慌心理，做到不造谣、不信谣、不传谣。"
    "二是督促各单位及时张贴上级下发的通告，悬挂宣传标语，制作门禁警示牌，进行宣传引导。三是及时"
    "总结宣传疫情防控工作好的经验做法。",
    "四是落实三条措施，强化疫情防控。一是按要求做好问题师生的隔离工作。二是按规定做好师生的日"
    "排查工作。三是坚决杜绝师生参与各类群体性活动。",
)


def fixed(paragraph: str, name: str) -> str:
    """The seed's paragraph with its slips fixed: the disease's name of the day, 、 in a pair."""
    return (
        paragraph.replace("新型冠状病毒感染的肺炎", name)
        .replace("新型冠状病毒感染肺炎", name)
        .replace("横向到边，纵向到底", "横向到边、纵向到底")
    )


def raw_rows(institution: Institution) -> list[dict[str, Any]]:
    """The example's value rows as plain YAML, read without epireport."""
    assert institution.example is not None
    data = yaml.safe_load(institution.example.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = data["values"]
    return rows


def numbers(rows: list[dict[str, Any]], indicator: str) -> list[int]:
    """The reported numbers of *indicator* (zero-reports and missing values left out)."""
    return [r["value"] for r in rows if r["indicator"] == indicator and isinstance(r["value"], int)]


def facts_of(document: Document) -> list[Any]:
    """Every FactRef in the document's enumerations and paragraphs, in order."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, Sentence):
            found.extend(node.facts)
        elif isinstance(node, Paragraph):
            for sentence in node.sentences:
                walk(sentence)
        elif attrs.has(type(node)):
            for field in attrs.fields(type(node)):
                walk(getattr(node, field.name))
        elif isinstance(node, tuple):
            for item in node:
                walk(item)

    walk(document)
    return found


# ------------------------------------------------------------------------------- final mode


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "docx"])
def test_final_report_renders_in_every_format(
    plugins: Plugins, example: ReportInput, fmt: str
) -> None:
    """The example renders in final mode through every registered format."""
    rendered = render_report(example, format=fmt, plugins=plugins)
    if fmt == "docx":
        assert isinstance(rendered.output, bytes)
        assert rendered.output.startswith(b"PK")
    else:
        assert isinstance(rendered.output, str)
        assert "建立了“四个三”工作机制" in rendered.output
        if fmt == "json":
            assert json.loads(rendered.output)["title"] == "县科教局新冠肺炎疫情防控工作总结"
    assert not rendered.document.meta.draft


def test_final_report_lints_clean(final: Document, lint: Lint) -> None:
    """The final report has no lint finding at all, warnings included, in any format."""
    assert lint(final) == {"text": [], "markdown": [], "html": [], "docx": []}


def test_final_report_has_no_validation_notes(plugins: Plugins, example: ReportInput) -> None:
    """The example data passes every validation rule, the plugin's own included."""
    _, facts = build_document(example, plugins=plugins)
    assert facts.violations == ()


def test_screening_figures_match_the_raw_rows(
    final: Document, texts: Texts, institution: Institution
) -> None:
    """排查, 体温异常 and 隔离观察 are the sums of the classes' daily rows (hand-checked)."""
    rows = raw_rows(institution)
    screened, fever, isolated = (
        sum(numbers(rows, code)) for code in ("screened", "fever", "isolated")
    )
    # Worked out by hand from scripts/make_example.py: fevers 1+1+2+1+1, isolated 1+0+1+1+0.
    assert (screened, fever, isolated) == (11397, 6, 3)
    sentence = "1月27日至2月9日，全县教育系统累计排查师生11397人次，发现体温异常6人，隔离观察3人。"
    assert sentence in texts(final)[2]


def test_screening_figures_trace_back_to_their_facts(final: Document) -> None:
    """Each figure in the prose carries its fact: indicator, unit, period and exact value.

    The reporting counts (全县6所学校中5所每日按时报送，1所缺报1次; 248份, 243份零报告) are
    figures too, each naming what it counts.
    """
    found = {(f.indicator, f.unit, f.period, f.value) for f in facts_of(final)}
    period = "2020-01-27/2020-02-09"
    assert found == {
        ("screened", "KJJ", period, "11397"),
        ("fever", "KJJ", period, "6"),
        ("isolated", "KJJ", period, "3"),
        ("reporting.schools", "KJJ", period, "6"),
        ("reporting.schools_on_time", "KJJ", period, "5"),
        ("reporting.schools_missing", "KJJ", period, "1"),
        ("reporting.school_days_missing", "KJJ", period, "1"),
        ("reporting.class_reports", "KJJ", period, "248"),
        ("reporting.zero_reports", "KJJ", period, "243"),
    }


def test_completeness_matches_the_raw_rows(
    final: Document, texts: Texts, institution: Institution
) -> None:
    """The 报送 sentence counts schools and class reports as the raw rows have them."""
    rows = raw_rows(institution)
    days = {str(r["period"]) for r in rows}
    assert len(days) == 14
    class_days = {(r["unit"], str(r["period"])) for r in rows if r["value"] is not None}
    zero = {(r["unit"], str(r["period"])) for r in rows if r["indicator"] == "fever"}
    zero = {key for key in zero if key in class_days} - {
        (r["unit"], str(r["period"]))
        for r in rows
        if r["indicator"] == "fever" and isinstance(r["value"], int)
    }
    schools_every_day = {
        school
        for school in {unit[:3] for unit, _ in class_days}
        if {day for unit, day in class_days if unit.startswith(school)} == days
    }
    # 18 classes × 14 days, less 城南小学's two classes on 2 February and two single misses.
    assert (len(class_days), len(zero), len(schools_every_day)) == (248, 243, 5)
    assert (
        "同期，全县6所学校中5所每日按时报送，1所缺报1次；各班级共报送日排查情况248份，"
        "其中零报告243份。"
    ) in texts(final)[2]


# ------------------------------------------------------------------------------- the skeleton


def test_skeleton_reads_like_the_seed(
    plugins: Plugins, example: ReportInput, texts: Texts, lint: Lint
) -> None:
    """Without data values, the draft is the seed's text, its slips fixed, section by section."""
    document, _ = build_document(skeleton_input(example), plugins=plugins, draft=True)
    assert document.meta.draft
    assert texts(document) == [
        "县科教局新冠肺炎疫情防控工作总结",
        *(fixed(p, "新型冠状病毒肺炎") for p in SEED),
    ]
    assert lint(document) == {"text": [], "markdown": [], "html": [], "docx": []}


def test_skeleton_before_the_renaming_keeps_the_first_name(
    plugins: Plugins, example: ReportInput, texts: Texts, lint: Lint
) -> None:
    """A summary dated before 2020-02-08 says 新型冠状病毒感染的肺炎, as the seed meant to."""
    early = attrs.evolve(skeleton_input(example), period=Period.parse("2020-01-21/2020-02-03"))
    document, _ = build_document(early, plugins=plugins, draft=True)
    name = "新型冠状病毒感染的肺炎"
    assert texts(document) == [f"县科教局{name}疫情防控工作总结", *(fixed(p, name) for p in SEED)]
    assert document.signature is not None
    assert str(document.signature.date) == "2020-02-03"
    assert lint(document) == {"text": [], "markdown": [], "html": [], "docx": []}


def test_draft_with_data_shows_placeholders_for_missing_figures(
    compose_yaml: Compose, texts: Texts
) -> None:
    """A draft whose data lacks a figure writes xx with its measure word in its place."""
    document = compose_yaml(small_input(without=("fever", "isolated")), draft=True)
    assert "累计排查师生85人次，发现体温异常xx人，隔离观察xx人。" in texts(document)[2]


def test_final_mode_refuses_a_missing_figure(compose_yaml: Compose) -> None:
    """In final mode a figure the data lacks is an error naming the indicator."""
    with pytest.raises(MissingFigureError, match="'fever'"):
        compose_yaml(small_input(without=("fever",)))


# ------------------------------------------------------------------------------- variations

TREE = """\
institution: education-bureau
unit: B
period: 2020-02-10/2020-02-11
org_units:
  - {code: B, name: 县科教局}
  - {code: S1, name: 城关小学, parent: B}
  - {code: C1, name: 一年级一班, parent: S1}
  - {code: S2, name: 实验小学, parent: B}
  - {code: C2, name: 二年级一班, parent: S2}
measures:
  - {code: daily_screening, title: 日排查制度}
  - {code: daily_report, title: 日报告、零报告制度}
"""


def small_input(
    *,
    fever: object = "零报告",
    isolated: object = "零报告",
    skip: tuple[str, ...] = (),
    late: tuple[str, ...] = (),
    without: tuple[str, ...] = (),
    extra: str = "",
    dated: bool = True,
) -> str:
    """Two schools of one class each over two days; 40 + 45 screened on the first day only.

    *fever* and *isolated* are C1's values on 2020-02-10; *skip* leaves out the rows of
    ``unit/day`` keys, *late* marks them submitted the next noon (the others at 18:00 of
    their day, or with no time at all unless *dated*), *without* leaves out every row of the
    indicators it names.
    """
    rows = []
    for unit, count in (("C1", 40), ("C2", 45)):
        for day in ("20200210", "20200211"):
            key = f"{unit}/{day}"
            if key in skip:
                continue
            if key in late:
                when = f", submitted_at: '{int(day) + 1}T12:00:00'"
            else:
                when = f", submitted_at: '{day}T18:00:00'" if dated else ""
            first = day == "20200210"
            values = {
                "screened": count if first else "零报告",
                "fever": fever if unit == "C1" and first else "零报告",
                "isolated": isolated if unit == "C1" and first else "零报告",
            }
            for code, value in values.items():
                if code in without:
                    continue
                rows.append(
                    f"  - {{indicator: {code}, unit: {unit}, period: {day}, value: {value}{when}}}"
                )
    return TREE + extra + "values:\n" + "\n".join(rows) + "\n"


def test_no_abnormal_temperature_is_said_in_words(compose_yaml: Compose, texts: Texts) -> None:
    """With no abnormal temperature the sentence says 未发现体温异常人员, not 0人."""
    paragraph = texts(compose_yaml(small_input()))[2]
    assert "2月10日至2月11日，全县教育系统累计排查师生85人次，未发现体温异常人员。" in paragraph


def test_fever_without_isolation_leaves_isolation_out(compose_yaml: Compose, texts: Texts) -> None:
    """A fever nobody was isolated for is stated without a 隔离观察0人 clause."""
    paragraph = texts(compose_yaml(small_input(fever=2)))[2]
    assert "累计排查师生85人次，发现体温异常2人。" in paragraph


def test_all_schools_on_time(compose_yaml: Compose, texts: Texts, lint: Lint) -> None:
    """When every school reported every day, the sentence says so without a breakdown."""
    document = compose_yaml(small_input())
    assert (
        "同期，全县2所学校每日按时报送；各班级共报送日排查情况4份，其中零报告4份。"
        in texts(document)[2]
    )
    assert lint(document) == {"text": [], "markdown": [], "html": [], "docx": []}


def test_reports_without_submission_times_are_not_called_on_time(
    compose_yaml: Compose, texts: Texts
) -> None:
    """Without a submission time nothing shows the reports were on time: 每日报送, not 按时."""
    paragraph = texts(compose_yaml(small_input(dated=False)))[2]
    assert "同期，全县2所学校每日报送；" in paragraph
    assert "按时" not in paragraph


def test_late_and_missing_schools(compose_yaml: Compose, texts: Texts) -> None:
    """Late and missing school reports are counted by school and by day."""
    text = small_input(fever=1, isolated=1, skip=("C2/20200211",), late=("C1/20200211",))
    assert (
        "同期，全县2所学校中1所迟报1次，1所缺报1次；各班级共报送日排查情况3份，其中零报告2份。"
        in texts(compose_yaml(text))[2]
    )


def test_plan_titles_from_the_narrative(compose_yaml: Compose, texts: Texts) -> None:
    """Titles given as 下发文件 replace the generic 工作方案和预案, in 《》."""
    text = small_input().replace(
        "measures:\n",
        "measures:\n  - {code: bureau_plan, title: 方案}\n",
    ) + ("narrative:\n  documents: [县教育系统疫情防控工作方案, 县教育系统疫情防控应急预案]\n")
    paragraphs = texts(compose_yaml(text))
    assert paragraphs[3] == (
        "二是制定一类文件，明确工作责任。一是制定下发了《县教育系统疫情防控工作方案》"
        "《县教育系统疫情防控应急预案》，指导各单位开展防控工作。"
    )


def test_validation_rules_flag_impossible_figures(
    plugins: Plugins, institution: Institution
) -> None:
    """More fevers than people screened is an error; more isolated than fevers a warning."""
    from epireport.io import loads_report

    report = loads_report(small_input(fever=50, isolated=60), institution=institution)
    _, facts = build_document(report, plugins=plugins)
    found = {(v.rule.code, v.unit, v.importance.value) for v in facts.violations if v.unit == "C1"}
    assert ("fever-within-screened", "C1", "error") in found
    assert ("isolated-within-screened", "C1", "error") in found
    assert ("isolated-within-fever", "C1", "warning") in found
    assert all(v.left is None or isinstance(v.left, Decimal) for v in facts.violations)


def test_a_schools_summary_speaks_of_its_school_and_its_classes(
    plugins: Plugins, example: ReportInput, tmp_path: Path
) -> None:
    """A school's summary (render --each 学校) says 全校 and counts its classes (个班级).

    The words (the example without its values) name the levels from the bureau down (县, 学校,
    班级); a school heads its own tree, so its children are classes, not schools, and none of
    its sentences speaks for the whole county.
    """
    from epireport import render_each
    from epireport.store import Store

    db = tmp_path / "store.sqlite"
    assert example.tree is not None
    with Store.open(db) as store:
        store.ingest(
            example.values, "example.yaml", units=example.tree.units, institution="education-bureau"
        )
    words = attrs.evolve(example, values=(), unit_name="", title="")
    results = {
        r.unit: r
        for r in render_each(
            db, "education-bureau", example.period, "学校", words=words, plugins=plugins
        )
    }
    school = results["S01"].rendered
    assert school is not None
    text = str(school.output)
    assert "全县" not in text
    assert "全校累计排查师生" in text
    assert "全校4个班级中3个每日按时报送，1个缺报1次；各班级共报送日排查情况55份" in text
    county = next(
        render_each(db, "education-bureau", example.period, "县", words=words, plugins=plugins)
    ).rendered
    assert county is not None
    assert "全县6所学校中5所每日按时报送，1所缺报1次" in str(county.output)

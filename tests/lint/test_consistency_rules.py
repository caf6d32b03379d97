"""The text-only consistency rules: what a careful reader catches without the data.

Each rule has sentences it reports and near misses it must leave alone; the clean fixture
(fixtures/clean_idioms.txt) gathers idioms and correct constructions that look like slips.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.lint._lint import lint_text

FIXTURES = Path(__file__).parent / "fixtures"


def rules_found(text: str) -> list[str]:
    return [f.rule_id for f in lint_text(text)]


def findings(text: str, rule: str) -> list[str]:
    return [f.message for f in lint_text(text) if f.rule_id == rule]


def clean_lines() -> list[str]:
    text = (FIXTURES / "clean_idioms.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("line", clean_lines())
def test_clean_fixture_line_has_no_findings(line: str) -> None:
    """Each idiom or correct construction in the clean fixture lints clean on its own."""
    assert lint_text(line) == []


def test_clean_fixture_as_one_document_has_no_findings() -> None:
    """The clean fixture as one document (lists across lines included) lints clean."""
    assert lint_text((FIXTURES / "clean_idioms.txt").read_text(encoding="utf-8")) == []


# ------------------------------------------------------------------------ EPI205 parts-total


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("湖北省45条（武汉20条、宜昌15条、其他9条）。", "add up to 44, not 45条"),
        ("湖北省四十五条（武汉二十条、宜昌十五条、其余九条）。", "add up to 44, not 四十五条"),
        ("共确诊五例，分别为男性三例、女性三例。", "add up to 6, not 五例"),
        ("排查师生1200人，其中教师300人、学生1000人。", "add up to 1300, more than 1200人"),
        ("排查师生1200人，其中教师2000人。", "教师2000人 is more than the total 1200人"),
        ("发放口罩3万只（社区2.5万只、学校1.5万只）。", "more than 3万只"),
        ("共排查480余人（武汉200余人、宜昌300余人、其他70余人）。", "not 480余人"),
        ("共发放宣传单32000张，其中社区15000张，其余18000张。", "not 32000张"),
    ],
)
def test_parts_that_cannot_add_up(text: str, message: str) -> None:
    """Parts summing past the total, or an exhaustive list summing to another total, are errors."""
    found = [f for f in lint_text(text) if f.rule_id == "EPI205"]
    assert len(found) == 1
    assert message in found[0].message
    assert found[0].severity.value == "error"


@pytest.mark.parametrize(
    "text",
    [
        "湖北省45条（武汉20条、宜昌15条、其他10条）。",
        "共排查480余人（武汉200余人、宜昌200余人、其他70余人）。",
        "排查师生1200人，其中教师200人、学生1000人。",
        "排查师生1200人，其中教师200人、学生900人。",  # 其中 may name only some parts
        "排查30人，其中发热20人、咳嗽15人。",  # symptoms overlap
        "本周新增5例（累计120例）。",  # a running total, not a part
        "新增5例（同比增加20例、环比增加10例）。",  # comparisons, not parts
        "共排查1200名师生，其中教师200名、学生1100名。",  # classifiers differ: not judged
        "确诊45例（其中重症5例，占11.1%）。",  # not a list of parts only
        "共发放口罩2万只（城区1万只、农村1.2万只）。",  # 2万 is rounded: 1.5万 to 2.5万
        "共发放口罩3万只，其中医用口罩2万只、KN95口罩5000只。",
        "共排查300余人，其中教师200余人。",
        "每位员工发放维生素C丸一瓶（100粒）。",
    ],
)
def test_parts_that_may_add_up(text: str) -> None:
    """Parts a reading of the hedges allows, partial lists and non-parts are not reported."""
    assert "EPI205" not in rules_found(text)


# ------------------------------------------------------------------- EPI206 exact-word-hedge


@pytest.mark.parametrize(
    "text",
    [
        "经精确统计共3000余人。",
        "共计精确统计3000余人。",
        "准确数字为500多。",
        "确切人数为三十余人。",
        "恰好约50人参加。",
        "参加人员正好200人左右。",
        "收到捐款3000余元整。",
    ],
)
def test_hedged_figure_called_exact(text: str) -> None:
    """A hedged figure right after 精确/准确/确切/正好/恰好, or before 整, is a warning."""
    found = [f for f in lint_text(text) if f.rule_id == "EPI206"]
    assert len(found) == 1
    assert found[0].severity.value == "warning"


@pytest.mark.parametrize(
    "text",
    [
        "准确掌握3000余名返乡人员信息。",  # 准确 says how the work was done
        "确保数据准确，共排查3000余人。",
        "整整三十多天坚守一线。",
        "恰好有三十多名党员主动请缨。",  # 恰好 as "as it happened"
        "整改问题20余个。",
        "准确率达90%左右。",
        "经精确统计共3012人。",
    ],
)
def test_exact_words_that_do_not_qualify_a_hedge(text: str) -> None:
    """Exactness words that do not qualify the hedged figure are left alone."""
    assert "EPI206" not in rules_found(text)


# ------------------------------------------------------------------------ EPI602 jiezhi-date


@pytest.mark.parametrize(
    "text",
    [
        "截止6月30日，累计排查1200人。",
        "截止目前，无新增病例。",
        "截止2020年底全部完成。",
        "截止今日共发放口罩5000只。",
        "截止发稿时，未发现异常。",
        "截止二〇二〇年六月，全部完成。",
    ],
)
def test_jiezhi_before_a_date(text: str) -> None:
    """截止 followed by a date or 目前/今/发稿 is a warning naming 截至."""
    (message,) = findings(text, "EPI602")
    assert "截至" in message


@pytest.mark.parametrize(
    "text",
    [
        "报名截止日期为6月30日。",
        "截止时间为当日17时。",
        "申报工作于6月30日截止。",
        "截止到6月30日，累计排查1200人。",
        "截至6月30日，累计排查1200人。",
        "报名已经截止。",
    ],
)
def test_jiezhi_used_as_close(text: str) -> None:
    """截止 as "to close", 截止日期 and the accepted 截止到 are left alone."""
    assert "EPI602" not in rules_found(text)


# ------------------------------------------------------------------------- EPI102 draft-mark


@pytest.mark.parametrize(
    "text",
    [
        "【草稿】疫情防控工作总结\n　　共发放口罩5000只。\n",
        "疫情防控工作总结（草稿）\n　　共发放口罩5000只。\n",
        "疫情防控工作总结\n【草稿】\n　　共发放口罩5000只。\n",
        "疫情防控工作总结\n　　共发放口罩5000只。\n（草稿）\n",
        "疫情防控工作总结\n　　【草稿】共发放口罩5000只。\n",
        "草稿：疫情防控工作总结\n　　共发放口罩5000只。\n",
        "【草稿】\n疫情防控工作总结（草稿）\n　　共发放口罩5000只。\n",
    ],
)
def test_draft_mark_in_a_finished_document(text: str) -> None:
    """A draft mark in a document with no placeholder left is an error."""
    found = [f for f in lint_text(text) if f.rule_id == "EPI102"]
    assert found
    assert {f.severity.value for f in found} == {"error"}


@pytest.mark.parametrize(
    "text",
    [
        "【草稿】\n疫情防控工作总结\n　　共发放口罩xx只。\n",  # still a draft: EPI101 says so
        "疫情防控工作总结（草稿）\n　　共发放口罩xx只。\n",
        "疫情防控工作总结\n　　制定《防控工作方案（草稿）》并征求意见。\n",
        "关于《防控方案（草稿）》的说明\n　　正文。\n",
        "疫情防控工作总结\n　　起草工作方案，修改草稿三次。\n",
    ],
)
def test_draft_words_that_are_not_marks(text: str) -> None:
    """A draft that is still one, a cited draft and the word 草稿 in prose are left alone."""
    assert "EPI102" not in rules_found(text)


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ("【草稿】\n疫情防控工作总结\n　　共发放口罩5000只。\n", "text"),
        ("**【草稿】**\n\n# 疫情防控工作总结\n", "markdown"),
    ],
)
def test_a_draft_banner_is_a_leftover_unless_the_document_is_a_draft(
    text: str, format: str
) -> None:
    """The banner --draft writes is an error in a final document and expected in a draft."""
    final = [f.rule_id for f in lint_text(text, format=format)]
    assert "EPI102" in final
    draft = [f.rule_id for f in lint_text(text, format=format, draft=True)]
    assert "EPI102" not in draft


# ---------------------------------------------------------- EPI501/EPI502 inline enumerations


@pytest.mark.parametrize(
    "text",
    [
        "主要做法：1.强化宣传；2.加强排查；4.做好保障。",
        "主要做法：1、强化宣传；2、加强排查；4、做好保障。",
        "主要做法：一、强化宣传；二、加强排查；四、做好保障。",
        "主要做法：（一）强化宣传；（二）加强排查；（四）做好保障。",
        "主要做法：（1）强化宣传；（2）加强排查；（4）做好保障。",
        "主要做法：①强化宣传；②加强排查；④做好保障。",
        "第一，加强领导；第二，强化宣传；第四，做好保障。",
        "1.消毒。2.测温。4.登记。",
    ],
)
def test_inline_numbering_gaps(text: str) -> None:
    """A skipped number inside a paragraph is EPI501 in every numbering style."""
    assert rules_found(text) == ["EPI501"]


def test_inline_list_restarts_and_nests() -> None:
    """Inline lists restart at 1 and nest without gaps; a list going on at the next line is fine."""
    text = (
        "工作安排：（一）宣传：1.标语；2.横幅。（二）排查：1.登记；2.测温；3.上报。\n"
        "1.消毒。2.测温。\n3.登记。\n"
    )
    assert rules_found(text) == []


@pytest.mark.parametrize(
    "text",
    ["主要做法：1.强化宣传；2、加强排查；3.做好保障。", "主要做法：（1）强化宣传；(2)加强排查。"],
)
def test_inline_mixed_styles(text: str) -> None:
    """One inline list written in two styles is EPI502, once."""
    assert rules_found(text).count("EPI502") == 1


def test_inline_lists_under_headings_are_two_levels() -> None:
    """1、 items under 一、 headings, each level in one style, are fine."""
    text = "一、员工安全\n1、测温；2、发放口罩。\n二、业主安全\n1、登记；2、清运。\n"
    assert rules_found(text) == []


# --------------------------------------------------------------------- EPI503 headline-count


@pytest.mark.parametrize(
    "text",
    [
        "采取三项措施：（一）强化宣传；（二）加强排查。",
        "做好以下三点：1.强化宣传；2.加强排查。",
        "做好以下两点：1、强化宣传；2、加强排查；3、做好保障。",
        "落实四大行动：①宣传；②排查；③保障。",
        "采取三项措施：第一，强化宣传；第二，加强排查。",
        "做到“三到位”：人员到位、物资到位。",
        "落实“四早”要求：早发现、早报告、早隔离、早诊断、早治疗。",
        "做到三不：不造谣、不信谣。",
        "做到“三到位”（人员到位、物资到位）。",
        "主要抓了三个方面的工作：\n①强化宣传。\n②加强排查。\n",
        "主要抓了三个方面的工作：\n第一，强化宣传。\n第二，加强排查。\n",
    ],
)
def test_headline_counts_against_items_in_any_style(text: str) -> None:
    """A count before a colon, or “三到位”, against fewer or more items is EPI503."""
    assert "EPI503" in rules_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "采取三项措施：（一）强化宣传；（二）加强排查；（三）做好保障。",
        "做到“三到位”：人员到位、物资到位、措施到位。",
        "做到“三到位”：人员到位、物资齐全。",  # items do not all repeat 到位: not judged
        "坚持“两手抓”：一手抓疫情防控、一手抓复工复产。",
        "增强“四个意识”：政治意识、大局意识、核心意识、看齐意识。",
        "在三个小区开展排查：1.登记；2.测温。",  # 三个 counts the communities
        "会议于下午三点：1.传达精神；2.部署工作。",
        "建立了“四个三”工作机制：一是甲；二是乙；三是丙；四是丁。",
    ],
)
def test_headline_counts_that_match_or_are_not_counts(text: str) -> None:
    """Matching counts, counts of something else and lists that do not repeat the word pass."""
    assert "EPI503" not in rules_found(text)


@given(st.lists(st.sampled_from(clean_lines()), min_size=1, max_size=5, unique=True))
def test_clean_lines_stay_clean_in_any_order(lines: list[str]) -> None:
    """Clean lines joined in any order into one document stay clean."""
    assert lint_text("\n".join(lines)) == []


@given(
    st.lists(st.integers(min_value=1, max_value=999), min_size=2, max_size=4),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
)
def test_exhaustive_parts_are_checked_exactly(parts: list[int], chinese: bool, off: int) -> None:
    """An exhaustive list of exact parts is reported exactly when its sum is not the total."""
    from epireport.narrative import chinese_count

    def show(n: int) -> str:
        return chinese_count(n) if chinese else str(n)

    total = sum(parts) + off
    if total < 1:
        return
    listed = "、".join(f"{'东西南'[i]}区{show(n)}人" for i, n in enumerate(parts[:-1]))
    text = f"共排查{show(total)}人（{listed}、其余{show(parts[-1])}人）。"
    assert ("EPI205" in rules_found(text)) == (off != 0)

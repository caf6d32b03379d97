"""The built-in lint rules on short texts: what they find and what they leave alone."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport._builtins.lint_rules import BUILTIN_LINT_RULES
from epireport.lint._checks import LEGITIMATE_REDUPLICATIONS, _numeral_value
from epireport.lint._lint import lint_text
from epireport.narrative import chinese_count, chinese_numeral


def rules_found(text: str, **kwargs: object) -> list[str]:
    return [f.rule_id for f in lint_text(text, **kwargs)]  # type: ignore[arg-type]


CLEAN = [
    "　　共发布户外广告牌120块、电子显示屏35块、标语横幅860条，印制宣传单3.2万余张。",
    "挨家挨户粘贴疫情防控流程图。",
    "利用村村通广播宣传累计300小时。",
    "以微信群、QQ群发布信息，制作h5页面，上线app。",
    "层层压实责任，人人参与，家家户户知晓，仔仔细细排查，时时刻刻绷紧防控这根弦。",
    "一是完善三项制度。一是建立坐班制度。二是建立排查制度。三是建立零报告制度。",
    "在小区某个单元内张贴温馨提示，某些业主主动配合。",
    "屏幕分辨率为1920x1080，面积3×4平方米，开展X光检查。",
    "2020年3月5日召开会议，工作20年的老同志参加。",
    "参加人员100余人，发放口罩30余万只。",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_official_prose_has_no_findings(text: str) -> None:
    """Good official prose produces no finding at all."""
    assert lint_text(text) == []


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("小组内召开了x次会议。", "'x'"),
        ("共发布户外广告牌xx块。", "'xx'"),
        ("共发布户外广告牌XX块。", "'XX'"),
        ("对接xx日报、xx网等媒体。", "'xx'"),
        ("统筹社会自媒体xxapp。", "'xxapp'"),
        ("××月××日召开会议。", "'××'"),
        ("共计某某份。", "'某某'"),
        ("1月某日开始消毒。", "'某'"),
        ("每日某次消毒。", "'某'"),
        ("共发放口罩None只。", "'None'"),
        ("阳性率为nan%。", "'nan'"),
        ("共发放{{ masks }}只。", "'{{'"),
    ],
)
def test_placeholders_are_errors(text: str, placeholder: str) -> None:
    """Each kind of placeholder is reported as EPI101, an error, naming what was left."""
    findings = [f for f in lint_text(text) if f.rule_id == "EPI101"]
    assert findings
    assert placeholder in findings[0].message
    assert findings[0].severity.value == "error"


@pytest.mark.parametrize("word", ["Excel", "app", "box", "QQ", "h5", "Xbox", "max"])
def test_x_inside_english_words_is_not_a_placeholder(word: str) -> None:
    """An x inside an English word is not a placeholder."""
    assert "EPI101" not in rules_found(f"通过{word}开展宣传。")


def test_placeholder_column_points_at_it() -> None:
    """The column of a finding is the 1-based position of the placeholder on its line."""
    (finding,) = lint_text("　　召开了x次会议。")
    assert (finding.line, finding.column) == (1, 6)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("参与接力的网民3万余万人次。", "EPI201"),
        ("发放口罩3万万只。", "EPI201"),
        ("发放口罩3千万只。", "EPI201"),
        ("参加人员123余人。", "EPI202"),
        ("发放口罩30000余只。", "EPI202"),
        ("发病率下降3倍。", "EPI203"),
        ("2020年03月5日召开会议。", "EPI204"),
        ("2020年3月05日召开会议。", "EPI204"),
        ("20年3月召开会议。", "EPI204"),
    ],
)
def test_malformed_numbers_and_dates(text: str, rule: str) -> None:
    """Doubled units, 余 on exact figures, 下降N倍 and padded or short dates are reported."""
    assert rule in rules_found(text)


def test_units_that_are_fine() -> None:
    """3万亿, 亿万人民 and 30余万 are not doubled units."""
    assert rules_found("经济总量3万亿元，亿万人民参与，发放口罩30余万只。") == []


def test_stutter_is_found_once() -> None:
    """报道报道 is one stutter finding at the first copy."""
    findings = lint_text("市级主流媒体报道报道疫情防控工作。")
    assert [(f.rule_id, f.column) for f in findings] == [("EPI301", 7)]


@pytest.mark.parametrize("text", ["加强领导的的作用。", "召开了了会议。", "防控工作工作扎实。"])
def test_other_stutters(text: str) -> None:
    """Doubled function characters and doubled words are stutters."""
    assert rules_found(text) == ["EPI301"]


@pytest.mark.parametrize("word", sorted(LEGITIMATE_REDUPLICATIONS))
def test_listed_reduplications_are_not_stutters(word: str) -> None:
    """Every listed reduplication passes the stutter rule."""
    assert "EPI301" not in rules_found(f"我们{word}。")


def test_one_by_one_forms_are_not_stutters() -> None:
    """一批一批 and 一户一户 are not stutters."""
    assert rules_found("一批一批组织，一户一户排查。") == []


def test_repeated_paragraph_ignores_its_number() -> None:
    """A paragraph pasted again with another number is reported at the copy, naming the first."""
    copy = "在小区单元内张贴温馨提示和相关通知。"
    text = f"1、{copy}\n2、设立扩音器。\n{copy}\n"
    findings = [f for f in lint_text(text) if f.rule_id == "EPI302"]
    assert [(f.line, f.message) for f in findings] == [
        (3, "paragraph repeats the paragraph at line 1")
    ]


def test_repeated_sentence() -> None:
    """A long sentence said twice in different paragraphs is reported once."""
    sentence = "各单位及时将日排查情况签字盖章上报汇总。"
    findings = lint_text(f"{sentence}另有安排。\n会议要求：{sentence}\n")
    assert [f.rule_id for f in findings] == ["EPI303"]


def test_halfwidth_punctuation_next_to_chinese() -> None:
    """Half-width ; ( ) , : next to Chinese are warnings; 1,234 and 10:30 are fine."""
    findings = lint_text("部署;宣传(村)安排,要求:做好。共1,234人，10:30开会。")
    assert [f.column for f in findings if f.rule_id == "EPI401"] == [3, 6, 8, 11, 14]
    assert {f.severity.value for f in findings} == {"warning"}


def test_space_between_chinese_and_digits() -> None:
    """A space between Chinese and a figure is EPI402."""
    assert rules_found("共发放 120 块。") == ["EPI402", "EPI402"]


@pytest.mark.parametrize(
    "text",
    [
        "一、高度重视\n二、突出重点\n四、下一步打算\n",
        "（一）组织\n（三）宣传\n",
        "一是强化宣传。二是加强排查。四是做好保障。\n",
        "主要做法：一是强化宣传，三是做好保障。\n",
        "1.消毒\n2.测温\n4.登记\n",
    ],
)
def test_numbering_gaps_are_errors(text: str) -> None:
    """A skipped number at any level is EPI501."""
    assert "EPI501" in rules_found(text)


def test_numbering_restarts_under_a_new_heading() -> None:
    """Lower levels restart after a higher mark; 3.1月 reads as item 3."""
    text = (
        "一、员工\n1.测温\n2.发放口罩\n二、业主\n1.登记\n2.清运\n3.1月某日开始消毒\n4.2月起登记\n"
    )
    assert "EPI501" not in rules_found(text)


def test_mixed_numbering_styles() -> None:
    """1. in one place and 1、 in another at the same level is EPI502."""
    assert "EPI502" in rules_found("一、员工\n1.测温\n二、业主\n1、登记\n")


def test_headline_count_mismatch() -> None:
    """“四个三” followed by only three blocks is EPI503."""
    text = (
        "建立了“四个三”工作机制。\n"
        "一是完善三项制度。一是甲。二是乙。三是丙。\n"
        "二是制定三类文件。一是甲。二是乙。三是丙。\n"
        "三是突出三项宣传。一是甲。二是乙。三是丙。\n"
    )
    findings = [f for f in lint_text(text) if f.rule_id == "EPI503"]
    assert len(findings) == 1
    assert "announces 4 parts but 3 follow" in findings[0].message


def test_headline_count_match_and_inner_mismatch() -> None:
    """Four blocks pass; a block with two items where three are announced is reported."""
    blocks = (
        "".join(f"{n}是落实三条措施。一是甲。二是乙。三是丙。\n" for n in "一二三")
        + "四是落实三条措施。一是甲。二是乙。\n"
    )
    findings = [
        f for f in lint_text("建立了“四个三”工作机制。\n" + blocks) if f.rule_id == "EPI503"
    ]
    assert len(findings) == 2  # the block has 2 of 3, and its own 三条 has 2 items
    assert all(f.line == 5 for f in findings)


def test_lead_count_inline() -> None:
    """完善三项制度 followed by two items is EPI503."""
    assert "EPI503" in rules_found(
        "完善三项制度，落实网格管理。一是建立坐班制度。二是建立排查制度。"
    )


@pytest.mark.parametrize(
    ("date", "expected"),
    [(None, []), ("2022-12-31", []), ("2023-01-08", ["EPI601"])],
)
def test_outdated_terms_depend_on_the_date(date: str | None, expected: list[str]) -> None:
    """新冠肺炎 is outdated from 2023-01-08 only, and the rule is silent without a date."""
    assert rules_found("做好新冠肺炎疫情防控工作。", date=date) == expected


def test_document_date_comes_from_the_text() -> None:
    """Without --date the latest date written in the document is used."""
    text = "2020年2月1日，做好新冠肺炎疫情防控。\n2023年2月1日总结。\n"
    findings = lint_text(text)
    assert [(f.rule_id, f.severity.value) for f in findings] == [("EPI601", "warning")]


def test_early_rename() -> None:
    """新型冠状病毒感染的肺炎 is outdated from 2020-02-08 (→ 新型冠状病毒肺炎)."""
    (finding,) = lint_text("新型冠状病毒感染的肺炎疫情", date=dt.date(2021, 1, 1))
    assert "新型冠状病毒肺炎" in finding.message


def test_rule_ids_are_unique_and_documented() -> None:
    """Every built-in rule has a unique EPI id, a name and a documented check."""
    ids = [r.id for r in BUILTIN_LINT_RULES]
    assert len(ids) == len(set(ids))
    for rule in BUILTIN_LINT_RULES:
        assert rule.id.startswith("EPI")
        assert rule.name
        doc = rule.check.__doc__ or ""
        assert doc.startswith(f"{rule.id} {rule.name}:")


@given(st.integers(min_value=1, max_value=99))
def test_chinese_numerals_round_trip(n: int) -> None:
    """The numbering checks read back every numeral from 一 to 九十九 that narrative writes."""
    assert _numeral_value(chinese_numeral(n)) == n
    assert _numeral_value(chinese_count(n)) == n


@pytest.mark.parametrize("text", ["", "十十", "二三", "两两", "二十十"])
def test_ill_formed_numerals_read_as_none(text: str) -> None:
    """An ill-formed numeral is no number to the numbering checks, not an error."""
    assert _numeral_value(text) is None


def test_numbering_gap_after_ninety_nine_items() -> None:
    """A slip after 九十九、 names the expected 一百、, written by narrative's numerals."""
    paragraphs = [f"{chinese_numeral(n)}、第{n}项。" for n in range(1, 100)]
    findings = lint_text("\n".join([*paragraphs, "九十八、重复的一项。"]))
    assert any("一百、" in f.message for f in findings)


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@given(st.text(alphabet=st.one_of(_HAN, st.sampled_from("，。、；：0123456789　\n ")), max_size=80))
def test_findings_are_in_range_and_sorted(text: str) -> None:
    """On any text, findings point inside the text and come in reading order."""
    findings = lint_text(text)
    lines = text.splitlines()
    for f in findings:
        assert 1 <= f.line <= len(lines)
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1
    assert findings == sorted(findings, key=lambda f: f.sort_key())


@given(st.lists(st.sampled_from(CLEAN), min_size=1, max_size=4, unique=True))
def test_clean_paragraphs_stay_clean_together(paragraphs: list[str]) -> None:
    """Clean paragraphs joined into one document are still clean."""
    assert lint_text("\n".join(paragraphs)) == []


def test_inline_enumeration_may_start_with_the_paragraph() -> None:
    """一是 opening a paragraph counts as item one of an inline list that runs on (一是…二是…)."""
    from epireport.lint._lint import builtin_lint_rules, lint_text

    rules = builtin_lint_rules()
    assert lint_text("　　一是建立制度，落实责任。二是加强宣传，引导舆论。", rules=rules) == []
    found = lint_text("　　一是建立制度，落实责任。三是加强宣传，引导舆论。", rules=rules)
    assert [f.rule_id for f in found] == ["EPI501"]

"""The built-in lint rules, registered as an ordinary plugin of the lint-rules hook.

Rule ids are ``EPI`` and three digits, grouped by hundreds: 1xx placeholders and leftovers,
2xx numbers and dates, 3xx repetition, 4xx punctuation and spacing, 5xx numbering and counts,
6xx terminology, 7xx figures against ``--data``. Each check's docstring (in
:mod:`epireport.lint._checks` and :mod:`epireport.lint._data`) documents its rule;
:data:`BUILTIN_RULE_DOCS` adds an example and the rationale, and the reference page
(docs/reference/lint-rules.md) is written from both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from epireport._plugins import hookimpl
from epireport.lint import _checks, _data
from epireport.lint._document import Hit, LintDocument
from epireport.lint._rules import LintRule

__all__ = ["BUILTIN_LINT_RULES", "BUILTIN_RULE_DOCS", "RuleDoc", "epireport_register_lint_rules"]

# The same marker as ``epireport.hookimpl`` (pluggy matches markers by project name).


class RuleDoc(NamedTuple):
    """A built-in rule with what its reference page shows: a text it reports and why."""

    rule: LintRule
    example: str
    rationale: str


def _rule(
    rule_id: str,
    name: str,
    severity: str,
    check: Callable[[LintDocument], Iterable[Hit]],
    description: str,
    *,
    example: str,
    rationale: str,
) -> RuleDoc:
    return RuleDoc(LintRule(rule_id, severity, description, check, name=name), example, rationale)


#: Every built-in rule with its example and rationale, in id order
#: (docs/reference/lint-rules.md is written from it, and a test keeps the two together).
BUILTIN_RULE_DOCS: tuple[RuleDoc, ...] = (
    _rule(
        "EPI101",
        "placeholder",
        "error",
        _checks.check_placeholder,
        "placeholder left in the text: xx, x, ××, 某某, 1月某日, None, nan, {{",
        example="共发布户外广告牌xx块，1月某日开始消毒。",
        rationale="A template or drafting gap printed as if it were a figure, name or date; "
        "a reader cannot tell what was meant.",
    ),
    _rule(
        "EPI102",
        "draft-mark",
        "error",
        _checks.check_draft_mark,
        "a draft mark left in a finished document: 总结（草稿）, 【草稿】 below the title",
        example="疫情防控工作总结（草稿）\n　　共发放口罩5000只。",
        rationale="A draft mark tells the reader the text is not final; in the title or the "
        "body of a finished summary it is a leftover of drafting. The banner a draft render "
        "puts alone above the title declares a draft and is left alone, and so is a document "
        "still holding placeholders (a draft indeed: EPI101 reports them).",
    ),
    _rule(
        "EPI201",
        "doubled-unit",
        "error",
        _checks.check_doubled_unit,
        "a figure with two units: 万余万, 3万万, 3千万",
        example="参与接力的网民3万余万人次。",
        rationale="GB/T 15835 has 万 and 亿 as the only units and one unit per figure.",
    ),
    _rule(
        "EPI202",
        "hedge-on-exact",
        "warning",
        _checks.check_hedge_on_exact,
        "余/多 after an exact figure (123余) or a round figure without its unit (30000余)",
        example="参加人员123余人。",
        rationale="余 means more than a round figure; after a non-zero last digit it says "
        "nothing, and a large round figure takes 万 (3万余).",
    ),
    _rule(
        "EPI203",
        "times-decrease",
        "error",
        _checks.check_times_decrease,
        "a decrease written as a multiple: 下降3倍",
        example="发病率下降3倍。",
        rationale="A quantity cannot fall by a multiple of itself; the style guides want a "
        "percentage (下降75%) or a fraction (下降到四分之一).",
    ),
    _rule(
        "EPI204",
        "date-style",
        "warning",
        _checks.check_date_style,
        "zero-padded or two-digit-year dates: 2020年03月, 20年3月",
        example="2020年03月05日召开会议。",
        rationale="Chinese prose writes 2020年3月5日: no leading zeros, the year in full.",
    ),
    _rule(
        "EPI205",
        "parts-total",
        "error",
        _checks.check_parts_total,
        "a total whose listed parts cannot add up to it: 45条（武汉20条、宜昌15条、其他9条）",
        example="湖北省45条（武汉20条、宜昌15条、其他9条）。",
        rationale="A list ending in 其他/其余 (or after 分别为) claims to be the whole; any "
        "list of parts claims to be at most the whole. Figures are read as intervals "
        "(480余 is 480 to 490), so only sums no wording allows are reported; lists that may "
        "name only some parts, or parts that may overlap (发热, 咳嗽), are not summed.",
    ),
    _rule(
        "EPI206",
        "exact-word-hedge",
        "warning",
        _checks.check_exact_word_hedge,
        "a hedged figure called exact: 精确统计3000余人, 准确数字为500多, 3000余元整",
        example="经精确统计共3000余人，准确数字为500多。",
        rationale="精确/准确/确切/正好/恰好/整 claim an exact figure; 余/多/约/近/左右 say "
        "it is not. Only the word right before the figure (or 整 right after it) counts, "
        "so 准确掌握3000余人的信息 is fine.",
    ),
    _rule(
        "EPI301",
        "stutter",
        "warning",
        _checks.check_stutter,
        "a word written twice in a row: 报道报道, 的的",
        example="市级主流媒体报道报道疫情防控工作。",
        rationale="A slip of typing or pasting; reduplicated words and idioms (层层, 的的确确, "
        "研究研究) are listed and left alone.",
    ),
    _rule(
        "EPI302",
        "repeated-paragraph",
        "warning",
        _checks.check_repeated_paragraph,
        "a paragraph repeated (enumeration marks ignored)",
        example="1、在门岗设立扩音器，开展疫情防控宣传。\n在门岗设立扩音器，开展疫情防控宣传。",
        rationale="A pasted paragraph said twice, often once numbered and once not.",
    ),
    _rule(
        "EPI303",
        "repeated-sentence",
        "warning",
        _checks.check_repeated_sentence,
        "a sentence of fifteen characters or more repeated",
        example="各单位及时将日排查情况签字盖章上报汇总。\n会议要求：各单位及时将日排查情况签字盖章上报汇总。",
        rationale="A long sentence said twice is a pasting slip; short formulas are left alone.",
    ),
    _rule(
        "EPI401",
        "halfwidth-punctuation",
        "warning",
        _checks.check_halfwidth_punctuation,
        "half-width ; ( ) , : ? ! next to Chinese",
        example="重点宣传防控部署;宣传社区(村)安排。",
        rationale="Chinese text takes full-width punctuation; 1,234 and 10:30 are left alone.",
    ),
    _rule(
        "EPI402",
        "cjk-digit-space",
        "warning",
        _checks.check_cjk_digit_space,
        "a space between Chinese and a figure",
        example="共发放 120 块。",
        rationale="Chinese official prose sets figures directly against the characters.",
    ),
    _rule(
        "EPI501",
        "numbering-gap",
        "error",
        _checks.check_numbering_gap,
        "an enumeration skips a number: 一、二、四、, 一是…三是, or 1.…2.…4. in one paragraph",
        example="主要做法：1.强化宣传；2.加强排查；4.做好保障。",
        rationale="A skipped number means an item was lost or the list was renumbered by hand. "
        "Inline marks count only after a sentence or clause end, a colon or a space, so "
        "一、二级医院 and 第一时间 are not lists.",
    ),
    _rule(
        "EPI502",
        "numbering-style",
        "warning",
        _checks.check_numbering_style,
        "one numbering level written in two styles: 1. and 1、 (across paragraphs or in one list)",
        example="主要做法：1.强化宣传；2、加强排查。",
        rationale="One level of an outline is written one way; 1、 items under 一、 headings "
        "are two levels and fine.",
    ),
    _rule(
        "EPI503",
        "headline-count",
        "error",
        _checks.check_headline_count,
        "a headline count (“四个三”, 三项措施：, “三到位”) that the items after it do not match",
        example="做到“三到位”：人员到位、物资到位。",
        rationale="A count announced and then not delivered is the first thing a careful reader "
        "checks. Counted: 一是 …, （一）, 1., 1、, ①, 第一 lists after a count that ends at "
        "most four characters before a colon, numbered paragraphs after a paragraph ending "
        "in a colon, and items that all repeat the headline's word (到位, 早, 不).",
    ),
    _rule(
        "EPI504",
        "numbering-decimal",
        "warning",
        _checks.check_numbering_decimal,
        "an item mark 3. run into the figure after it: 3.1月28日 reads as the decimal 3.1",
        example="2.测温登记。\n3.1月28日起每日消毒。",
        rationale="Item 3 about January 28 and the number 3.1 look alike; 3、1月28日 or a thin "
        "space after the mark (3.\u20091月28日, as epireport writes it) cannot be misread.",
    ),
    _rule(
        "EPI601",
        "outdated-term",
        "warning",
        _checks.check_outdated_term,
        "a term replaced before the document's date: 新冠肺炎 → 新型冠状病毒感染 (2023-01-08)",
        example="2023年2月1日，做好新冠肺炎疫情防控。",
        rationale="Official names change on known dates; the document's own latest date (or "
        "--date) says which name is current.",
    ),
    _rule(
        "EPI602",
        "jiezhi-date",
        "warning",
        _checks.check_jiezhi_date,
        "截止 followed by a date where 截至 (as of) is meant: 截止6月30日, 截止目前",
        example="截止6月30日，累计排查1200人。",
        rationale="截至 takes the time it runs up to; 截止 (to close) takes none. 截止日期, "
        "截止时间, 6月30日截止 and the accepted 截止到 are left alone.",
    ),
    _rule(
        "EPI701",
        "figure-value",
        "error",
        _data.check_figure_value,
        "with --data: a figure whose wording does not allow the value it claims to state",
        example="印制宣传单3.2万余张。 (--data: 宣传单 30000)",
        rationale="余 floors, 近 ceils, 约 rounds: each wording allows an interval of values.",
    ),
    _rule(
        "EPI702",
        "figure-missing",
        "error",
        _data.check_figure_missing,
        "with --data: a figure (or phrase) from the data that the text does not contain",
        example="印制宣传单若干。 (--data: 宣传单 32000)",
        rationale="A figure the data has but the prose lost is a gap in the summary.",
    ),
)

#: Every built-in rule, in id order.
BUILTIN_LINT_RULES: tuple[LintRule, ...] = tuple(doc.rule for doc in BUILTIN_RULE_DOCS)


@hookimpl
def epireport_register_lint_rules() -> Iterable[LintRule]:
    """Register the built-in lint rules (see :data:`BUILTIN_LINT_RULES`)."""
    return BUILTIN_LINT_RULES

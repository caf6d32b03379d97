"""The checks behind the built-in lint rules, one function per rule.

Each ``check_*`` function takes a :class:`~epireport.lint.LintDocument` and yields
:class:`~epireport.lint.Hit` values; :mod:`epireport._builtins.lint_rules` wraps them in
:class:`~epireport.lint.LintRule` records with ids and severities. The functions are written to
stay silent on good official prose: every pattern is anchored on a context that only a slip
produces, and legitimate forms (AABB idioms, 村村通, 1920x1080, QQ群) are listed or excluded.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Final, NamedTuple

from epireport.exceptions import ModelError
from epireport.lint._document import Hit, LintDocument, Paragraph
from epireport.narrative._numbers import NumberInterval, parse_number
from epireport.narrative._numerals import chinese_numeral, parse_chinese_numeral
from epireport.narrative._terms import DISEASE_NAMES

__all__ = [
    "LEGITIMATE_REDUPLICATIONS",
    "OUTDATED_TERMS",
    "check_cjk_digit_space",
    "check_date_style",
    "check_doubled_unit",
    "check_halfwidth_punctuation",
    "check_headline_count",
    "check_hedge_on_exact",
    "check_numbering_decimal",
    "check_numbering_gap",
    "check_numbering_style",
    "check_outdated_term",
    "check_placeholder",
    "check_repeated_paragraph",
    "check_repeated_sentence",
    "check_stutter",
    "check_times_decrease",
]

_HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Chinese characters and full-width punctuation: what "next to Chinese" means.
_CHINESE: Final = re.compile(rf"[{_HAN}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201d]")
_HAN_RE: Final = re.compile(rf"[{_HAN}]")
#: The characters of the numerals the numbering checks read (一 to 九十九, 两 included).
_CN_NUM: Final = "一二两三四五六七八九十"
#: The characters of Chinese figures (四十五, 三千, 两万).
_CN_FIGURE_CHARS: Final = "零〇一二两三四五六七八九十百千万亿"


def _numeral_value(text: str) -> int | None:
    """Return the value of the Chinese numeral *text* (十一, 二十三), or ``None`` if ill-formed."""
    try:
        return parse_chinese_numeral(text)
    except ModelError:
        return None


# --------------------------------------------------------------------------------------------
# EPI101 placeholder
# --------------------------------------------------------------------------------------------

_LATIN_RUN: Final = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]+")
_X: Final = frozenset("xXｘＸ")
_LEFTOVER_WORDS: Final = frozenset(
    {"None", "none", "nan", "NaN", "NAN", "null", "NULL", "undefined", "TODO", "TBD", "FIXME"}
)
# Single X in established terms (X光 is an X-ray, not a figure left out).
_X_TERMS: Final = re.compile(r"[xX](?=光|射线|线|轴|染色体|型)")
_TIMES: Final = re.compile(r"[×✕]+|○{2,}|□{2,}|\{\{|\}\}|\{%|%\}|\$\{")
_MOU_RUN: Final = re.compile(r"某{2,}")
_MOU_DATE: Final = re.compile(r"(?<=[\d年月日])某(?=[年月日号时点分])|某(?=[年月日]某)")
_MOU_COUNT: Final = re.compile(
    r"(?<=[共计达约近超日天周月放印出余])某(?=[次份个人户片条块张名台场件家所起例元万%％])"
    r"|(?<=\d)某|某(?=\d)"
)


def check_placeholder(doc: LintDocument) -> Iterator[Hit]:
    """EPI101 placeholder: a template or drafting placeholder was left in the text.

    Finds ``xx``/``x``/``X`` standing alone or fused to Chinese or figures (``x次``, ``xx日报``,
    ``xxapp``) but not inside English words (``app``, ``Excel``), not ``QQ``/``h5``, not X光
    and not the ``x`` of ``1920x1080``; ``××`` (a single × between figures is a product),
    ``○○`` and ``□□``; ``某某`` always, and ``某`` where it stands for a figure or date
    (``1月某日``, ``每日某次``, ``某月某日``) but not where it means "a certain" (某些, 某地);
    ``None``/``nan``/``null``/``TODO`` as words; template leftovers ``{{ }}``, ``{% %}``, ``${``.
    """
    for paragraph in doc.paragraphs:
        text = paragraph.text
        for match in _LATIN_RUN.finditer(text):
            word = match.group()
            start, end = match.span()
            before, after = text[start - 1 : start], text[end : end + 1]
            if set(word) <= _X:
                if len(word) == 1 and before.isdigit() and after.isdigit():
                    continue  # 1920x1080: a product, not a placeholder
                if len(word) == 1 and _X_TERMS.match(text, start):
                    continue
            elif not (
                word in _LEFTOVER_WORDS
                or (len(word) > 2 and (word[:2] in ("xx", "XX") or word[-2:] in ("xx", "XX")))
            ):
                continue
            yield doc.hit(paragraph, start, f"placeholder {word!r} left in the text")
        for match in _TIMES.finditer(text):
            mark = match.group()
            start, end = match.span()
            if mark in ("×", "✕"):
                left = text[:start].rstrip()[-1:]
                right = text[end:].lstrip()[:1]
                if left.isdigit() and right.isdigit():
                    continue  # 3×4: a product
            yield doc.hit(paragraph, start, f"placeholder {mark!r} left in the text")
        seen: set[int] = set()
        for pattern in (_MOU_RUN, _MOU_DATE, _MOU_COUNT):
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(i in seen for i in range(start, end)):
                    continue
                seen.update(range(start, end))
                yield doc.hit(
                    paragraph,
                    start,
                    f"placeholder {match.group()!r} stands where a name, figure or date belongs",
                )


# --------------------------------------------------------------------------------------------
# EPI2xx numbers and dates
# --------------------------------------------------------------------------------------------

_DOUBLED_UNIT: Final = re.compile(
    r"[万亿][余多][万亿]"  # 万余万, 万多万: 余 between two units
    r"|(?<=[\dxX])(?:万万|亿亿)"  # 3万万
    r"|(?<=\d)[千百]万"  # 3千万: GB/T 15835 writes 3000万
)


def check_doubled_unit(doc: LintDocument) -> Iterator[Hit]:
    """EPI201 doubled-unit: a figure carries two units (``3万余万``, ``3万万``, ``3千万``).

    GB/T 15835 has 万 and 亿 as the only units and one unit per figure; ``余`` sits between
    the figure and its one unit or after it (``30余万``, ``3.2万余``). ``亿万人民`` (no figure)
    and ``3万亿`` (a unit of its own) are fine.
    """
    for paragraph in doc.paragraphs:
        for match in _DOUBLED_UNIT.finditer(paragraph.text):
            yield doc.hit(
                paragraph,
                match.start(),
                f"doubled unit {match.group()!r}: a figure takes one unit, e.g. 3.2万余 or 30余万",
            )


_HEDGED: Final = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)([余多])(?![万亿\d])")


def check_hedge_on_exact(doc: LintDocument) -> Iterator[Hit]:
    """EPI202 hedge-on-exact: 余/多 follows a figure that is already exact.

    余 means "more than" a round figure it floors to (``120余``, ``3.2万余``, ``30余万``), so it
    cannot follow a figure with a non-zero last digit (``123余人``, ``3.5余``), and a large
    round figure takes a unit instead (``30000余`` → ``3万余``). Single digits (``5余``) are
    left alone.
    """
    for paragraph in doc.paragraphs:
        for match in _HEDGED.finditer(paragraph.text):
            figure, hedge = match.groups()
            if "." in figure:
                message = f"{figure}{hedge}: {hedge} after a decimal without a unit says nothing"
            elif len(figure) >= 2 and figure[-1] != "0":
                message = (
                    f"{figure}{hedge}: {hedge} cannot follow an exact figure; "
                    f"write {figure} or round down ({figure[:-1]}0{hedge})"
                )
            elif len(figure) >= 5 and int(figure) % 10_000 == 0:
                message = (
                    f"{figure}{hedge}: write the figure with 万 ({int(figure) // 10_000}万{hedge})"
                )
            else:
                continue
            yield doc.hit(paragraph, match.start(), message)


_DECREASE_TIMES: Final = re.compile(
    r"(?:下降|减少|降低|缩小|缩减|减小|减低|下跌|回落)了?(?:约|近|超过|超|达)?"
    rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}百半]+)倍"
)


def check_times_decrease(doc: LintDocument) -> Iterator[Hit]:
    """EPI203 times-decrease: a decrease stated in 倍 (``下降3倍``).

    A quantity cannot fall by a multiple of itself; GB/T 15835 and the style guides want the
    fall as a percentage (下降75%) or the result as a fraction (下降到四分之一).
    """
    for paragraph in doc.paragraphs:
        for match in _DECREASE_TIMES.finditer(paragraph.text):
            yield doc.hit(
                paragraph,
                match.start(),
                f"{match.group()!r}: a decrease is not a multiple; write a percentage "
                "(下降75%) or a fraction (下降到四分之一)",
            )


_PADDED_MONTH: Final = re.compile(r"(?<=年)0\d(?=月)|(?<![\d.])0\d(?=月\d{1,2}[日号])")
_PADDED_DAY: Final = re.compile(r"(?<=月)0\d(?=[日号])")
_SHORT_YEAR: Final = re.compile(
    r"(?<![\d.０-９'’])\d{2}(?=年(?:\d{1,2}月|[初底末]|上半年|下半年|第[一二三四]季度|以来))"
)


def check_date_style(doc: LintDocument) -> Iterator[Hit]:
    """EPI204 date-style: zero-padded or two-digit-year dates (``2020年03月``, ``20年``).

    Chinese prose writes 2020年3月5日: no leading zero on month or day, and the year in full.
    A two-digit year is flagged only where it is a year (followed by a month, 初/底/末,
    上半年/下半年, a quarter or 以来), so ``工作20年`` stays clean.
    """
    for paragraph in doc.paragraphs:
        text = paragraph.text
        for match in _PADDED_MONTH.finditer(text):
            yield doc.hit(
                paragraph,
                match.start(),
                f"month {match.group()}月 is zero-padded; write {int(match.group())}月",
            )
        for match in _PADDED_DAY.finditer(text):
            yield doc.hit(
                paragraph,
                match.start(),
                f"day {match.group()}日 is zero-padded; write {int(match.group())}日",
            )
        for match in _SHORT_YEAR.finditer(text):
            yield doc.hit(
                paragraph,
                match.start(),
                f"two-digit year {match.group()}年; write the year in full "
                f"(e.g. 20{match.group()}年)",
            )


# --------------------------------------------------------------------------------------------
# EPI3xx repetition
# --------------------------------------------------------------------------------------------

#: Reduplications that are words, not slips: AA adverbs and distributives, AABB and ABAB
#: idioms, ABB forms. A doubled stretch inside one of these is never reported.
LEGITIMATE_REDUPLICATIONS: Final = frozenset(
    [
        "常常",
        "层层",
        "人人",
        "个个",
        "家家",
        "户户",
        "天天",
        "处处",
        "事事",
        "时时",
        "刚刚",
        "渐渐",
        "紧紧",
        "条条",
        "村村",
        "一一",
        "年年",
        "月月",
        "日日",
        "夜夜",
        "步步",
        "节节",
        "样样",
        "件件",
        "句句",
        "声声",
        "点点",
        "滴滴",
        "片片",
        "块块",
        "次次",
        "回回",
        "项项",
        "往往",
        "纷纷",
        "默默",
        "悄悄",
        "稍稍",
        "偏偏",
        "仅仅",
        "恰恰",
        "统统",
        "通通",
        "多多",
        "好好",
        "慢慢",
        "早早",
        "久久",
        "深深",
        "轻轻",
        "静静",
        "远远",
        "高高",
        "大大",
        "小小",
        "满满",
        "足足",
        "整整",
        "白白",
        "明明",
        "略略",
        "频频",
        "连连",
        "屡屡",
        "每每",
        "隐隐",
        "微微",
        "匆匆",
        "急急",
        "谢谢",
        "妈妈",
        "爸爸",
        "哥哥",
        "姐姐",
        "弟弟",
        "妹妹",
        "爷爷",
        "奶奶",
        "叔叔",
        "伯伯",
        "婆婆",
        "宝宝",
        "星星",
        "看看",
        "想想",
        "说说",
        "等等",
        "试试",
        "走走",
        "聊聊",
        "问问",
        "听听",
        "帮帮",
        "坐坐",
        "歇歇",
        "家家户户",
        "挨家挨户",
        "仔仔细细",
        "认认真真",
        "踏踏实实",
        "扎扎实实",
        "实实在在",
        "清清楚楚",
        "明明白白",
        "方方面面",
        "时时刻刻",
        "兢兢业业",
        "轰轰烈烈",
        "浩浩荡荡",
        "风风火火",
        "平平安安",
        "健健康康",
        "高高兴兴",
        "开开心心",
        "快快乐乐",
        "整整齐齐",
        "干干净净",
        "漂漂亮亮",
        "大大小小",
        "里里外外",
        "上上下下",
        "前前后后",
        "老老少少",
        "男男女女",
        "日日夜夜",
        "岁岁年年",
        "世世代代",
        "子子孙孙",
        "条条框框",
        "林林总总",
        "形形色色",
        "密密麻麻",
        "原原本本",
        "完完全全",
        "彻彻底底",
        "真真切切",
        "勤勤恳恳",
        "点点滴滴",
        "是是非非",
        "的的确确",
        "和和美美",
        "安安全全",
        "稳稳当当",
        "规规矩矩",
        "老老实实",
        "红红火火",
        "热热闹闹",
        "轻轻松松",
        "坦坦荡荡",
        "方方正正",
        "实实在在",
        "严严实实",
        "满满当当",
        "许许多多",
        "千千万万",
        "不了了之",
        "区区",
        "村村通",
        "户户通",
        "县县通",
        "人人有责",
        "事事有人管",
        "处处有人",
        "天天向上",
        "层层落实",
        "研究研究",
        "讨论讨论",
        "商量商量",
        "学习学习",
        "了解了解",
        "休息休息",
        "考虑考虑",
        "打扫打扫",
        "活动活动",
        "锻炼锻炼",
        "检查检查",
        "整理整理",
        "收拾收拾",
        "介绍介绍",
        "认识认识",
        "比较比较",
        "练习练习",
        "准备准备",
        "放松放松",
        "暖和暖和",
        "高兴高兴",
        "热闹热闹",
        "凉快凉快",
        "轻松轻松",
        "雪白雪白",
        "通红通红",
        "笔直笔直",
        "冰凉冰凉",
        "碧绿碧绿",
        "火红火红",
        "蜡黄蜡黄",
        "漆黑漆黑",
        "喷香喷香",
        "滚烫滚烫",
        "崭新崭新",
        "一五一十",
        "一心一意",
        "一生一世",
        "一模一样",
    ]
)
# Chinese function characters that are never reduplicated in official prose: 的的 and 了了 are
# slips, while most other doubled characters (人人, 常常, 看看) are words.
_STUTTER_CHARS: Final = frozenset("的了是在和与及对把被将从于并也就而但或其该此之向由")
_HAN_RUN: Final = re.compile(rf"[{_HAN}]+")
_ABAB: Final = re.compile(r"(.{2,8}?)\1")
_ONE_BY_ONE: Final = re.compile(r"一.一.")


def _legitimate(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies inside a listed reduplication."""
    for word in LEGITIMATE_REDUPLICATIONS:
        position = text.find(word, max(0, end - len(word)))
        while position != -1 and position <= start:
            if position + len(word) >= end:
                return True
            position = text.find(word, position + 1)
    return False


def check_stutter(doc: LintDocument) -> Iterator[Hit]:
    """EPI301 stutter: a word written twice in a row (``报道报道``, ``的的``).

    A doubled stretch of two to eight Chinese characters is a slip unless it is in
    :data:`LEGITIMATE_REDUPLICATIONS` (研究研究, 雪白雪白 ...) or a one-by-one form (一批一批).
    A single doubled character is reported only for function characters (的的, 了了, 是是)
    outside AABB idioms (的的确确, 是是非非), since most doubled characters are words
    (常常, 层层, 人人, 村村通).
    """
    for paragraph in doc.paragraphs:
        text = paragraph.text
        for run in _HAN_RUN.finditer(text):
            chunk, base = run.group(), run.start()
            for match in _ABAB.finditer(chunk):
                unit = match.group(1)
                start, end = base + match.start(), base + match.end()
                if len(set(unit)) == 1 or _ONE_BY_ONE.fullmatch(match.group()):
                    continue
                if _legitimate(text, start, end):
                    continue
                yield doc.hit(paragraph, start, f"{unit!r} is written twice ({match.group()})")
            for i in range(len(chunk) - 1):
                char = chunk[i]
                if char != chunk[i + 1] or char not in _STUTTER_CHARS:
                    continue
                if i > 0 and chunk[i - 1] == char:
                    continue
                after = chunk[i + 2 : i + 4]
                before = chunk[max(0, i - 2) : i]
                is_aabb = (len(after) == 2 and after[0] == after[1]) or (
                    len(before) == 2 and before[0] == before[1]
                )
                if is_aabb or _legitimate(text, base + i, base + i + 2):
                    continue
                yield doc.hit(paragraph, base + i, f"{char!r} is written twice ({char}{char})")


_ENUM_PREFIX: Final = re.compile(
    rf"^(?:[{_CN_NUM}]+[、是]|[（(][{_CN_NUM}\d]+[）)]|\d{{1,2}}[.．、)）](?!\d)|第[{_CN_NUM}]+[，,、是])\s*"
)
_TRAILING: Final = re.compile(r"[。；;，,！!？?：:\s]+$")
_MIN_PARAGRAPH: Final = 10
_MIN_SENTENCE: Final = 15


def _normalised(text: str) -> str:
    body = _ENUM_PREFIX.sub("", text.strip())
    body = _TRAILING.sub("", body)
    return re.sub(r"\s+", "", body)


def _repeated_paragraphs(doc: LintDocument) -> dict[int, Paragraph]:
    """Map the index of each repeated paragraph to its first occurrence."""
    first: dict[str, Paragraph] = {}
    repeats: dict[int, Paragraph] = {}
    for paragraph in doc.paragraphs:
        key = _normalised(paragraph.text)
        if len(key) < _MIN_PARAGRAPH:
            continue
        if key in first:
            repeats[paragraph.index] = first[key]
        else:
            first[key] = paragraph
    return repeats


def check_repeated_paragraph(doc: LintDocument) -> Iterator[Hit]:
    """EPI302 repeated-paragraph: a paragraph says again what an earlier one said.

    Paragraphs are compared without their enumeration mark (``1、``, ``（二）``, ``三是``),
    spaces and final punctuation, so a pasted copy with a different number still counts.
    Paragraphs shorter than ten characters (headings such as 一、员工安全) are ignored.
    """
    label = doc.location_label
    for index, original in sorted(_repeated_paragraphs(doc).items()):
        paragraph = doc.paragraphs[index - 1]
        yield doc.hit(paragraph, 0, f"paragraph repeats the paragraph at {label} {original.line}")


_SENTENCE: Final = re.compile(r"[^。！？!?；;：:]+[。！？!?；;：:]*")


def check_repeated_sentence(doc: LintDocument) -> Iterator[Hit]:
    """EPI303 repeated-sentence: a sentence of fifteen characters or more appears twice.

    Sentences end at 。！？；： (and their half-width forms); they are compared like
    paragraphs. Sentences of a paragraph already reported by EPI302 are not reported again.
    """
    repeated = _repeated_paragraphs(doc)
    seen: dict[str, Paragraph] = {}
    label = doc.location_label
    for paragraph in doc.paragraphs:
        for match in _SENTENCE.finditer(paragraph.text):
            key = _normalised(match.group())
            if len(key) < _MIN_SENTENCE:
                continue
            if key in seen:
                if paragraph.index not in repeated:
                    yield doc.hit(
                        paragraph,
                        match.start() + len(match.group()) - len(match.group().lstrip()),
                        f"sentence repeats one at {label} {seen[key].line}",
                    )
            else:
                seen[key] = paragraph


# --------------------------------------------------------------------------------------------
# EPI4xx punctuation and spacing
# --------------------------------------------------------------------------------------------

_FULL_FORM: Final = {";": "；", "(": "（", ")": "）", ",": "，", ":": "：", "?": "？", "!": "！"}
_HALF: Final = re.compile(r"[;(),:?!]")


def check_halfwidth_punctuation(doc: LintDocument) -> Iterator[Hit]:
    """EPI401 halfwidth-punctuation: ``; ( ) , : ? !`` written half-width next to Chinese.

    Chinese text takes full-width punctuation (；（）,：？！). A mark between two figures or
    Latin letters (``1,234``, ``10:30``, ``f(x)``) is left alone.
    """
    for paragraph in doc.paragraphs:
        text = paragraph.text
        for match in _HALF.finditer(text):
            i = match.start()
            before, after = text[i - 1 : i], text[i + 1 : i + 2]
            if not (_CHINESE.match(before) or _CHINESE.match(after)):
                continue
            mark = match.group()
            yield doc.hit(
                paragraph, i, f"half-width {mark!r} next to Chinese; write {_FULL_FORM[mark]!r}"
            )


_SPACE: Final = re.compile(rf"(?<=[{_HAN}])[ \t\u3000]+(?=\d)|(?<=\d)[ \t\u3000]+(?=[{_HAN}])")


def check_cjk_digit_space(doc: LintDocument) -> Iterator[Hit]:
    """EPI402 cjk-digit-space: a space between a Chinese character and a figure (``共 120 块``).

    Chinese official prose sets figures directly against the characters around them.
    """
    for paragraph in doc.paragraphs:
        for match in _SPACE.finditer(paragraph.text):
            yield doc.hit(paragraph, match.start(), "space between Chinese and a figure; remove it")


# --------------------------------------------------------------------------------------------
# EPI5xx numbering and counts
# --------------------------------------------------------------------------------------------


class _Marker(NamedTuple):
    """An enumeration mark at the start of a paragraph."""

    kind: str  # the level: "一、", "（一）", "1.", "（1）" or "一是"
    rank: int  # lower is higher in the outline
    number: int
    style: str  # the exact way the level is written, e.g. "1." or "1、"
    text: str  # the mark as written


_L1: Final = re.compile(rf"([{_CN_NUM}]+)、")
_L2: Final = re.compile(rf"([（(])([{_CN_NUM}]+)([）)])")
_L3: Final = re.compile(r"(\d{1,2})([.．、])")
_L4: Final = re.compile(r"([（(])(\d{1,2})([）)])")
_SHI: Final = re.compile(rf"([{_CN_NUM}]+)是")
_INLINE_SHI: Final = re.compile(rf"(?:(?<=[。；;，,：:！!？?])|^)([{_CN_NUM}]{{1,3}})是")

# Inline marks other than 一是 must follow the paragraph's start, a sentence or clause end, a
# colon or a space, so that 第一、 and 一、二级医院 (the numeral runs on) are not marks.
_BOUNDARY: Final = r"(?:(?<=[。；;：:！!？?\s])|^)"
_INLINE_MARK: Final = re.compile(
    rf"{_BOUNDARY}(?P<dun>[{_CN_NUM}]{{1,3}})、(?![{_CN_NUM}〇零\d])"
    rf"|{_BOUNDARY}(?P<po>[（(])(?P<paren>[{_CN_NUM}]{{1,3}})(?P<pc>[）)])"
    rf"|{_BOUNDARY}(?P<arabic>\d{{1,2}})(?P<sep>[.．、])(?![\d.．%％])"
    rf"|{_BOUNDARY}(?P<apo>[（(])(?P<aparen>\d{{1,2}})(?P<apc>[）)])"
    r"|(?P<circled>[\u2460-\u2473])"
    rf"|{_BOUNDARY}第(?P<di>[{_CN_NUM}]{{1,3}})(?=[，,、：:])"
)


class _Inline(NamedTuple):
    """An enumeration mark inside a paragraph (or at its start), other than 一是."""

    offset: int
    kind: str  # "一、", "（一）", "1.", "（1）", "①" or "第一"
    number: int
    style: str
    text: str


def _inline_marks(text: str) -> list[_Inline]:
    """Every 一、 （一） 1. （1） ① 第一 mark of *text*, in order."""
    marks: list[_Inline] = []
    for match in _INLINE_MARK.finditer(text):
        number: int | None
        if match["dun"]:
            kind, style, number = "一、", "、", _numeral_value(match["dun"])
        elif match["paren"]:
            kind, number = "（一）", _numeral_value(match["paren"])
            style = "（）" if match["po"] == "（" else "()"
        elif match["arabic"]:
            kind, style, number = "1.", match["sep"], int(match["arabic"])
        elif match["aparen"]:
            kind, number = "（1）", int(match["aparen"])
            style = "（）" if match["apo"] == "（" else "()"
        elif match["circled"]:
            kind, style, number = "①", "①", ord(match["circled"]) - 0x2460 + 1
        else:
            kind, style, number = "第一", "第", _numeral_value(match["di"])
        if number:
            marks.append(_Inline(match.start(), kind, number, style, match.group()))
    return marks


def _inline_runs(text: str) -> list[list[_Inline]]:
    """The inline lists of *text*: per kind, the marks from a 1 up to the next 1."""
    runs: list[list[_Inline]] = []
    current: dict[str, list[_Inline]] = {}
    for mark in _inline_marks(text):
        if mark.number == 1 or mark.kind not in current:
            current[mark.kind] = [mark]
            runs.append(current[mark.kind])
        else:
            current[mark.kind].append(mark)
    return runs


def _paragraph_marker(text: str, expected: dict[str, int]) -> _Marker | None:
    """Return the enumeration mark *text* starts with; *expected* breaks 3.1月 ambiguity."""
    if match := _L1.match(text):
        number = _numeral_value(match.group(1))
        if number is not None:
            return _Marker("一、", 1, number, "、", match.group())
    if match := _L2.match(text):
        number = _numeral_value(match.group(2))
        if number is not None:
            style = "（）" if match.group(1) == "（" else "()"
            return _Marker("（一）", 2, number, style, match.group())
    if match := _SHI.match(text):
        number = _numeral_value(match.group(1))
        if number is not None:
            return _Marker("一是", 3, number, "是", match.group())
    if match := _L3.match(text):
        number = int(match.group(1))
        following = text[match.end() : match.end() + 1]
        # "3.1月某日" is item 3 about January, "3.5万" is a figure: a digit after the point
        # makes it a mark only when it is the number the list expects next.
        if not following.isdigit() or number == expected.get("1.", 0) + 1:
            return _Marker("1.", 4, number, match.group(2), match.group())
    if match := _L4.match(text):
        style = "（）" if match.group(1) == "（" else "()"
        return _Marker("（1）", 5, int(match.group(2)), style, match.group())
    return None


def _markers(doc: LintDocument) -> list[tuple[Paragraph, _Marker | None]]:
    expected: dict[str, int] = {}
    result: list[tuple[Paragraph, _Marker | None]] = []
    for paragraph in doc.paragraphs:
        marker = _paragraph_marker(paragraph.text, expected)
        if marker is not None:
            expected[marker.kind] = marker.number
        result.append((paragraph, marker))
    return result


def _written(kind: str, number: int) -> str:
    cn = chinese_numeral(number)
    return {
        "一、": f"{cn}、",
        "（一）": f"（{cn}）",
        "一是": f"{cn}是",
        "1.": f"{number}.",
        "（1）": f"（{number}）",
    }[kind]


def check_numbering_gap(doc: LintDocument) -> Iterator[Hit]:
    """EPI501 numbering-gap: an enumeration skips or repeats a number (一、二、四、; 一是…三是).

    Levels are 一、 > （一） > 一是 > 1. > （1）; a mark resets the levels below it, and 1 (一)
    always starts a new list. Paragraph-leading marks are checked across paragraphs, inline
    ``一是…二是`` marks within their paragraph. Inline 一、 （一） 1. 1、 （1） ① and 第一，
    marks are checked within their paragraph too (``：1.宣传；2.排查；4.保障``): each list
    runs from its 1 to the next 1, and a list that starts above 1 is only checked after its
    first mark. Such a mark counts only at the paragraph's start or after 。；：！？ or a space,
    and not when a numeral or figure runs on (一、二级医院, ：2、3月份, 。3.5万), so 第一时间 and
    ranges are not lists. A paragraph ending its inline list at 2. lets the next paragraph go
    on at 3.
    """
    last: dict[str, int] = {}
    for paragraph, marker in _markers(doc):
        if marker is not None:
            for kind, rank in (("一、", 1), ("（一）", 2), ("一是", 3), ("1.", 4), ("（1）", 5)):
                if rank > marker.rank:
                    last.pop(kind, None)
            previous = last.get(marker.kind, 0)
            if marker.number != 1 and marker.number != previous + 1:
                yield doc.hit(
                    paragraph,
                    0,
                    f"numbering {marker.text!r} follows "
                    + (
                        f"{_written(marker.kind, previous)!r}"
                        if previous
                        else "no earlier item of its level"
                    )
                    + f"; expected {_written(marker.kind, previous + 1)!r}",
                )
            last[marker.kind] = marker.number
        leading = marker.number if marker is not None and marker.kind == "一是" else None
        yield from _inline_gaps(doc, paragraph, 1 if leading is not None else 0, leading)
        for run in _inline_runs(paragraph.text):
            for before, mark in itertools.pairwise(run):
                if mark.number != before.number + 1:
                    yield doc.hit(
                        paragraph,
                        mark.offset,
                        f"{mark.text.strip()!r} follows {before.text.strip()!r} in the "
                        "same paragraph; expected the next number",
                    )
            # 1.消毒。2.测温。 on one line, 3.登记 on the next: the next line goes on from 2.
            if marker is not None and run[0].offset == 0 and run[0].kind == marker.kind:
                last[marker.kind] = run[-1].number


def _inline_items(text: str, start: int) -> list[tuple[int, int, str]]:
    """Return (offset, number, mark) of each inline 一是/二是 mark at or after *start*."""
    items = []
    for match in _INLINE_SHI.finditer(text, start):
        number = _numeral_value(match.group(1))
        if number is not None and match.start() >= start:
            items.append((match.start(), number, match.group()))
    return items


def _inline_gaps(
    doc: LintDocument, paragraph: Paragraph, start: int, leading: int | None = None
) -> Iterator[Hit]:
    items = _inline_items(paragraph.text, start)
    # A paragraph opening with 一是 either heads a block whose own list restarts at 一是 (the
    # education seed: 一是完善三项制度。一是建立……二是……), or is the first item of a list that
    # runs on in the same paragraph (一是……；二是……): the first inline number tells which.
    previous = leading if leading is not None and items and items[0][1] != 1 else 0
    for offset, number, mark in items:
        if number != 1 and number != previous + 1:
            yield doc.hit(
                paragraph,
                offset,
                f"{mark!r} follows "
                + (f"{_written('一是', previous)!r}" if previous else "no 一是")
                + f"; expected {_written('一是', previous + 1)!r}",
            )
        previous = number


# The institution's item numbering: the level it is written at, and its styles (full-width
# ． is the same 1. mark).
_CHOSEN: Final = {"1.": ("1.", (".", "．")), "1、": ("1.", ("、",)), "（1）": ("（1）", ("（）",))}


def _in_style(marker: _Marker, numbering: str) -> str:
    if numbering == "（1）":
        return f"（{marker.number}）"
    return f"{marker.number}{numbering[-1]}"


def check_numbering_style(doc: LintDocument) -> Iterator[Hit]:
    """EPI502 numbering-style: one level numbered in two styles (``1.`` here, ``1、`` there).

    Reported once per level and style, at the first mark written differently from the
    first mark of its level; （一） and (一) count as two styles of one level. Inside a
    paragraph, an inline list (``：1.宣传；2、排查``) is reported at its first mark written
    differently from its first. 1、 items under 一、 headings are two levels, not two styles.
    When the document's institution chose an item numbering (``LintDocument.numbering``),
    the first item written otherwise is reported instead, with the mark as it should be.
    """
    first: dict[str, tuple[_Marker, Paragraph]] = {}
    reported: set[tuple[str, str]] = set()
    label = doc.location_label
    for paragraph, marker in _markers(doc):
        for run in _inline_runs(paragraph.text):
            odd = next((m for m in run if m.style != run[0].style), None)
            if odd is not None:
                yield doc.hit(
                    paragraph,
                    odd.offset,
                    f"numbering {odd.text.strip()!r} is written differently from "
                    f"{run[0].text.strip()!r} in the same list",
                )
        if marker is None:
            continue
        chosen = _CHOSEN.get(doc.numbering or "")
        if chosen is not None and marker.kind == chosen[0] and marker.style not in chosen[1]:
            if (marker.kind, "chosen") not in reported:
                reported.add((marker.kind, "chosen"))
                yield doc.hit(
                    paragraph,
                    0,
                    f"numbering {marker.text!r} is not the item numbering this institution "
                    f"writes ({doc.numbering}: {_in_style(marker, doc.numbering or '')!r})",
                )
            continue
        if marker.kind not in first:
            first[marker.kind] = (marker, paragraph)
            continue
        origin, where = first[marker.kind]
        if marker.style != origin.style and (marker.kind, marker.style) not in reported:
            reported.add((marker.kind, marker.style))
            yield doc.hit(
                paragraph,
                0,
                f"numbering {marker.text!r} is written differently from {origin.text!r} "
                f"at {label} {where.line}, the same level",
            )


def check_numbering_decimal(doc: LintDocument) -> Iterator[Hit]:
    """EPI504 numbering-decimal: an item mark ``3.`` run into a figure, reading as ``3.1``.

    A paragraph starting ``3.1月28日`` where 3 is the number the list expects next is item 3
    about January 28, but reads as the decimal 3.1. Write ``3、1月28日``, or set the mark apart
    with a thin space (``3.`` U+2009 ``1月28日``), as epireport's documents do.
    """
    expected: dict[str, int] = {}
    for paragraph in doc.paragraphs:
        text = paragraph.text
        marker = _paragraph_marker(text, expected)
        if marker is None:
            continue
        expected[marker.kind] = marker.number
        if marker.kind == "1." and marker.style in ".．":
            following = text[len(marker.text) : len(marker.text) + 1]
            if following.isdigit():
                yield doc.hit(
                    paragraph,
                    0,
                    f"item mark {marker.text!r} runs into the figure after it "
                    f"({text[: len(marker.text) + 4]!r} reads as a decimal); write "
                    f"'{marker.number}、' or put a thin space after the mark",
                )


_HEADLINE: Final = re.compile(rf"[“\"「『]([{_CN_NUM}])个([{_CN_NUM}])[”\"」』]")
_COUNT_WORD: Final = re.compile(
    r"([两二三四五六七八九十])(?:项|条|类|个|方面|大|种|点|件|招|项举措|个方面)"
)


def _run_from_one(numbers: Sequence[int]) -> int:
    """Length of the list 1, 2, 3 ... that *numbers* starts with (stops at a gap or restart)."""
    count = 0
    for number in numbers:
        if number != count + 1:
            break
        count = number
    return count


def _block_list(
    marked: list[tuple[Paragraph, _Marker | None]], after: int
) -> list[tuple[Paragraph, _Marker]]:
    """Return the numbered blocks starting right after position *after*, one per item."""
    if after + 1 >= len(marked):
        return []
    head = marked[after + 1][1]
    if head is None or head.number != 1:
        return []
    blocks: list[tuple[Paragraph, _Marker]] = []
    for paragraph, marker in marked[after + 1 :]:
        if marker is None:
            continue
        if marker.rank < head.rank or (marker.kind == head.kind and marker.number == 1 and blocks):
            break
        if marker.kind == head.kind:
            blocks.append((paragraph, marker))
    return blocks


def check_headline_count(doc: LintDocument) -> Iterator[Hit]:
    """EPI503 headline-count: a headline count that does not match the items after it.

    ``建立了“四个三”工作机制`` announces four numbered blocks (一是 … 四是, or 一、 …) of three
    items each; ``完善三项制度。一是…二是…三是…`` announces three inline items; a paragraph
    ending in ``：`` with ``三个方面`` announces three numbered paragraphs (一、 （一） 1.
    （1） 一是, or ① and 第一， paragraphs). A count is checked only when a numbered list
    follows it.

    A count ending at most four characters before a colon (``采取三项防控措施：``) is checked
    against the inline list after the colon in any style: （一）（二）, 1. 2., 1、2、, ①②,
    第一，第二，. A count farther from the colon (在三个小区开展排查：) may count something
    else and is not checked. A headline of a count and a word, quoted (``“三到位”``,
    ``“四早”``, ``“两个维护”``) or right before a colon (``三到位：``), is checked against
    the items after it only when every item repeats the word (人员到位、物资到位、措施到位).
    """
    marked = _markers(doc)
    for position, (paragraph, _) in enumerate(marked):
        text = paragraph.text
        for match in _HEADLINE.finditer(text):
            blocks_wanted = _numeral_value(match.group(1)) or 0
            items_wanted = _numeral_value(match.group(2)) or 0
            blocks = _block_list(marked, position)
            if blocks:
                found = _run_from_one([m.number for _, m in blocks])
                for block, marker in blocks[:found]:
                    inline = _inline_items(block.text, len(marker.text))
                    items = _run_from_one([n for _, n, _ in inline])
                    if items and items != items_wanted:
                        yield doc.hit(
                            block,
                            0,
                            f"block {marker.text!r} of {match.group()} has {items} items, "
                            f"not {items_wanted}",
                        )
            else:
                found = _run_from_one([n for _, n, _ in _inline_items(text, match.end())])
                if not found:
                    continue
            if found != blocks_wanted:
                yield doc.hit(
                    paragraph,
                    match.start(),
                    f"{match.group()} announces {blocks_wanted} parts but {found} follow",
                )
        yield from _lead_counts(doc, marked, position)
        yield from _colon_counts(doc, marked, position)
        yield from _word_counts(doc, paragraph)


def _lead_counts(
    doc: LintDocument, marked: list[tuple[Paragraph, _Marker | None]], position: int
) -> Iterator[Hit]:
    paragraph, marker = marked[position]
    text = paragraph.text
    start = len(marker.text) if marker is not None and marker.kind == "一是" else 0
    inline = _inline_items(text, start)
    if inline and inline[0][1] == 1:
        lead_end = inline[0][0]
        lead_start = max(text.rfind(ch, 0, lead_end - 1) for ch in "。；;！？!?") + 1
        lead = text[lead_start:lead_end]
        if "“" not in lead:  # quoted headlines are EPI503's other case
            counts = list(_COUNT_WORD.finditer(lead))
            if len(counts) == 1:
                wanted = _numeral_value(counts[0].group(1)) or 0
                found = _run_from_one([n for _, n, _ in inline])
                if wanted != found:
                    yield doc.hit(
                        paragraph,
                        lead_start + counts[0].start(),
                        f"{counts[0].group()!r} announces {wanted} items but {found} follow",
                    )
    if text.rstrip().endswith(("：", ":")):
        sentence_start = max(text.rfind(ch) for ch in "。；;！？!?") + 1
        counts = list(_COUNT_WORD.finditer(text, sentence_start))
        blocks = _block_list(marked, position)
        if len(counts) == 1 and blocks:
            wanted = _numeral_value(counts[0].group(1)) or 0
            found = _run_from_one([m.number for _, m in blocks])
            if wanted != found:
                yield doc.hit(
                    paragraph,
                    counts[0].start(),
                    f"{counts[0].group()!r} announces {wanted} items but {found} follow",
                )


_COLON_COUNT: Final = re.compile(
    # Not a time of day before the colon (下午三点：).
    rf"(?<![午晨晚])([两二三四五六七八九十])(?:个方面|项举措|个|项|条|类|方面|大|种|点|件|招)"
    rf"[{_HAN}]{{0,4}}$"
)
_OTHER_BLOCK: Final = re.compile(
    rf"(?P<circled>[\u2460-\u2473])|第(?P<di>[{_CN_NUM}]{{1,3}})(?=[，,、：:])"
)


def _count_before_colon(text: str, colon: int) -> re.Match[str] | None:
    """The count word (三项, 两个方面) ending at most four characters before *colon*."""
    start = max(text.rfind(ch, 0, colon) for ch in "。；;！？!?，,：:") + 1
    return _COLON_COUNT.search(text, start, colon)


def _other_blocks(marked: list[tuple[Paragraph, _Marker | None]], after: int) -> list[int]:
    """Numbers of the ① or 第一 paragraphs right after position *after*, from ① / 第一 on."""
    numbers: list[int] = []
    kind = ""
    for paragraph, _ in marked[after + 1 :]:
        match = _OTHER_BLOCK.match(paragraph.text)
        if match is None:
            break
        this = "①" if match["circled"] else "第"
        if kind and this != kind:
            break
        kind = this
        if match["circled"]:
            numbers.append(ord(match["circled"]) - 0x2460 + 1)
        else:
            numbers.append(_numeral_value(match["di"]) or 0)
    return numbers


def _colon_counts(
    doc: LintDocument, marked: list[tuple[Paragraph, _Marker | None]], position: int
) -> Iterator[Hit]:
    """A count right before a colon against the 一、 （一） 1. （1） ① 第一 list after it.

    The count must end at most four characters before the colon (采取三项防控措施：), so that a
    count of something else (在三个小区开展排查：) is not taken for the list's.
    """
    paragraph = marked[position][0]
    text = paragraph.text
    for run in _inline_runs(text):
        colon = run[0].offset
        if run[0].number != 1 or colon == 0 or text[colon - 1] not in "：:":
            continue
        count = _count_before_colon(text, colon - 1)
        if count is None:
            continue
        wanted = _numeral_value(count.group(1)) or 0
        found = _run_from_one([m.number for m in run])
        if wanted != found:
            yield doc.hit(
                paragraph,
                count.start(),
                f"{count.group()!r} announces {wanted} items but {found} follow",
            )
    stripped = text.rstrip()
    if stripped.endswith(("：", ":")) and _block_list(marked, position) == []:
        count = _count_before_colon(stripped, len(stripped) - 1)
        numbers = _other_blocks(marked, position)
        if count is not None and numbers and numbers[0] == 1:
            wanted = _numeral_value(count.group(1)) or 0
            found = _run_from_one(numbers)
            if wanted != found:
                yield doc.hit(
                    paragraph,
                    count.start(),
                    f"{count.group()!r} announces {wanted} items but {found} follow",
                )


#: “三到位”, “四早”, “三不”, “两个维护” (quoted), or 三到位： (unquoted, right before a colon):
#: a count and the word each item repeats.
_WORD_HEADLINE: Final = re.compile(
    rf"[“\"「『](?P<qn>[两二三四五六七八九十])个?(?P<qw>[{_HAN}]{{1,4}}?)[”\"」』]"
    rf"[{_HAN}]{{0,4}}?(?:[：:]|[，,]即[：:]?|[（(])"
    rf"|(?<![{_CN_FIGURE_CHARS}])(?P<un>[两二三四五六七八九十])个?(?P<uw>[{_HAN}]{{1,3}}?)[：:]"
)


def _word_counts(doc: LintDocument, paragraph: Paragraph) -> Iterator[Hit]:
    """A headline such as “三到位” against the items after it that repeat its word.

    Checked only when every item of the list (、-separated up to the clause end, or
    、/，-separated up to the sentence end) contains the word: 人员到位、物资到位、措施到位.
    """
    text = paragraph.text
    for match in _WORD_HEADLINE.finditer(text):
        word = match["qw"] or match["uw"]
        if any(ch in _CN_FIGURE_CHARS for ch in word):
            continue  # “四个三”, “五个一”: EPI503's block headline
        wanted = _numeral_value(match["qn"] or match["un"]) or 0
        rest = text[match.end() :]
        for stops, separators in (("，,。；;！!？?）)", "、"), ("。；;！!？?）)", "、，,")):
            end = min((i for i in (rest.find(ch) for ch in stops) if i != -1), default=len(rest))
            items = [i for i in re.split(f"[{separators}]", rest[:end]) if i.strip()]
            if len(items) >= 2 and all(word in item for item in items):
                if len(items) != wanted:
                    yield doc.hit(
                        paragraph,
                        match.start(),
                        f"{match.group().rstrip('：:，,即（(')!r} announces {wanted} items "
                        f"but {len(items)} follow",
                    )
                break


# --------------------------------------------------------------------------------------------
# EPI6xx terminology
# --------------------------------------------------------------------------------------------


class OutdatedTerm(NamedTuple):
    """A term that official usage replaced on a date."""

    term: str
    replacement: str
    since: dt.date


# Spellings seen in documents besides a name's own (the seeds drop the 的).
_VARIANTS: Final = {"新型冠状病毒感染的肺炎": ("新型冠状病毒感染肺炎",)}


def _renamings() -> tuple[OutdatedTerm, ...]:
    """The disease's names (epireport.narrative.DISEASE_NAMES), each outdated by later ones.

    For each name, oldest first: its full name (and spellings) and its short form against
    each later name, the latest first (a document after both renamings is told the latest).
    """
    rows: list[OutdatedTerm] = []
    for i, old in enumerate(DISEASE_NAMES):
        for new in reversed(DISEASE_NAMES[i + 1 :]):
            for spelling in (old.full, *_VARIANTS.get(old.full, ())):
                rows.append(OutdatedTerm(spelling, new.full, new.since))
        if old.short != old.full:
            for new in reversed(DISEASE_NAMES[i + 1 :]):
                rows.append(OutdatedTerm(old.short, new.short, new.since))
    return tuple(rows)


#: Official renamings, longest term first so that each place is reported once. The disease's
#: names come from the narrative toolkit's table (templates write ``disease_name(period)``):
#: the National Health Commission named it 新型冠状病毒肺炎 (新冠肺炎) on 2020-02-08 and
#: renamed it 新型冠状病毒感染 from 2023-01-08, when it was also moved to Class B management.
OUTDATED_TERMS: Final = (
    *_renamings(),
    OutdatedTerm("乙类甲管", "乙类乙管", dt.date(2023, 1, 8)),
)


def check_outdated_term(doc: LintDocument) -> Iterator[Hit]:
    """EPI601 outdated-term: a term officially replaced before the document's date.

    The date is ``--date``, else the latest date written in the document; without one the
    rule is silent. Terms and dates are in :data:`OUTDATED_TERMS` (新冠肺炎 and
    新型冠状病毒感染的肺炎 → 新型冠状病毒感染 from 2023-01-08).
    """
    if doc.date is None:
        return
    applicable = [t for t in OUTDATED_TERMS if t.since <= doc.date]
    for paragraph in doc.paragraphs:
        taken: set[int] = set()
        for term in applicable:
            for match in re.finditer(re.escape(term.term), paragraph.text):
                if match.start() in taken:
                    continue
                taken.update(range(match.start(), match.end()))
                yield doc.hit(
                    paragraph,
                    match.start(),
                    f"{term.term!r} is outdated since {term.since.isoformat()}; "
                    f"write {term.replacement!r}",
                )


# --------------------------------------------------------------------------------------------
# Text-only consistency: figures read back to intervals
# --------------------------------------------------------------------------------------------

_ARABIC: Final = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: A figure as prose writes it: 45, 3.2万余, 30余万, 近3.3万, 约500, 四十五, 三千余, 两万.
_FIGURE_TEXT: Final = (
    rf"(?:[近约])?(?:(?<![\d.,])(?:{_ARABIC})(?:[余多](?=[万亿]))?[万亿]?[余多]?"
    rf"|(?<![{_CN_FIGURE_CHARS}])[{_CN_FIGURE_CHARS}]+[余多]?[万亿]?[余多]?)"
)
#: A classifier: one to three Chinese characters that are neither numerals nor 余/多.
_CLASSIFIER: Final = rf"(?:(?![{_CN_FIGURE_CHARS}余多])[{_HAN}]){{1,3}}"
_CN_FIGURE: Final = re.compile(
    rf"(?P<n>[{_CN_FIGURE_CHARS}]+?)(?P<pre>[余多])?(?P<unit>[万亿])?(?P<hedge>[余多])?"
)


def _figure_interval(text: str) -> NumberInterval | None:
    """The values *text* (``480余``, ``四十五``, ``三十余万``) allows, or ``None`` if unreadable.

    Arabic figures go to the narrative toolkit's :func:`parse_number` (余 floors, 近 ceils,
    约 rounds); Chinese numerals are rewritten in digits first (三十余万 → 30余万).
    """
    prefix = text[:1] if text[:1] in ("近", "约") else ""
    body = text[len(prefix) :]
    if body[:1] and not body[0].isdigit():
        match = _CN_FIGURE.fullmatch(body)
        if match is None:
            return None
        value = _numeral_value(match["n"])
        if value is None:
            return None
        body = f"{value}{match['pre'] or ''}{match['unit'] or ''}{match['hedge'] or ''}"
    try:
        return parse_number(prefix + body)
    except ModelError:
        return None


def _add(intervals: Sequence[NumberInterval]) -> NumberInterval:
    return NumberInterval(
        sum((i.low for i in intervals), Decimal(0)),
        sum((i.high for i in intervals), Decimal(0)),
        all(i.low_closed for i in intervals),
        all(i.high_closed for i in intervals),
    )


def _above(a: NumberInterval, b: NumberInterval) -> bool:
    """Whether every value of *a* is greater than every value of *b*."""
    return a.low > b.high or (a.low == b.high and not (a.low_closed and b.high_closed))


def _shown(interval: NumberInterval) -> str:
    return str(interval)[1:-1] if interval.is_exact else str(interval)


# --------------------------------------------------------------------------------------------
# EPI205 parts-total
# --------------------------------------------------------------------------------------------


class _Part(NamedTuple):
    name: str
    figure: str
    interval: NumberInterval


_TOTAL_BEFORE: Final = re.compile(rf"(?P<fig>{_FIGURE_TEXT})(?P<cls>{_CLASSIFIER})$")
_PART_NAME: Final = r"[^\d、，,；;：:。（）()“”《》]*?"
_PART_SEP: Final = re.compile(r"以及|[、和及]")
#: A part naming the rest: a list ending with one is exhaustive.
_REST: Final = ("其他", "其余", "其它", "剩余", "余下")
#: Words that make a bracketed figure something else than a part: a comparison, a running
#: total, a rate (确诊5例（累计120例）, 45条（同比增加20条）, 口罩（每人每天2只）).
_NOT_A_PART: Final = re.compile(
    r"累计|合计|总计|共|同比|环比|较|比|增|减|升|降|超|平均|均|每|最|达|前|后"
)
#: Parts that may overlap (a person both 发热 and 咳嗽): their sum may exceed the total.
_OVERLAPPING: Final = re.compile(r"同时|兼|既|又|症状|发热|咳嗽|乏力|腹泻|头痛|阳性|密接|接触")
_LEAD_IN: Final = re.compile(r"其中|含|包括|包含")
_QIZHONG: Final = re.compile(r"[，,]其中")
_FENBIE: Final = re.compile(r"[，,：:]?分别[为是][：:]?")


def _parse_part(text: str, start: int, cls: str) -> tuple[_Part, int] | None:
    """Read one part (name, figure, the total's classifier) at *start*; return it and its end."""
    pattern = re.compile(
        rf"(?P<name>{_PART_NAME})(?P<fig>{_FIGURE_TEXT}){re.escape(cls)}"
        rf"(?=以及|[、和及，,；;。）)！!？?]|$)"
    )
    match = pattern.match(text, start)
    if match is None or _NOT_A_PART.search(match["name"]):
        return None
    interval = _figure_interval(match["fig"])
    if interval is None:
        return None
    return _Part(match["name"], match["fig"], interval), match.end()


def _part_list(text: str, start: int, cls: str, *, whole: bool) -> list[_Part] | None:
    """Read parts joined by 、/和/及 from *start* (and a final ，其余… part).

    With *whole*, the parts must make up all of ``text[start:]`` (a bracket's content),
    else ``None``; otherwise reading stops at the first thing that is not a part.
    """
    parts: list[_Part] = []
    position = start
    while True:
        read = _parse_part(text, position, cls)
        if read is None:
            if whole or not parts:
                return None
            return parts
        part, position = read
        parts.append(part)
        if position == len(text):
            return parts
        separator = _PART_SEP.match(text, position)
        if separator is not None:
            position = separator.end()
            continue
        if text[position] in "，," and text.startswith(_REST, position + 1):
            position += 1
            continue
        return None if whole else parts


def _total_before(text: str, end: int) -> re.Match[str] | None:
    return _TOTAL_BEFORE.search(text, max(0, end - 40), end)


def _part_lists(text: str) -> Iterator[tuple[re.Match[str], list[_Part], bool]]:
    """Yield (total, parts, exhaustive) for each total followed by a list of its parts."""
    for bracket in re.finditer(r"[（(]([^（）()]*)[）)]", text):
        total = _total_before(text, bracket.start())
        if total is None:
            continue
        content = bracket.group(1)
        lead = _LEAD_IN.match(content)
        parts = _part_list(content, lead.end() if lead else 0, total["cls"], whole=True)
        if parts and (lead or len(parts) >= 2):
            yield total, parts, parts[-1].name.startswith(_REST)
    for marker in _QIZHONG.finditer(text):
        total = _total_before(text, marker.start())
        if total is None:
            continue
        parts = _part_list(text, marker.end(), total["cls"], whole=False)
        if parts:
            yield total, parts, parts[-1].name.startswith(_REST)
    for marker in _FENBIE.finditer(text):
        total = _total_before(text, marker.start())
        if total is None:
            continue
        parts = _part_list(text, marker.end(), total["cls"], whole=False)
        if parts and len(parts) >= 2:
            yield total, parts, True


def check_parts_total(doc: LintDocument) -> Iterator[Hit]:
    """EPI205 parts-total: a total followed by its parts that cannot add up to it.

    Read where a figure with a classifier is followed by parts with the same classifier:
    in brackets (``湖北省45条（武汉20条、宜昌15条、其他9条）``), after ``，其中``, or after
    ``分别为``. A list is *exhaustive* when its last part is the rest (其他/其余/其它/剩余/
    余下 …) or it follows 分别为; the parts of an exhaustive list must add up to the total.
    Any other list may name only some parts, so it is reported only when its parts exceed
    the total, and not at all when its parts may overlap (发热, 咳嗽, 同时 …). Figures are
    read as intervals (``480余`` is 480 to 490, ``近3.3万`` 32000 to 33000, Chinese numerals
    included), and a sum is wrong only when no values the wording allows make it right.
    Brackets holding one part need 其中/含/包括; a part naming a comparison, a running total
    or a rate (同比, 累计, 每 …) is not a part.
    """
    for paragraph in doc.paragraphs:
        for total, parts, exhaustive in _part_lists(paragraph.text):
            whole = _figure_interval(total["fig"])
            if whole is None:
                continue
            added = _add([p.interval for p in parts])
            written = f"{total['fig']}{total['cls']}"
            summed = "+".join(p.figure for p in parts)
            if exhaustive:
                if _above(added, whole) or _above(whole, added):
                    yield doc.hit(
                        paragraph,
                        total.start(),
                        f"the parts {summed} add up to {_shown(added)}, not {written}",
                    )
            elif (big := next((p for p in parts if _above(p.interval, whole)), None)) is not None:
                yield doc.hit(
                    paragraph,
                    total.start(),
                    f"the part {big.name}{big.figure}{total['cls']} is more than the total "
                    f"{written}",
                )
            elif _above(added, whole) and not any(_OVERLAPPING.search(p.name) for p in parts):
                yield doc.hit(
                    paragraph,
                    total.start(),
                    f"the parts {summed} add up to {_shown(added)}, more than {written}",
                )


# --------------------------------------------------------------------------------------------
# EPI206 exact-word-hedge
# --------------------------------------------------------------------------------------------

_NUMBER_RUN: Final = rf"(?:{_ARABIC}|[{_CN_FIGURE_CHARS}]+)"
_EXACT_HEDGED: Final = re.compile(
    r"(?P<word>(?:精确|准确|确切)(?:的)?(?:数字|数据|人数|数量|数目|总数|统计|计算|计数|核定|结果)?"
    r"(?:为|是|有|达|共计|合计|共|计)?"
    r"|正好|恰好)"
    rf"(?P<figure>(?:约|近|大约|将近|接近|大概){_NUMBER_RUN}"
    rf"|{_NUMBER_RUN}(?:[余多][万亿]?|[万亿][余多])"
    rf"|{_NUMBER_RUN}[万亿]?{_CLASSIFIER}?(?:左右|上下))"
)
_HEDGED_WHOLE: Final = re.compile(rf"{_NUMBER_RUN}(?:[余多][万亿]?|[万亿][余多]){_CLASSIFIER}整")


def check_exact_word_hedge(doc: LintDocument) -> Iterator[Hit]:
    """EPI206 exact-word-hedge: a hedged figure (余/多/约/近/左右) said to be exact.

    ``精确统计3000余人``, ``准确数字为500多``, ``恰好约50人`` and ``3000余元整`` claim
    exactness for a figure that says it is not exact. Only the word right before the figure
    counts: 精确/准确/确切 (with 数字, 人数, 统计 … and 为/是/有/共计 between), 正好/恰好
    directly before it, and 整 right after a hedged amount. ``准确掌握3000余人的信息`` (准确
    says how the work was done) and ``整整三十多天`` (a full month and more) are fine.
    """
    for paragraph in doc.paragraphs:
        text = paragraph.text
        for match in _EXACT_HEDGED.finditer(text):
            yield doc.hit(
                paragraph,
                match.start(),
                f"{match.group()!r}: {match['word']} claims an exact figure but "
                f"{match['figure']} is a hedged one; give the exact figure or drop "
                f"{match['word']}",
            )
        for match in _HEDGED_WHOLE.finditer(text):
            yield doc.hit(
                paragraph,
                match.start(),
                f"{match.group()!r}: 整 marks an exact amount but the figure is hedged",
            )


# --------------------------------------------------------------------------------------------
# EPI602 jiezhi-date
# --------------------------------------------------------------------------------------------

_JIEZHI: Final = re.compile(
    r"截止(?=\s*(?:\d|[〇零一二三四五六七八九十]{1,4}[年月日号]|目前|今|当前|当天|当日|现在"
    r"|发稿|本[年月周日]|上[年月周]|昨|年底|年末|月底|月末))"
)


def check_jiezhi_date(doc: LintDocument) -> Iterator[Hit]:
    """EPI602 jiezhi-date: 截止 followed by a date where 截至 (as of) is meant.

    截至 takes the time it runs up to (截至6月30日, 截至目前); 截止 means "to close" and
    takes none (报名6月30日截止, 截止日期, 截止时间). Reported only when 截止 is followed
    directly by a date or by 目前/今/当前/发稿/本月 …; ``截止到6月30日`` (a common,
    accepted form), ``截止日期`` and ``于6月30日截止`` are left alone.
    """
    for paragraph in doc.paragraphs:
        for match in _JIEZHI.finditer(paragraph.text):
            yield doc.hit(
                paragraph,
                match.start(),
                "截止 followed by a date: write 截至 (as of), e.g. 截至6月30日",
            )


# --------------------------------------------------------------------------------------------
# EPI102 draft-mark
# --------------------------------------------------------------------------------------------

_DRAFT_BRACKETED: Final = re.compile(r"[【\[［〖]\s*草稿\s*[】\]］〗]")
_DRAFT_ANY: Final = re.compile(r"[（(]\s*草稿\s*[）)]|草稿")
# A paragraph that is only a bracketed mark (a bare 草稿 may be a table cell: 状态 草稿).
_DRAFT_ALONE: Final = re.compile(r"[\s*_#>]*[（(【\[［〖]\s*草稿\s*[）)】\]］〗][\s*_]*")
_BOOK_TITLE: Final = re.compile(r"《[^《》]*》")


def check_draft_mark(doc: LintDocument) -> Iterator[Hit]:
    """EPI102 draft-mark: a draft mark left in a document that is otherwise finished.

    Finds 草稿 in the title line (``工作总结（草稿）``, ``【草稿】关于…的总结``) but not inside a
    cited title (``《防控方案（草稿）》``), ``【草稿】`` (or ``[草稿]``) anywhere else, and a
    paragraph that is only a bracketed mark (``（草稿）``), the banner at the top included:
    ``epireport render --draft`` writes that banner, and a document linted as final (the
    default) must not carry it. A document linted as a draft (``lint --draft``) keeps its
    banner; a document that still has placeholders (EPI101) is a draft indeed, and the rule
    is silent on it.
    """
    if next(iter(check_placeholder(doc)), None) is not None:
        return
    filled = [p for p in doc.paragraphs if p.text.strip()]
    top = filled[0] if filled and _DRAFT_ALONE.fullmatch(filled[0].text) else None
    banner = top if doc.draft else None
    title = next((p for p in filled if p is not top), None)
    for paragraph in filled:
        text = paragraph.text
        if paragraph is banner:
            continue
        if paragraph is title:
            cited = _BOOK_TITLE.sub(lambda m: "　" * len(m.group()), text)
            found = _DRAFT_ANY.search(cited)
            if found is None:
                continue
            offset = found.start()
        elif _DRAFT_ALONE.fullmatch(text):
            offset = text.index("草稿")
        elif (match := _DRAFT_BRACKETED.search(text)) is not None:
            offset = match.start()
        else:
            continue
        yield doc.hit(paragraph, offset, "draft mark left in a finished document; remove it")

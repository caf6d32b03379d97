"""Break a long title into lines that keep words whole, in the shapes GB/T 9704 asks for.

GB/T 9704-2012 7.3.3: a title that turns a line keeps its words whole (词意完整), its lines
symmetrical and of fitting lengths, in a trapezoid (梯形) or diamond (菱形), never a rectangle
(lines of one length) or an hourglass (a short middle line).

The segmenter is deliberately small and dictionary-light. jieba 0.42, measured: 42 MB
installed, 0.2 s to import and 1.2 s to load its dictionary at the first cut, 97 MB resident,
for titles of 20 to 40 characters drawn from a narrow vocabulary (and it still cuts 县科教局新冠
as 县/科教/局新冠). Here a few dozen words of work-summary titles, the document's own unit name
and any words the caller adds (:func:`title_lines`) mark where a title must not break, and every
gap between two characters is scored: inside a known word it is forbidden, beside an unknown
character it is costly, after a function word (的 和 与 及) or before the 总结/报告 that ends a
title it is cheap. The best-scoring breaks that fit the line and give an allowed shape win.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Final

from epireport.render._layout import text_width

__all__ = ["DISEASE_NAMES", "TITLE_CHARS", "TITLE_WORDS", "title_lines"]

#: Characters of 二号 (22 pt) that fit the 156 mm type area: 442 pt / 22 pt.
TITLE_CHARS: Final = 20

#: Names of the disease, never broken: 新型冠状病毒感染的肺炎 (the name of the first notices
#: of January 2020, the district's title) is one name, its 的 no place for a break.
DISEASE_NAMES: Final = frozenset(
    {
        "新型冠状病毒感染的肺炎",
        "新型冠状病毒肺炎",
        "新型冠状病毒感染",
        "新型冠状病毒",
        "新冠病毒感染",
        "新冠病毒",
        "新冠肺炎",
    }
)

#: Words of epidemic-prevention work-summary titles, never broken.
TITLE_WORDS: Final = DISEASE_NAMES | frozenset(
    {
        "关于",
        "感染",
        "肺炎",
        "新冠",
        "疫情",
        "防控",
        "疫情防控",
        "防疫",
        "宣传",
        "宣传工作",
        "工作",
        "总结",
        "工作总结",
        "报告",
        "情况",
        "舆情",
        "管控",
        "舆情管控",
        "物业",
        "服务",
        "中心",
        "服务中心",
        "物业服务中心",
        "科教局",
        "教育局",
        "教育系统",
        "宣传部",
        "区委",
        "县委",
        "市委",
        "中共",
        "阶段性",
        "开展",
        "做好",
        "加强",
        "落实",
        "专项",
        "行动",
        "社区",
        "街道",
        "小区",
        "学校",
        "卫生",
        "健康",
        "复工",
        "复产",
        "复学",
        "开学",
        "期间",
        "全区",
        "全县",
        "全市",
    }
)

# A break right after these is natural (…感染的 / 肺炎…), and so is one before a title's end.
_AFTER_OK: Final = frozenset("的和与及")
_BEFORE_OK: Final = ("总结", "报告", "工作总结", "情况")
_FORBIDDEN: Final = 1000.0
# 疫情 after a disease name is that disease's epidemic (肺炎疫情): a break between them parts
# a noun from what it names, worse than one between two words (疫情 / 防控).
_EPIDEMIC: Final = "疫情"
_AFTER_DISEASE: Final = 12.0
_CONTROL: Final = "防控"


def _after_disease(title: str, i: int) -> bool:
    """Whether a disease name ends right before character *i* of *title*."""
    return any(title.endswith(name, 0, i) for name in DISEASE_NAMES)


_UNKNOWN: Final = 40.0
_EXTRA_LINE: Final = 15.0  # a line more is worth it only to avoid a rectangle or a bad break


def _gap_costs(title: str, words: frozenset[str]) -> list[float]:
    """Cost of breaking before character *i* (index 0 unused), from every known word's cover."""
    costs = [0.0] * (len(title) + 1)
    covered = [False] * len(title)
    # Any occurrence of a known word protects its inside, overlapping matches included: a
    # break is allowed only where no word of the title straddles it.
    longest = max((len(w) for w in words), default=1)
    for start in range(len(title)):
        for size in range(2, min(longest, len(title) - start) + 1):
            if title[start : start + size] in words:
                for k in range(start + 1, start + size):
                    costs[k] = _FORBIDDEN
                for k in range(start, start + size):
                    covered[k] = True
    for i in range(1, len(title)):
        if costs[i] >= _FORBIDDEN:
            continue
        before, after = title[i - 1], title[i]
        if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
            costs[i] = _FORBIDDEN  # 2020, COVID-19: never split a number or a Latin word
        elif before in "年月" and after.isdigit():
            costs[i] = 20.0  # 2020年 / 1月: a date reads best on one line
        elif title.startswith(_EPIDEMIC, i) and _after_disease(title, i):
            costs[i] = _AFTER_DISEASE
        elif before in _AFTER_OK or title.startswith(_BEFORE_OK, i):
            costs[i] = 0.0
        elif before in "（(《“" or after in "）)》”，、：；":
            costs[i] = _FORBIDDEN  # punctuation stays with its word
        elif not covered[i - 1] or not covered[i]:
            costs[i] = _UNKNOWN
        else:
            costs[i] = 2.0  # between two known words
    # 新冠肺炎疫情防控 is the control (防控) of a disease's epidemic (肺炎疫情): there the
    # epidemic goes with its disease, and 疫情防控 is no word to keep whole.
    start = title.find(_EPIDEMIC)
    while start != -1:
        end = start + len(_EPIDEMIC)
        if _after_disease(title, start) and title[end:].startswith(_CONTROL):
            costs[end] = 2.0  # between two known words
        start = title.find(_EPIDEMIC, end)
    return costs


def _shape_cost(widths: list[float]) -> float:
    """How far line widths are from a trapezoid or diamond (0 is ideal)."""
    if len(widths) == 1:
        return 0.0
    spread = max(widths) - min(widths)
    cost = 0.0
    if spread < 1:
        cost += 30.0  # a rectangle
    cost += max(0.0, spread - 4) * 2  # lines of fitting lengths, not one long and one stub
    if len(widths) >= 3:
        middle = widths[1:-1]
        if min(middle) < min(widths[0], widths[-1]):
            cost += 60.0  # an hourglass
    if len(widths) == 2 and widths[0] > widths[1]:
        cost += 1.0  # both trapezoids are allowed; the upright one (upper line shorter) first
    return cost


def _fitting(
    title: str, gaps: tuple[int, ...], start: int, lines: int, chars: int
) -> Iterator[tuple[int, ...]]:
    """Every choice of cuts among *gaps* after *start* giving *lines* lines that fit.

    A line narrower than half a line is never tried (no shape GB/T 9704 allows has one), and
    a cut is dropped as soon as the rest cannot fit the lines left: long titles have few
    choices to score.
    """
    rest = text_width(title[start:])
    if lines == 1:
        if rest <= chars:
            yield ()
        return
    for cut in gaps:
        if cut <= start:
            continue
        width = text_width(title[start:cut])
        if width > chars:
            break
        if width < chars / 2 or rest - width > (lines - 1) * chars:
            continue
        for tail in _fitting(title, gaps, cut, lines - 1, chars):
            yield (cut, *tail)


def _best_cuts(
    title: str,
    costs: list[float],
    gaps: Iterable[int],
    line_counts: Iterable[int],
    chars: int,
) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest cuts among *gaps* into any of *line_counts* lines that fit, with its cost."""
    best: tuple[float, tuple[int, ...]] | None = None
    gaps = tuple(gaps)
    for lines in line_counts:
        for cuts in _fitting(title, gaps, 0, lines, chars):
            bounds = (0, *cuts, len(title))
            widths = [text_width(title[a:b]) for a, b in itertools.pairwise(bounds)]
            score = sum(costs[c] for c in cuts) + _shape_cost(widths) + _EXTRA_LINE * lines
            if best is None or score < best[0]:
                best = (score, cuts)
    return best


def title_lines(
    title: str, *, chars: int = TITLE_CHARS, words: Iterable[str] = ()
) -> tuple[str, ...]:
    """Break *title* into lines of at most *chars* characters, keeping words whole.

    *words* adds names never to break (the unit, the institution, terms of the trade) to
    :data:`TITLE_WORDS`. A title that fits stays one line; a longer one takes as few lines as
    allow a break between words, in a trapezoid (two lines of unequal length, the shorter
    above) or a diamond (the middle line longest). When no break keeps every word whole the
    cheapest one is taken, so the title still fits the page.
    """
    if text_width(title) <= chars:
        return (title,)
    known = TITLE_WORDS | frozenset(w for w in words if len(w) > 1)
    costs = _gap_costs(title, known)
    fewest = int(-(-text_width(title) // chars))
    line_counts = range(max(2, fewest), fewest + 2)
    # Only gaps between words are tried first (a few dozen combinations, not tens of
    # thousands); every gap only when no break between words gives lines that fit.
    allowed = [i for i in range(1, len(title)) if costs[i] < _FORBIDDEN]
    best = _best_cuts(title, costs, allowed, line_counts, chars)
    if best is None:
        best = _best_cuts(title, costs, range(1, len(title)), line_counts, chars)
    if best is None:  # pragma: no cover - cutting anywhere, full lines always fit
        return tuple(title[i : i + chars] for i in range(0, len(title), chars))
    bounds = (0, *best[1], len(title))
    return tuple(title[a:b] for a, b in itertools.pairwise(bounds))

"""The built-in lint rules, registered as an ordinary plugin of the lint-rules hook.

Rule ids are ``EPI`` and three digits, grouped by hundreds: 1xx placeholders, 2xx numbers and
dates, 3xx repetition, 4xx punctuation and spacing, 5xx numbering and counts, 6xx terminology,
7xx figures against ``--data``. Each check's docstring (in :mod:`epireport.lint._checks` and
:mod:`epireport.lint._data`) documents its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from epireport._plugins import hookimpl
from epireport.lint import _checks, _data
from epireport.lint._document import Hit, LintDocument
from epireport.lint._rules import LintRule

__all__ = ["BUILTIN_LINT_RULES", "epireport_register_lint_rules"]

# The same marker as ``epireport.hookimpl`` (pluggy matches markers by project name).


def _rule(
    rule_id: str,
    name: str,
    severity: str,
    check: Callable[[LintDocument], Iterable[Hit]],
    description: str,
) -> LintRule:
    return LintRule(rule_id, severity, description, check, name=name)


#: Every built-in rule, in id order.
BUILTIN_LINT_RULES: tuple[LintRule, ...] = (
    _rule(
        "EPI101",
        "placeholder",
        "error",
        _checks.check_placeholder,
        "placeholder left in the text: xx, x, ××, 某某, 1月某日, None, nan, {{",
    ),
    _rule(
        "EPI201",
        "doubled-unit",
        "error",
        _checks.check_doubled_unit,
        "a figure with two units: 万余万, 3万万, 3千万",
    ),
    _rule(
        "EPI202",
        "hedge-on-exact",
        "warning",
        _checks.check_hedge_on_exact,
        "余/多 after an exact figure (123余) or a round figure without its unit (30000余)",
    ),
    _rule(
        "EPI203",
        "times-decrease",
        "error",
        _checks.check_times_decrease,
        "a decrease written as a multiple: 下降3倍",
    ),
    _rule(
        "EPI204",
        "date-style",
        "warning",
        _checks.check_date_style,
        "zero-padded or two-digit-year dates: 2020年03月, 20年3月",
    ),
    _rule(
        "EPI301",
        "stutter",
        "warning",
        _checks.check_stutter,
        "a word written twice in a row: 报道报道, 的的",
    ),
    _rule(
        "EPI302",
        "repeated-paragraph",
        "warning",
        _checks.check_repeated_paragraph,
        "a paragraph repeated (enumeration marks ignored)",
    ),
    _rule(
        "EPI303",
        "repeated-sentence",
        "warning",
        _checks.check_repeated_sentence,
        "a sentence of fifteen characters or more repeated",
    ),
    _rule(
        "EPI401",
        "halfwidth-punctuation",
        "warning",
        _checks.check_halfwidth_punctuation,
        "half-width ; ( ) , : ? ! next to Chinese",
    ),
    _rule(
        "EPI402",
        "cjk-digit-space",
        "warning",
        _checks.check_cjk_digit_space,
        "a space between Chinese and a figure",
    ),
    _rule(
        "EPI501",
        "numbering-gap",
        "error",
        _checks.check_numbering_gap,
        "an enumeration skips a number: 一、二、四、 or 一是…三是",
    ),
    _rule(
        "EPI502",
        "numbering-style",
        "warning",
        _checks.check_numbering_style,
        "one numbering level written in two styles: 1. and 1、",
    ),
    _rule(
        "EPI503",
        "headline-count",
        "error",
        _checks.check_headline_count,
        "a headline count (“四个三”, 三项制度) that the items after it do not match",
    ),
    _rule(
        "EPI601",
        "outdated-term",
        "warning",
        _checks.check_outdated_term,
        "a term replaced before the document's date: 新冠肺炎 → 新型冠状病毒感染 (2023-01-08)",
    ),
    _rule(
        "EPI701",
        "figure-value",
        "error",
        _data.check_figure_value,
        "with --data: a figure whose wording does not allow the value it claims to state",
    ),
    _rule(
        "EPI702",
        "figure-missing",
        "error",
        _data.check_figure_missing,
        "with --data: a figure (or phrase) from the data that the text does not contain",
    ),
)


@hookimpl
def epireport_register_lint_rules() -> Iterable[LintRule]:
    """Register the built-in lint rules (see :data:`BUILTIN_LINT_RULES`)."""
    return BUILTIN_LINT_RULES

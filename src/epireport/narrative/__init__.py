"""Narrative Chinese: the toolkit and the template environment.

- numbers (GB/T 15835: 3.2万余, 近3.3万, 增长12.5%, 提高10个百分点) and their parser;
- Chinese numerals (一、 （一） 一是; the one writer and parser, 两 and 〇 included) and dates
  (2020年3月5日, 1月23日至2月29日, 截至2月29日);
- the disease's official name on a given day (:func:`disease_name`);
- the Jinja2 environment whose templates write the markup :func:`parse_markup` turns into a
  document tree, and :func:`compose`, which does both for a report; template helpers read
  whether the report is a draft, and its placeholder, with :func:`render_mode`.
"""

from typing import TYPE_CHECKING

from epireport._lazy import lazy_exports

if TYPE_CHECKING:
    from epireport.narrative._compose import (
        compose,
        render_markup,
    )
    from epireport.narrative._dates import (
        format_as_of,
        format_date,
        format_date_range,
        format_month,
        parse_chinese_date,
        parse_date_range,
        weekday,
    )
    from epireport.narrative._environment import (
        build_environment,
        check_template_references,
        environment_for,
    )
    from epireport.narrative._figures import (
        RenderMode,
        render_mode,
    )
    from epireport.narrative._markup import (
        parse_markup,
    )
    from epireport.narrative._numbers import (
        WAN,
        YI,
        NumberInterval,
        format_change,
        format_multiple,
        format_number,
        format_percent,
        parse_number,
        significant_step,
    )
    from epireport.narrative._numerals import (
        chinese_count,
        chinese_numeral,
        parse_chinese_numeral,
        run_in_marker,
        section_number,
    )
    from epireport.narrative._reference import template_reference
    from epireport.narrative._static_facts import (
        StaticFacts,
    )
    from epireport.narrative._templates import (
        TemplateSource,
    )
    from epireport.narrative._terms import (
        DISEASE_NAMES,
        DiseaseName,
        disease_name,
    )

__all__ = [
    "DISEASE_NAMES",
    "WAN",
    "YI",
    "DiseaseName",
    "NumberInterval",
    "RenderMode",
    "StaticFacts",
    "TemplateSource",
    "build_environment",
    "check_template_references",
    "chinese_count",
    "chinese_numeral",
    "compose",
    "disease_name",
    "environment_for",
    "format_as_of",
    "format_change",
    "format_date",
    "format_date_range",
    "format_month",
    "format_multiple",
    "format_number",
    "format_percent",
    "parse_chinese_date",
    "parse_chinese_numeral",
    "parse_date_range",
    "parse_markup",
    "parse_number",
    "render_markup",
    "render_mode",
    "run_in_marker",
    "section_number",
    "significant_step",
    "template_reference",
    "weekday",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DISEASE_NAMES": "epireport.narrative._terms",
        "DiseaseName": "epireport.narrative._terms",
        "NumberInterval": "epireport.narrative._numbers",
        "RenderMode": "epireport.narrative._figures",
        "StaticFacts": "epireport.narrative._static_facts",
        "TemplateSource": "epireport.narrative._templates",
        "WAN": "epireport.narrative._numbers",
        "YI": "epireport.narrative._numbers",
        "build_environment": "epireport.narrative._environment",
        "check_template_references": "epireport.narrative._environment",
        "chinese_count": "epireport.narrative._numerals",
        "chinese_numeral": "epireport.narrative._numerals",
        "compose": "epireport.narrative._compose",
        "disease_name": "epireport.narrative._terms",
        "environment_for": "epireport.narrative._environment",
        "format_as_of": "epireport.narrative._dates",
        "format_change": "epireport.narrative._numbers",
        "format_date": "epireport.narrative._dates",
        "format_date_range": "epireport.narrative._dates",
        "format_month": "epireport.narrative._dates",
        "format_multiple": "epireport.narrative._numbers",
        "format_number": "epireport.narrative._numbers",
        "format_percent": "epireport.narrative._numbers",
        "parse_chinese_date": "epireport.narrative._dates",
        "parse_chinese_numeral": "epireport.narrative._numerals",
        "parse_date_range": "epireport.narrative._dates",
        "parse_markup": "epireport.narrative._markup",
        "parse_number": "epireport.narrative._numbers",
        "render_markup": "epireport.narrative._compose",
        "render_mode": "epireport.narrative._figures",
        "run_in_marker": "epireport.narrative._numerals",
        "section_number": "epireport.narrative._numerals",
        "significant_step": "epireport.narrative._numbers",
        "template_reference": "epireport.narrative._reference",
        "weekday": "epireport.narrative._dates",
    },
)

"""Hooks of the district-publicity plugin: the 区委宣传部 institution and everything it needs.

The institution writes the seed's 疫情防控宣传工作总结: its figures (see
:mod:`epireport_district_publicity._catalogue`), the narrative inputs below, the template
``district-publicity/report.md.j2`` and an example district (``example.yaml``, written by
``scripts/make_example.py``).
"""

from __future__ import annotations

import importlib.resources
from typing import TYPE_CHECKING

from epireport.plugin import Institution, NarrativeInput, NarrativeKind, TemplateSource, hookimpl
from epireport_district_publicity._catalogue import (
    INDICATOR_SETS,
    LEADERSHIP,
    MEASURES,
    NEWS,
    ONLINE,
    PUBLICITY,
    RULES,
)

if TYPE_CHECKING:
    from epireport.plugin import IndicatorSet, ValidationRule

__all__ = ["INSTITUTION", "NARRATIVE_INPUTS", "PUBLICITY", "TEMPLATES"]

_TEXT = NarrativeKind.TEXT
_LIST = NarrativeKind.LIST
_FLAG = NarrativeKind.FLAG

#: The free inputs the template reads besides the figures; all optional (see the template for
#: what a draft writes and what a final report does when one is absent).
NARRATIVE_INPUTS = (
    NarrativeInput(
        "leading_group",
        "宣传工作组组长",
        _TEXT,
        description="who leads the publicity working group (default 区委常委、宣传部部长)",
    ),
    NarrativeInput(
        "convener",
        "召开专题会议的领导",
        _TEXT,
        description="who convened the special meetings, e.g. 李明常委 (absent: 组长)",
    ),
    NarrativeInput(
        "plans",
        "制定的方案预案",
        _LIST,
        description="titles of the plans and contingency plans issued, without 《》",
    ),
    NarrativeInput(
        "city_media",
        "对接的市级主流媒体",
        _LIST,
        description="city media the department worked with, e.g. 江城日报, 江城网",
    ),
    NarrativeInput(
        "press_conference",
        "召开新闻发布会",
        _FLAG,
        description="whether the district held a press conference (absent: not said)",
    ),
    NarrativeInput(
        "first_case",
        "发布首例确诊信息",
        _FLAG,
        description="whether the department released the district's first confirmed case",
    ),
    NarrativeInput(
        "self_media",
        "统筹的社会自媒体",
        _LIST,
        description="self-media coordinated for the online campaign, e.g. 爱城关APP",
    ),
    NarrativeInput("h5_title", "H5标题", _TEXT, description="title of the campaign's H5 page"),
    NarrativeInput(
        "proposal_title", "倡议书标题", _TEXT, description="title of the open letter (倡议书)"
    ),
    NarrativeInput(
        "platforms",
        "宣传平台",
        _LIST,
        description="platforms the campaign ran on (default 微信群, QQ群, 微信朋友圈, 微博)",
    ),
    NarrativeInput(
        "major_incident",
        "发生热点舆情事件",
        _FLAG,
        description="whether a major online-opinion incident occurred (absent: not said)",
    ),
    NarrativeInput(
        "next_steps",
        "下一步工作打算",
        _LIST,
        description="the sentences of 下一步工作打算 (default: the seed's three)",
    ),
    NarrativeInput(
        "signature",
        "落款",
        _TEXT,
        description="the signing body (default 中共<区>委宣传部)",
    ),
)

#: 区委宣传部: the district's epidemic-prevention publicity, street by street.
INSTITUTION = Institution(
    code="district-publicity",
    title="区委宣传部",
    indicator_sets=INDICATOR_SETS,
    measures=MEASURES,
    narrative_inputs=NARRATIVE_INPUTS,
    example=importlib.resources.files(__package__) / "example.yaml",
    level_names=("区", "街道", "社区"),
    description="Epidemic-prevention publicity and public-opinion work of a district.",
)

#: The plugin's templates, at the reference priority 0 (agencies override with a higher one).
TEMPLATES = TemplateSource("district-publicity", package=__package__, package_path="templates")


@hookimpl
def epireport_register_institutions() -> list[Institution]:
    """Register the 区委宣传部 institution."""
    return [INSTITUTION]


@hookimpl
def epireport_register_indicator_sets() -> list[IndicatorSet]:
    """Register the four indicator sets on their own, for other institutions to reuse."""
    return [LEADERSHIP, PUBLICITY, NEWS, ONLINE]


@hookimpl
def epireport_register_templates() -> list[TemplateSource]:
    """Register the package's ``templates`` directory (``district-publicity/report.md.j2``)."""
    return [TEMPLATES]


@hookimpl
def epireport_register_validation_rules(institution: Institution) -> list[ValidationRule]:
    """Register the opinion-work consistency rules for the 区委宣传部 only."""
    if institution.code != INSTITUTION.code:
        return []
    return list(RULES)

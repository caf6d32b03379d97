"""Hooks of the property-company plugin: the 物业服务中心 institution, its template and rules.

The seed summary (third document of ``seeds/000``) reports a residential compound's work in
three parts: 员工安全 (staff screening, masks 每人每天发放2只, tablets and vitamin C), 业主安全防护
和消杀消毒 (entrance control, garbage collected twice a day, disinfection three times a day,
mask bins, elevator tissue boxes, tablets for 350多户) and 加强宣传引导 (notices and flow charts
posted, the loudspeaker, the owners' WeChat groups), then closes with the next steps.
"""

from importlib.resources import files

import jinja2

from epireport.plugin import (
    IndicatorSet,
    Institution,
    NarrativeInput,
    NarrativeKind,
    TemplateSource,
    ValidationRule,
    hookimpl,
)
from epireport_property_company import _environment
from epireport_property_company._catalogue import (
    HOUSEHOLD_TABLETS,
    MEASURES,
    PREVENTION,
    STAFF_MASKS_PER_DAY,
)

__all__ = ["INSTITUTION", "PREVENTION", "RULES"]

#: 物业服务中心: a centre running one or more compounds, whose teams report every day.
INSTITUTION = Institution(
    code="property-company",
    title="物业服务中心",
    indicator_sets=(PREVENTION,),
    measures=MEASURES,
    narrative_inputs=(
        NarrativeInput(
            code="owner_needs",
            title="业主需求及解决办法",
            kind=NarrativeKind.LIST,
            description=(
                "owners' needs the centre is meeting, one clause each, e.g. 根据业主电话反映"
                "因没有口罩不敢出门买菜，协调市城管局调拨一部分口罩，正在发放中"
            ),
        ),
    ),
    example=files("epireport_property_company") / "example.yaml",
    level_names=("服务中心", "小区", "班组"),
    description="Epidemic prevention in residential compounds run by a property service centre.",
)

#: The checks the measures imply: tablets per household within the range handed out, and no
#: more masks than the daily ration of the staff on duty.
RULES = (
    ValidationRule(
        code="household-tablets-at-least",
        left="household_tablets",
        operator=">=",
        right=f"households_served * {HOUSEHOLD_TABLETS[0]}",
        description=f"每户至少{HOUSEHOLD_TABLETS[0]}片",
        institution=INSTITUTION.code,
    ),
    ValidationRule(
        code="household-tablets-at-most",
        left="household_tablets",
        operator="<=",
        right=f"households_served * {HOUSEHOLD_TABLETS[1]}",
        description=f"每户至多{HOUSEHOLD_TABLETS[1]}片",
        institution=INSTITUTION.code,
    ),
    ValidationRule(
        code="staff-mask-ration",
        left="staff_masks",
        operator="<=",
        right=f"staff_on_duty * {STAFF_MASKS_PER_DAY}",
        description=f"每人每天发放{STAFF_MASKS_PER_DAY}只",
        institution=INSTITUTION.code,
    ),
)


@hookimpl
def epireport_register_institutions() -> list[Institution]:
    """Register the 物业服务中心 institution."""
    return [INSTITUTION]


@hookimpl
def epireport_register_indicator_sets() -> list[IndicatorSet]:
    """Register the 物业疫情防控 indicator set on its own, for other institutions to reuse."""
    return [PREVENTION]


@hookimpl
def epireport_register_templates() -> list[TemplateSource]:
    """Register the packaged templates (``property-company/report.md.j2``)."""
    return [TemplateSource("property-company", package="epireport_property_company")]


@hookimpl
def epireport_register_validation_rules(institution: Institution) -> list[ValidationRule]:
    """Register the measure checks for the 物业服务中心 institution only."""
    return list(RULES) if institution.code == INSTITUTION.code else []


@hookimpl
def epireport_prepare_environment(env: jinja2.Environment, institution: Institution | None) -> None:
    """Add ``since``, ``per_person``, ``in_force`` and ``catalogue``.

    Only environments for this institution (or for none, when templates are checked) get
    them, so other institutions' templates keep their own names.
    """
    if institution is None or institution.code == INSTITUTION.code:
        _environment.install(env)

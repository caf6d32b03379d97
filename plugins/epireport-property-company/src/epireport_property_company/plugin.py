"""Hooks of the property-company plugin: the 物业服务中心 institution and its protective supplies.

The seed summary counts masks handed to staff (每人每天发放2只), disinfectant tablets (泡腾片
20片 per employee, 5-15片 per household), the households served (共发放某某多户) and the
notices and flow charts posted (共计某某份).
"""

from epireport import hookimpl
from epireport.model._indicators import Indicator, IndicatorSet, NumberStyle
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind

__all__ = ["INSTITUTION", "SUPPLIES"]

#: 防护物资与宣传: what the centre handed out and posted.
SUPPLIES = IndicatorSet(
    name="property-supplies",
    title="防护物资与宣传",
    indicators=(
        Indicator(code="masks", name="口罩", classifier="只"),
        Indicator(code="disinfectant_tablets", name="消毒泡腾片", classifier="片"),
        Indicator(
            code="households_served",
            name="发放住户",
            classifier="户",
            number_style=NumberStyle.HEDGED,
        ),
        Indicator(code="notices_posted", name="温馨提示和通知", classifier="份"),
        Indicator(code="flow_charts_posted", name="防控流程图", classifier="份"),
    ),
)

#: 物业服务中心: reports one residential compound.
INSTITUTION = Institution(
    name="property-company",
    title="物业服务中心",
    indicator_sets=(SUPPLIES,),
    narrative_inputs=(
        NarrativeInput(
            name="next_steps",
            title="下一步工作",
            kind=NarrativeKind.LIST,
            description="what the centre will do next, e.g. 清运业主门口的生活垃圾",
        ),
    ),
    level_names=("小区", "单元"),
    description="Epidemic prevention in a residential compound run by a property company.",
)


@hookimpl
def epireport_register_institutions() -> list[Institution]:
    """Register the 物业服务中心 institution."""
    return [INSTITUTION]


@hookimpl
def epireport_register_indicator_sets() -> list[IndicatorSet]:
    """Register the 防护物资与宣传 indicator set on its own, for other institutions to reuse."""
    return [SUPPLIES]

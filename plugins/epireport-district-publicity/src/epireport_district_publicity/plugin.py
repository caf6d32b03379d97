"""Hooks of the district-publicity plugin: the 区委宣传部 institution and its publicity figures.

The indicators are those of the seed summary's 社会宣传 paragraph: 户外广告牌xx块, 电子显示屏xx块,
标语横幅xx条, 宣传单xx万余张, 入户宣传走访xx万余次, 宣传车xx台次, 村村通广播xx小时.
"""

from epireport import hookimpl
from epireport.model._indicators import (
    Indicator,
    IndicatorSection,
    IndicatorSet,
    NumberStyle,
)
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind

__all__ = ["INSTITUTION", "PUBLICITY"]

#: 社会宣传: what the department put up, handed out and broadcast.
PUBLICITY = IndicatorSet(
    name="publicity",
    title="社会宣传",
    indicators=(
        Indicator(code="billboards", name="户外广告牌", classifier="块"),
        Indicator(code="screens", name="电子显示屏", classifier="块"),
        Indicator(code="banners", name="标语横幅", classifier="条"),
        Indicator(code="leaflets", name="宣传单", classifier="张", number_style=NumberStyle.HEDGED),
        Indicator(
            code="home_visits",
            name="入户宣传走访",
            classifier="次",
            number_style=NumberStyle.HEDGED,
        ),
        Indicator(code="vehicle_trips", name="宣传车", classifier="台次"),
        Indicator(code="broadcast_hours", name="村村通广播", classifier="小时"),
    ),
    sections=(
        IndicatorSection(
            name="outdoor",
            title="户外宣传",
            indicators=("billboards", "screens", "banners"),
        ),
        IndicatorSection(
            name="outreach",
            title="入户宣传",
            indicators=("leaflets", "home_visits", "vehicle_trips", "broadcast_hours"),
        ),
    ),
)

#: 区委宣传部: reports the district's publicity work, street by street.
INSTITUTION = Institution(
    name="district-publicity",
    title="区委宣传部",
    indicator_sets=(PUBLICITY,),
    narrative_inputs=(
        NarrativeInput(
            name="plans",
            title="印发方案",
            kind=NarrativeKind.LIST,
            description="titles of the plans and contingency plans issued, without 《》",
        ),
        NarrativeInput(
            name="leading_group",
            title="宣传工作组",
            description="who leads the publicity working group, e.g. 区委常委、宣传部部长",
        ),
    ),
    level_names=("区", "街道", "社区"),
    description="Epidemic-prevention publicity and public-opinion work of a district.",
)


@hookimpl
def epireport_register_institutions() -> list[Institution]:
    """Register the 区委宣传部 institution."""
    return [INSTITUTION]


@hookimpl
def epireport_register_indicator_sets() -> list[IndicatorSet]:
    """Register the 社会宣传 indicator set on its own, for other institutions to reuse."""
    return [PUBLICITY]

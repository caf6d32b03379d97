"""What a 物业服务中心 counts and does: its indicators and its catalogue of measures.

The indicators follow the three parts of the seed summary (员工安全, 业主安全防护和消杀消毒,
加强宣传引导). The figures the prose states are the households served and the tablets handed
to them (共发放350多户，3400多片), the elevators fitted with tissue boxes (在小区12部电梯) and
the notices and flow charts posted (共计xx份); the others (staff on duty, masks handed to staff,
disinfection rounds, garbage runs) are reported daily so that the validation rules can check
the measures were kept.

Quantities that are policy rather than data (每人每天发放2只, 每户5～15片) live here as
constants, and both the measures and the validation rules are derived from them, so the prose
and the checks cannot disagree. The mask ration is the ``staff_masks`` measure's frequency
(2/day: a fresh mask twice a day); the one-off quantities are the Chinese ``description`` of
the ``staff_tablets``, ``vitamin_c`` and ``household_tablets`` measures, which the template
writes as they are (the model's :class:`Measure` has no quantity field). Other measures
describe themselves in English: their wording is the template's.
"""

from typing import Final

from epireport.plugin import (
    Indicator,
    IndicatorKind,
    IndicatorSection,
    IndicatorSet,
    Measure,
    NumberStyle,
)

__all__ = [
    "HOUSEHOLD_TABLETS",
    "MEASURES",
    "PREVENTION",
    "STAFF_MASKS_PER_DAY",
    "STAFF_TABLETS",
    "VITAMIN_C_PILLS",
]

#: 每人每天发放2只: the masks one employee receives per working day.
STAFF_MASKS_PER_DAY: Final = 2
#: 每位员工发放消毒泡腾片20片: the tablets each employee takes home once.
STAFF_TABLETS: Final = 20
#: 维生素C丸一瓶（100粒）: the pills in the one bottle each employee receives.
VITAMIN_C_PILLS: Final = 100
#: 每户根据需求5～15片不等: the fewest and most tablets one household receives.
HOUSEHOLD_TABLETS: Final = (5, 15)

#: 物业疫情防控: everything the centre's teams report each day.
PREVENTION = IndicatorSet(
    code="property-prevention",
    title="物业疫情防控",
    indicators=(
        Indicator(
            code="staff_on_duty",
            name="在岗员工",
            classifier="人次",
            description="employees at work that day (a person-day count when summed)",
        ),
        Indicator(
            code="staff_masks",
            name="员工口罩",
            classifier="只",
            description="masks handed to employees that day",
        ),
        Indicator(
            code="disinfection_rounds",
            name="消杀消毒",
            classifier="次",
            description="rounds of disinfection of the listed places, as in the records",
        ),
        Indicator(
            code="garbage_runs",
            name="生活垃圾清运",
            classifier="次",
            description="times the household garbage was collected",
        ),
        Indicator(
            code="elevators_with_tissues",
            name="放置按键纸抽的电梯",
            classifier="部",
            kind=IndicatorKind.STOCK,
            description="elevators with a disposable tissue box for the buttons, at day's end",
        ),
        Indicator(
            code="households_served",
            name="发放泡腾片住户",
            classifier="户",
            number_style=NumberStyle.HEDGED,
            hedge="多",  # 600多户, as the seed writes it
            significant_figures=2,
            description="households that received disinfectant tablets that day",
        ),
        Indicator(
            code="household_tablets",
            name="发放业主泡腾片",
            classifier="片",
            number_style=NumberStyle.HEDGED,
            hedge="多",  # 5900多片
            significant_figures=2,
            description="disinfectant tablets handed to households that day",
        ),
        Indicator(
            code="notices_posted",
            name="温馨提示和相关通知",
            classifier="份",
            description="notices posted in the buildings' entrances and on notice boards",
        ),
        Indicator(
            code="flow_charts_posted",
            name="疫情防控流程图",
            classifier="份",
            description="prevention flow charts posted door to door",
        ),
    ),
    sections=(
        IndicatorSection(
            code="staff",
            title="员工安全",
            indicators=("staff_on_duty", "staff_masks"),
        ),
        IndicatorSection(
            code="owners",
            title="业主安全防护和消杀消毒",
            indicators=(
                "disinfection_rounds",
                "garbage_runs",
                "elevators_with_tissues",
                "households_served",
                "household_tablets",
            ),
        ),
        IndicatorSection(
            code="publicity",
            title="加强宣传引导",
            indicators=("notices_posted", "flow_charts_posted"),
        ),
    ),
)

#: The measures the template writes about, by code. A report input overrides any of them with
#: its own (usually to give start dates); frequencies here are the seed's.
MEASURES: Final = (
    Measure(
        code="staff_screening",
        title="员工日排查",
        category="员工安全",
        description="asking employees daily about visitors at home, and taking temperatures",
        frequency="1/day",
    ),
    Measure(
        code="staff_masks",
        title="每日更换员工佩戴口罩",
        category="员工安全",
        description=f"每人每天发放{STAFF_MASKS_PER_DAY}只",
        frequency=f"{STAFF_MASKS_PER_DAY}/day",
        indicators=("staff_masks", "staff_on_duty"),
    ),
    Measure(
        code="staff_tablets",
        title="为员工发放消毒泡腾片",
        category="员工安全",
        description=f"每位员工发放消毒泡腾片{STAFF_TABLETS}片",
    ),
    Measure(
        code="vitamin_c",
        title="为员工发放维生素C丸",
        category="员工安全",
        description=f"每位员工发放维生素C丸一瓶（{VITAMIN_C_PILLS}粒）",
    ),
    Measure(
        code="entrance_control",
        title="规范小区出入口管理",
        category="业主安全防护和消杀消毒",
        description="people and vehicles registered at the gate; outside vehicles kept out",
        places=("小区出入口",),
    ),
    Measure(
        code="garbage",
        title="生活垃圾清运",
        category="业主安全防护和消杀消毒",
        frequency="2/day",
        replaces="1/day",
        indicators=("garbage_runs",),
    ),
    Measure(
        code="disinfection",
        title="消杀消毒",
        category="业主安全防护和消杀消毒",
        description="each round is recorded in the disinfection log (消毒记录)",
        frequency="3/day",
        places=(
            "小区楼内地面",
            "电梯轿厢",
            "垃圾箱",
            "地库广场",
            "消防通道",
            "主通道",
            "废弃口罩回收箱",
            "办公区域",
        ),
        indicators=("disinfection_rounds",),
    ),
    Measure(
        code="mask_bins",
        title="设立废弃口罩回收箱",
        category="业主安全防护和消杀消毒",
        description="bins at the gate, disinfected and emptied for burning daily",
        places=("小区门岗",),
    ),
    Measure(
        code="elevator_tissues",
        title="放置一次性电梯按键纸抽",
        category="业主安全防护和消杀消毒",
        description="tissue boxes by the buttons, refilled daily by the cleaners",
        indicators=("elevators_with_tissues",),
    ),
    Measure(
        code="household_tablets",
        title="为业主发放免费消毒泡腾片",
        category="业主安全防护和消杀消毒",
        description=f"每户根据需求{HOUSEHOLD_TABLETS[0]}～{HOUSEHOLD_TABLETS[1]}片不等",
        indicators=("households_served", "household_tablets"),
    ),
    Measure(
        code="notices",
        title="粘贴温馨提示、通知和流程图",
        category="加强宣传引导",
        places=("各单元内", "宣传栏"),
        indicators=("notices_posted", "flow_charts_posted"),
    ),
    Measure(
        code="loudspeaker",
        title="门岗扩音器宣传",
        category="加强宣传引导",
        places=("门岗",),
    ),
    Measure(
        code="wechat",
        title="业主微信群宣传",
        category="加强宣传引导",
        places=("业主微信群", "朋友圈", "宣传栏"),
    ),
)

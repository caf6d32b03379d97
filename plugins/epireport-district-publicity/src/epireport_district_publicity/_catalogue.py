"""What a 区委宣传部 counts and does: its indicator sets, measures and validation rules.

The indicators follow the seed summary paragraph by paragraph:

- 组织领导 (一、高度重视，加强领导): the meetings the publicity working group held
  (小组内召开了x次会议), reported by the district itself;
- 社会宣传 (一是): billboards, screens, banners, leaflets, home visits, group messages, publicity
  vehicles, loudspeakers, village broadcast hours and printed guides, reported daily by the
  streets and towns;
- 新闻宣传 (二是): items the district media published and forwarded, and reports by city media,
  reported by the district media centre;
- 网络舆情 (三是): opinion items monitored, people admonished, reports verified, people
  educated, harmful posts deleted, sensitive microblog posts handled, price-gouging leads,
  rumour rebuttals and the netizens taking part in the online campaign, reported by the
  cyberspace office and the media centre.

Screens and loudspeakers are devices in use, so they are stocks: the district figure adds up
each unit's latest count instead of summing the same screen day after day. Everything else is
a flow. The seed writes leaflets, home visits, messages and netizen participation as 万余 figures
(3.2万余张), and news items and city media reports as 余 figures, hence the hedged number style.
"""

from typing import Final

from epireport.plugin import (
    Indicator,
    IndicatorKind,
    IndicatorSection,
    IndicatorSet,
    Measure,
    NumberStyle,
    ValidationRule,
)

__all__ = [
    "INDICATOR_SETS",
    "LEADERSHIP",
    "MEASURES",
    "NEWS",
    "ONLINE",
    "PUBLICITY",
    "RULES",
    "SOCIAL_CODES",
]

_HEDGED: Final = NumberStyle.HEDGED

#: 组织领导: what the publicity working group itself did.
LEADERSHIP = IndicatorSet(
    code="publicity-leadership",
    title="组织领导",
    indicators=(
        Indicator(
            code="group_meetings",
            name="宣传工作组会议",
            classifier="次",
            description="meetings of the publicity working group (小组内召开了x次会议)",
        ),
    ),
)

#: 社会宣传: what the streets and towns put up, handed out and broadcast.
PUBLICITY = IndicatorSet(
    code="publicity",
    title="社会宣传",
    indicators=(
        Indicator(code="billboards", name="户外广告牌", classifier="块"),
        Indicator(
            code="screens",
            name="电子显示屏",
            classifier="块",
            kind=IndicatorKind.STOCK,
            description="electronic screens carrying publicity (a device count: latest value)",
        ),
        Indicator(code="banners", name="标语横幅", classifier="条"),
        Indicator(code="leaflets", name="宣传单", classifier="张", number_style=_HEDGED),
        Indicator(code="home_visits", name="入户宣传走访", classifier="次", number_style=_HEDGED),
        Indicator(
            code="messages",
            name="微信群、QQ群信息",
            classifier="条",
            number_style=_HEDGED,
            description="messages posted in WeChat and QQ groups",
        ),
        Indicator(code="vehicle_trips", name="宣传车", classifier="台次"),
        Indicator(
            code="loudspeakers",
            name="小喇叭、流动音响",
            classifier="个",
            kind=IndicatorKind.STOCK,
            description="loudspeakers and mobile sound systems in use (a device count)",
        ),
        Indicator(code="broadcast_hours", name="村村通广播", classifier="小时"),
        Indicator(
            code="guides_printed",
            name="防控行动指南",
            classifier="份",
            description="copies of 《新型冠状病毒社区（村）防控行动指南》 printed",
        ),
    ),
    sections=(
        IndicatorSection(
            code="outdoor",
            title="户外宣传",
            indicators=("billboards", "screens", "banners"),
        ),
        IndicatorSection(
            code="outreach",
            title="入户宣传",
            indicators=("leaflets", "home_visits", "messages", "vehicle_trips"),
        ),
        IndicatorSection(
            code="broadcast",
            title="广播宣传",
            indicators=("loudspeakers", "broadcast_hours", "guides_printed"),
        ),
    ),
)

#: 新闻宣传: what the district media and the city media published.
NEWS = IndicatorSet(
    code="publicity-news",
    title="新闻宣传",
    indicators=(
        Indicator(
            code="news_items",
            name="区属媒体刊发转发信息",
            classifier="条次",
            number_style=_HEDGED,
            description="items published and forwarded on TV, web, mobile paper and new media",
        ),
        Indicator(
            code="city_media_reports",
            name="市级主流媒体报道",
            classifier="条",
            number_style=_HEDGED,
            description="reports on the district's epidemic-prevention work by city media",
        ),
    ),
)

#: 网络舆情: online opinion monitoring, handling and the online campaign.
ONLINE = IndicatorSet(
    code="publicity-online",
    title="网络舆情",
    indicators=(
        Indicator(
            code="netizen_participation",
            name="参与接力的网民",
            classifier="人次",
            number_style=_HEDGED,
        ),
        Indicator(code="opinion_items", name="涉疫网络舆情", classifier="条"),
        Indicator(code="admonished", name="训诫", classifier="人"),
        Indicator(code="reports_verified", name="网络举报落地核查", classifier="人"),
        Indicator(code="educated", name="批评教育", classifier="人"),
        Indicator(code="harmful_deleted", name="删除有害信息", classifier="条"),
        Indicator(code="weibo_handled", name="处置敏感微博言论", classifier="条"),
        Indicator(code="price_leads", name="不法商家恶意涨价线索", classifier="条"),
        Indicator(code="rumour_rebuttals", name="辟谣信息", classifier="条"),
    ),
    sections=(
        IndicatorSection(code="campaign", title="正面宣传", indicators=("netizen_participation",)),
        IndicatorSection(
            code="control",
            title="舆情管控",
            indicators=(
                "opinion_items",
                "admonished",
                "reports_verified",
                "educated",
                "harmful_deleted",
                "weibo_handled",
            ),
        ),
        IndicatorSection(
            code="leads", title="线索与辟谣", indicators=("price_leads", "rumour_rebuttals")
        ),
    ),
)

#: The sets in the order the summary speaks of them.
INDICATOR_SETS: Final = (LEADERSHIP, PUBLICITY, NEWS, ONLINE)

#: The 社会宣传 indicators, in the order the 一是 paragraph lists them.
SOCIAL_CODES: Final = PUBLICITY.codes

#: The measures (措施) the summary describes, each with the figures that report it.
MEASURES: Final = (
    Measure(
        code="working_group",
        title="成立宣传工作组",
        category="组织领导",
        description="a working group led by the district's propaganda chief, meeting regularly",
        responsible="区委宣传部",
        indicators=("group_meetings",),
    ),
    Measure(
        code="outdoor_publicity",
        title="户外宣传",
        category="社会宣传",
        description="billboards, electronic screens and banners in streets, towns and villages",
        responsible="各街道（镇）",
        frequency="1/day",
        indicators=("billboards", "screens", "banners"),
    ),
    Measure(
        code="door_to_door",
        title="入户宣传",
        category="社会宣传",
        description="leaflets, home visits, group messages and publicity vehicles",
        responsible="各街道（镇）",
        frequency="1/day",
        indicators=("leaflets", "home_visits", "messages", "vehicle_trips"),
    ),
    Measure(
        code="village_broadcast",
        title="村村通广播",
        category="社会宣传",
        description="loudspeakers, mobile sound systems and the village broadcast network",
        responsible="各镇",
        frequency="1/day",
        indicators=("loudspeakers", "broadcast_hours"),
    ),
    Measure(
        code="prevention_guide",
        title="印制防控行动指南",
        category="社会宣传",
        description="printing 《新型冠状病毒社区（村）防控行动指南》 for communities and villages",
        responsible="各街道（镇）",
        indicators=("guides_printed",),
    ),
    Measure(
        code="district_media",
        title="区属媒体新闻宣传",
        category="新闻宣传",
        description="district TV, website, mobile paper and new media on duty around the clock",
        responsible="区融媒体中心",
        frequency="1/day",
        indicators=("news_items",),
    ),
    Measure(
        code="external_publicity",
        title="对外宣传",
        category="新闻宣传",
        description="press conferences and reports placed with the city's main media",
        responsible="区委宣传部",
        indicators=("city_media_reports",),
    ),
    Measure(
        code="opinion_monitoring",
        title="网络舆情监测",
        category="舆情管控",
        description="round-the-clock monitoring, verification and handling of online opinion",
        responsible="区委网信办",
        frequency="1/day",
        indicators=(
            "opinion_items",
            "admonished",
            "reports_verified",
            "educated",
            "harmful_deleted",
            "weibo_handled",
            "price_leads",
            "rumour_rebuttals",
        ),
    ),
    Measure(
        code="online_campaign",
        title="网络正面宣传",
        category="舆情管控",
        description="H5 pages and open letters relayed by self-media, forums and groups",
        responsible="区融媒体中心",
        indicators=("netizen_participation",),
    ),
)

_INSTITUTION: Final = "district-publicity"

#: Consistency checks between the figures of one unit and day (and of every aggregate).
RULES: Final = (
    ValidationRule(
        code="educated-within-verified",
        left="educated",
        operator="<=",
        right="reports_verified",
        importance="warning",
        description="people educated (批评教育) are among those whose reports were verified",
        institution=_INSTITUTION,
    ),
    ValidationRule(
        code="weibo-within-opinion",
        left="weibo_handled",
        operator="<=",
        right="opinion_items",
        importance="warning",
        description="sensitive microblog posts handled are among the opinion items monitored",
        institution=_INSTITUTION,
    ),
    ValidationRule(
        code="deleted-within-opinion",
        left="harmful_deleted",
        operator="<=",
        right="opinion_items",
        importance="warning",
        description="harmful posts deleted are among the opinion items monitored",
        institution=_INSTITUTION,
    ),
)

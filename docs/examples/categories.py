"""Returnees by origin: a category, a 其中 item outside it, a breakdown written from data.

A township counts the people who came back (返乡人员) by where they came from (来源地), and
how many of them have been released from home isolation (已解除隔离, a 其中 item). The villages
state their figures per origin; the town's figures, and every option's, are aggregated.
"""

import jinja2

import epireport
from epireport.exceptions import RuleViolationError
from epireport.model import Category, CategoryOption
from epireport.plugin import Indicator, IndicatorSet, Institution, TemplateSource, hookimpl
from epireport.testing import registered

ORIGIN = Category(
    code="origin",
    name="来源地",
    options=(
        CategoryOption("hubei", "湖北"),
        CategoryOption("wuhan", "武汉", parent="hubei"),
        CategoryOption("hubei_other", "湖北其他地区", parent="hubei"),
        CategoryOption("outside", "省外其他地区"),
    ),
)
RETURNEES = IndicatorSet(
    code="returnees",
    title="返乡人员",
    indicators=(
        Indicator(code="returnees", name="返乡人员", classifier="人", categories=(ORIGIN,)),
        # A 其中 item of the total that its breakdown by origin does not list.
        Indicator(code="released", name="已解除隔离", classifier="人", part_of="returnees"),
    ),
    categories=(ORIGIN,),
)
TOWN = Institution(code="town", title="乡镇", indicator_sets=(RETURNEES,), level_names=("镇", "村"))
# One paragraph of the template's markup is one line, however long.
TEMPLATE = (
    "# {{ unit }}返乡人员排查情况\n"
    '全镇共排查返乡人员{{ figure("returnees") }}，{{ breakdown("returnees", lead="其中") }}；'
    '其中已解除隔离{{ figure("released") }}。\n'
)


class TownPlugin:
    """The hooks of the example plugin."""

    @staticmethod
    @hookimpl
    def epireport_register_institutions() -> list[Institution]:
        """Register the township institution."""
        return [TOWN]

    @staticmethod
    @hookimpl
    def epireport_register_templates() -> list[TemplateSource]:
        """Register its template."""
        return [TemplateSource("town", loader=jinja2.DictLoader({"town/report.md.j2": TEMPLATE}))]


# Each village states its returnees per origin ("by"), one of them its total as well.
INPUT = """\
institution: town
unit: T01
period: 20200215
org_units:
  - {code: T01, name: 青山镇}
  - {code: V01, name: 东坪村, parent: T01}
  - {code: V02, name: 西岭村, parent: T01}
values:
  - {indicator: returnees, unit: V01, period: 20200215, value: 110}
  - {indicator: returnees, unit: V01, period: 20200215, options: [wuhan], value: 30}
  - {indicator: returnees, unit: V01, period: 20200215, options: [hubei_other], value: 20}
  - {indicator: returnees, unit: V01, period: 20200215, options: [outside], value: 60}
  - {indicator: returnees, unit: V02, period: 20200215, options: [wuhan], value: 22}
  - {indicator: returnees, unit: V02, period: 20200215, options: [hubei_other], value: 10}
  - {indicator: returnees, unit: V02, period: 20200215, options: [outside], value: 58}
  - {indicator: released, unit: V01, period: 20200215, value: 41}
  - {indicator: released, unit: V02, period: 20200215, value: 34}
"""

with registered(TownPlugin) as plugins:
    report = epireport.loads_report(INPUT, institution=TOWN)
    rendered = epireport.render_report(report, plugins=plugins)
    print(rendered.output)
    facts = epireport.compute_facts(report, TOWN)
    hubei = facts.get("returnees[hubei]")
    print(hubei.id, "=", hubei.value, "from", list(hubei.source_ids))

    # 东坪村 states 110 but its origins add up to 111: check refuses the render.
    wrong = epireport.loads_report(INPUT.replace("value: 60}", "value: 61}"), institution=TOWN)
    try:
        epireport.render_report(wrong, plugins=plugins)
    except RuleViolationError as exc:
        for problem in exc.problems:
            print(problem)

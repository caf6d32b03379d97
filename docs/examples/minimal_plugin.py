"""A minimal institution plugin, registered for one ``with`` block and rendered.

A plugin is any object with ``@hookimpl`` functions: a module, a class, an instance. Here it is
a class, so the whole example fits in one file; a published plugin is a module named by an
entry point (see "Write an institution plugin").
"""

import jinja2

import epireport
from epireport.plugin import (
    DataValue,
    Indicator,
    IndicatorSet,
    Institution,
    Period,
    ReportInput,
    TemplateSource,
    hookimpl,
)
from epireport.testing import registered

WORK = IndicatorSet(
    code="clinic-work",
    title="防控工作",
    indicators=(
        Indicator(code="screened", name="预检分诊", classifier="人次", number_style="hedged"),
        Indicator(code="disinfections", name="消毒", classifier="次"),
    ),
)

CLINIC = Institution(
    code="clinic",
    title="社区卫生服务中心",
    indicator_sets=(WORK,),
    level_names=("中心", "站点"),
)

# The template writes epireport's markup: "#" the title, "##" a section (numbered by the
# document tree), "::: shi" an enumeration written 一是, 二是 ...
TEMPLATE = """\
# {{ unit }}疫情防控工作总结
{{ unit }}认真落实各项防控措施，现将{{ period_label }}工作情况总结如下。
## 主要工作
::: shi
- 严格预检分诊。累计预检分诊{{ figure("screened") }}。
- 做好环境消毒。开展消毒{{ figure("disinfections") }}。
:::
"""


class ClinicPlugin:
    """The hooks of the example plugin."""

    @staticmethod
    @hookimpl
    def epireport_register_institutions() -> list[Institution]:
        """Register the clinic institution."""
        return [CLINIC]

    @staticmethod
    @hookimpl
    def epireport_register_templates() -> list[TemplateSource]:
        """Register its template (the default name is ``<institution>/report.md.j2``)."""
        loader = jinja2.DictLoader({"clinic/report.md.j2": TEMPLATE})
        return [TemplateSource("clinic", loader=loader)]


period = Period.parse("202002")
report = ReportInput(
    institution="clinic",
    unit="c01",
    unit_name="东湖社区卫生服务中心",
    period=period,
    values=(
        DataValue.reported("screened", "c01", period, 12_345),
        DataValue.reported("disinfections", "c01", period, 87),
    ),
)

with registered(ClinicPlugin) as plugins:
    print(sorted(plugins.institutions()))
    rendered = epireport.render_report(report, plugins=plugins)
    print(rendered.output)

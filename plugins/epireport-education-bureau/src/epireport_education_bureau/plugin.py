"""Hooks of the education-bureau plugin: the 县科教局 institution and its school screening figures.

The seed summary (the second document of seed 000) describes a "四个三" mechanism: three
systems (值带班与门禁, 日排查, 日报告与零报告), three kinds of documents, three kinds of
publicity and three measures. Behind it are real figures: each class reports its daily
screening (师生排查, 体温异常, 隔离观察) to its school, each school to the bureau, with
zero-reports (零报告) on the days nothing abnormal was found. The org tree is
县(科教局) → 学校 → 班级.

What an input's ``measures:`` lists decides which items the summary states; the headline counts
(“四个三”, 三项制度) follow the items present (see :mod:`epireport_education_bureau._mechanism`).
"""

from __future__ import annotations

import importlib.resources
from typing import TYPE_CHECKING

from epireport.plugin import (
    Importance,
    Indicator,
    IndicatorSection,
    IndicatorSet,
    Institution,
    Measure,
    NarrativeInput,
    NarrativeKind,
    TemplateSource,
    ValidationRule,
    ZeroPolicy,
    hookimpl,
)
from epireport_education_bureau._mechanism import BLOCKS, mechanism
from epireport_education_bureau._reporting import reporting_summary

if TYPE_CHECKING:
    import jinja2

__all__ = ["INSTITUTION", "MEASURES", "RULES", "SCREENING", "TEMPLATES"]

#: 师生排查: what each class reports every day.
SCREENING = IndicatorSet(
    code="school-screening",
    title="师生排查",
    indicators=(
        # Every teacher and student is screened again each day: a day's figure counts
        # screenings, so the period's figure is a sum of 人次.
        Indicator(code="screened", name="排查师生", classifier="人次"),
        # Classes report the people newly found with an abnormal temperature that day, and
        # those newly put under observation, so both add up over the days. Zeros are stated
        # (the template words them: 未发现体温异常) rather than dropping the whole sentence.
        Indicator(
            code="fever",
            name="体温异常",
            classifier="人",
            zero_policy=ZeroPolicy.STATE,
            description="people found with an abnormal temperature that day (零报告: none)",
        ),
        Indicator(
            code="isolated",
            name="隔离观察",
            classifier="人",
            zero_policy=ZeroPolicy.STATE,
            description="people newly put under isolation and observation that day",
        ),
    ),
    sections=(IndicatorSection("daily", "日排查", ("screened", "fever", "isolated")),),
)

#: The measure catalogue: one measure per item of the "四个三", in the seed's order; the
#: category names the block (see :data:`epireport_education_bureau._mechanism.BLOCKS`).
MEASURES = (
    Measure(
        code="duty_system",
        title="主要负责人坐班及班子成员值带班制度",
        category="制度",
        responsible="各学校",
    ),
    Measure(
        code="access_control",
        title="门禁制度",
        category="制度",
        description="严格控制进入校园人员及车辆，对进出人员进行体温监测登记",
        places=("校门",),
    ),
    Measure(
        code="daily_screening",
        title="教职工及学生日排查制度",
        category="制度",
        frequency="1/day",
        indicators=("screened", "fever", "isolated"),
    ),
    Measure(
        code="daily_report",
        title="日报告、零报告制度",
        category="制度",
        frequency="1/day",
        indicators=("screened", "fever", "isolated"),
    ),
    Measure(code="bureau_plan", title="教育系统疫情防控工作方案和预案", category="文件"),
    Measure(code="unit_plans", title="各单位防控工作方案", category="文件"),
    Measure(code="archives", title="规范疫情防控文件、安排及档案资料", category="文件"),
    Measure(
        code="online_publicity",
        title="网络宣传",
        category="宣传",
        # The channels the item names; an input may list its own.
        places=("微信公众号", "微信群", "QQ群"),
    ),
    Measure(code="notices", title="张贴通告、悬挂标语、制作门禁警示牌", category="宣传"),
    Measure(code="experience", title="总结宣传经验做法", category="宣传"),
    Measure(code="isolation", title="问题师生隔离", category="措施", indicators=("isolated",)),
    Measure(
        code="screening_work",
        title="师生日排查",
        category="措施",
        frequency="1/day",
        indicators=("screened",),
    ),
    Measure(code="no_gatherings", title="杜绝师生参与群体性活动", category="措施"),
)

#: 县科教局: reports the county's schools and their classes.
INSTITUTION = Institution(
    code="education-bureau",
    title="县科教局",
    indicator_sets=(SCREENING,),
    measures=MEASURES,
    narrative_inputs=(
        NarrativeInput(
            code="superiors",
            title="上级部署",
            description="whose requirements the bureau follows; default 县委、县政府和市教育局",
        ),
        NarrativeInput(
            code="documents",
            title="下发文件",
            kind=NarrativeKind.LIST,
            description=(
                "titles of the plans issued to the education system, without 《》; without "
                "them the summary says 工作方案和预案"
            ),
        ),
    ),
    example=importlib.resources.files(__package__) / "example.yaml",
    level_names=("县", "学校", "班级"),
    description="Epidemic prevention in the schools of a county education system (“四个三”).",
)

#: Checks on the screening figures, as reported by each class and as aggregated.
RULES = (
    ValidationRule(
        code="fever-within-screened",
        left="fever",
        operator="<=",
        right="screened",
        description="体温异常 counts people among those screened",
        institution=INSTITUTION.code,
    ),
    ValidationRule(
        code="isolated-within-screened",
        left="isolated",
        operator="<=",
        right="screened",
        description="隔离观察 counts people among those screened",
        institution=INSTITUTION.code,
    ),
    ValidationRule(
        code="isolated-within-fever",
        left="isolated",
        operator="<=",
        right="fever",
        # A class may also isolate a contact or a returnee without fever: worth a look, not
        # an error.
        importance=Importance.WARNING,
        description="more people isolated than found with fever: contacts or returnees?",
        institution=INSTITUTION.code,
    ),
)

#: Where the templates live: ``templates/education-bureau/report.md.j2`` in this package.
TEMPLATES = TemplateSource(INSTITUTION.code, package=__package__ or "epireport_education_bureau")


@hookimpl
def epireport_register_institutions() -> list[Institution]:
    """Register the 县科教局 institution."""
    return [INSTITUTION]


@hookimpl
def epireport_register_indicator_sets() -> list[IndicatorSet]:
    """Register the 师生排查 indicator set on its own, for other institutions to reuse."""
    return [SCREENING]


@hookimpl
def epireport_register_templates() -> list[TemplateSource]:
    """Register the package's templates (the institution's ``report.md.j2``)."""
    return [TEMPLATES]


@hookimpl
def epireport_register_validation_rules(institution: Institution) -> list[ValidationRule]:
    """Register the screening checks (体温异常 and 隔离观察 within 排查) for this institution."""
    return list(RULES) if institution.code == INSTITUTION.code else []


@hookimpl
def epireport_prepare_environment(env: jinja2.Environment, institution: Institution | None) -> None:
    """Add the helpers the template uses: ``mechanism`` and ``reporting_summary``.

    Only for this institution (or for none, when templates are checked), so that other
    institutions' environments keep their own globals of the same names.
    """
    if institution is not None and institution.code != INSTITUTION.code:
        return
    inst = institution or INSTITUTION
    env.globals["mechanism"] = mechanism
    env.globals["mechanism_blocks"] = BLOCKS
    env.globals["reporting_summary"] = lambda report: reporting_summary(report, inst)

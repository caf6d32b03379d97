"""Hooks of the education-bureau plugin: the 县科教局 institution and its school screening figures.

The seed summary describes daily screening of teachers and students (日排查), daily and zero
reports (日报告、零报告制度) and the isolation of teachers and students with problems.
"""

from epireport import hookimpl
from epireport.model._indicators import Indicator, IndicatorKind, IndicatorSet
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind

__all__ = ["INSTITUTION", "SCREENING"]

#: 师生排查: the daily screening of a school system.
SCREENING = IndicatorSet(
    name="school-screening",
    title="师生排查",
    indicators=(
        # Everyone is screened again each day: the figure for a period is the latest one.
        Indicator(code="screened", name="排查师生", classifier="人", kind=IndicatorKind.STOCK),
        Indicator(code="isolated", name="隔离师生", classifier="人", kind=IndicatorKind.STOCK),
        Indicator(
            code="schools_reporting", name="报告学校", classifier="所", kind=IndicatorKind.STOCK
        ),
        Indicator(code="notices_posted", name="张贴通告", classifier="份"),
    ),
)

#: 县科教局: reports the county's schools.
INSTITUTION = Institution(
    name="education-bureau",
    title="县科教局",
    indicator_sets=(SCREENING,),
    narrative_inputs=(
        NarrativeInput(
            name="documents",
            title="下发文件",
            kind=NarrativeKind.LIST,
            description="titles of the plans issued to the education system, without 《》",
        ),
        NarrativeInput(
            name="zero_report",
            title="零报告制度",
            kind=NarrativeKind.FLAG,
            description="whether a daily and zero reporting system is in place",
        ),
    ),
    level_names=("县", "学校"),
    description="Epidemic prevention in the schools of a county education system.",
)


@hookimpl
def epireport_register_institutions() -> list[Institution]:
    """Register the 县科教局 institution."""
    return [INSTITUTION]


@hookimpl
def epireport_register_indicator_sets() -> list[IndicatorSet]:
    """Register the 师生排查 indicator set on its own, for other institutions to reuse."""
    return [SCREENING]

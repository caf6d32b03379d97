"""breakdown(): an indicator's split by category, written from data, each figure a fact."""

from collections.abc import Callable

import pytest

from epireport._plugins import Plugins
from epireport.document import Paragraph, RenderedParagraph, numbered
from epireport.exceptions import TemplateError
from epireport.facts import compute_facts
from epireport.model._indicators import Category, CategoryOption, Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._values import DataValue
from epireport.narrative._compose import compose

MakePlugins = Callable[..., Plugins]
DAY = Period.parse("20200210")

ORIGIN = Category(
    "origin",
    "来源地",
    (
        CategoryOption("hubei", "湖北", order=1),
        CategoryOption("wuhan", "武汉", parent="hubei"),
        CategoryOption("hubei_other", "湖北其他地区", parent="hubei"),
        CategoryOption("outside", "省外其他地区", order=2),
    ),
)
FLAT = Category(
    "flat",
    "来源地",
    (
        CategoryOption("wh", "武汉"),
        CategoryOption("hb", "湖北其他地区"),
        CategoryOption("sw", "省外其他地区"),
    ),
)


def institution() -> Institution:
    """A township office counting returnees by (nested) origin and by a flat origin list."""
    return Institution(
        code="demo",
        title="乡镇",
        indicator_sets=(
            IndicatorSet(
                "returnees",
                "返乡人员",
                (
                    Indicator("returnees", "返乡人员", "人", categories=(ORIGIN,)),
                    Indicator("arrivals", "来镇人员", "人", categories=(FLAT,)),
                ),
                categories=(ORIGIN, FLAT),
            ),
        ),
    )


def report(*extra: DataValue) -> ReportInput:
    """The town's report of one day with returnees by origin."""
    values = (
        DataValue.reported("returnees", "town", DAY, 52, options=("wuhan",)),
        DataValue.reported("returnees", "town", DAY, 30, options=("hubei_other",)),
        DataValue.reported("returnees", "town", DAY, 118, options=("outside",)),
        DataValue.reported("arrivals", "town", DAY, 52, options=("wh",)),
        DataValue.reported("arrivals", "town", DAY, 30, options=("hb",)),
        DataValue.reported("arrivals", "town", DAY, 118, options=("sw",)),
        *extra,
    )
    return ReportInput(institution="demo", unit="town", unit_name="某镇", period=DAY, values=values)


def render(plugins_for: MakePlugins, line: str, data: ReportInput | None = None) -> Paragraph:
    """Compose a one-paragraph template over the report's facts and return the paragraph."""
    plugins = plugins_for({"demo/report.md.j2": f"# 标题\n{line}\n"})
    data = data or report()
    doc = compose(data, institution(), compute_facts(data, institution()), plugins)
    body = doc.sections[0].blocks[0] if doc.sections else doc.preamble[0]  # type: ignore[attr-defined]
    assert isinstance(body, Paragraph)
    return body


def text(plugins_for: MakePlugins, line: str, data: ReportInput | None = None) -> str:
    """The rendered text of the paragraph."""
    plugins = plugins_for({"demo/report.md.j2": f"# 标题\n{line}\n"})
    data = data or report()
    doc = compose(data, institution(), compute_facts(data, institution()), plugins)
    return next(e.text for e in numbered(doc) if isinstance(e, RenderedParagraph))


def test_flat_breakdown(plugins_for: MakePlugins) -> None:
    """A flat category is written option by option, in order, from the data."""
    line = '返乡{{ figure("arrivals") }}，{{ breakdown("arrivals", lead="其中") }}。'
    assert (
        text(plugins_for, line) == "返乡200人，其中武汉52人、湖北其他地区30人、省外其他地区118人。"
    )


def test_nested_breakdown_and_its_facts(plugins_for: MakePlugins) -> None:
    """Nested options follow their parent in parentheses; every figure is a traceable fact."""
    line = '返乡{{ figure("returnees") }}，{{ breakdown("returnees", lead="其中") }}。'
    assert text(plugins_for, line) == (
        "返乡200人，其中湖北82人（其中武汉52人、湖北其他地区30人）、省外其他地区118人。"
    )
    refs = render(plugins_for, line).sentences[0].facts
    assert [(r.indicator, r.text, r.value) for r in refs] == [
        ("returnees", "200", "200"),
        ("returnees[hubei]", "82", "82"),
        ("returnees[wuhan]", "52", "52"),
        ("returnees[hubei_other]", "30", "30"),
        ("returnees[outside]", "118", "118"),
    ]
    assert refs[2].sources == ("returnees[wuhan]@town@20200210",)
    assert len(refs[1].sources) == 2


def test_top_level_only_and_a_single_option(plugins_for: MakePlugins) -> None:
    """nested=False writes the top options; figure() names one option's series directly."""
    line = '{{ breakdown("returnees", nested=False) }}，武汉{{ figure("returnees[wuhan]") }}。'
    assert text(plugins_for, line) == "湖北82人、省外其他地区118人，武汉52人。"


def test_omitted_zero_options_close_up(plugins_for: MakePlugins) -> None:
    """An option with a zero the zero policy omits disappears with its item."""
    data = report(DataValue.zero_report("returnees", "town", DAY, options=("hubei_other",)))
    data = ReportInput(
        institution="demo",
        unit="town",
        unit_name="某镇",
        period=DAY,
        values=tuple(v for v in data.values if v.options != ("hubei_other",) or not v.value),
    )
    line = '{{ breakdown("returnees") }}。'
    assert text(plugins_for, line, data) == "湖北52人（其中武汉52人）、省外其他地区118人。"


def test_an_indicator_without_categories_is_refused(plugins_for: MakePlugins) -> None:
    """breakdown() of an unsplit indicator names the fix."""
    plugins = plugins_for({"demo/report.md.j2": "# 标题\n{{ breakdown('x') }}\n"})
    unsplit = Institution(
        code="demo",
        title="乡镇",
        indicator_sets=(IndicatorSet("s", "集", (Indicator("x", "某数", "人"),)),),
    )
    data = ReportInput(institution="demo", unit="town", period=DAY)
    with pytest.raises(TemplateError, match="is not split by any category"):
        compose(data, unsplit, compute_facts(data, unsplit), plugins)

"""Figures without invisible characters: what templates see is what the reader reads."""

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport._plugins import Plugins
from epireport.document import Document, FactRef, RenderedParagraph, numbered
from epireport.model._institution import Institution
from epireport.model._report import ReportInput
from epireport.narrative._compose import compose, render_markup
from epireport.narrative._figures import FigureText, figure, rendering
from epireport.narrative._markers import (
    DROP,
    DROPPED,
    MARKER_CHARS,
    MarkedText,
    concat,
    fact_marker,
    join,
    join_values,
    marked,
    markup_of,
    slot,
    strip_markers,
)
from epireport.narrative._static_facts import StaticFacts

MakePlugins = Callable[..., Plugins]

VALUES = {"billboards": 120, "screens": 35, "banners": 860, "leaflets": 32456, "meetings": 3}


def write(
    body: str,
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    values: dict[str, int] | None = None,
    *,
    sandboxed: bool = False,
) -> list[RenderedParagraph]:
    """Compose a report whose template is a title and *body*; return its paragraphs."""
    plugins = plugins_for({"demo/report.md.j2": f"# 总结\n{body}\n"})
    facts = StaticFacts(VALUES if values is None else values)
    doc = compose(report, institution, facts, plugins, sandboxed=sandboxed)
    return paragraphs(doc)


def paragraphs(doc: Document) -> list[RenderedParagraph]:
    return [e for e in numbered(doc) if isinstance(e, RenderedParagraph)]


def indicators(paragraph: RenderedParagraph) -> list[str]:
    return [f.indicator for f in paragraph.facts]


# ------------------------------------------------------------------ what templates see


def test_length_of_a_figure_is_its_visible_length(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """{{ figure(...) | length }} counts the characters of 3.2万余张, nothing invisible."""
    [p] = write('共{{ figure("leaflets") | length }}个字。', plugins_for, institution, report)
    assert p.text == f"共{len('3.2万余张')}个字。"


def test_slicing_a_figure_cuts_visible_text(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """[:2] and [-1] take visible characters and give plain text, without the fact."""
    [p] = write(
        '前两字{{ figure("leaflets")[:2] }}，末字{{ figure("leaflets")[-1] }}。',
        plugins_for,
        institution,
        report,
    )
    assert p.text == "前两字3.，末字张。"
    assert p.facts == ()


def test_filters_see_visible_text_and_drop_the_fact(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """| upper and | replace work on the visible text; the new text has no fact."""
    [p] = write(
        '共{{ figure("billboards") | replace("块", "面") }}，{{ figure("screens") | upper }}。',
        plugins_for,
        institution,
        report,
    )
    assert p.text == "共120面，35块。"
    assert p.facts == ()


def test_concatenation_keeps_text_and_facts(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """~ and + join visible text and keep every figure's fact, in order."""
    [p] = write(
        '{{ "共" ~ figure("billboards") ~ "、" ~ figure("screens") }}，'
        '{{ "横幅" + figure("banners") }}。{% set s = "共" ~ figure("meetings") %}{{ s | length }}',
        plugins_for,
        institution,
        report,
    )
    assert p.text == "共120块、35块，横幅860条。3"
    assert indicators(p) == ["billboards", "screens", "banners"]


def test_join_keeps_text_and_facts(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """| join of figures reads as the joined texts, with each figure's fact kept."""
    [p] = write(
        '共{{ [figure("billboards"), "横幅" ~ figure("banners")] | join("、") }}，'
        '{{ [figure("billboards"), figure("banners")] | join("、") | length }}字。',
        plugins_for,
        institution,
        report,
    )
    assert p.text == "共120块、横幅860条，9字。"
    assert indicators(p) == ["billboards", "banners"]


def test_captured_blocks_are_visible_text_that_print_with_their_facts(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """{% set %} blocks, macros and caller() give visible text to filters, facts when printed."""
    [p] = write(
        "{% set s %}共{{ figure('billboards') }}{% endset %}"
        "{% macro m() %}横幅{{ figure('banners') }}{% endmacro %}"
        "{% macro wrap() %}（{{ caller() }}）{% endmacro %}"
        "{{ s | length }}，{{ m() | length }}，"
        "{% call wrap() %}会议{{ figure('meetings') }}{% endcall %}，{{ s }}，{{ m() }}。",
        plugins_for,
        institution,
        report,
    )
    assert p.text == "5，6，（会议3次），共120块，横幅860条。"
    assert indicators(p) == ["meetings", "billboards", "banners"]


def test_omitted_figure_is_empty_and_still_omits(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """An omitted zero is empty and falsy to the template, and its sentence still goes."""
    [p] = write(
        '长{{ figure("billboards") | length }}{% if not figure("billboards") %}，无{% endif %}。'
        '发布{{ figure("billboards") }}。',
        plugins_for,
        institution,
        report,
        {**VALUES, "billboards": 0},
    )
    assert p.text == "长0，无。"


def test_sandboxed_templates_keep_facts_through_concatenation(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """The sandbox compiles ~ the same way: the figure keeps its fact there too."""
    [p] = write(
        '{{ "共" ~ figure("billboards") }}，长{{ figure("billboards") | length }}。',
        plugins_for,
        institution,
        report,
        sandboxed=True,
    )
    assert p.text == "共120块，长4。"
    assert indicators(p) == ["billboards"]


def test_render_markup_still_carries_markers(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """The stream between Jinja2 and the parser is where the markers live, and only there."""
    plugins = plugins_for({"demo/report.md.j2": '# T\n共{{ figure("billboards") }}。\n'})
    text, state = render_markup(report, institution, StaticFacts(VALUES), plugins)
    assert fact_marker(0, "120块") in text
    assert type(text) is str
    assert [r.indicator for r in state.refs] == ["billboards"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(leaflets=st.integers(1, 10**9), billboards=st.integers(1, 10**6))
def test_what_templates_see_is_what_the_reader_reads(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    leaflets: int,
    billboards: int,
) -> None:
    """For any figures, the string a template holds equals the figure the document shows."""
    body = (
        '共{{ figure("leaflets") }}，{{ figure("billboards") }}。\n'
        "{% set s %}{{ figure('leaflets') }}{% endset %}"
        '长{{ figure("leaflets") | length }}，{{ s | length }}，'
        '首{{ figure("leaflets")[:1] }}，{{ figure("billboards") | list | join("/") }}。'
    )
    values = {**VALUES, "leaflets": leaflets, "billboards": billboards}
    first, second = write(body, plugins_for, institution, report, values)
    shown = {f.indicator: f.text for f in first.facts}
    leaflet_text = shown["leaflets"] + "张"
    billboard_text = shown["billboards"] + "块"
    assert first.text == f"共{leaflet_text}，{billboard_text}。"
    assert second.text == (
        f"长{len(leaflet_text)}，{len(leaflet_text)}，首{leaflet_text[:1]}，"
        f"{'/'.join(billboard_text)}。"
    )
    assert not set(MARKER_CHARS) & set(first.text + second.text)


# ------------------------------------------------------------------ the values themselves


def test_figure_returns_visible_text_carrying_its_fact(
    institution: Institution, report: ReportInput
) -> None:
    """figure() is a str of the visible text; printing it registers its fact once."""
    from epireport.narrative._figures import RenderState

    state = RenderState(institution, StaticFacts(VALUES), report.unit, report.period)
    with rendering(state):
        text = figure("leaflets")
        assert isinstance(text, FigureText)
        assert text == "3.2万余张"
        assert len(text) == 6
        assert not set(MARKER_CHARS) & set(text)
        assert state.refs == []  # not printed yet
        assert markup_of(text) == fact_marker(0, "3.2万余张")
        assert markup_of(text) == fact_marker(0, "3.2万余张")
        assert [r.indicator for r in state.refs] == ["leaflets"]
        assert isinstance(state.refs[0], FactRef)


def test_marked_text_keeps_markup_beside_the_visible_text() -> None:
    """marked() hides markers from the value and keeps them in the markup form."""
    markup = f"共{fact_marker(3, '3块')}、{slot('城关区')}{DROP}"
    text = marked(markup)
    assert isinstance(text, MarkedText)
    assert text == "共3块、城关区"
    assert markup_of(text) == markup
    assert marked("共3块") == "共3块"
    assert type(marked("共3块")) is str
    assert repr(text) == "MarkedText('共3块、城关区')"


def test_joins_keep_markup_only_when_there_is_some() -> None:
    """join_values, join and concat give plain str without figures, MarkedText with them."""
    figure_text = marked(fact_marker(0, "3块"))
    assert type(join_values(["共", 3, "块"])) is str
    joined = join_values(["共", figure_text, 1])
    assert joined == "共3块1"
    assert markup_of(joined) == f"共{fact_marker(0, '3块')}1"
    listed = join("、", [figure_text, "x"])
    assert listed == "3块、x"
    assert markup_of(listed) == f"{fact_marker(0, '3块')}、x"
    assert type(join("、", ["a", 1])) is str
    captured = concat(["共", fact_marker(0, "3块"), "。"])
    assert captured == "共3块。"
    assert markup_of(captured) == f"共{fact_marker(0, '3块')}。"
    assert type(concat(["共", "。"])) is str


def test_plus_keeps_markup_on_either_side() -> None:
    """MarkedText + str and str + MarkedText both keep the figures; other operands refuse."""
    figure_text = marked(fact_marker(0, "3块"))
    assert markup_of("共" + figure_text) == f"共{fact_marker(0, '3块')}"
    assert markup_of(figure_text + "。") == f"{fact_marker(0, '3块')}。"
    with pytest.raises(TypeError):
        figure_text + 1  # type: ignore[operator]


def test_dropped_is_empty_and_falsy() -> None:
    """An omission is empty to templates and DROP in the markup."""
    assert DROPPED == ""
    assert not DROPPED
    assert markup_of(DROPPED) == DROP
    assert strip_markers(markup_of(DROPPED)) == ""


def test_filter_blocks_give_visible_text(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput
) -> None:
    """A {% filter %} block filters visible text; what keeps a figure's type keeps its fact."""
    [p] = write(
        "{% filter replace('块', '面') %}共{{ figure('billboards') }}{% endfilter %}，"
        "{% filter string %}横幅{{ figure('banners') }}{% endfilter %}。",
        plugins_for,
        institution,
        report,
    )
    assert p.text == "共120面，横幅860条。"
    assert indicators(p) == ["banners"]

"""Template sources: precedence, block overrides through extends, sandboxed sources."""

from collections.abc import Callable

import jinja2
import pytest

from epireport._plugins import Plugins
from epireport.exceptions import ModelError, TemplateError
from epireport.model._institution import Institution
from epireport.model._report import ReportInput
from epireport.narrative._compose import compose
from epireport.narrative._environment import template_source_of
from epireport.narrative._static_facts import StaticFacts
from epireport.narrative._templates import TemplateSource

MakePlugins = Callable[..., Plugins]

REFERENCE = {
    "demo/report.md.j2": (
        "# 宣传工作总结\n"
        "## 工作开展情况\n"
        "{% block work %}\n共发布{{ count_list(['billboards', 'screens']) }}。\n{% endblock %}\n"
        "## 下一步工作打算\n"
        "{% block next_steps %}\n持续加强宣传。\n{% endblock %}\n"
    )
}

OVERRIDE = {
    "demo/report.md.j2": (
        '{% extends "demo::demo/report.md.j2" %}'
        "{% block next_steps %}加强网络舆情监测。{% endblock %}"
    )
}


def texts(doc: object) -> list[str]:
    from epireport.document import RenderedParagraph, numbered

    return [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph)]  # type: ignore[arg-type]


def test_sandboxed_flag_is_validated() -> None:
    """TemplateSource.sandboxed must be a bool."""
    with pytest.raises(ModelError, match=r"TemplateSource\.sandboxed"):
        TemplateSource("x", loader=jinja2.DictLoader({}), sandboxed="yes")  # type: ignore[arg-type]


def test_block_override_with_higher_priority_source(
    plugins_for: MakePlugins,
    template_plugin: Callable[..., object],
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
) -> None:
    """A higher-priority source overrides one block and keeps the rest of the reference."""
    agency = template_plugin("agency", OVERRIDE, priority=10)
    plugins = plugins_for(REFERENCE, agency)
    source = template_source_of(plugins, "demo/report.md.j2")
    assert source is not None
    assert source.code == "agency"
    doc = compose(report, institution, StaticFacts(full_values), plugins)
    assert texts(doc) == ["共发布户外广告牌120块、电子显示屏35块。", "加强网络舆情监测。"]


def test_lower_priority_source_does_not_win(
    plugins_for: MakePlugins,
    template_plugin: Callable[..., object],
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
) -> None:
    """A source of lower priority than the reference one is only reachable by prefix."""
    agency = template_plugin("agency", OVERRIDE, priority=-1)
    plugins = plugins_for(REFERENCE, agency)
    doc = compose(report, institution, StaticFacts(full_values), plugins)
    assert texts(doc)[-1] == "持续加强宣传。"
    doc = compose(
        report, institution, StaticFacts(full_values), plugins, template="agency::demo/report.md.j2"
    )
    assert texts(doc)[-1] == "加强网络舆情监测。"


def test_override_is_checked_against_institution(
    plugins_for: MakePlugins,
    template_plugin: Callable[..., object],
    institution: Institution,
    report: ReportInput,
) -> None:
    """A misspelled code in an overriding block is caught before rendering."""
    bad = {
        "demo/report.md.j2": (
            '{% extends "demo::demo/report.md.j2" %}'
            "{% block next_steps %}{{ figure('leaflet') }}{% endblock %}"
        )
    }
    plugins = plugins_for(REFERENCE, template_plugin("agency", bad, priority=10))
    with pytest.raises(TemplateError, match="unknown indicator 'leaflet'"):
        compose(report, institution, StaticFacts({}), plugins, draft=True)


def test_uploaded_template_renders_sandboxed(
    plugins_for: MakePlugins,
    template_plugin: Callable[..., object],
    institution: Institution,
    report: ReportInput,
) -> None:
    """A template from a sandboxed source cannot reach Python internals."""
    upload = {"demo/report.md.j2": "# T\n{{ ''.__class__.__mro__[1].__subclasses__() }}"}
    plugins = plugins_for(REFERENCE, template_plugin("upload", upload, priority=5, sandboxed=True))
    with pytest.raises(TemplateError, match="SecurityError"):
        compose(report, institution, StaticFacts({}), plugins, draft=True)


def test_sandbox_applies_when_a_sandboxed_template_is_included(
    plugins_for: MakePlugins,
    template_plugin: Callable[..., object],
    institution: Institution,
    report: ReportInput,
) -> None:
    """Including a template from a sandboxed source sandboxes the whole render."""
    main = {"demo/report.md.j2": "# T\n{% include 'upload::part.md.j2' %}"}
    upload = {"part.md.j2": "{{ report.__class__ }}"}
    plugins = plugins_for(main, template_plugin("upload", upload, sandboxed=True))
    with pytest.raises(TemplateError, match="SecurityError"):
        compose(report, institution, StaticFacts({}), plugins, draft=True)
    # The same template from a trusted source may read the attribute.
    trusted = plugins_for({"demo/report.md.j2": "# T\n{{ report.__class__.__name__ }}"})
    doc = compose(report, institution, StaticFacts({}), trusted, draft=True)
    assert texts(doc) == ["ReportInput"]

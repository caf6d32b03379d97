"""Fixtures for the template tests: a small institution, template plugins, a report."""

import contextlib
from collections.abc import Callable, Iterator, Mapping

import jinja2
import pytest

from epireport._plugins import Plugins, hookimpl
from epireport.model._indicators import Indicator, IndicatorSet, NumberStyle, ZeroPolicy
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind
from epireport.model._measures import Measure
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.narrative._templates import TemplateSource
from epireport.testing._manager import registered


@pytest.fixture
def institution() -> Institution:
    """A publicity institution with five indicators (one stating zeros) and a measure."""
    publicity = IndicatorSet(
        code="publicity",
        title="社会宣传",
        indicators=(
            Indicator(code="billboards", name="户外广告牌", classifier="块"),
            Indicator(code="screens", name="电子显示屏", classifier="块"),
            Indicator(code="banners", name="标语横幅", classifier="条"),
            Indicator(
                code="leaflets", name="宣传单", classifier="张", number_style=NumberStyle.HEDGED
            ),
            Indicator(code="meetings", name="会议", classifier="次", zero_policy=ZeroPolicy.STATE),
        ),
    )
    return Institution(
        code="demo",
        title="区委宣传部",
        indicator_sets=(publicity,),
        measures=(
            Measure(code="garbage", title="生活垃圾清运", frequency="2/day", replaces="1/day"),
        ),
        narrative_inputs=(
            NarrativeInput(code="plans", title="印发方案", kind=NarrativeKind.LIST),
            NarrativeInput(code="leader", title="组长"),
        ),
    )


@pytest.fixture
def report() -> ReportInput:
    """The report of unit d1 (城关区) for February 2020."""
    return ReportInput(
        institution="demo",
        unit="d1",
        unit_name="城关区",
        period=Period.parse("202002"),
        narrative={"plans": ["宣传工作方案", "舆情导控预案"], "leader": "区委常委"},
    )


@pytest.fixture
def full_values() -> dict[str, int]:
    """A value for every indicator."""
    return {"billboards": 120, "screens": 35, "banners": 860, "leaflets": 32456, "meetings": 3}


TemplatePluginFactory = Callable[..., object]


@pytest.fixture
def template_plugin() -> TemplatePluginFactory:
    """Return a factory of plugins registering one DictLoader template source."""

    def make(
        name: str, templates: Mapping[str, str], *, priority: int = 0, sandboxed: bool = False
    ) -> object:
        source = TemplateSource(
            name,
            loader=jinja2.DictLoader(dict(templates)),
            priority=priority,
            sandboxed=sandboxed,
        )

        class TemplatePlugin:
            @staticmethod
            @hookimpl
            def epireport_register_templates() -> list[TemplateSource]:
                return [source]

        TemplatePlugin.__name__ = f"templates_{name.replace('-', '_')}"
        return TemplatePlugin

    return make


@pytest.fixture
def plugins_for(template_plugin: TemplatePluginFactory) -> Iterator[Callable[..., Plugins]]:
    """Return ``make(templates, *plugins)``: fresh Plugins with a ``demo`` source of *templates*."""
    with contextlib.ExitStack() as stack:

        def make(templates: Mapping[str, str] | None = None, *more: object) -> Plugins:
            plugins = [template_plugin("demo", templates)] if templates is not None else []
            return stack.enter_context(registered(*plugins, *more))

        yield make

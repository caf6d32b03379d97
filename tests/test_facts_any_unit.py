"""Facts for any unit of the tree: a grandchild's figure is computed when a template asks."""

from pathlib import Path

import jinja2
import pytest

import epireport
from epireport import Plugins, make_plugin_manager
from epireport.plugin import Indicator, IndicatorSet, Institution, TemplateSource, hookimpl

SET = IndicatorSet(
    code="pushes", title="推送", indicators=(Indicator(code="push", name="推送", classifier="条"),)
)
INSTITUTION = Institution(code="province", title="某省", indicator_sets=(SET,))
TEMPLATE = (
    "# 核查推送情况\n\n"
    "全省推送{{ figure('push') }}，其中武汉{{ figure('push', 'wh') }}"
    "（江汉区{{ figure('push', 'wh-jh') }}）。\n"
)


class Province:
    @hookimpl
    def epireport_register_institutions(self) -> list[Institution]:
        return [INSTITUTION]

    @hookimpl
    def epireport_register_templates(self) -> list[TemplateSource]:
        return [
            TemplateSource(
                "province", loader=jinja2.DictLoader({"province/report.md.j2": TEMPLATE})
            )
        ]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "hb.yaml"
    path.write_text(
        "institution: province\nunit: hb\nperiod: 202002\norg_units:\n"
        "  - {code: hb, name: 湖北省}\n  - {code: wh, name: 武汉, parent: hb}\n"
        "  - {code: wh-jh, name: 江汉区, parent: wh}\n  - {code: wh-wc, name: 武昌区, parent: wh}\n"
        "  - {code: yc, name: 宜昌, parent: hb}\n"
        "values:\n"
        "  - {indicator: push, unit: wh-jh, period: '202002', value: 12}\n"
        "  - {indicator: push, unit: wh-wc, period: '202002', value: 8}\n"
        "  - {indicator: push, unit: yc, period: '202002', value: 15}\n",
        encoding="utf-8",
    )
    return path


def test_a_grandchilds_fact_is_computed_on_demand(report: Path) -> None:
    """FactSet.get for a unit below the children computes it, with its sources."""
    plugins = Plugins(make_plugin_manager(plugins=[Province()], autoload=False))
    loaded = plugins.load_input(report)
    facts = epireport.compute_facts(loaded, INSTITUTION)
    assert "wh-jh" not in facts.units  # not computed with the report
    fact = facts.get("push", "wh-jh")
    assert fact.value == 12
    assert [v.unit for v in fact.sources] == ["wh-jh"]
    assert facts.find("push", "nowhere") is None


def test_a_template_can_name_a_grandchild(report: Path) -> None:
    """figure('push', 'wh-jh') writes the grandchild's figure, a fact like any other."""
    plugins = Plugins(make_plugin_manager(plugins=[Province()], autoload=False))
    rendered = epireport.render_report(report, plugins=plugins)
    assert "全省推送35条，其中武汉20条（江汉区12条）。" in rendered.output

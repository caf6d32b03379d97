"""A final render is a checked render: it never states figures its data or rules contradict."""

import json
from pathlib import Path

import jinja2
import pytest

import epireport
from epireport import Plugins, make_plugin_manager
from epireport._cli import check_cmd
from epireport.cli import main
from epireport.exceptions import RuleViolationError
from epireport.plugin import (
    Indicator,
    IndicatorSet,
    Institution,
    TemplateSource,
    ValidationRule,
    hookimpl,
)

PUSH = IndicatorSet(
    code="pushes",
    title="核查推送",
    indicators=(
        Indicator(code="push", name="核查推送信息", classifier="条"),
        Indicator(code="verified", name="已核实", classifier="条", part_of="push"),
        Indicator(code="calls", name="电话回访", classifier="次"),
    ),
)
INSTITUTION = Institution(code="township", title="某镇", indicator_sets=(PUSH,))
TEMPLATE = (
    "# 核查推送情况\n\n全省共核查推送信息{{ figure('push') }}，已核实{{ figure('verified') }}。\n"
)


class Township:
    """A small institution: its indicators, a template, and a warning-level rule."""

    @hookimpl
    def epireport_register_institutions(self) -> list[Institution]:
        return [INSTITUTION]

    @hookimpl
    def epireport_register_templates(self) -> list[TemplateSource]:
        loader = jinja2.DictLoader({"township/report.md.j2": TEMPLATE})
        return [TemplateSource("township", loader=loader)]

    @hookimpl
    def epireport_register_validation_rules(self, institution: Institution) -> list:
        return [
            ValidationRule(
                code="calls-within-push",
                left="calls",
                operator="<=",
                right="push",
                importance="warning",
                description="回访次数一般不超过推送条数",
            )
        ]


def make_plugins() -> Plugins:
    return Plugins(make_plugin_manager(plugins=[Township()], autoload=False))


@pytest.fixture(autouse=True)
def _only_the_township(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_cmd, "_make_plugins", make_plugins)
    monkeypatch.setattr(Plugins, "create", classmethod(lambda cls, **kwargs: make_plugins()))


def province(tmp_path: Path, *, stated: int = 45, verified: int = 40, calls: int = 3) -> Path:
    """湖北 reports 45 itself; its cities 武汉 20, 宜昌 15 and 其他 9 add up to 44."""
    path = tmp_path / "hubei.yaml"
    path.write_text(
        "institution: township\nunit: hb\nperiod: 202002\n"
        "org_units:\n"
        "  - {code: hb, name: 湖北省}\n"
        "  - {code: wh, name: 武汉, parent: hb}\n"
        "  - {code: yc, name: 宜昌, parent: hb}\n"
        "  - {code: qt, name: 其他, parent: hb}\n"
        "values:\n"
        f"  - {{indicator: push, unit: hb, period: '202002', value: {stated}}}\n"
        f"  - {{indicator: verified, unit: hb, period: '202002', value: {verified}}}\n"
        f"  - {{indicator: calls, unit: hb, period: '202002', value: {calls}}}\n"
        "  - {indicator: push, unit: wh, period: '202002', value: 20}\n"
        "  - {indicator: push, unit: yc, period: '202002', value: 15}\n"
        "  - {indicator: push, unit: qt, period: '202002', value: 9}\n",
        encoding="utf-8",
    )
    return path


def test_a_stated_total_that_disagrees_with_its_parts_is_flagged_by_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Check names the stated figure, the sum of the children and the children themselves."""
    assert main(["check", str(province(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert "children-sum.push" in out
    assert "hb states push = 45, its children add up to 44 (wh 20、yc 15、qt 9)" in out


def test_the_fact_keeps_both_the_stated_figure_and_its_parts(tmp_path: Path) -> None:
    """The stated total wins, and the provenance lists the children's figures beside it."""
    report = epireport.load_input(province(tmp_path))
    facts = epireport.compute_facts(
        report, INSTITUTION, rules=make_plugins().validation_rules(INSTITUTION)
    )
    fact = facts.get("push")
    assert fact.value == 45
    assert fact.parts_sum == 44
    assert [v.unit for v in fact.sources] == ["hb"]
    assert sorted(v.unit for v in fact.parts_sources) == ["qt", "wh", "yc"]
    assert [v.rule.code for v in fact.notes] == ["children-sum.push"]


def test_a_final_render_of_violating_data_stops_with_the_violations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Render exits 2, lists every error with its unit and both sides, and writes nothing."""
    data = province(tmp_path, verified=50)
    out = tmp_path / "summary.txt"
    assert main(["render", str(data), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "part-within-whole.verified" in err
    assert "children-sum.push" in err
    assert "unit hb, period 202002" in err
    assert not out.exists()
    with pytest.raises(RuleViolationError) as caught:
        epireport.render_report(data)
    assert {v.rule.code for v in caught.value.violations} == {
        "part-within-whole.verified",
        "children-sum.push",
    }


def test_a_draft_renders_and_carries_the_violations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--draft writes the document; its JSON meta lists the violations, stderr says them."""
    data = province(tmp_path)
    assert main(["render", str(data), "--draft", "-f", "json"]) == 0
    captured = capsys.readouterr()
    meta = json.loads(captured.out)["meta"]
    assert [v["rule"] for v in meta["violations"]] == ["children-sum.push"]
    assert meta["violations"][0]["left"] == "45"
    assert meta["violations"][0]["right"] == "44"
    assert "children-sum.push" in captured.err
    html = epireport.render_report(data, format="html", draft=True).output
    assert "数据校验未通过" in html


def test_allow_violations_renders_a_final_document_that_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An explicit --allow-violations writes the final text; the JSON keeps the violations."""
    data = province(tmp_path)
    assert main(["render", str(data), "--allow-violations"]) == 0
    assert "核查推送信息45条" in capsys.readouterr().out
    rendered = epireport.render_report(data, format="json", allow_violations=True)
    assert json.loads(rendered.output)["meta"]["violations"][0]["importance"] == "error"


def test_warnings_never_stop_a_render_and_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warning-level rule is printed and kept in the JSON; the render succeeds."""
    data = province(tmp_path, stated=44, calls=60)
    assert main(["render", str(data), "-f", "json"]) == 0
    captured = capsys.readouterr()
    assert "warning: calls-within-push" in captured.err
    violations = json.loads(captured.out)["meta"]["violations"]
    assert [(v["rule"], v["importance"]) for v in violations] == [("calls-within-push", "warning")]


def test_data_that_agrees_renders_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stated total equal to its parts is no violation: exit 0, nothing on stderr."""
    assert main(["render", str(province(tmp_path, stated=44))]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "全省共核查推送信息44条，已核实40条。" in captured.out

"""The title of a summary: the template's ``#`` line, or a default made of names, never codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

import epireport
from epireport import (
    Indicator,
    IndicatorSet,
    Institution,
    OrgTree,
    OrgUnit,
    Period,
    Plugins,
    ReportInput,
    TemplateSource,
    hookimpl,
)
from epireport.cli import main
from epireport.document import Document, RenderedTitle, numbered
from epireport.testing import registered

#: A template with no ``# title`` line: the default title is the document's title.
UNTITLED = "{{ unit }}发放宣传单{{ figure('leaflets') }}。\n"
EXAMPLE = """\
institution: town
unit: cgz
unit_name: 城关镇
period: '202002'
values:
  leaflets: 12
"""


def _institution(title: str, example: Path | None = None) -> Institution:
    leaflets = Indicator(code="leaflets", name="宣传单", classifier="张")
    return Institution(
        code="town",
        title=title,
        indicator_sets=(IndicatorSet(code="publicity", title="宣传", indicators=(leaflets,)),),
        example=example,
    )


class _Town:
    """The test institution and its untitled template, as a plugin."""

    def __init__(self, institution: Institution, template: str = UNTITLED) -> None:
        self.institution = institution
        self.template = template

    @hookimpl
    def epireport_register_institutions(self) -> list[Institution]:
        return [self.institution]

    @hookimpl
    def epireport_register_templates(self) -> list[TemplateSource]:
        loader = jinja2.DictLoader({self.institution.template: self.template})
        return [TemplateSource("town", loader=loader)]


@pytest.fixture
def town() -> Iterator[Plugins]:
    """The plugins with the institution 城关镇, its unit code cgz."""
    with registered(_Town(_institution("城关镇"))) as plugins:
        yield plugins


def _report(**fields: Any) -> ReportInput:
    return ReportInput(institution="town", unit="cgz", period=Period.parse("202002"), **fields)


def _title(report: ReportInput, plugins: Plugins) -> str:
    return epireport.render_report(report, plugins=plugins, draft=True).document.title


class TestDefaultTitle:
    def test_a_title_that_is_the_unit_name_is_not_doubled(self, town: Plugins) -> None:
        """城关镇 reporting as the institution 城关镇 is titled 城关镇工作总结: one 城关镇."""
        assert _title(_report(unit_name="城关镇"), town) == "城关镇工作总结"

    def test_without_a_unit_name_the_code_is_not_written(self, town: Plugins) -> None:
        """No unit_name and no tree: the institution's title alone, never the code cgz."""
        assert _title(_report(), town) == "城关镇工作总结"

    def test_the_name_comes_from_the_org_tree(self) -> None:
        """Without unit_name, the tree's name for the unit heads the title."""
        tree = OrgTree((OrgUnit("cgz", "城关镇"),))
        with registered(_Town(_institution("卫生院"))) as plugins:
            assert _title(_report(tree=tree), plugins) == "城关镇卫生院工作总结"

    def test_a_tree_knowing_only_the_code_yields_to_unit_name(self) -> None:
        """A unit the tree names by its code (the store's unnamed unit) takes unit_name."""
        tree = OrgTree((OrgUnit("cgz", "cgz"),))
        with registered(_Town(_institution("卫生院"))) as plugins:
            report = _report(tree=tree, unit_name="城关镇")
            rendered = epireport.render_report(report, plugins=plugins, draft=True)
        assert rendered.document.title == "城关镇卫生院工作总结"
        assert rendered.document.meta.unit == "城关镇"
        assert "城关镇发放宣传单" in str(rendered.output)

    @pytest.mark.parametrize(
        ("unit_name", "title", "expected"),
        [
            ("城关区", "区委宣传部", "城关区区委宣传部工作总结"),
            ("城关镇", "城关镇卫生院", "城关镇卫生院工作总结"),
            ("阳光花园物业服务中心", "物业服务中心", "阳光花园物业服务中心工作总结"),
            ("城关镇", "城关镇疫情防控工作总结", "城关镇疫情防控工作总结"),
        ],
    )
    def test_no_name_is_written_twice(self, unit_name: str, title: str, expected: str) -> None:
        """The unit's name and the institution's title are joined without repeating either."""
        with registered(_Town(_institution(title))) as plugins:
            assert _title(_report(unit_name=unit_name), plugins) == expected

    def test_the_reports_title_is_taken_as_it_is(self, town: Plugins) -> None:
        """A report's own title replaces the default whole."""
        report = _report(unit_name="城关镇", title="城关镇二月份爱国卫生工作小结")
        assert _title(report, town) == "城关镇二月份爱国卫生工作小结"

    def test_a_blank_title_is_no_title(self, town: Plugins) -> None:
        """A title of spaces is not written: the default stands in."""
        assert _title(_report(unit_name="城关镇", title="  "), town) == "城关镇工作总结"

    def test_the_templates_title_line_wins(self) -> None:
        """A ``#`` line in the template is the title, whatever the default would be."""
        plugin = _Town(_institution("城关镇"), "# {{ unit }}二月工作总结\n" + UNTITLED)
        with registered(plugin) as plugins:
            assert _title(_report(unit_name="城关镇"), plugins) == "城关镇二月工作总结"


class TestDraftTitle:
    @pytest.fixture
    def example(self, tmp_path: Path) -> Iterator[Plugins]:
        """The institution 卫生院 whose example names its unit only by unit_name (no tree)."""
        path = tmp_path / "example.yaml"
        path.write_text(EXAMPLE, encoding="utf-8")
        with registered(_Town(_institution("卫生院", example=path))) as plugins:
            yield plugins

    def test_the_skeleton_of_the_demo_uses_the_unit_name(self, example: Plugins) -> None:
        """The demo's skeleton (through the store) is titled by 城关镇, not by cgz."""
        report = epireport.skeleton_input(epireport.demo_input("town", plugins=example))
        assert not report.values
        assert _title(report, example) == "城关镇卫生院工作总结"

    def test_demo_draft_on_the_command_line(
        self,
        example: Plugins,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """``epireport demo town --draft`` prints the draft titled with the unit's name."""
        monkeypatch.setattr(Plugins, "create", classmethod(lambda cls, **kwargs: example))
        assert main(["demo", "town", "--draft"]) == 0
        lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
        assert "城关镇卫生院工作总结" in lines[:2]
        assert "cgz" not in "\n".join(lines)


class TestNoTitle:
    """A report whose title is None has none: not the template's, not the default."""

    @pytest.mark.parametrize("template", [UNTITLED, "# {{ unit }}二月工作总结\n" + UNTITLED])
    @pytest.mark.parametrize("fmt", ["text", "markdown", "html", "docx", "json"])
    def test_no_title_in_any_format(self, template: str, fmt: str) -> None:
        """The document has no title, the walk no title event; every format starts with the text."""
        with registered(_Town(_institution("城关镇"), template)) as plugins:
            report = _report(unit_name="城关镇", title=None, values=())
            rendered = epireport.render_report(report, format=fmt, plugins=plugins, draft=True)
        assert rendered.document.title is None
        events = list(numbered(rendered.document))
        assert not any(isinstance(e, RenderedTitle) for e in events)
        if fmt in ("text", "markdown"):
            body = [line for line in str(rendered.output).splitlines() if line.strip()]
            assert "工作总结" not in body[1]  # the draft mark, then the first paragraph
            assert "城关镇发放宣传单" in body[1]

    def test_a_document_without_title_round_trips_through_json(self, town: Plugins) -> None:
        """to_dict writes title null and from_dict reads it back equal."""
        report = _report(unit_name="城关镇", title=None)
        document = epireport.render_report(report, plugins=town, draft=True).document
        data = document.to_dict()
        assert data["title"] is None
        assert Document.from_dict(data) == document

    def test_a_report_title_must_be_text_or_none(self) -> None:
        """Any other value is a ModelError naming the field."""
        with pytest.raises(
            epireport.ModelError, match=r"ReportInput\.title: expected a text or None"
        ):
            _report(title=3)


@pytest.mark.parametrize("code", ["district-publicity", "education-bureau", "property-company"])
def test_reference_drafts_are_titled_by_names(code: str) -> None:
    """Each reference institution's demo skeleton has a title without its unit's code."""
    pytest.importorskip(f"epireport_{code.replace('-', '_')}")
    report = epireport.skeleton_input(epireport.demo_input(code))
    title = epireport.render_report(report, draft=True).document.title
    assert report.unit not in title

"""No silent structure loss and errors with a place: empty sections, names, narrative defaults."""

# Template lines are whole prose paragraphs, one per line as the markup wants them.
# ruff: noqa: E501

from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from epireport._plugins import Plugins
from epireport.document import Meta, RenderedHeading, RenderedParagraph, numbered
from epireport.exceptions import (
    EpireportTemplateWarning,
    ModelError,
    RenderError,
    TemplateError,
)
from epireport.model._institution import Institution, NarrativeInput
from epireport.model._report import ReportInput
from epireport.narrative._compose import compose
from epireport.narrative._environment import keep_line_ends
from epireport.narrative._markup import parse_markup
from epireport.narrative._static_facts import StaticFacts

MakePlugins = Callable[..., Plugins]

HEAD = "# 工作总结\n## 宣传\n共发布{{ figure('billboards') }}。\n"


def headings(doc: object) -> list[str]:
    return [e.full for e in numbered(doc) if isinstance(e, RenderedHeading)]  # type: ignore[arg-type]


class TestLineEnds:
    """The cause of the vanished section: whitespace control joining a line to a heading."""

    def test_a_set_tag_after_a_heading_no_longer_joins_the_next_line(
        self,
        plugins_for: MakePlugins,
        institution: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """{%- set %} right under ## 消毒工作情况 keeps the heading and its section (issue 19)."""
        template = (
            HEAD
            + '## 消毒工作情况\n{%- set spraying = measure("garbage") %}\n生活垃圾清运{{ spraying.frequency.label }}。\n## 下一步\n继续。\n'
        )
        doc = compose(
            report,
            institution,
            StaticFacts(full_values),
            plugins_for({"demo/report.md.j2": template}),
        )
        assert headings(doc) == ["一、宣传", "二、消毒工作情况", "三、下一步"]

    def test_joining_a_paragraph_to_the_line_above_still_works(self) -> None:
        """Only headings, fences and directives are protected; prose lines still join."""
        assert keep_line_ends("共发布3块\n{%- if x %}，另有2条{% endif %}") == (
            "共发布3块\n{%- if x %}，另有2条{% endif %}"
        )
        assert keep_line_ends("## 标题\n\n  {%- set a = 1 %}") == "## 标题\n\n  {%  set a = 1 %}"
        assert keep_line_ends("::: shi\n{{- x }}") == "::: shi\n{{  x }}"
        assert keep_line_ends("@closing\n{#- note #}") == "@closing\n{#  note #}"


def test_a_heading_joined_to_the_line_above_is_an_error(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
) -> None:
    """A tag ending a line eats its break: the heading below is named, not silently merged."""
    template = HEAD + "共发布横幅。{% if true %}{% endif %}\n## 下一步\n继续。\n"
    plugins = plugins_for({"demo/report.md.j2": template})
    with pytest.raises(TemplateError) as info:
        compose(report, institution, StaticFacts(full_values), plugins)
    assert str(info.value).startswith(
        "template 'demo/report.md.j2', line 5: the heading ## '下一步' is joined to the text "
        "before it"
    )


class TestEmptySections:
    """A heading with nothing printed under it: an error in final mode, a warning in drafts."""

    TEMPLATE = HEAD + "## 消毒工作情况\n{% if false %}喷洒。{% endif %}\n## 下一步\n继续。\n"

    def test_final_mode_names_heading_template_and_line(
        self,
        plugins_for: MakePlugins,
        institution: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """The error names the heading, the template and the line the heading is written on."""
        plugins = plugins_for({"demo/report.md.j2": self.TEMPLATE})
        with pytest.raises(TemplateError) as info:
            compose(report, institution, StaticFacts(full_values), plugins)
        assert info.value.problems == (
            "template 'demo/report.md.j2', line 4: the section '消毒工作情况' is empty, nothing is "
            "printed under its heading; write its text under the heading, or put '@optional' "
            "on the line under the heading if the section may be left out",
        )

    def test_a_heading_in_an_extended_template_is_found_there(
        self,
        plugins_for: MakePlugins,
        institution: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """The line is the one of the template that writes the heading, not the child's."""
        base = "# 总结\n## {{ unit }}宣传情况\n{% block body %}{% endblock %}\n## 下一步\n继续。\n"
        child = "{% extends 'base.md.j2' %}{% block body %}{% endblock %}"
        plugins = plugins_for({"base.md.j2": base, "demo/report.md.j2": child})
        with pytest.raises(
            TemplateError, match=r"^template 'base.md.j2', line 2: the section '城关区宣传情况'"
        ):
            compose(report, institution, StaticFacts(full_values), plugins)

    def test_drafts_warn_every_time(
        self,
        plugins_for: MakePlugins,
        institution: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """A draft is written without the section and warns, also when its shape is known."""
        plugins = plugins_for({"demo/report.md.j2": self.TEMPLATE})
        for _ in range(3):
            with pytest.warns(EpireportTemplateWarning, match="line 4: the section '消毒工作情况'"):
                doc = compose(report, institution, StaticFacts(full_values), plugins, draft=True)
            assert headings(doc) == ["一、宣传", "二、下一步"]

    def test_optional_sections_disappear_quietly(
        self,
        plugins_for: MakePlugins,
        institution: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """@optional in the section (and in a parent, for its subsections) allows it."""
        template = (
            HEAD
            + "## 消毒工作情况\n@optional\n{% if false %}喷洒。{% endif %}\n"
            + "## 其他\n@optional\n### 小节\n## 下一步\n继续。\n"
        )
        doc = compose(
            report,
            institution,
            StaticFacts(full_values),
            plugins_for({"demo/report.md.j2": template}),
        )
        assert headings(doc) == ["一、宣传", "二、下一步"]

    def test_sections_emptied_by_omitted_figures_still_vanish(
        self,
        plugins_for: MakePlugins,
        institution: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """Printed lines that all went with zero figures are the designed omission, no error."""
        template = HEAD + "## 横幅\n发布{{ figure('banners') }}。\n## 下一步\n继续。\n"
        plugins = plugins_for({"demo/report.md.j2": template})
        values = {**full_values, "banners": 0}
        doc = compose(report, institution, StaticFacts(values), plugins)
        assert headings(doc) == ["一、宣传", "二、下一步"]

    def test_optional_outside_a_section_is_an_error(self) -> None:
        """@optional before any heading, or with an argument, says where it belongs."""
        meta = Meta("demo", "城关区", "202002")
        with pytest.raises(TemplateError, match="@optional belongs under a heading"):
            parse_markup("# T\n@optional\n正文。", [], meta)
        with pytest.raises(TemplateError, match="@optional takes nothing after it"):
            parse_markup("# T\n## 节\n@optional yes\n正文。", [], meta)


class TestNarrativeDefaults:
    """Optional narrative inputs render as absent; required ones are named when missing."""

    @pytest.fixture
    def with_inputs(self, institution: Institution) -> Institution:
        return attrs.evolve(
            institution,
            narrative_inputs=(
                *institution.narrative_inputs,
                NarrativeInput(code="note", title="说明"),
                NarrativeInput(code="media", title="媒体", kind="list", default=["区融媒体中心"]),
                NarrativeInput(code="owner", title="负责人", required=True),
            ),
        )

    def test_missing_optional_inputs_render_as_absent_or_their_default(
        self,
        plugins_for: MakePlugins,
        with_inputs: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """narrative.note is "", narrative.media its declared default; `in` tells they were left out."""
        template = "# T\n甲{{ narrative.note }}乙。{{ items(narrative['media']) }}。{{ 'note' in narrative }}。{{ narrative.owner }}。\n"
        report = attrs.evolve(report, narrative={**report.narrative, "owner": "王"})
        doc = compose(
            report,
            with_inputs,
            StaticFacts(full_values),
            plugins_for({"demo/report.md.j2": template}),
        )
        texts = [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph)]
        assert texts == ["甲乙。区融媒体中心。False。王。"]

    def test_a_missing_required_input_is_named_in_final_mode_and_xx_in_drafts(
        self,
        plugins_for: MakePlugins,
        with_inputs: Institution,
        report: ReportInput,
        full_values: dict[str, int],
    ) -> None:
        """The error names the key and its title; a draft writes the placeholder."""
        plugins = plugins_for({"demo/report.md.j2": "# T\n负责人{{ narrative.owner }}。\n"})
        with pytest.raises(
            RenderError, match=r"required narrative input 'owner' \(负责人\) is missing"
        ):
            compose(report, with_inputs, StaticFacts(full_values), plugins)
        doc = compose(report, with_inputs, StaticFacts(full_values), plugins, draft=True)
        assert [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph)] == ["负责人xx。"]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"default": 3}, "expected a text for the text input 'x', got 3"),
            ({"kind": "flag", "default": "yes"}, "expected True or False"),
            ({"kind": "list", "default": [1]}, "expected a list of texts"),
            ({"required": True, "default": "甲"}, "the required input 'x' has no default"),
        ],
    )
    def test_defaults_are_checked_against_the_kind(
        self, kwargs: dict[str, object], message: str
    ) -> None:
        """A default of the wrong kind, or on a required input, is a ModelError naming it."""
        with pytest.raises(ModelError, match=message):
            NarrativeInput(code="x", title="某", **kwargs)  # type: ignore[arg-type]


def test_a_template_file_is_read_from_disk_and_re_read_when_saved(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
    tmp_path: Path,
) -> None:
    """compose(template=Path) reads the file each time; its extends reach the sources."""
    plugins = plugins_for({"base.md.j2": "# 总结\n{% block body %}原文。{% endblock %}\n"})
    path = tmp_path / "draft.md.j2"
    path.write_text(
        "{% extends 'base.md.j2' %}{% block body %}第一稿。{% endblock %}", encoding="utf-8"
    )
    first = compose(report, institution, StaticFacts(full_values), plugins, template=path)
    path.write_text(
        "{% extends 'base.md.j2' %}{% block body %}第二稿。{% endblock %}", encoding="utf-8"
    )
    second = compose(report, institution, StaticFacts(full_values), plugins, template=path)
    assert [e.text for e in numbered(first) if isinstance(e, RenderedParagraph)] == ["第一稿。"]
    assert [e.text for e in numbered(second) if isinstance(e, RenderedParagraph)] == ["第二稿。"]
    with pytest.raises(TemplateError, match=r"template file .*nowhere\.md\.j2' not found"):
        compose(
            report,
            institution,
            StaticFacts(full_values),
            plugins,
            template=tmp_path / "nowhere.md.j2",
        )


class TestNamesAtLoad:
    """Names, filters and tests are checked when the template loads, with the fix."""

    def check(self, templates: dict[str, str], institution: Institution) -> tuple[str, ...]:
        import jinja2

        from epireport.narrative._environment import build_environment, check_template_references

        env = build_environment(jinja2.DictLoader(templates))
        try:
            check_template_references(env, institution)
        except TemplateError as exc:
            return exc.problems
        return ()

    def test_names_bound_anywhere_in_the_closure_count(self, institution: Institution) -> None:
        """A loop variable used by an included template, a parent's set used by a block."""
        assert (
            self.check(
                {
                    "base.md.j2": "# T\n{% set who = unit %}{% block body %}{% endblock %}",
                    "demo/report.md.j2": (
                        "{% extends 'base.md.j2' %}{% block body %}{{ who }}"
                        "{% for row in [1, 2] %}{% include 'row.md.j2' %}{% endfor %}{% endblock %}"
                    ),
                    "row.md.j2": "{{ row }}{{ loop.index }}",
                },
                institution,
            )
            == ()
        )

    def test_unknown_tests_and_misspelled_templates_get_a_suggestion(
        self, institution: Institution
    ) -> None:
        """{% if x is nmber %} and an include of a misspelled name each name the fix."""
        problems = self.check(
            {"demo/report.md.j2": "# T\n{% if 3 is nmber %}x{% endif %}\n"}, institution
        )
        assert problems == (
            "template 'demo/report.md.j2', line 2: no test named 'nmber'; did you mean 'number'?",
        )
        (missing,) = self.check(
            {"demo/report.md.j2": "# T\n{% include 'rwo.md.j2' %}", "row.md.j2": "行"},
            institution,
        )
        assert missing.endswith(
            "not found ('demo/report.md.j2', line 2, refers to it); did you mean 'row.md.j2'?"
        )

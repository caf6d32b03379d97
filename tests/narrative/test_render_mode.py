"""render_mode(): what template helpers read of the report being composed."""

from collections.abc import Callable

import attrs
import jinja2
import pytest

from epireport._plugins import Plugins, hookimpl
from epireport.document import RenderedParagraph, numbered
from epireport.exceptions import TemplateError
from epireport.model._institution import Institution
from epireport.model._report import ReportInput
from epireport.narrative import RenderMode, compose, render_mode
from epireport.narrative._static_facts import StaticFacts

MakePlugins = Callable[..., Plugins]


class ModeHelper:
    """A plugin whose template global writes the mode it reads, as plugin helpers do."""

    @staticmethod
    @hookimpl
    def epireport_prepare_environment(env: jinja2.Environment, institution: object) -> None:
        def mode() -> str:
            current = render_mode()
            return f"{'草稿' if current.draft else '定稿'}{current.placeholder}"

        env.globals["mode"] = mode


def composed(
    plugins_for: MakePlugins, institution: Institution, report: ReportInput, **options: object
) -> list[str]:
    plugins = plugins_for({"demo/report.md.j2": "# T\n本稿为{{ mode() }}。"}, ModeHelper)
    doc = compose(report, institution, StaticFacts({}), plugins, **options)  # type: ignore[arg-type]
    return [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph)]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "本稿为定稿xx。"),
        ({"draft": True}, "本稿为草稿xx。"),
        ({"draft": True, "placeholder": "某某"}, "本稿为草稿某某。"),
    ],
)
def test_helpers_read_the_draft_switch_and_placeholder(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    options: dict[str, object],
    expected: str,
) -> None:
    """A helper sees the draft switch and placeholder that compose was given."""
    assert composed(plugins_for, institution, report, **options) == [expected]


def test_outside_a_render_is_an_error() -> None:
    """Outside compose there is no report, so render_mode raises TemplateError."""
    with pytest.raises(TemplateError, match="only while a report is composed"):
        render_mode()


def test_the_mode_is_a_frozen_record() -> None:
    """A helper cannot change the render through the record it is given."""
    mode = RenderMode(draft=True, placeholder="xx")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        mode.draft = False  # type: ignore[misc]

"""The Jinja2 environment: settings, caching, sandbox and the load-time reference check."""

from collections.abc import Callable

import jinja2
import pytest

from epireport._plugins import Plugins
from epireport.exceptions import TemplateError
from epireport.model._institution import Institution
from epireport.narrative._environment import (
    build_environment,
    check_template_references,
    environment_for,
    template_closure,
)
from epireport.narrative._markup import strip_markers

MakePlugins = Callable[..., Plugins]


def env_of(templates: dict[str, str], *, sandboxed: bool = False) -> jinja2.Environment:
    return build_environment(jinja2.DictLoader(templates), sandboxed=sandboxed)


def test_strict_undefined() -> None:
    """An unknown variable is an error, not a blank."""
    env = env_of({"t.md.j2": "{{ nothing }}"})
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("t.md.j2").render()


def test_whitespace_control() -> None:
    """Block tags leave no blank lines or indentation behind."""
    env = env_of({"t.md.j2": "a\n  {% if true %}\nb\n  {% endif %}\nc\n"})
    assert env.get_template("t.md.j2").render() == "a\nb\nc"


def test_autoescape_by_output_format() -> None:
    """Markup templates are not escaped; HTML templates are."""
    env = env_of({"t.md.j2": "{{ x }}", "t.html": "{{ x }}"})
    assert env.get_template("t.md.j2").render(x="<b>&") == "<b>&"
    assert env.get_template("t.html").render(x="<b>&") == "&lt;b&gt;&amp;"


def test_expression_output_never_spans_lines() -> None:
    """A value with line breaks is printed on one line, so it cannot start a heading."""
    env = env_of({"t.md.j2": "正文{{ x }}"})
    assert env.get_template("t.md.j2").render(x="甲\n## 乙") == "正文甲## 乙"


def test_sandbox_refuses_dunder_access() -> None:
    """The sandboxed environment refuses ''.__class__-style access."""
    env = env_of({"t.md.j2": "{{ ''.__class__.__mro__ }}"}, sandboxed=True)
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.get_template("t.md.j2").render()


def test_environment_cached_per_plugins_and_institution(
    plugins_for: MakePlugins, institution: Institution
) -> None:
    """One environment per Plugins object and institution; templates compile once."""
    plugins = plugins_for({"demo/report.md.j2": "# T"})
    entry = environment_for(plugins, institution)
    assert environment_for(plugins, institution) is entry
    assert environment_for(plugins, institution, sandboxed=True) is not entry
    template = entry.env.get_template("demo/report.md.j2")
    assert entry.env.get_template("demo/report.md.j2") is template
    other = plugins_for({"demo/report.md.j2": "# T"})
    assert environment_for(other, institution) is not entry


def test_prepare_environment_hook_runs(plugins_for: MakePlugins, institution: Institution) -> None:
    """Plugins' epireport_prepare_environment sees the environment and the institution."""
    from epireport._plugins import hookimpl

    seen: list[str] = []

    class Prepare:
        @staticmethod
        @hookimpl
        def epireport_prepare_environment(env: jinja2.Environment, institution: object) -> None:
            seen.append(getattr(institution, "code", ""))
            env.filters["hu"] = lambda n: f"{n}户"

    plugins = plugins_for({"demo/report.md.j2": "# T"}, Prepare)
    entry = environment_for(plugins, institution)
    assert seen == ["demo"]
    assert strip_markers(entry.env.from_string("{{ 3 | hu }}").render()) == "3户"


def test_misspelled_indicator_is_error_at_load(institution: Institution) -> None:
    """A misspelled code is a TemplateError naming template, line and code."""
    env = env_of({"demo/report.md.j2": '# T\n\n共发布{{ figure("bilboards") }}。\n'})
    with pytest.raises(TemplateError) as info:
        check_template_references(env, institution)
    message = str(info.value)
    assert "'demo/report.md.j2'" in message
    assert "line 3" in message
    assert "'bilboards'" in message
    assert "did you mean 'billboards'" in message


def test_reference_check_follows_extends_and_includes(institution: Institution) -> None:
    """Codes in extended and included templates are checked, named by their own template."""
    env = env_of(
        {
            "base.md.j2": "# T\n{% block body %}{% endblock %}\n{% include 'part.md.j2' %}",
            "part.md.j2": '{{ count_list(["billboards", "screenz"]) }}',
            "demo/report.md.j2": "{% extends 'base.md.j2' %}{% block body %}正文{% endblock %}",
        }
    )
    assert set(template_closure(env, "demo/report.md.j2")) == {
        "demo/report.md.j2",
        "base.md.j2",
        "part.md.j2",
    }
    with pytest.raises(TemplateError, match=r"'part.md.j2', line 1: unknown indicator 'screenz'"):
        check_template_references(env, institution)


def test_reference_check_reads_prefix_keys_and_narrative(institution: Institution) -> None:
    """prefix= keys and narrative.<name> are checked too; every problem is listed, one a line."""
    env = env_of(
        {
            "demo/report.md.j2": (
                '{{ count_list(["billboards"], prefix={"bilboards": "x"}) }}\n'
                "{{ narrative.plan }}\n{{ has('leaflets') }}{{ figure(code='leaflet') }}"
            )
        }
    )
    with pytest.raises(TemplateError) as info:
        check_template_references(env, institution)
    message = str(info.value)
    assert len(info.value.problems) == 3  # one problem per line
    assert message.splitlines() == list(info.value.problems)
    assert "'bilboards'" in message
    assert "narrative input 'plan'" in message
    assert "'leaflet'" in message


def test_valid_template_passes_check(institution: Institution) -> None:
    """A template using only known codes and inputs passes, as do dynamic arguments."""
    env = env_of(
        {
            "demo/report.md.j2": (
                '{% set codes = ["leaflets"] %}'
                '{{ figure("leaflets") }}{{ count_list(["billboards", "screens"]) }}'
                "{% for c in codes %}{{ figure(c) }}{% endfor %}{{ narrative.plans }}"
            )
        }
    )
    check_template_references(env, institution)


def test_missing_included_template_is_named(institution: Institution) -> None:
    """An include of a template that does not exist names both templates."""
    env = env_of({"demo/report.md.j2": "# T\n{% include 'nowhere.md.j2' %}"})
    with pytest.raises(TemplateError, match=r"'nowhere.md.j2' not found.*'demo/report.md.j2'"):
        check_template_references(env, institution)


def test_syntax_error_is_template_error(institution: Institution) -> None:
    """A template that does not parse is a TemplateError with its line."""
    env = env_of({"demo/report.md.j2": "# T\n{% if %}"})
    with pytest.raises(TemplateError, match="line 2"):
        check_template_references(env, institution)

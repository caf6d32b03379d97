"""The template reference (docs/reference/templates.md): generated, complete and up to date.

Run this file as a script to rewrite the page after the environment changed:
``python tests/narrative/test_template_reference.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import jinja2.nodes as nodes
import pytest

from epireport._plugins import Plugins
from epireport.narrative import build_environment, template_reference
from epireport.narrative._reference import (
    GROUPS,
    jinja2_builtins,
    reference_environment,
    template_api,
)

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reference" / "templates.md"
REFERENCE_TEMPLATES = sorted(ROOT.glob("plugins/*/src/*/templates/*/*.j2"))

#: Names whose docstring is still missing, each with where it belongs. Strict: an entry that
#: got its docstring fails the test below until it is removed here.
KNOWN_UNDOCUMENTED: dict[tuple[str, str], str] = {}


def test_every_name_has_a_docstring() -> None:
    """Every global, filter and test of the environment has a docstring summary."""
    missing = {(t.kind, t.name) for t in template_api() if not t.summary}
    assert missing == set(KNOWN_UNDOCUMENTED), (
        f"add a docstring to {sorted(missing - set(KNOWN_UNDOCUMENTED))}; "
        f"remove {sorted(set(KNOWN_UNDOCUMENTED) - missing)} from KNOWN_UNDOCUMENTED"
    )


def test_every_name_is_grouped_and_every_group_member_exists() -> None:
    """Each name of the environment is in one group of GROUPS, and GROUPS names no stale one."""
    api = {(t.kind, t.name): t.group for t in template_api()}
    assert [name for name, group in api.items() if group == "Not yet grouped"] == []
    members = [member for _, _, group_members in GROUPS for member in group_members]
    assert len(members) == len(set(members))
    assert set(members) == set(api)


def test_the_reference_leaves_out_jinja2s_own_names() -> None:
    """Jinja2's defaults are listed briefly, apart; a name epireport replaces counts as its own."""
    api = {(t.kind, t.name) for t in template_api()}
    builtins = jinja2_builtins()
    assert ("filter", "join") in api
    assert "join" not in builtins["filter"]
    assert "length" in builtins["filter"]
    assert "range" in builtins["global"]
    assert not any((kind, name) in api for kind, names in builtins.items() for name in names)


def test_a_new_global_shows_up_ungrouped_and_undocumented() -> None:
    """A function added to the environment without a docstring or group is visible as such."""

    def shiny(code):  # type: ignore[no-untyped-def]  # no docstring on purpose
        return code

    env = reference_environment()
    env.globals["shiny"] = shiny
    entry = next(t for t in template_api(env) if t.name == "shiny")
    assert (entry.kind, entry.group, entry.summary) == ("global", "Not yet grouped", "")
    assert entry.signature == "shiny(code)"
    page = template_reference(env)
    assert "## Not yet grouped" in page
    assert "*(no docstring)*" in page


def test_signatures_and_modes() -> None:
    """Filters show their piped value, and draft/final sentences come from the docstring."""
    api = {(t.kind, t.name): t for t in template_api()}
    assert api["global", "figure"].signature.startswith("figure(code, unit=None, period=None, *")
    assert api["filter", "date"].signature == "value | date(*, with_year=True)"
    assert api["filter", "cn_count"].signature == "value | cn_count"
    assert api["filter", "join"].signature == "value | join(d='', attribute=None)"
    assert "draft mode" in api["global", "figure"].modes
    assert "final mode" in api["global", "figure"].modes
    assert "`MissingFigureError`" in api["global", "figure"].modes
    assert api["global", "items"].modes == ""  # "the final two" is not final mode


def test_the_page_is_up_to_date() -> None:
    """docs/reference/templates.md is exactly what the environment generates today."""
    assert PAGE.read_text(encoding="utf-8") == template_reference(), (
        "the template environment changed: run python tests/narrative/test_template_reference.py"
    )


def test_the_page_and_the_text_name_every_entry() -> None:
    """Both forms list every name with its signature, and the render context."""
    page = template_reference()
    text = template_reference(form="text")
    for entry in template_api():
        assert f"`{entry.signature}` ({entry.kind})" in page
        assert f"  {entry.signature}    [{entry.kind}]" in text
    for variable in ("report", "unit", "period_label", "narrative", "draft"):
        assert f"`{variable}`" in page
        assert f"`{variable}`" in text
    assert "``" not in text  # no reST literals left


def _plugin_helpers(template: Path) -> set[str]:
    """The globals, filters and tests the template's own plugin adds for its institution."""
    plugins = Plugins.create()
    env = build_environment(
        jinja2.DictLoader({}),
        prepare=lambda e: plugins.prepare_environment(e, template.parent.name),
    )
    reference = reference_environment()
    return (
        (set(env.globals) - set(reference.globals))
        | (set(env.filters) - set(reference.filters))
        | (set(env.tests) - set(reference.tests))
    )


@pytest.mark.parametrize("template", REFERENCE_TEMPLATES, ids=lambda p: p.parent.name)
def test_every_function_of_the_reference_templates_is_in_the_reference(template: Path) -> None:
    """Each global a reference template calls, each filter and test it uses, is documented.

    Names the template defines itself (macros, variables) and helpers its own plugin adds in
    ``epireport_prepare_environment`` are the plugin's to document.
    """
    env = reference_environment()
    tree = env.parse(template.read_text(encoding="utf-8"))
    own = {m.name for m in tree.find_all(nodes.Macro)}
    own |= {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    own |= _plugin_helpers(template)
    used = {
        ("global", c.node.name)
        for c in tree.find_all(nodes.Call)
        if isinstance(c.node, nodes.Name) and c.node.name not in own
    }
    used |= {("filter", f.name) for f in tree.find_all(nodes.Filter) if f.name not in own}
    used |= {("test", t.name) for t in tree.find_all(nodes.Test) if t.name not in own}
    assert used, "the template calls nothing: the walk is wrong"
    # Where each name is on the page: its entry, or Jinja2's list of built-ins.
    documented: dict[tuple[str, str], str] = {
        (t.kind, t.name): f"`{t.signature}` ({t.kind})" for t in template_api()
    }
    documented |= {(k, n): f"`{n}`" for k, names in jinja2_builtins().items() for n in names}
    assert sorted(used - set(documented)) == []
    page = PAGE.read_text(encoding="utf-8")
    assert [name for name in sorted(used) if documented[name] not in page] == []


def test_three_reference_templates() -> None:
    """The walk above covers the three reference institutions."""
    assert [p.parent.name for p in REFERENCE_TEMPLATES] == [
        "district-publicity",
        "education-bureau",
        "property-company",
    ]


def test_the_scaffold_template_links_the_reference() -> None:
    """The new-plugin template points its author at the reference, in a Jinja comment."""
    scaffold = ROOT / "src" / "epireport" / "_scaffold" / "report.md.j2.tmpl"
    assert (
        "{# Template reference: docs/reference/templates.md, or epireport plugins --template-api #}"
        in scaffold.read_text(encoding="utf-8")
    )


if __name__ == "__main__":
    PAGE.write_text(template_reference(), encoding="utf-8")
    sys.stdout.write(f"wrote {PAGE.relative_to(ROOT)}\n")

"""Lint rules as plugins: the built-in module registers through the hook; custom rules run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from epireport._builtins import lint_rules
from epireport._plugins import Plugins
from epireport.exceptions import ModelError, PluginError
from epireport.lint._document import Hit, LintDocument
from epireport.lint._lint import lint_text
from epireport.lint._rules import LintRule


def test_builtin_module_registers_through_the_hook() -> None:
    """The built-in rules module is a built-in plugin and contributes every built-in rule."""
    plugins = Plugins.create(autoload=False)
    registered = plugins.lint_rules()
    assert {rule.id for rule in lint_rules.BUILTIN_LINT_RULES} <= set(registered)


def no_wechat(doc: LintDocument) -> Iterator[Hit]:
    """Report 微信 (a house style rule of some institution)."""
    for paragraph in doc.paragraphs:
        offset = paragraph.text.find("微信")
        if offset != -1:
            yield doc.hit(paragraph, offset, "write 微信公众号")


def test_custom_rule_runs_with_its_id_and_severity() -> None:
    """A plugin's rule yields hits; the finding carries its id, severity and the path."""
    rule = LintRule("ACME001", "info", "house style", no_wechat, name="no-wechat")
    (finding,) = lint_text("通过微信宣传。", rules=[rule], path="a.txt")
    assert str(finding) == "a.txt:1:3: ACME001 [info] write 微信公众号"


def test_broken_rule_is_a_plugin_error() -> None:
    """A check that raises becomes a PluginError naming the rule."""

    def broken(doc: LintDocument) -> Iterator[Hit]:
        raise RuntimeError("boom")

    rule = LintRule("ACME002", "error", "broken", broken)
    with pytest.raises(PluginError, match="ACME002"):
        lint_text("正文。", rules=[rule])


def test_duplicate_rule_ids_are_refused() -> None:
    """Two rules with one id are a PluginError."""
    rule = LintRule("ACME001", "info", "house style", no_wechat)
    with pytest.raises(PluginError, match="ACME001"):
        lint_text("正文。", rules=[rule, rule])


def test_lint_rule_name_is_validated() -> None:
    """LintRule.name must be a lower-case slug."""
    with pytest.raises(ModelError, match=r"LintRule\.name"):
        LintRule("ACME001", "info", "house style", no_wechat, name="No Wechat")


def test_rules_may_be_given_as_the_plugins_mapping() -> None:
    """lint_text accepts Plugins.lint_rules() as it comes, a mapping of id to rule."""
    found = lint_text("共发放xx张。", rules=Plugins.create(autoload=False).lint_rules())
    assert [f.rule_id for f in found] == ["EPI101"]

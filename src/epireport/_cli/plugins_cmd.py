"""``epireport plugins``: list installed plugins and what they register."""

from __future__ import annotations

import json
from collections.abc import Mapping

import click

from epireport._plugins import PluginDescription, PluginKind, Plugins

__all__ = ["plugins"]

# (heading, attribute) in the order the text listing shows them
_REGISTRIES = (
    ("institutions", "institutions"),
    ("indicator sets", "indicator_sets"),
    ("formats", "formats"),
    ("templates", "templates"),
    ("input loaders", "input_loaders"),
    ("lint rules", "lint_rules"),
    ("stages", "stages"),
)


def _names(registry: Mapping[str, str]) -> str:
    return ", ".join(f"{name} ({title})" if title else name for name, title in registry.items())


def _text(description: PluginDescription) -> list[str]:
    where = description.kind.value
    if description.distribution:
        where += f", {description.distribution}"
        if description.version:
            where += f" {description.version}"
    lines = [f"{description.name}  [{where}]"]
    for heading, attribute in _REGISTRIES:
        registry: Mapping[str, str] = getattr(description, attribute)
        if registry:
            lines.append(f"  {heading}: {_names(registry)}")
    lines.append(f"  hooks: {', '.join(description.hooks) or 'none'}")
    return lines


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
@click.option(
    "--template-api",
    is_flag=True,
    help="Print the template reference instead: every global, filter and test templates can use.",
)
def plugins(as_json: bool, template_api: bool) -> None:
    """List installed plugins and what they register.

    Plugins load in a fixed order: built-ins, then entry points of the ``epireport`` group
    sorted by name, then plugins passed in code. EPIREPORT_LOAD_PLUGINS=a,b loads only those
    entry points, EPIREPORT_DISABLE_PLUGIN_AUTOLOAD=1 none, EPIREPORT_STRICT_PLUGINS=1 makes a
    broken plugin an error, EPIREPORT_TRACE_PLUGINS=1 prints every hook call.

    --template-api prints the template reference (docs/reference/templates.md) as plain text.
    """
    if template_api:
        from epireport.narrative._reference import template_reference

        click.echo(template_reference(form="text"), nl=False)
        return
    descriptions = Plugins.create().describe()
    if as_json:
        payload = [d.as_dict() for d in descriptions]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    third_party = sum(d.kind is not PluginKind.BUILTIN for d in descriptions)
    for description in descriptions:
        for line in _text(description):
            click.echo(line)
    click.echo(f"{len(descriptions)} plugins ({third_party} not built in)")

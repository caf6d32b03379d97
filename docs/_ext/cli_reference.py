"""A mkdocs hook: write the CLI reference from click itself, so the page cannot drift.

``docs/reference/cli.md`` holds the marker ``<!-- cli-reference -->``; when the page is built
the marker becomes the ``--help`` of ``epireport`` and of every command, in the order
``epireport --help`` lists them. Loaded by mkdocs.yml (``hooks:``); not part of epireport.
"""

from __future__ import annotations

from typing import Any

import click

MARKER = "<!-- cli-reference -->"
WIDTH = 100


def _help(command: click.Command, path: list[str], parent: click.Context | None) -> str:
    ctx = click.Context(
        command, info_name=path[-1], parent=parent, terminal_width=WIDTH, max_content_width=WIDTH
    )
    return command.get_help(ctx)


def cli_reference() -> str:
    """Return the Markdown of the CLI reference: one section and help text per command."""
    from epireport.cli import cli

    root = click.Context(
        cli,
        info_name="epireport",
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        **cli.context_settings,
    )
    parts = ["## epireport", "", "```text", cli.get_help(root), "```", ""]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        assert command is not None
        parts += [f"## epireport {name}", "", "```text", _help(command, [name], root), "```", ""]
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Replace the marker with the generated reference (mkdocs event)."""
    if MARKER in markdown:
        return markdown.replace(MARKER, cli_reference())
    return markdown

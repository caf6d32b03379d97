"""``epireport new-plugin``: scaffold an institution plugin distribution."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="new-plugin")
@click.argument("name")
@click.option(
    "--path",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Directory in which to create epireport-NAME.",
)
@click.option(
    "--title", default="示例单位", show_default=True, help="The institution's Chinese name."
)
def new_plugin(name: str, directory: Path, title: str) -> None:
    """Write a working plugin distribution epireport-NAME for the institution NAME.

    It holds a pyproject with the entry point, a package with one institution, one template
    and example data, and a test that passes. Install it with pip install -e, then run
    epireport demo NAME.
    """
    from epireport._scaffold import scaffold

    directory.mkdir(parents=True, exist_ok=True)
    root = scaffold(name, directory, title=title)
    click.echo(f"created {root}")
    click.echo(f"next: pip install -e '{root}[test]' && epireport demo {name}")

"""The ``epireport`` command line.

Commands live in their own modules under :mod:`epireport._cli` and are imported only when run, so
``epireport --help`` stays as light as ``import epireport``. Errors become one line on stderr:
exit status 2 for bad usage or bad input, 1 for findings (``check``, ``lint``), 0 otherwise.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from epireport._version import __version__
from epireport.exceptions import EpireportError, InputError, TemplateError

__all__ = ["main"]

#: name -> (module:attribute of the click command, short help shown by ``--help``)
#: Keeping the short help here means ``--help`` lists every command without importing any.
COMMANDS: dict[str, tuple[str, str]] = {}


def register_command(name: str, target: str, short_help: str) -> None:
    """Declare a lazily imported command: its ``module:attribute`` and its one-line help."""
    COMMANDS[name] = (target, short_help)


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        target, _ = COMMANDS[cmd_name]
        module_name, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="epireport")
def cli() -> None:
    """Write Chinese epidemic-prevention work summaries (工作总结) from data.

    Run 'epireport demo' to see a rendered example, 'epireport COMMAND --help' for a command.
    """


def _one_line(message: str) -> str:
    return " ".join(message.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status (the console script's entry point)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="epireport", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("epireport: aborted", err=True)
        return 130
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "epireport"
        click.echo(f"{where}: error: {_one_line(exc.format_message())}", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"epireport: error: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code
    except InputError as exc:
        # Every problem on its own line: the point of collecting them all is to show them all.
        for problem in exc.problems or [exc]:
            click.echo(f"epireport: error: {problem}", err=True)
        return 2
    except TemplateError as exc:
        # One problem per line, each naming its template, line and fix.
        for line in exc.problems:
            click.echo(f"epireport: error: {_one_line(line)}", err=True)
        return 2
    except EpireportError as exc:
        click.echo(f"epireport: error: {_one_line(str(exc))}", err=True)
        return 2
    except BrokenPipeError:
        return 0
    return result if isinstance(result, int) else 0


def run() -> None:  # pragma: no cover - exercised through the console script
    """Console-script wrapper around :func:`main`."""
    sys.exit(main())


register_command("plugins", "epireport._cli.plugins_cmd:plugins", "List plugins and what they add.")
register_command(
    "lint",
    "epireport._cli.lint_cmd:lint",
    "Check summaries for placeholders, malformed numbers and slips.",
)
register_command(
    "render", "epireport._cli.render_cmds:render", "Render a report input as a summary."
)
register_command(
    "demo", "epireport._cli.render_cmds:demo", "Render the example of each institution."
)
register_command(
    "preview",
    "epireport._cli.preview_cmd:preview",
    "Preview a template's draft and final in a browser, live.",
)
register_command(
    "check", "epireport._cli.check_cmd:check", "Validate a report input's data against the rules."
)
register_command("form", "epireport._cli.store_cmds:form", "Write a daily-report workbook.")
register_command("ingest", "epireport._cli.store_cmds:ingest", "Store daily reports in a store.")
register_command("export", "epireport._cli.store_cmds:export", "Export stored values (CSV, DHIS2).")
register_command(
    "new-plugin", "epireport._cli.new_plugin_cmd:new_plugin", "Scaffold an institution plugin."
)

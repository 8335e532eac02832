"""What every command module shares: the actor's name, error exits (``--config``:
``mailbot.app.command``)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from mailbot.errors import ConfigError, MailbotError

F = TypeVar("F", bound=Callable[..., Any])

# The command line's ``obj`` when it runs as mailbot's own program (``mailbot.cli.main.main``),
# not inside another (a test's CliRunner): only then may ``mailbot run`` fork the process.
PROGRAM = "mailbot"


def own_program() -> bool:
    """Whether this command runs as mailbot's own program."""
    return bool(click.get_current_context().find_root().obj == PROGRAM)


def by_option(what: str) -> Callable[[F], F]:
    """``--by NAME``: who did it, for the trail (default: the user running mailbot)."""
    return click.option(
        "--by", "actor", default=None, help=f"Who {what} (default: the user running mailbot)."
    )


def actor(given: str | None = None) -> str:
    """The officer's name for the trail: ``--by``, else the (sudo) user running the command."""
    return given or os.environ.get("SUDO_USER") or getpass.getuser()


class MailbotGroup(click.Group):
    """Turns mailbot's errors into a message and an exit code instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"mailbot: {exc}", err=True)
            ctx.exit(2)
        except MailbotError as exc:
            click.echo(f"mailbot: {exc}", err=True)
            ctx.exit(1)

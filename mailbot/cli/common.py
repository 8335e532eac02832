"""What every command module shares: ``--config`` handling, the actor's name, error exits."""

from __future__ import annotations

import functools
import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mailbot.cli.app import load_app
from mailbot.errors import ConfigError, MailbotError

F = TypeVar("F", bound=Callable[..., Any])


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: $MAILBOT_CONFIG, else /etc/mailbot/mailbot.toml).",
)


def with_app(command: F) -> F:
    """Add ``--config`` to a command and hand it the ``App``."""

    @config_option
    @functools.wraps(command)
    def wrapper(config_file: Path | None, **kwargs: Any) -> Any:
        app = load_app(config_file)
        try:
            return command(app, **kwargs)
        finally:
            app.close()

    return wrapper  # type: ignore[return-value]


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

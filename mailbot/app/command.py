"""How a command gets its ``App``: ``--config`` (else ``$MAILBOT_CONFIG``, else the default)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mailbot.app import load_app

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

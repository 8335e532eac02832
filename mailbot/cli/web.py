"""``mailbot web`` (the review pages) and ``mailbot users ...`` (who may log in to them)."""

from __future__ import annotations

import ipaddress
import logging
import signal
import sys

import click

from mailbot.cli import output
from mailbot.cli.app import App
from mailbot.cli.common import with_app
from mailbot.core.passwords import PasswordProblem
from mailbot.service import users as user_service

log = logging.getLogger(__name__)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@with_app
def web(app: App, host: str, port: int) -> None:
    """Serve the review pages (put a TLS reverse proxy in front of them)."""
    from mailbot.web.serve import server  # noqa: PLC0415 - only this command needs it

    if not _loopback(host):
        log.warning(
            "serving plain HTTP on %s: personal data would cross the network unencrypted; "
            "serve on 127.0.0.1 behind a TLS reverse proxy",
            host,
        )
    if not user_service.list_users(app.database):
        click.echo("mailbot: no users yet: add one with `mailbot users add NAME`", err=True)
    # uvicorn stops gracefully on SIGTERM/SIGINT and then raises the signal again for the
    # handler it found: make that one a clean exit, so that a stop is not a failure
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _exit_cleanly)
    server(app, host, port).run()


def _exit_cleanly(signum: int, frame: object) -> None:
    sys.exit(0)


@click.group()
def users() -> None:
    """Who may log in to the review pages (the officer, a deputy)."""


def _password(confirm: bool) -> str:
    """From standard input when it is not a terminal (one line), else asked twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=confirm))


@users.command("add")
@click.argument("name")
@click.option("--language", type=click.Choice(user_service.LANGUAGES), default=None,
              help="Language of the pages (default: [web] language).")  # fmt: skip
@click.option("--mailbox", "mailboxes", multiple=True,
              help="Only this mailbox (repeatable; default: every mailbox).")  # fmt: skip
@with_app
def users_add(app: App, name: str, language: str | None, mailboxes: tuple[str, ...]) -> None:
    """Add a user; the password is read from standard input when it is not a terminal."""
    for mailbox in mailboxes:
        app.settings.for_mailbox(mailbox)  # a name that is not configured is refused
    try:
        user_service.add_user(
            app.database, name, _password(True), language or app.settings.web.language,
            mailboxes,
        )  # fmt: skip
    except PasswordProblem as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"user {name} added")


@users.command("passwd")
@click.argument("name")
@with_app
def users_passwd(app: App, name: str) -> None:
    """Set a new password (the user's sessions end)."""
    try:
        user_service.set_password(app.database, name, _password(True))
    except PasswordProblem as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"password of {name} changed; their sessions have ended")


@users.command("remove")
@click.argument("name")
@with_app
def users_remove(app: App, name: str) -> None:
    """Remove a user (what they did stays in the audit trail)."""
    user_service.remove_user(app.database, name)
    click.echo(f"user {name} removed")


@users.command("list")
@with_app
def users_list(app: App) -> None:
    """The users, by name."""
    found = user_service.list_users(app.database)
    rows = [(u.name, u.language, ", ".join(u.mailboxes) or "all") for u in found]
    click.echo(output.table(("name", "language", "mailboxes"), rows))

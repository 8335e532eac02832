"""``mailbot users ...``: who may log in to the review pages (served by ``mailbot web``)."""

from __future__ import annotations

import sys

import click

from mailbot.app import App
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.core.passwords import PasswordProblem
from mailbot.service import users as user_service


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
        app.configuration.for_mailbox(mailbox)  # a name that is not configured is refused
    try:
        user_service.add_user(
            app.database, name, _password(True), language or app.configuration.web.language,
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

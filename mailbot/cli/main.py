"""``mailbot``: the command line. Every command takes ``--config`` (or ``MAILBOT_CONFIG``).

Exit codes: 0 done, 1 failed (the message says why), 2 the configuration is wrong.

What mailbot makes (the database, the demo's files) holds personal data: the
``mailbot`` command runs with umask 0077, so that it is its owner's only, whatever
umask it was started with.

A command imports what it uses when it is run: ``COMMANDS`` names where each one
lives and what ``mailbot --help`` says of it, so that the help, and every command the
officer types, does not wait for the worker, the web server and the mail libraries.
"""

from __future__ import annotations

import importlib
import os

import click

from mailbot import __version__, allocator, logs
from mailbot.cli.common import PROGRAM, MailbotGroup

# name: (module:attribute, the line ``mailbot --help`` shows); tests/cli check both
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "mailbot.cli.worker:run",
        "Run the worker: read the mailbox, make cases and drafts, send what was approved.",
    ),
    "status": (
        "mailbot.cli.worker:status",
        "Whether each mail source could be read, as the worker last found; what waits to be sent.",
    ),
    "check": (
        "mailbot.cli.check:check",
        "Check configuration, database, templates, mail servers and data sources; one line each.",
    ),
    "cases": ("mailbot.cli.cases:cases", "List, show and decide cases."),
    "drafts": (
        "mailbot.cli.drafts:drafts",
        "The replies mailbot proposes: review, edit, approve or reject them.",
    ),
    "outbox": (
        "mailbot.cli.drafts:outbox",
        "Approved mail: waiting, sent, or failed, with the server's answer.",
    ),
    "mails": ("mailbot.cli.mails:mails", "Every mail mailbot has read, by what became of it."),
    "quarantine": (
        "mailbot.cli.mails:quarantine",
        "Mails that could not be turned into a case, with the reason.",
    ),
    "digest": (
        "mailbot.cli.worker:digest_command",
        "Print today's digest for the officer (the worker mails it at [digest] at), per mailbox.",
    ),
    "register": (
        "mailbot.cli.register:register",
        "The register of handled requests: no names, addresses or mail text.",
    ),
    "purge": (
        "mailbot.cli.register:purge",
        "Delete the mails, drafts and addresses of cases that ended [retention] days ago, "
        "and the register rows of those that ended register_days ago.",
    ),
    "kept": (
        "mailbot.cli.kept:kept",
        "Data an erasure had to keep (invoices): until when, and which may now be erased.",
    ),
    "suppression": (
        "mailbot.cli.register:suppression",
        "The direct-marketing suppression list (keyed hashes of addresses).",
    ),
    "web": (
        "mailbot.web.command:web",
        "Serve the review pages (put a TLS reverse proxy in front of them).",
    ),
    "users": (
        "mailbot.cli.users:users",
        "Who may log in to the review pages (the officer, a deputy).",
    ),
    "db": ("mailbot.cli.worker:db", "The database."),
    "demo": (
        "mailbot.cli.demo:demo",
        "Run mailbot on a bundled sample mailbox; no mail server needed.",
    ),
}


def load_command(name: str) -> click.Command:
    """The command ``name``, its module imported now."""
    module, attribute = COMMANDS[name][0].split(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command), COMMANDS[name][0]
    return command


class Commands(MailbotGroup):
    """The commands of ``COMMANDS``, each imported when it is run (or its own help shown)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list in ``mailbot --help``, from the table: nothing is imported for it."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _short(COMMANDS[name][1], limit)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _short(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut between words as click cuts it."""
    if len(text) <= limit:
        return text
    return text[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:") + "..."


@click.group(cls=Commands)
@click.version_option(__version__, prog_name="mailbot")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default=None,
    help="Log level on standard error (default: info for run, warning otherwise).",
)
@click.pass_context
def cli(ctx: click.Context, log_level: str | None) -> None:
    """mailbot: GDPR requests that arrive by e-mail, as cases for the privacy officer."""
    logs.setup(log_level or ("info" if ctx.invoked_subcommand in ("run", "web") else "warning"))


def main() -> None:
    os.umask(0o077)  # before anything is made
    allocator.tune()  # before anything is allocated
    cli(prog_name="mailbot", obj=PROGRAM)

"""``mailbot quarantine ...`` and ``mailbot mails ...``: every mail, by what became of it."""

from __future__ import annotations

import sys

import click

from mailbot.app import App
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.ports import Outcome
from mailbot.service.cases import list_mails
from mailbot.service.intake import Intake
from mailbot.service.readers import ChildProcesses


@click.group()
def quarantine() -> None:
    """Mails that could not be turned into a case, with the reason."""


@quarantine.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def quarantine_list(app: App, as_json: bool) -> None:
    """Quarantined mails, oldest first."""
    found = list_mails(app.database, app.clock, Outcome.QUARANTINED)
    click.echo(output.views_json(found) if as_json else output.mails_table(found))


@quarantine.command("retry")
@click.argument("mail_id", type=int)
@with_app
def quarantine_retry(app: App, mail_id: int) -> None:
    """Process a quarantined mail again (after an update or a raised limit)."""
    with ChildProcesses(1) as reader:  # within intake.time_limit, as the worker reads
        result = Intake.for_mail(app.database, app.configuration, mail_id, reader).retry(mail_id)
    reference = f" {result.reference}" if result.reference else ""
    reason = f": {result.reason}" if result.outcome is Outcome.QUARANTINED else ""
    click.echo(f"mail {mail_id}: {result.outcome}{reference}{reason}")
    if result.outcome is Outcome.QUARANTINED and not result.read_again:
        sys.exit(1)


@click.group()
def mails() -> None:
    """Every mail mailbot has read, by what became of it."""


@mails.command("list")
@click.option(
    "--outcome",
    type=click.Choice([outcome.value for outcome in Outcome]),
    default=Outcome.IGNORED.value,
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def mails_list(app: App, outcome: str, as_json: bool) -> None:
    """Mails with one outcome: ignored machine mail, duplicates, ..."""
    found = list_mails(app.database, app.clock, outcome)
    click.echo(output.views_json(found) if as_json else output.mails_table(found))

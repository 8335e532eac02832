"""``mailbot quarantine ...`` and ``mailbot mails ...``: every mail, by what became of it."""

from __future__ import annotations

import sys

import click

from mailbot.app import App
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.cli.common import actor as actor_name
from mailbot.cli.common import by_option
from mailbot.ports import Outcome
from mailbot.service import quarantine as quarantined
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


@quarantine.command("show")
@click.argument("mail_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def quarantine_show(app: App, mail_id: int, as_json: bool) -> None:
    """Show a quarantined mail safely: its headers and text as text, attachments named only."""
    found = quarantined.show(app.database, app.clock, mail_id)
    click.echo(output.views_json(found) if as_json else quarantined_text(found))


@quarantine.command("open")
@click.argument("mail_id", type=int)
@by_option("decides it is a request")
@with_app
def quarantine_open(app: App, mail_id: int, actor: str | None) -> None:
    """Make a case of a quarantined mail: a request, its clock from its arrival. Then set its
    rights with mailbot cases reclassify."""
    with ChildProcesses(1) as reader:  # within intake.time_limit, as the worker reads
        result = quarantined.open_case(
            app.database, app.configuration, app.clock, mail_id,
            actor=actor_name(actor), reader=reader,
        )  # fmt: skip
    click.echo(
        f"mail {mail_id}: case {result.reference} made; it waits for your decision: "
        f"mailbot cases reclassify {result.reference} --rights ... (or none, with --note)"
    )


@quarantine.command("dismiss")
@click.argument("mail_id", type=int)
@click.option("--reason", required=True, help="Why it is no request (kept with the mail).")
@by_option("dismisses it")
@with_app
def quarantine_dismiss(app: App, mail_id: int, reason: str, actor: str | None) -> None:
    """Dismiss a quarantined mail: no request. Kept with who, when and why; it leaves the
    quarantine and is purged with the other mail that became no case."""
    found = quarantined.dismiss(app.database, app.clock, mail_id, actor_name(actor), reason)
    click.echo(f"mail {mail_id}: dismissed by {found.dismissed_by} at {found.dismissed_at}")


def quarantined_text(mail: quarantined.QuarantinedMail) -> str:
    """``quarantine show``: what the page shows, as text."""
    lines = [
        f"mail {mail.id} ({mail.mailbox}), arrived {mail.arrived_at}, {mail.size} bytes",
        f"outcome: {mail.outcome}" + (f" ({mail.case})" if mail.case else ""),
        f"reason:  {mail.reason}",
    ]
    if mail.dismissed_at:
        lines.append(
            f"dismissed by {mail.dismissed_by} at {mail.dismissed_at}: {mail.dismissal_reason}"
        )
    if not mail.readable:
        lines.append("its bytes were never read (too large): nothing to show")
        return "\n".join(lines)
    lines += [f"From:    {mail.sender}", f"Subject: {mail.subject}", f"Date:    {mail.date}"]
    lines += [f"problem: {problem}" for problem in mail.problems]
    for part in mail.attachments:
        name = part.filename or "(no name)"
        lines.append(f"attachment (not opened): {name}, {part.content_type}, {part.size} bytes")
    lines += ["", mail.text or "(no text)"]
    if mail.text_cut:
        lines.append("[... cut: only the first part is shown]")
    return "\n".join(lines)


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

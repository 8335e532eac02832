"""``mailbot kept ...``: data an erasure had to keep (invoices), until their period ends."""

from __future__ import annotations

import click

from mailbot.app import App
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.cli.common import actor as actor_name
from mailbot.cli.common import by_option
from mailbot.service.kept import KeptView, kept_done, list_kept


@click.group()
def kept() -> None:
    """Data an erasure had to keep (invoices): until when, and which may now be erased."""


@kept.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--mailbox", "mailboxes", multiple=True, help="Only this mailbox's (repeatable).")
@with_app
def kept_list(app: App, as_json: bool, mailboxes: tuple[str, ...]) -> None:
    """Every record of kept data, the earliest end first: kept, due (erase them now) or done."""
    found = list_kept(app.database, app.clock.local_today(), set(mailboxes) or None)
    if as_json:
        click.echo(output.to_json([view.as_json() for view in found]))
        return
    click.echo(kept_table(found))


def kept_table(found: list[KeptView]) -> str:
    if not found:
        return "no kept data"
    rows = [
        (
            view.id,
            view.state,
            view.until.isoformat(),
            view.reference,
            view.source,
            view.address or None,
            f"{view.done_by} {view.done_at.date().isoformat()}" if view.done_at else None,
        )
        for view in found
    ]
    headers = ("ID", "STATE", "KEPT UNTIL", "CASE", "SOURCE", "ADDRESS", "DONE")
    return output.table(headers, rows)


@kept.command("done")
@click.argument("kept_id", metavar="ID", type=int)
@click.option("--note", default=None, help="What was done, for the case's trail.")
@by_option("erased the data")
@with_app
def kept_done_command(app: App, kept_id: int, note: str | None, actor: str | None) -> None:
    """Record that the kept data of ID were erased (the record's address is blanked)."""
    found = kept_done(app.database, kept_id, actor_name(actor), app.clock.local_today(), note=note)
    click.echo(
        f"kept data {found.id} ({found.reference} in {found.source}): erased, recorded by "
        f"{found.done_by}"
    )

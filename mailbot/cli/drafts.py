"""``mailbot drafts ...`` and ``mailbot outbox ...``: review proposals, see what left."""

from __future__ import annotations

from pathlib import Path

import click

from mailbot.app import App
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.cli.common import actor as actor_name
from mailbot.cli.common import by_option
from mailbot.core.drafting import DraftStatus
from mailbot.core.outbox import OutboxState
from mailbot.service.approval import approve, edit, reject
from mailbot.service.draft_views import list_drafts, show_draft
from mailbot.service.outbox import outbox_list


@click.group()
def drafts() -> None:
    """The replies mailbot proposes: review, edit, approve or reject them."""


@drafts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--status", type=click.Choice([status.value for status in DraftStatus]), default=None)
@click.option("--mailbox", "mailboxes", multiple=True, help="Only this mailbox's (repeatable).")
@with_app
def drafts_list(app: App, as_json: bool, status: str | None, mailboxes: tuple[str, ...]) -> None:
    """Every draft, oldest first."""
    found = list_drafts(app.database, app.clock, status, set(mailboxes) or None)
    click.echo(output.views_json(found) if as_json else output.drafts_table(found))


@drafts.command("show")
@click.argument("draft_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def drafts_show(app: App, draft_id: int, as_json: bool) -> None:
    """The whole message and its attachments."""
    found = show_draft(app.database, app.clock, draft_id)
    click.echo(output.views_json(found) if as_json else output.draft_details(found))


@drafts.command("approve")
@click.argument("draft_id", type=int)
@by_option("approves")
@with_app
def drafts_approve(app: App, draft_id: int, actor: str | None) -> None:
    """Approve a draft: the worker sends it (``mailbot run``), exactly as it is now."""
    found = approve(app.database, app.configuration, app.clock, draft_id, actor_name(actor))
    where = (
        "the worker sends it"
        if app.configuration.for_mailbox(found.mailbox).smtp is not None
        else "it waits in the outbox until [smtp] is configured"
    )
    click.echo(f"draft {draft_id} ({found.case}) approved as {found.message_id}; {where}")


@drafts.command("reject")
@click.argument("draft_id", type=int)
@click.option("--reason", required=True, help="Why, for the trail.")
@by_option("rejects")
@with_app
def drafts_reject(app: App, draft_id: int, reason: str, actor: str | None) -> None:
    """Reject a draft (an approved one too, while it has not left)."""
    found = reject(app.database, app.clock, draft_id, actor_name(actor), reason)
    click.echo(f"draft {draft_id} ({found.case}) rejected")


@drafts.command("edit")
@click.argument("draft_id", type=int)
@click.option(
    "--file",
    "text_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Take the new text from this file instead of opening $EDITOR.",
)
@by_option("edits")
@with_app
def drafts_edit(app: App, draft_id: int, text_file: Path | None, actor: str | None) -> None:
    """Change the text of a draft in $EDITOR; the edited text is what will be sent."""
    current = show_draft(app.database, app.clock, draft_id)
    if text_file is not None:
        body: str | None = text_file.read_text(encoding="utf-8")
    else:
        body = click.edit(current.body, extension=".txt", require_save=True)
    if body is None:
        click.echo(f"draft {draft_id}: not changed")
        return
    found = edit(app.database, app.clock, draft_id, actor_name(actor), body)
    if not found.changed:
        click.echo(f"draft {draft_id}: not changed")
        return
    again = " (its approval is withdrawn: approve it again)" if current.status != "pending" else ""
    click.echo(f"draft {draft_id} ({found.case}) edited{again}")


@click.group()
def outbox() -> None:
    """Approved mail: waiting, sent, or failed, with the server's answer."""


@outbox.command("list")
@click.option("--state", type=click.Choice([state.value for state in OutboxState]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@with_app
def outbox_list_command(app: App, state: str | None, as_json: bool) -> None:
    """Every mail in the outbox, oldest first."""
    found = outbox_list(app.database, app.clock, state)
    if as_json:
        click.echo(output.to_json([item.as_json() for item in found]))
    else:
        click.echo(output.outbox_table(found))

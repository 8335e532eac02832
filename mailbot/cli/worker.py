"""``mailbot run`` (the worker), ``mailbot status``, ``mailbot digest`` and ``mailbot db``."""

from __future__ import annotations

import logging
import sys

import click

from mailbot import forking
from mailbot.app import App
from mailbot.app.build import run_once
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.cli.common import own_program
from mailbot.cli.daemon import serve
from mailbot.service import digest
from mailbot.service.readers import PRELOAD, start_fork_server
from mailbot.service.status import OK, outbox_counts, source_states

log = logging.getLogger("mailbot")


@click.command()
@click.option("--once", is_flag=True, help="Process everything waiting, then exit.")
@with_app
def run(app: App, once: bool) -> None:
    """Run the worker: read the mailbox, make cases and drafts, send what was approved.

    Without --once it runs until SIGTERM and reloads its configuration on SIGHUP.
    """
    # Children (readers, drafting) fork from a copy of this process made now, while it has no
    # threads: they share its memory. Else multiprocessing's fork server imports what
    # readers need, side by side with the checks below.
    if not (own_program() and forking.start(PRELOAD)):
        start_fork_server()
    try:
        app.check_templates()
        if not once:
            serve(app)
            return
        report = run_once(app)
    finally:
        forking.stop()  # ended and reaped (its children have ended with their pipes)
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.outcomes.items()))
    log.info("done: %d mails read%s", report.read, f" ({summary})" if summary else "")
    if report.sent or report.deferred or report.send_failed:
        log.info(
            "outbox: %d sent, %d to retry, %d failed (see mailbot outbox list)",
            report.sent,
            report.deferred,
            report.send_failed,
        )
    if report.failures:
        for source, message in report.failures.items():
            click.echo(f"mailbot: {source}: {message}", err=True)
        sys.exit(1)


@click.command()
@with_app
def status(app: App) -> None:
    """Whether each mail source could be read, as the worker last found; what waits to be sent."""
    states = source_states(app.database)
    counts = outbox_counts(app.database)
    waiting = counts.get("queued", 0) + counts.get("sending", 0)
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("queued", "sending", "sent", "failed"))
    click.echo(f"outbox: {summary}")
    if waiting and any(settings.smtp is None for settings in app.configuration.mailboxes):
        click.echo(
            f"outbox: {waiting} approved mail(s) wait: no [smtp] section in the configuration"
        )
    if not states:
        click.echo("no source has been read yet (is `mailbot run` running?)")
        return
    rows = [
        (
            state.name,
            state.state,
            app.clock.moment(state.changed_at),
            app.clock.moment(state.last_ok_at) if state.last_ok_at else None,
            state.detail,
        )
        for state in states
    ]
    headers = ("source", "state", "since", "last ok", "detail")
    click.echo(output.table(headers, rows, widths=(None, None, None, None, 80)))
    if any(state.state != OK for state in states):
        sys.exit(1)


@click.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
@with_app
def db_upgrade(app: App) -> None:
    """Apply the migrations (also done automatically at start)."""
    click.echo(f"database {app.database.safe_url} is up to date")


@click.command("digest")
@with_app
def digest_command(app: App) -> None:
    """Print today's digest for the officer (the worker mails it at [digest] at), per mailbox."""
    for index, settings in enumerate(app.configuration.mailboxes):
        composed = digest.today_digest(app.database, settings, app.clock)
        separator = "\n" if index else ""
        click.echo(f"{separator}Subject: {composed.subject}\n\n{composed.body}", nl=False)

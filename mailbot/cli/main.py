"""``mailbot``: the command line. Every command takes ``--config`` (or ``MAILBOT_CONFIG``).

Exit codes: 0 done, 1 failed (the message says why), 2 the configuration is wrong.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import click

from mailbot import __version__
from mailbot.cli import output
from mailbot.cli.app import App, run_worker
from mailbot.cli.cases import cases
from mailbot.cli.common import MailbotGroup, with_app
from mailbot.cli.demo import run_demo
from mailbot.cli.drafts import drafts, outbox
from mailbot.cli.mails import mails, quarantine
from mailbot.cli.web import users, web
from mailbot.config import ImapSettings, Settings, SmtpSettings
from mailbot.datasources import open_sources
from mailbot.drafts.context import context, sample_facts
from mailbot.drafts.render import Renderer
from mailbot.errors import MailbotError
from mailbot.sending.smtp import SmtpSender
from mailbot.service import digest
from mailbot.service.status import OK, outbox_counts, source_states
from mailbot.sources.imap import FolderState, ImapSource

log = logging.getLogger("mailbot")


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic announces every migration context at INFO; only its problems matter here.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))


@click.group(cls=MailbotGroup)
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
    _setup_logging(log_level or ("info" if ctx.invoked_subcommand in ("run", "web") else "warning"))


@cli.command()
@click.option("--once", is_flag=True, help="Process everything waiting, then exit.")
@with_app
def run(app: App, once: bool) -> None:
    """Run the worker: read the mailbox, make cases and drafts, send what was approved."""
    report = run_worker(app, once)
    if report is None:
        return
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


@cli.command()
@with_app
def check(app: App) -> None:
    """Check the configuration, the database and each mail source; one line each."""
    settings = app.settings
    failed = False
    click.echo(f"configuration: ok ({app.config_file})")
    database = app.database
    click.echo(f"database: ok ({database.safe_url}, schema current: {database.is_current()})")
    if settings.imap is not None:
        try:
            state = asyncio.run(_imap_state(settings.imap))
        except MailbotError as exc:
            failed = True
            click.echo(f"imap: FAILED: {exc}")
        else:
            folder = f"'{state.requests_folder}' " + (
                "exists" if state.requests_folder_exists else "will be created"
            )
            click.echo(
                f"imap: ok ({settings.imap.host}:{settings.imap.port}, {state.folder}: "
                f"{state.messages} mails, UIDVALIDITY {state.uidvalidity}, "
                f"IDLE {'yes' if state.idle else 'no (polling)'}, "
                f"MOVE {'yes' if state.move else 'no (copy and delete)'}"
                + (f", requests folder {folder})" if state.requests_folder else ")")
            )
    if settings.maildir is not None:
        path = settings.maildir.path
        if all((path / sub).is_dir() for sub in ("new", "cur")):
            click.echo(f"maildir: ok ({path})")
        else:
            failed = True
            click.echo(f"maildir: FAILED: {path} is not a Maildir (needs new/ and cur/)")
    if settings.smtp is not None:
        try:
            click.echo(f"smtp: {asyncio.run(_smtp_state(settings.smtp))}")
        except MailbotError as exc:
            failed = True
            click.echo(f"smtp: FAILED: {exc}")
    failed = _check_drafting(settings) or failed
    if failed:
        sys.exit(1)


async def _smtp_state(settings: SmtpSettings) -> str:
    return await SmtpSender(settings).check()


def _check_drafting(settings: Settings) -> bool:
    """Templates, data sources, and the answers an access reply needs; True when one failed."""
    failed = False
    renderer = Renderer(settings.drafts.templates)
    problems = [
        problem
        for facts in sample_facts(settings)
        for problem in renderer.check(
            lambda language, facts=facts: context(settings, language, facts)
        )
    ]
    if problems:
        failed = True
        for problem in dict.fromkeys(problems):
            click.echo(f"templates: FAILED: {problem}")
    else:
        click.echo("templates: ok (every kind and language renders)")
    for source in open_sources(settings.sources):
        name = source.settings.name
        try:
            source.check()
        except MailbotError as exc:
            failed = True
            click.echo(f"source {name}: FAILED: {exc}")
        else:
            click.echo(f"source {name}: ok ({source.settings.kind})")
        finally:
            source.close()
    missing = settings.missing_for_access()
    if missing:
        failed = True
        click.echo("access replies: FAILED: missing " + "; ".join(missing))
    elif settings.sources:
        click.echo("access replies: ok (every Art. 15 item is configured)")
    return failed


async def _imap_state(settings: ImapSettings) -> FolderState:
    source = ImapSource(settings)
    try:
        return await source.state()
    finally:
        await source.close()


@cli.command()
@with_app
def status(app: App) -> None:
    """Whether each mail source could be read, as the worker last found; what waits to be sent."""
    states = source_states(app.database)
    counts = outbox_counts(app.database)
    waiting = counts.get("queued", 0) + counts.get("sending", 0)
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("queued", "sending", "sent", "failed"))
    click.echo(f"outbox: {summary}")
    if waiting and app.settings.smtp is None:
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


@cli.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
@with_app
def db_upgrade(app: App) -> None:
    """Apply the migrations (also done automatically at start)."""
    click.echo(f"database {app.database.safe_url} is up to date")


@cli.command("digest")
@with_app
def digest_command(app: App) -> None:
    """Print today's digest for the officer (the worker mails it at [digest] at)."""
    composed = digest.today_digest(app.database, app.settings, app.clock)
    click.echo(f"Subject: {composed.subject}\n\n{composed.body}", nl=False)


for group in (cases, drafts, outbox, quarantine, mails, web, users):
    cli.add_command(group)


@cli.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the sample mailbox and database (default: a new temporary directory).",
)
def demo(directory: Path | None) -> None:
    """Run mailbot on a bundled sample mailbox; no mail server needed."""
    run_demo(directory)


def main() -> None:
    cli(prog_name="mailbot")

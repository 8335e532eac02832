"""``mailbot``: the command line. Every command takes ``--config`` (or ``MAILBOT_CONFIG``).

Exit codes: 0 done, 1 failed (the message says why), 2 the configuration is wrong.
"""

from __future__ import annotations

import asyncio
import functools
import getpass
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mailbot import __version__
from mailbot.cli import output
from mailbot.cli.app import App, build_drafting, load_app, run_worker
from mailbot.cli.demo import run_demo
from mailbot.config import ImapSettings, Settings
from mailbot.core.cases import Status
from mailbot.core.drafting import DraftStatus
from mailbot.core.rights import parse_rights
from mailbot.datasources import open_sources
from mailbot.drafts.context import context, sample_facts
from mailbot.drafts.render import Renderer
from mailbot.errors import ConfigError, MailbotError
from mailbot.ports import Outcome
from mailbot.service.cases import list_cases, list_mails, reclassify, show_case, verify
from mailbot.service.drafts import list_drafts, show_draft
from mailbot.service.intake import Intake, IntakePolicy
from mailbot.service.status import OK, source_states
from mailbot.sources.imap import FolderState, ImapSource

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("mailbot")


def with_app(command: F) -> F:
    """Add ``--config`` to a command and hand it the ``App``."""

    @click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Configuration file (default: $MAILBOT_CONFIG, else /etc/mailbot/mailbot.toml).",
    )
    @functools.wraps(command)
    def wrapper(config_file: Path | None, **kwargs: Any) -> Any:
        app = load_app(config_file)
        try:
            return command(app, **kwargs)
        finally:
            app.close()

    return wrapper  # type: ignore[return-value]


class MailbotGroup(click.Group):
    """Turns mailbot's errors into a message and an exit code instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"mailbot: {exc}", err=True)
            ctx.exit(2)
        except MailbotError as exc:
            click.echo(f"mailbot: {exc}", err=True)
            ctx.exit(1)


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
    _setup_logging(log_level or ("info" if ctx.invoked_subcommand == "run" else "warning"))


@cli.command()
@click.option("--once", is_flag=True, help="Process everything waiting, then exit.")
@with_app
def run(app: App, once: bool) -> None:
    """Run the worker: read the mailbox and turn mails into cases."""
    report = run_worker(app, once)
    if report is None:
        return
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.outcomes.items()))
    log.info("done: %d mails read%s", report.read, f" ({summary})" if summary else "")
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
    failed = _check_drafting(settings) or failed
    if failed:
        sys.exit(1)


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
    """Whether each mail source could be read, as the worker last found."""
    states = source_states(app.database)
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


# -- cases ------------------------------------------------------------------
@cli.group()
def cases() -> None:
    """List, show and correct cases."""


@cases.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--status", type=click.Choice([status.value for status in Status]), default=None)
@with_app
def cases_list(app: App, as_json: bool, status: str | None) -> None:
    """Every case, oldest first."""
    found = list_cases(app.database, app.clock, Status(status) if status else None)
    click.echo(output.to_json(found) if as_json else output.cases_table(found))


@cases.command("show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def cases_show(app: App, reference: str, as_json: bool) -> None:
    """One case: classification with evidence, due date, mails, and trail."""
    found = show_case(app.database, app.clock, reference)
    click.echo(output.to_json(found) if as_json else output.case_details(found))


def _actor() -> str:
    return os.environ.get("SUDO_USER") or getpass.getuser()


@cases.command("reclassify")
@click.argument("reference")
@click.option(
    "--rights",
    required=True,
    help="Comma-separated rights (access,rectification,erasure,restriction,portability,objection); "
    "'none' when the mail is no request.",
)
@click.option(
    "--by", "actor", default=None, help="Who corrects (default: the user running mailbot)."
)
@click.option("--note", default=None, help="Why, for the trail.")
@with_app
def cases_reclassify(
    app: App, reference: str, rights: str, actor: str | None, note: str | None
) -> None:
    """Correct the rights of a case (kept with who and when)."""
    try:
        chosen = () if rights.strip().lower() in ("none", "") else parse_rights(rights)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rights") from None
    found = reclassify(
        app.database, app.clock, reference, rights=chosen, actor=actor or _actor(), note=note
    )
    click.echo(
        f"{found['reference']}: {output.rights_text(found['rights'])} [{found['status']}], "
        f"due {found['due_date'] or '-'}"
    )


# -- mails and quarantine ---------------------------------------------------
@cases.command("verify")
@click.argument("reference")
@click.option("--method", required=True, help="How the identity was checked, e.g. 'ID checked'.")
@click.option("--send-to", default=None, help="The address the person asked the data to go to.")
@click.option(
    "--address-on-file",
    default=None,
    help="The address the company knows the person by, when they wrote from another one.",
)
@click.option(
    "--by", "actor", default=None, help="Who verified (default: the user running mailbot)."
)
@with_app
def cases_verify(  # noqa: PLR0917 - click passes each option as an argument
    app: App,
    reference: str,
    method: str,
    send_to: str | None,
    address_on_file: str | None,
    actor: str | None,
) -> None:
    """Record that the officer confirmed who the person is; ID copies are then deleted."""
    try:
        found = verify(
            app.database,
            app.clock,
            reference,
            method=method,
            actor=actor or _actor(),
            send_to=send_to,
            address_on_file=address_on_file,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    build_drafting(app).run()
    click.echo(f"{found['reference']}: identity verified ({method}); the reply is drafted")


@cli.group()
def drafts() -> None:
    """The replies mailbot proposes (nothing is sent yet)."""


@drafts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--status", type=click.Choice([status.value for status in DraftStatus]), default=None)
@with_app
def drafts_list(app: App, as_json: bool, status: str | None) -> None:
    """Every draft, oldest first."""
    found = list_drafts(app.database, app.clock, status)
    click.echo(output.to_json(found) if as_json else output.drafts_table(found))


@drafts.command("show")
@click.argument("draft_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def drafts_show(app: App, draft_id: int, as_json: bool) -> None:
    """The whole message and its attachments."""
    found = show_draft(app.database, app.clock, draft_id)
    click.echo(output.to_json(found) if as_json else output.draft_details(found))


@cli.group()
def quarantine() -> None:
    """Mails that could not be turned into a case, with the reason."""


@quarantine.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def quarantine_list(app: App, as_json: bool) -> None:
    """Quarantined mails, oldest first."""
    found = list_mails(app.database, app.clock, Outcome.QUARANTINED)
    click.echo(output.to_json(found) if as_json else output.mails_table(found))


@quarantine.command("retry")
@click.argument("mail_id", type=int)
@with_app
def quarantine_retry(app: App, mail_id: int) -> None:
    """Process a quarantined mail again (after an update or a raised limit)."""
    intake = Intake(app.database, IntakePolicy.from_settings(app.settings))
    result = intake.retry(mail_id)
    reference = f" {result.reference}" if result.reference else ""
    reason = f": {result.reason}" if result.outcome is Outcome.QUARANTINED else ""
    click.echo(f"mail {mail_id}: {result.outcome}{reference}{reason}")
    if result.outcome is Outcome.QUARANTINED and not result.read_again:
        sys.exit(1)


@cli.group()
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
    click.echo(output.to_json(found) if as_json else output.mails_table(found))


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

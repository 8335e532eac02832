"""``mailbot check``: everything the worker needs, one line each, before it is needed.

Configuration, database, a mail reader process, templates, the IMAP mailbox (and
its Sent folder), the Maildir, SMTP, each data source, the retention periods and
the suppression key, and what an access reply must name. Each line
starts with the item and ``ok`` or ``FAILED``; one failure makes the exit code
non-zero (2 when the configuration itself cannot be read, 1 otherwise), and the
other items are still checked so that one run shows every problem.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from mailbot.app import App, load_app
from mailbot.app.command import config_option
from mailbot.config import (
    DataSourceSettings,
    ImapSettings,
    MailClientSettings,
    Settings,
    SmtpSettings,
)
from mailbot.core.parsing import Limits
from mailbot.datasources import open_sources, statements
from mailbot.errors import ConfigError, MailbotError
from mailbot.sending.smtp import SmtpSender
from mailbot.service.readers import ChildProcesses
from mailbot.service.status import authentication_survey
from mailbot.sources.imap import FolderState, ImapReviewFolders, ImapSentFolder, ImapSource

Line = tuple[str, bool, str]  # item, ok, detail


@click.command()
@config_option  # not with_app: a configuration that cannot be read is one line of the report
def check(config_file: Path | None) -> None:
    """Check configuration, database, templates, mail servers and data sources; one line each."""
    try:
        app = load_app(config_file)
    except ConfigError as exc:
        click.echo(f"configuration: FAILED: {_one_line(exc)}")
        sys.exit(2)
    failed = False
    try:
        for item, ok, detail in _lines(app):
            click.echo(f"{item}: ok ({detail})" if ok else f"{item}: FAILED: {detail}")
            failed = failed or not ok
    finally:
        app.close()
    if failed:
        sys.exit(1)


def _one_line(exc: BaseException) -> str:
    return "; ".join(part.strip() for part in str(exc).splitlines() if part.strip())


def _guard(item: str, probe: Callable[[], str]) -> Line:
    """Run ``probe``; its text when it works, the reason when anything fails."""
    try:
        return item, True, probe()
    except Exception as exc:  # every failure is a FAILED line, never a traceback
        return item, False, _one_line(exc) or type(exc).__name__


def _lines(app: App) -> Iterator[Line]:
    configuration = app.configuration
    yield "configuration", True, str(app.config_file)
    yield _guard("database", lambda: _database(app))
    yield _guard("mail readers", lambda: _readers(configuration.first))
    yield from _templates(app)
    several = configuration.several
    for mailbox in configuration.mailboxes:
        prefix = f"mailbox {mailbox.mailbox}: " if several else ""
        for item, ok, detail in _mailbox_lines(mailbox, app):
            yield prefix + item, ok, detail
    retention = configuration.retention
    yield (
        "retention",
        True,
        (
            f"closed cases purged after {retention.closed_case_days} days, "
            f"erasure cases after {min(retention.closed_case_days, retention.erasure_case_days)}, "
            f"register rows and their trails deleted after {retention.register_days}"
        ),
    )
    if configuration.suppression is None:
        yield (
            "suppression key",
            True,
            (
                "not configured: an objection to direct marketing cannot be granted until "
                "[suppression] key_file is set"
            ),
        )
    else:
        yield "suppression key", True, "configured"


SAMPLE = (
    b"From: Check <check@mailbot.invalid>\r\nTo: privacy@mailbot.invalid\r\n"
    b"Subject: check\r\nMessage-ID: <check@mailbot.invalid>\r\n\r\n"
    b"Ik wil graag inzage in mijn gegevens.\r\n"
)


def _readers(settings: Settings) -> str:
    """Read a sample mail in a child process, as the worker reads every mail."""
    limit = settings.intake.time_limit
    started = time.monotonic()
    with ChildProcesses(1) as reader:
        analysis = reader.read(SAMPLE, Limits(), frozenset(), limit)
    if analysis.classification is None:
        raise RuntimeError(analysis.problem or "the sample mail was not read")
    took = (time.monotonic() - started) * 1000
    return f"a sample mail read in a child process in {took:.0f} ms; time limit {limit:g} s"


def _mailbox_lines(settings: Settings, app: App) -> Iterator[Line]:
    """The items of one mailbox: its mail servers, sender authentication, data sources and
    access-reply facts."""
    yield _authentication(settings, app)
    if settings.imap is not None:
        imap = settings.imap
        yield _guard("imap", lambda: _imap(imap))
        if imap.sent_folder and settings.smtp is not None:
            yield _guard("imap sent folder", lambda: _sent_folder(imap))
        if settings.mail_client is not None:
            config = settings.mail_client
            yield _guard("mail client review", lambda: _review_folders(imap, config))
    if settings.maildir is not None:
        path = settings.maildir.path
        if all((path / sub).is_dir() for sub in ("new", "cur")):
            yield "maildir", True, str(path)
        else:
            yield "maildir", False, f"{path} is not a Maildir (needs new/ and cur/)"
    if settings.smtp is not None:
        smtp = settings.smtp
        yield _guard("smtp", lambda: asyncio.run(_smtp(smtp)))
    else:
        yield "smtp", True, "not configured: approved replies wait in the outbox"
    yield from _sources(settings)
    missing = settings.missing_for_access()
    if missing:
        yield "access replies", False, "missing " + "; ".join(missing)
    elif settings.sources:
        yield "access replies", True, "every Art. 15 item is configured"
    untranslated = settings.missing_translations()
    if untranslated:
        # a warning, not a failure: the letter says that part in English instead
        yield (
            "letter languages",
            True,
            (
                "warning: these letters will say in English (not given in their language): "
                + "; ".join(untranslated)
            ),
        )
    else:
        yield "letter languages", True, "every text a letter shows is given in nl, en, de and fr"


def _authentication(settings: Settings, app: App) -> Line:
    """Whose Authentication-Results header counts, and whether the last mails carried it."""
    item, trust = "sender authentication", settings.organisation.trust
    guide = "see deploy/mail-authentication.md"
    if not trust.checks:
        return (
            item,
            True,
            (
                "no receiving service configured (organisation.mail_service, trusted_authserv_id): "
                f"a forged sender cannot be detected; {guide}"
            ),
        )
    try:
        survey = authentication_survey(app.database, settings.mailbox, trust)
    except Exception as exc:  # the database line says why
        return item, False, f"the mails read cannot be counted: {_one_line(exc)}"
    service = trust.describe()
    if survey.read == 0:
        return item, True, f"headers from {service} count; no mails read yet"
    counted = (
        f"{survey.stamped} of the last {survey.read} mails carried a header from {service}"
        f" ({survey.forged} judged forged)"
    )
    if survey.stamped == 0:
        return item, False, f"{counted}: the setting or the receiving server is wrong; {guide}"
    return item, True, counted


def _sources(settings: Settings) -> Iterator[Line]:
    for source in open_sources(settings.sources):
        name = f"source {source.settings.name}"
        try:
            source.check()
        except MailbotError as exc:
            yield name, False, _one_line(exc)
        else:
            yield name, True, source.settings.kind
        finally:
            source.close()
        if source.settings.statements is not None:
            yield _statements_line(source.settings)


def _statements_line(source: DataSourceSettings) -> Line:
    """Every statement dry-run against a sample address, rolled back (``statements.check``)."""
    item = f"source {source.name} statements"
    try:
        warnings = statements.check(source)
    except Exception as exc:  # every failure is a FAILED line, never a traceback
        return item, False, _one_line(exc) or type(exc).__name__
    keys = [
        key
        for key in ("erase", "restrict", "rectify")
        if source.statements and source.statements.for_key(key)
    ]
    detail = "dry run of " + ", ".join(keys) + " rolled back"
    return item, True, "; ".join([detail, *(f"warning: {line}" for line in warnings)])


def _database(app: App) -> str:
    database = app.database
    return f"{database.safe_url}, schema current: {database.is_current()}"


def _templates(app: App) -> Iterator[Line]:
    try:
        problems = app.template_problems()
    except ConfigError as exc:
        problems = [_one_line(exc)]
    if not problems:
        yield "templates", True, "every kind and language renders"
    for problem in problems:
        yield "templates", False, problem


def _imap(settings: ImapSettings) -> str:
    state = asyncio.run(_imap_state(settings))
    folder = f"'{state.requests_folder}' " + (
        "exists" if state.requests_folder_exists else "will be created"
    )
    return (
        f"{settings.host}:{settings.port}, {state.folder}: "
        f"{state.messages} mails, UIDVALIDITY {state.uidvalidity}, "
        f"IDLE {'yes' if state.idle else 'no (polling)'}, "
        f"MOVE {'yes' if state.move else 'no (copy and delete)'}"
        + (f", requests folder {folder}" if state.requests_folder else "")
    )


async def _imap_state(settings: ImapSettings) -> FolderState:
    source = ImapSource(settings)
    try:
        return await source.state()
    finally:
        await source.close()


def _sent_folder(settings: ImapSettings) -> str:
    async def locate() -> tuple[str, bool]:
        sent = ImapSentFolder(settings)
        try:
            return await sent.locate()
        finally:
            await sent.close()

    folder, exists = asyncio.run(locate())
    return f"sent replies are filed in '{folder}'" + ("" if exists else " (will be created)")


def _review_folders(imap: ImapSettings, config: MailClientSettings) -> str:
    folders, special = config.folders, config.special(imap.sent_folder)

    async def survey() -> tuple[dict[str, str], list[str], bool]:
        review = ImapReviewFolders(imap)
        try:
            return await review.survey(folders, special)
        finally:
            await review.close()

    found, missing, idle = asyncio.run(survey())
    line = f"copies in '{config.review_folder}', approve in '{config.approve_folder}'"
    line += f" (watched {'with IDLE' if idle else f'every {config.poll_interval:g} s'})"
    line += f", reject in '{config.reject_folder}', done in '{config.done_folder}'"
    if config.drafts_folder:
        line += f", also in '{found.get('drafts', config.drafts_folder)}'"
    if "sent" in found:
        line += f"; mail he sends himself is read in '{found['sent']}'"
    if missing:
        line += "; will be created: " + ", ".join(f"'{folder}'" for folder in missing)
    return line


async def _smtp(settings: SmtpSettings) -> str:
    return (await SmtpSender(settings).check()).split(": ", 1)[-1]

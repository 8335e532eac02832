"""The worker and its parts, built from an ``App``: per mailbox its sources, intake,
drafting, outbox, digest and review in the mail client; one daily purge."""

from __future__ import annotations

import asyncio
import functools

from mailbot.app import App
from mailbot.app.drafting import configuration_digest, mailbox_drafting
from mailbot.app.drafting import serve as serve_drafting
from mailbot.config import Settings
from mailbot.core.heartbeat import Heartbeat
from mailbot.ports import MailSource
from mailbot.sending.smtp import SmtpSender
from mailbot.service import digest
from mailbot.service.clock import Clock
from mailbot.service.intake import Intake, IntakePolicy
from mailbot.service.mail_client import MailClientReview
from mailbot.service.notices import RecipientNotices
from mailbot.service.outbox import Outbox
from mailbot.service.readers import ChildProcesses, Reader
from mailbot.service.retention import DailyPurge
from mailbot.sources.imap import ImapReviewFolders, ImapSentFolder, ImapSource
from mailbot.sources.maildir import MaildirSource
from mailbot.storage.models import utcnow
from mailbot.worker import DrainReport, Lane, Worker
from mailbot.worker.drafter import DraftingProcess


def build_sources(settings: Settings) -> list[MailSource]:
    """The configured mail sources: the IMAP mailbox and/or a local Maildir."""
    sources: list[MailSource] = []
    if settings.imap is not None:
        sources.append(ImapSource(settings.imap))
    if settings.maildir is not None:
        sources.append(MaildirSource(settings.maildir.path, settings.maildir.poll_interval))
    return sources


def build_notices(app: App) -> RecipientNotices:
    """The recipient notices (Art. 19) of every mailbox, each with its own templates."""
    return RecipientNotices(app.database, app.configuration, app.renderer_for)


def build_outbox(app: App, settings: Settings | None = None) -> Outbox:
    """A mailbox's outbox with its SMTP server and the officer's Sent folder (if any)."""
    settings = settings or app.configuration.first
    sender = SmtpSender(settings.smtp) if settings.smtp is not None else None
    imap = settings.imap
    sent_folder = ImapSentFolder(imap) if imap is not None and imap.sent_folder else None
    return Outbox(app.database, settings, sender, sent_folder)


def queue_digest_if_due(app: App, settings: Settings | None = None) -> int | None:
    """Queue a mailbox's digest for its officer when its time has come (once per day)."""
    settings = settings or app.configuration.first
    if not digest.is_due(app.database, settings, utcnow()):
        return None
    return digest.queue(app.database, settings, Clock(settings.organisation.zone))


def build_review(app: App, settings: Settings) -> MailClientReview | None:
    """Review in the officer's mail client, when ``[mail_client]`` is configured."""
    if settings.mail_client is None or settings.imap is None:
        return None
    folders = ImapReviewFolders(settings.imap)
    return MailClientReview(app.database, settings, folders, Clock(settings.organisation.zone))


def build_lane(app: App, settings: Settings, reader: Reader | None = None) -> Lane:
    """One mailbox's part of the worker."""
    return Lane(
        settings.mailbox,
        Intake(app.database, IntakePolicy.from_settings(settings), reader),
        build_sources(settings),
        mailbox_drafting(app, settings),
        build_outbox(app, settings),
        functools.partial(queue_digest_if_due, app, settings),
        build_review(app, settings),
    )


def build_worker(
    app: App, heartbeat: Heartbeat | None = None, max_wait: float | None = None
) -> Worker:
    """The worker for every mailbox: sources, drafting, outbox and digest each; one purge.

    Mail is read in child processes (``ChildProcesses``), each within ``intake.time_limit``.
    """
    readers = ChildProcesses()
    return Worker(
        [build_lane(app, settings, readers) for settings in app.configuration.mailboxes],
        heartbeat=heartbeat,
        max_wait=max_wait,
        purge=DailyPurge(app.database, app.configuration.first),
        drafting=DraftingProcess(
            serve_drafting, app.config_file, configuration_digest(app.configuration)
        ),
    )


def run_once(app: App) -> DrainReport:
    """One pass over the mailboxes and the outbox (``mailbot run --once``)."""
    worker = build_worker(app)

    async def _once() -> DrainReport:
        try:
            return await worker.run_once()
        finally:
            await worker.close()

    return asyncio.run(_once())

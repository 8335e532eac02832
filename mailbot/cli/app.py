"""What every command needs: the settings, the database, the clock, and the worker."""

from __future__ import annotations

import asyncio
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from mailbot.config import Settings, config_path, load_settings
from mailbot.core.heartbeat import Heartbeat
from mailbot.datasources import open_sources
from mailbot.drafts.context import template_problems
from mailbot.drafts.render import Renderer
from mailbot.errors import ConfigError
from mailbot.ports import MailSource
from mailbot.sending.smtp import SmtpSender
from mailbot.service import digest
from mailbot.service.clock import Clock
from mailbot.service.drafting import Drafting
from mailbot.service.intake import Intake, IntakePolicy
from mailbot.service.outbox import Outbox
from mailbot.service.retention import DailyPurge
from mailbot.sources.imap import ImapSentFolder, ImapSource
from mailbot.sources.maildir import MaildirSource
from mailbot.storage.database import Database
from mailbot.storage.models import utcnow
from mailbot.worker import DrainReport, Worker


@dataclass
class App:
    """What a command needs, built once from the configuration."""

    settings: Settings
    config_file: Path
    _database: Database | None = field(default=None, repr=False)
    _renderer: Renderer | None = field(default=None, repr=False)

    @property
    def database(self) -> Database:
        """The database, its schema brought up to date on first use."""
        if self._database is None:
            self._database = Database(self.settings.database.url)
            self._database.upgrade()
        return self._database

    @property
    def renderer(self) -> Renderer:
        """The templates, read once: what was checked is what drafts use."""
        if self._renderer is None:
            self._renderer = Renderer(self.settings.drafts.templates)
        return self._renderer

    def template_problems(self) -> list[str]:
        """Every template rendered with sample facts; one line per problem (none: all good)."""
        return template_problems(self.settings, self.renderer)

    def check_templates(self) -> None:
        """Raise ``ConfigError`` naming each template that does not render."""
        problems = self.template_problems()
        if problems:
            where = self.settings.drafts.templates or self.config_file
            raise ConfigError(where, [("drafts.templates", problem) for problem in problems])

    @property
    def clock(self) -> Clock:
        return Clock(self.settings.organisation.zone)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


def load_app(config_file: Path | None) -> App:
    """The ``App`` for ``--config`` (or ``MAILBOT_CONFIG``, or the default path)."""
    path = config_path(config_file, os.environ)
    return App(load_settings(path), path)


def build_sources(settings: Settings) -> list[MailSource]:
    """The configured mail sources: the IMAP mailbox and/or a local Maildir."""
    sources: list[MailSource] = []
    if settings.imap is not None:
        sources.append(ImapSource(settings.imap))
    if settings.maildir is not None:
        sources.append(MaildirSource(settings.maildir.path, settings.maildir.poll_interval))
    return sources


def build_drafting(app: App) -> Drafting:
    settings = app.settings
    return Drafting(app.database, settings, open_sources(settings.sources), app.renderer)


def build_outbox(app: App) -> Outbox:
    """The outbox with the configured SMTP server and the officer's Sent folder (if any)."""
    settings = app.settings
    sender = SmtpSender(settings.smtp) if settings.smtp is not None else None
    imap = settings.imap
    sent_folder = ImapSentFolder(imap) if imap is not None and imap.sent_folder else None
    return Outbox(app.database, settings, sender, sent_folder)


def queue_digest_if_due(app: App) -> int | None:
    """Queue today's digest for the officer when its time has come (once per day)."""
    if not digest.is_due(app.database, app.settings, utcnow()):
        return None
    return digest.queue(app.database, app.settings, app.clock)


def build_worker(
    app: App, heartbeat: Heartbeat | None = None, max_wait: float | None = None
) -> Worker:
    """The worker for ``app``'s settings: its sources, drafting, outbox, digest and purge."""
    intake = Intake(app.database, IntakePolicy.from_settings(app.settings))
    return Worker(
        intake,
        build_sources(app.settings),
        build_drafting(app),
        build_outbox(app),
        functools.partial(queue_digest_if_due, app),
        heartbeat=heartbeat,
        max_wait=max_wait,
        purge=DailyPurge(app.database, app.settings),
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

"""Every mailbox's drafting, built from the configuration; and the drafting process's side
(``serve``; ``mailbot.worker.drafter`` is the worker's): load the configuration, build the
drafting, and draft whatever is due each time the worker wakes it, until told to stop."""

from __future__ import annotations

import logging
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from mailbot import logs
from mailbot.app import App, load_app
from mailbot.config import Settings
from mailbot.datasources import open_sources
from mailbot.logs import log_failure
from mailbot.service.drafting import Drafting, Draftings
from mailbot.storage.database import refusals_reported
from mailbot.worker.drafter import FINISH, STOP, WAKE, Drafted

log = logging.getLogger("mailbot.worker")


def mailbox_drafting(app: App, settings: Settings) -> Drafting:
    """The drafting of one mailbox: its data sources, its templates."""
    renderer = app.renderer_for(settings.mailbox)
    return Drafting(app.database, settings, open_sources(settings.sources), renderer)


def build_drafting(app: App) -> Draftings:
    """The drafting of every mailbox; a case is drafted by its own mailbox's."""
    return Draftings(
        app.database,
        {
            settings.mailbox: mailbox_drafting(app, settings)
            for settings in app.configuration.mailboxes
        },
    )


def serve(connection: Connection, config_file: str, level: str) -> None:
    """The child: draft whatever is due each time it is woken, until told to stop."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the parent says when (after its batch)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logs.setup(level)
    app = load_app(Path(config_file))
    try:
        drafting = build_drafting(app)
        while True:
            try:
                message = connection.recv()
                while message == WAKE and connection.poll():  # several wakes: one run
                    message = connection.recv()
            except (EOFError, OSError):
                return  # the worker has gone
            if message == STOP:
                connection.send(Drafted(0, last=True))
                return
            try:
                with refusals_reported():
                    # A message waiting (a stop) ends the run between batches.
                    drafted = Drafted(drafting.run(connection.poll))
            except Exception as exc:  # the database, or a bug: the cases stay due
                log_failure(log, "drafting failed; the cases stay due", exc=exc)
                drafted = Drafted(0, f"{type(exc).__name__}: {exc}")
            connection.send(Drafted(drafted.count, drafted.failure, last=message == FINISH))
            if message == FINISH:
                return
    finally:
        app.close()

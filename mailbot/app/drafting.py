"""Every mailbox's drafting, built from the configuration; and the drafting process's side
(``serve``; ``mailbot.worker.drafter`` is the worker's): load the configuration, build the
drafting, and draft whatever is due each time the worker wakes it, until told to stop."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from mailbot import allocator, logs
from mailbot.app import App, load_app
from mailbot.config import Configuration, Settings
from mailbot.datasources import open_sources
from mailbot.errors import ConfigError
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


class _Messages:
    """What the worker said: the strongest of what waits (a stop, a finish, a wake)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.stopped = self.finish = self.again = False

    def stop_requested(self) -> bool:
        """Read what waits, without waiting; True once the worker said stop (or is gone).
        A wake or a finish does not end a run: they are kept for after it."""
        try:
            while not self.stopped and self.connection.poll():
                message = self.connection.recv()
                self.stopped = message == STOP
                self.finish = self.finish or message == FINISH
                self.again = self.again or message == WAKE
        except (EOFError, OSError):
            self.stopped = True  # the worker has gone
        return self.stopped

    def next(self) -> str:
        """The next thing to do: what was kept from a run, else the next message (waits)."""
        if not (self.stopped or self.finish or self.again):
            try:
                message = self.connection.recv()
            except (EOFError, OSError):
                return STOP
            self.stopped, self.finish = message == STOP, message == FINISH
            self.again = message == WAKE
            self.stop_requested()  # several wakes: one run
        if self.stopped:
            return STOP
        finish, self.again, self.finish = self.finish, False, False
        return FINISH if finish else WAKE


def configuration_digest(configuration: Configuration) -> str:
    """A configuration's fingerprint: the worker's and its drafting process's must agree."""
    return hashlib.sha256(repr(configuration).encode()).hexdigest()


def serve(connection: Connection, config_file: str, level: str, expected: str) -> None:
    """The child: draft whatever is due each time it is woken, until told to stop; with
    FINISH, until nothing is due (``mailbot run --once``). Every run is reported.

    It loads the configuration file itself, and drafts only if it finds there what the
    worker runs on (``expected``: its ``configuration_digest``): a file edited since, and
    not reloaded, is not used behind the worker's back."""
    allocator.tune()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the parent says when (after its batch)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logs.setup(level)
    try:
        app = load_app(Path(config_file))
        if configuration_digest(app.configuration) != expected:
            app.close()
            raise ConfigError(
                Path(config_file),
                [("", "changed since the worker read it: reload the service to use it")],
            )
        drafting = build_drafting(app)
    except Exception as exc:  # a configuration or a data source that cannot be used
        log_failure(log, "the drafting process could not start", exc=exc)
        with contextlib.suppress(OSError):
            connection.send(Drafted(0, f"could not start: {type(exc).__name__}: {exc}", True))
        return
    messages = _Messages(connection)
    try:
        while (message := messages.next()) != STOP:
            try:
                with refusals_reported():
                    drafted = Drafted(drafting.run(messages.stop_requested))  # between batches
            except Exception as exc:  # the database, or a bug: the cases stay due
                log_failure(log, "drafting failed; the cases stay due", exc=exc)
                drafted = Drafted(0, f"{type(exc).__name__}: {exc}")
            last = message == FINISH or messages.stopped
            connection.send(Drafted(drafted.count, drafted.failure, last=last))
            if last:
                return
        connection.send(Drafted(0, last=True))
    except OSError:
        return  # the worker has gone
    finally:
        app.close()

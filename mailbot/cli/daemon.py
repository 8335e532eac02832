"""``mailbot run`` as a service: signals, reloading, and the systemd notify protocol.

- Start: the configuration, templates and database are ready, the worker is warmed
  up (``mailbot.app.warmup``: readers started, a sample mail stored and drafted in a
  transaction that is rolled back) and runs: ``READY=1`` (``Type=notify``).
- SIGTERM, SIGINT: ``STOPPING=1``; intake stops, the mail or draft in hand is
  finished and committed, sending stops between mails; exit 0. Nothing is lost:
  what was not read stays in the mailbox, what was not sent stays queued.
- SIGHUP: ``RELOADING=1``; the configuration file and the templates are read and
  checked again. Good: the worker stops between mails as for SIGTERM and a new
  one starts on the new settings, so no mail is read twice or skipped (each is
  committed before it is moved). Broken: the error names the file and key, the
  worker goes on with the old settings untouched, and STATUS says so.
- The watchdog (``WatchdogSec=``) is fed while both loops of the worker beat,
  and the worker's waits are capped at a third of its interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from typing import Any

from mailbot.app import App, load_checked
from mailbot.app.allocations import AllocationTrace
from mailbot.app.build import build_worker
from mailbot.app.reload import Reloader
from mailbot.app.warmup import warm_up
from mailbot.core.heartbeat import Heartbeat
from mailbot.systemd import Notifier, keep_alive

log = logging.getLogger(__name__)
WATCHDOG_SHARE = 3  # a healthy worker beats at least every interval / 3


class Service:
    """Runs workers one after the other: a reload replaces the worker between mails."""

    def __init__(
        self,
        app: App,
        notifier: Notifier,
        reload: Callable[[], App] | None = None,
        trace: AllocationTrace | None = None,
    ) -> None:
        self.app = app
        self.trace = trace  # MAILBOT_TRACEMALLOC: allocations written on SIGUSR2
        self.notifier = notifier
        self.reloader = Reloader(notifier, reload or (lambda: load_checked(app.config_file)))
        self.heartbeat = Heartbeat()
        self._stop = asyncio.Event()
        self._hup = asyncio.Event()
        self._worker_status: Callable[[], str] = lambda: "starting"

    def status(self) -> str:
        note = self.reloader.note
        return self._worker_status() + (f"; {note}" if note else "")

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        handlers = {
            signal.SIGTERM: self._stop.set,
            signal.SIGINT: self._stop.set,
            signal.SIGHUP: self._hup.set,
        }
        for signum, handler in handlers.items():
            loop.add_signal_handler(signum, handler)
        if self.trace is not None:
            self.trace.listen(loop)
        interval = self.notifier.watchdog_interval
        max_wait = interval / WATCHDOG_SHARE if interval is not None else None
        watching: asyncio.Task[None] | None = None
        try:
            while not self._stop.is_set():
                worker = build_worker(self.app, self.heartbeat, max_wait)
                self._worker_status = worker.status_line
                # Before READY: the first mails are then handled as fast as the rest.
                await asyncio.to_thread(warm_up, worker)
                worker.start_drafting()  # its process loads and connects before READY too
                running = asyncio.ensure_future(worker.run_forever())
                self.notifier.ready(self.status())
                if watching is None:
                    if self.trace is not None:
                        self.trace.mark()
                    watching = asyncio.ensure_future(
                        keep_alive(self.notifier, self.heartbeat, self.status)
                    )
                log.info("mailbot is running (configuration %s)", self.app.config_file)
                replacement = await self._until_stop_or_reload(running)
                worker.stop()
                await running  # the mail and the draft in hand are finished first
                if replacement is None:
                    break
                self.app.close()
                self.app = replacement
                log.info("configuration reloaded from %s", self.app.config_file)
        finally:
            self.notifier.stopping()
            if watching is not None:
                watching.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watching
            for signum in handlers:
                loop.remove_signal_handler(signum)
            if self.trace is not None:
                loop.remove_signal_handler(signal.SIGUSR2)
        log.info("mailbot stopped")

    async def _until_stop_or_reload(self, running: asyncio.Future[None]) -> App | None:
        """Wait for a stop (None) or a good reload (the new App); a crash of the worker raises."""
        while True:
            stop = asyncio.ensure_future(self._stop.wait())
            hup = asyncio.ensure_future(self._hup.wait())
            waits: list[asyncio.Future[Any]] = [running, stop, hup]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop.cancel()
                hup.cancel()
            if running.done():
                running.result()  # raises what stopped the worker
                return None
            if self._stop.is_set():
                self.notifier.stopping()
                log.info("stopping: finishing the mail in hand")
                return None
            self._hup.clear()
            replacement = await self.reloader(self.status)
            if replacement is not None:
                return replacement


def serve(app: App) -> None:
    """Run the worker until SIGTERM, reloading on SIGHUP, speaking to systemd when asked."""
    notifier = Notifier.from_environment()
    trace = AllocationTrace.from_environment()
    service = Service(app, notifier, trace=trace)
    try:
        asyncio.run(service.run())
    finally:
        notifier.close()
        if trace is not None:
            trace.stop()
        if service.app is not app:  # a reloaded one; the command closes the first
            service.app.close()

"""SIGHUP's work, shared by the worker's service and the review pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from mailbot.app import App
from mailbot.systemd import Notifier

log = logging.getLogger(__name__)


class Reloader:
    """SIGHUP's work, for the worker and the review pages: the new configuration or the old.

    Says RELOADING=1, loads and checks the configuration in a thread, and returns
    the new ``App``; when it is broken, logs why (file and key), says READY=1 again
    with a STATUS that the reload was refused, and returns None.
    """

    def __init__(self, notifier: Notifier, load: Callable[[], App]) -> None:
        self.notifier = notifier
        self.load = load
        self.note = ""  # the last reload's outcome, for STATUS

    async def __call__(self, status: Callable[[], str]) -> App | None:
        self.notifier.reloading()
        log.info("reloading the configuration")
        try:
            replacement = await asyncio.to_thread(self.load)
        except Exception as exc:  # any failure keeps the running configuration
            log.error("reload refused, still running on the previous configuration: %s", exc)
            self.note = "last reload refused (see the journal)"
            self.notifier.ready(status())
            return None
        self.note = ""
        return replacement

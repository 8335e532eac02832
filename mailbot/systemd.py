"""The systemd notify protocol (``sd_notify``), spoken over ``$NOTIFY_SOCKET``.

``Type=notify`` units learn from these datagrams when the service is ready
(``READY=1``), what it is doing (``STATUS=...``), that it reloads
(``RELOADING=1``) or stops (``STOPPING=1``), and that it is alive
(``WATCHDOG=1``, expected at least every ``$WATCHDOG_USEC``). Outside systemd
(no ``NOTIFY_SOCKET``) every call does nothing. A notification that cannot be
delivered is dropped with a debug line: the service never waits for, or fails
because of, its manager.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

from mailbot.core.heartbeat import Heartbeat

log = logging.getLogger(__name__)


class Notifier:
    """Sends state changes to the service manager; a no-op without ``NOTIFY_SOCKET``."""

    def __init__(self, address: str | None, watchdog: float | None = None) -> None:
        self.address = address
        self.watchdog_interval = watchdog  # seconds, when systemd expects WATCHDOG=1
        self._socket: socket.socket | None = None
        self._status = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Notifier:
        """The notifier systemd asked for in the environment (``NOTIFY_SOCKET``, ``WATCHDOG_*``)."""
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET") or None
        watchdog = None
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        if usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            watchdog = int(usec) / 1_000_000
        return cls(address, watchdog)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *fields: str) -> None:
        """One datagram of ``KEY=value`` lines."""
        if self.address is None:
            return
        target = self.address
        if target.startswith("@"):  # Linux abstract namespace
            target = "\0" + target[1:]
        try:
            if self._socket is None:
                kind = socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                self._socket = socket.socket(socket.AF_UNIX, kind)
                self._socket.setblocking(False)
            self._socket.sendto("\n".join(fields).encode("utf-8"), target)
        except OSError as exc:
            log.debug("could not notify the service manager: %s", exc)

    def ready(self, status: str) -> None:
        self._status = status
        self.send("READY=1", f"STATUS={status}", f"MAINPID={os.getpid()}")

    def reloading(self) -> None:
        # MONOTONIC_USEC lets systemd >= 253 (Type=notify-reload) match this reload to its request.
        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        self.send("RELOADING=1", f"MONOTONIC_USEC={now}")

    def stopping(self, status: str = "stopping") -> None:
        self._status = status
        self.send("STOPPING=1", f"STATUS={status}")

    def status(self, status: str) -> None:
        """``STATUS=`` (shown by ``systemctl status``), sent only when it changed."""
        if status != self._status:
            self._status = status
            self.send(f"STATUS={status}")

    def watchdog(self) -> None:
        self.send("WATCHDOG=1")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


async def keep_alive(
    notifier: Notifier, heartbeat: Heartbeat, status: Callable[[], str], period: float = 5.0
) -> None:
    """Feed the watchdog while every loop of ``heartbeat`` beats in time; keep STATUS current.

    Runs on the event loop until cancelled, so a blocked event loop stops the
    WATCHDOG messages as surely as a loop that stopped beating. Pings every half
    watchdog interval, as ``sd_watchdog_enabled(3)`` recommends.
    """
    interval = notifier.watchdog_interval
    if interval is not None:
        period = min(period, interval / 2)
    fed = True
    while True:
        if interval is not None:
            stale = heartbeat.stale(time.monotonic(), interval)
            if not stale:
                notifier.watchdog()
                if not fed:
                    log.warning("progress again: the watchdog is fed again")
            elif fed:
                log.error(
                    "no progress in %s for %g s: the watchdog is no longer fed "
                    "(systemd restarts the service when it runs out)",
                    " and ".join(stale),
                    interval,
                )
            fed = not stale
        notifier.status(status())
        await asyncio.sleep(period)

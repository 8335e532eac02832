"""A datagram socket standing in for systemd's ``NOTIFY_SOCKET``, recording what arrives."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Notice:
    at: float  # time.monotonic() on arrival
    fields: dict[str, str]


class NotifyListener:
    """Binds a Unix datagram socket; ``environ()`` is what systemd would give the service."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="notify-", dir="/tmp"))  # short: sun_path limit
        self.path = self._dir / "notify"
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(str(self.path))
        self._socket.settimeout(0.2)
        self.notices: list[Notice] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True, name="notify")
        self._thread.start()

    def environ(self, watchdog: float | None = None) -> dict[str, str]:
        env = dict(os.environ, NOTIFY_SOCKET=str(self.path))
        env.pop("WATCHDOG_PID", None)
        if watchdog is not None:
            env["WATCHDOG_USEC"] = str(int(watchdog * 1_000_000))
        else:
            env.pop("WATCHDOG_USEC", None)
        return env

    def _receive(self) -> None:
        while not self._closed.is_set():
            try:
                data = self._socket.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            fields = dict(
                line.split("=", 1) for line in data.decode("utf-8").splitlines() if "=" in line
            )
            with self._lock:
                self.notices.append(Notice(time.monotonic(), fields))

    def all(self) -> list[Notice]:
        with self._lock:
            return list(self.notices)

    def with_key(self, key: str, value: str | None = None, since: float = 0.0) -> list[Notice]:
        return [
            n
            for n in self.all()
            if n.at >= since and key in n.fields and (value is None or n.fields[key] == value)
        ]

    def wait_for(
        self, condition: Callable[[], object], timeout: float, what: str = "a notice"
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                seen = [n.fields for n in self.all()][-10:]
                raise AssertionError(f"no {what} within {timeout} s; last notices: {seen}")
            time.sleep(0.05)

    def close(self) -> None:
        self._closed.set()
        self._socket.close()
        self._thread.join(timeout=5)
        shutil.rmtree(self._dir, ignore_errors=True)


@contextlib.contextmanager
def notify_listener() -> Iterator[NotifyListener]:
    listener = NotifyListener()
    try:
        yield listener
    finally:
        listener.close()

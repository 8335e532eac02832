"""``mailbot run`` as a subprocess under a stand-in systemd notify socket, for the tests."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.notify import NotifyListener


class Running:
    """A `mailbot run` subprocess with its notify socket and its log file."""

    def __init__(
        self, config: Path, listener: NotifyListener, watchdog: float | None, log: str = "mailbot"
    ) -> None:
        self.config = config
        self.listener = listener
        self.log = config.parent / f"{log}.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mailbot", "run", "--config", str(config)],
            cwd=config.parent,
            env=listener.environ(watchdog),
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
        )

    def ready(self, timeout: float = 30, since: float = 0.0) -> None:
        self.listener.wait_for(
            lambda: self.listener.with_key("READY", "1", since) or self.process.poll() is not None,
            timeout,
            "READY=1",
        )
        assert self.process.poll() is None, self.stderr()

    def signal(self, signum: int) -> float:
        sent = time.monotonic()
        self.process.send_signal(signum)
        return sent

    def stop(self) -> float:
        """SIGTERM; the seconds until the process exited."""
        sent = self.signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return time.monotonic() - sent

    def stderr(self) -> str:
        self._log_file.flush()
        return self.log.read_text(encoding="utf-8")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log_file.close()

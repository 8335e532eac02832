"""Killing a real `mailbot run` process with SIGKILL at random moments, for the crash tests."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mailbot.storage.database import Database
from tests.support.records import counts


def run_command(config: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mailbot",
        "--log-level",
        "warning",
        "run",
        "--config",
        str(config),
    ]


def kill_repeatedly(
    config: Path,
    database: Database,
    times: int,
    chance: random.Random,
    *,
    measure: Callable[[Database], int] | None = None,
    between: tuple[float, float] = (0.6, 2.0),
) -> list[int]:
    """Start `mailbot run`, SIGKILL it after a random time ``between`` (seconds), ``times`` times.

    Every second kill waits, after that time, until the worker has made progress since the
    last kill (a slow start on a busy machine would otherwise only ever kill start-ups).
    Returns ``measure(database)`` after each kill (default: how many mails were recorded).
    """
    database.upgrade()  # the schema is there: kills land in the work, not in a migration
    measured = measure or (lambda db: counts(db)[0])
    recorded = []
    for index in range(times):
        before = _quietly(measured, database)
        process = subprocess.Popen(run_command(config), cwd=config.parent)
        time.sleep(chance.uniform(*between))  # start-up, or mid-backlog: intake, send, commit
        if index % 2:
            deadline = time.monotonic() + 30
            while _quietly(measured, database) == before and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            time.sleep(chance.uniform(0, 0.2))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        recorded.append(_quietly(measured, database))
    return recorded


def _quietly(measure: Callable[[Database], int], database: Database) -> int:
    try:
        return measure(database)
    except Exception:  # the schema is not there yet
        return 0


def finish(config: Path) -> subprocess.CompletedProcess[bytes]:
    """Run `mailbot run --once` to the end."""
    return subprocess.run(
        [*run_command(config), "--once"], cwd=config.parent, capture_output=True, check=False
    )

"""Targets for children of mailbot's fork server (``mailbot.forking``), and a way to run a
program that uses one: a fork server is started only by a process without threads, so
each test runs its program in a fresh interpreter and reads what it printed (JSON)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROLOGUE = """\
import contextlib, json, multiprocessing, os, signal, threading, time
from mailbot import forking
from tests.support import forked
SPAWN = multiprocessing.get_context("spawn")
"""


def run_program(code: str, timeout: float = 60) -> Any:
    """Run ``code`` (after ``PROLOGUE``; its last line of output is JSON) in a fresh
    interpreter; the decoded JSON. A failure shows the program's errors."""
    done = subprocess.run(
        [sys.executable, "-c", PROLOGUE + textwrap.dedent(code)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def echo(connection: Connection, *args: object) -> None:
    """Say who it is (process id, parent, name, the args it was given), then echo every
    message until the pipe closes."""
    name = Path("/proc/self/comm").read_text().strip()
    connection.send((os.getpid(), os.getppid(), name, args))
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        connection.send(message)


def ends(connection: Connection, code: int | None) -> None:
    """End at once: with ``code`` (by sys.exit), or by raising when it is negative."""
    if code is not None and code < 0:
        raise RuntimeError("a bug in the child")
    sys.exit(code)


def descriptors(connection: Connection) -> None:
    """Send the file descriptors this child has open."""
    connection.send(sorted(int(fd) for fd in os.listdir("/proc/self/fd")))
    connection.recv()


def memory(connection: Connection) -> None:
    """Send this child's resident and private memory (KiB), after touching nothing."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":")
        fields[key] = int(value.split()[0])
    connection.send((fields["Rss"], fields["Private_Dirty"]))
    connection.recv()

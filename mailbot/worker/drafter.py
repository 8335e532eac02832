"""Drafting in a process of its own, beside intake.

Intake (reading the mailbox, storing cases) and drafting (looking people up, rendering,
storing the drafts) both spend their time in Python: in one process they take turns on
one core. So the worker drafts in a child process: intake wakes it after each batch of
mail it commits, and it drafts every case that is due (``Draftings.run``, in batches),
then waits to be woken again. Cases are drafted within seconds of being stored, and
reading the inbox is never held up by drafting.

What drafting does is in the database (a case is ``drafting_due`` until its drafts are
committed), so the child holds nothing that can be lost: a crash or a kill leaves the
case due, and the next child drafts it. The child ignores SIGTERM and SIGINT (systemd
sends them to every process of the service): it stops when the worker tells it, after
the batch in hand.

The child is forked from the worker's fork server (``mailbot.forking``), sharing the
worker's memory; without one it is started from a fresh interpreter (``spawn``). The
parent's side (``Drafter``) is used from the worker's event loop; the pipe is read and
written in a thread of its own, never on the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from mailbot import forking

log = logging.getLogger("mailbot.worker")
WAKE, FINISH, STOP = "wake", "finish", "stop"
STOP_WAIT = 120.0  # seconds a child may take to finish its batch when told to stop


@dataclass(frozen=True, slots=True)
class Drafted:
    """What one drafting run of the child did: how many cases and reminders it drafted,
    and why it failed ("" when it did not). ``last``: the child has ended."""

    count: int
    failure: str = ""
    last: bool = False


@dataclass(frozen=True, slots=True)
class DraftingProcess:
    """How to start the child: ``serve(connection, config_file, level, digest)`` (in the composition
    root, ``mailbot.app.drafting``: it builds the drafting from the configuration file)."""

    serve: Callable[[Connection, str, str, str], None]
    config_file: Path
    digest: str  # of the configuration the worker runs on: the child must find the same


class Drafter:
    """The worker's side of the drafting process for one configuration file."""

    def __init__(self, process: DraftingProcess, on_drafted: Callable[[Drafted], object]) -> None:
        self.process = process
        self.on_drafted = on_drafted  # called on the event loop for every report
        self._context = multiprocessing.get_context("spawn")
        self._connection: Connection | None = None
        self._process: forking.ChildProcess | None = None
        self._listening: asyncio.Future[None] | None = None
        self._ended: asyncio.Event | None = None
        self._woken = False  # a wake was sent and its run has not been reported yet
        self._ended_cleanly = False
        self.drafted = 0
        self.failure = ""  # why the last run failed, or the child ended; "" when it did not

    def start(self) -> None:
        """Start the child (it loads the configuration, then waits to be woken)."""
        if self._connection is not None:  # of an earlier child, which has ended
            self._connection.close()
        level = logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower()
        args = (str(self.process.config_file), level, self.process.digest)
        ours, self._process = forking.start_child(
            self.process.serve, args, "mailbot-drafter", self._context
        )
        atexit.register(self._kill)  # never left behind, even if close() is not reached
        self._woken, self._ended_cleanly, self.failure = False, False, ""
        self._connection = ours
        self._ended = asyncio.Event()
        self._listening = asyncio.ensure_future(self._listen(ours, self._ended))

    @property
    def started(self) -> bool:
        """Whether a child was started (and has not been closed since)."""
        return self._process is not None

    @property
    def pid(self) -> int | None:
        """The child's process id, while there is one."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def wake(self) -> None:
        """Ask the child to draft what is due (now, or after the run in hand). One wake
        waits at a time: a child busy for long never has its pipe filled with them."""
        if not self._woken:
            self._woken = self._send(WAKE)

    async def finish(self) -> None:
        """Draft everything that is due, then end (``mailbot run --once``)."""
        if self._send(FINISH):
            await self._until_ended(None)
        if not self._ended_cleanly and not self.failure:
            self.failure = "the drafting process ended before it finished"
        await self.close()

    async def close(self) -> None:
        """Stop the child after the batch in hand (killed if it takes over STOP_WAIT)."""
        if self._process is None:
            return
        if self._send(STOP):
            await self._until_ended(STOP_WAIT)
        process, self._process = self._process, None
        await asyncio.to_thread(process.join, 5)
        if process.is_alive():
            log.warning("the drafting process did not stop; killed (its cases stay due)")
            process.kill()
            await asyncio.to_thread(process.join, 5)
        if self._listening is not None:
            self._listening.cancel()
            await asyncio.gather(self._listening, return_exceptions=True)
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        atexit.unregister(self._kill)

    def _kill(self) -> None:
        """At exit without ``close()``: the child ignores SIGTERM, so it is killed."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()

    def _send(self, message: str) -> bool:
        if self._connection is None or not self.running:
            return False
        try:
            self._connection.send(message)
        except OSError:  # the child has gone; its cases stay due for the next one
            return False
        return True

    async def _until_ended(self, timeout: float | None) -> None:
        assert self._ended is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ended.wait(), timeout)

    async def _listen(self, connection: Connection, ended: asyncio.Event) -> None:
        """Hand every report of the child to ``on_drafted``, until it ends."""
        try:
            while True:
                try:
                    drafted = await asyncio.to_thread(connection.recv)
                except (EOFError, OSError):
                    if not self._ended_cleanly:
                        self.failure = "the drafting process ended unexpectedly"
                    return
                self._woken = False
                self.drafted += drafted.count
                self.failure = drafted.failure
                self._ended_cleanly = drafted.last and not drafted.failure
                self.on_drafted(drafted)
                if drafted.last:
                    return
        finally:
            ended.set()

"""Reading mail (``core.analysis``) in child processes, each mail within a time limit.

A mail that makes the parser or the classifier run too long (a pathological
regular-expression case, a decoder that loops) must not hold up the mails
after it, nor the worker's watchdog. Each mail is therefore read in a child
process; when the answer does not come within ``time_limit`` seconds the child
is killed and replaced, and the mail is quarantined with that reason. A child
that dies (out of memory, a crash in a C library) quarantines its mail too.
Reading in processes also lets a backlog use every core: the worker reads the
next mails while it stores the one before.

Children come from a fork server, never from a fork of the threaded worker: the
worker's own (``mailbot.forking``, a copy of it made at its start, sharing its memory),
else multiprocessing's, started from a clean interpreter (``start_fork_server``). The
service starts them all before it is ready (``warm_up``), other callers when they are
first needed.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
import queue
import threading
import traceback
from collections.abc import Collection
from multiprocessing.connection import Connection
from typing import Protocol

from mailbot import allocator, forking
from mailbot.core.analysis import Analysis, analyse
from mailbot.core.parsing import Limits
from mailbot.documents import read_documents
from mailbot.logs import log_failure

log = logging.getLogger(__name__)


class Reader(Protocol):
    """Reads one mail's bytes into an ``Analysis``; never raises for a bad mail."""

    def read(
        self, raw: bytes, limits: Limits, own_addresses: Collection[str], time_limit: float
    ) -> Analysis: ...

    def warm_up(
        self, raw: bytes, limits: Limits, own_addresses: Collection[str], time_limit: float
    ) -> list[Analysis]:
        """Read ``raw`` (a sample) in every reader, so that the first real mails are read
        as fast as the rest; each reader's reading."""
        ...

    def close(self) -> None: ...


def bug(exc: BaseException) -> str:
    return f"mailbot failed on this mail ({type(exc).__name__}: {exc}); retry after an update"


class InThread:
    """Reads in the caller's thread, without a time limit (tests, one-off commands)."""

    def read(
        self, raw: bytes, limits: Limits, own_addresses: Collection[str], time_limit: float
    ) -> Analysis:
        try:
            return analyse(raw, limits, own_addresses, read_documents).without_contents()
        except Exception as exc:  # a bug must quarantine the mail, not stop the worker
            log_failure(log, "a mail could not be read", exc=exc)
            return Analysis.failed(bug(exc))

    def warm_up(
        self, raw: bytes, limits: Limits, own_addresses: Collection[str], time_limit: float
    ) -> list[Analysis]:
        """Read once here: what reading imports and compiles on first use is done now."""
        return [self.read(raw, limits, own_addresses, time_limit)]

    def close(self) -> None:
        """Nothing to release."""


def _serve(connection: Connection) -> None:
    """A child's loop: read mails until the pipe closes. One forked by the worker's fork
    server ignores SIGTERM as it does (``mailbot.forking``): a stop of the service signals
    every process, and a reader ended in the middle of a mail would quarantine it."""
    allocator.tune()
    while _answer_one(connection):
        pass


def _answer_one(connection: Connection) -> bool:
    """Read the next mail and send its reading; False once the pipe is closed. A function of
    its own so that nothing of a mail (its bytes, its attachments) outlives its answer."""
    try:
        limits, own_addresses = connection.recv()
        raw = connection.recv_bytes()
    except (EOFError, OSError):
        return False
    try:  # the attachments' bytes stay behind: the worker has them in the mail's
        reading = analyse(raw, limits, own_addresses, read_documents)
        answer: Analysis | str = reading.without_contents()
    except Exception as exc:
        answer = f"{bug(exc)}\n{traceback.format_exc()}"
    connection.send(answer)
    return True


PRELOAD = ["mailbot.core.analysis", "mailbot.documents", "pypdf", "docx"]


def _fork_server() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start the readers' fork server now: it imports what reading needs (some 0.5 s of
    work) in its own process while this one goes on starting. Otherwise the first reader
    starts it."""
    _fork_server()
    multiprocessing.forkserver.ensure_running()


def _send(child: _Child, raw: bytes, limits: Limits, own_addresses: Collection[str]) -> bool:
    """Hand a mail to a child; False when its pipe is closed (it died)."""
    try:
        child.connection.send((limits, own_addresses))
        child.connection.send_bytes(raw)  # as it is: no pickled copy of a large mail
    except OSError:
        return False
    return True


class _Child:
    def __init__(self, context: multiprocessing.context.ForkServerContext) -> None:
        self.connection, self.process = forking.start_child(_serve, (), "mailbot-reader", context)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


_FREE = "free"  # a token in the queue: a child may be started
_CLOSED = "closed"


class ChildProcesses:
    """Up to ``processes`` children reading side by side; thread-safe."""

    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or max(1, min(4, os.cpu_count() or 1))
        self._context = _fork_server()
        self._queue: queue.SimpleQueue[_Child | str] = queue.SimpleQueue()
        for _ in range(self.processes):
            self._queue.put(_FREE)
        self._lock = threading.Lock()
        self._children: set[_Child] = set()
        self._closed = False
        atexit.register(self.close)  # its children are never left behind, close() or not

    def read(
        self, raw: bytes, limits: Limits, own_addresses: Collection[str], time_limit: float
    ) -> Analysis:
        child = self._take()
        return self._answer(child, _send(child, raw, limits, own_addresses), time_limit)

    def warm_up(
        self, raw: bytes, limits: Limits, own_addresses: Collection[str], time_limit: float
    ) -> list[Analysis]:
        """Start every child now and have each read ``raw`` once, side by side.

        Otherwise the first mails after a start pay for the fork server's start and its
        imports, for each child's start, and for what each child does only on its first
        mail (compiled patterns, lazy imports). Returns each child's reading.
        """
        children = [self._take() for _ in range(self.processes)]
        sent = [_send(child, raw, limits, own_addresses) for child in children]
        return [
            self._answer(child, ok, time_limit) for child, ok in zip(children, sent, strict=True)
        ]

    def _answer(self, child: _Child, sent: bool, time_limit: float) -> Analysis:
        """The answer of ``child`` to the mail ``sent`` to it; the child goes back to the
        others, or is replaced when it took too long or died."""
        healthy = False
        try:
            if not sent:
                raise EOFError  # the pipe was closed: the child is gone
            if not child.connection.poll(time_limit):
                log.warning("a mail took longer than %g s to read; quarantined", time_limit)
                return Analysis.failed(
                    f"reading this mail took longer than intake.time_limit ({time_limit:g} s); "
                    "its reader was stopped"
                )
            answer = child.connection.recv()
            healthy = True
        except (EOFError, OSError):
            child.process.join(1)
            log.warning("a mail reader died (exit code %s); its mail is quarantined",
                        child.process.exitcode)  # fmt: skip
            return Analysis.failed(
                f"the process reading this mail died (exit code {child.process.exitcode}); "
                "it may need more memory than the service may use"
            )
        finally:
            if healthy:
                self._queue.put(child)
            else:
                self._retire(child)
        if isinstance(answer, str):
            log.error("a mail could not be read: %s", answer)
            return Analysis.failed(answer.partition("\n")[0])
        assert isinstance(answer, Analysis)
        return answer

    def _take(self) -> _Child:
        token = self._queue.get()
        if token == _CLOSED or self._closed:
            self._queue.put(token)  # for the next one waiting
            raise RuntimeError("the mail readers are closed")
        if isinstance(token, _Child):
            return token
        try:
            child = _Child(self._context)
        except BaseException:
            self._queue.put(_FREE)
            raise
        with self._lock:
            closed = self._closed
            if not closed:
                self._children.add(child)
        if closed:  # close() came while it started
            child.stop()
            self._queue.put(_FREE)
            raise RuntimeError("the mail readers are closed")
        return child

    def _retire(self, child: _Child) -> None:
        child.stop()
        with self._lock:
            self._children.discard(child)
        self._queue.put(_FREE)

    def __enter__(self) -> ChildProcesses:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        atexit.unregister(self.close)
        with self._lock:
            self._closed = True  # no child starts after this
            children, self._children = list(self._children), set()
        for child in children:
            child.stop()
        self._queue.put(_CLOSED)

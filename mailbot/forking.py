"""Child processes forked from a copy of the worker made at its start: one copy of the code.

The worker, its mail readers and its drafting process run the same code: some 60 MB of
imported modules and the objects they make. A child started from a fresh interpreter
(multiprocessing's ``spawn``, or its fork server) imports all of it again: each child paid
for its own copy. A child forked from the worker shares those pages with it instead, until
one of them writes to a page. But once the worker runs it has threads, and forking a
threaded process is unsafe: a lock another thread holds at that moment stays held in the
child for ever.

So ``start()``, called first thing while the process is still single-threaded, forks a
*fork server*: a copy of the process that does nothing but wait for requests and fork each
child from itself. Every child then shares the worker's pages with the worker and the fork
server; the modules only children need (``preload``: the readers' PDF and Word libraries)
are imported once, in the fork server. Before forking, the garbage collector's objects so
far are frozen (``gc.freeze``), so that a collection in a child does not write to, and so
copy, every page of them.

``start_child(target, args, name, fallback)`` runs ``target(connection, *args)`` in a new
child and gives back the parent's end of the pipe to it and a handle (``ChildProcess``:
``pid``, ``is_alive``, ``join``, ``kill``, ``exitcode``). Without a fork server (a process
that has threads already, a command that reads one mail, tests), or once it is gone, the
child is started by multiprocessing's ``fallback`` context instead, from a fresh
interpreter, as before.

The fork server and its children ignore SIGTERM and SIGINT, which systemd sends to every
process of the service (and SIGHUP, SIGUSR1 and SIGUSR2, which ``systemctl kill`` would):
the worker says when each stops (a reader ends when its pipe closes, the drafting process
when told, after its batch in hand), so a stop never kills a reader in the middle of a
mail. The fork server ends when the worker does (its socket closes). Should it die or hang,
its children are still seen alive until they end (``Forked``), and new ones start from
the fallback. Each child names itself (``/proc/PID/comm``: ``mailbot-reader``,
``mailbot-drafter``; the server ``mailbot-forks``), as ``top`` and ``ps -o comm`` show them.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import math
import os
import pickle
import select
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

if TYPE_CHECKING:  # multiprocessing is imported when a child starts: not by every command
    import multiprocessing.context
    from multiprocessing.connection import Connection

log = logging.getLogger(__name__)

SERVER_NAME = "mailbot-forks"
ANSWER_WAIT = 10.0  # seconds the fork server may take to answer, or to end when told
STATUS_WAIT = 1.0  # seconds it may take to reap an ended child and write its exit code
_CODE = struct.Struct("i")  # an exit code, as the fork server writes it
# Signals a stop or an administrator may send to every process of the service: the fork
# server and its children ignore them (the worker stops its children itself).
_IGNORED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2)
_MESSAGE = 1 << 16  # the largest request or answer (a target and its arguments)


class ChildProcess(Protocol):
    """A child process, as multiprocessing's ``Process`` shows one."""

    @property
    def pid(self) -> int | None: ...

    @property
    def exitcode(self) -> int | None: ...

    def is_alive(self) -> bool: ...

    def join(self, timeout: float | None = None) -> None: ...

    def kill(self) -> None: ...


class ForkServerGone(OSError):
    """The fork server did not answer: it has ended, was killed, or hangs."""


class Forked:
    """A child of the fork server, seen from the worker: its process id; a pidfd, which
    tells when it has ended and signals it without a process id that may have gone to
    another process since (it is not the worker's child: the fork server reaps it); and the
    pipe on which the fork server writes its exit code when it has reaped it (closed
    unwritten if the fork server ends first: the code is then unknown)."""

    def __init__(self, pid: int, status: int, pidfd: int) -> None:
        self.pid = pid
        self._status = status
        self._pidfd = pidfd
        self._exitcode: int | None = None
        self._told = False  # the fork server wrote the exit code, or closed the pipe
        self._lock = threading.Lock()  # the worker's threads may ask at once
        self._closed = weakref.finalize(self, _close, status, pidfd)

    @property
    def exitcode(self) -> int | None:
        """The exit code once it has ended (minus the signal that ended it), else None."""
        if not self.is_alive():
            self._read_status(STATUS_WAIT)
        return self._exitcode

    def is_alive(self) -> bool:
        return not _readable(self._pidfd, 0)

    def join(self, timeout: float | None = None) -> None:
        """Wait until it has ended, or ``timeout`` seconds."""
        _readable(self._pidfd, timeout)

    def kill(self) -> None:
        """SIGKILL (nothing, if it has ended)."""
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    def _read_status(self, timeout: float) -> None:
        """Read the exit code, waiting up to ``timeout`` seconds for the fork server to
        reap the child. The pipe stays open until this handle is dropped: another thread
        may be waiting on it."""
        if self._told or not _readable(self._status, timeout):
            return
        with self._lock:
            if not self._told:  # else another thread read it meanwhile
                data = os.read(self._status, _CODE.size)
                if len(data) == _CODE.size:
                    self._exitcode = _CODE.unpack(data)[0]
                self._told = True


def _close(*fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def _readable(fd: int, timeout: float | None) -> bool:
    """Whether ``fd`` can be read (or is at its end; a pidfd: its process has ended) within
    ``timeout`` seconds (poll, not select: the worker may hold descriptors over 1024)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(None if timeout is None else max(0, math.ceil(timeout * 1000))))


class _Server:
    """The worker's side of the fork server: a socket to it, used by one thread at a time."""

    def __init__(self, pid: int, channel: socket.socket) -> None:
        self.pid = pid
        self.channel = channel
        self.channel.settimeout(ANSWER_WAIT)  # a fork takes milliseconds: it hangs, or is stopped
        self.lock = threading.Lock()
        self.broken = False  # a request went unanswered: a late answer must not be taken
        self.requests = 0

    def start(
        self, target: Callable[..., object], args: tuple[Any, ...], name: str
    ) -> tuple[Connection, Forked]:
        ours, theirs = socket.socketpair()
        try:
            with self.lock:
                if self.broken:
                    raise ForkServerGone("it did not answer before")
                self.requests += 1
                request = pickle.dumps((self.requests, target, args, name))
                fds: list[int] = []
                try:
                    socket.send_fds(self.channel, [request], [theirs.fileno()])
                    answer, fds, _, _ = socket.recv_fds(self.channel, _MESSAGE, 2)
                    for fd in fds:
                        os.set_inheritable(fd, False)
                    if not answer:
                        raise ForkServerGone("it closed its socket")
                    number, pid, failure = pickle.loads(answer)  # noqa: S301 - from our own fork, on a socketpair
                    if number != self.requests:
                        raise ForkServerGone("it answered an earlier request")
                except OSError as exc:
                    _close(*fds)  # (another request's, if out of turn)
                    self.broken = True  # whatever it says later is not heard
                    with contextlib.suppress(OSError):
                        self.channel.shutdown(socket.SHUT_RDWR)
                    if isinstance(exc, ForkServerGone):
                        raise
                    raise ForkServerGone(str(exc)) from exc
            if failure or len(fds) != 2:
                _close(*fds)
                raise OSError(f"the fork server could not start {name}: {failure}")
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        from multiprocessing.connection import Connection  # noqa: PLC0415 - see the imports

        return Connection(ours.detach()), Forked(pid, *fds)

    def stop(self) -> None:
        """Close the socket (the fork server ends: its children go on until their pipes
        close) and wait for it to end (killed after ``ANSWER_WAIT``, if it does not)."""
        self.channel.close()
        deadline = time.monotonic() + ANSWER_WAIT
        with contextlib.suppress(ChildProcessError, ProcessLookupError):
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    return
                time.sleep(0.01)


class _Current:
    """This process's fork server, if it has one."""

    def __init__(self) -> None:
        self.server: _Server | None = None
        self.lock = threading.Lock()


_current = _Current()


def start(preload: Iterable[str] = ()) -> bool:
    """Fork the fork server now, importing ``preload`` in it; False (and none is started)
    when this process already has threads, or has a fork server. Only a program of
    mailbot's own calls it: forking another program (a test runner) copies all of it."""
    with _current.lock:
        if _current.server is not None or _threads() > 1 or not _pidfds():
            return False
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        gc.collect()
        gc.freeze()  # what exists now is kept as it is: no collection writes to its pages
        pid = os.fork()
        if pid == 0:  # the fork server
            ours.close()
            _serve(theirs, list(preload))
        theirs.close()
        _current.server = _Server(pid, ours)
        return True


def _pidfds() -> bool:
    """Whether this system has pidfds (Linux 5.3; a system-call filter may refuse them)."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (OSError, AttributeError):
        return False
    return True


def _threads() -> int:
    """This process's threads, those Python did not start (a C library's) included."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def stop() -> None:
    """End the fork server, if there is one (its children are not stopped)."""
    with _current.lock:
        server, _current.server = _current.server, None
    if server is not None:
        server.stop()


def running() -> int | None:
    """The fork server's process id, while this process has one."""
    server = _current.server
    return server.pid if server is not None else None


def start_child(
    target: Callable[..., object],
    args: tuple[Any, ...],
    name: str,
    fallback: multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext,
) -> tuple[Connection, ChildProcess]:
    """Run ``target(connection, *args)`` in a new child named ``name``: the fork server's,
    or (without one, or once it is gone) one of the ``fallback`` context. ``target`` and
    ``args`` must pickle. Returns the parent's end of the connection and the child."""
    server = _current.server
    if server is not None:
        try:
            return server.start(target, args, name)
        except ForkServerGone as exc:
            with _current.lock:
                dropped = _current.server is server
                if dropped:
                    _current.server = None
            if dropped:  # by this thread: it says so, and reaps it (killed if it hangs)
                log.warning("the fork server has ended (%s); children start afresh now", exc)
                server.stop()
    ours, theirs = fallback.Pipe()
    child = fallback.Process(target=target, args=(theirs, *args), name=name, daemon=True)
    child.start()
    theirs.close()
    return ours, child


# The fork server's side. Everything below runs in the fork server or in its children.


def _serve(channel: socket.socket, preload: list[str]) -> NoReturn:
    """The fork server's loop: fork a child for each request, write each child's exit code
    when it ends; end when the worker's end of ``channel`` closes."""
    code = 0
    _current.lock = threading.Lock()  # the worker's was held while it forked
    try:
        _name(SERVER_NAME)
        for signum in _IGNORED:  # it ends when the worker does; its children inherit this
            signal.signal(signum, signal.SIG_IGN)
        for module in preload:
            try:
                importlib.import_module(module)
            except ImportError:  # as multiprocessing's: a child that needs it will say
                traceback.print_exc()
        gc.collect()
        gc.freeze()
        woken, wake = os.pipe()
        os.set_blocking(woken, False)
        os.set_blocking(wake, False)
        signal.set_wakeup_fd(wake)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the select below
        statuses: dict[int, int] = {}  # a child's process id: the pipe for its exit code
        while True:
            ready = select.select([channel.fileno(), woken], [], [])[0]
            if woken in ready:
                with contextlib.suppress(BlockingIOError):
                    while os.read(woken, 512):
                        pass
                _reap(statuses)
            if channel.fileno() in ready:
                request, fds, _, _ = socket.recv_fds(channel, _MESSAGE, 1)
                if not request:
                    break  # the worker has closed its end (or ended)
                if not fds:
                    channel.sendmsg([pickle.dumps((0, 0, "no pipe came with the request"))])
                    continue
                _fork(channel, request, fds, statuses, [woken, wake])
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _fork(
    channel: socket.socket,
    request: bytes,
    fds: list[int],
    statuses: dict[int, int],
    own: list[int],
) -> None:
    """Fork the child ``request`` asks for, its pipe the fd received with it; answer
    its process id and the read end of its status pipe (or why it could not start)."""
    pid, failure, number = 0, "", 0
    try:
        number, target, args, name = pickle.loads(request)  # noqa: S301 - from the worker that forked us
        status_read, status_write = os.pipe()
    except Exception as exc:
        _close(*fds)
        channel.sendmsg([pickle.dumps((number, 0, f"{type(exc).__name__}: {exc}"))])
        return
    try:
        pid = os.fork()
    except OSError as exc:
        failure = f"{type(exc).__name__}: {exc}"
    if pid == 0 and not failure:  # the child
        close = [channel.fileno(), status_read, status_write, *own, *statuses.values()]
        _child(target, args, name, fds[0], close)
    _close(*fds)
    if failure:
        _close(status_read, status_write)
        channel.sendmsg([pickle.dumps((number, 0, failure))])
        return
    statuses[pid] = status_write
    pidfd = os.pidfd_open(pid)  # before it can be reaped: this loop reaps, after answering
    try:
        socket.send_fds(channel, [pickle.dumps((number, pid, ""))], [status_read, pidfd])
    finally:
        _close(status_read, pidfd)


def _reap(statuses: dict[int, int]) -> None:
    """Collect every child that has ended; write its exit code to its status pipe."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        write = statuses.pop(pid, None)
        if write is not None:
            with contextlib.suppress(OSError):
                os.write(write, _CODE.pack(os.waitstatus_to_exitcode(status)))
            os.close(write)


def _child(
    target: Callable[..., object], args: tuple[Any, ...], name: str, fd: int, close: list[int]
) -> NoReturn:
    """Run ``target`` in a child of the fork server; exit with its code."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for other in close:
            with contextlib.suppress(OSError):
                os.close(other)
        _name(name)
        from multiprocessing.connection import Connection  # noqa: PLC0415 - see the imports

        target(Connection(fd), *args)
        code = 0
    except SystemExit as exc:  # as multiprocessing: sys.exit() is 0, sys.exit("why") 1
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _name(name: str) -> None:
    """The process's name as ``ps`` and ``top`` show it (at most 15 bytes)."""
    with contextlib.suppress(OSError), open("/proc/self/comm", "w", encoding="ascii") as comm:
        comm.write(name[:15])

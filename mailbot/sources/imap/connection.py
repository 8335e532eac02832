"""The one way mailbot talks to the officer's IMAP server: connect, log in, translate errors.

imapclient is synchronous, so each adapter of this package runs every call to it in
its own single-thread executor (``ImapThread``): one connection, used by one thread,
never on the event loop. Every socket operation has a timeout. Any network or
protocol error closes the connection and is raised as ``SourceUnavailable``
(``LoginFailed`` for refused credentials, ``SourceStalled`` when the server stops
answering); the next call connects again, and the worker retries with backoff.
imapclient and imaplib never show outside this package.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from selectors import EVENT_READ, DefaultSelector
from typing import Any, Generic, TypeVar

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError, LoginError

from mailbot import tokens
from mailbot.config import ImapSettings
from mailbot.errors import LoginFailed, SourceStalled, SourceUnavailable

IDLE_SLICE = 1.0  # seconds between looks at the stop flag while in IDLE
CONNECT_TIMEOUT = 20.0
T = TypeVar("T")


def oauth2_token(settings: ImapSettings) -> str:
    """A fresh XOAUTH2 access token for the IMAP login."""
    return tokens.oauth2_token("imap", settings.oauth2_token_file, settings.oauth2_token_command)


def _tls_context(settings: ImapSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file is not None:
        context.load_verify_locations(cafile=str(settings.ca_file))
    return context


def login(settings: ImapSettings) -> IMAPClient:
    """A logged-in client (blocking: call it in the adapter's thread)."""
    timeout = SocketTimeout(connect=min(CONNECT_TIMEOUT, settings.timeout), read=settings.timeout)
    tls = settings.security == "tls"
    client = IMAPClient(
        settings.host,
        port=settings.port,
        ssl=tls,
        ssl_context=_tls_context(settings) if tls else None,
        timeout=timeout,
    )
    try:
        if settings.security == "starttls":
            client.starttls(_tls_context(settings))
        if settings.auth == "xoauth2":
            client.oauth2_login(settings.username, oauth2_token(settings))
        else:
            assert settings.password is not None  # the configuration guarantees it
            client.login(settings.username, settings.password.get_secret_value())
    except BaseException:
        quietly(client.shutdown)
        raise
    client.normalise_times = False  # keep INTERNALDATE's zone; we store UTC
    return client


def translated(
    name: str, settings: ImapSettings, call: Callable[[], T], drop: Callable[[], None]
) -> T:
    """Run ``call``; library errors become ``SourceUnavailable`` or ``LoginFailed``."""
    try:
        return call()
    except LoginError as exc:
        drop()
        if "[UNAVAILABLE]" in str(exc):
            # RFC 5530: the server cannot authenticate right now; the credentials may be fine.
            raise SourceUnavailable(f"{name}: {exc}") from None
        hint = "check imap.username and the password"
        raise LoginFailed(f"{name}: login refused ({hint}): {exc}") from None
    except TimeoutError as exc:  # socket.timeout: the server stopped answering
        drop()
        raise SourceStalled(f"{name}: no answer within {settings.timeout:g} s ({exc})") from None
    except (OSError, IMAPClientError, EOFError) as exc:
        drop()
        raise SourceUnavailable(f"{name}: {type(exc).__name__}: {exc}") from None
    except LoginFailed:
        drop()
        raise


def quietly(call: Callable[..., object], *args: object) -> None:
    with contextlib.suppress(Exception):  # closing a connection that may already be dead
        call(*args)


class Connection:
    """One logged-in IMAP connection. Thread-bound."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.client = login(settings)

    def wait(self, timeout: float, interrupt: threading.Event) -> None:
        """Return on news in the selected folder, after ``timeout``, or when ``interrupt``
        is set: with IDLE when the server offers it, else after the poll interval."""
        if not self.client.has_capability("IDLE"):
            interrupt.wait(min(timeout, self.settings.poll_interval))
            return
        self.client.idle()
        deadline = time.monotonic() + min(timeout, self.settings.idle_timeout)
        try:
            with DefaultSelector() as selector:
                selector.register(self.client.socket(), EVENT_READ)
                while not interrupt.is_set() and (left := deadline - time.monotonic()) > 0:
                    if not selector.select(min(IDLE_SLICE, left)):
                        continue
                    responses = self.client.idle_check(timeout=0)
                    if not responses:
                        raise ConnectionError("the server closed the connection during IDLE")
                    if any(not _is_keepalive(response) for response in responses):
                        return
        finally:
            self.client.idle_done()

    def close(self) -> None:
        quietly(self.client.logout)
        quietly(self.client.shutdown)


def _is_keepalive(response: Any) -> bool:
    return isinstance(response, tuple) and bool(response) and response[0] == b"OK"


C = TypeVar("C", bound=Connection)


class ImapThread(Generic[C]):
    """An adapter's own thread and the connection it holds there.

    ``run`` is the one way an adapter calls imapclient: off the event loop, errors
    translated, the connection closed on any of them (the next call connects again).
    """

    def __init__(
        self,
        settings: ImapSettings,
        name: str,
        connect: Callable[[ImapSettings], C],
        thread_name: str,
    ) -> None:
        self.settings = settings
        self.name = name
        self._connect = connect
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=thread_name)
        self._connection: C | None = None
        self.interrupt = threading.Event()  # set: a ``wait`` in the thread returns soon

    # -- in the thread -------------------------------------------------------
    def connection(self, opened: Callable[[C], object] | None = None) -> C:
        """The connection, made now if there is none (then ``opened`` prepares it)."""
        if self._connection is None:
            self._connection = self._connect(self.settings)
            if opened is not None:
                opened(self._connection)
        return self._connection

    def drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # -- on the event loop ---------------------------------------------------
    async def run(self, call: Callable[[], T]) -> T:
        """``call`` in the thread, its library errors turned into ours."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(translated, self.name, self.settings, call, self.drop)
        )

    async def wait(self, call: Callable[[], None]) -> None:
        """``run`` a ``call`` that waits until ``interrupt`` is set: set when cancelled."""
        self.interrupt.clear()
        try:
            await self.run(call)
        except asyncio.CancelledError:
            self.interrupt.set()  # the thread leaves IDLE within IDLE_SLICE
            raise

    async def logout(self) -> None:
        """Close the connection; the thread stays (the next ``run`` logs in again)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self.drop)

    async def close(self) -> None:
        """End any wait, close the connection, and let the thread go."""
        self.interrupt.set()
        await self.logout()
        self._executor.shutdown(wait=False)

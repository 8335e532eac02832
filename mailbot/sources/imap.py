"""The officer's IMAP mailbox as a mail source.

imapclient is synchronous, so every call to it runs in this source's own
single-thread executor: one connection, used by one thread, never on the event
loop. Every socket operation has a timeout. Any network or protocol error
closes the connection and is raised as ``SourceUnavailable`` (``LoginFailed``
for refused credentials); the next call connects again, and the worker retries
with backoff. imapclient and imaplib never show outside this module.

Reading never changes the mailbox: bodies are fetched with ``BODY.PEEK[]`` (no
\\Seen flag) after their size was checked. Only ``settle``, called after the
mail's outcome is committed, moves it: requests (with their follow-ups and
duplicate deliveries) to ``requests_folder``, other mail to ``other_folder``
when one is set, else it stays where it is. New mail is awaited with IDLE when
the server offers it, re-issued at least every ``idle_timeout`` seconds, else by
polling; every wake-up is followed by a full ``UID SEARCH ALL``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from selectors import EVENT_READ, DefaultSelector
from typing import Any, TypeVar

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import DRAFTS, SEEN, SENT

from mailbot import tokens
from mailbot.config import ImapSettings
from mailbot.errors import LoginFailed, MailVanished, SourceStalled, SourceUnavailable
from mailbot.ports import MailKey, MailRef, Outcome

log = logging.getLogger(__name__)
SOURCE = "imap"
FETCH_CHUNK = 500
PIECE = 2 * 1024 * 1024  # mails larger than this are fetched in pieces of this size
IDLE_SLICE = 1.0  # seconds between looks at the stop flag while in IDLE
CONNECT_TIMEOUT = 20.0
_REQUEST_OUTCOMES = frozenset({Outcome.NEW_CASE, Outcome.FOLLOW_UP, Outcome.DUPLICATE})
_OTHER_OUTCOMES = frozenset({Outcome.NOT_A_REQUEST, Outcome.IGNORED})
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FolderState:
    """What ``mailbot check`` reports about the mailbox."""

    folder: str
    messages: int
    uidvalidity: int
    idle: bool
    move: bool
    requests_folder: str
    requests_folder_exists: bool


def oauth2_token(settings: ImapSettings) -> str:
    """A fresh XOAUTH2 access token for the IMAP login."""
    return tokens.oauth2_token("imap", settings.oauth2_token_file, settings.oauth2_token_command)


def _tls_context(settings: ImapSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file is not None:
        context.load_verify_locations(cafile=str(settings.ca_file))
    return context


def _login(settings: ImapSettings) -> IMAPClient:
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
        _quietly(client.shutdown)
        raise
    client.normalise_times = False  # keep INTERNALDATE's zone; we store UTC
    return client


def _translated(
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


class _Connection:
    """One logged-in IMAP connection with the watched folder selected. Thread-bound."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.client = _login(settings)
        self.uidvalidity = 0

    def select(self) -> int:
        selected = self.client.select_folder(self.settings.folder)
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        return int(selected.get(b"EXISTS", 0))

    def ensure_folders(self) -> None:
        for folder in (self.settings.requests_folder, self.settings.other_folder):
            created = (
                bool(folder)
                and not self.client.folder_exists(folder)
                and _create_folder(self.client, folder)
            )
            if created:
                _quietly(self.client.subscribe_folder, folder)
                log.info("created IMAP folder %s", folder)

    def pending(self) -> list[MailRef]:
        self.select()
        uids = sorted(self.client.search("ALL"))
        refs: list[MailRef] = []
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            data = self.client.fetch(chunk, ["RFC822.SIZE", "INTERNALDATE"])
            for uid in chunk:
                item = data.get(uid)
                if item is None:  # expunged meanwhile
                    continue
                arrived = item[b"INTERNALDATE"]
                arrived = arrived.replace(tzinfo=UTC) if arrived.tzinfo is None else arrived
                key = MailKey(SOURCE, self.settings.folder, self.uidvalidity, str(uid))
                refs.append(MailRef(key, int(item[b"RFC822.SIZE"]), arrived.astimezone(UTC)))
        return refs

    def _current(self, ref: MailRef) -> bool:
        return ref.key.uidvalidity == self.uidvalidity and ref.key.folder == self.settings.folder

    def fetch(self, ref: MailRef) -> bytes:
        if not self._current(ref):
            raise SourceUnavailable("the folder's UIDVALIDITY changed; it is read again")
        uid = int(ref.key.uid)
        if ref.size <= PIECE:
            data = self.client.fetch([uid], ["BODY.PEEK[]"])
            return self._body(uid, data.get(uid, {}).get(b"BODY[]"))
        # A large mail in pieces: imapclient holds a literal several times over while it
        # reads one, so a 25 MB mail fetched whole took some 100 MB on top of itself.
        pieces: list[bytes] = []
        offset = 0
        while True:
            data = self.client.fetch([uid], [f"BODY.PEEK[]<{offset}.{PIECE}>"])
            piece = self._body(uid, data.get(uid, {}).get(f"BODY[]<{offset}>".encode()))
            pieces.append(piece)
            offset += len(piece)
            if len(piece) < PIECE:
                return b"".join(pieces)

    def _body(self, uid: int, body: object) -> bytes:
        if not isinstance(body, bytes):
            folder = self.settings.folder
            raise MailVanished(f"UID {uid} was removed from {folder} before it was read")
        return body

    def move(self, ref: MailRef, folder: str) -> None:
        if not self._current(ref):
            return  # a UIDVALIDITY change: the next pass settles it under its new key
        uid = int(ref.key.uid)
        try:
            self._move(uid, folder)
        except IMAPClientError:
            # Gone already: another worker (or the officer) moved it; there is nothing to do.
            if uid not in self.client.search(["UID", str(uid)]):
                return
            raise

    def _move(self, uid: int, folder: str) -> None:
        if self.client.has_capability("MOVE"):
            self.client.move([uid], folder)
            return
        self.client.copy([uid], folder)
        self.client.delete_messages([uid])
        if self.client.has_capability("UIDPLUS"):
            self.client.uid_expunge([uid])
        # Without UIDPLUS the copy stays flagged \\Deleted: a plain EXPUNGE would also
        # remove mail the officer himself marked for deletion.

    def wait(self, timeout: float, interrupt: threading.Event) -> None:
        """Return on news from the server, after ``timeout``, or when ``interrupt`` is set."""
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

    def state(self) -> FolderState:
        messages = self.select()
        requests = self.settings.requests_folder
        return FolderState(
            folder=self.settings.folder,
            messages=messages,
            uidvalidity=self.uidvalidity,
            idle=self.client.has_capability("IDLE"),
            move=self.client.has_capability("MOVE"),
            requests_folder=requests,
            requests_folder_exists=bool(requests) and self.client.folder_exists(requests),
        )

    def close(self) -> None:
        _quietly(self.client.logout)
        _quietly(self.client.shutdown)


def _is_keepalive(response: Any) -> bool:
    return isinstance(response, tuple) and bool(response) and response[0] == b"OK"


def _create_folder(client: IMAPClient, folder: str) -> bool:
    """Create ``folder``; False when another worker created it first (it exists now)."""
    try:
        client.create_folder(folder)
    except IMAPClientError:
        if client.folder_exists(folder):
            return False
        raise
    return True


SPECIAL_FOLDERS = {"drafts": (DRAFTS, "Drafts"), "sent": (SENT, "Sent")}


def special_folder(client: IMAPClient, which: str, configured: str = "auto") -> str:
    """The officer's ``which`` folder (``"sent"``, ``"drafts"``): ``configured`` when it is a
    name; for ``"auto"`` the folder the server marks so (RFC 6154), else one with a usual name
    (Outlook's "Sent Items" too), else the plain name (created by the caller)."""
    if configured and configured != "auto":
        return configured
    flag, usual = SPECIAL_FOLDERS[which]
    return str(client.find_special_folder(flag) or usual)


def _quietly(call: Callable[..., object], *args: object) -> None:
    with contextlib.suppress(Exception):  # closing a connection that may already be dead
        call(*args)


class ImapSource:
    """The ``MailSource`` for one IMAP folder."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap")
        self._connection: _Connection | None = None
        self._interrupt = threading.Event()

    @property
    def name(self) -> str:
        return f"imap {self.settings.host}/{self.settings.folder}"

    # -- running in the IMAP thread ------------------------------------------
    def _guarded(self, call: Callable[[_Connection], T], prepare: bool) -> T:
        """Connect if needed, run ``call``, and turn library errors into ours."""

        def run() -> T:
            if self._connection is None:
                self._connection = _Connection(self.settings)
                if prepare:
                    self._connection.ensure_folders()
                self._connection.select()
            return call(self._connection)

        return _translated(self.name, self.settings, run, self._drop)

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def _run(self, call: Callable[[_Connection], T], prepare: bool = True) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(self._guarded, call, prepare)
        )

    # -- the MailSource port -------------------------------------------------
    async def pending(self) -> list[MailRef]:
        return await self._run(_Connection.pending)

    async def fetch(self, ref: MailRef) -> bytes:
        return await self._run(lambda connection: connection.fetch(ref))

    async def settle(self, ref: MailRef, outcome: Outcome) -> None:
        folder = self.target(outcome)
        if folder:
            await self._run(lambda connection: connection.move(ref, folder))

    def target(self, outcome: Outcome) -> str:
        """Where a mail with ``outcome`` belongs ("" means: leave it where it is)."""
        if outcome in _REQUEST_OUTCOMES:
            return self.settings.requests_folder
        if outcome in _OTHER_OUTCOMES:
            return self.settings.other_folder
        return ""  # quarantined mail stays in view of the officer

    async def wait(self, timeout: float) -> None:
        self._interrupt.clear()
        try:
            await self._run(lambda connection: connection.wait(timeout, self._interrupt))
        except asyncio.CancelledError:
            self._interrupt.set()  # the IMAP thread leaves IDLE within IDLE_SLICE
            raise

    async def state(self) -> FolderState:
        """Log in and describe the folder, changing nothing (for ``mailbot check``)."""
        return await self._run(_Connection.state, prepare=False)

    async def close(self) -> None:
        self._interrupt.set()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._drop)
        self._executor.shutdown(wait=False)


class ImapSentFolder:
    """The ``SentFolder`` port on the officer's IMAP account: a copy of each mail we sent.

    ``imap.sent_folder = "auto"`` takes the folder the server marks ``\\Sent``
    (RFC 6154), else a folder with a usual name, else creates ``Sent``. A mail is
    appended (marked read) only when no mail with its Message-ID is in the folder,
    so filing twice (a crash between APPEND and the commit) adds nothing.
    """

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap-sent")
        self._client: IMAPClient | None = None
        self._folder = ""

    @property
    def name(self) -> str:
        return f"imap {self.settings.host} sent folder"

    def _drop(self) -> None:
        if self._client is not None:
            _quietly(self._client.logout)
            _quietly(self._client.shutdown)
            self._client = None

    def _open(self) -> IMAPClient:
        if self._client is None:
            client = _login(self.settings)
            self._client = client
            folder = special_folder(client, "sent", self.settings.sent_folder)
            if not client.folder_exists(folder):
                _create_folder(client, folder)
            self._folder = folder
        return self._client

    def _file(self, message_id: str, content: bytes, when: datetime) -> bool:
        client = self._open()
        client.select_folder(self._folder)
        if client.search(["HEADER", "Message-ID", message_id]):
            return False
        client.append(self._folder, content, flags=(SEEN,), msg_time=when)
        return True

    async def file(self, message_id: str, content: bytes, when: datetime) -> bool:
        loop = asyncio.get_running_loop()
        call = functools.partial(self._file, message_id, content, when)
        return await loop.run_in_executor(
            self._executor,
            functools.partial(_translated, self.name, self.settings, call, self._drop),
        )

    def _locate(self) -> tuple[str, bool]:
        client = _login(self.settings)
        try:
            folder = special_folder(client, "sent", self.settings.sent_folder)
            return folder, bool(client.folder_exists(folder))
        finally:
            _quietly(client.logout)
            _quietly(client.shutdown)

    async def locate(self) -> tuple[str, bool]:
        """Log in and find the folder that would be filed into, and whether it exists yet."""
        loop = asyncio.get_running_loop()
        call = functools.partial(_translated, self.name, self.settings, self._locate, self._drop)
        return await loop.run_in_executor(self._executor, call)

    @property
    def folder(self) -> str:
        """The folder filed into (known after the first ``file``)."""
        return self._folder

    async def close(self) -> None:
        """Log out; the folder stays usable (the next ``file`` logs in again)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._drop)

"""The officer's IMAP mailbox as a mail source.

Reading never changes the mailbox: bodies are fetched with ``BODY.PEEK[]`` (no
\\Seen flag) after their size was checked. Only ``settle``, called after the
mail's outcome is committed, moves it: requests (with their follow-ups and
duplicate deliveries) to ``requests_folder``, other mail to ``other_folder``
when one is set, else it stays where it is. New mail is awaited with IDLE when
the server offers it, re-issued at least every ``idle_timeout`` seconds, else by
polling; every wake-up is followed by a full ``UID SEARCH ALL``. The connection,
its thread and its errors: ``connection``.
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import TypeVar

from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from mailbot.config import ImapSettings
from mailbot.errors import MailVanished, SourceUnavailable
from mailbot.ports import MailKey, MailRef, Outcome
from mailbot.sources.imap.connection import Connection, ImapThread
from mailbot.sources.imap.folders import FETCH_CHUNK, create_missing, move_mail

SOURCE = "imap"
PIECE = 2 * 1024 * 1024  # mails larger than this are fetched in pieces of this size
TOGETHER = 50  # smaller mails asked for at once are fetched in one command, up to this many
TOGETHER_BYTES = 4 * 1024 * 1024  # ... or this many bytes (one mail always)
_REQUEST_OUTCOMES = frozenset({Outcome.NEW_CASE, Outcome.FOLLOW_UP, Outcome.DUPLICATE})
_OTHER_OUTCOMES = frozenset({Outcome.NOT_A_REQUEST, Outcome.IGNORED, Outcome.DISMISSED})
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


class _Inbox(Connection):
    """The connection with the watched folder selected. Thread-bound."""

    def __init__(self, settings: ImapSettings) -> None:
        super().__init__(settings)
        self.uidvalidity = 0

    def prepare(self) -> None:
        self.ensure_folders()
        self.select()

    def select(self) -> int:
        selected = self.client.select_folder(self.settings.folder)
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        return int(selected.get(b"EXISTS", 0))

    def ensure_folders(self) -> None:
        for folder in (self.settings.requests_folder, self.settings.other_folder):
            create_missing(self.client, folder)

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
        # reads one, so a 25 MB mail fetched whole took some 100 MB on top of itself. Each
        # piece is copied into one buffer as it comes, and the buffer becomes the mail's
        # bytes without another copy (joining a list of pieces held the mail twice).
        mail = io.BytesIO()
        while True:
            offset = mail.tell()
            data = self.client.fetch([uid], [f"BODY.PEEK[]<{offset}.{PIECE}>"])
            piece = self._body(uid, data.get(uid, {}).get(f"BODY[]<{offset}>".encode()))
            mail.write(piece)
            if len(piece) < PIECE:
                return mail.getvalue()

    def fetch_together(self, refs: Sequence[MailRef]) -> list[bytes | Exception] | None:
        """Several small mails in one command: each one's bytes, or why it is gone; None
        when the server refused the command (each is then fetched alone)."""
        if not all(self._current(ref) for ref in refs):
            raise SourceUnavailable("the folder's UIDVALIDITY changed; it is read again")
        try:
            data = self.client.fetch([int(ref.key.uid) for ref in refs], ["BODY.PEEK[]"])
        except IMAPClientAbortError:
            raise  # the connection: every asker hears it
        except IMAPClientError:  # a server refusing the set for one mail it cannot give
            return None
        found: list[bytes | Exception] = []
        for ref in refs:
            uid = int(ref.key.uid)
            try:
                found.append(self._body(uid, data.get(uid, {}).get(b"BODY[]")))
            except MailVanished as exc:
                found.append(exc)
        return found

    def _body(self, uid: int, body: object) -> bytes:
        if not isinstance(body, bytes):
            folder = self.settings.folder
            raise MailVanished(f"UID {uid} was removed from {folder} before it was read")
        return body

    def move(self, refs: Sequence[MailRef], folder: str) -> None:
        """Move ``refs`` to ``folder``, FETCH_CHUNK of them a command (a command line has a
        limit, and a backlog of mail to move may be long)."""
        # A UIDVALIDITY change: the next pass settles those under their new keys.
        uids = [int(ref.key.uid) for ref in refs if self._current(ref)]
        for start in range(0, len(uids), FETCH_CHUNK):
            self._move(uids[start : start + FETCH_CHUNK], folder)

    def _move(self, uids: list[int], folder: str) -> None:
        try:
            move_mail(self.client, uids, folder)
            return
        except IMAPClientError:
            # Some gone already: another worker (or the officer) moved them, and the server
            # refuses the whole set for them (EXPUNGEISSUED) until this session is told.
            left = sorted(self.client.search(["UID", ",".join(map(str, uids))]))
            if not left:
                return
            if not self.client.has_capability("MOVE"):
                raise  # a second COPY would copy again what the first one did: next pass
        move_mail(self.client, left, folder)  # MOVE is all or nothing: the rest, once more

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


class ImapSource:
    """The ``MailSource`` for one IMAP folder."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._imap = ImapThread(settings, self.name, _Inbox, "imap")
        # Small mails asked for and not fetched yet: fetched together (``_fetch_wanted``).
        self._wanted: deque[tuple[MailRef, asyncio.Future[bytes]]] = deque()
        self._gathering: asyncio.Future[None] | None = None

    @property
    def name(self) -> str:
        return f"imap {self.settings.host}/{self.settings.folder}"

    # -- in the IMAP thread --------------------------------------------------
    def _connection(self, prepare: bool = True) -> _Inbox:
        """The connection with the folder selected, made now if there is none (creating
        the folders mail is moved to, when ``prepare``)."""
        return self._imap.connection(_Inbox.prepare if prepare else _Inbox.select)

    async def _run(self, call: Callable[[_Inbox], T], prepare: bool = True) -> T:
        return await self._imap.run(lambda: call(self._connection(prepare)))

    # -- the MailSource port -------------------------------------------------
    async def pending(self) -> list[MailRef]:
        return await self._run(_Inbox.pending)

    async def fetch(self, ref: MailRef) -> bytes:
        """One mail's bytes. The small mails asked for meanwhile (the read-ahead asks for
        many at once) are fetched together, up to TOGETHER of them or TOGETHER_BYTES in one
        command: one round trip and one command for the server instead of one each."""
        if ref.size > PIECE:
            return await self._run(lambda connection: connection.fetch(ref))
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._wanted.append((ref, future))
        if self._gathering is None or self._gathering.done():
            self._gathering = asyncio.ensure_future(self._fetch_wanted())
        return await future

    async def _fetch_wanted(self) -> None:
        """Fetch what ``fetch`` was asked for, several mails a command, until none waits.
        Each asker gets its mail, or the error that kept it from being read."""
        while self._wanted:
            taken = self._take_wanted()
            if not taken:
                continue
            refs = [ref for ref, _ in taken]
            try:
                together = await self._run(functools.partial(_Inbox.fetch_together, refs=refs))
                found = together if together is not None else await self._each_alone(refs)
            except Exception as exc:  # the server or the connection: every asker hears it
                found = [exc] * len(taken)
            except BaseException:  # cancelled (closing): nobody is left waiting
                self._give_up([future for _, future in taken])
                raise
            for (_, future), body in zip(taken, found, strict=True):
                if future.done():  # given up meanwhile (a read-ahead cancelled)
                    continue
                if isinstance(body, bytes):
                    future.set_result(body)
                else:
                    future.set_exception(body)

    async def _each_alone(self, refs: Sequence[MailRef]) -> list[bytes | Exception]:
        """Each mail fetched alone: its bytes or its own error; once the server cannot be
        used, that for the rest too."""
        found: list[bytes | Exception] = []
        for ref in refs:
            try:
                found.append(await self._run(functools.partial(_Inbox.fetch, ref=ref)))
            except SourceUnavailable as exc:
                return found + [exc] * (len(refs) - len(found))
            except Exception as exc:
                found.append(exc)
        return found

    def _give_up(self, futures: Sequence[asyncio.Future[bytes]]) -> None:
        """Closing: whoever still waits for a mail (taken, or wanted) hears why."""
        for future in [*futures, *(future for _, future in self._wanted)]:
            if not future.done():
                future.set_exception(SourceUnavailable(f"{self.name} was closed"))
        self._wanted.clear()

    def _take_wanted(self) -> list[tuple[MailRef, asyncio.Future[bytes]]]:
        """The next mails to fetch together: up to TOGETHER, or TOGETHER_BYTES."""
        taken: list[tuple[MailRef, asyncio.Future[bytes]]] = []
        size = 0
        while self._wanted and len(taken) < TOGETHER:
            ref, future = self._wanted[0]
            if taken and size + ref.size > TOGETHER_BYTES:
                break
            self._wanted.popleft()
            if not future.done():  # not given up meanwhile
                taken.append((ref, future))
                size += ref.size
        return taken

    async def settle(self, settled: Sequence[tuple[MailRef, Outcome]]) -> None:
        """Move the mails, one command per folder they go to."""
        folders: dict[str, list[MailRef]] = {}
        for ref, outcome in settled:
            folder = self.target(outcome)
            if folder:
                folders.setdefault(folder, []).append(ref)
        for folder, refs in folders.items():
            await self._run(functools.partial(_Inbox.move, refs=refs, folder=folder))

    def target(self, outcome: Outcome) -> str:
        """Where a mail with ``outcome`` belongs ("" means: leave it where it is)."""
        if outcome in _REQUEST_OUTCOMES:
            return self.settings.requests_folder
        if outcome in _OTHER_OUTCOMES:
            return self.settings.other_folder
        return ""  # quarantined mail stays in view of the officer

    async def wait(self, timeout: float) -> None:
        await self._imap.wait(lambda: self._connection().wait(timeout, self._imap.interrupt))

    async def state(self) -> FolderState:
        """Log in and describe the folder, changing nothing (for ``mailbot check``)."""
        return await self._run(_Inbox.state, prepare=False)

    async def close(self) -> None:
        if self._gathering is not None and not self._gathering.done():
            self._gathering.cancel()
            await asyncio.gather(self._gathering, return_exceptions=True)
        self._give_up([])  # a gathering cancelled before it began left its askers
        await self._imap.close()

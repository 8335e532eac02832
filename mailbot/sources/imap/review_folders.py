"""The officer's review folders over IMAP: the ``ReviewMailbox`` port.

One connection, used by this adapter's own thread, with the same timeouts, login
and error translation as the inbox (``connection``). Mail is found by Message-ID
(``SEARCH HEADER``) and moved with MOVE (or COPY, \\Deleted and UID EXPUNGE):
plain IMAP4rev1 and folders only, no keywords, which is what Microsoft 365 offers too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from mailbot.config import ImapSettings
from mailbot.ports import FolderMail, NewMail
from mailbot.sources.imap.connection import Connection, ImapThread
from mailbot.sources.imap.folders import FETCH_CHUNK, create_missing, move_mail, special_folder

T = TypeVar("T")


class ImapReviewFolders:
    """The ``ReviewMailbox`` on the officer's IMAP account."""

    def __init__(self, settings: ImapSettings, idle: bool = True) -> None:
        self.settings = settings
        self.idle = idle
        self._imap = ImapThread(settings, self.name, Connection, "imap-review")

    @property
    def name(self) -> str:
        return f"imap {self.settings.host} review folders"

    # -- in the adapter's thread ---------------------------------------------
    async def _run(self, call: Callable[[IMAPClient], T]) -> T:
        return await self._imap.run(lambda: call(self._imap.connection().client))

    @staticmethod
    def _prepare(client: IMAPClient, folders: list[str], special: dict[str, str]) -> dict[str, str]:
        found = {which: special_folder(client, which, name) for which, name in special.items()}
        for folder in [*folders, *found.values()]:
            create_missing(client, folder)
        return found

    @staticmethod
    def _fetched(client: IMAPClient, folder: str, uids: list[int], part: str) -> list[FolderMail]:
        """``part`` (``BODY[]``, ``BODY[HEADER]``) of each mail, FETCH_CHUNK per command."""
        found: list[FolderMail] = []
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            peek = part.replace("BODY[", "BODY.PEEK[")
            for uid, item in sorted(client.fetch(chunk, [peek]).items()):
                data = item.get(part.encode())
                if isinstance(data, bytes):
                    found.append(FolderMail(folder, uid, data))
        return found

    @staticmethod
    def _uids(client: IMAPClient, folder: str) -> list[int]:
        client.select_folder(folder, readonly=True)
        # A client that moves by COPY and \Deleted (Outlook, until it purges) leaves the
        # original behind, flagged: moved away again, it is no longer the officer's choice.
        return sorted(client.search("UNDELETED"))

    def _new_mail(self, client: IMAPClient, folder: str, mark: tuple[int, int] | None) -> NewMail:
        selected = client.select_folder(folder, readonly=True)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        if mark is None or mark[0] != uidvalidity:
            # The folder's present end: UIDNEXT - 1, or its highest UID when not announced.
            if b"UIDNEXT" in selected:
                return NewMail(uidvalidity, int(selected[b"UIDNEXT"]) - 1, [])
            return NewMail(uidvalidity, max(client.search("ALL"), default=0), [])
        # "n:*" also names the last mail when none is newer than n: filtered below.
        newer = sorted(uid for uid in client.search(["UID", f"{mark[1] + 1}:*"]) if uid > mark[1])
        headers = self._fetched(client, folder, newer, "BODY[HEADER]")
        return NewMail(uidvalidity, max([mark[1], *newer]), headers)

    @staticmethod
    def _fetch(client: IMAPClient, folder: str, uid: int) -> bytes | None:
        client.select_folder(folder, readonly=True)
        body = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
        return body if isinstance(body, bytes) else None

    @staticmethod
    def _index(client: IMAPClient, folder: str) -> dict[str, int]:
        if not client.folder_exists(folder):
            return {}
        if not client.select_folder(folder, readonly=True).get(b"EXISTS"):
            return {}
        found: dict[str, int] = {}
        fetched = client.fetch(client.search("ALL"), ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        for uid, item in fetched.items():
            header = item.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]", b"")
            value = header.decode("ascii", "replace").partition(":")[2].strip()
            if value:
                found[value] = uid
        return found

    @staticmethod
    def _append(client: IMAPClient, folder: str, content: bytes) -> None:
        client.append(folder, content)  # unread: new work for the officer

    @staticmethod
    def _move(client: IMAPClient, folder: str, uids: list[int], target: str) -> None:
        if not uids:
            return
        client.select_folder(folder)
        try:
            move_mail(client, uids, target)
        except IMAPClientError:
            if set(client.search("ALL")) & set(uids):
                raise
            # Gone already: the officer (or another worker) moved them first.

    def _wait(self, folder: str, timeout: float) -> None:
        connection = self._imap.connection()
        connection.client.select_folder(folder, readonly=True)
        connection.wait(timeout, self._imap.interrupt)

    @staticmethod
    def _survey(
        client: IMAPClient, folders: list[str], special: dict[str, str]
    ) -> tuple[dict[str, str], list[str], bool]:
        found = {which: special_folder(client, which, name) for which, name in special.items()}
        wanted = [*folders, *found.values()]
        missing = [folder for folder in wanted if folder and not client.folder_exists(folder)]
        return found, missing, bool(client.has_capability("IDLE"))

    async def survey(
        self, folders: list[str], special: dict[str, str]
    ) -> tuple[dict[str, str], list[str], bool]:
        """For ``mailbot check``, changing nothing: the special folders' names, the folders
        that do not exist yet, and whether the server offers IDLE."""
        return await self._run(lambda client: self._survey(client, folders, special))

    # -- the ReviewMailbox port ----------------------------------------------
    async def prepare(self, folders: list[str], special: dict[str, str]) -> dict[str, str]:
        return await self._run(lambda client: self._prepare(client, folders, special))

    async def uids(self, folder: str) -> list[int]:
        return await self._run(lambda client: self._uids(client, folder))

    async def new_mail(self, folder: str, mark: tuple[int, int] | None) -> NewMail:
        return await self._run(lambda client: self._new_mail(client, folder, mark))

    async def fetch(self, folder: str, uid: int) -> bytes | None:
        return await self._run(lambda client: self._fetch(client, folder, uid))

    async def index(self, folder: str) -> dict[str, int]:
        return await self._run(lambda client: self._index(client, folder))

    async def append(self, folder: str, content: bytes) -> None:
        await self._run(lambda client: self._append(client, folder, content))

    async def move(self, folder: str, uids: list[int], target: str) -> None:
        await self._run(lambda client: self._move(client, folder, uids, target))

    async def wait(self, folder: str, timeout: float) -> None:
        if not self.idle:
            await asyncio.sleep(timeout)
            return
        await self._imap.wait(lambda: self._wait(folder, timeout))

    async def close(self) -> None:
        await self._imap.close()

"""The officer's Sent folder over IMAP: the ``SentFolder`` port."""

from __future__ import annotations

from datetime import datetime

from imapclient.imapclient import SEEN

from mailbot.config import ImapSettings
from mailbot.sources.imap.connection import Connection, ImapThread
from mailbot.sources.imap.folders import create_folder, special_folder


class ImapSentFolder:
    """The ``SentFolder`` port on the officer's IMAP account: a copy of each mail we sent.

    ``imap.sent_folder = "auto"`` takes the folder the server marks ``\\Sent``
    (RFC 6154), else a folder with a usual name, else creates ``Sent``. A mail is
    appended (marked read) only when no mail with its Message-ID is in the folder,
    so filing twice (a crash between APPEND and the commit) adds nothing.
    """

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._imap = ImapThread(settings, self.name, Connection, "imap-sent")
        self._folder = ""

    @property
    def name(self) -> str:
        return f"imap {self.settings.host} sent folder"

    # -- in the IMAP thread --------------------------------------------------
    def _opened(self, connection: Connection) -> None:
        folder = special_folder(connection.client, "sent", self.settings.sent_folder)
        if not connection.client.folder_exists(folder):
            create_folder(connection.client, folder)
        self._folder = folder

    def _file(self, message_id: str, content: bytes, when: datetime) -> bool:
        client = self._imap.connection(self._opened).client
        client.select_folder(self._folder)
        if client.search(["HEADER", "Message-ID", message_id]):
            return False
        client.append(self._folder, content, flags=(SEEN,), msg_time=when)
        return True

    def _locate(self) -> tuple[str, bool]:
        connection = Connection(self.settings)  # its own, closed again
        try:
            folder = special_folder(connection.client, "sent", self.settings.sent_folder)
            return folder, bool(connection.client.folder_exists(folder))
        finally:
            connection.close()

    # -- the SentFolder port -------------------------------------------------
    async def file(self, message_id: str, content: bytes, when: datetime) -> bool:
        return await self._imap.run(lambda: self._file(message_id, content, when))

    async def locate(self) -> tuple[str, bool]:
        """Log in and find the folder that would be filed into, and whether it exists yet."""
        return await self._imap.run(self._locate)

    @property
    def folder(self) -> str:
        """The folder filed into (known after the first ``file``)."""
        return self._folder

    async def close(self) -> None:
        """Log out; the folder stays usable (the next ``file`` logs in again)."""
        await self._imap.logout()
